/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Target-based reassembly, per destination (ids mode): the stack that
 * receives a direction of a TCP connection decides how overlapping
 * segments resolve (enum stream_overlap) and whether the urgent byte stays
 * in the stream (enum stream_urgent), so vigil reassembles each direction
 * as its receiver does. The table is Suricata's host-os-policy: prefixes
 * with a policy each, the longest prefix that covers an address wins, and
 * an address no prefix covers is taken for Linux. Urgent data follows the
 * stack (host_os_urgent_default()) unless an urgent prefix covers the
 * address (an application that sets SO_OOBINLINE, say).
 *
 * ips mode ignores the table: every stream keeps the first copy and the
 * normalizer drops what contradicts it, and urgent data (dataplane/flow/
 * normalize.h), so that every receiver reads what vigil inspected.
 *
 * The board fills a table (host_os_add()) before the workers start; from
 * then on it is read-only and shared by every worker without locks, and
 * lives as long as the board. The flow table looks each new TCP flow's
 * two addresses up once (host_os_lookup(): a scan of at most
 * HOST_OS_MAX_PREFIXES entries, none at all when the table is empty);
 * nothing here runs per packet.
 */
#ifndef VIGIL_DATAPLANE_HOST_OS_H
#define VIGIL_DATAPLANE_HOST_OS_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/flow/stream.h"

#define HOST_OS_MAX_PREFIXES 256

/* What a prefix says about the hosts it covers. */
enum host_os_kind {
	HOST_OS_STACK = 0,  /* value: enum stream_overlap (the stack, urgent data by default) */
	HOST_OS_URGENT = 1, /* value: enum stream_urgent, whatever the stack */
};

struct host_os_prefix {
	uint8_t addr[16];   /* network order, bits past len zero; IPv4 in the first four */
	uint8_t len;	    /* prefix length: up to 32 (IPv4) or 128 (IPv6) */
	uint8_t ip_version; /* 4 or 6 */
	uint8_t kind;	    /* enum host_os_kind */
	uint8_t value;	    /* by kind */
};

/* Zero it to start empty. Kept sorted (kind, ip_version, longest first). */
struct host_os_table {
	uint32_t count;
	struct host_os_prefix prefixes[HOST_OS_MAX_PREFIXES];
};

/* How one receiver reassembles. */
struct host_os_policy {
	enum stream_overlap overlap;
	enum stream_urgent urgent;
};

/*
 * Add prefix p to t. Refused, with the reason in why: bits set past the
 * prefix length, the same prefix already there for the same kind (whatever
 * its value), or a full table. Returns 0 or -EINVAL. Control path (the
 * board), before the workers start.
 */
int host_os_add(struct host_os_table *t, const struct host_os_prefix *p, char *why, size_t why_len);

/*
 * The policy of the host at addr (16 bytes, network order, IPv4 in the
 * first four), ip_version 4 or 6: the longest stack prefix that covers it
 * (else linux), then the longest urgent prefix (else the stack's default).
 * t may be NULL (no table). Any lcore; reads t only.
 */
struct host_os_policy host_os_lookup(const struct host_os_table *t, const uint8_t *addr,
				     uint8_t ip_version);

/*
 * What a stack does with urgent data when the application keeps the socket
 * default: STREAM_URGENT_OOB for the stacks (all of them take the urgent
 * byte out of band); STREAM_URGENT_INLINE for first and last, which model
 * a sensor that knows no stack and keeps every byte sent (as Snort and
 * Suricata do by default).
 */
enum stream_urgent host_os_urgent_default(enum stream_overlap overlap);

/*
 * The board's key for (kind, value) and back: a stack's name ("linux",
 * "windows", ...) or "urgent_" and an urgent policy ("urgent_inline").
 * host_os_key() returns 0, or -EINVAL for a name that is neither; it writes
 * at most len bytes of the name (NUL included) for host_os_key_name().
 */
int host_os_key(const char *name, enum host_os_kind *kind, uint8_t *value);
void host_os_key_name(enum host_os_kind kind, uint8_t value, char *name, size_t len);

#endif
