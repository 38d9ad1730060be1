#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 15: host directories (--bind, --bind-ro, policy bind/bind-ro, bind ~),
# ephemeral roots (-x, ephemeral, ephemeral-only), DNS (dns, search,
# --resolv-conf=off) and --hostname, each used and attacked as cntest through
# the setuid helper, under both rule kinds. After every case nothing may be
# left: no mount, overlay or tmpfs in the host's mount namespace, no state.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
[ -d "$USERNS_ROOTS" ] || { echo "1..0 # SKIP no $USERNS_ROOTS (run run.sh)"; exit 77; }
NET="bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /sbin/init init /bin/sh"
CT=$(id -u cntest) CTG=$(id -g cntest)
H=/home/cntest
SHARE=$H/cnspawn-share RO=$CHECK_PREFIX/ro-data PRIV=/home/cnother/cnspawn-private
rm -rf "$SHARE" "$RO" "$PRIV"
install -d -o cntest -g cntest -m 0755 "$SHARE"
install -d -o root -g root -m 0755 "$RO"
install -d -o cnother -g cnother -m 0700 "$PRIV"
echo ro-content > "$RO/file"
echo root-owned > "$SHARE/by-root"
remove_on_exit "$SHARE"
remove_on_exit "$RO"
remove_on_exit "$PRIV"
ucopy b1
U=$UCOPY
mkcopy p1
P=$COPY
# A root only the last rule (no ephemeral) allows: outside $MACHINES/*.
PLAIN=$CHECK_PREFIX/plain
NOEPH=$PLAIN/noeph
rm -rf "$PLAIN"
install -d -o root -g root -m 0755 "$PLAIN"
cp -a "$TEMPLATE" "$NOEPH"
remove_on_exit "$PLAIN"
echo "nameserver 192.0.2.53" > "$U/etc/resolv.conf"
cp "$U/etc/resolv.conf" "$P/etc/resolv.conf"

save_policy
put_policy <<POLICY
permit cntest root $USERNS_ROOTS/* $NET userns 200000 65536 bind $SHARE bind ~ bind-ro $RO bind-ro /home/cnother ephemeral dns 198.18.0.1 dns 198.18.0.2 search example.test
permit cntest root $MACHINES/* $NET privileged bind $SHARE bind-ro $RO ephemeral
permit cntest root $NOEPH $NET privileged bind $SHARE
POLICY
L1=1 L2=2 L3=3
# host_mounts: the host's mount table lines that a container could have left.
host_mounts() { awk '$5 ~ /^\/(opt|home|etc)/ || $0 ~ / - (overlay|tmpfs) none / { print $5 }' /proc/self/mountinfo | sort; }
MOUNTS0=$(host_mounts)
no_host_mount() { is "$1: no mount left on the host" "$MOUNTS0" "$(host_mounts)"; }

# --- a read-write bind under userns: the caller's files are root's inside ------
incont "$U" 'stat -c "own %u:%g" /mnt/s; stat -c "other %u" /mnt/s/by-root; echo new > /mnt/s/made;
	mkdir /mnt/s/dir; cp /bin/busybox /mnt/s/suid; chmod 4755 /mnt/s/suid;
	grep " /mnt/s " /proc/self/mounts; echo done' --bind="$SHARE:/mnt/s"
is "userns bind: the container starts" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
like "the caller's directory is container root's inside" '^own 0:0$' "$OUT"
like "another host id is unmapped inside (nobody)" '^other 65534$' "$OUT"
is "a file container root made is the caller's on the host" "$CT:$CTG" "$(stat -c %u:%g "$SHARE/made" 2>&1)"
is "a directory container root made is the caller's on the host" "$CT:$CTG" "$(stat -c %u:%g "$SHARE/dir" 2>&1)"
is "a setuid file made in the bind is the caller's, never root's" "$CT" "$(stat -c %u "$SHARE/suid" 2>&1)"
like "the bind is nosuid and nodev" ' /mnt/s [^ ]+ [^ ]*nosuid,nodev' "$OUT"
assert_clean "userns bind"
no_host_mount "userns bind"

rm -f "$SHARE/suid"

# --- bind ~ and a read-only bind -------------------------------------------
incont "$U" 'ls /home/cntest >/dev/null && echo home-ok; cat /data/file; echo x > /data/new 2>&1; mkdir /data/d 2>&1;
	touch /home/cntest/cnspawn-share/from-home && echo home-rw' --bind="$H" --bind-ro="$RO:/data"
like "bind ~ (the caller's home) is usable" '^home-ok$' "$OUT"
like "bind ~ is read-write" '^home-rw$' "$OUT"
like "a read-only bind is readable" '^ro-content$' "$OUT"
like "a read-only bind refuses writes" 'Read-only file system' "$OUT"
check "nothing was written through the read-only bind" test ! -e "$RO/new" -a ! -e "$RO/d"
assert_clean "bind-ro"

# privileged: a plain bind, still nosuid,nodev; files made are root's (as in nspawn)
incont "$P" 'grep " /mnt " /proc/self/mounts; echo p > /mnt/priv-made; true' --bind="$SHARE:/mnt"
like "privileged bind: nosuid and nodev" ' /mnt [^ ]+ [^ ]*nosuid,nodev' "$OUT"
is "privileged bind: a file made inside is host root's (plain bind)" "0" "$(stat -c %u "$SHARE/priv-made" 2>&1)"
rm -f "$SHARE/priv-made"
assert_clean "privileged bind"

# --- refusals: the policy first, then the caller's view of the path ----------
ALLOWS="allows binds only below $SHARE, ~ ($H); read-only binds below $RO, /home/cnother"
refused "a SRC outside every prefix (it exists)" \
	"cntest may not bind /etc: rule at line $L1 $ALLOWS" cn -q -p "$U" -b br0 --init /bin/sh --bind=/etc:/mnt
refused "a SRC outside every prefix (it does not exist): the same words" \
	"cntest may not bind /no/such/dir: rule at line $L1 $ALLOWS" cn -q -p "$U" -b br0 --init /bin/sh --bind=/no/such/dir:/mnt
refused "a read-only prefix refuses a read-write bind" \
	"cntest may not bind $RO: rule at line $L1 allows it only read-only (--bind-ro)" cn -q -p "$U" -b br0 --init /bin/sh --bind="$RO:/mnt"
refused "a path that only looks like a prefix (~)" \
	"cntest may not bind ${H}x: rule at line $L1 $ALLOWS" cn -q -p "$U" -b br0 --init /bin/sh --bind="${H}x:/mnt"
as_user cntest ln -sfn /etc "$SHARE/link"
refused "a SRC below a prefix reached through a symlink" \
	"cannot bind $SHARE/link: a component is a symlink; name the real directory" \
	cn -q -p "$U" -b br0 --init /bin/sh --bind="$SHARE/link:/mnt"
refused "a SRC through a symlinked component" \
	"cannot bind $SHARE/link/ssl: a component is a symlink; name the real directory" \
	cn -q -p "$U" -b br0 --init /bin/sh --bind-ro="$SHARE/link/ssl:/mnt"
refused "another user's 0700 directory, although the helper is root" \
	"cannot bind $PRIV: Permission denied" cn -q -p "$U" -b br0 --init /bin/sh --bind-ro="$PRIV:/mnt"
refused "a '..' escape is refused before anything" \
	"invalid --bind source '$SHARE/../../../etc': it contains a . or .. component (an absolute path without //, . or .. components)" \
	cn -q -p "$U" -b br0 --init /bin/sh --bind="$SHARE/../../../etc:/mnt"
for d in /proc /dev /sys /proc/sys; do
	refused "DST over $d" "invalid --bind destination '$d': it would cover the container's /dev, /proc or /sys" \
		cn -q -p "$U" -b br0 --init /bin/sh --bind="$SHARE:$d"
done
refused "DST over / itself" "invalid --bind destination '/': it would cover the container's / itself" \
	cn -q -p "$U" -b br0 --init /bin/sh --bind="$SHARE:/"
# DST whose parent inside the root is a symlink to the host's /etc
ln -sfn /etc "$P/hostetc"
ETC0=$(ls -la --time-style=+%s /etc | sha256sum)
refused "a DST through a symlinked parent in the root" \
	"cannot bind onto /hostetc/cnspawn-x: a component of it in the container root is a symlink; refusing" \
	cn -q -p "$P" -b br0 --init /bin/sh --bind="$SHARE:/hostetc/cnspawn-x"
check "the host's /etc got no cnspawn-x" test ! -e /etc/cnspawn-x
is "the host's /etc is unchanged" "$ETC0" "$(ls -la --time-style=+%s /etc | sha256sum)"
no_host_mount "refusals"

# --- a symlink swapped on SRC while binds start: never a host path outside -----
RACE=$SHARE/race
mkdir -p "$RACE.dir" && echo inside-prefix > "$RACE.dir/marker" && chown -R cntest:cntest "$RACE.dir"
# The racer (as cntest, who owns the prefix) makes race a real directory, then
# nothing, then a symlink to /etc, over and over.
as_user cntest sh -c "cd $SHARE; end=\$((\$(date +%s) + 6)); while [ \$(date +%s) -lt \$end ]; do
	mv -T race.dir race; mv -T race race.dir; ln -s /etc race; rm -f race; done" > /dev/null 2>&1 &
racer=$!
_pids="$_pids $racer"
seen_etc=0 runs=0
end=$(($(date +%s) + 5))
while [ "$(date +%s)" -lt "$end" ]; do
	incont "$U" 'ls /mnt/r; true' --bind-ro="$RACE:/mnt/r"
	runs=$((runs + 1))
	case $OUT in *passwd*|*shadow*) seen_etc=1 ;; esac
done
wait "$racer" 2> /dev/null || true
is "symlink swap race ($runs starts): the host's /etc never appeared" 0 "$seen_etc"
assert_clean "race"
no_host_mount "race"

# --- ephemeral ---------------------------------------------------------------
sums() { (cd "$1" && find . -xdev \( -type f -o -type l -o -type d \) -printf '%p %m %u:%g %s %l\n' | sort; find . -xdev -type f -exec sha256sum {} + | sort) | sha256sum; }
SUM0=$(sums "$U")
bg_container "$U" eph-a -x
A_PID=$BG_PID A_OUT=$_work/bg.out
sleep 0.5
incont "$U" 'echo one > /made-in-one; rm /bin/ls; echo a > /etc/passwd; ls /made-in-one; true' -x
like "ephemeral: writes inside work" '^/made-in-one$' "$OUT"
is "ephemeral: a second container of the same root runs while the first does" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
incont "$U" 'ls /made-in-one 2>&1; ls /bin/ls; true' -x
like "ephemeral: a file one made is invisible to another" 'No such file' "$OUT"
like "ephemeral: what one removed is still in another" '^/bin/ls$' "$OUT"
names=$(as_user cntest "$CNSPAWN" list | grep -c '^b1-' || true)
is "ephemeral: the running one got a generated name" 1 "$names"
refused_base=$(leftovers)
BASELINE=$refused_base refused "a non-ephemeral start while an ephemeral one runs: busy" \
	"Directory tree $U is currently busy" cn -q -p "$U" -b br0 --init /bin/sh -- -c true
stop_container "$U" eph-a
is "ephemeral: the root on disk is unchanged (checksums of every file)" "$SUM0" "$(sums "$U")"
check "ephemeral: no file of the containers on disk" test ! -e "$U/made-in-one"
assert_clean "ephemeral userns"
no_host_mount "ephemeral userns"
SUMP=$(sums "$P")
incont "$P" 'echo x > /etc/hostname-x; mkdir /newdir; id -u; true' -x
is "ephemeral under a privileged rule" 0 "$RC"
is "ephemeral privileged: the root on disk is unchanged" "$SUMP" "$(sums "$P")"
assert_clean "ephemeral privileged"
refused "--ephemeral on a rule without it" \
	"cntest may not use --ephemeral: rule at line $L3 does not allow it" cn -q -p "$NOEPH" -b br0 --init /bin/sh -x
no_host_mount "ephemeral"

# --- DNS and the hostname -------------------------------------------------------
ROOTRESOLV=$(sha256sum < "$U/etc/resolv.conf")
incont "$U" 'cat /etc/resolv.conf; { echo x >> /etc/resolv.conf; } 2>&1; grep " /etc/resolv.conf " /proc/self/mounts; hostname; true' --hostname=web-7
like "resolv.conf inside holds the rule's first server" '^nameserver 198.18.0.1$' "$OUT"
like "resolv.conf inside holds the rule's second server" '^nameserver 198.18.0.2$' "$OUT"
like "resolv.conf inside holds the rule's search domain" '^search example.test$' "$OUT"
unlike "the root's own server is hidden" '192.0.2.53' "$OUT"
like "resolv.conf inside is read-only" 'Read-only file system' "$OUT"
like "--hostname sets the host name" '^web-7$' "$OUT"
is "the root's own resolv.conf is untouched" "$ROOTRESOLV" "$(sha256sum < "$U/etc/resolv.conf")"
incont "$U" 'cat /etc/resolv.conf; hostname; true' --resolv-conf=off
like "--resolv-conf=off: the root's own file" '^nameserver 192.0.2.53$' "$OUT"
unlike "--resolv-conf=off: not the rule's" '198.18.0.1' "$OUT"
like "without --hostname the host name is the machine name" '^b1$' "$OUT"
incont "$P" 'cat /etc/resolv.conf; true'
like "a rule without dns leaves the root's file alone" '^nameserver 192.0.2.53$' "$OUT"
refused "--hostname with a bad name" \
	"invalid --hostname: machine name (1-64 of A-Z a-z 0-9 _ . -, starting alphanumeric, not ending in .sock)" \
	cn -q -p "$U" -b br0 --hostname=-bad
assert_clean "dns"
no_host_mount "all"
done_testing
