/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool-open.h"
#include "util.h"

static int
set_msg(char *msg, size_t size, int r, const char *why)
{
	if (why != NULL)
		(void)snprintf(msg, size, "%s", why);
	else
		(void)snprintf(msg, size, "cannot open: %s", strerror(-r));
	return r;
}

/*
 * O_PATH|O_NOFOLLOW: a final symlink comes back as an fd on the link itself
 * (the caller's fstat sees S_IFLNK), so ELOOP means a directory on the way.
 * RESOLVE_NO_SYMLINKS refuses every symlink component, as the helper does;
 * a kernel without openat2 (before 5.6) gets O_NOFOLLOW on the last one only.
 */
static int
open_path(int dir_fd, const char *path, int flags, bool follow)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
	    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (follow)
		fd = openat(dir_fd, path, flags | O_CLOEXEC);
	else {
		fd = syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
		if (fd < 0 && errno == ENOSYS)
			fd = openat(dir_fd, path, flags | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd < 0 ? -errno : (int)fd;
}

/*
 * Open for reading the very inode path_fd names. Through /proc this cannot
 * reach anything else; without /proc, open the path again (O_NONBLOCK, so a
 * FIFO swapped in meanwhile cannot hang us) and insist on the same inode.
 */
static int
reopen(int dir_fd, const char *path, bool follow, int path_fd, const struct stat *st)
{
	char proc[64];
	_cleanup_close_ int fd = -1;
	struct stat st2;
	int r;

	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", path_fd);
	fd = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		return TAKE_FD(fd);
	if (errno != ENOENT)
		return -errno;
	fd = openat(dir_fd, path,
	    O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st2) < 0)
		return -errno;
	if (st2.st_dev != st->st_dev || st2.st_ino != st->st_ino)
		return -ESTALE;
	r = util_set_nonblock(fd, 0);
	if (r < 0)
		return r;
	return TAKE_FD(fd);
}

int
tool_open_regular(int dir_fd, const char *path, bool follow, int *ret_fd, struct stat *ret_st,
    char *reterr_msg, size_t msg_size)
{
	_cleanup_close_ int pfd = -1;
	struct stat st;
	int fd;

	pfd = open_path(dir_fd, path, O_PATH, follow);
	if (pfd == -ELOOP && !follow)
		return set_msg(reterr_msg, msg_size, pfd, "has a symbolic link in its path");
	if (pfd < 0)
		return set_msg(reterr_msg, msg_size, pfd, NULL);
	if (fstat(pfd, &st) < 0)
		return set_msg(reterr_msg, msg_size, -errno, NULL);
	if (S_ISLNK(st.st_mode))
		return set_msg(reterr_msg, msg_size, -ELOOP, "is a symbolic link");
	if (!S_ISREG(st.st_mode))
		return set_msg(reterr_msg, msg_size, -EINVAL, "not a regular file");
	fd = reopen(dir_fd, path, follow, pfd, &st);
	if (fd < 0)
		return set_msg(reterr_msg, msg_size, fd, NULL);
	*ret_fd = fd;
	*ret_st = st;
	return 0;
}

int
tool_open_dir(const char *path, char *reterr_msg, size_t msg_size)
{
	/* O_DIRECTORY: a FIFO or device fails ENOTDIR before any driver open. */
	int fd = open_path(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, false);
	struct stat st;

	if (fd == -ELOOP)
		return set_msg(reterr_msg, msg_size, fd, "has a symbolic link in its path");
	/* O_NOFOLLOW|O_DIRECTORY on a final symlink is ENOTDIR; lstat only picks the words. */
	if (fd == -ENOTDIR && fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return set_msg(reterr_msg, msg_size, -ELOOP, "is a symbolic link");
	if (fd < 0)
		return set_msg(reterr_msg, msg_size, fd, NULL);
	return fd;
}
