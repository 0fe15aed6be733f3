/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rules as the workers run them, and their hand-over (see detect_rules.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "dataplane/detect/detect.h"
#include "dataplane/detect/detect_rules.h"
#include "dataplane/detect/ratelimit.h"
#include "dataplane/publish.h"
#include "rules/match/match.h"
#include "rules/ruleset.h"

static uint32_t detect_rules_last_generation;

static void detect_worker_rules_release(struct detect_worker_rules *w)
{
	for (int d = 0; d < RULESET_DIRECTIONS; d++) {
		for (unsigned i = 0; i < w->opened_count[d]; i++)
			ruleset_stream_close(w->opened[d][i], w->scratch);
		free(w->opened[d]);
		free(w->streams[d]);
	}
	if (w->scratch)
		ruleset_scratch_free(w->scratch);
	memset(w, 0, sizeof(*w));
}

static int detect_worker_rules_open(struct detect_worker_rules *w, const struct ruleset *ruleset,
				    unsigned flows)
{
	if (ruleset_scratch_create(ruleset, &w->scratch) < 0)
		return -ENOMEM;
	for (int d = 0; d < RULESET_DIRECTIONS; d++) {
		w->streams[d] = calloc(flows ? flows : 1, sizeof(*w->streams[d]));
		w->opened[d] = calloc(flows ? flows : 1, sizeof(*w->opened[d]));
		if (!w->streams[d] || !w->opened[d])
			return -ENOMEM;
		for (unsigned i = 0; i < flows; i++) {
			struct hs_stream *stream;
			if (ruleset_stream_open(ruleset, (enum ruleset_direction)d, &stream) < 0)
				return -ENOMEM;
			if (!stream)
				break; /* no pkt_data patterns in this direction */
			w->opened[d][w->opened_count[d]++] = stream;
			w->streams[d][w->streams_free[d]++] = stream;
		}
	}
	return 0;
}

int detect_rules_create(const struct ruleset *ruleset, unsigned workers, unsigned flows,
			struct detect_rules **out)
{
	struct detect_rules *rules =
	    calloc(1, sizeof(*rules) + (size_t)workers * sizeof(rules->worker[0]));
	if (!rules)
		return -ENOMEM;
	rules->ruleset = ruleset;
	rules->workers = workers;
	for (unsigned i = 0; ruleset && i < ruleset_rule_count(ruleset); i++)
		rules->file_needs |= rule_file_needs(ruleset_rule(ruleset, i));
	/* generations only grow (control lcore only); 0 means "none yet" */
	rules->generation = ++detect_rules_last_generation;
	if (rules->generation == 0)
		rules->generation = ++detect_rules_last_generation;
	for (unsigned w = 0; ruleset && w < workers; w++) {
		if (detect_worker_rules_open(&rules->worker[w], ruleset, flows) < 0) {
			detect_rules_free(rules);
			return -ENOMEM;
		}
	}
	*out = rules;
	return 0;
}

int detect_rules_publish(struct dataplane_published *pub, const struct ruleset *ruleset,
			 unsigned workers, unsigned flows, struct detect_rules **old)
{
	struct detect_rules *next;
	if (detect_rules_create(ruleset, workers, ruleset ? flows : 0, &next) < 0)
		return -ENOMEM;
	*old = publish_swap(&pub->domain, (void **)&pub->rules, next);
	return 0;
}

void detect_rules_free(struct detect_rules *rules)
{
	if (!rules)
		return;
	for (unsigned w = 0; w < rules->workers; w++)
		detect_worker_rules_release(&rules->worker[w]);
	free(rules);
}

void detect_rules_sync(struct detect_context *ctx)
{
	if (!ctx->published)
		return;
	const struct detect_rules *rules = publish_load((void *const *)&ctx->published->rules);
	if (likely(!rules || rules->generation == ctx->rules_generation))
		return;
	/* The worker's view of the new rules; flows follow lazily (detect_flow_renew()). */
	const struct detect_worker_rules *w = &rules->worker[ctx->worker_index];
	ctx->ruleset = rules->ruleset;
	ctx->scratch = w->scratch;
	for (int d = 0; d < RULESET_DIRECTIONS; d++) {
		ctx->streams[d] = w->streams[d];
		ctx->streams_free[d] = w->streams_free[d];
	}
	ctx->rules_generation = rules->generation;
	ctx->file_needs = rules->file_needs;
	if (rules->ruleset)
		ratelimit_set_policy(ctx->ratelimit, ruleset_policy(rules->ruleset));
}
