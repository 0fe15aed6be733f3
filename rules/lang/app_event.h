/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Application-layer events a rule can match (app-layer-event:NAME), named
 * as Suricata names them: "proto.event" for what a parser found wrong in
 * its protocol (dns.z_flag_set, tls.invalid_certificate, ...), and the
 * protocol detection's own, without a protocol
 * (applayer_mismatch_protocol_both_directions). A parser raises an event
 * on the unit it concerns (dataplane/app/app_event.h); detection reads the
 * unit's hidden app.events buffer (rules/lang/buffer.h: one byte per
 * event, its enum rule_app_event value), and each event is also an EVE
 * anomaly record of type applayer. A Suricata event vigil does not raise
 * loads and never matches, so Suricata's app-layer event rule files load.
 * _(SYMBOL, "name", layer): layer is EVE's anomaly.layer
 */
#ifndef VIGIL_RULES_APP_EVENT_H
#define VIGIL_RULES_APP_EVENT_H

#define foreach_rule_app_event                                                                     \
	_(DNS_MALFORMED_DATA, "dns.malformed_data", "proto_parser")                                \
	_(DNS_NOT_A_REQUEST, "dns.not_a_request", "proto_parser")                                  \
	_(DNS_NOT_A_RESPONSE, "dns.not_a_response", "proto_parser")                                \
	_(DNS_Z_FLAG_SET, "dns.z_flag_set", "proto_parser")                                        \
	_(DNS_INVALID_ADDITIONALS, "dns.invalid_additionals", "proto_parser")                      \
	_(DNS_INVALID_AUTHORITIES, "dns.invalid_authorities", "proto_parser")                      \
	_(TLS_INVALID_HANDSHAKE_MESSAGE, "tls.invalid_handshake_message", "proto_parser")          \
	_(TLS_INVALID_CERTIFICATE, "tls.invalid_certificate", "proto_parser")                      \
	_(TLS_CERTIFICATE_INVALID_LENGTH, "tls.certificate_invalid_length", "proto_parser")        \
	_(TLS_INVALID_RECORD_TYPE, "tls.invalid_record_type", "proto_parser")                      \
	_(TLS_INVALID_RECORD_VERSION, "tls.invalid_record_version", "proto_parser")                \
	_(HTTP_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST,                                         \
	  "http.invalid_transfer_encoding_value_in_request", "proto_parser")                       \
	_(HTTP_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST,                                            \
	  "http.invalid_content_length_field_in_request", "proto_parser")                          \
	_(HTTP_MISSING_HOST_HEADER, "http.missing_host_header", "proto_parser")                    \
	_(HTTP_HOST_HEADER_AMBIGUOUS, "http.host_header_ambiguous", "proto_parser")                \
	_(HTTP_INVALID_REQUEST_FIELD_FOLDING, "http.invalid_request_field_folding",                \
	  "proto_parser")                                                                          \
	_(HTTP_INVALID_RESPONSE_FIELD_FOLDING, "http.invalid_response_field_folding",              \
	  "proto_parser")                                                                          \
	_(HTTP_REQUEST_FIELD_MISSING_COLON, "http.request_field_missing_colon", "proto_parser")    \
	_(HTTP_RESPONSE_FIELD_MISSING_COLON, "http.response_field_missing_colon", "proto_parser")  \
	_(HTTP_REQUEST_FIELD_TOO_LONG, "http.request_field_too_long", "proto_parser")              \
	_(HTTP_RESPONSE_FIELD_TOO_LONG, "http.response_field_too_long", "proto_parser")            \
	_(HTTP_URI_HOST_INVALID, "http.uri_host_invalid", "proto_parser")                          \
	_(HTTP_HEADER_HOST_INVALID, "http.header_host_invalid", "proto_parser")                    \
	_(HTTP2_USERINFO_IN_URI, "http2.userinfo_in_uri", "proto_parser")                          \
	_(MQTT_MISSING_CONNECT, "mqtt.missing_connect", "proto_parser")                            \
	_(MQTT_MISSING_PUBLISH, "mqtt.missing_publish", "proto_parser")                            \
	_(MQTT_MISSING_SUBSCRIBE, "mqtt.missing_subscribe", "proto_parser")                        \
	_(MQTT_MISSING_UNSUBSCRIBE, "mqtt.missing_unsubscribe", "proto_parser")                    \
	_(MQTT_DOUBLE_CONNECT, "mqtt.double_connect", "proto_parser")                              \
	_(MQTT_UNINTRODUCED_MESSAGE, "mqtt.unintroduced_message", "proto_parser")                  \
	_(MQTT_INVALID_QOS_LEVEL, "mqtt.invalid_qos_level", "proto_parser")                        \
	_(MQTT_MISSING_MSG_ID, "mqtt.missing_msg_id", "proto_parser")                              \
	_(MQTT_UNASSIGNED_MSG_TYPE, "mqtt.unassigned_msg_type", "proto_parser")                    \
	_(MQTT_MALFORMED_TRAFFIC, "mqtt.malformed_traffic", "proto_parser")                        \
	_(APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS,                                              \
	  "applayer_mismatch_protocol_both_directions", "proto_detect")                            \
	_(SMTP_MIME_LONG_BOUNDARY, "smtp.mime_long_boundary", "proto_parser")

enum rule_app_event {
#define _(sym, name, layer) RULE_APP_EVENT_##sym,
	foreach_rule_app_event
#undef _
	    RULE_APP_EVENT_COUNT
};

/* An event is one byte of the app.events buffer. */
_Static_assert(RULE_APP_EVENT_COUNT <= 255, "application-layer events must fit a byte");

extern const char *const rule_app_event_name[RULE_APP_EVENT_COUNT];  /* "dns.z_flag_set" */
extern const char *const rule_app_event_layer[RULE_APP_EVENT_COUNT]; /* "proto_parser" */

#endif
