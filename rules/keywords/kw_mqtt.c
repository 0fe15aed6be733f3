/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MQTT keywords that are tests (the MQTT sticky buffers,
 * mqtt.connect.clientid, mqtt.publish.topic, mqtt.subscribe.topic, ...,
 * come from buffer.h), as Suricata 8 documents them:
 *   mqtt.protocol_version:N;   the flow's version (3, 4, 5), number test
 *   mqtt.type:T;               the control packet type, a number or its
 *                              name (CONNECT, PUBLISH, ..., UNASSIGNED)
 *   mqtt.flags:[!]f[,[!]f];    fixed header flags dup and retain: each
 *                              named one set, each with "!" clear
 *   mqtt.qos:N;                the fixed header's QoS, 0, 1 or 2
 *   mqtt.reason_code:N;        a reason or return code the packet
 *   mqtt.connack.return_code:N;  carries (CONNACK, PUBACK..., SUBACK,
 *                              UNSUBACK, DISCONNECT, AUTH; any one holds)
 *   mqtt.connack.session_present:yes|no|true|false;  CONNACK only
 *   mqtt.connect.flags:[!]f[,[!]f];  CONNECT only: username, password,
 *                              will, will_retain, clean_session
 * All read app.meta (struct rule_mqtt_meta, rules/lang/app_meta.h), which
 * the MQTT parser puts in every unit of a packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/keywords/kw_field.h"
#include "rules/lang/app_meta.h"
#include "rules/match/match.h"

static bool kw_mqtt_meta(const uint8_t *buf, uint32_t len, struct rule_mqtt_meta *m)
{
	return rule_app_meta_get(buf, len, RULE_PROTO_MQTT, m, sizeof(*m));
}

/* ---- number tests (kw_field.h) ------------------------------------------ */

/* A reader of one value of app.meta (m), for kw_field. */
#define KW_MQTT_ONE_VALUE(fn, expr)                                                                \
	static unsigned fn(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)          \
	{                                                                                          \
		struct rule_mqtt_meta m;                                                           \
		(void)max;                                                                         \
		if (!kw_mqtt_meta(buf, len, &m))                                                   \
			return 0;                                                                  \
		*out = (expr);                                                                     \
		return 1;                                                                          \
	}
KW_MQTT_ONE_VALUE(kw_mqtt_version_values, m.protocol_version)
KW_MQTT_ONE_VALUE(kw_mqtt_type_values, m.type)
KW_MQTT_ONE_VALUE(kw_mqtt_qos_values, (m.flags >> 1) & 3)
#undef KW_MQTT_ONE_VALUE

static unsigned kw_mqtt_reason_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	struct rule_mqtt_meta m;
	unsigned n = 0;
	if (!kw_mqtt_meta(buf, len, &m))
		return 0;
	for (unsigned i = 0; i < m.reason_count && i < RULE_MQTT_REASONS_MAX && n < max; i++)
		out[n++] = m.reason[i];
	return n;
}

static const struct kw_field_name kw_mqtt_type_names[] = {
    {"UNASSIGNED", 0},	 {"CONNECT", 1},   {"CONNACK", 2},  {"PUBLISH", 3},   {"PUBACK", 4},
    {"PUBREC", 5},	 {"PUBREL", 6},	   {"PUBCOMP", 7},  {"SUBSCRIBE", 8}, {"SUBACK", 9},
    {"UNSUBSCRIBE", 10}, {"UNSUBACK", 11}, {"PINGREQ", 12}, {"PINGRESP", 13}, {"DISCONNECT", 14},
    {"AUTH", 15},	 {NULL, 0},
};

static const struct kw_field kw_mqtt_fields[] = {
    {"mqtt.protocol_version", UINT8_MAX, RULE_BUFFER_APP_META, kw_mqtt_version_values, NULL},
    {"mqtt.type", UINT8_MAX, RULE_BUFFER_APP_META, kw_mqtt_type_values, kw_mqtt_type_names},
    {"mqtt.qos", 2, RULE_BUFFER_APP_META, kw_mqtt_qos_values, NULL},
    {"mqtt.reason_code", UINT8_MAX, RULE_BUFFER_APP_META, kw_mqtt_reason_values, NULL},
    {"mqtt.connack.return_code", UINT8_MAX, RULE_BUFFER_APP_META, kw_mqtt_reason_values, NULL},
};

#define _(i, fn)                                                                                   \
	static int fn(struct rule_parser *parser, struct rule *rule, const char *value)            \
	{                                                                                          \
		return kw_field_parse(parser, rule, &kw_mqtt_fields[i], value);                    \
	}
_(0, kw_mqtt_version_parse)
_(1, kw_mqtt_type_parse)
_(2, kw_mqtt_qos_parse)
_(3, kw_mqtt_reason_parse)
_(4, kw_mqtt_return_code_parse)
#undef _

/* ---- flag lists: mqtt.flags, mqtt.connect.flags ------------------------- */

struct kw_mqtt_flag_name {
	const char *name;
	uint8_t bit;
};

static const struct kw_mqtt_flag_name kw_mqtt_header_flags[] = {
    {"dup", 0x08},
    {"retain", 0x01},
    {NULL, 0},
};

static const struct kw_mqtt_flag_name kw_mqtt_connect_flags[] = {
    {"username", 0x80}, {"password", 0x40},	 {"will_retain", 0x20},
    {"will", 0x04},	{"clean_session", 0x02}, {NULL, 0},
};

/* rule_option.data: the bits that must be set and those that must be clear. */
struct kw_mqtt_flags {
	uint8_t set, clear;
	bool connect; /* CONNECT's flags, not the fixed header's */
};

static int kw_mqtt_flags_add(struct rule_parser *parser, struct rule *rule, const char *keyword,
			     const char *value, const struct kw_mqtt_flag_name *names, bool connect)
{
	struct kw_mqtt_flags f = {.connect = connect};
	const char *p = value ? value : "";

	do {
		p += strspn(p, " ");
		bool negated = *p == '!';
		p += negated;
		size_t len = strcspn(p, ",");
		size_t word = len;
		while (word && p[word - 1] == ' ')
			word--;
		uint8_t bit = 0;
		for (const struct kw_mqtt_flag_name *n = names; n->name && word; n++)
			if (strlen(n->name) == word && strncasecmp(p, n->name, word) == 0)
				bit = n->bit;
		if (!bit || ((f.set | f.clear) & bit))
			return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", keyword,
						 value ? value : "");
		if (negated)
			f.clear |= bit;
		else
			f.set |= bit;
		p += len;
	} while (*p++ == ',');
	return kw_field_option_add(parser, rule, &f, sizeof(f), RULE_BUFFER_APP_META);
}

static int kw_mqtt_flags_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_mqtt_flags_add(parser, rule, "mqtt.flags", value, kw_mqtt_header_flags, false);
}

static int kw_mqtt_connect_flags_parse(struct rule_parser *parser, struct rule *rule,
				       const char *value)
{
	return kw_mqtt_flags_add(parser, rule, "mqtt.connect.flags", value, kw_mqtt_connect_flags,
				 true);
}

/* Per-packet path. */
static bool kw_mqtt_flags_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_mqtt_flags *t = option->data;
	struct rule_mqtt_meta m;

	if (!kw_mqtt_meta(ctx->buffer[RULE_BUFFER_APP_META], ctx->buffer_len[RULE_BUFFER_APP_META],
			  &m))
		return false;
	if (t->connect && !m.has_connect_flags)
		return false;
	uint8_t flags = t->connect ? m.connect_flags : m.flags;
	return (flags & t->set) == t->set && !(flags & t->clear);
}

/* ---- mqtt.connack.session_present --------------------------------------- */

static int kw_mqtt_session_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	static const char *const yes[] = {"yes", "true"}, *const no[] = {"no", "false"};
	char word[16];
	int present = -1;

	snprintf(word, sizeof(word), "%s", value ? value : "");
	char *w = kw_trim(word);
	for (unsigned i = 0; i < 2; i++) {
		if (!strcasecmp(w, yes[i]))
			present = 1;
		if (!strcasecmp(w, no[i]))
			present = 0;
	}
	if (present < 0 || strlen(value) >= sizeof(word))
		return rule_parser_error(
		    parser, "bad value of \"mqtt.connack.session_present\": \"%s\"", value);
	uint8_t want = (uint8_t)present;
	return kw_field_option_add(parser, rule, &want, sizeof(want), RULE_BUFFER_APP_META);
}

/* Per-packet path. */
static bool kw_mqtt_session_match(const struct rule_option *option,
				  const struct rule_match_ctx *ctx)
{
	const uint8_t *present = option->data;
	struct rule_mqtt_meta m;

	if (!kw_mqtt_meta(ctx->buffer[RULE_BUFFER_APP_META], ctx->buffer_len[RULE_BUFFER_APP_META],
			  &m))
		return false;
	return m.has_session_present && m.session_present == *present;
}

void kw_mqtt_register(void)
{
	static const rule_keyword_parse_fn fields[] = {kw_mqtt_version_parse, kw_mqtt_type_parse,
						       kw_mqtt_qos_parse, kw_mqtt_reason_parse,
						       kw_mqtt_return_code_parse};
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		row.name = kw_mqtt_fields[i].keyword;
		row.parse = fields[i];
		rule_keyword_register(&row);
	}
	row.match = kw_mqtt_flags_match;
	row.name = "mqtt.flags";
	row.parse = kw_mqtt_flags_parse;
	rule_keyword_register(&row);
	row.name = "mqtt.connect.flags";
	row.parse = kw_mqtt_connect_flags_parse;
	rule_keyword_register(&row);
	row.match = kw_mqtt_session_match;
	row.name = "mqtt.connack.session_present";
	row.parse = kw_mqtt_session_parse;
	rule_keyword_register(&row);
}
