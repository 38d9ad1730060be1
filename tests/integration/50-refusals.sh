#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Requests the policy or the checks refuse: each starts nothing, exits 125 and
# prints one line "cnspawn: <reason>"; nothing is left behind.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

go='--init /bin/sh -- -c true'
# A permitted request first, so that a refusal below is not just "nothing works".
incont "$TEMPLATE" 'echo permitted'
is "the permitted request runs" "permitted" "$OUT"
# The rule that decides for cntest: the privileged one of run.sh's policy.
L=$(rule_line "permit cntest root $MACHINES/* ")

# shellcheck disable=SC2086
refused "user not in the policy" "no rule permits cnother" \
	as_user cnother "$CNSPAWN" -q -p "$TEMPLATE" -b br0 $go

install -d -o root -g root -m 0755 "$HOSTTMP"
out=$HOSTTMP/t50-root
rm -rf "$out"; remove_on_exit "$out"
cp -a "$TEMPLATE" "$out"
# shellcheck disable=SC2086
refused "root outside the policy" \
	"cntest may not use root $out: rule at line $L allows only $MACHINES/*" cn -q -p "$out" -b br0 $go

ip -n "$NETNS" link del br1 2> /dev/null || true
ip -n "$NETNS" link add br1 type bridge
on_exit "ip -n '$NETNS' link del br1 2>/dev/null"
ip -n "$NETNS" link set br1 up
# shellcheck disable=SC2086
refused "bridge not allowed" "cntest may not use bridge br1: rule at line $L allows only br0" cn -q -p "$TEMPLATE" -b br1 $go
# shellcheck disable=SC2086
refused "address outside the range" \
	"cntest may not use address 198.19.0.5: rule at line $L allows only 198.18.0.0/24" cn -q -p "$TEMPLATE" -b br0 -a 198.19.0.5/24 $go
# shellcheck disable=SC2086
refused "network or broadcast address" \
	"cntest may not use address 198.18.0.255: rule at line $L never gives out the network, broadcast or gateway address of 198.18.0.0/24" \
	cn -q -p "$TEMPLATE" -b br0 -a 198.18.0.255/24 $go
refused "init not allowed" \
	"cntest may not use init /bin/ls: rule at line $L allows only /sbin/init, /bin/sh" cn -q -p "$TEMPLATE" -b br0 --init /bin/ls

mkcopy t50noinit
rm -f "$COPY/sbin/init"
refused "missing init in the root" "init /sbin/init not found in directory tree $COPY" \
	cn -q -p "$COPY" -b br0
mkcopy t50noexec
rm -f "$COPY/sbin/init"
printf '#!/bin/sh\n' > "$COPY/sbin/init"
chmod 0644 "$COPY/sbin/init"
refused "init not executable" \
	"init /sbin/init in $COPY is not an executable file: Permission denied" cn -q -p "$COPY" -b br0

# shellcheck disable=SC2086
refused "root that does not exist" \
	"cannot use directory '$MACHINES/t50-nonexistent': No such file or directory" \
	cn -q -p "$MACHINES/t50-nonexistent" -b br0 $go
# A relative root is made absolute against the caller's working directory
# (cnspawn(1)), so the policy sees the real path: from $CHECK_PREFIX machines/bb
# is the template, from $HOSTTMP t50-root is outside the policy, from / there is
# no machines/bb.
in_dir() { (cd "$1" && shift && "$@"); }
run in_dir "$CHECK_PREFIX" cn -q -p machines/bb -b br0 --init /bin/sh -- -c 'echo relative'
is "relative root: resolved against the working directory, runs" "0 relative" "$RC $OUT"
assert_clean "relative root"
# shellcheck disable=SC2086
refused "relative root outside the policy" \
	"cntest may not use root $out: rule at line $L allows only $MACHINES/*" \
	in_dir "$HOSTTMP" cn -q -p t50-root -b br0 $go
# shellcheck disable=SC2086
refused "relative root that does not exist" \
	"cannot use directory 'machines/bb': No such file or directory" in_dir / cn -q -p machines/bb -b br0 $go

refused "unknown option" "unknown or ambiguous option --bogus (see cnspawn --help)" cn --bogus
refused "-p without a value" "option -p needs an argument" cn -p
refused "-b missing" "missing -b/--network-bridge BRIDGE" cn -q -p "$TEMPLATE" --init /bin/sh -- -c true
# Bridge names: the one rule the policy, the helper and the frontend share
# (common/util.c), so the frontend refuses what no policy could name.
# shellcheck disable=SC2086
refused "bridge name outside A-Z a-z 0-9 _ . -" "invalid bridge name 'br@0'" \
	cn -q -p "$TEMPLATE" -b 'br@0' $go
# shellcheck disable=SC2086
refused "bridge name of 16 bytes" "invalid bridge name 'b234567890123456'" \
	cn -q -p "$TEMPLATE" -b b234567890123456 $go
# shellcheck disable=SC2086
refused "malformed address" \
	"invalid address '198.18.0.x/24' (expected A.B.C.D or A.B.C.D/PREFIX)" cn -q -p "$TEMPLATE" -b br0 -a 198.18.0.x/24 $go

# A userns rule whose root other host users can reach (under $MACHINES, 0755): a
# clear refusal, never a silent privileged start (80-userns.sh tests userns
# containers). The rule is added for this case only and the policy restored.
mkcopy uns
save_policy
# The rule alone: next to run.sh's privileged rule for $MACHINES/* the policy itself
# would be refused (a shared tree; 63-escape.sh tests that).
echo "permit cntest root $COPY bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 init /bin/sh userns 100000 65536" > "$POLICY.tmp"
chmod 0644 "$POLICY.tmp" && mv -f "$POLICY.tmp" "$POLICY"
# shellcheck disable=SC2086
refused "userns rule" \
	"$COPY is reachable by other host users, but what a userns container creates there is owned by host uid 0 (setuid bits included): put it below a root-owned directory of mode 0700 (the root itself does not count), as /var/lib/machines is" \
	cn -q -p "$COPY" -b br0 $go
restore_policy

# A deny rule for one root, and `max 1`: the last matching rule decides.
mkcopy t50deny
mkcopy t50max2
{
	cat "$orig"
	echo "permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 1 init /bin/sh privileged"
	echo "deny cntest root $MACHINES/t50deny"
} >> "$POLICY"
# shellcheck disable=SC2086
refused "deny rule" "cntest is denied by rule at line $(rule_line "deny cntest root $MACHINES/t50deny")" cn -q -p "$MACHINES/t50deny" -b br0 $go
bg_container "$TEMPLATE" t50max
if wait_for 10 veth_exists ve-bb; then
	BASELINE=$(leftovers)
	# shellcheck disable=SC2086
	refused "more containers than max" \
	"cntest may run at most 1 container(s) under rule at line $(rule_line "permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 1 ") and already runs 1" \
	cn -q -p "$MACHINES/t50max2" -b br0 $go
	BASELINE=""
else
	not_ok "more containers than max: first container runs" "$(cat "$_work/bg.err")"
fi
stop_container "$TEMPLATE" t50max
is "max 1: the first container exits 0" 0 "$RC"
assert_clean "max"
restore_policy

# cnspawn --help and --version are not refusals.
run cn --help
is "--help exits 0" 0 "$RC"
like "--help shows usage on stdout" '^Usage: cnspawn \[start\] -p ROOT -b BRIDGE ' "$OUT"
is "--help: nothing on stderr" "" "$ERR"
run cn --version
is "--version exits 0" 0 "$RC"
# The GNU form (GNU coding standards, --version), the version from the Makefile.
ver=$(sed -n 's/^VERSION *= *//p' "$(dirname "$0")/../../Makefile")
is "--version prints name, version, copyright and licence" "cnspawn $ver
Copyright (C) 2026 the cnspawn authors
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law." "$OUT"
is "--version: nothing on stderr" "" "$ERR"
assert_clean "end"
done_testing
