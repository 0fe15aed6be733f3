/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmark: a rule update of the full Emerging Threats Open set, as the
 * console runs it (control/rules_update.c), against a worker that keeps
 * polling for the new ruleset the way worker_main does.
 *
 * Steady state: ET Open (every file of ../shared/corpus/et-open) compiled
 * and live on one worker with a full flow table (65,536 slots, a Hyperscan
 * stream state per slot and direction). Then, per round: one file changed
 * by one rule is staged (parse and compile of the whole candidate set, a
 * cold compile since the files changed) and committed (a scratch and
 * stream pool for the worker, the hand-over, the old ruleset freed), and
 * then rolled back (the previous version, from the database cache). For
 * each: seconds from the request to every worker on the new ruleset, and
 * the peak resident memory during it (VmHWM, reset before each step) as a
 * ratio to the steady state's resident memory.
 *
 *   build/tests/bench/bench_reload [--rounds N] [--flows N]
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>

#include "control/control.h"
#include "platform/clock.h"
#include "control/rules_update.h"
#include "dataplane/flow/flow.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/publish.h"
#include "dataplane/worker.h"
#include "rules/ruleset.h"

#define CORPUS	     "../shared/corpus"
#define MAX_FILES    128
#define CHANGED_FILE "emerging-web_server.rules"

static volatile int bench_stop;

/* A /proc/self/status value in KiB ("VmRSS:", "VmHWM:"). */
static long bench_status_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* Reset the peak resident size to the current one (Linux 4.0 and later). */
static void bench_reset_peak(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static int bench_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned bench_et_open(char **files)
{
	DIR *d = opendir(CORPUS "/et-open");
	struct dirent *e;
	unsigned n = 0;
	while (d && (e = readdir(d)) && n < MAX_FILES) {
		size_t len = strlen(e->d_name);
		if (len > 6 && strcmp(e->d_name + len - 6, ".rules") == 0) {
			files[n] = malloc(strlen(CORPUS "/et-open/") + len + 1);
			sprintf(files[n++], CORPUS "/et-open/%s", e->d_name);
		}
	}
	if (d)
		closedir(d);
	qsort(files, n, sizeof(files[0]), bench_compare);
	return n;
}

static char *bench_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *text = malloc((size_t)size + 512);
	*len = text ? fread(text, 1, (size_t)size, f) : 0;
	fclose(f);
	return text;
}

/*
 * The worker's side: adopt published rules between "bursts" and report a
 * quiescent state, as worker_poll() does.
 */
static void *bench_worker(void *arg)
{
	struct detect_context *ctx = arg;
	publish_worker_online(&ctx->published->domain, 0);
	while (!bench_stop) {
		detect_rules_sync(ctx);
		publish_worker_quiescent(&ctx->published->domain, 0);
		struct timespec ts = {0, 20000};
		nanosleep(&ts, NULL);
	}
	publish_worker_offline(&ctx->published->domain, 0);
	return NULL;
}

static int bench_median_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(v[0]), bench_median_compare);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"rounds", required_argument, NULL, 'r'},
						 {"flows", required_argument, NULL, 'f'},
						 {NULL, 0, NULL, 0}};
	unsigned rounds = 3, flows = 65536;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'r')
			rounds = (unsigned)atoi(optarg);
		else if (c == 'f')
			flows = (unsigned)atoi(optarg);
		else
			return EXIT_FAILURE;
	}
	if (rounds < 1 || rounds > 20 || flows < 64)
		return EXIT_FAILURE;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=vigil-bench-reload-%d", (int)getpid());
	char *eal[] = {argv[0],	      "-l",	 "0",	 "--no-huge",
		       "--no-pci",    "-m",	 "256",	 "--no-telemetry",
		       "--log-level", "warning", prefix, NULL};
	char cache[] = "/tmp/vigil-bench-reload-cache-XXXXXX";
	char store[] = "/tmp/vigil-bench-reload-store-XXXXXX";
	if (rte_eal_init(11, eal) < 0 || !mkdtemp(cache) || !mkdtemp(store))
		return EXIT_FAILURE;

	static char *files[MAX_FILES];
	unsigned file_count = bench_et_open(files);
	char changed_path[512];
	snprintf(changed_path, sizeof(changed_path), CORPUS "/et-open/%s", CHANGED_FILE);
	size_t base_len;
	char *base_text = bench_read(changed_path, &base_len);
	if (!file_count || !base_text) {
		fprintf(stderr, "bench_reload: cannot read %s/et-open\n", CORPUS);
		return EXIT_FAILURE;
	}
	struct ruleset_options o = {
	    .files = (const char *const *)files, .file_count = file_count, .cache_dir = cache};
	struct ruleset *rs;
	struct ruleset_report report;
	char err[512];
	double t = clock_monotonic_seconds();
	if (ruleset_build(&o, &rs, &report, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_reload: %s\n", err);
		return EXIT_FAILURE;
	}
	printf("ET Open: %u files, %u of %u rules, built in %.2f s\n", file_count, report.loaded,
	       report.read, clock_monotonic_seconds() - t);
	ruleset_report_clear(&report);

	/* One worker with a full flow table and its stream pool: the steady state. */
	static struct worker_conf worker;
	struct flow_config fc = {.capacity = flows, .stream = {.depth = 1u << 20}};
	worker.detect.flows = flow_table_create(&fc);
	static struct dataplane_published published;
	struct detect_rules *rules;
	if (!worker.detect.flows || publish_domain_init(&published.domain, 1) < 0 ||
	    detect_rules_create(rs, 1, flows, &rules) < 0)
		return EXIT_FAILURE;
	publish_swap(&published.domain, (void **)&published.rules, rules);
	worker.detect.published = &published;
	detect_rules_sync(&worker.detect);
	static struct control control;
	control.workers = &worker;
	control.worker_count = 1;
	control.published = &published;
	static struct rules_update ru;
	if (rules_update_init(&ru, &o, NULL, rs, store, flows, &control, NULL) < 0)
		return EXIT_FAILURE;
	pthread_t thread;
	pthread_create(&thread, NULL, bench_worker, &worker.detect);

	long steady = bench_status_kib("VmRSS:");
	printf("steady state: 1 worker, %u flow slots: resident %.0f MiB\n", flows,
	       steady / 1024.0);
	double load_s[20], rollback_s[20], load_peak[20], rollback_peak[20], compile_s[20];
	for (unsigned r = 0; r < rounds; r++) {
		/* the file with one more rule, new each round: a cold compile */
		char *text = malloc(base_len + 512);
		memcpy(text, base_text, base_len);
		int extra = snprintf(text + base_len, 512,
				     "\nalert http any any -> any any (msg:\"bench reload %u\"; "
				     "content:\"vigil-bench-reload-%u\"; sid:%u; rev:1;)\n",
				     r, r, 9900000 + r);
		struct json_out answer = {0};
		bench_reset_peak();
		double t0 = clock_monotonic_seconds();
		int rc = rules_update_stage(&ru, CHANGED_FILE, (const uint8_t *)text,
					    base_len + (size_t)extra, true, "bench", &answer, err,
					    sizeof(err));
		double t1 = clock_monotonic_seconds();
		if (rc == 0)
			rc = rules_update_commit(&ru, err, sizeof(err));
		double t2 = clock_monotonic_seconds();
		load_peak[r] = (double)bench_status_kib("VmHWM:") / (double)steady;
		json_free(&answer);
		free(text);
		if (rc < 0) {
			fprintf(stderr, "bench_reload: %s\n", err);
			return EXIT_FAILURE;
		}
		load_s[r] = t2 - t0;
		compile_s[r] = t1 - t0;
		bench_reset_peak();
		t0 = clock_monotonic_seconds();
		rc = rules_update_rollback(&ru, "bench", err, sizeof(err));
		rollback_s[r] = clock_monotonic_seconds() - t0;
		rollback_peak[r] = (double)bench_status_kib("VmHWM:") / (double)steady;
		if (rc < 0) {
			fprintf(stderr, "bench_reload: rollback: %s\n", err);
			return EXIT_FAILURE;
		}
		printf("round %u: rules load + commit %.2f s (stage %.2f s, publish %.3f s), peak "
		       "%.2f x steady; rollback %.2f s, peak %.2f x steady\n",
		       r + 1, load_s[r], compile_s[r], load_s[r] - compile_s[r], load_peak[r],
		       rollback_s[r], rollback_peak[r]);
	}
	printf("median over %u rounds: rules load -> live %.2f s (peak resident %.2f x steady), "
	       "rollback -> live %.2f s (peak %.2f x steady)\n",
	       rounds, bench_median(load_s, rounds), bench_median(load_peak, rounds),
	       bench_median(rollback_s, rounds), bench_median(rollback_peak, rounds));
	bench_stop = 1;
	pthread_join(thread, NULL);
	rules_update_close(&ru);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", cache, store);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_reload: could not remove %s, %s\n", cache, store);
	rte_eal_cleanup();
	return EXIT_SUCCESS;
}
