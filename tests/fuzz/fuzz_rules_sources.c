/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: control/rules_sources.c
/*
 * libFuzzer target for the rule-sources filters (control/rules_sources.c):
 * an input is up to six parts split by a line "--": a rules file, then
 * disable.conf, enable.conf, drop.conf and modify.conf, then a sources
 * file. A refused filter file or sources file must say where
 * ("NAME:LINE: reason"); the accepted filters are applied to the rules,
 * the merged file is rendered, read back and diffed against the
 * original, so matchers, regex substitution and the diff run on whatever
 * the parsers let through. Memory errors and leaks are left to ASan/LSan
 * and UBSan; running is left to tests/fuzz/run.sh.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/rules_sources.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#define FUZZ_PARTS 6

/* The next part of data (up to a line "--"), advancing *at. */
static const char *fuzz_part(const char *data, size_t size, size_t *at, size_t *len)
{
	const char *start = data + *at;
	size_t left = size - *at;
	for (size_t i = 0; i + 3 <= left; i++) {
		if ((i == 0 || start[i - 1] == '\n') && memcmp(start + i, "--\n", 3) == 0) {
			*len = i;
			*at += i + 3;
			return start;
		}
	}
	*len = left;
	*at = size;
	return start;
}

static void fuzz_expect_where(const char *error, const char *name)
{
	size_t n = strlen(name);
	FUZZ_CHECK(strncmp(error, name, n) == 0 && error[n] == ':');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t at = 0, len[FUZZ_PARTS] = {0};
	const char *part[FUZZ_PARTS] = {0};
	for (int i = 0; i < FUZZ_PARTS; i++)
		part[i] = fuzz_part(text, size, &at, &len[i]);

	struct rules_set set = {0}, before = {0};
	if (rules_set_add_file(&set, "fuzz/a.rules", part[0], len[0]) < 0 ||
	    rules_set_add_file(&before, "fuzz/a.rules", part[0], len[0]) < 0)
		goto out;
	struct rules_conf confs[RULES_CONF_KINDS];
	const struct rules_conf *use[RULES_CONF_KINDS];
	char error[1024];
	for (int k = 0; k < RULES_CONF_KINDS; k++) {
		confs[k] = (struct rules_conf){0};
		const char *name = rules_conf_file_name(k);
		int rc = rules_conf_parse(&confs[k], k, name, part[1 + k], len[1 + k], error,
					  sizeof(error));
		FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
		if (rc == -EINVAL)
			fuzz_expect_where(error, name);
		use[k] = &confs[k];
	}
	struct rules_apply_report report;
	if (rules_set_apply(&set, use, &report) == 0) {
		size_t out_len;
		char *out = rules_set_render(&set, &out_len);
		if (out) {
			FUZZ_CHECK(strlen(out) == out_len);
			struct rules_set again = {0};
			struct rules_diff diff;
			if (rules_set_add_file(&again, "a.rules", out, out_len) == 0 &&
			    rules_diff_compute(&before, &again, &diff) == 0) {
				FUZZ_CHECK(diff.added_count + diff.changed_count +
					       diff.unchanged_count <=
					   again.count);
				rules_diff_free(&diff);
			}
			rules_set_free(&again);
			free(out);
		}
	}
	for (int k = 0; k < RULES_CONF_KINDS; k++)
		rules_conf_free(&confs[k]);

	struct rules_source sources[8];
	int n = rules_sources_parse("sources", part[5], len[5], sources, 8, error, sizeof(error));
	FUZZ_CHECK(n >= -EINVAL && n <= 8);
	if (n == -EINVAL)
		fuzz_expect_where(error, "sources");
out:
	rules_set_free(&set);
	rules_set_free(&before);
	return 0;
}
