/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dashboard's last hour (see history.h): samples in a ring, alerts in
 * a ring, tops counted on request with a scratch hash table, so nothing
 * per alert but a copy of 44 bytes.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "control/history.h"
#include "control/stats.h"
#include "dataplane/alert.h"
#include "rules/lang/rule.h"

/* The counters now into *p. */
static void history_fill(struct history *h, struct history_point *p, const struct stats_view *view,
			 uint64_t now_ms)
{
	memset(p, 0, sizeof(*p));
	p->t_ms = now_ms;
	h->port_count = view->port_count < HISTORY_PORTS ? view->port_count : HISTORY_PORTS;
	for (unsigned i = 0; i < h->port_count; i++) {
		struct rte_eth_stats s;
		memset(&s, 0, sizeof(s));
		rte_eth_stats_get(view->ports[i].port_id, &s);
		p->rx_packets[i] = s.ipackets;
		p->rx_bytes[i] = s.ibytes;
		p->tx_packets[i] = s.opackets;
		p->tx_bytes[i] = s.obytes;
		snprintf(h->port_names[i], sizeof(h->port_names[i]), "%s", view->ports[i].name);
	}
	struct worker_counters total;
	stats_total(view, &total);
	p->alerts = total.counter[WORKER_COUNTER_ALERTS];
	memcpy(p->drops, total.drop, sizeof(p->drops));
}

void history_poll(struct history *h, const struct stats_view *view, uint64_t now_ms)
{
	if (now_ms < h->next_sample_ms)
		return;
	h->next_sample_ms = now_ms + HISTORY_INTERVAL_S * 1000ull;
	history_fill(h, &h->points[h->point_next], view, now_ms);
	h->point_next = (h->point_next + 1) % HISTORY_POINTS;
	if (h->point_count < HISTORY_POINTS)
		h->point_count++;
}

static uint32_t history_hash64(uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32);
}

/* Keep the message of a rule the first time it alerts (bounded). */
static void history_keep_name(struct history *h, uint64_t key, const char *msg)
{
	if (!h->names) {
		h->names = calloc(HISTORY_RULE_NAMES, sizeof(*h->names));
		if (!h->names)
			return;
	}
	uint32_t at = history_hash64(key);
	for (unsigned probe = 0; probe < 32; probe++) {
		struct history_rule_name *n = &h->names[(at + probe) % HISTORY_RULE_NAMES];
		if (n->key == key)
			return;
		if (n->key == 0) {
			n->key = key;
			n->msg = strdup(msg ? msg : "");
			return;
		}
	}
}

static const char *history_name(const struct history *h, uint64_t key)
{
	if (!h->names)
		return "";
	uint32_t at = history_hash64(key);
	for (unsigned probe = 0; probe < 32; probe++) {
		const struct history_rule_name *n = &h->names[(at + probe) % HISTORY_RULE_NAMES];
		if (n->key == key)
			return n->msg ? n->msg : "";
		if (n->key == 0)
			break;
	}
	return "";
}

void history_alert(struct history *h, const struct alert *alert, uint64_t now_ms)
{
	if (!alert->rule)
		return;
	if (!h->alerts) {
		h->alerts = calloc(HISTORY_ALERTS, sizeof(*h->alerts));
		if (!h->alerts)
			return;
	}
	struct history_alert *a = &h->alerts[h->alert_next];
	a->t_s = (uint32_t)(now_ms / 1000);
	a->gid = alert->rule->gid;
	a->sid = alert->rule->sid;
	a->ip_version = alert->ip_version;
	memcpy(a->src, alert->src_addr, sizeof(a->src));
	memcpy(a->dst, alert->dst_addr, sizeof(a->dst));
	h->alert_next = (h->alert_next + 1) % HISTORY_ALERTS;
	if (h->alert_count < HISTORY_ALERTS)
		h->alert_count++;
	h->alerts_recorded++;
	history_keep_name(h, (uint64_t)a->gid << 32 | a->sid | 1ull << 63, alert->rule->msg);
}

/* ---- the tops ---- */

struct history_tally {
	uint8_t key[17]; /* what is counted: an address (version + 16 bytes) or a rule */
	bool used;
	uint32_t count;
};

/* Count key in a table of cap slots (a power of two); full: not counted. */
static void history_tally_add(struct history_tally *t, unsigned cap, const uint8_t key[17])
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	/* FNV's low bits cluster on keys that differ in one byte (addresses
	 * of one subnet): mixed before they pick the slot. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	for (unsigned probe = 0; probe < cap; probe++) {
		struct history_tally *e = &t[(h + probe) & (cap - 1)];
		if (e->used && memcmp(e->key, key, 17) == 0) {
			e->count++;
			return;
		}
		if (!e->used) {
			e->used = true;
			memcpy(e->key, key, 17);
			e->count = 1;
			return;
		}
	}
}

/* The HISTORY_TOP largest entries, largest first, into top; returns how many. */
static unsigned history_tally_top(const struct history_tally *t, unsigned cap,
				  const struct history_tally **top)
{
	unsigned n = 0;
	for (unsigned i = 0; i < cap; i++) {
		if (!t[i].used)
			continue;
		unsigned at = n < HISTORY_TOP ? n++ : HISTORY_TOP;
		if (at == HISTORY_TOP && t[i].count <= top[HISTORY_TOP - 1]->count)
			continue;
		if (at == HISTORY_TOP)
			at = HISTORY_TOP - 1;
		while (at > 0 && top[at - 1]->count < t[i].count) {
			top[at] = top[at - 1];
			at--;
		}
		top[at] = &t[i];
	}
	return n;
}

static void history_json_addresses(FILE *out, const char *name, const struct history_tally *t,
				   unsigned cap)
{
	const struct history_tally *top[HISTORY_TOP];
	unsigned n = history_tally_top(t, cap, top);
	fprintf(out, ",\"%s\":[", name);
	for (unsigned i = 0; i < n; i++) {
		char text[INET6_ADDRSTRLEN];
		inet_ntop(top[i]->key[0] == 6 ? AF_INET6 : AF_INET, top[i]->key + 1, text,
			  sizeof(text));
		fprintf(out, "%s{\"ip\":\"%s\",\"alerts\":%u}", i ? "," : "", text, top[i]->count);
	}
	fputc(']', out);
}

/* A rule's message as a JSON string. */
static void history_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

static void history_json_tops(FILE *out, struct history *h, uint64_t now_ms)
{
	enum { CAP = HISTORY_ALERTS }; /* at most that many distinct keys */
	struct history_tally *rules = calloc(CAP, sizeof(*rules));
	struct history_tally *srcs = calloc(CAP, sizeof(*srcs));
	struct history_tally *dsts = calloc(CAP, sizeof(*dsts));
	uint32_t since = (uint32_t)(now_ms / 1000) - 3600;
	unsigned in_window = 0;
	for (unsigned i = 0; rules && srcs && dsts && i < h->alert_count; i++) {
		const struct history_alert *a = &h->alerts[i];
		if (a->t_s < since)
			continue;
		in_window++;
		uint8_t key[17] = {0};
		memcpy(key, &a->gid, 4);
		memcpy(key + 4, &a->sid, 4);
		history_tally_add(rules, CAP, key);
		key[0] = a->ip_version;
		memcpy(key + 1, a->src, 16);
		history_tally_add(srcs, CAP, key);
		memcpy(key + 1, a->dst, 16);
		history_tally_add(dsts, CAP, key);
	}
	fprintf(out, ",\"alerts_in_window\":%u,\"alerts_counted\":%u", in_window,
		(unsigned)HISTORY_ALERTS);
	if (rules && srcs && dsts) {
		const struct history_tally *top[HISTORY_TOP];
		unsigned n = history_tally_top(rules, CAP, top);
		fprintf(out, ",\"top_signatures\":[");
		for (unsigned i = 0; i < n; i++) {
			uint32_t gid, sid;
			memcpy(&gid, top[i]->key, 4);
			memcpy(&sid, top[i]->key + 4, 4);
			fprintf(out,
				"%s{\"gid\":%u,\"sid\":%u,\"alerts\":%u,\"msg\":", i ? "," : "",
				gid, sid, top[i]->count);
			history_json_string(
			    out, history_name(h, (uint64_t)gid << 32 | sid | 1ull << 63));
			fputc('}', out);
		}
		fputc(']', out);
		history_json_addresses(out, "top_sources", srcs, CAP);
		history_json_addresses(out, "top_destinations", dsts, CAP);
	}
	free(rules);
	free(srcs);
	free(dsts);
}

/* ---- the rates ---- */

static double history_rate(uint64_t now, uint64_t before, double seconds)
{
	return now >= before && seconds > 0 ? (double)(now - before) / seconds : 0.0;
}

static void history_json_point(FILE *out, const struct history *h, const struct history_point *p,
			       const struct history_point *q)
{
	double s = (double)(p->t_ms - q->t_ms) / 1000.0;
	fprintf(out, "{\"t\":%.3f,\"ports\":{", (double)p->t_ms / 1000.0);
	for (unsigned i = 0; i < h->port_count; i++)
		fprintf(
		    out,
		    "%s\"%s\":{\"rx_pps\":%.1f,\"rx_bps\":%.0f,\"tx_pps\":%.1f,\"tx_bps\":%.0f}",
		    i ? "," : "", h->port_names[i],
		    history_rate(p->rx_packets[i], q->rx_packets[i], s),
		    8 * history_rate(p->rx_bytes[i], q->rx_bytes[i], s),
		    history_rate(p->tx_packets[i], q->tx_packets[i], s),
		    8 * history_rate(p->tx_bytes[i], q->tx_bytes[i], s));
	fprintf(out, "},\"alerts_ps\":%.2f,\"drops_ps\":{", history_rate(p->alerts, q->alerts, s));
	for (unsigned r = 0; r < DROP_REASON_COUNT; r++)
		fprintf(out, "%s\"%s\":%.2f", r ? "," : "", drop_reason_name[r],
			history_rate(p->drops[r], q->drops[r], s));
	fprintf(out, "}}");
}

void history_json(FILE *out, struct history *h, const struct stats_view *view, uint64_t now_ms)
{
	fprintf(out, "{\"interval_s\":%u,\"points\":[", HISTORY_INTERVAL_S);
	/* Oldest first; each point's rates against the sample before it. */
	unsigned first = (h->point_next + HISTORY_POINTS - h->point_count) % HISTORY_POINTS;
	for (unsigned k = 1; k < h->point_count; k++) {
		const struct history_point *q = &h->points[(first + k - 1) % HISTORY_POINTS];
		const struct history_point *p = &h->points[(first + k) % HISTORY_POINTS];
		if (k > 1)
			fputc(',', out);
		history_json_point(out, h, p, q);
	}
	/* And the rates since the last sample, so a page opened just now (or
	 * an appliance just started) shows traffic at once. */
	if (h->point_count > 0) {
		const struct history_point *q =
		    &h->points[(h->point_next + HISTORY_POINTS - 1) % HISTORY_POINTS];
		struct history_point now;
		history_fill(h, &now, view, now_ms);
		if (now_ms >= q->t_ms + 1000) {
			if (h->point_count > 1)
				fputc(',', out);
			history_json_point(out, h, &now, q);
		}
	}
	fputc(']', out);
	history_json_tops(out, h, now_ms);
	fputc('}', out);
}

void history_free(struct history *h)
{
	if (h->names)
		for (unsigned i = 0; i < HISTORY_RULE_NAMES; i++)
			free(h->names[i].msg);
	free(h->names);
	free(h->alerts);
	memset(h, 0, sizeof(*h));
}
