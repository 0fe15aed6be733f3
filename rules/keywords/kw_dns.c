/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS keywords that are tests (the DNS sticky buffers, dns.query,
 * dns.queries.rrname, dns.answers.rrname, dns.response.rrname, ..., come
 * from buffer.h):
 *   dns.opcode:[!]N[-M];  the header's opcode, requests and responses
 *   dns.rcode:[!]N[-M];   the header's rcode (0..15), or its name
 *                         (noerror, formerr, servfail, nxdomain, ...)
 *   dns.rrtype:[!]N;      the rrtype of a question or, in a response, of
 *                         an answer (any one holds), or its name (A, MX, ...)
 * All read dns.meta (buffer.h), which the DNS parser puts in the first
 * unit of each message.
 */
#include <stddef.h>

#include "rules/keywords/kw_field.h"

/* dns.meta: flags (2 bytes), then rrtypes (2 bytes each), big-endian. */
static unsigned kw_dns_flags(const uint8_t *buf, uint32_t len, uint32_t *flags)
{
	if (len < 2)
		return 0;
	*flags = (uint32_t)buf[0] << 8 | buf[1];
	return 1;
}

static unsigned kw_dns_opcode_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	(void)max;
	if (!kw_dns_flags(buf, len, out))
		return 0;
	*out = (*out >> 11) & 0xf;
	return 1;
}

static unsigned kw_dns_rcode_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	(void)max;
	if (!kw_dns_flags(buf, len, out))
		return 0;
	*out &= 0xf;
	return 1;
}

static unsigned kw_dns_rrtype_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	unsigned n = 0;
	for (uint32_t off = 2; off + 2 <= len && n < max; off += 2)
		out[n++] = (uint32_t)buf[off] << 8 | buf[off + 1];
	return n;
}

/* RFC 6895 2.3, as Suricata names them. */
static const struct kw_field_name kw_dns_rcode_names[] = {
    {"noerror", 0}, {"formerr", 1}, {"servfail", 2}, {"nxdomain", 3},
    {"notimp", 4},  {"refused", 5}, {"yxdomain", 6}, {"yxrrset", 7},
    {"nxrrset", 8}, {"notauth", 9}, {"notzone", 10}, {NULL, 0},
};

static const struct kw_field_name kw_dns_rrtype_names[] = {
    {"A", 1},	   {"NS", 2},	  {"CNAME", 5},	  {"SOA", 6},	 {"PTR", 12},	{"HINFO", 13},
    {"MX", 15},	   {"TXT", 16},	  {"AAAA", 28},	  {"SRV", 33},	 {"NAPTR", 35}, {"DS", 43},
    {"RRSIG", 46}, {"NSEC", 47},  {"DNSKEY", 48}, {"NSEC3", 50}, {"SVCB", 64},	{"HTTPS", 65},
    {"SPF", 99},   {"AXFR", 252}, {"ANY", 255},	  {"CAA", 257},	 {NULL, 0},
};

static const struct kw_field kw_dns_fields[] = {
    {"dns.opcode", 15, RULE_BUFFER_DNS_META, kw_dns_opcode_values, NULL},
    {"dns.rcode", 15, RULE_BUFFER_DNS_META, kw_dns_rcode_values, kw_dns_rcode_names},
    {"dns.rrtype", UINT16_MAX, RULE_BUFFER_DNS_META, kw_dns_rrtype_values, kw_dns_rrtype_names},
};

#define _(i, fn)                                                                                   \
	static int fn(struct rule_parser *parser, struct rule *rule, const char *value)            \
	{                                                                                          \
		return kw_field_parse(parser, rule, &kw_dns_fields[i], value);                     \
	}
_(0, kw_dns_opcode_parse)
_(1, kw_dns_rcode_parse)
_(2, kw_dns_rrtype_parse)
#undef _

void kw_dns_register(void)
{
	static const rule_keyword_parse_fn parse[] = {kw_dns_opcode_parse, kw_dns_rcode_parse,
						      kw_dns_rrtype_parse};
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	for (size_t i = 0; i < sizeof(parse) / sizeof(parse[0]); i++) {
		row.name = kw_dns_fields[i].keyword;
		row.parse = parse[i];
		rule_keyword_register(&row);
	}
}
