/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for platform/offline.c: a raw-IP or BSD-loopback capture is
 * copied with an Ethernet header in front of each packet (the type from
 * the IP version), an Ethernet capture is used as it is, and a file that
 * is no capture is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <pcap/pcap.h>

#include "platform/offline.h"

/* A capture of link type linktype at path holding the given records. */
static void write_capture(const char *path, int linktype, const unsigned char *const *records,
			  const unsigned *lens, unsigned n)
{
	pcap_t *dead = pcap_open_dead(linktype, 65535);
	assert_non_null(dead);
	pcap_dumper_t *out = pcap_dump_open(dead, path);
	assert_non_null(out);
	for (unsigned i = 0; i < n; i++) {
		struct pcap_pkthdr h = {.caplen = lens[i], .len = lens[i]};
		pcap_dump((unsigned char *)out, &h, records[i]);
	}
	pcap_dump_close(out);
	pcap_close(dead);
}

static const unsigned char ipv4[20] = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6};
static const unsigned char ipv6[40] = {0x60};

static void test_raw_ip_gets_ethernet(void **unused)
{
	(void)unused;
	char path[] = "/tmp/vigil-test-offline-XXXXXX", copy[256], err[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	const unsigned char *records[] = {ipv4, ipv6};
	const unsigned lens[] = {sizeof(ipv4), sizeof(ipv6)};
	write_capture(path, DLT_RAW, records, lens, 2);
	assert_int_equal(offline_ethernet_input(path, copy, sizeof(copy), err, sizeof(err)), 0);
	assert_string_not_equal(copy, path);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(copy, perr);
	assert_non_null(in);
	assert_int_equal(pcap_datalink(in), DLT_EN10MB);
	struct pcap_pkthdr *h;
	const unsigned char *data;
	assert_int_equal(pcap_next_ex(in, &h, &data), 1);
	assert_int_equal(h->caplen, 14 + sizeof(ipv4));
	assert_int_equal(data[12], 0x08);
	assert_int_equal(data[13], 0x00);
	assert_memory_equal(data + 14, ipv4, sizeof(ipv4));
	assert_int_equal(pcap_next_ex(in, &h, &data), 1);
	assert_int_equal(data[12], 0x86);
	assert_int_equal(data[13], 0xdd);
	assert_int_equal(pcap_next_ex(in, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(in);
	unlink(copy);
	unlink(path);
}

static void test_loopback_header_dropped(void **unused)
{
	(void)unused;
	char path[] = "/tmp/vigil-test-offline-XXXXXX", copy[256], err[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unsigned char rec[4 + sizeof(ipv4)] = {2, 0, 0, 0};
	memcpy(rec + 4, ipv4, sizeof(ipv4));
	const unsigned char *records[] = {rec};
	const unsigned lens[] = {sizeof(rec)};
	write_capture(path, DLT_NULL, records, lens, 1);
	assert_int_equal(offline_ethernet_input(path, copy, sizeof(copy), err, sizeof(err)), 0);
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(copy, perr);
	assert_non_null(in);
	struct pcap_pkthdr *h;
	const unsigned char *data;
	assert_int_equal(pcap_next_ex(in, &h, &data), 1);
	assert_int_equal(h->caplen, 14 + sizeof(ipv4));
	assert_memory_equal(data + 14, ipv4, sizeof(ipv4));
	pcap_close(in);
	unlink(copy);
	unlink(path);
}

static void test_ethernet_used_as_is(void **unused)
{
	(void)unused;
	char path[] = "/tmp/vigil-test-offline-XXXXXX", copy[256], err[256];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unsigned char frame[14 + sizeof(ipv4)] = {0};
	const unsigned char *records[] = {frame};
	const unsigned lens[] = {sizeof(frame)};
	write_capture(path, DLT_EN10MB, records, lens, 1);
	assert_int_equal(offline_ethernet_input(path, copy, sizeof(copy), err, sizeof(err)), 0);
	assert_string_equal(copy, path);
	unlink(path);
	assert_int_equal(
	    offline_ethernet_input("/nonexistent/x.pcap", copy, sizeof(copy), err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "/nonexistent/x.pcap"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_raw_ip_gets_ethernet),
	    cmocka_unit_test(test_loopback_header_dropped),
	    cmocka_unit_test(test_ethernet_used_as_is),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
