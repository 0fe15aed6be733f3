/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-packet half of the compiled ruleset (see rules/ruleset.h): a
 * worker's Hyperscan scratch, the block and streaming scans of a buffer's
 * databases (the buffer transformed first for a transformed group), the
 * address index, and the candidate list they fill. Building the databases
 * is rules/compile/ruleset.c. On a worker lcore with its own scratch:
 * nothing here allocates after ruleset_scratch_create(), locks or logs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "rules/compile/ruleset_internal.h"
#include "rules/match/match.h"
#include "rules/ruleset.h"

/* Grow the Hyperscan scratch to fit g's databases. */
static int scratch_fit(struct ruleset_scratch *s, const struct ruleset_group *g)
{
	if (g->db && hs_alloc_scratch(g->db, &s->hs) != HS_SUCCESS)
		return -ENOMEM;
	if (g->stream_db && hs_alloc_scratch(g->stream_db, &s->hs) != HS_SUCCESS)
		return -ENOMEM;
	return 0;
}

int ruleset_scratch_create(const struct ruleset *rs, struct ruleset_scratch **out)
{
	struct ruleset_scratch *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mark = calloc(rs->rule_count + 1, 1);
	s->candidates = calloc(rs->rule_count + 1, sizeof(uint32_t));
	if (!s->mark || !s->candidates)
		goto fail;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			if (scratch_fit(s, &rs->group[b][d]) < 0)
				goto fail;
	for (unsigned i = 0; i < rs->chain_count; i++)
		for (int d = 0; d < RULESET_DIRECTIONS; d++)
			if (scratch_fit(s, &rs->chains[i].group[d]) < 0)
				goto fail;
	*out = s;
	return 0;
fail:
	ruleset_scratch_free(s);
	return -ENOMEM;
}

void ruleset_scratch_free(struct ruleset_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	free(s->mark);
	free(s->candidates);
	free(s);
}

static inline void scratch_add(struct ruleset_scratch *s, uint32_t rule)
{
	if (s->mark[rule])
		return;
	s->mark[rule] = 1;
	s->candidates[s->count++] = rule;
}

static int on_pattern(unsigned int id, unsigned long long from, unsigned long long to,
		      unsigned int flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct ruleset_scratch *s = ctx;
	const struct ruleset_group *g = s->group;
	if (to <= s->new_from)
		return 0;
	for (uint32_t i = g->pattern_first[id]; i < g->pattern_first[id + 1]; i++)
		scratch_add(s, g->pattern_rules[i]);
	return 0;
}

/*
 * The transformed views of buffer: each chain on it transforms the bytes
 * once and scans them with its database; within a unit the copy is kept
 * for the candidate rules on the same chain (rule_transform_cache_begin()). A buffer a chain cannot transform
 * (too large, a transform vigil does not run) names none of its rules,
 * which could not match it either. Chains are never on pkt_data, so
 * new_from does not apply.
 */
static void ruleset_scan_chains(const struct ruleset *rs, struct ruleset_scratch *s, int buffer,
				enum ruleset_direction direction, const uint8_t *data, uint32_t len)
{
	for (unsigned i = 0; i < rs->chain_count; i++) {
		const struct ruleset_chain *c = &rs->chains[i];
		const uint8_t *view;
		uint32_t n;
		if (c->buffer != (unsigned)buffer || !c->group[direction].db ||
		    !rule_transform_view(c->rule, c->buffer, data, len, &view, &n) || n == 0)
			continue;
		s->group = &c->group[direction];
		s->new_from = 0;
		hs_scan(s->group->db, (const char *)view, n, 0, s->hs, on_pattern, s);
	}
}

void ruleset_scan(const struct ruleset *rs, struct ruleset_scratch *s, int buffer,
		  enum ruleset_direction direction, const uint8_t *data, uint32_t len,
		  uint32_t new_from)
{
	const struct ruleset_group *g = &rs->group[buffer][direction];
	if (g->db && len) {
		s->group = g;
		s->new_from = new_from;
		hs_scan(g->db, (const char *)data, len, 0, s->hs, on_pattern, s);
	}
	for (unsigned i = 0; i < g->always_count; i++)
		scratch_add(s, g->always[i]);
	if (len)
		ruleset_scan_chains(rs, s, buffer, direction, data, len);
}

static void scratch_add_cb(void *arg, uint32_t rule)
{
	scratch_add(arg, rule);
}

void ruleset_scan_addresses(const struct ruleset *rs, struct ruleset_scratch *s, int buffer,
			    enum ruleset_direction direction, const uint8_t *src,
			    const uint8_t *dst, int family)
{
	const struct addr_index *ix = &rs->group[buffer][direction].by_address;
	addr_index_lookup(ix, src, family, scratch_add_cb, s);
	addr_index_lookup(ix, dst, family, scratch_add_cb, s);
}

int ruleset_stream_open(const struct ruleset *rs, enum ruleset_direction direction,
			struct hs_stream **out)
{
	*out = NULL;
	const hs_database_t *db = rs->group[RULE_BUFFER_PKT_DATA][direction].stream_db;
	if (!db)
		return 0;
	return hs_open_stream(db, 0, out) == HS_SUCCESS ? 0 : -ENOMEM;
}

void ruleset_stream_reset(struct hs_stream *stream, struct ruleset_scratch *s)
{
	if (stream)
		hs_reset_stream(stream, 0, s->hs, NULL, NULL);
}

void ruleset_stream_close(struct hs_stream *stream, struct ruleset_scratch *s)
{
	if (stream)
		hs_close_stream(stream, s ? s->hs : NULL, NULL, NULL);
}

static int on_stream_pattern(unsigned int id, unsigned long long from, unsigned long long to,
			     unsigned int flags, void *ctx)
{
	(void)from;
	(void)to;
	(void)flags;
	struct ruleset_scratch *s = ctx;
	const struct ruleset_group *g = s->group;
	for (uint32_t i = g->pattern_first[id]; i < g->pattern_first[id + 1]; i++)
		scratch_add(s, g->pattern_rules[i]);
	return 0;
}

void ruleset_scan_stream(const struct ruleset *rs, struct ruleset_scratch *s,
			 enum ruleset_direction direction, struct hs_stream *stream,
			 const uint8_t *data, uint32_t len)
{
	const struct ruleset_group *g = &rs->group[RULE_BUFFER_PKT_DATA][direction];
	if (stream && len) {
		s->group = g;
		hs_scan_stream(stream, (const char *)data, len, 0, s->hs, on_stream_pattern, s);
	}
	for (unsigned i = 0; i < g->always_count; i++)
		scratch_add(s, g->always[i]);
}

void ruleset_add_candidates(struct ruleset_scratch *s, const uint32_t *rules, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		scratch_add(s, rules[i]);
}

static int u32_order(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

unsigned ruleset_candidates_take(struct ruleset_scratch *s, const uint32_t **rules)
{
	unsigned n = s->count;
	uint32_t *c = s->candidates;
	if (n > 64) {
		qsort(c, n, sizeof(uint32_t), u32_order);
	} else {
		/* usually a handful: insertion sort beats qsort's set-up */
		for (unsigned i = 1; i < n; i++) {
			uint32_t v = c[i];
			unsigned j = i;
			for (; j > 0 && c[j - 1] > v; j--)
				c[j] = c[j - 1];
			c[j] = v;
		}
	}
	for (unsigned i = 0; i < n; i++)
		s->mark[s->candidates[i]] = 0;
	s->count = 0;
	*rules = s->candidates;
	return n;
}
