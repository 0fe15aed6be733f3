/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Buffer keywords, all generated from buffer.h: one sticky row per buffer
 * ("http.uri;": later payload options inspect that buffer) and per alias
 * ("file_data;"), one legacy modifier per buffer that has one
 * ("content:"x"; http_uri;": moves that one content or pcre to the buffer),
 * the transforms (dotprefix, to_lowercase, ...) and rawbytes, which
 * Suricata accepts and ignores. The sticky rows need no parse function: the
 * parser switches buffers from the row's .buffer. Filling buffers is left to
 * the application-layer parsers; running transforms is left to the matcher,
 * which finds the transform in the option's data (struct kw_transform
 * below; the keyword's name says the same).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_transform.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"

/* _(SYM, "name", value): the transforms Suricata has and ET Open uses, then vigil's own
 * (web_decode: rules/match/web_decode.h). */
#define foreach_kw_transform                                                                       \
	_(DOTPREFIX, "dotprefix", NONE)                                                            \
	_(TO_LOWERCASE, "to_lowercase", NONE)                                                      \
	_(TO_UPPERCASE, "to_uppercase", NONE)                                                      \
	_(STRIP_WHITESPACE, "strip_whitespace", NONE)                                              \
	_(COMPRESS_WHITESPACE, "compress_whitespace", NONE)                                        \
	_(URL_DECODE, "url_decode", NONE)                                                          \
	_(HEADER_LOWERCASE, "header_lowercase", NONE)                                              \
	_(FROM_BASE64, "from_base64", OPTIONAL)                                                    \
	_(TO_MD5, "to_md5", NONE)                                                                  \
	_(TO_SHA1, "to_sha1", NONE)                                                                \
	_(TO_SHA256, "to_sha256", NONE)                                                            \
	_(PCREXFORM, "pcrexform", REQUIRED)                                                        \
	_(XOR, "xor", REQUIRED)                                                                    \
	_(WEB_DECODE, "web_decode", NONE)

enum kw_transform_type {
#define _(sym, name, value) KW_TRANSFORM_##sym,
	foreach_kw_transform
#undef _
};

static const char *const kw_transform_names[] = {
#define _(sym, name, value) name,
    foreach_kw_transform
#undef _
};

static void kw_transform_free(void *data)
{
	struct kw_transform *transform = data;

	kw_transform_release(transform);
	free(transform->value);
	free(transform);
}

bool kw_transform_same(const struct rule_option *a, const struct rule_option *b)
{
	const struct kw_transform *x = a->data, *y = b->data;

	if (a->keyword != b->keyword || x->type != y->type)
		return false;
	if (!x->value || !y->value)
		return x->value == y->value;
	return strcmp(x->value, y->value) == 0;
}

static int kw_transform_add(struct rule_parser *parser, struct rule *rule, const char *value,
			    enum kw_transform_type type)
{
	struct kw_transform *transform = calloc(1, sizeof(*transform));

	if (!transform || (value && !(transform->value = strdup(value)))) {
		free(transform);
		return rule_parser_error(parser, "out of memory");
	}
	transform->type = (int)type;
	if (kw_transform_parse_value(parser, kw_transform_names[type], transform) < 0) {
		kw_transform_free(transform);
		return -EINVAL;
	}
	if (!rule_parser_add_option(parser, rule, transform)) {
		kw_transform_free(transform);
		return -1;
	}
	return 0;
}

#define _(sym, name, value)                                                                        \
	static int kw_transform_parse_##sym(struct rule_parser *parser, struct rule *rule,         \
					    const char *v)                                         \
	{                                                                                          \
		return kw_transform_add(parser, rule, v, KW_TRANSFORM_##sym);                      \
	}
foreach_kw_transform
#undef _

    static const struct rule_keyword kw_transform_rows[] = {
#define _(sym, kw_name, kw_value)                                                                  \
	{.name = kw_name,                                                                          \
	 .kind = RULE_KW_TRANSFORM,                                                                \
	 .value = RULE_KW_VALUE_##kw_value,                                                        \
	 .parse = kw_transform_parse_##sym,                                                        \
	 .free = kw_transform_free},
	foreach_kw_transform
#undef _
};

static const char *const kw_payload_names[] = {"content", "pcre", NULL};

/* A legacy modifier moves the last content or pcre to its buffer (not sticky). */
static int kw_legacy_apply(struct rule_parser *parser, struct rule *rule, int buffer)
{
	struct rule_option *option = rule_parser_last_option(parser, rule, kw_payload_names);

	if (!option)
		return rule_parser_error(parser, "keyword \"%s\" has no content or pcre to modify",
					 rule_buffer_legacy_name[buffer]);
	option->buffer = (uint16_t)buffer;
	rule->buffers_used |= RULE_BUFFER_BIT(buffer);
	return 0;
}

#define _(sym, name, legacy, proto)                                                                \
	static int kw_legacy_parse_##sym(struct rule_parser *parser, struct rule *rule,            \
					 const char *value)                                        \
	{                                                                                          \
		(void)value;                                                                       \
		return kw_legacy_apply(parser, rule, RULE_BUFFER_##sym);                           \
	}
foreach_rule_buffer
#undef _

    static const rule_keyword_parse_fn kw_legacy_parse[RULE_BUFFER_COUNT] = {
#define _(sym, name, legacy, proto) [RULE_BUFFER_##sym] = kw_legacy_parse_##sym,
	foreach_rule_buffer
#undef _
};

static int kw_rawbytes_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	if (!rule_parser_last_option(parser, rule, kw_payload_names))
		return rule_parser_error(parser,
					 "keyword \"rawbytes\" has no content or pcre to modify");
	return 0;
}

static bool kw_buffer_hidden(int buffer)
{
#define _(sym)                                                                                     \
	if (buffer == RULE_BUFFER_##sym)                                                           \
		return true;
	foreach_rule_buffer_hidden
#undef _
	    return false;
}

static void kw_buffer_register_sticky(void)
{
	struct rule_keyword row = {.kind = RULE_KW_STICKY, .value = RULE_KW_VALUE_NONE};

	for (int buffer = 0; buffer < RULE_BUFFER_COUNT; buffer++) {
		/* Buffers that carry fields for number tests (tls.version:1.2;
		   dns.opcode:4;) are not offered as sticky buffers. */
		if (kw_buffer_hidden(buffer))
			continue;
		row.name = rule_buffer_name[buffer];
		row.buffer = buffer;
		rule_keyword_register(&row);
	}
#define _(alias, sym)                                                                              \
	row.name = alias;                                                                          \
	row.buffer = RULE_BUFFER_##sym;                                                            \
	rule_keyword_register(&row);
	foreach_rule_buffer_alias
#undef _
}

static void kw_buffer_register_legacy(void)
{
	struct rule_keyword row = {.kind = RULE_KW_MODIFIER, .value = RULE_KW_VALUE_NONE};

	for (int buffer = 0; buffer < RULE_BUFFER_COUNT; buffer++) {
		if (!rule_buffer_legacy_name[buffer])
			continue;
		row.name = rule_buffer_legacy_name[buffer];
		row.parse = kw_legacy_parse[buffer];
		row.buffer = buffer;
		rule_keyword_register(&row);
	}
	row.name = "rawbytes";
	row.parse = kw_rawbytes_parse;
	row.buffer = RULE_BUFFER_PKT_DATA;
	rule_keyword_register(&row);
}

void kw_buffer_register(void)
{
	kw_buffer_register_sticky();
	kw_buffer_register_legacy();
	for (size_t i = 0; i < sizeof(kw_transform_rows) / sizeof(kw_transform_rows[0]); i++)
		rule_keyword_register(&kw_transform_rows[i]);
}
