/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fail-open or fail-closed ([board] fail): what traffic does when a worker
 * stops making progress. The control lcore reads every worker's heartbeat
 * (dataplane/worker.h, the loop turns health.h reads too) on each pass
 * and calls a worker whose count has not moved for [board] fail_after_ms
 * tripped:
 *
 *  - fail = open: it claims the worker's queues (dataplane/handoff.h) and,
 *    once the worker is out of any device call, forwards them itself to
 *    the pair ports without inspection, a bounded number of bursts per
 *    pass so that its own duties (lwIP, the console, alerts) go on. The
 *    worker, moving again, finds its queues taken and waits; at its next
 *    pass the control lcore stops between two bursts and gives them back.
 *    The worker then forgets its flows (they missed packets) and picks
 *    them up mid-stream. Frames of ports carrying a balancer's tunnels
 *    are dropped, not returned: their return needs the tunnel's
 *    re-encapsulation, and the balancer's own health check (failing while
 *    a worker stalls) moves the flows away.
 *  - fail = closed: it takes every data port's link down, and brings
 *    them up once no worker is tripped.
 *
 * Each transition is logged and is an EVE engine event (module
 * "watchdog", through the caller's event function). What hardware bypass NICs do by themselves (ixgbe's bypass
 * API) is not used: the devices vigil runs on have none (see README).
 *
 * The judging is pure (watchdog_judge takes the time and what the worker
 * shows as arguments) so that tests drive it; watchdog_poll is the
 * control lcore's pass, which acts on it. Control lcore only.
 */
#ifndef VIGIL_CONTROL_WATCHDOG_H
#define VIGIL_CONTROL_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define WATCHDOG_MAX_WORKERS 64
#define WATCHDOG_MAX_PORTS   32 /* port ids counted per port */
#define WATCHDOG_BURSTS	     8	/* bursts per queue and pass, at most, while forwarding */

enum watchdog_policy {
	WATCHDOG_FAIL_OPEN,
	WATCHDOG_FAIL_CLOSED,
};

/* _(SYMBOL, "name", "what it means") */
#define foreach_watchdog_state                                                                     \
	_(RUNNING, "running", "making progress on its own queues")                                 \
	_(TAKING, "taking",                                                                        \
	  "fail-open: its queues claimed, waiting for it to leave a device call")                  \
	_(BYPASSED, "bypassed",                                                                    \
	  "fail-open: its queues forwarded by the control lcore, uninspected")                     \
	_(STALLED, "stalled", "fail-closed: no progress; the data links are down")

enum watchdog_state {
#define _(sym, name, text) WATCHDOG_##sym,
	foreach_watchdog_state
#undef _
	    WATCHDOG_STATE_COUNT
};

extern const char *const watchdog_state_name[WATCHDOG_STATE_COUNT];

/* What watchdog_judge asks the control lcore to do about one worker. */
enum watchdog_action {
	WATCHDOG_NONE,
	WATCHDOG_CLAIM,	    /* fail-open: claim its queues (handoff_control_claim) */
	WATCHDOG_BYPASS,    /* the claim holds: forward them from now on */
	WATCHDOG_ABANDON,   /* it moved before the claim held: release, nothing passed */
	WATCHDOG_GIVE_BACK, /* it wants its queues back (or moved): release them */
	WATCHDOG_TRIP,	    /* fail-closed: it stalled */
	WATCHDOG_RECOVER,   /* fail-closed: it moves again */
};

/* What a worker shows, read by the caller just before judging. */
struct watchdog_view {
	uint64_t turns; /* its heartbeat */
	bool busy;	/* inside a device call (handoff.worker_busy) */
	bool waiting;	/* waiting for its queues (handoff.worker_waiting) */
};

struct worker_conf;

/* One worker as the watchdog sees it; all written on the control lcore. */
struct watchdog_worker {
	struct worker_conf *conf; /* its heartbeat, handoff and queues */
	uint64_t turns;		  /* heartbeat when last seen to move */
	uint64_t moved_ms;	  /* when that was (or when it got its queues back); 0: never */
	enum watchdog_state state;
	uint64_t since_ms;   /* when the state began */
	uint64_t trips;	     /* times it failed open or closed */
	uint64_t last_ms;    /* the last trip that ended, how long */
	uint64_t longest_ms; /* the longest */
	uint64_t received;   /* packets taken off its queues by the control lcore, in all */
	uint64_t bypassed;   /* of those, forwarded uninspected */
	uint64_t bypassed_bytes;
	uint64_t dropped;	/* of those, not forwarded: tunnel ports, the pair's queue full */
	uint64_t trip_received; /* received when the current trip began */
};

/*
 * Judge one worker at now_ms from what it shows: a heartbeat that differs
 * from the last one seen is progress; one still for after_ms or more (or
 * for after_ms since its queues came back) trips it. A worker whose
 * heartbeat is still 0 has not started and is never tripped. Fail-open:
 * RUNNING -> (CLAIM) TAKING -> (BYPASS, once not busy) BYPASSED ->
 * (GIVE_BACK, once waiting or moving) RUNNING; from TAKING, waiting or
 * moving is ABANDON. Fail-closed: RUNNING -> (TRIP) STALLED -> (RECOVER,
 * once moving) RUNNING. Updates w (state, since_ms, trips, longest_ms,
 * moved_ms) and returns what to do. Pure; now_ms must not go backwards.
 */
enum watchdog_action watchdog_judge(struct watchdog_worker *w, enum watchdog_policy policy,
				    const struct watchdog_view *view, uint64_t now_ms,
				    unsigned after_ms);

/* True when some worker is STALLED (fail-closed: the links must be down). Pure. */
bool watchdog_any_stalled(const struct watchdog_worker *workers, unsigned count);

/*
 * Set a data port's link down or up (platform/link.h: through link
 * propagation's watch, so that it takes none of it for a loss); 0 or a
 * negative errno.
 */
typedef int (*watchdog_link_fn)(void *arg, uint16_t port_id, bool up);

/* A transition as an EVE engine event (control_engine_event); level is Suricata's. */
typedef void (*watchdog_event_fn)(void *arg, const char *level, const char *message);

struct watchdog {
	enum watchdog_policy policy;
	unsigned after_ms;
	struct watchdog_worker workers[WATCHDOG_MAX_WORKERS];
	unsigned worker_count;
	uint16_t ports[WATCHDOG_MAX_PORTS]; /* the data ports: fail-closed takes them down */
	unsigned port_count;
	watchdog_link_fn link_set;
	void *link_arg;
	watchdog_event_fn event;
	void *event_arg;
	bool links_down;      /* fail-closed: taken down by us */
	uint64_t links_downs; /* times */
	unsigned bypassing;   /* workers BYPASSED now */
	/* per port id (below WATCHDOG_MAX_PORTS): packets received on it and forwarded uninspected */
	uint64_t port_bypassed[WATCHDOG_MAX_PORTS];
};

/* An idle watchdog. link_set may be NULL (fail-closed then only logs), event too. */
void watchdog_init(struct watchdog *wd, enum watchdog_policy policy, unsigned after_ms,
		   watchdog_link_fn link_set, void *link_arg, watchdog_event_fn event,
		   void *event_arg);

/* Watch one more worker. Returns 0 or -ENOSPC. Before the workers run. */
int watchdog_add_worker(struct watchdog *wd, struct worker_conf *conf);

/* One more data port (fail-closed takes it down). Returns 0 or -ENOSPC / -EINVAL. */
int watchdog_add_port(struct watchdog *wd, uint16_t port_id);

/*
 * Every worker judged at now_ms and acted on (claims, give-backs, links),
 * then a bounded share of every bypassed worker's queues forwarded.
 * Returns the packets forwarded. Control lcore.
 */
unsigned watchdog_poll(struct watchdog *wd, uint64_t now_ms);

/* True while the control lcore forwards some worker's queues (poll it often). */
static inline bool watchdog_bypassing(const struct watchdog *wd)
{
	return wd && wd->bypassing != 0;
}

/*
 * Fail-closed: bring the data links up (at start: a run before may have
 * left them down). Control lcore, before or while the workers run.
 */
void watchdog_start(struct watchdog *wd);

/*
 * The appliance stops: every claimed queue goes back to its worker (which
 * then sends what it holds and stops); fail-closed takes the data links
 * down until the next start. Control lcore, before worker_stop().
 */
void watchdog_stop(struct watchdog *wd, uint64_t now_ms);

/* The watchdog as text (one line, for the summary) and as a JSON object (stats, status). */
void watchdog_text(FILE *out, const struct watchdog *wd);
void watchdog_json(FILE *out, const struct watchdog *wd);

#endif
