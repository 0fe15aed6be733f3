/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's pool of flow variables (see flowvars.h).
 */
#include <string.h>

#include "dataplane/detect/flowvars.h"

static struct flowvar *flowvar_at(struct flowvar_pool *pool, uint32_t ref)
{
	return ref ? &pool->entries[ref - 1] : NULL;
}

/* A free entry (index + 1), or 0 when the pool is full. */
static uint32_t flowvar_take(struct flowvar_pool *pool)
{
	uint32_t ref = pool->free_list;
	if (ref) {
		pool->free_list = pool->entries[ref - 1].next;
		return ref;
	}
	if (pool->used < FLOWVARS_POOL)
		return ++pool->used;
	return 0;
}

/* The entry of var in the list at *head, added last when new; NULL when the pool is full. */
static struct flowvar *flowvar_find_or_add(struct flowvar_pool *pool, uint32_t *head, uint16_t var)
{
	uint32_t *link = head;
	struct flowvar *v = flowvar_at(pool, *link);
	while (v && v->var != var) {
		link = &v->next;
		v = flowvar_at(pool, *link);
	}
	if (v)
		return v;
	uint32_t ref = flowvar_take(pool);
	if (!ref)
		return NULL;
	*link = ref;
	v = flowvar_at(pool, ref);
	v->next = 0;
	v->var = var;
	v->len = 0;
	return v;
}

bool flowvars_int_get(const struct flowvar_pool *pool, uint32_t head, uint16_t id, uint32_t *value)
{
	uint16_t var = (uint16_t)(FLOWVARS_INT | id);
	for (uint32_t ref = head; ref; ref = pool->entries[ref - 1].next) {
		const struct flowvar *v = &pool->entries[ref - 1];
		if (v->var == var) {
			memcpy(value, v->value, sizeof(*value));
			return true;
		}
	}
	return false;
}

bool flowvars_int_set(struct flowvar_pool *pool, uint32_t *head, uint16_t id, uint32_t value)
{
	struct flowvar *v = flowvar_find_or_add(pool, head, (uint16_t)(FLOWVARS_INT | id));
	if (!v)
		return false;
	v->len = sizeof(value);
	memcpy(v->value, &value, sizeof(value));
	return true;
}

unsigned flowvars_store(struct flowvar_pool *pool, uint32_t *head,
			const struct rule_captures *captures)
{
	unsigned lost = 0;
	for (unsigned i = 0; i < captures->count; i++) {
		if (captures->capture[i].var & (RULE_CAPTURE_ALERT | RULE_CAPTURE_PKT))
			continue; /* the alert's, not the flow's (detect_alert) */
		struct flowvar *v = flowvar_find_or_add(pool, head, captures->capture[i].var);
		if (!v) {
			lost++;
			continue;
		}
		uint32_t len = captures->capture[i].len;
		v->len = (uint16_t)(len < ALERT_FLOWVAR_LEN ? len : ALERT_FLOWVAR_LEN);
		memcpy(v->value, captures->capture[i].data, v->len);
	}
	for (unsigned i = 0; i < captures->entropy_count; i++) {
		struct flowvar *v = flowvar_find_or_add(
		    pool, head, (uint16_t)(ALERT_FLOWVAR_ENTROPY | captures->entropy[i].buffer));
		if (!v) {
			lost++;
			continue;
		}
		v->len = sizeof(captures->entropy[i].value);
		memcpy(v->value, &captures->entropy[i].value, v->len);
	}
	return lost;
}

void flowvars_copy(const struct flowvar_pool *pool, uint32_t head, struct alert *a)
{
	a->flowvar_count = 0;
	for (uint32_t ref = head; ref && a->flowvar_count < ALERT_FLOWVARS;
	     ref = pool->entries[ref - 1].next) {
		const struct flowvar *v = &pool->entries[ref - 1];
		if (v->var & FLOWVARS_INT)
			continue; /* a flow integer, not a variable */
		struct alert_flowvar *out = &a->flowvars[a->flowvar_count++];
		out->var = v->var;
		out->len = v->len;
		memcpy(out->value, v->value, v->len);
	}
}

void flowvars_release(struct flowvar_pool *pool, uint32_t *head)
{
	uint32_t ref = *head;
	while (ref) {
		struct flowvar *v = flowvar_at(pool, ref);
		uint32_t next = v->next;
		v->next = pool->free_list;
		pool->free_list = ref;
		ref = next;
	}
	*head = 0;
}
