#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Security review refusals: names that would collide with the state directory's
# other files, and the terminal's signals, which reach the helper (all-root)
# without a permission check when a user runs it straight from a shell.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

go='--init /bin/sh -- -c true'
BADNAME='invalid machine name (1-64 of A-Z a-z 0-9 _ . -, starting alphanumeric, not ending in .sock)'

# --- NAME.sock is container NAME's control socket ------------------------------
# A machine "x.sock" would have its state entry taken for a stray socket (and
# unlinked by the next start: max, address and userns-range checks bypassed), or
# replace the control socket of another user's container "x".
# The frontend applies the helper's own rule (ipc/names.c), with the helper's words.
# shellcheck disable=SC2086
refused "machine name ending in .sock" "$BADNAME" cn -q -p "$TEMPLATE" -b br0 -M t62.sock $go
# Refused before the root is even looked at, so by the frontend itself, not the helper.
# shellcheck disable=SC2086
refused "frontend refuses -M x.sock itself" "$BADNAME" \
	cn -q -p "$MACHINES/t62-no-such-root" -b br0 -M t62.sock $go
mkcopy t62.sock
# shellcheck disable=SC2086
refused "root whose base name ends in .sock" "$BADNAME" cn -q -p "$COPY" -b br0 $go
refused "attach to a name ending in .sock" "invalid machine name 't62.sock'" \
	cn attach t62.sock
incont "$TEMPLATE" 'echo fine' -M t62.socket
is "a name merely containing .sock still starts" "fine" "$OUT"
assert_clean "t62.socket"

# --- name lookups fail closed ---------------------------------------------------
# A group whose /etc/group line does not fit getgrgid_r's first buffer used to be
# left out of the caller's group names, so a `deny :GROUP` after a permit did not
# apply. (An NSS error, e.g. under the caller's RLIMIT_NOFILE, did the same.)
save_policy
groupdel t62big 2> /dev/null || true
groupadd t62big
on_exit 'groupdel t62big 2> /dev/null || true'
members=cntest
i=0
while [ $i -lt 600 ]; do members="$members,t62member$i"; i=$((i + 1)); done
sed -i "s/^t62big:\([^:]*\):\([0-9]*\):\$/t62big:\1:\2:$members/" /etc/group
check "t62big's line is longer than 4096 bytes" test "$(grep '^t62big:' /etc/group | wc -c)" -gt 4096
mkcopy t62deny
echo "deny :t62big root $MACHINES/t62deny" >> "$POLICY"
# shellcheck disable=SC2086
refused "deny :group with a big group line" \
	"cntest is denied by rule at line $(rule_line "deny :t62big ")" cn -q -p "$COPY" -b br0 $go
restore_policy

# --- the caller's rlimits: RLIMIT_FSIZE 0 used to kill the helper (SIGXFSZ) while it
# wrote the state entry, leaving a root-owned .NAME.tmp in the state dir per try.
# With CAP_SYS_RESOURCE the helper lifts the limit and the container starts; without
# it (some CI containers) the start is refused. Which one is known beforehand: the
# setuid helper gets no capability outside this bounding set (bit 24). Either way
# nothing is left behind. (The frontend's output goes through a pipe: the limit
# would stop it writing a file.)
capbnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
if [ $((0x$capbnd >> 24 & 1)) = 1 ]; then
	want_fsize="started"
else
	want_fsize="cnspawn: reserving the container: File too large"
fi
run as_user cntest sh -c "(ulimit -f 0; exec $CNSPAWN -q -p $TEMPLATE -b br0 -M t62fsize --init /bin/sh -- -c 'echo started' 2>&1) | cat"
is "RLIMIT_FSIZE 0: CapBnd $capbnd decides the one outcome" "$want_fsize" "$OUT"
assert_clean "RLIMIT_FSIZE 0"

# --- a delegated (userns) cgroup cannot grow deeper than the monitor removes ----
# Container root owns its cgroup; a tree deeper than cgroup.c's removal walks
# (64) used to stay behind, the monitor retrying rmdir for minutes first.
if [ -d "$USERNS_ROOTS" ] && [ -n "$(cgroups_left; ls -d /sys/fs/cgroup/unified /sys/fs/cgroup/cgroup.controllers 2> /dev/null)" ]; then
	ucopy t62deep
	UC=$UCOPY
	CN_TIMEOUT=60 incont "$UC" 'd=/sys/fs/cgroup; i=0; while [ $i -lt 80 ] && mkdir $d/c 2> /dev/null; do d=$d/c; i=$((i + 1)); done; echo depth=$i'
	diag "nested cgroups made inside: $OUT"
	is "deep cgroup tree: container exits 0" 0 "$RC"
	assert_clean "deep cgroup tree"
else
	skip "deep cgroup tree" "no userns roots or no cgroup v2 hierarchy"
fi
# Privileged container root has no depth limit at all (it is host root): a
# tree of 200 levels, and a wide one, are still removed when the container
# ends (the removal used to give up at 64 levels and leave them).
if [ -n "$(ls -d /sys/fs/cgroup/unified /sys/fs/cgroup/cgroup.controllers 2> /dev/null)" ]; then
	CN_TIMEOUT=90 incont "$TEMPLATE" 'd=/sys/fs/cgroup; i=0; while [ $i -lt 200 ] && mkdir $d/c 2> /dev/null; do d=$d/c; i=$((i + 1)); done
		j=0; while [ $j -lt 50 ] && mkdir /sys/fs/cgroup/w$j 2> /dev/null; do j=$((j + 1)); done; echo depth=$i width=$j' -M t62deep2
	is "privileged deep and wide cgroup tree: made inside" "depth=200 width=50" "$OUT"
	assert_clean "privileged deep cgroup tree"
else
	skip "privileged deep cgroup tree" "no cgroup v2 hierarchy"
fi

# --- two names, one host veth ---------------------------------------------------
# A name longer than 12 gets veth "ve-" + 6 characters + "-" + a 20-bit hash, which
# a 12-character name can spell out: refused at reservation, with the reason.
long=t62longmachinename
short=$(python3 -c 'import sys
h = 2166136261
for c in sys.argv[1].encode():
    h = ((h ^ c) * 16777619) & 0xffffffff
print("%.6s-%05x" % (sys.argv[1], h & 0xfffff))' "$long")
bg_container "$TEMPLATE" t62veth -M "$long"
if wait_for 10 veth_exists "ve-$short"; then
	mkcopy t62veth2
	BASELINE=$(leftovers)
	# shellcheck disable=SC2086
	refused "machine $short whose veth $long's uses" \
	"host interface ve-$short is in use by container $long: choose another name" cn -q -p "$COPY" -b br0 -M "$short" $go
	BASELINE=
else
	not_ok "machine $short whose veth $long's uses" "ve-$short not found: $(cat "$_work/bg.err")"
fi
stop_container "$TEMPLATE" t62veth
assert_clean "two names, one veth"

# --- control characters in the root path ---------------------------------------
# The root is written into the state entry, one key=value a line: a newline in a
# directory name (under a "PATH/*" rule the user can create in) forged entry lines
# (uid=, rule=, userns_count=: the max and range-overlap checks read them).
nlroot=$MACHINES/"t62nl
uid=0"
rm -rf "$nlroot"; cp -a "$TEMPLATE" "$nlroot"; remove_on_exit "$nlroot"
# shellcheck disable=SC2086
refused "root with a newline" "invalid root directory (a path without control characters)" cn -q -p "$nlroot" -b br0 -M t62nl $go
escroot=$MACHINES/"t62esc$(printf '\033')]0;owned"
rm -rf "$escroot"; cp -a "$TEMPLATE" "$escroot"; remove_on_exit "$escroot"
# shellcheck disable=SC2086
refused "root with an escape character" "invalid root directory (a path without control characters)" cn -q -p "$escroot" -b br0 -M t62esc $go

# --- terminal signals neither stop nor end the monitor --------------------------
# Ctrl-Z, Ctrl-C, Ctrl-\ and a hang-up come from the kernel to the terminal's
# foreground process group; root sends the same signals here.
bg_container "$TEMPLATE" t62tty
if wait_for 10 veth_exists ve-bb && ip=$(init_pid t62tty); then
	mon=$(awk '/^PPid:/ { print $2 }' "/proc/$ip/status")
	for sig in TSTP TTIN TTOU INT QUIT HUP; do kill -"$sig" "$mon"; done
	sleep 0.3
	st=$(sed 's/.*) \(.\).*/\1/' "/proc/$mon/stat" 2> /dev/null || echo gone)
	case $st in
	T | t | gone) not_ok "monitor ignores terminal signals" "monitor state: $st" ;;
	*) ok "monitor ignores terminal signals" ;;
	esac
	kill -CONT "$mon" 2> /dev/null || true
	check "init still runs" kill -0 "$ip"
	stop_container "$TEMPLATE" t62tty
	is "container exits normally afterwards" 0 "$RC"
else
	not_ok "monitor ignores terminal signals" "container did not start: $(cat "$_work/bg.err")"
	bg_wait
fi
assert_clean "terminal signals"
done_testing
