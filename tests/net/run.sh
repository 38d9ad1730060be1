#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Real-kernel test of helper/net.c, as root, in a private network namespace
# (cnspawn-nettest, bridge brt 198.18.5.1/24) that this script creates and
# always deletes again. Never touches the machine's own interfaces.
set -eu
cd "$(dirname "$0")/../.."
NS=cnspawn-nettest
OUT=${BUILDDIR:-build}/net-selftest
mkdir -p "$OUT"
cc -std=gnu17 -O2 -Wall -Wextra -Werror -Icommon -Iipc -Ihelper $(pkg-config --cflags libbsd-overlay) \
    tests/net/net-selftest.c helper/net.c common/util.c -lmnl -lbsd -o "$OUT/net-selftest"
if ip netns list | grep -qw "$NS"; then
	echo "netns $NS already exists; refusing to reuse it" >&2
	exit 1
fi
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT INT TERM
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add brt type bridge
ip -n "$NS" addr add 198.18.5.1/24 dev brt
ip -n "$NS" link set brt up
ip netns exec "$NS" "$OUT/net-selftest"
echo "# links left in $NS:"
ip -n "$NS" -o link | sed 's/^/#   /'
! ip -n "$NS" link show ve-test >/dev/null 2>&1
