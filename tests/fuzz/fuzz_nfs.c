/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_nfs.c dataplane/app/app_file.c dataplane/app/app_json.c
/*
 * libFuzzer target for the NFS parser (dataplane/app/app_nfs.c), by the
 * shared body of the parser targets (fuzz_app.h): detection on every
 * prefix, then the bytes as both directions in three splits (the first
 * bytes decide datagrams or record marks, so both are reached; a call
 * fed as both directions is also its own reply's xid), every buffer read
 * to its end, the EVE object written and checked. Each unit that is no
 * error must carry app.meta whole, and file.meta only with its file.
 */
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_nfs_check(const struct app_unit *unit)
{
	struct rule_nfs_meta m;
	if (unit->error)
		return;
	FUZZ_CHECK(rule_app_meta_get(unit->buffer[RULE_BUFFER_APP_META],
				     unit->buffer_len[RULE_BUFFER_APP_META], RULE_PROTO_NFS, &m,
				     sizeof(m)));
	FUZZ_CHECK(m.version >= 2 && m.version <= 4);
	FUZZ_CHECK(!unit->buffer[RULE_BUFFER_FILE_META] || unit->file_info);
	FUZZ_CHECK(!unit->file_info || unit->file_len <= (1u << 20));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_nfs_check;
	return fuzz_app_input(&app_parser_nfs, data, size);
}
