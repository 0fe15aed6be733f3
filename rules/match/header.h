/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Does a packet fit a rule's header (protocol, addresses, ports,
 * direction)? Separate from the option matcher because it is the same for
 * every rule and runs first: most candidates from a fast-pattern scan fall
 * here, cheaply.
 */
#ifndef VIGIL_RULES_HEADER_H
#define VIGIL_RULES_HEADER_H

#include <stdbool.h>

#include "dataplane/decode/packet.h"
#include "rules/lang/rule.h"

/*
 * True when p fits rule's header. For "<>" rules either orientation fits.
 * Application-protocol headers (alert http ...) fit only when app_proto
 * (enum rule_proto of the flow's detected protocol, or -1 when unknown)
 * names the same protocol. Per-packet path.
 */
bool rule_header_match(const struct rule *rule, const struct packet *p, int app_proto);

/* Address or port set membership, exposed for tests. */
bool rule_addr_set_match(const struct rule_addr_set *set, const uint8_t *addr, int family);
bool rule_port_set_match(const struct rule_port_set *set, uint16_t port);

#endif
