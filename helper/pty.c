/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Console PTY. The master is opened through ptmx of the devpts instance
 * that dev.c mounted for this container, and the slave through TIOCGPTPEER
 * on the master, so neither is looked up by a name someone could swap and
 * neither can be a host terminal: a container process can then never
 * TIOCSTI into the user's shell.
 */

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mount.h"
#include "openat.h"
#include "pty.h"
#include "util.h"

int
pty_open_in_devpts(int pts_fd, uint16_t rows, uint16_t cols, int *ret_master, int *ret_slave)
{
	_cleanup_close_ int master = -1;
	int slave, unlock = 0, r;

	r = openat_safe(pts_fd, "ptmx", O_RDWR | O_NOCTTY, OPENAT_BENEATH, &master);
	if (r < 0)
		return r;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	if (rows != 0 || cols != 0) {
		struct winsize ws = {.ws_row = rows, .ws_col = cols};

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return -errno;
	}
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return -errno;
	*ret_master = TAKE_FD(master);
	*ret_slave = slave;
	return 0;
}

int
pty_reopen_console(int pts_fd, int index, int *ret_slave)
{
	_cleanup_close_ int slave = -1;
	char name[16];
	struct stat st;
	int r;

	if (index < 0 || snprintf(name, sizeof(name), "%d", index) >= (int)sizeof(name))
		return -EINVAL;
	/* Beneath this container's own devpts instance, where only PTYs exist. */
	r = openat_safe(pts_fd, name, O_RDWR | O_NOCTTY, OPENAT_BENEATH, &slave);
	if (r < 0)
		return r;
	if (fstat(slave, &st) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode) || !isatty(slave))
		return -ENOTTY;
	*ret_slave = TAKE_FD(slave);
	return 0;
}

/* 0-2 become fds[0..2], in a new session, as the kernel starts init. */
static int
make_stdio(const int fds[3])
{
	if (setsid() < 0)
		return -errno;
	/* Replaces whatever 0-2 were inherited from the helper (possibly the
	 * user's own terminal), so init never sees a host fd. */
	for (int fd = 0; fd <= 2; fd++)
		if (fds[fd] != fd && dup2(fds[fd], fd) < 0)
			return -errno;
	return 0;
}

int
pty_make_console_stdio(int slave_fd)
{
	/*
	 * A new session, as the kernel starts init: the console is init's
	 * stdio but not its controlling terminal, so that a getty or shell
	 * init starts on it can make it theirs (TIOCSCTTY without stealing)
	 * and get job control. Nothing here can reach a host terminal: the
	 * slave is ours (TIOCGPTPEER) and every other fd is closed before exec.
	 */
	const int fds[3] = {slave_fd, slave_fd, slave_fd};

	return make_stdio(fds);
}

int
pty_make_stdio(const int fds[3])
{
	/* The frontend's fresh pipes (checked to be anonymous pipes): no terminal at all. */
	return make_stdio(fds);
}
