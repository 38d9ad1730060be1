#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Install what building and testing cnspawn needs on Debian 12, if missing.
set -eu
PKGS="build-essential pkg-config clang libcap-ng-dev libbsd-dev libmnl-dev libcmocka-dev
      busybox-static iproute2 iputils-ping tmux socat util-linux procps clang-format
      libclang-rt-14-dev debhelper dpkg-dev fakeroot python3 debootstrap acl libseccomp-dev"
missing=""
# tests/packaging.sh (make deb) runs lintian on the package it builds.
PKGS="$PKGS lintian"
PKGS="$PKGS strace"
PKGS="$PKGS dnsmasq-base"
# tests/integration/74-ansible.sh drives containers with contrib/ansible's plugin.
PKGS="$PKGS ansible-core"
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
