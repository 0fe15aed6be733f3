/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP stream reassembly (see stream.h for the contract and the overlap
 * policy). Positions inside a call are kept relative to the stream's next
 * in-order byte, so every comparison is between small unsigned numbers and
 * the 2^32 wrap of sequence numbers is handled in one place (stream_rel).
 * Held data is a sorted, non-overlapping singly linked list of pool chunks;
 * a piece that continues the previous chunk fills its free room first, so a
 * stream of small out-of-order segments does not burn one chunk each.
 * Chunks that follow each other without a hole form a run, the unit the
 * overlap policies compare a later segment with (decided once per run, as
 * the segment found it, before any of its own bytes join the list).
 * Plain C, no DPDK: built standalone by the fuzz target.
 */
#include <stdlib.h>
#include <string.h>

#include "dataplane/flow/stream.h"

/*
 * Data that starts this far ahead of the next in-order byte is not believed:
 * the receiver's window can never be that large (2^30 is the largest scaled
 * window, RFC 7323), and serial arithmetic stops being meaningful at 2^31.
 */
#define STREAM_MAX_AHEAD (1u << 30)

struct stream_chunk {
	struct stream_chunk *next;
	uint32_t seq; /* sequence number of data[0] */
	uint32_t len;
	uint8_t data[STREAM_CHUNK_SIZE];
};

struct stream_pool {
	struct stream_counters counters; /* first: written on the per-packet path */
	struct stream_config config;
	struct stream_chunk *free;
	uint32_t available;
	struct stream_chunk *chunks; /* the preallocated array */
	bool force_first;	     /* ips: every stream keeps the first copy */
};

const char *const stream_counter_name[STREAM_COUNTER_COUNT] = {
#define _(field, name, text) name,
    foreach_stream_counter
#undef _
};

const char *const stream_counter_text[STREAM_COUNTER_COUNT] = {
#define _(field, name, text) text,
    foreach_stream_counter
#undef _
};

const char *const stream_overlap_name[STREAM_OVERLAP_COUNT] = {
#define _(sym, name) name,
    foreach_stream_overlap
#undef _
};

const char *const stream_urgent_name[STREAM_URGENT_COUNT] = {
#define _(sym, name) name,
    foreach_stream_urgent
#undef _
};

struct stream_pool *stream_pool_create(const struct stream_config *config)
{
	struct stream_config c = {0};
	struct stream_pool *pool;

	if (config)
		c = *config;
	if (c.chunk_count == 0)
		c.chunk_count = STREAM_DEFAULT_CHUNKS;
	if (c.max_chunks_per_stream == 0)
		c.max_chunks_per_stream = STREAM_DEFAULT_CHUNKS_PER_STREAM;
	if (c.max_chunks_per_stream > UINT16_MAX)
		c.max_chunks_per_stream = UINT16_MAX; /* struct stream counts in 16 bits */
	if (c.depth == 0)
		c.depth = STREAM_DEFAULT_DEPTH;
	if (c.depth > STREAM_MAX_DEPTH)
		return NULL;

	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->chunks = calloc(c.chunk_count, sizeof(*pool->chunks));
	if (!pool->chunks) {
		free(pool);
		return NULL;
	}
	pool->config = c;
	for (uint32_t i = c.chunk_count; i-- > 0;) {
		pool->chunks[i].next = pool->free;
		pool->free = &pool->chunks[i];
	}
	pool->available = c.chunk_count;
	return pool;
}

void stream_pool_destroy(struct stream_pool *pool)
{
	if (!pool)
		return;
	free(pool->chunks);
	free(pool);
}

uint32_t stream_pool_available(const struct stream_pool *pool)
{
	return pool->available;
}

const struct stream_counters *stream_pool_counters(const struct stream_pool *pool)
{
	return &pool->counters;
}

static struct stream_chunk *stream_chunk_get(struct stream *s, struct stream_pool *pool)
{
	struct stream_chunk *c = pool->free;

	if (!c || s->held_chunks >= pool->config.max_chunks_per_stream)
		return NULL;
	pool->free = c->next;
	pool->available--;
	s->held_chunks++;
	c->next = NULL;
	return c;
}

static void stream_chunk_put(struct stream *s, struct stream_pool *pool, struct stream_chunk *c)
{
	c->next = pool->free;
	pool->free = c;
	pool->available++;
	s->held_chunks--;
}

void stream_release(struct stream *s, struct stream_pool *pool)
{
	while (s->held) {
		struct stream_chunk *c = s->held;

		s->held = c->next;
		stream_chunk_put(s, pool, c);
	}
}

void stream_init(struct stream *s, uint32_t seq, uint8_t tcp_flags)
{
	uint8_t overlap = s->overlap; /* the receiver's, chosen with the flow */

	*s = (struct stream){0};
	s->overlap = overlap;
	s->flags = STREAM_STARTED;
	if (tcp_flags & STREAM_TCP_SYN) {
		s->next_seq = seq + 1; /* the SYN takes one sequence number */
	} else {
		s->next_seq = seq;
		s->flags |= STREAM_MIDSTREAM;
	}
}

/* Distance from the next in-order byte to seq: negative when seq is behind. */
static int64_t stream_rel(const struct stream *s, uint32_t seq)
{
	return (int32_t)(seq - s->next_seq);
}

/* End of everything received so far, relative to next_seq (0 when nothing is held). */
static uint32_t stream_received_end(const struct stream *s)
{
	const struct stream_chunk *c = s->held;

	if (!c)
		return 0;
	while (c->next)
		c = c->next;
	return (uint32_t)stream_rel(s, c->seq) + c->len;
}

/*
 * A FIN fixes where the stream ends. It is believed only once, and only if
 * it does not cut off bytes already received: the first FIN wins, whatever
 * the overlap policy.
 */
static void stream_note_fin(struct stream *s, uint32_t fin_seq)
{
	int64_t rel = stream_rel(s, fin_seq);

	if (s->flags & STREAM_FIN_SEEN)
		return;
	if (rel < 0 || rel > STREAM_MAX_AHEAD || (uint32_t)rel < stream_received_end(s))
		return;
	s->fin_seq = fin_seq;
	s->flags |= STREAM_FIN_SEEN;
}

/* Bytes past next_seq that may still be delivered: the FIN bounds them. */
static uint32_t stream_limit(const struct stream *s)
{
	if ((s->flags & STREAM_FIN_SEEN) && stream_rel(s, s->fin_seq) >= 0)
		return (uint32_t)stream_rel(s, s->fin_seq);
	return UINT32_MAX;
}

/*
 * Whichever copy the policy keeps, a later copy that differs from held
 * bytes is the signature of an overlap evasion attempt (or of a broken
 * sender), worth a counter of its own.
 */
static void stream_compare(struct stream *s, struct stream_pool *pool, const uint8_t *held,
			   const uint8_t *later, uint32_t len)
{
	if (memcmp(held, later, len) != 0) {
		pool->counters.overlap_mismatch++;
		s->flags |= STREAM_MISMATCH;
	}
}

/*
 * Where a later segment [seg_start, seg_end) meets the held run [run_start,
 * run_end) (positions relative to one next_seq), whether its copy replaces
 * the held bytes: the policies of stream.h, one rule each.
 */
static bool stream_later_wins(enum stream_overlap policy, int64_t seg_start, int64_t seg_end,
			      int64_t run_start, int64_t run_end)
{
	switch (policy) {
	case STREAM_OVERLAP_LAST:
		return true;
	case STREAM_OVERLAP_LINUX:
		return seg_start < run_start || (seg_start == run_start && seg_end > run_end);
	case STREAM_OVERLAP_BSD:
	case STREAM_OVERLAP_WINDOWS_XP:
		return seg_start < run_start;
	case STREAM_OVERLAP_SOLARIS:
		return seg_end > run_end || (seg_end == run_end && seg_start <= run_start);
	case STREAM_OVERLAP_FIRST:
	case STREAM_OVERLAP_WINDOWS:
	default:
		return false;
	}
}

static enum stream_overlap stream_policy(const struct stream *s, const struct stream_pool *pool)
{
	return pool->force_first ? STREAM_OVERLAP_FIRST : (enum stream_overlap)s->overlap;
}

/*
 * End of the run of held bytes that c starts or continues: c and the
 * chunks after it that follow without a hole, relative to next_seq.
 */
static uint32_t stream_run_end(const struct stream *s, const struct stream_chunk *c)
{
	while (c->next && c->next->seq == c->seq + c->len)
		c = c->next;
	return (uint32_t)stream_rel(s, c->seq) + c->len;
}

/* The segment being inserted, relative to next_seq before any trimming. */
struct stream_segment {
	int64_t start, end;
};

/* The held run a segment meets, and whether the segment's copy wins there. */
struct stream_run {
	uint32_t end; /* relative to next_seq; 0: none entered yet */
	bool later_wins;
};

/*
 * A chunk of a run not entered yet (it starts at or past the end of the
 * one before): enter the run, [start, end), and decide it for segment seg.
 */
static void stream_run_enter(struct stream_run *run, enum stream_overlap policy,
			     const struct stream_segment *seg, uint32_t start, uint32_t end)
{
	run->end = end;
	run->later_wins = stream_later_wins(policy, seg->start, seg->end, start, end);
}

struct stream_delivery {
	stream_deliver_fn deliver;
	void *arg;
	uint32_t total;
};

static void stream_emit(struct stream *s, struct stream_delivery *d, const uint8_t *data,
			uint32_t len)
{
	d->deliver(d->arg, data, len, s->delivered);
	s->delivered += len;
	s->next_seq += len;
	d->total += len;
}

/*
 * Deliver a segment that starts at next_seq (len bytes, already trimmed to
 * the limit; seg is where it lay before trimming), interleaved with held
 * chunks: where a chunk covers part of the segment the policy picks the
 * copy that goes out, then every chunk that has become contiguous goes
 * out. Returns true when the segment overlapped held data.
 */
static bool stream_deliver_in_order(struct stream *s, struct stream_pool *pool, const uint8_t *data,
				    uint32_t len, const struct stream_segment *seg,
				    struct stream_delivery *d)
{
	uint32_t base = s->next_seq; /* seg, and the runs, are relative to it */
	uint32_t done = 0;	     /* bytes of the segment now behind next_seq */
	struct stream_run run = {0};
	bool overlapped = false;

	for (;;) {
		struct stream_chunk *c = s->held;
		int64_t chunk_at = c ? stream_rel(s, c->seq) : INT64_MAX;

		if (c && chunk_at <= 0) {
			/* Held chunks never start behind next_seq: only == 0 happens. */
			uint32_t skip =
			    done < len ? (len - done < c->len ? len - done : c->len) : 0;

			if (skip > 0) {
				uint32_t at = s->next_seq - base;

				if (at >= run.end)
					stream_run_enter(&run, stream_policy(s, pool), seg, at,
							 at + stream_run_end(s, c));
				overlapped = true;
				stream_compare(s, pool, c->data, data + done, skip);
				if (run.later_wins)
					memcpy(c->data, data + done, skip);
			}
			stream_emit(s, d, c->data, c->len);
			done += skip;
			s->held = c->next;
			stream_chunk_put(s, pool, c);
			continue;
		}
		if (done >= len)
			break;
		uint32_t n = len - done;
		if ((uint64_t)chunk_at < n)
			n = (uint32_t)chunk_at;
		stream_emit(s, d, data + done, n);
		done += n;
	}
	return overlapped;
}

/*
 * Copy len bytes at relative position pos into chunks linked at *link,
 * filling the free room of prev first when prev ends exactly at pos.
 * Returns the bytes stored: fewer than len when the pool or the stream's
 * share of it is exhausted.
 */
static uint32_t stream_store(struct stream *s, struct stream_pool *pool,
			     struct stream_chunk ***link, struct stream_chunk **prev, uint32_t pos,
			     const uint8_t *data, uint32_t len)
{
	uint32_t stored = 0;

	while (stored < len) {
		struct stream_chunk *p = *prev;
		uint32_t want = len - stored;

		if (p && p->len < STREAM_CHUNK_SIZE &&
		    (uint32_t)stream_rel(s, p->seq) + p->len == pos + stored) {
			uint32_t n = STREAM_CHUNK_SIZE - p->len;

			if (n > want)
				n = want;
			memcpy(p->data + p->len, data + stored, n);
			p->len += n;
			stored += n;
			continue;
		}
		struct stream_chunk *c = stream_chunk_get(s, pool);
		if (!c)
			break;
		c->seq = s->next_seq + pos + stored;
		c->len = want < STREAM_CHUNK_SIZE ? want : STREAM_CHUNK_SIZE;
		memcpy(c->data, data + stored, c->len);
		c->next = **link;
		**link = c;
		*link = &c->next;
		*prev = c;
		stored += c->len;
	}
	return stored;
}

/*
 * Hold the bytes of [start, end) (relative, start > 0; seg is where the
 * segment lay before trimming) that no held chunk covers yet; where held
 * chunks cover some, the policy picks the copy kept. Returns the number of
 * bytes that were new; *overlap tells whether held data covered part of
 * the range, and counts mismatches.
 */
static uint32_t stream_hold(struct stream *s, struct stream_pool *pool, uint32_t start,
			    uint32_t end, const uint8_t *data, const struct stream_segment *seg,
			    bool *overlap)
{
	struct stream_chunk **link = &s->held;
	struct stream_chunk *prev = NULL;
	struct stream_run run = {0};
	uint32_t pos = start;
	uint32_t added = 0;

	while (pos < end) {
		struct stream_chunk *c = *link;
		uint32_t chunk_at = c ? (uint32_t)stream_rel(s, c->seq) : UINT32_MAX;

		/* Chunks met here were all held before this segment came (its
		 * own pieces are linked behind link): runs are decided as the
		 * segment found them. */
		if (c && chunk_at >= run.end)
			stream_run_enter(&run, stream_policy(s, pool), seg, chunk_at,
					 stream_run_end(s, c));
		if (c && chunk_at + c->len <= pos) { /* wholly before pos */
			prev = c;
			link = &c->next;
			continue;
		}
		if (c && chunk_at <= pos) { /* pos falls inside: the policy picks */
			uint32_t taken_end = chunk_at + c->len < end ? chunk_at + c->len : end;
			uint8_t *held = c->data + (pos - chunk_at);
			const uint8_t *later = data + (pos - start);

			*overlap = true;
			stream_compare(s, pool, held, later, taken_end - pos);
			if (run.later_wins)
				memcpy(held, later, taken_end - pos);
			pos = chunk_at + c->len;
			prev = c;
			link = &c->next;
			continue;
		}
		uint32_t gap_end = chunk_at < end ? chunk_at : end;
		uint32_t want = gap_end - pos;
		uint32_t n = stream_store(s, pool, &link, &prev, pos, data + (pos - start), want);

		added += n;
		if (n < want) {
			pool->counters.pool_full_drops++;
			pool->counters.pool_full_bytes += want - n;
			break;
		}
		pos = gap_end;
	}
	return added;
}

static void stream_check_end(struct stream *s, struct stream_pool *pool)
{
	if (s->delivered >= pool->config.depth && !(s->flags & STREAM_PAST_DEPTH)) {
		s->flags |= STREAM_PAST_DEPTH;
		pool->counters.past_depth++;
	}
	if ((s->flags & STREAM_FIN_SEEN) && s->next_seq == s->fin_seq) {
		s->flags |= STREAM_FINISHED;
		stream_release(s, pool);
	}
}

uint32_t stream_insert(struct stream *s, struct stream_pool *pool, uint32_t seq,
		       const uint8_t *data, uint32_t len, uint8_t tcp_flags,
		       stream_deliver_fn deliver, void *arg)
{
	struct stream_delivery d = {deliver, arg, 0};
	struct stream_counters *k = &pool->counters;

	if (!(s->flags & STREAM_STARTED))
		stream_init(s, seq, tcp_flags);
	s->flags &= (uint16_t)~STREAM_MISMATCH;
	if (s->flags & STREAM_RESET) {
		k->after_close += len > 0;
		return 0;
	}
	if (tcp_flags & STREAM_TCP_RST) {
		/* Data on a RST is not delivered to the application by any major stack. */
		s->flags |= STREAM_RESET;
		stream_release(s, pool);
		return 0;
	}
	if (tcp_flags & STREAM_TCP_SYN)
		seq++; /* data on a SYN (TCP Fast Open) follows the SYN's own number */
	if ((tcp_flags & STREAM_TCP_FIN) && stream_is_open(s))
		stream_note_fin(s, seq + len);
	if (len == 0) {
		stream_check_end(s, pool);
		return 0;
	}

	k->segments++;
	if (!stream_is_open(s)) {
		k->after_close++;
		return 0;
	}
	int64_t start = stream_rel(s, seq);
	int64_t end = start + len;
	uint32_t limit = stream_limit(s);

	if (start > STREAM_MAX_AHEAD) {
		k->out_of_window++;
		return 0;
	}
	if (end <= 0) {
		k->retransmissions++;
		return 0;
	}
	if (start >= limit) {
		k->after_close++; /* past the FIN */
		return 0;
	}
	struct stream_segment seg = {start, end}; /* the policy judges the segment as sent */

	if (end > limit)
		end = limit;
	bool overlap = start < 0; /* starts in delivered data: only the tail is new */

	if (start < 0) {
		data += -start;
		start = 0;
	}
	if (start > 0) {
		uint32_t added =
		    stream_hold(s, pool, (uint32_t)start, (uint32_t)end, data, &seg, &overlap);

		k->out_of_order += added > 0;
		if (overlap && added == 0)
			k->retransmissions++;
		else if (overlap)
			k->overlaps++;
		return 0;
	}
	k->in_order++;
	if (stream_deliver_in_order(s, pool, data, (uint32_t)end, &seg, &d) || overlap)
		k->overlaps++;
	k->delivered_bytes += d.total;
	stream_check_end(s, pool);
	return d.total;
}

uint32_t stream_skip(struct stream *s, struct stream_pool *pool, uint32_t to)
{
	if (!(s->flags & STREAM_STARTED) || !stream_is_open(s))
		return 0;
	int64_t n = stream_rel(s, to);
	if (n <= 0 || n > STREAM_MAX_AHEAD)
		return 0;
	/* up to the first held byte at most: from there the data is in hand */
	if (s->held && stream_rel(s, s->held->seq) < n)
		n = stream_rel(s, s->held->seq);
	uint32_t limit = stream_limit(s);
	if ((uint64_t)n > limit)
		n = limit;
	if (n <= 0)
		return 0;
	s->next_seq += (uint32_t)n;
	s->delivered += (uint64_t)n; /* offsets stay positions in the stream */
	pool->counters.gaps++;
	pool->counters.gap_bytes += (uint64_t)n;
	stream_check_end(s, pool);
	return (uint32_t)n;
}

uint32_t stream_flush_held(struct stream *s, struct stream_pool *pool, stream_deliver_fn deliver,
			   void *arg)
{
	struct stream_delivery d = {deliver, arg, 0};
	struct stream_segment none = {0, 0};
	if (!stream_is_open(s))
		return 0;
	stream_deliver_in_order(s, pool, NULL, 0, &none, &d);
	pool->counters.delivered_bytes += d.total;
	stream_check_end(s, pool);
	return d.total;
}

void stream_set_overlap(struct stream *s, enum stream_overlap overlap)
{
	s->overlap = (uint8_t)overlap;
}

void stream_pool_force_first(struct stream_pool *pool, bool force)
{
	pool->force_first = force;
}

int stream_urgent_cut(uint32_t urgent_seq, uint32_t seq, uint8_t *piece, uint32_t len)
{
	uint32_t at = urgent_seq - seq; /* serial */

	if ((int32_t)at < 0)
		return -1;
	if (at >= len)
		return 0;
	memmove(piece + at, piece + at + 1, len - at - 1);
	return 1;
}

uint32_t stream_pool_depth(const struct stream_pool *pool)
{
	return pool->config.depth;
}
