/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who may use a worker's queues: the worker, or, while it is stalled and
 * the board fails open, the control lcore, which forwards them without
 * inspection (control/watchdog.h). One struct handoff per worker decides
 * it, so that a queue never has two users at once (DPDK's rx_burst and
 * tx_burst are not thread-safe on one queue). dataplane/README.md,
 * "Fail-open: the queue handoff", tells the whole story; in short:
 *
 *   worker, around every device call on its queues (receive, transmit,
 *   the exception path's transmit):
 *       busy = 1; [fence]; if (control_owns) wait; ...call...; busy = 0
 *   control lcore, to take them:
 *       control_owns = 1; membarrier(); then use them once busy reads 0
 *   control lcore, to give them back (between two of its own bursts):
 *       control_owns = 0
 *
 * This is Dekker's handshake with the expensive half on the rare side:
 * the control lcore's membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) makes
 * every running thread of vigil execute a full barrier, so the worker
 * needs only a compiler barrier between its store of busy and its load of
 * control_owns (liburcu's "membarrier" flavour). Where the kernel has no
 * membarrier, handoff_init() says so and workers pay a full fence instead.
 *
 * A worker that finds its queues taken (it was stalled and is moving
 * again) raises waiting and spins until the control lcore gives them back
 * at its next pass; a burst it received before the stall is held meanwhile
 * and transmitted afterwards (its packets were inspected). Only the
 * control lcore writes control_owns; only the worker writes busy, waiting
 * and its counters.
 */
#ifndef VIGIL_DATAPLANE_HANDOFF_H
#define VIGIL_DATAPLANE_HANDOFF_H

#include <stdbool.h>
#include <stdint.h>

struct handoff {
	/* Written by the control lcore only. */
	uint32_t control_owns; /* 1 from claiming the queues to giving them back */
	uint32_t pad;
	uint64_t
	    forwarded; /* packets it forwarded for this worker so far, set before giving back */
	/* Written by the worker only. */
	uint32_t worker_busy;	 /* 1 while inside a device call on its queues */
	uint32_t worker_waiting; /* 1 while it waits for its queues back */
	uint64_t waits;		 /* times it found its queues taken */
} __attribute__((aligned(64)));

/* What handoff_worker_enter() found. */
enum handoff_entry {
	HANDOFF_OWNED,	  /* the queues were the worker's all along: the common case */
	HANDOFF_RETURNED, /* they had been taken and are back: what passed meanwhile was not seen */
	HANDOFF_STOPPING, /* taken, and the appliance stops: do not touch them, free what is held */
};

/* True when workers need no fence of their own (membarrier registered). Read-mostly. */
extern bool handoff_asymmetric;

/*
 * Register vigil for expedited private membarriers. Once, before the
 * workers start (any thread). Returns 0, or -errno when the kernel refuses
 * (workers then fence on every entry: correct, a little slower).
 */
int handoff_init(void);

/* The slow half of handoff_worker_enter(): the queues were taken. Worker. */
enum handoff_entry handoff_worker_wait(struct handoff *h, bool (*stopping)(void));

/*
 * Before a device call on the worker's queues (rx_burst, tx_burst): mark
 * the worker busy, then check the queues are still its own. HANDOFF_OWNED
 * (almost always: a store, a compiler barrier, a load) or HANDOFF_RETURNED
 * mean go ahead, and call handoff_worker_leave() after the call; on
 * HANDOFF_STOPPING the worker is not busy and must not call the device.
 * Per-burst path of the owning worker.
 */
static inline enum handoff_entry handoff_worker_enter(struct handoff *h, bool (*stopping)(void))
{
	__atomic_store_n(&h->worker_busy, 1, __ATOMIC_RELAXED);
	if (__builtin_expect(!handoff_asymmetric, 0))
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (__builtin_expect(__atomic_load_n(&h->control_owns, __ATOMIC_ACQUIRE) != 0, 0))
		return handoff_worker_wait(h, stopping);
	return HANDOFF_OWNED;
}

/* After the device call: the queues may be taken from here on. Worker. */
static inline void handoff_worker_leave(struct handoff *h)
{
	__atomic_store_n(&h->worker_busy, 0, __ATOMIC_RELEASE);
}

/*
 * Claim the worker's queues: from now on the worker enters no device
 * call on them, but one it is inside may still be running: use the queues
 * only once handoff_control_ready(). Control lcore; a system call
 * (membarrier), so only on a stall.
 */
void handoff_control_claim(struct handoff *h);

/* After a claim: true once the worker is out of every device call (the queues are ours). */
static inline bool handoff_control_ready(const struct handoff *h)
{
	return __atomic_load_n(&h->worker_busy, __ATOMIC_ACQUIRE) == 0;
}

/* True while the worker waits for its queues (it is moving again). Control lcore. */
static inline bool handoff_worker_wants_back(const struct handoff *h)
{
	return __atomic_load_n(&h->worker_waiting, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Give the queues back (or drop a claim): the control lcore has finished
 * its last burst on them, having forwarded that many packets of this
 * worker's since the start (the worker compares it with the figure it saw
 * last: its flows missed the difference). The worker's next entry, or the
 * one it waits in, goes ahead. Control lcore.
 */
static inline void handoff_control_release(struct handoff *h, uint64_t forwarded)
{
	__atomic_store_n(&h->forwarded, forwarded, __ATOMIC_RELAXED);
	__atomic_store_n(&h->control_owns, 0, __ATOMIC_RELEASE);
}

/* The packets of this worker's queues the control lcore has forwarded so far, as of its last
 * give-back. Worker, once per loop (and after HANDOFF_RETURNED). */
static inline uint64_t handoff_forwarded(const struct handoff *h)
{
	return __atomic_load_n(&h->forwarded, __ATOMIC_RELAXED);
}

#endif
