#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mkdebian.sh [DIR [PACKAGES [VARIANT]]]: make sure DIR (default
# /var/cache/cnspawn-test/bookworm) holds a stock Debian 12 root made by
#   debootstrap [--variant=VARIANT] --include=PACKAGES bookworm DIR MIRROR
# and nothing else; PACKAGES defaults to systemd-sysv,iproute2,iputils-ping
# (90-systemd.sh), VARIANT to debootstrap's own (74-ansible.sh asks for
# "python3" on "minbase"). Built once (the first run downloads from the mirror
# this machine's apt is configured with, or $DEBIAN_MIRROR), then reused: a root
# is complete only when DIR/.cnspawn-complete exists, so an interrupted
# debootstrap is thrown away and redone. The stamp holds the request it was
# built for (empty: the defaults, as older runs wrote it); a DIR built for
# another request is rebuilt. Tests never boot DIR itself: they copy it
# (cp -a --reflink=auto) and change only the copy.
# Exit 0: DIR is ready; 77: cannot be built here (no debootstrap, no mirror).
set -eu

die() { echo "mkdebian: $*" >&2; exit "${2:-1}"; }

[ "$(id -u)" = 0 ] || die "must run as root"
dir=${1:-/var/cache/cnspawn-test/bookworm}
pkgs=${2:-systemd-sysv,iproute2,iputils-ping}
variant=${3:-}
case $dir in /*) ;; *) die "DIR must be absolute: $dir" ;; esac
case $pkgs in *[!a-z0-9.+,-]*) die "PACKAGES must be a comma-separated list: $pkgs" ;; esac
case $variant in *[!a-z]*) die "bad VARIANT: $variant" ;; esac
stamp=$dir/.cnspawn-complete
want="include=$pkgs variant=${variant:-default}"

# The first URIs/deb line of apt's configuration for the main archive.
mirror() {
	[ -n "${DEBIAN_MIRROR:-}" ] && { echo "$DEBIAN_MIRROR"; return; }
	m=$(cat /etc/apt/sources.list.d/*.sources 2> /dev/null |
		awk '$1 == "URIs:" && $2 !~ /security/ { print $2; exit }')
	[ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
		awk '$0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }')
	echo "${m:-http://deb.debian.org/debian}"
}

# One builder at a time; later callers wait and then find the stamp.
mkdir -p "$(dirname "$dir")"
exec 8> "$(dirname "$dir")/.$(basename "$dir").lock"
flock -w 1800 8 || die "timed out waiting for another mkdebian"
# built_for: the request the stamp records (the defaults for an empty one).
built_for() {
	b=$(cat "$stamp")
	echo "${b:-include=systemd-sysv,iproute2,iputils-ping variant=default}"
}
if [ -e "$stamp" ]; then
	[ "$(built_for)" = "$want" ] && exit 0
	echo "mkdebian: $dir was built for '$(built_for)', not '$want': rebuilding"
fi

command -v debootstrap > /dev/null 2>&1 || die "debootstrap not installed (tests/install-deps.sh)" 77
m=$(mirror)
tmp=$dir.new
rm -rf "$tmp"
echo "mkdebian: debootstrap ($want) bookworm from $m into $dir (once; later runs reuse it)"
if ! debootstrap ${variant:+--variant=$variant} --include="$pkgs" \
	bookworm "$tmp" "$m" > "$tmp.log" 2>&1; then
	tail -n 20 "$tmp.log" >&2
	rm -rf "$tmp"
	die "debootstrap failed (log above)" 77
fi
rm -f "$tmp.log"
# Root-owned, as the helper requires of a container root.
chown root:root "$tmp"
chmod 0755 "$tmp"
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$want" > "$stamp"
echo "mkdebian: $dir ready"
