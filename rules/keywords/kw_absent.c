/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * absent (Suricata 8): "http.referer; absent;" holds when the unit has no
 * such buffer; "absent: or_else;" holds when it has none, or else when
 * the options after it hold on it ("http.referer; absent: or_else;
 * content:!"evil";": no Referer, or one without "evil"). A payload option
 * of its sticky buffer, first in that buffer's chain; the matcher answers
 * for a missing buffer before it asks for one (rules/match/match.c).
 *
 * Candidates: a rule is found through the buffers a unit carries, and an
 * absent buffer is not carried. The rule is therefore also given the
 * first buffer of the same protocol (http.uri for HTTP, ...) in
 * buffers_used, so it is checked on the units of that protocol, once per
 * transaction as its other rules are.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"
#include "rules/match/payload.h"

struct kw_absent {
	struct payload_head head; /* first: see payload.h */
	bool or_else;
};

/* The first buffer of the protocol buffer belongs to. */
static int kw_absent_home(int buffer)
{
	for (int b = RULE_BUFFER_PACKET_LAST + 1; b < RULE_BUFFER_COUNT; b++)
		if (rule_buffer_proto[b] == rule_buffer_proto[buffer])
			return b;
	return buffer;
}

static const char *const kw_absent_payload[] = {"content", "pcre", "absent", "bsize", NULL};

static int kw_absent_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char text[16] = "";
	int buffer = rule_parser_buffer(parser);
	if (buffer <= RULE_BUFFER_PACKET_LAST)
		return rule_parser_error(parser, "absent needs a sticky buffer before it");
	if (value && strlen(value) >= sizeof(text))
		return rule_parser_error(parser, "bad value of \"absent\": \"%s\"", value);
	if (value)
		strcpy(text, value);
	char *word = kw_trim(text);
	if (*word && strcmp(word, "or_else") != 0)
		return rule_parser_error(parser, "bad value of \"absent\": \"%s\" (or_else)",
					 value);
	struct rule_option *before = rule_parser_last_option(parser, rule, kw_absent_payload);
	if (before && before->buffer == buffer)
		return rule_parser_error(parser, "absent must come first in its buffer");
	int rc = payload_check_room(parser, rule, "absent");
	if (rc < 0)
		return rc;
	struct kw_absent *a = calloc(1, sizeof(*a));
	if (!a)
		return rule_parser_error(parser, "out of memory");
	a->head.type = PAYLOAD_ABSENT;
	a->or_else = *word != '\0';
	if (!rule_parser_add_option(parser, rule, a)) {
		free(a);
		return -1;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(kw_absent_home(buffer));
	return 0;
}

/* Per-packet path: reached only when the buffer is there (match.c answers for a missing one). */
static bool kw_absent_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_absent *a = option->data;
	(void)cursor;
	return a->or_else;
}

void kw_absent_register(void)
{
	static const struct rule_keyword absent = {.name = "absent",
						   .kind = RULE_KW_PAYLOAD,
						   .value = RULE_KW_VALUE_OPTIONAL,
						   .parse = kw_absent_parse,
						   .inspect = kw_absent_inspect};
	rule_keyword_register(&absent);
}
