/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Application-layer keywords that are tests, not buffers:
 *   app-layer-protocol:[!]NAME[,MODE];  the flow's protocol as detected
 *       from its content (http, tls, dns, ssh, smtp, mysql, ...), "failed"
 *       when detection gave up; never the port. MODE is Suricata 8's
 *       to_server, to_client, direction, either, final or original: vigil
 *       detects one protocol per flow, so the per-direction modes test
 *       that protocol; a flow may change protocol once (HTTP/1 upgraded to
 *       HTTP/2), and "original" tests the one before, "either" both, the
 *       others the one now.
 *   urilen:[<|>]N[<>M][,norm|raw];  the length of the request URI
 *       (normalised http.uri by default, or http.uri.raw).
 * Both are FLOW options: order-free tests of what the inspect stage put in
 * the match context. A rule using them needs that context: with no
 * detected protocol, or no URI, they do not hold.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"
#include "rules/keywords/kw_compare.h"
#include "rules/match/match.h"

#define APP_PROTO_FAILED (-2)

enum kw_app_mode { KW_APP_NOW, KW_APP_ORIGINAL, KW_APP_EITHER };

struct kw_app_proto {
	int proto; /* enum rule_proto, or APP_PROTO_FAILED */
	bool negated;
	enum kw_app_mode mode;
};

/* Suricata 8's modes (see above): enum kw_app_mode, or -1. */
static int kw_app_proto_mode(const char *mode)
{
	static const char *const modes[] = {"to_server", "to_client", "direction",
					    "either",	 "final",     "original"};
	static const enum kw_app_mode tests[] = {KW_APP_NOW,	KW_APP_NOW, KW_APP_NOW,
						 KW_APP_EITHER, KW_APP_NOW, KW_APP_ORIGINAL};
	while (*mode == ' ')
		mode++;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(mode, modes[i]) == 0)
			return (int)tests[i];
	return -1;
}

/* enum rule_proto of an application protocol's name, APP_PROTO_FAILED, or -1. */
static int kw_app_proto_name(const char *name)
{
	if (strcmp(name, "failed") == 0)
		return APP_PROTO_FAILED;
	for (int i = 0; i < RULE_PROTO_COUNT; i++)
		if (rule_proto_is_app((enum rule_proto)i) && strcmp(name, rule_proto_name[i]) == 0)
			return i;
	return -1;
}

static int kw_app_proto_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_app_proto *a = calloc(1, sizeof(*a));
	if (!a)
		return rule_parser_error(parser, "out of memory");
	const char *p = value;
	while (*p == ' ')
		p++;
	if (*p == '!') {
		a->negated = true;
		p++;
	}
	char name[32];
	size_t len = strcspn(p, ",");
	a->proto = -1;
	int mode = p[len] ? kw_app_proto_mode(p + len + 1) : KW_APP_NOW;
	if (len < sizeof(name) && mode >= 0) {
		a->mode = (enum kw_app_mode)mode;
		memcpy(name, p, len);
		name[len] = '\0';
		a->proto = kw_app_proto_name(kw_trim(name));
	}
	if (a->proto == -1) {
		free(a);
		return rule_parser_error(parser, "bad value of \"app-layer-protocol\": \"%s\"",
					 value);
	}
	if (!rule_parser_add_option(parser, rule, a)) {
		free(a);
		return -EINVAL;
	}
	return 0;
}

/* Is the flow's protocol detected (one of enum rule_proto, or failed) the one named? */
static bool kw_app_proto_is(int named, int detected)
{
	return detected == named || (named == RULE_PROTO_HTTP1 && detected == RULE_PROTO_HTTP) ||
	       (named == RULE_PROTO_HTTP && detected == RULE_PROTO_HTTP2);
}

static bool kw_app_proto_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_app_proto *a = option->data;
	bool now = kw_app_proto_is(a->proto, ctx->app_proto);
	bool original = kw_app_proto_is(a->proto, ctx->app_proto_original);
	bool same = a->mode == KW_APP_ORIGINAL ? original
		    : a->mode == KW_APP_EITHER ? now || original
					       : now;
	/* An undetected flow matches neither "http" nor "!http": nothing is known yet. */
	if (ctx->app_proto == -1)
		return false;
	return same != a->negated;
}

struct kw_urilen {
	struct kw_compare compare;
	int buffer; /* RULE_BUFFER_HTTP_URI or RULE_BUFFER_HTTP_URI_RAW */
};

static int kw_urilen_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_urilen *u = calloc(1, sizeof(*u));
	char text[64];
	if (!u)
		return rule_parser_error(parser, "out of memory");
	snprintf(text, sizeof(text), "%s", value);
	u->buffer = RULE_BUFFER_HTTP_URI;
	char *comma = strchr(text, ',');
	if (comma) {
		*comma = '\0';
		const char *kind = comma + 1;
		while (*kind == ' ')
			kind++;
		if (strcmp(kind, "raw") == 0)
			u->buffer = RULE_BUFFER_HTTP_URI_RAW;
		else if (strcmp(kind, "norm") != 0)
			goto bad;
	}
	if (strlen(value) >= sizeof(text) || kw_compare_parse(&u->compare, text, UINT16_MAX) < 0)
		goto bad;
	if (!rule_parser_add_option(parser, rule, u)) {
		free(u);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(u->buffer);
	return 0;
bad:
	free(u);
	return rule_parser_error(parser, "bad value of \"urilen\": \"%s\"", value);
}

static bool kw_urilen_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_urilen *u = option->data;
	if (!ctx->buffer[u->buffer])
		return false;
	return kw_compare_match(&u->compare, ctx->buffer_len[u->buffer]);
}

void kw_app_register(void)
{
	static const struct rule_keyword keywords[] = {
	    {.name = "app-layer-protocol",
	     .kind = RULE_KW_FLOW,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = kw_app_proto_parse,
	     .match = kw_app_proto_match},
	    {.name = "urilen",
	     .kind = RULE_KW_FLOW,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = kw_urilen_parse,
	     .match = kw_urilen_match},
	};
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		rule_keyword_register(&keywords[i]);
}
