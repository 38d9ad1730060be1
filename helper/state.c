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
#include "names.h"
#include "policy.h"
#include "request.h"
#include "slots.h"
#include "state.h"
#include "util.h"

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

/*
 * Field 3 (state) and 22 (starttime) of /proc/PID/stat. The pid is from an
 * entry, the text is the kernel's; the parse is statefile.c's.
 */
static int
proc_stat(pid_t pid, char *ret_state, unsigned long long *ret_start)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* One read: the kernel writes the line at once. Field 22 lies within the first
	 * ~300 bytes (comm is at most 64); a cut line is refused by the parser. */
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return -ESRCH;
	return statefile_parse_proc_stat(buf, (size_t)n, ret_state, ret_start) < 0 ? -EIO : 0;
}

int
state_proc_start(pid_t pid, unsigned long long *ret)
{
	char state;

	return proc_stat(pid, &state, ret);
}

/*
 * The monitor's own entry, open and flock(LOCK_EX)ed since it was written:
 * while any process has it open the lock stays, so a held lock proves the
 * monitor lives (entry_alive) without its /proc/PID/stat. Only the monitor
 * holds it: the file is made under a name no reader opens (".NAME.tmp") and
 * locked before the rename, the fd is close-on-exec, and the processes the
 * monitor forks close it or exit when the monitor does (the container's
 * first process closes every inherited fd at once, the holder of a user
 * namespace exits on the EOF of its pipe, the veth deleter closes all).
 */
static int entry_lock = -1;

int
state_write(int dir_fd, const struct state_entry *e)
{
	char buf[STATEFILE_MAX], tmp[HELPER_NAME_MAX + 8];
	_cleanup_close_ int fd = -1;
	struct stat st;
	bool locked;
	int n, r;

	n = statefile_format(e, buf, sizeof(buf));
	if (n < 0)
		return n;
	(void)snprintf(tmp, sizeof(tmp), ".%s.tmp", e->name);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	/* No fsync: the rename alone makes the entry appear whole to every
	 * reader, and after a crash of the host every container is gone, so an
	 * entry that did not reach the disk is one that would be stale anyway
	 * (RUNSTATEDIR is a tmpfs on a real host). It cost 1-3 ms a start. */
	/* No lock (a file system without flock): readers look at /proc, as for any entry. */
	locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
	r = util_write_full(fd, buf, (size_t)n);
	if (r == 0 && fstat(fd, &st) < 0)
		r = -errno;
	if (r == 0 && renameat(dir_fd, tmp, dir_fd, e->name) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(dir_fd, tmp, 0);
		return r;
	}
	/* After the rename, under the lock: the record names the inode now there (slots.h). */
	slots_write(e->name, (unsigned long long)st.st_ino, buf, (size_t)n);
	/* The new entry is locked before the old one's lock goes: never a gap. */
	if (locked) {
		(void)util_safe_close(entry_lock);
		entry_lock = TAKE_FD(fd);
	}
	return 0;
}

void
state_drop_lock(void)
{
	entry_lock = util_safe_close(entry_lock);
	slots_close();
}

/* The monitor's control socket NAME.sock (helper/control.c) goes with its entry. */
static int
unlink_socket(int dir_fd, const char *name)
{
	char sock[HELPER_NAME_MAX + sizeof(IPC_SOCK_SUFFIX)];
	int r = ipc_sock_name(name, sock, sizeof(sock));

	if (r < 0)
		return r;
	if (unlinkat(dir_fd, sock, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int
state_remove(const char *name)
{
	_cleanup_close_ int dir_fd = -1;
	int r = state_open_dir(&dir_fd);

	if (r < 0)
		return r;
	if (ipc_name_check(name) < 0)
		return -EINVAL;
	/* The record before the entry: a load meanwhile reads the entry itself, whose
	 * flock still proves it live, and no record outlives its entry to stand for
	 * another one with the same name (a reused inode; slots.h rule 4). */
	slots_release();
	if (unlinkat(dir_fd, name, 0) < 0)
		return -errno;
	entry_lock = util_safe_close(entry_lock);
	(void)unlink_socket(dir_fd, name);
	return 0;
}

/*
 * One entry file. Only root can write in the state dir, but a stray FIFO
 * there would block open(2) (and every start after it, under the lock),
 * and a device or another user's file is not an entry either: open without
 * blocking or following, and take only a regular root-owned file of a
 * bounded size that nobody else may write.
 */
static bool
entry_mode_ok(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * An entry this helper cannot read may still be a live container's: one
 * written by another version of cnspawn-helper (say, before an upgrade).
 * Its monitor is then a cnspawn-helper process, and removing the entry
 * would free its name, root and address for a second container and lift
 * its owner's max. Only the monitor_pid line is looked at; the exe link of
 * an all-root process is not the caller's to fake.
 */
static bool
unreadable_but_alive(const char *buf)
{
	char path[64], exe[PATH_MAX], state;
	const char *p = strstr(buf, "\nmonitor_pid=");
	const char *errstr = NULL;
	char num[16];
	unsigned long long start;
	long long pid;
	ssize_t n;
	size_t k;

	if (p == NULL)
		return false;
	p += strlen("\nmonitor_pid=");
	k = strspn(p, "0123456789");
	if (k == 0 || k >= sizeof(num))
		return false;
	memcpy(num, p, k);
	num[k] = '\0';
	pid = strtonum(num, 1, INT32_MAX, &errstr);
	if (errstr != NULL)
		return false;
	(void)snprintf(path, sizeof(path), "/proc/%lld/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	return strcmp(exe, CNSPAWN_HELPER_PATH) == 0 &&
	    proc_stat((pid_t)pid, &state, &start) == 0 && state != 'Z' && state != 'X';
}

/*
 * The whole file in one read: an entry is never written in place (a new
 * one is renamed over it), so a read that returns the size fstat gave is
 * all of it. Anything else (a file root edited meanwhile) reads on to EOF.
 */
static int
read_whole(int fd, const struct stat *st, char *buf, size_t size, size_t *ret_len)
{
	ssize_t n = read(fd, buf, size);
	size_t more = 0;
	int r;

	if (n < 0)
		return -errno;
	if ((size_t)n < size && (off_t)n == st->st_size) {
		*ret_len = (size_t)n;
		return 0;
	}
	r = util_read_upto(fd, buf + n, size - (size_t)n, &more);
	*ret_len = (size_t)n + more;
	return r;
}

/*
 * The entry, and its open fd in *ret_fd for entry_alive. type is readdir's
 * d_type (DT_UNKNOWN when not known): the file type the directory records,
 * which is what an fstatat would say, so only an unknown one costs a look.
 * On failure *ret holds whatever statefile_parse left: not an entry.
 */
static int
read_entry(int dir_fd, const char *name, unsigned char type, struct state_entry *ret, int *ret_fd)
{
	/* One byte past the cap, and a NUL. Static: a start reads every entry, and
	 * would zero 16 KiB for each (-ftrivial-auto-var-init); the helper is
	 * single-threaded and this is no recursion. */
	static char buf[STATEFILE_MAX + 2];
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t len = 0;
	int r;

	/* Look before opening: opening a device node can have effects of its own. */
	if (type != DT_UNKNOWN && type != DT_REG)
		return -EPERM;
	if (type == DT_UNKNOWN && fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (type == DT_UNKNOWN && !entry_mode_ok(&st))
		return -EPERM;
	/* ... and check what was opened: the name may have been replaced since.
	 * O_NONBLOCK: a FIFO put there meanwhile does not block the open. */
	fd = openat(dir_fd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!entry_mode_ok(&st))
		return -EPERM;
	r = read_whole(fd, &st, buf, sizeof(buf) - 1, &len);
	if (r < 0)
		return r;
	buf[len] = '\0';
	if (statefile_parse(buf, len, ret) < 0 || strcmp(ret->name, name) != 0)
		return unreadable_but_alive(buf) ? -EUCLEAN : -EINVAL;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/*
 * A pid alone could have been reused: the start time pins the very
 * process (F5: it was read from field 21, always 0, so any process with
 * the pid kept a dead entry alive). A monitor killed after its frontend
 * left is nobody's child but pid 1's and stays a zombie (same pid and
 * start time) until reaped, possibly for long: dead all the same, and so
 * is its container (parent-death signal).
 */
static int
entry_alive(const struct state_entry *e, int fd)
{
	unsigned long long start;
	char state;
	int r;

	/* Held exclusively: its monitor has it open (entry_lock), so it lives. A
	 * lock we get says nothing (a monitor of another version takes none): /proc. */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
		return 1;
	r = proc_stat(e->monitor_pid, &state, &start);

	/* -ESRCH: gone. Anything else (EMFILE, ENOMEM) says nothing about it. */
	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	return start == e->monitor_start && state != 'Z' && state != 'X';
}

int
state_find(const char *name, struct state_entry *ret)
{
	_cleanup_close_ int dir_fd = -1, fd = -1;
	struct state_entry e;
	int r;

	if (ipc_name_check(name) < 0)
		return -EINVAL;
	r = state_open_dir(&dir_fd);
	if (r < 0)
		return r;
	r = read_entry(dir_fd, name, DT_UNKNOWN, &e, &fd);
	/* Not an entry (a FIFO, a symlink, bad text) or another version's: nothing to join. */
	if (r == -EINVAL || r == -EPERM || r == -ELOOP || r == -EUCLEAN)
		return -ENOENT;
	if (r < 0)
		return r;
	r = entry_alive(&e, fd);
	if (r < 0)
		return r;
	if (r == 0 || e.init_pid <= 0)
		return -ENOENT;
	*ret = e;
	return 0;
}

/*
 * Stale, or not an entry at all (bad text, FIFO, device, symlink, another
 * owner's file): its monitor is gone, and so is its namespace (parent-death
 * signal). The name goes (unlinked, never followed), with what only the
 * monitor would have removed.
 */
static void
remove_stale(int dir_fd, const char *name)
{
	(void)unlinkat(dir_fd, name, 0);
	(void)unlink_socket(dir_fd, name);
	if (ipc_name_check(name) == 0)
		cgroup_remove_stale(name);
}

/*
 * 1 and *ret for a live entry, 0 when stale or invalid (removed), -ENOENT
 * when it went away since readdir, -EUCLEAN for an entry we cannot read
 * whose monitor runs (kept). Any other error says nothing about the entry
 * (EMFILE, EIO, ...) and fails the load: dropping a live entry would lift
 * its owner's max.
 */
static int
load_one(int dir_fd, const char *name, unsigned char type, struct state_entry *ret)
{
	_cleanup_close_ int fd = -1;
	int r = read_entry(dir_fd, name, type, ret, &fd);

	/* Not an entry at all (bad text, FIFO, device, symlink, another owner's). */
	if (r == -EINVAL || r == -EPERM || r == -ELOOP) {
		remove_stale(dir_fd, name);
		return 0;
	}
	if (r < 0)
		return r;
	r = entry_alive(ret, fd);
	if (r == 0)
		remove_stale(dir_fd, name);
	return r;
}

static int
append(struct state_brief **v, size_t *n, size_t *cap, const struct state_entry *e)
{
	struct state_brief *b;
	size_t lr = strlen(e->root) + 1, li = strlen(e->init) + 1;
	char *texts;

	if (*n == *cap) {
		struct state_brief *nv;
		if (*cap >= STATE_MAX_ENTRIES)
			return -E2BIG;
		nv = reallocarray(*v, *cap ? *cap * 2 : 16, sizeof(**v));
		if (nv == NULL)
			return -ENOMEM;
		*v = nv;
		*cap = *cap ? *cap * 2 : 16;
	}
	b = &(*v)[*n];
	*b = (struct state_brief){.uid = e->uid,
	    .rule = e->rule,
	    .userns_first = e->userns_first,
	    .userns_count = e->userns_count};
	/* The same sizes as the entry's: statefile_parse bounded them. */
	(void)strlcpy(b->name, e->name, sizeof(b->name));
	(void)strlcpy(b->veth, e->veth, sizeof(b->veth));
	(void)strlcpy(b->bridge, e->bridge, sizeof(b->bridge));
	texts = malloc(lr + li);
	if (texts == NULL)
		return -ENOMEM;
	memcpy(texts, e->root, lr);
	memcpy(texts + lr, e->init, li);
	statefile_request(e, &b->request);
	b->request.root = texts;
	b->request.init = texts + lr;
	b->request.bridge = b->bridge;
	b->texts = texts;
	(*n)++;
	return 0;
}

void
state_briefs_free(struct state_brief *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i].texts);
	free(v);
}

/* The monitors' control sockets (NAME.sock, helper/control.c) seen by a load. */
struct sockets {
	char (*name)[HELPER_NAME_MAX + 1];
	size_t n, cap;
};

/*
 * A socket whose entry is gone, looked at once (the old way, one faccessat):
 * for the sockets past the list's cap, or when it could not grow.
 */
static void
sweep_one(int dir_fd, const char *entry, const char *sock)
{
	if (faccessat(dir_fd, entry, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		(void)unlinkat(dir_fd, sock, 0);
}

/* False unless file is NAME.sock; NAME then goes into *k for sweep_sockets. */
static bool
note_socket(int dir_fd, struct sockets *k, const char *file)
{
	char entry[HELPER_NAME_MAX + 1];
	int r = ipc_sock_name_strip(file, entry, sizeof(entry));

	if (r == -EINVAL)
		return false;
	if (r < 0)
		return true; /* a name too long to be an entry's: left */
	if (k->n == k->cap) {
		void *nv = NULL;
		if (k->cap < STATE_MAX_ENTRIES)
			nv = reallocarray(k->name, k->cap ? k->cap * 2 : 16, sizeof(*k->name));
		if (nv == NULL) {
			sweep_one(dir_fd, entry, file);
			return true;
		}
		k->name = nv;
		k->cap = k->cap ? k->cap * 2 : 16;
	}
	memcpy(k->name[k->n++], entry, sizeof(entry));
	return true;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A socket whose entry is not live belongs to a dead monitor: unlink it.
 * The entries live now are v[0..n) (a stale one went with its socket in
 * remove_stale). Decided from what the load saw rather than one look per
 * socket (issue 12), which holds because the listing has every live entry:
 * entries are written (made, or renamed over: record_init) only under the
 * lock the load holds, so none appears or moves while it reads the
 * directory, and readdir returns every name that stays. A monitor makes
 * its socket after its entry and removes it after (state_remove): a socket
 * whose entry went during the load is one being removed anyway.
 */
static int
sweep_sockets(int dir_fd, const struct sockets *k, const struct state_brief *v, size_t n)
{
	_cleanup_free_ const char **live = reallocarray(NULL, n + 1, sizeof(*live));
	char sock[HELPER_NAME_MAX + sizeof(IPC_SOCK_SUFFIX)];

	if (live == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		live[i] = v[i].name;
	qsort(live, n, sizeof(*live), cmp_name);
	for (size_t i = 0; i < k->n; i++) {
		const char *key = k->name[i];
		if (bsearch(&key, live, n, sizeof(*live), cmp_name) != NULL)
			continue;
		(void)snprintf(sock, sizeof(sock), "%s%s", key, IPC_SOCK_SUFFIX);
		(void)unlinkat(dir_fd, sock, 0);
	}
	return 0;
}

/*
 * 1 and *ret when a live monitor's record stands for the entry of the
 * listing (slots.h, MUST rules 3 and 4), without opening it; else 0.
 */
static int
load_from_slot(const struct slots_scan *sc, const struct dirent *de, struct state_entry *ret)
{
	const struct slots_record *rec;

	if (de->d_type != DT_REG)
		return 0;
	rec = slots_match(sc, de->d_name, (unsigned long long)de->d_ino);
	if (rec == NULL || statefile_parse(rec->text, rec->len, ret) < 0)
		return 0;
	return strcmp(ret->name, de->d_name) == 0 && ret->monitor_pid == rec->holder;
}

static int
load_dir(int dir_fd, DIR *d, const struct slots_scan *sc, struct state_brief **v, size_t *n,
    struct sockets *k)
{
	struct state_entry e; /* out of the loop: zeroed once, not once an entry */
	struct dirent *de;
	size_t cap = 0;
	int r = 0;

	while (r >= 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (note_socket(dir_fd, k, de->d_name))
			continue;
		r = load_from_slot(sc, de, &e);
		if (r == 0)
			r = load_one(dir_fd, de->d_name, de->d_type, &e);
		if (r == 1)
			r = append(v, n, &cap, &e);
		else if (r == 0 || r == -ENOENT)
			r = 0;
	}
	return r;
}

int
state_load_all(int dir_fd, struct state_brief **ret, size_t *ret_n)
{
	struct sockets k = {0};
	struct slots_scan sc;
	struct state_brief *v = NULL;
	size_t n = 0;
	DIR *d;
	int dfd = dup(dir_fd), r;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (d == NULL) {
		r = -errno;
		(void)close(dfd);
		return r;
	}
	/* The records first: every one the listing then confirms saves a read. */
	slots_scan(dir_fd, &sc);
	r = load_dir(dir_fd, d, &sc, &v, &n, &k);
	slots_scan_free(&sc);
	(void)closedir(d);
	if (r >= 0)
		r = sweep_sockets(dir_fd, &k, v, n);
	free(k.name);
	if (r < 0) {
		state_briefs_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}
