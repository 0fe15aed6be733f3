/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the compiled ruleset's candidate lookup (rules/compile/ruleset.c):
 * rule text compiled with ruleset_build(), one buffer scanned with
 * ruleset_scan(), the candidates taken, and rule_match() run on them as the
 * inspect stage would. They assert that a fast pattern is searched in the
 * buffer as the rule sees it, after its transforms (url_decode, dotprefix,
 * to_lowercase, ...), and that pcre-only rules are candidates through a
 * Hyperscan prefilter only when their regex can match, while a regex
 * Hyperscan refuses keeps its rule checked on every buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/match/match.h"
#include "rules/ruleset.h"

struct fixture {
	struct ruleset *rs;
	struct ruleset_scratch *scratch;
	struct ruleset_report report;
};

static void fixture_up_cached(struct fixture *fx, const char *rules, const char *cache_dir)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/vigil-test-ruleset-%d.rules", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(rules, f);
	fclose(f);
	const char *files[] = {path};
	struct ruleset_options o = {.files = files, .file_count = 1, .cache_dir = cache_dir};
	char err[256];
	memset(fx, 0, sizeof(*fx));
	assert_int_equal(ruleset_build(&o, &fx->rs, &fx->report, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(fx->report.error_count, 0);
	assert_int_equal(ruleset_scratch_create(fx->rs, &fx->scratch), 0);
}

static void fixture_up(struct fixture *fx, const char *rules)
{
	fixture_up_cached(fx, rules, NULL);
}

static void fixture_down(struct fixture *fx)
{
	ruleset_scratch_free(fx->scratch);
	ruleset_report_clear(&fx->report);
	ruleset_free(fx->rs);
}

/* The ruleset index of the rule with sid. */
static unsigned rule_index(const struct fixture *fx, uint32_t sid)
{
	for (unsigned i = 0; i < ruleset_rule_count(fx->rs); i++)
		if (ruleset_rule(fx->rs, i)->sid == sid)
			return i;
	fail_msg("no rule with sid %u", sid);
	return 0;
}

/*
 * Scan text as buffer (to the server), then: 1 when sid is a candidate and
 * matches, 0 when it is not a candidate, -1 when a candidate that does not match.
 */
static int scan(struct fixture *fx, int buffer, const char *text, uint32_t sid)
{
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.buffer[buffer] = (const uint8_t *)text;
	ctx.buffer_len[buffer] = (uint32_t)strlen(text);
	ctx.flow = RULE_MATCH_TO_SERVER | RULE_MATCH_ESTABLISHED | RULE_MATCH_HAS_FLOW;
	ctx.app_proto = -1;
	ruleset_scan(fx->rs, fx->scratch, buffer, RULESET_TO_SERVER, ctx.buffer[buffer],
		     ctx.buffer_len[buffer], 0);
	const uint32_t *candidates;
	unsigned n = ruleset_candidates_take(fx->scratch, &candidates);
	unsigned want = rule_index(fx, sid);
	for (unsigned i = 0; i < n; i++)
		if (candidates[i] == want)
			return rule_match(ruleset_rule(fx->rs, want), &ctx) ? 1 : -1;
	return 0;
}

static const char transform_rules[] =
    "alert http any any -> any any (msg:\"paren\"; flow:to_server; http.uri; url_decode; "
    "content:\"(x\"; sid:1;)\n"
    "alert dns any any -> any any (msg:\"evil\"; dns.query; dotprefix; "
    "content:\".evil.com\"; endswith; sid:2;)\n"
    "alert http any any -> any any (msg:\"lower\"; flow:to_server; http.uri; to_lowercase; "
    "content:\"select\"; sid:3;)\n"
    "alert http any any -> any any (msg:\"blank\"; flow:to_server; http.uri; "
    "strip_whitespace; content:\"a=b\"; sid:4;)\n"
    "alert http any any -> any any (msg:\"raw\"; flow:to_server; http.uri; "
    "content:\"(x\"; sid:5;)\n"
    "alert http any any -> any any (msg:\"b64\"; flow:to_server; http.uri; from_base64; "
    "content:\"secret\"; sid:6;)\n";

/* The fast pattern is looked for in the transformed buffer, not the raw one. */
static void test_fast_pattern_after_transforms(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_up(&fx, transform_rules);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/a?q=%28x", 1), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/a?q=(x", 1), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/a?q=%28y", 1), 0);
	assert_int_equal(scan(&fx, RULE_BUFFER_DNS_QUERY, "evil.com", 2), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_DNS_QUERY, "www.evil.com", 2), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_DNS_QUERY, "notevil.com", 2), 0);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?id=1 UNION SELECT", 3), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?a = b", 4), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "c2VjcmV0", 6), 1);
	/* the same pattern without a transform still sees raw bytes only */
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/a?q=%28x", 5), 0);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/a?q=(x", 5), 1);
	fixture_down(&fx);
}

static const char pcre_rules[] =
    "alert http any any -> any any (msg:\"union\"; flow:to_server; http.uri; "
    "pcre:\"/union\\s+select/i\"; sid:10;)\n"
    "alert http any any -> any any (msg:\"backref\"; flow:to_server; http.uri; "
    "pcre:\"/(ab)c\\1/\"; sid:11;)\n"
    "alert http any any -> any any (msg:\"empty\"; flow:to_server; http.uri; "
    "pcre:\"/x*/\"; sid:12;)\n"
    "alert http any any -> any any (msg:\"decoded\"; flow:to_server; http.uri; url_decode; "
    "pcre:\"/<script/i\"; sid:13;)\n"
    "alert http any any -> any any (msg:\"relative\"; flow:to_server; http.uri; "
    "content:\"/q\"; pcre:\"/^=\\d+/R\"; sid:14;)\n"
    "alert http any any -> any any (msg:\"literal beside prefilters\"; flow:to_server; "
    "http.uri; content:\"a(B*\"; nocase; sid:15;)\n"
    "alert http any any -> any any (msg:\"bounded\"; flow:to_server; http.uri; "
    "pcre:\"/ab{2,12}c/\"; sid:16;)\n"
    "alert http any any -> any any (msg:\"brace in class\"; flow:to_server; http.uri; "
    "pcre:\"/=[{1,40}]x/\"; sid:17;)\n"
    "alert http any any -> any any (msg:\"quoted brace\"; flow:to_server; http.uri; "
    "pcre:\"/=\\Q{1,40}\\E/\"; sid:18;)\n"
    "alert http any any -> any any (msg:\"posix class\"; flow:to_server; http.uri; "
    "pcre:\"/=[[:alpha:]{1,40}]x/\"; sid:19;)\n";

/* pcre-only rules are candidates through their prefilter, refused ones always. */
static void test_pcre_prefilter(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_up(&fx, pcre_rules);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?id=1 UNION  SELECT", 10), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/index.html", 10), 0);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/abcab", 11), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/index.html", 11), 0);
	/* a regex that matches the empty string is refused: checked on every buffer */
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/index.html", 12), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/%3CScript%3E", 13), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/script", 13), 0);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/x/q=12", 14), 1);
	/* literals compiled as regexes beside the prefilters keep bytes and case rules */
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/A(b*", 15), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/ab*", 15), 0);
	/* large bounded repeats are opened in the prefilter, nowhere else */
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/abbc", 16), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/ac", 16), 0);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?a=4x", 17), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?a={1,40}", 18), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?a=1", 18), 0);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?a=4x", 19), 1);
	assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?a=qx", 19), 1);
	assert_true(fx.report.patterns >= 4);
	fixture_down(&fx);
}

/* Transformed groups and prefilters come back from the on-disk cache. */
static void test_cache_round_trip(void **state)
{
	(void)state;
	char dir[] = "/tmp/vigil-test-ruleset-cache-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char both[sizeof(transform_rules) + sizeof(pcre_rules)];
	snprintf(both, sizeof(both), "%s%s", transform_rules, pcre_rules);
	for (int round = 0; round < 2; round++) {
		struct fixture fx;
		fixture_up_cached(&fx, both, dir);
		assert_int_equal(fx.report.cache_hit, round == 1);
		assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/a?q=%28x", 1), 1);
		assert_int_equal(scan(&fx, RULE_BUFFER_DNS_QUERY, "evil.com", 2), 1);
		assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/?id=1 UNION  SELECT", 10), 1);
		assert_int_equal(scan(&fx, RULE_BUFFER_HTTP_URI, "/index.html", 10), 0);
		fixture_down(&fx);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The buffers read together with each buffer: what a unit carrying it again must scan for. */
static void test_buffers_with(void **state)
{
	(void)state;
	struct fixture fx;
	fixture_up(&fx, "alert http any any -> any any (msg:\"u\"; flow:to_server; http.uri; "
			"content:\"/a\"; sid:20;)\n"
			"alert http any any -> any any (msg:\"mu\"; flow:to_server; http.method; "
			"content:\"POST\"; http.uri; content:\"/b\"; sid:21;)\n"
			"alert http any any -> any any (msg:\"c\"; flow:to_server; http.cookie; "
			"content:\"c\"; sid:22;)\n");
	rule_buffer_mask uri_method =
	    RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI) | RULE_BUFFER_BIT(RULE_BUFFER_HTTP_METHOD);
	assert_true(ruleset_buffers_with(fx.rs, RULE_BUFFER_HTTP_URI) == uri_method);
	assert_true(ruleset_buffers_with(fx.rs, RULE_BUFFER_HTTP_METHOD) == uri_method);
	assert_true(ruleset_buffers_with(fx.rs, RULE_BUFFER_HTTP_COOKIE) ==
		    RULE_BUFFER_BIT(RULE_BUFFER_HTTP_COOKIE));
	assert_true(ruleset_buffers_with(fx.rs, RULE_BUFFER_HTTP_USER_AGENT) == 0);
	fixture_down(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fast_pattern_after_transforms),
	    cmocka_unit_test(test_pcre_prefilter),
	    cmocka_unit_test(test_cache_round_trip),
	    cmocka_unit_test(test_buffers_with),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
