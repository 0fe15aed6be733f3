/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_krb5.c dataplane/app/app_json.c
/*
 * libFuzzer target for the Kerberos 5 parser (dataplane/app/app_krb5.c),
 * by the shared body of the parser targets (fuzz_app.h): detection on
 * every prefix, then the bytes as both directions in three splits (the
 * first byte decides UDP or TCP framing, so both are reached), every
 * buffer read to its end, the EVE object written and checked. Each unit
 * that is no error must carry app.meta whole, and a name part only on a
 * request.
 */
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_krb5_check(const struct app_unit *unit)
{
	if (unit->error)
		return;
	FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_APP_META] == sizeof(struct rule_krb5_meta));
	struct rule_krb5_meta m;
	memcpy(&m, unit->buffer[RULE_BUFFER_APP_META], sizeof(m));
	bool request = m.msg_type == 10 || m.msg_type == 12;
	FUZZ_CHECK(request || (!unit->buffer[RULE_BUFFER_KRB5_CNAME] &&
			       !unit->buffer[RULE_BUFFER_KRB5_SNAME]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_krb5_check;
	return fuzz_app_input(&app_parser_krb5, data, size);
}
