/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/console_http.c: which first lines are HTTP,
 * request lines into routes (and each refusal's status), Connection
 * headers, and the security headers of every answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "control/console_http.h"

static struct console_http_request r;

static int parse(const char *line)
{
	return console_http_parse_request_line(line, strlen(line), &r);
}

static void test_is_request(void **state)
{
	(void)state;
	assert_true(console_http_is_request("GET / HTTP/1.1", 14));
	assert_true(console_http_is_request("POST /x HTTP/1.1", 16));
	assert_false(console_http_is_request("status", 6));
	assert_false(console_http_is_request("GET", 3));
	assert_false(console_http_is_request("rules load x <10", 16));
}

static void test_routes(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\r"), 200);
	assert_int_equal(r.route, CONSOLE_HTTP_METRICS);
	assert_false(r.close);
	assert_false(r.head);
	assert_int_equal(parse("GET / HTTP/1.0"), 200);
	assert_int_equal(r.route, CONSOLE_HTTP_DASHBOARD);
	assert_true(r.close);
	assert_int_equal(parse("HEAD /api/history?x=1 HTTP/1.1"), 200);
	assert_int_equal(r.route, CONSOLE_HTTP_API_HISTORY);
	assert_true(r.head);
	assert_string_equal(r.path, "/api/history");
	assert_int_equal(parse("GET /dashboard.js HTTP/1.1"), 200);
	assert_int_equal(r.route, CONSOLE_HTTP_DASHBOARD_JS);
	assert_int_equal(parse("GET /etc/passwd HTTP/1.1"), 200);
	assert_int_equal(r.route, CONSOLE_HTTP_NOT_FOUND);
	assert_int_equal(parse("GET /metrics/ HTTP/1.1"), 200);
	assert_int_equal(r.route, CONSOLE_HTTP_NOT_FOUND);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(parse("POST /metrics HTTP/1.1"), 405);
	assert_int_equal(parse("GET /metrics HTTP/2.0"), 505);
	assert_int_equal(parse("GET /metrics FTP/1.0"), 400);
	assert_int_equal(parse("GET metrics HTTP/1.1"), 400);
	assert_int_equal(parse("GET  HTTP/1.1"), 400);
	assert_int_equal(parse("GET /a\x01 HTTP/1.1"), 400);
	assert_int_equal(parse("GETTINGLONG /x HTTP/1.1"), 400);
	char longpath[400] = "GET /";
	memset(longpath + 5, 'a', 300);
	strcpy(longpath + 305, " HTTP/1.1");
	assert_int_equal(parse(longpath), 400);
}

static void test_headers(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1"), 200);
	console_http_header(&r, "Host: x", 7);
	assert_false(r.close);
	console_http_header(&r, "connection:  Close\r", 19);
	assert_true(r.close);
	console_http_header(&r, "Connection: keep-alive", 22);
	assert_false(r.close);
}

static void test_head(void **state)
{
	(void)state;
	char out[1024];
	int n = console_http_head(out, sizeof(out), 404, "text/plain", 12, true);
	assert_true(n > 0);
	assert_int_equal(strncmp(out, "HTTP/1.1 404 Not Found\r\n", 24), 0);
	assert_non_null(strstr(out, "Content-Length: 12\r\n"));
	assert_non_null(
	    strstr(out, "Content-Security-Policy: default-src 'none'; script-src 'self'"));
	assert_non_null(strstr(out, "X-Frame-Options: DENY\r\n"));
	assert_non_null(strstr(out, "Connection: close\r\n"));
	assert_int_equal(strcmp(out + n - 4, "\r\n\r\n"), 0);
	assert_int_equal(console_http_head(out, 40, 200, "text/plain", 1, false), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_is_request), cmocka_unit_test(test_routes),
	    cmocka_unit_test(test_refusals),   cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_head),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
