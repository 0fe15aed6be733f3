/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the receiver would throw away. A TCP segment or datagram that the
 * host behind vigil discards must not change what vigil inspects: taken as
 * stream data, a decoy (a bad checksum, a RST that is not exact, data
 * without ACK, an old timestamp) would be "first bytes" that the real bytes
 * can no longer replace, or would end inspection of a connection the
 * receiver keeps. In ips mode such packets are dropped (drop reason
 * normalize), in ids mode they are not inspected; either way each is
 * counted by reason.
 *
 * The TCP checks follow what Linux does on receipt (tcp_validate_incoming
 * and tcp_rcv_established): a RST is acted on only when its sequence number
 * is the next one expected (RFC 5961: an in-window RST that is not exact is
 * a challenge, not a close); a segment other than SYN or RST without ACK is
 * dropped; data on a SYN without a Fast Open option is ignored (as a Linux
 * server does; ips mode drops any SYN with data, so a TFO decoy to a
 * server without TFO cannot pass either, and the client falls back to a
 * plain handshake), and a SYN with another initial sequence number than the first
 * is not a new connection (a decoy SYN sent first must not set the stream's
 * start); an ACK for bytes the other side never sent is dropped; a
 * timestamp older than the last one of that side is dropped (PAWS, RFC
 * 7323; RSTs are exempt); data starting past the receiver's advertised
 * window is dropped. What each side has sent, acknowledged and advertised
 * is kept per direction in struct tcp_track, from accepted segments only.
 * A connection picked up mid-stream is checked as far as what was seen
 * allows: nothing is refused on a value vigil never saw.
 *
 * Pure functions of the packet view and the track: no DPDK, no flow table;
 * per-packet path, owning worker.
 */
#ifndef VIGIL_DATAPLANE_FLOW_NORMALIZE_H
#define VIGIL_DATAPLANE_FLOW_NORMALIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/decode/packet.h"

/* Why the receiver would discard a packet: _(SYMBOL, "name", "description") */
#define foreach_normalize_reason                                                                   \
	_(IP_CHECKSUM, "ip_checksum", "IPv4 header checksum wrong")                                \
	_(L4_CHECKSUM, "l4_checksum", "TCP, UDP or ICMP checksum wrong")                           \
	_(RST_NOT_EXACT, "rst_not_exact", "RST whose sequence number is not the next expected")    \
	_(NO_ACK, "no_ack", "TCP segment without ACK (not SYN, not RST)")                          \
	_(SYN_DATA, "syn_data", "data on a SYN (TCP Fast Open is not accepted)")                   \
	_(SYN_MISMATCH, "syn_mismatch",                                                            \
	  "a SYN whose initial sequence number differs from the first")                            \
	_(ACK_UNSENT, "ack_unsent", "acknowledges bytes the other side never sent")                \
	_(PAWS, "paws", "timestamp older than that side's last one (PAWS)")                        \
	_(OUT_OF_WINDOW, "out_of_window", "data past the window the receiver advertised")          \
	_(OVERLAP_MISMATCH, "overlap_mismatch",                                                    \
	  "data contradicting held bytes (ips: the receiver might take the newer)")                \
	_(URGENT, "urgent",                                                                        \
	  "urgent data (ips: a receiver takes the urgent byte out of the stream)")                 \
	_(LOW_TTL, "low_ttl",                                                                      \
	  "a segment with data, FIN or RST whose TTL may not reach the receiver")

enum normalize_reason {
#define _(sym, name, text) NORMALIZE_##sym,
	foreach_normalize_reason
#undef _
	    NORMALIZE_REASON_COUNT,
	NORMALIZE_OK = NORMALIZE_REASON_COUNT
};

extern const char *const normalize_reason_name[NORMALIZE_REASON_COUNT];
extern const char *const normalize_reason_text[NORMALIZE_REASON_COUNT];

/* tcp_track.flags */
enum tcp_track_flag {
	TCP_TRACK_SENT = 1u << 0,      /* sent_end is valid */
	TCP_TRACK_WINDOW = 1u << 1,    /* ack and window are valid (window scale known) */
	TCP_TRACK_TIMESTAMP = 1u << 2, /* ts_recent is valid */
	TCP_TRACK_SYN = 1u << 3,       /* its SYN was seen: wscale is what it offered */
	TCP_TRACK_WSCALE = 1u << 4,    /* it offered a window scale in its SYN */
	TCP_TRACK_ISN_OTHER = 1u << 5, /* isn_other: a later SYN with another ISN was seen */
	TCP_TRACK_ACK = 1u << 6,       /* ack is valid */
};

/* What one side of a TCP connection has sent, as far as vigil accepted it. */
struct tcp_track {
	uint32_t sent_end; /* the sequence number after the last byte (or SYN, FIN) it sent */
	/* The right edge of the window it advertised: ACK + window, scaled, the
	 * furthest seen (a receiver never moves it left, RFC 7323 2.4). */
	uint32_t window_end;
	uint32_t ts_recent; /* its last timestamp value */
	uint32_t
	    ack; /* the furthest it acknowledged: it holds every byte of the other side before */
	uint32_t isn; /* its initial sequence number, with TCP_TRACK_SYN */
	/* the ISN of a later, different SYN: discarded unless the peer takes it */
	uint32_t isn_other;
	uint8_t wscale; /* the shift it offered in its SYN */
	uint8_t flags;	/* enum tcp_track_flag */
};

/*
 * Check TCP segment p, sent by side `from` (0 or 1) of a connection whose
 * two sides are track[0] and track[1], as its receiver would; when it is
 * accepted, note what it says in track[from]. Returns NORMALIZE_OK or the
 * reason the receiver would discard it (track unchanged, but for the ISN
 * of a second SYN, kept aside).
 *
 * A segment carrying data, a FIN or a RST with a TTL (hop limit) below
 * policy->min_ttl is taken for a decoy timed to die between vigil and the
 * receiver (the classic TTL evasion): vigil sits a few hops from what it
 * protects, and hosts start at 64, 128 or 255.
 *
 * An ACK of bytes the other side never sent is refused in both modes, as
 * Linux discards such a segment (and Suricata ignores it): in ids mode the
 * lab agreement test showed a decoy so marked hiding the request the
 * server took. On a tap that lost the other side's bytes this refuses real
 * segments until vigil sees that side again; the receiver's ACKs then
 * show the hole, which is skipped and counted as a gap, never silent. A
 * side seen only mid-stream (no SYN) is not judged.
 *
 * policy->strict (ips mode, inline: every packet of the connection passed
 * here) adds the check that holds only when nothing was missed: data past
 * the window (a tap may have missed the receiver's window updates).
 *
 * Two SYNs with different ISNs: which one the server took is told by its
 * SYN-ACK. A decoy SYN that never reached the server (a low TTL) is the
 * first one seen here; when the SYN-ACK acknowledges the other, the
 * client's side is moved to it and *restart_peer is set: the caller
 * starts the client's stream again from that SYN.
 */
/* How strict the checks are: the mode's and the board's part. */
struct normalize_policy {
	bool strict;	 /* ips mode (see below) */
	uint8_t min_ttl; /* [dataplane] min_ttl: 0 off */
};

enum normalize_reason normalize_tcp(struct tcp_track track[2], unsigned from,
				    const struct packet *p, const struct normalize_policy *policy,
				    bool *restart_peer);

/*
 * Verify the IPv4 header checksum (ip: true) and the TCP, UDP, ICMP or
 * ICMPv6 checksum (l4: true; not for a fragment) of p in software. Returns
 * NORMALIZE_OK, NORMALIZE_IP_CHECKSUM or NORMALIZE_L4_CHECKSUM.
 */
enum normalize_reason normalize_checksums(const struct packet *p, bool ip, bool l4);

#endif
