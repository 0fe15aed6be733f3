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

#endif
