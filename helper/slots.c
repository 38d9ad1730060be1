/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "slots.h"
#include "statefile.h"
#include "util.h"

/* This process's .slots (MUST rule 2: opened once, closed only to let go) and its record. */
static int slots_fd = -1;
static long slots_mine = -1;
/* The first record nobody held at the last scan; -1: none (or no .slots). */
static long slots_free = -1;

/* Root's own file, as an entry is (state.c entry_mode_ok), and nobody else may read it. */
static bool
slots_mode_ok(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == 0 && (st->st_mode & 077) == 0 &&
	    st->st_size >= 0 && (unsigned long long)st->st_size <= SLOTS_MAX * STATEFILE_SLOT_SIZE;
}

/*
 * Open .slots, creating it. Looked at before it is opened: opening a device
 * node can have effects of its own, and a FIFO would block. What is there
 * but is not our file (only root can have put it there) is removed and made
 * again; nobody holds a record of it. Any other failure (EMFILE: the
 * caller's limits) leaves it alone, and the load reads every entry itself.
 */
static int
slots_open(int dir_fd, struct stat *ret)
{
	const int flags = O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	bool create = false;
	int fd;

	if (slots_fd >= 0)
		return fstat(slots_fd, ret) < 0 ? -errno : 0;
	if (fstatat(dir_fd, SLOTS_FILE, ret, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		create = true;
	} else if (!slots_mode_ok(ret)) {
		if (unlinkat(dir_fd, SLOTS_FILE, 0) < 0)
			return -errno;
		create = true;
	}
	/* Under the state lock: nobody but root changes the name between the two. */
	fd = openat(dir_fd, SLOTS_FILE, flags | (create ? O_CREAT | O_EXCL : 0), 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, ret) < 0 || !slots_mode_ok(ret)) {
		(void)close(fd);
		return -EPERM;
	}
	slots_fd = fd;
	return 0;
}

/* Where record i lies in the file. */
static off_t
record_off(size_t i)
{
	return (off_t)(i * STATEFILE_SLOT_SIZE);
}

/* The pid holding record i, 0 when nobody does (or the kernel cannot say). */
static pid_t
holder(size_t i)
{
	struct flock l = {.l_type = F_WRLCK,
	    .l_whence = SEEK_SET,
	    .l_start = record_off(i),
	    .l_len = STATEFILE_SLOT_SIZE};

	if (fcntl(slots_fd, F_GETLK, &l) < 0 || l.l_type == F_UNLCK)
		return 0;
	return l.l_pid > 0 ? l.l_pid : -1;
}

static int
cmp_record(const void *a, const void *b)
{
	return strcmp(((const struct slots_record *)a)->name,
	    ((const struct slots_record *)b)->name);
}

/* Record i of the scan's buf, held by pid: a candidate, when it reads. */
static void
note_record(struct slots_scan *s, size_t i, pid_t pid)
{
	struct slots_record *r = &s->rec[s->n];

	if (statefile_slot_parse(s->buf + i * STATEFILE_SLOT_SIZE, r->name, &r->ino, &r->text,
	        &r->len) < 0)
		return;
	r->holder = pid;
	r->ambiguous = false;
	s->n++;
}

static void
mark_ambiguous(struct slots_scan *s)
{
	qsort(s->rec, s->n, sizeof(*s->rec), cmp_record);
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(s->rec[i - 1].name, s->rec[i].name) == 0)
			s->rec[i - 1].ambiguous = s->rec[i].ambiguous = true;
}

/* The records of buf (len bytes mapped): the held ones, and the first free one. */
static void
scan_records(struct slots_scan *s, size_t len)
{
	size_t count = len / STATEFILE_SLOT_SIZE;

	for (size_t i = 0; i < count; i++) {
		/* Even an empty record may be held: its taker has not written it
		 * yet. But an empty record is only ever used as the free one, and
		 * that is found: it needs no F_GETLK, each of which walks the
		 * file's whole list of locks. */
		if (s->buf[i * STATEFILE_SLOT_SIZE] == '\0' && slots_free >= 0)
			continue;
		pid_t pid = holder(i);
		if (pid == 0 && slots_free < 0)
			slots_free = (long)i;
		if (pid > 0 && s->buf[i * STATEFILE_SLOT_SIZE] != '\0')
			note_record(s, i, pid);
	}
	if (slots_free < 0 && count < SLOTS_MAX)
		slots_free = (long)count;
	mark_ambiguous(s);
}

void
slots_scan(int dir_fd, struct slots_scan *ret)
{
	struct stat st;

	*ret = (struct slots_scan){0};
	slots_free = -1;
	if (slots_open(dir_fd, &st) < 0)
		return;
	if (st.st_size < (off_t)STATEFILE_SLOT_SIZE) {
		slots_free = 0;
		return;
	}
	/*
	 * The file itself, mapped read-only: its pages are in memory already, and
	 * a read into fresh memory cost 0.4 ms at 200 records on this VM (issue
	 * 12). The records do not change under us: whole records are written
	 * only by the state lock's holder, which we are; what may change
	 * meanwhile is the first byte of a record whose keeper lets it go
	 * (slots_release), which at worst makes that record's name unreadable:
	 * the entry is read the old way. statefile_slot_parse stays inside the
	 * record whatever its bytes (fuzzed).
	 */
	ret->size = (size_t)st.st_size;
	ret->buf = mmap(NULL, ret->size, PROT_READ, MAP_SHARED | MAP_POPULATE, slots_fd, 0);
	if (ret->buf == MAP_FAILED)
		ret->buf = NULL;
	ret->rec = reallocarray(NULL, (size_t)st.st_size / STATEFILE_SLOT_SIZE, sizeof(*ret->rec));
	if (ret->buf == NULL || ret->rec == NULL) {
		slots_scan_free(ret);
		return;
	}
	scan_records(ret, ret->size);
}

const struct slots_record *
slots_match(const struct slots_scan *s, const char *name, unsigned long long ino)
{
	struct slots_record key;
	const struct slots_record *r;

	if (s->n == 0 || strlcpy(key.name, name, sizeof(key.name)) >= sizeof(key.name))
		return NULL;
	r = bsearch(&key, s->rec, s->n, sizeof(*s->rec), cmp_record);
	if (r == NULL || r->ambiguous || r->ino != ino)
		return NULL;
	return r;
}

void
slots_scan_free(struct slots_scan *s)
{
	if (s->buf != NULL)
		(void)munmap(s->buf, s->size);
	free(s->rec);
	*s = (struct slots_scan){0};
}

/* Let go of this process's record without closing .slots (MUST rule 2). */
static void
unlock_mine(void)
{
	struct flock l = {.l_type = F_UNLCK,
	    .l_whence = SEEK_SET,
	    .l_start = record_off((size_t)slots_mine),
	    .l_len = STATEFILE_SLOT_SIZE};

	(void)fcntl(slots_fd, F_SETLK, &l);
	slots_mine = -1;
}

bool
slots_take(void)
{
	struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = STATEFILE_SLOT_SIZE};

	if (slots_fd < 0 || slots_free < 0 || slots_mine >= 0)
		return false;
	l.l_start = record_off((size_t)slots_free);
	if (fcntl(slots_fd, F_SETLK, &l) < 0)
		return false;
	slots_mine = slots_free;
	/* Empty at once: a dead keeper's text stays in a record nobody holds, and
	 * must never stand for an entry while we hold it (MUST rule 3 with a reused pid). */
	if (pwrite(slots_fd, "", 1, l.l_start) != 1) {
		unlock_mine();
		return false;
	}
	return true;
}

void
slots_write(const char *name, unsigned long long ino, const char *text, size_t len)
{
	char rec[STATEFILE_SLOT_SIZE];

	if (slots_mine < 0)
		return;
	/* A text too long for a record, or a write that failed: the record is let
	 * go, so that whatever it holds counts for nothing (MUST rule 3), and the
	 * entry is read the old way from now on. */
	if (statefile_slot_format(rec, name, ino, text, len) < 0 ||
	    pwrite(slots_fd, rec, sizeof(rec), record_off((size_t)slots_mine)) !=
	        (ssize_t)sizeof(rec))
		unlock_mine();
}

void
slots_release(void)
{
	if (slots_mine >= 0)
		(void)!pwrite(slots_fd, "", 1, record_off((size_t)slots_mine));
	slots_close();
}

void
slots_close(void)
{
	slots_fd = util_safe_close(slots_fd);
	slots_mine = -1;
}
