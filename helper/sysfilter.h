/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The container's syscall filter (libseccomp; issue 14). What it denies and
 * why is at the top of sysfilter.c. The stem is "sysfilter", not "seccomp",
 * so that nothing here can clash with libseccomp's own seccomp_* names.
 *
 * Reusable by design: sysfilter_apply() reads nothing of child.c's state,
 * only its one argument, so every process that joins the container (init
 * now, `cnspawn exec` later: issue 13) gets the same filter from the same
 * call. Whoever joins must call it after its last privileged step and before
 * execve, holding CAP_SYS_ADMIN in its current user namespace: the filter is
 * loaded without PR_SET_NO_NEW_PRIVS, so that setuid programs (su, sudo,
 * login) keep working inside, and the kernel allows that only to a task with
 * CAP_SYS_ADMIN. The filter is inherited across fork and execve and can
 * never be removed.
 */

#include <stdbool.h>

/*
 * Host side, before anything joins the container: whether the host lets
 * unprivileged users handle kernel page faults with userfaultfd
 * (/proc/sys/vm/unprivileged_userfaultfd is "1"). Anything else, an
 * unreadable or missing file included, is false (fail closed). Read once at
 * start from the host's /proc, never from a /proc inside the container.
 */
bool sysfilter_host_userfaultfd(void);

/*
 * Build and load the filter for the calling thread (the helper is
 * single-threaded). host_userfaultfd is what sysfilter_host_userfaultfd()
 * said at start. Returns 0, or -errno (nothing is loaded then, and the
 * caller must not exec: fail closed).
 */
int sysfilter_apply(bool host_userfaultfd);
