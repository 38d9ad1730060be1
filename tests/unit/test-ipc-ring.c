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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipc_ring_init_limits),
	    cmocka_unit_test(test_ipc_ring_write_under),
	    cmocka_unit_test(test_ipc_ring_write_wraps),
	    cmocka_unit_test(test_ipc_ring_write_exact_and_over),
	    cmocka_unit_test(test_ipc_ring_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
