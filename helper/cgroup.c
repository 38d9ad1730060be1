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
#include <limits.h>
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

#define CGROUP_REMOVE_STEPS                                                                        \
	(1ul << 22)                /* steps of remove_tree: 2 a cgroup, far above any real tree */
#define CGROUP_DELEGATE_DEPTH "32" /* below a delegated cgroup */
#define CGROUP_DELEGATE_DESCENDANTS "4096" /* cgroups container root may make below it */
#define CGROUP_V1_PATH 64                  /* "/sys/fs/cgroup/" and a controller's mount name */
#define CGROUP_RMDIR_TRIES 100 /* x 20 ms: the last tasks of a dead pid ns finish exiting */

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

/*
 * The first subdirectory of the directory fd (cgroupfs lists its files
 * too), or with ino != 0 the one of that inode, into name: 1 found, 0 none,
 * -errno. The directory is opened again, so fd's own offset stays as it is.
 */
static int
find_subdir(int fd, ino_t ino, char name[NAME_MAX + 1])
{
	int again = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (again < 0)
		return -errno;
	d = fdopendir(again);
	if (d == NULL) {
		r = -errno;
		(void)close(again);
		return r;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || (ino != 0 && de->d_ino != ino))
			continue;
		(void)strlcpy(name, de->d_name, NAME_MAX + 1);
		r = 1;
		break;
	}
	(void)closedir(d);
	return r;
}

/* rmdir, retried while the last tasks of a dead pid namespace finish exiting. */
static int
rmdir_retry(int dir_fd, const char *name)
{
	for (int i = 0; i < CGROUP_RMDIR_TRIES; i++) {
		if (unlinkat(dir_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		(void)nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
	}
	return -EBUSY;
}

/*
 * Remove dir_fd/name and every cgroup below it, deepest first. Container
 * root (privileged, or owning a delegated v1 cgroup, which has no
 * cgroup.max.depth) chooses the tree's depth and width, so the walk is a
 * loop holding two fds, not a recursion: down along first subdirectories to
 * a leaf, remove it from its parent (`..` of a cgroupfs directory, which has
 * no symlinks and whose directories cannot be moved to another parent),
 * and on from there; never above name, whose inode ends the walk.
 */
static int
remove_tree(int dir_fd, const char *name)
{
	_cleanup_close_ int cur = -1;
	char child[NAME_MAX + 1];
	struct stat top, st;
	int r;

	r = openat_safe(dir_fd, name, O_RDONLY | O_DIRECTORY, OPENAT_HOST, &cur);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	if (fstat(cur, &top) < 0)
		return -errno;
	for (unsigned long n = 0; n < CGROUP_REMOVE_STEPS; n++) {
		int next = -1;

		r = find_subdir(cur, 0, child);
		if (r == 1) {
			r = openat_safe(cur, child, O_RDONLY | O_DIRECTORY, OPENAT_HOST, &next);
			if (r == -ENOENT)
				continue; /* removed meanwhile */
			if (r < 0)
				return r;
			(void)close(cur);
			cur = next;
			continue;
		}
		if (r < 0 || fstat(cur, &st) < 0)
			return r < 0 ? r : -errno;
		if (st.st_ino == top.st_ino && st.st_dev == top.st_dev)
			return rmdir_retry(dir_fd, name);
		next = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -errno;
		(void)close(cur);
		cur = next;
		r = find_subdir(cur, st.st_ino, child);
		if (r == 1)
			r = rmdir_retry(cur, child);
		if (r < 0)
			return r;
	}
	return -ELOOP;
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

/* A small cgroupfs file, NUL-terminated, into buf. */
static int
read_file(int dir_fd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	size_t n = 0;
	int r = openat_safe(dir_fd, name, O_RDONLY, OPENAT_HOST, &fd);

	if (r < 0)
		return r;
	r = util_read_upto(fd, buf, size - 1, &n);
	if (r < 0)
		return r;
	buf[n] = '\0';
	return 0;
}

/* Is word one of the space-separated words of list (a cgroup.controllers line)? */
static bool
list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * The controllers a ceiling needs (enum cgroup_controller order): the name
 * cgroup.controllers gives it on v2, a file every v1 cgroup of it has, and
 * the mount points of its v1 hierarchy under /sys/fs/cgroup (cpu is
 * co-mounted with cpuacct on many hosts, under either name).
 */
static const struct controller {
	const char *name;
	const char *v1_file;
	const char *v1_mounts[3];
} controllers[HELPER_CGROUP_CONTROLLERS] = {
    [CGROUP_MEMORY] = {"memory", "memory.limit_in_bytes", {"memory", NULL, NULL}},
    [CGROUP_PIDS] = {"pids", "pids.max", {"pids", NULL, NULL}},
    [CGROUP_CPU] = {"cpu", "cpu.cfs_quota_us", {"cpu", "cpu,cpuacct", "cpuacct,cpu"}},
};

const char *
cgroup_controller_name(enum cgroup_controller c)
{
	return controllers[c].name;
}

/*
 * v2: enable controllers for dir's children, where dir may use them: all of
 * them (CGROUP_BASE: the container gets what it may use), or only those of
 * the ceilings (the hierarchy's root, which systemd manages too).
 */
static void
enable_controllers(int dir_fd, bool all)
{
	char have[512], on[512];

	if (read_file(dir_fd, "cgroup.controllers", have, sizeof(have)) < 0 ||
	    read_file(dir_fd, "cgroup.subtree_control", on, sizeof(on)) < 0)
		return;
	/* One write each: the kernel refuses a whole line for one refused
	 * controller (threaded, rt cpu), and one a container does not need
	 * must not cost it the others. Whether a ceiling's controller made it
	 * down is checked where the ceiling is applied. */
	for (char *save = NULL, *c = strtok_r(have, " \n", &save); c != NULL;
	     c = strtok_r(NULL, " \n", &save)) {
		char plus[64];
		bool ceiling = false;
		for (size_t i = 0; i < ELEMENTSOF(controllers); i++)
			ceiling |= strcmp(c, controllers[i].name) == 0;
		if ((!all && !ceiling) || list_has(on, c))
			continue;
		if (snprintf(plus, sizeof(plus), "+%s", c) < (int)sizeof(plus))
			(void)write_file(dir_fd, "cgroup.subtree_control", plus);
	}
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
	/* The path down to the container: the hierarchy's root, then CGROUP_BASE
	 * (whether it worked is checked where a ceiling needs it). */
	if (l != CGROUP_LAYOUT_LEGACY) {
		enable_controllers(root, false);
		enable_controllers(base, true);
	}
	/* The name is reserved for us: a cgroup of that name is a killed helper's. */
	r = remove_tree(base, name);
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
	s->cgroup_v2 = l != CGROUP_LAYOUT_LEGACY;
	return 0;
}

/* The v1 hierarchy of controller c, if one is mounted: an O_PATH fd and its path, else -ENOENT. */
static int
open_v1_hierarchy(enum cgroup_controller c, int *ret_fd, char path[CGROUP_V1_PATH])
{
	for (size_t i = 0; i < ELEMENTSOF(controllers[c].v1_mounts); i++) {
		const char *m = controllers[c].v1_mounts[i];
		struct statfs sf;
		int fd = -1;

		if (m == NULL)
			break;
		(void)snprintf(path, CGROUP_V1_PATH, "/sys/fs/cgroup/%s", m);
		/* A symlink (cpu -> cpu,cpuacct) is refused; the next name is the real one. */
		if (openat_safe(AT_FDCWD, path, O_PATH | O_DIRECTORY, OPENAT_HOST, &fd) < 0)
			continue;
		if (fstatfs(fd, &sf) == 0 && (long)sf.f_type == CGROUP_SUPER_MAGIC) {
			*ret_fd = fd;
			return 0;
		}
		(void)close(fd);
	}
	return -ENOENT;
}

/*
 * v1: make CGROUP_BASE/name in c's own hierarchy (as cgroup_create does in
 * the main one, from fixed strings and the reserved name) and record it.
 * -ENOENT when no v1 hierarchy carries c.
 */
static int
make_v1_dir(struct helper_session *s, enum cgroup_controller c, const char *name)
{
	_cleanup_close_ int h = -1, base = -1, dir = -1;
	char mnt[CGROUP_V1_PATH];
	int n, r;

	r = open_v1_hierarchy(c, &h, mnt);
	if (r < 0)
		return r;
	if (mkdirat(h, CGROUP_BASE, 0755) < 0 && errno != EEXIST)
		return -errno;
	r = openat_safe(h, CGROUP_BASE, O_RDONLY | O_DIRECTORY, OPENAT_HOST, &base);
	if (r == 0)
		r = remove_tree(base, name); /* a killed helper's, as in cgroup_create */
	if (r < 0)
		return r;
	n = snprintf(s->cgroup_v1[c], sizeof(s->cgroup_v1[c]), "%s/%s/%s", mnt, CGROUP_BASE, name);
	if (n < 0 || (size_t)n >= sizeof(s->cgroup_v1[c])) {
		s->cgroup_v1[c][0] = '\0';
		return -ENAMETOOLONG;
	}
	/* Recorded before it exists, so that every exit path removes it. */
	if (mkdirat(base, name, 0755) < 0) {
		r = -errno;
		s->cgroup_v1[c][0] = '\0';
		return r;
	}
	r = openat_safe(base, name, O_PATH | O_DIRECTORY, OPENAT_HOST, &dir);
	if (r < 0)
		return r;
	/* The mount point named it; its own control file proves it. */
	return faccessat(dir, controllers[c].v1_file, F_OK, AT_EACCESS) == 0 ? 0 : -ENOENT;
}

int
cgroup_attach_controllers(struct helper_session *s, const char *name, unsigned need,
    unsigned *ret_missing)
{
	char have[512] = "";
	_cleanup_close_ int main_fd = -1;

	*ret_missing = 0;
	/* The v2 controllers the container's cgroup got (cgroup_create enabled them). */
	if (s->cgroup[0] != '\0' &&
	    openat_safe(AT_FDCWD, s->cgroup, O_PATH | O_DIRECTORY, OPENAT_HOST, &main_fd) == 0)
		(void)read_file(main_fd, "cgroup.controllers", have, sizeof(have));
	for (unsigned c = 0; c < HELPER_CGROUP_CONTROLLERS; c++) {
		int r;
		if (!(need & (1u << c)) || list_has(have, controllers[c].name))
			continue;
		r = make_v1_dir(s, (enum cgroup_controller)c, name);
		if (r == -ENOENT)
			*ret_missing |= 1u << c;
		else if (r < 0)
			return r;
	}
	return 0;
}

int
cgroup_open_controller(const struct helper_session *s, enum cgroup_controller c, bool *ret_v1,
    int *ret_fd)
{
	const char *dir = s->cgroup_v1[c][0] != '\0' ? s->cgroup_v1[c] : s->cgroup;

	*ret_fd = -1;
	*ret_v1 = s->cgroup_v1[c][0] != '\0';
	if (dir[0] == '\0')
		return -ENOENT;
	return openat_safe(AT_FDCWD, dir, O_PATH | O_DIRECTORY, OPENAT_HOST, ret_fd);
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

/* Write pid into dir's cgroup.procs. */
static int
enter_dir(const char *dir, const char *pid)
{
	_cleanup_close_ int fd = -1;
	int r = openat_safe(AT_FDCWD, dir, O_PATH | O_DIRECTORY, OPENAT_HOST, &fd);

	return r < 0 ? r : write_file(fd, "cgroup.procs", pid);
}

/*
 * Move the calling thread into the v1 cgroup dir: "0" into its tasks file.
 * The kernel moves one thread, and one that is current, without the
 * threadgroup rwsem whose write side waits out an RCU grace period (10-20
 * ms on the reference VM, cgroup_procs_write_start); writing a pid to
 * cgroup.procs takes it. Callers are single-threaded processes (the helper
 * never makes threads), so their one thread is the whole process: nothing
 * of it stays behind.
 */
static int
enter_self_v1(const char *dir)
{
	_cleanup_close_ int fd = -1;
	int r = openat_safe(AT_FDCWD, dir, O_PATH | O_DIRECTORY, OPENAT_HOST, &fd);

	return r < 0 ? r : write_file(fd, "tasks", "0");
}

int
cgroup_open_v2(const struct helper_session *s, int *ret_fd)
{
	*ret_fd = -1;
	if (s->cgroup[0] == '\0' || !s->cgroup_v2)
		return 0;
	return openat_safe(AT_FDCWD, s->cgroup, O_RDONLY | O_DIRECTORY, OPENAT_HOST, ret_fd);
}

bool
cgroup_placed(const struct helper_session *s, bool born_in)
{
	/* v1 directories (and a legacy host's main one): the child enters them itself. */
	return born_in || s->cgroup[0] == '\0' || !s->cgroup_v2;
}

int
cgroup_enter(const struct helper_session *s, pid_t pid, bool main_done)
{
	char buf[32];

	if (cgroup_placed(s, main_done))
		return 0;
	(void)snprintf(buf, sizeof(buf), "%d", (int)pid);
	return enter_dir(s->cgroup, buf);
}

/* Child side: every v1 directory of the container (the main one on a legacy host too). */
static int
enter_v1_self(const struct helper_session *s, struct fail *f)
{
	int r;

	f->step = "entering the container's cgroup";
	if (s->cgroup[0] != '\0' && !s->cgroup_v2 && (r = enter_self_v1(s->cgroup)) < 0)
		return r;
	for (size_t c = 0; c < ELEMENTSOF(s->cgroup_v1); c++) {
		if (s->cgroup_v1[c][0] == '\0')
			continue;
		r = enter_self_v1(s->cgroup_v1[c]);
		if (r < 0)
			return fail_say(f, r, "entering the container's %s cgroup: %s",
			    controllers[c].name, strerror(-r));
	}
	return 0;
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
	/* Container root may then make cgroups below: bound their depth. The
	 * limit file stays root's (v2 only; v1 has none). */
	r = write_file(fd, "cgroup.max.depth", CGROUP_DELEGATE_DEPTH);
	if (r < 0 && r != -ENOENT)
		return r;
	/* Each cgroup is kernel memory no ceiling counts: bound how many. */
	r = write_file(fd, "cgroup.max.descendants", CGROUP_DELEGATE_DESCENDANTS);
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
 * The monitor holds CAP_DAC_OVERRIDE and CAP_FOWNER only as permitted
 * (monitor_drop_privileges): container root may have made directories below
 * the container's cgroups and locked them (its host uid's, mode 0000, sticky).
 * Raise them for the removal only; false if nothing changed. Full root (an
 * exit path before the monitor) has them effective already.
 */
static bool
raise_removal_caps(bool on)
{
	static const int caps[] = {CAP_DAC_OVERRIDE, CAP_FOWNER};
	bool changed = false;

	if (capng_get_caps_process() < 0)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(caps); i++) {
		if (!capng_have_capability(CAPNG_PERMITTED, caps[i]) ||
		    capng_have_capability(CAPNG_EFFECTIVE, caps[i]) == on)
			continue;
		if (capng_update(on ? CAPNG_ADD : CAPNG_DROP, CAPNG_EFFECTIVE, caps[i]) < 0)
			return false;
		changed = true;
	}
	return changed && capng_apply(CAPNG_SELECT_CAPS) == 0;
}

/* Remove the cgroup at path (and below), then forget it. */
static void
remove_path(char path[])
{
	char *slash = strrchr(path, '/');
	_cleanup_close_ int base = -1;
	int r;

	if (path[0] == '\0' || slash == NULL)
		return;
	*slash = '\0';
	r = openat_safe(AT_FDCWD, path, O_PATH | O_DIRECTORY, OPENAT_HOST, &base);
	*slash = '/';
	/* CGROUP_BASE itself stays: another helper may be creating its cgroup in it. */
	if (r == 0)
		(void)remove_tree(base, slash + 1);
	path[0] = '\0';
}

bool
cgroup_made(const struct helper_session *s)
{
	if (s->cgroup[0] != '\0')
		return true;
	for (size_t c = 0; c < ELEMENTSOF(s->cgroup_v1); c++)
		if (s->cgroup_v1[c][0] != '\0')
			return true;
	return false;
}

void
cgroup_remove(struct helper_session *s)
{
	/* Any of them: privileged root can make and lock sub-cgroups in the v1
	 * hierarchies too (mounting them inside), not only in the main one. */
	bool raised = cgroup_made(s) && raise_removal_caps(true);

	remove_path(s->cgroup);
	for (size_t c = 0; c < ELEMENTSOF(s->cgroup_v1); c++)
		remove_path(s->cgroup_v1[c]);
	if (raised)
		(void)raise_removal_caps(false);
}

/* Full root: remove CGROUP_BASE/name under the hierarchy at h, if there. */
static void
remove_stale_in(const char *h, const char *name)
{
	_cleanup_close_ int root = -1, base = -1;

	if (openat_safe(AT_FDCWD, h, O_PATH | O_DIRECTORY, OPENAT_HOST, &root) < 0)
		return;
	if (openat_safe(root, CGROUP_BASE, O_PATH | O_DIRECTORY, OPENAT_HOST, &base) == 0)
		(void)remove_tree(base, name);
}

void
cgroup_remove_stale(const char *name)
{
	const char *h = hierarchy(cgroup_detect());

	/* Still full root here (before the decision's setup): delegated subtrees go too. */
	if (h != NULL)
		remove_stale_in(h, name);
	for (unsigned c = 0; c < HELPER_CGROUP_CONTROLLERS; c++) {
		char mnt[CGROUP_V1_PATH];
		int fd = -1;
		if (open_v1_hierarchy((enum cgroup_controller)c, &fd, mnt) < 0)
			continue;
		(void)close(fd);
		remove_stale_in(mnt, name);
	}
}

/*
 * The mount point of the hierarchy a /proc/PID/cgroup line names: the v2
 * one ("0::"), the named systemd one, or the v1 controllers' own directory
 * (/sys/fs/cgroup/CONTROLLERS, as systemd mounts them). NULL for another
 * named hierarchy: it carries no controller, so no limit.
 */
static const char *
line_mount(const char *ctrl, char buf[CGROUP_V1_PATH])
{
	if (ctrl[0] == '\0')
		return hierarchy(
		    cgroup_detect() == CGROUP_LAYOUT_LEGACY ? CGROUP_LAYOUT_NONE : cgroup_detect());
	if (strcmp(ctrl, "name=systemd") == 0)
		return "/sys/fs/cgroup/systemd";
	if (strncmp(ctrl, "name=", 5) == 0)
		return NULL;
	if (strchr(ctrl, '/') != NULL || strcmp(ctrl, "..") == 0 ||
	    snprintf(buf, CGROUP_V1_PATH, "/sys/fs/cgroup/%s", ctrl) >= CGROUP_V1_PATH)
		return "";
	return buf;
}

/* Enter the cgroup at path (as /proc/PID/cgroup gives it) of the hierarchy mounted at mnt. */
static int
join_one(const char *mnt, const char *path, const char *pid)
{
	_cleanup_close_ int h = -1, dir = -1;
	struct statfs sf;
	int r;

	r = openat_safe(AT_FDCWD, mnt, O_PATH | O_DIRECTORY, OPENAT_HOST, &h);
	if (r < 0)
		return r;
	if (fstatfs(h, &sf) < 0)
		return -errno;
	if ((long)sf.f_type != CGROUP_SUPER_MAGIC && (long)sf.f_type != CGROUP2_SUPER_MAGIC)
		return -ENOENT;
	/* Beneath the mount: the path is the kernel's, its names container root's (userns). */
	r = openat_safe(h, path[1] != '\0' ? path + 1 : ".", O_PATH | O_DIRECTORY, OPENAT_BENEATH,
	    &dir);
	if (r < 0)
		return r;
	/* v1: our one thread by "0" (enter_self_v1 says why); cgroup2 has only cgroup.procs. */
	return (long)sf.f_type == CGROUP_SUPER_MAGIC ? write_file(dir, "tasks", "0")
	                                             : write_file(dir, "cgroup.procs", pid);
}

int
cgroup_join_like(char *text, struct fail *f)
{
	char pid[32], buf[CGROUP_V1_PATH];
	char *save = NULL;

	(void)snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (char *l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char *ctrl = strchr(l, ':'), *path = ctrl != NULL ? strchr(ctrl + 1, ':') : NULL;
		const char *mnt;
		int r;

		if (path == NULL || path[1] != '/')
			return fail_say(f, -EPROTO, "init's cgroup line '%.64s' is malformed", l);
		*path++ = '\0';
		mnt = line_mount(ctrl + 1, buf);
		if (mnt == NULL)
			continue;
		r = mnt[0] != '\0' ? join_one(mnt, path, pid) : -ENOENT;
		/* Fail closed: a hierarchy init is limited in, and we cannot enter, is a way out. */
		if (r < 0)
			return fail_say(f, r, "entering init's cgroup %.64s in %.32s: %s", path,
			    ctrl[1] != '\0' ? ctrl + 1 : "cgroup2", strerror(-r));
	}
	return 0;
}

int
cgroup_setup_child(int root_fd, enum cgroup_layout l, struct fail *f)
{
	static const char *const v1[] = {"none", "name=systemd", NULL};
	static const char *const tmpfs[] = {"mode=0755", "size=64k", NULL};
	const unsigned int attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int dir = -1, top = -1, sd = -1;
	int r;

	/* The helper's session as the clone copied it: the directories it made. */
	r = enter_v1_self(&helper_session, f);
	if (r < 0)
		return r;
	if (l == CGROUP_LAYOUT_NONE)
		return 0;
	/* In the container's cgroups now (cgroup2: born there or moved by the helper):
	 * root the namespace there. */
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
