/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-destination policy table (see host_os.h): a small array kept
 * sorted so that, within one kind and IP version, longer prefixes come
 * first and the first prefix covering an address is its longest match.
 * Parsing the board's text is left to platform/board.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/flow/host_os.h"

#define HOST_OS_URGENT_PREFIX "urgent_"

/* Whether the first len bits of a and b agree. */
static bool host_os_bits_equal(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff00u >> rest);
	return ((a[full] ^ b[full]) & mask) == 0;
}

/* Sort order: kind, IP version, longer prefixes first, then address. */
static int host_os_order(const struct host_os_prefix *a, const struct host_os_prefix *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->ip_version != b->ip_version)
		return a->ip_version < b->ip_version ? -1 : 1;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

int host_os_add(struct host_os_table *t, const struct host_os_prefix *p, char *why, size_t why_len)
{
	static const uint8_t zero[16];
	unsigned max = p->ip_version == 4 ? 32 : 128;
	uint32_t at = 0;

	if (p->len > max || (p->ip_version != 4 && p->ip_version != 6)) {
		snprintf(why, why_len, "bad prefix length");
		return -EINVAL;
	}
	/* the address with its bits past len cleared must be the address */
	uint8_t masked[16] = {0};
	memcpy(masked, p->addr, (p->len + 7) / 8);
	if (p->len % 8)
		masked[p->len / 8] &= (uint8_t)(0xff00u >> (p->len % 8));
	if (memcmp(masked, p->addr, sizeof(masked)) != 0 ||
	    (p->ip_version == 4 && memcmp(p->addr + 4, zero, 12) != 0)) {
		snprintf(why, why_len, "bits set past the prefix length");
		return -EINVAL;
	}
	while (at < t->count && host_os_order(&t->prefixes[at], p) < 0)
		at++;
	if (at < t->count && host_os_order(&t->prefixes[at], p) == 0) {
		char name[32];
		host_os_key_name((enum host_os_kind)t->prefixes[at].kind, t->prefixes[at].value,
				 name, sizeof(name));
		snprintf(why, why_len, "listed twice (also under %s)", name);
		return -EINVAL;
	}
	if (t->count == HOST_OS_MAX_PREFIXES) {
		snprintf(why, why_len, "more than %d prefixes", HOST_OS_MAX_PREFIXES);
		return -EINVAL;
	}
	memmove(&t->prefixes[at + 1], &t->prefixes[at], (t->count - at) * sizeof(t->prefixes[0]));
	t->prefixes[at] = *p;
	t->count++;
	return 0;
}

/* The value of the longest prefix of kind covering addr, or -1. */
static int host_os_match(const struct host_os_table *t, enum host_os_kind kind, const uint8_t *addr,
			 uint8_t ip_version)
{
	for (uint32_t i = 0; i < t->count; i++) {
		const struct host_os_prefix *p = &t->prefixes[i];

		if (p->kind != kind || p->ip_version != ip_version)
			continue;
		if (host_os_bits_equal(p->addr, addr, p->len))
			return p->value;
	}
	return -1;
}

struct host_os_policy host_os_lookup(const struct host_os_table *t, const uint8_t *addr,
				     uint8_t ip_version)
{
	struct host_os_policy policy = {STREAM_OVERLAP_LINUX, STREAM_URGENT_OOB};

	if (!t || t->count == 0)
		return policy;
	int stack = host_os_match(t, HOST_OS_STACK, addr, ip_version);
	if (stack >= 0)
		policy.overlap = (enum stream_overlap)stack;
	int urgent = host_os_match(t, HOST_OS_URGENT, addr, ip_version);
	policy.urgent =
	    urgent >= 0 ? (enum stream_urgent)urgent : host_os_urgent_default(policy.overlap);
	return policy;
}

enum stream_urgent host_os_urgent_default(enum stream_overlap overlap)
{
	return overlap == STREAM_OVERLAP_FIRST || overlap == STREAM_OVERLAP_LAST
		   ? STREAM_URGENT_INLINE
		   : STREAM_URGENT_OOB;
}

int host_os_key(const char *name, enum host_os_kind *kind, uint8_t *value)
{
	for (unsigned i = 0; i < STREAM_OVERLAP_COUNT; i++) {
		if (strcmp(name, stream_overlap_name[i]) == 0) {
			*kind = HOST_OS_STACK;
			*value = (uint8_t)i;
			return 0;
		}
	}
	size_t n = strlen(HOST_OS_URGENT_PREFIX);
	if (strncmp(name, HOST_OS_URGENT_PREFIX, n) != 0)
		return -EINVAL;
	for (unsigned i = 0; i < STREAM_URGENT_COUNT; i++) {
		if (strcmp(name + n, stream_urgent_name[i]) == 0) {
			*kind = HOST_OS_URGENT;
			*value = (uint8_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

void host_os_key_name(enum host_os_kind kind, uint8_t value, char *name, size_t len)
{
	if (kind == HOST_OS_STACK && value < STREAM_OVERLAP_COUNT)
		snprintf(name, len, "%s", stream_overlap_name[value]);
	else if (kind == HOST_OS_URGENT && value < STREAM_URGENT_COUNT)
		snprintf(name, len, "%s%s", HOST_OS_URGENT_PREFIX, stream_urgent_name[value]);
	else
		snprintf(name, len, "?");
}
