/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ipc_ring: the console ring buffer keeps exactly the newest bytes, in order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

/* Copy the ring's contents out through ipc_ring_peek. */
static size_t
flatten(const struct ipc_ring *r, uint8_t *out, size_t size)
{
	const uint8_t *p;
	size_t off = 0, n;

	while ((n = ipc_ring_peek(r, off, &p)) > 0) {
		assert_true(off + n <= size);
		memcpy(out + off, p, n);
		off += n;
	}
	assert_int_equal(off, ipc_ring_len(r));
	return off;
}

static void
test_ipc_ring_init_limits(void **state)
{
	struct ipc_ring r;

	(void)state;
	assert_int_equal(ipc_ring_init(&r, 0), -EINVAL);
	assert_int_equal(ipc_ring_init(&r, IPC_RING_MAX_SIZE + 1), -EINVAL);
	assert_int_equal(ipc_ring_init(&r, IPC_RING_MAX_SIZE), 0);
	ipc_ring_done(&r);
	ipc_ring_done(&r); /* twice: a zeroed ring */
}

static void
test_ipc_ring_write_under(void **state)
{
	struct ipc_ring r;
	uint8_t out[16];

	(void)state;
	assert_int_equal(ipc_ring_init(&r, 8), 0);
	assert_int_equal(ipc_ring_len(&r), 0);
	ipc_ring_write(&r, (const uint8_t *)"abc", 3);
	ipc_ring_write(&r, (const uint8_t *)"de", 2);
	assert_int_equal(flatten(&r, out, sizeof(out)), 5);
	assert_memory_equal(out, "abcde", 5);
	assert_int_equal(r.lost, 0);
	ipc_ring_done(&r);
}

static void
test_ipc_ring_write_wraps(void **state)
{
	struct ipc_ring r;
	uint8_t out[16];

	(void)state;
	assert_int_equal(ipc_ring_init(&r, 8), 0);
	ipc_ring_write(&r, (const uint8_t *)"0123456", 7);
	ipc_ring_write(&r, (const uint8_t *)"789ab", 5); /* 4 oldest dropped */
	assert_int_equal(flatten(&r, out, sizeof(out)), 8);
	assert_memory_equal(out, "456789ab", 8);
	assert_int_equal(r.lost, 4);
	ipc_ring_write(&r, (const uint8_t *)"c", 1);
	assert_int_equal(flatten(&r, out, sizeof(out)), 8);
	assert_memory_equal(out, "56789abc", 8);
	ipc_ring_done(&r);
}

static void
test_ipc_ring_write_exact_and_over(void **state)
{
	struct ipc_ring r;
	uint8_t out[16];

	(void)state;
	assert_int_equal(ipc_ring_init(&r, 8), 0);
	ipc_ring_write(&r, (const uint8_t *)"xy", 2);
	ipc_ring_write(&r, (const uint8_t *)"ABCDEFGH", 8); /* exactly size */
	assert_int_equal(flatten(&r, out, sizeof(out)), 8);
	assert_memory_equal(out, "ABCDEFGH", 8);
	ipc_ring_write(&r, (const uint8_t *)"0123456789", 10); /* size + 2 */
	assert_int_equal(flatten(&r, out, sizeof(out)), 8);
	assert_memory_equal(out, "23456789", 8);
	assert_int_equal(r.lost, 2 + 8 + 2);
	ipc_ring_clear(&r);
	assert_int_equal(ipc_ring_len(&r), 0);
	assert_int_equal(r.lost, 0);
	ipc_ring_write(&r, (const uint8_t *)"z", 1);
	assert_int_equal(flatten(&r, out, sizeof(out)), 1);
	assert_memory_equal(out, "z", 1);
	ipc_ring_done(&r);
}

/* Byte-by-byte writes against a model: the newest min(total, size) bytes, in order. */
static void
test_ipc_ring_model(void **state)
{
	static uint8_t all[5000], out[1024];
	struct ipc_ring r;
	size_t total = 0;

	(void)state;
	assert_int_equal(ipc_ring_init(&r, 1000), 0);
	for (size_t i = 0; total + 37 < sizeof(all); i++) {
		size_t n = (i * 7) % 37 + 1;

		for (size_t k = 0; k < n; k++)
			all[total + k] = (uint8_t)((total + k) * 31u);
		ipc_ring_write(&r, all + total, n);
		total += n;
		size_t keep = total < 1000 ? total : 1000;
		assert_int_equal(flatten(&r, out, sizeof(out)), keep);
		assert_memory_equal(out, all + total - keep, keep);
	}
	ipc_ring_done(&r);
}

/* Positions: the end counts every byte written, the beginning follows the overwrites. */
static void
test_ipc_ring_positions(void **state)
{
	struct ipc_ring r;

	(void)state;
	assert_int_equal(ipc_ring_init(&r, 8), 0);
	assert_int_equal(ipc_ring_begin(&r), 0);
	assert_int_equal(ipc_ring_end(&r), 0);
	ipc_ring_write(&r, (const uint8_t *)"abcdef", 6);
	assert_int_equal(ipc_ring_begin(&r), 0);
	assert_int_equal(ipc_ring_end(&r), 6);
	ipc_ring_write(&r, (const uint8_t *)"ghij", 4); /* 2 oldest dropped */
	assert_int_equal(ipc_ring_begin(&r), 2);
	assert_int_equal(ipc_ring_end(&r), 10);
	ipc_ring_write(&r, (const uint8_t *)"0123456789ab", 12); /* over size */
	assert_int_equal(ipc_ring_begin(&r), 14);
	assert_int_equal(ipc_ring_end(&r), 22);
	ipc_ring_clear(&r);
	assert_int_equal(ipc_ring_begin(&r), 22);
	assert_int_equal(ipc_ring_end(&r), 22);
	ipc_ring_done(&r);
}

static size_t
tail_of(const char *text, size_t size, size_t lines)
{
	struct ipc_ring r;
	size_t off;

	assert_int_equal(ipc_ring_init(&r, size), 0);
	ipc_ring_write(&r, (const uint8_t *)text, strlen(text));
	off = ipc_ring_tail_lines(&r, lines);
	ipc_ring_done(&r);
	return off;
}

/* tail(1)'s count: a last line without a newline counts; too few lines gives all. */
static void
test_ipc_ring_tail_lines(void **state)
{
	(void)state;
	assert_int_equal(tail_of("a\nb\nc\n", 64, 2), 2);  /* "b\nc\n" */
	assert_int_equal(tail_of("a\nb\nc", 64, 2), 2);    /* "b\nc" */
	assert_int_equal(tail_of("a\nb\nc\n", 64, 1), 4);  /* "c\n" */
	assert_int_equal(tail_of("a\nb\nc\n", 64, 3), 0);  /* all: exactly 3 */
	assert_int_equal(tail_of("a\nb\nc\n", 64, 4), 0);  /* all: fewer */
	assert_int_equal(tail_of("a\nb\nc\n", 64, 0), 6);  /* nothing */
	assert_int_equal(tail_of("a\n\n\nb\n", 64, 2), 3); /* empty lines count */
	assert_int_equal(tail_of("\n", 64, 1), 0);
	assert_int_equal(tail_of("", 64, 1), 0);
	/* Wrapped: "\n56\n78\n9" held of "0\n12\n34\n56\n78\n9" in 8 bytes. */
	assert_int_equal(tail_of("0\n12\n34\n56\n78\n9", 8, 2), 4);
	assert_int_equal(tail_of("0\n12\n34\n56\n78\n9", 8, 3), 1);
	assert_int_equal(tail_of("0\n12\n34\n56\n78\n9", 8, 9), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipc_ring_init_limits),
	    cmocka_unit_test(test_ipc_ring_write_under),
	    cmocka_unit_test(test_ipc_ring_write_wraps),
	    cmocka_unit_test(test_ipc_ring_write_exact_and_over),
	    cmocka_unit_test(test_ipc_ring_model),
	    cmocka_unit_test(test_ipc_ring_positions),
	    cmocka_unit_test(test_ipc_ring_tail_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
