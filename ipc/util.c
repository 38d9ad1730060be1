/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "util.h"

int
util_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
util_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
util_safe_close(int fd)
{
	int saved = errno;

	if (fd >= 0)
		(void)close(fd);
	errno = saved;
	return -1;
}

static int
update_flags(int fd, int getcmd, int setcmd, int flag, int on)
{
	int flags = fcntl(fd, getcmd);

	if (flags < 0)
		return -errno;
	flags = on ? (flags | flag) : (flags & ~flag);
	if (fcntl(fd, setcmd, flags) < 0)
		return -errno;
	return 0;
}

int
util_set_nonblock(int fd, int on)
{
	return update_flags(fd, F_GETFL, F_SETFL, O_NONBLOCK, on);
}

int
util_set_cloexec(int fd, int on)
{
	return update_flags(fd, F_GETFD, F_SETFD, FD_CLOEXEC, on);
}
