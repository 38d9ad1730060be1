/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The console PTY, allocated from the container's own devpts instance
 * (never a host terminal), as runc does. Returns 0 or -errno.
 */

#include <stdint.h>

/*
 * Open pts_fd/ptmx (the new devpts instance), unlock it, set the window
 * size when rows or cols is non-zero, and open the slave with TIOCGPTPEER.
 * Both fds are O_NOCTTY|O_CLOEXEC.
 */
int pty_open_in_devpts(int pts_fd, uint16_t rows, uint16_t cols, int *ret_master, int *ret_slave);

/* Send the one-byte message tag with fd attached (SCM_RIGHTS) on sock. */
int pty_send_fd(int sock, char tag, int fd);

/*
 * Make slave_fd the controlling terminal of a new session (setsid,
 * TIOCSCTTY) and the process's stdin, stdout and stderr.
 */
int pty_make_controlling(int slave_fd);
