/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Community ID, version 1 (https://github.com/corelight/community-id-spec):
 * one string per flow that Zeek, Suricata, Arkime, EveBox and Security
 * Onion compute alike, so a SIEM joins vigil's records with theirs. The
 * hash covers the seed, the two endpoints in a fixed order (the smaller
 * address, then port, first), the IP protocol and the ports; ICMP's type
 * and code stand in for the ports as the specification maps them (a
 * request and its reply get one ID). Pure functions: any lcore.
 */
#ifndef VIGIL_CONTROL_COMMUNITY_ID_H
#define VIGIL_CONTROL_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

/* "1:" + base64 of a SHA-1 digest (28 characters) + NUL */
#define COMMUNITY_ID_MAX 31

/*
 * The Community ID v1 of a flow seen as src -> dst: ip_version 4 (the
 * first four bytes of each address) or 6 (sixteen); proto the IP protocol;
 * for TCP, UDP and SCTP src_port/dst_port are the ports, for ICMP (1) and
 * ICMPv6 (58) they are the message's type and code; other protocols hash
 * no ports. Writes the ID (NUL-terminated) into out and returns its
 * length, or 0 (out "") for an ip_version other than 4 or 6.
 */
size_t community_id_v1(uint16_t seed, int ip_version, const uint8_t *src_addr,
		       const uint8_t *dst_addr, uint8_t proto, uint16_t src_port, uint16_t dst_port,
		       char out[COMMUNITY_ID_MAX]);

#endif
