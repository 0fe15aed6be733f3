/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pure parts of the alert sinks (control/sinks.c), kept apart so they
 * are tested without a stack or a thread: sink targets (an https:// URL
 * of up to 2 KB, HOST:PORT), the operator's extra webhook headers, the
 * fields a sink needs from an EVE line (event type, timestamp, sid,
 * action, severity) and the per-sink filter on them, the Slack-safe
 * summary text, the RFC 5424 header with its structured data, syslog
 * facilities, and an HTTP answer's status and Retry-After. Nothing here
 * blocks, allocates behind the caller's back or keeps state.
 */
#ifndef VIGIL_CONTROL_SINK_FORMAT_H
#define VIGIL_CONTROL_SINK_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SINK_URL_MAX	2048 /* a webhook URL's length at most (Teams, Power Automate) */
#define SINK_HOST_MAX	254  /* a DNS name (253) or an address literal, NUL included */
#define SINK_HEADER_MAX 1024 /* one extra webhook header line at most */
#define SINK_HEADERS	8    /* extra webhook headers at most */

/* The event types a sink's filter may name: vigil's own and Suricata's that it writes. */
#define foreach_sink_event_type                                                                    \
	_(ALERT, "alert")                                                                          \
	_(DROP, "drop")                                                                            \
	_(ANOMALY, "anomaly")                                                                      \
	_(ENGINE, "engine")                                                                        \
	_(FLOW, "flow")                                                                            \
	_(FILEINFO, "fileinfo")                                                                    \
	_(NETFLOW, "netflow")                                                                      \
	_(STATS, "stats")                                                                          \
	_(HTTP, "http")                                                                            \
	_(TLS, "tls")                                                                              \
	_(DNS, "dns")                                                                              \
	_(SSH, "ssh")                                                                              \
	_(SMTP, "smtp")                                                                            \
	_(MYSQL, "mysql")                                                                          \
	_(SIP, "sip")                                                                              \
	_(MQTT, "mqtt")                                                                            \
	_(KRB5, "krb5")                                                                            \
	_(ENIP, "enip")                                                                            \
	_(LDAP, "ldap")                                                                            \
	_(SNMP, "snmp")                                                                            \
	_(NFS, "nfs")                                                                              \
	_(PGSQL, "pgsql")

enum sink_event_type {
#define _(sym, name) SINK_EVENT_##sym,
	foreach_sink_event_type
#undef _
	    SINK_EVENT_TYPE_COUNT,
	SINK_EVENT_OTHER = SINK_EVENT_TYPE_COUNT, /* a type not in the list */
};

/* Where a sink sends to. */
struct sink_url {
	char host[SINK_HOST_MAX]; /* a name or an address, without brackets */
	bool host_is_address;	  /* an IPv4 or IPv6 literal: nothing to resolve */
	bool host_is_ipv6;	  /* written in brackets in the Host header */
	uint16_t port;
	char path[SINK_URL_MAX + 1]; /* "/..." with the query; "/" when the URL has none */
};

/*
 * Parse "https://HOST[:PORT][/PATH]" (HOST a DNS name, an IPv4 address or
 * [IPv6]; port 443 by default) into *url. A URL longer than SINK_URL_MAX
 * is refused, never cut. Returns 0, or -EINVAL with why.
 */
int sink_url_parse(const char *text, struct sink_url *url, char *why, size_t why_len);

/* Parse "HOST:PORT" (HOST as above, the port required) into url (path "/"). Same returns. */
int sink_hostport_parse(const char *text, struct sink_url *url, char *why, size_t why_len);

/* The Host header's value: the host, with the port when it is not 443. Returns its length. */
size_t sink_url_authority(const struct sink_url *url, char *out, size_t out_len);

/*
 * Check one extra webhook header, "Name: value": a name of HTTP token
 * characters, a value of visible characters, spaces and tabs; no CR, LF
 * or other control byte (no header or request can be smuggled in), not
 * longer than SINK_HEADER_MAX, and none of the headers the sink writes
 * itself (Host, Content-Length, Content-Type, Connection,
 * Transfer-Encoding). Returns 0, or -EINVAL with why.
 */
int sink_header_check(const char *header, char *why, size_t why_len);

/* What a sink reads from one EVE line (absent fields empty or false). */
struct sink_event {
	enum sink_event_type type;
	char type_name[32];   /* event_type as written; "" when absent */
	char timestamp[40];   /* the record's timestamp as written; "" when absent */
	bool has_alert;	      /* the record carries an alert object: */
	unsigned long sid;    /* alert.signature_id */
	char action[16];      /* alert.action */
	bool has_severity;    /* alert.severity, when present: */
	unsigned severity;    /* 1 (high) .. 255 */
	char signature[1024]; /* alert.signature, unescaped (cut to fit; for the summary only) */
};

/* Read the fields above from one EVE line (a JSON object; NUL-terminated). */
void sink_event_read(const char *line, struct sink_event *event);

/* Which records a sink takes. */
struct sink_filter {
	uint32_t types;	       /* bit per enum sink_event_type; 0: every type, others too */
	unsigned min_severity; /* take severity 1..min_severity only; 0: any */
};

/*
 * Parse a list of event type names (space or comma separated; "" or "all":
 * every type) into filter->types. Returns 0, or -EINVAL naming the unknown
 * type and the known ones in why.
 */
int sink_filter_parse_types(const char *text, struct sink_filter *filter, char *why,
			    size_t why_len);

/*
 * Whether the filter takes the event: its type is in the list, and, when
 * it carries a severity, that is at least as high (as small a number) as
 * min_severity. A record without a severity (flow, stats) is judged by
 * its type alone.
 */
bool sink_filter_pass(const struct sink_filter *filter, const struct sink_event *event);

/*
 * Append text to out (out_len bytes, NUL kept) escaped for Slack's mrkdwn
 * (& as &amp;, < as &lt;, > as &gt;; nothing cut at quotes). Returns the
 * length the whole escaped text needs, as snprintf does.
 */
size_t sink_slack_escape(const char *text, char *out, size_t out_len);

/*
 * A syslog facility by name (kern, user, mail, daemon, auth, syslog, lpr,
 * news, uucp, cron, authpriv, ftp, ntp, security, console, local0..local7)
 * or number 0..23. Returns 0, or -EINVAL with why.
 */
int sink_syslog_facility_parse(const char *text, unsigned *facility, char *why, size_t why_len);

/*
 * RFC 5424 PARAM-VALUE escaping (section 6.3.3): '"', '\' and ']' get a
 * backslash. Appends to out as sink_slack_escape does; same return.
 */
size_t sink_sd_escape(const char *value, char *out, size_t out_len);

/*
 * The RFC 5424 header and structured data of one record, ending with the
 * space before MSG: "<PRI>1 TIMESTAMP HOSTNAME vigil - MSGID SD ". PRI is
 * facility * 8 + the severity mapped from the alert's (1 crit, 2 err,
 * 3 warning, 4 and lower notice; no alert: info). TIMESTAMP is the
 * event's own (its EVE timestamp, the offset written +hh:mm), or now when
 * the record has none; MSGID the event type; SD
 * [vigil@32473 sid="" action="" severity=""] for a record with an alert,
 * "-" otherwise. Returns the length written (cut to out_len - 1).
 */
size_t sink_syslog_header(const struct sink_event *event, unsigned facility, const char *hostname,
			  struct timespec now, char *out, size_t out_len);

/*
 * An HTTP answer's head (NUL-terminated): the status code, and the value
 * of header name (case-insensitive) copied into out; "" when absent.
 * Returns the status, or -EPROTO when the head is not HTTP.
 */
int sink_http_status(const char *head, const char *name, char *out, size_t out_len);

/* What a webhook answer means for its batch. */
enum sink_answer {
	SINK_ANSWER_DELIVERED, /* 2xx */
	SINK_ANSWER_LATER,     /* 408, 429, 5xx, or no HTTP answer: keep the batch, try again */
	SINK_ANSWER_REFUSED,   /* any other status: a retry would get the same; give it up */
};

/*
 * Judge an answer's head: *status gets its status (-EPROTO when it is not
 * HTTP) and *retry_after_s its Retry-After in seconds (taken against now),
 * or -1 when it has none that reads.
 */
enum sink_answer sink_http_answer(const char *head, time_t now, int *status, long *retry_after_s);

/*
 * Retry-After's value: delta-seconds, or an HTTP-date (IMF-fixdate) taken
 * against now. Returns the seconds to wait (0 for a date past), or -EINVAL.
 */
long sink_retry_after_parse(const char *value, time_t now);

#endif
