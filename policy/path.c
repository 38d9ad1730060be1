/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "path.h"
#include "util.h"

const char *
path_check(const char *p, bool glob_ok)
{
	const char *c;

	if (p[0] != '/')
		return "is not absolute";
	if (p[1] == '\0')
		return "is / itself";
	for (c = p; *c != '\0';) {
		const char *next = strchr(c + 1, '/');
		size_t n = next != NULL ? (size_t)(next - c - 1) : strlen(c + 1);

		if (n == 0)
			return next != NULL ? "contains //" : "ends in /";
		if ((n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.'))
			return "contains a . or .. component";
		if (glob_ok && memchr(c + 1, '*', n) != NULL && (n != 1 || next != NULL))
			return "may contain * only as its whole last component";
		/* A literal "*" component would read like a pattern: never allowed. */
		if (!glob_ok && n == 1 && c[1] == '*')
			return "contains a * component";
		if (next == NULL)
			break;
		c = next;
	}
	return NULL;
}

/*
 * "PATH/ *" (no space) matches PATH/<one component>: the component cannot be "." or
 * ".." because the request is canonical, and cannot contain '/', so a
 * deeper path never matches.
 */
bool
path_matches(const char *pat, const char *req)
{
	size_t n = strlen(pat);

	if (n >= 2 && strcmp(pat + n - 2, "/*") == 0) {
		n--; /* keep the '/' */
		return strncmp(pat, req, n) == 0 && req[n] != '\0' && strchr(req + n, '/') == NULL;
	}
	return strcmp(pat, req) == 0;
}

/* Length of pat without a final slash-star. */
static size_t
base_len(const char *pat)
{
	size_t n = strlen(pat);

	return n >= 2 && strcmp(pat + n - 2, "/*") == 0 ? n - 2 : n;
}

/* Is a[0..na) the path b[0..nb) or a directory above it? */
static bool
is_path_prefix(const char *a, size_t na, const char *b, size_t nb)
{
	return na <= nb && strncmp(a, b, na) == 0 && (na == nb || b[na] == '/');
}

bool
path_trees_overlap(const char *a, const char *b)
{
	size_t na = base_len(a), nb = base_len(b);

	/* "D/star" covers every tree D/x/..., "E" the tree E/...: any two such sets
	 * meet exactly when D (or E) is the other's directory or above it. */
	return is_path_prefix(a, na, b, nb) || is_path_prefix(b, nb, a, na);
}

bool
path_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '$')
		n--;
	if (n < 1 || n > 32 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!util_portable_char(s[i]))
			return false;
	return true;
}
