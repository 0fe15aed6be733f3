/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Turning a board into a running DPDK EAL: the argument vector (lcores,
 * memory, file prefix, one --vdev or -a per port) and rte_eal_init().
 * The only place that starts or stops the EAL.
 */
#ifndef VIGIL_PLATFORM_EAL_H
#define VIGIL_PLATFORM_EAL_H

#include <stddef.h>

#include "platform/board.h"

/* Values for ${name} in port devices: pcap and out come from the command line. */
struct eal_vars {
	const char *pcap;
	const char *out;
};

/*
 * Expand the ${vars} of port i's device into out. Returns 0, or a negative
 * error with "FILE:LINE: error: ..." in err.
 */
int eal_port_device(const struct board *board, unsigned i, const struct eal_vars *vars, char *out,
		    size_t out_len, char *err, size_t err_len);

/* The device name DPDK knows a port by ("net_pcap0" of "net_pcap0,rx_pcap=..."). */
void eal_device_name(const char *device, char *out, size_t out_len);

/*
 * Start the EAL for board. Returns 0, or a negative error with the reason in
 * err. Call once, from the main thread, before anything else DPDK.
 */
int eal_start(const struct board *board, const struct eal_vars *vars, const char *program,
	      char *err, size_t err_len);

/* Release the EAL; after this no DPDK call may be made. */
void eal_stop(void);

#endif
