/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bits kept per host or per IP pair, beyond one flow (Suricata's xbits and
 * hostbits):
 *   xbits:CMD,NAME,track ip_src|ip_dst|ip_pair[,expire SECONDS];
 *   hostbits:CMD,NAME[,src|dst|both|track ip_src|track ip_dst][,expire SECONDS];
 * CMD is set, unset, toggle (applied after the rule matched, as flowbits
 * set) or isset, isnotset (FLOW options, order-free tests); hostbits "both"
 * is for the tests only. A bit set lives expire seconds (30 unless told)
 * from the packet that set it. Names become ids shared by the ruleset
 * (rule_parser_xbit); the bits are the worker's, behind struct rule_xbits
 * (dataplane/detect/xbits.h), so without that view no test holds.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"

#define KW_XBITS_EXPIRE_DEFAULT 30 /* seconds, as Suricata */

enum kw_xbits_command {
	KW_XBITS_SET,
	KW_XBITS_UNSET,
	KW_XBITS_TOGGLE,
	KW_XBITS_ISSET,
	KW_XBITS_ISNOTSET,
};

static const char *const kw_xbits_commands[] = {
    [KW_XBITS_SET] = "set",	[KW_XBITS_UNSET] = "unset",	  [KW_XBITS_TOGGLE] = "toggle",
    [KW_XBITS_ISSET] = "isset", [KW_XBITS_ISNOTSET] = "isnotset",
};

/* rule_option.data of xbits and hostbits. */
struct kw_xbits {
	enum kw_xbits_command command;
	enum rule_xbits_track track;
	uint16_t id;
	uint32_t expire_s;
};

static int kw_xbits_index = -1, kw_hostbits_index = -1;

static bool kw_xbits_is_test(enum kw_xbits_command command)
{
	return command == KW_XBITS_ISSET || command == KW_XBITS_ISNOTSET;
}

/* "track ip_src" (and, for hostbits, "src", "dst", "both"); -1 if not a tracker. */
static int kw_xbits_tracker(const char *word, bool host)
{
	static const struct {
		const char *name;
		enum rule_xbits_track track;
		bool host_only, pair;
	} trackers[] = {
	    {"track ip_src", RULE_XBITS_IP_SRC, false, false},
	    {"track ip_dst", RULE_XBITS_IP_DST, false, false},
	    {"track ip_pair", RULE_XBITS_IP_PAIR, false, true},
	    {"src", RULE_XBITS_IP_SRC, true, false},
	    {"dst", RULE_XBITS_IP_DST, true, false},
	    {"both", RULE_XBITS_IP_BOTH, true, false},
	};
	char compact[32];
	size_t n = 0;
	/* "track  ip_src": one blank between the words */
	for (const char *p = word; *p && n + 1 < sizeof(compact); p++)
		if (!isspace((unsigned char)*p) || (n && compact[n - 1] != ' '))
			compact[n++] = isspace((unsigned char)*p) ? ' ' : *p;
	compact[n] = '\0';
	for (size_t i = 0; i < sizeof(trackers) / sizeof(trackers[0]); i++) {
		if (strcmp(trackers[i].name, compact) != 0)
			continue;
		if ((trackers[i].host_only && !host) || (trackers[i].pair && host))
			return -1;
		return (int)trackers[i].track;
	}
	return -1;
}

/* "expire N", N from 1 up. */
static int kw_xbits_expire(const char *word, uint32_t *expire_s)
{
	if (strncmp(word, "expire", 6) != 0 || !isspace((unsigned char)word[6]))
		return -1;
	const char *p = kw_trim((char *)word + 6);
	char *end;
	unsigned long v = strtoul(p, &end, 10);
	if (!isdigit((unsigned char)*p) || *end || v == 0 || v > UINT32_MAX)
		return -1;
	*expire_s = (uint32_t)v;
	return 0;
}

/* Words 3 and 4: the tracker (required for xbits) and expire. */
static int kw_xbits_options(struct kw_xbits *x, char **words, int n, bool host)
{
	int at = 2;
	bool tracked = false;
	if (at < n) {
		int track = kw_xbits_tracker(words[at], host);
		if (track >= 0) {
			x->track = (enum rule_xbits_track)track;
			tracked = true;
			at++;
		}
	}
	if (!tracked && !host)
		return -1;
	if (at < n && kw_xbits_expire(words[at++], &x->expire_s) < 0)
		return -1;
	if (at != n)
		return -1;
	/* both is a test of two hosts; expire says how long a set bit lives */
	if (x->track == RULE_XBITS_IP_BOTH && !kw_xbits_is_test(x->command))
		return -1;
	return 0;
}

static int kw_xbits_fill(struct rule_parser *parser, struct kw_xbits *x, const char *value,
			 bool host)
{
	char buf[256], *words[5];
	int n = 0;
	if (strlen(value) >= sizeof(buf))
		return -1;
	strcpy(buf, value);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (n == 4)
			return -1;
		words[n++] = kw_trim(w);
	}
	if (n < 2 || !*words[1])
		return -1;
	size_t c = 0, count = sizeof(kw_xbits_commands) / sizeof(kw_xbits_commands[0]);
	while (c < count && strcmp(kw_xbits_commands[c], words[0]) != 0)
		c++;
	if (c == count)
		return -1;
	for (const char *p = words[1]; *p; p++)
		if (isspace((unsigned char)*p))
			return -1;
	x->command = (enum kw_xbits_command)c;
	x->track = RULE_XBITS_IP_SRC;
	x->expire_s = KW_XBITS_EXPIRE_DEFAULT;
	if (kw_xbits_options(x, words, n, host) < 0)
		return -1;
	int id = rule_parser_xbit(parser, words[1]);
	if (id < 0)
		return -1;
	x->id = (uint16_t)id;
	return 0;
}

static int kw_xbits_add(struct rule_parser *parser, struct rule *rule, const char *value, bool host)
{
	struct kw_xbits *x = calloc(1, sizeof(*x));
	if (!x)
		return rule_parser_error(parser, "out of memory");
	if (kw_xbits_fill(parser, x, value, host) < 0) {
		free(x);
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"",
					 host ? "hostbits" : "xbits", value);
	}
	if (!rule_parser_add_option(parser, rule, x)) {
		free(x);
		return -1;
	}
	return 0;
}

static int kw_xbits_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_xbits_add(parser, rule, value, false);
}

static int kw_hostbits_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_xbits_add(parser, rule, value, true);
}

/* Per-packet path: isset/isnotset; the changes always hold here (applied after the match). */
static bool kw_xbits_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_xbits *x = option->data;
	const struct rule_xbits *bits = ctx->xbits;
	if (!kw_xbits_is_test(x->command))
		return true;
	if (!bits)
		return false;
	bool set;
	if (x->track == RULE_XBITS_IP_BOTH)
		set = bits->isset(bits->owner, x->id, RULE_XBITS_IP_SRC, ctx->packet) &&
		      bits->isset(bits->owner, x->id, RULE_XBITS_IP_DST, ctx->packet);
	else
		set = bits->isset(bits->owner, x->id, x->track, ctx->packet);
	return set == (x->command == KW_XBITS_ISSET);
}

/* Per-packet path, after the alert decision. */
void rule_match_apply_xbits(const struct rule *rule, const struct rule_match_ctx *ctx)
{
	const struct rule_xbits *bits = ctx->xbits;
	if (!bits || kw_xbits_index < 0)
		return;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		const struct kw_xbits *x = option->data;
		if ((option->keyword != kw_xbits_index && option->keyword != kw_hostbits_index) ||
		    kw_xbits_is_test(x->command))
			continue;
		enum rule_xbits_change change = x->command == KW_XBITS_SET     ? RULE_XBITS_SET
						: x->command == KW_XBITS_UNSET ? RULE_XBITS_UNSET
									       : RULE_XBITS_TOGGLE;
		bits->change(bits->owner, x->id, x->track, change, x->expire_s, ctx->packet);
	}
}

void kw_xbits_register(void)
{
	static const struct rule_keyword xbits = {.name = "xbits",
						  .kind = RULE_KW_FLOW,
						  .value = RULE_KW_VALUE_REQUIRED,
						  .parse = kw_xbits_parse,
						  .match = kw_xbits_match};
	static const struct rule_keyword hostbits = {.name = "hostbits",
						     .kind = RULE_KW_FLOW,
						     .value = RULE_KW_VALUE_REQUIRED,
						     .parse = kw_hostbits_parse,
						     .match = kw_xbits_match};
	kw_xbits_index = rule_keyword_register(&xbits);
	kw_hostbits_index = rule_keyword_register(&hostbits);
}
