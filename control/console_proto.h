/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console protocol, both ends: what travels inside the TLS session
 * between vigilctl (or any TLS client with an operator certificate) and
 * the appliance. It is text, one request at a time:
 *
 *   request  = words LF [payload]
 *   words    = word *(SP word)      ; at most CONSOLE_MAX_ARGS words
 *   word     = 1*safe / DQUOTE *(safe / SP / "\" DQUOTE / "\\") DQUOTE
 *   payload  = exactly N bytes, when the last word is "<N" (N decimal,
 *              at most CONSOLE_MAX_PAYLOAD): a rules file being loaded
 *   response = one JSON object on one line, LF
 *
 * Every response has "ok" (true or false); a refusal has "error" (the
 * reason) and, where there are several, "errors" (a list). Most have
 * "text", a human rendering that vigilctl prints unless asked for JSON.
 *
 * This module parses requests and builds JSON text; it does no I/O and
 * knows no command (control/console_commands.c has the table).
 */
#ifndef VIGIL_CONTROL_CONSOLE_PROTO_H
#define VIGIL_CONTROL_CONSOLE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_MAX_LINE    4096
#define CONSOLE_MAX_ARGS    32
#define CONSOLE_MAX_PAYLOAD (64u << 20) /* a whole ET Open set is about 40 MB */

/* Why a request line was refused; the X-macro makes the enum and the texts. */
#define CONSOLE_PARSE_ERRORS(_)                                                                    \
	_(OK, "ok")                                                                                \
	_(EMPTY, "empty request")                                                                  \
	_(TOO_LONG, "request line too long")                                                       \
	_(TOO_MANY_ARGS, "too many words")                                                         \
	_(CONTROL_CHARACTER, "control character in the request")                                   \
	_(UNTERMINATED_QUOTE, "unterminated quoted word")                                          \
	_(BAD_ESCAPE, "bad escape in a quoted word")                                               \
	_(BAD_PAYLOAD_LENGTH, "bad payload length (want <N, N at most 64 MiB)")

enum console_parse_error {
#define CONSOLE_PARSE_ENUM(name, text) CONSOLE_PARSE_##name,
	CONSOLE_PARSE_ERRORS(CONSOLE_PARSE_ENUM)
#undef CONSOLE_PARSE_ENUM
};

const char *console_parse_error_text(enum console_parse_error error);

/*
 * The TLS 1.2 cipher suites both ends offer (mbedTLS ids, 0-terminated):
 * ECDHE only (forward secrecy), AEAD only (AES-GCM, ChaCha20-Poly1305).
 */
extern const int console_tls_ciphersuites[];

/* A parsed request line. argv points into words (NUL-separated copies:
 * a word and its NUL never take more than twice the line's bytes). */
struct console_request {
	char words[2 * CONSOLE_MAX_LINE];
	const char *argv[CONSOLE_MAX_ARGS];
	unsigned argc;
	bool has_payload;
	uint32_t payload_len; /* bytes that follow the line when has_payload */
	size_t error_column;  /* 1-based column of the fault on error */
};

/*
 * Parse one request line of len bytes (without its LF; a trailing CR is
 * ignored). Fills *request. Returns CONSOLE_PARSE_OK or the reason, with
 * the column in request->error_column.
 */
enum console_parse_error console_parse_line(const char *line, size_t len,
					    struct console_request *request);

/*
 * A growing JSON text. Every function keeps the text valid so far or sets
 * failed (out of memory); the caller adds the commas (json_comma) between
 * members. Owned by the caller: json_free.
 */
struct json_out {
	char *text;
	size_t len, cap;
	bool failed;
	bool need_comma;
};

void json_raw(struct json_out *j, const char *text);
void json_printf(struct json_out *j, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string from len bytes (escaped; bytes that are not UTF-8 text become \u00XX). */
void json_string_len(struct json_out *j, const char *s, size_t len);
void json_string(struct json_out *j, const char *s);
/* ,"key": (the comma when a member came before in this object). */
void json_key(struct json_out *j, const char *key);
void json_object_begin(struct json_out *j);
void json_object_end(struct json_out *j);
void json_array_begin(struct json_out *j);
void json_array_end(struct json_out *j);
/* Before an array element: a comma unless it is the first. */
void json_element(struct json_out *j);
void json_free(struct json_out *j);

/*
 * Find the top-level string member key of the JSON object in text and
 * unescape it into out (NUL-terminated, cut at out_len - 1). Returns 0,
 * or -ENOENT when it is missing or not a string. For vigilctl, which
 * prints a response's "text" member.
 */
int json_find_string(const char *text, const char *key, char *out, size_t out_len);

/*
 * The value of the top-level member key of the JSON object in text (a
 * pointer into text, at the value's first character), or NULL.
 */
const char *json_find_value(const char *text, const char *key);

/* The boolean member key at the top level: 1 true, 0 false, -ENOENT otherwise. */
int json_find_bool(const char *text, const char *key);

#endif
