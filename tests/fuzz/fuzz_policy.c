/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: rules/policy/policy.c rules/lang/threshold_config.c rules/lang/parse.c rules/lang/rule.c rules/lang/buffers.c rules/lang/keywords.c rules/lang/frame.c rules/keywords/kw_*.c rules/match/injection_sql.c rules/match/injection_xss.c rules/match/injection_path.c rules/match/header.c
/*
 * libFuzzer target for the operator policy parser (rules/policy/policy.c, and the
 * threshold.config lines it hands to rules/lang/threshold_config.c): each input
 * is a whole policy file. A refused file must say where ("fuzz.policy:LINE:
 * COL: error: ..."); an accepted one is applied to three parsed rules
 * (enable/disable, actions, exceptions, threshold lines, what differs per
 * tenant) and checked against a verdict-time view for every tenant and
 * none, and tunnels are looked up, so the precedence and tenant code runs
 * on whatever the parser let through. Memory errors and leaks are left to ASan/LSan and
 * UBSan; running is left to tests/fuzz/run.sh.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/policy/policy.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static const char *const fuzz_rules[] = {
    "alert http any any -> any any (msg:\"a\"; content:\"concat(\"; "
    "classtype:web-application-attack; metadata:attack_class sqli; sid:100; rev:1;)",
    "drop tcp any any -> any any (msg:\"b\"; content:\"x\"; metadata:attack_class xss; sid:101;)",
    "reject tcp any any -> any any (msg:\"c\"; content:\"y\"; classtype:attempted-recon; "
    "sid:200;)",
};
#define FUZZ_RULES (sizeof(fuzz_rules) / sizeof(fuzz_rules[0]))

static struct rule_parser *fuzz_parser;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_parser = rule_parser_create();
	if (!fuzz_parser)
		abort();
	return 0;
}

/* Every tenant's view of a rule (sorted, in range) and the tunnels' lookup. */
static void fuzz_tenants(const struct policy *p, const struct rule *rule,
			 struct policy_packet_view *view)
{
	unsigned tenants = policy_tenant_count(p);
	const struct rule_policy *rp = rule->policy;
	bool any_on = false;
	for (unsigned i = 0; rp && i < rp->tenant_count; i++) {
		FUZZ_CHECK(rp->tenants[i].tenant >= 1 && rp->tenants[i].tenant <= tenants);
		FUZZ_CHECK(i == 0 || rp->tenants[i - 1].tenant < rp->tenants[i].tenant);
		any_on |= rp->tenants[i].enabled;
	}
	FUZZ_CHECK(!rp || !rp->tenant_only || any_on);
	for (unsigned t = 0; t <= tenants + 1 && t <= 8; t++) {
		enum rule_action action = rule->action;
		if (rp && rp->tenant_count)
			(void)policy_tenant_rule(rule, (uint16_t)t, &action);
		FUZZ_CHECK(action < RULE_ACTION_COUNT);
		view->tenant = (uint16_t)t;
		(void)policy_excepted(p, rule, view);
		(void)policy_tenant_ids(p, (uint16_t)t);
		FUZZ_CHECK(policy_tenant_name(p, (uint16_t)t));
	}
	view->tenant = 0;
	struct packet_tunnel tunnels[] = {
	    {.type = PACKET_TUNNEL_GENEVE,
	     .has_endpoint_id = 1,
	     .endpoint_id = 0x0123456789abcdefull},
	    {.type = PACKET_TUNNEL_GENEVE,
	     .has_endpoint_id = 1,
	     .has_attachment_id = 1,
	     .endpoint_id = 0x0123456789abcdefull,
	     .attachment_id = 0x1111222233334444ull},
	    {.type = PACKET_TUNNEL_VXLAN, .vni = 800},
	};
	for (unsigned i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++)
		FUZZ_CHECK(policy_tenant_find(p, &tunnels[i]) <= tenants);
}

static void fuzz_apply(const struct policy *p)
{
	struct rule *rules[FUZZ_RULES];
	struct policy_report report;
	char err[POLICY_ERROR_MAX];
	unsigned count = FUZZ_RULES;
	for (unsigned i = 0; i < FUZZ_RULES; i++) {
		rules[i] =
		    rule_parse(fuzz_parser, fuzz_rules[i], i ? "web.rules" : "scan.rules", i);
		FUZZ_CHECK(rules[i]);
	}
	int rc = policy_apply(p, fuzz_parser, rules, &count, &report, err, sizeof(err));
	FUZZ_CHECK(count <= FUZZ_RULES);
	FUZZ_CHECK(rc < 0 || report.disabled + count == FUZZ_RULES);
	uint8_t src[16] = {10, 9, 1, 2}, dst[16] = {192, 0, 2, 1};
	const char uri[] = "/api/snippets?q=concat(a)";
	uint8_t xff[16] = {203, 0, 113, 9};
	struct policy_packet_view view = {src, dst, 4, (const uint8_t *)uri, sizeof(uri) - 1,
					  xff, 4,   0};
	for (unsigned i = 0; i < count; i++) {
		(void)policy_excepted(p, rules[i], &view);
		fuzz_tenants(p, rules[i], &view);
		rule_free(rules[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p = NULL;
	char err[POLICY_ERROR_MAX];
	int rc = policy_parse("fuzz.policy", (const char *)data, size, &p, err, sizeof(err));
	if (rc < 0) {
		FUZZ_CHECK(!p);
		FUZZ_CHECK(rc == -ENOMEM ||
			   (strncmp(err, "fuzz.policy:", 12) == 0 && strstr(err, ": error: ")));
		return 0;
	}
	FUZZ_CHECK(p);
	for (unsigned i = 0; i < policy_ratelimit_count(p); i++) {
		const struct policy_ratelimit *r = policy_ratelimit_get(p, i);
		FUZZ_CHECK(r->count > 0 && r->window_s > 0 && r->block_s > 0);
	}
	fuzz_apply(p);
	policy_free(p);
	return 0;
}
