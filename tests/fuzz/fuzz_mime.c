/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_mime.c
/*
 * libFuzzer target for the MIME pieces of dataplane/app/app_mime.c. The
 * first input byte gives the boundary's length (1..64, taken from the
 * bytes after it); the rest is a multipart body, given as an exact-length
 * copy so a read past it is caught. The same bytes are also read as a
 * Content-Type value (app_mime_boundary) and a Content-Disposition value
 * (app_mime_disposition_name). Checks: every part found lies inside the
 * body and after the position asked for, carries a name inside the body,
 * and the walk through the parts (as the HTTP parser walks an upload)
 * always moves forward and ends; a boundary found is NUL-terminated and
 * within APP_MIME_BOUNDARY_MAX; a filename lies inside the value.
 */
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_mime.h"
#include "tests/fuzz/fuzz_check.h"

static void fuzz_mime_parts(const uint8_t *body, size_t len, const char *boundary, size_t blen)
{
	size_t from = 0;
	for (unsigned n = 0; n < 1000; n++) {
		struct app_mime_part part;
		size_t next;
		if (!app_mime_file_part(body, len, from, boundary, blen, &part, &next))
			return;
		FUZZ_CHECK(part.content >= from && part.content <= len);
		FUZZ_CHECK(part.content_len <= len - part.content);
		FUZZ_CHECK(part.name_len > 0 && part.name >= body &&
			   part.name + part.name_len <= body + len);
		if (!part.complete)
			return;
		FUZZ_CHECK(next > from && next <= len);
		from = next;
	}
	FUZZ_CHECK(0); /* a walk that never ends */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t blen = 1 + data[0] % 64;
	if (blen > size - 1)
		blen = size - 1;
	char boundary[65];
	memcpy(boundary, data + 1, blen);
	boundary[blen] = '\0';
	size_t len = size - 1;
	uint8_t *body = malloc(len);
	if (!body)
		return 0;
	memcpy(body, data + 1, len);
	fuzz_mime_parts(body, len, boundary, blen);

	char found[APP_MIME_BOUNDARY_MAX + 1];
	size_t found_len = 0;
	if (app_mime_boundary(body, len, found, &found_len)) {
		FUZZ_CHECK(found_len > 0 && found_len <= APP_MIME_BOUNDARY_MAX);
		FUZZ_CHECK(found[found_len] == '\0');
		fuzz_mime_parts(body, len, found, found_len);
	}
	const uint8_t *name;
	size_t name_len;
	if (app_mime_disposition_name(body, len, &name, &name_len))
		FUZZ_CHECK(name_len > 0 && name >= body && name + name_len <= body + len);
	free(body);
	return 0;
}
