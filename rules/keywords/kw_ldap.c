/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LDAP keywords that are tests (the sticky buffers ldap.request.dn,
 * ldap.responses.dn, ldap.responses.message, ldap.request.attribute_type
 * and ldap.responses.attribute_type come from buffer.h), as Suricata 8
 * documents them:
 *   ldap.request.operation:OP;   the request's operation, a number or its
 *                                name (search_request, bind_request, ...)
 *   ldap.responses.operation:OP[,INDEX];  a response of the transaction
 *                                is OP: the response at INDEX (0 the first,
 *                                -1 the last), any of them ("any", the
 *                                default), or all of them ("all")
 *   ldap.responses.result_code:CODE[,INDEX];  the same for a response's
 *                                result code, a number or its name (success,
 *                                no_such_object, ...); a response without
 *                                one (an entry) never holds it
 *   ldap.responses.count:N;      the responses so far, number test
 * All read app.meta (struct rule_ldap_meta, rules/lang/app_meta.h), which
 * the LDAP parser puts in every unit of a transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/keywords/kw_field.h"
#include "rules/lang/app_meta.h"
#include "rules/match/match.h"

static bool kw_ldap_meta(const uint8_t *buf, uint32_t len, struct rule_ldap_meta *m)
{
	return rule_app_meta_get(buf, len, RULE_PROTO_LDAP, m, sizeof(*m));
}

static unsigned kw_ldap_request_values(const uint8_t *buf, uint32_t len, uint32_t *out,
				       unsigned max)
{
	struct rule_ldap_meta m;
	(void)max;
	if (!kw_ldap_meta(buf, len, &m) || !m.has_request)
		return 0;
	*out = m.request_op;
	return 1;
}

static unsigned kw_ldap_count_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	struct rule_ldap_meta m;
	(void)max;
	if (!kw_ldap_meta(buf, len, &m))
		return 0;
	*out = m.response_count;
	return 1;
}

static const struct kw_field_name kw_ldap_op_names[] = {
#define _(tag, sym, name) {name, tag},
    foreach_rule_ldap_op
#undef _
    {NULL, 0},
};

static const struct kw_field kw_ldap_fields[] = {
    {"ldap.request.operation", UINT8_MAX, RULE_BUFFER_APP_META, kw_ldap_request_values,
     kw_ldap_op_names},
    {"ldap.responses.count", UINT32_MAX, RULE_BUFFER_APP_META, kw_ldap_count_values, NULL},
};

static int kw_ldap_request_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_ldap_fields[0], value);
}

static int kw_ldap_count_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_ldap_fields[1], value);
}

/* ---- ldap.responses.operation ------------------------------------------- */

enum kw_ldap_index { KW_LDAP_ANY, KW_LDAP_ALL, KW_LDAP_AT };

/* rule_option.data of ldap.responses.operation and ldap.responses.result_code. */
struct kw_ldap_responses {
	uint32_t value; /* the operation or the result code */
	bool result;	/* a result code, not an operation */
	enum kw_ldap_index mode;
	int32_t index; /* KW_LDAP_AT: from the start (>= 0) or the end (< 0) */
};

static const struct kw_field_name kw_ldap_result_names[] = {
#define _(code, name) {name, code},
    foreach_rule_ldap_result
#undef _
    {NULL, 0},
};

/* A value by name (from names) or number (up to max). */
static bool kw_ldap_value(const char *word, const struct kw_field_name *names, uint32_t max,
			  uint32_t *out)
{
	for (const struct kw_field_name *n = names; n->name; n++)
		if (!strcasecmp(word, n->name)) {
			*out = n->value;
			return true;
		}
	char *end;
	errno = 0;
	unsigned long v = strtoul(word, &end, 10);
	if (!*word || *end || errno || v > max || *word == '-')
		return false;
	*out = (uint32_t)v;
	return true;
}

static int kw_ldap_responses_add(struct rule_parser *parser, struct rule *rule, const char *value,
				 bool result)
{
	const char *keyword = result ? "ldap.responses.result_code" : "ldap.responses.operation";
	struct kw_ldap_responses r = {.mode = KW_LDAP_ANY, .result = result};
	char text[64];
	bool ok = strlen(value) < sizeof(text);
	if (ok) {
		snprintf(text, sizeof(text), "%s", value);
		char *comma = strchr(text, ',');
		if (comma)
			*comma++ = '\0';
		ok = result
			 ? kw_ldap_value(kw_trim(text), kw_ldap_result_names, UINT32_MAX, &r.value)
			 : kw_ldap_value(kw_trim(text), kw_ldap_op_names, UINT8_MAX, &r.value);
		char *index = comma ? kw_trim(comma) : NULL;
		if (ok && index && !strcmp(index, "all")) {
			r.mode = KW_LDAP_ALL;
		} else if (ok && index && strcmp(index, "any")) {
			char *end;
			errno = 0;
			long v = strtol(index, &end, 10);
			ok = *index && !*end && !errno && v >= INT32_MIN && v <= INT32_MAX;
			r.mode = KW_LDAP_AT;
			r.index = (int32_t)v;
		}
	}
	if (!ok)
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", keyword, value);
	return kw_field_option_add(parser, rule, &r, sizeof(r), RULE_BUFFER_APP_META);
}

static int kw_ldap_operations_parse(struct rule_parser *parser, struct rule *rule,
				    const char *value)
{
	return kw_ldap_responses_add(parser, rule, value, false);
}

static int kw_ldap_results_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_ldap_responses_add(parser, rule, value, true);
}

/* Does listed response i hold t's value (a result code only where it has one)? */
static bool kw_ldap_response_is(const struct kw_ldap_responses *t, const struct rule_ldap_meta *m,
				uint32_t i)
{
	if (t->result)
		return (m->has_result & (1u << i)) && m->result_codes[i] == t->value;
	return m->responses[i] == t->value;
}

/* Per-packet path. */
static bool kw_ldap_responses_match(const struct rule_option *option,
				    const struct rule_match_ctx *ctx)
{
	const struct kw_ldap_responses *t = option->data;
	struct rule_ldap_meta m;

	if (!kw_ldap_meta(ctx->buffer[RULE_BUFFER_APP_META], ctx->buffer_len[RULE_BUFFER_APP_META],
			  &m) ||
	    !m.response_count)
		return false;
	uint32_t listed =
	    m.response_count < RULE_LDAP_RESPONSES_MAX ? m.response_count : RULE_LDAP_RESPONSES_MAX;
	if (t->mode == KW_LDAP_AT) {
		int64_t i = t->index >= 0 ? t->index : (int64_t)m.response_count + t->index;
		return i >= 0 && i < listed && kw_ldap_response_is(t, &m, (uint32_t)i);
	}
	for (uint32_t i = 0; i < listed; i++) {
		bool same = kw_ldap_response_is(t, &m, i);
		if (same && t->mode == KW_LDAP_ANY)
			return true;
		if (!same && t->mode == KW_LDAP_ALL)
			return false;
	}
	return t->mode == KW_LDAP_ALL;
}

void kw_ldap_register(void)
{
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	row.name = kw_ldap_fields[0].keyword;
	row.parse = kw_ldap_request_parse;
	rule_keyword_register(&row);
	row.name = kw_ldap_fields[1].keyword;
	row.parse = kw_ldap_count_parse;
	rule_keyword_register(&row);
	row.match = kw_ldap_responses_match;
	row.name = "ldap.responses.operation";
	row.parse = kw_ldap_operations_parse;
	rule_keyword_register(&row);
	row.name = "ldap.responses.result_code";
	row.parse = kw_ldap_results_parse;
	rule_keyword_register(&row);
}
