/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Board files: one INI file per deployment naming the EAL settings, the
 * ports with their roles and pairs, the lcores and the mode. This module
 * reads and checks a board file into struct board and nothing more; it does
 * not touch DPDK (platform/eal.c and platform/port.c turn a board into a
 * running EAL and configured ports).
 *
 * Every setting is one row of a table in board.c (section, key, parser,
 * field), so adding one never edits a switch. Errors name the file, the
 * line and the setting: "FILE:LINE: error: [section] key: what is wrong",
 * with LINE 0 for a setting that is missing altogether.
 */
#ifndef VIGIL_PLATFORM_BOARD_H
#define VIGIL_PLATFORM_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/flow/host_os.h"

#define BOARD_MAX_PORTS	  16
#define BOARD_MAX_WORKERS 64
#define BOARD_NAME_MAX	  32
#define BOARD_DEVICE_MAX  512
#define BOARD_ERROR_MAX	  512
#define BOARD_MAX_VARS	  64
#define BOARD_VAR_MAX	  512

enum board_mode {
	BOARD_MODE_IDS, /* inspect and alert, never drop */
	BOARD_MODE_IPS, /* enforce drop and reject verdicts */
};

enum board_malformed_policy {
	BOARD_MALFORMED_DROP,
	BOARD_MALFORMED_FORWARD,
};

/* Checksums of inspected packets (the normalizer): verified, not, or
 * verified unless too many of the first are bad (captures taken with
 * checksum offload hold wrong ones). */
enum board_checksums {
	BOARD_CHECKSUMS_YES,
	BOARD_CHECKSUMS_NO,
	BOARD_CHECKSUMS_AUTO,
};

/* What the appliance does to traffic when it cannot inspect it (a stalled
 * worker, the process gone): let it through or stop it. Read here; acted
 * on by the watchdog (control/watchdog.h), not by this module. */
enum board_fail_policy {
	BOARD_FAIL_OPEN,
	BOARD_FAIL_CLOSED,
};

enum board_port_role {
	BOARD_PORT_INLINE,     /* member of an inline pair: what it receives goes out on its pair */
	BOARD_PORT_MANAGEMENT, /* the control plane's own port */
};

/* How a data port's queues keep both directions of a flow on one worker (platform/rss.h). */
enum board_port_spread {
	BOARD_SPREAD_AUTO,     /* symmetric RSS, or the kernel's fanout for af_packet, or refuse */
	BOARD_SPREAD_EXTERNAL, /* something in front of the device already does */
};

/* An address with a prefix length, e.g. "10.78.0.1/24"; set is false when not given. */
struct board_prefix {
	bool set;
	uint8_t addr[16]; /* 4 bytes used for IPv4 */
	unsigned len;
};

/* [alerts] webhook_header lines, each checked (control/sink_format.h: SINK_HEADERS, SINK_HEADER_MAX). */
struct board_headers {
	char line[8][1025];
	unsigned count;
};

struct board_port {
	char name[BOARD_NAME_MAX];     /* from the section "[port NAME]" */
	char device[BOARD_DEVICE_MAX]; /* DPDK vdev or PCI devargs, ${vars} not yet expanded */
	enum board_port_role role;
	bool has_role;
	char pair_name[BOARD_NAME_MAX];
	int pair; /* index into board.ports, resolved by board_load() */
	struct board_prefix ipv4,
	    ipv6; /* the appliance's own address on an inline port (health checks) */
	/* Tunnels peeled on this port (a gateway load balancer's side): GENEVE's
	 * UDP port (0: none) and Azure's two VXLAN tunnels, each a UDP port and
	 * a VNI, a packet passed from one leaving on the other. */
	unsigned geneve_port;
	struct board_vxlan_tunnel {
		bool set;
		uint16_t port;
		uint32_t vni;
	} vxlan_external, vxlan_internal;
	enum board_port_spread spread;
	unsigned section_line, device_line, pair_line;
};

struct board {
	char path[256];
	char name[BOARD_NAME_MAX];
	enum board_mode mode;
	enum board_malformed_policy malformed;
	enum board_fail_policy fail; /* [board] fail: open or closed (the watchdog's) */
	unsigned fail_after_ms;	     /* [board] a worker without progress this long trips it */
	bool link_propagation;	     /* [board] a pair's link follows its other port's */
	unsigned link_settle_ms;     /* a port started or brought up may stay down this long */

	bool no_huge;
	bool no_pci;
	unsigned memory_mb;
	char file_prefix[64];
	char log_level[32];
	bool telemetry;	     /* DPDK's telemetry socket */
	char eal_extra[256]; /* more EAL arguments, split on spaces */

	unsigned control_lcore;
	unsigned worker_lcores[BOARD_MAX_WORKERS];
	unsigned worker_count;

	unsigned rx_descriptors;
	unsigned tx_descriptors;
	unsigned mbufs;		  /* 0: sized from ports, queues and descriptors */
	unsigned mbuf_size;	  /* data room of one mbuf, headroom included */
	unsigned flows;		  /* flow table slots per worker */
	unsigned stream_depth_kb; /* TCP reassembly depth per direction */
	bool tcp_async_oneside;	  /* a client ACK after its SYN completes the handshake */
	bool midstream;	  /* a TCP connection first seen past its handshake counts as established */
	unsigned min_ttl; /* TCP data, FIN, RST below this TTL are taken for decoys; 0 off */
	bool defrag;	  /* reassemble IP fragments before inspection */
	enum board_checksums checksums; /* verify checksums of inspected packets */
	unsigned defrag_datagrams;	/* incomplete datagrams held per worker (64 KB each) */
	unsigned defrag_timeout_s;	/* an incomplete datagram is dropped after this */
	/* At shut-down, every flow each worker saw, one JSON line per flow, to
	 * this file ("" = none): a debugging aid (platform/flow_dump.h). */
	char flow_dump[256];

	char rules_cache_dir[256]; /* compiled rule databases are cached here; "" = no cache */
	char rules_classification[256];
	char rules_threshold_file[256];
	char rules_policy_file[256]; /* operator policy (rules/policy/policy.h); "" = none */
	char rules_store_dir[256];   /* rule versions committed through the console */
	char filter_file[256];	     /* [filter] the filter file ("" = none) */
	char filter_protected_port
	    [BOARD_NAME_MAX];		     /* [filter] inline port facing the protected side */
	struct board_prefix management_ipv4; /* [management] the appliance's own addresses */
	struct board_prefix management_gateway4; /* (len 32) */
	struct board_prefix management_ipv6;
	char management_dns[160]; /* DNS servers for the sinks' host names ("" = none) */
	unsigned console_port;	  /* [management] TLS console on the management addresses */
	char console_cert[256];	  /* the appliance's certificate and key (PEM) */
	char console_key[256];
	char operator_ca[256];		       /* client certificates must chain to this CA */
	unsigned console_sessions;	       /* sessions served at once (one kept for an admin) */
	unsigned console_handshakes;	       /* unauthenticated handshakes at once */
	unsigned console_handshake_timeout_ms; /* a handshake must finish within this */
	unsigned console_admin_idle_s;	       /* idle admin sessions closed after this */
	unsigned console_viewer_idle_s;	       /* idle viewer sessions closed after this */
	char audit_log[256];		       /* every console command is appended here */
	unsigned eve_max_mb;   /* [alerts] EVE file rotated past this size; 0: never */
	unsigned eve_keep;     /* rotated EVE files kept */
	unsigned eve_rotate_s; /* [alerts] EVE file rotated this often (wall clock); 0: never */
	char syslog[272];      /* syslog over TLS: HOST:PORT; "" = none */
	char syslog_ca[256];
	char syslog_server_name[256]; /* the name its certificate must carry */
	unsigned syslog_facility;     /* 0..23 */
	char syslog_events[256];      /* event types syslog takes ("" = all) */
	unsigned syslog_min_severity; /* alerts of severity 1..N only; 0 = any */
	char webhook[2049];	      /* https://HOST[:PORT]/PATH, up to SINK_URL_MAX; "" = none */
	char webhook_ca[256];
	char webhook_server_name[256];
	struct board_headers webhook_headers; /* extra "Name: value" lines (a token) */
	char webhook_events[256];
	unsigned webhook_min_severity;
	char sink_client_cert[256]; /* a client certificate for the sinks, if they ask */
	char sink_client_key[256];
	unsigned sink_queue;	      /* records waiting per sink at most */
	unsigned webhook_batch;	      /* records per POST at most */
	bool eve_flows;		      /* [eve] flows: a flow record for every flow that ends */
	bool eve_files;		      /* [eve] files: a fileinfo record for every body */
	int eve_drops;		      /* [eve] drops: enum event_drops (no, start, all) */
	unsigned eve_flow_interval_s; /* [eve] flow_interval_s: live flows' records; 0: none */
	uint64_t eve_protocols;	      /* [eve] protocols: bit per enum rule_proto with records */
	/* [eve] EVE records (control/eve.h): text fields from traffic cut at
	 * field_limit bytes ("[truncated]" marks it; 0: only the parsers'
	 * storage limits them), the frame's MAC addresses (ether), a stats
	 * record every stats_interval_s seconds (0: none; Suricata's default
	 * 8) and one at the end, and the Community ID seed. */
	unsigned eve_field_limit;
	bool eve_ether;
	/* [eve] what an alert adds of its packet (Suricata's eve-log alert
	 * options): the frame in base64 and its link type (packet), its
	 * payload in base64 (payload) and printable (payload_printable);
	 * and, offline, the capture's path on every packet record (pcap_file) */
	bool eve_packet, eve_payload, eve_payload_printable, eve_pcap_file;
	unsigned eve_stats_interval_s;
	unsigned eve_community_id_seed;
	unsigned packet_alert_max; /* [rules] alerts kept per packet (INSPECT_ALERTS_MAX at most) */
	char rules_action_order[64]; /* [rules] Suricata's action-order, checked */
	char xff_headers[256];	     /* [app] header names carrying the client, comma separated */
	bool behind_proxy;	     /* [app] alerts name the X-Forwarded-For client as src_ip */
	unsigned http_body_limit_kb; /* [app] decoded HTTP body bytes kept for inspection */
	int app_error_policy;	     /* [app] enum app_error_policy (dataplane/app/app.h) */
	/* [files] magic, hashes: computed for every file (fileinfo), not only
	 * when a rule needs them (Suricata's force-magic, force-hash) */
	bool files_magic;
	unsigned files_hashes;	       /* RULE_FILE_HAS_* (rules/lang/buffer.h) */
	char files_store_dir[256];     /* [files] store_dir: where filestore writes; "": nowhere */
	unsigned files_store_limit_mb; /* [files] store_limit_mb: the store's bound */
	/* [host_os_policy] the stack behind each prefix (ids mode reassembles
	 * as it does); empty: every host is Linux */
	struct host_os_table host_os;
	unsigned health_stall_ms;  /* [health] a worker without progress this long is stalled */
	unsigned health_tcp_port;  /* TCP check on the data ports' own addresses; 0: none */
	unsigned health_http_port; /* HTTP check there; 0: none */
	bool health_test_hooks;	   /* the console's debug stall-worker (a test aid) */
	char vars[BOARD_MAX_VARS][BOARD_VAR_MAX]; /* "NAME=value" from [vars] */
	unsigned var_count;

	struct board_port ports[BOARD_MAX_PORTS];
	unsigned port_count;

	/* Line of each top-level setting (0: not given), indexed like the table in board.c. */
	unsigned setting_line[128];
};

/*
 * Read the board file at path, then apply the overrides ("section.key=value",
 * as given with --set; for a port: "port NAME.key=value"), then check the
 * whole. Fills *board and returns 0, or returns -EINVAL (-errno when the file
 * cannot be read) with one line in err, e.g.
 * "board/lab.conf:12: error: [board] mode: "foo" is not ids or ips".
 */
int board_load(struct board *board, const char *path, const char *const *overrides,
	       unsigned override_count, char *err, size_t err_len);

/* Name of the mode, role, policy, for summaries. */
const char *board_mode_name(enum board_mode mode);
const char *board_malformed_name(enum board_malformed_policy policy);
const char *board_fail_name(enum board_fail_policy policy);
const char *board_role_name(enum board_port_role role);

/*
 * Every board can run offline (vigil --board B --pcap IN --out OUT): its
 * first inline port becomes DPDK's pcap device reading ${pcap} and writing
 * ${out}, paired with itself and keeping its tunnels; the other data
 * ports, the management port and the appliance's own addresses go, and
 * with them the stack and the remote sinks (nothing to answer or reach in
 * a replay, and the stack's announcements would join the output); one
 * worker, as a pcap has one reader. For a board none of whose ports reads ${pcap} already.
 */
void board_make_offline(struct board *board);

/*
 * Expand ${name} in text using the name/value pairs in vars (NULL-terminated,
 * alternating name, value; a NULL value means "not given"). Writes to out.
 * Returns 0, or -ENOENT with the unknown or missing variable's name in
 * missing, or -ENOSPC when out is too small.
 */
int board_expand(const char *text, const char *const *vars, char *out, size_t out_len,
		 char *missing, size_t missing_len);

#endif
