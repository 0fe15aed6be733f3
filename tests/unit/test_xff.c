/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of dataplane/app/xff.c, the one parser of the client behind
 * proxies: every address form (IPv4 with and without a port, IPv6 bare,
 * bracketed, bracketed with a port, IPv4-mapped), RFC 7239 Forwarded
 * (quoted values, case-insensitive for, several elements, unknown and
 * obfuscated identifiers), malformed hops (garbage, a port out of range,
 * an unclosed bracket, empty, over-long, a NUL inside), the hop choice (the
 * last one) and the configured header order (the first header present
 * that yields an address wins).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "dataplane/app/xff.h"

/* The client of text, or family 0; returns xff_parse_address's code. */
static int parse(const char *text, struct xff_client *c)
{
	return xff_parse_address(text, strlen(text), c);
}

static void assert_addr(const struct xff_client *c, const char *want)
{
	uint8_t addr[16] = {0};
	int family = strchr(want, ':') ? 6 : 4;
	assert_int_equal(inet_pton(family == 6 ? AF_INET6 : AF_INET, want, addr), 1);
	assert_int_equal(c->family, family);
	assert_memory_equal(c->addr, addr, 16);
}

static void assert_parses(const char *text, const char *want)
{
	struct xff_client c;
	assert_int_equal(parse(text, &c), 0);
	assert_addr(&c, want);
}

static void assert_refused(const char *text)
{
	struct xff_client c;
	memset(&c, 0xa5, sizeof(c));
	assert_int_equal(parse(text, &c), -EINVAL);
	assert_int_equal(c.family, 0);
	const uint8_t zero[16] = {0};
	assert_memory_equal(c.addr, zero, 16);
}

static void test_address_forms(void **unused)
{
	(void)unused;
	assert_parses("192.0.2.1", "192.0.2.1");
	assert_parses("192.0.2.1:8080", "192.0.2.1");
	assert_parses("192.0.2.1:0", "192.0.2.1");
	assert_parses("192.0.2.1:65535", "192.0.2.1");
	assert_parses("2001:db8::1", "2001:db8::1");
	assert_parses("[2001:db8::1]", "2001:db8::1");
	assert_parses("[2001:db8::1]:443", "2001:db8::1");
	assert_parses("::1", "::1");
	/* blanks and one pair of quotes around a hop are not part of it */
	assert_parses("  \"192.0.2.1:8080\" ", "192.0.2.1");
	assert_parses("\t\"[2001:db8::1]:80\"", "2001:db8::1");
	/* RFC 7239 obfuscated port */
	assert_parses("[2001:db8::1]:_hidden-1", "2001:db8::1");
	assert_parses("192.0.2.1:_p", "192.0.2.1");
	/* a dual-stack proxy's IPv4 client is that IPv4 address */
	assert_parses("::ffff:192.0.2.7", "192.0.2.7");
	assert_parses("[::ffff:192.0.2.7]:80", "192.0.2.7");
}

static void test_address_malformed(void **unused)
{
	(void)unused;
	assert_refused("");
	assert_refused("   ");
	assert_refused("\"\"");
	assert_refused("garbage");
	assert_refused("unknown");
	assert_refused("_hidden");
	assert_refused("1.2.3.4:99999");
	assert_refused("1.2.3.4:123456");
	assert_refused("1.2.3.4:");
	assert_refused("1.2.3.4:http");
	assert_refused("1.2.3.4:_");
	assert_refused("1.2.3.4:_a b");
	assert_refused("1.2.3");
	assert_refused("1.2.3.256");
	assert_refused("01.2.3.4");
	assert_refused("1.2.3.4 5.6.7.8");
	assert_refused("[::1");
	assert_refused("[::1]x");
	assert_refused("[::1]:");
	assert_refused("[::1]:99999");
	assert_refused("[192.0.2.1]"); /* brackets are for IPv6 */
	assert_refused("[]");
	assert_refused("2001:db8::1:99999:1:1:1:1");
	assert_refused("fe80::1%eth0");
	assert_refused("example.com");
	assert_refused("example.com:80");
	/* over-long: no address form is XFF_TEXT_MAX bytes or more */
	char longest[XFF_TEXT_MAX + 8];
	memset(longest, ' ', sizeof(longest));
	memcpy(longest + sizeof(longest) - 1 - 9, "192.0.2.1", 9);
	longest[sizeof(longest) - 1] = '\0';
	assert_parses(longest, "192.0.2.1"); /* blanks trimmed first */
	char too_long[XFF_TEXT_MAX + 1];
	memset(too_long, '1', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	assert_refused(too_long);
	char padded[3 * XFF_TEXT_MAX];
	snprintf(padded, sizeof(padded), "[2001:db8::1]:_%0*d", XFF_TEXT_MAX, 0);
	assert_refused(padded);
	/* a NUL inside must not cut the rest off unseen */
	struct xff_client c;
	assert_int_equal(xff_parse_address("192.0.2.1\0junk", 14, &c), -EINVAL);
}

/* The client in one header value, and the text kept for EVE. */
static int value_of(const char *name, const char *value, char text[XFF_TEXT_MAX],
		    struct xff_client *c)
{
	return xff_parse_value(name, (const uint8_t *)value, strlen(value), text, c);
}

static void assert_value(const char *name, const char *value, const char *want_text,
			 const char *want_addr)
{
	char text[XFF_TEXT_MAX];
	struct xff_client c;
	int rc = value_of(name, value, text, &c);
	assert_string_equal(text, want_text);
	if (!want_addr) {
		assert_int_equal(rc, -ENOENT);
		assert_int_equal(c.family, 0);
		return;
	}
	assert_int_equal(rc, 0);
	assert_addr(&c, want_addr);
}

static void test_list_headers(void **unused)
{
	(void)unused;
	assert_value("X-Forwarded-For", "1.2.3.4", "1.2.3.4", "1.2.3.4");
	assert_value("X-Forwarded-For", " 1.2.3.4:8080 ", "1.2.3.4:8080", "1.2.3.4");
	assert_value("X-Forwarded-For", "[2001:db8::1]:443", "[2001:db8::1]:443", "2001:db8::1");
	assert_value("X-Forwarded-For", "[2001:db8::1]", "[2001:db8::1]", "2001:db8::1");
	assert_value("X-Forwarded-For", "2001:db8::1", "2001:db8::1", "2001:db8::1");
	assert_value("X-Real-IP", "198.51.100.9", "198.51.100.9", "198.51.100.9");
	assert_value("True-Client-IP", "\"198.51.100.9\"", "198.51.100.9", "198.51.100.9");
	/* garbage: the text as written, no address */
	assert_value("X-Forwarded-For", "unknown", "unknown", NULL);
	assert_value("X-Forwarded-For", "1.2.3.4:99999", "1.2.3.4:99999", NULL);
	assert_value("X-Forwarded-For", "[::1", "[::1", NULL);
	assert_value("X-Forwarded-For", "", "", NULL);
	/* a hop too long for the text is cut there, and is no address */
	char hop[XFF_TEXT_MAX + 16];
	memset(hop, 'a', sizeof(hop) - 1);
	hop[sizeof(hop) - 1] = '\0';
	char text[XFF_TEXT_MAX];
	struct xff_client c;
	assert_int_equal(value_of("X-Forwarded-For", hop, text, &c), -ENOENT);
	assert_int_equal(strlen(text), XFF_TEXT_MAX - 1);
	assert_string_equal(text + XFF_TEXT_MAX - 4, "\xe2\x80\xa6"); /* an ellipsis says so */
	assert_int_equal(c.family, 0);
	/* NULL value: nothing */
	assert_int_equal(xff_parse_value("X-Forwarded-For", NULL, 0, text, &c), -ENOENT);
	assert_string_equal(text, "");
}

/*
 * The last hop is the client: the proxy in front of vigil appended it; what
 * stands before it came from the client and may be made up.
 */
static void test_hop_choice(void **unused)
{
	(void)unused;
	assert_value("X-Forwarded-For", "203.0.113.7, 10.0.0.1, 10.0.0.2", "10.0.0.2", "10.0.0.2");
	assert_value("X-Forwarded-For", "6.6.6.6,192.0.2.1:8080", "192.0.2.1:8080", "192.0.2.1");
	assert_value("X-Forwarded-For", "6.6.6.6, [2001:db8::1]:443", "[2001:db8::1]:443",
		     "2001:db8::1");
	/* a made-up first entry changes nothing */
	assert_value("X-Forwarded-For", "203.0.113.5, 198.51.100.1", "198.51.100.1",
		     "198.51.100.1");
	/* the last hop is not an address: no client (the earlier ones are not trusted instead) */
	assert_value("X-Forwarded-For", "1.2.3.4, unknown", "unknown", NULL);
	assert_value("X-Forwarded-For", "1.2.3.4, ", "", NULL);
	/* Forwarded: the last element's for= */
	assert_value("Forwarded", "for=192.0.2.1, for=10.1.1.1", "10.1.1.1", "10.1.1.1");
	assert_value("Forwarded", "for=192.0.2.1;proto=http, for=\"[2001:db8::1]:80\";by=_lb",
		     "2001:db8::1", "2001:db8::1");
	/* the last element names no for=: no client, not an earlier element's */
	assert_value("Forwarded", "for=192.0.2.1, proto=https", "", NULL);
	assert_value("Forwarded", "for=192.0.2.1, for=unknown", "unknown", NULL);
}

static void test_forwarded(void **unused)
{
	(void)unused;
	assert_value("Forwarded", "for=1.2.3.4", "1.2.3.4", "1.2.3.4");
	assert_value("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43", "192.0.2.60",
		     "192.0.2.60");
	assert_value("Forwarded", "proto=https; for=192.0.2.1", "192.0.2.1", "192.0.2.1");
	/* case-insensitive for, quoted values, bracketed IPv6 with and without a port */
	assert_value("Forwarded", "For=\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17",
		     "2001:db8:cafe::17");
	assert_value("Forwarded", "FOR=\"[2001:db8::1]\"", "2001:db8::1", "2001:db8::1");
	assert_value("Forwarded", "for=\"192.0.2.1:8080\"", "192.0.2.1:8080", "192.0.2.1");
	assert_value("Forwarded", "for=\"[2001:db8::1]:_obf\"", "2001:db8::1", "2001:db8::1");
	/* quoted-pairs undone; a separator inside quotes does not split */
	assert_value("Forwarded", "for=\"\\1.2.3.4\"", "1.2.3.4", "1.2.3.4");
	assert_value("Forwarded", "for=1.2.3.4;x=\"a,b;c\"", "1.2.3.4", "1.2.3.4");
	/* blanks around pairs and the equal sign */
	assert_value("Forwarded", " for = 1.2.3.4 ; proto=http", "1.2.3.4", "1.2.3.4");
	/* unknown and obfuscated identifiers give no address */
	assert_value("Forwarded", "for=unknown", "unknown", NULL);
	assert_value("Forwarded", "for=_hidden", "_hidden", NULL);
	assert_value("Forwarded", "for=\"_gazonk\"", "_gazonk", NULL);
	/* no for= at all, or one of another name */
	assert_value("Forwarded", "proto=https;by=1.2.3.4", "", NULL);
	assert_value("Forwarded", "xfor=1.2.3.4", "", NULL);
	assert_value("Forwarded", "for", "", NULL);
	assert_value("Forwarded", "", "", NULL);
	/* malformed values */
	assert_value("Forwarded", "for=\"[2001:db8::1", "[2001:db8::1", NULL);
	assert_value("Forwarded", "for=\"[2001:db8::1]x\"", "[2001:db8::1]x", NULL);
	assert_value("Forwarded", "for=1.2.3.4:99999", "1.2.3.4:99999", NULL);
	assert_value("Forwarded", "for=\"", "", NULL);
	char longest[3 * XFF_TEXT_MAX];
	snprintf(longest, sizeof(longest), "for=\"[2001:db8::1]:_%0*d\"", XFF_TEXT_MAX, 0);
	char text[XFF_TEXT_MAX];
	struct xff_client c;
	assert_int_equal(value_of("Forwarded", longest, text, &c), -ENOENT);
	assert_int_equal(c.family, 0);
}

/*
 * The filter and the rate limits read the kept text again: it must give
 * what the header gave, address or none, even for hops built to differ
 * (an address, blanks, and more past the cut; a NUL; quotes and brackets
 * around garbage).
 */
static void test_text_reads_back(void **unused)
{
	(void)unused;
	static const struct {
		const char *name;
		const char *value;
		size_t len; /* 0: strlen */
	} cases[] = {
	    {"X-Forwarded-For", "192.0.2.1                                                       x",
	     0},
	    {"X-Forwarded-For",
	     "\"192.0.2.1                                                     \"x", 0},
	    {"X-Forwarded-For", "192.0.2.1\0junk", 14},
	    {"X-Forwarded-For", "\"\"192.0.2.1\"\"", 0},
	    {"X-Forwarded-For", " \" 192.0.2.1 \" ", 0},
	    {"Forwarded", "for=\"192.0.2.1\\\"\"", 0},
	    {"Forwarded", "for=\"[ ::1]\"", 0},
	    {"Forwarded", "for=\"[::1]garbage\"", 0},
	    {"Forwarded", "for=\"[::1]:80\"", 0},
	    {"Forwarded", "for=\"192.0.2.1\0x\"", 18},
	    {"Forwarded",
	     "for=\"192.0.2.1                                                        x\"", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].value);
		char text[XFF_TEXT_MAX];
		struct xff_client c, again;
		int rc =
		    xff_parse_value(cases[i].name, (const uint8_t *)cases[i].value, len, text, &c);
		int again_rc = xff_parse_address(text, strlen(text), &again);
		if ((rc == 0) != (again_rc == 0) || memcmp(&c, &again, sizeof(c)) != 0)
			fail_msg("case %zu: \"%s\" gave %d, its text \"%s\" %d", i, cases[i].value,
				 rc, text, again_rc);
	}
	/* and the NUL shows */
	char text[XFF_TEXT_MAX];
	struct xff_client c;
	assert_int_equal(
	    xff_parse_value("X-Forwarded-For", (const uint8_t *)"192.0.2.1\0junk", 14, text, &c),
	    -ENOENT);
	assert_string_equal(text, "192.0.2.1?junk");
}

/* A request's headers for xff_parse(): "Name: value" lines. */
struct request {
	const char *headers[4];
};

static const uint8_t *request_header(void *arg, const char *name, size_t *len)
{
	const struct request *r = arg;
	size_t n = strlen(name);
	for (unsigned i = 0; i < 4 && r->headers[i]; i++) {
		const char *h = r->headers[i];
		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			const char *v = h + n + 1;
			*len = strlen(v);
			return (const uint8_t *)v;
		}
	}
	return NULL;
}

static int client_of(const char *const *names, struct request r, char text[XFF_TEXT_MAX],
		     struct xff_client *c)
{
	return xff_parse(names, request_header, &r, text, c);
}

static void test_header_order(void **unused)
{
	(void)unused;
	char text[XFF_TEXT_MAX];
	struct xff_client c;
	/* default order: X-Forwarded-For, X-Real-IP, Forwarded, whatever the request's order */
	struct request r = {
	    {"Forwarded: for=3.3.3.3", "X-Real-IP: 2.2.2.2", "X-Forwarded-For: 1.1.1.1"}};
	assert_int_equal(client_of(NULL, r, text, &c), 0);
	assert_string_equal(text, "1.1.1.1");
	assert_addr(&c, "1.1.1.1");
	r = (struct request){{"Forwarded: for=3.3.3.3", "X-Real-IP: 2.2.2.2"}};
	assert_int_equal(client_of(NULL, r, text, &c), 0);
	assert_addr(&c, "2.2.2.2");
	r = (struct request){{"Forwarded: for=\"[2001:db8::3]:80\""}};
	assert_int_equal(client_of(NULL, r, text, &c), 0);
	assert_string_equal(text, "2001:db8::3");
	assert_addr(&c, "2001:db8::3");
	/* the first header present that yields an address wins */
	r = (struct request){
	    {"X-Forwarded-For: unknown", "Forwarded: for=_x", "X-Real-IP: 2.2.2.2"}};
	assert_int_equal(client_of(NULL, r, text, &c), 0);
	assert_string_equal(text, "2.2.2.2");
	assert_addr(&c, "2.2.2.2");
	/* none does: the first header's text stays, for EVE */
	r = (struct request){{"Forwarded: for=_x", "X-Forwarded-For: unknown"}};
	assert_int_equal(client_of(NULL, r, text, &c), -ENOENT);
	assert_string_equal(text, "unknown");
	assert_int_equal(c.family, 0);
	r = (struct request){{"Host: example.com"}};
	assert_int_equal(client_of(NULL, r, text, &c), -ENOENT);
	assert_string_equal(text, "");
	/* the board's own list, in its order; unlisted headers are never read */
	const char *const board[] = {"True-Client-IP", "Forwarded", NULL};
	r = (struct request){
	    {"X-Forwarded-For: 1.1.1.1", "Forwarded: for=3.3.3.3", "True-Client-IP: 4.4.4.4"}};
	assert_int_equal(client_of(board, r, text, &c), 0);
	assert_addr(&c, "4.4.4.4");
	r = (struct request){{"X-Forwarded-For: 1.1.1.1", "Forwarded: for=3.3.3.3"}};
	assert_int_equal(client_of(board, r, text, &c), 0);
	assert_addr(&c, "3.3.3.3");
	r = (struct request){{"X-Forwarded-For: 1.1.1.1"}};
	assert_int_equal(client_of(board, r, text, &c), -ENOENT);
	/* an empty list means the defaults */
	const char *const none[] = {NULL};
	r = (struct request){{"X-Real-IP: 2.2.2.2"}};
	assert_int_equal(client_of(none, r, text, &c), 0);
	assert_addr(&c, "2.2.2.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_address_forms),   cmocka_unit_test(test_address_malformed),
	    cmocka_unit_test(test_list_headers),    cmocka_unit_test(test_hop_choice),
	    cmocka_unit_test(test_forwarded),	    cmocka_unit_test(test_header_order),
	    cmocka_unit_test(test_text_reads_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
