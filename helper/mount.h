/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Mount steps of the container's first process (child side), all done with
 * the new mount API on fds that were opened without following a symlink,
 * in the child's private mount namespace. Every function returns 0 (or an
 * fd) on success and -errno on failure and never prints; functions that do
 * several steps say in *f (session.h) which one failed, or why.
 */

#include <stdbool.h>

struct fail; /* fail.h */

/* MS_REC|MS_PRIVATE on "/": nothing mounted from now on propagates to the host. */
int mount_make_private(void);

/*
 * Open the directory name (one path component) directly under dir_fd as an
 * O_PATH fd, refusing symlinks (-ELOOP) and non-directories (-ENOTDIR).
 * When create is set and name does not exist, mkdirat(0755) it first.
 */
int mount_open_dir(int dir_fd, const char *name, bool create, int *ret_fd);

/*
 * Re-open the container root (root_fd was opened in the parent's mount
 * namespace, which mount calls refuse) by its canonical path, check that it
 * is the same directory as root_fd, and bind it (recursively) onto itself so
 * that it is a mount point for pivot_root. *ret_fd is the new mount's root.
 * With userns_fd >= 0 the bind is id-mapped through that user namespace
 * (the reason in f->msg when the file system cannot be).
 */
int mount_bind_root(int root_fd, const char *root, int userns_fd, int *ret_fd, struct fail *f);

/*
 * Create a new fstype superblock configured with opts (a NULL-terminated
 * list of "key=value" or "flag" strings), mount it with attr
 * (MOUNT_ATTR_*) onto target_fd; *ret_fd (may be NULL) is its root.
 */
int mount_fs(int target_fd, const char *fstype, const char *const *opts, unsigned int attr,
    int *ret_fd);

/* The same superblock, detached (not attached anywhere yet): *ret_fd is its mount. */
int mount_new_fs(const char *fstype, const char *const *opts, unsigned int attr, int *ret_fd);

/* Bind whatever src_fd refers to (a file or a directory) onto target_fd. */
int mount_bind_fd(int src_fd, int target_fd);
/* A detached clone of the mount src_fd refers to (it must be attached in this namespace). */
int mount_clone(int src_fd, int *ret_fd);
/* Attach the detached tree tree_fd onto target_fd; tree_fd then refers to the attached mount. */
int mount_attach(int tree_fd, int target_fd);

/*
 * Fresh proc (nosuid,nodev,noexec) on ROOT/proc with sys, sysrq-trigger,
 * irq and bus bound read-only over themselves, and sysfs read-only on
 * ROOT/sys. Creates ROOT/proc and ROOT/sys when missing.
 */
int mount_proc_sys(int root_fd, struct fail *f);

/* Make root_fd the root (fchdir + pivot_root(".", ".")), detach the old root, chdir("/"). */
int mount_pivot_root(int root_fd);
