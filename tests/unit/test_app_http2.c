/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/app/app_http2.c: detection (client preface,
 * server SETTINGS, too few bytes, other protocols), a request and its
 * response with the HTTP/1 buffers, the per-header instances and the
 * details, a header block split over CONTINUATION and fed one byte at a
 * time with padding and priority, a body in DATA frames, the frame units
 * (http2.meta of GOAWAY, WINDOW_UPDATE, SETTINGS), and hostile input: a
 * CONTINUATION nobody awaits, HPACK garbage, a control frame past what is
 * kept, padding past its frame and more streams than kept, each counted
 * while parsing goes on. Header blocks are made with libnghttp2's
 * deflater. Each unit handed to emit is copied and checked afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nghttp2/nghttp2.h>

#include "dataplane/app/app_http2.h"
#include "rules/lang/app_event.h"

#define RECORD_MAX 64

struct record_unit {
	char *buffer[RULE_BUFFER_COUNT]; /* NUL-terminated copies; NULL: absent */
	uint32_t len[RULE_BUFFER_COUNT];
	rule_buffer_mask fresh;
	bool repeat, instance;
	struct app_body_rules *rules;
	struct app_details details;
};

static struct record_unit units[RECORD_MAX];
static int unit_count;

static void record_reset(void)
{
	for (int i = 0; i < unit_count; i++)
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			free(units[i].buffer[b]);
	memset(units, 0, sizeof(units));
	unit_count = 0;
}

static void record_emit(void *arg, const struct app_unit *unit)
{
	(void)arg;
	if (unit->frame) { /* a frame's unit: of a frame the row declares */
		assert_true((app_parser_http2.frames & RULE_FRAME_BIT(unit->frame->type)) != 0);
		return;
	}
	assert_true(unit_count < RECORD_MAX);
	struct record_unit *r = &units[unit_count++];
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		/* events go on any parser's units (app_event.h) */
		assert_true(b == RULE_BUFFER_APP_EVENTS ||
			    (app_parser_http2.buffers & RULE_BUFFER_BIT(b)));
		r->buffer[b] = malloc(unit->buffer_len[b] + 1);
		assert_non_null(r->buffer[b]);
		memcpy(r->buffer[b], unit->buffer[b], unit->buffer_len[b]);
		r->buffer[b][unit->buffer_len[b]] = '\0';
		r->len[b] = unit->buffer_len[b];
	}
	r->fresh = unit->fresh;
	r->repeat = unit->repeat;
	r->instance = unit->window.instance;
	r->rules = unit->window.rules;
	assert_non_null(unit->details);
	r->details = *unit->details;
}

static void *h2_new(void)
{
	record_reset();
	void *s = app_parser_http2.create(NULL);
	assert_non_null(s);
	return s;
}

static void feed(void *s, enum app_direction dir, const uint8_t *data, size_t len, size_t step)
{
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;
		app_parser_http2.parse(s, dir, data + off, (uint32_t)n, record_emit, NULL);
	}
}

/* --- frames ---------------------------------------------------------------------------------- */

struct frames {
	uint8_t data[8192];
	size_t len;
};

static void frame(struct frames *f, uint8_t type, uint8_t flags, uint32_t stream,
		  const void *payload, size_t len)
{
	assert_true(f->len + 9 + len <= sizeof(f->data));
	uint8_t *p = f->data + f->len;
	p[0] = (uint8_t)(len >> 16);
	p[1] = (uint8_t)(len >> 8);
	p[2] = (uint8_t)len;
	p[3] = type;
	p[4] = flags;
	p[5] = (uint8_t)(stream >> 24);
	p[6] = (uint8_t)(stream >> 16);
	p[7] = (uint8_t)(stream >> 8);
	p[8] = (uint8_t)stream;
	if (len)
		memcpy(p + 9, payload, len);
	f->len += 9 + len;
}

static void preface(struct frames *f)
{
	memcpy(f->data, HTTP2_PREFACE, HTTP2_PREFACE_LEN);
	f->len = HTTP2_PREFACE_LEN;
}

/* An HPACK block of n name/value pairs (names lowercase) by libnghttp2's deflater. */
static size_t hpack(nghttp2_hd_deflater *d, const char *const *pairs, size_t n, uint8_t *out,
		    size_t size)
{
	nghttp2_nv nv[16];
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		nv[i].name = (uint8_t *)(uintptr_t)pairs[2 * i];
		nv[i].namelen = strlen(pairs[2 * i]);
		nv[i].value = (uint8_t *)(uintptr_t)pairs[2 * i + 1];
		nv[i].valuelen = strlen(pairs[2 * i + 1]);
		nv[i].flags = NGHTTP2_NV_FLAG_NONE;
	}
	ssize_t len = nghttp2_hd_deflate_hd(d, out, size, nv, n);
	assert_true(len > 0);
	return (size_t)len;
}

static const char *const request_pairs[] = {
    ":method",		"GET",	 ":scheme",	    "http",	  ":authority",
    "Example.COM:3000", ":path", "/doc/index.html", "user-agent", "nghttp2/1",
    "cookie",		"id=1",	 "accept",	    "*/*",
};

static int find_unit(enum rule_buffer b, const char *text)
{
	for (int i = 0; i < unit_count; i++)
		if (units[i].buffer[b] && (!text || strcmp(units[i].buffer[b], text) == 0))
			return i;
	return -1;
}

/* --- detection ------------------------------------------------------------------------------- */

static enum app_detect_result detect(const void *data, size_t len, enum app_direction dir)
{
	return app_parser_http2.detect(data, (uint32_t)len, dir);
}

static void test_detect(void **unused)
{
	(void)unused;
	assert_int_equal(detect(HTTP2_PREFACE, HTTP2_PREFACE_LEN, APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect(HTTP2_PREFACE, 10, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect("PRI * HTTP/1.1\r\n", 16, APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(detect("GET / HTTP/1.1\r\n", 16, APP_TO_SERVER), APP_DETECT_NO);
	static const uint8_t settings[] = {0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100};
	assert_int_equal(detect(settings, sizeof(settings), APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(detect(settings, 4, APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	static const uint8_t odd[] = {0, 0, 5, 4, 0, 0, 0, 0, 0, 0, 3}; /* not whole entries */
	assert_int_equal(detect(odd, sizeof(odd), APP_TO_CLIENT), APP_DETECT_NO);
	static const uint8_t stream1[] = {0, 0, 6, 4, 0, 0, 0, 0, 1, 0, 3}; /* on a stream */
	assert_int_equal(detect(stream1, sizeof(stream1), APP_TO_CLIENT), APP_DETECT_NO);
	/* an empty SETTINGS, or an unknown setting: left to the client's preface */
	static const uint8_t empty[] = {0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(detect(empty, sizeof(empty), APP_TO_CLIENT), APP_DETECT_NO);
	static const uint8_t unknown[] = {0, 0, 6, 4, 0, 0, 0, 0, 0, 0x7f, 0, 0, 0, 0, 1};
	assert_int_equal(detect(unknown, sizeof(unknown), APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(detect("HTTP/1.1 200", 12, APP_TO_CLIENT), APP_DETECT_NO);
}

/* --- a request and its response -------------------------------------------------------------- */

static void request_response(size_t step)
{
	nghttp2_hd_deflater *dc, *ds;
	assert_int_equal(nghttp2_hd_deflate_new(&dc, 4096), 0);
	assert_int_equal(nghttp2_hd_deflate_new(&ds, 4096), 0);
	uint8_t block[512];
	struct frames c = {.len = 0}, sv = {.len = 0};
	preface(&c);
	frame(&c, HTTP2_FRAME_SETTINGS, 0, 0, NULL, 0);
	size_t n = hpack(dc, request_pairs, 7, block, sizeof(block));
	frame(&c, HTTP2_FRAME_HEADERS, 0x5, 1, block, n); /* END_HEADERS | END_STREAM */
	static const char *const response_pairs[] = {":status", "200",		"server",
						     "h2o",	"content-type", "text/html"};
	n = hpack(ds, response_pairs, 3, block, sizeof(block));
	frame(&sv, HTTP2_FRAME_HEADERS, 0x4, 1, block, n);
	frame(&sv, HTTP2_FRAME_DATA, 0, 1, "<html>", 6);
	frame(&sv, HTTP2_FRAME_DATA, 0x1, 1, "</html>", 7);

	void *s = h2_new();
	feed(s, APP_TO_SERVER, c.data, c.len, step);
	int r = find_unit(RULE_BUFFER_HTTP_METHOD, "GET");
	assert_true(r >= 0);
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_URI], "/doc/index.html");
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_HOST], "example.com");
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_HOST_RAW], "Example.COM:3000");
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_USER_AGENT], "nghttp2/1");
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_COOKIE], "id=1");
	/* no pseudo-headers, no cookie: HTTP/1's http.header */
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_HEADER],
			    "user-agent: nghttp2/1\r\naccept: */*\r\n");
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_REQUEST_LINE],
			    "GET /doc/index.html HTTP/2");
	/* the instances, in order, each "name: value" */
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_REQUEST_HEADER], ":method: GET");
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP2_HEADER_NAME], ":method");
	assert_false(units[r].repeat);
	assert_true(units[r].instance);
	static const char *const rest[] = {":scheme: http",	     ":authority: Example.COM:3000",
					   ":path: /doc/index.html", "user-agent: nghttp2/1",
					   "cookie: id=1",	     "accept: */*"};
	for (int i = 0; i < 6; i++) {
		struct record_unit *u = &units[r + 1 + i];
		assert_true(u->repeat);
		assert_string_equal(u->buffer[RULE_BUFFER_HTTP_REQUEST_HEADER], rest[i]);
		assert_string_equal(u->buffer[RULE_BUFFER_HTTP2_HEADER], rest[i]);
		assert_ptr_equal(u->rules, units[r].rules);
		assert_false(u->fresh & RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI));
	}
	const struct app_http2_details *d = app_http2_details_const(&units[r].details);
	assert_string_equal(d->hostname, "example.com");
	assert_string_equal(d->url, "/doc/index.html");
	assert_int_equal(d->stream_id, 1);

	feed(s, APP_TO_CLIENT, sv.data, sv.len, step);
	r = find_unit(RULE_BUFFER_HTTP_STAT_CODE, "200");
	assert_true(r >= 0);
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_URI], "/doc/index.html"); /* carried */
	assert_false(units[r].fresh & RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI));
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_RESPONSE_HEADER], ":status: 200");
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_SERVER], "h2o");
	assert_null(units[r].buffer[RULE_BUFFER_HTTP_REQUEST_HEADER]);
	r = find_unit(RULE_BUFFER_FILE_DATA, "<html></html>");
	assert_true(r >= 0);
	assert_string_equal(units[r].buffer[RULE_BUFFER_HTTP_RESPONSE_BODY], "<html></html>");
	assert_int_equal(app_http2_details_const(&units[r].details)->status, 200);
	assert_int_equal(app_http2_details_const(&units[r].details)->length, 13);
	const struct app_http2_counts *k = app_http2_counts(s);
	assert_int_equal(k->hpack_errors + k->frames_cut + k->bad_continuation, 0);
	app_parser_http2.destroy(s);
	record_reset();
	nghttp2_hd_deflate_del(dc);
	nghttp2_hd_deflate_del(ds);
}

static void test_request_response(void **unused)
{
	(void)unused;
	request_response(4096);
}

/* userinfo in :authority is Suricata's http2.userinfo_in_uri, on a unit of its own; none without. */
static void test_userinfo_event(void **unused)
{
	(void)unused;
	for (int with = 0; with < 2; with++) {
		nghttp2_hd_deflater *dc;
		assert_int_equal(nghttp2_hd_deflate_new(&dc, 4096), 0);
		const char *pairs[] = {":method",    "GET",
				       ":scheme",    "http",
				       ":authority", with ? "user:pw@example.com" : "example.com",
				       ":path",	     "/"};
		uint8_t block[256];
		struct frames c = {.len = 0};
		preface(&c);
		frame(&c, HTTP2_FRAME_SETTINGS, 0, 0, NULL, 0);
		size_t n = hpack(dc, pairs, 4, block, sizeof(block));
		frame(&c, HTTP2_FRAME_HEADERS, 0x5, 1, block, n);
		void *s = h2_new();
		feed(s, APP_TO_SERVER, c.data, c.len, c.len);
		int e = find_unit(RULE_BUFFER_APP_EVENTS, NULL);
		if (with) {
			assert_true(e >= 0);
			assert_int_equal(units[e].len[RULE_BUFFER_APP_EVENTS], 1);
			assert_int_equal((uint8_t)units[e].buffer[RULE_BUFFER_APP_EVENTS][0],
					 RULE_APP_EVENT_HTTP2_USERINFO_IN_URI);
			assert_true(units[e].repeat); /* the request's record is its headers' */
		} else {
			assert_int_equal(e, -1);
		}
		app_parser_http2.destroy(s);
		nghttp2_hd_deflate_del(dc);
		record_reset();
	}
}

static void test_one_byte_at_a_time(void **unused)
{
	(void)unused;
	request_response(1);
}

/* A block split over HEADERS (padded, with priority) and two CONTINUATIONs. */
static void test_continuation_padding(void **unused)
{
	(void)unused;
	nghttp2_hd_deflater *dc;
	assert_int_equal(nghttp2_hd_deflate_new(&dc, 4096), 0);
	uint8_t block[512], payload[600];
	size_t n = hpack(dc, request_pairs, 7, block, sizeof(block));
	struct frames c = {.len = 0};
	preface(&c);
	size_t a = n / 3, b = n / 3;
	/* PADDED | PRIORITY | END_STREAM: pad length 3, dependency 0, weight 41 */
	payload[0] = 3;
	memset(payload + 1, 0, 4);
	payload[5] = 41;
	memcpy(payload + 6, block, a);
	memset(payload + 6 + a, 0, 3);
	frame(&c, HTTP2_FRAME_HEADERS, 0x8 | 0x20 | 0x1, 3, payload, 6 + a + 3);
	frame(&c, HTTP2_FRAME_CONT, 0, 3, block + a, b);
	frame(&c, HTTP2_FRAME_CONT, 0x4, 3, block + a + b, n - a - b);
	void *s = h2_new();
	feed(s, APP_TO_SERVER, c.data, c.len, 1);
	int r = find_unit(RULE_BUFFER_HTTP_URI, "/doc/index.html");
	assert_true(r >= 0);
	assert_int_equal(app_http2_details_const(&units[r].details)->stream_id, 3);
	/* the HEADERS frame's own unit: its weight */
	int m = find_unit(RULE_BUFFER_HTTP2_META, NULL);
	assert_true(m >= 0);
	assert_int_equal((uint8_t)units[m].buffer[RULE_BUFFER_HTTP2_META][0], HTTP2_FRAME_HEADERS);
	assert_true(units[m].buffer[RULE_BUFFER_HTTP2_META][1] & HTTP2_META_PRIORITY);
	assert_int_equal(units[m].buffer[RULE_BUFFER_HTTP2_META][HTTP2_META_OFF_WEIGHT], 41);
	assert_int_equal(app_http2_counts(s)->hpack_errors, 0);
	app_parser_http2.destroy(s);
	record_reset();
	nghttp2_hd_deflate_del(dc);
}

/* --- frame units ----------------------------------------------------------------------------- */

static uint32_t meta32(const struct record_unit *u, int off)
{
	const uint8_t *p = (const uint8_t *)u->buffer[RULE_BUFFER_HTTP2_META] + off;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_frame_units(void **unused)
{
	(void)unused;
	struct frames c = {.len = 0};
	preface(&c);
	static const uint8_t settings[] = {0, 1, 0, 0, 0x10, 0, 0, 4, 0, 0, 0xff, 0xff};
	frame(&c, HTTP2_FRAME_SETTINGS, 0, 0, settings, sizeof(settings));
	static const uint8_t window[] = {0x80, 0, 0x87, 0x4a}; /* reserved bit set, 34634 */
	frame(&c, HTTP2_FRAME_WINDOW, 0, 0, window, 4);
	static const uint8_t goaway[] = {0, 0, 0, 0, 0, 0, 0, 11};
	frame(&c, HTTP2_FRAME_GOAWAY, 0, 0, goaway, 8);
	void *s = h2_new();
	feed(s, APP_TO_SERVER, c.data, c.len, 7);
	assert_int_equal(unit_count, 3);
	for (int i = 0; i < 3; i++) {
		assert_true(units[i].repeat); /* no record of their own */
		assert_int_equal(units[i].fresh, RULE_BUFFER_BIT(RULE_BUFFER_HTTP2_META));
	}
	assert_int_equal(units[0].len[RULE_BUFFER_HTTP2_META], HTTP2_META_FIXED + 12);
	assert_int_equal(units[0].buffer[RULE_BUFFER_HTTP2_META][0], HTTP2_FRAME_SETTINGS);
	assert_true(units[1].buffer[RULE_BUFFER_HTTP2_META][1] & HTTP2_META_WINDOW);
	assert_int_equal(meta32(&units[1], HTTP2_META_OFF_WINDOW), 34634);
	assert_true(units[2].buffer[RULE_BUFFER_HTTP2_META][1] & HTTP2_META_ERRORCODE);
	assert_int_equal(meta32(&units[2], HTTP2_META_OFF_ERROR), 11);
	app_parser_http2.destroy(s);
	record_reset();
}

/* --- hostile input --------------------------------------------------------------------------- */

static void test_hostile_frames_counted(void **unused)
{
	(void)unused;
	nghttp2_hd_deflater *dc;
	assert_int_equal(nghttp2_hd_deflate_new(&dc, 4096), 0);
	uint8_t block[512];
	static uint8_t big[HTTP2_FRAME_KEEP + 100];
	struct frames *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	preface(c);
	frame(c, HTTP2_FRAME_CONT, 0x4, 5, "\x82", 1); /* nobody awaits it */
	static const uint8_t pad_past[] = {200, 1, 2}; /* pad length past the frame */
	frame(c, HTTP2_FRAME_HEADERS, 0x8 | 0x4, 7, pad_past, sizeof(pad_past));
	void *s = h2_new();
	feed(s, APP_TO_SERVER, c->data, c->len, 5);
	/* a PING longer than kept: read past, counted */
	struct frames hdr = {.len = 0};
	frame(&hdr, HTTP2_FRAME_PING, 0, 0, NULL, 0);
	hdr.data[0] = (uint8_t)(sizeof(big) >> 16);
	hdr.data[1] = (uint8_t)(sizeof(big) >> 8);
	hdr.data[2] = (uint8_t)sizeof(big);
	feed(s, APP_TO_SERVER, hdr.data, hdr.len, hdr.len);
	feed(s, APP_TO_SERVER, big, sizeof(big), 1000);
	/* the next request still parses */
	c->len = 0;
	size_t n = hpack(dc, request_pairs, 7, block, sizeof(block));
	frame(c, HTTP2_FRAME_HEADERS, 0x5, 9, block, n);
	feed(s, APP_TO_SERVER, c->data, c->len, c->len);
	const struct app_http2_counts *k = app_http2_counts(s);
	assert_int_equal(k->bad_continuation, 1);
	assert_int_equal(k->frames_cut, 1);
	assert_true(find_unit(RULE_BUFFER_HTTP_URI, "/doc/index.html") >= 0);
	/* HPACK garbage: the direction's headers stop, counted; frames go on */
	c->len = 0;
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	frame(c, HTTP2_FRAME_HEADERS, 0x5, 11, garbage, sizeof(garbage));
	frame(c, HTTP2_FRAME_WINDOW, 0, 0, "\0\0\0\1", 4);
	record_reset();
	feed(s, APP_TO_SERVER, c->data, c->len, c->len);
	assert_int_equal(k->hpack_errors, 1);
	assert_true(find_unit(RULE_BUFFER_HTTP2_META, NULL) >= 0);
	app_parser_http2.destroy(s);
	record_reset();
	free(c);
	nghttp2_hd_deflate_del(dc);
}

/* DATA on stream 0 belongs to no stream: it must not become the next stream's body. */
static void test_data_on_stream_zero(void **unused)
{
	(void)unused;
	nghttp2_hd_deflater *ds;
	assert_int_equal(nghttp2_hd_deflate_new(&ds, 4096), 0);
	uint8_t block[128];
	static const char *const pairs[] = {":status", "200"};
	struct frames sv = {.len = 0};
	frame(&sv, HTTP2_FRAME_DATA, 0, 0, "junk", 4);
	size_t n = hpack(ds, pairs, 1, block, sizeof(block));
	frame(&sv, HTTP2_FRAME_HEADERS, 0x4, 1, block, n);
	frame(&sv, HTTP2_FRAME_DATA, 0x1, 1, "ok", 2);
	void *s = h2_new();
	feed(s, APP_TO_CLIENT, sv.data, sv.len, sv.len);
	assert_true(find_unit(RULE_BUFFER_FILE_DATA, "ok") >= 0);
	assert_int_equal(find_unit(RULE_BUFFER_FILE_DATA, "junkok"), -1);
	app_parser_http2.destroy(s);
	record_reset();
	nghttp2_hd_deflate_del(ds);
}

/* More open streams than kept: the least recently used goes, counted. */
static void test_streams_bounded(void **unused)
{
	(void)unused;
	nghttp2_hd_deflater *dc;
	assert_int_equal(nghttp2_hd_deflate_new(&dc, 4096), 0);
	uint8_t block[512];
	struct frames *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	void *s = h2_new();
	for (uint32_t i = 0; i < HTTP2_STREAMS_MAX + 4; i++) {
		c->len = 0;
		size_t n = hpack(dc, request_pairs, 7, block, sizeof(block));
		frame(c, HTTP2_FRAME_HEADERS, 0x4, 1 + 2 * i, block, n); /* no END_STREAM: open */
		record_reset();
		feed(s, APP_TO_SERVER, c->data, c->len, c->len);
		assert_true(find_unit(RULE_BUFFER_HTTP_METHOD, "GET") >= 0);
	}
	assert_int_equal(app_http2_counts(s)->streams_evicted, 4);
	app_parser_http2.destroy(s);
	record_reset();
	free(c);
	nghttp2_hd_deflate_del(dc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_request_response),
	    cmocka_unit_test(test_userinfo_event),
	    cmocka_unit_test(test_one_byte_at_a_time),
	    cmocka_unit_test(test_continuation_padding),
	    cmocka_unit_test(test_frame_units),
	    cmocka_unit_test(test_hostile_frames_counted),
	    cmocka_unit_test(test_streams_bounded),
	    cmocka_unit_test(test_data_on_stream_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
