/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MQTT parser (3.1, 3.1.1 and 5.0) over TCP. A control packet is a fixed
 * header (type in the high nibble of the first byte, flags in the low
 * one, then the remaining length as a variable-length integer of one to
 * four bytes) and that many bytes, reassembled here across segments in
 * each direction; a packet is kept up to MQTT_MESSAGE_MAX bytes, so a
 * longer PUBLISH is inspected by its start (its message cut). Each packet
 * becomes a unit: its fields for the number and flag keywords in
 * app.meta (struct rule_mqtt_meta), and the strings Suricata offers as
 * sticky buffers: CONNECT's client id, user name, password, protocol
 * string, will topic and will message, PUBLISH's topic and message, and
 * the topics of SUBSCRIBE and UNSUBSCRIBE, a multi-buffer (unit i carries
 * topic i, at most MQTT_TOPICS_MAX, and the units share one list of
 * matched rules, so a rule alerts once per packet). MQTT 5's properties
 * are skipped, not inspected.
 *
 * The protocol version is CONNECT's and holds for the flow (a 5.0 packet
 * differs from a 3.1.1 one only by its properties and reason codes). The
 * anomalies Suricata raises are noted on the packet's unit
 * (rule_mqtt_meta.events, and as app-layer events for app-layer-event
 * rules and EVE's anomaly records): a CONNACK without CONNECT, an
 * acknowledgement of a packet id never sent (ids remembered per kind,
 * MQTT_IDS_MAX of them), a second CONNECT, a packet before CONNECT, QoS 3,
 * a PUBLISH of QoS 1 or 2 without its id, type 0. A remaining length that does not
 * end within four bytes loses the framing: an error unit, and the flow's
 * MQTT is no longer parsed.
 *
 * Detection: a CONNECT toward the server ("MQTT" levels 4 and 5,
 * "MQIsdp" level 3), or a CONNACK toward the client whose length is
 * exactly its fields (a flow picked up after its CONNECT).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_event.h"
#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"
#include "rules/lang/app_meta.h"

#define MQTT_MESSAGE_MAX 8192 /* bytes of one control packet kept, per direction */
#define MQTT_HEADER_MAX	 5    /* a fixed header: type and flags, up to 4 bytes of length */
#define MQTT_IDS_MAX	 16   /* packet ids awaiting their acknowledgement, per kind */
#define MQTT_TOPICS_MAX	 8    /* topics of one (UN)SUBSCRIBE handed to the rules */
#define MQTT_TOPIC_TEXT	 96   /* bytes of a (un)subscribed topic kept for EVE */
#define MQTT_EVE_TOPICS	 4    /* (un)subscribed topics EVE shows */

/* Control packet types (MQTT 5.0 2.1.2). */
enum mqtt_type {
	MQTT_UNASSIGNED = 0,
	MQTT_CONNECT = 1,
	MQTT_CONNACK = 2,
	MQTT_PUBLISH = 3,
	MQTT_PUBACK = 4,
	MQTT_PUBREC = 5,
	MQTT_PUBREL = 6,
	MQTT_PUBCOMP = 7,
	MQTT_SUBSCRIBE = 8,
	MQTT_SUBACK = 9,
	MQTT_UNSUBSCRIBE = 10,
	MQTT_UNSUBACK = 11,
	MQTT_PINGREQ = 12,
	MQTT_PINGRESP = 13,
	MQTT_DISCONNECT = 14,
	MQTT_AUTH = 15,
};

/* The EVE object of each type, as Suricata names them. */
static const char *const mqtt_type_object[16] = {
    "unassigned", "connect",  "connack",    "publish", "puback",      "pubrec",
    "pubrel",	  "pubcomp",  "subscribe",  "suback",  "unsubscribe", "unsuback",
    "pingreq",	  "pingresp", "disconnect", "auth",
};

#define MQTT_CONNECT_USERNAME 0x80
#define MQTT_CONNECT_PASSWORD 0x40
#define MQTT_CONNECT_WILL     0x04

/* What EVE shows of one control packet (an mqtt record per packet). */
struct mqtt_details {
	struct rule_mqtt_meta meta;
	bool has_id;
	uint16_t message_id;
	char protocol_string[16];
	char client_id[128];
	char username[128];
	char topic[APP_TEXT_MAX];
	char message[APP_TEXT_MAX];
	bool message_cut;
	uint8_t topic_count;
	char topics[MQTT_EVE_TOPICS][MQTT_TOPIC_TEXT];
	uint8_t topic_qos[MQTT_EVE_TOPICS];
};
APP_DETAILS_FITS(struct mqtt_details);

/* Packet ids sent and not yet acknowledged; lost: one was forgotten (the list was full). */
struct mqtt_ids {
	uint16_t id[MQTT_IDS_MAX];
	uint8_t count;
	bool lost;
};

/* One direction's control packet being reassembled. */
struct mqtt_reader_state {
	uint8_t header[MQTT_HEADER_MAX]; /* type and flags, then up to 4 bytes of length */
	uint8_t header_len;
	bool header_done;
	uint32_t length; /* the remaining length */
	uint32_t seen;
	/* the fixed header's bytes end at MQTT_HEADER_MAX, where the rest
	 * begins, so the packet is whole in one place for its pdu frame */
	uint8_t packet[MQTT_HEADER_MAX + MQTT_MESSAGE_MAX];
};

struct mqtt_state {
	struct app_details details;
	struct app_body_rules message_rules; /* rules matched on the packet being emitted */
	bool connected;			     /* a CONNECT went by */
	bool acknowledged;		     /* a CONNACK went by */
	bool broken;			     /* framing lost: nothing more is parsed */
	uint8_t version;
	struct mqtt_ids publish, subscribe, unsubscribe;
	struct mqtt_reader_state dir[2];
	struct app_frames frames;
};

/* A bounded walk over one kept packet; bad: a field ran past its end. */
struct mqtt_cursor {
	const uint8_t *p;
	uint32_t len, off;
	bool bad;
};

/* One field of the packet being parsed: a pointer into it and a length; NULL: absent. */
struct mqtt_field {
	const uint8_t *at;
	uint32_t len;
};

/* Everything one control packet carries for the rules. */
struct mqtt_packet {
	struct rule_mqtt_meta meta;
	struct mqtt_field clientid, username, password, protocol, willtopic, willmessage;
	struct mqtt_field topic, message;
	struct mqtt_field topics[MQTT_TOPICS_MAX];
	uint8_t topic_qos[MQTT_TOPICS_MAX];
	uint32_t topic_count;
	bool message_cut;
	bool has_id;
	uint16_t id;
};

static uint8_t mqtt_u8(struct mqtt_cursor *c)
{
	if (c->off + 1 > c->len) {
		c->bad = true;
		return 0;
	}
	return c->p[c->off++];
}

static uint16_t mqtt_u16(struct mqtt_cursor *c)
{
	if (c->off + 2 > c->len) {
		c->bad = true;
		c->off = c->len;
		return 0;
	}
	uint16_t v = (uint16_t)(c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return v;
}

/* A 2-byte length and its bytes (UTF-8 string or binary data). */
static struct mqtt_field mqtt_string(struct mqtt_cursor *c)
{
	struct mqtt_field f = {NULL, 0};
	uint16_t n = mqtt_u16(c);
	if (c->bad || n > c->len - c->off) {
		c->bad = true;
		c->off = c->len;
		return f;
	}
	f.at = c->p + c->off;
	f.len = n;
	c->off += n;
	return f;
}

/* MQTT 5's properties: a variable-length byte count, skipped. */
static void mqtt_skip_properties(struct mqtt_cursor *c)
{
	uint32_t n = 0;
	for (unsigned shift = 0; shift < 28; shift += 7) {
		uint8_t b = mqtt_u8(c);
		n |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80) || c->bad)
			break;
	}
	if (c->bad || n > c->len - c->off) {
		c->bad = true;
		c->off = c->len;
		return;
	}
	c->off += n;
}

static void mqtt_event(struct mqtt_packet *m, enum rule_mqtt_event e)
{
	m->meta.events |= 1u << e;
}

static void mqtt_ids_add(struct mqtt_ids *ids, uint16_t id)
{
	if (ids->count == MQTT_IDS_MAX) {
		memmove(ids->id, ids->id + 1, (MQTT_IDS_MAX - 1) * sizeof(ids->id[0]));
		ids->count--;
		ids->lost = true;
	}
	ids->id[ids->count++] = id;
}

/* Is id awaiting its acknowledgement (taken off the list when take)? A forgotten one may be. */
static bool mqtt_ids_find(struct mqtt_ids *ids, uint16_t id, bool take)
{
	for (uint8_t i = 0; i < ids->count; i++) {
		if (ids->id[i] != id)
			continue;
		if (take) {
			memmove(ids->id + i, ids->id + i + 1,
				(ids->count - i - 1) * sizeof(ids->id[0]));
			ids->count--;
		}
		return true;
	}
	return ids->lost;
}

static void mqtt_connect(struct mqtt_state *s, struct mqtt_cursor *c, struct mqtt_packet *m)
{
	if (s->connected)
		mqtt_event(m, RULE_MQTT_EVENT_DOUBLE_CONNECT);
	s->connected = true;
	m->protocol = mqtt_string(c);
	uint8_t level = mqtt_u8(c);
	uint8_t flags = mqtt_u8(c);
	if (c->bad)
		return;
	s->version = level;
	m->meta.protocol_version = level;
	m->meta.has_connect_flags = 1;
	m->meta.connect_flags = flags;
	mqtt_u16(c); /* keep alive */
	if (level == 5)
		mqtt_skip_properties(c);
	m->clientid = mqtt_string(c);
	if (flags & MQTT_CONNECT_WILL) {
		if (level == 5)
			mqtt_skip_properties(c);
		m->willtopic = mqtt_string(c);
		m->willmessage = mqtt_string(c);
	}
	if (flags & MQTT_CONNECT_USERNAME)
		m->username = mqtt_string(c);
	if (flags & MQTT_CONNECT_PASSWORD)
		m->password = mqtt_string(c);
}

static void mqtt_reason(struct mqtt_packet *m, uint8_t code)
{
	if (m->meta.reason_count < RULE_MQTT_REASONS_MAX)
		m->meta.reason[m->meta.reason_count++] = code;
}

/* The rest of the packet as reason codes (SUBACK, UNSUBACK). */
static void mqtt_reasons_rest(struct mqtt_cursor *c, struct mqtt_packet *m)
{
	while (c->off < c->len)
		mqtt_reason(m, c->p[c->off++]);
}

static void mqtt_publish(struct mqtt_state *s, struct mqtt_cursor *c, struct mqtt_packet *m)
{
	uint8_t qos = (m->meta.flags >> 1) & 3;
	if (qos == 3)
		mqtt_event(m, RULE_MQTT_EVENT_INVALID_QOS_LEVEL);
	m->topic = mqtt_string(c);
	if (qos) {
		if (c->len - c->off < 2) {
			mqtt_event(m, RULE_MQTT_EVENT_MISSING_MSG_ID);
			return;
		}
		m->has_id = true;
		m->id = mqtt_u16(c);
		mqtt_ids_add(&s->publish, m->id);
	}
	if (s->version == 5)
		mqtt_skip_properties(c);
	if (c->bad)
		return;
	m->message.at = c->p + c->off;
	m->message.len = c->len - c->off;
}

/* PUBACK, PUBREC, PUBREL, PUBCOMP: the id, then (5.0) a reason code when there is one. */
static void mqtt_publish_ack(struct mqtt_state *s, struct mqtt_cursor *c, struct mqtt_packet *m,
			     uint8_t type)
{
	m->id = mqtt_u16(c);
	if (c->bad)
		return;
	m->has_id = true;
	bool take = type == MQTT_PUBACK || type == MQTT_PUBCOMP;
	if (!mqtt_ids_find(&s->publish, m->id, take))
		mqtt_event(m, RULE_MQTT_EVENT_MISSING_PUBLISH);
	if (c->off < c->len)
		mqtt_reason(m, mqtt_u8(c));
}

/* SUBSCRIBE (topic and options) or UNSUBSCRIBE (topics). */
static void mqtt_subscribe(struct mqtt_state *s, struct mqtt_cursor *c, struct mqtt_packet *m,
			   bool subscribe)
{
	m->id = mqtt_u16(c);
	if (c->bad)
		return;
	m->has_id = true;
	mqtt_ids_add(subscribe ? &s->subscribe : &s->unsubscribe, m->id);
	if (s->version == 5)
		mqtt_skip_properties(c);
	while (!c->bad && c->off < c->len) {
		struct mqtt_field topic = mqtt_string(c);
		uint8_t options = subscribe ? mqtt_u8(c) : 0;
		if (c->bad || m->topic_count >= MQTT_TOPICS_MAX)
			break;
		m->topic_qos[m->topic_count] = options & 3;
		m->topics[m->topic_count++] = topic;
	}
}

static void mqtt_subscribe_ack(struct mqtt_state *s, struct mqtt_cursor *c, struct mqtt_packet *m,
			       bool subscribe)
{
	m->id = mqtt_u16(c);
	if (c->bad)
		return;
	m->has_id = true;
	if (!mqtt_ids_find(subscribe ? &s->subscribe : &s->unsubscribe, m->id, true))
		mqtt_event(m, subscribe ? RULE_MQTT_EVENT_MISSING_SUBSCRIBE
					: RULE_MQTT_EVENT_MISSING_UNSUBSCRIBE);
	if (s->version == 5)
		mqtt_skip_properties(c);
	/* 3.1.1's SUBACK carries return codes; 3.1.1's UNSUBACK none */
	if (subscribe || s->version == 5)
		mqtt_reasons_rest(c, m);
}

/* The fields of one kept packet into m. */
static void mqtt_fields(struct mqtt_state *s, const uint8_t *p, uint32_t len, struct mqtt_packet *m)
{
	struct mqtt_cursor c = {.p = p, .len = len};
	uint8_t type = m->meta.type;

	if (type == MQTT_UNASSIGNED)
		mqtt_event(m, RULE_MQTT_EVENT_UNASSIGNED_MSG_TYPE);
	if (!s->connected && !s->acknowledged && type != MQTT_CONNECT && type != MQTT_CONNACK)
		mqtt_event(m, RULE_MQTT_EVENT_UNINTRODUCED_MESSAGE);
	switch (type) {
	case MQTT_CONNECT:
		mqtt_connect(s, &c, m);
		break;
	case MQTT_CONNACK:
		if (!s->connected)
			mqtt_event(m, RULE_MQTT_EVENT_MISSING_CONNECT);
		s->acknowledged = true;
		m->meta.session_present = mqtt_u8(&c) & 1;
		m->meta.has_session_present = !c.bad;
		if (c.off < c.len)
			mqtt_reason(m, mqtt_u8(&c));
		break;
	case MQTT_PUBLISH:
		mqtt_publish(s, &c, m);
		break;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
		mqtt_publish_ack(s, &c, m, type);
		break;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		mqtt_subscribe(s, &c, m, type == MQTT_SUBSCRIBE);
		break;
	case MQTT_SUBACK:
	case MQTT_UNSUBACK:
		mqtt_subscribe_ack(s, &c, m, type == MQTT_SUBACK);
		break;
	case MQTT_DISCONNECT:
	case MQTT_AUTH:
		if (c.len)
			mqtt_reason(m, mqtt_u8(&c));
		break;
	default:
		break;
	}
}

static void mqtt_text(char *out, size_t size, struct mqtt_field f)
{
	app_text_copy(out, size, f.at ? f.at : (const uint8_t *)"", f.len);
}

static void mqtt_details_fill(struct mqtt_details *det, const struct mqtt_packet *m)
{
	memset(det, 0, sizeof(*det));
	det->meta = m->meta;
	det->has_id = m->has_id;
	det->message_id = m->id;
	mqtt_text(det->protocol_string, sizeof(det->protocol_string), m->protocol);
	mqtt_text(det->client_id, sizeof(det->client_id), m->clientid);
	mqtt_text(det->username, sizeof(det->username), m->username);
	mqtt_text(det->topic, sizeof(det->topic), m->topic);
	det->message_cut =
	    app_text_copy(det->message, sizeof(det->message),
			  m->message.at ? m->message.at : (const uint8_t *)"", m->message.len) ||
	    m->message_cut;
	for (uint32_t i = 0; i < m->topic_count && i < MQTT_EVE_TOPICS; i++) {
		mqtt_text(det->topics[i], sizeof(det->topics[i]), m->topics[i]);
		det->topic_qos[i] = m->topic_qos[i];
		det->topic_count++;
	}
}

static void mqtt_set(struct app_unit *u, int b, struct mqtt_field f)
{
	if (!f.at)
		return;
	u->buffer[b] = f.at;
	u->buffer_len[b] = f.len;
}

/* One whole (or cut) control packet: its units, one per (un)subscribed topic. */
static void mqtt_packet(struct mqtt_state *s, uint8_t first, const uint8_t *p, uint32_t len,
			bool cut, app_emit_fn emit, void *arg)
{
	struct mqtt_packet m;
	memset(&m, 0, sizeof(m));
	m.meta.head = (struct rule_app_meta_head){RULE_PROTO_MQTT, sizeof(m.meta)};
	m.meta.type = first >> 4;
	m.meta.flags = first & 0x0f;
	m.message_cut = cut;
	mqtt_fields(s, p, len, &m);
	if (m.meta.type != MQTT_CONNECT)
		m.meta.protocol_version = s->version;
	mqtt_details_fill((struct mqtt_details *)(void *)s->details.proto, &m);

	/* the anomalies also as app-layer events, for app-layer-event rules and
	 * EVE's anomaly records (the table follows foreach_rule_mqtt_event) */
	static const enum rule_app_event as_app_event[RULE_MQTT_EVENT_COUNT] = {
#define _(sym, name) [RULE_MQTT_EVENT_##sym] = RULE_APP_EVENT_MQTT_##sym,
	    foreach_rule_mqtt_event
#undef _
	};
	struct app_events events = {.count = 0};
	for (unsigned e = 0; e < RULE_MQTT_EVENT_COUNT; e++)
		if (m.meta.events & (1u << e))
			app_events_add(&events, as_app_event[e]);

	uint32_t units = m.topic_count ? m.topic_count : 1;
	int topics = m.meta.type == MQTT_SUBSCRIBE ? RULE_BUFFER_MQTT_SUBSCRIBE_TOPIC
						   : RULE_BUFFER_MQTT_UNSUBSCRIBE_TOPIC;
	s->message_rules.matched_count = s->message_rules.waiting_count = 0;
	for (uint32_t i = 0; i < units; i++) {
		/* one packet, one record: the other units repeat it with another topic */
		struct app_unit u = {.details = &s->details, .repeat = i > 0};
		u.window.buffers = app_parser_mqtt.buffers;
		u.window.rules = &s->message_rules;
		u.buffer[RULE_BUFFER_APP_META] = (const uint8_t *)&m.meta;
		u.buffer_len[RULE_BUFFER_APP_META] = sizeof(m.meta);
		mqtt_set(&u, RULE_BUFFER_MQTT_CONNECT_CLIENTID, m.clientid);
		mqtt_set(&u, RULE_BUFFER_MQTT_CONNECT_USERNAME, m.username);
		mqtt_set(&u, RULE_BUFFER_MQTT_CONNECT_PASSWORD, m.password);
		mqtt_set(&u, RULE_BUFFER_MQTT_CONNECT_PROTOCOL_STRING, m.protocol);
		mqtt_set(&u, RULE_BUFFER_MQTT_CONNECT_WILLTOPIC, m.willtopic);
		mqtt_set(&u, RULE_BUFFER_MQTT_CONNECT_WILLMESSAGE, m.willmessage);
		mqtt_set(&u, RULE_BUFFER_MQTT_PUBLISH_TOPIC, m.topic);
		mqtt_set(&u, RULE_BUFFER_MQTT_PUBLISH_MESSAGE, m.message);
		if (m.topic_count)
			mqtt_set(&u, topics, m.topics[i]);
		if (i == 0)
			app_events_attach(&u, &events);
		emit(arg, &u);
	}
}

/*
 * The packet's frames, as Suricata's MQTT parser marks them: pdu, the whole
 * packet; header, its first two bytes, and data, the remaining length's
 * bytes from the third on, whatever the length's own size (Suricata's
 * layout, kept so the same rules see the same bytes). held: the bytes of
 * the rest kept.
 */
static void mqtt_frames(struct mqtt_state *s, enum app_direction dir, struct mqtt_reader_state *r,
			uint32_t held, uint64_t end, app_emit_fn emit, void *arg)
{
	uint8_t *pdu = r->packet + MQTT_HEADER_MAX - r->header_len;
	uint64_t length = (uint64_t)r->header_len + r->length;
	uint64_t at = end - length;
	uint32_t have = r->header_len + held;
	memcpy(pdu, r->header, r->header_len);
	app_frame_emit(&s->frames, emit, arg, RULE_FRAME_MQTT_PDU, dir, pdu, have, at, length, -1,
		       &s->details);
	app_frame_emit(&s->frames, emit, arg, RULE_FRAME_MQTT_HEADER, dir, pdu, 2, at, 2, -1,
		       &s->details);
	uint32_t data_have = have > 2 ? have - 2 : 0;
	app_frame_emit(&s->frames, emit, arg, RULE_FRAME_MQTT_DATA, dir, pdu + 2,
		       data_have < r->length ? data_have : r->length, at + 2, r->length, -1,
		       &s->details);
}

/* The fixed header's remaining length: 1 done, 0 more bytes needed, -1 malformed. */
static int mqtt_length(struct mqtt_reader_state *r)
{
	uint32_t n = 0;
	for (unsigned i = 1; i < r->header_len; i++) {
		n |= (uint32_t)(r->header[i] & 0x7f) << (7 * (i - 1));
		if (!(r->header[i] & 0x80)) {
			r->length = n;
			return 1;
		}
	}
	return r->header_len == sizeof(r->header) ? -1 : 0;
}

static void mqtt_parse_bytes(struct mqtt_state *s, enum app_direction dir, const uint8_t *data,
			     uint32_t len, app_emit_fn emit, void *arg)
{
	struct mqtt_reader_state *r = &s->dir[dir];
	const uint8_t *start = data;

	while (len && !s->broken) {
		if (!r->header_done) {
			r->header[r->header_len++] = *data++;
			len--;
			int done = r->header_len > 1 ? mqtt_length(r) : 0;
			if (done < 0) {
				s->broken = true;
				struct app_unit unit = {.details = &s->details, .error = true};
				emit(arg, &unit);
				return;
			}
			if (!done)
				continue;
			r->header_done = true;
			r->seen = 0;
		}
		uint8_t *message = r->packet + MQTT_HEADER_MAX;
		if (!app_message_take(message, MQTT_MESSAGE_MAX, r->length, &r->seen, &data, &len))
			continue;
		r->header_done = false;
		bool cut = r->length > MQTT_MESSAGE_MAX;
		mqtt_packet(s, r->header[0], message, cut ? MQTT_MESSAGE_MAX : r->length, cut, emit,
			    arg);
		mqtt_frames(s, dir, r, cut ? MQTT_MESSAGE_MAX : r->length,
			    app_frame_stream_at(&s->frames, dir, start, data), emit, arg);
		r->header_len = 0;
	}
}

static void mqtt_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		       app_emit_fn emit, void *arg)
{
	struct mqtt_state *s = state;
	mqtt_parse_bytes(s, dir, data, len, emit, arg);
	app_frame_stream_done(&s->frames, dir, len);
}

/* ---- detection ---- */

/* The remaining length at data[1..]: bytes it takes (0: needs more, -1: malformed). */
static int mqtt_detect_length(const uint8_t *data, uint32_t len, uint32_t *value)
{
	uint32_t n = 0;
	for (uint32_t i = 1; i < 5; i++) {
		if (i >= len)
			return 0;
		n |= (uint32_t)(data[i] & 0x7f) << (7 * (i - 1));
		if (!(data[i] & 0x80)) {
			*value = n;
			return (int)i;
		}
	}
	return -1;
}

/* CONNECT: 0x10, length, then "\0\4MQTT" level 4 or 5, or "\0\6MQIsdp" level 3. */
static enum app_detect_result mqtt_detect_connect(const uint8_t *data, uint32_t len)
{
	static const uint8_t v311[] = {0, 4, 'M', 'Q', 'T', 'T'};
	static const uint8_t v31[] = {0, 6, 'M', 'Q', 'I', 's', 'd', 'p'};
	uint32_t length;

	if (!len)
		return APP_DETECT_NEED_MORE;
	if (data[0] != 0x10)
		return APP_DETECT_NO;
	int n = mqtt_detect_length(data, len, &length);
	if (n <= 0)
		return n < 0 ? APP_DETECT_NO : APP_DETECT_NEED_MORE;
	const uint8_t *p = data + 1 + n;
	uint32_t avail = len - 1 - (uint32_t)n;
	const uint8_t *name = avail >= 2 && p[1] == 6 ? v31 : v311;
	uint32_t name_len = name == v31 ? sizeof(v31) : sizeof(v311);
	if (length < name_len + 4)
		return APP_DETECT_NO;
	uint32_t cmp = avail < name_len ? avail : name_len;
	if (memcmp(p, name, cmp) != 0)
		return APP_DETECT_NO;
	if (avail <= name_len)
		return APP_DETECT_NEED_MORE;
	uint8_t level = p[name_len];
	if (name == v31 ? level != 3 : level != 4 && level != 5)
		return APP_DETECT_NO;
	return APP_DETECT_YES;
}

/* CONNACK: 0x20, length 2 (3.1.1) or more (5.0), whose bytes are all here and nothing else. */
static enum app_detect_result mqtt_detect_connack(const uint8_t *data, uint32_t len)
{
	uint32_t length;

	if (!len)
		return APP_DETECT_NEED_MORE;
	if (data[0] != 0x20)
		return APP_DETECT_NO;
	int n = mqtt_detect_length(data, len, &length);
	if (n <= 0)
		return n < 0 ? APP_DETECT_NO : APP_DETECT_NEED_MORE;
	if (length < 2 || length > 256)
		return APP_DETECT_NO;
	uint32_t total = 1 + (uint32_t)n + length;
	if (len < total)
		return APP_DETECT_NEED_MORE;
	const uint8_t *p = data + 1 + n;
	if (p[0] > 1)
		return APP_DETECT_NO; /* acknowledge flags: only session present */
	/* 3.1.1: return codes 0..5; 5.0: a reason code, then properties */
	bool fits = length == 2 ? p[1] <= 5 : p[1] == 0 || p[1] >= 0x80;
	return fits && (len == total || (len > total && data[total] >> 4 != 0)) ? APP_DETECT_YES
										: APP_DETECT_NO;
}

static enum app_detect_result mqtt_detect(const uint8_t *data, uint32_t len,
					  enum app_direction direction)
{
	return direction == APP_TO_SERVER ? mqtt_detect_connect(data, len)
					  : mqtt_detect_connack(data, len);
}

static void *mqtt_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct mqtt_state));
}

static void mqtt_destroy(void *state)
{
	free(state);
}

static void mqtt_eve_bool(struct app_json *out, const char *key, bool value)
{
	app_json_key(out, key);
	app_json_put(out, value ? "true" : "false");
}

static void mqtt_eve_connect(const struct mqtt_details *det, struct app_json *out)
{
	uint8_t f = det->meta.connect_flags;
	app_json_text(out, "protocol_string", det->protocol_string, sizeof(det->protocol_string));
	app_json_uint(out, "protocol_version", det->meta.protocol_version);
	app_json_key(out, "flags");
	app_json_begin(out, "{");
	mqtt_eve_bool(out, "username", f & MQTT_CONNECT_USERNAME);
	mqtt_eve_bool(out, "password", f & MQTT_CONNECT_PASSWORD);
	mqtt_eve_bool(out, "will_retain", f & 0x20);
	mqtt_eve_bool(out, "will", f & MQTT_CONNECT_WILL);
	mqtt_eve_bool(out, "clean_session", f & 0x02);
	app_json_end(out, "}");
	app_json_text(out, "client_id", det->client_id, sizeof(det->client_id));
	app_json_text(out, "username", det->username, sizeof(det->username));
}

static void mqtt_eve_topics(const struct mqtt_details *det, struct app_json *out, bool qos)
{
	if (!det->topic_count)
		return;
	app_json_key(out, "topics");
	app_json_put(out, "[");
	for (uint8_t i = 0; i < det->topic_count && i < MQTT_EVE_TOPICS; i++) {
		if (i)
			app_json_put(out, ",");
		if (!qos) {
			app_json_text_value(out, det->topics[i], sizeof(det->topics[i]), false);
			continue;
		}
		app_json_begin(out, "{");
		app_json_text(out, "topic", det->topics[i], sizeof(det->topics[i]));
		app_json_uint(out, "qos", det->topic_qos[i]);
		app_json_end(out, "}");
	}
	app_json_put(out, "]");
}

static void mqtt_eve_reasons(const struct mqtt_details *det, struct app_json *out, const char *key)
{
	app_json_key(out, key);
	app_json_put(out, "[");
	for (uint8_t i = 0; i < det->meta.reason_count && i < RULE_MQTT_REASONS_MAX; i++)
		app_json_put(out, "%s%u", i ? "," : "", det->meta.reason[i]);
	app_json_put(out, "]");
}

/* EVE: ,"mqtt":{"TYPE":{"qos":..,"retain":..,"dup":.., then the type's fields}}. */
static void mqtt_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct mqtt_details *det = (const struct mqtt_details *)(const void *)d->proto;
	uint8_t type = det->meta.type & 0x0f;
	app_json_key(out, "mqtt");
	app_json_begin(out, "{");
	if (type == MQTT_UNASSIGNED || type == MQTT_AUTH) {
		app_json_end(out, "}"); /* Suricata's schema has no object for these */
		return;
	}
	app_json_key(out, mqtt_type_object[type]);
	app_json_begin(out, "{");
	app_json_uint(out, "qos", (det->meta.flags >> 1) & 3);
	mqtt_eve_bool(out, "retain", det->meta.flags & 1);
	mqtt_eve_bool(out, "dup", det->meta.flags & 8);
	if (det->has_id)
		app_json_uint(out, "message_id", det->message_id);
	switch (type) {
	case MQTT_CONNECT:
		mqtt_eve_connect(det, out);
		break;
	case MQTT_CONNACK:
		mqtt_eve_bool(out, "session_present", det->meta.session_present);
		if (det->meta.reason_count)
			app_json_uint(out, "return_code", det->meta.reason[0]);
		break;
	case MQTT_PUBLISH:
		app_json_text(out, "topic", det->topic, sizeof(det->topic));
		app_json_text_cut(out, "message", det->message, sizeof(det->message),
				  det->message_cut);
		break;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		mqtt_eve_topics(det, out, type == MQTT_SUBSCRIBE);
		break;
	case MQTT_SUBACK:
		mqtt_eve_reasons(det, out, "qos_granted");
		break;
	case MQTT_UNSUBACK:
		mqtt_eve_reasons(det, out, "reason_codes");
		break;
	default:
		if (det->meta.reason_count)
			app_json_uint(out, "reason_code", det->meta.reason[0]);
		break;
	}
	app_json_end(out, "}");
	app_json_end(out, "}");
}

const struct app_parser app_parser_mqtt = {
    .name = "mqtt",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_MQTT,
    .tcp = true,
    .udp = false,
    .frames = RULE_FRAME_BIT(RULE_FRAME_MQTT_PDU) | RULE_FRAME_BIT(RULE_FRAME_MQTT_HEADER) |
	      RULE_FRAME_BIT(RULE_FRAME_MQTT_DATA),
    .buffers = APP_BUFFER(MQTT_CONNECT_CLIENTID) | APP_BUFFER(MQTT_CONNECT_USERNAME) |
	       APP_BUFFER(MQTT_CONNECT_PASSWORD) | APP_BUFFER(MQTT_CONNECT_PROTOCOL_STRING) |
	       APP_BUFFER(MQTT_CONNECT_WILLTOPIC) | APP_BUFFER(MQTT_CONNECT_WILLMESSAGE) |
	       APP_BUFFER(MQTT_PUBLISH_TOPIC) | APP_BUFFER(MQTT_PUBLISH_MESSAGE) |
	       APP_BUFFER(MQTT_SUBSCRIBE_TOPIC) | APP_BUFFER(MQTT_UNSUBSCRIBE_TOPIC) |
	       APP_BUFFER(APP_META),
    .detect = mqtt_detect,
    .create = mqtt_create,
    .destroy = mqtt_destroy,
    .parse = mqtt_parse,
    .eve_details = mqtt_eve_details,
};
