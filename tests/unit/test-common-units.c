/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/units: the one grammar of sizes and CPU counts (policy and frontend flags alike). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "units.h"

#define KI 1024ull
#define MI (KI * KI)
#define GI (MI * KI)
#define TI (GI * KI)

static const struct {
	const char *s;
	int r;
	uint64_t v;
} size_cases[] = {
    {"1M", 0, MI},
    {"1m", 0, MI},
    {"512M", 0, 512 * MI},
    {"2G", 0, 2 * GI},
    {"2g", 0, 2 * GI},
    {"1536M", 0, 1536 * MI},
    {"1024K", 0, MI},
    {"1024k", 0, MI},
    {"1T", 0, TI},
    /* the max: */
    {"1024T", 0, 1024 * TI},
    {"1073741824M", 0, 1024 * TI},
    /* bytes, no suffix, the min: */
    {"1048576", 0, MI},
    {"1125899906842624", 0, 1024 * TI},
    /* refused spellings */
    {"", -EINVAL, 0},
    {"M", -EINVAL, 0},
    {"-1", -EINVAL, 0},
    {"-1M", -EINVAL, 0},
    {"+1M", -EINVAL, 0},
    {"01", -EINVAL, 0},
    {"01M", -EINVAL, 0},
    {"1.5G", -EINVAL, 0},
    {"1MB", -EINVAL, 0},
    {"1MiB", -EINVAL, 0},
    {"1 M", -EINVAL, 0},
    {" 1M", -EINVAL, 0},
    {"1M ", -EINVAL, 0},
    {"1e3", -EINVAL, 0},
    {"1e3M", -EINVAL, 0},
    {"0x10M", -EINVAL, 0},
    {"1B", -EINVAL, 0},
    {"1P", -EINVAL, 0},
    {"1GG", -EINVAL, 0},
    /* out of range */
    {"99999999999999999999", -ERANGE, 0},
    {"99999999999999999999M", -ERANGE, 0},
    {"18446744073709551615", -ERANGE, 0},
    {"0", -ERANGE, 0},
    {"0M", -ERANGE, 0},
    /* min - 1: */
    {"1048575", -ERANGE, 0},
    {"1023K", -ERANGE, 0},
    /* above max: */
    {"1025T", -ERANGE, 0},
    {"1073741825M", -ERANGE, 0},
    /* max + 1: */
    {"1125899906842625", -ERANGE, 0},
    /* shifted past 2^64: */
    {"17179869184G", -ERANGE, 0},
};

static void
test_units_parse_size_table(void **state)
{
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		uint64_t v = 7;
		int r = units_parse_size(size_cases[i].s, &v);

		if (r != size_cases[i].r || (r == 0 && v != size_cases[i].v) || (r < 0 && v != 7)) {
			print_error("'%s': got %d %llu, want %d %llu\n", size_cases[i].s, r,
			    (unsigned long long)v, size_cases[i].r,
			    (unsigned long long)size_cases[i].v);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static const struct {
	const char *s;
	int r;
	uint32_t milli;
} cpus_cases[] = {
    {"0.5", 0, 500},
    {"2", 0, 2000},
    {"1.25", 0, 1250},
    {"1.05", 0, 1050},
    /* the min: */
    {"0.01", 0, 10},
    {"0.1", 0, 100},
    {"0.50", 0, 500},
    {"1.0", 0, 1000},
    {"0.99", 0, 990},
    /* the max: */
    {"1024", 0, 1024000},
    {"1024.0", 0, 1024000},
    {"1024.00", 0, 1024000},
    /* refused spellings */
    {"", -EINVAL, 0},
    {"-1", -EINVAL, 0},
    {"+1", -EINVAL, 0},
    {"01", -EINVAL, 0},
    {"00.5", -EINVAL, 0},
    {".5", -EINVAL, 0},
    {"1.", -EINVAL, 0},
    {"0.5.", -EINVAL, 0},
    {"0..5", -EINVAL, 0},
    /* three decimals: */
    {"0.001", -EINVAL, 0},
    {"1.5G", -EINVAL, 0},
    {"1M", -EINVAL, 0},
    {"1 ", -EINVAL, 0},
    {" 1", -EINVAL, 0},
    {"1 .5", -EINVAL, 0},
    {"1e3", -EINVAL, 0},
    {"0,5", -EINVAL, 0},
    {"0.-5", -EINVAL, 0},
    {"0x1", -EINVAL, 0},
    /* out of range */
    {"99999999999999999999", -ERANGE, 0},
    {"99999999999999999999.5", -ERANGE, 0},
    {"0", -ERANGE, 0},
    {"0.0", -ERANGE, 0},
    {"0.00", -ERANGE, 0},
    /* above max: */
    {"1024.01", -ERANGE, 0},
    {"1025", -ERANGE, 0},
    /* milli-CPUs past 2^32: */
    {"4294968", -ERANGE, 0},
};

static void
test_units_parse_cpus_table(void **state)
{
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cpus_cases) / sizeof(cpus_cases[0]); i++) {
		uint32_t v = 7;
		int r = units_parse_cpus(cpus_cases[i].s, &v);

		if (r != cpus_cases[i].r || (r == 0 && v != cpus_cases[i].milli) ||
		    (r < 0 && v != 7)) {
			print_error("'%s': got %d %u, want %d %u\n", cpus_cases[i].s, r, v,
			    cpus_cases[i].r, cpus_cases[i].milli);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static const struct {
	uint64_t bytes;
	const char *s;
} size_formats[] = {
    {MI, "1M"},
    {512 * MI, "512M"},
    {1536 * MI, "1536M"},
    {2 * GI, "2G"},
    {TI, "1T"},
    {1024 * TI, "1024T"},
    {MI + KI, "1025K"},
    {MI + 1, "1048577"},
    {1000, "1000"},
    {0, "0"},
    /* the longest, which fits UNITS_BUF: */
    {UINT64_MAX, "18446744073709551615"},
};

static void
test_units_format_size_table(void **state)
{
	char buf[UNITS_BUF];

	(void)state;
	for (size_t i = 0; i < sizeof(size_formats) / sizeof(size_formats[0]); i++) {
		units_format_size(size_formats[i].bytes, buf);
		assert_string_equal(buf, size_formats[i].s);
	}
}

static const struct {
	uint32_t milli;
	const char *s;
} cpus_formats[] = {
    {500, "0.5"},
    {2000, "2"},
    {1250, "1.25"},
    {1050, "1.05"},
    {10, "0.01"},
    {100, "0.1"},
    {1234, "1.234"},
    {1005, "1.005"},
    {1024000, "1024"},
    {UINT32_MAX, "4294967.295"},
};

static void
test_units_format_cpus_table(void **state)
{
	char buf[UNITS_BUF];

	(void)state;
	for (size_t i = 0; i < sizeof(cpus_formats) / sizeof(cpus_formats[0]); i++) {
		units_format_cpus(cpus_formats[i].milli, buf);
		assert_string_equal(buf, cpus_formats[i].s);
	}
}

/* What the parser accepts prints back to the same value, and as the same text when canonical. */
static void
test_units_round_trip(void **state)
{
	char buf[UNITS_BUF];

	(void)state;
	for (size_t i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		uint64_t v, v2;

		if (size_cases[i].r != 0)
			continue;
		assert_int_equal(units_parse_size(size_cases[i].s, &v), 0);
		units_format_size(v, buf);
		assert_int_equal(units_parse_size(buf, &v2), 0);
		assert_true(v == v2);
	}
	for (size_t i = 0; i < sizeof(cpus_cases) / sizeof(cpus_cases[0]); i++) {
		uint32_t v, v2;

		if (cpus_cases[i].r != 0)
			continue;
		assert_int_equal(units_parse_cpus(cpus_cases[i].s, &v), 0);
		units_format_cpus(v, buf);
		assert_int_equal(units_parse_cpus(buf, &v2), 0);
		assert_int_equal(v, v2);
	}
	/* every milli value the parser can produce (multiples of 10) prints in two decimals */
	for (uint32_t m = UNITS_CPUS_MIN; m <= UNITS_CPUS_MAX; m += 10) {
		uint32_t v;

		units_format_cpus(m, buf);
		if (units_parse_cpus(buf, &v) != 0 || v != m)
			fail_msg("%u -> '%s' does not parse back", m, buf);
	}
	for (unsigned shift = 20; shift <= 50; shift++) {
		uint64_t v;

		units_format_size(1ull << shift, buf);
		assert_int_equal(units_parse_size(buf, &v), 0);
		assert_true(v == 1ull << shift);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_units_parse_size_table),
	    cmocka_unit_test(test_units_parse_cpus_table),
	    cmocka_unit_test(test_units_format_size_table),
	    cmocka_unit_test(test_units_format_cpus_table),
	    cmocka_unit_test(test_units_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
