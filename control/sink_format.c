/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pure parts of the alert sinks: targets, headers, what a sink reads
 * from an EVE line and its filter, Slack and RFC 5424 escaping, the
 * syslog header, HTTP answers and Retry-After. control/sinks.c owns the
 * queue, the thread and the wire.
 */
#define _GNU_SOURCE /* memrchr, strptime, timegm */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control/console_proto.h"
#include "control/sink_format.h"

static const char *const sink_event_names[] = {
#define _(sym, name) name,
    foreach_sink_event_type
#undef _
};

/* ---- targets ---- */

/* A DNS name as RFC 1123 has it (underscores allowed: internal names use them). */
static bool sink_host_name_valid(const char *name, size_t len)
{
	size_t label = 0;
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

/* Fill url->host from host[0..len) (brackets already taken off when was_bracketed). */
static int sink_host_set(struct sink_url *url, const char *host, size_t len, bool was_bracketed,
			 char *why, size_t why_len)
{
	if (len == 0 || len >= sizeof(url->host)) {
		snprintf(why, why_len, "%s host name", len ? "too long a" : "no");
		return -EINVAL;
	}
	memcpy(url->host, host, len);
	url->host[len] = '\0';
	unsigned char bin[16];
	url->host_is_ipv6 = inet_pton(AF_INET6, url->host, bin) == 1;
	url->host_is_address = url->host_is_ipv6 || inet_pton(AF_INET, url->host, bin) == 1;
	if (was_bracketed && !url->host_is_ipv6) {
		snprintf(why, why_len, "\"[%s]\" is not an IPv6 address", url->host);
		return -EINVAL;
	}
	if (!url->host_is_address && !sink_host_name_valid(url->host, len)) {
		snprintf(why, why_len, "\"%s\" is neither an address nor a host name", url->host);
		return -EINVAL;
	}
	return 0;
}

static int sink_port_parse(const char *text, size_t len, uint16_t *port)
{
	unsigned long n = 0;
	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)text[i]))
			return -EINVAL;
		n = n * 10 + (unsigned long)(text[i] - '0');
	}
	if (n == 0 || n > 65535)
		return -EINVAL;
	*port = (uint16_t)n;
	return 0;
}

/* "HOST[:PORT]" or "[V6][:PORT]" in text[0..len); port_required for syslog. */
static int sink_authority_parse(const char *text, size_t len, bool port_required,
				struct sink_url *url, char *why, size_t why_len)
{
	const char *host = text, *port = NULL;
	size_t host_len = len;
	bool bracketed = len && text[0] == '[';
	if (bracketed) {
		const char *close = memchr(text, ']', len);
		if (!close) {
			snprintf(why, why_len, "\"%.*s\": no ']' after an IPv6 address", (int)len,
				 text);
			return -EINVAL;
		}
		host = text + 1;
		host_len = (size_t)(close - host);
		if (close + 1 < text + len) {
			if (close[1] != ':') {
				snprintf(why, why_len, "\"%.*s\": ':' expected after ']'", (int)len,
					 text);
				return -EINVAL;
			}
			port = close + 2;
		}
	} else {
		const char *colon = memrchr(text, ':', len);
		/* an IPv6 address without brackets keeps its port after the last colon */
		if (colon) {
			host_len = (size_t)(colon - text);
			port = colon + 1;
		}
	}
	url->port = 443;
	if (port && sink_port_parse(port, (size_t)(text + len - port), &url->port) < 0) {
		snprintf(why, why_len, "\"%.*s\": the port is not 1..65535", (int)len, text);
		return -EINVAL;
	}
	if (!port && port_required) {
		snprintf(why, why_len, "\"%.*s\" is not HOST:PORT", (int)len, text);
		return -EINVAL;
	}
	return sink_host_set(url, host, host_len, bracketed, why, why_len);
}

int sink_url_parse(const char *text, struct sink_url *url, char *why, size_t why_len)
{
	static const char scheme[] = "https://";
	size_t len = strlen(text);
	memset(url, 0, sizeof(*url));
	if (len > SINK_URL_MAX) {
		snprintf(why, why_len, "the URL is %zu characters, longer than %d", len,
			 SINK_URL_MAX);
		return -EINVAL;
	}
	if (strncasecmp(text, scheme, sizeof(scheme) - 1) != 0) {
		snprintf(why, why_len, "\"%.64s\" is not an https:// URL", text);
		return -EINVAL;
	}
	const char *authority = text + sizeof(scheme) - 1;
	size_t authority_len = strcspn(authority, "/?#");
	if (memchr(authority, '@', authority_len)) {
		snprintf(why, why_len,
			 "credentials in the URL are not sent (give them as a header: "
			 "webhook_header = Authorization: ...)");
		return -EINVAL;
	}
	if (sink_authority_parse(authority, authority_len, false, url, why, why_len) < 0)
		return -EINVAL;
	/* the fragment is the client's own; what is sent is the path and query */
	const char *path = authority + authority_len;
	size_t path_len = strcspn(path, "#");
	for (size_t i = 0; i < path_len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c <= 0x20 || c >= 0x7f) {
			snprintf(why, why_len,
				 "byte 0x%02x at column %zu of the URL: percent-encode it", c,
				 (size_t)(path - text) + i + 1);
			return -EINVAL;
		}
	}
	snprintf(url->path, sizeof(url->path), "%s%.*s", path[0] == '/' ? "" : "/", (int)path_len,
		 path);
	return 0;
}

int sink_hostport_parse(const char *text, struct sink_url *url, char *why, size_t why_len)
{
	memset(url, 0, sizeof(*url));
	if (sink_authority_parse(text, strlen(text), true, url, why, why_len) < 0)
		return -EINVAL;
	strcpy(url->path, "/");
	return 0;
}

size_t sink_url_authority(const struct sink_url *url, char *out, size_t out_len)
{
	const char *open = url->host_is_ipv6 ? "[" : "", *close = url->host_is_ipv6 ? "]" : "";
	int n = url->port == 443
		    ? snprintf(out, out_len, "%s%s%s", open, url->host, close)
		    : snprintf(out, out_len, "%s%s%s:%u", open, url->host, close, url->port);
	return n < 0 ? 0 : (size_t)n;
}

/* ---- extra webhook headers ---- */

int sink_header_check(const char *header, char *why, size_t why_len)
{
	static const char *const own[] = {"Host", "Content-Length", "Content-Type", "Connection",
					  "Transfer-Encoding"};
	size_t name_len = strcspn(header, ":");
	if (strlen(header) > SINK_HEADER_MAX) {
		snprintf(why, why_len, "longer than %d characters", SINK_HEADER_MAX);
		return -EINVAL;
	}
	if (header[name_len] != ':' || name_len == 0) {
		snprintf(why, why_len, "\"%.40s\" is not \"Name: value\"", header);
		return -EINVAL;
	}
	for (size_t i = 0; i < name_len; i++) {
		unsigned char c = (unsigned char)header[i];
		if (!isalnum(c) && !strchr("!#$%&'*+-.^_`|~", c)) {
			snprintf(why, why_len, "the header name \"%.*s\" has a character 0x%02x",
				 (int)name_len, header, c);
			return -EINVAL;
		}
	}
	for (const char *v = header + name_len + 1; *v; v++) {
		unsigned char c = (unsigned char)*v;
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			snprintf(why, why_len,
				 "the value of %.*s has a control character 0x%02x (CR and LF "
				 "would inject headers)",
				 (int)name_len, header, c);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (strlen(own[i]) == name_len && strncasecmp(header, own[i], name_len) == 0) {
			snprintf(why, why_len, "%s is written by the sink itself", own[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- what a sink reads from an EVE line ---- */

static enum sink_event_type sink_event_type_of(const char *name)
{
	for (int i = 0; i < SINK_EVENT_TYPE_COUNT; i++)
		if (strcmp(sink_event_names[i], name) == 0)
			return (enum sink_event_type)i;
	return SINK_EVENT_OTHER;
}

/* An unsigned number member of object; false when absent or not a number. */
static bool sink_json_uint(const char *object, const char *key, unsigned long *out)
{
	const char *value = json_find_value(object, key);
	if (!value || !isdigit((unsigned char)*value))
		return false;
	*out = strtoul(value, NULL, 10);
	return true;
}

void sink_event_read(const char *line, struct sink_event *event)
{
	memset(event, 0, sizeof(*event));
	json_find_string(line, "event_type", event->type_name, sizeof(event->type_name));
	event->type = sink_event_type_of(event->type_name);
	json_find_string(line, "timestamp", event->timestamp, sizeof(event->timestamp));
	const char *alert = json_find_value(line, "alert");
	if (!alert || *alert != '{')
		return;
	event->has_alert = true;
	sink_json_uint(alert, "signature_id", &event->sid);
	/* an action is a word (allowed, blocked, ...): no control or non-ASCII byte goes into SD */
	json_find_string(alert, "action", event->action, sizeof(event->action));
	for (char *c = event->action; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	json_find_string(alert, "signature", event->signature, sizeof(event->signature));
	unsigned long severity;
	if (sink_json_uint(alert, "severity", &severity)) {
		event->has_severity = true;
		event->severity = severity > 255 ? 255 : (unsigned)severity;
	}
}

/* ---- filters ---- */

int sink_filter_parse_types(const char *text, struct sink_filter *filter, char *why, size_t why_len)
{
	static const char separators[] = " \t,";
	filter->types = 0;
	for (const char *at = text + strspn(text, separators); *at; at += strspn(at, separators)) {
		size_t len = strcspn(at, separators);
		if (len == 3 && strncmp(at, "all", 3) == 0) {
			filter->types = 0;
			return 0;
		}
		int type = SINK_EVENT_TYPE_COUNT;
		for (int i = 0; i < SINK_EVENT_TYPE_COUNT; i++)
			if (strlen(sink_event_names[i]) == len &&
			    strncmp(sink_event_names[i], at, len) == 0)
				type = i;
		if (type == SINK_EVENT_TYPE_COUNT) {
			int n = snprintf(why, why_len, "unknown event type \"%.*s\" (known: all",
					 (int)len, at);
			for (int i = 0; i < SINK_EVENT_TYPE_COUNT && n > 0 && (size_t)n < why_len;
			     i++)
				n += snprintf(why + n, why_len - (size_t)n, ", %s",
					      sink_event_names[i]);
			if (n > 0 && (size_t)n < why_len)
				snprintf(why + n, why_len - (size_t)n, ")");
			return -EINVAL;
		}
		filter->types |= 1u << type;
		at += len;
	}
	return 0;
}

bool sink_filter_pass(const struct sink_filter *filter, const struct sink_event *event)
{
	if (filter->types &&
	    (event->type == SINK_EVENT_OTHER || !(filter->types & (1u << event->type))))
		return false;
	if (filter->min_severity && event->has_severity && event->severity > filter->min_severity)
		return false;
	return true;
}

/* ---- escaping ---- */

/* Append text[0..len) to out at *at, as snprintf would (the length counted past out_len). */
static void sink_put(char *out, size_t out_len, size_t *at, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++, (*at)++)
		if (*at + 1 < out_len)
			out[*at] = text[i];
	if (out_len)
		out[*at < out_len ? *at : out_len - 1] = '\0';
}

size_t sink_slack_escape(const char *text, char *out, size_t out_len)
{
	size_t at = 0;
	if (out_len)
		out[0] = '\0';
	for (const char *c = text; *c; c++) {
		const char *esc = *c == '&'   ? "&amp;"
				  : *c == '<' ? "&lt;"
				  : *c == '>' ? "&gt;"
					      : NULL;
		sink_put(out, out_len, &at, esc ? esc : c, esc ? strlen(esc) : 1);
	}
	return at;
}

size_t sink_sd_escape(const char *value, char *out, size_t out_len)
{
	size_t at = 0;
	if (out_len)
		out[0] = '\0';
	for (const char *c = value; *c; c++) {
		if (*c == '"' || *c == '\\' || *c == ']')
			sink_put(out, out_len, &at, "\\", 1);
		sink_put(out, out_len, &at, c, 1);
	}
	return at;
}

/* ---- syslog ---- */

int sink_syslog_facility_parse(const char *text, unsigned *facility, char *why, size_t why_len)
{
	static const char *const names[] = {
	    "kern",   "user",	  "mail",    "daemon",	     "auth",	 "syslog",
	    "lpr",    "news",	  "uucp",    "cron",	     "authpriv", "ftp",
	    "ntp",    "security", "console", "solaris-cron", "local0",	 "local1",
	    "local2", "local3",	  "local4",  "local5",	     "local6",	 "local7"};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(text, names[i]) == 0) {
			*facility = i;
			return 0;
		}
	}
	char *end;
	unsigned long n = strtoul(text, &end, 10);
	if (text[0] && isdigit((unsigned char)text[0]) && *end == '\0' && n <= 23) {
		*facility = (unsigned)n;
		return 0;
	}
	snprintf(why, why_len,
		 "\"%s\" is not a facility (a name such as local0..local7, daemon, auth, or "
		 "a number 0..23)",
		 text);
	return -EINVAL;
}

/* Syslog severity from the alert's: crit, err, warning, notice; info without an alert. */
static unsigned sink_syslog_severity(const struct sink_event *event)
{
	if (!event->has_alert || !event->has_severity)
		return event->has_alert ? 4 : 6;
	return event->severity <= 1 ? 2 : event->severity == 2 ? 3 : event->severity == 3 ? 4 : 5;
}

/*
 * The EVE timestamp as RFC 5424 wants it: at most 6 digits of fraction and
 * the offset with a colon (EVE writes +0000, RFC 5424 requires +00:00 or Z).
 * False when text is not such a timestamp.
 */
static bool sink_syslog_time(const char *text, char *out, size_t out_len)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)text[i]) : text[i] != shape[i])
			return false;
	size_t fraction = 0;
	if (text[i] == '.')
		while (isdigit((unsigned char)text[i + 1 + fraction]))
			fraction++;
	const char *offset = text + i + (fraction ? fraction + 1 : 0);
	char zone[8];
	if (strcmp(offset, "Z") == 0)
		strcpy(zone, "Z");
	else if ((offset[0] == '+' || offset[0] == '-') && isdigit((unsigned char)offset[1]) &&
		 isdigit((unsigned char)offset[2]) && strlen(offset) == 5 &&
		 isdigit((unsigned char)offset[3]) && isdigit((unsigned char)offset[4]))
		snprintf(zone, sizeof(zone), "%.3s:%.2s", offset, offset + 3);
	else if ((offset[0] == '+' || offset[0] == '-') && strlen(offset) == 6 && offset[3] == ':')
		snprintf(zone, sizeof(zone), "%s", offset);
	else
		return false;
	snprintf(out, out_len, "%.19s%s%.*s%s", text, fraction ? "." : "",
		 (int)(fraction > 6 ? 6 : fraction), text + i + 1, zone);
	return true;
}

size_t sink_syslog_header(const struct sink_event *event, unsigned facility, const char *hostname,
			  struct timespec now, char *out, size_t out_len)
{
	char when[48];
	if (!sink_syslog_time(event->timestamp, when, sizeof(when))) {
		struct tm tm;
		gmtime_r(&now.tv_sec, &tm);
		size_t w = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(when + w, sizeof(when) - w, ".%06ldZ", now.tv_nsec / 1000);
	}
	/* MSGID: 1..32 printable US-ASCII characters (RFC 5424 6.2.7) */
	char msgid[33] = "-";
	size_t m = 0;
	for (const char *c = event->type_name; *c && m < 32; c++)
		if (*c > 32 && *c < 127)
			msgid[m++] = *c;
	if (m)
		msgid[m] = '\0';
	char sd[160] = "-";
	if (event->has_alert) {
		char action[40], severity[16] = "";
		sink_sd_escape(event->action, action, sizeof(action));
		if (event->has_severity)
			snprintf(severity, sizeof(severity), " severity=\"%u\"", event->severity);
		snprintf(sd, sizeof(sd), "[vigil@32473 sid=\"%lu\" action=\"%s\"%s]", event->sid,
			 action, severity);
	}
	int n = snprintf(out, out_len, "<%u>1 %s %s vigil - %s %s ",
			 facility * 8 + sink_syslog_severity(event), when, hostname, msgid, sd);
	if (n < 0)
		return 0;
	return (size_t)n < out_len ? (size_t)n : out_len - 1;
}

/* ---- HTTP answers ---- */

int sink_http_status(const char *head, const char *name, char *out, size_t out_len)
{
	unsigned status;
	if (out_len)
		out[0] = '\0';
	if (sscanf(head, "HTTP/%*u.%*u %3u", &status) != 1)
		return -EPROTO;
	size_t name_len = strlen(name);
	for (const char *line = strchr(head, '\n'); line; line = strchr(line, '\n')) {
		line++;
		if (strncasecmp(line, name, name_len) != 0 || line[name_len] != ':')
			continue;
		const char *value = line + name_len + 1;
		value += strspn(value, " \t");
		size_t len = strcspn(value, "\r\n");
		while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
			len--;
		snprintf(out, out_len, "%.*s", (int)len, value);
		break;
	}
	return (int)status;
}

long sink_retry_after_parse(const char *value, time_t now)
{
	if (isdigit((unsigned char)value[0])) {
		char *end;
		errno = 0;
		long seconds = strtol(value, &end, 10);
		return *end || errno ? -EINVAL : seconds;
	}
	/* IMF-fixdate, the one form RFC 9110 makes senders use: Sun, 06 Nov 1994 08:49:37 GMT */
	struct tm tm = {0};
	const char *end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return -EINVAL;
	time_t when = timegm(&tm);
	return when > now ? (long)(when - now) : 0;
}

enum sink_answer sink_http_answer(const char *head, time_t now, int *status, long *retry_after_s)
{
	char value[64];
	*status = sink_http_status(head, "Retry-After", value, sizeof(value));
	*retry_after_s = value[0] ? sink_retry_after_parse(value, now) : -1;
	if (*retry_after_s < 0)
		*retry_after_s = -1;
	if (*status >= 200 && *status <= 299)
		return SINK_ANSWER_DELIVERED;
	/* 408 and 429 say "later", a 5xx may pass once the server recovers */
	if (*status < 0 || *status == 408 || *status == 429 || *status >= 500)
		return SINK_ANSWER_LATER;
	return SINK_ANSWER_REFUSED;
}
