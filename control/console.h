/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The secured console: a TLS 1.2 server (mbedTLS) on the management
 * stack (lwIP netconns, control/mgmt.h). Only ECDHE key exchange with
 * AES-GCM or ChaCha20-Poly1305; a client certificate signed by the
 * operator CA is required, and its subject's OU gives the role: "admin"
 * (everything) or "viewer" (read-only commands). No passwords, no
 * plaintext port. Failed handshakes are logged and counted per source;
 * a source with CONSOLE_FAILS_TO_BLOCK failures within
 * CONSOLE_FAIL_WINDOW_S seconds is refused for CONSOLE_BLOCK_S seconds.
 *
 * Threads (see control/README.md): each session runs on its own thread
 * (at most console_config.sessions at once) doing TLS and the protocol
 * of control/console_proto.h. A request is not executed there: it is
 * handed to the control lcore, which runs it in console_poll() (the
 * control lcore owns the rulesets, the counters and the sinks) and hands
 * the JSON answer back. So commands never race with each other or with
 * the control lcore's own work, and the dataplane is never touched from
 * a console thread. A long command keeps the client informed with
 * progress lines (see console_execute_fn).
 */
#ifndef VIGIL_CONTROL_CONSOLE_H
#define VIGIL_CONTROL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/console_proto.h"

#define CONSOLE_FAILS_TO_BLOCK 5
#define CONSOLE_FAIL_WINDOW_S  60
#define CONSOLE_BLOCK_S	       60

enum console_role {
	CONSOLE_ROLE_VIEWER,
	CONSOLE_ROLE_ADMIN,
};

struct console_config {
	uint16_t port;	   /* TCP port on the management addresses */
	const char *cert;  /* the appliance's certificate (PEM), chain allowed */
	const char *key;   /* its private key (PEM) */
	const char *ca;	   /* the operator CA: client certificates must chain to it */
	unsigned sessions; /* sessions served at once */
	unsigned idle_s;   /* a session silent this long is closed */
	/* The management addresses: a connection to any other address of the
	 * stack (a data port's own address) is refused. */
	bool has_ipv4, has_ipv6;
	uint8_t ipv4[4], ipv6[16];
};

/* One request as the control lcore sees it. */
struct console_call {
	enum console_role role;
	char subject[256]; /* the client certificate's subject, for the audit log */
	char peer[64];	   /* the client's address */
	const struct console_request *request;
	const uint8_t *payload;	 /* request->payload_len bytes, or NULL */
	struct json_out *answer; /* the handler writes one JSON object here */
};

/*
 * Runs a request on the control lcore; fills call->answer and returns
 * true when it is done. A long request (a rule compile) may return false:
 * console_poll calls again with the same call on later passes until it
 * returns true, and meanwhile the session sends the client a progress
 * line about every second ({"progress": "...", "elapsed_s": N}, no "ok").
 */
typedef bool (*console_execute_fn)(void *arg, struct console_call *call);

struct console_counters {
	uint64_t sessions;		 /* TLS sessions established */
	uint64_t handshake_failures;	 /* failed handshakes (bad or no certificate, junk) */
	uint64_t refused_blocked;	 /* connections refused: source blocked */
	uint64_t refused_busy;		 /* connections refused: every session slot taken */
	uint64_t refused_no_role;	 /* good certificate without an admin/viewer OU */
	uint64_t refused_not_management; /* to an address that is not a management address */
	uint64_t requests;		 /* requests executed */
};

struct console;

/*
 * Load the certificates and key, listen on the management stack and start
 * the session threads. Returns the console, or NULL with the reason in err
 * (a file that cannot be read or parsed is named). Control lcore, after
 * mgmt_start.
 */
struct console *console_start(const struct console_config *config, console_execute_fn execute,
			      void *arg, char *err, size_t err_len);

/* Execute a waiting request, if any. Control lcore only; never blocks. */
void console_poll(struct console *console);

/* A copy of the counters. */
void console_counters_read(struct console *console, struct console_counters *out);

/* Name of a role: "admin" or "viewer". */
const char *console_role_name(enum console_role role);

/* Stop listening, end the sessions and free everything. Control lcore. */
void console_stop(struct console *console);

#endif
