/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Domain lists: parsing ("example.com", ".example.com", "*.example.com")
 * and the compiled hash table the dataplane matches TLS SNI and HTTP Host
 * against (see filter_domain.h). A name is looked up whole (exact entries)
 * and then each parent at a label boundary (suffix entries), so a match
 * costs one hash probe per label, whatever the list's size.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter/filter_domain.h"
#include "platform/array.h"

/* Letters, digits, '-', '_' and '.': what SNI and Host carry for names. */
static bool filter_domain_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

int filter_domain_add(struct filter_spec *spec, enum filter_action action, const char *text,
		      size_t len, char *why, size_t why_len)
{
	bool suffix = false;
	if (len >= 2 && text[0] == '*' && text[1] == '.') {
		suffix = true;
		text += 2, len -= 2;
	} else if (len >= 1 && text[0] == '.') {
		suffix = true;
		text++, len--;
	}
	if (len && text[len - 1] == '.')
		len--;
	if (len == 0 || len > FILTER_DOMAIN_MAX) {
		snprintf(why, why_len, "not a domain name (empty or longer than %d)",
			 FILTER_DOMAIN_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (!filter_domain_char((unsigned char)text[i]) ||
		    (text[i] == '.' && (i == 0 || i == len - 1 || text[i - 1] == '.'))) {
			snprintf(why, why_len,
				 "not a domain name (letters, digits, '-', '_' and single dots; a "
				 "leading \".\" or \"*.\" for subdomains)");
			return -EINVAL;
		}
	}
	if (ARRAY_GROW(spec->domains, spec->domain_count, spec->domain_capacity, 64) < 0)
		goto nomem;
	char *name = malloc(len + 1);
	if (!name)
		goto nomem;
	for (size_t i = 0; i < len; i++)
		name[i] = (char)tolower((unsigned char)text[i]);
	name[len] = '\0';
	spec->domains[spec->domain_count++] = (struct filter_domain){name, suffix, action};
	return 0;
nomem:
	snprintf(why, why_len, "out of memory");
	return -ENOMEM;
}

int filter_domain_parse(struct filter_spec *spec, enum filter_action action, const char *text,
			size_t len, const char *origin, char *err, size_t err_len)
{
	unsigned line = 0;
	size_t at = 0;
	const char *s;
	size_t line_len, i;
	while (filter_next_line(text, len, &at, &s, &line_len, &i)) {
		line++;
		if (i == line_len || s[i] == '#')
			continue;
		size_t end = i;
		while (end < line_len && !strchr(" \t\r#", s[end]))
			end++;
		size_t rest = end;
		while (rest < line_len && (s[rest] == ' ' || s[rest] == '\t' || s[rest] == '\r'))
			rest++;
		char why[160];
		if (rest < line_len && s[rest] != '#') {
			snprintf(err, err_len, "%s:%u:%zu: one domain per line (\"%.*s\" follows)",
				 origin, line, rest + 1,
				 (int)(line_len - rest > 32 ? 32 : line_len - rest), s + rest);
			return -EINVAL;
		}
		if (filter_domain_add(spec, action, s + i, end - i, why, sizeof(why)) < 0) {
			snprintf(err, err_len, "%s:%u:%zu: \"%.*s\": %s", origin, line, i + 1,
				 (int)(end - i > 64 ? 64 : end - i), s + i, why);
			return -EINVAL;
		}
	}
	return 0;
}

/* FNV-1a, with the suffix flag mixed in; never 0 (0 marks an empty slot). */
static uint64_t filter_domain_hash(const char *name, size_t len, bool suffix)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (suffix ? 0x9e3779b97f4a7c15ull : 0);
	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 0x100000001b3ull;
	}
	return h ? h : 1;
}

int filter_domain_table_build(struct filter_domain_table *t, const struct filter_spec *spec)
{
	memset(t, 0, sizeof(*t));
	t->default_deny = spec->domain_default_deny;
	size_t slots = 16, bytes = 0;
	while (slots < 2 * spec->domain_count)
		slots *= 2;
	for (size_t i = 0; i < spec->domain_count; i++)
		bytes += strlen(spec->domains[i].name) + 1;
	t->slots = calloc(slots, sizeof(*t->slots));
	t->names = malloc(bytes + 1);
	if (!t->slots || !t->names) {
		filter_domain_table_free(t);
		return -ENOMEM;
	}
	t->mask = (uint32_t)(slots - 1);
	char *at = t->names;
	for (size_t i = 0; i < spec->domain_count; i++) {
		const struct filter_domain *d = &spec->domains[i];
		size_t len = strlen(d->name);
		memcpy(at, d->name, len + 1);
		uint64_t h = filter_domain_hash(at, len, d->suffix);
		uint32_t slot = (uint32_t)h & t->mask;
		while (t->slots[slot].hash)
			slot = (slot + 1) & t->mask;
		t->slots[slot] = (struct filter_domain_entry){h, at, (uint16_t)len, d->suffix,
							      (uint8_t)d->action};
		at += len + 1;
		t->count++;
	}
	return 0;
}

void filter_domain_table_free(struct filter_domain_table *t)
{
	free(t->slots);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

int filter_domain_normalise(const uint8_t *name, size_t len, char *out)
{
	size_t end = len;
	if (len && name[0] == '[') {
		const uint8_t *close = memchr(name, ']', len);
		end = close ? (size_t)(close - name) + 1 : len;
	} else {
		const uint8_t *colon = memchr(name, ':', len);
		if (colon)
			end = (size_t)(colon - name);
	}
	while (end && (name[end - 1] == '.' || name[end - 1] == ' '))
		end--;
	size_t start = 0;
	while (start < end && name[start] == ' ')
		start++;
	if (end <= start || end - start > FILTER_DOMAIN_MAX)
		return -1;
	for (size_t i = start; i < end; i++)
		out[i - start] = (char)tolower(name[i]);
	out[end - start] = '\0';
	return (int)(end - start);
}

/* Bit 0: an allow entry matched, bit 1: a deny entry matched. */
static unsigned filter_domain_lookup(const struct filter_domain_table *t, const char *name,
				     size_t len, bool suffix)
{
	uint64_t h = filter_domain_hash(name, len, suffix);
	unsigned found = 0;
	for (uint32_t slot = (uint32_t)h & t->mask; t->slots[slot].hash;
	     slot = (slot + 1) & t->mask) {
		const struct filter_domain_entry *e = &t->slots[slot];
		if (e->hash == h && e->suffix == suffix && e->len == len &&
		    memcmp(e->name, name, len) == 0)
			found |= e->action == FILTER_DENY ? 2u : 1u;
	}
	return found;
}

enum filter_domain_result filter_domain_match(const struct filter_domain_table *t,
					      const uint8_t *name, size_t len)
{
	char host[FILTER_DOMAIN_MAX + 1];
	int n = filter_domain_normalise(name, len, host);
	if (n < 0 || !t->slots)
		return t->default_deny && n >= 0 ? FILTER_DOMAIN_DENY : FILTER_DOMAIN_NONE;
	unsigned found = filter_domain_lookup(t, host, (size_t)n, false);
	/* every parent: "a.b.example.com" tries "b.example.com", "example.com", "com" */
	for (int i = 0; i < n && !(found & 2); i++)
		if (host[i] == '.')
			found |= filter_domain_lookup(t, host + i + 1, (size_t)(n - i - 1), true);
	if (found & 2)
		return FILTER_DOMAIN_DENY;
	if (found & 1)
		return FILTER_DOMAIN_ALLOW;
	return t->default_deny ? FILTER_DOMAIN_DENY : FILTER_DOMAIN_NONE;
}
