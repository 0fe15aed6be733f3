/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_snmp.c dataplane/app/app_json.c
/*
 * libFuzzer target for the SNMP parser (dataplane/app/app_snmp.c), by the
 * shared body of the parser targets (fuzz_app.h): detection on every
 * prefix, then the bytes as datagrams of both directions in three splits,
 * every buffer read to its end, the EVE object written and checked (the
 * OIDs' dotted text included). Each unit that is no error must carry
 * app.meta whole, as SNMP's.
 */
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_snmp_check(const struct app_unit *unit)
{
	struct rule_snmp_meta m;
	if (unit->error)
		return;
	FUZZ_CHECK(rule_app_meta_get(unit->buffer[RULE_BUFFER_APP_META],
				     unit->buffer_len[RULE_BUFFER_APP_META], RULE_PROTO_SNMP, &m,
				     sizeof(m)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_snmp_check;
	return fuzz_app_input(&app_parser_snmp, data, size);
}
