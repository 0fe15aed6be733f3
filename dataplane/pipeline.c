/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet's way through a worker (see pipeline.h). Read top to bottom:
 * pipeline_burst() decodes and classifies a burst, pipeline_packet() takes
 * one packet through flow, filter, stream, app and detect, and the two
 * callbacks below are where stream pieces and application units meet the
 * later stages.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "dataplane/action/exception.h"
#include "dataplane/action/reject.h"
#include "dataplane/alert.h"
#include "dataplane/app/app.h"
#include "dataplane/app/app_file.h"
#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_flow.h"
#include "dataplane/decode/decode.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/event.h"
#include "dataplane/detect/detect.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/pipeline.h"
#include "dataplane/action/encap.h"
#include "dataplane/publish.h"
#include "dataplane/worker.h"
#include "rules/lang/event.h"

_Static_assert(WORKER_BURST <= FILTER_BURST_MAX, "the filter classifies a whole burst");
_Static_assert(WORKER_BURST <= PIPELINE_BURST_MAX, "rejects of a whole burst");

/* ---- flow, filter, stream, app, detect: one packet ---- */

static inline enum app_direction pipeline_app_direction(const struct detect_packet *s)
{
	return s->direction == RULESET_TO_SERVER ? APP_TO_SERVER : APP_TO_CLIENT;
}

static inline enum flow_direction pipeline_flow_direction(const struct detect_packet *s)
{
	return s->direction == RULESET_TO_SERVER ? FLOW_TO_SERVER : FLOW_TO_CLIENT;
}

/* flow: the worker's flow table gives the flow and the direction. */
static void pipeline_flow(struct detect_packet *s)
{
	struct detect_context *ctx = s->ctx;
	enum flow_direction dir;
	struct flow *flow =
	    ctx->flows ? flow_lookup(ctx->flows, s->p, s->timestamp_us * 1000, &dir) : NULL;
	if (!flow) {
		/* stateless: the lower port is taken for the service */
		const struct packet *p = s->p;
		bool to_client = (p->flags & (PACKET_TCP | PACKET_UDP | PACKET_SCTP)) &&
				 p->dst_port > p->src_port;
		detect_flow_view(s, NULL, !to_client);
		return;
	}
	detect_flow_view(s, flow, dir == FLOW_TO_SERVER);
}

/*
 * The filter's domain lists and xff set on a unit's SNI, Host and client.
 * Returns true when the unit (and its packet) is denied.
 */
static bool pipeline_filter_unit(struct detect_packet *s, const struct app_unit *unit)
{
	const uint8_t *sni = unit->buffer[RULE_BUFFER_TLS_SNI];
	const uint8_t *host = unit->buffer[RULE_BUFFER_HTTP_HOST];
	if (!sni && !host && !(unit->details && unit->details->xff_client.family))
		return false;
	if (!filter_app_unit(s->ctx->filter, s->p, s->flow, pipeline_flow_direction(s), sni,
			     sni ? unit->buffer_len[RULE_BUFFER_TLS_SNI] : 0, host,
			     host ? unit->buffer_len[RULE_BUFFER_HTTP_HOST] : 0,
			     unit->details ? &unit->details->xff_client : NULL, s->timestamp_us) ||
	    !s->ctx->enforce)
		return false;
	s->verdict = VERDICT_FILTER_DROP;
	return true;
}

/* A rate limit counts the unit's HTTP request; true when it blocks the flow from now on. */
static bool pipeline_rate_limit_unit(struct detect_packet *s, const struct app_unit *unit)
{
	struct detect_context *ctx = s->ctx;
	if (!ctx->ratelimit || s->direction != RULESET_TO_SERVER ||
	    !unit->buffer[RULE_BUFFER_HTTP_URI] ||
	    (unit->fresh && !(unit->fresh & RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI))))
		return false;
	return ratelimit_http_request(ctx->ratelimit, s->p->src_addr, s->p->ip_version,
				      unit->details ? &unit->details->xff_client : NULL,
				      s->timestamp_us) &&
	       ctx->enforce;
}

/*
 * app_emit_fn: one unit of the flow's protocol, valid during this call:
 * filter (domains, xff), rate limits, then detection.
 */
/*
 * A body's file closed in this unit, after its inspection: stored if a
 * filestore rule asked for its direction (the store's bound and failures
 * counted), then its fileinfo record, which says whether it was.
 */
static void pipeline_file_close(struct detect_packet *s, const struct app_unit *unit)
{
	const struct app_config *config = s->ctx->app;
	struct app_file_info *info = unit->file_info;
	uint64_t *counter = s->ctx->counters->counter;
	if (unit->file_store && (*unit->file_store & info->direction) && config &&
	    config->file_store) {
		int rc =
		    app_file_store_write(config->file_store, info, unit->file_data, unit->file_len);
		counter[rc == 0		? WORKER_COUNTER_FILES_STORED
			: rc == -ENOSPC ? WORKER_COUNTER_FILES_STORE_REFUSED
					: WORKER_COUNTER_FILES_STORE_FAILED]++;
	}
	event_app_file(s, unit);
}

static void pipeline_app_unit(void *arg, const struct app_unit *unit)
{
	struct detect_packet *s = arg;
	if (unit->error) {
		s->app_error = true;
		return;
	}
	/* another instance of a message (a header) or a frame no rule reads: nothing to do */
	if (unit->repeat && unit->fresh && s->ctx->ruleset &&
	    !(ruleset_buffers_used(s->ctx->ruleset) & unit->fresh))
		return;
	event_app_unit(s, unit);
	event_app_anomalies(s, unit);
	if (unit->window.cut)
		s->ctx->counters->counter[WORKER_COUNTER_BODIES_TRUNCATED]++;
	/* a unit comes from a flow whose protocol is known, maybe since this call */
	s->match.app_proto = app_flow_proto(s->flow);
	s->match.app_proto_original = app_flow_proto_original(s->flow);
	/* a repeat unit is the same message again (another header's instance):
	 * the filter decided on its first unit */
	if (s->ctx->filter && !unit->repeat && pipeline_filter_unit(s, unit))
		s->passed = true;
	if (!s->passed) {
		if (pipeline_rate_limit_unit(s, unit)) {
			/* The request's bytes are in the reassembled stream already, so a
			 * retransmission would pass unseen: the rest of the connection goes. */
			s->ctx->drop_reason = DROP_RATE_LIMIT;
			s->verdict = VERDICT_DROP;
			if (s->flow)
				s->flow->pipeline_flags |= FLOW_PIPELINE_RATE_LIMITED;
		}
		detect_unit(s, unit);
	}
	if (unit->file_info)
		pipeline_file_close(s, unit);
}

/* app: new data of the flow to its parser; units come back through pipeline_app_unit(). */
static void pipeline_app(struct detect_packet *s, const uint8_t *data, uint32_t len,
			 uint32_t seen_len, bool seen_from_start)
{
	if (!s->flow)
		return;
	app_file_rules_needs = s->ctx->file_needs;
	app_frames_wanted = s->ctx->ruleset && (ruleset_buffers_used(s->ctx->ruleset) &
						RULE_BUFFER_BIT(RULE_BUFFER_FRAME)) != 0;
	enum app_direction dir = pipeline_app_direction(s);
	if (app_flow_data(s->flow, s->ctx->app, dir, s->p->flags & PACKET_TCP, data, len, seen_len,
			  seen_from_start, pipeline_app_unit, s))
		s->app_found_now = true;
	/* HTTP/1 upgraded to HTTP/2: the old parser's details go with its
	 * state (its pending record first), the rest of the data is HTTP/2's */
	uint32_t used = len;
	int next = app_flow_upgrade_pending(s->flow, dir, &used);
	if (next >= 0) {
		event_app_gone(s->ctx, s->flow);
		app_flow_upgrade(s->flow, s->ctx->app, next, dir, data + used, len - used,
				 pipeline_app_unit, s);
		detect_flow_protocol_changed(s);
		s->app_found_now = true;
	}
	s->match.app_proto = app_flow_proto(s->flow);
	s->match.app_proto_original = app_flow_proto_original(s->flow);
}

/*
 * The direction's stream is complete (FIN, every byte delivered): tell the
 * parser, once, so what runs until the close (an HTTP body without a
 * length) is inspected too.
 */
static void pipeline_app_end(struct detect_packet *s)
{
	struct flow *f = s->flow;
	enum app_direction dir = pipeline_app_direction(s);
	/* a RST (one accepted: exact) ends its sender's direction as it
	 * stands: a response it cuts short is inspected as far as it came */
	bool reset = s->p->tcp_flags & STREAM_TCP_RST;
	if (f->app_status != FLOW_APP_DETECTED ||
	    (f->pipeline_flags & FLOW_PIPELINE_APP_ENDED(dir)) ||
	    (!reset && !(f->stream[s->direction].flags & STREAM_FINISHED)) || s->passed)
		return;
	f->pipeline_flags |= FLOW_PIPELINE_APP_ENDED(dir);
	app_file_rules_needs = s->ctx->file_needs;
	app_flow_end(f, dir, pipeline_app_unit, s);
}

/*
 * ids mode: the urgent byte of a segment (the one before the urgent
 * pointer) is what a receiver that takes urgent data out of band (the
 * flow's urgent[dir], from the host table: Linux, BSD, Windows by default)
 * takes out of the stream; the bytes around it join up. If this piece
 * (bytes at the stream's next sequence number) holds the pending urgent
 * byte, it is cut out of piece; returns 1 then, else 0.
 */
static uint32_t pipeline_urgent_out(struct detect_packet *s, uint8_t *piece, uint32_t len)
{
	struct flow *f = s->flow;
	unsigned dir = s->direction;
	if (likely(!(f->pipeline_flags & FLOW_PIPELINE_URGENT(dir))))
		return 0;
	int cut = stream_urgent_cut(f->urgent_seq[dir], f->stream[dir].next_seq, piece, len);
	if (cut != 0) /* cut, or passed already */
		f->pipeline_flags &= ~FLOW_PIPELINE_URGENT(dir);
	return cut > 0;
}

/*
 * stream_deliver_fn: one piece of new in-order data, valid during this
 * call. The window is the direction's tail followed by the new bytes: the
 * application layer parses the new bytes, detection scans the window, with
 * absolute positions counted from the piece (or the stream's start while
 * the tail holds it: detect_set_stream_data()); afterwards the tail keeps
 * the window's last bytes for the next piece.
 */
static void pipeline_stream_scan(struct detect_packet *s, const uint8_t *data, uint32_t len,
				 uint64_t offset)
{
	struct detect_context *ctx = s->ctx;
	struct detect_tail *tail =
	    &ctx->tails[2 * (uint32_t)(s->flow - ctx->flows->flows) + s->direction];
	struct hs_stream *stream = detect_flow_stream(s);

	while (len && !s->passed) {
		uint32_t take = len < DETECT_WINDOW_MAX ? len : DETECT_WINDOW_MAX;
		memcpy(ctx->window, tail->bytes, tail->len);
		memcpy(ctx->window + tail->len, data, take);
		uint32_t piece = take - pipeline_urgent_out(s, ctx->window + tail->len, take);
		uint32_t window_len = tail->len + piece;
		/* the tail holds the stream from its start while it is shorter than the tail */
		bool from_start = offset == tail->len;
		detect_set_stream_data(s, ctx->window, window_len, tail->len, from_start);
		pipeline_app(s, ctx->window + tail->len, piece, tail->len, from_start);
		detect_buffer(s, ctx->window, window_len, tail->len, stream);
		uint32_t keep = window_len < DETECT_STREAM_TAIL ? window_len : DETECT_STREAM_TAIL;
		memcpy(tail->bytes, ctx->window + window_len - keep, keep);
		tail->len = (uint16_t)keep;
		data += take;
		len -= take;
		offset += take;
	}
}

/*
 * Past the reassembly depth a long connection goes on: an HTTP keep-alive
 * connection's next request after a 1 MB upload must still be inspected.
 * The stream keeps reassembling (out-of-order data is held as before the
 * depth, so the parser never loses its place); the data goes to the
 * application parser (its units' buffers inspected as usual, bodies to the
 * parser's own limit) and to pkt_data, but the raw stream is not scanned.
 */
static void pipeline_stream_past_depth(struct detect_packet *s, const uint8_t *data, uint32_t len)
{
	struct detect_context *ctx = s->ctx;
	/* the data as delivered, unless an urgent byte may have to be cut from a copy */
	if (likely(!(s->flow->pipeline_flags & FLOW_PIPELINE_URGENT(s->direction)))) {
		detect_set_pkt_data(s, data, len);
		pipeline_app(s, data, len, 0, false);
		return;
	}
	while (len && !s->passed) {
		uint32_t take = len < DETECT_WINDOW_MAX ? len : DETECT_WINDOW_MAX;
		memcpy(ctx->window, data, take);
		uint32_t piece = take - pipeline_urgent_out(s, ctx->window, take);
		detect_set_pkt_data(s, ctx->window, piece);
		pipeline_app(s, ctx->window, piece, 0, false);
		data += take;
		len -= take;
	}
}

/*
 * The stream's in-order data (stream_insert's callback): scanned as raw
 * stream up to the depth, given to the application parser all along.
 */
static void pipeline_stream_data(void *arg, const uint8_t *data, uint32_t len, uint64_t offset)
{
	struct detect_packet *s = arg;
	uint64_t depth = stream_pool_depth(s->ctx->flows->streams);
	uint32_t scanned = offset >= depth	   ? 0
			   : offset + len <= depth ? len
						   : (uint32_t)(depth - offset);
	if (scanned)
		pipeline_stream_scan(s, data, scanned, offset);
	if (scanned < len)
		pipeline_stream_past_depth(s, data + scanned, len - scanned);
}

/*
 * This packet's data broke its protocol: the board's error policy.
 * Returns true when the packet is not to be inspected further.
 */
static bool pipeline_app_error(struct detect_packet *s)
{
	struct flow *f = s->flow;
	bool enforce = s->ctx->enforce;
	switch (s->ctx->app ? s->ctx->app->error_policy : APP_ERROR_IGNORE) {
	case APP_ERROR_DROP_FLOW:
		if (!enforce)
			return false;
		if (f && f->action == FLOW_ACTION_NONE)
			f->action = FLOW_ACTION_DROP;
		s->verdict = VERDICT_DROP;
		return true;
	case APP_ERROR_DROP_PACKET:
		if (!enforce)
			return false;
		s->verdict = VERDICT_DROP;
		return true;
	case APP_ERROR_PASS_FLOW:
		if (f && f->action == FLOW_ACTION_NONE)
			f->action = FLOW_ACTION_PASS;
		return true;
	case APP_ERROR_PASS_PACKET:
		return true;
	default:
		return false;
	}
}

/*
 * The receiver would discard packet p (of flow, NULL: none looked up):
 * counted by reason, an anomaly event (bounded: event.h), dropped in ips
 * mode.
 */
static enum verdict pipeline_discard(struct detect_context *ctx, const struct packet *p,
				     struct flow *flow, unsigned reason, uint64_t time_us)
{
	ctx->counters->normalized[reason]++;
	event_normalize_anomaly(ctx, p, flow, reason, time_us);
	if (!ctx->enforce)
		return VERDICT_PASS;
	ctx->drop_reason = DROP_NORMALIZE;
	return VERDICT_DROP;
}

/* Zeros fed to a parser for the bytes of a gap, so its framing (an HTTP body's length) holds. */
#define PIPELINE_GAP_FILL_MAX 65536
#define PIPELINE_TCP_URG      0x20
static const uint8_t pipeline_zeros[PIPELINE_GAP_FILL_MAX];

/* An EVE anomaly for a skipped stream gap; a full ring is counted, never waited on (live). */
static void pipeline_gap_event(struct detect_packet *s, uint32_t bytes)
{
	if (!s->ctx->alerts)
		return;
	struct alert a = event_anomaly(s->ctx, s->p, s->timestamp_us, ALERT_ANOMALY_STREAM_GAP);
	a.flow_id = s->flow->flow_id;
	a.to_server = s->direction == RULESET_TO_SERVER;
	a.anomaly_bytes = bytes;
	detect_push(s->ctx, &a);
}

/*
 * A hole this direction's receiver has confirmed (it acknowledged bytes
 * vigil never saw: a tap or a capture that dropped a segment) would stall
 * inspection of the direction for good. It is skipped instead: counted
 * (stream_gaps, stream_gap_bytes), reported as an anomaly event, the
 * parser given zeros for the missing bytes so its framing holds (a bigger
 * hole ends the parser, and the protocol is found again), and the held
 * data after it inspected.
 */
static void pipeline_stream_gap(struct detect_packet *s)
{
	struct flow *f = s->flow;
	const struct tcp_track *receiver = &f->track[!s->direction];
	struct stream *st = &f->stream[s->direction];
	struct stream_pool *pool = s->ctx->flows->streams;
	if (!(receiver->flags & TCP_TRACK_ACK) || !(st->flags & STREAM_STARTED) ||
	    !stream_is_open(st))
		return;
	uint32_t to = receiver->ack;
	if ((st->flags & STREAM_FIN_SEEN) && (int32_t)(to - st->fin_seq) > 0)
		to = st->fin_seq; /* the FIN's own sequence number is no byte */
	uint32_t total = 0, n;
	enum app_direction dir = pipeline_app_direction(s);
	while (!s->passed && (n = stream_skip(st, pool, to)) > 0) {
		total += n;
		if (n <= PIPELINE_GAP_FILL_MAX && f->app_status == FLOW_APP_DETECTED)
			app_flow_data(f, s->ctx->app, dir, true, pipeline_zeros, n, 0, false,
				      pipeline_app_unit, s);
		else {
			event_app_gone(s->ctx, f);
			app_flow_gone(f); /* the protocol is found again from what follows */
		}
		stream_flush_held(st, pool, pipeline_stream_data, s);
	}
	if (total)
		pipeline_gap_event(s, total);
}

/*
 * Data on a RST (a diagnostic text: "Access Denied") never reaches the
 * stream, no stack delivers it to the application; rules still see it as
 * the packet's own payload, as Suricata inspects it, while rules on the
 * stream alone (flow:only_stream) do not.
 */
static void pipeline_rst_data(struct detect_packet *s)
{
	const struct packet *p = s->p;
	uint32_t flow = s->match.flow;
	s->match.flow &= ~(uint32_t)RULE_MATCH_STREAM;
	detect_set_pkt_data(s, p->data + p->payload_offset, p->payload_len);
	detect_buffer(s, p->data + p->payload_offset, p->payload_len, 0, NULL);
	s->match.flow = flow;
}

/*
 * TCP: rules without pkt_data options (flags, ttl, ...) see every segment
 * once; the others see the reassembled stream, through
 * pipeline_stream_data().
 */
static void pipeline_tcp(struct detect_packet *s)
{
	struct detect_context *ctx = s->ctx;
	const struct packet *p = s->p;
	s->pkt_data_rules = 0;
	detect_buffer(s, NULL, 0, 0, NULL);
	s->pkt_data_rules = 1;
	s->match.flow |= RULE_MATCH_STREAM;
	/* Stream data and units are inspected once, as they arrive. Data on
	 * the ACK that completes the handshake (sent so, or overtaking the
	 * bare ACK on its way) reaches the server as data of an established
	 * connection: seen here as not established, flow:established rules
	 * would miss it for good and the request would pass. Only the
	 * packet's own pass above keeps Suricata's "not yet established". */
	if (s->flow->established)
		s->match.flow |= RULE_MATCH_ESTABLISHED;
	pipeline_stream_gap(s);
	/* ids: note the urgent byte, cut out when the stream delivers it, where
	 * the receiver takes it out of band (ips mode drops urgent data
	 * instead: pipeline_packet()) */
	if (unlikely(p->tcp_flags & PIPELINE_TCP_URG) && p->tcp_urgent &&
	    p->tcp_urgent <= p->payload_len && !ctx->enforce &&
	    s->flow->urgent[s->direction] == STREAM_URGENT_OOB) {
		s->flow->urgent_seq[s->direction] = p->tcp_seq + p->tcp_urgent - 1;
		s->flow->pipeline_flags |= FLOW_PIPELINE_URGENT(s->direction);
	}
	/* Every segment goes in, empty ones too: the SYN gives the initial
	 * sequence number and FIN/RST end the stream. */
	if (!s->passed)
		stream_insert(&s->flow->stream[s->direction], ctx->flows->streams, p->tcp_seq,
			      p->data + p->payload_offset, p->payload_len, p->tcp_flags,
			      pipeline_stream_data, s);
	/* ips: what contradicts held bytes does not reach the receiver, which
	 * might take the newer copy where vigil keeps the first */
	struct stream *st = &s->flow->stream[s->direction];
	if (unlikely(st->flags & STREAM_MISMATCH)) {
		st->flags &= (uint16_t)~STREAM_MISMATCH; /* this packet's, told once */
		if (ctx->enforce)
			s->verdict = pipeline_discard(ctx, p, s->flow, NORMALIZE_OVERLAP_MISMATCH,
						      s->timestamp_us);
	}
	if (unlikely((p->tcp_flags & STREAM_TCP_RST) && p->payload_len) && !s->passed)
		pipeline_rst_data(s);
	if (p->tcp_flags & (STREAM_TCP_FIN | STREAM_TCP_RST))
		pipeline_app_end(s);
	if (s->app_error && pipeline_app_error(s))
		return;
	if (s->app_found_now && s->app_visible && !s->passed)
		detect_packet_rules_again(s);
}

/* UDP and other protocols: the packet's payload is the data. */
static void pipeline_datagram(struct detect_packet *s)
{
	const struct packet *p = s->p;
	const uint8_t *payload = p->data + p->payload_offset;
	detect_set_pkt_data(s, payload, p->payload_len);
	pipeline_app(s, payload, p->payload_len, 0, false);
	if (s->app_error && pipeline_app_error(s))
		return;
	detect_buffer(s, payload, p->payload_len, 0, NULL);
}

/*
 * Data on a SYN, which the normalizer keeps from the stream (its receiver
 * would not take it; ips drops it), is still inspected as a packet, its
 * own payload alone: the attempt is reported as Suricata reports it (a
 * rule on the payload alerts, a drop rule's alert says blocked), while
 * nothing of it reaches the stream or the application parsers. The other
 * segments a receiver discards (out of window, no ACK, PAWS, ...) are the
 * decoys of an insertion attack and are not inspected at all: an alert on
 * them would be the attacker's to trigger (lab_stream_agreement).
 */
static void pipeline_inspect_discarded(struct detect_packet *s)
{
	const struct packet *p = s->p;
	if (!p->payload_len || detect_flow_decided(s)) /* a flow dropped or passed whole */
		return;
	const uint8_t *payload = p->data + p->payload_offset;
	detect_set_pkt_data(s, payload, p->payload_len);
	detect_buffer(s, payload, p->payload_len, 0, NULL);
	detect_alerts_flush(s);
}

/*
 * No rules, a filter: the flow and the filter only, without building the
 * detection state (zeroing it costs more than the filter's cached check).
 */
static enum verdict pipeline_filter_only(struct detect_context *ctx, const struct packet *p,
					 uint64_t timestamp_us)
{
	enum flow_direction dir = FLOW_TO_SERVER;
	/* a stateless filter classified by burst needs no flow (filter.h) */
	struct flow *flow = ctx->flows && filter_needs_flow(ctx->filter, p)
				? flow_lookup(ctx->flows, p, timestamp_us * 1000, &dir)
				: NULL;
	if (filter_packet(ctx->filter, p, flow, dir, timestamp_us) && ctx->enforce)
		return VERDICT_FILTER_DROP;
	return VERDICT_PASS;
}

/* A rate limit blocks the packet's source, or this SYN took it over its rate. */
static bool pipeline_rate_limited(struct detect_context *ctx, const struct packet *p,
				  uint64_t timestamp_us)
{
	bool syn = (p->flags & PACKET_TCP) &&
		   (p->tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_ACK)) == STREAM_TCP_SYN;
	return ratelimit_packet(ctx->ratelimit, p->src_addr, p->ip_version, syn, timestamp_us);
}

/* pipeline_packet(), and the flow and direction of p (*flow NULL: none looked up). */
static enum verdict pipeline_inspect(struct detect_context *ctx, const struct packet *p,
				     uint64_t timestamp_us, struct flow **flow,
				     enum flow_direction *dir)
{
	*flow = NULL;
	ctx->drop_reason = DROP_VERDICT;
	ctx->drop_alert = NULL;
	ctx->has_silent_drop = false;
	ctx->rate_filter_dropped = false;
	ctx->flow_dropped = false;
	ctx->now_us = timestamp_us;
	if (!(p->flags & (PACKET_IPV4 | PACKET_IPV6)))
		return VERDICT_PASS;
	/* rate limits drop a blocked source's packets before anything else */
	if (ctx->ratelimit && pipeline_rate_limited(ctx, p, timestamp_us) && ctx->enforce) {
		ctx->drop_reason = DROP_RATE_LIMIT;
		return VERDICT_DROP;
	}
	if (!ctx->ruleset && !ctx->filter)
		return VERDICT_PASS;
	if (!ctx->ruleset)
		return pipeline_filter_only(ctx, p, timestamp_us);

	struct detect_packet s;
	detect_packet_begin(&s, ctx, p, timestamp_us);
	pipeline_flow(&s);
	*flow = s.flow;
	*dir = pipeline_flow_direction(&s);
	/* normalize: a segment its receiver would discard is not inspected
	 * (ids) or not forwarded (ips): the receiver never takes its bytes */
	unsigned discard = NORMALIZE_OK;
	if (s.flow && unlikely(s.flow->discard != NORMALIZE_OK))
		discard = s.flow->discard;
	/* ips: data on any SYN, Fast Open too (see normalize.h) */
	else if (unlikely((p->flags & PACKET_TCP) && (p->tcp_flags & STREAM_TCP_SYN) &&
			  p->payload_len) &&
		 ctx->enforce)
		discard = NORMALIZE_SYN_DATA;
	/* ips: urgent data, which Linux takes out of the stream (one byte before
	 * the urgent pointer) while vigil would inspect it in place */
	else if (unlikely((p->flags & PACKET_TCP) && (p->tcp_flags & PIPELINE_TCP_URG) &&
			  p->payload_len) &&
		 ctx->enforce)
		discard = NORMALIZE_URGENT;
	if (unlikely(discard != NORMALIZE_OK)) {
		if (discard == NORMALIZE_SYN_DATA)
			pipeline_inspect_discarded(&s);
		return pipeline_discard(ctx, p, s.flow, discard, timestamp_us);
	}
	if (s.flow && (s.flow->pipeline_flags & FLOW_PIPELINE_RATE_LIMITED) && ctx->enforce) {
		ctx->drop_reason = DROP_RATE_LIMIT;
		return VERDICT_DROP;
	}
	/* in ids mode a denied packet is counted and still inspected, as it passes */
	if (ctx->filter &&
	    filter_packet(ctx->filter, p, s.flow, pipeline_flow_direction(&s), timestamp_us) &&
	    ctx->enforce)
		return VERDICT_FILTER_DROP;
	if (!detect_flow_decided(&s)) {
		if (s.flow && (p->flags & PACKET_TCP))
			pipeline_tcp(&s);
		else
			pipeline_datagram(&s);
	}
	detect_alerts_flush(&s);
	return s.verdict;
}

enum verdict pipeline_packet(struct detect_context *ctx, const struct packet *p,
			     uint64_t timestamp_us)
{
	struct flow *flow;
	enum flow_direction dir;
	return pipeline_inspect(ctx, p, timestamp_us, &flow, &dir);
}

void pipeline_flow_gone(struct flow *f, void *arg)
{
	struct detect_context *ctx = arg;
	/* the slot's stream tails must not leak into the next flow there */
	size_t slot = (size_t)(f - ctx->flows->flows);
	memset(&ctx->tails[2 * slot], 0, 2 * sizeof(struct detect_tail));
	event_flow_gone(ctx, f); /* the parser's details are still there */
	app_flow_gone(f);
	detect_flow_gone(ctx, f);
}

/* The packet of f's dir without payload: addresses, ports and protocol, for rules and alerts. */
static void pipeline_flow_packet(const struct flow *f, enum flow_direction dir, struct packet *p)
{
	unsigned from = dir == FLOW_TO_SERVER ? f->client_side : !f->client_side;
	memset(p, 0, sizeof(*p));
	p->ip_version = f->key.ip_version;
	p->l4_proto = f->key.proto;
	p->flags = (f->key.ip_version == 6 ? PACKET_IPV6 : PACKET_IPV4) |
		   (f->key.proto == IPPROTO_TCP ? PACKET_TCP : 0) |
		   (f->key.proto == IPPROTO_UDP ? PACKET_UDP : 0) |
		   (f->key.proto == IPPROTO_SCTP ? PACKET_SCTP : 0);
	p->ether_type = f->key.ip_version == 6 ? 0x86dd : 0x0800;
	memcpy(p->src_addr, f->key.addr[from], sizeof(p->src_addr));
	memcpy(p->dst_addr, f->key.addr[!from], sizeof(p->dst_addr));
	p->src_port = f->key.port[from];
	p->dst_port = f->key.port[!from];
	memcpy(p->vlan_id, f->key.vlan_id, sizeof(p->vlan_id));
	p->vlan_count = (uint8_t)((f->key.vlan_id[0] != 0) + (f->key.vlan_id[1] != 0));
}

/* flow_table_foreach() callback of pipeline_flows_end(): both directions of one flow. */
static void pipeline_flow_end(struct flow *f, void *arg)
{
	struct detect_context *ctx = arg;
	for (unsigned dir = FLOW_TO_SERVER; dir <= FLOW_TO_CLIENT; dir++) {
		if (f->app_status != FLOW_APP_DETECTED || f->action != FLOW_ACTION_NONE ||
		    (f->pipeline_flags & FLOW_PIPELINE_APP_ENDED(dir)))
			continue;
		struct packet p;
		struct detect_packet s;
		pipeline_flow_packet(f, dir, &p);
		detect_packet_begin(&s, ctx, &p, ctx->now_us);
		s.flow_end = true;
		detect_flow_view(&s, f, dir == FLOW_TO_SERVER);
		/* as the stream data before it was seen (pipeline_tcp()) */
		if (f->key.proto == IPPROTO_TCP)
			s.match.flow |= RULE_MATCH_STREAM;
		if (f->established)
			s.match.flow |= RULE_MATCH_ESTABLISHED;
		f->pipeline_flags |= FLOW_PIPELINE_APP_ENDED(dir);
		app_file_rules_needs = ctx->file_needs;
		app_flow_end(f, pipeline_app_direction(&s), pipeline_app_unit, &s);
		detect_alerts_flush(&s);
	}
}

void pipeline_flows_end(struct detect_context *ctx)
{
	if (ctx->flows && ctx->ruleset && ctx->app)
		flow_table_foreach(ctx->flows, pipeline_flow_end, ctx);
}

void pipeline_housekeeping(struct detect_context *ctx)
{
	if (ctx->flows && ctx->now_us) {
		flow_expire(ctx->flows, ctx->now_us * 1000, 8, NULL, NULL);
		event_flows_periodic(ctx, ctx->now_us * 1000);
	}
	ratelimit_housekeeping(ctx->ratelimit);
	detect_rules_sync(ctx);
}

/* ---- decode, defrag, verdict: the burst ---- */

/* Protocol counters from what the decoders found. Per-packet path. */
static inline void pipeline_count_layers(struct worker_counters *c, const struct packet *p)
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
	n[WORKER_COUNTER_NSH] += !!(f & PACKET_NSH);
	n[WORKER_COUNTER_GRE] += !!(f & PACKET_GRE);
	n[WORKER_COUNTER_SCTP] += !!(f & PACKET_SCTP);
	n[WORKER_COUNTER_OTHER_L3] += !!(f & PACKET_L3_UNKNOWN);
	n[WORKER_COUNTER_LINK_LOCAL] += !!(f & PACKET_LINK_LOCAL);
	n[WORKER_COUNTER_OTHER_L4] += !!(f & PACKET_L4_UNKNOWN);
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
static bool pipeline_fragment_cut_header(struct packet *p, enum decode_error error)
{
	if (!(p->flags & PACKET_FIRST_FRAGMENT) || !p->more_fragments)
		return false;
	switch (error) {
	case DECODE_TCP_TRUNCATED:
	case DECODE_TCP_BAD_HEADER_LEN:
	case DECODE_TCP_BAD_OPTIONS:
	case DECODE_UDP_TRUNCATED:
	case DECODE_SCTP_TRUNCATED:
	case DECODE_ICMP_TRUNCATED:
	case DECODE_ICMPV6_TRUNCATED:
		p->flags &= ~(uint32_t)(PACKET_TCP | PACKET_UDP | PACKET_SCTP | PACKET_ICMP |
					PACKET_ICMPV6);
		return true;
	default:
		return false;
	}
}

/*
 * The decoder event (rules/lang/event.h) Suricata raises for what vigil's
 * decoders refuse; errors Suricata has no event for (tunnels, a chain too
 * long) raise none. Read per refused packet only.
 */
const uint8_t pipeline_decode_events[DECODE_ERROR_COUNT] = {
#define E(error, event) [DECODE_##error] = RULE_EVENT_##event + 1
    E(ETHERNET_TRUNCATED, ETHERNET_PKT_TOO_SMALL),
    E(VLAN_TRUNCATED, VLAN_HEADER_TOO_SMALL),
    E(VLAN_TOO_MANY, VLAN_TOO_MANY_LAYERS),
    E(IPV4_TRUNCATED, IPV4_PKT_TOO_SMALL),
    E(IPV4_BAD_VERSION, IPV4_WRONG_IP_VER),
    E(IPV4_BAD_HEADER_LEN, IPV4_HLEN_TOO_SMALL),
    E(IPV4_BAD_TOTAL_LEN, IPV4_TRUNC_PKT),
    E(IPV4_BAD_OPTIONS, IPV4_OPT_INVALID_LEN),
    E(IPV6_TRUNCATED, IPV6_PKT_TOO_SMALL),
    E(IPV6_BAD_VERSION, IPV6_WRONG_IP_VER),
    E(IPV6_BAD_PAYLOAD_LEN, IPV6_TRUNC_PKT),
    E(IPV6_EXTENSION_TRUNCATED, IPV6_TRUNC_EXTHDR),
    E(IPV6_DUPLICATE_FRAGMENT_HEADER, IPV6_EXTHDR_DUPL_FH),
    E(TCP_TRUNCATED, TCP_PKT_TOO_SMALL),
    E(TCP_BAD_HEADER_LEN, TCP_HLEN_TOO_SMALL),
    E(TCP_BAD_OPTIONS, TCP_INVALID_OPTLEN),
    E(UDP_TRUNCATED, UDP_PKT_TOO_SMALL),
    E(UDP_BAD_LEN, UDP_LEN_INVALID),
    E(ICMP_TRUNCATED, ICMPV4_PKT_TOO_SMALL),
    E(ICMPV6_TRUNCATED, ICMPV6_PKT_TOO_SMALL),
    E(ICMPV6_IN_IPV4, IPV4_WITH_ICMPV6),
#undef E
};

static inline uint64_t pipeline_packet_time(struct worker_conf *conf, const struct rte_mbuf *m,
					    uint64_t now_us);

/* Events of a packet the decoders took whole: an atomic IPv6 fragment. Per-packet path. */
static inline uint64_t pipeline_packet_events(const struct packet *p)
{
	return unlikely(p->flags & PACKET_ATOMIC_FRAGMENT)
		   ? RULE_EVENT_BIT(RULE_EVENT_IPV6_EXTHDR_USELESS_FH)
		   : 0;
}

/*
 * A packet the decoders refused meets the rules on its decoder event
 * (decode-event, pkthdr rules); a drop one drops it in ips mode, even
 * where the board forwards malformed packets.
 */
static void pipeline_decode_event(struct worker_conf *conf, const struct rte_mbuf *m,
				  const struct packet *p, enum decode_error error, uint64_t now_us,
				  enum drop_reason *why)
{
	unsigned event = pipeline_decode_events[error];
	uint64_t events = pipeline_packet_events(p) | (event ? RULE_EVENT_BIT(event - 1) : 0);
	if (!events || !conf->detect.ruleset)
		return;
	uint64_t time_us = pipeline_packet_time(conf, m, now_us);
	enum verdict v = detect_events(&conf->detect, p, time_us, events);
	if (v != VERDICT_PASS && conf->detect.enforce)
		*why = DROP_MALFORMED;
}

static inline bool pipeline_decode(struct worker_conf *conf, struct rte_mbuf *m, struct packet *p,
				   const struct decode_tunnels *tunnels, enum drop_reason *why,
				   enum decode_error *error_out)
{
	struct worker_counters *c = &conf->counters;
	uint32_t len = rte_pktmbuf_pkt_len(m);

	/* Decoders need the frame contiguous; chained mbufs (jumbo pcap
	 * records) are copied into the worker's scratch buffer. */
	if (len > WORKER_SCRATCH_SIZE)
		len = WORKER_SCRATCH_SIZE;
	const uint8_t *data = rte_pktmbuf_read(m, 0, len, conf->scratch);

	/* tunnel peel: on a port carrying tunnels, a GENEVE or VXLAN datagram
	 * is replaced in p by its inner packet (the outer headers stay in the
	 * frame for the way back, encap.c); counted by tunnel type */
	enum decode_error error;
	if (likely(tunnels == NULL)) {
		error = decode_packet(p, data, len);
	} else {
		error = decode_tunnel_packet(p, data, len, tunnels);
		c->counter[WORKER_COUNTER_GENEVE] += p->tunnel.type == PACKET_TUNNEL_GENEVE;
		c->counter[WORKER_COUNTER_VXLAN] += p->tunnel.type == PACKET_TUNNEL_VXLAN;
	}
	pipeline_count_layers(c, p);
	*why = DROP_REASON_COUNT;
	*error_out = error;
	if (likely(error == DECODE_OK))
		return true;
	if (conf->defrag && pipeline_fragment_cut_header(p, error))
		return true;
	c->counter[WORKER_COUNTER_MALFORMED]++;
	c->malformed[error]++;
	if (conf->drop_malformed)
		*why = DROP_MALFORMED;
	return false;
}

/*
 * The decoder event Suricata raises for a fragment IP reassembly refused
 * (rules/lang/event.h), and the rules on it run on the fragment.
 */
static void pipeline_defrag_rules(struct worker_conf *conf, const struct packet *p,
				  enum defrag_reason r, uint64_t time_us)
{
	bool v6 = p->ip_version == 6;
	uint64_t events = 0;
	if (r == DEFRAG_OVERLAP_CONFLICT)
		events = RULE_EVENT_BIT(v6 ? RULE_EVENT_IPV6_FRAG_OVERLAP
					   : RULE_EVENT_IPV4_FRAG_OVERLAP);
	else if (r == DEFRAG_TOO_BIG)
		events = RULE_EVENT_BIT(v6 ? RULE_EVENT_IPV6_FRAG_PKT_TOO_LARGE
					   : RULE_EVENT_IPV4_FRAG_PKT_TOO_LARGE);
	else if (r == DEFRAG_BAD_LENGTH && v6)
		events = RULE_EVENT_BIT(RULE_EVENT_IPV6_FRAG_INVALID_LENGTH);
	/* a fragment that reaches past 65,535 bytes raises it whatever else
	 * refused it (its datagram refused before: late), as Suricata checks
	 * every fragment */
	if (p->fragment_offset + p->payload_len > DEFRAG_MAX_DATAGRAM)
		events |= RULE_EVENT_BIT(v6 ? RULE_EVENT_IPV6_FRAG_PKT_TOO_LARGE
					    : RULE_EVENT_IPV4_FRAG_PKT_TOO_LARGE);
	if (events)
		detect_events(&conf->detect, p, time_us, events);
}

/*
 * An EVE anomaly event for a datagram IP reassembly refused, once per
 * datagram: its later fragments (late), floods of new ones and bad
 * checksums are counted only, so that a flood of fragments cannot flood
 * the alert ring (alert_push: a full ring is counted, or waited on offline).
 */
static void pipeline_defrag_event(struct worker_conf *conf, const struct packet *p,
				  enum defrag_reason r, uint64_t time_us)
{
	pipeline_defrag_rules(conf, p, r, time_us);
	if (r == DEFRAG_LATE || r == DEFRAG_FLOOD || r == DEFRAG_BAD_CHECKSUM ||
	    !conf->detect.alerts)
		return;
	struct alert a = event_anomaly(&conf->detect, p, time_us, ALERT_ANOMALY_DEFRAG);
	a.blocked = conf->detect.enforce;
	a.anomaly_reason = (uint8_t)r;
	detect_push(&conf->detect, &a);
}

/*
 * When the packet was seen: the receive timestamp the device left in the
 * mbuf (the pcap device gives each record's capture time, in microseconds),
 * else the burst's time on the worker's monotonic clock. Flows, windows and
 * timeouts run on it, so a wall-clock step (NTP, an operator) neither
 * expires every flow at once nor keeps dead ones for hours; what is shown
 * (alerts, drop events, rate-limit blocks) adds the wall-clock offset, 0
 * for capture times, so an offline run reports capture times.
 */
static void pipeline_wall_offset_apply(struct worker_conf *conf, int64_t offset)
{
	conf->detect.wall_offset_us = offset;
	if (conf->detect.filter)
		conf->detect.filter->wall_offset_us = offset;
	if (conf->detect.ratelimit)
		conf->detect.ratelimit->wall_offset_us = offset;
}

static inline uint64_t pipeline_packet_time(struct worker_conf *conf, const struct rte_mbuf *m,
					    uint64_t now_us)
{
	if (!(conf->timestamp_offset >= 0 && (m->ol_flags & conf->timestamp_flag)))
		return now_us;
	if (unlikely(conf->detect.wall_offset_us != 0))
		pipeline_wall_offset_apply(conf, 0); /* capture times are shown as they are */
	return *RTE_MBUF_DYNFIELD(m, conf->timestamp_offset, const uint64_t *);
}

/*
 * A tunnel flow's side table entry (struct worker_conf.tunnel_outers) for
 * direction dir: the outer header block that direction last came with.
 */
static inline struct encap_outer *
pipeline_tunnel_outer(struct worker_conf *conf, const struct flow *flow, enum flow_direction dir)
{
	return &conf->tunnel_outers[2 * (size_t)(flow - conf->detect.flows->flows) + dir];
}

/*
 * The outer headers of a tunnel packet's reject frames: the balancer
 * delivers each frame by its outer header. The RST toward the receiver
 * goes the way this packet goes, in its own outer header turned as a
 * passed packet's is (*forth: GENEVE options byte for byte, VXLAN onto the
 * peer tunnel); the RST (or ICMP) toward the sender goes the way the other
 * direction goes, in the outer header that direction last came with
 * (*back: its own GENEVE options and flow cookie, its VXLAN tunnel),
 * turned likewise. When the other direction has not been seen, this
 * packet's own header stands in for it: addresses swapped, tunnel kept
 * (the other direction's packets come in on the peer tunnel and go back
 * on this one). Returns false when p's outer header is too long to keep.
 */
static bool pipeline_reject_outer(struct worker_conf *conf, const struct decode_tunnels *tunnels,
				  const struct packet *p, const struct flow *flow,
				  enum flow_direction dir, struct encap_outer *back,
				  struct encap_outer *forth)
{
	if (!encap_outer_keep(forth, 0, p->data, &p->tunnel))
		return false;
	const struct encap_outer *other =
	    flow && conf->tunnel_outers ? pipeline_tunnel_outer(conf, flow, !dir) : NULL;
	bool seen = other && other->len && other->flow_id == flow->flow_id;
	*back = seen ? *other : *forth;
	encap_outer_turn(back, seen ? tunnels : NULL);
	encap_outer_turn(forth, tunnels);
	return true;
}

/*
 * The reject frames of the packet p (whole: what was inspected, p or the
 * datagram p completed; flow and dir its flow, NULL when none). From a
 * tunnel, both go back to the balancer by the arrival port.
 */
static void pipeline_reject(struct worker_conf *conf, const struct decode_tunnels *tunnels,
			    const struct packet *p, const struct packet *whole,
			    const struct flow *flow, enum flow_direction dir,
			    struct pipeline_rejects *rj)
{
	struct rte_mbuf *to_sender, *to_receiver;
	struct encap_outer back, forth;
	bool tunnel = p->flags & PACKET_TUNNEL;
	if (unlikely(tunnel) && !pipeline_reject_outer(conf, tunnels, p, flow, dir, &back, &forth))
		return;
	reject_build(whole, tunnel ? &(struct reject_outer){&back, &forth} : NULL, conf->pool,
		     &to_sender, &to_receiver);
	if (to_sender)
		rj->to_back[rj->back_count++] = to_sender;
	if (to_receiver && tunnel)
		rj->to_back[rj->back_count++] = to_receiver;
	else if (to_receiver)
		rj->to_pair[rj->pair_count++] = to_receiver;
}

#define PIPELINE_CHECKSUMS_LEARN 100

/*
 * checksums = auto: checks are on, but when more than a tenth of the first
 * PIPELINE_CHECKSUMS_LEARN checked packets were bad they go off for good
 * (counter checksums_off): a capture taken where the NIC was to fill them
 * in (one direction of every connection wrong) is told apart within a
 * hundred packets, while a few decoys in an attack stay refused. Returns
 * true when r is not to be acted on (checks just went off).
 */
static bool pipeline_checksums_learn(struct worker_conf *conf, enum normalize_reason r)
{
	conf->checksums_bad += r != NORMALIZE_OK;
	if (++conf->checksums_seen < PIPELINE_CHECKSUMS_LEARN &&
	    conf->checksums_bad * 10 <= PIPELINE_CHECKSUMS_LEARN)
		return false;
	conf->checksums_auto = false;
	if (conf->checksums_bad * 10 > conf->checksums_seen) {
		conf->detect.check_checksums = false;
		conf->counters.counter[WORKER_COUNTER_CHECKSUMS_OFF] = 1;
		return true;
	}
	return false;
}

/*
 * normalize, checksums: what the device verified (the mbuf's offload flags)
 * is taken as it says; the rest is checked in software. Only for packets
 * that are inspected: a bad checksum is a decoy the receiver drops. Returns
 * VERDICT_PASS, VERDICT_DROP (ips: drop reason normalize) or, in ids mode,
 * VERDICT_FILTER_DROP to say "not inspected". A reassembled datagram's IP
 * header was checked piece by piece (defrag).
 */
static enum verdict pipeline_checksums(struct worker_conf *conf, const struct rte_mbuf *m,
				       const struct packet *p, bool reassembled, uint64_t time_us)
{
	struct detect_context *ctx = &conf->detect;
	uint64_t ip = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	enum normalize_reason r = NORMALIZE_OK;
	if (!reassembled && ip == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		r = NORMALIZE_IP_CHECKSUM;
	else if (!reassembled && l4 == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		r = NORMALIZE_L4_CHECKSUM;
	else
		r = normalize_checksums(p, !reassembled && ip != RTE_MBUF_F_RX_IP_CKSUM_GOOD,
					reassembled || l4 != RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	if (unlikely(conf->checksums_auto) && pipeline_checksums_learn(conf, r))
		return VERDICT_PASS;
	if (likely(r == NORMALIZE_OK))
		return VERDICT_PASS;
	enum verdict v = pipeline_discard(ctx, p, NULL, r, time_us);
	return v == VERDICT_PASS ? VERDICT_FILTER_DROP : v; /* ids: not inspected */
}

/* Why ips mode dropped the packet pipeline_inspect() just judged, as its EVE drop record says. */
static enum alert_drop_cause pipeline_drop_cause(const struct detect_context *ctx)
{
	if (ctx->drop_reason == DROP_RATE_LIMIT)
		return ALERT_DROP_RATE_LIMIT;
	if (ctx->drop_reason == DROP_NORMALIZE)
		return ALERT_DROP_STREAM;
	if (ctx->rate_filter_dropped)
		return ALERT_DROP_THRESHOLD;
	if (ctx->drop_alert)
		return ALERT_DROP_RULES;
	if (ctx->flow_dropped)
		return ALERT_DROP_FLOW;
	/* a rule's verdict without its alert (past packet_alert_max, or a
	 * drop rule with noalert): Suricata's "rules" too */
	return ctx->drop_reason == DROP_VERDICT ? ALERT_DROP_RULES : ALERT_DROP_OTHER;
}

/*
 * One decoded packet from defrag on; returns DROP_REASON_COUNT when it is
 * to be forwarded, else why it is dropped. Per-packet path.
 */
static inline enum drop_reason pipeline_one(struct worker_conf *conf, const struct worker_queue *q,
					    struct rte_mbuf *m, struct packet *p, uint64_t now_us,
					    struct pipeline_rejects *rj)
{
	struct detect_context *ctx = &conf->detect;
	/* The scratch buffer holds the burst's last chained frame only: a
	 * chained one decoded before it is copied in again (same bytes, same
	 * offsets). */
	if (unlikely(p->data == conf->scratch))
		p->data = rte_pktmbuf_read(m, 0, p->len, conf->scratch);
	uint64_t time_us = pipeline_packet_time(conf, m, now_us);
	const struct packet *whole = p;
	uint64_t events = pipeline_packet_events(p);
	if (unlikely(events) && ctx->ruleset)
		detect_events(ctx, p, time_us, events); /* and inspected as usual */
	if (unlikely(p->flags & PACKET_FRAGMENT) && conf->defrag) {
		/* inspected whole: the datagram's last fragment takes its verdict */
		enum defrag_reason r = defrag_packet(conf->defrag, p, time_us, &whole);
		if (r == DEFRAG_HELD)
			return DROP_REASON_COUNT;
		if (r != DEFRAG_COMPLETE) {
			pipeline_defrag_event(conf, p, r, time_us);
			return ctx->enforce ? DROP_FRAGMENT : DROP_REASON_COUNT;
		}
	}
	enum verdict verdict = ctx->check_checksums && ctx->ruleset
				   ? pipeline_checksums(conf, m, whole, whole != p, time_us)
				   : VERDICT_PASS;
	struct flow *flow = NULL;
	enum flow_direction dir = FLOW_TO_SERVER;
	if (likely(verdict == VERDICT_PASS))
		verdict = pipeline_inspect(ctx, whole, time_us, &flow, &dir);
	else if (verdict == VERDICT_FILTER_DROP)
		return DROP_REASON_COUNT; /* ids: the receiver drops it; not inspected */
	/* the outer header this direction came with, for a reject of the other's */
	if (unlikely(conf->tunnel_outers != NULL) && flow && (p->flags & PACKET_TUNNEL))
		encap_outer_keep(pipeline_tunnel_outer(conf, flow, dir), flow->flow_id, p->data,
				 &p->tunnel);
	if (likely(verdict == VERDICT_PASS || !ctx->enforce))
		return DROP_REASON_COUNT;
	if (unlikely(whole != p))
		defrag_bury_packet(conf->defrag, p,
				   time_us); /* a resent last piece is refused too */
	if (verdict == VERDICT_FILTER_DROP)
		return DROP_FILTER;
	if (unlikely(ctx->events.drops != EVENT_DROPS_NONE))
		event_drop(ctx, whole, flow, dir, pipeline_drop_cause(ctx), time_us);
	if (verdict == VERDICT_REJECT)
		pipeline_reject(conf, q->tunnels, p, whole, flow, dir, rj);
	return ctx->drop_reason;
}

/*
 * A passed tunnel packet goes back in its outer headers, turned
 * (encap.h). The decoded view's bytes are the mbuf's own, writable, unless
 * a chained frame was copied into the scratch buffer.
 */
static inline bool pipeline_encap(struct worker_conf *conf, const struct worker_queue *q,
				  struct rte_mbuf *m, const struct packet *p)
{
	if (unlikely(p->data == conf->scratch))
		return encap_return(m, &p->tunnel, q->tunnels);
	encap_return_frame((uint8_t *)(uintptr_t)p->data, &p->tunnel, q->tunnels);
	return true;
}

/*
 * A frame for the appliance itself goes to the exception path, which owns
 * it from now on: *slot is cleared so the burst's later passes skip it.
 */
static inline bool pipeline_take_exception(struct worker_conf *conf, const struct worker_queue *q,
					   struct rte_mbuf **slot, uint64_t *taken_bytes)
{
	uint32_t len = rte_pktmbuf_pkt_len(*slot);
	if (!exception_take(conf->exceptions, q->rx_port, *slot))
		return false;
	*taken_bytes += len;
	*slot = NULL;
	return true;
}

/*
 * In three passes: decode every packet, let the filter classify the decoded
 * burst at once (rte_acl and the IP-set lookups are built for bursts), then
 * take each packet on through the rest (or, when the filter's results are
 * the whole verdict, straight to it).
 */
uint64_t pipeline_burst(struct worker_conf *conf, const struct worker_queue *q,
			struct rte_mbuf **burst, uint16_t n, uint64_t now_us, enum drop_reason *why,
			struct pipeline_rejects *rj)
{
	uint64_t taken_bytes = 0;
	struct packet pkts[WORKER_BURST];
	const struct packet *decoded[WORKER_BURST];
	struct detect_context *ctx = &conf->detect;
	struct filter_context *filter = ctx->filter;
	uint64_t first_number = conf->counters.counter[WORKER_COUNTER_RX_PACKETS] + 1u;
	uint32_t fragments = 0; /* PACKET_FRAGMENT when the burst holds one */

	/* the published mode and the clock's offset hold for the whole burst */
	if (ctx->published)
		ctx->enforce = dataplane_mode_enforce(ctx->published);
	if (ctx->flows) {
		ctx->flows->normalize.strict = ctx->enforce;
		/* ids: reassemble as each receiver does (its stream's policy,
		 * from the host table); ips: first copy kept, a contradicting
		 * one dropped (pipeline_tcp()) */
		stream_pool_force_first(ctx->flows->streams, ctx->enforce);
	}
	pipeline_wall_offset_apply(conf, conf->wall_offset_us);
	rj->pair_count = rj->back_count = 0;

	/* decode (the appliance's own frames go to the control lcore's stack) */
	for (uint16_t i = 0; i < n; i++) {
		decoded[i] = NULL;
		why[i] = DROP_REASON_COUNT;
		/* A tunnel port's datagrams are addressed to the appliance itself:
		 * the tunnel is peeled first, what is left may be for its stack. */
		if (unlikely(conf->exceptions != NULL) && !q->tunnels &&
		    pipeline_take_exception(conf, q, &burst[i], &taken_bytes))
			continue;
		enum decode_error error;
		bool ok = pipeline_decode(conf, burst[i], &pkts[i], q->tunnels, &why[i], &error);
		pkts[i].rx_port = q->rx_port;
		if (unlikely(!ok) && error != DECODE_OK) {
			ctx->packet_number = first_number + i;
			pipeline_decode_event(conf, burst[i], &pkts[i], error, now_us, &why[i]);
		}
		if (unlikely(q->tunnels != NULL) && !(pkts[i].flags & PACKET_TUNNEL) &&
		    conf->exceptions != NULL &&
		    pipeline_take_exception(conf, q, &burst[i], &taken_bytes)) {
			why[i] = DROP_REASON_COUNT;
			continue;
		}
		decoded[i] = ok ? &pkts[i] : NULL;
		if (decoded[i])
			fragments |= pkts[i].flags & PACKET_FRAGMENT;
	}
	/* filter, the stateless part, a burst at a time */
	bool filter_alone = false;
	uint32_t filter_denied = 0; /* bit i: packet i denied, when filter_alone */
	if (filter) {
		filter->rx_protected = q->rx_protected;
		filter_classify_burst(filter, decoded, n);
		/* With no rules and no rate limits, a burst the filter decides by
		 * itself goes no further than its results: no flow, no inspection.
		 * Fragments are judged as whole datagrams (pipeline_one()). */
		filter_alone = filter_burst_decides(filter) && !ctx->ruleset && !ctx->ratelimit &&
			       !(fragments && conf->defrag);
		if (filter_alone) {
			ctx->now_us = now_us;			       /* the flow table's clock */
			filter_denied = filter_burst_verdicts(filter); /* counted either way */
			if (!ctx->enforce)
				filter_denied = 0; /* ids: all pass */
		}
	}
	/* defrag, flow, filter, stream, app, detect, verdict: packet by packet */
	for (uint16_t i = 0; i < n; i++) {
		if (decoded[i] == NULL)
			continue; /* why[i] says it all, or the exception path took it */
		if (filter_alone) {
			why[i] = (filter_denied >> i) & 1 ? DROP_FILTER : DROP_REASON_COUNT;
		} else {
			ctx->packet_number = first_number + i;
			if (filter)
				filter_burst_select(filter, i);
			why[i] = pipeline_one(conf, q, burst[i], &pkts[i], now_us, rj);
		}
		/* passed from a tunnel: back into it, as the balancer's contract says */
		if (unlikely(pkts[i].flags & PACKET_TUNNEL) && why[i] == DROP_REASON_COUNT &&
		    !pipeline_encap(conf, q, burst[i], &pkts[i]))
			why[i] = DROP_MALFORMED;
	}
	return taken_bytes;
}
