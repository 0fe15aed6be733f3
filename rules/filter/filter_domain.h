/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiled domain lists: one open-addressing hash table of the exact
 * and suffix names of a filter file, and the match of a TLS SNI or HTTP
 * Host against it (the AWS Network Firewall domain-list model: deny wins
 * over allow, and a name on no list takes the file's domain default).
 * Built once by the control lcore, then only read: any worker may match
 * against a table concurrently. Plain C, no DPDK.
 */
#ifndef VIGIL_DATAPLANE_FILTER_DOMAIN_H
#define VIGIL_DATAPLANE_FILTER_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include "rules/filter/filter_spec.h"

#define FILTER_DOMAIN_MAX 253 /* longest DNS name */

struct filter_domain_entry {
	uint64_t hash; /* 0: empty slot */
	const char *name;
	uint16_t len;
	uint8_t suffix;
	uint8_t action; /* enum filter_action */
};

struct filter_domain_table {
	struct filter_domain_entry *slots;
	uint32_t mask; /* slots - 1, a power of two minus one */
	uint32_t count;
	char *names; /* every name, NUL-separated */
	uint8_t default_deny;
};

/* Build the table from spec's domains. Control path. Returns 0 or -ENOMEM. */
int filter_domain_table_build(struct filter_domain_table *t, const struct filter_spec *spec);

void filter_domain_table_free(struct filter_domain_table *t);

enum filter_domain_result {
	FILTER_DOMAIN_NONE = 0,	 /* no list says anything and the default is allow */
	FILTER_DOMAIN_ALLOW = 1, /* on an allow list */
	FILTER_DOMAIN_DENY = 2,	 /* on a deny list, or on no list with domain default deny */
};

/*
 * Match a name as it came from the wire (an SNI, or a Host header that may
 * carry ":port" and any case). Per-packet safe: no allocation, bounded.
 */
enum filter_domain_result filter_domain_match(const struct filter_domain_table *t,
					      const uint8_t *name, size_t len);

/*
 * The name lower-cased, without a trailing dot or a ":port" (IPv6 literal
 * brackets kept), into out (FILTER_DOMAIN_MAX + 1 bytes). Returns its
 * length, or -1 when empty or too long.
 */
int filter_domain_normalise(const uint8_t *name, size_t len, char *out);

#endif
