#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/start.sh: how long one container takes from start to exit (issue 12),
# cnspawn against the bare-namespace floor, bwrap and systemd-nspawn (crun
# and lxc-execute where they work), all measured in the same run; then
# where cnspawn's time goes (strace of a start) and its time to console.
# Not a test; never run in CI. Needs root; see bench/README.md.
# Knobs: RUNS (30), WARMUP (3), TRACES (5), BENCH_PREFIX (/opt/cnspawn-bench).
set -eu

NS=cnspawn-bench-start
NET=198.18.2
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-30}
WARMUP=${WARMUP:-3}
TRACES=${TRACES:-5}

[ -d /run/systemd/nspawn ] || NSPAWN_RUNDIR_NEW=1
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
need hyperfine hyperfine || die "hyperfine missing (apt-get install hyperfine)"
need strace strace || die "strace missing (apt-get install strace)"
need bwrap bubblewrap || say "bubblewrap not available: its row is skipped"
need systemd-nspawn systemd-container || say "systemd-nspawn not available: its row is skipped"

build_install
make_root
put_policy "max 4 init /sbin/init init /sbin/echo-init"
make_netns
# systemd-nspawn refuses a root without /usr ("doesn't look like an OS tree")
# and writes into the root it runs (/var/log/journal, /run, /etc/localtime):
# it gets its own copy, so the root of the other rows stays the issue's.
NROOT=$MACHINES/nspawn
cp -a "$ROOT" "$NROOT"
install -d -o root -g root -m 0755 "$NROOT/usr"

# Rows: NAME|WHO|COMMAND (no shell: hyperfine -N splits COMMAND at spaces).
rows=$tmp/rows
{
	echo "floor|root|unshare --mount --uts --ipc --pid --net --fork --mount-proc chroot $ROOT /bin/true"
	echo "cnspawn|cntest|$CNSPAWN -q -p $ROOT -b br0"
	echo "bwrap|cntest|bwrap --unshare-all --ro-bind $ROOT / --proc /proc --dev /dev /bin/true"
	echo "systemd-nspawn|root|systemd-nspawn -q --register=no --keep-unit -D $NROOT --network-bridge=br0 /bin/true"
	if command -v crun > /dev/null 2>&1; then
		mkdir -p "$tmp/crun"
		(cd "$tmp/crun" && crun spec) && sed -i -e 's/"terminal": true/"terminal": false/' \
			-e 's|"sh"|"/bin/true"|' -e "s|\"path\": \"rootfs\"|\"path\": \"$ROOT\"|" \
			"$tmp/crun/config.json"
		echo "crun|root|crun run --bundle $tmp/crun cnspawn-bench-crun"
	fi
	if command -v lxc-execute > /dev/null 2>&1; then
		echo "lxc-execute|root|lxc-execute -n cnspawn-bench-lxc -s lxc.rootfs.path=dir:$ROOT -s lxc.net.0.type=empty -- /bin/true"
	fi
} > "$rows"
command -v crun > /dev/null 2>&1 || say "crun not installed: its row is skipped"
command -v lxc-execute > /dev/null 2>&1 || say "lxc-execute not installed: its row is skipped"

# One trial run of each; a command that fails here is skipped, with its reason.
run_as() {
	_who=$1; shift
	if [ "$_who" = root ]; then innet "$@"; else user "$@"; fi
}
ok_rows=$tmp/ok
: > "$ok_rows"
while IFS='|' read -r name who cmd; do
	# shellcheck disable=SC2086
	if run_as "$who" $cmd < /dev/null > "$tmp/trial.out" 2>&1; then
		echo "$name|$who|$cmd" >> "$ok_rows"
	else
		say "$name failed here, row skipped: $(tr '\n' ' ' < "$tmp/trial.out" | cut -c1-300)"
	fi
done < "$rows"
grep -q '^floor|' "$ok_rows" || die "the floor itself failed"
grep -q '^cnspawn|' "$ok_rows" || die "cnspawn failed"

# hyperfine_as WHO CSV: every row of WHO in one hyperfine run.
hyperfine_as() {
	set -- "$1" "$2" -N --style none -r "$RUNS" -w "$WARMUP" --export-csv "$2"
	_who=$1 _csv=$2; shift 2
	while IFS='|' read -r name who cmd; do
		[ "$who" = "$_who" ] && set -- "$@" -n "$name" "$cmd"
	done < "$ok_rows"
	run_as "$_who" hyperfine "$@" < /dev/null > "$tmp/hyperfine.log" 2>&1 ||
		{ cat "$tmp/hyperfine.log"; die "hyperfine failed"; }
}

machine_note
say "measuring: $RUNS runs, $WARMUP warm-up, hyperfine -N (holding $INTEGRATION_LOCK)"
measure_begin
hyperfine_as root "$tmp/root.csv"
hyperfine_as cntest "$tmp/u/user.csv"
# Time to console: init is `#!/bin/echo x`; stopwatch forks cnspawn with
# stdout a pipe and times its first byte and its exit.
user "$tmp/stopwatch" -n "$RUNS" -w "$WARMUP" -- "$CNSPAWN" -q -p "$ROOT" -b br0 \
	--init /sbin/echo-init < /dev/null > "$tmp/console.txt"
innet "$tmp/stopwatch" -n "$RUNS" -w "$WARMUP" -- chroot "$ROOT" /sbin/echo-init \
	< /dev/null > "$tmp/initalone.txt"
# Where the time goes: TRACES traced starts (strace -u runs cnspawn as
# cntest and follows it into the setuid helper, whose setuid bit is honoured
# because strace runs as root).
i=1
while [ "$i" -le "$TRACES" ]; do
	innet env -i PATH=/usr/bin:/bin HOME=/home/cntest strace -u cntest -f -tt -T -s 256 \
		-o "$tmp/trace.$i" "$CNSPAWN" -q -p "$ROOT" -b br0 < /dev/null > /dev/null
	i=$((i + 1))
done
measure_end
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# median NAME: hyperfine's median of that row in ms, empty when not measured.
median() {
	cat "$tmp/root.csv" "$tmp/u/user.csv" 2> /dev/null |
		awk -F, -v n="$1" '$1 == n { printf "%.2f\n", $4 * 1000 }'
}
floor=$(median floor)
cn=$(median cnspawn)
nsp=$(median systemd-nspawn)
echo
echo "start to exit, median of $RUNS (hyperfine -N, $WARMUP warm-up), /sbin/init = #!/bin/true:"
printf '  %-16s %10s  %s\n' case median "x floor"
while IFS='|' read -r name who cmd; do
	m=$(median "$name")
	[ -n "$m" ] || continue
	printf '  %-16s %7s ms  %6.2f   (%s: %s)\n' "$name" "$m" "$(echo "$m $floor" | awk '{ print $1 / $2 }')" \
		"$who" "$(echo "$cmd" | sed "s|$MACHINES/[a-z]*|ROOT|g; s|$P/bin/||; s|$tmp|TMP|g")"
done < "$ok_rows"
echo
printf '  cnspawn / floor          = %.2f   (goal <= 4; moonshot <= 2)\n' "$(echo "$cn $floor" | awk '{ print $1 / $2 }')"
if [ -n "$nsp" ]; then
	printf '  cnspawn / systemd-nspawn = %.2f   (goal <= 0.2)\n' "$(echo "$cn $nsp" | awk '{ print $1 / $2 }')"
else
	echo "  cnspawn / systemd-nspawn = ?   (systemd-nspawn did not run here; see above)"
fi

echo
read -r first_med first_max << EOF
$(stats 1 < "$tmp/console.txt")
EOF
read -r exit_med exit_max << EOF
$(stats 2 < "$tmp/console.txt")
EOF
read -r alone_med _ << EOF
$(stats 2 < "$tmp/initalone.txt")
EOF
echo "time to console (init #!/bin/echo x, stdout a pipe; medians of $RUNS; stopwatch.c):"
printf '  exec of cnspawn to init'"'"'s first byte at the user:  %6.1f ms (max %s)\n' "$first_med" "$first_max"
printf '  exec of cnspawn to its exit:                       %6.1f ms (max %s)\n' "$exit_med" "$exit_max"
printf '  init alone (chroot ROOT /sbin/echo-init, as root): %6.1f ms (an upper bound of its run time)\n' "$alone_med"
printf '  time to console / (start-to-exit - init alone) = %.2f   (goal <= 1.5)\n' \
	"$(echo "$first_med $exit_med $alone_med" | awk '{ d = $2 - $3; print (d > 0) ? $1 / d : 0 }')"

echo
if [ "$TRACES" -eq 0 ]; then
	echo "where cnspawn's time goes: not traced (TRACES=0)"
	echo
	say "load average before the table was printed: $load_after"
	exit 0
fi
# The trace whose traced total is the median of the TRACES.
pick=$(for f in "$tmp"/trace.*; do
	awk -v untraced_ms="$cn" -f "$here/phases.awk" "$f" "$f" |
		awk -v f="$f" '/^  total,/ { print $(NF - 2), f }'
done | sort -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
echo "where cnspawn's time goes (strace -f -tt -T of a start; the median of $TRACES traced starts by total):"
awk -v untraced_ms="$cn" -f "$here/phases.awk" "$pick" "$pick"
[ -S /dev/log ] || echo "  (no syslog daemon on this machine: /dev/log is absent, so each syslog line costs a failed connect)"
echo
say "load average before the table was printed: $load_after"
