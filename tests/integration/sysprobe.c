/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sysprobe [uffd=0|1]: the syscall filter as a container process sees it
 * (helper/sysfilter.c), for 66-seccomp.sh. Built static; run inside.
 *
 * Calls every denied system call with harmless arguments, each in a child of
 * its own (so a kill by the filter is a result, not the end of the probe),
 * and prints one line per call:
 *   ok ABI NAME: ERRNO          the result the filter gives
 *   bad ABI NAME: RESULT (want ERRNO)
 *   skip ABI: REASON            an ABI this kernel does not run
 *   info ABI NAME: RESULT       recorded, not judged (a documented gap)
 * then "sysprobe: N ok, M bad, K skipped"; exit 0 iff nothing was bad.
 * uffd= is the host's vm.unprivileged_userfaultfd (1: userfaultfd allowed).
 *
 * The arguments are chosen so that without the filter most calls succeed
 * or fail with something other than EPERM (EFAULT, EINVAL, ENOSYS...), which
 * is what makes "EPERM" mean "the filter". Where the kernel checks a dropped
 * capability before anything else (the module calls, acct), EPERM comes
 * without the filter too; the line still says what a container sees.
 *
 * i386 calls go through int $0x80 from this 64-bit program, x32 calls set
 * bit 30 of the number (x86-64 only). An ABI whose control call (getpid)
 * does not work is skipped; for x32 the denials are still checked, because
 * the filter sees the number before the kernel finds it has no x32.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FAN_CLASS_NOTIF_ 0x0
#define FAN_REPORT_FID_ 0x200
#define UFFD_USER_MODE_ONLY_ 1
#define QCMD_(cmd, type) (((cmd) << 8) | ((type)&0xff))
#define HI32 (1L << 32)
#define WANT_OK 0    /* the call must succeed */
#define WANT_INFO -1 /* record only */

enum abi { NATIVE, I386, X32 };
static const char *abi_name[] = {"native", "i386", "x32"};

struct probe {
	enum abi abi;
	const char *name;
	long nr;
	long a[5];
	int want; /* an errno, WANT_OK or WANT_INFO */
};

static int n_ok, n_bad, n_skip;

/* Low memory for i386 pointers: this static, non-PIE program's data. */
static unsigned int i386_sock_args[3] = {AF_NETLINK, SOCK_RAW, NETLINK_AUDIT};
static char zero[256];

#if defined(__x86_64__)
static long
int80(long nr, const long *a)
{
	long ret;

	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
	                 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
#endif

/* One call, in this process; the raw result (-errno on error). */
static long
call(const struct probe *p)
{
	long r;

#if defined(__x86_64__)
	if (p->abi == I386)
		return int80(p->nr, p->a);
	if (p->abi == X32) {
		r = syscall(p->nr | 0x40000000L, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4]);
		return r < 0 ? -errno : r;
	}
#endif
	r = syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4]);
	return r < 0 ? -errno : r;
}

/* Run the call in a child; *ret_sig is the signal that killed it, else 0. */
static long
call_in_child(const struct probe *p, int *ret_sig)
{
	int fds[2], status;
	long r = -EIO;
	pid_t pid;

	*ret_sig = 0;
	if (pipe(fds) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		r = call(p);
		(void)!write(fds[1], &r, sizeof(r));
		_exit(0);
	}
	(void)close(fds[1]);
	if (pid < 0 || read(fds[0], &r, sizeof(r)) != sizeof(r))
		r = -EIO;
	(void)close(fds[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
		*ret_sig = WTERMSIG(status);
	return r;
}

static void
describe(long r, int sig, char *buf, size_t size)
{
	if (sig != 0)
		(void)snprintf(buf, size, "killed by signal %d (%s)", sig, strsignal(sig));
	else if (r < 0)
		(void)snprintf(buf, size, "%s", strerrorname_np((int)-r));
	else
		(void)snprintf(buf, size, "success (%ld)", r);
}

static void
judge(const struct probe *p)
{
	char got[96];
	int sig;
	long r = call_in_child(p, &sig);
	const char *abi = abi_name[p->abi];

	describe(r, sig, got, sizeof(got));
	if (p->want == WANT_INFO) {
		printf("info %s %s: %s\n", abi, p->name, got);
	} else if (sig == 0 && ((p->want == WANT_OK && r >= 0) || (p->want > 0 && r == -p->want))) {
		printf("ok %s %s: %s\n", abi, p->name, p->want == WANT_OK ? "success" : got);
		n_ok++;
	} else {
		printf("bad %s %s: %s (want %s)\n", abi, p->name, got,
		    p->want == WANT_OK ? "success" : strerrorname_np(p->want));
		n_bad++;
	}
}

static void
judge_all(const struct probe *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		judge(&p[i]);
}

/* The native ABI: every denied call, the audit socket, what stays allowed. */
static void
probe_native(int uffd_want)
{
	const struct probe p[] = {
	    {NATIVE, "kexec_load", SYS_kexec_load, {0, 0, 0, 0}, EPERM},
#ifdef SYS_kexec_file_load
	    {NATIVE, "kexec_file_load", SYS_kexec_file_load, {-1, -1, 0, 0, -1L}, EPERM},
#endif
	    {NATIVE, "init_module", SYS_init_module, {0, 0, (long)""}, EPERM},
	    {NATIVE, "finit_module", SYS_finit_module, {-1, (long)"", 0}, EPERM},
	    {NATIVE, "delete_module", SYS_delete_module, {(long)"", 0}, EPERM},
#ifdef SYS_create_module
	    {NATIVE, "create_module", SYS_create_module, {0, 0}, EPERM},
#endif
#ifdef SYS_query_module
	    {NATIVE, "query_module", SYS_query_module, {0, 0, 0, 0, 0}, EPERM},
#endif
	    {NATIVE, "swapon", SYS_swapon, {0, 0}, EPERM},
	    {NATIVE, "swapoff", SYS_swapoff, {0}, EPERM},
	    {NATIVE, "open_by_handle_at", SYS_open_by_handle_at, {-1, 0, 0}, EPERM},
	    {NATIVE, "add_key", SYS_add_key, {0, 0, 0, 0, 0}, EPERM},
	    {NATIVE, "request_key", SYS_request_key, {0, 0, 0, 0}, EPERM},
	    {NATIVE, "keyctl", SYS_keyctl, {KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0},
	        EPERM},
	    {NATIVE, "bpf", SYS_bpf, {0x7fffffff, (long)zero, sizeof(zero)}, EPERM},
	    {NATIVE, "perf_event_open", SYS_perf_event_open, {0, 0, -1, -1, -1L}, EPERM},
	    {NATIVE, "fanotify_init", SYS_fanotify_init,
	        {FAN_CLASS_NOTIF_ | FAN_REPORT_FID_, O_RDONLY}, EPERM},
	    {NATIVE, "quotactl", SYS_quotactl, {QCMD_(0x800005, 0xff), 0, 0, 0}, EPERM},
#ifdef SYS_quotactl_fd
	    {NATIVE, "quotactl_fd", SYS_quotactl_fd, {-1, QCMD_(0x800005, 0xff), 0, 0}, EPERM},
#endif
#ifdef SYS_lookup_dcookie
	    {NATIVE, "lookup_dcookie", SYS_lookup_dcookie, {0, 0, 0}, EPERM},
#endif
	    {NATIVE, "acct", SYS_acct, {0}, EPERM},
	    {NATIVE, "settimeofday", SYS_settimeofday, {1, 0}, EPERM},
	    {NATIVE, "clock_settime", SYS_clock_settime, {CLOCK_REALTIME, 0}, EPERM},
	    {NATIVE, "clock_adjtime", SYS_clock_adjtime, {CLOCK_REALTIME, 0}, EPERM},
	    {NATIVE, "adjtimex", SYS_adjtimex, {0}, EPERM},
#ifdef SYS_ioperm
	    {NATIVE, "ioperm", SYS_ioperm, {0, 0, 0}, EPERM},
#endif
#ifdef SYS_iopl
	    {NATIVE, "iopl", SYS_iopl, {4}, EPERM},
#endif
#ifdef SYS_modify_ldt
	    /* func 0 reads the LDT: 0 bytes without the filter. */
	    {NATIVE, "modify_ldt", SYS_modify_ldt, {0, (long)zero, sizeof(zero)}, EPERM},
#endif
	    {NATIVE, "syslog", SYS_syslog, {10 /* SYSLOG_ACTION_SIZE_BUFFER */, 0, 0}, EPERM},
#ifdef SYS__sysctl
	    {NATIVE, "_sysctl", SYS__sysctl, {0}, EPERM},
#endif
#ifdef SYS_uselib
	    {NATIVE, "uselib", SYS_uselib, {0}, EPERM},
#endif
	    {NATIVE, "io_uring_setup", SYS_io_uring_setup, {1, (long)zero}, EPERM},
	    {NATIVE, "io_uring_enter", SYS_io_uring_enter, {-1, 0, 0, 0, 0}, EPERM},
	    {NATIVE, "io_uring_register", SYS_io_uring_register, {-1, 0, 0, 0}, EPERM},
	    {NATIVE, "userfaultfd", SYS_userfaultfd, {O_CLOEXEC}, uffd_want},
	    {NATIVE, "socket-netlink-audit", SYS_socket, {AF_NETLINK, SOCK_RAW, NETLINK_AUDIT},
	        EAFNOSUPPORT},
	    /* Hostile: the kernel truncates int arguments and the number to 32 bits. */
	    {NATIVE, "socket-netlink-audit-hi32", SYS_socket,
	        {HI32 | AF_NETLINK, SOCK_DGRAM, HI32 | NETLINK_AUDIT}, EAFNOSUPPORT},
	    {NATIVE, "keyctl-nr-hi32", HI32 | SYS_keyctl,
	        {KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0}, EPERM},
	    /* Still allowed. */
	    {NATIVE, "socket-netlink-route", SYS_socket, {AF_NETLINK, SOCK_RAW, NETLINK_ROUTE},
	        WANT_OK},
	    {NATIVE, "userfaultfd-user-mode-only", SYS_userfaultfd,
	        {O_CLOEXEC | UFFD_USER_MODE_ONLY_}, WANT_OK},
	    {NATIVE, "reboot-bad-magic", SYS_reboot, {0, 0, 0, 0}, WANT_INFO},
	};

	judge_all(p, sizeof(p) / sizeof(p[0]));
}

#if defined(__x86_64__)
/*
 * The compat ABIs' rows: numbers from syscall_32.tbl (i386) and from
 * syscall_64.tbl's common and x32 entries (x32, plus bit 30); -1: not probed
 * on that ABI.
 */
struct compat {
	const char *name;
	long i386_nr, x32_nr;
	long a[5];
	int want;
};

static const struct compat compat_rows[] = {
    {"keyctl", 288, 250, {KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0}, EPERM},
    {"bpf", 357, 321, {0x7fffffff, (long)zero, sizeof(zero)}, EPERM},
    {"perf_event_open", 336, 298, {0, 0, -1, -1, -1L}, EPERM},
    {"kexec_load", 283, 528, {0, 0, 0, 0}, EPERM},
    {"open_by_handle_at", 342, 304, {-1, 0, 0}, EPERM},
    {"add_key", 286, -1, {0, 0, 0, 0, 0}, EPERM},
    {"stime", 25, -1, {0}, EPERM},
    {"clock_settime64", 404, -1, {CLOCK_REALTIME, 0}, EPERM},
    {"settimeofday", 79, -1, {1, 0}, EPERM},
    {"iopl", 110, -1, {4}, EPERM},
    {"io_uring_setup", 425, -1, {1, (long)zero}, EPERM},
    {"modify_ldt", 123, -1, {0, (long)zero, sizeof(zero)}, EPERM},
    {"vm86old", 113, -1, {0}, EPERM},
    {"socket-netlink-audit", -1, 41, {AF_NETLINK, SOCK_RAW, NETLINK_AUDIT}, EAFNOSUPPORT},
    /* A documented gap (sysfilter.c): socketcall's arguments are in memory. */
    {"socketcall-netlink-audit", 102, -1, {1 /* SYS_SOCKET */, (long)i386_sock_args}, WANT_INFO},
    {"socket-netlink-audit", 359, -1, {AF_NETLINK, SOCK_RAW, NETLINK_AUDIT}, WANT_INFO},
    /* x86-64's own kexec_load number with bit 30: not an x32 call at all. */
    {"kexec_load-64-number", -1, 246, {0, 0, 0, 0}, WANT_INFO},
};

static void
judge_compat(enum abi abi)
{
	for (size_t i = 0; i < sizeof(compat_rows) / sizeof(compat_rows[0]); i++) {
		const struct compat *c = &compat_rows[i];
		struct probe p = {abi, c->name, abi == I386 ? c->i386_nr : c->x32_nr,
		    {c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]}, c->want};

		if (p.nr >= 0)
			judge(&p);
	}
}

/* i386 runs where its getpid (20) does; otherwise the ABI is skipped. */
static void
probe_i386(void)
{
	const struct probe ctl = {I386, "getpid", 20, {0}, WANT_OK};
	char got[96];
	int sig;
	long r = call_in_child(&ctl, &sig);

	if (sig != 0 || r < 0) {
		describe(r, sig, got, sizeof(got));
		printf("skip i386: this kernel runs no i386 calls (getpid: %s)\n", got);
		n_skip++;
		return;
	}
	judge(&ctl);
	judge_compat(I386);
}

/* x32's getpid (39) gives a pid, or ENOSYS on a kernel without x32. */
static void
probe_x32(void)
{
	const struct probe ctl = {X32, "getpid", 39, {0}, WANT_OK};
	char got[96];
	int sig;
	long r = call_in_child(&ctl, &sig);

	describe(r, sig, got, sizeof(got));
	if (sig != 0 || (r < 0 && r != -ENOSYS)) {
		/* Neither a pid nor ENOSYS: the filter refuses x32 wholesale or kills. */
		printf("bad x32 getpid: %s (want success or ENOSYS)\n", got);
		n_bad++;
		return;
	}
	if (r < 0) {
		printf("skip x32: this kernel has no x32 ABI (getpid: %s); only the filter's "
		       "x32 rules are checked (x32-filter)\n",
		    got);
		n_skip++;
		abi_name[X32] = "x32-filter";
	} else {
		judge(&ctl);
	}
	judge_compat(X32);
}
#endif

int
main(int argc, char **argv)
{
	int uffd_allowed = argc > 1 && strcmp(argv[1], "uffd=1") == 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	probe_native(uffd_allowed ? WANT_OK : EPERM);
#if defined(__x86_64__)
	probe_i386();
	probe_x32();
#endif
	printf("sysprobe: %d ok, %d bad, %d skipped\n", n_ok, n_bad, n_skip);
	return n_bad == 0 ? 0 : 1;
}
