/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiled ruleset: the rules that loaded, in evaluation order (Suricata's
 * action order, then priority, then sid), and per buffer and direction one
 * Hyperscan database of fast patterns whose matches name candidate rules,
 * plus a short always-checked list of rules that have no usable fast
 * pattern. Fast patterns are searched in the buffer as the rule sees it:
 * rules that transform their buffer (url_decode, dotprefix, ...) have one
 * database per (buffer, transforms), scanned over the transformed bytes;
 * pcre-only rules are found by a Hyperscan prefilter of their regex. Built off the fast path, then immutable: workers only read it,
 * each with its own scratch (ruleset_scratch), so it can be swapped whole.
 *
 * Compiled databases are cached on disk keyed by a SHA-256 of everything
 * that shapes them (rule files, classification, variables, Hyperscan
 * version), so a restart with the same rules skips the compile.
 */
#ifndef VIGIL_RULES_RULESET_H
#define VIGIL_RULES_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules/lang/parse.h"
#include "rules/policy/policy.h"
#include "rules/lang/rule.h"

enum ruleset_direction {
	RULESET_TO_SERVER,
	RULESET_TO_CLIENT,
	RULESET_DIRECTIONS,
};

struct ruleset;
struct ruleset_scratch;

/* Where a long build is: ruleset_options.progress's argument. */
struct ruleset_progress {
	const char *stage; /* "parsing" (done, total: files) or "compiling" (patterns) */
	unsigned done, total;
	unsigned rules;	  /* rules read so far */
	double elapsed_s; /* since the build started */
};

struct ruleset_options {
	const char *const *files;
	unsigned file_count;
	const char *classification; /* NULL: classification.config beside the first file, if any */
	const char *const *vars;    /* "NAME=value", e.g. "HOME_NET=[10.0.0.0/8]" */
	unsigned var_count;
	const char *cache_dir;	    /* NULL: no cache */
	const char *threshold_file; /* NULL: none; Suricata's threshold.config format */
	/* Operator policy (rules/policy/policy.h), NULL: none. The ruleset takes it
	 * over: freed with the ruleset, or by ruleset_build on failure. */
	struct policy *policy;
	/* Evaluation order of actions (rule_action_order_parse); NULL: Suricata's
	 * default, pass drop reject alert. */
	const uint8_t *action_rank;
	/* Named IP sets for "@NAME" in address lists (rules/lang/ipset_lookup.h);
	 * NULL: none, such rules are refused. Must outlive the ruleset. */
	const struct rule_ipset_lookup *ipsets;
	/* Called as the build goes (after each file parsed, each database
	 * compiled), on the building thread; NULL: none. What it shows is the
	 * caller's (a terminal line, a console progress line). */
	void (*progress)(void *arg, const struct ruleset_progress *where);
	void *progress_arg;
};

struct ruleset_report {
	unsigned read;	 /* enabled rules read */
	unsigned loaded; /* rules in the ruleset */
	struct rule_load_error *errors;
	unsigned error_count;
	unsigned patterns;	       /* distinct fast patterns over all databases */
	unsigned transformed_patterns; /* of those, on a transformed buffer */
	unsigned prefilter_patterns;   /* of those, pcre prefilters */
	unsigned transform_chains;     /* distinct (buffer, transforms) scanned transformed */
	unsigned always_rules;	       /* rules checked on every packet of their group */
	unsigned address_rules;	  /* rules found by address (block lists), per group they are in */
	unsigned app_layer_rules; /* loaded rules that need the application layer */
	double parse_seconds;
	double compile_seconds; /* Hyperscan compile, or cache load */
	bool cache_hit;
	char cache_note[160]; /* why the cache was not used or written, if so */
	bool has_policy;
	struct policy_report policy; /* what the policy file changed */
};

/*
 * Parse and compile the rule files of options. Rules that do not load are
 * listed in report (never skipped silently); the others form the ruleset.
 * Returns 0 with *out set, or a negative error with err set when nothing
 * usable came out (a file cannot be read, Hyperscan refused the patterns).
 * Start-up or control lcore.
 */
int ruleset_build(const struct ruleset_options *options, struct ruleset **out,
		  struct ruleset_report *report, char *err, size_t err_len);

/* Print the load report: refusals grouped by reason with counts, times, then "loaded N of M rules". */
void ruleset_report_print(FILE *out, const struct ruleset_report *report, bool list_each);

void ruleset_report_clear(struct ruleset_report *report);

void ruleset_free(struct ruleset *ruleset);

/* The rules, in evaluation order. */
unsigned ruleset_rule_count(const struct ruleset *ruleset);

/* The buffers some rule of the ruleset reads (OR of rule.buffers_used). Any thread. */
rule_buffer_mask ruleset_buffers_used(const struct ruleset *ruleset);
/* The buffers the rules that read buffer read, together (OR of their
 * rule.buffers_used; 0: no rule reads it). Any thread. */
rule_buffer_mask ruleset_buffers_with(const struct ruleset *ruleset, int buffer);
const struct rule *ruleset_rule(const struct ruleset *ruleset, unsigned index);

/* The operator policy the ruleset was built with (NULL: none); as immutable as the ruleset. */
const struct policy *ruleset_policy(const struct ruleset *ruleset);

/* Flowbit names the rules use (sizes per-flow bit arrays). */
unsigned ruleset_flowbit_count(const struct ruleset *ruleset);

/* The name of flowbit id bit, NULL when there is none. */
const char *ruleset_flowbit_name(const struct ruleset *ruleset, unsigned bit);

/* The name of flow variable id var (pcre captures), NULL when there is none. */
const char *ruleset_flowvar_name(const struct ruleset *ruleset, unsigned var);

/* The classtype description ("Attempted Administrator Privilege Gain") or the name. */
const char *ruleset_classtype_text(const struct ruleset *ruleset, const char *classtype);

/* Per-worker scratch: Hyperscan scratch and candidate marks. Returns 0 or -ENOMEM. */
int ruleset_scratch_create(const struct ruleset *ruleset, struct ruleset_scratch **out);
void ruleset_scratch_free(struct ruleset_scratch *scratch);

/*
 * Candidate rules for one buffer of one packet: scan data with the
 * database of (buffer, direction), add the group's always-checked rules.
 * Fast patterns that end at or before new_from are ignored: a stream
 * window starts with bytes inspected before (so that a pattern split across
 * segments is whole), and what lies wholly in them has had its turn.
 * Candidates accumulate in scratch across calls (several buffers of one
 * packet) without duplicates until ruleset_candidates_take().
 * Per-packet path, worker lcore owning scratch.
 */
void ruleset_scan(const struct ruleset *ruleset, struct ruleset_scratch *scratch, int buffer,
		  enum ruleset_direction direction, const uint8_t *data, uint32_t len,
		  uint32_t new_from);

/*
 * Candidate rules found by address: rules of (buffer, direction) without a
 * fast pattern whose header lists explicit addresses (block lists), looked
 * up by the packet's source and destination. Per-packet path.
 */
void ruleset_scan_addresses(const struct ruleset *ruleset, struct ruleset_scratch *scratch,
			    int buffer, enum ruleset_direction direction, const uint8_t *src,
			    const uint8_t *dst, int family);

/*
 * Raw TCP streams: pkt_data fast patterns in Hyperscan streaming mode, so a
 * pattern split across segments is found without rescanning old bytes.
 * Streams are opened ahead of time (start-up, per worker pool) and reset
 * for reuse; scanning adds candidates like ruleset_scan() (the group's
 * always-checked rules included). *out is NULL when the ruleset has no
 * pkt_data patterns in that direction. Returns 0 or -ENOMEM.
 */
struct hs_stream;
int ruleset_stream_open(const struct ruleset *ruleset, enum ruleset_direction direction,
			struct hs_stream **out);
void ruleset_stream_reset(struct hs_stream *stream, struct ruleset_scratch *scratch);
void ruleset_stream_close(struct hs_stream *stream, struct ruleset_scratch *scratch);
void ruleset_scan_stream(const struct ruleset *ruleset, struct ruleset_scratch *scratch,
			 enum ruleset_direction direction, struct hs_stream *stream,
			 const uint8_t *data, uint32_t len);

/* Add rules (indices) to the candidates, as if a scan had found them. Per-packet path. */
void ruleset_add_candidates(struct ruleset_scratch *scratch, const uint32_t *rules, unsigned count);

/*
 * The candidates gathered since the last take, in evaluation order; the
 * scratch is reset for the next packet. Returns the count; *rules points
 * into scratch (valid until the next scan).
 */
unsigned ruleset_candidates_take(struct ruleset_scratch *scratch, const uint32_t **rules);

#endif
