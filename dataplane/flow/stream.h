/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP stream reassembly, one struct stream per direction of a flow. Each
 * segment is handed to stream_insert(); the bytes that became in order are
 * given to the caller's callback exactly once, in order, as (pointer, len)
 * pieces, so a streaming scanner (Hyperscan stream mode) sees the byte
 * stream the receiver sees. Out-of-order data waits in fixed-size chunks
 * taken from a per-lcore struct stream_pool, preallocated at create time and
 * bounded per stream and in total: when either bound is hit the data is
 * dropped and counted, never waited for. Delivery stops after a configurable
 * depth per direction.
 *
 * Overlap policy: which copy of a byte received twice is kept is the
 * receiver's choice, and it differs between TCP stacks. The classic IDS
 * evasion (Ptacek and Newsham, 1998) sends the same sequence range twice
 * with different bytes, the harmless version for the sensor and the
 * malicious one for the host (or the other way round), so that sensor and
 * host assemble different streams. Each stream therefore follows one
 * documented policy (enum stream_overlap below): in ips mode "first" for
 * every stream, a contradicting later copy being dropped before it reaches
 * the receiver (STREAM_MISMATCH); in ids mode the policy of the stack that
 * receives the stream (target-based reassembly, dataplane/flow/host_os.h).
 * Overlaps are counted, and a later copy that differs from held bytes is
 * counted apart, so that they can be alerted on.
 *
 * Sequence numbers are compared with serial arithmetic (RFC 1982), so a
 * stream may cross 2^32 any number of times. The stream module knows nothing
 * of flows, packets or DPDK: it fuzzes standalone.
 *
 * Concurrency: a pool and every stream using it belong to one lcore; no
 * locks. The pool is created and destroyed on the control path (malloc);
 * stream_insert() and stream_release() are per-packet and allocation-free.
 */
#ifndef VIGIL_DATAPLANE_STREAM_H
#define VIGIL_DATAPLANE_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#define STREAM_CHUNK_SIZE		 1024	    /* bytes of out-of-order data per pool chunk */
#define STREAM_DEFAULT_DEPTH		 (1u << 20) /* 1 MiB delivered per direction */
#define STREAM_DEFAULT_CHUNKS		 16384	    /* 16 MiB of held data per lcore */
#define STREAM_DEFAULT_CHUNKS_PER_STREAM 256
#define STREAM_MAX_DEPTH		 (1u << 30) /* serial arithmetic needs depth < 2^31 */

/* TCP header flags as they come in struct packet's tcp_flags. */
#define STREAM_TCP_FIN 0x01
#define STREAM_TCP_SYN 0x02
#define STREAM_TCP_RST 0x04
#define STREAM_TCP_ACK 0x10

/* Sizes of a pool; a zero field takes its default. */
struct stream_config {
	uint32_t chunk_count; /* chunks in the pool (total held data / STREAM_CHUNK_SIZE) */
	uint32_t max_chunks_per_stream; /* chunks one direction may hold */
	/* bytes per direction after which STREAM_PAST_DEPTH is set (the raw
	 * stream is scanned that far), at most STREAM_MAX_DEPTH */
	uint32_t depth;
};

/*
 * Pool counters, written only by the owning lcore; read them in place and
 * sum over lcores. _(field, "name", "description")
 */
#define foreach_stream_counter                                                                     \
	_(segments, "stream_segments", "segments with data given to stream_insert")                \
	_(in_order, "stream_in_order", "segments that started at the next in-order byte")          \
	_(out_of_order, "stream_out_of_order", "segments held, fully or in part, for later")       \
	_(retransmissions, "stream_retransmissions",                                               \
	  "segments carrying only bytes already received")                                         \
	_(overlaps, "stream_overlaps", "segments partly old, partly new")                          \
	_(overlap_mismatch, "stream_overlap_mismatch",                                             \
	  "overlaps whose later copy differs from held data")                                      \
	_(delivered_bytes, "stream_delivered_bytes", "bytes delivered in order")                   \
	_(pool_full_drops, "stream_pool_full_drops",                                               \
	  "out-of-order data dropped: pool or stream share full")                                  \
	_(pool_full_bytes, "stream_pool_full_bytes", "bytes dropped so")                           \
	_(out_of_window, "stream_out_of_window", "segments more than 2^30 ahead, ignored")         \
	_(past_depth, "stream_past_depth", "streams that reached the reassembly depth")            \
	_(after_close, "stream_after_close", "segments with data after FIN or RST, ignored")       \
	_(gaps, "stream_gaps", "holes the receiver acknowledged but vigil never saw, skipped")     \
	_(gap_bytes, "stream_gap_bytes", "bytes skipped so, not inspected")

struct stream_counters {
#define _(field, name, text) uint64_t field;
	foreach_stream_counter
#undef _
};

#define _(field, name, text) +1
enum { STREAM_COUNTER_COUNT = 0 foreach_stream_counter };
#undef _

/* Names and descriptions in the order of struct stream_counters. */
extern const char *const stream_counter_name[STREAM_COUNTER_COUNT];
extern const char *const stream_counter_text[STREAM_COUNTER_COUNT];

/* What a stream has seen; several may be set. */
enum stream_flag {
	STREAM_STARTED = 1u << 0,   /* next_seq is valid */
	STREAM_MIDSTREAM = 1u << 1, /* started from a segment other than SYN */
	STREAM_FIN_SEEN = 1u << 2,  /* fin_seq is valid */
	STREAM_FINISHED = 1u << 3,  /* every byte up to the FIN delivered */
	STREAM_RESET = 1u << 4,	    /* RST seen: nothing more is delivered */
	/* depth bytes delivered: the caller stops scanning the raw stream;
	 * delivery goes on (for the application parser) */
	STREAM_PAST_DEPTH = 1u << 5,
	/* The last stream_insert() met held bytes that its segment contradicts
	 * (an overlap evasion, or a broken sender); cleared by the next insert
	 * (the caller may clear it once it has acted on it). */
	STREAM_MISMATCH = 1u << 6,
};

struct stream_chunk; /* private to stream.c */

/*
 * One direction of a TCP connection. Zero it (or stream_init() it) before
 * first use; the flow table does both. Fields are read-only for callers.
 */
struct stream {
	uint32_t next_seq;	   /* sequence number of the next in-order byte */
	uint32_t fin_seq;	   /* sequence number of the FIN, if STREAM_FIN_SEEN */
	uint64_t delivered;	   /* bytes given to the callback so far */
	struct stream_chunk *held; /* out-of-order data, sorted, never overlapping */
	uint16_t held_chunks;
	uint16_t flags;	 /* enum stream_flag */
	uint8_t overlap; /* enum stream_overlap: how the receiver resolves overlaps */
};

struct stream_pool;

/*
 * Overlap policies: which copy wins where a later segment N = [n0, n1)
 * meets held bytes H = [h0, h1) (sequence numbers; H is out-of-order data
 * still waiting for a hole before it to fill). Target-based reassembly
 * (Novak and Sturges, "Target-Based TCP Stream Reassembly", 2007), with the
 * decision tables of Snort's stream5/stream_tcp and Suricata's
 * host-os-policy, which agree on these:
 *   first      H always (Snort's and Suricata's "first").
 *   last       N always.
 *   linux      N where n0 < h0, or n0 == h0 and n1 > h1; else H (Linux 2.4
 *              and later: of overlapping out-of-order segments the one
 *              that starts first is read first, and one that a newer copy
 *              covers from its start and beyond is dropped).
 *   bsd        N where n0 < h0; else H (FreeBSD, OpenBSD, NetBSD, macOS;
 *              HP-UX 10 and IRIX in those tables).
 *   windows    as first (Windows Vista and later, the stack of every
 *              Windows in use, client and server: Snort's and Suricata's
 *              "vista").
 *   windows_xp as bsd (Windows 2000, XP and Server 2003: what Snort and
 *              Suricata call "windows" and "win2003"/"windows2k3").
 *   solaris    N where n1 > h1, or n1 == h1 and n0 <= h0; else H (Solaris,
 *              HP-UX 11: the copy reaching furthest wins).
 * Bytes already delivered in order are never replaced, whatever the
 * policy: the receiver has handed them to its application. A segment that
 * starts at the next in-order byte starts before every held byte (n0 <
 * h0). H is a run of held bytes without a hole: adjacent out-of-order
 * segments count as one, as Linux coalesces them in its out-of-order
 * queue; a stack that keeps them apart decides per original segment, so a
 * third copy spanning two adjacent held segments may be resolved
 * differently there (it is counted as an overlap, and as a mismatch when
 * its bytes differ). Zeroed streams are STREAM_OVERLAP_FIRST.
 * _(SYMBOL, "name")
 */
#define foreach_stream_overlap                                                                     \
	_(FIRST, "first")                                                                          \
	_(LAST, "last")                                                                            \
	_(LINUX, "linux")                                                                          \
	_(BSD, "bsd")                                                                              \
	_(WINDOWS, "windows")                                                                      \
	_(WINDOWS_XP, "windows_xp")                                                                \
	_(SOLARIS, "solaris")

enum stream_overlap {
#define _(sym, name) STREAM_OVERLAP_##sym,
	foreach_stream_overlap
#undef _
	    STREAM_OVERLAP_COUNT
};

/* Names of the policies ("first", "linux", ...), by enum stream_overlap. */
extern const char *const stream_overlap_name[STREAM_OVERLAP_COUNT];

/*
 * Urgent data: what the receiver does with the byte before the urgent
 * pointer (RFC 6093). OOB: it takes the byte out of the stream and keeps it
 * for a read with MSG_OOB, the joined bytes around it being what the
 * application reads: Linux, the BSDs, Windows and Solaris with their
 * socket default (SO_OOBINLINE off) and BSD urgent-pointer semantics, the
 * default of all of them. INLINE: the byte stays in the stream (an
 * application that sets SO_OOBINLINE). Zeroed flows are STREAM_URGENT_OOB.
 * The stream module only carries the choice; the caller cuts the byte out
 * with stream_urgent_cut().
 */
#define foreach_stream_urgent                                                                      \
	_(OOB, "oob")                                                                              \
	_(INLINE, "inline")

enum stream_urgent {
#define _(sym, name) STREAM_URGENT_##sym,
	foreach_stream_urgent
#undef _
	    STREAM_URGENT_COUNT
};

/* Names of the urgent policies ("oob", "inline"), by enum stream_urgent. */
extern const char *const stream_urgent_name[STREAM_URGENT_COUNT];

/*
 * Reassemble s by the policy overlap from now on (the flow table sets it
 * when the flow is created). stream_init() and stream_release() keep it.
 * Owning lcore.
 */
void stream_set_overlap(struct stream *s, enum stream_overlap overlap);

/*
 * force: every stream of pool keeps the first copy, whatever its own policy
 * (ips mode, where a contradicting later copy is dropped instead: see
 * STREAM_MISMATCH); off: each stream follows its own. Owning lcore, between
 * packets.
 */
void stream_pool_force_first(struct stream_pool *pool, bool force);

/*
 * A receiver that takes urgent data out of band (STREAM_URGENT_OOB) drops
 * the byte at urgent_seq from the stream. piece holds len bytes of the
 * stream in order, the first at sequence number seq; when the urgent byte
 * is among them it is cut out (the len - 1 bytes left start at piece).
 * Returns 1 when cut, 0 when the byte lies past the piece (still to come),
 * -1 when it lies before seq (already passed: nothing to cut any more).
 * Per-packet; touches nothing but piece.
 */
int stream_urgent_cut(uint32_t urgent_seq, uint32_t seq, uint8_t *piece, uint32_t len);

/*
 * Called with each piece of new in-order data: offset is the position of
 * data[0] in the stream (0 = the first byte after the SYN, or the first byte
 * seen for a stream picked up mid-way). The pointer is valid only during the
 * call: it points into the segment given to stream_insert() or into a pool
 * chunk that is recycled right after. Must not call back into the stream.
 */
typedef void (*stream_deliver_fn)(void *arg, const uint8_t *data, uint32_t len, uint64_t offset);

/*
 * Allocate a pool of out-of-order chunks with config (NULL: all defaults).
 * Control path, before the owning worker starts. Returns NULL when out of
 * memory or when depth is above STREAM_MAX_DEPTH.
 */
struct stream_pool *stream_pool_create(const struct stream_config *config);

/*
 * Free the pool. Every stream using it must have been released first, or
 * be dropped with it (their chunks go with the pool). Control path.
 */
void stream_pool_destroy(struct stream_pool *pool);

/* Chunks on the free list now (chunk_count when no stream holds any). Any time. */
uint32_t stream_pool_available(const struct stream_pool *pool);

/* The pool's counters, owned by the pool; summing is left to the caller. */
const struct stream_counters *stream_pool_counters(const struct stream_pool *pool);

/* The depth (stream_config.depth) the pool's streams are flagged past at. */
uint32_t stream_pool_depth(const struct stream_pool *pool);

/*
 * Start s at the segment (seq, tcp_flags): with SYN the initial sequence
 * number is seq and data starts at seq + 1; otherwise the stream is picked
 * up mid-way and data starts at seq. s must hold no chunks (zeroed or
 * released); its overlap policy is kept. stream_insert() calls this itself for the first segment of a
 * stream that was not started, so calling it is optional. Per-packet.
 */
void stream_init(struct stream *s, uint32_t seq, uint8_t tcp_flags);

/*
 * Add the segment (seq, data, len, tcp_flags) to s and give every byte that
 * became in order to deliver(arg, ...), in order, each byte once; data may
 * be NULL when len is 0. The segment is not kept: what must wait is copied
 * into chunks of pool. Where it meets held bytes the stream's overlap
 * policy (or the pool's forced "first") decides which copy is kept; bytes
 * already delivered are never replaced; bytes past a FIN or after a RST
 * are ignored. Past the depth reassembly goes on (STREAM_PAST_DEPTH tells
 * the caller; held data past it is kept as before it), so an application
 * parser keeps a whole stream however long the connection. A RST ends the stream at once: held data is released and nothing
 * is delivered any more (RST validation against the window is left to the
 * caller). Returns the number of bytes delivered by this call.
 * Per-packet path of the owning lcore: no allocation, no locks.
 */
uint32_t stream_insert(struct stream *s, struct stream_pool *pool, uint32_t seq,
		       const uint8_t *data, uint32_t len, uint8_t tcp_flags,
		       stream_deliver_fn deliver, void *arg);

/*
 * The receiver acknowledged every byte before `to`, so bytes of s before
 * it that never reached vigil (a lost segment on a tap, a capture that
 * dropped) will never come: skip the first hole, up to `to` or to the
 * first held byte, counted as a gap. Returns the bytes skipped (0: no hole
 * before `to`, or s not open). The caller then gives the held data that
 * became in order with stream_flush_held(), and calls again while a hole
 * remains. Per-packet path of the owning lcore.
 */
uint32_t stream_skip(struct stream *s, struct stream_pool *pool, uint32_t to);

/* Deliver the held data at the next in-order byte, as stream_insert() would. Returns the bytes. */
uint32_t stream_flush_held(struct stream *s, struct stream_pool *pool, stream_deliver_fn deliver,
			   void *arg);

/*
 * Give the chunks s holds back to pool and forget them; the rest of s is
 * kept (flags, counts, policy). Call before the stream is dropped (the flow table
 * does this when a flow goes). Owning lcore.
 */
void stream_release(struct stream *s, struct stream_pool *pool);

/* True while new in-order data can still be delivered (started or not). */
static inline bool stream_is_open(const struct stream *s)
{
	return !(s->flags & (STREAM_FINISHED | STREAM_RESET));
}

#endif
