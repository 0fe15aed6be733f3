/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decoder events a rule can match (decode-event:NAME, usually in a pkthdr
 * rule), named as Suricata names them. The dataplane raises each from the
 * anomaly it already counts (dataplane/decode/decode.h's errors, IP
 * reassembly's refusals) and hands the packet's events to detection in
 * struct rule_match_ctx.events. A Suricata event vigil does not raise
 * (its decoders take other decisions: a checksum, an option it ignores)
 * still loads and never matches, so Suricata's decoder-events.rules load.
 * _(SYMBOL, "name")
 */
#ifndef VIGIL_RULES_EVENT_H
#define VIGIL_RULES_EVENT_H

#define foreach_rule_decode_event                                                                  \
	_(ETHERNET_PKT_TOO_SMALL, "ethernet.pkt_too_small")                                        \
	_(VLAN_HEADER_TOO_SMALL, "vlan.header_too_small")                                          \
	_(VLAN_TOO_MANY_LAYERS, "vlan.too_many_layers")                                            \
	_(IPV4_PKT_TOO_SMALL, "ipv4.pkt_too_small")                                                \
	_(IPV4_HLEN_TOO_SMALL, "ipv4.hlen_too_small")                                              \
	_(IPV4_TRUNC_PKT, "ipv4.trunc_pkt")                                                        \
	_(IPV4_OPT_INVALID_LEN, "ipv4.opt_invalid_len")                                            \
	_(IPV4_WRONG_IP_VER, "ipv4.wrong_ip_version")                                              \
	_(IPV4_FRAG_PKT_TOO_LARGE, "ipv4.frag_pkt_too_large")                                      \
	_(IPV4_FRAG_OVERLAP, "ipv4.frag_overlap")                                                  \
	_(IPV6_PKT_TOO_SMALL, "ipv6.pkt_too_small")                                                \
	_(IPV6_TRUNC_PKT, "ipv6.trunc_pkt")                                                        \
	_(IPV6_TRUNC_EXTHDR, "ipv6.trunc_exthdr")                                                  \
	_(IPV6_EXTHDR_DUPL_FH, "ipv6.exthdr_dupl_fh")                                              \
	_(IPV6_EXTHDR_USELESS_FH, "ipv6.exthdr_useless_fh")                                        \
	_(IPV6_WRONG_IP_VER, "ipv6.wrong_ip_version")                                              \
	_(IPV6_FRAG_PKT_TOO_LARGE, "ipv6.frag_pkt_too_large")                                      \
	_(IPV6_FRAG_OVERLAP, "ipv6.frag_overlap")                                                  \
	_(IPV6_FRAG_INVALID_LENGTH, "ipv6.frag_invalid_length")                                    \
	_(IPV4_WITH_ICMPV6, "ipv4.icmpv6")                                                         \
	_(ICMPV4_PKT_TOO_SMALL, "icmpv4.pkt_too_small")                                            \
	_(ICMPV6_PKT_TOO_SMALL, "icmpv6.pkt_too_small")                                            \
	_(TCP_PKT_TOO_SMALL, "tcp.pkt_too_small")                                                  \
	_(TCP_HLEN_TOO_SMALL, "tcp.hlen_too_small")                                                \
	_(TCP_INVALID_OPTLEN, "tcp.invalid_optlen")                                                \
	_(UDP_PKT_TOO_SMALL, "udp.pkt_too_small")                                                  \
	_(UDP_LEN_INVALID, "udp.len_invalid")

enum rule_decode_event {
#define _(sym, name) RULE_EVENT_##sym,
	foreach_rule_decode_event
#undef _
	    RULE_EVENT_COUNT
};

/* Events fit one 64-bit word of struct rule_match_ctx. */
_Static_assert(RULE_EVENT_COUNT <= 64, "decode events must fit 64 bits");

#define RULE_EVENT_BIT(event) (1ull << (event))

extern const char *const rule_decode_event_name[RULE_EVENT_COUNT];

#endif
