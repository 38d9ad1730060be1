/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * /dev for the container. The only lookup in the container root is
 * ROOT/dev itself (mount_open_dir: no symlink, must be a directory); all
 * nodes, links and directories are then made relative to the fd of a tmpfs
 * that this process has just mounted in its private mount namespace, so they
 * land on memory nobody else can reach, never on a host file system. The
 * root's own ROOT/dev contents (a planted dev/console symlink, say) are
 * hidden under that tmpfs and never looked at.
 */

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "dev.h"
#include "mount.h"
#include "openat.h"
#include "session.h"
#include "util.h"

static int
make_nodes(int dev_fd)
{
	/* The fixed list of sh-nspawn; harmless to share with the host. */
	static const struct {
		const char *name;
		unsigned int major, minor;
	} nodes[] = {
	    {"null", 1, 3},
	    {"zero", 1, 5},
	    {"full", 1, 7},
	    {"random", 1, 8},
	    {"urandom", 1, 9},
	    {"tty", 5, 0},
	};

	for (size_t i = 0; i < ELEMENTSOF(nodes); i++) {
		dev_t d = makedev(nodes[i].major, nodes[i].minor);

		if (mknodat(dev_fd, nodes[i].name, S_IFCHR | 0666, d) < 0)
			return -errno;
		/* mknod honours the umask; the mode must not depend on it. The
		 * name was just created on our own tmpfs, so following it is safe. */
		if (fchmodat(dev_fd, nodes[i].name, 0666, 0) < 0)
			return -errno;
	}
	return 0;
}

static int
make_links(int dev_fd)
{
	/* Link targets are resolved later, inside the container, against its
	 * own root; they are never followed here. */
	static const struct {
		const char *name, *target;
	} links[] = {
	    {"ptmx", "pts/ptmx"},
	    {"fd", "/proc/self/fd"},
	    {"stdin", "/proc/self/fd/0"},
	    {"stdout", "/proc/self/fd/1"},
	    {"stderr", "/proc/self/fd/2"},
	};

	for (size_t i = 0; i < ELEMENTSOF(links); i++)
		if (symlinkat(links[i].target, dev_fd, links[i].name) < 0)
			return -errno;
	return 0;
}

static int
mount_sub(int dev_fd, const char *name, const char *fstype, const char *const *opts,
    unsigned int attr, int *ret_fd)
{
	_cleanup_close_ int dir = -1;
	int r;

	if (mkdirat(dev_fd, name, 0755) < 0)
		return -errno;
	r = mount_open_dir(dev_fd, name, false, &dir);
	if (r < 0)
		return r;
	return mount_fs(dir, fstype, opts, attr, ret_fd);
}

static int
make_console(int dev_fd)
{
	_cleanup_close_ int fd = -1;

	/* An empty mount point for the slave; 0600 like a console nobody
	 * else owns. O_EXCL|O_NOFOLLOW: it must be a new regular file. */
	fd = openat(dev_fd, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) < 0)
		return -errno;
	return 0;
}

/*
 * ROOT/dev/pts: a new devpts instance, or on a reboot (issue 16) the one
 * the previous boot handed over (keep_pts, a detached clone of it), so
 * that the console PTY, which the monitor and the attached frontend hold
 * the master of, is the same one. Either way *ret_keep is a fresh detached
 * clone of it for the boot after this one (attaching consumes a clone).
 */
static int
mount_pts(int dev_fd, int keep_pts, int *ret_pts_fd, int *ret_keep)
{
	/* A new devpts instance: the container's PTYs are invisible to the
	 * host's and the host's (the user's terminal among them) to it. */
	static const char *const pts_opts[] = {"newinstance", "ptmxmode=0666", "mode=0620", NULL};
	_cleanup_close_ int dir = -1, pts = -1;
	int r;

	if (keep_pts < 0) {
		r = mount_sub(dev_fd, "pts", "devpts", pts_opts,
		    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, &pts);
	} else {
		/* Only this container's own instance, which no host path reaches: the
		 * clone was made by the helper's previous child and kept by the helper. */
		if (mkdirat(dev_fd, "pts", 0755) < 0)
			return -errno;
		r = mount_open_dir(dev_fd, "pts", false, &dir);
		if (r == 0)
			r = mount_attach(keep_pts, dir);
		if (r == 0)
			pts = fcntl(keep_pts, F_DUPFD_CLOEXEC, 3);
		if (r == 0 && pts < 0)
			r = -errno;
	}
	if (r == 0)
		r = mount_clone(pts, ret_keep);
	if (r == 0)
		*ret_pts_fd = TAKE_FD(pts);
	return r;
}

static int
fill_dev(int dev_fd, int keep_pts, int *ret_pts_fd, int *ret_keep, struct fail *f)
{
	/* Sized as Docker's default: unsized, every container's /dev/shm could hold
	 * half the host's memory (issue 10, F4). The limits issue caps memory itself. */
	static const char *const shm_opts[] = {"mode=1777", "size=64m", "nr_inodes=64k", NULL};
	int r;

	f->step = "creating device nodes in /dev";
	r = make_nodes(dev_fd);
	if (r < 0)
		return r;
	f->step = "creating symlinks in /dev";
	r = make_links(dev_fd);
	if (r < 0)
		return r;
	f->step = "mounting devpts on /dev/pts";
	r = mount_pts(dev_fd, keep_pts, ret_pts_fd, ret_keep);
	if (r < 0)
		return r;
	f->step = "mounting tmpfs on /dev/shm";
	r = mount_sub(dev_fd, "shm", "tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL);
	if (r < 0)
		return r;
	f->step = "creating /dev/console";
	return make_console(dev_fd);
}

int
dev_build(int root_fd, int keep_pts, int *ret_dev_fd, int *ret_pts_fd, int *ret_keep,
    struct fail *f)
{
	static const char *const dev_opts[] = {"mode=755", "size=4m", NULL};
	_cleanup_close_ int dir = -1;
	_cleanup_close_ int dev = -1;
	_cleanup_close_ int pts = -1;
	int r;

	/* Policy for a symlinked ROOT/dev: refuse (-ELOOP), never follow it
	 * and never rewrite the container's tree to "fix" it. */
	f->step = "/dev";
	r = mount_open_dir(root_fd, "dev", true, &dir);
	if (r < 0)
		return r;
	f->step = "mounting tmpfs on /dev";
	r = mount_fs(dir, "tmpfs", dev_opts, MOUNT_ATTR_NOSUID, &dev);
	if (r < 0)
		return r;
	r = fill_dev(dev, keep_pts, &pts, ret_keep, f);
	if (r < 0)
		return r;
	*ret_dev_fd = TAKE_FD(dev);
	*ret_pts_fd = TAKE_FD(pts);
	return 0;
}

int
dev_bind_console(int dev_fd, int slave_fd)
{
	_cleanup_close_ int console = -1;
	int r;

	/* Bind from the slave fd itself (open_tree), not from a
	 * /proc/self/fd/N path: no magic link, no /proc needed, and the
	 * source cannot be anything but the PTY we allocated. */
	r = openat_safe(dev_fd, "console", O_PATH, OPENAT_BENEATH, &console);
	if (r < 0)
		return r;
	return mount_bind_fd(slave_fd, console);
}
