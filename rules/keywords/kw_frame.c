/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * frame:NAME; a sticky buffer per frame type (Suricata 7): the payload
 * options after it inspect the bytes of one frame a parser marked, an
 * HTTP/1 request, an SMB2 PDU or its header or data, an MQTT packet, a SIP
 * request line, ... (rules/lang/frame.h lists them, and how NAME is read:
 * "http1.request", or "pdu" in a rule whose protocol says whose).
 *
 * All frame types share the frame buffer; the rule keeps the one it names
 * (struct rule, frame) and the matcher holds it against the unit's. A rule
 * names one frame type: two would need two frames of one unit.
 * "frame:stream" (Suricata's frame of the whole stream) is pkt_data on
 * stream data, as flow:only_stream has it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rules/lang/frame.h"
#include "rules/lang/keyword.h"

/*
 * "stream", or "PROTO.stream": Suricata's frame of a direction's whole
 * stream, which vigil inspects as pkt_data (the reassembled stream): the
 * options after it are pkt_data's, on stream data only.
 */
static bool kw_frame_is_stream(const char *value)
{
	const char *dot = strchr(value, '.');
	return strcmp(dot ? dot + 1 : value, "stream") == 0;
}

static int kw_frame_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	char why[160];
	if (kw_frame_is_stream(value)) {
		rule_parser_set_buffer(parser, RULE_BUFFER_PKT_DATA);
		rule->flow_flags |= RULE_FLOW_ONLY_STREAM;
		return 0;
	}
	enum rule_proto proto;
	int frame = rule_frame_lookup(value, rule->proto, &proto, why, sizeof(why));

	if (frame < 0)
		return rule_parser_error(parser, "%s", why);
	if (rule->frame && rule->frame != frame)
		return rule_parser_error(parser, "a second frame type \"%s\" in one rule", value);
	rule->frame = (uint8_t)frame;
	/* a rule with no payload option after it still belongs to the frame units */
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_FRAME);
	return 0;
}

void kw_frame_register(void)
{
	rule_keyword_register(&(struct rule_keyword){
	    .name = "frame",
	    .kind = RULE_KW_STICKY,
	    .value = RULE_KW_VALUE_REQUIRED,
	    .parse = kw_frame_parse,
	    .buffer = RULE_BUFFER_FRAME,
	});
}
