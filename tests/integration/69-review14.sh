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

done_testing
