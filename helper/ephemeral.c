/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/mount.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ephemeral.h"
#include "mount.h"
#include "openat.h"
#include "session.h"
#include "util.h"

/* upper and work on a new, detached tmpfs; upper looks like the root's top directory. */
static int
make_upper(int root_fd, uint64_t size, int *ret_tmp, int *ret_upper, int *ret_work, struct fail *f)
{
	char size_opt[48];
	const char *opts[] = {size_opt, "mode=0700", NULL};
	_cleanup_close_ int tmp = -1;
	struct stat st;
	int r;

	(void)snprintf(size_opt, sizeof(size_opt), "size=%" PRIu64, size);
	f->step = "making the ephemeral root's tmpfs";
	r = mount_new_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &tmp);
	if (r < 0)
		return r;
	f->step = "making the ephemeral root's upper layer";
	if (mkdirat(tmp, "upper", 0755) < 0 || mkdirat(tmp, "work", 0700) < 0)
		return -errno;
	/* The overlay's "/" takes the upper directory's owner and mode: make them
	 * the root's as the container sees it (container root under userns). */
	if (fstat(root_fd, &st) < 0)
		return -errno;
	if (fchownat(tmp, "upper", st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(tmp, "upper", st.st_mode & 07777, 0) < 0)
		return -errno;
	r = openat_safe(tmp, "upper", O_PATH | O_DIRECTORY, OPENAT_BENEATH, ret_upper);
	if (r == 0)
		r = openat_safe(tmp, "work", O_PATH | O_DIRECTORY, OPENAT_BENEATH, ret_work);
	if (r == 0)
		*ret_tmp = TAKE_FD(tmp);
	return r;
}

int
ephemeral_overlay(int *root_fd, uint64_t size, struct fail *f)
{
	/* tmp holds the detached tmpfs mounted until the overlay has its own
	 * clone of it: closing a detached mount's last fd unmounts it. */
	_cleanup_close_ int tmp = -1, upper = -1, work = -1, fs = -1, mnt = -1;
	int r;

	r = make_upper(*root_fd, size, &tmp, &upper, &work, f);
	if (r < 0)
		return r;
	/* Layers by fd (lowerdir+, kernel 6.8): no path is looked up, so nothing
	 * can be swapped in; the lower is the checked, bound (and id-mapped)
	 * root, which overlayfs only reads (it takes a private clone of it). */
	f->step = "making the ephemeral root's overlay";
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, *root_fd) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FD, "upperdir", NULL, upper) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FD, "workdir", NULL, work) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int r2 = -errno;
		char why[200] = "";
		/* The kernel's own reason, if it left one in the context's log. */
		ssize_t n = read(fs, why, sizeof(why) - 1);

		why[n > 0 ? n : 0] = '\0';
		return fail_say(f, r2,
		    "the container root cannot be the lower layer of an overlay (ephemeral): "
		    "%s%s%s",
		    strerror(-r2), why[0] != '\0' ? ": " : "", why);
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return -errno;
	/* On top of the bound root: pivot_root then enters the overlay. */
	if (move_mount(mnt, "", *root_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return -errno;
	(void)close(*root_fd);
	*root_fd = TAKE_FD(mnt);
	return 0;
}
