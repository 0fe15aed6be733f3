/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console's command table and handlers. A command is one or two words
 * (status, rules load); the row names the role it needs, how many
 * arguments follow, whether a payload comes with it, the handler and its
 * usage. Adding a command adds a row and a handler, nothing else.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/audit.h"
#include "control/console_command_list.h"
#include "control/console_commands.h"
#include "control/control.h"
#include "control/ipset_changes.h"
#include "control/mgmt.h"
#include "dataplane/filter/filter.h"
#include "control/rules_update.h"
#include "control/sinks.h"
#include "control/eve.h"
#include "control/health_listener.h"
#include "control/history.h"
#include "control/stats.h"
#include "control/watchdog.h"
#include "dataplane/publish.h"
#include "platform/clock.h"
#include "platform/link.h"
#include "platform/log.h"
#include "dataplane/worker.h"

#define ANSWER_ERROR_MAX  512
#define COMMAND_TOP_RULES 50 /* rules listed with their alert counts in stats */

/* What a handler gets: its arguments (after the command words) and where to answer. */
struct command_context {
	struct control *control;
	struct console_call *call;
	const char *const *args;
	unsigned argc;
	struct json_out *j;	      /* members after "ok" go here */
	char error[ANSWER_ERROR_MAX]; /* set by a handler that refuses */
};

struct console_command {
	const char *words; /* "status", "rules load" */
	enum console_role role;
	unsigned min_args, max_args;
	bool payload; /* a payload (<N) is required */
	void (*run)(struct command_context *ctx);
	const char *usage;
	/* Runs on a thread of its own (a rule compile) while the control lcore
	 * goes on with alerts and the management stack; it may touch nothing
	 * but the rule update's staging. */
	bool slow;
};

/* The one slow command running (the console serves one request at a time). */
struct command_job {
	struct console_call *call;
	const struct console_command *cmd;
	struct command_context ctx;
	struct json_out body;
	pthread_t thread;
	bool done;
};

static struct command_job *command_job;

/* Text made with a FILE function, as one JSON string member. */
static void command_text_member(struct json_out *j, const char *key, char *text, size_t len)
{
	json_key(j, key);
	json_string_len(j, text ? text : "", text ? len : 0);
	free(text);
}

static bool command_enforcing(const struct control *control)
{
	return control->published && dataplane_mode_enforce(control->published);
}

/* A JSON member whose value a module prints to a FILE (health_json, link_watch_json). */
struct command_member {
	FILE *f;
	char *text;
	size_t len;
};

static FILE *command_member_open(struct command_member *m)
{
	*m = (struct command_member){0};
	m->f = open_memstream(&m->text, &m->len);
	return m->f;
}

static void command_member_close(struct command_member *m, struct json_out *j, const char *key)
{
	fclose(m->f);
	json_key(j, key);
	json_raw(j, m->text);
	free(m->text);
}

/* ,"health":{...} (control/health_listener.h) when the workers are watched. */
static void command_status_health(const struct control *c, struct json_out *j)
{
	struct command_member m;
	if (!c->health || !command_member_open(&m))
		return;
	health_json(m.f, c->health, c->health_listener, health_clock_ms(), worker_stopping());
	command_member_close(&m, j, "health");
}

/* "links": the inline ports' links and what link propagation did, when it watches any. */
static void command_status_links(const struct control *c, struct json_out *j)
{
	const struct link_watch *w = c->stats ? c->stats->links : NULL;
	struct command_member m;
	if (!w || !w->table.count || !command_member_open(&m))
		return;
	link_watch_json(m.f, w);
	command_member_close(&m, j, "links");
}

/* ,"fail":{...} (control/watchdog.h): fail-open or fail-closed, when the workers are watched. */
static void command_status_fail(const struct control *c, struct json_out *j)
{
	struct command_member m;
	if (!c->watchdog || !command_member_open(&m))
		return;
	watchdog_json(m.f, c->watchdog);
	command_member_close(&m, j, "fail");
}

static void command_status(struct command_context *ctx)
{
	struct control *c = ctx->control;
	struct json_out *j = ctx->j;
	double uptime = clock_monotonic_seconds() - c->started;
	const char *mode = command_enforcing(c) ? "ips" : "ids";
	json_key(j, "board");
	json_string(j, c->board_name ? c->board_name : "");
	json_key(j, "mode");
	json_string(j, mode);
	json_key(j, "uptime_s");
	json_printf(j, "%.1f", uptime);
	json_key(j, "workers");
	json_printf(j, "%u", c->worker_count);
	json_key(j, "alerts");
	json_printf(j, "%llu", (unsigned long long)c->alerts_taken);
	struct mgmt_counters m = {0};
	if (c->mgmt)
		mgmt_counters_read(c->mgmt, &m);
	struct console_counters cc = {0};
	console_counters_read(c->console, &cc);
	json_key(j, "management");
	json_printf(
	    j, "{\"rx_frames\":%llu,\"rx_dropped\":%llu,\"tx_frames\":%llu,\"tx_dropped\":%llu}",
	    (unsigned long long)m.rx_frames, (unsigned long long)m.rx_dropped,
	    (unsigned long long)m.tx_frames, (unsigned long long)m.tx_dropped);
	json_key(j, "console");
	json_printf(j,
		    "{\"sessions\":%llu,\"handshake_failures\":%llu,\"handshake_timeouts\":%llu,"
		    "\"handshakes_shed\":%llu,\"handshakes_abandoned\":%llu,"
		    "\"viewers_evicted\":%llu,\"refused_blocked\":%llu,"
		    "\"refused_busy\":%llu,\"refused_no_role\":%llu,"
		    "\"refused_not_management\":%llu,\"requests\":%llu,\"http_requests\":%llu,"
		    "\"http_refused\":%llu}",
		    (unsigned long long)cc.sessions, (unsigned long long)cc.handshake_failures,
		    (unsigned long long)cc.handshake_timeouts,
		    (unsigned long long)cc.handshakes_shed,
		    (unsigned long long)cc.handshakes_abandoned,
		    (unsigned long long)cc.viewers_evicted, (unsigned long long)cc.refused_blocked,
		    (unsigned long long)cc.refused_busy, (unsigned long long)cc.refused_no_role,
		    (unsigned long long)cc.refused_not_management, (unsigned long long)cc.requests,
		    (unsigned long long)cc.http_requests, (unsigned long long)cc.http_refused);
	command_status_health(c, j);
	command_status_links(c, j);
	command_status_fail(c, j);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f) {
		fprintf(f, "board %s, mode %s, up %.0f s, %u worker lcore(s), %llu alert(s)\n",
			c->board_name, mode, uptime, c->worker_count,
			(unsigned long long)c->alerts_taken);
		fprintf(f,
			"console: %llu session(s), %llu failed handshake(s) (%llu timed out, %llu "
			"shed), %llu refused busy, %llu idle viewer(s) evicted, %llu request(s)\n",
			(unsigned long long)cc.sessions, (unsigned long long)cc.handshake_failures,
			(unsigned long long)cc.handshake_timeouts,
			(unsigned long long)cc.handshakes_shed, (unsigned long long)cc.refused_busy,
			(unsigned long long)cc.viewers_evicted, (unsigned long long)cc.requests);
		if (c->health)
			health_text(f, c->health, c->health_listener, health_clock_ms(),
				    worker_stopping());
		if (c->stats && c->stats->links)
			link_watch_text(f, c->stats->links, "");
		if (c->watchdog)
			watchdog_text(f, c->watchdog);
		fclose(f);
	}
	command_text_member(j, "text", text, len);
}

static void command_stats(struct command_context *ctx)
{
	struct control *c = ctx->control;
	if (!c->stats) {
		snprintf(ctx->error, sizeof(ctx->error), "no counters on this board");
		return;
	}
	c->stats->seconds = clock_monotonic_seconds() - c->started;
	c->stats->mode = command_enforcing(c) ? "ips" : "ids";
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		snprintf(ctx->error, sizeof(ctx->error), "out of memory");
		return;
	}
	stats_json(f, c->stats);
	fclose(f);
	json_key(ctx->j, "stats");
	json_raw(ctx->j, text);
	free(text);
	struct control_rule_hits top[COMMAND_TOP_RULES];
	unsigned n = control_top_rules(c, top, COMMAND_TOP_RULES);
	json_key(ctx->j, "rule_hits");
	json_array_begin(ctx->j);
	for (unsigned i = 0; i < n; i++) {
		json_element(ctx->j);
		json_printf(ctx->j, "{\"gid\":%u,\"sid\":%u,\"hits\":%llu}",
			    (unsigned)(top[i].key >> 32), (unsigned)top[i].key,
			    (unsigned long long)top[i].hits);
	}
	json_array_end(ctx->j);
	text = NULL;
	f = open_memstream(&text, &len);
	if (f) {
		stats_print_summary(f, c->stats);
		if (n)
			fprintf(f, "rules with the most alerts:\n");
		for (unsigned i = 0; i < n && i < 10; i++)
			fprintf(f, "  %u:%u  %llu\n", (unsigned)(top[i].key >> 32),
				(unsigned)top[i].key, (unsigned long long)top[i].hits);
		fclose(f);
	}
	command_text_member(ctx->j, "text", text, len);
}

static void command_stats_history(struct command_context *ctx)
{
	struct control *c = ctx->control;
	if (!c->history || !c->stats) {
		snprintf(ctx->error, sizeof(ctx->error), "no counters on this board");
		return;
	}
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		snprintf(ctx->error, sizeof(ctx->error), "out of memory");
		return;
	}
	history_json(f, c->history, c->stats,
		     (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000);
	fclose(f);
	json_key(ctx->j, "history");
	json_raw(ctx->j, text);
	free(text);
}

static void command_mode(struct command_context *ctx)
{
	struct control *c = ctx->control;
	if (ctx->argc == 1) {
		bool ips = strcmp(ctx->args[0], "ips") == 0;
		if (!ips && strcmp(ctx->args[0], "ids") != 0) {
			snprintf(ctx->error, sizeof(ctx->error), "mode: \"%s\" is not ids or ips",
				 ctx->args[0]);
			return;
		}
		if (ctx->call->role != CONSOLE_ROLE_ADMIN) {
			snprintf(ctx->error, sizeof(ctx->error),
				 "mode %s: needs the admin role (this certificate is viewer)",
				 ctx->args[0]);
			return;
		}
		/* published like rules and filter: workers take it at their next burst */
		if (!c->published || dataplane_mode_publish(c->published, ips) < 0) {
			snprintf(ctx->error, sizeof(ctx->error), "mode %s: out of memory",
				 ctx->args[0]);
			return;
		}
	}
	const char *mode = command_enforcing(c) ? "ips" : "ids";
	json_key(ctx->j, "mode");
	json_string(ctx->j, mode);
	char text[64];
	snprintf(text, sizeof(text), "mode %s\n", mode);
	json_key(ctx->j, "text");
	json_string(ctx->j, text);
}

/* A decimal number in min..max. Returns 0 or -EINVAL. */
static int command_number(const char *text, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || n < min || n > max)
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

static int command_count(const char *text, unsigned max, unsigned *out)
{
	return command_number(text, 1, max, out);
}

struct command_tail {
	struct json_out *j;
	FILE *text;
};

static void command_tail_line(void *arg, const char *line)
{
	struct command_tail *t = arg;
	json_element(t->j);
	json_raw(t->j, line);
	if (t->text)
		fprintf(t->text, "%s\n", line);
}

/* The lines a tail command lists: the last n of them, oldest first. */
typedef void (*command_tail_source)(const struct control *control, unsigned n,
				    void (*each)(void *arg, const char *line), void *arg);

/* "WHAT tail [N]": N lines (default 20, at most max) under key, and as text. */
static void command_tail_run(struct command_context *ctx, const char *what, unsigned max,
			     const char *key, command_tail_source source)
{
	unsigned n = 20;
	if (ctx->argc == 1 && command_count(ctx->args[0], max, &n) < 0) {
		snprintf(ctx->error, sizeof(ctx->error), "%s tail: \"%s\" is not a count 1-%u",
			 what, ctx->args[0], max);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	struct command_tail tail = {.j = ctx->j, .text = open_memstream(&text, &len)};
	json_key(ctx->j, key);
	json_array_begin(ctx->j);
	source(ctx->control, n, command_tail_line, &tail);
	json_array_end(ctx->j);
	if (tail.text)
		fclose(tail.text);
	command_text_member(ctx->j, "text", text, len);
}

static void command_audit_lines(const struct control *control, unsigned n,
				void (*each)(void *arg, const char *line), void *arg)
{
	audit_tail(&control->audit, n, each, arg);
}

static void command_audit_tail(struct command_context *ctx)
{
	command_tail_run(ctx, "audit", AUDIT_TAIL_MAX, "records", command_audit_lines);
}

static void command_version_json(struct json_out *j, const struct rules_version *v)
{
	json_printf(j, "{\"version\":%u,\"time\":%lld,\"origin\":", v->number, (long long)v->when);
	json_string(j, v->origin);
	json_printf(j, ",\"loaded\":%u,\"read\":%u,\"files\":[", v->loaded, v->read);
	for (unsigned i = 0; i < v->file_count; i++) {
		json_raw(j, i ? "," : "");
		json_string(j, v->files[i]);
	}
	json_raw(j, "]}");
}

/* The rules commands need the update machinery; false (with the error set) without it. */
static bool command_have_rules(struct command_context *ctx)
{
	if (ctx->control->rules)
		return true;
	snprintf(ctx->error, sizeof(ctx->error), "rule updates are not enabled on this board");
	return false;
}

static void command_rules_show(struct command_context *ctx)
{
	if (!command_have_rules(ctx))
		return;
	struct rules_update *ru = ctx->control->rules;
	const struct rules_version *v = rules_update_live(ru);
	json_key(ctx->j, "live");
	command_version_json(ctx->j, v);
	json_key(ctx->j, "staged");
	if (ru->staged)
		command_version_json(ctx->j, &ru->staged_version);
	else
		json_raw(ctx->j, "null");
	json_key(ctx->j, "last_publish_seconds");
	json_printf(ctx->j, "%.3f", ru->last_publish_seconds);
	char text[1024];
	int n = snprintf(text, sizeof(text), "live: version %u, %u of %u rules, %u file(s) (%s)\n",
			 v->number, v->loaded, v->read, v->file_count, v->origin);
	if (ru->staged && n > 0 && (size_t)n < sizeof(text))
		snprintf(text + n, sizeof(text) - (size_t)n,
			 "staged: version %u, %u of %u rules (%s); rules commit publishes it\n",
			 ru->staged_version.number, ru->staged_version.loaded,
			 ru->staged_version.read, ru->staged_version.origin);
	json_key(ctx->j, "text");
	json_string(ctx->j, text);
}

static void command_rules_history(struct command_context *ctx)
{
	if (!command_have_rules(ctx))
		return;
	struct rules_update *ru = ctx->control->rules;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_key(ctx->j, "versions");
	json_array_begin(ctx->j);
	for (unsigned i = 0; i < ru->history_count; i++) {
		const struct rules_version *v = &ru->history[i];
		json_element(ctx->j);
		command_version_json(ctx->j, v);
		if (f)
			fprintf(f, "%s%u  %u of %u rules  %s\n",
				i + 1 == ru->history_count ? "*" : " ", v->number, v->loaded,
				v->read, v->origin);
	}
	json_array_end(ctx->j);
	if (f)
		fclose(f);
	command_text_member(ctx->j, "text", text, len);
}

/*
 * rules export NAME: the text of the live version's file NAME ("" and
 * "present": false when the version has none), so that vigilctl rules
 * update can show what a new version of that file adds, removes and
 * changes before it is staged. A slow command: ET Open is some 20 MB to
 * read and escape, which the control lcore must not stall on; it only
 * reads the live version's file, which no one writes once committed, and
 * the console runs nothing else meanwhile.
 */
static void command_rules_export(struct command_context *ctx)
{
	if (!command_have_rules(ctx))
		return;
	const struct rules_version *v = rules_update_live(ctx->control->rules);
	const char *path = NULL;
	for (unsigned i = 0; i < v->file_count && !path; i++) {
		const char *base = strrchr(v->files[i], '/');
		if (strcmp(base ? base + 1 : v->files[i], ctx->args[0]) == 0)
			path = v->files[i];
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = path ? fopen(path, "r") : NULL;
	if (path && !f) {
		snprintf(ctx->error, sizeof(ctx->error), "%s: %s", path, strerror(errno));
		return;
	}
	if (f) {
		FILE *out = open_memstream(&text, &len);
		char buf[1 << 16];
		size_t n;
		while (out && (n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, out);
		if (out)
			fclose(out);
		fclose(f);
	}
	json_key(ctx->j, "version");
	json_printf(ctx->j, "%u", v->number);
	json_key(ctx->j, "present");
	json_raw(ctx->j, path ? "true" : "false");
	command_text_member(ctx->j, "text", text, len);
}

/* rules load NAME [allow-refused] <N  and  rules check NAME <N */
static void command_rules_upload(struct command_context *ctx, bool stage)
{
	if (!command_have_rules(ctx))
		return;
	bool allow_refused = false;
	if (ctx->argc == 2) {
		if (!stage || strcmp(ctx->args[1], "allow-refused") != 0) {
			snprintf(ctx->error, sizeof(ctx->error), "unknown option \"%s\"",
				 ctx->args[1]);
			return;
		}
		allow_refused = true;
	}
	struct console_call *call = ctx->call;
	int rc = stage ? rules_update_stage(ctx->control->rules, ctx->args[0], call->payload,
					    call->request->payload_len, allow_refused,
					    call->subject, ctx->j, ctx->error, sizeof(ctx->error))
		       : rules_update_check(ctx->control->rules, ctx->args[0], call->payload,
					    call->request->payload_len, ctx->j, ctx->error,
					    sizeof(ctx->error));
	if (rc < 0 && !ctx->error[0])
		snprintf(ctx->error, sizeof(ctx->error), "%s", strerror(-rc));
}

static void command_rules_load(struct command_context *ctx)
{
	command_rules_upload(ctx, true);
}

static void command_rules_check(struct command_context *ctx)
{
	command_rules_upload(ctx, false);
}

static void command_policy_show(struct command_context *ctx)
{
	if (!command_have_rules(ctx))
		return;
	const struct rules_version *v = rules_update_live(ctx->control->rules);
	size_t len = 0;
	char *text = NULL;
	FILE *f = v->policy[0] ? fopen(v->policy, "r") : NULL;
	if (f) {
		fseek(f, 0, SEEK_END);
		long size = ftell(f);
		fseek(f, 0, SEEK_SET);
		text = size >= 0 ? malloc((size_t)size + 1) : NULL;
		len = text ? fread(text, 1, (size_t)size, f) : 0;
		fclose(f);
	}
	json_key(ctx->j, "file");
	json_string(ctx->j, v->policy);
	command_text_member(ctx->j, "text", text ? text : NULL, len);
}

static void command_policy_load(struct command_context *ctx)
{
	if (!command_have_rules(ctx))
		return;
	struct console_call *call = ctx->call;
	int rc = rules_update_stage_policy(ctx->control->rules, call->payload,
					   call->request->payload_len, call->subject, ctx->j,
					   ctx->error, sizeof(ctx->error));
	if (rc < 0 && !ctx->error[0])
		snprintf(ctx->error, sizeof(ctx->error), "%s", strerror(-rc));
}

/* The answer of a command that made a version live: its number and a line of text. */
static void command_live_answer(struct command_context *ctx, const struct rules_version *v,
				const char *text)
{
	json_key(ctx->j, "version");
	json_printf(ctx->j, "%u", v->number);
	json_key(ctx->j, "text");
	json_string(ctx->j, text);
}

static void command_rules_commit(struct command_context *ctx)
{
	if (!command_have_rules(ctx))
		return;
	struct rules_update *ru = ctx->control->rules;
	if (rules_update_commit(ru, ctx->error, sizeof(ctx->error)) < 0)
		return;
	const struct rules_version *v = rules_update_live(ru);
	json_key(ctx->j, "publish_seconds");
	json_printf(ctx->j, "%.3f", ru->last_publish_seconds);
	char text[256];
	snprintf(text, sizeof(text), "version %u live: %u rules, every worker on it after %.3f s\n",
		 v->number, v->loaded, ru->last_publish_seconds);
	command_live_answer(ctx, v, text);
}

static void command_rules_rollback(struct command_context *ctx)
{
	if (!command_have_rules(ctx))
		return;
	struct rules_update *ru = ctx->control->rules;
	if (rules_update_rollback(ru, ctx->call->subject, ctx->error, sizeof(ctx->error)) < 0)
		return;
	const struct rules_version *v = rules_update_live(ru);
	char text[256];
	snprintf(text, sizeof(text), "version %u live (%s): %u rules\n", v->number, v->origin,
		 v->loaded);
	command_live_answer(ctx, v, text);
}

static void command_sinks_status(struct command_context *ctx)
{
	struct control *c = ctx->control;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_key(ctx->j, "eve_file");
	if (c->eve && c->eve->buf) {
		json_printf(ctx->j, "{\"path\":");
		json_string(ctx->j, c->eve_path ? c->eve_path : "");
		json_printf(
		    ctx->j,
		    ",\"written\":%llu,\"write_errors\":%llu,\"lines_lost\":%llu,"
		    "\"rotations\":%llu,\"reopened\":%llu}",
		    (unsigned long long)c->eve->written, (unsigned long long)c->eve->write_errors,
		    (unsigned long long)c->eve->lines_lost, (unsigned long long)c->eve_rotations,
		    (unsigned long long)c->logs_reopened);
		if (f)
			fprintf(f,
				"eve file  %s: %llu written, %llu lost in %llu write error(s), "
				"%llu rotation(s), %llu reopen(s)\n",
				c->eve_path ? c->eve_path : "", (unsigned long long)c->eve->written,
				(unsigned long long)c->eve->lines_lost,
				(unsigned long long)c->eve->write_errors,
				(unsigned long long)c->eve_rotations,
				(unsigned long long)c->logs_reopened);
	} else {
		json_raw(ctx->j, "null");
	}
	json_key(ctx->j, "sinks");
	json_array_begin(ctx->j);
	for (unsigned i = 0; i < c->sink_count; i++) {
		struct sink_status st;
		sink_status_read(c->sinks[i], &st);
		json_element(ctx->j);
		sink_status_json(&st, ctx->j);
		if (f)
			fprintf(f,
				"%-8s  %s: %s, %llu offered, %llu delivered, %llu queued, "
				"undelivered %llu (queue full %llu, failed %llu), %llu retries "
				"(%llu throttled), %llu left out by the filter%s%s\n",
				st.name, st.target, st.connected ? "connected" : "not connected",
				(unsigned long long)st.offered, (unsigned long long)st.delivered,
				(unsigned long long)st.queued,
				(unsigned long long)(st.dropped_full + st.failed),
				(unsigned long long)st.dropped_full, (unsigned long long)st.failed,
				(unsigned long long)st.retries, (unsigned long long)st.throttled,
				(unsigned long long)st.filtered,
				st.last_error[0] ? "; last error: " : "", st.last_error);
	}
	json_array_end(ctx->j);
	if (f)
		fclose(f);
	command_text_member(ctx->j, "text", text, len);
}

static void command_alerts_tail(struct command_context *ctx)
{
	command_tail_run(ctx, "alerts", CONTROL_RECENT_ALERTS, "alerts", control_recent_alerts);
}

/* The published filter tables' spec, or NULL with the error set. */
static const struct filter_spec *command_filter_spec(struct command_context *ctx)
{
	struct filter_runtime *rt = ctx->control->filter;
	const struct filter_tables *t = rt ? __atomic_load_n(&rt->tables, __ATOMIC_ACQUIRE) : NULL;
	if (!t) {
		snprintf(ctx->error, sizeof(ctx->error), "no filter file on this appliance");
		return NULL;
	}
	return filter_tables_spec(t);
}

static void command_ipset_list(struct command_context *ctx)
{
	const struct filter_spec *spec = command_filter_spec(ctx);
	if (!spec)
		return;
	char text[4096];
	size_t n = 0;
	text[0] = '\0';
	json_key(ctx->j, "sets");
	json_array_begin(ctx->j);
	for (unsigned i = 0; i < spec->set_count; i++) {
		const struct filter_set *s = &spec->sets[i];
		json_element(ctx->j);
		json_printf(ctx->j, "{\"name\":");
		json_string(ctx->j, s->name);
		json_printf(ctx->j, ",\"prefixes\":%zu,\"ipv4\":%zu,\"ipv6\":%zu}", s->count,
			    s->v4_count, s->v6_count);
		if (n < sizeof(text))
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "%-24s %zu prefixes (%zu IPv4, %zu IPv6)\n", s->name,
					      s->count, s->v4_count, s->v6_count);
	}
	json_array_end(ctx->j);
	json_key(ctx->j, "text");
	json_string(ctx->j, text);
}

/* ipset export NAME [aws|text] */
static void command_ipset_export(struct command_context *ctx)
{
	const struct filter_spec *spec = command_filter_spec(ctx);
	if (!spec)
		return;
	int s = filter_spec_find_set(spec, ctx->args[0]);
	if (s < 0) {
		snprintf(ctx->error, sizeof(ctx->error), "no IP set \"%s\"", ctx->args[0]);
		return;
	}
	const char *format = ctx->argc == 2 ? ctx->args[1] : "text";
	if (strcmp(format, "aws") != 0 && strcmp(format, "text") != 0) {
		snprintf(ctx->error, sizeof(ctx->error), "format \"%s\" is not aws or text",
			 format);
		return;
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		snprintf(ctx->error, sizeof(ctx->error), "out of memory");
		return;
	}
	int rc = filter_ipset_export(&spec->sets[s],
				     format[0] == 'a' ? FILTER_IPSET_AWS : FILTER_IPSET_TEXT, f,
				     ctx->error, sizeof(ctx->error));
	fclose(f);
	json_key(ctx->j, "format");
	json_string(ctx->j, format);
	if (rc < 0) {
		free(text);
		return;
	}
	command_text_member(ctx->j, "text", text, len);
}

/* ipset add|del NAME PREFIX: recorded beside the filter file, published at once */
static void command_ipset_change(struct command_context *ctx, bool add)
{
	struct control *c = ctx->control;
	const struct filter_spec *spec = command_filter_spec(ctx);
	if (!spec)
		return;
	if (filter_spec_find_set(spec, ctx->args[0]) < 0) {
		snprintf(ctx->error, sizeof(ctx->error), "no IP set \"%s\" in the filter file",
			 ctx->args[0]);
		return;
	}
	if (ipset_changes_record(c->ipset_changes, add, ctx->args[0], ctx->args[1], ctx->error,
				 sizeof(ctx->error)) < 0)
		return;
	char err[FILTER_ERROR_MAX];
	if (filter_runtime_rebuild(c->filter, err, sizeof(err)) < 0) {
		ipset_changes_forget_last(c->ipset_changes);
		snprintf(ctx->error, sizeof(ctx->error),
			 "the filter tables could not be built: %.400s", err);
		return;
	}
	spec = command_filter_spec(ctx);
	int s = spec ? filter_spec_find_set(spec, ctx->args[0]) : -1;
	size_t count = s >= 0 ? spec->sets[s].count : 0;
	char text[256];
	snprintf(text, sizeof(text),
		 "%s %s %s: live, the set has %zu prefixes (kept across restarts)\n",
		 add ? "added to" : "deleted from", ctx->args[0], ctx->args[1], count);
	json_key(ctx->j, "prefixes");
	json_printf(ctx->j, "%zu", count);
	json_key(ctx->j, "text");
	json_string(ctx->j, text);
}

static void command_ipset_add(struct command_context *ctx)
{
	command_ipset_change(ctx, true);
}

static void command_ipset_del(struct command_context *ctx)
{
	command_ipset_change(ctx, false);
}

#define COMMAND_STALL_MAX_MS 60000

/*
 * A test aid, refused unless the board says [health] test_hooks = yes:
 * worker N stops making progress for MS milliseconds, as a stuck worker
 * would (dataplane/worker.h, struct worker_heartbeat), so that a test can
 * watch the health checks fail and recover. requested_at_ms is on
 * CLOCK_MONOTONIC, which the test's clock shares.
 */
static void command_debug_stall_worker(struct command_context *ctx)
{
	struct control *c = ctx->control;
	unsigned worker, ms;
	if (!c->test_hooks) {
		snprintf(ctx->error, sizeof(ctx->error),
			 "debug stall-worker: a test aid, off on this board ([health] test_hooks "
			 "= yes turns it on)");
		return;
	}
	bool in_burst = ctx->argc > 2 && strcmp(ctx->args[2], "in-burst") == 0;
	if (c->worker_count == 0 ||
	    command_number(ctx->args[0], 0, c->worker_count - 1, &worker) < 0 ||
	    command_number(ctx->args[1], 1, COMMAND_STALL_MAX_MS, &ms) < 0 ||
	    (ctx->argc > 2 && !in_burst)) {
		snprintf(ctx->error, sizeof(ctx->error),
			 "debug stall-worker: want a worker 0..%u, 1..%u ms and maybe in-burst",
			 c->worker_count ? c->worker_count - 1 : 0, COMMAND_STALL_MAX_MS);
		return;
	}
	uint64_t now_ms = health_clock_ms();
	struct worker_heartbeat *hb = &c->workers[worker].heartbeat;
	__atomic_store_n(&hb->test_stall_in_burst, in_burst, __ATOMIC_RELAXED);
	__atomic_store_n(&hb->test_stall_ms, ms, __ATOMIC_RELEASE);
	log_warning("debug: worker %u stalls for %u ms%s (test aid, asked through the console)",
		    worker, ms, in_burst ? " in its next burst" : "");
	json_key(ctx->j, "worker");
	json_printf(ctx->j, "%u", worker);
	json_key(ctx->j, "stall_ms");
	json_printf(ctx->j, "%u", ms);
	json_key(ctx->j, "requested_at_ms");
	json_printf(ctx->j, "%llu", (unsigned long long)now_ms);
	char text[96];
	snprintf(text, sizeof(text), "worker %u stalls for %u ms (test aid)\n", worker, ms);
	json_key(ctx->j, "text");
	json_string(ctx->j, text);
}

/* logs reopen: what SIGHUP does, for an operator without a shell on the box. */
static void command_logs_reopen(struct command_context *ctx)
{
	struct control *c = ctx->control;
	int rc = control_reopen_logs(c);
	if (rc < 0) {
		snprintf(ctx->error, sizeof(ctx->error), "logs reopen: %s", strerror(-rc));
		return;
	}
	json_key(ctx->j, "eve_file");
	if (c->eve && c->eve->buf && c->eve_path)
		json_string(ctx->j, c->eve_path);
	else
		json_raw(ctx->j, "null");
	json_key(ctx->j, "audit_log");
	if (c->audit.file)
		json_string(ctx->j, c->audit.path);
	else
		json_raw(ctx->j, "null");
	json_key(ctx->j, "reopened");
	json_printf(ctx->j, "%llu", (unsigned long long)c->logs_reopened);
	json_key(ctx->j, "text");
	json_string(ctx->j, "EVE file and audit log reopened\n");
}

static void command_help(struct command_context *ctx);

/* The table, from the list (console_command_list.h). */
#define console_role_of_viewer CONSOLE_ROLE_VIEWER
#define console_role_of_admin  CONSOLE_ROLE_ADMIN
static const struct console_command console_commands[] = {
#define _(w, r, min, max, pay, sl, handler, use)                                                   \
	{.words = w,                                                                               \
	 .role = console_role_of_##r,                                                              \
	 .min_args = min,                                                                          \
	 .max_args = max,                                                                          \
	 .payload = pay,                                                                           \
	 .slow = sl,                                                                               \
	 .run = handler,                                                                           \
	 .usage = use},
    foreach_console_command
#undef _
};
#define CONSOLE_COMMAND_COUNT (sizeof(console_commands) / sizeof(console_commands[0]))

static void command_help(struct command_context *ctx)
{
	json_key(ctx->j, "commands");
	json_array_begin(ctx->j);
	char text[2048];
	size_t n = 0;
	text[0] = '\0';
	for (size_t i = 0; i < CONSOLE_COMMAND_COUNT; i++) {
		const struct console_command *c = &console_commands[i];
		json_element(ctx->j);
		json_printf(ctx->j, "{\"usage\":");
		json_string(ctx->j, c->usage);
		json_printf(ctx->j, ",\"role\":\"%s\"}", console_role_name(c->role));
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%-28s %s\n", c->usage,
				      console_role_name(c->role));
		if (n >= sizeof(text))
			n = sizeof(text) - 1;
	}
	json_array_end(ctx->j);
	json_key(ctx->j, "text");
	json_string(ctx->j, text);
}

/* How many of argv's first words spell words ("rules load" is 2); 0 when they do not. */
static unsigned command_words_match(const char *words, const char *const *argv, unsigned argc)
{
	unsigned matched = 0;
	const char *w = words;
	while (*w) {
		size_t len = strcspn(w, " ");
		if (matched == argc || strlen(argv[matched]) != len ||
		    strncmp(argv[matched], w, len) != 0)
			return 0;
		matched++;
		w += len;
		while (*w == ' ')
			w++;
	}
	return matched;
}

static const struct console_command *command_find(const struct console_request *request,
						  unsigned *words)
{
	const struct console_command *best = NULL;
	*words = 0;
	for (size_t i = 0; i < CONSOLE_COMMAND_COUNT; i++) {
		unsigned n =
		    command_words_match(console_commands[i].words, request->argv, request->argc);
		if (n > *words) {
			*words = n;
			best = &console_commands[i];
		}
	}
	return best;
}

/* Check the row's conditions; fills ctx->error when the request is refused. */
static void command_check(struct command_context *ctx, const struct console_command *cmd)
{
	const struct console_request *r = ctx->call->request;
	if (!cmd) {
		snprintf(ctx->error, sizeof(ctx->error), "unknown command \"%s\" (try help)",
			 r->argv[0]);
	} else if (ctx->call->role < cmd->role) {
		snprintf(ctx->error, sizeof(ctx->error),
			 "%s: needs the %s role (this certificate is %s)", cmd->words,
			 console_role_name(cmd->role), console_role_name(ctx->call->role));
	} else if (ctx->argc < cmd->min_args || ctx->argc > cmd->max_args) {
		snprintf(ctx->error, sizeof(ctx->error), "usage: %s", cmd->usage);
	} else if (cmd->payload != r->has_payload) {
		snprintf(ctx->error, sizeof(ctx->error), "%s: %s", cmd->words,
			 cmd->payload ? "a payload (<N and N bytes) must follow"
				      : "takes no payload");
	}
}

/* The answer from what the handler left in ctx and body, and the audit record. */
static void command_finish(struct control *control, struct console_call *call,
			   struct command_context *ctx, struct json_out *body)
{
	if (body->failed && !ctx->error[0])
		snprintf(ctx->error, sizeof(ctx->error), "out of memory");
	struct json_out *j = call->answer;
	json_object_begin(j);
	json_key(j, "ok");
	json_raw(j, ctx->error[0] ? "false" : "true");
	if (ctx->error[0]) {
		json_key(j, "error");
		json_string(j, ctx->error);
	}
	/* A refusal keeps what the handler wrote (e.g. the list of errors). */
	if (body->len && !body->failed)
		json_raw(j, body->text);
	json_object_end(j);
	json_free(body);
	if (!call->quiet)
		audit_record(&control->audit, call->subject, console_role_name(call->role),
			     call->peer, call->request, ctx->error[0] ? ctx->error : NULL);
}

static void *command_job_main(void *arg)
{
	struct command_job *job = arg;
	job->cmd->run(&job->ctx);
	__atomic_store_n(&job->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Start cmd on its own thread; false when no thread could be had (then it runs here). */
static bool command_job_start(struct control *control, struct console_call *call,
			      const struct console_command *cmd, const struct command_context *ctx)
{
	struct command_job *job = calloc(1, sizeof(*job));
	if (!job)
		return false;
	job->call = call;
	job->cmd = cmd;
	job->ctx = *ctx;
	job->ctx.control = control;
	job->body.need_comma = true;
	job->ctx.j = &job->body;
	if (pthread_create(&job->thread, NULL, command_job_main, job) != 0) {
		free(job);
		return false;
	}
	command_job = job;
	return true;
}

void console_commands_refused(void *arg, const struct console_refusal *refusal)
{
	struct control *control = arg;
	const char *names[CONSOLE_REFUSAL_COUNT];
	for (unsigned i = 0; i < CONSOLE_REFUSAL_COUNT; i++)
		names[i] = console_refusal_name(i);
	audit_refusal(&control->audit, refusal->peer, refusal->count, names, refusal->by_reason,
		      CONSOLE_REFUSAL_COUNT, refusal->last_error, CONSOLE_REFUSAL_INTERVAL_S);
}

bool console_commands_execute(void *arg, struct console_call *call)
{
	struct control *control = arg;
	if (command_job && command_job->call == call) {
		if (!__atomic_load_n(&command_job->done, __ATOMIC_ACQUIRE))
			return false;
		struct command_job *job = command_job;
		pthread_join(job->thread, NULL);
		command_finish(control, call, &job->ctx, &job->body);
		free(job);
		command_job = NULL;
		return true;
	}
	struct json_out body = {0};
	struct command_context ctx = {.control = control, .call = call, .j = &body};
	unsigned words;
	const struct console_command *cmd = command_find(call->request, &words);
	ctx.args = call->request->argv + words;
	ctx.argc = call->request->argc - words;
	/* Members after "ok" start with a comma. */
	body.need_comma = true;
	command_check(&ctx, cmd);
	if (!ctx.error[0] && cmd->slow && command_job_start(control, call, cmd, &ctx))
		return false;
	if (!ctx.error[0])
		cmd->run(&ctx);
	command_finish(control, call, &ctx, &body);
	return true;
}
