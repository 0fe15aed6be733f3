/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app_dns.c
/*
 * libFuzzer target for the DNS parser (dataplane/app_dns.c). The first
 * input byte picks a piece size; the rest is the data. Detection runs on
 * every prefix length up to the first 64 bytes in both directions. The
 * data is then parsed as one UDP datagram in each direction, and as a TCP
 * stream (length-prefixed messages) fed to fresh states in both
 * directions, interleaved, whole and in the picked piece size and one byte
 * at a time for short inputs. (The parser decides UDP or TCP from its
 * first bytes, so all of these can end up on either path.) Every emitted
 * buffer is read to its end, dns.query must hold no more than a DNS name
 * can, and the details strings must be terminated inside their arrays.
 * Needs no library.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/app_parsers.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static void fuzz_emit(void *arg, const struct app_unit *unit)
{
	volatile uint8_t sum = 0;

	(void)arg;
	FUZZ_CHECK(unit->details);
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		FUZZ_CHECK(unit->buffer[b] || unit->buffer_len[b] == 0);
		for (uint32_t i = 0; i < unit->buffer_len[b]; i++)
			sum += unit->buffer[b][i];
	}
	FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_DNS_QUERY] <= 253);
	FUZZ_CHECK(memchr(unit->details->dns_rrname, 0, sizeof(unit->details->dns_rrname)));
}

static void fuzz_feed(const uint8_t *data, size_t len, size_t piece)
{
	void *s = app_parser_dns.create(NULL);

	if (!s)
		return;
	for (size_t off = 0; off < len; off += piece) {
		uint32_t n = (uint32_t)(len - off < piece ? len - off : piece);
		app_parser_dns.parse(s, APP_TO_SERVER, data + off, n, fuzz_emit, NULL);
		app_parser_dns.parse(s, APP_TO_CLIENT, data + off, n, fuzz_emit, NULL);
	}
	app_parser_dns.destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = (size_t)data[0] % 97 + 1;
	data++;
	size--;
	for (uint32_t n = 0; n <= size && n <= 64; n++) {
		app_parser_dns.detect(data, n, APP_TO_SERVER);
		app_parser_dns.detect(data, n, APP_TO_CLIENT);
	}
	fuzz_feed(data, size, size ? size : 1);
	fuzz_feed(data, size, piece);
	if (size <= 2048)
		fuzz_feed(data, size, 1);
	return 0;
}
