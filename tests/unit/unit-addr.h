/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the policy unit tests (include after <cmocka.h> and "policy.h"). */

#include <netinet/in.h>

/* A dotted quad the test knows is valid; fails the test otherwise. */
static inline struct in_addr
A(const char *s) {
	struct in_addr a;

	assert_int_equal(policy_addr_parse(s, &a), 0);
	return a;
}
