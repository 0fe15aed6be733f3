/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP on the console's mutual-TLS port: a browser or a Prometheus server
 * with an operator certificate asks for the dashboard, its data or
 * /metrics on the same listener, with the same roles, as vigilctl. A
 * session whose first line is an HTTP request line speaks HTTP/1.1 from
 * then on (GET and HEAD only, keep-alive); any other first line is the
 * console protocol (console_proto.h).
 *
 * This module parses request lines and headers, picks the route and
 * writes response heads; it does no I/O (control/console.c reads and
 * writes, and runs the commands a route needs on the control lcore).
 */
#ifndef VIGIL_CONTROL_CONSOLE_HTTP_H
#define VIGIL_CONTROL_CONSOLE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_HTTP_MAX_HEADERS 64 /* header lines in one request */

/* The pages and data the console serves over HTTP; _(route, path, what). */
#define foreach_console_http_route                                                                 \
	_(DASHBOARD, "/", "the dashboard page (built into the binary)")                            \
	_(DASHBOARD_JS, "/dashboard.js", "the dashboard's script")                                 \
	_(DASHBOARD_CSS, "/dashboard.css", "the dashboard's style")                                \
	_(METRICS, "/metrics", "every counter as OpenMetrics text")                                \
	_(API_STATS, "/api/stats", "the stats command's JSON answer")                              \
	_(API_HISTORY, "/api/history", "rates of the last hour, one point per interval")           \
	_(API_RULES, "/api/rules", "ruleset version and history (rules history)")                  \
	_(API_STATUS, "/api/status", "live mode, health, management counters (status)")            \
	_(API_SINKS, "/api/sinks", "alert sinks' health (sinks status)")

enum console_http_route {
	CONSOLE_HTTP_NOT_FOUND,
#define _(route, path, what) CONSOLE_HTTP_##route,
	foreach_console_http_route
#undef _
};

struct console_http_request {
	char method[8];
	char path[256]; /* without the query */
	bool head;	/* HEAD: the head of the answer only */
	bool close;	/* the client asked to close after this answer (or HTTP/1.0) */
	enum console_http_route route;
};

/* Does this first line of a session look like an HTTP request line? */
bool console_http_is_request(const char *line, size_t len);

/*
 * Parse a request line ("GET /metrics HTTP/1.1", a trailing CR allowed)
 * into *r and find its route. Returns 200 (the route may be NOT_FOUND:
 * 404 is the caller's to answer), 400 for a malformed line, 405 for a
 * method other than GET and HEAD, 505 for a version other than 1.0/1.1.
 */
int console_http_parse_request_line(const char *line, size_t len, struct console_http_request *r);

/* One header line (without LF): notes "Connection: close" / "keep-alive". */
void console_http_header(struct console_http_request *r, const char *line, size_t len);

/*
 * The head of an answer into out (cap bytes): status line, the security
 * headers (a strict Content-Security-Policy: nothing but the appliance's
 * own script, style and data), Content-Type, Content-Length, Connection.
 * Returns its length, or -1 when cap is too small.
 */
int console_http_head(char *out, size_t cap, int status, const char *content_type, size_t body_len,
		      bool close);

/* The reason phrase of a status this module uses. */
const char *console_http_reason(int status);

#endif
