/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the protocol keywords: the number tests of kw_field.c
 * (dns.opcode, dns.rcode, dns.rrtype in kw_dns.c; tls.cert_chain_len),
 * the TLS tests of kw_tls.c (tls.subject, tls.issuerdn, tls.fingerprint,
 * tls.version, ssl_version, ssl_state), the old forms (uricontent, the
 * underscore HTTP sticky names) and the protocol sticky buffers of
 * buffer.h (DNS, TLS, SIP, SSH). Each keyword is parsed from rule text
 * (good and bad values) and matched with rule_match() against buffers
 * laid out as the parsers lay them out (exact-length heap copies), with
 * one input that matches and one that does not.
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

static struct rule_parser *parser;

static struct rule *parse_options(const char *options)
{
	char text[2048];

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

/* Match options against one buffer holding data (an exact-length heap copy). */
static bool match_in(const char *options, int buffer, const void *data, size_t len)
{
	struct rule *rule = parse_ok(options);
	struct rule_match_ctx ctx;
	uint8_t *copy = malloc(len ? len : 1);

	memset(&ctx, 0, sizeof(ctx));
	memcpy(copy, data, len);
	ctx.buffer[buffer] = copy;
	ctx.buffer_len[buffer] = (uint32_t)len;
	bool hit = rule_match(rule, &ctx);
	free(copy);
	rule_free(rule);
	return hit;
}

static bool match_str(const char *options, int buffer, const char *text)
{
	return match_in(options, buffer, text, strlen(text));
}

/* dns.meta as the DNS parser fills it: flags, then rrtypes, big-endian. */
static bool match_dns(const char *options, uint16_t flags, const uint16_t *types, unsigned n)
{
	uint8_t meta[2 + 2 * 8];
	meta[0] = (uint8_t)(flags >> 8);
	meta[1] = (uint8_t)flags;
	for (unsigned i = 0; i < n; i++) {
		meta[2 + 2 * i] = (uint8_t)(types[i] >> 8);
		meta[3 + 2 * i] = (uint8_t)types[i];
	}
	return match_in(options, RULE_BUFFER_DNS_META, meta, 2 + 2 * n);
}

static bool match_tls(const char *options, uint16_t version, uint8_t handshake, int chain)
{
	struct rule_tls_meta m = {.version = version, .handshake = handshake};
	if (chain >= 0) {
		m.has_chain = 1;
		m.chain_len = (uint32_t)chain;
	}
	return match_in(options, RULE_BUFFER_TLS_META, &m, sizeof(m));
}

/* ---- old forms ---------------------------------------------------------- */

static void test_uricontent(void **state)
{
	(void)state;
	struct rule *rule = parse_ok("uricontent:\"/a\"; nocase; content:\"x\";");
	assert_int_equal(rule->option_count, 2);
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_HTTP_URI);
	assert_string_equal(rule_keywords[rule->options[0].keyword].name, "content");
	assert_int_equal(rule->options[1].buffer, RULE_BUFFER_PKT_DATA); /* not sticky */
	assert_true(rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI));
	rule_free(rule);
	assert_true(match_str("uricontent:\"images.gif\";", RULE_BUFFER_HTTP_URI, "/images.gif"));
	assert_true(match_str("uricontent:\"IMAGES\"; nocase;", RULE_BUFFER_HTTP_URI, "/images"));
	assert_false(match_str("uricontent:\"images.gif\";", RULE_BUFFER_HTTP_URI, "/index.html"));
	assert_false(match_str("uricontent:\"images.gif\";", RULE_BUFFER_PKT_DATA, "/images.gif"));
	assert_true(match_str("uricontent:\"/a\"; uricontent:\"c\"; distance:1;",
			      RULE_BUFFER_HTTP_URI, "/a/b/c"));
	parse_fails("uricontent;", "needs a value");
	parse_fails("uricontent:\"\";", "needs a value");
	parse_fails("uricontent:\"|zz|\";", "content");
}

static void test_http_underscore_names(void **state)
{
	static const struct {
		const char *name;
		int buffer;
	} names[] = {
	    {"http_header_names", RULE_BUFFER_HTTP_HEADER_NAMES},
	    {"http_accept", RULE_BUFFER_HTTP_ACCEPT},
	    {"http_accept_lang", RULE_BUFFER_HTTP_ACCEPT_LANG},
	    {"http_accept_enc", RULE_BUFFER_HTTP_ACCEPT_ENC},
	    {"http_referer", RULE_BUFFER_HTTP_REFERER},
	    {"http_connection", RULE_BUFFER_HTTP_CONNECTION},
	    {"http_content_len", RULE_BUFFER_HTTP_CONTENT_LEN},
	    {"http_content_type", RULE_BUFFER_HTTP_CONTENT_TYPE},
	    {"http_start", RULE_BUFFER_HTTP_START},
	    {"http_protocol", RULE_BUFFER_HTTP_PROTOCOL},
	    {"http_request_line", RULE_BUFFER_HTTP_REQUEST_LINE},
	    {"http_response_line", RULE_BUFFER_HTTP_RESPONSE_LINE},
	    {"http_server", RULE_BUFFER_HTTP_SERVER},
	    {"http_location", RULE_BUFFER_HTTP_LOCATION},
	};
	char options[256];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(options, sizeof(options), "%s; content:\"v\";", names[i].name);
		struct rule *rule = parse_ok(options);
		assert_int_equal(rule->options[0].buffer, names[i].buffer);
		rule_free(rule);
		assert_true(match_str(options, names[i].buffer, "a v"));
		assert_false(match_str(options, names[i].buffer, "a w"));
		assert_false(match_str(options, RULE_BUFFER_PKT_DATA, "a v"));
	}
	/* sticky names, not modifiers: a value is refused */
	parse_fails("http_header_names:1; content:\"x\";", "takes no value");
}

/* http.request_header / http.response_header: sticky buffers of one header each. */
static void test_http_header_instance_buffers(void **state)
{
	(void)state;
	struct rule *rule = parse_ok("http.request_header; content:\"Key|3a 20|\"; startswith;");
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_HTTP_REQUEST_HEADER);
	rule_free(rule);
	assert_true(match_str("http.request_header; content:\"Key|3a 20|\"; startswith;",
			      RULE_BUFFER_HTTP_REQUEST_HEADER, "Key: abc"));
	assert_false(match_str("http.request_header; content:\"Key|3a 20|\"; startswith;",
			       RULE_BUFFER_HTTP_REQUEST_HEADER, "X-Key: abc"));
	assert_true(match_str("http.response_header; bsize:7; content:\"Date\";",
			      RULE_BUFFER_HTTP_RESPONSE_HEADER, "Date: d"));
	assert_false(match_str("http.response_header; content:\"Date\";",
			       RULE_BUFFER_HTTP_REQUEST_HEADER, "Date: d"));
	parse_fails("http.request_header:1; content:\"x\";", "takes no value");
}

/*
 * Multiple buffer matching: each statement of a multi-buffer's sticky
 * keyword is matched on its own, against this instance or (through
 * instances_before) an earlier one of the message.
 */
static void test_multi_buffer_statements(void **state)
{
	(void)state;
	const char *two = "http.request_header; content:\"a: 1\"; "
			  "http.request_header; content:\"b: 2\";";
	struct rule *rule = parse_ok(two);
	assert_int_equal(rule->options[0].instance, 1);
	assert_int_equal(rule->options[1].instance, 2);
	assert_int_equal(rule->instance_groups, (1u << 1) | (1u << 2));
	struct rule_match_ctx ctx;
	uint32_t now = 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.buffer[RULE_BUFFER_HTTP_REQUEST_HEADER] = (const uint8_t *)"a: 1";
	ctx.buffer_len[RULE_BUFFER_HTTP_REQUEST_HEADER] = 4;
	ctx.instances_now = &now;
	assert_false(rule_match(rule, &ctx)); /* one instance holds only the first */
	assert_int_equal(now, 1u << 1);
	ctx.buffer[RULE_BUFFER_HTTP_REQUEST_HEADER] = (const uint8_t *)"b: 2";
	assert_false(rule_match(rule, &ctx));
	ctx.instances_before = 1u << 1; /* the first matched an earlier header */
	assert_true(rule_match(rule, &ctx));
	assert_int_equal(now, 1u << 2);
	rule_free(rule);
	/* one statement: one chain on one instance, as before */
	rule = parse_ok("http.request_header; content:\"a\"; content:\"b\";");
	assert_int_equal(rule->instance_groups, 0);
	rule_free(rule);
	assert_false(match_str("http.request_header; content:\"a\"; content:\"2\";",
			       RULE_BUFFER_HTTP_REQUEST_HEADER, "b: 2"));
	/* a buffer that is not a multi-buffer keeps one chain across statements */
	rule = parse_ok("http.uri; content:\"a\"; http.uri; content:\"b\";");
	assert_int_equal(rule->instance_groups, 0);
	assert_int_equal(rule->options[1].instance, 0);
	rule_free(rule);
	assert_false(match_str("http.uri; content:\"a\"; http.uri; content:\"b\";",
			       RULE_BUFFER_HTTP_URI, "/a"));
	assert_true(match_str("http.uri; content:\"a\"; http.uri; content:\"b\";",
			      RULE_BUFFER_HTTP_URI, "/ab"));
}

/* ---- HTTP/2 --------------------------------------------------------------- */

/*
 * http2.meta as the HTTP/2 parser fills it for one frame (app_http2.h):
 * type, presence bits, error code, weight, window, size update, then
 * SETTINGS entries. bits: 1 error, 2 priority, 4 window, 8 size update.
 */
static bool match_h2(const char *options, uint8_t type, uint8_t bits, uint32_t value,
		     const uint8_t *settings, size_t settings_len)
{
	uint8_t meta[15 + 6 * 4];
	memset(meta, 0, sizeof(meta));
	meta[0] = type;
	meta[1] = bits;
	int off = bits & 1 ? 2 : bits & 4 ? 7 : 11;
	for (int i = 0; i < 4; i++)
		meta[off + i] = (uint8_t)(value >> (24 - 8 * i));
	if (bits & 2)
		meta[6] = (uint8_t)value;
	assert_true(settings_len <= 6 * 4);
	if (settings_len)
		memcpy(meta + 15, settings, settings_len);
	return match_in(options, RULE_BUFFER_HTTP2_META, meta, 15 + settings_len);
}

static void test_http2_frame_keywords(void **state)
{
	(void)state;
	assert_true(match_h2("http2.frametype:GOAWAY;", 7, 1, 0, NULL, 0));
	assert_true(match_h2("http2.frametype:goaway;", 7, 1, 0, NULL, 0));
	assert_false(match_h2("http2.frametype:GOAWAY;", 4, 0, 0, NULL, 0));
	assert_true(match_h2("http2.frametype:!DATA;", 4, 0, 0, NULL, 0));
	assert_true(match_h2("http2.frametype:>5;", 8, 4, 1, NULL, 0));
	assert_true(match_h2("http2.errorcode:NO_ERROR;", 7, 1, 0, NULL, 0));
	assert_true(match_h2("http2.errorcode:ENHANCE_YOUR_CALM;", 3, 1, 11, NULL, 0));
	assert_false(match_h2("http2.errorcode:NO_ERROR;", 4, 0, 0, NULL, 0)); /* none: no match */
	assert_true(match_h2("http2.window:34634;", 8, 4, 34634, NULL, 0));
	assert_false(match_h2("http2.window:34634;", 8, 4, 34635, NULL, 0));
	assert_true(match_h2("http2.window:>1000;", 8, 4, 34634, NULL, 0));
	assert_true(match_h2("http2.priority:16;", 2, 2, 16, NULL, 0));
	assert_false(match_h2("http2.priority:16;", 1, 0, 0, NULL, 0));
	assert_true(match_h2("http2.size_update:4096;", 1, 8, 4096, NULL, 0));
	assert_false(match_h2("http2.size_update:4096;", 1, 0, 0, NULL, 0));
	parse_fails("http2.frametype:NOPE;", "bad value");
	parse_fails("http2.window:x;", "bad value");
	parse_fails("http2.errorcode;", "value");
}

static void test_http2_settings(void **state)
{
	/* HEADER_TABLE_SIZE 4096, INITIAL_WINDOW_SIZE 65535 */
	static const uint8_t s[] = {0, 1, 0, 0, 0x10, 0, 0, 4, 0, 0, 0xff, 0xff};
	(void)state;
	assert_true(match_h2("http2.settings:SETTINGS_HEADER_TABLE_SIZE>1000;", 4, 0, 0, s, 12));
	assert_false(match_h2("http2.settings:SETTINGS_HEADER_TABLE_SIZE>5000;", 4, 0, 0, s, 12));
	assert_true(match_h2("http2.settings:SETTINGS_INITIAL_WINDOW_SIZE=65535;", 4, 0, 0, s, 12));
	assert_true(match_h2("http2.settings:SETTINGS_INITIAL_WINDOW_SIZE;", 4, 0, 0, s, 12));
	assert_false(match_h2("http2.settings:SETTINGS_ENABLE_PUSH;", 4, 0, 0, s, 12));
	assert_false(match_h2("http2.settings:SETTINGS_ENABLE_PUSH=0;", 4, 0, 0, NULL, 0));
	parse_fails("http2.settings:SETTINGS_BOGUS;", "bad value");
	parse_fails("http2.settings:SETTINGS_ENABLE_PUSH>x;", "bad value");
}

/* http2.header and http2.header_name: sticky buffers of one header each. */
static void test_http2_header_buffers(void **state)
{
	(void)state;
	assert_true(match_str("http2.header_name; content:\":authority\"; bsize:10;",
			      RULE_BUFFER_HTTP2_HEADER_NAME, ":authority"));
	assert_true(match_str("http2.header; content:\"user-agent|3a 20|curl\"; startswith;",
			      RULE_BUFFER_HTTP2_HEADER, "user-agent: curl/8"));
	assert_false(match_str("http2.header; content:\"user-agent\";", RULE_BUFFER_HTTP_HEADER,
			       "user-agent: curl/8"));
}

/* ---- DNS ------------------------------------------------------------------ */

static void test_dns_opcode(void **state)
{
	static const uint16_t a[] = {1};
	(void)state;
	/* opcode 4 (NOTIFY) in a query: flags 0x2000 */
	assert_true(match_dns("dns.opcode:4;", 0x2000, a, 1));
	assert_false(match_dns("dns.opcode:4;", 0x0100, a, 1));
	assert_true(match_dns("dns.opcode:!0;", 0x2000, a, 1));
	assert_false(match_dns("dns.opcode:!0;", 0x0100, a, 1));
	assert_true(match_dns("dns.opcode:1-5;", 0x2000, a, 1));
	assert_false(match_dns("dns.opcode:!1-5;", 0x2000, a, 1));
	assert_true(match_dns("dns.opcode:!7-15;", 0x2000, a, 1));
	assert_true(match_dns("dns.opcode:>=4;", 0x2000, a, 1));
	/* no dns.meta in the unit: no match */
	assert_false(match_str("dns.opcode:0;", RULE_BUFFER_DNS_QUERY, "a.example"));
	parse_fails("dns.opcode:16;", "bad value of \"dns.opcode\"");
	parse_fails("dns.opcode:x;", "bad value of \"dns.opcode\"");
	parse_fails("dns.opcode:!;", "bad value of \"dns.opcode\"");
	parse_fails("dns.opcode:!!1;", "bad value of \"dns.opcode\"");
	parse_fails("dns.opcode;", "needs a value");
}

static void test_dns_rcode(void **state)
{
	static const uint16_t a[] = {1};
	(void)state;
	assert_true(match_dns("dns.rcode:3;", 0x8183, a, 1));
	assert_true(match_dns("dns.rcode:nxdomain;", 0x8183, a, 1));
	assert_true(match_dns("dns.rcode:NXDOMAIN;", 0x8183, a, 1));
	assert_false(match_dns("dns.rcode:3;", 0x8180, a, 1));
	assert_true(match_dns("dns.rcode:!2;", 0x8180, a, 1));
	assert_false(match_dns("dns.rcode:!noerror;", 0x8180, a, 1));
	parse_fails("dns.rcode:bogus;", "bad value of \"dns.rcode\"");
	parse_fails("dns.rcode:300;", "bad value of \"dns.rcode\"");
}

static void test_dns_rrtype(void **state)
{
	static const uint16_t a_mx[] = {1, 15}, ns[] = {2};
	(void)state;
	assert_true(match_dns("dns.rrtype:1;", 0x0100, a_mx, 2));
	assert_true(match_dns("dns.rrtype:MX;", 0x0100, a_mx, 2));
	assert_true(match_dns("dns.rrtype:aaaa;", 0x0100, (const uint16_t[]){28}, 1));
	assert_false(match_dns("dns.rrtype:28;", 0x0100, a_mx, 2));
	/* negation holds when one rrtype is not the one named, as Suricata */
	assert_true(match_dns("dns.rrtype:!2;", 0x8180, a_mx, 2));
	assert_false(match_dns("dns.rrtype:!2;", 0x8180, ns, 1));
	assert_false(match_dns("dns.rrtype:1;", 0x8180, NULL, 0));
	parse_fails("dns.rrtype:70000;", "bad value of \"dns.rrtype\"");
	parse_fails("dns.rrtype:NOPE;", "bad value of \"dns.rrtype\"");
}

static void test_dns_buffers(void **state)
{
	static const struct {
		const char *name;
		int buffer;
	} names[] = {
	    {"dns.query", RULE_BUFFER_DNS_QUERY},
	    {"dns_query", RULE_BUFFER_DNS_QUERY},
	    {"dns.queries.rrname", RULE_BUFFER_DNS_QUERIES_RRNAME},
	    {"dns.query.name", RULE_BUFFER_DNS_QUERIES_RRNAME},
	    {"dns.answers.rrname", RULE_BUFFER_DNS_ANSWERS_RRNAME},
	    {"dns.answer.name", RULE_BUFFER_DNS_ANSWERS_RRNAME},
	    {"dns.authorities.rrname", RULE_BUFFER_DNS_AUTHORITIES_RRNAME},
	    {"dns.additionals.rrname", RULE_BUFFER_DNS_ADDITIONALS_RRNAME},
	    {"dns.response.rrname", RULE_BUFFER_DNS_RESPONSE_RRNAME},
	};
	char options[256];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(options, sizeof(options), "%s; content:\"suricata\"; dns.opcode:0;",
			 names[i].name);
		struct rule *rule = parse_ok(options);
		assert_int_equal(rule->options[0].buffer, names[i].buffer);
		rule_free(rule);
		snprintf(options, sizeof(options), "%s; content:\"suricata\";", names[i].name);
		assert_true(match_str(options, names[i].buffer, "www.suricata.io"));
		assert_false(match_str(options, names[i].buffer, "www.example.com"));
	}
}

/* ---- TLS ------------------------------------------------------------------ */

static void test_tls_subject_issuer(void **state)
{
	const char *subject = "C=FR, ST=IDF, L=Paris, O=Stamus, CN=SELKS";
	(void)state;
	assert_true(match_str("tls.subject:\"CN=SELKS\";", RULE_BUFFER_TLS_CERT_SUBJECT, subject));
	assert_true(match_str("tls.subject:\"C=FR, ST=IDF, L=Paris, O=Stamus, CN=SELKS\";",
			      RULE_BUFFER_TLS_CERT_SUBJECT, subject));
	assert_false(match_str("tls.subject:\"CN=selks\";", RULE_BUFFER_TLS_CERT_SUBJECT, subject));
	assert_true(match_str("tls.subject:!\"CN=other\";", RULE_BUFFER_TLS_CERT_SUBJECT, subject));
	assert_false(
	    match_str("tls.subject:!\"CN=SELKS\";", RULE_BUFFER_TLS_CERT_SUBJECT, subject));
	/* no certificate in the unit: neither holds */
	assert_false(match_str("tls.subject:!\"CN=other\";", RULE_BUFFER_TLS_SNI, "a"));
	assert_true(match_str("tls.issuerdn:\"O=Stamus\";", RULE_BUFFER_TLS_CERT_ISSUER, subject));
	assert_false(
	    match_str("tls.issuerdn:\"O=Stamus\";", RULE_BUFFER_TLS_CERT_SUBJECT, subject));
	const char *fp = "4a:a3:66:76:82:cb:6b:23:bb:c3:58:47:23:a4:63:a7:78:a4:a1:18";
	assert_true(match_str("tls.fingerprint:\"4A:A3:66:76:82:CB:6B:23:BB:C3:58:47:23:A4:63:"
			      "A7:78:A4:A1:18\";",
			      RULE_BUFFER_TLS_CERT_FINGERPRINT, fp));
	assert_false(match_str("tls.fingerprint:\"4a:a3\";", RULE_BUFFER_TLS_CERT_FINGERPRINT, fp));
	parse_fails("tls.subject:!;", "bad value of \"tls.subject\"");
	parse_fails("tls.issuerdn;", "needs a value");
}

static void test_tls_cert_chain_len(void **state)
{
	(void)state;
	assert_true(match_tls("tls.cert_chain_len:3;", 0x0303, 11, 3));
	assert_true(match_tls("tls.cert_chain_len:<4;", 0x0303, 11, 3));
	assert_true(match_tls("tls.cert_chain_len:>0;", 0x0303, 11, 3));
	assert_true(match_tls("tls.cert_chain_len:0<>4;", 0x0303, 11, 3));
	assert_true(match_tls("tls.cert_chain_len:!2;", 0x0303, 11, 3));
	assert_false(match_tls("tls.cert_chain_len:!3;", 0x0303, 11, 3));
	assert_false(match_tls("tls.cert_chain_len:2;", 0x0303, 11, 3));
	/* a ClientHello has no chain: no number to test */
	assert_false(match_tls("tls.cert_chain_len:!2;", 0x0303, 1, -1));
	parse_fails("tls.cert_chain_len:a;", "bad value of \"tls.cert_chain_len\"");
}

static void test_tls_version(void **state)
{
	(void)state;
	assert_true(match_tls("tls.version:1.2;", 0x0303, 2, -1));
	assert_true(match_tls("tls.version:0x0303;", 0x0303, 2, -1));
	assert_false(match_tls("tls.version:1.2;", 0x0304, 2, -1));
	assert_true(match_tls("tls.version:1.3;", 0x0304, 2, -1));
	parse_fails("tls.version:1.9;", "bad value of \"tls.version\"");
	assert_true(match_tls("ssl_version:tls1.2;", 0x0303, 1, -1));
	assert_true(match_tls("ssl_version:sslv3,tls1.0;", 0x0301, 1, -1));
	assert_false(match_tls("ssl_version:sslv3,tls1.0;", 0x0303, 1, -1));
	assert_true(match_tls("ssl_version:!sslv2;", 0x0303, 1, -1));
	assert_false(match_tls("ssl_version:!tls1.2;", 0x0303, 1, -1));
	parse_fails("ssl_version:tls9;", "bad value of \"ssl_version\"");
	parse_fails("ssl_version:,;", "bad value of \"ssl_version\"");
}

static void test_ssl_state(void **state)
{
	(void)state;
	assert_true(match_tls("ssl_state:client_hello;", 0x0301, 1, -1));
	assert_false(match_tls("ssl_state:client_hello;", 0x0303, 2, -1));
	assert_true(match_tls("ssl_state:client_hello|server_hello;", 0x0303, 2, -1));
	assert_true(match_tls("ssl_state:!client_hello;", 0x0303, 2, -1));
	assert_false(match_tls("ssl_state:!client_hello;", 0x0303, 1, -1));
	assert_true(match_tls("ssl_state:client_keyx;", 0x0303, 16, -1));
	assert_true(match_tls("ssl_state:server_keyx;", 0x0303, 12, -1));
	assert_true(match_tls("ssl_state:unknown;", 0x0303, 11, 1));
	/* mixed, as Suricata: anything but a ServerHello */
	assert_true(match_tls("ssl_state:client_hello|!server_hello;", 0x0303, 1, -1));
	assert_true(match_tls("ssl_state:client_hello|!server_hello;", 0x0303, 11, 1));
	assert_false(match_tls("ssl_state:client_hello|!server_hello;", 0x0303, 2, -1));
	/* no tls.meta in the unit: no state to test, negated or not */
	assert_false(match_str("ssl_state:!client_hello;", RULE_BUFFER_TLS_SNI, "a"));
	parse_fails("ssl_state:server_done;", "bad value of \"ssl_state\"");
}

/* ---- sticky buffers of TLS, SIP and SSH ------------------------------------ */

static void test_protocol_sticky_buffers(void **state)
{
	static const struct {
		const char *name;
		int buffer;
	} names[] = {
	    {"tls.subjectaltname", RULE_BUFFER_TLS_SUBJECTALTNAME},
	    {"tls.alpn", RULE_BUFFER_TLS_ALPN},
	    {"tls.random", RULE_BUFFER_TLS_RANDOM},
	    {"tls.random_time", RULE_BUFFER_TLS_RANDOM_TIME},
	    {"tls.random_bytes", RULE_BUFFER_TLS_RANDOM_BYTES},
	    {"sip.method", RULE_BUFFER_SIP_METHOD},
	    {"sip.uri", RULE_BUFFER_SIP_URI},
	    {"sip.protocol", RULE_BUFFER_SIP_PROTOCOL},
	    {"sip.request_line", RULE_BUFFER_SIP_REQUEST_LINE},
	    {"sip.stat_code", RULE_BUFFER_SIP_STAT_CODE},
	    {"sip.stat_msg", RULE_BUFFER_SIP_STAT_MSG},
	    {"sip.response_line", RULE_BUFFER_SIP_RESPONSE_LINE},
	    {"sip.from", RULE_BUFFER_SIP_FROM},
	    {"sip.to", RULE_BUFFER_SIP_TO},
	    {"sip.via", RULE_BUFFER_SIP_VIA},
	    {"sip.user_agent", RULE_BUFFER_SIP_USER_AGENT},
	    {"sip.content_type", RULE_BUFFER_SIP_CONTENT_TYPE},
	    {"sip.content_length", RULE_BUFFER_SIP_CONTENT_LENGTH},
	    {"ssh.hassh", RULE_BUFFER_SSH_HASSH},
	    {"ssh.hassh.string", RULE_BUFFER_SSH_HASSH_STRING},
	    {"ssh.hassh.server", RULE_BUFFER_SSH_HASSH_SERVER},
	    {"ssh.hassh.server.string", RULE_BUFFER_SSH_HASSH_SERVER_STRING},
	};
	char options[256];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(options, sizeof(options), "%s; content:\"v\";", names[i].name);
		assert_true(match_str(options, names[i].buffer, "a v"));
		assert_false(match_str(options, names[i].buffer, "a w"));
		assert_false(match_str(options, RULE_BUFFER_PKT_DATA, "a v"));
	}
}

/* ---- email.* of a mail message (SMTP) -------------------------------------- */

static void test_email_buffers(void **state)
{
	static const struct {
		const char *name;
		int buffer;
	} names[] = {
	    {"email.message_id", RULE_BUFFER_EMAIL_MESSAGE_ID},
	    {"email.x_mailer", RULE_BUFFER_EMAIL_X_MAILER},
	    {"email.url", RULE_BUFFER_EMAIL_URL},
	    {"email.from", RULE_BUFFER_EMAIL_FROM},
	    {"email.to", RULE_BUFFER_EMAIL_TO},
	    {"email.cc", RULE_BUFFER_EMAIL_CC},
	    {"email.subject", RULE_BUFFER_EMAIL_SUBJECT},
	    {"email.date", RULE_BUFFER_EMAIL_DATE},
	    {"email.received", RULE_BUFFER_EMAIL_RECEIVED},
	};
	char options[256];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(options, sizeof(options), "%s; content:\"v\";", names[i].name);
		assert_true(match_str(options, names[i].buffer, "a v"));
		assert_false(match_str(options, names[i].buffer, "a w"));
		assert_false(match_str(options, RULE_BUFFER_SMTP_HELO, "a v"));
		/* a sticky buffer takes no value */
		snprintf(options, sizeof(options), "%s:1; content:\"v\";", names[i].name);
		parse_fails(options, names[i].name);
	}
	/* the header's whole value, anchors and size as Suricata's test rules use them */
	const char *id = "email.message_id; content:\"<a@b>\"; startswith; endswith; bsize:5;";
	assert_true(match_str(id, RULE_BUFFER_EMAIL_MESSAGE_ID, "<a@b>"));
	assert_false(match_str(id, RULE_BUFFER_EMAIL_MESSAGE_ID, "<a@b> "));
	/* email.url is a multi-buffer: each URL an instance */
	assert_true(rule_buffer_multi[RULE_BUFFER_EMAIL_URL]);
	assert_true(rule_buffer_multi[RULE_BUFFER_EMAIL_RECEIVED]);
	assert_false(rule_buffer_multi[RULE_BUFFER_EMAIL_X_MAILER]);
	assert_int_equal(rule_buffer_proto[RULE_BUFFER_EMAIL_URL], RULE_PROTO_SMTP);
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
	    cmocka_unit_test(test_uricontent),
	    cmocka_unit_test(test_http_underscore_names),
	    cmocka_unit_test(test_http_header_instance_buffers),
	    cmocka_unit_test(test_multi_buffer_statements),
	    cmocka_unit_test(test_http2_frame_keywords),
	    cmocka_unit_test(test_http2_settings),
	    cmocka_unit_test(test_http2_header_buffers),
	    cmocka_unit_test(test_dns_opcode),
	    cmocka_unit_test(test_dns_rcode),
	    cmocka_unit_test(test_dns_rrtype),
	    cmocka_unit_test(test_dns_buffers),
	    cmocka_unit_test(test_tls_subject_issuer),
	    cmocka_unit_test(test_tls_cert_chain_len),
	    cmocka_unit_test(test_tls_version),
	    cmocka_unit_test(test_ssl_state),
	    cmocka_unit_test(test_protocol_sticky_buffers),
	    cmocka_unit_test(test_email_buffers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
