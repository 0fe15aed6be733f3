/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How the control lcore hands immutable objects to the workers: the one
 * publish scheme of vigil. Rules (with their policy), filter tables and the
 * ids/ips mode are each an immutable object behind one pointer. The control
 * lcore (start-up, the console, SIGHUP: every path) builds a new object off
 * the fast path, swaps the pointer atomically (publish_swap()), waits until
 * every online worker has passed a quiescent point (DPDK's rte_rcu_qsbr),
 * and only then frees the old object. A worker loads each pointer at most
 * once per burst, never keeps one past the end of its loop, and reports its
 * quiescent state there (publish_worker_quiescent()). Control never writes
 * into a worker's own struct.
 *
 * A worker that stops goes offline first, so a publish never waits for it;
 * whoever frees its state after it stopped brings it up to date first
 * (detect_rules_sync()).
 */
#ifndef VIGIL_DATAPLANE_PUBLISH_H
#define VIGIL_DATAPLANE_PUBLISH_H

#include <stdbool.h>

struct rte_rcu_qsbr;
struct detect_rules;
struct filter_runtime;

/* The readers: one RCU thread id per worker index. */
struct publish_domain {
	struct rte_rcu_qsbr *qsbr; /* NULL: no workers (tests, tools): nothing to wait for */
	unsigned workers;
	/*
	 * Called over and over on the publisher's lcore while publish_swap()
	 * waits for the workers; NULL: none. The control lcore puts its
	 * watchdog and health here: a worker that is stalled holds up a
	 * publish until it moves again, and meanwhile its queues must still
	 * be forwarded (fail-open) or its links kept down (fail-closed), and
	 * the health checks must still fail. Set once the control lcore runs,
	 * cleared before what it calls is freed.
	 */
	void (*while_waiting)(void *arg);
	void *while_waiting_arg;
};

/* The ids/ips mode as published: ips applies drop and reject verdicts. */
struct dataplane_mode {
	bool enforce;
};

/*
 * Everything the control lcore publishes to the workers, one per vigil.
 * Each pointer is loaded with publish_load() and replaced with
 * publish_swap(); the objects are immutable while published.
 */
struct dataplane_published {
	struct publish_domain domain;
	struct detect_rules *rules;    /* detect/detect_rules.h; NULL: no rules yet */
	struct dataplane_mode *mode;   /* never NULL once the workers run */
	struct filter_runtime *filter; /* its tables pointer is published the same way */
};

/* Set up the domain for workers readers (0: none). Control path. 0 or -ENOMEM. */
int publish_domain_init(struct publish_domain *d, unsigned workers);

/* Free the domain's RCU state, after every worker stopped. */
void publish_domain_free(struct publish_domain *d);

/* A worker starts (online) and stops (offline) reading; on its own lcore. */
void publish_worker_online(struct publish_domain *d, unsigned worker);
void publish_worker_offline(struct publish_domain *d, unsigned worker);

/* The worker holds no published pointer at this point of its loop. Per loop, owning lcore. */
void publish_worker_quiescent(struct publish_domain *d, unsigned worker);

/*
 * Swap *slot to next and wait until every online worker has passed a
 * quiescent point, calling d->while_waiting meanwhile; returns the old
 * object, which no worker can see any more: the caller frees it. Control
 * lcore only (one publisher at a time).
 */
void *publish_swap(struct publish_domain *d, void **slot, void *next);

/* The object published in *slot now. Any lcore. */
static inline void *publish_load(void *const *slot)
{
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/*
 * Publish a new mode (enforce: ips) and free the old one. Control lcore.
 * Returns 0 or -ENOMEM (the running mode stays).
 */
int dataplane_mode_publish(struct dataplane_published *pub, bool enforce);

/* The mode in force (ips: true). Any lcore. */
bool dataplane_mode_enforce(const struct dataplane_published *pub);

#endif
