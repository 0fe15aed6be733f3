/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Meta keywords: msg, sid, rev, gid, classtype, reference, metadata,
 * priority, target, noalert. They fill struct rule and add no option, so
 * they cost nothing per packet. classtype needs the classification loaded
 * into the parser (rule_parser_load_classification); its priority applies
 * unless the rule gives priority: itself, in either order. Turning these
 * fields into alerts is left to control/.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"

static int kw_meta_u32(const char *value, uint32_t *out)
{
	char *end;
	unsigned long long number;

	if (!value || !isdigit((unsigned char)*value))
		return -EINVAL;
	errno = 0;
	number = strtoull(value, &end, 10);
	if (errno || *end || number > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)number;
	return 0;
}

static char *kw_meta_trimmed_copy(const char *start, const char *end)
{
	char *copy;

	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	copy = malloc((size_t)(end - start) + 1);
	if (!copy)
		return NULL;
	memcpy(copy, start, (size_t)(end - start));
	copy[end - start] = '\0';
	return copy;
}

/* msg arrives without its quotes; \" \; \\ \: become the character itself. */
static int kw_msg_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char *msg = malloc(strlen(value) + 1);
	char *out = msg;

	if (!msg)
		return rule_parser_error(parser, "out of memory");
	for (const char *p = value; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		*out++ = *p;
	}
	*out = '\0';
	free(rule->msg);
	rule->msg = msg;
	return 0;
}

static int kw_sid_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	uint32_t sid;

	if (kw_meta_u32(value, &sid) < 0 || sid == 0)
		return rule_parser_error(parser, "bad value of \"sid\": \"%s\"", value);
	if (rule->has_sid)
		return rule_parser_error(parser, "sid given twice: \"%s\"", value);
	rule->sid = sid;
	rule->has_sid = true;
	return 0;
}

static int kw_rev_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	if (kw_meta_u32(value, &rule->rev) < 0)
		return rule_parser_error(parser, "bad value of \"rev\": \"%s\"", value);
	return 0;
}

static int kw_gid_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	if (kw_meta_u32(value, &rule->gid) < 0)
		return rule_parser_error(parser, "bad value of \"gid\": \"%s\"", value);
	return 0;
}

/* rule->priority 0 means "not given": priority: accepts 1..255 only. */
static int kw_classtype_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int priority = rule_parser_classtype_priority(parser, value);

	if (priority < 0)
		return rule_parser_error(parser, "unknown classtype \"%s\"", value);
	free(rule->classtype);
	rule->classtype = strdup(value);
	if (!rule->classtype)
		return rule_parser_error(parser, "out of memory");
	if (rule->priority == 0)
		rule->priority = priority;
	return 0;
}

static int kw_priority_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	uint32_t priority;

	if (kw_meta_u32(value, &priority) < 0 || priority < 1 || priority > 255)
		return rule_parser_error(parser, "bad value of \"priority\": \"%s\"", value);
	rule->priority = (int)priority;
	return 0;
}

/* "type,value": the value may hold more commas (URLs). */
static int kw_reference_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	const char *comma = strchr(value, ',');
	struct rule_reference reference, *grown;

	if (!comma || comma == value || !comma[1])
		return rule_parser_error(parser, "bad value of \"reference\": \"%s\"", value);
	reference.type = kw_meta_trimmed_copy(value, comma);
	reference.value = kw_meta_trimmed_copy(comma + 1, comma + strlen(comma));
	grown = realloc(rule->references, (rule->reference_count + 1) * sizeof(*grown));
	if (!reference.type || !reference.value || !grown) {
		free(reference.type);
		free(reference.value);
		if (grown)
			rule->references = grown;
		return rule_parser_error(parser, "out of memory");
	}
	rule->references = grown;
	rule->references[rule->reference_count++] = reference;
	return 0;
}

static int kw_metadata_add(struct rule *rule, const char *start, const char *end)
{
	char *item = kw_meta_trimmed_copy(start, end);
	char **grown;

	if (!item)
		return -ENOMEM;
	if (!*item) {
		free(item);
		return 0;
	}
	grown = realloc(rule->metadata, (rule->metadata_count + 1) * sizeof(*grown));
	if (!grown) {
		free(item);
		return -ENOMEM;
	}
	rule->metadata = grown;
	rule->metadata[rule->metadata_count++] = item;
	return 0;
}

static int kw_metadata_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	const char *start = value;

	for (const char *p = value;; p++) {
		if (*p && *p != ',')
			continue;
		if (kw_metadata_add(rule, start, p) < 0)
			return rule_parser_error(parser, "out of memory");
		if (!*p)
			return 0;
		start = p + 1;
	}
}

static int kw_target_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	if (strcmp(value, "src_ip") == 0)
		rule->target = 1;
	else if (strcmp(value, "dest_ip") == 0)
		rule->target = 2;
	else
		return rule_parser_error(parser, "bad value of \"target\": \"%s\"", value);
	return 0;
}

static int kw_noalert_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)parser;
	(void)value;
	rule->noalert = true;
	return 0;
}

/*
 * alert (Suricata 8): the rule alerts even where its action does not
 * (a pass rule: "alert then pass", the alert logged with verdict pass).
 */
static int kw_alert_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)parser;
	(void)value;
	rule->alert = true;
	return 0;
}

static const struct rule_keyword kw_meta_rows[] = {
    {.name = "msg", .kind = RULE_KW_META, .value = RULE_KW_VALUE_REQUIRED, .parse = kw_msg_parse},
    {.name = "sid", .kind = RULE_KW_META, .value = RULE_KW_VALUE_REQUIRED, .parse = kw_sid_parse},
    {.name = "rev", .kind = RULE_KW_META, .value = RULE_KW_VALUE_REQUIRED, .parse = kw_rev_parse},
    {.name = "gid", .kind = RULE_KW_META, .value = RULE_KW_VALUE_REQUIRED, .parse = kw_gid_parse},
    {.name = "classtype",
     .kind = RULE_KW_META,
     .value = RULE_KW_VALUE_REQUIRED,
     .parse = kw_classtype_parse},
    {.name = "priority",
     .kind = RULE_KW_META,
     .value = RULE_KW_VALUE_REQUIRED,
     .parse = kw_priority_parse},
    {.name = "reference",
     .kind = RULE_KW_META,
     .value = RULE_KW_VALUE_REQUIRED,
     .parse = kw_reference_parse},
    {.name = "metadata",
     .kind = RULE_KW_META,
     .value = RULE_KW_VALUE_REQUIRED,
     .parse = kw_metadata_parse},
    {.name = "target",
     .kind = RULE_KW_META,
     .value = RULE_KW_VALUE_REQUIRED,
     .parse = kw_target_parse},
    {.name = "noalert",
     .kind = RULE_KW_META,
     .value = RULE_KW_VALUE_NONE,
     .parse = kw_noalert_parse},
    {.name = "alert", .kind = RULE_KW_META, .value = RULE_KW_VALUE_NONE, .parse = kw_alert_parse},
};

void kw_meta_register(void)
{
	for (size_t i = 0; i < sizeof(kw_meta_rows) / sizeof(kw_meta_rows[0]); i++)
		rule_keyword_register(&kw_meta_rows[i]);
}
