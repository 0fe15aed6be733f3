/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console protocol text: request lines into words, JSON out, and the small
 * JSON reader vigilctl needs to print a response's "text". No I/O here;
 * the TLS session (control/console.c) feeds it bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ssl_ciphersuites.h>

#include "control/console_proto.h"
#include "platform/array.h"

const int console_tls_ciphersuites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
};

#define JSON_MAX_DEPTH 32

static const char *const console_parse_texts[] = {
#define CONSOLE_PARSE_TEXT(name, text) text,
    CONSOLE_PARSE_ERRORS(CONSOLE_PARSE_TEXT)
#undef CONSOLE_PARSE_TEXT
};

const char *console_parse_error_text(enum console_parse_error error)
{
	if ((size_t)error >= sizeof(console_parse_texts) / sizeof(console_parse_texts[0]))
		return "unknown error";
	return console_parse_texts[error];
}

/* "<N": the payload length word. Returns 0 and the length, or -EINVAL. */
static int console_payload_length(const char *word, uint32_t *len)
{
	if (word[0] != '<' || word[1] < '0' || word[1] > '9')
		return -EINVAL;
	unsigned long long n = 0;
	for (const char *c = word + 1; *c; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		n = n * 10 + (unsigned)(*c - '0');
		if (n > CONSOLE_MAX_PAYLOAD)
			return -EINVAL;
	}
	*len = (uint32_t)n;
	return 0;
}

/* Copy a quoted word starting after its opening quote; returns the index after the closing quote. */
static enum console_parse_error console_quoted(const char *line, size_t len, size_t *at, char **out)
{
	size_t i = *at;
	while (i < len && line[i] != '"') {
		if (line[i] == '\\') {
			if (i + 1 >= len || (line[i + 1] != '"' && line[i + 1] != '\\')) {
				*at = i;
				return CONSOLE_PARSE_BAD_ESCAPE;
			}
			i++;
		}
		*(*out)++ = line[i++];
	}
	if (i >= len) {
		*at = i;
		return CONSOLE_PARSE_UNTERMINATED_QUOTE;
	}
	*at = i + 1;
	return CONSOLE_PARSE_OK;
}

enum console_parse_error console_parse_line(const char *line, size_t len,
					    struct console_request *request)
{
	request->words[0] = '\0';
	request->argc = 0;
	request->has_payload = false;
	request->payload_len = 0;
	request->error_column = 0;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len >= CONSOLE_MAX_LINE) {
		request->error_column = CONSOLE_MAX_LINE;
		return CONSOLE_PARSE_TOO_LONG;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			request->error_column = i + 1;
			return CONSOLE_PARSE_CONTROL_CHARACTER;
		}
	}
	char *out = request->words;
	size_t i = 0;
	while (true) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (request->argc == CONSOLE_MAX_ARGS) {
			request->error_column = i + 1;
			return CONSOLE_PARSE_TOO_MANY_ARGS;
		}
		request->argv[request->argc++] = out;
		if (line[i] == '"') {
			i++;
			enum console_parse_error e = console_quoted(line, len, &i, &out);
			if (e != CONSOLE_PARSE_OK) {
				request->error_column = i + 1;
				return e;
			}
		} else {
			while (i < len && line[i] != ' ' && line[i] != '\t')
				*out++ = line[i++];
		}
		*out++ = '\0';
	}
	if (request->argc == 0)
		return CONSOLE_PARSE_EMPTY;
	const char *last = request->argv[request->argc - 1];
	if (last[0] == '<') {
		if (console_payload_length(last, &request->payload_len) < 0) {
			request->error_column = len;
			return CONSOLE_PARSE_BAD_PAYLOAD_LENGTH;
		}
		request->has_payload = true;
		request->argc--;
		if (request->argc == 0)
			return CONSOLE_PARSE_EMPTY;
	}
	return CONSOLE_PARSE_OK;
}

/* ---- JSON out ---- */

static void json_reserve(struct json_out *j, size_t more)
{
	if (j->failed)
		return;
	if (more > SIZE_MAX - j->len - 1 ||
	    ARRAY_RESERVE(j->text, j->len + more + 1, j->cap, 256) < 0)
		j->failed = true;
}

static void json_append(struct json_out *j, const char *s, size_t len)
{
	json_reserve(j, len);
	if (j->failed)
		return;
	memcpy(j->text + j->len, s, len);
	j->len += len;
	j->text[j->len] = '\0';
}

void json_raw(struct json_out *j, const char *text)
{
	json_append(j, text, strlen(text));
}

void json_printf(struct json_out *j, const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	int n = vsnprintf(NULL, 0, format, ap);
	va_end(ap);
	if (n < 0) {
		j->failed = true;
		return;
	}
	json_reserve(j, (size_t)n);
	if (j->failed)
		return;
	va_start(ap, format);
	vsnprintf(j->text + j->len, (size_t)n + 1, format, ap);
	va_end(ap);
	j->len += (size_t)n;
}

/* Length of the UTF-8 sequence at s (at most len bytes), 0 when it is not valid. */
static size_t json_utf8_length(const unsigned char *s, size_t len)
{
	size_t need;
	unsigned min;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4, min = 0x10000;
	} else {
		return 0;
	}
	if (need > len)
		return 0;
	unsigned cp = s[0] & (0x3f >> (need - 1));
	for (size_t k = 1; k < need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

void json_string_len(struct json_out *j, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	json_append(j, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c;
			json_append(j, esc, 2);
		} else if (c == '\n') {
			json_append(j, "\\n", 2);
		} else if (c == '\t') {
			json_append(j, "\\t", 2);
		} else if (c >= 0x20 && c < 0x7f) {
			json_append(j, (const char *)&u[i], 1);
		} else {
			size_t n = c >= 0x80 ? json_utf8_length(u + i, len - i) : 0;
			if (n) {
				json_append(j, (const char *)&u[i], n);
				i += n - 1;
				continue;
			}
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			json_append(j, esc, 6);
		}
	}
	json_append(j, "\"", 1);
}

void json_string(struct json_out *j, const char *s)
{
	json_string_len(j, s, strlen(s));
}

void json_key(struct json_out *j, const char *key)
{
	if (j->need_comma)
		json_append(j, ",", 1);
	json_string(j, key);
	json_append(j, ":", 1);
	j->need_comma = true;
}

void json_object_begin(struct json_out *j)
{
	json_append(j, "{", 1);
	j->need_comma = false;
}

void json_object_end(struct json_out *j)
{
	json_append(j, "}", 1);
	j->need_comma = true;
}

void json_array_begin(struct json_out *j)
{
	json_append(j, "[", 1);
	j->need_comma = false;
}

void json_array_end(struct json_out *j)
{
	json_append(j, "]", 1);
	j->need_comma = true;
}

void json_element(struct json_out *j)
{
	if (j->need_comma)
		json_append(j, ",", 1);
	j->need_comma = true;
}

void json_free(struct json_out *j)
{
	free(j->text);
	memset(j, 0, sizeof(*j));
}

/* ---- JSON in (just enough for vigilctl) ---- */

struct json_reader {
	const char *at;
};

static void json_skip_space(struct json_reader *r)
{
	while (*r->at == ' ' || *r->at == '\t' || *r->at == '\n' || *r->at == '\r')
		r->at++;
}

static int json_hex4(const char *s, unsigned *value)
{
	*value = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		*value = *value * 16 + d;
	}
	return 0;
}

/* Put code point cp as UTF-8 into out if room remains. */
static void json_put_utf8(unsigned cp, char *out, size_t out_len, size_t *n)
{
	char b[4];
	size_t k;
	if (cp < 0x80) {
		b[0] = (char)cp, k = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), k = 2;
	} else {
		b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)), k = 3;
	}
	for (size_t i = 0; i < k && out && *n + 1 < out_len; i++)
		out[(*n)++] = b[i];
}

/* A string at r->at (on its quote); unescaped into out when out is not NULL. */
static int json_read_string(struct json_reader *r, char *out, size_t out_len)
{
	size_t n = 0;
	if (*r->at != '"')
		return -EINVAL;
	r->at++;
	while (*r->at != '"') {
		char c = *r->at;
		if (c == '\0' || (unsigned char)c < 0x20)
			return -EINVAL;
		if (c != '\\') {
			if (out && n + 1 < out_len)
				out[n++] = c;
			r->at++;
			continue;
		}
		c = r->at[1];
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *hit = c ? strchr(from, c) : NULL;
		if (hit) {
			if (out && n + 1 < out_len)
				out[n++] = to[hit - from];
			r->at += 2;
		} else if (c == 'u') {
			unsigned cp;
			if (json_hex4(r->at + 2, &cp) < 0)
				return -EINVAL;
			json_put_utf8(cp, out, out_len, &n);
			r->at += 6;
		} else {
			return -EINVAL;
		}
	}
	r->at++;
	if (out && out_len)
		out[n] = '\0';
	return 0;
}

static int json_skip_value(struct json_reader *r, unsigned depth);

/* An object or array at r->at; each member is skipped. */
static int json_skip_container(struct json_reader *r, unsigned depth, char close)
{
	r->at++;
	json_skip_space(r);
	if (*r->at == close) {
		r->at++;
		return 0;
	}
	while (true) {
		json_skip_space(r);
		if (close == '}') {
			if (json_read_string(r, NULL, 0) < 0)
				return -EINVAL;
			json_skip_space(r);
			if (*r->at++ != ':')
				return -EINVAL;
		}
		if (json_skip_value(r, depth + 1) < 0)
			return -EINVAL;
		json_skip_space(r);
		if (*r->at == ',') {
			r->at++;
			continue;
		}
		if (*r->at != close)
			return -EINVAL;
		r->at++;
		return 0;
	}
}

static int json_skip_value(struct json_reader *r, unsigned depth)
{
	if (depth > JSON_MAX_DEPTH)
		return -EINVAL;
	json_skip_space(r);
	char c = *r->at;
	if (c == '"')
		return json_read_string(r, NULL, 0);
	if (c == '{')
		return json_skip_container(r, depth, '}');
	if (c == '[')
		return json_skip_container(r, depth, ']');
	const char *start = r->at;
	while (*r->at && strchr("+-.0123456789eEtruefalsn", *r->at))
		r->at++;
	return r->at > start ? 0 : -EINVAL;
}

/* Leave r at the value of the top-level member key; -ENOENT when there is none. */
static int json_find_member(struct json_reader *r, const char *key)
{
	char name[128];
	json_skip_space(r);
	if (*r->at++ != '{')
		return -ENOENT;
	while (true) {
		json_skip_space(r);
		if (json_read_string(r, name, sizeof(name)) < 0)
			return -ENOENT;
		json_skip_space(r);
		if (*r->at++ != ':')
			return -ENOENT;
		json_skip_space(r);
		if (strcmp(name, key) == 0)
			return 0;
		if (json_skip_value(r, 1) < 0)
			return -ENOENT;
		json_skip_space(r);
		if (*r->at++ != ',')
			return -ENOENT;
	}
}

int json_find_string(const char *text, const char *key, char *out, size_t out_len)
{
	struct json_reader r = {.at = text};
	if (json_find_member(&r, key) < 0 || *r.at != '"')
		return -ENOENT;
	return json_read_string(&r, out, out_len) < 0 ? -ENOENT : 0;
}

const char *json_find_value(const char *text, const char *key)
{
	struct json_reader r = {.at = text};
	return json_find_member(&r, key) < 0 ? NULL : r.at;
}

int json_find_bool(const char *text, const char *key)
{
	struct json_reader r = {.at = text};
	if (json_find_member(&r, key) < 0)
		return -ENOENT;
	if (strncmp(r.at, "true", 4) == 0)
		return 1;
	if (strncmp(r.at, "false", 5) == 0)
		return 0;
	return -ENOENT;
}
