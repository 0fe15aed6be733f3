/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A health check's HTTP request head, read strictly (RFC 9112: one space
 * between the request line's parts, a token for the method and each field
 * name, no folded lines, no control characters) since nothing here needs
 * leniency: a balancer sends a short, plain GET. A line is judged once it
 * has ended, in order, so a verdict never depends on bytes after it.
 */
#include <stdio.h>
#include <string.h>

#include "control/health_http.h"

const char *const health_http_result_name[HEALTH_HTTP_RESULT_COUNT] = {
#define _(sym, name, status) name,
    foreach_health_http_result
#undef _
};

const unsigned health_http_result_status[HEALTH_HTTP_RESULT_COUNT] = {
#define _(sym, name, status) status,
    foreach_health_http_result
#undef _
};

/* RFC 9110 5.6.2: tchar */
static bool health_http_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* A run of tchars from at; returns where it stops. */
static size_t health_http_token(const char *b, size_t at, size_t end)
{
	while (at < end && health_http_tchar((unsigned char)b[at]))
		at++;
	return at;
}

/*
 * The line starting at at, within the first n bytes: 1 with its end (the
 * CR or LF) in *end and the next line's start in *next, 0 when it has not
 * ended yet, -1 for a CR not followed by LF.
 */
static int health_http_line(const char *b, size_t n, size_t at, size_t *end, size_t *next)
{
	for (size_t i = at; i < n; i++) {
		if (b[i] == '\n') {
			*end = i;
			*next = i + 1;
			return 1;
		}
		if (b[i] != '\r')
			continue;
		if (i + 1 == n)
			return 0;
		if (b[i + 1] != '\n')
			return -1;
		*end = i;
		*next = i + 2;
		return 1;
	}
	return 0;
}

/* "HTTP/1.0" or "HTTP/1.1" exactly; another "HTTP/D.D" is not supported, anything else bad. */
static enum health_http_result health_http_version(const char *v, size_t len)
{
	if (len != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
	    v[7] < '0' || v[7] > '9')
		return HEALTH_HTTP_BAD_REQUEST;
	if (v[5] != '1' || (v[7] != '0' && v[7] != '1'))
		return HEALTH_HTTP_VERSION_NOT_SUPPORTED;
	return HEALTH_HTTP_REQUEST;
}

/* METHOD SP TARGET SP VERSION, the line being b[0..end). */
static enum health_http_result health_http_request_line(const char *b, size_t end,
							struct health_http_request *out)
{
	size_t method_end = health_http_token(b, 0, end);
	if (method_end == 0 || method_end == end || b[method_end] != ' ')
		return HEALTH_HTTP_BAD_REQUEST;
	size_t target = method_end + 1, target_end = target;
	while (target_end < end && b[target_end] > ' ' && b[target_end] < 0x7f)
		target_end++;
	if (target_end == target || target_end == end || b[target_end] != ' ')
		return HEALTH_HTTP_BAD_REQUEST;
	enum health_http_result version =
	    health_http_version(b + target_end + 1, end - target_end - 1);
	if (version != HEALTH_HTTP_REQUEST)
		return version;
	bool get = method_end == 3 && memcmp(b, "GET", 3) == 0;
	out->head = method_end == 4 && memcmp(b, "HEAD", 4) == 0;
	return get || out->head ? HEALTH_HTTP_REQUEST : HEALTH_HTTP_METHOD_NOT_ALLOWED;
}

/* name ":" value, the line being b[at..end): a token, no space before the
 * colon, no control character but HTAB. */
static bool health_http_field_ok(const char *b, size_t at, size_t end)
{
	size_t name_end = health_http_token(b, at, end);
	if (name_end == at || name_end == end || b[name_end] != ':')
		return false;
	for (size_t i = name_end + 1; i < end; i++) {
		unsigned char c = (unsigned char)b[i];
		if ((c < ' ' && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

enum health_http_result health_http_parse(const char *buf, size_t len, size_t max,
					  struct health_http_request *out)
{
	size_t n = len < max ? len : max, at = 0, end, next;
	*out = (struct health_http_request){0};
	/* RFC 9112 2.2: empty lines before the request line are ignored. */
	int rc;
	while ((rc = health_http_line(buf, n, at, &end, &next)) == 1 && end == at)
		at = next;
	if (rc < 0)
		return HEALTH_HTTP_BAD_REQUEST;
	if (rc == 0)
		return len >= max ? HEALTH_HTTP_TOO_LARGE : HEALTH_HTTP_INCOMPLETE;
	enum health_http_result result = health_http_request_line(buf + at, end - at, out);
	if (result != HEALTH_HTTP_REQUEST)
		return result;
	for (at = next;; at = next) {
		rc = health_http_line(buf, n, at, &end, &next);
		if (rc < 0)
			return HEALTH_HTTP_BAD_REQUEST;
		if (rc == 0)
			return len >= max ? HEALTH_HTTP_TOO_LARGE : HEALTH_HTTP_INCOMPLETE;
		if (end == at) {
			out->length = next;
			return HEALTH_HTTP_REQUEST;
		}
		/* a line starting with white space is obsolete folding: refused (RFC 9112 5.2) */
		if (!health_http_field_ok(buf, at, end))
			return HEALTH_HTTP_BAD_REQUEST;
	}
}

const char *health_http_reason(unsigned status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 431:
		return "Request Header Fields Too Large";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Error";
	}
}

size_t health_http_answer(char *out, size_t out_len, unsigned status, bool head, const char *body)
{
	size_t body_len = strlen(body);
	int n = snprintf(out, out_len,
			 "HTTP/1.1 %u %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			 "Cache-Control: no-store\r\n%sConnection: close\r\n\r\n%s",
			 status, health_http_reason(status), body_len,
			 status == 405 ? "Allow: GET, HEAD\r\n" : "", head ? "" : body);
	if (n < 0 || (size_t)n >= out_len)
		return 0;
	return (size_t)n;
}
