/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the path-traversal and file-access detector
 * (rules/match/injection_path.c), its keyword traversal;
 * (rules/keywords/kw_injection.c), and the default web ruleset
 * (rules/default/web.rules) on the decoding forms of issue 17 in every
 * place a parameter travels: the query (raw URI), a form body, a JSON
 * body, a multipart part and a cookie. Detector cases are attack variants
 * that must fire and benign look-alikes that must not; inputs are heap
 * copies of exactly their length, so a sanitizer build sees any overread.
 * Run from the repository root (the runner does): the ruleset is read
 * from rules/default/.
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
#include "rules/match/injection.h"
#include "rules/match/match.h"
#include "rules/match/web_decode.h"

static bool traversal(const char *text)
{
	size_t n = strlen(text);
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, text, n);
	bool hit = injection_traversal(copy, (uint32_t)n);
	free(copy);
	return hit;
}

static void expect_traversal(const char *const *list, bool want)
{
	for (unsigned i = 0; list[i] != NULL; i++)
		if (traversal(list[i]) != want)
			fail_msg("traversal(\"%s\") should be %s", list[i],
				 want ? "true" : "false");
}

static void test_steps(void **state)
{
	(void)state;
	static const char *const attacks[] = {
	    "/a?f=../../../x", /* three steps anywhere */
	    "f=../../x",       /* two at a value's start */
	    "/static/../../x", /* two after a path segment */
	    "{\"f\":\"../../../app/x\"}",
	    "f=..\\..\\..\\x",	     /* Windows separators */
	    "f=....//....//....//x", /* a filter that deletes "../" once */
	    "/a/..;/..;/WEB-INF/x",  /* Tomcat */
	    "f=..///..///..///x",
	    "f=./.././.././../x",
	    "f=x\"../etc/hosts", /* one step into a system directory */
	    "f=..\\windows\\win.ini",
	    "f=../tmp/sess_1",
	    "f=../../../../etc/passwd\0.png",
	    NULL,
	};
	static const char *const benign[] = {
	    "f=../images/logo.png",		  /* one step to an ordinary file */
	    "{\"import\":\"../../lib/util.js\"}", /* two, inside a string: code */
	    "a..b..c",
	    "version 1.2..1.4",
	    "wait...",
	    "f=..",
	    "...and so on",
	    NULL,
	};
	expect_traversal(attacks, true);
	expect_traversal(benign, false);
}

static void test_sensitive_files(void **state)
{
	(void)state;
	static const char *const attacks[] = {
	    "/etc/passwd",
	    "f=/etc/apache2/apache2.conf",
	    "f=/ETC/SHADOW",
	    "f=/etc//./passwd",
	    "f=/proc/self/environ",
	    "/proc/self/cmdline",
	    "f=/proc/1234/maps",
	    "f=/sys/class/net/eth0/address",
	    "f=/var/log/nginx/access.log",
	    "f=/var/run/secrets/kubernetes.io/serviceaccount/token",
	    "f=C:\\xampp\\apache\\conf\\httpd.conf",
	    "f=c:/windows/win.ini",
	    "f=C:\\boot.ini",
	    "f=C:\\inetpub\\wwwroot\\web.config",
	    "f=C:\\Windows\\System32\\config\\SAM",
	    "f=D:\\wamp\\bin\\apache\\conf\\httpd.conf",
	    "/.git/config",
	    "/.env",
	    "/.env.production",
	    "/app/.htpasswd",
	    "/WEB-INF/web.xml",
	    "f=file:///etc/passwd",
	    "u=http://169.254.169.254/latest/meta-data/iam/",
	    "u=http://metadata.google.internal/computeMetadata/v1/",
	    "f=/root/.ssh/id_rsa",
	    "f=/home/u/.aws/credentials",
	    "f=/var/www/html/wp-config.php",
	    NULL,
	};
	static const char *const benign[] = {
	    "/home/index.html", /* the web root is no file-system root */
	    "/tmp/report.pdf",
	    "f=/home/",
	    "f=/tmp",
	    "next=/windows/downloads",
	    "f=C:\\Windows\\System32\\notepad.exe", /* a system directory, no secret */
	    "f=C:\\Users\\Public\\Documents\\a.docx",
	    "/docs/etc/readme.txt",
	    "t=.env.example is in the repo",
	    "t=my_id_rsa_notes",
	    "t=/var/www is the document root",
	    "<?xml version=\"1.0\"?><root><a>x</a></root>", /* "</root>" */
	    "/etc/passwords-guide.html",
	    "/blog/proc/index.html",
	    "q=syslog",
	    NULL,
	};
	expect_traversal(attacks, true);
	expect_traversal(benign, false);
}

static void test_edges(void **state)
{
	(void)state;
	assert_false(injection_traversal(NULL, 0));
	size_t n = 1 << 20;
	uint8_t *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = "./\\.=e"[i % 6];
	(void)injection_traversal(big, (uint32_t)n);
	memset(big, '/', n);
	assert_false(injection_traversal(big, (uint32_t)n));
	memset(big, '.', n);
	assert_false(injection_traversal(big, (uint32_t)n));
	const char *tail = "=/etc/shadow";
	memset(big, 'a', n);
	memcpy(big + n - strlen(tail), tail, strlen(tail));
	assert_true(injection_traversal(big, (uint32_t)n));
	free(big);
	assert_false(traversal("."));
	assert_false(traversal(".."));
	assert_true(traversal("../../../"));
	assert_false(traversal("/etc"));
	assert_true(traversal("/etc/passwd"));
}

/* ---- the keyword and the default ruleset ------------------------------ */

static struct rule_parser *parser;
static struct rule_list web_rules;

static struct rule *parse_rule(const char *options)
{
	char text[1024];
	snprintf(text, sizeof(text), "alert http any any -> any any (msg:\"t\"; %s sid:1;)",
		 options);
	return rule_parse(parser, text, "test.rules", 1);
}

static void test_keyword(void **state)
{
	(void)state;
	struct rule *rule = parse_rule("http.uri.raw; web_decode; traversal;");
	assert_non_null(rule);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	const char *raw = "/a?f=%252e%252e%252f%252e%252e%252fetc%252fpasswd";
	ctx.buffer[RULE_BUFFER_HTTP_URI_RAW] = (const uint8_t *)raw;
	ctx.buffer_len[RULE_BUFFER_HTTP_URI_RAW] = (uint32_t)strlen(raw);
	assert_true(rule_match(rule, &ctx));
	/* Without the transform the detector sees escapes, not steps. */
	rule_free(rule);
	rule = parse_rule("http.uri.raw; traversal;");
	assert_non_null(rule);
	assert_false(rule_match(rule, &ctx));
	rule_free(rule);
	assert_null(parse_rule("http.uri; traversal:1;"));
}

/* A place a parameter travels in, and the buffers it fills. */
enum place { PLACE_QUERY, PLACE_FORM, PLACE_JSON, PLACE_MULTIPART, PLACE_COOKIE, PLACE_COUNT };
static const char *const place_name[] = {"query", "form", "json", "multipart", "cookie"};

/* True when any rule of web.rules fires on a request carrying value (as written) in place. */
static bool web_rules_fire(enum place place, const char *value, unsigned *sid)
{
	char buf[2048];
	unsigned b = RULE_BUFFER_HTTP_REQUEST_BODY;
	switch (place) {
	case PLACE_QUERY:
		snprintf(buf, sizeof(buf), "/search?q=%s", value);
		b = RULE_BUFFER_HTTP_URI_RAW;
		break;
	case PLACE_FORM:
		snprintf(buf, sizeof(buf), "a=1&q=%s", value);
		break;
	case PLACE_JSON:
		snprintf(buf, sizeof(buf), "{\"a\":1,\"q\":\"%s\"}", value);
		break;
	case PLACE_MULTIPART:
		snprintf(
		    buf, sizeof(buf),
		    "--b0\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n%s\r\n--b0--\r\n",
		    value);
		break;
	default:
		snprintf(buf, sizeof(buf), "sid=1; q=%s", value);
		b = RULE_BUFFER_HTTP_COOKIE;
		break;
	}
	size_t n = strlen(buf);
	uint8_t *copy = malloc(n);
	memcpy(copy, buf, n);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.flow = RULE_MATCH_TO_SERVER | RULE_MATCH_ESTABLISHED | RULE_MATCH_HAS_FLOW;
	ctx.app_proto = RULE_PROTO_HTTP;
	ctx.buffer[b] = copy;
	ctx.buffer_len[b] = (uint32_t)n;
	/* http.uri as the HTTP parser fills it: the raw target decoded once. */
	uint8_t *uri = NULL;
	if (b == RULE_BUFFER_HTTP_URI_RAW) {
		uri = malloc(n);
		memcpy(uri, buf, n);
		uint32_t len = (uint32_t)n;
		web_decode(uri, &len); /* more than once: the rules decode again anyway */
		ctx.buffer[RULE_BUFFER_HTTP_URI] = uri;
		ctx.buffer_len[RULE_BUFFER_HTTP_URI] = len;
	}
	bool hit = false;
	for (unsigned i = 0; i < web_rules.count && !hit; i++)
		if (rule_match(web_rules.rules[i], &ctx)) {
			hit = true;
			*sid = web_rules.rules[i]->sid;
		}
	free(uri);
	free(copy);
	return hit;
}

static void expect_everywhere(const char *const *values, bool want)
{
	for (unsigned i = 0; values[i] != NULL; i++)
		for (enum place p = 0; p < PLACE_COUNT; p++) {
			unsigned sid = 0;
			if (web_rules_fire(p, values[i], &sid) != want)
				fail_msg("web.rules on \"%s\" in the %s: %s (sid %u)", values[i],
					 place_name[p], want ? "no alert" : "alert", sid);
		}
}

/* Every decoding form of issue 17, in every place. */
static void test_default_rules_decoding(void **state)
{
	(void)state;
	static const char *const attacks[] = {
	    /* percent, repeated and malformed */
	    "..%2f..%2f..%2fetc%2fpasswd",
	    "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
	    "%25252e%25252e%25252f%25252e%25252e%25252fboot.ini",
	    "%%32%65%%32%65%%32%66%%32%65%%32%65%%32%66etc%%32%66shadow",
	    /* overlong UTF-8 */
	    "..%c0%af..%c0%af..%c0%afetc%c0%afpasswd",
	    "..%c1%9c..%c1%9c..%c1%9cwindows%c1%9cwin.ini",
	    "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afhosts",
	    /* %u forms */
	    "..%u2215..%u2215..%u2215etc%u2215passwd",
	    "..%u2216..%u2216windows%u2216win.ini",
	    "%uff0e%uff0e%uff0f%uff0e%uff0e%uff0fetc%uff0fpasswd",
	    /* HTML references */
	    "..&sol;..&sol;..&sol;etc&sol;passwd",
	    "&#46;&#46;&#47;&#46;&#46;&#47;etc&#47;passwd",
	    "&#x2e;&#x2e;&#x2f;&#x2e;&#x2e;&#x2f;proc&#x2f;self&#x2f;environ",
	    /* JSON escapes */
	    "\\u002e\\u002e\\u002f\\u002e\\u002e\\u002fetc\\u002fpasswd",
	    /* backslashes and NUL */
	    "..%5c..%5c..%5cboot.ini",
	    "..%2f..%2f..%2fetc%2fpasswd%00.png",
	    /* sensitive files without traversal */
	    "%2fetc%2fapache2%2fapache2.conf",
	    "C:%5cxampp%5capache%5cconf%5chttpd.conf",
	    "%2fproc%2fself%2fenviron",
	    /* the other classes through the same decoding */
	    "alert&lpar;1&rpar;",
	    "&#x3c;script&#x3e;alert(1)&#x3c;/script&#x3e;",
	    "%253Cscript%253Ealert(1)%253C%252Fscript%253E",
	    "%27%20or%20%271%27%3D%271",
	    "1)%20ORDER%20BY%2010--",
	    "1%3B%20WAITFOR%20DELAY%20%270%3A0%3A5%27--",
	    "%26%20net%20user",
	    "x%0aid",
	    "%3Bcat%24%7BIFS%7D%2Fetc%2Fpasswd",
	    NULL,
	};
	static const char *const benign[] = {
	    "caf%C3%A9%20cr%C3%A8me",
	    "%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82",
	    "0xabad1dea",
	    "1.7976931348623157e308",
	    "-9223372036854775808",
	    "Tom%20%26amp%3B%20Jerry",
	    "..%2Fimages%2Flogo.png",
	    "%2Fhome%2Findex.html",
	    "Order%20of%20the%20day",
	    "R%5Cu00e9sum%5Cu00e9",
	    NULL,
	};
	expect_everywhere(attacks, true);
	expect_everywhere(benign, false);
}

static int setup(void **state)
{
	(void)state;
	parser = rule_parser_create();
	if (parser == NULL)
		return -1;
	if (rule_parser_load_file(parser, "rules/default/web.rules", &web_rules) < 0)
		return -1;
	return web_rules.count > 0 && web_rules.error_count == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rule_list_clear(&web_rules);
	rule_parser_destroy(parser);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steps),
	    cmocka_unit_test(test_sensitive_files),
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_keyword),
	    cmocka_unit_test(test_default_rules_decoding),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
