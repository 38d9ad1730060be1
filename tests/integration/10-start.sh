#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Start a container as cntest: hostname, PID 1, exit status, pipe mode.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

# hostname = machine name = the root's last component by default, or -M.
incont "$TEMPLATE" 'hostname'
is "default hostname is the root's name" "bb" "$OUT"
is "exit status 0" 0 "$RC"
[ -z "$ERR" ] || diag "stderr: $ERR"
assert_clean "hostname"
incont "$TEMPLATE" 'hostname' -M web1
is "-M sets the hostname" "web1" "$OUT"
assert_clean "-M"
refused "bad machine name" \
	"invalid machine name (1-64 of A-Z a-z 0-9 _ . -, starting alphanumeric, not ending in .sock)" cn -q -p "$TEMPLATE" -b br0 -M '../x' --init /bin/sh -- -c true

# PID 1 is the init we named (the shell itself, not a child of something).
incont "$TEMPLATE" 'echo "pid=$$ exe=$(readlink /proc/1/exe) ppid=$PPID"; true'
is "--init /bin/sh runs as PID 1" "pid=1 exe=/bin/busybox ppid=0" "$OUT"

# Default init /sbin/init (busybox init): its respawned shell reads the piped
# commands; `poweroff -f` ends the container (DESIGN: poweroff inside is status 0).
RUN_STDIN=$_work/init.in
printf 'echo "comm=$(cat /proc/1/comm)"\npoweroff -f\n' > "$RUN_STDIN"
run as_user cntest "$CNSPAWN" -q -p "$TEMPLATE" -b br0
unset RUN_STDIN
like "default init /sbin/init is PID 1" '^comm=init$' "$OUT"
is "poweroff inside exits 0" 0 "$RC"
assert_clean "default init"

# Exit status propagates.
incont "$TEMPLATE" 'exit 7'
is "init's exit code 7 is cnspawn's" 7 "$RC"
incont "$TEMPLATE" 'exit 0'
is "init's exit code 0 is cnspawn's" 0 "$RC"
# A signal from inside cannot kill a pid namespace's init (the kernel ignores
# SIGKILL from inside), so kill it from the host, as root.
bg_cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'sleep 30; : t10-sig'
if ip=$(init_pid t10-sig); then
	kill -KILL "$ip"
	bg_wait
	is "init killed by SIGKILL: exit 137" 137 "$RC"
else
	not_ok "init killed by SIGKILL: exit 137" "init never appeared" "$(cat "$_work/bg.err")"
	kill "$BG_PID" 2> /dev/null || true
	bg_wait
fi
assert_clean "signal"

# Pipe mode: stdin not a terminal; input relayed; end of input sends EOF.
RUN_STDIN=$_work/pipe.in
printf 'echo piped\nexit 3\n' > "$RUN_STDIN"
run as_user cntest "$CNSPAWN" -q -p "$TEMPLATE" -b br0 --init /bin/sh
is "pipe mode: exit 3" 3 "$RC"
like "pipe mode: command output relayed" '^piped$' "$OUT"
printf 'echo eof-next\n' > "$RUN_STDIN"
run as_user cntest "$CNSPAWN" -q -p "$TEMPLATE" -b br0 --init /bin/sh
is "pipe mode: end of input ends the shell (exit 0)" 0 "$RC"
like "pipe mode: output before EOF relayed" '^eof-next$' "$OUT"
# Input at its end stays at its end, as a pipe's does: cat takes the first end of
# file, the shell's `read` a later one, then the shell itself exits at the next.
printf 'cat > /dev/null; echo after-cat; read x || echo read-eof\n' > "$RUN_STDIN"
run as_user cntest "$CNSPAWN" -q -p "$TEMPLATE" -b br0 --init /bin/sh
is "pipe mode: every read after the end of input sees end of file (exit 0)" 0 "$RC"
is "... cat, then read, then the shell" "after-cat
read-eof" "$(printf '%s\n' "$OUT" | grep -E '^(after-cat|read-eof)$')"
unset RUN_STDIN
# Output written just before init exits is not lost.
incont "$TEMPLATE" 'i=0; while [ $i -lt 2000 ]; do echo line$i; i=$((i+1)); done'
is "output drained before exit (2000 lines)" "2000 line1999" "$(printf '%s\n' "$OUT" | grep -c '^line') $(printf '%s\n' "$OUT" | tail -n 1)"
assert_clean "pipe mode"

# Refusal: an init the policy does not name.
refused "init not in the policy" \
	"cntest may not use init /bin/ls: rule at line $(rule_line "permit cntest root $MACHINES/* ") allows only /sbin/init, /bin/sh" \
	cn -q -p "$TEMPLATE" -b br0 --init /bin/ls
done_testing
