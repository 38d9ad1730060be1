/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "eval.h"
#include "mounts.h"
#include "parse.h"
#include "path.h"
#include "policy.h"
#include "units.h"
#include "util.h"

bool
policy_rule_applies(const struct policy_rule *rule, const struct policy_caller *c)
{
	switch (rule->who) {
	case POLICY_WHO_USER:
		return c->name != NULL && strcmp(c->name, rule->who_name) == 0;
	case POLICY_WHO_UID:
		return c->uid == rule->who_id;
	case POLICY_WHO_GID:
		if (c->gid == rule->who_id)
			return true;
		for (size_t i = 0; i < c->ngroups; i++)
			if (c->groups[i] == rule->who_id)
				return true;
		return false;
	case POLICY_WHO_GROUP:
		for (size_t i = 0; c->group_names != NULL && c->group_names[i] != NULL; i++)
			if (strcmp(c->group_names[i], rule->who_name) == 0)
				return true;
		return false;
	default:
		return false;
	}
}

int
policy_check_count(const struct policy_grant *g, unsigned current)
{
	if (g == NULL)
		return -EINVAL;
	if (g->max == 0 || current < g->max)
		return 0;
	return -EUSERS;
}

/* One reason being written; truncation ends it in "..." rather than failing. */
struct eval_msg {
	char *buf;
	size_t len, used;
};

static void msg_add(struct eval_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
msg_add(struct eval_msg *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->used + 1 >= m->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->used, m->len - m->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= m->len - m->used) {
		m->used = m->len - 1;
		if (m->len >= 4)
			memcpy(m->buf + m->len - 4, "...", 4);
		return;
	}
	m->used += (size_t)n;
}

static void
msg_items(struct eval_msg *m, const struct policy_items *it, const char *def)
{
	if (it->n == 0) {
		msg_add(m, "%s", def);
		return;
	}
	for (size_t i = 0; i < it->n; i++)
		msg_add(m, "%s%s", i > 0 ? ", " : "", it->v[i].s);
}

static bool
items_match(const struct policy_items *it, const char *s, bool paths)
{
	for (size_t i = 0; i < it->n; i++)
		if (paths ? path_matches(it->v[i].s, s) : strcmp(it->v[i].s, s) == 0)
			return true;
	return false;
}

/* The evaluation of one request: caller name for messages, and the init asked for. */
struct eval_ctx {
	const struct policy_caller *c;
	const struct policy_request *r;
	const char *who;
	const char *init;
};

static void
why_start(struct eval_msg *m, const struct eval_ctx *x, const char *what, const char *val,
    unsigned line)
{
	msg_add(m, "%s may not use %s %s: rule at line %u ", x->who, what, val, line);
}

/* Fits the network part of the request; fills the grant's range and gateway. */
static bool
net_fits(const struct policy_rule *rule, const struct eval_ctx *x, struct eval_msg *m,
    struct policy_grant *g)
{
	const struct policy_request *r = x->r;
	char a[16], b[16];

	if (r->bridge == NULL)
		return true;
	if (!items_match(&rule->bridges, r->bridge, false)) {
		why_start(m, x, "bridge", r->bridge, rule->line);
		msg_add(m, rule->bridges.n > 0 ? "allows only " : "allows ");
		msg_items(m, &rule->bridges, "no bridge");
		return false;
	}
	if (!rule->has_range) {
		why_start(m, x, "bridge", r->bridge, rule->line);
		msg_add(m, "gives no address range");
		return false;
	}
	g->has_range = true;
	g->range = rule->range;
	g->has_gateway = rule->has_gateway || r->has_gateway;
	g->gateway = rule->has_gateway ? rule->gateway : r->gateway;
	if (r->has_gateway) {
		cidr_addr_str(r->gateway, a, sizeof(a));
		if (rule->has_gateway && rule->gateway.s_addr != r->gateway.s_addr) {
			why_start(m, x, "gateway", a, rule->line);
			msg_add(m, "allows only %s", cidr_addr_str(rule->gateway, b, sizeof(b)));
			return false;
		}
		if (!policy_cidr_contains(&rule->range, r->gateway) ||
		    cidr_is_edge(&rule->range, r->gateway)) {
			why_start(m, x, "gateway", a, rule->line);
			msg_add(m, "allows only host addresses in %s/%u",
			    cidr_addr_str(rule->range.addr, b, sizeof(b)), rule->range.prefix);
			return false;
		}
	}
	if (!r->has_address)
		return true;
	cidr_addr_str(r->address, a, sizeof(a));
	cidr_addr_str(rule->range.addr, b, sizeof(b));
	if (!policy_cidr_contains(&rule->range, r->address)) {
		why_start(m, x, "address", a, rule->line);
		msg_add(m, "allows only %s/%u", b, rule->range.prefix);
		return false;
	}
	if (r->prefix >= 0 && r->prefix != rule->range.prefix) {
		why_start(m, x, "address", a, rule->line);
		msg_add(m, "allows only prefix /%u", rule->range.prefix);
		return false;
	}
	if (cidr_is_edge(&rule->range, r->address) ||
	    (g->has_gateway && g->gateway.s_addr == r->address.s_addr)) {
		why_start(m, x, "address", a, rule->line);
		msg_add(m, "never gives out the network, broadcast or gateway address of %s/%u", b,
		    rule->range.prefix);
		return false;
	}
	return true;
}

/* "alice may not ask for memory 2G: rule at line 4 allows at most 1G" */
static void
why_limit(struct eval_msg *m, const struct eval_ctx *x, const char *what, const char *asked,
    unsigned line, const char *most, bool dflt)
{
	msg_add(m, "%s may not ask for %s %s: rule at line %u allows at most %s%s", x->who, what,
	    asked, line, most, dflt ? " (the default)" : "");
}

/*
 * The ceilings: a user may ask for less than the rule's, never more, and may
 * set one where the rule sets none (except pids, which always has one: the
 * rule's, else POLICY_DEFAULT_PIDS). Fills the grant's ceilings.
 */
static bool
limits_fit(const struct policy_rule *rule, const struct eval_ctx *x, struct eval_msg *m,
    struct policy_grant *g)
{
	const struct policy_request *r = x->r;
	uint32_t pids = rule->pids != 0 ? rule->pids : POLICY_DEFAULT_PIDS;
	char a[UNITS_BUF], b[UNITS_BUF];

	if (rule->memory != 0 && r->memory > rule->memory) {
		units_format_size(r->memory, a);
		units_format_size(rule->memory, b);
		why_limit(m, x, "memory", a, rule->line, b, false);
		return false;
	}
	if (r->pids > pids) {
		(void)snprintf(a, sizeof(a), "%u", r->pids);
		(void)snprintf(b, sizeof(b), "%u", pids);
		why_limit(m, x, "pids", a, rule->line, b, rule->pids == 0);
		return false;
	}
	if (rule->cpus_milli != 0 && r->cpus_milli > rule->cpus_milli) {
		units_format_cpus(r->cpus_milli, a);
		units_format_cpus(rule->cpus_milli, b);
		why_limit(m, x, "cpus", a, rule->line, b, false);
		return false;
	}
	g->memory = r->memory != 0 ? r->memory : rule->memory;
	g->pids = r->pids != 0 ? r->pids : pids;
	g->cpus_milli = r->cpus_milli != 0 ? r->cpus_milli : rule->cpus_milli;
	return true;
}

/* Binds and ephemeral (mounts.c); fills the grant's ephemeral, dns and search. */
static bool
binds_fit(const struct policy_rule *rule, const struct eval_ctx *x, struct eval_msg *m,
    struct policy_grant *g)
{
	char why[POLICY_MSG_MAX] = "";

	if (mounts_fit(rule, x->c, x->r, x->who, why, sizeof(why), g))
		return true;
	msg_add(m, "%s", why);
	return false;
}

/* Does the permit rule allow everything asked? If not, m says why. */
static bool
permit_fits(const struct policy_rule *rule, const struct eval_ctx *x, struct eval_msg *m,
    struct policy_grant *g)
{
	static const struct policy_items no_items;

	if (!items_match(&rule->roots, x->r->root, true)) {
		why_start(m, x, "root", x->r->root, rule->line);
		msg_add(m, "allows only ");
		msg_items(m, &rule->roots, "");
		return false;
	}
	if (rule->inits.n > 0 ? !items_match(&rule->inits, x->init, false)
	                      : strcmp(x->init, "/sbin/init") != 0) {
		why_start(m, x, "init", x->init, rule->line);
		msg_add(m, "allows only ");
		msg_items(m, rule->inits.n > 0 ? &rule->inits : &no_items, "/sbin/init");
		return false;
	}
	*g = (struct policy_grant){.max = rule->max,
	    .privileged = rule->privileged,
	    .exec = rule->exec || !rule->privileged,
	    .userns_first = rule->userns_first,
	    .userns_count = rule->userns_count};
	if (!net_fits(rule, x, m, g) || !limits_fit(rule, x, m, g))
		return false;
	return binds_fit(rule, x, m, g);
}

static int
check_request(const struct policy_request *r)
{
	if (r->root == NULL || path_check(r->root, false) != NULL)
		return -EINVAL;
	if (r->init != NULL && path_check(r->init, false) != NULL)
		return -EINVAL;
	if (r->bridge != NULL && !util_ifname_ok(r->bridge))
		return -EINVAL;
	/* An address or gateway only makes sense on a bridge. */
	if (r->bridge == NULL && (r->has_address || r->has_gateway))
		return -EINVAL;
	if (r->prefix < -1 || r->prefix > 32 || (r->prefix >= 0 && !r->has_address))
		return -EINVAL;
	/* A ceiling asked for is one the frontend's flags can spell (common/units). */
	if (r->memory != 0 && (r->memory < UNITS_SIZE_MIN || r->memory > UNITS_SIZE_MAX))
		return -EINVAL;
	if (r->pids > POLICY_MAX_PIDS || mounts_check_request(r) < 0)
		return -EINVAL;
	if (r->cpus_milli != 0 &&
	    (r->cpus_milli < UNITS_CPUS_MIN || r->cpus_milli > UNITS_CPUS_MAX ||
	        r->cpus_milli % 10 != 0))
		return -EINVAL;
	return 0;
}

int
policy_evaluate(const struct policy *p, const struct policy_caller *c,
    const struct policy_request *r, struct policy_decision *ret)
{
	struct policy_decision d = {0};
	struct eval_msg m = {.buf = d.reason, .len = sizeof(d.reason)};
	char fail[POLICY_MSG_MAX] = "", tmp[POLICY_MSG_MAX], uidbuf[32];
	struct eval_ctx x = {.c = c, .r = r};
	unsigned fail_line = 0;
	bool fail_root_ok = false;

	if (p == NULL || c == NULL || r == NULL || ret == NULL || check_request(r) < 0 ||
	    (c->ngroups > 0 && c->groups == NULL))
		return -EINVAL;
	x.init = r->init != NULL ? r->init : "/sbin/init";
	x.who = c->name;
	if (x.who == NULL) {
		(void)snprintf(uidbuf, sizeof(uidbuf), "uid %u", (unsigned)c->uid);
		x.who = uidbuf;
	}
	/* Last match wins: walk backwards and stop at the first rule that matches. */
	for (size_t i = p->n_rules; i-- > 0;) {
		const struct policy_rule *rule = &p->rules[i];
		struct eval_msg fm = {.buf = tmp, .len = sizeof(tmp)};

		if (!policy_rule_applies(rule, c))
			continue;
		if (rule->deny) {
			if (rule->roots.n > 0 && !items_match(&rule->roots, r->root, true))
				continue;
			d.line = rule->line;
			msg_add(&m, "%s is denied by rule at line %u", x.who, rule->line);
			*ret = d;
			return 0;
		}
		if (permit_fits(rule, &x, &fm, &d.grant)) {
			d.permit = true;
			d.line = rule->line;
			msg_add(&m, "permitted by rule at line %u", rule->line);
			*ret = d;
			return 0;
		}
		/* The rule that explains a refusal: the last (in file order) that
		 * allowed the root, since it came closest; else the last that failed. */
		bool root_ok = items_match(&rule->roots, r->root, true);
		if (fail_line == 0 || (root_ok && !fail_root_ok)) {
			fail_line = rule->line;
			fail_root_ok = root_ok;
			memcpy(fail, tmp, sizeof(fail));
		}
	}
	d.grant = (struct policy_grant){0};
	d.line = fail_line;
	if (fail_line > 0)
		msg_add(&m, "%s", fail);
	else
		msg_add(&m, "no rule permits %s", x.who);
	*ret = d;
	return 0;
}
