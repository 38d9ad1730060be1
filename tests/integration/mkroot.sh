#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mkroot.sh DIR: build (or refresh) a tiny busybox-static OS root in DIR.
# Idempotent: running it again on the same DIR fixes it up, changes nothing else.
# Everything is owned by root with directories 0755 (tmp 1777), so the helper's
# ownership checks on the root pass and no test user can change it.
set -eu

die() { echo "mkroot: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: mkroot.sh DIR"
[ "$(id -u)" = 0 ] || die "must run as root"
dir=$1
case $dir in /*) ;; *) die "DIR must be absolute: $dir" ;; esac

# The container's binaries must not need any library from the host.
bb=
for c in /bin/busybox /usr/bin/busybox; do
	[ -x "$c" ] && { bb=$c; break; }
done
[ -n "$bb" ] || die "busybox not found (apt-get install busybox-static)"
if command -v file >/dev/null 2>&1 && ! file -L "$bb" | grep -q 'statically linked'; then
	die "$bb is not statically linked (apt-get install busybox-static)"
fi

umask 022
install -d -o root -g root -m 0755 "$dir"
for d in bin sbin etc dev proc sys root; do
	install -d -o root -g root -m 0755 "$dir/$d"
done
install -d -o root -g root -m 1777 "$dir/tmp"
install -o root -g root -m 0755 "$bb" "$dir/bin/busybox.new"
mv -f "$dir/bin/busybox.new" "$dir/bin/busybox"

# One symlink per applet, all in /bin (PATH inside is whatever init sets; /bin is in every default).
for a in $("$dir/bin/busybox" --list); do
	[ "$a" = busybox ] && continue
	ln -sfn busybox "$dir/bin/$a"
done
for a in init reboot poweroff halt; do
	ln -sfn ../bin/busybox "$dir/sbin/$a"
done

# busybox init: a root shell on the console, respawned.
# Deliberately no `umount -a -r` on shutdown: in a privileged container the root is
# a bind mount of a host filesystem, and remounting it read-only would make the
# host's filesystem read-only too. Unmounting inside the container's own mount
# namespace is harmless.
cat > "$dir/etc/inittab" <<'INITTAB'
::respawn:-/bin/sh
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/umount -a
INITTAB
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$dir/etc/passwd"
printf 'root:x:0:\n' > "$dir/etc/group"
cat > "$dir/etc/profile" <<'PROFILE'
export PATH=/bin:/sbin
PS1='[\u@\h \W]\$ '
PROFILE
chmod 0644 "$dir/etc/inittab" "$dir/etc/passwd" "$dir/etc/group" "$dir/etc/profile"
chown -R -h root:root "$dir"
