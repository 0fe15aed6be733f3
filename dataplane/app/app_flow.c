/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application-layer stage of one flow (see app_flow.h).
 */
#include "dataplane/app/app_flow.h"
#include "dataplane/flow/flow.h"

int app_flow_proto(const struct flow *f)
{
	if (!f || f->app_status == FLOW_APP_UNKNOWN)
		return -1;
	return f->app_status == FLOW_APP_DETECTED ? f->app_proto : -2;
}

int app_flow_proto_original(const struct flow *f)
{
	if (f && f->app_proto_original)
		return f->app_proto_original - 1;
	return app_flow_proto(f);
}

int app_flow_upgrade_pending(const struct flow *f, enum app_direction dir, uint32_t *used)
{
	if (!f || f->app_status != FLOW_APP_DETECTED)
		return -1;
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (!parser || !parser->upgrade)
		return -1;
	int next = parser->upgrade(f->app_state, dir, used);
	return next >= 0 && next < RULE_PROTO_COUNT && app_parser_for((enum rule_proto)next) ? next
											     : -1;
}

void app_flow_upgrade(struct flow *f, const struct app_config *config, int proto,
		      enum app_direction dir, const uint8_t *rest, uint32_t rest_len,
		      app_emit_fn emit, void *arg)
{
	const struct app_parser *next = app_parser_for((enum rule_proto)proto);
	if (!next || f->app_status != FLOW_APP_DETECTED)
		return;
	uint8_t original = f->app_proto_original ? f->app_proto_original : f->app_proto + 1;
	app_flow_gone(f);
	f->app_proto_original = original;
	f->app_state = next->create(config);
	f->app_status = f->app_state ? FLOW_APP_DETECTED : FLOW_APP_FAILED;
	f->app_proto = (uint8_t)proto;
	if (f->app_state && rest_len)
		next->parse(f->app_state, dir, rest, rest_len, emit, arg);
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

bool app_flow_data(struct flow *f, const struct app_config *config, enum app_direction dir,
		   bool tcp, const uint8_t *data, uint32_t len, uint32_t seen_len,
		   bool seen_from_start, app_emit_fn emit, void *arg)
{
	if (!config || !f || !len || f->app_status == FLOW_APP_FAILED)
		return false;
	if (f->app_status == FLOW_APP_UNKNOWN)
		return app_flow_detect(f, config, dir, tcp, data, len, seen_len, seen_from_start,
				       emit, arg);
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (parser)
		parser->parse(f->app_state, dir, data, len, emit, arg);
	return false;
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
		f->app_proto_original = 0;
	}
}
