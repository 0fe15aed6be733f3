/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding benchmark: Mpps per worker lcore through vigil's full worker
 * path (receive, decode, inspect, verdict, transmit to the pair port),
 * against a bare DPDK receive-and-transmit loop on the same devices, in the
 * same run, so the ratio holds on a noisy machine where the absolute
 * figures do not.
 *
 * The ports are a net_ring pair from tests/bench/bench.conf, set up by the
 * same platform code as a real board. Packets are preloaded once and then
 * circulate; rounds alternate bare / vigil and the medians are reported.
 *
 *   build/tests/bench/bench_forward [--rounds N] [--seconds S] [--workers N]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dataplane/worker.h"
#include "platform/board.h"
#include "platform/eal.h"
#include "platform/port.h"

#define BENCH_PRELOAD 512 /* per queue; a net_ring ring holds 1023 */
#define BENCH_MAX_ROUNDS 31

struct bench_options {
	unsigned rounds;
	double seconds;
	unsigned workers;
};

/* The baseline: what a worker would do with no decode and no inspection. */
static volatile int bare_quit;

static int bare_main(void *arg)
{
	struct worker_conf *conf = arg;
	struct rte_mbuf *burst[WORKER_BURST];

	while (!bare_quit) {
		for (unsigned i = 0; i < conf->queue_count; i++) {
			const struct worker_queue *q = &conf->queues[i];
			uint16_t n = rte_eth_rx_burst(q->rx_port, q->rx_queue, burst, WORKER_BURST);
			if (n == 0)
				continue;
			uint16_t sent = rte_eth_tx_burst(q->tx_port, q->tx_queue, burst, n);
			if (unlikely(sent < n))
				rte_pktmbuf_free_bulk(burst + sent, n - sent);
			conf->counters.counter[WORKER_COUNTER_RX_PACKETS] += n;
		}
	}
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An Ethernet/IPv4/UDP frame of size bytes, flow number flow. */
static void bench_build_frame(uint8_t *f, unsigned size, unsigned flow)
{
	memset(f, 0, size);
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 2}, src[6] = {0x02, 0, 0, 0, 0, 1};
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	unsigned ip_len = size - 14, udp_len = ip_len - 20;
	ip[0] = 0x45;
	ip[2] = ip_len >> 8;
	ip[3] = ip_len & 0xff;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10, ip[13] = 1, ip[14] = (flow >> 8) & 0xff, ip[15] = flow & 0xff;
	ip[16] = 10, ip[17] = 2, ip[18] = 0, ip[19] = 1;
	uint8_t *udp = ip + 20;
	udp[0] = 0x80 | ((flow >> 8) & 0x3f), udp[1] = flow & 0xff;
	udp[2] = 0x00, udp[3] = 53;
	udp[4] = udp_len >> 8, udp[5] = udp_len & 0xff;
}

static void bench_drain(const struct port_set *ports)
{
	struct rte_mbuf *burst[WORKER_BURST];
	for (unsigned i = 0; i < ports->count; i++)
		for (uint16_t q = 0; q < ports->ports[i].queues; q++) {
			uint16_t n;
			while ((n = rte_eth_rx_burst(ports->ports[i].port_id, q, burst,
						     WORKER_BURST)) > 0)
				rte_pktmbuf_free_bulk(burst, n);
		}
}

static void bench_preload(const struct port_set *ports, unsigned queues, unsigned size)
{
	for (uint16_t q = 0; q < queues; q++) {
		for (unsigned k = 0; k < BENCH_PRELOAD; k++) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(ports->pool);
			if (!m) {
				fprintf(stderr, "bench: out of mbufs\n");
				exit(EXIT_FAILURE);
			}
			uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, size);
			bench_build_frame(f, size, q * BENCH_PRELOAD + k);
			if (rte_eth_tx_burst(ports->ports[0].port_id, q, &m, 1) != 1) {
				fprintf(stderr, "bench: preload ring full\n");
				exit(EXIT_FAILURE);
			}
		}
	}
}

/* Run fn on every worker lcore for the given time; returns total Mpps. */
static double bench_round(lcore_function_t *fn, struct worker_conf *workers, unsigned count,
			  double seconds, volatile int *bare_flag)
{
	uint64_t before = 0, after = 0;
	for (unsigned w = 0; w < count; w++)
		before += workers[w].counters.counter[WORKER_COUNTER_RX_PACKETS];
	worker_clear_stop();
	*bare_flag = 0;
	double start = now_seconds();
	for (unsigned w = 0; w < count; w++)
		rte_eal_remote_launch(fn, &workers[w], workers[w].lcore_id);
	usleep((useconds_t)(seconds * 1e6));
	worker_stop();
	*bare_flag = 1;
	rte_eal_mp_wait_lcore();
	double elapsed = now_seconds() - start;
	for (unsigned w = 0; w < count; w++)
		after += workers[w].counters.counter[WORKER_COUNTER_RX_PACKETS];
	return (after - before) / elapsed / 1e6;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void parse_options(int argc, char **argv, struct bench_options *o)
{
	static const struct option longopts[] = {
		{"rounds", required_argument, NULL, 'r'},
		{"seconds", required_argument, NULL, 's'},
		{"workers", required_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	int c;
	*o = (struct bench_options){.rounds = 5, .seconds = 1.0, .workers = 1};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'r')
			o->rounds = (unsigned)atoi(optarg);
		else if (c == 's')
			o->seconds = atof(optarg);
		else if (c == 'w')
			o->workers = (unsigned)atoi(optarg);
		else
			exit(EXIT_FAILURE);
	}
	if (o->rounds < 1 || o->rounds > BENCH_MAX_ROUNDS || o->seconds <= 0 || o->workers < 1 ||
	    o->workers > 15) {
		fprintf(stderr, "bench: --rounds 1..%d, --seconds > 0, --workers 1..15\n",
			BENCH_MAX_ROUNDS);
		exit(EXIT_FAILURE);
	}
}

int main(int argc, char **argv)
{
	static struct board board;
	struct bench_options o;
	struct port_set ports;
	char err[1024], workers_set[32], prefix_set[64];
	struct eal_vars vars = {0};

	parse_options(argc, argv, &o);
	snprintf(workers_set, sizeof(workers_set), "lcores.workers=1-%u", o.workers);
	snprintf(prefix_set, sizeof(prefix_set), "eal.file_prefix=vigil-bench-%d", (int)getpid());
	const char *overrides[] = {workers_set, prefix_set};
	if (board_load(&board, "tests/bench/bench.conf", overrides, 2, err, sizeof(err)) < 0 ||
	    eal_start(&board, &vars, argv[0], err, sizeof(err)) < 0 ||
	    port_start_all(&ports, &board, &vars, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return EXIT_FAILURE;
	}

	struct worker_conf *workers = rte_zmalloc("bench_workers", o.workers * sizeof(*workers),
						  RTE_CACHE_LINE_SIZE);
	for (unsigned w = 0; w < o.workers; w++) {
		workers[w].worker_index = w;
		workers[w].lcore_id = board.worker_lcores[w];
		workers[w].enforce = true;
		workers[w].scratch = rte_malloc("scratch", WORKER_SCRATCH_SIZE, 64);
		for (unsigned i = 0; i < 2; i++)
			workers[w].queues[workers[w].queue_count++] = (struct worker_queue){
				ports.ports[i].port_id, (uint16_t)w, ports.ports[1 - i].port_id,
				(uint16_t)w};
	}

	static const unsigned sizes[] = {64, 1500};
	printf("vigil forwarding benchmark: %u worker lcore(s), net_ring pair, %u packets "
	       "circulating per queue, %u rounds of %.1f s each, medians\n",
	       o.workers, BENCH_PRELOAD, o.rounds, o.seconds);
	printf("%-12s %16s %16s %12s %14s\n", "frame bytes", "bare Mpps/lcore", "vigil Mpps/lcore",
	       "vigil/bare", "vigil ns/pkt");
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		double bare[BENCH_MAX_ROUNDS], full[BENCH_MAX_ROUNDS];
		bench_drain(&ports);
		bench_preload(&ports, o.workers, sizes[s]);
		for (unsigned r = 0; r < o.rounds; r++) {
			bare[r] = bench_round(bare_main, workers, o.workers, o.seconds, &bare_quit) /
				  o.workers;
			full[r] = bench_round(worker_main, workers, o.workers, o.seconds,
					      &bare_quit) /
				  o.workers;
		}
		double b = median(bare, o.rounds), v = median(full, o.rounds);
		printf("%-12u %16.2f %16.2f %12.3f %14.1f\n", sizes[s], b, v, v / b, 1e3 / v);
	}
	uint64_t malformed = 0;
	for (unsigned w = 0; w < o.workers; w++)
		malformed += workers[w].counters.counter[WORKER_COUNTER_MALFORMED];
	if (malformed)
		printf("warning: %llu benchmark frames failed to decode\n",
		       (unsigned long long)malformed);
	bench_drain(&ports);
	for (unsigned w = 0; w < o.workers; w++)
		rte_free(workers[w].scratch);
	rte_free(workers);
	port_stop_all(&ports);
	eal_stop();
	return EXIT_SUCCESS;
}
