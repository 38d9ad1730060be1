#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 5: names, list, stop, detach and re-attach with replay, and nothing
# left behind. Everything runs as cntest (cnother for the refusals) through
# the installed setuid helper, in the harness's netns.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

TICK='i=0; while :; do echo tick $i; i=$((i+1)); sleep 1; done'
ESC=$(printf '\035')

# as_fifo_bg USER CMD...: CMD in the background as USER (netns, clean env), stdin
# from a fifo that stays open (so no end of input), output to $_work/fg.out.
as_fifo_bg() {
	_u=$1; shift
	rm -f "$_work/in"; mkfifo "$_work/in"
	exec 7<> "$_work/in"
	nsenter --net="/run/netns/$NETNS" setpriv --reuid="$_u" --regid="$_u" --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/home/$_u TERM=dumb "$@" \
		< "$_work/in" > "$_work/fg.out" 2>&1 &
	FG_PID=$!
	_pids="$_pids $FG_PID"
}
# attach_tty NAME KEYS-AFTER-SECONDS: `cnspawn attach NAME` on a real terminal
# (script(1)); after $2 seconds types Ctrl-] d to detach. Sets OUT and RC.
attach_tty() {
	RC=0
	OUT=$( (sleep "$2"; printf '%sd' "$ESC"; sleep 1) |
		as_user cntest script -qfec "$CNSPAWN attach $1" /dev/null 2>&1) || RC=$?
	OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
}
running() { cn list | grep -qx "$1"; }

# --- start detached, list, attach with replay, detach ---------------------------
run cn -d -q -M tick -p "$TEMPLATE" -b br0 --init /bin/sh -- -c "$TICK"
is "-d: exit 0" 0 "$RC"
is "-d: prints the machine name" "tick" "$OUT"
check "-d: the container keeps running" running tick
run cn list
like "list (not a tty): one name a line" '^tick$' "$OUT"
unlike "list (not a tty): no table" 'NAME|OWNER' "$OUT"
run cn list --json
printf '%s\n' "$OUT" > "$_work/list.json"
check "list --json parses" python3 -m json.tool "$_work/list.json"
like "list --json: name, owner, root" '"name": "tick", "owner": "cntest".*"root": "'"$TEMPLATE"'"' "$OUT"
run as_user cntest script -qec "$CNSPAWN list" /dev/null
OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
like "list (tty): header" '^NAME +OWNER +PID +ADDRESS +BRIDGE +UPTIME +MEMORY +TASKS +ROOT' "$OUT"
like "list (tty): memory in use and tasks in use/ceiling" '^tick +cntest +[0-9]+ .* [0-9.]+[KMG] +[0-9]+/4096 ' "$OUT"
like "list (tty): the row" "^tick +cntest +[0-9]+ +198\.18\.0\.[0-9]+/24 +br0 .*$TEMPLATE" "$OUT"
sleep 3
attach_tty tick 2
is "attach then Ctrl-] d: exit 0" 0 "$RC"
like "attach replays output printed while detached" '^tick 0$' "$OUT"
like "attach shows live output" '^tick [3-9]' "$OUT"
like "detach message" 'cnspawn: detached from tick; `cnspawn attach tick` to return' "$OUT"
check "after detach: still running" running tick

# --- kill -9 of an attached frontend: a detach ----------------------------------
as_fifo_bg cntest "$CNSPAWN" attach tick
sleep 2
like "pipe-mode attach relays live output" '^tick [0-9]+' "$(tr -d '\r' < "$_work/fg.out")"
kill -KILL "$FG_PID"; wait "$FG_PID" 2> /dev/null || true
sleep 2
check "frontend SIGKILLed: container still running" running tick
attach_tty tick 1
like "re-attach after SIGKILL shows what came meanwhile" '^tick [0-9]+' "$OUT"
like "re-attach: detach message" 'detached from tick' "$OUT"

# --- a second attach takes the console over; the first one exits 0 ---------------
as_fifo_bg cntest "$CNSPAWN" attach tick
sleep 1
attach_tty tick 1
like "second attach works" 'detached from tick' "$OUT"
RC=0; wait "$FG_PID" || RC=$?
is "first attach, taken over: exit 0" 0 "$RC"
like "first attach: told why" 'cnspawn: detached from tick \(attached from elsewhere\)' \
	"$(tr -d '\r' < "$_work/fg.out")"

# --- another user can neither see, attach nor stop it ----------------------------
run as_user cnother "$CNSPAWN" list
is "cnother: list shows nothing" "" "$OUT"
run as_user cnother "$CNSPAWN" attach tick
is "cnother: attach exit 125" 125 "$RC"
is "cnother: attach refused" "cnspawn: tick: permission denied" "$ERR"
run as_user cnother "$CNSPAWN" stop tick
is "cnother: stop exit 1" 1 "$RC"
is "cnother: stop refused" "cnspawn: tick: permission denied" "$ERR"
check "cnother: container untouched" running tick

# --- names: duplicate name, busy root --------------------------------------------
mkcopy lc-other
BASELINE=$(leftovers)
refused "duplicate name" "a container named tick is already running" \
	cn -q -M tick -p "$COPY" -b br0 --init /bin/sh -- -c true
refused "busy root" "Directory tree $TEMPLATE is currently busy" \
	cn -q -M other -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
BASELINE=

# --- forced stop: init ignores the stop signal -> SIGKILL after -t ----------------
t0=$(date +%s)
run cn stop -t 1 tick
t1=$(date +%s)
is "stop -t 1 (init ignores SIGRTMIN+4): exit 0" 0 "$RC"
check "stop -t 1 took under 10 s" test $((t1 - t0)) -lt 10
assert_clean "stop -t 1"
run cn stop tick
is "stop of a stopped container: exit 2" 2 "$RC"
is "stop: not running message" "cnspawn: no container named tick is running" "$ERR"
run cn attach tick
is "attach of a stopped container: exit 125" 125 "$RC"
is "attach of a stopped container: the reason" "cnspawn: no container named tick is running" "$ERR"
run cn stop '../x'
is "stop: invalid name: exit 1" 1 "$RC"
is "stop: invalid name: the reason" "cnspawn: invalid machine name '../x'" "$ERR"

run cn -d -q -M kill -p "$TEMPLATE" -b br0 --init /bin/sh -- -c "$TICK"
run cn stop --kill kill
is "stop --kill: exit 0" 0 "$RC"
assert_clean "stop --kill"

# --- graceful stop: busybox init powers off on SIGUSR2 ------------------------------
run cn -d -q -M bbinit -p "$TEMPLATE" -b br0 --kill-signal=SIGUSR2
is "busybox init -d --kill-signal=SIGUSR2: started" "bbinit" "$OUT"
sleep 1
t0=$(date +%s)
run cn stop -t 25 bbinit
t1=$(date +%s)
is "graceful stop: exit 0" 0 "$RC"
check "graceful stop before the SIGKILL timeout (25 s)" test $((t1 - t0)) -lt 20
assert_clean "graceful stop"
refused "--kill-signal=SIGBOGUS" \
	"invalid --kill-signal 'SIGBOGUS' (a name such as SIGUSR2 or SIGRTMIN+4, or a number 1..64)" \
	cn -q -p "$TEMPLATE" -b br0 --kill-signal=SIGBOGUS --init /bin/sh -- -c true

# --- the monitor killed by root: the container goes, the next start cleans up ------
run cn -d -q -M mon -p "$TEMPLATE" -b br0 --init /bin/sh -- -c "$TICK"
# The monitor's pid from its state entry: only this container's helper is killed.
mon=$(sed -n 's/^monitor_pid=//p' "$STATE/mon" 2> /dev/null || true)
if [ -n "$mon" ]; then
	kill -KILL "$mon"
	sleep 1
	run cn list
	unlike "monitor killed: list does not show it" '^mon$' "$OUT"
	incont "$TEMPLATE" 'echo again; true'
	is "monitor killed: the next start works" "again" "$OUT"
	[ "$OUT" = again ] || diag "$ERR"
	assert_clean "monitor killed, after the next start"
else
	not_ok "monitor killed" "no helper process found"
fi

# --- pipe mode: the frontend leaving still stops the container ----------------------
as_fifo_bg cntest "$CNSPAWN" -q -M pipe -p "$TEMPLATE" -b br0 --init /bin/sh -- -c "$TICK"
check "pipe mode: the container runs" wait_for 10 running pipe
kill -KILL "$FG_PID"; wait "$FG_PID" 2> /dev/null || true
if wait_for 10 sh -c "! ls -A '$STATE' | grep -q '^pipe'"; then
	ok "pipe mode: frontend SIGKILLed stops the container"
else
	not_ok "pipe mode: frontend SIGKILLed stops the container" "$(ls -A "$STATE")"
fi
assert_clean "pipe mode"

# --- max 8 under 20 parallel starts (20 roots: a root runs once at a time) ---------
i=1
while [ $i -le 20 ]; do mkcopy "lc-q$i"; i=$((i + 1)); done
# Containers cntest already runs (none, unless something outside this test) count too.
n0=$(cn list | grep -c '' || true)
i=1
while [ $i -le 20 ]; do
	(rc=0; as_user cntest "$CNSPAWN" -d -q -M "q$i" -p "$MACHINES/lc-q$i" -b br0 --init /bin/sh -- \
		-c 'sleep 100' > "$_work/q$i.out" 2> "$_work/q$i.err" || rc=$?; echo $rc > "$_work/q$i.rc") &
	i=$((i + 1))
done
wait
ok_n=0 max_n=0
max_line="cnspawn: cntest may run at most 8 container(s) under rule at line $(rule_line "permit cntest root $MACHINES/* ") and already runs 8"
i=1
while [ $i -le 20 ]; do
	[ "$(cat "$_work/q$i.rc")" = 0 ] && ok_n=$((ok_n + 1))
	[ "$(cat "$_work/q$i.rc") $(cat "$_work/q$i.err")" = "125 $max_line" ] && max_n=$((max_n + 1))
	i=$((i + 1))
done
is "20 parallel starts: exactly 8 run" $((8 - n0)) "$ok_n"
is "20 parallel starts: 12 refused by max" $((12 + n0)) "$max_n"
is "list shows them" $((8 - n0)) "$(cn list | grep -c '^q[0-9]')"
for n in $(cn list | grep '^q[0-9]'); do cn stop --kill "$n" > /dev/null 2>&1 || true; done
assert_clean "max under parallel starts"

done_testing
