/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/sink_format.c: webhook URLs up to 2 KB (longer
 * refused, never cut), syslog HOST:PORT, the Host header's port, extra
 * headers (injection refused), what is read from an EVE line, filters,
 * Slack and RFC 5424 escaping, the syslog header with structured data and
 * the event's own time, facilities, HTTP answers and Retry-After.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control/sink_format.h"

static char why[512];

static void test_url(void **state)
{
	(void)state;
	struct sink_url url;
	assert_int_equal(
	    sink_url_parse("https://hooks.slack.com/services/T0/B0/x", &url, why, sizeof(why)), 0);
	assert_string_equal(url.host, "hooks.slack.com");
	assert_false(url.host_is_address);
	assert_int_equal(url.port, 443);
	assert_string_equal(url.path, "/services/T0/B0/x");
	assert_int_equal(sink_url_parse("https://10.78.0.2:8444", &url, why, sizeof(why)), 0);
	assert_true(url.host_is_address);
	assert_int_equal(url.port, 8444);
	assert_string_equal(url.path, "/");
	assert_int_equal(
	    sink_url_parse("https://[fd78::2]:8444/a?b=c#frag", &url, why, sizeof(why)), 0);
	assert_string_equal(url.host, "fd78::2");
	assert_true(url.host_is_ipv6);
	assert_string_equal(url.path, "/a?b=c"); /* the fragment is not sent */
	assert_int_equal(sink_url_parse("https://h.example?x=1", &url, why, sizeof(why)), 0);
	assert_string_equal(url.path, "/?x=1");

	/* not https, credentials, bad ports and hosts, bytes that would break the request line */
	const char *bad[] = {"http://h/x",	    "https://user:pw@h/x", "https://h:0/",
			     "https://h:65536/",    "https://h:x/",	   "https:///x",
			     "https://[10.0.0.1]/", "https://h/a b",	   "https://h/a\r\nX: y",
			     "https://bad..name/",  "https://h_é/"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sink_url_parse(bad[i], &url, why, sizeof(why)) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
}

/* A Teams or Power Automate URL is long: 2048 characters pass whole, 2049 are refused. */
static void test_url_length(void **state)
{
	(void)state;
	static struct sink_url url;
	char text[SINK_URL_MAX + 2];
	size_t prefix = strlen("https://prod.westus.logic.azure.com/workflows/");
	memcpy(text, "https://prod.westus.logic.azure.com/workflows/", prefix);
	for (size_t i = prefix; i < SINK_URL_MAX; i++)
		text[i] = (char)('a' + i % 26);
	text[SINK_URL_MAX] = '\0';
	assert_int_equal(sink_url_parse(text, &url, why, sizeof(why)), 0);
	assert_int_equal(strlen(url.path),
			 SINK_URL_MAX - strlen("https://prod.westus.logic.azure.com"));
	assert_memory_equal(url.path + strlen(url.path) - 10, text + SINK_URL_MAX - 10, 10);
	text[SINK_URL_MAX] = 'z';
	text[SINK_URL_MAX + 1] = '\0';
	assert_int_equal(sink_url_parse(text, &url, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "2049 characters, longer than 2048"));
}

static void test_hostport_and_authority(void **state)
{
	(void)state;
	struct sink_url url;
	char host[300];
	assert_int_equal(sink_hostport_parse("syslog.lab.test:6514", &url, why, sizeof(why)), 0);
	assert_string_equal(url.host, "syslog.lab.test");
	assert_int_equal(url.port, 6514);
	assert_int_equal(sink_hostport_parse("fd78::2:6514", &url, why, sizeof(why)), 0);
	assert_string_equal(url.host, "fd78::2");
	assert_int_equal(sink_hostport_parse("[fd78::2]:6514", &url, why, sizeof(why)), 0);
	assert_int_equal(sink_hostport_parse("10.78.0.2", &url, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "HOST:PORT"));

	/* the Host header keeps a port that is not 443 */
	sink_url_parse("https://hooks.lab.test:8444/x", &url, why, sizeof(why));
	sink_url_authority(&url, host, sizeof(host));
	assert_string_equal(host, "hooks.lab.test:8444");
	sink_url_parse("https://hooks.lab.test/x", &url, why, sizeof(why));
	sink_url_authority(&url, host, sizeof(host));
	assert_string_equal(host, "hooks.lab.test");
	sink_url_parse("https://[fd78::2]:8444/x", &url, why, sizeof(why));
	sink_url_authority(&url, host, sizeof(host));
	assert_string_equal(host, "[fd78::2]:8444");
}

static void test_headers(void **state)
{
	(void)state;
	assert_int_equal(sink_header_check("Authorization: Bearer xyz", why, sizeof(why)), 0);
	assert_int_equal(sink_header_check("Authorization: Splunk 1234-abcd", why, sizeof(why)), 0);
	assert_int_equal(sink_header_check("X-Api-Key:\tk", why, sizeof(why)), 0);
	assert_int_equal(sink_header_check("Authorization: x\r\nX-Evil: 1", why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "inject"));
	assert_int_equal(sink_header_check("Authorization: x\nHost: evil", why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(sink_header_check("Bad Name: x", why, sizeof(why)), -EINVAL);
	assert_int_equal(sink_header_check("NoColon", why, sizeof(why)), -EINVAL);
	assert_int_equal(sink_header_check(": x", why, sizeof(why)), -EINVAL);
	assert_int_equal(sink_header_check("content-length: 5", why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "written by the sink"));
	assert_int_equal(sink_header_check("Host: other", why, sizeof(why)), -EINVAL);
	char big[SINK_HEADER_MAX + 8];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "X-Big: ", 7);
	assert_int_equal(sink_header_check(big, why, sizeof(why)), -EINVAL);
}

static const char *alert_line =
    "{\"timestamp\":\"2026-12-07T15:50:06.123456+0000\",\"flow_id\":1,\"event_type\":\"alert\","
    "\"src_ip\":\"10.77.0.1\",\"http\":{\"url\":\"/\\\"severity\\\":9\"},"
    "\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":3000001,\"rev\":1,"
    "\"signature\":\"ET \\\"quoted\\\" <script> & more\",\"category\":\"x\","
    "\"severity\":2,\"metadata\":{\"severity\":[\"9\"]}}}";

static void test_event_read(void **state)
{
	(void)state;
	struct sink_event e;
	sink_event_read(alert_line, &e);
	assert_int_equal(e.type, SINK_EVENT_ALERT);
	assert_string_equal(e.type_name, "alert");
	assert_string_equal(e.timestamp, "2026-12-07T15:50:06.123456+0000");
	assert_true(e.has_alert);
	assert_int_equal(e.sid, 3000001);
	assert_string_equal(e.action, "allowed");
	assert_true(e.has_severity);
	assert_int_equal(e.severity, 2); /* not the url's text nor the metadata's */
	assert_string_equal(e.signature, "ET \"quoted\" <script> & more");

	sink_event_read(
	    "{\"timestamp\":\"t\",\"event_type\":\"flow\",\"flow\":{\"pkts_toserver\":1}}", &e);
	assert_int_equal(e.type, SINK_EVENT_FLOW);
	assert_false(e.has_alert);
	assert_false(e.has_severity);
	sink_event_read("{\"event_type\":\"ftp\"}", &e);
	assert_int_equal(e.type, SINK_EVENT_OTHER);
	sink_event_read("not json", &e);
	assert_string_equal(e.type_name, "");
}

static void test_filter(void **state)
{
	(void)state;
	struct sink_filter f = {0};
	struct sink_event alert, flow, other;
	sink_event_read(alert_line, &alert);
	sink_event_read("{\"event_type\":\"flow\"}", &flow);
	sink_event_read("{\"event_type\":\"ftp\"}", &other);

	assert_int_equal(sink_filter_parse_types("", &f, why, sizeof(why)), 0);
	assert_true(sink_filter_pass(&f, &flow) && sink_filter_pass(&f, &other));
	assert_int_equal(sink_filter_parse_types("alert, drop", &f, why, sizeof(why)), 0);
	assert_true(sink_filter_pass(&f, &alert));
	assert_false(sink_filter_pass(&f, &flow));
	assert_false(sink_filter_pass(&f, &other));
	assert_int_equal(sink_filter_parse_types("alert all", &f, why, sizeof(why)), 0);
	assert_int_equal(f.types, 0);
	assert_int_equal(sink_filter_parse_types("alert alerts", &f, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "unknown event type \"alerts\" (known: all, alert, drop"));

	/* severity 2 passes min 2 and 3, not 1; a flow has none and is judged by type */
	f.types = 0;
	f.min_severity = 2;
	assert_true(sink_filter_pass(&f, &alert));
	f.min_severity = 1;
	assert_false(sink_filter_pass(&f, &alert));
	assert_true(sink_filter_pass(&f, &flow));
}

static void test_slack_escape(void **state)
{
	(void)state;
	char out[64];
	const char *text = "a & b <c> \"d\" e";
	size_t need = sink_slack_escape(text, out, sizeof(out));
	assert_int_equal(need, strlen(out));
	assert_string_equal(out, "a &amp; b &lt;c&gt; \"d\" e");
	/* the length needed is returned whole, the text cut to fit */
	assert_int_equal(sink_slack_escape("<<<<", out, 5), 16);
	assert_string_equal(out, "&lt;");
	assert_int_equal(sink_slack_escape("x&y", NULL, 0), 7);
}

static void test_sd_escape(void **state)
{
	(void)state;
	char out[64];
	sink_sd_escape("a\"b\\c]d[e", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\]d[e");
}

static void test_syslog_header(void **state)
{
	(void)state;
	char out[512];
	struct sink_event e;
	struct timespec now = {.tv_sec = 1765122606, .tv_nsec = 5000}; /* 2025-12-07T15:50:06 */
	sink_event_read(alert_line, &e);
	sink_syslog_header(&e, 16, "lab", now, out, sizeof(out));
	/* local0 (16) * 8 + err (3): the event's own time, offset with a colon */
	assert_string_equal(out,
			    "<131>1 2026-12-07T15:50:06.123456+00:00 lab vigil - alert "
			    "[vigil@32473 sid=\"3000001\" action=\"allowed\" severity=\"2\"] ");
	sink_event_read("{\"timestamp\":\"2026-12-07T16:00:00.5-0130\",\"event_type\":\"flow\"}",
			&e);
	sink_syslog_header(&e, 3, "lab", now, out, sizeof(out));
	assert_string_equal(out, "<30>1 2026-12-07T16:00:00.5-01:30 lab vigil - flow - ");
	/* an action with the characters RFC 5424 escapes */
	sink_event_read("{\"timestamp\":\"2026-12-07T16:00:00Z\",\"event_type\":\"drop\","
			"\"alert\":{\"action\":\"a]\\\"b\",\"signature_id\":7}}",
			&e);
	sink_syslog_header(&e, 16, "lab", now, out, sizeof(out));
	assert_string_equal(out, "<132>1 2026-12-07T16:00:00Z lab vigil - drop "
				 "[vigil@32473 sid=\"7\" action=\"a\\]\\\"b\"] ");
	/* no usable timestamp: the time of sending */
	sink_event_read("{\"event_type\":\"stats\",\"timestamp\":\"yesterday\"}", &e);
	sink_syslog_header(&e, 16, "lab", now, out, sizeof(out));
	assert_string_equal(out, "<134>1 2025-12-07T15:50:06.000005Z lab vigil - stats - ");
}

static void test_facility(void **state)
{
	(void)state;
	unsigned f;
	assert_int_equal(sink_syslog_facility_parse("local0", &f, why, sizeof(why)), 0);
	assert_int_equal(f, 16);
	assert_int_equal(sink_syslog_facility_parse("LOCAL7", &f, why, sizeof(why)), 0);
	assert_int_equal(f, 23);
	assert_int_equal(sink_syslog_facility_parse("auth", &f, why, sizeof(why)), 0);
	assert_int_equal(f, 4);
	assert_int_equal(sink_syslog_facility_parse("13", &f, why, sizeof(why)), 0);
	assert_int_equal(f, 13);
	assert_int_equal(sink_syslog_facility_parse("24", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(sink_syslog_facility_parse("local8", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(sink_syslog_facility_parse("", &f, why, sizeof(why)), -EINVAL);
}

static void test_http_answer(void **state)
{
	(void)state;
	char value[64];
	const char *head = "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n"
			   "retry-after:  2 \r\nConnection: close\r\n\r\n";
	assert_int_equal(sink_http_status(head, "Retry-After", value, sizeof(value)), 429);
	assert_string_equal(value, "2");
	assert_int_equal(
	    sink_http_status("HTTP/1.0 200 OK\r\n\r\n", "Retry-After", value, sizeof(value)), 200);
	assert_string_equal(value, "");
	assert_int_equal(sink_http_status("SSH-2.0-x\r\n", "Retry-After", value, sizeof(value)),
			 -EPROTO);
}

static void test_retry_after(void **state)
{
	(void)state;
	time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
	assert_int_equal(sink_retry_after_parse("2", now), 2);
	assert_int_equal(sink_retry_after_parse("0", now), 0);
	assert_int_equal(sink_retry_after_parse("120", now), 120);
	assert_int_equal(sink_retry_after_parse("Sun, 06 Nov 1994 08:49:47 GMT", now), 10);
	assert_int_equal(sink_retry_after_parse("Sun, 06 Nov 1994 08:49:00 GMT", now), 0);
	assert_int_equal(sink_retry_after_parse("2x", now), -EINVAL);
	assert_int_equal(sink_retry_after_parse("-1", now), -EINVAL);
	assert_int_equal(sink_retry_after_parse("soon", now), -EINVAL);
}

/* Which answers keep the batch for a retry and which refuse it for good. */
static void test_http_verdict(void **state)
{
	(void)state;
	int status;
	long wait;
	static const struct {
		const char *head;
		enum sink_answer want;
		int status;
		long wait;
	} cases[] = {
	    {"HTTP/1.1 200 OK\r\n\r\n", SINK_ANSWER_DELIVERED, 200, -1},
	    {"HTTP/1.1 204 No Content\r\n\r\n", SINK_ANSWER_DELIVERED, 204, -1},
	    {"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\n\r\n", SINK_ANSWER_LATER, 429, 2},
	    {"HTTP/1.1 429 Too Many Requests\r\n\r\n", SINK_ANSWER_LATER, 429, -1},
	    {"HTTP/1.1 503 Unavailable\r\nRetry-After: Sun, 06 Nov 1994 08:49:40 GMT\r\n\r\n",
	     SINK_ANSWER_LATER, 503, 3},
	    {"HTTP/1.1 500 Oops\r\nRetry-After: never\r\n\r\n", SINK_ANSWER_LATER, 500, -1},
	    {"HTTP/1.1 408 Request Timeout\r\n\r\n", SINK_ANSWER_LATER, 408, -1},
	    {"garbage", SINK_ANSWER_LATER, -EPROTO, -1},
	    {"HTTP/1.1 400 Bad Request\r\n\r\n", SINK_ANSWER_REFUSED, 400, -1},
	    {"HTTP/1.1 401 Unauthorized\r\n\r\n", SINK_ANSWER_REFUSED, 401, -1},
	    {"HTTP/1.1 404 Not Found\r\n\r\n", SINK_ANSWER_REFUSED, 404, -1},
	    {"HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n", SINK_ANSWER_REFUSED, 301, -1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum sink_answer got = sink_http_answer(cases[i].head, 784111777, &status, &wait);
		if (got != cases[i].want || status != cases[i].status || wait != cases[i].wait)
			fail_msg("\"%.30s\": answer %d status %d wait %ld", cases[i].head, got,
				 status, wait);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_url_length),
	    cmocka_unit_test(test_hostport_and_authority),
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_event_read),
	    cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_slack_escape),
	    cmocka_unit_test(test_sd_escape),
	    cmocka_unit_test(test_syslog_header),
	    cmocka_unit_test(test_facility),
	    cmocka_unit_test(test_http_answer),
	    cmocka_unit_test(test_retry_after),
	    cmocka_unit_test(test_http_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
