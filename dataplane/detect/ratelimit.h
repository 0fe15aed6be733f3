/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rate limits from the operator policy (rules/policy/policy.h "ratelimit"): new
 * connections (TCP SYNs) and HTTP requests per source address, or per
 * X-Forwarded-For client, counted over a sliding window; a source over its
 * rate is blocked for the statement's block time. A blocked source's
 * packets are dropped before inspection (drop reason rate_limit); a blocked
 * X-Forwarded-For client's requests are dropped with the rest of the
 * connection that carried them (its bytes are in the reassembled stream
 * already, so only cutting the connection stops a retransmission), while
 * the proxy's other connections pass.
 *
 * The window is a sliding-window counter: this window's count plus the
 * previous window's, weighted by how much of it still lies inside the
 * sliding window. It needs two counters per source instead of a timestamp
 * per event, and is exact when events are evenly spread.
 *
 * Per worker: each worker lcore owns one table, created before launch, and
 * counts only what it sees. Symmetric RSS keeps both directions of one flow
 * on one worker, but a source's different flows are spread over all of
 * them, so a limit is per worker lcore: with N workers a source may open
 * up to N times the rate before every worker has blocked it. Bounded: a
 * full probe window evicts the least recently seen unblocked source
 * (counted). Nothing on the per-packet path allocates, locks or logs.
 *
 * The control lcore reads a table in place (the blocked list, counters)
 * and asks for releases through a small single-producer queue per table,
 * which the owning worker drains in its housekeeping; release-all is one
 * atomic generation counter, safe from a signal handler (SIGUSR1).
 */
#ifndef VIGIL_DATAPLANE_RATELIMIT_H
#define VIGIL_DATAPLANE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/policy/policy.h"

#define RATELIMIT_DEFAULT_SOURCES 16384 /* tracked sources per worker */
#define RATELIMIT_PROBE		  8	/* slots looked at per lookup */
#define RATELIMIT_RELEASE_QUEUE	  16	/* pending release requests per table */

struct ratelimit_window {
	uint32_t window; /* index of the current window (time / window length) */
	uint32_t prev;	 /* events in the previous window */
	uint32_t cur;	 /* events in the current window */
};

struct ratelimit_entry {
	uint8_t addr[16];
	uint8_t family;	    /* 4 or 6; 0: free slot */
	uint8_t per;	    /* enum policy_ratelimit_key */
	uint8_t blocked_by; /* statement index while blocked */
	uint8_t pad;
	uint32_t hash;
	uint64_t last_seen_us;
	uint64_t blocked_until_us; /* 0: not blocked; written last (release order) */
	struct ratelimit_window rate[POLICY_RATELIMIT_MAX];
};

/*
 * _(field, "name"): blocks started, packets of blocked sources (dropped in
 * ips mode; ids mode only counts them), sources pushed out of a full probe
 * window (and of those, blocked ones), blocks lifted by a release.
 */
#define foreach_ratelimit_counter                                                                  \
	_(blocks, "blocks")                                                                        \
	_(dropped, "dropped")                                                                      \
	_(evicted, "evicted")                                                                      \
	_(evicted_blocked, "evicted_blocked")                                                      \
	_(released, "released")

struct ratelimit_counters {
#define _(field, name) uint64_t field;
	foreach_ratelimit_counter
#undef _
};

struct ratelimit_release_request {
	uint8_t addr[16];
	uint8_t family;
};

struct ratelimit_table {
	struct ratelimit_counters counters; /* written by the owning worker only */
	const struct policy *policy;
	unsigned worker_index;
	uint32_t capacity, mask;
	bool uses[POLICY_RATELIMIT_KIND_COUNT][2]; /* a statement counts kind per key */
	uint64_t now_us;			   /* time of the last event seen */
	/* added to the table's times to show them as wall-clock time (the
	 * worker's clock is monotonic; 0 for capture times); set by the worker */
	int64_t wall_offset_us;
	uint64_t horizon_us; /* no block lasts past this: lookups before it only */
	struct ratelimit_entry *entries;
	/* releases: the control lcore writes head, the worker tail */
	struct ratelimit_release_request releases[RATELIMIT_RELEASE_QUEUE];
	uint32_t release_head, release_tail;
	uint32_t release_generation; /* last release-all applied */
};

/*
 * A table for one worker applying the policy's rate limits, with room for
 * capacity sources (rounded up to a power of two). NULL when the policy
 * has no ratelimit statement, or out of memory (*rc says which: 0 or
 * -ENOMEM). The table is registered for ratelimit_release(). Control path,
 * before the worker starts; the policy must outlive the table.
 */
struct ratelimit_table *ratelimit_create(const struct policy *policy, uint32_t capacity,
					 unsigned worker_index, int *rc);

/*
 * A rule update brought policy (the old one is about to be freed): the
 * table follows it. When its ratelimit statements are the same (compared
 * by kind, key, count, window and block), counts and blocks go on;
 * otherwise every entry is cleared, blocks included. A table exists only
 * when the start-up policy had ratelimit statements: statements added
 * later take effect at the next start. Owning worker, between bursts
 * (dataplane/detect/detect_rules.c, detect_rules_sync()). NULL is a no-op.
 */
void ratelimit_set_policy(struct ratelimit_table *t, const struct policy *policy);

/* Unregister and free. Control path, after the worker stopped. NULL is a no-op. */
void ratelimit_free(struct ratelimit_table *t);

/*
 * One packet from src: true when it must be dropped, because its source is
 * blocked, or because this packet (new_connection: a TCP SYN without ACK)
 * took the source over a new_connections limit. Per-packet path, owning
 * worker.
 */
bool ratelimit_packet(struct ratelimit_table *t, const uint8_t *src, int family,
		      bool new_connection, uint64_t now_us);

/*
 * One HTTP request from src, with the X-Forwarded-For client as
 * dataplane/app/xff.h parsed it (struct app_details.xff_client; NULL or
 * family 0: none): counts it for the http_requests limits. True when
 * the packet carrying it must be dropped (its client is blocked, or this
 * request took it over a limit). Per-packet path, owning worker.
 */
bool ratelimit_http_request(struct ratelimit_table *t, const uint8_t *src, int family,
			    const struct xff_client *client, uint64_t now_us);

/* Apply pending releases. Owning worker, once per loop (cheap when none). */
void ratelimit_housekeeping(struct ratelimit_table *t);

/*
 * Release a blocked source (address, family 4 or 6) on every worker: the
 * block lifts at each worker's next loop. Returns 0, or -EAGAIN when a
 * worker's release queue is full (try again), -ENOENT when no table is
 * registered. Control lcore (the console's commands, control/console_commands.c).
 */
int ratelimit_release(const uint8_t addr[16], int family);

/* Release every blocked source on every worker. Async-signal-safe (SIGUSR1). */
void ratelimit_release_all(void);

/* One blocked source, for the stats and the console. */
struct ratelimit_blocked {
	uint8_t addr[16];
	int family;
	bool xff;	    /* an X-Forwarded-For client */
	unsigned statement; /* index into the policy's ratelimit statements */
	uint64_t until_us;
	unsigned worker;
};

/*
 * Copy up to max sources blocked at the table's own time (its last event;
 * so an offline run lists what was blocked when its capture ended) into
 * out. Returns how many are blocked (may exceed max). Control lcore: reads
 * the table in place (a block being set or lifted right now may be missed).
 */
unsigned ratelimit_blocked_list(const struct ratelimit_table *t, struct ratelimit_blocked *out,
				unsigned max);

/* Sum of the counters of every registered table (control lcore). */
void ratelimit_counters_total(struct ratelimit_counters *total);

/* Registered tables, for listings over all workers (control lcore). */
unsigned ratelimit_tables(const struct ratelimit_table **out, unsigned max);

extern const char *const ratelimit_counter_name[];

#endif
