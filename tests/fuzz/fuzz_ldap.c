/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_ldap.c dataplane/app/app_json.c
/*
 * libFuzzer target for the LDAP parser (dataplane/app/app_ldap.c), by the
 * shared body of the parser targets (fuzz_app.h): detection on every
 * prefix, then the bytes as both directions in three splits, every
 * buffer read to its end, the EVE object written and checked. Each unit
 * that is no error must carry app.meta whole, as LDAP's.
 */
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_ldap_check(const struct app_unit *unit)
{
	struct rule_ldap_meta m;
	if (unit->error)
		return;
	FUZZ_CHECK(rule_app_meta_get(unit->buffer[RULE_BUFFER_APP_META],
				     unit->buffer_len[RULE_BUFFER_APP_META], RULE_PROTO_LDAP, &m,
				     sizeof(m)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_ldap_check;
	return fuzz_app_input(&app_parser_ldap, data, size);
}
