/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What one run of vigil builds and frees (see setup.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "control/control.h"
#include "control/ipset_changes.h"
#include "control/mgmt.h"
#include "dataplane/action/encap.h"
#include "dataplane/action/exception.h"
#include "dataplane/alert.h"
#include "dataplane/app/app.h"
#include "dataplane/app/app_file.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/detect/threshold.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/pipeline.h"
#include "dataplane/publish.h"
#include "dataplane/worker.h"
#include "platform/log.h"
#include "platform/port.h"
#include "platform/setup.h"
#include "rules/policy/policy.h"

/*
 * The filter file, read once before the rules (a rule on "@NAME" needs
 * the set names when it is parsed) and compiled into tables once the EAL
 * runs; the IP sets as rule address groups (dataplane/filter/filter.h).
 */
static struct filter_spec setup_spec;
/* What the control lcore publishes to the workers: rules, mode, filter (dataplane/publish.h). */
struct dataplane_published setup_published;
static bool setup_filter_spec_loaded;
struct filter_rule_sets setup_rule_sets;

void setup_mgmt_address(const struct board_prefix *from, struct mgmt_address *to)
{
	to->set = from->set;
	memcpy(to->addr, from->addr, sizeof(to->addr));
	to->prefix_len = from->len;
}

const struct filter_spec *setup_filter_spec(void)
{
	return &setup_spec;
}

bool setup_reads_pcap(const struct board *board)
{
	for (unsigned i = 0; i < board->port_count; i++)
		if (strstr(board->ports[i].device, "${pcap}"))
			return true;
	return false;
}

static const char *filter_path_of(const struct options *o, const struct board *board)
{
	return o->filter ? o->filter : board && board->filter_file[0] ? board->filter_file : NULL;
}

void setup_filter_spec_read(const struct options *o, const struct board *board)
{
	const char *path = filter_path_of(o, board);
	char err[FILTER_ERROR_MAX];
	if (path && filter_spec_load(&setup_spec, path, err, sizeof(err)) < 0)
		log_fatal("%s", err);
	setup_filter_spec_loaded = path != NULL;
	filter_rule_sets_init(&setup_rule_sets, path ? &setup_spec : NULL);
}

/*
 * The ruleset options of the run, but the policy: everything from the
 * board; vars point into board, action_rank (RULE_ACTION_COUNT bytes) is
 * filled from [rules] action_order.
 */
struct ruleset_options setup_rules_options(const struct options *o, const struct board *board,
					   const char **vars, uint8_t *action_rank)
{
	char err[SETUP_ERROR_MAX];
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
	    .ipsets = setup_filter_spec_loaded ? &setup_rule_sets.lookup : NULL,
	};
}

/* The operator policy file of the run: --policy, else the board's, else NULL. */
const char *setup_policy_path(const struct options *o, const struct board *board)
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

/* A build's progress on a terminal: one line rewritten in place. */
struct setup_progress {
	double last_s;
	bool shown;
};

static void setup_show_progress(void *arg, const struct ruleset_progress *w)
{
	struct setup_progress *sp = arg;
	if (w->done < w->total && sp->shown && w->elapsed_s - sp->last_s < 0.2)
		return;
	sp->last_s = w->elapsed_s;
	sp->shown = true;
	bool parsing = strcmp(w->stage, "parsing") == 0;
	char left[48] = "";
	if (!parsing && w->done && w->done < w->total && w->elapsed_s > 0.5)
		snprintf(left, sizeof(left), ", about %.0f s left",
			 w->elapsed_s * (w->total - w->done) / w->done + 0.5);
	fprintf(stderr, "\r\033[Kvigil: rules: %s %u of %u %s, %u rules%s", w->stage, w->done,
		w->total, parsing ? "files" : "patterns", w->rules, left);
	fflush(stderr);
}

struct ruleset *setup_rules_load(const struct options *o, const struct board *board,
				 bool report_all)
{
	struct setup_progress progress = {0};
	struct ruleset *ruleset = NULL;
	struct ruleset_report report;
	char err[SETUP_ERROR_MAX];
	const char *vars[BOARD_MAX_VARS];

	const char *policy_path = setup_policy_path(o, board);
	struct policy *policy = NULL;
	if (o->rule_count == 0 && !policy_path)
		return NULL;
	if (policy_path && policy_load(policy_path, &policy, err, sizeof(err)) < 0)
		log_fatal("%s", err);
	if (policy && report_all) {
		unsigned n[5];
		policy_counts(policy, n);
		printf("policy %s: %u enable/disable, %u action, %u except, %u ratelimit, %u "
		       "threshold statements, %u tenant blocks\n",
		       policy_path, n[0], n[1], n[2], n[3], n[4], policy_tenant_count(policy));
	}
	uint8_t action_rank[RULE_ACTION_COUNT];
	struct ruleset_options ro = setup_rules_options(o, board, vars, action_rank);
	ro.policy = policy; /* the ruleset takes it */
	/* On a terminal only: a log or a pipe gets the summary line alone. */
	if (isatty(STDERR_FILENO)) {
		ro.progress = setup_show_progress;
		ro.progress_arg = &progress;
	}
	int rc = ruleset_build(&ro, &ruleset, &report, err, sizeof(err));
	if (progress.shown)
		fputs("\r\033[K", stderr);
	if (rc < 0)
		log_fatal("%s", err);
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

/* Worker i owns queue i of every inline port; it transmits on its pair's queue i. */
#define ALERT_RING_SIZE	  16384 /* alerts carry protocol details and flow state (about 2 KB each) */
#define THRESHOLD_ENTRIES 65536

/*
 * The flow_id key of this process: the appliance's name and a nonce drawn
 * once per process, so ids differ across appliances and across restarts
 * (flow_id_of()). Every worker takes the same key.
 */
static uint64_t setup_flow_id_key(const struct board *board)
{
	static uint64_t nonce;
	while (nonce == 0 && getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
		;
	return flow_id_key(board->name, nonce);
}

/* Flow table, stream tails and the inspection window of one worker. */
static void worker_flows_setup(struct worker_conf *conf, const struct board *board)
{
	struct flow_config fc = {
	    .capacity = board->flows,
	    .worker_index = conf->worker_index,
	    .id_key = setup_flow_id_key(board),
	    .stream = {.depth = board->stream_depth_kb * 1024u},
	    .on_free = pipeline_flow_gone,
	    .on_free_arg = &conf->detect,
	    .async_oneside = board->tcp_async_oneside,
	    .midstream = board->midstream,
	    .min_ttl = (uint8_t)board->min_ttl,
	    .host_os = &board->host_os, /* the board outlives the workers */
	    /* [dataplane] flow_dump: a record of each flow that ends, as many as the table holds */
	    .records = board->flow_dump[0] ? board->flows : 0,
	};
	conf->detect.flows = flow_table_create(&fc);
	conf->detect.tails = calloc(2 * (size_t)board->flows, sizeof(struct detect_tail));
	conf->detect.window = malloc(DETECT_WINDOW_MAX + DETECT_STREAM_TAIL);
	conf->detect.app_details = calloc(board->flows, sizeof(*conf->detect.app_details));
	conf->detect.events = (struct event_config){.flows = board->eve_flows,
						    .protocols = board->eve_protocols,
						    .flow_interval_s = board->eve_flow_interval_s,
						    .files = board->eve_files,
						    .drops = (uint8_t)board->eve_drops};
	/* [eve] flow_interval_s: each flow's age at its last record, by slot */
	if (board->eve_flow_interval_s)
		conf->detect.flow_logged_s = calloc(board->flows, sizeof(uint32_t));
	if (!conf->detect.flows || !conf->detect.tails || !conf->detect.window ||
	    !conf->detect.app_details ||
	    (board->eve_flow_interval_s && !conf->detect.flow_logged_s))
		log_fatal(
		    "cannot allocate the flow table of worker %u (%u flows; lower [dataplane] "
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
		log_fatal(
		    "cannot allocate IP reassembly for worker %u (%u datagrams of 64 KB: lower "
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
	config.file_magic = board->files_magic;
	config.file_hashes = (uint8_t)board->files_hashes;
	if (board->files_store_dir[0]) {
		static struct app_file_store store;
		snprintf(store.dir, sizeof(store.dir), "%s", board->files_store_dir);
		store.limit = (uint64_t)board->files_store_limit_mb << 20;
		config.file_store = &store;
	}
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
		log_fatal("cannot create the alert ring of worker %u: %s", conf->worker_index,
			  rte_strerror(rte_errno));
	conf->detect.thresholds = threshold_table_create(THRESHOLD_ENTRIES);
	if (!conf->detect.thresholds)
		log_fatal("cannot allocate the threshold table of worker %u", conf->worker_index);
	int rc = 0;
	if (ruleset)
		conf->detect.ratelimit = ratelimit_create(
		    ruleset_policy(ruleset), RATELIMIT_DEFAULT_SOURCES, conf->worker_index, &rc);
	if (rc < 0)
		log_fatal("cannot allocate the rate-limit table of worker %u", conf->worker_index);
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
		log_fatal("%s: error: [filter] protected_port: no inline port named \"%s\"",
			  board->path, board->filter_protected_port);
	return second;
}

/* Compile the filter file (--filter, else the board's) and publish it; NULL when none. */
struct filter_runtime *setup_filter(const struct options *o, const struct board *board)
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
		log_fatal("%s", err);
	ipset_changes_apply(&setup_spec, &changes);
	/* read by setup_filter_spec_read() before the rules; the tables keep their own copy */
	if (filter_tables_build(&setup_spec, &tables, &report, err, sizeof(err)) < 0)
		log_fatal("%s: %s", path, err);
	filter_spec_free(&setup_spec);
	const struct filter_spec *spec = filter_tables_spec(tables);
	if (!o->rule_count &&
	    (spec->domain_count || spec->domain_default_deny || spec->xff_deny_set >= 0))
		log_warning("filter %s: domain lists and xff need the application layer, which "
			    "runs with rules loaded (--rules FILE, an empty file will do)",
			    path);
	filter_runtime_init(&rt, &setup_published.domain, path);
	filter_runtime_publish(&rt, tables); /* the same path as every reload */
	setup_published.filter = &rt;
	rt.adjust = ipset_changes_apply;
	rt.adjust_arg = &changes;
	filter_rule_sets_attach(&setup_rule_sets, &rt);
	log_info("filter %s: %zu ACL rules, %zu stateful rules, %zu IP sets (%zu + %zu prefixes), "
		 "%zu domains, built in %.3f s (ACL %.3f s, sets %.3f s)",
		 path, report.acl_rules, report.stateful_rules, report.sets, report.prefixes_v4,
		 report.prefixes_v6, report.domains, report.total_seconds, report.acl_seconds,
		 report.set_seconds);
	return &rt;
}

/*
 * The tunnels board port i carries, as the decoder takes them (built once,
 * read by every worker); NULL when it carries none. Azure's two VXLAN
 * tunnels are each other's peer: what comes in on one leaves on the other.
 */
static const struct decode_tunnels *setup_port_tunnels(const struct board *board, unsigned i)
{
	static struct decode_tunnels tunnels[BOARD_MAX_PORTS];
	const struct board_port *bp = &board->ports[i];
	struct decode_tunnels *t = &tunnels[i];
	if (!bp->geneve_port && !bp->vxlan_external.set)
		return NULL;
	*t = (struct decode_tunnels){.geneve_port = (uint16_t)bp->geneve_port};
	if (bp->vxlan_external.set) {
		t->vxlan[0] = (struct decode_vxlan_tunnel){
		    .port = bp->vxlan_external.port, .vni = bp->vxlan_external.vni, .peer = 1};
		t->vxlan[1] = (struct decode_vxlan_tunnel){
		    .port = bp->vxlan_internal.port, .vni = bp->vxlan_internal.vni, .peer = 0};
		t->vxlan_count = 2;
	}
	return t;
}

/*
 * Where an inline port carries tunnels: per flow slot and direction, the
 * outer header that direction last came with, so that a reject reaches
 * each end through the balancer (dataplane/pipeline.c). Boards without
 * tunnels pay nothing.
 */
static void worker_tunnels_setup(struct worker_conf *conf, const struct board *board)
{
	bool any = false;
	for (unsigned i = 0; i < board->port_count; i++)
		any |= board->ports[i].role == BOARD_PORT_INLINE && setup_port_tunnels(board, i);
	if (!any)
		return;
	conf->tunnel_outers = calloc(2 * (size_t)board->flows, sizeof(struct encap_outer));
	if (!conf->tunnel_outers)
		log_fatal("cannot allocate the tunnel headers of worker %u (%u flows; lower "
			  "[dataplane] flows)",
			  conf->worker_index, board->flows);
}

/* The worker's filter context: its counters and its view of the published tables. */
static void worker_setup_filter(struct worker_conf *conf, struct filter_runtime *rt)
{
	struct filter_context *fc = rte_zmalloc("filter_context", sizeof(*fc), RTE_CACHE_LINE_SIZE);
	if (!fc)
		log_fatal("cannot allocate the filter state of worker %u", conf->worker_index);
	fc->rt = rt;
	fc->worker_index = conf->worker_index;
	fc->worker = (uint16_t)conf->worker_index;
	fc->events = conf->detect.alerts;
	conf->detect.filter = fc;
}

void setup_filter_summary(const struct worker_conf *workers, unsigned count)
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

struct worker_conf *setup_workers_create(const struct board *board, const struct port_set *ports,
					 const struct ruleset *ruleset,
					 struct filter_runtime *filter)
{
	int protected_port = filter ? filter_protected_port(board) : -1;
	/* Offline there is no line rate to keep: a full alert ring is waited on, not lost. */
	alert_set_wait_when_full(setup_reads_pcap(board));
	struct worker_conf *workers =
	    rte_zmalloc("workers", board->worker_count * sizeof(*workers), RTE_CACHE_LINE_SIZE);
	if (!workers)
		log_fatal("cannot allocate worker state");
	for (unsigned w = 0; w < board->worker_count; w++) {
		struct worker_conf *conf = &workers[w];
		conf->worker_index = w;
		conf->lcore_id = board->worker_lcores[w];
		conf->drop_malformed = board->malformed == BOARD_MALFORMED_DROP;
		conf->detect.published = &setup_published;
		conf->detect.check_checksums = board->checksums != BOARD_CHECKSUMS_NO;
		conf->checksums_auto = board->checksums == BOARD_CHECKSUMS_AUTO;
		conf->detect.worker_index = w;
		conf->detect.packet_alert_max = board->packet_alert_max;
		conf->scratch =
		    rte_malloc("worker_scratch", WORKER_SCRATCH_SIZE, RTE_CACHE_LINE_SIZE);
		if (!conf->scratch)
			log_fatal("cannot allocate worker scratch memory");
		conf->pool = ports->pool;
		worker_detect_setup(conf, ruleset);
		if (ruleset || filter || board->console_cert[0]) {
			/* With a console, rules may come later: flows are tracked from the start. */
			conf->detect.app = app_config_from(board);
			worker_flows_setup(conf, board);
			worker_tunnels_setup(conf, board);
			if (board->defrag)
				worker_defrag_setup(conf, board);
		}
		if (filter)
			worker_setup_filter(conf, filter);
		for (unsigned i = 0; i < board->port_count; i++) {
			const struct board_port *bp = &board->ports[i];
			if (bp->role != BOARD_PORT_INLINE)
				continue;
			if (conf->queue_count == WORKER_MAX_QUEUES)
				log_fatal("%s: error: more than %d inline ports", board->path,
					  WORKER_MAX_QUEUES);
			conf->queues[conf->queue_count++] = (struct worker_queue){
			    .rx_port = ports->ports[i].port_id,
			    .rx_queue = (uint16_t)w,
			    .tx_port = ports->ports[bp->pair].port_id,
			    .tx_queue = (uint16_t)w,
			    .rx_protected = (int)i == protected_port,
			    .tunnels = setup_port_tunnels(board, i),
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
void setup_rules_publish_first(const struct board *board, const struct ruleset *ruleset)
{
	struct detect_rules *old;
	if (detect_rules_publish(&setup_published, ruleset, board->worker_count, board->flows,
				 &old) < 0)
		log_fatal("cannot open rule scratch and Hyperscan streams for the workers (lower "
			  "[dataplane] flows)");
	detect_rules_free(old); /* none: nothing was published before */
}

/* Flows ended per batch at shut-down: at most two records each, far below the ring's room. */
#define SETUP_SHUTDOWN_BATCH 1024
_Static_assert(2 * SETUP_SHUTDOWN_BATCH < ALERT_RING_SIZE, "a batch's records fit the ring");

void setup_workers_end_flows(struct worker_conf *workers, unsigned count, void (*drain)(void *arg),
			     void *arg)
{
	for (unsigned w = 0; w < count; w++) {
		if (!workers[w].detect.flows)
			continue;
		/* streams close with the rules their flows hold (see setup_workers_free) */
		detect_rules_sync(&workers[w].detect);
		while (flow_table_shutdown(workers[w].detect.flows, SETUP_SHUTDOWN_BATCH) > 0)
			drain(arg);
	}
}

void setup_workers_free(struct worker_conf *workers, unsigned count)
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
		free(workers[w].detect.app_details);
		free(workers[w].detect.flow_logged_s);
		free(workers[w].tunnel_outers);
		free(workers[w].detect.window);
		rte_ring_free(workers[w].detect.alerts);
		rte_free(workers[w].detect.filter);
	}
	rte_free(workers);
	detect_rules_free(
	    publish_swap(&setup_published.domain, (void **)&setup_published.rules, NULL));
}

/* The exception path, when an inline port names the appliance's own address. */
void setup_exception_path_start(const struct board *board, const struct port_set *ports,
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
			log_fatal("cannot allocate the exception path of worker %u", w);
		snprintf(name, sizeof(name), "exc_up_%u", w);
		ex->to_control = rte_ring_create(name, EXCEPTION_RING_SIZE, rte_socket_id(),
						 RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "exc_down_%u", w);
		ex->to_wire =
		    rte_ring_create(name, EXCEPTION_RING_SIZE, rte_socket_id(), RING_F_SC_DEQ);
		if (!ex->to_control || !ex->to_wire)
			log_fatal("cannot create the exception rings of worker %u", w);
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
			log_fatal("%s:%u: error: [port %s] ipv4/ipv6: only an inline port takes an "
				  "address",
				  board->path, bp->section_line, bp->name);
		struct mgmt_config config = {0};
		setup_mgmt_address(&bp->ipv4, &config.ipv4);
		setup_mgmt_address(&bp->ipv6, &config.ipv6);
		char err[SETUP_ERROR_MAX];
		/* worker 0 sends what the stack answers, on its queue of the port */
		control->data_netifs[id] = mgmt_start_data(
		    id, ports->pool, workers[0].exceptions->to_wire, &config, err, sizeof(err));
		if (!control->data_netifs[id])
			log_fatal("%s: error: [port %s]: %s", board->path, bp->name, err);
		log_info("port %s: the appliance's own address (exception path to the stack)",
			 bp->name);
	}
}

void setup_exception_path_free(struct worker_conf *workers, unsigned count, struct control *control)
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
