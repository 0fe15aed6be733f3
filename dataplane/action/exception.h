/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path: frames for the appliance's own address on a data
 * port (a load balancer's health check, a ping, ARP and neighbour
 * solicitations for that address) leave the dataplane for the control
 * lcore's TCP/IP stack instead of being forwarded, and the stack's answers
 * come back to be sent on the port they concern.
 *
 * Each worker owns one struct exception_path: its own single-producer ring
 * to the control lcore (to_control) and a single-consumer ring of frames
 * the control lcore made (to_wire, the mbuf's port field names the port).
 * The worker keeps the transmit side, so the control lcore never touches a
 * data port's queues. A full ring is counted, never waited on.
 */
#ifndef VIGIL_DATAPLANE_EXCEPTION_H
#define VIGIL_DATAPLANE_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>

#define EXCEPTION_MAX_PORTS 32
#define EXCEPTION_RING_SIZE 512

struct rte_mbuf;
struct rte_ring;

/* The appliance's own addresses on one data port. */
struct exception_port {
	bool has_ipv4, has_ipv6;
	uint8_t ipv4[4];
	uint8_t ipv6[16];
};

struct exception_path {
	struct exception_port own[EXCEPTION_MAX_PORTS]; /* by DPDK port id */
	struct rte_ring *to_control;
	struct rte_ring *to_wire;
	uint64_t taken;	    /* frames handed to the control lcore */
	uint64_t ring_full; /* frames dropped: to_control was full */
	uint64_t sent;	    /* frames of the stack sent on a data port */
	uint64_t send_full; /* frames of the stack dropped: the port's queue was full */
};

/*
 * Does frame m, received on port, belong to the appliance itself (IPv4 or
 * IPv6 to its address on that port, ARP for it, a neighbour solicitation
 * for it)? When it does, m goes to the control lcore (or is freed when
 * the ring is full, counted) and true is returned: the caller must not
 * touch m again. Per-packet path, owning worker; a few loads when the
 * port has an address, one when it has none.
 */
bool exception_take(struct exception_path *ex, uint16_t port, struct rte_mbuf *m);

/* Send what the control lcore queued for the wire, on transmit queue queue of each frame's port. Owning worker. */
void exception_send(struct exception_path *ex, uint16_t queue);

#endif
