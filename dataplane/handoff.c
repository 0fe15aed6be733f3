/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The queue handoff's slow halves (handoff.h): the membarrier that lets
 * workers go without a fence, the control lcore's claim, and a worker's
 * wait for queues it found taken. The fast halves are inline in the
 * header; what the control lcore does with the queues it holds is
 * control/watchdog.c's.
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_pause.h>

#include "dataplane/handoff.h"

bool handoff_asymmetric;

static long handoff_membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

int handoff_init(void)
{
	if (handoff_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) != 0) {
		handoff_asymmetric = false;
		return -errno;
	}
	handoff_asymmetric = true;
	return 0;
}

void handoff_control_claim(struct handoff *h)
{
	__atomic_store_n(&h->control_owns, 1, __ATOMIC_SEQ_CST);
	/* Every running worker passes a full barrier: one that checked
	 * control_owns before this point has its busy store visible to the
	 * next handoff_control_ready(); one checking after sees the claim. */
	if (handoff_asymmetric)
		handoff_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

enum handoff_entry handoff_worker_wait(struct handoff *h, bool (*stopping)(void))
{
	__atomic_store_n(&h->worker_busy, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&h->worker_waiting, 1, __ATOMIC_RELEASE);
	h->waits++;
	for (;;) {
		while (__atomic_load_n(&h->control_owns, __ATOMIC_ACQUIRE)) {
			if (stopping && stopping()) {
				__atomic_store_n(&h->worker_waiting, 0, __ATOMIC_RELEASE);
				return HANDOFF_STOPPING;
			}
			rte_pause();
		}
		/* Back: enter again as handoff_worker_enter() does, since the
		 * control lcore may have claimed them anew meanwhile. */
		__atomic_store_n(&h->worker_busy, 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&h->control_owns, __ATOMIC_ACQUIRE))
			break;
		__atomic_store_n(&h->worker_busy, 0, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&h->worker_waiting, 0, __ATOMIC_RELEASE);
	return HANDOFF_RETURNED;
}
