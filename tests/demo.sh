#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `make demo` (as root, after `make install` with PREFIX=/usr/local SYSCONFDIR=/etc
# RUNSTATEDIR=/run): a tiny busybox root, a bridge in a private network
# namespace, a policy rule for the invoking user, and then that user on the
# container's console.
#
# Touches nothing of the host's network: the bridge br0 (198.18.99.1/24) lives in
# the network namespace "cnspawn-demo". The policy is written only if
# /etc/cnspawn/policy does not exist or was written by this script (it carries the
# marker line "# cnspawn-demo"); an administrator's own policy is never changed.
#
# When stdin is not a terminal (CI, `make demo < /dev/null`), the container runs
# `echo demo ok` as its init instead of the interactive busybox init, so the
# demo ends by itself and still proves the whole path works.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
BIN=${DEMO_BINDIR:-/usr/local/bin}
CNSPAWN=$BIN/cnspawn
POLICY=${DEMO_POLICY:-/etc/cnspawn/policy}
BASE=/var/lib/cnspawn-demo
ROOT=$BASE/bb
NETNS=cnspawn-demo
MARKER='# cnspawn-demo'
user=${SUDO_USER:-root}

say() { echo "demo: $*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo make demo)"
[ -x "$CNSPAWN" ] || die "$CNSPAWN is not installed (make demo installs it first)"
id -u "$user" > /dev/null 2>&1 || die "no such user: $user"

install -d -o root -g root -m 0755 "$BASE"
sh "$here/integration/mkroot.sh" "$ROOT"
say "busybox root at $ROOT"

# The netns and its bridge are kept between runs (a second demo may be running);
# each step is done only if missing.
ip netns list | grep -qw "^$NETNS" || ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
ip -n "$NETNS" link show br0 > /dev/null 2>&1 || ip -n "$NETNS" link add br0 type bridge
ip -n "$NETNS" -4 addr show dev br0 | grep -q '198\.18\.99\.1/24' ||
	ip -n "$NETNS" addr add 198.18.99.1/24 dev br0
ip -n "$NETNS" link set br0 up
say "network namespace $NETNS with bridge br0 198.18.99.1/24 (the host's interfaces are untouched)"

rule="permit $user root $BASE/* bridge br0 address 198.18.99.0/24 gateway 198.18.99.1 max 4 init /sbin/init init /bin/sh privileged"
write_policy() {
	install -d -o root -g root -m 0755 "$(dirname "$POLICY")"
	tmp=$POLICY.demo-tmp
	if [ -e "$POLICY" ]; then cat "$POLICY" > "$tmp"
	else printf '%s\n%s\n' "$MARKER" "# Written by cnspawn's make demo; delete this file (or the marker) to take it over." > "$tmp"
	fi
	grep -qxF -- "$rule" "$tmp" || printf '%s\n' "$rule" >> "$tmp"
	chown root:root "$tmp"
	chmod 0644 "$tmp"
	mv -f "$tmp" "$POLICY"
}
if [ ! -e "$POLICY" ] || grep -qxF -- "$MARKER" "$POLICY"; then
	write_policy
	say "policy $POLICY permits $user: $rule"
else
	say "$POLICY exists and is not the demo's: left unchanged. For the demo it needs:"
	say "  $rule"
fi

args="-p $ROOT -b br0"
if [ -t 0 ]; then
	say "starting $ROOT as $user on its console. Leave with Ctrl-] three times (stops it)"
	say "or Ctrl-] d (detaches: 'cnspawn attach bb' returns, 'cnspawn stop bb' stops it);"
	say "inside, 'poweroff -f' stops the container. Clean up: ip netns del $NETNS; rm -rf $BASE"
	set --
else
	say "stdin is not a terminal: running 'echo demo ok' as the container's init"
	set -- --init /bin/sh -- -c 'echo demo ok'
fi
# nsenter --net, not `ip netns exec` (which remounts /sys and would hide the
# host's cgroups from the helper): only the network namespace changes.
if [ "$user" = root ]; then
	# shellcheck disable=SC2086
	exec nsenter --net="/run/netns/$NETNS" "$CNSPAWN" $args "$@"
fi
home=$(getent passwd "$user" | cut -d: -f6)
# shellcheck disable=SC2086
exec nsenter --net="/run/netns/$NETNS" setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- \
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="${home:-/}" TERM="${TERM:-dumb}" \
	"$CNSPAWN" $args "$@"
