/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_http2.c dataplane/app/app_http_body.c dataplane/app/app_json.c rules/lang/buffers.c dataplane/app/app_frame.c
/*
 * libFuzzer target for the HTTP/2 parser (dataplane/app/app_http2.c, HPACK
 * by libnghttp2, bodies by app_http_body.c). The first input byte picks a
 * piece size; the rest is the data, fed to both directions (fuzz_app.h):
 * frames of any length, type and flags, padding past its frame, header
 * blocks split over CONTINUATIONs, HPACK garbage, SETTINGS that resize the
 * tables. Each unit must keep app.h's contract: fresh buffers present, a
 * window within its buffers and with a rule list, an instance of a
 * multi-buffer fresh in exactly its instance buffers, details terminated
 * inside their arrays. The seeds (tests/fuzz/corpus/http2) are a request
 * and a response taken from captures. Links libnghttp2 and zlib.
 */
#include "dataplane/app/app_http2.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_http2_check(const struct app_unit *unit)
{
	const struct app_window *w = &unit->window;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (unit->fresh & RULE_BUFFER_BIT(b))
			FUZZ_CHECK(fuzz_bit_has_buffer(unit, b));
	FUZZ_CHECK((w->buffers & unit->fresh) == w->buffers || w->instance);
	FUZZ_CHECK(!w->buffers || w->rules != NULL);
	for (int b = 0; b < RULE_BUFFER_COUNT && !w->instance; b++)
		if (w->buffers & RULE_BUFFER_BIT(b))
			FUZZ_CHECK(w->scan_from <= w->new_from &&
				   w->new_from < unit->buffer_len[b]);
	FUZZ_CHECK(!unit->repeat || unit->fresh);
	const struct app_http2_details *h = app_http2_details_const(unit->details);
	FUZZ_TERMINATED(h->hostname);
	FUZZ_TERMINATED(h->url);
	FUZZ_TERMINATED(h->user_agent);
	FUZZ_TERMINATED(h->method);
	const uint8_t *meta = unit->buffer[RULE_BUFFER_HTTP2_META];
	uint32_t meta_len = unit->buffer_len[RULE_BUFFER_HTTP2_META];
	FUZZ_CHECK(!meta ||
		   (meta_len >= HTTP2_META_FIXED && (meta_len - HTTP2_META_FIXED) % 6 == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_http2_check;
	return fuzz_app_input(&app_parser_http2, data, size);
}
