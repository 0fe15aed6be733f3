/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inspection stage (see inspect.h for the design).
 */
#include <string.h>

#include <rte_ring.h>

#include "dataplane/alert.h"
#include "dataplane/flow.h"
#include "dataplane/inspect.h"
#include "dataplane/threshold.h"
#include "rules/header.h"
#include "rules/match.h"
#include "rules/ruleset.h"

#define INSPECT_DEFERRED_MAX 32

/* What one packet's inspection needs, gathered once. */
struct inspect_packet_state {
	struct inspect_context *ctx;
	const struct packet *p;
	uint64_t timestamp_us;
	struct flow *flow;
	enum ruleset_direction direction;
	struct rule_match_ctx match;
	enum verdict verdict;
	bool passed; /* a pass rule matched: nothing more for this packet */
	int pkt_data_rules; /* -1: all candidates; 0: only rules without pkt_data options; 1: only with */
	/* Rules found by address in the first pass of a TCP segment that need
	 * the stream's data: kept for the stream passes, so the addresses are
	 * looked up once per packet. */
	uint32_t deferred[INSPECT_DEFERRED_MAX];
	unsigned deferred_count;
	bool deferred_overflow;
};

static void inspect_alert(const struct inspect_packet_state *s, const struct rule *rule,
			  bool blocked)
{
	const struct packet *p = s->p;
	struct alert a = {
		.rule = rule,
		.timestamp_us = s->timestamp_us,
		.flow_id = s->flow ? s->flow->flow_id : 0,
		.src_port = p->src_port,
		.dst_port = p->dst_port,
		.ip_version = p->ip_version,
		.l4_proto = p->l4_proto,
		.blocked = blocked,
		.to_server = s->direction == RULESET_TO_SERVER,
		.worker = (uint16_t)s->ctx->worker_index,
		.app_proto = 0xffff,
	};
	memcpy(a.src_addr, p->src_addr, sizeof(a.src_addr));
	memcpy(a.dst_addr, p->dst_addr, sizeof(a.dst_addr));
	struct worker_counters *c = s->ctx->counters;
	if (rte_ring_sp_enqueue_elem(s->ctx->alerts, &a, sizeof(a)) == 0)
		c->counter[WORKER_COUNTER_ALERTS]++;
	else
		c->counter[WORKER_COUNTER_ALERTS_LOST]++;
}

/* The verdict an action asks for; reject outranks drop, drop outranks pass. */
static enum verdict rule_verdict(enum rule_action action)
{
	switch (action) {
	case RULE_ACTION_DROP:
		return VERDICT_DROP;
	case RULE_ACTION_REJECT:
	case RULE_ACTION_REJECTSRC:
	case RULE_ACTION_REJECTDST:
	case RULE_ACTION_REJECTBOTH:
		return VERDICT_REJECT;
	default:
		return VERDICT_PASS;
	}
}

/* The action in force: the rule's, or its rate_filter's new_action once the rate is exceeded. */
static enum rule_action inspect_action(struct inspect_packet_state *s, const struct rule *rule,
				       uint32_t index, bool *silent)
{
	const struct rule_policy *policy = rule->policy;
	if (!policy || !policy->rate.set)
		return rule->action;
	if (!threshold_rate_active(s->ctx->thresholds, index, &policy->rate, s->p,
				   s->flow ? s->flow->flow_id : 0, s->timestamp_us))
		return rule->action;
	*silent = policy->rate.new_action_silent;
	return policy->rate.new_action;
}

/* A suppress entry of the threshold file covers this packet's alert. */
static bool inspect_suppressed(const struct rule *rule, const struct packet *p)
{
	const struct rule_policy *policy = rule->policy;
	for (unsigned i = 0; policy && i < policy->suppress_count; i++) {
		const struct rule_suppress *sup = &policy->suppress[i];
		bool src = rule_addr_set_match(&sup->addrs, p->src_addr, p->ip_version);
		bool dst = rule_addr_set_match(&sup->addrs, p->dst_addr, p->ip_version);
		if (sup->track == RULE_TRACK_BY_RULE || (sup->track == RULE_TRACK_BY_SRC && src) ||
		    (sup->track == RULE_TRACK_BY_DST && dst) ||
		    (sup->track == RULE_TRACK_BY_EITHER && (src || dst)))
			return true;
	}
	return false;
}

/* Check the candidates gathered for the current buffers, in evaluation order. */
static void inspect_candidates(struct inspect_packet_state *s)
{
	struct inspect_context *ctx = s->ctx;
	const struct ruleset *rs = ctx->ruleset;
	const uint32_t *candidates;
	unsigned n = ruleset_candidates_take(ctx->scratch, &candidates);

	for (unsigned i = 0; i < n && !s->passed; i++) {
		uint32_t index = candidates[i];
		const struct rule *rule = ruleset_rule(rs, index);
		int has_pkt_data = (int)(rule->buffers_used & (1u << RULE_BUFFER_PKT_DATA));
		if (s->pkt_data_rules >= 0 && has_pkt_data != s->pkt_data_rules) {
			if (s->pkt_data_rules == 0 && s->deferred_count < INSPECT_DEFERRED_MAX)
				s->deferred[s->deferred_count++] = index;
			else if (s->pkt_data_rules == 0)
				s->deferred_overflow = true;
			continue;
		}
		if (!rule_header_match(rule, s->p, -1) || !rule_match(rule, &s->match))
			continue;
		uint64_t flow_id = s->flow ? s->flow->flow_id : 0;
		/* detection_filter decides whether the rule counts as matched at all */
		if (!threshold_pass(ctx->thresholds, index, &rule->detection_filter, s->p, flow_id,
				    s->timestamp_us))
			continue;
		rule_match_apply_flowbits(rule, &s->match);
		bool silent = false;
		enum rule_action action = inspect_action(s, rule, index, &silent);
		if (action == RULE_ACTION_PASS) {
			s->passed = true;
			break;
		}
		enum verdict wanted = ctx->enforce ? rule_verdict(action) : VERDICT_PASS;
		if (wanted > s->verdict)
			s->verdict = wanted;
		/* threshold and suppress only limit alerts; the action above still applies */
		if (!silent && !rule->noalert && !rule_match_noalert(rule) &&
		    !inspect_suppressed(rule, s->p) &&
		    threshold_pass(ctx->thresholds, index, &rule->threshold, s->p, flow_id,
				   s->timestamp_us))
			inspect_alert(s, rule, wanted != VERDICT_PASS);
	}
}

/*
 * Inspect data as pkt_data; bytes before new_from were inspected already.
 * With a Hyperscan stream, only the new bytes are scanned (the stream state
 * holds the rest); without, the whole window is.
 */
static void inspect_buffer(struct inspect_packet_state *s, const uint8_t *data, uint32_t len,
			   uint32_t new_from, struct hs_stream *stream)
{
	struct rule_match_ctx *m = &s->match;
	m->buffer[RULE_BUFFER_PKT_DATA] = len ? data : NULL;
	m->buffer_len[RULE_BUFFER_PKT_DATA] = len;
	struct inspect_context *ctx = s->ctx;
	if (stream)
		ruleset_scan_stream(ctx->ruleset, ctx->scratch, s->direction, stream,
				    data + new_from, len - new_from);
	else
		ruleset_scan(ctx->ruleset, ctx->scratch, RULE_BUFFER_PKT_DATA, s->direction, data,
			     len, new_from);
	if (s->pkt_data_rules != 1 || s->deferred_overflow)
		ruleset_scan_addresses(ctx->ruleset, ctx->scratch, RULE_BUFFER_PKT_DATA,
				       s->direction, s->p->src_addr, s->p->dst_addr,
				       s->p->ip_version);
	else
		ruleset_add_candidates(ctx->scratch, s->deferred, s->deferred_count);
	inspect_candidates(s);
}

/*
 * stream_insert() callback: one piece of new in-order data. The window is
 * the direction's tail followed by the new bytes; afterwards the tail keeps
 * the window's last bytes for the next piece.
 */
static void inspect_stream_data(void *arg, const uint8_t *data, uint32_t len, uint64_t offset)
{
	(void)offset;
	struct inspect_packet_state *s = arg;
	struct inspect_context *ctx = s->ctx;
	struct inspect_tail *tail =
		&ctx->tails[2 * (uint32_t)(s->flow - ctx->flows->flows) + s->direction];
	struct hs_stream **stream = (struct hs_stream **)&s->flow->user[s->direction];
	if (!*stream && ctx->streams_free[s->direction])
		*stream = ctx->streams[s->direction][--ctx->streams_free[s->direction]];

	while (len && !s->passed) {
		uint32_t take = len < INSPECT_WINDOW_MAX ? len : INSPECT_WINDOW_MAX;
		uint32_t window_len = tail->len + take;
		memcpy(ctx->window, tail->bytes, tail->len);
		memcpy(ctx->window + tail->len, data, take);
		inspect_buffer(s, ctx->window, window_len, tail->len, *stream);
		uint32_t keep = window_len < INSPECT_STREAM_TAIL ? window_len : INSPECT_STREAM_TAIL;
		memcpy(tail->bytes, ctx->window + window_len - keep, keep);
		tail->len = (uint16_t)keep;
		data += take;
		len -= take;
	}
}

static void inspect_flow(struct inspect_packet_state *s)
{
	struct inspect_context *ctx = s->ctx;
	enum flow_direction dir;
	s->flow = ctx->flows ? flow_lookup(ctx->flows, s->p, s->timestamp_us * 1000, &dir) : NULL;
	if (!s->flow) {
		/* stateless: the lower port is taken for the service */
		const struct packet *p = s->p;
		bool to_client = (p->flags & (PACKET_TCP | PACKET_UDP)) && p->dst_port > p->src_port;
		s->direction = to_client ? RULESET_TO_CLIENT : RULESET_TO_SERVER;
		s->match.flow = to_client ? RULE_MATCH_TO_CLIENT : RULE_MATCH_TO_SERVER;
		return;
	}
	s->direction = dir == FLOW_TO_SERVER ? RULESET_TO_SERVER : RULESET_TO_CLIENT;
	s->match.flow = RULE_MATCH_HAS_FLOW |
			(dir == FLOW_TO_SERVER ? RULE_MATCH_TO_SERVER : RULE_MATCH_TO_CLIENT) |
			(s->flow->established && !s->flow->handshake_completed_now
				 ? RULE_MATCH_ESTABLISHED
				 : 0);
	s->match.flowbits = s->flow->flowbits;
}

enum verdict inspect_packet(struct inspect_context *ctx, const struct packet *p,
			    uint64_t timestamp_us)
{
	if (!ctx->ruleset || !(p->flags & (PACKET_IPV4 | PACKET_IPV6)))
		return VERDICT_PASS;

	struct inspect_packet_state s = {
		.ctx = ctx, .p = p, .timestamp_us = timestamp_us, .verdict = VERDICT_PASS,
		.pkt_data_rules = -1};
	s.match.packet = p;
	inspect_flow(&s);
	const uint8_t *payload = p->data + p->payload_offset;

	ctx->now_us = timestamp_us;
	if (s.flow && (p->flags & PACKET_TCP)) {
		/* Rules without pkt_data options (flags, ttl, ...) see every segment once;
		 * the others see the reassembled stream. */
		s.pkt_data_rules = 0;
		inspect_buffer(&s, NULL, 0, 0, NULL);
		s.pkt_data_rules = 1;
		s.match.flow |= RULE_MATCH_STREAM;
		/* Every segment goes in, empty ones too: the SYN gives the initial
		 * sequence number and FIN/RST end the stream. */
		if (!s.passed)
			stream_insert(&s.flow->stream[s.direction], ctx->flows->streams, p->tcp_seq,
				      payload, p->payload_len, p->tcp_flags, inspect_stream_data, &s);
	} else {
		inspect_buffer(&s, payload, p->payload_len, 0, NULL);
	}
	return s.verdict;
}

void inspect_flow_gone(struct inspect_context *ctx, struct flow *flow)
{
	for (int d = 0; d < 2; d++) {
		struct hs_stream *stream = flow->user[d];
		if (!stream)
			continue;
		ruleset_stream_reset(stream, ctx->scratch);
		ctx->streams[d][ctx->streams_free[d]++] = stream;
		flow->user[d] = NULL;
	}
}

void inspect_housekeeping(struct inspect_context *ctx)
{
	if (ctx->flows && ctx->now_us)
		flow_expire(ctx->flows, ctx->now_us * 1000, 8, NULL, NULL);
}
