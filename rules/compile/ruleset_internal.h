/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inside of struct ruleset, shared by ruleset.c (build, lookup) and
 * ruleset_cache.c (on-disk cache of the compiled databases) and nobody
 * else.
 */
#ifndef VIGIL_RULES_RULESET_INTERNAL_H
#define VIGIL_RULES_RULESET_INTERNAL_H

#include <stdint.h>

#include <hs.h>

#include "rules/ruleset.h"

/* A prefix table from addresses to the rules naming them (ruleset_addr.c). */
struct addr_index_slot {
	uint8_t key[18]; /* family, prefix length, masked address */
	uint32_t first;	 /* into rules */
	uint32_t count;	 /* 0: empty slot */
};

struct addr_index {
	struct addr_index_slot *slots;
	uint32_t mask;
	uint32_t *rules;
	uint64_t lengths[2][3]; /* prefix lengths present, [IPv4, IPv6] bitmaps of 0..128 */
};

struct addr_index_builder {
	struct addr_pair *pairs;
	unsigned count, cap;
};

bool addr_index_usable(const struct rule_addr_set *set);
int addr_index_add(struct addr_index_builder *b, const struct rule_addr_set *set, uint32_t rule);
int addr_index_finish(struct addr_index_builder *b, struct addr_index *ix);
void addr_index_builder_free(struct addr_index_builder *b);
void addr_index_free(struct addr_index *ix);

/* Call add(arg, rule) for every rule whose indexed prefixes contain addr. Per-packet path. */
void addr_index_lookup(const struct addr_index *ix, const uint8_t *addr, int family,
		       void (*add)(void *arg, uint32_t rule), void *arg);

struct ruleset_group {
	hs_database_t *db;	  /* NULL: no fast patterns in this group */
	hs_database_t *stream_db; /* pkt_data only: the same patterns, streaming mode */
	unsigned pattern_count;
	uint32_t *pattern_first; /* pattern id -> first index in pattern_rules; count+1 entries */
	uint32_t *pattern_rules; /* rule indices, grouped by pattern */
	uint32_t *always;	 /* rules without a fast pattern, checked whenever the buffer is */
	unsigned always_count;
	struct addr_index by_address; /* rules without a fast pattern but with explicit addresses */
};

/*
 * Fast patterns (and pcre prefilters) of rules whose buffer has transforms
 * (url_decode, dotprefix, ...): one group per distinct (buffer, transform
 * chain), scanned over the buffer as those rules see it, transformed once
 * per scan. Their rules without a usable pattern stay in the buffer's
 * plain group (always list, address index), so these groups have neither.
 */
struct ruleset_chain {
	const struct rule *rule; /* the first rule with this chain: its transforms are run */
	unsigned buffer;
	struct ruleset_group group[RULESET_DIRECTIONS];
};

struct ruleset_classtype {
	char *name;
	char *text;
};

struct ruleset {
	struct rule **rules;
	unsigned rule_count;
	unsigned flowbit_count;
	char **flowbit_names; /* by flowbit id, for alerts */
	unsigned flowvar_count;
	char **flowvar_names;		      /* by flow variable id, for alerts */
	struct ruleset_classtype *classtypes; /* those the rules use, with their descriptions */
	unsigned classtype_count;
	struct ruleset_group group[RULE_BUFFER_COUNT][RULESET_DIRECTIONS];
	struct ruleset_chain *chains; /* transformed buffers, in order of first use */
	unsigned chain_count;
	struct policy *policy;	       /* owned; NULL: none */
	rule_buffer_mask buffers_used; /* of every rule: what no rule reads needs no unit */
	/* by buffer: the buffers of the rules that read it, together (a unit
	 * need not scan a buffer it carries again for rules on none of its new ones) */
	rule_buffer_mask buffers_with[RULE_BUFFER_COUNT];
};

struct ruleset_scratch {
	hs_scratch_t *hs;
	uint8_t *mark; /* one byte per rule: already a candidate */
	uint32_t *candidates;
	unsigned count;
	const struct ruleset_group *group; /* the group being scanned */
	uint32_t new_from;		   /* matches ending at or before this are old */
};

/* The classification file a load uses: the one named, else the one beside the first rules file, else "". */
void ruleset_classification_path(const struct ruleset_options *options, char *path, size_t len);

/* SHA-256 over everything that shapes the databases. Returns 0 or -errno. */
int ruleset_cache_key(const struct ruleset_options *options, uint8_t key[32]);

/*
 * Load the databases of key from dir into rs, whose groups already hold
 * their pattern lists (the counts must agree). Returns 0, or -ENOENT /
 * -EINVAL with report->cache_note saying why.
 */
int ruleset_cache_load(struct ruleset *rs, const char *dir, const uint8_t key[32],
		       struct ruleset_report *report);

/* Write rs's databases under key in dir (best effort; why it failed goes to report). */
void ruleset_cache_store(const struct ruleset *rs, const char *dir, const uint8_t key[32],
			 struct ruleset_report *report);

#endif
