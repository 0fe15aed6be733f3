/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application-layer stage of one flow (see app_flow.h).
 *
 * Once the protocol is known, the first data of each direction is still
 * shown to detection, as Suricata detects each direction: when another
 * parser claims it (an HTTP request answered by an SSH banner), the flow
 * raises applayer_mismatch_protocol_both_directions on a unit of its own
 * (app.events only) and keeps the protocol found first. app_tries[d],
 * which counts failed tries before detection, then says what direction d
 * was found to speak: APP_FLOW_SPOKE | proto, or APP_FLOW_PROBED when no
 * parser knew it (both have the top bit; tries before detection never do).
 */
#include "dataplane/app/app_event.h"
#include "dataplane/app/app_flow.h"
#include "dataplane/flow/flow.h"

#define APP_FLOW_SPOKE	0x80
#define APP_FLOW_PROBED 0xff

int app_flow_proto(const struct flow *f)
{
	if (!f || f->app_status == FLOW_APP_UNKNOWN)
		return -1;
	return f->app_status == FLOW_APP_DETECTED ? f->app_proto : -2;
}

static bool app_flow_detect(struct flow *f, const struct app_config *config, enum app_direction dir,
			    bool tcp, const uint8_t *data, uint32_t len, uint32_t seen_len,
			    bool seen_from_start, app_emit_fn emit, void *arg)
{
	bool need_more;
	/* Detection sees the stream from its start when the tail still holds it. */
	const uint8_t *from = seen_from_start ? data - seen_len : data;
	uint32_t from_len = seen_from_start ? len + seen_len : len;
	const struct app_parser *parser = app_detect(from, from_len, dir, tcp, &need_more);
	if (parser) {
		f->app_tries[dir] = (uint8_t)(APP_FLOW_SPOKE | parser->proto);
		f->app_state = parser->create(config);
		f->app_status = f->app_state ? FLOW_APP_DETECTED : FLOW_APP_FAILED;
		f->app_proto = (uint8_t)parser->proto;
		if (f->app_state)
			parser->parse(f->app_state, dir, from, from_len, emit, arg);
		return f->app_status == FLOW_APP_DETECTED;
	}
	if ((!need_more || !seen_from_start) && ++f->app_tries[dir] >= 2 && f->app_tries[!dir])
		f->app_status = FLOW_APP_FAILED;
	return false;
}

/* The first data of the direction the protocol was not found in: another protocol's? */
static void app_flow_probe(struct flow *f, enum app_direction dir, bool tcp, const uint8_t *data,
			   uint32_t len, app_emit_fn emit, void *arg)
{
	bool need_more;
	const struct app_parser *other = app_detect(data, len, dir, tcp, &need_more);
	f->app_tries[dir] = other ? (uint8_t)(APP_FLOW_SPOKE | other->proto) : APP_FLOW_PROBED;
	if (!other || other->proto == (enum rule_proto)f->app_proto)
		return;
	struct app_events events = {.count = 0};
	struct app_unit unit = {.details = NULL};
	app_events_add(&events, RULE_APP_EVENT_APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS);
	app_events_attach(&unit, &events);
	emit(arg, &unit);
}

bool app_flow_data(struct flow *f, const struct app_config *config, enum app_direction dir,
		   bool tcp, const uint8_t *data, uint32_t len, uint32_t seen_len,
		   bool seen_from_start, app_emit_fn emit, void *arg)
{
	if (!config || !f || !len || f->app_status == FLOW_APP_FAILED)
		return false;
	if (f->app_status == FLOW_APP_UNKNOWN)
		return app_flow_detect(f, config, dir, tcp, data, len, seen_len, seen_from_start,
				       emit, arg);
	if (!(f->app_tries[dir] & APP_FLOW_SPOKE))
		app_flow_probe(f, dir, tcp, data, len, emit, arg);
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (parser)
		parser->parse(f->app_state, dir, data, len, emit, arg);
	return false;
}

int app_flow_proto_dir(const struct flow *f, enum app_direction dir)
{
	uint8_t t = f->app_tries[dir & 1];
	if (f->app_status != FLOW_APP_DETECTED || !(t & APP_FLOW_SPOKE) || t == APP_FLOW_PROBED ||
	    (t & 0x7f) == f->app_proto)
		return -1;
	return t & 0x7f;
}

void app_flow_end(struct flow *f, enum app_direction dir, app_emit_fn emit, void *arg)
{
	if (f->app_status != FLOW_APP_DETECTED)
		return;
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (parser)
		parser->parse(f->app_state, dir, NULL, 0, emit, arg);
}

void app_flow_gone(struct flow *f)
{
	if (f->app_status == FLOW_APP_DETECTED) {
		const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
		if (parser)
			parser->destroy(f->app_state);
		f->app_state = NULL;
		f->app_status = FLOW_APP_UNKNOWN;
	}
}
