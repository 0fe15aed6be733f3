/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DCE/RPC keywords that are tests, as Suricata 8 documents them (the stub
 * data is the sticky buffer dcerpc.stub_data, old name dce_stub_data, in
 * buffer.h):
 *   dcerpc.iface:<uuid>[,<op><version>][,any_frag];   (old name dce_iface)
 *       the call's presentation context is bound to the interface uuid
 *       (and the bind was accepted), whose major version compares to
 *       version with op (<, >, = or !); without any_frag, only a call
 *       whose first fragment said so (PFC_FIRST_FRAG)
 *   dcerpc.opnum:<n>[-<m>][,...];                      (old name dce_opnum)
 *       the call's operation number is one of the numbers or ranges
 *       (both ends included)
 * Both read dcerpc.meta (buffer.h), which the DCE/RPC parser (over TCP,
 * and over SMB named pipes) puts in every unit of a call.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"
#include "rules/match/match.h"

#define KW_DCERPC_OPNUM_RANGES 16

struct kw_dcerpc_iface {
	uint8_t uuid[16];
	char op; /* 0: any version; '<', '>', '=', '!' */
	uint16_t version;
	bool any_frag;
};

struct kw_dcerpc_opnum {
	unsigned count;
	uint16_t low[KW_DCERPC_OPNUM_RANGES], high[KW_DCERPC_OPNUM_RANGES];
};

static const struct rule_dcerpc_meta *kw_dcerpc_meta(const struct rule_match_ctx *ctx)
{
	const uint8_t *buf = ctx->buffer[RULE_BUFFER_DCERPC_META];
	if (!buf || ctx->buffer_len[RULE_BUFFER_DCERPC_META] < sizeof(struct rule_dcerpc_meta))
		return NULL;
	return (const struct rule_dcerpc_meta *)buf;
}

static int kw_dcerpc_hex(char c)
{
	return isdigit((unsigned char)c)    ? c - '0'
	       : isxdigit((unsigned char)c) ? (c | 0x20) - 'a' + 10
					    : -1;
}

/* "367abb81-9844-35f1-ad32-98f038001003" into 16 bytes; the rest of the text after it in *end. */
static bool kw_dcerpc_uuid(const char *p, uint8_t out[16], const char **end)
{
	static const int dash_after[] = {4, 6, 8, 10};
	unsigned byte = 0, d = 0;
	while (byte < 16) {
		int hi = kw_dcerpc_hex(p[0]), lo = hi < 0 ? -1 : kw_dcerpc_hex(p[1]);
		if (hi < 0 || lo < 0)
			return false;
		out[byte++] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (d < 4 && byte == (unsigned)dash_after[d]) {
			if (*p++ != '-')
				return false;
			d++;
		}
	}
	*end = p;
	return true;
}

static const char *kw_dcerpc_skip_blanks(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

static int kw_dcerpc_iface_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_dcerpc_iface t = {0};
	const char *p = kw_dcerpc_skip_blanks(value);
	if (!kw_dcerpc_uuid(p, t.uuid, &p))
		return rule_parser_error(parser, "bad value of \"dcerpc.iface\": \"%s\"", value);
	while (*(p = kw_dcerpc_skip_blanks(p)) == ',') {
		p = kw_dcerpc_skip_blanks(p + 1);
		if (!strncmp(p, "any_frag", 8)) {
			t.any_frag = true;
			p += 8;
			continue;
		}
		if (t.op || !strchr("<>=!", *p) || !*p)
			return rule_parser_error(parser, "bad value of \"dcerpc.iface\": \"%s\"",
						 value);
		t.op = *p++;
		char *e;
		long v = strtol(p, &e, 10);
		if (e == p || v < 0 || v > UINT16_MAX)
			return rule_parser_error(parser, "bad value of \"dcerpc.iface\": \"%s\"",
						 value);
		t.version = (uint16_t)v;
		p = e;
	}
	if (*p)
		return rule_parser_error(parser, "bad value of \"dcerpc.iface\": \"%s\"", value);
	struct kw_dcerpc_iface *data = malloc(sizeof(*data));
	if (!data)
		return rule_parser_error(parser, "out of memory");
	*data = t;
	if (!rule_parser_add_option(parser, rule, data)) {
		free(data);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_DCERPC_META);
	return 0;
}

static bool kw_dcerpc_version_holds(const struct kw_dcerpc_iface *t, uint16_t version)
{
	switch (t->op) {
	case '<':
		return version < t->version;
	case '>':
		return version > t->version;
	case '=':
		return version == t->version;
	case '!':
		return version != t->version;
	default:
		return true;
	}
}

static bool kw_dcerpc_iface_match(const struct rule_option *option,
				  const struct rule_match_ctx *ctx)
{
	const struct kw_dcerpc_iface *t = option->data;
	const struct rule_dcerpc_meta *m = kw_dcerpc_meta(ctx);
	if (!m || !m->has_opnum || (!t->any_frag && !m->first_frag))
		return false;
	unsigned n =
	    m->iface_count < RULE_DCERPC_IFACES_MAX ? m->iface_count : RULE_DCERPC_IFACES_MAX;
	for (unsigned i = 0; i < n; i++) {
		const struct rule_dcerpc_iface *f = &m->iface[i];
		if (f->accepted && f->context_id == m->context_id &&
		    !memcmp(f->uuid, t->uuid, 16) && kw_dcerpc_version_holds(t, f->version))
			return true;
	}
	return false;
}

/* One number of an opnum list, advancing p. */
static bool kw_dcerpc_number(const char **p, uint16_t *out)
{
	const char *s = kw_dcerpc_skip_blanks(*p);
	char *e;
	if (!isdigit((unsigned char)*s))
		return false;
	long v = strtol(s, &e, 10);
	if (v > UINT16_MAX)
		return false;
	*out = (uint16_t)v;
	*p = kw_dcerpc_skip_blanks(e);
	return true;
}

static int kw_dcerpc_opnum_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_dcerpc_opnum t = {0};
	const char *p = value;
	do {
		if (t.count == KW_DCERPC_OPNUM_RANGES || !kw_dcerpc_number(&p, &t.low[t.count]))
			return rule_parser_error(parser, "bad value of \"dcerpc.opnum\": \"%s\"",
						 value);
		t.high[t.count] = t.low[t.count];
		if (*p == '-') {
			p++;
			if (!kw_dcerpc_number(&p, &t.high[t.count]) ||
			    t.high[t.count] < t.low[t.count])
				return rule_parser_error(
				    parser, "bad value of \"dcerpc.opnum\": \"%s\"", value);
		}
		t.count++;
	} while (*p == ',' && p++);
	if (*p)
		return rule_parser_error(parser, "bad value of \"dcerpc.opnum\": \"%s\"", value);
	struct kw_dcerpc_opnum *data = malloc(sizeof(*data));
	if (!data)
		return rule_parser_error(parser, "out of memory");
	*data = t;
	if (!rule_parser_add_option(parser, rule, data)) {
		free(data);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_DCERPC_META);
	return 0;
}

static bool kw_dcerpc_opnum_match(const struct rule_option *option,
				  const struct rule_match_ctx *ctx)
{
	const struct kw_dcerpc_opnum *t = option->data;
	const struct rule_dcerpc_meta *m = kw_dcerpc_meta(ctx);
	if (!m || !m->has_opnum)
		return false;
	for (unsigned i = 0; i < t->count; i++)
		if (m->opnum >= t->low[i] && m->opnum <= t->high[i])
			return true;
	return false;
}

void kw_dcerpc_register(void)
{
	static const struct {
		const char *name;
		rule_keyword_parse_fn parse;
		rule_keyword_match_fn match;
	} rows[] = {
	    {"dcerpc.iface", kw_dcerpc_iface_parse, kw_dcerpc_iface_match},
	    {"dce_iface", kw_dcerpc_iface_parse, kw_dcerpc_iface_match},
	    {"dcerpc.opnum", kw_dcerpc_opnum_parse, kw_dcerpc_opnum_match},
	    {"dce_opnum", kw_dcerpc_opnum_parse, kw_dcerpc_opnum_match},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rule_keyword row = {.name = rows[i].name,
					   .kind = RULE_KW_FLOW,
					   .value = RULE_KW_VALUE_REQUIRED,
					   .parse = rows[i].parse,
					   .match = rows[i].match};
		rule_keyword_register(&row);
	}
}
