/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A cgroup of its own for every container, so that a systemd inside can
 * manage it as its root (systemd's "Container Interface"): the helper
 * creates CGROUP_BASE/<machine> in the host's named hierarchy, moves init
 * there before it execs, the child enters a cgroup namespace rooted there
 * and mounts the hierarchy at /sys/fs/cgroup, and the helper removes the
 * whole subtree when the container ends (helper_cleanup, every exit path).
 *
 * Host layouts (detected at every start, /sys/fs/cgroup):
 *   unified  cgroup2 at /sys/fs/cgroup          -> container gets cgroup2
 *   hybrid   tmpfs, cgroup2 at .../unified      -> container gets cgroup2
 *            (the only v2 hierarchy, so the same one systemd uses on a
 *            unified host; systemd >= 230 in the container runs "unified")
 *   legacy   tmpfs, v1 name=systemd at .../systemd, no cgroup2
 *                                               -> container gets a tmpfs
 *            with name=systemd at /sys/fs/cgroup/systemd
 *   none     no cgroup file system: no cgroup is made, nothing is mounted.
 * v1 controller hierarchies (cpu, memory, ...) are never touched: the
 * container stays in the caller's cgroups there.
 */

#include <sys/types.h>

struct fail;           /* fail.h */
struct helper_session; /* session.h */

enum cgroup_layout {
	CGROUP_LAYOUT_NONE = 0,
	CGROUP_LAYOUT_UNIFIED,
	CGROUP_LAYOUT_HYBRID,
	CGROUP_LAYOUT_LEGACY,
};

/*
 * Directory made under the hierarchy's root; holds one cgroup per machine.
 * Keyed to the install (the Makefile derives it from RUNSTATEDIR: "cnspawn"
 * for /run, "cnspawn-opt-x-run" for /opt/x/run): two installs on one host
 * have separate state directories, so each must only ever see, and remove,
 * its own machines' cgroups (issue 10).
 */
#define CGROUP_BASE CNSPAWN_CGROUP_BASE
_Static_assert(sizeof(CGROUP_BASE) <= 64, "RUNSTATEDIR makes too long a cgroup base name");

/* Which layout the host has; never fails (NONE when nothing is usable). */
enum cgroup_layout cgroup_detect(void);

/* "unified", "hybrid", "legacy" or "none". */
const char *cgroup_layout_name(enum cgroup_layout l);

/*
 * Host side, as root, after the machine name was reserved: create
 * CGROUP_BASE/name (removing a stale one left by a killed helper) and record
 * it in helper_session. On v2, controllers available to CGROUP_BASE are
 * enabled for its children (best effort), so they are delegated. 0 or -errno.
 */
int cgroup_create(struct helper_session *s, enum cgroup_layout l, const char *name);

/* Host side: move pid (init, not yet exec'd) into the container's cgroup. */
int cgroup_enter(const struct helper_session *s, pid_t pid);

/*
 * Host side: give the container's cgroup directory and the files a
 * delegate may write (cgroup.procs, cgroup.threads, cgroup.subtree_control)
 * to uid:gid, for container root in a user namespace. 0 or -errno.
 */
int cgroup_delegate(struct helper_session *s, uid_t uid, gid_t gid);

/*
 * Host side, every exit path (helper_cleanup): remove the container's cgroup
 * and every cgroup systemd made below it, depth first, retrying while the
 * last processes finish exiting. No-op when none was created.
 */
void cgroup_remove(struct helper_session *s);

/*
 * Host side, full root: remove CGROUP_BASE/name left by a container whose
 * monitor was killed (its state entry is stale). name must be a valid
 * machine name. Best effort.
 */
void cgroup_remove_stale(const char *name);

/*
 * Child side, after cgroup_enter() ran on it and before pivot_root: a new
 * cgroup namespace (rooted at the container's cgroup, so systemd sees it as
 * "/") and the hierarchy mounted at ROOT/sys/fs/cgroup for layout l (see
 * above). *f names the failing step (fail.h).
 */
int cgroup_setup_child(int root_fd, enum cgroup_layout l, struct fail *f);
