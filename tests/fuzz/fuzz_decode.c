/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/decode/decode*.c
/*
 * libFuzzer target for the packet decoders: every input is a frame given to
 * decode_packet(), and afterwards the decoded view must describe only bytes
 * inside the frame and be consistent with its own flags. A violated
 * invariant traps so the fuzzer keeps the input; out-of-bounds reads are
 * left to ASan and UBSan. Seeds live in tests/fuzz/corpus/decode/; running
 * is left to tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/decode/decode.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static int fuzz_within(uint32_t offset, uint32_t len, uint32_t limit)
{
	return (uint64_t)offset + len <= limit;
}

static void fuzz_check_packet(const struct packet *p, enum decode_error error, const uint8_t *data,
			      uint32_t len)
{
	uint32_t f = p->flags;

	FUZZ_CHECK(error < DECODE_ERROR_COUNT);
	FUZZ_CHECK(p->data == data && p->len == len);
	FUZZ_CHECK(p->vlan_count <= 2);
	FUZZ_CHECK(!(f & PACKET_VLAN) == (p->vlan_count == 0));
	FUZZ_CHECK(fuzz_within(p->payload_offset, p->payload_len, len));
	FUZZ_CHECK(!((f & PACKET_IPV4) && (f & PACKET_IPV6)));
	FUZZ_CHECK(!((f & PACKET_FIRST_FRAGMENT) && !(f & PACKET_FRAGMENT)));

	if (f & (PACKET_IPV4 | PACKET_IPV6)) {
		FUZZ_CHECK(p->ip_version == ((f & PACKET_IPV4) ? 4 : 6));
		FUZZ_CHECK(p->l3_len >= ((f & PACKET_IPV4) ? 20u : 40u));
		FUZZ_CHECK(fuzz_within(p->l3_offset, p->l3_len, len));
	}
	if (f & PACKET_FRAGMENT)
		FUZZ_CHECK((p->fragment_offset == 0) == !!(f & PACKET_FIRST_FRAGMENT));

	uint32_t l4 = f & (PACKET_TCP | PACKET_UDP | PACKET_ICMP | PACKET_ICMPV6);
	if (l4) {
		/* One transport, inside the IP packet, never on a later fragment. */
		FUZZ_CHECK((l4 & (l4 - 1)) == 0);
		FUZZ_CHECK(f & (PACKET_IPV4 | PACKET_IPV6));
		FUZZ_CHECK(!(f & PACKET_FRAGMENT) || (f & PACKET_FIRST_FRAGMENT));
		FUZZ_CHECK(p->l4_offset >= p->l3_offset + 20);
		uint32_t min = (f & PACKET_TCP) ? 20 : (f & PACKET_UDP) ? 8 : 4;
		FUZZ_CHECK(fuzz_within(p->l4_offset, min, p->l3_offset + p->l3_len));
	}
	if (error != DECODE_OK)
		return;

	/* A clean decode names exactly one network layer. */
	uint32_t l3 = f & (PACKET_IPV4 | PACKET_IPV6 | PACKET_L3_UNKNOWN);
	FUZZ_CHECK(l3 != 0 && (l3 & (l3 - 1)) == 0);
	if (f & (PACKET_IPV4 | PACKET_IPV6)) {
		/* The payload never includes Ethernet padding. */
		FUZZ_CHECK(p->payload_offset >= p->l3_offset);
		FUZZ_CHECK(
		    fuzz_within(p->payload_offset, p->payload_len, p->l3_offset + p->l3_len));
		FUZZ_CHECK(!(l4 && (f & PACKET_L4_UNKNOWN)));
	}
	if (f & PACKET_TCP)
		FUZZ_CHECK(p->payload_offset >= p->l4_offset + 20);
	if (f & PACKET_UDP)
		FUZZ_CHECK(p->payload_offset == p->l4_offset + 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet p;

	if (size > UINT32_MAX)
		return 0;
	enum decode_error error = decode_packet(&p, data, (uint32_t)size);
	fuzz_check_packet(&p, error, data, (uint32_t)size);
	/* the same bytes from each other link layer an offline capture may have */
	for (int link = DECODE_LINK_RAW; link <= DECODE_LINK_SLL2; link++) {
		memset(&p, 0, sizeof(p));
		p.data = data;
		p.len = (uint32_t)size;
		error = decode_link(&p, (enum decode_link)link);
		fuzz_check_packet(&p, error, data, (uint32_t)size);
	}
	return 0;
}
