/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "unit-addr.h"

static const struct {
	const char *s;
	int r;
	const char *want;
} addrs[] = {
    {"198.18.0.1", 0, "198.18.0.1"},
    {"0.0.0.0", 0, "0.0.0.0"},
    {"255.255.255.255", 0, "255.255.255.255"},
    {"10.0.0.300", -EINVAL, NULL},
    {"010.0.0.1", -EINVAL, NULL},
    {"10.0.0", -EINVAL, NULL},
    {"10.0.0.1.", -EINVAL, NULL},
    {"10.0.0.1 ", -EINVAL, NULL},
    {" 10.0.0.1", -EINVAL, NULL},
    {"10.0.0.+1", -EINVAL, NULL},
    {"0x0a.0.0.1", -EINVAL, NULL},
    {"1000.0.0.1", -EINVAL, NULL},
    {"", -EINVAL, NULL},
    {"10..0.1", -EINVAL, NULL},
};

static void
test_policy_addr_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct in_addr a;
		char buf[INET_ADDRSTRLEN];
		int r = policy_addr_parse(addrs[i].s, &a);

		if (r != addrs[i].r)
			fail_msg("'%s': got %d want %d", addrs[i].s, r, addrs[i].r);
		if (r == 0)
			assert_string_equal(inet_ntop(AF_INET, &a, buf, sizeof(buf)),
			    addrs[i].want);
	}
}

static const struct {
	const char *s;
	bool host_ok;
	int r;
	uint8_t prefix;
} cidrs[] = {
    {"198.18.0.0/24", false, 0, 24},
    {"198.18.0.1/24", false, -EINVAL, 0},
    {"198.18.0.1/24", true, 0, 24},
    {"0.0.0.0/0", false, 0, 0},
    {"1.2.3.4/32", false, 0, 32},
    {"1.2.3.4/33", true, -EINVAL, 0},
    {"1.2.3.0/024", true, -EINVAL, 0},
    {"1.2.3.0/", true, -EINVAL, 0},
    {"1.2.3.0", true, -EINVAL, 0},
    {"1.2.3.0/24/", true, -EINVAL, 0},
    {"1.2.3.0/-1", true, -EINVAL, 0},
    {"10.0.0.300/24", true, -EINVAL, 0},
};

static void
test_policy_cidr_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cidrs) / sizeof(cidrs[0]); i++) {
		struct policy_cidr c;
		int r = policy_cidr_parse(cidrs[i].s, cidrs[i].host_ok, &c);

		if (r != cidrs[i].r)
			fail_msg("'%s': got %d want %d", cidrs[i].s, r, cidrs[i].r);
		if (r == 0)
			assert_int_equal(c.prefix, cidrs[i].prefix);
	}
}

static void
test_policy_cidr_contains(void **state)
{
	struct policy_cidr n;

	(void)state;
	assert_int_equal(policy_cidr_parse("198.18.0.0/24", false, &n), 0);
	assert_true(policy_cidr_contains(&n, A("198.18.0.0")));
	assert_true(policy_cidr_contains(&n, A("198.18.0.255")));
	assert_false(policy_cidr_contains(&n, A("198.18.1.0")));
	assert_false(policy_cidr_contains(&n, A("198.17.255.255")));
	assert_int_equal(policy_cidr_parse("0.0.0.0/0", false, &n), 0);
	assert_true(policy_cidr_contains(&n, A("255.255.255.255")));
}

static struct policy_grant
grant(const char *net, const char *gw)
{
	struct policy_grant g = {.has_range = true};

	assert_int_equal(policy_cidr_parse(net, false, &g.range), 0);
	if (gw != NULL) {
		g.has_gateway = true;
		g.gateway = A(gw);
	}
	return g;
}

static void
expect_pick(const struct policy_grant *g, const struct in_addr *used, size_t n, int want_r,
    const char *want)
{
	struct in_addr a = {0};
	int r = policy_pick_address(g, used, n, &a);

	assert_int_equal(r, want_r);
	if (r == 0)
		assert_int_equal(a.s_addr, A(want).s_addr);
}

static void
test_policy_pick_address_skips_gateway_and_used(void **state)
{
	struct policy_grant g = grant("198.18.0.0/24", "198.18.0.1");
	struct in_addr used[] = {A("198.18.0.3"), A("198.18.0.2"), A("10.0.0.1")};

	(void)state;
	expect_pick(&g, NULL, 0, 0, "198.18.0.2");
	expect_pick(&g, used, 3, 0, "198.18.0.4");
	g.has_gateway = false;
	expect_pick(&g, NULL, 0, 0, "198.18.0.1");
}

/* /30: network .0, hosts .1 .2, broadcast .3; the gateway takes .1. */
static void
test_policy_pick_address_full_range(void **state)
{
	struct policy_grant g = grant("198.18.0.0/30", "198.18.0.1");
	struct in_addr used[] = {A("198.18.0.2")};

	(void)state;
	expect_pick(&g, NULL, 0, 0, "198.18.0.2");
	expect_pick(&g, used, 1, -EADDRNOTAVAIL, NULL);
	/* never the broadcast, even when every other address is taken */
	g = grant("198.18.0.0/29", NULL);
	{
		struct in_addr all[6];

		for (unsigned i = 0; i < 6; i++)
			all[i].s_addr = htonl(ntohl(A("198.18.0.1").s_addr) + i);
		expect_pick(&g, all, 5, 0, "198.18.0.6");
		expect_pick(&g, all, 6, -EADDRNOTAVAIL, NULL);
	}
}

/* /31 and /32 have no address besides network and broadcast: nothing is picked. */
static void
test_policy_pick_address_31_32(void **state)
{
	struct policy_grant g31 = grant("198.18.0.0/31", NULL);
	struct policy_grant g32 = grant("198.18.0.7/32", NULL);
	struct policy_grant none = {0};

	(void)state;
	expect_pick(&g31, NULL, 0, -EADDRNOTAVAIL, NULL);
	expect_pick(&g32, NULL, 0, -EADDRNOTAVAIL, NULL);
	expect_pick(&none, NULL, 0, -EINVAL, NULL);
}

static void
test_policy_check_count(void **state)
{
	struct policy_grant g = {.max = 2};

	(void)state;
	assert_int_equal(policy_check_count(&g, 0), 0);
	assert_int_equal(policy_check_count(&g, 1), 0);
	assert_int_equal(policy_check_count(&g, 2), -EUSERS);
	assert_int_equal(policy_check_count(&g, 3), -EUSERS);
	g.max = 0;
	assert_int_equal(policy_check_count(&g, 100000), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_addr_parse_table),
	    cmocka_unit_test(test_policy_cidr_parse_table),
	    cmocka_unit_test(test_policy_cidr_contains),
	    cmocka_unit_test(test_policy_pick_address_skips_gateway_and_used),
	    cmocka_unit_test(test_policy_pick_address_full_range),
	    cmocka_unit_test(test_policy_pick_address_31_32),
	    cmocka_unit_test(test_policy_check_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
