/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: control/health_http.c
/*
 * libFuzzer target for the health check's HTTP request parser
 * (control/health_http.c). The first input byte picks a split point; the
 * rest is what a client sent, in a buffer of exactly its size so a read
 * past it is caught. Checks: a result is one of the list; a request's
 * head ends with its empty line within the bytes and the bound; the
 * bytes up to the split, parsed alone, give INCOMPLETE or exactly the
 * whole input's result (the listener parses again as bytes arrive, so a
 * verdict must never change); every result gets an answer that fits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/health_http.h"
#include "tests/fuzz/fuzz_check.h"

static void fuzz_health_http_check_head(const char *buf, size_t len,
					const struct health_http_request *req)
{
	FUZZ_CHECK(req->length >= 2 && req->length <= len &&
		   req->length <= HEALTH_HTTP_REQUEST_MAX);
	FUZZ_CHECK(buf[req->length - 1] == '\n');
	bool lf_lf = buf[req->length - 2] == '\n';
	bool crlf_crlf =
	    req->length >= 3 && buf[req->length - 2] == '\r' && buf[req->length - 3] == '\n';
	FUZZ_CHECK(lf_lf || crlf_crlf);
}

static void fuzz_health_http_check_answer(enum health_http_result r,
					  const struct health_http_request *req)
{
	char out[HEALTH_HTTP_ANSWER_MAX];
	unsigned status = r == HEALTH_HTTP_REQUEST ? 503 : health_http_result_status[r];
	if (r == HEALTH_HTTP_INCOMPLETE)
		return;
	FUZZ_CHECK(status >= 400);
	size_t n =
	    health_http_answer(out, sizeof(out), status, req->head, "unhealthy: control_stalled\n");
	FUZZ_CHECK(n > 0 && n < sizeof(out) && memcmp(out, "HTTP/1.1 ", 9) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t len = size - 1;
	char *buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	struct health_http_request whole, part;
	enum health_http_result r = health_http_parse(buf, len, HEALTH_HTTP_REQUEST_MAX, &whole);
	FUZZ_CHECK(r < HEALTH_HTTP_RESULT_COUNT);
	if (r == HEALTH_HTTP_REQUEST)
		fuzz_health_http_check_head(buf, len, &whole);
	if (r == HEALTH_HTTP_TOO_LARGE)
		FUZZ_CHECK(len >= HEALTH_HTTP_REQUEST_MAX);
	fuzz_health_http_check_answer(r, &whole);

	size_t split = len * data[0] / 255;
	enum health_http_result p = health_http_parse(buf, split, HEALTH_HTTP_REQUEST_MAX, &part);
	if (p != HEALTH_HTTP_INCOMPLETE) {
		FUZZ_CHECK(p == r);
		FUZZ_CHECK(p != HEALTH_HTTP_REQUEST ||
			   (part.length == whole.length && part.head == whole.head));
	}
	free(buf);
	return 0;
}
