#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Refusals, starts and stops reach syslog (authpriv) as one line each, with the
# user, uid, request and rule, caller-chosen text escaped. The test listens on
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
# One datagram a line: socat forks a writer per datagram, which adds the newline.
socat -u UNIX-RECVFROM:/dev/log,mode=666,fork "SYSTEM:cat >> '$LOG'; echo >> '$LOG'" &
_pids="$_pids $!"
wait_for 5 test -S /dev/log || { not_ok "listening on /dev/log"; done_testing; exit 1; }

# logged ERE: wait up to 5 s for a log line matching ERE.
logged() { wait_for 5 grep -Eq -- "$1" "$LOG"; }
uid_of() { id -u "$1"; }

# A refusal: one authpriv.warning line naming user, uid, the request and why.
refused "refusal" "no rule permits cnother" \
	as_user cnother "$CNSPAWN" -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
re="^<84>.*cnspawn-helper\[[0-9]+\]: user=cnother uid=$(uid_of cnother) error: no rule permits cnother; request: start root=$TEMPLATE bridge=br0 "
if logged "$re"; then ok "refusal logged (authpriv.warning) with user, uid, reason and request"
else not_ok "refusal logged (authpriv.warning) with user, uid, reason and request" "want /$re/ in:" "$(cat "$LOG")"; fi

# A start and its stop: authpriv.notice lines with the rule and the result.
incont "$TEMPLATE" 'exit 4'
is "start: init's status" 4 "$RC"
re="^<85>.*user=cntest uid=$(uid_of cntest) started bb root=$TEMPLATE bridge=br0 address=198\.18\.0\.[0-9]+/24 init_pid=[0-9]+ rule=[0-9]+"
if logged "$re"; then ok "start logged with root, bridge, address, init pid and rule"
else not_ok "start logged with root, bridge, address, init pid and rule" "want /$re/ in:" "$(cat "$LOG")"; fi
if logged "^<85>.*user=cntest .* stopped bb: exit 4"; then ok "stop logged with init's status"
else not_ok "stop logged with init's status" "$(cat "$LOG")"; fi

# The ceilings go into the start line; an OOM kill into the stop line (issue 14).
# busybox dd allocates its block (64M) and fills it from /dev/zero: over a 32M
# ceiling the kernel kills it, and init (sh) goes on to exit 0.
incont "$TEMPLATE" 'dd if=/dev/zero of=/dev/null bs=64M count=1 2> /dev/null; echo "dd=$?"; exit 0' \
	-M t65oom --memory=32M --pids=50
is "memory hog: init's status" 0 "$RC"
like "memory hog: dd was killed" '^dd=137$' "$OUT"
if logged "^<85>.*user=cntest .* started t65oom .* memory_max=33554432 pids_max=50 cpus_milli=0"; then
	ok "start logged with the ceilings"
else not_ok "start logged with the ceilings" "$(cat "$LOG")"; fi
if logged "^<85>.*user=cntest .* stopped t65oom: exit 0 oom_kills=1 \(the memory ceiling was hit\)"; then
	ok "stop logged with the OOM kill"
else not_ok "stop logged with the OOM kill" "$(cat "$LOG")"; fi

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
unlike "no log line starts with the forged text" '^<84>forged' "$(cat "$LOG")"
like "the newline is escaped in the log" 'root=[^ ]*/t65x\\n<84>forged bridge=' "$(cat "$LOG")"
done_testing
