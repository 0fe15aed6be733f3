/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the payload keywords (rules/keywords/kw_content.c, kw_pcre.c,
 * kw_byte.c, kw_base64.c), the transforms with options (kw_transform.c) and the matcher (rules/match/match.c). Each test writes the options
 * of a rule as a Suricata user would, parses it with rule_parse(), puts a
 * crafted payload in pkt_data (or another buffer) and asserts match or no
 * match; parse errors are asserted with their message. Payloads are heap
 * copies of exactly their length, so a sanitizer build catches any read
 * past the end of a buffer. The expected answers are Suricata's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/keywords/kw_transform.h"
#include "rules/lang/content.h"
#include "rules/match/match.h"
#include "rules/lang/parse.h"

static struct rule_parser *parser;

/* ---- helpers -------------------------------------------------------- */

static struct rule *parse_options(const char *options)
{
	char text[4096];

	snprintf(text, sizeof(text), "alert tcp any any -> any any (msg:\"t\"; %s sid:1;)",
		 options);
	return rule_parse(parser, text, "test.rules", 1);
}

static struct rule *parse_ok(const char *options)
{
	struct rule *rule = parse_options(options);

	if (!rule)
		fail_msg("rule refused: %s: %s", options, rule_parser_last_error(parser)->reason);
	return rule;
}

/* The rule must be refused with a reason containing want. */
static void parse_fails(const char *options, const char *want)
{
	struct rule *rule = parse_options(options);

	if (rule) {
		rule_free(rule);
		fail_msg("rule loaded but should not: %s", options);
	}
	const char *reason = rule_parser_last_error(parser)->reason;
	if (!reason || !strstr(reason, want))
		fail_msg("rule %s: reason \"%s\" lacks \"%s\"", options, reason ? reason : "(none)",
			 want);
}

/*
 * Match options against payload in buffer (an exact-length heap copy),
 * pkt_data's absolute positions counting from origin (0 but for a stream
 * window).
 */
static bool match_from(const char *options, int buffer, const void *payload, size_t len,
		       uint32_t origin)
{
	struct rule *rule = parse_ok(options);
	struct rule_match_ctx ctx;
	uint8_t *copy = malloc(len ? len : 1);

	memset(&ctx, 0, sizeof(ctx));
	memcpy(copy, payload, len);
	ctx.buffer[buffer] = copy;
	ctx.buffer_len[buffer] = (uint32_t)len;
	ctx.pkt_data_origin = origin;
	bool hit = rule_match(rule, &ctx);
	free(copy);
	rule_free(rule);
	return hit;
}

static bool match_in(const char *options, int buffer, const void *payload, size_t len)
{
	return match_from(options, buffer, payload, len, 0);
}

static bool match_bytes(const char *options, const void *payload, size_t len)
{
	return match_in(options, RULE_BUFFER_PKT_DATA, payload, len);
}

static bool match_str(const char *options, const char *payload)
{
	return match_bytes(options, payload, strlen(payload));
}

/* ---- content -------------------------------------------------------- */

static void test_content_plain(void **state)
{
	(void)state;
	assert_true(match_str("content:\"evil\";", "an evil payload"));
	assert_false(match_str("content:\"evil\";", "an EVIL payload"));
	assert_false(match_str("content:\"evil\";", "ev"));
	assert_true(match_str("content:\"evil\"; content:\"pay\";", "payload evil"));
}

static void test_content_hex_and_escapes(void **state)
{
	(void)state;
	static const uint8_t bin[] = {0x00, 0x01, 'A', 'B', 0xff};

	assert_true(match_bytes("content:\"|00 01|AB|ff|\";", bin, sizeof(bin)));
	assert_true(match_bytes("content:\"|0001 4142|\";", bin, sizeof(bin)));
	assert_false(match_bytes("content:\"|00 02|\";", bin, sizeof(bin)));
	assert_true(match_str("content:\"a\\\"b\";", "xa\"by"));
	assert_true(match_str("content:\"a\\;b\";", "xa;by"));
	assert_true(match_str("content:\"a\\\\b\";", "xa\\by"));
	assert_true(match_str("content:\"a\\:b\";", "xa:by"));
	assert_true(match_str("content:\"user|3a| \";", "user: root"));
	/* Escapes and hex decode to the same bytes. */
	assert_true(match_str("content:\"|22|q\\\"\";", "\"q\""));
}

static void test_content_negated(void **state)
{
	(void)state;
	assert_true(match_str("content:!\"evil\";", "all good here"));
	assert_false(match_str("content:!\"evil\";", "some evil here"));
	assert_true(match_str("content:\"GET\"; content:!\"admin\"; within:10;",
			      "GET /index.html?x=admin"));
	assert_false(match_str("content:\"GET\"; content:!\"admin\"; within:10;", "GET /admin"));
	/* A negated content does not move the cursor: B is relative to A. */
	assert_true(match_str("content:\"A\"; content:!\"Z\"; content:\"B\"; distance:0; within:1;",
			      "xAB"));
	/* A window that lies outside the buffer holds no pattern. */
	assert_true(match_str("content:!\"abc\"; offset:50;", "abcabc"));
}

static void test_content_nocase(void **state)
{
	(void)state;
	assert_true(match_str("content:\"EvIl\"; nocase;", "an eVIL payload"));
	assert_true(match_str("content:\"|41|b\"; nocase;", "xaB"));
	assert_false(match_str("content:\"evil\"; nocase;", "e v i l"));
	assert_true(match_str("content:\"evil\"; nocase; endswith;", "..EVIL"));
}

static void test_content_offset_depth(void **state)
{
	(void)state;
	assert_true(match_str("content:\"abc\"; offset:2; depth:3;", "xxabc"));
	assert_false(match_str("content:\"abc\"; offset:2; depth:3;", "xxxabc"));
	assert_false(match_str("content:\"abc\"; offset:3;", "xxabc"));
	/* depth counts from offset, whatever order they are written in */
	assert_true(match_str("content:\"abc\"; depth:4; offset:2;", "xxxabc"));
	assert_true(match_str("content:\"abc\"; depth:3;", "abcxxx"));
	assert_false(match_str("content:\"abc\"; depth:3;", "xabc"));
	/* a depth past the buffer end is clipped, not an error */
	assert_true(match_str("content:\"abc\"; depth:100;", "xxabc"));
	assert_false(match_str("content:\"abc\"; offset:100;", "abc"));
	assert_true(match_str("content:\"abc\"; offset:3;", "abcabc"));
}

static void test_content_distance_within(void **state)
{
	(void)state;
	assert_true(match_str("content:\"A\"; content:\"B\"; distance:0;", "xAyB"));
	assert_false(match_str("content:\"A\"; content:\"B\"; distance:0;", "BxA"));
	assert_true(match_str("content:\"A\"; content:\"B\"; distance:2; within:1;", "A12B"));
	assert_false(match_str("content:\"A\"; content:\"B\"; distance:2; within:1;", "A1B"));
	assert_false(match_str("content:\"A\"; content:\"B\"; distance:2; within:1;", "A123B"));
	/* within counts from the previous match end plus distance */
	assert_true(match_str("content:\"A\"; content:\"BC\"; within:2;", "ABC"));
	assert_false(match_str("content:\"A\"; content:\"BC\"; within:2;", "AxBC"));
	/* a negative distance looks back before the previous match end */
	assert_true(match_str("content:\"BC\"; content:\"A\"; distance:-3; within:1;", "xABC"));
	assert_false(match_str("content:\"BC\"; content:\"A\"; distance:-2; within:1;", "xABC"));
	/* a relative first content is relative to the buffer start */
	assert_true(match_str("content:\"ab\"; within:2;", "abxx"));
	assert_false(match_str("content:\"ab\"; within:2;", "xab"));
}

/* The decoy: the first A is not followed by B; the chain must try the second. */
static void test_content_backtracking(void **state)
{
	(void)state;
	assert_true(match_str("content:\"A\"; content:\"B\"; distance:0; within:1;", "AxxxAB"));
	/* two levels: B must be retried, then A */
	assert_true(match_str(
	    "content:\"A\"; content:\"B\"; distance:0; within:2; content:\"C\"; distance:0; "
	    "within:1;",
	    "ABxxABC"));
	assert_false(match_str(
	    "content:\"A\"; content:\"B\"; distance:0; within:2; content:\"C\"; distance:0; "
	    "within:1;",
	    "ABxxABxC"));
	/* relative byte_test and isdataat also make the content retry */
	static const uint8_t p[] = {'L', 1, 'L', 9};
	assert_true(match_bytes("content:\"L\"; byte_test:1,>,5,0,relative;", p, sizeof(p)));
	assert_true(match_str("content:\"END\"; isdataat:!1,relative;", "END...END"));
	/* overlapping occurrences: retry starts one byte after the previous start */
	assert_true(match_str("content:\"aa\"; content:\"b\"; distance:0; within:1;", "aaab"));
	/* a pathological buffer must not hang: the step limit ends it */
	char big[4096];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(match_str("content:\"A\"; content:\"A\"; distance:0; content:\"A\"; "
			       "distance:0; content:\"B\"; distance:0;",
			       big));
}

static void test_content_startswith_endswith(void **state)
{
	(void)state;
	assert_true(match_str("content:\"GET\"; startswith;", "GET / HTTP/1.1"));
	assert_false(match_str("content:\"GET\"; startswith;", " GET / HTTP/1.1"));
	assert_true(match_str("content:\".exe\"; endswith;", "file.exe"));
	assert_false(match_str("content:\".exe\"; endswith;", "file.exe?"));
	/* the occurrence that ends the buffer is found, not only the first one */
	assert_true(match_str("content:\".exe\"; endswith;", "a.exe.exe"));
	assert_true(match_str("content:\"GET\"; startswith; endswith;", "GET"));
	assert_false(match_str("content:\"GET\"; startswith; endswith;", "GETX"));
	assert_true(match_str("content:\"id=\"; content:\"x\"; distance:0; endswith;", "id=abx"));
	assert_false(match_str("content:\"id=\"; content:\"x\"; distance:0; endswith;", "xid=ab"));
	assert_true(match_str("content:!\".exe\"; endswith;", "file.exe.txt"));
	assert_false(match_str("content:!\".exe\"; endswith;", "file.exe"));
}

static void test_content_fast_pattern(void **state)
{
	(void)state;
	struct rule *rule = parse_ok("content:\"abc\"; content:\"longer\"; fast_pattern:1,3;");
	struct rule_content_view view;

	assert_int_equal(rule->fast_pattern, 1);
	assert_true(rule_content_view(&rule->options[1], &view));
	assert_int_equal(view.len, 6);
	assert_memory_equal(view.bytes, "longer", 6);
	assert_true(view.fast_pattern);
	assert_int_equal(view.fast_offset, 1);
	assert_int_equal(view.fast_len, 3);
	assert_true(rule_content_view(&rule->options[0], &view));
	assert_false(view.fast_pattern);
	assert_int_equal(view.fast_len, 3);
	rule_free(rule);

	rule = parse_ok("content:\"abc\"; nocase; fast_pattern:only;");
	assert_int_equal(rule->fast_pattern, 0);
	assert_true(rule_content_view(&rule->options[0], &view));
	assert_true(view.nocase);
	assert_int_equal(view.fast_offset, 0);
	assert_int_equal(view.fast_len, 3);
	rule_free(rule);

	rule = parse_ok("content:!\"x\"; pcre:\"/y/\";");
	assert_int_equal(rule->fast_pattern, -1);
	assert_true(rule_content_view(&rule->options[0], &view));
	assert_true(view.negated);
	assert_false(rule_content_view(&rule->options[1], &view));
	rule_free(rule);
}

static void test_bsize(void **state)
{
	(void)state;
	assert_true(match_str("bsize:5;", "12345"));
	assert_false(match_str("bsize:5;", "1234"));
	assert_true(match_str("bsize:<5;", "1234"));
	assert_false(match_str("bsize:<5;", "12345"));
	assert_true(match_str("bsize:>=5;", "12345"));
	assert_true(match_str("bsize:>4;", "12345"));
	assert_true(match_str("bsize:!4;", "12345"));
	assert_true(match_str("bsize:3<>6;", "12345"));
	assert_false(match_str("bsize:3<>6;", "123456"));
	assert_false(match_str("bsize:3<>6;", "123"));
	assert_true(match_str("content:\"abc\"; bsize:3;", "abc"));
	parse_fails("bsize:x;", "bsize");
	parse_fails("bsize:6<>3;", "bsize: empty range");
}

/* ---- absent buffers and transforms --------------------------------- */

static void test_absent_buffer(void **state)
{
	(void)state;
	/* the rule inspects http.uri; only pkt_data is there */
	assert_false(match_str("http.uri; content:\"/a\";", "/a"));
	/* negated-only chains need their buffer too, as in Suricata */
	assert_false(match_str("http.uri; content:!\"/a\";", "/b"));
	assert_true(match_in("http.uri; content:\"/a\";", RULE_BUFFER_HTTP_URI, "/a", 2));
	assert_true(match_in("content:\"/a\"; http_uri;", RULE_BUFFER_HTTP_URI, "/a", 2));
	/* an empty buffer holds nothing to inspect */
	assert_false(match_bytes("content:!\"a\";", "", 0));
}

static void test_transforms(void **state)
{
	(void)state;
	assert_true(match_in("http.uri; to_lowercase; content:\"/admin\";", RULE_BUFFER_HTTP_URI,
			     "/ADMIN", 6));
	assert_false(match_in("http.uri; content:\"/admin\";", RULE_BUFFER_HTTP_URI, "/ADMIN", 6));
	assert_true(match_in("http.uri; to_uppercase; content:\"/ADMIN\";", RULE_BUFFER_HTTP_URI,
			     "/aDmIn", 6));
	assert_true(match_in("http.host; dotprefix; content:\".example.com\"; endswith;",
			     RULE_BUFFER_HTTP_HOST, "example.com", 11));
	assert_true(match_in("http.host; dotprefix; content:\".example.com\"; endswith;",
			     RULE_BUFFER_HTTP_HOST, "www.example.com", 15));
	assert_false(match_in("http.host; dotprefix; content:\".example.com\"; endswith;",
			      RULE_BUFFER_HTTP_HOST, "badexample.com", 14));
	assert_true(match_str("strip_whitespace; content:\"evalx\"; bsize:5;", " ev\tal \r\nx"));
	assert_true(match_str("compress_whitespace; content:\"a b\tc\"; bsize:5;", "a  b\t \tc"));
	/* a digest replaces the buffer (md5 of "a") */
	assert_true(match_str(
	    "to_md5; content:\"|0c c1 75 b9 c0 f1 b6 a8 31 c3 99 e2 69 77 26 61|\"; bsize:16;",
	    "a"));
}

/* ---- pcre ----------------------------------------------------------- */

static void test_pcre_basic(void **state)
{
	(void)state;
	assert_true(match_str("pcre:\"/ev[i1]l/\";", "so ev1l"));
	assert_false(match_str("pcre:\"/ev[i1]l/\";", "so EVIL"));
	assert_true(match_str("pcre:\"/ev[i1]l/i\";", "so EVIL"));
	assert_true(match_str("pcre:\"/a.b/s\";", "a\nb"));
	assert_false(match_str("pcre:\"/a.b/\";", "a\nb"));
	assert_true(match_str("pcre:\"/^b$/m\";", "a\nb\nc"));
	assert_true(match_str("pcre:\"/a b/x\";", "ab"));
	assert_false(match_str("pcre:\"/b/A\";", "ab"));
	assert_true(match_str("pcre:\"/a.*c/G\";", "abcbc"));
	assert_true(match_str("pcre:\"/x\\;y/\";", "x;y"));
	assert_true(match_str("pcre:!\"/evil/\";", "good"));
	assert_false(match_str("pcre:!\"/evil/\";", "evil"));
}

static void test_pcre_relative(void **state)
{
	(void)state;
	assert_true(match_str("content:\"user=\"; pcre:\"/^admin/R\";", "user=admin"));
	assert_false(match_str("content:\"user=\"; pcre:\"/^admin/R\";", "user=xadmin"));
	/* a relative pcre cannot see before the cursor, even with a look-behind */
	assert_false(match_str("content:\"b\"; pcre:\"/(?<=a)b/R\";", "abc"));
	/* the content is retried until the relative pcre holds */
	assert_true(match_str("content:\"id=\"; pcre:\"/^[0-9]+&/R\";", "id=x&id=42&"));
	/* the pcre is retried until the relative content holds */
	assert_true(match_str("pcre:\"/a./\"; content:\"Z\"; distance:0; within:1;", "abxacZ"));
	/* the cursor after a pcre is the end of its match */
	assert_true(match_str("pcre:\"/k=[a-z]+/\"; content:\"\\;\"; within:1;", "k=abc;"));
}

static void test_pcre_buffer_flags(void **state)
{
	(void)state;
	/* Q under http.response_body: the response body either way */
	assert_true(match_in("http.response_body; pcre:\"/body/Q\";",
			     RULE_BUFFER_HTTP_RESPONSE_BODY, "a body", 6));
	parse_fails("http.uri; pcre:\"/body/Q\";", "used while sticky buffer http.uri");
	struct rule *rule = parse_ok("pcre:\"/admin/U\";");

	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_HTTP_URI);
	assert_true(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI));
	rule_free(rule);
	rule = parse_ok("pcre:\"/x/iH\";");
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_HTTP_HEADER);
	rule_free(rule);
	assert_false(match_str("pcre:\"/admin/U\";", "/admin"));
	assert_true(match_in("pcre:\"/admin/U\";", RULE_BUFFER_HTTP_URI, "/admin", 6));
	parse_fails("http.host; pcre:\"/x/U\";", "sticky buffer");
	parse_fails("pcre:\"/x/UH\";", "two buffer flags");
}

/* pcre:"/(a)(b)/flags, flow:x,flow:y": groups 1 and 2 captured for flow variables x and y. */
static void test_pcre_captures(void **state)
{
	(void)state;
	const char *ua = "Mozilla/5.0 (X11)";
	struct rule *rule = parse_ok("pcre:\"/^(.*)\\/(\\d+\\.\\d+)/G, flow:key,flow:value\";");
	struct rule_captures captures = {.count = 99};
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.buffer[RULE_BUFFER_PKT_DATA] = (const uint8_t *)ua;
	ctx.buffer_len[RULE_BUFFER_PKT_DATA] = (uint32_t)strlen(ua);
	ctx.captures = &captures;
	assert_true(rule_match(rule, &ctx));
	assert_int_equal(captures.count, 2);
	assert_int_equal(captures.capture[0].var, rule_parser_flowvar(parser, "key"));
	assert_int_equal(captures.capture[1].var, rule_parser_flowvar(parser, "value"));
	assert_int_equal(captures.capture[0].len, 7);
	assert_memory_equal(captures.capture[0].data, "Mozilla", 7);
	assert_int_equal(captures.capture[1].len, 3);
	assert_memory_equal(captures.capture[1].data, "5.0", 3);
	/* no match: nothing captured (the rule does not hold) */
	ctx.buffer_len[RULE_BUFFER_PKT_DATA] = 7;
	assert_false(rule_match(rule, &ctx));
	assert_int_equal(captures.count, 0);
	rule_free(rule);
	/* captures with flags and a buffer flag; refusals */
	rule = parse_ok("pcre:\"/^(\\w+)/V, flow:agent\";");
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_HTTP_USER_AGENT);
	rule_free(rule);
	parse_fails("pcre:\"/(x)/, host:name\";", "is not flow:NAME, alert:NAME or pkt:NAME");
	/* alert: and pkt: groups are captured for the alert (their name's id
	 * marked as such); named groups as the list */
	const char *subject = "Mozilla/5.0";
	ctx.buffer[RULE_BUFFER_PKT_DATA] = (const uint8_t *)subject;
	ctx.buffer_len[RULE_BUFFER_PKT_DATA] = (uint32_t)strlen(subject);
	static const struct {
		const char *rule;
		unsigned mark;
	} forms[] = {
	    {"pcre:\"/^(\\w+)\\/(.*)/, alert:ua, flow:version\";", RULE_CAPTURE_ALERT},
	    {"pcre:\"/^(?P<alert_ua>\\w+)\\/(?P<flow_version>.*)/\";", RULE_CAPTURE_ALERT},
	    {"pcre:\"/^(?P<pkt_ua>\\w+)\\/(?P<flow_version>.*)/\";", RULE_CAPTURE_PKT},
	    {"pcre:\"/^(\\w+)\\/(.*)/, pkt:ua, flow:version\";", RULE_CAPTURE_PKT},
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		rule = parse_ok(forms[i].rule);
		assert_true(rule_match(rule, &ctx));
		assert_int_equal(captures.count, 2);
		assert_int_equal(captures.capture[0].var,
				 forms[i].mark | (unsigned)rule_parser_flowvar(parser, "ua"));
		assert_int_equal(captures.capture[0].len, 7);
		assert_memory_equal(captures.capture[0].data, "Mozilla", 7);
		assert_int_equal(captures.capture[1].var, rule_parser_flowvar(parser, "version"));
		assert_int_equal(captures.capture[1].len, 3);
		rule_free(rule);
	}
	/* a named group of the regex's own is no variable */
	rule = parse_ok("pcre:\"/^(?P<word>\\w+)/\";");
	assert_true(rule_match(rule, &ctx));
	assert_int_equal(captures.count, 0);
	rule_free(rule);
	parse_fails("pcre:!\"/(x)/, flow:name\";", "negated");
}

/* ---- byte_test, byte_jump, byte_extract, isdataat ------------------- */

static void test_byte_test(void **state)
{
	(void)state;
	static const uint8_t p[] = {0x00, 0x10, 0x37, 0x20};

	assert_true(match_bytes("byte_test:2,=,16,0;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:2,=,4096,0,little;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:2,=,0x1000,0,little;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:4,=,0x00103720,0,big;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:4,=,0x20371000,0,little;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:1,>,0x30,2;", p, sizeof(p)));
	assert_false(match_bytes("byte_test:1,<,0x30,2;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:1,<=,0x37,2;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:1,>=,0x37,2;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:1,!=,0x36,2;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:1,!<,0x30,2;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:1,&,0x01,2;", p, sizeof(p)));
	assert_false(match_bytes("byte_test:1,&,0x08,2;", p, sizeof(p)));
	assert_true(match_bytes("byte_test:1,^,0x01,2;", p, sizeof(p)));
	/* bitmask: masked, then shifted right by the mask's trailing zeros */
	assert_true(match_bytes("byte_test:1,=,3,2,bitmask 0xf0;", p, sizeof(p)));
	/* out of the buffer: never holds, negated or not */
	assert_false(match_bytes("byte_test:2,=,0,3;", p, sizeof(p)));
	assert_false(match_bytes("byte_test:2,!=,0,3;", p, sizeof(p)));
	/* relative */
	assert_true(match_bytes("content:\"|10|\"; byte_test:1,=,0x37,0,relative;", p, sizeof(p)));
	assert_true(match_bytes("content:\"|37|\"; byte_test:1,=,0x10,-2,relative;", p, sizeof(p)));
}

static void test_byte_test_string(void **state)
{
	(void)state;
	assert_true(match_str("byte_test:3,=,123,0,string,dec;", "123x"));
	assert_true(match_str("byte_test:3,=,123,1,string,dec;", "x123"));
	/* strtoull semantics: digits up to the first other character */
	assert_true(match_str("byte_test:4,=,12,0,string,dec;", "12ab"));
	assert_false(match_str("byte_test:2,=,0,0,string,dec;", "ab"));
	assert_true(match_str("byte_test:2,=,31,0,string,hex;", "1f"));
	assert_true(match_str("byte_test:3,=,8,0,string,oct;", "010"));
	assert_true(
	    match_str("content:\"Content-Length: \"; byte_test:5,>,1000,0,relative,string,dec;",
		      "Content-Length: 99999\r\n"));
	assert_false(
	    match_str("content:\"Content-Length: \"; byte_test:5,>,1000,0,relative,string,dec;",
		      "Content-Length: 12\r\n"));
}

/* Suricata 8 (ET Open uses it): 0 bytes with string reads the digits there are. */
static void test_byte_test_string_any_length(void **state)
{
	(void)state;
	assert_true(match_str("byte_test:0,=,0,0,string,dec;", "0"));
	assert_true(match_str("byte_test:0,=,123456,0,string,dec;", "123456;x"));
	assert_false(match_str("byte_test:0,=,0,0,string,dec;", "x0"));
	assert_false(match_str("byte_test:0,=,0,0,string,dec;", "")); /* nothing there */
	assert_true(
	    match_str("content:\"len=\"; byte_test:0,>,99,0,relative,string,dec;", "len=100"));
	assert_true(match_str("byte_jump:0,0,string,dec; content:\"Z\"; within:1;", "2abZ"));
	parse_fails("byte_test:0,=,0,0;", "byte_test: 0 bytes needs \"string\"");
	parse_fails("byte_jump:0,0;", "byte_jump: 0 bytes needs \"string\"");
}

static void test_byte_jump(void **state)
{
	(void)state;
	static const uint8_t p[] = {0x00, 0x03, 'a', 'b', 'c', 'X', 'Y'};
	static const uint8_t le[] = {0x03, 0x00, 'a', 'b', 'c', 'X'};

	assert_true(match_bytes("byte_jump:2,0; content:\"X\"; within:1;", p, sizeof(p)));
	assert_false(match_bytes("byte_jump:2,0; content:\"Y\"; within:1;", p, sizeof(p)));
	assert_true(match_bytes("byte_jump:2,0,little; content:\"X\"; within:1;", le, sizeof(le)));
	assert_true(
	    match_bytes("byte_jump:2,0,post_offset 1; content:\"Y\"; within:1;", p, sizeof(p)));
	assert_true(
	    match_bytes("byte_jump:2,0,from_beginning; content:\"bc\"; within:2;", p, sizeof(p)));
	static const uint8_t m[] = {0x02, 'a', 'b', 'c', 'd', 'Y'};
	assert_true(
	    match_bytes("byte_jump:1,0,multiplier 2; content:\"Y\"; within:1;", m, sizeof(m)));
	assert_false(match_bytes("byte_jump:1,0; content:\"Y\"; within:1;", m, sizeof(m)));
	/* align rounds 3 up to 4 */
	assert_true(match_bytes("byte_jump:2,0,align; content:\"Y\"; within:1;", p, sizeof(p)));
	/* from_end with a negative post_offset lands 2 bytes before the end */
	assert_true(match_bytes("byte_jump:1,0,from_end,post_offset -2; content:\"XY\"; within:2;",
				p, sizeof(p)));
	/* jumping exactly to the end is allowed; past it is not */
	assert_true(
	    match_bytes("byte_jump:2,0,post_offset 2; isdataat:!1,relative;", p, sizeof(p)));
	assert_false(match_bytes("byte_jump:2,0,post_offset 3;", p, sizeof(p)));
	/* relative, and the jump's cursor used by a later relative byte_test */
	assert_true(
	    match_bytes("content:\"|00|\"; byte_jump:1,0,relative; byte_test:1,=,88,0,relative;", p,
			sizeof(p)));
	assert_true(match_str("byte_jump:2,0,string,dec; content:\"Z\"; within:1;", "03abcZ"));
}

static void test_byte_extract(void **state)
{
	(void)state;
	static const uint8_t p[] = {0x02, 'a', 'b', 'Z', 0x03, 0x00};

	assert_true(match_bytes("byte_extract:1,0,off; content:\"Z\"; distance:off; within:1;", p,
				sizeof(p)));
	assert_false(match_bytes("byte_extract:1,0,off; content:\"b\"; distance:off; within:1;", p,
				 sizeof(p)));
	assert_true(match_bytes("byte_extract:1,0,v; byte_test:1,>,v,4;", p, sizeof(p)));
	assert_true(match_bytes("byte_extract:2,4,v,little; byte_test:1,=,v,4;", p, sizeof(p)));
	assert_true(match_bytes("byte_extract:1,4,d; content:\"|02|ab\"; depth:d;", p, sizeof(p)));
	assert_false(match_bytes("byte_extract:1,0,d; content:\"|02|ab\"; depth:d;", p, sizeof(p)));
	assert_true(match_bytes("byte_extract:1,0,o; content:\"b\"; offset:o;", p, sizeof(p)));
	assert_true(match_bytes("byte_extract:1,0,n; isdataat:n,relative;", p, sizeof(p)));
	assert_false(
	    match_bytes("byte_extract:1,0,n,multiplier 2; byte_test:1,>,n,4;", p, sizeof(p)));
	assert_true(
	    match_bytes("byte_extract:1,0,n,multiplier 2; byte_test:1,<,n,4;", p, sizeof(p)));
	assert_true(
	    match_str("byte_extract:2,0,n,string,dec; byte_test:2,=,n,2,string,dec;", "1212"));
	/* the cursor after byte_extract is past the bytes read */
	assert_true(match_bytes("byte_extract:1,0,n; content:\"a\"; within:1;", p, sizeof(p)));
}

static void test_isdataat(void **state)
{
	(void)state;
	assert_true(match_str("isdataat:4;", "12345"));
	assert_false(match_str("isdataat:5;", "12345"));
	assert_true(match_str("isdataat:!5;", "12345"));
	assert_true(match_str("content:\"END\"; isdataat:!1,relative;", "xxEND"));
	assert_false(match_str("content:\"END\"; isdataat:!1,relative;", "xxENDy"));
	assert_true(match_str("content:\"AB\"; isdataat:3,relative;", "AB123"));
	assert_false(match_str("content:\"AB\"; isdataat:4,relative;", "AB123"));
	assert_true(match_str("content:\"AB\"; isdataat:3,relative,rawbytes;", "AB123"));
}

/* ---- stream data: absolute positions from the chunk ------------------ */

/*
 * pkt_data as a stream window (the inspect stage's): the bytes before
 * origin came earlier in the stream, the chunk inspected starts at origin.
 */
static bool match_window(const char *options, const char *window, uint32_t origin)
{
	return match_from(options, RULE_BUFFER_PKT_DATA, window, strlen(window), origin);
}

/* depth, offset and startswith count from the chunk, never from the earlier bytes. */
static void test_window_anchored_content(void **state)
{
	(void)state;
	/* "PASS x\r\n" came before; the chunk is "NICK evil\r\n" */
	const char *w = "PASS x\r\nNICK evil\r\n";
	assert_true(match_window("content:\"NICK \"; depth:5;", w, 8));
	assert_false(match_window("content:\"PASS \"; depth:5;", w, 8));
	assert_true(match_window("content:\"NICK\"; startswith;", w, 8));
	assert_true(match_window("content:\"evil\"; offset:5; depth:4;", w, 8));
	assert_false(match_window("content:\"evil\"; offset:6;", w, 8));
	/* anchored at the chunk's start: not in the middle of it */
	assert_false(match_window("content:\"NICK \"; depth:5;", "PRIVMSG #a :NICK x\r\n", 0));
	assert_false(match_window("content:\"evil\"; startswith;", w, 8));
	/* a content that is not anchored may begin in the earlier bytes (split) */
	assert_true(match_window("content:\"x|0d 0a|NICK\";", w, 8));
	assert_true(match_window("content:\"PASS\"; content:\"evil\"; distance:0;", w, 8));
	/* a relative content is relative to its match, wherever that is */
	assert_true(match_window("content:\"NICK\"; depth:4; content:\"evil\"; within:6;", w, 8));
	assert_true(match_window("content:\"evil|0d 0a|\"; endswith;", w, 8));
}

/* isdataat, byte_* and an anchored pcre count from the chunk too. */
static void test_window_absolute_checks(void **state)
{
	(void)state;
	const char *w = "earlier bytes|0042:NICK x";
	uint32_t chunk = 14; /* "0042:NICK x", 11 bytes */
	assert_true(match_window("isdataat:10;", w, chunk));
	assert_false(match_window("isdataat:11;", w, chunk));
	assert_true(match_window("isdataat:!11;", w, chunk));
	assert_true(match_window("byte_test:4,=,42,0,string,dec;", w, chunk));
	assert_false(match_window("byte_test:4,=,42,0,string,dec;", w, 0));
	assert_true(match_window("byte_extract:1,3,n,string,dec; content:\"NICK\"; offset:5; "
				 "depth:4; isdataat:n,relative;",
				 w, chunk));
	assert_true(match_window("byte_jump:1,3,string,dec,from_beginning,post_offset 3; "
				 "content:\"NICK\"; within:4;",
				 w, chunk));
	assert_true(match_window("pcre:\"/^0042:NICK/\";", w, chunk));
	assert_false(match_window("pcre:\"/^earlier/\";", w, chunk));
	assert_true(match_window("pcre:\"/NICK x$/\";", w, chunk));
	assert_true(match_window("pcre:\"/^e|^0/\";", w, chunk)); /* each branch anchored */
	/* not anchored: it sees the earlier bytes, where ^ does not hold */
	assert_true(match_window("pcre:\"/bytes\\|0042/\";", w, chunk));
	assert_false(match_window("pcre:\"/^e|NICK y/\";", w, chunk));
	/* the whole window from its start (origin 0) is the datagram case */
	assert_true(match_window("pcre:\"/^earlier/\";", w, 0));
	assert_true(match_window("content:\"earlier\"; depth:7;", w, 0));
}

/* ---- parse errors --------------------------------------------------- */

static void test_parse_errors(void **state)
{
	(void)state;
	parse_fails("content:\"|4g|\";", "bad hex digit 'g'");
	parse_fails("content:\"|414|\";", "odd number of hex digits");
	parse_fails("content:\"|41\";", "missing closing '|'");
	parse_fails("content:\"a\\x41\";", "bad escape");
	parse_fails("content:\"\";", "");
	parse_fails("content:\"abcdef\"; within:3;", "within 3 is shorter than the content");
	parse_fails("content:\"abcdef\"; depth:3;", "depth 3 is smaller than the content");
	parse_fails("content:\"a\"; depth:5; distance:1;",
		    "cannot mix distance/within with depth/offset");
	parse_fails("content:\"a\"; within:5; offset:1;",
		    "cannot mix distance/within with depth/offset");
	parse_fails("content:\"a\"; depth:5; depth:6;", "depth: used twice");
	parse_fails("content:\"a\"; startswith; offset:1;", "offset: used twice");
	parse_fails("content:\"a\"; distance:x;",
		    "is neither a number nor a byte_extract variable");
	parse_fails("content:\"a\"; depth:-1;", "depth: bad value");
	parse_fails("content:\"a\"; fast_pattern; content:\"b\"; fast_pattern;",
		    "only one content");
	parse_fails("content:\"abc\"; fast_pattern:2,5;", "outside the content");
	parse_fails("content:!\"abc\"; fast_pattern:only;", "negated");
	parse_fails("pcre:\"/(a/\";", "missing closing parenthesis");
	parse_fails("pcre:\"/(a/\";", "at offset 2");
	parse_fails("pcre:\"/a/q\";", "unknown flag 'q'");
	parse_fails("pcre:\"a\";", "expected \"/regex/flags\"");
	parse_fails("pcre:\"/a/R\";", "needs a preceding content or pcre");
	parse_fails("byte_test:2,~,1,0;", "unknown operator \"~\"");
	parse_fails("byte_test:2,=,1;", "needs bytes, operator, value and offset");
	parse_fails("byte_test:9,=,1,0;", "more than 8 without \"string\"");
	parse_fails("byte_test:2,=,1,0,sideways;", "unknown option \"sideways\"");
	parse_fails("byte_test:2,=,1,0,string,dce;", "dce");
	parse_fails("byte_test:2,=,nosuchvar,0;", "nosuchvar");
	parse_fails("byte_jump:2,0,from_beginning,from_end;", "from_beginning and from_end");
	parse_fails("byte_extract:1,0,v; byte_extract:1,1,v;", "cannot define \"v\"");
	parse_fails("byte_extract:1,0,v,align 3;", "align must be 2 or 4");
	parse_fails("isdataat:abc;", "abc");
	parse_fails("nocase;", "nocase");
}

/* ---- transforms with options, base64_decode / base64_data ------------ */

static bool match_uri(const char *options, const char *uri)
{
	char text[1024];
	snprintf(text, sizeof(text), "http.uri; %s", options);
	return match_in(text, RULE_BUFFER_HTTP_URI, uri, strlen(uri));
}

/* options against text in buffer */
static bool match_text(const char *options, int buffer, const char *text)
{
	return match_in(options, buffer, text, strlen(text));
}

/* ---- from_base64 ----------------------------------------------------- */

static void test_from_base64_options(void **state)
{
	(void)state;
	/* "dGhpc2lzYXRlc3QK" is "thisisatest\n" */
	assert_true(match_uri("from_base64; content:\"thisisatest\";", "dGhpc2lzYXRlc3QK"));
	assert_true(
	    match_uri("from_base64: offset 6; content:\"thisisatest\";", "/?arg=dGhpc2lzYXRlc3QK"));
	assert_false(match_uri("from_base64; content:\"thisisatest\";", "/?arg=dGhpc2lzYXRlc3QK"));
	/* offset 10 starts mid-group: "c2lzYXRlc3QK" is "sisatest\n" */
	assert_true(
	    match_uri("from_base64: offset 10; content:\"sisatest\";", "/?arg=dGhpc2lzYXRlc3QK"));
	/* bytes 6 decodes "dGhpc2": "this" and no more */
	assert_true(match_uri("from_base64: bytes 6, offset 6; content:\"this\"; bsize:4;",
			      "/?arg=dGhpc2lzYXRlc3QK"));
	assert_false(match_uri("from_base64: bytes 6, offset 6; content:\"thisis\";",
			       "/?arg=dGhpc2lzYXRlc3QK"));
	/* an offset past the end leaves the buffer as it was */
	assert_true(match_uri("from_base64: offset 100; content:\"/?arg\";", "/?arg=x"));
}

static void test_from_base64_modes(void **state)
{
	(void)state;
	/* "Zm 9v Ym Fy" is "foobar" once blanks are skipped (RFC 2045) */
	assert_true(match_uri("from_base64: mode rfc2045; content:\"foobar\";", "Zm 9v Ym Fy"));
	assert_false(match_uri("from_base64: mode rfc4648; content:\"foobar\";", "Zm 9v Ym Fy"));
	assert_false(match_uri("from_base64: mode strict; content:\"foobar\";", "Zm 9v Ym Fy"));
	assert_true(match_uri("from_base64: mode strict; content:\"foobar\";", "Zm9vYmFy"));
	assert_true(match_uri("from_base64: mode strict; content:\"fo\"; bsize:2;", "Zm8="));
	/* strict refuses a group cut short; rfc4648 keeps its whole bytes */
	assert_false(match_uri("from_base64: mode strict; content:\"fo\"; bsize:2;", "Zm8"));
	assert_true(match_uri("from_base64; content:\"fo\"; bsize:2;", "Zm8"));
	/* '=' ends the text in rfc4648 mode */
	assert_true(match_uri("from_base64; content:\"f\"; bsize:1;", "Zg==Zm9v"));
}

static void test_from_base64_parse(void **state)
{
	(void)state;
	rule_free(
	    parse_ok("http.uri; from_base64: bytes 4, offset 2, mode strict; content:\"a\";"));
	rule_free(parse_ok("http.uri; from_base64:mode RFC2045; content:\"a\";"));
	parse_fails("http.uri; from_base64: mode loose; content:\"a\";", "unknown mode \"loose\"");
	parse_fails("http.uri; from_base64: size 4; content:\"a\";", "unknown option \"size\"");
	parse_fails("http.uri; from_base64: bytes 0; content:\"a\";", "bytes must be > 0");
	parse_fails("http.uri; from_base64: offset x; content:\"a\";", "\"x\" is not a number");
	parse_fails("http.uri; from_base64: offset 1, offset 2; content:\"a\";", "given twice");
	parse_fails("http.uri; from_base64: offset 1 bytes 2; content:\"a\";", "expected ','");
}

/* ---- pcrexform, xor, digests ------------------------------------------ */

static void test_pcrexform(void **state)
{
	(void)state;
	const char *line = "GET /z4d4kWk.jpg HTTP/1.1";
	assert_true(match_text("http.request_line; pcrexform:\"[a-zA-Z]+\\s+(.*)\\s+HTTP\"; "
			       "content:\"/z4d4kWk.jpg\"; startswith; endswith;",
			       RULE_BUFFER_HTTP_REQUEST_LINE, line));
	assert_false(match_text("http.request_line; pcrexform:\"[a-zA-Z]+\\s+(.*)\\s+HTTP\"; "
				"content:\"GET\";",
				RULE_BUFFER_HTTP_REQUEST_LINE, line));
	/* no match: the buffer stays as it was */
	assert_true(match_text("http.request_line; pcrexform:\"^POST (.*)\"; content:\"GET\";",
			       RULE_BUFFER_HTTP_REQUEST_LINE, line));
	parse_fails("http.uri; pcrexform:\"abc\"; content:\"a\";", "no capture group");
	parse_fails("http.uri; pcrexform:\"(abc\"; content:\"a\";", "bad regex");
	parse_fails("http.uri; pcrexform:\"(a\"b\"; content:\"a\";", "bad regex");
}

static void test_xor_and_digests(void **state)
{
	(void)state;
	/* "aabd" xor 01 02 01 02 */
	assert_true(match_str("xor:\"0102\"; content:\"|60 63 63 66|\";", "aabd"));
	assert_false(match_str("xor:\"0102\"; content:\"aabd\";", "aabd"));
	parse_fails("xor:\"012\"; content:\"a\";", "hex key");
	parse_fails("xor:\"zz\"; content:\"a\";", "not hex");
	/* sha1("abc") = a9993e36... */
	assert_true(
	    match_str("to_sha1; content:\"|a9 99 3e 36 47 06 81 6a|\"; startswith;", "abc"));
	/* sha256("abc") = ba7816bf... */
	assert_true(
	    match_str("to_sha256; content:\"|ba 78 16 bf|\"; startswith; bsize:32;", "abc"));
}

/* ---- views of one buffer --------------------------------------------- */

static void test_transform_after_content(void **state)
{
	(void)state;
	/* the content before from_base64 sees the raw uri, the one after the decoded text */
	const char *uri = "/?arg=dGhpc2lzYXRlc3QK";
	const char *rule = "content:\"/?arg=dGhpc2lzYXRlc3QK\"; from_base64: offset 6; "
			   "content:\"thisisatest\";";
	assert_true(match_uri(rule, uri));
	assert_false(match_uri(rule, "/?arg=dGhpc2lzYXRlc3QX"));
	/* the raw content is what the fast-pattern scan may use; the later one is not */
	struct rule *r = parse_ok("http.uri; content:\"/?arg=\"; from_base64: offset 6; "
				  "content:\"thisisatest\"; fast_pattern;");
	unsigned first = 0, second = 0;
	for (unsigned i = 0; i < r->option_count; i++) {
		if (strcmp(rule_keywords[r->options[i].keyword].name, "content") != 0)
			continue;
		if (!first)
			first = i + 1;
		else
			second = i + 1;
	}
	assert_true(first && second);
	assert_true(rule_option_sees_raw_view(r, first - 1));
	assert_false(rule_option_sees_raw_view(r, second - 1));
	assert_false(rule_has_transforms(r, RULE_BUFFER_HTTP_URI));
	rule_free(r);
}

/* ---- base64_decode / base64_data -------------------------------------- */

static void test_base64_decode_match(void **state)
{
	(void)state;
	/* "Zm9vYmFy" is "foobar" */
	assert_true(match_str("content:\"k=\"; base64_decode:relative; base64_data; "
			      "content:\"foobar\"; startswith;",
			      "x k=Zm9vYmFy"));
	assert_false(match_str("content:\"k=\"; base64_decode:relative; base64_data; "
			       "content:\"k=\";",
			       "x k=Zm9vYmFy"));
	/* bytes: only "Zm9v" decoded */
	assert_true(match_str("content:\"k=\"; base64_decode:bytes 4, relative; base64_data; "
			      "content:\"foo\"; bsize:3;",
			      "k=Zm9vYmFy"));
	/* offset without relative counts from the buffer's start */
	assert_true(
	    match_str("base64_decode:offset 2; base64_data; content:\"foobar\";", "k=Zm9vYmFy"));
	/* decoding stops at the first byte outside the alphabet (RFC 4648) */
	assert_false(
	    match_str("base64_decode:offset 2; base64_data; content:\"foobar\";", "k=Zm9v%YmFy"));
	/* nothing decoded: no match, even for an option that would hold on nothing */
	assert_false(match_str("content:\"k=\"; base64_decode:relative; base64_data; "
			       "isdataat:!1;",
			       "k=%%%%"));
	/* a relative content first after base64_data counts from the decoded start */
	assert_true(match_str("content:\"k=\"; base64_decode:relative; base64_data; "
			      "content:\"foo\"; within:3;",
			      "k=Zm9vYmFy"));
}

static void test_base64_decode_retries(void **state)
{
	(void)state;
	/* the first "k=" decodes to "abc", the second to "foobar": the content before
	 * base64_decode is tried again at its next occurrence */
	assert_true(match_str("content:\"k=\"; base64_decode:relative; base64_data; "
			      "content:\"foobar\"; startswith;",
			      "k=YWJj k=Zm9vYmFy"));
	struct rule *r = parse_ok("content:\"k=\"; base64_decode:relative; base64_data; "
				  "content:\"foobar\"; fast_pattern;");
	for (unsigned i = 0; i < r->option_count; i++) {
		const char *name = rule_keywords[r->options[i].keyword].name;
		bool raw = rule_option_sees_raw_view(r, i);
		if (strcmp(name, "content") == 0)
			assert_true(raw == (i == 0));
	}
	rule_free(r);
}

static void test_base64_parse(void **state)
{
	(void)state;
	rule_free(parse_ok("base64_decode; base64_data; content:\"a\";"));
	rule_free(parse_ok("base64_decode:bytes 10, offset 2, relative; base64_data;"));
	parse_fails("base64_data; content:\"a\";", "needs a base64_decode");
	parse_fails("base64_decode; http.uri; base64_data; content:\"a\";",
		    "needs a base64_decode");
	parse_fails("base64_decode:bytes 0; base64_data;", "bad value of \"base64_decode\"");
	parse_fails("base64_decode:size 3; base64_data;", "bad value of \"base64_decode\"");
	parse_fails("base64_decode:offset -1; base64_data;", "bad value of \"base64_decode\"");
}

static void test_base64_decoder(void **state)
{
	(void)state;
	uint8_t out[32];
	bool ok;
	assert_int_equal(
	    kw_base64_decode((const uint8_t *)"Zm9vYmFy", 8, KW_BASE64_RFC4648, out, &ok), 6);
	assert_memory_equal(out, "foobar", 6);
	assert_int_equal(
	    kw_base64_decode((const uint8_t *)"Zm9v\r\nYmFy", 10, KW_BASE64_RFC2045, out, &ok), 6);
	assert_int_equal(
	    kw_base64_decode((const uint8_t *)"Zm9v\r\nYmFy", 10, KW_BASE64_RFC4648, out, &ok), 3);
	assert_int_equal(
	    kw_base64_decode((const uint8_t *)"Zm9v\r\nYmFy", 10, KW_BASE64_STRICT, out, &ok), 0);
	assert_false(ok);
	assert_int_equal(kw_base64_decode((const uint8_t *)"", 0, KW_BASE64_STRICT, out, &ok), 0);
	assert_true(ok);
}

/* ---- absent --------------------------------------------------------- */

static void test_absent(void **state)
{
	(void)state;
	const int uri = RULE_BUFFER_HTTP_URI, referer = RULE_BUFFER_HTTP_REFERER;
	/* the unit carries a uri only: no Referer */
	assert_true(match_text("http.referer; absent;", uri, "/"));
	assert_false(match_text("http.referer; absent;", referer, "http://x/"));
	const char *or_else = "http.referer; absent: or_else; content:!\"example\";";
	assert_true(match_text(or_else, uri, "/"));
	assert_true(match_text(or_else, referer, "http://x/"));
	assert_false(match_text(or_else, referer, "http://example/"));
	const char *positive = "http.referer; absent:or_else; content:\"example\";";
	assert_true(match_text(positive, uri, "/"));
	assert_true(match_text(positive, referer, "http://example/"));
	assert_false(match_text(positive, referer, "http://x/"));
	/* nothing after absent finds the rule: its content may not be there at all */
	struct rule *r = parse_ok(positive);
	for (unsigned i = 0; i < r->option_count; i++)
		if (strcmp(rule_keywords[r->options[i].keyword].name, "content") == 0)
			assert_false(rule_option_sees_raw_view(r, i));
	/* it is checked on the protocol's units (its first buffer stands in) */
	assert_true((r->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI)) != 0);
	rule_free(r);
	parse_fails("absent;", "absent needs a sticky buffer");
	parse_fails("http.referer; absent:maybe;", "bad value of \"absent\"");
	parse_fails("http.referer; content:\"a\"; absent;", "absent must come first");
}

/* byte_test and byte_jump take offsets as large as Suricata's (32 bits signed) */
static void test_byte_large_offsets(void **state)
{
	(void)state;
	assert_false(match_str("byte_test:1,=,65,214748364;", "AAAA"));
	assert_false(match_str("byte_jump:1,2147483647;", "AAAA"));
	parse_fails("byte_test:1,=,65,2147483648;", "byte_test offset");
}

/* ---- asn1 ---------------------------------------------------------- */

static void test_asn1(void **state)
{
	(void)state;
	/* a BIT STRING claiming 8 unused bits, alone and inside a SEQUENCE */
	assert_true(match_bytes("asn1:bitstring_overflow;", "\x03\x02\x08\x00", 4));
	assert_false(match_bytes("asn1:bitstring_overflow;", "\x03\x02\x07\x00", 4));
	assert_true(match_bytes("asn1:bitstring_overflow;", "\x30\x04\x03\x02\x09\x00", 6));
	/* a length over the limit, even one the buffer cannot hold */
	assert_true(match_bytes("asn1:oversize_length 2048;", "\x04\x82\x10\x00\x41", 5));
	assert_false(match_bytes("asn1:oversize_length 4096;", "\x04\x82\x10\x00\x41", 5));
	assert_true(match_bytes("asn1:oversize_length 10;", "\x04\x85\x01\x02\x03\x04\x05", 7));
	/* offsets: from the start, or from the previous match */
	assert_true(
	    match_bytes("asn1:bitstring_overflow, absolute_offset 2;", "XX\x03\x02\x08\x00", 6));
	assert_false(match_bytes("asn1:bitstring_overflow;", "XX\x03\x02\x08\x00", 6));
	assert_true(match_bytes("content:\"XX\"; asn1:bitstring_overflow, relative_offset 0;",
				"XX\x03\x02\x08\x00", 6));
	/* a REAL in decimal form longer than 256 bytes */
	uint8_t real[4 + 300];
	memset(real, '1', sizeof(real));
	real[0] = 0x09, real[1] = 0x82, real[2] = 0x01, real[3] = 0x2c, real[4] = 0x01;
	assert_true(match_bytes("asn1:double_overflow;", real, sizeof(real)));
	real[4] = 0x80; /* binary form */
	assert_false(match_bytes("asn1:double_overflow;", real, sizeof(real)));
	parse_fails("asn1:relative_offset 4;", "bad value of \"asn1\"");
	parse_fails("asn1:bitstring_overflow, sideways;", "bad value of \"asn1\"");
	parse_fails("asn1:oversize_length;", "bad value of \"asn1\"");
	parse_fails("asn1:bitstring_overflow, absolute_offset 1, relative_offset 2;",
		    "bad value of \"asn1\"");
}

static int setup(void **state)
{
	(void)state;
	parser = rule_parser_create();
	return parser ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rule_parser_destroy(parser);
	return 0;
}

/* A pcre that gives up at its match limit fails, and says so in the counter the caller gives. */
static void test_pcre_limit_counted(void **state)
{
	(void)state;
	struct rule *rule = parse_ok("pcre:\"/^(\\w+\\s?)*$/\";");
	struct rule_match_ctx ctx;
	uint64_t limits = 0;
	uint8_t data[64];
	memset(&ctx, 0, sizeof(ctx));
	memset(data, 'a', sizeof(data));
	data[sizeof(data) - 1] = '!'; /* catastrophic backtracking before the miss */
	ctx.buffer[RULE_BUFFER_PKT_DATA] = data;
	ctx.buffer_len[RULE_BUFFER_PKT_DATA] = sizeof(data);
	ctx.pcre_limit_hits = &limits;
	assert_false(rule_match(rule, &ctx));
	assert_int_equal(limits, 1);
	/* a plain miss is not a limit */
	memset(data, '!', sizeof(data));
	assert_false(rule_match(rule, &ctx));
	assert_int_equal(limits, 1);
	rule_free(rule);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_content_plain),
	    cmocka_unit_test(test_content_hex_and_escapes),
	    cmocka_unit_test(test_content_negated),
	    cmocka_unit_test(test_content_nocase),
	    cmocka_unit_test(test_content_offset_depth),
	    cmocka_unit_test(test_content_distance_within),
	    cmocka_unit_test(test_content_backtracking),
	    cmocka_unit_test(test_content_startswith_endswith),
	    cmocka_unit_test(test_content_fast_pattern),
	    cmocka_unit_test(test_bsize),
	    cmocka_unit_test(test_absent_buffer),
	    cmocka_unit_test(test_transforms),
	    cmocka_unit_test(test_pcre_basic),
	    cmocka_unit_test(test_pcre_relative),
	    cmocka_unit_test(test_pcre_buffer_flags),
	    cmocka_unit_test(test_pcre_captures),
	    cmocka_unit_test(test_byte_test),
	    cmocka_unit_test(test_byte_test_string),
	    cmocka_unit_test(test_byte_test_string_any_length),
	    cmocka_unit_test(test_byte_jump),
	    cmocka_unit_test(test_byte_extract),
	    cmocka_unit_test(test_isdataat),
	    cmocka_unit_test(test_window_anchored_content),
	    cmocka_unit_test(test_window_absolute_checks),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_pcre_limit_counted),
	    cmocka_unit_test(test_from_base64_options),
	    cmocka_unit_test(test_from_base64_modes),
	    cmocka_unit_test(test_from_base64_parse),
	    cmocka_unit_test(test_pcrexform),
	    cmocka_unit_test(test_xor_and_digests),
	    cmocka_unit_test(test_transform_after_content),
	    cmocka_unit_test(test_base64_decode_match),
	    cmocka_unit_test(test_base64_decode_retries),
	    cmocka_unit_test(test_base64_parse),
	    cmocka_unit_test(test_base64_decoder),
	    cmocka_unit_test(test_absent),
	    cmocka_unit_test(test_byte_large_offsets),
	    cmocka_unit_test(test_asn1),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
