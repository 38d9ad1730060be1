#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Security review refusals: names that would collide with the state directory's
# other files.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

go='--init /bin/sh -- -c true'

# --- NAME.sock is container NAME's control socket ------------------------------
# A machine "x.sock" would have its state entry taken for a stray socket (and
# unlinked by the next start: max, address and userns-range checks bypassed), or
# replace the control socket of another user's container "x".
# shellcheck disable=SC2086
refused "machine name ending in .sock" 'machine name' cn -q -p "$TEMPLATE" -b br0 -M t62.sock $go
mkcopy t62.sock
# shellcheck disable=SC2086
refused "root whose base name ends in .sock" 'machine name' cn -q -p "$COPY" -b br0 $go
incont "$TEMPLATE" 'echo fine' -M t62.socket
is "a name merely containing .sock still starts" "fine" "$OUT"
assert_clean "t62.socket"

done_testing
