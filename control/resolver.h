/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small DNS stub resolver over the management stack, for the alert
 * sinks' host names. Debian's liblwip is built without LWIP_DNS (no
 * dns_gethostbyname, no netconn_gethostbyname, and lwipopts.h is the
 * package's, not ours), so the queries go out here over a UDP netconn:
 * one question (A, then AAAA when the name has no IPv4 address) to each
 * of the board's servers in turn ([management] dns), the answer checked
 * against the query's random id and question, CNAME chains followed.
 * No cache beyond what the caller keeps with the answer's TTL; no TCP
 * fallback (an answer too big for UDP fails).
 *
 * Threads: resolver_lookup blocks (up to about 2 s per server and type):
 * sink threads only, never the control lcore. The rest is pure.
 */
#ifndef VIGIL_CONTROL_RESOLVER_H
#define VIGIL_CONTROL_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESOLVER_SERVERS_MAX 3
#define RESOLVER_TYPE_A	     1
#define RESOLVER_TYPE_CNAME  5
#define RESOLVER_TYPE_AAAA   28

struct resolver_address {
	bool ipv6;
	uint8_t addr[16]; /* IPv4: the first 4 bytes */
	uint16_t port;	  /* servers only: 53 unless given */
};

struct resolver_servers {
	struct resolver_address server[RESOLVER_SERVERS_MAX];
	unsigned count;
};

/*
 * Parse the board's server list: up to RESOLVER_SERVERS_MAX of ADDR,
 * ADDR:PORT (IPv4) or [ADDR]:PORT (IPv6), separated by spaces or commas.
 * Returns 0, or -EINVAL naming the bad one in why. "" gives no servers.
 */
int resolver_servers_parse(const char *text, struct resolver_servers *servers, char *why,
			   size_t why_len);

/* The query for name (no trailing dot needed) and qtype, with id. Returns its length, or 0. */
size_t resolver_query_build(uint16_t id, const char *name, uint16_t qtype, uint8_t *out,
			    size_t out_len);

/*
 * Read an answer to the query (id, name, qtype): the first address of
 * qtype owned by name or by the end of its CNAME chain, with its TTL.
 * Returns 0; -ENOENT when the name does not exist or has no such address;
 * -EPROTO when msg is not an answer to that query (wrong id, question,
 * malformed); -EMSGSIZE when it was truncated; -EIO on a server failure.
 */
int resolver_answer_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
			  uint16_t qtype, struct resolver_address *out, uint32_t *ttl);

/*
 * Resolve name through servers (IPv4 first, then IPv6). Fills *out and
 * *ttl and returns 0, or returns a negative error with the reason in why.
 * Blocks, asking stop(arg) (when not NULL) before every try, so a thread
 * that is told to stop waits at most one try's timeout; -ECANCELED then.
 * A sink thread's call.
 */
int resolver_lookup(const struct resolver_servers *servers, const char *name,
		    struct resolver_address *out, uint32_t *ttl, bool (*stop)(void *arg), void *arg,
		    char *why, size_t why_len);

#endif
