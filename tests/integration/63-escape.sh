#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 10, the hostile review's findings, each performed as the attack it was:
#  F1  host root from a userns rule: a root that is itself 0700 but sits in a
#      0755 directory; container root chmods it open and leaves a setuid-root
#      busybox there. Also a policy that lets a userns rule and a privileged
#      rule share a tree.
#  F2  the caller's session keyring, read and written from inside.
#  F3  the monitor holding the caller's stdout: `cnspawn -d | cat` hangs.
#  F4  /dev/shm unsized.
#  and the cgroup base shared by every install on the host.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
[ -d "$USERNS_ROOTS" ] || { echo "1..0 # SKIP no $USERNS_ROOTS (run run.sh)"; exit 77; }
FIRST=200000 COUNT=65536
NET="bridge br0 address 198.18.0.0/24 gateway 198.18.0.1"
ATTACK='cp /bin/busybox /rootsh; chmod 4755 /rootsh; chmod 755 /; echo planted'

save_policy

# --- F1: the root itself is not "a root-only directory above it" -------------
PUB=$CHECK_PREFIX/pub
DEEP=$USERNS_ROOTS/deep
LINK=$CHECK_PREFIX/ulink
rm -rf "$PUB" "$DEEP" "$LINK"
install -d -o root -g root -m 0755 "$PUB" "$DEEP"
remove_on_exit "$PUB"
remove_on_exit "$DEEP"
cp -a "$TEMPLATE" "$PUB/c1"
chmod 0700 "$PUB/c1"
cp -a "$TEMPLATE" "$DEEP/c2"
ln -s "$USERNS_ROOTS" "$LINK"
remove_on_exit "$LINK"
cp -a "$TEMPLATE" "$USERNS_ROOTS/t63link"
remove_on_exit "$USERNS_ROOTS/t63link"
put_policy <<-P
	# 63-escape.sh
	permit cntest root $PUB/* $NET init /bin/sh userns $FIRST $COUNT
	permit cntest root $DEEP/* $NET init /bin/sh userns $FIRST $COUNT
	permit cntest root $LINK/* $NET init /bin/sh userns $FIRST $COUNT
	permit cntest root $MACHINES/* $NET init /bin/sh privileged
P

refused "F1: a 0700 root in a 0755 directory (the escape)" \
	"$PUB/c1 is reachable by other host users, but what a userns container creates there is owned by host uid 0 (setuid bits included): put it below a root-owned directory of mode 0700 (the root itself does not count), as /var/lib/machines is" \
	cn -q -p "$PUB/c1" -b br0 --init /bin/sh -- -c "$ATTACK"
check_fail "F1: no setuid file was planted" test -e "$PUB/c1/rootsh"
is "F1: the root is still mode 0700" 700 "$(stat -c %a "$PUB/c1")"

incont "$DEEP/c2" "$ATTACK"
is "F1: a root two levels below a 0700 directory starts (exit 0)" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
like "... and its root may plant what it likes" '^planted$' "$OUT"
is "... the planted file is setuid host root" "0:0 4755" \
	"$(stat -c '%u:%g %a' "$DEEP/c2/rootsh" 2>&1)"
run as_user cnother /bin/ls -l "$DEEP/c2/rootsh"
is "... but no other host user can reach it (ls exit 2)" 2 "$RC"
like "... (permission denied at the 0700 directory)" \
	"^/bin/ls: cannot access '$DEEP/c2/rootsh': Permission denied\$" "$ERR"
incont "$DEEP/c2" 'echo again'
is "F1: it starts again after its root chmodded itself open" "again" "$OUT"
assert_clean "F1 two levels"

refused "F1: a root whose 0700 ancestor is reached through a symlink" \
	"$LINK/t63link: a component is a symlink; name the real directory" \
	cn -q -p "$LINK/t63link" -b br0 --init /bin/sh -- -c "$ATTACK"

# A 0700 directory whose ACL lets a user search it is not closed: that user could
# reach what container root plants below it.
ACLD=$CHECK_PREFIX/uacl
rm -rf "$ACLD"
install -d -o root -g root -m 0700 "$ACLD"
remove_on_exit "$ACLD"
cp -a "$TEMPLATE" "$ACLD/c3"
if setfacl -m u:cnother:x "$ACLD" 2> "$_work/acl.err"; then
	put_policy <<-P
		permit cntest root $ACLD/* $NET init /bin/sh userns $FIRST $COUNT
	P
	check "F1: the ACL does let cnother through the 0700 directory" \
		as_user cnother /bin/ls -d "$ACLD/c3/bin"
	refused "F1: a 0700 ancestor whose ACL grants a user search" \
		"$ACLD/c3 is reachable by other host users, but what a userns container creates there is owned by host uid 0 (setuid bits included): put it below a root-owned directory of mode 0700 (the root itself does not count), as /var/lib/machines is" \
		cn -q -p "$ACLD/c3" -b br0 --init /bin/sh -- -c "$ATTACK"
	check_fail "... and nothing was planted" test -e "$ACLD/c3/rootsh"
	restore_policy
else
	diag "$(cat "$_work/acl.err")"
	skip "F1: a 0700 ancestor whose ACL grants a user search" "no ACLs on this file system"
fi

# A tree that a userns rule and a privileged rule share: what userns container
# root plants (a new /sbin/init, owned by host uid 0), host root would run next.
put_policy <<-P
	permit cntest root $DEEP/* $NET init /bin/sh userns $FIRST $COUNT
	permit cnother root $DEEP/c2 $NET init /bin/sh privileged
P
refused "F1: a policy where userns and privileged rules share a tree" \
	"cannot use policy: $POLICY:2:21: root $DEEP/c2 overlaps $DEEP/* of the userns rule at line 1: files a userns container plants there would run as host root" \
	cn -q -p "$DEEP/c2" -b br0 --init /bin/sh -- -c true
cp -p "$orig" "$POLICY.new" && mv -f "$POLICY.new" "$POLICY"

# --- F2: the caller's session keyring -----------------------------------------
have_probe=0
if command -v gcc > /dev/null &&
	gcc -static -O2 -o "$HOSTTMP/keyprobe" "$(dirname "$0")/keyprobe.c" 2> "$_work/gcc.err"; then
	have_probe=1
	chmod 0755 "$HOSTTMP/keyprobe"
	remove_on_exit "$HOSTTMP/keyprobe"
fi
# keyring_case DESC ROOT: the user adds a secret to their session keyring and
# starts a container that looks for it and tries to plant a key of its own.
# Since the syscall filter (issue 14) the keyring calls fail inside with EPERM,
# so neither can happen; init's own session keyring (caps.c) stays as a second
# wall (66-seccomp.sh checks the keyring calls themselves).
keyring_case() {
	cp "$HOSTTMP/keyprobe" "$2/keyprobe"
	run as_user cntest "$HOSTTMP/keyprobe" host secret s3cr3t -- \
		"$CNSPAWN" -q -p "$2" -b br0 --init /bin/sh -- -c "/keyprobe probe secret"
	is "F2 $1: exit 0" 0 "$RC"
	[ "$RC" = 0 ] || diag "$ERR"
	like "F2 $1: the caller's key is not visible inside" '^probe: no secret \(Operation not permitted\)$' "$OUT"
	like "F2 $1: the container cannot add a key (syscall filter)" '^probe: cannot plant \(Operation not permitted\)$' "$OUT"
	like "F2 $1: nothing reaches the caller's keyring" '^host: no planted key$' "$OUT"
	assert_clean "F2 $1"
}
if [ "$have_probe" = 1 ]; then
	mkcopy t63key
	keyring_case privileged "$COPY"
	UK=$USERNS_ROOTS/t63key
	rm -rf "$UK"; cp -a "$TEMPLATE" "$UK"; remove_on_exit "$UK"
	keyring_case userns "$UK"
else
	diag "$(cat "$_work/gcc.err")"
	for d in "F2: session keyring (privileged)" "F2: session keyring (userns)"; do
		skip "$d" "cannot build keyprobe statically"
	done
fi

# --- F3: the monitor keeps nothing of the caller's stdio -----------------------
mkcopy t63d
LONG='i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done'
(cn -d -q -M t63d -p "$COPY" -b br0 --init /bin/sh -- -c "$LONG" | cat > "$_work/d.out"
	: > "$_work/d.done") &
_pids="$_pids $!"
check "F3: cnspawn -d | cat returns while the container runs" \
	wait_for 15 test -e "$_work/d.done"
is "F3: ... having printed the name" "t63d" "$(cat "$_work/d.out")"
mon=$(sed -n 's/^monitor_pid=//p' "$STATE/t63d" 2> /dev/null || true)
check "F3: the container is running (state entry with a monitor)" test -n "$mon"
for fd in 0 1 2; do
	is "F3: the monitor's fd $fd is /dev/null" /dev/null "$(readlink "/proc/$mon/fd/$fd" 2>&1)"
done
unlike "F3: the monitor holds no pipe" 'pipe:' \
	"$(for f in /proc/"$mon"/fd/*; do readlink "$f"; done 2>&1)"
run cn stop -t 1 t63d
is "F3: stop exit 0" 0 "$RC"
assert_clean "F3 pipe"
(x=$(cn -d -q -M t63s -p "$COPY" -b br0 --init /bin/sh -- -c "$LONG")
	printf '%s\n' "$x" > "$_work/s.out") &
_pids="$_pids $!"
check "F3: x=\$(cnspawn -d ...) returns while the container runs" \
	wait_for 15 test -s "$_work/s.out"
run cn stop -t 1 t63s
is "F3: stop exit 0 (command substitution)" 0 "$RC"
assert_clean "F3 command substitution"

# --- F4: /dev/shm has a size ---------------------------------------------------
incont "$TEMPLATE" 'grep " /dev/shm " /proc/mounts'
like "F4: /dev/shm is a 64 MiB tmpfs with at most 64k inodes" \
	'^[^ ]+ /dev/shm tmpfs [^ ]*size=65536k,nr_inodes=65536[, ]' "$OUT"
incont "$TEMPLATE" 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=80 2>&1; ls -l /dev/shm/fill'
like "F4: writing 80 MiB there stops at 64 MiB" ' 67108864 .*/dev/shm/fill$' "$OUT"
assert_clean "F4"

# --- the cgroup base is this install's own -------------------------------------
# Another install (state in /run, base "cnspawn") runs a container t63cg; ours
# must neither see nor remove its cgroup when it starts a t63cg of its own.
H=""
for h in /sys/fs/cgroup/unified /sys/fs/cgroup; do
	[ "$(stat -fc %T "$h" 2> /dev/null)" = cgroup2fs ] && { H=$h; break; }
done
if [ -n "$H" ] && [ "$CGBASE" != cnspawn ]; then
	made_base=0
	[ -d "$H/cnspawn" ] || { mkdir "$H/cnspawn"; made_base=1; }
	mkdir "$H/cnspawn/t63cg"
	on_exit "rmdir '$H/cnspawn/t63cg' 2>/dev/null || true"
	[ "$made_base" = 0 ] || on_exit "rmdir '$H/cnspawn' 2>/dev/null || true"
	incont "$TEMPLATE" "test -d /sys/fs/cgroup && echo started" -M t63cg
	is "cgroup: a container named like another install's starts" "started" "$OUT"
	check "cgroup: the other install's cgroup of that name is still there" test -d "$H/cnspawn/t63cg"
	assert_clean "cgroup base"
else
	skip "cgroup: base keyed to the install" "no cgroup2 mount, or this is the default install"
fi

done_testing
