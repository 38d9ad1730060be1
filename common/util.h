/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The base layer, shared by the helper, the frontend and the libraries:
 * cleanup attributes (STYLE.md §5), full writes, fd flags, monotonic
 * deadlines, and the character rules of names that POSIX and Linux (not
 * this project) define. It imports nothing of the project and knows no wire
 * (fd passing is ipc/fdpass.c). Nothing here has a host side effect.
 */

#include <stdbool.h>
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

/* Read until EOF or size bytes (retrying EINTR and short reads); *ret_len says how many. */
int util_read_upto(int fd, void *buf, size_t size, size_t *ret_len);
/* Write all len bytes (retrying EINTR and short writes); -errno on error. */
int util_write_full(int fd, const void *buf, size_t len);
/* Close fd if >= 0, keeping errno; returns -1 so callers can write fd = util_safe_close(fd). */
int util_safe_close(int fd);
/* Set or clear O_NONBLOCK; -errno on error. */
int util_set_nonblock(int fd, int on);

/* Longest Linux network interface name: IFNAMSIZ - 1. */
#define UTIL_IFNAME_MAX 15

/* c is in POSIX's portable filename character set: A-Z a-z 0-9 _ . - (ASCII, whatever the locale). */
bool util_portable_char(char c);
/*
 * s is an interface name every part accepts: 1..UTIL_IFNAME_MAX portable
 * characters, not "." or "..". A subset of the kernel's own rule
 * (dev_valid_name(): no '/', ':' or whitespace), so a name passed here is
 * never a kernel-side surprise. NULL is not a name.
 */
bool util_ifname_ok(const char *s);

/* CLOCK_MONOTONIC now. */
void util_now_mono(struct timespec *ret);
/* Milliseconds from now until t (negative once t has passed). */
long long util_ms_until(const struct timespec *t);
/* *ret = now + ms. */
void util_after_ms(struct timespec *ret, long long ms);
