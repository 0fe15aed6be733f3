/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_pgsql.c dataplane/app/app_json.c
/*
 * libFuzzer target for the PostgreSQL parser (dataplane/app/app_pgsql.c),
 * by the shared body of the parser targets (fuzz_app.h): detection on
 * every prefix, then the bytes as both directions in three splits, every
 * buffer read to its end, the EVE object written and checked. A query
 * unit's text never holds its terminating NUL.
 */
#include <string.h>

#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_pgsql_check(const struct app_unit *unit)
{
	const uint8_t *q = unit->buffer[RULE_BUFFER_PGSQL_QUERY];
	FUZZ_CHECK(!q || !memchr(q, 0, unit->buffer_len[RULE_BUFFER_PGSQL_QUERY]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_pgsql_check;
	return fuzz_app_input(&app_parser_pgsql, data, size);
}
