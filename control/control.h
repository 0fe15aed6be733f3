/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control lcore's loop body: it feeds the management port's frames to
 * the lwIP stack (control/mgmt.h; without addresses on the board they are
 * counted and freed) and takes the workers' alerts; the console, rule
 * updates and alert sinks hang off the same poll. It never touches a
 * worker's state: workers are read, never written, except through the
 * queue handoff of a fail-open (control/watchdog.h, dataplane/handoff.h).
 */
#ifndef VIGIL_CONTROL_CONTROL_H
#define VIGIL_CONTROL_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#define CONTROL_MAX_PORTS      4
#define CONTROL_MAX_WORKERS    64
#define CONTROL_MAX_SINKS      4
#define CONTROL_MAX_DATA_PORTS 32    /* port ids with a data-side netif (EXCEPTION_MAX_PORTS) */
#define CONTROL_RECENT_ALERTS  256   /* EVE lines kept for alerts tail */
#define CONTROL_RULE_HIT_SLOTS 16384 /* distinct (gid, sid) counted for stats */

#include "control/audit.h"

struct rte_ring;
struct eve;
struct mgmt;
struct console;
struct stats_view;
struct worker_conf;
struct dataplane_published;
struct rules_update;
struct filter_runtime;
struct ipset_changes;
struct sink;
struct health;
struct health_listener;
struct watchdog;
struct history;

struct control {
	uint16_t management_ports[CONTROL_MAX_PORTS];
	unsigned management_port_count;
	uint64_t management_rx_packets; /* frames received with no stack to answer them */
	struct mgmt *mgmt; /* lwIP on management_ports[0]; NULL: frames are counted and freed */
	/* The exception path: each worker's ring of the appliance's own frames
	 * from data ports, and the data-side netif of each such port (by port id). */
	void *exception_rings[CONTROL_MAX_WORKERS];
	unsigned exception_ring_count;
	struct mgmt *data_netifs[CONTROL_MAX_DATA_PORTS];
	struct rte_ring *alert_rings[CONTROL_MAX_WORKERS]; /* one per worker, we consume */
	unsigned alert_ring_count;
	struct eve *eve; /* how alerts are formatted, and the EVE file (eve->file NULL: none) */
	uint64_t alerts_taken;
	/* EVE file rotation: past eve_max_bytes the file becomes PATH.1 (PATH.1
	 * becomes PATH.2, ... up to eve_keep) and a new PATH starts; 0: never. */
	const char *eve_path;
	uint64_t eve_max_bytes;
	unsigned eve_keep;
	uint64_t eve_rotations;
	/* Time-based rotation as well: every eve_rotate_s seconds, at multiples
	 * of it in wall-clock time (3600: on the hour), a file with lines in
	 * it is rotated as above; 0: never. eve_rotate_at: the next one, in
	 * CLOCK_REALTIME seconds (0: not yet computed). */
	unsigned eve_rotate_s;
	uint64_t eve_rotate_at;
	/* Reopens of the EVE file and the audit log (SIGHUP, logs reopen): an
	 * outside tool (logrotate with "create") moved them away. */
	uint64_t logs_reopened;
	struct sink *sinks[CONTROL_MAX_SINKS]; /* syslog, webhook: every alert is offered to each */
	unsigned sink_count;
	/* The last CONTROL_RECENT_ALERTS EVE lines (malloc'd), oldest at recent_next
	 * once full; and alerts per rule since start (open addressing on gid:sid;
	 * a full table counts rule_hits_untracked). */
	char *recent[CONTROL_RECENT_ALERTS];
	unsigned recent_next;
	struct control_rule_hits {
		uint64_t key; /* gid << 32 | sid; 0: free */
		uint64_t hits;
	} * rule_hits;
	uint64_t rule_hits_untracked;

	/* What the console's commands (control/console_commands.c) read and change. */
	struct console *console; /* NULL: no console on this board */
	struct audit audit;
	const char *board_name;
	const char *board_path;
	double started;		  /* seconds (CLOCK_MONOTONIC) when the dataplane started */
	struct stats_view *stats; /* counters of ports and workers, for stats */
	/* EVE stats records ([eve] stats_interval_s): one every
	 * stats_interval_ms (0: none) from control_poll, the next due at
	 * stats_next_ms (health_clock_ms); and one at the end (control_stats_record). */
	uint64_t stats_interval_ms;
	uint64_t stats_next_ms;
	uint64_t stats_records;
	struct worker_conf *workers; /* read only: their counters and rings */
	unsigned worker_count;
	struct dataplane_published *published; /* rules, mode, filter: dataplane/publish.h */
	struct rules_update *rules;	       /* rule update transactions; NULL: no console */
	struct filter_runtime *filter;	     /* the published filter tables; NULL: no filter file */
	struct ipset_changes *ipset_changes; /* the console's IP-set changes (filter->adjust_arg) */

	/* Health (control/health.h): the workers' heartbeats, judged on every
	 * pass; NULL: none (offline). The checks answered from it on the data
	 * ports' own addresses; NULL: none. test_hooks: [health] test_hooks,
	 * which lets an admin stall a worker (debug stall-worker). */
	struct health *health;
	struct health_listener *health_listener;
	bool test_hooks;
	/* Fail-open or fail-closed (control/watchdog.h): a stalled worker's
	 * queues forwarded uninspected, or the links down; NULL: none (offline). */
	struct watchdog *watchdog;
	/* The dashboard's last hour (control/history.h); NULL until the first
	 * sample (boards with counters only). */
	struct history *history;
};

/*
 * Ask the control lcore to reopen the EVE file and the audit log at its
 * next pass (control_reopen_logs). Async-signal-safe: SIGHUP's handler
 * calls it; it only sets a flag.
 */
void control_request_reopen(void);

/*
 * Reopen the EVE file and the audit log at their paths now, after writing
 * what is queued into the files they were: whatever moved them away
 * (logrotate's "create") gets every line up to this point, and every line
 * after it goes to the new file. A file that cannot be opened is reported
 * (-errno, the first error) and the EVE writer tries again at its next
 * batch; the audit log keeps its old file then. Control lcore.
 */
int control_reopen_logs(struct control *control);

/*
 * What the control lcore must keep doing while a publish waits for a
 * stalled worker (struct publish_domain.while_waiting, arg the control):
 * judge health and run the watchdog (fail-open forwarding of the stalled
 * worker's queues, or its links down). Control lcore.
 */
void control_while_publishing(void *arg);

/*
 * Write one EVE stats record now (stats_eve_record) to the EVE file, and
 * flush it, and offer it to the sinks (whose filters keep it out of a
 * webhook by default). Nothing without control->stats. Control lcore.
 */
void control_stats_record(struct control *control);

/* Add a worker's alert ring. Returns 0 or -ENOSPC. */
int control_add_alert_ring(struct control *control, struct rte_ring *ring);

/* Take every queued alert now (shut-down: after the workers stopped). Control lcore. */
void control_drain_alerts(struct control *control);

/* Add a management port (queue 0 is the control lcore's). Returns 0 or -ENOSPC. */
int control_add_management_port(struct control *control, uint16_t port_id);

/*
 * Call each(arg, line) for the last n alerts kept (oldest first), and
 * give the rules with the most alerts: up to max entries into out, sorted
 * by hits; returns how many. Control lcore.
 */
void control_recent_alerts(const struct control *control, unsigned n,
			   void (*each)(void *arg, const char *line), void *arg);
unsigned control_top_rules(const struct control *control, struct control_rule_hits *out,
			   unsigned max);

/*
 * An event of the appliance itself (a port's link, ...): one EVE engine
 * event (eve_format_engine, stamped now), written to the EVE file, offered
 * to every sink and kept with the recent alerts. level: Suricata's
 * ("Info", "Warning", ...). Control lcore only.
 */
void control_engine_event(struct control *control, const char *in_iface, const char *level,
			  const char *module, const char *message);

/* Free what the control lcore keeps (recent alerts, rule hits). */
void control_free(struct control *control);

/*
 * One pass of the control loop: judge the workers' heartbeats (health),
 * run the fail-open/fail-closed watchdog (and forward a bounded share of
 * a stalled worker's queues), poll the management ports and the console,
 * take alerts (at most 64 bursts per ring, so the console is still served
 * during an alert storm). Returns how many alerts it took: the caller polls
 * again at once rather than sleeping while alerts come (offline, workers
 * wait on a full ring). Control lcore only.
 */
unsigned control_poll(struct control *control);

#endif
