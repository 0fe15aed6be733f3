/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_mqtt.c dataplane/app/app_json.c dataplane/app/app_frame.c
/*
 * libFuzzer target for the MQTT parser (dataplane/app/app_mqtt.c), by the
 * shared body of the parser targets (fuzz_app.h): detection on every
 * prefix, then the bytes as both directions in three splits, every
 * buffer read to its end, the EVE object written and checked. Each unit
 * must carry app.meta whole (the keywords read it with one memcpy).
 */
#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_meta.h"
#include "tests/fuzz/fuzz_app.h"

static void fuzz_mqtt_check(const struct app_unit *unit)
{
	if (unit->error)
		return;
	FUZZ_CHECK(unit->buffer_len[RULE_BUFFER_APP_META] == sizeof(struct rule_mqtt_meta));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_app_check = fuzz_mqtt_check;
	return fuzz_app_input(&app_parser_mqtt, data, size);
}
