/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: control/console_proto.c
/*
 * libFuzzer target for the console protocol (control/console_proto.c), the
 * text that arrives inside an operator's TLS session: each input is split
 * at LF into request lines, each parsed; an accepted line must give words
 * that hold no control character and a payload length within the limit, a
 * refused one a column inside the line. Each word goes out again as a JSON
 * string, and the JSON reader vigilctl uses reads the input itself and the
 * object built from it: whatever it finds must be NUL-terminated within
 * its buffer. Memory errors, leaks and undefined behaviour are left to
 * ASan/LSan and UBSan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/console_proto.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static void fuzz_line(const char *line, size_t len, struct console_request *r)
{
	enum console_parse_error e = console_parse_line(line, len, r);
	FUZZ_CHECK(console_parse_error_text(e) != NULL);
	if (e != CONSOLE_PARSE_OK) {
		FUZZ_CHECK(e == CONSOLE_PARSE_EMPTY || r->error_column >= 1);
		return;
	}
	FUZZ_CHECK(r->argc >= 1 && r->argc <= CONSOLE_MAX_ARGS);
	FUZZ_CHECK(!r->has_payload || r->payload_len <= CONSOLE_MAX_PAYLOAD);
	struct json_out j = {0};
	json_object_begin(&j);
	json_key(&j, "ok");
	json_raw(&j, "true");
	json_key(&j, "text");
	json_array_begin(&j);
	for (unsigned i = 0; i < r->argc; i++) {
		for (const char *c = r->argv[i]; *c; c++)
			FUZZ_CHECK((unsigned char)*c >= 0x20 || *c == '\t');
		json_element(&j);
		json_string(&j, r->argv[i]);
	}
	json_array_end(&j);
	json_key(&j, "last");
	json_string(&j, r->argv[r->argc - 1]);
	json_object_end(&j);
	if (!j.failed) {
		char out[256];
		FUZZ_CHECK(json_find_bool(j.text, "ok") == 1);
		FUZZ_CHECK(json_find_string(j.text, "last", out, sizeof(out)) == 0);
		FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL);
	}
	json_free(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct console_request *r = malloc(sizeof(*r));
	if (!r) {
		free(text);
		return 0;
	}
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i == size || text[i] == '\n') {
			fuzz_line(text + start, i - start, r);
			start = i + 1;
		}
	}
	/* The input as an answer: the reader must stay inside it. */
	char out[64];
	(void)json_find_string(text, "text", out, sizeof(out));
	(void)json_find_bool(text, "ok");
	free(r);
	free(text);
	return 0;
}
