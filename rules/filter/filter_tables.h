/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter file compiled: the immutable struct filter_tables (rte_acl
 * contexts for the numbered ACL and the stateful rules, the IP sets'
 * lookup tables, the domain hash table, the spec as read) and the
 * classification keys, built by filter_tables.c and filter_sets.c off the
 * fast path. The filter stage (dataplane/filter/) publishes an object and
 * reads it per packet; nothing here knows about workers or flows.
 *
 * Keys are what rte_acl classifies: every field in network byte order, as
 * rte_acl wants its input. The IP sets a packet's addresses belong to are
 * found first (one longest-prefix lookup per address) and given to the ACL as a
 * bitmask field, so rules on @SET and rules on prefixes are one
 * classification.
 */
#ifndef VIGIL_RULES_FILTER_TABLES_H
#define VIGIL_RULES_FILTER_TABLES_H

#include <stdint.h>

#include <stdbool.h>
#include <stddef.h>

#include "rules/filter/filter_domain.h"
#include "rules/filter/filter_spec.h"

struct rte_acl_ctx;
struct rte_fib;
struct rte_fib6;
struct rte_hash;

/* meta field: direction bits and the ICMP type */
#define FILTER_META_INGRESS    0x1u
#define FILTER_META_EGRESS     0x2u
#define FILTER_META_ICMP_SHIFT 8
/* sets field: bit i = source in set i, bit 16 + i = destination in set i */
#define FILTER_SETS_DST_SHIFT 16

struct filter_key4 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t meta;
	uint32_t sets;
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
};

struct filter_key6 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t meta;
	uint32_t sets;
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
};

/* What a classification result (rte_acl userdata, index + 1) points at. */
struct filter_rule_result {
	uint16_t number;
	uint8_t action; /* enum filter_action */
};

/* Prefix lengths per IP version held by exact match (hosts first). */
#define FILTER_SETS_EXACT_MAX 4

/* One prefix length of the IP sets held in a hash: the address cut to len is the key. */
struct filter_set_exact {
	struct rte_hash *hash;
	uint8_t len;
};

struct filter_tables {
	uint32_t generation; /* unique per build; flows cache verdicts by it */
	enum filter_action acl_default;
	bool stateful_deny;
	bool has_icmp_type; /* some rule tests an ICMP type: ICMP verdicts are not cached */
	bool needs_sets;    /* some ACL or stateful rule names an IP set */
	bool log_denies;
	int xff_deny_set;
	struct rte_acl_ctx *acl[2];	 /* [0] IPv4, [1] IPv6; NULL: no rule for the family */
	struct rte_acl_ctx *stateful[2]; /* same layout, allow rules */
	struct filter_rule_result *acl_results;
	/* IP sets (filter_sets.c): IPv4 /1../24 in flat4 (one entry a /24),
	 * longer prefixes in the fibs; both hold an index into set_classes
	 * (the bitmask of the sets holding the prefix and its covers). Hosts
	 * and other numerous lengths past /24 in exact[version == 6], whose
	 * data is the sets holding exactly that prefix. */
	uint16_t *flat4;
	struct rte_fib *sets4;
	struct rte_fib6 *sets6;
	struct filter_set_exact exact[2][FILTER_SETS_EXACT_MAX];
	unsigned exact_count[2];
	uint16_t *set_classes;
	uint32_t set_class_count;
	uint32_t all4, all6; /* sets holding 0.0.0.0/0 or ::/0 */
	struct filter_domain_table domains;
	bool has_domains;
	uint64_t set_keys[FILTER_MAX_SETS]; /* filter_ipset_key() of each set's name */
	struct filter_spec spec;	    /* as read: kept for export and summaries */
};

/*
 * Build the IP set tables of t from t->spec (t->generation set). Control
 * path. Returns 0, or a negative errno with err naming the cause (a table
 * limit, memory); what was built is left for filter_sets_free().
 */
int filter_sets_build(struct filter_tables *t, char *err, size_t err_len);

/* Free the IP set tables of t (any part may be missing). */
void filter_sets_free(struct filter_tables *t);

/* The bitmask of the sets holding addr (IPv4 or IPv6, network order). Any lcore. */
uint32_t filter_sets_lookup(const struct filter_tables *t, const uint8_t *addr, int version);

/* What filter_sets_lookup_bulk() takes at once: a burst's sources and destinations
 * (the filter stage's FILTER_BURST_MAX of each). */
#define FILTER_SETS_BULK_MAX 64

/*
 * The same for n addresses of one version at once (n at most
 * FILTER_SETS_BULK_MAX, the rest is not looked up): sets[i] for addrs[i].
 * One bulk lookup per table (rte_fib/rte_fib6, each rte_hash), so the
 * cache misses of the burst overlap. Per-packet path, any lcore.
 */
void filter_sets_lookup_bulk(const struct filter_tables *t, const uint8_t *const addrs[],
			     uint32_t *sets, unsigned n, int version);

/* What building tables took, for --check and the bench. */
struct filter_build_report {
	size_t acl_rules, stateful_rules, sets, prefixes_v4, prefixes_v6, domains;
	double acl_seconds; /* rte_acl contexts */
	double set_seconds; /* rte_fib and rte_fib6 */
	double total_seconds;
};

/*
 * Compile spec into a new immutable tables object. Control path (may take
 * seconds for a million prefixes; the running tables serve meanwhile).
 * Needs the EAL (rte_acl and rte_fib allocate from DPDK memory). Returns 0
 * with *out, or a negative errno with err.
 */
int filter_tables_build(const struct filter_spec *spec, struct filter_tables **out,
			struct filter_build_report *report, char *err, size_t err_len);

/* Read the filter file at path and compile it. */
int filter_tables_load(const char *path, struct filter_tables **out,
		       struct filter_build_report *report, char *err, size_t err_len);

/* Free tables no worker can see any more. NULL is a no-op. */
void filter_tables_free(struct filter_tables *t);

/* The spec the tables were built from (IP set export, summaries). */
const struct filter_spec *filter_tables_spec(const struct filter_tables *t);

/* The key of a set name (a 64-bit hash): rules keep it beside the name. */
uint64_t filter_ipset_key(const char *name);

#endif
