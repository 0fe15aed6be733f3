/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DCE/RPC over TCP, connection-oriented PDUs (C706 chapter 12; MS-RPCE):
 * bind and alter_context with their acks, which bind interfaces (a UUID
 * and a version) to presentation context ids, and requests and responses,
 * whose fragments (one call_id, PFC_FIRST_FRAG on the first, PFC_LAST_FRAG
 * on the last) are put back together, their stub data kept up to
 * DCERPC_STUB_MAX bytes (the rest counted, not kept). Integers follow
 * each PDU's data representation (drep: little- or big-endian).
 *
 * A call is a transaction: the request is one unit toward the server
 * once its last fragment came (dcerpc.stub_data, dcerpc.meta: its opnum,
 * context and the interfaces bound so far), the response one toward the
 * client, each with the call's list of matched rules for that direction
 * (a rule alerts once per direction and call); a bind is a transaction of
 * its own, inspected and logged when its ack comes. The EVE dcerpc record
 * of a call goes out with its response, or when the next request leaves it
 * unanswered, or at the end of the flow.
 *
 * A PDU is taken whole before it is read, up to DCERPC_PDU_KEEP bytes (a
 * longer fragment's stub is cut there); one that cannot be a PDU (not
 * version 5, a length below the header) is an error unit and ends parsing
 * of the direction, as its framing is lost.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_http_body.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"

#define DCERPC_HEADER	  16
#define DCERPC_PDU_KEEP	  (16u * 1024 + 64) /* bytes of one PDU kept (a fragment's stub is cut) */
#define DCERPC_STUB_MAX	  (64u * 1024)	    /* stub bytes of one call kept, fragments joined */
#define DCERPC_PFC_FIRST  0x01
#define DCERPC_PFC_LAST	  0x02
#define DCERPC_PFC_OBJECT 0x80
#define DCERPC_IFACES_MAX RULE_DCERPC_IFACES_MAX

/* _(type, "EVE name"): the PDU types a record names. */
#define foreach_dcerpc_ptype                                                                       \
	_(0, "REQUEST")                                                                            \
	_(2, "RESPONSE")                                                                           \
	_(3, "FAULT")                                                                              \
	_(11, "BIND")                                                                              \
	_(12, "BINDACK")                                                                           \
	_(13, "BINDNAK")                                                                           \
	_(14, "ALTER_CONTEXT")                                                                     \
	_(15, "ALTER_CONTEXT_RESP")                                                                \
	_(16, "AUTH3")

enum dcerpc_ptype {
	DCERPC_REQUEST = 0,
	DCERPC_RESPONSE = 2,
	DCERPC_FAULT = 3,
	DCERPC_BIND = 11,
	DCERPC_BINDACK = 12,
	DCERPC_BINDNAK = 13,
	DCERPC_ALTER = 14,
	DCERPC_ALTER_RESP = 15,
};

/* An interface as EVE shows it. */
struct dcerpc_iface_details {
	uint8_t uuid[16]; /* text order */
	uint16_t major, minor;
	uint16_t ack_result;
	uint8_t acked;
};

/* EVE's dcerpc object for the transaction so far. */
struct dcerpc_details {
	uint8_t request, response; /* PDU type + 1; 0: none */
	uint8_t rpc_minor;
	uint8_t has_req, has_res;
	uint8_t iface_count;
	uint16_t opnum;
	uint32_t call_id;
	uint32_t req_frags, res_frags;
	uint32_t req_stub, res_stub;
	struct dcerpc_iface_details iface[DCERPC_IFACES_MAX];
};
APP_DETAILS_FITS(struct dcerpc_details);

struct dcerpc_pdu {
	uint8_t header[DCERPC_HEADER];
	uint32_t seen;		/* bytes of the PDU taken so far, header included */
	uint32_t len;		/* frag_length; 0: header not complete */
	struct http_bytes body; /* after the header, up to DCERPC_PDU_KEEP */
};

struct dcerpc_state {
	struct app_details details;
	struct dcerpc_pdu pdu[2];
	bool broken[2]; /* framing lost: the direction is no longer parsed */
	struct rule_dcerpc_meta meta;
	struct app_body_rules rules[2]; /* the transaction's, by direction */
	struct http_bytes stub[2];	/* the call's stub data, by direction */
	bool call_open;			/* a request is out and its response not complete */
	bool request_done;		/* its last fragment came */
	uint32_t call_id;
	/* the bind waiting for its ack: its contexts, in order */
	uint8_t bind_count;
	struct rule_dcerpc_iface bind[DCERPC_IFACES_MAX];
	uint16_t bind_minor[DCERPC_IFACES_MAX];
};

static struct dcerpc_details *dcerpc_details_of(struct dcerpc_state *s)
{
	return (struct dcerpc_details *)(void *)s->details.proto;
}

static uint16_t dcerpc_u16(const uint8_t *p, bool little)
{
	return little ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t dcerpc_u32(const uint8_t *p, bool little)
{
	return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			    (uint32_t)p[3] << 24
		      : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A UUID as the wire has it (its first three fields in the PDU's order) into text order. */
static void dcerpc_uuid(const uint8_t *wire, bool little, uint8_t out[16])
{
	memcpy(out, wire, 16);
	if (!little)
		return;
	static const uint8_t order[8] = {3, 2, 1, 0, 5, 4, 7, 6};
	for (int i = 0; i < 8; i++)
		out[i] = wire[order[i]];
}

static bool dcerpc_little(const uint8_t *header)
{
	return (header[4] & 0x10) != 0;
}

/* A unit of the transaction for dir, with its stub data when it has one. */
static void dcerpc_unit(struct dcerpc_state *s, enum app_direction dir, struct app_unit *unit)
{
	*unit = (struct app_unit){.details = &s->details, .repeat = true};
	unit->buffer[RULE_BUFFER_DCERPC_META] = (const uint8_t *)&s->meta;
	unit->buffer_len[RULE_BUFFER_DCERPC_META] = sizeof(s->meta);
	if (s->stub[dir].len || (s->meta.has_opnum && dir == APP_TO_SERVER) ||
	    dcerpc_details_of(s)->has_res) {
		/* an empty stub is still a buffer (bsize:0 holds), never a NULL pointer */
		static const uint8_t empty;
		unit->buffer[RULE_BUFFER_DCERPC_STUB_DATA] =
		    s->stub[dir].len ? s->stub[dir].data : &empty;
		unit->buffer_len[RULE_BUFFER_DCERPC_STUB_DATA] = s->stub[dir].len;
	}
	unit->window.buffers = app_parser_dcerpc.buffers;
	unit->window.rules = &s->rules[dir];
}

/* A new transaction: its details (the bound interfaces stay), stubs and rule lists start empty. */
static void dcerpc_transaction_begin(struct dcerpc_state *s, const uint8_t *header, uint8_t type)
{
	struct dcerpc_details *det = dcerpc_details_of(s);
	uint8_t count = det->iface_count;
	struct dcerpc_iface_details iface[DCERPC_IFACES_MAX];
	memcpy(iface, det->iface, sizeof(iface));
	memset(det, 0, sizeof(*det));
	det->iface_count = count;
	memcpy(det->iface, iface, sizeof(iface));
	det->request = (uint8_t)(type + 1);
	det->rpc_minor = header[1];
	det->call_id = dcerpc_u32(header + 12, dcerpc_little(header));
	s->call_id = det->call_id;
	s->meta.has_opnum = 0;
	s->meta.first_frag = 0;
	s->stub[0].len = s->stub[1].len = 0;
	for (int d = 0; d < 2; d++)
		s->rules[d].matched_count = s->rules[d].waiting_count = 0;
	s->call_open = true;
	s->request_done = false;
}

/* The transaction ends (its response, or none will come): its record, inspected toward dir. */
static void dcerpc_transaction_end(struct dcerpc_state *s, enum app_direction dir, app_emit_fn emit,
				   void *arg)
{
	struct app_unit unit;
	dcerpc_unit(s, dir, &unit);
	unit.repeat = false;
	s->call_open = false;
	emit(arg, &unit);
}

/* bind / alter_context: the contexts it offers, kept until the ack says which were accepted. */
static void dcerpc_bind(struct dcerpc_state *s, const uint8_t *h, const uint8_t *b, uint32_t n,
			app_emit_fn emit, void *arg)
{
	bool little = dcerpc_little(h);
	if (s->call_open)
		dcerpc_transaction_end(s, APP_TO_SERVER, emit, arg);
	dcerpc_transaction_begin(s, h, h[2]);
	s->bind_count = 0;
	/* a bind that does not say it is a first fragment binds nothing (as
	 * Suricata 8.0.5 reads it): its contexts could only be a fragment's */
	if (n < 12 || !(h[3] & DCERPC_PFC_FIRST))
		return;
	uint32_t contexts = b[8], off = 12;
	for (uint32_t i = 0; i < contexts && off + 24 <= n; i++) {
		uint8_t transfers = b[off + 2];
		if (s->bind_count < DCERPC_IFACES_MAX) {
			struct rule_dcerpc_iface *f = &s->bind[s->bind_count];
			f->context_id = dcerpc_u16(b + off, little);
			dcerpc_uuid(b + off + 4, little, f->uuid);
			f->version = dcerpc_u16(b + off + 20, little);
			f->accepted = 0;
			s->bind_minor[s->bind_count++] = dcerpc_u16(b + off + 22, little);
		}
		off += 24 + 20u * transfers;
	}
	struct app_unit unit;
	dcerpc_unit(s, APP_TO_SERVER, &unit);
	emit(arg, &unit);
}

/* The interfaces of the acked bind join the connection's (the oldest go when full). */
static void dcerpc_bind_keep(struct dcerpc_state *s, unsigned i, uint16_t result)
{
	struct dcerpc_details *det = dcerpc_details_of(s);
	struct rule_dcerpc_iface f = s->bind[i];
	f.accepted = result == 0;
	if (s->meta.iface_count == DCERPC_IFACES_MAX) {
		memmove(s->meta.iface, s->meta.iface + 1, sizeof(f) * (DCERPC_IFACES_MAX - 1));
		memmove(det->iface, det->iface + 1,
			sizeof(det->iface[0]) * (DCERPC_IFACES_MAX - 1));
		s->meta.iface_count--;
		det->iface_count--;
	}
	s->meta.iface[s->meta.iface_count++] = f;
	struct dcerpc_iface_details *d = &det->iface[det->iface_count++];
	memcpy(d->uuid, f.uuid, 16);
	d->major = f.version;
	d->minor = s->bind_minor[i];
	d->ack_result = result;
	d->acked = 1;
}

/* bind_ack / alter_context_resp: one result per context of the bind, in its order. */
static void dcerpc_bind_ack(struct dcerpc_state *s, const uint8_t *h, const uint8_t *b, uint32_t n,
			    app_emit_fn emit, void *arg)
{
	bool little = dcerpc_little(h);
	if (n < 10)
		return;
	uint32_t off = 10 + dcerpc_u16(b + 8, little); /* the secondary address */
	off = (off + 3) & ~3u;
	if (off + 4 <= n) {
		uint32_t results = b[off];
		off += 4;
		for (uint32_t i = 0; i < results && i < s->bind_count && off + 24 <= n; i++) {
			dcerpc_bind_keep(s, i, dcerpc_u16(b + off, little));
			off += 24;
		}
	}
	s->bind_count = 0;
	dcerpc_details_of(s)->response = (uint8_t)(h[2] + 1);
	if (s->call_open)
		dcerpc_transaction_end(s, APP_TO_CLIENT, emit, arg);
}

/* The stub of a request or response fragment: after its own header, before the auth trailer. */
static void dcerpc_stub_append(struct dcerpc_state *s, enum app_direction dir, const uint8_t *h,
			       const uint8_t *b, uint32_t kept, uint32_t skip)
{
	bool little = dcerpc_little(h);
	uint32_t len = dcerpc_u16(h + 8, little);
	uint32_t auth = dcerpc_u16(h + 10, little);
	uint32_t body = len - DCERPC_HEADER;
	uint32_t trailer = auth ? auth + 8 : 0;
	if (body < skip + trailer)
		return;
	uint32_t stub = body - skip - trailer;
	struct dcerpc_details *det = dcerpc_details_of(s);
	if (dir == APP_TO_SERVER)
		det->req_stub += stub;
	else
		det->res_stub += stub;
	if (skip >= kept)
		return;
	uint32_t have = kept - skip < stub ? kept - skip : stub;
	http_bytes_append(&s->stub[dir], b + skip, have, DCERPC_STUB_MAX);
}

static void dcerpc_request(struct dcerpc_state *s, const uint8_t *h, const uint8_t *b, uint32_t n,
			   app_emit_fn emit, void *arg)
{
	bool little = dcerpc_little(h);
	uint32_t call_id = dcerpc_u32(h + 12, little);
	bool first = h[3] & DCERPC_PFC_FIRST;
	if (n < 8)
		return;
	if (first || !s->call_open || s->request_done || call_id != s->call_id) {
		if (s->call_open)
			dcerpc_transaction_end(s, APP_TO_SERVER, emit, arg);
		dcerpc_transaction_begin(s, h, DCERPC_REQUEST);
		s->meta.first_frag = first;
		s->meta.has_opnum = 1;
		s->meta.context_id = dcerpc_u16(b + 4, little);
		s->meta.opnum = dcerpc_u16(b + 6, little);
		dcerpc_details_of(s)->opnum = s->meta.opnum;
		dcerpc_details_of(s)->has_req = 1;
	}
	s->meta.little = little;
	dcerpc_details_of(s)->req_frags++;
	dcerpc_stub_append(s, APP_TO_SERVER, h, b, n, h[3] & DCERPC_PFC_OBJECT ? 24 : 8);
	if (!(h[3] & DCERPC_PFC_LAST))
		return;
	s->request_done = true;
	struct app_unit unit;
	dcerpc_unit(s, APP_TO_SERVER, &unit);
	emit(arg, &unit);
}

static void dcerpc_response(struct dcerpc_state *s, const uint8_t *h, const uint8_t *b, uint32_t n,
			    app_emit_fn emit, void *arg)
{
	bool little = dcerpc_little(h);
	uint32_t call_id = dcerpc_u32(h + 12, little);
	if (!s->call_open || call_id != s->call_id) {
		/* a response to a call not seen (picked up mid-way): a transaction of its own */
		if (s->call_open)
			dcerpc_transaction_end(s, APP_TO_CLIENT, emit, arg);
		dcerpc_transaction_begin(s, h, DCERPC_REQUEST);
		dcerpc_details_of(s)->request = 0;
		s->request_done = true;
	}
	struct dcerpc_details *det = dcerpc_details_of(s);
	det->response = (uint8_t)(h[2] + 1);
	det->has_res = 1;
	det->res_frags++;
	s->meta.little = little;
	if (h[2] == DCERPC_RESPONSE)
		dcerpc_stub_append(s, APP_TO_CLIENT, h, b, n, 8);
	if (h[2] == DCERPC_RESPONSE && !(h[3] & DCERPC_PFC_LAST))
		return;
	dcerpc_transaction_end(s, APP_TO_CLIENT, emit, arg);
}

/* One whole PDU (its body kept up to DCERPC_PDU_KEEP bytes). */
static void dcerpc_pdu(struct dcerpc_state *s, enum app_direction dir, app_emit_fn emit, void *arg)
{
	struct dcerpc_pdu *p = &s->pdu[dir];
	const uint8_t *h = p->header, *b = p->body.data;
	uint32_t n = p->body.len;
	switch (h[2]) {
	case DCERPC_BIND:
	case DCERPC_ALTER:
		if (dir == APP_TO_SERVER)
			dcerpc_bind(s, h, b, n, emit, arg);
		break;
	case DCERPC_BINDACK:
	case DCERPC_ALTER_RESP:
	case DCERPC_BINDNAK:
		if (dir == APP_TO_CLIENT)
			dcerpc_bind_ack(s, h, b, n, emit, arg);
		break;
	case DCERPC_REQUEST:
		if (dir == APP_TO_SERVER)
			dcerpc_request(s, h, b, n, emit, arg);
		break;
	case DCERPC_RESPONSE:
	case DCERPC_FAULT:
		if (dir == APP_TO_CLIENT)
			dcerpc_response(s, h, b, n, emit, arg);
		break;
	default:
		break; /* auth3, shutdown, cancel: nothing a rule reads */
	}
}

/* A header that cannot start a PDU: the direction's framing is lost. */
static bool dcerpc_header_bad(const uint8_t *h)
{
	return h[0] != 5 || h[1] > 1 || dcerpc_u16(h + 8, dcerpc_little(h)) < DCERPC_HEADER;
}

static void dcerpc_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
			 app_emit_fn emit, void *arg)
{
	struct dcerpc_state *s = state;
	dir &= 1;
	struct dcerpc_pdu *p = &s->pdu[dir];
	if (!len) {
		if (dir == APP_TO_CLIENT && s->call_open)
			dcerpc_transaction_end(s, dir, emit, arg); /* the flow ends unanswered */
		return;
	}
	while (len && !s->broken[dir]) {
		if (p->seen < DCERPC_HEADER) {
			uint32_t take =
			    DCERPC_HEADER - p->seen < len ? DCERPC_HEADER - p->seen : len;
			memcpy(p->header + p->seen, data, take);
			p->seen += take;
			data += take;
			len -= take;
			if (p->seen < DCERPC_HEADER)
				break;
			if (dcerpc_header_bad(p->header)) {
				s->broken[dir] = true;
				struct app_unit unit = {.details = &s->details, .error = true};
				emit(arg, &unit);
				break;
			}
			p->len = dcerpc_u16(p->header + 8, dcerpc_little(p->header));
			p->body.len = 0;
		}
		uint32_t want = p->len - p->seen;
		uint32_t take = want < len ? want : len;
		http_bytes_append(&p->body, data, take, DCERPC_PDU_KEEP);
		p->seen += take;
		data += take;
		len -= take;
		if (p->seen < p->len)
			break;
		dcerpc_pdu(s, dir, emit, arg);
		p->seen = 0;
	}
}

/*
 * Version 5 (minor 0 or 1), a PDU type of the direction (toward the
 * server: bind, alter_context, request; toward the client: their answers)
 * and a fragment length no shorter than the header.
 */
static enum app_detect_result dcerpc_detect(const uint8_t *data, uint32_t len,
					    enum app_direction direction)
{
	if (!len)
		return APP_DETECT_NEED_MORE;
	if (data[0] != 5 || (len > 1 && data[1] > 1))
		return APP_DETECT_NO;
	if (len < 3)
		return APP_DETECT_NEED_MORE;
	uint8_t t = data[2];
	bool ok = direction == APP_TO_SERVER
		      ? t == DCERPC_BIND || t == DCERPC_ALTER || t == DCERPC_REQUEST
		      : t == DCERPC_BINDACK || t == DCERPC_BINDNAK || t == DCERPC_ALTER_RESP ||
			    t == DCERPC_RESPONSE || t == DCERPC_FAULT;
	if (!ok)
		return APP_DETECT_NO;
	if (len < 10)
		return APP_DETECT_NEED_MORE;
	return dcerpc_u16(data + 8, dcerpc_little(data)) >= DCERPC_HEADER ? APP_DETECT_YES
									  : APP_DETECT_NO;
}

static void *dcerpc_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct dcerpc_state));
}

static void dcerpc_destroy(void *state)
{
	struct dcerpc_state *s = state;
	if (!s)
		return;
	for (int d = 0; d < 2; d++) {
		http_bytes_free(&s->pdu[d].body);
		http_bytes_free(&s->stub[d]);
	}
	free(s);
}

static const char *dcerpc_ptype_name(uint8_t type_plus_one)
{
	switch (type_plus_one - 1) {
#define _(type, name)                                                                              \
	case type:                                                                                 \
		return name;
		foreach_dcerpc_ptype
#undef _
	}
	return "UNKNOWN";
}

/* EVE: ,"dcerpc":{"request":...,"response":...,"interfaces":[...],"req":{...},...}. */
static void dcerpc_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct dcerpc_details *det = (const struct dcerpc_details *)(const void *)d->proto;
	app_json_key(out, "dcerpc");
	app_json_begin(out, "{");
	if (!det->request && !det->response) {
		app_json_end(out, "}");
		return;
	}
	app_json_text(out, "request",
		      det->request ? dcerpc_ptype_name(det->request) : "REQUEST_LOST", 24);
	app_json_text(out, "response",
		      det->response ? dcerpc_ptype_name(det->response) : "UNREPLIED", 24);
	unsigned n = det->iface_count < DCERPC_IFACES_MAX ? det->iface_count : DCERPC_IFACES_MAX;
	for (unsigned i = 0; i < n; i++) {
		const struct dcerpc_iface_details *f = &det->iface[i];
		const uint8_t *u = f->uuid;
		char uuid[40], version[16];
		snprintf(uuid, sizeof(uuid),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
			 u[12], u[13], u[14], u[15]);
		snprintf(version, sizeof(version), "%u.%u", f->major, f->minor);
		if (i == 0) {
			app_json_key(out, "interfaces");
			app_json_begin(out, "[{");
		} else {
			app_json_put(out, "},{");
			out->first = true;
		}
		app_json_text(out, "uuid", uuid, sizeof(uuid));
		app_json_text(out, "version", version, sizeof(version));
		app_json_uint(out, "ack_result", f->ack_result);
	}
	if (n)
		app_json_end(out, "}]");
	if (det->has_req) {
		app_json_key(out, "req");
		app_json_begin(out, "{");
		app_json_uint(out, "opnum", det->opnum);
		app_json_uint(out, "frag_cnt", det->req_frags);
		app_json_uint(out, "stub_data_size", det->req_stub);
		app_json_end(out, "}");
	}
	if (det->has_res) {
		app_json_key(out, "res");
		app_json_begin(out, "{");
		app_json_uint(out, "frag_cnt", det->res_frags);
		app_json_uint(out, "stub_data_size", det->res_stub);
		app_json_end(out, "}");
	}
	app_json_uint(out, "call_id", det->call_id);
	char rpc[8];
	snprintf(rpc, sizeof(rpc), "5.%u", det->rpc_minor & 1);
	app_json_text(out, "rpc_version", rpc, sizeof(rpc));
	app_json_end(out, "}");
}

const struct app_parser app_parser_dcerpc = {
    .name = "dcerpc",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_DCERPC,
    .tcp = true,
    .udp = false,
    .buffers = APP_BUFFER(DCERPC_STUB_DATA) | APP_BUFFER(DCERPC_META),
    .detect = dcerpc_detect,
    .create = dcerpc_create,
    .destroy = dcerpc_destroy,
    .parse = dcerpc_parse,
    .eve_details = dcerpc_eve_details,
};
