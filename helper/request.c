/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	    .cpus_milli = p->cpus_milli};
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
