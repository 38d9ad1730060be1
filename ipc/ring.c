/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

int
ipc_ring_init(struct ipc_ring *r, size_t size)
{
	memset(r, 0, sizeof(*r));
	if (size == 0 || size > IPC_RING_MAX_SIZE)
		return -EINVAL;
	r->buf = malloc(size);
	if (r->buf == NULL)
		return -ENOMEM;
	r->size = size;
	return 0;
}

void
ipc_ring_done(struct ipc_ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

void
ipc_ring_write(struct ipc_ring *r, const uint8_t *p, size_t n)
{
	size_t end, first;

	if (r->size == 0 || n == 0)
		return;
	r->written += n;
	/* Only the last size bytes of a large write can survive: skip the rest up front. */
	if (n > r->size) {
		r->lost += r->len + (n - r->size);
		p += n - r->size;
		n = r->size;
		r->start = 0;
		r->len = 0;
	}
	if (r->len + n > r->size) {
		size_t drop = r->len + n - r->size;

		r->start = (r->start + drop) % r->size;
		r->len -= drop;
		r->lost += drop;
	}
	end = (r->start + r->len) % r->size;
	first = r->size - end < n ? r->size - end : n;
	memcpy(r->buf + end, p, first);
	memcpy(r->buf, p + first, n - first);
	r->len += n;
}

size_t
ipc_ring_len(const struct ipc_ring *r)
{
	return r->len;
}

size_t
ipc_ring_peek(const struct ipc_ring *r, size_t off, const uint8_t **ret)
{
	size_t pos, n;

	if (off >= r->len)
		return 0;
	pos = (r->start + off) % r->size;
	n = r->len - off;
	if (n > r->size - pos)
		n = r->size - pos;
	*ret = r->buf + pos;
	return n;
}

void
ipc_ring_clear(struct ipc_ring *r)
{
	r->start = 0;
	r->len = 0;
	r->lost = 0;
}

uint64_t
ipc_ring_begin(const struct ipc_ring *r)
{
	return r->written - r->len;
}

uint64_t
ipc_ring_end(const struct ipc_ring *r)
{
	return r->written;
}

static uint8_t
byte_at(const struct ipc_ring *r, size_t off)
{
	return r->buf[(r->start + off) % r->size];
}

size_t
ipc_ring_tail_lines(const struct ipc_ring *r, size_t lines)
{
	size_t off = r->len, seen = 0;

	if (lines == 0)
		return r->len;
	/* A newline that ends the held bytes ends the last line; it starts none. */
	if (off > 0 && byte_at(r, off - 1) == '\n')
		off--;
	while (off > 0) {
		if (byte_at(r, off - 1) == '\n' && ++seen == lines)
			return off;
		off--;
	}
	return 0;
}
