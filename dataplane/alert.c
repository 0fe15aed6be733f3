/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * alert_push(): the one way a worker hands an alert (rule alert, filter
 * drop event, reassembly anomaly) to the control lcore, with the one rule
 * for a full ring (alert.h). Counting is the caller's: detection counts
 * alerts and alerts_lost, the filter its events_lost.
 */
#include <stdint.h>

#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dataplane/alert.h"
#include "dataplane/worker.h"

static bool alert_wait_when_full;
bool alert_keep_frame;

void alert_set_keep_frame(bool keep)
{
	alert_keep_frame = keep;
}

void alert_set_wait_when_full(bool wait)
{
	alert_wait_when_full = wait;
}

bool alert_push(struct rte_ring *ring, const struct alert *a)
{
	/* DPDK 22.11's enqueue takes a non-const pointer; it only reads the record. */
	void *record = (void *)(uintptr_t)a;
	if (likely(rte_ring_sp_enqueue_elem(ring, record, sizeof(*a)) == 0))
		return true;
	if (!alert_wait_when_full)
		return false;
	/* Offline: the control lcore drains every ring without sleeping while
	 * alerts come (platform/main.c), so the wait is one batch's formatting. */
	while (!worker_stopping()) {
		rte_pause();
		if (rte_ring_sp_enqueue_elem(ring, record, sizeof(*a)) == 0)
			return true;
	}
	return false;
}
