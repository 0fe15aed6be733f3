/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Detector-level driver for tests/waf/evaluate.py. It links vigil's rules
 * library (parser, keywords, matcher, injection detectors) without the
 * dataplane, so the default ruleset can be judged on HTTP requests alone.
 * Decoding (percent, double percent, '+') is done by evaluate.py, much as
 * the HTTP parser (dataplane/app/app_http.c) fills http.uri; this file only
 * fills buffers and asks.
 *
 *   driver detect < lines      one hex-encoded input per line; prints
 *                              "<sqli> <xss>" (0/1) per line
 *   driver rules FILE... < cases
 *       cases: "CASE id", then "BUF name hex" lines (a buffer name as in
 *       rules: http.uri, http.request_body, ...), then "END". Prints
 *       "id sid,sid,..." with every rule of FILEs (http or mysql header)
 *       whose options all hold, then the detectors' answers on the
 *       buffers: "id sid,... S X". With DRIVER_PROFILE set in the
 *       environment, also the time each rule took over all cases, the
 *       slowest first, on stderr.
 *
 * Test tooling: allocates and prints freely.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/match/injection.h"
#include "rules/match/match.h"
#include "rules/lang/parse.h"
#include "platform/clock.h"

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode hex text in place; returns the byte count. */
static size_t hex_decode(char *text)
{
	size_t n = 0;
	for (size_t i = 0; hex_value(text[i]) >= 0 && hex_value(text[i + 1]) >= 0; i += 2)
		text[n++] = (char)(hex_value(text[i]) << 4 | hex_value(text[i + 1]));
	return n;
}

static int run_detect(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	while ((got = getline(&line, &cap, stdin)) >= 0) {
		size_t n = hex_decode(line);
		/* An exact-size copy, so a sanitizer build sees any overread. */
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, line, n);
		printf("%d %d\n", injection_sqli(copy, (uint32_t)n),
		       injection_xss(copy, (uint32_t)n));
		free(copy);
	}
	free(line);
	return 0;
}

static int buffer_index(const char *name)
{
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		if (strcmp(rule_buffer_name[b], name) == 0)
			return b;
	return -1;
}

static int run_rules(int argc, char **argv)
{
	struct rule_parser *parser = rule_parser_create();
	struct rule_list list = {0};
	for (int i = 0; i < argc; i++)
		if (rule_parser_load_file(parser, argv[i], &list) < 0) {
			fprintf(stderr, "driver: cannot read %s\n", argv[i]);
			return 1;
		}
	if (rule_list_refuse_duplicates(&list) < 0) {
		fprintf(stderr, "driver: out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < list.error_count; i++)
		fprintf(stderr, "driver: %s:%u: sid %u: %s\n", list.errors[i].file,
			list.errors[i].line, list.errors[i].sid, list.errors[i].reason);
	fprintf(stderr, "driver: loaded %u of %u rules\n", list.count, list.read);

	bool profile = getenv("DRIVER_PROFILE") != NULL;
	double *spent = calloc(list.count ? list.count : 1, sizeof(double));
	struct rule_match_ctx ctx;
	uint8_t *bufs[RULE_BUFFER_COUNT] = {0};
	char id[256] = "";
	char *line = NULL;
	size_t cap = 0;
	memset(&ctx, 0, sizeof(ctx));
	while (getline(&line, &cap, stdin) >= 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "CASE ", 5) == 0) {
			snprintf(id, sizeof(id), "%s", line + 5);
			memset(&ctx, 0, sizeof(ctx));
			ctx.flow =
			    RULE_MATCH_TO_SERVER | RULE_MATCH_ESTABLISHED | RULE_MATCH_HAS_FLOW;
			ctx.app_proto = RULE_PROTO_HTTP;
			continue;
		}
		if (strncmp(line, "BUF ", 4) == 0) {
			char *hex = strchr(line + 4, ' ');
			if (hex == NULL)
				continue;
			*hex++ = '\0';
			int b = buffer_index(line + 4);
			if (b < 0) {
				fprintf(stderr, "driver: unknown buffer %s\n", line + 4);
				continue;
			}
			size_t n = hex_decode(hex);
			free(bufs[b]);
			bufs[b] = malloc(n ? n : 1);
			memcpy(bufs[b], hex, n);
			ctx.buffer[b] = bufs[b];
			ctx.buffer_len[b] = (uint32_t)n;
			continue;
		}
		if (strcmp(line, "END") != 0)
			continue;
		printf("%s ", id);
		const char *sep = "";
		for (unsigned i = 0; i < list.count; i++) {
			const struct rule *r = list.rules[i];
			if (r->proto != RULE_PROTO_HTTP && r->proto != RULE_PROTO_HTTP1 &&
			    r->proto != RULE_PROTO_MYSQL)
				continue;
			double start = profile ? clock_monotonic_seconds() : 0;
			bool hit = rule_match(r, &ctx);
			if (profile)
				spent[i] += clock_monotonic_seconds() - start;
			if (hit) {
				printf("%s%u", sep, r->sid);
				sep = ",";
			}
		}
		bool sqli = false, xss = false;
		for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
			if (ctx.buffer[b] == NULL)
				continue;
			sqli = sqli || injection_sqli(ctx.buffer[b], ctx.buffer_len[b]);
			xss = xss || injection_xss(ctx.buffer[b], ctx.buffer_len[b]);
		}
		printf("%s %d %d\n", *sep ? "" : "-", sqli, xss);
		for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
			free(bufs[b]);
			bufs[b] = NULL;
		}
		memset(&ctx, 0, sizeof(ctx));
	}
	free(line);
	for (unsigned n = 0; profile && n < list.count; n++) {
		unsigned worst = 0;
		for (unsigned i = 1; i < list.count; i++)
			if (spent[i] > spent[worst])
				worst = i;
		if (spent[worst] <= 0)
			break;
		fprintf(stderr, "profile: sid %u %.1f ms\n", list.rules[worst]->sid,
			spent[worst] * 1e3);
		spent[worst] = -1;
	}
	free(spent);
	for (unsigned i = 0; i < list.count; i++)
		rule_free(list.rules[i]);
	rule_parser_destroy(parser);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "detect") == 0)
		return run_detect();
	if (argc >= 3 && strcmp(argv[1], "rules") == 0)
		return run_rules(argc - 2, argv + 2);
	fprintf(stderr, "usage: driver detect < hexlines | driver rules FILE... < cases\n");
	return 2;
}
