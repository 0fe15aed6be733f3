/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP/2 parser (see app_http2.h): detection of the client preface or
 * a server's first SETTINGS frame, frames read per direction with bounds,
 * HPACK through libnghttp2's inflater (one per direction, as each side
 * compresses with its own table), and each stream handed to inspection in
 * units, as the HTTP/1 parser hands a transaction:
 *
 *   1. request headers complete (END_HEADERS): the request buffers
 *      (http.method, http.uri, http.host, http.header, ...), once per
 *      header with http.request_header, http2.header and http2.header_name
 *      (the multi-buffers, one "name: value" instance each; app.h's
 *      app_window.instance says how detection treats them);
 *   2. request body windows from DATA frames (http.request_body);
 *   3. response headers: the request's own buffers again plus
 *      http.stat_code and the response's, per header as in 1;
 *   4. response body windows (http.response_body, file.data).
 *
 * Every frame also gives a unit of its own with http2.meta alone, for the
 * frame keywords; a stream's frames share one rule list, so a frame rule
 * alerts once per stream (frames of stream 0, the connection's, each
 * once), as Suricata alerts once per transaction.
 *
 * Frames are never trusted: a length past what is kept is read past and
 * counted, padding longer than its frame makes the frame empty, a
 * CONTINUATION that no HEADERS awaits is counted and skipped, and an HPACK
 * error stops the headers of that direction (its table can no longer be
 * followed) while frames and bodies go on. Header lists, bodies and the
 * number of streams are bounded (app_http2.h). What this file leaves to
 * others: the cleartext upgrade from HTTP/1 (h2c) is app_http.c's and
 * app_flow.c's (this parser starts after the 101, without the upgraded
 * request: its stream 1 has a response only); server push's promised
 * streams (their header blocks are decoded only to keep the table in
 * step); app-layer events (long frames and the rest are counted in struct
 * app_http2_counts, not yet anomaly records).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nghttp2/nghttp2.h>

#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_http.h"
#include "dataplane/app/app_event.h"
#include "dataplane/app/app_http2.h"
#include "dataplane/app/app_http_body.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_util.h"

#define H2_FLAG_END_STREAM  0x1
#define H2_FLAG_ACK	    0x1
#define H2_FLAG_END_HEADERS 0x4
#define H2_FLAG_PADDED	    0x8
#define H2_FLAG_PRIORITY    0x20

/* One header list (a stream's request or response headers): entries of
 * 4-byte name length, 4-byte value length, name, value. */
struct h2_block {
	struct http_bytes list;
	struct http_bytes header, names; /* http.header, http.header_names, built when complete */
	bool done;			 /* its END_HEADERS came: later blocks are trailers */
};

struct h2_stream {
	uint32_t id; /* 0: a free slot */
	uint64_t used;
	struct h2_block block[2]; /* by enum app_direction: request, response */
	struct http_body body[2];
	bool ended[2];		    /* END_STREAM (or RST_STREAM) seen */
	bool body_ok[2];	    /* the body's coding was looked at */
	bool end_stream_pending[2]; /* the HEADERS frame said END_STREAM; its block goes on */
	uint64_t res_len;	    /* response body bytes, decoded or not */
	struct app_body_rules each[2], frames;
};

struct h2_dir {
	uint8_t head[9];
	uint32_t head_seen;
	uint32_t frame_len, payload_seen, stream_id;
	uint8_t type, flags;
	uint32_t data_from, data_end; /* DATA: the payload's data bytes, once the pad is known */
	uint32_t preface_seen;
	bool preface_done;
	uint32_t continuation; /* the stream whose header block goes on; 0: none */
	bool continuation_push;
	uint32_t max_frame; /* what the peer's SETTINGS allow this direction */
	bool hpack_broken;
	nghttp2_hd_inflater *hpack;
	/* the frame: its 9-byte header, then its payload as kept (a DATA frame's
	 * too), whole in one place for the http2.pdu frame; H2_PAYLOAD() */
	uint8_t pdu[9 + HTTP2_FRAME_KEEP];
};

#define H2_PAYLOAD(d) ((d)->pdu + 9)

struct h2_state {
	struct h2_dir dir[2];
	struct h2_stream streams[HTTP2_STREAMS_MAX];
	uint64_t tick;
	uint32_t body_limit;
	struct h2_block discard; /* trailers and promised requests: decoded, not kept */
	struct http_bytes one;	 /* one instance of the multi-buffers */
	struct http_bytes line;	 /* http.request_line / http.response_line */
	uint8_t meta[HTTP2_META_FIXED + 6 * HTTP2_META_SETTINGS];
	uint32_t meta_len;
	uint32_t size_update; /* the last dynamic table size update of the block being read */
	bool has_size_update;
	struct app_http2_counts counts;
	app_emit_fn emit;
	void *emit_arg;
	struct app_details details;
	struct app_frames frames;
};

APP_DETAILS_FITS(struct app_http2_details);

static uint32_t h2_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void h2_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* --- header lists ---------------------------------------------------------------------------- */

static void h2_block_free(struct h2_block *b)
{
	http_bytes_free(&b->list);
	http_bytes_free(&b->header);
	http_bytes_free(&b->names);
	memset(b, 0, sizeof(*b));
}

static void h2_block_add(struct h2_state *s, struct h2_block *b, const uint8_t *name,
			 size_t name_len, const uint8_t *value, size_t value_len)
{
	uint8_t lens[8];
	if (b == &s->discard)
		return;
	if (8 + name_len + value_len > HTTP2_HEADERS_LIMIT - b->list.len) {
		s->counts.headers_cut++;
		return;
	}
	h2_put32(lens, (uint32_t)name_len);
	h2_put32(lens + 4, (uint32_t)value_len);
	http_bytes_append(&b->list, lens, 8, HTTP2_HEADERS_LIMIT);
	http_bytes_append(&b->list, name, name_len, HTTP2_HEADERS_LIMIT);
	http_bytes_append(&b->list, value, value_len, HTTP2_HEADERS_LIMIT);
}

/* The entry at *off (advanced past it); false at the end. */
static bool h2_block_next(const struct h2_block *b, uint32_t *off, const uint8_t **name,
			  uint32_t *name_len, const uint8_t **value, uint32_t *value_len)
{
	if (*off + 8 > b->list.len)
		return false;
	const uint8_t *p = b->list.data + *off;
	*name_len = h2_be32(p);
	*value_len = h2_be32(p + 4);
	*name = p + 8;
	*value = p + 8 + *name_len;
	*off += 8 + *name_len + *value_len;
	return *off <= b->list.len;
}

/* The value of the first header called name (lowercase, as HTTP/2 sends names); NULL: none. */
static const uint8_t *h2_block_get(const struct h2_block *b, const char *name, uint32_t *len)
{
	const uint8_t *n, *v;
	uint32_t nl, vl, off = 0;
	size_t want = strlen(name);
	while (h2_block_next(b, &off, &n, &nl, &v, &vl))
		if (nl == want && strncasecmp((const char *)n, name, want) == 0) {
			*len = vl;
			return v;
		}
	return NULL;
}

/*
 * http.header ("name: value\r\n" per regular header; the pseudo-headers
 * and the cookie, which has its own buffer, left out as HTTP/1's) and
 * http.header_names ("\r\nname\r\n...\r\n"), once the list is complete.
 */
static void h2_block_build(struct h2_block *b, bool request)
{
	const uint8_t *n, *v;
	uint32_t nl, vl, off = 0;
	const uint32_t lim = HTTP2_HEADERS_LIMIT;
	const char *cookie = request ? "cookie" : "set-cookie";
	http_bytes_append(&b->names, "\r\n", 2, lim);
	while (h2_block_next(b, &off, &n, &nl, &v, &vl)) {
		if (nl && n[0] == ':')
			continue;
		http_bytes_append(&b->names, n, nl, lim);
		http_bytes_append(&b->names, "\r\n", 2, lim);
		if (nl == strlen(cookie) && strncasecmp((const char *)n, cookie, nl) == 0)
			continue;
		http_bytes_append(&b->header, n, nl, lim);
		http_bytes_append(&b->header, ": ", 2, lim);
		http_bytes_append(&b->header, v, vl, lim);
		http_bytes_append(&b->header, "\r\n", 2, lim);
	}
	http_bytes_append(&b->names, "\r\n", 2, lim);
}

/* --- streams --------------------------------------------------------------------------------- */

static void h2_stream_free(struct h2_stream *st)
{
	for (int d = 0; d < 2; d++) {
		h2_block_free(&st->block[d]);
		http_body_free(&st->body[d]);
	}
	memset(st, 0, sizeof(*st));
}

/* The stream id, made when absent (the least recently used one goes when all are taken). */
static struct h2_stream *h2_stream_get(struct h2_state *s, uint32_t id, bool create)
{
	struct h2_stream *free_slot = NULL, *oldest = NULL;
	if (!id)
		return NULL; /* the connection's frames belong to no stream (and 0 marks a free slot) */
	for (unsigned i = 0; i < HTTP2_STREAMS_MAX; i++) {
		struct h2_stream *st = &s->streams[i];
		if (st->id == id) {
			st->used = ++s->tick;
			return st;
		}
		if (!st->id && !free_slot)
			free_slot = st;
		if (st->id && (!oldest || st->used < oldest->used))
			oldest = st;
	}
	if (!create)
		return NULL;
	if (!free_slot) {
		s->counts.streams_evicted++;
		h2_stream_free(oldest);
		free_slot = oldest;
	}
	free_slot->id = id;
	free_slot->used = ++s->tick;
	return free_slot;
}

/* --- units ----------------------------------------------------------------------------------- */

static void h2_set(struct app_unit *u, enum rule_buffer b, const void *data, size_t len)
{
	if (!data)
		return;
	u->buffer[b] = data;
	u->buffer_len[b] = (uint32_t)len;
}

static void h2_set_header(struct app_unit *u, enum rule_buffer b, const struct h2_block *blk,
			  const char *name)
{
	uint32_t len;
	const uint8_t *v = h2_block_get(blk, name, &len);
	/* an empty value is still present: point at the name's bytes, length 0 */
	h2_set(u, b, v, len);
}

static rule_buffer_mask h2_unit_mask(const struct app_unit *u)
{
	rule_buffer_mask mask = 0;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (u->buffer[b])
			mask |= RULE_BUFFER_BIT(b);
	return mask;
}

/*
 * http.host from :authority (else Host): what follows any userinfo, without
 * the port, lowercased and without trailing dots, into out (at most size
 * bytes); its length.
 */
static uint32_t h2_host(const struct h2_block *req, uint8_t *out, uint32_t size)
{
	uint32_t len;
	const uint8_t *a = h2_block_get(req, ":authority", &len);
	if (!a)
		a = h2_block_get(req, "host", &len);
	if (!a)
		return 0;
	for (uint32_t i = len; i > 0; i--)
		if (a[i - 1] == '@') {
			a += i;
			len -= i;
			break;
		}
	uint32_t end = len;
	if (len && a[0] == '[') {
		const uint8_t *close = memchr(a, ']', len);
		end = close ? (uint32_t)(close - a) + 1 : len;
	} else {
		const uint8_t *colon = memchr(a, ':', len);
		end = colon ? (uint32_t)(colon - a) : len;
	}
	while (end && a[end - 1] == '.')
		end--;
	if (end > size)
		end = size;
	for (uint32_t i = 0; i < end; i++)
		out[i] = (a[i] >= 'A' && a[i] <= 'Z') ? (uint8_t)(a[i] - 'A' + 'a') : a[i];
	return end;
}

/* The buffers of the request only (carried into the response's units). */
static void h2_unit_request_own(struct h2_state *s, struct app_unit *u, const struct h2_block *req,
				uint8_t *host, uint32_t host_size)
{
	uint32_t path_len, method_len, host_len = h2_host(req, host, host_size);
	const uint8_t *path = h2_block_get(req, ":path", &path_len);
	const uint8_t *method = h2_block_get(req, ":method", &method_len);
	h2_set(u, RULE_BUFFER_HTTP_URI, path, path_len);
	h2_set(u, RULE_BUFFER_HTTP_URI_RAW, path, path_len);
	h2_set(u, RULE_BUFFER_HTTP_METHOD, method, method_len);
	if (host_len)
		h2_set(u, RULE_BUFFER_HTTP_HOST, host, host_len);
	h2_set_header(u, RULE_BUFFER_HTTP_HOST_RAW, req, ":authority");
	if (!u->buffer[RULE_BUFFER_HTTP_HOST_RAW])
		h2_set_header(u, RULE_BUFFER_HTTP_HOST_RAW, req, "host");
	h2_set_header(u, RULE_BUFFER_HTTP_USER_AGENT, req, "user-agent");
	h2_set_header(u, RULE_BUFFER_HTTP_REFERER, req, "referer");
	h2_set_header(u, RULE_BUFFER_HTTP_ACCEPT, req, "accept");
	h2_set_header(u, RULE_BUFFER_HTTP_ACCEPT_ENC, req, "accept-encoding");
	h2_set_header(u, RULE_BUFFER_HTTP_ACCEPT_LANG, req, "accept-language");
	/* Suricata's request line for HTTP/2: "method path HTTP/2" */
	s->line.len = 0;
	if (method && path) {
		http_bytes_append(&s->line, method, method_len, HTTP2_HEADERS_LIMIT);
		http_bytes_append(&s->line, " ", 1, HTTP2_HEADERS_LIMIT);
		http_bytes_append(&s->line, path, path_len, HTTP2_HEADERS_LIMIT);
		http_bytes_append(&s->line, " HTTP/2", 7, HTTP2_HEADERS_LIMIT);
		h2_set(u, RULE_BUFFER_HTTP_REQUEST_LINE, s->line.data, s->line.len);
	}
}

/* The buffers both directions have, from the block of one of them. */
static void h2_unit_shared(struct app_unit *u, const struct h2_block *b, bool request)
{
	h2_set(u, RULE_BUFFER_HTTP_PROTOCOL, "HTTP/2", 6);
	h2_set(u, RULE_BUFFER_HTTP_HEADER, b->header.data, b->header.len);
	h2_set(u, RULE_BUFFER_HTTP_HEADER_NAMES, b->names.data, b->names.len);
	h2_set_header(u, RULE_BUFFER_HTTP_COOKIE, b, request ? "cookie" : "set-cookie");
	h2_set_header(u, RULE_BUFFER_HTTP_CONTENT_TYPE, b, "content-type");
	h2_set_header(u, RULE_BUFFER_HTTP_CONTENT_LEN, b, "content-length");
}

static void h2_unit_response(struct app_unit *u, const struct h2_block *res)
{
	uint32_t len;
	const uint8_t *status = h2_block_get(res, ":status", &len);
	h2_unit_shared(u, res, false);
	h2_set(u, RULE_BUFFER_HTTP_STAT_CODE, status, len);
	h2_set_header(u, RULE_BUFFER_HTTP_LOCATION, res, "location");
	h2_set_header(u, RULE_BUFFER_HTTP_SERVER, res, "server");
}

static void h2_details_text(char *out, size_t size, const struct h2_block *b, const char *name,
			    uint8_t *cut, uint8_t flag)
{
	uint32_t len = 0;
	const uint8_t *v = h2_block_get(b, name, &len);
	if (app_text_copy(out, size, v ? v : (const uint8_t *)"", v ? len : 0))
		*cut |= flag;
}

/* EVE's http object for the stream, into the flow's one details struct. */
static void h2_details_fill(struct h2_state *s, const struct h2_stream *st)
{
	memset(&s->details, 0, sizeof(s->details));
	struct app_http2_details *h = (struct app_http2_details *)(void *)s->details.proto;
	const struct h2_block *req = &st->block[APP_TO_SERVER];
	uint8_t host[APP_TEXT_MAX];
	uint32_t host_len = h2_host(req, host, sizeof(host));
	if (app_text_copy(h->hostname, sizeof(h->hostname), host, host_len))
		h->cut |= HTTP2_CUT_HOSTNAME;
	h2_details_text(h->url, sizeof(h->url), req, ":path", &h->cut, HTTP2_CUT_URL);
	h2_details_text(h->user_agent, sizeof(h->user_agent), req, "user-agent", &h->cut,
			HTTP2_CUT_USER_AGENT);
	uint8_t unused = 0;
	h2_details_text(h->method, sizeof(h->method), req, ":method", &unused, 0);
	uint32_t len;
	const uint8_t *status = h2_block_get(&st->block[APP_TO_CLIENT], ":status", &len);
	uint32_t code = 0;
	for (uint32_t i = 0; status && i < len && i < 4 && status[i] >= '0' && status[i] <= '9';
	     i++)
		code = code * 10 + (uint32_t)(status[i] - '0');
	h->status = code < 1000 ? (uint16_t)code : 0;
	h->length = st->res_len;
	h->stream_id = st->id;
}

/*
 * The headers unit once per header (see app_http.c's http_emit_each_header
 * for the scheme): http.request_header or http.response_header, http2.header
 * ("name: value") and http2.header_name move together, one header each.
 */
static void h2_emit_each_header(struct h2_state *s, struct app_unit *u, const struct h2_block *b,
				enum rule_buffer each, struct app_body_rules *rules)
{
	const rule_buffer_mask mask = RULE_BUFFER_BIT(each) |
				      RULE_BUFFER_BIT(RULE_BUFFER_HTTP2_HEADER) |
				      RULE_BUFFER_BIT(RULE_BUFFER_HTTP2_HEADER_NAME);
	const uint8_t *n, *v;
	uint32_t nl, vl, off = 0;
	bool sent = false;
	u->window.buffers = mask;
	u->window.rules = rules;
	u->window.instance = true;
	while (h2_block_next(b, &off, &n, &nl, &v, &vl)) {
		s->one.len = 0;
		http_bytes_append(&s->one, n, nl, HTTP2_HEADERS_LIMIT);
		http_bytes_append(&s->one, ": ", 2, HTTP2_HEADERS_LIMIT);
		http_bytes_append(&s->one, v, vl, HTTP2_HEADERS_LIMIT);
		if (!s->one.data)
			continue;
		u->window.instance_follows = off < b->list.len;
		if (sent) {
			u->repeat = true;
			u->fresh = mask;
		} else {
			u->fresh |= mask;
		}
		h2_set(u, each, s->one.data, s->one.len);
		h2_set(u, RULE_BUFFER_HTTP2_HEADER, s->one.data, s->one.len);
		h2_set(u, RULE_BUFFER_HTTP2_HEADER_NAME, s->one.data, nl);
		s->emit(s->emit_arg, u);
		sent = true;
	}
	if (!sent) {
		memset(&u->window, 0, sizeof(u->window));
		s->emit(s->emit_arg, u);
	}
}

/*
 * What Suricata finds wrong in a request's headers, on a unit of its own
 * (the request's record is its headers unit's): userinfo in :authority
 * ("user:pass@host"), credentials in the clear or a host disguised.
 */
static void h2_request_events(struct h2_state *s, const struct h2_block *req)
{
	uint32_t len;
	const uint8_t *authority = h2_block_get(req, ":authority", &len);
	if (!authority || !memchr(authority, '@', len))
		return;
	struct app_events events = {.count = 0};
	/* only app-layer-event rules are new to it: the rest saw the request */
	struct app_unit u = {.details = &s->details,
			     .repeat = true,
			     .fresh = RULE_BUFFER_BIT(RULE_BUFFER_APP_EVENTS)};
	app_events_add(&events, RULE_APP_EVENT_HTTP2_USERINFO_IN_URI);
	app_events_attach(&u, &events);
	s->emit(s->emit_arg, &u);
}

/* A headers unit (body NULL) or a body window of one direction of st. */
static void h2_emit(struct h2_state *s, struct h2_stream *st, enum app_direction dir,
		    const struct app_window *window)
{
	struct app_unit u;
	uint8_t host[APP_TEXT_MAX];
	memset(&u, 0, sizeof(u));
	h2_unit_request_own(s, &u, &st->block[APP_TO_SERVER], host, sizeof(host));
	rule_buffer_mask carried = 0;
	if (dir == APP_TO_SERVER) {
		h2_unit_shared(&u, &st->block[APP_TO_SERVER], true);
		if (window) {
			carried = h2_unit_mask(&u);
			h2_set(&u, RULE_BUFFER_HTTP_REQUEST_BODY, st->body[dir].data.data,
			       st->body[dir].data.len);
		}
	} else {
		carried = h2_unit_mask(&u);
		h2_unit_response(&u, &st->block[APP_TO_CLIENT]);
		if (window) {
			carried = h2_unit_mask(&u);
			h2_set(&u, RULE_BUFFER_HTTP_RESPONSE_BODY, st->body[dir].data.data,
			       st->body[dir].data.len);
			h2_set(&u, RULE_BUFFER_FILE_DATA, st->body[dir].data.data,
			       st->body[dir].data.len);
		}
	}
	u.fresh = h2_unit_mask(&u) & ~carried;
	h2_details_fill(s, st);
	u.details = &s->details;
	if (window) {
		u.window = *window;
		u.window.buffers = u.fresh;
		s->emit(s->emit_arg, &u);
		return;
	}
	if (dir == APP_TO_SERVER) {
		h2_emit_each_header(s, &u, &st->block[dir], RULE_BUFFER_HTTP_REQUEST_HEADER,
				    &st->each[dir]);
		h2_request_events(s, &st->block[dir]);
	} else
		h2_emit_each_header(s, &u, &st->block[dir], RULE_BUFFER_HTTP_RESPONSE_HEADER,
				    &st->each[dir]);
}

/* A window of one direction's body when one is due (ended: END_STREAM came). */
static void h2_body_inspect(struct h2_state *s, struct h2_stream *st, enum app_direction dir,
			    bool ended)
{
	struct app_window w;
	if (!st->body[dir].data.len && !st->body[dir].inspected)
		return; /* no body: no unit */
	if (http_body_window(&st->body[dir], ended, false, s->body_limit, &w))
		h2_emit(s, st, dir, &w);
}

/*
 * The frame's own unit: http2.meta alone, never a record of its own (repeat);
 * a stream's frames share its rule list (one alert per stream).
 */
static void h2_emit_frame(struct h2_state *s, struct h2_dir *d)
{
	struct app_unit u;
	memset(&u, 0, sizeof(u));
	s->meta[0] = d->type;
	if (s->has_size_update) {
		s->meta[1] |= HTTP2_META_SIZE_UPDATE;
		h2_put32(s->meta + HTTP2_META_OFF_SIZE, s->size_update);
	}
	h2_set(&u, RULE_BUFFER_HTTP2_META, s->meta, s->meta_len);
	u.fresh = RULE_BUFFER_BIT(RULE_BUFFER_HTTP2_META);
	u.repeat = true;
	struct h2_stream *st = d->stream_id ? h2_stream_get(s, d->stream_id, false) : NULL;
	if (st) {
		u.window.buffers = u.fresh;
		u.window.instance = true;
		u.window.rules = &st->frames;
	}
	u.details = &s->details;
	s->emit(s->emit_arg, &u);
}

/* --- frames ---------------------------------------------------------------------------------- */

/*
 * Decode one fragment of a header block into b; final: the block ends
 * with it. An HPACK error leaves the direction's table unknown: its later
 * blocks are not decoded (counted), since every header after would be
 * guessed.
 */
static void h2_inflate(struct h2_state *s, struct h2_dir *d, struct h2_block *b, const uint8_t *in,
		       size_t len, bool final)
{
	if (d->hpack_broken || !d->hpack)
		return;
	for (;;) {
		nghttp2_nv nv;
		int flags = 0;
		ssize_t used = nghttp2_hd_inflate_hd2(d->hpack, &nv, &flags, in, len, final);
		if (used < 0) {
			d->hpack_broken = true;
			s->counts.hpack_errors++;
			return;
		}
		in += used;
		len -= (size_t)used;
		if (flags & NGHTTP2_HD_INFLATE_EMIT)
			h2_block_add(s, b, nv.name, nv.namelen, nv.value, nv.valuelen);
		if (flags & NGHTTP2_HD_INFLATE_FINAL) {
			nghttp2_hd_inflate_end_headers(d->hpack);
			return;
		}
		if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && !len)
			return;
	}
}

/* HPACK dynamic table size updates at the start of a block (001xxxxx, RFC 7541 6.3). */
static void h2_size_updates(struct h2_state *s, const uint8_t *p, uint32_t len)
{
	uint32_t i = 0;
	while (i < len && (p[i] & 0xe0) == 0x20) {
		uint64_t v = p[i] & 0x1f;
		i++;
		if (v == 0x1f) {
			unsigned shift = 0;
			while (i < len && shift < 28) {
				v += (uint64_t)(p[i] & 0x7f) << shift;
				shift += 7;
				if (!(p[i++] & 0x80))
					break;
			}
		}
		s->size_update = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		s->has_size_update = true;
	}
}

/* The stream's header block for this direction: its headers, or the discard list for trailers. */
static struct h2_block *h2_block_for(struct h2_state *s, struct h2_stream *st,
				     enum app_direction dir)
{
	if (!st || st->block[dir].done)
		return &s->discard;
	return &st->block[dir];
}

/* The block of st in direction dir has ended: build its buffers and hand it over. */
static void h2_headers_done(struct h2_state *s, struct h2_stream *st, enum app_direction dir)
{
	struct h2_block *b = &st->block[dir];
	if (b->done)
		return;
	/* an informational response (1xx) is followed by the real one */
	uint32_t len;
	const uint8_t *status = h2_block_get(b, ":status", &len);
	if (dir == APP_TO_CLIENT && status && len == 3 && status[0] == '1') {
		b->list.len = 0;
		return;
	}
	b->done = true;
	h2_block_build(b, dir == APP_TO_SERVER);
	h2_emit(s, st, dir, NULL);
}

static void h2_stream_end(struct h2_state *s, struct h2_stream *st, enum app_direction dir)
{
	if (st->ended[dir])
		return;
	st->ended[dir] = true;
	if (st->body[dir].data.len || st->body[dir].inspected)
		h2_body_inspect(s, st, dir, true);
	if (st->ended[APP_TO_SERVER] && st->ended[APP_TO_CLIENT])
		h2_stream_free(st);
}

/*
 * The header block fragment of a HEADERS, CONTINUATION or PUSH_PROMISE
 * frame. Padding or fields past the frame leave it empty (the peer refuses
 * such a frame; the table is untouched). False: the frame was longer than
 * kept, so its block is lost.
 */
static bool h2_fragment(const struct h2_dir *d, const uint8_t **frag, uint32_t *frag_len)
{
	uint32_t len = d->frame_len, from = 0, pad = 0;
	*frag = H2_PAYLOAD(d);
	*frag_len = 0;
	if (len > HTTP2_FRAME_KEEP)
		return false;
	if (d->type != HTTP2_FRAME_CONT && (d->flags & H2_FLAG_PADDED)) {
		if (!len)
			return true;
		pad = H2_PAYLOAD(d)[0];
		from = 1;
	}
	if (d->type == HTTP2_FRAME_HEADERS && (d->flags & H2_FLAG_PRIORITY))
		from += 5;
	if (d->type == HTTP2_FRAME_PUSH)
		from += 4; /* the promised stream */
	*frag = H2_PAYLOAD(d);
	*frag_len = 0;
	if ((uint64_t)from + pad > len)
		return true;
	*frag = H2_PAYLOAD(d) + from;
	*frag_len = len - from - pad;
	return true;
}

/* A complete HEADERS, CONTINUATION or PUSH_PROMISE frame (its bytes at H2_PAYLOAD(d)). */
static void h2_frame_header_block(struct h2_state *s, struct h2_dir *d, enum app_direction dir)
{
	const uint8_t *frag;
	uint32_t frag_len;
	bool end_headers = d->flags & H2_FLAG_END_HEADERS;
	bool push = d->type == HTTP2_FRAME_PUSH;
	if (d->type == HTTP2_FRAME_CONT) {
		if (!d->continuation || d->continuation != d->stream_id) {
			s->counts.bad_continuation++;
			return;
		}
		push = d->continuation_push;
	}
	if (!h2_fragment(d, &frag, &frag_len)) {
		/* the block cannot be decoded whole: the table is lost */
		d->hpack_broken = true;
		s->counts.hpack_errors++;
		d->continuation = 0;
		return;
	}
	struct h2_stream *st = NULL;
	if (!push && d->stream_id)
		st = h2_stream_get(s, d->stream_id, true);
	if (d->type == HTTP2_FRAME_HEADERS && st)
		st->end_stream_pending[dir] = d->flags & H2_FLAG_END_STREAM;
	h2_inflate(s, d, push ? &s->discard : h2_block_for(s, st, dir), frag, frag_len,
		   end_headers);
	d->continuation = end_headers ? 0 : d->stream_id;
	d->continuation_push = !end_headers && push;
	if (!end_headers || !st)
		return;
	h2_headers_done(s, st, dir);
	/* END_STREAM sits on the HEADERS frame, even when CONTINUATIONs carry the rest */
	if (st->end_stream_pending[dir])
		h2_stream_end(s, st, dir);
}

/* What a SETTINGS frame changes: the other direction's table and frame size bounds. */
static void h2_frame_settings(struct h2_state *s, struct h2_dir *d, enum app_direction dir)
{
	uint32_t kept = d->frame_len < HTTP2_FRAME_KEEP ? d->frame_len : HTTP2_FRAME_KEEP;
	struct h2_dir *peer = &s->dir[!dir];
	for (uint32_t off = 0; off + 6 <= kept; off += 6) {
		const uint8_t *e = H2_PAYLOAD(d) + off;
		uint32_t id = (uint32_t)e[0] << 8 | e[1], value = h2_be32(e + 2);
		/* what this side allows bounds what the other side sends it */
		if (id == 1 && peer->hpack)
			nghttp2_hd_inflate_change_table_size(
			    peer->hpack, value < HTTP2_TABLE_MAX ? value : HTTP2_TABLE_MAX);
		if (id == 5 && value >= 16384 && value <= 16777215)
			peer->max_frame = value;
	}
}

/* http2.meta of a complete frame (app_http2.h), into s->meta. */
static void h2_frame_meta(struct h2_state *s, const struct h2_dir *d)
{
	const uint8_t *p = H2_PAYLOAD(d);
	uint32_t len = d->frame_len < HTTP2_FRAME_KEEP ? d->frame_len : HTTP2_FRAME_KEEP;
	memset(s->meta, 0, HTTP2_META_FIXED);
	s->meta_len = HTTP2_META_FIXED;
	s->meta[0] = d->type;
	uint32_t at = d->type == HTTP2_FRAME_GOAWAY ? 4 : 0;
	const uint8_t *frag;
	uint32_t frag_len;
	switch (d->type) {
	case HTTP2_FRAME_HEADERS:
		if ((d->flags & H2_FLAG_PRIORITY) && len >= 5u + !!(d->flags & H2_FLAG_PADDED)) {
			s->meta[1] |= HTTP2_META_PRIORITY;
			s->meta[HTTP2_META_OFF_WEIGHT] = p[4 + !!(d->flags & H2_FLAG_PADDED)];
		}
		if (h2_fragment(d, &frag, &frag_len))
			h2_size_updates(s, frag, frag_len);
		break;
	case HTTP2_FRAME_PRIORITY:
		if (len >= 5) {
			s->meta[1] |= HTTP2_META_PRIORITY;
			s->meta[HTTP2_META_OFF_WEIGHT] = p[4];
		}
		break;
	case HTTP2_FRAME_RST:
	case HTTP2_FRAME_GOAWAY:
		if (len >= at + 4) {
			s->meta[1] |= HTTP2_META_ERRORCODE;
			memcpy(s->meta + HTTP2_META_OFF_ERROR, p + at, 4);
		}
		break;
	case HTTP2_FRAME_SETTINGS:
		for (uint32_t off = 0; off + 6 <= len && s->meta_len + 6 <= sizeof(s->meta);
		     off += 6) {
			memcpy(s->meta + s->meta_len, p + off, 6);
			s->meta_len += 6;
		}
		break;
	case HTTP2_FRAME_WINDOW:
		if (len >= 4) {
			s->meta[1] |= HTTP2_META_WINDOW;
			h2_put32(s->meta + HTTP2_META_OFF_WINDOW, h2_be32(p) & 0x7fffffffu);
		}
		break;
	default:
		break;
	}
}

/*
 * A frame whose payload is complete: what it changes, then its own unit;
 * a stream it ends goes after that unit, which still needs the stream.
 */
static void h2_frame_done(struct h2_state *s, struct h2_dir *d, enum app_direction dir)
{
	s->has_size_update = false;
	h2_frame_meta(s, d);
	switch (d->type) {
	case HTTP2_FRAME_HEADERS:
	case HTTP2_FRAME_CONT:
	case HTTP2_FRAME_PUSH:
		h2_frame_header_block(s, d, dir);
		break;
	case HTTP2_FRAME_SETTINGS:
		if (!(d->flags & H2_FLAG_ACK))
			h2_frame_settings(s, d, dir);
		break;
	default:
		break;
	}
	h2_emit_frame(s, d);
	struct h2_stream *st = d->stream_id ? h2_stream_get(s, d->stream_id, false) : NULL;
	if (!st)
		return;
	if (d->type == HTTP2_FRAME_DATA && (d->flags & H2_FLAG_END_STREAM))
		h2_stream_end(s, st, dir);
	else if (d->type == HTTP2_FRAME_RST) {
		h2_stream_end(s, st, dir);
		if (st->id)
			h2_stream_end(s, st, !dir);
	}
}

/* DATA bytes of the frame being read: the stream's body, as they come. */
static void h2_data(struct h2_state *s, struct h2_dir *d, enum app_direction dir,
		    const uint8_t *data, uint32_t len)
{
	struct h2_stream *st = h2_stream_get(s, d->stream_id, false);
	if (!st || st->ended[dir] || !len)
		return;
	struct http_body *b = &st->body[dir];
	if (!st->body_ok[dir]) {
		uint32_t clen;
		const uint8_t *coding = h2_block_get(&st->block[dir], "content-encoding", &clen);
		if (coding)
			http_body_coding(b, coding, clen);
		b->coding_known = true;
		st->body_ok[dir] = true;
	}
	if (dir == APP_TO_CLIENT)
		st->res_len += len;
	http_body_feed(b, data, len, s->body_limit);
	h2_body_inspect(s, st, dir, false);
}

/* A frame's 9-byte header is complete: set up reading its payload. */
static void h2_frame_begin(struct h2_state *s, struct h2_dir *d)
{
	d->frame_len = (uint32_t)d->head[0] << 16 | (uint32_t)d->head[1] << 8 | d->head[2];
	d->type = d->head[3];
	d->flags = d->head[4];
	d->stream_id = h2_be32(d->head + 5) & 0x7fffffffu;
	d->payload_seen = 0;
	d->data_from = d->data_end = 0;
	if (d->frame_len > d->max_frame &&
	    (d->type == HTTP2_FRAME_DATA || d->type == HTTP2_FRAME_HEADERS))
		s->counts.long_frames++;
	else if (d->frame_len > HTTP2_FRAME_KEEP && d->type != HTTP2_FRAME_DATA)
		s->counts.frames_cut++;
	if (d->type == HTTP2_FRAME_DATA && !(d->flags & H2_FLAG_PADDED)) {
		d->data_from = 0;
		d->data_end = d->frame_len;
	}
}

/* Payload bytes of a DATA frame: the pad length first when PADDED, then data, then padding. */
static void h2_data_take(struct h2_state *s, struct h2_dir *d, enum app_direction dir,
			 const uint8_t **data, uint32_t *len)
{
	uint32_t want = d->frame_len - d->payload_seen;
	uint32_t take = *len < want ? *len : want;
	const uint8_t *p = *data;
	uint32_t at = d->payload_seen;
	/* kept for the frame's http2.pdu and http2.data frames, as far as it fits */
	if (at < HTTP2_FRAME_KEEP && app_frames_wanted)
		memcpy(H2_PAYLOAD(d) + at, p,
		       take < HTTP2_FRAME_KEEP - at ? take : HTTP2_FRAME_KEEP - at);
	if ((d->flags & H2_FLAG_PADDED) && at == 0 && take) {
		uint32_t pad = p[0];
		d->data_from = 1;
		d->data_end = pad + 1 <= d->frame_len ? d->frame_len - pad : 1;
	}
	uint32_t from = at > d->data_from ? at : d->data_from;
	uint32_t to = at + take < d->data_end ? at + take : d->data_end;
	if (to > from)
		h2_data(s, d, dir, p + (from - at), to - from);
	d->payload_seen += take;
	*data += take;
	*len -= take;
}

/* The client preface, skipped; a stream picked up without it starts with frames. */
static void h2_preface(struct h2_dir *d, const uint8_t **data, uint32_t *len)
{
	while (*len && d->preface_seen < HTTP2_PREFACE_LEN) {
		if (**data != (uint8_t)HTTP2_PREFACE[d->preface_seen]) {
			d->preface_done = true;
			return;
		}
		d->preface_seen++;
		(*data)++;
		(*len)--;
	}
	if (d->preface_seen == HTTP2_PREFACE_LEN)
		d->preface_done = true;
}

/*
 * The frame's frames, as Suricata's HTTP/2 parser marks them: http2.pdu,
 * header and payload; http2.hdr, the 9-byte header; http2.data, the
 * payload (of every frame type, not DATA's only). end: the stream offset
 * just past the frame.
 */
static void h2_frames(struct h2_state *s, struct h2_dir *d, enum app_direction dir, uint64_t end)
{
	uint64_t length = 9 + (uint64_t)d->frame_len;
	uint32_t held = d->frame_len < HTTP2_FRAME_KEEP ? d->frame_len : HTTP2_FRAME_KEEP;
	uint64_t at = end - length;
	const int64_t tx = -1; /* Suricata's transaction numbers are not stream ids */
	memcpy(d->pdu, d->head, 9);
	app_frame_emit(&s->frames, s->emit, s->emit_arg, RULE_FRAME_HTTP2_PDU, dir, d->pdu,
		       9 + held, at, length, tx, &s->details);
	app_frame_emit(&s->frames, s->emit, s->emit_arg, RULE_FRAME_HTTP2_HDR, dir, d->pdu, 9, at,
		       9, tx, &s->details);
	app_frame_emit(&s->frames, s->emit, s->emit_arg, RULE_FRAME_HTTP2_DATA, dir, H2_PAYLOAD(d),
		       held, at + 9, d->frame_len, tx, &s->details);
}

static void h2_parse_dir(struct h2_state *s, enum app_direction dir, const uint8_t *data,
			 uint32_t len)
{
	struct h2_dir *d = &s->dir[dir];
	const uint8_t *start = data;
	if (!d->preface_done)
		h2_preface(d, &data, &len);
	while (len) {
		if (d->head_seen < 9) {
			if (!app_message_take(d->head, 9, 9, &d->head_seen, &data, &len))
				return;
			h2_frame_begin(s, d);
		}
		if (d->type == HTTP2_FRAME_DATA)
			h2_data_take(s, d, dir, &data, &len);
		else
			app_message_take(H2_PAYLOAD(d), HTTP2_FRAME_KEEP, d->frame_len,
					 &d->payload_seen, &data, &len);
		if (d->payload_seen < d->frame_len)
			return;
		h2_frame_done(s, d, dir);
		h2_frames(s, d, dir, app_frame_stream_at(&s->frames, dir, start, data));
		d->head_seen = 0;
	}
}

/* --- detection ------------------------------------------------------------------------------- */

/*
 * To the server: the client preface. To the client: a server's first
 * frame is SETTINGS on stream 0 (RFC 9113 3.4); a server seen first (its
 * preface answers the client's, and captures often show it first) is
 * recognised so when the frame has whole entries, no flags, and a first
 * entry naming a setting RFC 9113 and its extensions define (1..9): an
 * empty SETTINGS is nine bytes other length-prefixed protocols could
 * start with, so such a flow is left to the client's preface.
 */
static enum app_detect_result h2_detect(const uint8_t *data, uint32_t len,
					enum app_direction direction)
{
	if (!data || !len)
		return APP_DETECT_NEED_MORE;
	if (direction == APP_TO_SERVER) {
		uint32_t n = len < HTTP2_PREFACE_LEN ? len : HTTP2_PREFACE_LEN;
		if (memcmp(data, HTTP2_PREFACE, n) != 0)
			return APP_DETECT_NO;
		return n == HTTP2_PREFACE_LEN ? APP_DETECT_YES : APP_DETECT_NEED_MORE;
	}
	if (len < 11)
		return data[0] == 0 ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
	uint32_t flen = (uint32_t)data[0] << 16 | (uint32_t)data[1] << 8 | data[2];
	uint32_t id = (uint32_t)data[9] << 8 | data[10];
	bool settings = data[3] == HTTP2_FRAME_SETTINGS && h2_be32(data + 5) == 0 &&
			flen % 6 == 0 && flen >= 6 && flen <= 16384 && data[4] == 0 && id >= 1 &&
			id <= 9;
	return settings ? APP_DETECT_YES : APP_DETECT_NO;
}

/* --- flow state ------------------------------------------------------------------------------ */

static void h2_destroy(void *state)
{
	struct h2_state *s = state;
	if (!s)
		return;
	for (unsigned i = 0; i < HTTP2_STREAMS_MAX; i++)
		h2_stream_free(&s->streams[i]);
	for (int d = 0; d < 2; d++)
		if (s->dir[d].hpack)
			nghttp2_hd_inflate_del(s->dir[d].hpack);
	h2_block_free(&s->discard);
	http_bytes_free(&s->one);
	http_bytes_free(&s->line);
	free(s);
}

static void *h2_create(const struct app_config *config)
{
	struct h2_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->body_limit =
	    config && config->body_limit ? config->body_limit : APP_HTTP_BODY_LIMIT_DEFAULT;
	for (int d = 0; d < 2; d++) {
		s->dir[d].max_frame = 16384;
		s->dir[d].preface_done = d == APP_TO_CLIENT;
		if (nghttp2_hd_inflate_new(&s->dir[d].hpack) != 0) {
			s->dir[d].hpack = NULL;
			h2_destroy(s);
			return NULL;
		}
	}
	return s;
}

static void h2_parse(void *state, enum app_direction direction, const uint8_t *data, uint32_t len,
		     app_emit_fn emit, void *arg)
{
	struct h2_state *s = state;
	if (!s || (direction != APP_TO_SERVER && direction != APP_TO_CLIENT))
		return;
	s->emit = emit;
	s->emit_arg = arg;
	if (data && len)
		h2_parse_dir(s, direction, data, len);
	app_frame_stream_done(&s->frames, direction, len);
	s->emit = NULL;
	s->emit_arg = NULL;
}

const struct app_http2_counts *app_http2_counts(const void *state)
{
	return &((const struct h2_state *)state)->counts;
}

/* --- EVE ------------------------------------------------------------------------------------- */

/*
 * ,"http":{"hostname":...,"url":...,"http_user_agent":...,"http_method":...,
 * "protocol":"HTTP/2","status":N,"length":N,"version":"2","http2":{"stream_id":N}},
 * the empty fields left out, as Suricata writes an HTTP/2 transaction.
 */
static void h2_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct app_http2_details *h = app_http2_details_const(d);
	app_json_key(out, "http");
	app_json_begin(out, "{");
	app_json_text_cut(out, "hostname", h->hostname, sizeof(h->hostname),
			  h->cut & HTTP2_CUT_HOSTNAME);
	app_json_text_cut(out, "url", h->url, sizeof(h->url), h->cut & HTTP2_CUT_URL);
	app_json_text_cut(out, "http_user_agent", h->user_agent, sizeof(h->user_agent),
			  h->cut & HTTP2_CUT_USER_AGENT);
	app_json_text(out, "http_method", h->method, sizeof(h->method));
	if (h->status)
		app_json_uint(out, "status", h->status);
	if (h->length)
		app_json_uint(out, "length", h->length);
	app_json_key(out, "version");
	app_json_string(out, "2");
	app_json_key(out, "http2");
	app_json_begin(out, "{");
	app_json_uint(out, "stream_id", h->stream_id);
	app_json_end(out, "}");
	app_json_end(out, "}");
}

const struct app_parser app_parser_http2 = {
    .name = "http2",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_HTTP2,
    .tcp = true,
    .udp = false,
    .frames = RULE_FRAME_BIT(RULE_FRAME_HTTP2_PDU) | RULE_FRAME_BIT(RULE_FRAME_HTTP2_HDR) |
	      RULE_FRAME_BIT(RULE_FRAME_HTTP2_DATA),
    .buffers = APP_BUFFER(HTTP_URI) | APP_BUFFER(HTTP_URI_RAW) | APP_BUFFER(HTTP_METHOD) |
	       APP_BUFFER(HTTP_REQUEST_LINE) | APP_BUFFER(HTTP_PROTOCOL) | APP_BUFFER(HTTP_HEADER) |
	       APP_BUFFER(HTTP_HEADER_NAMES) | APP_BUFFER(HTTP_HOST) | APP_BUFFER(HTTP_HOST_RAW) |
	       APP_BUFFER(HTTP_USER_AGENT) | APP_BUFFER(HTTP_COOKIE) | APP_BUFFER(HTTP_REFERER) |
	       APP_BUFFER(HTTP_CONTENT_TYPE) | APP_BUFFER(HTTP_CONTENT_LEN) |
	       APP_BUFFER(HTTP_ACCEPT) | APP_BUFFER(HTTP_ACCEPT_ENC) |
	       APP_BUFFER(HTTP_ACCEPT_LANG) | APP_BUFFER(HTTP_REQUEST_BODY) |
	       APP_BUFFER(HTTP_STAT_CODE) | APP_BUFFER(HTTP_RESPONSE_BODY) |
	       APP_BUFFER(HTTP_LOCATION) | APP_BUFFER(HTTP_SERVER) | APP_BUFFER(FILE_DATA) |
	       APP_BUFFER(HTTP_REQUEST_HEADER) | APP_BUFFER(HTTP_RESPONSE_HEADER) |
	       APP_BUFFER(HTTP2_HEADER_NAME) | APP_BUFFER(HTTP2_HEADER) | APP_BUFFER(HTTP2_META),
    .detect = h2_detect,
    .create = h2_create,
    .destroy = h2_destroy,
    .parse = h2_parse,
    .eve_details = h2_eve_details,
    .eve_event_type = "http",
};
