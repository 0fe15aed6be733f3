/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EtherNet/IP and CIP keywords, as Suricata 8 documents them:
 *   enip_command:N; (enip.command)  the encapsulation command, a number
 *                        or its name (list_identity, send_rr_data, ...)
 *   enip.status:N;       the encapsulation status
 *   enip.protocol_version:N;  RegisterSession's or the identity's
 *   enip.vendor_id:N; enip.device_type:N; enip.product_code:N;
 *   enip.identity_status:N; enip.serial:N; enip.state:N;
 *                        a ListIdentity reply's identity fields
 *   enip.cip_class:N; enip.cip_instance:N; enip.cip_attribute:N;
 *                        a CIP request's logical path (any service holds)
 *   enip.cip_status:N; enip.cip_extendedstatus:N;  a CIP reply's status
 *   cip_service:S[,C[,A]];  a CIP service S (a reply's too, its reply bit
 *                        aside), with class C and attribute A in its path
 *                        when given; any service of the message holds
 * All read app.meta (struct rule_enip_meta, rules/lang/app_meta.h), which
 * the ENIP parser puts in every unit. The number tests take Suricata's
 * integer syntax (kw_field.h); cip_service takes plain numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_field.h"
#include "rules/lang/app_meta.h"
#include "rules/match/match.h"

static bool kw_enip_meta(const uint8_t *buf, uint32_t len, struct rule_enip_meta *m)
{
	return rule_app_meta_get(buf, len, RULE_PROTO_ENIP, m, sizeof(*m));
}

/* A reader of one field of app.meta (m), present when cond holds. */
#define KW_ENIP_ONE(fn, cond, expr)                                                                \
	static unsigned fn(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)          \
	{                                                                                          \
		struct rule_enip_meta m;                                                           \
		(void)max;                                                                         \
		if (!kw_enip_meta(buf, len, &m) || !(cond))                                        \
			return 0;                                                                  \
		*out = (expr);                                                                     \
		return 1;                                                                          \
	}
KW_ENIP_ONE(kw_enip_command_values, true, m.command)
KW_ENIP_ONE(kw_enip_status_values, true, m.status)
KW_ENIP_ONE(kw_enip_version_values, m.protocol_version, m.protocol_version)
KW_ENIP_ONE(kw_enip_vendor_values, m.has_identity, m.vendor_id)
KW_ENIP_ONE(kw_enip_device_values, m.has_identity, m.device_type)
KW_ENIP_ONE(kw_enip_product_values, m.has_identity, m.product_code)
KW_ENIP_ONE(kw_enip_identity_status_values, m.has_identity, m.identity_status)
KW_ENIP_ONE(kw_enip_serial_values, m.has_identity, m.serial)
KW_ENIP_ONE(kw_enip_state_values, m.has_identity, m.state)
#undef KW_ENIP_ONE

/* A reader of one field of each CIP service (c) that has it. */
#define KW_ENIP_CIP(fn, cond, expr)                                                                \
	static unsigned fn(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)          \
	{                                                                                          \
		struct rule_enip_meta m;                                                           \
		unsigned n = 0;                                                                    \
		if (!kw_enip_meta(buf, len, &m))                                                   \
			return 0;                                                                  \
		for (unsigned i = 0; i < m.cip_count && i < RULE_ENIP_CIP_MAX && n < max; i++) {   \
			const struct rule_enip_cip *c = &m.cip[i];                                 \
			if (cond)                                                                  \
				out[n++] = (expr);                                                 \
		}                                                                                  \
		return n;                                                                          \
	}
KW_ENIP_CIP(kw_enip_class_values, c->has_class, c->class_id)
KW_ENIP_CIP(kw_enip_instance_values, c->has_instance, c->instance)
KW_ENIP_CIP(kw_enip_attribute_values, c->has_attribute, c->attribute)
KW_ENIP_CIP(kw_enip_cip_status_values, c->has_status, c->status)
KW_ENIP_CIP(kw_enip_ext_status_values, c->has_status, c->extended_status)
#undef KW_ENIP_CIP

static const struct kw_field_name kw_enip_command_names[] = {
#define _(code, sym, name) {name, code},
    foreach_rule_enip_command
#undef _
    {NULL, 0},
};

static const struct kw_field_name kw_enip_status_names[] = {
#define _(code, name) {name, code},
    foreach_rule_enip_status
#undef _
    {NULL, 0},
};

#define KW_ENIP_FIELD(name, max, fn, names)                                                        \
	{                                                                                          \
		name, max, RULE_BUFFER_APP_META, fn, names                                         \
	}
static const struct kw_field kw_enip_fields[] = {
    KW_ENIP_FIELD("enip_command", UINT16_MAX, kw_enip_command_values, kw_enip_command_names),
    KW_ENIP_FIELD("enip.command", UINT16_MAX, kw_enip_command_values, kw_enip_command_names),
    KW_ENIP_FIELD("enip.status", UINT32_MAX, kw_enip_status_values, kw_enip_status_names),
    KW_ENIP_FIELD("enip.protocol_version", UINT16_MAX, kw_enip_version_values, NULL),
    KW_ENIP_FIELD("enip.vendor_id", UINT16_MAX, kw_enip_vendor_values, NULL),
    KW_ENIP_FIELD("enip.device_type", UINT16_MAX, kw_enip_device_values, NULL),
    KW_ENIP_FIELD("enip.product_code", UINT16_MAX, kw_enip_product_values, NULL),
    KW_ENIP_FIELD("enip.identity_status", UINT16_MAX, kw_enip_identity_status_values, NULL),
    KW_ENIP_FIELD("enip.serial", UINT32_MAX, kw_enip_serial_values, NULL),
    KW_ENIP_FIELD("enip.state", UINT8_MAX, kw_enip_state_values, NULL),
    KW_ENIP_FIELD("enip.cip_class", UINT32_MAX, kw_enip_class_values, NULL),
    KW_ENIP_FIELD("enip.cip_instance", UINT32_MAX, kw_enip_instance_values, NULL),
    KW_ENIP_FIELD("enip.cip_attribute", UINT32_MAX, kw_enip_attribute_values, NULL),
    KW_ENIP_FIELD("enip.cip_status", UINT8_MAX, kw_enip_cip_status_values, NULL),
    KW_ENIP_FIELD("enip.cip_extendedstatus", UINT16_MAX, kw_enip_ext_status_values, NULL),
};
#undef KW_ENIP_FIELD
#define KW_ENIP_FIELDS (sizeof(kw_enip_fields) / sizeof(kw_enip_fields[0]))

/* One parse function per row (the keyword table gives parse no row). */
#define _(i)                                                                                       \
	static int kw_enip_field_parse_##i(struct rule_parser *parser, struct rule *rule,          \
					   const char *value)                                      \
	{                                                                                          \
		return kw_field_parse(parser, rule, &kw_enip_fields[i], value);                    \
	}
/* clang-format off */
_(0) _(1) _(2) _(3) _(4) _(5) _(6) _(7) _(8) _(9) _(10) _(11) _(12) _(13) _(14)
#undef _

static const rule_keyword_parse_fn kw_enip_field_parse[] = {
	kw_enip_field_parse_0,  kw_enip_field_parse_1,  kw_enip_field_parse_2,
	kw_enip_field_parse_3,  kw_enip_field_parse_4,  kw_enip_field_parse_5,
	kw_enip_field_parse_6,  kw_enip_field_parse_7,  kw_enip_field_parse_8,
	kw_enip_field_parse_9,  kw_enip_field_parse_10, kw_enip_field_parse_11,
	kw_enip_field_parse_12, kw_enip_field_parse_13, kw_enip_field_parse_14,
};
/* clang-format on */
_Static_assert(sizeof(kw_enip_field_parse) / sizeof(kw_enip_field_parse[0]) == KW_ENIP_FIELDS,
	       "one parse function per ENIP field");

/* ---- cip_service ---------------------------------------------------------- */

struct kw_cip_service {
	uint32_t service, class_id, attribute;
	bool has_class, has_attribute;
};

static bool kw_cip_number(const char **p, uint32_t max, uint32_t *out)
{
	char *end;
	while (**p == ' ')
		(*p)++;
	if (**p < '0' || **p > '9')
		return false;
	errno = 0;
	unsigned long v = strtoul(*p, &end, 10);
	if (errno || v > max)
		return false;
	*p = end;
	while (**p == ' ')
		(*p)++;
	*out = (uint32_t)v;
	return true;
}

static int kw_cip_service_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_cip_service c = {0};
	const char *p = value;
	bool ok = kw_cip_number(&p, UINT8_MAX, &c.service);
	if (ok && *p == ',') {
		p++;
		ok = c.has_class = kw_cip_number(&p, UINT32_MAX, &c.class_id);
		if (ok && *p == ',') {
			p++;
			ok = c.has_attribute = kw_cip_number(&p, UINT32_MAX, &c.attribute);
		}
	}
	if (!ok || *p)
		return rule_parser_error(parser, "bad value of \"cip_service\": \"%s\"", value);
	return kw_field_option_add(parser, rule, &c, sizeof(c), RULE_BUFFER_APP_META);
}

/* Per-packet path. */
static bool kw_cip_service_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_cip_service *t = option->data;
	struct rule_enip_meta m;

	if (!kw_enip_meta(ctx->buffer[RULE_BUFFER_APP_META], ctx->buffer_len[RULE_BUFFER_APP_META],
			  &m))
		return false;
	for (unsigned i = 0; i < m.cip_count && i < RULE_ENIP_CIP_MAX; i++) {
		const struct rule_enip_cip *c = &m.cip[i];
		if ((c->service & 0x7f) != t->service)
			continue;
		if (t->has_class && (!c->has_class || c->class_id != t->class_id))
			continue;
		if (t->has_attribute && (!c->has_attribute || c->attribute != t->attribute))
			continue;
		return true;
	}
	return false;
}

void kw_enip_register(void)
{
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	for (size_t i = 0; i < KW_ENIP_FIELDS; i++) {
		row.name = kw_enip_fields[i].keyword;
		row.parse = kw_enip_field_parse[i];
		rule_keyword_register(&row);
	}
	row.name = "cip_service";
	row.parse = kw_cip_service_parse;
	row.match = kw_cip_service_match;
	rule_keyword_register(&row);
}
