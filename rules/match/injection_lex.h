/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the injection detectors (injection_sql.c, injection_xss.c):
 * the byte helpers both lexers share. Per-packet path.
 */
#ifndef VIGIL_RULES_INJECTION_LEX_H
#define VIGIL_RULES_INJECTION_LEX_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* True when p[0..avail) starts with word (lower case), ignoring ASCII case. */
static inline bool injection_prefix_nocase(const uint8_t *p, uint32_t avail, const char *word)
{
	uint32_t n = (uint32_t)strlen(word);
	if (avail < n)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)word[i])
			return false;
	}
	return true;
}

#endif
