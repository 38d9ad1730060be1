/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/util: the character and interface-name rules every part applies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static void
test_util_portable_char_all_bytes(void **state)
{
	(void)state;
	for (int b = -128; b < 128; b++) {
		char c = (char)b;
		bool want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		if (util_portable_char(c) != want)
			fail_msg("util_portable_char(0x%02x) != %d", (unsigned)(unsigned char)c,
			    want);
	}
}

struct ifname_case {
	const char *name;
	bool want;
};

static void
test_util_ifname_ok_table(void **state)
{
	static const struct ifname_case cases[] = {
	    {"br0", true},
	    {"a", true},
	    {"ve-web", true},
	    {"ve-web1-0a1b2", true},
	    {"br_lan.10", true},
	    {"-x", true},
	    {".x", true},
	    {"x..", true},
	    {"", false},
	    {".", false},
	    {"..", false},
	    {"br/0", false},
	    {"br:0", false},
	    {"br 0", false},
	    {"br\t0", false},
	    {"br\n", false},
	    {"br@0", false},
	    {"br\x7f", false},
	    {"br\xc3\xa9", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (util_ifname_ok(cases[i].name) != cases[i].want)
			fail_msg("util_ifname_ok(\"%s\") != %d", cases[i].name, cases[i].want);
	}
	assert_false(util_ifname_ok(NULL));
}

static void
test_util_ifname_ok_limits(void **state)
{
	char buf[UTIL_IFNAME_MAX + 2];

	(void)state;
	memset(buf, 'b', UTIL_IFNAME_MAX);
	buf[UTIL_IFNAME_MAX] = '\0';
	assert_true(util_ifname_ok(buf));
	buf[UTIL_IFNAME_MAX] = 'b';
	buf[UTIL_IFNAME_MAX + 1] = '\0';
	assert_false(util_ifname_ok(buf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_util_portable_char_all_bytes),
	    cmocka_unit_test(test_util_ifname_ok_table),
	    cmocka_unit_test(test_util_ifname_ok_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
