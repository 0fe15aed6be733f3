/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP set lists: prefixes in text, read from the formats block lists come
 * in (a plain list, CSV, the Spamhaus DROP format, the AWS WAF IPSet JSON
 * document) and written back as text or as an AWS WAF IPSet. Only plain C:
 * tables the dataplane looks addresses up in are built from these sets
 * by filter_sets.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter/filter_spec.h"
#include "platform/array.h"

int filter_prefix_parse(const char *text, size_t len, struct filter_prefix *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *slash = strchr(buf, '/');
	unsigned long bits = 0;
	bool has_len = slash != NULL;
	if (slash) {
		*slash = '\0';
		char *end;
		if (!isdigit((unsigned char)slash[1]) || strlen(slash + 1) > 3)
			return -EINVAL;
		bits = strtoul(slash + 1, &end, 10);
		if (*end)
			return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	if (strchr(buf, ':')) {
		if (inet_pton(AF_INET6, buf, out->addr) != 1 || bits > 128)
			return -EINVAL;
		out->version = 6;
		out->len = (uint8_t)(has_len ? bits : 128);
	} else {
		if (inet_pton(AF_INET, buf, out->addr) != 1 || bits > 32)
			return -EINVAL;
		out->version = 4;
		out->len = (uint8_t)(has_len ? bits : 32);
	}
	/* Host bits are cleared: "10.1.2.3/8" is 10.0.0.0/8, as a router reads it. */
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = out->len > 8 * i ? out->len - 8 * i : 0;
		if (keep < 8)
			out->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return 0;
}

void filter_prefix_format(const struct filter_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	inet_ntop(p->version == 6 ? AF_INET6 : AF_INET, p->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, p->len);
}

int filter_set_add(struct filter_set *set, const struct filter_prefix *p)
{
	if (ARRAY_GROW(set->prefixes, set->count, set->capacity, 64) < 0)
		return -ENOMEM;
	set->prefixes[set->count++] = *p;
	if (p->version == 4)
		set->v4_count++;
	else
		set->v6_count++;
	return 0;
}

static int filter_ipset_fail(char *err, size_t err_len, const char *origin, unsigned line,
			     unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int filter_ipset_fail(char *err, size_t err_len, const char *origin, unsigned line,
			     unsigned col, const char *fmt, ...)
{
	int n = snprintf(err, err_len, "%s:%u:%u: ", origin, line, col);
	if (n >= 0 && (size_t)n < err_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err + n, err_len - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ---- AWS WAF IPSet JSON: just enough JSON to find "Addresses": [ "...", ... ] ---- */

struct filter_json {
	const char *text;
	size_t len, at;
	const char *origin;
	char *err;
	size_t err_len;
	struct filter_set *set;
	unsigned depth;
	unsigned addresses; /* strings taken from Addresses arrays */
	bool has_addresses; /* an "Addresses" key was seen */
};

static void filter_json_blank(struct filter_json *j)
{
	while (j->at < j->len && isspace((unsigned char)j->text[j->at]))
		j->at++;
}

/* Line and column of offset at, for messages. */
static void filter_json_where(const struct filter_json *j, size_t at, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at && i < j->len; i++) {
		if (j->text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int filter_json_fail(struct filter_json *j, size_t at, const char *what)
{
	unsigned line, col;
	filter_json_where(j, at, &line, &col);
	return filter_ipset_fail(j->err, j->err_len, j->origin, line, col, "%s", what);
}

/* A string at j->at; its raw bytes (escapes kept) are [*start, *start + *slen). */
static int filter_json_string(struct filter_json *j, size_t *start, size_t *slen)
{
	if (j->at >= j->len || j->text[j->at] != '"')
		return filter_json_fail(j, j->at, "expected a JSON string");
	size_t i = ++j->at;
	while (i < j->len && j->text[i] != '"') {
		if (j->text[i] == '\\')
			i++;
		i++;
	}
	if (i >= j->len)
		return filter_json_fail(j, j->at, "unterminated JSON string");
	*start = j->at;
	*slen = i - j->at;
	j->at = i + 1;
	return 0;
}

static int filter_json_value(struct filter_json *j, bool addresses);

static int filter_json_array(struct filter_json *j, bool addresses)
{
	j->at++;
	filter_json_blank(j);
	if (j->at < j->len && j->text[j->at] == ']') {
		j->at++;
		return 0;
	}
	for (;;) {
		filter_json_blank(j);
		if (addresses) {
			size_t start, slen;
			struct filter_prefix p;
			if (filter_json_string(j, &start, &slen) < 0)
				return -EINVAL;
			if (filter_prefix_parse(j->text + start, slen, &p) < 0)
				return filter_json_fail(j, start, "not an address or prefix");
			if (filter_set_add(j->set, &p) < 0)
				return -ENOMEM;
			j->addresses++;
		} else if (filter_json_value(j, false) < 0) {
			return -EINVAL;
		}
		filter_json_blank(j);
		if (j->at < j->len && j->text[j->at] == ',') {
			j->at++;
			continue;
		}
		if (j->at < j->len && j->text[j->at] == ']') {
			j->at++;
			return 0;
		}
		return filter_json_fail(j, j->at, "expected ',' or ']'");
	}
}

static int filter_json_object(struct filter_json *j)
{
	j->at++;
	filter_json_blank(j);
	if (j->at < j->len && j->text[j->at] == '}') {
		j->at++;
		return 0;
	}
	for (;;) {
		size_t start, slen;
		filter_json_blank(j);
		if (filter_json_string(j, &start, &slen) < 0)
			return -EINVAL;
		filter_json_blank(j);
		if (j->at >= j->len || j->text[j->at] != ':')
			return filter_json_fail(j, j->at, "expected ':'");
		j->at++;
		filter_json_blank(j);
		bool addresses = slen == 9 && memcmp(j->text + start, "Addresses", 9) == 0;
		j->has_addresses |= addresses;
		if (filter_json_value(j, addresses) < 0)
			return -EINVAL;
		filter_json_blank(j);
		if (j->at < j->len && j->text[j->at] == ',') {
			j->at++;
			continue;
		}
		if (j->at < j->len && j->text[j->at] == '}') {
			j->at++;
			return 0;
		}
		return filter_json_fail(j, j->at, "expected ',' or '}'");
	}
}

static int filter_json_value(struct filter_json *j, bool addresses)
{
	if (j->at >= j->len)
		return filter_json_fail(j, j->at, "unexpected end of the JSON document");
	if (++j->depth > 32)
		return filter_json_fail(j, j->at, "JSON nested too deep");
	char c = j->text[j->at];
	int rc = 0;
	if (addresses && c != '[')
		rc = filter_json_fail(j, j->at, "\"Addresses\" must be an array of strings");
	else if (c == '{')
		rc = filter_json_object(j);
	else if (c == '[')
		rc = filter_json_array(j, addresses);
	else if (c == '"') {
		size_t s, l;
		rc = filter_json_string(j, &s, &l);
	} else {
		/* numbers, true, false, null: skipped as a run of plain characters */
		size_t from = j->at;
		while (j->at < j->len &&
		       (isalnum((unsigned char)j->text[j->at]) || strchr("+-.", j->text[j->at])))
			j->at++;
		if (j->at == from)
			rc = filter_json_fail(j, j->at, "not a JSON value");
	}
	j->depth--;
	return rc;
}

static int filter_ipset_parse_json(struct filter_set *set, const char *text, size_t len,
				   const char *origin, char *err, size_t err_len)
{
	struct filter_json j = {
	    .text = text, .len = len, .origin = origin, .err = err, .err_len = err_len, .set = set};
	filter_json_blank(&j);
	if (filter_json_value(&j, false) < 0)
		return -EINVAL;
	filter_json_blank(&j);
	if (j.at != len)
		return filter_json_fail(&j, j.at, "text after the JSON document");
	if (!j.has_addresses)
		return filter_json_fail(&j, 0, "no \"Addresses\" array (not an AWS WAF IPSet)");
	return 0;
}

/* ---- line lists: plain, CSV, Spamhaus DROP ---- */

int filter_ipset_parse(struct filter_set *set, const char *text, size_t len, const char *origin,
		       char *err, size_t err_len)
{
	size_t first = 0;
	while (first < len && isspace((unsigned char)text[first]))
		first++;
	if (first < len && text[first] == '{')
		return filter_ipset_parse_json(set, text, len, origin, err, err_len);

	unsigned line = 0;
	size_t at = 0;
	bool any = false;
	const char *s;
	size_t line_len, i;
	while (filter_next_line(text, len, &at, &s, &line_len, &i)) {
		line++;
		if (i == line_len || s[i] == '#' || s[i] == ';')
			continue;
		/* The first column: up to a comma (CSV), ';' (DROP comment) or a blank. */
		size_t end = i;
		while (end < line_len && !strchr(",; \t\r#", s[end]))
			end++;
		size_t field = end - i;
		if (field >= 2 && s[i] == '"' && s[end - 1] == '"')
			i++, field -= 2; /* CSV quoting */
		struct filter_prefix p;
		if (filter_prefix_parse(s + i, field, &p) < 0) {
			/* A CSV header row ("network,description") before any address. */
			if (!any && end < line_len && s[end] == ',')
				continue;
			return filter_ipset_fail(err, err_len, origin, line, (unsigned)i + 1,
						 "\"%.*s\" is not an address or prefix",
						 (int)(field > 64 ? 64 : field), s + i);
		}
		if (filter_set_add(set, &p) < 0)
			return filter_ipset_fail(err, err_len, origin, line, 1, "out of memory");
		any = true;
	}
	return 0;
}

int filter_ipset_load(struct filter_set *set, const char *path, char *err, size_t err_len)
{
	char *text;
	size_t len;
	int rc = filter_read_file(path, &text, &len);
	if (rc < 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = filter_ipset_parse(set, text, len, path, err, err_len);
	free(text);
	return rc;
}

int filter_ipset_export(const struct filter_set *set, enum filter_ipset_format format, FILE *out,
			char *err, size_t err_len)
{
	char buf[64];
	if (format == FILTER_IPSET_TEXT) {
		for (size_t i = 0; i < set->count; i++) {
			filter_prefix_format(&set->prefixes[i], buf, sizeof(buf));
			fprintf(out, "%s\n", buf);
		}
		return 0;
	}
	if (set->v4_count && set->v6_count) {
		snprintf(err, err_len,
			 "ipset %s: an AWS WAF IPSet holds one IP version; this set has %zu IPv4 "
			 "and %zu IPv6 prefixes (export as text, or split the set)",
			 set->name, set->v4_count, set->v6_count);
		return -EINVAL;
	}
	fprintf(out,
		"{\n  \"IPSet\": {\n    \"Name\": \"%s\",\n    \"Description\": \"exported by "
		"vigil\",\n    \"IPAddressVersion\": \"%s\",\n    \"Addresses\": [",
		set->name, set->v6_count ? "IPV6" : "IPV4");
	for (size_t i = 0; i < set->count; i++) {
		filter_prefix_format(&set->prefixes[i], buf, sizeof(buf));
		fprintf(out, "%s\n      \"%s\"", i ? "," : "", buf);
	}
	fprintf(out, "%s]\n  }\n}\n", set->count ? "\n    " : "");
	return 0;
}
