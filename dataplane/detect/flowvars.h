/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow variables (a pcre capture, pcre:"/(x)/, flow:NAME"): one pool per
 * worker, shared by all its flows; a flow's variables are a list from
 * flow->flowvars (index + 1 of the first entry, 0: none). Entries below
 * used were handed out once; those given back are on the free list. A
 * full pool is counted by the caller (flowvars_lost) and the variable not
 * kept. Owning worker only; nothing allocates after create.
 *
 * Flow integers (flowint) live in the same list, as entries whose var has
 * FLOWVARS_INT set and whose value is the integer's 4 bytes; they are not
 * flow variables for alerts.
 */
#ifndef VIGIL_DATAPLANE_DETECT_FLOWVARS_H
#define VIGIL_DATAPLANE_DETECT_FLOWVARS_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/alert.h"
#include "rules/match/match.h"

#define FLOWVARS_POOL 4096 /* flow variables per worker, all its flows together */

struct flowvar {
	uint32_t next; /* index + 1 of the flow's next variable; 0: last */
	uint16_t var;  /* id: ruleset_flowvar_name */
	uint16_t len;  /* value bytes kept, at most ALERT_FLOWVAR_LEN */
	uint8_t value[ALERT_FLOWVAR_LEN];
};

struct flowvar_pool {
	uint32_t used;
	uint32_t free_list;
	struct flowvar entries[FLOWVARS_POOL];
};

/*
 * The captures of the rule that just matched become variables of the list
 * at *head: a variable set again takes the new value, a new one goes last
 * (EVE lists them in the order they were first set); so do the entropy
 * values it computed (ALERT_FLOWVAR_ENTROPY | buffer). Returns how many
 * could not be kept (pool full).
 */
unsigned flowvars_store(struct flowvar_pool *pool, uint32_t *head,
			const struct rule_captures *captures);

#define FLOWVARS_INT 0x8000u /* struct flowvar.var of a flow integer: FLOWVARS_INT | id */

/* Flow integer id of the list at head: true and *value when it is set. */
bool flowvars_int_get(const struct flowvar_pool *pool, uint32_t head, uint16_t id, uint32_t *value);

/* Set flow integer id of the list at *head; false when the pool is full. */
bool flowvars_int_set(struct flowvar_pool *pool, uint32_t *head, uint16_t id, uint32_t value);

/* The list's first ALERT_FLOWVARS variables into an alert. */
void flowvars_copy(const struct flowvar_pool *pool, uint32_t head, struct alert *a);

/* Give the list back to the pool; *head becomes 0. */
void flowvars_release(struct flowvar_pool *pool, uint32_t *head);

#endif
