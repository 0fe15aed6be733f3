/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Operator policy: the tuning that sits beside the rules, in one file, so
 * the rule files stay as their authors ship them. One statement per line,
 * '#' starts a comment, words separated by blanks:
 *
 *   disable  SELECTOR                    rule(s) off
 *   enable   SELECTOR                    back on (beats a less specific disable)
 *   action   [FROM->]TO SELECTOR          alert|drop|reject|pass; FROM: only rules written so
 *   except   SELECTOR src|dst PREFIX      the rule does not fire for that address
 *   except   SELECTOR xff PREFIX          ... nor for an HTTP request whose X-Forwarded-For
 *                                         client is in PREFIX
 *   except   SELECTOR path PREFIX         ... nor for an HTTP request whose normalised
 *                                         http.uri path starts with PREFIX
 *   ratelimit new_connections|http_requests N/s|N/m|N/Ks per src|xff block Ds|Dm|Dh
 *   suppress ... | threshold ... | event_filter ... | rate_filter ...
 *                                         a Suricata threshold.config line, as it is
 *   include  FILE                         a threshold.config file (relative to this one)
 *
 *   SELECTOR: sid N | sid N-M | metadata KEY VALUE | classtype NAME |
 *             group NAME (the rules file, "web.rules" or "web") | all
 *
 * Tenants (packets peeled from a gateway load balancer's tunnel): a block
 * scopes the statements inside it to one tenant's packets, written as EVE
 * writes the tunnel:
 *
 *   tenant vpce-0123456789abcdef0 [attachment 1111222233334444] {
 *   tenant vni 800 [801] {                   VXLAN: the VNI(s), e.g. an Azure pair
 *       disable | enable | action | except   as above, for this tenant only
 *       mode ids                             its rules alert but never drop or reject
 *   }
 *
 * Blocks do not nest; "{" ends the tenant line and "}" stands alone. For a
 * tenant's packets its own enable/disable and action statements are
 * resolved first (same precedence among them); a rule none of them names
 * is as the statements outside say. Its exceptions add to those outside.
 * A GENEVE packet is a tenant's when its endpoint id matches and, if the
 * block names one, its attachment id (a block with the attachment beats
 * one without); a VXLAN packet when its VNI is one the block names.
 *
 * Precedence (README "Operator policy"): an exception beats every action;
 * among enable/disable, and among action overrides, the most specific
 * selector wins (sid > metadata > classtype > group > all) and a later
 * line beats an earlier one of the same kind. Statements are a table of
 * name -> parser in policy.c.
 *
 * The compiled policy is immutable once loaded: the ruleset owns it (it
 * applies enable/disable and actions when it is built, and attaches the
 * exceptions that name each rule, and each rule's differences per
 * tenant), workers only read it. Rate-limit statements are read by
 * dataplane/detect/ratelimit.c.
 */
#ifndef VIGIL_RULES_POLICY_H
#define VIGIL_RULES_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/decode/packet.h"
#include "rules/lang/parse.h"
#include "rules/lang/rule.h"

#define POLICY_ERROR_MAX     512
#define POLICY_RATELIMIT_MAX 8
#define POLICY_TENANT_MAX    65534 /* tenant blocks; tenant + 1 fits a uint16_t (struct flow) */

/* Selector kinds, least specific first: the order is the precedence. */
#define foreach_policy_selector                                                                    \
	_(ALL, "all")                                                                              \
	_(GROUP, "group")                                                                          \
	_(CLASSTYPE, "classtype")                                                                  \
	_(METADATA, "metadata")                                                                    \
	_(SID, "sid")

enum policy_selector_kind {
#define _(sym, name) POLICY_SELECT_##sym,
	foreach_policy_selector
#undef _
	    POLICY_SELECT_COUNT
};

struct policy_selector {
	enum policy_selector_kind kind;
	uint32_t sid_low, sid_high; /* sid */
	char *name;		    /* group, classtype, metadata key */
	char *value;		    /* metadata value */
};

/* What an exception looks at. */
enum policy_exception_field {
	POLICY_EXCEPT_SRC,
	POLICY_EXCEPT_DST,
	POLICY_EXCEPT_PATH,
	POLICY_EXCEPT_XFF,
};

struct policy_exception {
	struct policy_selector select;
	enum policy_exception_field field;
	struct rule_cidr prefix; /* src, dst, xff */
	char *path;		 /* path */
	uint32_t path_len;
	uint16_t tenant; /* 0: every packet; else only that tenant's */
	unsigned line;
};

/* _(SYM, "name") */
#define foreach_policy_ratelimit_kind                                                              \
	_(NEW_CONNECTIONS, "new_connections")                                                      \
	_(HTTP_REQUESTS, "http_requests")

enum policy_ratelimit_kind {
#define _(sym, name) POLICY_RATELIMIT_##sym,
	foreach_policy_ratelimit_kind
#undef _
	    POLICY_RATELIMIT_KIND_COUNT
};

enum policy_ratelimit_key {
	POLICY_RATELIMIT_PER_SRC, /* the packet's source address */
	POLICY_RATELIMIT_PER_XFF, /* the X-Forwarded-For client of an HTTP request */
};

struct policy_ratelimit {
	enum policy_ratelimit_kind kind;
	enum policy_ratelimit_key per;
	uint32_t count;	   /* events allowed per window */
	uint32_t window_s; /* sliding window */
	uint32_t block_s;  /* how long a source over the rate stays blocked */
	unsigned line;
	char text[96]; /* canonical form, for the blocked list */
};

struct policy;

/*
 * Parse policy text (name is used in messages, and to resolve include
 * relative to it). Returns 0 with *out set, or -EINVAL / -ENOMEM / -errno
 * with "NAME:LINE:COL: what is wrong" in err; nothing is built on error.
 * Any thread; build time.
 */
int policy_parse(const char *name, const char *text, size_t len, struct policy **out, char *err,
		 size_t err_len);

/* Read and parse the file at path (as policy_parse). */
int policy_load(const char *path, struct policy **out, char *err, size_t err_len);

void policy_free(struct policy *policy);

/* What applying a policy did, for --check. */
struct policy_report {
	unsigned disabled;   /* rules removed */
	unsigned overridden; /* rules whose action changed */
	unsigned excepted;   /* rules that carry at least one exception */
	unsigned scoped;     /* rules that differ for at least one tenant */
};

/*
 * Apply the policy to parsed rules when a ruleset is built: threshold
 * lines first (parser resolves their ip variables), then enable/disable
 * (disabled rules are freed and the array compacted: *count shrinks; a
 * rule that a tenant enables stays, off for everyone else), action
 * overrides, the exception lists of each rule (rule->policy->exceptions)
 * and what differs for each tenant (rule->policy->tenants). Returns 0 or
 * -EINVAL / -ENOMEM with "FILE:LINE: error: ..." in err. Build time only.
 */
int policy_apply(const struct policy *policy, struct rule_parser *parser, struct rule **rules,
		 unsigned *count, struct policy_report *report, char *err, size_t err_len);

/* Precedence helpers, exported for the unit tests and --check. */
bool policy_selector_match(const struct policy_selector *select, const struct rule *rule);
/* The rule stays in after the policy's enable/disable statements. */
bool policy_rule_enabled(const struct policy *policy, const struct rule *rule);
/* The rule's action after the policy's action statements. */
enum rule_action policy_rule_action(const struct policy *policy, const struct rule *rule);
/* The same for one tenant's packets (tenant 0: as above); rules as written, before policy_apply. */
bool policy_tenant_rule_enabled(const struct policy *policy, uint16_t tenant,
				const struct rule *rule);
enum rule_action policy_tenant_rule_action(const struct policy *policy, uint16_t tenant,
					   const struct rule *rule);

/*
 * What a verdict-time exception check needs to know of the packet: its
 * addresses and, inside an HTTP request, the normalised http.uri and the
 * X-Forwarded-For client.
 */
struct policy_packet_view {
	const uint8_t *src, *dst; /* 16 bytes, IPv4 in the first 4 */
	int family;		  /* 4 or 6 */
	const uint8_t *uri;	  /* NULL: not in an HTTP request */
	uint32_t uri_len;
	const uint8_t *xff; /* 16 bytes; NULL: no X-Forwarded-For client */
	int xff_family;
	uint16_t tenant; /* policy_tenant_find(); 0: none */
};

/*
 * True when one of the rule's exceptions covers the packet: the rule then
 * does not fire (no alert, no action, no flowbits). Per-packet path, but
 * only for rules that matched; reads only.
 */
bool policy_excepted(const struct policy *policy, const struct rule *rule,
		     const struct policy_packet_view *view);

/*
 * The tenant a packet peeled from a tunnel belongs to: its number (1 or
 * more), or 0 when no tenant block names it (or tunnel is NULL, or the
 * policy NULL). Per-packet path, but asked once per flow at most
 * (dataplane/detect caches a GENEVE flow's); a binary search, reads only.
 */
uint16_t policy_tenant_find(const struct policy *policy, const struct packet_tunnel *tunnel);

/*
 * A matched rule as the tenant (0: none) sees it: false when the rule is
 * off for it; else *action is the action in force for it (left as it is
 * when the tenant changes nothing). Only for rules with
 * rule->policy->tenant_count; per-packet path, reads only.
 */
bool policy_tenant_rule(const struct rule *rule, uint16_t tenant, enum rule_action *action);

/* The tenant's block says "mode ids": its rule verdicts are not enforced. */
bool policy_tenant_ids(const struct policy *policy, uint16_t tenant);

/* Tenant blocks, numbered 1..count; a tenant's identity as written ("vni 800 801"). */
unsigned policy_tenant_count(const struct policy *policy);
const char *policy_tenant_name(const struct policy *policy, uint16_t tenant);

/* The rate-limit statements, in file order. */
unsigned policy_ratelimit_count(const struct policy *policy);
const struct policy_ratelimit *policy_ratelimit_get(const struct policy *policy, unsigned index);

/* Statement counts for summaries: enable/disable, action, except, ratelimit, threshold lines. */
void policy_counts(const struct policy *policy, unsigned counts[5]);

/* The policy's main file text (it shapes the compiled databases: part of the cache key). */
const char *policy_text(const struct policy *policy, size_t *len);

/* The file it came from. */
const char *policy_name(const struct policy *policy);

#endif
