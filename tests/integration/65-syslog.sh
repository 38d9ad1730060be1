#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Refusals, starts and stops reach syslog (authpriv) as one line each, with the
# user, uid, request and rule, caller-chosen text escaped; every line is in the
# fixed key=value form of cnspawn(1) AUDIT: event= [machine=] user= uid= ... The test listens on
# /dev/log itself, inside a private mount namespace whose /dev is a tmpfs of
# bind mounts of the host's entries, so nothing on the host changes.
set -eu
if [ "${CNSPAWN_SYSLOG_NS:-0}" != 1 ]; then
	CNSPAWN_SYSLOG_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
need_programs

private_dev() {
	_d=$(mktemp -d /tmp/cnspawn-dev.XXXXXX)
	mount -t tmpfs -o mode=755 tmpfs "$_d"
	for _e in /dev/* /dev/.[!.]*; do
		[ -e "$_e" ] || [ -L "$_e" ] || continue
		_n=${_e#/dev/}
		if [ -L "$_e" ]; then cp -P "$_e" "$_d/$_n"
		elif [ -d "$_e" ]; then mkdir "$_d/$_n"; mount --rbind "$_e" "$_d/$_n"
		else : > "$_d/$_n"; mount --bind "$_e" "$_d/$_n"; fi
	done
	mount --move "$_d" /dev
	rmdir "$_d"
}

private_dev
LOG=$_work/syslog
: > "$LOG"
# One datagram a line, written whole and in the order received: a reboot loop
# sends a burst, in which socat's writer per datagram (fork) interleaved lines.
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", 0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
' "$LOG" &
_pids="$_pids $!"
wait_for 5 test -S /dev/log || { not_ok "listening on /dev/log"; done_testing; exit 1; }

# logged ERE: wait up to 5 s for a log line matching ERE.
logged() { wait_for 5 grep -Eq -- "$1" "$LOG"; }
uid_of() { id -u "$1"; }

# A refusal: one authpriv.warning line naming user, uid, the request and why.
refused "refusal" "no rule permits cnother" \
	as_user cnother "$CNSPAWN" -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
re="^<84>.*cnspawn-helper\[[0-9]+\]: event=fail user=cnother uid=$(uid_of cnother) request=start root=$TEMPLATE bridge=br0 .* reason=no rule permits cnother$"
if logged "$re"; then ok "refusal logged (authpriv.warning) with user, uid, reason and request"
else not_ok "refusal logged (authpriv.warning) with user, uid, reason and request" "want /$re/ in:" "$(cat "$LOG")"; fi

# A start and its stop: authpriv.notice lines with the rule and the result.
incont "$TEMPLATE" 'exit 4'
is "start: init's status" 4 "$RC"
re="^<85>.*cnspawn-helper\[[0-9]+\]: event=start machine=bb user=cntest uid=$(uid_of cntest) root=$TEMPLATE bridge=br0 address=198\.18\.0\.[0-9]+/24 init_pid=[0-9]+ rule=[0-9]+ "
if logged "$re"; then ok "start logged with root, bridge, address, init pid and rule"
else not_ok "start logged with root, bridge, address, init pid and rule" "want /$re/ in:" "$(cat "$LOG")"; fi
if logged "^<85>.*: event=exit machine=bb user=cntest uid=$(uid_of cntest) status=4 oom_kills=0 boots=1$"; then ok "stop logged with init's status"
else not_ok "stop logged with init's status" "$(cat "$LOG")"; fi

# The ceilings go into the start line; an OOM kill into the stop line (issue 14).
# busybox dd allocates its block (64M) and fills it from /dev/zero: over a 32M
# ceiling the kernel kills it, and init (sh) goes on to exit 0.
incont "$TEMPLATE" 'dd if=/dev/zero of=/dev/null bs=64M count=1 2> /dev/null; echo "dd=$?"; exit 0' \
	-M t65oom --memory=32M --pids=50
is "memory hog: init's status" 0 "$RC"
like "memory hog: dd was killed" '^dd=137$' "$OUT"
if logged "^<85>.*: event=start machine=t65oom user=cntest .* memory_max=33554432 pids_max=50 cpus_milli=0$"; then
	ok "start logged with the ceilings"
else not_ok "start logged with the ceilings" "$(cat "$LOG")"; fi
if logged "^<85>.*: event=exit machine=t65oom user=cntest uid=[0-9]+ status=0 oom_kills=1 boots=1$"; then
	ok "stop logged with the OOM kill"
else not_ok "stop logged with the OOM kill" "$(cat "$LOG")"; fi

# Reboot in place (issue 16): one line per reboot with the new init's pid and the
# boot's number; a crash loop one warning; the exit line counts the boots.
mkcopy t65r
printf '#!/bin/sh\nn=$(cat /n 2> /dev/null || echo 0); echo $((n + 1)) > /n\n[ "$n" -lt "$(cat /last)" ] && reboot -f\npoweroff -f\n' > "$COPY/bin/boots"
chmod 0755 "$COPY/bin/boots"
echo 1 > "$COPY/last"
run cn -t -q -M t65r -p "$COPY" -b br0 --init /bin/sh -- /bin/boots
is "one reboot: exit 0" 0 "$RC"
check "the reboot logged with boot 2 and the new init's pid" \
	logged "^<85>.*: event=reboot machine=t65r user=cntest uid=$(uid_of cntest) boot=2 init_pid=[0-9]+$"
check "the exit line counts two boots" \
	logged "^<85>.*: event=exit machine=t65r user=cntest uid=[0-9]+ status=0 oom_kills=0 boots=2$"
rm -f "$COPY/n"; echo 1000 > "$COPY/last"
run cn -t -q -M t65l -p "$COPY" -b br0 --init /bin/sh -- /bin/boots
is "a crash loop: exit 129" 129 "$RC"
check "the crash loop logged (authpriv.warning)" \
	logged "^<84>.*: event=crash-loop machine=t65l user=cntest uid=[0-9]+ reboots=10 seconds=10$"
check "... and its exit after 10 boots" \
	logged "^<85>.*: event=exit machine=t65l user=cntest uid=[0-9]+ signal=1 oom_kills=0 boots=10$"

# Caller-chosen text cannot forge a log line: control characters arrive escaped.
# The frontend refuses a bad machine name itself (the helper's rule, ipc/names.c),
# but passes on a root directory that exists: the helper refuses its newline and
# logs the request.
nl='
'
forged="$MACHINES/t65x${nl}<84>forged"
rm -rf "$forged"
mkdir "$forged"
on_exit 'rm -rf "$forged"'
refused "control character in the root" \
	"invalid root directory (a path without control characters)" \
	cn -q -p "$forged" -b br0 -M t65forged --init /bin/sh -- -c true
check "the refused root is logged" logged 'forged'
check "the refused start names the asked machine" logged '^<84>.*: event=fail machine=t65forged user=cntest '
unlike "no log line starts with the forged text" '^<84>forged' "$(cat "$LOG")"
like "the newline is escaped in the log" 'root=[^ ]*/t65x\\n<84>forged bridge=' "$(cat "$LOG")"

# The monitor's lines (issue 16): logs, a stranger's refusal, attach, detach,
# stop, exit; and exec's refusal names the machine. Each with the owner's
# user= and uid= and the peer_uid= of who asked.
CNTEST_UID=$(uid_of cntest) CNOTHER_UID=$(uid_of cnother)
mkcopy t65c
run cn -d -q -M t65c -p "$COPY" -b br0 --init /bin/sh -- -c 'while :; do echo t; sleep 1; done'
is "monitor lines: started" "t65c" "$OUT"
pre="^<8[4-6]>.*cnspawn-helper\[[0-9]+\]: event"
run cn logs -n 1 t65c
check "logs logged (authpriv.info)" logged "^<86>.*: event=logs machine=t65c user=cntest uid=$CNTEST_UID peer_uid=$CNTEST_UID follow=0 lines=1$"
run as_user cnother "$CNSPAWN" logs t65c
check "a stranger's connection logged (authpriv.warning)" \
	logged "^<84>.*: event=denied machine=t65c user=cntest uid=$CNTEST_UID peer_uid=$CNOTHER_UID request=connect reason=not-owner$"
CN_TIMEOUT=3 run cn attach t65c
check "attach logged" logged "^<86>.*: event=attach machine=t65c user=cntest uid=$CNTEST_UID peer_uid=$CNTEST_UID$"
check "detach logged with why" logged "^<86>.*: event=detach machine=t65c user=cntest uid=$CNTEST_UID peer_uid=$CNTEST_UID reason=[a-z-]+$"
run cn exec t65c true
is "exec under a privileged rule without exec: refused" 125 "$RC"
check "exec's refusal logged with the machine and the request" \
	logged "^<84>.*: event=fail machine=t65c user=cntest uid=$CNTEST_UID request=exec as= cwd= argv0=true tty=0 reason="
run cn stop -t 1 t65c
check "stop logged with the signal" logged "^<85>.*: event=stop machine=t65c user=cntest uid=$CNTEST_UID peer_uid=$CNTEST_UID signal=[0-9]+ kill_after=1$"
check "the stop timeout's kill logged" logged "^<85>.*: event=kill machine=t65c user=cntest uid=$CNTEST_UID reason=stop-timeout signal=9$"
check "its end logged" logged "^<85>.*: event=exit machine=t65c user=cntest uid=$CNTEST_UID signal=9 oom_kills=0 boots=1$"
bad=$(grep -E 'cnspawn-helper\[[0-9]+\]: ' "$LOG" | grep -Ev "$pre=[a-z-]+ " || true)
is "every line of the helper starts with event=" "" "$bad"
check "the run logged lines at all" grep -Eq "$pre=" "$LOG"
done_testing
