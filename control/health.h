/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Health that tells the truth: is every worker making progress? Each
 * worker publishes a heartbeat (dataplane/worker.h: struct
 * worker_heartbeat, loop turns so far, written by the worker alone); the
 * control lcore reads them on every pass of its loop (about every
 * millisecond) and judges each worker: one whose heartbeat has not moved
 * for stall_ms is stalled, and so is the appliance, until it moves again.
 * The verdict is what a load balancer's health check is told
 * (control/health_listener.h): it must fail while a worker black-holes
 * its share of the flows, so the balancer moves them away.
 *
 * The judging is pure (health_judge, health_overall, health_verdict take
 * the time as an argument) so that tests can drive it; health_poll is the
 * control lcore's pass over the workers, with the log lines of every
 * change. The verdict is published with two atomic stores; any thread may
 * read it (health_now), and a verdict older than stall_ms counts as the
 * control lcore's own stall, since the exception path runs through it.
 */
#ifndef VIGIL_CONTROL_HEALTH_H
#define VIGIL_CONTROL_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#define HEALTH_MAX_WORKERS 64

/* _(SYMBOL, "name", "what it means") */
#define foreach_health_state                                                                       \
	_(STARTING, "starting", "a worker has not run its loop yet")                               \
	_(HEALTHY, "healthy", "every worker is making progress")                                   \
	_(WORKER_STALLED, "worker_stalled", "a worker has made no progress for stall_ms")          \
	_(CONTROL_STALLED, "control_stalled",                                                      \
	  "the control lcore has not judged the workers for stall_ms")                             \
	_(STOPPING, "stopping", "the appliance is stopping")

enum health_state {
#define _(sym, name, text) HEALTH_##sym,
	foreach_health_state
#undef _
	    HEALTH_STATE_COUNT
};

extern const char *const health_state_name[HEALTH_STATE_COUNT];
extern const char *const health_state_text[HEALTH_STATE_COUNT];

/* One worker as the control lcore sees it. */
struct health_watch {
	uint64_t turns;	      /* its heartbeat when last seen to move */
	uint64_t moved_ms;    /* when that was; 0: never (the worker has not started) */
	bool stalled;	      /* no move for stall_ms */
	uint64_t stalls;      /* times it became stalled */
	uint64_t longest_ms;  /* the longest stall that ended */
	uint64_t last_gap_ms; /* set by health_judge on a recovery: how long it had not moved */
};

/* What health_judge saw happen to a worker. */
enum health_change {
	HEALTH_CHANGE_NONE,
	HEALTH_CHANGE_STARTED,	 /* its first move */
	HEALTH_CHANGE_STALLED,	 /* no move for stall_ms: now stalled */
	HEALTH_CHANGE_RECOVERED, /* a stalled worker moved again (last_gap_ms says how long) */
};

/*
 * Judge one worker from its heartbeat now (turns, read at now_ms): a
 * heartbeat that differs from the last one seen is progress; one that has
 * not moved for stall_ms or more makes the worker stalled. A worker whose
 * heartbeat is still 0 has not started: never stalled, only starting.
 * Updates w and returns what changed. Pure; now_ms must not go backwards.
 */
enum health_change health_judge(struct health_watch *w, uint64_t turns, uint64_t now_ms,
				unsigned stall_ms);

/* The appliance's state from its workers': stopping first, then any not
 * started, then any stalled. Pure. */
enum health_state health_overall(const struct health_watch *watch, unsigned count, bool stopping);

/*
 * What a health check is told at now_ms: state, judged at judged_ms,
 * unless the appliance is stopping or that judgement is older than
 * stall_ms (the control lcore is itself stalled). Pure.
 */
enum health_state health_verdict(enum health_state state, uint64_t judged_ms, uint64_t now_ms,
				 unsigned stall_ms, bool stopping);

struct health {
	unsigned stall_ms;
	unsigned worker_count;
	const volatile uint64_t *heartbeats[HEALTH_MAX_WORKERS]; /* each worker's turns */
	struct health_watch watch[HEALTH_MAX_WORKERS];
	/* Control lcore's. */
	enum health_state state;
	uint64_t state_since_ms;
	uint64_t failing; /* times the state went from healthy to failing */
	/* Published for any thread (atomic loads and stores). */
	uint32_t published_state;
	uint64_t published_ms;
};

/* An empty watch with that threshold (a board's [health] stall_ms). */
void health_init(struct health *h, unsigned stall_ms);

/* Watch one more worker through its heartbeat. Returns 0 or -ENOSPC. Before the workers run. */
int health_add_worker(struct health *h, const volatile uint64_t *heartbeat);

/*
 * Read every heartbeat, judge each worker at now_ms, log what changed
 * (a stall, a recovery, the appliance's state) and publish the verdict.
 * stopping: the appliance is shutting down. Control lcore only.
 */
void health_poll(struct health *h, uint64_t now_ms, bool stopping);

/* The verdict for a health check at now_ms (see health_verdict). Any thread. */
enum health_state health_now(const struct health *h, uint64_t now_ms, bool stopping);

/* Monotonic milliseconds (CLOCK_MONOTONIC, the clock every health time is on). */
uint64_t health_clock_ms(void);

#endif
