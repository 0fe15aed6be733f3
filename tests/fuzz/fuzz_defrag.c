/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/decode/defrag.c dataplane/decode/decode*.c
/*
 * libFuzzer target for IP reassembly (dataplane/decode/defrag.c). The input's
 * first byte sizes the table (1 to 8 datagrams) and its timeout; then come
 * operations on a few datagram keys, each a fragment
 *
 *   sel, offset (2 bytes: 13 bits of 8-byte units), flags, len, data
 *
 * sel: bits 0-1 the key's id and source, bit 2 IPv6, bit 3 (IPv6) a
 * Destination Options header before the fragment header, bit 4 (IPv4)
 * TCP rather than UDP, bits 5-7 how far the clock moves first (50 ms
 * steps); sel 0xff alone runs defrag_expire(). flags: bit 0 more
 * fragments, bit 1 the data is len * 256 copies of one byte (reaching
 * 64 KB datagrams); otherwise the next len bytes are the data.
 * Each fragment is built as a frame, decoded, and given to defrag_packet()
 * when the decoder calls it a fragment. Checked on every step: the counters
 * match the reasons returned and active never exceeds the table; a
 * reassembled frame decodes again to the same view, with no fragment
 * flag, its IP length its kept header plus the datagram, and (while no
 * datagram expired, which this model cannot see) exactly
 * the first bytes offered at each position of its key since it last
 * completed; a datagram whose every byte arrived is never left held.
 * A broken invariant traps; memory errors are left to ASan and UBSan (the
 * table's buffers are on the heap, so ASan sees them, and every fragment
 * is a heap block of its exact size, freed after the call). Seeds live in
 * tests/fuzz/corpus/defrag/; running is left to tests/fuzz/run.sh.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/decode/decode.h"
#include "dataplane/decode/defrag.h"
#include "tests/fuzz/fuzz_check.h"

/* ---- a model of each key: the first bytes offered since it last completed ---- */

#define FUZZ_KEYS                                                                                  \
	12 /* IPv4: 4 ids x 2 protocols; IPv6: 4 ids (the protocol is no part of its key) */
#define FUZZ_SPAN 65536u

struct fuzz_key_model {
	bool valid;	     /* the table holds this key's datagram as the model says */
	bool have_first;     /* an offset-0 fragment was taken */
	bool have_last;	     /* total known */
	uint32_t header_len; /* IP header (IPv6: with its unfragmentable part) of that fragment */
	uint32_t total;
	uint32_t extent; /* bytes [0, extent) may be marked below */
	uint8_t offered[FUZZ_SPAN];
	uint8_t bytes[FUZZ_SPAN];
};

static struct fuzz_key_model models[FUZZ_KEYS];

/* The model's byte loops are the harness's, not the target's: kept out of
 * coverage and ASan (their indexes are checked), they no longer take most
 * of the time (5x more runs a second). */
#define FUZZ_MODEL_CODE __attribute__((noinline, no_sanitize("coverage", "address")))

FUZZ_MODEL_CODE static void fuzz_model_reset(struct fuzz_key_model *m)
{
	memset(m->offered, 0, m->extent);
	m->extent = 0;
	m->have_first = m->have_last = false;
	m->total = 0;
	m->header_len = 0;
	m->valid = true;
}

FUZZ_MODEL_CODE static bool fuzz_model_covered(const struct fuzz_key_model *m)
{
	if (!m->have_first || !m->have_last)
		return false;
	for (uint32_t i = 0; i < m->total; i++)
		if (!m->offered[i])
			return false;
	return true;
}

/* ---- one fragment as a frame ---- */

struct fuzz_fragment {
	unsigned key; /* 0-3 */
	bool v6, dstopts, tcp, more;
	uint32_t offset;
	const uint8_t *data;
	uint32_t len;
};

static uint8_t frame[14 + 40 + 8 + 8 + 65535];
static uint8_t fill[65535];

static uint32_t fuzz_ip_header_len(const struct fuzz_fragment *f)
{
	return f->v6 ? 40u + (f->dstopts ? 8u : 0u) : 20u;
}

/* The IPv4 header checksum, written into the header of len bytes. */
static void ipv4_checksum_set(uint8_t *ip, uint32_t len)
{
	uint32_t sum = 0;
	ip[10] = ip[11] = 0;
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8), ip[11] = (uint8_t)~sum;
}

static uint32_t fuzz_build(const struct fuzz_fragment *f)
{
	static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
	uint8_t *ip = frame + 14;
	uint8_t proto = f->tcp ? 6 : 17;
	uint32_t id = 0x100u + (f->key >> 1);
	uint8_t src = (uint8_t)(1 + (f->key & 1));

	memcpy(frame, macs, 12);
	frame[12] = f->v6 ? 0x86 : 0x08;
	frame[13] = f->v6 ? 0xdd : 0x00;
	if (!f->v6) {
		uint32_t total = 20 + f->len;
		uint16_t frag = (uint16_t)((f->more ? 0x2000 : 0) | (f->offset / 8));
		memset(ip, 0, 20);
		ip[0] = 0x45;
		ip[2] = (uint8_t)(total >> 8), ip[3] = (uint8_t)total;
		ip[4] = (uint8_t)(id >> 8), ip[5] = (uint8_t)id;
		ip[6] = (uint8_t)(frag >> 8), ip[7] = (uint8_t)frag;
		ip[8] = 64;
		ip[9] = proto;
		ip[12] = 192, ip[14] = 2, ip[15] = src;
		ip[16] = 198, ip[17] = 51, ip[18] = 100, ip[19] = 2;
		ipv4_checksum_set(ip, 20);
		memcpy(ip + 20, f->data, f->len);
		return 14 + total;
	}
	uint32_t ext = f->dstopts ? 8 : 0;
	uint32_t plen = ext + 8 + f->len;
	memset(ip, 0, 40 + ext + 8);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(plen >> 8), ip[5] = (uint8_t)plen;
	ip[6] = f->dstopts ? 60 : 44;
	ip[7] = 64;
	ip[8] = 0x20, ip[9] = 0x01, ip[23] = src;
	ip[24] = 0x20, ip[25] = 0x01, ip[39] = 2;
	uint8_t *h = ip + 40;
	if (f->dstopts) {
		h[0] = 44;
		h[2] = 1, h[3] = 4; /* PadN */
		h += 8;
	}
	uint16_t off = (uint16_t)(f->offset | (f->more ? 1 : 0));
	h[0] = proto;
	h[2] = (uint8_t)(off >> 8), h[3] = (uint8_t)off;
	h[4] = (uint8_t)(id >> 24), h[5] = (uint8_t)(id >> 16);
	h[6] = (uint8_t)(id >> 8), h[7] = (uint8_t)id;
	memcpy(h + 8, f->data, f->len);
	return 14 + 40 + plen;
}

static struct fuzz_key_model *fuzz_model_of(const struct fuzz_fragment *f)
{
	return &models[f->v6 ? 8 + f->key : f->key * 2 + f->tcp];
}

/* ---- checks ---- */

static uint64_t tally[DEFRAG_REASON_COUNT];

static void fuzz_check_whole(const struct packet *w, const struct packet *p,
			     const struct fuzz_key_model *m, bool exact)
{
	FUZZ_CHECK(w != NULL && w->data != p->data);
	FUZZ_CHECK(!(w->flags & (PACKET_FRAGMENT | PACKET_FIRST_FRAGMENT)));
	FUZZ_CHECK(w->ip_version == p->ip_version);
	FUZZ_CHECK(memcmp(w->src_addr, p->src_addr, 16) == 0);
	FUZZ_CHECK(memcmp(w->dst_addr, p->dst_addr, 16) == 0);
	FUZZ_CHECK(w->l3_len <= 65535u + (w->ip_version == 6 ? 40u : 0u));
	FUZZ_CHECK((uint64_t)w->l3_offset + w->l3_len <= w->len);
	FUZZ_CHECK((uint64_t)w->payload_offset + w->payload_len <= w->len);

	/* the frame alone decodes to the same view */
	uint8_t *copy = malloc(w->len ? w->len : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, w->data, w->len);
	struct packet q;
	FUZZ_CHECK(decode_packet(&q, copy, w->len) == DECODE_OK);
	FUZZ_CHECK(q.flags == w->flags && q.l3_len == w->l3_len && q.l4_offset == w->l4_offset);
	FUZZ_CHECK(q.payload_offset == w->payload_offset && q.payload_len == w->payload_len);
	free(copy);

	if (!exact)
		return;
	FUZZ_CHECK(fuzz_model_covered(m));
	FUZZ_CHECK(w->l3_len == m->header_len + m->total);
	const uint8_t *datagram = w->data + w->l3_offset + w->l3_len - m->total;
	FUZZ_CHECK(memcmp(datagram, m->bytes, m->total) == 0);
}

/* What the model learns from a fragment the table took (HELD or COMPLETE). */
FUZZ_MODEL_CODE static void fuzz_model_take(struct fuzz_key_model *m, const struct fuzz_fragment *f)
{
	FUZZ_CHECK(f->offset + f->len <= DEFRAG_MAX_DATAGRAM);
	for (uint32_t i = 0; i < f->len; i++) {
		if (!m->offered[f->offset + i]) {
			m->offered[f->offset + i] = 1;
			m->bytes[f->offset + i] = f->data[i];
		}
	}
	if (f->offset + f->len > m->extent)
		m->extent = f->offset + f->len;
	if (!f->more) {
		m->have_last = true;
		m->total = f->offset + f->len;
	}
	if (f->offset == 0 && !m->have_first) {
		m->have_first = true;
		m->header_len = fuzz_ip_header_len(f);
	}
}

static void fuzz_fragment(struct defrag_table *t, const struct fuzz_fragment *f, uint64_t now_us,
			  uint32_t max_datagrams)
{
	uint32_t n = fuzz_build(f);
	uint8_t *exact = malloc(n);
	FUZZ_CHECK(exact != NULL);
	memcpy(exact, frame, n);
	struct packet p;
	(void)decode_packet(&p, exact, n);
	if (!(p.flags & PACKET_FRAGMENT)) {
		free(exact);
		return;
	}

	const struct defrag_counters *k = defrag_counters(t);
	uint64_t lost = k->expired;
	const struct packet *w = NULL;
	enum defrag_reason r = defrag_packet(t, &p, now_us, &w);
	FUZZ_CHECK(r < DEFRAG_REASON_COUNT);
	tally[r]++;
	for (unsigned i = 0; i < DEFRAG_REASON_COUNT; i++)
		FUZZ_CHECK(k->fragment[i] == tally[i]);
	FUZZ_CHECK(k->active <= max_datagrams);

	/* a datagram expired on the way: the model loses track of all keys */
	if (k->expired != lost)
		for (unsigned i = 0; i < FUZZ_KEYS; i++)
			models[i].valid = false;

	struct fuzz_key_model *m = fuzz_model_of(f);
	if (r == DEFRAG_HELD || r == DEFRAG_COMPLETE) {
		if (m->valid)
			fuzz_model_take(m, f);
		if (r == DEFRAG_HELD)
			FUZZ_CHECK(!m->valid || !fuzz_model_covered(m));
		else
			fuzz_check_whole(w, &p, m, m->valid);
		if (r == DEFRAG_COMPLETE)
			fuzz_model_reset(m); /* forgotten: the key starts a new datagram */
	} else if (r != DEFRAG_FLOOD) {
		m->valid = false; /* refused: a tombstone, released unseen at its timeout */
	}			  /* FLOOD: nothing taken, nothing of the key's datagram changed */
	free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct defrag_config c = {
	    .max_datagrams = 1u + (data[0] & 7u),
	    .timeout_ms = 100u * (1u + ((data[0] >> 3) & 7u)),
	};
	struct defrag_table *t = defrag_create(&c);
	FUZZ_CHECK(t != NULL);
	memset(tally, 0, sizeof(tally));
	for (unsigned i = 0; i < FUZZ_KEYS; i++)
		fuzz_model_reset(&models[i]); /* clears what the last input marked */

	uint64_t now_us = 1000000;
	size_t at = 1;
	while (at < size) {
		uint8_t sel = data[at++];
		if (sel == 0xff) {
			uint64_t expired = defrag_counters(t)->expired;
			defrag_expire(t, now_us);
			FUZZ_CHECK(defrag_counters(t)->active <= c.max_datagrams);
			if (defrag_counters(t)->expired != expired)
				for (unsigned i = 0; i < FUZZ_KEYS; i++)
					models[i].valid = false;
			continue;
		}
		if (size - at < 4)
			break;
		struct fuzz_fragment f = {
		    .key = sel & 3u,
		    .v6 = (sel >> 2) & 1u,
		    .dstopts = ((sel >> 3) & 1u) && ((sel >> 2) & 1u),
		    .tcp = ((sel >> 4) & 1u) && !((sel >> 2) & 1u),
		    .offset = ((uint32_t)(data[at] << 8 | data[at + 1]) & 0x1fffu) * 8,
		    .more = data[at + 2] & 1u,
		};
		uint8_t flags = data[at + 2];
		uint32_t len = data[at + 3];
		at += 4;
		if (flags & 2) {
			len *= 256;
			memset(fill, at < size ? data[at] : 0, len);
			at += at < size;
			f.data = fill;
		} else {
			if (len > size - at)
				len = (uint32_t)(size - at);
			f.data = data + at;
			at += len;
		}
		f.len = len;
		now_us += (uint64_t)(sel >> 5) * 50000;
		fuzz_fragment(t, &f, now_us, c.max_datagrams);
	}
	defrag_destroy(t);
	return 0;
}
