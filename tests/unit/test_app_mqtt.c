/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the MQTT parser (dataplane/app/app_mqtt.c) and its
 * keywords (rules/keywords/kw_mqtt.c): detection yes / no / need more;
 * a 5.0 session (CONNECT with will, user and password, CONNACK,
 * SUBSCRIBE of two topics, PUBLISH, UNSUBACK) fed whole and split at every
 * byte, checked for its buffers, app.meta and the anomalies; a broken
 * remaining length; and each keyword parsed (good and bad values) and
 * matched against the units the parser emitted, once holding and once not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_event.h"
#include "rules/lang/app_meta.h"
#include "rules/lang/parse.h"
#include "rules/match/match.h"
#include "tests/unit/app_sink.h"

static struct rule_mqtt_meta meta_of(const struct unit_copy *u)
{
	struct rule_mqtt_meta m;
	assert_non_null(u->buffer[RULE_BUFFER_APP_META]);
	assert_int_equal(u->len[RULE_BUFFER_APP_META], sizeof(m));
	memcpy(&m, u->buffer[RULE_BUFFER_APP_META], sizeof(m));
	return m;
}

/* ---- the session ---- */

/* CONNECT 5.0: clean session, will (topic "w/t", message "bye"), user "bob", password "pw". */
static const uint8_t connect5[] = {0x10, 0x25, 0x00, 0x04, 'M', 'Q',  'T',  'T', 0x05, 0xc6,
				   0x00, 0x3c, 0x00,			    /* no props */
				   0x00, 0x04, 'c',  'l',  'i', '1',  0x00, /* will props */
				   0x00, 0x03, 'w',  '/',  't', 0x00, 0x03, 'b', 'y',  'e',
				   0x00, 0x03, 'b',  'o',  'b', 0x00, 0x02, 'p', 'w'};
/* CONNACK 5.0: session present, reason 0, no properties. */
static const uint8_t connack5[] = {0x20, 0x03, 0x01, 0x00, 0x00};
/* SUBSCRIBE id 7: "a/b" QoS 1, "c" QoS 0. */
static const uint8_t subscribe5[] = {0x82, 0x0d, 0x00, 0x07, 0x00, 0x00, 0x03, 'a',
				     '/',  'b',	 0x01, 0x00, 0x01, 'c',	 0x00};
/* PUBLISH QoS 3 (invalid), retain: topic "t", id 9, no props, message "hello". */
static const uint8_t publish5[] = {0x37, 0x0b, 0x00, 0x01, 't', 0x00, 0x09,
				   0x00, 'h',  'e',  'l',  'l', 'o'};
/* UNSUBACK id 99 (never sent): reason 17. */
static const uint8_t unsuback5[] = {0xb0, 0x04, 0x00, 0x63, 0x00, 0x11};

struct step {
	enum app_direction dir;
	const uint8_t *bytes;
	uint32_t len;
};

static const struct step session[] = {
    {APP_TO_SERVER, connect5, sizeof(connect5)},     {APP_TO_CLIENT, connack5, sizeof(connack5)},
    {APP_TO_SERVER, subscribe5, sizeof(subscribe5)}, {APP_TO_SERVER, publish5, sizeof(publish5)},
    {APP_TO_CLIENT, unsuback5, sizeof(unsuback5)},
};

static void run_session(uint32_t chunk, struct sink *k)
{
	void *s = app_parser_mqtt.create(NULL);
	assert_non_null(s);
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		for (uint32_t off = 0; off < session[i].len; off += chunk) {
			uint32_t n = session[i].len - off < chunk ? session[i].len - off : chunk;
			app_parser_mqtt.parse(s, session[i].dir, session[i].bytes + off, n,
					      sink_emit, k);
		}
	app_parser_mqtt.destroy(s);
}

/*
 * Frames: pdu, header, data per packet, ids per direction from 2, the
 * offsets in the direction's stream; header is two bytes and data the
 * remaining length from the third byte, as Suricata marks them.
 */
static void check_session_frames(const struct sink *k)
{
	assert_int_equal(k->frame_count, 15);
	const struct frame_copy *f = k->frames;
	assert_int_equal(f[0].frame.type, RULE_FRAME_MQTT_PDU);
	assert_int_equal(f[0].frame.id, 2);
	assert_int_equal(f[0].frame.length, sizeof(connect5));
	assert_int_equal(f[0].len, sizeof(connect5));
	assert_true(f[0].frame.complete);
	assert_int_equal(f[0].first, 0x10);
	assert_int_equal(f[1].frame.type, RULE_FRAME_MQTT_HEADER);
	assert_int_equal(f[1].frame.id, 3);
	assert_int_equal(f[1].len, 2);
	assert_int_equal(f[2].frame.type, RULE_FRAME_MQTT_DATA);
	assert_int_equal(f[2].frame.length, sizeof(connect5) - 2);
	assert_int_equal(f[2].frame.offset, 2);
	assert_int_equal(f[2].first, 0x00);
	/* CONNACK: the other direction's ids start again */
	assert_int_equal(f[3].frame.direction, APP_TO_CLIENT);
	assert_int_equal(f[3].frame.id, 2);
	/* SUBSCRIBE follows CONNECT in the client's stream */
	assert_int_equal(f[6].frame.type, RULE_FRAME_MQTT_PDU);
	assert_int_equal(f[6].frame.id, 5);
	assert_int_equal(f[6].frame.offset, sizeof(connect5));
	assert_int_equal(f[6].first, 0x82);
}

static void check_session(struct sink *k)
{
	check_session_frames(k);
	assert_int_equal(k->count, 6); /* SUBSCRIBE is two units, one per topic */
	const struct unit_copy *u = &k->units[0];
	struct rule_mqtt_meta m = meta_of(u);
	assert_int_equal(m.type, 1);
	assert_int_equal(m.protocol_version, 5);
	assert_true(m.has_connect_flags);
	assert_int_equal(m.connect_flags, 0xc6);
	assert_int_equal(m.events, 0);
	assert_buffer(u, RULE_BUFFER_MQTT_CONNECT_PROTOCOL_STRING, "MQTT");
	assert_buffer(u, RULE_BUFFER_MQTT_CONNECT_CLIENTID, "cli1");
	assert_buffer(u, RULE_BUFFER_MQTT_CONNECT_WILLTOPIC, "w/t");
	assert_buffer(u, RULE_BUFFER_MQTT_CONNECT_WILLMESSAGE, "bye");
	assert_buffer(u, RULE_BUFFER_MQTT_CONNECT_USERNAME, "bob");
	assert_buffer(u, RULE_BUFFER_MQTT_CONNECT_PASSWORD, "pw");

	m = meta_of(&k->units[1]);
	assert_int_equal(m.type, 2);
	assert_true(m.has_session_present);
	assert_int_equal(m.session_present, 1);
	assert_int_equal(m.reason_count, 1);
	assert_int_equal(m.protocol_version, 5);

	assert_buffer(&k->units[2], RULE_BUFFER_MQTT_SUBSCRIBE_TOPIC, "a/b");
	assert_false(k->units[2].repeat);
	assert_buffer(&k->units[3], RULE_BUFFER_MQTT_SUBSCRIBE_TOPIC, "c");
	assert_true(k->units[3].repeat);
	assert_int_equal(meta_of(&k->units[3]).type, 8);

	u = &k->units[4];
	m = meta_of(u);
	assert_int_equal(m.type, 3);
	assert_int_equal(m.flags, 0x07);
	assert_int_equal(m.events, 1u << RULE_MQTT_EVENT_INVALID_QOS_LEVEL);
	assert_buffer(u, RULE_BUFFER_MQTT_PUBLISH_TOPIC, "t");
	assert_buffer(u, RULE_BUFFER_MQTT_PUBLISH_MESSAGE, "hello");

	m = meta_of(&k->units[5]);
	assert_int_equal(m.type, 11);
	assert_int_equal(m.reason_count, 1);
	assert_int_equal(m.reason[0], 17);
	assert_int_equal(m.events, 1u << RULE_MQTT_EVENT_MISSING_UNSUBSCRIBE);
}

static void test_mqtt_session(void **unused)
{
	(void)unused;
	struct sink k = {0};
	run_session(4096, &k);
	check_session(&k);
	sink_reset(&k);
	for (uint32_t chunk = 1; chunk < 8; chunk++) {
		run_session(chunk, &k);
		check_session(&k);
		sink_reset(&k);
	}
}

/* A CONNACK first is missing_connect; a second CONNECT double_connect. */
static void test_mqtt_events(void **unused)
{
	(void)unused;
	static const uint8_t connack311[] = {0x20, 0x02, 0x00, 0x00};
	static const uint8_t connect311[] = {0x10, 0x0e, 0x00, 0x04, 'M',  'Q',	 'T', 'T',
					     0x04, 0x02, 0x00, 0x3c, 0x00, 0x02, 'i', 'd'};
	static const uint8_t puback[] = {0x40, 0x02, 0x00, 0x05};
	struct sink k = {0};
	void *s = app_parser_mqtt.create(NULL);
	assert_non_null(s);
	app_parser_mqtt.parse(s, APP_TO_CLIENT, connack311, sizeof(connack311), sink_emit, &k);
	app_parser_mqtt.parse(s, APP_TO_SERVER, connect311, sizeof(connect311), sink_emit, &k);
	app_parser_mqtt.parse(s, APP_TO_SERVER, connect311, sizeof(connect311), sink_emit, &k);
	app_parser_mqtt.parse(s, APP_TO_CLIENT, puback, sizeof(puback), sink_emit, &k);
	assert_int_equal(k.count, 4);
	assert_int_equal(meta_of(&k.units[0]).events, 1u << RULE_MQTT_EVENT_MISSING_CONNECT);
	assert_int_equal(meta_of(&k.units[1]).events, 0);
	assert_int_equal(meta_of(&k.units[1]).protocol_version, 4);
	assert_int_equal(meta_of(&k.units[2]).events, 1u << RULE_MQTT_EVENT_DOUBLE_CONNECT);
	assert_int_equal(meta_of(&k.units[3]).events, 1u << RULE_MQTT_EVENT_MISSING_PUBLISH);
	/* the same anomalies are app-layer events, for app-layer-event:mqtt.* rules */
	assert_int_equal(k.units[0].len[RULE_BUFFER_APP_EVENTS], 1);
	assert_int_equal(k.units[0].buffer[RULE_BUFFER_APP_EVENTS][0],
			 RULE_APP_EVENT_MQTT_MISSING_CONNECT);
	assert_null(k.units[1].buffer[RULE_BUFFER_APP_EVENTS]);
	assert_int_equal(k.units[2].buffer[RULE_BUFFER_APP_EVENTS][0],
			 RULE_APP_EVENT_MQTT_DOUBLE_CONNECT);
	assert_int_equal(k.units[3].buffer[RULE_BUFFER_APP_EVENTS][0],
			 RULE_APP_EVENT_MQTT_MISSING_PUBLISH);
	app_parser_mqtt.destroy(s);
	sink_reset(&k);
}

/* A remaining length that runs past four bytes loses the framing: one error unit, then nothing. */
static void test_mqtt_malformed(void **unused)
{
	(void)unused;
	static const uint8_t bad[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0x30, 0x00};
	struct sink k = {0};
	void *s = app_parser_mqtt.create(NULL);
	assert_non_null(s);
	app_parser_mqtt.parse(s, APP_TO_SERVER, bad, sizeof(bad), sink_emit, &k);
	app_parser_mqtt.parse(s, APP_TO_SERVER, connack5, sizeof(connack5), sink_emit, &k);
	assert_int_equal(k.count, 1);
	assert_true(k.units[0].error);
	app_parser_mqtt.destroy(s);
	sink_reset(&k);
}

static void test_mqtt_detect(void **unused)
{
	(void)unused;
	static const uint8_t v31[] = {0x10, 0x10, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03};
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t wrong_level[] = {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x09};
	const struct app_parser *p = &app_parser_mqtt;

	assert_int_equal(p->detect(connect5, sizeof(connect5), APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(connect5, 6, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(p->detect(v31, sizeof(v31), APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(p->detect(wrong_level, sizeof(wrong_level), APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect(http, sizeof(http) - 1, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(p->detect(connack5, sizeof(connack5), APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(p->detect(connack5, 3, APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	/* a CONNACK followed by garbage of type 0 is not taken */
	static const uint8_t connack_junk[] = {0x20, 0x02, 0x00, 0x00, 0x00, 0x41};
	assert_int_equal(p->detect(connack_junk, sizeof(connack_junk), APP_TO_CLIENT),
			 APP_DETECT_NO);
	assert_int_equal(p->detect(http, sizeof(http) - 1, APP_TO_CLIENT), APP_DETECT_NO);
	/* the CONNECT toward the client is not MQTT's start */
	assert_int_equal(p->detect(connect5, sizeof(connect5), APP_TO_CLIENT), APP_DETECT_NO);
	assert_ptr_equal(app_parser_for(RULE_PROTO_MQTT), p);
}

/* ---- keywords ---- */

static void test_mqtt_type_version_qos(void **unused)
{
	(void)unused;
	assert_true(match_unit("mqtt.type:CONNECT;", 0));
	assert_true(match_unit("mqtt.type:connect;", 0));
	assert_true(match_unit("mqtt.type:1;", 0));
	assert_false(match_unit("mqtt.type:PUBLISH;", 0));
	assert_true(match_unit("mqtt.type:PUBLISH;", 4));
	assert_true(match_unit("mqtt.type:!UNASSIGNED;", 4));
	assert_true(match_unit("mqtt.protocol_version:5;", 1));
	assert_false(match_unit("mqtt.protocol_version:<5;", 1));
	assert_true(match_unit("mqtt.qos:1;", 2));
	assert_false(match_unit("mqtt.qos:0;", 2));
	parse_fails("mqtt.type:BOGUS;", "bad value of \"mqtt.type\"");
	parse_fails("mqtt.qos:3;", "bad value of \"mqtt.qos\"");
	parse_fails("mqtt.protocol_version:256;", "bad value of \"mqtt.protocol_version\"");
	parse_fails("mqtt.type;", "needs a value");
}

static void test_mqtt_flags(void **unused)
{
	(void)unused;
	assert_true(match_unit("mqtt.flags:retain;", 4));
	assert_true(match_unit("mqtt.flags:retain,!dup;", 4));
	assert_false(match_unit("mqtt.flags:dup;", 4));
	assert_false(match_unit("mqtt.flags:!retain;", 4));
	assert_true(match_unit("mqtt.connect.flags:username,password,will;", 0));
	assert_true(match_unit("mqtt.connect.flags:clean_session, !will_retain;", 0));
	assert_false(match_unit("mqtt.connect.flags:!password;", 0));
	/* CONNECT's flags only on a CONNECT */
	assert_false(match_unit("mqtt.connect.flags:!will_retain;", 4));
	parse_fails("mqtt.flags:qos;", "bad value of \"mqtt.flags\"");
	parse_fails("mqtt.flags:dup,!dup;", "bad value of \"mqtt.flags\"");
	parse_fails("mqtt.flags:dup,;", "bad value of \"mqtt.flags\"");
	parse_fails("mqtt.connect.flags:retain;", "bad value of \"mqtt.connect.flags\"");
}

static void test_mqtt_reason_session(void **unused)
{
	(void)unused;
	assert_true(match_unit("mqtt.reason_code:17;", 5));
	assert_true(match_unit("mqtt.connack.return_code:0;", 1));
	assert_false(match_unit("mqtt.reason_code:17;", 1));
	assert_false(match_unit("mqtt.reason_code:0;", 0)); /* CONNECT carries none */
	assert_true(match_unit("mqtt.connack.session_present:yes;", 1));
	assert_true(match_unit("mqtt.connack.session_present: true;", 1));
	assert_false(match_unit("mqtt.connack.session_present:no;", 1));
	assert_false(match_unit("mqtt.connack.session_present:false;", 0));
	parse_fails("mqtt.connack.session_present:maybe;",
		    "bad value of \"mqtt.connack.session_present\"");
	parse_fails("mqtt.reason_code:300;", "bad value of \"mqtt.reason_code\"");
}

static void test_mqtt_sticky_buffers(void **unused)
{
	(void)unused;
	assert_true(match_unit("mqtt.connect.username; content:\"bob\"; bsize:3;", 0));
	assert_false(match_unit("mqtt.connect.username; content:\"alice\";", 0));
	assert_true(match_unit("mqtt.connect.password; content:\"pw\";", 0));
	assert_true(match_unit("mqtt.connect.clientid; content:\"cli\"; startswith;", 0));
	assert_true(match_unit("mqtt.connect.willtopic; content:\"w/t\";", 0));
	assert_true(match_unit("mqtt.connect.willmessage; content:\"bye\";", 0));
	assert_true(match_unit("mqtt.connect.protocol_string; content:\"MQTT\";", 0));
	assert_true(match_unit("mqtt.publish.topic; content:\"t\"; bsize:1;", 4));
	assert_true(match_unit("mqtt.type:PUBLISH; mqtt.publish.message; content:\"hello\";", 4));
	assert_false(match_unit("mqtt.publish.message; content:\"hello\";", 0));
	assert_true(match_unit("mqtt.subscribe.topic; content:\"c\"; bsize:1;", 3));
	assert_false(match_unit("mqtt.subscribe.topic; content:\"c\"; bsize:1;", 2));
	assert_false(match_unit("mqtt.unsubscribe.topic; content:\"a\";", 2));
	/* the hidden field buffer is no sticky buffer */
	parse_fails("app.meta; content:\"x\";", "unknown keyword");
}

static int setup(void **unused)
{
	(void)unused;
	sink_parser = rule_parser_create();
	sink_proto = "mqtt";
	sink_app = &app_parser_mqtt;
	run_session(4096, &sink_units);
	return sink_parser ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mqtt_session),
	    cmocka_unit_test(test_mqtt_events),
	    cmocka_unit_test(test_mqtt_malformed),
	    cmocka_unit_test(test_mqtt_detect),
	    cmocka_unit_test(test_mqtt_type_version_qos),
	    cmocka_unit_test(test_mqtt_flags),
	    cmocka_unit_test(test_mqtt_reason_session),
	    cmocka_unit_test(test_mqtt_sticky_buffers),
	};
	return cmocka_run_group_tests(tests, setup, sink_teardown);
}
