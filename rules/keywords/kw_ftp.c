/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FTP keywords that are tests (the FTP sticky buffers, ftp.command,
 * ftp.command_data, ftp.reply, ftp.completion_code, come from buffer.h),
 * as Suricata 8 documents them:
 *   ftp.mode:active|passive;       the transaction set the data mode (PORT,
 *                                  EPRT: active; PASV, EPSV: passive)
 *   ftp.reply_received:yes|on|no|off;  the server answered the command,
 *                                  told once the transaction is over
 *   ftp.dynamic_port:[!]N[-M];     the data port the transaction announced
 *                                  (the command's, or PASV/EPSV's reply's)
 *   ftpdata_command:retr|stor;     on an ftp-data flow: the command of the
 *                                  control channel that opened it
 *   ftpbounce;                     a PORT or EPRT whose address is not the
 *                                  client's own (the server would connect
 *                                  to a third host: RFC 2577's bounce)
 * The first four read ftp.meta or ftpdata.meta (buffer.h), which the
 * parsers (dataplane/app/app_ftp.c, app_ftp_data.c) put in every unit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/keywords/kw_field.h"
#include "rules/match/match.h"

static const struct rule_ftp_meta *kw_ftp_meta(const uint8_t *buf, uint32_t len)
{
	return len >= sizeof(struct rule_ftp_meta) ? (const struct rule_ftp_meta *)buf : NULL;
}

static unsigned kw_ftp_mode_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	const struct rule_ftp_meta *m = kw_ftp_meta(buf, len);
	(void)max;
	if (!m || m->mode == RULE_FTP_MODE_NONE)
		return 0;
	*out = m->mode;
	return 1;
}

static unsigned kw_ftp_reply_received_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					     unsigned max)
{
	const struct rule_ftp_meta *m = kw_ftp_meta(buf, len);
	(void)max;
	if (!m || !m->complete)
		return 0; /* a command still waiting may yet be answered: neither yes nor no */
	*out = m->reply_received;
	return 1;
}

static unsigned kw_ftp_dynamic_port_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					   unsigned max)
{
	const struct rule_ftp_meta *m = kw_ftp_meta(buf, len);
	(void)max;
	if (!m || !m->dynamic_port)
		return 0;
	*out = m->dynamic_port;
	return 1;
}

static unsigned kw_ftpdata_command_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					  unsigned max)
{
	(void)max;
	if (len < 1 || buf[0] == RULE_FTPDATA_NONE)
		return 0;
	*out = buf[0];
	return 1;
}

static const struct kw_field_name kw_ftp_mode_names[] = {
    {"active", RULE_FTP_MODE_ACTIVE}, {"passive", RULE_FTP_MODE_PASSIVE}, {NULL, 0}};
static const struct kw_field_name kw_ftp_yes_no_names[] = {
    {"yes", 1}, {"on", 1}, {"no", 0}, {"off", 0}, {NULL, 0}};
static const struct kw_field_name kw_ftpdata_command_names[] = {
    {"retr", RULE_FTPDATA_RETR}, {"stor", RULE_FTPDATA_STOR}, {NULL, 0}};

/* _(index, parse function, keyword, largest value, buffer, values, names, names only) */
#define foreach_kw_ftp_field                                                                       \
	_(0, kw_ftp_mode_parse, "ftp.mode", 2, FTP_META, kw_ftp_mode_values, kw_ftp_mode_names,    \
	  true)                                                                                    \
	_(1, kw_ftp_reply_received_parse, "ftp.reply_received", 1, FTP_META,                       \
	  kw_ftp_reply_received_values, kw_ftp_yes_no_names, true)                                 \
	_(2, kw_ftp_dynamic_port_parse, "ftp.dynamic_port", UINT16_MAX, FTP_META,                  \
	  kw_ftp_dynamic_port_values, NULL, false)                                                 \
	_(3, kw_ftpdata_command_parse, "ftpdata_command", 2, FTPDATA_META,                         \
	  kw_ftpdata_command_values, kw_ftpdata_command_names, true)

static const struct kw_field kw_ftp_fields[] = {
#define _(i, fn, kw, max, buf, values, names, only) {kw, max, RULE_BUFFER_##buf, values, names},
    foreach_kw_ftp_field
#undef _
};

static const bool kw_ftp_names_only[] = {
#define _(i, fn, kw, max, buf, values, names, only) only,
    foreach_kw_ftp_field
#undef _
};

/* A value that must be one of the field's names (ftp.mode:active), not a number. */
static bool kw_ftp_is_name(const struct kw_field *field, const char *value)
{
	while (*value == ' ')
		value++;
	size_t len = strlen(value);
	while (len && value[len - 1] == ' ')
		len--;
	for (const struct kw_field_name *n = field->names; n->name; n++)
		if (strlen(n->name) == len && !strncasecmp(n->name, value, len))
			return true;
	return false;
}

static int kw_ftp_field_parse(struct rule_parser *parser, struct rule *rule, unsigned i,
			      const char *value)
{
	const struct kw_field *field = &kw_ftp_fields[i];
	if (kw_ftp_names_only[i] && !kw_ftp_is_name(field, value))
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", field->keyword,
					 value);
	return kw_field_parse(parser, rule, field, value);
}

#define _(i, fn, kw, max, buf, values, names, only)                                                \
	static int fn(struct rule_parser *parser, struct rule *rule, const char *value)            \
	{                                                                                          \
		return kw_ftp_field_parse(parser, rule, i, value);                                 \
	}
foreach_kw_ftp_field
#undef _

    static int
    kw_ftpbounce_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	if (!rule_parser_add_option(parser, rule, NULL))
		return -EINVAL;
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_FTP_META);
	return 0;
}

/* The PORT came from the client (the packet's source): an IPv4 address other than its own is a bounce. */
static bool kw_ftpbounce_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	(void)option;
	const struct rule_ftp_meta *m =
	    kw_ftp_meta(ctx->buffer[RULE_BUFFER_FTP_META], ctx->buffer_len[RULE_BUFFER_FTP_META]);
	if (!m || !ctx->buffer[RULE_BUFFER_FTP_META] || !m->port_announced || !ctx->packet ||
	    ctx->packet->ip_version != 4)
		return false;
	return memcmp(m->port_addr, ctx->packet->src_addr, 4) != 0;
}

void kw_ftp_register(void)
{
	static const rule_keyword_parse_fn parse[] = {
#define _(i, fn, kw, max, buf, values, names, only) fn,
	    foreach_kw_ftp_field
#undef _
	};
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	for (size_t i = 0; i < sizeof(parse) / sizeof(parse[0]); i++) {
		row.name = kw_ftp_fields[i].keyword;
		row.parse = parse[i];
		rule_keyword_register(&row);
	}
	row = (struct rule_keyword){.name = "ftpbounce",
				    .kind = RULE_KW_FLOW,
				    .value = RULE_KW_VALUE_NONE,
				    .parse = kw_ftpbounce_parse,
				    .match = kw_ftpbounce_match};
	rule_keyword_register(&row);
}
