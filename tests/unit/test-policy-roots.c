/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * policy_roots_each and policy_root_visible (cnspawn list --roots, issue 16):
 * only the caller's rules, later denies taking roots away, and never a
 * word of another user's rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "roots.h"

/* clang-format off */
static const char policy_text[] =
	/* 1 */ "permit alice root /m/web root /m/* root /old userns 100000 65536\n"
	/* 2 */ "permit bob root /b/secret root /m/* userns 200000 65536\n"
	/* 3 */ "deny alice root /old\n"
	/* 4 */ "deny alice root /m/hidden\n"
	/* 5 */ "permit :ops root /ops/* userns 300000 65536\n"
	/* 6 */ "permit alice root /m/web root /late userns 100000 65536\n"
	/* 7 */ "permit carol root /c/a root /c/* userns 400000 65536\n"
	/* 8 */ "deny carol root /c/*\n"
	/* 9 */ "permit dave root /d/a userns 500000 65536\n"
	/* 10 */ "deny dave\n"
	/* 11 */ "permit dave root /d/b userns 500000 65536\n"
	/* 12 */ "deny :ops root /m/*\n";
/* clang-format on */

static const char *const names_ops[] = {"ops", NULL};
static const struct policy_caller c_alice = {.uid = 1000, .gid = 100, .name = "alice"};
static const struct policy_caller c_alice_ops = {.uid = 1000,
    .gid = 100,
    .name = "alice",
    .group_names = names_ops};
static const struct policy_caller c_carol = {.uid = 1002, .gid = 100, .name = "carol"};
static const struct policy_caller c_dave = {.uid = 1003, .gid = 100, .name = "dave"};
static const struct policy_caller c_nobody = {.uid = 2000, .gid = 2000};

struct seen {
	char buf[1024];
	int stop_after; /* 0: never stop */
	int n;
};

static int
collect(const char *pattern, void *userdata)
{
	struct seen *s = userdata;
	size_t len = strlen(s->buf);

	(void)snprintf(s->buf + len, sizeof(s->buf) - len, "%s%s", len > 0 ? " " : "", pattern);
	s->n++;
	return s->stop_after > 0 && s->n == s->stop_after ? -E2BIG : 0;
}

static struct policy *
load(void)
{
	struct policy *p = NULL;
	struct policy_error e = {0};

	assert_int_equal(policy_parse(policy_text, strlen(policy_text), &p, &e), 0);
	return p;
}

static void
expect_roots(const struct policy *p, const struct policy_caller *c, const char *want)
{
	struct seen s = {0};

	assert_int_equal(policy_roots_each(p, c, collect, &s), 0);
	assert_string_equal(s.buf, want);
}

static void
test_policy_roots_each_callers(void **state)
{
	struct policy *p = load();

	(void)state;
	/* /old is denied later; bob's rule is never reported to alice. */
	expect_roots(p, &c_alice, "/m/web /m/* /m/web /late");
	/* In :ops, the later deny of the same glob (line 12) takes that whole pattern
	 * away, and /m/web with it, which it matches. */
	expect_roots(p, &c_alice_ops, "/ops/* /late");
	/* A deny naming the very pattern takes it and every root it matches. */
	expect_roots(p, &c_carol, "");
	/* A deny without root takes everything before it, nothing after. */
	expect_roots(p, &c_dave, "/d/b");
	expect_roots(p, &c_nobody, "");
	policy_free(p);
}

static void
test_policy_roots_each_stop(void **state)
{
	struct policy *p = load();
	struct seen s = {.stop_after = 2};

	(void)state;
	assert_int_equal(policy_roots_each(p, &c_alice, collect, &s), -E2BIG);
	assert_string_equal(s.buf, "/m/web /m/*");
	assert_int_equal(policy_roots_each(NULL, &c_alice, collect, &s), -EINVAL);
	assert_int_equal(policy_roots_each(p, NULL, collect, &s), -EINVAL);
	assert_int_equal(policy_roots_each(p, &c_alice, NULL, &s), -EINVAL);
	policy_free(p);
}

static void
test_policy_root_visible_cases(void **state)
{
	struct policy *p = load();

	(void)state;
	assert_true(policy_root_visible(p, &c_alice, "/m/web"));
	assert_true(policy_root_visible(p, &c_alice, "/m/x"));
	assert_false(policy_root_visible(p, &c_alice, "/m/hidden")); /* line 4 */
	assert_false(policy_root_visible(p, &c_alice, "/old"));      /* line 3 */
	assert_false(policy_root_visible(p, &c_alice, "/m/x/y"));    /* one level only */
	assert_false(policy_root_visible(p, &c_alice, "/b/secret")); /* bob's */
	assert_false(policy_root_visible(p, &c_alice, "/m/*"));      /* not canonical */
	assert_false(policy_root_visible(p, &c_alice, "/m/../b/secret"));
	assert_false(policy_root_visible(p, &c_alice_ops, "/m/x"));   /* line 12 */
	assert_false(policy_root_visible(p, &c_alice_ops, "/m/web")); /* line 12 */
	assert_true(policy_root_visible(p, &c_alice_ops, "/late"));
	assert_true(policy_root_visible(p, &c_alice_ops, "/ops/a"));
	assert_false(policy_root_visible(p, &c_carol, "/c/a"));
	assert_false(policy_root_visible(p, &c_dave, "/d/a"));
	assert_true(policy_root_visible(p, &c_dave, "/d/b"));
	assert_false(policy_root_visible(p, &c_nobody, "/m/x"));
	assert_false(policy_root_visible(NULL, &c_alice, "/m/x"));
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_roots_each_callers),
	    cmocka_unit_test(test_policy_roots_each_stop),
	    cmocka_unit_test(test_policy_root_visible_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
