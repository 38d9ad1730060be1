/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "unit-addr.h"

#define NET " bridge br0 address 198.18.0.0/24 gateway 198.18.0.1"

/* The policy every case runs against; line numbers matter. */
/* clang-format off */
static const char policy_text[] =
	/* 1 */ "permit alice root /m/web" NET " max 2 userns 100000 65536\n"
	/* 2 */ "permit :ctusers root /m/*" NET " userns 200000 65536\n"
	/* 3 */ "deny mallory\n"
	/* 4 */ "permit mallory root /m/web userns 300000 65536\n"
	/* 5 */ "permit carol root /p/a bridge br0 address 198.18.1.0/24 init /bin/sh privileged\n"
	/* 6 */ "deny :ctusers root /m/secret\n"
	/* 7 */ "permit #2000 root /m/n userns 400000 65536\n"
	/* 8 */ "permit :#3000 root /m/g bridge br1 userns 500000 65536\n"
	/* 9 */ "permit dave root /m/d" NET " userns 600000 65536\n"
	/* 10 */ "deny dave\n"
	/* 11 */ "permit erin root /m/e/* address 198.18.2.0/24 bridge br0 userns 700000 65536\n"
	/* 12 */ "permit carol root /q/* userns 800000 65536\n"
	/* 13 */ "permit gina root /m/l memory 1G pids 100 cpus 0.5 userns 900000 65536\n"
	/* 14 */ "permit hank root /m/h userns 1000000 65536\n"
	/* 15 */ "permit ivan root /m/i memory 4G userns 1100000 65536\n"
	/* 16 */ "permit ivan root /m/i memory 1G cpus 2 userns 1100000 65536\n"
	/* 17 */ "permit ivan root /m/k pids 10 userns 1100000 65536\n";
/* clang-format on */

static const gid_t groups_ct[] = {500};
static const char *const names_ct[] = {"users", "ctusers", NULL};
static const gid_t groups_3000[] = {3000};

#define CALLER(n)                                                                                  \
	{                                                                                          \
		.uid = 1000, .gid = 100, .name = n                                                 \
	}
static const struct policy_caller c_alice = CALLER("alice");
static const struct policy_caller c_bob = {.uid = 1001,
    .gid = 100,
    .groups = groups_ct,
    .ngroups = 1,
    .name = "bob",
    .group_names = names_ct};
static const struct policy_caller c_mallory = CALLER("mallory");
static const struct policy_caller c_carol = CALLER("carol");
static const struct policy_caller c_dave = CALLER("dave");
static const struct policy_caller c_erin = CALLER("erin");
static const struct policy_caller c_nobody = {.uid = 2000, .gid = 2000};
static const struct policy_caller c_g3000 = {.uid = 4000,
    .gid = 100,
    .groups = groups_3000,
    .ngroups = 1,
    .name = "frank"};
static const struct policy_caller c_zed = CALLER("zed");
static const struct policy_caller c_gina = CALLER("gina");
static const struct policy_caller c_hank = CALLER("hank");
static const struct policy_caller c_ivan = CALLER("ivan");

struct req {
	const char *root, *bridge, *addr, *gw, *init;
	int prefix;
	uint64_t memory;
	uint32_t pids, cpus_milli;
};

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static const struct {
	const struct policy_caller *c;
	struct req q;
	int r;
	bool permit;
	unsigned line;
	const char *reason;
} cases[] = {
    {&c_alice, {"/m/web", NULL, NULL, NULL, NULL, -1}, 0, true, 1, "permitted by rule at line 1"},
    {&c_alice, {"/m/web", "br0", NULL, NULL, NULL, -1}, 0, true, 1, NULL},
    {&c_alice, {"/m/web", "br0", "198.18.0.7", NULL, NULL, 24}, 0, true, 1, NULL},
    {&c_alice, {"/m/web", "br0", "198.18.0.7", "198.18.0.1", NULL, -1}, 0, true, 1, NULL},
    {&c_alice, {"/m/web", "br1", NULL, NULL, NULL, -1}, 0, false, 1,
        "alice may not use bridge br1: rule at line 1 allows only br0"},
    {&c_alice, {"/m/other", NULL, NULL, NULL, NULL, -1}, 0, false, 1,
        "alice may not use root /m/other: rule at line 1 allows only /m/web"},
    {&c_alice, {"/m/web", "br0", "198.18.1.7", NULL, NULL, -1}, 0, false, 1,
        "alice may not use address 198.18.1.7: rule at line 1 allows only 198.18.0.0/24"},
    {&c_alice, {"/m/web", "br0", "198.18.0.7", NULL, NULL, 16}, 0, false, 1,
        "alice may not use address 198.18.0.7: rule at line 1 allows only prefix /24"},
    {&c_alice, {"/m/web", "br0", "198.18.0.0", NULL, NULL, -1}, 0, false, 1,
        "alice may not use address 198.18.0.0: rule at line 1 never gives out the network, "
        "broadcast or gateway address of 198.18.0.0/24"},
    {&c_alice, {"/m/web", "br0", "198.18.0.255", NULL, NULL, -1}, 0, false, 1, NULL},
    {&c_alice, {"/m/web", "br0", "198.18.0.1", NULL, NULL, -1}, 0, false, 1, NULL},
    {&c_alice, {"/m/web", "br0", NULL, "198.18.0.2", NULL, -1}, 0, false, 1,
        "alice may not use gateway 198.18.0.2: rule at line 1 allows only 198.18.0.1"},
    {&c_alice, {"/m/web", NULL, NULL, NULL, "/bin/sh", -1}, 0, false, 1,
        "alice may not use init /bin/sh: rule at line 1 allows only /sbin/init"},
    /* group rule, PATH/ * */
    {&c_bob, {"/m/x", "br0", NULL, NULL, NULL, -1}, 0, true, 2, NULL},
    {&c_bob, {"/m/x/y", NULL, NULL, NULL, NULL, -1}, 0, false, 2,
        "bob may not use root /m/x/y: rule at line 2 allows only /m/*"},
    {&c_bob, {"/m", NULL, NULL, NULL, NULL, -1}, 0, false, 2, NULL},
    {&c_bob, {"/mx", NULL, NULL, NULL, NULL, -1}, 0, false, 2, NULL},
    /* deny with a root overrides only that root */
    {&c_bob, {"/m/secret", NULL, NULL, NULL, NULL, -1}, 0, false, 6,
        "bob is denied by rule at line 6"},
    /* last match wins: deny then permit */
    {&c_mallory, {"/m/web", NULL, NULL, NULL, NULL, -1}, 0, true, 4, NULL},
    {&c_mallory, {"/m/x", NULL, NULL, NULL, NULL, -1}, 0, false, 3,
        "mallory is denied by rule at line 3"},
    /* permit then deny: the deny wins */
    {&c_dave, {"/m/d", NULL, NULL, NULL, NULL, -1}, 0, false, 10,
        "dave is denied by rule at line 10"},
    {&c_carol, {"/p/a", "br0", NULL, NULL, "/bin/sh", -1}, 0, true, 5, NULL},
    {&c_carol, {"/p/a", NULL, NULL, NULL, NULL, -1}, 0, false, 5,
        "carol may not use init /sbin/init: rule at line 5 allows only /bin/sh"},
    /* no gateway in the rule: a requested one must be a host in the range */
    {&c_carol, {"/p/a", "br0", NULL, "198.18.1.9", "/bin/sh", -1}, 0, true, 5, NULL},
    {&c_carol, {"/p/a", "br0", NULL, "198.18.1.255", "/bin/sh", -1}, 0, false, 5,
        "carol may not use gateway 198.18.1.255: rule at line 5 allows only host addresses "
        "in 198.18.1.0/24"},
    {&c_carol, {"/p/a", "br0", "198.18.1.9", "198.18.1.9", "/bin/sh", -1}, 0, false, 5, NULL},
    /* the rule that came closest explains (it allows the root), not the last one */
    {&c_carol, {"/p/a", "br1", NULL, NULL, "/bin/sh", -1}, 0, false, 5,
        "carol may not use bridge br1: rule at line 5 allows only br0"},
    {&c_carol, {"/r/x", NULL, NULL, NULL, NULL, -1}, 0, false, 12,
        "carol may not use root /r/x: rule at line 12 allows only /q/*"},
    /* numeric ids */
    {&c_nobody, {"/m/n", NULL, NULL, NULL, NULL, -1}, 0, true, 7, NULL},
    {&c_nobody, {"/m/x", NULL, NULL, NULL, NULL, -1}, 0, false, 7,
        "uid 2000 may not use root /m/x: rule at line 7 allows only /m/n"},
    {&c_g3000, {"/m/g", "br1", NULL, NULL, NULL, -1}, 0, false, 8,
        "frank may not use bridge br1: rule at line 8 gives no address range"},
    {&c_g3000, {"/m/g", "br0", NULL, NULL, NULL, -1}, 0, false, 8,
        "frank may not use bridge br0: rule at line 8 allows only br1"},
    {&c_erin, {"/m/e/1", "br0", NULL, NULL, NULL, -1}, 0, true, 11, NULL},
    {&c_zed, {"/m/web", NULL, NULL, NULL, NULL, -1}, 0, false, 0, "no rule permits zed"},
    /* ceilings (issue 14): less than the rule's, or as much, never more */
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1}, 0, true, 13, NULL},
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1, GiB, 100, 500}, 0, true, 13, NULL},
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1, 512 * MiB, 1, 10}, 0, true, 13, NULL},
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1, 2 * GiB}, 0, false, 13,
        "gina may not ask for memory 2G: rule at line 13 allows at most 1G"},
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1, GiB + MiB}, 0, false, 13,
        "gina may not ask for memory 1025M: rule at line 13 allows at most 1G"},
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1, 0, 101}, 0, false, 13,
        "gina may not ask for pids 101: rule at line 13 allows at most 100"},
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1, 0, 0, 3000}, 0, false, 13,
        "gina may not ask for cpus 3: rule at line 13 allows at most 0.5"},
    {&c_gina, {"/m/l", NULL, NULL, NULL, NULL, -1, 0, 0, 510}, 0, false, 13,
        "gina may not ask for cpus 0.51: rule at line 13 allows at most 0.5"},
    /* what is asked for first (root, init, network) explains first */
    {&c_gina, {"/m/l", "br0", NULL, NULL, NULL, -1, 2 * GiB}, 0, false, 13,
        "gina may not use bridge br0: rule at line 13 allows no bridge"},
    /* no ceiling in the rule: the user may set one, of any size; pids has the default */
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 1024 * 1024 * GiB, 4096, 1024000}, 0, true, 14,
        NULL},
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 0, 4097}, 0, false, 14,
        "hank may not ask for pids 4097: rule at line 14 allows at most 4096 (the default)"},
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 0, 9000}, 0, false, 14,
        "hank may not ask for pids 9000: rule at line 14 allows at most 4096 (the default)"},
    /* a ceiling too high for the last rule may fit an earlier one; else the last rule
     * allowing the root explains (16), not the later one for another root (17) */
    {&c_ivan, {"/m/i", NULL, NULL, NULL, NULL, -1, 2 * GiB}, 0, true, 15, NULL},
    {&c_ivan, {"/m/i", NULL, NULL, NULL, NULL, -1, GiB, 0, 2000}, 0, true, 16, NULL},
    {&c_ivan, {"/m/i", NULL, NULL, NULL, NULL, -1, 8 * GiB}, 0, false, 16,
        "ivan may not ask for memory 8G: rule at line 16 allows at most 1G"},
    {&c_ivan, {"/m/i", NULL, NULL, NULL, NULL, -1, 0, 4097}, 0, false, 16,
        "ivan may not ask for pids 4097: rule at line 16 allows at most 4096 (the default)"},
    {&c_ivan, {"/m/k", NULL, NULL, NULL, NULL, -1, 0, 11}, 0, false, 17,
        "ivan may not ask for pids 11: rule at line 17 allows at most 10"},
    /* line 16 caps cpus at 2, line 15 sets no cpus ceiling: it decides */
    {&c_ivan, {"/m/i", NULL, NULL, NULL, NULL, -1, 0, 0, 2010}, 0, true, 15, NULL},
    /* malformed requests */
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, MiB - 1}, -EINVAL, false, 0, NULL},
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 1024 * 1024 * GiB + 1}, -EINVAL, false, 0, NULL},
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 0, POLICY_MAX_PIDS + 1}, -EINVAL, false, 0,
        NULL},
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 0, 0, 5}, -EINVAL, false, 0, NULL},
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 0, 0, 1024010}, -EINVAL, false, 0, NULL},
    {&c_hank, {"/m/h", NULL, NULL, NULL, NULL, -1, 0, 0, 1234}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/m/web/", NULL, NULL, NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/m/../m/web", NULL, NULL, NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"m/web", NULL, NULL, NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/", NULL, NULL, NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/m//web", NULL, NULL, NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {NULL, NULL, NULL, NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/m/web", "br/0", NULL, NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/m/web", NULL, "198.18.0.7", NULL, NULL, -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/m/web", NULL, NULL, NULL, "sbin/init", -1}, -EINVAL, false, 0, NULL},
    {&c_alice, {"/m/web", "br0", "198.18.0.7", NULL, NULL, 33}, -EINVAL, false, 0, NULL},
};

static void
test_policy_evaluate_table(void **state)
{
	struct policy *p = NULL;
	struct policy_error e;
	unsigned bad = 0;

	(void)state;
	if (policy_parse(policy_text, strlen(policy_text), &p, &e) < 0)
		fail_msg("%u:%u: %s", e.line, e.col, e.msg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct req *q = &cases[i].q;
		struct policy_request r = {.root = q->root,
		    .bridge = q->bridge,
		    .init = q->init,
		    .prefix = q->prefix,
		    .memory = q->memory,
		    .pids = q->pids,
		    .cpus_milli = q->cpus_milli};
		struct policy_decision d = {0};
		int rr;

		if (q->addr != NULL) {
			r.has_address = true;
			r.address = A(q->addr);
		}
		if (q->gw != NULL) {
			r.has_gateway = true;
			r.gateway = A(q->gw);
		}
		rr = policy_evaluate(p, cases[i].c, &r, &d);
		if (rr != cases[i].r ||
		    (rr == 0 &&
		        (d.permit != cases[i].permit || d.line != cases[i].line ||
		            (cases[i].reason != NULL && strcmp(d.reason, cases[i].reason) != 0)))) {
			print_error("case %zu: got %d permit=%d line=%u '%s'\n", i, rr, d.permit,
			    d.line, d.reason);
			bad++;
		}
	}
	policy_free(p);
	assert_int_equal(bad, 0);
}

static void
test_policy_evaluate_grant(void **state)
{
	struct policy *p = NULL;
	struct policy_request r = {.root = "/m/web", .bridge = "br0", .prefix = -1};
	struct policy_decision d;
	struct in_addr a;

	(void)state;
	assert_int_equal(policy_parse(policy_text, strlen(policy_text), &p, NULL), 0);
	assert_int_equal(policy_evaluate(p, &c_alice, &r, &d), 0);
	assert_true(d.permit);
	assert_true(d.grant.has_range);
	assert_int_equal(d.grant.range.prefix, 24);
	assert_true(d.grant.has_gateway);
	assert_int_equal(d.grant.gateway.s_addr, A("198.18.0.1").s_addr);
	assert_int_equal(d.grant.max, 2);
	assert_false(d.grant.privileged);
	assert_true(d.grant.exec); /* userns: cnspawn exec without the option */
	assert_int_equal(d.grant.userns_first, 100000);
	assert_int_equal(d.grant.userns_count, 65536);
	assert_int_equal(policy_check_count(&d.grant, 1), 0);
	assert_int_equal(policy_check_count(&d.grant, 2), -EUSERS);
	assert_int_equal(policy_pick_address(&d.grant, NULL, 0, &a), 0);
	assert_int_equal(a.s_addr, A("198.18.0.2").s_addr);
	/* a rule with no ceilings: none but the default pids */
	assert_true(d.grant.memory == 0);
	assert_int_equal(d.grant.pids, POLICY_DEFAULT_PIDS);
	assert_int_equal(d.grant.cpus_milli, 0);
	/* carol: privileged, requested gateway handed out, no max */
	r = (struct policy_request){.root = "/p/a",
	    .bridge = "br0",
	    .init = "/bin/sh",
	    .has_gateway = true,
	    .gateway = A("198.18.1.9"),
	    .prefix = -1};
	assert_int_equal(policy_evaluate(p, &c_carol, &r, &d), 0);
	assert_true(d.permit);
	assert_true(d.grant.privileged);
	assert_false(d.grant.exec); /* privileged without the exec option */
	assert_int_equal(d.grant.max, 0);
	assert_int_equal(d.grant.gateway.s_addr, A("198.18.1.9").s_addr);
	policy_free(p);
}

static void
test_policy_evaluate_exec_option(void **state)
{
	static const char text[] = "permit root root /p/a exec privileged\n";
	const struct policy_caller c = {.uid = 0, .name = "root"};
	struct policy_request r = {.root = "/p/a", .prefix = -1};
	struct policy_decision d;
	struct policy *p = NULL;

	(void)state;
	assert_int_equal(policy_parse(text, strlen(text), &p, NULL), 0);
	assert_int_equal(policy_evaluate(p, &c, &r, &d), 0);
	assert_true(d.permit);
	assert_true(d.grant.privileged);
	assert_true(d.grant.exec);
	policy_free(p);
}

static void
expect_grant(const struct policy *p, const struct policy_caller *c, struct policy_request r,
    unsigned line, uint64_t memory, uint32_t pids, uint32_t cpus_milli)
{
	struct policy_decision d;

	assert_int_equal(policy_evaluate(p, c, &r, &d), 0);
	assert_true(d.permit);
	assert_int_equal(d.line, line);
	assert_true(d.grant.memory == memory);
	assert_int_equal(d.grant.pids, pids);
	assert_int_equal(d.grant.cpus_milli, cpus_milli);
}

/* The ceilings granted: what was asked if anything, else the rule's; pids never 0. */
static void
test_policy_evaluate_grant_limits(void **state)
{
	struct policy *p = NULL;
	struct policy_request r = {.root = "/m/l", .prefix = -1};
	struct policy_decision d;

	(void)state;
	assert_int_equal(policy_parse(policy_text, strlen(policy_text), &p, NULL), 0);
	expect_grant(p, &c_gina, r, 13, GiB, 100, 500);
	r.memory = 512 * MiB;
	expect_grant(p, &c_gina, r, 13, 512 * MiB, 100, 500);
	r.pids = 50;
	r.cpus_milli = 250;
	expect_grant(p, &c_gina, r, 13, 512 * MiB, 50, 250);
	r = (struct policy_request){.root = "/m/h", .prefix = -1};
	expect_grant(p, &c_hank, r, 14, 0, POLICY_DEFAULT_PIDS, 0);
	r.memory = 2 * GiB;
	r.cpus_milli = 1500;
	expect_grant(p, &c_hank, r, 14, 2 * GiB, POLICY_DEFAULT_PIDS, 1500);
	r = (struct policy_request){.root = "/m/i", .prefix = -1, .memory = 2 * GiB};
	expect_grant(p, &c_ivan, r, 15, 2 * GiB, POLICY_DEFAULT_PIDS, 0);
	r.memory = 0;
	expect_grant(p, &c_ivan, r, 16, GiB, POLICY_DEFAULT_PIDS, 2000);
	/* a refusal grants nothing */
	r.memory = 8 * GiB;
	assert_int_equal(policy_evaluate(p, &c_ivan, &r, &d), 0);
	assert_false(d.permit);
	assert_true(d.grant.memory == 0 && d.grant.pids == 0 && d.grant.cpus_milli == 0);
	policy_free(p);
}

/* A group rule matches by primary gid too, and by name only through group_names. */
static void
test_policy_evaluate_groups(void **state)
{
	static const char text[] = "permit :#3000 root /m/g userns 100000 65536\n"
	                           "permit :wheel root /m/w userns 200000 65536\n";
	static const char *const wheel[] = {"wheel", NULL};
	struct policy_caller c = {.uid = 7, .gid = 3000, .name = "u"};
	struct policy_request r = {.root = "/m/g", .prefix = -1};
	struct policy *p = NULL;
	struct policy_decision d;

	(void)state;
	assert_int_equal(policy_parse(text, strlen(text), &p, NULL), 0);
	assert_int_equal(policy_evaluate(p, &c, &r, &d), 0);
	assert_true(d.permit);
	c.gid = 1;
	assert_int_equal(policy_evaluate(p, &c, &r, &d), 0);
	assert_false(d.permit);
	assert_string_equal(d.reason, "no rule permits u");
	r.root = "/m/w";
	assert_int_equal(policy_evaluate(p, &c, &r, &d), 0);
	assert_false(d.permit);
	c.group_names = wheel;
	assert_int_equal(policy_evaluate(p, &c, &r, &d), 0);
	assert_true(d.permit);
	assert_int_equal(d.line, 2);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_evaluate_exec_option),
	    cmocka_unit_test(test_policy_evaluate_table),
	    cmocka_unit_test(test_policy_evaluate_grant),
	    cmocka_unit_test(test_policy_evaluate_grant_limits),
	    cmocka_unit_test(test_policy_evaluate_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
