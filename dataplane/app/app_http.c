/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP/1.x parser: detection of a request line or a status line, and a
 * libhtp connection parser per flow that turns the two directions into
 * transactions. libhtp does the parsing and normalisation (request line,
 * headers, URI decoding and path folding, chunked transfer coding); bodies
 * are decoded (gzip, deflate) by app_http_body.c. This file configures
 * libhtp the way an IDS must (see http_config_build), copies what the
 * rules need and hands each transaction to inspection in units, in the
 * order they become ready:
 *
 *   0. request line complete but its headers not yet (at the end of the
 *      data that brought the line): http.method, http.uri, http.uri.raw,
 *      http.request_line and http.protocol, so a rule on those fires on
 *      the packet that completed the line, as Suricata's request-line
 *      progress does, not when (or if) the headers end. When the headers
 *      come in the same data, this unit is not sent;
 *   1. request headers complete: the request buffers (http.uri, http.method,
 *      http.header, http.host, ...), so header rules fire before any body;
 *   2. request body windows: the same buffers again plus http.request_body,
 *      each time the body has grown by a window (app_http_body.h), and at
 *      its end (complete, cut short, or body_limit bytes kept);
 *   3. response headers complete: the request's own buffers (http.uri,
 *      http.method, http.host, ...) plus the response's (http.stat_code,
 *      http.server, ...); the buffers Suricata gives both directions
 *      (http.header, http.header.raw, http.header_names, http.cookie,
 *      http.content_type, http.content_len, http.connection, http.start,
 *      http.protocol) hold the response's;
 *   4. response body windows, as 2: as 3 plus http.response_body and
 *      file.data.
 *
 * Later units carry earlier buffers again so that a rule on, say, http.uri
 * and http.stat_code still sees both; app_unit.fresh names the buffers new
 * in each unit, so inspection can skip rules it already ran. A body
 * window's buffer holds the body from its first byte (positions are the
 * body's); app_unit.window says what is new in it and keeps the rules
 * that matched an earlier window, so a rule alerts once per body. A unit
 * whose body is empty is not sent. Buffers point into libhtp's transaction
 * or into copies kept per transaction (struct http_tx, bodies bounded by
 * app_config.body_limit); both live until the transaction is complete in
 * both directions and the parse() call that completed it returns.
 *
 * What this file leaves to others: counting (the caller counts units and
 * failures), flow lifetime (destroy() is called by the flow's owner), and
 * anything after CONNECT's tunnel is established (libhtp stops there, as
 * Suricata does; the tunnelled bytes are usually TLS).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <htp/htp.h>

#include "dataplane/app/app_http.h"
#include "dataplane/app/app_http_body.h"
#include "dataplane/app/app_util.h"
#include "dataplane/app/app_event.h"
#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_mime.h"
#include "rules/match/match.h"

#define HTTP_HEADER_LIMIT     (64u * 1024) /* bytes of one header-derived buffer kept */
#define HTTP_PENDING_LIMIT    (64u * 1024) /* bytes held while libhtp waits on the other side */
#define HTTP_METHOD_MAX	      16	   /* longest unknown method detect() accepts */
#define HTTP_UPLOAD_FILES_MAX 16 /* files of one multipart upload tracked (fileinfo, file rules) */

/* What one transaction keeps beyond libhtp's own fields. */
struct http_tx {
	struct http_bytes uri;	/* normalised path ? query # fragment */
	struct http_bytes host; /* libhtp's hostname, lowercased, without trailing dots */
	struct http_bytes req_header, req_header_names, req_header_raw, req_start;
	struct http_bytes res_header, res_header_names, res_header_raw, res_start;
	struct http_body req_body, res_body;
	struct app_file req_file, res_file; /* the files the bodies carry (app_file.h) */
	uint8_t file_store; /* RULE_FILESTORE_*: a filestore rule matched a unit (app.h) */
	/* A multipart upload (multipart/form-data): its boundary; its files are
	 * its parts with a filename (app_mime.h), upload_files of them emitted,
	 * the next looked for from upload_next. boundary_len 0: the body is the file. */
	char boundary[APP_MIME_BOUNDARY_MAX + 1];
	uint8_t boundary_len;
	uint8_t upload_files;
	uint32_t upload_next;
	/* The rules that matched one instance of http.request_header or
	 * http.response_header, so another header of the same message does
	 * not raise them again (one alert per message, as Suricata). */
	struct app_body_rules req_each_rules, res_each_rules;
	char xff[XFF_TEXT_MAX];
	struct xff_client xff_client;
	bool req_line_parsed, req_line_sent; /* unit 0 (file comment) */
	bool req_headers_sent, res_headers_sent;
};

/* One flow's parser. */
struct http_state {
	htp_connp_t *connp;
	uint32_t body_limit;
	bool file_magic;	    /* app_config.file_magic */
	uint8_t file_hashes;	    /* app_config.file_hashes */
	const char *xff_headers[5]; /* NULL-terminated */
	bool stopped[2];	    /* libhtp gave up on (or closed) this direction */
	/* A 101 answered "Upgrade: h2c": from upgrade_used of the response
	 * bytes of the parse() call that saw it, the connection is HTTP/2. */
	bool upgrade_h2c, upgrade_known;
	uint32_t upgrade_used;
	struct http_bytes pending[2];
	struct http_bytes header_one; /* one "Name: value" of http.request_header/response_header */
	struct http_bytes frame;      /* the frame being handed over: start line and header block */
	struct app_frames frames;
	size_t cleanup_next; /* first transaction index not yet destroyed */
	app_emit_fn emit;    /* set for the duration of one parse() call */
	void *emit_arg;
	struct app_details details;
};

/* libhtp wants a timestamp per call; only its logs and close use it. */
static const htp_time_t http_no_time;

/* --- byte strings --------------------------------------------------------------------------- */

static void http_bytes_append_bstr(struct http_bytes *b, const bstr *s, uint32_t limit)
{
	if (s)
		http_bytes_append(b, bstr_ptr(s), bstr_len(s), limit);
}

/* --- per-transaction copies ------------------------------------------------------------------ */

static struct http_tx *http_tx_of(htp_tx_t *tx)
{
	struct http_tx *t = htp_tx_get_user_data(tx);
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (t)
			htp_tx_set_user_data(tx, t);
	}
	return t;
}

static void http_tx_free(struct http_tx *t)
{
	if (!t)
		return;
	struct http_bytes *all[] = {&t->uri,
				    &t->host,
				    &t->req_header,
				    &t->req_header_names,
				    &t->req_header_raw,
				    &t->req_start,
				    &t->res_header,
				    &t->res_header_names,
				    &t->res_header_raw,
				    &t->res_start};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		http_bytes_free(all[i]);
	http_body_free(&t->req_body);
	http_body_free(&t->res_body);
	free(t);
}

static struct http_state *http_state_of(htp_tx_t *tx)
{
	return htp_connp_get_user_data(tx->connp);
}

/*
 * The header buffers Suricata builds from libhtp's header table:
 * http.header is "Name: value\r\n" per header without Cookie (to server) or
 * Set-Cookie (to client), which have their own buffer, and without a final
 * empty line (Suricata found that adding it broke existing rules);
 * http.header_names is "\r\nName1\r\nName2\r\n\r\n"; http.start is the
 * first line, CRLF, every header, CRLF.
 */
static void http_headers_build(htp_table_t *headers, const bstr *first_line, const char *cookie,
			       struct http_bytes *header, struct http_bytes *names,
			       struct http_bytes *start)
{
	const uint32_t lim = HTTP_HEADER_LIMIT;
	http_bytes_append(names, "\r\n", 2, lim);
	http_bytes_append_bstr(start, first_line, lim);
	http_bytes_append(start, "\r\n", 2, lim);
	size_t n = headers ? htp_table_size(headers) : 0;
	for (size_t i = 0; i < n; i++) {
		htp_header_t *h = htp_table_get_index(headers, i, NULL);
		if (!h || !h->name || !h->value)
			continue;
		http_bytes_append_bstr(names, h->name, lim);
		http_bytes_append(names, "\r\n", 2, lim);
		http_bytes_append_bstr(start, h->name, lim);
		http_bytes_append(start, ": ", 2, lim);
		http_bytes_append_bstr(start, h->value, lim);
		http_bytes_append(start, "\r\n", 2, lim);
		if (bstr_cmp_c_nocase(h->name, cookie) == 0)
			continue;
		http_bytes_append_bstr(header, h->name, lim);
		http_bytes_append(header, ": ", 2, lim);
		http_bytes_append_bstr(header, h->value, lim);
		http_bytes_append(header, "\r\n", 2, lim);
	}
	http_bytes_append(names, "\r\n", 2, lim);
	http_bytes_append(start, "\r\n", 2, lim);
}

/* --- X-Forwarded-For ------------------------------------------------------------------------- */

/* xff_header_fn over a libhtp request: its header table is case-insensitive. */
static const uint8_t *http_xff_header(void *arg, const char *name, size_t *len)
{
	htp_tx_t *tx = arg;
	htp_header_t *h = tx->request_headers ? htp_table_get_c(tx->request_headers, name) : NULL;
	if (!h || !h->value)
		return NULL;
	*len = bstr_len(h->value);
	return bstr_ptr(h->value);
}

/* The client behind proxies, parsed once per request (xff.h says which header and hop). */
static void http_xff_find(const struct http_state *s, htp_tx_t *tx, struct http_tx *t)
{
	xff_parse(s->xff_headers, http_xff_header, tx, t->xff, &t->xff_client);
}

/* --- units ----------------------------------------------------------------------------------- */

static void http_set(struct app_unit *u, enum rule_buffer b, const void *data, size_t len)
{
	if (!data)
		return;
	u->buffer[b] = data;
	u->buffer_len[b] = (uint32_t)len;
}

static void http_set_bstr(struct app_unit *u, enum rule_buffer b, const bstr *s)
{
	if (s)
		http_set(u, b, bstr_ptr(s), bstr_len(s));
}

static void http_set_bytes(struct app_unit *u, enum rule_buffer b, const struct http_bytes *s)
{
	if (s->data)
		http_set(u, b, s->data, s->len);
}

static void http_set_header(struct app_unit *u, enum rule_buffer b, htp_table_t *headers,
			    const char *name)
{
	htp_header_t *h = headers ? htp_table_get_c(headers, name) : NULL;
	if (h)
		http_set_bstr(u, b, h->value);
}

/* A body's file: file.name, file.magic (when known) and file.meta. */
static void http_unit_file(struct app_unit *u, const struct app_file *f)
{
	http_set(u, RULE_BUFFER_FILE_NAME, f->name, f->name_len);
	if (f->magic[0])
		http_set(u, RULE_BUFFER_FILE_MAGIC, f->magic, strlen(f->magic));
	http_set(u, RULE_BUFFER_FILE_META, &f->meta, sizeof(f->meta));
}

static rule_buffer_mask http_unit_mask(const struct app_unit *u)
{
	rule_buffer_mask mask = 0;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (u->buffer[b])
			mask |= RULE_BUFFER_BIT(b);
	return mask;
}

/* The buffers of the request line alone. */
static void http_unit_request_line(struct app_unit *u, htp_tx_t *tx, const struct http_tx *t)
{
	http_set_bytes(u, RULE_BUFFER_HTTP_URI, &t->uri);
	http_set_bstr(u, RULE_BUFFER_HTTP_URI_RAW, tx->request_uri);
	http_set_bstr(u, RULE_BUFFER_HTTP_METHOD, tx->request_method);
	http_set_bstr(u, RULE_BUFFER_HTTP_REQUEST_LINE, tx->request_line);
}

/* The buffers only a request has (carried into the response's units too). */
static void http_unit_request_own(struct app_unit *u, htp_tx_t *tx, const struct http_tx *t)
{
	htp_table_t *h = tx->request_headers;
	http_unit_request_line(u, tx, t);
	http_set_bytes(u, RULE_BUFFER_HTTP_HOST, &t->host);
	/* Suricata: the authority of an absolute URI if there is one, else Host. */
	if (tx->parsed_uri_raw && tx->parsed_uri_raw->hostname)
		http_set_bstr(u, RULE_BUFFER_HTTP_HOST_RAW, tx->parsed_uri_raw->hostname);
	else
		http_set_header(u, RULE_BUFFER_HTTP_HOST_RAW, h, "host");
	http_set_header(u, RULE_BUFFER_HTTP_USER_AGENT, h, "user-agent");
	http_set_header(u, RULE_BUFFER_HTTP_REFERER, h, "referer");
	http_set_header(u, RULE_BUFFER_HTTP_ACCEPT, h, "accept");
	http_set_header(u, RULE_BUFFER_HTTP_ACCEPT_ENC, h, "accept-encoding");
	http_set_header(u, RULE_BUFFER_HTTP_ACCEPT_LANG, h, "accept-language");
}

/* The buffers both directions have, from the request. */
static void http_unit_request_shared(struct app_unit *u, htp_tx_t *tx, const struct http_tx *t)
{
	htp_table_t *h = tx->request_headers;
	http_set_bstr(u, RULE_BUFFER_HTTP_PROTOCOL, tx->request_protocol);
	http_set_bytes(u, RULE_BUFFER_HTTP_HEADER, &t->req_header);
	http_set_bytes(u, RULE_BUFFER_HTTP_HEADER_RAW, &t->req_header_raw);
	http_set_bytes(u, RULE_BUFFER_HTTP_HEADER_NAMES, &t->req_header_names);
	http_set_bytes(u, RULE_BUFFER_HTTP_START, &t->req_start);
	http_set_header(u, RULE_BUFFER_HTTP_COOKIE, h, "cookie");
	http_set_header(u, RULE_BUFFER_HTTP_CONTENT_TYPE, h, "content-type");
	http_set_header(u, RULE_BUFFER_HTTP_CONTENT_LEN, h, "content-length");
	http_set_header(u, RULE_BUFFER_HTTP_CONNECTION, h, "connection");
}

static void http_unit_response(struct app_unit *u, htp_tx_t *tx, const struct http_tx *t)
{
	htp_table_t *h = tx->response_headers;
	http_set_bstr(u, RULE_BUFFER_HTTP_PROTOCOL, tx->response_protocol);
	http_set_bstr(u, RULE_BUFFER_HTTP_STAT_CODE, tx->response_status);
	http_set_bstr(u, RULE_BUFFER_HTTP_STAT_MSG, tx->response_message);
	http_set_bstr(u, RULE_BUFFER_HTTP_RESPONSE_LINE, tx->response_line);
	http_set_bytes(u, RULE_BUFFER_HTTP_HEADER, &t->res_header);
	http_set_bytes(u, RULE_BUFFER_HTTP_HEADER_RAW, &t->res_header_raw);
	http_set_bytes(u, RULE_BUFFER_HTTP_HEADER_NAMES, &t->res_header_names);
	http_set_bytes(u, RULE_BUFFER_HTTP_START, &t->res_start);
	http_set_header(u, RULE_BUFFER_HTTP_COOKIE, h, "set-cookie");
	http_set_header(u, RULE_BUFFER_HTTP_CONTENT_TYPE, h, "content-type");
	http_set_header(u, RULE_BUFFER_HTTP_CONTENT_LEN, h, "content-length");
	http_set_header(u, RULE_BUFFER_HTTP_CONNECTION, h, "connection");
	http_set_header(u, RULE_BUFFER_HTTP_LOCATION, h, "location");
	http_set_header(u, RULE_BUFFER_HTTP_SERVER, h, "server");
}

/* Up to size - 1 bytes of s into out, NUL-terminated; true when s was longer. */
static bool http_text(char *out, size_t size, const bstr *s)
{
	return app_text_copy(out, size, s ? bstr_ptr(s) : NULL, s ? bstr_len(s) : 0);
}

APP_DETAILS_FITS(struct app_http_details);

/*
 * The file of tx's request or response body, named once, as Suricata names
 * it: Content-Disposition's filename, else the request's normalised path
 * ("/dl/a.pdf", without the query).
 */
static void http_file_name(htp_tx_t *tx, struct app_file *f, bool request)
{
	if (f->named)
		return;
	htp_table_t *headers = request ? tx->request_headers : tx->response_headers;
	htp_header_t *cd = headers ? htp_table_get_c(headers, "content-disposition") : NULL;
	const uint8_t *name;
	size_t len;
	if (cd && cd->value &&
	    app_mime_disposition_name(bstr_ptr(cd->value), bstr_len(cd->value), &name, &len)) {
		app_file_name(f, name, len);
		return;
	}
	const bstr *path = tx->parsed_uri ? tx->parsed_uri->path : NULL;
	if (path) {
		app_file_name(f, bstr_ptr(path), bstr_len(path));
		return;
	}
	/* no parsed path (HTTP/0.9, an unparsable target): the target up to its query */
	const char *u = tx->request_uri ? (const char *)bstr_ptr(tx->request_uri) : "";
	size_t ulen = tx->request_uri ? bstr_len(tx->request_uri) : 0;
	const char *q = memchr(u, '?', ulen);
	app_file_name(f, u, q ? (size_t)(q - u) : ulen);
}

/* The bytes of the file a body carries (into the body's bytes). */
struct http_file_bytes {
	const uint8_t *data;
	uint32_t len;
};
/*
 * The file of a body window: named, its magic from the first window (the
 * first APP_FILE_MAGIC_BYTES are in by then: a window comes at 32 KB or
 * at the body's end), its size so far, and at the last window closed
 * (truncated when cut at the limit or by the connection's end) and
 * hashed. False: the body is not a file (a multipart upload, whose parts
 * are: http_emit_upload). Per-packet path, once per window.
 */
static bool http_file_window(const struct http_state *s, htp_tx_t *tx, struct http_tx *t,
			     bool request, const struct app_window *window,
			     struct http_file_bytes *bytes)
{
	struct app_file *f = request ? &t->req_file : &t->res_file;
	const struct http_bytes *body = request ? &t->req_body.data : &t->res_body.data;
	if (request && t->boundary_len)
		return false;
	bytes->data = body->data;
	bytes->len = body->len;
	http_file_name(tx, f, request);
	app_file_update(f, body->data, body->len, s->file_magic, s->file_hashes, window->last,
			window->cut || window->more);
	return true;
}

/* The closed file of tx's request or response body into its details (EVE fileinfo). */
static struct app_file_info *http_details_file(struct app_http_details *h, const htp_tx_t *tx,
					       const struct app_file *f, bool request)
{
	struct app_file_info *info = &h->file;
	memcpy(info->name, f->name, sizeof(info->name));
	memcpy(info->magic, f->magic, sizeof(info->magic));
	info->meta = f->meta;
	info->name_cut = f->name_cut;
	info->tx_id = tx->index;
	info->direction = request ? RULE_FILESTORE_REQUEST : RULE_FILESTORE_RESPONSE;
	info->stored = false;
	h->has_file = true;
	return info;
}

/* EVE's http object for this transaction, into the flow's one details struct. */
static void http_details_fill(struct app_details *d, htp_tx_t *tx, const struct http_tx *t)
{
	memset(d, 0, sizeof(*d));
	struct app_http_details *h = app_http_details(d);
	htp_header_t *ua =
	    tx->request_headers ? htp_table_get_c(tx->request_headers, "user-agent") : NULL;
	size_t host_len =
	    t->host.len < sizeof(h->hostname) - 1 ? t->host.len : sizeof(h->hostname) - 1;
	if (host_len)
		memcpy(h->hostname, t->host.data, host_len);
	if (host_len < t->host.len)
		h->cut |= HTTP_CUT_HOSTNAME;
	if (http_text(h->url, sizeof(h->url), tx->request_uri))
		h->cut |= HTTP_CUT_URL;
	if (http_text(h->user_agent, sizeof(h->user_agent), ua ? ua->value : NULL))
		h->cut |= HTTP_CUT_USER_AGENT;
	http_text(h->method, sizeof(h->method), tx->request_method);
	http_text(h->protocol, sizeof(h->protocol), tx->request_protocol);
	if (tx->response_status_number > 0 && tx->response_status_number < 1000)
		h->status = (uint16_t)tx->response_status_number;
	if (tx->response_message_len > 0)
		h->length = (uint64_t)tx->response_message_len;
	h->tx_id = tx->index;
	memcpy(d->xff, t->xff, sizeof(d->xff));
	d->xff_client = t->xff_client;
}

/* EVE: ,"tx_id":N,"http":{"hostname":...,"xff":...}, the empty fields left out. */
static void http_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct app_http_details *h = app_http_details_const(d);
	/* the transaction's number in the flow, beside the object as Suricata writes it */
	app_json_uint(out, "tx_id", h->tx_id);
	app_json_key(out, "http");
	app_json_begin(out, "{");
	app_json_text_cut(out, "hostname", h->hostname, sizeof(h->hostname),
			  h->cut & HTTP_CUT_HOSTNAME);
	app_json_text_cut(out, "url", h->url, sizeof(h->url), h->cut & HTTP_CUT_URL);
	app_json_text_cut(out, "http_user_agent", h->user_agent, sizeof(h->user_agent),
			  h->cut & HTTP_CUT_USER_AGENT);
	app_json_text(out, "http_method", h->method, sizeof(h->method));
	app_json_text(out, "protocol", h->protocol, sizeof(h->protocol));
	if (h->status)
		app_json_uint(out, "status", h->status);
	/* always, 0 too, as Suricata writes it (a request's file is logged before any response) */
	app_json_uint(out, "length", h->length);
	app_json_text(out, "xff", d->xff, sizeof(d->xff));
	app_json_end(out, "}");
}

/* EVE: the fileinfo object (app_file_eve) of a body whose last window went (has_file). */
static void http_eve_file(const struct app_details *d, struct app_json *out)
{
	app_file_eve(&app_http_details_const(d)->file, out);
}

/*
 * The anomalies libhtp flagged on tx (htp_core.h), as Suricata names the
 * http events; a request's on its headers' unit, a response's on its own.
 */
static void http_unit_events(const htp_tx_t *tx, bool request, struct app_events *e)
{
	static const struct {
		uint64_t flag;
		enum rule_app_event request, response; /* COUNT: none in that direction */
	} map[] = {
	    {HTP_REQUEST_INVALID_T_E,
	     RULE_APP_EVENT_HTTP_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST, RULE_APP_EVENT_COUNT},
	    {HTP_REQUEST_INVALID_C_L, RULE_APP_EVENT_HTTP_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST,
	     RULE_APP_EVENT_COUNT},
	    {HTP_HOST_MISSING, RULE_APP_EVENT_HTTP_MISSING_HOST_HEADER, RULE_APP_EVENT_COUNT},
	    {HTP_HOST_AMBIGUOUS, RULE_APP_EVENT_HTTP_HOST_HEADER_AMBIGUOUS, RULE_APP_EVENT_COUNT},
	    {HTP_HOSTU_INVALID, RULE_APP_EVENT_HTTP_URI_HOST_INVALID, RULE_APP_EVENT_COUNT},
	    {HTP_HOSTH_INVALID, RULE_APP_EVENT_HTTP_HEADER_HOST_INVALID, RULE_APP_EVENT_COUNT},
	    {HTP_INVALID_FOLDING, RULE_APP_EVENT_HTTP_INVALID_REQUEST_FIELD_FOLDING,
	     RULE_APP_EVENT_HTTP_INVALID_RESPONSE_FIELD_FOLDING},
	    {HTP_FIELD_UNPARSEABLE, RULE_APP_EVENT_HTTP_REQUEST_FIELD_MISSING_COLON,
	     RULE_APP_EVENT_HTTP_RESPONSE_FIELD_MISSING_COLON},
	    {HTP_FIELD_LONG, RULE_APP_EVENT_HTTP_REQUEST_FIELD_TOO_LONG,
	     RULE_APP_EVENT_HTTP_RESPONSE_FIELD_TOO_LONG},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		enum rule_app_event event = request ? map[i].request : map[i].response;
		if ((tx->flags & map[i].flag) && event != RULE_APP_EVENT_COUNT)
			app_events_add(e, event);
	}
}

/*
 * A headers unit, once per header: http.request_header (or
 * http.response_header) is a multi-buffer, one instance per header as
 * "Name: value" (the name as sent, no line end), and a rule matches when
 * any one instance does. The first unit carries the first header; the
 * others repeat the unit with the next header, fresh only in that buffer
 * (rules on the message's other buffers had their turn) and with the
 * message's rule list as window, so a rule alerts once per message. A
 * message without headers goes out once, without the buffer. The
 * instance lives in the flow's scratch only while emit runs.
 */
static void http_emit_each_header(struct http_state *s, struct app_unit *u, htp_table_t *headers,
				  enum rule_buffer buffer, struct app_body_rules *rules)
{
	size_t n = headers ? htp_table_size(headers) : 0;
	bool sent = false;
	u->window.buffers = RULE_BUFFER_BIT(buffer);
	u->window.rules = rules;
	u->window.instance = true;
	for (size_t i = 0; i < n; i++) {
		u->window.instance_follows = i + 1 < n;
		htp_header_t *h = htp_table_get_index(headers, i, NULL);
		if (!h || !h->name || !h->value)
			continue;
		struct http_bytes *one = &s->header_one;
		one->len = 0;
		http_bytes_append_bstr(one, h->name, HTTP_HEADER_LIMIT);
		http_bytes_append(one, ": ", 2, HTTP_HEADER_LIMIT);
		http_bytes_append_bstr(one, h->value, HTTP_HEADER_LIMIT);
		if (!one->data)
			continue;
		if (sent) {
			u->repeat = true;
			u->fresh = RULE_BUFFER_BIT(buffer);
		} else {
			u->fresh |= RULE_BUFFER_BIT(buffer);
		}
		http_set(u, buffer, one->data, one->len);
		s->emit(s->emit_arg, u);
		sent = true;
	}
	if (!sent) {
		memset(&u->window, 0, sizeof(u->window));
		s->emit(s->emit_arg, u);
	}
}

enum http_unit_kind {
	HTTP_UNIT_REQUEST_LINE,
	HTTP_UNIT_REQUEST_HEADERS,
	HTTP_UNIT_REQUEST_BODY,
	HTTP_UNIT_RESPONSE_HEADERS,
	HTTP_UNIT_RESPONSE_BODY,
};

/*
 * Build one unit of tx and hand it to inspection (see the file comment);
 * window: of a body unit, the part of the body it inspects.
 */
static void http_emit(htp_tx_t *tx, struct http_tx *t, enum http_unit_kind kind,
		      const struct app_window *window)
{
	struct http_state *s = http_state_of(tx);
	if (!s || !s->emit)
		return;
	struct http_file_bytes file = {0};
	bool has_file =
	    window && http_file_window(s, tx, t, kind == HTTP_UNIT_REQUEST_BODY, window, &file);
	struct app_unit u;
	memset(&u, 0, sizeof(u));
	rule_buffer_mask carried = 0; /* 128 bits: a uint64_t would drop buffers past 63 */
	if (kind == HTTP_UNIT_REQUEST_LINE ||
	    (kind == HTTP_UNIT_REQUEST_HEADERS && t->req_line_sent)) {
		/* unit 0's buffers: new in unit 0, carried in unit 1 */
		http_unit_request_line(&u, tx, t);
		http_set_bstr(&u, RULE_BUFFER_HTTP_PROTOCOL, tx->request_protocol);
		if (kind == HTTP_UNIT_REQUEST_HEADERS)
			carried = http_unit_mask(&u);
	}
	if (kind != HTTP_UNIT_REQUEST_LINE)
		http_unit_request_own(&u, tx, t);
	switch (kind) {
	case HTTP_UNIT_REQUEST_LINE:
		break;
	case HTTP_UNIT_REQUEST_HEADERS:
		http_unit_request_shared(&u, tx, t);
		break;
	case HTTP_UNIT_REQUEST_BODY:
		http_unit_request_shared(&u, tx, t);
		carried = http_unit_mask(&u);
		http_set_bytes(&u, RULE_BUFFER_HTTP_REQUEST_BODY, &t->req_body.data);
		if (has_file)
			http_unit_file(&u, &t->req_file);
		break;
	case HTTP_UNIT_RESPONSE_HEADERS:
		carried = http_unit_mask(&u);
		http_unit_response(&u, tx, t);
		break;
	case HTTP_UNIT_RESPONSE_BODY:
		http_unit_response(&u, tx, t);
		carried = http_unit_mask(&u);
		http_set_bytes(&u, RULE_BUFFER_HTTP_RESPONSE_BODY, &t->res_body.data);
		http_set_bytes(&u, RULE_BUFFER_FILE_DATA, &t->res_body.data);
		if (has_file)
			http_unit_file(&u, &t->res_file);
		break;
	}
	struct app_events events = {.count = 0};
	if (kind == HTTP_UNIT_REQUEST_HEADERS || kind == HTTP_UNIT_RESPONSE_HEADERS) {
		http_unit_events(tx, kind == HTTP_UNIT_REQUEST_HEADERS, &events);
		app_events_attach(&u, &events);
	}
	u.fresh = http_unit_mask(&u) & ~carried;
	struct app_file *f = kind == HTTP_UNIT_REQUEST_BODY ? &t->req_file : &t->res_file;
	if (window) {
		/* A file's name and magic are new in its body's first window only
		 * (a rule on them alone runs once), and are no positions of the
		 * body: not window buffers. file.meta is no position either, and
		 * a window buffer, so a rule on it matches once per body. */
		const rule_buffer_mask named = RULE_BUFFER_BIT(RULE_BUFFER_FILE_NAME) |
					       RULE_BUFFER_BIT(RULE_BUFFER_FILE_MAGIC);
		if (has_file && f->announced)
			u.fresh &= ~named;
		u.window = *window;
		u.window.buffers = u.fresh & ~named;
		f->announced |= has_file;
	}
	http_details_fill(&s->details, tx, t);
	u.file_store = &t->file_store;
	/* a body's last window closes its file: stored and logged after inspection */
	if (has_file && window->last) {
		bool request = kind == HTTP_UNIT_REQUEST_BODY;
		u.file_info = http_details_file(app_http_details(&s->details), tx,
						request ? &t->req_file : &t->res_file, request);
		u.file_data = file.data;
		u.file_len = file.len;
	}
	u.details = &s->details;
	if (kind == HTTP_UNIT_REQUEST_HEADERS)
		http_emit_each_header(s, &u, tx->request_headers, RULE_BUFFER_HTTP_REQUEST_HEADER,
				      &t->req_each_rules);
	else if (kind == HTTP_UNIT_RESPONSE_HEADERS)
		http_emit_each_header(s, &u, tx->response_headers, RULE_BUFFER_HTTP_RESPONSE_HEADER,
				      &t->res_each_rules);
	else
		s->emit(s->emit_arg, &u);
}

/*
 * One file of a multipart upload, once its part ended (its delimiter came,
 * or the body did: truncated then): a unit of its own with the request's
 * buffers carried and the file's new (file.name, file.magic, file.meta),
 * so the file rules run once per file, and the file closed in it (its
 * fileinfo record).
 */
static void http_emit_upload_file(struct http_state *s, htp_tx_t *tx, struct http_tx *t,
				  const struct app_mime_part *part)
{
	struct app_file *f = &t->req_file;
	const uint8_t *data = t->req_body.data.data + part->content;
	uint32_t len = (uint32_t)part->content_len;
	memset(f, 0, sizeof(*f));
	app_file_name(f, part->name, part->name_len);
	app_file_update(f, data, len, s->file_magic, s->file_hashes, true, !part->complete);
	struct app_unit u;
	memset(&u, 0, sizeof(u));
	http_unit_request_own(&u, tx, t);
	http_unit_request_shared(&u, tx, t);
	http_set_bytes(&u, RULE_BUFFER_HTTP_REQUEST_BODY, &t->req_body.data);
	rule_buffer_mask carried = http_unit_mask(&u);
	http_unit_file(&u, f);
	u.fresh = http_unit_mask(&u) & ~carried;
	http_details_fill(&s->details, tx, t);
	u.file_store = &t->file_store;
	u.file_info = http_details_file(app_http_details(&s->details), tx, f, true);
	u.file_data = data;
	u.file_len = len;
	u.details = &s->details;
	s->emit(s->emit_arg, &u);
}

/*
 * The files of a multipart upload (its parts with a filename) that ended
 * by this window, in order, HTTP_UPLOAD_FILES_MAX at most per request;
 * at the body's last window a part still open ends truncated.
 */
static void http_emit_upload(htp_tx_t *tx, struct http_tx *t, const struct app_window *window)
{
	struct http_state *s = http_state_of(tx);
	if (!s || !s->emit || !t->boundary_len)
		return;
	const struct http_bytes *body = &t->req_body.data;
	while (t->upload_files < HTTP_UPLOAD_FILES_MAX) {
		struct app_mime_part part;
		size_t next;
		if (!app_mime_file_part(body->data, body->len, t->upload_next, t->boundary,
					t->boundary_len, &part, &next))
			return;
		if (!part.complete && !window->last)
			return; /* its end has not come yet */
		http_emit_upload_file(s, tx, t, &part);
		t->upload_files++;
		if (!part.complete)
			return;
		t->upload_next = (uint32_t)next;
	}
}

/* --- libhtp hooks (run inside htp_connp_req_data / htp_connp_res_data) ---------------------- */

/*
 * Second decoding pass over the already decoded path and query, run before
 * the normalised URI is built (the REQUEST_URI_NORMALIZE hook runs after
 * libhtp's own pass and before REQUEST_LINE). An attacker aiming at a
 * server or application that decodes twice sends "%252e%252e%252f": one
 * pass leaves "%2e%2e%2f", which neither matches "../" rules nor is folded;
 * the second pass makes it "../" as that server will see it. As in
 * Suricata (double-decode-path/query), the second pass comes after path
 * folding, so the traversal stays visible to rules rather than folded away.
 * libhtp leaves the query encoded, so for the query this pass is its one
 * decoding (Suricata's double-decode-query: yes): "?q=%27%20OR" is
 * inspected as "?q=' OR".
 */
/*
 * Path parameters go: "/etc;a=b/passwd" is "/etc/passwd" to Tomcat, Jetty
 * and other servlet containers, which strip ";..." from every segment
 * before they map the path; a rule on "/etc/passwd" must see it so.
 */
static void http_strip_path_parameters(bstr *path)
{
	unsigned char *p = bstr_ptr(path);
	size_t len = bstr_len(path), out = 0;
	for (size_t i = 0; i < len;) {
		if (p[i] != ';') {
			p[out++] = p[i++];
			continue;
		}
		while (i < len && p[i] != '/')
			i++;
	}
	bstr_adjust_len(path, out);
}

static int http_hook_uri_normalize(htp_tx_t *tx)
{
	if (!tx->parsed_uri)
		return HTP_OK;
	uint64_t flags = 0;
	if (tx->parsed_uri->path)
		http_strip_path_parameters(tx->parsed_uri->path);
	if (tx->parsed_uri->path)
		htp_urldecode_inplace(tx->cfg, HTP_DECODER_URL_PATH, tx->parsed_uri->path, &flags);
	if (tx->parsed_uri->query)
		htp_urldecode_inplace(tx->cfg, HTP_DECODER_URLENCODED, tx->parsed_uri->query,
				      &flags);
	return HTP_OK;
}

static int http_hook_request_headers(htp_tx_t *tx);

/*
 * http.uri, the Suricata way: normalised path, then "?" query and "#"
 * fragment if present. An HTTP/0.9 request ("GET /x" and a line end) has
 * no headers, so libhtp never reports them: its unit goes out here, or
 * such a request would be inspected by no HTTP rule at all.
 */
static int http_hook_request_line(htp_tx_t *tx)
{
	struct http_state *s = http_state_of(tx);
	struct http_tx *t = http_tx_of(tx);
	htp_uri_t *uri = tx->parsed_uri;
	if (!s || !t || !uri)
		return HTP_OK;
	const uint32_t lim = HTTP_HEADER_LIMIT;
	t->uri.len = 0;
	http_bytes_append_bstr(&t->uri, uri->path, lim);
	if (uri->query) {
		http_bytes_append(&t->uri, "?", 1, lim);
		http_bytes_append_bstr(&t->uri, uri->query, lim);
	}
	if (uri->fragment) {
		http_bytes_append(&t->uri, "#", 1, lim);
		http_bytes_append_bstr(&t->uri, uri->fragment, lim);
	}
	/*
	 * An HTTP/0.9-looking line ("GET /x" with no protocol) may still be
	 * followed by headers: libhtp decides after this hook, from the next
	 * line ("missing protocol" when it has a colon). A real 0.9 request
	 * has no headers, so its request-complete hook sends its unit.
	 */
	t->req_line_parsed = true;
	return HTP_OK;
}

/* http.header.raw: the header lines exactly as received, folded lines and all. */
static int http_hook_request_header_data(htp_tx_data_t *d)
{
	struct http_tx *t = http_tx_of(d->tx);
	if (t && d->data)
		http_bytes_append(&t->req_header_raw, d->data, d->len, HTTP_HEADER_LIMIT);
	return HTP_OK;
}

static int http_hook_response_header_data(htp_tx_data_t *d)
{
	struct http_tx *t = http_tx_of(d->tx);
	if (t && d->data)
		http_bytes_append(&t->res_header_raw, d->data, d->len, HTTP_HEADER_LIMIT);
	return HTP_OK;
}

/*
 * http.host: libhtp takes the host from an absolute URI or the Host header
 * and drops the port, but keeps the case as sent; rules and domain lists
 * expect lowercase ("EVIL.example" is the same host), and a trailing dot
 * ("evil.example.") names the same host too.
 */
static void http_host_build(htp_tx_t *tx, struct http_tx *t)
{
	t->host.len = 0;
	if (!tx->request_hostname)
		return;
	http_bytes_append_bstr(&t->host, tx->request_hostname, HTTP_HEADER_LIMIT);
	if (!t->host.data)
		return;
	for (uint32_t i = 0; i < t->host.len; i++)
		if (t->host.data[i] >= 'A' && t->host.data[i] <= 'Z')
			t->host.data[i] = (uint8_t)(t->host.data[i] - 'A' + 'a');
	while (t->host.len && t->host.data[t->host.len - 1] == '.')
		t->host.len--;
}

/* The last coding of a Transfer-Encoding value ("identity, chunked") is chunked. */
static bool http_chunked_last(const bstr *value)
{
	const unsigned char *p = bstr_ptr(value);
	size_t end = bstr_len(value), start;
	while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	for (start = end; start && p[start - 1] != ','; start--)
		;
	while (start < end && (p[start] == ' ' || p[start] == '\t'))
		start++;
	return end - start == 7 && strncasecmp((const char *)p + start, "chunked", 7) == 0;
}

/*
 * A request whose Transfer-Encoding lists chunked last ("identity,
 * chunked", "gzip ,\tChunked", or two headers libhtp joins) has a chunked
 * body for the servers that take it (Apache, IIS, Node: RFC 9112 6.3 makes
 * the final coding decide); libhtp 0.5 takes anything but a lone "chunked"
 * for invalid, does not de-chunk, and stops parsing the connection, so the
 * body and every later request would go uninspected. libhtp decides before
 * this hook and checks the request's validity after it, so the hook
 * decides again. HTP_REQUEST_INVALID_T_E stays set: the header was odd.
 * Responses need nothing: libhtp de-chunks those whenever chunked is
 * listed, as browsers do.
 */
static void http_request_chunked(htp_tx_t *tx)
{
	htp_header_t *te =
	    tx->request_headers ? htp_table_get_c(tx->request_headers, "transfer-encoding") : NULL;
	if (tx->request_transfer_coding != HTP_CODING_INVALID || !te || !te->value ||
	    !http_chunked_last(te->value))
		return;
	tx->request_transfer_coding = HTP_CODING_CHUNKED;
	tx->flags &= ~(uint64_t)HTP_REQUEST_INVALID;
}

/* An upload (multipart/form-data, or any multipart type a form sends): its boundary. */
static void http_multipart_find(htp_tx_t *tx, struct http_tx *t)
{
	htp_header_t *ct =
	    tx->request_headers ? htp_table_get_c(tx->request_headers, "content-type") : NULL;
	size_t n;
	if (ct && ct->value &&
	    app_mime_boundary(bstr_ptr(ct->value), bstr_len(ct->value), t->boundary, &n))
		t->boundary_len = (uint8_t)n;
}

static void http_emit_frame(struct http_state *s, htp_tx_t *tx, bool request);

static int http_hook_request_headers(htp_tx_t *tx)
{
	struct http_state *s = http_state_of(tx);
	struct http_tx *t = http_tx_of(tx);
	if (!s || !t || t->req_headers_sent)
		return HTP_OK;
	http_request_chunked(tx);
	http_headers_build(tx->request_headers, tx->request_line, "cookie", &t->req_header,
			   &t->req_header_names, &t->req_start);
	http_host_build(tx, t);
	http_xff_find(s, tx, t);
	http_multipart_find(tx, t);
	t->req_headers_sent = true;
	http_emit(tx, t, HTTP_UNIT_REQUEST_HEADERS, NULL);
	http_emit_frame(s, tx, true);
	return HTP_OK;
}

/*
 * http1.request or http1.response: the message's start line and header
 * block as received (libhtp keeps no contiguous copy, so they are put
 * together again from the line and the raw header lines). The body is
 * inspected through its own buffers; the frame ends with the headers.
 */
static void http_emit_frame(struct http_state *s, htp_tx_t *tx, bool request)
{
	struct http_tx *t = http_tx_of(tx);
	const bstr *line = request ? tx->request_line : tx->response_line;
	enum rule_frame type = request ? RULE_FRAME_HTTP1_REQUEST : RULE_FRAME_HTTP1_RESPONSE;
	enum app_direction dir = request ? APP_TO_SERVER : APP_TO_CLIENT;
	if (!s->emit || !t || !line)
		return;
	if (!app_frames_wanted) { /* counted, not built */
		app_frame_emit(&s->frames, NULL, NULL, type, dir, NULL, 0, 0, 0, -1, NULL);
		return;
	}
	const struct http_bytes *raw = request ? &t->req_header_raw : &t->res_header_raw;
	s->frame.len = 0;
	http_bytes_append_bstr(&s->frame, line, HTTP_HEADER_LIMIT);
	http_bytes_append(&s->frame, "\r\n", 2, HTTP_HEADER_LIMIT);
	if (raw->len)
		http_bytes_append(&s->frame, raw->data, raw->len, HTTP_HEADER_LIMIT);
	app_frame_emit(&s->frames, s->emit, s->emit_arg, type, dir, s->frame.data, s->frame.len, 0,
		       s->frame.len, (int64_t)tx->index, &s->details);
}

/* Does the header's value list token (comma-separated, any case)? */
static bool http_header_lists(htp_table_t *headers, const char *name, const char *token)
{
	htp_header_t *h = headers ? htp_table_get_c(headers, name) : NULL;
	if (!h || !h->value)
		return false;
	const char *v = (const char *)bstr_ptr(h->value);
	size_t len = bstr_len(h->value), n = strlen(token);
	for (size_t i = 0; i < len;) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t start = i;
		while (i < len && v[i] != ',')
			i++;
		size_t end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (end - start == n && strncasecmp(v + start, token, n) == 0)
			return true;
	}
	return false;
}

static int http_hook_response_headers(htp_tx_t *tx)
{
	struct http_tx *t = http_tx_of(tx);
	struct http_state *s = http_state_of(tx);
	if (!t || t->res_headers_sent)
		return HTP_OK;
	/* The cleartext upgrade to HTTP/2 (RFC 7540 3.2): what follows the
	 * 101's blank line is HTTP/2 both ways; libhtp takes it for a tunnel. */
	if (s && tx->response_status_number == 101 &&
	    http_header_lists(tx->response_headers, "upgrade", "h2c") &&
	    http_header_lists(tx->request_headers, "upgrade", "h2c"))
		s->upgrade_h2c = true;
	http_headers_build(tx->response_headers, tx->response_line, "set-cookie", &t->res_header,
			   &t->res_header_names, &t->res_start);
	t->res_headers_sent = true;
	http_emit(tx, t, HTTP_UNIT_RESPONSE_HEADERS, NULL);
	if (s)
		http_emit_frame(s, tx, false);
	return HTP_OK;
}

/*
 * The body announced a length it did not reach: libhtp completes a body
 * that the connection's end cut short (FIN, RST, the end of a capture), and
 * its end is then not the body's.
 */
static bool http_body_cut_short(const htp_tx_t *tx, bool request)
{
	int64_t announced = request ? tx->request_content_length : tx->response_content_length;
	int64_t seen = request ? tx->request_message_len : tx->response_message_len;
	return announced >= 0 && seen < announced;
}

/*
 * A window of one direction's body, when one is due. ended: the body has
 * ended, cut: before its end (what needs the end then never holds).
 */
static void http_inspect_body(htp_tx_t *tx, struct http_tx *t, bool request, bool ended, bool cut)
{
	struct http_state *s = http_state_of(tx);
	struct http_body *b = request ? &t->req_body : &t->res_body;
	struct app_window w;
	if (!s || !http_body_window(b, ended, cut, s->body_limit, &w))
		return;
	http_emit(tx, t, request ? HTTP_UNIT_REQUEST_BODY : HTTP_UNIT_RESPONSE_BODY, &w);
	if (request)
		http_emit_upload(tx, t, &w);
}

/*
 * Body data arrives de-chunked (libhtp) and is decoded here (gzip, deflate:
 * app_http_body.c, with its fallback to the bytes as sent). The body is
 * inspected as it grows, a window at a time (app_http_body.h says when and
 * how much), and a last time at its end; past body_limit bytes the rest is
 * not kept and the last window says so (counted as bodies_truncated).
 */
static void http_body_data(htp_tx_data_t *d, bool request)
{
	struct http_state *s = http_state_of(d->tx);
	struct http_tx *t = http_tx_of(d->tx);
	if (!s || !t || !d->data)
		return;
	struct http_body *b = request ? &t->req_body : &t->res_body;
	if (!b->coding_known) {
		htp_table_t *headers = request ? d->tx->request_headers : d->tx->response_headers;
		htp_header_t *h = headers ? htp_table_get_c(headers, "content-encoding") : NULL;
		if (h && h->value)
			http_body_coding(b, bstr_ptr(h->value), bstr_len(h->value));
		b->coding_known = true;
	}
	http_body_feed(b, d->data, d->len, s->body_limit);
	http_inspect_body(d->tx, t, request, false, false);
}

static int http_hook_request_body_data(htp_tx_data_t *d)
{
	http_body_data(d, true);
	return HTP_OK;
}

static int http_hook_response_body_data(htp_tx_data_t *d)
{
	http_body_data(d, false);
	return HTP_OK;
}

static int http_hook_request_complete(htp_tx_t *tx)
{
	struct http_tx *t = htp_tx_get_user_data(tx);
	/* HTTP/0.9 (no headers) or a request cut off inside its headers */
	if (t && !t->req_headers_sent)
		http_hook_request_headers(tx);
	if (t)
		http_inspect_body(tx, t, true, true, http_body_cut_short(tx, true));
	return HTP_OK;
}

static int http_hook_response_complete(htp_tx_t *tx)
{
	struct http_tx *t = htp_tx_get_user_data(tx);
	/* A response cut off inside its headers (the server closed before the
	 * blank line) still gets its headers inspected, as Suricata does. */
	if (t && !t->res_headers_sent)
		http_hook_response_headers(tx);
	if (t)
		http_inspect_body(tx, t, false, true, http_body_cut_short(tx, false));
	return HTP_OK;
}

/* --- configuration --------------------------------------------------------------------------- */

/*
 * libhtp settings for inspection. The rule of thumb is Suricata's defaults
 * (so ET rules written against Suricata see the same bytes), plus the
 * decodings the lead asked for where Suricata has them as options:
 * - personality IDS: the generic, tolerant request parser, and for the
 *   path: "\" taken as "/" (IIS), %2f decoded as "/" so it folds, "//"
 *   compressed, %uXXXX decoded (IIS's "%u002e%u002e/"), overlong and
 *   full-width UTF-8 mapped best-fit to ASCII. libhtp then removes "/./"
 *   and "/x/../" (RFC 3986), so "/a/%2e%2e/b" becomes "/b" as the server
 *   sees it. The personality would also lowercase the path; Suricata turns
 *   that off (content matches keep the case sent; rules say nocase), and
 *   so do we.
 * - %u also in the query, and '+' left alone in path and query
 *   (Suricata's query-plusspace-decode: no).
 * - NUL, raw or %00, never ends a string: "/x.php%00.jpg" keeps both halves
 *   visible whatever the server does at the NUL.
 * - invalid %-encodings kept as sent ("%zz" stays "%zz"), so they stay
 *   visible too.
 * - spaces allowed in the URI ("GET /a b HTTP/1.1" is one path, as
 *   Suricata sets it), so a space cannot cut a URI short.
 * - bodies: chunked decoding is libhtp's (with "identity, chunked" taken
 *   as servers take it: http_request_chunked); request and response bodies
 *   are decompressed by app_http_body.c (gzip, deflate, two layers at
 *   most, output bounded by the body limit), not by libhtp, whose decoder
 *   loses what came before a failure (see app_http_body.h).
 * - Suricata's field limits (9000 soft, 18000 hard bytes per header line)
 *   and at most 1024 headers; no log messages kept (they would pile up per
 *   connection); transactions destroyed by us once emitted.
 */
static htp_cfg_t *http_config_build(void)
{
	htp_cfg_t *cfg = htp_config_create();
	if (!cfg)
		return NULL;
	if (htp_config_set_server_personality(cfg, HTP_SERVER_IDS) != HTP_OK) {
		htp_config_destroy(cfg);
		return NULL;
	}
	htp_config_set_convert_lowercase(cfg, HTP_DECODER_URL_PATH, 0);
	htp_config_set_backslash_convert_slashes(cfg, HTP_DECODER_URL_PATH, 1);
	htp_config_set_path_separators_decode(cfg, HTP_DECODER_URL_PATH, 1);
	htp_config_set_path_separators_compress(cfg, HTP_DECODER_URL_PATH, 1);
	htp_config_set_u_encoding_decode(cfg, HTP_DECODER_URL_PATH, 1);
	htp_config_set_u_encoding_decode(cfg, HTP_DECODER_URLENCODED, 1);
	htp_config_set_utf8_convert_bestfit(cfg, HTP_DECODER_URL_PATH, 1);
	htp_config_set_plusspace_decode(cfg, HTP_DECODER_URL_PATH, 0);
	htp_config_set_plusspace_decode(cfg, HTP_DECODER_URLENCODED, 0);
	htp_config_set_nul_encoded_terminates(cfg, HTP_DECODER_URL_PATH, 0);
	htp_config_set_nul_encoded_terminates(cfg, HTP_DECODER_URLENCODED, 0);
	htp_config_set_nul_raw_terminates(cfg, HTP_DECODER_URL_PATH, 0);
	htp_config_set_nul_raw_terminates(cfg, HTP_DECODER_URLENCODED, 0);
	htp_config_set_url_encoding_invalid_handling(cfg, HTP_DECODER_URL_PATH,
						     HTP_URL_DECODE_PRESERVE_PERCENT);
	htp_config_set_url_encoding_invalid_handling(cfg, HTP_DECODER_URLENCODED,
						     HTP_URL_DECODE_PRESERVE_PERCENT);
	htp_config_set_allow_space_uri(cfg, 1);
	htp_config_set_parse_request_cookies(cfg, 0);
	htp_config_set_request_decompression(cfg, 0);
	htp_config_set_response_decompression(cfg, 0);
	htp_config_set_field_limits(cfg, 9000, 18000);
	htp_config_set_number_headers_limit(cfg, 1024);
	htp_config_set_log_level(cfg, HTP_LOG_NONE);
	htp_config_set_tx_auto_destroy(cfg, 0);

	htp_config_register_request_uri_normalize(cfg, http_hook_uri_normalize);
	htp_config_register_request_line(cfg, http_hook_request_line);
	htp_config_register_request_header_data(cfg, http_hook_request_header_data);
	htp_config_register_request_headers(cfg, http_hook_request_headers);
	htp_config_register_request_body_data(cfg, http_hook_request_body_data);
	htp_config_register_request_complete(cfg, http_hook_request_complete);
	htp_config_register_response_header_data(cfg, http_hook_response_header_data);
	htp_config_register_response_headers(cfg, http_hook_response_headers);
	htp_config_register_response_body_data(cfg, http_hook_response_body_data);
	htp_config_register_response_complete(cfg, http_hook_response_complete);
	return cfg;
}

/* One configuration per thread: a worker never shares libhtp state with another. */
static __thread htp_cfg_t *http_thread_config;

/* --- detection ------------------------------------------------------------------------------- */

static bool http_is_alpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Methods recognised whatever follows the space (RFC 9110, WebDAV). */
static const char *const http_methods[] = {
    "GET",    "POST",	  "HEAD",      "PUT",	"DELETE",     "OPTIONS", "CONNECT", "TRACE",
    "PATCH",  "PROPFIND", "PROPPATCH", "MKCOL", "COPY",	      "MOVE",	 "LOCK",    "UNLOCK",
    "SEARCH", "REPORT",	  "CHECKOUT",  "MERGE", "MKACTIVITY", NULL,
};

static bool http_method_known(const uint8_t *p, size_t len)
{
	for (unsigned i = 0; http_methods[i]; i++)
		if (strlen(http_methods[i]) == len &&
		    strncasecmp((const char *)p, http_methods[i], len) == 0)
			return true;
	return false;
}

/* Does data (len bytes) start like prefix, case-insensitively? 1 yes, 0 no, -1 too short. */
static int http_prefix(const uint8_t *data, uint32_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	size_t cmp = len < n ? len : n;
	if (strncasecmp((const char *)data, prefix, cmp) != 0)
		return 0;
	return len >= n ? 1 : -1;
}

/*
 * A request starts with a method token, a space and a target. Methods are
 * matched without case ("gEt" reaches many servers), unknown methods are
 * accepted when followed by " /" or " http" so a made-up verb cannot hide a
 * request. Blank lines before the request line are skipped: servers ignore
 * them (RFC 9112 2.2), so they must not hide a request from us either.
 */
static enum app_detect_result http_detect_request(const uint8_t *data, uint32_t len)
{
	uint32_t i = 0;
	/* Servers skip blank lines and (Apache, nginx) leading blanks before
	 * the method, and take a tab for a space between the parts: so does
	 * detection, or such a request would not be parsed at all. */
	while (i < len && (data[i] == '\r' || data[i] == '\n' || data[i] == ' ' || data[i] == '\t'))
		i++;
	uint32_t start = i;
	while (i < len && http_is_alpha(data[i]) && i - start <= HTTP_METHOD_MAX)
		i++;
	uint32_t mlen = i - start;
	if (mlen > HTTP_METHOD_MAX)
		return APP_DETECT_NO;
	if (i == len)
		return APP_DETECT_NEED_MORE;
	if ((data[i] != ' ' && data[i] != '\t') || mlen < 3)
		return APP_DETECT_NO;
	if (http_method_known(data + start, mlen))
		return APP_DETECT_YES;
	const uint8_t *target = data + i + 1;
	uint32_t rest = len - i - 1;
	int slash = http_prefix(target, rest, "/");
	int absolute = http_prefix(target, rest, "http");
	if (slash == 1 || absolute == 1)
		return APP_DETECT_YES;
	return absolute == -1 ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
}

static enum app_detect_result http_detect(const uint8_t *data, uint32_t len,
					  enum app_direction direction)
{
	if (!data || !len)
		return APP_DETECT_NEED_MORE;
	if (direction == APP_TO_SERVER)
		return http_detect_request(data, len);
	int r = http_prefix(data, len, "HTTP/1.");
	return r == 1 ? APP_DETECT_YES : r == -1 ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
}

/* --- flow state ------------------------------------------------------------------------------ */

static void *http_create(const struct app_config *config)
{
	uint32_t limit =
	    config && config->body_limit ? config->body_limit : APP_HTTP_BODY_LIMIT_DEFAULT;
	if (!http_thread_config)
		http_thread_config = http_config_build();
	if (!http_thread_config)
		return NULL;
	struct http_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->body_limit = limit;
	s->file_magic = config && config->file_magic;
	s->file_hashes = config ? config->file_hashes : 0;
	/* libmagic's database, once per thread as libhtp's configuration above */
	if (s->file_magic)
		app_file_magic_load();
	const char *const *names =
	    config && config->xff_headers[0] ? config->xff_headers : xff_default_headers;
	for (unsigned i = 0; i < 4 && names[i]; i++)
		s->xff_headers[i] = names[i];
	s->connp = htp_connp_create(http_thread_config);
	if (!s->connp) {
		free(s);
		return NULL;
	}
	htp_connp_set_user_data(s->connp, s);
	htp_time_t opened = http_no_time;
	htp_connp_open(s->connp, NULL, 0, NULL, 0, &opened);
	return s;
}

static htp_tx_t *http_tx_at(const struct http_state *s, size_t i)
{
	htp_conn_t *conn = htp_connp_get_connection(s->connp);
	if (!conn || !conn->transactions || i >= htp_list_size(conn->transactions))
		return NULL;
	return htp_list_get(conn->transactions, i);
}

static size_t http_tx_count(const struct http_state *s)
{
	htp_conn_t *conn = htp_connp_get_connection(s->connp);
	return conn && conn->transactions ? htp_list_size(conn->transactions) : 0;
}

static void http_destroy(void *state)
{
	struct http_state *s = state;
	if (!s)
		return;
	for (size_t i = s->cleanup_next, n = http_tx_count(s); i < n; i++) {
		htp_tx_t *tx = http_tx_at(s, i);
		if (tx) {
			http_tx_free(htp_tx_get_user_data(tx));
			htp_tx_set_user_data(tx, NULL);
		}
	}
	htp_connp_destroy_all(s->connp);
	http_bytes_free(&s->pending[0]);
	http_bytes_free(&s->pending[1]);
	http_bytes_free(&s->header_one);
	http_bytes_free(&s->frame);
	free(s);
}

/*
 * Destroy the transactions complete in both directions, oldest first, so a
 * keep-alive connection holds only what is in flight. libhtp leaves a NULL
 * in its list for each one destroyed, which keeps its indexes valid.
 */
static void http_tx_cleanup(struct http_state *s)
{
	size_t n = http_tx_count(s);
	while (s->cleanup_next < n) {
		htp_tx_t *tx = http_tx_at(s, s->cleanup_next);
		if (tx) {
			if (tx->request_progress != HTP_REQUEST_COMPLETE ||
			    tx->response_progress != HTP_RESPONSE_COMPLETE ||
			    tx == htp_connp_get_in_tx(s->connp) ||
			    tx == htp_connp_get_out_tx(s->connp))
				return;
			http_tx_free(htp_tx_get_user_data(tx));
			htp_tx_set_user_data(tx, NULL);
			htp_tx_destroy(tx);
		}
		s->cleanup_next++;
	}
}

/* --- parsing --------------------------------------------------------------------------------- */

static int http_feed_libhtp(struct http_state *s, enum app_direction dir, const uint8_t *data,
			    size_t len)
{
	return dir == APP_TO_SERVER ? htp_connp_req_data(s->connp, &http_no_time, data, len)
				    : htp_connp_res_data(s->connp, &http_no_time, data, len);
}

static void http_stop(struct http_state *s, enum app_direction dir)
{
	s->stopped[dir] = true;
	http_bytes_free(&s->pending[dir]);
}

/*
 * Give libhtp bytes of one direction (new ones, or the pending ones). It
 * answers DATA_OTHER when it cannot go on before seeing the other direction
 * (a CONNECT request waits for its response): what it did not consume is
 * kept pending (bounded) and offered again once the other side has been
 * fed. An error or an established tunnel ends the direction.
 */
/*
 * Unit 0 (the file comment) of the request in progress, when this data
 * completed its line but not its headers.
 */
static void http_request_line_unit(struct http_state *s)
{
	htp_tx_t *tx = htp_connp_get_in_tx(s->connp);
	struct http_tx *t = tx ? http_tx_of(tx) : NULL;
	if (!t || !t->req_line_parsed || t->req_line_sent || t->req_headers_sent ||
	    tx->is_protocol_0_9)
		return;
	http_emit(tx, t, HTTP_UNIT_REQUEST_LINE, NULL);
	t->req_line_sent = true;
}

static void http_feed_bytes(struct http_state *s, enum app_direction dir, const uint8_t *data,
			    uint32_t len)
{
	struct http_bytes *p = &s->pending[dir];
	int rc = http_feed_libhtp(s, dir, data, len);
	if (dir == APP_TO_SERVER)
		http_request_line_unit(s);
	if (s->upgrade_h2c && !s->upgrade_known && dir == APP_TO_CLIENT) {
		/* the bytes libhtp took for the 101 (pending ones were fed first) */
		size_t used = htp_connp_res_data_consumed(s->connp);
		s->upgrade_used = data == p->data ? 0 : used < len ? (uint32_t)used : len;
		s->upgrade_known = true;
	}
	if (rc == HTP_STREAM_ERROR || rc == HTP_STREAM_TUNNEL || rc == HTP_STREAM_STOP) {
		http_stop(s, dir);
		return;
	}
	if (rc != HTP_STREAM_DATA_OTHER) {
		p->len = 0;
		return;
	}
	size_t used = dir == APP_TO_SERVER ? htp_connp_req_data_consumed(s->connp)
					   : htp_connp_res_data_consumed(s->connp);
	if (used > len)
		used = len;
	uint32_t rest = len - (uint32_t)used;
	if (rest > HTTP_PENDING_LIMIT) {
		http_stop(s, dir);
		return;
	}
	if (data == p->data) {
		memmove(p->data, p->data + used, rest);
		p->len = rest;
		return;
	}
	p->len = 0;
	if (!http_bytes_append(p, data + used, rest, HTTP_PENDING_LIMIT))
		http_stop(s, dir);
}

static void http_feed_pending(struct http_state *s, enum app_direction dir)
{
	if (s->pending[dir].len && !s->stopped[dir])
		http_feed_bytes(s, dir, s->pending[dir].data, s->pending[dir].len);
}

static void http_feed(struct http_state *s, enum app_direction dir, const uint8_t *data,
		      uint32_t len)
{
	struct http_bytes *p = &s->pending[dir];
	if (s->stopped[dir])
		return;
	if (!p->len) {
		http_feed_bytes(s, dir, data, len);
		return;
	}
	/* New bytes queue behind the pending ones; too many waiting ends the direction. */
	if (len > HTTP_PENDING_LIMIT - p->len ||
	    !http_bytes_append(p, data, len, HTTP_PENDING_LIMIT)) {
		http_stop(s, dir);
		return;
	}
	http_feed_pending(s, dir);
}

/*
 * The end of a direction: libhtp completes what the close delimits (a body
 * read to the end, a response cut short). A request it leaves open (an
 * upload the client gave up on, the end of a capture) has its body
 * inspected as far as it came, here.
 */
static void http_close(struct http_state *s, enum app_direction dir)
{
	if (s->stopped[dir])
		return;
	http_stop(s, dir);
	if (dir == APP_TO_SERVER)
		htp_connp_req_close(s->connp, &http_no_time);
	else
		htp_connp_close(s->connp, &http_no_time);
	htp_tx_t *tx =
	    dir == APP_TO_SERVER ? htp_connp_get_in_tx(s->connp) : htp_connp_get_out_tx(s->connp);
	struct http_tx *t = tx ? htp_tx_get_user_data(tx) : NULL;
	if (t)
		http_inspect_body(tx, t, dir == APP_TO_SERVER, true, true);
}

static void http_parse(void *state, enum app_direction direction, const uint8_t *data, uint32_t len,
		       app_emit_fn emit, void *arg)
{
	struct http_state *s = state;
	if (!s || (direction != APP_TO_SERVER && direction != APP_TO_CLIENT))
		return;
	s->emit = emit;
	s->emit_arg = arg;
	if (!len || !data)
		http_close(s, direction);
	else
		http_feed(s, direction, data, len);
	http_feed_pending(s, direction == APP_TO_SERVER ? APP_TO_CLIENT : APP_TO_SERVER);
	http_tx_cleanup(s);
	s->emit = NULL;
	s->emit_arg = NULL;
}

/* app_parser.upgrade: HTTP/2 once the 101 to an h2c upgrade went by, from its end. */
static int http_upgrade(void *state, enum app_direction dir, uint32_t *used)
{
	struct http_state *s = state;
	if (!s || !s->upgrade_known || dir != APP_TO_CLIENT)
		return -1;
	*used = s->upgrade_used;
	return RULE_PROTO_HTTP2;
}

const struct app_parser app_parser_http = {
    .name = "http",
    .proto = RULE_PROTO_HTTP,
    .tcp = true,
    .udp = false,
    .frames = RULE_FRAME_BIT(RULE_FRAME_HTTP1_REQUEST) | RULE_FRAME_BIT(RULE_FRAME_HTTP1_RESPONSE),
    .buffers =
	APP_BUFFER(HTTP_URI) | APP_BUFFER(HTTP_URI_RAW) | APP_BUFFER(HTTP_METHOD) |
	APP_BUFFER(HTTP_REQUEST_LINE) | APP_BUFFER(HTTP_PROTOCOL) | APP_BUFFER(HTTP_HEADER) |
	APP_BUFFER(HTTP_HEADER_RAW) | APP_BUFFER(HTTP_HEADER_NAMES) | APP_BUFFER(HTTP_HOST) |
	APP_BUFFER(HTTP_HOST_RAW) | APP_BUFFER(HTTP_USER_AGENT) | APP_BUFFER(HTTP_COOKIE) |
	APP_BUFFER(HTTP_REFERER) | APP_BUFFER(HTTP_CONTENT_TYPE) | APP_BUFFER(HTTP_CONTENT_LEN) |
	APP_BUFFER(HTTP_ACCEPT) | APP_BUFFER(HTTP_ACCEPT_ENC) | APP_BUFFER(HTTP_ACCEPT_LANG) |
	APP_BUFFER(HTTP_CONNECTION) | APP_BUFFER(HTTP_START) | APP_BUFFER(HTTP_REQUEST_BODY) |
	APP_BUFFER(HTTP_STAT_CODE) | APP_BUFFER(HTTP_STAT_MSG) | APP_BUFFER(HTTP_RESPONSE_LINE) |
	APP_BUFFER(HTTP_RESPONSE_BODY) | APP_BUFFER(HTTP_LOCATION) | APP_BUFFER(HTTP_SERVER) |
	APP_BUFFER(FILE_DATA) | APP_BUFFER(FILE_NAME) | APP_BUFFER(FILE_MAGIC) |
	APP_BUFFER(FILE_META) | APP_BUFFER(HTTP_REQUEST_HEADER) | APP_BUFFER(HTTP_RESPONSE_HEADER),
    .detect = http_detect,
    .create = http_create,
    .destroy = http_destroy,
    .parse = http_parse,
    .eve_details = http_eve_details,
    .eve_file = http_eve_file,
    .upgrade = http_upgrade,
};
