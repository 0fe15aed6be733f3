/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: rules/lang/parse.c rules/lang/rule.c rules/lang/buffers.c rules/lang/keywords.c rules/lang/frame.c rules/keywords/kw_*.c rules/match/injection_sql.c rules/match/injection_xss.c rules/match/injection_path.c
/*
 * libFuzzer target for the rule parser (rules/lang/parse.c and every keyword's
 * parse function): each input is one rule text given to rule_parse(). The
 * parser is created once, with a small built-in classification, so
 * classtype, flowbit names and variables are exercised as they are on a
 * real load. An accepted rule is freed; a refused one must leave a reason
 * that names a file and is not empty. Memory errors and leaks are left to
 * ASan/LSan and UBSan; running is left to tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/lang/parse.h"

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static const char fuzz_classification[] =
    "config classification: trojan-activity,A Network Trojan was detected,1\n"
    "config classification: bad-unknown,Potentially Bad Traffic,2\n"
    "config classification: misc-activity,Misc activity,3\n";

static struct rule_parser *fuzz_parser;

/* The classification comes from a file only: write the built-in one to a temporary file. */
static void fuzz_load_classification(struct rule_parser *parser)
{
	char path[] = "/tmp/fuzz_rule_parse_XXXXXX";
	char err[256];
	int fd = mkstemp(path);

	if (fd < 0)
		return;
	if (write(fd, fuzz_classification, sizeof(fuzz_classification) - 1) > 0)
		rule_parser_load_classification(parser, path, err, sizeof(err));
	close(fd);
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_parser = rule_parser_create();
	if (!fuzz_parser)
		abort();
	fuzz_load_classification(fuzz_parser);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct rule *rule;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rule = rule_parse(fuzz_parser, text, "fuzz.rules", 1);
	if (rule) {
		FUZZ_CHECK(rule->has_sid);
		rule_free(rule);
	} else {
		const struct rule_load_error *error = rule_parser_last_error(fuzz_parser);

		FUZZ_CHECK(error->reason && error->reason[0]);
		FUZZ_CHECK(error->file && strcmp(error->file, "fuzz.rules") == 0);
		FUZZ_CHECK(error->group);
	}
	free(text);
	return 0;
}
