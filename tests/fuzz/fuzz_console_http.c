/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: control/console_http.c control/health_http.c control/metrics.c
/*
 * libFuzzer target for what HTTP on the console port reads: the input's
 * first line as a request line, its other lines as headers
 * (control/console_http.c), and the whole input as the JSON answer that
 * /metrics renders (control/metrics.c). A request line accepted must name
 * a path that starts with "/" and holds no control byte; every answer head
 * must fit and end its headers; the OpenMetrics text of any JSON it
 * accepts must end with "# EOF" and hold no raw newline inside a label.
 * Memory errors and undefined behaviour are left to ASan and UBSan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/console_http.h"
#include "control/metrics.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static void fuzz_request(const char *data, size_t size)
{
	const char *lf = memchr(data, '\n', size);
	size_t first = lf ? (size_t)(lf - data) : size;
	struct console_http_request r;
	int status = console_http_parse_request_line(data, first, &r);
	FUZZ_CHECK(status == 200 || status == 400 || status == 405 || status == 505);
	if (status == 200) {
		FUZZ_CHECK(r.path[0] == '/');
		for (const char *p = r.path; *p; p++)
			FUZZ_CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
	}
	for (const char *p = lf ? lf + 1 : data + size; p < data + size;) {
		const char *e = memchr(p, '\n', (size_t)(data + size - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(data + size - p);
		console_http_header(&r, p, n);
		p += n + 1;
	}
	char head[1024];
	int n = console_http_head(head, sizeof(head), status, "text/plain", size, r.close);
	FUZZ_CHECK(n > 4 && memcmp(head + n - 4, "\r\n\r\n", 4) == 0);
}

static void fuzz_metrics(const char *data, size_t size)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	const char *docs[1] = {data};
	const size_t lens[1] = {size};
	int rc = metrics_write(f, docs, lens, 1);
	fclose(f);
	if (rc == 0) {
		FUZZ_CHECK(len >= 6 && memcmp(text + len - 6, "# EOF\n", 6) == 0);
		/* Every line is a TYPE line or a sample; a newline in a value is escaped. */
		for (char *line = text; line < text + len;) {
			char *e = memchr(line, '\n', (size_t)(text + len - line));
			FUZZ_CHECK(e != NULL);
			FUZZ_CHECK(line[0] == '#' || strncmp(line, "vigil", 5) == 0);
			line = e + 1;
		}
	} else {
		FUZZ_CHECK(len == 0);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_request((const char *)data, size);
	fuzz_metrics((const char *)data, size);
	return 0;
}
