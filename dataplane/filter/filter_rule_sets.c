/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter's IP sets as rule address groups: the owner's side of
 * rules/lang/ipset_lookup.h. A signature rule on "@blocklist" (usually through
 * a board variable, "[vars] BLOCKLIST = @blocklist") keeps only the set's
 * name; each test looks the address up in the IP set tables published
 * for the filter stage (filter_sets.c), so a set of a million prefixes
 * costs a rule nothing and a test one prefix and one host lookup.
 * Building the tables and swapping them is left to filter_tables.c and
 * filter.c.
 *
 * Concurrency: contains() runs on a worker lcore between two of its
 * quiescent points (it is called from inspection, inside the worker's
 * loop), so the tables it loads cannot be freed under it. find() runs on
 * the control path, possibly on the rule-compile thread while the control
 * lcore reloads the filter: it reads a copy of the set names under a
 * mutex, never the tables.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/filter/filter.h"
#include "rules/filter/filter_tables.h"

/*
 * The set is found by its key among at most FILTER_MAX_SETS words (one
 * cache line or two); the name is compared once, on a key match, so a
 * hash collision can never pick the wrong set. Comparing the names alone
 * cost 60 ns for the 15th of 16 sets (measured), more than the lookup.
 */
bool filter_ipset_contains(const struct filter_tables *t, uint64_t key, const char *name,
			   const uint8_t *addr, int version)
{
	for (unsigned set = 0; set < t->spec.set_count; set++) {
		if (t->set_keys[set] != key || strcmp(t->spec.sets[set].name, name) != 0)
			continue;
		return (filter_sets_lookup(t, addr, version) >> set) & 1u;
	}
	return false;
}

static int filter_rule_sets_find(const void *ctx, const char *name, uint64_t *key)
{
	struct filter_rule_sets *rs = (struct filter_rule_sets *)ctx;
	int rc = -ENOENT;
	*key = filter_ipset_key(name);
	pthread_mutex_lock(&rs->lock);
	for (unsigned i = 0; i < rs->count && rc < 0; i++)
		if (strcmp(rs->names[i], name) == 0)
			rc = 0;
	pthread_mutex_unlock(&rs->lock);
	return rc;
}

static bool filter_rule_sets_contains(const void *ctx, uint64_t key, const char *name,
				      const uint8_t *addr, int family)
{
	const struct filter_rule_sets *rs = ctx;
	const struct filter_runtime *rt = __atomic_load_n(&rs->rt, __ATOMIC_ACQUIRE);
	if (!rt)
		return false;
	const struct filter_tables *t = __atomic_load_n(&rt->tables, __ATOMIC_ACQUIRE);
	return t && filter_ipset_contains(t, key, name, addr, family);
}

static void filter_rule_sets_take_names(struct filter_rule_sets *rs, const struct filter_spec *spec)
{
	rs->count = spec ? spec->set_count : 0;
	for (unsigned i = 0; i < rs->count; i++)
		snprintf(rs->names[i], sizeof(rs->names[i]), "%s", spec->sets[i].name);
}

void filter_rule_sets_init(struct filter_rule_sets *rs, const struct filter_spec *spec)
{
	memset(rs, 0, sizeof(*rs));
	pthread_mutex_init(&rs->lock, NULL);
	filter_rule_sets_take_names(rs, spec);
	rs->lookup = (struct rule_ipset_lookup){
	    .find = filter_rule_sets_find,
	    .contains = filter_rule_sets_contains,
	    .ctx = rs,
	};
}

void filter_rule_sets_attach(struct filter_rule_sets *rs, struct filter_runtime *rt)
{
	__atomic_store_n(&rs->rt, rt, __ATOMIC_RELEASE);
}

unsigned filter_rule_sets_refresh(struct filter_rule_sets *rs, char *gone, size_t gone_len)
{
	const struct filter_spec *spec = rs->rt && rs->rt->tables ? &rs->rt->tables->spec : NULL;
	unsigned lost = 0;
	size_t used = 0;
	if (gone_len)
		gone[0] = '\0';
	pthread_mutex_lock(&rs->lock);
	for (unsigned i = 0; i < rs->count; i++) {
		if (spec && filter_spec_find_set(spec, rs->names[i]) >= 0)
			continue;
		lost++;
		int n =
		    snprintf(gone + used, gone_len - used, "%s@%s", used ? " " : "", rs->names[i]);
		if (n > 0 && used + (size_t)n < gone_len)
			used += (size_t)n;
	}
	filter_rule_sets_take_names(rs, spec);
	pthread_mutex_unlock(&rs->lock);
	return lost;
}
