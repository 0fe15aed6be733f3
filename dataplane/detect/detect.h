/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The detection stage: given a packet, its flow and the buffers the
 * earlier stages filled (pkt_data from the packet or the reassembled
 * stream, application buffers from a unit), find the rules that match and
 * the verdict they ask for. The pipeline (dataplane/pipeline.c) calls it
 * in the order of DESIGN.md; detection never calls back into an earlier
 * stage.
 *
 * - Rules: candidates come from one Hyperscan scan per buffer
 *   (rules/ruleset.h); each candidate's header and options are checked
 *   (rules/match/header.h, rules/match/match.h) in Suricata's action order: a pass rule
 *   ends inspection of the packet, drop and reject rules block it (ips
 *   mode), and every rule that matched before a pass raises an alert.
 * - Stream data is scanned in Hyperscan streaming mode (the flow
 *   direction's stream state remembers what came before, so a fast pattern
 *   split across segments is found once); the candidates' options then run
 *   on a window that starts with the last DETECT_STREAM_TAIL bytes seen
 *   before the new data. Without a stream state (pool exhausted) the
 *   window is block-scanned, ignoring patterns wholly in the old bytes.
 *   Absolute positions (depth, offset, startswith, isdataat, byte_*
 *   without relative, a pcre anchored with ^) count as in Suricata, which
 *   inspects a TCP rule on each packet's payload and on stream chunks that
 *   start at its raw-inspection progress: from the start of the new piece
 *   (vigil inspects each in-order piece as it comes, so the piece is both
 *   the segment's payload and the chunk), or from the stream's first byte
 *   while the window still holds it. The old bytes before the piece serve
 *   only searches that are not anchored.
 * - Flow actions (Suricata 7): a drop, reject or pass decided on the stream,
 *   on an application-layer unit, or by a rule on addresses or on an
 *   application protocol holds for the rest of the flow. Only a rule on
 *   single packets (flags, ttl, a UDP payload) acts on its packet alone:
 *   dropping only the packet of a TCP stream would let the retransmission
 *   of the same bytes through uninspected.
 * - Alerts: a packet's alerts are kept in a per-packet queue, at most
 *   packet_alert_max of them (the first in rule order are kept, the others
 *   counted as alerts_discarded); when the packet's verdict is known they go,
 *   with it, to the worker's own ring for the control lcore.
 * - Policy (rules/policy/policy.h): a rule with an operator exception that
 *   covers the packet (address, HTTP path, X-Forwarded-For client) does
 *   not fire. A packet peeled from a tunnel may be a tenant's of the
 *   policy: a rule its block disables is not run for it, one whose action
 *   it overrides acts so, and under "mode ids" its rule verdicts are not
 *   enforced (the board's mode still holds for the filter stage, rate
 *   limits and the normalizer).
 *
 * Each worker owns one struct detect_context: no locks anywhere. The rules
 * it runs are published by the control lcore (detect_rules.h).
 */
#ifndef VIGIL_DATAPLANE_DETECT_H
#define VIGIL_DATAPLANE_DETECT_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/alert.h"
#include "dataplane/event.h"
#include "dataplane/counters.h"
#include "dataplane/decode/packet.h"
#include "dataplane/detect/flowvars.h"
#include "dataplane/detect/xbits.h"
#include "dataplane/verdict.h"
#include "rules/match/match.h"
#include "rules/ruleset.h"

#define DETECT_STREAM_TAIL	256   /* bytes of earlier stream data kept per direction */
#define DETECT_WINDOW_MAX	65536 /* largest window inspected at once */
#define DETECT_ALERTS_MAX	64    /* upper bound of packet_alert_max */
#define DETECT_PACKET_ALERT_MAX 15    /* default packet_alert_max (Suricata's) */
#define DETECT_DEFERRED_MAX	32

struct ruleset_scratch;
struct rte_ring;
struct threshold_table;
struct flow_table;
struct flow;
struct hs_stream;
struct app_config;
struct app_details;
struct app_unit;
struct app_body_rules;
struct filter_context;
struct ratelimit_table;
struct dataplane_published;

/* The last bytes of one direction of a stream, for the next window. */
struct detect_tail {
	uint16_t len;
	uint8_t bytes[DETECT_STREAM_TAIL];
};

struct detect_context {
	unsigned worker_index;
	bool enforce; /* the published mode (ips) as of this burst: drop and reject are applied */
	/* What the control lcore publishes (rules, mode, filter); NULL: the
	 * caller set ruleset, scratch and streams itself (tests, benchmarks). */
	struct dataplane_published *published;
	/* The rules in force, as adopted from the published ones
	 * (detect_rules_sync()): generation, ruleset, this worker's scratch and
	 * its Hyperscan stream pool (one state per flow direction in use,
	 * flow->scan_stream[direction]; given back when the flow goes). */
	uint32_t rules_generation;
	unsigned file_needs;	       /* the rules' file needs (struct detect_rules) */
	const struct ruleset *ruleset; /* NULL: no rules, every packet passes */
	struct ruleset_scratch *scratch;
	struct hs_stream **streams[2];
	unsigned streams_free[2];
	struct rte_ring *alerts;	    /* single-producer ring of struct alert */
	struct threshold_table *thresholds; /* threshold: and detection_filter: counts */
	struct flow_table *flows;	    /* NULL: stateless (no flows, no streams) */
	struct detect_tail *tails;	    /* 2 per flow slot of flows */
	uint8_t *window;		    /* DETECT_WINDOW_MAX + DETECT_STREAM_TAIL bytes */
	const struct app_config *app;	    /* application-layer settings; NULL: no app layer */
	struct worker_counters *counters;
	struct filter_context
	    *filter; /* the filter stage (dataplane/filter/filter.h); NULL: none */
	struct ratelimit_table *ratelimit; /* this worker's policy rate limits; NULL: none */
	/* Set by the pipeline for the packet at hand: its time (the worker's
	 * monotonic clock or a capture's own times; alerts add wall_offset_us,
	 * 0 for capture times), its number among those the worker received (1
	 * for the first; offline: its record in the capture; 0: unknown), and
	 * why it is dropped when its verdict is drop (DROP_VERDICT, or
	 * DROP_RATE_LIMIT, DROP_NORMALIZE). */
	uint64_t now_us;
	int64_t wall_offset_us;
	uint64_t packet_number;
	enum drop_reason drop_reason;
	bool check_checksums; /* normalize: verify checksums the device did not (pipeline_one()) */
	unsigned packet_alert_max; /* alerts kept per packet, 1..DETECT_ALERTS_MAX; 0: default */
	unsigned alert_queue_len;
	struct alert alert_queue[DETECT_ALERTS_MAX]; /* the current packet's alerts */
	/* this packet's alert of the rule that dropped it (an entry of
	 * alert_queue, valid until the next packet), for its EVE drop record;
	 * and whether its flow's earlier drop dropped it */
	const struct alert *drop_alert;
	bool flow_dropped;
	/* the alert a silent rule (noalert, a silent rate_filter) would have
	 * given for dropping this packet: the drop record's rule when no
	 * alerting rule dropped it, as Suricata's drop log names it */
	struct alert silent_drop;
	bool has_silent_drop;
	bool rate_filter_dropped; /* a rate_filter's new action dropped this packet */
	uint32_t alert_order[DETECT_ALERTS_MAX]; /* their rules' evaluation order */
	struct rule_captures captures;		 /* of the rule being matched, for flow variables */
	struct flowvar_pool flowvars;
	/* EVE records besides alerts (dataplane/event.h): which ones, the
	 * parser's latest details per flow slot of flows (NULL: none; the
	 * pointer is into the parser's state, cleared when that goes), and
	 * the anomaly events' budget of the current second. */
	struct event_config events;
	const struct app_details **app_details;
	/* per flow slot: the flow's age in seconds at its last periodic
	 * record (events.flow_interval_s; NULL when off), where the periodic
	 * walk of the table goes on and when it last went */
	uint32_t *flow_logged_s;
	uint32_t periodic_cursor;
	uint64_t periodic_last_ns;
	uint64_t anomaly_second;
	unsigned anomaly_count;
	struct xbits_table xbits; /* xbits and hostbits of all hosts and pairs this worker saw */
};

/*
 * struct flow's detect_flags: rules inspected once per flow direction
 * (struct rule, ip_only and pd_only) have had their turn in that
 * direction. Set when a packet's detection ends (detect_alerts_flush()).
 */
#define DETECT_FLOW_IPONLY_DONE(dir) (1u << (dir))	 /* by enum ruleset_direction */
#define DETECT_FLOW_PDONLY_DONE(dir) (1u << (2 + (dir))) /* protocol detection was final */

/* What one packet's detection needs, gathered once by the pipeline. */
struct detect_packet {
	struct detect_context *ctx;
	const struct packet *p;
	uint64_t timestamp_us;
	struct flow *flow;
	enum ruleset_direction direction;
	struct rule_match_ctx match;
	enum verdict verdict;
	/* no packet: the flow's end, its last data handed to the parsers
	 * (Suricata's flow timeout pseudo packet, EVE pkt_src) */
	bool flow_end;
	bool passed;		/* a pass rule matched: nothing more for this packet */
	bool pass_rule_matched; /* passed by a rule (not the filter): pass_order is its index */
	uint32_t pass_order;
	/* the flow's IP-only and protocol-detection-only rules had their turn
	 * in this direction before this packet (DETECT_FLOW_*_DONE) */
	bool iponly_done, pdonly_done;
	bool pdonly_final;	       /* a pd_only rule saw the protocol final in this packet */
	struct rule_flowints flowints; /* the flow's integers, for the matcher (owner: this) */
	struct rule_xbits xbits;       /* the worker's xbits, for the matcher (owner: this) */
	bool events_only;	       /* detect_events(): only rules on decoder events run */
	int pkt_data_rules; /* -1: all candidates; 0: only rules without pkt_data options; 1: only with */
	/* Rules found by address in the first pass of a TCP segment that need
	 * the stream's data: kept for the stream passes, so the addresses are
	 * looked up once per packet. */
	uint32_t deferred[DETECT_DEFERRED_MAX];
	unsigned deferred_count;
	bool deferred_overflow;
	/* The flow's protocol applies to rules on a packet (not on its
	 * stream data): not before a TCP flow is established, as Suricata's
	 * packet rules see the protocol only on packets of an established
	 * stream. Stream data and units always see it: their bytes are
	 * inspected once, when they arrive. */
	bool app_visible;
	/* pkt_data is a stream window whose first byte is the stream's first (detect_set_stream_data) */
	bool window_from_stream_start;
	const struct app_details *details; /* of the unit being inspected, for alerts */
	const struct app_frame *frame; /* of the unit being inspected (NULL: none), for alerts */
	rule_buffer_mask fresh;	       /* buffers new in the unit being inspected; 0: all */
	/* The unit is a window of a body (app.h, struct app_window): what its
	 * earlier windows left, kept by the parser; NULL: none. */
	struct app_body_rules *body_rules;
	/* The unit's transaction's filestore requests (app.h, struct app_unit); NULL: none. */
	uint8_t *file_store;
	bool window_instances; /* the unit's app_window.instances */
	bool app_only;	       /* inspecting a unit: only rules on application buffers */
	/* The flow's protocol was found in this packet's data: rules on that
	 * protocol without pkt_data options get this packet too (their first
	 * pass ran before the data was parsed). */
	bool app_found_now;
	bool app_header_only; /* that pass: only rules with an application-protocol header */
	bool app_error;	      /* the parser found this packet's data breaks the protocol */
	/* The packet's tenant in the operator policy (0: none), looked up when
	 * first needed (detect.c detect_tenant()). */
	bool tenant_known;
	uint16_t tenant;
};

/* Start the detection state of packet p seen at timestamp_us. Per-packet path. */
void detect_packet_begin(struct detect_packet *s, struct detect_context *ctx,
			 const struct packet *p, uint64_t timestamp_us);

/*
 * The flow's view for the rules (direction, established, flowbits,
 * protocol); flow NULL: stateless, the lower port is taken for the
 * service. The flow's rule state is renewed first when it belongs to
 * older rules.
 */
void detect_flow_view(struct detect_packet *s, struct flow *flow, bool to_server);

/* A flow a rule decided for: true when the packet is not to be inspected (verdict set). */
bool detect_flow_decided(struct detect_packet *s);

/*
 * The flow's protocol changed (an upgrade, seen in this packet's
 * direction): its protocol-detection-only rules get their turn again in
 * this direction, from this packet on, as Suricata runs them once more
 * on the final protocol. Per-packet path.
 */
void detect_flow_protocol_changed(struct detect_packet *s);

/* pkt_data as the rules see it: a datagram, or a segment's data inspected on its own. */
void detect_set_pkt_data(struct detect_packet *s, const uint8_t *data, uint32_t len);

/*
 * pkt_data as a stream window: earlier stream bytes, then from chunk_from
 * the piece just delivered, where absolute positions count from (rules
 * match each piece as a chunk of its own); from_stream_start: window[0] is
 * the stream's first byte, from which they may count as well. The earlier
 * bytes serve searches that are not anchored, so a pattern split across
 * segments is still found. Per-packet path.
 */
void detect_set_stream_data(struct detect_packet *s, const uint8_t *window, uint32_t len,
			    uint32_t chunk_from, bool from_stream_start);

/*
 * Inspect data as pkt_data; bytes before new_from were inspected already.
 * With a Hyperscan stream, only the new bytes are scanned (the stream state
 * holds the rest); without, the whole window is. data NULL: the packet
 * pass of rules without pkt_data options.
 */
void detect_buffer(struct detect_packet *s, const uint8_t *data, uint32_t len, uint32_t new_from,
		   struct hs_stream *stream);

/* One application-layer unit: its buffers scanned, the rules on them checked. */
void detect_unit(struct detect_packet *s, const struct app_unit *unit);

/*
 * The protocol was found in this packet's data, after its pass of rules
 * without pkt_data options: those on that protocol (alert http ... with no
 * buffer) run now, on the packet as the first pass saw it.
 */
void detect_packet_rules_again(struct detect_packet *s);

/* The flow direction's Hyperscan stream state (taken from the pool on first use); NULL: none. */
struct hs_stream *detect_flow_stream(struct detect_packet *s);

/*
 * Put one record (an alert, an anomaly event) on the worker's ring for the
 * control lcore, counted as alerts or alerts_lost (alert_push(): a full
 * ring is waited on only offline). Owning worker.
 */
void detect_push(struct detect_context *ctx, const struct alert *a);

/* The packet is decided: its alerts, in rule order, with the verdict, go to the control lcore. */
void detect_alerts_flush(struct detect_packet *s);

/*
 * A flow's rule state (flowbits, flow variables, flow action, stream
 * states) belongs to older rules: drop it. The stream states are not given
 * back (the old pool closes them). Owning worker.
 */
void detect_flow_renew(struct detect_context *ctx, struct flow *flow);

/* A flow went: give its variables and Hyperscan streams back to the pools. Owning worker. */
void detect_flow_gone(struct detect_context *ctx, struct flow *flow);

/* The verdict an action asks for; reject outranks drop, drop outranks pass. */
enum verdict detect_rule_verdict(enum rule_action action);

/*
 * Decoder events (RULE_EVENT_BIT() of rules/lang/event.h) of packet p,
 * which the pipeline takes no further: the rules on events run on it
 * alone, without a flow; their alerts go out. Returns the verdict they ask
 * for (VERDICT_PASS in ids mode or without such rules). Owning worker.
 */
enum verdict detect_events(struct detect_context *ctx, const struct packet *p,
			   uint64_t timestamp_us, uint64_t events);

#endif
