/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE JSON lines, as Suricata writes them, so Elastic, Splunk and Wazuh
 * read vigil's alerts unchanged: one object per line with timestamp,
 * flow_id, event_type, src_ip, src_port, dest_ip, dest_port, proto and
 * alert{action, gid, signature_id, rev, signature, category, severity}.
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
 * its length (no newline). By alert->kind: an event of a packet (alert,
 * drop, anomaly), a flow record (event_type flow: client as src, the
 * flow{} and tcp{} objects), or a protocol record (event_type the
 * protocol, its object from the parser's eve_details). An alert with a
 * flow context (alert->flow.present) has Suricata 8's flow object. flags: EVE_CLIENT_FROM_XFF, the appliance sits behind a proxy,
 * so the X-Forwarded-For client is reported as src_ip (the proxy as
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

/* Format and queue one alert line (eve_append_line). */
void eve_write_alert(struct eve *eve, const struct alert *alert);

/* Flush, close and free the buffer; safe on a closed struct eve. Counters stay. */
void eve_close(struct eve *eve);

#endif
