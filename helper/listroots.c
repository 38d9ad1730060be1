/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * cnspawn list --roots (issue 16), in a fresh helper started for this one
 * request, because the policy may be readable by root only. What it tells
 * the caller, and why that is no more than they may know:
 *  - the root patterns, as written, of the permit rules that apply to the
 *    caller and that no later deny for the caller takes away (roots.h):
 *    other users' and groups' rules are never looked at, nor any other
 *    option of a rule (bridges, ranges, ceilings);
 *  - for a DIR/ * (no space) pattern, the directories in DIR, listed with the
 *    caller's own fsuid, fsgid and groups (binds_fs_ids), without following
 *    a symlink in DIR: exactly what `ls DIR` run by the caller would show,
 *    never a name in a directory the caller cannot read (a 0700 directory
 *    above userns roots stays opaque; the caller learns only the errno it
 *    would get itself). Only those the policy lets the caller start are
 *    listed (a later deny naming one hides it). Nothing is created,
 *    changed or kept; the answer is bounded by IPC_MAX_ROOTS and IPC_MAX_MSG.
 */

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binds.h"
#include "ipc.h"
#include "listroots.h"
#include "openat.h"
#include "roots.h"
#include "session.h"
#include "util.h"

struct reply {
	struct ipc_root v[IPC_MAX_ROOTS];
	size_t n;
	size_t size; /* wire bytes so far */
	bool truncated;
};

/* Append one entry; -E2BIG (and truncated) once the message is full. */
static int
add(struct reply *rr, const char *path, uint8_t kind, uint32_t err)
{
	size_t len = strlen(path);
	char *s;

	if (rr->truncated || rr->n == IPC_MAX_ROOTS || len >= IPC_MAX_STR ||
	    rr->size + IPC_ROOT_WIRE_SIZE(len) > IPC_MAX_MSG) {
		rr->truncated = true;
		return -E2BIG;
	}
	s = strdup(path);
	if (s == NULL)
		helper_fail(-ENOMEM, "listing the roots");
	rr->v[rr->n++] = (struct ipc_root){.path = s, .kind = kind, .err = err};
	rr->size += IPC_ROOT_WIRE_SIZE(len);
	return 0;
}

/* The patterns, each once, in policy order. */
struct patterns {
	const char *v[IPC_MAX_ROOTS];
	size_t n;
};

static int
add_pattern(const char *pat, void *userdata)
{
	struct patterns *ps = userdata;

	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i], pat) == 0)
			return 0;
	if (ps->n == IPC_MAX_ROOTS)
		return -E2BIG;
	ps->v[ps->n++] = pat;
	return 0;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct ipc_root *)a)->path, ((const struct ipc_root *)b)->path);
}

/* One entry of DIR: a real directory (no symlink) the caller may start. */
static void
add_match(struct reply *rr, const struct policy *p, const struct policy_caller *c, int dir_fd,
    const char *dir, const char *name)
{
	char path[IPC_MAX_STR];
	struct stat st;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return; /* longer than a request may name */
	/* Also refuses what a request could not name (a "*" component). */
	if (!policy_root_visible(p, c, path))
		return;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return;
	(void)add(rr, path, IPC_ROOT_MATCH, 0);
}

/* DIR/ * (no space): its directories as the caller sees them, sorted; 0 or -errno for DIR. */
static int
expand(struct reply *rr, const struct policy *p, const struct policy_caller *c, const char *pat)
{
	char dir[IPC_MAX_STR];
	size_t first = rr->n;
	int fd = -1, r;
	struct dirent *de;
	DIR *d;

	(void)snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(pat) - 2), pat);
	r = openat_safe(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY, OPENAT_HOST, &fd);
	if (r < 0)
		return r;
	d = fdopendir(fd);
	if (d == NULL) {
		r = -errno;
		(void)close(fd);
		return r;
	}
	while (!rr->truncated && (de = readdir(d)) != NULL)
		add_match(rr, p, c, dirfd(d), dir, de->d_name);
	(void)closedir(d);
	qsort(rr->v + first, rr->n - first, sizeof(rr->v[0]), by_path);
	return 0;
}

/*
 * Each pattern, then a glob's directories. A glob whose DIR the caller
 * cannot list carries that errno, so the frontend can say so.
 */
static void
build(struct reply *rr, const struct patterns *ps, const struct policy *p,
    const struct policy_caller *c)
{
	for (size_t i = 0; i < ps->n && !rr->truncated; i++) {
		size_t at = rr->n;
		bool glob =
		    strlen(ps->v[i]) >= 2 && strcmp(ps->v[i] + strlen(ps->v[i]) - 2, "/*") == 0;
		int r;

		if (add(rr, ps->v[i], glob ? IPC_ROOT_GLOB : IPC_ROOT_PLAIN, 0) < 0 || !glob)
			continue;
		r = expand(rr, p, c, ps->v[i]);
		if (r < 0 && (uint32_t)-r <= IPC_MAX_ERRNO)
			rr->v[at].err = (uint32_t)-r;
	}
}

static struct policy *
load(void)
{
	struct policy_error e = {0};
	struct policy *p = NULL;
	int r = policy_load(CNSPAWN_POLICY_PATH, &p, &e);

	if (r < 0 && e.msg[0] != '\0')
		helper_fail(0, "cannot use policy: %s", e.msg);
	if (r < 0)
		helper_fail(r, "cannot use policy %s", CNSPAWN_POLICY_PATH);
	return p;
}

_Noreturn void
listroots_run(const struct policy_caller *c)
{
	static struct reply rr = {.size = IPC_ROOTS_FIXED_SIZE};
	static struct patterns ps;
	struct policy *p;
	struct ipc_msg m;
	bool more;
	int r;

	(void)snprintf(helper_session.request, sizeof(helper_session.request), "list --roots");
	p = load();
	/* Too many patterns: the first IPC_MAX_ROOTS, and the reply says it is cut. */
	more = policy_roots_each(p, c, add_pattern, &ps) == -E2BIG;
	/* From here on every file access is the caller's own (see the top of this file). */
	r = binds_fs_ids(c->uid, c->gid, c->groups, c->ngroups);
	if (r < 0)
		helper_fail(r, "becoming the caller to list the roots");
	build(&rr, &ps, p, c);
	ipc_msg_init(&m, IPC_T_ROOTS_REPLY);
	m.roots = (struct ipc_roots){.truncated = rr.truncated || more, .v = rr.v, .n = rr.n};
	r = ipc_send(helper_session.sock, &m);
	if (r < 0)
		helper_fail(r, "sending the roots");
	exit(0);
}
