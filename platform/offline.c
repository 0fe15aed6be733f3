/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counting the input of an offline run (see offline.h).
 */
#include <errno.h>
#include <stdio.h>

#include <pcap/pcap.h>

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
