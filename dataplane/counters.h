/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore dataplane counters. Each worker owns one cache-aligned struct
 * worker_counters and is its only writer; the control lcore reads them
 * (plain aligned 64-bit loads, which x86-64 and arm64 make atomic) and sums
 * them on read. Nothing here is shared for writing, so there are no locks
 * and no atomics on the per-packet path.
 *
 * The counter names and the drop reasons are X-macro lists: the enums, the
 * printed names and the JSON keys all come from them.
 */
#ifndef VIGIL_DATAPLANE_COUNTERS_H
#define VIGIL_DATAPLANE_COUNTERS_H

#include <stdint.h>

#include "dataplane/decode/decode.h"
#include "dataplane/flow/normalize.h"

/* _(SYMBOL, "name") */
#define foreach_worker_counter                                                                     \
	_(RX_PACKETS, "rx_packets")                                                                \
	_(RX_BYTES, "rx_bytes")                                                                    \
	_(TX_PACKETS, "tx_packets")                                                                \
	_(TX_BYTES, "tx_bytes")                                                                    \
	_(VLAN, "vlan")                                                                            \
	_(IPV4, "ipv4")                                                                            \
	_(IPV6, "ipv6")                                                                            \
	_(FRAGMENTS, "fragments")                                                                  \
	_(TCP, "tcp")                                                                              \
	_(UDP, "udp")                                                                              \
	_(ICMP, "icmp")                                                                            \
	_(ICMPV6, "icmpv6")                                                                        \
	_(SCTP, "sctp")                                                                            \
	_(OTHER_L3, "other_l3")                                                                    \
	_(LINK_LOCAL, "link_local")                                                                \
	_(OTHER_L4, "other_l4")                                                                    \
	_(GENEVE, "geneve")                                                                        \
	_(VXLAN, "vxlan")                                                                          \
	_(NSH, "nsh")                                                                              \
	_(GRE, "gre")                                                                              \
	_(MALFORMED, "malformed")                                                                  \
	_(ALERTS, "alerts")                                                                        \
	_(ALERTS_LOST, "alerts_lost")                                                              \
	_(ALERTS_DISCARDED, "alerts_discarded")                                                    \
	_(FLOWVARS_LOST, "flowvars_lost")                                                          \
	_(REJECTS_SENT, "rejects_sent")                                                            \
	_(CHECKSUMS_OFF, "checksums_off")                                                          \
	_(PCRE_LIMITS, "pcre_limits")                                                              \
	_(BODIES_TRUNCATED, "bodies_truncated")                                                    \
	_(BODY_RULES_LOST, "body_rules_lost")                                                      \
	_(FILES_STORED, "files_stored")                                                            \
	_(FILES_STORE_REFUSED, "files_store_refused")                                              \
	_(FILES_STORE_FAILED, "files_store_failed")                                                \
	_(FLOWS_FORGOTTEN, "flows_forgotten")                                                      \
	_(HELD_THROUGH_BYPASS, "held_through_bypass")                                              \
	_(EVE_EVENTS, "eve_events")                                                                \
	_(EVE_EVENTS_LOST, "eve_events_lost")                                                      \
	_(XBITS_EVICTED, "xbits_evicted") /* a live xbit or hostbit pushed out of its full table */

enum worker_counter {
#define _(sym, name) WORKER_COUNTER_##sym,
	foreach_worker_counter
#undef _
	    WORKER_COUNTER_COUNT
};

/* Why a packet did not leave: _(SYMBOL, "name", "description") */
#define foreach_drop_reason                                                                        \
	_(MALFORMED, "malformed", "failed to decode and the board drops malformed packets")        \
	_(TX_FULL, "tx_full", "transmit queue of the pair port was full")                          \
	_(VERDICT, "verdict", "inspection decided to drop")                                        \
	_(RATE_LIMIT, "rate_limit", "source blocked by a policy rate limit")                       \
	_(FILTER, "filter", "the filter stage (ACL, IP sets, domain lists) denied it")             \
	_(FRAGMENT, "fragment", "IP reassembly refused the fragment (overlap, size, pieces)")      \
	_(NORMALIZE, "normalize", "its receiver would discard it (see normalized_by_reason)")      \
	_(HANDOFF, "handoff",                                                                      \
	  "held by a worker whose queues were taken (fail-open) when the appliance stopped")

enum drop_reason {
#define _(sym, name, text) DROP_##sym,
	foreach_drop_reason
#undef _
	    DROP_REASON_COUNT
};

extern const char *const worker_counter_name[WORKER_COUNTER_COUNT];
extern const char *const drop_reason_name[DROP_REASON_COUNT];
extern const char *const drop_reason_text[DROP_REASON_COUNT];

struct worker_counters {
	uint64_t counter[WORKER_COUNTER_COUNT];
	uint64_t drop[DROP_REASON_COUNT];
	uint64_t malformed[DECODE_ERROR_COUNT]; /* by enum decode_error */
	/* packets the receiver would discard, by enum normalize_reason: dropped
	 * (ips) or not inspected (ids) */
	uint64_t normalized[NORMALIZE_REASON_COUNT];
} __attribute__((aligned(64)));

/* Add every field of from to into. Control lcore (summing on read). */
void counters_add(struct worker_counters *into, const struct worker_counters *from);

#endif
