/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transforms that take options or need a library, and the base64
 * decoder base64_decode shares:
 *   from_base64[:bytes N][, offset N][, mode rfc4648|rfc2045|strict]
 *     decodes the buffer from offset on (at most bytes of it); when nothing
 *     decodes, the buffer is left as it was, as Suricata 8 does.
 *   pcrexform:"regex"  the buffer becomes the regex's first group; no
 *     match leaves it as it was.
 *   xor:"hexkey"  every byte xored with the key, repeated.
 *   to_md5, to_sha1, to_sha256  the buffer becomes its raw digest.
 * The rows live in kw_buffer.c; the matcher calls the apply functions on
 * its per-thread copy of the buffer (kw_transform.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <mbedtls/md.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_transform.h"

/* One PCRE2 match block per thread, made on its first pcrexform (kw_pcre.c does the same). */
static __thread pcre2_match_data *transform_match_data;

/*
 * pcre's limits (a crafted buffer must not make a backtracking regex eat
 * the worker): made with the first pcrexform parsed, on the thread that
 * builds rulesets, before any worker can run one; read-only after.
 */
#define TRANSFORM_MATCH_LIMIT 3500
#define TRANSFORM_DEPTH_LIMIT 1500
static pcre2_match_context *transform_limits;

static int base64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Strict: the whole text is base64 in groups of four, '=' only as the last one or two. */
static bool base64_strict_ok(const uint8_t *in, uint32_t len)
{
	if (len % 4 != 0)
		return false;
	uint32_t pad = 0;
	while (pad < 2 && pad < len && in[len - 1 - pad] == '=')
		pad++;
	for (uint32_t i = 0; i < len - pad; i++)
		if (base64_value(in[i]) < 0)
			return false;
	return true;
}

uint32_t kw_base64_decode(const uint8_t *in, uint32_t len, enum kw_base64_mode mode, uint8_t *out,
			  bool *ok)
{
	*ok = true;
	if (mode == KW_BASE64_STRICT && !base64_strict_ok(in, len)) {
		*ok = false;
		return 0;
	}
	uint32_t written = 0, bits = 0, acc = 0;
	for (uint32_t i = 0; i < len; i++) {
		int v = base64_value(in[i]);
		if (v < 0) {
			/* '=' ends the text in every mode; RFC 2045 skips line breaks and the like */
			if (mode == KW_BASE64_RFC2045 && in[i] != '=')
				continue;
			break;
		}
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[written++] = (uint8_t)(acc >> bits);
		}
	}
	return written;
}

bool kw_transform_apply_from_base64(const struct kw_transform *t, uint8_t *data, uint32_t *len)
{
	if (t->base64_offset >= *len)
		return true;
	uint32_t n = *len - t->base64_offset;
	if (t->base64_bytes && t->base64_bytes < n)
		n = t->base64_bytes;
	bool ok;
	/* decoding in place is safe: the output never overtakes the input */
	uint32_t written = kw_base64_decode(data + t->base64_offset, n, t->base64_mode, data, &ok);
	if (written > 0)
		*len = written;
	return true;
}

bool kw_transform_apply_pcrexform(const struct kw_transform *t, uint8_t *data, uint32_t *len)
{
	pcre2_match_data *md = transform_match_data;
	if (!md) {
		md = pcre2_match_data_create(2, NULL);
		if (!md)
			return false;
		transform_match_data = md;
	}
	int rc = pcre2_match(t->regex, data, *len, 0, 0, md, transform_limits);
	if (rc < 2)
		return true; /* no match, or a limit hit: the buffer stays as it was */
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	if (ov[2] == PCRE2_UNSET || ov[3] < ov[2])
		return true;
	memmove(data, data + ov[2], ov[3] - ov[2]);
	*len = (uint32_t)(ov[3] - ov[2]);
	return true;
}

bool kw_transform_apply_xor(const struct kw_transform *t, uint8_t *data, uint32_t *len)
{
	for (uint32_t i = 0; i < *len; i++)
		data[i] ^= t->xor_key[i % t->xor_len];
	return true;
}

/* A digest replaces the buffer; the scratch holds RULE_TRANSFORM_MAX bytes, so even a
 * buffer shorter than the digest has room. */
static bool transform_digest(mbedtls_md_type_t type, uint8_t *data, uint32_t *len)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(type);
	uint8_t digest[MBEDTLS_MD_MAX_SIZE];
	if (!info || mbedtls_md(info, data, *len, digest) != 0)
		return false;
	*len = mbedtls_md_get_size(info);
	memcpy(data, digest, *len);
	return true;
}

bool kw_transform_apply_md5(const struct kw_transform *t, uint8_t *data, uint32_t *len)
{
	(void)t;
	return transform_digest(MBEDTLS_MD_MD5, data, len);
}

bool kw_transform_apply_sha1(const struct kw_transform *t, uint8_t *data, uint32_t *len)
{
	(void)t;
	return transform_digest(MBEDTLS_MD_SHA1, data, len);
}

bool kw_transform_apply_sha256(const struct kw_transform *t, uint8_t *data, uint32_t *len)
{
	(void)t;
	return transform_digest(MBEDTLS_MD_SHA256, data, len);
}

/* "  word rest" -> word at *p (its length returned), *p moved past it. */
static size_t transform_next_word(const char **p, const char **word)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	*word = *p;
	while (**p && **p != ' ' && **p != '\t' && **p != ',')
		(*p)++;
	return (size_t)(*p - *word);
}

static int transform_number(struct rule_parser *parser, const char **p, uint32_t *out)
{
	const char *word;
	size_t n = transform_next_word(p, &word);
	char *end;
	if (n == 0 || !isdigit((unsigned char)word[0]))
		return rule_parser_error(parser,
					 "from_base64: \"%.*s\" is not a number (byte variables "
					 "are not supported)",
					 (int)n, word);
	unsigned long v = strtoul(word, &end, 10);
	if (end != word + n || v > UINT32_MAX)
		return rule_parser_error(parser, "from_base64: bad number \"%.*s\"", (int)n, word);
	*out = (uint32_t)v;
	return 0;
}

static int transform_parse_from_base64(struct rule_parser *parser, struct kw_transform *t)
{
	static const struct {
		const char *name;
		enum kw_base64_mode mode;
	} modes[] = {{"rfc4648", KW_BASE64_RFC4648},
		     {"rfc2045", KW_BASE64_RFC2045},
		     {"strict", KW_BASE64_STRICT}};
	const char *p = t->value ? t->value : "";
	unsigned seen = 0;
	for (;;) {
		const char *word;
		size_t n = transform_next_word(&p, &word);
		if (n == 0 && *p == '\0')
			return 0;
		unsigned bit = 0;
		int rc = 0;
		if (n == 5 && strncmp(word, "bytes", 5) == 0) {
			bit = 1;
			rc = transform_number(parser, &p, &t->base64_bytes);
			if (rc == 0 && t->base64_bytes == 0)
				return rule_parser_error(parser, "from_base64: bytes must be > 0");
		} else if (n == 6 && strncmp(word, "offset", 6) == 0) {
			bit = 2;
			rc = transform_number(parser, &p, &t->base64_offset);
		} else if (n == 4 && strncmp(word, "mode", 4) == 0) {
			bit = 4;
			const char *m;
			size_t mn = transform_next_word(&p, &m);
			size_t i = 0;
			while (i < sizeof(modes) / sizeof(modes[0]) &&
			       !(strlen(modes[i].name) == mn &&
				 strncasecmp(m, modes[i].name, mn) == 0))
				i++;
			if (i == sizeof(modes) / sizeof(modes[0]))
				return rule_parser_error(
				    parser, "from_base64: unknown mode \"%.*s\"", (int)mn, m);
			t->base64_mode = modes[i].mode;
		} else {
			return rule_parser_error(parser, "from_base64: unknown option \"%.*s\"",
						 (int)n, word);
		}
		if (rc < 0)
			return rc;
		if (seen & bit)
			return rule_parser_error(parser, "from_base64: option \"%.*s\" given twice",
						 (int)n, word);
		seen |= bit;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return rule_parser_error(parser, "from_base64: expected ',' at \"%s\"", p);
	}
}

/* The value without blanks around it and one pair of quotes; false when a quote is unpaired. */
static bool transform_unquote(const char *value, const char **start, size_t *len)
{
	const char *s = value, *e = value + strlen(value);
	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e > s && *s == '"') {
		if (e - s < 2 || e[-1] != '"')
			return false;
		s++;
		e--;
	}
	*start = s;
	*len = (size_t)(e - s);
	return true;
}

static int transform_parse_pcrexform(struct rule_parser *parser, struct kw_transform *t)
{
	const char *s;
	size_t n;
	if (!transform_unquote(t->value, &s, &n) || n == 0)
		return rule_parser_error(parser, "pcrexform: expected a quoted regex");
	int error;
	PCRE2_SIZE at;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)s, n, 0, &error, &at, NULL);
	if (!code) {
		PCRE2_UCHAR message[160];
		pcre2_get_error_message(error, message, sizeof(message));
		return rule_parser_error(parser, "pcrexform: bad regex \"%.*s\": %s", (int)n, s,
					 (const char *)message);
	}
	uint32_t groups = 0;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (groups < 1) {
		pcre2_code_free(code);
		return rule_parser_error(parser, "pcrexform: regex \"%.*s\" has no capture group",
					 (int)n, s);
	}
	if (!transform_limits) {
		transform_limits = pcre2_match_context_create(NULL);
		if (!transform_limits) {
			pcre2_code_free(code);
			return rule_parser_error(parser, "out of memory");
		}
		pcre2_set_match_limit(transform_limits, TRANSFORM_MATCH_LIMIT);
		pcre2_set_depth_limit(transform_limits, TRANSFORM_DEPTH_LIMIT);
	}
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	t->regex = code;
	return 0;
}

static int transform_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int transform_parse_xor(struct rule_parser *parser, struct kw_transform *t)
{
	const char *s;
	size_t n;
	if (!transform_unquote(t->value, &s, &n) || n == 0 || n % 2 != 0 ||
	    n / 2 > KW_TRANSFORM_XOR_KEY_MAX)
		return rule_parser_error(parser, "xor: expected a quoted hex key of 1 to %d bytes",
					 KW_TRANSFORM_XOR_KEY_MAX);
	for (size_t i = 0; i < n; i += 2) {
		int hi = transform_hex(s[i]), lo = transform_hex(s[i + 1]);
		if (hi < 0 || lo < 0)
			return rule_parser_error(parser, "xor: \"%.*s\" is not hex", (int)n, s);
		t->xor_key[t->xor_len++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int kw_transform_parse_value(struct rule_parser *parser, const char *name,
			     struct kw_transform *transform)
{
	if (strcmp(name, "from_base64") == 0)
		return transform_parse_from_base64(parser, transform);
	if (strcmp(name, "pcrexform") == 0)
		return transform_parse_pcrexform(parser, transform);
	if (strcmp(name, "xor") == 0)
		return transform_parse_xor(parser, transform);
	return 0;
}

void kw_transform_release(struct kw_transform *transform)
{
	pcre2_code_free(transform->regex);
	transform->regex = NULL;
}
