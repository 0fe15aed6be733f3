/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * threshold: and detection_filter: fill rule->threshold and
 * rule->detection_filter ("type limit, track by_src, count 1, seconds 60",
 * in any order; detection_filter has no type). As in Suricata 8, seconds
 * may be left out (no period: counted for the tracked entity's lifetime),
 * track may be by_flow, and type backoff takes a multiplier instead of
 * seconds ("type backoff, track by_flow, count 1, multiplier 10": alerts on
 * the 1st, 10th, 100th, ... match). They
 * are META keywords: counting events per source, destination or rule, and
 * deciding whether an alert goes out, is left to the inspect stage.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"

#define KW_THRESHOLD_SEEN_TYPE	     (1u << 0)
#define KW_THRESHOLD_SEEN_TRACK	     (1u << 1)
#define KW_THRESHOLD_SEEN_COUNT	     (1u << 2)
#define KW_THRESHOLD_SEEN_SECONDS    (1u << 3)
#define KW_THRESHOLD_SEEN_MULTIPLIER (1u << 4)

static const struct {
	const char *name;
	int value;
} kw_threshold_types[] =
    {
	{"limit", RULE_THRESHOLD_LIMIT},
	{"threshold", RULE_THRESHOLD_THRESHOLD},
	{"both", RULE_THRESHOLD_BOTH},
	{"backoff", RULE_THRESHOLD_BACKOFF},
},
  kw_threshold_tracks[] = {
      {"by_src", RULE_TRACK_BY_SRC},   {"by_dst", RULE_TRACK_BY_DST},
      {"by_rule", RULE_TRACK_BY_RULE}, {"by_both", RULE_TRACK_BY_BOTH},
      {"by_flow", RULE_TRACK_BY_FLOW},
};

static int kw_threshold_word(const char *word, int *out, bool types)
{
	size_t n = types ? sizeof(kw_threshold_types) / sizeof(kw_threshold_types[0])
			 : sizeof(kw_threshold_tracks) / sizeof(kw_threshold_tracks[0]);

	for (size_t i = 0; i < n; i++) {
		const char *name = types ? kw_threshold_types[i].name : kw_threshold_tracks[i].name;

		if (strcmp(name, word) == 0) {
			*out = types ? kw_threshold_types[i].value : kw_threshold_tracks[i].value;
			return 0;
		}
	}
	return -1;
}

static int kw_threshold_number(const char *word, uint32_t *out)
{
	char *end;
	unsigned long long value;

	if (!isdigit((unsigned char)*word))
		return -1;
	value = strtoull(word, &end, 10);
	if (*end || value > UINT32_MAX)
		return -1;
	*out = (uint32_t)value;
	return 0;
}

/* One "key value" pair; the bit of the key in *seen, -1 on any fault. */
static int kw_threshold_pair(struct rule_threshold *threshold, const char *key, const char *value,
			     unsigned *seen, bool with_type)
{
	int word;

	if (with_type && strcmp(key, "type") == 0) {
		*seen |= KW_THRESHOLD_SEEN_TYPE;
		if (kw_threshold_word(value, &word, true) < 0)
			return -1;
		threshold->type = (enum rule_threshold_type)word;
		return 0;
	}
	if (strcmp(key, "track") == 0) {
		*seen |= KW_THRESHOLD_SEEN_TRACK;
		if (kw_threshold_word(value, &word, false) < 0)
			return -1;
		threshold->track = (enum rule_threshold_track)word;
		return 0;
	}
	if (strcmp(key, "count") == 0) {
		*seen |= KW_THRESHOLD_SEEN_COUNT;
		return kw_threshold_number(value, &threshold->count);
	}
	if (strcmp(key, "seconds") == 0) {
		*seen |= KW_THRESHOLD_SEEN_SECONDS;
		return kw_threshold_number(value, &threshold->seconds);
	}
	if (with_type && strcmp(key, "multiplier") == 0) {
		*seen |= KW_THRESHOLD_SEEN_MULTIPLIER;
		return kw_threshold_number(value, &threshold->multiplier);
	}
	return -1;
}

/*
 * Every part the type needs, none it does not: type (threshold: only),
 * track and count always; backoff a multiplier of 2 or more and no
 * seconds; the others may have seconds and no multiplier.
 */
static int kw_threshold_complete(const struct rule_threshold *threshold, unsigned seen,
				 bool with_type)
{
	unsigned want = KW_THRESHOLD_SEEN_TRACK | KW_THRESHOLD_SEEN_COUNT;
	if (with_type)
		want |= KW_THRESHOLD_SEEN_TYPE;
	if ((seen & want) != want || threshold->count == 0)
		return -1;
	bool backoff = with_type && threshold->type == RULE_THRESHOLD_BACKOFF;
	if (backoff)
		return (seen & KW_THRESHOLD_SEEN_SECONDS) || threshold->multiplier < 2 ? -1 : 0;
	return seen & KW_THRESHOLD_SEEN_MULTIPLIER ? -1 : 0;
}

/* Split "key value, key value, ..." in a copy and hand each pair on. */
static int kw_threshold_fill(struct rule_threshold *threshold, const char *value, bool with_type)
{
	char *copy = strdup(value), *save = NULL;
	unsigned seen = 0;
	int rc = copy ? 0 : -1;

	for (char *part = copy ? strtok_r(copy, ",", &save) : NULL; part && rc == 0;
	     part = strtok_r(NULL, ",", &save)) {
		char *inner = NULL;
		char *key = strtok_r(part, " \t", &inner);
		char *word = key ? strtok_r(NULL, " \t", &inner) : NULL;

		if (!word || strtok_r(NULL, " \t", &inner))
			rc = -1;
		else
			rc = kw_threshold_pair(threshold, key, word, &seen, with_type);
	}
	free(copy);
	return rc == 0 ? kw_threshold_complete(threshold, seen, with_type) : -1;
}

static int kw_threshold_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct rule_threshold threshold = {0};

	if (rule->threshold.type != RULE_THRESHOLD_NONE)
		return rule_parser_error(parser, "threshold given twice");
	if (kw_threshold_fill(&threshold, value, true) < 0)
		return rule_parser_error(parser, "bad value of \"threshold\": \"%s\"", value);
	rule->threshold = threshold;
	return 0;
}

static int kw_detection_filter_parse(struct rule_parser *parser, struct rule *rule,
				     const char *value)
{
	struct rule_threshold filter = {0};

	if (rule->detection_filter.type != RULE_THRESHOLD_NONE)
		return rule_parser_error(parser, "detection_filter given twice");
	if (kw_threshold_fill(&filter, value, false) < 0)
		return rule_parser_error(parser, "bad value of \"detection_filter\": \"%s\"",
					 value);
	filter.type = RULE_THRESHOLD_DETECTION_FILTER;
	rule->detection_filter = filter;
	return 0;
}

void kw_threshold_register(void)
{
	static const struct rule_keyword rows[] = {
	    {.name = "threshold",
	     .kind = RULE_KW_META,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = kw_threshold_parse},
	    {.name = "detection_filter",
	     .kind = RULE_KW_META,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = kw_detection_filter_parse},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rule_keyword_register(&rows[i]);
}
