/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app_mysql.c
/*
 * libFuzzer target for the MySQL parser (dataplane/app_mysql.c). The first
 * input byte picks a piece size; the rest is the byte stream. Detection
 * runs on every prefix length up to the first 64 bytes in both directions;
 * then the stream is fed to fresh parser states in both directions
 * (interleaved, as a flow's two sides are) in three splits: whole, the
 * picked size, and one byte at a time for short inputs. Every emitted
 * buffer is read to its end and every details string must be terminated
 * inside its array, so ASan and UBSan see any pointer the parser gets
 * wrong. Needs no library.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/app_parsers.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static void fuzz_emit(void *arg, const struct app_unit *unit)
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
	FUZZ_CHECK(memchr(d->tls_sni, 0, sizeof(d->tls_sni)));
	FUZZ_CHECK(memchr(d->tls_version, 0, sizeof(d->tls_version)));
	FUZZ_CHECK(memchr(d->ja3, 0, sizeof(d->ja3)));
	FUZZ_CHECK(memchr(d->ja4, 0, sizeof(d->ja4)));
}

static void fuzz_feed(const uint8_t *data, size_t len, size_t piece)
{
	void *s = app_parser_mysql.create(NULL);

	if (!s)
		return;
	for (size_t off = 0; off < len; off += piece) {
		uint32_t n = (uint32_t)(len - off < piece ? len - off : piece);
		app_parser_mysql.parse(s, APP_TO_SERVER, data + off, n, fuzz_emit, NULL);
		app_parser_mysql.parse(s, APP_TO_CLIENT, data + off, n, fuzz_emit, NULL);
	}
	app_parser_mysql.destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = (size_t)data[0] % 97 + 1;
	data++;
	size--;
	for (uint32_t n = 0; n <= size && n <= 64; n++) {
		app_parser_mysql.detect(data, n, APP_TO_SERVER);
		app_parser_mysql.detect(data, n, APP_TO_CLIENT);
	}
	fuzz_feed(data, size, size ? size : 1);
	fuzz_feed(data, size, piece);
	if (size <= 2048)
		fuzz_feed(data, size, 1);
	return 0;
}
