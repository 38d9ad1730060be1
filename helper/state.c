/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "policy.h"
#include "request.h"
#include "state.h"
#include "util.h"

#define STATE_FILE_MAX 8192

int
state_open_dir(int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	/* The parent ($(RUNSTATEDIR)) is the administrator's; we only ever create this one level. */
	if (mkdir(CNSPAWN_STATE_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = open(CNSPAWN_STATE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* Entries decide who may stop what: only root may have written them. */
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return -EPERM;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int
state_lock(int dir_fd)
{
	/* flock on the directory itself: no lock file to leave behind. */
	while (flock(dir_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int
state_proc_start(pid_t pid, unsigned long long *ret)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	const char *p;
	ssize_t n;
	unsigned long long v = 0;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL)
		return -EIO;
	/* After ") " come fields 3.. ; starttime is field 22, i.e. the 20th from there. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return -EIO;
	}
	for (p++; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	*ret = v;
	return 0;
}

static int
format_entry(const struct state_entry *e, char *buf, size_t size)
{
	char addr[INET_ADDRSTRLEN];
	int n;

	if (inet_ntop(AF_INET, &e->address, addr, sizeof(addr)) == NULL)
		return -errno;
	n = snprintf(buf, size,
	    "name=%s\nuid=%u\nmonitor_pid=%d\nmonitor_start=%llu\ninit_pid=%d\naddress=%s/%u\n"
	    "bridge=%s\nveth=%s\nroot=%s\nrule=%u\nstarted=%lld\nuserns_first=%u\n"
	    "userns_count=%u\n",
	    e->name, (unsigned)e->uid, (int)e->monitor_pid, e->monitor_start, (int)e->init_pid,
	    addr, (unsigned)e->prefix, e->bridge, e->veth, e->root, e->rule, e->started,
	    (unsigned)e->userns_first, (unsigned)e->userns_count);
	if (n < 0 || (size_t)n >= size)
		return -E2BIG;
	return n;
}

int
state_write(int dir_fd, const struct state_entry *e)
{
	char buf[STATE_FILE_MAX], tmp[HELPER_NAME_MAX + 8];
	_cleanup_close_ int fd = -1;
	int n, r;

	n = format_entry(e, buf, sizeof(buf));
	if (n < 0)
		return n;
	(void)snprintf(tmp, sizeof(tmp), ".%s.tmp", e->name);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = util_write_full(fd, buf, (size_t)n);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(dir_fd, tmp, dir_fd, e->name) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dir_fd, tmp, 0);
	return r;
}

/* The monitor's control socket NAME.sock (helper/control.c) goes with its entry. */
static int
unlink_socket(int dir_fd, const char *name)
{
	char sock[HELPER_NAME_MAX + 8];
	int n = snprintf(sock, sizeof(sock), "%s.sock", name);

	if (n < 0 || (size_t)n >= sizeof(sock))
		return -ENAMETOOLONG;
	if (unlinkat(dir_fd, sock, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static bool
is_socket_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".sock") == 0;
}

int
state_remove(const char *name)
{
	_cleanup_close_ int dir_fd = -1;
	int r = state_open_dir(&dir_fd);

	if (r < 0)
		return r;
	if (request_check_name(name) < 0)
		return -EINVAL;
	if (unlinkat(dir_fd, name, 0) < 0)
		return -errno;
	(void)unlink_socket(dir_fd, name);
	return 0;
}

static int
parse_num(const char *v, long long max, long long *ret)
{
	const char *errstr = NULL;
	long long n = strtonum(v, 0, max, &errstr);

	if (errstr != NULL)
		return -EINVAL;
	*ret = n;
	return 0;
}

static int
copy_field(char *dst, size_t size, const char *v)
{
	return strlcpy(dst, v, size) < size ? 0 : -EINVAL;
}

/* One key=value line of an entry. The files are root's own, but are parsed strictly anyway. */
static int
parse_line(struct state_entry *e, const char *key, const char *v)
{
	long long n = 0;
	int r = 0;

	if (strcmp(key, "name") == 0)
		return copy_field(e->name, sizeof(e->name), v);
	if (strcmp(key, "bridge") == 0)
		return copy_field(e->bridge, sizeof(e->bridge), v);
	if (strcmp(key, "veth") == 0)
		return copy_field(e->veth, sizeof(e->veth), v);
	if (strcmp(key, "root") == 0)
		return copy_field(e->root, sizeof(e->root), v);
	if (strcmp(key, "address") == 0) {
		struct policy_cidr c;
		if (policy_cidr_parse(v, true, &c) < 0)
			return -EINVAL;
		e->address = c.addr;
		e->prefix = c.prefix;
		return 0;
	}
	if (strcmp(key, "uid") == 0 && (r = parse_num(v, UINT32_MAX - 1, &n)) == 0)
		e->uid = (uid_t)n;
	else if (strcmp(key, "monitor_pid") == 0 && (r = parse_num(v, INT32_MAX, &n)) == 0)
		e->monitor_pid = (pid_t)n;
	else if (strcmp(key, "monitor_start") == 0 && (r = parse_num(v, LLONG_MAX, &n)) == 0)
		e->monitor_start = (unsigned long long)n;
	else if (strcmp(key, "init_pid") == 0 && (r = parse_num(v, INT32_MAX, &n)) == 0)
		e->init_pid = (pid_t)n;
	else if (strcmp(key, "rule") == 0 && (r = parse_num(v, UINT32_MAX, &n)) == 0)
		e->rule = (unsigned)n;
	else if (strcmp(key, "started") == 0 && (r = parse_num(v, LLONG_MAX, &n)) == 0)
		e->started = n;
	else if (strcmp(key, "userns_first") == 0 && (r = parse_num(v, UINT32_MAX, &n)) == 0)
		e->userns_first = (uint32_t)n;
	else if (strcmp(key, "userns_count") == 0 && (r = parse_num(v, UINT32_MAX, &n)) == 0)
		e->userns_count = (uint32_t)n;
	else if (r == 0)
		r = -EINVAL;
	return r;
}

static int
read_entry(int dir_fd, const char *name, struct state_entry *ret)
{
	char buf[STATE_FILE_MAX + 1];
	_cleanup_close_ int fd = -1;
	struct state_entry e = {0};
	ssize_t n;
	char *line, *next;

	fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (line = buf; *line != '\0'; line = next) {
		char *eq, *nl = strchr(line, '\n');
		if (nl == NULL)
			return -EINVAL;
		*nl = '\0';
		next = nl + 1;
		eq = strchr(line, '=');
		if (eq == NULL)
			return -EINVAL;
		*eq = '\0';
		if (parse_line(&e, line, eq + 1) < 0)
			return -EINVAL;
	}
	if (strcmp(e.name, name) != 0 || e.monitor_pid <= 0)
		return -EINVAL;
	*ret = e;
	return 0;
}

/*
 * A monitor killed after its frontend left is nobody's child but pid 1's,
 * and stays a zombie (same pid and start time) until reaped, possibly for
 * long: dead all the same, and so is its container (parent-death signal).
 */
static bool
proc_is_zombie(pid_t pid)
{
	char path[64], buf[512];
	_cleanup_close_ int fd = -1;
	const char *p;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool
entry_alive(const struct state_entry *e)
{
	unsigned long long start;

	/* A pid alone could have been reused: the start time pins the very process. */
	return state_proc_start(e->monitor_pid, &start) == 0 && start == e->monitor_start &&
	    !proc_is_zombie(e->monitor_pid);
}

int
state_load_all(int dir_fd, struct state_entry **ret, size_t *ret_n)
{
	_cleanup_free_ struct state_entry *v = NULL;
	size_t n = 0, cap = 0;
	DIR *d;
	struct dirent *de;
	int dfd = dup(dir_fd), r = 0;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (d == NULL) {
		r = -errno;
		(void)close(dfd);
		return r;
	}
	while ((de = readdir(d)) != NULL) {
		struct state_entry e;
		if (de->d_name[0] == '.')
			continue;
		if (is_socket_name(de->d_name)) {
			/* A socket whose entry is gone belongs to a dead monitor. */
			char entry[HELPER_NAME_MAX + 1];
			size_t k = strlen(de->d_name) - 5;
			if (k < sizeof(entry)) {
				memcpy(entry, de->d_name, k);
				entry[k] = '\0';
				if (faccessat(dir_fd, entry, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
				    errno == ENOENT)
					(void)unlinkat(dir_fd, de->d_name, 0);
			}
			continue;
		}
		if (read_entry(dir_fd, de->d_name, &e) < 0 || !entry_alive(&e)) {
			/* Stale or unreadable: its monitor is gone, and so is its namespace
			 * (parent-death signal); what only the monitor would have removed goes here. */
			(void)unlinkat(dir_fd, de->d_name, 0);
			(void)unlink_socket(dir_fd, de->d_name);
			if (request_check_name(de->d_name) == 0)
				cgroup_remove_stale(de->d_name);
			continue;
		}
		if (n == cap) {
			struct state_entry *nv;
			if (cap >= STATE_MAX_ENTRIES) {
				r = -E2BIG;
				break;
			}
			cap = cap ? cap * 2 : 16;
			nv = reallocarray(v, cap, sizeof(*v));
			if (nv == NULL) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[n++] = e;
	}
	(void)closedir(d);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}
