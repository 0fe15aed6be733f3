/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter summaries. Per-lcore counters are summed on read (see
 * dataplane/counters.h); port figures come from rte_eth_stats_get(), which
 * is the device's view (what the wire or the pcap gave and took).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "control/stats.h"

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
	}
	fprintf(out, "  total\n");
	stats_print_counters(out, "    ", &total);
	for (unsigned i = 0; i < DROP_REASON_COUNT; i++)
		if (total.drop[i])
			fprintf(out, "    drop %-12s %" PRIu64 "  (%s)\n", drop_reason_name[i],
				total.drop[i], drop_reason_text[i]);
	for (unsigned i = 1; i < DECODE_ERROR_COUNT; i++)
		if (total.malformed[i])
			fprintf(out, "    malformed %-20s %" PRIu64 "  (%s)\n", decode_error_name[i],
				total.malformed[i], decode_error_text[i]);
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
	fprintf(f, "}");
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
			",\"rx_missed\":%" PRIu64 ",\"rx_errors\":%" PRIu64 ",\"tx_errors\":%" PRIu64
			"}",
			i ? "," : "", p->name, p->role, s.ipackets, s.ibytes, s.opackets, s.obytes,
			s.imissed, s.ierrors, s.oerrors);
	}
	fprintf(f, "],\"lcores\":[");
	for (unsigned i = 0; i < view->worker_count; i++) {
		fprintf(f, "%s{\"lcore\":%u,\"worker\":%u,", i ? "," : "",
			view->workers[i].lcore_id, view->workers[i].worker_index);
		stats_json_counters(f, view->workers[i].counters);
		fprintf(f, "}");
	}
	fprintf(f, "],\"total\":{");
	stats_json_counters(f, &total);
	fprintf(f, "}}");
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
