#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Smoke test of the harness itself: users, netns, bridge, template root, policy.
set -eu
. "$(dirname "$0")/lib.sh"

check "user cntest exists" id -u cntest
check "user cnother exists" id -u cnother
check "netns $NETNS exists" ip netns exec "$NETNS" true
like "br0 is a bridge in the netns" 'bridge' "$(ip -n "$NETNS" -d -o link show br0 2>&1)"
like "br0 has 198.18.0.1/24" 'inet 198\.18\.0\.1/24' "$(ip -n "$NETNS" -o -4 addr show dev br0 2>&1)"
like "lo is up in the netns" 'UP' "$(ip -n "$NETNS" -o link show lo 2>&1)"
is "netns has no veth" "" "$(ip -n "$NETNS" -o link show type veth)"
is "as_user runs as cntest" "cntest" "$(as_user cntest id -un)"
is "as_user runs in the netns" "br0" "$(as_user cntest ip -br link show br0 | awk '{ print $1 }')"
is "as_user has a clean environment" "HOME=/home/cntest PATH=/usr/bin:/bin TERM=dumb" \
	"$(as_user cntest env | sort | tr '\n' ' ' | sed 's/ $//')"
is "template root executes" "ok" "$(chroot "$TEMPLATE" /bin/sh -c 'echo ok')"
is "template has a busybox init" "../bin/busybox" "$(readlink "$TEMPLATE/sbin/init")"
is "template is root-owned, 0755" "0 0 755" "$(stat -c '%u %g %a' "$TEMPLATE")"
is "template /tmp is 1777" "1777" "$(stat -c '%a' "$TEMPLATE/tmp")"
is "policy is root:root 0644" "0 0 644 regular file" "$(stat -c '%u %g %a %F' "$POLICY")"
for d in "$CHECK_PREFIX" "$CHECK_PREFIX/etc" "$CHECK_PREFIX/etc/cnspawn"; do
	is "$d is root:root 0755" "0 0 755" "$(stat -c '%u %g %a' "$d")"
done
like "policy permits cntest on $MACHINES/*" "^permit cntest root $MACHINES/\\* bridge br0" "$(cat "$POLICY")"
if [ -x "$CHECK_PREFIX/sbin/cnspawn-policy" ]; then
	check "cnspawn-policy check accepts the policy" "$CHECK_PREFIX/sbin/cnspawn-policy" check "$POLICY"
else
	skip "cnspawn-policy check accepts the policy" "cnspawn-policy not installed"
fi
if [ -x "$HELPER" ]; then
	is "helper is setuid root" "0 4755" "$(stat -c '%u %a' "$HELPER")"
else
	skip "helper is setuid root" "helper not installed"
fi
assert_clean "harness"
done_testing
