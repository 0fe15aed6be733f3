/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/decode/decode*.c
/*
 * libFuzzer target for the tunnel decoders (GENEVE, VXLAN): every input is
 * a frame decoded as on a port carrying GENEVE on 6081 and a VXLAN pair on
 * 4789 (VNI 1) and 4790 (VNI 2). Whatever the tunnel, the outer headers
 * must lie before the inner packet, the inner packet inside the datagram,
 * and every layer of the view inside the frame; decode_tunnel_packet()
 * gives the very view decode_packet() and decode_tunnel() give, whatever
 * the frame. A violated invariant traps so the fuzzer keeps the input;
 * out-of-bounds reads are left to ASan and UBSan. Seeds live in
 * tests/fuzz/corpus/tunnel/.
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

static const struct decode_tunnels fuzz_tunnels = {
    .geneve_port = 6081,
    .vxlan_count = 2,
    .vxlan = {{.port = 4789, .vni = 1, .peer = 1}, {.port = 4790, .vni = 2, .peer = 0}},
};

static int fuzz_within(uint64_t offset, uint64_t len, uint64_t limit)
{
	return offset + len <= limit;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet p;
	if (size > UINT32_MAX)
		return 0;
	uint32_t len = (uint32_t)size;
	enum decode_error error = decode_packet(&p, data, len);
	if (error == DECODE_OK)
		error = decode_tunnel(&p, &fuzz_tunnels);
	/* the one-call form, from a view of stale bytes: the same, byte for byte */
	struct packet q;
	memset(&q, 0xa5, sizeof(q));
	FUZZ_CHECK(decode_tunnel_packet(&q, data, len, &fuzz_tunnels) == error);
	FUZZ_CHECK(memcmp(&p, &q, sizeof(p)) == 0);
	FUZZ_CHECK(error < DECODE_ERROR_COUNT);
	FUZZ_CHECK(p.data == data && p.len <= len);
	if (!(p.flags & PACKET_TUNNEL)) {
		FUZZ_CHECK(p.tunnel.type == PACKET_TUNNEL_NONE);
		return 0;
	}
	const struct packet_tunnel *t = &p.tunnel;
	FUZZ_CHECK(t->type == PACKET_TUNNEL_GENEVE || t->type == PACKET_TUNNEL_VXLAN);
	FUZZ_CHECK(t->outer_l3_offset + 20 + 8 <= t->header_offset);
	FUZZ_CHECK(t->header_offset + 8 <= t->inner_offset && t->inner_offset <= p.len);
	FUZZ_CHECK(t->vni <= 0xffffff);
	if (t->type == PACKET_TUNNEL_VXLAN) {
		FUZZ_CHECK(t->tunnel_index < fuzz_tunnels.vxlan_count);
		FUZZ_CHECK(t->vni == fuzz_tunnels.vxlan[t->tunnel_index].vni);
		FUZZ_CHECK(t->outer_dst_port == fuzz_tunnels.vxlan[t->tunnel_index].port);
	} else {
		FUZZ_CHECK(t->outer_dst_port == fuzz_tunnels.geneve_port);
	}
	/* the inner layers lie after the outer headers, inside the datagram */
	if (p.flags & (PACKET_IPV4 | PACKET_IPV6)) {
		FUZZ_CHECK(p.l3_offset >= t->inner_offset);
		FUZZ_CHECK(fuzz_within(p.l3_offset, p.l3_len, p.len));
	}
	FUZZ_CHECK(fuzz_within(p.payload_offset, p.payload_len, p.len));
	FUZZ_CHECK(p.payload_offset >= t->inner_offset || p.payload_len == 0);
	return 0;
}
