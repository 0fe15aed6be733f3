/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: run to completion over bursts of 32 packets. Receive
 * from each (port, queue) the worker owns, run the pipeline over the burst
 * (dataplane/pipeline.h: decode, defrag, flow, filter, stream, app,
 * detect, verdict), and transmit to the pair port on the same queue index.
 *
 * Ownership: platform/ builds one struct worker_conf per worker lcore before
 * launch and does not touch it while the worker runs, except to read the
 * counters (the control lcore sums them on read) and the heartbeat, to
 * raise the stop flag, and, as a test aid, to ask for a stall;
 * what changes at run time (rules, mode, filter) is published
 * (dataplane/publish.h) and adopted by the worker itself.
 * Queue i of every data port belongs to worker i, so no two lcores share a
 * queue and the loop takes no locks; the one exception is a fail-open
 * bypass, when the control lcore takes a stalled worker's queues through
 * its struct handoff (dataplane/handoff.h) and gives them back.
 */
#ifndef VIGIL_DATAPLANE_WORKER_H
#define VIGIL_DATAPLANE_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/counters.h"
#include "dataplane/decode/decode.h"
#include "dataplane/detect/detect.h"
#include "dataplane/handoff.h"

struct defrag_table;
struct encap_outer;

struct rte_mempool;
struct exception_path;

#define WORKER_BURST	    32
#define WORKER_MAX_QUEUES   16
#define WORKER_SCRATCH_SIZE 65536 /* largest frame a pcap can hold, linearised */

struct worker_queue {
	uint16_t rx_port;
	uint16_t rx_queue;
	uint16_t tx_port; /* the pair of rx_port */
	uint16_t tx_queue;
	bool rx_protected; /* rx_port faces the protected side: what arrives is egress (filter) */
	/* Tunnels peeled on rx_port (a gateway load balancer's side; its
	 * passed packets go back re-encapsulated); NULL: none. Set up once. */
	const struct decode_tunnels *tunnels;
};

/*
 * A worker's heartbeat (control/health.h): the loop turns it has made,
 * written by the worker alone once per turn (an idle worker turns too),
 * read by the control lcore, which calls a worker whose count has not
 * moved for [health] stall_ms stalled. On a cache line of its own so that
 * the control lcore's reads never touch the counters. test_stall_ms is a
 * test aid (console `debug stall-worker`, only with [health] test_hooks):
 * the control lcore writes it, the worker takes it at its next turn and
 * then stalls for real, handling nothing, for that many milliseconds;
 * with test_stall_in_burst (written first) it stalls in the middle of its
 * next non-empty burst instead, between receiving and transmitting it.
 */
struct worker_heartbeat {
	uint64_t turns;
	uint32_t test_stall_ms;
	uint32_t test_stall_in_burst;
} __attribute__((aligned(64)));

struct worker_conf {
	struct worker_counters counters; /* first: written on every packet */
	struct worker_heartbeat heartbeat;
	/* Who uses the queues: this worker, or the control lcore while it is
	 * stalled and the board fails open (dataplane/handoff.h). */
	struct handoff handoff;
	uint64_t bypass_seen;	    /* handoff.forwarded when this worker last forgot its flows */
	uint32_t stall_in_burst_ms; /* test aid: stall this long in the next non-empty burst */
	unsigned worker_index;
	unsigned lcore_id;
	bool drop_malformed; /* board: malformed = drop */
	unsigned queue_count;
	struct worker_queue queues[WORKER_MAX_QUEUES];
	struct detect_context detect; /* ids or ips: detect.enforce, from the published mode */
	int timestamp_offset;	      /* mbuf dynamic field with the receive time, -1: none */
	int64_t wall_offset_us; /* wall clock minus the monotonic clock (worker_packet_time()) */
	uint32_t bursts_since_wall; /* the offset is read again every 256 bursts */
	uint64_t timestamp_flag;    /* ol_flags bit saying the field is set */
	uint8_t *scratch;	    /* WORKER_SCRATCH_SIZE bytes, to linearise chained mbufs */
	struct rte_mempool *pool;   /* for frames the worker makes (reject) */
	struct exception_path
	    *exceptions; /* the appliance's own frames; NULL: no data-port address */
	/* checksums = auto: checks go off when more than a tenth of the first
	 * PIPELINE_CHECKSUMS_LEARN checked packets are bad (pipeline.c) */
	bool checksums_auto;
	uint32_t checksums_seen, checksums_bad;
	/* IP reassembly before inspection; NULL: fragments are inspected one by one */
	struct defrag_table *defrag;
	/* Where a port carries tunnels: per flow slot of detect.flows and
	 * direction (2 * slot + enum flow_direction), the outer header that
	 * direction last came with, for a reject toward it (pipeline.c); an
	 * entry holds for the flow whose flow_id it names. NULL: no tunnels. */
	struct encap_outer *tunnel_outers;
} __attribute__((aligned(64)));

/*
 * The worker loop; arg is this lcore's struct worker_conf. Returns 0 once
 * worker_stop() has been called. Launched by platform with
 * rte_eal_remote_launch().
 */
int worker_main(void *arg);

/*
 * One turn of the worker loop: every queue's burst, the exception path,
 * housekeeping, a new ruleset if one waits, and the filter's quiescent
 * point. On the worker's lcore, online with its filter (worker_main()
 * does both; benchmarks call it to time a given number of turns).
 */
void worker_poll(struct worker_conf *conf);

/*
 * The appliance is stopping (SIGTERM): worker_stopping() is true from now
 * on (the health checks fail, the control loop ends), but the workers go
 * on forwarding until worker_stop(), so that a restart leaves traffic
 * unserved only while the process really cannot serve it. Any thread,
 * signal-safe.
 */
void worker_request_stop(void);

/* Ask every worker to finish its current burst and return. Any thread, signal-safe. */
void worker_stop(void);

/* Clear the stop flags so the loop can be launched again (benchmarks run it in rounds). */
void worker_clear_stop(void);

/* True once worker_request_stop() or worker_stop() has been called. */
bool worker_stopping(void);

#endif
