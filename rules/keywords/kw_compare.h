/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The number test shared by keywords that compare one value (dsize, ttl,
 * itype, icode, ip_proto, urilen, ...): "N", "<N", ">N", "<=N", ">=N",
 * "!N", and the ranges "N<>M" and "N-M", which, as in Suricata, exclude
 * both ends. Implemented in kw_packet.c.
 */
#ifndef VIGIL_RULES_KW_COMPARE_H
#define VIGIL_RULES_KW_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

enum kw_compare_op {
	KW_COMPARE_EQ,
	KW_COMPARE_NE,
	KW_COMPARE_LT,
	KW_COMPARE_LE,
	KW_COMPARE_GT,
	KW_COMPARE_GE,
	KW_COMPARE_RANGE, /* low < x < high */
};

struct kw_compare {
	enum kw_compare_op op;
	uint32_t low, high;
};

/* Parse value (numbers up to max) into compare. Returns 0 or -EINVAL. */
int kw_compare_parse(struct kw_compare *compare, const char *value, uint32_t max);

struct rule_parser;
struct rule;

/*
 * Parse value as a comparison (numbers up to max) and add it as an option
 * of the calling keyword; a bad value is refused naming the keyword.
 * Returns 0 or a negative error.
 */
int kw_compare_add(struct rule_parser *parser, struct rule *rule, const char *name,
		   const char *value, uint32_t max);

/* word without its leading and trailing blanks (cut in place). Parse time. */
char *kw_trim(char *word);

/* Does x pass the test? Per-packet path. */
bool kw_compare_match(const struct kw_compare *compare, uint32_t x);

#endif
