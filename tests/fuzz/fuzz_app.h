/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The body shared by the application-layer parser fuzz targets
 * (fuzz_tls.c, fuzz_dns.c, fuzz_mysql.c). The first input byte picks a
 * piece size; the rest is the data. Detection runs on every prefix length
 * up to the first 64 bytes in both directions; then the data is fed to
 * fresh parser states in both directions (interleaved, as a flow's two
 * sides are) in three splits: whole, the picked size, and one byte at a
 * time for short inputs. Every emitted buffer is read to its end, the
 * common xff text must be terminated inside its array, and the unit's
 * details are written out by the row's eve_details as an alert would show
 * them (a whole object, within bounds), so ASan and UBSan see any pointer
 * a parser gets wrong; a target adds its own checks with fuzz_app_check.
 */
#ifndef VIGIL_TESTS_FUZZ_APP_H
#define VIGIL_TESTS_FUZZ_APP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/app/app.h"
#include "dataplane/app/app_json.h"
#include "rules/lang/app_event.h"
#include "tests/fuzz/fuzz_check.h"

#define FUZZ_TERMINATED(field) FUZZ_CHECK(memchr((field), 0, sizeof(field)))

/* The parser being fuzzed (set by fuzz_app_input). */
static const struct app_parser *fuzz_app_parser;

/* A target's own invariants on each unit (may be NULL). */
static void (*fuzz_app_check)(const struct app_unit *unit);

static void fuzz_app_emit(void *arg, const struct app_unit *unit)
{
	volatile uint8_t sum = 0;
	(void)arg;
	FUZZ_CHECK(unit->details);
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		FUZZ_CHECK(unit->buffer[b] || unit->buffer_len[b] == 0);
		for (uint32_t i = 0; i < unit->buffer_len[b]; i++)
			sum += unit->buffer[b][i];
	}
	const struct app_details *d = unit->details;
	FUZZ_TERMINATED(d->xff);
	/* the parser's own buffers, and events (any parser's units may carry them) */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		FUZZ_CHECK(!unit->buffer[b] || b == RULE_BUFFER_APP_EVENTS ||
			   (fuzz_app_parser->buffers & RULE_BUFFER_BIT(b)) ||
			   (b == RULE_BUFFER_FRAME && unit->frame));
	/* a frame's unit: a frame its row declares, no longer than it says */
	if (unit->frame) {
		FUZZ_CHECK(fuzz_app_parser->frames & RULE_FRAME_BIT(unit->frame->type));
		FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_FRAME] <= unit->frame->length);
	}
	for (uint32_t i = 0; i < unit->buffer_len[RULE_BUFFER_APP_EVENTS]; i++)
		FUZZ_CHECK(unit->buffer[RULE_BUFFER_APP_EVENTS][i] < RULE_APP_EVENT_COUNT);
	if (fuzz_app_parser->eve_details) {
		/* SMTP's object (helo, paths, the email object) is 2 KB of
		 * details, each control byte six when escaped */
		char line[16384];
		struct app_json j = {.buf = line, .len = sizeof(line)};
		fuzz_app_parser->eve_details(d, &j);
		FUZZ_CHECK(j.used > 0 && j.used < sizeof(line) && line[j.used - 1] == '}');
		/* whatever the bytes of the traffic, the object is valid UTF-8 */
		FUZZ_CHECK(app_json_utf8_valid(line, j.used));
	}
	if (fuzz_app_check && !unit->frame) /* a target's invariants are its units' */
		fuzz_app_check(unit);
}

static void fuzz_app_feed(const struct app_parser *parser, const uint8_t *data, size_t len,
			  size_t piece)
{
	void *s = parser->create(NULL);
	if (!s)
		return;
	for (size_t off = 0; off < len; off += piece) {
		uint32_t n = (uint32_t)(len - off < piece ? len - off : piece);
		parser->parse(s, APP_TO_SERVER, data + off, n, fuzz_app_emit, NULL);
		parser->parse(s, APP_TO_CLIENT, data + off, n, fuzz_app_emit, NULL);
	}
	parser->destroy(s);
	/* a protocol gathered differently from a TCP stream: that path too */
	if (!parser->parse_stream || !(s = parser->create(NULL)))
		return;
	for (size_t off = 0; off < len; off += piece) {
		uint32_t n = (uint32_t)(len - off < piece ? len - off : piece);
		parser->parse_stream(s, APP_TO_SERVER, data + off, n, fuzz_app_emit, NULL);
		parser->parse_stream(s, APP_TO_CLIENT, data + off, n, fuzz_app_emit, NULL);
	}
	parser->parse_stream(s, APP_TO_SERVER, NULL, 0, fuzz_app_emit, NULL);
	parser->destroy(s);
}

static int fuzz_app_input(const struct app_parser *parser, const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_app_parser = parser;
	size_t piece = (size_t)data[0] % 97 + 1;
	data++;
	size--;
	for (uint32_t n = 0; n <= size && n <= 64; n++) {
		parser->detect(data, n, APP_TO_SERVER);
		parser->detect(data, n, APP_TO_CLIENT);
	}
	fuzz_app_feed(parser, data, size, size ? size : 1);
	fuzz_app_feed(parser, data, size, piece);
	if (size <= 2048)
		fuzz_app_feed(parser, data, size, 1);
	return 0;
}

#endif
