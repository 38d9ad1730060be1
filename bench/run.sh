#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run.sh: console relay throughput and keystroke echo latency, cnspawn
# against socat's PTY relay (what sh-nspawn uses), measured in the same run.
# Not a test; never run in CI. Needs root, socat and cc; builds and installs
# the tree under its own prefix (BENCH_PREFIX, /opt/cnspawn-bench), removed at exit.
# Knobs: SIZE_MB (100), RUNS (3; the best run counts), BENCH_PREFIX, CNSPAWN.
# See bench/README.md for what is measured and how to read the ratios.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
P=${BENCH_PREFIX:-/opt/cnspawn-bench}
CNSPAWN=${CNSPAWN:-$P/bin/cnspawn}
SIZE_MB=${SIZE_MB:-100}
RUNS=${RUNS:-3}
NS=cnspawn-bench
ROOT=$P/machines/bench
N=$((SIZE_MB * 1024 * 1024))

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
command -v socat > /dev/null || die "socat missing (apt-get install socat)"
id -u cntest > /dev/null 2>&1 || useradd -m -s /bin/sh cntest
# One bench script at a time: start.sh and scale.sh share the prefix.
mkdir -p /run/lock
exec 8> /run/lock/cnspawn-bench.lock
flock -n 8 || die "another bench script holds /run/lock/cnspawn-bench.lock"

tmp=$(mktemp -d /tmp/cnspawn-bench.XXXXXX)
chmod 0755 "$tmp"
user() {
	nsenter --net="/run/netns/$NS" setpriv --reuid=cntest --regid=cntest --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/home/cntest "$@"
}
# A terminal frontend that goes away only detaches: stop what is still running.
stop_all() {
	[ -x "$CNSPAWN" ] || return 0
	for _c in $(user "$CNSPAWN" list 2> /dev/null); do
		user "$CNSPAWN" stop --kill "$_c" > /dev/null 2>&1 || true
	done
}
cleanup() {
	stop_all
	ip netns del "$NS" 2> /dev/null || true
	rm -rf "$tmp" "$P"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Our own install (prefix, policy, state dir): nothing shared with a
# concurrent `make integration`, whose leftover checks would see our containers.
V="BUILDDIR=build/bench PREFIX=$P SYSCONFDIR=$P/etc RUNSTATEDIR=$P/run LIBEXECDIR=$P/libexec"
# shellcheck disable=SC2086
make -s -C "$top" $V all > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; die "build failed"; }
# shellcheck disable=SC2086
make -s -C "$top" $V install > "$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; die "install failed"; }
install -d -o root -g root -m 0755 "$P/machines"
printf 'permit cntest root %s/machines/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 4 init /bin/sh privileged exec\n' \
	"$P" > "$P/etc/cnspawn/policy"
chmod 0644 "$P/etc/cnspawn/policy"
cc -O2 -Wall -o "$tmp/ptyrun" "$here/ptyrun.c"
sh "$here/../tests/integration/mkroot.sh" "$ROOT"
# The policy permits cntest on bridge br0 in 198.18.0.0/24: a private netns.
ip netns del "$NS" 2> /dev/null || true
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" addr add 198.18.0.1/24 dev br0
ip -n "$NS" link set br0 up

# Commands as scripts (ptyrun execs them). The same program, busybox dd,
# produces the bytes on both sides (64 KiB a write), onto a raw pty; both run as cntest.
cat > "$tmp/cn.sh" << EOF
exec nsenter --net=/run/netns/$NS setpriv --reuid=cntest --regid=cntest --init-groups -- \\
	env -i PATH=/usr/bin:/bin HOME=/home/cntest TERM=xterm \\
	$CNSPAWN -q -p $ROOT -b br0 --init /bin/sh -- -c "stty raw -echo; \$1"
EOF
# exec (issue 13): the same command through `cnspawn exec` into a running container.
cat > "$tmp/cn-exec.sh" << EOF
exec nsenter --net=/run/netns/$NS setpriv --reuid=cntest --regid=cntest --init-groups -- \\
	env -i PATH=/usr/bin:/bin HOME=/home/cntest TERM=xterm \\
	$CNSPAWN exec benchx /bin/sh -c "\$1"
EOF
cat > "$tmp/so.sh" << EOF
exec setpriv --reuid=cntest --regid=cntest --init-groups -- \\
	socat -u EXEC:"$ROOT/bin/busybox \$1",pty,rawer STDOUT
EOF
# Echo latency behind a flood: the command floods its console while cat echoes
# each keystroke into the same output stream.
cat > "$tmp/flood.sh" << EOF
stty raw -echo; $ROOT/bin/busybox head -c 100000000000 /dev/zero & exec $ROOT/bin/busybox cat
EOF
cat > "$tmp/cn-flood.sh" << EOF
exec nsenter --net=/run/netns/$NS setpriv --reuid=cntest --regid=cntest --init-groups -- \\
	env -i PATH=/usr/bin:/bin HOME=/home/cntest TERM=xterm \\
	$CNSPAWN -q -p $ROOT -b br0 --init /bin/sh -- -c "stty raw -echo; head -c 100000000000 /dev/zero & exec cat"
EOF
cat > "$tmp/so-flood.sh" << EOF
exec setpriv --reuid=cntest --regid=cntest --init-groups -- \\
	socat EXEC:"$ROOT/bin/busybox sh $tmp/flood.sh",pty,rawer STDIO
EOF
# 64 KiB writes: busybox head writes 4 KiB at a time and alone tops out near
# 250 MB/s here, which would measure head, not the relays (issue 13).
GEN="dd if=/dev/zero bs=65536 count=$((SIZE_MB * 16)) status=none"
GEN0="dd if=/dev/zero bs=65536 count=0 status=none"
now() { date +%s.%N; }
best() { sort -n | head -n 1; }

# to_null CMD: seconds for the best of RUNS runs, output to /dev/null (pipe mode).
to_null() {
	_i=0
	while [ "$_i" -lt "$RUNS" ]; do
		_a=$(now); "$@" < /dev/null > /dev/null || die "failed: $*"; _b=$(now)
		echo "$_a $_b" | awk '{ printf "%.3f\n", $2 - $1 }'
		_i=$((_i + 1))
	done | best
}
# to_pty CMD: same, with stdin and stdout a raw pty read as fast as possible.
to_pty() {
	_i=0
	while [ "$_i" -lt "$RUNS" ]; do
		"$tmp/ptyrun" -- "$@" | awk -v want="$3" -v zero="$GEN0" -v n="$N" '
			want != zero && $1 < n { print "bench: short output: " $1 " bytes" > "/dev/stderr" }
			{ print $2 }'
		_i=$((_i + 1))
	done | best
}
ratio() { awk -v c="$1" -v c0="$2" -v s="$3" -v s0="$4" -v mb="$SIZE_MB" 'BEGIN {
	cn = c - c0; so = s - s0; if (cn <= 0) cn = 0.001; if (so <= 0) so = 0.001
	printf "  cnspawn %.3f s (start %.3f) = %.0f MB/s; socat %.3f s (start %.3f) = %.0f MB/s; ratio cnspawn/socat %.2f\n",
	    c, c0, mb / cn, s, s0, mb / so, (mb / cn) / (mb / so) }'; }

echo "bench: $SIZE_MB MB of output, best of $RUNS; ratio = cnspawn throughput / socat throughput (>= 1: at least as fast)"
echo "to /dev/null (pipe mode: a start's init writes to a pipe, issue 13):"
ratio "$(to_null sh "$tmp/cn.sh" "$GEN")" "$(to_null sh "$tmp/cn.sh" "$GEN0")" \
	"$(to_null sh "$tmp/so.sh" "$GEN")" "$(to_null sh "$tmp/so.sh" "$GEN0")"
echo "exec to /dev/null (pipes):"
cp -a "$ROOT" "$ROOT-x"
user "$CNSPAWN" -q -d -M benchx -p "$ROOT-x" -b br0 --init /bin/sh -- -c 'exec sleep 100000' > /dev/null ||
	die "starting the exec container failed"
ratio "$(to_null sh "$tmp/cn-exec.sh" "$GEN")" "$(to_null sh "$tmp/cn-exec.sh" "$GEN0")" \
	"$(to_null sh "$tmp/so.sh" "$GEN")" "$(to_null sh "$tmp/so.sh" "$GEN0")"
user "$CNSPAWN" stop --kill benchx > /dev/null 2>&1 || true
echo "to a terminal (raw pty, fast reader):"
ratio "$(to_pty sh "$tmp/cn.sh" "$GEN")" "$(to_pty sh "$tmp/cn.sh" "$GEN0")" \
	"$(to_pty sh "$tmp/so.sh" "$GEN")" "$(to_pty sh "$tmp/so.sh" "$GEN0")"
echo "keystroke echo latency behind a full output buffer (median max, ms, 50 keys):"
printf '  cnspawn: %s\n' "$("$tmp/ptyrun" -l 50 -- sh "$tmp/cn-flood.sh")"
stop_all
printf '  socat:   %s\n' "$("$tmp/ptyrun" -l 50 -- sh "$tmp/so-flood.sh")"
