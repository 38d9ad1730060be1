/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <unistd.h>

#include "openat.h"

/*
 * Why these flags:
 *  - No scope follows a magic link (/proc/PID/fd/N, /proc/PID/root): they
 *    jump to any file a process holds, past every check below.
 *  - OPENAT_HOST: the path is a string the policy named or the helper built
 *    from fixed parts (/sys/fs/cgroup/..., the root). Any symlink in it,
 *    final or not, is -ELOOP, so the fd is the path as written, not where a
 *    link an unprivileged user planted points.
 *  - OPENAT_BENEATH: names inside the container root or a tmpfs we made.
 *    Container root (or the user who owns a userns root's files) can plant
 *    links there; no symlink and no ".." out of dir_fd, so a write we make
 *    lands below it, never on the host.
 *  - OPENAT_IN_ROOT: only to check what exec will find (init): symlinks are
 *    followed as the container will follow them, with dir_fd as "/", so
 *    an absolute link cannot leave the root. Never used to write.
 * O_NOFOLLOW is not used: with O_PATH it returns the link itself, while
 * RESOLVE_NO_SYMLINKS refuses it.
 */
static uint64_t
resolve_flags(enum openat_scope scope)
{
	switch (scope) {
	case OPENAT_HOST:
		return RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	case OPENAT_BENEATH:
		return RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	case OPENAT_IN_ROOT:
		return RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	default:
		return 0;
	}
}

int
openat_safe(int dir_fd, const char *path, int flags, enum openat_scope scope, int *ret_fd)
{
	struct open_how how = {
	    .flags = (uint64_t)(unsigned int)(flags | O_CLOEXEC),
	    .resolve = resolve_flags(scope),
	};
	long fd;

	if (how.resolve == 0)
		return -EINVAL;
	fd = syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	*ret_fd = (int)fd;
	return 0;
}
