#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The syscall filter (helper/sysfilter.c, issue 14) under both rules: init
# carries it (Seccomp: 2, one filter) without no_new_privs (NoNewPrivs: 0, so
# setuid programs inside still work); sysprobe (sysprobe.c) inside calls each
# denied call and gets EPERM, an audit socket gets EAFNOSUPPORT, on the
# native ABI and, on x86-64, through i386 (int $0x80) and x32 numbers; what
# stays allowed still works. The i386 socketcall gap is recorded, not judged.
set -eu
. "$(dirname "$0")/lib.sh"
need_programs
command -v gcc > /dev/null || { echo "1..0 # SKIP no gcc to build sysprobe"; exit 77; }
PROBE=$HOSTTMP/sysprobe
if ! gcc -static -O2 -o "$PROBE" "$(dirname "$0")/sysprobe.c" 2> "$_work/gcc.err"; then
	diag "$(cat "$_work/gcc.err")"
	echo "1..0 # SKIP cannot build sysprobe statically"
	exit 77
fi
remove_on_exit "$PROBE"
# The host's setting, read here as the helper reads it at start.
uffd=0
[ "$(cat /proc/sys/vm/unprivileged_userfaultfd 2> /dev/null || true)" = 1 ] && uffd=1
X86_64=0
[ "$(uname -m)" = x86_64 ] && X86_64=1

DENIED="kexec_load kexec_file_load init_module finit_module delete_module create_module
	query_module swapon swapoff open_by_handle_at add_key request_key keyctl bpf
	perf_event_open fanotify_init quotactl quotactl_fd lookup_dcookie acct settimeofday
	clock_settime clock_adjtime adjtimex ioperm iopl syslog _sysctl uselib io_uring_setup io_uring_enter io_uring_register
	modify_ldt keyctl-nr-hi32"
DENIED_I386="keyctl bpf perf_event_open kexec_load open_by_handle_at add_key stime
	clock_settime64 settimeofday iopl io_uring_setup modify_ldt vm86old"
DENIED_X32="keyctl bpf perf_event_open kexec_load open_by_handle_at"

# compat_case MODE: the i386 and x32 lines of the last probe run (in OUT).
compat_case() {
	if printf '%s\n' "$OUT" | grep -q '^skip i386:'; then
		skip "$1: i386 calls" "$(printf '%s\n' "$OUT" | sed -n 's/^skip i386: //p')"
	else
		for n in $DENIED_I386; do
			like "$1: i386 $n (int \$0x80) fails with EPERM" "^ok i386 $n: EPERM\$" "$OUT"
		done
	fi
	diag "$1: documented gap (sysfilter.c):" "$(printf '%s\n' "$OUT" | grep '^info i386' || true)"
	if printf '%s\n' "$OUT" | grep -q '^skip x32:'; then
		skip "$1: x32 calls reach the kernel's x32 ABI" "this kernel has no x32 ABI"
		abi=x32-filter
	else
		abi=x32
	fi
	# Without the filter these are ENOSYS on a kernel without x32: EPERM is the filter.
	for n in $DENIED_X32; do
		like "$1: $abi $n (bit 30) fails with EPERM" "^ok $abi $n: EPERM\$" "$OUT"
	done
	like "$1: $abi audit socket fails with EAFNOSUPPORT" \
		"^ok $abi socket-netlink-audit: EAFNOSUPPORT\$" "$OUT"
}

# probe_case MODE ROOT: run sysprobe as a process of the container's init.
probe_case() {
	cp "$PROBE" "$2/sysprobe"
	incont "$2" "/sysprobe uffd=$uffd; echo probe-rc=\$?"
	diag "$(printf '%s\n' "$OUT" | grep -E '^(bad|skip|info|sysprobe:)' || true)"
	is "$1: the container ran (exit 0)" 0 "$RC"
	[ "$RC" = 0 ] || diag "$ERR"
	for n in $DENIED; do
		like "$1: $n fails with EPERM" "^ok native $n: EPERM\$" "$OUT"
	done
	like "$1: socket(AF_NETLINK, NETLINK_AUDIT) fails with EAFNOSUPPORT" \
		'^ok native socket-netlink-audit: EAFNOSUPPORT$' "$OUT"
	like "$1: ... also with bits above 32 set in its int arguments" \
		'^ok native socket-netlink-audit-hi32: EAFNOSUPPORT$' "$OUT"
	if [ "$uffd" = 1 ]; then
		like "$1: userfaultfd works (host allows it to all users)" \
			'^ok native userfaultfd: success$' "$OUT"
	else
		like "$1: userfaultfd fails with EPERM (host: vm.unprivileged_userfaultfd=0)" \
			'^ok native userfaultfd: EPERM$' "$OUT"
	fi
	like "$1: userfaultfd(UFFD_USER_MODE_ONLY) still works" \
		'^ok native userfaultfd-user-mode-only: success$' "$OUT"
	like "$1: socket(AF_NETLINK, NETLINK_ROUTE) still works" \
		'^ok native socket-netlink-route: success$' "$OUT"
	if [ "$X86_64" = 1 ]; then compat_case "$1"; fi
	like "$1: sysprobe found nothing bad" '^sysprobe: [0-9]+ ok, 0 bad, [0-9]+ skipped$' "$OUT"
	is "$1: sysprobe exit status" "probe-rc=0" "$(printf '%s\n' "$OUT" | grep '^probe-rc=' || true)"
	assert_clean "$1 probe"
}

# init_of MARKER: host pid of the container init whose command line has MARKER,
# whatever its uid (lib.sh's init_pid looks for uid 0 only; a userns init runs
# as the rule's first host uid), waiting up to 10 s.
init_of() {
	for _i in $(seq 1 100); do
		for _p in $(pgrep -f -- "$1" || true); do
			_ns=$(sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$_p/status" 2>/dev/null || true)
			case $_ns in *[[:space:]]1) echo "$_p"; return 0 ;; esac
		done
		sleep 0.1
	done
	return 1
}

# status_case MODE ROOT: init's filter state, read from the host.
status_case() {
	bg_container "$2" "t66-$1"
	if ip=$(init_of "t66-$1"); then
		st=$(grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' "/proc/$ip/status" || true)
		diag "$1: $st"
		like "$1: init is filtered (Seccomp: 2)" '^Seccomp:[[:space:]]+2$' "$st"
		like "$1: by one filter (Seccomp_filters: 1)" '^Seccomp_filters:[[:space:]]+1$' "$st"
		like "$1: without no_new_privs (NoNewPrivs: 0)" '^NoNewPrivs:[[:space:]]+0$' "$st"
		stop_container "$2" "t66-$1"
		is "$1: the container ends normally" 0 "$RC"
	else
		not_ok "$1: container init found" "$(cat "$_work/bg.err")"
		kill "$BG_PID" 2> /dev/null || true
		bg_wait
	fi
	assert_clean "$1 status"
}

mkcopy t66
status_case privileged "$COPY"
probe_case privileged "$COPY"
# reboot is not filtered: the kernel's own magic check answers (EINVAL). Under
# userns rules the kernel refuses it first (the PID namespace is the host
# root's), so only the privileged run can tell.
like "privileged: reboot reaches the kernel (bad magic: EINVAL)" \
	'^info native reboot-bad-magic: EINVAL$' "$OUT"

if [ -d "$USERNS_ROOTS" ]; then
	ucopy t66
	U=$UCOPY
	status_case userns "$U"
	probe_case userns "$U"
else
	skip "userns: the filter" "no $USERNS_ROOTS (run run.sh)"
fi
done_testing
