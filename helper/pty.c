/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Console PTY. The master is opened through ptmx of the devpts instance
 * that dev.c mounted for this container, and the slave through TIOCGPTPEER
 * on the master, so neither is looked up by a name someone could swap and
 * neither can be a host terminal: a container process can then never
 * TIOCSTI into the user's shell.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mount.h"
#include "pty.h"
#include "util.h"

int
pty_open_in_devpts(int pts_fd, uint16_t rows, uint16_t cols, int *ret_master, int *ret_slave)
{
	_cleanup_close_ int master = -1;
	int slave, unlock = 0, r;

	r = mount_open_beneath(pts_fd, "ptmx", O_RDWR | O_NOCTTY, &master);
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
pty_send_fd(int sock, char tag, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = &tag, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = ctl.buf,
	    .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 1 ? 0 : -EIO;
}

int
pty_make_controlling(int slave_fd)
{
	/* A new session has no controlling terminal, so TIOCSCTTY needs no
	 * privilege and cannot steal one; the slave is ours (TIOCGPTPEER). */
	if (setsid() < 0)
		return -errno;
	if (ioctl(slave_fd, TIOCSCTTY, 0) < 0)
		return -errno;
	/* Replaces whatever 0-2 were inherited from the helper (possibly the
	 * user's own terminal), so init never sees a host fd. */
	for (int fd = 0; fd <= 2; fd++)
		if (fd != slave_fd && dup2(slave_fd, fd) < 0)
			return -errno;
	return 0;
}
