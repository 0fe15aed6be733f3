/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bounded JSON writer: what the EVE formatter (control/eve.c) writes an
 * alert line with, and what an application-layer parser's eve_details
 * function (app.h) writes its protocol object with, so a parser's file
 * says how its details appear in an alert and nothing else has to know.
 * Output past the buffer is cut, never written out of bounds (used stops
 * at len); strings are escaped so no field can break the line a SIEM
 * parses. Opening a buffer, ending the line and writing it out are the
 * caller's.
 */
#ifndef VIGIL_DATAPLANE_APP_JSON_H
#define VIGIL_DATAPLANE_APP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app_json {
	char *buf;
	size_t len, used;
	bool first; /* the next field of the current object needs no comma */
	/* Output did not fit: the text in buf is cut and not valid JSON; the
	 * caller formats again into a larger buffer (control/eve.c). */
	bool overflow;
	/* Bytes of a text field written at most (app_json_text); 0: no limit
	 * but the parser's storage. The board's [eve] field_limit. */
	size_t field_limit;
};

/* What ends a text field cut at the limit (Suricata's mark), and the longest cut kept. */
#define APP_JSON_TRUNCATED "[truncated]"
#define APP_JSON_CUT_MAX   4096

/* Raw text, printf-style (the caller makes it valid JSON). */
void app_json_put(struct app_json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * s as a JSON string: quotes, backslashes and control characters escaped
 * (\u00XX); bytes that are not valid UTF-8 as Suricata writes them (see
 * app_json_bytes). Whatever s holds, the output is valid UTF-8 JSON.
 */
void app_json_string(struct app_json *j, const char *s);

/*
 * data[0..len) (any bytes, NULs included) as a JSON string, as Suricata's
 * JSON builder writes a value from traffic: valid UTF-8 as it is (quote,
 * backslash, control characters escaped); a value that is not valid UTF-8
 * (0xff, an overlong 0xc0 0xaf, a surrogate, a cut sequence) has every
 * byte above 0x7f written as the text \xNN ("\\xff" in the JSON).
 */
void app_json_bytes(struct app_json *j, const void *data, size_t len);

/* True when data[0..len) is well-formed UTF-8 (RFC 3629). */
bool app_json_utf8_valid(const void *data, size_t len);

/* A field's name: ',"key":' (no comma for the first field of an object). */
void app_json_key(struct app_json *j, const char *key);

/* Open a value whose fields follow ("{", "[{"): the next field needs no comma. */
void app_json_begin(struct app_json *j, const char *open);

/* Close what app_json_begin opened ("}", "}]}"). */
void app_json_end(struct app_json *j, const char *close);

/*
 * A text field, left out when empty. value is read to its NUL or to size
 * bytes, whichever comes first, so a detail array a parser failed to
 * terminate is never read past.
 */
void app_json_text(struct app_json *j, const char *key, const char *value, size_t size);

/*
 * app_json_text, for a value that may be cut: cut, the parser kept only
 * the start of a longer value; a value longer than j->field_limit is cut
 * there too (never inside a UTF-8 sequence). A cut value ends with
 * APP_JSON_TRUNCATED, as Suricata marks one. Returns true when it was cut.
 */
bool app_json_text_cut(struct app_json *j, const char *key, const char *value, size_t size,
		       bool cut);

/* The value of app_json_text_cut alone (an array's item), even when empty. */
bool app_json_text_value(struct app_json *j, const char *value, size_t size, bool cut);

/* A number field. */
void app_json_uint(struct app_json *j, const char *key, uint64_t value);

#endif
