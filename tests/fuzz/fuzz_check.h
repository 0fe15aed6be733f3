/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FUZZ_CHECK: an invariant of a fuzz target. A broken one traps, so
 * libFuzzer keeps the input as a crash, like a sanitizer finding.
 */
#ifndef VIGIL_TESTS_FUZZ_CHECK_H
#define VIGIL_TESTS_FUZZ_CHECK_H

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#ifdef VIGIL_DATAPLANE_APP_H
/*
 * Is a buffer of b's mask bit present in u? Past RULE_BUFFER_EXACT_BITS a
 * bit stands for several buffers (rules/lang/buffer.h): a fresh or window
 * bit says one of them is, not which.
 */
static inline int fuzz_bit_has_buffer(const struct app_unit *u, int b)
{
	for (int o = 0; o < RULE_BUFFER_COUNT; o++)
		if (RULE_BUFFER_BIT_INDEX(o) == RULE_BUFFER_BIT_INDEX(b) && u->buffer[o])
			return 1;
	return 0;
}
#endif

#endif
