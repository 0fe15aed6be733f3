/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offline runs (a pcap in, a pcap out): the packet count of the input, so
 * the run can end as soon as every packet has been handled rather than
 * after an idle guess. Reading is done with libpcap, the same library
 * DPDK's pcap device reads with, so both see the same records.
 */
#ifndef VIGIL_PLATFORM_OFFLINE_H
#define VIGIL_PLATFORM_OFFLINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Count the records of the pcap or pcapng file at path, and set the
 * decoders' link layer (decode_capture_link) from its link type. Before
 * the workers start. Returns 0 or -EINVAL with err set (a link type vigil
 * does not read is refused, not decoded as Ethernet).
 */
int offline_count_packets(const char *path, uint64_t *count, char *err, size_t err_len);

#endif
