/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter stage (VPC edge): what may pass at all, before any signature
 * runs. In this order, cheapest first:
 *
 * - the stateless ACL: numbered rules, the lowest number that matches wins
 *   (network-ACL semantics), fields protocol, source and destination
 *   prefix or IP set, port ranges, ICMP type and direction (ingress toward
 *   the protected side, egress from it), then the default action; one
 *   rte_acl classification (an IPv4 and an IPv6 context);
 * - stateful rules (security-group semantics): with "stateful default
 *   deny", a flow passes only when a stateful allow rule matches its
 *   initiating direction; the replies of an allowed flow pass unmatched;
 * - domain lists on the TLS SNI and HTTP Host, and an IP set on the HTTP
 *   X-Forwarded-For client, when the application layer finds them
 *   (filter_app_unit()).
 *
 * The stateless ACL is classified a burst at a time (filter_classify_burst,
 * as rte_acl is built for); with stateful rules the verdicts are cached on
 * the flow (struct flow_filter_cache in flow.h), so the later packets of a
 * flow cost one comparison. Denied packets are
 * counted by reason and by ACL rule number, and the first denied packet of
 * a flow can be logged as an EVE "drop" event.
 *
 * Concurrency (dataplane/README.md): the compiled tables are one immutable
 * struct filter_tables. The control lcore builds a new one, publishes it
 * with one atomic pointer swap, waits until every worker has passed a
 * quiescent point (rte_rcu_qsbr) and only then frees the old one. Workers
 * only read tables, and never keep a pointer to them across the quiescent
 * point at the end of their loop.
 */
#ifndef VIGIL_DATAPLANE_FILTER_H
#define VIGIL_DATAPLANE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pthread.h>

#include <rte_common.h>

#include "rules/filter/filter_spec.h"
#include "rules/filter/filter_tables.h"
#include "dataplane/flow/flow.h"
#include "dataplane/decode/packet.h"
#include "rules/lang/ipset_lookup.h"

struct publish_domain;
struct xff_client;
struct rte_ring;
struct filter_tables;

/* Why the filter denied a packet: _(SYMBOL, "name", "description") */
#define foreach_filter_reason                                                                      \
	_(ACL_RULE, "acl_rule", "a numbered ACL rule denied it")                                   \
	_(ACL_DEFAULT, "acl_default", "no ACL rule matched and the ACL default is deny")           \
	_(STATEFUL, "stateful", "its flow is new and no stateful rule allows it")                  \
	_(DOMAIN, "domain", "its TLS SNI or HTTP Host is denied by the domain lists")              \
	_(XFF, "xff", "its HTTP X-Forwarded-For client is in the xff deny set")

enum filter_reason {
#define _(sym, name, text) FILTER_REASON_##sym,
	foreach_filter_reason
#undef _
	    FILTER_REASON_COUNT
};

extern const char *const filter_reason_name[FILTER_REASON_COUNT];
extern const char *const filter_reason_text[FILTER_REASON_COUNT];

/* A worker's counters; only that worker writes them, the control lcore sums on read. */
struct filter_counters {
	uint64_t checked;    /* packets through the stage */
	uint64_t cache_hits; /* decided by a cached verdict (the flow's, or the verdict cache's) */
	uint64_t denied[FILTER_REASON_COUNT];
	uint64_t events_lost; /* drop events the full alert ring could not take */
	uint64_t rule_denied[FILTER_RULE_NUMBER_MAX + 1]; /* by ACL rule number */
};

/*
 * The published tables, one per vigil. tables is swapped atomically by the
 * control lcore; workers load it once per burst or per packet.
 */
struct filter_runtime {
	struct filter_tables *tables;  /* published (dataplane/publish.h); NULL: no filter */
	struct publish_domain *domain; /* the workers' RCU; NULL: no workers to wait for */
	char path[FILTER_PATH_MAX];    /* re-read on reload */
	uint32_t reloads, reload_failures;
	/* Applied to every spec read from path before it is built (the
	 * console's IP-set changes, control/ipset_changes.h); NULL: none. */
	void (*adjust)(struct filter_spec *spec, void *arg);
	void *adjust_arg;
};

/*
 * Set up rt, with no tables yet, publishing to the workers of domain (NULL:
 * none); the first tables go out with filter_runtime_publish() like every
 * later one. Control path. Returns 0.
 */
int filter_runtime_init(struct filter_runtime *rt, struct publish_domain *domain, const char *path);

/*
 * Publish next (owned from now on): swap it in, wait until every online
 * worker has passed a quiescent point, free the old tables. Control lcore.
 */
void filter_runtime_publish(struct filter_runtime *rt, struct filter_tables *next);

/*
 * Read rt->path again, apply rt->adjust, build and publish. Returns 0, or
 * a negative errno with err (the running tables stay). Control lcore.
 */
int filter_runtime_rebuild(struct filter_runtime *rt, char *err, size_t err_len);

/* Ask for a reload of rt->path at the next filter_runtime_poll(). Signal-safe. */
void filter_runtime_request_reload(void);

/*
 * On the control lcore's loop: when a reload was asked for, re-read the
 * filter file and publish it; a bad file is refused with its error in err
 * (returns -EINVAL) and the running tables stay. Returns 1 when reloaded,
 * 0 when nothing was asked.
 */
int filter_runtime_poll(struct filter_runtime *rt, char *err, size_t err_len);

/* Free the tables and the QSBR variable, after the workers stopped. */
void filter_runtime_free(struct filter_runtime *rt);

/* The most packets filter_classify_burst() takes at once (rte_acl's own burst). */
#define FILTER_BURST_MAX 32

/*
 * ACL results of the worker's current burst, classified at once. Valid
 * from filter_classify_burst() to the worker's quiescent point: tables is
 * the object they were classified with, so it is never held past it.
 */
struct filter_burst {
	const struct filter_tables *tables; /* NULL: nothing classified */
	const struct packet *packet[FILTER_BURST_MAX];
	uint32_t hit[FILTER_BURST_MAX]; /* rte_acl userdata (rule index + 1), 0: no rule */
	uint32_t deny;			/* bit i: the ACL denies packet i */
	unsigned ip_count;		/* IP packets among them (what the stage checks) */
	unsigned count;
	unsigned slot; /* the packet at hand, set by the pipeline (filter_burst_select()) */
};

/*
 * The stateless verdicts of recent connections, per worker: direct-mapped
 * tables (one per IP version) indexed by a hash of the connection's key
 * (its own, cheaper than the ACL's: the tag word, with the ports, the
 * protocol, the direction, the ICMP type and the IP version, then both
 * addresses; the IP sets follow from the addresses), each slot holding the
 * whole key, the generation of the tables it was classified with and the
 * result. A burst's packets are looked up here first; only the misses
 * build the ACL key and pay for the IP-set lookups and rte_acl (10,000
 * rules: 25-40 ns a packet here, the cache a few). Slots are overwritten
 * on collision; new tables invalidate every slot at once (their generation
 * differs), so a verdict is never older than the tables. The IPv4 slot is
 * half a cache line, so the slots of a few hundred busy connections stay
 * in the first-level cache beside the packets.
 */
#define FILTER_VERDICT4_SLOTS 4096u	  /* 32 bytes each */
#define FILTER_VERDICT6_SLOTS 2048u	  /* 64 bytes each */
#define FILTER_VERDICT_DENY   0x80000000u /* in a slot's verdict: the result denies */

struct filter_verdict4 {
	uint32_t generation; /* of the tables classified with; 0: empty */
	uint32_t verdict; /* rte_acl userdata (rule index + 1; 0: no rule) | FILTER_VERDICT_DENY */
	uint64_t key[2];  /* tag word, addresses */
} __rte_aligned(32);

struct filter_verdict6 {
	uint32_t generation;
	uint32_t verdict;
	uint64_t key[5]; /* tag word, source, destination */
} __rte_aligned(64);

/* One worker's view. Owned by that worker; counters read by the control lcore. */
struct filter_context {
	struct filter_counters counters; /* first: written on the per-packet path */
	struct filter_runtime *rt;
	unsigned worker_index; /* its QSBR thread id */
	uint16_t worker;
	bool rx_protected;	 /* the packet at hand arrived from the protected side (egress) */
	struct rte_ring *events; /* the worker's alert ring, for drop events; NULL: none */
	const struct filter_tables *current; /* loaded for the packet at hand */
	int64_t wall_offset_us; /* added to packet times in drop events (see inspect.h) */
	struct filter_burst burst;
	bool verdict_cache_off; /* classify every packet (to measure what the cache saves) */
	/* last: zeroed = empty */
	struct filter_verdict4 verdicts4[FILTER_VERDICT4_SLOTS];
	struct filter_verdict6 verdicts6[FILTER_VERDICT6_SLOTS];
};

/*
 * The burst's results (and the table pointer they hold) are dropped: call
 * once per loop of the worker, just before its quiescent point
 * (publish_worker_quiescent()).
 */
void filter_worker_quiescent(struct filter_context *fc);

/*
 * Classify the stateless ACL for a decoded burst (pkts[i] NULL: skip it, n
 * at most FILTER_BURST_MAX): packets whose 5-tuple is in the verdict cache
 * take its result; for the rest, one bulk lookup of the IP sets and one
 * rte_acl_classify per address family. The results
 * wait in fc->burst for filter_packet() of each packet (fc->burst.slot).
 * Tables with stateful default deny keep the flow's cached verdict
 * instead, since their later packets cost one comparison: then nothing is
 * classified here. Per-burst path of the owning worker.
 */
void filter_classify_burst(struct filter_context *fc, const struct packet *const pkts[],
			   unsigned n);

/*
 * Whether filter_packet() needs p's flow: always, unless p was classified
 * in the current burst by tables with no domain lists, no xff set and no
 * drop events (logged once per flow). When false, filter_packet() judges
 * p as well with no flow, and the
 * caller may skip the flow lookup it would do only for the filter.
 * Owning worker, on the per-packet path.
 */
bool filter_needs_flow(const struct filter_context *fc, const struct packet *p);

/*
 * Whether the current burst's results are the whole of the filter's
 * verdict for each of its packets: the tables classified it and need no
 * flow for anything (see filter_needs_flow()). A worker with no rules
 * and no rate limits may then take the burst's verdicts from
 * filter_burst_verdicts() and skip the flow and inspection stages. Owning
 * worker, per-burst path.
 */
bool filter_burst_decides(const struct filter_context *fc);

/*
 * The verdicts of the whole burst when filter_burst_decides(): bit i set
 * when the packet in slot i is denied. Every IP packet of the burst is
 * counted as filter_packet() counts it (checked, denied by reason and
 * rule). Per-burst path of the owning worker.
 */
uint32_t filter_burst_verdicts(struct filter_context *fc);

/* The next filter_packet() is for the packet in slot of the classified burst. */
static inline void filter_burst_select(struct filter_context *fc, unsigned slot)
{
	fc->burst.slot = slot;
}

/*
 * The stateless ACL and stateful rules for one decoded IP packet, whose
 * flow (NULL: none) and direction are known. Returns true when the packet
 * is denied (counted by reason and rule; an EVE drop event for the first
 * denied packet of a flow when the file says "log deny"). Per-packet path
 * of the owning worker: no allocation, no locks.
 */
bool filter_packet(struct filter_context *fc, const struct packet *p, struct flow *flow,
		   enum flow_direction dir, uint64_t time_us);

/*
 * What the application layer found in one unit of the flow: a TLS SNI, an
 * HTTP Host, the X-Forwarded-For client as dataplane/app/xff.h parsed it
 * (struct app_details.xff_client; NULL or family 0: none). Returns true
 * when the flow is denied by the domain lists or the xff set; the flow
 * then stays denied for its life. Owning worker.
 */
bool filter_app_unit(struct filter_context *fc, const struct packet *p, struct flow *flow,
		     enum flow_direction dir, const uint8_t *sni, size_t sni_len,
		     const uint8_t *host, size_t host_len, const struct xff_client *client,
		     uint64_t time_us);

/*
 * IP sets as rule address groups (filter_rule_sets.c): a signature rule on
 * "@NAME" keeps the name and asks the published tables per test.
 */

/* True when addr (network order) is in the set called name (whose key is
 * filter_ipset_key(name)) of t; false when t has no such set. One
 * rte_fib/rte_fib6 lookup. Any lcore that holds t safely (a worker
 * between quiescent points). */
bool filter_ipset_contains(const struct filter_tables *t, uint64_t key, const char *name,
			   const uint8_t *addr, int version);

/*
 * The lookup handed to the rules engine (ruleset_options.ipsets). It lives
 * as long as vigil (every ruleset built with it holds a pointer to it).
 * names: the sets rule parsing may name (the filter file at start-up, then
 * each reloaded file), under lock because a rule compile may run on a
 * thread of its own. rt: the published tables, NULL until attached.
 */
struct filter_rule_sets {
	struct rule_ipset_lookup lookup;
	struct filter_runtime *rt; /* atomic */
	pthread_mutex_t lock;	   /* guards names and count */
	char names[FILTER_MAX_SETS][FILTER_NAME_MAX];
	unsigned count;
};

/* Start with the set names of spec (NULL: none). Control path. */
void filter_rule_sets_init(struct filter_rule_sets *rs, const struct filter_spec *spec);

/* Look addresses up in rt's published tables from now on. Control path. */
void filter_rule_sets_attach(struct filter_rule_sets *rs, struct filter_runtime *rt);

/*
 * After a reload was published (control lcore): take the new tables' set
 * names. Returns how many of the old names are gone, listed in gone
 * ("@a @b"): rules on them match nothing until a file has them again.
 */
unsigned filter_rule_sets_refresh(struct filter_rule_sets *rs, char *gone, size_t gone_len);

/* Sum counters into into (control lcore, on read). */
void filter_counters_add(struct filter_counters *into, const struct filter_counters *from);

/* Print the filter lines of the summary: denials by reason, then by ACL rule number. */
void filter_counters_print(FILE *out, const struct filter_counters *total);

/* The same as a JSON object: checked, cache_hits, denied{reason}, events_lost, acl_rules{number}. */
void filter_counters_json(FILE *out, const struct filter_counters *total);

#endif
