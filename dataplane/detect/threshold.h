/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker event counting for threshold: and detection_filter: (rules
 * that should alert only so often, or only after so many matches). One
 * fixed-size table per worker, allocated at start, never grown: when it is
 * full the oldest entry in the probe window is replaced (counted), so a
 * flood of distinct sources cannot exhaust memory.
 *
 * Counting is per worker: with several workers, a source whose flows land
 * on different workers is counted on each (symmetric RSS spreads flows, not
 * sources). Documented limitation until counts are shared.
 */
#ifndef VIGIL_DATAPLANE_THRESHOLD_H
#define VIGIL_DATAPLANE_THRESHOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/decode/packet.h"
#include "rules/lang/rule.h"

struct threshold_table;

/* capacity is rounded up to a power of two. Returns NULL when out of memory. */
struct threshold_table *threshold_table_create(unsigned capacity);
void threshold_table_free(struct threshold_table *table);

/*
 * Count one event of rule rule_index under th for packet p at now_us and
 * say whether it passes: for threshold types limit/threshold/both, whether
 * to alert; for detection_filter, whether the rule counts as matched.
 * th->type NONE always passes. Per-packet path, the owning worker only.
 */
bool threshold_pass(struct threshold_table *table, uint32_t rule_index,
		    const struct rule_threshold *th, const struct packet *p, uint64_t flow_id,
		    uint64_t now_us);

/*
 * rate_filter: count one event of rule rule_index and say whether its
 * new_action is in force (more than count events within seconds started
 * it, and timeout seconds have not passed since). Per-packet path.
 */
bool threshold_rate_active(struct threshold_table *table, uint32_t rule_index,
			   const struct rule_rate_filter *rate, const struct packet *p,
			   uint64_t flow_id, uint64_t now_us);

/* Entries replaced because the table was full. */
uint64_t threshold_table_evictions(const struct threshold_table *table);

#endif
