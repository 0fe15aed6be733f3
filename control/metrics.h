/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenMetrics text from the console's "stats" answer: every number in it
 * becomes a sample, so what a Prometheus server scrapes at /metrics is by
 * construction what `vigilctl stats --json` shows. The stats JSON is the
 * one description of the counters; this module only renames.
 *
 * Naming (Prometheus conventions): vigil_ + the members' path joined by
 * "_"; counters end in _total, the few values that can go down (seconds,
 * latencies, flags, ports) are gauges. Arrays become labels: each element's
 * strings and identifying numbers (port names, worker, lcore, gid, sid)
 * label its other numbers; maps keyed by a reason or a rule number label
 * their values with reason= or rule=. The "total" object is left out: it is
 * the sum of the per-worker series, which sum() gives.
 *
 * Pure text in, text out; no I/O but the FILE given, no state. The console
 * session thread calls it.
 */
#ifndef VIGIL_CONTROL_METRICS_H
#define VIGIL_CONTROL_METRICS_H

#include <stddef.h>
#include <stdio.h>

/* The content type of metrics_write's text. */
#define METRICS_CONTENT_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

/*
 * Write the OpenMetrics exposition of n console answers docs[i] (lens[i]
 * bytes each: "stats", whose {"stats":{...},"rule_hits":[...]} is walked,
 * and "status", walked whole) to out, ending with "# EOF". A series that
 * two answers both hold is written once. Returns 0, -EINVAL when a doc is
 * not one JSON object (nested at most 32 deep), -ENOMEM; nothing is
 * written then.
 */
int metrics_write(FILE *out, const char *const docs[], const size_t lens[], unsigned n);

#endif
