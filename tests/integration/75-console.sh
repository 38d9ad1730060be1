#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The console through a real terminal: the frontend runs in a tmux pane as
# cntest. Raw mode and exact restore (typed exit, SIGTERM, container death,
# escape), initial size and SIGWINCH, TERM/COLORTERM/NO_COLOR, the escape
# keys, a vhangup(2) inside, and pipe mode with 10 MB intact.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
command -v tmux > /dev/null || { echo "1..0 # SKIP tmux not installed"; exit 77; }

tmux_setup 75
mkcopy t75
chmod 0755 "$_work"

# pane.sh TAG CNSPAWN-ARGS...: runs in the pane; records the terminal before and
# after, the frontend's status and stderr. The extra variables must not leak.
cat > "$D/pane.sh" << EOF
t=\$1; shift
echo "\$TERM" > $D/\$t.term
stty -g > $D/\$t.before
echo \$\$ > $D/\$t.sh
env COLORTERM=truecolor NO_COLOR=1 T75_LEAK=leak $CNSPAWN "\$@" 2> $D/\$t.err
echo \$? > $D/\$t.rc1
stty -g > $D/\$t.after
mv $D/\$t.rc1 $D/\$t.rc
EOF

tm() { as_user cntest tmux -L "$SOCK" "$@"; }
# pane TAG CNSPAWN-ARGS...: start the frontend in a new 100x30 tmux session TAG.
pane() {
	_pt=$1; shift
	tm -f /dev/null new-session -d -s "$_pt" -x 100 -y 30 sh "$D/pane.sh" "$_pt" "$@"
	tm set -g status off > /dev/null 2>&1 || true
	wait_for 10 test -s "$D/$_pt.sh" || return 1
	PANE_TTY=$(tm display -p -t "$_pt" '#{pane_tty}')
	FE_PID=""
	_n=50
	while [ -z "$FE_PID" ] && [ "$_n" -gt 0 ]; do
		FE_PID=$(pgrep -P "$(cat "$D/$_pt.sh")" -x cnspawn || true)
		sleep 0.1; _n=$((_n - 1))
	done
}
is_raw() { stty -F "$PANE_TTY" -a 2> /dev/null | grep -q -- '-icanon.*-echo '; }
pane_has() { tm capture-pane -p -t "$1" | grep -Eq -- "$2"; }
# pane_end TAG DESC RC: the frontend exited with RC and the terminal is exactly as before.
pane_end() {
	if ! wait_for 15 test -e "$D/$1.rc"; then
		not_ok "$2: frontend exits" "$(tm capture-pane -p -t "$1" 2>&1)"
		tm kill-session -t "$1" > /dev/null 2>&1 || true
		return 0
	fi
	is "$2: exit status $3" "$3" "$(cat "$D/$1.rc")"
	is "$2: stty -g after equals before" "$(cat "$D/$1.before")" "$(cat "$D/$1.after")"
}
wait_raw() {
	if wait_for 10 is_raw; then ok "$1: terminal is raw while attached"
	else not_ok "$1: terminal is raw while attached" "$(stty -F "$PANE_TTY" -a 2>&1)"; fi
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2> /dev/null || echo 0; }

# 1. Interactive shell: initial size, environment, resize, typed exit.
pane sh -q -p "$COPY" -b br0 -M t75-sh --init /bin/sh
wait_raw "shell"
wait_for 10 pane_has sh '# *$' || diag "no prompt seen"
tm send-keys -t sh 'stty size > /tmp/size0; tr "\0" "\n" < /proc/1/environ > /tmp/env' Enter
wait_for 10 test -s "$COPY/tmp/env" || true
is "initial size inside = pane size" "$(tm display -p -t sh '#{pane_height} #{pane_width}')" \
	"$(cat "$COPY/tmp/size0" 2> /dev/null)"
env=$(cat "$COPY/tmp/env" 2> /dev/null || true)
like "TERM of the terminal reaches init" "^TERM=$(cat "$D/sh.term")\$" "$env"
like "COLORTERM reaches init" '^COLORTERM=truecolor$' "$env"
like "NO_COLOR reaches init" '^NO_COLOR=1$' "$env"
unlike "nothing else of the user's environment" '^(T75_LEAK|TMUX|TMUX_PANE|HOME|USER|LOGNAME)=|cntest' "$env"
diag "init's environment: $(printf '%s\n' "$env" | sed 's/=.*//' | tr '\n' ' ')"
tm resize-window -t sh -x 120 -y 40
sleep 0.3
tm send-keys -t sh 'stty size > /tmp/size1' Enter
wait_for 10 test -s "$COPY/tmp/size1" || true
is "size inside after a resize (SIGWINCH)" "$(tm display -p -t sh '#{pane_height} #{pane_width}')" \
	"$(cat "$COPY/tmp/size1" 2> /dev/null)"
is "the resize really changed the pane" "40 120" "$(tm display -p -t sh '#{pane_height} #{pane_width}')"
tm send-keys -t sh 'exit 3' Enter
pane_end sh "typed exit" 3
assert_clean "shell"

# 2. SIGTERM to a terminal frontend: a detach; the container runs on until stopped.
pane term -q -p "$TEMPLATE" -b br0 -M t75-term --init /bin/sh -- -c 'sleep 30'
wait_raw "SIGTERM"
kill -TERM "$FE_PID"
pane_end term "SIGTERM to the frontend" 143
run cn list
like "after SIGTERM the container still runs" '^t75-term$' "$OUT"
run cn stop --kill t75-term
is "stop after SIGTERM: exit 0" 0 "$RC"
assert_clean "SIGTERM"

# 2b. SIGUSR1 (whose default action would end cnspawn with the terminal raw): restored too.
pane usr1 -q -p "$TEMPLATE" -b br0 -M t75-usr1 --init /bin/sh -- -c 'sleep 30'
wait_raw "SIGUSR1"
kill -USR1 "$FE_PID"
pane_end usr1 "SIGUSR1 to the frontend" 138
run cn stop --kill t75-usr1
is "stop after SIGUSR1: exit 0" 0 "$RC"
assert_clean "SIGUSR1"

# 3. The container dies (init exits on its own while attached).
pane die -q -p "$TEMPLATE" -b br0 -M t75-die --init /bin/sh -- -c 'sleep 2; exit 5'
wait_raw "container death"
pane_end die "init exits 5" 5
assert_clean "container death"

# 4. Escape: Ctrl-] d detaches (container runs on), attach gets it back, then
# Ctrl-] three times within 1 s stops it and leaves; a start line names the keys.
pane esc -p "$TEMPLATE" -b br0 -M t75-esc --init /bin/sh
wait_raw "escape"
wait_for 10 pane_has esc '# *$' || diag "no prompt seen"
tm send-keys -t esc -H 1d 64
pane_end esc "Ctrl-] d" 0
like "start line names the escape" 'Press Ctrl-\] .*three times within 1s' "$(cat "$D/esc.err")"
like "detach message" 'cnspawn: detached from t75-esc' "$(cat "$D/esc.err")"
run cn list
like "after Ctrl-] d the container still runs" '^t75-esc$' "$OUT"
pane att attach t75-esc
wait_raw "attach"
tm send-keys -t att 'echo att-$((6*7))' Enter
if wait_for 10 pane_has att '^att-42'; then ok "attach: the shell answers"
else not_ok "attach: the shell answers" "$(tm capture-pane -p -t att)"; fi
tm send-keys -t att -H 1d 1d 1d
pane_end att "Ctrl-] x3" 0
like "leaving message" 'cnspawn: leaving' "$(cat "$D/att.err")"
assert_clean "escape"

# 5. Single and double Ctrl-] reach the container untouched: a lone one after
# the 1 s window (no further key), one before Enter, two that expire, two before Enter.
rm -f "$COPY/tmp/one" "$COPY/tmp/keys"
pane keys -q -p "$COPY" -b br0 -M t75-keys --init /bin/sh -- -c \
	'stty -icanon min 1 time 0; dd bs=1 count=1 of=/tmp/one 2>/dev/null; stty icanon; touch /tmp/canon; cat > /tmp/keys'
wait_raw "keys"
tm send-keys -t keys -H 1d
wait_for 5 test -s "$COPY/tmp/one" || true
is "a lone Ctrl-] reaches the container after the window" "1d" \
	"$(od -An -tx1 "$COPY/tmp/one" 2> /dev/null | tr -d ' \n')"
wait_for 5 test -e "$COPY/tmp/canon" || true
sleep 0.2
tm send-keys -t keys -H 1d 0d
tm send-keys -t keys -H 1d 1d
sleep 1.3
tm send-keys -t keys -H 1d 1d 0d
sleep 0.3
tm send-keys -t keys -H 04
pane_end keys "keys then EOF" 0
is "single and double Ctrl-] delivered as typed" "1d0a1d1d1d1d0a" \
	"$(od -An -tx1 "$COPY/tmp/keys" 2> /dev/null | tr -d ' \n')"
assert_clean "keys"

# 6. vhangup(2) on the console inside; the session goes on afterwards.
if command -v gcc > /dev/null && gcc -static -O2 -o "$COPY/vhangup" "$(dirname "$0")/vhangup.c" 2> "$_work/gcc.err"; then
	pane vh -q -p "$COPY" -b br0 -M t75-vh --init /bin/sh -- -c 'exec /vhangup 3 /bin/sh'
	wait_raw "vhangup"
	if wait_for 5 test -e "$COPY/tmp/hungup"; then ok "the program inside called vhangup(2) on its console"
	else not_ok "the program inside called vhangup(2) on its console" "$(tm capture-pane -p -t vh)"; fi
	sleep 0.2
	t0=$(cpu_ticks "$FE_PID")
	sleep 1.5
	t1=$(cpu_ticks "$FE_PID")
	if [ $((t1 - t0)) -le 10 ]; then ok "no busy loop while the console is hung up ($((t1 - t0)) ticks in 1.5 s)"
	else not_ok "no busy loop while the console is hung up" "$((t1 - t0)) ticks in 1.5 s"; fi
	wait_for 10 pane_has vh '# *$' || diag "no prompt after the hangup"
	tm send-keys -t vh 'echo vh-$((6*7))' Enter
	if wait_for 10 pane_has vh '^vh-42'; then ok "after vhangup the session still works"
	else not_ok "after vhangup the session still works" "$(tm capture-pane -p -t vh)"; fi
	tm send-keys -t vh 'exit 9' Enter
	pane_end vh "after vhangup" 9
	assert_clean "vhangup"
else
	skip "vhangup" "cannot build a static test program: $(cat "$_work/gcc.err" 2> /dev/null)"
fi

# 7. Pipe mode: 10 MB out intact before exit; piped input delivered.
head -c 10485760 /dev/urandom > "$COPY/tmp/data"
RC=0
as_user cntest "$CNSPAWN" -q -p "$COPY" -b br0 -M t75-out --init /bin/sh -- -c \
	'sha256sum < /tmp/data > /tmp/sum; stty -opost; cat /tmp/data' < /dev/null > "$_work/out" 2> "$_work/err" || RC=$?
is "pipe mode 10 MB: exit 0" 0 "$RC"
is "pipe mode 10 MB: size" 10485760 "$(wc -c < "$_work/out")"
is "pipe mode 10 MB: sha256 inside = outside" "$(cut -d' ' -f1 "$COPY/tmp/sum" 2> /dev/null)" \
	"$(sha256sum < "$_work/out" | cut -d' ' -f1)"
[ -z "$(cat "$_work/err")" ] || diag "stderr: $(cat "$_work/err")"
seq 1 200000 > "$_work/in"
RC=0
as_user cntest "$CNSPAWN" -q -p "$COPY" -b br0 -M t75-in --init /bin/sh -- -c \
	'stty -echo; cat > /tmp/in' < "$_work/in" > /dev/null 2> "$_work/err" || RC=$?
is "pipe mode input: exit 0" 0 "$RC"
is "pipe mode input: 200000 lines delivered intact" "$(sha256sum < "$_work/in")" \
	"$(sha256sum < "$COPY/tmp/in" 2> /dev/null)"
assert_clean "pipe mode"

# 8. A reader that goes away (EPIPE) never blocks the container: its output is discarded.
# (The left side of a pipe is a subshell: its status goes through a file.)
{
	_rc=0
	as_user cntest "$CNSPAWN" -q -p "$COPY" -b br0 -M t75-epipe --init /bin/sh -- -c \
		'head -c 10485760 /dev/zero; echo done > /tmp/epipe; exit 7' < /dev/null 2> "$_work/err" || _rc=$?
	echo "$_rc" > "$_work/epipe.rc"
} | head -c 100 > /dev/null
is "stdout closed early: the container still finishes (exit 7)" 7 "$(cat "$_work/epipe.rc")"
is "stdout closed early: everything was written inside" done "$(cat "$COPY/tmp/epipe" 2> /dev/null)"
assert_clean "closed stdout"
done_testing
