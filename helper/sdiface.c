/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * container_uuid and /run/host (see sdiface.h). The one read in the
 * container root (etc/machine-id) goes through openat_safe(OPENAT_BENEATH) with
 * no symlink, as O_PATH first: only a regular file is then opened for
 * reading (through /proc/self/fd), so a planted FIFO or device node is never
 * opened. Everything written lands on a tmpfs this child just mounted.
 */

#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mount.h"
#include "openat.h"
#include "sdiface.h"
#include "session.h"
#include "util.h"

/* 32 lower-case hex digits and an optional newline, not all zero: machine-id(5). */
static int
parse_machine_id(const char *s, size_t n, unsigned char id[16])
{
	static const char hex[] = "0123456789abcdef";
	bool nonzero = false;

	if (n == 33 && s[32] == '\n')
		n = 32;
	if (n != 32)
		return -EINVAL;
	for (size_t i = 0; i < 32; i++) {
		const char *p = s[i] != '\0' ? strchr(hex, s[i]) : NULL;
		if (p == NULL)
			return -EINVAL;
		id[i / 2] = (unsigned char)((i % 2 == 0 ? 0 : id[i / 2] << 4) | (p - hex));
		nonzero |= p != hex;
	}
	return nonzero ? 0 : -EINVAL;
}

static int
read_machine_id(int root_fd, unsigned char id[16])
{
	_cleanup_close_ int path = -1, fd = -1;
	char proc[64], buf[40];
	struct stat st;
	ssize_t n;
	int r;

	r = openat_safe(root_fd, "etc/machine-id", O_PATH, OPENAT_BENEATH, &path);
	if (r < 0)
		return r;
	if (fstat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size > 33)
		return -EINVAL;
	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", path);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	return parse_machine_id(buf, (size_t)n, id);
}

int
sdiface_env(int root_fd, char **envp, size_t nslots, char *ret_uuid)
{
	unsigned char id[16];
	char var[64];
	size_t i;

	for (i = 0; i + 1 < nslots && envp[i] != NULL; i++)
		;
	if (i + 1 >= nslots)
		return -E2BIG;
	if (read_machine_id(root_fd, id) < 0) {
		if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
			return -EIO;
		/* RFC 4122 version 4 (random), as systemd makes machine ids. */
		id[6] = (unsigned char)((id[6] & 0x0f) | 0x40);
		id[8] = (unsigned char)((id[8] & 0x3f) | 0x80);
	}
	(void)snprintf(ret_uuid, SDIFACE_UUID_LEN + 1,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", id[0], id[1],
	    id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9], id[10], id[11], id[12], id[13],
	    id[14], id[15]);
	(void)snprintf(var, sizeof(var), "container_uuid=%s", ret_uuid);
	envp[i] = strdup(var);
	return envp[i] == NULL ? -ENOMEM : 0;
}

static int
make_readonly(int fd)
{
	struct mount_attr attr = {
	    .attr_set =
	        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	_cleanup_close_ int tree = -1;

	/* A read-only bind of the directory onto itself: the container cannot
	 * rewrite what its manager says about itself. */
	tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return -errno;
	if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static int
write_manager(int host_fd)
{
	_cleanup_close_ int fd = -1;

	fd = openat(host_fd, "container-manager", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	return util_write_full(fd, SDIFACE_MANAGER "\n", sizeof(SDIFACE_MANAGER));
}

int
sdiface_mount(int root_fd, struct fail *f)
{
	/* nspawn's limits for /run: a container cannot fill the host's memory through it. */
	static const char *const opts[] = {"mode=0755", "size=20%", "nr_inodes=800k", NULL};
	_cleanup_close_ int dir = -1, run = -1, host = -1;
	int r;

	f->step = "/run";
	r = openat_safe(root_fd, "run", O_PATH | O_DIRECTORY, OPENAT_BENEATH, &dir);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	f->step = "mounting tmpfs on /run";
	r = mount_fs(dir, "tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &run);
	if (r < 0)
		return r;
	f->step = "creating /run/host/container-manager";
	if (mkdirat(run, "host", 0755) < 0)
		return -errno;
	host = openat(run, "host", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (host < 0)
		return -errno;
	r = write_manager(host);
	if (r < 0)
		return r;
	f->step = "making /run/host read-only";
	return make_readonly(host);
}
