/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "wire.h"

void
ipc_wbuf_init(struct ipc_wbuf *w, uint8_t *p, size_t size)
{
	w->p = p;
	w->size = size;
	w->len = 0;
	w->err = 0;
}

static void
wbuf_fail(struct ipc_wbuf *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

static void
put_bytes(struct ipc_wbuf *w, const void *p, size_t n)
{
	if (w->err != 0)
		return;
	if (n > w->size - w->len) {
		wbuf_fail(w, -E2BIG);
		return;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

void
ipc_put_u8(struct ipc_wbuf *w, uint8_t v)
{
	put_bytes(w, &v, 1);
}

void
ipc_put_u16(struct ipc_wbuf *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v & 0xffu), (uint8_t)(v >> 8)};

	put_bytes(w, b, sizeof(b));
}

void
ipc_put_u32(struct ipc_wbuf *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v & 0xffu), (uint8_t)((v >> 8) & 0xffu),
	    (uint8_t)((v >> 16) & 0xffu), (uint8_t)(v >> 24)};

	put_bytes(w, b, sizeof(b));
}

void
ipc_put_i32(struct ipc_wbuf *w, int32_t v)
{
	/* Two's complement bit pattern; the conversion is well defined for unsigned. */
	ipc_put_u32(w, (uint32_t)v);
}

void
ipc_put_u64(struct ipc_wbuf *w, uint64_t v)
{
	ipc_put_u32(w, (uint32_t)(v & 0xffffffffu));
	ipc_put_u32(w, (uint32_t)(v >> 32));
}

void
ipc_put_data(struct ipc_wbuf *w, const uint8_t *data, size_t n)
{
	if (data == NULL || n == 0) {
		wbuf_fail(w, -EINVAL);
		return;
	}
	if (n > IPC_MAX_DATA) {
		wbuf_fail(w, -E2BIG);
		return;
	}
	ipc_put_u32(w, (uint32_t)n);
	put_bytes(w, data, n);
}

void
ipc_put_str(struct ipc_wbuf *w, const char *s)
{
	size_t n;

	if (s == NULL) {
		wbuf_fail(w, -EINVAL);
		return;
	}
	n = strnlen(s, IPC_MAX_STR);
	if (n >= IPC_MAX_STR) {
		wbuf_fail(w, -E2BIG);
		return;
	}
	ipc_put_u32(w, (uint32_t)(n + 1));
	put_bytes(w, s, n + 1);
}

void
ipc_put_strv(struct ipc_wbuf *w, const struct ipc_strv *sv)
{
	if (sv->n > IPC_MAX_ARGS) {
		wbuf_fail(w, -E2BIG);
		return;
	}
	if (sv->n > 0 && sv->v == NULL) {
		wbuf_fail(w, -EINVAL);
		return;
	}
	ipc_put_u32(w, (uint32_t)sv->n);
	for (size_t i = 0; i < sv->n; i++)
		ipc_put_str(w, sv->v[i]);
}

void
ipc_rbuf_init(struct ipc_rbuf *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}

size_t
ipc_rbuf_left(const struct ipc_rbuf *r)
{
	return r->len - r->off;
}

static int
get_bytes(struct ipc_rbuf *r, size_t n, const uint8_t **ret)
{
	if (n > ipc_rbuf_left(r))
		return -EPROTO;
	*ret = r->p + r->off;
	r->off += n;
	return 0;
}

int
ipc_get_u8(struct ipc_rbuf *r, uint8_t *ret)
{
	const uint8_t *b;
	int k = get_bytes(r, 1, &b);

	if (k < 0)
		return k;
	*ret = b[0];
	return 0;
}

int
ipc_get_u16(struct ipc_rbuf *r, uint16_t *ret)
{
	const uint8_t *b;
	int k = get_bytes(r, 2, &b);

	if (k < 0)
		return k;
	*ret = (uint16_t)(b[0] | (b[1] << 8));
	return 0;
}

int
ipc_get_u32(struct ipc_rbuf *r, uint32_t *ret)
{
	const uint8_t *b;
	int k = get_bytes(r, 4, &b);

	if (k < 0)
		return k;
	*ret = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
	    ((uint32_t)b[3] << 24);
	return 0;
}

int
ipc_get_i32(struct ipc_rbuf *r, int32_t *ret)
{
	uint32_t u;
	int k = ipc_get_u32(r, &u);

	if (k < 0)
		return k;
	/* Map the bit pattern back without implementation-defined conversion. */
	*ret = u <= INT32_MAX ? (int32_t)u : (int32_t)(u - (uint32_t)INT32_MAX - 1u) + INT32_MIN;
	return 0;
}

int
ipc_get_u64(struct ipc_rbuf *r, uint64_t *ret)
{
	uint32_t lo, hi;
	int k;

	if ((k = ipc_get_u32(r, &lo)) < 0 || (k = ipc_get_u32(r, &hi)) < 0)
		return k;
	*ret = (uint64_t)lo | ((uint64_t)hi << 32);
	return 0;
}

int
ipc_get_data(struct ipc_rbuf *r, uint8_t **ret, size_t *ret_len)
{
	const uint8_t *b;
	uint8_t *d;
	uint32_t n;
	int k;

	k = ipc_get_u32(r, &n);
	if (k < 0)
		return k;
	if (n < 1 || n > IPC_MAX_DATA)
		return -EPROTO;
	k = get_bytes(r, n, &b);
	if (k < 0)
		return k;
	d = malloc(n);
	if (d == NULL)
		return -ENOMEM;
	memcpy(d, b, n);
	*ret = d;
	*ret_len = n;
	return 0;
}

int
ipc_get_str(struct ipc_rbuf *r, char **ret)
{
	const uint8_t *b;
	uint32_t n;
	char *s;
	int k;

	k = ipc_get_u32(r, &n);
	if (k < 0)
		return k;
	/* NUL counted, so 1 is the empty string; a length past the end is refused before use. */
	if (n < 1 || n > IPC_MAX_STR)
		return -EPROTO;
	k = get_bytes(r, n, &b);
	if (k < 0)
		return k;
	/* Exactly one NUL, at the end: an embedded NUL would let two readers see two strings. */
	if (b[n - 1] != 0 || memchr(b, 0, n - 1) != NULL)
		return -EPROTO;
	s = malloc(n);
	if (s == NULL)
		return -ENOMEM;
	memcpy(s, b, n);
	*ret = s;
	return 0;
}

void
ipc_strv_done(struct ipc_strv *sv)
{
	if (sv->v != NULL) {
		for (size_t i = 0; i < sv->n; i++)
			free(sv->v[i]);
		free(sv->v);
	}
	sv->v = NULL;
	sv->n = 0;
}

int
ipc_get_strv(struct ipc_rbuf *r, struct ipc_strv *ret)
{
	struct ipc_strv sv = {NULL, 0};
	uint32_t n;
	int k;

	k = ipc_get_u32(r, &n);
	if (k < 0)
		return k;
	/* Each string takes at least 5 bytes: refuse a count the packet cannot hold before allocating. */
	if (n > IPC_MAX_ARGS || n > ipc_rbuf_left(r) / 5)
		return -EPROTO;
	sv.v = calloc((size_t)n + 1, sizeof(char *));
	if (sv.v == NULL)
		return -ENOMEM;
	for (; sv.n < n; sv.n++) {
		k = ipc_get_str(r, &sv.v[sv.n]);
		if (k < 0) {
			ipc_strv_done(&sv);
			return k;
		}
	}
	*ret = sv;
	return 0;
}
