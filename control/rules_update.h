/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule updates as transactions, on the control lcore. A version is a list
 * of rule files (and a policy); on a first start the live version is what
 * vigil started with (--rules); once a version was committed, a restart
 * runs the last committed one again (platform/main.c). An update
 * is staged, then committed:
 *
 *   stage    a rules file (NAME and its text, from the console) replaces the
 *            file of that name in the live version, or joins it; the whole
 *            candidate is parsed and compiled while the workers go on with
 *            the live ruleset. Any refused rule of the uploaded file refuses
 *            the update with every error (file, line, sid, reason), unless
 *            the operator allows refused rules; nothing live changes.
 *   commit   the staged ruleset is published (dataplane/publish.h, with
 *            each worker's scratch and stream pool for it:
 *            dataplane/detect/detect_rules.h); once every worker has passed
 *            a quiescent point, alerts of the old ruleset are drained and
 *            the old one is freed. The version is persisted (its files under
 *            store_dir/vN/, written when staged, and a line in
 *            store_dir/versions.log, which is what commits it on disk; every
 *            write is atomic and durable: control/rules_store.h).
 *   rollback the version before the live one is built again from its
 *            files and published the same way.
 *
 * The last RULES_UPDATE_HISTORY versions are kept (files and log);
 * older version folders are removed.
 */
#ifndef VIGIL_CONTROL_RULES_UPDATE_H
#define VIGIL_CONTROL_RULES_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "control/console_proto.h"
#include "rules/ruleset.h"

#define RULES_UPDATE_HISTORY   8
#define RULES_UPDATE_MAX_FILES 128
#define RULES_UPDATE_PATH_MAX  512

struct worker_conf;
struct control;

struct rules_version {
	unsigned number;
	char files[RULES_UPDATE_MAX_FILES][RULES_UPDATE_PATH_MAX];
	unsigned file_count;
	char policy[RULES_UPDATE_PATH_MAX]; /* the operator policy file; "" = none */
	char origin[160]; /* "start-up", "rules load NAME by SUBJECT", "rollback to N by ..." */
	time_t when;
	unsigned loaded, read; /* rules loaded of enabled rules read */
};

struct rules_update {
	struct ruleset_options
	    base;		 /* everything but the files and the policy (vars, cache, ...) */
	const char *policy_path; /* the start-up policy file (version 1's); NULL: none */
	char store_dir[256];
	unsigned flows;		 /* flow slots per worker: stream pool size */
	struct control *control; /* workers, alert rings, EVE */

	const struct ruleset *live;
	struct rules_version history[RULES_UPDATE_HISTORY]; /* oldest first; last is live */
	unsigned history_count;
	unsigned next_number;

	struct ruleset *staged; /* compiled, waiting for commit; NULL: none */
	struct rules_version staged_version;

	uint64_t commits, refusals;
	uint64_t log_failures; /* commits versions.log could not record (live, not persisted) */
	double last_publish_seconds; /* from commit to every worker on the new ruleset */
};

/*
 * Start with the ruleset vigil booted with (files as given, may be none),
 * as a new version numbered after the last committed one; or, restored
 * not NULL, as that committed version itself (rules_update_last_committed).
 * A version names its policy file too (version 1: policy_path); a build
 * reads it again, so an edited file takes effect with the next commit.
 * store_dir is created if missing; its versions.log continues the numbering.
 * Version folders not in versions.log (staged, or a commit cut short by a
 * crash) are reported and removed first (rules_store_sweep).
 * Returns 0 or -errno (store_dir cannot be made).
 */
int rules_update_init(struct rules_update *ru, const struct ruleset_options *base,
		      const char *policy_path, const struct ruleset *live, const char *store_dir,
		      unsigned flows, struct control *control,
		      const struct rules_version *restored);

/*
 * The last committed version in store_dir/versions.log (the live one when
 * vigil stopped: a rollback is committed as a version of its own), for a
 * restart to run it again; pass it to rules_update_init as restored, with
 * live built from its files and policy. Returns 0, -ENOENT when no version
 * was committed, or -errno when one of its files cannot be read (then
 * vigil starts from --rules, as on a first start).
 */
int rules_update_last_committed(const char *store_dir, struct rules_version *v);

/*
 * Stage name (a file name, no folder) with text (len bytes) replacing or
 * joining the live version's files. Returns 0 with the staged ruleset
 * ready for commit, or a negative error: the reasons are in answer
 * ("errors" list of {file, line, sid, reason}) and in error (one line).
 * who names the operator for the version's origin.
 */
int rules_update_stage(struct rules_update *ru, const char *name, const uint8_t *text, size_t len,
		       bool allow_refused, const char *who, struct json_out *answer, char *error,
		       size_t error_len);

/*
 * Stage a new operator policy (text, len bytes; rules/policy/policy.h format)
 * with the live version's rule files: a policy that does not parse is
 * refused with its error (file:line:col) and nothing changes. The text is
 * kept as store_dir/vN/site.policy. Same returns as rules_update_stage.
 */
int rules_update_stage_policy(struct rules_update *ru, const uint8_t *text, size_t len,
			      const char *who, struct json_out *answer, char *error,
			      size_t error_len);

/* Compile the staged files again and report, without staging (rules check). Same returns. */
int rules_update_check(struct rules_update *ru, const char *name, const uint8_t *text, size_t len,
		       struct json_out *answer, char *error, size_t error_len);

/* Publish the staged ruleset. Returns 0, or -ENOENT when nothing is staged (error set). */
int rules_update_commit(struct rules_update *ru, char *error, size_t error_len);

/* Build and publish the version before the live one. Returns 0 or a negative error. */
int rules_update_rollback(struct rules_update *ru, const char *who, char *error, size_t error_len);

/* The live version (the last of history), or NULL before init. */
const struct rules_version *rules_update_live(const struct rules_update *ru);

/* Drop the staged ruleset, if any, and free what is left (the live ruleset is the caller's). */
void rules_update_close(struct rules_update *ru);

#endif
