/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
evaluate(const struct policy *p, const struct policy_caller *c, const char *root,
    const char *bridge, bool addr, bool limits)
{
	struct policy_request r = {.root = root, .bridge = bridge, .prefix = -1};
	struct policy_decision d;
	struct in_addr a, used[2];

	if (limits) {
		/* the ceilings: 1G, 5000 tasks (above the default), half a CPU */
		r.memory = 1ull << 30;
		r.pids = 5000;
		r.cpus_milli = 500;
	}
	if (addr) {
		r.has_address = true;
		r.address.s_addr = htonl(0xc6120005u); /* 198.18.0.5 */
	}
	if (policy_evaluate(p, c, &r, &d) != 0 || !d.permit)
		return;
	/* a grant never exceeds what was asked, and always limits the tasks */
	if (d.grant.pids == 0 ||
	    (limits &&
	        (d.grant.memory > r.memory || d.grant.pids > r.pids ||
	            d.grant.cpus_milli > r.cpus_milli)))
		__builtin_trap();
	(void)policy_check_count(&d.grant, 1);
	used[0].s_addr = htonl(0xc6120002u);
	used[1].s_addr = htonl(0xc6120003u);
	if (d.grant.has_range)
		(void)policy_pick_address(&d.grant, used, 2, &a);
}

/* Binds (~ too) and ephemeral: the grant's dns and search stay within their bounds. */
static void
evaluate_mounts(const struct policy *p, const struct policy_caller *c)
{
	static const struct policy_bind b[] = {
	    {.src = "/home/alice/src", .dst = "/src", .ro = false},
	    {.src = "/srv/data", .dst = "/data", .ro = true},
	};
	struct policy_request r = {.root = "/var/lib/machines/web",
	    .prefix = -1,
	    .binds = b,
	    .nbinds = 2,
	    .ephemeral = true};
	struct policy_decision d;

	if (policy_evaluate(p, c, &r, &d) != 0 || !d.permit)
		return;
	if (!d.grant.ephemeral || d.grant.ndns > POLICY_MAX_DNS ||
	    strnlen(d.grant.search, sizeof(d.grant.search)) == sizeof(d.grant.search))
		__builtin_trap();
}

/* Parse anything; when it parses, evaluate a few fixed requests against it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const gid_t groups[] = {100, 500};
	static const char *const names[] = {"users", "ctusers", NULL};
	const struct policy_caller c = {.uid = 1000,
	    .gid = 1000,
	    .groups = groups,
	    .ngroups = 2,
	    .name = "alice",
	    .group_names = names,
	    .home = "/home/alice"};
	struct policy *p = NULL;
	struct policy_error e;

	if (policy_parse((const char *)data, size, &p, &e) < 0) {
		/* the message is always NUL-terminated */
		if (strlen(e.msg) >= sizeof(e.msg))
			__builtin_trap();
		return 0;
	}
	evaluate(p, &c, "/var/lib/machines/web", NULL, false, false);
	evaluate(p, &c, "/var/lib/machines/web", "br0", false, false);
	evaluate(p, &c, "/m/x", "br0", true, false);
	evaluate(p, &c, "/var/lib/machines/web", NULL, false, true);
	evaluate(p, &c, "/m/x", "br0", true, true);
	evaluate_mounts(p, &c);
	policy_free(p);
	return 0;
}
