/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_sip.c dataplane/app/app_json.c dataplane/app/app_http_body.c dataplane/app/app_frame.c
/*
 * libFuzzer target for the SIP parser (dataplane/app/app_sip.c). The first
 * input byte picks a piece size; the rest is the data. Detection runs on
 * every prefix length up to the first 64 bytes in both directions; the
 * data is then parsed in both directions, whole, in the picked piece size
 * and one byte at a time for short inputs (each call a datagram). An error
 * unit must carry no buffer. Needs no library.
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_sip_check(const struct app_unit *unit)
{
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		FUZZ_CHECK(!unit->error || !unit->buffer[b]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_sip_check;
	return fuzz_app_input(&app_parser_sip, data, size);
}
