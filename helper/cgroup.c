/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The container's cgroup (see cgroup.h). Host side: every path is built
 * from fixed strings under /sys/fs/cgroup (a root-only file system) and the
 * machine name, which ipc_name_check() limited to [A-Za-z0-9._-] and
 * reserve_container() made unique, so nothing the caller chose can make the
 * helper write anywhere but CGROUP_BASE/<name>; lookups still refuse
 * symlinks. Child side: a cgroup namespace and a fresh cgroup superblock
 * mounted on an fd checked beneath the container root.
 */

#include <cap-ng.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "mount.h"
#include "openat.h"
#include "session.h"
#include "util.h"

#define CGROUP_MAX_DEPTH 64
#define CGROUP_DELEGATE_DEPTH "32" /* below a delegated cgroup; < CGROUP_MAX_DEPTH */
#define CGROUP_RMDIR_TRIES 100     /* x 20 ms: the last tasks of a dead pid ns finish exiting */

static bool
fs_is(const char *path, long magic)
{
	struct statfs s;

	return statfs(path, &s) == 0 && (long)s.f_type == magic;
}

enum cgroup_layout
cgroup_detect(void)
{
	/* The same tests systemd makes (cg_unified_cached). */
	if (fs_is("/sys/fs/cgroup", CGROUP2_SUPER_MAGIC))
		return CGROUP_LAYOUT_UNIFIED;
	if (!fs_is("/sys/fs/cgroup", TMPFS_MAGIC))
		return CGROUP_LAYOUT_NONE;
	if (fs_is("/sys/fs/cgroup/unified", CGROUP2_SUPER_MAGIC))
		return CGROUP_LAYOUT_HYBRID;
	if (fs_is("/sys/fs/cgroup/systemd", CGROUP_SUPER_MAGIC))
		return CGROUP_LAYOUT_LEGACY;
	return CGROUP_LAYOUT_NONE;
}

const char *
cgroup_layout_name(enum cgroup_layout l)
{
	switch (l) {
	case CGROUP_LAYOUT_UNIFIED:
		return "unified";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid";
	case CGROUP_LAYOUT_LEGACY:
		return "legacy";
	case CGROUP_LAYOUT_NONE:
	default:
		return "none";
	}
}

/* The mount point of the hierarchy the container's cgroup lives in. */
static const char *
hierarchy(enum cgroup_layout l)
{
	switch (l) {
	case CGROUP_LAYOUT_UNIFIED:
		return "/sys/fs/cgroup";
	case CGROUP_LAYOUT_HYBRID:
		return "/sys/fs/cgroup/unified";
	case CGROUP_LAYOUT_LEGACY:
		return "/sys/fs/cgroup/systemd";
	case CGROUP_LAYOUT_NONE:
	default:
		return NULL;
	}
}

/* Remove dir_fd/name and every directory below it, depth first. */
static int
remove_tree(int dir_fd, const char *name, int depth)
{
	int fd = -1, r;
	DIR *d;
	struct dirent *de;

	if (depth > CGROUP_MAX_DEPTH)
		return -ELOOP;
	r = openat_safe(dir_fd, name, O_RDONLY | O_DIRECTORY, OPENAT_HOST, &fd);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	d = fdopendir(fd);
	if (d == NULL) {
		r = -errno;
		(void)close(fd);
		return r;
	}
	/* cgroupfs files go away with their directory; only directories count. */
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		int q = remove_tree(dirfd(d), de->d_name, depth + 1);
		if (q < 0 && r == 0)
			r = q;
	}
	(void)closedir(d);
	for (int i = 0; i < CGROUP_RMDIR_TRIES; i++) {
		if (unlinkat(dir_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return r;
		if (errno != EBUSY)
			return -errno;
		(void)nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
	}
	return -EBUSY;
}

static int
write_file(int dir_fd, const char *name, const char *text)
{
	_cleanup_close_ int fd = -1;
	int r = openat_safe(dir_fd, name, O_WRONLY, OPENAT_HOST, &fd);

	if (r < 0)
		return r;
	/* cgroupfs takes one write(2) per request. */
	if (write(fd, text, strlen(text)) < 0)
		return -errno;
	return 0;
}

/* v2: enable for base's children what base may use, so the container gets it. */
static void
delegate_controllers(int base_fd)
{
	char have[256], want[512] = "";
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (openat_safe(base_fd, "cgroup.controllers", O_RDONLY, OPENAT_HOST, &fd) < 0)
		return;
	n = read(fd, have, sizeof(have) - 1);
	if (n <= 0)
		return;
	have[n] = '\0';
	for (char *save = NULL, *c = strtok_r(have, " \n", &save); c != NULL;
	     c = strtok_r(NULL, " \n", &save)) {
		if (strlcat(want, "+", sizeof(want)) >= sizeof(want) ||
		    strlcat(want, c, sizeof(want)) >= sizeof(want) ||
		    strlcat(want, " ", sizeof(want)) >= sizeof(want))
			return;
	}
	/* Best effort: a controller that refuses (threaded, rt cpu) is not needed to boot. */
	if (want[0] != '\0')
		(void)write_file(base_fd, "cgroup.subtree_control", want);
}

int
cgroup_create(struct helper_session *s, enum cgroup_layout l, const char *name)
{
	const char *h = hierarchy(l);
	_cleanup_close_ int root = -1, base = -1;
	int n, r;

	if (h == NULL)
		return 0;
	r = openat_safe(AT_FDCWD, h, O_PATH | O_DIRECTORY, OPENAT_HOST, &root);
	if (r < 0)
		return r;
	if (mkdirat(root, CGROUP_BASE, 0755) < 0 && errno != EEXIST)
		return -errno;
	r = openat_safe(root, CGROUP_BASE, O_RDONLY | O_DIRECTORY, OPENAT_HOST, &base);
	if (r < 0)
		return r;
	if (l != CGROUP_LAYOUT_LEGACY)
		delegate_controllers(base);
	/* The name is reserved for us: a cgroup of that name is a killed helper's. */
	r = remove_tree(base, name, 0);
	if (r < 0)
		return r;
	n = snprintf(s->cgroup, sizeof(s->cgroup), "%s/%s/%s", h, CGROUP_BASE, name);
	if (n < 0 || (size_t)n >= sizeof(s->cgroup)) {
		s->cgroup[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (mkdirat(base, name, 0755) < 0) {
		r = -errno;
		s->cgroup[0] = '\0';
		return r;
	}
	return 0;
}

/* The container's cgroup directory; 0 with *ret_fd -1 when it has none. */
static int
open_cgroup(const struct helper_session *s, int *ret_fd)
{
	*ret_fd = -1;
	if (s->cgroup[0] == '\0')
		return 0;
	return openat_safe(AT_FDCWD, s->cgroup, O_PATH | O_DIRECTORY, OPENAT_HOST, ret_fd);
}

int
cgroup_enter(const struct helper_session *s, pid_t pid)
{
	_cleanup_close_ int fd = -1;
	char buf[32];
	int r;

	r = open_cgroup(s, &fd);
	if (r < 0 || fd < 0)
		return r;
	(void)snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_file(fd, "cgroup.procs", buf);
}

int
cgroup_delegate(struct helper_session *s, uid_t uid, gid_t gid)
{
	/* What systemd's delegation contract hands over (and tasks, for v1). */
	static const char *const files[] = {"cgroup.procs", "cgroup.threads",
	    "cgroup.subtree_control", "tasks"};
	_cleanup_close_ int fd = -1;
	int r;

	r = open_cgroup(s, &fd);
	if (r < 0 || fd < 0)
		return r;
	s->cgroup_delegated = true;
	/* Container root may then make cgroups below: no deeper than remove_tree
	 * walks. The limit file stays root's (v2 only; v1 has none). */
	r = write_file(fd, "cgroup.max.depth", CGROUP_DELEGATE_DEPTH);
	if (r < 0 && r != -ENOENT)
		return r;
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(files); i++)
		if (fchownat(fd, files[i], uid, gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT)
			return -errno;
	return 0;
}

/*
 * The monitor holds CAP_DAC_OVERRIDE only as permitted when the cgroup was
 * delegated (monitor_drop_privileges): the directories container root made
 * are its host uid's. Raise it for the removal only; false if nothing changed.
 */
static bool
dac_override(const struct helper_session *s, bool on)
{
	if (!s->cgroup_delegated)
		return false;
	if (capng_get_caps_process() < 0)
		return false;
	if (!capng_have_capability(CAPNG_PERMITTED, CAP_DAC_OVERRIDE) ||
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) == on)
		return false;
	if (capng_update(on ? CAPNG_ADD : CAPNG_DROP, CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) < 0)
		return false;
	return capng_apply(CAPNG_SELECT_CAPS) == 0;
}

void
cgroup_remove(struct helper_session *s)
{
	char *slash = strrchr(s->cgroup, '/');
	_cleanup_close_ int base = -1;
	int r;

	if (s->cgroup[0] == '\0' || slash == NULL)
		return;
	*slash = '\0';
	r = openat_safe(AT_FDCWD, s->cgroup, O_PATH | O_DIRECTORY, OPENAT_HOST, &base);
	*slash = '/';
	/* CGROUP_BASE itself stays: another helper may be creating its cgroup in it. */
	if (r == 0) {
		bool raised = dac_override(s, true);
		(void)remove_tree(base, slash + 1, 0);
		if (raised)
			(void)dac_override(s, false);
	}
	s->cgroup[0] = '\0';
}

void
cgroup_remove_stale(const char *name)
{
	const char *h = hierarchy(cgroup_detect());
	_cleanup_close_ int root = -1, base = -1;

	if (h == NULL)
		return;
	if (openat_safe(AT_FDCWD, h, O_PATH | O_DIRECTORY, OPENAT_HOST, &root) < 0)
		return;
	/* Still full root here (before the decision's setup): delegated subtrees go too. */
	if (openat_safe(root, CGROUP_BASE, O_PATH | O_DIRECTORY, OPENAT_HOST, &base) == 0)
		(void)remove_tree(base, name, 0);
}

int
cgroup_setup_child(int root_fd, enum cgroup_layout l, struct fail *f)
{
	static const char *const v1[] = {"none", "name=systemd", NULL};
	static const char *const tmpfs[] = {"mode=0755", "size=64k", NULL};
	const unsigned int attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int dir = -1, top = -1, sd = -1;
	int r;

	if (l == CGROUP_LAYOUT_NONE)
		return 0;
	/* The helper moved us into the container's cgroup: root the namespace there. */
	f->step = "entering a new cgroup namespace";
	if (unshare(CLONE_NEWCGROUP) < 0)
		return -errno;
	f->step = "/sys/fs/cgroup";
	r = openat_safe(root_fd, "sys/fs/cgroup", O_PATH | O_DIRECTORY, OPENAT_BENEATH, &dir);
	if (r < 0)
		return r;
	f->step = "mounting the cgroup hierarchy on /sys/fs/cgroup";
	if (l != CGROUP_LAYOUT_LEGACY)
		return mount_fs(dir, "cgroup2", NULL, attr, NULL);
	r = mount_fs(dir, "tmpfs", tmpfs, attr, &top);
	if (r < 0)
		return r;
	r = mount_open_dir(top, "systemd", true, &sd);
	if (r < 0)
		return r;
	return mount_fs(sd, "cgroup", v1, attr, NULL);
}
