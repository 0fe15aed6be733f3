/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The publish scheme (see publish.h): one rte_rcu_qsbr variable for every
 * object the control lcore hands to the workers.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/publish.h"

int publish_domain_init(struct publish_domain *d, unsigned workers)
{
	d->qsbr = NULL;
	d->workers = workers;
	if (!workers)
		return 0;
	size_t size = rte_rcu_qsbr_get_memsize(workers);
	d->qsbr = rte_zmalloc("publish_qsbr", size, RTE_CACHE_LINE_SIZE);
	if (!d->qsbr || rte_rcu_qsbr_init(d->qsbr, workers) != 0) {
		rte_free(d->qsbr);
		d->qsbr = NULL;
		return -ENOMEM;
	}
	return 0;
}

void publish_domain_free(struct publish_domain *d)
{
	rte_free(d->qsbr);
	d->qsbr = NULL;
}

void publish_worker_online(struct publish_domain *d, unsigned worker)
{
	if (!d || !d->qsbr)
		return;
	rte_rcu_qsbr_thread_register(d->qsbr, worker);
	rte_rcu_qsbr_thread_online(d->qsbr, worker);
}

void publish_worker_offline(struct publish_domain *d, unsigned worker)
{
	if (!d || !d->qsbr)
		return;
	rte_rcu_qsbr_thread_offline(d->qsbr, worker);
	rte_rcu_qsbr_thread_unregister(d->qsbr, worker);
}

void publish_worker_quiescent(struct publish_domain *d, unsigned worker)
{
	if (d && d->qsbr)
		rte_rcu_qsbr_quiescent(d->qsbr, worker);
}

void *publish_swap(struct publish_domain *d, void **slot, void *next)
{
	void *old = __atomic_exchange_n(slot, next, __ATOMIC_ACQ_REL);
	if (!d || !d->qsbr)
		return old;
	/* Every online worker passes its loop's quiescent point within a
	 * burst, unless it is stalled: then the wait lasts as long as the
	 * stall, and the publisher's other duties go on meanwhile. */
	uint64_t token = rte_rcu_qsbr_start(d->qsbr);
	while (!rte_rcu_qsbr_check(d->qsbr, token, false)) {
		if (d->while_waiting)
			d->while_waiting(d->while_waiting_arg);
		rte_pause();
	}
	return old;
}

int dataplane_mode_publish(struct dataplane_published *pub, bool enforce)
{
	struct dataplane_mode *next = malloc(sizeof(*next));
	if (!next)
		return -ENOMEM;
	next->enforce = enforce;
	free(publish_swap(&pub->domain, (void **)&pub->mode, next));
	return 0;
}

bool dataplane_mode_enforce(const struct dataplane_published *pub)
{
	const struct dataplane_mode *mode = publish_load((void *const *)&pub->mode);
	return mode && mode->enforce;
}
