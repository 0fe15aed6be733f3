/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Health checks answered on the data ports' own addresses (the exception
 * path's netifs, control/mgmt.h mgmt_start_data), never on the
 * management addresses: a gateway load balancer checks the appliance
 * where it sends the traffic. Two kinds, each on its own port:
 *
 * - TCP (AWS's and Azure's TCP probe): while the verdict is healthy the
 *   port listens, and a connection is accepted and closed at once. While
 *   it fails, the port is closed, so lwIP answers a SYN with RST
 *   ("connection refused"): the probe fails at once, where a port that
 *   accepted and then reset would pass a TCP probe (the handshake is what
 *   it checks), and one that stayed silent would fail only at the
 *   probe's timeout. A connection accepted just as the verdict turns is
 *   reset.
 * - HTTP (GET or HEAD, any path, HTTP/1.0 or 1.1): 200 "healthy" or 503
 *   with the reason, then the connection is closed. A request must be
 *   whole within HEALTH_HTTP_DEADLINE_MS and HEALTH_HTTP_REQUEST_MAX
 *   bytes; at most HEALTH_HTTP_CONNECTIONS are served at once, and a new
 *   one sheds the oldest, so slow or hostile clients hold nothing for
 *   long and cannot keep a balancer's probe out.
 *
 * Threads (see control/README.md): one per listening socket (an address
 * and a kind) that opens and closes its port as the verdict changes
 * (health_now, read every HEALTH_POLL_MS) and accepts; one per HTTP
 * connection. They use lwIP through netconns only, never the console's
 * threads or slots, so health checks cannot starve the operator's
 * console; the counters are atomics.
 */
#ifndef VIGIL_CONTROL_HEALTH_LISTENER_H
#define VIGIL_CONTROL_HEALTH_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "control/health.h"

#define HEALTH_LISTENER_MAX_ADDRESSES 8
#define HEALTH_POLL_MS		      20   /* a listener sees a new verdict within this */
#define HEALTH_HTTP_DEADLINE_MS	      2000 /* a request must be whole by then */
#define HEALTH_HTTP_CONNECTIONS	      8	   /* HTTP connections served at once */

struct health_address {
	bool ipv6;
	uint8_t addr[16]; /* IPv4: the first 4 bytes */
};

struct health_listener_config {
	uint16_t tcp_port;  /* 0: no TCP check */
	uint16_t http_port; /* 0: no HTTP check */
	struct health_address addresses[HEALTH_LISTENER_MAX_ADDRESSES];
	unsigned address_count;
};

/* _(SYMBOL, "name", "what it counts") */
#define foreach_health_check_counter                                                               \
	_(TCP_ACCEPTED, "tcp_accepted", "TCP checks accepted and closed while healthy")            \
	_(TCP_RESET, "tcp_reset", "TCP checks reset: the verdict turned as they were accepted")    \
	_(TCP_CLOSED, "tcp_port_closed", "times the TCP port was closed for a failing verdict")    \
	_(HTTP_OK, "http_200", "HTTP checks answered 200")                                         \
	_(HTTP_UNAVAILABLE, "http_503", "HTTP checks answered 503")                                \
	_(HTTP_REFUSED, "http_refused", "HTTP requests refused: 400, 405, 431 or 505")             \
	_(HTTP_TIMEOUT, "http_timeouts", "HTTP connections without a whole request in time")       \
	_(HTTP_SHED, "http_shed", "HTTP connections dropped for a newer one")                      \
	_(HTTP_BUSY, "http_busy", "HTTP connections refused: no thread could be had")

enum health_check_counter {
#define _(sym, name, text) HEALTH_CHECK_##sym,
	foreach_health_check_counter
#undef _
	    HEALTH_CHECK_COUNTER_COUNT
};

extern const char *const health_check_counter_name[HEALTH_CHECK_COUNTER_COUNT];

struct health_listener;

/*
 * Listen for health checks on every configured address (a trial bind of
 * each port at once, so a port that cannot be had is an error now),
 * answering from health's verdict. health must outlive the listener.
 * Returns the listener, or NULL with the reason in err. Control lcore,
 * after the data-side netifs are up.
 */
struct health_listener *health_listener_start(const struct health_listener_config *config,
					      const struct health *health, char *err,
					      size_t err_len);

/* A copy of the counters (HEALTH_CHECK_COUNTER_COUNT of them). Any thread. */
void health_listener_counters_read(const struct health_listener *l, uint64_t *out);

/* Stop listening, end the connections and free everything. Control lcore. */
void health_listener_stop(struct health_listener *l);

/*
 * The health report as one JSON object: verdict, per worker, checks (l
 * may be NULL: no listener), and the same as one line of text for people.
 * Control lcore (reads the watch the control lcore writes).
 */
void health_json(FILE *f, const struct health *h, const struct health_listener *l, uint64_t now_ms,
		 bool stopping);
void health_text(FILE *f, const struct health *h, const struct health_listener *l, uint64_t now_ms,
		 bool stopping);

#endif
