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
 * Then the same 64-byte traffic with the filter stage loaded: 10,000
 * numbered ACL rules, a 1,000,000-prefix IP set and a 1,000,000-host (/32)
 * IP set that ACL rules name (so each address is looked up in the flat
 * table, the rte_fib of longer prefixes and the host hash), generated
 * here, deterministic pseudo-random, none matching the traffic so every
 * packet is forwarded: stateless (the verdict cache answers for the 512
 * circulating 5-tuples; misses take the prefix lookups and rte_acl a burst
 * at a time; no flow lookup), the same with the verdict cache off (every
 * packet classified: the cost of a new connection's packets), and with
 * stateful default deny (the verdict cached on the flow), beside the plain
 * figure and an empty filter of the same run, the cases interleaved in
 * half-millisecond slices (see bench_interleave_main()); and the time to
 * read and build those tables and the DPDK memory they take. Then AWS
 * GWLB GENEVE (bench_geneve()): 64-byte inner packets in 146-byte frames,
 * forwarded as plain UDP, peeled and returned, and both with the filter,
 * interleaved the same way. Last, IP reassembly: datagrams in 3 fragments
 * with and without it (bench_defrag()). Before the filter, worker scaling:
 * the same 64-byte forwarding with 1, 2, ... worker lcores in one run
 * (--scaling, default 1,2: bench_scaling()).
 *
 *   build/tests/bench/bench_forward [--rounds N] [--seconds S] [--workers N]
 *                                   [--only bare|scaling|filter|geneve|defrag]
 *                                   [--scaling 1,2,4,8]
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dataplane/decode/defrag.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/publish.h"
#include "dataplane/worker.h"
#include "platform/board.h"
#include "platform/clock.h"
#include "platform/eal.h"
#include "platform/port.h"

#define BENCH_PRELOAD	 512 /* per queue; a net_ring ring holds 1023 */
#define BENCH_MAX_ROUNDS 31

#define BENCH_MAX_SCALING 8

struct bench_options {
	unsigned rounds;
	double seconds;
	unsigned workers;
	const char *only; /* one part: bare, filter, geneve or defrag; NULL: all */
	unsigned scaling[BENCH_MAX_SCALING]; /* worker counts of the scaling figures */
	unsigned scaling_count;
	unsigned max_workers; /* the EAL's worker lcores: the largest of workers and scaling */
};

/* Whether part runs (--only). */
static bool bench_runs(const struct bench_options *o, const char *part)
{
	return !o->only || strcmp(o->only, part) == 0;
}

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

/* Builds frame number flow, size bytes, at f. */
typedef void bench_build_fn(uint8_t *f, unsigned size, unsigned flow);

static void bench_preload(const struct port_set *ports, unsigned queues, unsigned size,
			  bench_build_fn *build)
{
	for (uint16_t q = 0; q < queues; q++) {
		for (unsigned k = 0; k < BENCH_PRELOAD; k++) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(ports->pool);
			if (!m) {
				fprintf(stderr, "bench: out of mbufs\n");
				exit(EXIT_FAILURE);
			}
			uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, size);
			build(f, size, q * BENCH_PRELOAD + k);
			if (rte_eth_tx_burst(ports->ports[0].port_id, q, &m, 1) != 1) {
				fprintf(stderr, "bench: preload ring full\n");
				exit(EXIT_FAILURE);
			}
		}
	}
}

/* One worker lcore's run: fn on conf, the CPU time its thread spent and the wall time it took. */
struct bench_job {
	lcore_function_t *fn;
	struct worker_conf *conf;
	double cpu_seconds;
	double wall_seconds;
};

static double thread_cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench_job_main(void *arg)
{
	struct bench_job *job = arg;
	double start = thread_cpu_seconds(), wall = clock_monotonic_seconds();
	int rc = job->fn(job->conf);
	job->cpu_seconds = thread_cpu_seconds() - start;
	job->wall_seconds = clock_monotonic_seconds() - wall;
	return rc;
}

/* What count worker lcores did in one round, summed over them (bench_round()). */
struct bench_figures {
	double cpu_mpps;  /* packets per second of each lcore's CPU time, millions */
	double wall_mpps; /* packets per second of wall time, millions */
	double cpu_share; /* CPU time over wall time, the mean of the lcores: 1 = a CPU each */
};

/*
 * Run fn on every worker lcore for the given time. The figure the cases
 * are compared on is packets per second of CPU time: on a shared machine
 * (CI, a development VM) a worker thread is sometimes descheduled, and
 * that time is nobody's cost; the cases of one run are then compared on
 * the work they did. Per second of wall time is what the lcores forwarded
 * together, descheduling and shared CPUs included, and cpu_share says how
 * much of a CPU each lcore got.
 */
static struct bench_figures bench_round(lcore_function_t *fn, struct worker_conf *workers,
					unsigned count, double seconds, volatile int *bare_flag)
{
	struct bench_job jobs[16];
	uint64_t before[16];
	worker_clear_stop();
	*bare_flag = 0;
	for (unsigned w = 0; w < count; w++) {
		before[w] = workers[w].counters.counter[WORKER_COUNTER_RX_PACKETS];
		jobs[w] = (struct bench_job){fn, &workers[w], 0, 0};
		rte_eal_remote_launch(bench_job_main, &jobs[w], workers[w].lcore_id);
	}
	usleep((useconds_t)(seconds * 1e6));
	worker_stop();
	*bare_flag = 1;
	rte_eal_mp_wait_lcore();
	struct bench_figures f = {0, 0, 0};
	for (unsigned w = 0; w < count; w++) {
		uint64_t packets =
		    workers[w].counters.counter[WORKER_COUNTER_RX_PACKETS] - before[w];
		if (jobs[w].cpu_seconds > 0)
			f.cpu_mpps += packets / jobs[w].cpu_seconds / 1e6;
		if (jobs[w].wall_seconds > 0) {
			f.wall_mpps += packets / jobs[w].wall_seconds / 1e6;
			f.cpu_share += jobs[w].cpu_seconds / jobs[w].wall_seconds / count;
		}
	}
	return f;
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

/* The median of v (sorted in place) and its lower and upper quartiles. */
static double median_quartiles(double *v, unsigned n, double *q1, double *q3)
{
	double m = median(v, n);
	*q1 = v[n / 4];
	*q3 = v[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1];
	return m;
}

/* ---- the filter figures ---- */

#ifndef BENCH_ACL_RULES
#define BENCH_ACL_RULES 10000
#endif
#ifndef BENCH_SET_PREFIXES
#define BENCH_SET_PREFIXES 1000000
#endif
#ifndef BENCH_SET_HOSTS
#define BENCH_SET_HOSTS 1000000
#endif

static uint64_t bench_random_state = 0x9e3779b97f4a7c15ull;

static uint64_t bench_random(void)
{
	uint64_t x = bench_random_state;
	x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
	bench_random_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* A random prefix of length lo..hi inside base/base_len (IPv4, host order). */
static struct filter_prefix bench_prefix(uint32_t base, unsigned base_len, unsigned lo, unsigned hi)
{
	struct filter_prefix p = {.version = 4};
	p.len = (uint8_t)(lo + bench_random() % (hi - lo + 1));
	uint32_t host = (uint32_t)bench_random();
	uint32_t keep = base_len ? ~0u << (32 - base_len) : 0;
	uint32_t addr = (base & keep) | (host & ~keep);
	addr &= p.len ? ~0u << (32 - p.len) : 0;
	uint32_t be = htonl(addr);
	memcpy(p.addr, &be, 4);
	return p;
}

/*
 * The benchmark's filter: 10,000 ACL rules on 172.16.0.0/12 -> 100.64.0.0/10
 * with port ranges, and one rule on a set of 1,000,000 prefixes outside
 * 10.0.0.0/8 (the traffic's addresses), read from generated list text;
 * with hosts, one more rule on a set of 1,000,000 single hosts.
 */
static void bench_filter_spec(struct filter_spec *spec, double *parse_seconds, bool stateful,
			      bool hosts)
{
	bench_random_state = 0x9e3779b97f4a7c15ull; /* the same rules every time */
	filter_spec_init(spec);
	if (stateful) {
		/* stateful default deny with one allow-all rule: every flow is
		 * judged once by its first packet, then by its cached verdict */
		spec->stateful_deny = true;
		spec->stateful = calloc(1, sizeof(*spec->stateful));
		spec->stateful_capacity = 1;
		spec->stateful[spec->stateful_count++] = (struct filter_rule){
		    .number = 1,
		    .action = FILTER_ALLOW,
		    .match = {.proto = -1,
			      .src = {.any = true, .set = -1},
			      .dst = {.any = true, .set = -1},
			      .sport_hi = 65535,
			      .dport_hi = 65535,
			      .icmp_type = -1},
		};
	}
	spec->acl = calloc(BENCH_ACL_RULES + 2, sizeof(*spec->acl));
	for (unsigned i = 0; i < BENCH_ACL_RULES; i++) {
		struct filter_rule *r = &spec->acl[spec->acl_count++];
		/* as network ACLs are written: mostly one port, some short ranges, some any */
		unsigned kind = (unsigned)(bench_random() % 10);
		uint16_t lo = kind < 3 ? 0 : (uint16_t)(1 + bench_random() % 60000);
		uint16_t hi = kind < 3	 ? 65535
			      : kind < 9 ? lo
					 : (uint16_t)(lo + bench_random() % 100);
		*r = (struct filter_rule){
		    .number = i + 1,
		    .action = bench_random() % 4 ? FILTER_DENY : FILTER_ALLOW,
		    .match = {.proto = bench_random() % 2 ? 6 : 17,
			      .direction = (enum filter_direction)(bench_random() % 3),
			      .src = {.set = -1, .prefix = bench_prefix(0xac100000, 12, 16, 32)},
			      .dst = {.set = -1, .prefix = bench_prefix(0x64400000, 10, 16, 32)},
			      .sport_hi = 65535,
			      .dport_lo = lo,
			      .dport_hi = hi,
			      .icmp_type = -1,
			      .ip_version = 4},
		};
	}
	size_t cap = (size_t)BENCH_SET_PREFIXES * 20, len = 0;
	char *text = malloc(cap);
	for (unsigned i = 0; i < BENCH_SET_PREFIXES; i++) {
		/* mostly /16-/24 as in real block lists, 3% longer */
		struct filter_prefix p = bench_random() % 100 < 3 ? bench_prefix(0, 0, 25, 32)
								  : bench_prefix(0, 0, 16, 24);
		if (p.addr[0] == 10)
			p.addr[0] = 11;
		len += (size_t)snprintf(text + len, cap - len, "%u.%u.%u.%u/%u\n", p.addr[0],
					p.addr[1], p.addr[2], p.addr[3], p.len);
	}
	struct filter_set *set = &spec->sets[spec->set_count++];
	snprintf(set->name, sizeof(set->name), "blocklist");
	char err[FILTER_ERROR_MAX];
	double start = clock_monotonic_seconds();
	if (filter_ipset_parse(set, text, len, "generated", err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(EXIT_FAILURE);
	}
	*parse_seconds = clock_monotonic_seconds() - start;
	free(text);
	/* a block list of single hosts: each its own /24 mostly, outside 10.0.0.0/8 */
	if (hosts) {
		struct filter_set *h = &spec->sets[spec->set_count++];
		snprintf(h->name, sizeof(h->name), "hosts");
		for (unsigned i = 0; i < BENCH_SET_HOSTS; i++) {
			struct filter_prefix p = bench_prefix(0, 0, 32, 32);
			if (p.addr[0] == 10)
				p.addr[0] = 11;
			if (filter_set_add(h, &p) < 0)
				exit(EXIT_FAILURE);
		}
	}
	for (int s = 0; s < (int)spec->set_count; s++)
		spec->acl[spec->acl_count++] = (struct filter_rule){
		    .number = BENCH_ACL_RULES + 1 + s,
		    .action = FILTER_DENY,
		    .match = {.proto = -1,
			      .src = {.set = s},
			      .dst = {.any = true, .set = -1},
			      .sport_hi = 65535,
			      .dport_hi = 65535,
			      .icmp_type = -1},
		};
}

/* DPDK heap bytes in use (socket 0: the benchmark's EAL runs without NUMA). */
static size_t bench_heap_bytes(void)
{
	struct rte_malloc_socket_stats stats;
	return rte_malloc_get_socket_stats(0, &stats) == 0 ? stats.heap_allocsz_bytes : 0;
}

static void bench_filter_attach(struct worker_conf *workers, unsigned count,
				struct filter_context **contexts, struct flow_table **flows)
{
	for (unsigned w = 0; w < count; w++) {
		workers[w].detect.filter = contexts ? contexts[w] : NULL;
		workers[w].detect.flows = flows ? flows[w] : NULL;
	}
}

/* One filter as a worker sees it: tables published on a runtime, a context per worker. */
struct bench_filter {
	struct publish_domain domain;
	struct filter_runtime rt;
	struct filter_context *contexts[16];
};

static void bench_filter_open(struct bench_filter *bf, const struct bench_options *o,
			      const struct filter_spec *spec, struct filter_build_report *report)
{
	struct filter_tables *tables;
	char err[FILTER_ERROR_MAX];
	if (filter_tables_build(spec, &tables, report, err, sizeof(err)) < 0 ||
	    publish_domain_init(&bf->domain, o->workers) < 0 ||
	    filter_runtime_init(&bf->rt, &bf->domain, "") < 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(EXIT_FAILURE);
	}
	filter_runtime_publish(&bf->rt, tables);
	for (unsigned w = 0; w < o->workers; w++) {
		bf->contexts[w] = calloc(1, sizeof(*bf->contexts[w]));
		if (!bf->contexts[w])
			exit(EXIT_FAILURE);
		bf->contexts[w]->rt = &bf->rt;
		bf->contexts[w]->worker_index = w;
	}
}

/* Free bf; returns the frames it denied, and the share of its checks a cached verdict answered. */
static uint64_t bench_filter_close(struct bench_filter *bf, const struct bench_options *o,
				   double *cached_share)
{
	uint64_t denied = 0, checked = 0, cached = 0;
	for (unsigned w = 0; w < o->workers; w++) {
		for (int k = 0; k < FILTER_REASON_COUNT; k++)
			denied += bf->contexts[w]->counters.denied[k];
		checked += bf->contexts[w]->counters.checked;
		cached += bf->contexts[w]->counters.cache_hits;
		free(bf->contexts[w]);
	}
	filter_runtime_free(&bf->rt);
	*cached_share = checked ? (double)cached / (double)checked : 0;
	return denied;
}

/* A flow table per worker, 65,536 flows, as the filter cases have. */
static void bench_flows_create(const struct bench_options *o, struct flow_table **flows)
{
	for (unsigned w = 0; w < o->workers; w++) {
		struct flow_config fc = {.capacity = 65536, .worker_index = w};
		flows[w] = flow_table_create(&fc);
		if (!flows[w])
			exit(EXIT_FAILURE);
	}
}

enum {
	BENCH_PLAIN,
	BENCH_EMPTY,
	BENCH_STATELESS,
	BENCH_UNCACHED,
	BENCH_HOSTS,
	BENCH_STATEFUL,
	BENCH_CASES
};

/*
 * The filter cases are timed interleaved: one worker lcore runs each case
 * in turn for BENCH_SLICE_POLLS turns of its loop (about 16,000 packets,
 * half a millisecond), again and again, timing every slice with the TSC.
 * Rounds of a third of a second, one case after another, were not enough
 * on a shared VM: the same case moved by up to 1.7x from one round to the
 * next (the host's other guests), which hid a difference of 10%. Slices
 * this short see the same machine; the figures are medians over the
 * cycles, and each case's ratio is the median of its slice against the
 * plain slice of the same cycle.
 */
#define BENCH_SLICE_POLLS 256
#define BENCH_MAX_CYCLES  20000

/* One slice: BENCH_SLICE_POLLS turns of conf's loop, timed with the TSC; ns a packet. */
static float bench_slice_ns(struct worker_conf *conf, double ns_per_tick)
{
	uint64_t packets = conf->counters.counter[WORKER_COUNTER_RX_PACKETS];
	uint64_t start = rte_rdtsc();
	for (unsigned t = 0; t < BENCH_SLICE_POLLS; t++)
		worker_poll(conf);
	uint64_t ticks = rte_rdtsc() - start;
	packets = conf->counters.counter[WORKER_COUNTER_RX_PACKETS] - packets;
	return packets ? (float)(ticks * ns_per_tick / packets) : 0;
}

struct bench_interleave {
	struct worker_conf *conf;
	int cases;				     /* at most BENCH_CASES */
	struct filter_context *filters[BENCH_CASES]; /* NULL: no filter (the plain case) */
	struct flow_table *flows;		     /* every case's but the plain one */
	/* the tunnels the worker's queues peel, by case; NULL: none */
	const struct decode_tunnels *tunnels[BENCH_CASES];
	uint64_t deadline_tsc;
	unsigned cycles;
	float ns[BENCH_CASES][BENCH_MAX_CYCLES]; /* per packet, each cycle's slice */
};

static int bench_interleave_main(void *arg)
{
	struct bench_interleave *bi = arg;
	struct worker_conf *conf = bi->conf;
	double ns_per_tick = 1e9 / (double)rte_get_tsc_hz();
	for (int k = 0; k < bi->cases; k++)
		if (bi->filters[k])
			publish_worker_online(bi->filters[k]->rt->domain, conf->worker_index);
	while (bi->cycles < BENCH_MAX_CYCLES && rte_rdtsc() < bi->deadline_tsc) {
		for (int k = 0; k < bi->cases; k++) {
			conf->detect.filter = bi->filters[k];
			conf->detect.flows = bi->filters[k] ? bi->flows : NULL;
			for (unsigned q = 0; q < conf->queue_count; q++)
				conf->queues[q].tunnels = bi->tunnels[k];
			bi->ns[k][bi->cycles] = bench_slice_ns(conf, ns_per_tick);
		}
		bi->cycles++;
	}
	for (int k = 0; k < bi->cases; k++)
		if (bi->filters[k])
			publish_worker_offline(bi->filters[k]->rt->domain, conf->worker_index);
	for (unsigned q = 0; q < conf->queue_count; q++)
		conf->queues[q].tunnels = NULL;
	return 0;
}

/*
 * The median over every worker's cycles of the ratio of case base's slice
 * time to case k's (k's speed against base's, paired by cycle), and its
 * quartiles; ratio has room for every cycle.
 */
static double bench_paired_ratio(struct bench_interleave *jobs, unsigned workers, int k, int base,
				 double *ratio, double *q1, double *q3)
{
	size_t n = 0;
	for (unsigned w = 0; w < workers; w++)
		for (unsigned c = 0; c < jobs[w].cycles; c++)
			ratio[n++] = jobs[w].ns[base][c] / jobs[w].ns[k][c];
	return median_quartiles(ratio, (unsigned)n, q1, q3);
}

/* The interleaved figures: median ns a packet per case, and the paired ratios to plain. */
static void bench_interleave_report(struct bench_interleave *jobs, unsigned workers,
				    const char *title, const char *const names[])
{
	size_t total = 0;
	int cases = jobs[0].cases;
	for (unsigned w = 0; w < workers; w++)
		total += jobs[w].cycles;
	double *ns = malloc(total * sizeof(*ns)), *ratio = malloc(total * sizeof(*ratio));
	printf("%-34s %12s %10s %17s %9s\n", title, "Mpps/lcore", "vs plain", "quartiles",
	       "ns/pkt");
	for (int k = 0; k < cases; k++) {
		size_t n = 0;
		for (unsigned w = 0; w < workers; w++)
			for (unsigned c = 0; c < jobs[w].cycles; c++)
				ns[n++] = jobs[w].ns[k][c];
		double q1, q3,
		    mid = bench_paired_ratio(jobs, workers, k, BENCH_PLAIN, ratio, &q1, &q3);
		double m = median(ns, (unsigned)n);
		printf("%-34s %12.2f %10.3f %8.3f-%.3f %9.1f\n", names[k], 1e3 / m, mid, q1, q3, m);
	}
	printf("(%zu cycles of the %d cases, interleaved in slices of %d loop turns; Mpps per "
	       "second of TSC time)\n",
	       total, cases, BENCH_SLICE_POLLS);
	free(ns);
	free(ratio);
}

/*
 * 64-byte frames: plain; a flow table and an empty filter; 10,000 ACL
 * rules and the 1,000,000-prefix set (stateless: the verdict cache, misses
 * classified a burst at a time, no flow needed), the same with the cache
 * off; the same and a set of 1,000,000 hosts; that with stateful default
 * deny (the verdict cached per flow). Every case but the plain one has the
 * worker's flow table, as vigil does.
 */
static void bench_filter(const struct bench_options *o, const struct port_set *ports,
			 struct worker_conf *workers)
{
	static const char *const names[BENCH_CASES] = {"vigil, no filter",
						       "+ flow table, empty filter",
						       "+ 10k ACL + 1M-prefix set",
						       "  same, verdict cache off",
						       "+ 10k ACL + 1M prefixes + 1M hosts",
						       "+ same, stateful default deny"};
	struct bench_filter filters[BENCH_CASES];
	struct filter_spec spec;
	struct filter_build_report report;
	double parse_seconds;

	bench_filter_spec(&spec, &parse_seconds, false, false);
	size_t heap_before = bench_heap_bytes();
	bench_filter_open(&filters[BENCH_STATELESS], o, &spec, &report);
	size_t heap_used = bench_heap_bytes() - heap_before;
	bench_filter_open(&filters[BENCH_UNCACHED], o, &spec, NULL);
	for (unsigned w = 0; w < o->workers; w++)
		filters[BENCH_UNCACHED].contexts[w]->verdict_cache_off = true;
	filter_spec_free(&spec);
	printf("filter tables: %zu ACL rules, an IP set of %u prefixes (list read in %.2f s); "
	       "built in %.2f s: rte_acl %.2f s, IP set tables %.2f s; %.0f MB of DPDK memory\n",
	       report.acl_rules, BENCH_SET_PREFIXES, parse_seconds, report.total_seconds,
	       report.acl_seconds, report.set_seconds, heap_used / 1048576.0);
	bench_filter_spec(&spec, &parse_seconds, false, true);
	heap_before = bench_heap_bytes();
	bench_filter_open(&filters[BENCH_HOSTS], o, &spec, &report);
	heap_used = bench_heap_bytes() - heap_before;
	filter_spec_free(&spec);
	printf("with a second set of %u hosts: built in %.2f s (IP set tables %.2f s); %.0f MB of "
	       "DPDK memory\n",
	       BENCH_SET_HOSTS, report.total_seconds, report.set_seconds, heap_used / 1048576.0);
	bench_filter_spec(&spec, &parse_seconds, true, true);
	bench_filter_open(&filters[BENCH_STATEFUL], o, &spec, NULL);
	filter_spec_free(&spec);
	filter_spec_init(&spec);
	bench_filter_open(&filters[BENCH_EMPTY], o, &spec, NULL);

	struct flow_table *flows[16];
	bench_flows_create(o, flows);
	bench_drain(ports);
	bench_preload(ports, o->workers, 64, bench_build_frame);
	struct bench_interleave *jobs = calloc(o->workers, sizeof(*jobs));
	/* as long in all as the rounds of the figures above would take */
	uint64_t deadline = rte_rdtsc() + (uint64_t)(o->rounds * o->seconds * BENCH_CASES *
						     (double)rte_get_tsc_hz());
	for (unsigned w = 0; w < o->workers; w++) {
		jobs[w].conf = &workers[w];
		jobs[w].cases = BENCH_CASES;
		jobs[w].flows = flows[w];
		jobs[w].deadline_tsc = deadline;
		for (int k = 0; k < BENCH_CASES; k++)
			jobs[w].filters[k] = k == BENCH_PLAIN ? NULL : filters[k].contexts[w];
		rte_eal_remote_launch(bench_interleave_main, &jobs[w], workers[w].lcore_id);
	}
	/* asleep meanwhile: rte_eal_mp_wait_lcore() spins, and would take a
	 * CPU the worker may share a core with */
	usleep((useconds_t)(o->rounds * o->seconds * BENCH_CASES * 1e6));
	rte_eal_mp_wait_lcore();
	bench_filter_attach(workers, o->workers, NULL, NULL);
	bench_interleave_report(jobs, o->workers, "64-byte frames, 512 flows", names);
	free(jobs);
	bench_drain(ports);
	uint64_t denied = 0;
	double share[BENCH_CASES];
	for (int k = BENCH_EMPTY; k < BENCH_CASES; k++)
		denied += bench_filter_close(&filters[k], o, &share[k]);
	printf("verdicts from a cache (the verdict cache; stateful: the flow's): %.2f%%, %.2f%% "
	       "with it "
	       "off, %.2f%% with the hosts, %.2f%% stateful\n",
	       100 * share[BENCH_STATELESS], 100 * share[BENCH_UNCACHED], 100 * share[BENCH_HOSTS],
	       100 * share[BENCH_STATEFUL]);
	if (denied)
		printf("warning: the filter denied %llu benchmark frames\n",
		       (unsigned long long)denied);
	for (unsigned w = 0; w < o->workers; w++)
		flow_table_destroy(flows[w]);
}

/* ---- GENEVE: the gateway load balancer's tunnel ---- */

#define BENCH_GENEVE_OPTIONS  32 /* AWS's three: endpoint id, attachment id, flow cookie */
#define BENCH_GENEVE_OVERHEAD (20 + 8 + 8 + BENCH_GENEVE_OPTIONS) /* 68: IPv4, UDP, GENEVE */
#define BENCH_GENEVE_INNER    64 /* bytes of the inner IPv4/UDP packet */
#define BENCH_GENEVE_FRAME    (14 + BENCH_GENEVE_OVERHEAD + BENCH_GENEVE_INNER)

static const struct decode_tunnels bench_tunnels = {.geneve_port = 6081};

static void bench_put16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8), b[1] = (uint8_t)v;
}

/* An AWS GENEVE option (class 0x0108) of type with len bytes of value, big-endian. */
static uint8_t *bench_geneve_option(uint8_t *o, uint8_t type, uint64_t value, unsigned len)
{
	bench_put16(o, 0x0108);
	o[2] = type, o[3] = (uint8_t)(len / 4);
	for (unsigned i = 0; i < len; i++)
		o[4 + i] = (uint8_t)(value >> (8 * (len - 1 - i)));
	return o + 4 + len;
}

/*
 * A GWLB GENEVE frame (BENCH_GENEVE_FRAME bytes; size must say so) from
 * the balancer 10.80.0.1 to the appliance 10.80.0.10, UDP 6081, the three
 * AWS options, around the inner IPv4/UDP packet of the plain frame of
 * flow number flow, 64 bytes long.
 */
static void bench_build_geneve(uint8_t *f, unsigned size, unsigned flow)
{
	(void)size;
	/* the inner packet first: its Ethernet header lands where the outer
	 * headers go, which are written over it */
	bench_build_frame(f + BENCH_GENEVE_OVERHEAD, 14 + BENCH_GENEVE_INNER, flow);
	memset(f, 0, 14 + BENCH_GENEVE_OVERHEAD);
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0x0a, 0x0a},
			     src[6] = {0x02, 0, 0, 0, 0x0a, 1};
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45, ip[8] = 64, ip[9] = 17;
	bench_put16(ip + 2, BENCH_GENEVE_FRAME - 14);
	ip[12] = 10, ip[13] = 80, ip[14] = 0, ip[15] = 1;
	ip[16] = 10, ip[17] = 80, ip[18] = 0, ip[19] = 10;
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
	h->hdr_checksum = rte_ipv4_cksum(h);
	uint8_t *udp = ip + 20;
	bench_put16(udp, 0x8000 | (flow & 0x3fff)); /* the balancer's source port per flow */
	bench_put16(udp + 2, 6081);
	bench_put16(udp + 4, BENCH_GENEVE_FRAME - 34);
	uint8_t *g = udp + 8;
	g[0] = BENCH_GENEVE_OPTIONS / 4;
	bench_put16(g + 2, 0x0800);
	uint8_t *o = bench_geneve_option(g + 8, 1, 0x0123456789abcdefull, 8);
	o = bench_geneve_option(o, 2, 0x1111222233334444ull, 8);
	bench_geneve_option(o, 3, 0xc0c00000u | flow, 4);
}

enum {
	BENCH_GENEVE_PLAIN,	   /* the same frames forwarded as plain UDP */
	BENCH_GENEVE_PEEL,	   /* peeled, the inner packet decoded, re-encapsulated */
	BENCH_GENEVE_PLAIN_FILTER, /* plain, with the filter */
	BENCH_GENEVE_PEEL_FILTER,  /* peeled, the inner packet filtered, re-encapsulated */
	BENCH_GENEVE_CASES
};

/* The drops of every worker, all reasons. */
static uint64_t bench_drops(const struct worker_conf *workers, unsigned count)
{
	uint64_t n = 0;
	for (unsigned w = 0; w < count; w++)
		for (int r = 0; r < DROP_REASON_COUNT; r++)
			n += workers[w].counters.drop[r];
	return n;
}

/*
 * 512 GENEVE frames of 146 bytes per queue (64-byte inner packets, AWS's
 * 68 bytes of overhead, 512 inner flows), circulating, interleaved in
 * slices: forwarded as the plain UDP datagrams they are (the worker's
 * queues carry no tunnel), peeled and returned (the queues carry GENEVE:
 * the outer headers, the inner packet decoded, its way back written), and
 * both again with the stateless filter of bench_filter() (10,000 ACL rules
 * and the 1,000,000-prefix set: the outer packet classified, or the inner
 * one). The same frames in every case, so the figures differ by the
 * tunnel's work alone.
 */
static void bench_geneve(const struct bench_options *o, const struct port_set *ports,
			 struct worker_conf *workers)
{
	static const char *const names[BENCH_GENEVE_CASES] = {
	    "plain (no tunnel), no filter", "GENEVE peel + re-encapsulate",
	    "plain + 10k ACL + 1M-prefix set", "GENEVE + 10k ACL + 1M-prefix set"};
	struct bench_filter filter;
	struct filter_spec spec;
	double parse_seconds;
	bench_filter_spec(&spec, &parse_seconds, false, false);
	bench_filter_open(&filter, o, &spec, NULL);
	filter_spec_free(&spec);
	struct flow_table *flows[16];
	bench_flows_create(o, flows);
	bench_drain(ports);
	bench_preload(ports, o->workers, BENCH_GENEVE_FRAME, bench_build_geneve);
	uint64_t drops = bench_drops(workers, o->workers);
	struct bench_interleave *jobs = calloc(o->workers, sizeof(*jobs));
	double seconds = o->rounds * o->seconds * BENCH_GENEVE_CASES;
	uint64_t deadline = rte_rdtsc() + (uint64_t)(seconds * (double)rte_get_tsc_hz());
	for (unsigned w = 0; w < o->workers; w++) {
		jobs[w] = (struct bench_interleave){.conf = &workers[w],
						    .cases = BENCH_GENEVE_CASES,
						    .flows = flows[w],
						    .deadline_tsc = deadline};
		for (int k = 0; k < BENCH_GENEVE_CASES; k++) {
			bool filtered = k >= BENCH_GENEVE_PLAIN_FILTER;
			jobs[w].filters[k] = filtered ? filter.contexts[w] : NULL;
			jobs[w].tunnels[k] = k % 2 ? &bench_tunnels : NULL;
		}
		rte_eal_remote_launch(bench_interleave_main, &jobs[w], workers[w].lcore_id);
	}
	usleep((useconds_t)(seconds * 1e6));
	rte_eal_mp_wait_lcore();
	bench_filter_attach(workers, o->workers, NULL, NULL);
	bench_interleave_report(jobs, o->workers, "GENEVE, 64-byte inner (146-byte frames)", names);
	size_t total = 0;
	for (unsigned w = 0; w < o->workers; w++)
		total += jobs[w].cycles;
	double q1, q3, *ratio = malloc(total * sizeof(*ratio));
	double r = bench_paired_ratio(jobs, o->workers, BENCH_GENEVE_PEEL_FILTER,
				      BENCH_GENEVE_PLAIN_FILTER, ratio, &q1, &q3);
	printf("GENEVE + filter against plain + the same filter: %.3f (quartiles %.3f-%.3f)\n", r,
	       q1, q3);
	free(ratio);
	free(jobs);
	bench_drain(ports);
	double share;
	uint64_t denied = bench_filter_close(&filter, o, &share);
	uint64_t geneve = 0;
	for (unsigned w = 0; w < o->workers; w++) {
		geneve += workers[w].counters.counter[WORKER_COUNTER_GENEVE];
		flow_table_destroy(flows[w]);
	}
	if (!geneve || denied || bench_drops(workers, o->workers) != drops)
		printf("warning: %llu GENEVE frames peeled, %llu denied, %llu dropped\n",
		       (unsigned long long)geneve, (unsigned long long)denied,
		       (unsigned long long)(bench_drops(workers, o->workers) - drops));
}

/* ---- IP reassembly ---- */

#define BENCH_FRAGMENT_DATAGRAMS 170 /* of 3 fragments: 510 frames per queue */

/* Fragment part (0, 1, 2) of a 2,980-byte UDP datagram of id id: 1,480 + 1,480 + 28 bytes. */
static unsigned bench_build_fragment(uint8_t *f, unsigned id, unsigned part)
{
	static const unsigned offsets[3] = {0, 1480, 2960}, lengths[3] = {1480, 1480, 28};
	unsigned len = lengths[part], size = 14 + 20 + len;
	memset(f, 0, size);
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 2}, src[6] = {0x02, 0, 0, 0, 0, 1};
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	unsigned total = 20 + len, frag = (part < 2 ? 0x2000 : 0) | offsets[part] / 8;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(total >> 8), ip[3] = (uint8_t)total;
	ip[4] = (uint8_t)(id >> 8), ip[5] = (uint8_t)id;
	ip[6] = (uint8_t)(frag >> 8), ip[7] = (uint8_t)frag;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10, ip[13] = 1, ip[14] = 0, ip[15] = 1;
	ip[16] = 10, ip[17] = 2, ip[18] = 0, ip[19] = 1;
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
	h->hdr_checksum = rte_ipv4_cksum(h);
	if (part == 0) { /* the UDP header: the whole datagram's length */
		uint8_t *udp = ip + 20;
		udp[0] = 0x80, udp[1] = (uint8_t)id;
		udp[3] = 53;
		udp[4] = (uint8_t)(2988 >> 8), udp[5] = (uint8_t)2988;
	}
	return size;
}

static void bench_preload_fragments(const struct port_set *ports, unsigned queues)
{
	for (uint16_t q = 0; q < queues; q++)
		for (unsigned k = 0; k < 3 * BENCH_FRAGMENT_DATAGRAMS; k++) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(ports->pool);
			if (!m) {
				fprintf(stderr, "bench: out of mbufs\n");
				exit(EXIT_FAILURE);
			}
			unsigned id = q * BENCH_FRAGMENT_DATAGRAMS + k / 3;
			uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, 1514);
			rte_pktmbuf_trim(m, 1514 - bench_build_fragment(f, id, k % 3));
			if (rte_eth_tx_burst(ports->ports[0].port_id, q, &m, 1) != 1) {
				fprintf(stderr, "bench: preload ring full\n");
				exit(EXIT_FAILURE);
			}
		}
}

struct bench_defrag_job {
	struct worker_conf *conf;
	struct defrag_table *table;
	uint64_t deadline_tsc;
	unsigned cycles;
	float ns[2][BENCH_MAX_CYCLES]; /* 0: fragments one by one, 1: reassembled */
};

/* The two cases interleaved in slices, as bench_interleave_main() does for the filter. */
static int bench_defrag_main(void *arg)
{
	struct bench_defrag_job *job = arg;
	struct worker_conf *conf = job->conf;
	double ns_per_tick = 1e9 / (double)rte_get_tsc_hz();
	while (job->cycles < BENCH_MAX_CYCLES && rte_rdtsc() < job->deadline_tsc) {
		for (int k = 0; k < 2; k++) {
			conf->defrag = k ? job->table : NULL;
			job->ns[k][job->cycles] = bench_slice_ns(conf, ns_per_tick);
		}
		job->cycles++;
	}
	conf->defrag = NULL;
	return 0;
}

/*
 * 170 UDP datagrams of 2,980 bytes per queue, each in 3 fragments (1,514,
 * 1,514 and 62-byte frames), circulating: the worker with IP reassembly
 * (every third fragment completes a datagram, copied and decoded whole)
 * against the same worker passing fragments one by one, interleaved.
 */
static void bench_defrag(const struct bench_options *o, const struct port_set *ports,
			 struct worker_conf *workers)
{
	struct bench_defrag_job *jobs = calloc(o->workers, sizeof(*jobs));
	struct defrag_config dc = {.max_datagrams = 0};
	bench_drain(ports);
	bench_preload_fragments(ports, o->workers);
	double seconds = o->rounds * o->seconds * 2;
	uint64_t deadline = rte_rdtsc() + (uint64_t)(seconds * (double)rte_get_tsc_hz());
	for (unsigned w = 0; w < o->workers; w++) {
		jobs[w] = (struct bench_defrag_job){.conf = &workers[w], .deadline_tsc = deadline};
		jobs[w].table = defrag_create(&dc);
		if (!jobs[w].table)
			exit(EXIT_FAILURE);
		rte_eal_remote_launch(bench_defrag_main, &jobs[w], workers[w].lcore_id);
	}
	usleep((useconds_t)(seconds * 1e6));
	rte_eal_mp_wait_lcore();
	size_t total = 0;
	for (unsigned w = 0; w < o->workers; w++)
		total += jobs[w].cycles;
	double *ns = malloc(total * sizeof(*ns)), *ratio = malloc(total * sizeof(*ratio));
	double mid[2];
	for (int k = 0; k < 2; k++) {
		size_t n = 0;
		for (unsigned w = 0; w < o->workers; w++)
			for (unsigned c = 0; c < jobs[w].cycles; c++) {
				ns[n] = jobs[w].ns[k][c];
				ratio[n++] = jobs[w].ns[0][c] / jobs[w].ns[k][c];
			}
		mid[k] = median(ns, (unsigned)n);
		if (k == 1) {
			double q1, q3, r = median_quartiles(ratio, (unsigned)n, &q1, &q3);
			uint64_t complete = 0;
			for (unsigned w = 0; w < o->workers; w++)
				complete +=
				    defrag_counters(jobs[w].table)->fragment[DEFRAG_COMPLETE];
			printf("IP reassembly, 3 fragments a datagram: %.2f Mpps/lcore one by one, "
			       "%.2f "
			       "reassembled (%.3f of it, quartiles %.3f-%.3f; %.1f ns a fragment "
			       "more); "
			       "%llu datagrams completed, %zu cycles\n",
			       1e3 / mid[0], 1e3 / mid[1], r, q1, q3, mid[1] - mid[0],
			       (unsigned long long)complete, total);
		}
	}
	for (unsigned w = 0; w < o->workers; w++)
		defrag_destroy(jobs[w].table);
	free(ns);
	free(ratio);
	free(jobs);
	bench_drain(ports);
}

/* ---- worker scaling ---- */

/*
 * 64-byte frames with 1, 2, ... worker lcores (--scaling), in the same run:
 * each round runs every worker count in turn for --seconds, each worker on
 * its own queue pair (512 frames circulating on each), and the medians
 * are reported per count: Mpps per lcore by CPU time (the work one lcore
 * does, whatever else runs), Mpps of all lcores together by wall time
 * (what they forwarded: the figure that scales with cores, and the one a
 * shared or small machine holds back), each against one worker, and the
 * share of a CPU each worker got. lcores_on says how the lcores sit on the
 * CPUs.
 */
static void bench_scaling(const struct bench_options *o, const struct port_set *ports,
			  struct worker_conf *workers, const char *lcores_on)
{
	static double per_lcore[BENCH_MAX_SCALING][BENCH_MAX_ROUNDS];
	static double total[BENCH_MAX_SCALING][BENCH_MAX_ROUNDS];
	static double share[BENCH_MAX_SCALING][BENCH_MAX_ROUNDS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	bench_drain(ports);
	bench_preload(ports, o->max_workers, 64, bench_build_frame);
	for (unsigned r = 0; r < o->rounds; r++)
		for (unsigned k = 0; k < o->scaling_count; k++) {
			unsigned n = o->scaling[k];
			struct bench_figures f =
			    bench_round(worker_main, workers, n, o->seconds, &bare_quit);
			per_lcore[k][r] = f.cpu_mpps / n;
			total[k][r] = f.wall_mpps;
			share[k][r] = f.cpu_share;
		}
	printf("worker scaling, 64-byte frames, %ld CPUs online, lcores %s; medians of %u rounds "
	       "of %.1f s per count\n",
	       cpus, lcores_on, o->rounds, o->seconds);
	printf("%-8s %22s %18s %11s %15s %16s\n", "workers", "Mpps/lcore (CPU time)",
	       "Mpps total (wall)", "total vs 1", "per lcore vs 1", "CPU share/lcore");
	/* the list starts with 1 (parse_options()): the ratios are against one worker */
	double lcore1 = median(per_lcore[0], o->rounds), total1 = median(total[0], o->rounds);
	for (unsigned k = 0; k < o->scaling_count; k++) {
		unsigned n = o->scaling[k];
		double l = median(per_lcore[k], o->rounds), t = median(total[k], o->rounds);
		printf("%-8u %22.2f %18.2f %11.2f %15.3f %16.2f%s\n", n, l, t, t / total1,
		       l / lcore1, median(share[k], o->rounds),
		       (long)n > cpus ? "  (more workers than CPUs)" : "");
	}
	printf("(CPU share: each worker's CPU time over its wall time; below 1, the machine's "
	       "other work or the workers' own sharing held the wall total back)\n");
	bench_drain(ports);
}

static void parse_options(int argc, char **argv, struct bench_options *o)
{
	static const struct option longopts[] = {
	    {"rounds", required_argument, NULL, 'r'},  {"seconds", required_argument, NULL, 's'},
	    {"workers", required_argument, NULL, 'w'}, {"only", required_argument, NULL, 'o'},
	    {"scaling", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0},
	};
	int c;
	const char *scaling = "1,2";
	/* many short rounds: a median that a slow second of a shared host moves little */
	*o = (struct bench_options){.rounds = 21, .seconds = 0.3, .workers = 1};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'r')
			o->rounds = (unsigned)atoi(optarg);
		else if (c == 's')
			o->seconds = atof(optarg);
		else if (c == 'w')
			o->workers = (unsigned)atoi(optarg);
		else if (c == 'o')
			o->only = optarg;
		else if (c == 'c')
			scaling = optarg;
		else
			exit(EXIT_FAILURE);
	}
	bool scaling_ok = true;
	for (const char *at = scaling; *at && scaling_ok; at += *at == ',') {
		char *end;
		long n = strtol(at, &end, 10);
		scaling_ok = end != at && n >= 1 && n <= 15 && o->scaling_count < BENCH_MAX_SCALING;
		if (scaling_ok)
			o->scaling[o->scaling_count++] = (unsigned)n;
		at = end;
	}
	if (o->rounds < 1 || o->rounds > BENCH_MAX_ROUNDS || o->seconds <= 0 || o->workers < 1 ||
	    o->workers > 15 || !scaling_ok || o->scaling_count == 0 || o->scaling[0] != 1) {
		fprintf(stderr,
			"bench: --rounds 1..%d, --seconds > 0, --workers 1..15, --scaling 1,N,... "
			"(up to %d counts of 1..15, starting with 1)\n",
			BENCH_MAX_ROUNDS, BENCH_MAX_SCALING);
		exit(EXIT_FAILURE);
	}
	o->max_workers = o->workers;
	for (unsigned k = 0; k < o->scaling_count; k++)
		if (o->scaling[k] > o->max_workers)
			o->max_workers = o->scaling[k];
}

/*
 * The EAL's lcores: the control lcore 0 and worker lcores 1..max_workers,
 * one CPU each where there are enough; otherwise "--lcores" puts worker k
 * on CPU k modulo the CPUs (the control lcore sleeps while workers are
 * timed, so it may share CPU 0). Fills extra (an [eal] extra setting, ""
 * when none is needed) and lcores_on (for the report).
 */
static void bench_lcores(unsigned max_workers, char *extra, size_t extra_len, char *lcores_on,
			 size_t on_len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	extra[0] = '\0';
	snprintf(lcores_on, on_len, "0-%u on CPUs 0-%u", max_workers, max_workers);
	if (cpus < 1 || (long)max_workers + 1 <= cpus)
		return;
	size_t at = (size_t)snprintf(extra, extra_len, "eal.extra=--lcores=0@0");
	for (unsigned k = 1; k <= max_workers && at < extra_len; k++)
		at += (size_t)snprintf(extra + at, extra_len - at, ",%u@%ld", k, (long)k % cpus);
	snprintf(lcores_on, on_len, "%s", extra + strlen("eal.extra=--lcores="));
}

int main(int argc, char **argv)
{
	static struct board board;
	struct bench_options o;
	struct port_set ports;
	char err[1024], workers_set[32], prefix_set[64], lcores_set[256], lcores_on[256];
	struct eal_vars vars = {0};

	parse_options(argc, argv, &o);
	snprintf(workers_set, sizeof(workers_set), "lcores.workers=1-%u", o.max_workers);
	snprintf(prefix_set, sizeof(prefix_set), "eal.file_prefix=vigil-bench-%d", (int)getpid());
	bench_lcores(o.max_workers, lcores_set, sizeof(lcores_set), lcores_on, sizeof(lcores_on));
	/* room for the filter's tables: a 1,000,000-prefix table and 10,000 ACL rules */
	const char *overrides[] = {workers_set, prefix_set, "eal.memory_mb=2048", lcores_set};
	if (board_load(&board, "tests/bench/bench.conf", overrides, lcores_set[0] ? 4 : 3, err,
		       sizeof(err)) < 0 ||
	    eal_start(&board, &vars, argv[0], err, sizeof(err)) < 0 ||
	    port_start_all(&ports, &board, &vars, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return EXIT_FAILURE;
	}

	struct worker_conf *workers =
	    rte_zmalloc("bench_workers", o.max_workers * sizeof(*workers), RTE_CACHE_LINE_SIZE);
	for (unsigned w = 0; w < o.max_workers; w++) {
		workers[w].worker_index = w;
		workers[w].lcore_id = board.worker_lcores[w];
		workers[w].detect.enforce = true; /* no published mode: ips throughout */
		workers[w].scratch = rte_malloc("scratch", WORKER_SCRATCH_SIZE, 64);
		for (unsigned i = 0; i < 2; i++)
			workers[w].queues[workers[w].queue_count++] =
			    (struct worker_queue){.rx_port = ports.ports[i].port_id,
						  .rx_queue = (uint16_t)w,
						  .tx_port = ports.ports[1 - i].port_id,
						  .tx_queue = (uint16_t)w,
						  .rx_protected = i == 1};
	}

	static const unsigned sizes[] = {64, 1500};
	printf("vigil forwarding benchmark: %u worker lcore(s), net_ring pair, %u packets "
	       "circulating per queue, %u rounds of %.1f s each, medians\n",
	       o.workers, BENCH_PRELOAD, o.rounds, o.seconds);
	if (bench_runs(&o, "bare"))
		printf("%-12s %16s %16s %12s %14s\n", "frame bytes", "bare Mpps/lcore",
		       "vigil Mpps/lcore", "vigil/bare", "vigil ns/pkt");
	for (unsigned s = 0; bench_runs(&o, "bare") && s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		double bare[BENCH_MAX_ROUNDS], full[BENCH_MAX_ROUNDS];
		bench_drain(&ports);
		bench_preload(&ports, o.workers, sizes[s], bench_build_frame);
		for (unsigned r = 0; r < o.rounds; r++) {
			bare[r] = bench_round(bare_main, workers, o.workers, o.seconds, &bare_quit)
				      .cpu_mpps /
				  o.workers;
			full[r] =
			    bench_round(worker_main, workers, o.workers, o.seconds, &bare_quit)
				.cpu_mpps /
			    o.workers;
		}
		double b = median(bare, o.rounds), v = median(full, o.rounds);
		printf("%-12u %16.2f %16.2f %12.3f %14.1f\n", sizes[s], b, v, v / b, 1e3 / v);
	}
	if (bench_runs(&o, "scaling"))
		bench_scaling(&o, &ports, workers, lcores_on);
	if (bench_runs(&o, "filter"))
		bench_filter(&o, &ports, workers);
	if (bench_runs(&o, "geneve"))
		bench_geneve(&o, &ports, workers);
	if (bench_runs(&o, "defrag"))
		bench_defrag(&o, &ports, workers);
	uint64_t malformed = 0;
	for (unsigned w = 0; w < o.max_workers; w++)
		malformed += workers[w].counters.counter[WORKER_COUNTER_MALFORMED];
	if (malformed)
		printf("warning: %llu benchmark frames failed to decode\n",
		       (unsigned long long)malformed);
	bench_drain(&ports);
	for (unsigned w = 0; w < o.max_workers; w++)
		rte_free(workers[w].scratch);
	rte_free(workers);
	port_stop_all(&ports);
	eal_stop();
	return EXIT_SUCCESS;
}
