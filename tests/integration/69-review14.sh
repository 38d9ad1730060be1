#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Review of issue 14 (ceilings and the syscall filter): attacks by a non-root
# caller and by container processes, each expected to fail. Every case is
# bounded in time and cleaned up.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

mkcopy rva
RA=$COPY
mkcopy rvb
RB=$COPY
UR=""
if [ -d "$USERNS_ROOTS" ]; then
	ucopy rvu
	UR=$UCOPY
fi
save_policy

# --- max: a container started under an earlier rule, by asking for a ceiling only
# that rule allows, counts toward that rule's max. The state entry did not record
# the ceilings asked, so reserve.c decided it again as asking none: the later rule
# took it, and the earlier rule's max 1 let any number of 96M containers start. ---
put_policy <<-P
permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 1 init /bin/sh privileged memory 96M
permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 1 init /bin/sh privileged memory 48M
P
BIG_LINE=$(rule_line "permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 1 init /bin/sh privileged memory 96M")
run cn -d -q -M rvmax1 -p "$RA" -b br0 --memory=96M --init /bin/sh -- -c 'sleep 60'
is "max: the first 96M container starts (rule at line $BIG_LINE)" 0 "$RC"
BASELINE=$(leftovers)
refused "max: a second 96M container is over that rule's max 1" \
	"cntest may run at most 1 container(s) under rule at line $BIG_LINE and already runs 1" \
	cn -d -q -M rvmax2 -p "$RB" -b br0 --memory=96M --init /bin/sh -- -c 'sleep 60'
BASELINE=""
for n in rvmax1 rvmax2; do cn stop --kill "$n" > /dev/null 2>&1 || true; done
assert_clean "max with ceilings"
restore_policy

# --- cgroups container root made, then locked against the monitor ----------------
# The monitor removes the container's cgroups as uid 0 with CAP_DAC_OVERRIDE
# raised only for a delegated (userns) cgroup. Container root can make
# sub-cgroups and chmod them: a 0000 directory (privileged root, whose are
# uid 0's) or a sticky one (userns root: deleting in a sticky directory that
# neither it nor the entry is the monitor's needs CAP_FOWNER) made the removal
# fail, and the directories outlived the container with no state entry left
# to have them swept: one per start, for ever.
incont "$RA" 'mkdir -p /sys/fs/cgroup/lock/inner && chmod 0 /sys/fs/cgroup/lock && echo locked; true'
is "privileged: a locked sub-cgroup: container runs" 0 "$RC"
like "privileged: it could lock it" '^locked$' "$OUT"
assert_clean "privileged: a sub-cgroup of mode 0000"
if [ "$(stat -fc %T /sys/fs/cgroup/pids 2> /dev/null)" = cgroupfs ]; then
	incont "$RA" 'mkdir -p /tmp/p && mount -t cgroup -o pids none /tmp/p &&
		mkdir -p /tmp/p/lock/inner && chmod 0 /tmp/p/lock && echo locked; true'
	is "privileged: a locked v1 pids sub-cgroup: container runs" 0 "$RC"
	like "privileged: it could lock it" '^locked$' "$OUT"
	assert_clean "privileged: a v1 pids sub-cgroup of mode 0000"
else
	skip "privileged: a locked v1 sub-cgroup" "no v1 pids hierarchy here"
fi
if [ -n "$UR" ]; then
	incont "$UR" 'mkdir -p /sys/fs/cgroup/st/inner && chmod 1777 /sys/fs/cgroup/st && echo sticky; true'
	is "userns: a sticky sub-cgroup: container runs" 0 "$RC"
	like "userns: it could make it sticky" '^sticky$' "$OUT"
	assert_clean "userns: a sticky sub-cgroup"
	incont "$UR" 'mkdir -p /sys/fs/cgroup/l0/inner && chmod 0 /sys/fs/cgroup/l0 && echo locked; true'
	like "userns: it could lock one" '^locked$' "$OUT"
	assert_clean "userns: a sub-cgroup of mode 0000"
else
	skip "userns: locked sub-cgroups" "no $USERNS_ROOTS"
fi

done_testing
