/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * entropy (Suricata 8): the Shannon entropy of the buffer, in bits per
 * byte (0 to 8), compared with a number:
 *   entropy:[bytes N,] [offset N,] value [!]OP X;
 * OP is =, !=, <, <=, >, >= or a range "A-B" (A < x < B, as Suricata's
 * integer ranges; "!A-B" outside it); X may have decimals. offset is
 * where the bytes start in the buffer (negative: from its end), bytes how
 * many are taken (default: the rest). A payload option of the buffer in
 * effect that judges the buffer as a whole and never moves the cursor; a
 * body still growing (a window with more to come) is judged once whole.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"
#include "rules/match/payload.h"

enum kw_entropy_op {
	KW_ENTROPY_EQ,
	KW_ENTROPY_NE,
	KW_ENTROPY_LT,
	KW_ENTROPY_LE,
	KW_ENTROPY_GT,
	KW_ENTROPY_GE,
	KW_ENTROPY_RANGE,
	KW_ENTROPY_NOT_RANGE,
};

struct kw_entropy {
	struct payload_head head; /* first: see payload.h */
	enum kw_entropy_op op;
	double low, high;
	int32_t offset;
	uint32_t bytes; /* 0: to the end of the buffer */
};

/* A number with optional decimals; end after it. */
static bool kw_entropy_number(const char *text, double *out, const char **end)
{
	char *stop;
	if (!isdigit((unsigned char)*text))
		return false;
	*out = strtod(text, &stop);
	*end = stop;
	return *out >= 0 && *out <= 8;
}

/* "> 4", "4-5", "!4-5", "!= 4", "= 4", "4.14" */
static int kw_entropy_value(struct kw_entropy *e, const char *text)
{
	static const struct {
		const char *op;
		enum kw_entropy_op value;
	} ops[] = {{"<=", KW_ENTROPY_LE},      {">=", KW_ENTROPY_GE}, {"!=", KW_ENTROPY_NE},
		   {"<", KW_ENTROPY_LT},       {">", KW_ENTROPY_GT},  {"=", KW_ENTROPY_EQ},
		   {"!", KW_ENTROPY_NOT_RANGE}};
	const char *p = text, *end;
	e->op = KW_ENTROPY_EQ;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strncmp(p, ops[i].op, strlen(ops[i].op)) == 0) {
			e->op = ops[i].value;
			p += strlen(ops[i].op);
			break;
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (!kw_entropy_number(p, &e->low, &end))
		return -1;
	if (*end == '-' && (e->op == KW_ENTROPY_EQ || e->op == KW_ENTROPY_NOT_RANGE)) {
		if (e->op == KW_ENTROPY_EQ)
			e->op = KW_ENTROPY_RANGE;
		if (!kw_entropy_number(end + 1, &e->high, &end) || e->high <= e->low)
			return -1;
	} else if (e->op == KW_ENTROPY_NOT_RANGE) {
		return -1; /* "!" goes with a range; "!=" is the negated test */
	}
	return *end ? -1 : 0;
}

static int kw_entropy_part(struct kw_entropy *e, char *part, bool *has_value)
{
	char *word = kw_trim(part);
	char *rest = word + strcspn(word, " \t");
	if (*rest)
		*rest++ = '\0';
	rest = kw_trim(rest);
	char *end;
	if (strcmp(word, "value") == 0 && !*has_value) {
		*has_value = true;
		return kw_entropy_value(e, rest);
	}
	if (strcmp(word, "bytes") == 0) {
		unsigned long v = strtoul(rest, &end, 10);
		if (!isdigit((unsigned char)*rest) || *end || v == 0 || v > 65535)
			return -1;
		e->bytes = (uint32_t)v;
		return 0;
	}
	if (strcmp(word, "offset") == 0) {
		long v = strtol(rest, &end, 10);
		if (!*rest || *end || v < -65535 || v > 65535)
			return -1;
		e->offset = (int32_t)v;
		return 0;
	}
	return -1;
}

static int kw_entropy_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "entropy");
	if (rc < 0)
		return rc;
	struct kw_entropy *e = calloc(1, sizeof(*e));
	char buf[128];
	bool has_value = false;
	if (!e)
		return rule_parser_error(parser, "out of memory");
	e->head.type = PAYLOAD_ENTROPY;
	rc = strlen(value) < sizeof(buf) ? 0 : -1;
	if (rc == 0)
		strcpy(buf, value);
	for (char *save = NULL, *part = rc ? NULL : strtok_r(buf, ",", &save); part && rc == 0;
	     part = strtok_r(NULL, ",", &save))
		rc = kw_entropy_part(e, part, &has_value);
	if (rc < 0 || !has_value) {
		free(e);
		return rule_parser_error(parser, "bad value of \"entropy\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, e)) {
		free(e);
		return -1;
	}
	return 0;
}

/* Shannon entropy of data[0..len), bits per byte. Per-packet path (a table on the stack). */
static double kw_entropy_of(const uint8_t *data, uint32_t len)
{
	uint32_t counts[256] = {0};
	for (uint32_t i = 0; i < len; i++)
		counts[data[i]]++;
	double entropy = 0;
	for (unsigned b = 0; b < 256; b++) {
		if (!counts[b])
			continue;
		double p = (double)counts[b] / len;
		entropy -= p * log2(p);
	}
	return entropy;
}

static bool kw_entropy_compare(const struct kw_entropy *e, double x)
{
	switch (e->op) {
	case KW_ENTROPY_EQ:
		return x == e->low;
	case KW_ENTROPY_NE:
		return x != e->low;
	case KW_ENTROPY_LT:
		return x < e->low;
	case KW_ENTROPY_LE:
		return x <= e->low;
	case KW_ENTROPY_GT:
		return x > e->low;
	case KW_ENTROPY_GE:
		return x >= e->low;
	case KW_ENTROPY_RANGE:
		return x > e->low && x < e->high;
	default:
		return !(x > e->low && x < e->high);
	}
}

/* The value computed on buffer, for the flow and EVE (the latest of a buffer wins). */
static void kw_entropy_keep(struct rule_captures *captures, unsigned buffer, double value)
{
	unsigned i = 0;
	while (i < captures->entropy_count && captures->entropy[i].buffer != buffer)
		i++;
	if (i == RULE_MAX_ENTROPY)
		return;
	if (i == captures->entropy_count)
		captures->entropy_count++;
	captures->entropy[i].buffer = (uint16_t)buffer;
	captures->entropy[i].value = value;
}

/* Per-packet path: the cursor is left as it was handed over. */
static bool kw_entropy_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_entropy *e = option->data;
	if (cursor->more)
		return false; /* judged once the body is whole */
	int64_t start = e->offset < 0 ? (int64_t)cursor->len + e->offset : e->offset;
	if (start < 0 || start >= (int64_t)cursor->len)
		return false;
	uint32_t len = cursor->len - (uint32_t)start;
	if (e->bytes && e->bytes < len)
		len = e->bytes;
	double value = kw_entropy_of(cursor->data + start, len);
	if (cursor->ctx->captures)
		kw_entropy_keep(cursor->ctx->captures, option->buffer, value);
	return kw_entropy_compare(e, value);
}

void kw_entropy_register(void)
{
	static const struct rule_keyword entropy = {.name = "entropy",
						    .kind = RULE_KW_PAYLOAD,
						    .value = RULE_KW_VALUE_REQUIRED,
						    .parse = kw_entropy_parse,
						    .inspect = kw_entropy_inspect};
	rule_keyword_register(&entropy);
}
