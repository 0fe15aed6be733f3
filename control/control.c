/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control lcore loop body. Management frames go to the lwIP stack when the
 * board gives the appliance an address; otherwise they are counted and
 * freed so the port's queue never fills.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "control/console.h"
#include "control/control.h"
#include "control/eve.h"
#include "control/stats.h"
#include "control/health.h"
#include "control/history.h"
#include "control/mgmt.h"
#include "control/mgmt_port.h"
#include "control/sinks.h"
#include "control/watchdog.h"
#include "dataplane/alert.h"
#include "dataplane/worker.h"
#include "platform/clock.h"
#include "platform/log.h"

#define CONTROL_BURST 32

int control_add_management_port(struct control *control, uint16_t port_id)
{
	if (control->management_port_count == CONTROL_MAX_PORTS)
		return -ENOSPC;
	control->management_ports[control->management_port_count++] = port_id;
	return 0;
}

int control_add_alert_ring(struct control *control, struct rte_ring *ring)
{
	if (control->alert_ring_count == CONTROL_MAX_WORKERS)
		return -ENOSPC;
	control->alert_rings[control->alert_ring_count++] = ring;
	return 0;
}

/*
 * PATH.N -> PATH.N+1 down to PATH -> PATH.1, then a new PATH. The queued
 * lines go to the old file first, so a rotated file also ends with a
 * whole line.
 */
static void control_rotate_eve(struct control *control)
{
	struct eve *eve = control->eve;
	char from[512], to[512];
	eve_flush(eve);
	/* No file to rotate (the last reopen failed): shifting PATH.N again would drop archives. */
	if (eve->fd < 0)
		return;
	for (unsigned i = control->eve_keep; i > 0; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", control->eve_path);
		else
			snprintf(from, sizeof(from), "%s.%u", control->eve_path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", control->eve_path, i);
		rename(from, to);
	}
	eve_reopen(eve, control->eve_path);
	control->eve_rotations++;
}

/* Set by SIGHUP's handler, taken by control_poll. */
static volatile sig_atomic_t control_reopen_requested;

void control_request_reopen(void)
{
	control_reopen_requested = 1;
}

int control_reopen_logs(struct control *control)
{
	int rc = 0;
	if (control->eve && control->eve->buf && control->eve_path)
		rc = eve_reopen(control->eve, control->eve_path);
	if (control->audit.file) {
		int audit_rc = audit_reopen(&control->audit);
		if (rc == 0)
			rc = audit_rc;
	}
	control->logs_reopened++;
	if (rc < 0)
		log_warning("logs reopen: %s (the EVE file is tried again at its next batch)",
			    strerror(-rc));
	else
		log_info("logs reopened: EVE %s, audit %s",
			 control->eve_path ? control->eve_path : "-",
			 control->audit.file ? control->audit.path : "-");
	return rc;
}

/* The next multiple of every seconds after now (wall clock), so hourly files start on the hour. */
static uint64_t control_next_rotation(uint64_t now_s, unsigned every)
{
	return (now_s / every + 1) * every;
}

/* Time-based rotation: due, and the file has lines (no empty archives). */
static void control_rotate_on_time(struct control *control)
{
	if (!control->eve_rotate_s || !control->eve_keep || !control->eve_path || !control->eve ||
	    !control->eve->buf)
		return;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t now_s = (uint64_t)now.tv_sec;
	if (control->eve_rotate_at == 0)
		control->eve_rotate_at = control_next_rotation(now_s, control->eve_rotate_s);
	if (now_s < control->eve_rotate_at)
		return;
	control->eve_rotate_at = control_next_rotation(now_s, control->eve_rotate_s);
	if (control->eve->size + control->eve->buf_used > 0)
		control_rotate_eve(control);
}

static void control_count_rule(struct control *control, const struct rule *rule)
{
	if (!control->rule_hits) {
		control->rule_hits = calloc(CONTROL_RULE_HIT_SLOTS, sizeof(*control->rule_hits));
		if (!control->rule_hits) {
			control->rule_hits_untracked++;
			return;
		}
	}
	uint64_t key = (uint64_t)rule->gid << 32 | rule->sid | 1ull << 63;
	uint32_t h = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 40);
	for (unsigned probe = 0; probe < 64; probe++) {
		struct control_rule_hits *e =
		    &control->rule_hits[(h + probe) & (CONTROL_RULE_HIT_SLOTS - 1)];
		if (e->key == key || e->key == 0) {
			e->key = key;
			e->hits++;
			return;
		}
	}
	control->rule_hits_untracked++;
}

static void control_keep_recent(struct control *control, const char *line, size_t len)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, line, len);
	copy[len] = '\0';
	free(control->recent[control->recent_next]);
	control->recent[control->recent_next] = copy;
	control->recent_next = (control->recent_next + 1) % CONTROL_RECENT_ALERTS;
}

void control_recent_alerts(const struct control *control, unsigned n,
			   void (*each)(void *arg, const char *line), void *arg)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < CONTROL_RECENT_ALERTS; i++)
		kept += control->recent[i] != NULL;
	if (n > kept)
		n = kept;
	for (unsigned k = kept - n; k < kept; k++) {
		unsigned at = kept < CONTROL_RECENT_ALERTS
				  ? k
				  : (control->recent_next + k) % CONTROL_RECENT_ALERTS;
		each(arg, control->recent[at]);
	}
}

static int control_hits_compare(const void *a, const void *b)
{
	const struct control_rule_hits *x = a, *y = b;
	return (x->hits < y->hits) - (x->hits > y->hits);
}

unsigned control_top_rules(const struct control *control, struct control_rule_hits *out,
			   unsigned max)
{
	if (!control->rule_hits)
		return 0;
	struct control_rule_hits *all = malloc(CONTROL_RULE_HIT_SLOTS * sizeof(*all));
	if (!all)
		return 0;
	unsigned n = 0;
	for (unsigned i = 0; i < CONTROL_RULE_HIT_SLOTS; i++)
		if (control->rule_hits[i].key) {
			all[n] = control->rule_hits[i];
			all[n++].key &= ~(1ull << 63);
		}
	qsort(all, n, sizeof(*all), control_hits_compare);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}

void control_free(struct control *control)
{
	for (unsigned i = 0; i < CONTROL_RECENT_ALERTS; i++) {
		free(control->recent[i]);
		control->recent[i] = NULL;
	}
	free(control->rule_hits);
	control->rule_hits = NULL;
	if (control->history)
		history_free(control->history);
	free(control->history);
	control->history = NULL;
}

/*
 * One EVE line: written to the EVE file and offered to every sink (each
 * sink's filter, [alerts] *_events and *_min_severity, decides what it
 * takes: by default syslog everything, a webhook the packets' events);
 * an event of a packet (alert, drop, anomaly, engine) is also kept for
 * alerts tail, flow, protocol and stats records are not.
 */
static void control_emit_line(struct control *control, const char *line, size_t n,
			      bool packet_event)
{
	struct eve *eve = control->eve;
	if (eve && eve->buf) {
		eve_append_line(eve, line, n);
		if (control->eve_max_bytes && control->eve_keep && control->eve_path &&
		    eve->size + eve->buf_used >= control->eve_max_bytes)
			control_rotate_eve(control);
	}
	for (unsigned i = 0; i < control->sink_count; i++)
		sink_push(control->sinks[i], line, n);
	if (packet_event)
		control_keep_recent(control, line, n);
}

/* One alert: formatted once, then out as every EVE line goes. */
static void control_emit_alert(struct control *control, const struct alert *alert)
{
	size_t n;
	const char *line = eve_format_alert_line(control->eve, alert, &n);
	if (line)
		control_emit_line(control, line, n, alert->kind == ALERT_KIND_PACKET);
	if (alert->rule)
		control_count_rule(control, alert->rule);
}

void control_engine_event(struct control *control, const char *in_iface, const char *level,
			  const char *module, const char *message)
{
	char line[1024];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t us = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
	size_t n = eve_format_engine(line, sizeof(line), us, in_iface, level, module, message);
	control_emit_line(control, line, n, true);
	/* An event is rare and wanted at once (a shipper tails the file). */
	if (control->eve && control->eve->buf)
		eve_flush(control->eve);
}

void control_stats_record(struct control *control)
{
	if (!control->stats)
		return;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t us = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
	double uptime = clock_monotonic_seconds() - control->started;
	size_t n = 0;
	if (uptime > 0)
		control->stats->seconds = uptime; /* the dataplane's time so far */
	char *line = stats_eve_record(control->stats, us, uptime > 0 ? uptime : 0, &n);
	if (!line)
		return;
	/* To the sinks too: their filters keep stats out of a webhook by default. */
	control_emit_line(control, line, n, false);
	if (control->eve && control->eve->buf)
		eve_flush(control->eve);
	free(line);
	control->stats_records++;
}

/* Milliseconds of wall-clock time (the dashboard's axis). */
static uint64_t control_wall_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* Take up to a burst of alerts from every ring; returns how many were taken. */
static unsigned control_take_alerts(struct control *control)
{
	struct alert alerts[CONTROL_BURST];
	unsigned total = 0;
	for (unsigned i = 0; i < control->alert_ring_count; i++) {
		unsigned n = rte_ring_sc_dequeue_burst_elem(control->alert_rings[i], alerts,
							    sizeof(alerts[0]), CONTROL_BURST, NULL);
		for (unsigned k = 0; k < n; k++) {
			/* flow and protocol records are no alerts of the status line */
			control->alerts_taken += alerts[k].kind == ALERT_KIND_PACKET;
			if (control->history && alerts[k].kind == ALERT_KIND_PACKET)
				history_alert(control->history, &alerts[k], control_wall_ms());
			if (control->eve)
				control_emit_alert(control, &alerts[k]);
		}
		total += n;
	}
	/* Readers (tail -f, shippers) see each batch at once, not at the next 4 KiB. */
	if (total && control->eve)
		eve_flush(control->eve);
	return total;
}

void control_drain_alerts(struct control *control)
{
	while (control_take_alerts(control) > 0)
		;
}

/* A frame of the exception path: to the data-side netif of the port it came in on. */
static void control_exception_frame(void *arg, uint16_t port, const void *frame, uint32_t len)
{
	struct control *control = arg;
	if (port < CONTROL_MAX_DATA_PORTS && control->data_netifs[port])
		mgmt_input_frame(control->data_netifs[port], frame, len);
}

void control_while_publishing(void *arg)
{
	struct control *control = arg;
	uint64_t now_ms = health_clock_ms();
	if (control->health)
		health_poll(control->health, now_ms, worker_stopping());
	if (control->watchdog)
		watchdog_poll(control->watchdog, now_ms);
}

unsigned control_poll(struct control *control)
{
	uint64_t now_ms = health_clock_ms();
	if (control_reopen_requested) {
		control_reopen_requested = 0;
		control_reopen_logs(control);
	}
	control_rotate_on_time(control);
	if (control->health)
		health_poll(control->health, now_ms, worker_stopping());
	if (control->watchdog)
		watchdog_poll(control->watchdog, now_ms);
	if (control->stats) {
		if (!control->history)
			control->history = calloc(1, sizeof(*control->history));
		if (control->history)
			history_poll(control->history, control->stats, control_wall_ms());
	}
	if (control->stats_interval_ms && now_ms >= control->stats_next_ms) {
		if (control->stats_next_ms)
			control_stats_record(control);
		control->stats_next_ms = now_ms + control->stats_interval_ms;
	}
	for (unsigned i = 0; i < control->exception_ring_count; i++)
		mgmt_port_drain(control->exception_rings[i], control_exception_frame, control);
	/* Bounded, so the management port is still served during an alert storm. */
	unsigned taken = 0;
	for (unsigned rounds = 0; rounds < 64; rounds++) {
		unsigned n = control_take_alerts(control);
		if (n == 0)
			break;
		taken += n;
	}
	if (control->mgmt)
		mgmt_poll(control->mgmt);
	if (control->console)
		console_poll(control->console);
	struct rte_mbuf *burst[CONTROL_BURST];
	for (unsigned i = control->mgmt ? 1 : 0; i < control->management_port_count; i++) {
		uint16_t n =
		    rte_eth_rx_burst(control->management_ports[i], 0, burst, CONTROL_BURST);
		control->management_rx_packets += n;
		rte_pktmbuf_free_bulk(burst, n);
	}
	return taken;
}
