#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Integration test harness, run as root by `make integration` (CHECK_PREFIX set,
# programs installed under it with the helper setuid root).
# Sets up: users cntest and cnother, a busybox root template at
# $CHECK_PREFIX/machines/bb, a private netns "cnspawn-check" with bridge br0
# 198.18.0.1/24, and the policy; then runs every tests/integration/NN-*.sh as
# its own process, collects TAP, and checks after each script that nothing
# (veth, state entry, mount, helper process) was left behind.
# Last line: "integration: X passed, Y failed" (TAP test counts).
# Knobs: ONLY='30-*' runs matching scripts only; SCRIPT_TIMEOUT (300 s per script);
# CNSPAWN_ALLOW_MISSING=1 runs the harness without the programs installed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root" >&2; exit 1; }
: "${CHECK_PREFIX:=/opt/cnspawn-check}"
. "$here/lib.sh"
SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-300}

# One run at a time on this machine: two runs would delete each other's netns,
# policy and copies. Wait for a running one rather than failing. `make
# integration` already holds the lock around build, install and run.
mkdir -p /run/lock
exec 9> /run/lock/cnspawn-integration.lock
if [ "${CNSPAWN_LOCK_HELD:-0}" != 1 ] && ! flock -n 9; then
	echo "run.sh: another integration run holds /run/lock/cnspawn-integration.lock; waiting (up to 15 min)"
	flock -w 900 9 || { echo "run.sh: gave up waiting for the other run" >&2; exit 1; }
fi

say() { echo "run.sh: $*"; }

setup_users() {
	for u in cntest cnother; do
		id -u "$u" > /dev/null 2>&1 || useradd -m -s /bin/sh "$u"
		# setpriv --regid=USER needs a group of that name (Debian's useradd makes one).
		getent group "$u" > /dev/null || { echo "run.sh: no group $u" >&2; exit 1; }
	done
}

# Directories the helper checks (policy parents) or that hold roots: root-owned, 0755.
setup_dirs() {
	for d in "$CHECK_PREFIX" "$CHECK_PREFIX/etc" "$CHECK_PREFIX/etc/cnspawn" \
		"$MACHINES" "$HOSTTMP"; do
		install -d -o root -g root -m 0755 "$d"
		chown root:root "$d"
		chmod 0755 "$d"
	done
	# Roots of the userns rule (80-userns.sh): below a directory only root may
	# search, as the helper requires for userns roots (cnspawn.policy(5)).
	install -d -o root -g root -m 0700 "$USERNS_ROOTS"
	chmod 0700 "$USERNS_ROOTS"
}

setup_netns() {
	ip netns del "$NETNS" 2> /dev/null || true
	ip netns add "$NETNS"
	on_exit "ip netns del '$NETNS' 2>/dev/null || true"
	ip -n "$NETNS" link set lo up
	ip -n "$NETNS" link add br0 type bridge
	ip -n "$NETNS" addr add 198.18.0.1/24 dev br0
	ip -n "$NETNS" link set br0 up
}

write_policy() {
	tmp=$POLICY.new
	cat > "$tmp" <<-POLICY
	# cnspawn integration tests (written by tests/integration/run.sh; rewritten every run)
	# userns rule first: a refused request names the last rule for cntest that did
	# not fit, which the other scripts expect to be the privileged one.
	permit cntest root $USERNS_ROOTS/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /sbin/init init /bin/sh userns 200000 65536
	permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /sbin/init init /bin/sh privileged
	POLICY
	chown root:root "$tmp"
	chmod 0644 "$tmp"
	mv -f "$tmp" "$POLICY"
}

# After a script: report leftovers as one failure, then remove them so the next
# script starts clean. Every process killed here was started by a test (it runs
# the check prefix's helper), and only by pid.
sweep() {
	l=$(leftovers)
	[ -n "$l" ] || return 0
	echo "$l" | sed 's/^/#   /'
	for p in $(helper_pids); do kill -KILL "$p" 2> /dev/null || true; done
	for v in $(ip -n "$NETNS" -o link show type veth 2> /dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		ip -n "$NETNS" link del "$v" 2> /dev/null || true
	done
	[ -d "$STATE" ] && find "$STATE" -mindepth 1 -delete 2> /dev/null || true
	awk -v p="$MACHINES" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2> /dev/null || true; done
	for g in $(cgroups_left); do find "$g" -depth -type d -exec rmdir {} + 2> /dev/null || true; done
	return 1
}

passed=0 failed=0 skipped=0 # TAP counts; failed also counts harness-level failures
run_one() {
	t=$1 name=$(basename "$1") log=$_work/$name.log
	echo "# --- $name"
	rc=0
	timeout -k 10 "$SCRIPT_TIMEOUT" sh "$t" > "$log" 2>&1 < /dev/null 9>&- || rc=$?
	cat "$log"
	p=$(grep -Ec '^ok [0-9]+' "$log" || true)
	s=$(grep -Ec '^ok [0-9]+.*# SKIP' "$log" || true)
	f=$(grep -Ec '^not ok [0-9]+' "$log" || true)
	p=$((p - s))
	extra=""
	if [ "$rc" = 77 ]; then
		skipped=$((skipped + 1)); say "$name: SKIPPED (exit 77)"
		return 0
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then extra="timed out after ${SCRIPT_TIMEOUT}s"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then extra="exited $rc with no failed test"
	elif ! grep -Eq '^1\.\.[0-9]+' "$log"; then extra="no TAP plan"
	fi
	[ -z "$extra" ] || f=$((f + 1))
	if ! sweep; then f=$((f + 1)); extra="${extra:+$extra; }left things behind (listed above)"; fi
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" = 0 ]; then say "$name: PASS ($p passed${s:+, $s skipped})"
	else say "$name: FAIL ($p passed, $f failed${extra:+; $extra})"; fi
}

setup_users
setup_dirs
sh "$here/mkroot.sh" "$TEMPLATE"
setup_netns
write_policy
say "prefix $CHECK_PREFIX, netns $NETNS (br0 198.18.0.1/24), template $TEMPLATE"

# Skipping every real test because nothing is installed must not look like success.
missing=0
for f in "$CNSPAWN" "$HELPER"; do
	[ -x "$f" ] || { say "not installed: $f"; missing=1; }
done
if [ "$missing" = 1 ] && [ "${CNSPAWN_ALLOW_MISSING:-0}" != 1 ]; then
	say "programs under test missing (set CNSPAWN_ALLOW_MISSING=1 to run the harness anyway)"
	failed=$((failed + 1))
fi

for t in "$here"/[0-9][0-9]-*.sh; do
	[ -e "$t" ] || continue
	case ${ONLY:-} in '') ;; *) case $(basename "$t") in $ONLY) ;; *) continue ;; esac ;; esac
	run_one "$t"
done

[ "$skipped" = 0 ] || say "$skipped script(s) skipped"
echo "integration: $passed passed, $failed failed"
[ "$failed" = 0 ]
