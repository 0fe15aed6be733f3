/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_ftp.c dataplane/app/app_ftp_data.c dataplane/app/app_http_body.c dataplane/app/app_json.c
/*
 * libFuzzer target for the FTP parsers (dataplane/app/app_ftp.c, the
 * control channel, and app_ftp_data.c, the data channel). The control
 * channel goes through fuzz_app.h's body (detection on every prefix, the
 * data in three splits, both directions, every buffer read, the EVE object
 * written), then once more with the ends of both directions, which write
 * an unanswered command's record; an announced data connection must name
 * a port and ftp-data. The data channel is fed the same bytes as a file
 * with a small body limit, in the picked piece size, and ended: its file
 * windows never pass the limit. Needs zlib (app_http_body.c).
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

#define FUZZ_FTP_FILE_LIMIT 512

static void fuzz_ftp_check(const struct app_unit *unit)
{
	if (unit->expect)
		FUZZ_CHECK(unit->expect->port && unit->expect->proto == RULE_PROTO_FTP_DATA &&
			   memchr(unit->expect->name, 0, sizeof(unit->expect->name)));
}

static void fuzz_ftp_data_emit(void *arg, const struct app_unit *unit)
{
	volatile uint8_t sum = 0;
	(void)arg;
	FUZZ_CHECK(unit->buffer[RULE_BUFFER_FTPDATA_META]);
	FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_FILE_DATA] <= FUZZ_FTP_FILE_LIMIT);
	for (uint32_t i = 0; i < unit->buffer_len[RULE_BUFFER_FILE_DATA]; i++)
		sum += unit->buffer[RULE_BUFFER_FILE_DATA][i];
	char line[4096]; /* a 255-byte name of control bytes is 1.5 KB escaped */
	struct app_json j = {.buf = line, .len = sizeof(line)};
	app_parser_ftp_data.eve_details(unit->details, &j);
	FUZZ_CHECK(j.used > 0 && j.used < sizeof(line) && line[j.used - 1] == '}');
}

static void fuzz_ftp_ends(const uint8_t *data, size_t size, size_t piece)
{
	void *s = app_parser_ftp.create(NULL);
	if (!s)
		return;
	for (size_t off = 0; off < size; off += piece) {
		uint32_t n = (uint32_t)(size - off < piece ? size - off : piece);
		enum app_direction dir = (off / piece) & 1 ? APP_TO_CLIENT : APP_TO_SERVER;
		app_parser_ftp.parse(s, dir, data + off, n, fuzz_app_emit, NULL);
	}
	app_parser_ftp.parse(s, APP_TO_SERVER, NULL, 0, fuzz_app_emit, NULL);
	app_parser_ftp.parse(s, APP_TO_CLIENT, NULL, 0, fuzz_app_emit, NULL);
	app_parser_ftp.destroy(s);
}

static void fuzz_ftp_data(const uint8_t *data, size_t size, size_t piece)
{
	struct app_config config = {.body_limit = FUZZ_FTP_FILE_LIMIT};
	struct app_expectation e = {
	    .port = 20, .proto = RULE_PROTO_FTP_DATA, .command = (uint8_t)(size % 3)};
	size_t n = size < sizeof(e.name) - 1 ? size : sizeof(e.name) - 1;
	memcpy(e.name, data, n);
	void *s = app_parser_ftp_data.create(&config);
	if (!s)
		return;
	app_parser_ftp_data.expected(s, &e);
	for (size_t off = 0; off < size; off += piece) {
		uint32_t len = (uint32_t)(size - off < piece ? size - off : piece);
		app_parser_ftp_data.parse(s, (off / piece) % 3 ? APP_TO_CLIENT : APP_TO_SERVER,
					  data + off, len, fuzz_ftp_data_emit, NULL);
	}
	app_parser_ftp_data.parse(s, APP_TO_CLIENT, NULL, 0, fuzz_ftp_data_emit, NULL);
	app_parser_ftp_data.parse(s, APP_TO_SERVER, NULL, 0, fuzz_ftp_data_emit, NULL);
	app_parser_ftp_data.destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_ftp_check;
	fuzz_app_input(&app_parser_ftp, data, size);
	if (size < 2)
		return 0;
	size_t piece = (size_t)data[0] % 97 + 1;
	fuzz_ftp_ends(data + 1, size - 1, piece);
	fuzz_ftp_data(data + 1, size - 1, piece);
	return 0;
}
