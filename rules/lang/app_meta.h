/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layouts of the hidden buffers (buffer.h, foreach_rule_buffer_hidden)
 * of the protocols whose number and flag keywords read a parser's fields:
 * one struct per protocol, filled by its parser (dataplane/app/app_NAME.c)
 * and read by its keyword family (rules/keywords/kw_NAME.c), and by
 * nothing else. Absent fields are 0; a has_* byte says whether a field
 * that only some messages carry is there.
 */
#ifndef VIGIL_RULES_APP_META_H
#define VIGIL_RULES_APP_META_H

#include <stdint.h>

/*
 * The MQTT anomalies, as Suricata names them (app-layer-event:mqtt.NAME),
 * raised by the parser on the packet that shows them. _(SYM, "name")
 */
#define foreach_rule_mqtt_event                                                                    \
	_(MISSING_CONNECT, "missing_connect")                                                      \
	_(MISSING_PUBLISH, "missing_publish")                                                      \
	_(MISSING_SUBSCRIBE, "missing_subscribe")                                                  \
	_(MISSING_UNSUBSCRIBE, "missing_unsubscribe")                                              \
	_(DOUBLE_CONNECT, "double_connect")                                                        \
	_(UNINTRODUCED_MESSAGE, "unintroduced_message")                                            \
	_(INVALID_QOS_LEVEL, "invalid_qos_level")                                                  \
	_(MISSING_MSG_ID, "missing_msg_id")                                                        \
	_(UNASSIGNED_MSG_TYPE, "unassigned_msg_type")                                              \
	_(MALFORMED_TRAFFIC, "malformed_traffic")

enum rule_mqtt_event {
#define _(sym, name) RULE_MQTT_EVENT_##sym,
	foreach_rule_mqtt_event
#undef _
	    RULE_MQTT_EVENT_COUNT
};

/* mqtt.meta: one MQTT control packet. */
#define RULE_MQTT_REASONS_MAX 16
struct rule_mqtt_meta {
	uint8_t type;		  /* control packet type, 0..15 (mqtt.type) */
	uint8_t flags;		  /* the fixed header's low nibble: dup 8, qos 6, retain 1 */
	uint8_t protocol_version; /* from the flow's CONNECT (3, 4, 5); 0 before one */
	uint8_t has_connect_flags;
	uint8_t connect_flags; /* CONNECT's flags byte (mqtt.connect.flags) */
	uint8_t has_session_present;
	uint8_t session_present; /* CONNACK's flag (mqtt.connack.session_present) */
	uint8_t reason_count;	 /* reason / return codes the packet carries (mqtt.reason_code) */
	uint8_t reason[RULE_MQTT_REASONS_MAX];
	/* bit per enum rule_mqtt_event: the anomalies this packet showed */
	uint32_t events;
};

#endif
