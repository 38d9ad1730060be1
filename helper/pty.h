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

/*
 * Reboot in place (issue 16): open the console slave again, pts_fd/INDEX
 * of the devpts instance the previous boot handed over (its master is the
 * one the monitor kept). O_NOCTTY|O_CLOEXEC; -ENOTTY if it is not a PTY.
 */
int pty_reopen_console(int pts_fd, int index, int *ret_slave);
/*
 * Start a new session (with no controlling terminal, as the kernel starts
 * init) and make slave_fd the process's stdin, stdout and stderr.
 */
int pty_make_console_stdio(int slave_fd);

/* Pipe mode: a new session, fds[0..2] as stdin, stdout and stderr (no terminal). */
int pty_make_stdio(const int fds[3]);
