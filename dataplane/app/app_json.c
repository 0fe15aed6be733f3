/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bounded JSON writer of app_json.h. Every function is safe on a full
 * buffer (it writes nothing more) and leaves used <= len.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/app/app_json.h"

void app_json_put(struct app_json *j, const char *fmt, ...)
{
	if (j->used >= j->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(j->buf + j->used, j->len - j->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		j->used += (size_t)n;
	if (j->used > j->len)
		j->used = j->len;
}

/* The escaped form of s[0..len). */
static void app_json_escaped(struct app_json *j, const char *s, size_t len)
{
	app_json_put(j, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			app_json_put(j, "\\%c", c);
		else if (c < 0x20)
			app_json_put(j, "\\u%04x", c);
		else
			app_json_put(j, "%c", c);
	}
	app_json_put(j, "\"");
}

void app_json_string(struct app_json *j, const char *s)
{
	app_json_escaped(j, s ? s : "", s ? strlen(s) : 0);
}

void app_json_key(struct app_json *j, const char *key)
{
	app_json_put(j, "%s\"%s\":", j->first ? "" : ",", key);
	j->first = false;
}

void app_json_begin(struct app_json *j, const char *open)
{
	app_json_put(j, "%s", open);
	j->first = true;
}

void app_json_end(struct app_json *j, const char *close)
{
	app_json_put(j, "%s", close);
	j->first = false;
}

void app_json_text(struct app_json *j, const char *key, const char *value, size_t size)
{
	size_t len = strnlen(value, size);
	if (!len)
		return;
	app_json_key(j, key);
	app_json_escaped(j, value, len);
}

void app_json_uint(struct app_json *j, const char *key, uint64_t value)
{
	app_json_key(j, key);
	app_json_put(j, "%llu", (unsigned long long)value);
}
