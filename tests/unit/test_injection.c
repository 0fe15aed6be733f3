/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the SQL-injection and XSS detectors (rules/match/injection_sql.c, injection_xss.c)
 * and their keywords sqli; and xss; (rules/keywords/kw_injection.c). Detector
 * cases are the shapes each rule of the detector exists for, and the
 * prose it must leave alone; keyword cases parse a rule with rule_parse()
 * and match it with rule_match() on a hand-set buffer. Inputs are heap
 * copies of exactly their length, so a sanitizer build catches any read
 * past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/match/injection.h"
#include "rules/match/match.h"
#include "rules/lang/parse.h"

static struct rule_parser *parser;

static bool sqli(const char *text)
{
	size_t n = strlen(text);
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, text, n);
	bool hit = injection_sqli(copy, (uint32_t)n);
	free(copy);
	return hit;
}

static bool xss(const char *text)
{
	size_t n = strlen(text);
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, text, n);
	bool hit = injection_xss(copy, (uint32_t)n);
	free(copy);
	return hit;
}

static void expect_sqli(const char *const *list, bool want)
{
	for (unsigned i = 0; list[i] != NULL; i++)
		if (sqli(list[i]) != want)
			fail_msg("sqli(\"%s\") should be %s", list[i], want ? "true" : "false");
}

static void expect_xss(const char *const *list, bool want)
{
	for (unsigned i = 0; list[i] != NULL; i++)
		if (xss(list[i]) != want)
			fail_msg("xss(\"%s\") should be %s", list[i], want ? "true" : "false");
}

static void test_sqli_attacks(void **state)
{
	(void)state;
	static const char *const attacks[] = {
	    /* implicit conversion: operator between the attacker's and the application's strings */
	    "A' | 'B",
	    "'^'",
	    "x' DIV 'y",
	    "id=1' - '",
	    "a' || 'b",
	    /* a signed first column */
	    "select -1,sin(1),2 from bar where",
	    "select -sin(@version),2 from bar",
	    "select ~(1)",
	    /* a number or server variable that cuts the query */
	    "1--",
	    "id=1 * 1 /*",
	    "@version --",
	    "-1#\r\nunion",
	    " ( 1 OR @a )  --",
	    " ( BINARY ( 1) )  --",
	    "((1) OR (1 OR 1))--",
	    " ( 'a' * 1 )  --",
	    "-10 order by 1/*",
	    "1' OR '1'='1",
	    "' or 1=1--",
	    "admin'--",
	    "admin'#",
	    "') or ('a'='a",
	    "\" or \"\"=\"",
	    "1 or 1=1",
	    "1 AND 1=2",
	    "-1 UNION SELECT 1,2,3",
	    "1 union all select null,null--",
	    "1/**/UNION/**/SELECT/**/password/**/FROM/**/users",
	    "1 /*!50000union*/ /*!50000select*/ 1,2",
	    "1; DROP TABLE users",
	    "1'; exec master..xp_cmdshell 'dir'--",
	    "1 and sleep(5)",
	    "1' and benchmark(5000000,md5(1))#",
	    "1; waitfor delay '0:0:5'--",
	    "ascii(substring(version() from 1 for 1))",
	    "1' and extractvalue(1,concat(0x7e,version()))--",
	    "id=5&q=1'+or+'1'='1",
	    "/item.php?id=1 and 1=1&x=2",
	    "{\"id\": \"1 or 1=1\"}",
	    "select * from users",
	    "x' having 1=1--",
	    "1 order by 5--",
	    "' and email ilike email--",
	    "1' into outfile '/tmp/x'--",
	    "@@version",
	    "1; exec(\'sel\'+\'ect 1\')",
	    "x\'; EXEC(@q)--",
	    "\'Execute(",
	    "1; set @x=1",
	    "id\'is not-id--",
	    NULL,
	};
	expect_sqli(attacks, true);
}

static void test_sqli_benign(void **state)
{
	(void)state;
	static const char *const benign[] = {
	    "",
	    /* not implicit conversion: another quote, more quotes, a closed string, prose */
	    "'-\"8",
	    "MISTERGLAS.DK'*''''''''",
	    "x='a' + 'b'",
	    "rock 'n' roll - 'live",
	    "select - the best one",
	    "please select -- any",
	    "555-1234 -- ask for Bob",
	    "3 # of items",
	    "\"great product\" --",
	    "(see above) --",
	    "-10 order by price",
	    "this or that",
	    "select a plan",
	    "O'Brien",
	    "Jones' and Smith",
	    "it's a dog's life",
	    "rock 'n' roll",
	    "Tom and Jerry = fun",
	    "price < 5 or price > 10",
	    "1 or 2",
	    "I sleep well",
	    "/index.php?page=2&sort=name",
	    "color='#fff'",
	    "BAMBOO CHARCOAL SOAP 1 '#",
	    "\"foo\" AND \"bar\"",
	    "necklace length 16\" or 18\"",
	    "call me maybe",
	    "shutdown",
	    "24-7-TEAM",
	    "order by phone",
	    "exec (",
	    "pay=;set @",
	    "id\'is notes",
	    NULL,
	};
	expect_sqli(benign, false);
}

static void test_xss_attacks(void **state)
{
	(void)state;
	static const char *const attacks[] = {
	    "<script>alert(1)</script>",
	    "<ScRiPt src=//x.y/z.js>",
	    "\"><img src=x onerror=alert(1)>",
	    "<svg/onload=alert(1)>",
	    "<body onload=alert(1)>",
	    "<a href=\"javascript:alert(1)\">x</a>",
	    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
	    "<a href=\"javascript&colon;alert(1)\">",
	    "<iframe src=\"data:text/html;base64,PHNjcmlwdD4=\">",
	    "<p style=\"background:url(javascript:alert(1))\">",
	    "<div style=\"width: expression(alert(1))\">",
	    "&lt;script&gt;alert(1)&lt;/script&gt;",
	    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
	    "x\" onmouseover=\"alert(1)",
	    "q=javascript:alert(document.cookie)",
	    "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script>",
	    "<?xml-stylesheet href=\"javascript:alert(1)\"?><root/>",
	    "<?xml-stylesheet type=\"text/xsl\" href=\"#\"?><x/>",
	    "<!DOCTYPE x SYSTEM \"http://evil/x.dtd\"><x>&x;</x>",
	    "<svg>",
	    "<?xml version=\"1.0\"?><svg onload=\"alert(1)\"></svg>",
	    "<?xml version=\"1.0\"?><svg><script>alert(1)</script></svg>",
	    NULL,
	};
	expect_xss(attacks, true);
}

static void test_xss_benign(void **state)
{
	(void)state;
	static const char *const benign[] = {
	    "",
	    "a < b and c > d",
	    "<b>bold</b> and <i>italic</i>",
	    "<a href=\"/home\">home</a>",
	    "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
	    "He said \"online\" twice",
	    "/search?q=javascript+tutorial",
	    "<?xml version=\"1.0\"?><root><a>1</a></root>",
	    "x <3 y",
	    "<?xml-stylesheet type=\"text/xsl\" href=\"style.xsl\"?>",
	    "image=<?xml version=\"1.0\"?><svg></svg>",
	    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" "
	    "\"http://www.w3.org/TR/xhtml1/DTD/x.dtd\">",
	    NULL,
	};
	expect_xss(benign, false);
}

/* Empty, long, binary: answered, never read past len, no false alarm on noise. */
static void test_edges(void **state)
{
	(void)state;
	assert_false(injection_sqli(NULL, 0));
	assert_false(injection_xss(NULL, 0));

	size_t n = 1 << 20;
	uint8_t *big = malloc(n);
	memset(big, 'a', n);
	assert_false(injection_sqli(big, (uint32_t)n));
	assert_false(injection_xss(big, (uint32_t)n));
	/* Quotes and '=' everywhere: the run bounds must hold. */
	for (size_t i = 0; i < n; i += 2)
		big[i] = (i / 2) % 3 == 0 ? '\'' : (i / 2) % 3 == 1 ? '=' : '"';
	(void)injection_sqli(big, (uint32_t)n);
	(void)injection_xss(big, (uint32_t)n);
	/* An injection at the end of a long benign buffer is still found. */
	memset(big, 'a', n);
	const char *tail = "&id=1' or '1'='1";
	memcpy(big + n - strlen(tail), tail, strlen(tail));
	assert_true(injection_sqli(big, (uint32_t)n));
	free(big);

	uint8_t bin[4096];
	uint32_t seed = 12345;
	for (size_t i = 0; i < sizeof(bin); i++) {
		seed = seed * 1103515245 + 12345;
		bin[i] = (uint8_t)(seed >> 16);
	}
	(void)injection_sqli(bin, sizeof(bin));
	(void)injection_xss(bin, sizeof(bin));
	/* Unterminated constructs at the very end. */
	assert_false(sqli("'"));
	assert_false(sqli("/*"));
	assert_false(sqli("/*!"));
	assert_false(xss("<"));
	assert_false(xss("&#"));
	assert_false(xss("<a href="));
}

/* ---- keywords -------------------------------------------------------- */

static struct rule *parse_rule(const char *options)
{
	char text[1024];
	snprintf(text, sizeof(text), "alert http any any -> any any (msg:\"t\"; %s sid:1;)",
		 options);
	return rule_parse(parser, text, "test.rules", 1);
}

static bool match_in(const char *options, int buffer, const char *payload)
{
	struct rule *rule = parse_rule(options);
	if (rule == NULL)
		fail_msg("rule refused: %s: %s", options, rule_parser_last_error(parser)->reason);
	struct rule_match_ctx ctx;
	size_t len = strlen(payload);
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, payload, len);
	memset(&ctx, 0, sizeof(ctx));
	ctx.buffer[buffer] = copy;
	ctx.buffer_len[buffer] = (uint32_t)len;
	bool hit = rule_match(rule, &ctx);
	free(copy);
	rule_free(rule);
	return hit;
}

static void test_keyword_parse(void **state)
{
	(void)state;
	struct rule *rule = parse_rule("http.uri; sqli;");
	assert_non_null(rule);
	rule_free(rule);
	rule = parse_rule("http.request_body; xss; http.cookie; sqli;");
	assert_non_null(rule);
	rule_free(rule);
	/* No value allowed. */
	assert_null(parse_rule("http.uri; sqli:1;"));
	assert_null(parse_rule("http.uri; xss:yes;"));
}

static void test_keyword_match(void **state)
{
	(void)state;
	assert_true(match_in("http.uri; sqli;", RULE_BUFFER_HTTP_URI, "/a?id=1' or '1'='1"));
	assert_false(match_in("http.uri; sqli;", RULE_BUFFER_HTTP_URI, "/a?id=42"));
	assert_true(match_in("http.request_body; xss;", RULE_BUFFER_HTTP_REQUEST_BODY,
			     "c=<script>alert(1)</script>"));
	assert_false(match_in("http.request_body; xss;", RULE_BUFFER_HTTP_REQUEST_BODY, "c=hello"));
	/* The keyword judges its own buffer only. */
	assert_false(match_in("http.cookie; sqli;", RULE_BUFFER_HTTP_URI, "/a?id=1 or 1=1"));
	assert_true(
	    match_in("mysql.query; sqli;", RULE_BUFFER_MYSQL_QUERY,
		     "SELECT * FROM t WHERE id = 1 UNION SELECT user,password FROM mysql.user"));
	/* With contents: the cursor is left alone, so a relative content still counts
	 * from the content before sqli. */
	assert_true(match_in("http.uri; content:\"id=\"; sqli; content:\"or\"; distance:0;",
			     RULE_BUFFER_HTTP_URI, "/a?id=1' or '1'='1"));
	assert_false(match_in("http.uri; content:\"id=\"; sqli; content:\"zz\"; distance:0;",
			      RULE_BUFFER_HTTP_URI, "/a?id=1' or '1'='1"));
	assert_false(match_in("http.uri; content:\"nope\"; sqli;", RULE_BUFFER_HTTP_URI,
			      "/a?id=1' or '1'='1"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sqli_attacks),  cmocka_unit_test(test_sqli_benign),
	    cmocka_unit_test(test_xss_attacks),	  cmocka_unit_test(test_xss_benign),
	    cmocka_unit_test(test_edges),	  cmocka_unit_test(test_keyword_parse),
	    cmocka_unit_test(test_keyword_match),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
