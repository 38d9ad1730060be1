/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs.h"
#include "util.h"

static int
openat2_fd(int dir_fd, const char *path, unsigned long long flags, unsigned long long resolve)
{
	struct open_how how = {.flags = flags, .resolve = resolve};
	long fd = syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int
rootfs_open(const char *root, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (root[0] != '/')
		return -EINVAL;
	/* No symlink and no magic link in any component: the fd is the path the policy named. */
	fd = openat2_fd(AT_FDCWD, root, O_PATH | O_DIRECTORY | O_CLOEXEC,
	    RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int
rootfs_check_init(int root_fd, const char *init)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	/* Resolved with the root as "/", as exec will after pivot_root; it cannot leave the root. */
	fd = openat2_fd(root_fd, init, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
		return -EACCES;
	return 0;
}
