/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_enip.c dataplane/app/app_json.c
/*
 * libFuzzer target for the EtherNet/IP parser (dataplane/app/app_enip.c),
 * by the shared body of the parser targets (fuzz_app.h): detection on
 * every prefix, then the bytes as both directions in three splits, every
 * buffer read to its end, the EVE object written and checked. Each unit
 * must carry app.meta whole, its CIP services within their array.
 */
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_enip_check(const struct app_unit *unit)
{
	FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_APP_META] == sizeof(struct rule_enip_meta));
	struct rule_enip_meta m;
	memcpy(&m, unit->buffer[RULE_BUFFER_APP_META], sizeof(m));
	FUZZ_CHECK(m.cip_count <= RULE_ENIP_CIP_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_enip_check;
	return fuzz_app_input(&app_parser_enip, data, size);
}
