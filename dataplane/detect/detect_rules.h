/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A ruleset as the workers run it, published as one immutable object
 * (dataplane/publish.h): the ruleset (with its policy) and, per worker,
 * that worker's Hyperscan scratch and pool of stream states (one per flow
 * slot and direction, opened off the fast path so the per-packet path
 * never allocates). Each publish has a new generation.
 *
 * Control lcore: detect_rules_create() builds the object for every worker
 * while the workers run the old one, publish_swap() hands it over and
 * waits for every worker's quiescent point, the caller drains the alert
 * rings (alerts point at the old rules), then detect_rules_free() closes
 * the old streams and scratches (the ruleset is the caller's).
 *
 * Worker: detect_rules_sync() once per loop adopts the published object
 * when its generation changed; a flow's state tied to the old rules
 * (Hyperscan streams, flowbits, flow variables, flow actions) is dropped
 * when the worker next sees that flow (detect_flow_renew()), so no one
 * walks the flow table. The old streams are never touched again: the pool
 * closes every state it opened, whoever held it.
 */
#ifndef VIGIL_DATAPLANE_DETECT_RULES_H
#define VIGIL_DATAPLANE_DETECT_RULES_H

#include <stdint.h>

struct ruleset;
struct ruleset_scratch;
struct hs_stream;
struct detect_context;

/* One worker's part: its scratch and its stream pool. */
struct detect_worker_rules {
	struct ruleset_scratch *scratch;
	struct hs_stream **streams[2]; /* free stack, by direction */
	unsigned streams_free[2];
	struct hs_stream **opened[2]; /* every state opened, closed with the pool */
	unsigned opened_count[2];
};

struct detect_rules {
	uint32_t generation;	       /* unique per publish, never 0 */
	const struct ruleset *ruleset; /* NULL: no rules, every packet passes detection */
	unsigned workers;
	/* What the rules ask of file tracking (rule_file_needs(), match.h):
	 * the hashes and magic the parsers compute even when the board does
	 * not ask for them. */
	unsigned file_needs;
	struct detect_worker_rules worker[]; /* by worker index */
};

/*
 * Build the object for ruleset (NULL allowed) and workers workers, each
 * with flows stream states per direction. Control lcore or start-up.
 * Returns 0 with *out, or -ENOMEM with nothing left allocated.
 */
int detect_rules_create(const struct ruleset *ruleset, unsigned workers, unsigned flows,
			struct detect_rules **out);

/*
 * Publish ruleset to the workers of pub: detect_rules_create() for every
 * worker, then publish_swap(). Returns 0 with *old, the rules the workers
 * ran before (NULL at start-up), which no worker sees any more: the caller
 * drains the alert rings (alerts point at its rules) and then frees it
 * with detect_rules_free(). -ENOMEM: nothing changed. Start-up and every
 * rule update (the console) take this one path. Control lcore.
 */
struct dataplane_published;
int detect_rules_publish(struct dataplane_published *pub, const struct ruleset *ruleset,
			 unsigned workers, unsigned flows, struct detect_rules **old);

/* Close every stream and scratch of rules (not the ruleset) and free it. NULL: no-op. */
void detect_rules_free(struct detect_rules *rules);

/*
 * Adopt the published rules when they changed: the worker's view (ruleset,
 * scratch, stream pool, generation, rate-limit policy) follows them. Owning
 * worker, between bursts; or, after the worker stopped, whoever frees it.
 */
void detect_rules_sync(struct detect_context *ctx);

#endif
