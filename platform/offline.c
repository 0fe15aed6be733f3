/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counting the input of an offline run and taking its link type for the
 * decoders, and giving the pcap device Ethernet frames for the link types
 * it can be rewritten from (see offline.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		/* a capture cut or damaged after its first records (a record
		 * longer than any snapshot length, a short write): the records
		 * before are read and inspected, as Suricata does, and the run
		 * says where the capture ended; one that gives nothing is refused */
		snprintf(err, err_len, "--pcap %s: %s after %llu packets: %s", path,
			 *count ? "the capture ends" : "error", (unsigned long long)*count,
			 pcap_geterr(pcap));
		pcap_close(pcap);
		return *count ? 1 : -EINVAL;
	}
	pcap_close(pcap);
	return 0;
}

/*
 * The link layer in front of a record's IP packet: how many bytes to drop
 * (a BSD loopback header), or -1 when the link type is not one of those
 * vigil rewrites.
 */
static int offline_link_header(int linktype)
{
	switch (linktype) {
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 0;
	case DLT_NULL:
	case DLT_LOOP:
		return 4;
	default:
		return -1;
	}
}

/* One record of a raw-IP capture as an Ethernet frame (zero addresses, the IP version's type). */
static void offline_write_ethernet(pcap_dumper_t *out, const struct pcap_pkthdr *header,
				   const unsigned char *data, unsigned skip, unsigned char *frame)
{
	struct pcap_pkthdr h = *header;
	uint32_t len = header->caplen > skip ? header->caplen - skip : 0;
	memset(frame, 0, 12);
	bool v6 = len && (data[skip] >> 4) == 6;
	frame[12] = v6 ? 0x86 : 0x08;
	frame[13] = v6 ? 0xdd : 0x00;
	memcpy(frame + 14, data + skip, len);
	h.caplen = len + 14;
	h.len = (header->len > skip ? header->len - skip : 0) + 14;
	pcap_dump((unsigned char *)out, &h, frame);
}

int offline_ethernet_input(const char *path, char *out_path, size_t out_len, char *err,
			   size_t err_len)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(path, pcap_err);
	if (!in) {
		snprintf(err, err_len, "--pcap %s: error: %s", path, pcap_err);
		return -EINVAL;
	}
	int skip = offline_link_header(pcap_datalink(in));
	if (skip < 0) {
		pcap_close(in);
		snprintf(out_path, out_len, "%s", path);
		return 0;
	}
	snprintf(out_path, out_len, "%s/vigil-ethernet-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(out_path);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535 + 14);
	FILE *file = fd >= 0 ? fdopen(fd, "wb") : NULL;
	pcap_dumper_t *out = file && dead ? pcap_dump_fopen(dead, file) : NULL;
	unsigned char *frame = malloc(65535 + 14);
	if (!out || !frame) {
		snprintf(err, err_len, "--pcap %s: error: cannot write its Ethernet copy %s", path,
			 out_path);
		if (out)
			pcap_dump_close(out);
		else if (file)
			fclose(file);
		else if (fd >= 0)
			close(fd);
		if (fd >= 0)
			unlink(out_path);
		free(frame);
		if (dead)
			pcap_close(dead);
		pcap_close(in);
		return -EINVAL;
	}
	struct pcap_pkthdr *header;
	const unsigned char *data;
	while (pcap_next_ex(in, &header, &data) == 1)
		offline_write_ethernet(out, header, data, (unsigned)skip, frame);
	pcap_dump_close(out);
	free(frame);
	pcap_close(dead);
	pcap_close(in);
	return 0;
}

int offline_link_type(const char *path)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	pcap_t *pcap = pcap_open_offline(path, pcap_err);
	if (!pcap)
		return -EINVAL;
	int linktype = pcap_datalink(pcap);
	pcap_close(pcap);
	return linktype;
}
