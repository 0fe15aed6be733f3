/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The resolver's messages, without a network: the board's server list,
 * the query, and the answer (RFC 1035: name compression, CNAME chains, and
 * every length checked, as the answer comes from the network). The lookup
 * over lwIP is in resolver.c; both are declared in resolver.h.
 */
#define _GNU_SOURCE /* memrchr */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control/resolver.h"

#define RESOLVER_NAME_MAX 256
#define RESOLVER_CLASS_IN 1

/* ---- the server list ---- */

static int resolver_server_parse(const char *text, size_t len, struct resolver_address *out)
{
	const char *end = text + len, *host = text, *port = NULL;
	const char *colon = memchr(text, ':', len);
	size_t host_len = len;
	char name[64];
	if (len && text[0] == '[') {
		const char *close = memchr(text, ']', len);
		if (!close || (close + 1 < end && close[1] != ':'))
			return -EINVAL;
		host = text + 1;
		host_len = (size_t)(close - host);
		port = close + 1 < end ? close + 2 : NULL;
	} else if (colon && colon == memrchr(text, ':', len)) {
		/* one colon: IPv4:PORT (an IPv6 address has several) */
		host_len = (size_t)(colon - text);
		port = colon + 1;
	}
	if (host_len == 0 || host_len >= sizeof(name))
		return -EINVAL;
	memcpy(name, host, host_len);
	name[host_len] = '\0';
	memset(out, 0, sizeof(*out));
	out->port = 53;
	/* brackets hold an IPv6 address only */
	if (host == text && inet_pton(AF_INET, name, out->addr) == 1)
		out->ipv6 = false;
	else if (inet_pton(AF_INET6, name, out->addr) == 1)
		out->ipv6 = true;
	else
		return -EINVAL;
	if (!port)
		return 0;
	unsigned long n = 0;
	if (port == end || end - port > 5)
		return -EINVAL;
	for (const char *c = port; c < end; c++) {
		if (!isdigit((unsigned char)*c))
			return -EINVAL;
		n = n * 10 + (unsigned long)(*c - '0');
	}
	if (n == 0 || n > 65535)
		return -EINVAL;
	out->port = (uint16_t)n;
	return 0;
}

int resolver_servers_parse(const char *text, struct resolver_servers *servers, char *why,
			   size_t why_len)
{
	static const char separators[] = " \t,";
	memset(servers, 0, sizeof(*servers));
	for (const char *at = text + strspn(text, separators); *at; at += strspn(at, separators)) {
		size_t len = strcspn(at, separators);
		if (servers->count == RESOLVER_SERVERS_MAX) {
			snprintf(why, why_len, "more than %d servers", RESOLVER_SERVERS_MAX);
			return -EINVAL;
		}
		if (resolver_server_parse(at, len, &servers->server[servers->count]) < 0) {
			snprintf(why, why_len, "\"%.*s\" is not ADDRESS, IPV4:PORT or [IPV6]:PORT",
				 (int)len, at);
			return -EINVAL;
		}
		servers->count++;
		at += len;
	}
	return 0;
}

/* ---- messages ---- */

size_t resolver_query_build(uint16_t id, const char *name, uint16_t qtype, uint8_t *out,
			    size_t out_len)
{
	size_t name_len = strlen(name);
	if (name_len && name[name_len - 1] == '.')
		name_len--;
	if (name_len == 0 || name_len > 253 || out_len < 12 + name_len + 2 + 4)
		return 0;
	/* header: id, RD set, one question */
	const uint8_t header[12] = {id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
	memcpy(out, header, sizeof(header));
	size_t at = 12;
	for (size_t start = 0; start < name_len;) {
		const char *dot = memchr(name + start, '.', name_len - start);
		size_t label = dot ? (size_t)(dot - name - start) : name_len - start;
		if (label == 0 || label > 63)
			return 0;
		out[at++] = (uint8_t)label;
		memcpy(out + at, name + start, label);
		at += label;
		start += label + 1;
	}
	out[at++] = 0;
	out[at++] = (uint8_t)(qtype >> 8), out[at++] = (uint8_t)qtype;
	out[at++] = 0, out[at++] = RESOLVER_CLASS_IN;
	return at;
}

/*
 * The (possibly compressed) name at *at, dotted into out; *at moves past
 * it in the message. Returns 0 or -EPROTO (a loop, a name past the end).
 */
static int resolver_name_read(const uint8_t *msg, size_t len, size_t *at, char *out)
{
	size_t pos = *at, n = 0;
	bool jumped = false;
	for (unsigned hops = 0; hops < 32; hops++) {
		if (pos >= len)
			return -EPROTO;
		uint8_t label = msg[pos];
		if ((label & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -EPROTO;
			if (!jumped)
				*at = pos + 2;
			jumped = true;
			pos = (size_t)(label & 0x3f) << 8 | msg[pos + 1];
			continue;
		}
		if (label & 0xc0)
			return -EPROTO;
		if (label == 0) {
			if (!jumped)
				*at = pos + 1;
			out[n] = '\0';
			return 0;
		}
		if (pos + 1 + label > len || n + label + 2 > RESOLVER_NAME_MAX)
			return -EPROTO;
		if (n)
			out[n++] = '.';
		memcpy(out + n, msg + pos + 1, label);
		n += label;
		pos += 1 + (size_t)label;
	}
	return -EPROTO;
}

static uint16_t resolver_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool resolver_same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

int resolver_answer_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
			  uint16_t qtype, struct resolver_address *out, uint32_t *ttl)
{
	char owner[RESOLVER_NAME_MAX], wanted[RESOLVER_NAME_MAX];
	if (len < 12 || resolver_u16(msg) != id || !(msg[2] & 0x80) || resolver_u16(msg + 4) != 1)
		return -EPROTO;
	if (msg[2] & 0x02)
		return -EMSGSIZE;
	size_t at = 12;
	if (resolver_name_read(msg, len, &at, owner) < 0 || at + 4 > len ||
	    !resolver_same_name(owner, name) || resolver_u16(msg + at) != qtype)
		return -EPROTO;
	at += 4;
	unsigned rcode = msg[3] & 0x0f;
	if (rcode == 3)
		return -ENOENT;
	if (rcode != 0)
		return -EIO;
	snprintf(wanted, sizeof(wanted), "%s", name);
	unsigned answers = resolver_u16(msg + 6);
	size_t first = at;
	/* each pass follows one more CNAME, whatever order the records come in */
	for (unsigned pass = 0; pass < 8; pass++) {
		bool moved = false;
		at = first;
		for (unsigned i = 0; i < answers; i++) {
			if (resolver_name_read(msg, len, &at, owner) < 0 || at + 10 > len)
				return -EPROTO;
			uint16_t type = resolver_u16(msg + at), class = resolver_u16(msg + at + 2);
			uint32_t rr_ttl =
			    (uint32_t)resolver_u16(msg + at + 4) << 16 | resolver_u16(msg + at + 6);
			uint16_t rdlength = resolver_u16(msg + at + 8);
			size_t rdata = at + 10;
			at = rdata + rdlength;
			if (at > len)
				return -EPROTO;
			if (class != RESOLVER_CLASS_IN || !resolver_same_name(owner, wanted))
				continue;
			if (type == qtype && rdlength == (qtype == RESOLVER_TYPE_A ? 4 : 16)) {
				memset(out, 0, sizeof(*out));
				out->ipv6 = qtype == RESOLVER_TYPE_AAAA;
				memcpy(out->addr, msg + rdata, rdlength);
				*ttl = rr_ttl;
				return 0;
			}
			if (type == RESOLVER_TYPE_CNAME && !moved) {
				size_t target = rdata;
				if (resolver_name_read(msg, len, &target, wanted) < 0)
					return -EPROTO;
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	return -ENOENT;
}
