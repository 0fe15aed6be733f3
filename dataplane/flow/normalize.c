/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the receiver would throw away (see normalize.h).
 */
#include <string.h>

#include "dataplane/decode/decode.h"
#include "dataplane/flow/normalize.h"
#include "dataplane/flow/stream.h"

const char *const normalize_reason_name[NORMALIZE_REASON_COUNT] = {
#define _(sym, name, text) name,
    foreach_normalize_reason
#undef _
};

const char *const normalize_reason_text[NORMALIZE_REASON_COUNT] = {
#define _(sym, name, text) text,
    foreach_normalize_reason
#undef _
};

#define NORMALIZE_WSCALE_MAX 14 /* RFC 7323: a larger shift is taken as 14 */

static inline bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* ---- TCP ---- */

/* The shift side's windows are scaled by: only when both SYNs offered one. */
static uint32_t normalize_shift(const struct tcp_track track[2], unsigned side)
{
	if (!(track[0].flags & track[1].flags & TCP_TRACK_WSCALE))
		return 0;
	return track[side].wscale;
}

static bool normalize_both_syns(const struct tcp_track track[2])
{
	return track[0].flags & track[1].flags & TCP_TRACK_SYN;
}

/* Why the receiver would drop this segment, from what the track knows; NORMALIZE_OK if none. */
static enum normalize_reason normalize_tcp_check(const struct tcp_track track[2], unsigned from,
						 const struct packet *p, bool strict,
						 uint8_t min_ttl)
{
	const struct tcp_track *s = &track[from], *r = &track[!from];
	uint8_t flags = p->tcp_flags;
	uint32_t len = p->payload_len;

	if (p->ip_ttl < min_ttl && (len || (flags & (STREAM_TCP_FIN | STREAM_TCP_RST))))
		return NORMALIZE_LOW_TTL;

	/* the RST bit is looked at before the SYN bit, as a receiver does */
	if (flags & STREAM_TCP_RST) {
		/* Exact or ignored (RFC 5961); a side seen only mid-stream may
		 * have sent bytes vigil never saw, so it is not judged. */
		if ((s->flags & TCP_TRACK_SYN) && (s->flags & TCP_TRACK_SENT) &&
		    p->tcp_seq != s->sent_end)
			return NORMALIZE_RST_NOT_EXACT;
		return NORMALIZE_OK;
	}
	if (flags & STREAM_TCP_SYN) {
		/* Data on a SYN counts only with Fast Open asked for (Linux ignores
		 * it otherwise); ips mode drops even that (pipeline.c). */
		if (len && !p->tcp_options.fast_open)
			return NORMALIZE_SYN_DATA;
		if ((s->flags & TCP_TRACK_SYN) && p->tcp_seq != s->isn)
			return NORMALIZE_SYN_MISMATCH;
		return NORMALIZE_OK;
	}
	if (!(flags & STREAM_TCP_ACK))
		return NORMALIZE_NO_ACK;
	if ((r->flags & TCP_TRACK_SYN) && (r->flags & TCP_TRACK_SENT) &&
	    seq_after(p->tcp_ack, r->sent_end))
		return NORMALIZE_ACK_UNSENT;
	bool carries = len || (flags & STREAM_TCP_FIN);
	/* PAWS: older than the timestamp of the last in-order segment */
	if (carries && p->tcp_options.has_timestamp && (s->flags & TCP_TRACK_TIMESTAMP) &&
	    seq_before(p->tcp_options.timestamp_value, s->ts_recent))
		return NORMALIZE_PAWS;
	if (strict && carries && (r->flags & TCP_TRACK_WINDOW) &&
	    seq_after(p->tcp_seq, r->window_end))
		return NORMALIZE_OUT_OF_WINDOW;
	return NORMALIZE_OK;
}

/* An accepted segment: what its sender has sent, acknowledged and advertised. */
static void normalize_tcp_note(struct tcp_track track[2], unsigned from, const struct packet *p)
{
	struct tcp_track *s = &track[from];
	uint8_t flags = p->tcp_flags;
	uint32_t end = p->tcp_seq + p->payload_len + !!(flags & (STREAM_TCP_SYN | STREAM_TCP_FIN));

	if (flags & STREAM_TCP_RST)
		return;
	if (flags & STREAM_TCP_SYN) {
		s->flags |= TCP_TRACK_SYN;
		s->isn = p->tcp_seq;
		s->sent_end = end;
		s->flags |= TCP_TRACK_SENT;
		if (p->tcp_options.has_window_scale) {
			s->flags |= TCP_TRACK_WSCALE;
			s->wscale = p->tcp_options.window_scale > NORMALIZE_WSCALE_MAX
					? NORMALIZE_WSCALE_MAX
					: p->tcp_options.window_scale;
		}
	} else if (!(s->flags & TCP_TRACK_SENT) || seq_after(end, s->sent_end)) {
		s->sent_end = end;
		s->flags |= TCP_TRACK_SENT;
	}
	/*
	 * The receiver keeps the timestamp of in-order segments only (RFC
	 * 7323 4.3; Linux: a segment not after the point it last acknowledged).
	 * Taking one from a segment that arrived ahead of a gap would make the
	 * gap's own segment, older by a tick, look like PAWS: refused here
	 * (ips: dropped; ids: not inspected) while the receiver takes it, a
	 * reordering away from an unseen attack.
	 */
	const struct tcp_track *r = &track[!from];
	bool in_order = !(r->flags & TCP_TRACK_ACK) || !seq_after(p->tcp_seq, r->ack);
	if (p->tcp_options.has_timestamp &&
	    (!(s->flags & TCP_TRACK_TIMESTAMP) ||
	     (in_order && !seq_before(p->tcp_options.timestamp_value, s->ts_recent)))) {
		s->ts_recent = p->tcp_options.timestamp_value;
		s->flags |= TCP_TRACK_TIMESTAMP;
	}
	if ((flags & STREAM_TCP_ACK) &&
	    (!(s->flags & TCP_TRACK_ACK) || seq_after(p->tcp_ack, s->ack))) {
		s->ack = p->tcp_ack;
		s->flags |= TCP_TRACK_ACK;
	}
	/* The window is known only with both SYNs seen (the scale); a SYN's
	 * own window is never scaled. */
	if ((flags & STREAM_TCP_ACK) && normalize_both_syns(track)) {
		uint32_t window = (flags & STREAM_TCP_SYN)
				      ? p->tcp_window
				      : (uint32_t)p->tcp_window << normalize_shift(track, from);
		uint32_t end = p->tcp_ack + window;
		if (!(s->flags & TCP_TRACK_WINDOW) || seq_after(end, s->window_end))
			s->window_end = end;
		s->flags |= TCP_TRACK_WINDOW;
	}
}

/* A SYN-ACK that acknowledges the other SYN of the peer: the server took that one. */
static bool normalize_syn_ack_takes_other(struct tcp_track track[2], unsigned from,
					  const struct packet *p)
{
	struct tcp_track *r = &track[!from];
	if ((p->tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_ACK)) !=
		(STREAM_TCP_SYN | STREAM_TCP_ACK) ||
	    !(r->flags & TCP_TRACK_ISN_OTHER) || p->tcp_ack == r->isn + 1 ||
	    p->tcp_ack != r->isn_other + 1)
		return false;
	r->isn = r->isn_other;
	r->sent_end = r->isn + 1;
	r->flags &= (uint8_t)~TCP_TRACK_ISN_OTHER;
	return true;
}

enum normalize_reason normalize_tcp(struct tcp_track track[2], unsigned from,
				    const struct packet *p, const struct normalize_policy *policy,
				    bool *restart_peer)
{
	*restart_peer = normalize_syn_ack_takes_other(track, from, p);
	enum normalize_reason r =
	    normalize_tcp_check(track, from, p, policy->strict, policy->min_ttl);
	if (r == NORMALIZE_OK) {
		normalize_tcp_note(track, from, p);
	} else if (r == NORMALIZE_SYN_MISMATCH) {
		track[from].isn_other = p->tcp_seq;
		track[from].flags |= TCP_TRACK_ISN_OTHER;
	}
	return r;
}

/* ---- checksums ---- */

/* The ones' complement sum of len bytes, added to sum (not folded). */
static uint64_t normalize_sum(uint64_t sum, const uint8_t *p, uint32_t len)
{
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		sum += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t v = 0;
		memcpy(&v, p, len); /* the odd byte pads with zero, in memory order */
		sum += (v & 0xffffffffu) + (v >> 32);
	}
	return sum;
}

static bool normalize_sum_ok(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* The pseudo header of an IPv4 or IPv6 transport checksum, as bytes in network order. */
static uint64_t normalize_pseudo(const struct packet *p, uint8_t proto, uint32_t l4_len)
{
	uint8_t h[40];
	if (p->ip_version == 4) {
		memcpy(h, p->src_addr, 4);
		memcpy(h + 4, p->dst_addr, 4);
		h[8] = 0;
		h[9] = proto;
		h[10] = (uint8_t)(l4_len >> 8);
		h[11] = (uint8_t)l4_len;
		return normalize_sum(0, h, 12);
	}
	memcpy(h, p->src_addr, 16);
	memcpy(h + 16, p->dst_addr, 16);
	h[32] = (uint8_t)(l4_len >> 24);
	h[33] = (uint8_t)(l4_len >> 16);
	h[34] = (uint8_t)(l4_len >> 8);
	h[35] = (uint8_t)l4_len;
	h[36] = h[37] = h[38] = 0;
	h[39] = proto;
	return normalize_sum(0, h, 40);
}

static enum normalize_reason normalize_l4_checksum(const struct packet *p)
{
	uint32_t end = p->l3_offset + p->l3_len;
	if (end > p->len || p->l4_offset > end)
		return NORMALIZE_OK; /* decode bounded it already; nothing sound to check */
	const uint8_t *l4 = p->data + p->l4_offset;
	uint32_t l4_len = end - p->l4_offset;
	uint64_t sum;

	if (p->flags & PACKET_TCP) {
		sum = normalize_pseudo(p, 6, l4_len);
	} else if (p->flags & PACKET_UDP) {
		if (l4_len < 8)
			return NORMALIZE_OK;
		if (p->ip_version == 4 && l4[6] == 0 && l4[7] == 0)
			return NORMALIZE_OK; /* IPv4 UDP without a checksum */
		sum = normalize_pseudo(p, 17, l4_len);
	} else if (p->flags & PACKET_ICMP) {
		sum = 0;
	} else if (p->flags & PACKET_ICMPV6) {
		sum = normalize_pseudo(p, 58, l4_len);
	} else {
		return NORMALIZE_OK;
	}
	return normalize_sum_ok(normalize_sum(sum, l4, l4_len)) ? NORMALIZE_OK
								: NORMALIZE_L4_CHECKSUM;
}

enum normalize_reason normalize_checksums(const struct packet *p, bool ip, bool l4)
{
	if (ip && (p->flags & PACKET_IPV4)) {
		uint32_t ihl = (uint32_t)(p->data[p->l3_offset] & 0x0f) * 4;
		if (p->l3_offset + ihl <= p->len &&
		    !normalize_sum_ok(normalize_sum(0, p->data + p->l3_offset, ihl)))
			return NORMALIZE_IP_CHECKSUM;
	}
	if (l4 && !(p->flags & PACKET_FRAGMENT))
		return normalize_l4_checksum(p);
	return NORMALIZE_OK;
}
