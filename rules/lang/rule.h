/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One parsed rule: the header (action, protocol, addresses, ports,
 * direction), the meta data, and the options in the order written, each
 * tied to the keyword that parsed it and to the buffer in effect (sticky
 * buffers). This is what the parser (rules/lang/parse.c) produces and what
 * the compiler (rules/compile/) and the matcher (rules/match/) read. Rules
 * are built and freed off the fast path (control lcore or start-up), so
 * plain malloc is fine here; once compiled into a ruleset they are
 * immutable.
 */
#ifndef VIGIL_RULES_RULE_H
#define VIGIL_RULES_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/lang/buffer.h"

/* Actions, in Suricata's default action order (pass first, alert last): _(SYM, "name") */
#define foreach_rule_action                                                                        \
	_(PASS, "pass")                                                                            \
	_(DROP, "drop")                                                                            \
	_(REJECT, "reject")                                                                        \
	_(REJECTSRC, "rejectsrc")                                                                  \
	_(REJECTDST, "rejectdst")                                                                  \
	_(REJECTBOTH, "rejectboth")                                                                \
	_(ALERT, "alert")

enum rule_action {
#define _(sym, name) RULE_ACTION_##sym,
	foreach_rule_action
#undef _
	    RULE_ACTION_COUNT
};

extern const char *const rule_action_name[RULE_ACTION_COUNT];

/*
 * Suricata's action-order: "alert, pass, drop, reject" names each of pass,
 * drop, reject and alert once (commas or spaces between), earliest first.
 * Fills rank (by enum rule_action; the reject variants rank as reject).
 * Returns 0, or -EINVAL with why set. The default order is the enum's.
 */
int rule_action_order_parse(const char *text, uint8_t rank[RULE_ACTION_COUNT], char *why,
			    size_t why_len);

/*
 * Header protocols. Transport ones match on the decoded packet; application
 * ones (http, tls, dns, ...) match where that protocol is detected, which
 * the application layer (dataplane/app/) decides from the content, not the
 * port. _(SYM, "name", ip_proto),
 * ip_proto 0 = any IP protocol; for app protocols, the usual transport.
 */
#define foreach_rule_proto                                                                         \
	_(IP, "ip", 0)                                                                             \
	_(IPV4, "ipv4", 0)                                                                         \
	_(IPV6, "ipv6", 0)                                                                         \
	_(TCP, "tcp", 6)                                                                           \
	_(TCP_PKT, "tcp-pkt", 6)                                                                   \
	_(TCP_STREAM, "tcp-stream", 6)                                                             \
	_(UDP, "udp", 17)                                                                          \
	_(ICMP, "icmp", 1)                                                                         \
	_(ICMPV4, "icmpv4", 1)                                                                     \
	_(ICMPV6, "icmpv6", 58)                                                                    \
	_(PKTHDR, "pkthdr", 0) /* any packet, even one the decoders refused */                     \
	_(SCTP, "sctp", 132)                                                                       \
	_(HTTP, "http", 6)                                                                         \
	_(HTTP1, "http1", 6)                                                                       \
	_(HTTP2, "http2", 6)                                                                       \
	_(TLS, "tls", 6)                                                                           \
	_(DNS, "dns", 0)                                                                           \
	_(SSH, "ssh", 6)                                                                           \
	_(SMTP, "smtp", 6)                                                                         \
	_(FTP, "ftp", 6)                                                                           \
	_(FTP_DATA, "ftp-data", 6)                                                                 \
	_(SMB, "smb", 6)                                                                           \
	_(DCERPC, "dcerpc", 0)                                                                     \
	_(DHCP, "dhcp", 17)                                                                        \
	_(NTP, "ntp", 17)                                                                          \
	_(SNMP, "snmp", 17)                                                                        \
	_(SIP, "sip", 0)                                                                           \
	_(TFTP, "tftp", 17)                                                                        \
	_(KRB5, "krb5", 0)                                                                         \
	_(RDP, "rdp", 6)                                                                           \
	_(MYSQL, "mysql", 6)                                                                       \
	_(MQTT, "mqtt", 6)                                                                         \
	_(ENIP, "enip", 0)                                                                         \
	_(LDAP, "ldap", 0)                                                                         \
	_(NFS, "nfs", 0)                                                                           \
	_(PGSQL, "pgsql", 6)                                                                       \
	_(TELNET, "telnet", 6)

enum rule_proto {
#define _(sym, name, ip) RULE_PROTO_##sym,
	foreach_rule_proto
#undef _
	    RULE_PROTO_COUNT
};

extern const char *const rule_proto_name[RULE_PROTO_COUNT];
extern const uint8_t rule_proto_ip[RULE_PROTO_COUNT];

/* True for http, tls, dns, ...: the rule needs the application layer. */
bool rule_proto_is_app(enum rule_proto proto);

/* One IPv4 or IPv6 prefix; addresses in network order, IPv4 in the first 4 bytes. */
struct rule_cidr {
	uint8_t family; /* 4 or 6 */
	uint8_t prefix_len;
	uint8_t addr[16];
};

struct rule_ipset_lookup;

/* A named IP set in an address list ("@blocklist"): looked up, never expanded. */
struct rule_addr_group {
	char *name;   /* without '@' */
	uint64_t key; /* from the lookup's find(), handed back to its contains() */
	const struct rule_ipset_lookup *lookup; /* rules/lang/ipset_lookup.h; outlives the rule */
};

/*
 * An address list after variables are expanded: matches when the address is
 * in include (or include_any, or an include group) and in none of exclude
 * (prefixes or groups). "any" is include_any with nothing excluded;
 * "!10.0.0.0/8" is include_any minus 10/8; "!@blocklist" is include_any
 * minus the set.
 */
struct rule_addr_set {
	bool include_any;
	struct rule_cidr *include;
	unsigned include_count;
	struct rule_cidr *exclude;
	unsigned exclude_count;
	struct rule_addr_group *include_groups;
	unsigned include_group_count;
	struct rule_addr_group *exclude_groups;
	unsigned exclude_group_count;
};

struct rule_port_range {
	uint16_t low, high; /* inclusive */
};

/* Ports, same semantics as addresses. */
struct rule_port_set {
	bool include_any;
	struct rule_port_range *include;
	unsigned include_count;
	struct rule_port_range *exclude;
	unsigned exclude_count;
};

/* flow: keyword bits. */
enum rule_flow_flag {
	RULE_FLOW_TO_SERVER = 1u << 0, /* also from_client */
	RULE_FLOW_TO_CLIENT = 1u << 1, /* also from_server */
	RULE_FLOW_ESTABLISHED = 1u << 2,
	RULE_FLOW_NOT_ESTABLISHED = 1u << 3,
	RULE_FLOW_STATELESS = 1u << 4,
	RULE_FLOW_ONLY_STREAM = 1u << 5, /* match reassembled stream data only */
	RULE_FLOW_NO_STREAM = 1u << 6,	 /* match single packets only */
	RULE_FLOW_ONLY_FRAG = 1u << 7,
	RULE_FLOW_NO_FRAG = 1u << 8,
};

/* threshold: and detection_filter: */
enum rule_threshold_type {
	RULE_THRESHOLD_NONE,
	RULE_THRESHOLD_LIMIT,		 /* alert on the first count events per period */
	RULE_THRESHOLD_THRESHOLD,	 /* alert on every count-th event per period */
	RULE_THRESHOLD_BOTH,		 /* alert once per period after count events */
	RULE_THRESHOLD_DETECTION_FILTER, /* alert on every event after count per period */
	RULE_THRESHOLD_BACKOFF,		 /* alert on the count-th event, then each time the
					    count so far is multiplied by multiplier */
};

enum rule_threshold_track {
	RULE_TRACK_BY_SRC,
	RULE_TRACK_BY_DST,
	RULE_TRACK_BY_RULE,
	RULE_TRACK_BY_BOTH,
	RULE_TRACK_BY_EITHER, /* suppress only: the source or the destination */
	RULE_TRACK_BY_FLOW,
};

struct rule_threshold {
	enum rule_threshold_type type;
	enum rule_threshold_track track;
	uint32_t count;
	uint32_t seconds;    /* 0: no period, counted for as long as the entry lives */
	uint32_t multiplier; /* backoff only, 2 or more */
};

/*
 * Operator policy from a threshold file (Suricata's threshold.config),
 * attached to the rules it names when the ruleset is built.
 */
struct rule_suppress {
	enum rule_threshold_track track; /* by_src, by_dst, by_either; by_rule: every alert */
	struct rule_addr_set addrs;	 /* unused for by_rule */
};

struct rule_rate_filter {
	bool set;
	enum rule_threshold_track track;
	uint32_t count; /* events allowed per seconds before the action changes */
	uint32_t seconds;
	uint32_t timeout; /* how long new_action stays in force */
	enum rule_action new_action;
	bool new_action_silent; /* sdrop: drop without alerting */
};

/* The rule as one tenant of the operator policy sees it (rules/policy/policy.h). */
struct rule_tenant_state {
	uint16_t tenant; /* the policy's tenant number, 1 or more */
	uint8_t enabled; /* the rule fires for this tenant */
	uint8_t action;	 /* enum rule_action for this tenant */
};

struct rule_policy {
	struct rule_suppress *suppress;
	unsigned suppress_count;
	struct rule_rate_filter rate;
	/* Operator policy file (rules/policy/policy.h): indices of the exceptions whose
	 * selector names this rule, checked at verdict time. */
	uint32_t *exceptions;
	unsigned exception_count;
	/* The tenants whose blocks make this rule differ from what everyone
	 * else sees, by tenant number; tenant_only: the rule is off outside
	 * them (it is in the ruleset only because a tenant enables it). */
	struct rule_tenant_state *tenants;
	unsigned tenant_count;
	bool tenant_only;
};

/* One option as written, in order. */
#define RULE_INSTANCE_MAX 31 /* statements of multi-buffers in one rule */

struct rule_option {
	uint16_t keyword; /* index into rule_keywords[] (keyword.h) */
	uint16_t buffer;  /* enum rule_buffer in effect where the option stands */
	/* On a multi-buffer (buffer.h): which statement of its sticky keyword
	 * the option follows, 1..RULE_INSTANCE_MAX in the rule's order; 0 elsewhere. */
	uint8_t instance;
	void *data; /* the keyword's parsed value; freed by its free() */
};

struct rule_reference {
	char *type; /* "url", "cve", ... */
	char *value;
};

struct rule {
	/* where it was read, for every message about it */
	char *file;
	unsigned line;

	enum rule_action action;
	enum rule_proto proto;
	struct rule_addr_set src_addr, dst_addr;
	struct rule_port_set src_port, dst_port;
	bool bidirectional; /* "<>" */

	uint32_t sid, gid, rev;
	bool has_sid;
	int priority; /* from priority: or the classtype; 0 = none */
	char *msg;
	char *classtype;
	char **metadata; /* "key value" strings as written */
	unsigned metadata_count;
	struct rule_reference *references;
	unsigned reference_count;
	bool noalert;
	bool alert; /* "alert;": a pass rule alerts too (Suricata 8) */
	/*
	 * Suricata's rule types that are inspected once per flow direction,
	 * set by the parser: ip_only, a rule on addresses alone (no option
	 * but meta data, ports any, no negated address: the first packet of
	 * each direction); pd_only, a rule whose only tests are
	 * app-layer-protocol (and flow direction): where protocol detection
	 * is done, once per direction.
	 */
	bool ip_only;
	bool pd_only;
	bool de_only; /* has decode-event options: matches only packets with decoder events */
	int target;   /* 0 none, 1 src_ip, 2 dest_ip */

	uint32_t flow_flags; /* enum rule_flow_flag */
	struct rule_threshold threshold;
	struct rule_threshold detection_filter;

	struct rule_policy *policy; /* NULL: none */

	struct rule_option *options;
	unsigned option_count;
	int fast_pattern;	       /* index of the option marked fast_pattern, -1 if none */
	rule_buffer_mask buffers_used; /* bit per enum rule_buffer that has an option */
	uint8_t frame; /* enum rule_frame its frame buffer inspects (rules/lang/frame.h); 0: none */
	/* Bit i: statement i (rule_option.instance) of a multi-buffer named more
	 * than once; each must match some instance of the message, each on its
	 * own (rules/match/match.h). 0: none. */
	uint32_t instance_groups;
};

/* Free the prefixes an address set holds. */
void rule_addr_set_free(struct rule_addr_set *set);

/* Free a rule and everything it owns (options through their keyword's free()). */
void rule_free(struct rule *rule);

#endif
