/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP reassembly for inspection (IPv4 and IPv6), one table per worker.
 *
 * A fragmented datagram is inspected whole: the worker hands each fragment
 * here; fragments are copied (the mbufs stay the worker's and are
 * forwarded as they are), and the fragment that completes a datagram gets
 * back the reassembled frame, decoded, which then takes the whole worker
 * path (filter, flow, stream, rules). Its verdict applies to that last
 * fragment: dropping it keeps the receiver from ever reassembling the
 * datagram. Earlier fragments pass on unjudged (they are useless alone).
 *
 * Evasions this guards against, each counted by reason (DEFRAG_REASONS):
 * an attack split over fragments (reassembled), overlapping fragments that
 * disagree on bytes (teardrop-style: the datagram is refused, its last
 * fragment dropped in IPS mode; identical overlaps and duplicates are
 * harmless and accepted), datagrams over 65,535 bytes (ping of death),
 * a datagram cut into more pieces than DEFRAG_MAX_PIECES, fragments with a
 * wrong IPv4 header checksum (the receiver drops them; their bytes never
 * count), and floods of incomplete datagrams (a bounded table that fails
 * closed: when full, new datagrams are refused and nothing is pushed out,
 * since the receiver may hold the forwarded pieces of what would go).
 * Overlap policy: the first bytes received win (a later fragment never
 * rewrites them; when it disagrees the datagram is refused anyway).
 *
 * Inside a tunnel (fragments of a GENEVE or VXLAN inner packet,
 * PACKET_TUNNEL) the whole datagram is the tunnel's inner packet, decoded
 * as such, with the first fragment's tunnel (struct packet_tunnel) and
 * outer headers before it; those outer headers are the first fragment's,
 * their lengths not rewritten (nothing reads them from the whole). The
 * key holds the tunnel's tenant: two tenants' fragments of one address
 * pair and id are two datagrams.
 *
 * Memory: max_datagrams buffers of 64 KB each from the process heap,
 * allocated at create; no allocation afterwards. Owned by one worker
 * lcore; no locks.
 */
#ifndef VIGIL_DATAPLANE_DEFRAG_H
#define VIGIL_DATAPLANE_DEFRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/decode/packet.h"

#define DEFRAG_MAX_DATAGRAM 65535u /* IP payload bytes of a reassembled datagram, at most */
#define DEFRAG_MAX_PIECES   128u   /* disjoint pieces one datagram may be in while incomplete */
#define DEFRAG_MAX_HEADER   512u   /* L2 + IP header (IPv6: with its unfragmentable part) */

/* What happened to a fragment: sym, counter name, meaning. */
#define foreach_defrag_reason                                                                      \
	_(HELD, "held", "kept, its datagram still incomplete")                                     \
	_(COMPLETE, "complete", "completed a datagram, which was reassembled")                     \
	_(OVERLAP_CONFLICT, "overlap_conflict", "overlapped earlier bytes with other bytes")       \
	_(TOO_BIG, "too_big", "reached past 65,535 bytes of datagram")                             \
	_(TOO_MANY_PIECES, "too_many_pieces", "cut its datagram into too many pieces")             \
	_(BAD_LENGTH, "bad_length", "empty, or not a multiple of 8 bytes with more to come")       \
	_(BAD_HEADER, "bad_header", "a header that cannot be rebuilt (too long, malformed)")       \
	_(LATE, "late", "arrived for a datagram refused, dropped or timed out")                    \
	_(FLOOD, "flood", "no room for another datagram (every slot held or buried)")              \
	_(BAD_CHECKSUM, "bad_checksum", "IPv4 header checksum wrong (the receiver drops it)")

enum defrag_reason {
#define _(sym, name, text) DEFRAG_##sym,
	foreach_defrag_reason
#undef _
	    DEFRAG_REASON_COUNT
};

extern const char *const defrag_reason_name[DEFRAG_REASON_COUNT];

struct defrag_counters {
	uint64_t fragment[DEFRAG_REASON_COUNT]; /* fragments, by what happened to them */
	uint64_t expired;			/* incomplete datagrams timed out */
	uint64_t active;			/* incomplete datagrams held now */
	uint64_t tombstones_lost; /* buried keys overwritten before their time (see below) */
};

struct defrag_config {
	uint32_t max_datagrams; /* incomplete datagrams held at once [64] */
	uint32_t timeout_ms;	/* an incomplete datagram is dropped after this [30,000] */
};

struct defrag_table;

/* A table as config says (zero fields take the default); NULL when out of memory. */
struct defrag_table *defrag_create(const struct defrag_config *config);

void defrag_destroy(struct defrag_table *t);

/*
 * Take fragment p (decoded, PACKET_FRAGMENT set; its frame bytes at
 * p->data are copied, never kept) seen at now_us. Returns what happened
 * (also counted): DEFRAG_COMPLETE when p completed its datagram: *whole
 * is then the reassembled frame decoded (the first fragment's link and IP
 * headers, lengths and fragment fields rewritten, the IPv6 fragment header
 * taken out), valid until the next call on t; DEFRAG_HELD when more is
 * needed; any other reason when p or its datagram is refused (the caller
 * drops p in IPS mode). A completed datagram is forgotten (a fragment with
 * its key starts a new one) unless the caller buries it because its
 * verdict dropped p (defrag_bury_packet()); the key of one refused or
 * timed out is buried for the longer of 60 s and twice the timeout
 * (receivers keep fragments up to 60 s), and its later fragments count as
 * DEFRAG_LATE: otherwise the rest of it would start a datagram here that
 * never completes and pass, and the receiver, which kept the earlier
 * pieces (they were forwarded), would complete a datagram never inspected.
 * Per-packet path, fragments only; on the owning worker lcore.
 */
enum defrag_reason defrag_packet(struct defrag_table *t, const struct packet *p, uint64_t now_us,
				 const struct packet **whole);

/*
 * Drop datagrams older than the timeout (burying their keys). defrag_packet()
 * does the same on its way, which is all the worker relies on: an idle
 * table's counters may show a timed-out datagram as active until the next
 * fragment. Cheap when none is held.
 */
void defrag_expire(struct defrag_table *t, uint64_t now_us);

/*
 * Bury the datagram p completed (its verdict dropped p): its fragments to
 * come are refused (DEFRAG_LATE) for a while, since the receiver holds the
 * others and a resent last fragment would complete it there. Kept in a
 * ring of 16 x max_datagrams keys, else in a free slot; overwritten early
 * (tombstones_lost) only when both are full. On the owning worker.
 */
void defrag_bury_packet(struct defrag_table *t, const struct packet *p, uint64_t now_us);

const struct defrag_counters *defrag_counters(const struct defrag_table *t);

#endif
