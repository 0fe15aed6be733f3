/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Benchmark: what a dashboard left open costs the control lcore. The page
 * asks every 5 s for /api/history, /api/stats, /api/status, /api/sinks and
 * /api/rules; of those, the history (rates of the last hour, tops counted
 * over the alert ring) and the stats JSON are the work that grows, and a
 * Prometheus scrape adds /metrics (the stats JSON turned into OpenMetrics).
 * Measured here at their worst: a full hour of samples (361 points, 3
 * ports) and a full alert ring (65,536 alerts over 5,000 rules, 20,000
 * sources, 2,000 destinations), 4 workers' counters.
 *
 * Prints the milliseconds of one refresh (history + stats JSON) and of one
 * scrape, and the share of the control lcore they take at one refresh
 * every 5 s and one scrape every 15 s (the ratio the issue asks for: the
 * control lcore must stay free for alerts and the console).
 *
 *   build/tests/bench/bench_dashboard [--rounds N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/history.h"
#include "control/metrics.h"
#include "control/stats.h"
#include "dataplane/alert.h"
#include "rules/lang/rule.h"

#define BENCH_WORKERS 4
#define BENCH_RULES   5000

static double bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static struct worker_counters bench_counters[BENCH_WORKERS];
static struct rule bench_rules[BENCH_RULES];
static char bench_msgs[BENCH_RULES][64];

/* A full hour of samples and a full alert ring, without DPDK ports. */
static void bench_fill(struct history *h, const struct stats_view *view)
{
	uint64_t t0 = 1700000000000ull;
	for (unsigned i = 0; i < HISTORY_POINTS; i++) {
		for (unsigned w = 0; w < BENCH_WORKERS; w++) {
			bench_counters[w].counter[WORKER_COUNTER_ALERTS] += 100 + i;
			bench_counters[w].drop[0] += i % 7;
		}
		h->next_sample_ms = 0;
		history_poll(h, view, t0 + i * HISTORY_INTERVAL_S * 1000ull);
		h->port_count = 3;
		struct history_point *p =
		    &h->points[(h->point_next + HISTORY_POINTS - 1) % HISTORY_POINTS];
		for (unsigned k = 0; k < 3; k++) {
			p->rx_packets[k] = 1000000ull * i + k;
			p->rx_bytes[k] = 800000000ull * i;
			snprintf(h->port_names[k], sizeof(h->port_names[k]), "port%u", k);
		}
	}
	uint64_t now = t0 + (HISTORY_POINTS - 1) * HISTORY_INTERVAL_S * 1000ull;
	srand(7);
	for (unsigned i = 0; i < BENCH_RULES; i++) {
		snprintf(bench_msgs[i], sizeof(bench_msgs[i]), "ET bench rule number %u", i);
		bench_rules[i].gid = 1;
		bench_rules[i].sid = 2000000 + i;
		bench_rules[i].msg = bench_msgs[i];
	}
	for (unsigned i = 0; i < HISTORY_ALERTS; i++) {
		struct alert a;
		memset(&a, 0, sizeof(a));
		a.rule = &bench_rules[rand() % BENCH_RULES];
		a.ip_version = 4;
		uint32_t src = 0x0a000000u + (uint32_t)(rand() % 20000);
		uint32_t dst = 0xc0a80000u + (uint32_t)(rand() % 2000);
		memcpy(a.src_addr, &src, 4);
		memcpy(a.dst_addr, &dst, 4);
		history_alert(h, &a, now - 3000000 + i * 40ull);
	}
}

int main(int argc, char **argv)
{
	unsigned rounds = 40;
	static const struct option opts[] = {{"rounds", required_argument, NULL, 'r'}, {0}};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (c == 'r')
			rounds = (unsigned)atoi(optarg);
	struct stats_worker workers[BENCH_WORKERS];
	memset(workers, 0, sizeof(workers));
	for (unsigned w = 0; w < BENCH_WORKERS; w++) {
		workers[w].lcore_id = w + 1;
		workers[w].worker_index = w;
		workers[w].counters = &bench_counters[w];
	}
	struct stats_view view = {
	    .board = "bench", .mode = "ips", .workers = workers, .worker_count = BENCH_WORKERS};
	struct history *h = calloc(1, sizeof(*h));
	if (!h)
		return 1;
	bench_fill(h, &view);
	uint64_t now = 1700000000000ull + (HISTORY_POINTS - 1) * HISTORY_INTERVAL_S * 1000ull;

	double *refresh = calloc(rounds, sizeof(double)), *scrape = calloc(rounds, sizeof(double));
	size_t history_bytes = 0, metrics_bytes = 0;
	for (unsigned r = 0; r < rounds; r++) {
		char *text = NULL, *stats = NULL, *om = NULL;
		size_t len = 0, stats_len = 0, om_len = 0;
		double t = bench_now();
		FILE *f = open_memstream(&text, &len);
		history_json(f, h, &view, now);
		fclose(f);
		f = open_memstream(&stats, &stats_len);
		fputs("{\"ok\":true,\"stats\":", f);
		stats_json(f, &view);
		fputs("}", f);
		fclose(f);
		refresh[r] = bench_now() - t;
		t = bench_now();
		f = open_memstream(&om, &om_len);
		const char *docs[] = {stats};
		const size_t lens[] = {stats_len};
		if (metrics_write(f, docs, lens, 1) != 0)
			return 1;
		fclose(f);
		scrape[r] = bench_now() - t; /* the stats JSON above is the refresh's, shared */
		history_bytes = len;
		metrics_bytes = om_len;
		free(text);
		free(stats);
		free(om);
	}
	qsort(refresh, rounds, sizeof(double), bench_cmp);
	qsort(scrape, rounds, sizeof(double), bench_cmp);
	double r_ms = refresh[rounds / 2] * 1e3, s_ms = scrape[rounds / 2] * 1e3;
	printf("dashboard refresh (history of a full hour and ring + stats JSON): %.2f ms median "
	       "(%zu bytes of history)\n",
	       r_ms, history_bytes);
	printf("metrics scrape (stats JSON to OpenMetrics): %.2f ms median (%zu bytes)\n", s_ms,
	       metrics_bytes);
	printf(
	    "control lcore share: one page refreshing every 5 s %.3f%%, plus a scrape every 15 s "
	    "%.3f%%\n",
	    r_ms / 5000 * 100, (s_ms + r_ms) / 15000 * 100);
	history_free(h);
	free(h);
	free(refresh);
	free(scrape);
	return 0;
}
