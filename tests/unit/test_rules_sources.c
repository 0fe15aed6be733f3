/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/rules_sources.c: the filter files' matchers (sid,
 * gid:sid, gid:sid:rev, lists, group with and without .rules and globs,
 * filename, re:, metadata, *), bad lines refused with file:line: reason,
 * the order disable / enable / drop / modify, modify's back-references,
 * disabled rules in a source, duplicates (highest rev), the merged file,
 * the diff (added, removed, changed) and the sources file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control/rules_sources.h"

static char why[1024];

static const char dos_rules[] =
    "# a comment, not a rule\n"
    "alert tcp any any -> any 80 (msg:\"dos one\"; content:\"a\"; "
    "metadata: deployment perimeter, signature_severity Major; sid:2000001; rev:2;)\n"
    "alert tcp any any -> any 80 (msg:\"dos two\"; content:\"b\"; sid:2000002; rev:1;)\n"
    "# alert tcp any any -> any 80 (msg:\"dos three, off\"; content:\"c\"; sid:2000003; rev:1;)\n";

static const char web_rules[] =
    "alert http any any -> any any (msg:\"Heartbleed probe\"; content:\"x\"; sid:2100001; "
    "rev:1;)\n"
    "alert http any any -> any any (msg:\"web seconds\"; threshold: type limit, track by_src, "
    "count 1, seconds 60; content:\"y\"; sid:2100002; rev:3;)\n"
    "alert http any any -> any any (msg:\"set only\"; flowbits:noalert; content:\"z\"; "
    "sid:2100003; rev:1;)\n"
    "alert http any any -> any any (msg:\"no sid here\"; content:\"w\";)\n"
    /* quotes inside a value do not hide the options after it (ET Open 2029732) */
    "alert http any any -> any any (msg:\"q\"; pcre:\"/^[\"']?post/Ri\"; content:\"a\\;b\"; "
    "sid:2100004; rev:2;)\n";

static struct rules_source_rule *find(struct rules_set *set, uint32_t sid)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->rules[i].sid == sid)
			return &set->rules[i];
	return NULL;
}

static void load(struct rules_set *set)
{
	*set = (struct rules_set){0};
	assert_int_equal(
	    rules_set_add_file(set, "rules/emerging-dos.rules", dos_rules, strlen(dos_rules)), 0);
	assert_int_equal(
	    rules_set_add_file(set, "rules/emerging-web.rules", web_rules, strlen(web_rules)), 0);
}

static int parse(struct rules_conf *conf, enum rules_conf_kind kind, const char *text)
{
	*conf = (struct rules_conf){0};
	why[0] = '\0';
	int rc = rules_conf_parse(conf, kind, "t.conf", text, strlen(text), why, sizeof(why));
	if (rc < 0)
		rules_conf_free(conf);
	return rc;
}

/* Apply one filter file of kind to a fresh set. */
static void apply_one(struct rules_set *set, enum rules_conf_kind kind, const char *text,
		      struct rules_apply_report *report)
{
	struct rules_conf conf;
	load(set);
	assert_int_equal(parse(&conf, kind, text), 0);
	const struct rules_conf *confs[RULES_CONF_KINDS] = {0};
	confs[kind] = &conf;
	assert_int_equal(rules_set_apply(set, confs, report), 0);
	rules_conf_free(&conf);
}

static void test_read_rules(void **state)
{
	(void)state;
	struct rules_set set;
	load(&set);
	assert_int_equal(set.count, 7);
	assert_int_equal(set.skipped, 1); /* the rule without a sid */
	assert_int_equal(find(&set, 2100004)->rev, 2);
	struct rules_source_rule *r = find(&set, 2000001);
	assert_non_null(r);
	assert_true(r->enabled);
	assert_int_equal(r->gid, 1);
	assert_int_equal(r->rev, 2);
	assert_string_equal(r->group, "emerging-dos.rules");
	assert_string_equal(r->filename, "rules/emerging-dos.rules");
	assert_non_null(strstr(r->metadata, "deployment perimeter"));
	r = find(&set, 2000003);
	assert_non_null(r);
	assert_false(r->enabled);
	assert_int_equal(strncmp(r->text, "alert tcp", 9), 0);
	assert_true(find(&set, 2100003)->noalert);
	rules_set_free(&set);
}

static void test_matchers(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		uint32_t disabled[8];
	} cases[] = {
	    {"2000001\n", {2000001}},
	    {"1:2000002\n", {2000002}},
	    {"1:2000001:2\n", {2000001}},
	    {"1:2000001:1\n", {0}}, /* other rev */
	    {"3:2000001\n", {0}},   /* other gid */
	    {"2000001, 1:2100001\n", {2000001, 2100001}},
	    {"group:emerging-dos.rules\n", {2000001, 2000002}},
	    {"group:emerging-dos\n", {2000001, 2000002}},
	    {"emerging-web.rules\n", {2100001, 2100002, 2100003, 2100004}},
	    {"group:emerging-w*\n", {2100001, 2100002, 2100003, 2100004}},
	    {"filename:rules/emerging-dos.rules\n", {2000001, 2000002}},
	    {"filename:emerging-dos.rules\n", {0}}, /* the path as the archive has it */
	    {"re:heartBLEED\n", {2100001}},
	    {"re:seconds \\d+\n", {2100002}},
	    {"metadata: Deployment PERIMETER\n", {2000001}},
	    {"metadata: deployment datacenter\n", {0}},
	    {"  # comment\n\n*\n", {2000001, 2000002, 2100001, 2100002, 2100003, 2100004}},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct rules_set set;
		struct rules_apply_report report;
		apply_one(&set, RULES_CONF_DISABLE, cases[c].line, &report);
		size_t want = 0;
		for (; want < 8 && cases[c].disabled[want]; want++)
			assert_false(find(&set, cases[c].disabled[want])->enabled);
		if (report.disabled != want)
			fail_msg("%s: %zu disabled, want %zu", cases[c].line, report.disabled,
				 want);
		rules_set_free(&set);
	}
}

static void test_bad_lines(void **state)
{
	(void)state;
	static const struct {
		enum rules_conf_kind kind;
		const char *text, *error;
	} cases[] = {
	    {RULES_CONF_DISABLE, "2000001\nsid:2000001\n",
	     "t.conf:2: \"sid:2000001\" is not a matcher"},
	    {RULES_CONF_DISABLE, "12ab\n", "t.conf:1: \"12ab\" is not a sid"},
	    {RULES_CONF_DISABLE, "1:2:3:4\n", "t.conf:1: \"1:2:3:4\" is not a sid"},
	    {RULES_CONF_DISABLE, "99999999999\n", "t.conf:1: \"99999999999\" is not a sid"},
	    {RULES_CONF_ENABLE, "\n\nre:(unclosed\n", "t.conf:3: regex \"(unclosed\""},
	    {RULES_CONF_DROP, "metadata: lonely\n", "t.conf:1: metadata wants a key and a value"},
	    {RULES_CONF_DROP, "group:\n", "t.conf:1: empty group pattern"},
	    {RULES_CONF_MODIFY, "2000001 \"a\"\n", "t.conf:1: want MATCHER"},
	    {RULES_CONF_MODIFY, "2000001 \"a\" \"b\n", "t.conf:1: unterminated quote"},
	    {RULES_CONF_MODIFY, "bogus \"a\" \"b\"\n", "t.conf:1: \"bogus\" is not a matcher"},
	    {RULES_CONF_MODIFY, "2000001 \"(a\" \"b\"\n", "t.conf:1: regex \"(a\""},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct rules_conf conf;
		assert_int_equal(parse(&conf, cases[c].kind, cases[c].text), -EINVAL);
		if (strncmp(why, cases[c].error, strlen(cases[c].error)) != 0)
			fail_msg("got \"%s\", want \"%s...\"", why, cases[c].error);
	}
}

static void test_enable_wins_and_drop(void **state)
{
	(void)state;
	struct rules_set set;
	struct rules_conf disable, enable, drop;
	load(&set);
	assert_int_equal(parse(&disable, RULES_CONF_DISABLE, "group:emerging-dos\n"), 0);
	assert_int_equal(parse(&enable, RULES_CONF_ENABLE, "2000002\n2000003\n"), 0);
	assert_int_equal(parse(&drop, RULES_CONF_DROP, "emerging-web.rules\n"), 0);
	const struct rules_conf *confs[RULES_CONF_KINDS] = {[RULES_CONF_DISABLE] = &disable,
							    [RULES_CONF_ENABLE] = &enable,
							    [RULES_CONF_DROP] = &drop};
	struct rules_apply_report report;
	assert_int_equal(rules_set_apply(&set, confs, &report), 0);
	assert_false(find(&set, 2000001)->enabled);
	assert_true(find(&set, 2000002)->enabled); /* enable wins over the group's disable */
	assert_true(find(&set, 2000003)->enabled); /* a rule disabled in its source, enabled */
	assert_int_equal(report.disabled, 2);
	assert_int_equal(report.enabled, 2);
	assert_int_equal(strncmp(find(&set, 2100001)->text, "drop http any", 13), 0);
	assert_int_equal(strncmp(find(&set, 2100003)->text, "alert http", 10), 0); /* noalert */
	assert_int_equal(report.dropped, 3);
	rules_conf_free(&disable);
	rules_conf_free(&enable);
	rules_conf_free(&drop);
	rules_set_free(&set);
}

static void test_modify(void **state)
{
	(void)state;
	struct rules_set set;
	struct rules_apply_report report;
	apply_one(&set, RULES_CONF_MODIFY,
		  "2100002 \"seconds \\d+\" \"seconds 3600\"\n"
		  "re:heartbleed \"(alert)(.*)rev:1;\" \"drop\\\\2rev:9;\"\n"
		  "modifysid 2000001 \"dos (one)\" | \"dos ${1} changed\"\n"
		  "2000002 \"sid:2000002\" \"xid:5\"\n" /* would lose the sid: left out */
		  "2000002 \"dos two\" \"dos $two\"\n", /* $ without a group: itself */
		  &report);
	assert_non_null(strstr(find(&set, 2100002)->text, "seconds 3600;"));
	struct rules_source_rule *r = find(&set, 2100001);
	assert_int_equal(strncmp(r->text, "drop http", 9), 0);
	assert_int_equal(r->rev, 9);
	assert_non_null(strstr(find(&set, 2000001)->text, "msg:\"dos one changed\""));
	assert_non_null(
	    strstr(find(&set, 2000002)->text, "msg:\"dos $two\"; content:\"b\"; sid:2000002"));
	assert_int_equal(report.modified, 4);
	assert_int_equal(report.modify_failed, 1);
	rules_set_free(&set);
}

static void test_duplicates_and_render(void **state)
{
	(void)state;
	struct rules_set set = {0};
	static const char a[] = "alert tcp any any -> any any (msg:\"new\"; sid:7; rev:3;)\n"
				"alert tcp any any -> any any (msg:\"b\"; sid:5; rev:1;)\n";
	static const char b[] = "alert tcp any any -> any any (msg:\"old\"; sid:7; rev:2;)\n"
				"# alert tcp any any -> any any (msg:\"off\"; sid:6; rev:1;)\n";
	assert_int_equal(rules_set_add_file(&set, "a.rules", a, strlen(a)), 0);
	assert_int_equal(rules_set_add_file(&set, "b.rules", b, strlen(b)), 0);
	size_t len;
	char *text = rules_set_render(&set, &len);
	assert_non_null(text);
	assert_string_equal(text, "alert tcp any any -> any any (msg:\"b\"; sid:5; rev:1;)\n"
				  "# alert tcp any any -> any any (msg:\"off\"; sid:6; rev:1;)\n"
				  "alert tcp any any -> any any (msg:\"new\"; sid:7; rev:3;)\n");
	assert_int_equal(len, strlen(text));
	free(text);
	rules_set_free(&set);
}

static void test_diff(void **state)
{
	(void)state;
	static const char old_text[] =
	    "alert tcp any any -> any any (msg:\"keep\"; sid:1; rev:1;)\n"
	    "alert tcp any any -> any any (msg:\"gone\"; sid:2; rev:1;)\n"
	    "alert tcp any any -> any any (msg:\"edit\"; sid:3; rev:1;)\n"
	    "alert tcp any any -> any any (msg:\"off\"; sid:4; rev:1;)\n"
	    "# alert tcp any any -> any any (msg:\"was off\"; sid:6;)\n";
	static const char new_text[] =
	    "alert tcp any any -> any any (msg:\"edit\"; sid:3; rev:2;)\n"
	    "alert tcp any any -> any any (msg:\"keep\"; sid:1; rev:1;)\n"
	    "# alert tcp any any -> any any (msg:\"off\"; sid:4; rev:1;)\n"
	    "alert tcp any any -> any any (msg:\"new\"; sid:5; rev:1;)\n"
	    "alert tcp any any -> any any (msg:\"was off\"; sid:6;)\n"
	    "alert tcp any any -> any any (msg:\"g3\"; gid:3; sid:1;)\n";
	struct rules_set old = {0}, new = {0};
	assert_int_equal(rules_set_add_file(&old, "s.rules", old_text, strlen(old_text)), 0);
	assert_int_equal(rules_set_add_file(&new, "s.rules", new_text, strlen(new_text)), 0);
	struct rules_diff d;
	assert_int_equal(rules_diff_compute(&old, &new, &d), 0);
	assert_int_equal(d.added_count, 3);
	assert_int_equal(d.added[0].sid, 5);
	assert_int_equal(d.added[1].sid, 6);
	assert_int_equal(d.added[2].gid, 3);
	assert_int_equal(d.removed_count, 2);
	assert_int_equal(d.removed[0].sid, 2);
	assert_int_equal(d.removed[1].sid, 4); /* disabled now */
	assert_int_equal(d.changed_count, 1);
	assert_int_equal(d.changed[0].sid, 3);
	assert_int_equal(d.unchanged_count, 1);
	rules_diff_free(&d);
	rules_set_free(&old);
	rules_set_free(&new);
}

static void test_sources_file(void **state)
{
	(void)state;
	struct rules_source src[4];
	static const char good[] =
	    "# ET Open, the lab's copy\n"
	    "https://rules.lab:8444/et-open.tar.gz "
	    "sha256=ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n"
	    "\n"
	    "  /etc/vigil/local.rules  \n";
	assert_int_equal(rules_sources_parse("s", good, strlen(good), src, 4, why, sizeof(why)), 2);
	assert_string_equal(src[0].location, "https://rules.lab:8444/et-open.tar.gz");
	assert_string_equal(src[0].sha256,
			    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
	assert_int_equal(src[0].line, 2);
	assert_string_equal(src[1].location, "/etc/vigil/local.rules");
	assert_string_equal(src[1].sha256, "");
	static const struct {
		const char *text, *error;
	} bad[] = {
	    {"http://rules.lab/x.tar.gz\n", "s:1: \"http://rules.lab/x.tar.gz\": plain http"},
	    {"\nftp://x/y\n", "s:2: \"ftp://x/y\": only https://"},
	    {"/a sha256=12\n", "s:1: \"sha256=12\": want sha256="},
	    {"/a md5=12\n", "s:1: \"md5=12\": want sha256="},
	    {"/a b c\n", "s:1: want LOCATION"},
	    {"/a\n/b\n/c\n/d\n/e\n", "s:5: more than 4 sources"},
	};
	for (size_t c = 0; c < sizeof(bad) / sizeof(bad[0]); c++) {
		assert_int_equal(rules_sources_parse("s", bad[c].text, strlen(bad[c].text), src, 4,
						     why, sizeof(why)),
				 -EINVAL);
		if (strncmp(why, bad[c].error, strlen(bad[c].error)) != 0)
			fail_msg("got \"%s\", want \"%s...\"", why, bad[c].error);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_rules), cmocka_unit_test(test_matchers),
	    cmocka_unit_test(test_bad_lines),  cmocka_unit_test(test_enable_wins_and_drop),
	    cmocka_unit_test(test_modify),     cmocka_unit_test(test_duplicates_and_render),
	    cmocka_unit_test(test_diff),       cmocka_unit_test(test_sources_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
