/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "tty.h"

#define TTY_MAX_DIM 10000

static struct {
	bool have_termios;
	bool raw;
	int term_fd;
	struct termios saved;
	int in_fd, out_fd;
	int in_flags, out_flags; /* -1: not saved */
} T = {.term_fd = -1, .in_fd = -1, .out_fd = -1, .in_flags = -1, .out_flags = -1};

int
tty_save(int in_fd, int out_fd)
{
	T.in_fd = in_fd;
	T.out_fd = out_fd;
	T.in_flags = fcntl(in_fd, F_GETFL);
	T.out_flags = fcntl(out_fd, F_GETFL);
	if (isatty(in_fd)) {
		if (tcgetattr(in_fd, &T.saved) < 0)
			return -errno;
		T.term_fd = in_fd;
		T.have_termios = true;
	}
	return 0;
}

int
tty_set_raw(void)
{
	struct termios raw;

	if (!T.have_termios)
		return -ENOTTY;
	raw = T.saved;
	cfmakeraw(&raw);
	T.raw = true; /* before the change, so that a failure half way still restores */
	if (tcsetattr(T.term_fd, TCSADRAIN, &raw) < 0)
		return -errno;
	return 0;
}

void
tty_restore(void)
{
	/*
	 * stdin and stdout are often one open file description (the terminal),
	 * so O_NONBLOCK set on one shows on the other: restore both, out first.
	 */
	if (T.out_flags >= 0)
		(void)fcntl(T.out_fd, F_SETFL, T.out_flags);
	if (T.in_flags >= 0)
		(void)fcntl(T.in_fd, F_SETFL, T.in_flags);
	if (T.raw) {
		while (tcsetattr(T.term_fd, TCSADRAIN, &T.saved) < 0 && errno == EINTR)
			;
		T.raw = false;
	}
}

int
tty_get_size(uint16_t *ret_rows, uint16_t *ret_cols)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct winsize ws;

		if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) < 0)
			continue;
		if (ws.ws_row == 0 || ws.ws_col == 0)
			continue; /* some serial lines report 0x0: treat as unknown */
		*ret_rows = ws.ws_row;
		*ret_cols = ws.ws_col;
		return 0;
	}
	return -ENOTTY;
}

static uint16_t
env_dim(const char *name, uint16_t dflt)
{
	const char *s = getenv(name), *errstr = NULL;
	long long v;

	if (s == NULL)
		return dflt;
	v = strtonum(s, 1, TTY_MAX_DIM, &errstr);
	return errstr == NULL ? (uint16_t)v : dflt;
}

void
tty_initial_size(uint16_t *ret_rows, uint16_t *ret_cols)
{
	if (tty_get_size(ret_rows, ret_cols) == 0)
		return;
	*ret_rows = env_dim("LINES", 24);
	*ret_cols = env_dim("COLUMNS", 80);
}

int
tty_forward_size(int master)
{
	struct winsize ws = {0};

	if (tty_get_size(&ws.ws_row, &ws.ws_col) < 0)
		return 0;
	if (ioctl(master, TIOCSWINSZ, &ws) < 0)
		return -errno;
	return 0;
}
