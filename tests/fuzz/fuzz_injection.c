/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: rules/match/injection_sql.c rules/match/injection_xss.c rules/match/injection_path.c
/*
 * libFuzzer target for the SQL-injection and XSS detectors
 * (rules/match/injection_sql.c rules/match/injection_xss.c rules/match/injection_path.c). They read attacker-controlled buffers on the
 * per-packet path, so any input must be answered without reading past
 * len, without undefined behaviour and in bounded time. The input is
 * copied to an exact-size heap block so ASan sees the smallest overread.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/match/injection.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1u << 20)
		return 0;
	uint8_t *copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	(void)injection_sqli(copy, (uint32_t)size);
	(void)injection_xss(copy, (uint32_t)size);
	free(copy);
	return 0;
}
