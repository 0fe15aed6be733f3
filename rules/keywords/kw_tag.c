/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tag (Suricata's): tag:session[, COUNT, packets|seconds|bytes];
 * tag:host[, COUNT, packets|seconds|bytes][, src|dst]. After the rule
 * alerts, Suricata marks the packets that follow (of the session, or of
 * the host) for its packet logs (pcap-log, unified2); its EVE alerts do
 * not change. vigil writes no packet log, so the keyword is checked as
 * Suricata checks it and then has nothing more to do: a rule with it
 * loads and alerts exactly as without it. Suricata's defaults (256
 * packets, host tags on the source) are what an unwritten part means.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"

#define KW_TAG_PARTS_MAX 4

/* Split text on ',' into at most KW_TAG_PARTS_MAX trimmed words; -1 on more. */
static int kw_tag_split(char *text, char **parts)
{
	int n = 0;
	for (char *save = NULL, *p = strtok_r(text, ",", &save); p;
	     p = strtok_r(NULL, ",", &save)) {
		if (n == KW_TAG_PARTS_MAX)
			return -1;
		parts[n++] = kw_trim(p);
	}
	return n;
}

static bool kw_tag_count_ok(const char *word)
{
	char *end;
	unsigned long v = strtoul(word, &end, 10);
	return *word >= '0' && *word <= '9' && !*end && v > 0 && v <= UINT32_MAX;
}

static int kw_tag_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char text[96];
	char *parts[KW_TAG_PARTS_MAX];
	(void)rule;
	if (strlen(value) >= sizeof(text))
		return rule_parser_error(parser, "bad value of \"tag\": \"%s\"", value);
	strcpy(text, value);
	int n = kw_tag_split(text, parts);
	bool host = n >= 1 && strcmp(parts[0], "host") == 0;
	bool ok = n >= 1 && (host || strcmp(parts[0], "session") == 0);
	if (ok && n >= 2) /* a count goes with its unit */
		ok = n >= 3 && kw_tag_count_ok(parts[1]) &&
		     (strcmp(parts[2], "packets") == 0 || strcmp(parts[2], "seconds") == 0 ||
		      strcmp(parts[2], "bytes") == 0);
	if (ok && n == 4) /* the side only for host tags */
		ok = host && (strcmp(parts[3], "src") == 0 || strcmp(parts[3], "dst") == 0);
	if (!ok)
		return rule_parser_error(parser,
					 "bad value of \"tag\": \"%s\" (session|host[, count, "
					 "packets|seconds|bytes][, src|dst])",
					 value);
	return 0;
}

void kw_tag_register(void)
{
	static const struct rule_keyword tag = {.name = "tag",
						.kind = RULE_KW_META,
						.value = RULE_KW_VALUE_REQUIRED,
						.parse = kw_tag_parse};
	rule_keyword_register(&tag);
}
