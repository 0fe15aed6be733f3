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
};

/* Raw text, printf-style (the caller makes it valid JSON). */
void app_json_put(struct app_json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s as a JSON string: quotes, backslashes and control characters escaped. */
void app_json_string(struct app_json *j, const char *s);

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

/* A number field. */
void app_json_uint(struct app_json *j, const char *key, uint64_t value);

#endif
