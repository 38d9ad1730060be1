/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "lex.h"
#include "mounts.h"
#include "parse.h"
#include "path.h"
#include "policy.h"
#include "units.h"
#include "util.h"

/* The whole parse: diagnostics go through fn, the first error's code is kept. */
struct parse_state {
	struct policy *p;
	policy_diag_fn *fn;
	void *userdata;
	int first_r;
};

static void diag(struct parse_state *st, int code, unsigned line, unsigned col, const char *fmt,
    ...) __attribute__((format(printf, 5, 6)));

/* code 0 is a warning; < 0 an error. */
static void
diag(struct parse_state *st, int code, unsigned line, unsigned col, const char *fmt, ...)
{
	struct policy_diag d = {.line = line, .col = col, .warning = code == 0, .code = code};
	va_list ap;

	if (code < 0 && st->first_r == 0)
		st->first_r = code;
	if (st->fn == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(d.msg, sizeof(d.msg), fmt, ap);
	va_end(ap);
	st->fn(&d, st->userdata);
}

static void
items_free(struct policy_items *it)
{
	for (size_t i = 0; i < it->n; i++)
		free(it->v[i].s);
	free(it->v);
}

static void
rule_done(struct policy_rule *r)
{
	items_free(&r->roots);
	items_free(&r->bridges);
	items_free(&r->inits);
	mounts_rule_done(r);
	free(r->who_text);
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_rules; i++)
		rule_done(&p->rules[i]);
	free(p->rules);
	free(p);
}

size_t
policy_rule_count(const struct policy *p)
{
	return p->n_rules;
}

const struct policy_rule *
policy_rule_at(const struct policy *p, size_t i)
{
	return i < p->n_rules ? &p->rules[i] : NULL;
}

bool
parse_who_is_group(const struct policy_rule *rule)
{
	return rule->who == POLICY_WHO_GROUP || rule->who == POLICY_WHO_GID;
}

/*
 * Strict decimal: digits only, no sign, no spaces, no leading zero
 * (strtonum alone would take "+1", " 1" and "007").
 */
static int
parse_num(const char *s, long long min, long long max, long long *ret)
{
	const char *errstr = NULL;
	long long v;
	size_t n = strspn(s, "0123456789");

	if (n == 0 || s[n] != '\0' || (n > 1 && s[0] == '0') || n > 12)
		return -EINVAL;
	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* The largest id: (uid_t)-1 means "no id" to the kernel. */
#define PARSE_MAX_ID 4294967294LL

static int
parse_who(struct parse_state *st, struct policy_rule *r, const struct lex_token *t)
{
	const char *s = t->s;
	long long id;

	r->who_text = strdup(s);
	if (r->who_text == NULL)
		return -ENOMEM;
	r->who = s[0] == ':' ? POLICY_WHO_GROUP : POLICY_WHO_USER;
	r->who_name = r->who_text + (s[0] == ':');
	if (r->who_name[0] == '#') {
		r->who = r->who == POLICY_WHO_GROUP ? POLICY_WHO_GID : POLICY_WHO_UID;
		if (parse_num(r->who_name + 1, 0, PARSE_MAX_ID, &id) < 0) {
			diag(st, -EINVAL, t->line, t->col, "bad numeric id '%.64s' (0..%lld)", s,
			    PARSE_MAX_ID);
			return -EINVAL;
		}
		r->who_id = (uint32_t)id;
		return 0;
	}
	if (!path_name_ok(r->who_name)) {
		diag(st, -EINVAL, t->line, t->col, "bad %s name '%.64s'",
		    r->who == POLICY_WHO_GROUP ? "group" : "user", s);
		return -EINVAL;
	}
	return 0;
}

static int
items_add(struct parse_state *st, struct policy_items *it, const char *what,
    const struct lex_token *kw, const struct lex_token *arg)
{
	struct policy_item *v;

	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].s, arg->s) == 0) {
			diag(st, -EINVAL, arg->line, arg->col, "%s %.64s given twice", what,
			    arg->s);
			return -EINVAL;
		}
	if (it->n >= POLICY_MAX_ITEMS) {
		diag(st, -E2BIG, kw->line, kw->col, "more than %u %s options in one rule",
		    POLICY_MAX_ITEMS, what);
		return -E2BIG;
	}
	v = reallocarray(it->v, it->n + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	it->v = v;
	v[it->n].s = strdup(arg->s);
	if (v[it->n].s == NULL)
		return -ENOMEM;
	v[it->n].col = arg->col;
	it->n++;
	return 0;
}

/* Where each single option was seen (0: not yet), for duplicate and later checks. */
struct parse_seen {
	const struct lex_token *address, *gateway, *max, *userns, *privileged;
	const struct lex_token *memory, *pids, *cpus;
	struct mounts_seen mounts;
	const struct lex_token *exec;
};

static int
opt_path(struct parse_state *st, struct policy_items *it, const char *what, bool glob_ok,
    const struct lex_token *kw, const struct lex_token *arg)
{
	const char *why = path_check(arg->s, glob_ok);

	if (why != NULL) {
		diag(st, -EINVAL, arg->line, arg->col, "%s path '%.64s' %s", what, arg->s, why);
		return -EINVAL;
	}
	return items_add(st, it, what, kw, arg);
}

static int
opt_bridge(struct parse_state *st, struct policy_rule *r, const struct lex_token *kw,
    const struct lex_token *arg)
{
	if (!util_ifname_ok(arg->s)) {
		diag(st, -EINVAL, arg->line, arg->col,
		    "bad bridge name '%.64s' (1 to 15 of A-Z a-z 0-9 _ . -)", arg->s);
		return -EINVAL;
	}
	return items_add(st, &r->bridges, "bridge", kw, arg);
}

static int
opt_address(struct parse_state *st, struct policy_rule *r, const struct lex_token *arg)
{
	if (policy_cidr_parse(arg->s, true, &r->range) < 0) {
		diag(st, -EINVAL, arg->line, arg->col,
		    "bad address range '%.64s' (expected A.B.C.D/PREFIX)", arg->s);
		return -EINVAL;
	}
	if (policy_cidr_parse(arg->s, false, &r->range) < 0) {
		diag(st, -EINVAL, arg->line, arg->col, "address range '%.64s' has host bits set",
		    arg->s);
		return -EINVAL;
	}
	if (r->range.prefix > 30) {
		diag(st, -EINVAL, arg->line, arg->col,
		    "address range '%.64s' has no address to give out (prefix must be 0..30)",
		    arg->s);
		return -EINVAL;
	}
	r->has_range = true;
	return 0;
}

static int
opt_number(struct parse_state *st, const struct lex_token *arg, const char *what, long long min,
    long long max, long long *ret)
{
	if (parse_num(arg->s, min, max, ret) < 0) {
		diag(st, -EINVAL, arg->line, arg->col, "bad %s '%.64s' (%lld..%lld)", what, arg->s,
		    min, max);
		return -EINVAL;
	}
	return 0;
}

/* COUNT >= 65536 so a whole Linux id space fits; never host root; never (uid_t)-1. */
static int
opt_userns(struct parse_state *st, struct policy_rule *r, const struct lex_token *first,
    const struct lex_token *count)
{
	long long f, c;

	if (opt_number(st, first, "userns FIRST", 1, PARSE_MAX_ID, &f) < 0 ||
	    opt_number(st, count, "userns COUNT", 65536, PARSE_MAX_ID, &c) < 0)
		return -EINVAL;
	if (f + c > 4294967295LL) {
		diag(st, -EINVAL, count->line, count->col,
		    "userns range %lld+%lld goes past host id 4294967294", f, c);
		return -EINVAL;
	}
	r->has_userns = true;
	r->userns_first = (uint32_t)f;
	r->userns_count = (uint32_t)c;
	return 0;
}

static bool once(struct parse_state *st, const struct lex_token **seen, const struct lex_token *kw);

void
parse_report(struct parse_state *st, int code, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[POLICY_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag(st, code, line, col, "%s", msg);
}

int
parse_add_item(struct parse_state *st, struct policy_items *it, const char *what,
    const struct lex_token *kw, const struct lex_token *arg)
{
	return items_add(st, it, what, kw, arg);
}

bool
parse_once(struct parse_state *st, const struct lex_token **seen, const struct lex_token *kw)
{
	return once(st, seen, kw);
}

static bool
once(struct parse_state *st, const struct lex_token **seen, const struct lex_token *kw)
{
	if (*seen != NULL) {
		diag(st, -EINVAL, kw->line, kw->col, "duplicate option %s (first at column %u)",
		    kw->s, (*seen)->col);
		return false;
	}
	*seen = kw;
	return true;
}

static int limit_bad(struct parse_state *st, const struct lex_token *kw, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A ceiling's value that does not parse: name the option and what it may be (fmt). */
static int
limit_bad(struct parse_state *st, const struct lex_token *kw, const char *fmt, ...)
{
	char may_be[POLICY_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(may_be, sizeof(may_be), fmt, ap);
	va_end(ap);
	diag(st, -EINVAL, kw[1].line, kw[1].col, "%s must be %.160s, found '%.64s'", kw->s, may_be,
	    kw[1].s);
	return -EINVAL;
}

/*
 * memory SIZE, pids N, cpus N: the ceilings of each container. The values use
 * common/units, the grammar of the frontend's --memory and --cpus, so whatever
 * a user can ask for reads the same here. Each may appear once in a rule.
 */
static int
opt_memory(struct parse_state *st, struct policy_rule *r, struct parse_seen *seen,
    const struct lex_token *kw)
{
	char lo[UNITS_BUF], hi[UNITS_BUF];

	if (!once(st, &seen->memory, kw))
		return -EINVAL;
	if (units_parse_size(kw[1].s, &r->memory) == 0)
		return 0;
	units_format_size(UNITS_SIZE_MIN, lo);
	units_format_size(UNITS_SIZE_MAX, hi);
	return limit_bad(st, kw, "a size such as 512M or 2G (%s to %s)", lo, hi);
}

static int
opt_pids(struct parse_state *st, struct policy_rule *r, struct parse_seen *seen,
    const struct lex_token *kw)
{
	long long v;

	if (!once(st, &seen->pids, kw))
		return -EINVAL;
	if (parse_num(kw[1].s, 1, POLICY_MAX_PIDS, &v) < 0)
		return limit_bad(st, kw, "a number of tasks from 1 to %u", POLICY_MAX_PIDS);
	r->pids = (uint32_t)v;
	return 0;
}

static int
opt_cpus(struct parse_state *st, struct policy_rule *r, struct parse_seen *seen,
    const struct lex_token *kw)
{
	char lo[UNITS_BUF], hi[UNITS_BUF];

	if (!once(st, &seen->cpus, kw))
		return -EINVAL;
	if (units_parse_cpus(kw[1].s, &r->cpus_milli) == 0)
		return 0;
	units_format_cpus(UNITS_CPUS_MIN, lo);
	units_format_cpus(UNITS_CPUS_MAX, hi);
	return limit_bad(st, kw,
	    "a number of CPUs such as 0.5 or 2 (%s to %s, at most two decimals)", lo, hi);
}

/* Number of words an option takes after its keyword; -1: unknown. */
static int
opt_arity(const char *kw)
{
	static const struct {
		const char *name;
		int n;
	} opts[] = {
	    {"root", 1},
	    {"bridge", 1},
	    {"address", 1},
	    {"gateway", 1},
	    {"max", 1},
	    {"init", 1},
	    {"userns", 2},
	    {"privileged", 0},
	    {"memory", 1},
	    {"pids", 1},
	    {"cpus", 1},
	    {"exec", 0},
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(kw, opts[i].name) == 0)
			return opts[i].n;
	return mounts_arity(kw);
}

/* One option whose words are a[0] (keyword) .. a[arity]. */
static int
parse_option(struct parse_state *st, struct policy_rule *r, struct parse_seen *seen,
    const struct lex_token *a)
{
	const char *kw = a[0].s;
	long long v;
	int rm = mounts_option(st, r, &seen->mounts, a);

	if (rm != 1)
		return rm;
	if (strcmp(kw, "root") == 0)
		return opt_path(st, &r->roots, "root", true, &a[0], &a[1]);
	if (strcmp(kw, "bridge") == 0)
		return opt_bridge(st, r, &a[0], &a[1]);
	if (strcmp(kw, "init") == 0)
		return opt_path(st, &r->inits, "init", false, &a[0], &a[1]);
	if (strcmp(kw, "address") == 0)
		return once(st, &seen->address, &a[0]) ? opt_address(st, r, &a[1]) : -EINVAL;
	if (strcmp(kw, "gateway") == 0) {
		if (!once(st, &seen->gateway, &a[0]))
			return -EINVAL;
		if (policy_addr_parse(a[1].s, &r->gateway) < 0) {
			diag(st, -EINVAL, a[1].line, a[1].col, "bad gateway address '%.64s'",
			    a[1].s);
			return -EINVAL;
		}
		r->has_gateway = true;
		return 0;
	}
	if (strcmp(kw, "max") == 0) {
		if (!once(st, &seen->max, &a[0]) ||
		    opt_number(st, &a[1], "max", 1, POLICY_MAX_MAX, &v) < 0)
			return -EINVAL;
		r->max = (unsigned)v;
		return 0;
	}
	if (strcmp(kw, "memory") == 0)
		return opt_memory(st, r, seen, &a[0]);
	if (strcmp(kw, "pids") == 0)
		return opt_pids(st, r, seen, &a[0]);
	if (strcmp(kw, "cpus") == 0)
		return opt_cpus(st, r, seen, &a[0]);
	if (strcmp(kw, "exec") == 0) {
		r->exec = true;
		return once(st, &seen->exec, &a[0]) ? 0 : -EINVAL;
	}
	if (seen->userns != NULL || seen->privileged != NULL) {
		const struct lex_token *prev =
		    seen->userns != NULL ? seen->userns : seen->privileged;

		diag(st, -EINVAL, a[0].line, a[0].col, "%s conflicts with %s at column %u", kw,
		    prev->s, prev->col);
		return -EINVAL;
	}
	if (strcmp(kw, "userns") == 0) {
		seen->userns = &a[0];
		return opt_userns(st, r, &a[1], &a[2]);
	}
	seen->privileged = &a[0];
	r->privileged = true;
	return 0;
}

static int
parse_options(struct parse_state *st, struct policy_rule *r, struct parse_seen *seen,
    const struct lex_line *l)
{
	int r2;

	for (size_t i = 2; i < l->n;) {
		const struct lex_token *kw = &l->tok[i];
		int n = opt_arity(kw->s);

		if (n < 0) {
			diag(st, -EINVAL, kw->line, kw->col, "unknown option '%.64s'", kw->s);
			return -EINVAL;
		}
		if (r->deny && strcmp(kw->s, "root") != 0) {
			diag(st, -EINVAL, kw->line, kw->col,
			    "a deny rule takes no option but root (found %s)", kw->s);
			return -EINVAL;
		}
		if (l->n - i - 1 < (size_t)n) {
			diag(st, -EINVAL, kw->line, kw->col, "%s needs %s", kw->s,
			    n == 2 ? "FIRST COUNT" : "a value");
			return -EINVAL;
		}
		r2 = parse_option(st, r, seen, kw);
		if (r2 < 0)
			return r2;
		i += (size_t)n + 1;
	}
	return 0;
}

static bool
same_who(const struct policy_rule *a, const struct policy_rule *b)
{
	if (a->who != b->who)
		return false;
	if (a->who == POLICY_WHO_UID || a->who == POLICY_WHO_GID)
		return a->who_id == b->who_id;
	return strcmp(a->who_name, b->who_name) == 0;
}

/*
 * A root under a userns rule is written by container root as host uid 0
 * (id-mapped): setuid files, a new /sbin/init. If a privileged rule allows
 * the same tree (or one nesting with it), host root would later run what a
 * userns container planted there (issue 10, F1). Refuse the policy instead.
 */
static int
check_mixed_roots(struct parse_state *st, const struct policy_rule *r)
{
	for (size_t i = 0; i < st->p->n_rules; i++) {
		const struct policy_rule *o = &st->p->rules[i];

		if (o->deny || o->privileged == r->privileged)
			continue;
		for (size_t j = 0; j < r->roots.n; j++)
			for (size_t k = 0; k < o->roots.n; k++) {
				const struct policy_item *a = &r->roots.v[j], *b = &o->roots.v[k];

				if (!path_trees_overlap(a->s, b->s))
					continue;
				diag(st, -EINVAL, r->line, a->col,
				    "root %.48s overlaps %.48s of the %s rule at line %u: files a "
				    "userns container plants there would run as host root",
				    a->s, b->s, o->privileged ? "privileged" : "userns", o->line);
				return -EINVAL;
			}
	}
	return 0;
}

/* Checks that need the whole rule, or the rules before it. */
static int
check_rule(struct parse_state *st, const struct policy_rule *r, const struct parse_seen *seen,
    const struct lex_token *t0)
{
	if (r->deny)
		return 0;
	if (r->roots.n == 0) {
		diag(st, -EINVAL, t0->line, t0->col, "a permit rule needs at least one root");
		return -EINVAL;
	}
	if (!r->has_userns && !r->privileged) {
		diag(st, -EINVAL, t0->line, t0->col,
		    "a permit rule needs userns FIRST COUNT or privileged");
		return -EINVAL;
	}
	if (r->has_gateway) {
		const struct lex_token *g = seen->gateway;

		if (!r->has_range) {
			diag(st, -EINVAL, g->line, g->col, "gateway needs an address range");
			return -EINVAL;
		}
		if (!policy_cidr_contains(&r->range, r->gateway) ||
		    cidr_is_edge(&r->range, r->gateway)) {
			diag(st, -EINVAL, g[1].line, g[1].col,
			    "gateway %s is not a host address inside the address range", g[1].s);
			return -EINVAL;
		}
	}
	if (check_mixed_roots(st, r) < 0)
		return -EINVAL;
	for (size_t i = 0; r->has_userns && i < st->p->n_rules; i++) {
		const struct policy_rule *o = &st->p->rules[i];
		uint64_t a0 = r->userns_first, a1 = a0 + r->userns_count;
		uint64_t b0 = o->userns_first, b1 = b0 + o->userns_count;

		if (o->has_userns && !same_who(r, o) && a0 < b1 && b0 < a1) {
			diag(st, -EINVAL, seen->userns->line, seen->userns->col,
			    "userns range overlaps the one of rule at line %u (for %.64s)", o->line,
			    o->who_text);
			return -EINVAL;
		}
	}
	return 0;
}

static int
rules_append(struct policy *p, struct policy_rule *r)
{
	struct policy_rule *v = reallocarray(p->rules, p->n_rules + 1, sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	p->rules = v;
	v[p->n_rules++] = *r;
	*r = (struct policy_rule){0};
	return 0;
}

static void
warn_rule(struct parse_state *st, const struct policy_rule *r, const struct parse_seen *seen,
    const struct lex_token *t0)
{
	if (!r->deny && r->memory == 0)
		diag(st, 0, t0->line, t0->col,
		    "permit rule sets no memory ceiling: one of its containers can use all of the "
		    "host's memory (add memory SIZE)");
	if (r->exec && !r->privileged)
		diag(st, 0, seen->exec->line, seen->exec->col,
		    "exec changes nothing under userns (cnspawn exec is allowed there anyway)");
	if (!r->privileged)
		return;
	if (parse_who_is_group(r))
		diag(st, 0, seen->privileged->line, seen->privileged->col,
		    "privileged gives every member of group %.64s root on the host",
		    r->who_text + 1);
	else
		diag(st, 0, seen->privileged->line, seen->privileged->col,
		    "privileged gives %.64s root on the host (container root is host root); "
		    "prefer userns FIRST COUNT",
		    r->who_text);
}

/* Parse one logical line into a rule; errors are reported, the rule kept only when clean. */
static int
parse_line(struct parse_state *st, const struct lex_line *l)
{
	struct policy_rule r = {.line = l->tok[0].line};
	struct parse_seen seen = {0};
	const struct lex_token *t0 = &l->tok[0];
	int rr;

	if (strcmp(t0->s, "permit") != 0 && strcmp(t0->s, "deny") != 0) {
		diag(st, -EINVAL, t0->line, t0->col, "expected permit or deny, found '%.64s'",
		    t0->s);
		return -EINVAL;
	}
	r.deny = t0->s[0] == 'd';
	if (l->n < 2) {
		diag(st, -EINVAL, t0->line, t0->col, "%s needs a user or :group", t0->s);
		return -EINVAL;
	}
	rr = parse_who(st, &r, &l->tok[1]);
	if (rr >= 0)
		rr = parse_options(st, &r, &seen, l);
	if (rr >= 0)
		rr = check_rule(st, &r, &seen, t0);
	if (rr >= 0) {
		warn_rule(st, &r, &seen, t0);
		rr = rules_append(st->p, &r);
	}
	rule_done(&r);
	return rr;
}

static void
first_error(const struct policy_diag *d, void *userdata)
{
	struct policy_error *e = userdata;

	if (d->warning || e == NULL || e->msg[0] != '\0')
		return;
	e->line = d->line;
	e->col = d->col;
	(void)snprintf(e->msg, sizeof(e->msg), "%s", d->msg);
}

static int
parse_text(struct parse_state *st, const char *text, size_t len)
{
	struct lex_line l = {0};
	struct policy_error e;
	struct lex lx;
	int r;

	r = lex_line_init(&l);
	if (r < 0)
		return r;
	lex_init(&lx, text, len);
	for (;;) {
		r = lex_next(&lx, &l, &e);
		if (r == 0)
			break;
		if (r < 0) {
			diag(st, r, e.line, e.col, "%s", e.msg);
			continue;
		}
		if (st->p->n_rules >= POLICY_MAX_RULES) {
			diag(st, -E2BIG, l.tok[0].line, l.tok[0].col, "more than %u rules",
			    POLICY_MAX_RULES);
			break;
		}
		r = parse_line(st, &l);
		if (r == -ENOMEM)
			break;
	}
	lex_line_done(&l);
	return r == -ENOMEM ? r : 0;
}

int
policy_parse_all(const char *text, size_t len, struct policy **ret, policy_diag_fn *fn,
    void *userdata)
{
	struct parse_state st = {.fn = fn, .userdata = userdata};
	int r;

	if (len > POLICY_MAX_FILE) {
		diag(&st, -E2BIG, 0, 0, "file larger than %u bytes", POLICY_MAX_FILE);
		return -E2BIG;
	}
	if (text == NULL && len > 0)
		return -EINVAL;
	st.p = calloc(1, sizeof(*st.p));
	if (st.p == NULL)
		return -ENOMEM;
	r = parse_text(&st, text, len);
	if (r == 0)
		r = st.first_r;
	if (r < 0) {
		policy_free(st.p);
		return r;
	}
	*ret = st.p;
	return 0;
}

int
policy_parse(const char *text, size_t len, struct policy **ret, struct policy_error *reterr_err)
{
	if (reterr_err != NULL)
		*reterr_err = (struct policy_error){0};
	return policy_parse_all(text, len, ret, first_error, reterr_err);
}
