/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the web decoding pipeline (rules/match/web_decode.c) and
 * its transform web_decode; (rules/match/match.c): every encoding form it
 * undoes, the repeated decoding and its bound, the malformed forms kept as
 * written, and text that must come out unchanged; and the unit's
 * transform cache (rule_transform_cache_begin()), which must give every
 * chain its own view and nothing of an earlier unit. Inputs are heap copies
 * of exactly their length, so a sanitizer build catches any overread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/lang/parse.h"
#include "rules/match/match.h"
#include "rules/match/web_decode.h"

/* in decoded must give want (NUL-free strings; lengths compared too). */
static void expect_decode(const char *in, const char *want)
{
	size_t n = strlen(in);
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, in, n);
	uint32_t len = (uint32_t)n;
	web_decode(copy, &len);
	if (len != strlen(want) || memcmp(copy, want, len) != 0)
		fail_msg("web_decode(\"%s\") gave \"%.*s\", want \"%s\"", in, (int)len,
			 (const char *)copy, want);
	free(copy);
}

static void test_percent(void **state)
{
	(void)state;
	expect_decode("%2e%2e%2fetc%2Fpasswd", "../etc/passwd");
	expect_decode("a+b%2bc", "a b+c"); /* '+' is a space once; %2b stays a plus */
	expect_decode("%252e%252e%252f", "../");
	expect_decode("%25252e", ".");
	expect_decode("%%32%66", "/"); /* IIS: the escape the first pass built */
	expect_decode("%%34%31", "A");
	expect_decode("%u002e%u002e%u2215", "../");
	expect_decode("%U2216windows", "\\windows");
	expect_decode("%uff0e%uff0e%uff0f", "../"); /* fullwidth . and / */
	expect_decode("%u4e2d", "\xe4\xb8\xad");    /* a real character stays UTF-8 */
	expect_decode("%e4%b8%ad%e6%96%87", "\xe4\xb8\xad\xe6\x96\x87");
	/* Broken escapes are kept as written, as servers keep them. */
	expect_decode("100%", "100%");
	expect_decode("%zz%4", "%zz%4");
	expect_decode("%u12", "%u12");
	expect_decode("%", "%");
}

static void test_overlong_utf8(void **state)
{
	(void)state;
	expect_decode("%c0%ae%c0%ae%c0%af", "../");
	expect_decode("..%c1%9c", "..\\");
	expect_decode("..%e0%80%af", "../");
	expect_decode("..%f0%80%80%af", "../");
	expect_decode("\xc0\xaf", "/");
	expect_decode("\xef\xbc\x8f", "/");		/* U+FF0F */
	expect_decode("\xe2\x88\x95", "/");		/* U+2215 */
	expect_decode("\xef\xbc\x9cscript", "<script"); /* fullwidth '<' */
	/* Invalid and truncated sequences are left alone. */
	expect_decode("\xc0", "\xc0");
	expect_decode("\xc0\x41", "\xc0\x41");
	expect_decode("\xe0\x80", "\xe0\x80");
	expect_decode("\xff\xfe", "\xff\xfe");
	/* Real non-English text is unchanged. */
	expect_decode("caf\xc3\xa9 \xd0\xbf\xd1\x80\xd0\xb8",
		      "caf\xc3\xa9 \xd0\xbf\xd1\x80\xd0\xb8");
}

static void test_entities(void **state)
{
	(void)state;
	expect_decode("alert&lpar;1&rpar;", "alert(1)");
	expect_decode("&#x3c;script&#x3e;", "<script>");
	expect_decode("&#60;svg&#62", "<svg>");
	expect_decode("&#0000060img", "<img");
	expect_decode("&LT;a&gt;", "<a>");
	expect_decode("..&sol;..&bsol;", "../..\\");
	expect_decode("javascript&colon;alert&lpar;document&period;cookie&rpar;",
		      "javascript:alert(document.cookie)");
	expect_decode("&amp;lt;", "<"); /* decoded twice, as a page that escapes once more */
	expect_decode("%26%2360%3b", "<");
	expect_decode("&#x1F600;", "\xf0\x9f\x98\x80");
	/* Not references: a parameter named lt, unknown names, no digits, past U+10FFFF. */
	expect_decode("a=1&lt=2", "a=1&lt=2");
	expect_decode("&bogus;", "&bogus;");
	expect_decode("&#;", "&#;");
	expect_decode("&#x;", "&#x;");
	expect_decode("&#x110000;", "&#x110000;");
	expect_decode("&#xd800;", "&#xd800;");
	expect_decode("Tom & Jerry", "Tom & Jerry");
}

static void test_json_escapes(void **state)
{
	(void)state;
	expect_decode("{\"f\":\"\\u002e\\u002e\\u002fetc\"}", "{\"f\":\"../etc\"}");
	expect_decode("\\u003cscript\\u003e", "<script>");
	/* Backslashes that are no \u escape are kept (SQL escapes, Windows paths). */
	expect_decode("C:\\users\\x", "C:\\users\\x");
	expect_decode("it\\'s", "it\\'s");
	expect_decode("\\u12", "\\u12");
}

static void test_bound(void **state)
{
	(void)state;
	/* Each pass undoes one level: six levels are undone, a seventh is left. */
	char in[64];
	char six[] = "%25252525252e"; /* 6 passes: %2525252525 2e -> ... -> . */
	expect_decode(six, ".");
	snprintf(in, sizeof(in), "%s", "%2525252525252e");
	expect_decode(in, "%2e");
	expect_decode("", "");
}

static void test_transform(void **state)
{
	(void)state;
	struct rule_parser *parser = rule_parser_create();
	assert_non_null(parser);
	struct rule *rule = rule_parse(parser,
				       "alert http any any -> any any (msg:\"t\"; http.uri.raw; "
				       "web_decode; content:\"../etc/passwd\"; sid:1;)",
				       "t.rules", 1);
	assert_non_null(rule);
	const char *raw = "/a?f=%252e%252e%c0%afetc%u2215passwd";
	size_t n = strlen(raw);
	uint8_t *copy = malloc(n);
	memcpy(copy, raw, n);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.buffer[RULE_BUFFER_HTTP_URI_RAW] = copy;
	ctx.buffer_len[RULE_BUFFER_HTTP_URI_RAW] = (uint32_t)n;
	assert_true(rule_match(rule, &ctx));
	/* The buffer itself is left as it was (the transform works on a copy). */
	assert_memory_equal(copy, raw, n);
	free(copy);
	rule_free(rule);
	/* No value taken. */
	assert_null(rule_parse(parser,
			       "alert http any any -> any any (msg:\"t\"; http.uri; web_decode:1; "
			       "content:\"a\"; sid:2;)",
			       "t.rules", 2));
	rule_parser_destroy(parser);
}

static struct rule *parse_one(struct rule_parser *parser, const char *text)
{
	struct rule *rule = rule_parse(parser, text, "t.rules", 1);
	assert_non_null(rule);
	return rule;
}

/* Rules on one chain share its copy; another chain on the same bytes gets its own. */
static void test_transform_cache(void **state)
{
	(void)state;
	struct rule_parser *parser = rule_parser_create();
	assert_non_null(parser);
	struct rule *web = parse_one(parser, "alert http any any -> any any (msg:\"w\"; http.uri; "
					     "web_decode; content:\"../etc\"; sid:1;)");
	struct rule *web2 =
	    parse_one(parser, "alert http any any -> any any (msg:\"w2\"; http.uri; "
			      "web_decode; content:\"passwd\"; sid:2;)");
	struct rule *url = parse_one(parser, "alert http any any -> any any (msg:\"u\"; http.uri; "
					     "url_decode; content:\"%2e%2e/etc\"; sid:3;)");
	struct rule *url_not =
	    parse_one(parser, "alert http any any -> any any (msg:\"n\"; "
			      "http.uri; url_decode; content:\"../etc\"; sid:4;)");
	const char *first = "/a?f=%252e%252e/etc/passwd", *second = "/a?f=%252f%252f/etc/passwd";
	size_t n = strlen(first);
	uint8_t *buf = malloc(n);
	memcpy(buf, first, n);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.buffer[RULE_BUFFER_HTTP_URI] = buf;
	ctx.buffer_len[RULE_BUFFER_HTTP_URI] = (uint32_t)n;

	rule_transform_cache_begin();
	const uint8_t *view, *again;
	uint32_t len, len_again;
	assert_true(rule_transform_view(web, RULE_BUFFER_HTTP_URI, buf, (uint32_t)n, &view, &len));
	assert_int_equal(len, strlen("/a?f=../etc/passwd"));
	assert_memory_equal(view, "/a?f=../etc/passwd", len);
	/* the same chain of another rule: the same copy, not a new one */
	assert_true(
	    rule_transform_view(web2, RULE_BUFFER_HTTP_URI, buf, (uint32_t)n, &again, &len_again));
	assert_ptr_equal(view, again);
	assert_int_equal(len, len_again);
	assert_true(rule_match(web, &ctx));
	assert_true(rule_match(url, &ctx)); /* url_decode's view, not web_decode's */
	assert_false(rule_match(url_not, &ctx));
	assert_true(rule_match(web2, &ctx));
	assert_true(rule_match(web, &ctx));
	rule_transform_cache_end();

	/* the next unit's bytes at the same address: nothing of the last is seen */
	memcpy(buf, second, n);
	rule_transform_cache_begin();
	assert_false(rule_match(web, &ctx));
	assert_true(rule_match(web2, &ctx));
	assert_false(rule_match(url, &ctx));
	rule_transform_cache_end();
	/* outside a unit: transformed every time, the same answers */
	assert_false(rule_match(web, &ctx));
	memcpy(buf, first, n);
	assert_true(rule_match(web, &ctx));

	/* more buffers than the cache holds: the rest are transformed each time */
	rule_transform_cache_begin();
	uint8_t many[40][32];
	for (int i = 0; i < 40; i++) {
		int m = snprintf((char *)many[i], sizeof(many[i]), "/%d?f=%%252e%%252e/etc", i);
		ctx.buffer[RULE_BUFFER_HTTP_URI] = many[i];
		ctx.buffer_len[RULE_BUFFER_HTTP_URI] = (uint32_t)m;
		assert_true(rule_match(web, &ctx));
		assert_false(rule_match(url_not, &ctx));
	}
	for (int i = 0; i < 40; i++) {
		ctx.buffer[RULE_BUFFER_HTTP_URI] = many[i];
		ctx.buffer_len[RULE_BUFFER_HTTP_URI] = (uint32_t)strlen((char *)many[i]);
		assert_true(rule_match(web, &ctx));
	}
	rule_transform_cache_end();
	free(buf);
	rule_free(web);
	rule_free(web2);
	rule_free(url);
	rule_free(url_not);
	rule_parser_destroy(parser);
}

static void test_random_input(void **state)
{
	(void)state;
	uint8_t buf[8192];
	uint32_t seed = 4242;
	const char alphabet[] = "%&#;xXuU0123456789abcdefABCDEF\\+.\xc0\xaf\xe0\x80\xef\xbc";
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = (uint8_t)alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		uint32_t len = sizeof(buf);
		web_decode(buf, &len);
		assert_true(len <= sizeof(buf));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_percent),	 cmocka_unit_test(test_overlong_utf8),
	    cmocka_unit_test(test_entities),	 cmocka_unit_test(test_json_escapes),
	    cmocka_unit_test(test_bound),	 cmocka_unit_test(test_transform),
	    cmocka_unit_test(test_random_input), cmocka_unit_test(test_transform_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
