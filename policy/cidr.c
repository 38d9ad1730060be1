/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "policy.h"
#include "util.h"

/*
 * Parse a strict decimal number of at most max_digits digits with no
 * leading zero; *end is set past it. inet_aton() is not used on purpose: it
 * accepts octal ("010"), hex and short forms, which an administrator would
 * read differently from the kernel.
 */
static int
parse_dec(const char *s, unsigned max_digits, unsigned maxval, unsigned *ret, const char **end)
{
	unsigned v = 0, n = 0;

	while (s[n] >= '0' && s[n] <= '9') {
		if (n == max_digits)
			return -EINVAL;
		v = v * 10u + (unsigned)(s[n] - '0');
		n++;
	}
	if (n == 0 || (n > 1 && s[0] == '0') || v > maxval)
		return -EINVAL;
	*ret = v;
	*end = s + n;
	return 0;
}

static int
parse_quad(const char *s, uint32_t *ret, const char **end)
{
	uint32_t a = 0;
	unsigned part;

	for (int i = 0; i < 4; i++) {
		if (i > 0) {
			if (*s != '.')
				return -EINVAL;
			s++;
		}
		if (parse_dec(s, 3, 255, &part, &s) < 0)
			return -EINVAL;
		a = (a << 8) | part;
	}
	*ret = a;
	*end = s;
	return 0;
}

int
policy_addr_parse(const char *s, struct in_addr *ret)
{
	uint32_t a;
	const char *end;

	if (s == NULL || parse_quad(s, &a, &end) < 0 || *end != '\0')
		return -EINVAL;
	ret->s_addr = htonl(a);
	return 0;
}

int
policy_cidr_parse(const char *s, bool host_ok, struct policy_cidr *ret)
{
	uint32_t a;
	unsigned prefix;
	const char *end;

	if (s == NULL || parse_quad(s, &a, &end) < 0 || *end != '/')
		return -EINVAL;
	if (parse_dec(end + 1, 2, 32, &prefix, &end) < 0 || *end != '\0')
		return -EINVAL;
	if (!host_ok && (a & ~cidr_mask((uint8_t)prefix)) != 0)
		return -EINVAL;
	ret->addr.s_addr = htonl(a);
	ret->prefix = (uint8_t)prefix;
	return 0;
}

uint32_t
cidr_mask(uint8_t prefix)
{
	if (prefix == 0)
		return 0;
	if (prefix >= 32)
		return UINT32_MAX;
	return UINT32_MAX << (32u - prefix);
}

uint32_t
cidr_first(const struct policy_cidr *net)
{
	return ntohl(net->addr.s_addr) & cidr_mask(net->prefix);
}

uint32_t
cidr_last(const struct policy_cidr *net)
{
	return cidr_first(net) | ~cidr_mask(net->prefix);
}

bool
policy_cidr_contains(const struct policy_cidr *net, struct in_addr addr)
{
	return (ntohl(addr.s_addr) & cidr_mask(net->prefix)) == cidr_first(net);
}

bool
cidr_is_edge(const struct policy_cidr *net, struct in_addr addr)
{
	uint32_t a = ntohl(addr.s_addr);

	return a == cidr_first(net) || a == cidr_last(net);
}

const char *
cidr_addr_str(struct in_addr addr, char *buf, size_t len)
{
	uint32_t a = ntohl(addr.s_addr);
	int n =
	    snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255u, (a >> 8) & 255u, a & 255u);

	if (n < 0 || (size_t)n >= len)
		return "?";
	return buf;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * The lowest free address: walk upwards from network+1 over a sorted copy
 * of in_use, so the cost is O(n log n) in the leases, not in the range size.
 * /31 and /32 ranges have no address besides network and broadcast, so
 * nothing is ever picked from them (the parser refuses them anyway).
 */
int
policy_pick_address(const struct policy_grant *g, const struct in_addr *in_use, size_t n_in_use,
    struct in_addr *ret)
{
	_cleanup_free_ uint32_t *used = NULL;
	uint32_t gw, last;
	uint64_t cand;
	size_t i = 0;

	if (g == NULL || !g->has_range || (n_in_use > 0 && in_use == NULL))
		return -EINVAL;
	if (g->range.prefix >= 31)
		return -EADDRNOTAVAIL;
	used = reallocarray(NULL, n_in_use + 1, sizeof(*used));
	if (used == NULL)
		return -ENOMEM;
	for (size_t k = 0; k < n_in_use; k++)
		used[k] = ntohl(in_use[k].s_addr);
	qsort(used, n_in_use, sizeof(*used), cmp_u32);
	gw = g->has_gateway ? ntohl(g->gateway.s_addr) : 0;
	last = cidr_last(&g->range);
	for (cand = (uint64_t)cidr_first(&g->range) + 1; cand < last; cand++) {
		while (i < n_in_use && used[i] < cand)
			i++;
		if (i < n_in_use && used[i] == cand)
			continue;
		if (g->has_gateway && cand == gw)
			continue;
		ret->s_addr = htonl((uint32_t)cand);
		return 0;
	}
	return -EADDRNOTAVAIL;
}
