/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/flow/stream.c
/*
 * libFuzzer target for TCP stream reassembly: the input is a small pool
 * configuration and an initial sequence number, then a sequence of segment
 * operations (signed offset from the ISN, length, TCP flags, then the
 * segment's bytes) fed to one stream with stream_insert(). A model kept
 * beside it checks, on every delivery, that the bytes are contiguous and
 * never delivered twice, that the total stays within the depth, that
 * nothing is delivered after a RST, and (while the pool has never dropped
 * anything) that every delivered byte is the first one ever offered for its
 * position (first wins; with the Linux overlap policy, chosen by bit 7 of
 * the first byte, only that it was offered). Pool accounting is checked after every operation
 * and after the stream is released, when every chunk must be back. A broken
 * invariant traps so the fuzzer keeps the input; memory errors are left to
 * ASan and UBSan. Running is left to tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/flow/stream.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#define FUZZ_MODEL_SIZE (1u << 17) /* offsets from the ISN that the ops can reach */
#define FUZZ_MODEL_BASE (1u << 16) /* model index of stream offset 0 */

struct fuzz_model {
	uint8_t first[FUZZ_MODEL_SIZE]; /* first byte offered at each position */
	uint8_t offered[FUZZ_MODEL_SIZE];
	uint64_t delivered;
	uint32_t depth;
	uint32_t isn_rel; /* stream offset 0 is this far after the ISN */
	int reset;
	int newer_wins; /* STREAM_OVERLAP_LINUX: a later copy may replace held bytes */
	const struct stream_pool *pool;
};

static struct fuzz_model model;

static void fuzz_deliver(void *arg, const uint8_t *data, uint32_t len, uint64_t offset)
{
	struct fuzz_model *m = arg;
	int exact = stream_pool_counters(m->pool)->pool_full_bytes == 0 && !m->newer_wins;

	FUZZ_CHECK(!m->reset);
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(offset == m->delivered);
	FUZZ_CHECK(offset + len <= m->depth);
	for (uint32_t i = 0; i < len; i++) {
		uint64_t at = FUZZ_MODEL_BASE + offset + i;

		FUZZ_CHECK(at < FUZZ_MODEL_SIZE);
		FUZZ_CHECK(m->offered[at]);
		FUZZ_CHECK(!exact || m->first[at] == data[i]);
	}
	m->delivered += len;
}

/* Remember the bytes of a segment that starts rel bytes after the stream's offset 0. */
static void fuzz_offer(struct fuzz_model *m, int64_t rel, const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		int64_t at = (int64_t)FUZZ_MODEL_BASE + rel + i;

		if (at < 0 || at >= (int64_t)FUZZ_MODEL_SIZE || m->offered[at])
			continue;
		m->offered[at] = 1;
		m->first[at] = data[i];
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
	uint32_t isn;
	int started = 0;

	uint32_t first = fuzz_read(&p, &left, 1);
	config.chunk_count = 1 + first % 32;
	config.max_chunks_per_stream = 1 + fuzz_read(&p, &left, 1) % 32;
	config.depth = 1 + fuzz_read(&p, &left, 2) % 8192;
	isn = fuzz_read(&p, &left, 4);
	pool = stream_pool_create(&config);
	FUZZ_CHECK(pool);

	memset(&model, 0, sizeof(model));
	model.depth = config.depth;
	model.pool = pool;
	/* bit 7 of the first byte: the ids policy, where the first-wins check
	 * gives way (every delivered byte must still be one offered there) */
	model.newer_wins = (first & 0x80) != 0;
	stream_pool_set_overlap(pool,
				model.newer_wins ? STREAM_OVERLAP_LINUX : STREAM_OVERLAP_FIRST);

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
			model.isn_rel =
			    (uint32_t)(int32_t)offset + (tcp_flags & STREAM_TCP_SYN ? 1 : 0);
			started = 1;
		}
		int64_t rel = (int64_t)(int32_t)(seq + (tcp_flags & STREAM_TCP_SYN ? 1u : 0u) -
						 (isn + model.isn_rel));
		int open = stream_is_open(&s) && !model.reset;

		if (tcp_flags & STREAM_TCP_RST)
			open = 0;
		if (open)
			fuzz_offer(&model, rel, bytes, len);

		uint64_t before = model.delivered;
		uint32_t got =
		    stream_insert(&s, pool, seq, bytes, len, tcp_flags, fuzz_deliver, &model);

		FUZZ_CHECK(got == model.delivered - before);
		FUZZ_CHECK(s.delivered == model.delivered);
		FUZZ_CHECK(s.delivered <= config.depth);
		FUZZ_CHECK(stream_pool_available(pool) + s.held_chunks == config.chunk_count);
		FUZZ_CHECK(s.held_chunks <= config.max_chunks_per_stream);
		if (tcp_flags & STREAM_TCP_RST)
			model.reset = 1;
		if (model.reset)
			FUZZ_CHECK(s.held_chunks == 0 && !stream_is_open(&s));
	}
	FUZZ_CHECK(stream_pool_counters(pool)->delivered_bytes == model.delivered);

	stream_release(&s, pool);
	FUZZ_CHECK(s.held == NULL && s.held_chunks == 0);
	FUZZ_CHECK(stream_pool_available(pool) == config.chunk_count);
	stream_pool_destroy(pool);
	return 0;
}
