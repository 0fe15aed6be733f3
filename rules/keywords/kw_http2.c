/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/2 keywords that are tests on a frame (the sticky buffers
 * http2.header and http2.header_name come from buffer.h), as Suricata 8
 * documents them:
 *   http2.frametype:[!]T;     the frame's type, a number or its name
 *                             (DATA, HEADERS, ..., CONTINUATION)
 *   http2.errorcode:[!]E;     the error code of RST_STREAM or GOAWAY, a
 *                             number or its name (NO_ERROR, PROTOCOL_ERROR, ...)
 *   http2.priority:[!]N;      the weight of PRIORITY, or of HEADERS with priority
 *   http2.window:[!]N;        the increment of WINDOW_UPDATE
 *   http2.size_update:[!]N;   an HPACK dynamic table size update in HEADERS
 *   http2.settings:NAME[OP N];  a SETTINGS entry NAME (SETTINGS_HEADER_TABLE_SIZE,
 *                             ...), and its value compared when OP N follows
 * Numbers take kw_compare.h's syntax. All read http2.meta, which the
 * HTTP/2 parser (dataplane/app/app_http2.h says its layout) puts in each
 * frame's own unit; the rule is then checked once per frame, and alerts
 * once per stream.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/keywords/kw_field.h"
#include "rules/match/match.h"

/* http2.meta's layout (dataplane/app/app_http2.h, which rules/ does not include) */
#define KW_HTTP2_META_ERRORCODE	  1u
#define KW_HTTP2_META_PRIORITY	  2u
#define KW_HTTP2_META_WINDOW	  4u
#define KW_HTTP2_META_SIZE_UPDATE 8u
#define KW_HTTP2_META_FIXED	  15u

static uint32_t kw_http2_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned kw_http2_frametype_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					  unsigned max)
{
	(void)max;
	if (len < KW_HTTP2_META_FIXED)
		return 0;
	*out = buf[0];
	return 1;
}

/* The 4-byte field at off when presence bit is set. */
static unsigned kw_http2_u32(const uint8_t *buf, uint32_t len, uint32_t *out, uint8_t bit,
			     uint32_t off)
{
	if (len < KW_HTTP2_META_FIXED || !(buf[1] & bit))
		return 0;
	*out = kw_http2_be32(buf + off);
	return 1;
}

static unsigned kw_http2_errorcode_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					  unsigned max)
{
	(void)max;
	return kw_http2_u32(buf, len, out, KW_HTTP2_META_ERRORCODE, 2);
}

static unsigned kw_http2_priority_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					 unsigned max)
{
	(void)max;
	if (len < KW_HTTP2_META_FIXED || !(buf[1] & KW_HTTP2_META_PRIORITY))
		return 0;
	*out = buf[6];
	return 1;
}

static unsigned kw_http2_window_values(const uint8_t *buf, uint32_t len, uint32_t *out,
				       unsigned max)
{
	(void)max;
	return kw_http2_u32(buf, len, out, KW_HTTP2_META_WINDOW, 7);
}

static unsigned kw_http2_size_update_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					    unsigned max)
{
	(void)max;
	return kw_http2_u32(buf, len, out, KW_HTTP2_META_SIZE_UPDATE, 11);
}

/* RFC 9113 6, as Suricata names the types. */
static const struct kw_field_name kw_http2_frametype_names[] = {
    {"DATA", 0},	  {"HEADERS", 1},      {"PRIORITY", 2}, {"RST_STREAM", 3},
    {"SETTINGS", 4},	  {"PUSH_PROMISE", 5}, {"PING", 6},	{"GOAWAY", 7},
    {"WINDOW_UPDATE", 8}, {"CONTINUATION", 9}, {NULL, 0},
};

/* RFC 9113 7. */
static const struct kw_field_name kw_http2_errorcode_names[] = {
    {"NO_ERROR", 0},
    {"PROTOCOL_ERROR", 1},
    {"INTERNAL_ERROR", 2},
    {"FLOW_CONTROL_ERROR", 3},
    {"SETTINGS_TIMEOUT", 4},
    {"STREAM_CLOSED", 5},
    {"FRAME_SIZE_ERROR", 6},
    {"REFUSED_STREAM", 7},
    {"CANCEL", 8},
    {"COMPRESSION_ERROR", 9},
    {"CONNECT_ERROR", 10},
    {"ENHANCE_YOUR_CALM", 11},
    {"INADEQUATE_SECURITY", 12},
    {"HTTP_1_1_REQUIRED", 13},
    {NULL, 0},
};

static const struct kw_field kw_http2_fields[] = {
    {"http2.frametype", UINT8_MAX, RULE_BUFFER_HTTP2_META, kw_http2_frametype_values,
     kw_http2_frametype_names},
    {"http2.errorcode", UINT32_MAX, RULE_BUFFER_HTTP2_META, kw_http2_errorcode_values,
     kw_http2_errorcode_names},
    {"http2.priority", UINT8_MAX, RULE_BUFFER_HTTP2_META, kw_http2_priority_values, NULL},
    {"http2.window", 0x7fffffffu, RULE_BUFFER_HTTP2_META, kw_http2_window_values, NULL},
    {"http2.size_update", UINT32_MAX, RULE_BUFFER_HTTP2_META, kw_http2_size_update_values, NULL},
};

#define _(i, fn)                                                                                   \
	static int fn(struct rule_parser *parser, struct rule *rule, const char *value)            \
	{                                                                                          \
		return kw_field_parse(parser, rule, &kw_http2_fields[i], value);                   \
	}
_(0, kw_http2_frametype_parse)
_(1, kw_http2_errorcode_parse)
_(2, kw_http2_priority_parse)
_(3, kw_http2_window_parse)
_(4, kw_http2_size_update_parse)
#undef _

/* --- http2.settings -------------------------------------------------------------------------- */

/* RFC 9113 6.5.2, as Suricata names them. */
static const struct kw_field_name kw_http2_settings_names[] = {
    {"SETTINGS_HEADER_TABLE_SIZE", 1},
    {"SETTINGS_ENABLE_PUSH", 2},
    {"SETTINGS_MAX_CONCURRENT_STREAMS", 3},
    {"SETTINGS_INITIAL_WINDOW_SIZE", 4},
    {"SETTINGS_MAX_FRAME_SIZE", 5},
    {"SETTINGS_MAX_HEADER_LIST_SIZE", 6},
    {NULL, 0},
};

struct kw_http2_setting {
	uint16_t id;
	bool has_value;
	struct kw_compare compare;
};

static int kw_http2_settings_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char text[96];
	snprintf(text, sizeof(text), "%s", value);
	char *p = kw_trim(text);
	size_t name_len = strcspn(p, " =<>!");
	struct kw_http2_setting *t = calloc(1, sizeof(*t));
	if (!t)
		return rule_parser_error(parser, "out of memory");
	const struct kw_field_name *n = kw_http2_settings_names;
	for (; n->name; n++)
		if (strlen(n->name) == name_len && strncasecmp(n->name, p, name_len) == 0)
			break;
	char *rest = kw_trim(p + name_len);
	if (*rest == '=' && rest[1] != '=')
		rest++; /* "NAME=N" is equality, as "NAME N" */
	rest = kw_trim(rest);
	if (!n->name || strlen(value) >= sizeof(text) ||
	    (*rest && kw_compare_parse(&t->compare, rest, UINT32_MAX) < 0)) {
		free(t);
		return rule_parser_error(parser, "bad value of \"http2.settings\": \"%s\"", value);
	}
	t->id = (uint16_t)n->value;
	t->has_value = *rest != '\0';
	if (!rule_parser_add_option(parser, rule, t)) {
		free(t);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_HTTP2_META);
	return 0;
}

/* One entry of the frame's SETTINGS with the id (and the value, when given) holds. */
static bool kw_http2_settings_match(const struct rule_option *option,
				    const struct rule_match_ctx *ctx)
{
	const struct kw_http2_setting *t = option->data;
	const uint8_t *buf = ctx->buffer[RULE_BUFFER_HTTP2_META];
	uint32_t len = ctx->buffer_len[RULE_BUFFER_HTTP2_META];
	if (!buf)
		return false;
	for (uint32_t off = KW_HTTP2_META_FIXED; off + 6 <= len; off += 6) {
		uint32_t id = (uint32_t)buf[off] << 8 | buf[off + 1];
		if (id == t->id &&
		    (!t->has_value || kw_compare_match(&t->compare, kw_http2_be32(buf + off + 2))))
			return true;
	}
	return false;
}

void kw_http2_register(void)
{
	static const rule_keyword_parse_fn parse[] = {
	    kw_http2_frametype_parse, kw_http2_errorcode_parse, kw_http2_priority_parse,
	    kw_http2_window_parse, kw_http2_size_update_parse};
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	for (size_t i = 0; i < sizeof(parse) / sizeof(parse[0]); i++) {
		row.name = kw_http2_fields[i].keyword;
		row.parse = parse[i];
		rule_keyword_register(&row);
	}
	row.name = "http2.settings";
	row.parse = kw_http2_settings_parse;
	row.match = kw_http2_settings_match;
	rule_keyword_register(&row);
}
