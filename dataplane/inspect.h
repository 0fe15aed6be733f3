/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inspection stage: given a decoded packet, track its flow, reassemble
 * TCP, find the rules that match and decide a verdict.
 *
 * - Flow: the worker's flow table gives the direction (to_server from the
 *   handshake), established, and the flow's flowbits.
 * - Stream: TCP payload goes through in-order reassembly; each piece of new
 *   in-order data is scanned in Hyperscan streaming mode (the flow
 *   direction's stream state remembers what came before, so a fast pattern
 *   split across segments, or arriving out of order, is found once). The
 *   candidates' options then run on a window that starts with the last
 *   INSPECT_STREAM_TAIL bytes seen before the new data. When the stream
 *   pool is exhausted the window itself is block-scanned, ignoring patterns
 *   that lie wholly in the old bytes. UDP and other protocols: the packet's
 *   payload.
 * - Application layer: the flow's protocol is detected from its first bytes
 *   (dataplane/app.h) and its parser turns stream data or datagrams into
 *   units (an HTTP request, a TLS ClientHello, a DNS query, a MySQL
 *   command) whose buffers (http.uri, tls.sni, ...) are inspected as they
 *   complete; app-protocol rule headers (alert http ...) apply wherever the
 *   protocol is found, whatever the port.
 * - Rules: candidates come from one Hyperscan scan per buffer
 *   (rules/ruleset.h); each candidate's header and options are checked
 *   (rules/header.h, rules/match.h) in Suricata's action order: a pass rule
 *   ends inspection of the packet, drop and reject rules block it (ips
 *   mode), and every rule that matched before a pass raises an alert,
 *   queued on the worker's own ring for the control lcore.
 *
 * Each worker owns one struct inspect_context: no locks anywhere.
 */
#ifndef VIGIL_DATAPLANE_INSPECT_H
#define VIGIL_DATAPLANE_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/counters.h"
#include "dataplane/packet.h"
#include "dataplane/verdict.h"

#define INSPECT_STREAM_TAIL 256	    /* bytes of earlier stream data kept per direction */
#define INSPECT_WINDOW_MAX 65536    /* largest window inspected at once */

struct ruleset;
struct ruleset_scratch;
struct rte_ring;
struct threshold_table;
struct flow_table;
struct flow;
struct hs_stream;
struct app_config;
struct filter_context;

/* The last bytes of one direction of a stream, for the next window. */
struct inspect_tail {
	uint16_t len;
	uint8_t bytes[INSPECT_STREAM_TAIL];
};

struct inspect_context {
	unsigned worker_index;
	bool enforce;			    /* board mode ips: drop and reject are applied */
	const struct ruleset *ruleset;	    /* NULL: no rules, every packet passes */
	struct ruleset_scratch *scratch;    /* this worker's, for ruleset */
	struct rte_ring *alerts;	    /* single-producer ring of struct alert */
	struct threshold_table *thresholds; /* threshold: and detection_filter: counts */
	struct flow_table *flows;	    /* NULL: stateless (no flows, no streams) */
	struct inspect_tail *tails;	    /* 2 per flow slot of flows */
	uint8_t *window;		    /* INSPECT_WINDOW_MAX + INSPECT_STREAM_TAIL bytes */
	/* Hyperscan stream states, opened at start-up, one per flow direction in
	 * use (flow->user[direction]); given back when the flow goes. */
	struct hs_stream **streams[2];
	unsigned streams_free[2];
	const struct app_config *app; /* application-layer settings; NULL: no app layer */
	struct worker_counters *counters;
	struct filter_context *filter; /* the filter stage (dataplane/filter.h); NULL: none */
	uint64_t now_us; /* time of the last packet inspected */
};

/*
 * Inspect one decoded packet seen at timestamp_us (microseconds since the
 * epoch; also the clock of flow timeouts). Returns the verdict; alerts are
 * queued on ctx->alerts. Per-packet path: no locks, no allocation.
 */
enum verdict inspect_packet(struct inspect_context *ctx, const struct packet *p,
			    uint64_t timestamp_us);

/* A flow went: give its Hyperscan streams back to the pools. Owning worker (or after it stopped). */
void inspect_flow_gone(struct inspect_context *ctx, struct flow *flow);

/* Expire idle flows (by the time of the last packet); call once per loop of the owning worker. */
void inspect_housekeeping(struct inspect_context *ctx);

#endif
