/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MySQL client/server protocol parser (also MariaDB): packets are a 3-byte
 * little-endian length and a sequence id, reassembled here across
 * segments. Only the client's side is parsed:
 *   HandshakeResponse41 (sequence 1)  capabilities and login user (kept in
 *                                     the state, no buffer yet); SSL or
 *                                     compression asked for: stop parsing,
 *                                     the rest is unreadable
 *   COM_QUERY (0x03), COM_STMT_PREPARE (0x16), sequence 0
 *                                     the statement text -> mysql.query,
 *                                     one unit per command
 * With CLIENT_QUERY_ATTRIBUTES (MySQL 8.0.23+) a COM_QUERY carries typed
 * attributes before its text; they are walked so the buffer starts at the
 * statement, and when they cannot be walked the buffer is everything after
 * the command byte, so content matches still see the text. A packet is
 * kept up to MYSQL_PACKET_MAX bytes: a longer statement is inspected by its
 * start. Statements over 16 MiB (split packets), the binary protocol's
 * parameters and server responses are left out.
 *
 * Detection is conservative, since these bytes are binary: the server's
 * initial handshake (protocol 10, a version string starting with a digit,
 * a zero filler byte), or a client handshake response with its 23 zero
 * filler bytes, or a COM_QUERY whose text starts with an SQL keyword.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"

#define MYSQL_HEADER_LEN 4
#define MYSQL_PACKET_MAX 16384

#define MYSQL_CLIENT_COMPRESS	      0x00000020u
#define MYSQL_CLIENT_PROTOCOL_41      0x00000200u
#define MYSQL_CLIENT_SSL	      0x00000800u
#define MYSQL_CLIENT_ZSTD_COMPRESSION 0x04000000u
#define MYSQL_CLIENT_QUERY_ATTRIBUTES 0x08000000u

#define MYSQL_RESPONSE_FIXED_LEN 32 /* caps, max packet, charset, 23 filler bytes */

enum mysql_command {
	MYSQL_COM_QUERY = 0x03,
	MYSQL_COM_STMT_PREPARE = 0x16,
};

/* vigil's mysql object (no mysql in Suricata's schema): the login user and the command. */
struct mysql_details {
	char user[64];
	char command[16]; /* "query", "prepare" */
	char query[APP_TEXT_MAX];
	bool query_cut;
};
APP_DETAILS_FITS(struct mysql_details);

struct mysql_state {
	struct app_details details;
	bool done;	       /* TLS or compression from here on */
	bool seen_response;    /* the HandshakeResponse went by */
	uint32_t capabilities; /* the client's, from its HandshakeResponse */
	char user[64];	       /* login user, cut to fit */
	/* the client's packet being reassembled */
	uint8_t header[MYSQL_HEADER_LEN];
	uint8_t header_len;
	uint32_t packet_len;
	uint32_t packet_seen;
	uint8_t packet[MYSQL_PACKET_MAX];
};

static uint32_t mysql_le24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t mysql_le32(const uint8_t *p)
{
	return mysql_le24(p) | (uint32_t)p[3] << 24;
}

/* A length-encoded integer at *off; false on truncation or the NULL/error markers. */
static bool mysql_lenenc(const uint8_t *p, uint32_t len, uint32_t *off, uint64_t *value)
{
	if (*off >= len)
		return false;
	uint8_t first = p[(*off)++];
	uint32_t n = first == 0xfc ? 2 : first == 0xfd ? 3 : first == 0xfe ? 8 : 0;
	if (first == 0xfb || first == 0xff)
		return false;
	if (!n) {
		*value = first;
		return true;
	}
	if (len - *off < n)
		return false;
	*value = 0;
	for (uint32_t i = 0; i < n; i++)
		*value |= (uint64_t)p[*off + i] << (8 * i);
	*off += n;
	return true;
}

static bool mysql_skip(uint32_t len, uint32_t *off, uint64_t n)
{
	if (n > len - *off)
		return false;
	*off += (uint32_t)n;
	return true;
}

/* One binary-protocol value of the given type (MYSQL_TYPE_*); false for an unknown type. */
static bool mysql_skip_value(const uint8_t *p, uint32_t len, uint32_t *off, uint8_t type)
{
	uint64_t n;

	switch (type) {
	case 0x06:
		return true; /* NULL */
	case 0x01:
		return mysql_skip(len, off, 1); /* TINY */
	case 0x02:
	case 0x0d:
		return mysql_skip(len, off, 2); /* SHORT, YEAR */
	case 0x03:
	case 0x04:
	case 0x09:
		return mysql_skip(len, off, 4); /* LONG, FLOAT, INT24 */
	case 0x05:
	case 0x08:
		return mysql_skip(len, off, 8); /* DOUBLE, LONGLONG */
	case 0x07:
	case 0x0a:
	case 0x0b:
	case 0x0c: /* dates: a length byte */
		return *off < len && mysql_skip(len, off, 1 + (uint64_t)p[*off]);
	case 0x00:
	case 0x0f:
	case 0x10:
	case 0xf5:
	case 0xf6:
	case 0xf7:
	case 0xf8:
	case 0xf9:
	case 0xfa:
	case 0xfb:
	case 0xfc:
	case 0xfd:
	case 0xfe:
	case 0xff: /* strings */
		return mysql_lenenc(p, len, off, &n) && mysql_skip(len, off, n);
	default:
		return false;
	}
}

/*
 * Where a COM_QUERY's text starts when query attributes precede it
 * (parameter count, set count, null bitmap, bind flag, types and names,
 * values). Returns 0 when the attributes do not parse.
 */
static uint32_t mysql_query_attributes(const uint8_t *p, uint32_t len)
{
	uint32_t off = 1;
	uint64_t count, sets, n;

	if (!mysql_lenenc(p, len, &off, &count) || !mysql_lenenc(p, len, &off, &sets))
		return 0;
	if (count == 0)
		return off;
	if (count > len)
		return 0;
	uint32_t bitmap = off;
	if (!mysql_skip(len, &off, (count + 7) / 8) || off >= len || p[off++] != 1)
		return 0; /* without types the values cannot be walked */
	uint32_t types = off;
	for (uint64_t i = 0; i < count; i++)
		if (!mysql_skip(len, &off, 2) || !mysql_lenenc(p, len, &off, &n) ||
		    !mysql_skip(len, &off, n))
			return 0;
	uint32_t t = types;
	for (uint64_t i = 0; i < count; i++) {
		uint8_t type = p[t];
		t += 2;
		mysql_lenenc(p, len, &t, &n); /* walked above: cannot fail */
		t += (uint32_t)n;
		if (p[bitmap + i / 8] & (1u << (i % 8)))
			continue; /* NULL value: nothing on the wire */
		if (!mysql_skip_value(p, len, &off, type))
			return 0;
	}
	return off;
}

static void mysql_command(struct mysql_state *s, const uint8_t *p, uint32_t len, app_emit_fn emit,
			  void *arg)
{
	uint32_t start = 1;

	if (p[0] == MYSQL_COM_QUERY) {
		/* Without the handshake (parser started mid-flow), a text that
		 * starts 00 01 (no attributes, one set) is taken to carry them. */
		bool attributes = s->seen_response ? s->capabilities & MYSQL_CLIENT_QUERY_ATTRIBUTES
						   : len >= 3 && p[1] == 0 && p[2] == 1;
		if (attributes) {
			uint32_t at = mysql_query_attributes(p, len);
			start = at ? at : 1;
		}
	} else if (p[0] != MYSQL_COM_STMT_PREPARE) {
		return;
	}
	struct mysql_details *det = (struct mysql_details *)(void *)s->details.proto;
	memcpy(det->user, s->user, sizeof(det->user));
	snprintf(det->command, sizeof(det->command), "%s",
		 p[0] == MYSQL_COM_QUERY ? "query" : "prepare");
	size_t n = len - start < sizeof(det->query) - 1 ? len - start : sizeof(det->query) - 1;
	memcpy(det->query, p + start, n);
	det->query[n] = '\0';
	det->query_cut = n < len - start;
	struct app_unit unit = {.details = &s->details};
	unit.buffer[RULE_BUFFER_MYSQL_QUERY] = p + start;
	unit.buffer_len[RULE_BUFFER_MYSQL_QUERY] = len - start;
	emit(arg, &unit);
}

static void mysql_handshake_response(struct mysql_state *s, const uint8_t *p, uint32_t len)
{
	s->seen_response = true;
	s->capabilities = mysql_le32(p);
	if (s->capabilities &
	    (MYSQL_CLIENT_SSL | MYSQL_CLIENT_COMPRESS | MYSQL_CLIENT_ZSTD_COMPRESSION)) {
		s->done = true;
		return;
	}
	const uint8_t *user = p + MYSQL_RESPONSE_FIXED_LEN;
	const uint8_t *nul = memchr(user, 0, len - MYSQL_RESPONSE_FIXED_LEN);
	size_t n = nul ? (size_t)(nul - user) : len - MYSQL_RESPONSE_FIXED_LEN;
	if (n >= sizeof(s->user))
		n = sizeof(s->user) - 1;
	memcpy(s->user, user, n);
	s->user[n] = '\0';
}

static void mysql_packet(struct mysql_state *s, uint8_t seq, const uint8_t *p, uint32_t len,
			 app_emit_fn emit, void *arg)
{
	if (!s->seen_response && seq == 1 && len >= MYSQL_RESPONSE_FIXED_LEN &&
	    (mysql_le32(p) & MYSQL_CLIENT_PROTOCOL_41)) {
		mysql_handshake_response(s, p, len);
		return;
	}
	/* a command starts a new exchange at sequence 0; others are auth
	 * round trips or continuation packets */
	if (seq == 0 && len >= 1)
		mysql_command(s, p, len, emit, arg);
}

static void mysql_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
			app_emit_fn emit, void *arg)
{
	struct mysql_state *s = state;

	if (dir != APP_TO_SERVER)
		return; /* nothing in the server's packets is needed yet */
	while (len && !s->done) {
		if (s->header_len < MYSQL_HEADER_LEN) {
			s->header[s->header_len++] = *data++;
			len--;
			if (s->header_len < MYSQL_HEADER_LEN)
				continue;
			s->packet_len = mysql_le24(s->header);
			s->packet_seen = 0;
		}
		uint32_t want = s->packet_len - s->packet_seen;
		uint32_t take = len < want ? len : want;
		if (s->packet_seen < MYSQL_PACKET_MAX) {
			uint32_t room = MYSQL_PACKET_MAX - s->packet_seen;
			memcpy(s->packet + s->packet_seen, data, take < room ? take : room);
		}
		s->packet_seen += take;
		data += take;
		len -= take;
		if (s->packet_seen < s->packet_len)
			continue;
		s->header_len = 0;
		uint32_t kept = s->packet_len < MYSQL_PACKET_MAX ? s->packet_len : MYSQL_PACKET_MAX;
		mysql_packet(s, s->header[3], s->packet, kept, emit, arg);
	}
}

/* ---- detection ---- */

/* Server greeting: length, sequence 0, protocol 10, "8.0.36\0", thread id, 8 bytes, filler 0. */
static enum app_detect_result mysql_detect_greeting(const uint8_t *data, uint32_t len)
{
	if (len < MYSQL_HEADER_LEN + 1)
		return APP_DETECT_NEED_MORE;
	uint32_t plen = mysql_le24(data);
	if (data[3] != 0 || data[4] != 10 || plen < 20 || plen > 1024)
		return APP_DETECT_NO;
	uint32_t end = MYSQL_HEADER_LEN + plen < len ? MYSQL_HEADER_LEN + plen : len;
	uint32_t i = MYSQL_HEADER_LEN + 1;
	if (i < end && (data[i] < '0' || data[i] > '9'))
		return APP_DETECT_NO;
	for (; i < end && data[i]; i++)
		if (data[i] < 0x20 || data[i] > 0x7e)
			return APP_DETECT_NO;
	uint32_t filler = i + 1 + 4 + 8;
	if (filler >= end)
		return end < MYSQL_HEADER_LEN + plen ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
	return data[filler] == 0 ? APP_DETECT_YES : APP_DETECT_NO;
}

static bool mysql_keyword_ok(uint8_t c)
{
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		 c == '_');
}

/* The statement's first word is an SQL keyword (case-insensitive). */
static enum app_detect_result mysql_detect_sql(const uint8_t *p, uint32_t len)
{
	static const char *const keywords[] = {
	    "SELECT",  "INSERT",   "UPDATE",  "DELETE",	 "REPLACE",  "SET",   "SHOW",
	    "USE",     "CREATE",   "DROP",    "ALTER",	 "TRUNCATE", "CALL",  "BEGIN",
	    "COMMIT",  "ROLLBACK", "START",   "EXPLAIN", "DESCRIBE", "DESC",  "GRANT",
	    "REVOKE",  "LOAD",	   "LOCK",    "UNLOCK",	 "WITH",     "FLUSH", "KILL",
	    "PREPARE", "EXECUTE",  "HANDLER", "DO",
	};
	bool could_be = false;

	while (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
		p++;
		len--;
	}
	if (len >= 2 && p[0] == '/' && p[1] == '*')
		return APP_DETECT_YES; /* a leading comment, as ORMs and drivers write */
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
		uint32_t n = (uint32_t)strlen(keywords[k]);
		if (strncasecmp((const char *)p, keywords[k], len < n ? len : n))
			continue;
		if (len <= n) {
			could_be = true;
			continue;
		}
		if (mysql_keyword_ok(p[n]))
			return APP_DETECT_YES;
	}
	return could_be || !len ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
}

/* Client: a HandshakeResponse41 / SSLRequest, or a COM_QUERY of SQL text. */
static enum app_detect_result mysql_detect_client(const uint8_t *data, uint32_t len)
{
	if (len < MYSQL_HEADER_LEN + 1)
		return APP_DETECT_NEED_MORE;
	uint32_t plen = mysql_le24(data);
	const uint8_t *p = data + MYSQL_HEADER_LEN;
	uint32_t avail = len - MYSQL_HEADER_LEN < plen ? len - MYSQL_HEADER_LEN : plen;

	if (data[3] == 1) {
		if (plen < MYSQL_RESPONSE_FIXED_LEN)
			return APP_DETECT_NO;
		if (avail < MYSQL_RESPONSE_FIXED_LEN)
			return APP_DETECT_NEED_MORE;
		if (!(mysql_le32(p) & MYSQL_CLIENT_PROTOCOL_41))
			return APP_DETECT_NO;
		for (uint32_t i = 9; i < MYSQL_RESPONSE_FIXED_LEN; i++)
			if (p[i])
				return APP_DETECT_NO;
		return APP_DETECT_YES;
	}
	if (data[3] != 0 || plen < 2 || p[0] != MYSQL_COM_QUERY)
		return APP_DETECT_NO;
	uint32_t start = 1;
	if (avail >= 3 && p[1] == 0 && p[2] == 1)
		start = 3; /* query attributes, none sent */
	if (avail < start)
		return APP_DETECT_NEED_MORE;
	enum app_detect_result r = mysql_detect_sql(p + start, avail - start);
	if (r == APP_DETECT_NEED_MORE && avail == plen)
		return APP_DETECT_NO; /* the whole packet is here: it will not get better */
	return r;
}

static enum app_detect_result mysql_detect(const uint8_t *data, uint32_t len,
					   enum app_direction direction)
{
	return direction == APP_TO_CLIENT ? mysql_detect_greeting(data, len)
					  : mysql_detect_client(data, len);
}

static void *mysql_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct mysql_state));
}

static void mysql_destroy(void *state)
{
	free(state);
}

/* EVE (in vigil's own object): ,"mysql":{"user":...,"command":...,"query":...}. */
static void mysql_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct mysql_details *det = (const struct mysql_details *)(const void *)d->proto;
	app_json_key(out, "mysql");
	app_json_begin(out, "{");
	app_json_text(out, "user", det->user, sizeof(det->user));
	app_json_text(out, "command", det->command, sizeof(det->command));
	app_json_text_cut(out, "query", det->query, sizeof(det->query), det->query_cut);
	app_json_end(out, "}");
}

const struct app_parser app_parser_mysql = {
    .name = "mysql",
    .proto = RULE_PROTO_MYSQL,
    .tcp = true,
    .udp = false,
    .buffers = APP_BUFFER(MYSQL_QUERY),
    .detect = mysql_detect,
    .create = mysql_create,
    .destroy = mysql_destroy,
    .parse = mysql_parse,
    .eve_details = mysql_eve_details,
    .eve_vigil = true,
};
