/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int
util_read_upto(int fd, void *buf, size_t size, size_t *ret_len)
{
	char *p = buf;
	size_t len = 0;

	while (len < size) {
		ssize_t n = read(fd, p + len, size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret_len = len;
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

void
util_now_mono(struct timespec *ret)
{
	(void)clock_gettime(CLOCK_MONOTONIC, ret);
}

long long
util_ms_until(const struct timespec *t)
{
	struct timespec now;

	util_now_mono(&now);
	return (long long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
}

void
util_after_ms(struct timespec *ret, long long ms)
{
	util_now_mono(ret);
	ret->tv_sec += (time_t)(ms / 1000);
	ret->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ret->tv_nsec >= 1000000000L) {
		ret->tv_sec++;
		ret->tv_nsec -= 1000000000L;
	}
}

bool
util_portable_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '.' || c == '-';
}

bool
util_ifname_ok(const char *s)
{
	size_t n;

	if (s == NULL)
		return false;
	n = strnlen(s, UTIL_IFNAME_MAX + 1);
	if (n == 0 || n > UTIL_IFNAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!util_portable_char(s[i]))
			return false;
	return true;
}
