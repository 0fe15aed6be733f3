/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A sink for the units an application-layer parser emits, for the parser
 * unit tests that include it (test_app_mqtt.c, test_app_krb5.c): each
 * unit's buffers are copied (exact length, on the heap) with its error
 * and repeat marks, so a test checks them after the parser's state is
 * gone. Include after cmocka.h.
 */
#ifndef VIGIL_TESTS_UNIT_APP_SINK_H
#define VIGIL_TESTS_UNIT_APP_SINK_H

#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app.h"

#define SINK_UNITS_MAX 16

struct unit_copy {
	uint8_t *buffer[RULE_BUFFER_COUNT];
	uint32_t len[RULE_BUFFER_COUNT];
	bool error, repeat;
};

struct sink {
	uint32_t count;
	struct unit_copy units[SINK_UNITS_MAX];
};

static void sink_emit(void *arg, const struct app_unit *unit)
{
	struct sink *k = arg;
	assert_true(k->count < SINK_UNITS_MAX);
	assert_non_null(unit->details);
	struct unit_copy *u = &k->units[k->count++];
	u->error = unit->error;
	u->repeat = unit->repeat;
	for (int b = 0; b < RULE_BUFFER_COUNT; b++) {
		if (!unit->buffer[b])
			continue;
		u->buffer[b] = malloc(unit->buffer_len[b] + 1);
		assert_non_null(u->buffer[b]);
		memcpy(u->buffer[b], unit->buffer[b], unit->buffer_len[b]);
		u->len[b] = unit->buffer_len[b];
	}
}

static void sink_reset(struct sink *k)
{
	for (uint32_t i = 0; i < k->count; i++)
		for (int b = 0; b < RULE_BUFFER_COUNT; b++)
			free(k->units[i].buffer[b]);
	memset(k, 0, sizeof(*k));
}

static void assert_buffer(const struct unit_copy *u, enum rule_buffer b, const char *want)
{
	assert_non_null(u->buffer[b]);
	assert_int_equal(u->len[b], strlen(want));
	assert_memory_equal(u->buffer[b], want, strlen(want));
}

#endif
