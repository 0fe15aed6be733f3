/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SNMP keywords that are tests (the sticky buffers snmp.community and
 * snmp.usm come from buffer.h), as Suricata 8 documents them:
 *   snmp.version:N;    1, 2 (v2c) or 3, number test
 *   snmp.pdu_type:N;   the PDU's type, a number (0 get_request ... 8
 *                      report) or its name; an encrypted v3 PDU has none
 * Both read app.meta (struct rule_snmp_meta, rules/lang/app_meta.h),
 * which the SNMP parser puts in each message's unit.
 */
#include <stddef.h>

#include "rules/keywords/kw_field.h"
#include "rules/lang/app_meta.h"

static bool kw_snmp_meta(const uint8_t *buf, uint32_t len, struct rule_snmp_meta *m)
{
	return rule_app_meta_get(buf, len, RULE_PROTO_SNMP, m, sizeof(*m));
}

static unsigned kw_snmp_version_values(const uint8_t *buf, uint32_t len, uint32_t *out,
				       unsigned max)
{
	struct rule_snmp_meta m;
	(void)max;
	if (!kw_snmp_meta(buf, len, &m))
		return 0;
	*out = m.version;
	return 1;
}

static unsigned kw_snmp_pdu_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	struct rule_snmp_meta m;
	(void)max;
	if (!kw_snmp_meta(buf, len, &m) || !m.has_pdu)
		return 0;
	*out = m.pdu_type;
	return 1;
}

static const struct kw_field_name kw_snmp_pdu_names[] = {
#define _(tag, sym, name) {name, tag},
    foreach_rule_snmp_pdu
#undef _
    {NULL, 0},
};

static const struct kw_field kw_snmp_fields[] = {
    {"snmp.version", UINT32_MAX, RULE_BUFFER_APP_META, kw_snmp_version_values, NULL},
    {"snmp.pdu_type", UINT32_MAX, RULE_BUFFER_APP_META, kw_snmp_pdu_values, kw_snmp_pdu_names},
};

static int kw_snmp_version_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_snmp_fields[0], value);
}

static int kw_snmp_pdu_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_snmp_fields[1], value);
}

void kw_snmp_register(void)
{
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	row.name = kw_snmp_fields[0].keyword;
	row.parse = kw_snmp_version_parse;
	rule_keyword_register(&row);
	row.name = kw_snmp_fields[1].keyword;
	row.parse = kw_snmp_pdu_parse;
	rule_keyword_register(&row);
}
