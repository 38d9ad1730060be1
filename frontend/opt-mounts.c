/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "ipc.h"
#include "names.h"
#include "opt-mounts.h"
#include "policy.h"
#include "report.h"

/*
 * SRC[:DST] as systemd-nspawn writes it; DST defaults to SRC. Paths go as
 * written (no realpath): the helper refuses a symlink on the way and the
 * policy takes canonical paths only, so say so here first.
 */
static int
parse_bind(struct start_options *o, bool ro, char *arg)
{
	const char *opt = ro ? "--bind-ro" : "--bind";
	char *colon = strchr(arg, ':');
	const char *why;
	struct ipc_bind *b;

	if (o->nbinds >= IPC_MAX_BINDS)
		return report_fail("too many --bind and --bind-ro options (at most %u)",
		    IPC_MAX_BINDS);
	if (colon != NULL && strchr(colon + 1, ':') != NULL)
		return report_fail("invalid %s '%s' (SRC[:DST]; a path with ':' cannot be bound)",
		    opt, arg);
	b = &o->binds[o->nbinds];
	b->src = arg;
	b->dst = arg;
	if (colon != NULL) {
		*colon = '\0';
		b->dst = colon + 1;
	}
	if (strlen(b->src) >= IPC_MAX_STR || strlen(b->dst) >= IPC_MAX_STR)
		return report_fail("invalid %s: a path is too long", opt);
	why = policy_bind_check(b->src, "/mnt");
	if (why != NULL)
		return report_fail("invalid %s source '%s': it %s (an absolute path without //, . "
		                   "or .. components)",
		    opt, b->src, why);
	why = policy_bind_check(b->src, b->dst);
	if (why != NULL)
		return report_fail("invalid %s destination '%s': it %s", opt, b->dst, why);
	b->ro = ro ? 1 : 0;
	o->nbinds++;
	return 0;
}

int
opt_mounts_parse(struct start_options *o, int c, char *arg)
{
	switch (c) {
	case OPT_BIND:
	case OPT_BIND_RO:
		return parse_bind(o, c == OPT_BIND_RO, arg);
	case 'x':
		o->ephemeral = true;
		return 0;
	case OPT_RESOLV_CONF:
		if (strcmp(arg, "off") != 0 && strcmp(arg, "auto") != 0)
			return report_fail("invalid --resolv-conf '%s' (off or auto)", arg);
		o->no_resolv_conf = strcmp(arg, "off") == 0;
		return 0;
	case OPT_HOSTNAME:
		/* The machine name's rule (ipc/names.h): the helper applies it again. */
		if (ipc_name_check(arg) < 0)
			return report_fail("invalid --hostname: %s", IPC_NAME_RULE);
		o->hostname = arg;
		return 0;
	default:
		return 1;
	}
}
