/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * asn1 (Suricata's): walk the BER-encoded ASN.1 objects found at an offset
 * of the buffer and hold when one of them is malformed in a way that has
 * broken decoders:
 *   asn1: [bitstring_overflow,] [double_overflow,] [oversize_length N,]
 *         [absolute_offset N | relative_offset N];
 * bitstring_overflow: a BIT STRING whose unused-bits count (its first
 * content byte) is over 7; double_overflow: a REAL in decimal form longer
 * than 256 bytes; oversize_length N: a length over N (or one written in
 * more than four bytes). absolute_offset counts from the buffer's start,
 * relative_offset from the previous match (the default: the start).
 * The walk goes into constructed objects, visits at most
 * KW_ASN1_NODES_MAX objects and never reads past the buffer, so a
 * crafted encoding costs a bounded pass. A payload option that never
 * moves the cursor.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"
#include "rules/match/payload.h"

#define KW_ASN1_NODES_MAX      256 /* Suricata's default asn1-max-frames */
#define KW_ASN1_TAG_BIT_STRING 3
#define KW_ASN1_TAG_REAL       9

struct kw_asn1 {
	struct payload_head head; /* first: see payload.h */
	bool bitstring_overflow, double_overflow;
	bool has_oversize;
	uint32_t oversize_length;
	int32_t offset;
};

/* One BER header at data[*at]: class/constructed/tag and the content's length. */
struct kw_asn1_node {
	uint8_t klass;
	bool constructed;
	uint32_t tag;
	uint64_t len; /* UINT64_MAX: written in more than 4 bytes */
	bool indefinite;
};

static bool kw_asn1_header(const uint8_t *data, uint32_t n, uint32_t *at, struct kw_asn1_node *node)
{
	if (*at >= n)
		return false;
	uint8_t b = data[(*at)++];
	node->klass = b >> 6;
	node->constructed = b & 0x20;
	node->tag = b & 0x1f;
	if (node->tag == 0x1f) { /* high tag number: base 128, at most 4 bytes */
		node->tag = 0;
		for (int i = 0;; i++) {
			if (*at >= n || i == 4)
				return false;
			b = data[(*at)++];
			node->tag = node->tag << 7 | (b & 0x7f);
			if (!(b & 0x80))
				break;
		}
	}
	if (*at >= n)
		return false;
	b = data[(*at)++];
	node->indefinite = b == 0x80;
	if (b < 0x80 || node->indefinite) {
		node->len = node->indefinite ? 0 : b;
		return true;
	}
	uint32_t count = b & 0x7f;
	if (count > 4) {
		node->len = UINT64_MAX;
		*at = n; /* nothing sound after it */
		return true;
	}
	node->len = 0;
	for (uint32_t i = 0; i < count; i++) {
		if (*at >= n)
			return false;
		node->len = node->len << 8 | data[(*at)++];
	}
	return true;
}

static bool kw_asn1_node_bad(const struct kw_asn1 *a, const struct kw_asn1_node *node,
			     const uint8_t *content, uint32_t available)
{
	if (a->has_oversize && node->len > a->oversize_length)
		return true;
	if (node->klass != 0 || node->constructed || available == 0)
		return false;
	if (a->bitstring_overflow && node->tag == KW_ASN1_TAG_BIT_STRING && content[0] > 7)
		return true;
	/* a REAL in decimal form (the top two bits of its first byte clear), too long */
	return a->double_overflow && node->tag == KW_ASN1_TAG_REAL && (content[0] & 0xc0) == 0 &&
	       node->len > 256;
}

/* Per-packet path: at most KW_ASN1_NODES_MAX headers read, never past the buffer. */
static bool kw_asn1_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_asn1 *a = option->data;
	int64_t start = (int64_t)(a->head.relative ? cursor->position : cursor->origin) + a->offset;
	if (start < 0 || start >= (int64_t)cursor->len)
		return false;
	const uint8_t *data = cursor->data;
	uint32_t n = cursor->len, at = (uint32_t)start;
	for (int nodes = 0; nodes < KW_ASN1_NODES_MAX && at < n; nodes++) {
		struct kw_asn1_node node;
		if (!kw_asn1_header(data, n, &at, &node))
			return false;
		uint32_t available = n - at;
		if (kw_asn1_node_bad(a, &node, data + at, available))
			return true;
		/* into a constructed object; past a primitive one */
		if (!node.constructed && !node.indefinite)
			at = node.len >= available ? n : at + (uint32_t)node.len;
	}
	return false;
}

/* One option of the list: "bitstring_overflow", "oversize_length 2048", ... */
static bool kw_asn1_option(struct kw_asn1 *a, char *part, unsigned *seen_offset)
{
	char *word = kw_trim(part), *arg = word;
	while (*arg && !isspace((unsigned char)*arg))
		arg++;
	if (*arg)
		*arg++ = '\0';
	arg = kw_trim(arg);
	if (strcmp(word, "bitstring_overflow") == 0 && !*arg)
		return (a->bitstring_overflow = true);
	if (strcmp(word, "double_overflow") == 0 && !*arg)
		return (a->double_overflow = true);
	char *end;
	long v = strtol(arg, &end, 10);
	if (!*arg || *end)
		return false;
	if (strcmp(word, "oversize_length") == 0 && v >= 0 && v <= (long)UINT32_MAX) {
		a->has_oversize = true;
		a->oversize_length = (uint32_t)v;
		return true;
	}
	bool relative = strcmp(word, "relative_offset") == 0;
	if ((!relative && strcmp(word, "absolute_offset") != 0) || (*seen_offset)++)
		return false;
	if (relative ? (v < -65535 || v > 65535) : (v < 0 || v > 65535))
		return false;
	a->head.relative = relative;
	a->offset = (int32_t)v;
	return true;
}

static int kw_asn1_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "asn1");
	if (rc < 0)
		return rc;
	char text[160];
	if (strlen(value) >= sizeof(text))
		return rule_parser_error(parser, "bad value of \"asn1\": \"%s\"", value);
	strcpy(text, value);
	struct kw_asn1 *a = calloc(1, sizeof(*a));
	if (!a)
		return rule_parser_error(parser, "out of memory");
	a->head.type = PAYLOAD_ASN1;
	unsigned seen_offset = 0;
	bool ok = true;
	for (char *save = NULL, *part = strtok_r(text, ",", &save); part && ok;
	     part = strtok_r(NULL, ",", &save))
		ok = kw_asn1_option(a, part, &seen_offset);
	if (!ok || !(a->bitstring_overflow || a->double_overflow || a->has_oversize)) {
		free(a);
		return rule_parser_error(parser, "bad value of \"asn1\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, a)) {
		free(a);
		return -1;
	}
	return 0;
}

void kw_asn1_register(void)
{
	static const struct rule_keyword asn1 = {.name = "asn1",
						 .kind = RULE_KW_PAYLOAD,
						 .value = RULE_KW_VALUE_REQUIRED,
						 .parse = kw_asn1_parse,
						 .inspect = kw_asn1_inspect};
	rule_keyword_register(&asn1);
}
