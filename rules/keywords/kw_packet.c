/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet keywords: dsize, ip_proto, ttl, flags (tcp.flags), itype, icode,
 * icmp_id, icmp_seq, icmpv6.mtu, tcp.mss, ipopts, vlan.id, vlan.layers,
 * prefilter. Each is a
 * PACKET option, a test of the decoded packet (dataplane/decode/packet.h) that
 * does not depend on where it stands in the rule. The number tests share
 * one comparison: "N", "<N", ">N", "<=N", ">=N", "!N", and the ranges
 * "N<>M" and "N-M", which, as in Suricata, exclude both ends; "!= N" is
 * "!N" as Suricata 8's integer keywords write it. Deciding
 * which packets reach the tests is left to the inspect stage.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"
#include "rules/keywords/kw_compare.h"
#include "rules/match/match.h"

static const char *kw_skip_blank(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

char *kw_trim(char *word)
{
	while (isspace((unsigned char)*word))
		word++;
	char *end = word + strlen(word);
	while (end > word && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return word;
}

/* A decimal number up to max; *end after it and any blanks. */
static int kw_number(const char *p, uint32_t max, uint32_t *out, const char **end)
{
	unsigned long long value = 0;

	p = kw_skip_blank(p);
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		value = value * 10 + (unsigned)(*p - '0');
		if (value > max)
			return -1;
	}
	*out = (uint32_t)value;
	*end = kw_skip_blank(p);
	return 0;
}

static enum kw_compare_op kw_compare_prefix(const char **p)
{
	static const struct {
		const char *text;
		enum kw_compare_op op;
	} prefixes[] = {{"<=", KW_COMPARE_LE}, {">=", KW_COMPARE_GE}, {"!=", KW_COMPARE_NE},
			{"<", KW_COMPARE_LT},  {">", KW_COMPARE_GT},  {"!", KW_COMPARE_NE},
			{"=", KW_COMPARE_EQ}};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i].text);

		if (strncmp(*p, prefixes[i].text, len) == 0) {
			*p += len;
			return prefixes[i].op;
		}
	}
	return KW_COMPARE_EQ;
}

/* "N<>M" or "N-M" after N: the high end, which must leave room between. */
static int kw_compare_range(struct kw_compare *compare, const char *p, uint32_t max)
{
	const char *end;

	if (strncmp(p, "<>", 2) == 0)
		p += 2;
	else if (*p == '-')
		p++;
	else
		return -1;
	if (kw_number(p, max, &compare->high, &end) < 0 || *end)
		return -1;
	compare->op = KW_COMPARE_RANGE;
	return compare->high > compare->low ? 0 : -1;
}

int kw_compare_parse(struct kw_compare *compare, const char *value, uint32_t max)
{
	const char *p = kw_skip_blank(value), *end;

	compare->op = kw_compare_prefix(&p);
	if (kw_number(p, max, &compare->low, &end) < 0)
		return -1;
	if (!*end)
		return 0;
	if (compare->op != KW_COMPARE_EQ || p != kw_skip_blank(value))
		return -1;
	return kw_compare_range(compare, end, max);
}

bool kw_compare_match(const struct kw_compare *compare, uint32_t x)
{
	switch (compare->op) {
	case KW_COMPARE_EQ:
		return x == compare->low;
	case KW_COMPARE_NE:
		return x != compare->low;
	case KW_COMPARE_LT:
		return x < compare->low;
	case KW_COMPARE_LE:
		return x <= compare->low;
	case KW_COMPARE_GT:
		return x > compare->low;
	case KW_COMPARE_GE:
		return x >= compare->low;
	case KW_COMPARE_RANGE:
		return x > compare->low && x < compare->high;
	}
	return false;
}

int kw_compare_add(struct rule_parser *parser, struct rule *rule, const char *name,
		   const char *value, uint32_t max)
{
	struct kw_compare *compare = malloc(sizeof(*compare));

	if (!compare)
		return rule_parser_error(parser, "out of memory");
	if (kw_compare_parse(compare, value, max) < 0) {
		free(compare);
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", name, value);
	}
	if (!rule_parser_add_option(parser, rule, compare)) {
		free(compare);
		return -1;
	}
	return 0;
}

/* ---- dsize, ttl, itype, icode ----------------------------------------- */

static int kw_dsize_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "dsize", value, UINT16_MAX);
}

static int kw_ttl_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "ttl", value, UINT8_MAX);
}

static int kw_itype_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "itype", value, UINT8_MAX);
}

static int kw_icode_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "icode", value, UINT8_MAX);
}

static bool kw_is_icmp(const struct packet *packet)
{
	return packet->flags & (PACKET_ICMP | PACKET_ICMPV6);
}

/* Per-packet path, as are all the match functions below. */
static bool kw_dsize_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	return kw_compare_match(option->data, ctx->packet->payload_len);
}

static bool kw_ttl_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	if (!(ctx->packet->flags & (PACKET_IPV4 | PACKET_IPV6)))
		return false;
	return kw_compare_match(option->data, ctx->packet->ip_ttl);
}

static bool kw_itype_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	return kw_is_icmp(ctx->packet) && kw_compare_match(option->data, ctx->packet->icmp_type);
}

static bool kw_icode_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	return kw_is_icmp(ctx->packet) && kw_compare_match(option->data, ctx->packet->icmp_code);
}

/* ---- icmp_id, icmp_seq, icmpv6.mtu, tcp.mss ----------------------------- */

static int kw_icmp_id_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "icmp_id", value, UINT16_MAX);
}

static int kw_icmp_seq_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "icmp_seq", value, UINT16_MAX);
}

static int kw_icmpv6_mtu_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "icmpv6.mtu", value, UINT32_MAX);
}

static int kw_tcp_mss_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "tcp.mss", value, UINT16_MAX);
}

/* A big-endian field of the ICMP header at offset, when the frame holds it. */
static bool kw_icmp_field(const struct packet *p, uint32_t offset, uint32_t width, uint32_t *out)
{
	if (!kw_is_icmp(p) || p->l4_offset + offset + width > p->len)
		return false;
	const uint8_t *at = p->data + p->l4_offset + offset;
	*out = 0;
	for (uint32_t i = 0; i < width; i++)
		*out = *out << 8 | at[i];
	return true;
}

/* Echo request or reply (ICMP 8/0, ICMPv6 128/129): only those carry an id and sequence. */
static bool kw_icmp_is_echo(const struct packet *p)
{
	if (p->flags & PACKET_ICMPV6)
		return p->icmp_type == 128 || p->icmp_type == 129;
	return p->icmp_type == 0 || p->icmp_type == 8;
}

static bool kw_icmp_id_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	uint32_t id;
	return kw_icmp_is_echo(ctx->packet) && kw_icmp_field(ctx->packet, 4, 2, &id) &&
	       kw_compare_match(option->data, id);
}

static bool kw_icmp_seq_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	uint32_t seq;
	return kw_icmp_is_echo(ctx->packet) && kw_icmp_field(ctx->packet, 6, 2, &seq) &&
	       kw_compare_match(option->data, seq);
}

/* ICMPv6 Packet Too Big (type 2) carries the MTU; other messages do not match. */
static bool kw_icmpv6_mtu_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct packet *p = ctx->packet;
	uint32_t mtu;
	return (p->flags & PACKET_ICMPV6) && p->icmp_type == 2 && kw_icmp_field(p, 4, 4, &mtu) &&
	       kw_compare_match(option->data, mtu);
}

/* The MSS option's value; a segment without the option does not match. */
static bool kw_tcp_mss_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct packet *p = ctx->packet;
	return (p->flags & PACKET_TCP) && p->tcp_options.mss &&
	       kw_compare_match(option->data, p->tcp_options.mss);
}

/* ---- ipopts ------------------------------------------------------------- */

/* IPv4 option names as Suricata writes them, with their type byte; "any": any option. */
static const struct {
	const char *name;
	uint8_t type;
} kw_ipopts_names[] = {
    {"eol", 0x00},  {"nop", 0x01},  {"rr", 0x07},   {"ts", 0x44},    {"sec", 0x82},
    {"esec", 0x85}, {"lsrr", 0x83}, {"ssrr", 0x89}, {"satid", 0x88}, {"any", 0xff},
};

static int kw_ipopts_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	const char *name = kw_skip_blank(value);
	for (size_t i = 0; i < sizeof(kw_ipopts_names) / sizeof(kw_ipopts_names[0]); i++) {
		if (strcmp(kw_ipopts_names[i].name, name) != 0)
			continue;
		uint8_t *type = malloc(sizeof(*type));
		if (!type)
			return rule_parser_error(parser, "out of memory");
		*type = kw_ipopts_names[i].type;
		if (!rule_parser_add_option(parser, rule, type)) {
			free(type);
			return -1;
		}
		return 0;
	}
	return rule_parser_error(parser, "bad value of \"ipopts\": \"%s\"", value);
}

/*
 * Walk the IPv4 options (the decoder checked they fit the header): EOL
 * ends the list, NOP is one byte, the others carry a length.
 */
static bool kw_ipopts_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct packet *p = ctx->packet;
	uint8_t want = *(const uint8_t *)option->data;
	if (!(p->flags & PACKET_IPV4) || !(p->flags & PACKET_IPV4_OPTIONS) ||
	    p->l3_offset + 20 > p->len)
		return false;
	if (want == 0xff)
		return true;
	uint32_t header = (uint32_t)(p->data[p->l3_offset] & 0x0f) * 4;
	const uint8_t *opt = p->data + p->l3_offset + 20;
	uint32_t len = header > 20 && p->l3_offset + header <= p->len ? header - 20 : 0;
	for (uint32_t i = 0; i < len;) {
		if (opt[i] == want)
			return true;
		if (opt[i] == 0x00)
			return false;
		if (opt[i] == 0x01) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2)
			return false;
		i += opt[i + 1];
	}
	return false;
}

/* ---- vlan.id, vlan.layers ----------------------------------------------- */

#define KW_VLAN_ANY INT8_MIN /* any layer (the default) */
#define KW_VLAN_ALL INT8_MAX /* every layer, and at least one */

/* vlan.id: [op]id[,layer]; layer 0..2 from the outermost, -3..-1 from the innermost. */
struct kw_vlan_id {
	struct kw_compare compare;
	int8_t layer;
};

static int kw_vlan_layer(const char *text, int8_t *layer)
{
	char *end;
	if (strcmp(text, "any") == 0) {
		*layer = KW_VLAN_ANY;
		return 0;
	}
	if (strcmp(text, "all") == 0) {
		*layer = KW_VLAN_ALL;
		return 0;
	}
	long v = strtol(text, &end, 10);
	if (!*text || *end || v < -3 || v > 2)
		return -1;
	*layer = (int8_t)v;
	return 0;
}

static int kw_vlan_id_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_vlan_id *v = calloc(1, sizeof(*v));
	char buf[64];
	if (!v)
		return rule_parser_error(parser, "out of memory");
	v->layer = KW_VLAN_ANY;
	int rc = strlen(value) < sizeof(buf) ? 0 : -1;
	if (rc == 0) {
		strcpy(buf, value);
		char *comma = strchr(buf, ',');
		if (comma) {
			*comma = '\0';
			rc = kw_vlan_layer(kw_trim(comma + 1), &v->layer);
		}
		if (rc == 0)
			rc = kw_compare_parse(&v->compare, buf, 4095);
	}
	if (rc < 0) {
		free(v);
		return rule_parser_error(parser, "bad value of \"vlan.id\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, v)) {
		free(v);
		return -1;
	}
	return 0;
}

static bool kw_vlan_id_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_vlan_id *v = option->data;
	const struct packet *p = ctx->packet;
	unsigned n = p->vlan_count < PACKET_MAX_VLANS ? p->vlan_count : PACKET_MAX_VLANS;
	if (v->layer != KW_VLAN_ANY && v->layer != KW_VLAN_ALL) {
		int at = v->layer < 0 ? (int)n + v->layer : v->layer;
		return at >= 0 && at < (int)n && kw_compare_match(&v->compare, p->vlan_id[at]);
	}
	unsigned hits = 0;
	for (unsigned i = 0; i < n; i++)
		hits += kw_compare_match(&v->compare, p->vlan_id[i]);
	return v->layer == KW_VLAN_ALL ? n && hits == n : hits > 0;
}

static int kw_vlan_layers_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "vlan.layers", value, UINT8_MAX);
}

static bool kw_vlan_layers_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	return kw_compare_match(option->data, ctx->packet->vlan_count);
}

/* ---- prefilter ---------------------------------------------------------- */

/*
 * prefilter: Suricata's hint to use a non-content option as the rule's
 * prefilter. vigil picks candidates its own way, so the hint changes
 * nothing; it is accepted so the rule loads.
 */
static int kw_prefilter_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)parser;
	(void)rule;
	(void)value;
	return 0;
}

/* ---- ip_proto ----------------------------------------------------------- */

static const struct {
	const char *name;
	uint8_t number;
} kw_ip_proto_names[] = {
    {"hopopt", 0},     {"icmp", 1},	   {"igmp", 2},	      {"ipip", 4},    {"tcp", 6},
    {"egp", 8},	       {"pup", 12},	   {"udp", 17},	      {"idp", 22},    {"tp", 29},
    {"ipv6", 41},      {"ipv6-route", 43}, {"ipv6-frag", 44}, {"rsvp", 46},   {"gre", 47},
    {"esp", 50},       {"ah", 51},	   {"ipv6-icmp", 58}, {"icmpv6", 58}, {"ipv6-nonxt", 59},
    {"ipv6-opts", 60}, {"eigrp", 88},	   {"ospf", 89},      {"pim", 103},   {"vrrp", 112},
    {"l2tp", 115},     {"sctp", 132},	   {"udplite", 136},
};

/* A protocol name becomes its number: "!tcp" is "!6". */
static int kw_ip_proto_name(const char *name, uint32_t *number)
{
	for (size_t i = 0; i < sizeof(kw_ip_proto_names) / sizeof(kw_ip_proto_names[0]); i++) {
		if (strcasecmp(kw_ip_proto_names[i].name, name) == 0) {
			*number = kw_ip_proto_names[i].number;
			return 0;
		}
	}
	return -1;
}

/* "6", "tcp", "!tcp", "<10", ">6". */
static int kw_ip_proto_fill(struct kw_compare *compare, const char *value)
{
	const char *p = kw_skip_blank(value), *end;

	compare->op = KW_COMPARE_EQ;
	if (*p == '!')
		compare->op = KW_COMPARE_NE;
	else if (*p == '<')
		compare->op = KW_COMPARE_LT;
	else if (*p == '>')
		compare->op = KW_COMPARE_GT;
	if (compare->op != KW_COMPARE_EQ)
		p = kw_skip_blank(p + 1);
	if (kw_ip_proto_name(p, &compare->low) == 0)
		return 0;
	if (kw_number(p, UINT8_MAX, &compare->low, &end) < 0 || *end)
		return -1;
	return 0;
}

static int kw_ip_proto_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_compare *compare = malloc(sizeof(*compare));

	if (!compare)
		return rule_parser_error(parser, "out of memory");
	if (kw_ip_proto_fill(compare, value) < 0) {
		free(compare);
		return rule_parser_error(parser, "bad value of \"ip_proto\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, compare)) {
		free(compare);
		return -1;
	}
	return 0;
}

static bool kw_ip_proto_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	if (!(ctx->packet->flags & (PACKET_IPV4 | PACKET_IPV6)))
		return false;
	return kw_compare_match(option->data, ctx->packet->l4_proto);
}

/* ---- flags -------------------------------------------------------------- */

enum kw_flags_mode {
	KW_FLAGS_EXACT, /* these and no others (outside the mask) */
	KW_FLAGS_PLUS,	/* '+': these, others allowed */
	KW_FLAGS_ANY,	/* '*': any of these */
	KW_FLAGS_NOT,	/* '!': not all of these */
};

/* rule_option.data of flags: tcp_flags & ~ignore compared with want. */
struct kw_flags {
	enum kw_flags_mode mode;
	uint8_t want;
	uint8_t ignore;
};

/* F S R P A U, then C (CWR) E (ECE); the old Snort names 1 and 2 for those two. */
static int kw_flags_bit(char c)
{
	static const char letters[] = "FSRPAUEC";
	const char *at = strchr(letters, toupper((unsigned char)c));

	if (c == '1')
		return 0x80;
	if (c == '2')
		return 0x40;
	if (!c || !at)
		return -1;
	return 1 << (at - letters);
}

static int kw_flags_set(const char *p, const char *end, uint8_t *bits, bool allow_zero)
{
	bool zero = false;

	for (; p < end; p++) {
		int bit = kw_flags_bit(*p);

		if (*p == '0' && allow_zero)
			zero = true;
		else if (bit < 0)
			return -1;
		else
			*bits |= (uint8_t)bit;
	}
	return zero && *bits ? -1 : 0;
}

static int kw_flags_mode(char c, enum kw_flags_mode *mode)
{
	if (c == '+')
		*mode = KW_FLAGS_PLUS;
	else if (c == '*')
		*mode = KW_FLAGS_ANY;
	else if (c == '!')
		*mode = KW_FLAGS_NOT;
	else
		return -1;
	return 0;
}

/* "SA", "S+", "+S", "*SA", "!R", "0", "S,12", "SA,CE": the modifier first or last. */
static int kw_flags_fill(struct kw_flags *flags, const char *value)
{
	const char *comma = strchr(value, ',');
	const char *start = value, *end = comma ? comma : value + strlen(value);

	flags->mode = KW_FLAGS_EXACT;
	if (start < end && kw_flags_mode(*start, &flags->mode) == 0)
		start++;
	else if (end > start && kw_flags_mode(end[-1], &flags->mode) == 0)
		end--;
	if (start == end || kw_flags_set(start, end, &flags->want, true) < 0)
		return -1;
	if (comma && (!comma[1] ||
		      kw_flags_set(comma + 1, comma + strlen(comma), &flags->ignore, false) < 0))
		return -1;
	return 0;
}

static int kw_flags_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_flags *flags = calloc(1, sizeof(*flags));
	char compact[64];
	size_t len = 0;

	if (!flags)
		return rule_parser_error(parser, "out of memory");
	for (const char *p = value; *p && len + 1 < sizeof(compact); p++) {
		if (!isspace((unsigned char)*p))
			compact[len++] = *p;
	}
	compact[len] = '\0';
	if (strlen(value) >= sizeof(compact) || kw_flags_fill(flags, compact) < 0) {
		free(flags);
		return rule_parser_error(parser, "bad value of \"flags\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, flags)) {
		free(flags);
		return -1;
	}
	return 0;
}

static bool kw_flags_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_flags *flags = option->data;
	uint8_t seen = ctx->packet->tcp_flags & (uint8_t)~flags->ignore;

	if (!(ctx->packet->flags & PACKET_TCP))
		return false;
	switch (flags->mode) {
	case KW_FLAGS_EXACT:
		return seen == flags->want;
	case KW_FLAGS_PLUS:
		return (seen & flags->want) == flags->want;
	case KW_FLAGS_ANY:
		return flags->want == 0 ? seen == 0 : (seen & flags->want) != 0;
	case KW_FLAGS_NOT:
		return flags->want == 0 ? seen != 0 : (seen & flags->want) != flags->want;
	}
	return false;
}

/* ---- registration ------------------------------------------------------- */

#define KW_PACKET_ROW(kw_name, prefix)                                                             \
	{                                                                                          \
		.name = kw_name, .kind = RULE_KW_PACKET, .value = RULE_KW_VALUE_REQUIRED,          \
		.parse = prefix##_parse, .match = prefix##_match                                   \
	}

static const struct rule_keyword kw_packet_rows[] = {
    KW_PACKET_ROW("dsize", kw_dsize),
    KW_PACKET_ROW("ttl", kw_ttl),
    KW_PACKET_ROW("itype", kw_itype),
    KW_PACKET_ROW("icode", kw_icode),
    KW_PACKET_ROW("ip_proto", kw_ip_proto),
    KW_PACKET_ROW("flags", kw_flags),
    /* Suricata 8's name of flags */
    KW_PACKET_ROW("tcp.flags", kw_flags),
    KW_PACKET_ROW("icmp_id", kw_icmp_id),
    KW_PACKET_ROW("icmp_seq", kw_icmp_seq),
    KW_PACKET_ROW("icmpv6.mtu", kw_icmpv6_mtu),
    KW_PACKET_ROW("tcp.mss", kw_tcp_mss),
    KW_PACKET_ROW("ipopts", kw_ipopts),
    KW_PACKET_ROW("vlan.id", kw_vlan_id),
    KW_PACKET_ROW("vlan.layers", kw_vlan_layers),
    {.name = "prefilter",
     .kind = RULE_KW_META,
     .value = RULE_KW_VALUE_NONE,
     .parse = kw_prefilter_parse},
};

void kw_packet_register(void)
{
	for (size_t i = 0; i < sizeof(kw_packet_rows) / sizeof(kw_packet_rows[0]); i++)
		rule_keyword_register(&kw_packet_rows[i]);
}
