/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule header matching (see header.h). Address sets are short lists in
 * practice (variables like $HOME_NET expand to a handful of prefixes), so a
 * linear walk beats any structure here; address-only rule sets with
 * thousands of prefixes belong to the IP-set filter stage instead. A named
 * IP set ("@blocklist") is one prefix-table lookup through its owner
 * (rules/lang/ipset_lookup.h), asked only when the explicit prefixes did not
 * already decide.
 */
#include <string.h>

#include "rules/match/header.h"
#include "rules/lang/ipset_lookup.h"

static bool cidr_match(const struct rule_cidr *c, const uint8_t *addr, int family)
{
	if (c->family != family)
		return false;
	unsigned bits = c->prefix_len, full = bits / 8, rest = bits % 8;
	if (memcmp(c->addr, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (addr[full] & mask);
}

static bool group_match(const struct rule_addr_group *g, const uint8_t *addr, int family)
{
	return g->lookup->contains(g->lookup->ctx, g->key, g->name, addr, family);
}

bool rule_addr_set_match(const struct rule_addr_set *set, const uint8_t *addr, int family)
{
	bool in = set->include_any;
	for (unsigned i = 0; !in && i < set->include_count; i++)
		in = cidr_match(&set->include[i], addr, family);
	for (unsigned i = 0; !in && i < set->include_group_count; i++)
		in = group_match(&set->include_groups[i], addr, family);
	if (!in)
		return false;
	for (unsigned i = 0; i < set->exclude_count; i++)
		if (cidr_match(&set->exclude[i], addr, family))
			return false;
	for (unsigned i = 0; i < set->exclude_group_count; i++)
		if (group_match(&set->exclude_groups[i], addr, family))
			return false;
	return true;
}

bool rule_port_set_match(const struct rule_port_set *set, uint16_t port)
{
	bool in = set->include_any;
	for (unsigned i = 0; !in && i < set->include_count; i++)
		in = port >= set->include[i].low && port <= set->include[i].high;
	if (!in)
		return false;
	for (unsigned i = 0; i < set->exclude_count; i++)
		if (port >= set->exclude[i].low && port <= set->exclude[i].high)
			return false;
	return true;
}

static bool proto_match(const struct rule *rule, const struct packet *p, int app_proto)
{
	switch (rule->proto) {
	case RULE_PROTO_IP:
		return p->flags & (PACKET_IPV4 | PACKET_IPV6);
	case RULE_PROTO_IPV4:
		return p->flags & PACKET_IPV4;
	case RULE_PROTO_IPV6:
		return p->flags & PACKET_IPV6;
	case RULE_PROTO_ICMP:
		return p->flags & (PACKET_ICMP | PACKET_ICMPV6);
	case RULE_PROTO_ICMPV4:
		return p->flags & PACKET_ICMP;
	case RULE_PROTO_ICMPV6:
		return p->flags & PACKET_ICMPV6;
	case RULE_PROTO_PKTHDR:
		return true;
	default:
		break;
	}
	if (rule_proto_is_app(rule->proto))
		return app_proto == (int)rule->proto ||
		       (rule->proto == RULE_PROTO_HTTP1 && app_proto == RULE_PROTO_HTTP) ||
		       /* DCE/RPC over SMB named pipes is DCE/RPC too, as Suricata counts it */
		       (rule->proto == RULE_PROTO_DCERPC && app_proto == RULE_PROTO_SMB) ||
		       /* Suricata's http names both versions */
		       (rule->proto == RULE_PROTO_HTTP && app_proto == RULE_PROTO_HTTP2);
	/* tcp, tcp-pkt, tcp-stream, udp, sctp: the IP protocol decides. */
	return (p->flags & (PACKET_IPV4 | PACKET_IPV6)) &&
	       p->l4_proto == rule_proto_ip[rule->proto];
}

static bool has_ports(const struct packet *p)
{
	return p->flags & (PACKET_TCP | PACKET_UDP | PACKET_SCTP);
}

static bool side_match(const struct rule_addr_set *addrs, const struct rule_port_set *ports,
		       const uint8_t *addr, uint16_t port, const struct packet *p)
{
	if (!rule_addr_set_match(addrs, addr, p->ip_version))
		return false;
	/* Port lists only constrain packets that have ports (as Suricata). */
	return !has_ports(p) || rule_port_set_match(ports, port);
}

bool rule_header_match(const struct rule *rule, const struct packet *p, int app_proto)
{
	if (!proto_match(rule, p, app_proto))
		return false;
	if (side_match(&rule->src_addr, &rule->src_port, p->src_addr, p->src_port, p) &&
	    side_match(&rule->dst_addr, &rule->dst_port, p->dst_addr, p->dst_port, p))
		return true;
	return rule->bidirectional &&
	       side_match(&rule->src_addr, &rule->src_port, p->dst_addr, p->dst_port, p) &&
	       side_match(&rule->dst_addr, &rule->dst_port, p->src_addr, p->src_port, p);
}
