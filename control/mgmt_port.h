/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK side of the management stack, kept apart from control/mgmt.c
 * because DPDK's and lwIP's protocol headers define the same names
 * (struct ip6_hdr, IP_DF, ...) and cannot meet in one file. Used by
 * control/mgmt.c and, for the exception rings, control/control.c.
 */
#ifndef VIGIL_CONTROL_MGMT_PORT_H
#define VIGIL_CONTROL_MGMT_PORT_H

#include <stdint.h>

struct rte_mempool;

/* The port's MAC address into mac[6]. Returns 0 or a negative error. */
int mgmt_port_mac(uint16_t port_id, uint8_t mac[6]);

/*
 * Send one frame of len bytes on queue 0 (copied into a new mbuf from
 * pool). Returns 0, -ENOMEM without an mbuf, -ENOBUFS when the queue is
 * full. One thread only may send (lwIP's tcpip thread).
 */
int mgmt_port_send(uint16_t port_id, struct rte_mempool *pool, const void *frame, uint32_t len);

/*
 * Receive up to a burst on queue 0 and give each frame to deliver (data
 * and length valid during the call only). Returns the number of frames.
 * Control lcore only.
 */
unsigned mgmt_port_receive(uint16_t port_id,
			   void (*deliver)(void *arg, const void *frame, uint32_t len), void *arg);

/*
 * Queue one frame for a data port: copied into a new mbuf from pool whose
 * port field is port, enqueued on ring (a worker's exception to_wire ring;
 * the worker transmits it). Returns 0, -ENOMEM or -ENOBUFS (ring full).
 * lwIP's tcpip thread is the ring's only producer.
 */
int mgmt_port_inject(void *ring, struct rte_mempool *pool, uint16_t port, const void *frame,
		     uint32_t len);

/*
 * Take up to a burst of frames from ring (a worker's exception to_control
 * ring), give each to deliver with the port it came in on, free them.
 * Returns the number of frames. Control lcore only (the ring's consumer).
 */
unsigned mgmt_port_drain(void *ring,
			 void (*deliver)(void *arg, uint16_t port, const void *frame, uint32_t len),
			 void *arg);

#endif
