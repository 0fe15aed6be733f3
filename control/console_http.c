/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP request lines, headers and answer heads for the console port (see
 * console_http.h). Strict on purpose: the only clients are operators'
 * browsers and scrapers, so anything unusual is refused, not guessed.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control/console_http.h"
#include "control/health_http.h"

static const struct {
	enum console_http_route route;
	const char *path;
} console_http_routes[] = {
#define _(route, path, what) {CONSOLE_HTTP_##route, path},
    foreach_console_http_route
#undef _
};

bool console_http_is_request(const char *line, size_t len)
{
	static const char *const methods[] = {"GET ",	  "HEAD ",  "POST ",	"PUT ",	 "DELETE ",
					      "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t n = strlen(methods[i]);
		if (len > n && memcmp(line, methods[i], n) == 0)
			return true;
	}
	return false;
}

static enum console_http_route console_http_find(const char *path)
{
	for (size_t i = 0; i < sizeof(console_http_routes) / sizeof(console_http_routes[0]); i++)
		if (strcmp(path, console_http_routes[i].path) == 0)
			return console_http_routes[i].route;
	if (strcmp(path, "/index.html") == 0)
		return CONSOLE_HTTP_DASHBOARD;
	return CONSOLE_HTTP_NOT_FOUND;
}

int console_http_parse_request_line(const char *line, size_t len, struct console_http_request *r)
{
	memset(r, 0, sizeof(*r));
	if (len && line[len - 1] == '\r')
		len--;
	const char *sp1 = memchr(line, ' ', len);
	if (!sp1 || sp1 == line || (size_t)(sp1 - line) >= sizeof(r->method))
		return 400;
	const char *target = sp1 + 1;
	const char *sp2 = memchr(target, ' ', len - (size_t)(target - line));
	if (!sp2 || sp2 == target)
		return 400;
	const char *version = sp2 + 1;
	size_t version_len = len - (size_t)(version - line);
	memcpy(r->method, line, (size_t)(sp1 - line));
	size_t target_len = (size_t)(sp2 - target);
	const char *query = memchr(target, '?', target_len);
	size_t path_len = query ? (size_t)(query - target) : target_len;
	if (target[0] != '/' || path_len >= sizeof(r->path))
		return 400;
	for (size_t i = 0; i < target_len; i++)
		if ((unsigned char)target[i] <= 0x20 || (unsigned char)target[i] >= 0x7f)
			return 400;
	memcpy(r->path, target, path_len);
	if (version_len == 8 && memcmp(version, "HTTP/1.1", 8) == 0)
		r->close = false;
	else if (version_len == 8 && memcmp(version, "HTTP/1.0", 8) == 0)
		r->close = true;
	else
		return memcmp(version, "HTTP/", version_len < 5 ? version_len : 5) == 0 ? 505 : 400;
	r->head = strcmp(r->method, "HEAD") == 0;
	if (!r->head && strcmp(r->method, "GET") != 0)
		return 405;
	r->route = console_http_find(r->path);
	return 200;
}

void console_http_header(struct console_http_request *r, const char *line, size_t len)
{
	static const char name[] = "connection:";
	if (len < sizeof(name) - 1 || strncasecmp(line, name, sizeof(name) - 1) != 0)
		return;
	char value[32] = "";
	size_t i = sizeof(name) - 1, n = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (i < len && n + 1 < sizeof(value) && line[i] != '\r' && line[i] != ' ')
		value[n++] = line[i++];
	value[n] = '\0';
	if (strcasecmp(value, "close") == 0)
		r->close = true;
	else if (strcasecmp(value, "keep-alive") == 0)
		r->close = false;
}

const char *console_http_reason(int status)
{
	return health_http_reason(status > 0 ? (unsigned)status : 500);
}

int console_http_head(char *out, size_t cap, int status, const char *content_type, size_t body_len,
		      bool close)
{
	/* The dashboard loads nothing from anywhere but this port, runs no
	 * inline script and may not be framed: an injected alert field
	 * (a rule's msg, an HTTP host) can never run as script. */
	int n = snprintf(out, cap,
			 "HTTP/1.1 %d %s\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n"
			 "Cache-Control: no-store\r\n"
			 "Content-Security-Policy: default-src 'none'; script-src 'self'; "
			 "style-src 'self'; img-src 'self'; connect-src 'self'; "
			 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n"
			 "X-Content-Type-Options: nosniff\r\n"
			 "X-Frame-Options: DENY\r\n"
			 "Referrer-Policy: no-referrer\r\n"
			 "Strict-Transport-Security: max-age=31536000\r\n"
			 "%s"
			 "\r\n",
			 status, console_http_reason(status), content_type, body_len,
			 close ? "Connection: close\r\n" : "");
	return n < 0 || (size_t)n >= cap ? -1 : n;
}
