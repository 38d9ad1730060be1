/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

int
escape_parse_key(const char *s, uint8_t *ret_key)
{
	unsigned char c;
	uint8_t key;

	if (s == NULL || s[0] != '^' || s[1] == '\0' || s[2] != '\0')
		return -EINVAL;
	c = (unsigned char)s[1];
	if (isalpha(c))
		key = (uint8_t)(toupper(c) & 0x1f);
	else if (strchr("@[\\]^_", c) != NULL)
		key = (uint8_t)(c & 0x1f);
	else
		return -EINVAL;
	/* Enter pressed three times quickly is common: it must never stop a container. */
	if (key == '\n' || key == '\r')
		return -EINVAL;
	*ret_key = key;
	return 0;
}

const char *
escape_key_name(uint8_t key, char *buf, size_t size)
{
	int n = snprintf(buf, size, "Ctrl-%c", (char)(key | 0x40));

	if (n < 0 || (size_t)n >= size)
		return "the escape key";
	return buf;
}

void
escape_init(struct escape *e, bool enabled, uint8_t key)
{
	memset(e, 0, sizeof(*e));
	e->enabled = enabled;
	e->key = key;
}

static long long
elapsed_ms(const struct timespec *from, const struct timespec *to)
{
	return (long long)(to->tv_sec - from->tv_sec) * 1000 +
	    (to->tv_nsec - from->tv_nsec) / 1000000;
}

static size_t
release(struct escape *e, uint8_t *out)
{
	size_t n = e->pending;

	memset(out, e->key, n);
	e->pending = 0;
	return n;
}

size_t
escape_expire(struct escape *e, const struct timespec *now, uint8_t *out)
{
	if (e->pending == 0 || elapsed_ms(&e->first, now) < ESCAPE_WINDOW_MS)
		return 0;
	return release(e, out);
}

bool
escape_feed(struct escape *e, const uint8_t *in, size_t n, const struct timespec *now, uint8_t *out,
    size_t *ret_len)
{
	size_t len = 0;

	if (!e->enabled) {
		memcpy(out, in, n);
		*ret_len = n;
		return false;
	}
	len += escape_expire(e, now, out);
	for (size_t i = 0; i < n; i++) {
		if (in[i] != e->key && e->pending == 1 && in[i] == ESCAPE_DETACH_KEY &&
		    !e->no_detach) {
			e->pending = 0;
			e->action = ESCAPE_DETACH;
			*ret_len = len;
			return true;
		}
		if (in[i] != e->key) {
			len += release(e, out + len);
			out[len++] = in[i];
			continue;
		}
		if (e->pending == 0)
			e->first = *now;
		if (++e->pending == ESCAPE_PRESSES) {
			e->pending = 0;
			e->action = ESCAPE_LEAVE;
			*ret_len = len;
			return true;
		}
	}
	*ret_len = len;
	return false;
}

int
escape_timeout_ms(const struct escape *e, const struct timespec *now)
{
	long long left;

	if (e->pending == 0)
		return -1;
	left = ESCAPE_WINDOW_MS - elapsed_ms(&e->first, now);
	if (left <= 0)
		return 0;
	return (int)left + 1;
}
