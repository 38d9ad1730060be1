/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Binds of host directories: see binds.h for the three steps and why each is safe. */
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "binds.h"
#include "mount.h"
#include "openat.h"
#include "userns.h"
#include "util.h"

void
binds_close(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fds[i] = util_safe_close(fds[i]);
}

/*
 * The real, effective and saved ids stay as they are (euid 0), but with a
 * non-zero fsuid the kernel drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
 * the other file capabilities from the effective set, so every permission
 * check after it is the caller's own. setfsuid reports no error: read it back.
 */
int
binds_fs_ids(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups)
{
	if (setgroups(ngroups, groups) < 0)
		return -errno;
	(void)setfsgid(gid);
	(void)setfsuid(uid);
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid)
		return -EPERM;
	return 0;
}

/* The caller's view: read and search permission on the directory itself. */
static int
open_src(const char *src, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	int r;

	/* O_RDONLY, not O_PATH: opening needs read permission, as `ls` would. */
	r = openat_safe(AT_FDCWD, src, O_RDONLY | O_DIRECTORY, OPENAT_HOST, &fd);
	if (r < 0)
		return r;
	if (faccessat(fd, "", X_OK, AT_EMPTY_PATH | AT_EACCESS) < 0)
		return -errno;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

static int
say_open(struct fail *f, int r, const char *src)
{
	if (r == -ELOOP)
		return fail_say(f, r,
		    "cannot bind %s: a component is a symlink; name the real "
		    "directory",
		    src);
	if (r == -ENOTDIR)
		return fail_say(f, r, "cannot bind %s: not a directory", src);
	return fail_say(f, r, "cannot bind %s: %s", src, strerror(-r));
}

int
binds_open(const struct policy_bind *binds, size_t n, uid_t uid, gid_t gid, const gid_t *groups,
    size_t ngroups, int *ret_fds, struct fail *f)
{
	int r = 0, k;
	size_t i;

	for (i = 0; i < n; i++)
		ret_fds[i] = -1;
	if (n == 0)
		return 0;
	r = binds_fs_ids(uid, gid, groups, ngroups);
	for (i = 0; r == 0 && i < n; i++) {
		r = open_src(binds[i].src, &ret_fds[i]);
		if (r < 0)
			(void)say_open(f, r, binds[i].src);
	}
	/* Back to root's file access whatever happened; failing that, stop. */
	k = binds_fs_ids(0, 0, NULL, 0);
	if (r == 0 && k < 0)
		r = k;
	if (r < 0)
		binds_close(ret_fds, n);
	return r;
}

static int
clone_one(const struct policy_bind *b, int src_fd, int idmap_fd, int *ret_tree, struct fail *f)
{
	struct mount_attr attr = {
	    .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (b->ro ? MOUNT_ATTR_RDONLY : 0),
	};
	_cleanup_close_ int tree = -1;

	/* Not AT_RECURSIVE: only the directory's own mount; what is mounted
	 * below it on the host (whose flags we would have to vouch for) is not. */
	tree = open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return fail_say(f, -errno, "cannot bind %s: %s", b->src, strerror(errno));
	if (idmap_fd >= 0) {
		attr.attr_set |= MOUNT_ATTR_IDMAP;
		attr.userns_fd = (uint64_t)idmap_fd;
	}
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		int r = -errno;

		if (idmap_fd >= 0 && (r == -EINVAL || r == -EOPNOTSUPP))
			return fail_say(f, r,
			    "cannot bind %s: its file system cannot be id-mapped (userns rules "
			    "need "
			    "one that can, such as ext4, xfs, btrfs or tmpfs)",
			    b->src);
		return fail_say(f, r, "cannot bind %s: %s", b->src, strerror(-r));
	}
	*ret_tree = TAKE_FD(tree);
	return 0;
}

int
binds_clone(const struct policy_bind *binds, size_t n, int *src_fds, uid_t uid, gid_t gid,
    uint32_t userns_first, int *ret_trees, struct fail *f)
{
	_cleanup_close_ int idmap = -1;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		ret_trees[i] = -1;
	if (n > 0 && userns_first != 0) {
		r = userns_bind_idmap(uid, gid, userns_first, &idmap);
		if (r < 0)
			(void)fail_say(f, r, "creating the id map of the binds: %s", strerror(-r));
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		r = clone_one(&binds[i], src_fds[i], idmap, &ret_trees[i], f);
	binds_close(src_fds, n);
	if (r < 0)
		binds_close(ret_trees, n);
	return r;
}

/* DST's directory beneath root_fd, one component at a time, made when missing. */
static int
open_dst(int root_fd, const char *dst, int *ret_fd)
{
	_cleanup_close_ int cur = -1;
	char comp[256];
	const char *p = dst;
	int r;

	cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	while (*p == '/') {
		const char *next = strchr(p + 1, '/');
		size_t len = next != NULL ? (size_t)(next - p - 1) : strlen(p + 1);
		int fd = -1;

		if (len == 0 || len >= sizeof(comp))
			return -ENAMETOOLONG;
		memcpy(comp, p + 1, len);
		comp[len] = '\0';
		/* OPENAT_BENEATH: a symlink (to the host's /etc, say) is -ELOOP, never followed. */
		r = mount_open_dir(cur, comp, true, &fd);
		if (r < 0)
			return r;
		(void)close(cur);
		cur = fd;
		p += len + 1;
	}
	*ret_fd = TAKE_FD(cur);
	return 0;
}

static int
say_dst(struct fail *f, int r, const char *dst)
{
	const char *why = r == -ELOOP ? "a component of it in the container root is a symlink"
	    : r == -EXDEV             ? "it would leave the container root"
	    : r == -ENOTDIR           ? "a component of it in the container root is not a directory"
	                              : strerror(-r);

	return fail_say(f, r, "cannot bind onto %s: %s; refusing", dst, why);
}

int
binds_mount(int root_fd, const struct policy_bind *binds, size_t n, int *trees, uid_t create_uid,
    struct fail *f)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		_cleanup_close_ int dst = -1;

		/* Missing directories are made as container root would make them. */
		r = create_uid != 0 ? binds_fs_ids(create_uid, (gid_t)create_uid, NULL, 0) : 0;
		if (r == 0)
			r = open_dst(root_fd, binds[i].dst, &dst);
		if (create_uid != 0 && binds_fs_ids(0, 0, NULL, 0) < 0 && r == 0)
			r = -EPERM;
		if (r < 0) {
			(void)say_dst(f, r, binds[i].dst);
			break;
		}
		if (move_mount(trees[i], "", dst, "",
		        MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
			r = fail_say(f, -errno, "binding %s onto %s: %s", binds[i].src,
			    binds[i].dst, strerror(errno));
			break;
		}
		trees[i] = util_safe_close(trees[i]);
	}
	binds_close(trees, n);
	return r;
}
