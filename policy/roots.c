/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <string.h>

#include "path.h"
#include "roots.h"

static bool
is_glob(const char *pat)
{
	size_t n = strlen(pat);

	return n >= 2 && strcmp(pat + n - 2, "/*") == 0;
}

/* Does the deny rule take the whole of pattern pat (see policy_roots_each)? */
static bool
deny_covers(const struct policy_rule *deny, const char *pat)
{
	if (deny->roots.n == 0)
		return true;
	for (size_t i = 0; i < deny->roots.n; i++) {
		const char *d = deny->roots.v[i].s;

		if (is_glob(pat) ? strcmp(d, pat) == 0 : path_matches(d, pat))
			return true;
	}
	return false;
}

/* Is pattern pat of rule i taken away by a deny rule for c after it? */
static bool
shadowed(const struct policy *p, const struct policy_caller *c, size_t i, const char *pat)
{
	size_t n = policy_rule_count(p);

	for (size_t j = i + 1; j < n; j++) {
		const struct policy_rule *r = policy_rule_at(p, j);

		if (r->deny && policy_rule_applies(r, c) && deny_covers(r, pat))
			return true;
	}
	return false;
}

int
policy_roots_each(const struct policy *p, const struct policy_caller *c, policy_root_fn *fn,
    void *userdata)
{
	size_t n;

	if (p == NULL || c == NULL || fn == NULL)
		return -EINVAL;
	n = policy_rule_count(p);
	for (size_t i = 0; i < n; i++) {
		const struct policy_rule *r = policy_rule_at(p, i);

		if (r->deny || !policy_rule_applies(r, c))
			continue;
		for (size_t k = 0; k < r->roots.n; k++) {
			int e;

			if (shadowed(p, c, i, r->roots.v[k].s))
				continue;
			if ((e = fn(r->roots.v[k].s, userdata)) < 0)
				return e;
		}
	}
	return 0;
}

static bool
names(const struct policy_rule *r, const char *path)
{
	for (size_t i = 0; i < r->roots.n; i++)
		if (path_matches(r->roots.v[i].s, path))
			return true;
	return false;
}

bool
policy_root_visible(const struct policy *p, const struct policy_caller *c, const char *path)
{
	if (p == NULL || c == NULL || path == NULL || path_check(path, false) != NULL)
		return false;
	/* Last match wins, as in policy_evaluate: walk backwards. */
	for (size_t i = policy_rule_count(p); i-- > 0;) {
		const struct policy_rule *r = policy_rule_at(p, i);

		if (!policy_rule_applies(r, c))
			continue;
		if (r->deny && (r->roots.n == 0 || names(r, path)))
			return false;
		if (!r->deny && names(r, path))
			return true;
	}
	return false;
}
