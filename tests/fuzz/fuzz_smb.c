/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_smb.c dataplane/app/app_dcerpc.c dataplane/app/app_http_body.c dataplane/app/app_json.c dataplane/app/app_frame.c
/*
 * libFuzzer target for the SMB parser (dataplane/app/app_smb.c) and, for
 * what its pipes carry, the DCE/RPC parser it hands them to
 * (app_dcerpc.c), through fuzz_app.h's body: detection on every prefix,
 * the data in three splits in both directions, every buffer read to its
 * end, the EVE object written (DCE/RPC's units go out with SMB's details,
 * so a unit may carry DCE/RPC's buffers too). Needs zlib
 * (app_http_body.c).
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

static struct app_parser fuzz_smb_row(void)
{
	struct app_parser row = app_parser_smb;
	/* the pipes' DCE/RPC buffers are the SMB unit's too */
	row.buffers |= app_parser_dcerpc.buffers;
	return row;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct app_parser row;
	if (!row.name)
		row = fuzz_smb_row();
	fuzz_app_check = NULL;
	return fuzz_app_input(&row, data, size);
}
