/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Layouts of app.meta, the hidden buffer (buffer.h,
 * foreach_rule_buffer_hidden) that carries the fields a protocol's number
 * and flag keywords read: one struct per protocol, filled by its parser
 * (dataplane/app/app_NAME.c) and read by its keyword family
 * (rules/keywords/kw_NAME.c), and by nothing else. Every struct starts
 * with the protocol (enum rule_proto, struct rule_app_meta_head), which a
 * keyword checks before it reads the rest: one buffer serves every
 * protocol, as buffers are bits of a mask with little room left. Absent
 * fields are 0; a has_* byte says whether a field that only some messages
 * carry is there.
 */
#ifndef VIGIL_RULES_APP_META_H
#define VIGIL_RULES_APP_META_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The start of every app.meta struct. */
struct rule_app_meta_head {
	uint16_t proto; /* enum rule_proto */
	uint16_t size;	/* bytes of the whole struct */
};

/*
 * app.meta's struct of proto into out (size bytes) when buf holds one;
 * false otherwise (another protocol's, or none). Per-packet path.
 */
static inline bool rule_app_meta_get(const uint8_t *buf, uint32_t len, uint16_t proto, void *out,
				     uint16_t size)
{
	struct rule_app_meta_head head;
	if (!buf || len < size || size < sizeof(head))
		return false;
	memcpy(&head, buf, sizeof(head));
	if (head.proto != proto || head.size != size)
		return false;
	memcpy(out, buf, size);
	return true;
}

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

/* app.meta of an MQTT control packet. */
#define RULE_MQTT_REASONS_MAX 16
struct rule_mqtt_meta {
	struct rule_app_meta_head head;
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

/*
 * Kerberos encryption types (RFC 3961 8, RFC 8009, RFC 6803) as EVE and
 * krb5.ticket_encryption name them. _(number, "name")
 */
#define foreach_rule_krb5_etype                                                                    \
	_(1, "des-cbc-crc")                                                                        \
	_(2, "des-cbc-md4")                                                                        \
	_(3, "des-cbc-md5")                                                                        \
	_(5, "des3-cbc-md5")                                                                       \
	_(7, "des3-cbc-sha1")                                                                      \
	_(16, "des3-cbc-sha1-kd")                                                                  \
	_(17, "aes128-cts-hmac-sha1-96")                                                           \
	_(18, "aes256-cts-hmac-sha1-96")                                                           \
	_(19, "aes128-cts-hmac-sha256-128")                                                        \
	_(20, "aes256-cts-hmac-sha384-192")                                                        \
	_(23, "rc4-hmac")                                                                          \
	_(24, "rc4-hmac-exp")                                                                      \
	_(25, "camellia128-cts-cmac")                                                              \
	_(26, "camellia256-cts-cmac")

/* The name of an encryption type, or NULL for one not in the list. */
static inline const char *rule_krb5_etype_name(int32_t etype)
{
	switch (etype) {
#define _(n, name)                                                                                 \
	case n:                                                                                    \
		return name;
		foreach_rule_krb5_etype
#undef _
	}
	return NULL;
}

/* Weak, as Suricata judges a cipher: anything but AES and Camellia (DES, RC4, ...). */
static inline bool rule_krb5_etype_weak(int32_t etype)
{
	return !(etype >= 17 && etype <= 20) && etype != 25 && etype != 26;
}

/* app.meta of a Kerberos 5 message (RFC 4120). */
struct rule_krb5_meta {
	struct rule_app_meta_head head;
	uint32_t msg_type;    /* 10 AS-REQ, 11 AS-REP, 12 TGS-REQ, 13 TGS-REP, 30 KRB-ERROR */
	uint32_t has_error;   /* a KRB-ERROR: error_code is its code */
	uint32_t error_code;  /* RFC 4120 7.5.9 */
	uint32_t has_ticket;  /* a reply carrying a ticket: ticket_etype is its cipher */
	int32_t ticket_etype; /* RFC 3961 8 (23 rc4-hmac, 18 aes256-cts-hmac-sha1-96, ...) */
	uint32_t ticket_weak; /* the ticket's cipher is neither AES nor Camellia */
};

/* _(code, SYM, "name"): ENIP's encapsulation commands, as Suricata names them. */
#define foreach_rule_enip_command                                                                  \
	_(0x0000, NOP, "nop")                                                                      \
	_(0x0004, LIST_SERVICES, "list_services")                                                  \
	_(0x0063, LIST_IDENTITY, "list_identity")                                                  \
	_(0x0064, LIST_INTERFACES, "list_interfaces")                                              \
	_(0x0065, REGISTER_SESSION, "register_session")                                            \
	_(0x0066, UNREGISTER_SESSION, "unregister_session")                                        \
	_(0x006f, SEND_RR_DATA, "send_rr_data")                                                    \
	_(0x0070, SEND_UNIT_DATA, "send_unit_data")                                                \
	_(0x0072, INDICATE_STATUS, "indicate_status")                                              \
	_(0x0073, CANCEL, "cancel")

/* _(code, "name"): ENIP's encapsulation status codes, as Suricata names them. */
#define foreach_rule_enip_status                                                                   \
	_(0x0000, "success")                                                                       \
	_(0x0001, "invalid_cmd")                                                                   \
	_(0x0002, "no_resources")                                                                  \
	_(0x0003, "incorrect_data")                                                                \
	_(0x0064, "invalid_session")                                                               \
	_(0x0065, "invalid_length")                                                                \
	_(0x0069, "unsupported_prot_rev")                                                          \
	_(0x006a, "encap_header_error")

/* One CIP service an ENIP message carries (a Multiple Service Packet's embedded ones too). */
struct rule_enip_cip {
	uint8_t service; /* with the reply bit (0x80) in a response */
	uint8_t status;	 /* a response's general status */
	uint8_t has_class, has_instance, has_attribute, has_status;
	uint16_t extended_status; /* a response's first extended status word, 0 without */
	uint32_t class_id, instance, attribute; /* a request's logical path */
};

/* app.meta of an EtherNet/IP encapsulation message. */
#define RULE_ENIP_CIP_MAX 16
struct rule_enip_meta {
	struct rule_app_meta_head head;
	uint16_t command;
	uint16_t has_identity;	   /* a ListIdentity reply's CIP identity item */
	uint32_t status;	   /* the encapsulation header's */
	uint16_t protocol_version; /* RegisterSession's, or the identity's; 0 without */
	uint16_t vendor_id, device_type, product_code, identity_status;
	uint8_t revision_major, revision_minor, state, cip_count;
	uint32_t serial;
	struct rule_enip_cip cip[RULE_ENIP_CIP_MAX];
};

/* _(tag, SYM, "name"): LDAP's protocol operations (RFC 4511 4.2), as Suricata names them. */
#define foreach_rule_ldap_op                                                                       \
	_(0, BIND_REQUEST, "bind_request")                                                         \
	_(1, BIND_RESPONSE, "bind_response")                                                       \
	_(2, UNBIND_REQUEST, "unbind_request")                                                     \
	_(3, SEARCH_REQUEST, "search_request")                                                     \
	_(4, SEARCH_RESULT_ENTRY, "search_result_entry")                                           \
	_(5, SEARCH_RESULT_DONE, "search_result_done")                                             \
	_(6, MODIFY_REQUEST, "modify_request")                                                     \
	_(7, MODIFY_RESPONSE, "modify_response")                                                   \
	_(8, ADD_REQUEST, "add_request")                                                           \
	_(9, ADD_RESPONSE, "add_response")                                                         \
	_(10, DEL_REQUEST, "del_request")                                                          \
	_(11, DEL_RESPONSE, "del_response")                                                        \
	_(12, MOD_DN_REQUEST, "mod_dn_request")                                                    \
	_(13, MOD_DN_RESPONSE, "mod_dn_response")                                                  \
	_(14, COMPARE_REQUEST, "compare_request")                                                  \
	_(15, COMPARE_RESPONSE, "compare_response")                                                \
	_(16, ABANDON_REQUEST, "abandon_request")                                                  \
	_(19, SEARCH_RESULT_REFERENCE, "search_result_reference")                                  \
	_(23, EXTENDED_REQUEST, "extended_request")                                                \
	_(24, EXTENDED_RESPONSE, "extended_response")                                              \
	_(25, INTERMEDIATE_RESPONSE, "intermediate_response")

enum rule_ldap_op {
#define _(tag, sym, name) RULE_LDAP_##sym = tag,
	foreach_rule_ldap_op
#undef _
};

/* The name of an operation, or NULL for a tag RFC 4511 does not define. */
static inline const char *rule_ldap_op_name(uint8_t op)
{
	switch (op) {
#define _(tag, sym, name)                                                                          \
	case tag:                                                                                  \
		return name;
		foreach_rule_ldap_op
#undef _
	}
	return NULL;
}

/* A request (a client's operation), not a response. */
static inline bool rule_ldap_op_is_request(uint8_t op)
{
	return op == RULE_LDAP_BIND_REQUEST || op == RULE_LDAP_UNBIND_REQUEST ||
	       op == RULE_LDAP_SEARCH_REQUEST || op == RULE_LDAP_MODIFY_REQUEST ||
	       op == RULE_LDAP_ADD_REQUEST || op == RULE_LDAP_DEL_REQUEST ||
	       op == RULE_LDAP_MOD_DN_REQUEST || op == RULE_LDAP_COMPARE_REQUEST ||
	       op == RULE_LDAP_ABANDON_REQUEST || op == RULE_LDAP_EXTENDED_REQUEST;
}

/* app.meta of an LDAP transaction: its request and its responses so far. */
#define RULE_LDAP_RESPONSES_MAX 32
struct rule_ldap_meta {
	struct rule_app_meta_head head;
	uint8_t has_request;
	uint8_t request_op;
	uint32_t response_count; /* all of them, though only the first are listed */
	uint8_t responses[RULE_LDAP_RESPONSES_MAX];
	/* each listed response's resultCode, when has_result's bit i says it has one */
	uint32_t has_result;
	uint32_t result_codes[RULE_LDAP_RESPONSES_MAX];
};
_Static_assert(RULE_LDAP_RESPONSES_MAX <= 32, "has_result has a bit per listed response");

/* _(code, "name"): LDAP's result codes (RFC 4511 4.1.9 and others), as Suricata names them. */
#define foreach_rule_ldap_result                                                                   \
	_(0, "success")                                                                            \
	_(1, "operations_error")                                                                   \
	_(2, "protocol_error")                                                                     \
	_(3, "time_limit_exceeded")                                                                \
	_(4, "size_limit_exceeded")                                                                \
	_(5, "compare_false")                                                                      \
	_(6, "compare_true")                                                                       \
	_(7, "auth_method_not_supported")                                                          \
	_(8, "stronger_auth_required")                                                             \
	_(10, "referral")                                                                          \
	_(11, "admin_limit_exceeded")                                                              \
	_(12, "unavailable_critical_extension")                                                    \
	_(13, "confidentiality_required")                                                          \
	_(14, "sasl_bind_in_progress")                                                             \
	_(16, "no_such_attribute")                                                                 \
	_(17, "undefined_attribute_type")                                                          \
	_(18, "inappropriate_matching")                                                            \
	_(19, "constraint_violation")                                                              \
	_(20, "attribute_or_value_exists")                                                         \
	_(21, "invalid_attribute_syntax")                                                          \
	_(32, "no_such_object")                                                                    \
	_(33, "alias_problem")                                                                     \
	_(34, "invalid_dns_syntax")                                                                \
	_(35, "is_leaf")                                                                           \
	_(36, "alias_dereferencing_problem")                                                       \
	_(48, "inappropriate_authentication")                                                      \
	_(49, "invalid_credentials")                                                               \
	_(50, "insufficient_access_rights")                                                        \
	_(51, "busy")                                                                              \
	_(52, "unavailable")                                                                       \
	_(53, "unwilling_to_perform")                                                              \
	_(54, "loop_detect")                                                                       \
	_(60, "sort_control_missing")                                                              \
	_(61, "offset_range_error")                                                                \
	_(64, "naming_violation")                                                                  \
	_(65, "object_class_violation")                                                            \
	_(66, "not_allowed_on_non_leaf")                                                           \
	_(67, "not_allowed_on_rdn")                                                                \
	_(68, "entry_already_exists")                                                              \
	_(69, "object_class_mods_prohibited")                                                      \
	_(70, "results_too_large")                                                                 \
	_(71, "affects_multiple_dsas")                                                             \
	_(76, "control_error")                                                                     \
	_(80, "other")                                                                             \
	_(81, "server_down")                                                                       \
	_(82, "local_error")                                                                       \
	_(83, "encoding_error")                                                                    \
	_(84, "decoding_error")                                                                    \
	_(85, "timeout")                                                                           \
	_(86, "auth_unknown")                                                                      \
	_(87, "filter_error")                                                                      \
	_(88, "user_canceled")                                                                     \
	_(89, "param_error")                                                                       \
	_(90, "no_memory")                                                                         \
	_(91, "connect_error")                                                                     \
	_(92, "not_supported")                                                                     \
	_(93, "control_not_found")                                                                 \
	_(94, "no_results_returned")                                                               \
	_(95, "more_results_to_return")                                                            \
	_(96, "client_loop")                                                                       \
	_(97, "referral_limit_exceeded")                                                           \
	_(100, "invalid_response")                                                                 \
	_(101, "ambiguous_response")                                                               \
	_(112, "tls_not_supported")                                                                \
	_(113, "intermediate_response")                                                            \
	_(114, "unknown_type")                                                                     \
	_(118, "canceled")                                                                         \
	_(119, "no_such_operation")                                                                \
	_(120, "too_late")                                                                         \
	_(121, "cannot_cancel")                                                                    \
	_(122, "assertion_failed")                                                                 \
	_(123, "authorization_denied")                                                             \
	_(4096, "e_sync_refresh_required")                                                         \
	_(16654, "no_operation")

static inline const char *rule_ldap_result_name(uint32_t code)
{
	switch (code) {
#define _(n, name)                                                                                 \
	case n:                                                                                    \
		return name;
		foreach_rule_ldap_result
#undef _
	}
	return NULL;
}

/* _(tag, SYM, "name"): SNMP's PDU types (the context tag), as Suricata names them. */
#define foreach_rule_snmp_pdu                                                                      \
	_(0, GET_REQUEST, "get_request")                                                           \
	_(1, GET_NEXT_REQUEST, "get_next_request")                                                 \
	_(2, RESPONSE, "response")                                                                 \
	_(3, SET_REQUEST, "set_request")                                                           \
	_(4, TRAP_V1, "trap_v1")                                                                   \
	_(5, GET_BULK_REQUEST, "get_bulk_request")                                                 \
	_(6, INFORM_REQUEST, "inform_request")                                                     \
	_(7, TRAP_V2, "trap_v2")                                                                   \
	_(8, REPORT, "report")

enum rule_snmp_pdu {
#define _(tag, sym, name) RULE_SNMP_##sym = tag,
	foreach_rule_snmp_pdu
#undef _
};

static inline const char *rule_snmp_pdu_name(uint8_t pdu)
{
	switch (pdu) {
#define _(tag, sym, name)                                                                          \
	case tag:                                                                                  \
		return name;
		foreach_rule_snmp_pdu
#undef _
	}
	return NULL;
}

/* app.meta of an SNMP message. */
struct rule_snmp_meta {
	struct rule_app_meta_head head;
	uint32_t version; /* 1, 2 (v2c) or 3, as Suricata counts them */
	uint8_t has_pdu;  /* a PDU was read (not an encrypted v3 one) */
	uint8_t pdu_type;
};

/*
 * NFSv3's procedures (RFC 1813), by number: the names EVE nfs records
 * show and nfs_procedure accepts (a name matches its v3 number).
 * _(number, "NAME")
 */
#define foreach_rule_nfs3_procedure                                                                \
	_(0, "NULL")                                                                               \
	_(1, "GETATTR")                                                                            \
	_(2, "SETATTR")                                                                            \
	_(3, "LOOKUP")                                                                             \
	_(4, "ACCESS")                                                                             \
	_(5, "READLINK")                                                                           \
	_(6, "READ")                                                                               \
	_(7, "WRITE")                                                                              \
	_(8, "CREATE")                                                                             \
	_(9, "MKDIR")                                                                              \
	_(10, "SYMLINK")                                                                           \
	_(11, "MKNOD")                                                                             \
	_(12, "REMOVE")                                                                            \
	_(13, "RMDIR")                                                                             \
	_(14, "RENAME")                                                                            \
	_(15, "LINK")                                                                              \
	_(16, "READDIR")                                                                           \
	_(17, "READDIRPLUS")                                                                       \
	_(18, "FSSTAT")                                                                            \
	_(19, "FSINFO")                                                                            \
	_(20, "PATHCONF")                                                                          \
	_(21, "COMMIT")

/* app.meta of an NFS call or its reply (both carry the call's fields). */
struct rule_nfs_meta {
	struct rule_app_meta_head head;
	uint32_t version;   /* the RPC program version: 2, 3 or 4 (nfs.version) */
	uint32_t procedure; /* the call's procedure number (nfs_procedure) */
	uint8_t reply;	    /* 0 in the call's unit, 1 in the reply's */
};

#endif
