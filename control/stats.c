/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter summaries. Per-lcore counters are summed on read (see
 * dataplane/counters.h); port figures come from rte_eth_stats_get(), which
 * is the device's view (what the wire or the pcap gave and took).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>

#include "control/eve.h"
#include "control/health_listener.h"
#include "control/stats.h"
#include "dataplane/flow/flow.h"
#include "control/watchdog.h"
#include "dataplane/flow/stream.h"
#include "dataplane/filter/filter.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/pipeline.h"
#include "dataplane/worker.h"
#include "rules/lang/event.h"
#include "platform/link.h"

#define STATS_BLOCKED_MAX 1024 /* blocked sources listed per worker */

/* Every source blocked now, over all workers' rate-limit tables; *tables set for their statements. */
static unsigned stats_blocked(struct ratelimit_blocked *out, unsigned max,
			      const struct ratelimit_table **any)
{
	const struct ratelimit_table *tables[128];
	unsigned n = ratelimit_tables(tables, 128), count = 0;
	*any = n ? tables[0] : NULL;
	for (unsigned i = 0; i < n && count < max; i++) {
		unsigned got = ratelimit_blocked_list(tables[i], out + count, max - count);
		count += got < max - count ? got : max - count;
	}
	return count;
}

static void stats_blocked_text(const struct ratelimit_blocked *b, char *addr, size_t addr_len,
			       char *until, size_t until_len)
{
	inet_ntop(b->family == 4 ? AF_INET : AF_INET6, b->addr, addr, (socklen_t)addr_len);
	time_t seconds = (time_t)(b->until_us / 1000000);
	struct tm tm;
	gmtime_r(&seconds, &tm);
	snprintf(until, until_len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(b->until_us % 1000000));
}

/* "rate limit: ..." lines of the summary; nothing when no policy rate limit is in force. */
static void stats_print_ratelimit(FILE *out)
{
	static struct ratelimit_blocked blocked[STATS_BLOCKED_MAX];
	const struct ratelimit_table *table;
	unsigned n = stats_blocked(blocked, STATS_BLOCKED_MAX, &table);
	if (!table)
		return;
	struct ratelimit_counters c;
	ratelimit_counters_total(&c);
	fprintf(out,
		"  rate limit: %u sources blocked now, %" PRIu64 " blocks, %" PRIu64
		" packets dropped, %" PRIu64 " released, %" PRIu64 " evicted\n",
		n, c.blocks, c.dropped, c.released, c.evicted);
	for (unsigned i = 0; i < n && i < 16; i++) {
		char addr[INET6_ADDRSTRLEN], until[80];
		stats_blocked_text(&blocked[i], addr, sizeof(addr), until, sizeof(until));
		fprintf(out, "    blocked %s%s until %s by \"%s\" (worker %u)\n", addr,
			blocked[i].xff ? " (X-Forwarded-For)" : "", until,
			policy_ratelimit_get(table->policy, blocked[i].statement)->text,
			blocked[i].worker);
	}
}

static void stats_json_ratelimit(FILE *f)
{
	static struct ratelimit_blocked blocked[STATS_BLOCKED_MAX];
	const struct ratelimit_table *table;
	unsigned n = stats_blocked(blocked, STATS_BLOCKED_MAX, &table);
	struct ratelimit_counters c;
	ratelimit_counters_total(&c);
	fprintf(f, ",\"rate_limit\":{");
#define _(field, name) fprintf(f, "\"%s\":%" PRIu64 ",", name, c.field);
	foreach_ratelimit_counter
#undef _
	    fprintf(f, "\"blocked\":[");
	for (unsigned i = 0; i < n; i++) {
		char addr[INET6_ADDRSTRLEN], until[80];
		stats_blocked_text(&blocked[i], addr, sizeof(addr), until, sizeof(until));
		fprintf(f,
			"%s{\"address\":\"%s\",\"key\":\"%s\",\"rule\":\"%s\",\"until\":\"%s\","
			"\"until_epoch\":%.6f,\"worker\":%u}",
			i ? "," : "", addr, blocked[i].xff ? "xff" : "src",
			policy_ratelimit_get(table->policy, blocked[i].statement)->text, until,
			blocked[i].until_us / 1e6, blocked[i].worker);
	}
	fprintf(f, "]}");
}

void stats_total(const struct stats_view *view, struct worker_counters *total)
{
	memset(total, 0, sizeof(*total));
	for (unsigned i = 0; i < view->worker_count; i++)
		counters_add(total, view->workers[i].counters);
}

static uint64_t stats_dropped(const struct worker_counters *c)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < DROP_REASON_COUNT; i++)
		n += c->drop[i];
	return n;
}

static void stats_print_counters(FILE *out, const char *indent, const struct worker_counters *c)
{
	const uint64_t *n = c->counter;
	fprintf(out,
		"%srx %" PRIu64 " packets %" PRIu64 " bytes, tx %" PRIu64 " packets %" PRIu64
		" bytes, dropped %" PRIu64 "\n",
		indent, n[WORKER_COUNTER_RX_PACKETS], n[WORKER_COUNTER_RX_BYTES],
		n[WORKER_COUNTER_TX_PACKETS], n[WORKER_COUNTER_TX_BYTES], stats_dropped(c));
	fprintf(out, "%s", indent);
	for (unsigned i = WORKER_COUNTER_VLAN; i < WORKER_COUNTER_COUNT; i++)
		fprintf(out, "%s%s %" PRIu64, i == WORKER_COUNTER_VLAN ? "" : ", ",
			worker_counter_name[i], n[i]);
	fprintf(out, "\n");
}

/* Add a block of n 64-bit counters that a worker writes as it goes to total. */
static void stats_add_words(uint64_t *total, const void *block, unsigned n)
{
	const volatile uint64_t *v = block;
	for (unsigned k = 0; k < n; k++)
		total[k] += v[k];
}

/* The IP reassembly counters summed over the workers; false when no worker reassembles. */
/* TCP reassembly summed over the workers; false when no worker has a flow table. */
static bool stats_stream_total(const struct stats_view *view, uint64_t total[STREAM_COUNTER_COUNT])
{
	bool any = false;
	memset(total, 0, STREAM_COUNTER_COUNT * sizeof(total[0]));
	for (unsigned i = 0; i < view->worker_count; i++) {
		const struct stream_counters *c = view->workers[i].stream;
		if (!c)
			continue;
		any = true;
		stats_add_words(total, c, STREAM_COUNTER_COUNT);
	}
	return any;
}

/*
 * The flow-table counters of worker w, or of every worker summed when w is
 * view->worker_count; false when none of them has a flow table.
 */
static bool stats_flows(const struct stats_view *view, unsigned w, uint64_t out[FLOW_COUNTER_COUNT])
{
	bool any = false;
	memset(out, 0, FLOW_COUNTER_COUNT * sizeof(out[0]));
	for (unsigned i = 0; i < view->worker_count; i++) {
		const struct flow_counters *c = view->workers[i].flows;
		if (!c || (w < view->worker_count && i != w))
			continue;
		any = true;
		stats_add_words(out, c, FLOW_COUNTER_COUNT);
	}
	return any;
}

/*
 * The flow-table counters of worker w (the total when w is
 * view->worker_count), when there are flow tables: the summary's line
 * "    flow_created N, ..." or JSON's ,"flows":{"flow_created":n,...}.
 */
static void stats_write_flows(FILE *f, const struct stats_view *view, unsigned w, bool json)
{
	uint64_t n[FLOW_COUNTER_COUNT];
	if (!stats_flows(view, w, n))
		return;
	fputs(json ? ",\"flows\":{" : "    ", f);
	for (unsigned k = 0; k < FLOW_COUNTER_COUNT; k++)
		fprintf(f, json ? "%s\"%s\":%" PRIu64 : "%s%s %" PRIu64,
			k ? (json ? "," : ", ") : "", flow_counter_name[k], n[k]);
	fputs(json ? "}" : "\n", f);
}

static bool stats_defrag_total(const struct stats_view *view, struct defrag_counters *total)
{
	bool any = false;
	memset(total, 0, sizeof(*total));
	for (unsigned i = 0; i < view->worker_count; i++) {
		const struct defrag_counters *d = view->workers[i].defrag;
		if (!d)
			continue;
		any = true;
		for (unsigned r = 0; r < DEFRAG_REASON_COUNT; r++)
			total->fragment[r] += d->fragment[r];
		total->expired += d->expired;
		total->active += d->active;
		total->tombstones_lost += d->tombstones_lost;
	}
	return any;
}

void stats_print_summary(FILE *out, const struct stats_view *view)
{
	struct worker_counters total;
	stats_total(view, &total);

	fprintf(out, "vigil summary: board %s, mode %s, ran %.1f s\n", view->board, view->mode,
		view->seconds);
	for (unsigned i = 0; i < view->port_count; i++) {
		const struct stats_port *p = &view->ports[i];
		struct rte_eth_stats s;
		if (rte_eth_stats_get(p->port_id, &s) != 0)
			continue;
		fprintf(out,
			"  port %-10s (%s) rx %" PRIu64 " packets %" PRIu64 " bytes, tx %" PRIu64
			" packets %" PRIu64 " bytes, rx missed %" PRIu64 ", rx errors %" PRIu64
			", tx errors %" PRIu64 "\n",
			p->name, p->role, s.ipackets, s.ibytes, s.opackets, s.obytes, s.imissed,
			s.ierrors, s.oerrors);
	}
	for (unsigned i = 0; i < view->worker_count; i++) {
		char indent[64];
		fprintf(out, "  lcore %u (worker %u)\n", view->workers[i].lcore_id,
			view->workers[i].worker_index);
		snprintf(indent, sizeof(indent), "    ");
		stats_print_counters(out, indent, view->workers[i].counters);
		stats_write_flows(out, view, i, false);
	}
	fprintf(out, "  total\n");
	stats_print_counters(out, "    ", &total);
	stats_write_flows(out, view, view->worker_count, false);
	for (unsigned i = 0; i < DROP_REASON_COUNT; i++)
		if (total.drop[i])
			fprintf(out, "    drop %-12s %" PRIu64 "  (%s)\n", drop_reason_name[i],
				total.drop[i], drop_reason_text[i]);
	for (unsigned i = 1; i < DECODE_ERROR_COUNT; i++)
		if (total.malformed[i])
			fprintf(out, "    malformed %-20s %" PRIu64 "  (%s)\n",
				decode_error_name[i], total.malformed[i], decode_error_text[i]);
	for (unsigned i = 0; i < NORMALIZE_REASON_COUNT; i++)
		if (total.normalized[i])
			fprintf(out, "    normalized %-19s %" PRIu64 "  (%s)\n",
				normalize_reason_name[i], total.normalized[i],
				normalize_reason_text[i]);
	struct defrag_counters d;
	uint64_t st[STREAM_COUNTER_COUNT];
	if (stats_stream_total(view, st))
		for (unsigned k = 0; k < STREAM_COUNTER_COUNT; k++)
			if (st[k])
				fprintf(out, "    %-28s %" PRIu64 "  (%s)\n",
					stream_counter_name[k], st[k], stream_counter_text[k]);
	if (stats_defrag_total(view, &d)) {
		uint64_t fragments = 0;
		for (unsigned r = 0; r < DEFRAG_REASON_COUNT; r++)
			fragments += d.fragment[r];
		if (fragments) {
			fprintf(out, "    fragments %" PRIu64 ":", fragments);
			for (unsigned r = 0; r < DEFRAG_REASON_COUNT; r++)
				if (d.fragment[r])
					fprintf(out, " %s %" PRIu64, defrag_reason_name[r],
						d.fragment[r]);
			fprintf(out, "; datagrams expired %" PRIu64 "\n", d.expired);
		}
	}
	stats_print_ratelimit(out);
	if (view->eve && view->eve->configured)
		fprintf(out,
			"    eve file: %" PRIu64 " line(s) written, %" PRIu64 " lost in %" PRIu64
			" write error(s)\n",
			view->eve->written, view->eve->lines_lost, view->eve->write_errors);
	if (view->links)
		link_watch_text(out, view->links, "    ");
	if (view->health) {
		fprintf(out, "    ");
		health_text(out, view->health, view->health_listener, health_clock_ms(),
			    worker_stopping());
	}
	if (view->watchdog) {
		fprintf(out, "    ");
		watchdog_text(out, view->watchdog);
	}
}

static void stats_json_counters(FILE *f, const struct worker_counters *c)
{
	for (unsigned i = 0; i < WORKER_COUNTER_COUNT; i++)
		fprintf(f, "\"%s\":%" PRIu64 ",", worker_counter_name[i], c->counter[i]);
	fprintf(f, "\"drops\":{");
	for (unsigned i = 0; i < DROP_REASON_COUNT; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", drop_reason_name[i], c->drop[i]);
	fprintf(f, "},\"malformed_by_reason\":{");
	for (unsigned i = 1; i < DECODE_ERROR_COUNT; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i > 1 ? "," : "", decode_error_name[i],
			c->malformed[i]);
	fprintf(f, "},\"normalized_by_reason\":{");
	for (unsigned i = 0; i < NORMALIZE_REASON_COUNT; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", normalize_reason_name[i],
			c->normalized[i]);
	fprintf(f, "}");
}

/* ,"filter":{...} summed over the workers, when there is a filter file. */
static void stats_json_filter(FILE *f, const struct stats_view *view)
{
	if (!view->worker_count || !view->workers[0].filter)
		return;
	static struct filter_counters total; /* large (ACL rule numbers): not on the stack */
	memset(&total, 0, sizeof(total));
	for (unsigned i = 0; i < view->worker_count; i++)
		if (view->workers[i].filter)
			filter_counters_add(&total, view->workers[i].filter);
	fprintf(f, ",\"filter\":");
	filter_counters_json(f, &total);
}

/* ,"stream":{"stream_segments":n,...}: what reassembly did, and what it left uninspected */
static void stats_json_stream(FILE *f, const struct stats_view *view)
{
	uint64_t t[STREAM_COUNTER_COUNT];
	if (!stats_stream_total(view, t))
		return;
	fprintf(f, ",\"stream\":{");
	for (unsigned k = 0; k < STREAM_COUNTER_COUNT; k++)
		fprintf(f, "%s\"%s\":%" PRIu64, k ? "," : "", stream_counter_name[k], t[k]);
	fprintf(f, "}");
}

/* ,"defrag":{"fragments":{reason: n, ...},"expired":n,"active":n,"tombstones_lost":n} */
static void stats_json_defrag(FILE *f, const struct stats_view *view)
{
	struct defrag_counters d;
	if (!stats_defrag_total(view, &d))
		return;
	fprintf(f, ",\"defrag\":{\"fragments\":{");
	for (unsigned r = 0; r < DEFRAG_REASON_COUNT; r++)
		fprintf(f, "%s\"%s\":%" PRIu64, r ? "," : "", defrag_reason_name[r], d.fragment[r]);
	fprintf(f,
		"},\"expired\":%" PRIu64 ",\"active\":%" PRIu64 ",\"tombstones_lost\":%" PRIu64 "}",
		d.expired, d.active, d.tombstones_lost);
}

/* ,"eve":{"written":n,"write_errors":n,"lines_lost":n} when there is an EVE file. */
static void stats_json_eve(FILE *f, const struct stats_view *view)
{
	const struct eve *e = view->eve;
	if (!e || !e->configured)
		return;
	fprintf(f,
		",\"eve\":{\"written\":%" PRIu64 ",\"write_errors\":%" PRIu64
		",\"lines_lost\":%" PRIu64 "}",
		e->written, e->write_errors, e->lines_lost);
}

void stats_json(FILE *f, const struct stats_view *view)
{
	struct worker_counters total;
	stats_total(view, &total);
	fprintf(f, "{\"board\":\"%s\",\"mode\":\"%s\",\"seconds\":%.3f,\"ports\":[", view->board,
		view->mode, view->seconds);
	for (unsigned i = 0; i < view->port_count; i++) {
		const struct stats_port *p = &view->ports[i];
		struct rte_eth_stats s;
		memset(&s, 0, sizeof(s));
		rte_eth_stats_get(p->port_id, &s);
		fprintf(f,
			"%s{\"name\":\"%s\",\"role\":\"%s\",\"rx_packets\":%" PRIu64
			",\"rx_bytes\":%" PRIu64 ",\"tx_packets\":%" PRIu64 ",\"tx_bytes\":%" PRIu64
			",\"rx_missed\":%" PRIu64 ",\"rx_errors\":%" PRIu64
			",\"tx_errors\":%" PRIu64 "}",
			i ? "," : "", p->name, p->role, s.ipackets, s.ibytes, s.opackets, s.obytes,
			s.imissed, s.ierrors, s.oerrors);
	}
	fprintf(f, "],\"lcores\":[");
	for (unsigned i = 0; i < view->worker_count; i++) {
		fprintf(f, "%s{\"lcore\":%u,\"worker\":%u,", i ? "," : "",
			view->workers[i].lcore_id, view->workers[i].worker_index);
		stats_json_counters(f, view->workers[i].counters);
		stats_write_flows(f, view, i, true);
		fprintf(f, "}");
	}
	fprintf(f, "],\"total\":{");
	stats_json_counters(f, &total);
	stats_write_flows(f, view, view->worker_count, true);
	fprintf(f, "}");
	stats_json_ratelimit(f);
	stats_json_filter(f, view);
	stats_json_defrag(f, view);
	stats_json_stream(f, view);
	stats_json_eve(f, view);
	if (view->links && view->links->table.count) {
		fprintf(f, ",\"links\":");
		link_watch_json(f, view->links);
	}
	if (view->health) {
		fprintf(f, ",\"health\":");
		health_json(f, view->health, view->health_listener, health_clock_ms(),
			    worker_stopping());
	}
	if (view->watchdog) {
		fprintf(f, ",\"fail\":");
		watchdog_json(f, view->watchdog);
	}
	fprintf(f, "}");
}

/* "key":n pairs of an object, from a table of names and values. */
struct stats_pair {
	const char *key;
	uint64_t value;
};

/* The object's opening and its pairs; the caller closes it. */
static void stats_eve_object_open(FILE *f, const char *key, const struct stats_pair *pairs,
				  size_t n)
{
	fprintf(f, ",\"%s\":{", key);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", pairs[i].key, pairs[i].value);
}

static void stats_eve_object(FILE *f, const char *key, const struct stats_pair *pairs, size_t n)
{
	stats_eve_object_open(f, key, pairs, n);
	fputc('}', f);
}

/*
 * Suricata's decoder.event object: the packets the decoders refused, by
 * the event Suricata raises for each reason ("udp":{"len_invalid":1}),
 * grouped by layer; only those that happened (Suricata's stats leave
 * zeros out by default). Written inside the decoder object.
 */
static void stats_eve_decoder_events(FILE *f, const struct worker_counters *t)
{
	uint64_t events[RULE_EVENT_COUNT] = {0};
	for (unsigned e = 0; e < DECODE_ERROR_COUNT; e++)
		if (pipeline_decode_events[e])
			events[pipeline_decode_events[e] - 1] += t->malformed[e];
	bool any_layer = false, done[RULE_EVENT_COUNT] = {false};
	fprintf(f, ",\"event\":{");
	for (unsigned i = 0; i < RULE_EVENT_COUNT; i++) {
		if (!events[i] || done[i])
			continue;
		const char *name = rule_decode_event_name[i], *dot = strchr(name, '.');
		int layer_len = dot ? (int)(dot - name) : 0;
		fprintf(f, "%s\"%.*s\":{", any_layer ? "," : "", layer_len, name);
		any_layer = true;
		/* the layer's events, this one and those after it */
		for (unsigned j = i, first = 1; j < RULE_EVENT_COUNT; j++) {
			const char *other = rule_decode_event_name[j];
			if (!events[j] || strncmp(other, name, (size_t)layer_len + 1) != 0)
				continue;
			fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",", other + layer_len + 1,
				events[j]);
			done[j] = true;
			first = 0;
		}
		fputc('}', f);
	}
	fputc('}', f);
}

/* Suricata's capture object from the ports' devices: what they took and missed. */
static void stats_eve_capture(FILE *f, const struct stats_view *view)
{
	uint64_t packets = 0, missed = 0, errors = 0;
	for (unsigned i = 0; i < view->port_count; i++) {
		struct rte_eth_stats st;
		memset(&st, 0, sizeof(st));
		rte_eth_stats_get(view->ports[i].port_id, &st);
		packets += st.ipackets + st.imissed;
		missed += st.imissed;
		errors += st.ierrors;
	}
	const struct stats_pair capture[] = {
	    {"kernel_packets", packets}, {"kernel_drops", missed}, {"errors", errors}};
	stats_eve_object(f, "capture", capture, sizeof(capture) / sizeof(capture[0]));
}

/* Suricata's stats layout, filled from vigil's counters where they mean the same. */
static void stats_eve_suricata(FILE *f, const struct stats_view *view, double uptime_s)
{
	struct worker_counters t;
	stats_total(view, &t);
	const uint64_t *n = t.counter;
	fprintf(f, "\"uptime\":%" PRIu64, (uint64_t)uptime_s);
	stats_eve_capture(f, view);
	uint64_t pkts = n[WORKER_COUNTER_RX_PACKETS];
	const struct stats_pair decoder[] = {
	    {"pkts", pkts},
	    {"bytes", n[WORKER_COUNTER_RX_BYTES]},
	    {"invalid", n[WORKER_COUNTER_MALFORMED]},
	    {"ethernet", pkts},
	    {"ipv4", n[WORKER_COUNTER_IPV4]},
	    {"ipv6", n[WORKER_COUNTER_IPV6]},
	    {"tcp", n[WORKER_COUNTER_TCP]},
	    {"udp", n[WORKER_COUNTER_UDP]},
	    {"icmpv4", n[WORKER_COUNTER_ICMP]},
	    {"icmpv6", n[WORKER_COUNTER_ICMPV6]},
	    {"vlan", n[WORKER_COUNTER_VLAN]},
	    {"geneve", n[WORKER_COUNTER_GENEVE]},
	    {"vxlan", n[WORKER_COUNTER_VXLAN]},
	    {"nsh", n[WORKER_COUNTER_NSH]},
	    {"gre", n[WORKER_COUNTER_GRE]},
	    {"avg_pkt_size", pkts ? n[WORKER_COUNTER_RX_BYTES] / pkts : 0},
	};
	stats_eve_object_open(f, "decoder", decoder, sizeof(decoder) / sizeof(decoder[0]));
	stats_eve_decoder_events(f, &t);
	fputc('}', f);
	uint64_t flows[FLOW_COUNTER_COUNT];
	if (stats_flows(view, view->worker_count, flows)) {
		const struct flow_counters *fc = (const struct flow_counters *)(const void *)flows;
		const struct stats_pair flow[] = {{"total", fc->created}, {"active", fc->active}};
		stats_eve_object(f, "flow", flow, sizeof(flow) / sizeof(flow[0]));
	}
	uint64_t st[STREAM_COUNTER_COUNT];
	if (stats_stream_total(view, st)) {
		const struct stream_counters *sc = (const struct stream_counters *)(const void *)st;
		const struct stats_pair tcp[] = {{"overlap", sc->overlaps},
						 {"overlap_diff_data", sc->overlap_mismatch},
						 {"reassembly_gap", sc->gaps},
						 {"stream_depth_reached", sc->past_depth}};
		stats_eve_object(f, "tcp", tcp, sizeof(tcp) / sizeof(tcp[0]));
	}
	struct defrag_counters d;
	if (stats_defrag_total(view, &d)) {
		uint64_t fragments = 0;
		for (unsigned r = 0; r < DEFRAG_REASON_COUNT; r++)
			fragments += d.fragment[r];
		fprintf(f,
			",\"defrag\":{\"ipv4\":{\"fragments\":%" PRIu64 ",\"reassembled\":%" PRIu64
			",\"timeouts\":%" PRIu64 "}}",
			fragments, d.fragment[DEFRAG_COMPLETE], d.expired);
	}
	const struct stats_pair detect[] = {
	    {"alert", n[WORKER_COUNTER_ALERTS]},
	    {"alert_queue_overflow", n[WORKER_COUNTER_ALERTS_DISCARDED]}};
	stats_eve_object(f, "detect", detect, sizeof(detect) / sizeof(detect[0]));
	const struct stats_pair ips[] = {{"accepted", n[WORKER_COUNTER_TX_PACKETS]},
					 {"blocked", stats_dropped(&t)},
					 {"rejected", n[WORKER_COUNTER_REJECTS_SENT]}};
	stats_eve_object(f, "ips", ips, sizeof(ips) / sizeof(ips[0]));
}

char *stats_eve_record(const struct stats_view *view, uint64_t timestamp_us, double uptime_s,
		       size_t *len)
{
	char *line = NULL;
	FILE *f = open_memstream(&line, len);
	if (!f)
		return NULL;
	char when[64];
	eve_format_timestamp(when, sizeof(when), timestamp_us);
	fprintf(f, "{\"timestamp\":\"%s\",\"event_type\":\"stats\"", when);
	eve_write_host(f);
	fputs(",\"stats\":{", f);
	stats_eve_suricata(f, view, uptime_s);
	fputs("},\"metadata\":{\"flowints\":{\"vigil\":{\"stats\":", f);
	stats_json(f, view);
	fputs("}}}}", f);
	if (fclose(f) != 0) {
		free(line);
		return NULL;
	}
	return line;
}

int stats_write_json(const char *path, const struct stats_view *view)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	stats_json(f, view);
	fputc('\n', f);
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}
