/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xbits and hostbits storage (see xbits.h): open addressing over a fixed
 * array with a short probe window, keyed by bit, host or pair, family.
 */
#include <string.h>

#include "dataplane/detect/detect_hash.h"
#include "dataplane/detect/xbits.h"

/* The key of the packet's host (source or destination) or pair, for bit id. */
static void xbits_key_fill(struct xbits_key *k, uint16_t id, enum rule_xbits_track track,
			   const struct packet *p)
{
	memset(k, 0, sizeof(*k));
	k->id = id;
	k->family = p->ip_version;
	unsigned len = p->ip_version == 6 ? 16 : 4;
	if (track != RULE_XBITS_IP_PAIR) {
		memcpy(k->addr[0], track == RULE_XBITS_IP_DST ? p->dst_addr : p->src_addr, len);
		return;
	}
	/* a pair is the same whichever way the packet goes */
	k->pair = 1;
	bool swap = memcmp(p->src_addr, p->dst_addr, len) > 0;
	memcpy(k->addr[0], swap ? p->dst_addr : p->src_addr, len);
	memcpy(k->addr[1], swap ? p->src_addr : p->dst_addr, len);
}

static bool xbits_alive(const struct xbits_entry *e, uint64_t now_us)
{
	return e->expires_us > now_us;
}

/* The live entry of k, or NULL. */
static struct xbits_entry *xbits_find(const struct xbits_table *t, const struct xbits_key *k,
				      uint64_t now_us)
{
	uint32_t h = detect_hash(k, sizeof(*k));
	for (uint32_t i = 0; i < XBITS_PROBES; i++) {
		const struct xbits_entry *e = &t->entries[(h + i) % XBITS_ENTRIES];
		if (xbits_alive(e, now_us) && memcmp(&e->key, k, sizeof(*k)) == 0)
			return (struct xbits_entry *)e;
	}
	return NULL;
}

/* A slot for k (not present): a free one, else the one that expires first (counted). */
static struct xbits_entry *xbits_slot(struct xbits_table *t, const struct xbits_key *k,
				      uint64_t now_us)
{
	uint32_t h = detect_hash(k, sizeof(*k));
	struct xbits_entry *first = NULL;
	for (uint32_t i = 0; i < XBITS_PROBES; i++) {
		struct xbits_entry *e = &t->entries[(h + i) % XBITS_ENTRIES];
		if (!xbits_alive(e, now_us))
			return e;
		if (!first || e->expires_us < first->expires_us)
			first = e;
	}
	t->evictions++;
	return first;
}

bool xbits_isset(const struct xbits_table *t, uint16_t id, enum rule_xbits_track track,
		 const struct packet *p, uint64_t now_us)
{
	struct xbits_key k;
	xbits_key_fill(&k, id, track, p);
	return xbits_find(t, &k, now_us) != NULL;
}

void xbits_change(struct xbits_table *t, uint16_t id, enum rule_xbits_track track,
		  enum rule_xbits_change change, uint32_t expire_s, const struct packet *p,
		  uint64_t now_us)
{
	struct xbits_key k;
	xbits_key_fill(&k, id, track, p);
	struct xbits_entry *e = xbits_find(t, &k, now_us);
	if (e && change != RULE_XBITS_SET) {
		e->expires_us = 0; /* unset, or toggled off */
		return;
	}
	if (!e && change == RULE_XBITS_UNSET)
		return;
	if (!e) {
		e = xbits_slot(t, &k, now_us);
		e->key = k;
	}
	e->expires_us = now_us + (uint64_t)expire_s * 1000000;
}
