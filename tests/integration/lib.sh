# SPDX-License-Identifier: GPL-3.0-or-later
# lib.sh: sourced by every tests/integration/NN-*.sh (after `set -eu`).
# TAP helpers, running things as the test user inside the harness's netns,
# leftover checks, and a trap that undoes only what this script started.
# Every helper is safe under `set -eu` (failures are returned, not fatal,
# except in setup steps that must not fail).

CHECK_PREFIX=${CHECK_PREFIX:-/opt/cnspawn-check}
NETNS=${CNSPAWN_NETNS:-cnspawn-check}
CNSPAWN=$CHECK_PREFIX/bin/cnspawn
HELPER=$CHECK_PREFIX/libexec/cnspawn/cnspawn-helper
POLICY=$CHECK_PREFIX/etc/cnspawn/policy
STATE=$CHECK_PREFIX/run/cnspawn
MACHINES=$CHECK_PREFIX/machines
TEMPLATE=$MACHINES/bb
HOSTTMP=$CHECK_PREFIX/tmp-host
USERNS_ROOTS=$CHECK_PREFIX/userns # roots of the userns rule (mode 0700)
# The install's cgroup base (Makefile CGROUP_BASE, from RUNSTATEDIR=$CHECK_PREFIX/run).
CGBASE=cnspawn$(printf '%s' "$CHECK_PREFIX/run" | sed 's/-/--/g; s|/|-|g')
# The main hierarchy's (unified, hybrid, legacy) and the v1 controllers' (ceilings.c).
CGROUP_DIRS="/sys/fs/cgroup/$CGBASE /sys/fs/cgroup/unified/$CGBASE /sys/fs/cgroup/systemd/$CGBASE
	/sys/fs/cgroup/memory/$CGBASE /sys/fs/cgroup/pids/$CGBASE /sys/fs/cgroup/cpu/$CGBASE
	/sys/fs/cgroup/cpu,cpuacct/$CGBASE"
export CHECK_PREFIX

_tap_n=0
_tap_fail=0
_pids=""
_paths=""
_cleanups=""
_work=$(mktemp -d /tmp/cnspawn-it.XXXXXX)
OUT="" ERR="" RC=0

# --- TAP ------------------------------------------------------------------

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
not_ok() {
	_tap_n=$((_tap_n + 1)); _tap_fail=$((_tap_fail + 1))
	echo "not ok $_tap_n - $1"
	shift
	[ $# -eq 0 ] || diag "$@"
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }
# check DESC CMD...: ok when CMD succeeds; its output is shown only on failure.
check() {
	_d=$1; shift
	if "$@" > "$_work/check.out" 2>&1; then ok "$_d"
	else not_ok "$_d" "command failed (status $?): $*" "$(cat "$_work/check.out")"; fi
}
# check_fail DESC CMD...: ok when CMD fails.
check_fail() {
	_d=$1; shift
	if "$@" > "$_work/check.out" 2>&1; then
		not_ok "$_d" "command succeeded but should fail: $*" "$(cat "$_work/check.out")"
	else ok "$_d"; fi
}
is() {
	if [ "$2" = "$3" ]; then ok "$1"
	else not_ok "$1" "expected: '$2'" "     got: '$3'"; fi
}
# like DESC ERE TEXT: ok when some line of TEXT matches the extended regex.
like() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok "$1"
	else not_ok "$1" "no line matches /$2/ in:" "$3"; fi
}
unlike() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then not_ok "$1" "a line matches /$2/ in:" "$3"
	else ok "$1"; fi
}
done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}

# --- running things ---------------------------------------------------------

# Commands enter the harness's network namespace with `nsenter --net`, not
# `ip netns exec`: that also remounts /sys, which would hide the host's
# /sys/fs/cgroup from the helper, so containers would get no cgroup of their
# own -- unlike a user's real start from the host namespace.
# cgroups_left: the containers' cgroup directories that still exist.
cgroups_left() {
	for _c in $CGROUP_DIRS; do
		[ -d "$_c" ] && find "$_c" -mindepth 1 -maxdepth 1 -type d
	done
	return 0
}

# as_user [cntest|cnother|root] CMD...: CMD inside the harness netns as that user,
# with its groups and a clean environment, exactly like a user's login would;
# killed after CN_TIMEOUT (60) seconds so a hung container cannot stall the run.
as_user() {
	_u=cntest
	case $1 in cntest|cnother|root) _u=$1; shift ;; esac
	_home=/home/$_u
	[ "$_u" = root ] && _home=/root
	timeout -k 5 "${CN_TIMEOUT:-60}" nsenter --net="/run/netns/$NETNS" \
		setpriv --reuid="$_u" --regid="$_u" --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME="$_home" TERM=dumb "$@"
}
cn() { as_user cntest "$CNSPAWN" "$@"; }

# run VAR-less capture: run CMD..., set OUT (stdout, CRs removed), ERR, RC. Never fails.
run() {
	RC=0
	"$@" > "$_work/run.out" 2> "$_work/run.err" < "${RUN_STDIN:-/dev/null}" || RC=$?
	OUT=$(tr -d '\r' < "$_work/run.out")
	ERR=$(cat "$_work/run.err")
}
# incont ROOT 'SHELL CMD' [more cnspawn options...]: run CMD as the container's PID 1
# (/bin/sh -c CMD) in a container from ROOT on br0; sets OUT ERR RC.
# Note: busybox sh execs the last command of -c in place; end CMD with `; true`
# when the command itself must not become PID 1.
incont() {
	_root=$1 _cmd=$2; shift 2
	run cn -q -p "$_root" -b br0 "$@" --init /bin/sh -- -c "$_cmd"
}
# put_policy < TEXT: install TEXT as the policy (root:root 0644, atomically).
put_policy() {
	cat > "$POLICY.new"
	chown root:root "$POLICY.new"
	chmod 0644 "$POLICY.new"
	mv -f "$POLICY.new" "$POLICY"
}
# save_policy: keep the harness's policy in $orig, put back at exit or by restore_policy.
save_policy() {
	orig=$_work/policy.orig
	cp -p "$POLICY" "$orig"
	on_exit restore_policy
}
restore_policy() { put_policy < "$orig"; }

# refused DESC LINE CMD...: CMD must exit 125 and print exactly one line on stderr,
# "cnspawn: LINE" (the whole line, compared as a string: build runtime values such
# as paths and rule lines from the variables the script knows); then nothing may be
# left behind (or, while another container runs, nothing beyond BASELINE=$(leftovers)
# taken before).
refused() {
	_d=$1 _want="cnspawn: $2"; shift 2
	run "$@"
	is "$_d: exit status 125" 125 "$RC"
	is "$_d: the one line naming the reason" "$_want" "$ERR"
	if [ -n "${BASELINE:-}" ]; then
		is "$_d: nothing new left behind" "$BASELINE" "$(leftovers)"
	else
		assert_clean "$_d"
	fi
}
# rule_line TEXT [FILE]: the line number of the first line of FILE (the policy)
# that starts with TEXT, for messages that name "rule at line N".
rule_line() {
	awk -v s="$1" 'index($0, s) == 1 { print NR; exit }' "${2:-$POLICY}"
}

# bg_cn ARGS...: start the frontend (as cntest, in the netns) in the background,
# stdin from /dev/null; BG_PID is its pid (nsenter, setpriv and env all
# exec in place, so it is the cnspawn process itself). Output goes to $_work/bg.*.
bg_cn() {
	nsenter --net="/run/netns/$NETNS" setpriv --reuid=cntest --regid=cntest --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/home/cntest TERM=dumb "$CNSPAWN" "$@" \
		< /dev/null > "$_work/bg.out" 2> "$_work/bg.err" &
	BG_PID=$!
	_pids="$_pids $BG_PID"
}
# bg_wait: wait for the background frontend; sets RC OUT ERR.
bg_wait() {
	RC=0
	wait "$BG_PID" || RC=$?
	OUT=$(tr -d '\r' < "$_work/bg.out")
	ERR=$(cat "$_work/bg.err")
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	_t=$(($1 * 10)); shift
	while [ "$_t" -gt 0 ]; do
		"$@" > /dev/null 2>&1 && return 0
		sleep 0.1; _t=$((_t - 1))
	done
	return 1
}
veth_exists() { ip -n "$NETNS" link show "$1" > /dev/null 2>&1; }
veth_gone() { ! veth_exists "$1"; }

# bg_container ROOT MARKER [cnspawn options...]: start a container from ROOT in the
# background whose init (/bin/sh) runs until stop_container ROOT MARKER (or about 60 s),
# then exits 0. The stop file is made from the host in ROOT/tmp, which is the
# container's /tmp: no signal is needed (a pid namespace's init ignores SIGTERM).
bg_container() {
	_r=$1 _m=$2; shift 2
	rm -f "$_r/tmp/stop-$_m"
	bg_cn -q -p "$_r" -b br0 "$@" --init /bin/sh -- -c \
		"i=0; while [ ! -e /tmp/stop-$_m ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i+1)); done; rm -f /tmp/stop-$_m; : $_m"
}
stop_container() { : > "$1/tmp/stop-$2"; bg_wait; rm -f "$1/tmp/stop-$2"; }

# init_pid MARKER: host pid of a container init whose command line contains MARKER
# (runs as uid 0 and is PID 1 of its own pid namespace), waiting up to 10 s.
_find_init() {
	for _p in $(pgrep -u 0 -f -- "$1" || true); do
		_ns=$(sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$_p/status" 2>/dev/null || true)
		case $_ns in *[[:space:]]1) echo "$_p"; return 0 ;; esac
	done
	return 1
}
init_pid() {
	_t=100
	while [ "$_t" -gt 0 ]; do
		_find_init "$1" && return 0
		sleep 0.1; _t=$((_t - 1))
	done
	return 1
}
# helper_pids: processes running the installed helper binary.
helper_pids() {
	for _p in /proc/[0-9]*; do
		[ "$(readlink "$_p/exe" 2>/dev/null || true)" = "$HELPER" ] && echo "${_p#/proc/}"
	done
	return 0
}

# slots CMD ARGS: tests/integration/slots.py, the records of $STATE/.slots.
slots() { python3 "$(dirname "$0")/slots.py" "$@"; }
# slot_of NAME: SLOT_I, SLOT_PID, SLOT_INO of NAME's record ("none" for each without one).
slot_of() {
	slots show "$STATE" "$1" > "$_work/slot.txt" || true
	read -r SLOT_I SLOT_PID SLOT_INO < "$_work/slot.txt" || SLOT_I=none SLOT_PID=none SLOT_INO=none
}

# --- copies, leftovers, cleanup ----------------------------------------------

# mkcopy NAME: COPY=$MACHINES/NAME, a copy of the template root, removed on exit.
# (Sets a variable instead of printing: $(mkcopy) would lose the registration.)
mkcopy() {
	COPY=$MACHINES/$1
	rm -rf "$COPY"
	cp -a "$TEMPLATE" "$COPY"
	_paths="$_paths $COPY"
}
# ucopy NAME [FROM]: UCOPY=$USERNS_ROOTS/NAME, a copy of FROM (the template), for
# the userns rule, removed on exit.
ucopy() {
	UCOPY=$USERNS_ROOTS/$1
	rm -rf "$UCOPY"
	cp -a "${2:-$TEMPLATE}" "$UCOPY"
	_paths="$_paths $UCOPY"
}
# tmux_setup TAG: SOCK, a tmux server socket name of cntest's, killed on exit, and D,
# a directory cntest can write (for pane scripts and their results), removed on exit.
tmux_setup() {
	SOCK=cnspawn-test$1-$$
	D=$(mktemp -d "/tmp/cnspawn-$1.XXXXXX")
	chown cntest:cntest "$D"
	chmod 0755 "$D"
	remove_on_exit "$D"
	on_exit "as_user cntest tmux -L '$SOCK' kill-server 2>/dev/null || true"
}
# remove PATH on exit (rm -rf, does not follow symlinks).
remove_on_exit() { _paths="$_paths $1"; }
# on_exit 'SHELL CODE': run at exit, in reverse order of registration.
on_exit() { _cleanups="$1
$_cleanups"; }

# leftovers: print what a finished container left behind (nothing = clean).
leftovers() {
	_v=$(ip -n "$NETNS" -o link show type veth 2>/dev/null || true)
	[ -z "$_v" ] || echo "veth left: $_v"
	if [ -d "$STATE" ]; then
		# .slots stays, as the directory does: a record counts only while its
		# monitor holds its lock (helper/slots.h), and 64-state checks them.
		_s=$(ls -A "$STATE" | grep -vx '\.slots' || true)
		[ -z "$_s" ] || echo "state left in $STATE: $_s"
	fi
	_m=$(awk -v p="$MACHINES" -v u="$USERNS_ROOTS" \
		'index($5, p) == 1 || index($5, u) == 1 { print $5 }' /proc/self/mountinfo)
	[ -z "$_m" ] || echo "mount left: $_m"
	_h=$(helper_pids)
	[ -z "$_h" ] || echo "helper still running: pid $_h"
	_g=$(cgroups_left)
	[ -z "$_g" ] || echo "cgroup left: $_g"
	return 0
}
# assert_clean [DESC]: no veth, state, mount or helper left; waits up to 5 s, because
# the kernel destroys a network namespace (and its veth end) asynchronously.
assert_clean() {
	_t=50
	while [ "$_t" -gt 0 ] && [ -n "$(leftovers)" ]; do sleep 0.1; _t=$((_t - 1)); done
	_l=$(leftovers)
	if [ -z "$_l" ]; then ok "${1:+$1: }nothing left behind"
	else not_ok "${1:+$1: }nothing left behind" "$_l"; fi
}

_lib_cleanup() {
	set +e
	for _p in $_pids; do kill -TERM "$_p" 2>/dev/null; done
	for _p in $_pids; do
		_t=20
		while [ "$_t" -gt 0 ] && kill -0 "$_p" 2>/dev/null; do sleep 0.1; _t=$((_t - 1)); done
		kill -KILL "$_p" 2>/dev/null
	done
	printf '%s\n' "$_cleanups" | while IFS= read -r _c; do [ -z "$_c" ] || eval "$_c"; done
	for _p in $_paths; do rm -rf "$_p"; done
	rm -rf "$_work"
}
trap '_rc=$?; _lib_cleanup; exit $_rc' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Skip (77) rather than fail when the programs under test are not installed.
need_programs() {
	for _f in "$CNSPAWN" "$HELPER"; do
		[ -x "$_f" ] || { echo "1..0 # SKIP $_f not installed"; exit 77; }
	done
	[ -d "$TEMPLATE/bin" ] || { echo "1..0 # SKIP no template root (run run.sh)"; exit 77; }
}
