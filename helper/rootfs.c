/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openat.h"
#include "rootfs.h"
#include "util.h"

int
rootfs_open(const char *root, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (root[0] != '/')
		return -EINVAL;
	/* No symlink and no magic link in any component: the fd is the path the policy named. */
	r = openat_safe(AT_FDCWD, root, O_PATH | O_DIRECTORY, OPENAT_HOST, &fd);
	if (r < 0)
		return r;
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
	int r;

	/* Resolved with the root as "/", as exec will after pivot_root; it cannot leave the root. */
	r = openat_safe(root_fd, init, O_PATH, OPENAT_IN_ROOT, &fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
		return -EACCES;
	return 0;
}
