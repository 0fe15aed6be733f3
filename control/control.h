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

struct control {
	uint16_t management_ports[CONTROL_MAX_PORTS];
	unsigned management_port_count;
	uint64_t management_rx_packets; /* frames received and not yet answered */
};

/* Add a management port (queue 0 is the control lcore's). Returns 0 or -ENOSPC. */
int control_add_management_port(struct control *control, uint16_t port_id);

/* One pass of the control loop: poll the management ports. Control lcore only. */
void control_poll(struct control *control);

#endif
