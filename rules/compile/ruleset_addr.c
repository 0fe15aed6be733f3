/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The address index of a ruleset group: rules without a fast pattern whose
 * header names explicit addresses (ET Open's tor, ciarmy, drop, dshield,
 * compromised and botcc lists: well over a thousand rules, each with a
 * long address list) are found by looking the packet's addresses up in a
 * prefix table, not by checking every such rule on every packet. One hash
 * table keyed by (family, prefix length, masked address); a lookup tries
 * each prefix length that occurs (a handful), so it costs a few hash
 * probes whatever the number of rules. It only narrows the candidates: the
 * full header check still runs on each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/compile/ruleset_internal.h"
#include "platform/array.h"

struct addr_key {
	uint8_t family;
	uint8_t prefix_len;
	uint8_t addr[16];
};

struct addr_pair {
	struct addr_key key;
	uint32_t rule;
};

static void addr_mask(uint8_t *out, const uint8_t *addr, unsigned bits)
{
	memset(out, 0, 16);
	unsigned full = bits / 8, rest = bits % 8;
	memcpy(out, addr, full);
	if (rest)
		out[full] = addr[full] & (uint8_t)(0xff << (8 - rest));
}

/* Two 64-bit multiply-xorshift rounds over the address words: a few cycles per probe. */
static uint32_t addr_hash(const struct addr_key *k)
{
	uint64_t a, b;
	memcpy(&a, k->addr, 8);
	memcpy(&b, k->addr + 8, 8);
	uint64_t h = (a ^ ((uint64_t)k->prefix_len << 56 | (uint64_t)k->family << 48)) *
		     0x9e3779b97f4a7c15ull;
	h = (h ^ (h >> 29) ^ b) * 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * True when set can be indexed: explicit prefixes, none of them /0, and no
 * named IP set beside them (its prefixes are not in the rule to index).
 */
bool addr_index_usable(const struct rule_addr_set *set)
{
	if (set->include_any || set->include_count == 0 || set->include_group_count)
		return false;
	for (unsigned i = 0; i < set->include_count; i++)
		if (set->include[i].prefix_len == 0)
			return false;
	return true;
}

int addr_index_add(struct addr_index_builder *b, const struct rule_addr_set *set, uint32_t rule)
{
	for (unsigned i = 0; i < set->include_count; i++) {
		const struct rule_cidr *c = &set->include[i];
		if (ARRAY_GROW(b->pairs, b->count, b->cap, 256) < 0)
			return -ENOMEM;
		struct addr_pair *p = &b->pairs[b->count++];
		memset(p, 0, sizeof(*p));
		p->key.family = c->family;
		p->key.prefix_len = c->prefix_len;
		addr_mask(p->key.addr, c->addr, c->prefix_len);
		p->rule = rule;
	}
	return 0;
}

static int addr_pair_order(const void *a, const void *b)
{
	const struct addr_pair *x = a, *y = b;
	int c = memcmp(&x->key, &y->key, sizeof(x->key));
	return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

static int addr_index_insert(struct addr_index *ix, const struct addr_key *key, uint32_t first,
			     uint32_t count)
{
	for (uint32_t h = addr_hash(key), i = 0; i <= ix->mask; i++) {
		struct addr_index_slot *s = &ix->slots[(h + i) & ix->mask];
		if (s->count == 0) {
			memcpy(s->key, key, sizeof(s->key));
			s->first = first;
			s->count = count;
			return 0;
		}
	}
	return -ENOSPC;
}

int addr_index_finish(struct addr_index_builder *b, struct addr_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	if (b->count == 0)
		return 0;
	qsort(b->pairs, b->count, sizeof(*b->pairs), addr_pair_order);
	unsigned keys = 1;
	for (unsigned i = 1; i < b->count; i++)
		keys +=
		    memcmp(&b->pairs[i].key, &b->pairs[i - 1].key, sizeof(struct addr_key)) != 0;
	uint32_t size = 16;
	while (size < 2 * keys)
		size <<= 1;
	ix->slots = calloc(size, sizeof(*ix->slots));
	ix->rules = calloc(b->count, sizeof(*ix->rules));
	if (!ix->slots || !ix->rules)
		return -ENOMEM;
	ix->mask = size - 1;
	unsigned n = 0, start = 0;
	for (unsigned i = 0; i <= b->count; i++) {
		if (i < b->count && i > start &&
		    memcmp(&b->pairs[i].key, &b->pairs[start].key, sizeof(struct addr_key)) == 0)
			continue;
		if (i > start) {
			const struct addr_key *k = &b->pairs[start].key;
			uint32_t first = n;
			for (unsigned j = start; j < i; j++)
				if (n == first || ix->rules[n - 1] != b->pairs[j].rule)
					ix->rules[n++] = b->pairs[j].rule;
			if (addr_index_insert(ix, k, first, n - first) < 0)
				return -ENOSPC;
			ix->lengths[k->family == 6][k->prefix_len / 64] |= 1ull
									   << (k->prefix_len % 64);
		}
		start = i;
	}
	return 0;
}

void addr_index_builder_free(struct addr_index_builder *b)
{
	free(b->pairs);
	memset(b, 0, sizeof(*b));
}

void addr_index_free(struct addr_index *ix)
{
	free(ix->slots);
	free(ix->rules);
	memset(ix, 0, sizeof(*ix));
}

void addr_index_lookup(const struct addr_index *ix, const uint8_t *addr, int family,
		       void (*add)(void *arg, uint32_t rule), void *arg)
{
	if (!ix->slots)
		return;
	const uint64_t *lengths = ix->lengths[family == 6];
	unsigned max = family == 6 ? 128 : 32;
	struct addr_key key;
	memset(&key, 0, sizeof(key));
	key.family = (uint8_t)family;
	for (unsigned len = 1; len <= max; len++) {
		if (!(lengths[len / 64] & (1ull << (len % 64))))
			continue;
		key.prefix_len = (uint8_t)len;
		addr_mask(key.addr, addr, len);
		for (uint32_t h = addr_hash(&key), i = 0; i <= ix->mask; i++) {
			const struct addr_index_slot *s = &ix->slots[(h + i) & ix->mask];
			if (s->count == 0)
				break;
			if (memcmp(s->key, &key, sizeof(s->key)) != 0)
				continue;
			for (uint32_t r = 0; r < s->count; r++)
				add(arg, ix->rules[s->first + r]);
			break;
		}
	}
}
