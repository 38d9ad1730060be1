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
 * Ceilings (ceilings.c) need the memory, pids and cpu controllers. Where the
 * container's v2 cgroup has one (unified hosts: the helper enables it on
 * the path down), its files there are used. Where a v1 hierarchy carries it
 * instead (hybrid and legacy hosts), the container gets a directory
 * CGROUP_BASE/<machine> of its own in that hierarchy too, made, entered and
 * removed with the main one. Other v1 hierarchies are never touched: the
 * container stays in the caller's cgroups there.
 */

#include <stdbool.h>
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
 * for /run, "cnspawn-opt-x-run" for /opt/x/run, "cnspawn-opt-x--y-run" for
 * /opt/x-y/run, so that no two state directories share one): two installs on one host
 * have separate state directories, so each must only ever see, and remove,
 * its own machines' cgroups (issue 10).
 */
#define CGROUP_BASE CNSPAWN_CGROUP_BASE
_Static_assert(sizeof(CGROUP_BASE) <= 64, "RUNSTATEDIR makes too long a cgroup base name");

/* The controllers a ceiling needs; bit 1 << c in masks. */
enum cgroup_controller {
	CGROUP_MEMORY = 0,
	CGROUP_PIDS = 1,
	CGROUP_CPU = 2,
};

/* "memory", "pids", "cpu". */
const char *cgroup_controller_name(enum cgroup_controller c);

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

/*
 * Host side, as root, after cgroup_create: for each controller in the mask
 * need that the container's v2 cgroup lacks, make and record its v1
 * directory (see above). Controllers found nowhere are set in *ret_missing
 * (the caller decides whether that fails the start). 0 or -errno.
 */
int cgroup_attach_controllers(struct helper_session *s, const char *name, unsigned need,
    unsigned *ret_missing);

/*
 * The directory holding controller c's files for this container: its v1
 * directory if it has one (*ret_v1 true), else the main cgroup. O_PATH fd
 * in *ret_fd; -ENOENT when there is none. Host side, any privilege.
 */
int cgroup_open_controller(const struct helper_session *s, enum cgroup_controller c, bool *ret_v1,
    int *ret_fd);

/*
 * Host side: an fd of the container's cgroup when it is a cgroup2 one (for
 * clone3's CLONE_INTO_CGROUP), else 0 with *ret_fd -1.
 */
int cgroup_open_v2(const struct helper_session *s, int *ret_fd);

/*
 * Host side: move pid (init, not yet exec'd) into the container's cgroup2
 * cgroup, unless it was born there (main_done: CLONE_INTO_CGROUP). The v1
 * directories, and a legacy host's main one, are entered by the child
 * itself (cgroup_setup_child), which costs no RCU grace period.
 */
int cgroup_enter(const struct helper_session *s, pid_t pid, bool main_done);

/*
 * Both sides: whether init is where cgroup_enter() would put it without
 * the host doing anything: born in its cgroup2 cgroup (born_in:
 * CLONE_INTO_CGROUP), or there is no cgroup2 cgroup to be moved into. The
 * child then need not wait for "G" to set up its cgroups (child.h).
 */
bool cgroup_placed(const struct helper_session *s, bool born_in);

/*
 * Host side: give the container's cgroup directory and the files a
 * delegate may write (cgroup.procs, cgroup.threads, cgroup.subtree_control)
 * to uid:gid, for container root in a user namespace. 0 or -errno.
 */
int cgroup_delegate(struct helper_session *s, uid_t uid, gid_t gid);

/* Whether any cgroup directory of the container was made (and so is to be removed). */
bool cgroup_made(const struct helper_session *s);

/*
 * Host side, every exit path (helper_cleanup): remove the container's cgroup
 * and every cgroup systemd made below it, depth first, retrying while the
 * last processes finish exiting, and its v1 directories. No-op when none
 * was created.
 */
void cgroup_remove(struct helper_session *s);

/*
 * Host side, full root: remove CGROUP_BASE/name, in the main hierarchy and
 * in each v1 one, left by a container whose monitor was killed (its state
 * entry is stale). name must be a valid
 * machine name. Best effort.
 */
void cgroup_remove_stale(const char *name);

/*
 * Host side, as root, before joining the container's mount namespace (the
 * hierarchies are looked up in ours): move the calling process into the
 * cgroup init is in (v1: its one thread, as the child enters; the caller
 * has no other), in every hierarchy text (the contents of init's
 * /proc/PID/cgroup, modified in place) lists, so that whatever joins the
 * container is counted and limited exactly where init is (cnspawn exec,
 * issue 13). Fails closed, naming the hierarchy, when one cannot be
 * entered; only named hierarchies other than systemd's are skipped.
 */
int cgroup_join_like(char *text, struct fail *f);

/*
 * Child side, once cgroup_placed() (born there, or cgroup_enter() ran on it
 * before "G") and before pivot_root, still
 * host root in the host's cgroup mounts: move itself into each v1 directory
 * helper_session (its copy from the clone) records, failing closed, then a
 * new cgroup namespace (rooted at the container's cgroup, so systemd sees
 * it as "/") and the hierarchy mounted at ROOT/sys/fs/cgroup for layout l
 * (see above). *f names the failing step (fail.h).
 */
int cgroup_setup_child(int root_fd, enum cgroup_layout l, struct fail *f);
