/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Raising application-layer events (rules/lang/app_event.h) on a unit: a
 * parser collects what it found wrong in a message in a struct app_events
 * (on its stack, while it builds the unit) and attaches the list to the
 * unit it emits, as the hidden app.events buffer, which app-layer-event
 * rules read and the pipeline turns into EVE anomaly records. The list
 * must stay valid until emit returns, like every buffer of a unit.
 */
#ifndef VIGIL_DATAPLANE_APP_EVENT_H
#define VIGIL_DATAPLANE_APP_EVENT_H

#include <stdint.h>

#include "dataplane/app/app.h"
#include "rules/lang/app_event.h"

#define APP_EVENTS_MAX 8 /* events kept per unit; a message rarely has more than two */

struct app_events {
	uint8_t id[APP_EVENTS_MAX]; /* enum rule_app_event */
	uint32_t count;
};

/* Add event once; past APP_EVENTS_MAX the rest are dropped (a unit that broken says enough). */
static inline void app_events_add(struct app_events *e, enum rule_app_event event)
{
	for (uint32_t i = 0; i < e->count; i++)
		if (e->id[i] == (uint8_t)event)
			return;
	if (e->count < APP_EVENTS_MAX)
		e->id[e->count++] = (uint8_t)event;
}

/* Point unit's app.events buffer at e's list (nothing when it is empty). */
static inline void app_events_attach(struct app_unit *unit, const struct app_events *e)
{
	if (!e->count)
		return;
	unit->buffer[RULE_BUFFER_APP_EVENTS] = e->id;
	unit->buffer_len[RULE_BUFFER_APP_EVENTS] = e->count;
}

#endif
