/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule update transactions: stage (compile a candidate beside the live
 * ruleset), commit (hand each worker its new scratch and streams, wait for
 * every worker to move, drain the old ruleset's alerts, free it, persist
 * the version), rollback (the previous version, the same way). Control
 * lcore only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "control/control.h"
#include "platform/clock.h"
#include "control/eve.h"
#include "control/rules_store.h"
#include "control/console.h"
#include "control/rules_update.h"
#include "rules/policy/policy.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/publish.h"
#include "dataplane/worker.h"

#define RULES_UPDATE_ERRORS_SHOWN 200 /* errors listed in one answer; the count is always exact */

const struct rules_version *rules_update_live(const struct rules_update *ru)
{
	return ru->history_count ? &ru->history[ru->history_count - 1] : NULL;
}

/*
 * One JSON string as json_string() writes it, p just past its opening
 * quote, into out. Returns the character after the closing quote, or NULL
 * (too long, or an escape a path never needs: the line is not used).
 */
static const char *rules_update_json_string(const char *p, char *out, size_t len)
{
	size_t n = 0;
	for (; *p && *p != '"'; p++) {
		char c = *p;
		if (c == '\\') {
			p++;
			c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			if (*p != '"' && *p != '\\' && *p != '/' && *p != 'n' && *p != 't')
				return NULL;
		}
		if (n + 1 >= len)
			return NULL;
		out[n++] = c;
	}
	if (*p != '"')
		return NULL;
	out[n] = '\0';
	return p + 1;
}

/* The string member "key":"..." of line into out; false when absent or unreadable. */
static bool rules_update_json_member(const char *line, const char *key, char *out, size_t len)
{
	char pattern[32];
	snprintf(pattern, sizeof(pattern), "\"%s\":\"", key);
	const char *p = strstr(line, pattern);
	return p && rules_update_json_string(p + strlen(pattern), out, len);
}

/* A versions.log line into v (number, origin, files, policy); false when it does not read. */
static bool rules_update_parse_line(const char *line, struct rules_version *v)
{
	memset(v, 0, sizeof(*v));
	long long when = 0;
	if (sscanf(line, "{\"version\":%u,\"time\":%lld", &v->number, &when) < 1)
		return false;
	v->when = (time_t)when;
	rules_update_json_member(line, "origin", v->origin, sizeof(v->origin));
	rules_update_json_member(line, "policy", v->policy, sizeof(v->policy));
	const char *p = strstr(line, "\"files\":[");
	if (!p)
		return false;
	p += strlen("\"files\":[");
	while (*p == '"') {
		if (v->file_count == RULES_UPDATE_MAX_FILES)
			return false;
		p = rules_update_json_string(p + 1, v->files[v->file_count++],
					     RULES_UPDATE_PATH_MAX);
		if (!p)
			return false;
		if (*p == ',')
			p++;
	}
	return *p == ']';
}

int rules_update_last_committed(const char *store_dir, struct rules_version *v)
{
	char path[RULES_UPDATE_PATH_MAX];
	snprintf(path, sizeof(path), "%s/versions.log", store_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	static struct rules_version candidate; /* 64 KB of paths: not on the stack */
	while (getline(&line, &cap, f) > 0)
		if (rules_update_parse_line(line, &candidate) &&
		    (!found || candidate.number > v->number)) {
			*v = candidate;
			found = true;
		}
	free(line);
	fclose(f);
	if (!found)
		return -ENOENT;
	for (unsigned i = 0; i < v->file_count; i++)
		if (access(v->files[i], R_OK) != 0)
			return -errno;
	if (v->policy[0] && access(v->policy, R_OK) != 0)
		return -errno;
	return 0;
}

int rules_update_init(struct rules_update *ru, const struct ruleset_options *base,
		      const char *policy_path, const struct ruleset *live, const char *store_dir,
		      unsigned flows, struct control *control, const struct rules_version *restored)
{
	memset(ru, 0, sizeof(*ru));
	ru->base = *base;
	ru->base.files = NULL;
	ru->base.file_count = 0;
	ru->base.policy = NULL;
	ru->policy_path = policy_path;
	ru->live = live;
	ru->flows = flows;
	ru->control = control;
	snprintf(ru->store_dir, sizeof(ru->store_dir), "%s", store_dir);
	if (mkdir(store_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	/* What a crash during a commit left is not a version: numbering goes on
	 * from the last committed one, as if the commit had never begun. */
	rules_store_sweep(store_dir);
	struct rules_version *v = &ru->history[0];
	if (restored) {
		/* vigil runs the last committed version again: the same version, not a new one */
		*v = *restored;
		v->loaded = live ? ruleset_rule_count(live) : 0;
		v->read = v->loaded;
		ru->next_number = rules_store_last_number(store_dir) + 1;
		if (ru->next_number <= v->number)
			ru->next_number = v->number + 1;
		ru->history_count = 1;
		return 0;
	}
	v->number = rules_store_last_number(store_dir) + 1;
	ru->next_number = v->number + 1;
	for (unsigned i = 0; i < base->file_count && i < RULES_UPDATE_MAX_FILES; i++)
		snprintf(v->files[v->file_count++], RULES_UPDATE_PATH_MAX, "%s", base->files[i]);
	snprintf(v->origin, sizeof(v->origin), "start-up");
	if (policy_path)
		snprintf(v->policy, sizeof(v->policy), "%s", policy_path);
	v->when = time(NULL);
	v->loaded = live ? ruleset_rule_count(live) : 0;
	v->read = v->loaded;
	ru->history_count = 1;
	return 0;
}

/* The report's refusals as "errors" [{file, line, sid, reason}]; returns how many concern only_file. */
static unsigned rules_update_errors(const struct ruleset_report *report, const char *only_file,
				    struct json_out *answer, char *text, size_t text_len)
{
	unsigned mine = 0, shown = 0;
	size_t n = 0;
	json_key(answer, "errors");
	json_array_begin(answer);
	for (unsigned i = 0; i < report->error_count; i++) {
		const struct rule_load_error *e = &report->errors[i];
		if (only_file && strcmp(e->file, only_file) != 0)
			continue;
		mine++;
		if (shown++ >= RULES_UPDATE_ERRORS_SHOWN)
			continue;
		json_element(answer);
		json_object_begin(answer);
		json_key(answer, "file");
		json_string(answer, strrchr(e->file, '/') ? strrchr(e->file, '/') + 1 : e->file);
		json_key(answer, "line");
		json_printf(answer, "%u", e->line);
		json_key(answer, "sid");
		json_printf(answer, "%u", e->sid);
		json_key(answer, "reason");
		json_string(answer, e->reason);
		json_object_end(answer);
		if (n < text_len)
			n += (size_t)snprintf(text + n, text_len - n, "%s:%u: sid %u: %s\n",
					      strrchr(e->file, '/') ? strrchr(e->file, '/') + 1
								    : e->file,
					      e->line, e->sid, e->reason);
	}
	json_array_end(answer);
	return mine;
}

/* A file name from the console: letters, digits, "._-", not starting with a dot. */
static bool rules_update_name_ok(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > 128 || name[0] == '.')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	       len;
}

/*
 * The candidate version: the live files with name replaced or added, the
 * uploaded text written to store_dir/vN/name. Returns 0 or -errno.
 */
static int rules_update_candidate(struct rules_update *ru, const char *name, const uint8_t *text,
				  size_t len, struct rules_version *v, char *path, size_t path_len)
{
	const struct rules_version *live = rules_update_live(ru);
	*v = *live;
	v->number = ru->next_number;
	char dir[300];
	snprintf(dir, sizeof(dir), "%s/v%u", ru->store_dir, v->number);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if ((size_t)snprintf(path, path_len, "%s/%s", dir, name) >= path_len)
		return -ENAMETOOLONG;
	int rc = rules_store_write(path, text, len);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < v->file_count; i++) {
		const char *base =
		    strrchr(v->files[i], '/') ? strrchr(v->files[i], '/') + 1 : v->files[i];
		if (strcmp(base, name) == 0) {
			snprintf(v->files[i], RULES_UPDATE_PATH_MAX, "%s", path);
			return 0;
		}
	}
	if (v->file_count == RULES_UPDATE_MAX_FILES)
		return -ENOSPC;
	snprintf(v->files[v->file_count++], RULES_UPDATE_PATH_MAX, "%s", path);
	return 0;
}

/* A compile's progress, into the console's progress lines (its job thread). */
static void rules_update_progress(void *arg, const struct ruleset_progress *w)
{
	struct rules_update *ru = arg;
	char text[128];
	snprintf(text, sizeof(text), "%s %u of %u %s, %u rules", w->stage, w->done, w->total,
		 strcmp(w->stage, "parsing") == 0 ? "files" : "patterns", w->rules);
	console_progress_note(ru->control ? ru->control->console : NULL, text);
}

/* Build the ruleset of version v; the report is the caller's to clear. */
static int rules_update_build(struct rules_update *ru, const struct rules_version *v,
			      struct ruleset **out, struct ruleset_report *report, char *error,
			      size_t error_len)
{
	const char *files[RULES_UPDATE_MAX_FILES];
	for (unsigned i = 0; i < v->file_count; i++)
		files[i] = v->files[i];
	struct ruleset_options o = ru->base;
	o.files = files;
	o.file_count = v->file_count;
	o.progress = rules_update_progress;
	o.progress_arg = ru;
	memset(report, 0, sizeof(*report));
	if (v->policy[0] && policy_load(v->policy, &o.policy, error, error_len) < 0)
		return -EINVAL;
	return ruleset_build(&o, out, report, error, error_len); /* takes the policy */
}

static void rules_update_report_members(struct json_out *answer, const struct ruleset_report *r)
{
	json_key(answer, "loaded");
	json_printf(answer, "%u", r->loaded);
	json_key(answer, "read");
	json_printf(answer, "%u", r->read);
	json_key(answer, "refused");
	json_printf(answer, "%u", r->error_count);
	json_key(answer, "compile_seconds");
	json_printf(answer, "%.3f", r->compile_seconds);
	json_key(answer, "cache_hit");
	json_raw(answer, r->cache_hit ? "true" : "false");
}

/* The candidate becomes the staged version (a staged one before it goes). */
static void rules_update_keep_staged(struct rules_update *ru, struct ruleset *candidate,
				     const struct rules_version *v, const char *origin)
{
	ruleset_free(ru->staged);
	ru->staged = candidate;
	ru->staged_version = *v;
	ru->staged_version.when = time(NULL);
	snprintf(ru->staged_version.origin, sizeof(ru->staged_version.origin), "%s", origin);
}

/* Stage or only check: compile the candidate and judge the uploaded file's refusals. */
static int rules_update_try(struct rules_update *ru, const char *name, const uint8_t *text,
			    size_t len, bool allow_refused, bool keep, const char *who,
			    struct json_out *answer, char *error, size_t error_len)
{
	if (!rules_update_name_ok(name)) {
		snprintf(error, error_len, "\"%s\" is not a rules file name (letters, digits, ._-)",
			 name);
		return -EINVAL;
	}
	struct rules_version v;
	char path[RULES_UPDATE_PATH_MAX];
	int rc = rules_update_candidate(ru, name, text, len, &v, path, sizeof(path));
	if (rc < 0) {
		snprintf(error, error_len, "cannot store %s in %s: %s", name, ru->store_dir,
			 strerror(-rc));
		return rc;
	}
	struct ruleset *candidate = NULL;
	struct ruleset_report report;
	char text_errors[8192] = "";
	rc = rules_update_build(ru, &v, &candidate, &report, error, error_len);
	if (rc == 0) {
		rules_update_report_members(answer, &report);
		unsigned mine =
		    rules_update_errors(&report, path, answer, text_errors, sizeof(text_errors));
		if (mine && !allow_refused) {
			snprintf(error, error_len,
				 "%u rule(s) of %s refused; nothing changed (see errors; "
				 "\"allow-refused\" loads the rest)",
				 mine, name);
			rc = -EINVAL;
		}
		v.loaded = report.loaded;
		v.read = report.read;
	}
	json_key(answer, "text");
	json_string(answer, text_errors);
	ruleset_report_clear(&report);
	if (rc < 0 || !keep) {
		ruleset_free(candidate);
		if (rc < 0)
			ru->refusals++;
		if (!keep || rc < 0)
			unlink(path);
		return rc;
	}
	char origin[sizeof(v.origin)];
	snprintf(origin, sizeof(origin), "rules load %s by %s", name, who);
	rules_update_keep_staged(ru, candidate, &v, origin);
	return 0;
}

int rules_update_stage(struct rules_update *ru, const char *name, const uint8_t *text, size_t len,
		       bool allow_refused, const char *who, struct json_out *answer, char *error,
		       size_t error_len)
{
	return rules_update_try(ru, name, text, len, allow_refused, true, who, answer, error,
				error_len);
}

int rules_update_stage_policy(struct rules_update *ru, const uint8_t *text, size_t len,
			      const char *who, struct json_out *answer, char *error,
			      size_t error_len)
{
	struct rules_version v = *rules_update_live(ru);
	v.number = ru->next_number;
	char dir[300];
	snprintf(dir, sizeof(dir), "%s/v%u", ru->store_dir, v.number);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(error, error_len, "cannot make %s: %s", dir, strerror(errno));
		return -errno;
	}
	snprintf(v.policy, sizeof(v.policy), "%s/site.policy", dir);
	int rc = rules_store_write(v.policy, text, len);
	if (rc < 0) {
		snprintf(error, error_len, "cannot store the policy in %s: %s", dir, strerror(-rc));
		return rc;
	}
	struct ruleset *candidate = NULL;
	struct ruleset_report report;
	rc = rules_update_build(ru, &v, &candidate, &report, error, error_len);
	if (rc == 0) {
		rules_update_report_members(answer, &report);
		v.loaded = report.loaded;
		v.read = report.read;
		json_key(answer, "text");
		json_printf(answer,
			    "\"policy staged: %u of %u rules; rules commit publishes it\\n\"",
			    report.loaded, report.read);
	}
	ruleset_report_clear(&report);
	if (rc < 0) {
		ru->refusals++;
		unlink(v.policy);
		return rc;
	}
	char origin[sizeof(v.origin)];
	snprintf(origin, sizeof(origin), "policy load by %s", who);
	rules_update_keep_staged(ru, candidate, &v, origin);
	return 0;
}

int rules_update_check(struct rules_update *ru, const char *name, const uint8_t *text, size_t len,
		       struct json_out *answer, char *error, size_t error_len)
{
	return rules_update_try(ru, name, text, len, false, false, "", answer, error, error_len);
}

/*
 * Publish ruleset as every published object goes (dataplane/publish.h):
 * build each worker's scratch and streams for it while the workers run the
 * old rules, swap, wait for every worker's quiescent point, drain the
 * alerts of the old rules (they point at its rules), point EVE at the new
 * one, then free what the workers ran before.
 */
static int rules_update_publish(struct rules_update *ru, struct ruleset *ruleset)
{
	struct control *c = ru->control;
	double start = clock_monotonic_seconds();
	struct detect_rules *old;
	if (!c->published ||
	    detect_rules_publish(c->published, ruleset, c->worker_count, ru->flows, &old) < 0)
		return -ENOMEM;
	control_drain_alerts(c);
	if (c->eve)
		c->eve->ruleset = ruleset;
	detect_rules_free(old);
	ruleset_free((struct ruleset *)ru->live);
	ru->live = ruleset;
	ru->last_publish_seconds = clock_monotonic_seconds() - start;
	return 0;
}

/*
 * Commit v on disk (its line in versions.log, written whole and atomically:
 * rules_store.h) and append it to history; remove version folders that
 * fell out. The version is live whatever the disk says: a log that cannot
 * be written is reported, and the version is not there after a restart.
 */
static void rules_update_persist(struct rules_update *ru, const struct rules_version *v)
{
	struct json_out j = {0};
	json_printf(&j, "{\"version\":%u,\"time\":%lld,\"origin\":", v->number, (long long)v->when);
	json_string(&j, v->origin);
	json_printf(&j, ",\"loaded\":%u,\"read\":%u,\"files\":[", v->loaded, v->read);
	for (unsigned i = 0; i < v->file_count; i++) {
		json_raw(&j, i ? "," : "");
		json_string(&j, v->files[i]);
	}
	json_raw(&j, "],\"policy\":");
	json_string(&j, v->policy);
	json_raw(&j, "}\n");
	int rc = j.failed ? -ENOMEM : rules_store_log_append(ru->store_dir, j.text);
	json_free(&j);
	if (rc < 0) {
		ru->log_failures++;
		fprintf(stderr,
			"vigil: warning: rules: version %u is live but not in %s/versions.log: "
			"%s\n",
			v->number, ru->store_dir, strerror(-rc));
	}
	if (ru->history_count == RULES_UPDATE_HISTORY) {
		const struct rules_version *gone = &ru->history[0];
		char dir[RULES_UPDATE_PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/v%u", ru->store_dir, gone->number);
		/* Files of the dropped version still named by a kept version stay. */
		for (unsigned i = 0; i < gone->file_count; i++) {
			bool kept = false;
			for (unsigned h = 1; h < ru->history_count && !kept; h++)
				for (unsigned k = 0; k < ru->history[h].file_count && !kept; k++)
					kept = strcmp(ru->history[h].files[k], gone->files[i]) == 0;
			if (!kept && strncmp(gone->files[i], dir, strlen(dir)) == 0)
				unlink(gone->files[i]);
		}
		rmdir(dir);
		memmove(&ru->history[0], &ru->history[1],
			(RULES_UPDATE_HISTORY - 1) * sizeof(ru->history[0]));
		ru->history_count--;
	}
	ru->history[ru->history_count++] = *v;
	if (v->number >= ru->next_number)
		ru->next_number = v->number + 1;
}

int rules_update_commit(struct rules_update *ru, char *error, size_t error_len)
{
	if (!ru->staged) {
		snprintf(error, error_len, "nothing staged (rules load first)");
		return -ENOENT;
	}
	int rc = rules_update_publish(ru, ru->staged);
	if (rc < 0) {
		snprintf(error, error_len, "cannot publish: %s (the live ruleset stays)",
			 strerror(-rc));
		return rc;
	}
	ru->staged = NULL;
	rules_update_persist(ru, &ru->staged_version);
	ru->commits++;
	return 0;
}

int rules_update_rollback(struct rules_update *ru, const char *who, char *error, size_t error_len)
{
	if (ru->history_count < 2) {
		snprintf(error, error_len, "no earlier version to roll back to");
		return -ENOENT;
	}
	struct rules_version v = ru->history[ru->history_count - 2];
	struct ruleset *ruleset = NULL;
	struct ruleset_report report;
	int rc = rules_update_build(ru, &v, &ruleset, &report, error, error_len);
	ruleset_report_clear(&report);
	if (rc < 0)
		return rc;
	rc = rules_update_publish(ru, ruleset);
	if (rc < 0) {
		ruleset_free(ruleset);
		snprintf(error, error_len, "cannot publish: %s (the live ruleset stays)",
			 strerror(-rc));
		return rc;
	}
	unsigned back_to = v.number;
	v.number = ru->next_number;
	v.when = time(NULL);
	snprintf(v.origin, sizeof(v.origin), "rollback to version %u by %s", back_to, who);
	rules_update_persist(ru, &v);
	ru->commits++;
	return 0;
}

void rules_update_close(struct rules_update *ru)
{
	ruleset_free(ru->staged);
	ru->staged = NULL;
}
