/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Ids and capabilities for init, with libcap-ng (STYLE.md §7). The bounding
 * set is what keeps container root from loading modules, poking I/O ports,
 * setting the host clock, reading the kernel log, changing LSM policy or
 * loading BPF: once dropped here nothing in the container can regain it.
 */

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <unistd.h>

#include "caps.h"
#include "util.h"

int
caps_become_root(void)
{
	/* Groups before uid: changing gids needs CAP_SETGID, which we hold
	 * as long as the euid is 0. */
	if (setresgid(0, 0, 0) < 0)
		return -errno;
	if (setgroups(0, NULL) < 0)
		return -errno;
	if (setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
}

int
caps_new_session_keyring(void)
{
	/* An anonymous session keyring of our own, as runc and systemd-nspawn
	 * give their containers: the one we inherited is the caller's, and
	 * keys in it (read or planted) would cross between the caller's login
	 * and the container (issue 10, F2). Owned by whoever we are now. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int
caps_drop_bounding(void)
{
	static const unsigned int keep[] = {
	    CAP_CHOWN,
	    CAP_DAC_OVERRIDE,
	    CAP_DAC_READ_SEARCH,
	    CAP_FOWNER,
	    CAP_FSETID,
	    CAP_IPC_OWNER,
	    CAP_KILL,
	    CAP_LEASE,
	    CAP_LINUX_IMMUTABLE,
	    CAP_MKNOD,
	    CAP_NET_ADMIN,
	    CAP_NET_BIND_SERVICE,
	    CAP_NET_BROADCAST,
	    CAP_NET_RAW,
	    CAP_SETFCAP,
	    CAP_SETGID,
	    CAP_SETPCAP,
	    CAP_SETUID,
	    CAP_SYS_ADMIN,
	    CAP_SYS_BOOT,
	    CAP_SYS_CHROOT,
	    CAP_SYS_NICE,
	    CAP_SYS_PTRACE,
	    CAP_SYS_RESOURCE,
	    CAP_SYS_TTY_CONFIG,
	    CAP_AUDIT_WRITE,
	    CAP_AUDIT_CONTROL,
	};
	const capng_type_t all = CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_INHERITABLE |
	    CAPNG_BOUNDING_SET | CAPNG_AMBIENT;

	/* Start from what we hold (root may already lack some capability,
	 * e.g. inside another container) and only ever take away. libcap-ng
	 * caches the pid of the process that first used it (the helper,
	 * before clone(), which runs no atfork handler); capset() on any pid
	 * but our own is EPERM, and ours is now 1 in the new pid namespace. */
	capng_setpid(getpid());
	if (capng_get_caps_process() < 0)
		return -EIO;
	/* Every capability this kernel knows (PR_CAPBSET_READ fails past the
	 * last one) that is not on the list goes, so one added by a later
	 * kernel is dropped too (default deny). */
	for (unsigned int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		bool kept = false;

		for (size_t i = 0; i < ELEMENTSOF(keep) && !kept; i++)
			kept = keep[i] == cap;
		if (!kept && capng_update(CAPNG_DROP, all, cap) < 0)
			return -EINVAL;
		/* Inheritable mirrors what is left, as effective does. */
		if (kept && capng_have_capability(CAPNG_PERMITTED, cap) &&
		    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_INHERITABLE, cap) < 0)
			return -EINVAL;
	}
	capng_clear(CAPNG_SELECT_AMBIENT);
	/* Applies the bounding set first (needs CAP_SETPCAP, still in the
	 * effective set), then capset, then clears the ambient set. */
	if (capng_apply(CAPNG_SELECT_ALL) < 0)
		return -EPERM;
	return 0;
}
