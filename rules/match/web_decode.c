/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The web decoding pipeline (web_decode.h): percent, %u, overlong and
 * look-alike UTF-8, HTML character references and \u escapes, repeated
 * until the value stops changing or WEB_DECODE_PASSES is reached. Each
 * pass reads the value once and writes it back shorter or equal, so the
 * bytes a pass produced are read again only by the next pass: that is
 * what makes %%32%66 a '/' in two passes as IIS does, and what bounds the
 * work. Where a decoding does not apply (a broken escape, an unknown
 * entity, a lone UTF-8 byte), the bytes are kept as written, as servers
 * keep them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "rules/match/web_decode.h"

static int web_hex(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The value of n hex digits at p (all present), or -1. */
static long web_hex_run(const uint8_t *p, unsigned n)
{
	long v = 0;
	for (unsigned i = 0; i < n; i++) {
		int h = web_hex(p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/*
 * The ASCII character a server or a browser folds code point cp into, or
 * cp itself: fullwidth forms (IIS and .NET fold them, and so do some
 * file systems) and the slash look-alikes that path APIs take for '/' or '\'.
 */
static uint32_t web_fold(uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e)
		return cp - 0xfee0;
	if (cp == 0x2215 || cp == 0x2044)
		return '/';
	if (cp == 0x2216 || cp == 0xfe68)
		return '\\';
	if (cp == 0x00a0)
		return ' ';
	return cp;
}

/*
 * Write cp (folded) at out as UTF-8; returns the bytes written (1..4), 0
 * when cp is no character (a surrogate or past U+10FFFF): the caller keeps
 * the source as written. room is at least the source's length, which
 * is at least the encoding's length for every caller (checked).
 */
static unsigned web_put(uint8_t *out, uint32_t cp, unsigned room)
{
	cp = web_fold(cp);
	unsigned n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || n > room)
		return 0;
	switch (n) {
	case 1:
		out[0] = (uint8_t)cp;
		break;
	case 2:
		out[0] = (uint8_t)(0xc0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		break;
	case 3:
		out[0] = (uint8_t)(0xe0 | cp >> 12);
		out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp & 0x3f));
		break;
	default:
		out[0] = (uint8_t)(0xf0 | cp >> 18);
		out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		out[3] = (uint8_t)(0x80 | (cp & 0x3f));
		break;
	}
	return n;
}

/* One decoding step at data[i]: the bytes consumed (0: none applies) and what it writes. */
struct web_step {
	uint32_t used;
	uint32_t cp;
	bool byte; /* cp is a byte as it stands (%XX), not a code point to encode */
};

/* %XX and %uXXXX. */
static struct web_step web_percent(const uint8_t *p, uint32_t left)
{
	struct web_step s = {0, 0, false};
	long v;
	if (left >= 6 && (p[1] | 0x20) == 'u' && (v = web_hex_run(p + 2, 4)) >= 0)
		s = (struct web_step){6, (uint32_t)v, false};
	else if (left >= 3 && (v = web_hex_run(p + 1, 2)) >= 0)
		s = (struct web_step){3, (uint32_t)v, true};
	return s;
}

/* \uXXXX (JSON strings, JavaScript). */
static struct web_step web_backslash_u(const uint8_t *p, uint32_t left)
{
	struct web_step s = {0, 0, false};
	long v;
	if (left >= 6 && p[1] == 'u' && (v = web_hex_run(p + 2, 4)) >= 0)
		s = (struct web_step){6, (uint32_t)v, false};
	return s;
}

/* Named references a browser resolves that script, SQL or a path can be written with. */
static const struct {
	const char *name;
	uint8_t c;
} web_entities[] = {
    {"lt", '<'},       {"gt", '>'},	{"quot", '"'},	 {"apos", '\''},  {"amp", '&'},
    {"lpar", '('},     {"rpar", ')'},	{"sol", '/'},	 {"bsol", '\\'},  {"period", '.'},
    {"colon", ':'},    {"semi", ';'},	{"comma", ','},	 {"equals", '='}, {"tab", '\t'},
    {"newline", '\n'}, {"excl", '!'},	{"num", '#'},	 {"dollar", '$'}, {"percnt", '%'},
    {"plus", '+'},     {"lsqb", '['},	{"lbrack", '['}, {"rsqb", ']'},	  {"rbrack", ']'},
    {"lcub", '{'},     {"lbrace", '{'}, {"rcub", '}'},	 {"rbrace", '}'}, {"grave", '`'},
    {"hat", '^'},      {"ast", '*'},	{"midast", '*'}, {"verbar", '|'}, {"vert", '|'},
    {"quest", '?'},    {"commat", '@'}, {"lowbar", '_'}, {"nbsp", ' '},	  {"hyphen", '-'},
    {"dash", '-'},
};

/*
 * &#N; &#xH; (the ';' may be left out, as browsers allow for numeric
 * references) and &name; (the ';' is required: "a=1&lt=2" in a query is a
 * parameter named lt, not a '<').
 */
static struct web_step web_entity(const uint8_t *p, uint32_t left)
{
	struct web_step s = {0, 0, false};
	uint32_t i = 1;
	if (left >= 3 && p[1] == '#') {
		bool hex = (p[2] | 0x20) == 'x';
		uint32_t cp = 0;
		unsigned digits = 0;
		for (i = hex ? 3 : 2; i < left && digits < 8; i++, digits++) {
			int d =
			    hex ? web_hex(p[i]) : (p[i] >= '0' && p[i] <= '9' ? p[i] - '0' : -1);
			if (d < 0)
				break;
			cp = cp * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (digits == 0 || cp > 0x10ffff)
			return s;
		if (i < left && p[i] == ';')
			i++;
		return (struct web_step){i, cp, false};
	}
	while (i < left && i < 10 && ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'))
		i++;
	if (i >= left || p[i] != ';' || i == 1)
		return s;
	for (size_t e = 0; e < sizeof(web_entities) / sizeof(web_entities[0]); e++) {
		size_t n = strlen(web_entities[e].name);
		if (n != i - 1)
			continue;
		bool same = true;
		for (size_t k = 0; k < n && same; k++)
			same = (p[1 + k] | 0x20) == web_entities[e].name[k];
		if (same)
			return (struct web_step){i + 1, web_entities[e].c, false};
	}
	return s;
}

/*
 * A UTF-8 sequence that stands for an ASCII character: an overlong form
 * (C0 AF, E0 80 AF, F0 80 80 AF: servers that decode without checking
 * read '/') or a look-alike web_fold() maps. Other sequences: none.
 */
static struct web_step web_utf8(const uint8_t *p, uint32_t left)
{
	struct web_step s = {0, 0, false};
	unsigned n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	if (p[0] < 0xc0 || p[0] > 0xf4 || left < n)
		return s;
	uint32_t cp = p[0] & (0x7f >> n);
	for (unsigned k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return s;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if (cp < 0x80 || web_fold(cp) < 0x80)
		s = (struct web_step){n, web_fold(cp), false};
	return s;
}

/* A byte that may start something to decode ('+' only in the first pass). */
static inline bool web_special(uint8_t c, bool plus)
{
	return c == '%' || c == '&' || c == '\\' || c >= 0xc0 || (c == '+' && plus);
}

/* One pass; true when anything was decoded. */
static bool web_decode_pass(uint8_t *data, uint32_t *len, bool plus)
{
	uint32_t out = 0;
	bool changed = false;
	for (uint32_t i = 0; i < *len;) {
		if (out == i && !web_special(data[i], plus)) {
			/* Nothing decoded yet: plain bytes stay where they are, unwritten. */
			while (++i < *len && !web_special(data[i], plus))
				;
			out = i;
			continue;
		}
		const uint8_t *p = data + i;
		uint32_t left = *len - i;
		struct web_step s = {0, 0, false};
		if (*p == '%')
			s = web_percent(p, left);
		else if (*p == '&')
			s = web_entity(p, left);
		else if (*p == '\\')
			s = web_backslash_u(p, left);
		else if (*p >= 0xc0)
			s = web_utf8(p, left);
		else if (*p == '+' && plus)
			s = (struct web_step){1, ' ', false};
		unsigned wrote = 0;
		if (s.used && s.byte) {
			data[out] = (uint8_t)s.cp;
			wrote = 1;
		} else if (s.used) {
			wrote = web_put(data + out, s.cp, s.used);
		}
		if (wrote == 0) {
			data[out++] = data[i++];
			continue;
		}
		out += wrote;
		i += s.used;
		changed = true;
	}
	*len = out;
	return changed;
}

void web_decode(uint8_t *data, uint32_t *len)
{
	for (unsigned pass = 0; pass < WEB_DECODE_PASSES; pass++)
		if (!web_decode_pass(data, len, pass == 0))
			return;
}
