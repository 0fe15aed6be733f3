/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the filter: the compiled tables object and the classification
 * keys, shared by filter_tables.c and filter_sets.c (which build them) and
 * filter.c (which reads them per packet). Nothing outside the filter includes this.
 *
 * Keys are what rte_acl classifies: every field in network byte order, as
 * rte_acl wants its input. The IP sets a packet's addresses belong to are
 * found first (one longest-prefix lookup per address) and given to the ACL as a
 * bitmask field, so rules on @SET and rules on prefixes are one
 * classification.
 */
#ifndef VIGIL_DATAPLANE_FILTER_INTERNAL_H
#define VIGIL_DATAPLANE_FILTER_INTERNAL_H

#include <stdint.h>

#include "dataplane/filter.h"
#include "dataplane/filter_domain.h"

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

/* What filter_sets_lookup_bulk() takes at once: a burst's sources and destinations. */
#define FILTER_SETS_BULK_MAX (2 * FILTER_BURST_MAX)

/*
 * The same for n addresses of one version at once (n at most
 * FILTER_SETS_BULK_MAX, the rest is not looked up): sets[i] for addrs[i].
 * One bulk lookup per table (rte_fib/rte_fib6, each rte_hash), so the
 * cache misses of the burst overlap. Per-packet path, any lcore.
 */
void filter_sets_lookup_bulk(const struct filter_tables *t, const uint8_t *const addrs[],
			     uint32_t *sets, unsigned n, int version);

#endif
