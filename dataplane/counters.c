/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names of the dataplane counters and drop reasons, generated from the
 * X-macro lists in counters.h, and the sum used when the control lcore
 * reads them. Printing is left to control/stats.c.
 */
#include "dataplane/counters.h"

const char *const worker_counter_name[WORKER_COUNTER_COUNT] = {
#define _(sym, name) name,
    foreach_worker_counter
#undef _
};

const char *const drop_reason_name[DROP_REASON_COUNT] = {
#define _(sym, name, text) name,
    foreach_drop_reason
#undef _
};

const char *const drop_reason_text[DROP_REASON_COUNT] = {
#define _(sym, name, text) text,
    foreach_drop_reason
#undef _
};

void counters_add(struct worker_counters *into, const struct worker_counters *from)
{
	/* volatile: the owner keeps writing while we read; read each word once. */
	const volatile uint64_t *src;

	src = from->counter;
	for (unsigned i = 0; i < WORKER_COUNTER_COUNT; i++)
		into->counter[i] += src[i];
	src = from->drop;
	for (unsigned i = 0; i < DROP_REASON_COUNT; i++)
		into->drop[i] += src[i];
	src = from->malformed;
	for (unsigned i = 0; i < DECODE_ERROR_COUNT; i++)
		into->malformed[i] += src[i];
	src = from->normalized;
	for (unsigned i = 0; i < NORMALIZE_REASON_COUNT; i++)
		into->normalized[i] += src[i];
}
