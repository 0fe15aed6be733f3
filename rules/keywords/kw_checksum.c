/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksum keywords (Suricata's ipv4-csum, tcpv4-csum, tcpv6-csum,
 * udpv4-csum, udpv6-csum, icmpv4-csum, icmpv6-csum): "valid" or
 * "invalid", holding when the packet is of that protocol and its checksum
 * is so. The checksum is computed here, on the packet as it arrived,
 * whatever the board's [dataplane] checksums say: such a rule asks about
 * the packet itself (decoder-event style rules: "SURICATA TCPv4 invalid
 * checksum"). A fragment's transport checksum covers the datagram, not
 * the fragment, so transport tests never hold on fragments; IPv4 UDP
 * without a checksum (0) is valid. A PACKET option.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"

/* _(SYM, "keyword", packet flags it needs, IP protocol of the pseudo header; 0: none) */
#define foreach_kw_checksum                                                                        \
	_(IPV4, "ipv4-csum", PACKET_IPV4, 0)                                                       \
	_(TCPV4, "tcpv4-csum", PACKET_IPV4 | PACKET_TCP, 6)                                        \
	_(TCPV6, "tcpv6-csum", PACKET_IPV6 | PACKET_TCP, 6)                                        \
	_(UDPV4, "udpv4-csum", PACKET_IPV4 | PACKET_UDP, 17)                                       \
	_(UDPV6, "udpv6-csum", PACKET_IPV6 | PACKET_UDP, 17)                                       \
	_(ICMPV4, "icmpv4-csum", PACKET_IPV4 | PACKET_ICMP, 0)                                     \
	_(ICMPV6, "icmpv6-csum", PACKET_IPV6 | PACKET_ICMPV6, 58)

enum kw_checksum_type {
#define _(sym, name, flags, proto) KW_CHECKSUM_##sym,
	foreach_kw_checksum
#undef _
};

static const struct {
	uint32_t flags;
	uint8_t proto;
} kw_checksum_of[] = {
#define _(sym, name, flags, proto) [KW_CHECKSUM_##sym] = {flags, proto},
    foreach_kw_checksum
#undef _
};

/* rule_option.data */
struct kw_checksum {
	enum kw_checksum_type type;
	bool want_valid;
};

/* 16-bit big-endian words of data added to sum; an odd last byte is padded with zero. */
static uint32_t kw_checksum_add(uint32_t sum, const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	return sum;
}

static bool kw_checksum_folds_ok(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* The pseudo header's sum (RFC 793, RFC 8200 8.1). */
static uint32_t kw_checksum_pseudo(const struct packet *p, uint8_t proto, uint32_t l4_len)
{
	uint32_t alen = p->ip_version == 4 ? 4 : 16;
	uint32_t sum = kw_checksum_add(0, p->src_addr, alen);
	sum = kw_checksum_add(sum, p->dst_addr, alen);
	return sum + proto + (l4_len >> 16) + (l4_len & 0xffff);
}

/* Whether the checksum type asks about is right; false in *applies when p has none. */
static bool kw_checksum_ok(const struct packet *p, enum kw_checksum_type type, bool *applies)
{
	*applies = false;
	if ((p->flags & kw_checksum_of[type].flags) != kw_checksum_of[type].flags)
		return false;
	if (type == KW_CHECKSUM_IPV4) {
		uint32_t ihl = (uint32_t)(p->data[p->l3_offset] & 0x0f) * 4;
		if (ihl < 20 || p->l3_offset + ihl > p->len)
			return false;
		*applies = true;
		return kw_checksum_folds_ok(kw_checksum_add(0, p->data + p->l3_offset, ihl));
	}
	uint32_t end = p->l3_offset + p->l3_len;
	if ((p->flags & PACKET_FRAGMENT) || end > p->len || p->l4_offset >= end)
		return false;
	const uint8_t *l4 = p->data + p->l4_offset;
	uint32_t l4_len = end - p->l4_offset;
	*applies = true;
	if (type == KW_CHECKSUM_UDPV4 && l4_len >= 8 && l4[6] == 0 && l4[7] == 0)
		return true; /* no checksum sent */
	uint8_t proto = kw_checksum_of[type].proto;
	uint32_t sum = proto ? kw_checksum_pseudo(p, proto, l4_len) : 0;
	return kw_checksum_folds_ok(kw_checksum_add(sum, l4, l4_len));
}

static int kw_checksum_parse(struct rule_parser *parser, struct rule *rule, const char *value,
			     enum kw_checksum_type type, const char *keyword)
{
	char text[16];
	if (strlen(value) >= sizeof(text))
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", keyword, value);
	strcpy(text, value);
	char *word = kw_trim(text);
	if (strcmp(word, "valid") != 0 && strcmp(word, "invalid") != 0)
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\" (valid or invalid)",
					 keyword, value);
	struct kw_checksum *c = calloc(1, sizeof(*c));
	if (!c)
		return rule_parser_error(parser, "out of memory");
	c->type = type;
	c->want_valid = word[0] == 'v';
	if (!rule_parser_add_option(parser, rule, c)) {
		free(c);
		return -1;
	}
	return 0;
}

#define _(sym, name, flags, proto)                                                                 \
	static int kw_checksum_parse_##sym(struct rule_parser *parser, struct rule *rule,          \
					   const char *value)                                      \
	{                                                                                          \
		return kw_checksum_parse(parser, rule, value, KW_CHECKSUM_##sym, name);            \
	}
foreach_kw_checksum
#undef _

    /* Per-packet path: a pass over the packet's bytes, for the rules that ask only. */
    static bool
    kw_checksum_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_checksum *c = option->data;
	bool applies;
	if (!ctx->packet)
		return false;
	bool ok = kw_checksum_ok(ctx->packet, c->type, &applies);
	return applies && ok == c->want_valid;
}

void kw_checksum_register(void)
{
	static const struct rule_keyword rows[] = {
#define _(sym, kw_name, flags, proto)                                                              \
	{.name = kw_name,                                                                          \
	 .kind = RULE_KW_PACKET,                                                                   \
	 .value = RULE_KW_VALUE_REQUIRED,                                                          \
	 .parse = kw_checksum_parse_##sym,                                                         \
	 .match = kw_checksum_match},
	    foreach_kw_checksum
#undef _
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rule_keyword_register(&rows[i]);
}
