/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for what the setuid helper does with the caller's bytes
 * before any side effect: decode one packet (ipc), turn a START into a
 * plan (helper/request.c), and decide it against a fixed policy parsed
 * once (policy/), as helper/main.c does. Input: one packet.
 * Invariants: a permitted request names a valid machine, a root without
 * control characters, and yields a state entry (helper/statefile.c) that
 * formats and parses back: what the helper permits it can also record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "names.h"
#include "policy.h"
#include "request.h"
#include "statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char policy_text[] =
    "permit fuzz root /m/* root /srv/web bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 "
    "max 2 init /sbin/init init /bin/sh privileged\n"
    "permit :fuzzers root /u/* bridge br0 bridge br1 address 198.18.1.0/24 \\\n"
    "    userns 200000 65536\n"
    "deny fuzz root /m/secret\n"
    "permit #1000 root /n/* bridge br0 address 198.18.2.0/28 init /bin/sh privileged\n";

static const gid_t groups[] = {1001, 1002};
static const char *const group_names[] = {"fuzz", "fuzzers", NULL};
static const struct policy_caller caller = {.uid = 1000,
    .gid = 1000,
    .groups = groups,
    .ngroups = 2,
    .name = "fuzz",
    .group_names = group_names};

static const struct policy *
fixed_policy(void)
{
	static struct policy *p;
	struct policy_error err;

	if (p == NULL && policy_parse(policy_text, sizeof(policy_text) - 1, &p, &err) < 0)
		abort();
	return p;
}

/* What reserve.c records for a permitted plan, written and read back. */
static void
check_entry(const struct request_plan *plan, const struct policy_decision *d)
{
	static struct state_entry e, back;
	static char buf[STATEFILE_MAX];
	int n;

	memset(&e, 0, sizeof(e));
	if (strlcpy(e.name, plan->machine, sizeof(e.name)) >= sizeof(e.name) ||
	    strlcpy(e.bridge, plan->bridge, sizeof(e.bridge)) >= sizeof(e.bridge) ||
	    strlcpy(e.root, plan->root, sizeof(e.root)) >= sizeof(e.root) ||
	    strlcpy(e.init, plan->init, sizeof(e.init)) >= sizeof(e.init))
		abort();
	(void)strlcpy(e.veth, "ve-fuzz", sizeof(e.veth));
	e.uid = caller.uid;
	e.monitor_pid = e.init_pid = 4242;
	e.monitor_start = 987654;
	e.address = plan->has_address ? plan->address : d->grant.range.addr;
	e.prefix = d->grant.range.prefix;
	e.has_gateway = plan->has_gateway;
	e.gateway = plan->gateway;
	e.rule = d->line;
	e.memory = plan->memory;
	e.pids = plan->pids;
	e.cpus_milli = plan->cpus_milli;
	if (!d->grant.privileged) {
		e.userns_first = d->grant.userns_first;
		e.userns_count = d->grant.userns_count;
	}
	n = statefile_format(&e, buf, sizeof(buf));
	if (n < 0 || statefile_parse(buf, (size_t)n, &back) < 0 ||
	    strcmp(back.root, plan->root) != 0 || strcmp(back.init, plan->init) != 0)
		abort();
}

static void
decide(const struct request_plan *plan)
{
	struct policy_request rq = request_plan_ask(plan);
	struct policy_decision d;

	if (policy_evaluate(fixed_policy(), &caller, &rq, &d) < 0 || !d.permit)
		return;
	if (d.line == 0 || ipc_name_check(plan->machine) < 0 || plan->root[0] != '/')
		abort();
	for (const char *c = plan->root; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			abort();
	check_entry(plan, &d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipc_msg m;
	struct request_plan plan;
	struct fail f = {0};

	if (ipc_decode(data, size, 0, &m) < 0)
		return 0;
	if (m.type == IPC_T_START && request_plan_new(&m.start, &plan, &f) == 0) {
		decide(&plan);
		request_plan_done(&plan);
	}
	ipc_msg_done(&m);
	return 0;
}
