/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Typed put/get on a bounded buffer: the only code that touches wire bytes.
 * Integers are little endian. A writer has a sticky error, so an encoder can
 * put every field and check once at the end; a reader returns -EPROTO the
 * moment a field does not fit what is left, and never reads past len.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc.h"

struct ipc_wbuf {
	uint8_t *p;
	size_t size; /* capacity */
	size_t len;  /* bytes written */
	int err;     /* first error (-E2BIG, -EINVAL), sticky */
};

struct ipc_rbuf {
	const uint8_t *p;
	size_t len; /* bytes available */
	size_t off; /* bytes consumed */
};

void ipc_wbuf_init(struct ipc_wbuf *w, uint8_t *p, size_t size);
void ipc_put_u8(struct ipc_wbuf *w, uint8_t v);
void ipc_put_u16(struct ipc_wbuf *w, uint16_t v);
void ipc_put_u32(struct ipc_wbuf *w, uint32_t v);
void ipc_put_i32(struct ipc_wbuf *w, int32_t v);
void ipc_put_u64(struct ipc_wbuf *w, uint64_t v);
/* u32 length then the bytes: -EINVAL for NULL data or n == 0, -E2BIG past IPC_MAX_DATA. */
void ipc_put_data(struct ipc_wbuf *w, const uint8_t *data, size_t n);
/* -EINVAL for NULL, -E2BIG when longer than IPC_MAX_STR - 1. */
void ipc_put_str(struct ipc_wbuf *w, const char *s);
/* -EINVAL for a NULL entry (or NULL v with n > 0), -E2BIG past IPC_MAX_ARGS. */
void ipc_put_strv(struct ipc_wbuf *w, const struct ipc_strv *sv);

void ipc_rbuf_init(struct ipc_rbuf *r, const uint8_t *p, size_t len);
size_t ipc_rbuf_left(const struct ipc_rbuf *r);
int ipc_get_u8(struct ipc_rbuf *r, uint8_t *ret);
int ipc_get_u16(struct ipc_rbuf *r, uint16_t *ret);
int ipc_get_u32(struct ipc_rbuf *r, uint32_t *ret);
int ipc_get_i32(struct ipc_rbuf *r, int32_t *ret);
int ipc_get_u64(struct ipc_rbuf *r, uint64_t *ret);
/* Allocates *ret (len 1..IPC_MAX_DATA); -EPROTO for a bad length, -ENOMEM. */
int ipc_get_data(struct ipc_rbuf *r, uint8_t **ret, size_t *ret_len);
/* Allocates *ret (a copy); -EPROTO for a malformed string, -ENOMEM. */
int ipc_get_str(struct ipc_rbuf *r, char **ret);
/* Allocates ret->v; on failure ret is untouched and nothing stays allocated. */
int ipc_get_strv(struct ipc_rbuf *r, struct ipc_strv *ret);
/* Free a string vector's entries and array; accepts a zeroed one. */
void ipc_strv_done(struct ipc_strv *sv);
