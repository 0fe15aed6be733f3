/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker rate-limit tables (see ratelimit.h for the semantics and who
 * owns what): an open-addressed table of sources with a short probe
 * window, a sliding-window counter per statement and source, and the
 * release queues the control lcore feeds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/xff.h"
#include "dataplane/detect/ratelimit.h"

#define RATELIMIT_MAX_TABLES 128

const char *const ratelimit_counter_name[] = {
#define _(field, name) name,
    foreach_ratelimit_counter
#undef _
};

/* Tables registered for release and listing; written on the control path only. */
static struct ratelimit_table *ratelimit_registry[RATELIMIT_MAX_TABLES];
static uint32_t ratelimit_generation; /* release-all requests, bumped from a signal too */

struct ratelimit_table *ratelimit_create(const struct policy *policy, uint32_t capacity,
					 unsigned worker_index, int *rc)
{
	*rc = 0;
	if (policy_ratelimit_count(policy) == 0)
		return NULL;
	uint32_t cap = RATELIMIT_PROBE;
	while (cap < capacity && cap < (1u << 24))
		cap <<= 1;
	struct ratelimit_table *t = calloc(1, sizeof(*t));
	if (t)
		t->entries = calloc(cap, sizeof(*t->entries));
	if (!t || !t->entries) {
		free(t);
		*rc = -ENOMEM;
		return NULL;
	}
	t->policy = policy;
	t->worker_index = worker_index;
	t->capacity = cap;
	t->mask = cap - 1;
	for (unsigned i = 0; i < policy_ratelimit_count(policy); i++) {
		const struct policy_ratelimit *r = policy_ratelimit_get(policy, i);
		t->uses[r->kind][r->per] = true;
	}
	t->release_generation = __atomic_load_n(&ratelimit_generation, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < RATELIMIT_MAX_TABLES; i++)
		if (!ratelimit_registry[i]) {
			__atomic_store_n(&ratelimit_registry[i], t, __ATOMIC_RELEASE);
			break;
		}
	return t;
}

static bool ratelimit_same_statements(const struct policy *a, const struct policy *b)
{
	unsigned n = policy_ratelimit_count(a);
	if (n != policy_ratelimit_count(b))
		return false;
	for (unsigned i = 0; i < n; i++) {
		const struct policy_ratelimit *x = policy_ratelimit_get(a, i);
		const struct policy_ratelimit *y = policy_ratelimit_get(b, i);
		if (x->kind != y->kind || x->per != y->per || x->count != y->count ||
		    x->window_s != y->window_s || x->block_s != y->block_s)
			return false;
	}
	return true;
}

void ratelimit_set_policy(struct ratelimit_table *t, const struct policy *policy)
{
	if (!t)
		return;
	bool same = ratelimit_same_statements(t->policy, policy);
	t->policy = policy;
	if (same)
		return;
	memset(t->uses, 0, sizeof(t->uses));
	for (unsigned i = 0; i < policy_ratelimit_count(policy); i++) {
		const struct policy_ratelimit *r = policy_ratelimit_get(policy, i);
		t->uses[r->kind][r->per] = true;
	}
	/* Entries name statements by index: with other statements they mean nothing. */
	memset(t->entries, 0, (size_t)t->capacity * sizeof(*t->entries));
}

void ratelimit_free(struct ratelimit_table *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < RATELIMIT_MAX_TABLES; i++)
		if (ratelimit_registry[i] == t)
			__atomic_store_n(&ratelimit_registry[i], NULL, __ATOMIC_RELEASE);
	free(t->entries);
	free(t);
}

/* FNV-1a over the key; sources an attacker picks can collide, which only costs probes. */
static uint32_t ratelimit_hash(const uint8_t *addr, int family, unsigned per)
{
	uint32_t h = 2166136261u ^ (uint32_t)(family * 31 + per);
	unsigned len = family == 4 ? 4 : 16;
	for (unsigned i = 0; i < len; i++)
		h = (h ^ addr[i]) * 16777619u;
	return h | 1;
}

static bool ratelimit_key_equal(const struct ratelimit_entry *e, const uint8_t *addr, int family,
				unsigned per, uint32_t hash)
{
	return e->hash == hash && e->family == family && e->per == per &&
	       memcmp(e->addr, addr, family == 4 ? 4 : 16) == 0;
}

static bool ratelimit_is_blocked(const struct ratelimit_entry *e, uint64_t now_us)
{
	return e->blocked_until_us > now_us;
}

/* The entry of the key, or NULL. */
static struct ratelimit_entry *ratelimit_find(struct ratelimit_table *t, const uint8_t *addr,
					      int family, unsigned per, uint32_t hash)
{
	for (uint32_t i = 0; i < RATELIMIT_PROBE; i++) {
		struct ratelimit_entry *e = &t->entries[(hash + i) & t->mask];
		if (ratelimit_key_equal(e, addr, family, per, hash))
			return e;
	}
	return NULL;
}

/*
 * The key's entry, made when absent: a free slot of the probe window, else
 * the least recently seen unblocked one, else (every one blocked) the
 * least recently seen. Never NULL.
 */
static struct ratelimit_entry *ratelimit_get(struct ratelimit_table *t, const uint8_t *addr,
					     int family, unsigned per, uint64_t now_us)
{
	uint32_t hash = ratelimit_hash(addr, family, per);
	struct ratelimit_entry *e = ratelimit_find(t, addr, family, per, hash);
	if (e)
		return e;
	struct ratelimit_entry *victim = NULL;
	for (uint32_t i = 0; i < RATELIMIT_PROBE; i++) {
		struct ratelimit_entry *c = &t->entries[(hash + i) & t->mask];
		if (!c->family) {
			victim = c;
			break;
		}
		bool c_blocked = ratelimit_is_blocked(c, now_us);
		bool v_blocked = victim && ratelimit_is_blocked(victim, now_us);
		if (!victim || (v_blocked && !c_blocked) ||
		    (v_blocked == c_blocked && c->last_seen_us < victim->last_seen_us))
			victim = c;
	}
	if (victim->family) {
		t->counters.evicted++;
		t->counters.evicted_blocked += ratelimit_is_blocked(victim, now_us);
	}
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->addr, addr, family == 4 ? 4 : 16);
	victim->family = (uint8_t)family;
	victim->per = (uint8_t)per;
	victim->hash = hash;
	return victim;
}

/*
 * Count one event in the statement's sliding window; true when the
 * estimate over the last window_s seconds exceeds the allowed count.
 */
static bool ratelimit_count(struct ratelimit_window *w, const struct policy_ratelimit *r,
			    uint64_t now_us)
{
	uint64_t window_us = (uint64_t)r->window_s * 1000000u;
	uint32_t index = (uint32_t)(now_us / window_us);
	if (index == w->window) {
		w->cur++;
	} else {
		w->prev = index == w->window + 1 ? w->cur : 0;
		w->cur = 1;
		w->window = index;
	}
	uint64_t into = now_us - (uint64_t)index * window_us;
	/*
	 * Previous window's share: the part of it still inside the sliding
	 * window, rounded to the nearest event. Truncated (3 events * 0.99
	 * read as 2), it let one event more through at every window
	 * boundary, so a burst that straddled one got count + 1.
	 */
	uint64_t share = ((uint64_t)w->prev * (window_us - into) + window_us / 2) / window_us;
	return share + w->cur > r->count;
}

static void ratelimit_block(struct ratelimit_table *t, struct ratelimit_entry *e, unsigned index,
			    const struct policy_ratelimit *r, uint64_t now_us)
{
	uint64_t until = now_us + (uint64_t)r->block_s * 1000000u;
	memset(e->rate, 0, sizeof(e->rate)); /* a released or expired source starts afresh */
	e->blocked_by = (uint8_t)index;
	__atomic_store_n(&e->blocked_until_us, until, __ATOMIC_RELEASE);
	if (until > t->horizon_us)
		t->horizon_us = until;
	t->counters.blocks++;
}

/* Count an event of kind for the entry in every statement that applies; true when now blocked. */
static bool ratelimit_event(struct ratelimit_table *t, struct ratelimit_entry *e,
			    enum policy_ratelimit_kind kind, uint64_t now_us)
{
	unsigned n = policy_ratelimit_count(t->policy);
	e->last_seen_us = now_us;
	for (unsigned i = 0; i < n; i++) {
		const struct policy_ratelimit *r = policy_ratelimit_get(t->policy, i);
		if (r->kind != kind || r->per != e->per)
			continue;
		if (ratelimit_count(&e->rate[i], r, now_us)) {
			ratelimit_block(t, e, i, r, now_us);
			return true;
		}
	}
	return false;
}

static bool ratelimit_source_blocked(struct ratelimit_table *t, const uint8_t *addr, int family,
				     unsigned per, uint64_t now_us)
{
	if (now_us >= t->horizon_us)
		return false;
	uint32_t hash = ratelimit_hash(addr, family, per);
	const struct ratelimit_entry *e = ratelimit_find(t, addr, family, per, hash);
	return e && ratelimit_is_blocked(e, now_us);
}

bool ratelimit_packet(struct ratelimit_table *t, const uint8_t *src, int family,
		      bool new_connection, uint64_t now_us)
{
	t->now_us = now_us;
	if (ratelimit_source_blocked(t, src, family, POLICY_RATELIMIT_PER_SRC, now_us)) {
		t->counters.dropped++;
		return true;
	}
	if (!new_connection || !t->uses[POLICY_RATELIMIT_NEW_CONNECTIONS][POLICY_RATELIMIT_PER_SRC])
		return false;
	struct ratelimit_entry *e = ratelimit_get(t, src, family, POLICY_RATELIMIT_PER_SRC, now_us);
	if (!ratelimit_event(t, e, POLICY_RATELIMIT_NEW_CONNECTIONS, now_us))
		return false;
	t->counters.dropped++;
	return true;
}

bool ratelimit_http_request(struct ratelimit_table *t, const uint8_t *src, int family,
			    const struct xff_client *client, uint64_t now_us)
{
	const bool *uses = t->uses[POLICY_RATELIMIT_HTTP_REQUESTS];
	struct ratelimit_entry *e;
	bool drop = false;
	t->now_us = now_us;
	if (uses[POLICY_RATELIMIT_PER_SRC]) {
		e = ratelimit_get(t, src, family, POLICY_RATELIMIT_PER_SRC, now_us);
		drop = ratelimit_is_blocked(e, now_us) ||
		       ratelimit_event(t, e, POLICY_RATELIMIT_HTTP_REQUESTS, now_us);
	}
	if (!drop && uses[POLICY_RATELIMIT_PER_XFF] && client && client->family) {
		e = ratelimit_get(t, client->addr, client->family, POLICY_RATELIMIT_PER_XFF,
				  now_us);
		drop = ratelimit_is_blocked(e, now_us) ||
		       ratelimit_event(t, e, POLICY_RATELIMIT_HTTP_REQUESTS, now_us);
	}
	t->counters.dropped += drop;
	return drop;
}

/* --- releases -------------------------------------------------------------- */

static void ratelimit_unblock(struct ratelimit_table *t, struct ratelimit_entry *e)
{
	if (!e->blocked_until_us)
		return;
	memset(e->rate, 0, sizeof(e->rate));
	__atomic_store_n(&e->blocked_until_us, 0, __ATOMIC_RELEASE);
	t->counters.released++;
}

void ratelimit_housekeeping(struct ratelimit_table *t)
{
	if (!t)
		return;
	uint32_t generation = __atomic_load_n(&ratelimit_generation, __ATOMIC_ACQUIRE);
	if (generation != t->release_generation) {
		t->release_generation = generation;
		for (uint32_t i = 0; i < t->capacity; i++)
			if (t->entries[i].family)
				ratelimit_unblock(t, &t->entries[i]);
		t->horizon_us = 0;
	}
	uint32_t head = __atomic_load_n(&t->release_head, __ATOMIC_ACQUIRE);
	while (t->release_tail != head) {
		const struct ratelimit_release_request *r =
		    &t->releases[t->release_tail % RATELIMIT_RELEASE_QUEUE];
		for (unsigned per = 0; per < 2; per++) {
			struct ratelimit_entry *e = ratelimit_find(
			    t, r->addr, r->family, per, ratelimit_hash(r->addr, r->family, per));
			if (e)
				ratelimit_unblock(t, e);
		}
		__atomic_store_n(&t->release_tail, t->release_tail + 1, __ATOMIC_RELEASE);
	}
}

int ratelimit_release(const uint8_t addr[16], int family)
{
	int rc = -ENOENT;
	if (family != 4 && family != 6)
		return -EINVAL;
	for (unsigned i = 0; i < RATELIMIT_MAX_TABLES; i++) {
		struct ratelimit_table *t =
		    __atomic_load_n(&ratelimit_registry[i], __ATOMIC_ACQUIRE);
		if (!t)
			continue;
		uint32_t head = t->release_head;
		if (head - __atomic_load_n(&t->release_tail, __ATOMIC_ACQUIRE) >=
		    RATELIMIT_RELEASE_QUEUE) {
			rc = -EAGAIN;
			continue;
		}
		struct ratelimit_release_request *r = &t->releases[head % RATELIMIT_RELEASE_QUEUE];
		memset(r, 0, sizeof(*r));
		memcpy(r->addr, addr, family == 4 ? 4 : 16);
		r->family = (uint8_t)family;
		__atomic_store_n(&t->release_head, head + 1, __ATOMIC_RELEASE);
		if (rc == -ENOENT)
			rc = 0;
	}
	return rc;
}

void ratelimit_release_all(void)
{
	__atomic_fetch_add(&ratelimit_generation, 1, __ATOMIC_RELEASE);
}

/* --- reading ---------------------------------------------------------------- */

unsigned ratelimit_blocked_list(const struct ratelimit_table *t, struct ratelimit_blocked *out,
				unsigned max)
{
	unsigned n = 0;
	uint64_t now = t->now_us;
	for (uint32_t i = 0; i < t->capacity; i++) {
		const struct ratelimit_entry *e = &t->entries[i];
		uint64_t until = __atomic_load_n(&e->blocked_until_us, __ATOMIC_ACQUIRE);
		if (!e->family || until <= now)
			continue;
		if (n < max)
			out[n] = (struct ratelimit_blocked){
			    .family = e->family,
			    .xff = e->per == POLICY_RATELIMIT_PER_XFF,
			    .statement = e->blocked_by,
			    .until_us = until + (uint64_t)t->wall_offset_us,
			    .worker = t->worker_index,
			};
		if (n < max)
			memcpy(out[n].addr, e->addr, 16);
		n++;
	}
	return n;
}

unsigned ratelimit_tables(const struct ratelimit_table **out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < RATELIMIT_MAX_TABLES && n < max; i++) {
		const struct ratelimit_table *t =
		    __atomic_load_n(&ratelimit_registry[i], __ATOMIC_ACQUIRE);
		if (t)
			out[n++] = t;
	}
	return n;
}

void ratelimit_counters_total(struct ratelimit_counters *total)
{
	const struct ratelimit_table *tables[RATELIMIT_MAX_TABLES];
	unsigned n = ratelimit_tables(tables, RATELIMIT_MAX_TABLES);
	memset(total, 0, sizeof(*total));
	for (unsigned i = 0; i < n; i++) {
#define _(field, name) total->field += tables[i]->counters.field;
		foreach_ratelimit_counter
#undef _
	}
}
