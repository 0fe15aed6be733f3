/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/app/app_http.c: detection of requests and responses
 * (mixed-case and unknown methods, too few bytes, other protocols), the
 * buffers and details of a GET, pipelining, data split down to one byte
 * per call (headers and chunked bodies), gzip bodies, POST bodies,
 * responses, the URI evasions libhtp and the double-decoding pass must
 * undo (checked on http.uri), X-Forwarded-For and its relatives, the body
 * limit, a body delimited by the connection's close, HTTP/0.9, CONNECT,
 * and garbage input.
 * Each unit handed to emit is copied (its pointers die when emit returns)
 * and checked afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "dataplane/app/app_http.h"
#include "rules/lang/app_event.h"
#include "dataplane/app/app_json.h"
#include "rules/match/match.h"

#define RECORD_MAX 16

struct record_unit {
	char *buffer[RULE_BUFFER_COUNT]; /* NUL-terminated copies; NULL: absent */
	uint32_t len[RULE_BUFFER_COUNT];
	rule_buffer_mask fresh;
	struct app_window window;
	struct app_details details;
	bool file_closed; /* the unit closed a file: its record, as the pipeline sees it */
	struct app_file_info file;
	bool has_file_store;
};

static struct record_unit units[RECORD_MAX];
static int unit_count;

/* The instances of http.request_header / http.response_header the repeat
 * units carried after each unit (the first instance is in the unit itself),
 * "Name: value" joined by "|". */
static char instances[RECORD_MAX][1024];
static bool instance_follows[RECORD_MAX];

static void record_reset(void)
{
	for (int i = 0; i < unit_count; i++)
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			free(units[i].buffer[b]);
	memset(units, 0, sizeof(units));
	memset(instances, 0, sizeof(instances));
	memset(instance_follows, 0, sizeof(instance_follows));
	unit_count = 0;
}

/* A repeat unit: the next instance of the unit before it, which it must otherwise repeat. */
static void record_instance(const struct app_unit *unit)
{
	assert_true(unit_count > 0);
	struct record_unit *r = &units[unit_count - 1];
	assert_true(instance_follows[unit_count - 1]);
	assert_true(unit->window.instance);
	assert_true(r->window.rules == unit->window.rules);
	int b = unit->buffer[RULE_BUFFER_HTTP_REQUEST_HEADER] ? RULE_BUFFER_HTTP_REQUEST_HEADER
							      : RULE_BUFFER_HTTP_RESPONSE_HEADER;
	assert_int_equal(unit->fresh, RULE_BUFFER_BIT(b));
	assert_non_null(unit->buffer[RULE_BUFFER_HTTP_URI]);
	char *out = instances[unit_count - 1];
	size_t used = strlen(out);
	assert_true(used + unit->buffer_len[b] + 2 < sizeof(instances[0]));
	out[used] = '|';
	memcpy(out + used + 1, unit->buffer[b], unit->buffer_len[b]);
	out[used + 1 + unit->buffer_len[b]] = '\0';
	instance_follows[unit_count - 1] = unit->window.instance_follows;
}

static void record_emit(void *arg, const struct app_unit *unit)
{
	(void)arg;
	if (unit->frame) /* frames: their own tests (test_rule_frame.c, the parsers') */
		return;
	if (unit->repeat) {
		record_instance(unit);
		return;
	}
	assert_true(unit_count < RECORD_MAX);
	instance_follows[unit_count] = unit->window.instance && unit->window.instance_follows;
	struct record_unit *r = &units[unit_count++];
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		r->buffer[b] = malloc(unit->buffer_len[b] + 1);
		assert_non_null(r->buffer[b]);
		memcpy(r->buffer[b], unit->buffer[b], unit->buffer_len[b]);
		r->buffer[b][unit->buffer_len[b]] = '\0';
		r->len[b] = unit->buffer_len[b];
	}
	r->fresh = unit->fresh;
	r->window = unit->window;
	/* only the buffers the row says the parser fills (events go on any parser's units) */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (unit->buffer[b] && b != RULE_BUFFER_APP_EVENTS)
			assert_true((app_parser_http.buffers & RULE_BUFFER_BIT(b)) != 0);
	assert_non_null(unit->details);
	r->details = *unit->details;
	r->has_file_store = unit->file_store != NULL;
	if (unit->file_info) {
		r->file_closed = true;
		r->file = *unit->file_info;
		/* a body's last window, or a multipart upload's file unit (no window) */
		assert_true(unit->window.last || !unit->window.buffers);
		assert_non_null(unit->file_data);
	}
}

/* For inputs that make any number of units: read every byte ASan can check. */
static uint64_t touched;
static void touch_emit(void *arg, const struct app_unit *unit)
{
	(void)arg;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		for (uint32_t i = 0; unit->buffer[b] && i < unit->buffer_len[b]; i++)
			touched += unit->buffer[b][i];
	touched += strlen(app_http_details_const(unit->details)->url) + strlen(unit->details->xff);
}

static const struct app_config default_config = {.xff_headers = {NULL}, .body_limit = 0};

static void *http_new(const struct app_config *config)
{
	record_reset();
	void *s = app_parser_http.create(config ? config : &default_config);
	assert_non_null(s);
	return s;
}

static app_emit_fn feed_emit = record_emit;

static void feed(void *s, enum app_direction dir, const char *data, size_t len, size_t step)
{
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;
		app_parser_http.parse(s, dir, (const uint8_t *)data + off, (uint32_t)n, feed_emit,
				      NULL);
	}
}

static void feed_str(void *s, enum app_direction dir, const char *text)
{
	feed(s, dir, text, strlen(text), strlen(text));
}

static const char *buf(int unit, enum rule_buffer b)
{
	assert_true(unit < unit_count);
	return units[unit].buffer[b];
}

#define assert_buffer(unit, b, text) assert_string_equal(buf(unit, RULE_BUFFER_##b), text)
#define FRESH(b)		     RULE_BUFFER_BIT(RULE_BUFFER_##b)
/* A body's units carry its file too (app_file.h): its name and file.meta (no magic here). */
#define FRESH_FILE (FRESH(FILE_NAME) | FRESH(FILE_META))

static enum app_detect_result detect(const char *text, enum app_direction dir)
{
	return app_parser_http.detect((const uint8_t *)text, (uint32_t)strlen(text), dir);
}

/* --- detection ------------------------------------------------------------------------------- */

static void test_detect(void **unused)
{
	(void)unused;
	assert_int_equal(detect("GET / HTTP/1.1\r\n", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect("gEt /", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect("POST ", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect("propfind /dav", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect("\r\n\r\nGET / HTTP/1.0", APP_TO_SERVER), APP_DETECT_YES);
	/* Unknown methods: only before " /" or " http". */
	assert_int_equal(detect("FOOBAR /x HTTP/1.1", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect("Foobar HTTP://h/", APP_TO_SERVER), APP_DETECT_YES);
	assert_int_equal(detect("FOOBAR x", APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(detect("FOOBAR ht", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect("FOOBAR ", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect("AB /", APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(detect("ABCDEFGHIJKLMNOPQ /", APP_TO_SERVER), APP_DETECT_NO);
	/* Too few bytes to tell. */
	assert_int_equal(detect("G", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect("GET", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(detect("\r\n", APP_TO_SERVER), APP_DETECT_NEED_MORE);
	assert_int_equal(app_parser_http.detect(NULL, 0, APP_TO_SERVER), APP_DETECT_NEED_MORE);
	/* Not HTTP. */
	assert_int_equal(detect("SSH-2.0-OpenSSH_9.2\r\n", APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(detect("\x16\x03\x01\x02\x00\x01", APP_TO_SERVER), APP_DETECT_NO);
	assert_int_equal(detect("220 mail.example.com ESMTP\r\n", APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(detect("GET / HTTP/1.1\r\n", APP_TO_CLIENT), APP_DETECT_NO);
	/* Responses. */
	assert_int_equal(detect("HTTP/1.1 200 OK\r\n", APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(detect("HTTP/1.0 404", APP_TO_CLIENT), APP_DETECT_YES);
	assert_int_equal(detect("HTTP/", APP_TO_CLIENT), APP_DETECT_NEED_MORE);
	assert_int_equal(detect("HTTP/2 200", APP_TO_CLIENT), APP_DETECT_NO);
	assert_int_equal(detect("HTTP/1.1 200 OK\r\n", APP_TO_SERVER), APP_DETECT_NO);
}

/* --- requests -------------------------------------------------------------------------------- */

static const char simple_get[] = "GET /index.php?id=1 HTTP/1.1\r\n"
				 "Host: WWW.Example.COM:8080\r\n"
				 "User-Agent: curl/8.0\r\n"
				 "Accept: */*\r\n"
				 "Accept-Encoding: gzip\r\n"
				 "Accept-Language: en\r\n"
				 "Referer: http://a.example/\r\n"
				 "Cookie: session=abc\r\n"
				 "Connection: keep-alive\r\n"
				 "\r\n";

/* Unit u holds simple_get's request headers. */
static void check_simple_get(int u)
{
	assert_buffer(u, HTTP_URI, "/index.php?id=1");
	assert_buffer(u, HTTP_URI_RAW, "/index.php?id=1");
	assert_buffer(u, HTTP_METHOD, "GET");
	assert_buffer(u, HTTP_REQUEST_LINE, "GET /index.php?id=1 HTTP/1.1");
	assert_buffer(u, HTTP_PROTOCOL, "HTTP/1.1");
	assert_buffer(u, HTTP_HOST, "www.example.com");
	assert_buffer(u, HTTP_HOST_RAW, "WWW.Example.COM:8080");
	assert_buffer(u, HTTP_USER_AGENT, "curl/8.0");
	assert_buffer(u, HTTP_COOKIE, "session=abc");
	assert_buffer(u, HTTP_REFERER, "http://a.example/");
	assert_buffer(u, HTTP_ACCEPT, "*/*");
	assert_buffer(u, HTTP_ACCEPT_ENC, "gzip");
	assert_buffer(u, HTTP_ACCEPT_LANG, "en");
	assert_buffer(u, HTTP_CONNECTION, "keep-alive");
	assert_buffer(u, HTTP_HEADER,
		      "Host: WWW.Example.COM:8080\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n"
		      "Accept-Encoding: gzip\r\nAccept-Language: en\r\n"
		      "Referer: http://a.example/\r\nConnection: keep-alive\r\n");
	assert_buffer(u, HTTP_HEADER_NAMES,
		      "\r\nHost\r\nUser-Agent\r\nAccept\r\nAccept-Encoding\r\nAccept-Language\r\n"
		      "Referer\r\nCookie\r\nConnection\r\n\r\n");
	assert_buffer(u, HTTP_HEADER_RAW, simple_get + strlen("GET /index.php?id=1 HTTP/1.1\r\n"));
	assert_buffer(u, HTTP_START, simple_get);
	assert_null(buf(u, RULE_BUFFER_HTTP_REQUEST_BODY));
	assert_null(buf(u, RULE_BUFFER_HTTP_STAT_CODE));
	assert_null(buf(u, RULE_BUFFER_PKT_DATA));
	const struct app_http_details *d = app_http_details(&units[u].details);
	assert_string_equal(d->hostname, "www.example.com");
	assert_string_equal(d->url, "/index.php?id=1");
	assert_string_equal(d->user_agent, "curl/8.0");
	assert_string_equal(d->method, "GET");
	assert_string_equal(d->protocol, "HTTP/1.1");
	assert_int_equal(d->status, 0);
	assert_string_equal(units[0].details.xff, "");
}

static void test_simple_get(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, simple_get);
	assert_int_equal(unit_count, 1);
	check_simple_get(0);
	assert_true(units[0].fresh & FRESH(HTTP_URI));
	assert_true(units[0].fresh & FRESH(HTTP_HEADER));
	app_parser_http.destroy(s);
	record_reset();
}

/* EVE's http object of a unit, as an alert shows it. */
static const char *http_eve_of(const struct app_details *d)
{
	static char line[8192];
	struct app_json j = {.buf = line, .len = sizeof(line)};
	app_parser_http.eve_details(d, &j);
	assert_true(j.used < sizeof(line));
	line[j.used] = '\0';
	return line;
}

/*
 * A URL past 255 bytes is kept whole up to APP_URL_MAX - 1 bytes; a longer
 * one is kept cut and EVE marks it "[truncated]", as Suricata does.
 */
static void test_long_url_kept_or_marked(void **unused)
{
	(void)unused;
	static char request[4096], url[2048], want[2048];
	void *s = http_new(NULL);
	memset(url, 'a', 600);
	memcpy(url, "/search?q=", 10);
	url[600] = '\0';
	snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", url);
	feed_str(s, APP_TO_SERVER, request);
	assert_int_equal(unit_count, 1);
	assert_string_equal(app_http_details(&units[0].details)->url, url);
	snprintf(want, sizeof(want), "\"url\":\"%s\"", url);
	assert_non_null(strstr(http_eve_of(&units[0].details), want));
	app_parser_http.destroy(s);
	record_reset();

	s = http_new(NULL);
	memset(url, 'b', 1500);
	memcpy(url, "/search?q=", 10);
	url[1500] = '\0';
	snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", url);
	feed_str(s, APP_TO_SERVER, request);
	assert_int_equal(unit_count, 1);
	assert_int_equal(strlen(app_http_details(&units[0].details)->url), APP_URL_MAX - 1);
	snprintf(want, sizeof(want), "\"url\":\"%.*s[truncated]\"", APP_URL_MAX - 1, url);
	assert_non_null(strstr(http_eve_of(&units[0].details), want));
	app_parser_http.destroy(s);
	record_reset();
}

/* Header-based rules must not wait for more bytes than the headers: one byte per call. */
static void test_split_one_byte(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed(s, APP_TO_SERVER, simple_get, strlen(simple_get), 1);
	/*
	 * The byte that ends the request line brings a unit of its own (the
	 * line's buffers alone), as Suricata inspects request-line progress;
	 * the headers' unit carries them again, no longer fresh.
	 */
	assert_int_equal(unit_count, 2);
	assert_buffer(0, HTTP_METHOD, "GET");
	assert_buffer(0, HTTP_URI, "/index.php?id=1");
	assert_buffer(0, HTTP_PROTOCOL, "HTTP/1.1");
	assert_null(buf(0, RULE_BUFFER_HTTP_HOST));
	assert_null(buf(0, RULE_BUFFER_HTTP_HEADER));
	assert_true(units[0].fresh == (FRESH(HTTP_URI) | FRESH(HTTP_URI_RAW) | FRESH(HTTP_METHOD) |
				       FRESH(HTTP_REQUEST_LINE) | FRESH(HTTP_PROTOCOL)));
	check_simple_get(1);
	assert_true((units[1].fresh & FRESH(HTTP_METHOD)) == 0);
	assert_true((units[1].fresh & FRESH(HTTP_HEADER)) != 0);
	app_parser_http.destroy(s);
	record_reset();
}

static void test_pipelined(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER,
		 "GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
		 "POST /second HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nabc"
		 "HEAD /third HTTP/1.1\r\nHost: c\r\n\r\n");
	assert_int_equal(unit_count, 4);
	assert_buffer(0, HTTP_URI, "/first");
	assert_buffer(1, HTTP_URI, "/second");
	assert_buffer(2, HTTP_URI, "/second");
	assert_buffer(2, HTTP_REQUEST_BODY, "abc");
	assert_buffer(3, HTTP_URI, "/third");
	assert_buffer(3, HTTP_METHOD, "HEAD");
	assert_buffer(3, HTTP_HOST, "c");
	/* Responses in order, matched to their requests. */
	feed_str(s, APP_TO_CLIENT,
		 "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
		 "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
		 "HTTP/1.1 204 No Content\r\n\r\n");
	assert_int_equal(unit_count, 8);
	assert_buffer(4, HTTP_STAT_CODE, "200");
	assert_buffer(4, HTTP_URI, "/first");
	assert_buffer(5, HTTP_RESPONSE_BODY, "x");
	assert_buffer(6, HTTP_STAT_CODE, "201");
	assert_buffer(6, HTTP_URI, "/second");
	assert_buffer(7, HTTP_STAT_CODE, "204");
	assert_buffer(7, HTTP_URI, "/third");
	app_parser_http.destroy(s);
	record_reset();
}

static void test_post_body(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(
	    s, APP_TO_SERVER,
	    "POST /login HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 21\r\n\r\n");
	assert_int_equal(unit_count, 1);
	assert_buffer(0, HTTP_CONTENT_TYPE, "application/x-www-form-urlencoded");
	assert_buffer(0, HTTP_CONTENT_LEN, "21");
	feed_str(s, APP_TO_SERVER, "user=admin&pass=' OR ");
	assert_int_equal(unit_count, 2);
	assert_buffer(1, HTTP_REQUEST_BODY, "user=admin&pass=' OR ");
	assert_buffer(1, HTTP_URI, "/login");
	assert_buffer(1, HTTP_METHOD, "POST");
	/* Only the body is new: header rules already ran on unit 0. */
	assert_int_equal(units[1].fresh, FRESH(HTTP_REQUEST_BODY) | FRESH_FILE);
	app_parser_http.destroy(s);
	record_reset();
}

static void test_chunked_one_byte(void **unused)
{
	(void)unused;
	static const char req[] =
	    "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";
	void *s = http_new(NULL);
	feed(s, APP_TO_SERVER, req, strlen(req), 1);
	assert_int_equal(unit_count, 3); /* line, headers, body */
	assert_buffer(2, HTTP_REQUEST_BODY, "hello world");
	app_parser_http.destroy(s);
	record_reset();
}

/* --- responses ------------------------------------------------------------------------------- */

static void test_response(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /dl HTTP/1.1\r\nHost: h\r\nCookie: c=1\r\n\r\n");
	feed_str(s, APP_TO_CLIENT,
		 "HTTP/1.1 302 Found\r\nServer: nginx\r\nLocation: http://evil/x\r\n"
		 "Set-Cookie: id=2\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n");
	assert_int_equal(unit_count, 2);
	assert_buffer(1, HTTP_STAT_CODE, "302");
	assert_buffer(1, HTTP_STAT_MSG, "Found");
	assert_buffer(1, HTTP_RESPONSE_LINE, "HTTP/1.1 302 Found");
	assert_buffer(1, HTTP_PROTOCOL, "HTTP/1.1");
	assert_buffer(1, HTTP_SERVER, "nginx");
	assert_buffer(1, HTTP_LOCATION, "http://evil/x");
	assert_buffer(1, HTTP_COOKIE, "id=2"); /* to client: Set-Cookie */
	assert_buffer(1, HTTP_CONTENT_TYPE, "text/html");
	assert_buffer(1, HTTP_HEADER,
		      "Server: nginx\r\nLocation: http://evil/x\r\nContent-Type: text/html\r\n"
		      "Content-Length: 5\r\n");
	assert_buffer(1, HTTP_URI, "/dl"); /* the request's, carried */
	assert_null(buf(1, RULE_BUFFER_HTTP_RESPONSE_BODY));
	assert_false(units[1].fresh & FRESH(HTTP_URI));
	assert_true(units[1].fresh & FRESH(HTTP_STAT_CODE));
	assert_int_equal(app_http_details(&units[1].details)->status, 302);
	feed(s, APP_TO_CLIENT, "<b>x<", 5, 2);
	assert_int_equal(unit_count, 3);
	assert_buffer(2, HTTP_RESPONSE_BODY, "<b>x<");
	assert_buffer(2, FILE_DATA, "<b>x<");
	assert_buffer(2, HTTP_STAT_CODE, "302");
	assert_int_equal(units[2].fresh, FRESH(HTTP_RESPONSE_BODY) | FRESH(FILE_DATA) | FRESH_FILE);
	assert_int_equal(app_http_details(&units[2].details)->length, 5);
	app_parser_http.destroy(s);
	record_reset();
}

/*
 * http.request_header and http.response_header: one instance per header,
 * "Name: value" with the name as sent and no line end, Cookie included
 * (only http.header leaves it out); the first in the headers unit, the
 * others in repeat units fresh only in that buffer, sharing the message's
 * rule list so a rule alerts once per message.
 */
static void test_header_instances(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER,
		 "GET /ws HTTP/1.1\r\nHost: h\r\nCookie: c=1\r\nKey: abc\r\n\r\n");
	assert_int_equal(unit_count, 1);
	assert_buffer(0, HTTP_REQUEST_HEADER, "Host: h");
	assert_true(units[0].fresh & FRESH(HTTP_REQUEST_HEADER));
	assert_true(units[0].fresh & FRESH(HTTP_URI));
	assert_true(units[0].window.instance);
	assert_non_null(units[0].window.rules);
	assert_string_equal(instances[0], "|Cookie: c=1|Key: abc");
	assert_false(instance_follows[0]); /* the last said none follows */
	assert_null(buf(0, RULE_BUFFER_HTTP_RESPONSE_HEADER));
	feed_str(s, APP_TO_CLIENT, "HTTP/1.1 204 No Content\r\nDate: today\r\nServer: x\r\n\r\n");
	assert_int_equal(unit_count, 2);
	assert_buffer(1, HTTP_RESPONSE_HEADER, "Date: today");
	assert_null(buf(1, RULE_BUFFER_HTTP_REQUEST_HEADER));
	assert_string_equal(instances[1], "|Server: x");
	assert_true(units[1].window.rules != units[0].window.rules);
	app_parser_http.destroy(s);
	record_reset();
}

static size_t gzip_text(const char *text, uint8_t *out, size_t size)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)strlen(text);
	z.next_out = out;
	z.avail_out = (uInt)size;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t n = z.total_out;
	deflateEnd(&z);
	return n;
}

static void test_gzip_body(void **unused)
{
	(void)unused;
	static const char body[] = "<script>alert('compressed payload')</script>";
	uint8_t gz[256];
	size_t gz_len = gzip_text(body, gz, sizeof(gz));
	char msg[512];
	int head = snprintf(
	    msg, sizeof(msg),
	    "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", gz_len);
	memcpy(msg + head, gz, gz_len);

	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
	feed(s, APP_TO_CLIENT, msg, (size_t)head + gz_len, 7);
	assert_int_equal(unit_count, 3);
	assert_buffer(2, HTTP_RESPONSE_BODY, body);
	assert_buffer(2, FILE_DATA, body);
	app_parser_http.destroy(s);

	/* A gzip request body is decompressed too. */
	s = http_new(NULL);
	head = snprintf(msg, sizeof(msg),
			"POST /p HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\n"
			"Content-Length: %zu\r\n\r\n",
			gz_len);
	memcpy(msg + head, gz, gz_len);
	feed(s, APP_TO_SERVER, msg, (size_t)head + gz_len, 3);
	assert_int_equal(unit_count, 3); /* line, headers, body */
	assert_buffer(2, HTTP_REQUEST_BODY, body);
	app_parser_http.destroy(s);
	record_reset();
}

/*
 * A body marked gzip that is not gzip is inspected as sent, whole, however
 * it is split: libhtp's own decoder passed on only the piece where
 * decoding failed, so an executable sent a byte at a time lost its "MZ".
 */
static void test_coding_fallback_raw(void **unused)
{
	(void)unused;
	static const char exe[] = "MZ\x90\x01This program cannot be run in DOS mode.\r\n";
	static const char *const codings[] = {"gzip", "deflate", "x-gzip, gzip"};
	char msg[512];
	for (size_t c = 0; c < sizeof(codings) / sizeof(codings[0]); c++) {
		for (size_t step = 1; step <= 64; step *= 4) {
			int head = snprintf(msg, sizeof(msg),
					    "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n"
					    "Content-Length: %zu\r\n\r\n",
					    codings[c], strlen(exe));
			void *s = http_new(NULL);
			feed_str(s, APP_TO_SERVER, "GET /setup.exe HTTP/1.1\r\nHost: h\r\n\r\n");
			feed(s, APP_TO_CLIENT, msg, (size_t)head, (size_t)head);
			feed(s, APP_TO_CLIENT, exe, strlen(exe), step);
			assert_int_equal(unit_count, 3);
			assert_buffer(2, FILE_DATA, exe);
			app_parser_http.destroy(s);
		}
	}
	/* the request direction too */
	int head = snprintf(msg, sizeof(msg),
			    "POST /up HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\n"
			    "Content-Length: %zu\r\n\r\n",
			    strlen(exe));
	void *s = http_new(NULL);
	feed(s, APP_TO_SERVER, msg, (size_t)head, (size_t)head);
	feed(s, APP_TO_SERVER, exe, strlen(exe), 1);
	assert_int_equal(unit_count, 2);
	assert_buffer(1, HTTP_REQUEST_BODY, exe);
	app_parser_http.destroy(s);
	record_reset();
}

/*
 * "Transfer-Encoding: identity, chunked" (chunked last, any case, blanks
 * and tabs, or two headers) is chunked to Apache, IIS and Node; libhtp took
 * it for invalid, left the body chunked and stopped parsing. The body is
 * de-chunked now, in both directions, and the next request is parsed.
 */
/* Unit i carries application-layer event e (app.events, one byte per event). */
static bool unit_has_event(int i, enum rule_app_event e)
{
	const char *events = units[i].buffer[RULE_BUFFER_APP_EVENTS];
	return events && memchr(events, (int)e, units[i].len[RULE_BUFFER_APP_EVENTS]) != NULL;
}

/* libhtp's anomalies become Suricata's http events, on the headers' unit of their direction. */
static void test_http_events(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(unit_count, 1);
	assert_null(units[0].buffer[RULE_BUFFER_APP_EVENTS]);
	feed_str(s, APP_TO_SERVER, "GET /b HTTP/1.1\r\nUser-Agent: x\r\n\r\n");
	assert_int_equal(unit_count, 2);
	assert_true(unit_has_event(1, RULE_APP_EVENT_HTTP_MISSING_HOST_HEADER));
	/* a rule on the events alone is not skipped as a unit with nothing new */
	assert_true((units[1].fresh & RULE_BUFFER_BIT(RULE_BUFFER_APP_EVENTS)) != 0);
	feed_str(s, APP_TO_SERVER,
		 "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
		 "Content-Length: 1\r\n\r\nx");
	assert_true(unit_count >= 3);
	assert_true(
	    unit_has_event(2, RULE_APP_EVENT_HTTP_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST));
	assert_false(unit_has_event(2, RULE_APP_EVENT_HTTP_MISSING_HOST_HEADER));
	app_parser_http.destroy(s);
	record_reset();
}

static void test_transfer_encoding_chunked_last(void **unused)
{
	(void)unused;
	static const char *const values[] = {
	    "Transfer-Encoding: identity, chunked\r\n",
	    "Transfer-Encoding: IDENTITY ,\tChunked \r\n",
	    "Transfer-Encoding: gzip,chunked\r\n",
	    "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n",
	};
	static const char chunks[] = "4\r\nunio\r\n5\r\nn sel\r\n7\r\nect pw \r\n0\r\n\r\n";
	char msg[512];
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(msg, sizeof(msg), "POST /q HTTP/1.1\r\nHost: h\r\n%s\r\n%s", values[i],
			 chunks);
		void *s = http_new(NULL);
		feed(s, APP_TO_SERVER, msg, strlen(msg), 5);
		assert_int_equal(unit_count, 3); /* line, headers, body */
		assert_buffer(2, HTTP_REQUEST_BODY, "union select pw ");
		feed_str(s, APP_TO_SERVER, "GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
		assert_int_equal(unit_count, 4);
		assert_buffer(3, HTTP_URI, "/next");
		/* a response so coded is de-chunked too */
		snprintf(msg, sizeof(msg), "HTTP/1.1 200 OK\r\n%s\r\n%s", values[i], chunks);
		feed(s, APP_TO_CLIENT, msg, strlen(msg), 5);
		assert_int_equal(unit_count, 6);
		assert_buffer(5, FILE_DATA, "union select pw ");
		app_parser_http.destroy(s);
	}
	record_reset();
}

/*
 * A body is handed to inspection in windows as it grows: every 32 KB,
 * each window holding the body from its first byte, its new bytes marked,
 * and an overlap of 8 KB before them searched again; the last at its end.
 */
static void test_body_windows(void **unused)
{
	(void)unused;
	enum { SIZE = 70000 };
	static char body[SIZE + 1];
	memset(body, 'a', SIZE);
	char head[128];
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", SIZE);
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, head);
	feed(s, APP_TO_CLIENT, body, 32768 - 1, 1000);
	assert_int_equal(unit_count, 2); /* not a window yet */
	feed(s, APP_TO_CLIENT, body, 1, 1);
	assert_int_equal(unit_count, 3);
	assert_int_equal(units[2].len[RULE_BUFFER_FILE_DATA], 32768);
	/* the file's name is no body position: new, but not a window buffer */
	assert_int_equal(units[2].window.buffers,
			 FRESH(HTTP_RESPONSE_BODY) | FRESH(FILE_DATA) | FRESH(FILE_META));
	assert_int_equal(units[2].window.new_from, 0);
	assert_int_equal(units[2].window.scan_from, 0);
	assert_true(units[2].window.more);
	feed(s, APP_TO_CLIENT, body, 65536 - 32768, 1460);
	assert_int_equal(unit_count, 4);
	assert_int_equal(units[3].len[RULE_BUFFER_FILE_DATA], 65536);
	/* the file's name went out with the first window: a rule on it alone runs once */
	assert_true(units[2].fresh & FRESH(FILE_NAME));
	assert_false(units[3].fresh & FRESH(FILE_NAME));
	assert_true(units[3].fresh & FRESH(FILE_META));
	assert_buffer(3, FILE_NAME, "/big");
	assert_int_equal(units[3].window.new_from, 32768);
	assert_int_equal(units[3].window.scan_from, 32768 - 8192);
	assert_true(units[3].window.more);
	feed(s, APP_TO_CLIENT, body, SIZE - 65536, 1460);
	assert_int_equal(unit_count, 5);
	assert_int_equal(units[4].len[RULE_BUFFER_FILE_DATA], SIZE);
	/* the last window offers its overlap as new again, for rules on the end */
	assert_int_equal(units[4].window.new_from, SIZE - 8192);
	assert_false(units[4].window.more);
	assert_false(units[4].window.cut);
	assert_true(units[4].window.rules == units[2].window.rules);
	app_parser_http.destroy(s);
	record_reset();
}

/*
 * A body the close cuts short of its Content-Length is inspected as far as
 * it came, its end not taken for the body's (endswith, bsize wait for an
 * end that never came); one delimited by the close is whole.
 */
static void test_body_cut_short(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nab");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ncd");
	app_parser_http.parse(s, APP_TO_SERVER, NULL, 0, record_emit, NULL);
	app_parser_http.parse(s, APP_TO_CLIENT, NULL, 0, record_emit, NULL);
	int request = -1, response = -1;
	for (int i = 0; i < unit_count; i++) {
		if (units[i].buffer[RULE_BUFFER_HTTP_REQUEST_BODY])
			request = i;
		if (units[i].buffer[RULE_BUFFER_FILE_DATA])
			response = i;
	}
	assert_true(request >= 0 && response >= 0);
	assert_buffer(request, HTTP_REQUEST_BODY, "ab");
	assert_true(units[request].window.more);
	assert_buffer(response, FILE_DATA, "cd");
	assert_true(units[response].window.more);
	app_parser_http.destroy(s);

	s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET / HTTP/1.0\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.0 200 OK\r\n\r\nwhole");
	app_parser_http.parse(s, APP_TO_CLIENT, NULL, 0, record_emit, NULL);
	assert_buffer(unit_count - 1, FILE_DATA, "whole");
	assert_false(units[unit_count - 1].window.more);
	app_parser_http.destroy(s);
	record_reset();
}

/* HTTP/1.0 style: the body ends when the server closes; parse(len 0) says so. */
static void test_body_until_close(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET / HTTP/1.0\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
	assert_int_equal(unit_count, 2);
	app_parser_http.parse(s, APP_TO_CLIENT, NULL, 0, record_emit, NULL);
	assert_int_equal(unit_count, 3);
	assert_buffer(2, HTTP_RESPONSE_BODY, "until the end");
	app_parser_http.destroy(s);
	record_reset();
}

/* Only body_limit bytes are kept, and the body unit does not wait for the rest. */
static void test_body_limit(void **unused)
{
	(void)unused;
	const struct app_config small = {.xff_headers = {NULL}, .body_limit = 8};
	void *s = http_new(&small);
	feed_str(s, APP_TO_SERVER, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n");
	feed_str(s, APP_TO_SERVER, "0123456789abcdef");
	assert_int_equal(unit_count, 2);
	assert_buffer(1, HTTP_REQUEST_BODY, "01234567");
	assert_true(units[1].window.cut);
	assert_true(units[1].window.more);
	feed_str(s, APP_TO_SERVER, "more bytes that are not kept");
	assert_int_equal(unit_count, 2);
	app_parser_http.destroy(s);
	record_reset();
}

/* --- evasions: what http.uri must show ------------------------------------------------------- */

static const char *uri_of(const char *target)
{
	static char uri[256];
	char req[512];
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: h\r\n\r\n", target);
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, req);
	assert_int_equal(unit_count, 1);
	snprintf(uri, sizeof(uri), "%s", buf(0, RULE_BUFFER_HTTP_URI));
	app_parser_http.destroy(s);
	record_reset();
	return uri;
}

static void test_uri_evasions(void **unused)
{
	(void)unused;
	/* Percent-encoded dot segments fold as the server folds them. */
	assert_string_equal(uri_of("/a/%2e%2e/b"), "/b");
	assert_string_equal(uri_of("/a/b/%2e%2e%2f%2e%2e%2fetc/passwd"), "/etc/passwd");
	/* IIS %u encoding. */
	assert_string_equal(uri_of("/a/%u002e%u002e/b"), "/b");
	assert_string_equal(uri_of("/%u0061dmin"), "/admin");
	/* Self-references and empty segments. */
	assert_string_equal(uri_of("/a/./b/.//c"), "/a/b/c");
	assert_string_equal(uri_of("//a///b"), "/a/b");
	/* Backslashes as separators (IIS). */
	assert_string_equal(uri_of("/a\\..\\b\\c"), "/b/c");
	/* Double encoding: decoded twice, so the traversal is visible as sent to a
	 * server that decodes twice. */
	assert_string_equal(uri_of("/a/%252e%252e%252fetc/passwd"), "/a/../etc/passwd");
	assert_string_equal(uri_of("/x?q=%2527%2520or"), "/x?q=%27%20or");
	/* The query is decoded once; '+' stays '+' (Suricata's default). */
	assert_string_equal(uri_of("/s?q=%27+OR+1=1"), "/s?q='+OR+1=1");
	/* Case is kept (rules use nocase). */
	assert_string_equal(uri_of("/Admin/Login.PHP"), "/Admin/Login.PHP");
	/* A NUL does not hide what follows it. */
	assert_string_equal(uri_of("/x.php%00.jpg"), "/x.php");
	/* Absolute form: the path only, the host goes to http.host. */
	assert_string_equal(uri_of("http://Evil.Example/p?a=1"), "/p?a=1");
}

/* %00 decodes to a real NUL byte that stays in the buffer (length says so). */
static void test_uri_nul_kept(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /x.php%00.jpg HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(unit_count, 1);
	assert_int_equal(units[0].len[RULE_BUFFER_HTTP_URI], 11);
	assert_memory_equal(units[0].buffer[RULE_BUFFER_HTTP_URI], "/x.php\0.jpg", 11);
	assert_buffer(0, HTTP_URI_RAW, "/x.php%00.jpg");
	app_parser_http.destroy(s);
	record_reset();
}

/* HTTP/0.9 has no headers and no protocol; it must still give a unit. */
static void test_http09(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /evil/%2e%2e/x\r\n");
	assert_int_equal(unit_count, 1);
	assert_buffer(0, HTTP_URI, "/x");
	assert_buffer(0, HTTP_METHOD, "GET");
	app_parser_http.destroy(s);
	record_reset();
}

/* --- X-Forwarded-For ------------------------------------------------------------------------- */

static struct xff_client xff_client_seen; /* the address beside xff_of()'s text */

static const char *xff_of(const struct app_config *config, const char *headers)
{
	static char xff[64];
	char req[512];
	snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: h\r\n%s\r\n", headers);
	void *s = http_new(config);
	feed_str(s, APP_TO_SERVER, req);
	assert_int_equal(unit_count, 1);
	snprintf(xff, sizeof(xff), "%s", units[0].details.xff);
	xff_client_seen = units[0].details.xff_client;
	app_parser_http.destroy(s);
	record_reset();
	return xff;
}

/* The details' address is the text's, as the filter, rate limits and exceptions will read it. */
static void assert_client(const char *text, int family)
{
	struct xff_client want;
	assert_int_equal(xff_client_seen.family, family);
	assert_int_equal(xff_parse_address(text, strlen(text), &want), 0);
	assert_memory_equal(xff_client_seen.addr, want.addr, 16);
}

static void test_xff(void **unused)
{
	(void)unused;
	assert_string_equal(xff_of(NULL, "X-Forwarded-For: 203.0.113.7\r\n"), "203.0.113.7");
	assert_client("203.0.113.7", 4);
	/* The last entry is the client: the proxy in front appended it; the rest is the client's word. */
	assert_string_equal(xff_of(NULL, "X-Forwarded-For:  203.0.113.7 , 10.0.0.1, 10.0.0.2\r\n"),
			    "10.0.0.2");
	assert_client("10.0.0.2", 4);
	assert_string_equal(xff_of(NULL, "X-Forwarded-For: 192.0.2.1:8080\r\n"), "192.0.2.1:8080");
	assert_client("192.0.2.1", 4);
	assert_string_equal(xff_of(NULL, "x-forwarded-for: 2001:db8::5\r\n"), "2001:db8::5");
	assert_client("2001:db8::5", 6);
	assert_string_equal(xff_of(NULL, "X-Real-IP: 198.51.100.9 \r\n"), "198.51.100.9");
	assert_string_equal(
	    xff_of(NULL, "Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43\r\n"), "192.0.2.60");
	assert_client("192.0.2.60", 4);
	assert_string_equal(xff_of(NULL, "Forwarded: For=\"[2001:db8:cafe::17]:4711\"\r\n"),
			    "2001:db8:cafe::17");
	assert_client("2001:db8:cafe::17", 6);
	assert_string_equal(xff_of(NULL, "Forwarded: proto=https; for=192.0.2.1, for=10.1.1.1\r\n"),
			    "10.1.1.1");
	/* Preference order: X-Forwarded-For before X-Real-IP whatever the header order. */
	assert_string_equal(xff_of(NULL, "X-Real-IP: 2.2.2.2\r\nX-Forwarded-For: 1.1.1.1\r\n"),
			    "1.1.1.1");
	/* ...but a header that names no address gives way to the next one. */
	assert_string_equal(xff_of(NULL, "X-Forwarded-For: unknown\r\nX-Real-IP: 2.2.2.2\r\n"),
			    "2.2.2.2");
	assert_client("2.2.2.2", 4);
	/* None does: the text as the proxy wrote it, no address. */
	assert_string_equal(xff_of(NULL, "X-Forwarded-For: unknown\r\n"), "unknown");
	assert_int_equal(xff_client_seen.family, 0);
	assert_string_equal(xff_of(NULL, "X-Other: 1.1.1.1\r\n"), "");
	assert_int_equal(xff_client_seen.family, 0);
	/* The board's own list. */
	const struct app_config custom = {.xff_headers = {"True-Client-IP", NULL}, .body_limit = 0};
	assert_string_equal(
	    xff_of(&custom, "X-Forwarded-For: 1.1.1.1\r\nTrue-Client-IP: 4.4.4.4\r\n"), "4.4.4.4");
	assert_client("4.4.4.4", 4);
}

/* --- robustness ------------------------------------------------------------------------------ */

static void test_garbage(void **unused)
{
	(void)unused;
	uint8_t junk[4096];
	uint32_t x = 12345;
	feed_emit = touch_emit;
	for (int round = 0; round < 64; round++) {
		void *s = http_new(NULL);
		feed_str(s, APP_TO_SERVER, "GET / HTTP/1.1\r\n");
		for (size_t i = 0; i < sizeof(junk); i++) {
			x = x * 1103515245u + 12345u;
			junk[i] = (uint8_t)(x >> 16);
			if (round & 1 && junk[i] > 200)
				junk[i] = "\r\n: %u"[junk[i] % 6];
		}
		feed(s, round & 2 ? APP_TO_CLIENT : APP_TO_SERVER, (const char *)junk, sizeof(junk),
		     1 + round % 97);
		feed(s, APP_TO_SERVER, (const char *)junk, sizeof(junk), 512);
		app_parser_http.parse(s, APP_TO_CLIENT, NULL, 0, touch_emit, NULL);
		app_parser_http.parse(s, APP_TO_SERVER, NULL, 0, touch_emit, NULL);
		app_parser_http.destroy(s);
	}
	feed_emit = record_emit;
	record_reset();
	app_parser_http.destroy(NULL);
}

/* A CONNECT waits for its response; once the tunnel is up, nothing more is parsed. */
static void test_connect(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n\x16\x03\x01");
	assert_int_equal(unit_count, 1);
	assert_buffer(0, HTTP_METHOD, "CONNECT");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.1 200 Connection established\r\n\r\n");
	assert_int_equal(unit_count, 2);
	assert_buffer(1, HTTP_STAT_CODE, "200");
	feed_str(s, APP_TO_SERVER, "GET /hidden HTTP/1.1\r\n\r\n");
	assert_int_equal(unit_count, 2);
	app_parser_http.destroy(s);
	record_reset();
}

/* --- files ---------------------------------------------------------------------------------- */

/* The unit that closed a file, or -1. */
static int file_unit(void)
{
	for (int i = 0; i < unit_count; i++)
		if (units[i].file_closed)
			return i;
	return -1;
}

static void test_file_names(void **unused)
{
	(void)unused;
	/* no Content-Disposition: the normalised path, without its query */
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /dl/./a%2epdf?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
	int u = file_unit();
	assert_true(u >= 0);
	assert_buffer(u, FILE_NAME, "/dl/a.pdf");
	assert_string_equal(units[u].file.name, "/dl/a.pdf");
	assert_int_equal(units[u].file.direction, RULE_FILESTORE_RESPONSE);
	app_parser_http.destroy(s);

	/* Content-Disposition's name, quoted or not, filename* first */
	static const struct {
		const char *header, *name;
	} cases[] = {
	    {"attachment; filename=\"eicar.txt\"", "eicar.txt"},
	    {"attachment; filename=a b.exe ; size=3", "a b.exe"},
	    {"attachment; filename*=UTF-8''na%20me.zip; filename=\"x\"", "na%20me.zip"},
	    {"attachment; FILENAME=\"up.doc\"", "up.doc"},
	    {"inline", "/get"}, /* none named: the path */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char response[256];
		snprintf(
		    response, sizeof(response),
		    "HTTP/1.1 200 OK\r\nContent-Disposition: %s\r\nContent-Length: 2\r\n\r\nab",
		    cases[i].header);
		s = http_new(NULL);
		feed_str(s, APP_TO_SERVER, "GET /get HTTP/1.1\r\nHost: h\r\n\r\n");
		feed_str(s, APP_TO_CLIENT, response);
		u = file_unit();
		assert_true(u >= 0);
		assert_string_equal(units[u].file.name, cases[i].name);
		app_parser_http.destroy(s);
	}
	record_reset();
}

static void test_file_close(void **unused)
{
	(void)unused;
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nwxyz");
	int u = file_unit();
	assert_true(u >= 0);
	assert_true(units[u].has_file_store);
	assert_int_equal(units[u].file.meta.state, RULE_FILE_CLOSED);
	assert_int_equal(units[u].file.meta.size, 4);
	assert_int_equal(units[u].file.direction, RULE_FILESTORE_REQUEST);
	assert_int_equal(units[u].file.tx_id, 0);
	assert_true(app_http_details(&units[u].details)->has_file);
	/* file.meta in the unit says closed too */
	struct rule_file_meta meta;
	assert_int_equal(units[u].len[RULE_BUFFER_FILE_META], sizeof(meta));
	memcpy(&meta, units[u].buffer[RULE_BUFFER_FILE_META], sizeof(meta));
	assert_int_equal(meta.state, RULE_FILE_CLOSED);
	/* hashes only when asked: not here */
	assert_int_equal(meta.hashes, 0);
	app_parser_http.destroy(s);

	/* a chunked response the connection cuts before its last chunk: closed truncated */
	s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT,
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
	assert_int_equal(file_unit(), -1); /* still open */
	app_parser_http.parse(s, APP_TO_CLIENT, NULL, 0, record_emit, NULL);
	u = file_unit();
	assert_true(u >= 0);
	assert_int_equal(units[u].file.meta.state, RULE_FILE_TRUNCATED);
	assert_int_equal(units[u].file.meta.size, 5);
	assert_true(units[u].window.more);
	app_parser_http.destroy(s);

	/* a second transaction on the connection: its tx_id */
	s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
	feed_str(s, APP_TO_SERVER, "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
	int last = -1;
	for (int i = 0; i < unit_count; i++)
		if (units[i].file_closed)
			last = i;
	assert_true(last >= 0);
	assert_string_equal(units[last].file.name, "/2");
	assert_int_equal(units[last].file.tx_id, 1);
	app_parser_http.destroy(s);
	record_reset();
}

static void test_file_upload(void **unused)
{
	(void)unused;
	static const char body[] =
	    "--b1\r\n"
	    "Content-Disposition: form-data; name=\"t\"\r\n\r\n"
	    "text\r\n"
	    "--b1\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"one.jpg\"\r\n"
	    "\r\n"
	    "abc\r\n"
	    "--b1\r\n"
	    "Content-Disposition: form-data; name=\"g\"; filename=\"two.exe\"\r\n"
	    "\r\n"
	    "MZxyz\r\n"
	    "--b1--\r\n";
	char request[1024];
	snprintf(request, sizeof(request),
		 "POST /up.cgi HTTP/1.1\r\nHost: h\r\n"
		 "Content-Type: multipart/form-data; boundary=b1\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(body), body);
	void *s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, request);
	int files[4], n = 0;
	for (int i = 0; i < unit_count; i++) {
		if (units[i].file_closed && n < 4)
			files[n++] = i;
		/* the body's own units are no file: its parts are */
		if (units[i].window.buffers)
			assert_null(units[i].buffer[RULE_BUFFER_FILE_NAME]);
	}
	assert_int_equal(n, 2);
	assert_string_equal(units[files[0]].file.name, "one.jpg");
	assert_int_equal(units[files[0]].file.meta.size, 3);
	assert_int_equal(units[files[0]].file.meta.state, RULE_FILE_CLOSED);
	assert_string_equal(units[files[1]].file.name, "two.exe");
	assert_int_equal(units[files[1]].file.meta.size, 5);
	/* only the file's buffers are new: the request's rules ran already */
	assert_int_equal(units[files[1]].fresh, FRESH_FILE);
	assert_buffer(files[1], FILE_NAME, "two.exe");
	assert_buffer(files[1], HTTP_URI, "/up.cgi");
	app_parser_http.destroy(s);

	/* the connection ends inside the second file: it ends truncated */
	s = http_new(NULL);
	size_t cut = (size_t)(strstr(request, "MZxyz") + 2 - request);
	feed(s, APP_TO_SERVER, request, cut, cut);
	/* files go with the body's windows (every 32 KB, and its end): none yet */
	n = 0;
	for (int i = 0; i < unit_count; i++)
		n += units[i].file_closed;
	assert_int_equal(n, 0);
	app_parser_http.parse(s, APP_TO_SERVER, NULL, 0, record_emit, NULL);
	n = 0;
	for (int i = 0; i < unit_count; i++)
		n += units[i].file_closed;
	assert_int_equal(n, 2);
	int last = -1;
	for (int i = 0; i < unit_count; i++)
		if (units[i].file_closed)
			last = i;
	assert_string_equal(units[last].file.name, "two.exe");
	assert_int_equal(units[last].file.meta.state, RULE_FILE_TRUNCATED);
	assert_int_equal(units[last].file.meta.size, 2);
	app_parser_http.destroy(s);
	record_reset();
}

static void test_file_magic_and_hashes(void **unused)
{
	(void)unused;
	static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
	/* the board asks for magic and MD5 */
	struct app_config config = default_config;
	config.file_magic = true;
	config.file_hashes = RULE_FILE_HAS_MD5;
	void *s = http_new(&config);
	feed_str(s, APP_TO_SERVER, "GET /t HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, response);
	int u = file_unit();
	assert_true(u >= 0);
	assert_non_null(units[u].buffer[RULE_BUFFER_FILE_MAGIC]);
	assert_non_null(strstr(units[u].file.magic, "text"));
	assert_int_equal(units[u].file.meta.hashes, RULE_FILE_HAS_MD5);
	char hex[33];
	app_file_hex(units[u].file.meta.md5, 16, hex);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	app_parser_http.destroy(s);

	/* the board asks for nothing, the rules in force for SHA-256 and magic */
	app_file_rules_needs = RULE_FILE_HAS_SHA256 | RULE_FILE_NEEDS_MAGIC;
	s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /t HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, response);
	u = file_unit();
	assert_true(u >= 0);
	assert_int_equal(units[u].file.meta.hashes, RULE_FILE_HAS_SHA256);
	assert_non_null(units[u].buffer[RULE_BUFFER_FILE_MAGIC]);
	app_parser_http.destroy(s);
	app_file_rules_needs = 0;

	/* neither: no magic buffer, no hashes */
	s = http_new(NULL);
	feed_str(s, APP_TO_SERVER, "GET /t HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, response);
	u = file_unit();
	assert_true(u >= 0);
	assert_null(units[u].buffer[RULE_BUFFER_FILE_MAGIC]);
	assert_int_equal(units[u].file.meta.hashes, 0);
	app_parser_http.destroy(s);
	record_reset();
}

static void test_file_eve(void **unused)
{
	(void)unused;
	struct app_config config = default_config;
	config.file_hashes = RULE_FILE_HAS_MD5 | RULE_FILE_HAS_SHA1 | RULE_FILE_HAS_SHA256;
	void *s = http_new(&config);
	feed_str(s, APP_TO_SERVER, "GET /t.txt HTTP/1.1\r\nHost: h\r\n\r\n");
	feed_str(s, APP_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
	int u = file_unit();
	assert_true(u >= 0);
	struct app_details d = units[u].details;
	app_http_details(&d)->file.stored = true;
	char out[2048];
	struct app_json j = {.buf = out, .len = sizeof(out)};
	app_parser_http.eve_file(&d, &j);
	out[j.used < sizeof(out) ? j.used : sizeof(out) - 1] = 0;
	assert_non_null(strstr(out, "\"filename\":\"/t.txt\""));
	assert_non_null(strstr(out, "\"state\":\"CLOSED\""));
	assert_non_null(strstr(out, "\"md5\":\"900150983cd24fb0d6963f7d28e17f72\""));
	assert_non_null(strstr(out, "\"sha1\":\"a9993e364706816aba3e25717850c26c9cd0d89d\""));
	assert_non_null(strstr(out, "\"sha256\":\"ba7816bf"));
	assert_non_null(strstr(out, "\"stored\":true"));
	assert_non_null(strstr(out, "\"size\":3"));
	assert_non_null(strstr(out, "\"tx_id\":0"));
	app_parser_http.destroy(s);
	record_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_simple_get),
	    cmocka_unit_test(test_long_url_kept_or_marked),
	    cmocka_unit_test(test_split_one_byte),
	    cmocka_unit_test(test_pipelined),
	    cmocka_unit_test(test_post_body),
	    cmocka_unit_test(test_chunked_one_byte),
	    cmocka_unit_test(test_response),
	    cmocka_unit_test(test_gzip_body),
	    cmocka_unit_test(test_body_until_close),
	    cmocka_unit_test(test_body_limit),
	    cmocka_unit_test(test_coding_fallback_raw),
	    cmocka_unit_test(test_transfer_encoding_chunked_last),
	    cmocka_unit_test(test_http_events),
	    cmocka_unit_test(test_body_windows),
	    cmocka_unit_test(test_body_cut_short),
	    cmocka_unit_test(test_uri_evasions),
	    cmocka_unit_test(test_uri_nul_kept),
	    cmocka_unit_test(test_xff),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_connect),
	    cmocka_unit_test(test_http09),
	    cmocka_unit_test(test_file_names),
	    cmocka_unit_test(test_file_close),
	    cmocka_unit_test(test_file_upload),
	    cmocka_unit_test(test_file_magic_and_hashes),
	    cmocka_unit_test(test_file_eve),
	    cmocka_unit_test(test_header_instances),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
