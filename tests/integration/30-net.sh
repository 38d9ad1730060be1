#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Network: eth0 address and default route, ping both ways, address picking,
# the host veth on br0 while running and gone after.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

incont "$TEMPLATE" 'ip -4 -o addr show dev eth0; ip route; ip -o link show lo; true' -a 198.18.0.10/24
like "eth0 has the address given with -a" 'inet 198\.18\.0\.10/24 ' "$OUT"
like "default route via the policy's gateway" '^default via 198\.18\.0\.1 ' "$OUT"
like "lo is up" 'LOOPBACK,UP' "$OUT"
is "one IPv4 address on eth0" 1 "$(printf '%s\n' "$OUT" | grep -c ' inet ' || true)"
assert_clean "address"

# The container's own eth0 keeps IPv6 (its link-local address): only the host
# end, a bridge port, has it off.
if [ -e /proc/sys/net/ipv6 ]; then
	incont "$TEMPLATE" 'cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6; ip -6 -o addr show dev eth0; true'
	like "eth0 inside keeps IPv6 on" '^0$' "$OUT"
	like "... with its link-local address" 'inet6 fe80::' "$OUT"
else
	skip "eth0 inside keeps IPv6 on" "this kernel has no IPv6"
fi

incont "$TEMPLATE" 'ip route; true' -a 198.18.0.12/24 -r 198.18.0.1
like "-r with the allowed gateway" '^default via 198\.18\.0\.1 ' "$OUT"
is "-r with the allowed gateway: exit 0" 0 "$RC"

incont "$TEMPLATE" 'ping -c1 -W2 198.18.0.1 >/dev/null && echo ping-ok; true' -a 198.18.0.10/24
like "ping of the gateway from inside" '^ping-ok$' "$OUT"
assert_clean "ping out"

# A running container: veth on br0, reachable from the bridge side.
bg_container "$TEMPLATE" t30bg -a 198.18.0.11/24
if wait_for 10 veth_exists ve-bb; then
	ok "host veth ve-bb appears while running"
	like "ve-bb is attached to br0" 'master br0' "$(ip -n "$NETNS" -d link show ve-bb)"
	like "ve-bb is a veth" 'veth' "$(ip -n "$NETNS" -d link show ve-bb)"
	is "ve-bb is not in the host's own namespace" "" "$(ip -o link show ve-bb 2> /dev/null || true)"
	# A bridge port has no address of its own (issue 12: its IPv6 routes made
	# every link event walk a table as long as the number of containers).
	if [ -e /proc/sys/net/ipv6 ]; then
		is "ve-bb has IPv6 disabled" 1 \
			"$(ip netns exec "$NETNS" cat /proc/sys/net/ipv6/conf/ve-bb/disable_ipv6)"
		is "... no IPv6 address on ve-bb" "" "$(ip -n "$NETNS" -6 -o addr show dev ve-bb)"
		is "... and no IPv6 route through it" "" \
			"$(ip -n "$NETNS" -6 route show table all dev ve-bb)"
	else
		skip "ve-bb has IPv6 disabled" "this kernel has no IPv6"
	fi
	# One queue each way, asked for at creation (issue 12: the kernel makes
	# one per possible CPU and cuts them down after an RCU grace period).
	# With one possible CPU its default is one queue: the check cannot fail.
	if [ "$(cat /sys/devices/system/cpu/possible)" = 0 ]; then
		skip "ve-bb was made with one queue each way" "one possible CPU: the kernel's default is one queue"
		skip "... and so was the container's eth0" "one possible CPU"
	else
		like "ve-bb was made with one queue each way" 'numtxqueues 1 numrxqueues 1 ' \
			"$(ip -n "$NETNS" -d link show ve-bb)"
		like "... and so was the container's eth0" 'numtxqueues 1 numrxqueues 1 ' \
			"$(ipid=$(init_pid t30bg) && nsenter --net="/proc/$ipid/ns/net" ip -d link show eth0 2>&1)"
	fi
	if wait_for 5 ip netns exec "$NETNS" ping -c1 -W1 198.18.0.11; then ok "ping of the container from the bridge side"
	else not_ok "ping of the container from the bridge side" "$(ip netns exec "$NETNS" ping -c1 -W2 198.18.0.11 2>&1)"; fi
	# While it runs: no -a never picks the address in use; an explicit one in use,
	# the same machine name, or the same root are refused.
	BASELINE=$(leftovers)
	mkcopy net2
	incont "$COPY" 'ip -4 -o addr show dev eth0; true'
	if printf '%s\n' "$OUT" | grep -Eq 'inet 198\.18\.0\.11/'; then
		not_ok "no -a: a free address is chosen (not one in use)" "$OUT"
	else
		like "no -a: a free address is chosen (not one in use)" 'inet 198\.18\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])/24 ' "$OUT$ERR"
	fi
	refused "address in use" "address 198.18.0.11 is in use by container bb" cn -q -p "$COPY" -b br0 -a 198.18.0.11/24 --init /bin/sh -- -c true
	refused "machine name in use" "a container named bb is already running" cn -q -p "$COPY" -M bb -b br0 -a 198.18.0.13/24 --init /bin/sh -- -c true
	refused "root in use" "Directory tree $TEMPLATE is currently busy" cn -q -p "$TEMPLATE" -M net3 -b br0 -a 198.18.0.14/24 --init /bin/sh -- -c true
	BASELINE=""
	check "first container still attached" veth_exists ve-bb
else
	not_ok "host veth ve-bb appears while running" "$(cat "$_work/bg.err")"
fi
stop_container "$TEMPLATE" t30bg
is "background container exits 0" 0 "$RC"
check "ve-bb gone after exit" wait_for 5 veth_gone ve-bb
assert_clean "background"

L=$(rule_line "permit cntest root $MACHINES/* ")
refused "gateway not allowed" "cntest may not use gateway 198.18.0.2: rule at line $L allows only 198.18.0.1" \
	cn -q -p "$TEMPLATE" -b br0 -a 198.18.0.10/24 -r 198.18.0.2 --init /bin/sh -- -c true
refused "bridge not in the policy" "cntest may not use bridge br9: rule at line $L allows only br0" \
	cn -q -p "$TEMPLATE" -b br9 --init /bin/sh -- -c true

# Bridges the policy allows but the host does not have as bridges: the helper's
# own check, after the policy said yes.
save_policy
echo "permit cntest root $MACHINES/* bridge br9 bridge lo address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh privileged" >> "$POLICY"
refused "bridge that does not exist" "bridge br9: No such device" \
	cn -q -p "$TEMPLATE" -b br9 --init /bin/sh -- -c true
refused "interface that is not a bridge" "lo is not a bridge" \
	cn -q -p "$TEMPLATE" -b lo --init /bin/sh -- -c true
restore_policy
done_testing
