/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the payload keywords (kw_content.c, kw_pcre.c, kw_byte.c,
 * kw_injection.c, kw_entropy.c) and
 * the matcher (match.c); nothing else includes it. The matcher runs a
 * buffer's chain without knowing how each keyword stores its value, but it
 * must know three things of every payload option to backtrack the way
 * Suricata does: what it is, whether it starts from the cursor (relative),
 * and whether it is negated. Every RULE_KW_PAYLOAD option's data therefore
 * starts with a struct payload_head.
 *
 * Retries: when the matcher retries an option after a later relative one
 * failed, it asks for the next occurrence by setting cursor->match_start to
 * the earliest start allowed (the previous occurrence's start + 1) before
 * calling inspect(); on a first try it sets it to 0. On success an inspect
 * function leaves match_start at the start of what it matched and position
 * at its end. Options that never retry (byte_*, isdataat, bsize, negated
 * ones) ignore match_start on input.
 */
#ifndef VIGIL_RULES_PAYLOAD_H
#define VIGIL_RULES_PAYLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/lang/keyword.h"
#include "rules/match/match.h"

enum payload_type {
	PAYLOAD_CONTENT,
	PAYLOAD_PCRE,
	PAYLOAD_BYTE_TEST,
	PAYLOAD_BYTE_JUMP,
	PAYLOAD_BYTE_EXTRACT,
	PAYLOAD_ISDATAAT,
	PAYLOAD_BSIZE,
	PAYLOAD_INJECTION,     /* sqli, xss: judge the whole buffer, never move the cursor */
	PAYLOAD_ENTROPY,       /* entropy: judges the buffer, never moves the cursor */
	PAYLOAD_BASE64_DECODE, /* base64_decode: decodes into cursor->decoded, never moves it */
	PAYLOAD_BASE64_DATA,   /* base64_data: the cursor moves to the decoded bytes */
	PAYLOAD_ABSENT,	       /* absent: first of its chain, holds when the buffer is missing */
	PAYLOAD_ASN1,	       /* asn1: judges BER objects at an offset, never moves the cursor */
};

struct payload_head {
	uint8_t type;  /* enum payload_type */
	bool relative; /* starts from cursor->position (distance/within, pcre R, ",relative") */
	bool negated;  /* holds when absent; never moves the cursor */
};

/*
 * The longest chain the matcher runs (it keeps the chain on its stack).
 * Payload keywords refuse an option beyond it at parse time, so a rule
 * never loads that the matcher would have to give up on.
 */
#define PAYLOAD_CHAIN_MAX 256

/* A number written in the rule, or a byte_extract variable read at match time. */
struct payload_value {
	int64_t number;
	int8_t var; /* slot in cursor->vars, -1: use number */
};

/*
 * Parse text (trimmed) as a decimal number in [min, max], or, when it starts
 * with a letter, as a byte_extract variable of this rule. what names the
 * keyword for the error message. Returns 0 or rule_parser_error()'s -EINVAL.
 * Implemented in kw_byte.c.
 */
int payload_parse_value(struct rule_parser *parser, const char *text, int64_t min, int64_t max,
			const char *what, struct payload_value *value);

/* Refuse one more payload option when the rule already has PAYLOAD_CHAIN_MAX options. */
int payload_check_room(struct rule_parser *parser, const struct rule *rule, const char *what);

/*
 * A value at match time. Variables (unsigned) are clamped to 2^40 so window
 * arithmetic in int64_t can never overflow whatever the packet says.
 * Per-packet path.
 */
static inline int64_t payload_value_get(const struct payload_value *value,
					const struct rule_payload_cursor *cursor)
{
	if (value->var < 0)
		return value->number;
	uint64_t v = cursor->vars[value->var];
	const uint64_t limit = (uint64_t)1 << 40;
	return v > limit ? (int64_t)limit : (int64_t)v;
}

/* "  x " -> "x" in a caller's buffer of size cap; false when it does not fit. */
bool payload_trim_copy(const char *text, char *out, size_t cap);

/* text[0..len) is one quoted string: '"' at both ends, the last one not escaped. */
bool payload_quoted(const char *text, size_t len);

/*
 * The value of a content or pcre: an optional '!' (returned as negated),
 * blanks trimmed, one pair of surrounding quotes removed. Sets *start and
 * *len to the inner text within value (NULL value: empty).
 */
bool payload_value_split(const char *value, const char **start, size_t *len);

#endif
