/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inspection stage (see inspect.h for the design).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include <rte_ring.h>

#include "dataplane/alert.h"
#include "dataplane/app/app.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/detect/inspect.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/detect/threshold.h"
#include "rules/match/header.h"
#include "rules/match/match.h"
#include "rules/policy/policy.h"
#include "rules/ruleset.h"

#define INSPECT_DEFERRED_MAX 32
/* flow->user_flags: a request of a rate-limited client rode this connection. */
#define INSPECT_FLOW_RATE_LIMITED (1u << 2)

/* What one packet's inspection needs, gathered once. */
struct inspect_packet_state {
	struct inspect_context *ctx;
	const struct packet *p;
	uint64_t timestamp_us;
	struct flow *flow;
	enum ruleset_direction direction;
	struct rule_match_ctx match;
	enum verdict verdict;
	bool passed;	    /* a pass rule matched: nothing more for this packet */
	int pkt_data_rules; /* -1: all candidates; 0: only rules without pkt_data options; 1: only with */
	/* Rules found by address in the first pass of a TCP segment that need
	 * the stream's data: kept for the stream passes, so the addresses are
	 * looked up once per packet. */
	uint32_t deferred[INSPECT_DEFERRED_MAX];
	unsigned deferred_count;
	bool deferred_overflow;
	/* The flow's protocol applies to rules on a packet (not on its
	 * stream data): not before a TCP flow is established, as Suricata's
	 * packet rules see the protocol only on packets of an established
	 * stream. Stream data and units always see it: their bytes are
	 * inspected once, when they arrive. */
	bool app_visible;
	const struct app_details *details; /* of the unit being inspected, for alerts */
	uint64_t fresh;			   /* buffers new in the unit being inspected; 0: all */
	bool app_only; /* inspecting a unit: only rules on application buffers */
	/* The flow's protocol was found in this packet's data: rules on that
	 * protocol without pkt_data options get this packet too (their first
	 * pass ran before the data was parsed). */
	bool app_found_now;
	bool app_header_only; /* that pass: only rules with an application-protocol header */
	bool app_error;	      /* the parser found this packet's data breaks the protocol */
};

/* The flow's protocol for rule headers and app-layer-protocol: enum rule_proto, -1, -2. */
static int inspect_app_proto(const struct flow *f)
{
	if (!f || f->app_status == FLOW_APP_UNKNOWN)
		return -1;
	return f->app_status == FLOW_APP_DETECTED ? f->app_proto : -2;
}

/* ---- flow variables ---------------------------------------------------- */

static struct inspect_flowvar *inspect_flowvar_at(struct inspect_context *ctx, uint32_t ref)
{
	return ref ? &ctx->flowvars[ref - 1] : NULL;
}

/* A free entry of the pool (index + 1), or 0 when the pool is full. */
static uint32_t inspect_flowvar_take(struct inspect_context *ctx)
{
	uint32_t ref = ctx->flowvar_free;
	if (ref) {
		ctx->flowvar_free = ctx->flowvars[ref - 1].next;
		return ref;
	}
	if (ctx->flowvars_used < INSPECT_FLOWVARS)
		return ++ctx->flowvars_used;
	return 0;
}

/*
 * The captures of the rule that just matched become the flow's variables:
 * a variable set again takes the new value, a new one goes last (EVE lists
 * them in the order they were first set).
 */
static void inspect_flowvars_store(struct inspect_packet_state *s)
{
	struct inspect_context *ctx = s->ctx;
	const struct rule_captures *captures = &ctx->captures;
	for (unsigned i = 0; i < captures->count; i++) {
		uint16_t var = captures->capture[i].var;
		uint32_t *link = &s->flow->flowvars;
		struct inspect_flowvar *v = inspect_flowvar_at(ctx, *link);
		while (v && v->var != var) {
			link = &v->next;
			v = inspect_flowvar_at(ctx, *link);
		}
		if (!v) {
			uint32_t ref = inspect_flowvar_take(ctx);
			if (!ref) {
				ctx->counters->counter[WORKER_COUNTER_FLOWVARS_LOST]++;
				continue;
			}
			*link = ref;
			v = inspect_flowvar_at(ctx, ref);
			v->next = 0;
			v->var = var;
		}
		uint32_t len = captures->capture[i].len;
		v->len = (uint16_t)(len < ALERT_FLOWVAR_LEN ? len : ALERT_FLOWVAR_LEN);
		memcpy(v->value, captures->capture[i].data, v->len);
	}
}

/* The flow's variables into an alert (the first ALERT_FLOWVARS). */
static void inspect_flowvars_copy(struct inspect_context *ctx, const struct flow *f,
				  struct alert *a)
{
	a->flowvar_count = 0;
	for (const struct inspect_flowvar *v = inspect_flowvar_at(ctx, f ? f->flowvars : 0);
	     v && a->flowvar_count < ALERT_FLOWVARS; v = inspect_flowvar_at(ctx, v->next)) {
		struct alert_flowvar *out = &a->flowvars[a->flowvar_count++];
		out->var = v->var;
		out->len = v->len;
		memcpy(out->value, v->value, v->len);
	}
}

/* The flow went: its variables go back to the pool. */
static void inspect_flowvars_release(struct inspect_context *ctx, struct flow *f)
{
	uint32_t ref = f->flowvars;
	while (ref) {
		struct inspect_flowvar *v = inspect_flowvar_at(ctx, ref);
		uint32_t next = v->next;
		v->next = ctx->flowvar_free;
		ctx->flowvar_free = ref;
		ref = next;
	}
	f->flowvars = 0;
}

static enum verdict rule_verdict(enum rule_action action);

/*
 * Keep an alert for the end of the packet. When packet_alert_max are kept
 * already, the one last in rule order gives way to a rule before it (as
 * Suricata keeps the first alerts in its rule order); what does not fit is
 * counted.
 */
static void inspect_queue_alert(struct inspect_context *ctx, const struct alert *a, uint32_t order)
{
	unsigned max = ctx->packet_alert_max ? ctx->packet_alert_max : INSPECT_PACKET_ALERT_MAX;
	if (max > INSPECT_ALERTS_MAX)
		max = INSPECT_ALERTS_MAX;
	unsigned slot = ctx->alert_queue_len;
	if (slot >= max) {
		ctx->counters->counter[WORKER_COUNTER_ALERTS_DISCARDED]++;
		slot = 0;
		for (unsigned i = 1; i < ctx->alert_queue_len; i++)
			if (ctx->alert_order[i] > ctx->alert_order[slot])
				slot = i;
		if (ctx->alert_order[slot] < order)
			return;
	} else {
		ctx->alert_queue_len++;
	}
	ctx->alert_queue[slot] = *a;
	ctx->alert_order[slot] = order;
}

static void inspect_alert(const struct inspect_packet_state *s, const struct rule *rule,
			  uint32_t index, bool blocked)
{
	const struct packet *p = s->p;
	struct alert a = {
	    .rule = rule,
	    .timestamp_us = s->timestamp_us + (uint64_t)s->ctx->wall_offset_us,
	    .flow_id = s->flow ? s->flow->flow_id : 0,
	    .src_port = p->src_port,
	    .dst_port = p->dst_port,
	    .ip_version = p->ip_version,
	    .l4_proto = p->l4_proto,
	    .blocked = blocked,
	    .to_server = s->direction == RULESET_TO_SERVER,
	    .worker = (uint16_t)s->ctx->worker_index,
	    .app_proto =
		s->match.app_proto >= 0 ? (uint16_t)s->match.app_proto : ALERT_APP_PROTO_NONE,
	    .packet_number = s->ctx->packet_number,
	};
	if (s->details) {
		a.details = *s->details;
		a.has_details = 1;
	}
	memcpy(a.src_addr, p->src_addr, sizeof(a.src_addr));
	memcpy(a.dst_addr, p->dst_addr, sizeof(a.dst_addr));
	inspect_queue_alert(s->ctx, &a, index);
}

/*
 * The packet is decided: its alerts, in rule order, with the verdict and
 * the flow's flowbits, go to the control lcore.
 */
static void inspect_alerts_flush(struct inspect_packet_state *s)
{
	struct inspect_context *ctx = s->ctx;
	unsigned n = ctx->alert_queue_len;
	ctx->alert_queue_len = 0;
	/* insertion sort: at most INSPECT_ALERTS_MAX, nearly always in order */
	for (unsigned i = 1; i < n; i++) {
		for (unsigned j = i; j > 0 && ctx->alert_order[j - 1] > ctx->alert_order[j]; j--) {
			struct alert a = ctx->alert_queue[j];
			uint32_t o = ctx->alert_order[j];
			ctx->alert_queue[j] = ctx->alert_queue[j - 1];
			ctx->alert_order[j] = ctx->alert_order[j - 1];
			ctx->alert_queue[j - 1] = a;
			ctx->alert_order[j - 1] = o;
		}
	}
	struct worker_counters *c = ctx->counters;
	for (unsigned i = 0; i < n; i++) {
		struct alert *a = &ctx->alert_queue[i];
		a->verdict = (uint8_t)(ctx->enforce ? s->verdict : VERDICT_PASS);
		if (s->flow)
			memcpy(a->flowbits, s->flow->flowbits, sizeof(a->flowbits));
		else
			memset(a->flowbits, 0, sizeof(a->flowbits));
		inspect_flowvars_copy(ctx, s->flow, a);
		if (rte_ring_sp_enqueue_elem(ctx->alerts, a, sizeof(*a)) == 0)
			c->counter[WORKER_COUNTER_ALERTS]++;
		else
			c->counter[WORKER_COUNTER_ALERTS_LOST]++;
	}
}

/*
 * Whether a drop, reject or pass of rule holds for the rest of the flow
 * (Suricata 7): it does when the match was on the stream or on an
 * application-layer unit, or the rule is on an application protocol or on
 * addresses alone; a rule on a single packet's own fields acts on that
 * packet only.
 */
static bool inspect_acts_on_flow(const struct inspect_packet_state *s, const struct rule *rule)
{
	return s->app_only || (s->match.flow & RULE_MATCH_STREAM) ||
	       rule_proto_is_app(rule->proto) || (rule->option_count == 0 && rule->flow_flags == 0);
}

static void inspect_flow_action(struct inspect_packet_state *s, const struct rule *rule,
				enum rule_action action)
{
	if (!s->flow || s->flow->action != FLOW_ACTION_NONE || !inspect_acts_on_flow(s, rule))
		return;
	if (action == RULE_ACTION_PASS)
		s->flow->action = FLOW_ACTION_PASS;
	else if (rule_verdict(action) != VERDICT_PASS)
		s->flow->action = FLOW_ACTION_DROP;
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

/*
 * An operator exception covers this packet for the rule (it then does not
 * fire). Runs only for rules that matched and carry exceptions.
 */
static bool inspect_excepted(const struct inspect_packet_state *s, const struct rule *rule)
{
	struct policy_packet_view view = {
	    .src = s->p->src_addr,
	    .dst = s->p->dst_addr,
	    .family = s->p->ip_version,
	    .uri = s->match.buffer[RULE_BUFFER_HTTP_URI],
	    .uri_len = s->match.buffer_len[RULE_BUFFER_HTTP_URI],
	};
	/* the client the HTTP parser found, as the filter, rate limits and EVE see it */
	if (s->details && s->details->xff_client.family) {
		view.xff = s->details->xff_client.addr;
		view.xff_family = s->details->xff_client.family;
	}
	return policy_excepted(ruleset_policy(s->ctx->ruleset), rule, &view);
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
		/* A unit repeats its transaction's earlier buffers (so rules mixing
		 * them match); a rule on none of the new ones has had its turn. */
		if (s->fresh && !(rule->buffers_used & s->fresh))
			continue;
		/* in a unit's pass, rules on pkt_data alone have had their own pass */
		if (s->app_only && !(rule->buffers_used & ~(1ull << RULE_BUFFER_PKT_DATA)))
			continue;
		if (s->app_header_only && !rule_proto_is_app(rule->proto))
			continue;
		int has_pkt_data = (int)(rule->buffers_used & (1u << RULE_BUFFER_PKT_DATA));
		if (s->pkt_data_rules >= 0 && has_pkt_data != s->pkt_data_rules) {
			if (s->pkt_data_rules == 0 && s->deferred_count < INSPECT_DEFERRED_MAX)
				s->deferred[s->deferred_count++] = index;
			else if (s->pkt_data_rules == 0)
				s->deferred_overflow = true;
			continue;
		}
		if (!rule_header_match(rule, s->p, s->match.app_proto) ||
		    !rule_match(rule, &s->match))
			continue;
		if (rule->policy && rule->policy->exception_count && inspect_excepted(s, rule))
			continue;
		uint64_t flow_id = s->flow ? s->flow->flow_id : 0;
		/* detection_filter decides whether the rule counts as matched at all */
		if (!threshold_pass(ctx->thresholds, index, &rule->detection_filter, s->p, flow_id,
				    s->timestamp_us))
			continue;
		rule_match_apply_flowbits(rule, &s->match);
		if (ctx->captures.count && s->flow)
			inspect_flowvars_store(s);
		bool silent = false;
		enum rule_action action = inspect_action(s, rule, index, &silent);
		inspect_flow_action(s, rule, action);
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
			inspect_alert(s, rule, index, wanted != VERDICT_PASS);
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
	int app_proto = m->app_proto;
	if (!s->app_visible && !(m->flow & RULE_MATCH_STREAM))
		m->app_proto = -1;
	inspect_candidates(s);
	m->app_proto = app_proto;
}

/* The filter's domain lists and xff set on a unit's SNI, Host and client. */
static bool inspect_filter_unit(struct inspect_packet_state *s, const struct app_unit *unit)
{
	const uint8_t *sni = unit->buffer[RULE_BUFFER_TLS_SNI];
	const uint8_t *host = unit->buffer[RULE_BUFFER_HTTP_HOST];
	if (!sni && !host && !(unit->details && unit->details->xff[0]))
		return false;
	if (!filter_app_unit(s->ctx->filter, s->p, s->flow,
			     s->direction == RULESET_TO_SERVER ? FLOW_TO_SERVER : FLOW_TO_CLIENT,
			     sni, sni ? unit->buffer_len[RULE_BUFFER_TLS_SNI] : 0, host,
			     host ? unit->buffer_len[RULE_BUFFER_HTTP_HOST] : 0,
			     unit->details ? unit->details->xff : NULL, s->timestamp_us) ||
	    !s->ctx->enforce)
		return false;
	s->verdict = VERDICT_FILTER_DROP;
	return true;
}

/*
 * app_emit_fn: one unit of the flow's protocol (an HTTP request, a TLS
 * ClientHello, ...). Its buffers are scanned and the rules on them
 * checked, with pkt_data still the data at hand (a DNS rule may test the
 * datagram's header and dns.query together); rules on pkt_data alone are
 * left to pkt_data's own pass.
 */
static void inspect_app_unit(void *arg, const struct app_unit *unit)
{
	struct inspect_packet_state *s = arg;
	struct inspect_context *ctx = s->ctx;
	struct rule_match_ctx *m = &s->match;
	if (unit->error) {
		s->app_error = true;
		return;
	}
	if (ctx->filter && inspect_filter_unit(s, unit))
		s->passed = true;
	if (s->passed)
		return;
	if (ctx->ratelimit && s->direction == RULESET_TO_SERVER &&
	    unit->buffer[RULE_BUFFER_HTTP_URI] &&
	    (!unit->fresh || (unit->fresh & (1ull << RULE_BUFFER_HTTP_URI))) &&
	    ratelimit_http_request(ctx->ratelimit, s->p->src_addr, s->p->ip_version,
				   unit->details ? unit->details->xff : NULL, s->timestamp_us) &&
	    ctx->enforce) {
		/* The request's bytes are in the reassembled stream already, so a
		 * retransmission would pass unseen: the rest of the connection goes. */
		ctx->rate_limited = true;
		s->verdict = VERDICT_DROP;
		if (s->flow)
			s->flow->user_flags |= INSPECT_FLOW_RATE_LIMITED;
	}
	int saved_filter = s->pkt_data_rules;
	for (int b = RULE_BUFFER_PKT_DATA + 1; b < RULE_BUFFER_COUNT; b++) {
		m->buffer[b] = unit->buffer[b];
		m->buffer_len[b] = unit->buffer[b] ? unit->buffer_len[b] : 0;
		if (unit->buffer[b])
			ruleset_scan(ctx->ruleset, ctx->scratch, b, s->direction, unit->buffer[b],
				     unit->buffer_len[b], 0);
	}
	s->details = unit->details;
	s->fresh = unit->fresh;
	s->app_only = true;
	s->pkt_data_rules = -1;
	inspect_candidates(s);
	s->pkt_data_rules = saved_filter;
	s->details = NULL;
	s->fresh = 0;
	s->app_only = false;
	for (int b = RULE_BUFFER_PKT_DATA + 1; b < RULE_BUFFER_COUNT; b++)
		m->buffer[b] = NULL;
}

/* pkt_data as the rules of a unit see it: the datagram, or the stream window. */
static void inspect_set_pkt_data(struct inspect_packet_state *s, const uint8_t *data, uint32_t len)
{
	s->match.buffer[RULE_BUFFER_PKT_DATA] = len ? data : NULL;
	s->match.buffer_len[RULE_BUFFER_PKT_DATA] = len;
}

/*
 * Detect the flow's protocol from the first bytes of a direction, then
 * give the data to its parser. data[0..len) is new; for TCP, seen bytes
 * (seen_len of them, the stream's start when seen_from_start) precede it
 * in the same buffer, so a first segment too short to tell ("GET") is
 * decided with the next one and still reaches the parser. A direction that
 * no parser recognises twice, once the other direction has had its chance
 * too, ends detection (app-layer-protocol:failed).
 */
static void inspect_app_detect(struct inspect_packet_state *s, const uint8_t *data, uint32_t len,
			       uint32_t seen_len, bool seen_from_start)
{
	struct inspect_context *ctx = s->ctx;
	struct flow *f = s->flow;
	enum app_direction dir = s->direction == RULESET_TO_SERVER ? APP_TO_SERVER : APP_TO_CLIENT;
	bool tcp = s->p->flags & PACKET_TCP;
	bool need_more;
	/* Detection sees the stream from its start when the tail still holds it. */
	const uint8_t *from = seen_from_start ? data - seen_len : data;
	uint32_t from_len = seen_from_start ? len + seen_len : len;
	const struct app_parser *parser = app_detect(from, from_len, dir, tcp, &need_more);
	if (parser) {
		f->app_state = parser->create(ctx->app);
		f->app_status = f->app_state ? FLOW_APP_DETECTED : FLOW_APP_FAILED;
		f->app_proto = (uint8_t)parser->proto;
		s->match.app_proto = inspect_app_proto(f);
		s->app_found_now = f->app_status == FLOW_APP_DETECTED;
		if (f->app_state)
			parser->parse(f->app_state, dir, from, from_len, inspect_app_unit, s);
		return;
	}
	if ((!need_more || !seen_from_start) && ++f->app_tries[dir] >= 2 && f->app_tries[!dir])
		f->app_status = FLOW_APP_FAILED;
	s->match.app_proto = inspect_app_proto(f);
}

static void inspect_app(struct inspect_packet_state *s, const uint8_t *data, uint32_t len,
			uint32_t seen_len, bool seen_from_start)
{
	struct inspect_context *ctx = s->ctx;
	struct flow *f = s->flow;
	enum app_direction dir = s->direction == RULESET_TO_SERVER ? APP_TO_SERVER : APP_TO_CLIENT;
	if (!ctx->app || !f || !len || f->app_status == FLOW_APP_FAILED)
		return;
	if (f->app_status == FLOW_APP_UNKNOWN) {
		inspect_app_detect(s, data, len, seen_len, seen_from_start);
		return;
	}
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (parser)
		parser->parse(f->app_state, dir, data, len, inspect_app_unit, s);
}

#define INSPECT_APP_ENDED(dir) (1u << (dir)) /* flow->user_flags: parser told of the end */

/*
 * The direction's stream is complete (FIN, every byte delivered): tell the
 * parser with an empty parse, once, so what runs until the close (an HTTP
 * body without a length) is inspected too.
 */
static void inspect_app_end(struct inspect_packet_state *s)
{
	struct flow *f = s->flow;
	unsigned dir = s->direction == RULESET_TO_SERVER ? APP_TO_SERVER : APP_TO_CLIENT;
	if (f->app_status != FLOW_APP_DETECTED || (f->user_flags & INSPECT_APP_ENDED(dir)) ||
	    !(f->stream[s->direction].flags & STREAM_FINISHED) || s->passed)
		return;
	f->user_flags |= INSPECT_APP_ENDED(dir);
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (parser)
		parser->parse(f->app_state, (enum app_direction)dir, NULL, 0, inspect_app_unit, s);
}

/*
 * stream_insert() callback: one piece of new in-order data. The window is
 * the direction's tail followed by the new bytes; afterwards the tail keeps
 * the window's last bytes for the next piece.
 */
static void inspect_stream_data(void *arg, const uint8_t *data, uint32_t len, uint64_t offset)
{
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
		/* the tail holds the stream from its start while it is shorter than the tail */
		inspect_set_pkt_data(s, ctx->window, window_len);
		inspect_app(s, ctx->window + tail->len, take, tail->len, offset == tail->len);
		inspect_buffer(s, ctx->window, window_len, tail->len, *stream);
		uint32_t keep = window_len < INSPECT_STREAM_TAIL ? window_len : INSPECT_STREAM_TAIL;
		memcpy(tail->bytes, ctx->window + window_len - keep, keep);
		tail->len = (uint16_t)keep;
		data += take;
		len -= take;
		offset += take;
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
		bool to_client =
		    (p->flags & (PACKET_TCP | PACKET_UDP)) && p->dst_port > p->src_port;
		s->direction = to_client ? RULESET_TO_CLIENT : RULESET_TO_SERVER;
		s->match.flow = to_client ? RULE_MATCH_TO_CLIENT : RULE_MATCH_TO_SERVER;
		return;
	}
	s->direction = dir == FLOW_TO_SERVER ? RULESET_TO_SERVER : RULESET_TO_CLIENT;
	s->app_visible = !(s->p->flags & PACKET_TCP) ||
			 (s->flow->established && !s->flow->handshake_completed_now);
	s->match.flow =
	    RULE_MATCH_HAS_FLOW |
	    (dir == FLOW_TO_SERVER ? RULE_MATCH_TO_SERVER : RULE_MATCH_TO_CLIENT) |
	    (s->flow->established && !s->flow->handshake_completed_now ? RULE_MATCH_ESTABLISHED
								       : 0);
	s->match.flowbits = s->flow->flowbits;
	s->match.captures = &s->ctx->captures;
	s->match.app_proto = inspect_app_proto(s->flow);
}

/*
 * No rules, a filter: the flow and the filter only, without building the
 * inspection state (zeroing it costs more than the filter's cached check).
 */
static enum verdict inspect_filter_only(struct inspect_context *ctx, const struct packet *p,
					uint64_t timestamp_us)
{
	enum flow_direction dir = FLOW_TO_SERVER;
	/* a stateless filter classified by burst needs no flow (filter.h) */
	struct flow *flow = ctx->flows && filter_needs_flow(ctx->filter, p)
				? flow_lookup(ctx->flows, p, timestamp_us * 1000, &dir)
				: NULL;
	ctx->now_us = timestamp_us;
	if (filter_packet(ctx->filter, p, flow, dir, timestamp_us) && ctx->enforce)
		return VERDICT_FILTER_DROP;
	return VERDICT_PASS;
}

/* A rate limit blocks the packet's source, or this SYN took it over its rate. */
static bool inspect_rate_limited(struct inspect_context *ctx, const struct packet *p,
				 uint64_t timestamp_us)
{
	bool syn = (p->flags & PACKET_TCP) &&
		   (p->tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_ACK)) == STREAM_TCP_SYN;
	return ratelimit_packet(ctx->ratelimit, p->src_addr, p->ip_version, syn, timestamp_us);
}

/*
 * A flow a rule decided for: its packets are dropped (ips mode; ids mode
 * only stops inspecting it, as Suricata does) or passed, uninspected.
 */
static bool inspect_flow_decided(struct inspect_packet_state *s)
{
	if (!s->flow || s->flow->action == FLOW_ACTION_NONE)
		return false;
	if (s->flow->action == FLOW_ACTION_DROP && s->ctx->enforce)
		s->verdict = VERDICT_DROP;
	return true;
}

/*
 * The protocol was found in this packet's data, after its pass of rules
 * without pkt_data options: those on that protocol (alert http ... with no
 * buffer) run now, on the packet as the first pass saw it, as in an inline
 * Suricata, which parses a packet's data before detection.
 */
static void inspect_packet_rules_again(struct inspect_packet_state *s)
{
	uint32_t flow = s->match.flow;
	s->match.flow &= ~(uint32_t)RULE_MATCH_STREAM;
	s->pkt_data_rules = 0;
	s->app_header_only = true;
	s->deferred_count = 0;
	inspect_buffer(s, NULL, 0, 0, NULL);
	s->app_header_only = false;
	s->match.flow = flow;
}

/*
 * This packet's data broke its protocol: the board's error policy.
 * Returns true when the packet is not to be inspected further.
 */
static bool inspect_app_error(struct inspect_packet_state *s)
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

static void inspect_packet_rules(struct inspect_packet_state *s)
{
	struct inspect_context *ctx = s->ctx;
	const struct packet *p = s->p;
	const uint8_t *payload = p->data + p->payload_offset;
	if (s->flow && (p->flags & PACKET_TCP)) {
		/* Rules without pkt_data options (flags, ttl, ...) see every segment once;
		 * the others see the reassembled stream. */
		s->pkt_data_rules = 0;
		inspect_buffer(s, NULL, 0, 0, NULL);
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
		/* Every segment goes in, empty ones too: the SYN gives the initial
		 * sequence number and FIN/RST end the stream. */
		if (!s->passed)
			stream_insert(&s->flow->stream[s->direction], ctx->flows->streams,
				      p->tcp_seq, payload, p->payload_len, p->tcp_flags,
				      inspect_stream_data, s);
		if (p->tcp_flags & STREAM_TCP_FIN)
			inspect_app_end(s);
		if (s->app_error && inspect_app_error(s))
			return;
		if (s->app_found_now && s->app_visible && !s->passed)
			inspect_packet_rules_again(s);
	} else {
		inspect_set_pkt_data(s, payload, p->payload_len);
		inspect_app(s, payload, p->payload_len, 0, false);
		if (s->app_error && inspect_app_error(s))
			return;
		inspect_buffer(s, payload, p->payload_len, 0, NULL);
	}
}

enum verdict inspect_packet(struct inspect_context *ctx, const struct packet *p,
			    uint64_t timestamp_us)
{
	ctx->rate_limited = false;
	if (!(p->flags & (PACKET_IPV4 | PACKET_IPV6)))
		return VERDICT_PASS;
	if (ctx->ratelimit && inspect_rate_limited(ctx, p, timestamp_us) && ctx->enforce) {
		ctx->rate_limited = true;
		return VERDICT_DROP;
	}
	if (!ctx->ruleset && !ctx->filter)
		return VERDICT_PASS;
	if (!ctx->ruleset)
		return inspect_filter_only(ctx, p, timestamp_us);

	struct inspect_packet_state s = {.ctx = ctx,
					 .p = p,
					 .timestamp_us = timestamp_us,
					 .verdict = VERDICT_PASS,
					 .pkt_data_rules = -1};
	s.match.packet = p;
	s.match.app_proto = -1;
	ctx->now_us = timestamp_us;
	ctx->alert_queue_len = 0;
	inspect_flow(&s);
	if (s.flow && (s.flow->user_flags & INSPECT_FLOW_RATE_LIMITED) && ctx->enforce) {
		ctx->rate_limited = true;
		return VERDICT_DROP;
	}
	/* flow -> filter -> stream -> app-layer -> inspect (DESIGN.md); in ids
	 * mode a denied packet is counted and still inspected, as it passes */
	if (ctx->filter &&
	    filter_packet(ctx->filter, p, s.flow,
			  s.direction == RULESET_TO_SERVER ? FLOW_TO_SERVER : FLOW_TO_CLIENT,
			  timestamp_us) &&
	    ctx->enforce)
		return VERDICT_FILTER_DROP;
	if (!inspect_flow_decided(&s))
		inspect_packet_rules(&s);
	inspect_alerts_flush(&s);
	return s.verdict;
}

void inspect_flow_gone(struct inspect_context *ctx, struct flow *flow)
{
	inspect_flowvars_release(ctx, flow);
	if (flow->app_status == FLOW_APP_DETECTED) {
		const struct app_parser *parser = app_parser_for((enum rule_proto)flow->app_proto);
		if (parser)
			parser->destroy(flow->app_state);
		flow->app_state = NULL;
		flow->app_status = FLOW_APP_UNKNOWN;
	}
	for (int d = 0; d < 2; d++) {
		struct hs_stream *stream = flow->user[d];
		if (!stream)
			continue;
		ruleset_stream_reset(stream, ctx->scratch);
		ctx->streams[d][ctx->streams_free[d]++] = stream;
		flow->user[d] = NULL;
	}
}

int inspect_rules_prepare(struct inspect_rules *rules, const struct ruleset *ruleset,
			  unsigned flows)
{
	memset(rules, 0, sizeof(*rules));
	rules->ruleset = ruleset;
	if (!ruleset)
		return 0;
	if (ruleset_scratch_create(ruleset, &rules->scratch) < 0)
		return -ENOMEM;
	for (int d = 0; d < RULESET_DIRECTIONS; d++) {
		rules->streams[d] = calloc(flows ? flows : 1, sizeof(*rules->streams[d]));
		if (!rules->streams[d]) {
			inspect_rules_release(rules);
			return -ENOMEM;
		}
		for (unsigned i = 0; i < flows; i++) {
			struct hs_stream *stream;
			if (ruleset_stream_open(ruleset, (enum ruleset_direction)d, &stream) < 0) {
				inspect_rules_release(rules);
				return -ENOMEM;
			}
			if (!stream)
				break; /* no pkt_data patterns in this direction */
			rules->streams[d][rules->streams_free[d]++] = stream;
		}
	}
	return 0;
}

void inspect_rules_release(struct inspect_rules *rules)
{
	for (int d = 0; d < RULESET_DIRECTIONS; d++) {
		for (unsigned i = 0; i < rules->streams_free[d]; i++)
			ruleset_stream_close(rules->streams[d][i], rules->scratch);
		free(rules->streams[d]);
	}
	if (rules->scratch)
		ruleset_scratch_free(rules->scratch);
	memset(rules, 0, sizeof(*rules));
}

void inspect_rules_install(struct inspect_context *ctx, const struct inspect_rules *rules)
{
	ctx->ruleset = rules->ruleset;
	ctx->scratch = rules->scratch;
	for (int d = 0; d < 2; d++) {
		ctx->streams[d] = rules->streams[d];
		ctx->streams_free[d] = rules->streams_free[d];
	}
}

struct inspect_rules inspect_rules_current(const struct inspect_context *ctx)
{
	struct inspect_rules rules = {.ruleset = ctx->ruleset, .scratch = ctx->scratch};
	for (int d = 0; d < 2; d++) {
		rules.streams[d] = ctx->streams[d];
		rules.streams_free[d] = ctx->streams_free[d];
	}
	return rules;
}

void inspect_rules_take(struct inspect_context *ctx)
{
	struct inspect_rules *next = __atomic_load_n(&ctx->next_rules, __ATOMIC_ACQUIRE);
	if (likely(!next))
		return;
	/* Every stream state in use goes back to the old pool, to be closed with it. */
	for (uint32_t slot = 0; ctx->flows && slot < ctx->flows->capacity; slot++) {
		if (!ctx->flows->tags[slot])
			continue;
		struct flow *f = &ctx->flows->flows[slot];
		for (int d = 0; d < 2; d++) {
			if (f->user[d])
				ctx->streams[d][ctx->streams_free[d]++] = f->user[d];
			f->user[d] = NULL;
		}
		/* flowbit and flow variable numbers, and the rules that decided a
		 * flow's fate, belong to the old ruleset */
		memset(f->flowbits, 0, sizeof(f->flowbits));
		inspect_flowvars_release(ctx, f);
		f->action = FLOW_ACTION_NONE;
	}
	ctx->retired_rules = inspect_rules_current(ctx);
	inspect_rules_install(ctx, next);
	/* The old ruleset (and its policy) goes once every worker has moved. */
	if (next->ruleset)
		ratelimit_set_policy(ctx->ratelimit, ruleset_policy(next->ruleset));
	__atomic_store_n(&ctx->next_rules, NULL, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ctx->rules_generation, 1, __ATOMIC_RELEASE);
}

void inspect_housekeeping(struct inspect_context *ctx)
{
	if (ctx->flows && ctx->now_us)
		flow_expire(ctx->flows, ctx->now_us * 1000, 8, NULL, NULL);
	ratelimit_housekeeping(ctx->ratelimit);
}
