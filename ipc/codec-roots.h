/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* IPC_T_ROOTS_REPLY's body (issue 16), for codec.c: see struct ipc_roots for the rules. */

#include "ipc.h"
#include "wire.h"

/* -EINVAL for an entry that breaks the rules, -E2BIG past IPC_MAX_ROOTS. */
int ipc_roots_encode(const struct ipc_roots *rs, struct ipc_wbuf *w);
/* On failure *ret is left empty (what was decoded is freed): -EPROTO, -ENOMEM. */
int ipc_roots_decode(struct ipc_rbuf *r, struct ipc_roots *ret);
/* Free every path and the array; accepts a zeroed one. */
void ipc_roots_done(struct ipc_roots *rs);
