/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Growable arrays for what is built at load or configuration time (rule
 * programs, prefixes, domains, pending changes, a file read whole, a JSON
 * answer): the room doubles when it runs out, so n additions cost O(n)
 * copies, and every new size is checked for overflow of both the element
 * count's type and size_t. The array, its count and its capacity stay the
 * caller's (plain fields of its own struct); this header only sizes and
 * reallocates. It calls realloc, so never on the per-packet path.
 *
 * It lives in platform/, the folder every other may include (rules/,
 * control/, the tools and the tests alike), and is header only, so
 * vigilctl and the fuzz targets link nothing more for it.
 */
#ifndef VIGIL_PLATFORM_ARRAY_H
#define VIGIL_PLATFORM_ARRAY_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* The most elements of elem_size bytes whose count type_max and size_t both hold. */
static inline size_t array_max_count(size_t type_max, size_t elem_size)
{
	size_t bytes_max = SIZE_MAX / elem_size;

	return type_max < bytes_max ? type_max : bytes_max;
}

/*
 * The room for at least wanted elements: capacity (first when 0) doubled
 * as often as needed. 0 when that passes max.
 */
static inline size_t array_capacity_for(size_t capacity, size_t wanted, size_t first, size_t max)
{
	size_t n = capacity ? capacity : (first ? first : 1);

	while (n < wanted) {
		if (n > max / 2)
			return max >= wanted ? max : 0;
		n *= 2;
	}
	return n <= max ? n : 0;
}

/*
 * Make room for wanted elements in array (a pointer lvalue, NULL when
 * nothing is held yet) with room for capacity (an unsigned integer lvalue
 * of any width): when wanted is more, the room doubles (from first when
 * empty) until it fits, and array and capacity are updated. Evaluates to
 * 0, or to -ENOMEM with array and capacity unchanged when memory runs out
 * or the room would not fit capacity's type or size_t. array and capacity
 * are evaluated more than once.
 */
#define ARRAY_RESERVE(array, wanted, capacity, first)                                              \
	__extension__({                                                                            \
		_Static_assert((__typeof__(capacity))-1 > 0, "capacity must be unsigned");         \
		int array_rc_ = 0;                                                                 \
		size_t array_wanted_ = (wanted);                                                   \
		if (array_wanted_ > (capacity)) {                                                  \
			size_t array_max_ =                                                        \
			    array_max_count((size_t)(__typeof__(capacity))-1, sizeof(*(array)));   \
			size_t array_n_ =                                                          \
			    array_capacity_for((capacity), array_wanted_, (first), array_max_);    \
			void *array_p_ =                                                           \
			    array_n_ ? realloc((array), array_n_ * sizeof(*(array))) : NULL;       \
			if (array_p_) {                                                            \
				(array) = array_p_;                                                \
				(capacity) = (__typeof__(capacity))array_n_;                       \
			} else {                                                                   \
				array_rc_ = -ENOMEM;                                               \
			}                                                                          \
		}                                                                                  \
		array_rc_;                                                                         \
	})

/*
 * Make room for one more element after the count already held: the usual
 * "append" step, array[count++] = x right after it succeeds. Same
 * contract as ARRAY_RESERVE().
 */
#define ARRAY_GROW(array, count, capacity, first)                                                  \
	ARRAY_RESERVE(array, (size_t)(count) + 1, capacity, first)

#endif
