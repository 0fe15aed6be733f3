/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A sink for the units an application-layer parser emits, for the parser
 * unit tests that include it (test_app_mqtt.c, test_app_krb5.c): each
 * unit's buffers are copied (exact length, on the heap) with its error
 * and repeat marks, so a test checks them after the parser's state is
 * gone; and the keyword checks on such units (parse_fails, match_unit).
 * Include after cmocka.h.
 */
#ifndef VIGIL_TESTS_UNIT_APP_SINK_H
#define VIGIL_TESTS_UNIT_APP_SINK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app.h"
#include "rules/lang/parse.h"
#include "rules/match/match.h"

#define SINK_UNITS_MAX 16

struct unit_copy {
	uint8_t *buffer[RULE_BUFFER_COUNT];
	uint32_t len[RULE_BUFFER_COUNT];
	bool error, repeat;
	const struct app_details *details; /* the parser's: valid until its state goes */
};

/* A frame's unit (app_frame.h), kept apart so the tests of units count units only. */
#define SINK_FRAMES_MAX 64
struct frame_copy {
	struct app_frame frame;
	uint32_t len;  /* bytes its frame buffer held */
	uint8_t first; /* its first byte (0 when empty) */
};

struct sink {
	uint32_t count;
	struct unit_copy units[SINK_UNITS_MAX];
	uint32_t frame_count;
	struct frame_copy frames[SINK_FRAMES_MAX];
};

/* The parser under test (set by the test's setup): a unit fills only buffers its row declares. */
static const struct app_parser *sink_app;

static inline void sink_emit(void *arg, const struct app_unit *unit)
{
	struct sink *k = arg;
	assert_non_null(unit->details);
	if (unit->frame) {
		/* a frame's unit holds the frame buffer alone, of a frame its row declares */
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			if (unit->buffer[b] && b != RULE_BUFFER_FRAME)
				fail_msg("a frame's unit filled %s", rule_buffer_name[b]);
		if (sink_app && !(sink_app->frames & RULE_FRAME_BIT(unit->frame->type)))
			fail_msg("%s marked frame %s, which its row does not declare",
				 sink_app->name, rule_frame_name[unit->frame->type]);
		if (k->frame_count < SINK_FRAMES_MAX) {
			struct frame_copy *f = &k->frames[k->frame_count++];
			f->frame = *unit->frame;
			f->len = unit->buffer_len[RULE_BUFFER_FRAME];
			f->first = f->len ? unit->buffer[RULE_BUFFER_FRAME][0] : 0;
		}
		return;
	}
	assert_true(k->count < SINK_UNITS_MAX);
	struct unit_copy *u = &k->units[k->count++];
	u->error = unit->error;
	u->repeat = unit->repeat;
	u->details = unit->details;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		/* events go on any parser's units (app_event.h) */
		if (sink_app && b != RULE_BUFFER_APP_EVENTS &&
		    !(sink_app->buffers & RULE_BUFFER_BIT(b)))
			fail_msg("%s filled %s, which its row does not declare", sink_app->name,
				 rule_buffer_name[b]);
		u->buffer[b] = malloc(unit->buffer_len[b] + 1);
		assert_non_null(u->buffer[b]);
		memcpy(u->buffer[b], unit->buffer[b], unit->buffer_len[b]);
		u->len[b] = unit->buffer_len[b];
	}
}

static inline void sink_reset(struct sink *k)
{
	for (uint32_t i = 0; i < k->count; i++)
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			free(k->units[i].buffer[b]);
	memset(k, 0, sizeof(*k));
}

static inline void assert_buffer(const struct unit_copy *u, enum rule_buffer b, const char *want)
{
	assert_non_null(u->buffer[b]);
	assert_int_equal(u->len[b], strlen(want));
	assert_memory_equal(u->buffer[b], want, strlen(want));
}

/*
 * Keyword tests against the units a test keeps in sink_units: rules of
 * sink_proto's header ("alert mqtt any any -> ...") parsed by sink_parser,
 * which the test's setup creates.
 */
static struct rule_parser *sink_parser;
static const char *sink_proto;
static struct sink sink_units;

/* The group teardown every parser's tests share: the units kept and the rule parser. */
static inline int sink_teardown(void **unused)
{
	(void)unused;
	sink_reset(&sink_units);
	rule_parser_destroy(sink_parser);
	return 0;
}

static inline struct rule *parse_options(const char *options)
{
	char text[1024];
	snprintf(text, sizeof(text), "alert %s any any -> any any (msg:\"t\"; %s sid:1;)",
		 sink_proto, options);
	return rule_parse(sink_parser, text, "test.rules", 1);
}

static inline void parse_fails(const char *options, const char *want)
{
	struct rule *rule = parse_options(options);
	if (rule) {
		rule_free(rule);
		fail_msg("rule loaded but should not: %s", options);
	}
	const char *reason = rule_parser_last_error(sink_parser)->reason;
	if (!reason || !strstr(reason, want))
		fail_msg("rule %s: reason \"%s\" lacks \"%s\"", options, reason ? reason : "(none)",
			 want);
}

/* Does the rule hold on unit i of sink_units? */
static inline bool match_unit(const char *options, uint32_t i)
{
	struct rule *rule = parse_options(options);
	if (!rule)
		fail_msg("rule refused: %s: %s", options,
			 rule_parser_last_error(sink_parser)->reason);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		ctx.buffer[b] = sink_units.units[i].buffer[b];
		ctx.buffer_len[b] = sink_units.units[i].len[b];
	}
	bool hit = rule_match(rule, &ctx);
	rule_free(rule);
	return hit;
}

#endif
