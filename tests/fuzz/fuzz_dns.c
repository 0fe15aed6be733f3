/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_dns.c dataplane/app/app_json.c
/*
 * libFuzzer target for the DNS parser (dataplane/app/app_dns.c). The first
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
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

/* dns.query never holds more than a DNS name can (253 characters). */
static void fuzz_dns_check(const struct app_unit *unit)
{
	FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_DNS_QUERY] <= 253);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_dns_check;
	return fuzz_app_input(&app_parser_dns, data, size);
}
