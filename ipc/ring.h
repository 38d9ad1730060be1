/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The console ring buffer: the monitor keeps the last `size` bytes the
 * container wrote to its console (drained by the monitor while no frontend
 * is attached, copied to it by the attached frontend otherwise), so that
 * `cnspawn attach` can replay what came while detached and `cnspawn logs`
 * can show all of it. Writing never blocks and never fails: when full, the
 * oldest bytes are overwritten (the container must never wait for a
 * reader). Every byte has a position (bytes written before it since the
 * ring was made) that readers keep as a cursor. Pure memory, no I/O:
 * unit-tested.
 */

#include <stddef.h>
#include <stdint.h>

#define IPC_RING_DEFAULT_SIZE (128u * 1024u)
#define IPC_RING_MAX_SIZE (16u * 1024u * 1024u)

struct ipc_ring {
	uint8_t *buf;
	size_t size;      /* capacity */
	size_t start;     /* index of the oldest byte */
	size_t len;       /* bytes held */
	uint64_t lost;    /* bytes overwritten since the last clear */
	uint64_t written; /* bytes ever written: the position just past the newest byte */
};

/* Allocate a ring of size bytes (1..IPC_RING_MAX_SIZE); -EINVAL or -ENOMEM. */
int ipc_ring_init(struct ipc_ring *r, size_t size);
/* Free the buffer; accepts a zeroed ring. */
void ipc_ring_done(struct ipc_ring *r);
/* Append n bytes, dropping the oldest ones that no longer fit. */
void ipc_ring_write(struct ipc_ring *r, const uint8_t *p, size_t n);
/* Bytes held. */
size_t ipc_ring_len(const struct ipc_ring *r);
/*
 * The contiguous run of held bytes starting at logical offset off (0 is
 * the oldest byte): *ret points into the ring; returns its length, 0 when
 * off >= ipc_ring_len(). Call again with off + the length for the rest.
 */
size_t ipc_ring_peek(const struct ipc_ring *r, size_t off, const uint8_t **ret);
/* Forget every held byte; positions go on from where they were. */
void ipc_ring_clear(struct ipc_ring *r);
/* The position of the oldest held byte (== ipc_ring_end() when empty). */
uint64_t ipc_ring_begin(const struct ipc_ring *r);
/* The position just past the newest byte. */
uint64_t ipc_ring_end(const struct ipc_ring *r);
/*
 * The logical offset (for ipc_ring_peek) where the last `lines` lines start,
 * as tail(1) counts them: a line ends with '\n', a last line without one
 * counts too, and lines 0 gives ipc_ring_len() (nothing). When the ring
 * holds fewer lines, 0 (everything).
 */
size_t ipc_ring_tail_lines(const struct ipc_ring *r, size_t lines);
