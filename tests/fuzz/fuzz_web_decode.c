/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: rules/match/web_decode.c rules/match/injection_path.c
/*
 * libFuzzer target for the web decoding pipeline (rules/match/web_decode.c)
 * and the traversal detector that reads its output
 * (rules/match/injection_path.c). Both read attacker-controlled values on
 * the per-packet path: any input must be decoded in place without writing
 * or reading past its length, never grow, and be judged in bounded time.
 * The input is copied to an exact-size heap block so ASan sees the
 * smallest overread or overwrite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/match/injection.h"
#include "rules/match/web_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1u << 20)
		return 0;
	uint8_t *copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	(void)injection_traversal(copy, (uint32_t)size);
	uint32_t len = (uint32_t)size;
	web_decode(copy, &len);
	if (len > size)
		abort();
	(void)injection_traversal(copy, len);
	free(copy);
	return 0;
}
