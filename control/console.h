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
 * A handshake the client closes cleanly before it sends a certificate is
 * abandoned, not failed: browsers open spare connections ahead of need and
 * drop those on which the server asks for a certificate. Those count apart
 * and block only past CONSOLE_ABANDONS_TO_BLOCK in the window, so a
 * dashboard left open is never locked out while a connect-and-drop flood
 * (each costs the appliance a key exchange) still is.
 *
 * The operator must never be locked out (issue 12), so a connection holds
 * one of two kinds of slot. Until its certificate is checked it holds a
 * handshake slot (console_config.handshakes of them) for at most
 * handshake_timeout_ms; when a connection arrives and every handshake
 * slot is taken, one is dropped (shed): of the source holding the most,
 * the one that has come least far, then the one stalled longest; so
 * unfinished handshakes cannot keep anyone out for long, and a flood
 * reopened as fast as it is shed does not shed a handshake that moves. Once authenticated it takes a session slot (console_config.
 * sessions): a viewer never takes the last free one, and an admin who
 * finds every slot taken evicts the longest-idle viewer. Idle sessions
 * are closed after a time per role. Refused connections reach the audit
 * log as summaries: at most one per source per CONSOLE_REFUSAL_INTERVAL_S
 * (console_refusal_fn), for at most CONSOLE_REFUSAL_SOURCES sources at
 * once plus one line for all the others, so a flood cannot fill the disk.
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

#define CONSOLE_FAILS_TO_BLOCK	   5
#define CONSOLE_ABANDONS_TO_BLOCK  60
#define CONSOLE_FAIL_WINDOW_S	   60
#define CONSOLE_BLOCK_S		   60
#define CONSOLE_REFUSAL_INTERVAL_S 10 /* one audit summary per source this often at most */
#define CONSOLE_REFUSAL_SOURCES	   32 /* sources summarised apart; the rest share one line */

enum console_role {
	CONSOLE_ROLE_VIEWER,
	CONSOLE_ROLE_ADMIN,
};

struct console_config {
	uint16_t port;	     /* TCP port on the management addresses */
	const char *cert;    /* the appliance's certificate (PEM), chain allowed */
	const char *key;     /* its private key (PEM) */
	const char *ca;	     /* the operator CA: client certificates must chain to it */
	unsigned sessions;   /* authenticated sessions at once; a viewer never takes the last */
	unsigned handshakes; /* unauthenticated handshakes at once (oldest shed) */
	unsigned handshake_timeout_ms; /* a handshake must finish within this */
	unsigned admin_idle_s;	       /* an admin session silent this long is closed */
	unsigned viewer_idle_s;	       /* a viewer session silent this long is closed */
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
	/* A read the dashboard or a scraper repeats every few seconds (HTTP
	 * GET): counted by the console, not written to the audit log one by
	 * one, which it would fill. */
	bool quiet;
};

/*
 * Runs a request on the control lcore; fills call->answer and returns
 * true when it is done. A long request (a rule compile) may return false:
 * console_poll calls again with the same call on later passes until it
 * returns true, and meanwhile the session sends the client a progress
 * line about every second ({"progress": "...", "elapsed_s": N}, no "ok").
 */
typedef bool (*console_execute_fn)(void *arg, struct console_call *call);

/* Why a connection was refused; declared once, names for the audit log. */
#define foreach_console_refusal                                                                    \
	_(HANDSHAKE_FAILED, "handshake_failed")	      /* bad or no certificate, junk */            \
	_(HANDSHAKE_TIMEOUT, "handshake_timeout")     /* unfinished within the deadline */         \
	_(HANDSHAKE_SHED, "handshake_shed")	      /* dropped for a newer connection */         \
	_(HANDSHAKE_ABANDONED, "handshake_abandoned") /* closed by the client before its cert */   \
	_(BLOCKED, "blocked")			      /* source blocked after failures */          \
	_(BUSY, "busy")				      /* no session slot for the role */           \
	_(NO_ROLE, "no_role")			      /* certificate without admin/viewer */

enum console_refusal_reason {
#define _(sym, name) CONSOLE_REFUSAL_##sym,
	foreach_console_refusal
#undef _
	    CONSOLE_REFUSAL_COUNT
};

/* Name of a refusal reason, as in the audit log. */
const char *console_refusal_name(enum console_refusal_reason reason);

/* The refusals of one source (peer "*": of every source not summarised apart)
 * since its last summary. */
struct console_refusal {
	char peer[64];
	uint64_t count;
	uint64_t by_reason[CONSOLE_REFUSAL_COUNT];
	char last_error[128]; /* the last refusal's detail (the TLS error), or "" */
};

/*
 * Receives one summary of refusals, on the control lcore (from
 * console_poll), at most once per source per CONSOLE_REFUSAL_INTERVAL_S;
 * arg is console_start's. The summary is only lent for the call.
 */
typedef void (*console_refusal_fn)(void *arg, const struct console_refusal *refusal);

struct console_counters {
	uint64_t sessions;	     /* TLS sessions established */
	uint64_t handshake_failures; /* failed handshakes (bad or no certificate, junk, timeout) */
	uint64_t handshake_timeouts; /* handshakes unfinished within the deadline */
	uint64_t handshakes_shed;    /* handshakes dropped for a newer connection */
	uint64_t handshakes_abandoned;	 /* closed by the client before its certificate */
	uint64_t viewers_evicted;	 /* idle viewer sessions closed for an admin */
	uint64_t refused_blocked;	 /* connections refused: source blocked */
	uint64_t refused_busy;		 /* refused: no session slot for the role */
	uint64_t refused_no_role;	 /* good certificate without an admin/viewer OU */
	uint64_t refused_not_management; /* to an address that is not a management address */
	uint64_t requests;		 /* requests executed */
	uint64_t http_requests;		 /* HTTP requests (dashboard, /metrics) */
	uint64_t http_refused;		 /* of those, answered with an error */
};

struct console;

/*
 * Load the certificates and key, listen on the management stack and start
 * the session threads. execute runs requests and refused (may be NULL)
 * receives the refusal summaries, both with arg, both on the control lcore.
 * Returns the console, or NULL with the reason in err (a file that cannot
 * be read or parsed is named). Control lcore, after mgmt_start.
 */
struct console *console_start(const struct console_config *config, console_execute_fn execute,
			      console_refusal_fn refused, void *arg, char *err, size_t err_len);

/* Execute a waiting request, if any, and hand over the refusal summaries
 * that are due. Control lcore only; never blocks. */
void console_poll(struct console *console);

/* A copy of the counters. */
void console_counters_read(struct console *console, struct console_counters *out);

/*
 * What a long request is doing now ("compiling 1200 of 9000 patterns"),
 * added to the progress lines its client gets (console_execute_fn); the
 * next request starts without one. Any thread (a command's job thread).
 */
void console_progress_note(struct console *console, const char *text);

/* Name of a role: "admin" or "viewer". */
const char *console_role_name(enum console_role role);

/* Stop listening, end the sessions and free everything. Control lcore. */
void console_stop(struct console *console);

#endif
