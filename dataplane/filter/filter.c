/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter stage on the worker (see filter.h): ACL and stateful
 * classification with the flow's verdict cache, the domain and xff checks
 * of application-layer units, drop counting and drop events, and the
 * worker's quiescent point. The tables' life (publish, reload) is
 * filter_runtime.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <nmmintrin.h> /* _mm_crc32_u64 */
#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "dataplane/alert.h"
#include "dataplane/app/xff.h"
#include "dataplane/filter/filter.h"
#include "dataplane/publish.h"
#include "rules/filter/filter_tables.h"

const char *const filter_reason_name[FILTER_REASON_COUNT] = {
#define _(sym, name, text) name,
    foreach_filter_reason
#undef _
};

const char *const filter_reason_text[FILTER_REASON_COUNT] = {
#define _(sym, name, text) text,
    foreach_filter_reason
#undef _
};

enum { FILTER_CACHE_PASS = 1, FILTER_CACHE_DENY = 2 };

/* ---- keys ---- */

/*
 * The classification key of p (struct filter_key4 or filter_key6: the same
 * head, then both addresses, then both ports, every field in network
 * order) as 64-bit words, which w receives (3 for IPv4, 6 for IPv6: the
 * number is returned). reverse builds the key of the opposite direction
 * (the flow's initiator seen from a reply), for stateful rules. sets: the
 * IP sets of source and destination as the key's sets field wants them
 * (filter_key_sets()).
 * Words, not field by field: the verdict cache hashes and compares the key
 * 8 bytes at a time right after it is made, and loads spanning several
 * narrower stores cannot be forwarded from them (a stall of a dozen cycles
 * each, a third of the cached path's cost when measured). Little-endian
 * layout: the struct's first byte is the word's low byte. Per-packet path.
 */
_Static_assert(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN, "filter keys are built as little-endian words");

static inline unsigned filter_key_words(uint64_t *w, const struct packet *p, bool ingress,
					bool reverse, uint32_t sets)
{
	const uint8_t *src = reverse ? p->dst_addr : p->src_addr;
	const uint8_t *dst = reverse ? p->src_addr : p->dst_addr;
	uint32_t meta = (ingress != reverse) ? FILTER_META_INGRESS : FILTER_META_EGRESS;
	if (p->flags & (PACKET_ICMP | PACKET_ICMPV6))
		meta |= (uint32_t)p->icmp_type << FILTER_META_ICMP_SHIFT;
	uint64_t ports = (uint64_t)rte_cpu_to_be_16(reverse ? p->dst_port : p->src_port) |
			 (uint64_t)rte_cpu_to_be_16(reverse ? p->src_port : p->dst_port) << 16;
	w[0] = (uint64_t)p->l4_proto | (uint64_t)rte_cpu_to_be_32(meta) << 32;
	uint32_t s4, d4;
	memcpy(&s4, src, 4);
	memcpy(&d4, dst, 4);
	w[1] = (uint64_t)rte_cpu_to_be_32(sets) | (uint64_t)s4 << 32;
	if (p->ip_version != 6) {
		w[2] = (uint64_t)d4 | ports << 32;
		return 3;
	}
	uint32_t s_last, d_last;
	memcpy(&w[2], src + 4, 8);
	memcpy(&s_last, src + 12, 4);
	w[3] = (uint64_t)s_last | (uint64_t)d4 << 32;
	memcpy(&w[4], dst + 4, 8);
	memcpy(&d_last, dst + 12, 4);
	w[5] = (uint64_t)d_last | ports << 32;
	return 6;
}

static uint32_t filter_key_sets(uint32_t src_sets, uint32_t dst_sets)
{
	return src_sets | dst_sets << FILTER_SETS_DST_SHIFT;
}

_Static_assert(offsetof(struct filter_key4, meta) == 4 && offsetof(struct filter_key4, sets) == 8 &&
		   offsetof(struct filter_key4, src) == 12 &&
		   offsetof(struct filter_key4, sport) == 20 && sizeof(struct filter_key4) == 24 &&
		   offsetof(struct filter_key6, src) == 12 &&
		   offsetof(struct filter_key6, sport) == 44 && sizeof(struct filter_key6) == 48,
	       "keys: the layout filter_key_words() makes");

/* Classify p with one of the context pairs; returns the userdata (rule index + 1) or 0. */
static uint32_t filter_classify(struct rte_acl_ctx *const ctx[2], const struct filter_tables *t,
				const struct packet *p, bool ingress, bool reverse)
{
	uint32_t result = 0, sets = 0;
	struct rte_acl_ctx *c = p->ip_version == 4 ? ctx[0] : p->ip_version == 6 ? ctx[1] : NULL;
	if (!c)
		return 0;
	if (t->needs_sets) {
		const uint8_t *src = reverse ? p->dst_addr : p->src_addr;
		const uint8_t *dst = reverse ? p->src_addr : p->dst_addr;
		sets = filter_key_sets(filter_sets_lookup(t, src, p->ip_version),
				       filter_sets_lookup(t, dst, p->ip_version));
	}
	uint64_t key[6];
	filter_key_words(key, p, ingress, reverse, sets);
	const uint8_t *data = (const uint8_t *)key;
	rte_acl_classify(c, &data, &result, 1, 1);
	return result;
}

/* ---- denying ---- */

/* Queue an EVE drop event (alert_push: a full ring is counted, or waited on offline). */
static void filter_event(struct filter_context *fc, const struct packet *p, const struct flow *flow,
			 enum flow_direction dir, enum filter_reason reason, uint16_t rule,
			 uint64_t time_us)
{
	struct alert a = {
	    .timestamp_us = time_us + (uint64_t)fc->wall_offset_us,
	    .flow_id = flow ? flow->flow_id : 0,
	    .src_port = p->src_port,
	    .dst_port = p->dst_port,
	    .ip_version = p->ip_version,
	    .l4_proto = p->l4_proto,
	    .blocked = 1,
	    .to_server = dir == FLOW_TO_SERVER,
	    .worker = fc->worker,
	    .app_proto = ALERT_APP_PROTO_NONE,
	    .filter_drop = 1,
	    .filter_reason = (uint8_t)reason,
	    .acl_rule = rule,
	};
	alert_set_packet(&a, p);
	if (!alert_push(fc->events, &a))
		fc->counters.events_lost++;
}

static bool filter_deny(struct filter_context *fc, const struct filter_tables *t,
			const struct packet *p, struct flow *flow, enum flow_direction dir,
			enum filter_reason reason, uint16_t rule, uint64_t time_us)
{
	fc->counters.denied[reason]++;
	if (rule)
		fc->counters.rule_denied[rule]++;
	if (t->log_denies && fc->events && !(flow && flow->filter.logged)) {
		filter_event(fc, p, flow, dir, reason, rule, time_us);
		if (flow)
			flow->filter.logged = 1;
	}
	return true;
}

/* What the stateless ACL says for a classification result (0: no rule matched). */
static bool filter_acl_verdict(const struct filter_tables *t, uint32_t hit,
			       enum filter_reason *reason, uint16_t *rule)
{
	if (!hit) {
		*reason = FILTER_REASON_ACL_DEFAULT;
		*rule = 0;
		return t->acl_default == FILTER_DENY;
	}
	const struct filter_rule_result *r = &t->acl_results[hit - 1];
	*reason = FILTER_REASON_ACL_RULE;
	*rule = r->number;
	return r->action == FILTER_DENY;
}

/* ---- the burst stage ---- */

/* Whether a classification result denies (filter_acl_verdict() without the why). */
static inline bool filter_hit_denies(const struct filter_tables *t, uint32_t hit)
{
	return (hit ? t->acl_results[hit - 1].action : t->acl_default) == FILTER_DENY;
}

/*
 * The verdict cache's tag word of p: both ports, the protocol, the
 * direction, the ICMP type and the IP version, which keeps the two
 * families' keys apart (and never zero, so an empty slot matches no key).
 * With the addresses it determines the ACL key: the IP sets follow from
 * the addresses. Per-packet path.
 */
static inline uint64_t filter_cache_tag(const struct packet *p, bool ingress)
{
	return (uint64_t)p->src_port | (uint64_t)p->dst_port << 16 | (uint64_t)p->l4_proto << 32 |
	       (uint64_t)ingress << 40 | (uint64_t)p->icmp_type << 48 |
	       (uint64_t)p->ip_version << 56;
}

/*
 * CRC32-C of a cache key's words (SSE4.2, which DPDK's -march=corei7
 * implies). A crafted set of colliding keys costs the sender only misses
 * (a full classification each), never a wrong verdict: slots hold the
 * whole key. Per-packet path; words is a constant where it is inlined.
 */
static inline uint32_t filter_cache_hash(const uint64_t *key, unsigned words)
{
	uint64_t h = 0x7a11c0de;
#pragma GCC unroll 5
	for (unsigned i = 0; i < words; i++)
		h = _mm_crc32_u64(h, key[i]);
	return (uint32_t)h;
}

/* The slot's verdict when it holds key from tables of this generation, else -1. */
static inline int64_t filter_cache_probe4(const struct filter_verdict4 *v, const uint64_t *key,
					  uint32_t generation)
{
	if (((v->key[0] ^ key[0]) | (v->key[1] ^ key[1])) != 0 || v->generation != generation)
		return -1;
	return v->verdict;
}

static inline int64_t filter_cache_probe6(const struct filter_verdict6 *v, const uint64_t *key,
					  uint32_t generation)
{
	uint64_t diff = 0;
#pragma GCC unroll 5
	for (unsigned i = 0; i < 5; i++)
		diff |= v->key[i] ^ key[i];
	if (diff != 0 || v->generation != generation)
		return -1;
	return v->verdict;
}

/* One packet's place in the verdict cache while its burst is classified. */
struct filter_cache_entry {
	uint64_t key[5]; /* 2 words for IPv4, 5 for IPv6 */
	union {
		struct filter_verdict4 *v4;
		struct filter_verdict6 *v6;
	} slot;
};

/*
 * The misses of one IP version of the burst (their burst slots in miss[],
 * their cache entries in entry[]): the IP sets of their addresses in one
 * bulk lookup (sources, then destinations), their ACL keys, one
 * rte_acl_classify for all, and the results into the burst and the cache.
 */
static void filter_classify_misses(struct filter_context *fc, const struct filter_tables *t,
				   const unsigned *miss, unsigned misses,
				   const struct filter_cache_entry *entry, bool ingress,
				   int version)
{
	struct filter_burst *b = &fc->burst;
	if (misses == 0)
		return;
	uint32_t sets[2 * FILTER_BURST_MAX] = {0};
	if (t->needs_sets) {
		const uint8_t *addrs[2 * FILTER_BURST_MAX] = {NULL};
		for (unsigned i = 0; i < misses; i++) {
			addrs[i] = b->packet[miss[i]]->src_addr;
			addrs[misses + i] = b->packet[miss[i]]->dst_addr;
		}
		filter_sets_lookup_bulk(t, addrs, sets, 2 * misses, version);
	}
	uint64_t keys[FILTER_BURST_MAX][6];
	const uint8_t *data[FILTER_BURST_MAX];
	uint32_t results[FILTER_BURST_MAX];
	for (unsigned i = 0; i < misses; i++) {
		filter_key_words(keys[i], b->packet[miss[i]], ingress, false,
				 filter_key_sets(sets[i], sets[misses + i]));
		data[i] = (const uint8_t *)keys[i];
	}
	rte_acl_classify(t->acl[version == 6], data, results, misses, 1);
	/* Misses sharing a slot: the last one is written last, key and result. */
	for (unsigned i = 0; i < misses; i++) {
		const struct filter_cache_entry *e = &entry[miss[i]];
		bool denies = filter_hit_denies(t, results[i]);
		uint32_t verdict = results[i] | (denies ? FILTER_VERDICT_DENY : 0);
		b->hit[miss[i]] = results[i];
		b->deny |= (uint32_t)denies << miss[i];
		if (version == 4) {
			memcpy(e->slot.v4->key, e->key, sizeof(e->slot.v4->key));
			e->slot.v4->verdict = verdict;
			e->slot.v4->generation = t->generation;
		} else {
			memcpy(e->slot.v6->key, e->key, sizeof(e->slot.v6->key));
			e->slot.v6->verdict = verdict;
			e->slot.v6->generation = t->generation;
		}
	}
}

_Static_assert(FILTER_RULE_NUMBER_MAX < FILTER_VERDICT_DENY,
	       "a rule's userdata leaves the deny bit free");

void filter_classify_burst(struct filter_context *fc, const struct packet *const pkts[], unsigned n)
{
	struct filter_burst *b = &fc->burst;
	const struct filter_tables *t = __atomic_load_n(&fc->rt->tables, __ATOMIC_ACQUIRE);
	b->tables = NULL;
	b->count = 0;
	b->deny = 0;
	b->ip_count = 0;
	if (!t || t->stateful_deny)
		return;
	if (n > FILTER_BURST_MAX)
		n = FILTER_BURST_MAX;
	bool ingress = !fc->rx_protected;
	/* generation 0 marks an empty slot: with the cache off nothing matches */
	uint32_t generation = fc->verdict_cache_off ? 0 : t->generation;
	struct filter_cache_entry entry[FILTER_BURST_MAX];
	uint8_t family[FILTER_BURST_MAX]; /* 0: not classified here, 4 or 6 */
	/* First every key and its cache slot, fetched ahead, so that the
	 * slots' loads overlap instead of waiting one after the other. */
	bool default_denies = t->acl_default == FILTER_DENY;
	uint32_t deny = 0;
	unsigned ip_count = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct packet *p = pkts[i];
		b->packet[i] = p;
		b->hit[i] = 0;
		family[i] = 0;
		if (!p || !(p->flags & (PACKET_IPV4 | PACKET_IPV6)))
			continue;
		ip_count++;
		bool v6 = p->ip_version == 6;
		if (!t->acl[v6]) {
			/* no rule for its family: the default, as hit 0 says */
			deny |= (uint32_t)default_denies << i;
			continue;
		}
		uint64_t *key = entry[i].key;
		key[0] = filter_cache_tag(p, ingress);
		if (!v6) {
			uint32_t s4, d4;
			memcpy(&s4, p->src_addr, 4);
			memcpy(&d4, p->dst_addr, 4);
			key[1] = (uint64_t)s4 | (uint64_t)d4 << 32;
			entry[i].slot.v4 =
			    &fc->verdicts4[filter_cache_hash(key, 2) & (FILTER_VERDICT4_SLOTS - 1)];
			rte_prefetch0(entry[i].slot.v4);
			family[i] = 4;
		} else {
			memcpy(&key[1], p->src_addr, 16);
			memcpy(&key[3], p->dst_addr, 16);
			entry[i].slot.v6 =
			    &fc->verdicts6[filter_cache_hash(key, 5) & (FILTER_VERDICT6_SLOTS - 1)];
			rte_prefetch0(entry[i].slot.v6);
			family[i] = 6;
		}
	}
	unsigned miss[2][FILTER_BURST_MAX], misses[2] = {0, 0};
	unsigned hits = 0;
	for (unsigned i = 0; i < n; i++) {
		if (family[i] == 0)
			continue;
		int64_t verdict =
		    family[i] == 4
			? filter_cache_probe4(entry[i].slot.v4, entry[i].key, generation)
			: filter_cache_probe6(entry[i].slot.v6, entry[i].key, generation);
		if (verdict >= 0) {
			b->hit[i] = (uint32_t)verdict & ~FILTER_VERDICT_DENY;
			deny |= (uint32_t)(verdict >> 31) << i;
			hits++;
			continue;
		}
		unsigned f = family[i] == 6;
		miss[f][misses[f]++] = i;
	}
	fc->counters.cache_hits += hits;
	b->deny = deny;
	b->ip_count = ip_count;
	filter_classify_misses(fc, t, miss[0], misses[0], entry, ingress, 4);
	filter_classify_misses(fc, t, miss[1], misses[1], entry, ingress, 6);
	b->tables = t;
	b->count = n;
}

/* The burst's tables when p was classified with them in fc->burst, else NULL. */
static const struct filter_tables *filter_burst_tables(const struct filter_context *fc,
						       const struct packet *p)
{
	const struct filter_burst *b = &fc->burst;
	if (b->tables && b->slot < b->count && b->packet[b->slot] == p)
		return b->tables;
	return NULL;
}

/* Tables whose burst results need no flow: stateful default deny is never classified by burst. */
static inline bool filter_tables_flowless(const struct filter_tables *t)
{
	return !t->has_domains && t->xff_deny_set < 0 && !t->log_denies;
}

bool filter_needs_flow(const struct filter_context *fc, const struct packet *p)
{
	const struct filter_tables *t = filter_burst_tables(fc, p);
	/* not in the burst: judged on its own, with the flow's cache */
	return !t || !filter_tables_flowless(t);
}

bool filter_burst_decides(const struct filter_context *fc)
{
	return fc->burst.tables && filter_tables_flowless(fc->burst.tables);
}

/* The classified packet's verdict from the burst's result for slot. */
static inline bool filter_classified_deny(struct filter_context *fc, const struct filter_tables *t,
					  unsigned slot, const struct packet *p, struct flow *flow,
					  enum flow_direction dir, uint64_t time_us)
{
	enum filter_reason reason;
	uint16_t rule;
	if (!filter_acl_verdict(t, fc->burst.hit[slot], &reason, &rule))
		return false;
	return filter_deny(fc, t, p, flow, dir, reason, rule, time_us);
}

_Static_assert(FILTER_BURST_MAX <= 32, "a burst's verdicts fit a 32-bit mask");

uint32_t filter_burst_verdicts(struct filter_context *fc)
{
	const struct filter_burst *b = &fc->burst;
	const struct filter_tables *t = b->tables;
	fc->counters.checked += b->ip_count;
	/* only the denied are counted one by one (no drop events with these
	 * tables: no flow, no time needed) */
	for (uint32_t left = b->deny; left; left &= left - 1) {
		unsigned i = (unsigned)__builtin_ctz(left);
		enum filter_reason reason;
		uint16_t rule;
		filter_acl_verdict(t, b->hit[i], &reason, &rule);
		filter_deny(fc, t, b->packet[i], NULL, FLOW_TO_SERVER, reason, rule, 0);
	}
	return b->deny;
}

/* ---- the per-packet stage ---- */

bool filter_packet(struct filter_context *fc, const struct packet *p, struct flow *flow,
		   enum flow_direction dir, uint64_t time_us)
{
	const struct filter_tables *t = filter_burst_tables(fc, p);
	bool classified = t != NULL;
	if (!classified)
		t = __atomic_load_n(&fc->rt->tables, __ATOMIC_ACQUIRE);
	if (!t || !(p->flags & (PACKET_IPV4 | PACKET_IPV6)))
		return false;
	fc->counters.checked++;
	struct flow_filter_cache *c = flow ? &flow->filter : NULL;
	if (c && c->sticky_deny) {
		fc->counters.cache_hits++;
		return filter_deny(fc, t, p, flow, dir, (enum filter_reason)(c->sticky_deny - 1), 0,
				   time_us);
	}
	if (classified) /* stateless tables: the burst's result, no flow cache to keep */
		return filter_classified_deny(fc, t, fc->burst.slot, p, flow, dir, time_us);
	enum filter_reason reason;
	uint16_t rule;
	if (c && c->generation != t->generation) {
		/* Tables changed since this flow was judged: judge it again. */
		c->generation = t->generation;
		c->verdict[0] = c->verdict[1] = 0;
		c->stateful = 0;
	}
	/* ICMP types vary within one flow: with rules on them, no caching. */
	bool cacheable = c && !(t->has_icmp_type && (p->flags & (PACKET_ICMP | PACKET_ICMPV6)));
	if (cacheable && c->verdict[dir]) {
		fc->counters.cache_hits++;
		if (c->verdict[dir] == FILTER_CACHE_PASS)
			return false;
		return filter_deny(fc, t, p, flow, dir, (enum filter_reason)c->reason[dir],
				   c->rule[dir], time_us);
	}

	bool ingress = !fc->rx_protected;
	bool deny =
	    filter_acl_verdict(t, filter_classify(t->acl, t, p, ingress, false), &reason, &rule);
	if (!deny && t->stateful_deny) {
		/* A flow is judged by its initiating direction, whichever packet comes first. */
		reason = FILTER_REASON_STATEFUL;
		rule = 0;
		if (c) {
			if (!c->stateful)
				c->stateful = filter_classify(t->stateful, t, p, ingress,
							      dir == FLOW_TO_CLIENT)
						  ? FILTER_CACHE_PASS
						  : FILTER_CACHE_DENY;
			deny = c->stateful == FILTER_CACHE_DENY;
		} else {
			deny = !filter_classify(t->stateful, t, p, ingress, false);
		}
	}
	if (cacheable) {
		c->verdict[dir] = deny ? FILTER_CACHE_DENY : FILTER_CACHE_PASS;
		c->reason[dir] = (uint8_t)reason;
		c->rule[dir] = rule;
	}
	if (!deny)
		return false;
	return filter_deny(fc, t, p, flow, dir, reason, rule, time_us);
}

bool filter_app_unit(struct filter_context *fc, const struct packet *p, struct flow *flow,
		     enum flow_direction dir, const uint8_t *sni, size_t sni_len,
		     const uint8_t *host, size_t host_len, const struct xff_client *client,
		     uint64_t time_us)
{
	const struct filter_tables *t = __atomic_load_n(&fc->rt->tables, __ATOMIC_ACQUIRE);
	if (!t)
		return false;
	int reason = -1;
	if (t->has_domains &&
	    ((sni && filter_domain_match(&t->domains, sni, sni_len) == FILTER_DOMAIN_DENY) ||
	     (host && filter_domain_match(&t->domains, host, host_len) == FILTER_DOMAIN_DENY)))
		reason = FILTER_REASON_DOMAIN;
	if (reason < 0 && t->xff_deny_set >= 0 && client && client->family &&
	    (filter_sets_lookup(t, client->addr, client->family) & (1u << t->xff_deny_set)))
		reason = FILTER_REASON_XFF;
	if (reason < 0)
		return false;
	if (flow)
		flow->filter.sticky_deny = (uint8_t)(reason + 1);
	return filter_deny(fc, t, p, flow, dir, (enum filter_reason)reason, 0, time_us);
}

/* ---- the worker's quiescent point ---- */

void filter_worker_quiescent(struct filter_context *fc)
{
	fc->burst.tables = NULL; /* the burst's results hold a table pointer */
	fc->burst.count = 0;
}

/* ---- counters ---- */

void filter_counters_add(struct filter_counters *into, const struct filter_counters *from)
{
	into->checked += from->checked;
	into->cache_hits += from->cache_hits;
	into->events_lost += from->events_lost;
	for (int r = 0; r < FILTER_REASON_COUNT; r++)
		into->denied[r] += from->denied[r];
	for (unsigned n = 0; n <= FILTER_RULE_NUMBER_MAX; n++)
		into->rule_denied[n] += from->rule_denied[n];
}

void filter_counters_json(FILE *out, const struct filter_counters *c)
{
	fprintf(out, "{\"checked\":%llu,\"cache_hits\":%llu,\"denied\":{",
		(unsigned long long)c->checked, (unsigned long long)c->cache_hits);
	for (int r = 0; r < FILTER_REASON_COUNT; r++)
		fprintf(out, "%s\"%s\":%llu", r ? "," : "", filter_reason_name[r],
			(unsigned long long)c->denied[r]);
	fprintf(out, "},\"events_lost\":%llu,\"acl_rules\":{", (unsigned long long)c->events_lost);
	bool any = false;
	for (unsigned n = 1; n <= FILTER_RULE_NUMBER_MAX; n++) {
		if (!c->rule_denied[n])
			continue;
		fprintf(out, "%s\"%u\":%llu", any ? "," : "", n,
			(unsigned long long)c->rule_denied[n]);
		any = true;
	}
	fprintf(out, "}}");
}

void filter_counters_print(FILE *out, const struct filter_counters *c)
{
	fprintf(out, "filter: %llu packets checked, %llu by the flow cache",
		(unsigned long long)c->checked, (unsigned long long)c->cache_hits);
	for (int r = 0; r < FILTER_REASON_COUNT; r++)
		fprintf(out, ", %s %llu", filter_reason_name[r], (unsigned long long)c->denied[r]);
	if (c->events_lost)
		fprintf(out, ", drop events lost %llu", (unsigned long long)c->events_lost);
	fputc('\n', out);
	bool any = false;
	for (unsigned n = 1; n <= FILTER_RULE_NUMBER_MAX; n++) {
		if (!c->rule_denied[n])
			continue;
		fprintf(out, "%s %u: %llu", any ? "," : "filter: denied by ACL rule", n,
			(unsigned long long)c->rule_denied[n]);
		any = true;
	}
	if (any)
		fputc('\n', out);
}
