/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/app/app_json.c: whatever bytes traffic or a rule
 * file holds, a JSON string written by app_json_bytes / app_json_string /
 * app_json_text is valid UTF-8 (checked with glibc's iconv, a decoder
 * independent of the writer) and valid JSON; valid UTF-8 passes through
 * unchanged, invalid bytes are written as Suricata writes them (\xNN), a
 * value cut at the field limit is marked "[truncated]" and never split
 * inside a UTF-8 sequence, and a full buffer is reported (overflow).
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_json.h"

/* Well-formed UTF-8 by glibc's own decoder (strict: no overlong, no surrogate). */
static bool utf8_valid_by_iconv(const char *s, size_t len)
{
	iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char out[4 * 4096];
	char *in = (char *)(uintptr_t)s, *o = out;
	size_t in_left = len, out_left = sizeof(out);
	size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
	iconv_close(cd);
	return rc != (size_t)-1 && in_left == 0;
}

/*
 * Decode one JSON string literal (RFC 8259) at text into out; fails the
 * test when it is not one: a raw control character, an unknown escape, a
 * missing quote. Returns the decoded length; \u escapes of code points
 * below 0x80 only (the writer uses no others).
 */
static size_t json_string_decode(const char *text, size_t len, char *out)
{
	size_t n = 0;
	assert_true(len >= 2 && text[0] == '"' && text[len - 1] == '"');
	for (size_t i = 1; i < len - 1; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20)
			fail_msg("raw control character 0x%02x in %s", c, text);
		if (c == '"')
			fail_msg("unescaped quote in %s", text);
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		char e = text[++i];
		if (e == 'u') {
			unsigned v;
			assert_int_equal(sscanf(text + i + 1, "%4x", &v), 1);
			assert_true(v < 0x80);
			out[n++] = (char)v;
			i += 4;
		} else if (e == '"' || e == '\\' || e == '/') {
			out[n++] = e;
		} else {
			fail_msg("escape \\%c in %s", e, text);
		}
	}
	return n;
}

static size_t write_bytes(const void *data, size_t len, char *buf, size_t size)
{
	struct app_json j = {.buf = buf, .len = size};
	app_json_bytes(&j, data, len);
	assert_false(j.overflow);
	buf[j.used] = '\0';
	return j.used;
}

struct hostile {
	const char *bytes;
	size_t len;
	bool valid; /* well-formed UTF-8: passed through as it is */
};

#define H(s, v)                                                                                    \
	{                                                                                          \
		s, sizeof(s) - 1, v                                                                \
	}
static const struct hostile hostile[] = {
    H("plain ascii", true),
    H("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", true), /* é € 😀 */
    H("\xef\xbf\xbf\xf4\x8f\xbf\xbf", true),		  /* U+FFFF, U+10FFFF */
    H("\xff", false),					  /* never in UTF-8 */
    H("\xfe\xff BOM16", false),				  /* */
    H("GET /\xc0\xaf../etc/passwd", false),		  /* overlong '/' */
    H("\xe0\x80\xaf", false),				  /* overlong, 3 bytes */
    H("\xf0\x80\x80\xaf", false),			  /* overlong, 4 bytes */
    H("\xed\xa0\x80", false),				  /* surrogate U+D800 */
    H("\xed\xbf\xbf", false),				  /* surrogate U+DFFF */
    H("\xf4\x90\x80\x80", false),			  /* past U+10FFFF */
    H("\xf8\x88\x80\x80\x80", false),			  /* 5-byte form */
    H("\x80 lone continuation", false),			  /* */
    H("cut at the end \xe2\x82", false),		  /* truncated sequence */
    H("cut \xe2\x82 in the middle", false),		  /* */
    H("\xc3", false),					  /* */
    H("quote \" backslash \\ slash /", true),		  /* */
    H("ctl \x01\x02\x1f\x7f tab\tnl\ncr\r", true),	  /* */
    H("nul \0 inside", true),				  /* */
    H("\\xff already looks escaped", true),		  /* */
    H("mixed \xc3\xa9 and \xff", false),		  /* valid + invalid */
    H("\xe2\x80\xa8\xe2\x80\xa9 line separators", true),  /* U+2028/2029 */
    H("\"\\\"\\\\\xc0", false),				  /* */
};

/* Every hostile string comes out as one valid UTF-8 JSON string literal. */
static void test_hostile_bytes_valid_json(void **unused)
{
	(void)unused;
	char buf[1024], decoded[1024];
	for (size_t k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++) {
		const struct hostile *h = &hostile[k];
		size_t n = write_bytes(h->bytes, h->len, buf, sizeof(buf));
		if (!utf8_valid_by_iconv(buf, n))
			fail_msg("case %zu: output not valid UTF-8: %s", k, buf);
		assert_int_equal(app_json_utf8_valid(h->bytes, h->len), h->valid);
		assert_int_equal(utf8_valid_by_iconv(h->bytes, h->len), h->valid);
		size_t d = json_string_decode(buf, n, decoded);
		if (h->valid) {
			/* passed through: decodes to the very bytes */
			assert_int_equal(d, h->len);
			assert_memory_equal(decoded, h->bytes, d);
		} else {
			/* every byte above 0x7f as the text \xNN, the rest as they were */
			char want[1024];
			size_t w = 0;
			for (size_t i = 0; i < h->len; i++) {
				unsigned char c = (unsigned char)h->bytes[i];
				if (c >= 0x80)
					w += (size_t)snprintf(want + w, sizeof(want) - w, "\\x%02x",
							      c);
				else
					want[w++] = (char)c;
			}
			assert_int_equal(d, w);
			assert_memory_equal(decoded, want, d);
		}
	}
}

/* Every single byte value and every pair, alone and after valid text. */
static void test_every_byte_pair(void **unused)
{
	(void)unused;
	char buf[64], decoded[64];
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			unsigned char in[3] = {(unsigned char)a, (unsigned char)b, 0xe9};
			for (size_t len = 1; len <= 3; len++) {
				size_t n = write_bytes(in, len, buf, sizeof(buf));
				if (!utf8_valid_by_iconv(buf, n))
					fail_msg("%02x %02x (%zu): %s", a, b, len, buf);
				json_string_decode(buf, n, decoded);
			}
		}
}

/* app_json_string and app_json_text escape as app_json_bytes does. */
static void test_string_and_text_escape(void **unused)
{
	(void)unused;
	char buf[256];
	struct app_json j = {.buf = buf, .len = sizeof(buf)};
	app_json_begin(&j, "{");
	app_json_key(&j, "s");
	app_json_string(&j, "a\xff\"b");
	app_json_text(&j, "t", "\xc0\xaf", 8);
	app_json_text(&j, "u", "\xc3\xa9t\xc3\xa9", 16);
	app_json_end(&j, "}");
	buf[j.used] = '\0';
	assert_string_equal(
	    buf, "{\"s\":\"a\\\\xff\\\"b\",\"t\":\"\\\\xc0\\\\xaf\",\"u\":\"\xc3\xa9t\xc3\xa9\"}");
}

/* The field limit cuts a value, marks it, and never splits a UTF-8 sequence. */
static void test_field_limit_truncates(void **unused)
{
	(void)unused;
	char buf[256];
	struct app_json j = {.buf = buf, .len = sizeof(buf), .field_limit = 5};
	app_json_begin(&j, "{");
	assert_true(app_json_text_cut(&j, "url", "/abcdefgh", 64, false));
	/* "ab" then é (2 bytes) would end at 4, € (3 bytes) at 7: cut before € */
	assert_true(app_json_text_cut(&j, "host", "ab\xc3\xa9\xe2\x82\xacz", 64, false));
	assert_false(app_json_text_cut(&j, "ua", "short", 64, false));
	/* the parser's storage cut it (inside a sequence, even) */
	assert_true(app_json_text_cut(&j, "sni", "x\xe2\x82", 64, true));
	app_json_end(&j, "}");
	buf[j.used] = '\0';
	assert_true(utf8_valid_by_iconv(buf, j.used));
	assert_string_equal(buf, "{\"url\":\"/abcd[truncated]\","
				 "\"host\":\"ab\xc3\xa9[truncated]\","
				 "\"ua\":\"short\",\"sni\":\"x[truncated]\"}");
}

/* A buffer too small says so: the caller formats again, never writes half a line. */
static void test_overflow_reported(void **unused)
{
	(void)unused;
	char buf[8];
	struct app_json j = {.buf = buf, .len = sizeof(buf)};
	app_json_put(&j, "{");
	assert_false(j.overflow);
	app_json_string(&j, "longer than eight bytes");
	assert_true(j.overflow);
	assert_true(j.used <= j.len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostile_bytes_valid_json),
	    cmocka_unit_test(test_every_byte_pair),
	    cmocka_unit_test(test_string_and_text_escape),
	    cmocka_unit_test(test_field_limit_truncates),
	    cmocka_unit_test(test_overflow_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
