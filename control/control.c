/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control lcore loop body. Until the management stack lands, frames that
 * reach the management port are counted and freed so its queue never fills.
 */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "control/control.h"

#define CONTROL_BURST 32

int control_add_management_port(struct control *control, uint16_t port_id)
{
	if (control->management_port_count == CONTROL_MAX_PORTS)
		return -ENOSPC;
	control->management_ports[control->management_port_count++] = port_id;
	return 0;
}

void control_poll(struct control *control)
{
	struct rte_mbuf *burst[CONTROL_BURST];
	for (unsigned i = 0; i < control->management_port_count; i++) {
		uint16_t n = rte_eth_rx_burst(control->management_ports[i], 0, burst, CONTROL_BURST);
		control->management_rx_packets += n;
		rte_pktmbuf_free_bulk(burst, n);
	}
}
