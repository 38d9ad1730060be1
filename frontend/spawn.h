/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

/*
 * Start the helper at path with one end of a SOCK_SEQPACKET socketpair on
 * its fd 3, no other fd but 0-2, an empty environment and argv
 * {"cnspawn-helper"}. Returns our end of the socket (close-on-exec) or -errno.
 */
int spawn_helper(const char *path, pid_t *ret_pid);
