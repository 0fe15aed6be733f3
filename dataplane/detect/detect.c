/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The detection stage (see detect.h): candidates from the buffers' scans,
 * each candidate's header and options, operator exceptions, thresholds,
 * flow actions, the per-packet alert queue. It reads the flow's rule
 * state (flowbits, flow variables, action, stream states) and owns it; it
 * calls no earlier stage.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ring.h>

#include "dataplane/alert.h"
#include "dataplane/app/app.h"
#include "dataplane/app/app_flow.h"
#include "dataplane/detect/detect.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/detect/threshold.h"
#include "dataplane/detect/xbits.h"
#include "dataplane/flow/flow.h"
#include "rules/match/header.h"
#include "rules/match/match.h"
#include "rules/policy/policy.h"
#include "rules/ruleset.h"

/* struct rule_xbits over the worker's table, at the packet's time (owner: the detect_packet). */
static bool detect_xbits_isset(void *owner, uint16_t id, enum rule_xbits_track track,
			       const struct packet *p)
{
	const struct detect_packet *s = owner;
	return xbits_isset(&s->ctx->xbits, id, track, p, s->timestamp_us);
}

static void detect_xbits_change(void *owner, uint16_t id, enum rule_xbits_track track,
				enum rule_xbits_change change, uint32_t expire_s,
				const struct packet *p)
{
	struct detect_packet *s = owner;
	uint64_t evictions = s->ctx->xbits.evictions;
	xbits_change(&s->ctx->xbits, id, track, change, expire_s, p, s->timestamp_us);
	if (s->ctx->xbits.evictions != evictions && s->ctx->counters)
		s->ctx->counters->counter[WORKER_COUNTER_XBITS_EVICTED]++;
}

/* One header buffer: data[from, to) of the frame, when the frame holds it. */
static void detect_header_buffer(struct rule_match_ctx *m, const struct packet *p, int buffer,
				 uint32_t from, uint32_t to)
{
	if (to > p->len)
		to = p->len;
	if (!p->data || from >= to)
		return;
	m->buffer[buffer] = p->data + from;
	m->buffer_len[buffer] = to - from;
}

/*
 * The header buffers (Suricata's ipv4.hdr, ipv6.hdr with its extension
 * headers, tcp.hdr with its options, udp.hdr, icmpv4.hdr and icmpv6.hdr:
 * 8 bytes, the fixed part).
 */
static void detect_header_buffers(struct rule_match_ctx *m, const struct packet *p)
{
	uint32_t l4 = p->l4_offset;
	/* without a transport header the IP header ends where its payload starts */
	uint32_t l3_end = l4 > p->l3_offset ? l4 : p->payload_offset;
	if (p->flags & PACKET_IPV4)
		detect_header_buffer(m, p, RULE_BUFFER_IPV4_HDR, p->l3_offset, l3_end);
	if (p->flags & PACKET_IPV6)
		detect_header_buffer(m, p, RULE_BUFFER_IPV6_HDR, p->l3_offset, l3_end);
	if (p->flags & PACKET_TCP)
		detect_header_buffer(m, p, RULE_BUFFER_TCP_HDR, l4, p->payload_offset);
	if (p->flags & PACKET_UDP)
		detect_header_buffer(m, p, RULE_BUFFER_UDP_HDR, l4, l4 + 8);
	if (p->flags & PACKET_ICMP)
		detect_header_buffer(m, p, RULE_BUFFER_ICMPV4_HDR, l4, l4 + 8);
	if (p->flags & PACKET_ICMPV6)
		detect_header_buffer(m, p, RULE_BUFFER_ICMPV6_HDR, l4, l4 + 8);
}

void detect_packet_begin(struct detect_packet *s, struct detect_context *ctx,
			 const struct packet *p, uint64_t timestamp_us)
{
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->p = p;
	s->timestamp_us = timestamp_us;
	s->verdict = VERDICT_PASS;
	s->pkt_data_rules = -1;
	s->match.packet = p;
	s->match.app_proto = -1;
	s->match.app_proto_original = -1;
	detect_header_buffers(&s->match, p);
	s->xbits = (struct rule_xbits){
	    .owner = s, .isset = detect_xbits_isset, .change = detect_xbits_change};
	s->match.xbits = &s->xbits;
	s->match.pcre_limit_hits =
	    ctx->counters ? &ctx->counters->counter[WORKER_COUNTER_PCRE_LIMITS] : NULL;
	ctx->alert_queue_len = 0;
}

void detect_flow_renew(struct detect_context *ctx, struct flow *f)
{
	/* flowbit and flow variable numbers, the rules that decided the
	 * flow's fate and the stream states of the old databases belong to the
	 * older rules; reassembly and application state go on, so new data is
	 * scanned with the new rules */
	memset(f->flowbits, 0, sizeof(f->flowbits));
	flowvars_release(&ctx->flowvars, &f->flowvars);
	f->action = FLOW_ACTION_NONE;
	f->detect_flags = 0; /* the new rules' once-per-direction rules have their turn */
	f->tenant = 0;	     /* the new rules may bring another policy */
	f->scan_stream[0] = f->scan_stream[1] = NULL;
	f->rules_generation = ctx->rules_generation;
}

/* struct rule_flowints over the flow's variable list (owner: the detect_packet). */
static bool detect_flowint_get(void *owner, uint16_t id, uint32_t *value)
{
	const struct detect_packet *s = owner;
	return flowvars_int_get(&s->ctx->flowvars, s->flow->flowvars, id, value);
}

static bool detect_flowint_set(void *owner, uint16_t id, uint32_t value)
{
	struct detect_packet *s = owner;
	if (flowvars_int_set(&s->ctx->flowvars, &s->flow->flowvars, id, value))
		return true;
	s->ctx->counters->counter[WORKER_COUNTER_FLOWVARS_LOST]++;
	return false;
}

/* What stream_size reads: each side's bytes from its ISN, as Suricata counts them. */
static void detect_stream_size(struct rule_match_ctx *m, const struct flow *flow)
{
	const struct tcp_track *client = &flow->track[FLOW_TO_SERVER];
	const struct tcp_track *server = &flow->track[FLOW_TO_CLIENT];
	m->has_stream_size = flow->key.proto == IPPROTO_TCP && (client->flags & TCP_TRACK_SYN) &&
			     (server->flags & TCP_TRACK_SYN);
	if (!m->has_stream_size)
		return;
	m->stream_size[0] = client->sent_end - client->isn;
	m->stream_size[1] = server->sent_end - server->isn;
}

void detect_flow_view(struct detect_packet *s, struct flow *flow, bool to_server)
{
	s->flow = flow;
	s->direction = to_server ? RULESET_TO_SERVER : RULESET_TO_CLIENT;
	if (!flow) {
		s->match.flow = to_server ? RULE_MATCH_TO_SERVER : RULE_MATCH_TO_CLIENT;
		return;
	}
	if (unlikely(flow->rules_generation != s->ctx->rules_generation))
		detect_flow_renew(s->ctx, flow);
	bool established = flow->established && !flow->handshake_completed_now;
	s->app_visible = !(s->p->flags & PACKET_TCP) || established;
	s->match.flow = RULE_MATCH_HAS_FLOW |
			(to_server ? RULE_MATCH_TO_SERVER : RULE_MATCH_TO_CLIENT) |
			(established ? RULE_MATCH_ESTABLISHED : 0);
	s->iponly_done = flow->detect_flags & DETECT_FLOW_IPONLY_DONE(s->direction);
	s->pdonly_done = flow->detect_flags & DETECT_FLOW_PDONLY_DONE(s->direction);
	s->match.flowbits = flow->flowbits;
	s->flowints = (struct rule_flowints){
	    .owner = s, .get = detect_flowint_get, .set = detect_flowint_set};
	s->match.flowints = &s->flowints;
	s->match.captures = &s->ctx->captures;
	detect_stream_size(&s->match, flow);
	uint64_t now_ns = s->timestamp_us * 1000;
	s->match.flow_age_s = now_ns > flow->first_seen_ns
				  ? (uint32_t)((now_ns - flow->first_seen_ns) / 1000000000u)
				  : 0;
	s->match.app_proto = app_flow_proto(flow);
	s->match.app_proto_original = app_flow_proto_original(flow);
}

void detect_flow_protocol_changed(struct detect_packet *s)
{
	if (!s->flow)
		return;
	s->flow->detect_flags &= (uint8_t)~DETECT_FLOW_PDONLY_DONE(s->direction);
	s->pdonly_done = false;
	s->match.app_proto = app_flow_proto(s->flow);
	s->match.app_proto_original = app_flow_proto_original(s->flow);
}

void detect_set_pkt_data(struct detect_packet *s, const uint8_t *data, uint32_t len)
{
	detect_set_stream_data(s, data, len, 0, false);
}

void detect_set_stream_data(struct detect_packet *s, const uint8_t *window, uint32_t len,
			    uint32_t chunk_from, bool from_stream_start)
{
	s->match.buffer[RULE_BUFFER_PKT_DATA] = len ? window : NULL;
	s->match.buffer_len[RULE_BUFFER_PKT_DATA] = len;
	s->match.pkt_data_origin = chunk_from;
	s->window_from_stream_start = from_stream_start;
}

struct hs_stream *detect_flow_stream(struct detect_packet *s)
{
	struct detect_context *ctx = s->ctx;
	struct hs_stream **stream = (struct hs_stream **)&s->flow->scan_stream[s->direction];
	if (!*stream && ctx->streams_free[s->direction])
		*stream = ctx->streams[s->direction][--ctx->streams_free[s->direction]];
	return *stream;
}

/*
 * Keep an alert for the end of the packet. When packet_alert_max are kept
 * already, the one last in rule order gives way to a rule before it (as
 * Suricata keeps the first alerts in its rule order); what does not fit is
 * counted.
 */
static void detect_queue_alert(struct detect_context *ctx, const struct alert *a, uint32_t order)
{
	unsigned max = ctx->packet_alert_max ? ctx->packet_alert_max : DETECT_PACKET_ALERT_MAX;
	if (max > DETECT_ALERTS_MAX)
		max = DETECT_ALERTS_MAX;
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

/* The rule's alert: and pkt: captures of this match, which its alert logs (ALERT_CAPTURES kept). */
static void detect_alert_captures(const struct detect_context *ctx, struct alert *a)
{
	const struct rule_captures *c = &ctx->captures;
	for (unsigned i = 0; i < c->count && a->capture_count < ALERT_CAPTURES; i++) {
		if (!(c->capture[i].var & (RULE_CAPTURE_ALERT | RULE_CAPTURE_PKT)))
			continue;
		struct alert_flowvar *out = &a->captures[a->capture_count++];
		out->var = c->capture[i].var;
		out->len = (uint16_t)(c->capture[i].len < ALERT_FLOWVAR_LEN ? c->capture[i].len
									    : ALERT_FLOWVAR_LEN);
		memcpy(out->value, c->capture[i].data, out->len);
	}
}

/* The alert of rule on this packet, as detection would queue it. */
static void detect_alert_fill(const struct detect_packet *s, const struct rule *rule, bool blocked,
			      struct alert *out)
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
	    /* the flow's end has no packet, so no number */
	    .packet_number = s->flow_end ? 0 : s->ctx->packet_number,
	    .flow_end = s->flow_end,
	    /* a tcp-pkt rule matches packets, whatever the pass it ran in */
	    .stream_match =
		(s->match.flow & RULE_MATCH_STREAM) && rule->proto != RULE_PROTO_TCP_PKT,
	};
	*out = a;
	if (s->details) {
		out->details = *s->details;
		out->has_details = 1;
	}
	if (s->frame && rule->frame)
		out->frame = *s->frame;
	detect_alert_captures(s->ctx, out);
	alert_set_packet(out, p);
}

static void detect_alert(const struct detect_packet *s, const struct rule *rule, uint32_t index,
			 bool blocked)
{
	struct alert a;
	detect_alert_fill(s, rule, blocked, &a);
	detect_queue_alert(s->ctx, &a, index);
}

/*
 * The packet is decided: its alerts, in rule order, with the verdict and
 * the flow's flowbits, go to the control lcore.
 */
void detect_alerts_flush(struct detect_packet *s)
{
	struct detect_context *ctx = s->ctx;
	unsigned n = ctx->alert_queue_len;
	ctx->alert_queue_len = 0;
	if (s->flow) {
		s->flow->detect_flags |= (uint8_t)DETECT_FLOW_IPONLY_DONE(s->direction);
		if (s->pdonly_final)
			s->flow->detect_flags |= (uint8_t)DETECT_FLOW_PDONLY_DONE(s->direction);
	}
	/* insertion sort: at most DETECT_ALERTS_MAX, nearly always in order */
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
	for (unsigned i = 0; i < n; i++) {
		struct alert *a = &ctx->alert_queue[i];
		if (s->passed && s->pass_rule_matched && ctx->alert_order[i] > s->pass_order)
			break; /* after the pass rule in rule order (sorted above) */
		a->verdict = (uint8_t)(ctx->enforce ? s->verdict : VERDICT_PASS);
		a->passed = s->pass_rule_matched;
		if (a->blocked && !ctx->drop_alert)
			ctx->drop_alert = a;
		if (s->flow)
			memcpy(a->flowbits, s->flow->flowbits, sizeof(a->flowbits));
		else
			memset(a->flowbits, 0, sizeof(a->flowbits));
		flowvars_copy(&ctx->flowvars, s->flow ? s->flow->flowvars : 0, a);
		if (s->flow)
			event_alert_context(ctx, s->flow, a);
		detect_push(ctx, a);
	}
	/* dropped by silent rules alone: the first of them names the drop */
	if (ctx->has_silent_drop && !ctx->drop_alert && s->verdict != VERDICT_PASS) {
		struct alert *a = &ctx->silent_drop;
		a->verdict = (uint8_t)s->verdict;
		a->passed = s->pass_rule_matched;
		if (s->flow)
			memcpy(a->flowbits, s->flow->flowbits, sizeof(a->flowbits));
		else
			memset(a->flowbits, 0, sizeof(a->flowbits));
		if (s->flow)
			event_alert_context(ctx, s->flow, a);
		ctx->drop_alert = a;
	}
	ctx->has_silent_drop = false;
}

void detect_push(struct detect_context *ctx, const struct alert *a)
{
	if (alert_push(ctx->alerts, a))
		ctx->counters->counter[WORKER_COUNTER_ALERTS]++;
	else
		ctx->counters->counter[WORKER_COUNTER_ALERTS_LOST]++;
}

/*
 * Whether a drop, reject or pass of rule holds for the rest of the flow
 * (Suricata 7): it does when the match was on the stream or on an
 * application-layer unit, or the rule is on an application protocol or on
 * addresses alone; a rule on a single packet's own fields acts on that
 * packet only.
 */
static bool detect_acts_on_flow(const struct detect_packet *s, const struct rule *rule)
{
	return s->app_only || (s->match.flow & RULE_MATCH_STREAM) ||
	       rule_proto_is_app(rule->proto) || (rule->option_count == 0 && rule->flow_flags == 0);
}

static void detect_flow_action(struct detect_packet *s, const struct rule *rule,
			       enum rule_action action)
{
	if (!s->flow || s->flow->action != FLOW_ACTION_NONE || !detect_acts_on_flow(s, rule))
		return;
	/* a drop or reject that outranked the pass in the action order
	 * (matched first on this packet) keeps the flow from being passed */
	if (action == RULE_ACTION_PASS && s->verdict == VERDICT_PASS)
		s->flow->action = FLOW_ACTION_PASS;
	else if (detect_rule_verdict(action) != VERDICT_PASS)
		s->flow->action = FLOW_ACTION_DROP;
}

/* The verdict an action asks for; reject outranks drop, drop outranks pass. */
enum verdict detect_rule_verdict(enum rule_action action)
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

/*
 * The action in force: the policy's for the packet's tenant (action), or
 * the rule's rate_filter's new_action once the rate is exceeded.
 */
static enum rule_action detect_action(struct detect_packet *s, const struct rule *rule,
				      uint32_t index, enum rule_action action, bool *silent)
{
	const struct rule_policy *policy = rule->policy;
	if (!policy || !policy->rate.set)
		return action;
	if (!threshold_rate_active(s->ctx->thresholds, index, &policy->rate, s->p,
				   s->flow ? s->flow->flow_id : 0, s->timestamp_us))
		return action;
	*silent = policy->rate.new_action_silent;
	return policy->rate.new_action;
}

/* A suppress entry of the threshold file covers this packet's alert. */
static bool detect_suppressed(const struct rule *rule, const struct packet *p)
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
 * The packet's tenant in the operator policy (policy_tenant_find()), 0:
 * none; asked only when a rule that differs by tenant is a candidate, an
 * exception is checked or a rule would drop. A packet outside tunnels
 * costs a flag test. A GENEVE flow's tenant is looked up once and kept on
 * the flow (its key holds the endpoint and attachment ids); a VXLAN
 * packet's per packet, since the two directions of a flow come with the
 * two VNIs of a pair and a block may name one.
 */
static uint16_t detect_tenant(struct detect_packet *s)
{
	if (s->tenant_known)
		return s->tenant;
	s->tenant_known = true;
	const struct packet *p = s->p;
	if (!(p->flags & PACKET_TUNNEL) || !s->ctx->ruleset)
		return s->tenant = 0;
	struct flow *f = p->tunnel.type == PACKET_TUNNEL_GENEVE ? s->flow : NULL;
	if (f && f->tenant)
		return s->tenant = (uint16_t)(f->tenant - 1);
	s->tenant = policy_tenant_find(ruleset_policy(s->ctx->ruleset), &p->tunnel);
	if (f)
		f->tenant = (uint16_t)(s->tenant + 1);
	return s->tenant;
}

/* The packet's tenant block says "mode ids": its rule verdicts are not enforced. */
static bool detect_tenant_ids(struct detect_packet *s)
{
	return (s->p->flags & PACKET_TUNNEL) && s->ctx->ruleset &&
	       policy_tenant_ids(ruleset_policy(s->ctx->ruleset), detect_tenant(s));
}

/*
 * An operator exception covers this packet for the rule (it then does not
 * fire). Runs only for rules that matched and carry exceptions.
 */
static bool detect_excepted(struct detect_packet *s, const struct rule *rule)
{
	struct policy_packet_view view = {
	    .src = s->p->src_addr,
	    .dst = s->p->dst_addr,
	    .family = s->p->ip_version,
	    .uri = s->match.buffer[RULE_BUFFER_HTTP_URI],
	    .uri_len = s->match.buffer_len[RULE_BUFFER_HTTP_URI],
	    .tenant = detect_tenant(s),
	};
	/* the client the HTTP parser found, as the filter, rate limits and EVE see it */
	if (s->details && s->details->xff_client.family) {
		view.xff = s->details->xff_client.addr;
		view.xff_family = s->details->xff_client.family;
	}
	return policy_excepted(ruleset_policy(s->ctx->ruleset), rule, &view);
}

/*
 * rule_match() with absolute positions where Suricata has them in stream
 * data. A piece of the stream is matched as its own chunk: vigil inspects
 * each piece as it is delivered, so its raw-inspection progress is where
 * the piece starts, which is also where the segment's payload starts
 * (Suricata's packet pass). While the window still holds the stream from
 * its first byte, the stream's start counts as well, as Suricata's first
 * stream chunk does, so "GET " sent a byte a segment still meets depth:4.
 * Either way the rule matches once.
 */
static bool detect_rule_match(struct detect_packet *s, const struct rule *rule, int *failed)
{
	struct rule_match_ctx *m = &s->match;
	if (rule_match_where(rule, m, failed))
		return true;
	uint32_t origin = m->pkt_data_origin;
	if (origin == 0 || !s->window_from_stream_start ||
	    !(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_PKT_DATA)))
		return false;
	m->pkt_data_origin = 0;
	bool matched = rule_match_where(rule, m, failed);
	m->pkt_data_origin = origin;
	return matched;
}

/* rule matched an earlier window of the body being inspected (app.h, struct app_body_rules). */
static bool detect_body_matched(const struct detect_packet *s, const struct rule *rule,
				uint32_t index)
{
	const struct app_body_rules *r = s->body_rules;
	if (!r || !(rule->buffers_used & s->match.window_buffers))
		return false;
	for (uint32_t i = 0; i < r->matched_count; i++)
		if (r->matched[i] == index)
			return true;
	return false;
}

static void detect_body_rule_keep(struct detect_packet *s, uint32_t *list, uint32_t *count,
				  uint32_t index)
{
	if (*count < APP_BODY_RULES_MAX)
		list[(*count)++] = index;
	else
		s->ctx->counters->counter[WORKER_COUNTER_BODY_RULES_LOST]++;
}

/* The statements of rule's multi-buffers that earlier instances of the message matched. */
static uint32_t *detect_partial(struct detect_packet *s, uint32_t index, bool add)
{
	struct app_body_rules *r = s->body_rules;
	if (!r)
		return NULL;
	for (uint32_t i = 0; i < r->partial_count; i++)
		if (r->partial_rule[i] == index)
			return &r->partial_statements[i];
	if (!add)
		return NULL;
	if (r->partial_count == APP_BODY_PARTIAL_MAX) {
		s->ctx->counters->counter[WORKER_COUNTER_BODY_RULES_LOST]++;
		return NULL;
	}
	r->partial_rule[r->partial_count] = index;
	r->partial_statements[r->partial_count] = 0;
	return &r->partial_statements[r->partial_count++];
}

/*
 * A rule whose statements of a multi-buffer match each on its own
 * (rule.instance_groups): checked with what the message's earlier
 * instances matched; what this instance matches is kept for the next, and
 * the rule waits for it when it failed only on such a statement.
 */
static bool detect_rule_match_instances(struct detect_packet *s, const struct rule *rule,
					uint32_t index, int *failed)
{
	uint32_t now = 0, *before = detect_partial(s, index, false);
	s->match.instances_before = before ? *before : 0;
	s->match.instances_now = &now;
	bool matched = detect_rule_match(s, rule, failed);
	s->match.instances_now = NULL;
	s->match.instances_before = 0;
	if (matched || !now || !s->body_rules)
		return matched;
	uint32_t *kept = before ? before : detect_partial(s, index, true);
	if (kept)
		*kept |= now;
	if (*failed >= 0 && (s->match.window_buffers & RULE_BUFFER_BIT(*failed)) &&
	    !s->window_instances && !s->match.window_more)
		detect_body_rule_keep(s, s->body_rules->waiting, &s->body_rules->waiting_count,
				      index);
	return false;
}

/*
 * What a window's check of rule says for the body's later windows: it
 * matched (not again), or it failed on the body alone while the body goes
 * on (check again with the next window). failed: rule_match_where()'s.
 */
static void detect_body_rule_after(struct detect_packet *s, const struct rule *rule, uint32_t index,
				   bool matched, int failed)
{
	struct app_body_rules *r = s->body_rules;
	if (!r || !(rule->buffers_used & s->match.window_buffers))
		return;
	if (matched)
		detect_body_rule_keep(s, r->matched, &r->matched_count, index);
	else if ((s->match.window_more || s->window_instances) && failed >= 0 &&
		 (s->match.window_buffers & RULE_BUFFER_BIT(failed)))
		detect_body_rule_keep(s, r->waiting, &r->waiting_count, index);
}

/*
 * The rule matched: its alert, unless it is silent (noalert, a silent
 * rate_filter), suppressed or held back by its threshold.
 */
static void detect_alert_if(struct detect_packet *s, const struct rule *rule, uint32_t index,
			    bool silent, bool blocked)
{
	uint64_t flow_id = s->flow ? s->flow->flow_id : 0;
	bool quiet = silent || rule->noalert || rule_match_noalert(rule);
	if (!quiet && !detect_suppressed(rule, s->p) &&
	    threshold_pass(s->ctx->thresholds, index, &rule->threshold, s->p, flow_id,
			   s->timestamp_us))
		detect_alert(s, rule, index, blocked);
	else if (quiet && blocked && !s->ctx->has_silent_drop) {
		detect_alert_fill(s, rule, true, &s->ctx->silent_drop);
		s->ctx->has_silent_drop = true;
	}
}

/*
 * IP-only rules run on the first packet of each direction of a flow,
 * protocol-detection-only rules on the first where the flow's protocol is
 * known or detection failed, as Suricata inspects them; other rules, and
 * packets without a flow, always. Per-packet path.
 */
static bool detect_once_per_direction(struct detect_packet *s, const struct rule *rule)
{
	if (!s->flow)
		return true;
	if (rule->ip_only)
		return !s->iponly_done;
	if (!rule->pd_only)
		return true;
	if (s->pdonly_done || s->match.app_proto == -1)
		return false;
	s->pdonly_final = true;
	return true;
}

/* Check the candidates gathered for the current buffers, in evaluation order. */
static void detect_candidates(struct detect_packet *s)
{
	struct detect_context *ctx = s->ctx;
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
		if (s->app_only && !(rule->buffers_used & ~RULE_BUFFERS_PACKET))
			continue;
		if (s->app_header_only && !rule_proto_is_app(rule->proto) && !rule->pd_only)
			continue;
		if (detect_body_matched(s, rule, index))
			continue;
		if (!detect_once_per_direction(s, rule))
			continue;
		/* a packet the decoders refused meets the rules on its events
		 * only; those rules need events to hold */
		if (rule->de_only != s->events_only && (s->events_only || !s->match.events))
			continue;
		int has_pkt_data =
		    (int)!!(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_PKT_DATA));
		if (s->pkt_data_rules >= 0 && has_pkt_data != s->pkt_data_rules) {
			if (s->pkt_data_rules == 0 && s->deferred_count < DETECT_DEFERRED_MAX)
				s->deferred[s->deferred_count++] = index;
			else if (s->pkt_data_rules == 0)
				s->deferred_overflow = true;
			continue;
		}
		/* the policy's action for the packet's tenant; a rule off for it is not run */
		enum rule_action action = rule->action;
		if (rule->policy && rule->policy->tenant_count &&
		    !policy_tenant_rule(rule, detect_tenant(s), &action))
			continue;
		if (!rule_header_match(rule, s->p, s->match.app_proto))
			continue;
		int failed;
		bool matched = rule->instance_groups
				   ? detect_rule_match_instances(s, rule, index, &failed)
				   : detect_rule_match(s, rule, &failed);
		detect_body_rule_after(s, rule, index, matched, failed);
		if (!matched)
			continue;
		if (rule->policy && rule->policy->exception_count && detect_excepted(s, rule))
			continue;
		uint64_t flow_id = s->flow ? s->flow->flow_id : 0;
		/* detection_filter decides whether the rule counts as matched at all */
		if (!threshold_pass(ctx->thresholds, index, &rule->detection_filter, s->p, flow_id,
				    s->timestamp_us))
			continue;
		rule_match_apply_flowbits(rule, &s->match);
		rule_match_apply_flowints(rule, &s->match);
		if (s->file_store)
			*s->file_store |=
			    (uint8_t)rule_match_filestore(rule, s->direction == RULESET_TO_SERVER);
		rule_match_apply_xbits(rule, &s->match);
		if ((ctx->captures.count || ctx->captures.entropy_count) && s->flow &&
		    flowvars_store(&ctx->flowvars, &s->flow->flowvars, &ctx->captures))
			ctx->counters->counter[WORKER_COUNTER_FLOWVARS_LOST]++;
		bool silent = false;
		enum rule_action own_action = action;
		action = detect_action(s, rule, index, action, &silent);
		detect_flow_action(s, rule, action);
		if (action == RULE_ACTION_PASS) {
			/* the alerts of rules before it in rule order stay, logged
			 * with verdict pass; those after it go (Suricata's
			 * PacketAlertFinalize). A drop before it in rule order
			 * still drops the packet (s->verdict stays), and the flow
			 * keeps the first action a rule gave it. */
			s->passed = true;
			s->pass_rule_matched = true;
			s->pass_order = index;
			if (rule->alert) /* "alert then pass" */
				detect_alert_if(s, rule, index, silent, false);
			break;
		}
		enum verdict wanted = ctx->enforce ? detect_rule_verdict(action) : VERDICT_PASS;
		if (wanted != VERDICT_PASS && detect_tenant_ids(s))
			wanted = VERDICT_PASS;
		if (wanted > s->verdict) {
			s->verdict = wanted;
			/* Suricata's drop reason when a rate_filter made the rule drop */
			ctx->rate_filter_dropped = action != own_action;
		}
		/* threshold and suppress only limit alerts; the action above still applies */
		detect_alert_if(s, rule, index, silent, wanted != VERDICT_PASS);
	}
}

/*
 * Inspect data as pkt_data; bytes before new_from were inspected already.
 * With a Hyperscan stream, only the new bytes are scanned (the stream state
 * holds the rest); without, the whole window is.
 */
void detect_buffer(struct detect_packet *s, const uint8_t *data, uint32_t len, uint32_t new_from,
		   struct hs_stream *stream)
{
	struct rule_match_ctx *m = &s->match;
	m->buffer[RULE_BUFFER_PKT_DATA] = len ? data : NULL;
	m->buffer_len[RULE_BUFFER_PKT_DATA] = len;
	struct detect_context *ctx = s->ctx;
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
	detect_candidates(s);
	m->app_proto = app_proto;
}

/*
 * A flow a rule decided for: its packets are dropped (ips mode; ids mode,
 * the board's or the tenant's, only stops inspecting it, as Suricata does)
 * or passed, uninspected.
 */
bool detect_flow_decided(struct detect_packet *s)
{
	if (!s->flow || s->flow->action == FLOW_ACTION_NONE)
		return false;
	if (s->flow->action == FLOW_ACTION_DROP && s->ctx->enforce && !detect_tenant_ids(s)) {
		s->verdict = VERDICT_DROP;
		s->ctx->flow_dropped = true;
	}
	return true;
}

/*
 * The protocol was found in this packet's data, after its pass of rules
 * without pkt_data options: those on that protocol (alert http ... with no
 * buffer) and the protocol-detection-only ones run now, on the packet as
 * the first pass saw it, as in an inline Suricata, which parses a packet's
 * data before detection.
 */
void detect_packet_rules_again(struct detect_packet *s)
{
	uint32_t flow = s->match.flow;
	s->match.flow &= ~(uint32_t)RULE_MATCH_STREAM;
	s->pkt_data_rules = 0;
	s->app_header_only = true;
	s->deferred_count = 0;
	detect_buffer(s, NULL, 0, 0, NULL);
	s->app_header_only = false;
	s->match.flow = flow;
}

/*
 * Scan one buffer of a unit for candidates. A body window's buffer is
 * scanned from its scan_from, and fast patterns that end in the bytes an
 * earlier window inspected name no rule again (app.h, struct app_window).
 */
static void detect_unit_scan(struct detect_packet *s, const struct app_unit *unit, int b)
{
	const uint8_t *data = unit->buffer[b];
	uint32_t len = unit->buffer_len[b], from = 0, new_from = 0;
	const struct app_window *w = &unit->window;
	if (w->buffers & RULE_BUFFER_BIT(b)) {
		from = w->scan_from < len ? w->scan_from : len;
		new_from = w->new_from > from ? w->new_from - from : 0;
	}
	ruleset_scan(s->ctx->ruleset, s->ctx->scratch, b, s->direction, data + from, len - from,
		     new_from);
	/* the buffer's rules without a fast pattern, found by their addresses
	 * ($HOME_NET ... http.uri; content:!"x"; or app-layer-event alone) */
	ruleset_scan_addresses(s->ctx->ruleset, s->ctx->scratch, b, s->direction, s->p->src_addr,
			       s->p->dst_addr, s->p->ip_version);
}

/*
 * Whether scanning buffer b of unit can name a rule that runs: a buffer the
 * unit carries again (an HTTP request's URI in its headers and body units)
 * was scanned with its own unit, and the rules it names now run only when
 * they also read one of the unit's new buffers (detect_candidates). The
 * default web ruleset reads one buffer a rule, so its URI, with its
 * decoded views, is scanned once a request instead of once a unit.
 */
static bool detect_unit_scan_useful(const struct detect_packet *s, const struct app_unit *unit,
				    int b)
{
	return !unit->fresh || (unit->fresh & RULE_BUFFER_BIT(b)) ||
	       (ruleset_buffers_with(s->ctx->ruleset, b) & unit->fresh);
}

/*
 * The window of unit, for the matcher; the rules that waited for more of
 * the body become candidates again (each window re-adds those still
 * waiting).
 */
static void detect_unit_window(struct detect_packet *s, const struct app_unit *unit)
{
	const struct app_window *w = &unit->window;
	struct app_body_rules *r = w->buffers ? w->rules : NULL;
	s->match.window_buffers = w->buffers;
	s->match.window_from = w->scan_from;
	s->match.window_more = w->more;
	s->window_instances = w->buffers && w->instance_follows;
	s->body_rules = r;
	if (!r)
		return;
	/* rule indexes of other rules (an update since the body began) say nothing */
	if (r->rules_generation != s->ctx->rules_generation) {
		r->matched_count = r->waiting_count = r->partial_count = 0;
		r->rules_generation = s->ctx->rules_generation;
	}
	ruleset_add_candidates(s->ctx->scratch, r->waiting, r->waiting_count);
	r->waiting_count = 0;
}

/*
 * One unit of the flow's protocol (an HTTP request, a TLS ClientHello,
 * ...): its buffers are scanned and the rules on them checked, with
 * pkt_data still the data at hand (a DNS rule may test the datagram's
 * header and dns.query together); rules on pkt_data alone are left to
 * pkt_data's own pass. A rule that matched an earlier window of the same
 * body is not checked again.
 */
void detect_unit(struct detect_packet *s, const struct app_unit *unit)
{
	struct rule_match_ctx *m = &s->match;
	int saved_filter = s->pkt_data_rules;
	/* only rules on a fresh buffer run: with none in the ruleset (a
	 * header instance, an HTTP/2 frame nobody tests) there is nothing to do */
	if (unit->fresh && !(ruleset_buffers_used(s->ctx->ruleset) & unit->fresh))
		return;
	/* another instance of a multi-buffer: the unit's other buffers were
	 * scanned with the first, and the rules that failed on the previous
	 * instance come back from the waiting list */
	rule_buffer_mask scan =
	    unit->repeat && unit->window.rules && unit->fresh ? unit->fresh : ~(rule_buffer_mask)0;
	/* the unit's buffers stay as they are until its end: each is
	 * transformed once per chain, for the scan and every candidate */
	rule_transform_cache_begin();
	for (int b = RULE_BUFFER_PACKET_LAST + 1; b < RULE_BUFFER_COUNT; b++) {
		m->buffer[b] = unit->buffer[b];
		m->buffer_len[b] = unit->buffer[b] ? unit->buffer_len[b] : 0;
		if (unit->buffer[b] && (scan & RULE_BUFFER_BIT(b)) &&
		    detect_unit_scan_useful(s, unit, b))
			detect_unit_scan(s, unit, b);
	}
	detect_unit_window(s, unit);
	s->frame = unit->frame;
	m->frame = unit->frame ? unit->frame->type : 0;
	s->details = unit->details;
	s->file_store = unit->file_store;
	s->fresh = unit->fresh;
	s->app_only = true;
	s->pkt_data_rules = -1;
	detect_candidates(s);
	rule_transform_cache_end();
	s->pkt_data_rules = saved_filter;
	s->details = NULL;
	s->frame = NULL;
	m->frame = 0;
	s->file_store = NULL;
	s->fresh = 0;
	s->app_only = false;
	s->body_rules = NULL;
	s->window_instances = false;
	m->window_buffers = 0;
	m->window_from = 0;
	m->window_more = false;
	for (int b = RULE_BUFFER_PACKET_LAST + 1; b < RULE_BUFFER_COUNT; b++)
		m->buffer[b] = NULL;
}

void detect_flow_gone(struct detect_context *ctx, struct flow *flow)
{
	flowvars_release(&ctx->flowvars, &flow->flowvars); /* the pool is the worker's */
	if (flow->rules_generation != ctx->rules_generation)
		return; /* its stream states belong to older rules, closed with them */
	for (int d = 0; d < 2; d++) {
		struct hs_stream *stream = flow->scan_stream[d];
		if (!stream)
			continue;
		ruleset_stream_reset(stream, ctx->scratch);
		ctx->streams[d][ctx->streams_free[d]++] = stream;
		flow->scan_stream[d] = NULL;
	}
}

/*
 * A packet with decoder events (usually one the decoders refused, which
 * goes no further): the rules on those events (decode-event, pkthdr) run
 * on it alone, without a flow, as Suricata's decoder-event rules do.
 * Returns the verdict they ask for (ids: pass). Per-packet path, for
 * anomalies only.
 */
enum verdict detect_events(struct detect_context *ctx, const struct packet *p,
			   uint64_t timestamp_us, uint64_t events)
{
	if (!ctx->ruleset || !events)
		return VERDICT_PASS;
	struct detect_packet s;
	detect_packet_begin(&s, ctx, p, timestamp_us);
	detect_flow_view(&s, NULL, true);
	s.match.events = events;
	s.events_only = true;
	s.pkt_data_rules = 0; /* no payload: rules on pkt_data are not asked */
	detect_buffer(&s, NULL, 0, 0, NULL);
	detect_alerts_flush(&s);
	return s.verdict;
}
