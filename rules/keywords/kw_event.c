/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Event keywords: decode-event:NAME; holds when the decoders raised that
 * event on the packet (rules/lang/event.h lists the names vigil raises, as
 * Suricata writes them). A well-formed name of an event vigil does not
 * raise loads and never matches, as a rule on an anomaly that cannot
 * happen here; a name that is not "layer.event" is refused. A PACKET
 * option: the events are the packet's (struct rule_match_ctx.events).
 *
 * stream-event:NAME; (Suricata's TCP stream events: 3whs_syn_flood,
 * reassembly_seq_gap, ...) loads the same way; vigil's stream stage
 * decides these cases itself (normalize.h, stream.h) and raises none of
 * them as an event yet, so such a rule never matches.
 *
 * app-layer-event:NAME; holds on an application-layer unit that carries
 * that event (rules/lang/app_event.h: "dns.z_flag_set", or a detection
 * event such as "applayer_mismatch_protocol_both_directions"). The rule is
 * given the hidden app.events buffer, so it is checked on the units that
 * carry events only. A well-formed name vigil does not raise loads and
 * never matches; an optional leading "!" (Suricata 4's negation) is
 * refused, as Suricata refuses it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/app_event.h"
#include "rules/lang/event.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"

const char *const rule_decode_event_name[RULE_EVENT_COUNT] = {
#define _(sym, name) [RULE_EVENT_##sym] = name,
    foreach_rule_decode_event
#undef _
};

const char *const rule_app_event_name[RULE_APP_EVENT_COUNT] = {
#define _(sym, name, layer) [RULE_APP_EVENT_##sym] = name,
    foreach_rule_app_event
#undef _
};

const char *const rule_app_event_layer[RULE_APP_EVENT_COUNT] = {
#define _(sym, name, layer) [RULE_APP_EVENT_##sym] = layer,
    foreach_rule_app_event
#undef _
};

/* rule_option.data: the event's bit; 0 for one vigil never raises. */
struct kw_event {
	uint64_t bit;
};

/* "layer.event": letters, digits and '_' on each side of one dot. */
static bool kw_event_name_ok(const char *name)
{
	const char *dot = strchr(name, '.');
	if (!dot || dot == name || !dot[1] || strchr(dot + 1, '.'))
		return false;
	for (const char *p = name; *p; p++)
		if (p != dot && !isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static int kw_decode_event_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char name[64];
	if (strlen(value) >= sizeof(name))
		return rule_parser_error(parser, "bad value of \"decode-event\": \"%s\"", value);
	strcpy(name, value);
	char *word = kw_trim(name);
	if (!kw_event_name_ok(word))
		return rule_parser_error(parser, "bad value of \"decode-event\": \"%s\"", value);
	struct kw_event *event = calloc(1, sizeof(*event));
	if (!event)
		return rule_parser_error(parser, "out of memory");
	for (unsigned i = 0; i < RULE_EVENT_COUNT; i++)
		if (strcmp(rule_decode_event_name[i], word) == 0)
			event->bit = RULE_EVENT_BIT(i);
	if (!rule_parser_add_option(parser, rule, event)) {
		free(event);
		return -1;
	}
	rule->de_only = true;
	return 0;
}

/* A stream event name: letters, digits and '_' (Suricata writes them without a layer). */
static int kw_stream_event_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char name[64];
	if (strlen(value) >= sizeof(name))
		return rule_parser_error(parser, "bad value of \"stream-event\": \"%s\"", value);
	strcpy(name, value);
	char *word = kw_trim(name);
	bool ok = *word != '\0';
	for (const char *p = word; *p; p++)
		ok = ok && (isalnum((unsigned char)*p) || *p == '_');
	if (!ok)
		return rule_parser_error(parser, "bad value of \"stream-event\": \"%s\"", value);
	struct kw_event *event = calloc(1, sizeof(*event)); /* bit 0: never raised */
	if (!event)
		return rule_parser_error(parser, "out of memory");
	if (!rule_parser_add_option(parser, rule, event)) {
		free(event);
		return -1;
	}
	rule->de_only = true;
	return 0;
}

/* rule_option.data of app-layer-event: the event's id; -1 for one vigil never raises. */
struct kw_app_event {
	int id;
};

/* "proto.event" or a detection event ("applayer_..."): letters, digits, '_', at most one dot. */
static bool kw_app_event_name_ok(const char *name)
{
	const char *dot = strchr(name, '.');
	if (!*name || dot == name || (dot && (!dot[1] || strchr(dot + 1, '.'))))
		return false;
	for (const char *p = name; *p; p++)
		if (p != dot && !isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static int kw_app_event_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char name[96];
	if (strlen(value) >= sizeof(name))
		return rule_parser_error(parser, "bad value of \"app-layer-event\": \"%s\"", value);
	strcpy(name, value);
	char *word = kw_trim(name);
	if (!kw_app_event_name_ok(word))
		return rule_parser_error(parser, "bad value of \"app-layer-event\": \"%s\"", value);
	struct kw_app_event *event = calloc(1, sizeof(*event));
	if (!event)
		return rule_parser_error(parser, "out of memory");
	event->id = -1;
	for (unsigned i = 0; i < RULE_APP_EVENT_COUNT; i++)
		if (strcmp(rule_app_event_name[i], word) == 0)
			event->id = (int)i;
	if (!rule_parser_add_option(parser, rule, event)) {
		free(event);
		return -1;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_APP_EVENTS);
	return 0;
}

/* Per-packet path: the unit's events are a few bytes. */
static bool kw_app_event_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_app_event *event = option->data;
	const uint8_t *events = ctx->buffer[RULE_BUFFER_APP_EVENTS];
	if (!events || event->id < 0)
		return false;
	return memchr(events, event->id, ctx->buffer_len[RULE_BUFFER_APP_EVENTS]) != NULL;
}

/* Per-packet path. */
static bool kw_decode_event_match(const struct rule_option *option,
				  const struct rule_match_ctx *ctx)
{
	const struct kw_event *event = option->data;
	return (ctx->events & event->bit) != 0;
}

void kw_event_register(void)
{
	static const struct rule_keyword decode_event = {.name = "decode-event",
							 .kind = RULE_KW_PACKET,
							 .value = RULE_KW_VALUE_REQUIRED,
							 .parse = kw_decode_event_parse,
							 .match = kw_decode_event_match};
	static const struct rule_keyword stream_event = {.name = "stream-event",
							 .kind = RULE_KW_PACKET,
							 .value = RULE_KW_VALUE_REQUIRED,
							 .parse = kw_stream_event_parse,
							 .match = kw_decode_event_match};
	static const struct rule_keyword app_event = {.name = "app-layer-event",
						      .kind = RULE_KW_PACKET,
						      .value = RULE_KW_VALUE_REQUIRED,
						      .parse = kw_app_event_parse,
						      .match = kw_app_event_match};
	rule_keyword_register(&decode_event);
	rule_keyword_register(&stream_event);
	rule_keyword_register(&app_event);
}
