/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* Decimal digits only, no leading zero unless the whole number is "0"; overflow is -ERANGE. */
static int
parse_digits(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

static unsigned
suffix_shift(char c)
{
	switch (c) {
	case 'K':
	case 'k':
		return 10;
	case 'M':
	case 'm':
		return 20;
	case 'G':
	case 'g':
		return 30;
	case 'T':
	case 't':
		return 40;
	default:
		return 0;
	}
}

int
units_parse_size(const char *s, uint64_t *ret)
{
	size_t n = strlen(s);
	unsigned shift = n > 0 ? suffix_shift(s[n - 1]) : 0;
	uint64_t v;
	int r;

	r = parse_digits(s, shift > 0 ? n - 1 : n, &v);
	if (r < 0)
		return r;
	if (v > (UNITS_SIZE_MAX >> shift))
		return -ERANGE;
	v <<= shift;
	if (v < UNITS_SIZE_MIN)
		return -ERANGE;
	*ret = v;
	return 0;
}

int
units_parse_cpus(const char *s, uint32_t *ret_milli)
{
	const char *dot = strchr(s, '.');
	size_t whole = dot != NULL ? (size_t)(dot - s) : strlen(s);
	uint64_t w, frac = 0;
	int r;

	r = parse_digits(s, whole, &w);
	if (r < 0)
		return r;
	if (dot != NULL) {
		size_t nf = strlen(dot + 1);
		if (nf == 0 || nf > 2 || strspn(dot + 1, "0123456789") != nf)
			return -EINVAL;
		frac =
		    (uint64_t)(dot[1] - '0') * 100 + (nf == 2 ? (uint64_t)(dot[2] - '0') * 10 : 0);
	}
	if (w > UNITS_CPUS_MAX / 1000 || w * 1000 + frac < UNITS_CPUS_MIN ||
	    w * 1000 + frac > UNITS_CPUS_MAX)
		return -ERANGE;
	*ret_milli = (uint32_t)(w * 1000 + frac);
	return 0;
}

void
units_format_size(uint64_t bytes, char buf[UNITS_BUF])
{
	static const char suffix[] = "KMGT";
	int k = -1;

	while (k < 3 && bytes != 0 && bytes % 1024 == 0) {
		bytes /= 1024;
		k++;
	}
	if (k < 0)
		(void)snprintf(buf, UNITS_BUF, "%llu", (unsigned long long)bytes);
	else
		(void)snprintf(buf, UNITS_BUF, "%llu%c", (unsigned long long)bytes, suffix[k]);
}

void
units_format_cpus(uint32_t milli, char buf[UNITS_BUF])
{
	unsigned frac = milli % 1000;

	if (frac == 0)
		(void)snprintf(buf, UNITS_BUF, "%u", milli / 1000);
	else if (frac % 100 == 0)
		(void)snprintf(buf, UNITS_BUF, "%u.%u", milli / 1000, frac / 100);
	else if (frac % 10 == 0)
		(void)snprintf(buf, UNITS_BUF, "%u.%02u", milli / 1000, frac / 10);
	else
		(void)snprintf(buf, UNITS_BUF, "%u.%03u", milli / 1000, frac);
}
