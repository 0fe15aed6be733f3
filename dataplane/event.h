/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE records a worker writes besides alerts: the end of each flow (EVE
 * "flow"), each transaction an application parser completes (EVE "http",
 * "tls", "dns", ...), and the flow context every alert carries (its flow
 * object, protocol and latest protocol details). They travel on the
 * worker's alert ring as struct alert records of another kind
 * (dataplane/alert.h), under the ring's one rule: a live worker counts a
 * full ring (eve_events_lost), an offline one waits.
 *
 * When a protocol record goes out is the protocol's (event_app_when in
 * event.c): a DNS, SIP, Kerberos or SNMP message, a MySQL command, an MQTT packet is a record; an ENIP request with its reply, an LDAP request with its responses (written with the last) and an HTTP transaction are one
 * record when its response headers come (the request alone when the flow
 * ends first); an SSH connection is one record once both key exchange
 * inits came (the flow's end otherwise); an SMTP transaction is one
 * record when its message ends (app_unit.tx_complete; the flow's end
 * otherwise); a TLS handshake is one record per flow, written when
 * the flow ends with the details the parser gathered. The parser's own eve_details writes the protocol object (a
 * parser without one writes no record).
 *
 * Everything here runs on the worker that owns the flow, per flow end or
 * per transaction, never per packet of a flow that raises no event;
 * except event_flow_gone() at shut-down, which the control path runs for
 * the flows still in a stopped worker's table (flow_table_shutdown()).
 */
#ifndef VIGIL_DATAPLANE_EVENT_H
#define VIGIL_DATAPLANE_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/alert.h"
#include "dataplane/flow/flow.h"
#include "dataplane/app/app.h"

struct detect_context;
struct detect_packet;
struct flow;

/* Which records a worker writes ([eve] flows, [eve] protocols); read-only once running. */
/* [eve] drops: none, the first a flow's direction drops ("start"), or every one ("all"). */
enum event_drops { EVENT_DROPS_NONE, EVENT_DROPS_START, EVENT_DROPS_ALL };

struct event_config {
	bool flows;	    /* a flow record for every flow that ends */
	uint64_t protocols; /* bit per enum rule_proto: its transactions get records */
	/* a flow record (reason "live") every this many seconds of a flow's
	 * life while it lasts; 0: none (event_flows_periodic()) */
	uint32_t flow_interval_s;
	bool files;    /* a fileinfo record for every file (body) a transaction carried */
	uint8_t drops; /* enum event_drops: EVE drop records of packets ips mode drops */
};

/* The protocols [eve] protocols names by default: every parser's. */
#define EVENT_PROTOCOLS_DEFAULT                                                                    \
	"http tls dns ssh smtp mysql sip ftp ftp-data dcerpc smb mqtt krb5 enip ldap snmp http2 "  \
	"nfs pgsql"

/*
 * Parse a list of protocol names (spaces or commas between them; "none"
 * alone: no protocol) into a bit per enum rule_proto. Returns 0, or
 * -EINVAL with the unknown name in why.
 */
int event_protocols_parse(const char *text, uint64_t *protocols, char *why, size_t why_len);

/* The flow's context as EVE shows it, into out. Owning lcore (or control path, worker stopped). */
void event_flow_context(const struct detect_context *ctx, const struct flow *f,
			struct alert_flow *out);

/*
 * The flow context of an alert raised on f, filled in before it goes:
 * flow object, the flow's protocol when the alert has none, and the
 * parser's latest details when the alert's unit gave none (a packet rule
 * on a DNS flow shows its dns object). Marks f alerted. Per alert.
 */
void event_alert_context(struct detect_context *ctx, struct flow *f, struct alert *a);

/*
 * One unit of the flow's parser came (pipeline's emit callback): keep its
 * details as the flow's latest, and write the protocol record its
 * transaction completes, if any. Per unit.
 */
void event_app_unit(struct detect_packet *s, const struct app_unit *unit);

/*
 * A body's file closed in unit (unit->file_info set, after inspection and
 * the store): its fileinfo record, when the board asks for them ([eve]
 * files). Per-packet path, once per file.
 */
void event_app_file(struct detect_packet *s, const struct app_unit *unit);

/*
 * The flow goes (its table's on_free, before the parser's state is
 * destroyed): the pending transaction's record, then the flow record. A
 * context without a ring writes nothing.
 */
void event_flow_gone(struct detect_context *ctx, struct flow *f);

/*
 * Long-lived flows: a look at the next slots of the table (the whole table
 * once a second of the traffic's time, now_ns on the flows' clock), and a
 * flow record (reason "live", the counts so far) for each flow there that
 * has lived another flow_interval_s since its last one and had packets
 * since. Once per worker
 * loop, beside the flows' expiry; nothing when off.
 */
void event_flows_periodic(struct detect_context *ctx, uint64_t now_ns);

/*
 * The parser's state goes while the flow stays (a stream gap too big to
 * fill): its pending record is written, its details forgotten.
 */
void event_app_gone(struct detect_context *ctx, struct flow *f);

/*
 * An EVE anomaly event about packet p (rule NULL) of kind: its addresses,
 * ports, time and packet number; the caller adds what is particular to
 * the kind (flow_id, reason, bytes) and pushes it (detect_push()).
 */
struct alert event_anomaly(const struct detect_context *ctx, const struct packet *p,
			   uint64_t time_us, enum alert_anomaly kind);

/*
 * A packet of flow f (NULL: none, a checksum refusal comes before the
 * flow) that its receiver would discard, for reason (enum
 * normalize_reason): an EVE anomaly, at most one per flow and at most
 * EVENT_ANOMALIES_PER_SECOND per worker, so a flood of decoys cannot fill
 * the ring; every one is counted by reason anyway (normalized_by_reason).
 */
#define EVENT_ANOMALIES_PER_SECOND 10 /* per worker; pushed as detect_push() does */
/*
 * A packet ips mode dropped (by a rule, its flow's earlier drop, a rate
 * limit or the normalizer): its EVE drop record, per [eve] drops, with
 * the alert that dropped it when there is one (the rule's, from this
 * packet's alerts). Owning lcore, per dropped packet.
 */
void event_drop(struct detect_context *ctx, const struct packet *p, struct flow *f,
		enum flow_direction dir, enum alert_drop_cause cause, uint64_t time_us);

/*
 * The application-layer events unit carries (its app.events buffer,
 * dataplane/app/app_event.h): one EVE anomaly record each, of type
 * applayer, on the packet at hand. Owning lcore; a unit has a few at most.
 */
void event_app_anomalies(struct detect_packet *s, const struct app_unit *unit);

void event_normalize_anomaly(struct detect_context *ctx, const struct packet *p, struct flow *f,
			     unsigned reason, uint64_t time_us);

#endif
