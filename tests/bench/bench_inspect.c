/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inspection benchmark with the Emerging Threats Open rules and vigil's
 * default ruleset: the cold compile time and the cached load time of the
 * whole ET Open set, then inspection throughput of one worker lcore over
 * all the corpus captures (ET Open) and over the HTTP-heavy ones (ET Open,
 * and the default ruleset) (decode and the full
 * inspection stage: flow table, TCP reassembly, fast-pattern scan,
 * candidate checks, verdicts, alerts)
 * against, in the same run, a bare Hyperscan block scan of the same
 * payload bytes with the same fast-pattern databases, and their ratio.
 * Packets are read into memory first, so no I/O sits in either loop.
 *
 *   build/tests/bench/bench_inspect [--seconds S] [--rules FILE ...] [--pcap FILE ...]
 *                                   [--only TEXT] [--cpu-time]
 *
 * Defaults: every ET Open rules file, and mix-web.pcap plus every nDPI
 * capture of ../shared/corpus/pcaps/. --only runs the lines whose label
 * holds TEXT alone ("default ruleset": the HTTP-heavy line of the default
 * ruleset), to compare two builds line by line; --cpu-time times the
 * rounds by the thread's CPU time (a busy machine).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_eal.h>
#include <rte_ring.h>

#include "dataplane/alert.h"
#include "dataplane/app/app.h"
#include "dataplane/decode/decode.h"
#include "dataplane/flow/flow.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/flow/normalize.h"
#include "dataplane/pipeline.h"
#include "dataplane/publish.h"
#include "dataplane/detect/threshold.h"
#include "platform/array.h"
#include "platform/clock.h"
#include "rules/ruleset.h"
#include "rules/compile/ruleset_internal.h"

#define MAX_FILES 1024
#define CORPUS	  "../shared/corpus"

struct frame {
	uint8_t *data;
	uint32_t len;
};

struct frames {
	struct frame *v;
	unsigned count, cap;
	uint64_t bytes;
};

/* Read an Ethernet capture into f; false (and nothing read) for other link types. */
static bool load_pcap(struct frames *f, const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "bench: %s: %s\n", path, err);
		exit(EXIT_FAILURE);
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		pcap_close(p);
		return false;
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		if (ARRAY_GROW(f->v, f->count, f->cap, 4096) < 0) {
			fprintf(stderr, "bench: %s: out of memory\n", path);
			exit(EXIT_FAILURE);
		}
		struct frame *fr = &f->v[f->count++];
		fr->data = malloc(h->caplen);
		memcpy(fr->data, d, h->caplen);
		fr->len = h->caplen;
		f->bytes += h->caplen;
	}
	pcap_close(p);
	return true;
}

/*
 * The HTTP-heavy captures of the corpus: from MANIFEST.tsv, those with more
 * than 50 packets of which more than 30% are HTTP.
 */
static unsigned http_heavy_pcaps(char **files)
{
	char line[2048];
	unsigned n = 0;
	FILE *f = fopen(CORPUS "/pcaps/MANIFEST.tsv", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < MAX_FILES) {
		char *fields[17] = {NULL};
		unsigned count = 0;
		for (char *save, *tok = strtok_r(line, "\t", &save); tok && count < 17;
		     tok = strtok_r(NULL, "\t", &save))
			fields[count++] = tok;
		if (count < 12 || strcmp(fields[0], "dest") == 0)
			continue;
		double packets = atof(fields[3]), http = atof(fields[11]);
		if (packets > 50 && http / packets > 0.3) {
			files[n] = malloc(strlen(CORPUS "/pcaps/") + strlen(fields[0]) + 1);
			sprintf(files[n++], CORPUS "/pcaps/%s", fields[0]);
		}
	}
	fclose(f);
	return n;
}

/* mix-web.pcap and every nDPI capture: web-heavy plus many protocols and ports. */
static unsigned corpus_pcaps(char **files)
{
	unsigned n = 0;
	files[n++] = CORPUS "/pcaps/mix-web.pcap";
	DIR *d = opendir(CORPUS "/pcaps/ndpi");
	for (struct dirent *e; d && (e = readdir(d)) && n < MAX_FILES;) {
		if (e->d_name[0] == '.')
			continue;
		files[n] = malloc(strlen(CORPUS "/pcaps/ndpi/") + strlen(e->d_name) + 1);
		sprintf(files[n++], CORPUS "/pcaps/ndpi/%s", e->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

static unsigned et_open_files(char **files)
{
	unsigned n = 0;
	DIR *d = opendir(CORPUS "/et-open");
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) && n < MAX_FILES;) {
		size_t len = strlen(e->d_name);
		if (len > 6 && strcmp(e->d_name + len - 6, ".rules") == 0) {
			files[n] = malloc(strlen(CORPUS "/et-open/") + len + 1);
			sprintf(files[n++], CORPUS "/et-open/%s", e->d_name);
		}
	}
	closedir(d);
	return n;
}

static struct ruleset *build(char **files, unsigned n, const char *cache, double *seconds,
			     struct ruleset_report *report)
{
	struct ruleset *rs;
	char err[512];
	struct ruleset_options o = {
	    .files = (const char *const *)files, .file_count = n, .cache_dir = cache};
	double start = clock_monotonic_seconds();
	if (ruleset_build(&o, &rs, report, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(EXIT_FAILURE);
	}
	*seconds = clock_monotonic_seconds() - start;
	return rs;
}

static int count_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		       void *ctx)
{
	(void)id, (void)from, (void)to, (void)flags;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* The --only text: lines whose label does not hold it are skipped; NULL: all lines. */
static const char *bench_only;
/*
 * --cpu-time: the rounds are timed by the thread's CPU time, not the wall
 * clock, so that on a machine shared with other work the time this thread
 * waited for a core counts in neither round of a ratio (the caches it
 * shares still do).
 */
static bool bench_cpu_time;

static double bench_clock(void)
{
	struct timespec t;
	if (!bench_cpu_time)
		return clock_monotonic_seconds();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool bench_wanted(const char *label)
{
	return !bench_only || strstr(label, bench_only);
}

/* The bare loop: the same payloads, the same pkt_data databases, nothing else. */
static double bare_round(const struct ruleset *rs, hs_scratch_t *hs, const struct frames *f,
			 const struct packet *decoded, double seconds, uint64_t *packets)
{
	uint64_t matches = 0, n = 0;
	double start = bench_clock(), elapsed;
	do {
		for (unsigned i = 0; i < f->count; i++) {
			const struct packet *p = &decoded[i];
			int dir =
			    (p->flags & (PACKET_TCP | PACKET_UDP)) && p->dst_port > p->src_port;
			const hs_database_t *db = rs->group[RULE_BUFFER_PKT_DATA][dir].db;
			if (db && p->payload_len)
				hs_scan(db, (const char *)p->data + p->payload_offset,
					p->payload_len, 0, hs, count_match, &matches);
		}
		n += f->count;
	} while ((elapsed = bench_clock() - start) < seconds);
	*packets = n;
	return elapsed;
}

#define BENCH_FLOWS 16384

/*
 * A fresh flow table per pass over the pcaps: a replayed TCP segment would
 * otherwise be a retransmission that reassembly rightly ignores, and later
 * passes would inspect nothing. Rebuilding it is part of the measured time.
 */
static void flow_gone(struct flow *f, void *arg)
{
	pipeline_flow_gone(f, arg);
}

/* The normalizer (dataplane/flow/normalize.h) on, as a worker runs it, or off for its cost. */
static bool bench_normalize = true;

static void fresh_flows(struct detect_context *ctx)
{
	flow_table_destroy(ctx->flows);
	struct flow_config fc = {.capacity = BENCH_FLOWS,
				 .on_free = flow_gone,
				 .on_free_arg = ctx,
				 .no_normalize = !bench_normalize};
	ctx->flows = flow_table_create(&fc);
	ctx->flows->normalize.strict = ctx->enforce;
	memset(ctx->tails, 0, 2 * BENCH_FLOWS * sizeof(*ctx->tails));
}

static volatile unsigned bench_sink;

static double vigil_round(struct detect_context *ctx, const struct frames *f, double seconds,
			  uint64_t *packets, uint64_t *alerts)
{
	struct packet p;
	struct alert drained[256];
	uint64_t n = 0;
	double start = bench_clock(), elapsed;
	do {
		fresh_flows(ctx);
		for (unsigned i = 0; i < f->count; i++) {
			if (decode_packet(&p, f->v[i].data, f->v[i].len) != DECODE_OK)
				continue;
			/* checksums as a worker checks them in software (no NIC
			 * flags); replayed captures hold wrong ones, so the
			 * result is not acted on here: this measures the cost */
			if (bench_normalize)
				bench_sink += normalize_checksums(&p, true, true);
			pipeline_packet(ctx, &p, 1700000000000000ull + i);
			if ((i & 255) == 0)
				*alerts += rte_ring_sc_dequeue_burst_elem(
				    ctx->alerts, drained, sizeof(drained[0]), 256, NULL);
		}
		n += f->count;
	} while ((elapsed = bench_clock() - start) < seconds);
	*packets = n;
	return elapsed;
}

/* A worker's inspection context for rs, as platform/main.c builds it. */
static struct detect_context *bench_context(const struct ruleset *rs)
{
	static const struct app_config app = {
	    .xff_headers = {"X-Forwarded-For", "X-Real-IP", "Forwarded", NULL},
	    .body_limit = 1u << 20};
	static unsigned serial;
	char name[32];
	struct detect_context *ctx = calloc(1, sizeof(*ctx));
	ctx->enforce = true;
	ctx->app = &app;
	ctx->counters = calloc(1, sizeof(*ctx->counters));
	ctx->thresholds = threshold_table_create(65536);
	ctx->tails = calloc(2 * BENCH_FLOWS, sizeof(*ctx->tails));
	ctx->window = malloc(DETECT_WINDOW_MAX + DETECT_STREAM_TAIL);
	snprintf(name, sizeof(name), "bench_alerts_%u", serial++);
	ctx->alerts = rte_ring_create_elem(name, sizeof(struct alert), 16384, 0,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	/* rules published as vigil publishes them, adopted as a worker does */
	static struct dataplane_published published;
	struct detect_rules *rules;
	if (detect_rules_create(rs, 1, BENCH_FLOWS, &rules) < 0 || !ctx->alerts ||
	    !ctx->thresholds) {
		fprintf(stderr, "bench: out of memory\n");
		exit(EXIT_FAILURE);
	}
	detect_rules_free(publish_swap(NULL, (void **)&published.rules, rules));
	ctx->published = &published;
	detect_rules_sync(ctx);
	ctx->published = NULL; /* the bench keeps enforce as set */
	return ctx;
}

static int bench_double_order(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * The normalizer's cost: the same full inspection with it on (checksums in
 * software, TCP checks) and off, in alternating rounds; median of each and
 * the ratio, with the alerts of each (the replayed captures are clean
 * traffic: equal counts say no segment was wrongly refused).
 */
static void measure_normalizer(const char *label, const struct ruleset *rs, const struct frames *f,
			       double seconds)
{
	enum { ROUNDS = 5 };
	if (!bench_wanted(label))
		return;
	double on[ROUNDS], off[ROUNDS];
	uint64_t alerts_on = 0, alerts_off = 0, packets, packets_on = 0, packets_off = 0;
	struct detect_context *ctx = bench_context(rs);
	for (int r = 0; r < ROUNDS; r++) {
		bench_normalize = true;
		double t = vigil_round(ctx, f, seconds / ROUNDS, &packets, &alerts_on);
		on[r] = packets / t / 1e6;
		packets_on += packets;
		bench_normalize = false;
		t = vigil_round(ctx, f, seconds / ROUNDS, &packets, &alerts_off);
		off[r] = packets / t / 1e6;
		packets_off += packets;
	}
	bench_normalize = true;
	qsort(on, ROUNDS, sizeof(on[0]), bench_double_order);
	qsort(off, ROUNDS, sizeof(off[0]), bench_double_order);
	printf("%-40s %9.3f Mpps with, %9.3f without: %.3f of the path without it (alerts a "
	       "pass %llu, %llu)\n",
	       label, on[ROUNDS / 2], off[ROUNDS / 2], on[ROUNDS / 2] / off[ROUNDS / 2],
	       (unsigned long long)(alerts_on * f->count / packets_on),
	       (unsigned long long)(alerts_off * f->count / packets_off));
}

/* One line of the table: vigil with rs over f, and the ceiling with ceiling's databases. */
static void measure(const char *label, const struct ruleset *rs, const struct ruleset *ceiling,
		    const struct frames *f, double seconds)
{
	if (!bench_wanted(label))
		return;
	struct packet *decoded = calloc(f->count, sizeof(*decoded));
	for (unsigned i = 0; i < f->count; i++)
		decode_packet(&decoded[i], f->v[i].data, f->v[i].len);
	struct detect_context *ctx = bench_context(rs);
	struct ruleset_scratch *ceiling_scratch;
	if (ruleset_scratch_create(ceiling, &ceiling_scratch) < 0)
		exit(EXIT_FAILURE);
	uint64_t bare_packets, vigil_packets, alerts = 0;
	double bare_time =
	    bare_round(ceiling, ceiling_scratch->hs, f, decoded, seconds, &bare_packets);
	double vigil_time = vigil_round(ctx, f, seconds, &vigil_packets, &alerts);
	double bytes_per_packet = (double)f->bytes / f->count;
	double bare_mpps = bare_packets / bare_time / 1e6;
	double vigil_mpps = vigil_packets / vigil_time / 1e6;
	printf("%-40s %9.3f %9.2f %9.3f %9.2f %8.3f %8llu\n", label, vigil_mpps,
	       vigil_mpps * bytes_per_packet * 8 / 1e3, bare_mpps,
	       bare_mpps * bytes_per_packet * 8 / 1e3, vigil_mpps / bare_mpps,
	       (unsigned long long)(alerts * f->count / vigil_packets));
	ruleset_scratch_free(ceiling_scratch);
	free(decoded);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"seconds", required_argument, NULL, 's'}, {"rules", required_argument, NULL, 'r'},
	    {"pcap", required_argument, NULL, 'p'},    {"only", required_argument, NULL, 'o'},
	    {"cpu-time", no_argument, NULL, 'c'},      {NULL, 0, NULL, 0}};
	static char *rules[MAX_FILES], *pcaps[MAX_FILES];
	unsigned rule_count = 0, pcap_count = 0;
	double seconds = 3;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 's')
			seconds = atof(optarg);
		else if (c == 'r' && rule_count < MAX_FILES)
			rules[rule_count++] = optarg;
		else if (c == 'p' && pcap_count < MAX_FILES)
			pcaps[pcap_count++] = optarg;
		else if (c == 'o')
			bench_only = optarg;
		else if (c == 'c')
			bench_cpu_time = true;
		else
			return EXIT_FAILURE;
	}
	if (!rule_count)
		rule_count = et_open_files(rules);
	if (!pcap_count)
		pcap_count = corpus_pcaps(pcaps);

	char prefix[64], cache[] = "/tmp/vigil-bench-cache-XXXXXX";
	snprintf(prefix, sizeof(prefix), "--file-prefix=vigil-bench-inspect-%d", (int)getpid());
	char *eal[] = {argv[0],	      "-l",	 "0",	 "--no-huge",
		       "--no-pci",    "-m",	 "256",	 "--no-telemetry",
		       "--log-level", "warning", prefix, NULL};
	if (rte_eal_init(11, eal) < 0 || !mkdtemp(cache))
		return EXIT_FAILURE;

	struct ruleset_report report;
	double cold, warm;
	struct ruleset *rs = build(rules, rule_count, cache, &cold, &report);
	unsigned loaded = report.loaded, read = report.read, patterns = report.patterns;
	ruleset_report_clear(&report);
	ruleset_free(rs);
	rs = build(rules, rule_count, cache, &warm, &report);
	printf("rules: %u files, loaded %u of %u rules, %u fast patterns\n", rule_count, loaded,
	       read, patterns);
	printf("cold compile %.2f s (Hyperscan %.2f s), cached load %.2f s (databases %.2f s), "
	       "ratio %.3f\n",
	       cold, cold - report.parse_seconds, warm, report.compile_seconds, warm / cold);
	ruleset_report_clear(&report);

	static char *default_rules[] = {"rules/default/web.rules", "rules/default/database.rules"};
	double default_seconds;
	struct ruleset *defaults = build(default_rules, 2, NULL, &default_seconds, &report);
	printf("default ruleset: loaded %u of %u rules in %.2f s (no cache), %u fast patterns "
	       "(%u pcre prefilters, %u on transformed buffers), %u rules checked on every "
	       "unit of their buffer\n",
	       report.loaded, report.read, default_seconds, report.patterns,
	       report.prefilter_patterns, report.transformed_patterns, report.always_rules);
	ruleset_report_clear(&report);

	struct frames all = {0}, http = {0};
	unsigned used = 0;
	for (unsigned i = 0; i < pcap_count; i++)
		used += load_pcap(&all, pcaps[i]);
	printf("all captures: %u Ethernet captures (%u others skipped)\n", used, pcap_count - used);
	static char *http_files[MAX_FILES];
	unsigned http_count = http_heavy_pcaps(http_files);
	for (unsigned i = 0; i < http_count; i++)
		load_pcap(&http, http_files[i]);
	printf("HTTP-heavy captures (MANIFEST.tsv: over 30%% HTTP packets): %u\n", http_count);
	printf("one worker lcore, %.1f s per run; ceiling: a bare Hyperscan scan of the same "
	       "payload bytes with ET Open's pkt_data fast patterns\n",
	       seconds);
	printf("%-40s %9s %9s %9s %9s %8s %8s\n", "traffic / rules", "Mpps", "Gbit/s", "ceil Mpps",
	       "ceil Gb/s", "ratio", "alerts");
	measure("all captures / ET Open", rs, rs, &all, seconds);
	measure("HTTP-heavy / ET Open", rs, rs, &http, seconds);
	measure("HTTP-heavy / default ruleset", defaults, rs, &http, seconds);
	printf("normalizer (checksums in software, TCP checks), same path with and without it:\n");
	measure_normalizer("all captures / ET Open", rs, &all, 2 * seconds);
	measure_normalizer("HTTP-heavy / ET Open", rs, &http, 2 * seconds);
	char rm[128];
	snprintf(rm, sizeof(rm), "rm -rf %s", cache);
	if (system(rm) != 0)
		fprintf(stderr, "bench: could not remove %s\n", cache);
	return EXIT_SUCCESS;
}
