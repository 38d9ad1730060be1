/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The options of issue 15 in a decision: bind, bind-ro (~ too), ephemeral, dns, search. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

/* clang-format off */
static const char policy_text[] =
	/* 1 */ "permit alice root /m/a bind /srv/share bind ~ bind-ro /data userns 100000 65536\n"
	/* 2 */ "permit bob root /m/b bind-ro /data userns 200000 65536\n"
	/* 3 */ "permit carol root /m/c userns 300000 65536\n"
	/* 4 */ "permit carol root /m/x ephemeral userns 300000 65536\n"
	/* 5 */ "permit dave root /m/d ephemeral-only dns 198.18.0.1 dns 198.18.0.2 search example.test "
		"userns 400000 65536\n"
	/* 6 */ "permit #4242 root /m/n bind ~ userns 500000 65536\n";
/* clang-format on */

static const struct policy_caller c_alice = {.uid = 1000,
    .gid = 100,
    .name = "alice",
    .home = "/home/alice"};
static const struct policy_caller c_bob = {.uid = 1001,
    .gid = 100,
    .name = "bob",
    .home = "/home/bob"};
static const struct policy_caller c_carol = {.uid = 1002, .gid = 100, .name = "carol"};
static const struct policy_caller c_dave = {.uid = 1003, .gid = 100, .name = "dave"};
/* A home that is not canonical: `bind ~` must then match nothing. */
static const struct policy_caller c_odd = {.uid = 4242, .gid = 100, .home = "/home/odd/../x"};
static const struct policy_caller c_nohome = {.uid = 4242, .gid = 100};

struct bcase {
	const struct policy_caller *c;
	const char *root, *src, *dst;
	bool ro, ephemeral;
	int rc; /* policy_evaluate's return */
	bool permit;
	const char *reason;
};

static const struct bcase cases[] = {
    {&c_alice, "/m/a", "/srv/share", "/mnt", false, false, 0, true, "permitted by rule at line 1"},
    {&c_alice, "/m/a", "/srv/share/deep/er", "/mnt", false, false, 0, true, NULL},
    {&c_alice, "/m/a", "/home/alice", "/home/alice", false, false, 0, true, NULL},
    {&c_alice, "/m/a", "/home/alice/src", "/src", true, false, 0, true, NULL},
    {&c_alice, "/m/a", "/data/x", "/data", true, false, 0, true, NULL},
    /* a path that only starts like the prefix is not below it */
    {&c_alice, "/m/a", "/srv/shared", "/mnt", false, false, 0, false,
        "alice may not bind /srv/shared: rule at line 1 allows binds only below /srv/share, "
        "~ (/home/alice); read-only binds below /data"},
    {&c_alice, "/m/a", "/home/alicex", "/mnt", true, false, 0, false, NULL},
    {&c_alice, "/m/a", "/data/x", "/data", false, false, 0, false,
        "alice may not bind /data/x: rule at line 1 allows it only read-only (--bind-ro)"},
    {&c_alice, "/m/a", "/etc", "/mnt", false, false, 0, false,
        "alice may not bind /etc: rule at line 1 allows binds only below /srv/share, "
        "~ (/home/alice); read-only binds below /data"},
    {&c_bob, "/m/b", "/home/bob", "/mnt", true, false, 0, false,
        "bob may not bind /home/bob read-only: rule at line 2 allows only read-only binds "
        "below /data"},
    {&c_carol, "/m/c", "/tmp", "/mnt", true, false, 0, false,
        "carol may not bind /tmp read-only: rule at line 3 allows no binds"},
    {&c_odd, "/m/n", "/home/x", "/mnt", false, false, 0, false,
        "uid 4242 may not bind /home/x: rule at line 6 allows binds only below ~ (no usable "
        "home)"},
    {&c_nohome, "/m/n", "/home", "/mnt", false, false, 0, false, NULL},
    /* ephemeral */
    {&c_carol, "/m/c", NULL, NULL, false, true, 0, false,
        "carol may not use --ephemeral: rule at line 3 does not allow it"},
    {&c_carol, "/m/x", NULL, NULL, false, true, 0, true, NULL},
    {&c_dave, "/m/d", NULL, NULL, false, false, 0, true, NULL},
    /* malformed binds: the evaluator refuses them as a request */
    {&c_alice, "/m/a", "/srv/share/../../etc", "/mnt", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "srv/share", "/mnt", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "/srv/share", "/", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "/srv/share", "/proc", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "/srv/share", "/proc/sys", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "/srv/share", "/dev", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "/srv/share", "/sys/fs", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "/srv/share", "/mnt/", false, false, -EINVAL, false, NULL},
    {&c_alice, "/m/a", "/srv/share", "/devices", false, false, 0, true, NULL},
};

static struct policy *
load(void)
{
	struct policy *p = NULL;
	struct policy_error e;

	assert_int_equal(policy_parse(policy_text, strlen(policy_text), &p, &e), 0);
	return p;
}

static void
test_policy_evaluate_binds(void **state)
{
	struct policy *p = load();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bcase *k = &cases[i];
		struct policy_bind b = {.src = k->src, .dst = k->dst, .ro = k->ro};
		struct policy_request rq = {.root = k->root,
		    .prefix = -1,
		    .binds = &b,
		    .nbinds = k->src != NULL ? 1 : 0,
		    .ephemeral = k->ephemeral};
		struct policy_decision d;
		int r = policy_evaluate(p, k->c, &rq, &d);

		print_message("case %zu\n", i);
		assert_int_equal(r, k->rc);
		if (r < 0)
			continue;
		assert_int_equal(d.permit, k->permit);
		if (k->reason != NULL)
			assert_string_equal(d.reason, k->reason);
	}
	policy_free(p);
}

static void
test_policy_evaluate_binds_limit(void **state)
{
	struct policy *p = load();
	struct policy_bind b[POLICY_MAX_BINDS + 1];
	struct policy_request rq = {.root = "/m/a", .prefix = -1, .binds = b};
	struct policy_decision d;

	(void)state;
	for (size_t i = 0; i < POLICY_MAX_BINDS + 1; i++)
		b[i] = (struct policy_bind){.src = "/srv/share", .dst = "/mnt"};
	rq.nbinds = POLICY_MAX_BINDS;
	assert_int_equal(policy_evaluate(p, &c_alice, &rq, &d), 0);
	assert_true(d.permit);
	rq.nbinds = POLICY_MAX_BINDS + 1;
	assert_int_equal(policy_evaluate(p, &c_alice, &rq, &d), -EINVAL);
	policy_free(p);
}

static void
test_policy_evaluate_grant_mounts(void **state)
{
	struct policy *p = load();
	struct policy_request rq = {.root = "/m/d", .prefix = -1};
	struct policy_decision d;
	char a[16];

	(void)state;
	assert_int_equal(policy_evaluate(p, &c_dave, &rq, &d), 0);
	assert_true(d.permit);
	assert_true(d.grant.ephemeral); /* ephemeral-only forces it */
	assert_int_equal(d.grant.ndns, 2);
	assert_string_equal(inet_ntop(AF_INET, &d.grant.dns[1], a, sizeof(a)), "198.18.0.2");
	assert_string_equal(d.grant.search, "example.test");
	rq.root = "/m/x";
	assert_int_equal(policy_evaluate(p, &c_carol, &rq, &d), 0);
	assert_true(d.permit);
	assert_false(d.grant.ephemeral); /* allowed, not asked */
	assert_int_equal(d.grant.ndns, 0);
	assert_string_equal(d.grant.search, "");
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_evaluate_binds),
	    cmocka_unit_test(test_policy_evaluate_binds_limit),
	    cmocka_unit_test(test_policy_evaluate_grant_mounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
