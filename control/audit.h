/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The audit log: one JSON line per console command, appended and flushed
 * before the answer leaves: when, who (the client certificate's subject
 * and role, and its address), what (the command's words and the size of
 * any payload) and the result (ok, or the error). Connections the console
 * refused before any command (a failed or unfinished handshake, a blocked
 * source, no free slot) arrive as summaries, at most one line per source
 * per interval (audit_refusal). The console can read its end back (audit
 * tail). Control lcore only.
 */
#ifndef VIGIL_CONTROL_AUDIT_H
#define VIGIL_CONTROL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "control/console_proto.h"

#define AUDIT_TAIL_MAX 1000

struct audit {
	FILE *file;
	char path[256];
	uint64_t records;
	uint64_t write_errors;
};

/* Open path for appending (created 0600). Returns 0 or -errno. */
int audit_open(struct audit *audit, const char *path);

/* One record; error is NULL when the command succeeded. */
void audit_record(struct audit *audit, const char *subject, const char *role, const char *peer,
		  const struct console_request *request, const char *error);

/*
 * One summary of refused connections from peer ("*": several sources):
 * count in all, and per reason names[i] counts[i] (zero counts left out),
 * the last refusal's detail (or ""), over window_s seconds at most. A
 * line {"timestamp", "event": "console_refused", "peer", "count",
 * "window_s", "reasons": {...}, "last_error", "ok": false}.
 */
void audit_refusal(struct audit *audit, const char *peer, uint64_t count, const char *const *names,
		   const uint64_t *counts, unsigned n_reasons, const char *last_error,
		   unsigned window_s);

/*
 * Call each(arg, line) for the last n records (at most AUDIT_TAIL_MAX),
 * oldest first; line is one JSON object without its newline.
 */
void audit_tail(const struct audit *audit, unsigned n, void (*each)(void *arg, const char *line),
		void *arg);

/*
 * Close the file and open its path again, appending (created 0600): the
 * file was rotated away (logrotate's "create", then SIGHUP). Counters
 * stay. Returns 0 or -errno; on an error the old file stays open, so no
 * record is lost. Control lcore.
 */
int audit_reopen(struct audit *audit);

void audit_close(struct audit *audit);

#endif
