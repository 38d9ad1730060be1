# SPDX-License-Identifier: GPL-3.0-or-later
# bench/lib.sh: sourced by bench/start.sh and bench/scale.sh (after `set -eu`
# and after setting NS, the private network namespace, and NET, its /24 as
# "198.18.X"). Our own install under BENCH_PREFIX (/opt/cnspawn-bench, built
# in build/bench), our own policy and state directory, a private network
# namespace with bridge br0, the user cntest; all removed at exit. Only
# processes this script started are ever stopped, by their pid or through
# cnspawn stop of our own install.

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
P=${BENCH_PREFIX:-/opt/cnspawn-bench}
CNSPAWN=$P/bin/cnspawn
STATE=$P/run/cnspawn
MACHINES=$P/machines
ROOT=$MACHINES/bench
# The install's cgroup base name, as the Makefile derives it (CGROUP_BASE).
CGBASE=cnspawn$(printf '%s' "$P/run" | sed 's/-/--/g; s|/|-|g')
# Every hierarchy the helper may make a cgroup in (cgroup.h, ceilings.c).
CGROUP_DIRS="/sys/fs/cgroup/$CGBASE /sys/fs/cgroup/unified/$CGBASE /sys/fs/cgroup/systemd/$CGBASE
	/sys/fs/cgroup/memory/$CGBASE /sys/fs/cgroup/pids/$CGBASE /sys/fs/cgroup/cpu/$CGBASE
	/sys/fs/cgroup/cpu,cpuacct/$CGBASE"
BENCH_LOCK=/run/lock/cnspawn-bench.lock
INTEGRATION_LOCK=/run/lock/cnspawn-integration.lock
_bg_pids=""

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*"; }
[ "$(id -u)" = 0 ] || die "must run as root"
case $P in /opt/cnspawn-check*) die "BENCH_PREFIX must not be the tests' prefix" ;; esac

# need CMD PACKAGE: install PACKAGE with apt when CMD is missing. No
# recommends: systemd-container's would add libnss-mymachines to the
# machine's nsswitch.conf.
need() {
	command -v "$1" > /dev/null 2>&1 && return 0
	command -v apt-get > /dev/null 2>&1 || return 1
	say "installing $2 (for $1)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" \
		> /dev/null 2>&1 || return 1
	command -v "$1" > /dev/null 2>&1
}

# One bench script at a time: they share the prefix.
mkdir -p /run/lock
exec 8> "$BENCH_LOCK"
flock -n 8 || die "another bench script holds $BENCH_LOCK"

id -u cntest > /dev/null 2>&1 || useradd -m -s /bin/sh cntest
tmp=$(mktemp -d /tmp/cnspawn-bench.XXXXXX)
chmod 0755 "$tmp"
install -d -o cntest -g cntest -m 0755 "$tmp/u" # cntest's hyperfine exports

# measure_begin / measure_end: hold the integration tests' lock while
# measuring, so that neither disturbs the other's timing. Minutes, not longer.
measure_begin() {
	exec 9> "$INTEGRATION_LOCK"
	if ! flock -n 9; then
		say "an integration run holds $INTEGRATION_LOCK; waiting for it (up to 30 min)"
		flock -w 1800 9 || die "gave up waiting for $INTEGRATION_LOCK"
	fi
}
measure_end() { flock -u 9; exec 9>&-; }

# user CMD...: CMD as cntest in our netns with a clean environment, entered
# with nsenter --net (ip netns exec would remount /sys and hide the cgroup
# hierarchies from the helper, so containers would get no cgroup).
user() {
	nsenter --net="/run/netns/$NS" setpriv --reuid=cntest --regid=cntest --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/home/cntest "$@"
}
innet() { nsenter --net="/run/netns/$NS" "$@"; }

# What is left of our containers: veths, state entries, cgroup directories.
veths_left() { ip -n "$NS" -o link show type veth 2> /dev/null | wc -l; }
states_left() { find "$STATE" -mindepth 1 -maxdepth 1 ! -name '*.sock' ! -name .slots 2> /dev/null | wc -l; }
cgroups_left() {
	for _c in $CGROUP_DIRS; do
		[ -d "$_c" ] && find "$_c" -mindepth 1 -maxdepth 1 -type d
	done | wc -l
}

stop_all() {
	[ -x "$CNSPAWN" ] || return 0
	for _c in $(user "$CNSPAWN" list 2> /dev/null); do
		user "$CNSPAWN" stop --kill "$_c" > /dev/null 2>&1 || true
	done
}
bench_cleanup() {
	for _p in $_bg_pids; do kill "$_p" 2> /dev/null || true; done
	stop_all
	# The base directories themselves are ours too (named after our RUNSTATEDIR).
	for _c in $CGROUP_DIRS; do [ -d "$_c" ] && rmdir "$_c" 2> /dev/null; done
	ip netns del "$NS" 2> /dev/null || true
	if [ -n "${_run_mounted:-}" ]; then umount "$P/run" 2> /dev/null || true; fi
	rm -rf "$tmp" "$P"
	if [ -n "${NSPAWN_RUNDIR_NEW:-}" ]; then
		rm -rf /run/systemd/nspawn
	fi
	return 0
}

build_install() {
	V="BUILDDIR=build/bench PREFIX=$P SYSCONFDIR=$P/etc RUNSTATEDIR=$P/run LIBEXECDIR=$P/libexec"
	say "building and installing into $P"
	# shellcheck disable=SC2086
	make -s -C "$top" -j2 $V all > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; die "build failed"; }
	# shellcheck disable=SC2086
	make -s -C "$top" $V install > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; die "install failed"; }
	install -d -o root -g root -m 0755 "$MACHINES"
	# RUNSTATEDIR on a tmpfs, as /run is on a real host: on a disk's file
	# system the two writes of a state entry each start wait on its journal
	# and on ext4's flush of a file renamed over another (auto_da_alloc),
	# 1-3 ms on a busy disk, which measured the disk, not cnspawn.
	mountpoint -q "$P/run" || mount -t tmpfs -o mode=0755,size=16m cnspawn-bench "$P/run"
	_run_mounted=1
	install -d -o root -g root -m 0755 "$STATE"
	cc -O2 -Wall -o "$tmp/stopwatch" "$here/stopwatch.c"
}

# put_policy RULE-OPTIONS: one rule for cntest on br0 in $NET.0/24.
put_policy() {
	printf 'permit cntest root %s/* bridge br0 address %s.0/24 gateway %s.1 %s privileged\n' \
		"$MACHINES" "$NET" "$NET" "$1" > "$P/etc/cnspawn/policy"
	chmod 0644 "$P/etc/cnspawn/policy"
}

# The issue's root: static busybox, /sbin/init `#!/bin/true`; also
# /sbin/echo-init (`#!/bin/echo x`) for the time to console.
make_root() {
	sh "$top/tests/integration/mkroot.sh" "$ROOT" > /dev/null
	rm -f "$ROOT/sbin/init"
	printf '#!/bin/true\n' > "$ROOT/sbin/init"
	printf '#!/bin/echo x\n' > "$ROOT/sbin/echo-init"
	chmod 0755 "$ROOT/sbin/init" "$ROOT/sbin/echo-init"
}

make_netns() {
	ip netns del "$NS" 2> /dev/null || true
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" addr add "$NET.1/24" dev br0
	ip -n "$NS" link set br0 up
}

# stats FIELD < stopwatch output: "median max" of that column in ms.
stats() {
	awk -v f="$1" '{ print $f }' | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "? ?"; exit }
		printf "%.1f %.1f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[NR] }'
}

machine_note() {
	say "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), kernel $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	say "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
}
