/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_dcerpc.c dataplane/app/app_http_body.c dataplane/app/app_json.c
/*
 * libFuzzer target for the DCE/RPC parser (dataplane/app/app_dcerpc.c),
 * through fuzz_app.h's body: detection on every prefix, the data in three
 * splits in both directions, every buffer read to its end, the EVE object
 * written. Its own checks: an error unit carries no buffer, and the meta
 * never claims more interfaces than it holds. Needs zlib (app_http_body.c).
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_dcerpc_check(const struct app_unit *unit)
{
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		FUZZ_CHECK(!unit->error || !unit->buffer[b]);
	const uint8_t *meta = unit->buffer[RULE_BUFFER_DCERPC_META];
	if (meta) {
		FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_DCERPC_META] ==
			   sizeof(struct rule_dcerpc_meta));
		FUZZ_CHECK(((const struct rule_dcerpc_meta *)meta)->iface_count <=
			   RULE_DCERPC_IFACES_MAX);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_dcerpc_check;
	return fuzz_app_input(&app_parser_dcerpc, data, size);
}
