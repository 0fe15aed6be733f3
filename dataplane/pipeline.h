/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet's way through a worker, written down once (DESIGN.md, "The
 * packet's way"):
 *
 *   decode -> defrag -> flow -> filter -> stream -> app -> detect -> verdict
 *
 * pipeline_burst() takes one received burst through decode and the
 * filter's burst classification, then each packet through the rest
 * (pipeline_packet()), and says for each packet whether it is forwarded or
 * why it is dropped. Every stage is a function of its own folder
 * (dataplane/decode, flow, filter, app, detect, action) that returns here;
 * none calls an earlier stage. Where a stage hands out data valid only
 * during one call (a stream's in-order piece, an application unit's
 * buffers), the callback it calls is the pipeline's own, which runs the
 * later stages on it from here.
 *
 * Per-packet path: no locks, no allocation, no system calls; everything
 * it touches belongs to the worker, except the published objects
 * (dataplane/publish.h), loaded once per burst.
 */
#ifndef VIGIL_DATAPLANE_PIPELINE_H
#define VIGIL_DATAPLANE_PIPELINE_H

#include <stdint.h>

#include "dataplane/counters.h"
#include "dataplane/decode/packet.h"
#include "dataplane/detect/detect.h"
#include "dataplane/verdict.h"

struct rte_mbuf;
struct flow;
struct worker_conf;
struct worker_queue;

#define PIPELINE_BURST_MAX 32

/*
 * Frames a burst's reject verdicts made, sent by the worker after the
 * burst. Toward the receiver: out of the pair port; toward the sender, and
 * both ways for a packet from a tunnel (they go back to the balancer, in
 * the outer header of the way each goes): out of the arrival port.
 */
struct pipeline_rejects {
	struct rte_mbuf *to_pair[PIPELINE_BURST_MAX];
	struct rte_mbuf *to_back[2 * PIPELINE_BURST_MAX];
	uint16_t pair_count, back_count;
};

/*
 * Take the burst received on q through every stage: why[i] is
 * DROP_REASON_COUNT when burst[i] is to be forwarded, else why it is
 * dropped; burst[i] NULL: the exception path took it (the appliance's own
 * address). now_us: the worker's monotonic clock for this burst. Returns
 * the bytes of the frames the exception path took (they count as received).
 */
uint64_t pipeline_burst(struct worker_conf *conf, const struct worker_queue *q,
			struct rte_mbuf **burst, uint16_t n, uint64_t now_us, enum drop_reason *why,
			struct pipeline_rejects *rj);

/*
 * One decoded packet (or reassembled datagram) from the flow stage on,
 * seen at timestamp_us (the flows' clock). Returns the verdict; alerts are
 * queued on ctx->alerts; ctx->drop_reason says why a drop is one.
 */
enum verdict pipeline_packet(struct detect_context *ctx, const struct packet *p,
			     uint64_t timestamp_us);

/*
 * The flow table's on_free for a worker (arg: its struct detect_context):
 * the flow's stream tails, application state and rule state go.
 */
void pipeline_flow_gone(struct flow *f, void *arg);

/*
 * The run ends (an offline capture read to its end, or a stop): every flow
 * that still holds application data is ended as a close would end it, so
 * what its parser kept is inspected (a download still running, a body
 * shorter than a window). Alerts go to ctx->alerts, never waited on. The
 * worker, after its last burst and before it goes offline.
 */
void pipeline_flows_end(struct detect_context *ctx);

/* Once per loop of the worker: expire idle flows, rate-limit housekeeping, adopt published rules. */
void pipeline_housekeeping(struct detect_context *ctx);

/*
 * The decoder event Suricata raises for each enum decode_error, as
 * RULE_EVENT_x + 1 (rules/lang/event.h); 0: none. Constant: the stats
 * read it to name the malformed counters as Suricata's decoder.event.*.
 */
extern const uint8_t pipeline_decode_events[DECODE_ERROR_COUNT];

#endif
