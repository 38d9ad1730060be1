/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"
#include "policy.h"

#define OKR " userns 100000 65536"
#define P "permit alice root /m/web"

static const struct {
	const char *text;
	int r;
	unsigned line, col;
} cases[] = {
    {"", 0, 0, 0},
    {"# only a comment\n\n   \n", 0, 0, 0},
    {P OKR "\n", 0, 0, 0},
    {P " privileged", 0, 0, 0},
    {"permit :wheel root /m/* bridge br0 address 198.18.0.0/24 gateway 198.18.0.1 max 2"
     " init /sbin/init init /bin/sh" OKR,
        0, 0, 0},
    {"permit #1000 root /m/a" OKR, 0, 0, 0},
    {"permit :#10 root /m/a" OKR, 0, 0, 0},
    {"permit alice \\\n  root /m/a \\\n" OKR "\n", 0, 0, 0},
    {"deny mallory", 0, 0, 0},
    {"deny mallory root /m/a root /m/b/*", 0, 0, 0},
    {P OKR " # trailing comment", 0, 0, 0},
    {"# comment \\\n" P OKR, 0, 0, 0},
    /* userns and privileged rules may not share a tree (issue 10, F1): the error is
     * on the later rule's root */
    {"permit a root /m/*" OKR "\npermit b root /p/* privileged", 0, 0, 0},
    {"permit a root /m/*" OKR "\npermit b root /mx privileged", 0, 0, 0},
    {"permit a root /m/*" OKR "\npermit b root /m/web privileged", -EINVAL, 2, 15},
    {"permit a root /m/web" OKR "\npermit b root /m/* privileged", -EINVAL, 2, 15},
    {"permit a root /m/web" OKR "\npermit b root /m privileged", -EINVAL, 2, 15},
    {"permit a root /m/web" OKR "\npermit b root /m/web/sbin privileged", -EINVAL, 2, 15},
    {"permit a root /m/web/x/*" OKR "\npermit b root /m/* privileged", -EINVAL, 2, 15},
    {"permit b root /m/web privileged\npermit a root /q root /m/web" OKR, -EINVAL, 2, 23},
    {"permit a root /m/web" OKR "\ndeny b root /m/web\npermit c root /m/webx privileged", 0, 0, 0},
    /* errors: line and column of the offending word */
    {"allow alice", -EINVAL, 1, 1},
    {"\n\n  permit", -EINVAL, 3, 3},
    {P OKR " frobnicate", -EINVAL, 1, 46},
    {"permit al/ice root /m/a" OKR, -EINVAL, 1, 8},
    {"permit #01 root /m/a" OKR, -EINVAL, 1, 8},
    {"permit #4294967295 root /m/a" OKR, -EINVAL, 1, 8},
    {"permit alice root m/web" OKR, -EINVAL, 1, 19},
    {"permit alice root /m/../x" OKR, -EINVAL, 1, 19},
    {"permit alice root /m//x" OKR, -EINVAL, 1, 19},
    {"permit alice root /m/x/" OKR, -EINVAL, 1, 19},
    {"permit alice root /m/./x" OKR, -EINVAL, 1, 19},
    {"permit alice root /" OKR, -EINVAL, 1, 19},
    {"permit alice root /m/*/x" OKR, -EINVAL, 1, 19},
    {"permit alice root /m/a* " OKR, -EINVAL, 1, 19},
    {P " root /m/web" OKR, -EINVAL, 1, 31},
    {P " init /x/*" OKR, -EINVAL, 1, 31},
    {P " bridge br0123456789abcd" OKR, -EINVAL, 1, 33},
    {P " bridge .." OKR, -EINVAL, 1, 33},
    {P " bridge b/r" OKR, -EINVAL, 1, 33},
    {P " address 10.0.0.300/24" OKR, -EINVAL, 1, 34},
    {P " address 10.0.0.0/33" OKR, -EINVAL, 1, 34},
    {P " address 010.0.0.0/8" OKR, -EINVAL, 1, 34},
    {P " address 10.0.0.1/24" OKR, -EINVAL, 1, 34},
    {P " address 10.0.0.0/024" OKR, -EINVAL, 1, 34},
    {P " address 10.0.0.0/31" OKR, -EINVAL, 1, 34},
    {P " address 10.0.0.0/24 address 10.0.1.0/24" OKR, -EINVAL, 1, 46},
    {P " address 10.0.0.0/24 gateway 10.0.1.1" OKR, -EINVAL, 1, 54},
    {P " address 10.0.0.0/24 gateway 10.0.0.255" OKR, -EINVAL, 1, 54},
    {P " gateway 10.0.0.1" OKR, -EINVAL, 1, 26},
    {P " max 0" OKR, -EINVAL, 1, 30},
    {P " max 4097" OKR, -EINVAL, 1, 30},
    {P " max 4096" OKR, 0, 0, 0},
    {P " max +1" OKR, -EINVAL, 1, 30},
    {P " max" OKR, -EINVAL, 1, 30},
    {P, -EINVAL, 1, 1},
    {"permit alice" OKR, -EINVAL, 1, 1},
    {P OKR " privileged", -EINVAL, 1, 46},
    {P " userns 0 65536", -EINVAL, 1, 33},
    {P " userns 1 65535", -EINVAL, 1, 35},
    {P " userns 4294901760 65536", -EINVAL, 1, 44},
    {P " userns 4294901759 65536", 0, 0, 0},
    {P " userns 1", -EINVAL, 1, 26},
    {"permit bob root /m/a userns 100000 65536\n" P " userns 165535 65536", -EINVAL, 2, 26},
    {"permit alice root /m/a userns 100000 65536\n" P " userns 100000 65536", 0, 0, 0},
    {"permit bob root /m/a userns 100000 65536\n" P " userns 165536 65536", 0, 0, 0},
    {"deny mallory bridge br0", -EINVAL, 1, 14},
    {"deny", -EINVAL, 1, 1},
    {"permit alice root /m/a\0" OKR, -EINVAL, 1, 23},
    {"permit alice \\ root /m/a" OKR, -EINVAL, 1, 14},
    {P OKR " \\", -EINVAL, 1, 46},
    {"permit alice root /m/a\r" OKR, -EINVAL, 1, 23},
    /* ceilings (issue 14): memory SIZE, pids N, cpus N, each once, only on permit */
    {P OKR " memory 512M", 0, 0, 0},
    {P OKR " memory 2G pids 100 cpus 0.5", 0, 0, 0},
    {P " cpus 2 pids 9000 memory 1536M" OKR, 0, 0, 0},
    {P " privileged memory 1g", 0, 0, 0},
    {P OKR " memory 1M pids 1 cpus 0.01", 0, 0, 0},
    {P OKR " memory 1024T pids 4194304 cpus 1024", 0, 0, 0},
    {P OKR " memory 1048576", 0, 0, 0},
    {P OKR " memory 1.5G", -EINVAL, 1, 53},
    {P OKR " memory 1MB", -EINVAL, 1, 53},
    {P OKR " memory 1 M", -EINVAL, 1, 53},
    {P OKR " memory 0", -EINVAL, 1, 53},
    {P OKR " memory 01M", -EINVAL, 1, 53},
    {P OKR " memory -1", -EINVAL, 1, 53},
    {P OKR " memory 1023K", -EINVAL, 1, 53},
    {P OKR " memory 1025T", -EINVAL, 1, 53},
    {P OKR " memory 99999999999999999999", -EINVAL, 1, 53},
    {P OKR " memory", -EINVAL, 1, 46},
    {P OKR " memory 1G memory 1G", -EINVAL, 1, 56},
    {P OKR " pids 0", -EINVAL, 1, 51},
    {P OKR " pids 4194305", -EINVAL, 1, 51},
    {P OKR " pids 01", -EINVAL, 1, 51},
    {P OKR " pids +1", -EINVAL, 1, 51},
    {P OKR " pids 1.5", -EINVAL, 1, 51},
    {P OKR " pids 1K", -EINVAL, 1, 51},
    {P OKR " pids 99999999999999999999", -EINVAL, 1, 51},
    {P OKR " pids", -EINVAL, 1, 46},
    {P OKR " pids 10 pids 20", -EINVAL, 1, 54},
    {P OKR " cpus 0.001", -EINVAL, 1, 51},
    {P OKR " cpus 0", -EINVAL, 1, 51},
    {P OKR " cpus 0.00", -EINVAL, 1, 51},
    {P OKR " cpus 1024.01", -EINVAL, 1, 51},
    {P OKR " cpus 1025", -EINVAL, 1, 51},
    {P OKR " cpus 0.5.", -EINVAL, 1, 51},
    {P OKR " cpus .5", -EINVAL, 1, 51},
    {P OKR " cpus 1e3", -EINVAL, 1, 51},
    {P OKR " cpus 1G", -EINVAL, 1, 51},
    {P OKR " cpus", -EINVAL, 1, 46},
    {P OKR " cpus 1 cpus 1", -EINVAL, 1, 53},
    {"deny mallory memory 1G", -EINVAL, 1, 14},
    {"deny mallory pids 10", -EINVAL, 1, 14},
    {"deny mallory cpus 1", -EINVAL, 1, 14},
    {"deny mallory root /m/a memory 1G", -EINVAL, 1, 24},
    /* the first error of the file is reported; later lines are still checked */
    {"deny a\nbogus\ndeny b bridge x\n", -EINVAL, 2, 1},
};

static void
test_policy_parse_table(void **state)
{
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy *p = NULL;
		struct policy_error e;
		size_t len = strlen(cases[i].text);
		int r;

		/* the NUL case: count past the embedded NUL */
		if (strstr(cases[i].text, "/m/a") != NULL && cases[i].col == 23 &&
		    cases[i].text[22] == '\0')
			len = 22 + 1 + strlen(OKR);
		r = policy_parse(cases[i].text, len, &p, &e);
		if (r != cases[i].r ||
		    (r < 0 && (e.line != cases[i].line || e.col != cases[i].col)))
			print_error("case %zu '%s': got %d %u:%u (%s), want %d %u:%u\n", i,
			    cases[i].text, r, e.line, e.col, r < 0 ? e.msg : "", cases[i].r,
			    cases[i].line, cases[i].col),
			    bad++;
		assert_true(r < 0 ? p == NULL : p != NULL);
		policy_free(p);
	}
	assert_int_equal(bad, 0);
}

struct collect {
	unsigned n_err, n_warn;
	unsigned lines[16];
};

static void
collect_fn(const struct policy_diag *d, void *userdata)
{
	struct collect *c = userdata;

	if (d->warning) {
		c->n_warn++;
		return;
	}
	if (c->n_err < 16)
		c->lines[c->n_err] = d->line;
	c->n_err++;
}

static void
test_policy_parse_all_reports_every_error(void **state)
{
	const char *t = "bogus\n" P OKR "\ndeny x bridge y\n"
	                "permit :g root /m/a privileged\npermit y root rel" OKR "\n";
	struct collect c = {0};
	struct policy *p = NULL;

	(void)state;
	assert_int_equal(policy_parse_all(t, strlen(t), &p, collect_fn, &c), -EINVAL);
	assert_null(p);
	assert_int_equal(c.n_err, 3);
	assert_int_equal(c.lines[0], 1);
	assert_int_equal(c.lines[1], 3);
	assert_int_equal(c.lines[2], 5);
	/* line 2: no memory ceiling; line 4: no memory ceiling, privileged */
	assert_int_equal(c.n_warn, 3);
}

/* The ceilings as parsed; 0 where the rule sets none. */
static void
test_policy_parse_limits(void **state)
{
	const char *t = P OKR " memory 512M pids 100 cpus 1.25\n" P OKR "\n";
	struct policy *p = NULL;
	const struct policy_rule *r;

	(void)state;
	assert_int_equal(policy_parse(t, strlen(t), &p, NULL), 0);
	r = policy_rule_at(p, 0);
	assert_true(r->memory == 512ull << 20);
	assert_int_equal(r->pids, 100);
	assert_int_equal(r->cpus_milli, 1250);
	r = policy_rule_at(p, 1);
	assert_true(r->memory == 0);
	assert_int_equal(r->pids, 0);
	assert_int_equal(r->cpus_milli, 0);
	policy_free(p);
}

static void
expect_msg(const char *text, const char *msg)
{
	struct policy *p = NULL;
	struct policy_error e;

	assert_int_equal(policy_parse(text, strlen(text), &p, &e), -EINVAL);
	assert_string_equal(e.msg, msg);
}

/* Each refusal names the option and what it may be, in the words of the frontend's flags. */
static void
test_policy_parse_limit_messages(void **state)
{
	(void)state;
	expect_msg(P OKR " memory 1.5G",
	    "memory must be a size such as 512M or 2G (1M to 1024T), found '1.5G'");
	expect_msg(P OKR " pids 0", "pids must be a number of tasks from 1 to 4194304, found '0'");
	expect_msg(P OKR " cpus 0.001",
	    "cpus must be a number of CPUs such as 0.5 or 2 "
	    "(0.01 to 1024, at most two decimals), found '0.001'");
	expect_msg(P OKR " pids 1 pids 2", "duplicate option pids (first at column 46)");
	expect_msg("deny a cpus 1", "a deny rule takes no option but root (found cpus)");
}

struct warnings {
	unsigned n;
	char msg[4][POLICY_MSG_MAX];
	unsigned line[4];
};

static void
warn_fn(const struct policy_diag *d, void *userdata)
{
	struct warnings *w = userdata;

	if (d->warning && w->n < 4) {
		w->line[w->n] = d->line;
		memcpy(w->msg[w->n++], d->msg, sizeof(d->msg));
	}
}

/* A permit rule without memory warns (one container can take the host's memory); deny never. */
static void
test_policy_parse_warns_no_memory(void **state)
{
	const char *t = P OKR " memory 1G\n" P OKR "\ndeny bob\n" P OKR " pids 10 cpus 1\n";
	struct warnings w = {0};
	struct policy *p = NULL;

	(void)state;
	assert_int_equal(policy_parse_all(t, strlen(t), &p, warn_fn, &w), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.line[0], 2);
	assert_int_equal(w.line[1], 4);
	assert_string_equal(w.msg[0],
	    "permit rule sets no memory ceiling: one of its containers "
	    "can use all of the host's memory (add memory SIZE)");
	policy_free(p);
}

static char *
repeat_line(const char *line, size_t times, size_t *ret_len)
{
	size_t n = strlen(line);
	char *s = malloc(n * times + 1);

	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * n, line, n);
	s[n * times] = '\0';
	*ret_len = n * times;
	return s;
}

static void
expect(const char *text, size_t len, int want, unsigned line, unsigned col)
{
	struct policy *p = NULL;
	struct policy_error e;
	int r = policy_parse(text, len, &p, &e);

	if (r != want || (r < 0 && (e.line != line || e.col != col)))
		fail_msg("got %d %u:%u (%s), want %d %u:%u", r, e.line, e.col, r < 0 ? e.msg : "",
		    want, line, col);
	policy_free(p);
}

static void
test_policy_parse_cap_rules(void **state)
{
	size_t len;
	char *s = repeat_line("deny a\n", POLICY_MAX_RULES + 1, &len);

	(void)state;
	expect(s, len - 7, 0, 0, 0);
	expect(s, len, -E2BIG, POLICY_MAX_RULES + 1, 1);
	free(s);
}

static void
test_policy_parse_cap_file(void **state)
{
	size_t len;
	char *s = repeat_line("#\n", POLICY_MAX_FILE / 2, &len);

	(void)state;
	assert_int_equal(len, POLICY_MAX_FILE);
	expect(s, len, 0, 0, 0);
	s = realloc(s, len + 2);
	assert_non_null(s);
	s[len] = '\n';
	expect(s, len + 1, -E2BIG, 0, 0);
	free(s);
}

/* "deny " + name padded to n bytes: the token length is n - 5. */
static void
test_policy_parse_cap_token(void **state)
{
	char *s = malloc(POLICY_MAX_TOKEN + 64);

	(void)state;
	assert_non_null(s);
	/* a root path of exactly MAX_TOKEN bytes */
	memcpy(s, "deny a root /", 13);
	memset(s + 13, 'x', POLICY_MAX_TOKEN - 1);
	expect(s, 13 + POLICY_MAX_TOKEN - 1, 0, 0, 0);
	s[13 + POLICY_MAX_TOKEN - 1] = 'x';
	expect(s, 13 + POLICY_MAX_TOKEN, -E2BIG, 1, 13);
	free(s);
}

/* The line cap counts the logical line: a continuation's backslash-newline is not counted. */
static void
test_policy_parse_cap_line(void **state)
{
	size_t n = POLICY_MAX_LINE;
	char *s = malloc(n + 64);

	(void)state;
	assert_non_null(s);
	memset(s, ' ', n + 64);
	memcpy(s, "deny a", 6);
	memcpy(s + 100, "\\\n", 2);
	expect(s, n + 2, 0, 0, 0);
	expect(s, n + 3, -E2BIG, 2, (unsigned)(n - 100 + 1));
	free(s);
}

/*
 * A continuation ends a word without counting toward the line cap, so one-byte
 * words joined by backslash-newlines must hit the word cap, not overrun the
 * lexer's word array (LEX_MAX_TOKENS = POLICY_MAX_LINE / 2 + 2 words).
 */
/* "deny" then n one-byte words, each on its own continuation line. */
static char *
continued_words(size_t n, size_t *ret_len)
{
	char *s = malloc(4 + 3 * n + 1);

	assert_non_null(s);
	memcpy(s, "deny", 4);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 4 + 3 * i, "\\\na", 3);
	s[4 + 3 * n] = '\0';
	*ret_len = 4 + 3 * n;
	return s;
}

/*
 * A continuation ends a word without counting toward the line cap, so 2-byte
 * "x\\\n" words could outnumber the lexer's word array (POLICY_MAX_LINE / 2 + 2):
 * the word cap must refuse them instead of writing past it.
 */
static void
test_policy_parse_cap_words(void **state)
{
	const size_t max = POLICY_MAX_LINE / 2 + 2;
	size_t len;
	char *s;

	(void)state;
	s = continued_words(max - 1, &len); /* max words: lexed, then "a" is no option */
	expect(s, len, -EINVAL, 3, 1);
	free(s);
	s = continued_words(max, &len);
	expect(s, len, -E2BIG, (unsigned)max + 1, 1);
	free(s);
	s = continued_words(POLICY_MAX_LINE, &len); /* the line cap alone lets 4096 through */
	expect(s, len, -E2BIG, (unsigned)max + 1, 1);
	free(s);
}

static void
test_policy_parse_cap_items(void **state)
{
	char *s = malloc(64 * 16 + 128);
	size_t len;

	(void)state;
	assert_non_null(s);
	len = (size_t)snprintf(s, 64, "deny a");
	for (unsigned i = 0; i < POLICY_MAX_ITEMS; i++)
		len += (size_t)snprintf(s + len, 32, " root /r%02u", i);
	expect(s, len, 0, 0, 0);
	len += (size_t)snprintf(s + len, 32, " root /r%02u", 99);
	expect(s, len, -E2BIG, 1, (unsigned)(len - 8));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_parse_table),
	    cmocka_unit_test(test_policy_parse_all_reports_every_error),
	    cmocka_unit_test(test_policy_parse_limits),
	    cmocka_unit_test(test_policy_parse_limit_messages),
	    cmocka_unit_test(test_policy_parse_warns_no_memory),
	    cmocka_unit_test(test_policy_parse_cap_rules),
	    cmocka_unit_test(test_policy_parse_cap_file),
	    cmocka_unit_test(test_policy_parse_cap_token),
	    cmocka_unit_test(test_policy_parse_cap_line),
	    cmocka_unit_test(test_policy_parse_cap_words),
	    cmocka_unit_test(test_policy_parse_cap_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
