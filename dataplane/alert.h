/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An alert as a worker hands it to the control lcore: a fixed-size record
 * (also the end of a flow and a parser's transaction: enum alert_kind)
 * put on the worker's own single-producer ring by alert_push(). A live
 * board never waits on a full ring (the alert is counted as lost: line
 * rate comes first); an offline run, which has no line rate to keep, waits
 * for the control lcore instead, so nothing is lost. Everything the EVE line needs is copied
 * except the rule itself, which the record points to (NULL for a filter
 * drop event, which carries the reason and ACL rule number instead); the ruleset it
 * belongs to outlives every alert taken from it (the control lcore drains
 * the rings before a ruleset is freed).
 */
#ifndef VIGIL_DATAPLANE_ALERT_H
#define VIGIL_DATAPLANE_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/app/app.h"
#include "dataplane/decode/decode.h"
#include "dataplane/decode/packet.h"
#include "rules/lang/keyword.h"
#include "rules/lang/rule.h"

#define ALERT_FLOWVARS	     4	    /* flow variables an alert carries */
#define ALERT_APP_PROTO_NONE 0xffff /* alert.app_proto: no application protocol */
#define ALERT_FLOWVAR_LEN    64	    /* bytes of each value kept */
#define ALERT_CAPTURES	     2	    /* alert: and pkt: pcre captures an alert carries */
/* Bytes of the frame a record keeps for EVE's packet and payload (see
 * struct alert_frame): every header a frame can carry and the start of its
 * payload, a tenth of the record's size. */
#define ALERT_FRAME_SNAP 256

/* alert_flowvar.var of an entropy value (EVE metadata.entropy): this | enum rule_buffer; the value a double */
#define ALERT_FLOWVAR_ENTROPY 0x4000u

struct alert_flowvar {
	uint16_t var; /* id: ruleset_flowvar_name, or ALERT_FLOWVAR_ENTROPY | buffer */
	uint16_t len;
	uint8_t value[ALERT_FLOWVAR_LEN];
};

enum alert_anomaly {
	ALERT_ANOMALY_NONE = 0,
	ALERT_ANOMALY_DEFRAG = 1,
	ALERT_ANOMALY_STREAM_GAP = 2,
	ALERT_ANOMALY_NORMALIZE =
	    3,			    /* a packet its receiver would discard: enum normalize_reason */
	ALERT_ANOMALY_APPLAYER = 4, /* an application-layer event: enum rule_app_event */
};

/*
 * What a record on the ring is: an event of a packet (a rule's alert, a
 * filter drop, an anomaly: the fields below say which), the end of a flow
 * (EVE "flow"), or a transaction an application parser completed (EVE
 * "http", "dns", ...: app_proto names it, details holds it).
 */
enum alert_kind {
	ALERT_KIND_PACKET = 0,
	ALERT_KIND_FLOW = 1,
	ALERT_KIND_APP = 2,
	ALERT_KIND_FILE = 3, /* a file a transaction carried (EVE "fileinfo") */
	ALERT_KIND_DROP = 4, /* a packet ips mode dropped (EVE "drop"): drop_cause says why */
};

/*
 * The flow a record belongs to, as EVE shows it: the alert's flow object,
 * the whole of a flow record. Client and server as the flow table decided
 * them. Times are wall-clock microseconds (capture times offline).
 */
struct alert_flow {
	uint8_t present; /* 0: no flow (the rest is zero) */
	uint8_t state;	 /* enum flow_tcp_state (dataplane/flow/flow.h) */
	uint8_t reason;	 /* enum flow_end */
	uint8_t alerted; /* an alert was raised on the flow */
	uint8_t established;
	uint8_t
	    action; /* enum flow_action: a rule's drop or pass of the whole flow (EVE flow.action) */
	uint8_t tcp_flags[2]; /* OR of the flags each direction sent: to server, to client */
	uint8_t icmp_type, icmp_code; /* ICMP and ICMPv6: of the flow's first packet */
	uint16_t client_port, server_port;
	uint16_t vlan[2]; /* the flow's VLAN ids, outermost first; 0: none */
	uint8_t client_addr[16], server_addr[16];
	uint64_t pkts[2], bytes[2]; /* to server, to client */
	uint64_t start_us, end_us;
	/* enum rule_proto + 1 that a direction spoke when not app_proto (a
	 * protocol mismatch, EVE app_proto_ts/app_proto_tc); 0: none */
	uint8_t app_proto_ts, app_proto_tc;
};

/* The tunnel an alerted packet came in (EVE "tunnel"): its tenant and outer addresses. */
struct alert_tunnel {
	uint8_t type; /* enum packet_tunnel_type; PACKET_TUNNEL_NONE: none */
	uint8_t has_endpoint_id, has_attachment_id;
	uint32_t vni;
	uint64_t endpoint_id, attachment_id; /* GENEVE (AWS GWLB) */
	uint8_t outer_src[4], outer_dst[4];
	uint16_t outer_src_port, outer_dst_port;
};

/* Why a packet was dropped, for its EVE drop record (Suricata's drop.reason names). _(SYM, "name") */
#define foreach_alert_drop_cause                                                                   \
	_(RULES, "rules")	    /* a rule's drop or reject on this packet */                   \
	_(FLOW, "flow drop")	    /* the flow was dropped by a rule before */                    \
	_(RATE_LIMIT, "rate limit") /* a policy rate limit blocks the source */                    \
	_(STREAM, "stream error")   /* its receiver would discard it (normalizer) */               \
	_(THRESHOLD, "threshold detection_filter") /* a rate_filter turned a rule to drop */       \
	_(OTHER, "other")

enum alert_drop_cause {
#define _(sym, name) ALERT_DROP_##sym,
	foreach_alert_drop_cause
#undef _
	    ALERT_DROP_CAUSE_COUNT
};

/*
 * The frame an event was raised on, for EVE's packet, payload and
 * payload_printable ([eve] packet, payload): its first ALERT_FRAME_SNAP
 * bytes, copied only when the board logs them (alert_set_keep_frame).
 * Suricata logs the whole frame; a record on the ring has one fixed size,
 * and a frame in full would make every record (16384 to a ring per worker)
 * 9 KB larger, so a longer frame is cut and says so (len > snap_len).
 */
struct alert_frame {
	uint16_t len;		 /* the frame's length; 0: none kept */
	uint16_t snap_len;	 /* bytes kept in data */
	uint16_t payload_offset; /* where the L4 payload starts in the frame */
	uint16_t payload_len;	 /* the packet's L4 payload (0: none) */
	uint8_t data[ALERT_FRAME_SNAP];
};

struct alert {
	const struct rule *rule;
	uint8_t kind;	       /* enum alert_kind */
	uint64_t timestamp_us; /* packet time, microseconds since the epoch */
	uint64_t flow_id;      /* 0: no flow */
	uint8_t src_addr[16];
	uint8_t dst_addr[16];
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t ip_version;
	uint8_t l4_proto;
	uint8_t blocked;   /* the packet was dropped or rejected */
	uint8_t to_server; /* 1 to_server, 0 to_client or unknown */
	uint16_t worker;
	uint16_t app_proto; /* enum rule_proto, or ALERT_APP_PROTO_NONE */
	uint8_t has_details;
	uint8_t flow_end; /* raised at the flow's end, on no packet (EVE pkt_src) */
	/* A drop event of the filter stage (dataplane/filter/filter.h): rule is NULL. */
	uint8_t filter_drop;
	uint8_t filter_reason; /* enum filter_reason */
	uint16_t acl_rule;     /* the ACL rule number that denied; 0: none */
	/* An anomaly event (EVE event_type "anomaly"; rule is NULL), of kind
	 * enum alert_anomaly: IP reassembly refused a datagram (enum
	 * defrag_reason in anomaly_reason), or a stream gap was skipped
	 * (anomaly_bytes not inspected). */
	uint8_t anomaly;
	uint8_t anomaly_reason;
	uint32_t anomaly_bytes;
	/* The packet's final verdict (enum verdict) as enforced: VERDICT_PASS
	 * in ids mode or when nothing blocked it. */
	uint8_t verdict;
	uint8_t passed;		/* a pass rule matched the packet (EVE verdict "pass") */
	uint8_t stream_match;	/* the rule matched the reassembled stream (EVE "stream") */
	uint64_t packet_number; /* see detect_context.packet_number; 0: unknown */
	/* The flow's flowbits after the rule's own were applied (their names:
	 * ruleset_flowbit_name); all zero without a flow. */
	uint8_t flowbits[RULE_MAX_FLOWBITS / 8];
	/* The flow's variables (pcre captures), in the order they were first set. */
	uint8_t flowvar_count;
	struct alert_flowvar flowvars[ALERT_FLOWVARS];
	/* The rule's alert: and pkt: pcre captures (EVE alert.context,
	 * metadata.pktvars): var is the name's id marked RULE_CAPTURE_ALERT or
	 * RULE_CAPTURE_PKT (rules/lang/keyword.h). */
	uint8_t capture_count;
	struct alert_flowvar captures[ALERT_CAPTURES];
	struct app_details details; /* of the application-layer unit that alerted; its
				     * parser's eve_details writes it (app_proto names it) */
	struct alert_tunnel tunnel;
	struct alert_flow flow; /* the flow's context; flow.present 0: none */
	struct app_frame frame; /* the frame a frame rule matched (EVE "frame"); type 0: none */
	uint8_t drop_cause;	/* ALERT_KIND_DROP: enum alert_drop_cause */

	/* --- EVE's common fields (issue 15, eve-conform), filled by
	 * alert_set_packet from the packet: in_iface (the DPDK port it came in
	 * on, named by the control lcore), vlan, icmp_type/icmp_code, ether. */
	uint16_t rx_port;
	uint8_t vlan_count;
	uint16_t vlan_id[PACKET_MAX_VLANS]; /* outermost first */
	uint8_t icmp_type, icmp_code;	    /* with l4_proto 1 or 58 */
	uint8_t src_mac[6], dst_mac[6];	    /* of the frame as it came in */
	/* --- end of EVE's common fields */
	struct alert_frame snap; /* [eve] packet, payload: the frame as it came (issue 16) */
};

/*
 * Whether alert_set_packet() keeps the frame (struct alert_frame): set
 * once at start-up from the board ([eve] packet or payload), before the
 * workers are launched; read only afterwards.
 */
extern bool alert_keep_frame;
void alert_set_keep_frame(bool keep);

/* The first bytes of p's frame and where its payload starts, into f. Per-packet path. */
static inline void alert_set_frame(struct alert_frame *f, const struct packet *p)
{
	if (!p->data || !p->len)
		return;
	f->len = p->len > UINT16_MAX ? UINT16_MAX : (uint16_t)p->len;
	f->snap_len = p->len < ALERT_FRAME_SNAP ? (uint16_t)p->len : ALERT_FRAME_SNAP;
	memcpy(f->data, p->data, f->snap_len);
	if (p->payload_len && p->payload_offset < p->len) {
		f->payload_offset = (uint16_t)p->payload_offset;
		f->payload_len =
		    p->payload_len > UINT16_MAX ? UINT16_MAX : (uint16_t)p->payload_len;
	}
}

/* The packet's addresses and tunnel, into a (the rest is the caller's). Per-packet path. */
static inline void alert_set_packet(struct alert *a, const struct packet *p)
{
	memcpy(a->src_addr, p->src_addr, sizeof(a->src_addr));
	memcpy(a->dst_addr, p->dst_addr, sizeof(a->dst_addr));
	a->rx_port = p->rx_port;
	a->vlan_count = p->vlan_count < PACKET_MAX_VLANS ? p->vlan_count : PACKET_MAX_VLANS;
	memcpy(a->vlan_id, p->vlan_id, sizeof(a->vlan_id));
	a->icmp_type = p->icmp_type;
	a->icmp_code = p->icmp_code;
	if (alert_keep_frame)
		alert_set_frame(&a->snap, p);
	if (!(p->flags & PACKET_TUNNEL)) {
		/* an offline capture of raw IP or loopback has no MAC addresses */
		if (p->data && p->len >= 12 && decode_capture_link == DECODE_LINK_ETHERNET) {
			memcpy(a->dst_mac, p->data, 6);
			memcpy(a->src_mac, p->data + 6, 6);
		}
		return;
	}
	const struct packet_tunnel *t = &p->tunnel;
	a->tunnel = (struct alert_tunnel){
	    .type = t->type,
	    .has_endpoint_id = t->has_endpoint_id,
	    .has_attachment_id = t->has_attachment_id,
	    .vni = t->vni,
	    .endpoint_id = t->endpoint_id,
	    .attachment_id = t->attachment_id,
	    .outer_src_port = t->outer_src_port,
	    .outer_dst_port = t->outer_dst_port,
	};
	memcpy(a->tunnel.outer_src, t->outer_src, 4);
	memcpy(a->tunnel.outer_dst, t->outer_dst, 4);
}

struct rte_ring;

/*
 * Whether alert_push() waits for room on a full ring: set once at start-up
 * (platform, before the workers are launched), true for an offline run
 * reading a capture. Read only afterwards.
 */
void alert_set_wait_when_full(bool wait);

/*
 * Put a copy of a on ring (a worker's own alert ring; the calling worker is
 * its only producer). On a full ring: live, returns false at once; offline
 * (alert_set_wait_when_full), spins with rte_pause() until the control
 * lcore has drained room, giving up (false) only when the workers are told
 * to stop, so a stopping run never hangs. The caller counts a false as
 * lost. Per-packet path: no system call, no lock.
 */
bool alert_push(struct rte_ring *ring, const struct alert *a);

#endif
