/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP reassembly for inspection (see defrag.h): a small table of datagrams
 * in progress per worker, each with its own 64 KB buffer and the list of
 * byte ranges received so far; the frame of a completed datagram rebuilt
 * from its first fragment's headers and decoded. What a whole datagram
 * then goes through, and what happens to the fragment's mbuf, is the
 * worker's business.
 *
 * The table is searched linearly: it holds tens of datagrams, fragments
 * are rare in real traffic, and a linear search has no hash to aim at.
 *
 * Header sizes and fields and the IPv6 extension header walk are the
 * decoders' own (decode_util.h, decode_ipv6_fragment_header()), so that
 * reassembly never reads a header otherwise than decoding did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/decode/decode_util.h"
#include "dataplane/decode/defrag.h"

const char *const defrag_reason_name[DEFRAG_REASON_COUNT] = {
#define _(sym, name, text) name,
    foreach_defrag_reason
#undef _
};

#define DEFRAG_DEFAULT_DATAGRAMS  64
#define DEFRAG_DEFAULT_TIMEOUT_MS 30000

/* TOMBSTONE: a buried key kept in its datagram's slot when the ring below is all live */
enum defrag_state { DEFRAG_FREE, DEFRAG_OPEN, DEFRAG_TOMBSTONE };

#define DEFRAG_BUFFER (DEFRAG_MAX_HEADER + DEFRAG_MAX_DATAGRAM)

/* addresses (4), id, version and protocol (1), VLAN ids (1), tunnel tenant (2) */
#define DEFRAG_KEY_WORDS 8

/*
 * The key of a datagram refused, pushed out or timed out, kept for one
 * timeout after that: its fragments still to come are refused (LATE). The
 * fragments passed before were forwarded, so a receiver may still hold
 * them; without this, the rest would start a datagram here that never
 * completes and pass, and the receiver would complete one never inspected.
 */
struct defrag_tombstone {
	uint64_t key[DEFRAG_KEY_WORDS];
	uint64_t until_us;
};

struct defrag_piece {
	uint32_t start, end; /* [start, end) of the datagram's payload */
};

struct defrag_datagram {
	uint64_t
	    key[DEFRAG_KEY_WORDS]; /* addresses, id, version, protocol (IPv4), VLAN ids, tenant */
	uint64_t first_us;
	uint64_t until_us;	 /* TOMBSTONE: buried until then */
	uint8_t state;		 /* enum defrag_state */
	bool have_first;	 /* the offset-0 fragment's headers lie just before data */
	bool have_last;		 /* total is known */
	uint8_t next_proto;	 /* IPv6: the protocol after the fragment header */
	uint16_t header_len;	 /* link + IP headers, the header_len bytes before data */
	uint16_t l3_offset;	 /* where the IP header starts in them */
	uint16_t next_header_at; /* IPv6: the byte of them that named the fragment header */
	uint32_t total;		 /* payload bytes of the whole datagram, once have_last */
	/* The first fragment came in a tunnel (PACKET_TUNNEL): its outer
	 * headers lie in the header bytes too, and the whole datagram is
	 * decoded as that tunnel's inner packet. */
	bool tunnelled;
	struct packet_tunnel tunnel;
	uint32_t piece_count;
	struct defrag_piece pieces[DEFRAG_MAX_PIECES]; /* sorted, disjoint, not adjacent */
	/* DEFRAG_MAX_DATAGRAM bytes, after DEFRAG_MAX_HEADER bytes of room for
	 * the headers: the whole frame is rebuilt in place, no copy */
	uint8_t *data;
};

struct defrag_table {
	uint32_t max_datagrams;
	uint64_t timeout_us;
	uint64_t bury_us; /* how long a buried key stays: longer than receivers wait (60 s) */
	struct defrag_counters counters;
	uint32_t in_use; /* open datagrams and tombstones held in slots */
	struct defrag_datagram *datagrams;
	struct defrag_tombstone *tombstones; /* a ring of tombstone_count (defrag_bury_key()) */
	uint32_t tombstone_count, tombstone_next;
	uint64_t ring_until_us; /* the latest until_us in the ring: past it, none is live */
	uint8_t *buffers;	/* DEFRAG_BUFFER bytes a datagram */
	struct packet whole;
};

/* ---- life ---- */

struct defrag_table *defrag_create(const struct defrag_config *config)
{
	struct defrag_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->max_datagrams = config->max_datagrams ? config->max_datagrams : DEFRAG_DEFAULT_DATAGRAMS;
	t->timeout_us =
	    (uint64_t)(config->timeout_ms ? config->timeout_ms : DEFRAG_DEFAULT_TIMEOUT_MS) * 1000;
	t->datagrams = calloc(t->max_datagrams, sizeof(*t->datagrams));
	/* Linux keeps IPv6 fragments 60 s (ip6frag_time), IPv4 30 s */
	t->bury_us = 2 * t->timeout_us > 60000000u ? 2 * t->timeout_us : 60000000u;
	t->tombstone_count = 16 * t->max_datagrams;
	t->tombstones = calloc(t->tombstone_count, sizeof(*t->tombstones));
	/* the process heap, not DPDK memory: no device reads these bytes, and
	 * the DPDK heap is kept for mbufs and the filter's tables */
	t->buffers = malloc((size_t)t->max_datagrams * DEFRAG_BUFFER);
	if (!t->datagrams || !t->tombstones || !t->buffers) {
		defrag_destroy(t);
		return NULL;
	}
	for (uint32_t i = 0; i < t->max_datagrams; i++)
		t->datagrams[i].data = t->buffers + (size_t)i * DEFRAG_BUFFER + DEFRAG_MAX_HEADER;
	return t;
}

void defrag_destroy(struct defrag_table *t)
{
	if (!t)
		return;
	free(t->buffers);
	free(t->tombstones);
	free(t->datagrams);
	free(t);
}

const struct defrag_counters *defrag_counters(const struct defrag_table *t)
{
	return &t->counters;
}

static void defrag_release(struct defrag_table *t, struct defrag_datagram *d)
{
	if (d->state == DEFRAG_OPEN)
		t->counters.active--;
	d->state = DEFRAG_FREE;
	t->in_use--;
}

/*
 * Bury key until now + bury_us: in the ring when its next entry is free or
 * past its time; else (a flood) in slot d, which then stays taken, so that
 * no buried key is ever forgotten early: the table fills and new datagrams
 * are refused instead (fail closed). d may be NULL (a datagram already
 * released): then a free slot is taken, and only when there is none is a
 * live ring entry overwritten (counted). d, when given, is released or
 * turned into the tombstone.
 */
static void defrag_bury_key(struct defrag_table *t, const uint64_t key[DEFRAG_KEY_WORDS],
			    struct defrag_datagram *d, uint64_t now_us)
{
	struct defrag_tombstone *ts = &t->tombstones[t->tombstone_next];
	uint64_t until = now_us + t->bury_us;
	if (ts->until_us > now_us && !d) {
		for (uint32_t i = 0; i < t->max_datagrams && !d; i++)
			if (t->datagrams[i].state == DEFRAG_FREE) {
				d = &t->datagrams[i];
				d->state = DEFRAG_TOMBSTONE;
				t->in_use++;
			}
		if (!d)
			t->counters.tombstones_lost++;
	}
	if (ts->until_us > now_us && d) {
		if (d->state == DEFRAG_OPEN)
			t->counters.active--;
		memcpy(d->key, key, sizeof(d->key));
		d->state = DEFRAG_TOMBSTONE;
		d->until_us = until;
		return;
	}
	memcpy(ts->key, key, sizeof(ts->key));
	ts->until_us = until;
	if (until > t->ring_until_us)
		t->ring_until_us = until;
	t->tombstone_next = (t->tombstone_next + 1) % t->tombstone_count;
	if (d)
		defrag_release(t, d);
}

static void defrag_bury(struct defrag_table *t, struct defrag_datagram *d, uint64_t now_us)
{
	uint64_t key[DEFRAG_KEY_WORDS];
	memcpy(key, d->key, sizeof(key));
	defrag_bury_key(t, key, d, now_us);
}

static bool defrag_buried(const struct defrag_table *t, const uint64_t key[DEFRAG_KEY_WORDS],
			  uint64_t now_us)
{
	if (now_us >= t->ring_until_us)
		return false; /* nothing buried lately: the common case, no scan */
	for (uint32_t i = 0; i < t->tombstone_count; i++) {
		const struct defrag_tombstone *ts = &t->tombstones[i];
		if (ts->until_us > now_us && memcmp(ts->key, key, sizeof(ts->key)) == 0)
			return true;
	}
	return false;
}

void defrag_expire(struct defrag_table *t, uint64_t now_us)
{
	if (t->in_use == 0)
		return;
	for (uint32_t i = 0; i < t->max_datagrams; i++) {
		struct defrag_datagram *d = &t->datagrams[i];
		if (d->state == DEFRAG_TOMBSTONE && now_us >= d->until_us)
			defrag_release(t, d);
		if (d->state != DEFRAG_OPEN || now_us < d->first_us + t->timeout_us)
			continue;
		t->counters.expired++;
		defrag_bury(t, d, now_us);
	}
}

/* ---- one fragment's view ---- */

static void defrag_put_be16(uint8_t *b, uint16_t value)
{
	b[0] = (uint8_t)(value >> 8);
	b[1] = (uint8_t)value;
}

/* The IPv4 header checksum over len bytes (0 when the header carries a right one). */
static uint16_t defrag_ipv4_checksum(const uint8_t *ip, uint32_t len)
{
	uint32_t sum = 0;
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Where a fragment's bytes and headers are, from its frame. */
struct defrag_fragment {
	const uint8_t *data; /* its share of the datagram's payload */
	uint32_t len;
	uint32_t offset;
	bool more;
	uint32_t ip_header_len; /* IPv4 header, or IPv6 base header + unfragmentable part */
	uint32_t
	    next_header_at; /* IPv6: offset from the IP header of the byte naming the fragment header */
	uint8_t next_proto; /* IPv6: the protocol after the fragment header */
};

/* The IPv6 fragment at ip: its unfragmentable part, then the fragment header. */
static int defrag_ipv6_fragment(const uint8_t *ip, uint32_t l3_len, struct defrag_fragment *f)
{
	uint32_t at, named_at;
	if (decode_ipv6_fragment_header(ip, l3_len, &at, &named_at) < 0)
		return -EINVAL;
	f->ip_header_len = at;
	f->next_header_at = named_at;
	f->next_proto = ip[at]; /* the fragment header's own next header */
	f->data = ip + at + DECODE_IPV6_FRAGMENT_HEADER_LEN;
	f->len = l3_len - at - DECODE_IPV6_FRAGMENT_HEADER_LEN;
	return 0;
}

static bool defrag_ipv4_checksum_wrong(const struct packet *p)
{
	if (p->ip_version != 4 || p->l3_offset > p->len || p->l3_len > p->len - p->l3_offset)
		return false; /* not IPv4, or refused as a bad header later */
	const uint8_t *ip = p->data + p->l3_offset;
	uint32_t ihl = decode_ipv4_header_len(ip);
	return ihl >= DECODE_IPV4_HEADER_LEN && ihl <= p->l3_len &&
	       defrag_ipv4_checksum(ip, ihl) != 0;
}

static int defrag_fragment_of(const struct packet *p, struct defrag_fragment *f)
{
	if (p->l3_offset > p->len || p->l3_len > p->len - p->l3_offset)
		return -EINVAL;
	const uint8_t *ip = p->data + p->l3_offset;
	f->offset = p->fragment_offset;
	f->more = p->more_fragments != 0;
	f->next_header_at = 0;
	f->next_proto = 0;
	if (p->ip_version == 4) {
		uint32_t ihl = decode_ipv4_header_len(ip);
		if (ihl < DECODE_IPV4_HEADER_LEN || ihl > p->l3_len)
			return -EINVAL;
		f->ip_header_len = ihl;
		f->data = ip + ihl;
		f->len = p->l3_len - ihl;
		return 0;
	}
	if (p->ip_version == 6)
		return defrag_ipv6_fragment(ip, p->l3_len, f);
	return -EINVAL;
}

/*
 * The datagram key of p: addresses, id, version, protocol (IPv4: RFC 791),
 * VLAN ids, and the tunnel's tenant (two tenants' identical addresses and
 * ids are two datagrams, as they are two flows).
 */
static void defrag_key_of(const struct packet *p, uint64_t key[DEFRAG_KEY_WORDS])
{
	unsigned addr_len = p->ip_version == 4 ? 4 : 16;
	uint8_t addrs[32] = {0};
	memcpy(addrs, p->src_addr, addr_len);
	memcpy(addrs + 16, p->dst_addr, addr_len);
	memcpy(key, addrs, 32);
	key[4] = (uint64_t)p->fragment_id | (uint64_t)p->ip_version << 32 |
		 (uint64_t)(p->ip_version == 4 ? p->l4_proto : 0) << 40;
	key[5] = (uint64_t)(p->vlan_count > 0 ? p->vlan_id[0] : 0) |
		 (uint64_t)(p->vlan_count > 1 ? p->vlan_id[1] : 0) << 16;
	packet_tenant(p, &key[6]);
}

/* ---- the table ---- */

/*
 * The datagram of key, or a new one in a free slot; expired ones are
 * buried on the way. NULL with *why LATE when key is buried, FLOOD when
 * every slot is taken: nothing is pushed out, since the receiver may hold
 * the forwarded pieces of what would go (fail closed).
 */
static struct defrag_datagram *defrag_find(struct defrag_table *t,
					   const uint64_t key[DEFRAG_KEY_WORDS], uint64_t now_us,
					   enum defrag_reason *why)
{
	struct defrag_datagram *free_slot = NULL;
	/* every taken slot is looked at (its key, its age); past the last of
	 * them, the first free one is all that is needed */
	uint32_t busy = t->in_use, seen = 0;
	for (uint32_t i = 0; i < t->max_datagrams && (seen < busy || !free_slot); i++) {
		struct defrag_datagram *d = &t->datagrams[i];
		seen += d->state != DEFRAG_FREE;
		if (d->state == DEFRAG_TOMBSTONE && now_us >= d->until_us)
			defrag_release(t, d);
		if (d->state == DEFRAG_OPEN && now_us >= d->first_us + t->timeout_us) {
			t->counters.expired++;
			defrag_bury(t, d, now_us);
		}
		if (d->state == DEFRAG_FREE) {
			if (!free_slot)
				free_slot = d;
			continue;
		}
		if (memcmp(d->key, key, sizeof(d->key)) == 0) {
			*why = DEFRAG_LATE;
			return d->state == DEFRAG_OPEN ? d : NULL;
		}
	}
	*why = DEFRAG_LATE;
	if (defrag_buried(t, key, now_us))
		return NULL;
	struct defrag_datagram *d = free_slot;
	if (!d) {
		*why = DEFRAG_FLOOD;
		return NULL;
	}
	memcpy(d->key, key, sizeof(d->key));
	d->first_us = now_us;
	d->state = DEFRAG_OPEN;
	d->have_first = d->have_last = false;
	d->total = 0;
	d->piece_count = 0;
	t->in_use++;
	t->counters.active++;
	return d;
}

/* Refuse d for reason: it goes, and its key is buried for a timeout. */
static enum defrag_reason defrag_refuse(struct defrag_table *t, struct defrag_datagram *d,
					enum defrag_reason reason, uint64_t now_us)
{
	defrag_bury(t, d, now_us);
	return reason;
}

/*
 * Copy [start, end) of the fragment into d where nothing was received;
 * where something was, the bytes must agree. Returns false on a conflict.
 */
static bool defrag_copy(struct defrag_datagram *d, const struct defrag_fragment *f)
{
	uint32_t start = f->offset, end = f->offset + f->len, pos = start;
	for (uint32_t i = 0; i < d->piece_count && pos < end; i++) {
		const struct defrag_piece *piece = &d->pieces[i];
		if (piece->end <= pos)
			continue;
		if (piece->start >= end)
			break;
		if (piece->start > pos) {
			memcpy(d->data + pos, f->data + (pos - start), piece->start - pos);
			pos = piece->start;
		}
		uint32_t same_end = piece->end < end ? piece->end : end;
		if (memcmp(d->data + pos, f->data + (pos - start), same_end - pos) != 0)
			return false;
		pos = same_end;
	}
	if (pos < end)
		memcpy(d->data + pos, f->data + (pos - start), end - pos);
	return true;
}

/* Merge [start, end) into d's pieces; false when that makes too many. */
static bool defrag_merge(struct defrag_datagram *d, uint32_t start, uint32_t end)
{
	uint32_t i = 0;
	while (i < d->piece_count && d->pieces[i].end < start)
		i++;
	/* pieces i..j-1 touch or overlap [start, end): they become one */
	uint32_t j = i;
	while (j < d->piece_count && d->pieces[j].start <= end) {
		if (d->pieces[j].start < start)
			start = d->pieces[j].start;
		if (d->pieces[j].end > end)
			end = d->pieces[j].end;
		j++;
	}
	uint32_t count = d->piece_count - (j - i) + 1;
	if (count > DEFRAG_MAX_PIECES)
		return false;
	memmove(&d->pieces[i + 1], &d->pieces[j], (d->piece_count - j) * sizeof(d->pieces[0]));
	d->pieces[i] = (struct defrag_piece){start, end};
	d->piece_count = count;
	return true;
}

/* Keep the first fragment's link and IP headers, to rebuild the frame from. */
static bool defrag_keep_header(struct defrag_datagram *d, const struct packet *p,
			       const struct defrag_fragment *f)
{
	uint32_t len = p->l3_offset + f->ip_header_len;
	if (len > DEFRAG_MAX_HEADER)
		return false;
	memcpy(d->data - len, p->data, len);
	d->header_len = (uint16_t)len;
	d->l3_offset = (uint16_t)p->l3_offset;
	d->next_header_at = (uint16_t)(p->l3_offset + f->next_header_at);
	d->next_proto = f->next_proto;
	d->have_first = true;
	d->tunnelled = p->flags & PACKET_TUNNEL;
	d->tunnel = p->tunnel;
	return true;
}

/*
 * Decode the rebuilt frame of d into whole: from its link layer, or, for
 * a datagram that came in a tunnel, as the tunnel's inner packet (the
 * outer headers, the first fragment's, stay before it, not decoded again).
 */
static enum decode_error defrag_decode_whole(struct packet *whole, const struct defrag_datagram *d,
					     const uint8_t *frame)
{
	uint32_t len = d->header_len + d->total;
	if (!d->tunnelled)
		return decode_packet(whole, frame, len);
	whole->data = frame;
	whole->len = len;
	whole->tunnel = d->tunnel;
	decode_tunnel_restart(whole, d->tunnel.type);
	return decode_tunnel_inner(whole);
}

/* The whole datagram's frame, in place before and in d->data, decoded into t->whole. */
static enum defrag_reason defrag_rebuild(struct defrag_table *t, struct defrag_datagram *d,
					 unsigned version)
{
	uint32_t l3_offset = d->l3_offset;
	uint8_t *frame = d->data - d->header_len;
	uint8_t *ip = frame + l3_offset;
	uint32_t ip_header_len = d->header_len - l3_offset;
	/* what the IP length field counts besides the payload */
	uint32_t counted = version == 4 ? ip_header_len : ip_header_len - DECODE_IPV6_HEADER_LEN;
	if (counted + d->total > DEFRAG_MAX_DATAGRAM)
		return DEFRAG_TOO_BIG; /* the first fragment's header made it pass 65,535 */
	if (version == 4) {
		defrag_put_be16(ip + 2, (uint16_t)(counted + d->total)); /* total length */
		/* DF stays; MF and the offset go */
		defrag_put_be16(ip + 6, decode_be16(ip + 6) & DECODE_IPV4_FLAG_DF);
		defrag_put_be16(ip + 10, 0);
		defrag_put_be16(ip + 10, defrag_ipv4_checksum(ip, ip_header_len));
	} else {
		defrag_put_be16(ip + 4, (uint16_t)(counted + d->total)); /* payload length */
		frame[d->next_header_at] = d->next_proto;
	}
	if (defrag_decode_whole(&t->whole, d, frame) != DECODE_OK)
		return DEFRAG_BAD_HEADER;
	return DEFRAG_COMPLETE;
}

enum defrag_reason defrag_packet(struct defrag_table *t, const struct packet *p, uint64_t now_us,
				 const struct packet **whole)
{
	uint64_t key[DEFRAG_KEY_WORDS];
	struct defrag_fragment f;
	enum defrag_reason r;

	*whole = NULL;
	if (defrag_ipv4_checksum_wrong(p)) {
		/* the receiver discards it: its bytes never count here either,
		 * and it takes no room (the datagram may still come whole) */
		r = DEFRAG_BAD_CHECKSUM;
		goto out;
	}
	defrag_key_of(p, key);
	struct defrag_datagram *d = defrag_find(t, key, now_us, &r);
	if (!d)
		goto out;
	if (defrag_fragment_of(p, &f) < 0) {
		r = defrag_refuse(t, d, DEFRAG_BAD_HEADER, now_us);
		goto out;
	}
	if (f.len == 0 || (f.more && f.len % 8 != 0)) {
		r = defrag_refuse(t, d, DEFRAG_BAD_LENGTH, now_us);
		goto out;
	}
	/* the IP length field of the whole datagram holds 16 bits */
	uint32_t header_part =
	    p->ip_version == 4 ? f.ip_header_len : f.ip_header_len - DECODE_IPV6_HEADER_LEN;
	if (f.offset + f.len + header_part > DEFRAG_MAX_DATAGRAM) {
		r = defrag_refuse(t, d, DEFRAG_TOO_BIG, now_us);
		goto out;
	}
	uint32_t end = f.offset + f.len;
	/* a last fragment fixes the size: nothing may lie past it, nor another end */
	if ((!f.more && ((d->have_last && d->total != end) ||
			 (d->piece_count && d->pieces[d->piece_count - 1].end > end))) ||
	    (d->have_last && end > d->total)) {
		r = defrag_refuse(t, d, DEFRAG_OVERLAP_CONFLICT, now_us);
		goto out;
	}
	if (!defrag_copy(d, &f)) {
		r = defrag_refuse(t, d, DEFRAG_OVERLAP_CONFLICT, now_us);
		goto out;
	}
	if (!defrag_merge(d, f.offset, end)) {
		r = defrag_refuse(t, d, DEFRAG_TOO_MANY_PIECES, now_us);
		goto out;
	}
	if (!f.more) {
		d->have_last = true;
		d->total = end;
	}
	if (f.offset == 0 && !d->have_first && !defrag_keep_header(d, p, &f)) {
		r = defrag_refuse(t, d, DEFRAG_BAD_HEADER, now_us);
		goto out;
	}
	if (!d->have_last || !d->have_first || d->piece_count != 1 || d->pieces[0].start != 0 ||
	    d->pieces[0].end != d->total) {
		r = DEFRAG_HELD;
		goto out;
	}
	r = defrag_rebuild(t, d, p->ip_version);
	if (r == DEFRAG_COMPLETE) {
		defrag_release(
		    t, d); /* forgotten, unless the caller buries it (defrag_bury_packet()) */
		*whole = &t->whole;
	} else {
		defrag_refuse(t, d, r, now_us);
	}
out:
	t->counters.fragment[r]++;
	return r;
}

void defrag_bury_packet(struct defrag_table *t, const struct packet *p, uint64_t now_us)
{
	uint64_t key[DEFRAG_KEY_WORDS];
	defrag_key_of(p, key);
	defrag_bury_key(t, key, NULL, now_us);
}
