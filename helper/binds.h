/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Host directories brought into the container (--bind, --bind-ro; issue 15).
 * Three steps, each where it must run:
 *
 *  1. binds_open, host side, after the policy said "permit" (the policy
 *     decides on the request's text alone, so a refused path was never
 *     looked at: CVE-2022-47952) and BEFORE become_root: each SRC is opened
 *     with the caller's fsuid, fsgid and supplementary groups, so only a
 *     directory the caller can open and search is ever opened; no symlink
 *     and no magic link in any component (openat.c OPENAT_HOST), and no ".."
 *     (request.c), so the directory is the one the policy's prefix covers.
 *  2. binds_clone, host side, all-root: open_tree(OPEN_TREE_CLONE) of each
 *     opened directory (a detached copy of that one mount, nothing mounted
 *     below it), nosuid and nodev always, read-only for --bind-ro, and under
 *     a userns rule id-mapped through a namespace mapping only the caller's
 *     uid and gid to container root (userns_bind_idmap). The SRC fds are
 *     closed; the detached trees are all the child gets.
 *  3. binds_mount, child side, in its private mount namespace: DST is looked
 *     up beneath the root with no symlink and no "..", created if missing
 *     (as container root would: under a userns rule with fsuid FIRST), and
 *     the tree is moved onto it. After pivot_root and, under userns, the
 *     unshare of a less privileged mount namespace, the binds are locked:
 *     container root cannot make them writable, suid or remove them.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy.h"
#include "session.h"

/*
 * Become the caller for file access only: the fs ids and the supplementary
 * groups (binds_fs_ids(0, 0, NULL, 0) goes back). 0 or -errno; -EPERM when
 * the fs ids did not take. Also used by `list --roots` (listroots.c).
 */
int binds_fs_ids(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups);

/* Step 1; ret_fds[i] for binds[i] (all -1 on failure). Refusals say why in f->msg. */
int binds_open(const struct policy_bind *binds, size_t n, uid_t uid, gid_t gid, const gid_t *groups,
    size_t ngroups, int *ret_fds, struct fail *f);

/*
 * Step 2; closes src_fds (set to -1). userns_first 0: a privileged rule (plain
 * binds); else the rule's FIRST, and uid/gid the caller's. ret_trees[i] for
 * binds[i] (all -1 on failure).
 */
int binds_clone(const struct policy_bind *binds, size_t n, int *src_fds, uid_t uid, gid_t gid,
    uint32_t userns_first, int *ret_trees, struct fail *f);

/*
 * Step 3 (child side): move trees[i] onto binds[i].dst beneath root_fd,
 * closing each tree. create_uid: the fsuid/fsgid to create missing DST
 * directories with (container root's host id under a userns rule, else 0).
 */
int binds_mount(int root_fd, const struct policy_bind *binds, size_t n, int *trees,
    uid_t create_uid, struct fail *f);

/* Close every fd of fds[0..n) that is >= 0 and set it to -1. */
void binds_close(int *fds, size_t n);
