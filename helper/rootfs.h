/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Open the container root the policy allowed, so that what is opened is
 * exactly the path the policy matched: no symlink in any component, so no
 * caller-made link can redirect it (STYLE.md §6). Then check its init.
 */

/* O_PATH|O_DIRECTORY fd of root; -ELOOP for a symlink anywhere, -ENOTDIR, -ENOENT. */
int rootfs_open(const char *root, int *ret_fd);

/*
 * 0 when init (absolute, resolved inside the root as the container will see
 * it) is an executable regular file; -ENOENT missing, -EACCES not executable.
 */
int rootfs_check_init(int root_fd, const char *init);
