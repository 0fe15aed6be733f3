/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: rules/filter/filter_file.c rules/filter/filter_ipset.c rules/filter/filter_domain.c
/*
 * libFuzzer target for the domain lists (rules/filter/filter_domain.c). The
 * first input byte picks the list's action and default; the rest is split
 * at the first NUL: before it a domain list, after it names as they come
 * from the wire (SNI or Host, one per line). The list is compiled into the
 * hash table and every name matched against it. Every listed exact name
 * must match itself, and every suffix entry must match a name under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter/filter_domain.h"
#include "tests/fuzz/fuzz_check.h"

static enum filter_domain_result fuzz_domain_match(const struct filter_domain_table *t,
						   const char *name)
{
	return filter_domain_match(t, (const uint8_t *)name, strlen(name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum filter_action action = data[0] & 1 ? FILTER_DENY : FILTER_ALLOW;
	struct filter_spec spec;
	filter_spec_init(&spec);
	spec.domain_default_deny = (data[0] & 2) != 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	const char *nul = memchr(text, '\0', len);
	size_t list_len = nul ? (size_t)(nul - text) : len;
	char err[FILTER_ERROR_MAX];
	if (filter_domain_parse(&spec, action, text, list_len, "fuzz.domains", err, sizeof(err)) <
	    0)
		FUZZ_CHECK(strncmp(err, "fuzz.domains:", 13) == 0);
	struct filter_domain_table table;
	FUZZ_CHECK(filter_domain_table_build(&table, &spec) == 0);
	enum filter_domain_result listed =
	    action == FILTER_DENY ? FILTER_DOMAIN_DENY : FILTER_DOMAIN_ALLOW;
	for (size_t i = 0; i < spec.domain_count; i++) {
		const struct filter_domain *d = &spec.domains[i];
		char name[FILTER_DOMAIN_MAX + 8];
		if (!d->suffix) {
			FUZZ_CHECK(fuzz_domain_match(&table, d->name) == listed);
		} else if (strlen(d->name) + 2 <= FILTER_DOMAIN_MAX) {
			snprintf(name, sizeof(name), "a.%s", d->name);
			FUZZ_CHECK(fuzz_domain_match(&table, name) == listed);
		}
	}
	if (nul) {
		const uint8_t *names = (const uint8_t *)nul + 1;
		size_t n = len - list_len - 1;
		while (n > 0) {
			const uint8_t *nl = memchr(names, '\n', n);
			size_t one = nl ? (size_t)(nl - names) : n;
			enum filter_domain_result r = filter_domain_match(&table, names, one);
			FUZZ_CHECK(r == FILTER_DOMAIN_NONE || r == FILTER_DOMAIN_ALLOW ||
				   r == FILTER_DOMAIN_DENY);
			if (!nl)
				break;
			names += one + 1;
			n -= one + 1;
		}
	}
	filter_domain_table_free(&table);
	filter_spec_free(&spec);
	return 0;
}
