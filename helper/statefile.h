/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The texts behind a state entry, as pure functions (no I/O, no helper
 * session), so that they get unit tests and a fuzzer: the entry file
 * itself (one key=value a line) and the line of /proc/PID/stat that pins
 * its monitor. helper/state.c does the I/O around them.
 */

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "net.h"
#include "policy.h"
#include "session.h"

#define STATEFILE_MAX 16384u  /* bytes in one entry file */
#define STATEFILE_KEY_MAX 15u /* bytes in one key */

struct state_entry {
	char name[HELPER_NAME_MAX + 1];
	uid_t uid;
	pid_t monitor_pid;
	unsigned long long monitor_start; /* /proc/PID/stat starttime; never 0 */
	pid_t init_pid;                   /* 0 until cloned */
	struct in_addr address;
	uint8_t prefix;
	char bridge[NET_IFNAME_MAX + 1];
	char veth[NET_IFNAME_MAX + 1];
	char root[PATH_MAX];
	/* The rest of the request, so the current policy can decide it again (F6):
	 * the init asked for, and the gateway asked for (none: the rule's). */
	char init[PATH_MAX];
	bool has_gateway;
	struct in_addr gateway;
	/* Line of the deciding rule when it started: for logs only. Lines move when
	 * the file is edited; `max` re-evaluates the entry instead (reserve.c). */
	unsigned rule;
	long long started; /* unix time */
	/* host ids of a userns container (count 0: privileged) */
	uint32_t userns_first, userns_count;
	/* The ceilings asked for (--memory, --pids, --cpus; 0: not asked), part of
	 * the request too: asking for one only an earlier rule allows makes that
	 * rule decide it, and so must deciding it again for `max`. */
	uint64_t memory;
	uint32_t pids, cpus_milli;
	bool ephemeral; /* on an overlay over the read-only root (-x; issue 15) */
};

/*
 * Parse one /proc/PID/stat text of len bytes: *ret_state is field 3 (R, S,
 * Z, ...), *ret_start field 22 (starttime, clock ticks after boot). comm
 * (field 2) may hold spaces and ')': the fields are counted from the last
 * ')'. -EINVAL when the text is cut before field 22 ends or malformed.
 */
int statefile_parse_proc_stat(const char *buf, size_t len, char *ret_state,
    unsigned long long *ret_start);

/*
 * Write entry e as text into buf (size bytes, NUL-terminated); returns the
 * length. -EINVAL for an entry statefile_parse would refuse, -E2BIG when
 * it does not fit.
 */
int statefile_format(const struct state_entry *e, char *buf, size_t size);

/*
 * Parse an entry file of len bytes (at most STATEFILE_MAX): every key
 * exactly once, each line ending in '\n', numbers in decimal without
 * leading zeros or signs and within their type, strings within their
 * fields, monitor_pid and monitor_start not 0. Anything else is -EINVAL
 * (-E2BIG past STATEFILE_MAX). *ret is zeroed first and, on failure, holds
 * whatever was parsed before the refusal: use it only on success.
 */
int statefile_parse(const char *buf, size_t len, struct state_entry *ret);

/*
 * The request an entry stands for, as policy_evaluate() takes it: its
 * root, bridge, init and asked gateway, and the address and prefix it was
 * given. The prefix is asked again: without it a later rule with another
 * range (last match wins) could take the entry over, and the rule that
 * started it would count one container fewer toward its max. Borrows e's
 * strings.
 */
void statefile_request(const struct state_entry *e, struct policy_request *ret);

/*
 * A slot record (helper/slots.h): STATEFILE_SLOT_SIZE bytes, "NAME INO\n", then
 * the entry's text as statefile_format wrote it, then NUL bytes to the end
 * (at least one). INO is the entry file's inode number, in decimal.
 */
#define STATEFILE_SLOT_SIZE 1024u

/* Write the record of entry text (len bytes) named name with inode ino into
 * rec (STATEFILE_SLOT_SIZE bytes, all written); -E2BIG when it does not fit. */
int statefile_slot_format(char *rec, const char *name, unsigned long long ino, const char *text,
    size_t len);

/*
 * Read a record (STATEFILE_SLOT_SIZE bytes): its name (a machine name, into
 * ret_name, HELPER_NAME_MAX + 1 bytes), inode, and where its text lies in
 * rec (*ret_text, *ret_len: not checked, statefile_parse does that). An
 * empty record (first byte NUL) or anything malformed is -EINVAL.
 */
int statefile_slot_parse(const char *rec, char *ret_name, unsigned long long *ret_ino,
    const char **ret_text, size_t *ret_len);
