/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop (see worker.h for who owns what). A burst is handled in
 * steps: decode every packet, let the filter classify the decoded burst at
 * once, decide a verdict for every packet (flow, inspection), free the
 * dropped ones and count why, then hand the rest to the pair port in one
 * transmit call.
 * Transmit never waits: what the pair's queue cannot take is freed and
 * counted as tx_full, because a stalled worker would stall every flow on
 * its queues.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "dataplane/action/exception.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/pipeline.h"
#include "dataplane/publish.h"
#include "dataplane/worker.h"
#include "platform/clock.h"

/* A stop asked for (the appliance is stopping), and the workers told to leave their loop. */
static volatile sig_atomic_t worker_stop_asked, worker_quit;

void worker_request_stop(void)
{
	worker_stop_asked = 1;
}

void worker_stop(void)
{
	worker_stop_asked = 1;
	worker_quit = 1;
}

void worker_clear_stop(void)
{
	worker_quit = 0;
	worker_stop_asked = 0;
}

bool worker_stopping(void)
{
	return worker_stop_asked != 0;
}

/* The handoff's way to end a wait for queues that will not come back. */
static bool worker_quitting(void)
{
	return worker_quit != 0;
}

/* Wall-clock time minus the monotonic clock, read again now and then (an NTP step shows soon). */
static void worker_wall_offset_refresh(struct worker_conf *conf, uint64_t monotonic_us)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t wall_us = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	conf->wall_offset_us = (int64_t)(wall_us - monotonic_us);
}

/*
 * Resets toward the receiver join the burst to the pair port; those toward
 * the sender leave by the arrival port's queue of this worker.
 */
static void worker_send_rejects(struct worker_conf *conf, const struct worker_queue *q,
				struct pipeline_rejects *rj, struct rte_mbuf **out, uint16_t *n_out,
				uint64_t *tx_bytes)
{
	for (uint16_t i = 0; i < rj->pair_count; i++) {
		*tx_bytes += rte_pktmbuf_pkt_len(rj->to_pair[i]);
		out[(*n_out)++] = rj->to_pair[i];
	}
	uint16_t sent = rte_eth_tx_burst(q->rx_port, q->tx_queue, rj->to_back, rj->back_count);
	for (uint16_t i = sent; i < rj->back_count; i++)
		rte_pktmbuf_free(rj->to_back[i]);
	conf->counters.counter[WORKER_COUNTER_REJECTS_SENT] += sent + rj->pair_count;
	conf->counters.drop[DROP_TX_FULL] += rj->back_count - sent;
}

/*
 * After a fail-open bypass: the control lcore forwarded packets of this
 * worker's queues that its flows never saw (their TCP tracks would take
 * what follows for out of window), so every flow is forgotten and picked
 * up again mid-stream. A claim the control lcore dropped before
 * forwarding anything leaves the flows as they are.
 */
static void worker_after_bypass(struct worker_conf *conf)
{
	uint64_t forwarded = handoff_forwarded(&conf->handoff);
	if (likely(forwarded == conf->bypass_seen))
		return;
	conf->bypass_seen = forwarded;
	if (conf->detect.flows)
		conf->counters.counter[WORKER_COUNTER_FLOWS_FORGOTTEN] +=
		    flow_table_forget(conf->detect.flows);
}

/* The slow half of worker_enter(): the queues had been taken. False: stopping, keep off them. */
static __attribute__((noinline)) bool worker_back(struct worker_conf *conf, enum handoff_entry e)
{
	if (e == HANDOFF_STOPPING)
		return false;
	worker_after_bypass(conf);
	return true;
}

/*
 * Before a device call on this worker's queues (dataplane/handoff.h):
 * true to go ahead, and handoff_worker_leave() after it. Per-burst path.
 */
static inline bool worker_enter(struct worker_conf *conf, enum handoff_entry *entry)
{
	*entry = handoff_worker_enter(&conf->handoff, worker_quitting);
	return likely(*entry == HANDOFF_OWNED) || worker_back(conf, *entry);
}

/* The test aid of struct worker_heartbeat: no progress at all for ms, unless stopping. */
static void worker_stall_for(uint32_t ms)
{
	uint64_t until_us = clock_monotonic_us() + (uint64_t)ms * 1000;
	while (!worker_quit && clock_monotonic_us() < until_us)
		rte_delay_us_sleep(1000);
}

/* A held burst the worker may no longer send (its queues were taken and vigil stops). */
static void worker_free_held(struct worker_conf *conf, struct rte_mbuf **out, uint16_t n_out,
			     struct pipeline_rejects *rj)
{
	rte_pktmbuf_free_bulk(out, n_out);
	rte_pktmbuf_free_bulk(rj->to_pair, rj->pair_count);
	rte_pktmbuf_free_bulk(rj->to_back, rj->back_count);
	conf->counters.drop[DROP_HANDOFF] += n_out + rj->pair_count + rj->back_count;
}

/* One burst of one queue: receive, the pipeline, transmit (what is dropped is freed and counted). */
static inline void worker_handle_queue(struct worker_conf *conf, const struct worker_queue *q)
{
	struct rte_mbuf *burst[WORKER_BURST];
	struct rte_mbuf *out[2 * WORKER_BURST];
	enum drop_reason why[WORKER_BURST];
	struct pipeline_rejects rj;
	struct worker_counters *c = &conf->counters;
	enum handoff_entry entry;
	uint64_t rx_bytes = 0, tx_bytes = 0;
	uint16_t n_out = 0;

	if (!worker_enter(conf, &entry))
		return;
	uint16_t n = rte_eth_rx_burst(q->rx_port, q->rx_queue, burst, WORKER_BURST);
	handoff_worker_leave(&conf->handoff);
	if (n == 0)
		return;
	if (unlikely(conf->stall_in_burst_ms)) {
		worker_stall_for(conf->stall_in_burst_ms);
		conf->stall_in_burst_ms = 0;
	}
	/* One clock read per burst (vDSO, no system call); the wall clock's
	 * offset every 256 bursts. */
	uint64_t now_us = clock_monotonic_us();
	if (unlikely((conf->bursts_since_wall++ & 255) == 0))
		worker_wall_offset_refresh(conf, now_us);

	rx_bytes = pipeline_burst(conf, q, burst, n, now_us, why, &rj);

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = burst[i];
		if (unlikely(m == NULL))
			continue; /* taken by the exception path */
		uint32_t len = rte_pktmbuf_pkt_len(m);
		rx_bytes += len;
		if (likely(why[i] == DROP_REASON_COUNT)) {
			out[n_out++] = m;
			tx_bytes += len;
			continue;
		}
		c->drop[why[i]]++;
		rte_pktmbuf_free(m);
	}
	c->counter[WORKER_COUNTER_RX_PACKETS] += n;
	c->counter[WORKER_COUNTER_RX_BYTES] += rx_bytes;
	if (n_out == 0 && likely(!(rj.back_count | rj.pair_count)))
		return;

	/* The queues may have been taken while the burst was in the pipeline
	 * (a fail-open): then it waits for them, and sends the burst late. */
	if (!worker_enter(conf, &entry)) {
		worker_free_held(conf, out, n_out, &rj);
		return;
	}
	if (unlikely(entry == HANDOFF_RETURNED))
		c->counter[WORKER_COUNTER_HELD_THROUGH_BYPASS] +=
		    n_out + rj.back_count + rj.pair_count;
	if (unlikely(rj.back_count | rj.pair_count))
		worker_send_rejects(conf, q, &rj, out, &n_out, &tx_bytes);
	uint16_t sent = rte_eth_tx_burst(q->tx_port, q->tx_queue, out, n_out);
	handoff_worker_leave(&conf->handoff);
	for (uint16_t i = sent; i < n_out; i++) {
		tx_bytes -= rte_pktmbuf_pkt_len(out[i]);
		rte_pktmbuf_free(out[i]);
	}
	c->drop[DROP_TX_FULL] += n_out - sent;
	c->counter[WORKER_COUNTER_TX_PACKETS] += sent;
	c->counter[WORKER_COUNTER_TX_BYTES] += tx_bytes;
}

static struct publish_domain *worker_domain(struct worker_conf *conf)
{
	return conf->detect.published ? &conf->detect.published->domain : NULL;
}

/*
 * The test aid of struct worker_heartbeat: stall as a stuck worker would,
 * no queue served and no heartbeat, but end early on worker_stop() so
 * that the appliance still stops at once; or, asked to stall inside a
 * burst, do so at the next burst that brings packets.
 */
static void worker_test_stall(struct worker_conf *conf)
{
	uint32_t ms = __atomic_exchange_n(&conf->heartbeat.test_stall_ms, 0, __ATOMIC_ACQUIRE);
	uint32_t in_burst = __atomic_load_n(&conf->heartbeat.test_stall_in_burst, __ATOMIC_RELAXED);
	if (in_burst)
		conf->stall_in_burst_ms = ms;
	else
		worker_stall_for(ms);
}

/* The exception path's frames for the wire go out on this worker's queues: entered like a burst. */
static void worker_send_exceptions(struct worker_conf *conf)
{
	enum handoff_entry entry;
	if (!worker_enter(conf, &entry))
		return;
	exception_send(conf->exceptions, (uint16_t)conf->worker_index);
	handoff_worker_leave(&conf->handoff);
}

void worker_poll(struct worker_conf *conf)
{
	if (unlikely(__atomic_load_n(&conf->heartbeat.test_stall_ms, __ATOMIC_RELAXED)))
		worker_test_stall(conf);
	/* a bypass that ended without this worker waiting for its queues */
	worker_after_bypass(conf);
	for (unsigned i = 0; i < conf->queue_count; i++)
		worker_handle_queue(conf, &conf->queues[i]);
	if (unlikely(conf->exceptions != NULL))
		worker_send_exceptions(conf);
	pipeline_housekeeping(&conf->detect);
	/* no published pointer is held past this point (RCU) */
	if (conf->detect.filter)
		filter_worker_quiescent(conf->detect.filter);
	publish_worker_quiescent(worker_domain(conf), conf->worker_index);
	/* one turn made: the control lcore's health watch sees it move */
	__atomic_store_n(&conf->heartbeat.turns, conf->heartbeat.turns + 1, __ATOMIC_RELAXED);
}

int worker_main(void *arg)
{
	struct worker_conf *conf = arg;

	publish_worker_online(worker_domain(conf), conf->worker_index);
	detect_rules_sync(&conf->detect);
	while (!worker_quit)
		worker_poll(conf);
	/* what the flows' parsers hold is inspected before the rules are let go */
	pipeline_flows_end(&conf->detect);
	publish_worker_offline(worker_domain(conf), conf->worker_index);
	return 0;
}
