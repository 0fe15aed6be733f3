/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the rule parser (rules/lang/parse.c) and the keyword families
 * it owns: meta (kw_meta.c), buffers and transforms (kw_buffer.c), flow and
 * flowbits (kw_flow.c), packet tests (kw_packet.c), thresholds
 * (kw_threshold.c) and the unsupported list (kw_unsupported.c). Each test
 * parses rule text, checks the struct rule or the exact refusal reason,
 * and the match tests build a struct packet and rule_match_ctx by hand and
 * call the option's match function directly. Payload keywords (content,
 * pcre, byte_*) have their own tests; here content appears only as
 * something for a modifier to modify.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/lang/parse.h"

static struct rule_parser *parser;

static const char classification[] =
    "# comment\n"
    "config classification: trojan-activity,A Network Trojan was detected, 1\n"
    "config classification: bad-unknown,Potentially Bad Traffic, 2\n"
    "config classification: misc-activity,Misc activity,3\n";

static int setup(void **state)
{
	char path[] = "/tmp/test_rule_parse_XXXXXX";
	char err[256];
	int fd = mkstemp(path);

	(void)state;
	if (fd < 0 || write(fd, classification, sizeof(classification) - 1) < 0)
		return -1;
	close(fd);
	parser = rule_parser_create();
	if (!parser || rule_parser_load_classification(parser, path, err, sizeof(err)) < 0)
		return -1;
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rule_parser_destroy(parser);
	return 0;
}

/* ---- helpers ---------------------------------------------------------- */

static struct rule *parse_ok(const char *text)
{
	struct rule *rule = rule_parse(parser, text, "t.rules", 7);

	if (!rule)
		fail_msg("refused: %s (%s)", rule_parser_last_error(parser)->reason, text);
	return rule;
}

static void parse_fails(const char *text, const char *reason)
{
	struct rule *rule = rule_parse(parser, text, "t.rules", 7);

	if (rule) {
		rule_free(rule);
		fail_msg("accepted: %s", text);
	}
	assert_string_equal(rule_parser_last_error(parser)->reason, reason);
}

/* A rule "alert tcp any any -> any any (OPTIONS sid:1;)". */
static struct rule *parse_options_ok(const char *options)
{
	char text[1024];

	snprintf(text, sizeof(text), "alert tcp any any -> any any (%s sid:1;)", options);
	return parse_ok(text);
}

static void options_fail(const char *options, const char *reason)
{
	char text[1024];

	snprintf(text, sizeof(text), "alert tcp any any -> any any (%s sid:1;)", options);
	parse_fails(text, reason);
}

static const struct rule_keyword *option_keyword(const struct rule *rule, unsigned i)
{
	assert_true(i < rule->option_count);
	return &rule_keywords[rule->options[i].keyword];
}

static bool option_match(const struct rule *rule, unsigned i, const struct rule_match_ctx *ctx)
{
	return option_keyword(rule, i)->match(&rule->options[i], ctx);
}

static void assert_cidr(const struct rule_cidr *cidr, int family, const char *text, int len)
{
	char buf[64];

	assert_int_equal(cidr->family, family);
	assert_int_equal(cidr->prefix_len, len);
	inet_ntop(family == 4 ? AF_INET : AF_INET6, cidr->addr, buf, sizeof(buf));
	assert_string_equal(buf, text);
}

/* ---- header ----------------------------------------------------------- */

static void test_header_basic(void **state)
{
	struct rule *rule = parse_ok("drop udp 10.1.2.3 53 -> 192.168.0.0/16 1024: (sid:5;)");

	(void)state;
	assert_int_equal(rule->action, RULE_ACTION_DROP);
	assert_int_equal(rule->proto, RULE_PROTO_UDP);
	assert_int_equal(rule->src_addr.include_count, 1);
	assert_cidr(&rule->src_addr.include[0], 4, "10.1.2.3", 32);
	assert_cidr(&rule->dst_addr.include[0], 4, "192.168.0.0", 16);
	assert_int_equal(rule->src_port.include[0].low, 53);
	assert_int_equal(rule->src_port.include[0].high, 53);
	assert_int_equal(rule->dst_port.include[0].low, 1024);
	assert_int_equal(rule->dst_port.include[0].high, 65535);
	assert_false(rule->bidirectional);
	assert_int_equal(rule->sid, 5);
	assert_int_equal(rule->gid, 1);
	assert_string_equal(rule->file, "t.rules");
	assert_int_equal(rule->line, 7);
	rule_free(rule);
}

static void test_header_actions(void **state)
{
	static const char *const actions[] = {"pass",	   "drop",	 "reject", "rejectsrc",
					      "rejectdst", "rejectboth", "alert"};
	char text[128];

	(void)state;
	for (int i = 0; i < 7; i++) {
		snprintf(text, sizeof(text), "%s ip any any -> any any (sid:1;)", actions[i]);
		struct rule *rule = parse_ok(text);

		assert_int_equal(rule->action, i);
		rule_free(rule);
	}
	parse_fails("block ip any any -> any any (sid:1;)", "unknown action \"block\"");
}

static void test_header_protocols(void **state)
{
	struct rule *rule = parse_ok("alert http any any -> any any (sid:1;)");

	(void)state;
	assert_int_equal(rule->proto, RULE_PROTO_HTTP);
	assert_true(rule_proto_is_app(rule->proto));
	assert_false(rule_proto_is_app(RULE_PROTO_TCP));
	assert_false(rule_proto_is_app(RULE_PROTO_SCTP));
	assert_true(rule_proto_is_app(RULE_PROTO_DNS));
	rule_free(rule);
	rule = parse_ok("alert tcp-pkt any any -> any any (sid:1;)");
	assert_int_equal(rule->proto, RULE_PROTO_TCP_PKT);
	assert_int_equal(rule_proto_ip[rule->proto], 6);
	rule_free(rule);
	parse_fails("alert foo any any -> any any (sid:1;)", "unknown protocol \"foo\"");
}

static void test_header_lists_nested(void **state)
{
	struct rule *rule =
	    parse_ok("alert ip [1.1.1.1,[2.2.2.0/24,3.3.3.3]] [80, 443,[8000:8080]] -> any any "
		     "(sid:1;)");

	(void)state;
	assert_int_equal(rule->src_addr.include_count, 3);
	assert_cidr(&rule->src_addr.include[1], 4, "2.2.2.0", 24);
	assert_int_equal(rule->src_port.include_count, 3);
	assert_int_equal(rule->src_port.include[2].low, 8000);
	assert_int_equal(rule->src_port.include[2].high, 8080);
	assert_false(rule->src_addr.include_any);
	rule_free(rule);
}

static void test_header_negation(void **state)
{
	struct rule *rule = parse_ok(
	    "alert ip ![10.0.0.0/8,!10.1.0.0/16] !80 -> [any,!1.2.3.4] ![1:10,!5] (sid:1;)");

	(void)state;
	/* ![a,!b]: a excluded, b included (parity of '!') */
	assert_int_equal(rule->src_addr.exclude_count, 1);
	assert_cidr(&rule->src_addr.exclude[0], 4, "10.0.0.0", 8);
	assert_int_equal(rule->src_addr.include_count, 1);
	assert_cidr(&rule->src_addr.include[0], 4, "10.1.0.0", 16);
	assert_false(rule->src_addr.include_any);
	/* only excludes: everything else */
	assert_true(rule->src_port.include_any);
	assert_int_equal(rule->src_port.exclude[0].low, 80);
	assert_true(rule->dst_addr.include_any);
	assert_int_equal(rule->dst_addr.exclude_count, 1);
	assert_int_equal(rule->dst_port.exclude[0].high, 10);
	assert_int_equal(rule->dst_port.include[0].low, 5);
	rule_free(rule);
	parse_fails("alert ip !any any -> any any (sid:1;)",
		    "bad address \"!any\": matches nothing");
}

static void test_header_ranges(void **state)
{
	struct rule *rule = parse_ok("alert tcp any :80 -> any 1:1024 (sid:1;)");

	(void)state;
	assert_int_equal(rule->src_port.include[0].low, 0);
	assert_int_equal(rule->src_port.include[0].high, 80);
	assert_int_equal(rule->dst_port.include[0].low, 1);
	assert_int_equal(rule->dst_port.include[0].high, 1024);
	rule_free(rule);
	parse_fails("alert tcp any 90:80 -> any any (sid:1;)", "bad port \"90:80\"");
	parse_fails("alert tcp any 65536 -> any any (sid:1;)", "bad port \"65536\"");
	parse_fails("alert tcp any : -> any any (sid:1;)", "bad port \":\"");
	parse_fails("alert tcp any x -> any any (sid:1;)", "bad port \"x\"");
}

static void test_header_variables(void **state)
{
	struct rule *rule = parse_ok(
	    "alert tcp $EXTERNAL_NET $HTTP_PORTS -> $HTTP_SERVERS $FILE_DATA_PORTS (sid:1;)");

	(void)state;
	assert_true(rule->src_addr.include_any);
	assert_int_equal(rule->src_addr.exclude_count, 3);
	assert_cidr(&rule->src_addr.exclude[0], 4, "192.168.0.0", 16);
	assert_int_equal(rule->src_port.include[0].low, 80);
	assert_int_equal(rule->dst_addr.include_count, 3);
	assert_int_equal(rule->dst_port.include_count, 3);
	assert_int_equal(rule->dst_port.include[1].low, 110);
	rule_free(rule);

	rule = parse_ok("alert tcp any $SHELLCODE_PORTS -> any $ORACLE_PORTS (sid:1;)");
	assert_true(rule->src_port.include_any);
	assert_int_equal(rule->src_port.exclude[0].low, 80);
	assert_int_equal(rule->dst_port.include[0].low, 1521);
	rule_free(rule);

	parse_fails("alert tcp $NOPE any -> any any (sid:1;)", "unknown variable \"$NOPE\"");
	assert_int_equal(rule_parser_set_var(parser, "LOOP", "[$LOOP]"), 0);
	parse_fails("alert tcp $LOOP any -> any any (sid:1;)", "variable \"$LOOP\" nests too deep");
	assert_int_equal(rule_parser_set_var(parser, "MY_NET", "[10.9.0.0/16,!10.9.9.9]"), 0);
	rule = parse_ok("alert tcp !$MY_NET any -> any any (sid:1;)");
	assert_int_equal(rule->src_addr.exclude_count, 1);
	assert_int_equal(rule->src_addr.include_count, 1);
	assert_cidr(&rule->src_addr.include[0], 4, "10.9.9.9", 32);
	rule_free(rule);
}

static void test_header_ipv6_and_bidirectional(void **state)
{
	struct rule *rule = parse_ok("alert ip [2001:db8::/32,::1] any <> fe80::1 any (sid:1;)");

	(void)state;
	assert_true(rule->bidirectional);
	assert_cidr(&rule->src_addr.include[0], 6, "2001:db8::", 32);
	assert_cidr(&rule->src_addr.include[1], 6, "::1", 128);
	assert_cidr(&rule->dst_addr.include[0], 6, "fe80::1", 128);
	rule_free(rule);
	rule = parse_ok("alert ip 10.1.2.3/255.255.0.0 any -> 10.1.2.3/8 any (sid:1;)");
	assert_cidr(&rule->src_addr.include[0], 4, "10.1.0.0", 16);
	assert_cidr(&rule->dst_addr.include[0], 4, "10.0.0.0", 8);
	rule_free(rule);
	parse_fails("alert ip 2001:db8::/129 any -> any any (sid:1;)",
		    "bad address \"2001:db8::/129\"");
	parse_fails("alert ip 1.2.3 any -> any any (sid:1;)", "bad address \"1.2.3\"");
	parse_fails("alert ip any any <- any any (sid:1;)",
		    "bad direction \"<-\": expected \"->\" or \"<>\"");
	parse_fails("alert ip [1.1.1.1 any -> any any (sid:1;)",
		    "bad header: unbalanced \"[\" in \"[1.1.1.1 any -> any any (sid:1;)\"");
	parse_fails("alert ip [1.1.1.1]] any -> any any (sid:1;)",
		    "unbalanced brackets in address list \"[1.1.1.1]]\"");
	parse_fails("alert ip [] any -> any any (sid:1;)", "empty address in list");
}

static void test_header_errors(void **state)
{
	(void)state;
	parse_fails("alert tcp any any -> any any",
		    "missing option list: no \"(\" after the header");
	parse_fails("alert tcp any any -> any any (msg:\"x\"; sid:1;",
		    "unterminated option list: no \")\" at the end");
	parse_fails("alert tcp any any -> any (sid:1;)", "bad header: 6 of 7 fields before \"(\"");
	parse_fails("alert tcp any any -> any any extra (sid:1;)",
		    "bad header: too many fields before \"(\"");
}

/* ---- options and meta --------------------------------------------------- */

static void test_meta_all(void **state)
{
	struct rule *rule = parse_ok(
	    "alert tcp any any -> any any (msg:\"a \\\"quoted\\\" \\; msg\\\\\"; sid:2001; rev:3; "
	    "gid:5; classtype:trojan-activity; reference:url,example.com/a,b; "
	    "reference: cve , 2020-1234; metadata:created_at 2020_01_01, former_category X;"
	    " target:dest_ip; noalert;)");

	(void)state;
	assert_string_equal(rule->msg, "a \"quoted\" ; msg\\");
	assert_int_equal(rule->sid, 2001);
	assert_int_equal(rule->rev, 3);
	assert_int_equal(rule->gid, 5);
	assert_string_equal(rule->classtype, "trojan-activity");
	assert_int_equal(rule->priority, 1);
	assert_int_equal(rule->reference_count, 2);
	assert_string_equal(rule->references[0].type, "url");
	assert_string_equal(rule->references[0].value, "example.com/a,b");
	assert_string_equal(rule->references[1].type, "cve");
	assert_string_equal(rule->references[1].value, "2020-1234");
	assert_int_equal(rule->metadata_count, 2);
	assert_string_equal(rule->metadata[0], "created_at 2020_01_01");
	assert_string_equal(rule->metadata[1], "former_category X");
	assert_int_equal(rule->target, 2);
	assert_true(rule->noalert);
	assert_int_equal(rule->option_count, 0);
	rule_free(rule);
}

static void test_meta_priority_order(void **state)
{
	struct rule *rule = parse_options_ok("priority:4; classtype:bad-unknown;");

	(void)state;
	assert_int_equal(rule->priority, 4);
	rule_free(rule);
	rule = parse_options_ok("classtype:bad-unknown; priority:4;");
	assert_int_equal(rule->priority, 4);
	rule_free(rule);
	rule = parse_options_ok("classtype:misc-activity;");
	assert_int_equal(rule->priority, 3);
	rule_free(rule);
	assert_string_equal(rule_parser_classtype_text(parser, "bad-unknown"),
			    "Potentially Bad Traffic");
	assert_null(rule_parser_classtype_text(parser, "nope"));
}

static void test_meta_errors(void **state)
{
	(void)state;
	parse_fails("alert tcp any any -> any any (msg:\"x\";)", "rule has no sid");
	options_fail("classtype:nope;", "unknown classtype \"nope\"");
	options_fail("rev:x;", "bad value of \"rev\": \"x\"");
	options_fail("priority:0;", "bad value of \"priority\": \"0\"");
	options_fail("target:both;", "bad value of \"target\": \"both\"");
	options_fail("reference:url;", "bad value of \"reference\": \"url\"");
	options_fail("sid:2;", "sid given twice: \"1\"");
	options_fail("noalert:1;", "keyword \"noalert\" takes no value: \"1\"");
	parse_fails("alert tcp any any -> any any (sid:abc;)", "bad value of \"sid\": \"abc\"");
	parse_fails("alert tcp any any -> any any (sid:0;)", "bad value of \"sid\": \"0\"");
	parse_fails("alert tcp any any -> any any (sid:;)", "keyword \"sid\" needs a value");
}

static void test_option_errors(void **state)
{
	const struct rule_load_error *error;

	(void)state;
	parse_fails("alert tcp any any -> any any (bogus:1; sid:42;)", "unknown keyword \"bogus\"");
	error = rule_parser_last_error(parser);
	assert_int_equal(error->sid, 42);
	assert_string_equal(error->file, "t.rules");
	assert_int_equal(error->line, 7);
	assert_string_equal(error->group, "unknown keyword \"bogus\"");
	parse_fails("alert tcp any any -> any any (sid:9; luajit:x.lua;)",
		    "unsupported keyword \"luajit\": Lua scripts are not supported");
	error = rule_parser_last_error(parser);
	assert_int_equal(error->sid, 9);
	assert_string_equal(error->group, "unsupported keyword \"luajit\"");
	/* tag is checked as Suricata checks it (kw_tag.c) */
	rule_free(parse_ok("alert tcp any any -> any any (sid:9; tag:session,3,packets;)"));
	rule_free(parse_ok("alert tcp any any -> any any (sid:9; tag:host,10,seconds,dst;)"));
	rule_free(parse_ok("alert tcp any any -> any any (sid:9; tag:session;)"));
	options_fail("tag:session,3;", "bad value of \"tag\": \"session,3\" (session|host[, "
				       "count, packets|seconds|bytes][, src|dst])");
	options_fail("tag:session,3,packets,src;",
		     "bad value of \"tag\": \"session,3,packets,src\" (session|host[, count, "
		     "packets|seconds|bytes][, src|dst])");
	options_fail("tag:flow,3,packets;", "bad value of \"tag\": \"flow,3,packets\" "
					    "(session|host[, count, packets|seconds|bytes][, "
					    "src|dst])");
	options_fail("urilen:abc;", "bad value of \"urilen\": \"abc\"");
	options_fail("urilen:5,sideways;", "bad value of \"urilen\": \"5,sideways\"");
	options_fail("app-layer-protocol:gopher;",
		     "bad value of \"app-layer-protocol\": \"gopher\"");
	options_fail(";", "empty option");
	options_fail("http_uri;", "keyword \"http_uri\" has no content or pcre to modify");
	options_fail("rawbytes;", "keyword \"rawbytes\" has no content or pcre to modify");
}

static void test_option_quoting(void **state)
{
	/* an escaped ';' stays in the value; blanks around ':' and ';' are fine */
	struct rule *rule = parse_ok("alert tcp any any -> any any (msg:\"a\\;b:c\" ; sid : 3 ; )");

	(void)state;
	assert_string_equal(rule->msg, "a;b:c");
	assert_int_equal(rule->sid, 3);
	rule_free(rule);

	/* \" does not end a quoted value, \\" does */
	rule = parse_options_ok("msg:\"say \\\"hi\\\"\";");
	assert_string_equal(rule->msg, "say \"hi\"");
	rule_free(rule);
	rule = parse_options_ok("msg:\"back\\\\\";");
	assert_string_equal(rule->msg, "back\\");
	rule_free(rule);

	/* a quote inside a value is no error by itself: ET Open's pcre values hold them */
	rule = parse_options_ok("content:\"a\"; pcre:\"/(%22|\")org[\"']?x/Ri\";");
	rule_free(rule);
	/* text after a quoted value's ';' belongs to the next option */
	rule = parse_options_ok("msg:\"x\";content:\"y\";nocase;");
	assert_string_equal(rule->msg, "x");
	assert_int_equal(rule->option_count, 1);
	rule_free(rule);
	/* free text that ends in a keyword's name is not a missing ';' */
	rule = parse_options_ok("metadata:attack_class xss, note nocase;");
	rule_free(rule);
	rule = parse_options_ok("content:!\"x\" ; flow:established, to_server;");
	rule_free(rule);
}

/* Two options run together must not load as one: Suricata refuses them too. */
static void test_option_missing_semicolon(void **state)
{
	const struct rule_load_error *error;

	(void)state;
	parse_fails("alert tcp any any -> any any (msg:\"x\" content:\"y\"; sid:9;)",
		    "missing \";\" between options: \"msg\" and \"content\"");
	error = rule_parser_last_error(parser);
	assert_int_equal(error->sid, 9);
	assert_string_equal(error->file, "t.rules");
	assert_int_equal(error->line, 7);
	assert_string_equal(error->group, "missing \";\" between options");
	options_fail("msg:\"x\"content:\"y\";",
		     "missing \";\" between options: \"msg\" and \"content\"");
	options_fail("content:\"a\" nocase;",
		     "missing \";\" between options: \"content\" and \"nocase\"");
	options_fail("content:!\"a\" nocase;",
		     "missing \";\" between options: \"content\" and \"nocase\"");
	options_fail("content:\"a\"; nocase content:\"b\";",
		     "missing \";\" between options: \"nocase\" and \"content\"");
	options_fail("content:\"a\"; depth:4 nocase;",
		     "missing \";\" between options: \"depth\" and \"nocase\"");
	options_fail("classtype:nope nocase;",
		     "missing \";\" between options: \"classtype\" and \"nocase\"");
	/* inside quotes the words are a string's: the keyword's own refusal stands */
	options_fail("classtype:\"nope nocase\";", "unknown classtype \"nope nocase\"");
	options_fail("content:\"a\"; depth:4 offset:1;",
		     "missing \";\" between options: \"depth\" and \"offset\"");
	options_fail("metadata:created_at 2020_01_01 classtype:misc-activity;",
		     "missing \";\" between options: \"metadata\" and \"classtype\"");
	options_fail("msg:x content:\"y\";",
		     "missing \";\" between options: \"msg\" and \"content\"");
	parse_fails("alert tcp any any -> any any (msg:\"x\"; sid:1 rev:2;)",
		    "missing \";\" between options: \"sid\" and \"rev\"");
	assert_int_equal(rule_parser_last_error(parser)->sid, 1);
	parse_fails("alert tcp any any -> any any (msg:\"x\" sid:4)",
		    "missing \";\" between options: \"msg\" and \"sid\"");
	parse_fails("alert tcp any any -> any any (msg:\"x\"; sid:5)",
		    "missing \";\" after the last option: \"sid\"");
	error = rule_parser_last_error(parser);
	assert_int_equal(error->sid, 5);
	assert_string_equal(error->group, "missing \";\" after the last option");
	parse_fails("alert tcp any any -> any any (sid:6; content:\"a\"; nocase)",
		    "missing \";\" after the last option: \"nocase\"");
	parse_fails("alert tcp any any -> any any (sid:6; msg:\"a\" )",
		    "missing \";\" after the last option: \"msg\"");
}

/* A quoted value ends at its closing quote: nothing but blanks may follow it. */
static void test_option_quote_errors(void **state)
{
	(void)state;
	options_fail("content:\"y\"z;", "text after the closing quote of \"content\": \"z\"");
	options_fail("content:\"y\" z;", "text after the closing quote of \"content\": \"z\"");
	options_fail("msg:\"a\"b\"c;", "text after the closing quote of \"msg\": \"c\"");
	options_fail("content:\"y\"nocase;",
		     "text after the closing quote of \"content\": \"nocase\"");
	parse_fails("alert tcp any any -> any any (msg:\"x; sid:1;)",
		    "unterminated quote in the value of \"msg\": a \";\" inside quotes is "
		    "written \"\\;\"");
	assert_int_equal(rule_parser_last_error(parser)->sid, 1);
	assert_string_equal(rule_parser_last_error(parser)->group,
			    "unterminated quote in the value of \"msg\"");
	options_fail("content:\"a;b\";", "unterminated quote in the value of \"content\": a "
					 "\";\" inside quotes is written \"\\;\"");
	options_fail(
	    "msg:\"a\\\";",
	    "unterminated quote in the value of \"msg\": its last quote is escaped (\\\")");
	parse_fails("alert tcp any any -> any any (sid:2; msg:\"x)",
		    "unterminated quote in the value of \"msg\"");
}

/* ---- buffers and transforms -------------------------------------------- */

static void test_buffers_sticky(void **state)
{
	struct rule *rule = parse_options_ok(
	    "http.uri; content:\"/a\"; dotprefix; file_data; content:\"b\"; pkt_data; "
	    "content:\"c\"; http_content_type; content:\"d\";");

	(void)state;
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_HTTP_URI);
	assert_string_equal(option_keyword(rule, 1)->name, "dotprefix");
	assert_int_equal(option_keyword(rule, 1)->kind, RULE_KW_TRANSFORM);
	assert_int_equal(rule->options[1].buffer, RULE_BUFFER_HTTP_URI);
	assert_int_equal(rule->options[2].buffer, RULE_BUFFER_FILE_DATA);
	assert_int_equal(rule->options[3].buffer, RULE_BUFFER_PKT_DATA);
	assert_int_equal(rule->options[4].buffer, RULE_BUFFER_HTTP_CONTENT_TYPE);
	assert_true(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI));
	assert_true(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_FILE_DATA));
	assert_true(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_PKT_DATA));
	rule_free(rule);
}

static void test_buffers_legacy(void **state)
{
	struct rule *rule = parse_options_ok(
	    "content:\"GET\"; http_method; content:\"x\"; content:\"/a\"; http_uri; rawbytes;");

	(void)state;
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_HTTP_METHOD);
	assert_int_equal(rule->options[1].buffer, RULE_BUFFER_PKT_DATA);
	assert_int_equal(rule->options[2].buffer, RULE_BUFFER_HTTP_URI);
	assert_int_equal(rule->buffers_used, RULE_BUFFER_BIT(RULE_BUFFER_HTTP_METHOD) |
						 RULE_BUFFER_BIT(RULE_BUFFER_PKT_DATA) |
						 RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI));
	rule_free(rule);
}

static void test_transforms(void **state)
{
	struct rule *rule =
	    parse_options_ok("http.uri; to_lowercase; from_base64; from_base64:bytes 4; "
			     "xor:\"0d0ac8ff\"; pcrexform:\"([a-z]+)\";");

	(void)state;
	assert_int_equal(rule->option_count, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(option_keyword(rule, i)->kind, RULE_KW_TRANSFORM);
	rule_free(rule);
	options_fail("xor;", "keyword \"xor\" needs a value");
	options_fail("to_md5:1;", "keyword \"to_md5\" takes no value: \"1\"");
	options_fail("http.uri:1;", "keyword \"http.uri\" takes no value: \"1\"");
	options_fail("tls.store;", "unsupported keyword \"tls.store\": needs the TLS "
				   "parser's state, not implemented yet");
	/* hidden buffers (number tests read them) are no sticky buffers */
	options_fail("dns.meta; content:\"a\";", "unknown keyword \"dns.meta\"");
	options_fail("tls.meta; content:\"a\";", "unknown keyword \"tls.meta\"");
}

/* ---- flow --------------------------------------------------------------- */

static void test_flow_parse(void **state)
{
	struct rule *rule = parse_options_ok("flow: established, to_server;");

	(void)state;
	assert_int_equal(rule->flow_flags, RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_SERVER);
	assert_int_equal(rule->option_count, 1);
	assert_int_equal(option_keyword(rule, 0)->kind, RULE_KW_FLOW);
	rule_free(rule);
	rule = parse_options_ok("flow:from_server,no_stream,no_frag;");
	assert_int_equal(rule->flow_flags,
			 RULE_FLOW_TO_CLIENT | RULE_FLOW_NO_STREAM | RULE_FLOW_NO_FRAG);
	rule_free(rule);
	options_fail("flow:to_server,to_client;",
		     "bad value of \"flow\": \"to_server,to_client\": contradictory");
	options_fail("flow:established,not_established;",
		     "bad value of \"flow\": \"established,not_established\": contradictory");
	options_fail("flow:to_server; flow:from_server;",
		     "bad value of \"flow\": \"from_server\": contradictory");
	options_fail("flow:sideways;", "bad value of \"flow\": \"sideways\"");
	options_fail("flow;", "keyword \"flow\" needs a value");
}

static void test_flow_match(void **state)
{
	struct packet packet = {.flags = PACKET_IPV4 | PACKET_TCP};
	struct rule_match_ctx ctx = {.packet = &packet};
	struct rule *rule = parse_options_ok("flow:established,to_server;");

	(void)state;
	ctx.flow = RULE_MATCH_TO_SERVER | RULE_MATCH_ESTABLISHED | RULE_MATCH_HAS_FLOW;
	assert_true(option_match(rule, 0, &ctx));
	ctx.flow = RULE_MATCH_TO_CLIENT | RULE_MATCH_ESTABLISHED;
	assert_false(option_match(rule, 0, &ctx));
	ctx.flow = RULE_MATCH_TO_SERVER;
	assert_false(option_match(rule, 0, &ctx));
	rule_free(rule);

	rule = parse_options_ok("flow:not_established,only_stream,no_frag;");
	ctx.flow = RULE_MATCH_STREAM;
	assert_true(option_match(rule, 0, &ctx));
	ctx.flow = 0;
	assert_false(option_match(rule, 0, &ctx));
	ctx.flow = RULE_MATCH_STREAM;
	packet.flags |= PACKET_FRAGMENT;
	assert_false(option_match(rule, 0, &ctx));
	rule_free(rule);

	rule = parse_options_ok("flow:stateless;");
	assert_true(option_match(rule, 0, &ctx));
	rule_free(rule);
}

/* ---- flowbits ----------------------------------------------------------- */

static void set_bit(uint8_t *bits, int id)
{
	bits[id / 8] |= (uint8_t)(1u << (id % 8));
}

static bool bit_set(const uint8_t *bits, int id)
{
	return bits[id / 8] & (1u << (id % 8));
}

static void test_flowbits_parse(void **state)
{
	struct rule *rule = parse_options_ok(
	    "flowbits:set,ET.a; flowbits:isset,ET.b|ET.c; flowbits:isnotset,ET.a&ET.b; "
	    "flowbits:noalert;");
	unsigned before = rule_parser_flowbit_count(parser);

	(void)state;
	assert_int_equal(rule->option_count, 4);
	assert_true(rule->noalert);
	assert_true(rule_match_noalert(rule));
	assert_int_equal(rule_parser_flowbit(parser, "ET.a"), rule_parser_flowbit(parser, "ET.a"));
	assert_int_equal(rule_parser_flowbit_count(parser), before);
	rule_free(rule);
	rule = parse_options_ok("flowbits:set,x;");
	assert_false(rule_match_noalert(rule));
	rule_free(rule);
	options_fail("flowbits:frob,a;", "bad value of \"flowbits\": \"frob,a\"");
	options_fail("flowbits:set;", "bad value of \"flowbits\": \"set\": no name");
	options_fail("flowbits:set,a|b;", "bad value of \"flowbits\": \"set,a|b\"");
	options_fail("flowbits:isset,a|b&c;", "bad value of \"flowbits\": \"isset,a|b&c\"");
	options_fail("flowbits:isset,a||b;", "bad value of \"flowbits\": \"isset,a||b\"");
	options_fail("flowbits:noalert,a;", "bad value of \"flowbits\": \"noalert,a\"");
}

static void test_flowbits_match_and_apply(void **state)
{
	uint8_t bits[RULE_MAX_FLOWBITS / 8] = {0};
	struct packet packet = {0};
	struct rule_match_ctx ctx = {.packet = &packet, .flowbits = bits};
	struct rule *rule = parse_options_ok(
	    "flowbits:isset,m.a|m.b; flowbits:isnotset,m.a&m.b; flowbits:isset,m.a&m.b; "
	    "flowbits:set,m.c; flowbits:unset,m.a; flowbits:toggle,m.d;");
	int a = rule_parser_flowbit(parser, "m.a"), b = rule_parser_flowbit(parser, "m.b");
	int c = rule_parser_flowbit(parser, "m.c"), d = rule_parser_flowbit(parser, "m.d");

	(void)state;
	assert_false(option_match(rule, 0, &ctx));
	assert_true(option_match(rule, 1, &ctx));
	set_bit(bits, b);
	assert_true(option_match(rule, 0, &ctx));
	assert_false(option_match(rule, 1, &ctx));
	assert_false(option_match(rule, 2, &ctx));
	set_bit(bits, a);
	assert_true(option_match(rule, 2, &ctx));
	assert_true(option_match(rule, 3, &ctx)); /* actions hold at match time */
	rule_match_apply_flowbits(rule, &ctx);
	assert_true(bit_set(bits, c));
	assert_false(bit_set(bits, a));
	assert_true(bit_set(bits, b));
	assert_true(bit_set(bits, d));
	rule_match_apply_flowbits(rule, &ctx);
	assert_false(bit_set(bits, d));
	ctx.flowbits = NULL; /* no flow: isset fails, isnotset holds, apply does nothing */
	assert_false(option_match(rule, 0, &ctx));
	assert_true(option_match(rule, 1, &ctx));
	rule_match_apply_flowbits(rule, &ctx);
	rule_free(rule);
}

/* ---- packet keywords ----------------------------------------------------- */

static void test_dsize(void **state)
{
	static const struct {
		const char *value;
		uint32_t yes, no;
	} cases[] = {{"10", 10, 11}, {"<10", 9, 10},  {">10", 11, 10},
		     {"!10", 9, 10}, {"5<>10", 6, 5}, {"5-10", 9, 10},
		     {"<=3", 3, 4},  {">=3", 3, 2},   {" 300 ", 300, 301}};
	struct packet packet = {.flags = PACKET_IPV4 | PACKET_UDP};
	struct rule_match_ctx ctx = {.packet = &packet};
	char options[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(options, sizeof(options), "dsize:%s;", cases[i].value);
		struct rule *rule = parse_options_ok(options);

		packet.payload_len = cases[i].yes;
		assert_true(option_match(rule, 0, &ctx));
		packet.payload_len = cases[i].no;
		assert_false(option_match(rule, 0, &ctx));
		rule_free(rule);
	}
	options_fail("dsize:abc;", "bad value of \"dsize\": \"abc\"");
	options_fail("dsize:10<>5;", "bad value of \"dsize\": \"10<>5\"");
	options_fail("dsize:70000;", "bad value of \"dsize\": \"70000\"");
	options_fail("dsize:<5<>9;", "bad value of \"dsize\": \"<5<>9\"");
	options_fail("dsize:5x;", "bad value of \"dsize\": \"5x\"");
}

static void test_ttl_ip_proto(void **state)
{
	struct packet packet = {.flags = PACKET_IPV4 | PACKET_TCP, .ip_ttl = 64, .l4_proto = 6};
	struct rule_match_ctx ctx = {.packet = &packet};
	struct rule *rule = parse_options_ok("ttl:<65; ip_proto:tcp; ip_proto:!17; ip_proto:>5;");

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		assert_true(option_match(rule, i, &ctx));
	packet.ip_ttl = 65;
	packet.l4_proto = 17;
	for (unsigned i = 0; i < 3; i++)
		assert_false(option_match(rule, i, &ctx));
	rule_free(rule);
	rule = parse_options_ok("ip_proto:47;");
	packet.l4_proto = 47;
	assert_true(option_match(rule, 0, &ctx));
	rule_free(rule);
	options_fail("ttl:256;", "bad value of \"ttl\": \"256\"");
	options_fail("ip_proto:bogus;", "bad value of \"ip_proto\": \"bogus\"");
	options_fail("ip_proto:300;", "bad value of \"ip_proto\": \"300\"");
}

static void test_itype_icode(void **state)
{
	struct packet packet = {.flags = PACKET_IPV4 | PACKET_ICMP, .icmp_type = 8, .icmp_code = 0};
	struct rule_match_ctx ctx = {.packet = &packet};
	struct rule *rule = parse_options_ok("itype:8; icode:<1; itype:3<>9;");

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		assert_true(option_match(rule, i, &ctx));
	packet.flags = PACKET_IPV4 | PACKET_TCP; /* not ICMP: never */
	assert_false(option_match(rule, 0, &ctx));
	assert_false(option_match(rule, 1, &ctx));
	rule_free(rule);
	options_fail("itype:x;", "bad value of \"itype\": \"x\"");
	options_fail("icode:;", "keyword \"icode\" needs a value");
}

static bool flags_match(const char *value, uint8_t tcp_flags)
{
	struct packet packet = {.flags = PACKET_IPV4 | PACKET_TCP, .tcp_flags = tcp_flags};
	struct rule_match_ctx ctx = {.packet = &packet};
	char options[64];
	struct rule *rule;
	bool match;

	snprintf(options, sizeof(options), "flags:%s;", value);
	rule = parse_options_ok(options);
	match = option_match(rule, 0, &ctx);
	rule_free(rule);
	return match;
}

static void test_flags(void **state)
{
	(void)state;
	assert_true(flags_match("S", 0x02));
	assert_false(flags_match("S", 0x12));
	assert_true(flags_match("SA", 0x12));
	assert_true(flags_match("S,12", 0xc2)); /* CWR and ECE ignored */
	assert_true(flags_match("S,CE", 0xc2));
	assert_false(flags_match("S", 0xc2));
	assert_true(flags_match("A+", 0x18));
	assert_true(flags_match("+A", 0x18));
	assert_false(flags_match("A+", 0x02));
	assert_true(flags_match("*SF", 0x01));
	assert_false(flags_match("*SF", 0x10));
	assert_true(flags_match("!R", 0x10));
	assert_false(flags_match("!R", 0x04));
	assert_true(flags_match("0", 0x00));
	assert_false(flags_match("0", 0x10));
	assert_true(flags_match("FPU,12", 0x29));
	assert_true(flags_match("12", 0xc0));
	options_fail("flags:X;", "bad value of \"flags\": \"X\"");
	options_fail("flags:S0;", "bad value of \"flags\": \"S0\"");
	options_fail("flags:S,;", "bad value of \"flags\": \"S,\"");
	options_fail("flags:+;", "bad value of \"flags\": \"+\"");
}

static void test_flags_not_tcp(void **state)
{
	struct packet packet = {.flags = PACKET_IPV4 | PACKET_UDP};
	struct rule_match_ctx ctx = {.packet = &packet};
	struct rule *rule = parse_options_ok("flags:0;");

	(void)state;
	assert_false(option_match(rule, 0, &ctx));
	rule_free(rule);
}

/* ---- thresholds ----------------------------------------------------------- */

static void test_threshold(void **state)
{
	struct rule *rule =
	    parse_options_ok("threshold: type limit, track by_src, count 1, seconds 60; "
			     "detection_filter:seconds 10,count 5,track by_dst;");

	(void)state;
	assert_int_equal(rule->threshold.type, RULE_THRESHOLD_LIMIT);
	assert_int_equal(rule->threshold.track, RULE_TRACK_BY_SRC);
	assert_int_equal(rule->threshold.count, 1);
	assert_int_equal(rule->threshold.seconds, 60);
	assert_int_equal(rule->detection_filter.type, RULE_THRESHOLD_DETECTION_FILTER);
	assert_int_equal(rule->detection_filter.track, RULE_TRACK_BY_DST);
	assert_int_equal(rule->detection_filter.count, 5);
	assert_int_equal(rule->detection_filter.seconds, 10);
	rule_free(rule);
	rule = parse_options_ok("threshold:seconds 5,count 3,type both,track by_both;");
	assert_int_equal(rule->threshold.type, RULE_THRESHOLD_BOTH);
	assert_int_equal(rule->threshold.track, RULE_TRACK_BY_BOTH);
	rule_free(rule);
	/* seconds may be left out (Suricata 8, test_rule_packet.c); count may not */
	options_fail("threshold:type limit, track by_src, seconds 60;",
		     "bad value of \"threshold\": \"type limit, track by_src, seconds 60\"");
	options_fail("threshold:type some, track by_src, count 1, seconds 2;",
		     "bad value of \"threshold\": \"type some, track by_src, count 1, seconds 2\"");
	options_fail(
	    "threshold:type limit, track by_src, count x, seconds 2;",
	    "bad value of \"threshold\": \"type limit, track by_src, count x, seconds 2\"");
	options_fail("detection_filter:type limit,track by_src,count 1,seconds 2;",
		     "bad value of \"detection_filter\": \"type limit,track by_src,count 1,"
		     "seconds 2\"");
	options_fail("threshold:type limit,track by_src,count 1,seconds 2; "
		     "threshold:type limit,track by_src,count 1,seconds 2;",
		     "threshold given twice");
}

/* ---- files -------------------------------------------------------------- */

static void test_load_file(void **state)
{
	char path[] = "/tmp/test_rule_parse_rules_XXXXXX";
	static const char text[] = "# a comment\n"
				   "\n"
				   "alert tcp any any -> any any (msg:\"one\"; sid:1;)\n"
				   "#alert tcp any any -> any any (msg:\"off\"; \\\n"
				   "  sid:2;)\n"
				   "alert tcp any any -> any any (msg:\"multi\"; \\\n"
				   "sid:3;)\n"
				   "alert tcp any any -> any any (msg:\"bad\"; frob; sid:4;)\r\n"
				   "alert tcp any any -> any any (msg:\"last\"; sid:5;)";
	struct rule_list list = {0};
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(rule_parser_load_file(parser, path, &list), 0);
	assert_int_equal(list.read, 4);
	assert_int_equal(list.count, 3);
	assert_int_equal(list.rules[1]->sid, 3);
	assert_int_equal(list.rules[1]->line, 6);
	assert_string_equal(list.rules[1]->msg, "multi");
	assert_int_equal(list.rules[2]->sid, 5);
	assert_int_equal(list.error_count, 1);
	assert_int_equal(list.errors[0].line, 8);
	assert_int_equal(list.errors[0].sid, 4);
	assert_string_equal(list.errors[0].reason, "unknown keyword \"frob\"");
	assert_string_equal(list.errors[0].file, path);
	assert_int_equal(rule_parser_load_file(parser, path, &list), 0); /* appends */
	assert_int_equal(list.count, 6);
	assert_int_equal(list.read, 8);
	unlink(path);
	rule_list_clear(&list);
	assert_int_equal(list.count, 0);
	assert_int_equal(rule_parser_load_file(parser, path, &list), -ENOENT);
	assert_int_equal(list.read, 0);
}

/* Write text to a new temporary file named from pattern (mkstemp). */
static void write_temp(char *pattern, const char *text)
{
	int fd = mkstemp(pattern);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* One rule per gid:sid across files: the highest rev, the first read on a tie (as Suricata). */
static void test_load_duplicate_sids(void **state)
{
	char first[] = "/tmp/test_rule_parse_dup1_XXXXXX";
	char second[] = "/tmp/test_rule_parse_dup2_XXXXXX";
	char want[512];
	struct rule_list list = {0};

	(void)state;
	write_temp(first,
		   "alert tcp any any -> any any (msg:\"a1\"; sid:1; rev:1;)\n"
		   "alert tcp any any -> any any (msg:\"b\"; sid:2; rev:4;)\n"
		   "alert tcp any any -> any any (msg:\"c1\"; sid:3; rev:2;)\n"
		   "alert tcp any any -> any any (msg:\"other gid\"; gid:3; sid:1; rev:1;)\n");
	write_temp(second, "alert tcp any any -> any any (msg:\"a2\"; sid:1; rev:2;)\n"
			   "alert tcp any any -> any any (msg:\"c2\"; sid:3; rev:2;)\n"
			   "alert tcp any any -> any any (msg:\"d\"; sid:4;)\n"
			   "alert tcp any any -> any any (msg:\"c3\"; sid:3; rev:1;)\n");
	assert_int_equal(rule_parser_load_file(parser, first, &list), 0);
	assert_int_equal(rule_parser_load_file(parser, second, &list), 0);
	assert_int_equal(list.count, 8);
	assert_int_equal(rule_list_refuse_duplicates(&list), 0);
	assert_int_equal(list.read, 8);
	assert_int_equal(list.count, 5);
	assert_int_equal(list.error_count, 3);
	/* the kept rules stay in read order */
	assert_string_equal(list.rules[0]->msg, "b");
	assert_string_equal(list.rules[1]->msg, "c1");
	assert_string_equal(list.rules[2]->msg, "other gid");
	assert_string_equal(list.rules[3]->msg, "a2");
	assert_string_equal(list.rules[4]->msg, "d");
	/* the refused ones in read order, each naming the rule kept */
	assert_string_equal(list.errors[0].file, first);
	assert_int_equal(list.errors[0].line, 1);
	assert_int_equal(list.errors[0].sid, 1);
	assert_string_equal(list.errors[0].group, "duplicate sid");
	snprintf(want, sizeof(want),
		 "duplicate sid: the rule at %s:1 is kept (rev 2, this one rev 1)", second);
	assert_string_equal(list.errors[0].reason, want);
	assert_string_equal(list.errors[1].file, second);
	assert_int_equal(list.errors[1].line, 2);
	assert_int_equal(list.errors[1].sid, 3);
	snprintf(want, sizeof(want),
		 "duplicate sid: the rule at %s:3 is kept (same rev 2, read first)", first);
	assert_string_equal(list.errors[1].reason, want);
	assert_int_equal(list.errors[2].line, 4);
	snprintf(want, sizeof(want),
		 "duplicate sid: the rule at %s:3 is kept (rev 2, this one rev 1)", first);
	assert_string_equal(list.errors[2].reason, want);
	/* nothing left to refuse the second time */
	assert_int_equal(rule_list_refuse_duplicates(&list), 0);
	assert_int_equal(list.count, 5);
	assert_int_equal(list.error_count, 3);
	rule_list_clear(&list);
	assert_int_equal(rule_list_refuse_duplicates(&list), 0);
	unlink(first);
	unlink(second);
}

static void test_load_classification_errors(void **state)
{
	char path[] = "/tmp/test_rule_parse_class_XXXXXX";
	static const char text[] = "config classification: a,b,1\nconfig classification: c,d\n";
	char err[256];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(rule_parser_load_classification(parser, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2: error: "));
	unlink(path);
	assert_true(rule_parser_load_classification(parser, path, err, sizeof(err)) < 0);
	char want[300];
	snprintf(want, sizeof(want), "%s: error: cannot read: %s", path, strerror(ENOENT));
	assert_string_equal(err, want);
}

static void test_tables(void **state)
{
	(void)state;
	assert_string_equal(rule_action_name[RULE_ACTION_REJECTBOTH], "rejectboth");
	assert_string_equal(rule_proto_name[RULE_PROTO_FTP_DATA], "ftp-data");
	assert_string_equal(rule_buffer_name[RULE_BUFFER_HTTP_URI], "http.uri");
	assert_string_equal(rule_buffer_legacy_name[RULE_BUFFER_HTTP_URI], "http_uri");
	assert_null(rule_buffer_legacy_name[RULE_BUFFER_PKT_DATA]);
	assert_int_equal(rule_buffer_proto[RULE_BUFFER_TLS_SNI], RULE_PROTO_TLS);
	assert_non_null(rule_keyword_find("http.uri", NULL));
	assert_non_null(rule_keyword_find("file_data", NULL));
	assert_null(rule_keyword_find("nope", NULL));
}

/* Suricata's action-order setting: each of pass, drop, reject, alert once. */
static void test_action_order(void **state)
{
	uint8_t rank[RULE_ACTION_COUNT];
	char why[128];

	(void)state;
	assert_int_equal(rule_action_order_parse("alert, pass,drop reject", rank, why, sizeof(why)),
			 0);
	assert_int_equal(rank[RULE_ACTION_ALERT], 0);
	assert_int_equal(rank[RULE_ACTION_PASS], 1);
	assert_int_equal(rank[RULE_ACTION_DROP], 2);
	assert_int_equal(rank[RULE_ACTION_REJECT], 3);
	assert_int_equal(rank[RULE_ACTION_REJECTBOTH], 3);
	assert_int_equal(rule_action_order_parse("pass, drop, alert", rank, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "name each of pass, drop, reject and alert once");
	assert_int_equal(
	    rule_action_order_parse("pass, pass, drop, reject, alert", rank, why, sizeof(why)),
	    -EINVAL);
	assert_string_equal(why, "\"pass\" is named twice");
	assert_int_equal(
	    rule_action_order_parse("pass, block, drop, alert", rank, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "\"block\" is not pass, drop, reject or alert");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_basic),
	    cmocka_unit_test(test_header_actions),
	    cmocka_unit_test(test_action_order),
	    cmocka_unit_test(test_header_protocols),
	    cmocka_unit_test(test_header_lists_nested),
	    cmocka_unit_test(test_header_negation),
	    cmocka_unit_test(test_header_ranges),
	    cmocka_unit_test(test_header_variables),
	    cmocka_unit_test(test_header_ipv6_and_bidirectional),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_meta_all),
	    cmocka_unit_test(test_meta_priority_order),
	    cmocka_unit_test(test_meta_errors),
	    cmocka_unit_test(test_option_errors),
	    cmocka_unit_test(test_option_missing_semicolon),
	    cmocka_unit_test(test_option_quote_errors),
	    cmocka_unit_test(test_option_quoting),
	    cmocka_unit_test(test_buffers_sticky),
	    cmocka_unit_test(test_buffers_legacy),
	    cmocka_unit_test(test_transforms),
	    cmocka_unit_test(test_flow_parse),
	    cmocka_unit_test(test_flow_match),
	    cmocka_unit_test(test_flowbits_parse),
	    cmocka_unit_test(test_flowbits_match_and_apply),
	    cmocka_unit_test(test_dsize),
	    cmocka_unit_test(test_ttl_ip_proto),
	    cmocka_unit_test(test_itype_icode),
	    cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_flags_not_tcp),
	    cmocka_unit_test(test_threshold),
	    cmocka_unit_test(test_load_file),
	    cmocka_unit_test(test_load_duplicate_sids),
	    cmocka_unit_test(test_load_classification_errors),
	    cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
