/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * User namespaces for `userns FIRST COUNT` rules.
 *
 * Order of namespace creation, and why:
 *
 *  1. Host side (real root, after "permit"): a short-lived process is
 *     cloned with CLONE_NEWUSER only; the helper writes its uid_map and
 *     gid_map ("0 FIRST COUNT", from the rule, never from the request),
 *     opens /proc/PID/ns/user and lets the process exit. The namespace lives
 *     on in that fd. Its owner is host uid 0 (we are all-root by then), so
 *     the invoking user holds no capability over it and cannot setns() into
 *     it. setgroups stays "allow": the maps are written by a privileged
 *     writer, the container's processes start with no supplementary group,
 *     so there is no group to drop to escape a negative ACL; and a booting
 *     distribution needs setgroups() for logins.
 *  2. The container's first process is cloned as before with new mount,
 *     UTS, IPC, network, PID and cgroup namespaces, all owned by the
 *     INITIAL user namespace, and runs as real root while it: binds the
 *     root with an id-mapped mount (MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN
 *     over the file system, i.e. real root), builds /dev with mknod on a
 *     tmpfs owned by the initial namespace (mknod is impossible from any
 *     other user namespace, and nodes on such a tmpfs keep working there),
 *     mounts devpts, proc and sysfs (sysfs needs CAP_SYS_ADMIN over the
 *     network namespace's owner), pivots into the root and configures eth0.
 *  3. Then it setns()es into the user namespace, becomes uid/gid 0 there
 *     (host FIRST) and unshares new mount, UTS, IPC and cgroup namespaces,
 *     which the user namespace owns: container root can mount tmpfs and the
 *     like, set its hostname, and has IPC and cgroup namespaces of its own.
 *     The new mount namespace is a less privileged copy, so every mount made
 *     in step 2 is locked: container root cannot unmount /proc/sys's
 *     read-only bind to reach the writable procfs below, nor make /sys or
 *     those binds writable again.
 *
 *  The NETWORK namespace stays owned by the initial user namespace: container
 *  root has no CAP_NET_ADMIN or CAP_NET_RAW over it, so it cannot change
 *  eth0's address, MAC or routes (the host end needs no filtering). Ping works
 *  through ICMP datagram sockets (net.ipv4.ping_group_range of the container's
 *  netns is set to FIRST..FIRST+COUNT-1).
 *  The PID namespace stays owned by the initial user namespace too (it can
 *  only be chosen at clone time, and init must be the process we cloned):
 *  the procfs mounted in step 2 works, but container root cannot mount a
 *  second procfs. systemd and busybox use the one they find.
 */

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "mount.h"
#include "openat.h"
#include "userns.h"
#include "util.h"

#define USERNS_MAX_DEPTH 4096

/*
 * Does the directory carry an access ACL? Its named entries can grant
 * search to a user that the mode bits shut out. Any error but "none" or
 * "not supported here" counts as yes: fail closed.
 */
static bool
has_access_acl(int fd)
{
	char path[64];

	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (getxattr(path, "system.posix_acl_access", NULL, 0) >= 0)
		return true;
	return errno != ENODATA && errno != EOPNOTSUPP;
}

/*
 * A directory only root (and group root) can search: by its mode, and with
 * no ACL that could let someone else in. Under one, no host user can reach
 * a setuid-root file or device the container made.
 */
static bool
dir_is_closed(int fd, const struct stat *st)
{
	return st->st_uid == 0 && (st->st_mode & S_IXOTH) == 0 &&
	    ((st->st_mode & S_IXGRP) == 0 || st->st_gid == 0) && !has_access_acl(fd);
}

/*
 * Is there a closed directory among the root's PROPER ancestors? Walk from
 * the opened root's parent up to "/" through "..": the fds, not the path
 * text, so a rename above cannot make us check another tree. The root
 * itself never counts: through the id map container root owns it and can
 * chmod it open (the host-root escape of issue 10, F1). An ancestor is
 * outside the container's reach (pivot_root hides it, and the root's bind
 * mount is all the container's mount namespace holds of that file system),
 * and a closed one is root-owned, so only host root can change its mode or
 * move the root out from under it. Checked on every start: a mode changed
 * since the last start counts at once.
 */
static int
root_is_private(int root_fd, bool *ret)
{
	_cleanup_close_ int cur = -1;
	struct stat st, up;

	cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (cur < 0)
		return -errno;
	for (int depth = 0; depth < USERNS_MAX_DEPTH; depth++) {
		int parent;

		if (fstat(cur, &st) < 0)
			return -errno;
		parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0)
			return -errno;
		(void)close(cur);
		cur = parent;
		if (fstat(cur, &up) < 0)
			return -errno;
		if (up.st_dev == st.st_dev && up.st_ino == st.st_ino)
			break; /* "/" is its own parent */
		if (dir_is_closed(cur, &up)) {
			*ret = true;
			return 0;
		}
	}
	*ret = false;
	return 0;
}

/* procfs control files take their value in one write() or not at all. */
static int
write_all_once(int fd, const char *buf, size_t n)
{
	ssize_t w = write(fd, buf, n);

	if (w < 0)
		return -errno;
	return (size_t)w == n ? 0 : -EIO;
}

static int
write_map(pid_t pid, const char *file, uint32_t inside, uint32_t first, uint32_t count)
{
	char path[64], line[64];
	_cleanup_close_ int fd = -1;
	int n;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	n = snprintf(line, sizeof(line), "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", inside, first,
	    count);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The kernel takes a map in one write(). */
	return write_all_once(fd, line, (size_t)n);
}

/* The process that carries the namespace until its fd is open: waits for EOF, exits. */
static _Noreturn void
holder(int rfd)
{
	char c;

	while (read(rfd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* A user namespace whose maps are "UID FIRST COUNT" and "GID FIRST COUNT". */
static int
create_ns(uint32_t uid, uint32_t gid, uint32_t first, uint32_t count, int *ret_fd)
{
	char path[64];
	int p[2], fd = -1, r = 0;
	long pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/* Single-threaded: a raw clone is fork() plus a new user namespace. */
	pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, 0);
	if (pid == 0) {
		(void)close(p[1]);
		holder(p[0]);
	}
	(void)close(p[0]);
	if (pid < 0) {
		(void)close(p[1]);
		return -errno;
	}
	r = write_map((pid_t)pid, "uid_map", uid, first, count);
	if (r == 0)
		r = write_map((pid_t)pid, "gid_map", gid, first, count);
	(void)snprintf(path, sizeof(path), "/proc/%ld/ns/user", pid);
	if (r == 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		r = -errno;
	(void)close(p[1]); /* EOF: the holder exits */
	while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return r;
	*ret_fd = fd;
	return 0;
}

int
userns_prepare(int root_fd, const char *root, uint32_t first, uint32_t count, int *ret_fd,
    struct fail *f)
{
	bool private = false;
	int r;

	if (first == 0 || count == 0 || (uint64_t)first + count > UINT32_MAX)
		return -EINVAL;
	r = root_is_private(root_fd, &private);
	if (r < 0)
		return r;
	if (!private)
		return fail_say(f, -EACCES,
		    "%s is reachable by other host users, but what a userns container creates "
		    "there is owned by host uid 0 (setuid bits included): put it below a "
		    "root-owned directory of mode 0700 (the root itself does not count), as "
		    "/var/lib/machines is",
		    root);
	return create_ns(0, 0, first, count, ret_fd);
}

int
userns_bind_idmap(uid_t uid, gid_t gid, uint32_t first, int *ret_fd)
{
	/* One id each way: the caller's files look like container root's, what
	 * container root makes is the caller's; every other host id stays
	 * unmapped (shown as nobody, never writable through the bind). */
	if (first == 0 || uid == (uid_t)-1 || gid == (gid_t)-1)
		return -EINVAL;
	return create_ns((uint32_t)uid, (uint32_t)gid, first, 1, ret_fd);
}

int
userns_chown_dev(int dev_fd, int slave_fd, uid_t first)
{
	/* Our own fresh tmpfs: nothing here can be a planted symlink. */
	static const char *const names[] = {"null", "zero", "full", "random", "urandom", "tty",
	    "ptmx", "fd", "stdin", "stdout", "stderr", "shm"};

	if (fchownat(dev_fd, "", first, (gid_t)first, AT_EMPTY_PATH) < 0)
		return -errno;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (fchownat(dev_fd, names[i], first, (gid_t)first, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	/* The console's slave was allocated by (host) root; container root
	 * must own it to reopen /dev/console (getty, busybox init). */
	if (fchown(slave_fd, first, (gid_t)first) < 0)
		return -errno;
	return 0;
}

int
userns_chown_tmpfs(int root_fd, const char *name, uid_t first)
{
	_cleanup_close_ int fd = -1;
	struct statfs sf;
	int r;

	r = openat_safe(root_fd, name, O_PATH | O_DIRECTORY, OPENAT_BENEATH, &fd);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	/* Only a tmpfs we mounted there, never the admin's own directory. */
	if (fstatfs(fd, &sf) < 0)
		return -errno;
	if (sf.f_type != TMPFS_MAGIC)
		return 0;
	if (fchownat(fd, "", first, (gid_t)first, AT_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int
userns_allow_ping(uint32_t first, uint32_t count)
{
	_cleanup_close_ int fd = -1;
	char line[64];
	uint64_t last = (uint64_t)first + count - 1;
	int n;

	/* The host's procfs (we have not pivoted yet); net sysctls are those
	 * of the opener's network namespace, i.e. the container's own. The
	 * kernel takes gids up to 2^31-2 only: a range above is left as is. */
	if (last > INT32_MAX - 1)
		return 0;
	n = snprintf(line, sizeof(line), "%" PRIu32 " %" PRIu64 "\n", first, last);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write_all_once(fd, line, (size_t)n);
}

int
userns_enter(int userns_fd)
{
	/* We are real root and the namespace's owner (host uid 0). setns()
	 * gives us every capability inside it, and only there. */
	if (setns(userns_fd, CLONE_NEWUSER) < 0)
		return -errno;
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP) < 0)
		return -errno;
	/* Ids 0 here are host FIRST; -EINVAL would mean a map is missing. */
	return caps_become_root();
}
