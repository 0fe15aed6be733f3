/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for TCP stream reassembly (dataplane/flow/stream.c): segments are
 * fed by hand and what the callback receives is collected and compared with
 * the stream the receiver should see. Every test also checks that the
 * callback saw contiguous offsets and that the pool gets every chunk back
 * once the stream is released.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/flow/stream.h"

#define SYN STREAM_TCP_SYN
#define ACK STREAM_TCP_ACK
#define FIN STREAM_TCP_FIN
#define RST STREAM_TCP_RST

/* What the callback received, in order. */
struct sink {
	uint8_t data[8192];
	uint32_t len;
	uint32_t calls;
};

static void sink_deliver(void *arg, const uint8_t *data, uint32_t len, uint64_t offset)
{
	struct sink *k = arg;

	assert_int_equal(offset, k->len); /* contiguous, never repeated */
	assert_true(len > 0);
	assert_true(k->len + len <= sizeof(k->data));
	memcpy(k->data + k->len, data, len);
	k->len += len;
	k->calls++;
}

struct fixture {
	struct stream_pool *pool;
	struct stream s;
	struct sink sink;
	uint32_t chunk_count;
};

static struct fixture *fixture_new(uint32_t chunks, uint32_t per_stream, uint32_t depth)
{
	struct stream_config c = {
	    .chunk_count = chunks, .max_chunks_per_stream = per_stream, .depth = depth};
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->pool = stream_pool_create(&c);
	assert_non_null(fx->pool);
	fx->chunk_count = stream_pool_available(fx->pool);
	return fx;
}

static void fixture_free(struct fixture *fx)
{
	stream_release(&fx->s, fx->pool);
	assert_int_equal(fx->s.held_chunks, 0);
	assert_int_equal(stream_pool_available(fx->pool), fx->chunk_count);
	stream_pool_destroy(fx->pool);
	free(fx);
}

static uint32_t feed(struct fixture *fx, uint32_t seq, const char *text, uint8_t flags)
{
	uint32_t len = text ? (uint32_t)strlen(text) : 0;

	return stream_insert(&fx->s, fx->pool, seq, (const uint8_t *)text, len, flags, sink_deliver,
			     &fx->sink);
}

static void assert_stream(const struct fixture *fx, const char *expected)
{
	assert_int_equal(fx->sink.len, strlen(expected));
	assert_memory_equal(fx->sink.data, expected, fx->sink.len);
}

static const struct stream_counters *counters(const struct fixture *fx)
{
	return stream_pool_counters(fx->pool);
}

/* ---- tests ------------------------------------------------------------- */

static void test_in_order(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	assert_int_equal(feed(fx, 1000, NULL, SYN), 0); /* ISN 1000: data from 1001 */
	assert_int_equal(feed(fx, 1001, "GET / ", ACK), 6);
	assert_int_equal(feed(fx, 1007, "HTTP/1.1\r\n", ACK), 10);
	assert_stream(fx, "GET / HTTP/1.1\r\n");
	assert_int_equal(fx->s.delivered, 16);
	assert_int_equal(fx->s.next_seq, 1017);
	assert_false(fx->s.flags & STREAM_MIDSTREAM);
	assert_int_equal(counters(fx)->in_order, 2);
	fixture_free(fx);
}

static void test_midstream_pickup(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	assert_int_equal(feed(fx, 5000, "abc", ACK), 3); /* no SYN seen: start here */
	assert_int_equal(feed(fx, 5003, "def", ACK), 3);
	assert_stream(fx, "abcdef");
	assert_true(fx->s.flags & STREAM_MIDSTREAM);
	fixture_free(fx);
}

static void test_out_of_order_reversed(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	assert_int_equal(feed(fx, 7, "ccc", ACK), 0); /* 3 */
	assert_int_equal(feed(fx, 4, "bbb", ACK), 0); /* 2 */
	assert_int_equal(fx->sink.len, 0);
	assert_true(fx->s.held_chunks >= 1);
	assert_int_equal(feed(fx, 1, "aaa", ACK), 9); /* 1: everything flows */
	assert_stream(fx, "aaabbbccc");
	assert_int_equal(fx->s.held_chunks, 0);
	assert_int_equal(stream_pool_available(fx->pool), fx->chunk_count);
	assert_int_equal(counters(fx)->out_of_order, 2);
	fixture_free(fx);
}

static void test_out_of_order_with_gaps(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 11, "EE", ACK);
	feed(fx, 5, "CC", ACK);
	assert_int_equal(feed(fx, 1, "AAAA", ACK), 6); /* 1-4, then held 5-6 */
	assert_stream(fx, "AAAACC");
	assert_int_equal(feed(fx, 7, "DDDD", ACK), 6); /* 7-10, then held 11-12 */
	assert_stream(fx, "AAAACCDDDDEE");
	fixture_free(fx);
}

/* A held segment is not replaced by a later one that covers the same bytes. */
static void test_overlap_first_wins_held(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 6, "FIRST", ACK);
	feed(fx, 6, "evil!", ACK); /* same range, other bytes */
	assert_int_equal(counters(fx)->retransmissions, 1);
	assert_int_equal(counters(fx)->overlap_mismatch, 1);
	assert_int_equal(feed(fx, 1, "12345", ACK), 10);
	assert_stream(fx, "12345FIRST");
	fixture_free(fx);
}

/* Later segment starts before held data and ends inside it. */
static void test_overlap_partial_front(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 6, "KEEP", ACK);   /* 6..9 */
	feed(fx, 4, "xxyyyy", ACK); /* 4..9: 4,5 new, 6..9 taken */
	assert_int_equal(counters(fx)->overlaps, 1);
	assert_int_equal(feed(fx, 1, "abc", ACK), 9);
	assert_stream(fx, "abcxxKEEP");
	fixture_free(fx);
}

/* Later segment starts inside held data and runs past its end. */
static void test_overlap_partial_back(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 6, "KEEP", ACK); /* 6..9 */
	feed(fx, 8, "yyzz", ACK); /* 8..11: 10, 11 new */
	assert_int_equal(feed(fx, 1, "abcde", ACK), 11);
	assert_stream(fx, "abcdeKEEPzz");
	fixture_free(fx);
}

/* An in-order segment that covers held data: the held bytes go out. */
static void test_overlap_in_order_over_held(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 4, "HH", ACK);				       /* 4..5 */
	feed(fx, 8, "JJ", ACK);				       /* 8..9 */
	assert_int_equal(feed(fx, 1, "abcdefghijk", ACK), 11); /* 1..11 */
	assert_stream(fx, "abcHHfgJJjk");
	assert_int_equal(counters(fx)->overlaps, 1);
	assert_int_equal(counters(fx)->overlap_mismatch, 2);
	fixture_free(fx);
}

/* ---- overlap policies --------------------------------------------------- */

/*
 * The classic overlap shapes (Novak and Sturges): a held segment H at
 * stream positions [10, 20), then a later segment N at [n0, n1) with other
 * bytes, then the hole before them filled. At position p, H's byte is
 * 'a' + p, N's 'A' + p and the filler '.', so the stream shows whose copy
 * won each byte. A row is where N starts (n0 == 0: N is in order, before
 * every held byte); its columns where N ends (overlap_ends: inside H, with
 * it, past it), each a string of whose copy the receiver reads where both
 * lie, 'H' or 'N', by enum stream_overlap: first, last, linux, bsd,
 * windows, windows_xp, solaris.
 */
struct overlap_row {
	const char *start;
	uint32_t n0;
	const char *winner[3];
};

static const uint32_t overlap_ends[3] = {18, 20, 25};
static const struct overlap_row overlap_rows[] = {
    {"starts before H", 5, {"HNNNHNH", "HNNNHNN", "HNNNHNN"}},
    {"starts with H", 10, {"HNHHHHH", "HNHHHHN", "HNNHHHN"}},
    {"starts inside H", 12, {"HNHHHHH", "HNHHHHH", "HNHHHHN"}},
    {"in order", 0, {"HNNNHNH", "HNNNHNN", "HNNNHNN"}},
};

/* The bytes from position from to to, each made by byte(p). */
static void overlap_bytes(char *out, uint32_t from, uint32_t to, char base)
{
	for (uint32_t p = from; p < to; p++)
		out[p - from] = (char)(base + p);
	out[to - from] = '\0';
}

static void overlap_check(enum stream_overlap policy, const struct overlap_row *row,
			  unsigned column)
{
	struct fixture *fx = fixture_new(64, 16, 0);
	uint32_t n0 = row->n0, n1 = overlap_ends[column];
	uint32_t fill = n0 < 10 ? n0 : 10; /* the hole before both */
	uint32_t end = n1 > 20 ? n1 : 20;
	char winner = row->winner[column][policy];
	char held[16], later[32], expected[32];

	stream_set_overlap(&fx->s, policy);
	feed(fx, 0, NULL, SYN); /* position p is sequence number p + 1 */
	overlap_bytes(held, 10, 20, 'a');
	overlap_bytes(later, n0, n1, 'A');
	feed(fx, 11, held, ACK);
	feed(fx, n0 + 1, later, ACK);
	if (fill > 0) {
		char filler[16];
		memset(filler, '.', fill);
		filler[fill] = '\0';
		feed(fx, 1, filler, ACK);
	}
	for (uint32_t p = 0; p < end; p++) {
		bool in_h = p >= 10 && p < 20, in_n = p >= n0 && p < n1;
		if (p < fill)
			expected[p] = '.';
		else if (in_h && (!in_n || winner == 'H'))
			expected[p] = (char)('a' + p);
		else
			expected[p] = (char)('A' + p);
	}
	expected[end] = '\0';
	if (fx->sink.len != end || memcmp(fx->sink.data, expected, end) != 0)
		fail_msg("%s, N %s ending at %u: got \"%.*s\", expected \"%s\"",
			 stream_overlap_name[policy], row->start, n1, (int)fx->sink.len,
			 fx->sink.data, expected);
	assert_true(counters(fx)->overlap_mismatch >= 1); /* the copies differ */
	fixture_free(fx);
}

/* Every policy against every shape, the reassembled bytes asserted. */
static void test_overlap_policies_classic_shapes(void **state)
{
	(void)state;
	for (unsigned policy = 0; policy < STREAM_OVERLAP_COUNT; policy++)
		for (size_t i = 0; i < sizeof(overlap_rows) / sizeof(overlap_rows[0]); i++)
			for (unsigned column = 0; column < 3; column++)
				overlap_check((enum stream_overlap)policy, &overlap_rows[i],
					      column);
	assert_string_equal(stream_overlap_name[STREAM_OVERLAP_WINDOWS_XP], "windows_xp");
}

/*
 * Held data longer than a chunk is one run: a later segment that starts
 * inside its first chunk and covers its second starts after the held
 * bytes, whichever chunk they sit in.
 */
static void test_overlap_run_spans_chunks(void **state)
{
	static uint8_t held[1500], later[600], filler[10];
	static const enum stream_overlap policies[] = {STREAM_OVERLAP_LINUX, STREAM_OVERLAP_BSD,
						       STREAM_OVERLAP_SOLARIS};
	(void)state;
	memset(held, 'h', sizeof(held));
	memset(later, 'N', sizeof(later));
	memset(filler, '.', sizeof(filler));
	for (unsigned i = 0; i < 3; i++) {
		struct fixture *fx = fixture_new(64, 16, 0);
		stream_set_overlap(&fx->s, policies[i]);
		feed(fx, 0, NULL, SYN);
		/* held at [10, 1510): two chunks, [10, 1034) and [1034, 1510) */
		stream_insert(&fx->s, fx->pool, 11, held, sizeof(held), ACK, sink_deliver,
			      &fx->sink);
		assert_int_equal(fx->s.held_chunks, 2);
		/* later at [1000, 1600): starts in the first chunk, covers the second */
		stream_insert(&fx->s, fx->pool, 1001, later, sizeof(later), ACK, sink_deliver,
			      &fx->sink);
		stream_insert(&fx->s, fx->pool, 1, filler, sizeof(filler), ACK, sink_deliver,
			      &fx->sink);
		assert_int_equal(fx->sink.len, 1600);
		/* linux, bsd: N starts after H (10): H's bytes; solaris: N reaches further */
		char expect = policies[i] == STREAM_OVERLAP_SOLARIS ? 'N' : 'h';
		assert_int_equal(fx->sink.data[1000], expect);
		assert_int_equal(fx->sink.data[1200], expect);
		assert_int_equal(fx->sink.data[1509], expect);
		assert_int_equal(fx->sink.data[1510], 'N');
		fixture_free(fx);
	}
}

/*
 * Adjacent held segments count as one (Linux coalesces them): a copy that
 * starts inside the first and covers the second starts after the run.
 */
static void test_overlap_adjacent_held_one_run(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	stream_set_overlap(&fx->s, STREAM_OVERLAP_BSD);
	feed(fx, 0, NULL, SYN);
	feed(fx, 11, "aaaaa", ACK);	/* 10..14 */
	feed(fx, 16, "bbbbb", ACK);	/* 15..19 */
	feed(fx, 13, "XXXXXXXXX", ACK); /* 12..20: after the run's start */
	feed(fx, 1, "..........", ACK);
	assert_stream(fx, "..........aaaaabbbbbX");
	fixture_free(fx);
}

/* ips mode: the pool keeps the first copy whatever the streams' policies. */
static void test_overlap_pool_forces_first(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	stream_set_overlap(&fx->s, STREAM_OVERLAP_LAST);
	stream_pool_force_first(fx->pool, true);
	feed(fx, 0, NULL, SYN);
	feed(fx, 6, "FIRST", ACK);
	feed(fx, 4, "xxevil!", ACK);
	assert_true(fx->s.flags & STREAM_MISMATCH);
	feed(fx, 1, "123", ACK);
	assert_stream(fx, "123xxFIRST");
	assert_int_equal(fx->s.overlap, STREAM_OVERLAP_LAST); /* the stream's own is kept */
	stream_pool_force_first(fx->pool, false);
	fixture_free(fx);
}

/* The urgent byte comes out of the piece that holds it, and only that one. */
static void test_urgent_cut(void **state)
{
	uint8_t piece[8];

	(void)state;
	memcpy(piece, "abcXdef", 8);
	assert_int_equal(stream_urgent_cut(103, 100, piece, 7), 1);
	assert_memory_equal(piece, "abcdef", 6);
	memcpy(piece, "abcdefg", 8);
	assert_int_equal(stream_urgent_cut(107, 100, piece, 7), 0); /* still to come */
	assert_int_equal(stream_urgent_cut(99, 100, piece, 7), -1); /* passed */
	assert_memory_equal(piece, "abcdefg", 7);
	assert_int_equal(stream_urgent_cut(1, 0xfffffffeu, piece, 7), 1); /* across 2^32 */
	assert_memory_equal(piece, "abcefg", 6);
	assert_string_equal(stream_urgent_name[STREAM_URGENT_INLINE], "inline");
}

/* Delivered data is never replaced either: a retransmission that differs changes nothing. */
static void test_retransmission(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	assert_int_equal(feed(fx, 1, "hello", ACK), 5);
	assert_int_equal(feed(fx, 1, "HELLO", ACK), 0);
	assert_int_equal(feed(fx, 3, "LLO world", ACK), 6); /* only " world" is new */
	assert_stream(fx, "hello world");
	assert_int_equal(counters(fx)->retransmissions, 1);
	assert_int_equal(counters(fx)->overlaps, 1);
	fixture_free(fx);
}

static void test_sequence_wrap(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0xfffffffau, NULL, SYN); /* data from 0xfffffffb */
	assert_int_equal(feed(fx, 0xfffffffbu, "abc", ACK), 3);
	/* 0xfffffffe .. 0x00000003 crosses 2^32; send the part after the wrap first */
	assert_int_equal(feed(fx, 0x00000002u, "hij", ACK), 0);
	assert_int_equal(feed(fx, 0xfffffffeu, "defg", ACK), 7);
	assert_stream(fx, "abcdefghij");
	assert_int_equal(fx->s.next_seq, 5);
	assert_int_equal(feed(fx, 0xfffffffbu, "abc", ACK), 0); /* old data, before the wrap */
	assert_int_equal(counters(fx)->retransmissions, 1);
	fixture_free(fx);
}

/* Past the depth the stream is flagged, and delivery goes on. */
static void test_depth_limit(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 10);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 14, "zz", ACK); /* past the depth: held as any other */
	assert_int_equal(fx->s.held_chunks, 1);
	assert_int_equal(feed(fx, 1, "0123456", ACK), 7);
	assert_false(fx->s.flags & STREAM_PAST_DEPTH);
	assert_int_equal(feed(fx, 8, "789abc", ACK), 8); /* and the held "zz" after it */
	assert_stream(fx, "0123456789abczz");
	assert_true(fx->s.flags & STREAM_PAST_DEPTH);
	assert_true(stream_is_open(&fx->s));
	assert_int_equal(feed(fx, 16, "more", ACK), 4);
	assert_int_equal(counters(fx)->past_depth, 1);
	fixture_free(fx);
}

/* Held data across the depth is kept whole and delivered in order. */
static void test_depth_releases_held(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 8);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 5, "EFGHIJ", ACK);
	assert_int_equal(feed(fx, 1, "ABCD", ACK), 10);
	assert_stream(fx, "ABCDEFGHIJ");
	assert_true(fx->s.flags & STREAM_PAST_DEPTH);
	assert_int_equal(fx->s.held_chunks, 0);
	assert_int_equal(counters(fx)->past_depth, 1);
	fixture_free(fx);
}

static void test_pool_exhaustion(void **state)
{
	struct fixture *fx = fixture_new(2, 16, 0);
	static uint8_t big[3 * STREAM_CHUNK_SIZE];

	(void)state;
	memset(big, 'x', sizeof(big));
	feed(fx, 0, NULL, SYN);
	stream_insert(&fx->s, fx->pool, 101, big, sizeof(big), ACK, sink_deliver, &fx->sink);
	assert_int_equal(stream_pool_available(fx->pool), 0);
	assert_int_equal(counters(fx)->pool_full_drops, 1);
	assert_int_equal(counters(fx)->pool_full_bytes, STREAM_CHUNK_SIZE);
	/* In-order data still flows with the pool empty; the held part follows. */
	stream_insert(&fx->s, fx->pool, 1, big, 100, ACK, sink_deliver, &fx->sink);
	assert_int_equal(fx->sink.len, 100 + 2 * STREAM_CHUNK_SIZE);
	assert_int_equal(stream_pool_available(fx->pool), 2);
	fixture_free(fx);
}

static void test_per_stream_bound(void **state)
{
	struct fixture *fx = fixture_new(64, 2, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 10, "a", ACK);
	feed(fx, 20, "b", ACK);
	feed(fx, 30, "c", ACK); /* third chunk: over the stream's share */
	assert_int_equal(fx->s.held_chunks, 2);
	assert_int_equal(counters(fx)->pool_full_drops, 1);
	assert_int_equal(stream_pool_available(fx->pool), 62);
	fixture_free(fx);
}

/* Small adjacent segments share a chunk. */
static void test_small_segments_share_chunk(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);
	char one[2] = {0};

	(void)state;
	feed(fx, 0, NULL, SYN);
	for (uint32_t i = 0; i < 100; i++) {
		one[0] = (char)('a' + i % 26);
		feed(fx, 2 + i, one, ACK);
	}
	assert_int_equal(fx->s.held_chunks, 1);
	assert_int_equal(feed(fx, 1, "<", ACK), 101);
	assert_int_equal(fx->sink.data[1], 'a');
	assert_int_equal(fx->sink.data[100], 'a' + 99 % 26);
	fixture_free(fx);
}

static void test_rst_stops_delivery(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 1, "abc", ACK);
	feed(fx, 10, "held", ACK);
	assert_int_equal(feed(fx, 4, "payload-on-rst", RST | ACK), 0);
	assert_true(fx->s.flags & STREAM_RESET);
	assert_int_equal(fx->s.held_chunks, 0);
	assert_int_equal(feed(fx, 4, "def", ACK), 0);
	assert_stream(fx, "abc");
	assert_int_equal(counters(fx)->after_close, 1);
	fixture_free(fx);
}

static void test_fin(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	assert_int_equal(feed(fx, 4, "def", FIN | ACK), 0); /* FIN at 7, data held */
	assert_true(fx->s.flags & STREAM_FIN_SEEN);
	assert_int_equal(fx->s.fin_seq, 7);
	assert_int_equal(feed(fx, 1, "abc", ACK), 6);
	assert_true(fx->s.flags & STREAM_FINISHED);
	assert_int_equal(feed(fx, 7, "after", ACK), 0);
	assert_stream(fx, "abcdef");
	assert_int_equal(counters(fx)->after_close, 1);
	fixture_free(fx);
}

/* A FIN that would cut off bytes already held is not believed. */
static void test_fin_before_held_ignored(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 6, "tail", ACK);
	feed(fx, 1, NULL, FIN | ACK);
	assert_false(fx->s.flags & STREAM_FIN_SEEN);
	assert_int_equal(feed(fx, 1, "head-", ACK), 9);
	assert_stream(fx, "head-tail");
	fixture_free(fx);
}

static void test_data_on_syn(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	assert_int_equal(feed(fx, 99, "fastopen", SYN), 8); /* TFO: data follows the SYN */
	assert_int_equal(feed(fx, 108, "!", ACK), 1);
	assert_stream(fx, "fastopen!");
	fixture_free(fx);
}

static void test_far_ahead_ignored(void **state)
{
	struct fixture *fx = fixture_new(64, 16, 0);

	(void)state;
	feed(fx, 0, NULL, SYN);
	feed(fx, 1u + (1u << 30) + 5, "far", ACK);
	assert_int_equal(counters(fx)->out_of_window, 1);
	assert_int_equal(fx->s.held_chunks, 0);
	fixture_free(fx);
}

static void test_bad_config(void **state)
{
	struct stream_config c = {.depth = STREAM_MAX_DEPTH + 1};

	(void)state;
	assert_null(stream_pool_create(&c));
	assert_string_equal(stream_counter_name[0], "stream_segments");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order),
	    cmocka_unit_test(test_midstream_pickup),
	    cmocka_unit_test(test_out_of_order_reversed),
	    cmocka_unit_test(test_out_of_order_with_gaps),
	    cmocka_unit_test(test_overlap_first_wins_held),
	    cmocka_unit_test(test_overlap_partial_front),
	    cmocka_unit_test(test_overlap_partial_back),
	    cmocka_unit_test(test_overlap_in_order_over_held),
	    cmocka_unit_test(test_overlap_policies_classic_shapes),
	    cmocka_unit_test(test_overlap_run_spans_chunks),
	    cmocka_unit_test(test_overlap_adjacent_held_one_run),
	    cmocka_unit_test(test_overlap_pool_forces_first),
	    cmocka_unit_test(test_urgent_cut),
	    cmocka_unit_test(test_retransmission),
	    cmocka_unit_test(test_sequence_wrap),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_depth_releases_held),
	    cmocka_unit_test(test_pool_exhaustion),
	    cmocka_unit_test(test_per_stream_bound),
	    cmocka_unit_test(test_small_segments_share_chunk),
	    cmocka_unit_test(test_rst_stops_delivery),
	    cmocka_unit_test(test_fin),
	    cmocka_unit_test(test_fin_before_held_ignored),
	    cmocka_unit_test(test_data_on_syn),
	    cmocka_unit_test(test_far_ahead_ignored),
	    cmocka_unit_test(test_bad_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
