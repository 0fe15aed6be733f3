/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule keyword table. Every keyword is one row, filled by a register
 * function in the file of its family (kw_meta.c, kw_content.c, kw_pcre.c,
 * kw_flow.c, ...), all called from keywords.c. A row names the keyword, its
 * kind (which tells the parser and the matcher where it belongs), and its
 * parse / match / free functions. Adding a keyword never edits a switch.
 *
 * Parse functions run off the fast path and may allocate; match functions
 * run on a worker lcore per candidate rule and must not allocate, lock or
 * log.
 */
#ifndef VIGIL_RULES_KEYWORD_H
#define VIGIL_RULES_KEYWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/lang/rule.h"

struct rule_parser;
struct rule_match_ctx;
struct rule_payload_cursor;

enum rule_keyword_kind {
	RULE_KW_META,	   /* msg, sid, classtype, ...: fills struct rule, adds no option */
	RULE_KW_PACKET,	   /* dsize, ttl, flags, itype, ...: a test of the packet, order-free */
	RULE_KW_PAYLOAD,   /* content, pcre, byte_*, isdataat, bsize: the buffer's match chain */
	RULE_KW_MODIFIER,  /* nocase, depth, offset, distance, within, fast_pattern, ...:
				changes the option before it (the last content or pcre) */
	RULE_KW_STICKY,	   /* http.uri, tls.sni, file.data, ...: later payload options inspect
				this buffer */
	RULE_KW_TRANSFORM, /* dotprefix, to_lowercase, ...: transforms the current buffer */
	RULE_KW_FLOW,	   /* flow, flowbits, ...: flow state tests and post-match actions */
};

enum rule_keyword_value {
	RULE_KW_VALUE_NONE,	/* "nocase;" */
	RULE_KW_VALUE_REQUIRED, /* "sid:1;" */
	RULE_KW_VALUE_OPTIONAL,
};

/*
 * Parse the keyword's value (NULL when written without one) into rule.
 * Keywords that add an option call rule_parser_add_option(); modifiers find
 * the option they modify with rule_parser_last_option(). On a bad value,
 * return rule_parser_error(parser, "...") (which returns -EINVAL).
 */
typedef int (*rule_keyword_parse_fn)(struct rule_parser *parser, struct rule *rule,
				     const char *value);

/* RULE_KW_PACKET and RULE_KW_FLOW tests: true when the option holds. Per-packet path. */
typedef bool (*rule_keyword_match_fn)(const struct rule_option *option,
				      const struct rule_match_ctx *ctx);

/*
 * RULE_KW_PAYLOAD: look for the option in the cursor's buffer from the
 * cursor's position (see match.h). Returns true and moves the cursor past
 * the match, or false. Per-packet path.
 */
typedef bool (*rule_keyword_inspect_fn)(const struct rule_option *option,
					struct rule_payload_cursor *cursor);

struct rule_keyword {
	const char *name;
	enum rule_keyword_kind kind;
	enum rule_keyword_value value;
	rule_keyword_parse_fn parse;
	rule_keyword_match_fn match;	 /* PACKET and FLOW kinds */
	rule_keyword_inspect_fn inspect; /* PAYLOAD kind */
	void (*free)(void *data);	 /* frees rule_option.data; NULL: free() */
	int buffer;			 /* STICKY kind: enum rule_buffer */
	const char *unsupported;	 /* non-NULL: known keyword vigil cannot run yet, and why */
};

#define RULE_KEYWORD_MAX 512

extern struct rule_keyword rule_keywords[RULE_KEYWORD_MAX];
extern unsigned rule_keyword_count;

/* Add a row; returns its index. Called by the kw_*_register() functions. */
int rule_keyword_register(const struct rule_keyword *keyword);

/* The row for name, or NULL. */
const struct rule_keyword *rule_keyword_find(const char *name, int *index);

/* Fill the table once (idempotent). Called by the parser before the first rule. */
void rule_keywords_init(void);

/* The families; each registers its keywords. */
void kw_meta_register(void);	    /* msg sid rev gid classtype reference metadata priority
				     target noalert alert */
void kw_buffer_register(void);	    /* sticky buffers, legacy modifiers, transforms */
void kw_content_register(void);	    /* content and its modifiers, bsize */
void kw_pcre_register(void);	    /* pcre */
void kw_byte_register(void);	    /* byte_test byte_jump byte_extract isdataat */
void kw_flow_register(void);	    /* flow flowbits flowint flow.age stream_size */
void kw_packet_register(void);	    /* dsize ip_proto ttl flags itype icode icmp_id icmp_seq
				     icmpv6.mtu tcp.mss ipopts vlan.id vlan.layers prefilter */
void kw_xbits_register(void);	    /* xbits hostbits */
void kw_entropy_register(void);	    /* entropy */
void kw_base64_register(void);	    /* base64_decode base64_data */
void kw_absent_register(void);	    /* absent */
void kw_tag_register(void);	    /* tag */
void kw_asn1_register(void);	    /* asn1 */
void kw_checksum_register(void);    /* ipv4-csum tcpv4-csum tcpv6-csum udpv4-csum ... */
void kw_event_register(void);	    /* decode-event stream-event app-layer-event */
void kw_threshold_register(void);   /* threshold detection_filter */
void kw_app_register(void);	    /* app-layer-protocol urilen */
void kw_injection_register(void);   /* sqli xss */
void kw_dns_register(void);	    /* dns.opcode dns.rcode dns.rrtype */
void kw_tls_register(void);	    /* tls.subject tls.issuerdn tls.cert_chain_len tls.version
				       ssl_version ssl_state tls.fingerprint */
void kw_file_register(void);	    /* filename fileext filemagic filesize filemd5 filesha1
				       filesha256 filestore */
void kw_ftp_register(void);	    /* ftp.mode ftp.reply_received ftp.dynamic_port ftpdata_command
				       ftpbounce */
void kw_dcerpc_register(void);	    /* dcerpc.iface dcerpc.opnum (dce_iface dce_opnum) */
void kw_mqtt_register(void);	    /* mqtt.type mqtt.flags mqtt.qos mqtt.reason_code ... */
void kw_krb5_register(void);	    /* krb5_msg_type krb5_err_code krb5.ticket_encryption */
void kw_enip_register(void);	    /* enip_command cip_service enip.status enip.cip_class ... */
void kw_ldap_register(void);	    /* ldap.request.operation ldap.responses.operation ... */
void kw_snmp_register(void);	    /* snmp.version snmp.pdu_type */
void kw_nfs_register(void);	    /* nfs_procedure nfs.version */
void kw_http2_register(void);	    /* http2.frametype http2.errorcode http2.priority
				       http2.window http2.size_update http2.settings */
void kw_frame_register(void);	    /* frame */
void kw_unsupported_register(void); /* known keywords not run yet, each with its reason */

/* --- what keyword parse functions may call (implemented in parse.c) --- */

/* Append an option of the calling keyword, in the current buffer; returns it. */
struct rule_option *rule_parser_add_option(struct rule_parser *parser, struct rule *rule,
					   void *data);

/* The last option added to rule by a keyword named in names (NULL-terminated), or NULL. */
struct rule_option *rule_parser_last_option(struct rule_parser *parser, struct rule *rule,
					    const char *const *names);

/* Set the buffer for the options that follow (sticky buffers). */
void rule_parser_set_buffer(struct rule_parser *parser, int buffer);

/* The buffer in effect. */
int rule_parser_buffer(const struct rule_parser *parser);

/* Record why the current option is refused; returns -EINVAL. */
int rule_parser_error(struct rule_parser *parser, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Look a classtype up (classification.config): its priority, or -1 if
 * unknown; 0 (no priority) for any name when no classification was loaded.
 */
int rule_parser_classtype_priority(const struct rule_parser *parser, const char *name);

/* The id of a flowbit name, allocated on first sight, shared by the whole ruleset. */
int rule_parser_flowbit(struct rule_parser *parser, const char *name);

/*
 * The id of a flow variable name (pcre:"/(x)/, flow:NAME"), allocated on
 * first sight, shared by the whole ruleset; -1 when RULE_MAX_FLOWVARS are
 * taken or out of memory.
 */
int rule_parser_flowvar(struct rule_parser *parser, const char *name);

/*
 * The id of a flow integer name (flowint:NAME,...), allocated on first
 * sight, shared by the whole ruleset; -1 when RULE_MAX_FLOWINTS are taken.
 */
int rule_parser_flowint(struct rule_parser *parser, const char *name);

/*
 * The id of an xbits or hostbits name, allocated on first sight, shared by
 * the whole ruleset (hostbits:set,x and xbits:set,x,track ip_src name the
 * same bit, as in Suricata); -1 when RULE_MAX_XBITS are taken.
 */
int rule_parser_xbit(struct rule_parser *parser, const char *name);

/* The slot of a byte_extract variable of this rule (0..RULE_MAX_BYTE_VARS-1), or -1. */
int rule_parser_byte_var(struct rule_parser *parser, const char *name, bool define);

#define RULE_MAX_BYTE_VARS 8
#define RULE_MAX_FLOWBITS  1024
#define RULE_MAX_FLOWVARS  64
#define RULE_MAX_FLOWINTS  64
#define RULE_MAX_XBITS	   256
#define RULE_MAX_CAPTURES  8 /* pcre captures kept per rule match */

#endif
