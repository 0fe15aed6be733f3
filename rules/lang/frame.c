/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame tables of frame.h, generated from foreach_rule_frame, and the
 * reading of a "frame:" value into one of them. The keyword that uses it
 * is keywords/kw_frame.c; marking frames is left to the parsers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rules/lang/frame.h"

const char *const rule_frame_name[RULE_FRAME_COUNT] = {
#define _(sym, proto, name) [RULE_FRAME_##sym] = name,
    foreach_rule_frame
#undef _
};

const int rule_frame_proto[RULE_FRAME_COUNT] = {
#define _(sym, proto, name) [RULE_FRAME_##sym] = RULE_PROTO_##proto,
    foreach_rule_frame
#undef _
};

/* An application protocol's name ("http1", "smtp"), or -1: transports name no frames. */
static int rule_frame_proto_named(const char *name, size_t len)
{
	for (int p = 0; p < RULE_PROTO_COUNT; p++)
		if (rule_proto_is_app((enum rule_proto)p) && strlen(rule_proto_name[p]) == len &&
		    strncasecmp(rule_proto_name[p], name, len) == 0)
			return p;
	return -1;
}

/* A rule on http covers both HTTP versions; a frame's protocol is one of them. */
static bool rule_frame_proto_agrees(enum rule_proto rule_proto, enum rule_proto frame_proto)
{
	if (rule_proto == frame_proto)
		return true;
	return rule_proto == RULE_PROTO_HTTP &&
	       (frame_proto == RULE_PROTO_HTTP1 || frame_proto == RULE_PROTO_HTTP2);
}

/* The frame name of protocol proto, or 0 (an http rule's short name is HTTP/1's). */
static int rule_frame_find(enum rule_proto proto, const char *name)
{
	for (int f = 1; f < RULE_FRAME_COUNT; f++)
		if (rule_frame_proto_agrees(proto, (enum rule_proto)rule_frame_proto[f]) &&
		    strcmp(rule_frame_name[f], name) == 0)
			return f;
	return 0;
}

int rule_frame_lookup(const char *text, enum rule_proto rule_proto, enum rule_proto *proto,
		      char *why, size_t why_len)
{
	const char *dot = strchr(text, '.');
	int named = dot ? rule_frame_proto_named(text, (size_t)(dot - text)) : -1;
	bool app = rule_proto_is_app(rule_proto);
	enum rule_proto wanted = named >= 0 ? (enum rule_proto)named : rule_proto;
	const char *name = named >= 0 ? dot + 1 : text;

	if (named < 0 && !app) {
		snprintf(why, why_len,
			 "frame \"%s\" names no protocol and the rule's protocol is %s", text,
			 rule_proto_name[rule_proto]);
		return -EINVAL;
	}
	if (named >= 0 && app && !rule_frame_proto_agrees(rule_proto, wanted)) {
		snprintf(why, why_len, "frame \"%s\" is not of the rule's protocol %s", text,
			 rule_proto_name[rule_proto]);
		return -EINVAL;
	}
	/* "http.x" in an http rule: the http1 frame x */
	if (wanted == RULE_PROTO_HTTP && named >= 0)
		wanted = RULE_PROTO_HTTP1;
	int frame = rule_frame_find(wanted, name);
	if (!frame) {
		snprintf(why, why_len, "unknown frame \"%s\" of protocol %s", name,
			 rule_proto_name[wanted]);
		return -EINVAL;
	}
	*proto = (enum rule_proto)rule_frame_proto[frame];
	return frame;
}
