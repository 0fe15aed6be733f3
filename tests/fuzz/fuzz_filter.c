/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: rules/filter/filter_file.c rules/filter/filter_ipset.c rules/filter/filter_domain.c
/*
 * libFuzzer target for the filter file parser (rules/filter/filter_file.c):
 * the input is a filter file (no list files can be read: no folder is
 * given). A refused input must leave one error line of the form
 * "fuzz.filter:LINE:COL: ..."; an accepted one must hold only rules with
 * numbers in range, sane port ranges and set references that exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter/filter_spec.h"
#include "tests/fuzz/fuzz_check.h"

static void fuzz_filter_check_rule(const struct filter_spec *spec, const struct filter_rule *r)
{
	const struct filter_match *m = &r->match;
	FUZZ_CHECK(m->sport_lo <= m->sport_hi && m->dport_lo <= m->dport_hi);
	FUZZ_CHECK(m->src.set < (int)spec->set_count && m->dst.set < (int)spec->set_count);
	FUZZ_CHECK(m->proto >= -1 && m->proto <= 255 && m->icmp_type >= -1 && m->icmp_type <= 255);
	FUZZ_CHECK(m->ip_version == 0 || m->ip_version == 4 || m->ip_version == 6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter_spec spec;
	char err[FILTER_ERROR_MAX];
	if (filter_spec_parse(&spec, (const char *)data, size, "fuzz.filter", NULL, err,
			      sizeof(err)) < 0) {
		FUZZ_CHECK(strncmp(err, "fuzz.filter:", 12) == 0 && strchr(err, '\n') == NULL);
		return 0;
	}
	for (size_t i = 0; i < spec.acl_count; i++) {
		FUZZ_CHECK(spec.acl[i].number >= 1 && spec.acl[i].number <= FILTER_RULE_NUMBER_MAX);
		fuzz_filter_check_rule(&spec, &spec.acl[i]);
	}
	for (size_t i = 0; i < spec.stateful_count; i++)
		fuzz_filter_check_rule(&spec, &spec.stateful[i]);
	FUZZ_CHECK(spec.set_count <= FILTER_MAX_SETS && spec.xff_deny_set < (int)spec.set_count);
	filter_spec_free(&spec);
	return 0;
}
