/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for dataplane/app/app_mime.c: Content-Disposition filenames
 * (quoted, token, filename* preferred, parameter names in any case, a
 * "filename=" inside another parameter ignored), multipart boundaries
 * (quoted, case, not multipart, too long) and the parts of a multipart
 * body (files found in order, parts without a filename skipped, the line
 * break before a delimiter not content, a body cut inside a part or its
 * headers, LF-only line ends, the closing delimiter).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_mime.h"

static const char *name_of(const char *value)
{
	static char out[256];
	const uint8_t *name;
	size_t len;
	if (!app_mime_disposition_name((const uint8_t *)value, strlen(value), &name, &len))
		return NULL;
	memcpy(out, name, len);
	out[len] = '\0';
	return out;
}

static void test_disposition(void **state)
{
	(void)state;
	assert_string_equal(name_of("attachment; filename=\"a b.txt\""), "a b.txt");
	assert_string_equal(name_of("form-data; name=\"f\"; filename=x.exe ; size=3"), "x.exe");
	assert_string_equal(name_of("attachment; FileName=\"Up.DOC\""), "Up.DOC");
	assert_string_equal(name_of("attachment; filename*=UTF-8''na%20me.zip; filename=\"x\""),
			    "na%20me.zip");
	assert_string_equal(name_of("attachment; filename=\"x\"; filename*=UTF-8'en'y.pdf"),
			    "y.pdf");
	assert_string_equal(name_of("attachment; filename=\"unclosed"), "unclosed");
	assert_null(name_of("attachment; xfilename=\"no\""));
	assert_null(name_of("inline"));
	assert_null(name_of("attachment; filename=\"\""));
	assert_null(name_of(""));
}

static const char *boundary_of(const char *value)
{
	static char out[APP_MIME_BOUNDARY_MAX + 1];
	size_t len;
	if (!app_mime_boundary((const uint8_t *)value, strlen(value), out, &len))
		return NULL;
	assert_int_equal(len, strlen(out));
	return out;
}

static void test_boundary(void **state)
{
	(void)state;
	assert_string_equal(boundary_of("multipart/form-data; boundary=----x12"), "----x12");
	assert_string_equal(boundary_of(" Multipart/Mixed; BOUNDARY=\"a b\"; charset=x"), "a b");
	assert_string_equal(boundary_of("multipart/form-data;boundary=z"), "z");
	assert_null(boundary_of("text/plain; boundary=z"));
	assert_null(boundary_of("multipart/form-data"));
	assert_null(boundary_of("multipart/form-data; xboundary=z"));
	assert_null(boundary_of("multipart/form-data; boundary="));
	char longer[300];
	snprintf(longer, sizeof(longer), "multipart/form-data; boundary=%0200d", 7);
	assert_null(boundary_of(longer));
}

#define UPLOAD                                                                                     \
	"preamble\r\n"                                                                             \
	"--XyZ\r\n"                                                                                \
	"Content-Disposition: form-data; name=\"field\"\r\n"                                       \
	"\r\n"                                                                                     \
	"value\r\n"                                                                                \
	"--XyZ\r\n"                                                                                \
	"Content-Disposition: form-data; name=\"f1\"; filename=\"a.jpg\"\r\n"                      \
	"Content-Type: image/jpeg\r\n"                                                             \
	"\r\n"                                                                                     \
	"first\r\nfile\r\n"                                                                        \
	"--XyZ\r\n"                                                                                \
	"content-disposition: form-data; name=\"f2\"; filename=\"b.exe\"\r\n"                      \
	"\r\n"                                                                                     \
	"MZ--XyZ inside\r\n"                                                                       \
	"--XyZ--\r\n"

static void test_parts(void **state)
{
	(void)state;
	const uint8_t *body = (const uint8_t *)UPLOAD;
	size_t len = strlen(UPLOAD);
	struct app_mime_part part;
	size_t next;
	assert_true(app_mime_file_part(body, len, 0, "XyZ", 3, &part, &next));
	assert_true(part.complete);
	assert_memory_equal(part.name, "a.jpg", 5);
	assert_int_equal(part.name_len, 5);
	assert_int_equal(part.content_len, strlen("first\r\nfile"));
	assert_memory_equal(body + part.content, "first\r\nfile", part.content_len);
	/* the next one, from where the first ended; "--XyZ" not at a line start is content */
	assert_true(app_mime_file_part(body, len, next, "XyZ", 3, &part, &next));
	assert_true(part.complete);
	assert_memory_equal(part.name, "b.exe", 5);
	assert_memory_equal(body + part.content, "MZ--XyZ inside", part.content_len);
	assert_int_equal(part.content_len, strlen("MZ--XyZ inside"));
	/* then the closing delimiter: no more */
	assert_false(app_mime_file_part(body, len, next, "XyZ", 3, &part, &next));

	/* cut inside the first file: found, open, as far as it came */
	const char *cut = strstr(UPLOAD, "first") + 3;
	assert_true(app_mime_file_part(body, (size_t)(cut - UPLOAD), 0, "XyZ", 3, &part, &next));
	assert_false(part.complete);
	assert_int_equal(part.content_len, 3);
	/* cut inside its headers: not yet */
	cut = strstr(UPLOAD, "Content-Type: image");
	assert_false(app_mime_file_part(body, (size_t)(cut - UPLOAD), 0, "XyZ", 3, &part, &next));
	/* another boundary: nothing */
	assert_false(app_mime_file_part(body, len, 0, "Other", 5, &part, &next));
	assert_false(app_mime_file_part(body, len, 0, "XyZ", 0, &part, &next));
}

static void test_parts_lf(void **state)
{
	(void)state;
	static const char lf[] =
	    "--b\nContent-Disposition: attachment; filename=x.txt\n\nabc\n--b--\n";
	struct app_mime_part part;
	size_t next;
	assert_true(app_mime_file_part((const uint8_t *)lf, strlen(lf), 0, "b", 1, &part, &next));
	assert_true(part.complete);
	assert_int_equal(part.content_len, 3);
	assert_memory_equal(lf + part.content, "abc", 3);
	/* an empty file: the delimiter right after the headers */
	static const char empty[] = "--b\r\nContent-Disposition: a; filename=e\r\n\r\n--b--";
	assert_true(
	    app_mime_file_part((const uint8_t *)empty, strlen(empty), 0, "b", 1, &part, &next));
	assert_true(part.complete);
	assert_int_equal(part.content_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_disposition),
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_parts),
	    cmocka_unit_test(test_parts_lf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
