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
 * the workers start. Returns 0, 1 when a damaged record ends the capture
 * after others (the count is of those before it; err says where), or
 * -EINVAL with err set (a link type vigil does not read is refused, not
 * decoded as Ethernet; so is a capture whose first record is damaged).
 */
int offline_count_packets(const char *path, uint64_t *count, char *err, size_t err_len);

/*
 * DPDK's pcap device hands every record on as an Ethernet frame, which
 * the decoder reads as one: a capture of raw IP (link types RAW, IPV4,
 * IPV6) or of a BSD loopback (NULL, LOOP) would be read as garbage. Such
 * a capture is copied with an Ethernet header in front of each packet
 * (zero addresses, the IP version's type) into a temporary file, whose
 * path goes into out_path; an Ethernet capture (or one of a link type
 * vigil does not rewrite) is used as it is (out_path = path). The caller
 * removes a copy (out_path differs from path) once the device has opened
 * it. Returns 0 or -EINVAL with err set.
 */
int offline_ethernet_input(const char *path, char *out_path, size_t out_len, char *err,
			   size_t err_len);

/*
 * The pcap link type (DLT) of the capture at path, as captured (before
 * offline_ethernet_input() puts an Ethernet header in front), for EVE's
 * packet_info. Returns it, or -EINVAL when the file cannot be read.
 */
int offline_link_type(const char *path);

#endif
