/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/health_http.c: the request heads balancers send
 * (AWS, Azure, curl; HTTP/1.0 and 1.1, CRLF or bare LF), each refusal
 * with its status, the head split across reads at every byte (a verdict
 * never changes once given), the size bound, and the answers written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "control/health_http.h"

static struct health_http_request request;

static enum health_http_result parse(const char *text)
{
	return health_http_parse(text, strlen(text), HEALTH_HTTP_REQUEST_MAX, &request);
}

static void test_balancer_requests(void **state)
{
	(void)state;
	const char *aws =
	    "GET / HTTP/1.1\r\nHost: 10.80.0.10\r\nConnection: close\r\n"
	    "User-Agent: ELB-HealthChecker/2.0\r\nAccept-Encoding: gzip, compressed\r\n\r\n";
	assert_int_equal(parse(aws), HEALTH_HTTP_REQUEST);
	assert_int_equal(request.length, strlen(aws));
	assert_false(request.head);
	assert_int_equal(parse("GET /health HTTP/1.0\r\n\r\n"), HEALTH_HTTP_REQUEST);
	assert_int_equal(parse("HEAD / HTTP/1.1\nHost: x\n\n"), HEALTH_HTTP_REQUEST);
	assert_true(request.head);
	/* empty lines before the request line are ignored (RFC 9112 2.2) */
	assert_int_equal(parse("\r\nGET / HTTP/1.1\r\n\r\n"), HEALTH_HTTP_REQUEST);
	/* bytes after the head (a body, a pipelined request) are not the parser's */
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
			 HEALTH_HTTP_REQUEST);
	assert_int_equal(request.length, 18);
	assert_int_equal(parse("GET http://10.80.0.10/ HTTP/1.1\r\nX-Empty:\r\n\r\n"),
			 HEALTH_HTTP_REQUEST);
}

static void test_incomplete(void **state)
{
	(void)state;
	assert_int_equal(parse(""), HEALTH_HTTP_INCOMPLETE);
	assert_int_equal(parse("GET / HTTP/1.1"), HEALTH_HTTP_INCOMPLETE);
	assert_int_equal(parse("GET / HTTP/1.1\r"), HEALTH_HTTP_INCOMPLETE);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: x\r\n"), HEALTH_HTTP_INCOMPLETE);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: x\r\n\r"), HEALTH_HTTP_INCOMPLETE);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(parse("POST / HTTP/1.1\r\n"), HEALTH_HTTP_METHOD_NOT_ALLOWED);
	assert_int_equal(parse("get / HTTP/1.1\r\n"), HEALTH_HTTP_METHOD_NOT_ALLOWED);
	assert_int_equal(parse("GET / HTTP/2.0\r\n"), HEALTH_HTTP_VERSION_NOT_SUPPORTED);
	assert_int_equal(parse("GET / HTTP/1.2\r\n"), HEALTH_HTTP_VERSION_NOT_SUPPORTED);
	const char *bad[] = {
	    "GET /\r\n",		      /* HTTP/0.9 */
	    "GET  / HTTP/1.1\r\n",	      /* two spaces */
	    "GET / HTTP/1.1 \r\n",	      /* trailing space */
	    "GET / http/1.1\r\n",	      /* case */
	    "GET / HTTP/1.10\r\n",	      /* not D.D */
	    "G(T / HTTP/1.1\r\n",	      /* not a token */
	    " GET / HTTP/1.1\r\n",	      /* leading space */
	    "GET /a\tb HTTP/1.1\r\n",	      /* control in the target */
	    "GET / HTTP/1.1\rX",	      /* CR without LF */
	    "GET / HTTP/1.1\r\nHost : x\r\n", /* space before the colon */
	    "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n",
	    "GET / HTTP/1.1\r\nNoColon\r\n",
	    "GET / HTTP/1.1\r\n: x\r\n",
	    "GET / HTTP/1.1\r\nX: a\001b\r\n",
	    "\x16\x03\x01\x02\x05\x01\x05\x01\xfc\x03\x03\n", /* TLS ClientHello-like */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i]) != HEALTH_HTTP_BAD_REQUEST)
			fail_msg("case %zu: got %s, want bad_request", i,
				 health_http_result_name[parse(bad[i])]);
	/* NUL in a header value */
	const char nul[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
	assert_int_equal(health_http_parse(nul, sizeof(nul) - 1, HEALTH_HTTP_REQUEST_MAX, &request),
			 HEALTH_HTTP_BAD_REQUEST);
	assert_int_equal(health_http_result_status[HEALTH_HTTP_METHOD_NOT_ALLOWED], 405);
	assert_int_equal(health_http_result_status[HEALTH_HTTP_TOO_LARGE], 431);
}

static void test_size_bound(void **state)
{
	(void)state;
	static char big[HEALTH_HTTP_REQUEST_MAX + 64];
	int n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nX: ");
	memset(big + n, 'a', sizeof(big) - n - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(
	    health_http_parse(big, HEALTH_HTTP_REQUEST_MAX - 1, HEALTH_HTTP_REQUEST_MAX, &request),
	    HEALTH_HTTP_INCOMPLETE);
	assert_int_equal(parse(big), HEALTH_HTTP_TOO_LARGE);
	assert_int_equal(
	    health_http_parse(big, HEALTH_HTTP_REQUEST_MAX, HEALTH_HTTP_REQUEST_MAX, &request),
	    HEALTH_HTTP_TOO_LARGE);
	/* a whole head within the bound is a request, whatever follows it */
	memcpy(big, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_int_equal(parse(big), HEALTH_HTTP_REQUEST);
}

/* Fed a byte at a time, as a slow client sends it: incomplete, then the verdict, which stays. */
static void test_split_reads(void **state)
{
	(void)state;
	const char *texts[] = {"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "POST / HTTP/1.1\r\n\r\n",
			       "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "\nHEAD /x HTTP/1.0\n\n"};
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		size_t len = strlen(texts[t]);
		enum health_http_result whole = parse(texts[t]);
		enum health_http_result first = HEALTH_HTTP_INCOMPLETE;
		for (size_t k = 0; k <= len; k++) {
			enum health_http_result r =
			    health_http_parse(texts[t], k, HEALTH_HTTP_REQUEST_MAX, &request);
			if (first != HEALTH_HTTP_INCOMPLETE)
				assert_int_equal(r, first);
			first = r;
		}
		assert_int_equal(first, whole);
	}
}

static void test_answers(void **state)
{
	(void)state;
	char out[HEALTH_HTTP_ANSWER_MAX];
	size_t n = health_http_answer(out, sizeof(out), 200, false, "healthy\n");
	assert_int_equal(n, strlen(out));
	assert_non_null(strstr(out, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(out, "Content-Length: 8\r\n"));
	assert_non_null(strstr(out, "Connection: close\r\n"));
	assert_string_equal(out + n - 12, "\r\n\r\nhealthy\n");
	n = health_http_answer(out, sizeof(out), 503, true, "unhealthy: worker_stalled\n");
	assert_non_null(strstr(out, "HTTP/1.1 503 Service Unavailable\r\n"));
	assert_non_null(strstr(out, "Content-Length: 26\r\n"));
	assert_string_equal(out + n - 4, "\r\n\r\n"); /* HEAD: no body */
	health_http_answer(out, sizeof(out), 405, false, "method_not_allowed\n");
	assert_non_null(strstr(out, "Allow: GET, HEAD\r\n"));
	assert_int_equal(health_http_answer(out, 20, 200, false, "healthy\n"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_balancer_requests), cmocka_unit_test(test_incomplete),
	    cmocka_unit_test(test_refusals),	      cmocka_unit_test(test_size_bound),
	    cmocka_unit_test(test_split_reads),	      cmocka_unit_test(test_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
