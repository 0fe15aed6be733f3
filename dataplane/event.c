/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow, protocol and anomaly records of a worker (see event.h): built
 * from the flow as it stands, pushed on the worker's ring like an alert.
 * The control lcore formats them (control/eve.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "dataplane/app/app_flow.h"
#include "dataplane/detect/detect.h"
#include "dataplane/event.h"
#include "dataplane/flow/flow.h"

/*
 * When a protocol's transaction is complete, as its parser's units show
 * it: each unit (a DNS or SIP message, a MySQL command: its parser reads
 * the client's side only), the first answer after requests
 * (HTTP: the response headers; the body's windows add nothing EVE shows),
 * once per flow when both sides have spoken (SSH: the two key exchange
 * inits, whose HASSH the record carries, after the banners), or
 * the flow's end (a handshake or a session whose details accumulate: TLS,
 * whose parser tells no end of the handshake, SMTP). A protocol not
 * listed is EVENT_APP_EACH_UNIT.
 */
enum event_app_when {
	EVENT_APP_EACH_UNIT = 0,
	EVENT_APP_ON_RESPONSE,
	EVENT_APP_ONCE_BOTH_WAYS,
	EVENT_APP_AT_FLOW_END,
	/* each unit not marked repeat, from client to server whatever packet completed it (FTP) */
	EVENT_APP_EACH_TRANSACTION,
	/* a transaction's record when a unit ends it (app_unit.tx_complete), else at the flow's end */
	EVENT_APP_ON_COMPLETE,
};

static const uint8_t event_app_when[RULE_PROTO_COUNT] = {
    [RULE_PROTO_HTTP] = EVENT_APP_ON_RESPONSE,	      [RULE_PROTO_HTTP1] = EVENT_APP_ON_RESPONSE,
    [RULE_PROTO_MYSQL] = EVENT_APP_EACH_UNIT,	      [RULE_PROTO_TLS] = EVENT_APP_AT_FLOW_END,
    [RULE_PROTO_SSH] = EVENT_APP_ONCE_BOTH_WAYS,      [RULE_PROTO_SMTP] = EVENT_APP_ON_COMPLETE,
    [RULE_PROTO_DNS] = EVENT_APP_EACH_UNIT,	      [RULE_PROTO_SIP] = EVENT_APP_EACH_UNIT,
    [RULE_PROTO_FTP] = EVENT_APP_EACH_TRANSACTION,    [RULE_PROTO_FTP_DATA] = EVENT_APP_AT_FLOW_END,
    [RULE_PROTO_DCERPC] = EVENT_APP_EACH_TRANSACTION, [RULE_PROTO_SMB] = EVENT_APP_EACH_TRANSACTION,
    [RULE_PROTO_MQTT] = EVENT_APP_EACH_UNIT,	      [RULE_PROTO_KRB5] = EVENT_APP_EACH_UNIT,
    [RULE_PROTO_ENIP] = EVENT_APP_ON_RESPONSE,	      [RULE_PROTO_LDAP] = EVENT_APP_EACH_UNIT,
    [RULE_PROTO_SNMP] = EVENT_APP_EACH_UNIT,	      [RULE_PROTO_HTTP2] = EVENT_APP_ON_RESPONSE,
    [RULE_PROTO_NFS] = EVENT_APP_EACH_UNIT,	      [RULE_PROTO_PGSQL] = EVENT_APP_EACH_UNIT,
};

int event_protocols_parse(const char *text, uint64_t *protocols, char *why, size_t why_len)
{
	uint64_t bits = 0;
	const char *c = text + strspn(text, " ,\t");
	if (!strncmp(c, "none", 4) && !c[4 + strspn(c + 4, " ,\t")]) {
		*protocols = 0;
		return 0;
	}
	for (size_t len; (len = strcspn(c, " ,\t")) > 0; c += len, c += strspn(c, " ,\t")) {
		int found = -1;
		for (int p = 0; p < RULE_PROTO_COUNT && found < 0; p++)
			if (strlen(rule_proto_name[p]) == len &&
			    !strncmp(rule_proto_name[p], c, len) &&
			    app_parser_for((enum rule_proto)p))
				found = p;
		if (found < 0) {
			snprintf(
			    why, why_len,
			    "\"%.*s\" is no protocol vigil parses (one of " EVENT_PROTOCOLS_DEFAULT
			    ", or none)",
			    (int)len, c);
			return -EINVAL;
		}
		bits |= 1ull << found;
	}
	*protocols = bits;
	return 0;
}

static uint64_t event_wall_us(const struct detect_context *ctx, uint64_t ns)
{
	return ns / 1000 + (uint64_t)ctx->wall_offset_us;
}

void event_flow_context(const struct detect_context *ctx, const struct flow *f,
			struct alert_flow *out)
{
	unsigned client = f->client_side;
	*out = (struct alert_flow){
	    .present = 1,
	    .state = f->tcp_state,
	    .reason = f->end_reason,
	    .alerted = (f->pipeline_flags & FLOW_PIPELINE_ALERTED) != 0,
	    .established = f->established,
	    .action = f->action,
	    .tcp_flags = {f->tcp_flags[FLOW_TO_SERVER], f->tcp_flags[FLOW_TO_CLIENT]},
	    .icmp_type = f->icmp_type,
	    .icmp_code = f->icmp_code,
	    .client_port = f->key.port[client],
	    .server_port = f->key.port[!client],
	    .pkts = {f->packets[FLOW_TO_SERVER], f->packets[FLOW_TO_CLIENT]},
	    .bytes = {f->bytes[FLOW_TO_SERVER], f->bytes[FLOW_TO_CLIENT]},
	    .start_us = event_wall_us(ctx, f->first_seen_ns),
	    .end_us = event_wall_us(ctx, f->last_seen_ns),
	};
	_Static_assert(PACKET_MAX_VLANS == 2, "alert_flow.vlan holds the key's VLAN ids");
	memcpy(out->vlan, f->key.vlan_id, sizeof(out->vlan));
	memcpy(out->client_addr, f->key.addr[client], sizeof(out->client_addr));
	memcpy(out->server_addr, f->key.addr[!client], sizeof(out->server_addr));
	out->app_proto_ts = (uint8_t)(app_flow_proto_dir(f, APP_TO_SERVER) + 1);
	out->app_proto_tc = (uint8_t)(app_flow_proto_dir(f, APP_TO_CLIENT) + 1);
}

/* The flow's slot in its table: the index of per-flow side arrays. */
static size_t event_slot(const struct detect_context *ctx, const struct flow *f)
{
	return (size_t)(f - ctx->flows->flows);
}

static const struct app_details *event_latest(const struct detect_context *ctx,
					      const struct flow *f)
{
	return ctx->app_details && ctx->flows ? ctx->app_details[event_slot(ctx, f)] : NULL;
}

static void event_push(struct detect_context *ctx, const struct alert *a)
{
	if (alert_push(ctx->alerts, a))
		ctx->counters->counter[WORKER_COUNTER_EVE_EVENTS]++;
	else
		ctx->counters->counter[WORKER_COUNTER_EVE_EVENTS_LOST]++;
}

void event_alert_context(struct detect_context *ctx, struct flow *f, struct alert *a)
{
	f->pipeline_flags |= FLOW_PIPELINE_ALERTED;
	event_flow_context(ctx, f, &a->flow);
	if (a->app_proto == ALERT_APP_PROTO_NONE && f->app_status == FLOW_APP_DETECTED)
		a->app_proto = f->app_proto;
	const struct app_details *latest = event_latest(ctx, f);
	if (!a->has_details && latest && a->app_proto == f->app_proto) {
		a->details = *latest;
		a->has_details = 1;
	}
}

/* Whether f's protocol gets records: switched on, and its parser writes an object. */
static bool event_app_logged(const struct detect_context *ctx, const struct flow *f)
{
	if (f->app_status != FLOW_APP_DETECTED || f->app_proto >= 64 ||
	    !(ctx->events.protocols & (1ull << f->app_proto)))
		return false;
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	return parser && parser->eve_details;
}

/*
 * A protocol record of f from details d: addresses and ports of packet p
 * (a message, as Suricata logs DNS: the answer from the server), or
 * client to server when p is NULL.
 */
static void event_app_push(struct detect_context *ctx, const struct flow *f,
			   const struct app_details *d, const struct packet *p, bool to_server,
			   uint64_t time_us, enum alert_kind kind)
{
	struct alert a = {
	    .kind = (uint8_t)kind,
	    .timestamp_us = time_us,
	    .flow_id = f->flow_id,
	    .ip_version = f->key.ip_version,
	    .l4_proto = f->key.proto,
	    .to_server = to_server,
	    .worker = (uint16_t)ctx->worker_index,
	    .app_proto = f->app_proto,
	    .has_details = 1,
	    .packet_number = p ? ctx->packet_number : 0,
	};
	a.details = *d;
	event_flow_context(ctx, f, &a.flow);
	if (p) {
		alert_set_packet(&a, p);
		a.src_port = p->src_port;
		a.dst_port = p->dst_port;
	} else {
		memcpy(a.src_addr, a.flow.client_addr, sizeof(a.src_addr));
		memcpy(a.dst_addr, a.flow.server_addr, sizeof(a.dst_addr));
		a.src_port = a.flow.client_port;
		a.dst_port = a.flow.server_port;
	}
	event_push(ctx, &a);
}

void event_app_unit(struct detect_packet *s, const struct app_unit *unit)
{
	struct detect_context *ctx = s->ctx;
	struct flow *f = s->flow;
	if (!f || !unit->details || !ctx->app_details)
		return;
	ctx->app_details[event_slot(ctx, f)] = unit->details;
	if (!ctx->alerts || f->app_proto >= RULE_PROTO_COUNT)
		return;
	/* the parser's row is looked up only for a record to write, not per unit */
	bool to_server = s->direction == RULESET_TO_SERVER;
	uint64_t time_us = s->timestamp_us + (uint64_t)ctx->wall_offset_us;
	switch (event_app_when[f->app_proto]) {
	case EVENT_APP_EACH_UNIT:
		/* a message's record once: not for the units repeating it with other instances */
		if (!unit->repeat && event_app_logged(ctx, f))
			event_app_push(ctx, f, unit->details, s->p, to_server, time_us,
				       ALERT_KIND_APP);
		break;
	case EVENT_APP_EACH_TRANSACTION:
		if (!unit->repeat && event_app_logged(ctx, f))
			event_app_push(ctx, f, unit->details, NULL, true, time_us, ALERT_KIND_APP);
		break;
	case EVENT_APP_ON_RESPONSE:
		if (unit->repeat)
			break; /* another instance, or a frame's unit: no message of its own */
		if (to_server) {
			f->pipeline_flags |= FLOW_PIPELINE_APP_PENDING;
		} else if (!unit->window.buffers || unit->window.instance) {
			/* a body's windows follow their headers: the record is out already */
			f->pipeline_flags &= ~FLOW_PIPELINE_APP_PENDING;
			if (event_app_logged(ctx, f))
				event_app_push(ctx, f, unit->details, NULL, true, time_us,
					       ALERT_KIND_APP);
		}
		break;
	case EVENT_APP_ON_COMPLETE:
		if (unit->repeat)
			break;
		if (!unit->tx_complete) {
			f->pipeline_flags |= FLOW_PIPELINE_APP_PENDING;
			break;
		}
		f->pipeline_flags &= ~FLOW_PIPELINE_APP_PENDING;
		if (event_app_logged(ctx, f))
			event_app_push(ctx, f, unit->details, to_server ? s->p : NULL, true,
				       time_us, ALERT_KIND_APP);
		break;
	case EVENT_APP_ONCE_BOTH_WAYS:
		if (f->pipeline_flags & FLOW_PIPELINE_APP_LOGGED)
			break;
		f->pipeline_flags |= FLOW_PIPELINE_APP_PENDING;
		if (!unit->side_incomplete)
			f->pipeline_flags |=
			    FLOW_PIPELINE_APP_SEEN(to_server ? APP_TO_SERVER : APP_TO_CLIENT);
		if (!(~f->pipeline_flags & (FLOW_PIPELINE_APP_SEEN(APP_TO_SERVER) |
					    FLOW_PIPELINE_APP_SEEN(APP_TO_CLIENT)))) {
			f->pipeline_flags &= ~FLOW_PIPELINE_APP_PENDING;
			f->pipeline_flags |= FLOW_PIPELINE_APP_LOGGED;
			if (event_app_logged(ctx, f))
				event_app_push(ctx, f, unit->details, NULL, true, time_us,
					       ALERT_KIND_APP);
		}
		break;
	default:
		f->pipeline_flags |= FLOW_PIPELINE_APP_PENDING;
		break;
	}
}

void event_app_file(struct detect_packet *s, const struct app_unit *unit)
{
	struct detect_context *ctx = s->ctx;
	struct flow *f = s->flow;
	if (!f || !unit->details || !ctx->alerts || !ctx->events.files ||
	    f->app_proto >= RULE_PROTO_COUNT)
		return;
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (parser && parser->eve_file)
		event_app_push(ctx, f, unit->details, NULL, true,
			       s->timestamp_us + (uint64_t)ctx->wall_offset_us, ALERT_KIND_FILE);
}

/* The record of a transaction still pending when the parser's state goes. */
static void event_app_flush(struct detect_context *ctx, struct flow *f)
{
	const struct app_details *latest = event_latest(ctx, f);
	if ((f->pipeline_flags & FLOW_PIPELINE_APP_PENDING) && latest && ctx->alerts &&
	    event_app_logged(ctx, f))
		event_app_push(ctx, f, latest, NULL, true, event_wall_us(ctx, f->last_seen_ns),
			       ALERT_KIND_APP);
	f->pipeline_flags &= ~FLOW_PIPELINE_APP_PENDING;
	if (ctx->app_details && ctx->flows)
		ctx->app_details[event_slot(ctx, f)] = NULL;
}

void event_app_gone(struct detect_context *ctx, struct flow *f)
{
	event_app_flush(ctx, f);
}

/* A flow record of f: ended (its end_reason) or, live, as it stands. */
static void event_flow_push(struct detect_context *ctx, const struct flow *f, bool live)
{
	struct alert a = {
	    .kind = ALERT_KIND_FLOW,
	    .timestamp_us = event_wall_us(ctx, f->last_seen_ns),
	    .flow_id = f->flow_id,
	    .ip_version = f->key.ip_version,
	    .l4_proto = f->key.proto,
	    .to_server = 1,
	    .worker = (uint16_t)ctx->worker_index,
	    .app_proto = f->app_status == FLOW_APP_DETECTED ? f->app_proto : ALERT_APP_PROTO_NONE,
	};
	event_flow_context(ctx, f, &a.flow);
	if (live)
		a.flow.reason = FLOW_END_LIVE;
	memcpy(a.src_addr, a.flow.client_addr, sizeof(a.src_addr));
	memcpy(a.dst_addr, a.flow.server_addr, sizeof(a.dst_addr));
	a.src_port = a.flow.client_port;
	a.dst_port = a.flow.server_port;
	event_push(ctx, &a);
}

void event_flow_gone(struct detect_context *ctx, struct flow *f)
{
	event_app_flush(ctx, f);
	if (ctx->flow_logged_s && ctx->flows)
		ctx->flow_logged_s[event_slot(ctx, f)] = 0;
	if (ctx->alerts && ctx->events.flows)
		event_flow_push(ctx, f, false);
}

struct event_periodic {
	struct detect_context *ctx;
	uint64_t now_ns;
};

static void event_flow_periodic(struct flow *f, void *arg)
{
	const struct event_periodic *p = arg;
	struct detect_context *ctx = p->ctx;
	uint32_t *logged = &ctx->flow_logged_s[event_slot(ctx, f)];
	uint64_t age_s =
	    p->now_ns > f->first_seen_ns ? (p->now_ns - f->first_seen_ns) / 1000000000 : 0;
	/* seconds of the flow's life its last packet came in: an idle flow
	 * (waiting for its timeout) has nothing new to report */
	uint64_t active_s = (f->last_seen_ns - f->first_seen_ns) / 1000000000;
	if (age_s < (uint64_t)*logged + ctx->events.flow_interval_s || active_s <= *logged)
		return;
	*logged = (uint32_t)age_s;
	event_flow_push(ctx, f, true);
}

void event_flows_periodic(struct detect_context *ctx, uint64_t now_ns)
{
	if (!ctx->events.flow_interval_s || !ctx->events.flows || !ctx->flow_logged_s ||
	    !ctx->alerts || !ctx->flows)
		return;
	/* The walk goes through the whole table once a second of the traffic's
	 * time: live, a few slots a loop; offline, where a capture's hours pass
	 * in seconds, as much as the capture's time asks. */
	if (now_ns <= ctx->periodic_last_ns) {
		ctx->periodic_last_ns =
		    now_ns < ctx->periodic_last_ns ? now_ns : ctx->periodic_last_ns;
		return;
	}
	uint64_t capacity = ctx->flows->capacity;
	uint64_t elapsed = now_ns - ctx->periodic_last_ns;
	uint64_t slots = elapsed >= 1000000000ull ? capacity : elapsed * capacity / 1000000000ull;
	if (slots == 0)
		return; /* the time adds up to a slot at a later call */
	ctx->periodic_last_ns = now_ns;
	struct event_periodic p = {ctx, now_ns};
	flow_table_visit(ctx->flows, &ctx->periodic_cursor, (unsigned)slots, event_flow_periodic,
			 &p);
}

struct alert event_anomaly(const struct detect_context *ctx, const struct packet *p,
			   uint64_t time_us, enum alert_anomaly kind)
{
	struct alert a = {
	    .kind = ALERT_KIND_PACKET,
	    .timestamp_us = time_us + (uint64_t)ctx->wall_offset_us,
	    .src_port = p->src_port,
	    .dst_port = p->dst_port,
	    .ip_version = p->ip_version,
	    .l4_proto = p->l4_proto,
	    .worker = (uint16_t)ctx->worker_index,
	    .app_proto = ALERT_APP_PROTO_NONE,
	    .anomaly = (uint8_t)kind,
	    .packet_number = ctx->packet_number,
	};
	alert_set_packet(&a, p);
	return a;
}

void event_app_anomalies(struct detect_packet *s, const struct app_unit *unit)
{
	const uint8_t *events = unit->buffer[RULE_BUFFER_APP_EVENTS];
	if (!events || !s->ctx->alerts || !s->p)
		return;
	for (uint32_t i = 0; i < unit->buffer_len[RULE_BUFFER_APP_EVENTS]; i++) {
		struct alert a =
		    event_anomaly(s->ctx, s->p, s->timestamp_us, ALERT_ANOMALY_APPLAYER);
		a.anomaly_reason = events[i];
		a.to_server = s->direction == RULESET_TO_SERVER;
		if (s->flow) {
			a.flow_id = s->flow->flow_id;
			if (s->flow->app_status == FLOW_APP_DETECTED)
				a.app_proto = s->flow->app_proto;
		}
		detect_push(s->ctx, &a);
	}
}

void event_drop(struct detect_context *ctx, const struct packet *p, struct flow *f,
		enum flow_direction dir, enum alert_drop_cause cause, uint64_t time_us)
{
	if (!ctx->alerts || ctx->events.drops == EVENT_DROPS_NONE)
		return;
	if (f && ctx->events.drops == EVENT_DROPS_START) {
		if (f->pipeline_flags & FLOW_PIPELINE_DROP_LOGGED(dir))
			return;
		f->pipeline_flags |= FLOW_PIPELINE_DROP_LOGGED(dir);
	}
	struct alert a;
	if (ctx->drop_alert) {
		a = *ctx->drop_alert; /* the rule's alert of this packet, as pushed */
	} else {
		a = event_anomaly(ctx, p, time_us, ALERT_ANOMALY_NONE);
		a.flow_id = f ? f->flow_id : 0;
		a.to_server = dir == FLOW_TO_SERVER;
		a.verdict = VERDICT_DROP;
		if (f)
			event_alert_context(ctx, f, &a);
	}
	a.kind = ALERT_KIND_DROP;
	a.drop_cause = (uint8_t)cause;
	a.blocked = 1;
	detect_push(ctx, &a);
}

void event_normalize_anomaly(struct detect_context *ctx, const struct packet *p, struct flow *f,
			     unsigned reason, uint64_t time_us)
{
	if (!ctx->alerts || (f && (f->pipeline_flags & FLOW_PIPELINE_ANOMALY)))
		return;
	uint64_t second = time_us / 1000000;
	if (second != ctx->anomaly_second) {
		ctx->anomaly_second = second;
		ctx->anomaly_count = 0;
	}
	if (ctx->anomaly_count >= EVENT_ANOMALIES_PER_SECOND)
		return;
	ctx->anomaly_count++;
	struct alert a = event_anomaly(ctx, p, time_us, ALERT_ANOMALY_NORMALIZE);
	a.flow_id = f ? f->flow_id : 0;
	a.blocked = ctx->enforce;
	a.anomaly_reason = (uint8_t)reason;
	if (f) {
		f->pipeline_flags |= FLOW_PIPELINE_ANOMALY;
		a.to_server =
		    p->src_port == f->key.port[f->client_side] &&
		    !memcmp(p->src_addr, f->key.addr[f->client_side], p->ip_version == 6 ? 16 : 4);
	}
	detect_push(ctx, &a); /* counted as the other anomalies are: alerts, alerts_lost */
}
