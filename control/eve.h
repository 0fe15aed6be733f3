/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE JSON lines, as Suricata 8 writes them and its schema
 * (../shared/corpus/eve-schema/schema.json) accepts, so Elastic, Splunk,
 * Wazuh and EveBox read vigil's records unchanged: one object per line
 * with timestamp, flow_id, event_type, host, in_iface, vlan, src_ip,
 * src_port, dest_ip, dest_port, proto, icmp_type/icmp_code, community_id
 * and the event's own object (alert{action, gid, signature_id, rev,
 * signature, category, severity}, drop, anomaly, the protocol's).
 *
 * vigil's own fields. The schema refuses unknown fields at the top level
 * and in every object but a few; the one object of every record that it
 * leaves open is metadata.flowints, so what vigil adds sits there, in one
 * object named vigil: "metadata":{"flowints":{"vigil":{...}}}, with
 *   tunnel{type, vni, gwlb_endpoint_id, gwlb_attachment_id}  the tenant of
 *       a tunnelled packet (Suricata's tunnel object has the outer
 *       addresses only);
 *   acl_rule     the ACL rule number that denied (drop records);
 *   gap_bytes    the bytes a stream gap skipped (anomaly stream.gap);
 *   proxy_ip     the address the packet came from when src_ip is the
 *                X-Forwarded-For client (board [app] behind_proxy);
 *   mysql{...}   the MySQL protocol object (no mysql in the schema).
 * What became of a packet of a drop or anomaly record is Suricata's
 * verdict object (drop, pass).
 *
 * Control lcore only.
 */
#ifndef VIGIL_CONTROL_EVE_H
#define VIGIL_CONTROL_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dataplane/alert.h"

struct ruleset;
struct app_json;
struct app_parser;
struct app_details;

/* A record is formatted into a buffer of EVE_LINE_START bytes, doubled
 * (up to EVE_LINE_MAX) while the record does not fit: never cut. */
#define EVE_LINE_START (16u * 1024)
#define EVE_LINE_MAX   (1u << 20)
/* Room for vigil's own object (its largest part: a protocol's details, escaped). */
#define EVE_VIGIL_MAX (8u * 1024)

#define EVE_MAX_PORTS 32 /* DPDK port ids named for in_iface */

/*
 * The appliance's side of every record, set once at start-up before any
 * record is formatted (eve_set_site), read-only afterwards: host (the
 * board's name, else the system's host name), the names of the ports by
 * DPDK port id (in_iface; NULL: unnamed, left out; the strings outlive
 * the run), the limit on text fields from traffic ([eve] field_limit, 0:
 * none but the parser's storage), whether records carry the frame's MAC
 * addresses ([eve] ether) and the Community ID seed.
 */
struct eve_site {
	char host[256];
	const char *port_names[EVE_MAX_PORTS];
	size_t field_limit;
	bool ether;
	uint16_t community_id_seed;
	/* --- issue 16: what an event record adds of its packet (Suricata's
	 * eve-log alert options), from the frame alert records keep
	 * (dataplane/alert.h, struct alert_frame). */
	bool packet;		   /* [eve] packet: packet (base64) and packet_info */
	bool payload;		   /* [eve] payload: payload (base64) and stream */
	bool payload_printable;	   /* [eve] payload_printable */
	const char *pcap_filename; /* [eve] pcap_file, offline: the capture read; NULL: none */
	int linktype;		   /* the pcap link type of the frames as captured (1: Ethernet) */
	/* bytes vigil put in front of each frame (offline: the Ethernet
	 * header of a capture of raw IP, platform/offline.h), not logged */
	unsigned frame_prefix;
};

void eve_set_site(const struct eve_site *site);

/* EVE's timestamp text of us (microseconds since the epoch): 2023-11-14T22:13:20.123456+0000. */
void eve_format_timestamp(char *text, size_t len, uint64_t us);

/* ,"host":"NAME" (the site's host, JSON-escaped) to f; nothing when there is none. */
void eve_write_host(FILE *f);

/*
 * Write ,"community_id":"1:..." for the flow of src -> dst (ICMP: type and
 * code as src_port and dst_port), with the site's seed; nothing for a
 * tuple without IP. For every record with a tuple (alerts, drops,
 * anomalies, flows). Control lcore.
 */
void eve_put_community_id(struct app_json *o, int ip_version, const uint8_t *src_addr,
			  const uint8_t *dst_addr, uint8_t proto, uint16_t src_port,
			  uint16_t dst_port);

/* ,"host":"NAME": the site's host (Suricata's sensor name); nothing when there is none. */
void eve_put_host(struct app_json *o);

/* ,"in_iface":"NAME": the name of DPDK port port; nothing for an unnamed port. */
void eve_put_in_iface(struct app_json *o, uint16_t port);

/*
 * vigil's own object of a record: vigil holds the text of an object
 * ("{...}", written with app_json_begin/app_json_end); written as
 * ,"metadata":{"flowints":{"vigil":{...}}} unless it is empty ("{}"). For
 * records without flowbits or flow variables (flow and transaction
 * records: the alert's own writer merges them).
 */
void eve_put_vigil_metadata(struct app_json *o, const struct app_json *vigil);

/*
 * A protocol's object from a unit's details, with the site's field limit:
 * into record when Suricata's schema has the protocol, else (the parser
 * row's eve_vigil) into vigil, the vigil object (see above) the caller
 * writes under metadata.flowints. For alerts and transaction records.
 */
void eve_put_app_details(struct app_json *record, struct app_json *vigil,
			 const struct app_parser *parser, const struct app_details *details);

/* Bytes of whole lines kept before one write(): a batch of alerts is one system call. */
#define EVE_BUFFER_BYTES (256u * 1024)

/*
 * The EVE file is written in whole lines only: lines are gathered in buf
 * and go out with write(); when the file system refuses part of a batch
 * (full disk, quota, RLIMIT_FSIZE), the file is cut back to the end of
 * the last whole line written, and the lines that did not make it are
 * counted in lines_lost, never in written. The next batch tries again, so
 * writing resumes by itself once there is space.
 */
struct eve {
	bool configured; /* eve_open succeeded (stays true after eve_close, for the summary) */
	int fd;		 /* -1: no EVE file (one a rotation could not reopen is tried again) */
	char path[512];
	uint64_t size; /* bytes in the file, for rotation */
	char *buf;     /* EVE_BUFFER_BYTES, malloc'd by eve_open */
	size_t buf_used;
	unsigned buf_lines;
	const struct ruleset *ruleset; /* for classtype descriptions */
	uint64_t written;	       /* lines in the file, whole */
	uint64_t write_errors;	       /* batches the file system refused, in part or whole */
	uint64_t lines_lost;	       /* lines of those batches that are not in the file */
	double warned_at;	       /* CLOCK_MONOTONIC seconds of the last warning */
	bool client_from_xff;	       /* behind a proxy: src_ip is the X-Forwarded-For client */
	bool pcap_cnt;		       /* offline: alerts carry the packet's record number */
	char *line;		       /* eve_format_alert_line's buffer, grown as needed */
	size_t line_size;
};

/* eve_format_alert() flags */
#define EVE_CLIENT_FROM_XFF (1u << 0) /* src_ip is the X-Forwarded-For client */
#define EVE_PCAP_CNT	    (1u << 1) /* write pcap_cnt (offline runs: the record number) */

/*
 * Open (append) path; eve is cleared first, so eve_open() on a zeroed
 * struct eve is its only set-up. Returns 0 or -errno (eve->fd is -1 then).
 */
int eve_open(struct eve *eve, const char *path, const struct ruleset *ruleset);

/*
 * Close the file (after eve_flush) and open path again, appending: the
 * file was rotated away. Counters and the buffer stay. Returns 0 or -errno
 * (no file until the next successful eve_reopen).
 */
int eve_reopen(struct eve *eve, const char *path);

/* True when there is an EVE file to write. */
bool eve_has_file(const struct eve *eve);

/*
 * Queue one line (len bytes, no newline) for the file; a full buffer is
 * flushed first. The line counts as written only once eve_flush() put it
 * in the file whole. Control lcore only.
 */
void eve_append_line(struct eve *eve, const char *line, size_t len);

/*
 * Write the queued lines with write(), whole lines only (see struct eve);
 * a refusal is counted (write_errors, lines_lost) and warned about at most
 * once every EVE_WARN_SECONDS. Returns 0, or -errno of the refusal.
 */
#define EVE_WARN_SECONDS 10.0
int eve_flush(struct eve *eve);

/*
 * Format one record of a worker's ring as an EVE line into buf; returns
 * its length (no newline; a length of len - 1 may be a record cut short:
 * see eve_format_alert_line). By alert->kind: an event of a packet
 * (alert, drop, anomaly), a flow record (event_type flow: client as src,
 * the flow{} and tcp{} objects), or a protocol record (event_type the
 * protocol, its object from the parser's eve_details). An alert with a
 * flow context (alert->flow.present) has Suricata 8's flow object.
 * flags: EVE_CLIENT_FROM_XFF, the appliance sits behind a proxy, so the
 * X-Forwarded-For client is reported as src_ip (the proxy as vigil's
 * proxy_ip); EVE_PCAP_CNT, write the packet's number as pcap_cnt.
 * Besides Suricata's alert object, the line has the packet's verdict
 * (verdict.action: alert, drop; reject-target and reject for a reject),
 * and the flow's flowbits: those named traffic/id/NAME and
 * traffic/label/NAME as traffic.id and traffic.label, the others as
 * metadata.flowbits.
 */
size_t eve_format_alert(const struct alert *alert, const struct ruleset *ruleset, char *buf,
			size_t len, unsigned flags);

/*
 * Format an event of the appliance itself, not of a packet, as Suricata's
 * engine event (schema-valid):
 * {"timestamp":...,"event_type":"engine","in_iface":PORT,"log_level":LEVEL,
 *  "engine":{"module":MODULE,"message":MESSAGE}}; in_iface NULL: left out.
 * timestamp_us is wall-clock time. Returns the line's length (no newline).
 */
size_t eve_format_engine(char *buf, size_t len, uint64_t timestamp_us, const char *in_iface,
			 const char *level, const char *module, const char *message);

/*
 * Format one alert with eve's settings into eve's own line buffer, larger
 * as needed so that no record is ever cut (up to EVE_LINE_MAX). Returns
 * the line (valid until the next call; NULL: out of memory), its length
 * in *n.
 */
const char *eve_format_alert_line(struct eve *eve, const struct alert *alert, size_t *n);

/* Format and queue one alert line (eve_append_line). */
void eve_write_alert(struct eve *eve, const struct alert *alert);

/* Flush, close and free the buffer; safe on a closed struct eve. Counters stay. */
void eve_close(struct eve *eve);

#endif
