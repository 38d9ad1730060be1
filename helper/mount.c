/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Mounts for the container's first process. Everything here runs in the
 * child's new mount namespace after mount_make_private(), so no mount made
 * here can propagate to the host; what must still be prevented is a write to
 * the host's file systems through a symlink planted in the container root,
 * which is why every lookup under the root goes through openat_safe() in
 * OPENAT_BENEATH scope (openat.c) and every mount lands on an fd (new
 * mount API), never on a path string.
 */

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "mount.h"
#include "openat.h"
#include "session.h"
#include "util.h"

int
mount_make_private(void)
{
	/* Our own copy of the host's mount table (CLONE_NEWNS): after this,
	 * mounts and unmounts here stay here, in both directions. */
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}

int
mount_open_dir(int dir_fd, const char *name, bool create, int *ret_fd)
{
	int r;

	r = openat_safe(dir_fd, name, O_PATH | O_DIRECTORY, OPENAT_BENEATH, ret_fd);
	if (r != -ENOENT || !create)
		return r;
	/* mkdirat never follows a final symlink (EEXIST instead), and the
	 * reopen below refuses whatever may have been swapped in meanwhile. */
	if (mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	return openat_safe(dir_fd, name, O_PATH | O_DIRECTORY, OPENAT_BENEATH, ret_fd);
}

/* userns rules: ids on the clone are seen through the user namespace's map. */
static int
idmap_tree(int tree_fd, int userns_fd)
{
	struct mount_attr attr = {
	    .attr_set = MOUNT_ATTR_IDMAP,
	    .userns_fd = (uint64_t)userns_fd,
	};

	/* On a detached clone nobody has seen yet, as the kernel requires. */
	if (mount_setattr(tree_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -errno;
	return 0;
}

int
mount_bind_root(int root_fd, const char *root, int userns_fd, int *ret_fd, struct fail *f)
{
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int tree = -1;
	struct stat want, got;
	int r;

	/* root_fd belongs to the parent's mount namespace, and open_tree and
	 * move_mount refuse mounts of another namespace (EINVAL), so look
	 * the canonical path up again here, with no symlink allowed, and
	 * accept it only if it is the very directory the host side checked. */
	f->step = "opening the container root";
	if (root == NULL || root[0] != '/')
		return -EINVAL;
	r = openat_safe(AT_FDCWD, root, O_PATH | O_DIRECTORY, OPENAT_HOST, &fd);
	if (r < 0)
		return r;
	f->step = "checking the container root";
	if (fstat(root_fd, &want) < 0 || fstat(fd, &got) < 0)
		return -errno;
	if (want.st_dev != got.st_dev || want.st_ino != got.st_ino)
		return fail_say(f, -ESTALE, "the container root was replaced while starting");
	/* Recursive, as systemd-nspawn: mounts the admin placed under the root
	 * (a separate /var, /home) are part of the container's tree. */
	f->step = "binding the container root onto itself";
	tree =
	    open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return -errno;
	if (userns_fd >= 0) {
		r = idmap_tree(tree, userns_fd);

		/* Never chown the admin's tree instead: refuse, and say why. */
		if (r == -EINVAL || r == -EOPNOTSUPP || r == -ENOSYS)
			return fail_say(f, r,
			    "the file system of the container root cannot be id-mapped "
			    "(userns rules need one that can, such as ext4, xfs, btrfs or tmpfs)");
		f->step = "id-mapping the container root";
		if (r < 0)
			return r;
		f->step = "binding the container root onto itself";
	}
	if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	*ret_fd = TAKE_FD(tree);
	return 0;
}

static int
fs_config_one(int fs, const char *opt)
{
	char key[64];
	const char *eq = strchr(opt, '=');
	size_t n;
	int r;

	if (eq == NULL)
		r = fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
	else {
		n = (size_t)(eq - opt);
		if (n >= sizeof(key))
			return -ENAMETOOLONG;
		memcpy(key, opt, n);
		key[n] = '\0';
		r = fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0);
	}
	return r < 0 ? -errno : 0;
}

int
mount_new_fs(const char *fstype, const char *const *opts, unsigned int attr, int *ret_fd)
{
	_cleanup_close_ int fs = -1;
	int mnt, r;

	/* A new superblock (never a host one) with fixed options chosen by
	 * the caller in this program, not yet attached anywhere. */
	fs = fsopen(fstype, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	for (size_t i = 0; opts != NULL && opts[i] != NULL; i++) {
		r = fs_config_one(fs, opts[i]);
		if (r < 0)
			return r;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attr);
	if (mnt < 0)
		return -errno;
	*ret_fd = mnt;
	return 0;
}

int
mount_fs(int target_fd, const char *fstype, const char *const *opts, unsigned int attr, int *ret_fd)
{
	_cleanup_close_ int mnt = -1;
	int r;

	/* Attached onto an fd that was checked beneath the root. */
	r = mount_new_fs(fstype, opts, attr, &mnt);
	if (r < 0)
		return r;
	if (move_mount(mnt, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return -errno;
	if (ret_fd != NULL)
		*ret_fd = TAKE_FD(mnt);
	return 0;
}

int
mount_clone(int src_fd, int *ret_fd)
{
	/* open_tree on the fd itself: no path is looked up, so nothing can
	 * be swapped between choosing the source and cloning it. */
	int tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (tree < 0)
		return -errno;
	*ret_fd = tree;
	return 0;
}

int
mount_attach(int tree_fd, int target_fd)
{
	if (move_mount(tree_fd, "", target_fd, "",
	        MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int
mount_bind_fd(int src_fd, int target_fd)
{
	_cleanup_close_ int tree = -1;
	int r = mount_clone(src_fd, &tree);

	return r < 0 ? r : mount_attach(tree, target_fd);
}

static int
bind_readonly(int dir_fd, const char *name)
{
	struct mount_attr attr = {
	    .attr_set =
	        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int tree = -1;
	int r;

	r = openat_safe(dir_fd, name, O_PATH, OPENAT_BENEATH, &fd);
	if (r == -ENOENT)
		return 0; /* not in this kernel: nothing to protect */
	if (r < 0)
		return r;
	tree =
	    open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return -errno;
	if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

static int
mount_proc(int root_fd, struct fail *f)
{
	/* The parts of procfs that write to the host kernel rather than to
	 * this pid namespace (sysctls such as kernel.core_pattern, SysRq,
	 * IRQ affinity, PCI config space) become read-only bind mounts. */
	static const struct {
		const char *name, *what;
	} ro[] = {
	    {"sys", "making /proc/sys read-only"},
	    {"sysrq-trigger", "making /proc/sysrq-trigger read-only"},
	    {"irq", "making /proc/irq read-only"},
	    {"bus", "making /proc/bus read-only"},
	};
	_cleanup_close_ int dir = -1;
	_cleanup_close_ int proc = -1;
	int r;

	f->step = "/proc";
	r = mount_open_dir(root_fd, "proc", true, &dir);
	if (r < 0)
		return r;
	/* A fresh procfs of the child's (new) pid namespace. */
	f->step = "mounting proc on /proc";
	r = mount_fs(dir, "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	    &proc);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(ro); i++) {
		f->step = ro[i].what;
		r = bind_readonly(proc, ro[i].name);
		if (r < 0)
			return r;
	}
	return 0;
}

int
mount_proc_sys(int root_fd, struct fail *f)
{
	_cleanup_close_ int dir = -1;
	int r;

	r = mount_proc(root_fd, f);
	if (r < 0)
		return r;
	f->step = "/sys";
	r = mount_open_dir(root_fd, "sys", true, &dir);
	if (r < 0)
		return r;
	/* sysfs tagged with the child's network namespace, read-only, so
	 * container root cannot write host device attributes through it. */
	f->step = "mounting sysfs on /sys";
	return mount_fs(dir, "sysfs", NULL,
	    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, NULL);
}

int
mount_pivot_root(int root_fd)
{
	/* pivot_root(".", ".") stacks the old root on top of the new one at
	 * "/"; detaching "." then drops the old root (the host's tree, as
	 * copied into this private namespace) so nothing of it stays reachable. */
	if (fchdir(root_fd) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return 0;
}
