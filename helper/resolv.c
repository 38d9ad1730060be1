/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mount.h"
#include "openat.h"
#include "resolv.h"
#include "session.h"
#include "util.h"

int
resolv_text(const struct policy_grant *g, unsigned rule, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN];
	size_t used;
	int k;

	k = snprintf(buf, size, "# cnspawn: from the policy's rule at line %u (read-only)\n", rule);
	for (size_t i = 0; k >= 0 && (size_t)k < size && i < g->ndns; i++) {
		used = (size_t)k;
		k = snprintf(buf + used, size - used, "nameserver %s\n",
		    inet_ntop(AF_INET, &g->dns[i], a, sizeof(a)));
		k = k < 0 ? k : k + (int)used;
	}
	if (k >= 0 && (size_t)k < size && g->search[0] != '\0') {
		used = (size_t)k;
		k = snprintf(buf + used, size - used, "search %s\n", g->search);
		k = k < 0 ? k : k + (int)used;
	}
	return k < 0 || (size_t)k >= size ? -ENAMETOOLONG : 0;
}

/* ROOT/etc/resolv.conf as an O_PATH fd: a regular file, never through a symlink. */
static int
open_target(int root_fd, uid_t owner, int *ret_fd, struct fail *f)
{
	_cleanup_close_ int etc = -1;
	struct stat st;
	int r, fd;

	f->step = "/etc";
	r = openat_safe(root_fd, "etc", O_PATH | O_DIRECTORY, OPENAT_BENEATH, &etc);
	if (r < 0)
		return r;
	f->step = "/etc/resolv.conf";
	r = openat_safe(etc, "resolv.conf", O_PATH, OPENAT_BENEATH, ret_fd);
	if (r != -ENOENT)
		goto check;
	/* An empty mount point, made as container root would (O_EXCL and
	 * O_NOFOLLOW: never through whatever may have appeared there). */
	(void)setfsgid((gid_t)owner);
	(void)setfsuid(owner);
	fd = openat(etc, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	r = fd < 0 ? -errno : 0;
	(void)setfsuid(0);
	(void)setfsgid(0);
	if ((uid_t)setfsuid((uid_t)-1) != 0)
		return -EPERM;
	if (r < 0)
		return r;
	(void)close(fd);
	r = openat_safe(etc, "resolv.conf", O_PATH, OPENAT_BENEATH, ret_fd);
check:
	if (r < 0)
		return r;
	if (fstat(*ret_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*ret_fd = util_safe_close(*ret_fd);
		return fail_say(f, -EINVAL,
		    "/etc/resolv.conf in the container root is not a regular file: the rule's dns "
		    "cannot be "
		    "mounted over it (--resolv-conf=off keeps it)");
	}
	return 0;
}

int
resolv_mount(int root_fd, const char *text, uid_t owner, struct fail *f)
{
	static const char *const opts[] = {"size=16k", "nr_inodes=8", "mode=0755", NULL};
	struct mount_attr attr = {
	    .attr_set =
	        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	_cleanup_close_ int target = -1, tmp = -1, file = -1, tree = -1;
	int r;

	r = open_target(root_fd, owner, &target, f);
	if (r < 0)
		return r;
	f->step = "writing the container's resolv.conf";
	r = mount_new_fs("tmpfs", opts, 0, &tmp);
	if (r < 0)
		return r;
	file = openat(tmp, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (file < 0)
		return -errno;
	r = util_write_full(file, text, strlen(text));
	if (r < 0)
		return r;
	if (fchown(file, owner, (gid_t)owner) < 0)
		return -errno;
	f->step = "mounting the container's resolv.conf";
	tree = open_tree(tmp, "resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return -errno;
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return -errno;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}
