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
 * Suricata's dns.query looks at requests only. Answer, authority and
 * additional records are walked to check the message holds together, not
 * kept.
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

/* EVE's dns object, in struct app_details.proto of every DNS unit. */
struct dns_details {
	char rrname[APP_TEXT_MAX]; /* dotted, NUL-terminated */
	uint16_t rrtype;
	uint16_t id, flags; /* the message's header */
	bool rrname_cut;    /* the name was longer than rrname keeps */
};
APP_DETAILS_FITS(struct dns_details);

struct dns_state {
	struct app_details details;
	enum dns_transport transport;
	/* Only TCP flows need reassembly, and most DNS flows are single UDP
	 * exchanges: the buffers are allocated on the first TCP bytes. */
	struct dns_tcp_direction *tcp;
	struct app_body_rules message_rules; /* rules matched on the message being emitted */
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

enum dns_section { DNS_ANSWER, DNS_AUTHORITY, DNS_ADDITIONAL };

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

/*
 * Walk one resource record; false when it runs past the message. Its
 * rrname goes to its section's list and, in a response, to the response
 * list, with the names its data holds.
 */
static bool dns_record_read(const uint8_t *msg, uint32_t len, uint32_t *off, enum dns_section sec,
			    bool response, struct dns_names *n)
{
	char name[DNS_NAME_MAX + 1];
	uint32_t name_len;

	if (!dns_name_read(msg, len, off, name, &name_len))
		return false;
	if (len - *off < 10)
		return false; /* type, class, ttl, rdlength */
	uint16_t type = dns_be16(msg + *off);
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
	if (response) {
		dns_list_add(&n->response, kept, name_len);
		/* names inside the data; a malformed one only ends the look inside */
		uint32_t end = *off + rdlength, data = *off + (uint32_t)(at > 0 ? at : 0);
		if (at >= 0 && data < end && dns_rdata_name(msg, end, &data, n) && type == 6)
			dns_rdata_name(msg, end, &data, n);
	}
	*off += rdlength;
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
	struct {
		uint32_t name_off, name_len;
		uint16_t type;
	} q[DNS_QUESTIONS_MAX];
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
	for (uint32_t i = 0; i < h.qdcount; i++) {
		uint32_t name_len;
		if (!dns_name_read(msg, len, &off, name, &name_len) || len - off < 4)
			return;
		int32_t kept = dns_names_keep(&n, name, name_len);
		q[i].name_off = kept < 0 ? 0 : (uint32_t)kept;
		q[i].name_len = kept < 0 ? 0 : name_len;
		q[i].type = dns_be16(msg + off);
		off += 4;
		dns_list_add(&n.queries, kept, name_len);
		if (!query)
			dns_list_add(&n.response, kept, name_len);
		dns_meta_rrtype(&n, q[i].type);
	}
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
			if (dns_record_read(msg, len, &off, sections[sec], !query, &n))
				continue;
			if (!truncated)
				app_events_add(&events, broken[sec]);
			sec = 3; /* the kept start of a long message ends mid-record */
			break;
		}

	struct dns_details *det = (struct dns_details *)(void *)s->details.proto;
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
		if (i == 0 || (request && i < h.qdcount)) {
			uint32_t k = i < h.qdcount ? i : 0;
			size_t c = q[k].name_len < sizeof(det->rrname) - 1
				       ? q[k].name_len
				       : sizeof(det->rrname) - 1;
			memcpy(det->rrname, n.arena + q[k].name_off, c);
			det->rrname[c] = '\0';
			det->rrname_cut = c < q[k].name_len;
			det->rrtype = q[k].type;
			det->id = h.id;
			det->flags = h.flags;
		}
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
			d->prefix[d->prefix_len++] = *data++;
			len--;
			if (d->prefix_len < 2)
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

static const char *dns_type_name(uint16_t type)
{
	switch (type) {
	case 1:
		return "A";
	case 2:
		return "NS";
	case 5:
		return "CNAME";
	case 6:
		return "SOA";
	case 12:
		return "PTR";
	case 15:
		return "MX";
	case 16:
		return "TXT";
	case 28:
		return "AAAA";
	case 33:
		return "SRV";
	case 65:
		return "HTTPS";
	case 255:
		return "ANY";
	default:
		return "OTHER";
	}
}

/* RFC 1035's response codes by Suricata's names. */
static const char *dns_rcode_name(unsigned rcode)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE"};
	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "UNKNOWN";
}

/*
 * EVE: Suricata 8's dns object, version 3: the message's type, id, flags
 * (hex, and each as a boolean), opcode, rcode of a response, and the
 * question as queries[{rrname, rrtype}] (rrname_truncated when the name
 * was longer than kept). Answers are not kept, so none are written.
 */
static void dns_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct dns_details *det = (const struct dns_details *)(const void *)d->proto;
	bool response = det->flags & DNS_FLAG_QR;
	app_json_key(out, "dns");
	app_json_begin(out, "{");
	app_json_uint(out, "version", 3);
	app_json_key(out, "type");
	app_json_string(out, response ? "response" : "request");
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
	if (response) {
		app_json_key(out, "rcode");
		app_json_string(out, dns_rcode_name(det->flags & 0xf));
	}
	if (det->rrname[0] || det->rrtype) {
		app_json_key(out, "queries");
		app_json_begin(out, "[{");
		if (app_json_text_cut(out, "rrname", det->rrname, sizeof(det->rrname),
				      det->rrname_cut)) {
			app_json_key(out, "rrname_truncated");
			app_json_put(out, "true");
		}
		app_json_key(out, "rrtype");
		app_json_string(out, dns_type_name(det->rrtype));
		app_json_end(out, "}]");
	}
	app_json_end(out, "}");
}

const struct app_parser app_parser_dns = {
    .name = "dns",
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
