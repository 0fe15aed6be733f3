/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: control/sink_format.c control/console_proto.c
/*
 * libFuzzer target for what the alert sinks parse and format
 * (control/sink_format.c). The first input byte picks the parser, the
 * rest is its text: an EVE line (read, filtered, written as a syslog
 * header and a Slack-escaped signature), a webhook URL, an extra header,
 * or an HTTP answer's head with its Retry-After. Checks: a syslog header
 * fits and ends with a space, its SD values hold no unescaped quote; Slack
 * text has no < or > and the length returned is the length written; an
 * accepted URL has a host, a port and a path of visible ASCII starting
 * with '/'; an accepted header holds no CR or LF; a Retry-After is never
 * negative unless refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/sink_format.h"
#include "tests/fuzz/fuzz_check.h"

static void fuzz_sink_event(const char *text)
{
	static char out[600];
	struct sink_event event;
	struct sink_filter filter = {.types = 1u << SINK_EVENT_ALERT, .min_severity = 2};
	sink_event_read(text, &event);
	(void)sink_filter_pass(&filter, &event);
	struct timespec now = {0};
	size_t n = sink_syslog_header(&event, 23, "lab", now, out, sizeof(out));
	FUZZ_CHECK(n > 0 && n < sizeof(out) && out[0] == '<' && out[n - 1] == ' ');
	/* the action's value ends at its first unescaped quote, before any unescaped ']' */
	const char *c = strstr(out, " action=\"");
	for (c = c ? c + 9 : NULL; c && *c != '"'; c++) {
		FUZZ_CHECK(*c && *c != ']');
		if (*c == '\\')
			c++;
	}
	size_t need = sink_slack_escape(event.signature, NULL, 0);
	char *slack = malloc(need + 1);
	if (!slack)
		return;
	FUZZ_CHECK(sink_slack_escape(event.signature, slack, need + 1) == need);
	FUZZ_CHECK(strlen(slack) == need && !strchr(slack, '<') && !strchr(slack, '>'));
	free(slack);
}

static void fuzz_sink_url(const char *text)
{
	static struct sink_url url;
	char why[256], authority[SINK_HOST_MAX + 16];
	if (sink_url_parse(text, &url, why, sizeof(why)) != 0)
		return;
	FUZZ_CHECK(url.host[0] && url.port && url.path[0] == '/');
	for (const char *c = url.path; *c; c++)
		FUZZ_CHECK(*c > 0x20 && *c < 0x7f);
	FUZZ_CHECK(sink_url_authority(&url, authority, sizeof(authority)) < sizeof(authority));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	char why[256], value[64];
	switch (data[0] & 3) {
	case 0:
		fuzz_sink_event(text);
		break;
	case 1:
		fuzz_sink_url(text);
		break;
	case 2:
		if (sink_header_check(text, why, sizeof(why)) == 0)
			FUZZ_CHECK(!strchr(text, '\r') && !strchr(text, '\n'));
		break;
	default:
		if (sink_http_status(text, "Retry-After", value, sizeof(value)) >= 0 && value[0])
			FUZZ_CHECK(sink_retry_after_parse(value, 0) >= -EINVAL);
		break;
	}
	free(text);
	return 0;
}
