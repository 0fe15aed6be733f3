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
	if (j->used >= j->len) {
		j->overflow = true;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(j->buf + j->used, j->len - j->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		j->used += (size_t)n;
	if (j->used >= j->len) {
		j->used = j->len;
		j->overflow = true;
	}
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..len) (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF), or 0 when the
 * bytes there are not one.
 */
static size_t app_json_utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf; /* the range of the second byte */
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f; /* U+D800..U+DFFF: surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else
		return 0; /* 0x80..0xc1 (continuation, overlong lead), 0xf5..0xff */
	if (len < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

bool app_json_utf8_valid(const void *data, size_t len)
{
	const unsigned char *s = data;
	for (size_t i = 0; i < len;) {
		size_t n = app_json_utf8_sequence(s + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/*
 * The escaped form of s[0..len), as Suricata's JSON builder writes a value
 * from traffic: valid UTF-8 goes out as it is (quote, backslash and
 * control characters escaped, the latter as \u00XX); a value that is not
 * valid UTF-8 as a whole has each byte above 0x7f written as the four
 * characters \xNN (in JSON: "\\xNN"), so the line stays valid UTF-8
 * and the bytes can still be read back.
 */
static void app_json_escaped(struct app_json *j, const char *s, size_t len)
{
	bool valid = app_json_utf8_valid(s, len);
	app_json_put(j, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			app_json_put(j, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			app_json_put(j, "\\u%04x", c);
		else if (c >= 0x80 && !valid)
			app_json_put(j, "\\\\x%02x", c);
		else
			app_json_put(j, "%c", c);
	}
	app_json_put(j, "\"");
}

void app_json_bytes(struct app_json *j, const void *data, size_t len)
{
	app_json_escaped(j, data, len);
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

/*
 * The length of value[0..len) cut to at most limit bytes without splitting
 * a UTF-8 sequence of a valid value, and without leaving a sequence that
 * an earlier cut (the parser's storage) split at the end.
 */
static size_t app_json_cut_length(const char *value, size_t len, size_t limit)
{
	if (limit && len > limit) {
		len = limit;
		while (len && ((unsigned char)value[len] & 0xc0) == 0x80)
			len--;
	}
	if (app_json_utf8_valid(value, len))
		return len;
	for (size_t k = 1; k <= 3 && k < len; k++)
		if ((unsigned char)value[len - k] >= 0xc2 && app_json_utf8_valid(value, len - k))
			return len - k;
	return len;
}

bool app_json_text_value(struct app_json *j, const char *value, size_t size, bool cut)
{
	size_t len = strnlen(value, size);
	size_t keep = cut || (j->field_limit && len > j->field_limit)
			  ? app_json_cut_length(value, len, j->field_limit)
			  : len;
	cut = cut || keep < len;
	if (!cut) {
		app_json_escaped(j, value, len);
		return false;
	}
	/* Suricata's mark of a value longer than its limit: the schema has no
	 * flag for most fields, the value itself says it. */
	char text[APP_JSON_CUT_MAX + sizeof(APP_JSON_TRUNCATED)];
	if (keep > APP_JSON_CUT_MAX)
		keep = APP_JSON_CUT_MAX;
	memcpy(text, value, keep);
	memcpy(text + keep, APP_JSON_TRUNCATED, sizeof(APP_JSON_TRUNCATED));
	app_json_escaped(j, text, keep + sizeof(APP_JSON_TRUNCATED) - 1);
	return true;
}

bool app_json_text_cut(struct app_json *j, const char *key, const char *value, size_t size,
		       bool cut)
{
	if (!strnlen(value, size))
		return false;
	app_json_key(j, key);
	return app_json_text_value(j, value, size, cut);
}

void app_json_text(struct app_json *j, const char *key, const char *value, size_t size)
{
	app_json_text_cut(j, key, value, size, false);
}

void app_json_uint(struct app_json *j, const char *key, uint64_t value)
{
	app_json_key(j, key);
	app_json_put(j, "%llu", (unsigned long long)value);
}
