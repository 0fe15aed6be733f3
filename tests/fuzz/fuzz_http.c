/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_http.c dataplane/app/app_http_body.c dataplane/app/app_file.c dataplane/app/app_mime.c dataplane/app/app_mail.c dataplane/app/xff.c dataplane/app/app_json.c rules/lang/buffers.c dataplane/app/app_frame.c
/*
 * libFuzzer target for the HTTP parser (dataplane/app/app_http.c, libhtp
 * underneath, bodies decoded by app_http_body.c). The input is two bytes of framing, then the data: byte 0
 * picks where the data splits into the request direction (before) and the
 * response direction (after), as a fraction of its length; byte 1 seeds
 * the sizes of the pieces each direction is fed in (1 to 64 bytes) and
 * whether the directions interleave or the request goes first. Both
 * directions are then closed (parse with len 0) and the state destroyed.
 * Detection runs on both directions' first bytes too. Every unit's buffers
 * and details are read byte by byte, so a pointer that does not cover its
 * length, or that died before emit, is found by ASan; the checks below
 * trap on a unit that breaks the app.h contract (a body window's positions
 * within its buffers included). The body limit is small (4 KB) so that
 * bodies reach it; a body marked gzip or deflate goes through the
 * decoders and their fallback. Links with -lhtp and
 * zlib (pkg-config htp zlib). Running is left to tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/app/app_http.h"
#include "dataplane/app/app_json.h"
#include "tests/fuzz/fuzz_check.h"

static volatile uint64_t fuzz_sink;

static void fuzz_emit(void *arg, const struct app_unit *unit)
{
	(void)arg;
	uint64_t sum = 0;
	FUZZ_CHECK(unit->details != NULL);
	FUZZ_CHECK(unit->buffer[RULE_BUFFER_PKT_DATA] == NULL);
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		/* HTTP's buffers, the events any parser's units may carry, a frame's bytes */
		FUZZ_CHECK(rule_buffer_proto[b] == RULE_PROTO_HTTP || b == RULE_BUFFER_APP_EVENTS ||
			   (b == RULE_BUFFER_FRAME && unit->frame &&
			    unit->buffer_len[b] <= unit->frame->length));
		for (uint32_t i = 0; i < unit->buffer_len[b]; i++)
			sum += unit->buffer[b][i];
	}
	/* Fresh buffers are present ones; a window is within the body's buffers. */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (unit->fresh & RULE_BUFFER_BIT(b))
			FUZZ_CHECK(fuzz_bit_has_buffer(unit, b));
	const struct app_window *w = &unit->window;
	FUZZ_CHECK((w->buffers & unit->fresh) == w->buffers);
	FUZZ_CHECK(!w->buffers || w->rules != NULL);
	/* file.meta is a window buffer (a rule on it matches once per body) but holds no positions */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if ((w->buffers & RULE_BUFFER_BIT(b)) && b != RULE_BUFFER_FILE_META)
			FUZZ_CHECK(w->scan_from <= w->new_from &&
				   w->new_from < unit->buffer_len[b]);
	FUZZ_CHECK(!(w->buffers & (RULE_BUFFER_BIT(RULE_BUFFER_FILE_NAME) |
				   RULE_BUFFER_BIT(RULE_BUFFER_FILE_MAGIC))));
	const struct app_details *d = unit->details;
	const struct app_http_details *h = app_http_details_const(d);
	FUZZ_CHECK(memchr(h->hostname, 0, sizeof(h->hostname)));
	FUZZ_CHECK(memchr(h->url, 0, sizeof(h->url)));
	FUZZ_CHECK(memchr(h->user_agent, 0, sizeof(h->user_agent)));
	FUZZ_CHECK(memchr(h->method, 0, sizeof(h->method)));
	FUZZ_CHECK(memchr(h->protocol, 0, sizeof(h->protocol)));
	FUZZ_CHECK(memchr(d->xff, 0, sizeof(d->xff)));
	/* the buffers the row names, and the details as an alert would show them */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		FUZZ_CHECK(!unit->buffer[b] || b == RULE_BUFFER_APP_EVENTS ||
			   (app_parser_http.buffers & RULE_BUFFER_BIT(b)) ||
			   (b == RULE_BUFFER_FRAME && unit->frame &&
			    (app_parser_http.frames & RULE_FRAME_BIT(unit->frame->type))));
	char line[4096];
	struct app_json j = {.buf = line, .len = sizeof(line)};
	app_parser_http.eve_details(d, &j);
	FUZZ_CHECK(j.used > 0 && j.used < sizeof(line) && line[j.used - 1] == '}');
	fuzz_sink += sum + strlen(h->url) + strlen(d->xff);
}

static uint32_t fuzz_next(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint32_t split = (uint32_t)((size - 2) * data[0] / 255);
	uint32_t seed = data[1];
	bool interleave = data[1] & 1;
	const uint8_t *dir_data[2] = {data + 2, data + 2 + split};
	uint32_t dir_len[2] = {split, (uint32_t)(size - 2 - split)};

	for (int dir = 0; dir < 2; dir++)
		(void)app_parser_http.detect(dir_data[dir], dir_len[dir], (enum app_direction)dir);

	static const struct app_config config = {.xff_headers = {NULL}, .body_limit = 4096};
	void *state = app_parser_http.create(&config);
	if (!state)
		return 0;
	uint32_t done[2] = {0, 0};
	int dir = APP_TO_SERVER;
	while (done[0] < dir_len[0] || done[1] < dir_len[1]) {
		if (done[dir] == dir_len[dir])
			dir = !dir;
		uint32_t n = 1 + fuzz_next(&seed) % 64;
		if (n > dir_len[dir] - done[dir])
			n = dir_len[dir] - done[dir];
		app_parser_http.parse(state, (enum app_direction)dir, dir_data[dir] + done[dir], n,
				      fuzz_emit, NULL);
		done[dir] += n;
		if (interleave)
			dir = !dir;
	}
	app_parser_http.parse(state, APP_TO_SERVER, NULL, 0, fuzz_emit, NULL);
	app_parser_http.parse(state, APP_TO_CLIENT, NULL, 0, fuzz_emit, NULL);
	app_parser_http.destroy(state);
	return 0;
}
