/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kerberos 5 keywords that are tests (the sticky buffers krb5.cname and
 * krb5.sname, with their old names krb5_cname and krb5_sname, come from
 * buffer.h), as Suricata 8 documents them:
 *   krb5_msg_type:N;     the message type (10 AS-REQ, 11 AS-REP, 12 TGS-REQ,
 *                        13 TGS-REP, 30 KRB-ERROR), number test
 *   krb5_err_code:N;     a KRB-ERROR's code, number test; other messages
 *                        have none and never match
 *   krb5.ticket_encryption:[!]weak;  or a list of encryption types
 *                        (numbers or names, commas or spaces between:
 *                        "23", "rc4-hmac,aes256-cts-hmac-sha1-96"): the
 *                        cipher of the ticket a reply carries is weak (not
 *                        weak), or one of the list
 * All read app.meta (struct rule_krb5_meta, rules/lang/app_meta.h), which
 * the Kerberos parser puts in every unit of a message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/keywords/kw_field.h"
#include "rules/lang/app_meta.h"
#include "rules/match/match.h"

#define KW_KRB5_ETYPES_MAX 16 /* encryption types one krb5.ticket_encryption lists */

static bool kw_krb5_meta(const uint8_t *buf, uint32_t len, struct rule_krb5_meta *m)
{
	return rule_app_meta_get(buf, len, RULE_PROTO_KRB5, m, sizeof(*m));
}

static unsigned kw_krb5_msg_type_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					unsigned max)
{
	struct rule_krb5_meta m;
	(void)max;
	if (!kw_krb5_meta(buf, len, &m))
		return 0;
	*out = m.msg_type;
	return 1;
}

static unsigned kw_krb5_err_code_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					unsigned max)
{
	struct rule_krb5_meta m;
	(void)max;
	if (!kw_krb5_meta(buf, len, &m) || !m.has_error)
		return 0;
	*out = m.error_code;
	return 1;
}

static const struct kw_field kw_krb5_fields[] = {
    {"krb5_msg_type", UINT32_MAX, RULE_BUFFER_APP_META, kw_krb5_msg_type_values, NULL},
    {"krb5_err_code", INT32_MAX, RULE_BUFFER_APP_META, kw_krb5_err_code_values, NULL},
};

static int kw_krb5_msg_type_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_krb5_fields[0], value);
}

static int kw_krb5_err_code_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_krb5_fields[1], value);
}

/* ---- krb5.ticket_encryption --------------------------------------------- */

/* rule_option.data: weakness (weak set) or a list of encryption types. */
struct kw_krb5_etypes {
	bool weak, negated;
	unsigned count;
	int32_t etype[KW_KRB5_ETYPES_MAX];
};

/* One encryption type: a name of foreach_rule_krb5_etype or a number (negative allowed). */
static bool kw_krb5_etype(const char *word, size_t len, int32_t *etype)
{
	char text[40];
	if (!len || len >= sizeof(text))
		return false;
	memcpy(text, word, len);
	text[len] = '\0';
#define _(n, name)                                                                                 \
	if (!strcasecmp(text, name)) {                                                             \
		*etype = n;                                                                        \
		return true;                                                                       \
	}
	foreach_rule_krb5_etype
#undef _
	    char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (*end || errno || v < INT32_MIN || v > INT32_MAX)
		return false;
	*etype = (int32_t)v;
	return true;
}

static int kw_krb5_ticket_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	static const char separators[] = ", ";
	struct kw_krb5_etypes e = {0}, *t = &e;
	const char *p = value + strspn(value, separators);
	bool ok = *p != '\0';
	const char *weak = p + (*p == '!');
	if (!strncasecmp(weak, "weak", 4) && !weak[4 + strspn(weak + 4, separators)]) {
		t->weak = true;
		t->negated = *p == '!';
		p = "";
	}
	while (ok && *p) {
		size_t len = strcspn(p, separators);
		ok = t->count < KW_KRB5_ETYPES_MAX && kw_krb5_etype(p, len, &t->etype[t->count++]);
		p += len;
		p += strspn(p, separators);
	}
	if (!ok)
		return rule_parser_error(parser, "bad value of \"krb5.ticket_encryption\": \"%s\"",
					 value);
	return kw_field_option_add(parser, rule, &e, sizeof(e), RULE_BUFFER_APP_META);
}

/* Per-packet path. */
static bool kw_krb5_ticket_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_krb5_etypes *t = option->data;
	struct rule_krb5_meta m;

	if (!kw_krb5_meta(ctx->buffer[RULE_BUFFER_APP_META], ctx->buffer_len[RULE_BUFFER_APP_META],
			  &m) ||
	    !m.has_ticket)
		return false;
	if (t->weak)
		return (m.ticket_weak != 0) != t->negated;
	for (unsigned i = 0; i < t->count; i++)
		if (t->etype[i] == m.ticket_etype)
			return true;
	return false;
}

void kw_krb5_register(void)
{
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	row.name = kw_krb5_fields[0].keyword;
	row.parse = kw_krb5_msg_type_parse;
	rule_keyword_register(&row);
	row.name = kw_krb5_fields[1].keyword;
	row.parse = kw_krb5_err_code_parse;
	rule_keyword_register(&row);
	row.name = "krb5.ticket_encryption";
	row.parse = kw_krb5_ticket_parse;
	row.match = kw_krb5_ticket_match;
	rule_keyword_register(&row);
}
