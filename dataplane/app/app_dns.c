/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS parser, over UDP (one message per datagram) and TCP (a 2-byte
 * length before each message, RFC 1035 4.2.2, reassembled across segments
 * here). Found by content, never by port: a header whose counts and
 * opcode are plausible, whose QR bit fits the direction, followed by a
 * question that parses. Each question of a query becomes one unit with
 * dns.query (the name in dotted form without the trailing dot, as
 * Suricata) and the details rrname/rrtype; a response becomes one unit
 * with the details of its first question and no dns.query buffer, since
 * Suricata's dns.query looks at requests only. The questions and the
 * answer, authority and additional records are kept for EVE (struct
 * dns_details) as far as they fit, each record's data in the form Suricata
 * logs it; each message is a transaction of its own, numbered in the flow
 * (tx_id), as in Suricata 8.
 *
 * For the rules, every name is also kept (bounded by DNS_NAMES_MAX and
 * DNS_ARENA_MAX) in the multi-buffers Suricata has: dns.queries.rrname
 * (questions of requests and responses), dns.answers.rrname,
 * dns.authorities.rrname, dns.additionals.rrname and dns.response.rrname
 * (every name of a response: questions, records and the names inside
 * NS, CNAME, PTR, MX, SOA and SRV data). Unit i of a message carries name
 * i of each list, so a content on a multi-buffer holds when one instance
 * holds it, and every unit carries dns.meta (header flags and rrtypes, for
 * dns.opcode, dns.rcode and dns.rrtype), so a rule may test the header
 * with any instance. The units of one
 * message are one transaction: they share a list of the rules that
 * matched (struct app_body_rules, given as a window from byte 0 that never
 * grows), so a rule alerts once per message, as Suricata alerts once per
 * transaction, however many of its names hold the content.
 *
 * Names follow compression pointers (RFC 1035 4.1.4) only backwards from
 * where they are read and at most DNS_POINTERS_MAX times, so a pointer loop
 * ends; a name longer than 255 bytes is malformed. A message that does not
 * parse is skipped. app.h gives parse() no transport, so the first bytes
 * decide once per flow (dns_transport_guess()).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_event.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"

#define DNS_HEADER_LEN	    12
#define DNS_NAME_MAX	    255 /* RFC 1035 2.3.4, wire form */
#define DNS_POINTERS_MAX    64
#define DNS_QUESTIONS_MAX   16
#define DNS_RECORDS_MAX	    512	  /* per section, for the plausibility check */
#define DNS_TCP_MESSAGE_MAX 16384 /* kept of a TCP message: the questions are at its start */
#define DNS_NAMES_MAX	    64	  /* instances kept of each name list of one message */
#define DNS_ARENA_MAX	    8192  /* bytes of names kept of one message, for the rules */
#define DNS_RRTYPES_MAX	    64	  /* rrtypes kept in dns.meta */

enum dns_transport {
	DNS_UNDECIDED,
	DNS_UDP,
	DNS_TCP,
};

/* One direction of a TCP flow: the length prefix, then the message (its first bytes kept). */
struct dns_tcp_direction {
	uint8_t prefix[2];
	uint8_t prefix_len;
	uint32_t message_len;
	uint32_t message_seen;
	uint8_t message[DNS_TCP_MESSAGE_MAX];
};

/*
 * EVE's dns object, in struct app_details.proto of every DNS unit: the
 * message's header and its records as Suricata logs them, packed in
 * records[] one after the other (struct dns_logged_record, the owner name,
 * then the data in its logged form, see dns_rdata_logged()). Questions are
 * records of section DNS_QUESTION with no data. A record that does not fit
 * is left out with those after it (records_cut).
 */
#define DNS_DETAILS_RECORDS 1900
struct dns_details {
	uint64_t tx_id;	    /* messages of the flow before this one (Suricata 8: one each) */
	uint16_t id, flags; /* the message's header */
	uint16_t used;	    /* bytes of records[] */
	bool records_cut;
	uint8_t records[DNS_DETAILS_RECORDS];
};
APP_DETAILS_FITS(struct dns_details);

enum dns_section { DNS_QUESTION, DNS_ANSWER, DNS_AUTHORITY, DNS_ADDITIONAL };

/* The fixed start of a record in dns_details.records (unaligned, read byte by byte). */
struct dns_logged_record {
	uint8_t section;
	uint8_t type[2], ttl[4];
	uint8_t name_len;
	uint8_t data_len[2];
};

struct dns_state {
	struct app_details details;
	enum dns_transport transport;
	/* Only TCP flows need reassembly, and most DNS flows are single UDP
	 * exchanges: the buffers are allocated on the first TCP bytes. */
	struct dns_tcp_direction *tcp;
	struct app_body_rules message_rules; /* rules matched on the message being emitted */
	uint64_t messages;		     /* parsed so far in the flow: the next tx_id */
};

struct dns_header {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

static uint16_t dns_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void dns_header_read(const uint8_t *p, struct dns_header *h)
{
	h->id = dns_be16(p);
	h->flags = dns_be16(p + 2);
	h->qdcount = dns_be16(p + 4);
	h->ancount = dns_be16(p + 6);
	h->nscount = dns_be16(p + 8);
	h->arcount = dns_be16(p + 10);
}

#define DNS_FLAG_QR   0x8000
#define DNS_FLAG_Z    0x0040
#define DNS_OPCODE(f) (((f) >> 11) & 0xf)

/* Counts and opcode a real message has (opcode 0..5: query to DSO, 3 unassigned but harmless). */
static bool dns_header_plausible(const struct dns_header *h)
{
	return h->qdcount >= 1 && h->qdcount <= DNS_QUESTIONS_MAX && DNS_OPCODE(h->flags) <= 5 &&
	       h->ancount <= DNS_RECORDS_MAX && h->nscount <= DNS_RECORDS_MAX &&
	       h->arcount <= DNS_RECORDS_MAX;
}

/*
 * Read the name at *off in msg[0..len) into text (dotted, no trailing dot,
 * NUL-terminated; "" for the root). *off moves past the name as written
 * (a pointer ends it). Returns false on truncation, a bad label type, a
 * pointer that does not go backwards, too many pointers, or a name over
 * 255 bytes.
 */
static bool dns_name_read(const uint8_t *msg, uint32_t len, uint32_t *off, char *text,
			  uint32_t *text_len)
{
	uint32_t pos = *off, wire = 0, out = 0, pointers = 0, lowest = *off;
	bool jumped = false;

	for (;;) {
		if (pos >= len)
			return false;
		uint8_t label = msg[pos];
		if ((label & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++pointers > DNS_POINTERS_MAX)
				return false;
			uint32_t target = (uint32_t)(label & 0x3f) << 8 | msg[pos + 1];
			/* strictly backwards from everything read so far: no loop can form */
			if (target >= lowest)
				return false;
			if (!jumped)
				*off = pos + 2;
			jumped = true;
			pos = lowest = target;
			continue;
		}
		if (label & 0xc0)
			return false; /* 0x40 extended labels and 0x80 are obsolete */
		wire += label + 1u;
		if (wire > DNS_NAME_MAX)
			return false;
		if (label == 0) {
			if (!jumped)
				*off = pos + 1;
			text[out] = '\0';
			*text_len = out;
			return true;
		}
		if (label > len - pos - 1)
			return false;
		if (out)
			text[out++] = '.';
		memcpy(text + out, msg + pos + 1, label);
		out += label;
		pos += 1u + label;
	}
}

/* One name list of a message (a multi-buffer): offsets into the message's name arena. */
struct dns_name_list {
	uint16_t off[DNS_NAMES_MAX], len[DNS_NAMES_MAX];
	uint32_t count;
};

/*
 * The names of one message, for the rules. Lives on the worker's stack for
 * one message; the arena holds each name once, the lists refer to it.
 */
struct dns_names {
	char arena[DNS_ARENA_MAX];
	uint32_t used;
	struct dns_name_list queries, answers, authorities, additionals, response;
	uint8_t meta[2 + 2 * DNS_RRTYPES_MAX]; /* dns.meta: flags, then rrtypes */
	uint32_t meta_len;
};

/* Keep name (a dotted text) in the arena; its index there, or -1 when full. */
static int32_t dns_names_keep(struct dns_names *n, const char *name, uint32_t len)
{
	if (len > DNS_ARENA_MAX - n->used)
		return -1;
	memcpy(n->arena + n->used, name, len);
	n->used += len;
	return (int32_t)(n->used - len);
}

static void dns_list_add(struct dns_name_list *l, int32_t off, uint32_t len)
{
	if (off < 0 || l->count >= DNS_NAMES_MAX)
		return;
	l->off[l->count] = (uint16_t)off;
	l->len[l->count++] = (uint16_t)len;
}

static void dns_meta_rrtype(struct dns_names *n, uint16_t type)
{
	if (n->meta_len + 2 > sizeof(n->meta))
		return;
	n->meta[n->meta_len++] = (uint8_t)(type >> 8);
	n->meta[n->meta_len++] = (uint8_t)type;
}

/* The bytes of rdata before a name, for the types whose data holds names (-1: none). */
static int dns_rdata_name_at(uint16_t type)
{
	switch (type) {
	case 2:	 /* NS */
	case 5:	 /* CNAME */
	case 6:	 /* SOA: mname, then rname (read after it) */
	case 12: /* PTR */
		return 0;
	case 15: /* MX: preference */
		return 2;
	case 33: /* SRV: priority, weight, port */
		return 6;
	default:
		return -1;
	}
}

/* Keep a name read at *off of msg in the response list (names inside rdata). */
static bool dns_rdata_name(const uint8_t *msg, uint32_t end, uint32_t *off, struct dns_names *n)
{
	char name[DNS_NAME_MAX + 1];
	uint32_t name_len;

	if (!dns_name_read(msg, end, off, name, &name_len))
		return false;
	dns_list_add(&n->response, dns_names_keep(n, name, name_len), name_len);
	return true;
}

#define DNS_RDATA_LOGGED_MAX 600 /* SOA: two names and five numbers */

/* Append n bytes of p to the details' records; false when they do not fit. */
static bool dns_details_put(struct dns_details *det, const void *p, uint32_t n)
{
	if (!n)
		return true;
	if (n > sizeof(det->records) - det->used)
		return false;
	memcpy(det->records + det->used, p, n);
	det->used = (uint16_t)(det->used + n);
	return true;
}

/* Append a name, its length first (dotted text is at most 254 bytes). */
static bool dns_details_put_name(uint8_t *out, uint32_t *len, uint32_t max, const char *name,
				 uint32_t name_len)
{
	if (name_len > UINT8_MAX || 1 + name_len > max - *len)
		return false;
	out[(*len)++] = (uint8_t)name_len;
	memcpy(out + *len, name, name_len);
	*len += name_len;
	return true;
}

/*
 * The data of one record as Suricata logs it, into out (DNS_RDATA_LOGGED_MAX
 * bytes): the address of an A or AAAA as it is; the dotted name of a CNAME,
 * NS, PTR or MX (after its preference); a SOA's names (each after its
 * length) then its five numbers as on the wire; a SRV's priority, weight
 * and port then its target; a TXT's first string; a NULL's or SSHFP's data
 * as it is (what fits). Other types, and data that does not parse, log
 * nothing (*out_len 0). msg[0..end) is the message up to the data's end,
 * so names may point back into it.
 */
static void dns_rdata_logged(const uint8_t *msg, uint32_t off, uint32_t end, uint16_t type,
			     uint8_t *out, uint32_t *out_len)
{
	char name[DNS_NAME_MAX + 1];
	uint32_t name_len, len = 0;
	uint32_t rdlength = end - off;

	*out_len = 0;
	switch (type) {
	case 1:	 /* A */
	case 28: /* AAAA */
	case 10: /* NULL */
	case 44: /* SSHFP */
		len = rdlength < DNS_RDATA_LOGGED_MAX ? rdlength : DNS_RDATA_LOGGED_MAX;
		memcpy(out, msg + off, len);
		break;
	case 16: /* TXT: a length, then the string */
		if (!rdlength || msg[off] > rdlength - 1)
			return;
		len = msg[off];
		memcpy(out, msg + off + 1, len);
		break;
	case 15: /* MX */
	case 2:	 /* NS */
	case 5:	 /* CNAME */
	case 12: /* PTR */
		off += type == 15 ? 2 : 0;
		if (off >= end || !dns_name_read(msg, end, &off, name, &name_len))
			return;
		len = name_len;
		memcpy(out, name, name_len);
		break;
	case 6: /* SOA */
		for (int i = 0; i < 2; i++)
			if (!dns_name_read(msg, end, &off, name, &name_len) ||
			    !dns_details_put_name(out, &len, DNS_RDATA_LOGGED_MAX, name, name_len))
				return;
		if (end - off < 20 || len + 20 > DNS_RDATA_LOGGED_MAX)
			return;
		memcpy(out + len, msg + off, 20);
		len += 20;
		break;
	case 33: /* SRV */
		if (rdlength < 6)
			return;
		memcpy(out, msg + off, 6);
		off += 6;
		if (!dns_name_read(msg, end, &off, name, &name_len))
			return;
		memcpy(out + 6, name, name_len);
		len = 6 + name_len;
		break;
	default:
		return;
	}
	*out_len = len;
}

/*
 * Keep one record (or question: no data) in the details for EVE; a record
 * that does not fit is left out, and so are those after it.
 */
static void dns_details_record(struct dns_details *det, enum dns_section sec, uint16_t type,
			       uint32_t ttl, const char *name, uint32_t name_len,
			       const uint8_t *data, uint32_t data_len)
{
	struct dns_logged_record r = {
	    .section = (uint8_t)sec,
	    .type = {(uint8_t)(type >> 8), (uint8_t)type},
	    .ttl = {(uint8_t)(ttl >> 24), (uint8_t)(ttl >> 16), (uint8_t)(ttl >> 8), (uint8_t)ttl},
	    .name_len = (uint8_t)name_len,
	    .data_len = {(uint8_t)(data_len >> 8), (uint8_t)data_len},
	};
	uint16_t start = det->used;

	if (det->records_cut || name_len > UINT8_MAX)
		goto cut;
	if (dns_details_put(det, &r, sizeof(r)) && dns_details_put(det, name, name_len) &&
	    dns_details_put(det, data, data_len))
		return;
cut:
	det->used = start;
	det->records_cut = true;
}

/*
 * Walk one resource record; false when it runs past the message. Its
 * rrname goes to its section's list and, in a response, to the response
 * list, with the names its data holds; the record goes to the details.
 */
static bool dns_record_read(const uint8_t *msg, uint32_t len, uint32_t *off, enum dns_section sec,
			    bool response, struct dns_names *n, struct dns_details *det)
{
	char name[DNS_NAME_MAX + 1];
	uint32_t name_len;
	uint8_t data[DNS_RDATA_LOGGED_MAX];
	uint32_t data_len;

	if (!dns_name_read(msg, len, off, name, &name_len))
		return false;
	if (len - *off < 10)
		return false; /* type, class, ttl, rdlength */
	uint16_t type = dns_be16(msg + *off);
	uint32_t ttl = (uint32_t)dns_be16(msg + *off + 4) << 16 | dns_be16(msg + *off + 6);
	uint32_t rdlength = dns_be16(msg + *off + 8);
	*off += 10;
	if (len - *off < rdlength)
		return false;
	int32_t kept = dns_names_keep(n, name, name_len);
	struct dns_name_list *list = sec == DNS_ANSWER	    ? &n->answers
				     : sec == DNS_AUTHORITY ? &n->authorities
							    : &n->additionals;
	dns_list_add(list, kept, name_len);
	if (sec == DNS_ANSWER)
		dns_meta_rrtype(n, type);
	int at = dns_rdata_name_at(type);
	uint32_t end = *off + rdlength;
	if (response) {
		dns_list_add(&n->response, kept, name_len);
		/* names inside the data; a malformed one only ends the look inside */
		uint32_t data_off = *off + (uint32_t)(at > 0 ? at : 0);
		if (at >= 0 && data_off < end && dns_rdata_name(msg, end, &data_off, n) &&
		    type == 6)
			dns_rdata_name(msg, end, &data_off, n);
	}
	dns_rdata_logged(msg, *off, end, type, data, &data_len);
	dns_details_record(det, sec, type, ttl, name, name_len, data, data_len);
	*off = end;
	return true;
}

/* Point unit at instance i of list l as buffer b (when there is one). */
static void dns_unit_name(struct app_unit *unit, const struct dns_names *n,
			  const struct dns_name_list *l, uint32_t i, int b)
{
	if (i >= l->count)
		return;
	unit->buffer[b] = (const uint8_t *)n->arena + l->off[i];
	unit->buffer_len[b] = l->len[i];
}

static uint32_t dns_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* What the header says is wrong with a message: the Z bit (reserved, RFC 1035 4.1.1)
 * set, or a query toward the client or a response toward the server. */
static void dns_message_events(const struct dns_header *h, enum app_direction dir,
			       struct app_events *events)
{
	if (h->flags & DNS_FLAG_Z)
		app_events_add(events, RULE_APP_EVENT_DNS_Z_FLAG_SET);
	bool query = !(h->flags & DNS_FLAG_QR);
	if (query && dir == APP_TO_CLIENT)
		app_events_add(events, RULE_APP_EVENT_DNS_NOT_A_RESPONSE);
	if (!query && dir == APP_TO_SERVER)
		app_events_add(events, RULE_APP_EVENT_DNS_NOT_A_REQUEST);
}

/*
 * Parse one whole message (or the kept start of a long TCP one: truncated
 * then forgives records cut at the end) and emit its units.
 */
static void dns_message(struct dns_state *s, enum app_direction dir, const uint8_t *msg,
			uint32_t len, bool truncated, app_emit_fn emit, void *arg)
{
	struct dns_header h;
	struct dns_names n;
	char name[DNS_NAME_MAX + 1];
	uint32_t off = DNS_HEADER_LEN;

	if (len < DNS_HEADER_LEN)
		return;
	dns_header_read(msg, &h);
	if (!dns_header_plausible(&h))
		return;
	bool query = !(h.flags & DNS_FLAG_QR);
	n.used = 0;
	n.queries.count = n.answers.count = n.authorities.count = n.additionals.count = 0;
	n.response.count = 0;
	n.meta[0] = (uint8_t)(h.flags >> 8);
	n.meta[1] = (uint8_t)h.flags;
	n.meta_len = 2;
	struct dns_details *det = (struct dns_details *)(void *)s->details.proto;
	det->id = h.id;
	det->flags = h.flags;
	det->used = 0;
	det->records_cut = false;
	for (uint32_t i = 0; i < h.qdcount; i++) {
		uint32_t name_len;
		if (!dns_name_read(msg, len, &off, name, &name_len) || len - off < 4)
			return;
		uint16_t type = dns_be16(msg + off);
		off += 4;
		int32_t kept = dns_names_keep(&n, name, name_len);
		dns_list_add(&n.queries, kept, name_len);
		if (!query)
			dns_list_add(&n.response, kept, name_len);
		dns_meta_rrtype(&n, type);
		dns_details_record(det, DNS_QUESTION, type, 0, name, name_len, NULL, 0);
	}
	/* Suricata 8 makes each message a transaction of its own, numbered in the flow */
	det->tx_id = s->messages++;
	struct app_events events = {.count = 0};
	dns_message_events(&h, dir, &events);
	static const enum dns_section sections[3] = {DNS_ANSWER, DNS_AUTHORITY, DNS_ADDITIONAL};
	/* a record that does not parse: Suricata's event for its section, and the
	 * message is still handed over with what came before it */
	static const enum rule_app_event broken[3] = {RULE_APP_EVENT_DNS_MALFORMED_DATA,
						      RULE_APP_EVENT_DNS_INVALID_AUTHORITIES,
						      RULE_APP_EVENT_DNS_INVALID_ADDITIONALS};
	const uint32_t counts[3] = {h.ancount, h.nscount, h.arcount};
	for (int sec = 0; sec < 3; sec++)
		for (uint32_t i = 0; i < counts[sec]; i++) {
			if (dns_record_read(msg, len, &off, sections[sec], !query, &n, det))
				continue;
			if (!truncated)
				app_events_add(&events, broken[sec]);
			sec = 3; /* the kept start of a long message ends mid-record */
			break;
		}

	bool request = query && dir == APP_TO_SERVER;
	uint32_t units = request ? h.qdcount : 1;
	units = dns_max(units, dns_max(n.queries.count, n.answers.count));
	units = dns_max(units, dns_max(n.authorities.count, n.additionals.count));
	units = dns_max(units, n.response.count);
	s->message_rules.matched_count = s->message_rules.waiting_count = 0;
	s->message_rules.partial_count = 0;
	for (uint32_t i = 0; i < units; i++) {
		struct app_unit unit = {.details = &s->details};
		unit.window.buffers = app_parser_dns.buffers;
		unit.window.rules = &s->message_rules;
		/* one message, one record: the other units repeat it with other names */
		unit.repeat = i > 0;
		unit.buffer[RULE_BUFFER_DNS_META] = n.meta;
		unit.buffer_len[RULE_BUFFER_DNS_META] = n.meta_len;
		if (i == 0)
			app_events_attach(&unit, &events);
		if (request)
			dns_unit_name(&unit, &n, &n.queries, i, RULE_BUFFER_DNS_QUERY);
		dns_unit_name(&unit, &n, &n.queries, i, RULE_BUFFER_DNS_QUERIES_RRNAME);
		dns_unit_name(&unit, &n, &n.answers, i, RULE_BUFFER_DNS_ANSWERS_RRNAME);
		dns_unit_name(&unit, &n, &n.authorities, i, RULE_BUFFER_DNS_AUTHORITIES_RRNAME);
		dns_unit_name(&unit, &n, &n.additionals, i, RULE_BUFFER_DNS_ADDITIONALS_RRNAME);
		dns_unit_name(&unit, &n, &n.response, i, RULE_BUFFER_DNS_RESPONSE_RRNAME);
		emit(arg, &unit);
	}
}

/*
 * The message at data looks like DNS for this direction: header, QR bit,
 * first question with a known class. whole: data is the entire message;
 * otherwise a question cut by the end of data asks for more.
 */
static enum app_detect_result dns_message_plausible(const uint8_t *data, uint32_t len,
						    enum app_direction dir, bool whole)
{
	struct dns_header h;
	char name[DNS_NAME_MAX + 1];
	uint32_t name_len, off = DNS_HEADER_LEN;

	if (len < DNS_HEADER_LEN)
		return whole ? APP_DETECT_NO : APP_DETECT_NEED_MORE;
	dns_header_read(data, &h);
	if (!dns_header_plausible(&h))
		return APP_DETECT_NO;
	if (!!(h.flags & DNS_FLAG_QR) != (dir == APP_TO_CLIENT))
		return APP_DETECT_NO;
	if (!dns_name_read(data, len, &off, name, &name_len) || len - off < 4)
		return whole ? APP_DETECT_NO : APP_DETECT_NEED_MORE;
	uint16_t qclass = dns_be16(data + off + 2) & 0x7fff; /* mDNS uses the top bit */
	if (qclass == 1 || qclass == 3 || qclass == 4 || qclass == 254 || qclass == 255)
		return APP_DETECT_YES;
	return APP_DETECT_NO;
}

/*
 * Detection sees UDP datagrams and the start of TCP streams alike, so both
 * forms are tried: a message at offset 0, or a length prefix then a
 * message. A plausible length prefix with too few bytes behind it asks for
 * more.
 */
static enum app_detect_result dns_detect(const uint8_t *data, uint32_t len,
					 enum app_direction direction)
{
	if (dns_message_plausible(data, len, direction, true) == APP_DETECT_YES)
		return APP_DETECT_YES;
	if (len < 2)
		return APP_DETECT_NEED_MORE;
	uint32_t prefix = dns_be16(data);
	if (prefix < DNS_HEADER_LEN + 5)
		return APP_DETECT_NO; /* a header and the shortest question */
	uint32_t avail = len - 2 < prefix ? len - 2 : prefix;
	return dns_message_plausible(data + 2, avail, direction, avail == prefix);
}

/*
 * The first bytes the parser gets decide the transport for the flow. A
 * length prefix that matches the bytes exactly and is followed by a
 * plausible header means TCP (a UDP message whose ID happens to equal its
 * length minus two and whose next ten bytes also pass as a header is
 * vanishingly rare); a plausible message at offset 0 means UDP; fewer
 * bytes than the shortest UDP message with a question (a TCP stream cut
 * early), or a plausible prefix and header, mean TCP.
 */
static enum dns_transport dns_transport_guess(const uint8_t *data, uint32_t len,
					      enum app_direction dir)
{
	struct dns_header h;

	if (len >= 2 + DNS_HEADER_LEN && dns_be16(data) == len - 2) {
		dns_header_read(data + 2, &h);
		if (dns_header_plausible(&h))
			return DNS_TCP;
	}
	if (dns_message_plausible(data, len, dir, true) == APP_DETECT_YES)
		return DNS_UDP;
	if (len < DNS_HEADER_LEN + 5)
		return DNS_TCP;
	dns_header_read(data + 2, &h);
	return dns_be16(data) >= DNS_HEADER_LEN && dns_header_plausible(&h) ? DNS_TCP : DNS_UDP;
}

static void dns_tcp_bytes(struct dns_state *s, enum app_direction dir, const uint8_t *data,
			  uint32_t len, app_emit_fn emit, void *arg)
{
	struct dns_tcp_direction *d = &s->tcp[dir];

	while (len) {
		if (d->prefix_len < 2) {
			if (!app_prefix_gather(d->prefix, 2, &d->prefix_len, &data, &len))
				continue;
			d->message_len = dns_be16(d->prefix);
			d->message_seen = 0;
		}
		if (!app_message_take(d->message, DNS_TCP_MESSAGE_MAX, d->message_len,
				      &d->message_seen, &data, &len))
			continue;
		d->prefix_len = 0;
		bool truncated = d->message_len > DNS_TCP_MESSAGE_MAX;
		dns_message(s, dir, d->message, truncated ? DNS_TCP_MESSAGE_MAX : d->message_len,
			    truncated, emit, arg);
	}
}

static void dns_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	struct dns_state *s = state;

	dir &= 1;
	if (!len)
		return;
	if (s->transport == DNS_UNDECIDED) {
		s->transport = dns_transport_guess(data, len, dir);
		/* once per flow, like create(): the fast path allocates nothing per packet */
		if (s->transport == DNS_TCP && !(s->tcp = calloc(2, sizeof(*s->tcp))))
			s->transport = DNS_UDP; /* out of memory: datagram view, harmless */
	}
	if (s->transport == DNS_TCP)
		dns_tcp_bytes(s, dir, data, len, emit, arg);
	else
		dns_message(s, dir, data, len, false, emit, arg);
}

static void *dns_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct dns_state));
}

static void dns_destroy(void *state)
{
	struct dns_state *s = state;

	if (!s)
		return;
	free(s->tcp);
	free(s);
}

/* Record types by the names Suricata logs (its spellings, "NSAPPT" and "CDSNKEY" included). */
static const struct {
	uint16_t type;
	const char *name;
} dns_type_names[] = {
    {1, "A"},	   {2, "NS"},	     {3, "ND"},		 {4, "MF"},	{5, "CNAME"},
    {6, "SOA"},	   {7, "MB"},	     {8, "MG"},		 {9, "MR"},	{10, "NULL"},
    {11, "WKS"},   {12, "PTR"},	     {13, "HINFO"},	 {14, "MINFO"}, {15, "MX"},
    {16, "TXT"},   {17, "RP"},	     {18, "AFSDB"},	 {19, "X25"},	{20, "ISDN"},
    {21, "RT"},	   {22, "NSAP"},     {23, "NSAPPT"},	 {24, "SIG"},	{25, "KEY"},
    {26, "PX"},	   {27, "GPOS"},     {28, "AAAA"},	 {29, "LOC"},	{30, "NXT"},
    {33, "SRV"},   {34, "ATMA"},     {35, "NAPTR"},	 {36, "KX"},	{37, "CERT"},
    {38, "A6"},	   {39, "DNAME"},    {41, "OPT"},	 {42, "APL"},	{43, "DS"},
    {44, "SSHFP"}, {45, "IPSECKEY"}, {46, "RRSIG"},	 {47, "NSEC"},	{48, "DNSKEY"},
    {49, "DHCID"}, {50, "NSEC3"},    {51, "NSEC3PARAM"}, {52, "TLSA"},	{55, "HIP"},
    {59, "CDS"},   {60, "CDSNKEY"},  {65, "HTTPS"},	 {99, "SPF"},	{249, "TKEY"},
    {250, "TSIG"}, {254, "MAILA"},   {255, "ANY"},	 {256, "URI"},
};

/* A record type as EVE writes it: its name, or its number for a type without one. */
static void dns_json_type(struct app_json *out, uint16_t type)
{
	for (size_t i = 0; i < sizeof(dns_type_names) / sizeof(dns_type_names[0]); i++)
		if (dns_type_names[i].type == type) {
			app_json_string(out, dns_type_names[i].name);
			return;
		}
	app_json_put(out, "\"%u\"", type);
}

/* RFC 1035's response codes by Suricata's names (the header's four bits). */
static void dns_json_rcode(struct app_json *out, unsigned rcode)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE"};
	if (rcode < sizeof(names) / sizeof(names[0]))
		app_json_string(out, names[rcode]);
	else
		app_json_put(out, "\"%u\"", rcode);
}

/* One kept record of dns_details.records, unpacked. */
struct dns_record_view {
	enum dns_section section;
	uint16_t type;
	uint32_t ttl;
	const uint8_t *name, *data;
	uint32_t name_len, data_len;
};

/* The record at *pos of det (moving *pos past it); false at the end. */
static bool dns_record_next(const struct dns_details *det, uint32_t *pos, struct dns_record_view *v)
{
	struct dns_logged_record r;
	uint32_t used = det->used < sizeof(det->records) ? det->used : sizeof(det->records);

	if (*pos + sizeof(r) > used)
		return false;
	memcpy(&r, det->records + *pos, sizeof(r));
	v->section = (enum dns_section)r.section;
	v->type = dns_be16(r.type);
	v->ttl = (uint32_t)dns_be16(r.ttl) << 16 | dns_be16(r.ttl + 2);
	v->name_len = r.name_len;
	v->data_len = dns_be16(r.data_len);
	if (v->name_len + v->data_len > used - *pos - sizeof(r))
		return false;
	v->name = det->records + *pos + sizeof(r);
	v->data = v->name + v->name_len;
	*pos += (uint32_t)sizeof(r) + v->name_len + v->data_len;
	return true;
}

static uint32_t dns_u32(const uint8_t *p)
{
	return (uint32_t)dns_be16(p) << 16 | dns_be16(p + 2);
}

/* An address as Suricata prints one: dotted IPv4, IPv6 as eight groups of four hex digits. */
static void dns_json_address(struct app_json *out, const uint8_t *a, uint32_t len)
{
	if (len == 4) {
		app_json_put(out, "\"%u.%u.%u.%u\"", a[0], a[1], a[2], a[3]);
		return;
	}
	app_json_put(out, "\"");
	for (uint32_t i = 0; len == 16 && i < 16; i += 2)
		app_json_put(out, "%s%02x%02x", i ? ":" : "", a[i], a[i + 1]);
	app_json_put(out, "\"");
}

/* A SOA's, SRV's or SSHFP's data as its object ("{...}"), once dns_rdata_key() has its key. */
static void dns_json_rdata_object(struct app_json *out, const struct dns_record_view *v)
{
	const uint8_t *d = v->data;

	if (v->type == 6) {
		uint32_t m = d[0], r = d[1 + m];
		app_json_begin(out, "{");
		app_json_key(out, "mname");
		app_json_bytes(out, d + 1, m);
		app_json_key(out, "rname");
		app_json_bytes(out, d + 2 + m, r);
		static const char *const numbers[] = {"serial", "refresh", "retry", "expire",
						      "minimum"};
		for (uint32_t i = 0; i < 5; i++)
			app_json_uint(out, numbers[i], dns_u32(d + 2 + m + r + 4 * i));
		app_json_end(out, "}");
		return;
	}
	if (v->type == 33) {
		app_json_begin(out, "{");
		app_json_uint(out, "priority", dns_be16(d));
		app_json_uint(out, "weight", dns_be16(d + 2));
		app_json_uint(out, "port", dns_be16(d + 4));
		app_json_key(out, "name");
		app_json_bytes(out, d + 6, v->data_len - 6);
		app_json_end(out, "}");
		return;
	}
	app_json_begin(out, "{");
	app_json_key(out, "fingerprint"); /* SSHFP: algorithm, type, then the fingerprint */
	app_json_put(out, "\"");
	for (uint32_t i = 2; i < v->data_len; i++)
		app_json_put(out, "%s%02x", i > 2 ? ":" : "", d[i]);
	app_json_put(out, "\"");
	app_json_uint(out, "algo", d[0]);
	app_json_uint(out, "type", d[1]);
	app_json_end(out, "}");
}

/* A SOA's logged data holds its two names and five numbers, nothing more. */
static bool dns_soa_whole(const struct dns_record_view *v)
{
	if (v->data_len < 2 || v->data[0] + 2u > v->data_len)
		return false;
	uint32_t m = v->data[0], r = v->data[1 + m];
	return v->data_len == 2 + m + r + 20;
}

/* The key a record's data goes under ("rdata", "soa", "srv", "sshfp"), NULL for none. */
static const char *dns_rdata_key(const struct dns_record_view *v)
{
	switch (v->type) {
	case 1:
	case 28:
	case 2:
	case 5:
	case 10:
	case 12:
	case 15:
	case 16:
		return "rdata";
	case 6:
		return dns_soa_whole(v) ? "soa" : NULL;
	case 33:
		return v->data_len >= 6 ? "srv" : NULL;
	case 44:
		return v->data_len >= 2 ? "sshfp" : NULL;
	default:
		return NULL;
	}
}

/* A record's data as its value (a string or an object). */
static void dns_json_rdata(struct app_json *out, const struct dns_record_view *v)
{
	if (v->type == 1 || v->type == 28)
		dns_json_address(out, v->data, v->data_len);
	else if (v->type == 6 || v->type == 33 || v->type == 44)
		dns_json_rdata_object(out, v);
	else
		app_json_bytes(out, v->data, v->data_len);
}

/* The records of one section as an array of {rrname, rrtype, ttl, data}, left out when none. */
static void dns_json_section(struct app_json *out, const struct dns_details *det,
			     enum dns_section sec, const char *key)
{
	struct dns_record_view v;
	uint32_t pos = 0, written = 0;

	while (dns_record_next(det, &pos, &v)) {
		if (v.section != sec)
			continue;
		if (!written++) {
			app_json_key(out, key);
			app_json_begin(out, "[{");
		} else {
			app_json_put(out, ",");
			app_json_begin(out, "{");
		}
		app_json_key(out, "rrname");
		app_json_bytes(out, v.name, v.name_len);
		app_json_key(out, "rrtype");
		dns_json_type(out, v.type);
		if (sec != DNS_QUESTION) {
			app_json_uint(out, "ttl", v.ttl);
			const char *data_key = dns_rdata_key(&v);
			if (data_key) {
				app_json_key(out, data_key);
				dns_json_rdata(out, &v);
			}
		}
		app_json_end(out, "}");
	}
	if (written)
		app_json_end(out, "]");
}

/* The answers' data grouped by type ("grouped":{"A":[...],"CNAME":[...]}), as Suricata. */
static void dns_json_grouped(struct app_json *out, const struct dns_details *det)
{
	uint16_t types[32];
	uint32_t ntypes = 0, pos = 0;
	struct dns_record_view v;

	while (dns_record_next(det, &pos, &v)) {
		if (v.section != DNS_ANSWER || !dns_rdata_key(&v))
			continue;
		uint32_t t = 0;
		while (t < ntypes && types[t] != v.type)
			t++;
		if (t == ntypes && ntypes < sizeof(types) / sizeof(types[0]))
			types[ntypes++] = v.type;
	}
	app_json_key(out, "grouped");
	app_json_begin(out, "{");
	for (uint32_t t = 0; t < ntypes; t++) {
		uint32_t written = 0;
		app_json_put(out, "%s", t ? "," : "");
		dns_json_type(out, types[t]);
		app_json_put(out, ":[");
		for (pos = 0; dns_record_next(det, &pos, &v);)
			if (v.section == DNS_ANSWER && v.type == types[t] && dns_rdata_key(&v)) {
				app_json_put(out, "%s", written++ ? "," : "");
				dns_json_rdata(out, &v);
			}
		app_json_put(out, "]");
	}
	app_json_end(out, "}");
}

/* Whether the details hold a record of section sec. */
static bool dns_has_section(const struct dns_details *det, enum dns_section sec)
{
	struct dns_record_view v;
	uint32_t pos = 0;

	while (dns_record_next(det, &pos, &v))
		if (v.section == sec)
			return true;
	return false;
}

/*
 * EVE: the transaction's tx_id, then Suricata 8's dns object, version 3:
 * the message's type, tx_id, id,
 * flags (hex, and each as a boolean), opcode, rcode, the questions as
 * queries[{rrname, rrtype}], and the records of a response as answers,
 * grouped (the answers' data by type), authorities and additionals, each
 * record {rrname, rrtype, ttl} with its data (rdata, or soa, srv, sshfp).
 */
static void dns_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct dns_details *det = (const struct dns_details *)(const void *)d->proto;
	bool response = det->flags & DNS_FLAG_QR;
	/* the record's (or alert's) transaction, as Suricata writes it beside the object */
	app_json_uint(out, "tx_id", det->tx_id);
	app_json_key(out, "dns");
	app_json_begin(out, "{");
	app_json_uint(out, "version", 3);
	app_json_key(out, "type");
	app_json_string(out, response ? "response" : "request");
	app_json_uint(out, "tx_id", det->tx_id);
	app_json_uint(out, "id", det->id);
	app_json_key(out, "flags");
	app_json_put(out, "\"%x\"", det->flags); /* as Suricata: hex, no leading zeros */
	static const struct {
		const char *name;
		uint16_t bit;
	} bits[] = {{"qr", 0x8000}, {"aa", 0x0400}, {"tc", 0x0200},
		    {"rd", 0x0100}, {"ra", 0x0080}, {"z", 0x0040}};
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (det->flags & bits[i].bit) {
			app_json_key(out, bits[i].name);
			app_json_put(out, "true");
		}
	app_json_uint(out, "opcode", DNS_OPCODE(det->flags));
	app_json_key(out, "rcode");
	dns_json_rcode(out, det->flags & 0xf);
	dns_json_section(out, det, DNS_QUESTION, "queries");
	dns_json_section(out, det, DNS_ANSWER, "answers");
	if (dns_has_section(det, DNS_ANSWER))
		dns_json_grouped(out, det);
	dns_json_section(out, det, DNS_AUTHORITY, "authorities");
	dns_json_section(out, det, DNS_ADDITIONAL, "additionals");
	app_json_end(out, "}");
}

const struct app_parser app_parser_dns = {
    .name = "dns",
    .eve_events_as_written = true,
    /* NetBIOS name service, mDNS, LLMNR */
    .other_protocol_ports = {137, 5353, 5355},
    .proto = RULE_PROTO_DNS,
    .tcp = true,
    .udp = true,
    .buffers = APP_BUFFER(DNS_QUERY) | APP_BUFFER(DNS_QUERIES_RRNAME) |
	       APP_BUFFER(DNS_ANSWERS_RRNAME) | APP_BUFFER(DNS_AUTHORITIES_RRNAME) |
	       APP_BUFFER(DNS_ADDITIONALS_RRNAME) | APP_BUFFER(DNS_RESPONSE_RRNAME) |
	       APP_BUFFER(DNS_META),
    .detect = dns_detect,
    .create = dns_create,
    .destroy = dns_destroy,
    .parse = dns_parse,
    .eve_details = dns_eve_details,
};
