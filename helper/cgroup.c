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
#define CGROUP_V1_PATH 64          /* "/sys/fs/cgroup/" and a controller's mount name */
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

/* v2: enable each ceiling's controller for dir's children, where dir may use it. */
static void
enable_ceiling_controllers(int dir_fd)
{
	char have[512], on[512];

	if (read_file(dir_fd, "cgroup.controllers", have, sizeof(have)) < 0 ||
	    read_file(dir_fd, "cgroup.subtree_control", on, sizeof(on)) < 0)
		return;
	/* One write each: the kernel refuses a whole line for one refused controller. */
	for (size_t i = 0; i < ELEMENTSOF(controllers); i++) {
		char plus[16];
		if (!list_has(have, controllers[i].name) || list_has(on, controllers[i].name))
			continue;
		(void)snprintf(plus, sizeof(plus), "+%s", controllers[i].name);
		(void)write_file(dir_fd, "cgroup.subtree_control", plus);
	}
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
	/* The path down to the container: the hierarchy's root, then CGROUP_BASE
	 * (whether it worked is checked where a ceiling needs it). */
	if (l != CGROUP_LAYOUT_LEGACY) {
		enable_ceiling_controllers(root);
		delegate_controllers(base);
	}
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
		r = remove_tree(base, name, 0); /* a killed helper's, as in cgroup_create */
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

int
cgroup_enter(const struct helper_session *s, pid_t pid)
{
	char buf[32];
	int r;

	(void)snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (s->cgroup[0] != '\0' && (r = enter_dir(s->cgroup, buf)) < 0)
		return r;
	for (size_t c = 0; c < ELEMENTSOF(s->cgroup_v1); c++)
		if (s->cgroup_v1[c][0] != '\0' && (r = enter_dir(s->cgroup_v1[c], buf)) < 0)
			return r;
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
dac_override(bool on)
{
	if (capng_get_caps_process() < 0)
		return false;
	if (!capng_have_capability(CAPNG_PERMITTED, CAP_DAC_OVERRIDE) ||
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) == on)
		return false;
	if (capng_update(on ? CAPNG_ADD : CAPNG_DROP, CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) < 0)
		return false;
	return capng_apply(CAPNG_SELECT_CAPS) == 0;
}

/* Remove the cgroup at path (and below), then forget it. */
static void
remove_path(char path[], bool raise)
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
	if (r == 0) {
		bool raised = raise && dac_override(true);
		(void)remove_tree(base, slash + 1, 0);
		if (raised)
			(void)dac_override(false);
	}
	path[0] = '\0';
}

void
cgroup_remove(struct helper_session *s)
{
	/* Only the main cgroup is ever delegated; the v1 ones stay root's. */
	remove_path(s->cgroup, s->cgroup_delegated);
	for (size_t c = 0; c < ELEMENTSOF(s->cgroup_v1); c++)
		remove_path(s->cgroup_v1[c], false);
}

/* Full root: remove CGROUP_BASE/name under the hierarchy at h, if there. */
static void
remove_stale_in(const char *h, const char *name)
{
	_cleanup_close_ int root = -1, base = -1;

	if (openat_safe(AT_FDCWD, h, O_PATH | O_DIRECTORY, OPENAT_HOST, &root) < 0)
		return;
	if (openat_safe(root, CGROUP_BASE, O_PATH | O_DIRECTORY, OPENAT_HOST, &base) == 0)
		(void)remove_tree(base, name, 0);
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
	return r < 0 ? r : write_file(dir, "cgroup.procs", pid);
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
