/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading the dataplane's counters: per port (from the device), per worker
 * lcore (from its own struct worker_counters) and summed. Text for the
 * operator at shut-down, JSON for scripts and tests. Runs on the control
 * lcore only; workers are never asked for anything, their counters are read
 * in place.
 */
#ifndef VIGIL_CONTROL_STATS_H
#define VIGIL_CONTROL_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "dataplane/counters.h"
#include "dataplane/decode/defrag.h"

struct stats_port {
	const char *name;
	const char *role;
	uint16_t port_id;
};

struct filter_counters;
struct flow_counters;
struct eve;
struct health;
struct health_listener;
struct link_watch;
struct watchdog;

struct stats_worker {
	unsigned lcore_id;
	unsigned worker_index;
	const struct worker_counters *counters;
	const struct filter_counters *filter; /* NULL: no filter file */
	const struct defrag_counters *defrag; /* NULL: no IP reassembly */
	const struct stream_counters *stream; /* TCP reassembly; NULL: no flow table */
	const struct flow_counters *flows;    /* the worker's flow table; NULL: none */
};

struct stats_view {
	const char *board;
	const char *mode;
	double seconds; /* how long the dataplane ran */
	const struct stats_port *ports;
	unsigned port_count;
	const struct stats_worker *workers;
	unsigned worker_count;
	const struct eve *eve;	     /* the EVE file's counters; NULL or closed: no --eve */
	const struct health *health; /* the workers' heartbeats and the verdict; NULL: none */
	const struct health_listener *health_listener; /* the checks answered; NULL: none */
	const struct link_watch *links;	 /* the inline ports' links (platform/link.h); NULL: none */
	const struct watchdog *watchdog; /* fail-open or fail-closed; NULL: none (offline) */
};

/* Sum of every worker's counters. */
void stats_total(const struct stats_view *view, struct worker_counters *total);

/* The shut-down summary: per port, per lcore, totals, drops and malformed by reason. */
void stats_print_summary(FILE *out, const struct stats_view *view);

/* The counters as one JSON object (see README), no newline after it. */
void stats_json(FILE *out, const struct stats_view *view);

/*
 * One EVE stats record (event_type "stats", as Suricata 8 writes it and
 * its schema accepts), no newline: stamped timestamp_us (wall clock), the
 * counters vigil keeps in Suricata's layout where it has one (uptime,
 * capture, decoder, flow, tcp, defrag, detect, ips) and all of vigil's own
 * (stats_json's object) under metadata.flowints.vigil.stats (control/eve.h).
 * Returns a malloc'd line (the caller frees it) and its length in *len, or
 * NULL when out of memory. Control lcore.
 */
char *stats_eve_record(const struct stats_view *view, uint64_t timestamp_us, double uptime_s,
		       size_t *len);

/* The same object written to the file at path, with a newline. Returns 0 or -errno. */
int stats_write_json(const char *path, const struct stats_view *view);

#endif
