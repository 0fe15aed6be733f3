/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sqli;, xss; and traversal;: payload options that hold when the
 * SQL-injection, the XSS or the path-traversal detector (injection.h)
 * fires on the current buffer, whichever sticky
 * buffer is in effect (http.uri, http.request_body, http.header,
 * http.cookie, mysql.query, ...). They take no value, are never relative
 * and never retried (the detector judges the whole buffer, not a position
 * in it), so they leave the cursor where they found it and a content after
 * them still counts from the previous content. A rule may use them alone,
 * without a content: such a rule has no fast pattern and runs on every
 * packet of its group, which is the price of a detector that looks for a
 * shape rather than a string.
 */
#include <stdlib.h>

#include "rules/match/injection.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"

/* The detectors, in the order of the keyword rows below. */
enum kw_injection_kind {
	KW_INJECTION_SQLI,
	KW_INJECTION_XSS,
	KW_INJECTION_TRAVERSAL,
};

static const struct {
	const char *name;
	bool (*detect)(const uint8_t *data, uint32_t len);
} kw_injection_detectors[] = {
    [KW_INJECTION_SQLI] = {"sqli", injection_sqli},
    [KW_INJECTION_XSS] = {"xss", injection_xss},
    [KW_INJECTION_TRAVERSAL] = {"traversal", injection_traversal},
};

struct kw_injection {
	struct payload_head head; /* first: see payload.h */
	enum kw_injection_kind kind;
};

static int injection_parse(struct rule_parser *parser, struct rule *rule,
			   enum kw_injection_kind kind)
{
	const char *what = kw_injection_detectors[kind].name;
	int rc = payload_check_room(parser, rule, what);
	if (rc < 0)
		return rc;
	struct kw_injection *k = calloc(1, sizeof(*k));
	if (k == NULL)
		return rule_parser_error(parser, "%s: out of memory", what);
	k->head.type = PAYLOAD_INJECTION;
	k->kind = kind;
	if (rule_parser_add_option(parser, rule, k) == NULL) {
		free(k);
		return rule_parser_error(parser, "%s: out of memory", what);
	}
	return 0;
}

static int sqli_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	return injection_parse(parser, rule, KW_INJECTION_SQLI);
}

static int xss_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	return injection_parse(parser, rule, KW_INJECTION_XSS);
}

static int traversal_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	return injection_parse(parser, rule, KW_INJECTION_TRAVERSAL);
}

/*
 * Per-packet path. The cursor is left as the matcher handed it over
 * (position: the end of the previous match), so the detector consumes
 * nothing and a relative option after it still counts from before it. A
 * body window is judged from cursor->search_from on: the bytes before were
 * judged with the earlier window (the overlap keeps a statement that
 * straddles the two whole), so a large upload costs its length, not its
 * length times its windows.
 */
static bool injection_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_injection *k = option->data;
	const uint8_t *data = cursor->data + cursor->search_from;
	uint32_t len = cursor->len - cursor->search_from;
	return kw_injection_detectors[k->kind].detect(data, len);
}

void kw_injection_register(void)
{
	static const struct rule_keyword rows[] = {
	    {.name = "sqli",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_NONE,
	     .parse = sqli_parse,
	     .inspect = injection_inspect},
	    {.name = "xss",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_NONE,
	     .parse = xss_parse,
	     .inspect = injection_inspect},
	    {.name = "traversal",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_NONE,
	     .parse = traversal_parse,
	     .inspect = injection_inspect},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rule_keyword_register(&rows[i]);
}
