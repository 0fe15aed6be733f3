/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIP parser (RFC 3261) over UDP: each datagram is one message, whose
 * start line says what it is: a request ("INVITE sip:bob@example.com
 * SIP/2.0") or a response ("SIP/2.0 180 Ringing"). As in Suricata, a
 * request is expected toward the server and a response toward the client;
 * a message of the wrong kind for its direction, or no SIP start line at
 * all, is a protocol error, reported as an error unit so the board's
 * [app] error_policy applies (an unsolicited response sent toward a
 * server is how SIP floods and probes often look).
 *
 * A good message becomes units for the rules: the start line's parts
 * (sip.method, sip.uri, sip.protocol, sip.request_line; sip.stat_code,
 * sip.stat_msg, sip.protocol, sip.response_line) and the headers Suricata
 * names (sip.from, sip.to, sip.via, sip.user_agent, sip.content_type,
 * sip.content_length; long or compact names, "f:", "t:", "v:", "c:",
 * "l:"), their values without the leading blanks. A header written more
 * than once is a multi-buffer: unit i carries instance i of each (at most
 * SIP_INSTANCES_MAX) and the start line's buffers, and the units of one message share the list of rules
 * that matched (struct app_body_rules), so a rule alerts once per message.
 * Buffers point into the datagram: nothing is copied.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_http_body.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"

#define SIP_LINE_MAX	  512	       /* a start line longer than this is not looked at */
#define SIP_INSTANCES_MAX 8	       /* instances kept of one header of a message */
#define SIP_HEADERS_MAX	  128	       /* header lines looked at in one message */
#define SIP_TCP_MAX	  (64u * 1024) /* bytes of one message gathered over TCP */

/* _(SYM, "long name", "compact name" or NULL): the headers that are buffers. */
#define foreach_sip_header                                                                         \
	_(FROM, "from", "f")                                                                       \
	_(TO, "to", "t")                                                                           \
	_(VIA, "via", "v")                                                                         \
	_(USER_AGENT, "user-agent", NULL)                                                          \
	_(CONTENT_TYPE, "content-type", "c")                                                       \
	_(CONTENT_LENGTH, "content-length", "l")

enum sip_header {
#define _(sym, name, compact) SIP_HEADER_##sym,
	foreach_sip_header
#undef _
	    SIP_HEADER_COUNT
};

static const struct {
	const char *name, *compact;
	int buffer;
} sip_headers[SIP_HEADER_COUNT] = {
#define _(sym, n, c) [SIP_HEADER_##sym] = {n, c, RULE_BUFFER_SIP_##sym},
    foreach_sip_header
#undef _
};

struct sip_state {
	struct app_details details;	     /* empty: SIP shows nothing in EVE yet */
	struct app_body_rules message_rules; /* rules matched on the message being emitted */
	struct app_frames frames;
	/* Over TCP: each direction's message being gathered, and whether the
	 * direction lost its framing (a header block past SIP_TCP_MAX). */
	struct http_bytes pending[2];
	bool broken[2];
};

/* One header's instances in a message: where each value starts and its length. */
struct sip_values {
	const uint8_t *at[SIP_INSTANCES_MAX];
	uint32_t len[SIP_INSTANCES_MAX];
	uint32_t count;
};

static const char sip_version[] = "SIP/2.0";

/* The first line of data (without CR LF); false when there is no whole one. */
static bool sip_first_line(const uint8_t *data, uint32_t len, uint32_t *line_len)
{
	uint32_t n = len < SIP_LINE_MAX ? len : SIP_LINE_MAX;
	const uint8_t *lf = memchr(data, '\n', n);
	if (!lf)
		return false;
	*line_len = (uint32_t)(lf - data);
	if (*line_len && data[*line_len - 1] == '\r')
		(*line_len)--;
	return true;
}

/* "SIP/2.0 200 OK": the version, a space, three digits, then a space or the end. */
static bool sip_is_status_line(const uint8_t *line, uint32_t len)
{
	const uint32_t v = sizeof(sip_version) - 1;
	if (len < v + 4 || memcmp(line, sip_version, v) != 0 || line[v] != ' ')
		return false;
	for (uint32_t i = v + 1; i < v + 4; i++)
		if (line[i] < '0' || line[i] > '9')
			return false;
	return len == v + 4 || line[v + 4] == ' ';
}

/* "METHOD SP Request-URI SP SIP/2.0": an upper-case token, a URI, the version last. */
static bool sip_is_request_line(const uint8_t *line, uint32_t len)
{
	const uint32_t v = sizeof(sip_version) - 1;
	uint32_t i = 0;
	while (i < len && line[i] >= 'A' && line[i] <= 'Z')
		i++;
	if (i == 0 || i >= len || line[i] != ' ')
		return false;
	const uint8_t *uri = line + i + 1;
	uint32_t rest = len - i - 1;
	if (rest < 4 + 1 + v || (memcmp(uri, "sip:", 4) != 0 && memcmp(uri, "sips", 4) != 0 &&
				 memcmp(uri, "tel:", 4) != 0))
		return false;
	return line[len - v - 1] == ' ' && memcmp(line + len - v, sip_version, v) == 0;
}

static enum app_detect_result sip_detect(const uint8_t *data, uint32_t len,
					 enum app_direction direction)
{
	(void)direction;
	uint32_t line_len;
	if (!sip_first_line(data, len, &line_len))
		return len < SIP_LINE_MAX ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
	if (sip_is_request_line(data, line_len) || sip_is_status_line(data, line_len))
		return APP_DETECT_YES;
	return APP_DETECT_NO;
}

static void sip_set(struct app_unit *u, int b, const uint8_t *at, uint32_t len)
{
	u->buffer[b] = at;
	u->buffer_len[b] = len;
}

/* The start line's parts as buffers (the line is known to be well formed). */
static void sip_start_line(struct app_unit *u, const uint8_t *line, uint32_t len, bool request)
{
	const uint32_t v = sizeof(sip_version) - 1;
	if (request) {
		const uint8_t *sp = memchr(line, ' ', len);
		uint32_t method = (uint32_t)(sp - line);
		sip_set(u, RULE_BUFFER_SIP_METHOD, line, method);
		sip_set(u, RULE_BUFFER_SIP_URI, line + method + 1, len - method - 2 - v);
		sip_set(u, RULE_BUFFER_SIP_PROTOCOL, line + len - v, v);
		sip_set(u, RULE_BUFFER_SIP_REQUEST_LINE, line, len);
		return;
	}
	sip_set(u, RULE_BUFFER_SIP_PROTOCOL, line, v);
	sip_set(u, RULE_BUFFER_SIP_STAT_CODE, line + v + 1, 3);
	if (len > v + 5)
		sip_set(u, RULE_BUFFER_SIP_STAT_MSG, line + v + 5, len - v - 5);
	sip_set(u, RULE_BUFFER_SIP_RESPONSE_LINE, line, len);
}

/* Which of the buffered headers the line names (name before ':'), or -1. */
static int sip_header_of(const uint8_t *line, uint32_t len, uint32_t *value)
{
	const uint8_t *colon = memchr(line, ':', len);
	if (!colon)
		return -1;
	uint32_t name = (uint32_t)(colon - line);
	while (name && (line[name - 1] == ' ' || line[name - 1] == '\t'))
		name--;
	uint32_t v = (uint32_t)(colon - line) + 1;
	while (v < len && (line[v] == ' ' || line[v] == '\t'))
		v++;
	*value = v;
	for (int h = 0; h < SIP_HEADER_COUNT; h++) {
		const char *c = sip_headers[h].compact;
		if ((strlen(sip_headers[h].name) == name &&
		     strncasecmp((const char *)line, sip_headers[h].name, name) == 0) ||
		    (c && strlen(c) == name && strncasecmp((const char *)line, c, name) == 0))
			return h;
	}
	return -1;
}

/* Gather the header values of the message after its start line (up to the empty line). */
static void sip_headers_read(const uint8_t *data, uint32_t len, uint32_t off,
			     struct sip_values values[SIP_HEADER_COUNT])
{
	for (unsigned lines = 0; off < len && lines < SIP_HEADERS_MAX; lines++) {
		const uint8_t *lf = memchr(data + off, '\n', len - off);
		uint32_t end = lf ? (uint32_t)(lf - data) : len, line_len = end - off;
		if (line_len && data[off + line_len - 1] == '\r')
			line_len--;
		if (line_len == 0)
			return; /* the body follows */
		uint32_t value;
		int h = sip_header_of(data + off, line_len, &value);
		struct sip_values *sv = h >= 0 ? &values[h] : NULL;
		if (sv && sv->count < SIP_INSTANCES_MAX) {
			sv->at[sv->count] = data + off + value;
			sv->len[sv->count++] = line_len - value;
		}
		off = end + 1;
	}
}

/* A request toward the server, a response toward the client; anything else is an error. */
/* EVE's sip object: the datagram's start line, and its parts (text NUL-terminated). */
struct sip_details {
	char line[SIP_LINE_MAX + 1]; /* request_line or response_line */
	char method[24], code[4];
	bool response;
};
APP_DETAILS_FITS(struct sip_details);

/* The first word of text[0..len), up to size - 1 bytes, into out. */
static void sip_word(char *out, size_t size, const uint8_t *text, uint32_t len)
{
	size_t n = 0;
	while (n < len && n < size - 1 && text[n] != ' ')
		n++;
	memcpy(out, text, n);
	out[n] = '\0';
}

/* The start line of a datagram that is SIP into the flow's details. */
static void sip_details_fill(struct app_details *d, enum app_direction dir, const uint8_t *line,
			     uint32_t len)
{
	struct sip_details *det = (struct sip_details *)(void *)d->proto;
	memset(det, 0, sizeof(*det));
	memcpy(det->line, line, len < SIP_LINE_MAX ? len : SIP_LINE_MAX);
	det->response = dir == APP_TO_CLIENT;
	if (det->response)
		sip_word(det->code, sizeof(det->code), line + sizeof(sip_version),
			 len - (uint32_t)sizeof(sip_version));
	else
		sip_word(det->method, sizeof(det->method), line, len);
}

/* Where the header block ends: the offset of its empty line (len when it has none). */
static uint32_t sip_headers_end(const uint8_t *data, uint32_t len, uint32_t from)
{
	for (uint32_t i = from; i < len; i++) {
		if (data[i] != '\n')
			continue;
		if (i + 1 < len && data[i + 1] == '\n')
			return i + 1;
		if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
			return i + 1;
	}
	return len;
}

/*
 * A message's frames, as Suricata's SIP parser marks them: pdu, the whole
 * message; the start line with its line end; the header lines, each with
 * its line end, without the empty line; the body after it, when there is
 * one. offset: the message's first byte in the direction's stream.
 */
static void sip_frames(struct sip_state *s, enum app_direction dir, const uint8_t *data,
		       uint32_t len, uint32_t line_end, uint64_t offset, app_emit_fn emit,
		       void *arg)
{
	bool request = dir == APP_TO_SERVER;
	uint32_t headers_end = sip_headers_end(data, len, line_end ? line_end - 1 : 0);
	uint32_t body = headers_end < len ? headers_end + (data[headers_end] == '\r' ? 2 : 1) : len;
	struct {
		enum rule_frame type;
		uint32_t at, end;
	} frames[] = {
	    {RULE_FRAME_SIP_PDU, 0, len},
	    {request ? RULE_FRAME_SIP_REQUEST_LINE : RULE_FRAME_SIP_RESPONSE_LINE, 0, line_end},
	    {request ? RULE_FRAME_SIP_REQUEST_HEADERS : RULE_FRAME_SIP_RESPONSE_HEADERS, line_end,
	     headers_end},
	    {request ? RULE_FRAME_SIP_REQUEST_BODY : RULE_FRAME_SIP_RESPONSE_BODY, body, len},
	};
	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		uint32_t n = frames[i].end > frames[i].at ? frames[i].end - frames[i].at : 0;
		if (!n && i > 0)
			continue; /* no headers, no body: no frame */
		app_frame_emit(&s->frames, emit, arg, frames[i].type, dir, data + frames[i].at, n,
			       offset + frames[i].at, n, -1, &s->details);
	}
}

/* One whole message (a datagram, or a message gathered from a stream) at offset. */
static void sip_message(struct sip_state *s, enum app_direction dir, const uint8_t *data,
			uint32_t len, uint64_t offset, app_emit_fn emit, void *arg)
{
	struct sip_values values[SIP_HEADER_COUNT];
	uint32_t line_len;
	if (!data || !len)
		return;
	bool request = dir == APP_TO_SERVER;
	bool ok =
	    sip_first_line(data, len, &line_len) &&
	    (request ? sip_is_request_line(data, line_len) : sip_is_status_line(data, line_len));
	if (!ok) {
		struct app_unit unit = {.details = &s->details, .error = true};
		emit(arg, &unit);
		return;
	}
	sip_details_fill(&s->details, dir, data, line_len);
	memset(values, 0, sizeof(values));
	const uint8_t *lf = memchr(data, '\n', len);
	sip_headers_read(data, len, (uint32_t)(lf - data) + 1, values);
	uint32_t units = 1;
	for (int h = 0; h < SIP_HEADER_COUNT; h++)
		units = values[h].count > units ? values[h].count : units;
	s->message_rules.matched_count = s->message_rules.waiting_count = 0;
	s->message_rules.partial_count = 0;
	for (uint32_t i = 0; i < units; i++) {
		/* one message, one record: the other units repeat it with another header's instance */
		struct app_unit unit = {.details = &s->details, .repeat = i > 0};
		unit.window.buffers = app_parser_sip.buffers;
		unit.window.rules = &s->message_rules;
		sip_start_line(&unit, data, line_len, request);
		for (int h = 0; h < SIP_HEADER_COUNT; h++)
			if (i < values[h].count)
				sip_set(&unit, sip_headers[h].buffer, values[h].at[i],
					values[h].len[i]);
		emit(arg, &unit);
	}
	sip_frames(s, dir, data, len, (uint32_t)(lf - data) + 1, offset, emit, arg);
}

/* Over UDP: each datagram is one message. */
static void sip_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	struct sip_state *s = state;
	sip_message(s, dir, data, len, s->frames.stream[dir], emit, arg);
	app_frame_stream_done(&s->frames, dir, len);
}

/*
 * The length of the message data[0..len) begins: its header block up to
 * the empty line, then Content-Length bytes (none without the header).
 * 0: not all there yet.
 */
static uint32_t sip_stream_message_len(const uint8_t *data, uint32_t len)
{
	uint32_t end = sip_headers_end(data, len, 0);
	if (end >= len || (data[end] == '\r' && end + 1 >= len))
		return 0;
	uint32_t body = end + (data[end] == '\r' ? 2 : 1);
	struct sip_values values[SIP_HEADER_COUNT];
	memset(values, 0, sizeof(values));
	const uint8_t *lf = memchr(data, '\n', len);
	sip_headers_read(data, end, (uint32_t)(lf - data) + 1, values);
	uint64_t want = 0;
	const struct sip_values *cl = &values[SIP_HEADER_CONTENT_LENGTH];
	for (uint32_t i = 0; cl->count && i < cl->len[0]; i++) {
		uint8_t c = cl->at[0][i];
		if (c == ' ' || c == '\t')
			continue;
		if (c < '0' || c > '9' || want > SIP_TCP_MAX)
			break;
		want = want * 10 + (c - '0');
	}
	if (want > SIP_TCP_MAX)
		want = SIP_TCP_MAX; /* a longer body is inspected as far as it was kept */
	return body + want <= len ? body + (uint32_t)want : 0;
}

/*
 * Over TCP (RFC 3261 18.3): messages are gathered from the stream, each
 * one its header block and the Content-Length bytes after it. A header
 * block that does not end within SIP_TCP_MAX bytes loses the framing: an
 * error unit, and the direction is not parsed any more.
 */
static void sip_parse_stream(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
			     app_emit_fn emit, void *arg)
{
	struct sip_state *s = state;
	struct http_bytes *p = &s->pending[dir];
	uint64_t start = s->frames.stream[dir] - p->len;
	app_frame_stream_done(&s->frames, dir, len);
	if (!data || !len || s->broken[dir])
		return;
	if (!http_bytes_append(p, data, len, SIP_TCP_MAX) &&
	    !sip_stream_message_len(p->data, p->len)) {
		s->broken[dir] = true;
		struct app_unit unit = {.details = &s->details, .error = true};
		emit(arg, &unit);
		return;
	}
	uint32_t used = 0, n;
	while (used < p->len && (n = sip_stream_message_len(p->data + used, p->len - used))) {
		sip_message(s, dir, p->data + used, n, start + used, emit, arg);
		used += n;
	}
	memmove(p->data, p->data + used, p->len - used);
	p->len -= used;
}

/* Each datagram stands alone: the state is only the (empty) details units carry. */
static void *sip_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct sip_state));
}

static void sip_destroy(void *state)
{
	struct sip_state *s = state;
	if (!s)
		return;
	http_bytes_free(&s->pending[0]);
	http_bytes_free(&s->pending[1]);
	free(s);
}

/* EVE: ,"sip":{"method":...,"request_line":...} or {"code":...,"response_line":...}; {} before any. */
static void sip_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct sip_details *det = (const struct sip_details *)(const void *)d->proto;
	app_json_key(out, "sip");
	app_json_begin(out, "{");
	app_json_text(out, "method", det->method, sizeof(det->method));
	app_json_text(out, "code", det->code, sizeof(det->code));
	app_json_text(out, det->response ? "response_line" : "request_line", det->line,
		      sizeof(det->line));
	app_json_end(out, "}");
}

const struct app_parser app_parser_sip = {
    .name = "sip",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_SIP,
    .tcp = true,
    .udp = true,
    .frames = RULE_FRAME_BIT(RULE_FRAME_SIP_PDU) | RULE_FRAME_BIT(RULE_FRAME_SIP_REQUEST_LINE) |
	      RULE_FRAME_BIT(RULE_FRAME_SIP_REQUEST_HEADERS) |
	      RULE_FRAME_BIT(RULE_FRAME_SIP_REQUEST_BODY) |
	      RULE_FRAME_BIT(RULE_FRAME_SIP_RESPONSE_LINE) |
	      RULE_FRAME_BIT(RULE_FRAME_SIP_RESPONSE_HEADERS) |
	      RULE_FRAME_BIT(RULE_FRAME_SIP_RESPONSE_BODY),
    .buffers = APP_BUFFER(SIP_METHOD) | APP_BUFFER(SIP_URI) | APP_BUFFER(SIP_PROTOCOL) |
	       APP_BUFFER(SIP_REQUEST_LINE) | APP_BUFFER(SIP_STAT_CODE) | APP_BUFFER(SIP_STAT_MSG) |
	       APP_BUFFER(SIP_RESPONSE_LINE) | APP_BUFFER(SIP_FROM) | APP_BUFFER(SIP_TO) |
	       APP_BUFFER(SIP_VIA) | APP_BUFFER(SIP_USER_AGENT) | APP_BUFFER(SIP_CONTENT_TYPE) |
	       APP_BUFFER(SIP_CONTENT_LENGTH),
    .detect = sip_detect,
    .create = sip_create,
    .destroy = sip_destroy,
    .parse = sip_parse,
    .parse_stream = sip_parse_stream,
    .eve_details = sip_eve_details,
};
