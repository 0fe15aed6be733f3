/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EtherNet/IP parser (ODVA, the encapsulation protocol of CIP) over TCP
 * and UDP. A message is a 24-byte little-endian header (command, length,
 * session handle, status, sender context, options) and length bytes of
 * data, reassembled per direction (over UDP a datagram is one message,
 * which reads the same), kept up to ENIP_MESSAGE_MAX bytes (a longer one
 * is read as far as it was kept).
 *
 * Each message is a unit carrying app.meta (struct rule_enip_meta): the
 * command and status, RegisterSession's protocol version, a ListIdentity
 * reply's identity (vendor, device type, product code, revision, status,
 * serial, state), and the CIP services that SendRRData and SendUnitData
 * carry in their unconnected and connected data items, each with a
 * request's class, instance and attribute (the logical path) or a reply's
 * general and extended status; a Multiple Service Packet's embedded
 * services count too (at most RULE_ENIP_CIP_MAX per message). The
 * keywords (enip_command, cip_service, enip.*) read them; the product
 * name is only shown in EVE.
 *
 * EVE enip records are one per request and its reply (written when the
 * reply comes, or at the flow's end): "request" and "response" objects
 * with the command, status, the first CIP service and the identity.
 *
 * Detection: a header whose command is one the specification defines
 * (not NOP), whose options are 0 and, toward the server, whose status is
 * 0, and whose length fits the command (0 for the List requests, 4 for
 * RegisterSession).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"
#include "rules/lang/app_meta.h"

#define ENIP_HEADER_LEN	 24
#define ENIP_MESSAGE_MAX 4096 /* bytes of one TCP message kept, per direction */

enum enip_command {
#define _(code, sym, name) ENIP_##sym = code,
	foreach_rule_enip_command
#undef _
};

/* Common Packet Format item types. */
#define ENIP_ITEM_IDENTITY	   0x000c
#define ENIP_ITEM_CONNECTED_DATA   0x00b1
#define ENIP_ITEM_UNCONNECTED_DATA 0x00b2

#define CIP_REPLY		    0x80
#define CIP_MULTIPLE_SERVICE_PACKET 0x0a

/* The transaction EVE shows: the request's and the reply's fields. */
struct enip_side {
	bool present;
	uint16_t command;
	uint32_t status;
	struct rule_enip_cip cip; /* the first CIP service */
	bool has_cip;
	bool has_identity;
	uint16_t protocol_version, vendor_id, device_type, product_code, identity_status;
	uint8_t revision_major, revision_minor, state;
	uint32_t serial;
	char product_name[64];
};

struct enip_details {
	struct enip_side request, response;
};
APP_DETAILS_FITS(struct enip_details);

struct enip_tcp_direction {
	uint8_t header[ENIP_HEADER_LEN];
	uint8_t header_len;
	uint32_t length;
	uint32_t seen;
	uint8_t data[ENIP_MESSAGE_MAX];
};

struct enip_state {
	struct app_details details;
	bool broken;			/* out of memory: nothing is parsed */
	struct enip_tcp_direction *tcp; /* [2], allocated at the first data */
};

static uint16_t enip_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t enip_le32(const uint8_t *p)
{
	return (uint32_t)enip_le16(p) | (uint32_t)enip_le16(p + 2) << 16;
}

/* ---- CIP ---- */

static struct rule_enip_cip *enip_cip_new(struct rule_enip_meta *m)
{
	if (m->cip_count >= RULE_ENIP_CIP_MAX)
		return NULL;
	struct rule_enip_cip *c = &m->cip[m->cip_count++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* A request's path: 8- and 16-bit logical segments of class, instance, attribute. */
static void enip_cip_path(struct rule_enip_cip *c, const uint8_t *p, uint32_t len)
{
	uint32_t off = 0;
	while (off + 2 <= len) {
		uint8_t seg = p[off];
		uint32_t value;
		uint32_t size = (seg & 3) == 0 ? 2 : (seg & 3) == 1 ? 4 : 6;
		if (off + size > len)
			return;
		value = (seg & 3) == 0	 ? p[off + 1]
			: (seg & 3) == 1 ? enip_le16(p + off + 2)
					 : enip_le32(p + off + 2);
		switch (seg & 0xfc) {
		case 0x20:
			c->has_class = 1;
			c->class_id = value;
			break;
		case 0x24:
			c->has_instance = 1;
			c->instance = value;
			break;
		case 0x30:
			c->has_attribute = 1;
			c->attribute = value;
			break;
		case 0x2c: /* connection point: part of the path, not asked for */
			break;
		default:
			return; /* a port, network or data segment: the logical path is over */
		}
		off += size;
	}
}

static void enip_cip_message(struct rule_enip_meta *m, const uint8_t *p, uint32_t len, int depth);

/* A Multiple Service Packet's body: a count, offsets from the count, the services. */
static void enip_cip_multiple(struct rule_enip_meta *m, const uint8_t *p, uint32_t len, int depth)
{
	if (len < 2 || depth > 0)
		return;
	uint16_t count = enip_le16(p);
	for (uint32_t i = 0; i < count && 2 + 2 * i + 2 <= len; i++) {
		uint16_t start = enip_le16(p + 2 + 2 * i);
		uint16_t end = i + 1 < count && 2 + 2 * (i + 1) + 2 <= len
				   ? enip_le16(p + 2 + 2 * (i + 1))
				   : (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
		if (start >= len || end > len || end <= start)
			continue;
		enip_cip_message(m, p + start, end - start, depth + 1);
	}
}

/* One CIP request or reply into m's services. */
static void enip_cip_message(struct rule_enip_meta *m, const uint8_t *p, uint32_t len, int depth)
{
	if (len < 2)
		return;
	struct rule_enip_cip *c = enip_cip_new(m);
	if (!c)
		return;
	c->service = p[0];
	if (p[0] & CIP_REPLY) {
		if (len < 4)
			return;
		c->has_status = 1;
		c->status = p[2];
		uint32_t ext = p[3] * 2u;
		if (ext >= 2 && len >= 4 + ext)
			c->extended_status = enip_le16(p + 4);
		if ((p[0] & 0x7f) == CIP_MULTIPLE_SERVICE_PACKET && len >= 4 + ext)
			enip_cip_multiple(m, p + 4 + ext, len - 4 - ext, depth);
		return;
	}
	uint32_t path = p[1] * 2u;
	if (2 + path > len)
		return;
	enip_cip_path(c, p + 2, path);
	if (p[0] == CIP_MULTIPLE_SERVICE_PACKET)
		enip_cip_multiple(m, p + 2 + path, len - 2 - path, depth);
}

/* ---- encapsulation ---- */

static void enip_identity(struct rule_enip_meta *m, struct enip_side *side, const uint8_t *p,
			  uint32_t len)
{
	/* protocol version, socket address (16), vendor, device type, product code,
	 * revision (2), status, serial, name length, name, state */
	if (len < 33)
		return;
	m->has_identity = 1;
	m->protocol_version = enip_le16(p);
	m->vendor_id = enip_le16(p + 18);
	m->device_type = enip_le16(p + 20);
	m->product_code = enip_le16(p + 22);
	m->revision_major = p[24];
	m->revision_minor = p[25];
	m->identity_status = enip_le16(p + 26);
	m->serial = enip_le32(p + 28);
	uint32_t name = p[32];
	if (33 + name > len)
		name = len - 33;
	app_text_copy(side->product_name, sizeof(side->product_name), p + 33, name);
	if (33 + name < len)
		m->state = p[33 + name];
}

/* The Common Packet Format items of SendRRData, SendUnitData and ListIdentity replies. */
static void enip_items(struct rule_enip_meta *m, struct enip_side *side, const uint8_t *p,
		       uint32_t len)
{
	uint16_t count = enip_le16(p);
	uint32_t off = 2;
	for (uint16_t i = 0; i < count && off + 4 <= len; i++) {
		uint16_t type = enip_le16(p + off);
		uint32_t size = enip_le16(p + off + 2);
		off += 4;
		if (size > len - off)
			size = len - off;
		const uint8_t *item = p + off;
		if (type == ENIP_ITEM_UNCONNECTED_DATA)
			enip_cip_message(m, item, size, 0);
		else if (type == ENIP_ITEM_CONNECTED_DATA && size >= 2)
			enip_cip_message(m, item + 2, size - 2, 0); /* after the sequence count */
		else if (type == ENIP_ITEM_IDENTITY)
			enip_identity(m, side, item, size);
		off += size;
	}
}

static void enip_side_fill(struct enip_side *side, const struct rule_enip_meta *m)
{
	side->present = true;
	side->command = m->command;
	side->status = m->status;
	side->has_cip = m->cip_count > 0;
	if (side->has_cip)
		side->cip = m->cip[0];
	side->has_identity = m->has_identity;
	side->protocol_version = m->protocol_version;
	side->vendor_id = m->vendor_id;
	side->device_type = m->device_type;
	side->product_code = m->product_code;
	side->identity_status = m->identity_status;
	side->revision_major = m->revision_major;
	side->revision_minor = m->revision_minor;
	side->state = m->state;
	side->serial = m->serial;
}

/* One message (header and as much data as was kept): its unit. */
static void enip_message(struct enip_state *s, enum app_direction dir, const uint8_t *header,
			 const uint8_t *data, uint32_t len, app_emit_fn emit, void *arg)
{
	struct enip_details *det = (struct enip_details *)(void *)s->details.proto;
	struct rule_enip_meta m;
	memset(&m, 0, sizeof(m));
	m.head = (struct rule_app_meta_head){RULE_PROTO_ENIP, sizeof(m)};
	m.command = enip_le16(header);
	m.status = enip_le32(header + 8);

	bool reply = dir == APP_TO_CLIENT;
	if (!reply)
		memset(det, 0, sizeof(*det)); /* a request starts a transaction */
	struct enip_side *side = reply ? &det->response : &det->request;
	memset(side, 0, sizeof(*side));
	switch (m.command) {
	case ENIP_REGISTER_SESSION:
		if (len >= 2)
			m.protocol_version = enip_le16(data);
		break;
	case ENIP_SEND_RR_DATA:
	case ENIP_SEND_UNIT_DATA:
		if (len >= 8)
			enip_items(&m, side, data + 6, len - 6); /* interface handle, timeout */
		break;
	case ENIP_LIST_IDENTITY:
	case ENIP_LIST_SERVICES:
	case ENIP_LIST_INTERFACES:
		if (len >= 2)
			enip_items(&m, side, data, len);
		break;
	default:
		break;
	}
	enip_side_fill(side, &m);
	struct app_unit u = {.details = &s->details};
	u.buffer[RULE_BUFFER_APP_META] = (const uint8_t *)&m;
	u.buffer_len[RULE_BUFFER_APP_META] = sizeof(m);
	emit(arg, &u);
}

static void enip_tcp_bytes(struct enip_state *s, enum app_direction dir, const uint8_t *data,
			   uint32_t len, app_emit_fn emit, void *arg)
{
	struct enip_tcp_direction *d = &s->tcp[dir];
	while (len) {
		if (d->header_len < ENIP_HEADER_LEN) {
			uint32_t take = ENIP_HEADER_LEN - d->header_len;
			take = take < len ? take : len;
			memcpy(d->header + d->header_len, data, take);
			d->header_len += (uint8_t)take;
			data += take;
			len -= take;
			if (d->header_len < ENIP_HEADER_LEN)
				return;
			d->length = enip_le16(d->header + 2);
			d->seen = 0;
		}
		if (!app_message_take(d->data, ENIP_MESSAGE_MAX, d->length, &d->seen, &data, &len))
			continue;
		d->header_len = 0;
		enip_message(s, dir, d->header, d->data,
			     d->length < ENIP_MESSAGE_MAX ? d->length : ENIP_MESSAGE_MAX, emit,
			     arg);
	}
}

/*
 * app.h gives parse() no transport, and none is needed: a datagram is one
 * whole message, which the stream view reads the same way. A datagram
 * whose length field says more than it holds makes the next one read as
 * its rest, within its own flow only.
 */
static void enip_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		       app_emit_fn emit, void *arg)
{
	struct enip_state *s = state;

	dir &= 1;
	if (!len || s->broken)
		return;
	/* once per flow, like create(): the fast path allocates nothing per packet */
	if (!s->tcp && !(s->tcp = calloc(2, sizeof(*s->tcp)))) {
		s->broken = true;
		return;
	}
	enip_tcp_bytes(s, dir, data, len, emit, arg);
}

/* ---- detection ---- */

static enum app_detect_result enip_detect(const uint8_t *data, uint32_t len,
					  enum app_direction direction)
{
	if (len < ENIP_HEADER_LEN) {
		/* the command's two bytes can already say no */
		if (len >= 2 && data[1] != 0)
			return APP_DETECT_NO;
		return APP_DETECT_NEED_MORE;
	}
	uint16_t command = enip_le16(data), length = enip_le16(data + 2);
	if (enip_le32(data + 20) != 0)
		return APP_DETECT_NO; /* options: always 0 */
	if (direction == APP_TO_SERVER && enip_le32(data + 8) != 0)
		return APP_DETECT_NO; /* a request's status is 0 */
	switch (command) {
	case ENIP_LIST_SERVICES:
	case ENIP_LIST_IDENTITY:
	case ENIP_LIST_INTERFACES:
		return direction == APP_TO_CLIENT || length == 0 ? APP_DETECT_YES : APP_DETECT_NO;
	case ENIP_REGISTER_SESSION:
		return length == 4 ? APP_DETECT_YES : APP_DETECT_NO;
	case ENIP_UNREGISTER_SESSION:
		return length == 0 ? APP_DETECT_YES : APP_DETECT_NO;
	case ENIP_SEND_RR_DATA:
	case ENIP_SEND_UNIT_DATA:
		return length >= 8 ? APP_DETECT_YES : APP_DETECT_NO;
	case ENIP_INDICATE_STATUS:
	case ENIP_CANCEL:
		return APP_DETECT_YES;
	default:
		return APP_DETECT_NO;
	}
}

static void *enip_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct enip_state));
}

static void enip_destroy(void *state)
{
	struct enip_state *s = state;
	if (!s)
		return;
	free(s->tcp);
	free(s);
}

/* ---- EVE ---- */

static const char *enip_command_name(uint16_t command)
{
	switch (command) {
#define _(code, sym, name)                                                                         \
	case code:                                                                                 \
		return name;
		foreach_rule_enip_command
#undef _
	}
	return NULL;
}

static const char *enip_status_name(uint32_t status)
{
	switch (status) {
#define _(code, name)                                                                              \
	case code:                                                                                 \
		return name;
		foreach_rule_enip_status
#undef _
	}
	return NULL;
}

/* A few vendors (ODVA's list), as Suricata names them; others are numbers. */
static const char *enip_vendor_name(uint16_t vendor)
{
	switch (vendor) {
	case 1:
		return "Rockwell Automation/Allen-Bradley";
	case 2:
		return "Namco Controls Corp.";
	case 5:
		return "Rockwell Automation/Reliance Electric";
	case 40:
		return "WAGO Corporation";
	case 44:
		return "Unico, Inc.";
	case 283:
		return "Hilscher GmbH";
	default:
		return NULL;
	}
}

/* A name from a table, or the number as text (the schema has these as strings). */
static void enip_eve_name(struct app_json *out, const char *key, const char *name, uint32_t n)
{
	char text[16];
	if (!name) {
		snprintf(text, sizeof(text), "%u", n);
		name = text;
	}
	app_json_key(out, key);
	app_json_string(out, name);
}

static void enip_eve_identity(const struct enip_side *s, struct app_json *out)
{
	char revision[8];
	app_json_key(out, "identity");
	app_json_begin(out, "{");
	app_json_uint(out, "protocol_version", s->protocol_version);
	snprintf(revision, sizeof(revision), "%u.%u", s->revision_major, s->revision_minor);
	app_json_key(out, "revision");
	app_json_string(out, revision);
	enip_eve_name(out, "vendor_id", enip_vendor_name(s->vendor_id), s->vendor_id);
	enip_eve_name(out, "device_type", NULL, s->device_type);
	app_json_uint(out, "product_code", s->product_code);
	app_json_uint(out, "status", s->identity_status);
	app_json_uint(out, "serial", s->serial);
	app_json_text(out, "product_name", s->product_name, sizeof(s->product_name));
	app_json_uint(out, "state", s->state);
	app_json_end(out, "}");
}

/* The first CIP service: its code, a request's path, a reply's status (strings, as the schema has them). */
static void enip_eve_cip(const struct rule_enip_cip *c, struct app_json *out)
{
	static const char *const segment[] = {"class", "instance", "attribute"};
	const uint8_t has[] = {c->has_class, c->has_instance, c->has_attribute};
	const uint32_t value[] = {c->class_id, c->instance, c->attribute};
	app_json_key(out, "cip");
	app_json_begin(out, "{");
	enip_eve_name(out, "service", NULL, c->service);
	if (c->has_class || c->has_instance || c->has_attribute) {
		app_json_key(out, "path");
		app_json_put(out, "[");
		for (int i = 0, n = 0; i < 3; i++) {
			if (!has[i])
				continue;
			app_json_put(out, "%s{\"segment_type\":\"%s\",\"value\":%u}",
				     n++ ? "," : "", segment[i], value[i]);
		}
		app_json_put(out, "]");
	}
	if (c->has_status) {
		if (c->status == 0) {
			app_json_key(out, "status");
			app_json_string(out, "success");
		} else {
			enip_eve_name(out, "status", NULL, c->status);
		}
		if (c->extended_status)
			enip_eve_name(out, "status_extended", NULL, c->extended_status);
	}
	app_json_end(out, "}");
}

static void enip_eve_side(const struct enip_side *s, const char *key, struct app_json *out)
{
	if (!s->present)
		return;
	app_json_key(out, key);
	app_json_begin(out, "{");
	enip_eve_name(out, "command", enip_command_name(s->command), s->command);
	enip_eve_name(out, "status", enip_status_name(s->status), s->status);
	if (s->has_cip)
		enip_eve_cip(&s->cip, out);
	if (s->has_identity)
		enip_eve_identity(s, out);
	app_json_end(out, "}");
}

/* EVE: ,"enip":{"request":{"command":..,"status":..,"cip":{..}},"response":{..,"identity":{..}}}. */
static void enip_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct enip_details *det = (const struct enip_details *)(const void *)d->proto;
	app_json_key(out, "enip");
	app_json_begin(out, "{");
	enip_eve_side(&det->request, "request", out);
	enip_eve_side(&det->response, "response", out);
	app_json_end(out, "}");
}

const struct app_parser app_parser_enip = {
    .name = "enip",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_ENIP,
    .tcp = true,
    .udp = true,
    .buffers = APP_BUFFER(APP_META),
    .detect = enip_detect,
    .create = enip_create,
    .destroy = enip_destroy,
    .parse = enip_parse,
    .eve_details = enip_eve_details,
};
