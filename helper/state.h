/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Running containers, one root-owned file each in CNSPAWN_STATE_DIR
 * (written atomically: temp file + rename), and the lock under which names,
 * roots and addresses are handed out. An entry whose monitor is gone
 * (pid missing, or a different process: the start time differs) is stale
 * and removed by the next state_load_all().
 */

#include <stddef.h>
#include <stdint.h>

#include "statefile.h"

#define STATE_MAX_ENTRIES 4096

/* Open (creating if missing) the state dir; refuse one not root-owned 0755-or-stricter. */
int state_open_dir(int *ret_fd);
/* Take the exclusive lock (flock on the directory fd); it lasts until dir_fd is closed. */
int state_lock(int dir_fd);
/*
 * A running container as a start checks the new one against it (reserve.c):
 * its entry without the two PATH_MAX buffers. A start holds one for every
 * running container, and the 8 KiB of fresh memory each full entry took cost
 * more, in page faults, than reading the entry (issue 12).
 */
struct state_brief {
	char name[HELPER_NAME_MAX + 1];
	char veth[NET_IFNAME_MAX + 1];
	char bridge[NET_IFNAME_MAX + 1];
	uid_t uid;
	unsigned rule;
	uint32_t userns_first, userns_count;
	/* What statefile_request gives for the entry, its root, init and bridge
	 * ours: texts holds root and init (state_briefs_free). */
	struct policy_request request;
	char *texts;
};

/* Load every live entry, removing stale ones: *ret, n of them (state_briefs_free). */
int state_load_all(int dir_fd, struct state_brief **ret, size_t *ret_n);
/* Free what state_load_all returned. */
void state_briefs_free(struct state_brief *v, size_t n);
/* Write (or replace) an entry atomically; the caller holds state_lock (a load
 * must never see an entry appear or move while it reads the directory). */
int state_write(int dir_fd, const struct state_entry *e);
/* Close the entry state_write keeps open and locked (the monitor's control process
 * must not hold a writable fd of a root-owned entry; keeper.h). */
void state_drop_lock(void);
/* Remove an entry by name (opens the dir itself); -ENOENT if absent. */
int state_remove(const char *name);
/*
 * The live entry of container name, read-only (a stale one is left for the
 * next start to remove): -ENOENT when there is none, or it is stale, not
 * an entry, or its init is not running yet; -EINVAL for a bad name.
 */
int state_find(const char *name, struct state_entry *ret);
/* Start time of a process (field 22 of /proc/PID/stat); -ESRCH if gone. */
int state_proc_start(pid_t pid, unsigned long long *ret);
