/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reserve.h"
#include "slots.h"
#include "util.h"

void
reserve_veth_name(const char *machine, char *ret, size_t size)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	if (strlen(machine) <= NET_IFNAME_MAX - 3) {
		(void)snprintf(ret, size, "ve-%s", machine);
		return;
	}
	for (const char *p = machine; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	(void)snprintf(ret, size, "ve-%.6s-%05x", machine, (unsigned)(h & 0xfffffu));
}

/*
 * F6: `max N` is per rule, and a rule used to be known by the line number
 * an entry recorded: with one comment line added above it, the same user
 * could start N more. So each of the caller's running entries is decided
 * again, by the very policy that decided this request, as if it were asked
 * now (its request, as statefile_request gives it). *ret_now[i] is the line of the rule that permits
 * v[i] now, 0 when none does (refused, denied or malformed) or when v[i] is
 * another user's (their identity is not ours to evaluate).
 */
static int
rules_now(const struct policy *p, const struct policy_caller *c, const struct state_brief *v,
    size_t n, unsigned **ret_now)
{
	_cleanup_free_ unsigned *now = calloc(n + 1, sizeof(*now));

	if (now == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct policy_decision d;

		if (v[i].uid != c->uid)
			continue;
		if (policy_evaluate(p, c, &v[i].request, &d) == 0 && d.permit)
			now[i] = d.line;
	}
	*ret_now = TAKE_PTR(now);
	return 0;
}

/*
 * userns grants: -EBUSY (the reason in f) when a running container's range
 * overlaps [first, first+count) unless it is the same user's, has the same
 * range, and the current policy decides it by the same rule as the new
 * request. rule_now[i] is that rule's line for the caller's entry v[i] (0:
 * no rule permits it now); the line an entry recorded moves when the file
 * is edited (F6) and is never compared.
 */
static int
check_userns_range(const struct state_brief *v, const unsigned *rule_now, size_t n, uid_t uid,
    unsigned rule, uint32_t first, uint32_t count, struct fail *f)
{
	uint64_t a0 = first, a1 = a0 + count;

	for (size_t i = 0; count > 0 && i < n; i++) {
		uint64_t b0 = v[i].userns_first, b1 = b0 + v[i].userns_count;
		bool mine = v[i].uid == uid;

		if (v[i].userns_count == 0 || !(a0 < b1 && b0 < a1))
			continue;
		/* Same owner, same rule (as the policy decides both now), same range:
		 * these ids are already that user's, so a second container of theirs
		 * gains nothing over the first. Anyone else would share uids with a
		 * stranger's processes (signal, ptrace, files) and is refused. */
		if (mine && rule_now[i] != 0 && rule_now[i] == rule && b0 == a0 && b1 == a1)
			continue;
		/* The caller's own: the line deciding it now; another user's: its start's. */
		return fail_say(f, -EBUSY,
		    "host ids %" PRIu32 "..%" PRIu64 " overlap those of running container %s "
		    "(uid %u, rule at line %u)",
		    first, a1 - 1, v[i].name, (unsigned)v[i].uid,
		    mine && rule_now[i] != 0 ? rule_now[i] : v[i].rule);
	}
	return 0;
}

static int
check_running(const struct helper_session *s, const struct state_brief *v, const unsigned *now,
    size_t n, const struct request_plan *plan, const struct policy_decision *d, struct fail *f)
{
	char veth[NET_IFNAME_MAX + 1];
	unsigned mine = 0;

	reserve_veth_name(plan->machine, veth, sizeof(veth));
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, plan->machine) == 0) {
			return fail_say(f, -EEXIST, "a container named %s is already running",
			    plan->machine);
		}
		/* A long name's veth is a prefix and a hash: names can share one. */
		if (strcmp(v[i].veth, veth) == 0) {
			return fail_say(f, -EEXIST,
			    "host interface %s is in use by container %s: choose another name",
			    veth, v[i].name);
		}
		/* A root runs once at a time, or under any number of ephemeral
		 * containers (each only reads it), never both: a writer would change
		 * the overlays' lower layer under them. */
		if (strcmp(v[i].request.root, plan->root) == 0 &&
		    !(v[i].request.ephemeral && d->grant.ephemeral)) {
			return fail_say(f, -EBUSY, "Directory tree %s is currently busy",
			    plan->root);
		}
		if (plan->has_address && v[i].request.address.s_addr == plan->address.s_addr) {
			return fail_say(f, -EADDRINUSE, "address %s is in use by container %s",
			    inet_ntoa(plan->address), v[i].name);
		}
		/* Toward this rule's max: the caller's containers that the policy now
		 * decides by this rule, and those it no longer permits at all
		 * (tightening a policy must never let a user start more). */
		if (v[i].uid == s->uid && (now[i] == d->line || now[i] == 0))
			mine++;
	}
	if (!d->grant.privileged &&
	    check_userns_range(v, now, n, s->uid, d->line, d->grant.userns_first,
	        d->grant.userns_count, f) < 0)
		return -EBUSY;
	if (policy_check_count(&d->grant, mine) < 0)
		return fail_say(f, -EUSERS,
		    "%s may run at most %u container(s) under rule at line %u and already runs %u",
		    s->user, d->grant.max, d->line, mine);
	return 0;
}

static int
pick_address(const struct state_brief *v, size_t n, const struct policy_decision *d,
    struct in_addr *ret)
{
	_cleanup_free_ struct in_addr *used = reallocarray(NULL, n + 1, sizeof(*used));

	if (used == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		used[i] = v[i].request.address;
	return policy_pick_address(&d->grant, used, n, ret);
}

static int
fill_entry(const struct helper_session *s, const struct request_plan *plan,
    const struct policy_decision *d, struct state_entry *e)
{
	memset(e, 0, sizeof(*e));
	if (strlcpy(e->name, plan->machine, sizeof(e->name)) >= sizeof(e->name) ||
	    strlcpy(e->bridge, plan->bridge, sizeof(e->bridge)) >= sizeof(e->bridge) ||
	    strlcpy(e->root, plan->root, sizeof(e->root)) >= sizeof(e->root) ||
	    strlcpy(e->init, plan->init, sizeof(e->init)) >= sizeof(e->init))
		return -ENAMETOOLONG;
	e->has_gateway = plan->has_gateway;
	e->gateway = plan->gateway;
	e->memory = plan->memory;
	e->pids = plan->pids;
	e->cpus_milli = plan->cpus_milli;
	reserve_veth_name(plan->machine, e->veth, sizeof(e->veth));
	e->uid = s->uid;
	e->monitor_pid = getpid();
	e->prefix = d->grant.range.prefix;
	e->rule = d->line;
	e->started = (long long)time(NULL);
	e->ephemeral = d->grant.ephemeral;
	if (!d->grant.privileged) {
		e->userns_first = d->grant.userns_first;
		e->userns_count = d->grant.userns_count;
	}
	return state_proc_start(e->monitor_pid, &e->monitor_start);
}

/* Under the lock, with the running containers v[0..n). */
static int
reserve_among(struct helper_session *s, int dir_fd, const struct policy *p,
    const struct policy_caller *c, const struct request_plan *plan, const struct policy_decision *d,
    const struct state_brief *v, size_t n, struct state_entry *ret, struct fail *f)
{
	_cleanup_free_ unsigned *now = NULL;
	struct state_entry e;
	int r;

	r = rules_now(p, c, v, n, &now);
	if (r < 0)
		return r;
	r = check_running(s, v, now, n, plan, d, f);
	if (r < 0)
		return r;
	r = fill_entry(s, plan, d, &e);
	if (r < 0)
		return r;
	if (plan->has_address)
		e.address = plan->address;
	else if ((r = pick_address(v, n, d, &e.address)) < 0)
		return fail_say(f, r, "no free address left in the range of rule at line %u",
		    d->line);
	/* This process is the monitor: its record (slots.h) lets later starts skip
	 * reading its entry. None to be had only costs them that read. */
	(void)slots_take();
	r = state_write(dir_fd, &e);
	if (r < 0)
		return r;
	(void)strlcpy(s->name, e.name, sizeof(s->name));
	s->state_written = true;
	*ret = e;
	return 0;
}

int
reserve_container(struct helper_session *s, const struct policy *p, const struct policy_caller *c,
    const struct request_plan *plan, const struct policy_decision *d, struct state_entry *ret,
    struct fail *f)
{
	_cleanup_close_ int dir_fd = -1;
	struct state_brief *v = NULL;
	size_t n = 0;
	int r;

	r = state_open_dir(&dir_fd);
	if (r < 0)
		return r;
	r = state_lock(dir_fd);
	if (r < 0)
		return r;
	r = state_load_all(dir_fd, &v, &n);
	if (r == -EUCLEAN)
		return fail_say(f, r,
		    "a state entry in %s was written by another version of cnspawn-helper and its "
		    "container still runs: stop that container before starting new ones",
		    CNSPAWN_STATE_DIR);
	if (r < 0)
		return r;
	r = reserve_among(s, dir_fd, p, c, plan, d, v, n, ret, f);
	state_briefs_free(v, n);
	/* This process stays as the monitor: the heap that held every running
	 * container's brief (100-150 KiB at 200) goes back to the kernel rather
	 * than staying resident in each of them. */
	(void)malloc_trim(0);
	return r;
}
