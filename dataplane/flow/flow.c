/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore flow table (contract and ownership in flow.h):
 * key normalisation and hashing, the probe-window lookup with eviction, the
 * TCP state tracking that decides "established", and incremental expiry.
 * Stream reassembly itself is stream.c; this file only releases a flow's
 * streams when the flow goes. Plain C, no DPDK.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <netinet/in.h>

#include "dataplane/flow/flow.h"

#define FLOW_NS_PER_S	   1000000000ull
#define FLOW_SEQUENCE_MASK ((1ull << FLOW_WORKER_SHIFT) - 1)
#define FLOW_ID_MASK	   ((1ull << FLOW_ID_BITS) - 1)
_Static_assert(FLOW_WORKER_SHIFT + 15 == FLOW_ID_BITS && FLOW_MAX_WORKERS == 1u << 15,
	       "worker and sequence fill the id's bits exactly");
#define FLOW_EXPIRE_SCAN_FACTOR 8 /* slots looked at per flow of budget */

_Static_assert(sizeof(struct flow_key) == 64, "struct flow_key must have no hidden padding");

enum flow_timeout_class {
	FLOW_TIMEOUT_NEW,
	FLOW_TIMEOUT_ESTABLISHED,
	FLOW_TIMEOUT_CLOSED,
	FLOW_TIMEOUT_UDP,
	FLOW_TIMEOUT_OTHER,
};
_Static_assert(FLOW_TIMEOUT_OTHER + 1 == FLOW_TIMEOUT_CLASSES, "timeout classes");

const char *const flow_counter_name[FLOW_COUNTER_COUNT] = {
#define _(field, name, text) name,
    foreach_flow_counter
#undef _
};

const char *const flow_counter_text[FLOW_COUNTER_COUNT] = {
#define _(field, name, text) text,
    foreach_flow_counter
#undef _
};

const char *const flow_end_name[FLOW_END_COUNT] = {
#define _(sym, name) [FLOW_END_##sym] = name,
    foreach_flow_end
#undef _
};

const char *const flow_tcp_state_name[FLOW_TCP_RESET + 1] = {
    [FLOW_TCP_NONE] = "none",	      [FLOW_TCP_SYN_SENT] = "syn_sent",
    [FLOW_TCP_SYN_RECV] = "syn_recv", [FLOW_TCP_ESTABLISHED] = "established",
    [FLOW_TCP_CLOSING] = "closing",   [FLOW_TCP_CLOSED] = "closed",
    [FLOW_TCP_RESET] = "reset",
};

/* ---- flow_id ------------------------------------------------------------ */

/*
 * Each step is a bijection of [0, 2^53): adding or xoring a constant,
 * multiplying by an odd number, x ^= x >> k. Mixed by the key's two
 * halves, so the order of the ids says nothing of the order of the flows.
 */
static uint64_t flow_id_permute(uint64_t x, uint64_t key)
{
	x = (x + key) & FLOW_ID_MASK;
	x ^= x >> 26;
	x = (x * 0x9e3779b97f4a7c15ull) & FLOW_ID_MASK;
	x ^= (key >> 11) & FLOW_ID_MASK;
	x ^= x >> 23;
	x = (x * 0xbf58476d1ce4e5b9ull) & FLOW_ID_MASK;
	x ^= x >> 27;
	x = (x * 0x94d049bb133111ebull) & FLOW_ID_MASK;
	return x ^ (x >> 31);
}

uint64_t flow_id_of(uint64_t key, unsigned worker, uint64_t sequence)
{
	uint64_t x = (uint64_t)(worker & (FLOW_MAX_WORKERS - 1)) << FLOW_WORKER_SHIFT |
		     (sequence & FLOW_SEQUENCE_MASK);
	return flow_id_permute(x, key);
}

uint64_t flow_id_key(const char *appliance, uint64_t nonce)
{
	/* FNV-1a over the name, then mixed with the nonce */
	uint64_t h = 0xcbf29ce484222325ull;
	for (const char *c = appliance ? appliance : ""; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
	h ^= nonce + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

/* ---- create and destroy (control path) -------------------------------- */

static uint64_t flow_seconds_ns(uint32_t seconds, uint32_t fallback)
{
	return (uint64_t)(seconds ? seconds : fallback) * FLOW_NS_PER_S;
}

static uint64_t flow_random_seed(void)
{
	uint64_t seed = 0;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed) && seed)
		return seed;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec << 32 ^ (uint64_t)ts.tv_nsec ^ (uintptr_t)&seed) | 1;
}

struct flow_table *flow_table_create(const struct flow_config *config)
{
	const struct flow_timeouts *to = &config->timeouts;
	struct flow_table *t;

	if (config->capacity < FLOW_PROBE_WINDOW || config->worker_index >= FLOW_MAX_WORKERS)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->capacity = config->capacity;
	t->flows = aligned_alloc(64, (size_t)config->capacity * sizeof(struct flow));
	t->tags = calloc(config->capacity, sizeof(*t->tags));
	t->streams = stream_pool_create(&config->stream);
	t->records_capacity = config->records;
	if (config->records)
		t->records = calloc(config->records, sizeof(*t->records));
	if (!t->flows || !t->tags || !t->streams || (config->records && !t->records)) {
		flow_table_destroy(t);
		return NULL;
	}
	memset(t->flows, 0, (size_t)config->capacity * sizeof(struct flow));
	t->worker_index = config->worker_index;
	t->hash_seed = config->hash_seed ? config->hash_seed : flow_random_seed();
	t->id_key = config->id_key ? config->id_key : flow_random_seed();
	t->timeout_ns[FLOW_TIMEOUT_NEW] = flow_seconds_ns(to->new_s, 30);
	t->timeout_ns[FLOW_TIMEOUT_ESTABLISHED] = flow_seconds_ns(to->established_s, 600);
	t->timeout_ns[FLOW_TIMEOUT_CLOSED] = flow_seconds_ns(to->closed_s, 10);
	t->timeout_ns[FLOW_TIMEOUT_UDP] = flow_seconds_ns(to->udp_s, 120);
	t->timeout_ns[FLOW_TIMEOUT_OTHER] = flow_seconds_ns(to->other_s, 60);
	t->evict_idle_ns = flow_seconds_ns(to->evict_idle_s, 1);
	t->on_free = config->on_free;
	t->async_oneside = config->async_oneside;
	t->midstream = config->midstream;
	t->normalize.min_ttl = config->min_ttl;
	t->no_normalize = config->no_normalize;
	t->host_os = config->host_os;
	t->on_free_arg = config->on_free_arg;
	return t;
}

void flow_record_of(const struct flow *f, enum flow_end why, struct flow_record *r)
{
	*r = (struct flow_record){
	    .key = f->key,
	    .flow_id = f->flow_id,
	    .first_seen_ns = f->first_seen_ns,
	    .last_seen_ns = f->last_seen_ns,
	    .packets = {f->packets[0], f->packets[1]},
	    .bytes = {f->bytes[0], f->bytes[1]},
	    .client_side = f->client_side,
	    .tcp_state = f->tcp_state,
	    .end = (uint8_t)why,
	};
}

/*
 * End the flow in slot s: its record (when the table keeps them), the
 * callbacks (the flow is still intact), then free.
 */
static void flow_end(struct flow_table *t, uint32_t s, enum flow_end why, flow_free_fn extra,
		     void *extra_arg)
{
	struct flow *f = &t->flows[s];

	f->end_reason = (uint8_t)why;
	if (__builtin_expect(t->records != NULL, 0)) {
		if (t->records_count < t->records_capacity)
			flow_record_of(f, why, &t->records[t->records_count++]);
		else
			t->records_lost++;
	}

	if (extra)
		extra(f, extra_arg);
	if (t->on_free)
		t->on_free(f, t->on_free_arg);
	stream_release(&f->stream[FLOW_TO_SERVER], t->streams);
	stream_release(&f->stream[FLOW_TO_CLIENT], t->streams);
	t->tags[s] = 0;
	t->counters.active--;
}

unsigned flow_table_forget(struct flow_table *t)
{
	unsigned n = 0;
	for (uint32_t s = 0; s < t->capacity && t->counters.active; s++)
		if (t->tags[s]) {
			flow_end(t, s, FLOW_END_FORGOTTEN, NULL, NULL);
			n++;
		}
	t->counters.forgotten += n;
	return n;
}

unsigned flow_table_shutdown(struct flow_table *t, unsigned budget)
{
	unsigned n = 0;
	for (uint32_t s = 0; t && s < t->capacity && t->counters.active && n < budget; s++)
		if (t->tags[s]) {
			flow_end(t, s, FLOW_END_SHUTDOWN, NULL, NULL);
			n++;
		}
	return n;
}

void flow_table_destroy(struct flow_table *t)
{
	if (!t)
		return;
	if (t->flows && t->tags && t->streams) {
		for (uint32_t s = 0; s < t->capacity; s++)
			if (t->tags[s])
				flow_end(t, s, FLOW_END_SHUTDOWN, NULL, NULL);
	}
	stream_pool_destroy(t->streams);
	free(t->records);
	free(t->tags);
	free(t->flows);
	free(t);
}

void flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *f, void *arg), void *arg)
{
	for (uint32_t s = 0; t && s < t->capacity; s++)
		if (t->tags[s])
			fn(&t->flows[s], arg);
}

void flow_table_visit(struct flow_table *t, uint32_t *cursor, unsigned slots,
		      void (*fn)(struct flow *f, void *arg), void *arg)
{
	if (!t || t->counters.active == 0)
		return;
	uint32_t s = *cursor < t->capacity ? *cursor : 0;
	for (unsigned i = 0; i < slots && i < t->capacity; i++) {
		if (t->tags[s])
			fn(&t->flows[s], arg);
		s = s + 1 < t->capacity ? s + 1 : 0;
	}
	*cursor = s;
}

/* ---- key and hash ------------------------------------------------------ */

_Static_assert(offsetof(struct flow_key, port) == 32 && offsetof(struct flow_key, vlan_id) == 36 &&
		   offsetof(struct flow_key, proto) == 40 &&
		   offsetof(struct flow_key, ip_version) == 41 &&
		   offsetof(struct flow_key, tenant) == 48 && sizeof(struct flow_key) == 64 &&
		   PACKET_MAX_VLANS == 2 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "flow_key_from_packet() writes the key as little-endian words");

/* One address of p as two words, IPv4 in the first four bytes and the rest zero. */
static inline void flow_addr_words(uint64_t w[2], const uint8_t *addr, uint32_t addr_len)
{
	if (addr_len == 4) {
		uint32_t a;
		memcpy(&a, addr, 4);
		w[0] = a, w[1] = 0;
	} else {
		memcpy(w, addr, 16);
	}
}

/*
 * Build the normalised key of p; *src_side tells which key side p's source
 * is. Returns false for packets that get no flow.
 */
static bool flow_key_from_packet(const struct packet *p, struct flow_key *k, uint8_t *src_side)
{
	uint32_t addr_len = p->ip_version == 4 ? 4 : 16;
	uint16_t src_port = 0, dst_port = 0;
	int order;

	if (!(p->flags & (PACKET_IPV4 | PACKET_IPV6)))
		return false;
	/* Later fragments carry no ports. With [dataplane] defrag (the default)
	 * the worker hands whole datagrams here instead (defrag.c). */
	if ((p->flags & PACKET_FRAGMENT) && !(p->flags & PACKET_FIRST_FRAGMENT))
		return false;
	if (p->flags & (PACKET_TCP | PACKET_UDP | PACKET_SCTP)) {
		src_port = p->src_port;
		dst_port = p->dst_port;
	}

	order = memcmp(p->src_addr, p->dst_addr, addr_len);
	if (order == 0)
		order = (int)src_port - (int)dst_port;
	*src_side = order > 0;
	/*
	 * The key is written as whole words: flow_hash() reads it back 8
	 * bytes at a time at once, and a load spanning several narrower
	 * stores cannot be forwarded from them (a stall of a dozen cycles,
	 * each word, on every packet).
	 */
	uint64_t w[8], src[2], dst[2];
	flow_addr_words(src, p->src_addr, addr_len);
	flow_addr_words(dst, p->dst_addr, addr_len);
	const uint64_t *first = *src_side ? dst : src, *second = *src_side ? src : dst;
	w[0] = first[0], w[1] = first[1], w[2] = second[0], w[3] = second[1];
	uint16_t port0 = *src_side ? dst_port : src_port, port1 = *src_side ? src_port : dst_port;
	uint16_t vlan[PACKET_MAX_VLANS] = {0, 0};
	for (unsigned i = 0; i < p->vlan_count && i < PACKET_MAX_VLANS; i++)
		vlan[i] = p->vlan_id[i];
	w[4] = (uint64_t)port0 | (uint64_t)port1 << 16 | (uint64_t)vlan[0] << 32 |
	       (uint64_t)vlan[1] << 48;
	w[5] = (uint64_t)p->l4_proto | (uint64_t)p->ip_version << 8; /* zero[] stays 0 */
	packet_tenant(p, &w[6]);
	memcpy(k, w, sizeof(w));
	return true;
}

static uint64_t flow_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* Seeded, so that nobody outside can aim many keys at one probe window. */
static uint64_t flow_hash(const struct flow_table *t, const struct flow_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = t->hash_seed;
	uint64_t w;

	_Static_assert(sizeof(*k) % 8 == 0, "a key is whole words");
	for (size_t i = 0; i < sizeof(*k); i += 8) {
		memcpy(&w, b + i, 8);
		h = flow_mix(h, w);
	}
	/* murmur3 finaliser: every key bit reaches both the tag and the slot */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* ---- timeouts and TCP state ------------------------------------------- */

static enum flow_timeout_class flow_timeout_class(const struct flow *f)
{
	if (f->key.proto == IPPROTO_UDP)
		return FLOW_TIMEOUT_UDP;
	if (f->key.proto != IPPROTO_TCP)
		return FLOW_TIMEOUT_OTHER;
	switch (f->tcp_state) {
	case FLOW_TCP_ESTABLISHED:
	case FLOW_TCP_CLOSING:
		return FLOW_TIMEOUT_ESTABLISHED;
	case FLOW_TCP_CLOSED:
	case FLOW_TCP_RESET:
		return FLOW_TIMEOUT_CLOSED;
	default:
		return FLOW_TIMEOUT_NEW;
	}
}

uint64_t flow_timeout_ns(const struct flow_table *t, const struct flow *f)
{
	return t->timeout_ns[flow_timeout_class(f)];
}

static bool flow_is_expired(const struct flow_table *t, const struct flow *f, uint64_t now_ns)
{
	return now_ns > f->last_seen_ns && now_ns - f->last_seen_ns >= flow_timeout_ns(t, f);
}

static bool flow_tcp_is_syn(uint8_t tcp_flags)
{
	return (tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_ACK)) == STREAM_TCP_SYN;
}

static bool flow_tcp_is_syn_ack(uint8_t tcp_flags)
{
	return (tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_ACK)) == (STREAM_TCP_SYN | STREAM_TCP_ACK);
}

/*
 * Follow the handshake and teardown from the flags alone: sequence and
 * window are not checked (so neither is a RST's validity). What this
 * decides is the timeout class and the "established" rule condition.
 */
static void flow_tcp_track(struct flow *f, uint8_t tcp_flags, enum flow_direction dir,
			   bool async_oneside, bool midstream)
{
	if (tcp_flags & STREAM_TCP_RST) {
		f->tcp_state = FLOW_TCP_RESET;
		return;
	}
	switch (f->tcp_state) {
	case FLOW_TCP_NONE:
		if (flow_tcp_is_syn(tcp_flags)) {
			f->tcp_state = FLOW_TCP_SYN_SENT;
		} else if (flow_tcp_is_syn_ack(tcp_flags)) {
			f->tcp_state = FLOW_TCP_SYN_RECV;
		} else if (midstream && (tcp_flags & STREAM_TCP_ACK)) {
			/* [dataplane] midstream: an ACKed segment of a connection
			 * vigil picked up past its handshake */
			f->tcp_state = FLOW_TCP_ESTABLISHED;
			f->established = true;
		} else if (f->packets[FLOW_TO_SERVER] && f->packets[FLOW_TO_CLIENT]) {
			/* Picked up mid-stream: both sides talk, so a connection exists. */
			f->tcp_state = FLOW_TCP_ESTABLISHED;
			f->established = true;
		}
		break;
	case FLOW_TCP_SYN_SENT:
		if (flow_tcp_is_syn_ack(tcp_flags) && dir == FLOW_TO_CLIENT) {
			f->tcp_state = FLOW_TCP_SYN_RECV;
		} else if (async_oneside && dir == FLOW_TO_SERVER &&
			   (tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_ACK)) == STREAM_TCP_ACK) {
			/* Asymmetric routing: the SYN-ACK went another way; the
			 * client's ACK completes the handshake. */
			f->tcp_state = FLOW_TCP_ESTABLISHED;
			f->established = true;
			f->handshake_completed_now = true;
		}
		break;
	case FLOW_TCP_SYN_RECV:
		if ((tcp_flags & (STREAM_TCP_SYN | STREAM_TCP_ACK)) == STREAM_TCP_ACK &&
		    dir == FLOW_TO_SERVER) {
			f->tcp_state = FLOW_TCP_ESTABLISHED;
			f->established = true;
			f->handshake_completed_now = true;
		}
		break;
	default:
		break;
	}
	if (tcp_flags & STREAM_TCP_FIN)
		f->fin_seen |= (uint8_t)(1u << dir);
	if (f->fin_seen &&
	    (f->tcp_state == FLOW_TCP_ESTABLISHED || f->tcp_state == FLOW_TCP_CLOSING))
		f->tcp_state = f->fin_seen == 3 ? FLOW_TCP_CLOSED : FLOW_TCP_CLOSING;
}

/* ---- lookup (per packet) ---------------------------------------------- */

/*
 * Target-based reassembly: each direction of a new TCP flow is reassembled
 * as the stack that receives it does, the server's for the data sent to
 * it, the client's for the answers. Two table lookups per new connection,
 * none per packet.
 */
static void flow_set_receivers(const struct flow_table *t, struct flow *f)
{
	for (unsigned dir = FLOW_TO_SERVER; dir <= FLOW_TO_CLIENT; dir++) {
		/* the receiver of FLOW_TO_SERVER data is the server's side */
		unsigned side = dir == FLOW_TO_SERVER ? !f->client_side : f->client_side;
		struct host_os_policy policy =
		    host_os_lookup(t->host_os, f->key.addr[side], f->key.ip_version);

		stream_set_overlap(&f->stream[dir], policy.overlap);
		f->urgent[dir] = (uint8_t)policy.urgent;
	}
}

/*
 * Is a packet from port from to port to, mid-stream, the server's? Yes
 * when from is a well-known port and to is not, or when to is ephemeral
 * and from is not: clients connect from the ephemeral range (32768 and
 * up: Linux's 32768-60999, the IANA range 49152-65535 of Windows and the
 * BSDs), servers listen below it (80, 443, 8080, 9200, ...). But a
 * reserved port (512-1023) toward a port below the ephemeral range tells
 * nothing: ONC RPC clients bind one (bindresvport: an NFS client calls
 * 2049 from 939), as the r-commands do, so the first packet's sender
 * stays the client there, as Suricata takes it.
 */
static bool flow_port_is_server_side(uint16_t from, uint16_t to)
{
	enum { FLOW_PORT_RESERVED = 512, FLOW_PORT_WELL_KNOWN = 1024, FLOW_PORT_EPHEMERAL = 32768 };
	if (from < FLOW_PORT_WELL_KNOWN && to >= FLOW_PORT_WELL_KNOWN &&
	    !(from >= FLOW_PORT_RESERVED && to < FLOW_PORT_EPHEMERAL))
		return true;
	return to >= FLOW_PORT_EPHEMERAL && from < FLOW_PORT_EPHEMERAL;
}

static void flow_create(struct flow_table *t, uint32_t s, uint32_t tag, const struct flow_key *k,
			const struct packet *p, uint8_t src_side, uint64_t now_ns)
{
	struct flow *f = &t->flows[s];

	memset(f, 0, sizeof(*f));
	f->key = *k;
	/* one sequence of the 2^38 maps to id 0 ("no flow"): it is skipped */
	do {
		t->next_sequence = (t->next_sequence + 1) & FLOW_SEQUENCE_MASK;
		f->flow_id = flow_id_of(t->id_key, t->worker_index, t->next_sequence);
	} while (__builtin_expect(f->flow_id == 0, 0));
	f->first_seen_ns = now_ns;
	f->last_seen_ns = now_ns;
	f->client_side = src_side;
	if (p->flags & (PACKET_ICMP | PACKET_ICMPV6)) {
		f->icmp_type = p->icmp_type;
		f->icmp_code = p->icmp_code;
	}
	/* The SYN-ACK's sender is the server, even when the SYN was not seen. */
	if ((p->flags & PACKET_TCP) && flow_tcp_is_syn_ack(p->tcp_flags))
		f->client_side = !src_side;
	/* Picked up mid-stream: the first packet may be the server's answer
	 * (after a balancer's rebalance, the server's retransmission often
	 * comes first), so the server is told by its port. */
	else if (t->midstream && (p->flags & PACKET_TCP) && !(p->tcp_flags & STREAM_TCP_SYN) &&
		 flow_port_is_server_side(p->src_port, p->dst_port))
		f->client_side = !src_side;
	if (k->proto == IPPROTO_TCP)
		flow_set_receivers(t, f);
	t->tags[s] = tag;
	t->counters.created++;
	t->counters.active++;
}

static enum flow_direction flow_account(const struct flow_table *t, struct flow *f,
					const struct packet *p, uint8_t src_side, uint64_t now_ns)
{
	enum flow_direction dir = src_side == f->client_side ? FLOW_TO_SERVER : FLOW_TO_CLIENT;

	f->packets[dir]++;
	f->bytes[dir] += p->len;
	f->handshake_completed_now = false;
	f->discard = NORMALIZE_OK;
	if (now_ns > f->last_seen_ns)
		f->last_seen_ns = now_ns;
	if (f->key.proto == IPPROTO_TCP && (p->flags & PACKET_TCP)) {
		/* A segment its receiver would drop changes nothing here either:
		 * a decoy RST must not close (and so expire) the flow. */
		bool restart_peer = false;
		f->discard = t->no_normalize ? NORMALIZE_OK
					     : (uint8_t)normalize_tcp(f->track, dir, p,
								      &t->normalize, &restart_peer);
		if (restart_peer) {
			/* the server took the client's other SYN: its stream starts there */
			stream_release(&f->stream[!dir], t->streams);
			stream_init(&f->stream[!dir], f->track[!dir].isn, STREAM_TCP_SYN);
		}
		if (f->discard == NORMALIZE_OK) {
			f->tcp_flags[dir] |= p->tcp_flags;
			flow_tcp_track(f, p->tcp_flags, dir, t->async_oneside, t->midstream);
		}
	} else if (f->packets[FLOW_TO_SERVER] && f->packets[FLOW_TO_CLIENT])
		f->established = true;
	return dir;
}

/* A new connection on the tuple of a finished one (port reuse after TIME_WAIT). */
static bool flow_is_reused(const struct flow *f, const struct packet *p)
{
	return (p->flags & PACKET_TCP) && flow_tcp_is_syn(p->tcp_flags) &&
	       (f->tcp_state == FLOW_TCP_CLOSED || f->tcp_state == FLOW_TCP_RESET);
}

static uint32_t flow_window_slot(const struct flow_table *t, uint32_t slot, unsigned i)
{
	return slot + i < t->capacity ? slot + i : slot + i - t->capacity;
}

struct flow_window {
	int64_t match; /* slot of the key, or -1 */
	int64_t free;  /* first free slot, or -1 */
};

/* Whether two keys are equal: eight words, no call (memcmp was 5% of a stateful path). */
static inline bool flow_key_equal(const struct flow_key *a, const struct flow_key *b)
{
	uint64_t wa[8], wb[8];
	_Static_assert(sizeof(wa) == sizeof(*a), "a key is eight words");
	memcpy(wa, a, sizeof(wa));
	memcpy(wb, b, sizeof(wb));
	return ((wa[0] ^ wb[0]) | (wa[1] ^ wb[1]) | (wa[2] ^ wb[2]) | (wa[3] ^ wb[3]) |
		(wa[4] ^ wb[4]) | (wa[5] ^ wb[5]) | (wa[6] ^ wb[6]) | (wa[7] ^ wb[7])) == 0;
}

/* Reads only the window's tags, and a flow's key where its tag matches. */
static struct flow_window flow_probe(const struct flow_table *t, uint32_t slot, uint32_t tag,
				     const struct flow_key *k)
{
	struct flow_window w = {-1, -1};

	for (unsigned i = 0; i < FLOW_PROBE_WINDOW; i++) {
		uint32_t s = flow_window_slot(t, slot, i);

		if (t->tags[s] == tag && flow_key_equal(&t->flows[s].key, k)) {
			w.match = s;
			return w;
		}
		if (t->tags[s] == 0 && w.free < 0)
			w.free = s;
	}
	return w;
}

/* The least recently seen flow of a full window: only when room must be made. */
static uint32_t flow_window_oldest(const struct flow_table *t, uint32_t slot)
{
	uint32_t oldest = slot;

	for (unsigned i = 1; i < FLOW_PROBE_WINDOW; i++) {
		uint32_t s = flow_window_slot(t, slot, i);

		if (t->flows[s].last_seen_ns < t->flows[oldest].last_seen_ns)
			oldest = s;
	}
	return oldest;
}

/*
 * Make room in a full window: the least recently seen flow goes, counted as
 * expired when its timeout has passed and as evicted otherwise. A flow seen
 * within evict_idle stays (it is live traffic), and the packet gets no flow.
 */
static int64_t flow_make_room(struct flow_table *t, uint32_t slot, uint64_t now_ns)
{
	uint32_t oldest = flow_window_oldest(t, slot);
	struct flow *f = &t->flows[oldest];

	enum flow_end why = FLOW_END_TIMEOUT;
	if (flow_is_expired(t, f, now_ns)) {
		t->counters.expired++;
	} else if (now_ns > f->last_seen_ns && now_ns - f->last_seen_ns >= t->evict_idle_ns) {
		t->counters.evicted++;
		why = FLOW_END_EVICTED;
	} else {
		t->counters.table_full++;
		return -1;
	}
	flow_end(t, oldest, why, NULL, NULL);
	return oldest;
}

struct flow *flow_lookup(struct flow_table *t, const struct packet *p, uint64_t now_ns,
			 enum flow_direction *dir)
{
	struct flow_key k;
	uint8_t src_side;
	uint64_t h;
	uint32_t tag, slot;
	struct flow_window w;
	int64_t s;

	if (!flow_key_from_packet(p, &k, &src_side)) {
		t->counters.no_flow++;
		return NULL;
	}
	h = flow_hash(t, &k);
	tag = (uint32_t)(h >> 32) | 1; /* 0 marks a free slot */
	slot = (uint32_t)(((h & 0xffffffffu) * t->capacity) >> 32);
	w = flow_probe(t, slot, tag, &k);

	s = w.match;
	if (s >= 0) {
		struct flow *f = &t->flows[s];

		if (!flow_is_expired(t, f, now_ns) && !flow_is_reused(f, p)) {
			*dir = flow_account(t, f, p, src_side, now_ns);
			return f;
		}
		enum flow_end why = FLOW_END_TIMEOUT;
		if (flow_is_expired(t, f, now_ns)) {
			t->counters.expired++;
		} else {
			t->counters.reused++;
			why = FLOW_END_REUSED;
		}
		flow_end(t, (uint32_t)s, why, NULL, NULL);
	} else if (w.free >= 0) {
		s = w.free;
	} else {
		s = flow_make_room(t, slot, now_ns);
		if (s < 0)
			return NULL;
	}
	flow_create(t, (uint32_t)s, tag, &k, p, src_side, now_ns);
	*dir = flow_account(t, &t->flows[s], p, src_side, now_ns);
	return &t->flows[s];
}

/* ---- expiry (once per loop) ------------------------------------------- */

unsigned flow_expire(struct flow_table *t, uint64_t now_ns, unsigned budget, flow_free_fn on_free,
		     void *arg)
{
	uint64_t scan = (uint64_t)budget * FLOW_EXPIRE_SCAN_FACTOR;
	unsigned expired = 0;

	if (t->counters.active == 0)
		return 0; /* a stateless filter alone makes no flows: nothing to walk */

	if (scan > t->capacity)
		scan = t->capacity;
	while (scan-- > 0 && expired < budget) {
		uint32_t s = t->expire_cursor;

		t->expire_cursor = s + 1 < t->capacity ? s + 1 : 0;
		if (t->tags[s] && flow_is_expired(t, &t->flows[s], now_ns)) {
			flow_end(t, s, FLOW_END_TIMEOUT, on_free, arg);
			expired++;
		}
	}
	t->counters.expired += expired;
	return expired;
}

/* ---- records (control path) -------------------------------------------- */

void flow_table_records(const struct flow_table *t,
			void (*fn)(const struct flow_record *r, void *arg), void *arg,
			uint64_t *lost)
{
	*lost = t->records_lost;
	for (uint32_t i = 0; i < t->records_count; i++)
		fn(&t->records[i], arg);
	for (uint32_t s = 0; s < t->capacity; s++) {
		if (!t->tags[s])
			continue;
		struct flow_record r;
		flow_record_of(&t->flows[s], FLOW_END_LIVE, &r);
		fn(&r, arg);
	}
}
