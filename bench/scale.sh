#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/scale.sh: N (200) detached containers of one user, started one after
# another under one rule (max N, a /24 pool), then listed and stopped
# (issue 12): start times, list and stop times, each monitor's memory, an
# attached frontend's memory, host memory per container, and that nothing
# is left. Not a test; never run in CI. Needs root; see bench/README.md.
# Knobs: N (200, at most 250: the /24 pool), REPEAT (11: starts of the 1st,
# with no other running, and of the Nth, with N-1, each stopped again),
# ROUNDS (3: the others started and stopped again that often, the 1st
# measured before each round and after the last, the Nth in each),
# BENCH_PREFIX (/opt/cnspawn-bench), BPF (1: also
# time the helper's system calls during those starts with bpftrace, and print
# where the Nth's extra time goes; mounts tracefs if it is not, and unmounts it).
set -eu

NS=cnspawn-bench-scale
NET=198.18.4
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
N=${N:-200}
if [ "$N" -lt 1 ] || [ "$N" -gt 250 ]; then die "N must be 1-250 (one /24 pool)"; fi

BPF=${BPF:-0}
_bpf_mounted=
scale_cleanup() {
	bench_cleanup
	if [ -n "$_bpf_mounted" ]; then umount /sys/kernel/tracing 2> /dev/null || true; fi
}
trap scale_cleanup EXIT
trap 'exit 130' INT TERM
if [ "$BPF" = 1 ]; then
	need bpftrace bpftrace || die "BPF=1 needs bpftrace (apt-get install bpftrace)"
	cp /bin/true "$tmp/mark-on"
	cp /bin/true "$tmp/mark-off"
	if [ ! -d /sys/kernel/tracing/events ]; then
		mount -t tracefs nodev /sys/kernel/tracing || die "BPF=1: cannot mount tracefs"
		_bpf_mounted=1
	fi
fi

build_install
make_root
put_policy "max $N init /bin/sh"
make_netns
# A root runs once at a time: N roots, hard links of the template's files.
i=1
while [ "$i" -le "$N" ]; do
	cp -a --link "$ROOT" "$MACHINES/c$i"
	i=$((i + 1))
done
# Init: a shell that exits on its stop signal (SIGUSR2) and otherwise waits.
INIT='trap "exit 0" USR2; sleep 2147483647 & wait'

machine_note
mem_before=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
say "starting $N containers one after another (holding $INTEGRATION_LOCK)"
# start_one I: start container cI (detached) and append "I MS" to $START_LOG.
START_LOG=$tmp/start.txt
start_one() {
	user "$tmp/stopwatch" -- "$CNSPAWN" -d -q -p "$MACHINES/c$1" -b br0 \
		--kill-signal=SIGUSR2 --init /bin/sh -- -c "$INIT" < /dev/null > "$tmp/one.txt"
	read -r _ ms st < "$tmp/one.txt"
	[ "$st" = 0 ] || die "start of c$1 failed (status $st)"
	echo "$1 $ms" >> "$START_LOG"
}
# floor_one FILE: one run of start.sh's floor (unshare --mount --uts --ipc
# --pid --net --fork --mount-proc chroot ROOT /bin/true, as root in our
# netns), its time appended to FILE. Run between the measured starts,
# it gives the VM's speed at that moment: it neither pivots nor joins the
# bridge, so the others running should change it little (it is printed).
floor_one() {
	innet "$tmp/stopwatch" -- unshare --mount --uts --ipc --pid --net --fork --mount-proc \
		chroot "$ROOT" /bin/true < /dev/null > "$tmp/floor.txt"
	read -r _ ms st < "$tmp/floor.txt"
	[ "$st" = 0 ] || die "the floor failed (status $st)"
	echo "0 $ms" >> "$1"
}
# again I FILE: REPEAT starts of cI, each stopped again (the number of
# others running stays), their times in FILE, the floor's after each in
# FILE.floor: one start alone is noisy.
REPEAT=${REPEAT:-11}
again() {
	: > "$2"
	: > "$2.floor"
	_k=1
	while [ "$_k" -le "$REPEAT" ]; do
		[ "$BPF" != 1 ] || "$tmp/mark-on"
		start_one "$1"
		[ "$BPF" != 1 ] || "$tmp/mark-off"
		tail -n 1 "$START_LOG" >> "$2"
		sed -i '$d' "$START_LOG"
		user "$CNSPAWN" stop -t 5 "c$1" > /dev/null 2>&1 || die "stop of c$1 failed"
		sleep 0.1 # the stopped monitor reaps its veth deleter
		# Between two starts, not just before one: the kernel frees the
		# floor's network namespace in the background.
		floor_one "$2.floor"
		sleep 0.1
		_k=$((_k + 1))
	done
}
# traced I FILE TAG: again I FILE; with BPF=1 and a TAG, each helper system
# call's kernel time meanwhile, summed by call into $tmp/bpf.TAG ("@t[NR]: NS" lines).
traced() {
	if [ "$BPF" != 1 ] || [ -z "$3" ]; then
		again "$1" "$2"
		return
	fi
	# Counted only between the exec of mark-on and of mark-off (around each
	# start, not its stop): their names end in "on" and "off".
	bpftrace -o "$tmp/bpf.$3" -e '
		tracepoint:syscalls:sys_enter_execve /str(args->filename) == "'"$tmp/mark-on"'"/ { @on = 1; }
		tracepoint:syscalls:sys_enter_execve /str(args->filename) == "'"$tmp/mark-off"'"/ { @on = 0; }
		tracepoint:raw_syscalls:sys_enter /@on && comm == "cnspawn-helper"/ { @s[tid] = nsecs; @id[tid] = args->id; }
		tracepoint:raw_syscalls:sys_exit /@s[tid]/ { @t[@id[tid]] = sum(nsecs - @s[tid]); delete(@s[tid]); delete(@id[tid]); }' \
		> /dev/null 2>&1 &
	_bg_pids=$!
	sleep 4 # until its probes are attached
	again "$1" "$2"
	kill -INT "$_bg_pids" 2> /dev/null || true
	wait "$_bg_pids" || true
	_bg_pids=""
}
helpers_left() {
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2> /dev/null)" = "$P/libexec/cnspawn/cnspawn-helper" ] && echo "$p"
	done | wc -l
}
# wait_monitors: a monitor exits just after its stop returned: it sent the
# exit once the veth was gone and then reaps the process that deleted it,
# which waits for the kernel to free it (an rcu_barrier). Give processes,
# and only them, 1 s; the longest wait in units of 50 ms is in $mon_max.
mon_max=0
wait_monitors() {
	_w=0
	while [ "$(helpers_left)" -gt 0 ] && [ "$_w" -lt 20 ]; do
		sleep 0.05
		_w=$((_w + 1))
	done
	[ "$_w" -le "$mon_max" ] || mon_max=$_w
}
# left_count: add what is left of ours now (veths, state entries, sockets,
# cgroups, monitors, after wait_monitors) to the left_* totals: nothing may be.
left_veth=0 left_state=0 left_sock=0 left_cg=0 left_mon=0
left_count() {
	left_veth=$((left_veth + $(veths_left)))
	left_state=$((left_state + $(states_left)))
	left_cg=$((left_cg + $(cgroups_left)))
	left_sock=$((left_sock + $(find "$STATE" -name '*.sock' 2> /dev/null | wc -l)))
	wait_monitors
	left_mon=$((left_mon + $(helpers_left)))
}
# settle: after all are stopped, before the 1st is measured again. What is
# left is counted; .slots goes (no keeper runs to hold a record: the next
# start makes a new one), so that the 1st does not map and scan the N
# empty records this run left, which a host where none ran has not; and
# the kernel frees the stopped ones' network namespaces in the background
# (about a second of a kworker's time here): 3 s for that.
settle() {
	left_count
	rm -f "$STATE/.slots"
	sleep 3
}
# measure I FILE TAG: again I FILE; with BPF=1 and a TAG, once more traced
# into FILE.bpf (traced starts are slower: they are left out of the medians).
measure() {
	again "$1" "$2"
	if [ "$BPF" = 1 ] && [ -n "$3" ]; then traced "$1" "$2.bpf" "$3"; fi
}
# The others' rounds: in each, c1..c(N-1) are started (the first round's
# times are the ones printed), the Nth measured and then started, and, but
# in the last round, all are stopped again and the 1st measured (settle):
# the VM's speed drifts over the seconds of one round and from one to the
# next, and the Nth's measures are between the 1st's.
ROUNDS=${ROUNDS:-3}
case $ROUNDS in [1-9]) ;; *) die "ROUNDS must be 1-9" ;; esac
measure_begin
: > "$tmp/start.txt"
measure 1 "$tmp/first.1" first
r=1
while [ "$r" -le "$ROUNDS" ]; do
	[ "$r" = 1 ] || START_LOG=$tmp/start.more
	i=1
	while [ "$i" -lt "$N" ]; do
		start_one "$i"
		i=$((i + 1))
	done
	measure "$N" "$tmp/last.$r" "$([ "$r" = 1 ] && echo last)"
	start_one "$N"
	[ "$r" = "$ROUNDS" ] && break
	i=1
	while [ "$i" -le "$N" ]; do
		user "$CNSPAWN" stop -t 5 "c$i" > /dev/null 2>&1 || die "stop of c$i failed"
		i=$((i + 1))
	done
	settle
	r=$((r + 1))
	measure 1 "$tmp/first.$r" ""
done
running=$(user "$CNSPAWN" list | wc -l)
user "$tmp/stopwatch" -n 10 -w 2 -- "$CNSPAWN" list < /dev/null > "$tmp/list.txt"
user "$tmp/stopwatch" -n 5 -w 1 -- "$CNSPAWN" list --json < /dev/null > "$tmp/listjson.txt"
sleep 2 # let the last starts settle before reading memory
mem_after=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)

# Each monitor's memory: its two processes (issue 16), the keeper (its pid is in
# the state entry) and its control process (the keeper's child running the helper).
for f in "$STATE"/*; do
	case $f in *.sock) continue ;; esac
	pid=$(sed -n 's/^monitor_pid=//p' "$f")
	ctl=$(for c in $(pgrep -P "$pid"); do
		[ "$(readlink "/proc/$c/exe")" = "$(readlink "/proc/$pid/exe")" ] && echo "$c"
	done)
	for p in $pid $ctl; do cat "/proc/$p/smaps_rollup"; done |
		awk '/^Pss:/ { p += $2 } /^Private_Dirty:/ { d += $2 } END { print p, d }'
done > "$tmp/monmem.txt"
# An attached frontend (pipe mode: stdin a fifo we hold open; its pid is
# cnspawn's, as nsenter, setpriv and env exec in place).
mkfifo "$tmp/fifo"
nsenter --net="/run/netns/$NS" setpriv --reuid=cntest --regid=cntest --init-groups -- \
	env -i PATH=/usr/bin:/bin HOME=/home/cntest "$CNSPAWN" attach c1 < "$tmp/fifo" > /dev/null 2>&1 &
att=$!
_bg_pids="$att"
exec 7> "$tmp/fifo"
sleep 1
att_pss=$(awk '/^Pss:/ { print $2 }' "/proc/$att/smaps_rollup" 2> /dev/null || echo "?")
att_comm=$(cat "/proc/$att/comm" 2> /dev/null || echo "?")
kill "$att" 2> /dev/null || true
wait "$att" 2> /dev/null || true
exec 7>&-
_bg_pids=""

say "stopping them"
: > "$tmp/stop.txt"
t0=$(date +%s%N)
i=1
while [ "$i" -le "$N" ]; do
	user "$tmp/stopwatch" -- "$CNSPAWN" stop -t 5 "c$i" < /dev/null > "$tmp/one.txt"
	read -r _ ms st < "$tmp/one.txt"
	[ "$st" = 0 ] || say "stop of c$i: status $st"
	echo "$i $ms" >> "$tmp/stop.txt"
	i=$((i + 1))
done
t1=$(date +%s%N)
# The 1st after the last round.
settle
measure 1 "$tmp/first.$((ROUNDS + 1))" ""
measure_end
# And after the 1st's repeated starts.
left_count

at() { awk -v n="$1" '$1 == n { print $2 }' "$tmp/start.txt"; }
mid=$(( (N + 1) / 2 ))
[ "$N" -ge 100 ] && mid=100
echo
echo "$N detached containers (cnspawn -d), one user, one rule (max $N, $NET.0/24), one after another:"
printf '  start of the 1st, %dth, %dth:  %s ms, %s ms, %s ms   (%dth / 1st = %.2f; goal <= 1.5)\n' \
	"$mid" "$N" "$(at 1)" "$(at "$mid")" "$(at "$N")" "$N" "$(echo "$(at "$N") $(at 1)" | awk '{ print $1 / $2 }')"
med() { cat "$@" | stats 2 | cut -d' ' -f1; }
a_meds="" z_meds="" rr=""
r=1
while [ "$r" -le "$ROUNDS" ]; do
	z=$(med "$tmp/last.$r")
	a_meds="$a_meds $(med "$tmp/first.$r")"
	z_meds="$z_meds $z"
	rr="$rr $(echo "$z $(med "$tmp/first.$r" "$tmp/first.$((r + 1))")" | awk '{ printf "%.2f", $1 / $2 }')"
	r=$((r + 1))
done
a_meds="$a_meds $(med "$tmp/first.$((ROUNDS + 1))")"
a_all=$(med "$tmp"/first.[0-9])
z_all=$(med "$tmp"/last.[0-9])
printf '  the 1st (0 others running) and the %dth (%d others), %d times each (started and stopped again), in %d rounds of starting and stopping the others:\n' \
	"$N" "$((N - 1))" "$REPEAT" "$ROUNDS"
echo "    1st: medians$a_meds ms (before each round and after the last)"
echo "    ${N}th: medians$z_meds ms"
echo "    ${N}th / 1st, each round against the 1st before and after it:$rr"
printf '    all together: median %s ms / %s ms = %.2f   (goal <= 1.5)\n' "$z_all" "$a_all" \
	"$(echo "$z_all $a_all" | awk '{ print $1 / $2 }')"
a_one=$(med "$tmp/first.1")
printf '    against the 1st before any other ran only: median %s ms / %s ms = %.2f\n' "$z_all" "$a_one" \
	"$(echo "$z_all $a_one" | awk '{ print $1 / $2 }')"
# The same over the floor timed at the same moments: the VM's drift
# divided out (the floor's own change is printed first).
# shellcheck disable=SC2046 # one word per file: $tmp has no blanks
fl() { med $(for f in "$@"; do echo "$f.floor"; done); }
over() { echo "$(med "$@") $(fl "$@")" | awk '{ print $1 / $2 }'; }
fa_all=$(fl "$tmp"/first.[0-9])
fz_all=$(fl "$tmp"/last.[0-9])
printf '    the floor, run between those starts: median %s ms with the 1st, %s ms with the %dth (%.2f)\n' \
	"$fa_all" "$fz_all" "$N" "$(echo "$fz_all $fa_all" | awk '{ print $1 / $2 }')"
rr=""
r=1
while [ "$r" -le "$ROUNDS" ]; do
	rr="$rr $(echo "$(over "$tmp/last.$r") $(over "$tmp/first.$r" "$tmp/first.$((r + 1))")" | awk '{ printf "%.2f", $1 / $2 }')"
	r=$((r + 1))
done
echo "    ${N}th / 1st, each over the floor of its moment, each round:$rr"
printf '    all together, each over the floor of its moment: %.2f\n' \
	"$(echo "$(over "$tmp"/last.[0-9]) $(over "$tmp"/first.[0-9])" | awk '{ print $1 / $2 }')"
if [ "$BPF" = 1 ] && [ -s "$tmp/bpf.first" ] && [ -s "$tmp/bpf.last" ]; then
	printf '#include <sys/syscall.h>\n' | cpp -dM 2> /dev/null |
		awk '$1 == "#define" && $2 ~ /^__NR_/ { sub(/^__NR_/, "", $2); print $3, $2 }' > "$tmp/nr.txt"
	echo "    where the ${N}th's extra time goes: kernel time of the helper's system calls (bpftrace),"
	echo "    per start (not its stop), with 0 and with $((N - 1)) others running; the most grown (poll, wait4: waiting):"
	awk -v r="$REPEAT" '
		FILENAME ~ /nr\.txt$/ { name[$1] = $2; next }
		/^@t\[[0-9]+\]: [0-9]+$/ {
			split($1, a, /[][]/)
			if (FILENAME ~ /first$/) f[a[2]] = $2 / r / 1000; else l[a[2]] = $2 / r / 1000
			ids[a[2]] = 1
		}
		END {
			for (id in ids) {
				if (name[id] == "poll" || name[id] == "wait4") continue
				tf += f[id]; tl += l[id]
				printf "%.0f %s %.0f %.0f\n", l[id] - f[id], (id in name) ? name[id] : id, f[id], l[id]
			}
			printf "%.0f %s %.0f %.0f\n", 1e9, "(all)", tf, tl
		}' "$tmp/nr.txt" "$tmp/bpf.first" "$tmp/bpf.last" | sort -rn | head -n 11 |
		while read -r d n f l; do
			[ "$n" = "(all)" ] && d=$((l - f))
			printf '      %-16s %6s us -> %6s us   (%+d us)\n' "$n" "$f" "$l" "$d"
		done
fi
read -r s_med s_max << EOF
$(stats 2 < "$tmp/start.txt")
EOF
printf '  start, all %d:                  median %s ms, max %s ms\n' "$N" "$s_med" "$s_max"
k=10
[ "$N" -ge 20 ] || k=$(( (N + 1) / 2 ))
read -r f_med _ << EOF
$(head -n "$k" "$tmp/start.txt" | stats 2)
EOF
read -r e_med _ << EOF
$(tail -n "$k" "$tmp/start.txt" | stats 2)
EOF
printf '  start, first %d and last %d:    median %s ms and %s ms (last / first = %.2f; less noisy than one start)\n' \
	"$k" "$k" "$f_med" "$e_med" "$(echo "$e_med $f_med" | awk '{ print $1 / $2 }')"
read -r l_med l_max << EOF
$(stats 2 < "$tmp/list.txt")
EOF
read -r j_med _ << EOF
$(stats 2 < "$tmp/listjson.txt")
EOF
printf '  cnspawn list with %d running:  median %s ms (max %s) of 10; --json %s ms   (goal <= 100 ms)\n' \
	"$running" "$l_med" "$l_max" "$j_med"
read -r p_med p_max << EOF
$(awk '{ print 0, $1 }' "$tmp/monmem.txt" | stats 2)
EOF
read -r d_med d_max << EOF
$(awk '{ print 0, $2 }' "$tmp/monmem.txt" | stats 2)
EOF
printf '  monitor memory (%d monitors):  Pss median %s KiB, max %s KiB (goal <= 2048); Private_Dirty median %s KiB, max %s KiB (goal <= 1024)\n' \
	"$(wc -l < "$tmp/monmem.txt")" "$p_med" "$p_max" "$d_med" "$d_max"
printf '  an attached frontend (%s):    Pss %s KiB   (goal <= 2048)\n' "$att_comm" "$att_pss"
printf '  host memory per container:     %.0f KiB (MemAvailable %d MiB before, %d MiB with %d running)\n' \
	"$(echo "$mem_before $mem_after $N" | awk '{ print ($1 - $2) / $3 }')" \
	"$((mem_before / 1024))" "$((mem_after / 1024))" "$N"
read -r t_med t_max << EOF
$(stats 2 < "$tmp/stop.txt")
EOF
printf '  cnspawn stop (init exits on its stop signal): median %s ms, max %s ms each; %s ms for all %d (the loop, with nsenter/setpriv per stop)\n' \
	"$t_med" "$t_max" "$(( (t1 - t0) / 1000000 ))" "$N"
echo
printf '  left after the stops: %d veth, %d state entries, %d sockets, %d cgroups (%s), %d monitors (waited for at most %d ms)\n' \
	"$left_veth" "$left_state" "$left_sock" "$left_cg" "$(echo "$CGROUP_DIRS" | tr -s ' \t\n' ' ' | sed 's/ $//')" "$left_mon" "$((mon_max * 50))"
if [ "$left_veth$left_state$left_sock$left_cg$left_mon" = 00000 ]; then
	echo "  everything was cleaned up"
else
	echo "  NOT CLEAN: something was left (removed now by the exit trap)"
fi
say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
