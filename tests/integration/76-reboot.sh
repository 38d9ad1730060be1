#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Reboot in place (issue 16): init's reboot(2) starts the container again in
# fresh namespaces with the same name, address and console PTY, and the
# attached frontend (a real terminal: tmux) stays on it; --no-reboot and pipe
# mode end it with 129; a crash loop (10 reboots asked within 10 s) stops it
# with one line; a stop is never undone by a reboot; nothing of one boot
# survives into the next; the process a frontend talks to holds no capability.
# Under a userns rule the kernel refuses container root's reboot(2) (see below).
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

# boots: count the boots in the root (a file on disk outlives a reboot), say
# what this boot sees, reboot until the count reaches /last, then power off.
add_boots() {
	cat > "$1/bin/boots" << 'S'
#!/bin/sh
n=$(cat /bootcount 2> /dev/null || echo 0); n=$((n + 1)); echo $n > /bootcount
echo "BOOT $n addr=$(ip -4 -o addr show eth0 | awk '{print $4}')"
[ "$n" -lt "$(cat /last 2> /dev/null || echo 1)" ] && reboot -f
poweroff -f
S
	chmod 0755 "$1/bin/boots"
	rm -f "$1/bootcount"
	echo "$2" > "$1/last"
}

mkcopy t76
R=$COPY
add_boots "$R" 3
run cn -t -q -M t76a -a 198.18.0.76/24 -p "$R" -b br0 --init /bin/sh -- /bin/boots
is "two reboots, then poweroff: exit 0" 0 "$RC"
is "init ran three times" 3 "$(cat "$R/bootcount")"
is "each boot had the same address" "BOOT 1 addr=198.18.0.76/24
BOOT 2 addr=198.18.0.76/24
BOOT 3 addr=198.18.0.76/24" "$(printf '%s\n' "$OUT" | grep '^BOOT')"
[ "$RC" = 0 ] || diag "$ERR"
assert_clean "after two reboots"

# --no-reboot: today's behaviour, the kernel's SIGHUP of init is the end (128+1).
add_boots "$R" 3
run cn -t -q --no-reboot -M t76n -p "$R" -b br0 --init /bin/sh -- /bin/boots
is "--no-reboot: reboot ends the container with 129" 129 "$RC"
is "--no-reboot: init ran once" 1 "$(cat "$R/bootcount")"
is "--no-reboot: nothing on stderr" "" "$ERR"
assert_clean "--no-reboot"

# Pipe mode (stdin no terminal, no -t) runs a command with the caller's pipes,
# which the first init consumed: no reboot either.
add_boots "$R" 3
run cn -q -M t76p -p "$R" -b br0 --init /bin/sh -- /bin/boots
is "pipe mode: reboot ends the container with 129" 129 "$RC"
is "pipe mode: init ran once" 1 "$(cat "$R/bootcount")"
assert_clean "pipe mode"

# The attack: an init that reboots at once, for ever, would make the helper set up
# namespaces, cgroups and a veth as fast as it can. The 10th reboot asked within
# 10 s stops the container with one line instead.
add_boots "$R" 1000
run cn -t -q -M t76c -p "$R" -b br0 --init /bin/sh -- /bin/boots
is "crash loop: stopped with init's status (SIGHUP: 129)" 129 "$RC"
is "crash loop: init ran 10 times" 10 "$(cat "$R/bootcount")"
is "crash loop: the one line saying so" \
	"cnspawn: t76c asked for a reboot 10 times within 10 seconds: stopped it instead (a crash loop)" "$ERR"
assert_clean "crash loop"

# A stop is final: busybox init reboots on SIGTERM, and with --kill-signal=SIGTERM
# `cnspawn stop` must end the container, not restart it.
rm -f "$R/bootcount"
run cn -d -q -M t76s --kill-signal=SIGTERM -p "$R" -b br0 --init /sbin/init
is "busybox init, detached: started" 0 "$RC"
check "it runs" wait_for 10 sh -c "'$CNSPAWN' list > /dev/null; test -e '$STATE/t76s'"
run cn stop -t 5 t76s
is "stop of an init that reboots on the stop signal: exit 0" 0 "$RC"
run cn list
unlike "... and the container is gone, not rebooted" '^t76s' "$OUT"
assert_clean "a stop during a reboot request"

# A reboot writes the entry again (init's new pid): the keeper still holds its
# record in .slots (helper/slots.h; a POSIX lock goes with any close of the file
# in its process) and the record is the entry as it is now.
rm -f "$R/rebooted" "$R/booted2"
run cn -d -q -M t76k -p "$R" -b br0 --init /bin/sh -- -c \
	'if [ -e /rebooted ]; then : > /booted2; else : > /rebooted; reboot -f; fi; sleep 100'
is "a detached container that reboots once: started" 0 "$RC"
check "... it rebooted" wait_for 10 test -e "$R/booted2"
kpid=$(sed -n 's/^monitor_pid=//p' "$STATE/t76k")
# The first boot's init is gone: an init_pid that lives is the second boot's.
check "... its entry names the second boot's init, and its record is the entry" wait_for 10 sh -c \
	"p=\$(sed -n 's/^init_pid=//p' '$STATE/t76k'); [ -n \"\$p\" ] && [ \"\$p\" != 0 ] && [ -d /proc/\$p ] && python3 '$(dirname "$0")/slots.py' text '$STATE' t76k | cmp -s - '$STATE/t76k'"
slot_of t76k
is "after the reboot the keeper still holds its record" "$kpid" "$SLOT_PID"
is "... which names the entry now there" "$(stat -c %i "$STATE/t76k")" "$SLOT_INO"
run slots text "$STATE" t76k
is "... and holds its text" "$(cat "$STATE/t76k")" "$OUT"
cn stop -t 5 t76k > /dev/null 2>&1 || true
rm -f "$R/rebooted" "$R/booted2"
assert_clean "the record after a reboot"

# userns: the container's pid namespace belongs to the host's user namespace, where
# container root holds no CAP_SYS_BOOT: the kernel refuses its reboot(2) (EPERM), and
# the container goes on (a known limit, README; systemd then exits the container).
ucopy t76u
add_boots "$UCOPY" 2
run cn -t -q -M t76u -p "$UCOPY" -b br0 --init /bin/sh -- -c 'reboot -f; echo "reboot=$?"; exit 3'
is "userns: init goes on after its refused reboot" 3 "$RC"
like "userns: reboot(2) failed inside" '^reboot=1$' "$OUT"
assert_clean "userns reboot refused"

# Ephemeral: a reboot starts from the pristine root. What a boot wrote was charged
# to that boot's memory cgroup, which the reboot removes: kept, it would let the
# container hold its ceiling twice. So it goes with the boot; the root on disk is
# not written either.
save_policy
sed 's/ privileged$/ privileged ephemeral/' "$orig" | put_policy
add_boots "$R" 2
run cn -t -q -x -M t76e -p "$R" -b br0 --init /bin/sh -- /bin/boots
is "ephemeral: the first boot's count did not reach the second: it powered off after rebooting for ever" 	129 "$RC"
is "ephemeral: ... each boot saw the pristine root (BOOT 1, ten times, then the crash loop)" 	"BOOT 1 BOOT 1 BOOT 1 BOOT 1 BOOT 1 BOOT 1 BOOT 1 BOOT 1 BOOT 1 BOOT 1" 	"$(printf '%s\n' "$OUT" | sed -n 's/^\(BOOT [0-9]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
check "ephemeral: the root on disk was not written" test ! -e "$R/bootcount"
restore_policy
assert_clean "ephemeral reboot"

# A reboot is decided again by the policy as it is now: the attack is a user whose
# rule the admin revoked keeping a container that reboots for ever.
add_boots "$R" 2
save_policy
bg_cn -t -q -M t76r -p "$R" -b br0 --init /bin/sh -- -c \
	'echo 1 > /bootcount; while [ ! -e /tmp/go ]; do sleep 0.1; done; reboot -f'
check "revoked: the container runs" wait_for 10 test -e "$STATE/t76r"
grep -v "^permit cntest root $MACHINES/\*" "$orig" > "$_work/revoked"
put_policy < "$_work/revoked"
uline=$(grep -n "^permit cntest root $USERNS_ROOTS/" "$_work/revoked" | cut -d: -f1)
: > "$R/tmp/go"
bg_wait
rm -f "$R/tmp/go"
is "revoked: the reboot is refused: exit 125" 125 "$RC"
is "revoked: one line, the policy's reason" \
	"cnspawn: cntest may not use root $R: rule at line $uline allows only $USERNS_ROOTS/*" "$ERR"
restore_policy
assert_clean "reboot after the rule was revoked"

# The same for a rule that now grants the root another mode: the admin made it
# ephemeral-only, so a reboot would bring up a container the start never got.
save_policy
bg_cn -t -q -M t76m -p "$R" -b br0 --init /bin/sh -- -c \
	'while [ ! -e /tmp/go ]; do sleep 0.1; done; reboot -f'
check "another mode: the container runs" wait_for 10 test -e "$STATE/t76m"
sed 's/ privileged$/ privileged ephemeral-only/' "$orig" > "$_work/moded"
put_policy < "$_work/moded"
mline=$(grep -n "^permit cntest root $MACHINES/" "$_work/moded" | cut -d: -f1)
: > "$R/tmp/go"
bg_wait
rm -f "$R/tmp/go"
is "another mode: the reboot is refused: exit 125" 125 "$RC"
is "another mode: one line saying so" \
	"cnspawn: the policy now grants t76m another mode (rule at line $mline): not rebooted" "$ERR"
restore_policy
assert_clean "reboot under another mode"

# The attack: a control process taken over by a frontend (it runs as the owner)
# forges a request to the keeper. The test takes the control process's end of the
# keeper's socket (pidfd_getfd, as root) and sends what the keeper does not take:
# anything but its two bytes ends the container (SIGKILL), never reboots it, and
# leaves nothing behind.
run cn -d -q -M t76f -p "$R" -b br0 --init /bin/sh -- -c 'while :; do sleep 1; done'
is "forged request: started" 0 "$RC"
mon=$(sed -n 's/^monitor_pid=//p' "$STATE/t76f" 2> /dev/null || true)
fctl=""
for p in $(pgrep -P "${mon:-0}" || true); do
	[ "$(readlink "/proc/$p/exe" 2> /dev/null)" = "$HELPER" ] && fctl=$p
done
forge() {
	python3 - "$fctl" "$mon" "$1" << 'PY'
import ctypes, os, socket, struct, sys
ctl, keeper, data = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
libc = ctypes.CDLL(None, use_errno=True)
pidfd = os.pidfd_open(ctl)
for name in os.listdir(f"/proc/{ctl}/fd"):
    fd = libc.syscall(438, pidfd, int(name), 0)  # pidfd_getfd
    if fd < 0:
        continue
    try:
        s = socket.socket(fileno=fd)
    except OSError:
        os.close(fd)
        continue
    try:  # the listening socket has no peer (and its SO_PEERCRED is its own)
        s.getpeername()
        cred = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    except OSError:
        cred = struct.pack("3i", 0, 0, 0)
    if s.family == socket.AF_UNIX and s.type == socket.SOCK_SEQPACKET:
        pid = struct.unpack("3i", cred)[0]
        if pid == keeper:  # the socketpair the keeper made: its peer is the keeper
            s.send(data)
            print("sent")
            sys.exit(0)
    s.detach()
    os.close(fd)
print("no keeper socket")
PY
}
if [ -n "$fctl" ] && [ -n "$mon" ]; then
	is "forged request: the keeper's socket found in the control process" sent "$(forge 'R?')"
	check "forged request: the container ends" wait_for 10 sh -c "! test -e '$STATE/t76f'"
	check "... and its monitor is gone" wait_for 5 sh -c "! kill -0 $mon"
	assert_clean "forged request to the keeper"
else
	not_ok "forged request: the container's monitor found" "monitor ${mon:-none} control ${fctl:-none}"
fi
cn stop --kill t76f > /dev/null 2>&1 || true

# --- the console through a real terminal -----------------------------------------
command -v tmux > /dev/null || { skip "reboot on an attached console" "tmux not installed"; done_testing; exit 0; }
tmux_setup 76
cat > "$D/pane.sh" << PANE
stty -g > $D/before
$CNSPAWN "\$@" 2> $D/err
echo \$? > $D/rc1
stty -g > $D/after
mv $D/rc1 $D/rc
PANE
# An interactive shell as init on the console, after saying which boot this is.
cat > "$R/bin/shboot" << 'S'
#!/bin/sh
n=$(cat /bootcount 2> /dev/null || echo 0); n=$((n + 1)); echo $n > /bootcount
echo "SHBOOT $n"
exec /bin/sh
S
chmod 0755 "$R/bin/shboot"
rm -f "$R/bootcount"
tm() { as_user cntest tmux -L "$SOCK" "$@"; }
pane_has() { tm capture-pane -p -S -100 -t r | grep -Eq -- "$1"; }
tm -f /dev/null new-session -d -s r -x 100 -y 30 sh "$D/pane.sh" -q -M t76t -a 198.18.0.77/24 \
	-p "$R" -b br0 --init /bin/sh -- /bin/shboot
check "console: the first boot's shell" wait_for 10 pane_has '^SHBOOT 1'
wait_for 10 test -s "$STATE/t76t" || true
mon1=$(sed -n 's/^monitor_pid=//p' "$STATE/t76t" 2> /dev/null || true)
init1=$(sed -n 's/^init_pid=//p' "$STATE/t76t" 2> /dev/null || true)
FE=$(pgrep -u cntest -x cnspawn | head -n 1 || true)
# The control process: the monitor's child that runs the helper (init runs /bin/sh).
ctl=""
for p in $(pgrep -P "${mon1:-0}" || true); do
	[ "$(readlink "/proc/$p/exe" 2> /dev/null)" = "$HELPER" ] && ctl=$p
done
if [ -n "$ctl" ]; then
	is "the process frontends talk to has no effective capability" 0000000000000000 \
		"$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$ctl/status")"
	is "... none permitted" 0000000000000000 "$(sed -n 's/^CapPrm:[[:space:]]*//p' "/proc/$ctl/status")"
	is "... and an empty bounding set" 0000000000000000 "$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$ctl/status")"
	U=$(id -u cntest) G=$(id -g cntest)
	is "... it runs as the owner, uid and gid" "$U $U $U $U / $G $G $G $G" \
		"$(echo $(sed -n 's/^Uid:[[:space:]]*//p' "/proc/$ctl/status") / $(sed -n 's/^Gid:[[:space:]]*//p' "/proc/$ctl/status"))"
	is "... with no_new_privs" 1 "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "/proc/$ctl/status")"
	# The attack: the owner, now of the same uid, reading the control process's
	# memory or fds (the console master of every attach, other users' sockets).
	run as_user cntest cat "/proc/$ctl/environ"
	like "the owner cannot read its /proc/PID/environ (not dumpable)" 'Permission denied' "$ERR"
	run as_user cntest ls "/proc/$ctl/fd"
	like "... nor list its fds" 'Permission denied' "$ERR"
	unlike "... and it holds no fd of the state directory (the keeper's locked entry)" \
		"^$STATE/[^/]*\$" "$(for f in /proc/"$ctl"/fd/*; do readlink "$f"; done 2>&1)"
else
	not_ok "the monitor's control process found" "monitor ${mon1:-none}"
fi
# Leave a process and a /dev/shm file in the first boot; neither may reach the second.
tm send-keys -t r 'sleep 7676 & echo lo > /dev/shm/boot1; echo READY-$((6*7))' Enter
check "console: a command runs" wait_for 10 pane_has '^READY-42'
check "... its sleep runs on the host" wait_for 5 pgrep -f '^sleep 7676$'
tm send-keys -t r 'reboot -f' Enter
check "console: the second boot's shell on the same terminal" wait_for 15 pane_has '^SHBOOT 2'
check "console: the frontend is the same process" kill -0 "${FE:-0}"
tm send-keys -t r 'ip -4 -o addr show eth0; ls /dev/shm; echo LS-$((6*7))' Enter
check "console: typing reaches the new init" wait_for 10 pane_has '^LS-42'
check "the address is kept" pane_has 'inet 198\.18\.0\.77/24'
check "the first boot's sleep is gone" sh -c '! pgrep -f "^sleep 7676$"'
unlike "the first boot's /dev/shm file is gone (fresh /dev)" '^boot1' \
	"$(tm capture-pane -p -S -100 -t r | sed -n '/^SHBOOT 2/,$p')"
is "the monitor is the same process" "$mon1" "$(sed -n 's/^monitor_pid=//p' "$STATE/t76t" 2> /dev/null)"
init2=$(sed -n 's/^init_pid=//p' "$STATE/t76t" 2> /dev/null || true)
check "the state entry names the new init" test -n "$init2" -a "$init2" != "$init1"
check "... which runs" kill -0 "${init2:-0}"
run cn status t76t
like "status shows the new init" "^ +Init: pid $init2 " "$OUT"
run cn logs t76t
like "logs holds both boots" '^SHBOOT 1' "$OUT"
like "... in one ring" '^SHBOOT 2' "$OUT"
tm send-keys -t r 'poweroff -f' Enter
if wait_for 15 test -e "$D/rc"; then
	is "console: poweroff after the reboot: exit 0" 0 "$(cat "$D/rc")"
	is "console: the terminal is restored" "$(cat "$D/before")" "$(cat "$D/after")"
	is "console: nothing on stderr" "" "$(cat "$D/err")"
else
	not_ok "console: the frontend exits" "$(tm capture-pane -p -t r 2>&1)"
fi
assert_clean "console reboot"
done_testing
