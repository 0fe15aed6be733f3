/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/app/app_http_body.c: Content-Encoding decoding
 * (gzip, zlib-wrapped and raw deflate, two layers, gzip members one after
 * another, codings it cannot undo), each fed whole and a byte at a time;
 * the fallback to the bytes as sent when they are not what the header says
 * (before any output and after some), output bounded by the limit, and the
 * windows a growing body is inspected in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "dataplane/app/app_http_body.h"

enum { ENCODED_MAX = 4096, LIMIT = 1u << 20 };

struct encoded {
	uint8_t bytes[ENCODED_MAX];
	size_t len;
};

/* in[0..len) compressed with windowBits bits (15 + 16 gzip, 15 zlib, -15 raw deflate). */
static void compress_with(int bits, const uint8_t *in, size_t len, struct encoded *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out->bytes;
	z.avail_out = sizeof(out->bytes);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->len = z.total_out;
	deflateEnd(&z);
}

static void compress_text(int bits, const char *text, struct encoded *out)
{
	compress_with(bits, (const uint8_t *)text, strlen(text), out);
}

/* The body that coding and bytes (fed step bytes at a time) leave, compared with want. */
static void expect_body(const char *coding, const uint8_t *bytes, size_t len, size_t step,
			const void *want, size_t want_len)
{
	struct http_body b;
	memset(&b, 0, sizeof(b));
	assert_int_equal(http_body_coding(&b, (const uint8_t *)coding, strlen(coding)), 0);
	for (size_t at = 0; at < len; at += step)
		http_body_feed(&b, bytes + at, len - at < step ? len - at : step, LIMIT);
	assert_int_equal(b.data.len, want_len);
	assert_memory_equal(b.data.data, want, want_len);
	http_body_free(&b);
}

/* Whole, a byte at a time, and in 7-byte pieces. */
static void expect_body_any_split(const char *coding, const uint8_t *bytes, size_t len,
				  const char *want)
{
	static const size_t steps[] = {ENCODED_MAX, 1, 7};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		expect_body(coding, bytes, len, steps[i], want, strlen(want));
}

static const char page[] = "<html><script>var x = 'compressed payload';</script></html>";

static void test_decode(void **unused)
{
	(void)unused;
	struct encoded gz, zl, raw, inner, outer;
	compress_text(15 + 16, page, &gz);
	compress_text(15, page, &zl);
	compress_text(-15, page, &raw);
	expect_body_any_split("gzip", gz.bytes, gz.len, page);
	expect_body_any_split("x-gzip", gz.bytes, gz.len, page);
	expect_body_any_split("GZIP", gz.bytes, gz.len, page);
	expect_body_any_split("deflate", zl.bytes, zl.len, page);
	expect_body_any_split("deflate", raw.bytes, raw.len, page); /* IIS's raw deflate */
	expect_body_any_split("identity, gzip", gz.bytes, gz.len, page);
	/* "deflate, gzip": deflate applied first, gzip last, undone in reverse */
	compress_text(15, page, &inner);
	compress_with(15 + 16, inner.bytes, inner.len, &outer);
	expect_body_any_split("deflate, gzip", outer.bytes, outer.len, page);
	/* a coding it does not know is passed over: "br" outermost, the bytes
	 * (not gzip) pass as sent; "br" innermost, gzip undone */
	expect_body_any_split("gzip, br", (const uint8_t *)page, strlen(page), page);
	expect_body_any_split("br, gzip", gz.bytes, gz.len, page);
}

/* The body that coding[0..coding_len) (it may hold a NUL) leaves, fed whole, by 1 and by 7 bytes. */
static void expect_coding_bytes(const char *coding, size_t coding_len, const uint8_t *bytes,
				size_t len, const char *want)
{
	static const size_t steps[] = {ENCODED_MAX, 1, 7};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct http_body b;
		memset(&b, 0, sizeof(b));
		assert_int_equal(http_body_coding(&b, (const uint8_t *)coding, coding_len), 0);
		for (size_t at = 0; at < len; at += steps[i])
			http_body_feed(&b, bytes + at, len - at < steps[i] ? len - at : steps[i],
				       LIMIT);
		assert_int_equal(b.data.len, strlen(want));
		assert_memory_equal(b.data.data, want, strlen(want));
		http_body_free(&b);
	}
}

/*
 * Content-Encoding values browsers accept though the grammar does not
 * (http-evader's cases, and more variants of each): junk bytes inside or
 * around the name, other white space as separator, a token that names
 * nothing, colons and semicolons. Each one's body is decoded.
 */
static void test_decode_lenient_names(void **unused)
{
	(void)unused;
	struct encoded gz, raw;
	compress_text(15 + 16, page, &gz);
	compress_text(-15, page, &raw);
	static const struct {
		const char *text;
		size_t len;
	} gzip_forms[] = {
	    {"gz\0ip", 5},   {"\0gzip", 5},   {"gzip\0", 5},   {"\x0bgzip", 5},
	    {"\x0cgzip", 5}, {"\xa0gzip", 5}, {"gzip\xa0", 5}, {"gzip;", 5},
	    {": gzip", 6},   {"\r gzip", 6},  {"gzip x", 6},   {"x gzip", 6},
	    {"gzip,,", 6},   {"\tgzip\t", 6}, {"GzIp", 4},     {"identity gzip", 13},
	};
	for (size_t i = 0; i < sizeof(gzip_forms) / sizeof(gzip_forms[0]); i++)
		expect_coding_bytes(gzip_forms[i].text, gzip_forms[i].len, gz.bytes, gz.len, page);
	static const struct {
		const char *text;
		size_t len;
	} deflate_forms[] = {
	    {"def\0late", 8},
	    {"deflate;", 8},
	    {"\xa0"
	     "deflate",
	     8},
	    {"deflate\x0b", 8},
	    {": deflate", 9},
	};
	for (size_t i = 0; i < sizeof(deflate_forms) / sizeof(deflate_forms[0]); i++)
		expect_coding_bytes(deflate_forms[i].text, deflate_forms[i].len, raw.bytes, raw.len,
				    page);
	/* a name that only looks like one stays unknown: nothing undone, the bytes as sent */
	static const char *const not_names[] = {"gzipx", "g zip", "xgzip", "deflat"};
	for (size_t i = 0; i < sizeof(not_names) / sizeof(not_names[0]); i++)
		expect_body(not_names[i], gz.bytes, gz.len, 7, gz.bytes, gz.len);
}

/* A gzip member with the given FLG byte and optional fields, then page's raw deflate, then a trailer. */
static size_t gzip_member(uint8_t flags, const char *extra, size_t extra_len, uint8_t *out)
{
	struct encoded raw;
	compress_text(-15, page, &raw);
	size_t n = 0;
	const uint8_t head[] = {0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3};
	memcpy(out, head, sizeof(head));
	n += sizeof(head);
	memcpy(out + n, extra, extra_len);
	n += extra_len;
	memcpy(out + n, raw.bytes, raw.len);
	n += raw.len;
	memcpy(out + n, "\xde\xad\xbe\xef\x01\x02\x03\x04", 8); /* wrong CRC and size */
	return n + 8;
}

/*
 * gzip headers zlib refuses and browsers decode: reserved flag bits, a
 * header CRC that does not match, a wrong trailer; and every optional
 * field, in one member and across pieces.
 */
static void test_decode_gzip_headers(void **unused)
{
	(void)unused;
	uint8_t member[ENCODED_MAX + 256];
	static const uint8_t reserved[] = {0x20, 0x40, 0x80, 0xe0, 0x01};
	for (size_t i = 0; i < sizeof(reserved); i++) {
		size_t n = gzip_member(reserved[i], "", 0, member);
		expect_coding_bytes("gzip", 4, member, n, page);
	}
	size_t n = gzip_member(0x02, "\x00\x00", 2, member); /* FHCRC, wrong */
	expect_coding_bytes("gzip", 4, member, n, page);
	n = gzip_member(0x04,
			"\x05\x00"
			"ab\x00"
			"cd",
			7, member); /* FEXTRA, 5 bytes */
	expect_coding_bytes("gzip", 4, member, n, page);
	n = gzip_member(0x04, "\x00\x00", 2, member); /* FEXTRA, empty */
	expect_coding_bytes("gzip", 4, member, n, page);
	n = gzip_member(0x08, "eicar.txt", 10, member); /* FNAME and its NUL */
	expect_coding_bytes("gzip", 4, member, n, page);
	n = gzip_member(0x1e | 0x20,
			"\x01\x00"
			"z"
			"name\x00"
			"comment\x00"
			"\x12\x34",
			18, member);
	expect_coding_bytes("gzip", 4, member, n, page);
	/* two such members: both decoded */
	uint8_t two[2 * (ENCODED_MAX + 256)];
	size_t first = gzip_member(0x40, "", 0, two);
	size_t second = gzip_member(0x02, "\xff\xff", 2, two + first);
	char both[2 * sizeof(page)];
	snprintf(both, sizeof(both), "%s%s", page, page);
	expect_coding_bytes("gzip", 4, two, first + second, both);
	/* "gzip" on a zlib-wrapped or a raw deflate body: decoded too */
	struct encoded zl, raw;
	compress_text(15, page, &zl);
	compress_text(-15, page, &raw);
	expect_coding_bytes("gzip", 4, zl.bytes, zl.len, page);
	expect_coding_bytes("gzip", 4, raw.bytes, raw.len, page);
}

/* Three layers ("deflate, gzip, deflate", as three headers joined): all undone. */
static void test_decode_three_layers(void **unused)
{
	(void)unused;
	struct encoded one, two, three;
	compress_text(-15, page, &one);
	compress_with(15 + 16, one.bytes, one.len, &two);
	compress_with(15, two.bytes, two.len, &three);
	expect_body_any_split("deflate, gzip, deflate", three.bytes, three.len, page);
	expect_body_any_split("deflate,gzip,deflate", three.bytes, three.len, page);
}

/* Two gzip members one after the other are one body, as gunzip gives it. */
static void test_decode_members(void **unused)
{
	(void)unused;
	struct encoded a, b;
	compress_text(15 + 16, "first part, ", &a);
	compress_text(15 + 16, "second part", &b);
	uint8_t both[2 * ENCODED_MAX];
	memcpy(both, a.bytes, a.len);
	memcpy(both + a.len, b.bytes, b.len);
	expect_body_any_split("gzip", both, a.len + b.len, "first part, second part");
}

/*
 * Not what the header says: the bytes as sent, all of them, whatever the
 * split, in either coding; after a good member, garbage follows as sent.
 */
static void test_decode_fallback(void **unused)
{
	(void)unused;
	static const char exe[] = "MZ\x90\x01This program cannot be run in DOS mode.";
	expect_body_any_split("gzip", (const uint8_t *)exe, strlen(exe), exe);
	expect_body_any_split("deflate", (const uint8_t *)exe, strlen(exe), exe);
	expect_body_any_split("gzip, gzip", (const uint8_t *)exe, strlen(exe), exe);
	/* a gzip header, then no deflate data: header and rest, as sent */
	static const uint8_t header_then_text[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
						  "\xffMZ plain after a gzip header";
	for (size_t step = 1; step <= sizeof(header_then_text); step *= 4)
		expect_body("gzip", header_then_text, sizeof(header_then_text) - 1, step,
			    header_then_text, sizeof(header_then_text) - 1);
	struct encoded gz;
	compress_text(15 + 16, "decoded part|", &gz);
	uint8_t mixed[ENCODED_MAX + 64];
	memcpy(mixed, gz.bytes, gz.len);
	memcpy(mixed + gz.len, "MZ trailing raw", 15);
	expect_body("gzip", mixed, gz.len + 15, ENCODED_MAX, "decoded part|MZ trailing raw", 28);
	expect_body("gzip", mixed, gz.len + 15, 1, "decoded part|MZ trailing raw", 28);
}

/* A small body that inflates to much more costs no more than the limit. */
static void test_decode_bounded(void **unused)
{
	(void)unused;
	enum { BIG = 2 << 20 };
	uint8_t *zeros = calloc(1, BIG);
	assert_non_null(zeros);
	struct encoded gz;
	compress_with(15 + 16, zeros, BIG, &gz); /* about 2 KB */
	struct http_body b;
	memset(&b, 0, sizeof(b));
	assert_int_equal(http_body_coding(&b, (const uint8_t *)"gzip", 4), 0);
	http_body_feed(&b, gz.bytes, gz.len, 100000);
	assert_int_equal(b.data.len, 100000);
	struct app_window w;
	assert_true(http_body_window(&b, false, false, 100000, &w));
	assert_true(w.cut);
	assert_true(w.more);
	http_body_feed(&b, gz.bytes, gz.len, 100000);
	assert_int_equal(b.data.len, 100000);
	assert_false(http_body_window(&b, true, false, 100000, &w)); /* done at the limit */
	http_body_free(&b);
	free(zeros);
}

/* Windows: when one is due, which bytes are new, the overlap, the end. */
static void test_windows(void **unused)
{
	(void)unused;
	static uint8_t bytes[100000];
	memset(bytes, 'a', sizeof(bytes));
	struct http_body b;
	struct app_window w;
	memset(&b, 0, sizeof(b));
	http_body_feed(&b, bytes, HTTP_BODY_WINDOW - 1, LIMIT);
	assert_false(http_body_window(&b, false, false, LIMIT, &w));
	http_body_feed(&b, bytes, 1, LIMIT);
	assert_true(http_body_window(&b, false, false, LIMIT, &w));
	assert_int_equal(w.new_from, 0);
	assert_true(w.more);
	assert_true(w.rules == &b.rules);
	assert_false(http_body_window(&b, false, false, LIMIT, &w)); /* nothing new */
	http_body_feed(&b, bytes, 40000, LIMIT);
	assert_true(http_body_window(&b, false, false, LIMIT, &w));
	assert_int_equal(w.new_from, HTTP_BODY_WINDOW);
	assert_int_equal(w.scan_from, HTTP_BODY_WINDOW - HTTP_BODY_OVERLAP);
	/* the end: cut short of the length it announced, its end is not the body's */
	http_body_feed(&b, bytes, 100, LIMIT);
	assert_true(http_body_window(&b, true, true, LIMIT, &w));
	assert_int_equal(w.new_from, HTTP_BODY_WINDOW + 40100 - HTTP_BODY_OVERLAP);
	assert_true(w.more);
	assert_false(w.cut);
	assert_false(http_body_window(&b, true, false, LIMIT, &w));
	http_body_free(&b);
	/* an empty body has no window */
	memset(&b, 0, sizeof(b));
	assert_false(http_body_window(&b, true, false, LIMIT, &w));
	http_body_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_decode_members),
	    cmocka_unit_test(test_decode_fallback),
	    cmocka_unit_test(test_decode_bounded),
	    cmocka_unit_test(test_decode_lenient_names),
	    cmocka_unit_test(test_decode_gzip_headers),
	    cmocka_unit_test(test_decode_three_layers),
	    cmocka_unit_test(test_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
