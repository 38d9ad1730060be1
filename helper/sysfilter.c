/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The container's syscall filter (issue 14), in DESIGN's terms.
 *
 * Namespaces and the capability bounding set (caps.c) decide what container
 * root may do to its own objects. A few system calls reach state the kernel
 * does not namespace at all, or are guarded only by a capability that
 * privileged container root keeps for good reasons (CAP_SYS_ADMIN,
 * CAP_DAC_READ_SEARCH, CAP_SYS_BOOT). Those calls are refused here, before
 * the kernel looks at them, whatever the capabilities: the filter is the
 * second wall behind the bounding set, and the first one for what the
 * bounding set cannot express.
 *
 * Shape (from systemd-nspawn's default, with our own list): allow by
 * default, refuse the calls below with EPERM, so a program sees an ordinary
 * "Operation not permitted" and takes its fallback instead of dying. One
 * exception: an audit socket fails with EAFNOSUPPORT, as if the kernel had
 * no audit (sysfilter_add_audit says why). Loaded without PR_SET_NO_NEW_PRIVS (sysfilter.h).
 *
 * Not refused, deliberately: reboot (in a PID namespace the kernel turns it
 * into the end of the container's init; nothing reaches the host), the
 * mount family, pivot_root, unshare, setns and namespace flags of clone
 * (systemd inside needs them; the namespaces and capabilities bound them),
 * ptrace and process_vm_* (the PID namespace bounds them), and
 * name_to_handle_at (a handle alone opens nothing; systemd compares mounts
 * with it).
 *
 * ABIs: a filter sees a system call as (audit arch, number). On x86-64 three
 * ABIs reach the kernel: x86-64, x32 (same audit arch, bit 30 set in the
 * number) and i386 (int $0x80, or a 32-bit program). Each gets the same
 * denials by name; libseccomp maps a name to each ABI's own number, such as
 * i386's clock_settime64 or x32's kexec_load at 528, so no ABI is a way
 * around the list. A call of an ABI the filter does not know kills the
 * process (SCMP_ACT_KILL_PROCESS), since it cannot be checked: on x86-64
 * none is left; elsewhere the filter is native only, and e.g. a 32-bit arm
 * program on arm64 dies rather than run unfiltered (fail closed; EPERM for
 * every call, exit included, would leave it spinning).
 *
 * Argument rules compare int arguments under a 32-bit mask: the kernel
 * truncates them, so an unmasked compare would let socket(AF_NETLINK +
 * 2^32, ...) through as AF_NETLINK.
 */

#include <sys/socket.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <seccomp.h>
#include <stdint.h>
#include <unistd.h>

#include "sysfilter.h"
#include "util.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1 /* linux/userfaultfd.h, Linux 5.11 */
#endif

#if defined(__x86_64__) && defined(__LP64__)
#define SYSFILTER_X86_64 1
#else
#define SYSFILTER_X86_64 0
#endif

#define SYSFILTER_DENY SCMP_ACT_ERRNO(EPERM)
#define SYSFILTER_INT_MASK 0xffffffffU

/*
 * Refused with EPERM on every ABI. A name an ABI lacks (stime on x86-64)
 * matches nothing there. A name libseccomp does not know is a build error,
 * so an older libseccomp cannot silently drop a denial.
 */
static const int sysfilter_denied[] = {
    /* Booting another kernel: CAP_SYS_BOOT is kept so that reboot ends the
     * container, but kexec checks it against the host's namespaces only;
     * privileged container root could stage the kernel the host runs at its
     * next crash (KEXEC_ON_CRASH). */
    SCMP_SYS(kexec_load),
    SCMP_SYS(kexec_file_load),
    /* Code into the one kernel every container shares. CAP_SYS_MODULE is out
     * of the bounding set already; this keeps the loader unreachable even if
     * a later change kept the capability. create/query_module are the
     * pre-2.6 calls, where an ABI still has a number for them. */
    SCMP_SYS(init_module),
    SCMP_SYS(finit_module),
    SCMP_SYS(delete_module),
    SCMP_SYS(create_module),
    SCMP_SYS(query_module),
    /* Swap areas are host-wide: with CAP_SYS_ADMIN, privileged root could
     * swapoff the host's swap (host OOM) or make a file of its own root the
     * host's swap. */
    SCMP_SYS(swapon),
    SCMP_SYS(swapoff),
    /* "Shocker" (the 2014 Docker breakout): with CAP_DAC_READ_SEARCH, kept
     * for privileged root, a file handle opens any inode of a filesystem
     * the container can see, past its root and mount namespace. */
    SCMP_SYS(open_by_handle_at),
    /* Keyrings are not namespaced: privileged container root is host uid 0
     * and shares host root's user keyring, and request_key can make the
     * kernel run /sbin/request-key on the host, as root, for the
     * container. Also a long line of kernel bugs (CVE-2016-0728). */
    SCMP_SYS(add_key),
    SCMP_SYS(request_key),
    SCMP_SYS(keyctl),
    /* BPF programs and maps are kernel-wide, and CAP_SYS_ADMIN (privileged
     * root) counts for CAP_BPF: tracing programs read any host process's
     * memory. The verifier is also a large attack surface. systemd takes
     * EPERM as "no BPF" and carries on. */
    SCMP_SYS(bpf),
    /* Host-wide counters and tracepoints: other processes' activity, kernel
     * addresses, side channels; kernel.perf_event_paranoid is the host's and
     * CAP_SYS_ADMIN overrides it. */
    SCMP_SYS(perf_event_open),
    /* Marks on a whole filesystem or mount report, and with permission
     * events block, what host processes do on a filesystem the container
     * shares. inotify stays. */
    SCMP_SYS(fanotify_init),
    /* Quotas of host block devices and of the host's users. */
    SCMP_SYS(quotactl),
#ifdef __NR_quotactl_fd
    SCMP_SYS(quotactl_fd),
#endif
#ifdef __NR_lookup_dcookie
    /* A kernel dcookie's path: host paths (oprofile; gone since Linux 6.10). */
    SCMP_SYS(lookup_dcookie),
#endif
    /* Process accounting: the kernel appends a record per exit to a file
     * until the disk fills. CAP_SYS_PACCT is dropped already. */
    SCMP_SYS(acct),
    /* CLOCK_REALTIME is the host's (time namespaces only offset the
     * monotonic and boot clocks). CAP_SYS_TIME is dropped already. The
     * read-only adjtimex query goes too: its mode is inside a struct the
     * filter cannot read (nspawn does the same; systemd copes). */
    SCMP_SYS(settimeofday),
    SCMP_SYS(stime),
    SCMP_SYS(clock_settime),
    SCMP_SYS(clock_settime64),
    SCMP_SYS(clock_adjtime),
    SCMP_SYS(clock_adjtime64),
    SCMP_SYS(adjtimex),
    /* Raw I/O ports are the host's hardware. CAP_SYS_RAWIO is dropped. */
    SCMP_SYS(ioperm),
    SCMP_SYS(iopl),
    /* The kernel log is the host's: reading it shows host and other
     * containers' messages and kernel addresses, clearing it destroys the
     * host's record. */
    SCMP_SYS(syslog),
    /* Where a kernel still has it (< 5.5), writes sysctls without going
     * through /proc/sys, which the helper mounts read-only. */
    SCMP_SYS(_sysctl),
    /* The a.out library loader: unused by any current userland, and the
     * home of past root exploits (CVE-2004-1235). */
    SCMP_SYS(uselib),
    /* io_uring runs operations without a system call, so this filter never
     * sees them: IORING_OP_SOCKET made a NETLINK_AUDIT socket under the rule
     * below (measured). Also one of the kernel's largest attack surfaces;
     * Docker's and containerd's default profiles refuse it too. Programs
     * take EPERM as "no io_uring" (the host's kernel.io_uring_disabled=2
     * answers the same). */
    SCMP_SYS(io_uring_setup),
    SCMP_SYS(io_uring_enter),
    SCMP_SYS(io_uring_register),
    /* x86 CPU emulation (nspawn's @cpu-emulation): per-process segment
     * descriptors and virtual 8086 mode, needed only by 16-bit code (DOS
     * emulators, old Wine), and a long line of kernel bugs (CVE-2015-5157,
     * CVE-2017-17053, CVE-2014-8133). Names an ABI lacks match nothing. */
    SCMP_SYS(modify_ldt),
    SCMP_SYS(vm86),
    SCMP_SYS(vm86old),
};

bool
sysfilter_host_userfaultfd(void)
{
	_cleanup_close_ int fd = -1;
	char buf[4];
	size_t n = 0;

	fd = open("/proc/sys/vm/unprivileged_userfaultfd", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || util_read_upto(fd, buf, sizeof(buf), &n) < 0)
		return false;
	return n == 2 && buf[0] == '1' && buf[1] == '\n';
}

static void
sysfilter_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}

/* Allow by default, kill on an ABI it does not know, no NNP, raw errnos. */
static int
sysfilter_new(uint32_t arch, scmp_filter_ctx *ret_ctx)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (ctx == NULL)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (r == 0 && arch != SCMP_ARCH_NATIVE) {
		r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r == 0)
			r = seccomp_arch_add(ctx, arch);
	}
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*ret_ctx = ctx;
	return 0;
}

/*
 * The table above, and userfaultfd as the host has it. With
 * vm.unprivileged_userfaultfd off the host keeps kernel-mode fault handling
 * for CAP_SYS_PTRACE, which privileged container root holds: a user-space
 * handler can stall the kernel's own copy from a page of its choosing, the
 * usual way to win a kernel race. So a container gets what an unprivileged
 * host user gets: userfaultfd with UFFD_USER_MODE_ONLY only.
 */
static int
sysfilter_add_denials(scmp_filter_ctx ctx, bool host_userfaultfd)
{
	int r;

	for (size_t i = 0; i < ELEMENTSOF(sysfilter_denied); i++) {
		r = seccomp_rule_add(ctx, SYSFILTER_DENY, sysfilter_denied[i], 0);
		if (r < 0)
			return r;
	}
	if (host_userfaultfd)
		return 0;
	return seccomp_rule_add(ctx, SYSFILTER_DENY, SCMP_SYS(userfaultfd), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, UFFD_USER_MODE_ONLY, 0));
}

/*
 * socket(AF_NETLINK, *, NETLINK_AUDIT). Audit is not namespaced: with
 * CAP_AUDIT_WRITE privileged root would append forged records to the host's
 * audit log (userns root is refused by the kernel anyway). EAFNOSUPPORT, not
 * EPERM: libpam (pam_audit) and shadow read EINVAL, EPROTONOSUPPORT and
 * EAFNOSUPPORT as "this kernel has no audit" and go on, and fail on anything
 * else. With EPERM, Debian 12's `login -f root` says "System error" and
 * refuses (measured), so nobody could log in on the console; su, sudo and
 * sshd go through the same libpam code. systemd-nspawn returns EAFNOSUPPORT
 * for the same reason.
 *
 * Native and x32 only. i386 also makes sockets through socketcall(SYS_SOCKET,
 * args), whose arguments are in memory a filter cannot read; libseccomp 2.5
 * turns this rule into a compare of socketcall's registers that are not the
 * arguments (%edx for the protocol), refusing random i386 sockets and still
 * passing a chosen one. Refusing socketcall(SYS_SOCKET) outright would break
 * the networking of every i386 program (glibc there uses socketcall). The
 * direct i386 socket call (359, Linux 4.3) has its arguments in registers,
 * but libseccomp 2.5 fails to build a filter with an exact rule for it
 * (EFAULT, measured), and a plain rule becomes the socketcall compare
 * above. So an i386 program can open an audit socket: under userns rules every message
 * on it is refused by the kernel, and under privileged rules its user, whom
 * the admin trusts with root, can add user records to the host's audit log.
 */
static int
sysfilter_add_audit(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 2,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, SYSFILTER_INT_MASK, AF_NETLINK),
	    SCMP_A2(SCMP_CMP_MASKED_EQ, SYSFILTER_INT_MASK, NETLINK_AUDIT));
}

#if SYSFILTER_X86_64
/* i386 gets the same denials in a filter of its own, merged into ctx. */
static int
sysfilter_add_i386(scmp_filter_ctx ctx, bool host_userfaultfd)
{
	scmp_filter_ctx i386 = NULL;
	int r;

	r = sysfilter_new(SCMP_ARCH_X86, &i386);
	if (r < 0)
		return r;
	r = sysfilter_add_denials(i386, host_userfaultfd);
	if (r == 0)
		r = seccomp_merge(ctx, i386); /* consumes i386 on success */
	if (r < 0)
		seccomp_release(i386);
	return r;
}
#endif

int
sysfilter_apply(bool host_userfaultfd)
{
	__attribute__((cleanup(sysfilter_releasep))) scmp_filter_ctx ctx = NULL;
	int r;

	r = sysfilter_new(SCMP_ARCH_NATIVE, &ctx);
	if (r < 0)
		return r;
#if SYSFILTER_X86_64
	/* Before any rule: libseccomp gives a rule to the ABIs present when it is added. */
	r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	if (r < 0)
		return r;
#endif
	r = sysfilter_add_denials(ctx, host_userfaultfd);
	if (r < 0)
		return r;
	r = sysfilter_add_audit(ctx);
	if (r < 0)
		return r;
#if SYSFILTER_X86_64
	r = sysfilter_add_i386(ctx, host_userfaultfd);
	if (r < 0)
		return r;
#endif
	return seccomp_load(ctx);
}
