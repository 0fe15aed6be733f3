/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of platform/array.h: an array grows from nothing to its first
 * room and then by doubling, a reservation past twice the room goes
 * straight to a doubled size that fits, and a room that would not fit the
 * capacity's type is refused with -ENOMEM, leaving the array as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "platform/array.h"

static void test_grow_doubles(void **state)
{
	(void)state;
	uint32_t *v = NULL;
	unsigned count = 0, cap = 0;

	for (uint32_t i = 0; i < 1000; i++) {
		assert_int_equal(ARRAY_GROW(v, count, cap, 8), 0);
		v[count++] = i;
		if (i == 0)
			assert_int_equal(cap, 8);
		if (i == 8)
			assert_int_equal(cap, 16);
	}
	assert_int_equal(cap, 1024);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	/* room left: nothing moves */
	uint32_t *before = v;
	assert_int_equal(ARRAY_GROW(v, count, cap, 8), 0);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 1024);
	free(v);
}

static void test_reserve_jumps(void **state)
{
	(void)state;
	char *text = NULL;
	size_t cap = 0;

	assert_int_equal(ARRAY_RESERVE(text, 10, cap, 256), 0);
	assert_int_equal(cap, 256);
	assert_int_equal(ARRAY_RESERVE(text, 5000, cap, 256), 0);
	assert_int_equal(cap, 8192);
	assert_int_equal(ARRAY_RESERVE(text, 8192, cap, 256), 0);
	assert_int_equal(cap, 8192);
	free(text);
}

static void test_capacity_type_bounds(void **state)
{
	(void)state;
	uint16_t *v = NULL;
	uint8_t count = 0, cap = 0;

	/* a uint8_t capacity holds 255 at most: the last doubling stops there */
	while (count < 255) {
		assert_int_equal(ARRAY_GROW(v, count, cap, 16), 0);
		v[count++] = 7;
	}
	assert_int_equal(cap, 255);
	uint16_t *before = v;
	assert_int_equal(ARRAY_GROW(v, count, cap, 16), -ENOMEM);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 255);
	free(v);

	/* more bytes than size_t holds: refused before realloc is asked */
	uint64_t *big = NULL;
	size_t big_cap = 0;
	assert_int_equal(ARRAY_RESERVE(big, SIZE_MAX / 4, big_cap, 16), -ENOMEM);
	assert_null(big);
	assert_int_equal(big_cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grow_doubles),
	    cmocka_unit_test(test_reserve_jumps),
	    cmocka_unit_test(test_capacity_type_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
