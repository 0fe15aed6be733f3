/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named IP sets in rule headers: the contract between the rules engine and
 * whoever owns the prefix tables (the filter stage, dataplane/filter/filter.h).
 * An address list item "@NAME" (usually through a variable, the board's
 * "[vars] BLOCKLIST = @blocklist") is kept in the rule as the set's name,
 * never expanded: a set may hold millions of prefixes. At match time the
 * header asks contains() whether the address is in the set.
 *
 * The rules engine knows nothing of how the sets are stored or swapped;
 * the owner of the lookup promises:
 * - find() answers on the control path (rule parsing, which may run on a
 *   compile thread of its own) from the names that exist now;
 * - contains() answers on a worker's per-packet path without allocating,
 *   locking or logging, from the tables in force for that packet. A name
 *   the tables no longer hold (a reload removed the set) matches nothing.
 * The lookup object must outlive every ruleset built with it.
 */
#ifndef VIGIL_RULES_IPSET_LOOKUP_H
#define VIGIL_RULES_IPSET_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#define RULE_IPSET_NAME_MAX 64 /* longest set name + 1 (as the filter file's) */

struct rule_ipset_lookup {
	/*
	 * 0 when a set called name (without '@') exists, else -ENOENT. *key is
	 * set to a value of the owner's choosing that the rule keeps and
	 * hands back to contains() with the name (vigil: a hash of the name,
	 * so the set is found without comparing strings). Control path.
	 */
	int (*find)(const void *ctx, const char *name, uint64_t *key);
	/* True when addr (network order, IPv4 in the first 4 bytes; family 4 or
	 * 6) is in the set called name. Per-packet path of a worker. */
	bool (*contains)(const void *ctx, uint64_t key, const char *name, const uint8_t *addr,
			 int family);
	const void *ctx;
};

#endif
