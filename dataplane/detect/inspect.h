/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inspection stage: given a decoded packet, track its flow, reassemble
 * TCP, find the rules that match and decide a verdict.
 *
 * - Flow: the worker's flow table gives the direction (to_server from the
 *   handshake), established, and the flow's flowbits. Stream data and
 *   units are inspected once, so they count as established from the ACK
 *   that completes the handshake on (data may ride on it, or overtake the
 *   bare ACK); only that packet's own pass sees it as not yet established.
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
 *   (dataplane/app/app.h) and its parser turns stream data or datagrams into
 *   units (an HTTP request, a TLS ClientHello, a DNS query, a MySQL
 *   command) whose buffers (http.uri, tls.sni, ...) are inspected as they
 *   complete; app-protocol rule headers (alert http ...) apply wherever the
 *   protocol is found, whatever the port.
 * - Rules: candidates come from one Hyperscan scan per buffer
 *   (rules/ruleset.h); each candidate's header and options are checked
 *   (rules/match/header.h, rules/match/match.h) in Suricata's action order: a pass rule
 *   ends inspection of the packet, drop and reject rules block it (ips
 *   mode), and every rule that matched before a pass raises an alert.
 * - Flow actions (Suricata 7): a drop, reject or pass decided on the stream,
 *   on an application-layer unit, or by a rule on addresses or on an
 *   application protocol holds for the rest of the flow: its later packets
 *   are dropped (ips mode) or passed without inspection. First one wins.
 *   Only a rule on single packets (flags, ttl, a UDP payload) acts on its
 *   packet alone. Dropping only the packet of a TCP stream would let the
 *   retransmission of the same bytes through uninspected.
 * - Alerts: a packet's alerts are kept in a per-packet queue, at most
 *   packet_alert_max of them (the first in rule order are kept, the others
 *   counted as alerts_discarded); when the packet's verdict is known they go,
 *   with it, to the worker's own ring for the control lcore.
 *
 * - Policy (rules/policy/policy.h): a rule with an operator exception that covers
 *   the packet (address, HTTP path) does not fire; rate limits
 *   (dataplane/detect/ratelimit.h) drop a blocked source's packets before
 *   anything else and count the HTTP requests of each unit.
 *
 * Each worker owns one struct inspect_context: no locks anywhere.
 */
#ifndef VIGIL_DATAPLANE_INSPECT_H
#define VIGIL_DATAPLANE_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/alert.h"
#include "dataplane/counters.h"
#include "dataplane/decode/packet.h"
#include "dataplane/verdict.h"
#include "rules/match/match.h"

#define INSPECT_STREAM_TAIL	 256   /* bytes of earlier stream data kept per direction */
#define INSPECT_WINDOW_MAX	 65536 /* largest window inspected at once */
#define INSPECT_ALERTS_MAX	 64    /* upper bound of packet_alert_max */
#define INSPECT_PACKET_ALERT_MAX 15    /* default packet_alert_max (Suricata's) */
#define INSPECT_FLOWVARS	 4096  /* flow variables per worker, all its flows together */

struct ruleset;
struct ruleset_scratch;
struct rte_ring;
struct threshold_table;
struct flow_table;
struct flow;
struct hs_stream;
struct app_config;
struct filter_context;
struct ratelimit_table;

/*
 * One flow variable (a pcre capture, pcre:"/(x)/, flow:NAME") in the
 * worker's pool; a flow's variables are a list from flow->flowvars.
 */
struct inspect_flowvar {
	uint32_t next; /* index + 1 of the flow's next variable; 0: last */
	uint16_t var;  /* id: ruleset_flowvar_name */
	uint16_t len;  /* value bytes kept, at most ALERT_FLOWVAR_LEN */
	uint8_t value[ALERT_FLOWVAR_LEN];
};

/* The last bytes of one direction of a stream, for the next window. */
struct inspect_tail {
	uint16_t len;
	uint8_t bytes[INSPECT_STREAM_TAIL];
};

/*
 * What a worker needs to run one ruleset: the ruleset, the worker's own
 * scratch for it and its pool of Hyperscan stream states (one per flow slot
 * and direction, opened off the fast path). A rule update builds one per
 * worker (inspect_rules_prepare) and hands it over through
 * inspect_context.next_rules; the worker installs it between bursts
 * (inspect_rules_take) and leaves the one it ran in retired_rules for the
 * control lcore to release (inspect_rules_release) once every worker has
 * moved on. See dataplane/README.md, "Rule updates".
 */
struct inspect_rules {
	const struct ruleset *ruleset;
	struct ruleset_scratch *scratch;
	struct hs_stream **streams[2];
	unsigned streams_free[2];
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
	struct filter_context *filter; /* the filter stage (dataplane/filter/filter.h); NULL: none */
	uint64_t now_us;	       /* time of the last packet inspected */
	/* Packet times are the worker's monotonic clock (flows, windows and
	 * timeouts do not jump with the wall clock) or a capture's own times;
	 * alerts add this to show wall-clock time (0 for capture times). */
	int64_t wall_offset_us;
	struct ratelimit_table *ratelimit; /* this worker's policy rate limits; NULL: none */
	bool rate_limited; /* the last packet's drop is a rate limit's (drop reason rate_limit) */
	/* Rule updates: the control lcore stores next_rules; the worker takes it,
	 * fills retired_rules with what it ran, clears next_rules and bumps
	 * rules_generation (release order), all between two bursts. */
	struct inspect_rules *next_rules;
	struct inspect_rules retired_rules;
	uint64_t rules_generation;
	/* Number of the packet being inspected among those the worker received
	 * (1 for the first; offline: its record number in the capture). Set by
	 * the caller before inspect_packet; 0: unknown. */
	uint64_t packet_number;
	unsigned packet_alert_max; /* alerts kept per packet, 1..INSPECT_ALERTS_MAX; 0: default */
	unsigned alert_queue_len;
	struct alert alert_queue[INSPECT_ALERTS_MAX]; /* the current packet's alerts */
	uint32_t alert_order[INSPECT_ALERTS_MAX];     /* their rules' evaluation order */
	/* Flow variables: entries below flowvars_used were handed out once;
	 * those given back are on the free list (index + 1; 0: empty). A full
	 * pool counts flowvars_lost and the variable is not kept. */
	struct rule_captures captures; /* of the rule being matched, for flow variables */
	uint32_t flowvars_used;
	uint32_t flowvar_free;
	struct inspect_flowvar flowvars[INSPECT_FLOWVARS];
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

/*
 * Open a worker's scratch and stream pool (flows slots per direction) for
 * ruleset into *rules. Returns 0, or -ENOMEM with nothing left allocated.
 * Control lcore or start-up.
 */
int inspect_rules_prepare(struct inspect_rules *rules, const struct ruleset *ruleset,
			  unsigned flows);

/* Close the streams and free the scratch of *rules (not the ruleset), and clear it. */
void inspect_rules_release(struct inspect_rules *rules);

/* The rules ctx runs now, as an inspect_rules (for start-up and shut-down). */
void inspect_rules_install(struct inspect_context *ctx, const struct inspect_rules *rules);
struct inspect_rules inspect_rules_current(const struct inspect_context *ctx);

/*
 * Install next_rules if the control lcore has handed one over. The flows'
 * stream states (of the old databases) go back to the old pool, and their
 * flowbits are cleared (flowbit numbers belong to a ruleset); streams and
 * reassembly go on, so new data is scanned with the new rules. Owning
 * worker, between bursts.
 */
void inspect_rules_take(struct inspect_context *ctx);

/* Expire idle flows (by the time of the last packet); call once per loop of the owning worker. */
void inspect_housekeeping(struct inspect_context *ctx);

#endif
