/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_mysql.c dataplane/app/app_json.c
/*
 * libFuzzer target for the MySQL parser (dataplane/app/app_mysql.c). The first
 * input byte picks a piece size; the rest is the byte stream. Detection
 * runs on every prefix length up to the first 64 bytes in both directions;
 * then the stream is fed to fresh parser states in both directions
 * (interleaved, as a flow's two sides are) in three splits: whole, the
 * picked size, and one byte at a time for short inputs. Every emitted
 * buffer is read to its end and every details string must be terminated
 * inside its array, so ASan and UBSan see any pointer the parser gets
 * wrong. Needs no library.
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_app_input(&app_parser_mysql, data, size);
}
