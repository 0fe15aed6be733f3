/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Alert sinks that leave the box over the management stack: syslog
 * (RFC 5424 messages, octet-counting framing, RFC 5425 TLS) and webhooks
 * (HTTPS POST of batched EVE records with a Slack-compatible "text"
 * summary). Every EVE line the control lcore formats is offered to every
 * sink; each sink has a bounded queue and its own thread that connects
 * (TLS over an lwIP netconn, the server verified against the sink's CA),
 * delivers and retries with backoff. Nothing here ever blocks the control
 * lcore: a full queue refuses the record and counts it, so no sampling
 * and no silent loss: every record is either delivered or counted as
 * undelivered (queue full, or given up after the retries).
 *
 * Threads: sink_push and sink_status run on the control lcore; the queue
 * is the only thing shared with the sink's thread (a mutex held for a
 * pointer move). One kind of sink is one row of the table in sinks.c.
 */
#ifndef VIGIL_CONTROL_SINKS_H
#define VIGIL_CONTROL_SINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/console_proto.h"

#define SINK_ERROR_MAX 160

struct sink_config {
	const char *kind;	 /* "syslog" or "webhook" */
	const char *target;	 /* syslog: "HOST:PORT"; webhook: "https://HOST[:PORT]/PATH" */
	const char *ca;		 /* the CA the server's certificate must chain to */
	const char *server_name; /* the name the server's certificate must carry; NULL: the
				    target's host name, or the CA only when that is an address */
	const char *cert, *key; /* a client certificate, when the server asks for one; NULL: none */
	unsigned queue_len;	/* records waiting at most */
	unsigned batch;		/* webhook: records per POST at most */
	const char *hostname;	/* syslog HOSTNAME field: the board's name */
	const char *dns;   /* DNS servers for a host name (resolver_servers_parse); NULL: none */
	unsigned facility; /* syslog: the facility, 0..23 */
	const char *const *headers; /* webhook: extra "Name: value" lines (sink_header_check) */
	unsigned header_count;
	const char *events;    /* event types the sink takes (sink_filter_parse_types); NULL: all */
	unsigned min_severity; /* alerts of severity 1..min_severity only; 0: any */
};

struct sink_status {
	char name[32]; /* "syslog", "webhook" */
	char target[160];
	char address[48]; /* the address the host name resolved to last ("" before) */
	bool connected;
	uint64_t offered;      /* records the sink's filter took from the control lcore */
	uint64_t filtered;     /* records its filter left out (not counted anywhere else) */
	uint64_t queued;       /* waiting now */
	uint64_t delivered;    /* acknowledged: written to the TLS stream (syslog), 2xx (webhook) */
	uint64_t dropped_full; /* refused: the queue was full */
	uint64_t failed;       /* refused for good by the server, or left at the stop's grace */
	uint64_t retries;      /* deliveries tried again, the records kept (errors, 5xx, 429) */
	uint64_t throttled;    /* answers 429 or 503: waited as Retry-After said */
	uint64_t connects, connect_failures;
	char last_error[SINK_ERROR_MAX];
};

struct sink;

/*
 * Check config, load the CA (and client certificate), start the sink's
 * thread. Returns the sink, or NULL with the reason in err (the setting
 * named). The management stack must be up.
 */
struct sink *sink_start(const struct sink_config *config, char *err, size_t err_len);

/*
 * Offer one EVE line (len bytes, no newline): queued when the sink's filter
 * takes it, counted as filtered otherwise. Control lcore; never blocks.
 */
void sink_push(struct sink *sink, const char *line, size_t len);

/* A snapshot of the counters. Control lcore. */
void sink_status_read(struct sink *sink, struct sink_status *out);

/* The status as a JSON object (for sinks status). */
void sink_status_json(const struct sink_status *s, struct json_out *j);

/*
 * Stop: the thread gets up to grace_ms to deliver what is queued, then
 * what is left is counted as failed. Frees the sink. Control lcore.
 */
void sink_stop(struct sink *sink, unsigned grace_ms);

#endif
