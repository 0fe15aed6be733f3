/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The workers' heartbeats judged on the control lcore (see health.h): the
 * pure judgement, the pass over every worker with its log lines, and the
 * verdict published for the health listener's threads. What a health
 * check is answered is control/health_listener.c's.
 */
#include <errno.h>
#include <time.h>

#include "control/health.h"
#include "platform/log.h"

const char *const health_state_name[HEALTH_STATE_COUNT] = {
#define _(sym, name, text) name,
    foreach_health_state
#undef _
};

const char *const health_state_text[HEALTH_STATE_COUNT] = {
#define _(sym, name, text) text,
    foreach_health_state
#undef _
};

uint64_t health_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

enum health_change health_judge(struct health_watch *w, uint64_t turns, uint64_t now_ms,
				unsigned stall_ms)
{
	if (turns == 0)
		return HEALTH_CHANGE_NONE; /* not started: starting, never stalled */
	if (w->moved_ms == 0 || turns != w->turns) {
		enum health_change change = w->moved_ms == 0 ? HEALTH_CHANGE_STARTED
					    : w->stalled     ? HEALTH_CHANGE_RECOVERED
							     : HEALTH_CHANGE_NONE;
		if (change == HEALTH_CHANGE_RECOVERED) {
			w->last_gap_ms = now_ms - w->moved_ms;
			if (w->last_gap_ms > w->longest_ms)
				w->longest_ms = w->last_gap_ms;
		}
		w->turns = turns;
		w->moved_ms = now_ms;
		w->stalled = false;
		return change;
	}
	if (w->stalled || now_ms - w->moved_ms < stall_ms)
		return HEALTH_CHANGE_NONE;
	w->stalled = true;
	w->stalls++;
	return HEALTH_CHANGE_STALLED;
}

enum health_state health_overall(const struct health_watch *watch, unsigned count, bool stopping)
{
	if (stopping)
		return HEALTH_STOPPING;
	bool stalled = false;
	for (unsigned i = 0; i < count; i++) {
		if (watch[i].moved_ms == 0)
			return HEALTH_STARTING;
		stalled |= watch[i].stalled;
	}
	if (count == 0)
		return HEALTH_STARTING;
	return stalled ? HEALTH_WORKER_STALLED : HEALTH_HEALTHY;
}

enum health_state health_verdict(enum health_state state, uint64_t judged_ms, uint64_t now_ms,
				 unsigned stall_ms, bool stopping)
{
	if (stopping)
		return HEALTH_STOPPING;
	if (judged_ms == 0)
		return HEALTH_STARTING; /* never judged yet */
	if (now_ms > judged_ms && now_ms - judged_ms >= stall_ms)
		return HEALTH_CONTROL_STALLED;
	return state;
}

void health_init(struct health *h, unsigned stall_ms)
{
	*h = (struct health){.stall_ms = stall_ms, .state = HEALTH_STARTING};
}

int health_add_worker(struct health *h, const volatile uint64_t *heartbeat)
{
	if (h->worker_count == HEALTH_MAX_WORKERS)
		return -ENOSPC;
	h->heartbeats[h->worker_count++] = heartbeat;
	return 0;
}

/* One worker's change, in the log (a few lines per stall, never per pass). */
static void health_log_change(const struct health *h, unsigned w, enum health_change change)
{
	const struct health_watch *watch = &h->watch[w];
	if (change == HEALTH_CHANGE_STALLED)
		log_warning("health: worker %u stalled: no progress for %u ms", w, h->stall_ms);
	else if (change == HEALTH_CHANGE_RECOVERED)
		log_info("health: worker %u moving again after %llu ms without progress", w,
			 (unsigned long long)watch->last_gap_ms);
}

void health_poll(struct health *h, uint64_t now_ms, bool stopping)
{
	for (unsigned w = 0; w < h->worker_count; w++) {
		uint64_t turns = __atomic_load_n(h->heartbeats[w], __ATOMIC_RELAXED);
		enum health_change change = health_judge(&h->watch[w], turns, now_ms, h->stall_ms);
		if (change != HEALTH_CHANGE_NONE)
			health_log_change(h, w, change);
	}
	enum health_state state = health_overall(h->watch, h->worker_count, stopping);
	if (state != h->state) {
		log_info("health: %s -> %s (%s): health checks %s", health_state_name[h->state],
			 health_state_name[state], health_state_text[state],
			 state == HEALTH_HEALTHY ? "pass" : "fail");
		if (h->state == HEALTH_HEALTHY)
			h->failing++;
		h->state = state;
		h->state_since_ms = now_ms;
	}
	/* The state first: a reader that sees the new time sees a state at least as new. */
	__atomic_store_n(&h->published_state, (uint32_t)state, __ATOMIC_RELAXED);
	__atomic_store_n(&h->published_ms, now_ms, __ATOMIC_RELEASE);
}

enum health_state health_now(const struct health *h, uint64_t now_ms, bool stopping)
{
	uint64_t judged_ms = __atomic_load_n(&h->published_ms, __ATOMIC_ACQUIRE);
	enum health_state state = __atomic_load_n(&h->published_state, __ATOMIC_RELAXED);
	return health_verdict(state, judged_ms, now_ms, h->stall_ms, stopping);
}
