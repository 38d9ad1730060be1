#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Resource ceilings (issue 14): `memory`, `pids` and `cpus` on a rule, what a
# user may ask for (less, never more), and what a container meets at each:
# a fork bomb stops at `pids` while the host, the monitor and the console go
# on; a memory hog is OOM-killed inside and said so; a busy loop gets its
# share of a CPU. The cgroup v1 path runs here for real (this machine is
# hybrid); the v2 path runs wherever the host's cgroup2 carries the
# controllers, and is a skip elsewhere. Every case is bounded and cleaned up.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs

PROBE_SRC=$(dirname "$0")/limitprobe.c
mkcopy lim
R=$COPY
if ! gcc -static -O2 -o "$R/limitprobe" "$PROBE_SRC" 2> "$_work/gcc.err"; then
	not_ok "building limitprobe" "$(cat "$_work/gcc.err")"
	done_testing
	exit 1
fi
UR=""
if [ -d "$USERNS_ROOTS" ]; then
	ucopy lim "$R"
	UR=$UCOPY
fi

save_policy
put_policy <<-P
permit cntest root $USERNS_ROOTS/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /bin/sh userns 200000 65536 memory 96M pids 64 cpus 0.5
permit cntest root $MACHINES/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /bin/sh privileged memory 96M pids 64 cpus 0.5
permit cntest root $MACHINES/nolimit bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 8 init /bin/sh privileged
P
PRIV_LINE=$(rule_line "permit cntest root $MACHINES/* ")
NL_LINE=$(rule_line "permit cntest root $MACHINES/nolimit ")

# json_field NAME KEY: KEY of container NAME in `cnspawn list --json` ("" if absent).
json_field() {
	cn list --json 2> /dev/null | python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c["name"] == sys.argv[1]:
        v = c.get(sys.argv[2])
        print("null" if v is None else v)' "$1" "$2" 2> /dev/null || true
}
V1MEM=/sys/fs/cgroup/memory/$CGBASE
V1PIDS=/sys/fs/cgroup/pids/$CGBASE
V1CPU=""
for _c in /sys/fs/cgroup/cpu /sys/fs/cgroup/cpu,cpuacct; do
	[ ! -L "$_c" ] && [ "$(stat -fc %T "$_c" 2> /dev/null)" = cgroupfs ] && { V1CPU=$_c/$CGBASE; break; }
done
v1_here=0
[ "$(stat -fc %T /sys/fs/cgroup/memory 2> /dev/null)" = cgroupfs ] &&
	[ "$(stat -fc %T /sys/fs/cgroup/pids 2> /dev/null)" = cgroupfs ] && [ -n "$V1CPU" ] && v1_here=1
V2=""
for _h in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	if [ "$(stat -fc %T "$_h" 2> /dev/null)" = cgroup2fs ]; then
		_ctl=$(cat "$_h/cgroup.controllers")
		case " $_ctl " in *" memory "*) case " $_ctl " in *" pids "*) case " $_ctl " in *" cpu "*) V2=$_h ;; esac ;; esac ;; esac
	fi
done

# --- the ceilings land where they should -----------------------------------------
run cn -d -q -M lim1 -p "$R" -b br0 --memory=48M --pids=40 --cpus=0.25 --init /bin/sh -- -c 'sleep 60'
is "start asking for less: detached" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
is "list --json: memory_max is what was asked" 50331648 "$(json_field lim1 memory_max)"
is "list --json: tasks_max is what was asked" 40 "$(json_field lim1 tasks_max)"
is "list --json: cpus is what was asked" 0.25 "$(json_field lim1 cpus)"
like "list --json: memory in use is a number of bytes" '^[1-9][0-9]*$' "$(json_field lim1 memory)"
like "list --json: tasks in use (sh and sleep)" '^[12]$' "$(json_field lim1 tasks)"
if [ -n "$V2" ]; then
	G=$V2/$CGBASE/lim1
	is "v2: memory.max" 50331648 "$(cat "$G/memory.max")"
	is "v2: memory.swap.max is 0" 0 "$(cat "$G/memory.swap.max" 2> /dev/null || echo 0)"
	is "v2: pids.max" 40 "$(cat "$G/pids.max")"
	is "v2: cpu.max" "25000 100000" "$(cat "$G/cpu.max")"
else
	skip "v2: ceilings in the container's cgroup2 directory" "this host's cgroup2 has no memory, pids and cpu controllers (they are on cgroup v1)"
fi
if [ "$v1_here" = 1 ] && [ -z "$V2" ]; then
	is "v1: memory.limit_in_bytes" 50331648 "$(cat "$V1MEM/lim1/memory.limit_in_bytes")"
	if [ -e "$V1MEM/lim1/memory.memsw.limit_in_bytes" ]; then
		is "v1: memory.memsw.limit_in_bytes (swap inside the ceiling)" 50331648 \
			"$(cat "$V1MEM/lim1/memory.memsw.limit_in_bytes")"
	else
		skip "v1: memory.memsw.limit_in_bytes" "no swap accounting on this kernel"
	fi
	is "v1: pids.max" 40 "$(cat "$V1PIDS/lim1/pids.max")"
	is "v1: cpu.cfs_period_us" 100000 "$(cat "$V1CPU/lim1/cpu.cfs_period_us")"
	is "v1: cpu.cfs_quota_us" 25000 "$(cat "$V1CPU/lim1/cpu.cfs_quota_us")"
	ipid=$(json_field lim1 pid)
	like "v1: init is in its memory cgroup" "^[0-9]+:memory:/$CGBASE/lim1\$" "$(cat "/proc/$ipid/cgroup" 2> /dev/null)"
	like "v1: init is in its pids cgroup" "^[0-9]+:pids:/$CGBASE/lim1\$" "$(cat "/proc/$ipid/cgroup" 2> /dev/null)"
else
	skip "v1: ceilings in per-container v1 directories" "the controllers are not on cgroup v1 here"
fi
run cn stop --kill lim1
is "stop" 0 "$RC"
assert_clean "ceilings asked for"

# --- a rule's ceilings apply without asking; none means the pids default ---------
run cn -d -q -M lim2 -p "$R" -b br0 --init /bin/sh -- -c 'sleep 60'
is "the rule's memory ceiling without asking" 100663296 "$(json_field lim2 memory_max)"
is "the rule's pids ceiling without asking" 64 "$(json_field lim2 tasks_max)"
is "the rule's cpus without asking" 0.5 "$(json_field lim2 cpus)"
cn stop --kill lim2 > /dev/null 2>&1 || true
mkdir -p "$MACHINES/nolimit"
remove_on_exit "$MACHINES/nolimit"
cp -a "$TEMPLATE/." "$MACHINES/nolimit/"
run cn -d -q -M lim3 -p "$MACHINES/nolimit" -b br0 --init /bin/sh -- -c 'sleep 60'
is "no pids on the rule: the default ceiling 4096" 4096 "$(json_field lim3 tasks_max)"
is "no memory on the rule: no ceiling (null)" null "$(json_field lim3 memory_max)"
is "no cpus on the rule: null" null "$(json_field lim3 cpus)"
run cn stop --kill lim3
assert_clean "rule ceilings"

# --- asking for more than the rule allows: refused, nothing left -----------------
refused "more memory than the rule" \
	"cntest may not ask for memory 128M: rule at line $PRIV_LINE allows at most 96M" \
	cn -q -p "$R" -b br0 --memory=128M --init /bin/sh -- -c true
refused "more pids than the rule" \
	"cntest may not ask for pids 65: rule at line $PRIV_LINE allows at most 64" \
	cn -q -p "$R" -b br0 --pids=65 --init /bin/sh -- -c true
refused "more cpus than the rule" \
	"cntest may not ask for cpus 0.75: rule at line $PRIV_LINE allows at most 0.5" \
	cn -q -p "$R" -b br0 --cpus=0.75 --init /bin/sh -- -c true
refused "more pids than the default" \
	"cntest may not ask for pids 5000: rule at line $NL_LINE allows at most 4096 (the default)" \
	cn -q -p "$MACHINES/nolimit" -b br0 --pids=5000 --init /bin/sh -- -c true
refused "a malformed --memory" "invalid --memory '1.5G' (a size such as 512M or 2G, 1M to 1024T)" \
	cn -q -p "$R" -b br0 --memory=1.5G --init /bin/sh -- -c true
refused "a malformed --pids" "invalid --pids '0' (a number of tasks, 1 to 4194304)" \
	cn -q -p "$R" -b br0 --pids=0 --init /bin/sh -- -c true
refused "a malformed --cpus" "invalid --cpus '0.001' (a number such as 0.5 or 2, 0.01 to 1024)" \
	cn -q -p "$R" -b br0 --cpus=0.001 --init /bin/sh -- -c true

# --- a fork bomb stops at pids: host, monitor, console and stop all work ---------
# The C loop first: it counts what it got, and holds its children while the host looks.
run cn -d -q -M bomb1 -p "$R" -b br0 --init /bin/sh -- -c '/limitprobe fork 20 > /tmp/forked; sleep 30'
is "fork loop: detached" 0 "$RC"
[ "$RC" = 0 ] || diag "$ERR"
wait_for 10 grep -q forked= "$R/tmp/forked" || true
like "fork loop: fork fails with EAGAIN at the ceiling" '^forked=[0-9]+ errno=EAGAIN$' "$(cat "$R/tmp/forked" 2> /dev/null)"
n=$(sed -n 's/^forked=\([0-9]*\).*/\1/p' "$R/tmp/forked" 2> /dev/null)
check "fork loop: at most 64 tasks in all (sh, the loop and $n children)" test "${n:-999}" -le 62
is "fork loop: list shows the tasks at the ceiling" 64 "$(json_field bomb1 tasks)"
check "fork loop: the host can still fork" sh -c 'sh -c true'
t0=$(date +%s%N)
run cn stop -t 1 bomb1
t1=$(date +%s%N)
is "fork loop: stop works" 0 "$RC"
check "fork loop: stop returns within 5 s" test $(((t1 - t0) / 1000000)) -lt 5000
assert_clean "fork loop"

# The shell's own bomb, with init reading the console: a builtin needs no fork.
# Only builtins after the bomb started: at the ceiling a fork of init's own
# (a command substitution) may fail, and ash then exits 2, which is the ceiling
# working, not the console failing.
printf 'still-here\n' > "$_work/bomb.in"
RUN_STDIN=$_work/bomb.in run cn -q -M bomb2 -p "$R" -b br0 --init /bin/sh -- -c \
	'b() { b | b & }; b 2> /dev/null; read -r line; echo "console:$line"; exit 3'
is "shell fork bomb: init exits with its own status" 3 "$RC"
like "shell fork bomb: the console still answers" '^console:still-here' "$OUT"
assert_clean "shell fork bomb"

# --- a memory hog is OOM-killed inside; the monitor says so ----------------------
incont "$R" '/limitprobe mem 400 > /tmp/mem.out; echo "hog=$?"; exit 0'
# Pipe mode (issue 13) keeps init's stderr apart: the shell's own "Killed" is on it.
is "memory hog: the shell said Killed on init's stderr" "Killed" "$(printf '%s\n' "$ERR" | sed -n 1p)"
ERR=$(printf '%s\n' "$ERR" | sed 1d)
is "memory hog: the container ends normally (init survives)" 0 "$RC"
like "memory hog: the hog was killed (SIGKILL)" '^hog=137$' "$OUT"
last=$(tail -n 1 "$R/tmp/mem.out" | sed -n 's/^mib=//p')
check "memory hog: it never got the 400 MiB it asked for (last: ${last:-?} MiB)" test "${last:-400}" -lt 96
is "memory hog: cnspawn says the ceiling was hit" \
	"cnspawn: lim hit its memory ceiling: the kernel killed 1 process in it" "$ERR"
assert_clean "memory hog"
incont "$R" 'exec /limitprobe mem 400 > /dev/null'
is "memory hog as init: status 137" 137 "$RC"
is "memory hog as init: said so" "cnspawn: lim hit its memory ceiling: the kernel killed 1 process in it" "$ERR"
assert_clean "memory hog as init"

# --- a busy loop under cpus 0.5 gets about half a CPU ----------------------------
incont "$R" '/limitprobe spin 1500; true'
p=$(printf '%s\n' "$OUT" | sed -n 's/^cpu_permille=//p')
diag "busy loop under cpus 0.5: ${p:-?}/1000 of a CPU"
check "cpus 0.5: a busy loop gets 0.35 to 0.65 of a CPU over 1.5 s" \
	test "${p:-0}" -ge 350 -a "${p:-1000}" -le 650
assert_clean "cpus"

# --- userns: container root cannot raise its own ceilings ------------------------
# Its cgroup namespace is its own (userns.c), so it may mount a v1 hierarchy
# of its cgroup: what it then sees is the host root's directory and files,
# which it can neither write nor make children in.
if [ -n "$UR" ]; then
	incont "$UR" 'for f in memory.max pids.max cpu.max; do
		if echo max > /sys/fs/cgroup/$f 2> /dev/null; then echo "wrote $f"; else echo "refused $f"; fi
	done
	for c in pids memory; do
		mkdir -p /tmp/cg-$c
		if mount -t cgroup -o $c none /tmp/cg-$c 2> /dev/null; then
			f=pids.max; [ $c = memory ] && f=memory.limit_in_bytes
			if echo 1073741824 > /tmp/cg-$c/$f 2> /dev/null; then echo "v1 wrote $f"; else echo "v1 refused $f"; fi
			if mkdir /tmp/cg-$c/sub 2> /dev/null; then echo "v1 made $c/sub"; else echo "v1 no $c/sub"; fi
			echo "v1 $f=$(cat /tmp/cg-$c/$f)"
			umount /tmp/cg-$c
		else
			echo "v1 no $c mount"
		fi
	done
	/limitprobe fork 0 | head -n 1; true'
	is "userns: container starts" 0 "$RC"
	for f in memory.max pids.max cpu.max; do
		like "userns: writing /sys/fs/cgroup/$f fails" "^refused $f\$" "$OUT"
	done
	if [ "$v1_here" = 1 ] && [ -z "$V2" ]; then
		like "userns: its v1 pids cgroup, mounted inside, refuses a write of pids.max" '^v1 refused pids.max$' "$OUT"
		like "userns: ... and a child cgroup" '^v1 no pids/sub$' "$OUT"
		like "userns: its v1 memory cgroup refuses a write of memory.limit_in_bytes" '^v1 refused memory.limit_in_bytes$' "$OUT"
		like "userns: ... and a child cgroup" '^v1 no memory/sub$' "$OUT"
		like "userns: pids.max is still the rule's" '^v1 pids.max=64$' "$OUT"
		like "userns: memory.limit_in_bytes is still the rule's" '^v1 memory.limit_in_bytes=100663296$' "$OUT"
	else
		skip "userns: v1 hierarchies mounted inside" "the controllers are not on cgroup v1 here"
	fi
	like "userns: the pids ceiling still holds" '^forked=[0-9]+ errno=EAGAIN$' "$OUT"
	assert_clean "userns ceilings"
else
	skip "userns: container root cannot raise its ceilings" "no $USERNS_ROOTS"
fi

# --- kill -9 of the monitor: the next start removes the v1 directories -----------
run cn -d -q -M lim9 -p "$R" -b br0 --init /bin/sh -- -c 'sleep 60'
mon=$(sed -n 's/^monitor_pid=//p' "$STATE/lim9" 2> /dev/null || true)
if [ -n "$mon" ] && [ "$v1_here" = 1 ] && [ -z "$V2" ]; then
	kill -KILL "$mon"
	wait_for 5 sh -c "! kill -0 $mon" || true
	check "kill -9 of the monitor leaves its v1 memory directory (until the next start)" test -d "$V1MEM/lim9"
	incont "$R" 'true'
	is "the next start runs" 0 "$RC"
	check "... and removed the dead container's v1 memory directory" test ! -e "$V1MEM/lim9"
	check "... and its v1 pids directory" test ! -e "$V1PIDS/lim9"
	assert_clean "after a killed monitor"
else
	skip "kill -9 of the monitor: v1 directories removed by the next start" "no monitor pid or no v1 controllers"
	cn stop --kill lim9 > /dev/null 2>&1 || true
fi

# --- born in its cgroup (clone3 CLONE_INTO_CGROUP), and the fallback ------------
# traced_start FILE [PRE [INJECT]]: one start of R as cntest (init /bin/sh -c
# 'cat /proc/self/cgroup'), the helper traced by strace (root may trace a
# setuid program) into FILE; PRE runs first, in a private mount namespace of
# this start; INJECT is strace fault injections (-e inject=... options: a
# kernel without clone3, a pivot_root that fails, a delayed send).
traced_start() {
	_f=$1 _pre=${2:-true} _inj=${3:-}
	RC=0
	# shellcheck disable=SC2086 # $_inj: zero or more strace options
	timeout -k 5 60 unshare --mount --propagation private sh -c "$_pre"' && exec "$@"' _ \
		strace -f -qq -y -o "$_f" -e trace=clone,clone3,openat,openat2,pivot_root,unshare,recvfrom,sendmsg,sendto $_inj \
		nsenter --net="/run/netns/$NETNS" setpriv --reuid=cntest --regid=cntest --init-groups -- \
		env -i PATH=/usr/bin:/bin "$CNSPAWN" -q -M lim5 -p "$R" -b br0 --memory=40M \
		--init /bin/sh -- -c 'cat /proc/self/cgroup' > "$_work/traced.out" 2> "$_work/traced.err" || RC=$?
	OUT=$(tr -d '\r' < "$_work/traced.out")
}
# first_of FILE CALL1 CALL2: whether the container's first process (the one
# that calls pivot_root) made system call CALL1 before CALL2 (strace -f lines
# start with the pid; a call's first line is where it was made).
first_of() {
	awk -v a="$2(" -v b="$3(" '
		/pivot_root\(/ && !p { p = $1 }
		{ l[NR] = $0; pid[NR] = $1 }
		END {
			for (i = 1; i <= NR; i++) {
				if (pid[i] != p) continue
				if (!ia && index(l[i], a)) ia = i
				if (!ib && index(l[i], b)) ib = i
			}
			exit !(ia && ib && ia < ib)
		}' "$1"
}
H2=""
for _h in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	[ "$(stat -fc %T "$_h" 2> /dev/null)" = cgroup2fs ] && { H2=$_h; break; }
done
if command -v strace > /dev/null && [ -n "$H2" ]; then
	traced_start "$_work/st.v2"
	is "clone3: the start works" 0 "$RC"
	like "clone3: init is in its cgroup2 cgroup" "^0::/\$" "$OUT"
	check "clone3: init was cloned with CLONE_INTO_CGROUP" \
		grep -Eq 'clone3\(\{flags=[^}]*CLONE_INTO_CGROUP.*= [1-9][0-9]*$' "$_work/st.v2"
	check "clone3: the cgroup2 directory was opened (the trace sees the helper)" \
		grep -q "$H2/$CGBASE/lim5>" "$_work/st.v2"
	check_fail "clone3: init was not moved by a write to its cgroup2 cgroup.procs" \
		grep -q "$H2/$CGBASE/lim5>, \"cgroup.procs\"" "$_work/st.v2"
	if [ "$(stat -fc %T /sys/fs/cgroup/memory 2> /dev/null)" = cgroupfs ]; then
		check "clone3: init entered its v1 memory cgroup itself (0 to tasks)" \
			grep -q "/sys/fs/cgroup/memory/$CGBASE/lim5>, \"tasks\"" "$_work/st.v2"
	else
		skip "clone3: the v1 memory cgroup entered by init itself" "no v1 memory hierarchy"
	fi
	check_fail "clone3: no migration by cgroup.procs in any hierarchy" \
		grep -q "/$CGBASE/lim5>, \"cgroup.procs\"" "$_work/st.v2"
	# Born in its cgroup, init's first process sets up its cgroups and
	# pivots while the helper creates the veth: before it waits for "G".
	check "clone3: the child's cgroup namespace comes before its wait for \"G\"" \
		first_of "$_work/st.v2" unshare recvfrom
	check "clone3: the child's pivot_root comes before its wait for \"G\"" \
		first_of "$_work/st.v2" pivot_root recvfrom
	assert_clean "clone3"

	# The attack on that order: a child that fails after "M" and before "G"
	# is gone when the helper sends "G" (each sendmsg is delayed by 0.2 s, so
	# the child is gone first); its own reason must still reach the user
	# (not the helper's "broken pipe"), and nothing may be left.
	traced_start "$_work/st.pv" true \
		'-e inject=pivot_root:error=EACCES -e inject=sendmsg:delay_enter=200000'
	check "a pivot_root that fails before \"G\": the start fails" test "$RC" -ne 0
	check "... the helper's send of \"G\" found the child gone" grep -Eq 'sendmsg(\(| resumed>).*= -1 EPIPE' "$_work/st.pv"
	check "... with the child's reason" \
		grep -q 'pivot_root into the container root: Permission denied' "$_work/traced.err"
	check_fail "... and not the send's" grep -qi 'broken pipe\|connection reset' "$_work/traced.err"
	is "... in one line" 1 "$(wc -l < "$_work/traced.err")"
	assert_clean "a pivot_root that fails before \"G\""
	# The same while the helper is still making the veth (its netlink
	# requests delayed by 0.3 s): the child is gone before the veth is made,
	# the helper's step fails for that, and the child's reason is the one.
	traced_start "$_work/st.pd" true \
		'-e inject=pivot_root:error=EACCES -e inject=sendto:delay_enter=300000'
	check "a pivot_root that fails during the veth: the start fails" test "$RC" -ne 0
	check "... with the child's reason" \
		grep -q 'pivot_root into the container root: Permission denied' "$_work/traced.err"
	is "... in one line" 1 "$(wc -l < "$_work/traced.err")"
	assert_clean "a pivot_root that fails during the veth"

	# A kernel without clone3 (injected ENOSYS): plain clone, the helper moves
	# init into its cgroup2 cgroup, so the child waits for "G" before it roots
	# a cgroup namespace there (else that namespace would be rooted in the
	# helper's cgroup and init would see itself outside its "/").
	traced_start "$_work/st.nc" true '-e inject=clone3:error=ENOSYS'
	is "no clone3: the start works" 0 "$RC"
	like "no clone3: init is at the root of its cgroup namespace" "^0::/\$" "$OUT"
	check "no clone3: clone3 was refused (injected)" grep -q 'clone3(.*= -1 ENOSYS .*(INJECTED)' "$_work/st.nc"
	check "no clone3: init was moved by a write to its cgroup2 cgroup.procs" \
		grep -q "$H2/$CGBASE/lim5>, \"cgroup.procs\"" "$_work/st.nc"
	check "no clone3: the child waits for \"G\" before its cgroup namespace" \
		first_of "$_work/st.nc" recvfrom unshare
	check "no clone3: ... and before its pivot_root" first_of "$_work/st.nc" recvfrom pivot_root
	assert_clean "no clone3"
else
	skip "clone3 CLONE_INTO_CGROUP" "no strace or no cgroup2 hierarchy"
fi
if command -v strace > /dev/null && [ "$(stat -fc %T /sys/fs/cgroup/systemd 2> /dev/null)" = cgroupfs ] &&
	[ "$(stat -fc %T /sys/fs/cgroup/unified 2> /dev/null)" = cgroup2fs ]; then
	# Hide the cgroup2 mount: the host looks "legacy" (v1 only) to the helper.
	traced_start "$_work/st.v1" "umount /sys/fs/cgroup/unified"
	is "legacy fallback: the start works" 0 "$RC"
	like "legacy fallback: init is in its name=systemd cgroup" "^[0-9]+:name=systemd:/\$" "$OUT"
	check_fail "legacy fallback: no CLONE_INTO_CGROUP" grep -q 'CLONE_INTO_CGROUP' "$_work/st.v1"
	check "legacy fallback: init entered its name=systemd cgroup itself (0 to tasks)" \
		grep -q "/sys/fs/cgroup/systemd/$CGBASE/lim5>, \"tasks\"" "$_work/st.v1"
	check_fail "legacy fallback: no migration by cgroup.procs (an RCU grace period)" \
		grep -q "/$CGBASE/lim5>, \"cgroup.procs\"" "$_work/st.v1"
	assert_clean "legacy fallback"
else
	skip "legacy (v1-only) fallback" "no strace, or no name=systemd and cgroup2 mounts to hide one of"
fi

done_testing
