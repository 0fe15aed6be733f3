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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dataplane/alert.h"

struct ruleset;

struct eve {
	FILE *file;
	const struct ruleset *ruleset; /* for classtype descriptions */
	uint64_t written;
	bool client_from_xff; /* behind a proxy: src_ip is the X-Forwarded-For client */
	bool pcap_cnt;	      /* offline: alerts carry the packet's record number */
};

/* eve_format_alert() flags */
#define EVE_CLIENT_FROM_XFF (1u << 0) /* src_ip is the X-Forwarded-For client */
#define EVE_PCAP_CNT	    (1u << 1) /* write pcap_cnt (offline runs: the record number) */

/* Open (append) path. Returns 0 or -errno. */
int eve_open(struct eve *eve, const char *path, const struct ruleset *ruleset);

/*
 * Format one alert as an EVE line into buf; returns its length (no
 * newline). flags: EVE_CLIENT_FROM_XFF, the appliance sits behind a proxy,
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

/* Write one alert line. */
void eve_write_alert(struct eve *eve, const struct alert *alert);

/* Flush and close; safe on a closed struct eve. */
void eve_close(struct eve *eve);

#endif
