/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames, declared once: the spans of a flow's stream that an
 * application-layer parser marks as it parses (an HTTP/1 request, an SMB2
 * PDU and its header and data, an MQTT packet, a SIP request line, an
 * SMTP command line, ...), which "frame:NAME;" inspects as Suricata's
 * frame keyword does. The rule language owns the names (rules are parsed
 * without the dataplane); the parsers (dataplane/app/) say which frames
 * they mark (struct app_parser, frames) and hand each one over as a unit.
 *
 * One buffer, RULE_BUFFER_FRAME, carries whatever frame a unit holds and
 * the rule names its frame type (struct rule, frame): the buffer mask has
 * one bit per buffer and a bit per frame type would use up a third of it,
 * so frames share one buffer (and one fast-pattern database) and the
 * matcher checks the unit's frame type before anything else.
 *
 * _(SYM, app protocol, "name") with the name as Suricata's parser
 * registers it: "frame:http1.request" is protocol http1, frame
 * "request"; "frame:smb2.pdu" in an smb rule is frame "smb2.pdu" of smb,
 * smb2 being no protocol.
 */
#ifndef VIGIL_RULES_FRAME_H
#define VIGIL_RULES_FRAME_H

#include <stddef.h>

#include "rules/lang/rule.h"

#define foreach_rule_frame                                                                         \
	_(HTTP1_REQUEST, HTTP1, "request")                                                         \
	_(HTTP1_RESPONSE, HTTP1, "response")                                                       \
	_(HTTP2_PDU, HTTP2, "pdu")                                                                 \
	_(HTTP2_HDR, HTTP2, "hdr")                                                                 \
	_(HTTP2_DATA, HTTP2, "data")                                                               \
	_(SMB_NBSS_PDU, SMB, "nbss.pdu")                                                           \
	_(SMB_NBSS_HDR, SMB, "nbss.hdr")                                                           \
	_(SMB_NBSS_DATA, SMB, "nbss.data")                                                         \
	_(SMB1_PDU, SMB, "smb1.pdu")                                                               \
	_(SMB1_HDR, SMB, "smb1.hdr")                                                               \
	_(SMB1_DATA, SMB, "smb1.data")                                                             \
	_(SMB2_PDU, SMB, "smb2.pdu")                                                               \
	_(SMB2_HDR, SMB, "smb2.hdr")                                                               \
	_(SMB2_DATA, SMB, "smb2.data")                                                             \
	_(SMB3_PDU, SMB, "smb3.pdu")                                                               \
	_(SMB3_HDR, SMB, "smb3.hdr")                                                               \
	_(SMB3_DATA, SMB, "smb3.data")                                                             \
	_(MQTT_PDU, MQTT, "pdu")                                                                   \
	_(MQTT_HEADER, MQTT, "header")                                                             \
	_(MQTT_DATA, MQTT, "data")                                                                 \
	_(SIP_PDU, SIP, "pdu")                                                                     \
	_(SIP_REQUEST_LINE, SIP, "request.line")                                                   \
	_(SIP_REQUEST_HEADERS, SIP, "request.headers")                                             \
	_(SIP_REQUEST_BODY, SIP, "request.body")                                                   \
	_(SIP_RESPONSE_LINE, SIP, "response.line")                                                 \
	_(SIP_RESPONSE_HEADERS, SIP, "response.headers")                                           \
	_(SIP_RESPONSE_BODY, SIP, "response.body")                                                 \
	_(SMTP_COMMAND_LINE, SMTP, "command_line")                                                 \
	_(SMTP_DATA, SMTP, "data")                                                                 \
	_(SMTP_RESPONSE_LINE, SMTP, "response_line")

/* RULE_FRAME_NONE (0) is no frame: struct rule and a unit say 0 when they have none. */
enum rule_frame {
	RULE_FRAME_NONE,
#define _(sym, proto, name) RULE_FRAME_##sym,
	foreach_rule_frame
#undef _
	    RULE_FRAME_COUNT
};

/* A set of frame types, one bit per enum rule_frame (struct app_parser, frames). */
typedef unsigned long long rule_frame_mask;
#define RULE_FRAME_BIT(f) ((rule_frame_mask)1 << (f))
_Static_assert(RULE_FRAME_COUNT <= 64, "rule_frame_mask has one bit per frame type");

extern const char *const rule_frame_name[RULE_FRAME_COUNT]; /* "request"; NULL for NONE */
extern const int rule_frame_proto[RULE_FRAME_COUNT];	    /* enum rule_proto */

/*
 * The frame a rule's "frame:" value names, as Suricata reads it: text
 * before the first dot that names a protocol selects that protocol and
 * the rest is the frame ("http1.request"); otherwise the whole text is a
 * frame of the rule's own protocol ("pdu", "smb2.pdu" in an smb rule).
 * rule_proto is the rule header's protocol; a transport one (tcp, udp,
 * ip) takes the frame's protocol from the value, an application one must
 * agree with it (http covers http1). Returns the frame (> 0) and sets
 * *proto to its protocol, or -EINVAL with why (why_len bytes) set.
 */
int rule_frame_lookup(const char *text, enum rule_proto rule_proto, enum rule_proto *proto,
		      char *why, size_t why_len);

#endif
