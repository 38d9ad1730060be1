/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Small helpers shared by the helper, the frontend and the libraries:
 * cleanup attributes (STYLE.md §5), full reads and writes, fd helpers.
 * Nothing here has a host side effect.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static inline void
util_freep(void *p)
{
	free(*(void **)p);
}

static inline void
util_closep(const int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
}

static inline void
util_fclosep(FILE **f)
{
	if (*f != NULL)
		(void)fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(util_freep)))
#define _cleanup_close_ __attribute__((cleanup(util_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(util_fclosep)))

/* Hand ownership of an fd or pointer out of a cleanup scope. */
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int t_ = (fd);                                                                     \
		(fd) = -1;                                                                         \
		t_;                                                                                \
	})
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) t_ = (p);                                                            \
		(p) = NULL;                                                                        \
		t_;                                                                                \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Read exactly len bytes (retrying EINTR); -EIO on a short read at EOF, -errno on error. */
int util_read_full(int fd, void *buf, size_t len);
/* Write all len bytes (retrying EINTR and short writes); -errno on error. */
int util_write_full(int fd, const void *buf, size_t len);
/* Close fd if >= 0, keeping errno; returns -1 so callers can write fd = util_safe_close(fd). */
int util_safe_close(int fd);
/* Set or clear O_NONBLOCK; -errno on error. */
int util_set_nonblock(int fd, int on);
/* Set FD_CLOEXEC; -errno on error. */
int util_set_cloexec(int fd, int on);

/*
 * Send one packet with at most one fd (fd < 0: none) over a SOCK_SEQPACKET socket.
 * Returns 0 or -errno.
 */
int util_send_fd(int sock, const void *buf, size_t len, int fd);
/*
 * Receive one packet of at most size bytes and at most one fd (MSG_CMSG_CLOEXEC).
 * *ret_fd is -1 when none came. A truncated packet, a truncated control message or
 * more than one fd closes what came and returns -EPROTO. 0 bytes is a valid (EOF) result.
 */
int util_recv_fd(int sock, void *buf, size_t size, size_t *ret_len, int *ret_fd);

/* CLOCK_MONOTONIC now. */
void util_now_mono(struct timespec *ret);
/* Milliseconds from now until t (negative once t has passed). */
long long util_ms_until(const struct timespec *t);
/* *ret = now + ms. */
void util_after_ms(struct timespec *ret, long long ms);
