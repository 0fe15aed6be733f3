/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lwIP netif on a DPDK management port: frames in from the control lcore's
 * poll, frames out from lwIP's tcpip thread. Static IPv4 and IPv6
 * addresses from the board; ARP, ND and ICMP echo are lwIP's own. What
 * runs on top (console, sinks) is left to their modules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

#include "control/mgmt.h"
#include "control/mgmt_port.h"

#define MGMT_MTU 1500

struct mgmt {
	struct netif netif;
	uint16_t port_id;
	struct rte_mempool *pool;
	void *to_wire; /* data side: a worker's exception ring; NULL: the management port */
	struct mgmt_counters counters;
};

static bool mgmt_lwip_started;

/*
 * lwIP's linkoutput: copy the pbuf chain into one mbuf and send it on
 * queue 0. Runs on the tcpip thread only (lwIP output always does, under
 * core locking), so queue 0's transmit side has one user.
 */
static err_t mgmt_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct mgmt *mgmt = netif->state;
	uint8_t frame[MGMT_MTU + 18];
	if (p->tot_len > sizeof(frame)) {
		mgmt->counters.tx_dropped++;
		return ERR_BUF;
	}
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	int rc = mgmt->to_wire
		     ? mgmt_port_inject(mgmt->to_wire, mgmt->pool, mgmt->port_id, frame, p->tot_len)
		     : mgmt_port_send(mgmt->port_id, mgmt->pool, frame, p->tot_len);
	if (rc < 0) {
		mgmt->counters.tx_dropped++;
		return ERR_MEM;
	}
	mgmt->counters.tx_frames++;
	return ERR_OK;
}

static err_t mgmt_netif_init(struct netif *netif)
{
	struct mgmt *mgmt = netif->state;
	if (mgmt_port_mac(mgmt->port_id, netif->hwaddr) != 0)
		return ERR_IF;
	netif->name[0] = mgmt->to_wire ? 'd' : 'm';
	netif->name[1] = mgmt->to_wire ? 'x' : 'g';
	netif->mtu = MGMT_MTU;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
	netif->linkoutput = mgmt_linkoutput;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		       NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	return ERR_OK;
}

static uint32_t mgmt_mask4(unsigned prefix_len)
{
	return prefix_len == 0 ? 0 : lwip_htonl(~0u << (32 - prefix_len));
}

static void mgmt_ipv4_config(const struct mgmt_config *config, ip4_addr_t *addr, ip4_addr_t *mask,
			     ip4_addr_t *gateway)
{
	ip4_addr_set_zero(addr);
	ip4_addr_set_zero(mask);
	ip4_addr_set_zero(gateway);
	if (config->ipv4.set) {
		memcpy(&addr->addr, config->ipv4.addr, 4);
		mask->addr = mgmt_mask4(config->ipv4.prefix_len);
	}
	if (config->gateway4.set)
		memcpy(&gateway->addr, config->gateway4.addr, 4);
}

static int mgmt_ipv6_config(struct netif *netif, const struct mgmt_config *config)
{
	netif_create_ip6_linklocal_address(netif, 1);
	if (!config->ipv6.set)
		return 0;
	ip6_addr_t addr;
	memcpy(addr.addr, config->ipv6.addr, 16);
	ip6_addr_clear_zone(&addr);
	s8_t index;
	if (netif_add_ip6_address(netif, &addr, &index) != ERR_OK)
		return -ENOSPC;
	/* Static: preferred at once, no duplicate address detection wait. */
	netif_ip6_addr_set_state(netif, index, IP6_ADDR_PREFERRED);
	return 0;
}

static struct mgmt *mgmt_netif_start(uint16_t port_id, struct rte_mempool *pool, void *to_wire,
				     const struct mgmt_config *config, char *err, size_t err_len)
{
	ip4_addr_t addr, mask, gateway;
	mgmt_ipv4_config(config, &addr, &mask, &gateway);
	struct mgmt *mgmt = calloc(1, sizeof(*mgmt));
	if (!mgmt) {
		snprintf(err, err_len, "management stack: out of memory");
		return NULL;
	}
	mgmt->port_id = port_id;
	mgmt->pool = pool;
	mgmt->to_wire = to_wire;
	if (!mgmt_lwip_started) {
		tcpip_init(NULL, NULL);
		mgmt_lwip_started = true;
	}
	LOCK_TCPIP_CORE();
	struct netif *ok =
	    netif_add(&mgmt->netif, &addr, &mask, &gateway, mgmt, mgmt_netif_init, tcpip_input);
	int rc = ok ? mgmt_ipv6_config(&mgmt->netif, config) : -EIO;
	if (rc == 0) {
		if (!to_wire)
			netif_set_default(&mgmt->netif);
		netif_set_up(&mgmt->netif);
		netif_set_link_up(&mgmt->netif);
	} else if (ok) {
		netif_remove(&mgmt->netif);
	}
	UNLOCK_TCPIP_CORE();
	if (rc < 0) {
		snprintf(err, err_len, "management stack: cannot bring up the netif on port %u: %s",
			 port_id, strerror(-rc));
		free(mgmt);
		return NULL;
	}
	return mgmt;
}

struct mgmt *mgmt_start(uint16_t port_id, struct rte_mempool *pool,
			const struct mgmt_config *config, char *err, size_t err_len)
{
	return mgmt_netif_start(port_id, pool, NULL, config, err, err_len);
}

struct mgmt *mgmt_start_data(uint16_t port_id, struct rte_mempool *pool, void *to_wire,
			     const struct mgmt_config *config, char *err, size_t err_len)
{
	return mgmt_netif_start(port_id, pool, to_wire, config, err, err_len);
}

/* Hand one frame to the stack (a copy: the port's mbuf goes back at once). */
static void mgmt_input(void *arg, const void *frame, uint32_t len)
{
	struct mgmt *mgmt = arg;
	struct pbuf *p = len <= UINT16_MAX ? pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM) : NULL;
	if (!p) {
		mgmt->counters.rx_dropped++;
		return;
	}
	memcpy(p->payload, frame, len);
	/* tcpip_input only posts to the stack's mailbox; a full one refuses. */
	if (mgmt->netif.input(p, &mgmt->netif) != ERR_OK) {
		pbuf_free(p);
		mgmt->counters.rx_dropped++;
		return;
	}
	mgmt->counters.rx_frames++;
}

void mgmt_input_frame(struct mgmt *mgmt, const void *frame, uint32_t len)
{
	mgmt_input(mgmt, frame, len);
}

void mgmt_poll(struct mgmt *mgmt)
{
	mgmt_port_receive(mgmt->port_id, mgmt_input, mgmt);
}

void mgmt_counters_read(const struct mgmt *mgmt, struct mgmt_counters *out)
{
	*out = mgmt->counters;
}

void mgmt_stop(struct mgmt *mgmt)
{
	if (!mgmt)
		return;
	LOCK_TCPIP_CORE();
	netif_set_down(&mgmt->netif);
	netif_remove(&mgmt->netif);
	UNLOCK_TCPIP_CORE();
	free(mgmt);
}
