#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 16: cnspawn logs [-f] [-n LINES] NAME shows the console's output from
# the monitor's ring without taking the console, also output written while
# another frontend is attached; the same permission rule as attach. As cntest
# (cnother for the refusal) through the installed setuid helper.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

TICK='i=0; while :; do echo tick $i; i=$((i+1)); sleep 1; done'
running() { cn list | grep -qx "$1"; }
# last_tick TEXT: the highest tick number in TEXT (-1 for none).
last_tick() { printf '%s\n' "$1" | sed -n 's/^tick \([0-9][0-9]*\)$/\1/p' | sort -n | tail -1 | grep . || echo -1; }

# --- a detached container: logs shows its output, byte for byte -----------------
run cn -d -q -M t72 -p "$TEMPLATE" -b br0 --init /bin/sh -- -c "$TICK"
is "-d: started" "t72" "$OUT"
on_exit 'as_user cntest "$CNSPAWN" stop --kill t72 > /dev/null 2>&1 || true'
sleep 2.5
run cn logs t72
is "logs: exit 0" 0 "$RC"
is "logs: nothing on stderr" "" "$ERR"
like "logs: the first tick" '^tick 0$' "$OUT"
like "logs: a later tick" '^tick [12]$' "$OUT"
# The console's own bytes: the tty's CR LF, not a cleaned-up text.
cn logs t72 > "$_work/raw" 2> /dev/null || true
is "logs: the raw bytes ('tick 0' CR LF, as the console got them)" "7469636b20300d0a" \
	"$(head -c 8 "$_work/raw" | od -An -tx1 | tr -d ' \n')"
check "logs: the container still runs" running t72
run cn status t72
like "logs did not take the console (status: not attached)" '^ +Attached: no$' "$OUT"

# --- -n: exactly the last lines -------------------------------------------------
mkcopy lg-n
run cn -d -q -M t72n -p "$COPY" -b br0 --init /bin/sh -- -c \
	'for i in 1 2 3 4 5; do echo "line $i"; done; exec sleep 600'
is "-n: started" "t72n" "$OUT"
on_exit 'as_user cntest "$CNSPAWN" stop --kill t72n > /dev/null 2>&1 || true'
has_line5() { cn logs t72n | grep -q 'line 5'; }
check "-n: the five lines are written" wait_for 10 has_line5
run cn logs -n 2 t72n
is "-n 2: exit 0" 0 "$RC"
is "-n 2: exactly the last two lines" "line 4
line 5" "$OUT"
run cn logs --lines=1 t72n
is "--lines=1: the last line" "line 5" "$OUT"
run cn logs -n 0 t72n
is "-n 0: nothing" "" "$OUT"
run cn logs -n 99 t72n
is "-n 99: all five lines" "line 1
line 2
line 3
line 4
line 5" "$OUT"
run cn logs -n x t72n
is "-n x: exit 125" 125 "$RC"
is "-n x: the reason" "cnspawn: invalid -n 'x' (a number of lines, 0 to 16777216)" "$ERR"
run cn stop --kill t72n

# --- -f: follows new output and ends when the container ends --------------------
mkcopy lg-f
run cn -d -q -M t72f -p "$COPY" -b br0 --init /bin/sh -- -c \
	'i=0; while [ $i -lt 10 ]; do echo "f $i"; i=$((i+1)); sleep 0.3; done'
is "-f: started" "t72f" "$OUT"
t0=$(date +%s)
CN_TIMEOUT=20 run cn logs -f t72f
t1=$(date +%s)
is "-f: exit 0 when the container ends (not the timeout's 124)" 0 "$RC"
like "-f: the first line" '^f 0$' "$OUT"
like "-f: the last line, written ~3 s after the start" '^f 9$' "$OUT"
is "-f: every line once, in order" "f 0 f 1 f 2 f 3 f 4 f 5 f 6 f 7 f 8 f 9" "$(printf '%s\n' "$OUT" | tr '\n' ' ' | sed 's/ $//')"
check "-f: returned well before the 20 s timeout" test $((t1 - t0)) -lt 15
check "-f: the container is gone" wait_for 10 sh -c "! ls -A '$STATE' | grep -q '^t72f'"

# --- logs while another frontend is attached -----------------------------------
mkcopy lg-att
rm -f "$COPY/tmp/go"
run cn -d -q -M t72a -p "$COPY" -b br0 --init /bin/sh -- -c \
	'i=0; while :; do if [ -e /tmp/go ]; then read w < /tmp/go; echo "during $w"; rm -f /tmp/go; fi; echo "a $i"; i=$((i+1)); sleep 0.2; done'
on_exit 'as_user cntest "$CNSPAWN" stop --kill t72a > /dev/null 2>&1 || true'
rm -f "$_work/in"; mkfifo "$_work/in"
exec 7<> "$_work/in"
nsenter --net="/run/netns/$NETNS" setpriv --reuid=cntest --regid=cntest --init-groups -- \
	env -i PATH=/usr/bin:/bin HOME=/home/cntest TERM=dumb "$CNSPAWN" attach t72a \
	< "$_work/in" > "$_work/fg.out" 2>&1 &
FG_PID=$!
_pids="$_pids $FG_PID"
attached() { cn status t72a | grep -Eq '^ +Attached: yes$'; }
check "another frontend is attached" wait_for 10 attached
echo one > "$COPY/tmp/go.new"; mv "$COPY/tmp/go.new" "$COPY/tmp/go"
if wait_for 10 grep -q '^during one' "$_work/fg.out"; then ok "the attached frontend shows the new line"
else not_ok "the attached frontend shows the new line" "$(cat "$_work/fg.out")"; fi
run cn logs t72a
is "logs while attached: exit 0" 0 "$RC"
like "logs while attached: output written during the attachment" '^during one$' "$OUT"
run cn logs -n 1 t72a
like "logs -n 1 while attached: a line of now" '^a [0-9]+$' "$OUT"
check "logs left the console to the attached frontend" attached
check "the attached frontend still runs" kill -0 "$FG_PID"
# -f while attached elsewhere: a line typed in after logs -f started reaches it.
bg_cn logs -f t72a
sleep 1
echo two > "$COPY/tmp/go.new"; mv "$COPY/tmp/go.new" "$COPY/tmp/go"
if wait_for 10 grep -q '^during two' "$_work/bg.out"; then ok "logs -f while attached elsewhere follows new output"
else not_ok "logs -f while attached elsewhere follows new output" "$(cat "$_work/bg.out")"; fi
run cn stop --kill t72a
bg_wait
is "logs -f while attached: exit 0 when the container ends" 0 "$RC"
wait "$FG_PID" 2> /dev/null || true
exec 7>&-

# --- refusals --------------------------------------------------------------------
run as_user cnother "$CNSPAWN" logs t72
is "cnother: logs exit 125" 125 "$RC"
is "cnother: logs refused, one line" "cnspawn: t72: permission denied" "$ERR"
is "cnother: no output" "" "$OUT"
run as_user cnother "$CNSPAWN" logs -f t72
is "cnother: logs -f exit 125" 125 "$RC"
is "cnother: logs -f refused, one line" "cnspawn: t72: permission denied" "$ERR"
run cn logs t72nosuch
is "no such container: exit 125" 125 "$RC"
is "no such container: one line" "cnspawn: no container named t72nosuch is running" "$ERR"
run cn logs '../x'
is "invalid name: exit 125" 125 "$RC"
is "invalid name: one line" "cnspawn: invalid machine name '../x'" "$ERR"
check "the refusals left t72 running" running t72

run cn stop --kill t72
assert_clean "logs"

# --- pipe mode: the console is the monitor's to drain ------------------------------
# init's stdio are pipes then and the starting frontend relays those, not the
# console: 300 KB written to /dev/console must not block init, and logs shows them.
CN_TIMEOUT=30 incont "$TEMPLATE" 'head -c 300000 /dev/zero | tr "\\0" x > /dev/console; echo to-console > /dev/console; echo done' -M t72p
is "pipe mode: init writing 300 KB to its console is not blocked (exit 0)" 0 "$RC"
is "pipe mode: stdout has only what init wrote there" "done" "$OUT"
logs_has() { cn logs "$1" 2> /dev/null | grep -q "$2"; }
not_running() { ! running "$1"; }
bg_cn -q -M t72q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'echo console-line > /dev/console; sleep 30'
wait_for 10 logs_has t72q console-line || true
run cn logs t72q
like "pipe mode: logs shows the console's output" 'console-line' "$OUT"
kill -TERM "$BG_PID" 2> /dev/null || true
bg_wait
check "pipe mode: the frontend leaving stopped the container" wait_for 10 not_running t72q
assert_clean "pipe mode console"
done_testing
