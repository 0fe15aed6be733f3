/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: rules/filter/filter_file.c rules/filter/filter_ipset.c rules/filter/filter_domain.c
/*
 * libFuzzer target for the IP set list parser (rules/filter/filter_ipset.c):
 * plain lists, CSV, the Spamhaus DROP format and AWS WAF IPSet JSON, told
 * apart from the input itself. Every prefix read must be well formed (no
 * host bits past its length). What was read is exported as text and as an
 * AWS IPSet (when it holds one IP version) and read back: the same
 * prefixes must come back, in the same order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter/filter_spec.h"
#include "tests/fuzz/fuzz_check.h"

static void fuzz_ipset_round_trip(const struct filter_set *set, enum filter_ipset_format format)
{
	char *text = NULL, err[FILTER_ERROR_MAX];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc = filter_ipset_export(set, format, out, err, sizeof(err));
	fclose(out);
	if (rc == 0) {
		struct filter_set again = {.name = "again"};
		FUZZ_CHECK(filter_ipset_parse(&again, text, len, "export", err, sizeof(err)) == 0);
		FUZZ_CHECK(again.count == set->count);
		FUZZ_CHECK(again.count == 0 || memcmp(again.prefixes, set->prefixes,
						      set->count * sizeof(set->prefixes[0])) == 0);
		free(again.prefixes);
	} else {
		FUZZ_CHECK(format == FILTER_IPSET_AWS && set->v4_count && set->v6_count);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter_set set = {.name = "fuzz"};
	char err[FILTER_ERROR_MAX];
	if (filter_ipset_parse(&set, (const char *)data, size, "fuzz.list", err, sizeof(err)) < 0) {
		FUZZ_CHECK(strncmp(err, "fuzz.list:", 10) == 0);
		free(set.prefixes);
		return 0;
	}
	FUZZ_CHECK(set.v4_count + set.v6_count == set.count);
	for (size_t i = 0; i < set.count; i++) {
		const struct filter_prefix *p = &set.prefixes[i];
		FUZZ_CHECK(p->version == 4 ? p->len <= 32 : p->version == 6 && p->len <= 128);
		for (unsigned bit = p->len; bit < 128; bit++)
			FUZZ_CHECK(!(p->addr[bit / 8] & (0x80 >> (bit % 8))));
	}
	fuzz_ipset_round_trip(&set, FILTER_IPSET_TEXT);
	fuzz_ipset_round_trip(&set, FILTER_IPSET_AWS);
	free(set.prefixes);
	return 0;
}
