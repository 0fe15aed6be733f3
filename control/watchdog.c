/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fail-open / fail-closed watchdog (see watchdog.h): the pure
 * judgement of each worker, the control lcore's pass that acts on it
 * (claims and give-backs of queues, links down and up, the log lines and
 * EVE events of every transition), and the forwarding of a bypassed
 * worker's queues. The handoff protocol itself is dataplane/handoff.h's;
 * setting a link is platform/link.h's (through the caller's link_set).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "control/watchdog.h"
#include "dataplane/action/exception.h"
#include "dataplane/handoff.h"
#include "dataplane/worker.h"
#include "platform/log.h"

#define WATCHDOG_MODULE "watchdog"

const char *const watchdog_state_name[WATCHDOG_STATE_COUNT] = {
#define _(sym, name, text) name,
    foreach_watchdog_state
#undef _
};

/* ---- the judgement (pure) ---- */

static void watchdog_enter(struct watchdog_worker *w, enum watchdog_state state, uint64_t now_ms)
{
	w->state = state;
	w->since_ms = now_ms;
}

/* A trip ends: the worker counts as moving from now on, and the trip's length is kept. */
static void watchdog_trip_ends(struct watchdog_worker *w, uint64_t now_ms)
{
	w->last_ms = now_ms - w->since_ms;
	if (w->last_ms > w->longest_ms)
		w->longest_ms = w->last_ms;
	w->moved_ms = now_ms;
	watchdog_enter(w, WATCHDOG_RUNNING, now_ms);
}

enum watchdog_action watchdog_judge(struct watchdog_worker *w, enum watchdog_policy policy,
				    const struct watchdog_view *view, uint64_t now_ms,
				    unsigned after_ms)
{
	bool moved = view->turns != 0 && (w->moved_ms == 0 || view->turns != w->turns);
	if (moved) {
		w->turns = view->turns;
		if (w->state == WATCHDOG_RUNNING)
			w->moved_ms = now_ms;
	}
	switch (w->state) {
	case WATCHDOG_RUNNING:
		if (w->moved_ms == 0 || now_ms - w->moved_ms < after_ms)
			return WATCHDOG_NONE; /* not started, or moving */
		w->trips++;
		watchdog_enter(w, policy == WATCHDOG_FAIL_OPEN ? WATCHDOG_TAKING : WATCHDOG_STALLED,
			       now_ms);
		return policy == WATCHDOG_FAIL_OPEN ? WATCHDOG_CLAIM : WATCHDOG_TRIP;
	case WATCHDOG_TAKING:
		if (moved || view->waiting) {
			/* it was slow, not stuck: nothing passed, no trip to count */
			w->trips--;
			w->moved_ms = now_ms;
			watchdog_enter(w, WATCHDOG_RUNNING, now_ms);
			return WATCHDOG_ABANDON;
		}
		if (view->busy)
			return WATCHDOG_NONE; /* inside a device call: the queues are not ours yet */
		watchdog_enter(w, WATCHDOG_BYPASSED, w->since_ms);
		return WATCHDOG_BYPASS;
	case WATCHDOG_BYPASSED:
		if (!moved && !view->waiting)
			return WATCHDOG_NONE;
		watchdog_trip_ends(w, now_ms);
		return WATCHDOG_GIVE_BACK;
	case WATCHDOG_STALLED:
		if (!moved)
			return WATCHDOG_NONE;
		watchdog_trip_ends(w, now_ms);
		return WATCHDOG_RECOVER;
	default:
		return WATCHDOG_NONE;
	}
}

bool watchdog_any_stalled(const struct watchdog_worker *workers, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (workers[i].state == WATCHDOG_STALLED)
			return true;
	return false;
}

/* ---- set-up ---- */

void watchdog_init(struct watchdog *wd, enum watchdog_policy policy, unsigned after_ms,
		   watchdog_link_fn link_set, void *link_arg, watchdog_event_fn event,
		   void *event_arg)
{
	memset(wd, 0, sizeof(*wd));
	wd->policy = policy;
	wd->after_ms = after_ms;
	wd->link_set = link_set;
	wd->link_arg = link_arg;
	wd->event = event;
	wd->event_arg = event_arg;
}

int watchdog_add_worker(struct watchdog *wd, struct worker_conf *conf)
{
	if (wd->worker_count == WATCHDOG_MAX_WORKERS)
		return -ENOSPC;
	wd->workers[wd->worker_count++] = (struct watchdog_worker){.conf = conf};
	return 0;
}

int watchdog_add_port(struct watchdog *wd, uint16_t port_id)
{
	if (wd->port_count == WATCHDOG_MAX_PORTS)
		return -ENOSPC;
	if (port_id >= WATCHDOG_MAX_PORTS)
		return -EINVAL;
	wd->ports[wd->port_count++] = port_id;
	return 0;
}

/* ---- acting on it ---- */

/* A transition: one log line and one EVE engine event with the same words. */
static void watchdog_report(struct watchdog *wd, bool warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void watchdog_report(struct watchdog *wd, bool warning, const char *fmt, ...)
{
	char message[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (warning)
		log_warning("%s: %s", WATCHDOG_MODULE, message);
	else
		log_info("%s: %s", WATCHDOG_MODULE, message);
	if (wd->event)
		wd->event(wd->event_arg, warning ? "Warning" : "Info", message);
}

/* Every data port's link down or up; the time it took is logged. */
static void watchdog_links(struct watchdog *wd, bool up, const char *why)
{
	unsigned failed = 0;
	int last = 0;
	for (unsigned i = 0; i < wd->port_count; i++) {
		int rc = wd->link_set ? wd->link_set(wd->link_arg, wd->ports[i], up) : -ENOTSUP;
		if (rc < 0) {
			failed++;
			last = rc;
		}
	}
	wd->links_down = !up;
	if (!up)
		wd->links_downs++;
	if (failed)
		watchdog_report(wd, true,
				"fail-closed: %u of %u data link(s) could not be set %s: %s",
				failed, wd->port_count, up ? "up" : "down", strerror(-last));
	else
		watchdog_report(wd, !up, "fail-closed: %u data link(s) %s (%s)", wd->port_count,
				up ? "up" : "down", why);
}

static void watchdog_view_read(const struct watchdog_worker *w, struct watchdog_view *v)
{
	const struct worker_conf *conf = w->conf;
	v->turns = __atomic_load_n(&conf->heartbeat.turns, __ATOMIC_RELAXED);
	v->busy = !handoff_control_ready(&conf->handoff);
	v->waiting = handoff_worker_wants_back(&conf->handoff);
}

static void watchdog_act(struct watchdog *wd, unsigned i, enum watchdog_action action,
			 uint64_t now_ms)
{
	struct watchdog_worker *w = &wd->workers[i];
	struct handoff *h = &w->conf->handoff;
	switch (action) {
	case WATCHDOG_CLAIM:
		handoff_control_claim(h);
		break;
	case WATCHDOG_BYPASS:
		wd->bypassing++;
		w->trip_received = w->received;
		watchdog_report(wd, true,
				"fail-open: worker %u made no progress for %" PRIu64
				" ms: its queues are forwarded without inspection",
				i, now_ms - (w->moved_ms ? w->moved_ms : now_ms));
		break;
	case WATCHDOG_ABANDON:
		handoff_control_release(h, w->received);
		break;
	case WATCHDOG_GIVE_BACK:
		wd->bypassing--;
		handoff_control_release(h, w->received);
		watchdog_report(wd, false,
				"fail-open ended: worker %u moves again after %" PRIu64
				" ms; %" PRIu64
				" packet(s) passed uninspected meanwhile; inspection "
				"resumes",
				i, w->last_ms, w->received - w->trip_received);
		break;
	case WATCHDOG_TRIP:
		watchdog_report(wd, true, "fail-closed: worker %u made no progress for %u ms", i,
				wd->after_ms);
		if (!wd->links_down)
			watchdog_links(wd, false, "a worker stalled");
		break;
	case WATCHDOG_RECOVER:
		watchdog_report(wd, false, "fail-closed: worker %u moves again", i);
		if (wd->links_down && !watchdog_any_stalled(wd->workers, wd->worker_count))
			watchdog_links(wd, true, "every worker moves again");
		break;
	default:
		break;
	}
}

/*
 * Forward a bypassed worker's queues without inspection: at most
 * WATCHDOG_BURSTS bursts per queue, to the pair port's queue of the same
 * worker; a tunnel port's frames are dropped (their return needs
 * re-encapsulation). The exception path's frames for the wire, which the
 * worker sends on its queues, go out too. Returns the packets received.
 */
static unsigned watchdog_forward(struct watchdog *wd, struct watchdog_worker *w)
{
	struct worker_conf *conf = w->conf;
	struct rte_mbuf *burst[WORKER_BURST];
	unsigned received = 0;
	for (unsigned i = 0; i < conf->queue_count; i++) {
		const struct worker_queue *q = &conf->queues[i];
		for (unsigned b = 0; b < WATCHDOG_BURSTS; b++) {
			uint16_t n = rte_eth_rx_burst(q->rx_port, q->rx_queue, burst, WORKER_BURST);
			if (n == 0)
				break;
			received += n;
			uint16_t sent = 0;
			uint64_t bytes = 0;
			if (!q->tunnels) {
				for (uint16_t k = 0; k < n; k++)
					bytes += rte_pktmbuf_pkt_len(burst[k]);
				sent = rte_eth_tx_burst(q->tx_port, q->tx_queue, burst, n);
			}
			for (uint16_t k = sent; k < n; k++) {
				bytes -= q->tunnels ? 0 : rte_pktmbuf_pkt_len(burst[k]);
				rte_pktmbuf_free(burst[k]);
			}
			w->bypassed += sent;
			w->bypassed_bytes += bytes;
			w->dropped += n - sent;
			if (q->rx_port < WATCHDOG_MAX_PORTS)
				wd->port_bypassed[q->rx_port] += sent;
			if (n < WORKER_BURST)
				break;
		}
	}
	if (conf->exceptions)
		exception_send(conf->exceptions, (uint16_t)conf->worker_index);
	w->received += received;
	return received;
}

unsigned watchdog_poll(struct watchdog *wd, uint64_t now_ms)
{
	unsigned forwarded = 0;
	for (unsigned i = 0; i < wd->worker_count; i++) {
		struct watchdog_worker *w = &wd->workers[i];
		struct watchdog_view view;
		watchdog_view_read(w, &view);
		enum watchdog_action action =
		    watchdog_judge(w, wd->policy, &view, now_ms, wd->after_ms);
		watchdog_act(wd, i, action, now_ms);
		if (action == WATCHDOG_CLAIM) {
			/* after the claim's barrier, busy tells whether the queues are ours */
			watchdog_view_read(w, &view);
			action = watchdog_judge(w, wd->policy, &view, now_ms, wd->after_ms);
			watchdog_act(wd, i, action, now_ms);
		}
		if (w->state == WATCHDOG_BYPASSED)
			forwarded += watchdog_forward(wd, w);
	}
	return forwarded;
}

void watchdog_start(struct watchdog *wd)
{
	if (wd->policy == WATCHDOG_FAIL_CLOSED)
		watchdog_links(wd, true, "starting");
}

void watchdog_stop(struct watchdog *wd, uint64_t now_ms)
{
	for (unsigned i = 0; i < wd->worker_count; i++) {
		struct watchdog_worker *w = &wd->workers[i];
		if (w->state == WATCHDOG_BYPASSED) {
			watchdog_trip_ends(w, now_ms);
			watchdog_act(wd, i, WATCHDOG_GIVE_BACK, now_ms);
		} else if (w->state == WATCHDOG_TAKING) {
			watchdog_trip_ends(w, now_ms);
			watchdog_act(wd, i, WATCHDOG_ABANDON, now_ms);
		}
	}
	if (wd->policy == WATCHDOG_FAIL_CLOSED)
		watchdog_links(wd, false, "stopping: down until the next start");
}

/* ---- the report ---- */

static void watchdog_totals(const struct watchdog *wd, uint64_t *trips, uint64_t *bypassed,
			    uint64_t *dropped, uint64_t *longest)
{
	*trips = *bypassed = *dropped = *longest = 0;
	for (unsigned i = 0; i < wd->worker_count; i++) {
		const struct watchdog_worker *w = &wd->workers[i];
		*trips += w->trips;
		*bypassed += w->bypassed;
		*dropped += w->dropped;
		if (w->longest_ms > *longest)
			*longest = w->longest_ms;
	}
}

void watchdog_text(FILE *out, const struct watchdog *wd)
{
	uint64_t trips, bypassed, dropped, longest;
	watchdog_totals(wd, &trips, &bypassed, &dropped, &longest);
	fprintf(out,
		"fail-%s after %u ms: %" PRIu64 " trip(s), longest %" PRIu64 " ms; %" PRIu64
		" packet(s) bypassed uninspected, %" PRIu64 " dropped; links taken down %" PRIu64
		" time(s)\n",
		wd->policy == WATCHDOG_FAIL_OPEN ? "open" : "closed", wd->after_ms, trips, longest,
		bypassed, dropped, wd->links_downs);
}

void watchdog_json(FILE *out, const struct watchdog *wd)
{
	uint64_t trips, bypassed, dropped, longest;
	watchdog_totals(wd, &trips, &bypassed, &dropped, &longest);
	fprintf(out,
		"{\"policy\":\"%s\",\"after_ms\":%u,\"trips\":%" PRIu64 ",\"longest_ms\":%" PRIu64
		",\"bypassed\":%" PRIu64 ",\"dropped\":%" PRIu64 ",\"links_down\":%s,"
		"\"links_downs\":%" PRIu64 ",\"workers\":[",
		wd->policy == WATCHDOG_FAIL_OPEN ? "open" : "closed", wd->after_ms, trips, longest,
		bypassed, dropped, wd->links_down ? "true" : "false", wd->links_downs);
	for (unsigned i = 0; i < wd->worker_count; i++) {
		const struct watchdog_worker *w = &wd->workers[i];
		fprintf(out,
			"%s{\"worker\":%u,\"state\":\"%s\",\"trips\":%" PRIu64
			",\"longest_ms\":%" PRIu64 ",\"bypassed\":%" PRIu64
			",\"bypassed_bytes\":%" PRIu64 ",\"dropped\":%" PRIu64 ",\"waits\":%" PRIu64
			"}",
			i ? "," : "", i, watchdog_state_name[w->state], w->trips, w->longest_ms,
			w->bypassed, w->bypassed_bytes, w->dropped,
			(uint64_t)__atomic_load_n(&w->conf->handoff.waits, __ATOMIC_RELAXED));
	}
	fprintf(out, "],\"ports\":[");
	for (unsigned i = 0; i < wd->port_count; i++)
		fprintf(out, "%s{\"port_id\":%u,\"bypassed\":%" PRIu64 "}", i ? "," : "",
			wd->ports[i], wd->port_bypassed[wd->ports[i]]);
	fprintf(out, "]}");
}
