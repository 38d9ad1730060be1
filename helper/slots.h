/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The slots: a start's fast way to every live entry (issue 12).
 *
 * CNSPAWN_STATE_DIR/.slots is a root-owned 0600 file of records of
 * STATEFILE_SLOT_SIZE bytes (statefile.h). A monitor (the keeper: the
 * entry's monitor_pid) takes a free record when it reserves its entry,
 * holds a POSIX write lock (F_SETLK) on that record's bytes until it
 * exits, and writes into it, after each write of its entry, the entry's
 * name, inode and text. A start then maps the file and asks F_GETLK per
 * record, instead of opening, reading and flock-testing every entry.
 *
 * Why a record it takes can stand for the entry file (the MUST rules):
 * 1. Only root can open .slots (0600, in the root-owned state dir, checked
 *    by fstat): nobody else writes a record or holds a lock on one.
 * 2. A POSIX lock belongs to its process and goes when it exits or closes
 *    ANY fd of the file. So the keeper opens .slots once (slots_fd) and
 *    never closes it but to let go of its record (slots_release,
 *    slots_close); its children get their own lock table (fork without
 *    CLONE_FILES), and their closes drop nothing of the keeper's.
 * 3. A record counts only when F_GETLK names a holder and that holder is
 *    the monitor_pid of the record's own text: a live process, the one
 *    that wrote it (a lock is never inherited).
 * 4. It counts only for the directory's entry of the same name whose
 *    inode (readdir's d_ino) is the record's: entries are replaced by
 *    rename, so a new inode, and the keeper writes the record after every
 *    such rename, under the state lock the start holds. A record that
 *    lags (the keeper died between the two) fails this, and that entry
 *    is read the old way.
 * 5. Anything else (no lock, a bad record, two records of one name, a
 *    missing or odd .slots) only sends entries back to the old way, which
 *    decides alone what is live and what is stale: the slots can make a
 *    load faster, never make it count an entry as gone.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "session.h"

#define SLOTS_FILE ".slots"
#define SLOTS_MAX 4096u /* records in .slots: 4 MiB */

/* A record some live process holds: a candidate for an entry of the listing. */
struct slots_record {
	char name[HELPER_NAME_MAX + 1];
	unsigned long long ino;
	pid_t holder;
	const char *text; /* into slots_scan.buf */
	size_t len;
	bool ambiguous; /* another record has this name: neither is used */
};

struct slots_scan {
	char *buf; /* the file, size bytes mapped read-only */
	size_t size;
	struct slots_record *rec; /* sorted by name */
	size_t n;
};

/* Read the records of live holders in dir_fd's .slots into *ret
 * (slots_scan_free); on any trouble an empty scan, never an error. */
void slots_scan(int dir_fd, struct slots_scan *ret);
/* The record of entry name with inode ino, or NULL (read it the old way). */
const struct slots_record *slots_match(const struct slots_scan *s, const char *name,
    unsigned long long ino);
void slots_scan_free(struct slots_scan *s);
/* Lock the first record the last scan found free for this process, which
 * will be the monitor (the caller holds the state lock since that scan);
 * false when there is none or it could not be had. */
bool slots_take(void);
/* Write this process's record (taken) for entry text of len bytes, file inode ino;
 * when it does not fit or the write fails, the record is let go (and that entry is
 * read the old way from then on). */
void slots_write(const char *name, unsigned long long ino, const char *text, size_t len);
/* Empty this process's record and let it go (the entry was removed). */
void slots_release(void);
/* Close .slots without touching the record (the control process; keeper.h). */
void slots_close(void);
