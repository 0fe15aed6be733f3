/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application-layer stage of one flow (see app_flow.h), and the
 * connections control channels announced (struct app_expectation, app.h).
 *
 * Once the protocol is known, the first data of each direction is still
 * shown to detection, as Suricata detects each direction: when another
 * parser claims it (an HTTP request answered by an SSH banner), the flow
 * raises applayer_mismatch_protocol_both_directions on a unit of its own
 * (app.events only) and keeps the protocol found first. app_tries[d],
 * which counts failed tries before detection, then says what direction d
 * was found to speak: APP_FLOW_SPOKE | proto, or APP_FLOW_PROBED when no
 * parser knew it (both have the top bit; tries before detection never do).
 * An expected connection speaks its protocol both ways (never probed).
 *
 * Expected connections are kept per worker thread (thread-local, no lock):
 * the announcing flow and the announced one meet on one worker when the
 * ports' RSS hashes on addresses only, as an FTP control and data
 * connection share both addresses; with a hash on ports too, a data
 * connection that lands on another worker is detected from its content,
 * or not at all (a file has no signature), and inspected as plain TCP.
 */
#include <netinet/in.h>
#include <string.h>

#include "dataplane/app/app_event.h"
#include "dataplane/app/app_flow.h"
#include "dataplane/flow/flow.h"

#define APP_FLOW_SPOKE	0x80
#define APP_FLOW_PROBED 0xff

/* Announced connections remembered per worker; a ninth overwrites the oldest. */
#define APP_EXPECT_MAX 8

struct app_expect_slot {
	bool used;
	uint8_t ip_version;
	uint8_t addr[2][16];
	struct app_expectation expectation;
};

static __thread struct app_expect_slot app_expect_slots[APP_EXPECT_MAX];
static __thread unsigned app_expect_next;

static void app_expect_add(const struct flow *f, const struct app_expectation *e)
{
	struct app_expect_slot *slot = &app_expect_slots[app_expect_next++ % APP_EXPECT_MAX];
	slot->used = true;
	slot->ip_version = f->key.ip_version;
	memcpy(slot->addr, f->key.addr, sizeof(slot->addr));
	slot->expectation = *e;
}

/* The expectation f fulfils (same two addresses, its responder port), taken off the list; or NULL. */
static const struct app_expectation *app_expect_take(const struct flow *f)
{
	if (f->key.proto != IPPROTO_TCP)
		return NULL;
	uint16_t port = f->key.port[!f->client_side];
	for (unsigned i = 0; i < APP_EXPECT_MAX; i++) {
		struct app_expect_slot *slot = &app_expect_slots[i];
		if (!slot->used || slot->expectation.port != port ||
		    slot->ip_version != f->key.ip_version)
			continue;
		bool same = !memcmp(slot->addr[0], f->key.addr[0], 16) &&
			    !memcmp(slot->addr[1], f->key.addr[1], 16);
		bool swapped = !memcmp(slot->addr[0], f->key.addr[1], 16) &&
			       !memcmp(slot->addr[1], f->key.addr[0], 16);
		if (!same && !swapped)
			continue;
		slot->used = false;
		return &slot->expectation;
	}
	return NULL;
}

/* The parser's emit, seen first here: a unit that announces a connection leaves it on the list. */
struct app_flow_emit {
	const struct flow *f;
	app_emit_fn emit;
	void *arg;
};

static void app_flow_unit(void *arg, const struct app_unit *unit)
{
	const struct app_flow_emit *e = arg;
	if (unit->expect)
		app_expect_add(e->f, unit->expect);
	e->emit(e->arg, unit);
}

/* f is a connection announced earlier: its parser from the expectation, not from the bytes. */
static const struct app_parser *app_flow_expected(struct flow *f, const struct app_config *config)
{
	const struct app_expectation *e = app_expect_take(f);
	const struct app_parser *parser = e ? app_parser_for((enum rule_proto)e->proto) : NULL;
	if (!parser)
		return NULL;
	f->app_state = parser->create(config);
	f->app_status = f->app_state ? FLOW_APP_DETECTED : FLOW_APP_FAILED;
	f->app_proto = (uint8_t)parser->proto;
	f->app_tries[0] = f->app_tries[1] = (uint8_t)(APP_FLOW_SPOKE | parser->proto);
	if (f->app_state && parser->expected)
		parser->expected(f->app_state, e);
	return parser;
}

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

/* Either port of f is one where parser's format belongs to another protocol. */
static bool app_flow_other_protocol(const struct flow *f, const struct app_parser *parser)
{
	for (unsigned i = 0;
	     i < sizeof(parser->other_protocol_ports) / sizeof(parser->other_protocol_ports[0]) &&
	     parser->other_protocol_ports[i];
	     i++)
		if (f->key.port[0] == parser->other_protocol_ports[i] ||
		    f->key.port[1] == parser->other_protocol_ports[i])
			return true;
	return false;
}

/* Hand data to the flow's parser, through its stream parse on TCP when it has one. */
static void app_flow_parse(const struct app_parser *parser, struct flow *f, bool tcp,
			   enum app_direction dir, const uint8_t *data, uint32_t len,
			   app_emit_fn emit, void *arg)
{
	if (tcp && parser->parse_stream)
		parser->parse_stream(f->app_state, dir, data, len, emit, arg);
	else
		parser->parse(f->app_state, dir, data, len, emit, arg);
}

static bool app_flow_detect(struct flow *f, const struct app_config *config, enum app_direction dir,
			    bool tcp, const uint8_t *data, uint32_t len, uint32_t seen_len,
			    bool seen_from_start, app_emit_fn emit, void *arg)
{
	bool need_more;
	/* Detection sees the stream from its start when the tail still holds it. */
	const uint8_t *from = seen_from_start ? data - seen_len : data;
	uint32_t from_len = seen_from_start ? len + seen_len : len;
	const struct app_parser *parser = app_flow_expected(f, config);
	if (parser) {
		if (f->app_state)
			app_flow_parse(parser, f, tcp, dir, from, from_len, emit, arg);
		return f->app_status == FLOW_APP_DETECTED;
	}
	parser = app_detect(from, from_len, dir, tcp, &need_more);
	if (parser && app_flow_other_protocol(f, parser)) {
		parser = NULL;
		need_more = false;
	}
	if (parser) {
		f->app_tries[dir] = (uint8_t)(APP_FLOW_SPOKE | parser->proto);
		f->app_state = parser->create(config);
		f->app_status = f->app_state ? FLOW_APP_DETECTED : FLOW_APP_FAILED;
		f->app_proto = (uint8_t)parser->proto;
		if (f->app_state)
			app_flow_parse(parser, f, tcp, dir, from, from_len, emit, arg);
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
	struct app_flow_emit wrap = {f, emit, arg};
	if (f->app_status == FLOW_APP_UNKNOWN)
		return app_flow_detect(f, config, dir, tcp, data, len, seen_len, seen_from_start,
				       app_flow_unit, &wrap);
	if (!(f->app_tries[dir] & APP_FLOW_SPOKE))
		app_flow_probe(f, dir, tcp, data, len, emit, arg);
	const struct app_parser *parser = app_parser_for((enum rule_proto)f->app_proto);
	if (parser)
		app_flow_parse(parser, f, tcp, dir, data, len, app_flow_unit, &wrap);
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
	if (parser) /* a stream's end: TCP's */
		app_flow_parse(parser, f, true, dir, NULL, 0, emit, arg);
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
