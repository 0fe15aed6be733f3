/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/flow/stream.c
/*
 * libFuzzer target for TCP stream reassembly: the input is a small pool
 * configuration, the policies and an initial sequence number, then a
 * sequence of segment operations (signed offset from the ISN, length, TCP
 * flags, then the segment's bytes) fed to one stream with stream_insert().
 *
 * The overlap policy is any of enum stream_overlap (bits 5-7 of the first
 * byte), the pool may force "first" as ips mode does (bit 6 of the second),
 * and the receiver may take urgent data out of band or keep it inline (bit
 * 7 of the second). A reference model kept beside the stream reassembles
 * the same segments byte by byte, naively (an array of held bytes; a run is
 * held bytes without a hole; the policy's rule of stream.h decides each run
 * a segment meets), and every delivery is checked against it: contiguous,
 * never twice, flagged past the depth, nothing after a RST, every byte one that
 * was offered for its position and, while the pool has never dropped
 * anything, exactly the model's byte. After each operation all contiguous
 * data must have been delivered and pool accounting must hold; after the
 * stream is released every chunk must be back. Segments with URG (0x20)
 * mark their byte at len_byte % len urgent: with the oob policy the
 * delivered piece holding it goes through stream_urgent_cut(), which must
 * cut exactly that byte. A broken invariant traps so the fuzzer keeps the
 * input; memory errors are left to ASan and UBSan. Running is left to
 * tests/fuzz/run.sh.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/flow/stream.h"
#include "tests/fuzz/fuzz_check.h"

#define FUZZ_MODEL_SIZE (1u << 17) /* offsets from the ISN that the ops can reach */
#define FUZZ_MODEL_BASE (1u << 16) /* model index of stream offset 0 */
#define FUZZ_TCP_URG	0x20

struct fuzz_model {
	uint8_t offered[FUZZ_MODEL_SIZE]; /* some segment offered this position */
	uint8_t held[FUZZ_MODEL_SIZE];	  /* the model holds it, not yet delivered */
	uint8_t value[FUZZ_MODEL_SIZE];	  /* the byte the model keeps there */
	uint8_t decide[FUZZ_MODEL_SIZE];  /* scratch: the later copy wins here */
	uint8_t piece[1u << 16];	  /* scratch: a delivered piece, to cut */
	uint64_t delivered;
	uint32_t depth;
	enum stream_overlap policy; /* the one the stream follows (first when forced) */
	bool urgent_oob;
	bool urgent_pending;
	int64_t urgent_pos; /* stream offset of the pending urgent byte */
	uint32_t urgent_seq;
	int reset;
	const struct stream_pool *pool;
	const struct stream *stream;
};

static struct fuzz_model model;

static bool fuzz_exact(const struct fuzz_model *m)
{
	return stream_pool_counters(m->pool)->pool_full_bytes == 0;
}

/* The oob receiver's view: the pending urgent byte cut from the piece, where it lies. */
static void fuzz_urgent(struct fuzz_model *m, const uint8_t *data, uint32_t len, uint64_t offset)
{
	if (!m->urgent_oob || !m->urgent_pending)
		return;
	memcpy(m->piece, data, len);
	int cut = stream_urgent_cut(m->urgent_seq, m->stream->next_seq, m->piece, len);
	int64_t at = m->urgent_pos - (int64_t)offset;

	FUZZ_CHECK(cut == (at < 0 ? -1 : at >= len ? 0 : 1));
	if (cut == 1) {
		FUZZ_CHECK(memcmp(m->piece, data, (size_t)at) == 0);
		FUZZ_CHECK(memcmp(m->piece + at, data + at + 1, len - (size_t)at - 1) == 0);
	}
	if (cut != 0)
		m->urgent_pending = false;
}

static void fuzz_deliver(void *arg, const uint8_t *data, uint32_t len, uint64_t offset)
{
	struct fuzz_model *m = arg;
	bool exact = fuzz_exact(m);

	FUZZ_CHECK(!m->reset);
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(offset == m->delivered);
	for (uint32_t i = 0; i < len; i++) {
		uint64_t at = FUZZ_MODEL_BASE + offset + i;

		FUZZ_CHECK(at < FUZZ_MODEL_SIZE);
		FUZZ_CHECK(m->offered[at]);
		FUZZ_CHECK(!exact || (m->held[at] && m->value[at] == data[i]));
		m->held[at] = 0;
	}
	fuzz_urgent(m, data, len, offset);
	m->delivered += len;
}

/* The policies of stream.h, written out again for the model. */
static bool fuzz_later_wins(enum stream_overlap policy, int64_t n0, int64_t n1, int64_t h0,
			    int64_t h1)
{
	if (policy == STREAM_OVERLAP_LAST)
		return true;
	if (policy == STREAM_OVERLAP_LINUX)
		return n0 < h0 || (n0 == h0 && n1 > h1);
	if (policy == STREAM_OVERLAP_BSD || policy == STREAM_OVERLAP_WINDOWS_XP)
		return n0 < h0;
	if (policy == STREAM_OVERLAP_SOLARIS)
		return n1 > h1 || (n1 == h1 && n0 <= h0);
	return false; /* first, windows */
}

/* Where the stream stops taking bytes (stream offset): a FIN it believed (the depth only flags). */
static int64_t fuzz_limit(const struct fuzz_model *m, const struct stream *s)
{
	int64_t limit = INT64_MAX;

	if ((s->flags & STREAM_FIN_SEEN) && (s->flags & STREAM_STARTED)) {
		int64_t fin = (int64_t)m->delivered + (int32_t)(s->fin_seq - s->next_seq);
		if (fin < limit)
			limit = fin;
	}
	return limit;
}

/*
 * The model takes the segment at stream offsets [a, b): each run of held
 * bytes it meets is decided as the segment found it, then applied; bytes
 * nobody held become held.
 */
static void fuzz_model_insert(struct fuzz_model *m, const struct stream *s, int64_t a,
			      const uint8_t *data, uint32_t len)
{
	int64_t b = a + len;
	int64_t next = (int64_t)m->delivered;
	int64_t from = a > next ? a : next;
	int64_t to = b < fuzz_limit(m, s) ? b : fuzz_limit(m, s);

	for (int64_t p = from; p < to; p++) {
		int64_t i = FUZZ_MODEL_BASE + p;
		if (i < 0 || i >= (int64_t)FUZZ_MODEL_SIZE || !m->held[i])
			continue;
		int64_t h0 = i, h1 = i;
		while (h0 > 0 && m->held[h0 - 1])
			h0--;
		while (h1 < (int64_t)FUZZ_MODEL_SIZE && m->held[h1])
			h1++;
		bool wins =
		    fuzz_later_wins(m->policy, a, b, h0 - FUZZ_MODEL_BASE, h1 - FUZZ_MODEL_BASE);
		for (int64_t q = i; q < h1 && q < FUZZ_MODEL_BASE + to; q++)
			m->decide[q] = wins;
		p = h1 - FUZZ_MODEL_BASE - 1;
	}
	for (int64_t p = from; p < to; p++) {
		int64_t i = FUZZ_MODEL_BASE + p;
		if (i < 0 || i >= (int64_t)FUZZ_MODEL_SIZE)
			continue;
		m->offered[i] = 1;
		if (!m->held[i] || m->decide[i])
			m->value[i] = data[p - a];
		m->held[i] = 1;
		m->decide[i] = 0;
	}
}

static uint32_t fuzz_read(const uint8_t **p, size_t *left, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++) {
		v = v << 8;
		if (*left) {
			v |= **p;
			(*p)++;
			(*left)--;
		}
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	size_t left = size;
	struct stream_config config;
	struct stream_pool *pool;
	struct stream s = {0};
	uint32_t isn, isn_rel = 0;
	int started = 0;

	uint32_t first = fuzz_read(&p, &left, 1);
	uint32_t second = fuzz_read(&p, &left, 1);
	config.chunk_count = 1 + first % 32;
	config.max_chunks_per_stream = 1 + second % 32;
	config.depth = 1 + fuzz_read(&p, &left, 2) % 8192;
	isn = fuzz_read(&p, &left, 4);
	pool = stream_pool_create(&config);
	FUZZ_CHECK(pool);

	memset(&model, 0, sizeof(model));
	model.depth = config.depth;
	model.pool = pool;
	model.stream = &s;
	bool force_first = (second & 0x40) != 0;
	stream_set_overlap(&s, (enum stream_overlap)((first >> 5) % STREAM_OVERLAP_COUNT));
	stream_pool_force_first(pool, force_first);
	model.policy = force_first ? STREAM_OVERLAP_FIRST : (enum stream_overlap)s.overlap;
	model.urgent_oob = (second & 0x80) == 0;

	while (left >= 4) {
		int16_t offset = (int16_t)fuzz_read(&p, &left, 2);
		uint8_t len_byte = (uint8_t)fuzz_read(&p, &left, 1);
		uint8_t flags = (uint8_t)fuzz_read(&p, &left, 1);
		/* bit 0x80 of flags (CWR, irrelevant here) makes a large, TSO-sized segment */
		uint32_t len = flags & 0x80 ? (uint32_t)len_byte * 16 : len_byte;
		uint32_t seq = isn + (uint32_t)(int32_t)offset;
		uint8_t tcp_flags =
		    flags & (STREAM_TCP_FIN | STREAM_TCP_SYN | STREAM_TCP_RST | STREAM_TCP_ACK);
		const uint8_t *bytes = p;

		if (len > left)
			len = (uint32_t)left;
		p += len;
		left -= len;

		if (!started) {
			/* Offset 0 of the stream: after the SYN, or the first segment seen. */
			isn_rel = (uint32_t)(int32_t)offset + (tcp_flags & STREAM_TCP_SYN ? 1 : 0);
			started = 1;
		}
		uint32_t data_seq = seq + (tcp_flags & STREAM_TCP_SYN ? 1u : 0u);
		int64_t rel = (int64_t)(int32_t)(data_seq - (isn + isn_rel));
		int open = stream_is_open(&s) && !model.reset && !(tcp_flags & STREAM_TCP_RST);

		if (open) {
			struct stream before = s;
			if (!(before.flags & STREAM_STARTED))
				stream_init(&before, seq, tcp_flags);
			fuzz_model_insert(&model, &before, rel, bytes, len);
			if ((flags & FUZZ_TCP_URG) && len > 0) {
				/* the pipeline keeps one pending urgent byte, the latest */
				uint32_t at = len_byte % len;
				model.urgent_pending = true;
				model.urgent_pos = rel + at;
				model.urgent_seq = data_seq + at;
			}
		}

		uint64_t delivered_before = model.delivered;
		uint32_t got =
		    stream_insert(&s, pool, seq, bytes, len, tcp_flags, fuzz_deliver, &model);

		FUZZ_CHECK(got == model.delivered - delivered_before);
		FUZZ_CHECK(s.delivered == model.delivered);
		/* past the depth the stream is flagged, and goes on delivering */
		FUZZ_CHECK(!!(s.flags & STREAM_PAST_DEPTH) == (s.delivered >= config.depth));
		FUZZ_CHECK(stream_pool_available(pool) + s.held_chunks == config.chunk_count);
		FUZZ_CHECK(s.held_chunks <= config.max_chunks_per_stream);
		/* whatever became contiguous went out */
		if (open && stream_is_open(&s) && fuzz_exact(&model))
			FUZZ_CHECK(!model.held[FUZZ_MODEL_BASE + model.delivered]);
		if (tcp_flags & STREAM_TCP_RST)
			model.reset = 1;
		if (model.reset)
			FUZZ_CHECK(s.held_chunks == 0 && !stream_is_open(&s));
	}
	FUZZ_CHECK(stream_pool_counters(pool)->delivered_bytes == model.delivered);
	FUZZ_CHECK(s.overlap == (first >> 5) % STREAM_OVERLAP_COUNT); /* kept by stream_init */

	stream_release(&s, pool);
	FUZZ_CHECK(s.held == NULL && s.held_chunks == 0);
	FUZZ_CHECK(stream_pool_available(pool) == config.chunk_count);
	stream_pool_destroy(pool);
	return 0;
}
