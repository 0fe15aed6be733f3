/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The client behind proxies, parsed once per HTTP request. The HTTP parser
 * (app_http.c) calls xff_parse() when a request's headers are complete and
 * keeps both results in the request's details (struct app_details): the
 * text of the chosen hop as written (EVE's http.xff) and its address. The
 * filter's "xff deny @SET", the rate limits "per xff", the policy
 * exceptions "xff PREFIX" and EVE's src_ip under [app] behind_proxy all
 * take the client from there, so they can never disagree about it.
 *
 * Headers: the board's [app] xff_headers, in order (default
 * X-Forwarded-For, X-Real-IP, Forwarded); the first header present that
 * yields an address wins. A header named "Forwarded" is read as RFC 7239
 * (for=, quoted values, several elements); any other as a comma-separated
 * list of addresses (X-Forwarded-For, X-Real-IP, True-Client-IP, ...).
 *
 * Which hop is the client: the LAST one. Each proxy appends the address
 * its connection came from, so in "X-Forwarded-For: a, b, c" only c was
 * written by the proxy in front of vigil; a and b came from further away,
 * and a client can write anything there. The left-most entry, which vigil
 * took before, let any client walk past "xff deny" or claim an excepted
 * prefix by sending a made-up first entry, and get someone else
 * rate-limited by sending theirs. This is Suricata's xff.deployment
 * "reverse" and nginx's real_ip with one trusted proxy. For Forwarded the
 * same rule takes the last element: its for= (if it has none, the header
 * yields no address). Behind two proxies in a row the last hop is the
 * outer proxy's address; there the inner proxy must send the client in a
 * header of its own (X-Real-IP, listed first in xff_headers).
 *
 * An address is "192.0.2.1", "192.0.2.1:8080", "2001:db8::1",
 * "[2001:db8::1]" or "[2001:db8::1]:443", optionally quoted; a port is
 * 0-65535 or RFC 7239's obfuscated "_name". An IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1, what a dual-stack proxy writes) is its IPv4 address,
 * so IPv4 sets and prefixes match it. RFC 7239's "unknown" and obfuscated
 * "_name" identifiers, garbage and hops of XFF_TEXT_MAX bytes or more
 * give no address.
 *
 * Pure functions of their input: no state, no allocation; any lcore.
 */
#ifndef VIGIL_DATAPLANE_XFF_H
#define VIGIL_DATAPLANE_XFF_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a hop's text kept, NUL included; every address form fits. */
#define XFF_TEXT_MAX 64

/* A client address; family 0 when the request names none. */
struct xff_client {
	uint8_t family;	  /* 4 or 6; 0: none */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes, the rest zero */
};

/* The header names used when the board sets none; NULL-terminated. */
extern const char *const xff_default_headers[];

/*
 * The address in one hop's text (text[0..len), no NUL needed): blanks and
 * one pair of double quotes around it are ignored. Fills *client (zeroed
 * on failure). Returns 0, or -EINVAL when the text holds no address.
 */
int xff_parse_address(const char *text, size_t len, struct xff_client *client);

/*
 * The client in one header's value: name decides the syntax (Forwarded or
 * a list). text receives the chosen hop as written (blanks and quotes
 * trimmed; a Forwarded IPv6 node without its brackets and port), truncated
 * to XFF_TEXT_MAX - 1 bytes, "" when the header names no hop. Returns 0
 * when the hop is an address (in *client), -ENOENT otherwise (*client
 * zeroed, text possibly not empty: "unknown").
 */
int xff_parse_value(const char *name, const uint8_t *value, size_t len, char text[XFF_TEXT_MAX],
		    struct xff_client *client);

/*
 * Looks up one request header by name (case-insensitive). Returns its
 * value and sets *len, or NULL when the request has no such header.
 */
typedef const uint8_t *(*xff_header_fn)(void *arg, const char *name, size_t *len);

/*
 * The client of one request: the first header of names (NULL-terminated;
 * NULL or empty: xff_default_headers) that is present and yields an
 * address. When none does, text keeps what the first header present
 * said (EVE shows "unknown" as the proxy wrote it) and *client is zeroed.
 * Returns 0 when an address was found, -ENOENT otherwise.
 */
int xff_parse(const char *const *names, xff_header_fn header, void *arg, char text[XFF_TEXT_MAX],
	      struct xff_client *client);

#endif
