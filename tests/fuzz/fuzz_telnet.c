/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_telnet.c dataplane/app/app_json.c
/*
 * libFuzzer target for telnet detection (dataplane/app/app_telnet.c), by
 * the shared body of the parser targets (fuzz_app.h): detection on every
 * prefix in both directions, then the bytes through the parser in three
 * splits, which must hand nothing over.
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_telnet_check(const struct app_unit *unit)
{
	(void)unit;
	FUZZ_CHECK(0); /* the telnet parser emits no unit */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_telnet_check;
	return fuzz_app_input(&app_parser_telnet, data, size);
}
