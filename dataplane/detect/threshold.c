/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * threshold: and detection_filter: counting (see threshold.h). Open
 * addressing with a short probe window; an entry's window starts at its
 * first event and restarts once `seconds` have passed, as Suricata does.
 */
#include <stdlib.h>
#include <string.h>

#include "dataplane/detect/detect_hash.h"
#include "dataplane/detect/threshold.h"

#define THRESHOLD_PROBES 8

struct threshold_key {
	uint32_t rule;
	uint8_t track;
	uint8_t family;
	uint8_t kind; /* which counter of the rule: threshold, detection_filter, rate_filter */
	uint8_t zero;
	uint64_t flow_id;
	uint8_t addr[2][16];
};

struct threshold_entry {
	struct threshold_key key;
	uint64_t window_start_us; /* 0: free slot */
	uint32_t count;
	uint8_t alerted;	  /* "both": already alerted in this window */
	uint64_t active_until_us; /* rate_filter: new_action in force until then */
	uint64_t backoff_next;	  /* backoff: the count that alerts next */
};

struct threshold_table {
	struct threshold_entry *entries;
	uint32_t mask;
	uint64_t evictions;
};

struct threshold_table *threshold_table_create(unsigned capacity)
{
	unsigned size = 64;
	while (size < capacity && size < (1u << 30))
		size <<= 1;
	struct threshold_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->entries = calloc(size, sizeof(*t->entries));
	if (!t->entries) {
		free(t);
		return NULL;
	}
	t->mask = size - 1;
	return t;
}

void threshold_table_free(struct threshold_table *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t);
}

uint64_t threshold_table_evictions(const struct threshold_table *t)
{
	return t->evictions;
}

static void threshold_key_fill(struct threshold_key *k, uint32_t rule,
			       enum rule_threshold_track track, const struct packet *p,
			       uint64_t flow_id, uint8_t kind)
{
	memset(k, 0, sizeof(*k));
	k->rule = rule;
	k->track = (uint8_t)track;
	k->kind = kind;
	if (track == RULE_TRACK_BY_FLOW) {
		k->flow_id = flow_id;
		return;
	}
	k->family = p->ip_version;
	unsigned len = p->ip_version == 6 ? 16 : 4;
	if (track == RULE_TRACK_BY_BOTH) {
		/* by_both is the pair of hosts, whichever way the packet goes
		 * (Suricata's IP pair): the lower address first */
		bool swap = memcmp(p->src_addr, p->dst_addr, len) > 0;
		memcpy(k->addr[0], swap ? p->dst_addr : p->src_addr, len);
		memcpy(k->addr[1], swap ? p->src_addr : p->dst_addr, len);
		return;
	}
	if (track == RULE_TRACK_BY_SRC)
		memcpy(k->addr[0], p->src_addr, len);
	if (track == RULE_TRACK_BY_DST)
		memcpy(k->addr[1], p->dst_addr, len);
}

static uint32_t threshold_hash(const struct threshold_key *k)
{
	return detect_hash(k, sizeof(*k));
}

static struct threshold_entry *threshold_find(struct threshold_table *t,
					      const struct threshold_key *k)
{
	uint32_t h = threshold_hash(k);
	struct threshold_entry *oldest = NULL;
	for (uint32_t i = 0; i < THRESHOLD_PROBES; i++) {
		struct threshold_entry *e = &t->entries[(h + i) & t->mask];
		if (e->window_start_us && memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
		if (!e->window_start_us) {
			e->key = *k;
			e->count = 0;
			e->alerted = 0;
			e->active_until_us = 0;
			e->backoff_next = 0;
			return e;
		}
		if (!oldest || e->window_start_us < oldest->window_start_us)
			oldest = e;
	}
	t->evictions++;
	oldest->key = *k;
	oldest->window_start_us = 0;
	oldest->count = 0;
	oldest->alerted = 0;
	oldest->active_until_us = 0;
	oldest->backoff_next = 0;
	return oldest;
}

/* The entry of key, its window restarted when seconds have passed; the event counted. */
static struct threshold_entry *threshold_count(struct threshold_table *t,
					       const struct threshold_key *k, uint32_t seconds,
					       uint64_t now_us)
{
	struct threshold_entry *e = threshold_find(t, k);
	uint64_t window = (uint64_t)seconds * 1000000;
	/* seconds 0: no period, the count goes on as long as the entry lives */
	if (!e->window_start_us || (window && now_us - e->window_start_us >= window) ||
	    now_us < e->window_start_us) {
		e->window_start_us = now_us ? now_us : 1;
		e->count = 0;
		e->alerted = 0;
	}
	e->count++;
	return e;
}

bool threshold_rate_active(struct threshold_table *t, uint32_t rule_index,
			   const struct rule_rate_filter *rate, const struct packet *p,
			   uint64_t flow_id, uint64_t now_us)
{
	struct threshold_key k;
	threshold_key_fill(&k, rule_index, rate->track, p, flow_id, 2);
	struct threshold_entry *e = threshold_count(t, &k, rate->seconds, now_us);
	if (e->count > rate->count && now_us >= e->active_until_us)
		e->active_until_us = now_us + (uint64_t)rate->timeout * 1000000;
	return now_us < e->active_until_us;
}

bool threshold_pass(struct threshold_table *t, uint32_t rule_index, const struct rule_threshold *th,
		    const struct packet *p, uint64_t flow_id, uint64_t now_us)
{
	if (th->type == RULE_THRESHOLD_NONE || th->count == 0)
		return true;
	struct threshold_key k;
	threshold_key_fill(&k, rule_index, th->track, p, flow_id,
			   th->type == RULE_THRESHOLD_DETECTION_FILTER);
	struct threshold_entry *e = threshold_count(t, &k, th->seconds, now_us);
	switch (th->type) {
	case RULE_THRESHOLD_LIMIT:
		return e->count <= th->count;
	case RULE_THRESHOLD_THRESHOLD:
		if (e->count < th->count)
			return false;
		e->count = 0; /* every count-th event */
		return true;
	case RULE_THRESHOLD_BOTH:
		if (e->count < th->count || e->alerted)
			return false;
		e->alerted = 1;
		return true;
	case RULE_THRESHOLD_DETECTION_FILTER:
		return e->count > th->count;
	case RULE_THRESHOLD_BACKOFF:
		if (!e->backoff_next)
			e->backoff_next = th->count;
		if (e->count != e->backoff_next)
			return false;
		e->backoff_next *= th->multiplier ? th->multiplier : 2;
		return true;
	default:
		return true;
	}
}
