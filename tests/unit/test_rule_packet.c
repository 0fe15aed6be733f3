/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the keywords issue 16 brought from Suricata 8 to the
 * packet, meta, threshold and flow families (rules/keywords/kw_packet.c,
 * kw_meta.c, kw_threshold.c, kw_flow.c): each parsed from rule text, good
 * and bad values, and matched against crafted packets, plus the rule types
 * the parser gives (IP-only, protocol-detection-only). End-to-end runs
 * through the pipeline are in test_pipeline.c.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/lang/app_event.h"
#include "rules/lang/event.h"
#include "rules/lang/keyword.h"
#include "rules/lang/parse.h"
#include "rules/match/match.h"

static struct rule_parser *parser;

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

static struct rule *parse_ok(const char *text)
{
	struct rule *rule = rule_parse(parser, text, "t.rules", 1);
	if (!rule)
		fail_msg("refused: %s (%s)", rule_parser_last_error(parser)->reason, text);
	return rule;
}

/* "alert PROTO any any -> any any (OPTIONS sid:1;)" */
static struct rule *options_ok(const char *proto, const char *options)
{
	char text[1024];
	snprintf(text, sizeof(text), "alert %s any any -> any any (%s sid:1;)", proto, options);
	return parse_ok(text);
}

static void options_fail(const char *options, const char *reason)
{
	char text[1024];
	snprintf(text, sizeof(text), "alert ip any any -> any any (%s sid:1;)", options);
	struct rule *rule = rule_parse(parser, text, "t.rules", 1);
	if (rule) {
		rule_free(rule);
		fail_msg("accepted: %s", text);
	}
	assert_string_equal(rule_parser_last_error(parser)->reason, reason);
}

/* Every option of the rule holds for packet (rule_match() without buffers). */
static bool packet_matches(const char *proto, const char *options, const struct packet *packet)
{
	struct rule_match_ctx ctx = {.packet = packet, .app_proto = -1};
	struct rule *rule = options_ok(proto, options);
	bool matched = rule_match(rule, &ctx);
	rule_free(rule);
	return matched;
}

/* Every option of "alert tcp ... (OPTIONS sid:1;)" holds for ctx. */
static bool packet_matches_ctx(const char *options, const struct rule_match_ctx *ctx)
{
	struct rule *rule = options_ok("tcp", options);
	bool matched = rule_match(rule, ctx);
	rule_free(rule);
	return matched;
}

/* ---- packets ------------------------------------------------------------ */

static uint8_t frame[128];

/* An ICMP (or ICMPv6) message of type/code with bytes 4..7 of its header. */
static struct packet icmp_packet(bool v6, uint8_t type, uint8_t code, const uint8_t rest[4])
{
	struct packet p = {0};
	memset(frame, 0, sizeof(frame));
	p.data = frame;
	p.len = 48;
	p.flags = v6 ? PACKET_IPV6 | PACKET_ICMPV6 : PACKET_IPV4 | PACKET_ICMP;
	p.ip_version = v6 ? 6 : 4;
	p.l4_proto = v6 ? 58 : 1;
	p.l4_offset = 20;
	p.icmp_type = type;
	p.icmp_code = code;
	frame[20] = type;
	frame[21] = code;
	memcpy(frame + 24, rest, 4);
	return p;
}

/* An IPv4 packet whose header carries options (padded to a multiple of 4). */
static struct packet ipv4_with_options(const uint8_t *options, uint8_t len)
{
	struct packet p = {0};
	memset(frame, 0, sizeof(frame));
	uint8_t header = (uint8_t)(20 + ((len + 3) & ~3));
	frame[0] = (uint8_t)(0x40 | header / 4);
	memcpy(frame + 20, options, len);
	p.data = frame;
	p.len = header;
	p.flags = PACKET_IPV4 | (len ? PACKET_IPV4_OPTIONS : 0);
	p.ip_version = 4;
	return p;
}

/* ---- itype/icode "!=", icmp_id, icmp_seq, icmpv6.mtu -------------------- */

static void test_icmp_keywords(void **state)
{
	(void)state;
	static const uint8_t echo[4] = {0x55, 0x15, 0x00, 0x07}; /* id 21781, seq 7 */
	struct packet p = icmp_packet(false, 8, 0, echo);
	assert_true(packet_matches("icmp", "itype:!= 0;", &p));
	assert_true(packet_matches("icmp", "itype: != 0; icode:!=1;", &p));
	assert_true(packet_matches("icmp", "icmp_id:21781; icmp_seq:7;", &p));
	assert_false(packet_matches("icmp", "icmp_id:21782;", &p));
	assert_true(packet_matches("icmp", "icmp_seq:>6;", &p));
	p.icmp_type = 0;
	frame[20] = 0;
	assert_false(packet_matches("icmp", "itype:!= 0;", &p));
	assert_true(packet_matches("icmp", "icmp_id:21781;", &p)); /* echo reply too */
	p.icmp_type = 3;					   /* unreachable: no id */
	assert_false(packet_matches("icmp", "icmp_id:21781;", &p));

	static const uint8_t mtu[4] = {0x00, 0x00, 0x04, 0x00}; /* 1024 */
	struct packet too_big = icmp_packet(true, 2, 0, mtu);
	assert_true(packet_matches("ipv6", "icmpv6.mtu:<1280;", &too_big));
	assert_false(packet_matches("ipv6", "icmpv6.mtu:>=1280;", &too_big));
	too_big.icmp_type = 1; /* not Packet Too Big: no MTU */
	assert_false(packet_matches("ipv6", "icmpv6.mtu:<1280;", &too_big));
	struct packet v4 = icmp_packet(false, 2, 0, mtu); /* ICMPv4: never */
	assert_false(packet_matches("ip", "icmpv6.mtu:1024;", &v4));

	options_fail("itype:!= x;", "bad value of \"itype\": \"!= x\"");
	options_fail("icmp_id:70000;", "bad value of \"icmp_id\": \"70000\"");
	options_fail("icmp_seq:;", "keyword \"icmp_seq\" needs a value");
	options_fail("icmpv6.mtu:abc;", "bad value of \"icmpv6.mtu\": \"abc\"");
}

/* ---- tcp.mss, tcp.flags ------------------------------------------------- */

static void test_tcp_keywords(void **state)
{
	(void)state;
	struct packet p = {.flags = PACKET_IPV4 | PACKET_TCP, .ip_version = 4, .tcp_flags = 0x02};
	p.tcp_options.mss = 500;
	assert_true(packet_matches("tcp", "tcp.mss:<536;", &p));
	assert_true(packet_matches("tcp", "tcp.mss:500;", &p));
	assert_false(packet_matches("tcp", "tcp.mss:>536;", &p));
	assert_true(packet_matches("tcp", "tcp.flags:S;", &p));
	assert_false(packet_matches("tcp", "tcp.flags:SA;", &p));
	p.tcp_options.mss = 0; /* no MSS option: no match, whatever the test */
	assert_false(packet_matches("tcp", "tcp.mss:<536;", &p));
	p.flags = PACKET_IPV4 | PACKET_UDP;
	p.tcp_options.mss = 500;
	assert_false(packet_matches("ip", "tcp.mss:500;", &p));
	options_fail("tcp.mss:65536;", "bad value of \"tcp.mss\": \"65536\"");
	options_fail("tcp.flags:Q;", "bad value of \"flags\": \"Q\"");
}

/* ---- ipopts ------------------------------------------------------------- */

static void test_ipopts(void **state)
{
	(void)state;
	/* NOP, then record route (type 7, length 7), then EOL */
	static const uint8_t rr[] = {0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0x00};
	struct packet p = ipv4_with_options(rr, sizeof(rr));
	assert_true(packet_matches("ip", "ipopts:rr;", &p));
	assert_true(packet_matches("ip", "ipopts:nop;", &p));
	assert_true(packet_matches("ip", "ipopts:eol;", &p));
	assert_true(packet_matches("ip", "ipopts:any;", &p));
	assert_false(packet_matches("ip", "ipopts:lsrr;", &p));
	assert_false(packet_matches("ip", "ipopts:ts;", &p));
	/* a timestamp option after the EOL is not an option */
	static const uint8_t after_eol[] = {0x00, 0x44, 0x04, 0x00};
	p = ipv4_with_options(after_eol, sizeof(after_eol));
	assert_false(packet_matches("ip", "ipopts:ts;", &p));
	/* no options at all */
	p = ipv4_with_options(NULL, 0);
	assert_false(packet_matches("ip", "ipopts:any;", &p));
	options_fail("ipopts:bogus;", "bad value of \"ipopts\": \"bogus\"");
	options_fail("ipopts:;", "keyword \"ipopts\" needs a value");
}

/* ---- vlan.id, vlan.layers ----------------------------------------------- */

static void test_vlan(void **state)
{
	(void)state;
	/* QinQ: 666 outside, 123 inside */
	struct packet p = {.flags = PACKET_IPV4 | PACKET_VLAN, .ip_version = 4, .vlan_count = 2};
	p.vlan_id[0] = 666;
	p.vlan_id[1] = 123;
	assert_true(packet_matches("ip", "vlan.id:123;", &p));
	assert_true(packet_matches("ip", "vlan.id:666,0;", &p));
	assert_false(packet_matches("ip", "vlan.id:123,0;", &p));
	assert_true(packet_matches("ip", "vlan.id:123,-1;", &p));
	assert_true(packet_matches("ip", "vlan.id:666,-2;", &p));
	assert_false(packet_matches("ip", "vlan.id:666,-3;", &p)); /* no such layer */
	assert_false(packet_matches("ip", "vlan.id:>=200,all;", &p));
	assert_true(packet_matches("ip", "vlan.id:>=100,all;", &p));
	assert_true(packet_matches("ip", "vlan.id:<300,any;", &p));
	assert_true(packet_matches("ip", "vlan.layers:2;", &p));
	assert_false(packet_matches("ip", "vlan.layers:<2;", &p));
	p.vlan_count = 0;
	assert_false(packet_matches("ip", "vlan.id:>=0,all;", &p)); /* no layer at all */
	assert_true(packet_matches("ip", "vlan.layers:0;", &p));
	options_fail("vlan.id:4096;", "bad value of \"vlan.id\": \"4096\"");
	options_fail("vlan.id:300,3;", "bad value of \"vlan.id\": \"300,3\"");
	options_fail("vlan.id:300,some;", "bad value of \"vlan.id\": \"300,some\"");
	options_fail("vlan.layers:x;", "bad value of \"vlan.layers\": \"x\"");
}

/* ---- prefilter, alert --------------------------------------------------- */

static void test_prefilter_and_alert(void **state)
{
	(void)state;
	struct rule *rule = options_ok("icmp", "itype:8; prefilter;");
	assert_int_equal(rule->option_count, 1); /* a hint: no option */
	assert_false(rule->alert);
	rule_free(rule);
	rule = parse_ok("pass tcp any any -> any 22 (alert; sid:2;)");
	assert_true(rule->alert);
	assert_int_equal(rule->action, RULE_ACTION_PASS);
	rule_free(rule);
	options_fail("prefilter:x;", "keyword \"prefilter\" takes no value: \"x\"");
	options_fail("alert:x;", "keyword \"alert\" takes no value: \"x\"");
}

/* ---- threshold: backoff, by_flow, no seconds ---------------------------- */

static void test_threshold_suricata8(void **state)
{
	(void)state;
	struct rule *rule =
	    options_ok("tcp", "threshold:type backoff, track by_flow, count 1, multiplier 10;");
	assert_int_equal(rule->threshold.type, RULE_THRESHOLD_BACKOFF);
	assert_int_equal(rule->threshold.track, RULE_TRACK_BY_FLOW);
	assert_int_equal(rule->threshold.count, 1);
	assert_int_equal(rule->threshold.multiplier, 10);
	assert_int_equal(rule->threshold.seconds, 0);
	rule_free(rule);
	rule = options_ok("tcp", "detection_filter:track by_flow, count 1, seconds 3600;");
	assert_int_equal(rule->detection_filter.track, RULE_TRACK_BY_FLOW);
	rule_free(rule);
	rule = options_ok("tcp", "threshold:type limit, track by_src, count 2;");
	assert_int_equal(rule->threshold.seconds, 0);
	rule_free(rule);
	options_fail("threshold:type backoff, track by_flow, count 1;",
		     "bad value of \"threshold\": \"type backoff, track by_flow, count 1\"");
	options_fail("threshold:type backoff, track by_flow, count 1, multiplier 1;",
		     "bad value of \"threshold\": \"type backoff, track by_flow, count 1, "
		     "multiplier 1\"");
	options_fail("threshold:type backoff, track by_src, count 1, multiplier 2, seconds 5;",
		     "bad value of \"threshold\": \"type backoff, track by_src, count 1, "
		     "multiplier 2, seconds 5\"");
	options_fail("threshold:type limit, track by_src, count 1, multiplier 2;",
		     "bad value of \"threshold\": \"type limit, track by_src, count 1, "
		     "multiplier 2\"");
	options_fail("detection_filter:track by_flow, count 1, multiplier 2;",
		     "bad value of \"detection_filter\": \"track by_flow, count 1, multiplier "
		     "2\"");
	options_fail("threshold:type limit, track by_host, count 1;",
		     "bad value of \"threshold\": \"type limit, track by_host, count 1\"");
}

/* ---- flowint ------------------------------------------------------------ */

struct fake_ints {
	bool set[RULE_MAX_FLOWINTS];
	uint32_t value[RULE_MAX_FLOWINTS];
};

static bool fake_get(void *owner, uint16_t id, uint32_t *value)
{
	struct fake_ints *f = owner;
	*value = f->value[id];
	return f->set[id];
}

static bool fake_set(void *owner, uint16_t id, uint32_t value)
{
	struct fake_ints *f = owner;
	f->set[id] = true;
	f->value[id] = value;
	return true;
}

static void test_flowint(void **state)
{
	(void)state;
	struct fake_ints ints = {0};
	struct rule_flowints view = {.owner = &ints, .get = fake_get, .set = fake_set};
	struct packet p = {.flags = PACKET_IPV4 | PACKET_TCP, .ip_version = 4};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1, .flowints = &view};

	struct rule *count = options_ok("tcp", "flowint:fi.count,notset; flowint:fi.count,+,1;");
	struct rule *more = options_ok("tcp", "flowint:fi.count,isset; flowint:fi.count,+,5;");
	struct rule *big = options_ok("tcp", "flowint:fi.count,>=,6; flowint:fi.limit,=,3;");
	struct rule *cmp = options_ok("tcp", "flowint:fi.count,>,fi.limit;");
	struct rule *none = options_ok("tcp", "flowint:fi.other,==,0;");

	/* not set: notset holds, isset and comparisons do not */
	assert_true(rule_match(count, &ctx));
	assert_false(rule_match(more, &ctx));
	assert_false(rule_match(none, &ctx));
	rule_match_apply_flowints(count, &ctx); /* + on an unset integer starts from 0 */
	assert_false(rule_match(count, &ctx));
	assert_true(rule_match(more, &ctx));
	assert_false(rule_match(big, &ctx));
	rule_match_apply_flowints(more, &ctx); /* 1 + 5 */
	assert_true(rule_match(big, &ctx));
	assert_false(rule_match(cmp, &ctx)); /* fi.limit not set yet */
	rule_match_apply_flowints(big, &ctx);
	assert_true(rule_match(cmp, &ctx)); /* 6 > 3 */

	/* without a flow, no test holds and nothing is applied */
	ctx.flowints = NULL;
	assert_false(rule_match(more, &ctx));
	rule_match_apply_flowints(more, &ctx);
	rule_free(count);
	rule_free(more);
	rule_free(big);
	rule_free(cmp);
	rule_free(none);

	options_fail("flowint:a;", "bad value of \"flowint\": \"a\"");
	options_fail("flowint:a,+;", "bad value of \"flowint\": \"a,+\"");
	options_fail("flowint:a,isset,1;", "bad value of \"flowint\": \"a,isset,1\"");
	options_fail("flowint:a,~,1;", "bad value of \"flowint\": \"a,~,1\"");
	options_fail("flowint:a,=,99999999999;", "bad value of \"flowint\": \"a,=,99999999999\"");
	options_fail("flowint:,=,1;", "bad value of \"flowint\": \",=,1\"");
}

/* ---- xbits, hostbits ---------------------------------------------------- */

/* A fake worker table: bit id per track, no addresses (the table is test_xbits.c's). */
struct fake_xbits {
	bool set[RULE_MAX_XBITS][3];
	uint32_t expire[RULE_MAX_XBITS];
	unsigned changes;
};

static bool fake_isset(void *owner, uint16_t id, enum rule_xbits_track track,
		       const struct packet *packet)
{
	(void)packet;
	return ((struct fake_xbits *)owner)->set[id][track];
}

static void fake_change(void *owner, uint16_t id, enum rule_xbits_track track,
			enum rule_xbits_change change, uint32_t expire_s,
			const struct packet *packet)
{
	struct fake_xbits *f = owner;
	(void)packet;
	f->changes++;
	f->expire[id] = expire_s;
	if (change == RULE_XBITS_TOGGLE)
		f->set[id][track] = !f->set[id][track];
	else
		f->set[id][track] = change == RULE_XBITS_SET;
}

static void test_xbits(void **state)
{
	(void)state;
	struct fake_xbits bits = {0};
	struct rule_xbits view = {.owner = &bits, .isset = fake_isset, .change = fake_change};
	struct packet p = {.flags = PACKET_IPV4 | PACKET_TCP, .ip_version = 4};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1, .xbits = &view};

	struct rule *set = options_ok("ip", "xbits:set,xb.pair,track ip_pair, expire 60;");
	struct rule *isset = options_ok("ip", "xbits:isset,xb.pair,track ip_pair;");
	struct rule *notset = options_ok("ip", "xbits:isnotset,xb.pair,track  ip_pair;");
	struct rule *host = options_ok("ip", "hostbits:toggle,xb.pair,dst;");
	struct rule *both = options_ok("ip", "hostbits:isset,xb.pair,both;");
	uint16_t id = (uint16_t)rule_parser_xbit(parser, "xb.pair");

	assert_true(rule_match(set, &ctx)); /* an action always holds */
	assert_false(rule_match(isset, &ctx));
	assert_true(rule_match(notset, &ctx));
	rule_match_apply_xbits(set, &ctx);
	assert_int_equal(bits.expire[id], 60);
	assert_true(rule_match(isset, &ctx));
	assert_false(rule_match(notset, &ctx));
	rule_match_apply_xbits(isset, &ctx); /* a test changes nothing */
	assert_int_equal(bits.changes, 1);
	/* hostbits and xbits share names: the same bit, by host */
	rule_match_apply_xbits(host, &ctx);
	assert_true(bits.set[id][RULE_XBITS_IP_DST]);
	assert_int_equal(bits.expire[id], 30); /* Suricata's default expiry */
	assert_false(rule_match(both, &ctx));
	bits.set[id][RULE_XBITS_IP_SRC] = true;
	assert_true(rule_match(both, &ctx));
	/* without the worker's table no test holds */
	ctx.xbits = NULL;
	assert_false(rule_match(isset, &ctx));
	assert_false(rule_match(notset, &ctx));
	rule_free(set);
	rule_free(isset);
	rule_free(notset);
	rule_free(host);
	rule_free(both);
	rule_free(options_ok("ip", "hostbits:set,h;"));
	rule_free(options_ok("ip", "hostbits:unset,h,track ip_dst,expire 5;"));

	options_fail("xbits:set,a;", "bad value of \"xbits\": \"set,a\"");
	options_fail("xbits:set,a,track ip_both;",
		     "bad value of \"xbits\": \"set,a,track ip_both\"");
	options_fail("xbits:set,a,src;", "bad value of \"xbits\": \"set,a,src\"");
	options_fail("xbits:flip,a,track ip_src;",
		     "bad value of \"xbits\": \"flip,a,track ip_src\"");
	options_fail("xbits:set,a,track ip_src,expire 0;",
		     "bad value of \"xbits\": \"set,a,track ip_src,expire 0\"");
	options_fail("xbits:set,a,track ip_src,expire 5,x;",
		     "bad value of \"xbits\": \"set,a,track ip_src,expire 5,x\"");
	options_fail("hostbits:set,a,both;", "bad value of \"hostbits\": \"set,a,both\"");
	options_fail("hostbits:set,a,track ip_pair;",
		     "bad value of \"hostbits\": \"set,a,track ip_pair\"");
	options_fail("hostbits:set;", "bad value of \"hostbits\": \"set\"");
	options_fail("hostbits:set,a b;", "bad value of \"hostbits\": \"set,a b\"");
}

/* ---- app-layer-protocol modes ------------------------------------------- */

static void test_app_layer_protocol_modes(void **state)
{
	(void)state;
	struct packet p = {.flags = PACKET_IPV4 | PACKET_TCP, .ip_version = 4};
	struct rule_match_ctx ctx = {
	    .packet = &p, .app_proto = RULE_PROTO_HTTP, .app_proto_original = RULE_PROTO_HTTP};
	static const char *const holds[] = {
	    "app-layer-protocol:http1,to_server;", "app-layer-protocol:http, to_client;",
	    "app-layer-protocol:!tls,final;",	   "app-layer-protocol:http,original;",
	    "app-layer-protocol:http,either;",	   "app-layer-protocol:http,direction;",
	};
	for (size_t i = 0; i < sizeof(holds) / sizeof(holds[0]); i++) {
		struct rule *rule = options_ok("tcp", holds[i]);
		if (!rule_match(rule, &ctx))
			fail_msg("no match: %s", holds[i]);
		rule_free(rule);
	}
	struct rule *rule = options_ok("tcp", "app-layer-protocol:tls,to_server;");
	assert_false(rule_match(rule, &ctx));
	ctx.app_proto = -1; /* not detected yet: neither tls nor !tls */
	assert_false(rule_match(rule, &ctx));
	rule_free(rule);
	/* upgraded from HTTP/1 to HTTP/2: original is the one before, final the one now */
	ctx.app_proto = RULE_PROTO_HTTP2;
	ctx.app_proto_original = RULE_PROTO_HTTP;
	static const struct {
		const char *options;
		bool holds;
	} upgraded[] = {
	    {"app-layer-protocol:http1,original;", true},
	    {"app-layer-protocol:http2,final;", true},
	    {"app-layer-protocol:http2,original;", false},
	    {"app-layer-protocol:http1,final;", false},
	    {"app-layer-protocol:http1,either;", true},
	    {"app-layer-protocol:http2;", true},
	    {"app-layer-protocol:http;", true}, /* http names both versions */
	};
	for (size_t i = 0; i < sizeof(upgraded) / sizeof(upgraded[0]); i++) {
		rule = options_ok("tcp", upgraded[i].options);
		if (rule_match(rule, &ctx) != upgraded[i].holds)
			fail_msg("%s: expected %d", upgraded[i].options, upgraded[i].holds);
		rule_free(rule);
	}
	options_fail("app-layer-protocol:http,sideways;",
		     "bad value of \"app-layer-protocol\": \"http,sideways\"");
	options_fail("app-layer-protocol:http,;", "bad value of \"app-layer-protocol\": \"http,\"");
	options_fail("app-layer-protocol:,to_server;",
		     "bad value of \"app-layer-protocol\": \",to_server\"");
}

/* ---- decode-event, pkthdr ----------------------------------------------- */

static void test_decode_event(void **state)
{
	(void)state;
	struct packet p = {.flags = PACKET_IPV4, .ip_version = 4};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1};
	struct rule *rule = parse_ok("alert pkthdr any any -> any any (msg:\"m\"; "
				     "decode-event:ipv6.frag_overlap; sid:2200072; rev:2;)");
	assert_int_equal(rule->proto, RULE_PROTO_PKTHDR);
	assert_false(rule_proto_is_app(rule->proto));
	assert_true(rule->de_only);
	assert_false(rule->ip_only);
	assert_false(rule_match(rule, &ctx));
	ctx.events = RULE_EVENT_BIT(RULE_EVENT_IPV4_FRAG_OVERLAP);
	assert_false(rule_match(rule, &ctx));
	ctx.events |= RULE_EVENT_BIT(RULE_EVENT_IPV6_FRAG_OVERLAP);
	assert_true(rule_match(rule, &ctx));
	rule_free(rule);
	/* an event vigil never raises loads and never matches */
	rule = options_ok("pkthdr", "decode-event:ppp.vju_pkt_too_small;");
	ctx.events = ~0ull;
	assert_false(rule_match(rule, &ctx));
	rule_free(rule);
	for (unsigned i = 0; i < RULE_EVENT_COUNT; i++)
		assert_non_null(strchr(rule_decode_event_name[i], '.'));
	options_fail("decode-event:nodot;", "bad value of \"decode-event\": \"nodot\"");
	options_fail("decode-event:a.b.c;", "bad value of \"decode-event\": \"a.b.c\"");
	options_fail("decode-event:ipv4.bad-name;",
		     "bad value of \"decode-event\": \"ipv4.bad-name\"");
	options_fail("decode-event:;", "keyword \"decode-event\" needs a value");

	/* stream events load; vigil raises none of them, so they never match */
	rule = options_ok("tcp", "stream-event:reassembly_seq_gap;");
	assert_true(rule->de_only);
	assert_false(rule_match(rule, &ctx));
	rule_free(rule);
	options_fail("stream-event:bad name;", "bad value of \"stream-event\": \"bad name\"");
	options_fail("stream-event:a.b;", "bad value of \"stream-event\": \"a.b\"");
}

/* ---- app-layer-event ---------------------------------------------------- */

static void test_app_layer_event(void **state)
{
	(void)state;
	struct packet p = {.flags = PACKET_IPV4 | PACKET_UDP, .ip_version = 4};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1};
	struct rule *rule = options_ok("dns", "app-layer-event:dns.z_flag_set;");
	/* checked on the units that carry events only */
	assert_true((rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_APP_EVENTS)) != 0);
	assert_false(rule_match(rule, &ctx));
	uint8_t events[2] = {RULE_APP_EVENT_DNS_MALFORMED_DATA, RULE_APP_EVENT_DNS_NOT_A_REQUEST};
	ctx.buffer[RULE_BUFFER_APP_EVENTS] = events;
	ctx.buffer_len[RULE_BUFFER_APP_EVENTS] = 2;
	assert_false(rule_match(rule, &ctx));
	events[1] = RULE_APP_EVENT_DNS_Z_FLAG_SET;
	assert_true(rule_match(rule, &ctx));
	rule_free(rule);
	/* detection's own events have no protocol */
	rule = options_ok("ip", "flow:established; "
				"app-layer-event:applayer_mismatch_protocol_both_directions;");
	assert_false(rule_match(rule, &ctx));
	events[0] = RULE_APP_EVENT_APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS;
	ctx.flow = RULE_MATCH_ESTABLISHED | RULE_MATCH_HAS_FLOW;
	assert_true(rule_match(rule, &ctx));
	rule_free(rule);
	/* an SMTP event the parser raises (app_smtp.c) */
	rule = options_ok("smtp", "app-layer-event:smtp.mime_long_boundary;");
	assert_false(rule_match(rule, &ctx));
	events[0] = RULE_APP_EVENT_SMTP_MIME_LONG_BOUNDARY;
	assert_true(rule_match(rule, &ctx));
	rule_free(rule);
	/* an event vigil never raises loads and never matches */
	rule = options_ok("smtp", "app-layer-event:smtp.duplicate_fields;");
	uint8_t all[RULE_APP_EVENT_COUNT];
	for (unsigned i = 0; i < RULE_APP_EVENT_COUNT; i++)
		all[i] = (uint8_t)i;
	ctx.buffer[RULE_BUFFER_APP_EVENTS] = all;
	ctx.buffer_len[RULE_BUFFER_APP_EVENTS] = RULE_APP_EVENT_COUNT;
	assert_false(rule_match(rule, &ctx));
	rule_free(rule);
	options_fail("app-layer-event:a.b.c;", "bad value of \"app-layer-event\": \"a.b.c\"");
	options_fail("app-layer-event:dns.;", "bad value of \"app-layer-event\": \"dns.\"");
	options_fail("app-layer-event:!dns.z_flag_set;",
		     "bad value of \"app-layer-event\": \"!dns.z_flag_set\"");
	options_fail("app-layer-event:;", "keyword \"app-layer-event\" needs a value");
}

/* ---- ipv4-csum, tcpv4-csum, ... ----------------------------------------- */

/* RFC 1071 over data, starting from sum; the complement to write in the header. */
static uint16_t test_csum(uint32_t sum, const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i += 2)
		sum += (uint32_t)data[i] << 8 | (i + 1 < len ? data[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void test_checksums(void **state)
{
	(void)state;
	/* IPv4 (20 bytes) + TCP (20 bytes) + "hi", checksums right */
	uint8_t frame[42] = {0x45, 0, 0, 42, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
	uint8_t *tcp = frame + 20;
	tcp[1] = 80, tcp[3] = 99, tcp[12] = 0x50, tcp[13] = 0x18;
	frame[40] = 'h', frame[41] = 'i';
	uint16_t ip_sum = test_csum(0, frame, 20);
	frame[10] = (uint8_t)(ip_sum >> 8), frame[11] = (uint8_t)ip_sum;
	uint32_t pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + 22;
	uint16_t tcp_sum = test_csum(pseudo, tcp, 22);
	tcp[16] = (uint8_t)(tcp_sum >> 8), tcp[17] = (uint8_t)tcp_sum;
	struct packet p = {.data = frame,
			   .len = sizeof(frame),
			   .flags = PACKET_IPV4 | PACKET_TCP,
			   .ip_version = 4,
			   .l3_offset = 0,
			   .l3_len = 42,
			   .l4_offset = 20,
			   .src_addr = {10, 0, 0, 1},
			   .dst_addr = {10, 0, 0, 2}};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1};
	struct rule *ip_valid = options_ok("ip", "ipv4-csum:valid;");
	struct rule *tcp_valid = options_ok("tcp", "tcpv4-csum: valid;");
	struct rule *tcp_invalid = options_ok("tcp", "tcpv4-csum:invalid;");
	struct rule *udp_invalid = options_ok("udp", "udpv4-csum:invalid;");
	struct rule *tcp6_valid = options_ok("tcp", "tcpv6-csum:valid;");
	assert_true(rule_match(ip_valid, &ctx));
	assert_true(rule_match(tcp_valid, &ctx));
	assert_false(rule_match(tcp_invalid, &ctx));
	assert_false(rule_match(udp_invalid, &ctx)); /* not UDP: neither valid nor invalid */
	assert_false(rule_match(tcp6_valid, &ctx));
	frame[41] ^= 1; /* the payload changed, the checksum did not */
	assert_true(rule_match(ip_valid, &ctx));
	assert_false(rule_match(tcp_valid, &ctx));
	assert_true(rule_match(tcp_invalid, &ctx));
	frame[8] = 63; /* ttl: the IP header's checksum is wrong now */
	assert_false(rule_match(ip_valid, &ctx));
	/* a fragment's transport checksum is the datagram's: no answer */
	p.flags |= PACKET_FRAGMENT;
	assert_false(rule_match(tcp_invalid, &ctx));
	rule_free(ip_valid);
	rule_free(tcp_valid);
	rule_free(tcp_invalid);
	rule_free(udp_invalid);
	rule_free(tcp6_valid);
	options_fail("tcpv4-csum:maybe;",
		     "bad value of \"tcpv4-csum\": \"maybe\" (valid or invalid)");
	options_fail("ipv4-csum;", "keyword \"ipv4-csum\" needs a value");
}

/* ---- stream_size -------------------------------------------------------- */

static void test_stream_size(void **state)
{
	(void)state;
	struct packet p = {.flags = PACKET_IPV4 | PACKET_TCP, .ip_version = 4};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1};
	struct rule *client = options_ok("tcp", "stream_size:client,<,5;");
	struct rule *server = options_ok("tcp", "stream_size:server, >=, 100;");
	struct rule *both = options_ok("tcp", "stream_size:both,!=,1;");
	struct rule *either = options_ok("tcp", "stream_size:either,=,1;");
	assert_false(rule_match(client, &ctx)); /* no TCP handshake seen: never */
	ctx.has_stream_size = true;
	ctx.stream_size[0] = 1; /* the client's SYN only */
	ctx.stream_size[1] = 100;
	assert_true(rule_match(client, &ctx));
	assert_true(rule_match(server, &ctx));
	assert_false(rule_match(both, &ctx));
	assert_true(rule_match(either, &ctx));
	ctx.stream_size[0] = 5;
	assert_false(rule_match(client, &ctx));
	assert_true(rule_match(both, &ctx));
	assert_false(rule_match(either, &ctx));
	rule_free(client);
	rule_free(server);
	rule_free(both);
	rule_free(either);
	options_fail("stream_size:client,<;", "bad value of \"stream_size\": \"client,<\"");
	options_fail("stream_size:middle,<,5;", "bad value of \"stream_size\": \"middle,<,5\"");
	options_fail("stream_size:client,=>,5;", "bad value of \"stream_size\": \"client,=>,5\"");
	options_fail("stream_size:client,<,x;", "bad value of \"stream_size\": \"client,<,x\"");
	options_fail("stream_size:client,<,5,6;", "bad value of \"stream_size\": \"client,<,5,6\"");
}

/* ---- flow.age ----------------------------------------------------------- */

static void test_flow_age(void **state)
{
	(void)state;
	struct packet p = {.flags = PACKET_IPV4 | PACKET_UDP, .ip_version = 4};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1, .flow_age_s = 21};
	struct rule *rule = options_ok("ip", "flow.age:>20;");
	assert_false(rule_match(rule, &ctx)); /* no flow */
	ctx.flow = RULE_MATCH_HAS_FLOW;
	assert_true(rule_match(rule, &ctx));
	ctx.flow_age_s = 20;
	assert_false(rule_match(rule, &ctx));
	rule_free(rule);
	rule = options_ok("ip", "flow.age:10-30;");
	assert_true(rule_match(rule, &ctx));
	rule_free(rule);
	options_fail("flow.age:old;", "bad value of \"flow.age\": \"old\"");
	options_fail("flow.age:;", "keyword \"flow.age\" needs a value");
}

/* ---- entropy ------------------------------------------------------------ */

static bool entropy_matches(const char *options, const char *data)
{
	struct packet p = {.flags = PACKET_IPV4 | PACKET_TCP, .ip_version = 4};
	struct rule_match_ctx ctx = {.packet = &p, .app_proto = -1};
	ctx.buffer[RULE_BUFFER_PKT_DATA] = (const uint8_t *)data;
	ctx.buffer_len[RULE_BUFFER_PKT_DATA] = (uint32_t)strlen(data);
	return packet_matches_ctx(options, &ctx);
}

static void test_entropy(void **state)
{
	(void)state;
	/* "abcd": 2 bits a byte; "aaaa": 0 */
	assert_true(entropy_matches("entropy:value 2;", "abcd"));
	assert_true(entropy_matches("entropy:value = 2;", "abcd"));
	assert_true(entropy_matches("entropy: value >1.5;", "abcd"));
	assert_false(entropy_matches("entropy:value > 2;", "abcd"));
	assert_true(entropy_matches("entropy:value >= 2;", "abcd"));
	assert_true(entropy_matches("entropy:value 1-3;", "abcd"));
	assert_false(entropy_matches("entropy:value 2-3;", "abcd")); /* ends excluded */
	assert_true(entropy_matches("entropy:value !2-3;", "abcd"));
	assert_true(entropy_matches("entropy:value != 1;", "abcd"));
	assert_true(entropy_matches("entropy:value < 0.5;", "aaaa"));
	/* offset and bytes pick the bytes: "aaaa" then "abcd" */
	assert_true(entropy_matches("entropy:bytes 4, value 0;", "aaaaabcd"));
	assert_true(entropy_matches("entropy:offset 4, value 2;", "aaaaabcd"));
	assert_true(entropy_matches("entropy:offset -4, value 2;", "aaaaabcd"));
	assert_false(entropy_matches("entropy:offset 8, value 0;", "aaaaabcd")); /* past the end */
	/* a content after it still starts at the buffer's start: the cursor stays */
	assert_true(entropy_matches("entropy:value > 1; content:\"ab\"; depth:2;", "abcd"));
	options_fail("entropy:bytes 4;", "bad value of \"entropy\": \"bytes 4\"");
	options_fail("entropy:value > 9;", "bad value of \"entropy\": \"value > 9\"");
	options_fail("entropy:value !4;", "bad value of \"entropy\": \"value !4\"");
	options_fail("entropy:value 5-4;", "bad value of \"entropy\": \"value 5-4\"");
	options_fail("entropy:value 4, value 5;", "bad value of \"entropy\": \"value 4, value 5\"");
	options_fail("entropy:bytes 0, value 4;", "bad value of \"entropy\": \"bytes 0, value 4\"");
	options_fail("entropy:depth 4, value 4;", "bad value of \"entropy\": \"depth 4, value 4\"");
}

/* ---- header sticky buffers ---------------------------------------------- */

static void test_header_buffer_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int buffer;
	} names[] = {
	    {"ipv4.hdr", RULE_BUFFER_IPV4_HDR},	    {"ipv6.hdr", RULE_BUFFER_IPV6_HDR},
	    {"tcp.hdr", RULE_BUFFER_TCP_HDR},	    {"udp.hdr", RULE_BUFFER_UDP_HDR},
	    {"icmpv4.hdr", RULE_BUFFER_ICMPV4_HDR}, {"icmpv6.hdr", RULE_BUFFER_ICMPV6_HDR}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char options[64];
		snprintf(options, sizeof(options), "%s; content:\"|00|\";", names[i].name);
		struct rule *rule = options_ok("ip", options);
		assert_int_equal(rule->options[0].buffer, names[i].buffer);
		assert_true(RULE_BUFFER_IS_HEADER(rule->options[0].buffer));
		assert_false(rule->buffers_used & ~RULE_BUFFERS_PACKET); /* not an app rule */
		rule_free(rule);
	}
	assert_false(RULE_BUFFER_IS_HEADER(RULE_BUFFER_PKT_DATA));
	assert_false(RULE_BUFFER_IS_HEADER(RULE_BUFFER_HTTP_URI));
}

/* ---- rule types --------------------------------------------------------- */

static void test_rule_types(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		bool ip_only, pd_only;
	} cases[] = {
	    {"alert tcp any any -> any any (sid:3;)", true, false},
	    {"alert ip 10.0.0.0/8 any -> any any (msg:\"m\"; noalert; sid:3;)", true, false},
	    {"alert tcp any any -> any 80 (sid:3;)", false, false},	  /* a port */
	    {"alert ip !10.0.0.1 any -> any any (sid:3;)", false, false}, /* like IP-only */
	    {"alert tcp any any -> any any (ttl:3; sid:3;)", false, false},
	    {"alert http any any -> any any (sid:3;)", false, false},
	    {"alert tcp any any -> any any (flow:to_server; sid:3;)", false, false},
	    {"alert tcp any any -> any any (app-layer-protocol:!dns; sid:3;)", false, true},
	    {"alert tcp any any -> any [80,443] (flow:to_server; app-layer-protocol:!http; "
	     "app-layer-protocol:!tls; sid:3;)",
	     false, true},
	    {"alert tcp any any -> any any (flow:established; app-layer-protocol:tls; sid:3;)",
	     false, false},
	    {"alert tcp any any -> any any (app-layer-protocol:tls; content:\"x\"; sid:3;)", false,
	     false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rule *rule = parse_ok(cases[i].text);
		if (rule->ip_only != cases[i].ip_only || rule->pd_only != cases[i].pd_only)
			fail_msg("%s: ip_only %d pd_only %d", cases[i].text, rule->ip_only,
				 rule->pd_only);
		rule_free(rule);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_icmp_keywords),
	    cmocka_unit_test(test_tcp_keywords),
	    cmocka_unit_test(test_ipopts),
	    cmocka_unit_test(test_vlan),
	    cmocka_unit_test(test_prefilter_and_alert),
	    cmocka_unit_test(test_threshold_suricata8),
	    cmocka_unit_test(test_flowint),
	    cmocka_unit_test(test_xbits),
	    cmocka_unit_test(test_app_layer_protocol_modes),
	    cmocka_unit_test(test_decode_event),
	    cmocka_unit_test(test_app_layer_event),
	    cmocka_unit_test(test_checksums),
	    cmocka_unit_test(test_stream_size),
	    cmocka_unit_test(test_flow_age),
	    cmocka_unit_test(test_entropy),
	    cmocka_unit_test(test_header_buffer_names),
	    cmocka_unit_test(test_rule_types),
	};
	return cmocka_run_group_tests_name("rule_packet", tests, setup, teardown);
}
