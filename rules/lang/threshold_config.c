/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * threshold.config reader (see threshold_config.h). A line is a command word
 * followed by "key value" items separated by commas outside brackets (an ip
 * list is itself comma separated: "ip [1.2.3.4,5.6.7.8]").
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/threshold_config.h"

#define TC_ITEMS    12
#define TC_LINE_MAX 4096

enum tc_kind {
	TC_SUPPRESS,
	TC_THRESHOLD,
	TC_RATE_FILTER,
};

struct tc_entry {
	enum tc_kind kind;
	uint32_t gid, sid;
	bool has_track;
	enum rule_threshold_track track;
	struct rule_threshold threshold;
	struct rule_rate_filter rate;
	char ip[TC_LINE_MAX];
};

struct tc_item {
	char *key;
	char *value;
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Split "key value, key value" at commas outside brackets. Returns the item count or -1. */
static int tc_split(char *text, struct tc_item *items)
{
	int n = 0, depth = 0;
	char *start = text;
	for (char *c = text;; c++) {
		if (*c == '[')
			depth++;
		else if (*c == ']')
			depth--;
		if (*c != '\0' && (*c != ',' || depth > 0))
			continue;
		bool end = *c == '\0';
		*c = '\0';
		char *item = trim(start);
		if (n == TC_ITEMS || *item == '\0')
			return -1;
		char *space = item + strcspn(item, " \t");
		items[n].key = item;
		items[n].value = trim(space);
		if (*space)
			*space = '\0';
		n++;
		if (end)
			return n;
		start = c + 1;
	}
}

static int tc_number(const char *value, uint32_t *out)
{
	char *end;
	unsigned long n = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || n > UINT32_MAX)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int tc_track(const char *value, enum rule_threshold_track *out)
{
	static const char *const names[] = {"by_src",  "by_dst",    "by_rule",
					    "by_both", "by_either", "by_flow"};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(value, names[i]) == 0) {
			*out = (enum rule_threshold_track)i;
			return 0;
		}
	return -1;
}

static int tc_type(const char *value, enum rule_threshold_type *out)
{
	if (strcmp(value, "limit") == 0)
		*out = RULE_THRESHOLD_LIMIT;
	else if (strcmp(value, "threshold") == 0)
		*out = RULE_THRESHOLD_THRESHOLD;
	else if (strcmp(value, "both") == 0)
		*out = RULE_THRESHOLD_BOTH;
	else
		return -1;
	return 0;
}

static int tc_action(const char *value, struct rule_rate_filter *rate)
{
	static const struct {
		const char *name;
		enum rule_action action;
		bool silent;
	} actions[] = {{"alert", RULE_ACTION_ALERT, false}, {"drop", RULE_ACTION_DROP, false},
		       {"pass", RULE_ACTION_PASS, false},   {"reject", RULE_ACTION_REJECT, false},
		       {"sdrop", RULE_ACTION_DROP, true},   {"log", RULE_ACTION_ALERT, false}};
	for (unsigned i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(value, actions[i].name) == 0) {
			rate->new_action = actions[i].action;
			rate->new_action_silent = actions[i].silent;
			return 0;
		}
	return -1;
}

/* One "key value" item into e; returns 0 or -1 with why set. */
static int tc_item(struct tc_entry *e, const struct tc_item *it, const char **why)
{
	uint32_t n;
	*why = it->key;
	if (strcmp(it->key, "gen_id") == 0)
		return tc_number(it->value, &e->gid);
	if (strcmp(it->key, "sig_id") == 0)
		return tc_number(it->value, &e->sid);
	if (strcmp(it->key, "track") == 0) {
		e->has_track = true;
		return tc_track(it->value, &e->track);
	}
	if (strcmp(it->key, "type") == 0)
		return tc_type(it->value, &e->threshold.type);
	if (strcmp(it->key, "count") == 0 && tc_number(it->value, &n) == 0) {
		e->threshold.count = e->rate.count = n;
		return 0;
	}
	if (strcmp(it->key, "seconds") == 0 && tc_number(it->value, &n) == 0) {
		e->threshold.seconds = e->rate.seconds = n;
		return 0;
	}
	if (strcmp(it->key, "timeout") == 0)
		return tc_number(it->value, &e->rate.timeout);
	if (strcmp(it->key, "new_action") == 0)
		return tc_action(it->value, &e->rate);
	if (strcmp(it->key, "ip") == 0) {
		snprintf(e->ip, sizeof(e->ip), "%s", it->value);
		return 0;
	}
	*why = "unknown item";
	return -1;
}

static int tc_parse_line(char *line, struct tc_entry *e, char *why, size_t why_len)
{
	struct tc_item items[TC_ITEMS];
	memset(e, 0, sizeof(*e));
	char *rest = line + strcspn(line, " \t");
	char word[32];
	snprintf(word, sizeof(word), "%.*s", (int)(rest - line), line);
	if (strcmp(word, "suppress") == 0)
		e->kind = TC_SUPPRESS;
	else if (strcmp(word, "threshold") == 0 || strcmp(word, "event_filter") == 0)
		e->kind = TC_THRESHOLD;
	else if (strcmp(word, "rate_filter") == 0)
		e->kind = TC_RATE_FILTER;
	else {
		snprintf(why, why_len,
			 "unknown command \"%s\" (suppress, threshold, event_filter, "
			 "rate_filter)",
			 word);
		return -1;
	}
	int n = tc_split(rest, items);
	if (n < 0) {
		snprintf(why, why_len, "expected \"key value\" items separated by commas");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *bad;
		if (tc_item(e, &items[i], &bad) < 0) {
			snprintf(why, why_len, "bad %s \"%s\"", bad,
				 strcmp(bad, "unknown item") == 0 ? items[i].key : items[i].value);
			return -1;
		}
	}
	return 0;
}

/* Checks that span items: what each command requires. */
static int tc_check(struct tc_entry *e, char *why, size_t why_len)
{
	if (e->kind == TC_SUPPRESS) {
		if (e->has_track != (e->ip[0] != '\0')) {
			snprintf(why, why_len, "suppress takes both track and ip, or neither");
			return -1;
		}
		if (!e->has_track)
			e->track = RULE_TRACK_BY_RULE;
		return 0;
	}
	if (!e->has_track || !e->threshold.count || !e->threshold.seconds) {
		snprintf(why, why_len, "track, count and seconds are required");
		return -1;
	}
	e->threshold.track = e->rate.track = e->track;
	if (e->kind == TC_THRESHOLD && e->threshold.type == RULE_THRESHOLD_NONE) {
		snprintf(why, why_len, "type is required (limit, threshold or both)");
		return -1;
	}
	if (e->kind == TC_RATE_FILTER && !e->rate.timeout) {
		snprintf(why, why_len, "new_action and timeout are required");
		return -1;
	}
	e->rate.set = e->kind == TC_RATE_FILTER;
	return 0;
}

static struct rule_policy *tc_policy(struct rule *rule)
{
	if (!rule->policy)
		rule->policy = calloc(1, sizeof(*rule->policy));
	return rule->policy;
}

static int tc_apply_one(struct rule_parser *parser, const struct tc_entry *e, struct rule *rule,
			char *why, size_t why_len)
{
	if (e->kind == TC_THRESHOLD) {
		rule->threshold = e->threshold;
		return 0;
	}
	struct rule_policy *policy = tc_policy(rule);
	if (!policy)
		return -ENOMEM;
	if (e->kind == TC_RATE_FILTER) {
		policy->rate = e->rate;
		return 0;
	}
	struct rule_suppress *grown =
	    realloc(policy->suppress, (policy->suppress_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	policy->suppress = grown;
	struct rule_suppress *sup = &grown[policy->suppress_count];
	memset(sup, 0, sizeof(*sup));
	sup->track = e->track;
	if (e->ip[0] && rule_parser_addr_set(parser, e->ip, &sup->addrs, why, why_len) < 0)
		return -EINVAL;
	policy->suppress_count++;
	return 0;
}

static int tc_apply(struct rule_parser *parser, const struct tc_entry *e, struct rule **rules,
		    unsigned count, char *why, size_t why_len)
{
	for (unsigned i = 0; i < count; i++) {
		struct rule *r = rules[i];
		uint32_t gid = r->gid ? r->gid : 1;
		if (e->sid && (r->sid != e->sid || (e->gid && gid != e->gid)))
			continue;
		int rc = tc_apply_one(parser, e, r, why, why_len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int threshold_config_check_line(const char *text, char *why, size_t why_len)
{
	static struct tc_entry e;
	char line[TC_LINE_MAX];
	if (strlen(text) >= sizeof(line)) {
		snprintf(why, why_len, "line longer than %d bytes", TC_LINE_MAX - 1);
		return -EINVAL;
	}
	snprintf(line, sizeof(line), "%s", text);
	why[0] = '\0';
	if (tc_parse_line(trim(line), &e, why, why_len) < 0 || tc_check(&e, why, why_len) < 0)
		return -EINVAL;
	return 0;
}

int threshold_config_apply_line(struct rule_parser *parser, const char *text, struct rule **rules,
				unsigned count, char *why, size_t why_len)
{
	static struct tc_entry e;
	char line[TC_LINE_MAX];
	snprintf(line, sizeof(line), "%s", text);
	why[0] = '\0';
	int rc = tc_parse_line(trim(line), &e, why, why_len);
	if (rc == 0)
		rc = tc_check(&e, why, why_len);
	if (rc == 0)
		rc = tc_apply(parser, &e, rules, count, why, why_len);
	if (rc < 0 && !why[0])
		snprintf(why, why_len, "%s", strerror(-rc));
	return rc < 0 ? -EINVAL : 0;
}

int threshold_config_apply(struct rule_parser *parser, const char *path, struct rule **rules,
			   unsigned count, char *err, size_t err_len)
{
	char line[TC_LINE_MAX], why[512];
	unsigned number = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		int rc = -errno;
		snprintf(err, err_len, "%s: error: cannot read threshold file: %s", path,
			 strerror(errno));
		return rc;
	}
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		number++;
		char *text = trim(line);
		if (*text == '\0' || *text == '#')
			continue;
		rc = threshold_config_apply_line(parser, text, rules, count, why, sizeof(why));
		if (rc < 0)
			snprintf(err, err_len, "%s:%u: error: %s", path, number, why);
	}
	fclose(f);
	return rc < 0 ? -EINVAL : 0;
}
