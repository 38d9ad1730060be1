/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The helper's one way to open a path (STYLE.md §6: fds, not path strings).
 * Every lookup says which of three scopes it is in; the resolve flags for
 * each are chosen once, in openat.c, and explained there.
 */

enum openat_scope {
	OPENAT_HOST,    /* a host path the helper built or the policy named: no symlink at all */
	OPENAT_BENEATH, /* a name below a directory fd (the container root, /dev): never above it */
	OPENAT_IN_ROOT, /* a path as the container will resolve it, with dir_fd as "/" */
};

/*
 * openat2(dir_fd, path, flags | O_CLOEXEC) in scope. 0 and the fd in
 * *ret_fd, or -errno: -ELOOP for a symlink the scope refuses, -EXDEV for
 * a path that would leave dir_fd (OPENAT_BENEATH).
 */
int openat_safe(int dir_fd, const char *path, int flags, enum openat_scope scope, int *ret_fd);
