/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's xbits and hostbits (rules/keywords/kw_xbits.c): bits kept
 * per host or per IP pair, each until its expiry. One fixed table per
 * worker, inline in its detection context, never grown: when a probe
 * window is full, the entry that expires first gives way and the eviction
 * is counted, so a flood of addresses cannot exhaust memory. Expired
 * entries are free slots.
 *
 * Per worker, as thresholds are (threshold.h): with several workers, a
 * host whose flows land on different workers has bits on each. Owning
 * worker only; per-packet path, nothing allocates.
 */
#ifndef VIGIL_DATAPLANE_DETECT_XBITS_H
#define VIGIL_DATAPLANE_DETECT_XBITS_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/decode/packet.h"
#include "rules/match/match.h"

#define XBITS_ENTRIES 4096 /* bits set at once, all hosts and pairs of a worker */
#define XBITS_PROBES  8

struct xbits_key {
	uint16_t id;
	uint8_t pair;	/* 0: one host (addr[0]); 1: an IP pair, the lower address first */
	uint8_t family; /* 4 or 6 */
	uint8_t addr[2][16];
};

struct xbits_entry {
	struct xbits_key key;
	uint64_t expires_us; /* 0 or past: a free slot */
};

struct xbits_table {
	struct xbits_entry entries[XBITS_ENTRIES];
	uint64_t evictions; /* live bits pushed out of a full probe window */
};

/* Whether bit id is set and alive at now_us for the packet's host or pair (track). */
bool xbits_isset(const struct xbits_table *table, uint16_t id, enum rule_xbits_track track,
		 const struct packet *p, uint64_t now_us);

/* Set (alive until now_us + expire_s), unset or toggle bit id for the packet's host or pair. */
void xbits_change(struct xbits_table *table, uint16_t id, enum rule_xbits_track track,
		  enum rule_xbits_change change, uint32_t expire_s, const struct packet *p,
		  uint64_t now_us);

#endif
