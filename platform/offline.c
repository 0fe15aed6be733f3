/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counting the input of an offline run, and taking its link type for the
 * decoders (see offline.h).
 */
#include <errno.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "dataplane/decode/decode.h"
#include "platform/offline.h"

int offline_count_packets(const char *path, uint64_t *count, char *err, size_t err_len)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *header;
	const unsigned char *data;
	int rc;

	pcap_t *pcap = pcap_open_offline(path, pcap_err);
	if (!pcap) {
		snprintf(err, err_len, "--pcap %s: error: %s", path, pcap_err);
		return -EINVAL;
	}
	int link = decode_link_of_dlt(pcap_datalink(pcap));
	if (link < 0) {
		snprintf(err, err_len, "--pcap %s: error: link type %s (%d) is not one vigil reads",
			 path, pcap_datalink_val_to_name(pcap_datalink(pcap)) ?: "unknown",
			 pcap_datalink(pcap));
		pcap_close(pcap);
		return -EINVAL;
	}
	decode_capture_link = (enum decode_link)link;
	*count = 0;
	while ((rc = pcap_next_ex(pcap, &header, &data)) == 1)
		(*count)++;
	if (rc == PCAP_ERROR) {
		snprintf(err, err_len, "--pcap %s: error: after %llu packets: %s", path,
			 (unsigned long long)*count, pcap_geterr(pcap));
		pcap_close(pcap);
		return -EINVAL;
	}
	pcap_close(pcap);
	return 0;
}
