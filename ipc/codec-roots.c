/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "codec-roots.h"

void
ipc_roots_done(struct ipc_roots *rs)
{
	for (size_t i = 0; rs->v != NULL && i < rs->n; i++)
		free(rs->v[i].path);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

static bool
ends_in_glob(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && strcmp(s + n - 2, "/*") == 0;
}

/* One entry after prev (NULL: the first): the rules of struct ipc_roots. */
static bool
entry_valid(const struct ipc_root *e, const struct ipc_root *prev)
{
	if (e->path == NULL || e->path[0] != '/')
		return false;
	switch (e->kind) {
	case IPC_ROOT_PLAIN:
		return !ends_in_glob(e->path) && e->err == 0;
	case IPC_ROOT_GLOB:
		return ends_in_glob(e->path) && e->err <= IPC_MAX_ERRNO;
	case IPC_ROOT_MATCH:
		return !ends_in_glob(e->path) && e->err == 0 && prev != NULL &&
		    prev->kind != IPC_ROOT_PLAIN;
	default:
		return false;
	}
}

int
ipc_roots_encode(const struct ipc_roots *rs, struct ipc_wbuf *w)
{
	if (rs->n > IPC_MAX_ROOTS)
		return -E2BIG;
	if (rs->truncated > 1 || (rs->n > 0 && rs->v == NULL))
		return -EINVAL;
	for (size_t i = 0; i < rs->n; i++)
		if (!entry_valid(&rs->v[i], i > 0 ? &rs->v[i - 1] : NULL))
			return -EINVAL;
	ipc_put_u8(w, rs->truncated);
	ipc_put_u32(w, (uint32_t)rs->n);
	for (size_t i = 0; i < rs->n; i++) {
		ipc_put_str(w, rs->v[i].path);
		ipc_put_u8(w, rs->v[i].kind);
		ipc_put_u32(w, rs->v[i].err);
	}
	return 0;
}

int
ipc_roots_decode(struct ipc_rbuf *r, struct ipc_roots *ret)
{
	struct ipc_roots rs = {0};
	uint32_t n;
	int k;

	if ((k = ipc_get_u8(r, &rs.truncated)) < 0 || (k = ipc_get_u32(r, &n)) < 0)
		return k;
	/* Bounded before allocating, and by what is left: an entry takes at least 11 bytes. */
	if (rs.truncated > 1 || n > IPC_MAX_ROOTS || (size_t)n * 11 > ipc_rbuf_left(r))
		return -EPROTO;
	rs.v = calloc((size_t)n + 1, sizeof(*rs.v));
	if (rs.v == NULL)
		return -ENOMEM;
	for (rs.n = 0; rs.n < n; rs.n++) {
		struct ipc_root *e = &rs.v[rs.n];

		if ((k = ipc_get_str(r, &e->path)) < 0 || (k = ipc_get_u8(r, &e->kind)) < 0 ||
		    (k = ipc_get_u32(r, &e->err)) < 0 ||
		    (k = entry_valid(e, rs.n > 0 ? e - 1 : NULL) ? 0 : -EPROTO) < 0) {
			rs.n++; /* free the partial entry too */
			ipc_roots_done(&rs);
			return k;
		}
	}
	*ret = rs;
	return 0;
}
