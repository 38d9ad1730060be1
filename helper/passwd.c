/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "passwd.h"
#include "util.h"

#define PASSWD_FIELDS 7
#define GROUP_FIELDS 4

int
passwd_user_check(const char *user)
{
	size_t n = strlen(user);

	if (n == 0 || n > PASSWD_NAME_MAX || user[0] == '-' || user[0] == '+')
		return -EINVAL;
	for (const char *c = user; *c != '\0'; c++)
		if (!isgraph((unsigned char)*c) || *c == ':' || *c == ',' ||
		    (unsigned char)*c > 0x7e)
			return -EINVAL;
	return 0;
}

/* Split line (NUL-terminated, no newline) at ':' into exactly n fields. */
static bool
split(char *line, char **f, size_t n)
{
	size_t k = 0;

	f[k++] = line;
	for (char *c = line; *c != '\0'; c++)
		if (*c == ':') {
			if (k == n)
				return false;
			*c = '\0';
			f[k++] = c + 1;
		}
	return k == n;
}

/* A decimal id below (uid_t)-1, digits only. */
static bool
parse_id(const char *s, uint32_t *ret)
{
	const char *errstr = NULL;
	long long v;

	if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) || (s[0] == '0' && s[1] != '\0'))
		return false;
	v = strtonum(s, 0, UINT32_MAX - 1, &errstr);
	if (errstr != NULL)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* Call fn on each line of text (a copy, cut at newlines), until it returns true. */
static bool
each_line(const char *text, size_t len, bool (*fn)(char *line, void *arg), void *arg)
{
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - (text + at)) : len - at;
		char line[4096];

		if (n < sizeof(line) && memchr(text + at, '\0', n) == NULL) {
			memcpy(line, text + at, n);
			line[n] = '\0';
			if (fn(line, arg))
				return true;
		}
		at += n + 1;
	}
	return false;
}

struct find_ctx {
	const char *user;
	bool by_uid;
	uint32_t uid;
	struct passwd_user *u;
};

static bool
match_passwd(char *line, void *arg)
{
	struct find_ctx *x = arg;
	char *f[PASSWD_FIELDS];
	uint32_t uid, gid;

	if (!split(line, f, PASSWD_FIELDS) || !parse_id(f[2], &uid) || !parse_id(f[3], &gid))
		return false;
	if (x->by_uid ? uid != x->uid : strcmp(f[0], x->user) != 0)
		return false;
	if (passwd_user_check(f[0]) < 0 ||
	    strlcpy(x->u->name, f[0], sizeof(x->u->name)) >= sizeof(x->u->name) ||
	    strlcpy(x->u->home, f[5][0] == '/' ? f[5] : "/", sizeof(x->u->home)) >=
	        sizeof(x->u->home))
		return false;
	x->u->uid = uid;
	x->u->gid = gid;
	x->u->groups[0] = gid;
	x->u->ngroups = 1;
	return true;
}

int
passwd_find(const char *text, size_t len, const char *user, struct passwd_user *ret)
{
	struct passwd_user u = {0};
	struct find_ctx x = {.user = user, .u = &u};

	if (passwd_user_check(user) < 0)
		return -EINVAL;
	if (each_line(text, len, match_passwd, &x)) {
		*ret = u;
		return 0;
	}
	/* No such name: a number is a uid (as `su` and `docker exec -u` take one). */
	x.by_uid = parse_id(user, &x.uid);
	if (x.by_uid && each_line(text, len, match_passwd, &x)) {
		*ret = u;
		return 0;
	}
	return -ENOENT;
}

static bool
match_group(char *line, void *arg)
{
	struct passwd_user *u = arg;
	char *f[GROUP_FIELDS], *save = NULL;
	uint32_t gid;

	if (!split(line, f, GROUP_FIELDS) || !parse_id(f[2], &gid))
		return false;
	for (char *m = strtok_r(f[3], ",", &save); m != NULL; m = strtok_r(NULL, ",", &save)) {
		if (strcmp(m, u->name) != 0)
			continue;
		for (size_t i = 0; i < u->ngroups; i++)
			if (u->groups[i] == gid)
				return false;
		if (u->ngroups == PASSWD_MAX_GROUPS)
			return true; /* full: stop */
		u->groups[u->ngroups++] = gid;
		return false;
	}
	return false;
}

void
passwd_groups(const char *text, size_t len, struct passwd_user *u)
{
	(void)each_line(text, len, match_group, u);
}
