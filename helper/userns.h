/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * `userns FIRST COUNT` rules: container uid/gid 0..COUNT-1 are host ids
 * FIRST..FIRST+COUNT-1, and the root directory is mounted id-mapped so that
 * the admin's tree (owned by host root) looks owned by container root. The
 * order of namespace creation and why it is safe is explained at the top
 * of userns.c. Every function returns 0 or -errno and never prints; the
 * ones that can refuse for a reason a user should read say it in *f (fail.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "session.h"

/*
 * Host side, after "permit" and become_root(): refuse a root that other
 * host users can reach (files made inside land on disk owned by host uid 0,
 * setuid bits included), then create the user namespace (owned by host
 * root) and write its maps "0 FIRST COUNT" from the rule. *ret_fd is an
 * O_RDONLY fd of /proc/PID/ns/user for the child to setns() into. A root
 * others can reach is -EACCES with the reason in f->msg.
 */
int userns_prepare(int root_fd, const char *root, uint32_t first, uint32_t count, int *ret_fd,
    struct fail *f);

/*
 * Host side: the user namespace of a bind's id-mapped mount under a userns
 * rule (binds.c): maps "UID FIRST 1" and "GID FIRST 1", so on the bind the
 * caller's uid and gid are host FIRST, i.e. container root, and nothing else
 * of the host's ids is mapped. *ret_fd as for userns_prepare.
 */
int userns_bind_idmap(uid_t uid, gid_t gid, uint32_t first, int *ret_fd);

/*
 * Child side, still in the initial user namespace: give container root
 * (host FIRST) the /dev tmpfs, its nodes and links, /dev/shm and the
 * console slave, so it can manage its own /dev and reopen /dev/console.
 */
int userns_chown_dev(int dev_fd, int slave_fd, uid_t first);

/*
 * Child side: give container root the tmpfs mounted on ROOT/name (e.g. run),
 * so a booting systemd can write there; no-op when name is missing or is
 * not a tmpfs (the admin's own directory is never chowned).
 */
int userns_chown_tmpfs(int root_fd, const char *name, uid_t first);

/* Child side, before entering: let ids FIRST..FIRST+COUNT-1 open ICMP echo sockets (ping). */
int userns_allow_ping(uint32_t first, uint32_t count);

/*
 * Child side, after pivot_root: setns() into the user namespace, unshare
 * new mount, UTS, IPC and cgroup namespaces (owned by it; every mount made
 * so far becomes locked), and become uid/gid 0 in it.
 */
int userns_enter(int userns_fd);
