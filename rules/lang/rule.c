/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The name tables of rule.h, generated from its X-macros so that an action
 * or a protocol is declared in one place, and rule_free(), which releases a
 * rule and everything it owns. Option data is released through the free()
 * of the keyword that parsed it (keyword.h), so this file knows nothing of
 * any keyword's data. Building rules is left to parse.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"
#include "rules/lang/rule.h"

const char *const rule_action_name[RULE_ACTION_COUNT] = {
#define _(sym, name) [RULE_ACTION_##sym] = name,
    foreach_rule_action
#undef _
};

const char *const rule_proto_name[RULE_PROTO_COUNT] = {
#define _(sym, name, ip) [RULE_PROTO_##sym] = name,
    foreach_rule_proto
#undef _
};

const uint8_t rule_proto_ip[RULE_PROTO_COUNT] = {
#define _(sym, name, ip) [RULE_PROTO_##sym] = ip,
    foreach_rule_proto
#undef _
};

/* The actions an action-order names; the reject variants follow reject. */
static const enum rule_action rule_order_actions[] = {RULE_ACTION_PASS, RULE_ACTION_DROP,
						      RULE_ACTION_REJECT, RULE_ACTION_ALERT};

int rule_action_order_parse(const char *text, uint8_t rank[RULE_ACTION_COUNT], char *why,
			    size_t why_len)
{
	const unsigned want = sizeof(rule_order_actions) / sizeof(rule_order_actions[0]);
	bool seen[RULE_ACTION_COUNT] = {false};
	unsigned n = 0;
	while (*text) {
		size_t skip = strspn(text, ", \t");
		text += skip;
		size_t len = strcspn(text, ", \t");
		if (!len)
			break;
		unsigned i = 0;
		while (i < want &&
		       (strlen(rule_action_name[rule_order_actions[i]]) != len ||
			strncmp(text, rule_action_name[rule_order_actions[i]], len) != 0))
			i++;
		if (i == want || seen[rule_order_actions[i]]) {
			snprintf(why, why_len, "\"%.*s\" is %s", (int)len, text,
				 i == want ? "not pass, drop, reject or alert" : "named twice");
			return -EINVAL;
		}
		seen[rule_order_actions[i]] = true;
		rank[rule_order_actions[i]] = (uint8_t)n++;
		text += len;
	}
	if (n != want) {
		snprintf(why, why_len, "name each of pass, drop, reject and alert once");
		return -EINVAL;
	}
	for (int a = RULE_ACTION_REJECTSRC; a <= RULE_ACTION_REJECTBOTH; a++)
		rank[a] = rank[RULE_ACTION_REJECT];
	return 0;
}

/* The transport protocols come first in foreach_rule_proto, ending with sctp. */
bool rule_proto_is_app(enum rule_proto proto)
{
	return proto > RULE_PROTO_SCTP && proto < RULE_PROTO_COUNT;
}

void rule_addr_set_free(struct rule_addr_set *set)
{
	free(set->include);
	free(set->exclude);
	for (unsigned i = 0; i < set->include_group_count; i++)
		free(set->include_groups[i].name);
	for (unsigned i = 0; i < set->exclude_group_count; i++)
		free(set->exclude_groups[i].name);
	free(set->include_groups);
	free(set->exclude_groups);
}

static void rule_port_set_free(struct rule_port_set *set)
{
	free(set->include);
	free(set->exclude);
}

static void rule_options_free(struct rule *rule)
{
	for (unsigned i = 0; i < rule->option_count; i++) {
		struct rule_option *option = &rule->options[i];
		void (*release)(void *) = free;

		if (option->keyword < rule_keyword_count && rule_keywords[option->keyword].free)
			release = rule_keywords[option->keyword].free;
		if (option->data)
			release(option->data);
	}
	free(rule->options);
}

static void rule_policy_free(struct rule_policy *policy)
{
	if (!policy)
		return;
	for (unsigned i = 0; i < policy->suppress_count; i++)
		rule_addr_set_free(&policy->suppress[i].addrs);
	free(policy->suppress);
	free(policy->exceptions);
	free(policy->tenants);
	free(policy);
}

void rule_free(struct rule *rule)
{
	if (!rule)
		return;
	rule_options_free(rule);
	rule_policy_free(rule->policy);
	for (unsigned i = 0; i < rule->metadata_count; i++)
		free(rule->metadata[i]);
	free(rule->metadata);
	for (unsigned i = 0; i < rule->reference_count; i++) {
		free(rule->references[i].type);
		free(rule->references[i].value);
	}
	free(rule->references);
	rule_addr_set_free(&rule->src_addr);
	rule_addr_set_free(&rule->dst_addr);
	rule_port_set_free(&rule->src_port);
	rule_port_set_free(&rule->dst_port);
	free(rule->msg);
	free(rule->classtype);
	free(rule->file);
	free(rule);
}
