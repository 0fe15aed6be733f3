/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The buffers a rule can inspect, declared once. pkt_data is the packet's
 * payload (or the reassembled TCP stream); the header buffers after it
 * (ipv4.hdr ... icmpv6.hdr, Suricata's) are the packet's own headers, set
 * for every packet by the inspect stage; every other buffer is filled by
 * the application-layer parser of its protocol (dataplane/app/) and is empty
 * on a flow that does not carry that protocol. Adding a buffer is one line
 * here and one assignment in its parser.
 *
 * _(SYM, "sticky buffer name", "legacy content modifier or NULL", app protocol)
 * The app protocol is the enum rule_proto the buffer belongs to (IP for
 * pkt_data), used to check a rule's header against its buffers.
 */
#ifndef VIGIL_RULES_BUFFER_H
#define VIGIL_RULES_BUFFER_H

#include <stdint.h>

#define foreach_rule_buffer                                                                        \
	_(PKT_DATA, "pkt_data", NULL, IP)                                                          \
	_(IPV4_HDR, "ipv4.hdr", NULL, IP)                                                          \
	_(IPV6_HDR, "ipv6.hdr", NULL, IP)                                                          \
	_(TCP_HDR, "tcp.hdr", NULL, IP)                                                            \
	_(UDP_HDR, "udp.hdr", NULL, IP)                                                            \
	_(ICMPV4_HDR, "icmpv4.hdr", NULL, IP)                                                      \
	_(ICMPV6_HDR, "icmpv6.hdr", NULL, IP)                                                      \
	_(HTTP_URI, "http.uri", "http_uri", HTTP)                                                  \
	_(HTTP_URI_RAW, "http.uri.raw", "http_raw_uri", HTTP)                                      \
	_(HTTP_METHOD, "http.method", "http_method", HTTP)                                         \
	_(HTTP_REQUEST_LINE, "http.request_line", NULL, HTTP)                                      \
	_(HTTP_PROTOCOL, "http.protocol", NULL, HTTP)                                              \
	_(HTTP_HEADER, "http.header", "http_header", HTTP)                                         \
	_(HTTP_HEADER_RAW, "http.header.raw", "http_raw_header", HTTP)                             \
	_(HTTP_HEADER_NAMES, "http.header_names", NULL, HTTP)                                      \
	_(HTTP_HOST, "http.host", "http_host", HTTP)                                               \
	_(HTTP_HOST_RAW, "http.host.raw", "http_raw_host", HTTP)                                   \
	_(HTTP_USER_AGENT, "http.user_agent", "http_user_agent", HTTP)                             \
	_(HTTP_COOKIE, "http.cookie", "http_cookie", HTTP)                                         \
	_(HTTP_REFERER, "http.referer", NULL, HTTP)                                                \
	_(HTTP_CONTENT_TYPE, "http.content_type", NULL, HTTP)                                      \
	_(HTTP_CONTENT_LEN, "http.content_len", NULL, HTTP)                                        \
	_(HTTP_ACCEPT, "http.accept", NULL, HTTP)                                                  \
	_(HTTP_ACCEPT_ENC, "http.accept_enc", NULL, HTTP)                                          \
	_(HTTP_ACCEPT_LANG, "http.accept_lang", NULL, HTTP)                                        \
	_(HTTP_CONNECTION, "http.connection", NULL, HTTP)                                          \
	_(HTTP_START, "http.start", NULL, HTTP)                                                    \
	_(HTTP_REQUEST_BODY, "http.request_body", "http_client_body", HTTP)                        \
	_(HTTP_STAT_CODE, "http.stat_code", "http_stat_code", HTTP)                                \
	_(HTTP_STAT_MSG, "http.stat_msg", "http_stat_msg", HTTP)                                   \
	_(HTTP_RESPONSE_LINE, "http.response_line", NULL, HTTP)                                    \
	_(HTTP_RESPONSE_BODY, "http.response_body", "http_server_body", HTTP)                      \
	_(HTTP_LOCATION, "http.location", NULL, HTTP)                                              \
	_(HTTP_SERVER, "http.server", NULL, HTTP)                                                  \
	_(HTTP_REQUEST_HEADER, "http.request_header", NULL, HTTP)                                  \
	_(HTTP_RESPONSE_HEADER, "http.response_header", NULL, HTTP)                                \
	_(HTTP2_HEADER_NAME, "http2.header_name", NULL, HTTP2)                                     \
	_(HTTP2_HEADER, "http2.header", NULL, HTTP2)                                               \
	_(HTTP2_META, "http2.meta", NULL, HTTP2)                                                   \
	_(FILE_DATA, "file.data", NULL, HTTP)                                                      \
	_(FILE_NAME, "file.name", NULL, HTTP)                                                      \
	_(FILE_MAGIC, "file.magic", NULL, HTTP)                                                    \
	_(FILE_META, "file.meta", NULL, HTTP)                                                      \
	_(TLS_SNI, "tls.sni", NULL, TLS)                                                           \
	_(TLS_CERT_SUBJECT, "tls.cert_subject", NULL, TLS)                                         \
	_(TLS_CERT_ISSUER, "tls.cert_issuer", NULL, TLS)                                           \
	_(TLS_CERT_SERIAL, "tls.cert_serial", NULL, TLS)                                           \
	_(TLS_CERT_FINGERPRINT, "tls.cert_fingerprint", NULL, TLS)                                 \
	_(TLS_CERTS, "tls.certs", NULL, TLS)                                                       \
	_(TLS_VERSION, "tls.version", NULL, TLS)                                                   \
	_(JA3_HASH, "ja3.hash", NULL, TLS)                                                         \
	_(JA3_STRING, "ja3.string", NULL, TLS)                                                     \
	_(JA3S_HASH, "ja3s.hash", NULL, TLS)                                                       \
	_(JA4_HASH, "ja4.hash", NULL, TLS)                                                         \
	_(TLS_SUBJECTALTNAME, "tls.subjectaltname", NULL, TLS)                                     \
	_(TLS_ALPN, "tls.alpn", NULL, TLS)                                                         \
	_(TLS_RANDOM, "tls.random", NULL, TLS)                                                     \
	_(TLS_RANDOM_TIME, "tls.random_time", NULL, TLS)                                           \
	_(TLS_RANDOM_BYTES, "tls.random_bytes", NULL, TLS)                                         \
	_(TLS_META, "tls.meta", NULL, TLS)                                                         \
	_(DNS_QUERY, "dns.query", NULL, DNS)                                                       \
	_(DNS_QUERIES_RRNAME, "dns.queries.rrname", NULL, DNS)                                     \
	_(DNS_ANSWERS_RRNAME, "dns.answers.rrname", NULL, DNS)                                     \
	_(DNS_AUTHORITIES_RRNAME, "dns.authorities.rrname", NULL, DNS)                             \
	_(DNS_ADDITIONALS_RRNAME, "dns.additionals.rrname", NULL, DNS)                             \
	_(DNS_RESPONSE_RRNAME, "dns.response.rrname", NULL, DNS)                                   \
	_(DNS_META, "dns.meta", NULL, DNS)                                                         \
	_(SSH_PROTO, "ssh.proto", NULL, SSH)                                                       \
	_(SSH_SOFTWARE, "ssh.software", NULL, SSH)                                                 \
	_(SSH_HASSH, "ssh.hassh", NULL, SSH)                                                       \
	_(SSH_HASSH_STRING, "ssh.hassh.string", NULL, SSH)                                         \
	_(SSH_HASSH_SERVER, "ssh.hassh.server", NULL, SSH)                                         \
	_(SSH_HASSH_SERVER_STRING, "ssh.hassh.server.string", NULL, SSH)                           \
	_(SMTP_HELO, "smtp.helo", NULL, SMTP)                                                      \
	_(SMTP_MAIL_FROM, "smtp.mail_from", NULL, SMTP)                                            \
	_(SMTP_RCPT_TO, "smtp.rcpt_to", NULL, SMTP)                                                \
	_(EMAIL_MESSAGE_ID, "email.message_id", NULL, SMTP)                                        \
	_(EMAIL_X_MAILER, "email.x_mailer", NULL, SMTP)                                            \
	_(EMAIL_URL, "email.url", NULL, SMTP)                                                      \
	_(EMAIL_FROM, "email.from", NULL, SMTP)                                                    \
	_(EMAIL_TO, "email.to", NULL, SMTP)                                                        \
	_(EMAIL_CC, "email.cc", NULL, SMTP)                                                        \
	_(EMAIL_SUBJECT, "email.subject", NULL, SMTP)                                              \
	_(EMAIL_DATE, "email.date", NULL, SMTP)                                                    \
	_(EMAIL_RECEIVED, "email.received", NULL, SMTP)                                            \
	_(MYSQL_QUERY, "mysql.query", NULL, MYSQL)                                                 \
	_(SIP_METHOD, "sip.method", NULL, SIP)                                                     \
	_(SIP_URI, "sip.uri", NULL, SIP)                                                           \
	_(SIP_PROTOCOL, "sip.protocol", NULL, SIP)                                                 \
	_(SIP_REQUEST_LINE, "sip.request_line", NULL, SIP)                                         \
	_(SIP_STAT_CODE, "sip.stat_code", NULL, SIP)                                               \
	_(SIP_STAT_MSG, "sip.stat_msg", NULL, SIP)                                                 \
	_(SIP_RESPONSE_LINE, "sip.response_line", NULL, SIP)                                       \
	_(SIP_FROM, "sip.from", NULL, SIP)                                                         \
	_(SIP_TO, "sip.to", NULL, SIP)                                                             \
	_(SIP_VIA, "sip.via", NULL, SIP)                                                           \
	_(SIP_USER_AGENT, "sip.user_agent", NULL, SIP)                                             \
	_(SIP_CONTENT_TYPE, "sip.content_type", NULL, SIP)                                         \
	_(SIP_CONTENT_LENGTH, "sip.content_length", NULL, SIP)                                     \
	_(APP_EVENTS, "app.events", NULL, IP)                                                      \
	_(FTP_COMMAND, "ftp.command", NULL, FTP)                                                   \
	_(FTP_COMMAND_DATA, "ftp.command_data", NULL, FTP)                                         \
	_(FTP_REPLY, "ftp.reply", NULL, FTP)                                                       \
	_(FTP_COMPLETION_CODE, "ftp.completion_code", NULL, FTP)                                   \
	_(FTP_META, "ftp.meta", NULL, FTP)                                                         \
	_(FTPDATA_META, "ftpdata.meta", NULL, FTP_DATA)                                            \
	_(DCERPC_STUB_DATA, "dcerpc.stub_data", NULL, DCERPC)                                      \
	_(DCERPC_META, "dcerpc.meta", NULL, DCERPC)                                                \
	_(SMB_SHARE, "smb.share", NULL, SMB)                                                       \
	_(SMB_NAMED_PIPE, "smb.named_pipe", NULL, SMB)                                             \
	_(SMB_NTLMSSP_USER, "smb.ntlmssp_user", NULL, SMB)                                         \
	_(SMB_NTLMSSP_DOMAIN, "smb.ntlmssp_domain", NULL, SMB)                                     \
	_(MQTT_CONNECT_CLIENTID, "mqtt.connect.clientid", NULL, MQTT)                              \
	_(MQTT_CONNECT_USERNAME, "mqtt.connect.username", NULL, MQTT)                              \
	_(MQTT_CONNECT_PASSWORD, "mqtt.connect.password", NULL, MQTT)                              \
	_(MQTT_CONNECT_PROTOCOL_STRING, "mqtt.connect.protocol_string", NULL, MQTT)                \
	_(MQTT_CONNECT_WILLTOPIC, "mqtt.connect.willtopic", NULL, MQTT)                            \
	_(MQTT_CONNECT_WILLMESSAGE, "mqtt.connect.willmessage", NULL, MQTT)                        \
	_(MQTT_PUBLISH_TOPIC, "mqtt.publish.topic", NULL, MQTT)                                    \
	_(MQTT_PUBLISH_MESSAGE, "mqtt.publish.message", NULL, MQTT)                                \
	_(MQTT_SUBSCRIBE_TOPIC, "mqtt.subscribe.topic", NULL, MQTT)                                \
	_(MQTT_UNSUBSCRIBE_TOPIC, "mqtt.unsubscribe.topic", NULL, MQTT)                            \
	_(KRB5_CNAME, "krb5.cname", NULL, KRB5)                                                    \
	_(KRB5_SNAME, "krb5.sname", NULL, KRB5)                                                    \
	_(APP_META, "app.meta", NULL, IP)                                                          \
	_(LDAP_REQUEST_ATTRIBUTE_TYPE, "ldap.request.attribute_type", NULL, LDAP)                  \
	_(LDAP_RESPONSES_ATTRIBUTE_TYPE, "ldap.responses.attribute_type", NULL, LDAP)              \
	_(LDAP_REQUEST_DN, "ldap.request.dn", NULL, LDAP)                                          \
	_(LDAP_RESPONSES_DN, "ldap.responses.dn", NULL, LDAP)                                      \
	_(LDAP_RESPONSES_MESSAGE, "ldap.responses.message", NULL, LDAP)                            \
	_(SNMP_COMMUNITY, "snmp.community", NULL, SNMP)                                            \
	_(SNMP_USM, "snmp.usm", NULL, SNMP)                                                        \
	_(FRAME, "frame", NULL, IP)                                                                \
	_(PGSQL_QUERY, "pgsql.query", NULL, PGSQL)

enum rule_buffer {
#define _(sym, name, legacy, proto) RULE_BUFFER_##sym,
	foreach_rule_buffer
#undef _
	    RULE_BUFFER_COUNT
};

/*
 * A set of buffers (rule.buffers_used, a unit's fresh buffers, a parser's
 * buffers): 128 bits, built with RULE_BUFFER_BIT(), never with 1ull << b.
 * The first RULE_BUFFER_EXACT_BITS buffers have a bit each; the buffers
 * after them (the protocols added last, each filled by its parser in one
 * step) share the remaining bits, several to a bit. So a mask is exact for
 * those first buffers and a superset for the others: it may say a buffer
 * is used or fresh when only a bit-mate is, which costs a lookup that finds
 * nothing, never a missed match, as long as no code takes a mask for an
 * exact list. Code that must know exactly which buffers (a rule's home
 * buffer, the buffers a match has done) walks the rule's options instead.
 */
typedef unsigned __int128 rule_buffer_mask;
#define RULE_BUFFER_EXACT_BITS 104
#define RULE_BUFFER_BIT_INDEX(b)                                                                   \
	((b) < RULE_BUFFER_EXACT_BITS                                                              \
	     ? (unsigned)(b)                                                                       \
	     : RULE_BUFFER_EXACT_BITS +                                                            \
		   ((unsigned)(b)-RULE_BUFFER_EXACT_BITS) % (128 - RULE_BUFFER_EXACT_BITS))
#define RULE_BUFFER_BIT(b) ((rule_buffer_mask)1 << RULE_BUFFER_BIT_INDEX(b))

/* The packet's own buffers: pkt_data and the header buffers, which no application unit fills. */
#define RULE_BUFFER_PACKET_LAST RULE_BUFFER_ICMPV6_HDR
#define RULE_BUFFERS_PACKET	(RULE_BUFFER_BIT(RULE_BUFFER_PACKET_LAST + 1) - 1)

/* A header buffer (ipv4.hdr ... icmpv6.hdr): never a fast pattern's, see ruleset.c. */
#define RULE_BUFFER_IS_HEADER(b) ((b) > RULE_BUFFER_PKT_DATA && (b) <= RULE_BUFFER_PACKET_LAST)

extern const char *const rule_buffer_name[RULE_BUFFER_COUNT];
extern const char *const rule_buffer_legacy_name[RULE_BUFFER_COUNT]; /* NULL: none */
extern const int rule_buffer_proto[RULE_BUFFER_COUNT];		     /* enum rule_proto */

/* Old names that Suricata still accepts as sticky buffers: file_data, tls_sni, and
 * the underscore HTTP names of Suricata 4.1 (http_header_names, http_accept, ...),
 * which ET editions before 2020 use; each selects its modern buffer. */
#define foreach_rule_buffer_alias                                                                  \
	_("file_data", FILE_DATA)                                                                  \
	_("http_request_line", HTTP_REQUEST_LINE)                                                  \
	_("tls_sni", TLS_SNI)                                                                      \
	_("tls_cert_subject", TLS_CERT_SUBJECT)                                                    \
	_("tls_cert_issuer", TLS_CERT_ISSUER)                                                      \
	_("tls_cert_serial", TLS_CERT_SERIAL)                                                      \
	_("tls_cert_fingerprint", TLS_CERT_FINGERPRINT)                                            \
	_("ja3_hash", JA3_HASH)                                                                    \
	_("ja3_string", JA3_STRING)                                                                \
	_("ja3s_hash", JA3S_HASH)                                                                  \
	_("dns_query", DNS_QUERY)                                                                  \
	_("ssh_proto", SSH_PROTO)                                                                  \
	_("ssh_software", SSH_SOFTWARE)                                                            \
	_("http.accept_language", HTTP_ACCEPT_LANG)                                                \
	_("http.accept_encoding", HTTP_ACCEPT_ENC)                                                 \
	_("http_content_type", HTTP_CONTENT_TYPE)                                                  \
	_("http_header_names", HTTP_HEADER_NAMES)                                                  \
	_("http_accept", HTTP_ACCEPT)                                                              \
	_("http_accept_lang", HTTP_ACCEPT_LANG)                                                    \
	_("http_accept_enc", HTTP_ACCEPT_ENC)                                                      \
	_("http_referer", HTTP_REFERER)                                                            \
	_("http_connection", HTTP_CONNECTION)                                                      \
	_("http_content_len", HTTP_CONTENT_LEN)                                                    \
	_("http_start", HTTP_START)                                                                \
	_("http_protocol", HTTP_PROTOCOL)                                                          \
	_("http_response_line", HTTP_RESPONSE_LINE)                                                \
	_("http_server", HTTP_SERVER)                                                              \
	_("http_location", HTTP_LOCATION)                                                          \
	_("dns.query.name", DNS_QUERIES_RRNAME)                                                    \
	_("dns.answer.name", DNS_ANSWERS_RRNAME)                                                   \
	_("dce_stub_data", DCERPC_STUB_DATA)                                                       \
	_("smb_share", SMB_SHARE)                                                                  \
	_("smb_named_pipe", SMB_NAMED_PIPE)                                                        \
	_("krb5_cname", KRB5_CNAME)                                                                \
	_("krb5_sname", KRB5_SNAME)

/*
 * Buffers that carry a parser's fields for the number tests of rules/keywords
 * (dns.opcode, dns.rrtype, tls.cert_chain_len, tls.version, ...), not offered
 * as sticky buffers. Their layouts, shared by the parser that fills them and
 * the keyword that reads them:
 *   tls.version  the version as text ("TLS 1.2", "TLS 1.3", "SSLv3")
 *   dns.meta     the header flags (2 bytes, big-endian), then the rrtype of
 *                each question (and, in a response, of each answer), 2 bytes
 *                big-endian each
 *   tls.meta     struct rule_tls_meta below
 *   file.meta    struct rule_file_meta below
 *   app.events   the unit's application-layer events (rules/lang/app_event.h),
 *                one byte each (app-layer-event); absent when it has none
 *   ftp.meta     struct rule_ftp_meta below
 *   ftpdata.meta one byte: the command of the control channel that opened
 *                the data connection (enum rule_ftpdata_command)
 *   dcerpc.meta  struct rule_dcerpc_meta below
 *   app.meta     the fields of the protocols that came after these
 *                (MQTT, Kerberos, ENIP, ...): one struct per protocol, which
 *                starts with its enum rule_proto (rules/lang/app_meta.h), so
 *                one hidden buffer serves them all
 *   frame        the bytes of one frame (rules/lang/frame.h), whatever its
 *                type: "frame:NAME;" selects it, not a sticky name
 */
/* (clang-format's layout of this list changes from one run to the next) */
/* clang-format off */
#define foreach_rule_buffer_hidden                                                                 \
	_(TLS_VERSION) _(DNS_META) _(TLS_META) _(FILE_META) _(APP_EVENTS) _(FTP_META)             \
	_(FTPDATA_META) _(DCERPC_META) _(APP_META) _(HTTP2_META)                                  \
	_(FRAME)
/* clang-format on */

/*
 * Multi-buffers: the parsers hand each instance in a unit of its own
 * (repeat units of one message). As in Suricata 7, each statement of such
 * a sticky keyword in a rule is matched on its own: "http.request_header;
 * content:"a"; http.request_header; content:"b";" holds when one header
 * has "a" and one (the same or another) has "b" (rule_option.instance).
 */
#define foreach_rule_buffer_multi                                                                  \
	_(HTTP_REQUEST_HEADER)                                                                     \
	_(HTTP_RESPONSE_HEADER)                                                                    \
	_(HTTP2_HEADER)                                                                            \
	_(HTTP2_HEADER_NAME)                                                                       \
	_(DNS_QUERY)                                                                               \
	_(DNS_QUERIES_RRNAME)                                                                      \
	_(DNS_ANSWERS_RRNAME)                                                                      \
	_(DNS_AUTHORITIES_RRNAME)                                                                  \
	_(DNS_ADDITIONALS_RRNAME)                                                                  \
	_(DNS_RESPONSE_RRNAME)                                                                     \
	_(SIP_FROM)                                                                                \
	_(SIP_TO)                                                                                  \
	_(SIP_VIA)                                                                                 \
	_(SIP_USER_AGENT)                                                                          \
	_(SIP_CONTENT_TYPE)                                                                        \
	_(SIP_CONTENT_LENGTH)                                                                      \
	_(EMAIL_URL)                                                                               \
	_(EMAIL_RECEIVED)

/* True for the buffers of foreach_rule_buffer_multi. */
extern const _Bool rule_buffer_multi[RULE_BUFFER_COUNT];

/* tls.meta: what the TLS keywords that are tests read; absent fields are 0. */
struct rule_tls_meta {
	uint16_t version;   /* the direction's version (0x0303 = TLS 1.2): the ClientHello's
			       toward the server, the ServerHello's negotiated one toward
			       the client, on every message after the hello too */
	uint8_t handshake;  /* the handshake message of the unit (1 ClientHello, 2 ServerHello,
				11 Certificate, 12 ServerKeyExchange, 16 ClientKeyExchange) */
	uint8_t has_chain;  /* 1 on a Certificate unit */
	uint32_t chain_len; /* certificates in the Certificate message */
};

/*
 * file.meta: the file a body carries as the file keywords test it
 * (filesize, filemd5, filesha1, filesha256), in every unit of the body.
 * The hashes are there once the file is closed (state not OPEN) and the
 * board asks for them ([files] hashes); RULE_FILE_HAS_* says which.
 */
enum rule_file_state { RULE_FILE_OPEN, RULE_FILE_CLOSED, RULE_FILE_TRUNCATED };
#define RULE_FILE_HAS_MD5    1u
#define RULE_FILE_HAS_SHA1   2u
#define RULE_FILE_HAS_SHA256 4u
#define RULE_FILE_HASHES     (RULE_FILE_HAS_MD5 | RULE_FILE_HAS_SHA1 | RULE_FILE_HAS_SHA256)
struct rule_file_meta {
	uint64_t size;	/* bytes of the file so far (decoded, as kept) */
	uint8_t state;	/* enum rule_file_state */
	uint8_t hashes; /* RULE_FILE_HAS_* */
	uint8_t md5[16];
	uint8_t sha1[20];
	uint8_t sha256[32];
};

/* ftp.meta: what the FTP keywords that are tests read, for one transaction. */
enum rule_ftp_mode { RULE_FTP_MODE_NONE, RULE_FTP_MODE_ACTIVE, RULE_FTP_MODE_PASSIVE };
struct rule_ftp_meta {
	uint8_t mode;		/* enum rule_ftp_mode: set by PORT/EPRT or PASV/EPSV */
	uint8_t reply_received; /* 1 once the server answered the command */
	/* the transaction is over (a final reply, or left unanswered): only then
	 * can "no reply" be told from "no reply yet" */
	uint8_t complete;
	uint16_t dynamic_port; /* the data port announced (host order); 0: none yet */
	/* PORT/EPRT toward the server with an IPv4 address: the address the
	 * client asked the server to connect to (network order), for ftpbounce */
	uint8_t port_announced;
	uint8_t port_addr[4];
};

/* ftpdata.meta's byte: the transfer the data connection carries. */
enum rule_ftpdata_command { RULE_FTPDATA_NONE, RULE_FTPDATA_RETR, RULE_FTPDATA_STOR };

/*
 * dcerpc.meta: what the DCE/RPC keywords that are tests read, for one
 * request or response: its call's opnum and presentation context, and the
 * interfaces the connection (or the SMB named pipe) has bound so far.
 * UUIDs in the order they are written as text (time_low first, each field
 * big-endian), whatever byte order the PDU used.
 */
#define RULE_DCERPC_IFACES_MAX 8
struct rule_dcerpc_iface {
	uint8_t uuid[16];
	uint16_t version;    /* major version */
	uint16_t context_id; /* the presentation context the bind gave it */
	uint8_t accepted;    /* the bind_ack's result for it was acceptance */
};
struct rule_dcerpc_meta {
	uint8_t has_opnum;  /* a request (or its response): opnum and context_id hold */
	uint8_t first_frag; /* the request's first fragment said PFC_FIRST_FRAG */
	uint8_t little;	    /* the PDU's integers are little-endian (drep) */
	uint8_t iface_count;
	uint16_t opnum;
	uint16_t context_id;
	struct rule_dcerpc_iface iface[RULE_DCERPC_IFACES_MAX];
};

#endif
