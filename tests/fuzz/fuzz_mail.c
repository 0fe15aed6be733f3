/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_mail.c dataplane/app/app_mime.c dataplane/app/app_http_body.c
/*
 * libFuzzer target for the mail message parser (dataplane/app/app_mail.c):
 * the input is a message as SMTP carries it after DATA, fed in pieces
 * whose sizes the first byte picks (1..64), with a limit the second byte
 * picks (0..255 bytes kept per attachment), then ended. Checks: every
 * attachment handed back has a name within APP_FILE_NAME_MAX, at most
 * limit bytes (all readable), and says truncated when it reached the
 * limit only; feeding after the message's "." line changes nothing;
 * the items it gave (headers, attachment names, URLs) lie in its text.
 */
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_mail.h"
#include "tests/fuzz/fuzz_check.h"

static uint32_t fuzz_limit;
static uint64_t fuzz_sink;

static void fuzz_file(void *arg, const struct app_mail_file *f)
{
	(void)arg;
	FUZZ_CHECK(f->name_len > 0 && f->name_len <= APP_FILE_NAME_MAX);
	FUZZ_CHECK(f->len <= fuzz_limit);
	FUZZ_CHECK(!f->truncated || f->len == fuzz_limit);
	for (size_t i = 0; i < f->name_len; i++)
		fuzz_sink += f->name[i];
	for (uint32_t i = 0; i < f->len; i++)
		fuzz_sink += f->data[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t step = 1 + data[0] % 64;
	fuzz_limit = data[1];
	data += 2;
	size -= 2;
	static struct app_mail m;
	app_mail_begin(&m, fuzz_limit);
	for (size_t off = 0; off < size; off += step) {
		size_t n = size - off < step ? size - off : step;
		uint8_t *piece = malloc(n); /* exact length: a read past it is caught */
		if (!piece)
			break;
		memcpy(piece, data + off, n);
		app_mail_feed(&m, piece, n, fuzz_file, NULL);
		free(piece);
	}
	app_mail_end(&m, fuzz_file, NULL);
	app_mail_end(&m, fuzz_file, NULL); /* a second end: nothing more */
	/* the items the message gave stay in their bounds */
	FUZZ_CHECK(m.item_count <= APP_MAIL_ITEMS_MAX && m.text_used <= APP_MAIL_TEXT_MAX);
	for (unsigned kind = 0; kind < APP_MAIL_ITEM_KINDS; kind++) {
		const uint8_t *v;
		uint32_t len;
		for (unsigned i = 0; app_mail_item(&m, kind, i, &v, &len); i++) {
			FUZZ_CHECK(v >= m.text && v + len <= m.text + m.text_used);
			FUZZ_CHECK(len <= APP_MAIL_ITEM_MAX);
			for (uint32_t k = 0; k < len; k++)
				fuzz_sink += v[k];
		}
	}
	app_mail_free(&m);
	return 0;
}
