/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building the compiled ruleset (see ruleset.h): parse, order, pick each
 * rule's fast pattern, group patterns by buffer and direction, compile one
 * Hyperscan database per group (or load it from the cache). The per-packet
 * scans are rules/match/ruleset_scan.c; matching a candidate's remaining
 * options is rules/match/match.c; verdicts and alerts are the dataplane's.
 *
 * Why literals and SINGLEMATCH: fast patterns are plain byte strings, and a
 * candidate only needs to be named once per scan; the full option chain
 * (positions, pcre, byte tests) then runs once per candidate.
 *
 * Transforms: a rule's contents are written for its buffer after its
 * transforms ("http.uri; url_decode; content:\"(\";", "dns.query;
 * dotprefix; content:\".evil.com\"; endswith;"), so its fast pattern must
 * be looked for there too, not in the raw bytes. Rules whose fast-pattern
 * buffer has transforms go into a group of their own per (buffer, transform
 * chain), whose scan transforms the buffer once (struct ruleset_chain).
 *
 * Prefilters: a rule with no usable content but a pcre on an application
 * buffer gets the pcre itself as its pattern, compiled with
 * HS_FLAG_PREFILTER: Hyperscan then matches a superset of what the pcre
 * matches (back-references, lookarounds and bounded repeats widened), so
 * the rule is a candidate whenever it could match and PCRE2 still decides.
 * Without it such rules run on every HTTP transaction.
 */
#define _GNU_SOURCE /* qsort_r */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hs.h>

#include "rules/lang/content.h"
#include "rules/match/match.h"
#include "platform/array.h"
#include "platform/clock.h"
#include "rules/ruleset.h"
#include "rules/compile/ruleset_internal.h"
#include "rules/lang/threshold_config.h"

/* --- building: patterns per group ------------------------------------ */

struct pattern {
	uint8_t *bytes; /* a literal, or NULL for a regex */
	uint32_t len;
	bool nocase;
	char *regex; /* a pcre prefilter (HS_FLAG_PREFILTER); NULL for a literal */
	uint32_t *rules;
	unsigned rule_count, rule_cap;
};

struct group_builder {
	struct pattern *patterns;
	unsigned count, cap;
	uint32_t *always;
	unsigned always_count, always_cap;
	struct addr_index_builder addresses;
	unsigned address_rule_count;
	unsigned regex_count;
};

/* A (buffer, transform chain) being built; see struct ruleset_chain. */
struct chain_builder {
	const struct rule *rule;
	unsigned buffer;
	struct group_builder group[RULESET_DIRECTIONS];
};

struct ruleset_builder {
	struct group_builder plain[RULE_BUFFER_COUNT][RULESET_DIRECTIONS];
	struct chain_builder *chains;
	unsigned chain_count, chain_cap;
};

static int push_u32(uint32_t **array, unsigned *count, unsigned *cap, uint32_t value)
{
	if (ARRAY_GROW(*array, *count, *cap, 8) < 0)
		return -ENOMEM;
	(*array)[(*count)++] = value;
	return 0;
}

static bool pattern_equal(const struct pattern *p, const uint8_t *bytes, uint32_t len, bool nocase)
{
	if (!p->bytes || p->len != len || p->nocase != nocase)
		return false;
	if (!nocase)
		return memcmp(p->bytes, bytes, len) == 0;
	for (uint32_t i = 0; i < len; i++)
		if (tolower(p->bytes[i]) != tolower(bytes[i]))
			return false;
	return true;
}

/*
 * The pattern's id in the group, added on first sight. Linear search from
 * the end is enough here: rules sharing a fast pattern are usually written
 * next to each other, and this runs once per load.
 */
static struct pattern *group_new_pattern(struct group_builder *g)
{
	if (ARRAY_GROW(g->patterns, g->count, g->cap, 64) < 0)
		return NULL;
	struct pattern *p = &g->patterns[g->count++];
	memset(p, 0, sizeof(*p));
	return p;
}

static int group_add_pattern(struct group_builder *g, const uint8_t *bytes, uint32_t len,
			     bool nocase, uint32_t rule)
{
	struct pattern *p = NULL;
	unsigned scanned = 0;
	for (unsigned i = g->count; i-- > 0 && scanned < 64; scanned++)
		if (pattern_equal(&g->patterns[i], bytes, len, nocase))
			p = &g->patterns[i];
	if (!p) {
		p = group_new_pattern(g);
		if (!p || !(p->bytes = malloc(len)))
			return -ENOMEM;
		memcpy(p->bytes, bytes, len);
		p->len = len;
		p->nocase = nocase;
	}
	return push_u32(&p->rules, &p->rule_count, &p->rule_cap, rule);
}

/* A pcre prefilter as a pattern of the group; rules with the same regex share it. */
static int group_add_regex(struct group_builder *g, const char *regex, uint32_t rule)
{
	struct pattern *p = NULL;
	for (unsigned i = g->count; i-- > 0 && !p;)
		if (g->patterns[i].regex && strcmp(g->patterns[i].regex, regex) == 0)
			p = &g->patterns[i];
	if (!p) {
		p = group_new_pattern(g);
		if (!p || !(p->regex = strdup(regex)))
			return -ENOMEM;
		g->regex_count++;
	}
	return push_u32(&p->rules, &p->rule_count, &p->rule_cap, rule);
}

static void group_builder_free(struct group_builder *g)
{
	for (unsigned i = 0; i < g->count; i++) {
		free(g->patterns[i].bytes);
		free(g->patterns[i].regex);
		free(g->patterns[i].rules);
	}
	free(g->patterns);
	free(g->always);
	addr_index_builder_free(&g->addresses);
	memset(g, 0, sizeof(*g));
}

/*
 * A statement of a multi-buffer that matches on its own (rule.instance_groups):
 * the instance it needs may come before the one holding the fast pattern, so
 * none of its options names the rule's candidates; the rule is then found
 * by another buffer, or on every instance, and waits for the others.
 */
static bool rule_option_grouped(const struct rule *rule, const struct rule_option *option)
{
	return option->instance && (rule->instance_groups & (1u << option->instance));
}

/*
 * The rule's fast pattern: the content marked fast_pattern, else the
 * longest non-negated content (longer literals give fewer false candidates).
 */
static int rule_fast_pattern(const struct rule *rule, struct rule_content_view *best)
{
	int index = -1;
	for (unsigned i = 0; i < rule->option_count; i++) {
		struct rule_content_view view;
		if (!rule_content_view(&rule->options[i], &view) || view.negated || view.len == 0 ||
		    rule_option_grouped(rule, &rule->options[i]))
			continue;
		/* header buffers are a few bytes, set on every packet and never
		 * scanned: a rule on them alone is found by its addresses */
		if (RULE_BUFFER_IS_HEADER(rule->options[i].buffer))
			continue;
		/* after base64_data or a later transform: bytes the scan never sees */
		if (!rule_option_sees_raw_view(rule, i))
			continue;
		if (view.fast_pattern) {
			*best = view;
			return (int)i;
		}
		if (index < 0 || view.len > best->len) {
			*best = view;
			index = (int)i;
		}
	}
	if (index >= 0 && !best->fast_pattern) {
		best->fast_offset = 0;
		best->fast_len = best->len;
	}
	return index;
}

/* Does buffer b share its mask bit with another buffer? */
static bool rule_buffer_bit_shared(int b)
{
	return b >= RULE_BUFFER_EXACT_BITS &&
	       RULE_BUFFER_COUNT - RULE_BUFFER_EXACT_BITS > 128 - RULE_BUFFER_EXACT_BITS;
}

/*
 * Buffer of a rule with no fast pattern: its first application buffer
 * (the packet's own buffers are all found through pkt_data's group).
 */
static int rule_home_buffer(const struct rule *rule)
{
	/* The lowest-numbered buffer the rule uses. buffers_used says it
	 * where a bit is a buffer's own; where bits are shared
	 * (rules/lang/buffer.h) the rule's options say it. */
	int home = RULE_BUFFER_COUNT;
	for (unsigned i = 0; i < rule->option_count; i++) {
		int b = (int)rule->options[i].buffer;
		if (b > RULE_BUFFER_PACKET_LAST && b < home)
			home = b;
	}
	for (int b = RULE_BUFFER_PACKET_LAST + 1; b < home; b++)
		if (!rule_buffer_bit_shared(b) && (rule->buffers_used & RULE_BUFFER_BIT(b)))
			return b;
	if (home < RULE_BUFFER_COUNT)
		return home;
	for (int b = RULE_BUFFER_PACKET_LAST + 1; b < RULE_BUFFER_COUNT; b++)
		if (rule->buffers_used & RULE_BUFFER_BIT(b))
			return b;
	return RULE_BUFFER_PKT_DATA;
}

/*
 * The address set to index a rule without a fast pattern by: the side with
 * explicit prefixes, the longer list when both have them ($HOME_NET is a
 * few broad prefixes; a block list is many narrow ones). NULL: neither.
 */
static const struct rule_addr_set *rule_index_side(const struct rule *rule)
{
	bool src = addr_index_usable(&rule->src_addr), dst = addr_index_usable(&rule->dst_addr);
	if (src && dst)
		return rule->src_addr.include_count >= rule->dst_addr.include_count
			   ? &rule->src_addr
			   : &rule->dst_addr;
	return src ? &rule->src_addr : dst ? &rule->dst_addr : NULL;
}

/* A rule without a fast pattern: into the group's address index, or its always list. */
static int group_add_unpatterned(struct group_builder *g, const struct rule *rule, uint32_t index)
{
	const struct rule_addr_set *side = rule_index_side(rule);
	if (side) {
		g->address_rule_count++;
		return addr_index_add(&g->addresses, side, index);
	}
	return push_u32(&g->always, &g->always_count, &g->always_cap, index);
}

/*
 * Whether Hyperscan takes regex as a prefilter: it parses, and it cannot
 * match an empty buffer (Hyperscan refuses those, and such a regex says
 * nothing about the buffer anyway). A refused one leaves its rule on the
 * always list. hs_expression_info() does not compile; the rare regex it
 * passes and the compiler still refuses is handled by group_compile_mode().
 */
static bool prefilter_usable(const char *regex)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *error = NULL;
	if (hs_expression_info(regex, HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH, &info, &error) !=
	    HS_SUCCESS) {
		hs_free_compile_error(error);
		return false;
	}
	bool usable = info->min_width > 0;
	free(info);
	return usable;
}

/*
 * The prefilter of a rule without a fast pattern: its first pcre that must
 * match somewhere in an application buffer (kw_pcre_prefilter) and that
 * Hyperscan takes. A prefilter matches wherever the pcre does (and maybe
 * more), so the rule is a candidate whenever it could match. Not on
 * pkt_data: TCP payload is also scanned as a stream, where a window's old
 * bytes must not name rules again, and a prefilter's match end says nothing
 * of where the pcre's would be. Returns the option's index, or -1.
 */
static int rule_prefilter(const struct rule *rule, const char **regex)
{
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		if (option->buffer <= RULE_BUFFER_PACKET_LAST || rule_option_grouped(rule, option))
			continue;
		const char *r = kw_pcre_prefilter(option);
		if (r && rule_option_sees_raw_view(rule, i) && prefilter_usable(r)) {
			*regex = r;
			return (int)i;
		}
	}
	return -1;
}

/* The chain builder of rule's transforms on buffer, added on first sight. */
static struct chain_builder *builder_chain(struct ruleset_builder *b, const struct rule *rule,
					   unsigned buffer)
{
	for (unsigned i = 0; i < b->chain_count; i++)
		if (b->chains[i].buffer == buffer &&
		    rule_transforms_same(b->chains[i].rule, rule, buffer))
			return &b->chains[i];
	if (ARRAY_GROW(b->chains, b->chain_count, b->chain_cap, 8) < 0)
		return NULL;
	struct chain_builder *c = &b->chains[b->chain_count++];
	memset(c, 0, sizeof(*c));
	c->rule = rule;
	c->buffer = buffer;
	return c;
}

/*
 * Put a rule where its candidates come from: its fast pattern (or pcre
 * prefilter) into the group of its buffer, or of (buffer, transforms) when
 * the rule transforms that buffer, since the pattern is written for the
 * transformed bytes; without one, the plain group's address index or
 * always list. Transformed pkt_data has no group (streams cannot be
 * transformed): such a rule is checked like one without a fast pattern.
 */
static int rule_assign(struct ruleset_builder *b, const struct rule *rule, uint32_t index)
{
	struct rule_content_view fp = {0};
	const char *regex = NULL;
	int option = rule_fast_pattern(rule, &fp);
	int buffer = option >= 0 ? rule->options[option].buffer : rule_home_buffer(rule);
	if (option >= 0 && buffer == RULE_BUFFER_PKT_DATA && rule_has_transforms(rule, buffer)) {
		option = -1;
		buffer = rule_home_buffer(rule);
	}
	/* A fast pattern in pkt_data of a rule that also reads an application
	 * buffer (dcerpc.opnum, dns.opcode with a content on the payload) holds
	 * only where a unit carries that buffer, with pkt_data at hand there;
	 * pkt_data's own pass has no unit: its candidates come from the units. */
	if (option >= 0 && buffer == RULE_BUFFER_PKT_DATA &&
	    rule_home_buffer(rule) != RULE_BUFFER_PKT_DATA) {
		option = -1;
		buffer = rule_home_buffer(rule);
	}
	if (option < 0 && !rule_index_side(rule)) {
		option = rule_prefilter(rule, &regex);
		if (option >= 0)
			buffer = rule->options[option].buffer;
	}
	struct chain_builder *chain = NULL;
	if (option >= 0 && rule_has_transforms(rule, buffer)) {
		chain = builder_chain(b, rule, buffer);
		if (!chain)
			return -ENOMEM;
	}
	bool to_server = !(rule->flow_flags & RULE_FLOW_TO_CLIENT);
	bool to_client = !(rule->flow_flags & RULE_FLOW_TO_SERVER);

	for (int d = 0; d < RULESET_DIRECTIONS; d++) {
		if ((d == RULESET_TO_SERVER && !to_server) ||
		    (d == RULESET_TO_CLIENT && !to_client))
			continue;
		struct group_builder *g = chain ? &chain->group[d] : &b->plain[buffer][d];
		int rc;
		if (regex)
			rc = group_add_regex(g, regex, index);
		else if (option >= 0)
			rc = group_add_pattern(g, fp.bytes + fp.fast_offset, fp.fast_len, fp.nocase,
					       index);
		else
			rc = group_add_unpatterned(g, rule, index);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Copy a builder's lists into the immutable group (CSR layout). */
static int group_finish(struct ruleset_group *group, struct group_builder *g)
{
	int rc = addr_index_finish(&g->addresses, &group->by_address);
	if (rc < 0)
		return rc;
	unsigned total = 0;
	for (unsigned i = 0; i < g->count; i++)
		total += g->patterns[i].rule_count;
	group->pattern_count = g->count;
	group->pattern_first = calloc(g->count + 1, sizeof(uint32_t));
	group->pattern_rules = calloc(total ? total : 1, sizeof(uint32_t));
	group->always = calloc(g->always_count ? g->always_count : 1, sizeof(uint32_t));
	if (!group->pattern_first || !group->pattern_rules || !group->always)
		return -ENOMEM;
	unsigned n = 0;
	for (unsigned i = 0; i < g->count; i++) {
		group->pattern_first[i] = n;
		if (g->patterns[i].rule_count)
			memcpy(group->pattern_rules + n, g->patterns[i].rules,
			       g->patterns[i].rule_count * sizeof(uint32_t));
		n += g->patterns[i].rule_count;
	}
	group->pattern_first[g->count] = n;
	if (g->always_count) /* g->always may be NULL when empty */
		memcpy(group->always, g->always, g->always_count * sizeof(uint32_t));
	group->always_count = g->always_count;
	return 0;
}

/* A literal as a regex matching exactly its bytes, for databases that mix in prefilters. */
static char *literal_regex(const struct pattern *p)
{
	char *out = malloc((size_t)p->len * 4 + 1);
	if (!out)
		return NULL;
	for (uint32_t i = 0; i < p->len; i++)
		snprintf(out + 4 * i, 5, "\\x%02x", p->bytes[i]);
	out[4 * p->len] = '\0';
	return out;
}

/* Hyperscan's flags for pattern i of g in mode; see group_compile_mode(). */
static unsigned pattern_flags(const struct pattern *p, unsigned mode)
{
	unsigned flags = mode == HS_MODE_BLOCK ? HS_FLAG_SINGLEMATCH : 0;
	if (p->regex)
		return flags | HS_FLAG_PREFILTER;
	return flags | (p->nocase ? HS_FLAG_CASELESS : 0);
}

/*
 * Compile the group's patterns in mode into *db. Block databases name a
 * candidate once per scan (SINGLEMATCH); stream databases must report a
 * pattern every time it recurs in a long-lived stream, so they do not.
 * Literals alone go to Hyperscan's literal API; a group with pcre
 * prefilters is compiled as regexes, its literals escaped byte by byte.
 */
static int group_compile_mode(hs_database_t **db, const struct group_builder *g, unsigned mode,
			      char *err, size_t err_len)
{
	const char **exprs = calloc(g->count, sizeof(*exprs));
	char **owned = calloc(g->count, sizeof(*owned));
	unsigned *flags = calloc(g->count, sizeof(*flags));
	unsigned *ids = calloc(g->count, sizeof(*ids));
	size_t *lens = calloc(g->count, sizeof(*lens));
	int rc = -ENOMEM;
	if (!exprs || !owned || !flags || !ids || !lens)
		goto out;
	for (unsigned i = 0; i < g->count; i++) {
		const struct pattern *p = &g->patterns[i];
		exprs[i] = p->regex ? p->regex : (const char *)p->bytes;
		if (g->regex_count && !p->regex) {
			owned[i] = literal_regex(p);
			if (!owned[i])
				goto out;
			exprs[i] = owned[i];
		}
		lens[i] = p->len;
		ids[i] = i;
		flags[i] = pattern_flags(p, mode);
	}
	hs_compile_error_t *compile_error = NULL;
	hs_error_t hs_rc;
	for (;;) {
		hs_rc = g->regex_count ? hs_compile_multi(exprs, flags, ids, g->count, mode, NULL,
							  db, &compile_error)
				       : hs_compile_lit_multi(exprs, flags, ids, lens, g->count,
							      mode, NULL, db, &compile_error);
		int bad = hs_rc == HS_SUCCESS || !compile_error ? -1 : compile_error->expression;
		if (bad < 0 || bad >= (int)g->count || !g->patterns[bad].regex ||
		    !(flags[bad] & HS_FLAG_PREFILTER))
			break;
		/* A prefilter the compiler refuses (too large, ...): its rules are
		 * named by any byte, as good as the always list (their pcre cannot
		 * match an empty buffer), and the group's layout, hence the cache,
		 * stays the same. */
		hs_free_compile_error(compile_error);
		compile_error = NULL;
		exprs[bad] = "(?s).";
		flags[bad] = HS_FLAG_SINGLEMATCH;
	}
	if (hs_rc != HS_SUCCESS) {
		snprintf(err, err_len, "Hyperscan refused the fast patterns: %s",
			 compile_error ? compile_error->message : "unknown error");
		hs_free_compile_error(compile_error);
		rc = -EINVAL;
		goto out;
	}
	rc = 0;
out:
	for (unsigned i = 0; owned && i < g->count; i++)
		free(owned[i]);
	free(owned);
	free(exprs);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

/* pkt_data groups also get a streaming database, for raw TCP streams. */
static int group_compile(struct ruleset_group *group, const struct group_builder *g, int buffer,
			 char *err, size_t err_len)
{
	if (g->count == 0)
		return 0;
	int rc = group_compile_mode(&group->db, g, HS_MODE_BLOCK, err, err_len);
	if (rc == 0 && buffer == RULE_BUFFER_PKT_DATA)
		rc = group_compile_mode(&group->stream_db, g, HS_MODE_STREAM, err, err_len);
	return rc;
}

/* --- order ------------------------------------------------------------ */

static int rule_order(const void *a, const void *b, void *arg)
{
	const struct rule *x = *(const struct rule *const *)a, *y = *(const struct rule *const *)b;
	const uint8_t *rank = arg;
	int rx = rank ? rank[x->action] : (int)x->action;
	int ry = rank ? rank[y->action] : (int)y->action;
	if (rx != ry)
		return rx - ry;
	/* a rule without priority or classtype has Suricata's default, 3 */
	int px = x->priority ? x->priority : 3, py = y->priority ? y->priority : 3;
	if (px != py)
		return px - py;
	return (x->sid > y->sid) - (x->sid < y->sid);
}

/* --- build ------------------------------------------------------------ */

/* A copy of count names given by name(parser, i); NULL when count is 0. */
static int ruleset_copy_names(const struct rule_parser *parser, unsigned count,
			      const char *(*name)(const struct rule_parser *, unsigned),
			      char ***out)
{
	*out = NULL;
	if (!count)
		return 0;
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (unsigned i = 0; i < count; i++) {
		(*out)[i] = strdup(name(parser, i));
		if (!(*out)[i])
			return -ENOMEM;
	}
	return 0;
}

/* Flowbit and flow variable names outlive the parser: alerts name them. */
static int ruleset_keep_flow_names(struct ruleset *rs, const struct rule_parser *parser)
{
	rs->flowvar_count = rule_parser_flowvar_count(parser);
	int rc = ruleset_copy_names(parser, rs->flowbit_count, rule_parser_flowbit_name,
				    &rs->flowbit_names);
	if (rc == 0)
		rc = ruleset_copy_names(parser, rs->flowvar_count, rule_parser_flowvar_name,
					&rs->flowvar_names);
	return rc;
}

void ruleset_classification_path(const struct ruleset_options *o, char *path, size_t len)
{
	path[0] = '\0';
	if (o->classification) {
		snprintf(path, len, "%s", o->classification);
	} else if (o->file_count) {
		const char *slash = strrchr(o->files[0], '/');
		int dir_len = slash ? (int)(slash - o->files[0]) : 1;
		snprintf(path, len, "%.*s/classification.config", dir_len,
			 slash ? o->files[0] : ".");
		if (access(path, R_OK) != 0)
			path[0] = '\0';
	}
}

static int ruleset_parse(const struct ruleset_options *o, struct rule_parser *parser,
			 struct rule_list *list, char *err, size_t err_len)
{
	char classification[512];
	rule_parser_set_ipsets(parser, o->ipsets);
	ruleset_classification_path(o, classification, sizeof(classification));
	if (classification[0]) {
		int rc = rule_parser_load_classification(parser, classification, err, err_len);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < o->var_count; i++) {
		const char *eq = strchr(o->vars[i], '=');
		char name[128];
		if (!eq || eq == o->vars[i] || (size_t)(eq - o->vars[i]) >= sizeof(name)) {
			snprintf(err, err_len, "variable \"%s\": expected NAME=VALUE", o->vars[i]);
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq - o->vars[i]), o->vars[i]);
		if (rule_parser_set_var(parser, name, eq + 1) < 0) {
			snprintf(err, err_len, "variable %s: bad value \"%s\"", name, eq + 1);
			return -EINVAL;
		}
	}
	double start = clock_monotonic_seconds();
	for (unsigned i = 0; i < o->file_count; i++) {
		int rc = rule_parser_load_file(parser, o->files[i], list);
		if (rc < 0) {
			snprintf(err, err_len, "%s: error: cannot read: %s", o->files[i],
				 strerror(-rc));
			return rc;
		}
		if (o->progress)
			o->progress(o->progress_arg,
				    &(struct ruleset_progress){"parsing", i + 1, o->file_count,
							       list->count,
							       clock_monotonic_seconds() - start});
	}
	/* after every file: a sid given again in another file is a duplicate too */
	return rule_list_refuse_duplicates(list);
}

/* Keep the description of every classtype the rules use, for EVE's alert.category. */
static int ruleset_keep_classtypes(struct ruleset *rs, const struct rule_parser *parser)
{
	for (unsigned i = 0; i < rs->rule_count; i++) {
		const char *name = rs->rules[i]->classtype;
		if (!name || ruleset_classtype_text(rs, name) != name)
			continue;
		const char *text = rule_parser_classtype_text(parser, name);
		if (!text)
			continue;
		struct ruleset_classtype *grown =
		    realloc(rs->classtypes, (rs->classtype_count + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		rs->classtypes = grown;
		grown[rs->classtype_count].name = strdup(name);
		grown[rs->classtype_count].text = strdup(text);
		if (!grown[rs->classtype_count].name || !grown[rs->classtype_count].text)
			return -ENOMEM;
		rs->classtype_count++;
	}
	return 0;
}

const char *ruleset_classtype_text(const struct ruleset *rs, const char *classtype)
{
	if (!rs)
		return classtype;
	for (unsigned i = 0; i < rs->classtype_count; i++)
		if (strcmp(rs->classtypes[i].name, classtype) == 0)
			return rs->classtypes[i].text;
	return classtype;
}

static void report_take_errors(struct ruleset_report *report, struct rule_list *list)
{
	report->errors = list->errors;
	report->error_count = list->error_count;
	report->read = list->read;
	list->errors = NULL;
	list->error_count = 0;
}

static void report_count_group(struct ruleset_report *report, const struct group_builder *g,
			       bool transformed)
{
	report->patterns += g->count;
	report->prefilter_patterns += g->regex_count;
	if (transformed)
		report->transformed_patterns += g->count;
	report->always_rules += g->always_count;
	report->address_rules += g->address_rule_count;
}

/* The chains' immutable groups, in the order the builder found them. */
static int ruleset_finish_chains(struct ruleset *rs, struct ruleset_report *report,
				 struct ruleset_builder *b)
{
	if (!b->chain_count)
		return 0;
	rs->chains = calloc(b->chain_count, sizeof(*rs->chains));
	if (!rs->chains)
		return -ENOMEM;
	rs->chain_count = b->chain_count;
	report->transform_chains = b->chain_count;
	for (unsigned i = 0; i < b->chain_count; i++) {
		rs->chains[i].rule = b->chains[i].rule;
		rs->chains[i].buffer = b->chains[i].buffer;
		for (int d = 0; d < RULESET_DIRECTIONS; d++) {
			report_count_group(report, &b->chains[i].group[d], true);
			int rc = group_finish(&rs->chains[i].group[d], &b->chains[i].group[d]);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int ruleset_group_all(struct ruleset *rs, struct ruleset_report *report,
			     struct ruleset_builder *b)
{
	for (unsigned i = 0; i < rs->rule_count; i++) {
		const struct rule *rule = rs->rules[i];
		int rc = rule_assign(b, rule, i);
		if (rc < 0)
			return rc;
		rs->buffers_used |= rule->buffers_used;
		for (int buffer = 0; buffer < RULE_BUFFER_COUNT; buffer++)
			if (rule->buffers_used & RULE_BUFFER_BIT(buffer))
				rs->buffers_with[buffer] |= rule->buffers_used;
		if (rule_proto_is_app(rule->proto) || (rule->buffers_used & ~RULE_BUFFERS_PACKET))
			report->app_layer_rules++;
	}
	for (int buffer = 0; buffer < RULE_BUFFER_COUNT; buffer++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++) {
			report_count_group(report, &b->plain[buffer][d], false);
			int rc = group_finish(&rs->group[buffer][d], &b->plain[buffer][d]);
			if (rc < 0)
				return rc;
		}
	return ruleset_finish_chains(rs, report, b);
}

/* One database compiled: count its patterns and tell the caller, if it asked. */
static void ruleset_compile_progress(const struct ruleset_options *o,
				     struct ruleset_progress *where, unsigned patterns,
				     double start)
{
	if (!o->progress || patterns == 0)
		return;
	where->done += patterns;
	where->elapsed_s = clock_monotonic_seconds() - start;
	o->progress(o->progress_arg, where);
}

static int ruleset_compile_all(struct ruleset *rs, const struct ruleset_options *o,
			       struct ruleset_report *report, const struct ruleset_builder *b,
			       char *err, size_t err_len)
{
	double start = clock_monotonic_seconds();
	uint8_t key[32];
	bool keyed = o->cache_dir && ruleset_cache_key(o, key) == 0;

	if (keyed && ruleset_cache_load(rs, o->cache_dir, key, report) == 0) {
		report->cache_hit = true;
		report->compile_seconds = clock_monotonic_seconds() - start;
		return 0;
	}
	/* Progress in patterns: a database's compile time grows with them. */
	struct ruleset_progress where = {"compiling", 0, 0, rs->rule_count, 0};
	for (int buffer = 0; buffer < RULE_BUFFER_COUNT; buffer++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			where.total += b->plain[buffer][d].count;
	for (unsigned i = 0; i < rs->chain_count; i++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			where.total += b->chains[i].group[d].count;
	for (int buffer = 0; buffer < RULE_BUFFER_COUNT; buffer++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++) {
			int rc = group_compile(&rs->group[buffer][d], &b->plain[buffer][d], buffer,
					       err, err_len);
			if (rc < 0)
				return rc;
			ruleset_compile_progress(o, &where, b->plain[buffer][d].count, start);
		}
	for (unsigned i = 0; i < rs->chain_count; i++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++) {
			int rc = group_compile(&rs->chains[i].group[d], &b->chains[i].group[d],
					       (int)rs->chains[i].buffer, err, err_len);
			if (rc < 0)
				return rc;
			ruleset_compile_progress(o, &where, b->chains[i].group[d].count, start);
		}
	report->compile_seconds = clock_monotonic_seconds() - start;
	if (keyed)
		ruleset_cache_store(rs, o->cache_dir, key, report);
	return 0;
}

static void ruleset_builder_free(struct ruleset_builder *b)
{
	for (int buffer = 0; buffer < RULE_BUFFER_COUNT; buffer++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			group_builder_free(&b->plain[buffer][d]);
	for (unsigned i = 0; i < b->chain_count; i++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			group_builder_free(&b->chains[i].group[d]);
	free(b->chains);
	memset(b, 0, sizeof(*b));
}

int ruleset_build(const struct ruleset_options *options, struct ruleset **out,
		  struct ruleset_report *report, char *err, size_t err_len)
{
	static struct ruleset_builder builder;
	struct rule_list list = {0};
	struct ruleset *rs = calloc(1, sizeof(*rs));
	struct rule_parser *parser = rule_parser_create();
	double start = clock_monotonic_seconds();
	int rc = -ENOMEM;

	memset(report, 0, sizeof(*report));
	memset(&builder, 0, sizeof(builder));
	err[0] = '\0';
	if (rs)
		rs->policy = options->policy;
	if (!rs || !parser)
		goto fail;
	rc = ruleset_parse(options, parser, &list, err, err_len);
	if (rc < 0)
		goto fail;
	if (options->threshold_file) {
		rc = threshold_config_apply(parser, options->threshold_file, list.rules, list.count,
					    err, err_len);
		if (rc < 0)
			goto fail;
	}
	if (rs->policy) {
		report->has_policy = true;
		rc = policy_apply(rs->policy, parser, list.rules, &list.count, &report->policy, err,
				  err_len);
		if (rc < 0)
			goto fail;
	}
	report_take_errors(report, &list);
	report->parse_seconds = clock_monotonic_seconds() - start;
	rs->rules = list.rules;
	rs->rule_count = report->loaded = list.count;
	rs->flowbit_count = rule_parser_flowbit_count(parser);
	rc = ruleset_keep_flow_names(rs, parser);
	if (rc < 0)
		goto fail;
	list.rules = NULL;
	list.count = 0;
	qsort_r(rs->rules, rs->rule_count, sizeof(*rs->rules), rule_order,
		(void *)options->action_rank);
	rc = ruleset_keep_classtypes(rs, parser);
	if (rc < 0)
		goto fail;

	rc = ruleset_group_all(rs, report, &builder);
	if (rc == 0)
		rc = ruleset_compile_all(rs, options, report, &builder, err, err_len);
fail:
	ruleset_builder_free(&builder);
	rule_list_clear(&list);
	if (parser)
		rule_parser_destroy(parser);
	if (rc < 0) {
		if (!err[0])
			snprintf(err, err_len, "ruleset: %s", strerror(-rc));
		if (rs)
			ruleset_free(rs);
		else
			policy_free(options->policy);
		return rc;
	}
	*out = rs;
	return 0;
}

static void group_free(struct ruleset_group *g)
{
	hs_free_database(g->db);
	hs_free_database(g->stream_db);
	free(g->pattern_first);
	free(g->pattern_rules);
	free(g->always);
	addr_index_free(&g->by_address);
}

void ruleset_free(struct ruleset *rs)
{
	if (!rs)
		return;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			group_free(&rs->group[b][d]);
	for (unsigned i = 0; i < rs->chain_count; i++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			group_free(&rs->chains[i].group[d]);
	free(rs->chains);
	for (unsigned i = 0; i < rs->rule_count; i++)
		rule_free(rs->rules[i]);
	for (unsigned i = 0; rs->flowbit_names && i < rs->flowbit_count; i++)
		free(rs->flowbit_names[i]);
	free(rs->flowbit_names);
	for (unsigned i = 0; rs->flowvar_names && i < rs->flowvar_count; i++)
		free(rs->flowvar_names[i]);
	free(rs->flowvar_names);
	for (unsigned i = 0; i < rs->classtype_count; i++) {
		free(rs->classtypes[i].name);
		free(rs->classtypes[i].text);
	}
	free(rs->classtypes);
	free(rs->rules);
	policy_free(rs->policy);
	free(rs);
}

rule_buffer_mask ruleset_buffers_used(const struct ruleset *rs)
{
	return rs->buffers_used;
}

rule_buffer_mask ruleset_buffers_with(const struct ruleset *rs, int buffer)
{
	return rs->buffers_with[buffer];
}

unsigned ruleset_rule_count(const struct ruleset *rs)
{
	return rs->rule_count;
}

const struct rule *ruleset_rule(const struct ruleset *rs, unsigned index)
{
	return rs->rules[index];
}

const struct policy *ruleset_policy(const struct ruleset *rs)
{
	return rs->policy;
}

unsigned ruleset_flowbit_count(const struct ruleset *rs)
{
	return rs->flowbit_count;
}

const char *ruleset_flowbit_name(const struct ruleset *rs, unsigned bit)
{
	return rs && bit < rs->flowbit_count && rs->flowbit_names ? rs->flowbit_names[bit] : NULL;
}

const char *ruleset_flowvar_name(const struct ruleset *rs, unsigned var)
{
	return rs && var < rs->flowvar_count && rs->flowvar_names ? rs->flowvar_names[var] : NULL;
}

/* --- report ----------------------------------------------------------- */

static int error_group_order(const void *a, const void *b)
{
	const struct rule_load_error *x = a, *y = b;
	return strcmp(x->group, y->group);
}

struct reason_count {
	const char *group;
	unsigned count;
	const struct rule_load_error *example;
};

static int reason_count_order(const void *a, const void *b)
{
	const struct reason_count *x = a, *y = b;
	return (int)y->count - (int)x->count;
}

void ruleset_report_print(FILE *out, const struct ruleset_report *r, bool list_each)
{
	qsort(r->errors, r->error_count, sizeof(*r->errors), error_group_order);
	struct reason_count *reasons = calloc(r->error_count + 1, sizeof(*reasons));
	unsigned n = 0;
	for (unsigned i = 0; i < r->error_count && reasons; i++) {
		if (n == 0 || strcmp(reasons[n - 1].group, r->errors[i].group) != 0)
			reasons[n++] = (struct reason_count){r->errors[i].group, 0, &r->errors[i]};
		reasons[n - 1].count++;
	}
	if (reasons)
		qsort(reasons, n, sizeof(*reasons), reason_count_order);
	if (r->error_count)
		fprintf(out, "rules not loaded, by reason:\n");
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "  %6u  %s  (e.g. %s:%u sid %u)\n", reasons[i].count, reasons[i].group,
			reasons[i].example->file, reasons[i].example->line,
			reasons[i].example->sid);
	free(reasons);
	if (list_each)
		for (unsigned i = 0; i < r->error_count; i++)
			fprintf(out, "%s:%u: sid %u: %s\n", r->errors[i].file, r->errors[i].line,
				r->errors[i].sid, r->errors[i].reason);
	fprintf(out,
		"parse %.2f s, %s %.2f s, %u fast patterns (%u on %u transformed buffers, %u pcre "
		"prefilters), %u rules found by address, %u rules "
		"checked on every packet, %u rules need the application layer%s%s\n",
		r->parse_seconds, r->cache_hit ? "cache load" : "compile", r->compile_seconds,
		r->patterns, r->transformed_patterns, r->transform_chains, r->prefilter_patterns,
		r->address_rules, r->always_rules, r->app_layer_rules, r->cache_note[0] ? "; " : "",
		r->cache_note);
	if (r->has_policy)
		fprintf(out,
			"policy: %u rules disabled, %u with their action changed, %u with "
			"exceptions, %u that differ for a tenant\n",
			r->policy.disabled, r->policy.overridden, r->policy.excepted,
			r->policy.scoped);
	fprintf(out, "loaded %u of %u rules\n", r->loaded, r->read);
}

void ruleset_report_clear(struct ruleset_report *r)
{
	for (unsigned i = 0; i < r->error_count; i++) {
		free(r->errors[i].file);
		free(r->errors[i].reason);
		free(r->errors[i].group);
	}
	free(r->errors);
	memset(r, 0, sizeof(*r));
}
