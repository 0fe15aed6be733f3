/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore's loop body. Today it drains the management port and
 * counts what arrives there; the lwIP stack, the TLS console, rule updates
 * and alert sinks (later issues) hang off the same poll. It never touches a
 * worker's state: workers are read, never written.
 */
#ifndef VIGIL_CONTROL_CONTROL_H
#define VIGIL_CONTROL_CONTROL_H

#include <stdint.h>

#define CONTROL_MAX_PORTS 4
#define CONTROL_MAX_WORKERS 64

struct rte_ring;
struct eve;

struct control {
	uint16_t management_ports[CONTROL_MAX_PORTS];
	unsigned management_port_count;
	uint64_t management_rx_packets; /* frames received and not yet answered */
	struct rte_ring *alert_rings[CONTROL_MAX_WORKERS]; /* one per worker, we consume */
	unsigned alert_ring_count;
	struct eve *eve; /* where alerts go; NULL: counted only */
	uint64_t alerts_taken;
};

/* Add a worker's alert ring. Returns 0 or -ENOSPC. */
int control_add_alert_ring(struct control *control, struct rte_ring *ring);

/* Take every queued alert now (shut-down: after the workers stopped). Control lcore. */
void control_drain_alerts(struct control *control);

/* Add a management port (queue 0 is the control lcore's). Returns 0 or -ENOSPC. */
int control_add_management_port(struct control *control, uint16_t port_id);

/* One pass of the control loop: poll the management ports, take alerts. Control lcore only. */
void control_poll(struct control *control);

#endif
