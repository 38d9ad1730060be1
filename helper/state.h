/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Running containers, one root-owned file each in CNSPAWN_STATE_DIR
 * (written atomically: temp file + rename), and the lock under which names,
 * roots and addresses are handed out. An entry whose monitor is gone
 * (pid missing, or a different process: the start time differs) is stale
 * and removed by the next state_load_all().
 */

#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

#include "helper.h"
#include "net.h"

#define STATE_MAX_ENTRIES 4096

struct state_entry {
	char name[HELPER_NAME_MAX + 1];
	uid_t uid;
	pid_t monitor_pid;
	unsigned long long monitor_start; /* /proc/PID/stat starttime */
	pid_t init_pid;                   /* 0 until cloned */
	struct in_addr address;
	uint8_t prefix;
	char bridge[NET_IFNAME_MAX + 1];
	char veth[NET_IFNAME_MAX + 1];
	char root[PATH_MAX];
	unsigned rule;     /* line of the deciding policy rule */
	long long started; /* unix time */
	/* host ids of a userns container (count 0: privileged) */
	uint32_t userns_first, userns_count;
};

/* Open (creating if missing) the state dir; refuse one not root-owned 0755-or-stricter. */
int state_open_dir(int *ret_fd);
/* Take the exclusive lock (flock on the directory fd); it lasts until dir_fd is closed. */
int state_lock(int dir_fd);
/* Load every live entry, removing stale ones. *ret is allocated (free it). */
int state_load_all(int dir_fd, struct state_entry **ret, size_t *ret_n);
/* Write (or replace) an entry atomically. */
int state_write(int dir_fd, const struct state_entry *e);
/* Remove an entry by name (opens the dir itself); -ENOENT if absent. */
int state_remove(const char *name);
/* Start time of a process (field 22 of /proc/PID/stat); -ESRCH if gone. */
int state_proc_start(pid_t pid, unsigned long long *ret);
