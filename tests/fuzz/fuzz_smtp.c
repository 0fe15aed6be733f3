/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_smtp.c dataplane/app/app_mail.c dataplane/app/app_mime.c dataplane/app/app_file.c dataplane/app/app_http_body.c dataplane/app/app_json.c dataplane/app/app_frame.c
/*
 * libFuzzer target for the SMTP parser (dataplane/app/app_smtp.c) with
 * the mail message parser behind it (app_mail.c): fuzz_app.h's body
 * (detection on every prefix, the data in three splits, both
 * directions, every buffer read, the EVE object with its email object
 * written whole and valid). Checks: a unit that ends a transaction
 * carries no file; a repeat unit (another email.url instance) ends it
 * too; the email.* buffers come only in those units. Needs zlib
 * (app_http_body.c), libmagic and mbedcrypto (app_file.c).
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_smtp_check(const struct app_unit *unit)
{
	FUZZ_CHECK(!unit->tx_complete || !unit->file_info);
	FUZZ_CHECK(!unit->repeat || unit->tx_complete);
	if (!unit->tx_complete)
		FUZZ_CHECK(!unit->buffer[RULE_BUFFER_EMAIL_MESSAGE_ID] &&
			   !unit->buffer[RULE_BUFFER_EMAIL_X_MAILER] &&
			   !unit->buffer[RULE_BUFFER_EMAIL_URL]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_smtp_check;
	return fuzz_app_input(&app_parser_smtp, data, size);
}
