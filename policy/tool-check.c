/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "tool-check.h"
#include "tool-open.h"
#include "util.h"

/* Diagnostics are collected, then sorted by position, so root warnings fall in place. */
struct diag_item {
	struct policy_diag d;
	size_t idx; /* insertion order, to keep the sort stable */
};

struct diags {
	struct diag_item *v;
	size_t n;
	unsigned errors;
};

static void
diags_add(const struct policy_diag *d, void *userdata)
{
	struct diags *ds = userdata;
	struct diag_item *v = reallocarray(ds->v, ds->n + 1, sizeof(*v));

	if (v == NULL)
		err(1, "out of memory");
	ds->v = v;
	v[ds->n].d = *d;
	v[ds->n].idx = ds->n;
	ds->n++;
	if (!d->warning)
		ds->errors++;
}

static void diag_printf(struct diags *ds, bool warning, unsigned line, unsigned col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
diag_printf(struct diags *ds, bool warning, unsigned line, unsigned col, const char *fmt, ...)
{
	struct policy_diag d = {.line = line, .col = col, .warning = warning, .code = -EINVAL};
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(d.msg, sizeof(d.msg), fmt, ap);
	va_end(ap);
	diags_add(&d, ds);
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;

	if (x->d.line != y->d.line)
		return x->d.line < y->d.line ? -1 : 1;
	if (x->d.col != y->d.col)
		return x->d.col < y->d.col ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static void
diags_print(const char *shown, struct diags *ds)
{
	if (ds->n > 1)
		qsort(ds->v, ds->n, sizeof(*ds->v), diag_cmp);
	for (size_t i = 0; i < ds->n; i++) {
		const struct policy_diag *d = &ds->v[i].d;
		const char *kind = d->warning ? "warning" : "error";

		if (d->line > 0)
			printf("%s:%u:%u: %s: %s\n", shown, d->line, d->col, kind, d->msg);
		else
			printf("%s: %s: %s\n", shown, kind, d->msg);
	}
}

/* A root (or the parent of PATH/ *) that others can write lets them plant what runs as root. */
static void
check_root(struct diags *ds, unsigned line, const struct policy_item *it)
{
	char dir[POLICY_MAX_TOKEN + 1];
	size_t n = strlen(it->s);
	bool glob = n >= 2 && strcmp(it->s + n - 2, "/*") == 0;
	struct stat st;

	if (snprintf(dir, sizeof(dir), "%.*s", (int)(glob ? (n > 2 ? n - 2 : 1) : n), it->s) < 0)
		return;
	if (lstat(dir, &st) < 0) {
		diag_printf(ds, true, line, it->col, "%s %s %s", glob ? "directory" : "root", dir,
		    errno == ENOENT ? "does not exist" : "cannot be checked");
		return;
	}
	if (S_ISLNK(st.st_mode))
		diag_printf(ds, true, line, it->col, "root %s is a symbolic link", dir);
	else if (!S_ISDIR(st.st_mode))
		diag_printf(ds, true, line, it->col, "root %s is not a directory", dir);
	else if (st.st_uid != 0)
		diag_printf(ds, true, line, it->col, "%s %s is not owned by root",
		    glob ? "directory" : "root", dir);
	else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		diag_printf(ds, true, line, it->col, "%s %s is writable by group or other",
		    glob ? "directory" : "root", dir);
}

int
tool_check_text(const char *shown, const char *text, size_t len, struct policy **ret)
{
	struct diags ds = {0};
	struct policy *p = NULL;
	int r = policy_parse_all(text, len, &p, diags_add, &ds);
	unsigned errors;

	if (r == -ENOMEM)
		errx(1, "out of memory");
	for (size_t i = 0; p != NULL && i < policy_rule_count(p); i++) {
		const struct policy_rule *rule = policy_rule_at(p, i);

		for (size_t j = 0; !rule->deny && j < rule->roots.n; j++)
			check_root(&ds, rule->line, &rule->roots.v[j]);
	}
	diags_print(shown, &ds);
	errors = ds.errors;
	free(ds.v);
	if (ret != NULL && errors == 0)
		*ret = p;
	else
		policy_free(p);
	return (int)errors;
}

/*
 * An explicit FILE: only the file itself, so the output does not depend on where it lives.
 * Only a regular file reached through no symlink (unless follow) is read at all: the tool
 * runs as root and echoes what it reads in its errors, so a link planted by someone else
 * (to /etc/shadow, say) must not make it print another file. quiet: the caller has
 * already reported why the file is refused, so a refusal here adds nothing.
 */
static int
open_explicit(const char *path, enum tool_owner_check oc, bool follow, bool quiet, struct diags *ds)
{
	char msg[128];
	struct stat st;
	int fd = -1;
	int r = tool_open_regular(AT_FDCWD, path, follow, &fd, &st, msg, sizeof(msg));

	if (r < 0) {
		if (!quiet)
			diag_printf(ds, false, 0, 0, "%s%s", msg,
			    r == -ELOOP && !follow ? " (--follow-symlinks reads it anyway)" : "");
		return -1;
	}
	if (oc == TOOL_OWNER_WARN && st.st_uid != 0)
		diag_printf(ds, true, 0, 0, "not owned by root (the helper would refuse it)");
	if (oc == TOOL_OWNER_WARN && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		diag_printf(ds, true, 0, 0,
		    "writable by group or other (the helper would refuse it)");
	return fd;
}

static int
check_file(const char *path, enum tool_owner_check oc, bool follow)
{
	struct diags ds = {0};
	struct policy_error e;
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	int r, errors;

	r = 0;
	if (oc == TOOL_OWNER_ERROR) {
		r = policy_open(path, &fd, &e);
		if (r < 0) {
			diag_printf(&ds, false, 0, 0, "%s", e.msg);
			fd = -1;
		}
	}
	/* Owner or mode refused: still read it, to report its syntax errors too. */
	if (fd < 0 && (r == 0 || r == -EPERM))
		fd = open_explicit(path, oc == TOOL_OWNER_ERROR ? TOOL_OWNER_NONE : oc, follow,
		    r < 0, &ds);
	if (fd >= 0) {
		r = policy_read_fd(fd, &text, &len);
		if (r < 0)
			diag_printf(&ds, false, 0, 0, "%s",
			    r == -E2BIG ? "file larger than 262144 bytes" : strerror(-r));
	}
	diags_print(path, &ds);
	errors = (int)ds.errors;
	free(ds.v);
	if (text != NULL)
		errors += tool_check_text(path, text, len, NULL);
	return errors > 0 ? 1 : 0;
}

#define CHECK_USAGE "usage: cnspawn-policy check [--no-owner-check] [--follow-symlinks] [FILE]\n"

int
tool_check_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"no-owner-check", no_argument, NULL, 'n'},
	    {"follow-symlinks", no_argument, NULL, 'L'},
	    {NULL, 0, NULL, 0},
	};
	enum tool_owner_check oc = TOOL_OWNER_WARN;
	bool no_owner = false, follow = false;
	int ch;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'n' && ch != 'L') {
			fputs(CHECK_USAGE, stderr);
			return 2;
		}
		if (ch == 'n')
			no_owner = true;
		else
			follow = true;
	}
	if (argc - optind > 1) {
		fputs(CHECK_USAGE, stderr);
		return 2;
	}
	if (argc - optind == 0)
		oc = TOOL_OWNER_ERROR;
	if (no_owner)
		oc = TOOL_OWNER_NONE;
	return check_file(argc - optind == 1 ? argv[optind] : CNSPAWN_POLICY_PATH, oc, follow);
}
