/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP side of a health check: read a request head (HTTP/1.0 or
 * 1.1, GET or HEAD, any path; headers checked for shape and otherwise
 * ignored) and write the one answer the connection gets before it is
 * closed. No connection handling here (control/health_listener.c): the
 * parser is pure, fed the bytes received so far each time more arrive.
 */
#ifndef VIGIL_CONTROL_HEALTH_HTTP_H
#define VIGIL_CONTROL_HEALTH_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HEALTH_HTTP_REQUEST_MAX 2048 /* a request head longer than this is refused (431) */
#define HEALTH_HTTP_ANSWER_MAX	512

/* What the bytes so far are: _(SYMBOL, "name", status code of the refusal, 0: none) */
#define foreach_health_http_result                                                                 \
	_(INCOMPLETE, "incomplete", 0)                                                             \
	_(REQUEST, "request", 0)                                                                   \
	_(BAD_REQUEST, "bad_request", 400)                                                         \
	_(METHOD_NOT_ALLOWED, "method_not_allowed", 405)                                           \
	_(TOO_LARGE, "too_large", 431)                                                             \
	_(VERSION_NOT_SUPPORTED, "version_not_supported", 505)

enum health_http_result {
#define _(sym, name, status) HEALTH_HTTP_##sym,
	foreach_health_http_result
#undef _
	    HEALTH_HTTP_RESULT_COUNT
};

extern const char *const health_http_result_name[HEALTH_HTTP_RESULT_COUNT];
extern const unsigned health_http_result_status[HEALTH_HTTP_RESULT_COUNT];

struct health_http_request {
	bool head;     /* HEAD: the answer has no body */
	size_t length; /* bytes of the head, its empty line included */
};

/*
 * Parse the first len bytes received on a connection, at most max of
 * them (HEALTH_HTTP_REQUEST_MAX). INCOMPLETE: the head has not ended and
 * more may come; REQUEST: a whole GET or HEAD head (out filled); any
 * other result refuses the request with its status. Left to right, so a
 * result other than INCOMPLETE never changes as more bytes arrive: the
 * caller may parse again from the start each time. Pure.
 */
enum health_http_result health_http_parse(const char *buf, size_t len, size_t max,
					  struct health_http_request *out);

/*
 * Write the whole answer into out (HEALTH_HTTP_ANSWER_MAX is enough):
 * status line for status (200, 503 or a refusal's), Content-Type
 * text/plain, Content-Length, Cache-Control: no-store, Connection: close,
 * and body unless head. Returns its length, or 0 when out is too small.
 */
/* The reason phrase of a status code these HTTP answers use ("Error" for others);
 * the console's HTTP (control/console_http.c) shares it. */
const char *health_http_reason(unsigned status);

size_t health_http_answer(char *out, size_t out_len, unsigned status, bool head, const char *body);

#endif
