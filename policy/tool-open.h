/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Opening a policy file named by the administrator, for check, explain and edit. */

#include <sys/stat.h>

#include <stdbool.h>
#include <stddef.h>

/*
 * Open PATH (relative to dir_fd, or AT_FDCWD) for reading, only if it is a
 * regular file. It is first opened O_PATH, which opens no FIFO or device
 * (no hang on a FIFO, no side effect of a device's open), and fstat'd; only
 * a regular file is then opened for reading. Without follow, no component
 * of PATH may be a symbolic link. Returns 0 with *ret_fd and *ret_st, or
 * -errno with a one-line reason in reterr_msg (which names no file):
 * -ELOOP "is a symbolic link" or "has a symbolic link in its path",
 * -EINVAL "not a regular file", else "cannot open: <strerror>".
 */
int tool_open_regular(int dir_fd, const char *path, bool follow, int *ret_fd, struct stat *ret_st,
    char *reterr_msg, size_t msg_size);

/*
 * Open directory PATH (O_RDONLY, so it can be flock'ed) through no symbolic
 * link. Returns the fd, or -errno with a reason in reterr_msg: -ELOOP "is
 * a symbolic link" or "has a symbolic link in its path", else "cannot open:
 * <strerror>".
 */
int tool_open_dir(const char *path, char *reterr_msg, size_t msg_size);
