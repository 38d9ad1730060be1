#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile callers and a hostile environment: the helper run directly with no or
# garbage requests, a policy with bad modes or a symlink, roots reached through
# symlinks or "..", and the frontend or the helper killed while a container runs.
# After each: nothing left behind.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

go='--init /bin/sh -- -c true'
# Restore the policy exactly, whatever happens below.
# (The cases below also make the directory, or the policy, a symlink or writable.)
save_policy
restore_policy() {
	rm -f "$POLICY" "$CHECK_PREFIX/etc/cnspawn/policy.real"
	chown root:root "$CHECK_PREFIX/etc/cnspawn"
	chmod 0755 "$CHECK_PREFIX/etc/cnspawn"
	put_policy < "$orig"
}

# --- the helper invoked directly as cntest ---------------------------------
run as_user cntest "$HELPER" 3>&- < /dev/null
is "helper with no fd 3 fails" "1 cnspawn-helper: Bad file descriptor; it is started by cnspawn" "$RC $ERR"
assert_clean "no fd 3"
run as_user cntest "$HELPER" 3< /dev/null
is "helper with /dev/null on fd 3 fails" \
	"1 cnspawn-helper: Socket operation on non-socket; it is started by cnspawn" "$RC $ERR"
assert_clean "fd 3 /dev/null"
head -c 4096 /dev/urandom > "$_work/garbage"
chmod 0644 "$_work/garbage"; chmod 0755 "$_work"
run as_user cntest "$HELPER" 3< "$_work/garbage"
is "helper with a garbage file on fd 3 fails" \
	"1 cnspawn-helper: Socket operation on non-socket; it is started by cnspawn" "$RC $ERR"
assert_clean "fd 3 garbage file"
# A real (stream) socket carrying garbage, then an oversized request; socat makes the
# socketpair and does not wait for the helper, so the check is that the helper goes
# away by itself and leaves nothing.
for n in 64 70000 1048576; do
	head -c "$n" /dev/urandom > "$_work/garbage"
	run as_user cntest socat -u "OPEN:$_work/garbage" "EXEC:$HELPER,fdin=3"
	assert_clean "socket garbage $n"
done

# --- the policy file --------------------------------------------------------
PDIR=$CHECK_PREFIX/etc/cnspawn
chmod g+w "$POLICY"
refused "group-writable policy" "cannot use policy: $POLICY: writable by group or other" cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
restore_policy
chmod o+w "$POLICY"
refused "world-writable policy" "cannot use policy: $POLICY: writable by group or other" cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
restore_policy
chown cntest "$POLICY"
refused "policy not owned by root" "cannot use policy: $POLICY: not owned by root" cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
restore_policy
chmod g+w "$PDIR"
refused "group-writable policy directory" "cannot use policy: $PDIR: writable by group or other" cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
restore_policy
mv "$POLICY" "$PDIR/policy.real"
ln -s policy.real "$POLICY"
refused "symlinked policy" "cannot use policy: $POLICY: is a symbolic link" cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
restore_policy
rm -f "$POLICY"
refused "missing policy" "cannot use policy: $POLICY: cannot open: No such file or directory" cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c true
restore_policy
incont "$TEMPLATE" 'echo restored'
is "policy restored: starts again" "restored" "$OUT"

# --- roots reached through symlinks or .. ------------------------------------
L=$(rule_line "permit cntest root $MACHINES/* ")
install -d -o root -g root -m 0755 "$HOSTTMP"
out=$HOSTTMP/t60-root
rm -rf "$out"; remove_on_exit "$out"
cp -a "$TEMPLATE" "$out"
ln -sfn "$out" "$MACHINES/t60-link"; remove_on_exit "$MACHINES/t60-link"
# shellcheck disable=SC2086
refused "root is a symlink out of the allowed directory" \
	"cntest may not use root $out: rule at line $L allows only $MACHINES/*" cn -q -p "$MACHINES/t60-link" -b br0 $go
# shellcheck disable=SC2086
refused "root with .. out of the allowed directory" \
	"cntest may not use root $out: rule at line $L allows only $MACHINES/*" \
	cn -q -p "$MACHINES/bb/../../tmp-host/t60-root" -b br0 $go
mkcopy t60initln
rm -f "$COPY/sbin/init"
ln -s "$out/bin/busybox" "$COPY/sbin/init"
# Inside the root an absolute link resolves within the root: nothing is at that
# path inside, so the init is not found (the host file is never run).
refused "sbin/init -> host path: resolved in the root" \
	"init /sbin/init not found in directory tree $COPY" cn -q -p "$COPY" -b br0
# And where the root has a file at that path, that one is init, not the host's.
printf '#!/bin/sh\necho host-init\n' > "$out/t60init"
chmod 0755 "$out/t60init"
mkdir -p "$COPY$out"
printf '#!/bin/sh\necho in-root-init\n' > "$COPY$out/t60init"
chmod 0755 "$COPY$out/t60init"
ln -sfn "$out/t60init" "$COPY/sbin/init"
run cn -q -p "$COPY" -b br0
is "sbin/init -> host path present in the root: the root's file runs" "0 in-root-init" "$RC $OUT"
assert_clean "init symlink"

# --- the frontend killed while the container runs ----------------------------
bg_cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'sleep 30; : t60-front'
if ip=$(init_pid t60-front) && wait_for 5 veth_exists ve-bb; then
	kill -KILL "$BG_PID"
	bg_wait
	if wait_for 10 sh -c "! kill -0 $ip 2>/dev/null"; then ok "frontend SIGKILLed: container stops"
	else not_ok "frontend SIGKILLed: container stops" "init (pid $ip) still running 10 s later"; kill -KILL "$ip" 2> /dev/null || true; fi
	check "frontend SIGKILLed: veth gone" wait_for 5 veth_gone ve-bb
else
	not_ok "frontend SIGKILLed: container stops" "container did not start: $(cat "$_work/bg.err")"
fi
assert_clean "frontend killed"

# --- the frontend sent SIGTERM / SIGHUP (terminal closed) -------------------
for sig in TERM HUP; do
	bg_container "$TEMPLATE" "t60$sig"
	if wait_for 10 veth_exists ve-bb && ip=$(init_pid "t60$sig"); then
		kill -"$sig" "$BG_PID"
		bg_wait
		diag "frontend after SIG$sig: status $RC: $ERR"
		if wait_for 10 sh -c "! kill -0 $ip 2>/dev/null"; then ok "frontend SIG$sig: container stops"
		else not_ok "frontend SIG$sig: container stops" "init (pid $ip) still running 10 s later"; kill -KILL "$ip" 2> /dev/null || true; fi
	else
		not_ok "frontend SIG$sig: container stops" "container did not start: $(cat "$_work/bg.err")"
		bg_wait
	fi
	rm -f "$TEMPLATE/tmp/stop-t60$sig"
	assert_clean "frontend SIG$sig"
done

# --- the helper (monitor) killed while the container runs (root can) ---------
bg_cn -q -p "$TEMPLATE" -b br0 --init /bin/sh -- -c 'sleep 30; : t60-mon'
if ip=$(init_pid t60-mon) && wait_for 5 veth_exists ve-bb; then
	mon=$(awk '/^PPid:/ { print $2 }' "/proc/$ip/status")
	if [ "$(readlink "/proc/$mon/exe" || true)" = "$HELPER" ]; then
		kill -KILL "$mon"
		if wait_for 10 sh -c "! kill -0 $ip 2>/dev/null"; then ok "helper SIGKILLed: container stops"
		else not_ok "helper SIGKILLed: container stops" "init (pid $ip) still running 10 s later"; kill -KILL "$ip" 2> /dev/null || true; fi
		bg_wait
		is "helper SIGKILLed: frontend exits 125" 125 "$RC"
		diag "frontend said: $ERR"
	else
		not_ok "helper SIGKILLed: container stops" "init's parent $mon is not the helper"
		kill -KILL "$ip"; bg_wait
	fi
else
	not_ok "helper SIGKILLed: container stops" "container did not start: $(cat "$_work/bg.err")"
	bg_wait
fi
# Nobody privileged is left to delete the dead monitor's state entry at once; the
# next helper reaps entries whose monitor is gone (pid + start time). So: the
# container and its veth are gone now, and the same container starts again.
check "helper killed: veth gone" wait_for 5 veth_gone ve-bb
incont "$TEMPLATE" 'echo again'
is "helper killed: the same container starts again" "again" "$OUT"
assert_clean "helper killed, after the next start"
done_testing
