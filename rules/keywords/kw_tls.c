/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLS keywords that are tests (the TLS sticky buffers, tls.sni,
 * tls.cert_subject, tls.subjectaltname, tls.alpn, tls.random, ..., come
 * from buffer.h):
 *   tls.subject:[!]"text";      the certificate subject holds text
 *   tls.issuerdn:[!]"text";     the certificate issuer holds text
 *   tls.fingerprint:[!]"hex";   the certificate's SHA-1 fingerprint is it
 *       (the old forms of tls.cert_subject, tls.cert_issuer and
 *       tls.cert_fingerprint: Suricata's older rules write them so)
 *   tls.cert_chain_len:[!]N;    certificates in the Certificate message
 *   tls.version:V;              the hello's version: 1.0, 1.1, 1.2, 1.3,
 *                               ssl3 (3.0), or a number (0x0303)
 *   ssl_version:[!]v[,[!]v];    sslv2, sslv3, tls1.0, tls1.1, tls1.2, tls1.3
 *   ssl_state:[!]s[|[!]s];      the handshake message just seen:
 *                               client_hello, server_hello, client_keyx,
 *                               server_keyx, unknown
 * The text tests read the certificate buffers; the others read tls.meta
 * (struct rule_tls_meta, buffer.h), which the TLS parser puts in every
 * unit of a handshake message.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/keywords/kw_field.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"

/* ---- tls.subject, tls.issuerdn, tls.fingerprint ----------------------- */

struct kw_tls_text {
	int buffer;
	bool negated;
	bool exact; /* the whole buffer, case-insensitive (a fingerprint) */
	uint32_t len;
	char text[];
};

static int kw_tls_text_parse(struct rule_parser *parser, struct rule *rule, const char *name,
			     const char *value, int buffer, bool exact)
{
	const char *p;
	size_t n;
	bool negated = payload_value_split(value, &p, &n);
	if (n == 0)
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", name,
					 value ? value : "");
	struct kw_tls_text *t = calloc(1, sizeof(*t) + n + 1);
	if (!t)
		return rule_parser_error(parser, "out of memory");
	t->buffer = buffer;
	t->negated = negated;
	t->exact = exact;
	t->len = (uint32_t)n;
	memcpy(t->text, p, n);
	if (!rule_parser_add_option(parser, rule, t)) {
		free(t);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(buffer);
	return 0;
}

static bool kw_tls_text_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_tls_text *t = option->data;
	const uint8_t *buf = ctx->buffer[t->buffer];
	uint32_t len = ctx->buffer_len[t->buffer];
	bool found;

	if (!buf)
		return false; /* no certificate in this unit: nothing to test */
	if (t->exact)
		found = len == t->len && strncasecmp((const char *)buf, t->text, len) == 0;
	else
		found = memmem(buf, len, t->text, t->len) != NULL;
	return found != t->negated;
}

static int kw_tls_subject_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_tls_text_parse(parser, rule, "tls.subject", value, RULE_BUFFER_TLS_CERT_SUBJECT,
				 false);
}

static int kw_tls_issuerdn_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_tls_text_parse(parser, rule, "tls.issuerdn", value, RULE_BUFFER_TLS_CERT_ISSUER,
				 false);
}

static int kw_tls_fingerprint_parse(struct rule_parser *parser, struct rule *rule,
				    const char *value)
{
	return kw_tls_text_parse(parser, rule, "tls.fingerprint", value,
				 RULE_BUFFER_TLS_CERT_FINGERPRINT, true);
}

/* ---- tls.cert_chain_len ------------------------------------------------ */

static bool kw_tls_meta(const uint8_t *buf, uint32_t len, struct rule_tls_meta *m)
{
	if (len < sizeof(*m))
		return false;
	memcpy(m, buf, sizeof(*m));
	return true;
}

static unsigned kw_tls_chain_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	struct rule_tls_meta m;
	(void)max;
	if (!kw_tls_meta(buf, len, &m) || !m.has_chain)
		return 0;
	*out = m.chain_len;
	return 1;
}

static const struct kw_field kw_tls_chain_field = {"tls.cert_chain_len", UINT32_MAX,
						   RULE_BUFFER_TLS_META, kw_tls_chain_values, NULL};

static int kw_tls_chain_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_tls_chain_field, value);
}

/* ---- tls.version, ssl_version, ssl_state ------------------------------ */

/* Sets of versions or states: bit per item; negated items in their own set. */
struct kw_tls_set {
	uint32_t want, unwanted;
	bool state; /* ssl_state (else a version) */
};

static int kw_tls_set_add(struct rule_parser *parser, struct rule *rule, struct kw_tls_set *set)
{
	struct kw_tls_set *copy = malloc(sizeof(*copy));
	if (!copy)
		return rule_parser_error(parser, "out of memory");
	*copy = *set;
	if (!rule_parser_add_option(parser, rule, copy)) {
		free(copy);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_TLS_META);
	return 0;
}

/* _(bit, "ssl_version name", "tls.version name", wire version) */
#define foreach_kw_tls_version                                                                     \
	_(0, "sslv2", "2.0", 0x0002)                                                               \
	_(1, "sslv3", "3.0", 0x0300)                                                               \
	_(2, "tls1.0", "1.0", 0x0301)                                                              \
	_(3, "tls1.1", "1.1", 0x0302)                                                              \
	_(4, "tls1.2", "1.2", 0x0303)                                                              \
	_(5, "tls1.3", "1.3", 0x0304)

static int kw_tls_version_bit(uint32_t wire)
{
#define _(bit, name, number, value)                                                                \
	if (wire == (value))                                                                       \
		return bit;
	foreach_kw_tls_version
#undef _
	    return -1;
}

/*
 * The next item of a list value split at sep ("sslv3,!tls1.0"): blanks
 * around it dropped, a leading '!' taken off into *negated; NULL at the
 * end. text on the first call, NULL after, as strtok_r.
 */
static char *kw_tls_list_next(char *text, const char *sep, char **save, bool *negated)
{
	char *item = strtok_r(text, sep, save);
	if (!item)
		return NULL;
	while (*item == ' ')
		item++;
	*negated = *item == '!';
	item += *negated;
	for (size_t n = strlen(item); n && item[n - 1] == ' ';)
		item[--n] = '\0';
	return item;
}

/* ssl_version:sslv3,!tls1.0 */
static int kw_ssl_version_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_tls_set set = {0};
	char text[128], *save = NULL;

	if (!payload_trim_copy(value, text, sizeof(text)))
		goto bad;
	bool negated;
	for (char *item = kw_tls_list_next(text, ",", &save, &negated); item;
	     item = kw_tls_list_next(NULL, ",", &save, &negated)) {
		int bit = -1;
#define _(b, name, number, v)                                                                      \
	if (strcasecmp(item, name) == 0)                                                           \
		bit = b;
		foreach_kw_tls_version
#undef _
		    if (bit < 0) goto bad;
		*(negated ? &set.unwanted : &set.want) |= 1u << bit;
	}
	if (!set.want && !set.unwanted)
		goto bad;
	return kw_tls_set_add(parser, rule, &set);
bad:
	return rule_parser_error(parser, "bad value of \"ssl_version\": \"%s\"",
				 value ? value : "");
}

/* tls.version:1.2; or a number (0x0303, 771) */
static int kw_tls_version_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_tls_set set = {0};
	char text[32], *end;

	if (!payload_trim_copy(value, text, sizeof(text)) || !text[0])
		goto bad;
	size_t n = strlen(text);
	if (n >= 2 && text[0] == '"' && text[n - 1] == '"') {
		memmove(text, text + 1, n - 2);
		text[n - 2] = '\0';
	}
#define _(b, name, number, v)                                                                      \
	if (strcmp(text, number) == 0 || strcasecmp(text, name) == 0)                              \
		set.want = 1u << b;
	foreach_kw_tls_version
#undef _
	    if (!set.want)
	{
		unsigned long wire = strtoul(text, &end, 0);
		int bit = *end ? -1 : kw_tls_version_bit((uint32_t)wire);
		if (bit < 0)
			goto bad;
		set.want = 1u << bit;
	}
	return kw_tls_set_add(parser, rule, &set);
bad:
	return rule_parser_error(parser, "bad value of \"tls.version\": \"%s\"",
				 value ? value : "");
}

/* _(bit, "name", handshake type; 0: any other) */
#define foreach_kw_ssl_state                                                                       \
	_(0, "client_hello", 1)                                                                    \
	_(1, "server_hello", 2)                                                                    \
	_(2, "client_keyx", 16)                                                                    \
	_(3, "server_keyx", 12)                                                                    \
	_(4, "unknown", 0)

static int kw_ssl_state_bit(uint32_t handshake)
{
#define _(bit, name, type)                                                                         \
	if (handshake == (type))                                                                   \
		return bit;
	foreach_kw_ssl_state
#undef _
	    return 4;
}

/* ssl_state:client_hello|!server_hello */
static int kw_ssl_state_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_tls_set set = {.state = true};
	char text[128], *save = NULL;

	if (!payload_trim_copy(value, text, sizeof(text)))
		goto bad;
	bool negated;
	for (char *item = kw_tls_list_next(text, "|", &save, &negated); item;
	     item = kw_tls_list_next(NULL, "|", &save, &negated)) {
		int bit = -1;
#define _(b, name, type)                                                                           \
	if (strcmp(item, name) == 0)                                                               \
		bit = b;
		foreach_kw_ssl_state
#undef _
		    if (bit < 0) goto bad;
		*(negated ? &set.unwanted : &set.want) |= 1u << bit;
	}
	if (!set.want && !set.unwanted)
		goto bad;
	return kw_tls_set_add(parser, rule, &set);
bad:
	return rule_parser_error(parser, "bad value of \"ssl_state\": \"%s\"", value ? value : "");
}

/*
 * ssl_version: one of the wanted versions is seen, or (when only unwanted
 * ones are named) none of the unwanted: "ssl_version:!sslv2" holds on
 * TLS 1.2. ssl_state: Suricata's test of the message just seen, the named
 * states with the negated ones flipped ((named & seen) ^ negated), so
 * "client_hello|!server_hello" holds on anything but a ServerHello.
 */
static bool kw_tls_set_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_tls_set *set = option->data;
	struct rule_tls_meta m;
	const uint8_t *buf = ctx->buffer[RULE_BUFFER_TLS_META];

	if (!buf || !kw_tls_meta(buf, ctx->buffer_len[RULE_BUFFER_TLS_META], &m))
		return false;
	int bit = set->state ? kw_ssl_state_bit(m.handshake) : kw_tls_version_bit(m.version);
	uint32_t seen = bit < 0 ? 0 : 1u << bit;
	if (set->state)
		return (((set->want | set->unwanted) & seen) ^ set->unwanted) != 0;
	if (seen & set->unwanted)
		return false;
	return set->want ? (seen & set->want) != 0 : true;
}

void kw_tls_register(void)
{
	static const struct rule_keyword rows[] = {
	    {.name = "tls.subject", .parse = kw_tls_subject_parse, .match = kw_tls_text_match},
	    {.name = "tls.issuerdn", .parse = kw_tls_issuerdn_parse, .match = kw_tls_text_match},
	    {.name = "tls.fingerprint",
	     .parse = kw_tls_fingerprint_parse,
	     .match = kw_tls_text_match},
	    {.name = "tls.cert_chain_len", .parse = kw_tls_chain_parse, .match = kw_field_match},
	    {.name = "tls.version", .parse = kw_tls_version_parse, .match = kw_tls_set_match},
	    {.name = "ssl_version", .parse = kw_ssl_version_parse, .match = kw_tls_set_match},
	    {.name = "ssl_state", .parse = kw_ssl_state_parse, .match = kw_tls_set_match},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rule_keyword row = rows[i];
		row.kind = RULE_KW_FLOW;
		row.value = RULE_KW_VALUE_REQUIRED;
		rule_keyword_register(&row);
	}
}
