/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* O_PATH */
#endif
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "policy.h"
#include "util.h"

static int set_err(struct policy_error *e, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_err(struct policy_error *e, int r, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		e->line = 0;
		e->col = 0;
		va_start(ap, fmt);
		(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return r;
}

/*
 * Anyone who can write the file or a directory above it could rewrite
 * who may become root through the helper, so all of them must be root's.
 */
static int
check_owner(int fd, const char *shown, bool want_dir, struct policy_error *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return set_err(e, -errno, "%.200s: cannot stat", shown);
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return set_err(e, -EPERM, "%.200s: not a %s", shown,
		    want_dir ? "directory" : "regular file");
	if (st.st_uid != 0)
		return set_err(e, -EPERM, "%.200s: not owned by root", shown);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return set_err(e, -EPERM, "%.200s: writable by group or other", shown);
	return 0;
}

/* O_NOFOLLOW fails with ELOOP on a final symlink, ENOTDIR with O_DIRECTORY. */
static int
open_failed(int dfd, const char *name, const char *shown, struct policy_error *e)
{
	int r = -errno;
	struct stat st;

	if (r != -ELOOP && r != -ENOTDIR)
		return set_err(e, r, "%.200s: cannot open: %s", shown, strerror(-r));
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		return set_err(e, -EPERM, "%.200s: is a symbolic link", shown);
	return set_err(e, -EPERM, "%.200s: not a directory", shown);
}

/*
 * Walk the path one component at a time from "/", each opened with
 * O_NOFOLLOW relative to the directory checked before it, so what is
 * checked is exactly what is opened (no check-then-open race, no symlink
 * anywhere on the way).
 */
int
policy_open(const char *path, int *ret_fd, struct policy_error *reterr_err)
{
	_cleanup_close_ int dfd = -1;
	char shown[PATH_MAX];
	size_t n = 0;
	int r;

	if (path == NULL || path[0] != '/' || strlen(path) >= sizeof(shown))
		return set_err(reterr_err, -EINVAL, "policy path must be absolute");
	dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return set_err(reterr_err, -errno, "/: cannot open");
	shown[n++] = '/';
	shown[n] = '\0';
	r = check_owner(dfd, shown, true, reterr_err);
	for (const char *c = path + 1; r >= 0;) {
		const char *slash = strchr(c, '/');
		size_t len = slash != NULL ? (size_t)(slash - c) : strlen(c);
		char name[NAME_MAX + 1];
		int fd;

		if (len == 0 || len > NAME_MAX)
			return set_err(reterr_err, -EINVAL, "%.200s: bad policy path", path);
		memcpy(name, c, len);
		name[len] = '\0';
		memcpy(shown + n, c, len);
		n += len;
		shown[n] = '\0';
		fd = openat(dfd, name,
		    (slash != NULL ? O_PATH | O_DIRECTORY : O_RDONLY | O_NONBLOCK | O_NOCTTY) |
		        O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return open_failed(dfd, name, shown, reterr_err);
		(void)close(dfd);
		dfd = fd;
		r = check_owner(dfd, shown, slash != NULL, reterr_err);
		if (slash == NULL)
			break;
		shown[n++] = '/';
		c = slash + 1;
	}
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(dfd);
	return 0;
}

int
policy_read_fd(int fd, char **ret_text, size_t *ret_len)
{
	_cleanup_free_ char *buf = malloc(POLICY_MAX_FILE + 1);
	size_t len = 0;
	int r;

	if (buf == NULL)
		return -ENOMEM;
	/* Read one byte past the cap so a file that grew is caught too. */
	r = util_read_upto(fd, buf, POLICY_MAX_FILE + 1, &len);
	if (r < 0)
		return r;
	if (len > POLICY_MAX_FILE)
		return -E2BIG;
	*ret_text = TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

int
policy_load(const char *path, struct policy **ret, struct policy_error *reterr_err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (reterr_err != NULL)
		*reterr_err = (struct policy_error){0};
	r = policy_open(path, &fd, reterr_err);
	if (r < 0)
		return r;
	r = policy_read_fd(fd, &text, &len);
	if (r < 0)
		return set_err(reterr_err, r, "%.200s: %s", path,
		    r == -E2BIG ? "file larger than the size cap" : "cannot read");
	return policy_parse(text, len, ret, reterr_err);
}
