/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The user's terminal: raw mode and its exact restoration, fd flags, window
 * sizes. tty_restore() is safe to call any number of times and from any
 * exit path (it is also registered with atexit()).
 */

#include <stdbool.h>
#include <stdint.h>

/*
 * Remember the termios of fd (when it is a terminal) and the file status
 * flags of in_fd and out_fd, so that tty_restore() can put them back.
 */
int tty_save(int in_fd, int out_fd);
/* Switch the saved terminal to raw mode (cfmakeraw on a copy). -ENOTTY if none was saved. */
int tty_set_raw(void);
/* Put back the saved termios (TCSADRAIN) and fd flags; idempotent. */
void tty_restore(void);
/* The window size of the first of 0, 1, 2 that is a terminal; -ENOTTY when none is. */
int tty_get_size(uint16_t *ret_rows, uint16_t *ret_cols);
/* The initial size to request: the terminal's, else $LINES/$COLUMNS (1..10000), else 24x80. */
void tty_initial_size(uint16_t *ret_rows, uint16_t *ret_cols);
/* Copy the user's window size to the console master; 0 when there is no user terminal. */
int tty_forward_size(int master);
