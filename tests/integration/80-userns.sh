#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# userns rules (run.sh: cntest may start roots under $USERNS_ROOTS with
# `userns 200000 65536`): container root is host uid 200000, the root (owned by
# host root) is id-mapped so it looks root-owned inside and what the container
# creates lands on disk as host uid 0; container root cannot reach the host
# (devices, modules, eth0, /sys, /proc/sys, host processes); running ranges
# may not overlap another user's or rule's.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
[ -d "$USERNS_ROOTS" ] || { echo "1..0 # SKIP no $USERNS_ROOTS (run run.sh)"; exit 77; }
FIRST=200000 COUNT=65536

ucopy u1
R1=$UCOPY
# Ping through an ICMP datagram socket, as iputils ping does: busybox 1.35's ping
# needs a raw socket, i.e. CAP_NET_RAW over the network namespace, which
# container root does not have (the netns belongs to the host's user namespace).
have_dgping=0
if command -v gcc > /dev/null && gcc -static -O2 -o "$R1/dgping" "$(dirname "$0")/dgping.c" 2> "$_work/gcc.err"; then
	have_dgping=1
fi
cntest_uid=$(id -u cntest)

# --- identity, maps, ownership ---------------------------------------------
incont "$R1" 'echo "ids=$(id -u):$(id -g)"; stat -c "own %n %u:%g" / /bin/busybox /etc/passwd;
	echo "uidmap=$(cat /proc/self/uid_map)"; echo "gidmap=$(cat /proc/self/gid_map)";
	echo made > /root/made-inside; mkdir /tmp/dir-inside; echo made-ok; true'
is "userns container starts (exit 0)" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
like "id inside is 0:0" '^ids=0:0$' "$OUT"
like "/ is owned by root inside" '^own / 0:0$' "$OUT"
like "/bin/busybox is owned by root inside" '^own /bin/busybox 0:0$' "$OUT"
is "uid_map is the rule's range" "0 $FIRST $COUNT" \
	"$(printf '%s\n' "$OUT" | sed -n 's/^uidmap=//p' | tr -s ' ' | sed 's/^ //')"
is "gid_map is the rule's range" "0 $FIRST $COUNT" \
	"$(printf '%s\n' "$OUT" | sed -n 's/^gidmap=//p' | tr -s ' ' | sed 's/^ //')"
like "container root can create files in its root" '^made-ok$' "$OUT"
is "a file made inside is owned by host uid 0 on disk (id-mapped)" "0:0" \
	"$(stat -c %u:%g "$R1/root/made-inside" 2>&1)"
is "a directory made inside is owned by host uid 0 on disk" "0:0" \
	"$(stat -c %u:%g "$R1/tmp/dir-inside" 2>&1)"
unlike "nothing made inside is owned by cntest" "^$cntest_uid\$" \
	"$(find "$R1" -xdev -printf '%U\n' | sort -u)"
assert_clean "identity"

# --- what container root can still do ------------------------------------------
incont "$R1" 'echo x > /dev/null && echo null-ok; [ "$(head -c 8 /dev/urandom | wc -c)" = 8 ] && echo urandom-ok;
	stat -c "dev %n %u %t:%T" /dev/null /dev/console;
	mkdir -p /tmp/t && mount -t tmpfs none /tmp/t && touch /tmp/t/x && echo tmpfs-ok;
	hostname renamed && [ "$(hostname)" = renamed ] && echo hostname-ok;
	[ -x /dgping ] && /dgping 198.18.0.1 > /dev/null && echo ping-ok;
	echo console-ok > /dev/console && echo reopen-ok; true'
like "/dev/null is writable" '^null-ok$' "$OUT"
like "/dev/urandom is readable" '^urandom-ok$' "$OUT"
like "/dev/null is the host's 1:3, owned by container root" '^dev /dev/null 0 1:3$' "$OUT"
like "/dev/console is owned by container root" '^dev /dev/console 0 ' "$OUT"
like "/dev/console can be reopened (getty, init)" '^reopen-ok$' "$OUT"
like "container root can mount a tmpfs" '^tmpfs-ok$' "$OUT"
like "container root can set its hostname" '^hostname-ok$' "$OUT"
if [ "$have_dgping" = 1 ]; then
	like "the gateway pings (ICMP datagram socket)" '^ping-ok$' "$OUT"
else
	skip "the gateway pings (ICMP datagram socket)" "no static gcc: $(head -n 1 "$_work/gcc.err")"
fi
assert_clean "allowed"

# --- what container root cannot do -------------------------------------------
host_cp=$(cat /proc/sys/kernel/core_pattern)
incont "$R1" 'addr0=$(ip -4 -o addr show dev eth0 | awk "{print \$4}"); mac0=$(cat /sys/class/net/eth0/address)
	echo "addr0=$addr0 mac0=$mac0"
	mknod /tmp/blk b 8 0 2>/dev/null && echo mknod-tmp-ok
	mknod /dev/blk b 8 0 2>/dev/null && echo mknod-dev-ok
	head -c 1 /tmp/blk > /dev/null 2>&1 && echo blk-read-ok
	mknod /dev/mem2 c 1 1 2>/dev/null && echo mknod-mem-ok
	mkdir -p /tmp/m && mount -t devtmpfs none /tmp/m 2>/dev/null && echo devtmpfs-ok
	printf "\177ELF-not-a-module" > /tmp/x.ko; insmod /tmp/x.ko 2>&1 | sed "s/^/insmod: /"
	ip addr add 198.18.0.250/24 dev eth0 2>/dev/null && echo addr-add-ok
	ip link set eth0 address 02:00:00:00:00:99 2>/dev/null && echo mac-ok
	ip link set eth0 down 2>/dev/null && echo down-ok
	ip route del default 2>/dev/null && echo route-del-ok
	echo "addr1=$(ip -4 -o addr show dev eth0 | awk "{print \$4}") mac1=$(cat /sys/class/net/eth0/address)"
	touch /sys/cnspawn-x 2>/dev/null && echo sys-write-ok
	mount -o remount,rw /sys 2>/dev/null && echo sys-remount-ok
	( cat /proc/sys/kernel/core_pattern > /proc/sys/kernel/core_pattern ) 2>/dev/null && echo core-written
	( cat /proc/sys/kernel/printk > /proc/sys/kernel/printk ) 2>/dev/null && echo printk-written
	umount /proc/sys 2>/dev/null && echo procsys-umount-ok
	mount -o remount,rw /proc/sys 2>/dev/null && echo procsys-remount-ok
	( cat /proc/sys/kernel/core_pattern > /proc/sys/kernel/core_pattern ) 2>/dev/null && echo core-written2
	grep -E "^Cap(Bnd|Eff)" /proc/self/status; true'
diag "$(printf '%s\n' "$OUT" | grep -E '^(addr|insmod|Cap)' || true)"
for w in mknod-tmp-ok mknod-dev-ok blk-read-ok mknod-mem-ok devtmpfs-ok addr-add-ok mac-ok \
	down-ok route-del-ok sys-write-ok sys-remount-ok core-written printk-written \
	procsys-umount-ok procsys-remount-ok core-written2; do
	unlike "container root cannot: $w" "^$w\$" "$OUT"
done
if [ -e /proc/modules ]; then
	like "insmod is refused for lack of privilege" '^insmod: .*not permitted' "$OUT"
else
	like "insmod fails (this kernel has no module support)" '^insmod: .*(not permitted|not support)' "$OUT"
fi
bnd=$(printf '%s\n' "$OUT" | sed -n 's/^CapBnd:[[:space:]]*//p')
is "CapBnd lacks CAP_SYS_MODULE" 0 "$(( (0x${bnd:-0} >> 16) & 1 ))"
a0=$(printf '%s\n' "$OUT" | sed -n 's/^addr0=\([^ ]*\) mac0=\(.*\)$/\1 \2/p')
a1=$(printf '%s\n' "$OUT" | sed -n 's/^addr1=\([^ ]*\) mac1=\(.*\)$/\1 \2/p')
is "eth0's address and MAC are unchanged" "$a0" "$a1"
like "eth0 had its address" '^198\.18\.0\.' "$a0"
is "host core_pattern unchanged" "$host_cp" "$(cat /proc/sys/kernel/core_pattern)"
assert_clean "refused actions"

# --- from the host: uids and signals -----------------------------------------
# A host process of the container's own first uid, outside the container: the
# container cannot see (own pid namespace) nor kill it.
setpriv --reuid=$FIRST --regid=$FIRST --clear-groups sleep 60 &
victim=$!
_pids="$_pids $victim"
bg_container "$R1" t80-host
ip=""
for _i in $(seq 1 100); do
	ip=$(ps -e -o pid=,uid=,args= | awk -v m=t80-host -v u=$FIRST '$2 == u && index($0, m) { print $1; exit }')
	[ -n "$ip" ] && break
	sleep 0.1
done
if [ -n "$ip" ]; then
	ok "container init found (host pid $ip)"
	is "init runs as host uid $FIRST (ps -o uid)" "$FIRST" "$(ps -o uid= -p "$ip" | tr -d ' ')"
	is "init's uids are all $FIRST" "$FIRST $FIRST $FIRST $FIRST" \
		"$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$ip/status")"
	check_fail "cntest cannot signal the container's init" as_user cntest kill -0 "$ip"
	stop_container "$R1" t80-host
	is "the container ends normally" 0 "$RC"
else
	not_ok "container init found" "$(cat "$_work/bg.err")"
	kill "$BG_PID" 2> /dev/null || true
	bg_wait
fi
ucopy u-kill
incont "$UCOPY" 'kill -KILL -1; sleep 0.2; echo killed-all; true'
like "kill -1 inside runs" '^killed-all$' "$OUT"
check "a host process of uid $FIRST survives the container's kill -1" kill -0 "$victim"
kill "$victim" 2> /dev/null || true
wait "$victim" 2> /dev/null || true
assert_clean "host view"

# --- running ranges -------------------------------------------------------------
ucopy u2
R2=$UCOPY
bg_container "$R1" t80-range
# (Polling a command: a $(...) argument to wait_for would be evaluated only once.)
check "u1 runs in the background" wait_for 10 veth_exists ve-u1
BASELINE=$(leftovers)
incont "$R2" 'echo same-rule-ok; true'
like "same user, same rule: a second container shares the range" '^same-rule-ok$' "$OUT"

save_policy
put_policy <<-P
	# 80-userns.sh: another user with the running container's range
	permit cnother root $USERNS_ROOTS/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh userns $((FIRST + 1000)) $COUNT
P
# u1 runs under run.sh's userns rule for cntest.
UL=$(rule_line "permit cntest root $USERNS_ROOTS/* " "$orig")
refused "another user, overlapping range" \
	"host ids $((FIRST + 1000))..$((FIRST + 1000 + COUNT - 1)) overlap those of running container u1 (uid $cntest_uid, rule at line $UL)" \
	as_user cnother "$CNSPAWN" -q -p "$R2" -b br0 --init /bin/sh -- -c true
# Rules are told apart by what the current policy decides for each container (the
# running one is decided again), not by line numbers, which move with every edit.
put_policy <<-P
	# 80-userns.sh: the same user and range under another rule
	permit cntest root $R1 bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh userns $FIRST $COUNT
	permit cntest root $R2 bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh userns $FIRST $COUNT
P
# The caller's own running container is named by the rule that decides it now.
refused "same user, another rule with the range" \
	"host ids $FIRST..$((FIRST + COUNT - 1)) overlap those of running container u1 (uid $cntest_uid, rule at line $(rule_line "permit cntest root $R1 "))" \
	cn -q -p "$R2" -b br0 --init /bin/sh -- -c true
put_policy <<-P
	# 80-userns.sh: a disjoint range is fine
	permit cnother root $USERNS_ROOTS/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh userns $((FIRST + COUNT)) $COUNT
P
run as_user cnother "$CNSPAWN" -q -p "$R2" -b br0 --init /bin/sh -- -c 'cat /proc/self/uid_map; true'
is "another user with a disjoint range starts" 0 "$RC"
like "... as its own range" "^ *0 +$((FIRST + COUNT)) +$COUNT\$" "$OUT"
is "nothing new left behind" "$BASELINE" "$(leftovers)"
BASELINE=""
cp -p "$orig" "$POLICY.new" && mv -f "$POLICY.new" "$POLICY"
stop_container "$R1" t80-range
assert_clean "ranges"

# --- a root other users can reach is refused --------------------------------------
mkcopy u-open
put_policy <<-P
	permit cntest root $MACHINES/u-open bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh userns $FIRST $COUNT
P
refused "userns root reachable by other users" \
	"$COPY is reachable by other host users, but what a userns container creates there is owned by host uid 0 (setuid bits included): put it below a root-owned directory of mode 0700 (the root itself does not count), as /var/lib/machines is" \
	cn -q -p "$COPY" -b br0 --init /bin/sh -- -c true
cp -p "$orig" "$POLICY.new" && mv -f "$POLICY.new" "$POLICY"

# --- a missing mount point cannot be created (host root has no id in the map) -----
ucopy u-noproc
rmdir "$UCOPY/proc"
refused "userns root without /proc" \
	"$UCOPY/proc is missing; under a userns rule it cannot be created: create it in the root" \
	cn -q -p "$UCOPY" -b br0 --init /bin/sh -- -c true

# --- a file system that cannot be id-mapped (ramfs) is refused, never chowned ----
RAM=$USERNS_ROOTS/u-ramfs
mkdir -p "$RAM"
remove_on_exit "$RAM"
if mount -t ramfs -o mode=0755 ramfs "$RAM" 2> /dev/null; then
	on_exit "umount '$RAM' 2>/dev/null || true"
	cp -a "$TEMPLATE/." "$RAM/"
	BASELINE=$(leftovers)
	refused "root on ramfs" \
	"the file system of the container root cannot be id-mapped (userns rules need one that can, such as ext4, xfs, btrfs or tmpfs)" \
	cn -q -p "$RAM" -b br0 --init /bin/sh -- -c true
	BASELINE=""
	is "the ramfs root is still owned by host root" "0:0" "$(stat -c %u:%g "$RAM/bin/busybox")"
	umount "$RAM"
else
	skip "root on ramfs" "cannot mount ramfs here"
fi
assert_clean "ramfs"

done_testing
