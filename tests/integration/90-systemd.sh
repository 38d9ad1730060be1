#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Boot a stock Debian 12 root (debootstrap --include=systemd-sysv,iproute2,
# iputils-ping bookworm, cached by mkdebian.sh; only a root password set on a
# per-run copy) with systemd as PID 1, as cntest, on the console in tmux:
# login prompt, root login, system state, network, the container interface
# (cgroup2, container_uuid, /run/host, detect-virt), PID 1 under the syscall
# filter without no_new_privs, no failed unit, then `poweroff` -> 0,
# and SIGRTMIN+4 from the host -> 0; nothing (cgroup included) left behind.
# Once under the privileged rule, once under the userns rule (skipped while
# the helper refuses userns rules); then both again ephemerally (-x), with
# the rule's dns server (a dnsmasq on br0) answering getent hosts, and the
# root on disk unchanged. Boot time to the login prompt is printed.
#
# The frontend runs under `nsenter --net` rather than `ip netns exec`: the
# latter also remounts /sys, which hides the host's /sys/fs/cgroup from the
# helper (it would then start the container without a cgroup of its own).
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
command -v tmux > /dev/null || { echo "1..0 # SKIP tmux not installed"; exit 77; }
CACHE=${CNSPAWN_DEBIAN_CACHE:-/var/cache/cnspawn-test/bookworm}
PASS=cnspawn-t90
SOCK=cnspawn-t90-$$

rc=0
sh "$(dirname "$0")/mkdebian.sh" "$CACHE" > "$_work/mkdebian.log" 2>&1 || rc=$?
cat "$_work/mkdebian.log" | sed 's/^/# /'
[ "$rc" = 0 ] || { echo "1..0 # SKIP no Debian root (mkdebian.sh exit $rc)"; exit 77; }

D=$(mktemp -d /tmp/cnspawn-90.XXXXXX)
chown cntest:cntest "$D"
chmod 0755 "$D"
remove_on_exit "$D"
on_exit "ntm kill-server 2>/dev/null || true"
# A terminal frontend that goes away only detaches: stop what this script started.
for _n in t90priv t90userns t90ephp t90ephu; do on_exit "nas '$CNSPAWN' stop --kill $_n > /dev/null 2>&1 || true"; done

# As cntest in the harness's netns but the host's mount namespace.
nas() {
	nsenter --net="/run/netns/$NETNS" setpriv --reuid=cntest --regid=cntest --init-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/home/cntest TERM=xterm "$@"
}
ntm() { nas tmux -L "$SOCK" "$@"; }
screen() { ntm capture-pane -p -S -200 -t "$1" 2> /dev/null || true; }
screen_has() { screen "$1" | grep -Eq -- "$2"; }

# debcopy DIR: a copy of the cached root with the root password set, removed on exit.
debcopy() {
	rm -rf "$1"
	cp -a --reflink=auto "$CACHE" "$1"
	remove_on_exit "$1"
	rm -f "$1/.cnspawn-complete"
	echo "root:$PASS" | chroot "$1" chpasswd
}

# cgroup_left NAME: the container's cgroup directory, if it still exists.
cgroup_left() {
	for _c in $CGROUP_DIRS; do
		[ -d "$_c/$1" ] && echo "$_c/$1"
	done
	return 0
}

# boot TAG ROOT ADDR: start the frontend in tmux session TAG; BOOT_S = seconds to "login:".
boot() {
	rm -f "$D/$1.rc"
	ntm -f /dev/null new-session -d -s "$1" -x 160 -y 50 \
		"$CNSPAWN -p '$2' -b br0 -a '$3/24' ${BOOT_OPTS:-} 2> '$D/$1.err'; echo \$? > '$D/$1.rc1'; mv '$D/$1.rc1' '$D/$1.rc'; sleep 600"
	_t0=$(date +%s%N)
	if ! wait_for 90 screen_has "$1" 'login: *$'; then
		not_ok "$1: login prompt on the console" "$(screen "$1" | tail -n 30)" \
			"stderr: $(cat "$D/$1.err" 2> /dev/null)"
		return 1
	fi
	BOOT_S=$(( ($(date +%s%N) - _t0) / 1000000 ))
	ok "$1: login prompt on the console"
	diag "$1: boot to login prompt: $((BOOT_S / 1000)).$(printf %03d $((BOOT_S % 1000))) s"
}

# t90_out ROOT: the checks' output, from ROOT/root on disk, or with EPHEMERAL=NAME
# from the container through `cnspawn exec` (it is in the overlay, not on disk).
t90_out() {
	if [ -n "${EPHEMERAL:-}" ]; then
		nas "$CNSPAWN" exec "$EPHEMERAL" -- cat /root/t90.out 2> /dev/null
	else
		cat "$1/root/t90.out" 2> /dev/null
	fi
}
t90_done() { t90_out "$1" | grep -q '^end$'; }

# login_and_check TAG ROOT ADDR: log in as root, run the checks, results via t90_out.
login_and_check() {
	_lt=$1 _lr=$2 _la=$3
	rm -f "$2/root/t90.out"
	ntm send-keys -t "$_lt" -l root
	ntm send-keys -t "$_lt" Enter
	wait_for 20 screen_has "$_lt" 'Password: *$' || { not_ok "$_lt: password prompt" "$(screen "$_lt" | tail)"; return 1; }
	ntm send-keys -t "$_lt" -l "$PASS"
	ntm send-keys -t "$_lt" Enter
	# One line typed literally (-l: no key names, and tmux never sees a ';').
	_cmd='{ echo state=$(timeout 90 systemctl is-system-running --wait)'
	_cmd="$_cmd; systemctl --failed --no-legend --plain | sed 's/^/failed=/'"
	_cmd="$_cmd; ip -4 -o addr show eth0 | sed 's/^/addr=/'"
	_cmd="$_cmd; ping -c 1 -W 3 198.18.0.1 > /dev/null && echo ping=ok"
	_cmd="$_cmd; echo comm=\$(cat /proc/1/comm); echo virt=\$(systemd-detect-virt -c)"
	_cmd="$_cmd; sed -n 's/^\\(Seccomp\\|NoNewPrivs\\):[[:space:]]*/\\1=/p' /proc/1/status"
	_cmd="$_cmd; echo manager=\$(cat /run/host/container-manager)"
	_cmd="$_cmd; echo cgfs=\$(stat -fc %T /sys/fs/cgroup); echo cg=\$(tr '\\n' ' ' < /proc/1/cgroup)"
	_cmd="$_cmd; echo mid=\$(cat /etc/machine-id) uuid=\$(tr '\\0' '\\n' < /proc/1/environ | sed -n 's/^container_uuid=//p' | tr -d -)"
	_cmd="$_cmd; [ -e /root/t90-dns ] && echo dns=\$(getent hosts web.cnspawn.test)"
	_cmd="$_cmd; echo end; } > /root/t90.out 2>&1"
	ntm send-keys -t "$_lt" -l "$_cmd"
	ntm send-keys -t "$_lt" Enter
	if ! wait_for 120 t90_done "$_lr"; then
		not_ok "$_lt: logged in, checks ran" "$(screen "$_lt" | tail -n 20)"
		return 1
	fi
	ok "$_lt: logged in as root with the password, checks ran"
	_out=$(t90_out "$_lr")
	like "$_lt: systemctl is-system-running: running or degraded" '^state=(running|degraded)$' "$_out"
	_f=$(printf '%s\n' "$_out" | sed -n 's/^failed=//p')
	[ -z "$_f" ] && diag "$_lt: no failed units" || diag "$_lt: failed units:" "$_f"
	unlike "$_lt: no failed unit about the console, cgroups or mounts" 'console|cgroup|mount' "$_f"
	is "$_lt: no failed unit at all (issue 14: with the syscall filter)" "" "$_f"
	like "$_lt: eth0 has $_la/24" "^addr=.*inet $_la/24" "$_out"
	like "$_lt: ping of the gateway" '^ping=ok$' "$_out"
	like "$_lt: PID 1 is systemd" '^comm=systemd$' "$_out"
	like "$_lt: PID 1 is under the syscall filter (Seccomp: 2)" '^Seccomp=2$' "$_out"
	like "$_lt: ... without no_new_privs (NoNewPrivs: 0)" '^NoNewPrivs=0$' "$_out"
	like "$_lt: systemd-detect-virt -c says container-other" '^virt=container-other$' "$_out"
	like "$_lt: /run/host/container-manager says cnspawn" '^manager=cnspawn$' "$_out"
	like "$_lt: /sys/fs/cgroup is cgroup2, rooted at the container" '^cgfs=cgroup2fs$' "$_out"
	like "$_lt: init's cgroup is /init.scope in its namespace" '^cg=.*0::/init\.scope' "$_out"
	like "$_lt: machine id is container_uuid" '^mid=([0-9a-f]{32}) uuid=\1$' "$_out"
	if [ -e "$_lr/root/t90-dns" ]; then
		like "$_lt: getent hosts resolves through the rule's dns server (dnsmasq on br0)" \
			'^dns=198\.18\.0\.77 +web\.cnspawn\.test$' "$_out"
	fi
}

# ended TAG NAME DESC: wait (30 s) for the frontend's exit; status 0, nothing left behind.
ended() {
	if wait_for 30 test -e "$D/$1.rc"; then
		is "$1: $3 ends the frontend with status 0 within 30 s" 0 "$(cat "$D/$1.rc")"
	else
		not_ok "$1: $3 ends the frontend with status 0 within 30 s" "$(screen "$1" | tail -n 20)"
		# A terminal frontend that goes away only detaches: stop the container itself.
		nas "$CNSPAWN" stop --kill "$2" > /dev/null 2>&1 || true
	fi
	ntm kill-session -t "$1" > /dev/null 2>&1 || true
	assert_clean "$1"
	is "$1: no cgroup left" "" "$(cgroup_left "$2")"
}

# login_check TAG NAME: `cnspawn login NAME` in a second tmux session: Debian's own
# login asks for root's password and gives a shell; `exit` ends the frontend with 0.
login_check() {
	_ls=$1-login
	rm -f "$D/$_ls.rc"
	ntm -f /dev/null new-session -d -s "$_ls" -x 120 -y 30 \
		"$CNSPAWN login $2 2> '$D/$_ls.err'; echo \$? > '$D/$_ls.r'; mv '$D/$_ls.r' '$D/$_ls.rc'; sleep 600"
	if ! wait_for 30 screen_has "$_ls" 'login: *$'; then
		not_ok "$1: cnspawn login: the container's login prompt" "$(screen "$_ls" | tail -n 10)" \
			"stderr: $(cat "$D/$_ls.err" 2> /dev/null)"
		ntm kill-session -t "$_ls" > /dev/null 2>&1 || true
		return 0
	fi
	ntm send-keys -t "$_ls" -l root
	ntm send-keys -t "$_ls" Enter
	wait_for 20 screen_has "$_ls" 'Password: *$' || true
	ntm send-keys -t "$_ls" -l "$PASS"
	ntm send-keys -t "$_ls" Enter
	ntm send-keys -t "$_ls" -l 'echo LOGIN-$((6*7)) $(tty)'
	ntm send-keys -t "$_ls" Enter
	if wait_for 20 screen_has "$_ls" '^LOGIN-42 /dev/pts/[0-9]+'; then
		ok "$1: cnspawn login: Debian's login, the password, a shell on a PTY of the container"
	else
		not_ok "$1: cnspawn login: Debian's login, the password, a shell on a PTY of the container" \
			"$(screen "$_ls" | tail -n 10)"
	fi
	ntm send-keys -t "$_ls" -l exit
	ntm send-keys -t "$_ls" Enter
	wait_for 20 test -e "$D/$_ls.rc" || true
	is "$1: cnspawn login: exit ends it with status 0" 0 "$(cat "$D/$_ls.rc" 2> /dev/null)"
	ntm kill-session -t "$_ls" > /dev/null 2>&1 || true
}

# run_boot TAG ROOT ADDR [NAME]: boot, log in, check, poweroff. BOOTED=1 if it booted.
BOOTED=0
run_boot() {
	BOOTED=0
	_rn=${4:-$(basename "$2")}
	if boot "$1" "$2" "$3"; then
		BOOTED=1
		if login_and_check "$1" "$2" "$3"; then
			[ -n "${EPHEMERAL:-}" ] || login_check "$1" "$_rn"
			ntm send-keys -t "$1" poweroff Enter
			ended "$1" "$_rn" "poweroff"
			return 0
		fi
	fi
	nas "$CNSPAWN" stop --kill "$_rn" > /dev/null 2>&1 || true
	ended "$1" "$_rn" "(stopped after a failure)"
}

# --- privileged rule --------------------------------------------------------
PRIV=$MACHINES/t90priv
debcopy "$PRIV"
run_boot t90priv "$PRIV" 198.18.0.90

# The stop signal systemd-nspawn uses: SIGRTMIN+4 = clean poweroff, status 0.
if [ "$BOOTED" = 1 ] && boot t90sig "$PRIV" 198.18.0.92; then
	if ip=$(init_pid /sbin/init) || ip=$(pgrep -u 0 -x systemd | head -n 1); then
		kill -s RTMIN+4 "$ip"
	fi
fi
ended t90sig t90priv "SIGRTMIN+4 to init"

# --- userns rule ------------------------------------------------------------
if [ -z "${USERNS_ROOTS:-}" ] || [ ! -d "$USERNS_ROOTS" ]; then
	skip "userns: boot to login" "the harness has no userns roots directory"
else
	USR=$USERNS_ROOTS/t90userns
	debcopy "$USR"
	incont "$USR" 'true'
	if [ "$RC" = 125 ] && printf '%s\n' "$ERR" | grep -q 'not supported yet'; then
		skip "userns: boot to login" "helper refuses userns rules: $ERR"
	else
		run_boot t90userns "$USR" 198.18.0.91
	fi
fi

# --- ephemeral, under both rules, with the rule's DNS (issue 15) ------------------
# The rules of the harness plus ephemeral, exec (to read the results out of the
# overlay) and dns 198.18.0.1: a dnsmasq of this test on br0, in the harness's
# netns, answering one name.
if command -v dnsmasq > /dev/null; then
	save_policy
	sed 's/^permit .*/& ephemeral exec dns 198.18.0.1/' "$orig" | put_policy
	nsenter --net="/run/netns/$NETNS" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address=198.18.0.1 --port=53 --pid-file= \
		--user=nobody --group=nogroup --address=/web.cnspawn.test/198.18.0.77 2> "$_work/dnsmasq.err" &
	_pids="$_pids $!"
	for _case in "t90ephp $PRIV 198.18.0.93" "t90ephu ${USR:-} 198.18.0.94"; do
		set -- $_case
		if [ -z "${2:-}" ]; then
			skip "$1: ephemeral boot" "no userns root"
			continue
		fi
		: > "$2/root/t90-dns"
		sum0=$(find "$2" -xdev -type f -newer "$2/root/t90-dns" 2> /dev/null | wc -l)
		EPHEMERAL=$1 BOOT_OPTS="-x -M $1"
		run_boot "$1" "$2" "$3" "$1"
		EPHEMERAL="" BOOT_OPTS=""
		is "$1: the root on disk got none of the boot's writes" "$sum0" \
			"$(find "$2" -xdev -type f -newer "$2/root/t90-dns" 2> /dev/null | wc -l)"
		check_fail "$1: the checks' output stayed in the overlay" test -e "$2/root/t90.out"
		rm -f "$2/root/t90-dns"
	done
	restore_policy
else
	skip "ephemeral boots with the rule's DNS" "dnsmasq not installed"
fi

done_testing
