/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigil's entry point: read the command line (options.c) and the board,
 * run a subcommand (commands.c) or start the EAL and the ports, build the
 * run (setup.c: filter, rules, workers, what is published to them), launch
 * one worker per worker lcore, run the control loop on the control (main)
 * lcore until a signal, --duration or the end of an offline pcap, then stop
 * the workers, print the summary and release everything. With the set-up
 * it calls, the only code that ends the process (log_fatal()).
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "control/control.h"
#include "control/eve.h"
#include "control/health.h"
#include "control/health_listener.h"
#include "control/console.h"
#include "control/console_commands.h"
#include "control/ipset_changes.h"
#include "control/mgmt.h"
#include "dataplane/action/exception.h"
#include "control/rules_update.h"
#include "control/sinks.h"
#include "control/watchdog.h"
#include "dataplane/alert.h"
#include "dataplane/app/app.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/flow/stream.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/detect/threshold.h"
#include "control/stats.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/pipeline.h"
#include "dataplane/publish.h"
#include "dataplane/worker.h"
#include "platform/board.h"
#include "platform/clock.h"
#include "platform/eal.h"
#include "platform/link.h"
#include "platform/flow_dump.h"
#include "platform/commands.h"
#include "platform/log.h"
#include "platform/options.h"
#include "platform/setup.h"
#include "dataplane/decode/decode.h"
#include "platform/offline.h"
#include "platform/port.h"
#include "rules/ruleset.h"

#define OFFLINE_IDLE_SECONDS 3.0

/* setup_workers_end_flows()' drain: what the last batch of flows wrote goes out. */
static void main_drain_alerts(void *control)
{
	control_drain_alerts(control);
}

/* The control loop ends; the workers forward until the slow part of the shut-down is over. */
static void on_signal(int signo)
{
	(void)signo;
	worker_request_stop();
}

static void on_release_signal(int signo)
{
	(void)signo;
	ratelimit_release_all();
}

static void on_hangup(int signo)
{
	(void)signo;
	filter_runtime_request_reload();
	control_request_reopen();
}

/* Packets the dataplane has taken off the input so far: handled or refused by the device. */
static uint64_t offline_progress(const struct port_set *ports, const struct worker_conf *workers,
				 unsigned worker_count)
{
	uint64_t n = 0;
	for (unsigned w = 0; w < worker_count; w++)
		n += *(const volatile uint64_t *)&workers[w]
			  .counters.counter[WORKER_COUNTER_RX_PACKETS];
	for (unsigned i = 0; i < ports->count; i++) {
		struct rte_eth_stats s;
		if (rte_eth_stats_get(ports->ports[i].port_id, &s) == 0)
			n += s.ierrors + s.imissed;
	}
	return n;
}

struct run_state {
	const struct options *options;
	bool offline;
	uint64_t offline_expected;
	uint64_t offline_seen;
	struct filter_runtime *filter; /* NULL: no filter file */
	struct link_watch *links;      /* the inline pairs' links (empty offline) */
};

/* The control lcore's loop; returns when the run is over. */
static void control_loop(struct run_state *run, struct control *control,
			 const struct port_set *ports, const struct worker_conf *workers,
			 unsigned worker_count)
{
	double start = clock_monotonic_seconds(), last_progress = start;
	uint64_t last_seen = 0;

	while (!worker_stopping()) {
		unsigned alerts = control_poll(control);
		link_watch_poll(run->links, clock_monotonic_us() / 1000);
		char err[FILTER_ERROR_MAX];
		int rc = run->filter ? filter_runtime_poll(run->filter, err, sizeof(err)) : 0;
		if (rc < 0)
			log_warning("filter reload refused, the running tables stay: %s", err);
		else if (rc > 0)
			log_info("filter: reloaded %s", run->filter->path);
		if (rc > 0 && filter_rule_sets_refresh(&setup_rule_sets, err, sizeof(err)))
			log_warning(
			    "filter: IP sets %s are gone from the reloaded file: rules on them "
			    "match nothing until it has them again",
			    err);
		double now = clock_monotonic_seconds();
		if (run->options->duration && now - start >= run->options->duration)
			break;
		if (run->offline) {
			run->offline_seen = offline_progress(ports, workers, worker_count);
			if (run->offline_seen >= run->offline_expected)
				break;
			if (run->offline_seen != last_seen) {
				last_seen = run->offline_seen;
				last_progress = now;
			} else if (now - last_progress > OFFLINE_IDLE_SECONDS) {
				break;
			}
		}
		/* Offline, workers wait on a full alert ring: keep draining while alerts come. */
		if (run->offline && alerts)
			continue;
		/* A fail-open bypass forwards a share of a worker's queues each pass. */
		rte_delay_us_sleep(run->offline				   ? 200
				   : watchdog_bypassing(control->watchdog) ? 50
									   : 1000);
	}
}

/* The counters' view for the summary and the console; its arrays live as long as the run. */
struct main_stats {
	struct stats_port ports[BOARD_MAX_PORTS];
	struct stats_worker workers[BOARD_MAX_WORKERS];
	struct stats_view view;
};

static void build_stats_view(struct main_stats *ms, const struct board *board,
			     const struct port_set *ports, const struct worker_conf *workers)
{
	ms->view = (struct stats_view){
	    .board = board->name,
	    .mode = board_mode_name(board->mode),
	    .ports = ms->ports,
	    .port_count = ports->count,
	    .workers = ms->workers,
	    .worker_count = board->worker_count,
	};
	for (unsigned i = 0; i < ports->count; i++)
		ms->ports[i] = (struct stats_port){ports->ports[i].conf->name,
						   board_role_name(ports->ports[i].conf->role),
						   ports->ports[i].port_id};
	for (unsigned w = 0; w < board->worker_count; w++)
		ms->workers[w] = (struct stats_worker){
		    workers[w].lcore_id,
		    w,
		    &workers[w].counters,
		    workers[w].detect.filter ? &workers[w].detect.filter->counters : NULL,
		    workers[w].defrag ? defrag_counters(workers[w].defrag) : NULL,
		    workers[w].detect.flows ? stream_pool_counters(workers[w].detect.flows->streams)
					    : NULL,
		    workers[w].detect.flows ? &workers[w].detect.flows->counters : NULL};
}

static void print_summary(struct stats_view *view, double seconds, const char *json)
{
	view->seconds = seconds;
	stats_print_summary(stdout, view);
	fflush(stdout);
	if (json) {
		int rc = stats_write_json(json, view);
		if (rc < 0)
			log_warning("--stats-json %s: %s", json, strerror(-rc));
	}
}

/* lwIP on the first management port when the board gives the appliance an address. */
static void start_management(const struct board *board, const struct port_set *ports,
			     struct control *control)
{
	if (control->management_port_count == 0 ||
	    !(board->management_ipv4.set || board->management_ipv6.set))
		return;
	struct mgmt_config config;
	setup_mgmt_address(&board->management_ipv4, &config.ipv4);
	setup_mgmt_address(&board->management_gateway4, &config.gateway4);
	setup_mgmt_address(&board->management_ipv6, &config.ipv6);
	char err[SETUP_ERROR_MAX];
	control->mgmt =
	    mgmt_start(control->management_ports[0], ports->pool, &config, err, sizeof(err));
	if (!control->mgmt)
		log_fatal("%s: error: %s", board->path, err);
	log_info("management stack up on port %u", control->management_ports[0]);
}

/* The data ports' own addresses, where the health checks are answered:
 * how many, or max + 1 when there are more. */
static unsigned health_addresses(const struct port_set *ports, struct health_address *out,
				 unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ports->count; i++) {
		const struct board_port *bp = ports->ports[i].conf;
		const struct board_prefix *own[] = {&bp->ipv4, &bp->ipv6};
		for (unsigned k = 0; k < 2; k++) {
			if (!own[k]->set)
				continue;
			if (n == max)
				return max + 1;
			out[n] = (struct health_address){.ipv6 = k == 1};
			memcpy(out[n].addr, own[k]->addr, k == 1 ? 16 : 4);
			n++;
		}
	}
	return n;
}

/*
 * The health watch over the workers' heartbeats, and the checks answered
 * on the data ports' own addresses ([health]). Not offline: no stack,
 * nobody to ask. Before the workers run, so the verdict starts as
 * "starting".
 */
static void start_health(const struct board *board, const struct port_set *ports,
			 struct worker_conf *workers, struct control *control)
{
	static struct health health;
	health_init(&health, board->health_stall_ms);
	for (unsigned w = 0; w < board->worker_count; w++)
		if (health_add_worker(&health, &workers[w].heartbeat.turns) < 0)
			log_fatal("%s: error: more than %d workers to watch", board->path,
				  HEALTH_MAX_WORKERS);
	control->health = &health;
	control->test_hooks = board->health_test_hooks;
	if (control->test_hooks)
		log_warning("health: test hooks on ([health] test_hooks): an admin may stall a "
			    "worker");
	struct health_listener_config config = {.tcp_port = (uint16_t)board->health_tcp_port,
						.http_port = (uint16_t)board->health_http_port};
	config.address_count =
	    health_addresses(ports, config.addresses, HEALTH_LISTENER_MAX_ADDRESSES);
	if (config.address_count > HEALTH_LISTENER_MAX_ADDRESSES)
		log_fatal("%s: error: [health]: more than %d own addresses on data ports",
			  board->path, HEALTH_LISTENER_MAX_ADDRESSES);
	if (config.address_count == 0 || !(config.tcp_port || config.http_port))
		return;
	char err[SETUP_ERROR_MAX];
	control->health_listener = health_listener_start(&config, &health, err, sizeof(err));
	if (!control->health_listener)
		log_fatal("%s: error: %s", board->path, err);
	log_info("health checks on the data ports' own addresses: TCP port %u%s, HTTP port %u%s; "
		 "failing when a worker makes no progress for %u ms",
		 config.tcp_port, config.tcp_port ? " (open while healthy)" : " (off)",
		 config.http_port, config.http_port ? " (200 or 503)" : " (off)",
		 board->health_stall_ms);
}

/* A change of an inline port's link, as an EVE engine event (the watch logged it). */
static void link_report_eve(void *arg, const struct link_report *r)
{
	control_engine_event(arg, r->port, r->warning ? "Warning" : "Info", "link", r->message);
}

/* Link propagation over the inline pairs ([board] link_propagation). Not offline. */
static void start_links(const struct board *board, const struct port_set *ports,
			struct link_watch *links, struct control *control)
{
	char err[SETUP_ERROR_MAX];
	if (link_watch_start(links, board, ports, link_report_eve, control, err, sizeof(err)) < 0)
		log_fatal("%s: error: %s", board->path, err);
}

/*
 * Fail-closed's way to a data port's link: through link propagation's
 * watch where it reads the port (so that it takes the change for vigil's
 * own, not a loss to propagate), directly otherwise; arg is the watch.
 */
static int fail_closed_link_set(void *arg, uint16_t port_id, bool up)
{
	int rc = link_watch_force(arg, port_id, !up, clock_monotonic_us() / 1000);
	return rc == -ENOENT ? link_port_set(port_id, up) : rc;
}

/* A fail-open or fail-closed transition as an EVE engine event (the watchdog logged it). */
static void fail_report_eve(void *arg, const char *level, const char *message)
{
	control_engine_event(arg, NULL, level, "watchdog", message);
}

/*
 * Fail-open or fail-closed ([board] fail): the watchdog over the workers'
 * heartbeats, with the data ports' links to take down and the EVE events
 * of its transitions. Not offline: a capture has no line to keep up with.
 */
static void start_watchdog(const struct board *board, const struct port_set *ports,
			   struct worker_conf *workers, struct link_watch *links,
			   struct control *control)
{
	static struct watchdog watchdog;
	enum watchdog_policy policy =
	    board->fail == BOARD_FAIL_OPEN ? WATCHDOG_FAIL_OPEN : WATCHDOG_FAIL_CLOSED;
	watchdog_init(&watchdog, policy, board->fail_after_ms, fail_closed_link_set, links,
		      fail_report_eve, control);
	for (unsigned w = 0; w < board->worker_count; w++)
		if (watchdog_add_worker(&watchdog, &workers[w]) < 0)
			log_fatal("%s: error: more than %d workers to watch", board->path,
				  WATCHDOG_MAX_WORKERS);
	for (unsigned i = 0; i < ports->count; i++)
		if (ports->ports[i].conf->role == BOARD_PORT_INLINE &&
		    watchdog_add_port(&watchdog, ports->ports[i].port_id) < 0)
			log_fatal("%s: error: [board] fail: port id %u out of the watchdog's reach",
				  board->path, ports->ports[i].port_id);
	control->watchdog = &watchdog;
	log_info("watchdog: fail-%s when a worker makes no progress for %u ms (%s)",
		 board_fail_name(board->fail), board->fail_after_ms,
		 policy == WATCHDOG_FAIL_OPEN
		     ? "its queues forwarded uninspected until it moves again"
		     : "the data links down until it moves again");
}

#define SINK_GRACE_MS 2000 /* at shut-down, a sink's time to deliver what is queued */

/* The syslog and webhook sinks the board names; they need the management stack. */
static void start_sinks(const struct board *board, struct control *control)
{
	const char *webhook_headers[sizeof(board->webhook_headers.line) /
				    sizeof(board->webhook_headers.line[0])];
	for (unsigned i = 0; i < board->webhook_headers.count; i++)
		webhook_headers[i] = board->webhook_headers.line[i];
	struct sink_config configs[] = {
	    {.kind = "syslog",
	     .target = board->syslog,
	     .ca = board->syslog_ca,
	     .server_name = board->syslog_server_name,
	     .facility = board->syslog_facility,
	     .events = board->syslog_events,
	     .min_severity = board->syslog_min_severity},
	    {.kind = "webhook",
	     .target = board->webhook,
	     .ca = board->webhook_ca,
	     .server_name = board->webhook_server_name,
	     .headers = webhook_headers,
	     .header_count = board->webhook_headers.count,
	     .events = board->webhook_events,
	     .min_severity = board->webhook_min_severity},
	};
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct sink_config *c = &configs[i];
		if (!c->target[0])
			continue;
		if (!control->mgmt)
			log_fatal(
			    "%s: error: [alerts] %s: needs the management stack ([management] ipv4 "
			    "or ipv6)",
			    board->path, c->kind);
		if (!c->server_name[0])
			c->server_name = NULL;
		c->cert = board->sink_client_cert[0] ? board->sink_client_cert : NULL;
		c->key = board->sink_client_key[0] ? board->sink_client_key : NULL;
		c->queue_len = board->sink_queue;
		c->batch = board->webhook_batch;
		c->hostname = board->name;
		c->dns = board->management_dns;
		char err[SETUP_ERROR_MAX];
		struct sink *sink = sink_start(c, err, sizeof(err));
		if (!sink)
			log_fatal("%s: error: %s", board->path, err);
		control->sinks[control->sink_count++] = sink;
		log_info("alerts: %s sink to %.120s%s", c->kind, c->target,
			 strlen(c->target) > 120 ? "..." : "");
	}
}

/*
 * A board with a console keeps its rule versions in [rules] store_dir: once
 * one was committed, vigil runs the last committed version again rather
 * than the --rules files (what the operator committed survives a restart,
 * a crash included: control/rules_store.h). Its files and policy replace
 * --rules and --policy in options. Returns that version, or NULL (a first
 * start, or a version whose files are gone: --rules as given).
 */
static const struct rules_version *restore_committed_rules(const struct board *board,
							   struct options *options)
{
	static struct rules_version v;
	if (!board->console_cert[0] || !board->rules_store_dir[0])
		return NULL;
	int rc = rules_update_last_committed(board->rules_store_dir, &v);
	if (rc == -ENOENT && v.number == 0)
		return NULL;
	if (rc < 0 || v.file_count > OPTIONS_MAX_LIST) {
		log_warning("rules: the last committed version %u in %s cannot be run again (%s): "
			    "starting from --rules",
			    v.number, board->rules_store_dir,
			    rc < 0 ? strerror(-rc) : "too many files");
		return NULL;
	}
	options->rule_count = v.file_count;
	for (unsigned i = 0; i < v.file_count; i++)
		options->rules[i] = v.files[i];
	if (v.policy[0])
		options->policy = v.policy;
	log_info("rules: version %u, the last committed in %s (%s), instead of --rules", v.number,
		 board->rules_store_dir, v.origin);
	return &v;
}

/* The TLS console, when the board names its certificate, key and the operator CA. */
static void start_console(const struct board *board, const struct options *o,
			  struct ruleset *ruleset, struct control *control,
			  const struct rules_version *restored)
{
	if (!control->mgmt || !board->console_cert[0])
		return;
	static const char *vars[BOARD_MAX_VARS];
	static uint8_t action_rank[RULE_ACTION_COUNT];
	static struct rules_update rules;
	struct ruleset_options ro = setup_rules_options(o, board, vars, action_rank);
	int rc = rules_update_init(&rules, &ro, setup_policy_path(o, board), ruleset,
				   board->rules_store_dir, board->flows, control, restored);
	if (rc < 0)
		log_fatal("%s: error: [rules] store_dir: cannot use %s: %s", board->path,
			  board->rules_store_dir, strerror(-rc));
	/* The files of version 1 are the --rules paths; they stay valid for the run. */
	control->rules = &rules;
	rc = audit_open(&control->audit, board->audit_log);
	if (rc < 0)
		log_fatal("%s: error: [management] audit_log: cannot open %s: %s", board->path,
			  board->audit_log, strerror(-rc));
	struct console_config config = {
	    .port = (uint16_t)board->console_port,
	    .cert = board->console_cert,
	    .key = board->console_key,
	    .ca = board->operator_ca,
	    .sessions = board->console_sessions,
	    .handshakes = board->console_handshakes,
	    .handshake_timeout_ms = board->console_handshake_timeout_ms,
	    .admin_idle_s = board->console_admin_idle_s,
	    .viewer_idle_s = board->console_viewer_idle_s,
	    .has_ipv4 = board->management_ipv4.set,
	    .has_ipv6 = board->management_ipv6.set,
	};
	memcpy(config.ipv4, board->management_ipv4.addr, 4);
	memcpy(config.ipv6, board->management_ipv6.addr, 16);
	char err[SETUP_ERROR_MAX];
	control->console = console_start(&config, console_commands_execute,
					 console_commands_refused, control, err, sizeof(err));
	if (!control->console)
		log_fatal("%s: error: %s", board->path, err);
	log_info("console listening on TCP port %u (TLS 1.2, client certificates from %s)",
		 board->console_port, board->operator_ca);
}

/*
 * The link type EVE's packet_info names for an offline run's capture, and
 * the Ethernet header vigil put in front of a raw IP capture's frames
 * (rewritten: offline_ethernet_input()), which EVE's packet leaves out. A
 * BSD loopback capture lost its own header in the copy: its frames are
 * logged as raw IP (DLT_RAW, 101).
 */
static void set_eve_link(struct eve_site *site, const char *pcap, bool rewritten)
{
	int linktype = pcap ? offline_link_type(pcap) : 1;
	if (linktype < 0)
		return;
	site->linktype = linktype;
	if (!rewritten)
		return;
	site->frame_prefix = 14;
	if (linktype == 0 || linktype == 108) /* DLT_NULL, DLT_LOOP */
		site->linktype = 101;
}

/*
 * The appliance's side of every EVE record: host is the board's name
 * (else the system's), in_iface the name of each port by DPDK port id.
 */
static void set_eve_site(const struct board *board, const struct port_set *ports, const char *pcap,
			 bool rewritten)
{
	struct eve_site site = {
	    .field_limit = board->eve_field_limit,
	    .ether = board->eve_ether,
	    .community_id_seed = (uint16_t)board->eve_community_id_seed,
	    .packet = board->eve_packet,
	    .payload = board->eve_payload,
	    .payload_printable = board->eve_payload_printable,
	    .pcap_filename = pcap && board->eve_pcap_file ? pcap : NULL,
	    .linktype = 1, /* DLT_EN10MB: every live port */
	};
	set_eve_link(&site, pcap, rewritten);
	alert_set_keep_frame(site.packet || site.payload || site.payload_printable);
	if (board->name[0])
		snprintf(site.host, sizeof(site.host), "%s", board->name);
	else if (gethostname(site.host, sizeof(site.host) - 1) != 0)
		site.host[0] = '\0';
	for (unsigned i = 0; i < ports->count; i++)
		if (ports->ports[i].port_id < EVE_MAX_PORTS)
			site.port_names[ports->ports[i].port_id] = ports->ports[i].conf->name;
	eve_set_site(&site);
}

int main(int argc, char **argv)
{
	static struct board board;
	struct options options;
	struct port_set ports;
	struct control control = {0};
	char err[SETUP_ERROR_MAX];
	static struct link_watch links;
	struct run_state run = {.options = &options, .links = &links};

	options_parse(argc, argv, &options);
	if (options.ipset_export || options.ipset_import)
		return commands_ipset(&options);
	if (options.board_path && board_load(&board, options.board_path, options.overrides,
					     options.override_count, err, sizeof(err)) < 0)
		log_fatal("%s", err);
	setup_filter_spec_read(&options, options.board_path ? &board : NULL);
	if (options.check && (options.filter || (options.board_path && board.filter_file[0]))) {
		commands_filter_check(options.filter ? options.filter : board.filter_file);
		if (options.rule_count == 0)
			return EXIT_SUCCESS;
	}
	if (options.check) {
		struct ruleset *checked =
		    setup_rules_load(&options, options.board_path ? &board : NULL, true);
		ruleset_free(checked);
		return EXIT_SUCCESS;
	}
	const struct rules_version *restored = restore_committed_rules(&board, &options);
	struct ruleset *ruleset = setup_rules_load(&options, &board, false);

	run.offline = setup_reads_pcap(&board);
	if (!run.offline && options.pcap && options.out) {
		board_make_offline(&board);
		run.offline = true;
		log_info("board %s runs offline: port %s reads %s, writes %s", board.name,
			 board.port_count ? board.ports[0].name : "?", options.pcap, options.out);
	}
	if (!run.offline && (options.pcap || options.out))
		log_fatal(
		    "%s: error: give both --pcap IN and --out OUT to run board \"%s\" offline",
		    board.path, board.name);
	if (run.offline && (!options.pcap || !options.out))
		log_fatal("%s: error: board \"%s\" is offline: give --pcap IN and --out OUT",
			  board.path, board.name);
	int counted = run.offline ? offline_count_packets(options.pcap, &run.offline_expected, err,
							  sizeof(err))
				  : 0;
	if (counted < 0)
		log_fatal("%s", err);
	if (counted > 0)
		log_warning("%s", err);

	char input[PATH_MAX] = "";
	if (run.offline &&
	    offline_ethernet_input(options.pcap, input, sizeof(input), err, sizeof(err)) < 0)
		log_fatal("%s", err);
	/* a copy with Ethernet headers is decoded as Ethernet (decode_link.c: the rest) */
	if (input[0] && strcmp(input, options.pcap) != 0)
		decode_capture_link = DECODE_LINK_ETHERNET;
	struct eal_vars vars = {.pcap = input[0] ? input : options.pcap, .out = options.out};
	if (eal_start(&board, &vars, argv[0], err, sizeof(err)) < 0)
		log_fatal("%s", err);
	int started = port_start_all(&ports, &board, &vars, err, sizeof(err));
	if (input[0] && strcmp(input, options.pcap) != 0)
		unlink(input); /* the device holds it open: the name is no longer needed */
	if (started < 0) {
		port_stop_all(&ports);
		log_fatal("%s", err);
	}
	for (unsigned i = 0; i < ports.count; i++)
		if (ports.ports[i].conf->role == BOARD_PORT_MANAGEMENT &&
		    control_add_management_port(&control, ports.ports[i].port_id) < 0)
			log_fatal("%s: error: more than %d management ports", board.path,
				  CONTROL_MAX_PORTS);

	start_management(&board, &ports, &control);

	/* One publish scheme for rules, mode and filter: set up before the
	 * workers exist, so the first objects go out the way later ones do. */
	if (publish_domain_init(&setup_published.domain, board.worker_count) < 0 ||
	    dataplane_mode_publish(&setup_published, board.mode == BOARD_MODE_IPS) < 0)
		log_fatal("cannot allocate the workers' RCU state");
	run.filter = setup_filter(&options, &board);
	struct worker_conf *workers = setup_workers_create(&board, &ports, ruleset, run.filter);
	setup_rules_publish_first(&board, ruleset);
	setup_exception_path_start(&board, &ports, workers, &control);
	if (!run.offline) {
		start_health(&board, &ports, workers, &control);
		start_links(&board, &ports, &links, &control);
		start_watchdog(&board, &ports, workers, &links, &control);
	}
	/* Alerts are formatted as EVE lines for the file and the sinks alike. */
	struct eve eve = {.fd = -1, .ruleset = ruleset};
	if (options.eve) {
		int rc = eve_open(&eve, options.eve, ruleset);
		if (rc < 0)
			log_fatal("--eve %s: error: %s", options.eve, strerror(-rc));
		control.eve_path = options.eve;
		control.eve_max_bytes = (uint64_t)board.eve_max_mb << 20;
		control.eve_keep = board.eve_keep;
		control.eve_rotate_s = board.eve_rotate_s;
		eve.pcap_cnt = run.offline; /* one worker reads the capture: its packet numbers */
	}
	eve.client_from_xff = board.behind_proxy;
	set_eve_site(&board, &ports, run.offline ? options.pcap : NULL,
		     run.offline && input[0] && strcmp(input, options.pcap) != 0);
	control.eve = &eve;
	start_sinks(&board, &control);
	for (unsigned w = 0; w < board.worker_count; w++)
		control_add_alert_ring(&control, workers[w].detect.alerts);
	static struct main_stats stats;
	build_stats_view(&stats, &board, &ports, workers);
	stats.view.eve = &eve;
	stats.view.health = control.health;
	stats.view.health_listener = control.health_listener;
	stats.view.links = &links;
	stats.view.watchdog = control.watchdog;
	control.stats = &stats.view;
	control.stats_interval_ms = (uint64_t)board.eve_stats_interval_s * 1000;
	control.workers = workers;
	control.published = &setup_published;
	control.filter = run.filter;
	control.ipset_changes = run.filter ? run.filter->adjust_arg : NULL;
	control.worker_count = board.worker_count;
	control.board_name = board.name;
	control.board_path = board.path;
	start_console(&board, &options, ruleset, &control, restored);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct sigaction hup = {.sa_handler = on_hangup};
	sigaction(SIGHUP, &hup, NULL);
	/* A file-size limit on the EVE file is a write error (EFBIG) to count, not the end. */
	signal(SIGXFSZ, SIG_IGN);
	struct sigaction release = {.sa_handler = on_release_signal, .sa_flags = SA_RESTART};
	sigaction(SIGUSR1, &release, NULL);

	log_info("board %s (%s), mode %s, %u worker lcore(s), %u port(s)%s", board.name, board.path,
		 board_mode_name(board.mode), board.worker_count, ports.count,
		 run.offline ? ", offline" : "");
	for (unsigned i = 0; i < ports.count; i++) {
		const struct port_runtime *p = &ports.ports[i];
		char mtu[64] = "";
		if (p->mtu)
			snprintf(mtu, sizeof(mtu), ", MTU %u%s", p->mtu,
				 p->scattered ? " (chained mbufs)" : "");
		log_info("port %s: %s, %u queue(s): %s%s%s%s", p->conf->name,
			 board_role_name(p->conf->role), p->queues, p->spread.text, mtu,
			 p->conf->role == BOARD_PORT_INLINE ? ", pair " : "",
			 p->conf->role == BOARD_PORT_INLINE ? board.ports[p->conf->pair].name : "");
	}

	double start = clock_monotonic_seconds();
	control.started = start;
	for (unsigned w = 0; w < board.worker_count; w++)
		if (rte_eal_remote_launch(worker_main, &workers[w], workers[w].lcore_id) != 0)
			log_fatal("cannot launch worker on lcore %u", workers[w].lcore_id);
	if (control.watchdog)
		watchdog_start(control.watchdog);
	/* A publish waiting for a stalled worker keeps the watchdog and health going. */
	setup_published.domain.while_waiting_arg = &control;
	setup_published.domain.while_waiting = control_while_publishing;
	log_info("forwarding%s", run.offline ? "" : "; SIGINT or SIGTERM stops");

	control_loop(&run, &control, &ports, workers, board.worker_count);
	/* Failing from now on (the checks saw it at the signal already), and said so. */
	if (control.health)
		health_poll(control.health, health_clock_ms(), true);
	/* The workers still forward while the console's threads notice the
	 * stop (up to half a second): a restart's gap is only what follows. */
	console_stop(control.console);
	/* Queues a fail-open holds go back (their workers send what they
	 * hold); fail-closed takes the links down until the next start. */
	if (control.watchdog)
		watchdog_stop(control.watchdog, health_clock_ms());
	worker_stop();
	rte_eal_mp_wait_lcore();
	setup_published.domain.while_waiting = NULL;
	control_drain_alerts(&control);
	/* the flows still live get their records (reason shutdown) before the EVE file closes */
	setup_workers_end_flows(workers, board.worker_count, main_drain_alerts, &control);
	/* The run's last counters, as Suricata writes one at its end. */
	if (board.eve_stats_interval_s) {
		stats.view.seconds = clock_monotonic_seconds() - start;
		control_stats_record(&control);
	}
	for (unsigned i = 0; i < control.sink_count; i++)
		sink_stop(control.sinks[i], SINK_GRACE_MS);
	eve_close(&eve);
	double seconds = clock_monotonic_seconds() - start;

	print_summary(&stats.view, seconds, options.stats_json);
	link_watch_stop(&links);
	setup_filter_summary(workers, board.worker_count);
	int status = EXIT_SUCCESS;
	if (run.offline && run.offline_seen < run.offline_expected) {
		log_warning("offline: only %llu of the %llu packets of %s were read",
			    (unsigned long long)run.offline_seen,
			    (unsigned long long)run.offline_expected, options.pcap);
		status = EXIT_FAILURE;
	}
	if (board.flow_dump[0]) {
		long n =
		    flow_dump_write(board.flow_dump, workers, board.worker_count, err, sizeof(err));
		if (n < 0)
			log_warning("%s", err);
		else
			log_info("flow dump: %ld flows in %s", n, board.flow_dump);
	}
	health_listener_stop(control.health_listener);
	setup_exception_path_free(workers, board.worker_count, &control);
	setup_workers_free(workers, board.worker_count);
	if (run.filter)
		filter_runtime_free(run.filter);
	free(publish_swap(&setup_published.domain, (void **)&setup_published.mode, NULL));
	publish_domain_free(&setup_published.domain);
	if (control.rules) {
		/* the update machinery owns the live ruleset (the one vigil started with
		 * was freed at the first commit) */
		ruleset = (struct ruleset *)control.rules->live;
		rules_update_close(control.rules);
	}
	ruleset_free(ruleset);
	mgmt_stop(control.mgmt);
	audit_close(&control.audit);
	control_free(&control);
	port_stop_all(&ports);
	eal_stop();
	return status;
}
