#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What the container cannot do or see: host fds, dropped capabilities, the
# host's sysctls and /sys, the caller's environment; and the caller cannot
# signal the container's init or the monitor.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

incont "$TEMPLATE" 'ls -1 /proc/1/fd; true'
is "/proc/1/fd has only 0 1 2" "0 1 2" "$(printf '%s\n' "$OUT" | sort -n | tr '\n' ' ' | sed 's/ $//')"

# Bounding set of PID 1: none of systemd-nspawn's dropped capabilities.
incont "$TEMPLATE" 'grep -E "^Cap(Bnd|Eff)" /proc/1/status; true'
bnd=$(printf '%s\n' "$OUT" | sed -n 's/^CapBnd:[[:space:]]*//p')
eff=$(printf '%s\n' "$OUT" | sed -n 's/^CapEff:[[:space:]]*//p')
diag "CapBnd=$bnd CapEff=$eff"
if [ -z "$bnd" ]; then
	not_ok "CapBnd of PID 1 read" "$OUT $ERR"
else
	for c in 16:CAP_SYS_MODULE 17:CAP_SYS_RAWIO 25:CAP_SYS_TIME 32:CAP_MAC_OVERRIDE \
		33:CAP_MAC_ADMIN 34:CAP_SYSLOG 39:CAP_BPF; do
		bit=${c%%:*}
		is "CapBnd lacks ${c#*:}" 0 "$(( (0x$bnd >> bit) & 1 ))"
	done
	is "CapEff within CapBnd" 0 "$(( 0x$eff & ~0x$bnd ))"
	is "container root keeps CAP_NET_ADMIN (configures its own network)" 1 "$(( (0x$bnd >> 12) & 1 ))"
fi

# Host sysctls, /proc/sysrq-trigger and /sys are read-only for it. Writes use the
# host's own current value, so even a write that got through would change
# nothing; /proc/sysrq-trigger is never written (any byte is a command), only its
# mount checked. (busybox `[ -w ]` only looks at mode bits, so it cannot tell.)
host_cp=$(cat /proc/sys/kernel/core_pattern)
incont "$TEMPLATE" '
	( cat /proc/sys/kernel/core_pattern > /proc/sys/kernel/core_pattern ) 2>/dev/null && echo core-written
	( cat /proc/sys/kernel/printk > /proc/sys/kernel/printk ) 2>/dev/null && echo printk-written
	touch /sys/cnspawn-test 2>/dev/null && echo sys-written
	grep -E "^[^ ]+ /(sys|proc/sys|proc/sysrq-trigger|proc/irq|proc/bus) " /proc/mounts; true'
unlike "writing /proc/sys/kernel/core_pattern fails" '^core-written$' "$OUT"
is "host core_pattern unchanged" "$host_cp" "$(cat /proc/sys/kernel/core_pattern)"
unlike "writing /proc/sys/kernel/printk fails" '^printk-written$' "$OUT"
unlike "/sys cannot be written" '^sys-written$' "$OUT"
like "/sys is mounted read-only" '^[^ ]+ /sys sysfs ro[, ]' "$OUT"
for m in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus; do
	if [ -e "$m" ]; then
		like "$m is mounted read-only" "^[^ ]+ $m [^ ]+ ro[, ]" "$OUT"
	else
		skip "$m is mounted read-only" "the host kernel has no $m"
	fi
done

# Environment: container=cnspawn, TERM, nothing else of the caller's. The frontend
# sends TERM=dumb when its stdout is not a terminal, the caller's TERM when it is
# (checked below through script(1), which gives it a pty).
run as_user cntest env LEAKED_VAR=secret LD_PRELOAD=/nonexistent.so TERM=xterm-cntest \
	"$CNSPAWN" -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'tr "\0" "\n" < /proc/1/environ; true'
diag "init's environment: $(printf '%s\n' "$OUT" | sed 's/=.*//' | tr '\n' ' ')"
like "init's environment has container=cnspawn" '^container=cnspawn$' "$OUT"
like "init's environment has TERM (dumb: output is not a terminal)" '^TERM=dumb$' "$OUT"
unlike "no variable of the caller's besides TERM" '^(LEAKED_VAR|LD_PRELOAD|HOME=/home/cntest)=?' "$OUT"
cat > "$_work/term.sh" <<EOT
exec $CNSPAWN -q -p $TEMPLATE -b br0 --init /bin/sh -- -c 'echo "T=\$TERM"'
EOT
chmod 0755 "$_work" "$_work/term.sh"
run as_user cntest env TERM=xterm-cntest script -qec "sh $_work/term.sh" /dev/null
like "on a terminal, init gets the caller's TERM" '^T=xterm-cntest$' "$OUT"
assert_clean "environment"

# The invoking user can signal neither the container's init nor the monitor.
bg_cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'sleep 20; : t40-kill'
if ip=$(init_pid t40-kill); then
	ok "container init found (host pid $ip)"
	# EPERM, not ESRCH: the process is there and cntest may not signal it.
	run as_user cntest kill -0 "$ip"
	is "cntest cannot signal the container's init" "1 kill: ($ip): Operation not permitted" "$RC $ERR"
	mon=$(awk '/^PPid:/ { print $2 }' "/proc/$ip/status")
	is "init's parent is the helper (monitor)" "$HELPER" "$(readlink "/proc/$mon/exe" || true)"
	is "monitor runs as root (all uids)" "0 0 0 0" "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$mon/status")"
	run as_user cntest kill -0 "$mon"
	is "cntest cannot signal the monitor" "1 kill: ($mon): Operation not permitted" "$RC $ERR"
	check "cntest can signal its own frontend" as_user cntest kill -0 "$BG_PID"
	kill -KILL "$ip"
else
	not_ok "container init found" "$(cat "$_work/bg.err")"
	kill "$BG_PID" 2> /dev/null || true
fi
bg_wait
assert_clean "kill"
done_testing
