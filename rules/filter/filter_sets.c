/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IP sets' lookup tables: which of the (at most FILTER_MAX_SETS) sets
 * hold an address. Built once by filter_tables_build() on the control
 * path, never changed after; looked up by workers, one address or a burst.
 *
 * A lookup ORs the answers of the tables of the address's version (each
 * answers with all the sets of the prefixes it holds that contain the
 * address, so their union is the answer):
 * - host entries (/32, /128) in an rte_hash keyed by the address, whose
 *   data is the bitmask of the sets that hold exactly that host. Block
 *   lists are mostly single hosts, and a host in the longest-prefix table
 *   costs a 256-entry tbl8 group of its own (IPv4) or up to thirteen
 *   (IPv6): DIR-24-8 with 2-byte next hops has at most 32,767 groups, so
 *   a million hosts could not be held there at all, and with 4-byte next
 *   hops they would need 1 GB. In the hash a host costs 38 bytes (IPv4)
 *   or 54 (IPv6): 1,000,000 load in about a second into 36 and 52 MB.
 *   Other lengths past /24 with many prefixes (IPv6 /64 and /48
 *   allocations) get a hash of their own the same way, keyed by the
 *   address cut to the length: up to FILTER_SETS_EXACT_MAX lengths in all
 *   per version, each one more hash lookup per address. Hash tables are
 *   taken only when the prefix table cannot hold those prefixes (hosts
 *   first, then the most numerous length, until it can): each one costs
 *   every lookup a probe, which doubled the filter's per-packet cost in
 *   bench_forward when 30,000 /25../32 prefixes went to four hashes.
 * - IPv4 prefixes /1../24 expanded into a flat table of 2^24 entries (32
 *   MB), one per /24, the first level of DIR-24-8 without the rest: the
 *   rte_rib tree rte_fib keeps beside its table took 420 MB for 1,000,000
 *   /24 prefixes (a mempool of two nodes a route), more than the lab
 *   board's memory; the flat table has no per-prefix cost at all
 *   (1,000,000 /24 in 0.7 s).
 * - the other prefixes in rte_fib (DIR-24-8) or rte_fib6 (a trie), not
 *   rte_lpm/rte_lpm6: rte_lpm keeps its rules in arrays searched linearly
 *   per prefix length, so adding 1,000,000 prefixes took 71 s here;
 *   rte_fib keeps them in a tree (rte_rib). Their tbl8 groups are
 *   counted before the table is made: more than 32,767 is refused with
 *   that reason, never reported as memory.
 *
 * Next hops are 2 bytes (the tbl24 alone is 32 MB; 4-byte next hops
 * would double it, for each IP version and for each of the two tables
 * alive during a reload). DIR-24-8 and the trie keep one bit of the next
 * hop for themselves, so 15 bits are left, one short of 16 sets: the next
 * hop is an index into set_classes, the distinct combinations of sets
 * the prefixes carry (a handful in practice, at most 32,767).
 *
 * Overlapping prefixes across sets: LPM answers with the longest prefix
 * only, so each prefix's combination also carries the sets of every
 * shorter prefix that covers it. Prefixes are added shortest first, and
 * each looks up its cover in the table built so far (in the flat table:
 * the first entry of its range). Hash entries need no such care: the
 * lookup ORs every table's answer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rib.h>
#include <rte_rib6.h>

#include "rules/filter/filter_tables.h"

_Static_assert(FILTER_SETS_BULK_MAX <= RTE_HASH_LOOKUP_BULK_MAX, "one rte_hash bulk lookup");

/* What 2-byte next hops can hold (DIR-24-8 and the trie keep bit 0). */
#define FILTER_SETS_MAX_NEXT_HOP 0x7fffu
/* A length past /24 other than hosts goes to a hash from this many prefixes on. */
#define FILTER_SETS_EXACT_MIN 1024

/* A prefix of one set, for sorting shortest first. */
struct filter_set_entry {
	struct filter_prefix prefix;
	uint32_t mask;
};

static int filter_entry_compare(const void *a, const void *b)
{
	const struct filter_set_entry *x = a, *y = b;
	if (x->prefix.len != y->prefix.len)
		return x->prefix.len < y->prefix.len ? -1 : 1;
	return memcmp(x->prefix.addr, y->prefix.addr, 16);
}

static int filter_entry_compare_addr(const void *a, const void *b)
{
	return memcmp(((const struct filter_set_entry *)a)->prefix.addr,
		      ((const struct filter_set_entry *)b)->prefix.addr, 16);
}

/* The exact-match table holding p's length, or NULL. */
static const struct filter_set_exact *filter_exact_of(const struct filter_tables *t,
						      const struct filter_prefix *p)
{
	unsigned v = p->version == 6;
	for (unsigned i = 0; i < t->exact_count[v]; i++)
		if (t->exact[v][i].len == p->len)
			return &t->exact[v][i];
	return NULL;
}

static size_t filter_fib_groups(const struct filter_tables *t, const struct filter_set_entry *e,
				size_t n, int version);

/*
 * Choose the exact-match lengths, only as many as the prefix table needs:
 * each costs every lookup one more hash probe, so while the prefixes past
 * /24 fit the table's tbl8 blocks none is taken; otherwise hosts first,
 * then the most numerous lengths past /24, until they fit (or none is
 * left: the build then says so). e[0..n) is sorted by address.
 */
static void filter_exact_choose(struct filter_tables *t, int version, const size_t *lens,
				const struct filter_set_entry *e, size_t n)
{
	unsigned v = version == 6, host = version == 4 ? 32 : 128;
	bool taken[129] = {false};
	while (t->exact_count[v] < FILTER_SETS_EXACT_MAX &&
	       filter_fib_groups(t, e, n, version) > FILTER_SETS_MAX_NEXT_HOP) {
		unsigned best = 0;
		if (lens[host] && !taken[host])
			best = host;
		for (unsigned len = 25; len < host && best != host; len++)
			if (!taken[len] && lens[len] >= FILTER_SETS_EXACT_MIN &&
			    (!best || lens[len] > lens[best]))
				best = len;
		if (!best)
			return;
		taken[best] = true;
		t->exact[v][t->exact_count[v]++].len = (uint8_t)best;
	}
}

/* IPv4 /1../24: the flat table. */
static bool filter_is_flat(const struct filter_prefix *p)
{
	return p->version == 4 && p->len > 0 && p->len <= 24;
}

static uint32_t filter_addr4(const struct filter_prefix *p)
{
	uint32_t addr;
	memcpy(&addr, p->addr, 4);
	return rte_be_to_cpu_32(addr);
}

/* Every prefix of one version, shortest first; lens[l] counts those of length l. */
static struct filter_set_entry *filter_set_entries(const struct filter_spec *spec, int version,
						   size_t *count, size_t *lens)
{
	size_t n = 0;
	for (unsigned s = 0; s < spec->set_count; s++)
		n += version == 4 ? spec->sets[s].v4_count : spec->sets[s].v6_count;
	*count = n;
	memset(lens, 0, 129 * sizeof(*lens));
	struct filter_set_entry *e = malloc((n ? n : 1) * sizeof(*e));
	if (!e)
		return NULL;
	size_t k = 0;
	for (unsigned s = 0; s < spec->set_count; s++)
		for (size_t i = 0; i < spec->sets[s].count; i++) {
			const struct filter_prefix *p = &spec->sets[s].prefixes[i];
			if (p->version != version)
				continue;
			e[k++] = (struct filter_set_entry){*p, 1u << s};
			lens[p->len]++;
		}
	qsort(e, n, sizeof(*e), filter_entry_compare);
	return e;
}

/*
 * The tbl8 groups the prefixes longer than /24 (exact lengths aside) need: one per
 * distinct first k bytes at each depth k = 3 .. len/8 they reach below the
 * tbl24. e[0..n) is sorted by address here, so prefixes sharing their first
 * k bytes are neighbours among those that reach depth k.
 */
static size_t filter_fib_groups(const struct filter_tables *t, const struct filter_set_entry *e,
				size_t n, int version)
{
	size_t groups = 0;
	unsigned depths = version == 4 ? 4 : 16;
	for (unsigned k = 3; k < depths; k++) {
		const uint8_t *last = NULL;
		for (size_t i = 0; i < n; i++) {
			if (e[i].prefix.len <= 8 * k || filter_exact_of(t, &e[i].prefix))
				continue;
			if (!last || memcmp(last, e[i].prefix.addr, k) != 0)
				groups++;
			last = e[i].prefix.addr;
		}
	}
	return groups;
}

/* The class (next hop) of mask, added if new; 0 with err when the next hops are full. */
static uint32_t filter_class_of(struct filter_tables *t, uint16_t *class_index, uint32_t mask,
				char *err, size_t err_len)
{
	if (mask == 0)
		return 0;
	if (class_index[mask])
		return class_index[mask];
	if (t->set_class_count > FILTER_SETS_MAX_NEXT_HOP) {
		snprintf(err, err_len,
			 "the IP sets overlap in more than %u distinct combinations of "
			 "sets (the prefix table's 2-byte next hops)",
			 FILTER_SETS_MAX_NEXT_HOP);
		return 0;
	}
	t->set_classes[t->set_class_count] = (uint16_t)mask;
	class_index[mask] = (uint16_t)t->set_class_count;
	return t->set_class_count++;
}

static int filter_fib_create(struct filter_tables *t, int version, size_t n, size_t groups,
			     char *err, size_t err_len)
{
	char name[32]; /* RTE_FIB_MAXNAMELEN, not exported */
	snprintf(name, sizeof(name), "fsets%d_%u", version, t->generation);
	/* A little room over the count: the cheapest prefixes may still share groups. */
	uint32_t tbl8 = (uint32_t)(groups + 64 > FILTER_SETS_MAX_NEXT_HOP ? FILTER_SETS_MAX_NEXT_HOP
									  : groups + 64);
	rte_errno = 0;
	if (version == 4) {
		struct rte_fib_conf c = {
		    .type = RTE_FIB_DIR24_8,
		    .max_routes = (int)n,
		    .dir24_8 = {.nh_sz = RTE_FIB_DIR24_8_2B, .num_tbl8 = tbl8}};
		t->sets4 = rte_fib_create(name, SOCKET_ID_ANY, &c);
	} else {
		struct rte_fib6_conf c = {.type = RTE_FIB6_TRIE,
					  .max_routes = (int)n,
					  .trie = {.nh_sz = RTE_FIB6_TRIE_2B, .num_tbl8 = tbl8}};
		t->sets6 = rte_fib6_create(name, SOCKET_ID_ANY, &c);
	}
	if (version == 4 ? t->sets4 != NULL : t->sets6 != NULL)
		return 0;
	int rc = rte_errno ? -rte_errno : -ENOMEM;
	/* The table (32 MB tbl24, 512 bytes a group) and about 64 bytes a rib node. */
	size_t mb = ((32u << 20) + (size_t)tbl8 * 512 + n * 64) >> 20;
	snprintf(err, err_len,
		 "cannot create the IPv%d prefix table (%zu prefixes, %u tbl8 "
		 "groups, about %zu MB): %s%s",
		 version, n, tbl8, mb, strerror(-rc),
		 rc == -ENOMEM ? " (raise [eal] memory_mb)" : "");
	return rc;
}

static int filter_exact_create(struct filter_tables *t, int version, struct filter_set_exact *x,
			       size_t n, char *err, size_t err_len)
{
	char name[RTE_HASH_NAMESIZE];
	snprintf(name, sizeof(name), "fexact%d_%u_%u", version, x->len, t->generation);
	/* The extendable bucket table: an insert never fails for want of a cuckoo path. */
	struct rte_hash_parameters p = {.name = name,
					.entries = (uint32_t)(n < 64 ? 64 : n),
					.key_len = version == 4 ? 4 : 16,
					.hash_func = rte_hash_crc,
					.socket_id = SOCKET_ID_ANY,
					.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE};
	rte_errno = 0;
	x->hash = rte_hash_create(&p);
	if (x->hash)
		return 0;
	int rc = rte_errno ? -rte_errno : -ENOMEM;
	snprintf(err, err_len,
		 "cannot create the hash table of the IPv%d /%u prefixes (%zu, about %zu MB): %s%s",
		 version, x->len, n, (n * (version == 4 ? 40 : 56)) >> 20, strerror(-rc),
		 rc == -ENOMEM ? " (raise [eal] memory_mb)" : "");
	return rc;
}

static void filter_addr_cut(const uint8_t *addr, unsigned len, unsigned key_len, uint8_t *key);

/* Add p (cut to its length, as lookups cut addresses) with mask and the sets it already has. */
static int filter_exact_add(const struct filter_set_exact *x, const struct filter_prefix *p,
			    uint32_t mask)
{
	uint8_t key[16];
	void *data;
	filter_addr_cut(p->addr, p->len, p->version == 4 ? 4 : 16, key);
	if (rte_hash_lookup_data(x->hash, key, &data) >= 0)
		mask |= (uint32_t)(uintptr_t)data;
	return rte_hash_add_key_data(x->hash, key, (void *)(uintptr_t)mask);
}

/*
 * Write p's class into its range of the flat table. Shortest first, so the
 * range is uniform before: its first entry is the class of p's cover (or
 * of p itself, from another set), whose sets p's class carries too.
 */
static int filter_flat_add(struct filter_tables *t, uint16_t *class_index,
			   const struct filter_prefix *p, uint32_t mask, char *err, size_t err_len)
{
	uint32_t count = 1u << (24 - p->len), start = (filter_addr4(p) >> 8) & ~(count - 1);
	uint32_t nh =
	    filter_class_of(t, class_index, mask | t->set_classes[t->flat4[start]], err, err_len);
	if (nh == 0)
		return -ENOSPC;
	for (uint32_t i = 0; i < count; i++)
		t->flat4[start + i] = (uint16_t)nh;
	return 0;
}

/* Add p with mask, plus the sets of its cover and of the same prefix from another set. */
static int filter_fib_add(struct filter_tables *t, uint16_t *class_index,
			  const struct filter_prefix *p, uint32_t mask, char *err, size_t err_len)
{
	uint64_t cover = 0, same = 0;
	if (p->version == 4) {
		uint32_t addr = filter_addr4(p);
		rte_fib_lookup_bulk(t->sets4, &addr, &cover, 1);
		struct rte_rib_node *node =
		    rte_rib_lookup_exact(rte_fib_get_rib(t->sets4), addr, p->len);
		if (node)
			rte_rib_get_nh(node, &same);
	} else {
		uint8_t addr[1][16];
		memcpy(addr[0], p->addr, 16);
		rte_fib6_lookup_bulk(t->sets6, addr, &cover, 1);
		struct rte_rib6_node *node =
		    rte_rib6_lookup_exact(rte_fib6_get_rib(t->sets6), p->addr, p->len);
		if (node)
			rte_rib6_get_nh(node, &same);
	}
	mask |= t->set_classes[cover] | t->set_classes[same];
	uint32_t nh = filter_class_of(t, class_index, mask, err, err_len);
	if (nh == 0)
		return -ENOSPC;
	if (p->version == 6)
		return rte_fib6_add(t->sets6, p->addr, p->len, nh);
	return rte_fib_add(t->sets4, filter_addr4(p), p->len, nh);
}

/* Create the tables of one version for its n prefixes (lens: per length); e sorted by address. */
static int filter_sets_create(struct filter_tables *t, int version, struct filter_set_entry *e,
			      size_t n, const size_t *lens, char *err, size_t err_len)
{
	unsigned v = version == 6;
	size_t prefixes = 0, flat = 0;
	for (size_t i = 0; i < n; i++) {
		bool is_flat = filter_is_flat(&e[i].prefix);
		flat += is_flat;
		prefixes += e[i].prefix.len && !is_flat && !filter_exact_of(t, &e[i].prefix);
	}
	if (flat) {
		t->flat4 = rte_zmalloc_socket("fsets4_flat", sizeof(*t->flat4) << 24,
					      RTE_CACHE_LINE_SIZE, SOCKET_ID_ANY);
		if (!t->flat4) {
			snprintf(err, err_len,
				 "out of memory for the IPv4 prefix table (32 MB for "
				 "%zu prefixes up to /24; raise [eal] memory_mb)",
				 flat);
			return -ENOMEM;
		}
	}
	if (prefixes) {
		size_t groups = filter_fib_groups(t, e, n, version);
		if (groups > FILTER_SETS_MAX_NEXT_HOP) {
			snprintf(err, err_len,
				 "the IPv%d sets' prefixes longer than /24 fall in %zu distinct "
				 "blocks of the prefix table, more than its %u (hash tables hold "
				 "up to %u lengths apart: the hosts, and lengths of at least %u "
				 "prefixes); merge such ranges or list them at fewer lengths",
				 version, groups, FILTER_SETS_MAX_NEXT_HOP, FILTER_SETS_EXACT_MAX,
				 FILTER_SETS_EXACT_MIN);
			return -ENOSPC;
		}
		int rc = filter_fib_create(t, version, prefixes, groups, err, err_len);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < t->exact_count[v]; i++) {
		struct filter_set_exact *x = &t->exact[v][i];
		int rc = filter_exact_create(t, version, x, lens[x->len], err, err_len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The tables of one IP version; shortest prefixes first (see the top of the file). */
static int filter_sets_build_version(struct filter_tables *t, uint16_t *class_index, int version,
				     char *err, size_t err_len)
{
	size_t n, lens[129];
	struct filter_set_entry *e = filter_set_entries(&t->spec, version, &n, lens);
	if (!e) {
		snprintf(err, err_len, "out of memory sorting the IPv%d sets", version);
		return -ENOMEM;
	}
	qsort(e, n, sizeof(*e), filter_entry_compare_addr);
	filter_exact_choose(t, version, lens, e, n);
	int rc = filter_sets_create(t, version, e, n, lens, err, err_len);
	qsort(e, n, sizeof(*e), filter_entry_compare);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct filter_prefix *p = &e[i].prefix;
		const struct filter_set_exact *x = filter_exact_of(t, p);
		if (p->len == 0) {
			*(version == 4 ? &t->all4 : &t->all6) |= e[i].mask;
		} else if (x) {
			rc = filter_exact_add(x, p, e[i].mask);
			if (rc < 0)
				snprintf(err, err_len,
					 "cannot add an IPv%d /%u prefix to its hash table "
					 "(%zu of that length): %s",
					 version, p->len, lens[p->len], strerror(-rc));
		} else if (filter_is_flat(p)) {
			rc = filter_flat_add(t, class_index, p, e[i].mask, err, err_len);
		} else {
			rc = filter_fib_add(t, class_index, p, e[i].mask, err, err_len);
			if (rc < 0 && rc != -ENOSPC)
				snprintf(
				    err, err_len,
				    "cannot add IPv%d prefix %zu of %zu to the prefix table: %s",
				    version, i + 1, n, strerror(-rc));
		}
	}
	free(e);
	return rc;
}

int filter_sets_build(struct filter_tables *t, char *err, size_t err_len)
{
	t->set_classes = calloc(FILTER_SETS_MAX_NEXT_HOP + 1, sizeof(*t->set_classes));
	uint16_t *class_index = calloc(1u << FILTER_MAX_SETS, sizeof(*class_index));
	int rc = -ENOMEM;
	if (!t->set_classes || !class_index)
		snprintf(err, err_len, "out of memory for the IP set classes");
	else
		t->set_class_count = 1; /* class 0: no set, the tables' default next hop */
	if (t->set_class_count)
		rc = filter_sets_build_version(t, class_index, 4, err, err_len);
	if (rc == 0)
		rc = filter_sets_build_version(t, class_index, 6, err, err_len);
	free(class_index);
	return rc;
}

void filter_sets_free(struct filter_tables *t)
{
	rte_free(t->flat4);
	rte_fib_free(t->sets4);
	rte_fib6_free(t->sets6);
	for (unsigned v = 0; v < 2; v++)
		for (unsigned i = 0; i < t->exact_count[v]; i++)
			rte_hash_free(t->exact[v][i].hash);
	free(t->set_classes);
}

/* addr (key_len bytes) cut to len bits into key. */
static void filter_addr_cut(const uint8_t *addr, unsigned len, unsigned key_len, uint8_t *key)
{
	memcpy(key, addr, key_len);
	for (unsigned i = len / 8; i < key_len; i++)
		key[i] = i == len / 8 ? key[i] & (uint8_t)(0xff00u >> (len % 8)) : 0;
}

/* The sets of the exact-match tables of one version holding addr. */
static uint32_t filter_exact_lookup(const struct filter_tables *t, const uint8_t *addr, int version)
{
	unsigned v = version == 6, key_len = version == 4 ? 4 : 16;
	uint32_t mask = 0;
	for (unsigned i = 0; i < t->exact_count[v]; i++) {
		uint8_t key[16];
		void *data;
		filter_addr_cut(addr, t->exact[v][i].len, key_len, key);
		if (rte_hash_lookup_data(t->exact[v][i].hash, key, &data) >= 0)
			mask |= (uint32_t)(uintptr_t)data;
	}
	return mask;
}

uint32_t filter_sets_lookup(const struct filter_tables *t, const uint8_t *addr, int version)
{
	uint64_t nh = 0;
	uint32_t mask = filter_exact_lookup(t, addr, version);
	if (version == 4) {
		uint32_t a;
		memcpy(&a, addr, 4);
		a = rte_be_to_cpu_32(a);
		if (t->flat4)
			mask |= t->set_classes[t->flat4[a >> 8]];
		if (t->sets4) {
			rte_fib_lookup_bulk(t->sets4, &a, &nh, 1);
			mask |= t->set_classes[nh];
		}
		return mask | t->all4;
	}
	if (t->sets6) {
		uint8_t a[1][16];
		memcpy(a[0], addr, 16);
		rte_fib6_lookup_bulk(t->sets6, a, &nh, 1);
		mask |= t->set_classes[nh];
	}
	return mask | t->all6;
}

/* OR into masks the sets of the exact-match tables holding each of the n addresses. */
static void filter_exact_lookup_bulk(const struct filter_tables *t, const uint8_t *const *addrs,
				     unsigned n, int version, uint32_t *masks)
{
	unsigned v = version == 6, key_len = version == 4 ? 4 : 16;
	uint8_t keys[FILTER_SETS_BULK_MAX][16];
	const void *ptrs[FILTER_SETS_BULK_MAX];
	void *data[FILTER_SETS_BULK_MAX];
	for (unsigned x = 0; x < t->exact_count[v]; x++) {
		uint64_t hits = 0;
		for (unsigned i = 0; i < n; i++) {
			filter_addr_cut(addrs[i], t->exact[v][x].len, key_len, keys[i]);
			ptrs[i] = keys[i];
		}
		rte_hash_lookup_bulk_data(t->exact[v][x].hash, ptrs, n, &hits, data);
		for (unsigned i = 0; i < n; i++)
			if (hits & (1ull << i))
				masks[i] |= (uint32_t)(uintptr_t)data[i];
	}
}

void filter_sets_lookup_bulk(const struct filter_tables *t, const uint8_t *const addrs[],
			     uint32_t *masks, unsigned n, int version)
{
	uint64_t nh[FILTER_SETS_BULK_MAX];
	uint32_t a4[FILTER_SETS_BULK_MAX];
	bool fib = version == 4 ? t->sets4 != NULL : t->sets6 != NULL;
	uint32_t all = version == 4 ? t->all4 : t->all6;
	if (n > FILTER_SETS_BULK_MAX)
		n = FILTER_SETS_BULK_MAX;
	if (n == 0)
		return;
	if (version == 4) {
		for (unsigned i = 0; i < n; i++) {
			memcpy(&a4[i], addrs[i], 4);
			a4[i] = rte_be_to_cpu_32(a4[i]);
		}
		if (fib)
			rte_fib_lookup_bulk(t->sets4, a4, nh, n);
	} else if (fib) {
		uint8_t a[FILTER_SETS_BULK_MAX][16];
		for (unsigned i = 0; i < n; i++)
			memcpy(a[i], addrs[i], 16);
		rte_fib6_lookup_bulk(t->sets6, a, nh, n);
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t mask = all | (fib ? t->set_classes[nh[i]] : 0);
		if (version == 4 && t->flat4)
			mask |= t->set_classes[t->flat4[a4[i] >> 8]];
		masks[i] = mask;
	}
	filter_exact_lookup_bulk(t, addrs, n, version, masks);
}

/* FNV-1a, 64 bits: set names are short and few, any spread will do. */
uint64_t filter_ipset_key(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 0x100000001b3ull;
	return h;
}
