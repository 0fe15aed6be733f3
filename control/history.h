/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The last hour for the dashboard: the counters sampled every
 * HISTORY_INTERVAL_S seconds (rates come from the differences of
 * neighbouring samples), and the last alerts (time, rule, addresses) from
 * which the top signatures, sources and destinations of the hour are
 * counted when asked. Bounded: HISTORY_POINTS samples and HISTORY_ALERTS
 * alerts; past that many alerts in an hour the tops cover the most recent
 * ones and say so (alerts_in_window against alerts_counted).
 *
 * Control lcore only: control_poll samples, the alert consumer records,
 * the console's "stats history" reads. No lock.
 */
#ifndef VIGIL_CONTROL_HISTORY_H
#define VIGIL_CONTROL_HISTORY_H

#include <stdint.h>
#include <stdio.h>

#include "dataplane/counters.h"

#define HISTORY_INTERVAL_S 10
#define HISTORY_POINTS	   (3600 / HISTORY_INTERVAL_S + 1)
#define HISTORY_PORTS	   8
#define HISTORY_ALERTS	   65536
#define HISTORY_TOP	   10
#define HISTORY_RULE_NAMES 4096 /* distinct rules whose message is kept */

struct history_point {
	uint64_t t_ms; /* wall clock */
	uint64_t rx_packets[HISTORY_PORTS], rx_bytes[HISTORY_PORTS];
	uint64_t tx_packets[HISTORY_PORTS], tx_bytes[HISTORY_PORTS];
	uint64_t alerts;
	uint64_t drops[DROP_REASON_COUNT];
};

struct history_alert {
	uint32_t t_s;
	uint32_t gid, sid;
	uint8_t ip_version;
	uint8_t src[16], dst[16];
};

struct history_rule_name {
	uint64_t key; /* gid << 32 | sid, 0: free */
	char *msg;
};

struct history {
	struct history_point points[HISTORY_POINTS];
	unsigned point_count, point_next;
	uint64_t next_sample_ms;
	struct history_alert *alerts; /* HISTORY_ALERTS, allocated at the first */
	unsigned alert_count, alert_next;
	uint64_t alerts_recorded;
	struct history_rule_name *names; /* HISTORY_RULE_NAMES */
	char port_names[HISTORY_PORTS][32];
	unsigned port_count;
};

struct stats_view;
struct alert;

/* Take a sample when one is due (every HISTORY_INTERVAL_S); now_ms is wall clock. */
void history_poll(struct history *h, const struct stats_view *view, uint64_t now_ms);

/* Note one alert of a rule (the alert consumer, per packet alert). */
void history_alert(struct history *h, const struct alert *alert, uint64_t now_ms);

/*
 * The last hour as one JSON object, no newline: interval_s, points (t,
 * per port rx/tx packets and bits per second, alerts and drops per
 * second by reason; the last point runs from the last sample to now, when
 * that is a second or more), top_signatures, top_sources, top_destinations
 * (of the alerts of the last hour), alerts_in_window, alerts_counted.
 */
void history_json(FILE *out, struct history *h, const struct stats_view *view, uint64_t now_ms);

void history_free(struct history *h);

#endif
