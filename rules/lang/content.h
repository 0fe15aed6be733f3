/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the compiler needs to know of a content option to build its fast
 * pattern, without knowing how kw_content.c stores it.
 */
#ifndef VIGIL_RULES_CONTENT_H
#define VIGIL_RULES_CONTENT_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/lang/rule.h"

struct rule_content_view {
	const uint8_t *bytes; /* the decoded pattern */
	uint32_t len;
	bool nocase;
	bool negated;
	bool fast_pattern;    /* marked fast_pattern */
	uint32_t fast_offset; /* fast_pattern:offset,length chop; 0 and len when absent */
	uint32_t fast_len;
};

/* Fill view from option; false when option is not a content. Any lcore, read-only. */
bool rule_content_view(const struct rule_option *option, struct rule_content_view *view);

#endif
