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

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "dataplane/alert.h"
#include "dataplane/decode/decode.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/action/exception.h"
#include "dataplane/filter/filter.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/action/reject.h"
#include "dataplane/worker.h"

static volatile sig_atomic_t worker_quit;

void worker_stop(void)
{
	worker_quit = 1;
}

void worker_clear_stop(void)
{
	worker_quit = 0;
}

bool worker_stopping(void)
{
	return worker_quit != 0;
}

/* Protocol counters from what the decoders found. Per-packet path. */
static inline void worker_count_layers(struct worker_counters *c, const struct packet *p)
{
	uint64_t *n = c->counter;
	uint32_t f = p->flags;

	n[WORKER_COUNTER_VLAN] += !!(f & PACKET_VLAN);
	n[WORKER_COUNTER_IPV4] += !!(f & PACKET_IPV4);
	n[WORKER_COUNTER_IPV6] += !!(f & PACKET_IPV6);
	n[WORKER_COUNTER_FRAGMENTS] += !!(f & PACKET_FRAGMENT);
	n[WORKER_COUNTER_TCP] += !!(f & PACKET_TCP);
	n[WORKER_COUNTER_UDP] += !!(f & PACKET_UDP);
	n[WORKER_COUNTER_ICMP] += !!(f & PACKET_ICMP);
	n[WORKER_COUNTER_ICMPV6] += !!(f & PACKET_ICMPV6);
	n[WORKER_COUNTER_OTHER_L3] += !!(f & PACKET_L3_UNKNOWN);
	n[WORKER_COUNTER_OTHER_L4] += !!(f & PACKET_L4_UNKNOWN);
}

/*
 * When the packet was seen: the receive timestamp the device left in the
 * mbuf (the pcap device gives each record's capture time, in microseconds),
 * else now on the worker's monotonic clock. Flows, windows and timeouts
 * run on it, so a wall-clock step (NTP, an operator) neither expires every
 * flow at once nor keeps dead ones for hours; what is shown (alerts, drop
 * events, rate-limit blocks) adds the wall-clock offset, 0 for capture
 * times, so an offline run reports capture times.
 */
static void worker_wall_offset_apply(struct worker_conf *conf, int64_t offset)
{
	conf->inspect.wall_offset_us = offset;
	if (conf->inspect.filter)
		conf->inspect.filter->wall_offset_us = offset;
	if (conf->inspect.ratelimit)
		conf->inspect.ratelimit->wall_offset_us = offset;
}

/* The burst's clock's offset goes to every stage once per burst (worker_handle_queue()). */
static inline uint64_t worker_packet_time(struct worker_conf *conf, const struct rte_mbuf *m,
					  uint64_t now_us)
{
	if (!(conf->timestamp_offset >= 0 && (m->ol_flags & conf->timestamp_flag)))
		return now_us;
	if (unlikely(conf->inspect.wall_offset_us != 0))
		worker_wall_offset_apply(conf, 0); /* capture times are shown as they are */
	return *RTE_MBUF_DYNFIELD(m, conf->timestamp_offset, const uint64_t *);
}

/* Wall-clock time minus the monotonic clock, read again now and then (an NTP step shows soon). */
static void worker_wall_offset_refresh(struct worker_conf *conf, uint64_t monotonic_us)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t wall_us = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	conf->wall_offset_us = (int64_t)(wall_us - monotonic_us);
}

/* Reject frames made while handling one burst, sent after it. */
struct worker_rejects {
	struct rte_mbuf *to_pair[WORKER_BURST]; /* toward the receiver: out of the pair port */
	struct rte_mbuf *to_back[WORKER_BURST]; /* toward the sender: out of the arrival port */
	uint16_t pair_count, back_count;
};

static void worker_reject(struct worker_conf *conf, const struct packet *p,
			  struct worker_rejects *rj)
{
	struct rte_mbuf *to_sender, *to_receiver;
	reject_build(p, conf->pool, &to_sender, &to_receiver);
	if (to_sender)
		rj->to_back[rj->back_count++] = to_sender;
	if (to_receiver)
		rj->to_pair[rj->pair_count++] = to_receiver;
}

/*
 * Decode one packet of the burst into p; returns true when it goes on to
 * inspection, else false with *why: DROP_MALFORMED, or DROP_REASON_COUNT
 * when the board forwards malformed packets uninspected. Per-packet path.
 */
/*
 * A first fragment that ends inside its transport header (tiny fragments,
 * an old evasion: the ports or TCP flags only in the second fragment) is
 * not malformed when fragments are reassembled: the transport header is
 * decoded from the whole datagram. Its IP fields are all set; the partial
 * transport flags go.
 */
static bool worker_fragment_cut_header(struct packet *p, enum decode_error error)
{
	if (!(p->flags & PACKET_FIRST_FRAGMENT) || !p->more_fragments)
		return false;
	switch (error) {
	case DECODE_TCP_TRUNCATED:
	case DECODE_TCP_BAD_HEADER_LEN:
	case DECODE_TCP_BAD_OPTIONS:
	case DECODE_UDP_TRUNCATED:
	case DECODE_ICMP_TRUNCATED:
	case DECODE_ICMPV6_TRUNCATED:
		p->flags &= ~(uint32_t)(PACKET_TCP | PACKET_UDP | PACKET_ICMP | PACKET_ICMPV6);
		return true;
	default:
		return false;
	}
}

static inline bool worker_decode(struct worker_conf *conf, struct rte_mbuf *m, struct packet *p,
				 enum drop_reason *why)
{
	struct worker_counters *c = &conf->counters;
	uint32_t len = rte_pktmbuf_pkt_len(m);

	/* Decoders need the frame contiguous; chained mbufs (jumbo pcap
	 * records) are copied into the worker's scratch buffer. */
	if (len > WORKER_SCRATCH_SIZE)
		len = WORKER_SCRATCH_SIZE;
	const uint8_t *data = rte_pktmbuf_read(m, 0, len, conf->scratch);

	enum decode_error error = decode_packet(p, data, len);
	worker_count_layers(c, p);
	*why = DROP_REASON_COUNT;
	if (likely(error == DECODE_OK))
		return true;
	if (conf->defrag && worker_fragment_cut_header(p, error))
		return true;
	c->counter[WORKER_COUNTER_MALFORMED]++;
	c->malformed[error]++;
	if (conf->drop_malformed)
		*why = DROP_MALFORMED;
	return false;
}

/*
 * An EVE anomaly event for a datagram IP reassembly refused, once per
 * datagram: its later fragments (late), floods of new ones and bad
 * checksums are counted only, so that a flood of fragments cannot flood
 * the alert ring. A full ring is counted, never waited on.
 */
static void worker_defrag_event(struct worker_conf *conf, const struct packet *p,
				enum defrag_reason r, uint64_t time_us)
{
	if (r == DEFRAG_LATE || r == DEFRAG_FLOOD || r == DEFRAG_BAD_CHECKSUM ||
	    !conf->inspect.alerts)
		return;
	struct alert a = {
	    .timestamp_us = time_us + (uint64_t)conf->inspect.wall_offset_us,
	    .src_port = p->src_port,
	    .dst_port = p->dst_port,
	    .ip_version = p->ip_version,
	    .l4_proto = p->l4_proto,
	    .blocked = conf->enforce,
	    .worker = (uint16_t)conf->worker_index,
	    .app_proto = ALERT_APP_PROTO_NONE,
	    .anomaly = 1,
	    .anomaly_reason = (uint8_t)r,
	    .packet_number = conf->inspect.packet_number,
	};
	memcpy(a.src_addr, p->src_addr, sizeof(a.src_addr));
	memcpy(a.dst_addr, p->dst_addr, sizeof(a.dst_addr));
	if (rte_ring_sp_enqueue_elem(conf->inspect.alerts, &a, sizeof(a)) == 0)
		conf->counters.counter[WORKER_COUNTER_ALERTS]++;
	else
		conf->counters.counter[WORKER_COUNTER_ALERTS_LOST]++;
}

/*
 * Inspect one decoded packet (flow, filter verdict, rules); returns
 * DROP_REASON_COUNT when it is to be forwarded, else why it is dropped.
 * Per-packet path.
 */
static inline enum drop_reason worker_inspect(struct worker_conf *conf, struct rte_mbuf *m,
					      struct packet *p, uint64_t now_us,
					      struct worker_rejects *rj)
{
	/* The scratch buffer holds the burst's last chained frame only: a
	 * chained one decoded before it is copied in again (same bytes, same
	 * offsets). */
	if (unlikely(p->data == conf->scratch))
		p->data = rte_pktmbuf_read(m, 0, p->len, conf->scratch);
	uint64_t time_us = worker_packet_time(conf, m, now_us);
	const struct packet *whole = p;
	if (unlikely(p->flags & PACKET_FRAGMENT) && conf->defrag) {
		/* inspected whole: the datagram's last fragment takes its verdict */
		enum defrag_reason r = defrag_packet(conf->defrag, p, time_us, &whole);
		if (r == DEFRAG_HELD)
			return DROP_REASON_COUNT;
		if (r != DEFRAG_COMPLETE) {
			worker_defrag_event(conf, p, r, time_us);
			return conf->enforce ? DROP_FRAGMENT : DROP_REASON_COUNT;
		}
	}
	enum verdict verdict = inspect_packet(&conf->inspect, whole, time_us);
	if (likely(verdict == VERDICT_PASS || !conf->enforce))
		return DROP_REASON_COUNT;
	if (unlikely(whole != p))
		defrag_bury_packet(conf->defrag, p,
				   time_us); /* a resent last piece is refused too */
	if (verdict == VERDICT_FILTER_DROP)
		return DROP_FILTER;
	if (verdict == VERDICT_REJECT)
		worker_reject(conf, whole, rj);
	return conf->inspect.rate_limited ? DROP_RATE_LIMIT : DROP_VERDICT;
}

/*
 * Resets toward the receiver join the burst to the pair port; those toward
 * the sender leave by the arrival port's queue of this worker.
 */
static void worker_send_rejects(struct worker_conf *conf, const struct worker_queue *q,
				struct worker_rejects *rj, struct rte_mbuf **out, uint16_t *n_out,
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
 * A frame for the appliance itself goes to the exception path, which owns
 * it from now on: *slot is cleared so the burst's later passes skip it.
 */
static inline bool worker_take_exception(struct worker_conf *conf, const struct worker_queue *q,
					 struct rte_mbuf **slot, uint64_t *rx_bytes)
{
	uint32_t len = rte_pktmbuf_pkt_len(*slot);
	if (!exception_take(conf->exceptions, q->rx_port, *slot))
		return false;
	*rx_bytes += len;
	*slot = NULL;
	return true;
}

/*
 * One burst of one queue, in three passes: decode every packet, let the
 * filter classify the decoded burst at once (rte_acl and the IP-set
 * lookups are built for bursts), then take each packet on through its
 * flow, inspection and verdict (or, when the filter's results are the
 * whole verdict, straight to it).
 */
static inline void worker_handle_queue(struct worker_conf *conf, const struct worker_queue *q)
{
	struct rte_mbuf *burst[WORKER_BURST];
	struct rte_mbuf *out[2 * WORKER_BURST];
	struct packet pkts[WORKER_BURST];
	const struct packet *decoded[WORKER_BURST];
	enum drop_reason why[WORKER_BURST];
	struct worker_rejects rj;
	struct worker_counters *c = &conf->counters;
	struct filter_context *filter = conf->inspect.filter;
	uint64_t rx_bytes = 0, tx_bytes = 0;
	uint16_t n_out = 0;

	uint16_t n = rte_eth_rx_burst(q->rx_port, q->rx_queue, burst, WORKER_BURST);
	if (n == 0)
		return;
	/* One clock read per burst (vDSO, no system call); the wall clock's
	 * offset every 256 bursts. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now_us = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	if (unlikely((conf->bursts_since_wall++ & 255) == 0))
		worker_wall_offset_refresh(conf, now_us);
	worker_wall_offset_apply(conf, conf->wall_offset_us);
	rj.pair_count = rj.back_count = 0;
	uint32_t fragments = 0; /* PACKET_FRAGMENT when the burst holds one */

	for (uint16_t i = 0; i < n; i++) {
		/* the appliance's own frames go to the control lcore's stack */
		if (unlikely(conf->exceptions != NULL) &&
		    worker_take_exception(conf, q, &burst[i], &rx_bytes)) {
			decoded[i] = NULL;
			continue;
		}
		decoded[i] = worker_decode(conf, burst[i], &pkts[i], &why[i]) ? &pkts[i] : NULL;
		if (decoded[i])
			fragments |= pkts[i].flags & PACKET_FRAGMENT;
	}
	bool filter_alone = false;
	uint32_t filter_denied = 0; /* bit i: packet i denied, when filter_alone */
	if (filter) {
		filter->rx_protected = q->rx_protected;
		filter_classify_burst(filter, decoded, n);
		/* With no rules and no rate limits, a burst the filter decides by
		 * itself goes no further than its results: no flow, no inspection.
		 * Fragments are judged as whole datagrams (worker_inspect()). */
		filter_alone = filter_burst_decides(filter) && !conf->inspect.ruleset &&
			       !conf->inspect.ratelimit && !(fragments && conf->defrag);
		if (filter_alone) {
			conf->inspect.now_us = now_us;		       /* the flow table's clock */
			filter_denied = filter_burst_verdicts(filter); /* counted either way */
			if (!conf->enforce || !conf->inspect.enforce)
				filter_denied = 0; /* ids: all pass */
		}
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = burst[i];
		if (unlikely(m == NULL))
			continue; /* taken by the exception path */
		uint32_t len = rte_pktmbuf_pkt_len(m);
		rx_bytes += len;
		if (unlikely(decoded[i] == NULL)) {
			/* why[i] says it all */
		} else if (filter_alone) {
			why[i] = (filter_denied >> i) & 1 ? DROP_FILTER : DROP_REASON_COUNT;
		} else {
			conf->inspect.packet_number =
			    c->counter[WORKER_COUNTER_RX_PACKETS] + i + 1u;
			if (filter)
				filter->burst.slot = i;
			why[i] = worker_inspect(conf, m, &pkts[i], now_us, &rj);
		}
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
	if (unlikely(rj.back_count | rj.pair_count))
		worker_send_rejects(conf, q, &rj, out, &n_out, &tx_bytes);
	if (n_out == 0)
		return;

	uint16_t sent = rte_eth_tx_burst(q->tx_port, q->tx_queue, out, n_out);
	for (uint16_t i = sent; i < n_out; i++) {
		tx_bytes -= rte_pktmbuf_pkt_len(out[i]);
		rte_pktmbuf_free(out[i]);
	}
	c->drop[DROP_TX_FULL] += n_out - sent;
	c->counter[WORKER_COUNTER_TX_PACKETS] += sent;
	c->counter[WORKER_COUNTER_TX_BYTES] += tx_bytes;
}

_Static_assert(WORKER_BURST <= FILTER_BURST_MAX, "the filter classifies a whole burst");

void worker_poll(struct worker_conf *conf)
{
	for (unsigned i = 0; i < conf->queue_count; i++)
		worker_handle_queue(conf, &conf->queues[i]);
	if (unlikely(conf->exceptions != NULL))
		exception_send(conf->exceptions, (uint16_t)conf->worker_index);
	inspect_housekeeping(&conf->inspect);
	inspect_rules_take(&conf->inspect);
	/* no filter tables pointer is held past this point (RCU) */
	if (conf->inspect.filter)
		filter_worker_quiescent(conf->inspect.filter);
}

int worker_main(void *arg)
{
	struct worker_conf *conf = arg;

	if (conf->inspect.filter)
		filter_worker_online(conf->inspect.filter);
	while (!worker_quit)
		worker_poll(conf);
	if (conf->inspect.filter)
		filter_worker_offline(conf->inspect.filter);
	return 0;
}
