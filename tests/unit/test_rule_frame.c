/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for frames (rules/lang/frame.c) and the frame keyword
 * (rules/keywords/kw_frame.c): how "frame:" values are read against the
 * rule's protocol (a protocol prefix, a short name, a name with a dot that
 * is no protocol), the values refused and why, and matching: the payload
 * options after frame: inspect the frame buffer, and only on a frame of
 * the type the rule names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/lang/frame.h"
#include "rules/lang/parse.h"
#include "rules/match/match.h"

static struct rule_parser *parser;

static struct rule *parse_rule(const char *proto, const char *options)
{
	char text[1024];

	snprintf(text, sizeof(text), "alert %s any any -> any any (msg:\"t\"; %s sid:1;)", proto,
		 options);
	return rule_parse(parser, text, "test.rules", 1);
}

static struct rule *parse_ok(const char *proto, const char *options)
{
	struct rule *rule = parse_rule(proto, options);

	if (!rule)
		fail_msg("rule refused: %s: %s", options, rule_parser_last_error(parser)->reason);
	return rule;
}

static void parse_fails(const char *proto, const char *options, const char *want)
{
	struct rule *rule = parse_rule(proto, options);

	if (rule) {
		rule_free(rule);
		fail_msg("rule loaded but should not: %s %s", proto, options);
	}
	const char *reason = rule_parser_last_error(parser)->reason;
	if (!reason || !strstr(reason, want))
		fail_msg("rule %s: reason \"%s\" lacks \"%s\"", options, reason ? reason : "(none)",
			 want);
}

static void test_lookup(void **state)
{
	(void)state;
	char why[128];
	enum rule_proto proto;

	assert_int_equal(
	    rule_frame_lookup("http1.request", RULE_PROTO_TCP, &proto, why, sizeof(why)),
	    RULE_FRAME_HTTP1_REQUEST);
	assert_int_equal(proto, RULE_PROTO_HTTP1);
	/* smb2 is no protocol: the whole text is a frame of the rule's smb */
	assert_int_equal(rule_frame_lookup("smb2.pdu", RULE_PROTO_SMB, &proto, why, sizeof(why)),
			 RULE_FRAME_SMB2_PDU);
	assert_int_equal(
	    rule_frame_lookup("smb.smb2.hdr", RULE_PROTO_TCP, &proto, why, sizeof(why)),
	    RULE_FRAME_SMB2_HDR);
	assert_int_equal(rule_frame_lookup("pdu", RULE_PROTO_MQTT, &proto, why, sizeof(why)),
			 RULE_FRAME_MQTT_PDU);
	assert_int_equal(
	    rule_frame_lookup("request.line", RULE_PROTO_SIP, &proto, why, sizeof(why)),
	    RULE_FRAME_SIP_REQUEST_LINE);
	assert_int_equal(
	    rule_frame_lookup("smtp.command_line", RULE_PROTO_SMTP, &proto, why, sizeof(why)),
	    RULE_FRAME_SMTP_COMMAND_LINE);
	assert_int_equal(rule_frame_lookup("http2.hdr", RULE_PROTO_HTTP2, &proto, why, sizeof(why)),
			 RULE_FRAME_HTTP2_HDR);
	/* an http rule covers HTTP/1's frames by their short name */
	assert_int_equal(rule_frame_lookup("request", RULE_PROTO_HTTP, &proto, why, sizeof(why)),
			 RULE_FRAME_HTTP1_REQUEST);

	assert_true(rule_frame_lookup("pdu", RULE_PROTO_TCP, &proto, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "names no protocol"));
	assert_true(rule_frame_lookup("tls.pdu", RULE_PROTO_SMB, &proto, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "not of the rule's protocol"));
	assert_true(rule_frame_lookup("smb1.nope", RULE_PROTO_SMB, &proto, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "unknown frame"));
}

static void test_parse(void **state)
{
	(void)state;
	struct rule *rule = parse_ok("tcp", "frame:http1.request; content:\"GET\";");
	assert_int_equal(rule->frame, RULE_FRAME_HTTP1_REQUEST);
	assert_true((rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_FRAME)) != 0);
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_FRAME);
	rule_free(rule);

	rule = parse_ok("mqtt", "frame:header; content:\"|10|\"; frame:header; bsize:2;");
	assert_int_equal(rule->frame, RULE_FRAME_MQTT_HEADER);
	rule_free(rule);

	/* the whole stream's frame: pkt_data on stream data */
	rule = parse_ok("smtp", "frame:smtp.stream; content:\"|0d 0a|.|0d 0a|\";");
	assert_int_equal(rule->frame, RULE_FRAME_NONE);
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_PKT_DATA);
	assert_true(rule->flow_flags & RULE_FLOW_ONLY_STREAM);
	rule_free(rule);

	parse_fails("tcp", "frame; content:\"a\";", "frame");
	parse_fails("tcp", "frame:pdu; content:\"a\";", "names no protocol");
	parse_fails("smb", "frame:tls.pdu; content:\"a\";", "not of the rule's protocol");
	parse_fails("smb", "frame:smb2.pdu; content:\"a\"; frame:smb2.hdr; content:\"b\";",
		    "second frame type");
	/* "frame" is the keyword, not a sticky buffer name of its own */
	parse_fails("tcp", "content:\"a\"; frame;", "frame");
}

/* The rule's options against a unit holding one frame of type frame. */
static bool match_frame(const char *proto, const char *options, int frame, const char *bytes)
{
	struct rule *rule = parse_ok(proto, options);
	struct rule_match_ctx ctx;
	size_t len = strlen(bytes);
	uint8_t *copy = malloc(len ? len : 1);

	memcpy(copy, bytes, len);
	memset(&ctx, 0, sizeof(ctx));
	ctx.buffer[RULE_BUFFER_FRAME] = copy;
	ctx.buffer_len[RULE_BUFFER_FRAME] = (uint32_t)len;
	ctx.frame = (uint8_t)frame;
	bool hit = rule_match(rule, &ctx);
	free(copy);
	rule_free(rule);
	return hit;
}

static void test_match(void **state)
{
	(void)state;
	const char *req = "GET /malicious HTTP/1.1\r\nHost: x\r\n\r\n";
	const char *opts = "frame:http1.request; content:\"malicious\"; nocase;";

	assert_true(match_frame("tcp", opts, RULE_FRAME_HTTP1_REQUEST, req));
	assert_false(match_frame("tcp", opts, RULE_FRAME_HTTP1_REQUEST, "GET / HTTP/1.1\r\n\r\n"));
	/* the same bytes in a frame of another type, or in no frame */
	assert_false(match_frame("tcp", opts, RULE_FRAME_HTTP1_RESPONSE, req));
	assert_false(match_frame("tcp", opts, RULE_FRAME_NONE, req));
	/* positions count from the frame's first byte */
	assert_true(match_frame("smb", "frame:smb2.hdr; content:\"|FE|SMB\"; startswith;",
				RULE_FRAME_SMB2_HDR, "\xfeSMB@"));
	assert_false(match_frame("smb", "frame:smb2.hdr; content:\"|FE|SMB\"; startswith;",
				 RULE_FRAME_SMB2_HDR, "x\xfeSMB"));
	assert_true(match_frame("mqtt", "frame:header; content:\"|a2|\"; startswith; bsize:2;",
				RULE_FRAME_MQTT_HEADER, "\xa2\x0b"));
	assert_false(match_frame("mqtt", "frame:header; content:\"|a2|\"; startswith; bsize:2;",
				 RULE_FRAME_MQTT_HEADER, "\xa2\x0b\x01"));
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
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
