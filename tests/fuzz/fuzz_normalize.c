/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/flow/normalize.c dataplane/decode/decode*.c
/*
 * libFuzzer target for the normalizer (dataplane/flow/normalize.h). The
 * input's first byte picks the mode (strict or not); the rest is a frame
 * for decode_packet() whose checksums are verified (in bounds: ASan), then
 * cut into 16-byte records, each a TCP segment of one connection (side,
 * flags, sequence and acknowledgement offsets, length, timestamp, window,
 * options) given to normalize_tcp(). Invariants: a refused segment leaves
 * the track as it was (but the ISN kept aside for a second SYN); an
 * accepted one never moves sent_end or the window edge backwards; a RST
 * from a side tracked from its SYN is accepted only at sent_end.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/decode/decode.h"
#include "dataplane/flow/normalize.h"
#include "dataplane/flow/stream.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static uint32_t fuzz_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void fuzz_segment(struct tcp_track track[2], const uint8_t *r, bool strict)
{
	unsigned from = r[0] & 1;
	struct packet p = {0};
	p.flags = PACKET_IPV4 | PACKET_TCP;
	p.ip_ttl = r[15] >> 1;
	p.tcp_flags = r[1] & 0x3f;
	/* sequence numbers near each side's own, so the checks are reached */
	p.tcp_seq = (from ? 5000u : 1000u) + (uint32_t)(int16_t)(r[2] << 8 | r[3]);
	p.tcp_ack = (from ? 1000u : 5000u) + (uint32_t)(int16_t)(r[4] << 8 | r[5]);
	p.payload_len = r[6] & 0x7f;
	p.tcp_window = (uint16_t)(r[7] << 8 | r[8]);
	p.tcp_options.has_timestamp = r[9] & 1;
	p.tcp_options.timestamp_value = fuzz_u32(r + 10) >> (r[9] & 0x1e);
	p.tcp_options.has_window_scale = r[14] & 1;
	p.tcp_options.window_scale = r[14] >> 1;
	p.tcp_options.fast_open = r[15] & 1;

	struct tcp_track before[2];
	memcpy(before, track, sizeof(before));
	bool restart = false;
	struct normalize_policy policy = {.strict = strict, .min_ttl = (uint8_t)(r[9] >> 5)};
	enum normalize_reason why = normalize_tcp(track, from, &p, &policy, &restart);
	FUZZ_CHECK(why <= NORMALIZE_OK);
	if (restart)
		return; /* the peer's side was moved to its other SYN */
	if (why != NORMALIZE_OK) {
		struct tcp_track expect[2];
		memcpy(expect, before, sizeof(expect));
		if (why == NORMALIZE_SYN_MISMATCH) {
			expect[from].isn_other = p.tcp_seq;
			expect[from].flags |= TCP_TRACK_ISN_OTHER;
		}
		FUZZ_CHECK(memcmp(expect, track, sizeof(expect)) == 0);
		return;
	}
	const struct tcp_track *s = &before[from], *now = &track[from];
	if ((p.tcp_flags & STREAM_TCP_RST) && (s->flags & TCP_TRACK_SYN) &&
	    (s->flags & TCP_TRACK_SENT))
		FUZZ_CHECK(p.tcp_seq == s->sent_end);
	if (!(p.tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_RST)) && (s->flags & TCP_TRACK_SENT))
		FUZZ_CHECK((int32_t)(now->sent_end - s->sent_end) >= 0);
	if ((s->flags & TCP_TRACK_WINDOW) && (now->flags & TCP_TRACK_WINDOW))
		FUZZ_CHECK((int32_t)(now->window_end - s->window_end) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool strict = data[0] & 1;
	data++;
	size--;

	struct packet frame;
	if (decode_packet(&frame, data, (uint32_t)size) == DECODE_OK) {
		enum normalize_reason r = normalize_checksums(&frame, true, true);
		FUZZ_CHECK(r == NORMALIZE_OK || r == NORMALIZE_IP_CHECKSUM ||
			   r == NORMALIZE_L4_CHECKSUM);
	}

	struct tcp_track track[2];
	memset(track, 0, sizeof(track));
	for (size_t at = 0; at + 16 <= size; at += 16)
		fuzz_segment(track, data + at, strict);
	return 0;
}
