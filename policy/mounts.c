/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "mounts.h"
#include "parse.h"
#include "path.h"
#include "policy.h"
#include "util.h"

int
mounts_arity(const char *kw)
{
	static const struct {
		const char *name;
		int n;
	} opts[] = {
	    {"bind", 1},
	    {"bind-ro", 1},
	    {"ephemeral", 0},
	    {"ephemeral-only", 0},
	    {"dns", 1},
	    {"search", 1},
	};

	for (size_t i = 0; i < ELEMENTSOF(opts); i++)
		if (strcmp(kw, opts[i].name) == 0)
			return opts[i].n;
	return -1;
}

/* A DNS name as resolv.conf takes it: dot-separated labels of 1-63 letters, digits, '-'. */
static bool
domain_ok(const char *s)
{
	size_t label = 0, n = strlen(s);

	if (n == 0 || n > POLICY_MAX_DOMAIN)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		        (c == '-' && label > 0)))
			return false;
		label++;
	}
	return true;
}

/* bind PREFIX, bind-ro PREFIX: "~" or a canonical path (never "/": that is the whole host). */
static int
opt_bind(struct parse_state *st, struct policy_items *it, const struct lex_token *kw)
{
	const struct lex_token *arg = &kw[1];
	const char *why = strcmp(arg->s, "~") == 0 ? NULL : path_check(arg->s, false);

	if (why != NULL) {
		parse_report(st, -EINVAL, arg->line, arg->col,
		    "%s prefix '%.64s' %s (an absolute canonical path, or ~ for the caller's home)",
		    kw->s, arg->s, why);
		return -EINVAL;
	}
	return parse_add_item(st, it, kw->s, kw, arg);
}

static int
opt_dns(struct parse_state *st, struct policy_rule *r, const struct lex_token *kw)
{
	const struct lex_token *arg = &kw[1];
	struct in_addr a;

	if (policy_addr_parse(arg->s, &a) < 0) {
		parse_report(st, -EINVAL, arg->line, arg->col,
		    "bad dns server address '%.64s' (expected A.B.C.D)", arg->s);
		return -EINVAL;
	}
	for (size_t i = 0; i < r->ndns; i++)
		if (r->dns[i].s_addr == a.s_addr) {
			parse_report(st, -EINVAL, arg->line, arg->col, "dns %.64s given twice",
			    arg->s);
			return -EINVAL;
		}
	if (r->ndns >= POLICY_MAX_DNS) {
		parse_report(st, -E2BIG, kw->line, kw->col,
		    "more than %u dns options in one rule (resolv.conf uses only %u)",
		    POLICY_MAX_DNS, POLICY_MAX_DNS);
		return -E2BIG;
	}
	r->dns[r->ndns++] = a;
	return 0;
}

static int
opt_search(struct parse_state *st, struct policy_rule *r, struct mounts_seen *seen,
    const struct lex_token *kw)
{
	if (!parse_once(st, &seen->search, kw))
		return -EINVAL;
	if (!domain_ok(kw[1].s)) {
		parse_report(st, -EINVAL, kw[1].line, kw[1].col,
		    "bad search domain '%.64s' (labels of 1-63 letters, digits and -, "
		    "separated by dots, at most %u bytes)",
		    kw[1].s, POLICY_MAX_DOMAIN);
		return -EINVAL;
	}
	r->search = strdup(kw[1].s);
	return r->search != NULL ? 0 : -ENOMEM;
}

int
mounts_option(struct parse_state *st, struct policy_rule *r, struct mounts_seen *seen,
    const struct lex_token *a)
{
	const char *kw = a[0].s;

	if (strcmp(kw, "bind") == 0)
		return opt_bind(st, &r->binds, a);
	if (strcmp(kw, "bind-ro") == 0)
		return opt_bind(st, &r->binds_ro, a);
	if (strcmp(kw, "dns") == 0)
		return opt_dns(st, r, a);
	if (strcmp(kw, "search") == 0)
		return opt_search(st, r, seen, a);
	if (strcmp(kw, "ephemeral") == 0) {
		r->ephemeral = true;
		return parse_once(st, &seen->ephemeral, a) ? 0 : -EINVAL;
	}
	if (strcmp(kw, "ephemeral-only") == 0) {
		r->ephemeral = r->ephemeral_only = true;
		return parse_once(st, &seen->ephemeral_only, a) ? 0 : -EINVAL;
	}
	return 1;
}

void
mounts_rule_done(struct policy_rule *r)
{
	for (size_t i = 0; i < r->binds.n; i++)
		free(r->binds.v[i].s);
	free(r->binds.v);
	for (size_t i = 0; i < r->binds_ro.n; i++)
		free(r->binds_ro.v[i].s);
	free(r->binds_ro.v);
	free(r->search);
}

const char *
policy_bind_check(const char *src, const char *dst)
{
	static const char *const covered[] = {"/dev", "/proc", "/sys"};
	const char *why;

	if (src == NULL || dst == NULL)
		return "is missing";
	if ((why = path_check(src, false)) != NULL)
		return why;
	if (strcmp(dst, "/") == 0)
		return "would cover the container's / itself";
	if ((why = path_check(dst, false)) != NULL)
		return why;
	/* The container's /dev, /proc and /sys are the helper's own mounts with
	 * their read-only parts (/proc/sys, /sys): a bind over or below them
	 * would undo that. */
	for (size_t i = 0; i < ELEMENTSOF(covered); i++) {
		size_t n = strlen(covered[i]);

		if (strncmp(dst, covered[i], n) == 0 && (dst[n] == '\0' || dst[n] == '/'))
			return "would cover the container's /dev, /proc or /sys";
	}
	return NULL;
}

int
mounts_check_request(const struct policy_request *r)
{
	if (r->nbinds > POLICY_MAX_BINDS || (r->nbinds > 0 && r->binds == NULL))
		return -EINVAL;
	for (size_t i = 0; i < r->nbinds; i++)
		if (policy_bind_check(r->binds[i].src, r->binds[i].dst) != NULL)
			return -EINVAL;
	return 0;
}

const char *
mounts_prefix_dir(const char *prefix, const struct policy_caller *c)
{
	if (strcmp(prefix, "~") != 0)
		return prefix;
	/* A home that is not canonical (or is "/") would make `bind ~` mean
	 * more than one directory tree: then it means none. */
	if (c->home == NULL || path_check(c->home, false) != NULL)
		return NULL;
	return c->home;
}

/* Is path at or below one of the prefixes (for this caller)? */
static bool
below_any(const struct policy_items *it, const struct policy_caller *c, const char *path)
{
	for (size_t i = 0; i < it->n; i++) {
		const char *d = mounts_prefix_dir(it->v[i].s, c);
		size_t n = d != NULL ? strlen(d) : 0;

		/* Both canonical: a textual prefix at a component boundary is "below". */
		if (d != NULL && strncmp(d, path, n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* One reason being written into buf; a cut text stays NUL-terminated. */
struct why_buf {
	char *buf;
	size_t size, used;
};

static void why_add(struct why_buf *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
why_add(struct why_buf *w, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (w->used + 1 >= w->size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(w->buf + w->used, w->size - w->used, fmt, ap);
	va_end(ap);
	w->used = k < 0 || (size_t)k >= w->size - w->used ? w->size - 1 : w->used + (size_t)k;
}

/* "/srv/a, ~ (/home/alice)" */
static void
why_prefixes(struct why_buf *w, const struct policy_items *it, const struct policy_caller *c)
{
	for (size_t i = 0; i < it->n; i++) {
		const char *d = mounts_prefix_dir(it->v[i].s, c);

		if (strcmp(it->v[i].s, "~") == 0)
			why_add(w, "%s~ (%s)", i > 0 ? ", " : "", d != NULL ? d : "no usable home");
		else
			why_add(w, "%s%s", i > 0 ? ", " : "", d);
	}
}

/* "alice may not bind /etc: rule at line 4 allows binds only below /srv/a; read-only below /data" */
static void
why_bind(const struct policy_rule *rule, const struct policy_caller *c, const char *who,
    const struct policy_bind *b, struct why_buf *w)
{
	why_add(w, "%s may not bind %s%s: rule at line %u ", who, b->src, b->ro ? " read-only" : "",
	    rule->line);
	if (rule->binds.n == 0 && rule->binds_ro.n == 0) {
		why_add(w, "allows no binds");
		return;
	}
	if (!b->ro && below_any(&rule->binds_ro, c, b->src)) {
		why_add(w, "allows it only read-only (--bind-ro)");
		return;
	}
	if (rule->binds.n > 0) {
		why_add(w, "allows binds only below ");
		why_prefixes(w, &rule->binds, c);
	}
	if (rule->binds_ro.n > 0) {
		why_add(w, "%sread-only binds below ", rule->binds.n > 0 ? "; " : "allows only ");
		why_prefixes(w, &rule->binds_ro, c);
	}
}

bool
mounts_fit(const struct policy_rule *rule, const struct policy_caller *c,
    const struct policy_request *r, const char *who, char *why, size_t why_size,
    struct policy_grant *g)
{
	for (size_t i = 0; i < r->nbinds; i++) {
		const struct policy_bind *b = &r->binds[i];

		/* Read-write needs a `bind` prefix; read-only takes either kind. */
		if (below_any(&rule->binds, c, b->src) ||
		    (b->ro && below_any(&rule->binds_ro, c, b->src)))
			continue;
		why_bind(rule, c, who, b, &(struct why_buf){.buf = why, .size = why_size});
		return false;
	}
	if (r->ephemeral && !rule->ephemeral) {
		(void)snprintf(why, why_size,
		    "%s may not use --ephemeral: rule at line %u does not allow it", who,
		    rule->line);
		return false;
	}
	g->ephemeral = r->ephemeral || rule->ephemeral_only;
	g->ndns = rule->ndns;
	memcpy(g->dns, rule->dns, sizeof(g->dns));
	(void)snprintf(g->search, sizeof(g->search), "%s",
	    rule->search != NULL ? rule->search : "");
	return true;
}
