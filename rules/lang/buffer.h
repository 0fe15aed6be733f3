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
	_(FILE_DATA, "file.data", NULL, HTTP)                                                      \
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
	_(DNS_QUERY, "dns.query", NULL, DNS)                                                       \
	_(SSH_PROTO, "ssh.proto", NULL, SSH)                                                       \
	_(SSH_SOFTWARE, "ssh.software", NULL, SSH)                                                 \
	_(SMTP_HELO, "smtp.helo", NULL, SMTP)                                                      \
	_(SMTP_MAIL_FROM, "smtp.mail_from", NULL, SMTP)                                            \
	_(SMTP_RCPT_TO, "smtp.rcpt_to", NULL, SMTP)                                                \
	_(MYSQL_QUERY, "mysql.query", NULL, MYSQL)

enum rule_buffer {
#define _(sym, name, legacy, proto) RULE_BUFFER_##sym,
	foreach_rule_buffer
#undef _
	    RULE_BUFFER_COUNT
};

_Static_assert(RULE_BUFFER_COUNT <= 64, "rule.buffers_used has one bit per buffer");

/* The packet's own buffers: pkt_data and the header buffers, which no application unit fills. */
#define RULE_BUFFER_PACKET_LAST RULE_BUFFER_ICMPV6_HDR
#define RULE_BUFFERS_PACKET	((1ull << (RULE_BUFFER_PACKET_LAST + 1)) - 1)

/* A header buffer (ipv4.hdr ... icmpv6.hdr): never a fast pattern's, see ruleset.c. */
#define RULE_BUFFER_IS_HEADER(b) ((b) > RULE_BUFFER_PKT_DATA && (b) <= RULE_BUFFER_PACKET_LAST)

extern const char *const rule_buffer_name[RULE_BUFFER_COUNT];
extern const char *const rule_buffer_legacy_name[RULE_BUFFER_COUNT]; /* NULL: none */
extern const int rule_buffer_proto[RULE_BUFFER_COUNT];		     /* enum rule_proto */

/* Old names that Suricata still accepts as sticky buffers: file_data, tls_sni, ... */
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
	_("http_content_type", HTTP_CONTENT_TYPE)

#endif
