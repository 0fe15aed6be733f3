/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigil's entry point: read the command line and the board, start the EAL
 * and the ports, launch one worker per worker lcore, run the control loop
 * on the control (main) lcore until a signal, --duration or the end of an
 * offline pcap, then stop the workers, print the summary and release
 * everything. The only code that ends the process.
 */
#include <errno.h>
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
#include "control/console.h"
#include "control/console_commands.h"
#include "control/ipset_changes.h"
#include "control/mgmt.h"
#include "dataplane/action/exception.h"
#include "control/rules_update.h"
#include "control/sinks.h"
#include "dataplane/alert.h"
#include "dataplane/app/app.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
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
#include "platform/log.h"
#include "platform/offline.h"
#include "platform/port.h"
#include "rules/ruleset.h"

#define MAIN_MAX_LIST	     64
#define MAIN_ERROR_MAX	     1024
#define OFFLINE_IDLE_SECONDS 3.0 /* no progress for this long: the pcap device gave up */

struct options {
	const char *board_path;
	const char *rules[MAIN_MAX_LIST];
	unsigned rule_count;
	const char *overrides[MAIN_MAX_LIST];
	unsigned override_count;
	const char *pcap;
	const char *out;
	const char *stats_json;
	const char *eve;
	const char *policy;	  /* --policy FILE: beats [rules] policy_file */
	bool check;		  /* --check: load and compile the rules, report, exit */
	bool check_list;	  /* --check-list: also one line per refused rule */
	const char *filter;	  /* --filter FILE (else the board's [filter] file) */
	const char *ipset_export; /* --ipset-export NAME: print that set of the filter file */
	const char *ipset_import; /* --ipset-import FILE: read a set list, print it */
	const char *ipset_format; /* --format aws|text */
	double duration;	  /* seconds, 0: until a signal */
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: vigil --board FILE [--rules FILE ...] [--policy FILE] [--filter FILE]\n"
	    "             [--pcap IN --out OUT] [--eve FILE] [--set SECTION.KEY=VALUE ...]\n"
	    "             [--stats-json FILE] [--duration SECONDS]\n"
	    "       vigil --rules FILE ... [--policy FILE] --check [--board FILE]\n"
	    "       vigil --filter FILE --check\n"
	    "       vigil --ipset-export NAME --filter FILE [--format aws|text]\n"
	    "       vigil --ipset-import FILE [--format aws|text]\n"
	    "\n"
	    "  --board FILE        the deployment: ports, lcores, mode (board/*.conf)\n"
	    "  --rules FILE ...    Suricata-compatible rule files\n"
	    "  --policy FILE       operator policy: enable/disable, actions, exceptions, rate\n"
	    "                      limits (overrides [rules] policy_file)\n"
	    "  --eve FILE          append EVE JSON alert lines to FILE\n"
	    "  --check             load and compile the rules, report what did not load, exit\n"
	    "  --check-list        the same, and one line per refused rule\n"
	    "  --filter FILE       the filter file: ACL, stateful rules, IP sets, domain lists\n"
	    "                      (SIGHUP re-reads it; a bad file is refused, the old one stays)\n"
	    "  --pcap IN --out OUT offline boards: read IN, write what passes to OUT\n"
	    "  --set S.K=V         override a board setting, e.g. --set board.mode=ids,\n"
	    "                      --set \"port inside.device=net_af_packet0,iface=eth1\"\n"
	    "  --stats-json FILE   write the final counters as JSON\n"
	    "  --duration SECONDS  stop after this long (live boards)\n"
	    "\n"
	    "Stops on SIGINT or SIGTERM (offline boards: at the end of IN) and prints a summary.\n"
	    "SIGUSR1 releases every source blocked by a rate limit.\n");
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("vigil: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_FAILURE);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"board", required_argument, NULL, 'b'},
	    {"rules", required_argument, NULL, 'r'},
	    {"pcap", required_argument, NULL, 'p'},
	    {"out", required_argument, NULL, 'o'},
	    {"set", required_argument, NULL, 's'},
	    {"stats-json", required_argument, NULL, 'j'},
	    {"duration", required_argument, NULL, 'd'},
	    {"eve", required_argument, NULL, 'e'},
	    {"policy", required_argument, NULL, 'P'},
	    {"check", no_argument, NULL, 'c'},
	    {"check-list", no_argument, NULL, 'L'},
	    {"filter", required_argument, NULL, 'f'},
	    {"ipset-export", required_argument, NULL, 'X'},
	    {"ipset-import", required_argument, NULL, 'I'},
	    {"format", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, last = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	/* "-" keeps non-option words in place, so "--rules a b c" takes all three. */
	while ((c = getopt_long(argc, argv, "-h", longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (last != 'r')
				fail("unexpected argument \"%s\" (see --help)", optarg);
			/* fall through */
		case 'r':
			if (o->rule_count == MAIN_MAX_LIST)
				fail("--rules: more than %d files", MAIN_MAX_LIST);
			o->rules[o->rule_count++] = optarg;
			c = 'r';
			break;
		case 'b':
			o->board_path = optarg;
			break;
		case 'p':
			o->pcap = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 's':
			if (o->override_count == MAIN_MAX_LIST)
				fail("--set: more than %d overrides", MAIN_MAX_LIST);
			o->overrides[o->override_count++] = optarg;
			break;
		case 'j':
			o->stats_json = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || o->duration <= 0)
				fail("--duration: \"%s\" is not a positive number of seconds",
				     optarg);
			break;
		case 'e':
			o->eve = optarg;
			break;
		case 'P':
			o->policy = optarg;
			break;
		case 'c':
			o->check = true;
			break;
		case 'L':
			o->check = o->check_list = true;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'X':
			o->ipset_export = optarg;
			break;
		case 'I':
			o->ipset_import = optarg;
			break;
		case 'F':
			o->ipset_format = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			usage(stderr);
			exit(EXIT_FAILURE);
		}
		last = c;
	}
	if (o->ipset_export || o->ipset_import)
		return;
	if (!o->board_path && !o->check)
		fail("--board FILE is required (see --help)");
	if (o->check && o->rule_count == 0 && !o->filter)
		fail("--check needs --rules FILE ... or --filter FILE");
}

static bool board_reads_pcap(const struct board *board)
{
	for (unsigned i = 0; i < board->port_count; i++)
		if (strstr(board->ports[i].device, "${pcap}"))
			return true;
	return false;
}

/*
 * The filter file, read once before the rules (a rule on "@NAME" needs
 * the set names when it is parsed) and compiled into tables once the EAL
 * runs; the IP sets as rule address groups (dataplane/filter/filter.h).
 */
static struct filter_spec main_filter_spec;
/* What the control lcore publishes to the workers: rules, mode, filter (dataplane/publish.h). */
static struct dataplane_published main_published;
static bool main_filter_spec_loaded;
static struct filter_rule_sets main_rule_sets;

static const char *filter_path_of(const struct options *o, const struct board *board)
{
	return o->filter ? o->filter : board && board->filter_file[0] ? board->filter_file : NULL;
}

static void filter_spec_read(const struct options *o, const struct board *board)
{
	const char *path = filter_path_of(o, board);
	char err[FILTER_ERROR_MAX];
	if (path && filter_spec_load(&main_filter_spec, path, err, sizeof(err)) < 0)
		fail("%s", err);
	main_filter_spec_loaded = path != NULL;
	filter_rule_sets_init(&main_rule_sets, path ? &main_filter_spec : NULL);
}

/*
 * The ruleset options of the run, but the policy: everything from the
 * board; vars point into board, action_rank (RULE_ACTION_COUNT bytes) is
 * filled from [rules] action_order.
 */
static struct ruleset_options rules_options(const struct options *o, const struct board *board,
					    const char **vars, uint8_t *action_rank)
{
	char err[MAIN_ERROR_MAX];
	for (unsigned i = 0; board && i < board->var_count; i++)
		vars[i] = board->vars[i];
	/* the board checked it when it was read */
	bool ranked = board && rule_action_order_parse(board->rules_action_order, action_rank, err,
						       sizeof(err)) == 0;
	return (struct ruleset_options){
	    .action_rank = ranked ? action_rank : NULL,
	    .files = o->rules,
	    .file_count = o->rule_count,
	    .classification =
		board && board->rules_classification[0] ? board->rules_classification : NULL,
	    .vars = vars,
	    .var_count = board ? board->var_count : 0,
	    .cache_dir = board ? (board->rules_cache_dir[0] ? board->rules_cache_dir : NULL)
			       : "/var/cache/vigil",
	    .threshold_file =
		board && board->rules_threshold_file[0] ? board->rules_threshold_file : NULL,
	    .ipsets = main_filter_spec_loaded ? &main_rule_sets.lookup : NULL,
	};
}

/* The operator policy file of the run: --policy, else the board's, else NULL. */
static const char *policy_path_of(const struct options *o, const struct board *board)
{
	if (o->policy)
		return o->policy;
	return board && board->rules_policy_file[0] ? board->rules_policy_file : NULL;
}

/*
 * Load and compile the rules named on the command line (variables and
 * cache from the board when there is one), with the operator policy.
 * Returns NULL when neither rules nor a policy are given.
 */

static struct ruleset *load_rules(const struct options *o, const struct board *board,
				  bool report_all)
{
	struct ruleset *ruleset = NULL;
	struct ruleset_report report;
	char err[MAIN_ERROR_MAX];
	const char *vars[BOARD_MAX_VARS];

	const char *policy_path = policy_path_of(o, board);
	struct policy *policy = NULL;
	if (o->rule_count == 0 && !policy_path)
		return NULL;
	if (policy_path && policy_load(policy_path, &policy, err, sizeof(err)) < 0)
		fail("%s", err);
	if (policy && report_all) {
		unsigned n[5];
		policy_counts(policy, n);
		printf("policy %s: %u enable/disable, %u action, %u except, %u ratelimit, %u "
		       "threshold "
		       "statements\n",
		       policy_path, n[0], n[1], n[2], n[3], n[4]);
	}
	uint8_t action_rank[RULE_ACTION_COUNT];
	struct ruleset_options ro = rules_options(o, board, vars, action_rank);
	ro.policy = policy; /* the ruleset takes it */
	if (ruleset_build(&ro, &ruleset, &report, err, sizeof(err)) < 0)
		fail("%s", err);
	if (report_all) {
		ruleset_report_print(stdout, &report, o->check_list);
	} else {
		log_info("rules: loaded %u of %u rules (%s %.2f s)%s", report.loaded, report.read,
			 report.cache_hit ? "cache load" : "compile", report.compile_seconds,
			 report.error_count ? "; vigil --check lists the rest" : "");
	}
	ruleset_report_clear(&report);
	return ruleset;
}

static void on_signal(int signo)
{
	(void)signo;
	worker_stop();
}

static void on_release_signal(int signo)
{
	(void)signo;
	ratelimit_release_all();
}

/* Worker i owns queue i of every inline port; it transmits on its pair's queue i. */
#define ALERT_RING_SIZE	  16384 /* alerts carry protocol details and flow state (about 2 KB each) */
#define THRESHOLD_ENTRIES 65536

/* Flow table, stream tails and the inspection window of one worker. */
static void worker_flows_setup(struct worker_conf *conf, const struct board *board)
{
	struct flow_config fc = {
	    .capacity = board->flows,
	    .worker_index = conf->worker_index,
	    .stream = {.depth = board->stream_depth_kb * 1024u},
	    .on_free = pipeline_flow_gone,
	    .on_free_arg = &conf->detect,
	    .async_oneside = board->tcp_async_oneside,
	};
	conf->detect.flows = flow_table_create(&fc);
	conf->detect.tails = calloc(2 * (size_t)board->flows, sizeof(struct detect_tail));
	conf->detect.window = malloc(DETECT_WINDOW_MAX + DETECT_STREAM_TAIL);
	if (!conf->detect.flows || !conf->detect.tails || !conf->detect.window)
		fail("cannot allocate the flow table of worker %u (%u flows; lower [dataplane] "
		     "flows)",
		     conf->worker_index, board->flows);
}

/* IP reassembly: fragments are inspected as whole datagrams. */
static void worker_defrag_setup(struct worker_conf *conf, const struct board *board)
{
	struct defrag_config dc = {
	    .max_datagrams = board->defrag_datagrams,
	    .timeout_ms = board->defrag_timeout_s * 1000u,
	};
	conf->defrag = defrag_create(&dc);
	if (!conf->defrag)
		fail("cannot allocate IP reassembly for worker %u (%u datagrams of 64 KB: lower "
		     "[dataplane] defrag_datagrams)",
		     conf->worker_index, board->defrag_datagrams);
}

/* Application-layer settings from the board, shared read-only by every worker. */
static const struct app_config *app_config_from(const struct board *board)
{
	static struct app_config config;
	static char names[sizeof(board->xff_headers)];
	unsigned n = 0;
	snprintf(names, sizeof(names), "%s", board->xff_headers);
	for (char *save, *tok = strtok_r(names, ",", &save); tok && n < 3;
	     tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && end[-1] == ' ')
			*--end = '\0';
		if (*tok)
			config.xff_headers[n++] = tok;
	}
	config.xff_headers[n] = NULL;
	config.body_limit = board->http_body_limit_kb * 1024u;
	config.error_policy = (enum app_error_policy)board->app_error_policy;
	return &config;
}

/* The worker's inspection state: rules scratch, alert ring, receive timestamps. */
static void worker_detect_setup(struct worker_conf *conf, const struct ruleset *ruleset)
{
	char name[RTE_RING_NAMESIZE];
	conf->detect.counters = &conf->counters;
	conf->timestamp_offset = -1;
	if (rte_mbuf_dyn_rx_timestamp_register(&conf->timestamp_offset, &conf->timestamp_flag) < 0)
		conf->timestamp_offset = -1;
	snprintf(name, sizeof(name), "alerts_%u", conf->worker_index);
	conf->detect.alerts = rte_ring_create_elem(name, sizeof(struct alert), ALERT_RING_SIZE,
						   rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!conf->detect.alerts)
		fail("cannot create the alert ring of worker %u: %s", conf->worker_index,
		     rte_strerror(rte_errno));
	conf->detect.thresholds = threshold_table_create(THRESHOLD_ENTRIES);
	if (!conf->detect.thresholds)
		fail("cannot allocate the threshold table of worker %u", conf->worker_index);
	int rc = 0;
	if (ruleset)
		conf->detect.ratelimit = ratelimit_create(
		    ruleset_policy(ruleset), RATELIMIT_DEFAULT_SOURCES, conf->worker_index, &rc);
	if (rc < 0)
		fail("cannot allocate the rate-limit table of worker %u", conf->worker_index);
}

/* --ipset-export / --ipset-import: print a set as text or AWS WAF IPSet JSON, then exit. */
static int ipset_command(const struct options *o)
{
	char err[FILTER_ERROR_MAX];
	enum filter_ipset_format format = FILTER_IPSET_TEXT;
	if (o->ipset_format && strcmp(o->ipset_format, "aws") == 0)
		format = FILTER_IPSET_AWS;
	else if (o->ipset_format && strcmp(o->ipset_format, "text") != 0)
		fail("--format: \"%s\" is not aws or text", o->ipset_format);
	if (o->ipset_import) {
		static struct filter_set set;
		const char *base = strrchr(o->ipset_import, '/');
		base = base ? base + 1 : o->ipset_import;
		snprintf(set.name, sizeof(set.name), "%.*s", (int)strcspn(base, "."), base);
		if (filter_ipset_load(&set, o->ipset_import, err, sizeof(err)) < 0)
			fail("%s", err);
		int rc = filter_ipset_export(&set, format, stdout, err, sizeof(err));
		free(set.prefixes);
		if (rc < 0)
			fail("%s", err);
		return EXIT_SUCCESS;
	}
	if (!o->filter)
		fail("--ipset-export needs --filter FILE");
	static struct filter_spec spec;
	if (filter_spec_load(&spec, o->filter, err, sizeof(err)) < 0)
		fail("%s", err);
	int index = filter_spec_find_set(&spec, o->ipset_export);
	if (index < 0)
		fail("%s: no IP set named \"%s\"", o->filter, o->ipset_export);
	int rc = filter_ipset_export(&spec.sets[index], format, stdout, err, sizeof(err));
	filter_spec_free(&spec);
	if (rc < 0)
		fail("%s", err);
	return EXIT_SUCCESS;
}

/* --check with a filter file: parsed (every list it names too); say what it holds. */
static void filter_check(const char *path)
{
	const struct filter_spec *spec = &main_filter_spec;
	size_t v4 = 0, v6 = 0;
	for (unsigned i = 0; i < spec->set_count; i++)
		v4 += spec->sets[i].v4_count, v6 += spec->sets[i].v6_count;
	printf("filter %s: %zu ACL rules (default %s), %zu stateful rules (default %s), %u IP "
	       "sets (%zu IPv4 and %zu IPv6 prefixes), %zu domains: OK\n",
	       path, spec->acl_count, spec->acl_default == FILTER_DENY ? "deny" : "allow",
	       spec->stateful_count, spec->stateful_deny ? "deny" : "allow", spec->set_count, v4,
	       v6, spec->domain_count);
}

/* The index of the inline port facing the protected side, or -1 (one inline port: all ingress). */
static int filter_protected_port(const struct board *board)
{
	int second = -1, inline_seen = 0;
	for (unsigned i = 0; i < board->port_count; i++) {
		const struct board_port *bp = &board->ports[i];
		if (bp->role != BOARD_PORT_INLINE)
			continue;
		if (board->filter_protected_port[0] &&
		    strcmp(bp->name, board->filter_protected_port) == 0)
			return (int)i;
		if (++inline_seen == 2)
			second = (int)i;
	}
	if (board->filter_protected_port[0])
		fail("%s: error: [filter] protected_port: no inline port named \"%s\"", board->path,
		     board->filter_protected_port);
	return second;
}

/* Compile the filter file (--filter, else the board's) and publish it; NULL when none. */
static struct filter_runtime *filter_setup(const struct options *o, const struct board *board)
{
	static struct filter_runtime rt;
	const char *path = filter_path_of(o, board);
	char err[FILTER_ERROR_MAX];
	struct filter_build_report report;
	struct filter_tables *tables;
	if (!path)
		return NULL;
	/* IP-set changes made through the console, kept beside the filter file */
	static struct ipset_changes changes;
	if (ipset_changes_open(&changes, board->rules_store_dir, err, sizeof(err)) < 0)
		fail("%s", err);
	ipset_changes_apply(&main_filter_spec, &changes);
	/* read by filter_spec_read() before the rules; the tables keep their own copy */
	if (filter_tables_build(&main_filter_spec, &tables, &report, err, sizeof(err)) < 0)
		fail("%s: %s", path, err);
	filter_spec_free(&main_filter_spec);
	const struct filter_spec *spec = filter_tables_spec(tables);
	if (!o->rule_count &&
	    (spec->domain_count || spec->domain_default_deny || spec->xff_deny_set >= 0))
		log_warning("filter %s: domain lists and xff need the application layer, which "
			    "runs with rules loaded (--rules FILE, an empty file will do)",
			    path);
	filter_runtime_init(&rt, &main_published.domain, path);
	filter_runtime_publish(&rt, tables); /* the same path as every reload */
	main_published.filter = &rt;
	rt.adjust = ipset_changes_apply;
	rt.adjust_arg = &changes;
	filter_rule_sets_attach(&main_rule_sets, &rt);
	log_info("filter %s: %zu ACL rules, %zu stateful rules, %zu IP sets (%zu + %zu prefixes), "
		 "%zu domains, built in %.3f s (ACL %.3f s, sets %.3f s)",
		 path, report.acl_rules, report.stateful_rules, report.sets, report.prefixes_v4,
		 report.prefixes_v6, report.domains, report.total_seconds, report.acl_seconds,
		 report.set_seconds);
	return &rt;
}

/* The worker's filter context: its counters and its view of the published tables. */
static void worker_filter_setup(struct worker_conf *conf, struct filter_runtime *rt)
{
	struct filter_context *fc = rte_zmalloc("filter_context", sizeof(*fc), RTE_CACHE_LINE_SIZE);
	if (!fc)
		fail("cannot allocate the filter state of worker %u", conf->worker_index);
	fc->rt = rt;
	fc->worker_index = conf->worker_index;
	fc->worker = (uint16_t)conf->worker_index;
	fc->events = conf->detect.alerts;
	conf->detect.filter = fc;
}

static void filter_summary(const struct worker_conf *workers, unsigned count)
{
	struct filter_counters *total = calloc(1, sizeof(*total));
	if (!total || !workers[0].detect.filter) {
		free(total);
		return;
	}
	for (unsigned w = 0; w < count; w++)
		filter_counters_add(total, &workers[w].detect.filter->counters);
	filter_counters_print(stdout, total);
	free(total);
}

static void on_hangup(int signo)
{
	(void)signo;
	filter_runtime_request_reload();
}

static struct worker_conf *workers_create(const struct board *board, const struct port_set *ports,
					  const struct ruleset *ruleset,
					  struct filter_runtime *filter)
{
	int protected_port = filter ? filter_protected_port(board) : -1;
	struct worker_conf *workers =
	    rte_zmalloc("workers", board->worker_count * sizeof(*workers), RTE_CACHE_LINE_SIZE);
	if (!workers)
		fail("cannot allocate worker state");
	for (unsigned w = 0; w < board->worker_count; w++) {
		struct worker_conf *conf = &workers[w];
		conf->worker_index = w;
		conf->lcore_id = board->worker_lcores[w];
		conf->drop_malformed = board->malformed == BOARD_MALFORMED_DROP;
		conf->detect.published = &main_published;
		conf->detect.worker_index = w;
		conf->detect.packet_alert_max = board->packet_alert_max;
		conf->scratch =
		    rte_malloc("worker_scratch", WORKER_SCRATCH_SIZE, RTE_CACHE_LINE_SIZE);
		if (!conf->scratch)
			fail("cannot allocate worker scratch memory");
		conf->pool = ports->pool;
		worker_detect_setup(conf, ruleset);
		if (ruleset || filter || board->console_cert[0]) {
			/* With a console, rules may come later: flows are tracked from the start. */
			conf->detect.app = app_config_from(board);
			worker_flows_setup(conf, board);
			if (board->defrag)
				worker_defrag_setup(conf, board);
		}
		if (filter)
			worker_filter_setup(conf, filter);
		for (unsigned i = 0; i < board->port_count; i++) {
			const struct board_port *bp = &board->ports[i];
			if (bp->role != BOARD_PORT_INLINE)
				continue;
			if (conf->queue_count == WORKER_MAX_QUEUES)
				fail("%s: error: more than %d inline ports", board->path,
				     WORKER_MAX_QUEUES);
			conf->queues[conf->queue_count++] = (struct worker_queue){
			    .rx_port = ports->ports[i].port_id,
			    .rx_queue = (uint16_t)w,
			    .tx_port = ports->ports[bp->pair].port_id,
			    .tx_queue = (uint16_t)w,
			    .rx_protected = (int)i == protected_port,
			};
		}
	}
	return workers;
}

/*
 * The rules vigil starts with, published as every later update is: Hyperscan
 * stream states for the workers' TCP flows are opened now so that the
 * per-packet path never allocates, one per flow slot and direction.
 */
static void publish_rules_first(const struct board *board, const struct ruleset *ruleset)
{
	struct detect_rules *rules;
	if (detect_rules_create(ruleset, board->worker_count, ruleset ? board->flows : 0, &rules) <
	    0)
		fail("cannot open rule scratch and Hyperscan streams for the workers (lower "
		     "[dataplane] flows)");
	detect_rules_free(
	    publish_swap(&main_published.domain, (void **)&main_published.rules, rules));
}

static void workers_free(struct worker_conf *workers, unsigned count)
{
	for (unsigned w = 0; w < count; w++) {
		rte_free(workers[w].scratch);
		/* flows give their streams back, streams close: both need the scratch */
		/* the worker stopped: it takes the rules published last (their
		 * streams and scratch are the ones its flows may still hold) */
		detect_rules_sync(&workers[w].detect);
		flow_table_destroy(workers[w].detect.flows);
		threshold_table_free(workers[w].detect.thresholds);
		ratelimit_free(workers[w].detect.ratelimit);
		free(workers[w].detect.tails);
		free(workers[w].detect.window);
		rte_ring_free(workers[w].detect.alerts);
		rte_free(workers[w].detect.filter);
	}
	rte_free(workers);
	detect_rules_free(
	    publish_swap(&main_published.domain, (void **)&main_published.rules, NULL));
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
};

/* The control lcore's loop; returns when the run is over. */
static void control_loop(struct run_state *run, struct control *control,
			 const struct port_set *ports, const struct worker_conf *workers,
			 unsigned worker_count)
{
	double start = clock_monotonic_seconds(), last_progress = start;
	uint64_t last_seen = 0;

	while (!worker_stopping()) {
		control_poll(control);
		char err[FILTER_ERROR_MAX];
		int rc = run->filter ? filter_runtime_poll(run->filter, err, sizeof(err)) : 0;
		if (rc < 0)
			log_warning("filter reload refused, the running tables stay: %s", err);
		else if (rc > 0)
			log_info("filter: reloaded %s", run->filter->path);
		if (rc > 0 && filter_rule_sets_refresh(&main_rule_sets, err, sizeof(err)))
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
		rte_delay_us_sleep(run->offline ? 200 : 1000);
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
		    workers[w].lcore_id, w, &workers[w].counters,
		    workers[w].detect.filter ? &workers[w].detect.filter->counters : NULL,
		    workers[w].defrag ? defrag_counters(workers[w].defrag) : NULL};
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

static void board_to_mgmt_address(const struct board_prefix *from, struct mgmt_address *to)
{
	to->set = from->set;
	memcpy(to->addr, from->addr, sizeof(to->addr));
	to->prefix_len = from->len;
}

/* lwIP on the first management port when the board gives the appliance an address. */
static void start_management(const struct board *board, const struct port_set *ports,
			     struct control *control)
{
	if (control->management_port_count == 0 ||
	    !(board->management_ipv4.set || board->management_ipv6.set))
		return;
	struct mgmt_config config;
	board_to_mgmt_address(&board->management_ipv4, &config.ipv4);
	board_to_mgmt_address(&board->management_gateway4, &config.gateway4);
	board_to_mgmt_address(&board->management_ipv6, &config.ipv6);
	char err[MAIN_ERROR_MAX];
	control->mgmt =
	    mgmt_start(control->management_ports[0], ports->pool, &config, err, sizeof(err));
	if (!control->mgmt)
		fail("%s: error: %s", board->path, err);
	log_info("management stack up on port %u", control->management_ports[0]);
}

/* The exception path, when an inline port names the appliance's own address. */
static void start_exception_path(const struct board *board, const struct port_set *ports,
				 struct worker_conf *workers, struct control *control)
{
	bool any = false;
	for (unsigned i = 0; i < ports->count; i++)
		any |= board->ports[i].ipv4.set || board->ports[i].ipv6.set;
	if (!any)
		return;
	for (unsigned w = 0; w < board->worker_count; w++) {
		char name[RTE_RING_NAMESIZE];
		struct exception_path *ex =
		    rte_zmalloc("exceptions", sizeof(*ex), RTE_CACHE_LINE_SIZE);
		if (!ex)
			fail("cannot allocate the exception path of worker %u", w);
		snprintf(name, sizeof(name), "exc_up_%u", w);
		ex->to_control = rte_ring_create(name, EXCEPTION_RING_SIZE, rte_socket_id(),
						 RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "exc_down_%u", w);
		ex->to_wire =
		    rte_ring_create(name, EXCEPTION_RING_SIZE, rte_socket_id(), RING_F_SC_DEQ);
		if (!ex->to_control || !ex->to_wire)
			fail("cannot create the exception rings of worker %u", w);
		for (unsigned i = 0; i < ports->count; i++) {
			const struct board_port *bp = &board->ports[i];
			uint16_t id = ports->ports[i].port_id;
			if (id >= EXCEPTION_MAX_PORTS)
				continue;
			ex->own[id].has_ipv4 = bp->ipv4.set;
			memcpy(ex->own[id].ipv4, bp->ipv4.addr, 4);
			ex->own[id].has_ipv6 = bp->ipv6.set;
			memcpy(ex->own[id].ipv6, bp->ipv6.addr, 16);
		}
		workers[w].exceptions = ex;
		control->exception_rings[control->exception_ring_count++] = ex->to_control;
	}
	for (unsigned i = 0; i < ports->count; i++) {
		const struct board_port *bp = &board->ports[i];
		uint16_t id = ports->ports[i].port_id;
		if (!(bp->ipv4.set || bp->ipv6.set))
			continue;
		if (bp->role != BOARD_PORT_INLINE || id >= CONTROL_MAX_DATA_PORTS)
			fail("%s:%u: error: [port %s] ipv4/ipv6: only an inline port takes an "
			     "address",
			     board->path, bp->section_line, bp->name);
		struct mgmt_config config = {0};
		board_to_mgmt_address(&bp->ipv4, &config.ipv4);
		board_to_mgmt_address(&bp->ipv6, &config.ipv6);
		char err[MAIN_ERROR_MAX];
		/* worker 0 sends what the stack answers, on its queue of the port */
		control->data_netifs[id] = mgmt_start_data(
		    id, ports->pool, workers[0].exceptions->to_wire, &config, err, sizeof(err));
		if (!control->data_netifs[id])
			fail("%s: error: [port %s]: %s", board->path, bp->name, err);
		log_info("port %s: the appliance's own address (exception path to the stack)",
			 bp->name);
	}
}

static void free_exception_path(struct worker_conf *workers, unsigned count,
				struct control *control)
{
	for (unsigned i = 0; i < CONTROL_MAX_DATA_PORTS; i++)
		mgmt_stop(control->data_netifs[i]);
	for (unsigned w = 0; w < count; w++) {
		struct exception_path *ex = workers[w].exceptions;
		if (!ex)
			continue;
		struct rte_mbuf *m = NULL;
		while (rte_ring_dequeue(ex->to_control, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		while (rte_ring_dequeue(ex->to_wire, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(ex->to_control);
		rte_ring_free(ex->to_wire);
		rte_free(ex);
	}
}

#define SINK_GRACE_MS 2000 /* at shut-down, a sink's time to deliver what is queued */

/* The syslog and webhook sinks the board names; they need the management stack. */
static void start_sinks(const struct board *board, struct control *control)
{
	struct sink_config configs[] = {
	    {.kind = "syslog",
	     .target = board->syslog,
	     .ca = board->syslog_ca,
	     .server_name = board->syslog_name},
	    {.kind = "webhook",
	     .target = board->webhook,
	     .ca = board->webhook_ca,
	     .server_name = board->webhook_name},
	};
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct sink_config *c = &configs[i];
		if (!c->target[0])
			continue;
		if (!control->mgmt)
			fail(
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
		char err[MAIN_ERROR_MAX];
		struct sink *sink = sink_start(c, err, sizeof(err));
		if (!sink)
			fail("%s: error: %s", board->path, err);
		control->sinks[control->sink_count++] = sink;
		log_info("alerts: %s sink to %s", c->kind, c->target);
	}
}

/* The TLS console, when the board names its certificate, key and the operator CA. */
static void start_console(const struct board *board, const struct options *o,
			  struct ruleset *ruleset, struct control *control)
{
	if (!control->mgmt || !board->console_cert[0])
		return;
	static const char *vars[BOARD_MAX_VARS];
	static uint8_t action_rank[RULE_ACTION_COUNT];
	static struct rules_update rules;
	struct ruleset_options ro = rules_options(o, board, vars, action_rank);
	int rc = rules_update_init(&rules, &ro, policy_path_of(o, board), ruleset,
				   board->rules_store_dir, board->flows, control);
	if (rc < 0)
		fail("%s: error: [rules] store_dir: cannot use %s: %s", board->path,
		     board->rules_store_dir, strerror(-rc));
	/* The files of version 1 are the --rules paths; they stay valid for the run. */
	control->rules = &rules;
	rc = audit_open(&control->audit, board->audit_log);
	if (rc < 0)
		fail("%s: error: [management] audit_log: cannot open %s: %s", board->path,
		     board->audit_log, strerror(-rc));
	struct console_config config = {
	    .port = (uint16_t)board->console_port,
	    .cert = board->console_cert,
	    .key = board->console_key,
	    .ca = board->operator_ca,
	    .sessions = board->console_sessions,
	    .has_ipv4 = board->management_ipv4.set,
	    .has_ipv6 = board->management_ipv6.set,
	};
	memcpy(config.ipv4, board->management_ipv4.addr, 4);
	memcpy(config.ipv6, board->management_ipv6.addr, 16);
	char err[MAIN_ERROR_MAX];
	control->console =
	    console_start(&config, console_commands_execute, control, err, sizeof(err));
	if (!control->console)
		fail("%s: error: %s", board->path, err);
	log_info("console listening on TCP port %u (TLS 1.2, client certificates from %s)",
		 board->console_port, board->operator_ca);
}

int main(int argc, char **argv)
{
	static struct board board;
	struct options options;
	struct port_set ports;
	struct control control = {0};
	char err[MAIN_ERROR_MAX];
	struct run_state run = {.options = &options};

	parse_options(argc, argv, &options);
	if (options.ipset_export || options.ipset_import)
		return ipset_command(&options);
	if (options.board_path && board_load(&board, options.board_path, options.overrides,
					     options.override_count, err, sizeof(err)) < 0)
		fail("%s", err);
	filter_spec_read(&options, options.board_path ? &board : NULL);
	if (options.check && (options.filter || (options.board_path && board.filter_file[0]))) {
		filter_check(options.filter ? options.filter : board.filter_file);
		if (options.rule_count == 0)
			return EXIT_SUCCESS;
	}
	if (options.check) {
		struct ruleset *checked =
		    load_rules(&options, options.board_path ? &board : NULL, true);
		ruleset_free(checked);
		return EXIT_SUCCESS;
	}
	struct ruleset *ruleset = load_rules(&options, &board, false);

	run.offline = board_reads_pcap(&board);
	if (!run.offline && (options.pcap || options.out))
		fail("%s: error: --pcap/--out given, but no port of board \"%s\" reads ${pcap}",
		     board.path, board.name);
	if (run.offline && (!options.pcap || !options.out))
		fail("%s: error: board \"%s\" is offline: give --pcap IN and --out OUT", board.path,
		     board.name);
	if (run.offline &&
	    offline_count_packets(options.pcap, &run.offline_expected, err, sizeof(err)) < 0)
		fail("%s", err);

	struct eal_vars vars = {.pcap = options.pcap, .out = options.out};
	if (eal_start(&board, &vars, argv[0], err, sizeof(err)) < 0)
		fail("%s", err);
	if (port_start_all(&ports, &board, &vars, err, sizeof(err)) < 0) {
		port_stop_all(&ports);
		fail("%s", err);
	}
	for (unsigned i = 0; i < ports.count; i++)
		if (ports.ports[i].conf->role == BOARD_PORT_MANAGEMENT &&
		    control_add_management_port(&control, ports.ports[i].port_id) < 0)
			fail("%s: error: more than %d management ports", board.path,
			     CONTROL_MAX_PORTS);

	start_management(&board, &ports, &control);

	/* One publish scheme for rules, mode and filter: set up before the
	 * workers exist, so the first objects go out the way later ones do. */
	if (publish_domain_init(&main_published.domain, board.worker_count) < 0 ||
	    dataplane_mode_publish(&main_published, board.mode == BOARD_MODE_IPS) < 0)
		fail("cannot allocate the workers' RCU state");
	run.filter = filter_setup(&options, &board);
	struct worker_conf *workers = workers_create(&board, &ports, ruleset, run.filter);
	publish_rules_first(&board, ruleset);
	start_exception_path(&board, &ports, workers, &control);
	/* Alerts are formatted as EVE lines for the file and the sinks alike. */
	struct eve eve = {.ruleset = ruleset};
	if (options.eve) {
		int rc = eve_open(&eve, options.eve, ruleset);
		if (rc < 0)
			fail("--eve %s: error: %s", options.eve, strerror(-rc));
		control.eve_path = options.eve;
		control.eve_max_bytes = (uint64_t)board.eve_max_mb << 20;
		control.eve_keep = board.eve_keep;
		eve.pcap_cnt = run.offline; /* one worker reads the capture: its packet numbers */
	}
	eve.client_from_xff = board.behind_proxy;
	control.eve = &eve;
	start_sinks(&board, &control);
	for (unsigned w = 0; w < board.worker_count; w++)
		control_add_alert_ring(&control, workers[w].detect.alerts);
	static struct main_stats stats;
	build_stats_view(&stats, &board, &ports, workers);
	control.stats = &stats.view;
	control.workers = workers;
	control.published = &main_published;
	control.filter = run.filter;
	control.ipset_changes = run.filter ? run.filter->adjust_arg : NULL;
	control.worker_count = board.worker_count;
	control.board_name = board.name;
	control.board_path = board.path;
	start_console(&board, &options, ruleset, &control);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct sigaction hup = {.sa_handler = on_hangup};
	sigaction(SIGHUP, &hup, NULL);
	struct sigaction release = {.sa_handler = on_release_signal, .sa_flags = SA_RESTART};
	sigaction(SIGUSR1, &release, NULL);

	log_info("board %s (%s), mode %s, %u worker lcore(s), %u port(s)%s", board.name, board.path,
		 board_mode_name(board.mode), board.worker_count, ports.count,
		 run.offline ? ", offline" : "");
	for (unsigned i = 0; i < ports.count; i++) {
		const struct port_runtime *p = &ports.ports[i];
		log_info("port %s: %s, %u queue(s)%s%s%s", p->conf->name,
			 board_role_name(p->conf->role), p->queues, p->rss ? ", symmetric RSS" : "",
			 p->conf->role == BOARD_PORT_INLINE ? ", pair " : "",
			 p->conf->role == BOARD_PORT_INLINE ? board.ports[p->conf->pair].name : "");
	}

	double start = clock_monotonic_seconds();
	control.started = start;
	for (unsigned w = 0; w < board.worker_count; w++)
		if (rte_eal_remote_launch(worker_main, &workers[w], workers[w].lcore_id) != 0)
			fail("cannot launch worker on lcore %u", workers[w].lcore_id);
	log_info("forwarding%s", run.offline ? "" : "; SIGINT or SIGTERM stops");

	control_loop(&run, &control, &ports, workers, board.worker_count);
	console_stop(control.console);
	worker_stop();
	rte_eal_mp_wait_lcore();
	control_drain_alerts(&control);
	for (unsigned i = 0; i < control.sink_count; i++)
		sink_stop(control.sinks[i], SINK_GRACE_MS);
	eve_close(&eve);
	double seconds = clock_monotonic_seconds() - start;

	print_summary(&stats.view, seconds, options.stats_json);
	filter_summary(workers, board.worker_count);
	int status = EXIT_SUCCESS;
	if (run.offline && run.offline_seen < run.offline_expected) {
		log_warning("offline: only %llu of the %llu packets of %s were read",
			    (unsigned long long)run.offline_seen,
			    (unsigned long long)run.offline_expected, options.pcap);
		status = EXIT_FAILURE;
	}
	free_exception_path(workers, board.worker_count, &control);
	workers_free(workers, board.worker_count);
	if (run.filter)
		filter_runtime_free(run.filter);
	free(publish_swap(&main_published.domain, (void **)&main_published.mode, NULL));
	publish_domain_free(&main_published.domain);
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
