/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIP parser (RFC 3261) over UDP: each datagram is one message, whose
 * start line says what it is: a request ("INVITE sip:bob@example.com
 * SIP/2.0") or a response ("SIP/2.0 180 Ringing"). As in Suricata, a
 * request is expected toward the server and a response toward the client;
 * a message of the wrong kind for its direction, or no SIP start line at
 * all, is a protocol error, reported as an error unit so the board's
 * [app] error_policy applies (an unsolicited response sent toward a
 * server is how SIP floods and probes often look). No SIP buffers yet: the
 * parser gives rules app_proto sip and app-layer-protocol:sip.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"

#define SIP_LINE_MAX 512 /* a start line longer than this is not looked at */

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

static void sip_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	uint32_t line_len;
	if (!data || !len)
		return;
	bool ok = sip_first_line(data, len, &line_len) &&
		  (dir == APP_TO_SERVER ? sip_is_request_line(data, line_len)
					: sip_is_status_line(data, line_len));
	if (ok) {
		sip_details_fill(state, dir, data, line_len);
		return;
	}
	struct app_unit unit = {.details = state, .error = true};
	emit(arg, &unit);
}

/* Each datagram stands alone: the state is only the (empty) details units carry. */
static void *sip_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct app_details));
}

static void sip_destroy(void *state)
{
	free(state);
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
    .proto = RULE_PROTO_SIP,
    .tcp = false,
    .udp = true,
    .buffers = 0, /* app_proto and app-layer-protocol:sip only: no sticky buffers yet */
    .detect = sip_detect,
    .create = sip_create,
    .destroy = sip_destroy,
    .parse = sip_parse,
    .eve_details = sip_eve_details,
};
