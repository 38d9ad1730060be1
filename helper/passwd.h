/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The container's own /etc/passwd and /etc/group, parsed as text (never
 * NSS: its modules would be the container's code running in the helper).
 * Pure functions, no I/O: unit tests and the I/O are elsewhere (exec.c).
 */

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define PASSWD_MAX_FILE (4u * 1024u * 1024u) /* bytes of one file */
#define PASSWD_MAX_GROUPS 256                /* supplementary groups */
#define PASSWD_NAME_MAX 64

struct passwd_user {
	char name[PASSWD_NAME_MAX + 1];
	uid_t uid;
	gid_t gid;
	char home[PATH_MAX];
	gid_t groups[PASSWD_MAX_GROUPS]; /* gid first, then the groups listing name */
	size_t ngroups;
};

/*
 * 0 when user is a name (1..PASSWD_NAME_MAX bytes, printable, no ':' or
 * ',' or space, not starting with '-' or '+') or a decimal uid; -EINVAL.
 */
int passwd_user_check(const char *user);

/*
 * Find user (a name, else a decimal uid) in a passwd text of len bytes:
 * name, uid, gid and home of the first matching line. -ENOENT when none
 * matches; lines that do not parse are skipped, never matched.
 */
int passwd_find(const char *text, size_t len, const char *user, struct passwd_user *ret);

/* Fill u->groups: u->gid, then every group of a group text listing u->name. */
void passwd_groups(const char *text, size_t len, struct passwd_user *u);
