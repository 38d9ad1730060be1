/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "names.h"
#include "policy.h"
#include "request.h"
#include "units.h"
#include "util.h"

static int
parse_address(const char *s, struct request_plan *p)
{
	struct policy_cidr c;

	if (s[0] == '\0')
		return 0;
	if (strchr(s, '/') != NULL) {
		if (policy_cidr_parse(s, true, &c) < 0)
			return -EINVAL;
		p->address = c.addr;
		p->prefix = c.prefix;
	} else if (policy_addr_parse(s, &p->address) < 0)
		return -EINVAL;
	p->has_address = true;
	return 0;
}

/* Only allow-listed NAME=value entries, each at most once, printable and short. */
static int
build_env(const struct ipc_strv *env, struct request_plan *p)
{
	size_t n = 0;
	bool seen[IPC_ENV_N] = {false};

	p->envp[n++] = strdup("container=cnspawn");
	p->envp[n++] = strdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (size_t i = 0; i < env->n; i++) {
		int k = ipc_env_check(env->v[i]);
		if (k < 0 || seen[k])
			return -EINVAL;
		seen[k] = true;
		p->envp[n++] = strdup(env->v[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (p->envp[i] == NULL)
			return -ENOMEM;
	return 0;
}

static int
build_argv(const struct ipc_strv *args, struct request_plan *p)
{
	p->argv = reallocarray(NULL, args->n + 2, sizeof(char *));
	if (p->argv == NULL)
		return -ENOMEM;
	p->argv[0] = (char *)(uintptr_t)p->init;
	for (size_t i = 0; i < args->n; i++)
		p->argv[i + 1] = args->v[i];
	p->argv[args->n + 1] = NULL;
	return 0;
}

_Static_assert(IPC_MAX_BINDS == POLICY_MAX_BINDS, "the wire and the policy bound binds alike");

/* Is a[0..] the path b or a directory above it (both canonical)? */
static bool
path_at_or_above(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

/*
 * Syntax only (the policy decides permission, binds.c looks at the paths):
 * canonical paths, DST not /, /dev, /proc, /sys or below, and no DST at or
 * below another's, so no bind is ever made, nor a directory created, inside
 * another bind (the caller's host directory).
 */
static int
check_binds(const struct ipc_binds *b, struct request_plan *p)
{
	if (b->n > POLICY_MAX_BINDS)
		return -EINVAL;
	for (size_t i = 0; i < b->n; i++) {
		const struct ipc_bind *e = &b->v[i];

		if (policy_bind_check(e->src, e->dst) != NULL)
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (path_at_or_above(b->v[j].dst, e->dst) ||
			    path_at_or_above(e->dst, b->v[j].dst))
				return -EINVAL;
		p->binds[i] = (struct policy_bind){.src = e->src, .dst = e->dst, .ro = e->ro != 0};
	}
	p->nbinds = b->n;
	return 0;
}

static int
check_mounts(const struct ipc_start *s, struct request_plan *p, const char **ret_what)
{
	*ret_what = "bind (SRC and DST canonical absolute paths, DST not /, /dev, /proc, /sys "
	            "or below them, and no DST at or below another)";
	if (check_binds(&s->binds, p) < 0)
		return -EINVAL;
	*ret_what = "hostname (1-64 of A-Z a-z 0-9 _ . -, starting alphanumeric)";
	if (s->hostname[0] != '\0' &&
	    (ipc_name_check(s->hostname) < 0 ||
	        strlcpy(p->hostname, s->hostname, sizeof(p->hostname)) >= sizeof(p->hostname)))
		return -EINVAL;
	p->ephemeral = (s->flags & IPC_F_EPHEMERAL) != 0;
	p->no_resolv_conf = (s->flags & IPC_F_NO_RESOLV_CONF) != 0;
	p->machine_given = s->machine[0] != '\0';
	return 0;
}

int
request_plan_ephemeral_name(struct request_plan *p)
{
	uint32_t rnd;
	char name[HELPER_NAME_MAX + 1];

	if (p->machine_given)
		return 0;
	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	/* The root's name (already checked) cut to leave room for "-" and 8 digits. */
	(void)snprintf(name, sizeof(name), "%.*s-%08x", HELPER_NAME_MAX - 9, p->machine,
	    (unsigned)rnd);
	if (ipc_name_check(name) < 0)
		return -EINVAL;
	memcpy(p->machine, name, sizeof(name));
	return 0;
}

int
request_plan_new(const struct ipc_start *s, struct request_plan *ret, struct fail *f)
{
	struct request_plan p = {.prefix = -1};
	const char *what;
	int r;

	p.root = s->root;
	p.bridge = s->bridge;
	p.init = s->init[0] != '\0' ? s->init : REQUEST_DEFAULT_INIT;
	p.rows = s->rows;
	p.cols = s->cols;
	/* The root is written into the state entry (one key=value a line) and shown by
	 * `cnspawn list` to root: a newline would forge entry lines, an escape
	 * sequence would reach the administrator's terminal. */
	what = "root directory (a path without control characters)";
	for (const char *c = s->root; *c != '\0'; c++)
		if (iscntrl((unsigned char)*c))
			goto fail;
	what = IPC_NAME_RULE;
	if (s->root[0] != '/' ||
	    ipc_name_of_start(s->root, s->machine, p.machine, sizeof(p.machine)) < 0)
		goto fail;
	what = "address (A.B.C.D or A.B.C.D/PREFIX)";
	if (parse_address(s->address, &p) < 0)
		goto fail;
	what = "gateway (A.B.C.D)";
	if (s->gateway[0] != '\0') {
		if (policy_addr_parse(s->gateway, &p.gateway) < 0)
			goto fail;
		p.has_gateway = true;
	}
	what = "memory ceiling (a size from 1M to 1024T)";
	if (s->memory != 0 && (s->memory < UNITS_SIZE_MIN || s->memory > UNITS_SIZE_MAX))
		goto fail;
	what = "pids ceiling (1 to 4194304 tasks)";
	if (s->pids > POLICY_MAX_PIDS)
		goto fail;
	what = "cpus ceiling (0.01 to 1024 CPUs)";
	if (s->cpus_milli != 0 &&
	    (s->cpus_milli < UNITS_CPUS_MIN || s->cpus_milli > UNITS_CPUS_MAX))
		goto fail;
	p.memory = s->memory;
	p.pids = s->pids;
	p.cpus_milli = s->cpus_milli;
	if (check_mounts(s, &p, &what) < 0)
		goto fail;
	what = "environment (only TERM, COLORTERM, NO_COLOR)";
	r = build_env(&s->env, &p);
	if (r == 0)
		r = build_argv(&s->argv, &p);
	if (r < 0) {
		request_plan_done(&p);
		return r == -ENOMEM ? r : fail_say(f, -EINVAL, "invalid %s", what);
	}
	*ret = p;
	return 0;
fail:
	request_plan_done(&p);
	return fail_say(f, -EINVAL, "invalid %s", what);
}

struct policy_request
request_plan_ask(const struct request_plan *p)
{
	return (struct policy_request){.root = p->root,
	    .bridge = p->bridge,
	    .has_address = p->has_address,
	    .address = p->address,
	    .prefix = p->prefix,
	    .has_gateway = p->has_gateway,
	    .gateway = p->gateway,
	    .init = p->init,
	    .memory = p->memory,
	    .pids = p->pids,
	    .cpus_milli = p->cpus_milli,
	    .binds = p->binds,
	    .nbinds = p->nbinds,
	    .ephemeral = p->ephemeral};
}

void
request_plan_done(struct request_plan *p)
{
	for (size_t i = 0; i < ELEMENTSOF(p->envp); i++) {
		free(p->envp[i]);
		p->envp[i] = NULL;
	}
	free(p->argv);
	p->argv = NULL;
}
