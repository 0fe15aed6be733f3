/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The number test of the protocol field keywords (kw_field.h): parsing
 * Suricata's unsigned integer syntax with negation and names, and the
 * match over the field's values. The fields themselves are the families'
 * (kw_dns.c, kw_tls.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/keywords/kw_field.h"
#include "rules/match/match.h"

struct kw_field_test {
	const struct kw_field *field;
	struct kw_compare compare;
	bool negated;
};

static bool kw_field_name_find(const struct kw_field *field, const char *text, uint32_t *value)
{
	for (const struct kw_field_name *n = field->names; n && n->name; n++)
		if (strcasecmp(n->name, text) == 0) {
			*value = n->value;
			return true;
		}
	return false;
}

/* low < x < high made low <= x <= high, in the tests kw_compare has. */
static void kw_field_range_include(struct kw_compare *c)
{
	if (c->low == 0 && c->high == UINT32_MAX) {
		c->op = KW_COMPARE_GE; /* every value */
	} else if (c->low == 0) {
		c->op = KW_COMPARE_LE;
		c->low = c->high;
	} else if (c->high == UINT32_MAX) {
		c->op = KW_COMPARE_GE;
	} else {
		c->low--;
		c->high++;
	}
}

int kw_field_parse(struct rule_parser *parser, struct rule *rule, const struct kw_field *field,
		   const char *value)
{
	char text[64];
	const char *p = value;

	while (*p == ' ')
		p++;
	if (strlen(p) >= sizeof(text))
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", field->keyword,
					 value);
	struct kw_field_test *t = calloc(1, sizeof(*t));
	if (!t)
		return rule_parser_error(parser, "out of memory");
	t->field = field;
	if (*p == '!') {
		t->negated = true;
		p++;
	}
	snprintf(text, sizeof(text), "%s", p);
	for (size_t n = strlen(text); n && text[n - 1] == ' ';)
		text[--n] = '\0';
	uint32_t named;
	if (kw_field_name_find(field, text, &named)) {
		t->compare.op = KW_COMPARE_EQ;
		t->compare.low = named;
	} else if (!text[0] || text[0] == '!' ||
		   kw_compare_parse(&t->compare, text, field->max) < 0) {
		free(t);
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", field->keyword,
					 value);
	}
	if (!rule_parser_add_option(parser, rule, t)) {
		free(t);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(field->buffer);
	return 0;
}

int kw_field_parse_inclusive(struct rule_parser *parser, struct rule *rule,
			     const struct kw_field *field, const char *value)
{
	int rc = kw_field_parse(parser, rule, field, value);
	if (rc < 0)
		return rc;
	struct kw_field_test *t = rule->options[rule->option_count - 1].data;
	if (t->compare.op == KW_COMPARE_RANGE)
		kw_field_range_include(&t->compare);
	return 0;
}

int kw_field_option_add(struct rule_parser *parser, struct rule *rule, const void *data,
			size_t size, int buffer)
{
	void *t = malloc(size);
	if (!t)
		return rule_parser_error(parser, "out of memory");
	memcpy(t, data, size);
	if (!rule_parser_add_option(parser, rule, t)) {
		free(t);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(buffer);
	return 0;
}

bool kw_field_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_field_test *t = option->data;
	uint32_t values[KW_FIELD_VALUES_MAX];
	const uint8_t *buf = ctx->buffer[t->field->buffer];

	if (!buf)
		return false;
	unsigned n =
	    t->field->values(buf, ctx->buffer_len[t->field->buffer], values, KW_FIELD_VALUES_MAX);
	for (unsigned i = 0; i < n; i++)
		if (kw_compare_match(&t->compare, values[i]) != t->negated)
			return true;
	return false;
}
