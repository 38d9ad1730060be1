/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Joining a running container's init (cnspawn exec and login, issue 13):
 * pin it, then take exactly its namespaces, cgroups, root and bounding
 * set. The syscall filter (sysfilter.h) comes last, in the process that
 * execs. 0 or -errno; *f says why (fail.h).
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "fail.h"

struct state_entry; /* statefile.h */

struct join_target {
	int pidfd;       /* init, pinned */
	int root_fd;     /* init's root (O_PATH), until join_enter used it */
	uint64_t capbnd; /* init's bounding set */
	bool userns;     /* init is in a user namespace of its own */
	char *cgroups;   /* init's /proc/PID/cgroup text */
};

/*
 * Host side, as root: pidfd of the entry's init, checked to be the child
 * of the entry's (still the same) monitor, and what joining needs from it.
 * -ESRCH with "NAME is stopping" when init or the monitor is gone.
 */
int join_pin_init(const struct state_entry *e, struct join_target *ret, struct fail *f);

/*
 * Enter init's cgroups (every hierarchy), its namespaces (the user
 * namespace last), chroot to its root, become not dumpable, join a new
 * session keyring and keep only init's bounding set. Host root on entry;
 * container root (under userns: inside its user namespace) on return.
 */
int join_enter(struct join_target *t, struct fail *f);

void join_done(struct join_target *t);
