#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# cnspawn exec and cnspawn login (issue 13), for real, as cntest through the
# setuid helper: exec runs in every namespace, cgroup and restriction of init
# (compared with init's own from the host), under both rules; its exit
# statuses; -u, -E, --cwd and the clean environment; byte-exact pipes (50 MB,
# SHA-256), separate stderr, stdin EOF; no host fd, cwd or symlinked passwd;
# the refusals (one line, nothing left); 20 execs at once; the terminal path
# through script(1); a start's pipe mode byte for byte.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
command -v script > /dev/null || { echo "1..0 # SKIP script(1) missing"; exit 77; }

mkcopy ex
R=$COPY
printf 'alice:x:1000:1000:Alice:/home/alice:/bin/sh\n' >> "$R/etc/passwd"
printf 'alice:x:1000:\nstaff:x:50:bob,alice\n' >> "$R/etc/group"
mkdir -p "$R/home/alice" "$R/root"
chown 1000:1000 "$R/home/alice"
mkcopy nox
RN=$COPY
UR=""
if [ -d "$USERNS_ROOTS" ]; then
	ucopy ex "$R"
	UR=$UCOPY
fi

save_policy
put_policy <<-P
permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /bin/sh privileged exec pids 64
permit cntest root $RN bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /bin/sh privileged
permit cntest root $USERNS_ROOTS/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /bin/sh userns 200000 65536
P
NOX_LINE=$(rule_line "permit cntest root $RN ")

ex() { as_user cntest "$CNSPAWN" exec "$@"; }

# long_container ROOT MARKER [options]: as bg_container, for up to 5 minutes.
long_container() {
	_r=$1 _m=$2; shift 2
	rm -f "$_r/tmp/stop-$_m"
	bg_cn -q -p "$_r" -b br0 "$@" --init /bin/sh -- -c \
		"i=0; while [ ! -e /tmp/stop-$_m ] && [ \$i -lt 1500 ]; do sleep 0.2; i=\$((i+1)); done; rm -f /tmp/stop-$_m; : $_m"
}

# --- a privileged container with exec ----------------------------------------
long_container "$R" exm1 -M ex1
INIT=""
if INIT=$(init_pid exm1); then ok "the container runs (init $INIT)"; else not_ok "the container runs"; fi

run ex ex1 -- /bin/sh -c 'echo hello'
is "exec runs a command" "0 hello" "$RC $OUT"

same_ns() { # same_ns NAME: the exec'd process's /proc/self/ns/NAME is init's
	run ex ex1 readlink "/proc/self/ns/$1"
	is "exec is in init's $1 namespace" "$(readlink "/proc/$INIT/ns/$1")" "$OUT"
}
for n in mnt uts ipc net pid cgroup user; do same_ns "$n"; done
run ex ex1 sh -c 'cat /proc/self/cgroup; echo --; cat /proc/1/cgroup'
is "exec is in init's cgroups, every hierarchy" "$(printf '%s\n' "$OUT" | sed '/^--$/,$d')" \
	"$(printf '%s\n' "$OUT" | sed '1,/^--$/d')"
like "... and they are the container's own" "^[0-9]+:pids:/$CGBASE/ex1\$" "$(cat "/proc/$INIT/cgroup")"
run ex ex1 sh -c 'grep -E "^(Seccomp|CapBnd|NoNewPrivs):" /proc/self/status'
is "exec is under the syscall filter (Seccomp: 2)" "2" "$(printf '%s\n' "$OUT" | sed -n 's/^Seccomp:[[:space:]]*//p')"
is "exec has init's bounding set" "$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$INIT/status")" \
	"$(printf '%s\n' "$OUT" | sed -n 's/^CapBnd:[[:space:]]*//p')"
run ex ex1 sh -c 'hostname; readlink /proc/$$/cwd; readlink /proc/$$/root'
is "exec: the container's hostname, cwd and root" "ex1 /root /" "$(echo $OUT)"

# --- exit statuses --------------------------------------------------------------
run ex ex1 sh -c 'exit 3'
is "exit status 3" 3 "$RC"
run ex ex1 /no/such
is "not found: 127" "127 cnspawn: /no/such: command not found" "$RC $ERR"
run ex ex1 nosuchcmd
is "not found in PATH: 127" "127 cnspawn: nosuchcmd: command not found" "$RC $ERR"
run ex ex1 /etc/passwd
is "not executable: 126" "126 cnspawn: /etc/passwd: Permission denied" "$RC $ERR"
run ex ex1 sh -c 'kill -9 $$'
is "killed by signal 9: 137" 137 "$RC"
BASELINE=$(leftovers)
refused "no such container" "no container named nosuch is running" ex nosuch true
refused "a hostile name" \
	"invalid machine name (1-64 of A-Z a-z 0-9 _ . -, starting alphanumeric, not ending in .sock)" \
	ex '../x' true
refused "another user's container" "ex1: permission denied" as_user cnother "$CNSPAWN" exec ex1 true
refused "a bad --cwd" "cannot change to directory /nonexistent: No such file or directory" \
	ex --cwd /nonexistent ex1 true
refused "-u of a user the container does not have" "no user nobody in the container's /etc/passwd" \
	ex -u nobody ex1 true

# --- as whom, where, with what --------------------------------------------------
run ex -u alice ex1 sh -c 'id -u; id -G; echo $HOME $USER; pwd'
is "-u alice: her uid, groups, home" "1000 1000 50 /home/alice alice /home/alice" "$(echo $OUT)"
run ex ex1 env
is "a clean environment" "HOME=/root LOGNAME=root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin USER=root container=cnspawn" \
	"$(printf '%s\n' "$OUT" | sort | tr '\n' ' ' | sed 's/ $//')"
run ex -E FOO=bar -E 'SP=a b' -E PATH=/bin ex1 sh -c 'echo "$FOO|$SP|$PATH"'
is "-E sets and replaces variables" "bar|a b|/bin" "$OUT"
run ex --cwd /tmp ex1 pwd
is "--cwd" "/tmp" "$OUT"
# ls is a child of the shell: the shell's own fds are listed, not ls's directory fd.
run ex ex1 sh -c 'ls /proc/$$/fd; for f in 0 1 2; do readlink /proc/$$/fd/$f; done | cut -d: -f1 | sort -u'
is "only 0-2, all pipes" "0 1 2 pipe" "$(echo $OUT)"
run as_user cntest sh -c "exec 3< /; exec 4< /etc/passwd; exec \"$CNSPAWN\" exec ex1 sh -c 'ls /proc/\$\$/fd; true'"
is "no host fd even when the frontend holds a host directory" "0 1 2" "$(echo $OUT)"

# --- bytes ------------------------------------------------------------------------
head -c 50000000 /dev/urandom > "$_work/big"
chmod 0644 "$_work/big"
chmod 0755 "$_work"
WANT=$(sha256sum < "$_work/big" | cut -d' ' -f1)
RC=0
as_user cntest "$CNSPAWN" exec ex1 cat < "$_work/big" > "$_work/big.out" 2> "$_work/big.err" || RC=$?
is "50 MB through exec: status" 0 "$RC"
is "50 MB through exec: same SHA-256" "$WANT" "$(sha256sum < "$_work/big.out" | cut -d' ' -f1)"
as_user cntest "$CNSPAWN" exec ex1 sh -c 'printf "a\nb\n"; printf "e\n" >&2' > "$_work/o" 2> "$_work/e" || true
is "stdout byte for byte (no CR)" "610a620a" "$(od -An -tx1 < "$_work/o" | tr -d ' \n')"
is "stderr separate" "650a" "$(od -An -tx1 < "$_work/e" | tr -d ' \n')"
RUN_STDIN=$_work/o run ex ex1 sh -c 'cat; echo end'
is "stdin reaches CMD, and its end is CMD's end of file" "a b end" "$(echo $OUT)"

# --- limits: a fork bomb through exec stops at the container's pids ceiling -----
# Its init is a sleep (no fork of its own to fail); the bomb counts with builtins only.
EX1_PID=$BG_PID
mkcopy bomb
bg_cn -q -p "$COPY" -b br0 -M exb --init /bin/sh -- -c 'exec sleep 60'
wait_for 10 test -e "$STATE/exb"
# busybox sh exits when a fork fails: the bomb is a subshell, the count builtins only.
run ex exb sh -c '(for i in $(seq 100); do sleep 3 & done); n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo $n'
if [ "${OUT:-999}" -le 64 ] && [ "${OUT:-0}" -ge 20 ]; then ok "fork bomb through exec stops at pids 64 ($OUT tasks)"
else not_ok "fork bomb through exec stops at pids 64" "tasks: $OUT $ERR"; fi
like "... with fork failing inside" "can't fork" "$ERR"
run ex exb true
is "... and the container takes the next exec" 0 "$RC"
run cn stop --kill exb
bg_wait
BG_PID=$EX1_PID

# --- 20 at once ---------------------------------------------------------------------
i=0 par=""
while [ $i -lt 20 ]; do
	ex ex1 sh -c "echo p$i" > "$_work/par.$i" 2>&1 &
	par="$par $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # the pids, one word each
wait $par
n=0 i=0
while [ $i -lt 20 ]; do [ "$(cat "$_work/par.$i")" = "p$i" ] && n=$((n + 1)); i=$((i + 1)); done
is "20 execs in parallel all succeed" 20 "$n"
run ex ex1 true
is "the container and its monitor are fine afterwards" "0 ex1" "$RC $(cn list)"

# --- the terminal path --------------------------------------------------------------
run as_user cntest script -qec "$CNSPAWN exec ex1 sh -c 'tty; echo \$TERM'" /dev/null
# script(1) echoes the EOF of its /dev/null stdin into the output as "^@", at times.
like "with a terminal: a PTY of the container" '^(\^@)?/dev/pts/[0-9]+$' "$OUT"
run as_user cntest script -qec "$CNSPAWN exec -T ex1 sh -c 'tty || :'" /dev/null
like "-T: no terminal" "not a tty" "$OUT"

# --- through a real terminal (tmux): exec's PTY, Ctrl-] x3, cnspawn login ---------
if command -v tmux > /dev/null && command -v openssl > /dev/null; then
	SOCK=cnspawn-68-$$
	D=$_work/tm
	mkdir "$D"
	chown cntest:cntest "$D"
	on_exit "as_user cntest tmux -L '$SOCK' kill-server 2>/dev/null || true"
	tm() { as_user cntest tmux -L "$SOCK" "$@"; }
	pane_has() { tm capture-pane -p -t "$1" | grep -Eq -- "$2"; }
	# tpane TAG ARGS...: cnspawn ARGS in a tmux pane; TAG.rc its status, TAG.b/.a stty -g.
	tpane() {
		_t=$1; shift
		tm -f /dev/null new-session -d -s "$_t" -x 100 -y 30 sh -c \
			"stty -g > $D/$_t.b; $CNSPAWN $*; echo \$? > $D/$_t.r; stty -g > $D/$_t.a; mv $D/$_t.r $D/$_t.rc"
	}
	tpane es exec ex1 sh
	wait_for 10 pane_has es '# *$' || diag "no prompt: $(tm capture-pane -p -t es 2>&1)"
	tm send-keys -t es 'tty; echo TTY-$((6*7))' Enter
	if wait_for 10 pane_has es '^TTY-42'; then ok "exec through tmux: a shell on a PTY"
	else not_ok "exec through tmux: a shell on a PTY" "$(tm capture-pane -p -t es 2>&1)"; fi
	like "... of the container's devpts" '^/dev/pts/[0-9]+$' "$(tm capture-pane -p -t es)"
	tm send-keys -t es C-] C-] C-]
	wait_for 10 test -e "$D/es.rc" || true
	is "Ctrl-] three times ends exec: status 0" 0 "$(cat "$D/es.rc" 2> /dev/null)"
	is "... and the terminal is exactly as before" "$(cat "$D/es.b")" "$(cat "$D/es.a" 2> /dev/null)"
	# cnspawn login: the container's own login asks for root's password.
	HASH=$(openssl passwd -6 secret68)
	sed -i "s|^root:x:|root:$HASH:|" "$R/etc/passwd"
	tpane lg login ex1
	wait_for 10 pane_has lg 'login: *$' || diag "no login prompt: $(tm capture-pane -p -t lg 2>&1)"
	tm send-keys -t lg root Enter
	wait_for 10 pane_has lg 'Password: *$' || diag "no password prompt: $(tm capture-pane -p -t lg 2>&1)"
	tm send-keys -t lg secret68 Enter
	tm send-keys -t lg 'echo LOGIN-$((6*7))' Enter
	if wait_for 10 pane_has lg '^LOGIN-42'; then ok "cnspawn login: a shell after the password"
	else not_ok "cnspawn login: a shell after the password" "$(tm capture-pane -p -t lg 2>&1)"; fi
	tm send-keys -t lg 'exit' Enter
	wait_for 10 test -e "$D/lg.rc" || true
	is "cnspawn login: exit status 0 after exit" 0 "$(cat "$D/lg.rc" 2> /dev/null)"
	is "... and the terminal is exactly as before" "$(cat "$D/lg.b")" "$(cat "$D/lg.a" 2> /dev/null)"
	sed -i "s|^root:[^:]*:|root:x:|" "$R/etc/passwd"
else
	skip "exec and login through tmux" "tmux or openssl missing"
fi

# --- exec refused by a privileged rule without exec ----------------------------------
stop_container "$R" exm1
bg_container "$RN" exm2 -M ex2
init_pid exm2 > /dev/null || true
BASELINE=$(leftovers)
refused "privileged rule without exec" \
	"exec into ex2 is not allowed: the privileged rule at line $NOX_LINE has no exec option (cnspawn login ex2 works)" \
	ex ex2 true
stop_container "$RN" exm2
BASELINE=""

# --- /etc/passwd a symlink to a host file: never followed -----------------------------
mkcopy lnk
RL=$COPY
rm -f "$RL/etc/passwd"
ln -s "$HOSTTMP/passwd-of-host" "$RL/etc/passwd"
printf 'alice:x:0:0::/:/bin/sh\n' > "$HOSTTMP/passwd-of-host"
remove_on_exit "$HOSTTMP/passwd-of-host"
bg_container "$RL" exm3 -M ex3
init_pid exm3 > /dev/null || true
BASELINE=$(leftovers)
refused "-u with /etc/passwd a symlink" \
	"reading the container's /etc/passwd: Too many levels of symbolic links" ex -u alice ex3 true
stop_container "$RL" exm3
BASELINE=""

# --- userns ---------------------------------------------------------------------------
if [ -n "$UR" ]; then
	bg_container "$UR" exm4 -M ex4
	UINIT=""
	wait_for 10 pgrep -u 200000 -f exm4 > /dev/null || true
	for _p in $(pgrep -u 200000 -f exm4 || true); do
		case $(sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$_p/status") in *[[:space:]]1) UINIT=$_p ;; esac
	done
	for n in mnt uts ipc net pid cgroup user; do
		run ex ex4 readlink "/proc/self/ns/$n"
		is "userns: exec is in init's $n namespace" "$(readlink "/proc/$UINIT/ns/$n")" "$OUT"
	done
	run ex ex4 sh -c 'id -u; grep -E "^(Seccomp|CapBnd):" /proc/self/status | tr -d "\t"; sleep 0.3 & pid=$!; cat /proc/$pid/status | sed -n "s/^Uid:[[:space:]]*//p"'
	is "userns: container root, filtered, init's bounding set" \
		"0 CapBnd:$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$UINIT/status") Seccomp:2 0 0 0 0" "$(echo $OUT)"
	run ex ex4 sh -c 'cat /proc/self/cgroup; echo --; cat /proc/1/cgroup'
	is "userns: exec is in init's cgroups" "$(printf '%s\n' "$OUT" | sed '/^--$/,$d')" \
		"$(printf '%s\n' "$OUT" | sed '1,/^--$/d')"
	stop_container "$UR" exm4
else
	skip "userns exec" "no $USERNS_ROOTS"
fi

# --- a start's pipe mode is byte-exact ------------------------------------------------
RC=0
as_user cntest "$CNSPAWN" -q -p "$R" -b br0 --init /bin/sh -- -c 'printf "a\nb\n"; printf "e\n" >&2; true' \
	< /dev/null > "$_work/so" 2> "$_work/se" || RC=$?
is "start in pipe mode: stdout byte for byte" "0 610a620a" "$RC $(od -An -tx1 < "$_work/so" | tr -d ' \n')"
is "start in pipe mode: stderr separate" "650a" "$(od -An -tx1 < "$_work/se" | tr -d ' \n')"
RC=0
printf 'echo $((6*7))\n' | as_user cntest "$CNSPAWN" -q -p "$R" -b br0 --init /bin/sh > "$_work/so" 2> "$_work/se" || RC=$?
is "start in pipe mode: a shell fed on stdin prints only the output" "0 34320a" "$RC $(od -An -tx1 < "$_work/so" | tr -d ' \n')"

assert_clean "after every exec"
done_testing
