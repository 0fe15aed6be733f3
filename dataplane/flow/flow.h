/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore flow table: finds or creates the flow of each decoded IP
 * packet, says which way the packet goes (to the server or to the client),
 * counts it, follows the TCP handshake and teardown, and expires flows by a
 * timeout per state. Each TCP flow carries one struct stream per direction;
 * the table owns the stream pool they take out-of-order chunks from.
 *
 * Layout: one preallocated array of flows (the capacity given at create)
 * and beside it an array of 32-bit hash tags. A key's flow lives in a
 * window of FLOW_PROBE_WINDOW consecutive slots from the slot its hash
 * picks; a lookup reads the window's tags (one or two cache lines) and
 * compares the key only where a tag matches. When the window is full the
 * least recently seen flow in it is evicted, if it has been idle for at
 * least evict_idle; otherwise the packet gets no flow ("table full").
 *
 * The key is the 5-tuple normalised so that both directions give the same
 * key (lower address/port pair first), plus the VLAN ids (QinQ: both) and
 * the IP version. Symmetric RSS puts both directions on one worker, which owns its
 * table: no locks, no atomics. Only flow_table_create() and
 * flow_table_destroy() allocate (control path, before and after the worker
 * runs); everything else is per-packet safe on the owning lcore.
 *
 * Ended flows leave a record behind when the table keeps them
 * (flow_config.records: the flow dump of [dataplane] flow_dump); the
 * record is written by the owning lcore where the flow ends, a copy of a
 * few fields into a preallocated array, no allocation.
 *
 * Not done here: IP reassembly (dataplane/decode/defrag.c hands the
 * pipeline whole datagrams; without it a non-first fragment has no ports
 * and gets no flow), tunnel ids in the key (vigil peels no tunnel yet), TCP
 * window validation.
 */
#ifndef VIGIL_DATAPLANE_FLOW_H
#define VIGIL_DATAPLANE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/decode/packet.h"
#include "dataplane/flow/host_os.h"
#include "dataplane/flow/normalize.h"
#include "dataplane/flow/stream.h"

#define FLOW_PROBE_WINDOW    16		/* slots a key may occupy: 64 bytes of tags */
#define FLOW_FLOWBITS_BYTES  128	/* 1024 flowbits */
#define FLOW_WORKER_SHIFT    38		/* flow_id_of(): worker << 38 | sequence, mixed */
#define FLOW_MAX_WORKERS     (1u << 15) /* worker and sequence fill 53 bits (flow_id_of()) */
#define FLOW_ID_BITS	     53		/* flow_ids lie in [1, 2^53): exact in every JSON reader */
#define FLOW_TIMEOUT_CLASSES 5		/* new, established, closed, udp, other */

enum flow_direction {
	FLOW_TO_SERVER = 0, /* from the client: the side that spoke first, or sent the SYN */
	FLOW_TO_CLIENT = 1,
};

enum flow_app_status {
	FLOW_APP_UNKNOWN = 0,  /* not detected yet */
	FLOW_APP_DETECTED = 1, /* app_proto and app_state are set */
	FLOW_APP_FAILED = 2,   /* no parser recognised the flow */
};

enum flow_tcp_state {
	FLOW_TCP_NONE = 0,    /* not TCP, or picked up mid-stream and not yet seen both ways */
	FLOW_TCP_SYN_SENT,    /* SYN seen */
	FLOW_TCP_SYN_RECV,    /* SYN-ACK seen */
	FLOW_TCP_ESTABLISHED, /* handshake done, or mid-stream flow seen both ways */
	FLOW_TCP_CLOSING,     /* FIN from one side */
	FLOW_TCP_CLOSED,      /* FIN from both sides */
	FLOW_TCP_RESET,	      /* RST from either side */
};

/*
 * What a rule decided for the rest of the flow (Suricata 7's flow actions):
 * its later packets are dropped, or passed without inspection.
 */
/* pipeline_flags bits (owner: dataplane/pipeline.c) */
#define FLOW_PIPELINE_APP_ENDED(dir)                                                               \
	(1u << (dir))			     /* the parser was told of the end, by direction */
#define FLOW_PIPELINE_RATE_LIMITED (1u << 2) /* a rate-limited client's request rode the flow */
#define FLOW_PIPELINE_URGENT(dir)  (1u << (5 + (dir))) /* urgent_seq[dir] is pending */
/* the next bits are dataplane/event.c's, which the pipeline calls (EVE records) */
#define FLOW_PIPELINE_ALERTED	    (1u << 7) /* an alert was raised on the flow (EVE flow.alerted) */
#define FLOW_PIPELINE_APP_PENDING   (1u << 8) /* a transaction not yet in an EVE protocol record */
#define FLOW_PIPELINE_ANOMALY	    (1u << 9) /* a normalize anomaly event was written */
#define FLOW_PIPELINE_APP_SEEN(dir) (1u << (10 + (dir))) /* a unit came this way (EVE records) */
#define FLOW_PIPELINE_APP_LOGGED    (1u << 12)		 /* the flow's one protocol record is out */
#define FLOW_PIPELINE_DROP_LOGGED(dir)                                                             \
	(1u << (13 + (dir))) /* [eve] drops start: this way's is out */

enum flow_action {
	FLOW_ACTION_NONE,
	FLOW_ACTION_DROP,
	FLOW_ACTION_PASS,
};

/* Normalised: side 0 is the lower (address, port) pair, by bytes. */
struct flow_key {
	uint8_t addr[2][16];		    /* network order; IPv4 in the first four bytes */
	uint16_t port[2];		    /* host order; 0 for ICMP and other protocols */
	uint16_t vlan_id[PACKET_MAX_VLANS]; /* outermost first; 0 when absent */
	uint8_t proto;			    /* IPPROTO_* */
	uint8_t ip_version;		    /* 4 or 6 */
	uint8_t zero[6];		    /* explicit padding, always 0: keys compare as bytes */
	/* The tunnel's tenant, so that two tenants' identical 5-tuples never
	 * share a flow: GENEVE's endpoint and attachment ids, or for VXLAN
	 * the tunnel pair (both directions of a flow use different tunnels
	 * of one pair); zero outside tunnels. */
	uint64_t tenant[2];
};

/*
 * The filter stage's verdict cache (lead; dataplane/filter/filter.c), zero when
 * the flow is created. Verdicts hold for the filter tables of generation
 * only; sticky_deny (domain lists, xff) holds for the flow's life.
 */
struct flow_filter_cache {
	uint32_t generation; /* filter tables the verdicts came from; 0: none yet */
	uint16_t rule[2];    /* ACL rule number that denied, by enum flow_direction */
	uint8_t verdict[2];  /* 0: not decided, 1: pass, 2: deny; by enum flow_direction */
	uint8_t reason[2];   /* enum filter_reason of a deny */
	uint8_t stateful;    /* 0: not decided, 1: allowed, 2: denied */
	uint8_t sticky_deny; /* enum filter_reason + 1, or 0 */
	uint8_t logged;	     /* a drop event was queued for this flow */
};

/*
 * One flow. The table owns it. A pointer from flow_lookup() stays valid
 * while time stands still: a flow seen at now_ns is neither evicted nor
 * expired by calls at the same now_ns (timeouts and evict_idle are at least
 * a second), so a worker may keep the flows of a burst until it ends. The
 * one exception: a new SYN on the tuple of a closed or reset TCP flow ends
 * that flow and reuses its slot for the new connection.
 * Its slot, f - t->flows, lies in [0, capacity) and does not change during
 * the flow's life, so the caller may keep per-flow state in an array of its
 * own indexed by it; clear that entry in on_free (the next flow in the slot
 * is another flow).
 * Fields marked "lead" belong to the caller: the table zeroes them when the
 * flow is created and hands them to on_free when it goes. Who owns which:
 * app_* the application layer (dataplane/app/), filter the filter stage,
 * pipeline_flags the pipeline (dataplane/pipeline.c), and the fields marked
 * "rules" (action, tenant, flowvars, scan_stream, flowbits) detection
 * (dataplane/detect/): they hold for the ruleset of rules_generation only,
 * and detection clears them when it first sees the flow under a newer one
 * (detect_flow_renew()), so a rule update never walks the table.
 */
struct flow {
	struct flow_key key;
	uint64_t flow_id; /* flow_id_of(): unique across workers, runs and appliances; stable */
	uint64_t first_seen_ns;
	uint64_t last_seen_ns;
	uint64_t packets[2]; /* by enum flow_direction */
	uint64_t bytes[2];   /* frame bytes, by enum flow_direction */
	uint8_t client_side; /* key side (0 or 1) of the client */
	uint8_t tcp_state;   /* enum flow_tcp_state */
	uint8_t fin_seen;    /* bit per enum flow_direction */
	bool established;    /* TCP: handshake completed (sticky); else: both ways seen */
	/* The packet just accounted is the ACK that completed the handshake: as
	 * in Suricata, rules see that packet as not yet established. */
	bool handshake_completed_now;
	/* The packet just accounted is one its receiver would discard: enum
	 * normalize_reason, NORMALIZE_OK when not (flow/normalize.h). */
	uint8_t discard;
	/* TCP: what each receiver does with urgent data (enum stream_urgent),
	 * by enum flow_direction; set at creation from the host table, as is
	 * each stream's overlap policy (flow_config.host_os). */
	uint8_t urgent[2];
	struct tcp_track track[2]; /* TCP: what each side sent, by enum flow_direction */
	/* Application layer (lead): detection status per enum flow_app_status,
	 * the protocol found (enum rule_proto), detection attempts per
	 * direction (once detected: what each direction's first data spoke,
	 * dataplane/app/app_flow.c), and the parser's per-flow state. */
	uint8_t app_status;
	uint8_t app_proto;
	uint8_t app_tries[2];
	uint8_t action;	    /* lead, rules: enum flow_action, decided by a rule */
	uint8_t end_reason; /* enum flow_end: set when the flow ends, before on_free */
	uint16_t tenant;    /* lead, rules: a GENEVE flow's policy tenant + 1; 0: not looked up */
	uint32_t flowvars;  /* lead, rules: flow variables (dataplane/detect/flowvars.h) */
	/* TCP: the flags each direction sent (OR of them), by enum flow_direction,
	 * for the flow's EVE record; accepted segments only. ICMP and ICMPv6:
	 * the type and code of the flow's first packet (its community_id and
	 * EVE icmp_type/icmp_code), in the same two bytes. */
	union {
		uint8_t tcp_flags[2];
		struct {
			uint8_t icmp_type, icmp_code;
		};
	};
	uint8_t detect_flags; /* lead, rules: DETECT_FLOW_* bits (dataplane/detect/detect.h) */
	/* lead: the protocol before an upgrade changed app_proto (HTTP/1 to
	 * HTTP/2), enum rule_proto + 1; 0: none (dataplane/app/app_flow.h) */
	uint8_t app_proto_original;
	void *app_state;
	uint32_t pipeline_flags; /* lead: FLOW_PIPELINE_* bits below, owned by the pipeline */
	/* lead, pipeline: ids mode, the urgent byte a receiver takes out of
	 * the stream, by direction (FLOW_PIPELINE_URGENT) */
	uint32_t urgent_seq[2];
	uint32_t rules_generation;	 /* lead: the ruleset the fields marked "rules" belong to */
	struct flow_filter_cache filter; /* lead: the filter stage's */
	void *scan_stream[2];		 /* lead, rules: the Hyperscan stream per direction */
	struct stream stream[2];	 /* TCP only, by enum flow_direction */
	uint8_t flowbits[FLOW_FLOWBITS_BYTES]; /* lead, rules: rule flowbits, zero at create */
} __attribute__((aligned(64)));

/* Why a flow ended, for its record (struct flow_record): _(SYMBOL, "name") */
#define foreach_flow_end                                                                           \
	_(TIMEOUT, "timeout")	  /* its state's timeout passed */                                 \
	_(EVICTED, "evicted")	  /* pushed out of a full probe window */                          \
	_(REUSED, "reused")	  /* a new SYN on the tuple of a closed TCP flow */                \
	_(SHUTDOWN, "shutdown")	  /* still in the table at its destroy */                          \
	_(FORGOTTEN, "forgotten") /* packets of it passed unseen (fail-open): picked up again */   \
	_(LIVE, "live")		  /* not ended: a record of a flow as it stands */

enum flow_end {
#define _(sym, name) FLOW_END_##sym,
	foreach_flow_end
#undef _
	    FLOW_END_COUNT
};

extern const char *const flow_end_name[FLOW_END_COUNT];
extern const char *const flow_tcp_state_name[FLOW_TCP_RESET + 1];

/*
 * What a flow was, kept past its end (a debugging aid: [dataplane]
 * flow_dump, platform/flow_dump.h): its key, which side was the client,
 * and the packets and bytes of each direction.
 */
struct flow_record {
	struct flow_key key;
	uint64_t flow_id;
	uint64_t first_seen_ns, last_seen_ns;
	uint64_t packets[2]; /* by enum flow_direction */
	uint64_t bytes[2];
	uint8_t client_side; /* key side (0 or 1) of the client */
	uint8_t tcp_state;   /* enum flow_tcp_state */
	uint8_t end;	     /* enum flow_end */
};

/*
 * flow_id: EVE's flow_id, shared by every record of the flow (alert, flow,
 * protocol, anomaly). SIEMs join records of many runs and appliances on it,
 * so it must not restart at 1 with every run: worker and sequence (unique
 * within a run) go through a bijection of 53 bits keyed by the run's key,
 * which mixes the appliance's name and a random nonce of the process. Two
 * runs (a restart, another appliance) draw unrelated permutations: their
 * ids meet by chance only (about n^2 / 2^53 for n flows each). Never 0 (0
 * is "no flow"), always below 2^53 so a JSON reader's double holds it.
 */
uint64_t flow_id_of(uint64_t key, unsigned worker, uint64_t sequence);

/* The key of a run: appliance is the [board] name, nonce random per process. Any thread. */
uint64_t flow_id_key(const char *appliance, uint64_t nonce);

/* f as a record, ended for the reason given (FLOW_END_LIVE: not ended). Any lcore that owns f. */
void flow_record_of(const struct flow *f, enum flow_end why, struct flow_record *r);

/* Timeouts in seconds; a zero field takes the default in brackets. */
struct flow_timeouts {
	uint32_t new_s;		/* TCP before the handshake completes [30] */
	uint32_t established_s; /* TCP established or closing [600] */
	uint32_t closed_s;	/* TCP closed or reset [10] */
	uint32_t udp_s;		/* UDP [120] */
	uint32_t other_s;	/* ICMP, ICMPv6 and other IP protocols [60] */
	/* a flow idle this long may be evicted when its probe window is full [1] */
	uint32_t evict_idle_s;
};

/*
 * Called when a flow goes: expired, evicted, replaced by a new connection
 * on the same 5-tuple, or at table destroy. The flow is still intact (key,
 * counters, user slots, streams; end_reason says why it ends); release what
 * the user slots point to. Must
 * not call back into the table. Runs on the owning lcore.
 */
typedef void (*flow_free_fn)(struct flow *f, void *arg);

struct flow_config {
	uint32_t capacity;     /* flows, preallocated; at least FLOW_PROBE_WINDOW */
	unsigned worker_index; /* below FLOW_MAX_WORKERS; goes into every flow_id */
	/* The flow_id key of this run (flow_id_key()); 0: a random one. Every
	 * worker of a run takes the same key, so their ids never collide. */
	uint64_t id_key;
	uint64_t hash_seed; /* 0: a random one (keys an attacker cannot aim at one window) */
	struct flow_timeouts timeouts;
	struct stream_config stream; /* for the table's stream pool; zero fields default */
	flow_free_fn on_free;	     /* may be NULL */
	void *on_free_arg;
	/* Only one side of each connection passes here (asymmetric routing):
	 * the client's ACK after its SYN completes the handshake without the
	 * SYN-ACK (Suricata's stream.async-oneside). */
	bool async_oneside;
	/* A TCP connection first seen with a segment other than SYN (picked up
	 * after a restart, an eviction, a load balancer's rebalancing) counts
	 * as established at once; the side with the lower, well-known port is
	 * taken for the server. */
	bool midstream;
	/* [dataplane] min_ttl: TCP data, FIN and RST below it are decoys (normalize.h) */
	uint8_t min_ttl;
	/* [host_os_policy]: the stack behind each address, looked up when a
	 * TCP flow is created: each direction is reassembled as its receiver
	 * does (host_os.h). Read-only and outliving the table; NULL: every
	 * host is Linux. */
	const struct host_os_table *host_os;
	/* Benchmarks only: skip normalize_tcp(), to time the path without the
	 * normalizer. A worker never sets it. */
	bool no_normalize;
	/* Keep a record of up to this many ended flows (flow_table_records());
	 * 0: none. Allocated at create; when full, further ends are counted
	 * in records_lost only. */
	uint32_t records;
};

/* _(field, "name", "description") */
#define foreach_flow_counter                                                                       \
	_(created, "flow_created", "flows created")                                                \
	_(expired, "flow_expired", "flows ended by their timeout")                                 \
	_(evicted, "flow_evicted", "flows pushed out of a full probe window")                      \
	_(reused, "flow_reused", "closed TCP flows replaced by a new SYN on the same tuple")       \
	_(table_full, "flow_table_full", "packets that got no flow: window full, none idle")       \
	_(forgotten, "flow_forgotten", "flows ended because packets of theirs passed unseen")      \
	_(no_flow, "flow_no_flow", "packets not tracked: not IP, or a non-first fragment")         \
	_(active, "flow_active", "flows in the table now (a gauge)")

struct flow_counters {
#define _(field, name, text) uint64_t field;
	foreach_flow_counter
#undef _
};

#define _(field, name, text) +1
enum { FLOW_COUNTER_COUNT = 0 foreach_flow_counter };
#undef _

/* Names and descriptions in the order of struct flow_counters. */
extern const char *const flow_counter_name[FLOW_COUNTER_COUNT];
extern const char *const flow_counter_text[FLOW_COUNTER_COUNT];

/*
 * A worker's table. Only counters and streams are for callers (read the
 * counters in place, sum over workers); the rest is private to flow.c.
 */
struct flow_table {
	struct flow_counters counters; /* first: written on the per-packet path */
	struct stream_pool *streams;   /* TCP reassembly chunks for this table's flows */
	struct flow *flows;	       /* capacity entries */
	uint32_t *tags;		       /* per slot: hash | 1, or 0 when free */
	uint32_t capacity;
	uint32_t expire_cursor;
	uint64_t next_sequence;
	unsigned worker_index; /* flow_config.worker_index */
	uint64_t id_key;       /* flow_config.id_key */
	uint64_t hash_seed;
	uint64_t timeout_ns[FLOW_TIMEOUT_CLASSES]; /* by enum flow_timeout_class in flow.c */
	uint64_t evict_idle_ns;
	flow_free_fn on_free;
	void *on_free_arg;
	bool async_oneside;
	bool midstream;
	bool no_normalize;
	const struct host_os_table *host_os; /* from flow_config, may be NULL */
	/* The normalizer's policy: min_ttl from the board, strict (ips) set by
	 * the pipeline each burst from the published mode. */
	struct normalize_policy normalize;
	/* Records of ended flows (flow_config.records), in the order they ended. */
	struct flow_record *records;
	uint32_t records_capacity, records_count;
	uint64_t records_lost;
};

/*
 * Allocate a table and its stream pool from config. Control path, before
 * the owning worker starts. Returns NULL when out of memory or when config
 * is invalid (capacity below FLOW_PROBE_WINDOW, worker index too large,
 * stream depth too large).
 */
struct flow_table *flow_table_create(const struct flow_config *config);

/*
 * Hand every flow still in the table to on_free, then free the table and its
 * stream pool. Control path, after the owning worker has stopped. NULL is a
 * no-op.
 */
void flow_table_destroy(struct flow_table *t);

/*
 * Call fn for every flow in the table, in slot order. fn may inspect and
 * change the flow's caller-owned ("lead") fields but must not look up,
 * expire or end flows. The owning lcore, or the control path after it
 * stopped.
 */
void flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *f, void *arg), void *arg);

/*
 * Call fn for the flows in the next slots slots from *cursor (wrapping at
 * the end; *cursor moves on), so that a walk of the whole table costs a
 * little per call. fn may change the flow's caller-owned fields but must
 * not look up, expire or end flows. Owning lcore.
 */
void flow_table_visit(struct flow_table *t, uint32_t *cursor, unsigned slots,
		      void (*fn)(struct flow *f, void *arg), void *arg);

/*
 * Every flow of the table, for a look at the table as it stands: the
 * records of the flows that ended (oldest first; *lost: ends that found
 * the record full), then the flows still in it, as FLOW_END_LIVE records;
 * fn is called once per record. Control path, with the owning worker
 * stopped.
 */
void flow_table_records(const struct flow_table *t,
			void (*fn)(const struct flow_record *r, void *arg), void *arg,
			uint64_t *lost);

/*
 * End up to budget of the flows still in the table for reason shutdown
 * (on_free sees f->end_reason FLOW_END_SHUTDOWN), so their last records
 * go out before the table is destroyed; returns how many ended (0: the
 * table is empty). Control path, with the owning worker stopped.
 */
unsigned flow_table_shutdown(struct flow_table *t, unsigned budget);

/*
 * End every flow in the table (on_free, streams released), counted as
 * forgotten: packets of them passed without this table seeing them (a
 * fail-open bypass), so their TCP tracks would refuse what comes next as
 * out of window. Their connections are picked up again mid-stream (see
 * flow_config.midstream). Owning lcore; walks every slot. Returns how many.
 */
unsigned flow_table_forget(struct flow_table *t);

/*
 * Find or create the flow of the decoded packet p at time now_ns (a
 * monotonic clock, nanoseconds) and account the packet to it: last seen,
 * packets and bytes of its direction, TCP state, established. *dir is set
 * to the packet's direction. The client is the sender of the first packet
 * seen, except for TCP where a SYN without ACK names its sender the client
 * and a SYN-ACK names its sender the server, even when seen first. A flow
 * found past its timeout is ended (counted expired, on_free) and a new one
 * made; so is a closed or reset TCP flow that sees a new SYN.
 *
 * Reassembly is left to the caller, on TCP flows:
 *   stream_insert(&f->stream[dir], t->streams, p->tcp_seq,
 *                 p->data + p->payload_offset, p->payload_len,
 *                 p->tcp_flags, deliver, arg);
 *
 * Returns NULL when p is not IP or is a non-first fragment (counted
 * no_flow) or when the table is full and nothing can be evicted (counted
 * table_full). Per-packet path of the owning lcore: no allocation.
 */
struct flow *flow_lookup(struct flow_table *t, const struct packet *p, uint64_t now_ns,
			 enum flow_direction *dir);

/*
 * Expire flows past their timeout at now_ns, incrementally: look at no more
 * than 8 * budget slots, starting where the previous call stopped, and end
 * at most budget flows. Each flow ended goes first to on_free given here
 * (may be NULL; e.g. to log the flow), then to the table's on_free from
 * create; then its streams are released and its slot freed. Returns the
 * number of flows expired. Cheap enough to call once per loop of the
 * owning lcore.
 */
unsigned flow_expire(struct flow_table *t, uint64_t now_ns, unsigned budget, flow_free_fn on_free,
		     void *arg);

/* The timeout in nanoseconds that applies to f in its current state. Any lcore. */
uint64_t flow_timeout_ns(const struct flow_table *t, const struct flow *f);

/* flowbits: bit is 0 .. 1023. Owning lcore. */
static inline bool flow_bit_is_set(const struct flow *f, unsigned bit)
{
	return f->flowbits[(bit >> 3) & (FLOW_FLOWBITS_BYTES - 1)] & (1u << (bit & 7));
}

static inline void flow_bit_set(struct flow *f, unsigned bit)
{
	f->flowbits[(bit >> 3) & (FLOW_FLOWBITS_BYTES - 1)] |= (uint8_t)(1u << (bit & 7));
}

static inline void flow_bit_clear(struct flow *f, unsigned bit)
{
	f->flowbits[(bit >> 3) & (FLOW_FLOWBITS_BYTES - 1)] &= (uint8_t) ~(1u << (bit & 7));
}

#endif
