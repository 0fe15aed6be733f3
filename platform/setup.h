/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What one run of vigil builds before its workers start, and frees after
 * they stop: the filter file read before the rules (a rule on "@NAME"
 * needs the set names when it is parsed) and compiled once the EAL runs,
 * the rules, the workers' state (flow tables, IP reassembly, detection,
 * filter contexts, queues, the exception path), and the objects published
 * to them (dataplane/publish.h: rules, mode, filter tables). main.c calls
 * these in order; anything wrong ends the process with one message
 * (log_fatal()).
 */
#ifndef VIGIL_PLATFORM_SETUP_H
#define VIGIL_PLATFORM_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/filter/filter.h"
#include "dataplane/publish.h"
#include "platform/board.h"
#include "platform/options.h"
#include "rules/ruleset.h"

#define SETUP_ERROR_MAX 1024

struct port_set;
struct worker_conf;
struct control;
struct mgmt_address;

/* A board address as the management stack takes it. */
void setup_mgmt_address(const struct board_prefix *from, struct mgmt_address *to);

/* What the control lcore publishes to the workers: rules, mode, filter. */
extern struct dataplane_published setup_published;
/* The filter's IP sets as rule address groups, for every ruleset of the run. */
extern struct filter_rule_sets setup_rule_sets;

/* The spec read by setup_filter_spec_read() (empty when no filter file). */
const struct filter_spec *setup_filter_spec(void);

/* True when a port of board reads the --pcap file (the offline board). */
bool setup_reads_pcap(const struct board *board);

/* Read the filter file (--filter, else the board's), before the rules. */
void setup_filter_spec_read(const struct options *o, const struct board *board);

/* The run's ruleset options but the policy; vars and action_rank are the caller's. */
struct ruleset_options setup_rules_options(const struct options *o, const struct board *board,
					   const char **vars, uint8_t *action_rank);

/* The operator policy file: --policy, else the board's, else NULL. */
const char *setup_policy_path(const struct options *o, const struct board *board);

/* Load and compile the rules with the policy; NULL when neither is given. */
struct ruleset *setup_rules_load(const struct options *o, const struct board *board,
				 bool report_all);

/* Compile the filter spec and publish it; NULL when there is no filter file. */
struct filter_runtime *setup_filter(const struct options *o, const struct board *board);

/* Every worker's state, its queues and its view of what is published. */
struct worker_conf *setup_workers_create(const struct board *board, const struct port_set *ports,
					 const struct ruleset *ruleset,
					 struct filter_runtime *filter);

/* Publish the rules vigil starts with, as every later update is published. */
void setup_rules_publish_first(const struct board *board, const struct ruleset *ruleset);

/*
 * After the workers stopped, end the flows still in their tables (reason
 * shutdown), a batch at a time, calling drain(arg) after each batch so the
 * records they push (flow, pending protocol records) find room on the
 * worker's ring and reach the EVE file before it is closed. The control
 * lcore is then the rings' only producer.
 */
void setup_workers_end_flows(struct worker_conf *workers, unsigned count, void (*drain)(void *arg),
			     void *arg);

/* Free the workers' state after they stopped, then the published rules. */
void setup_workers_free(struct worker_conf *workers, unsigned count);

/* The filter lines of the summary, summed over the workers. */
void setup_filter_summary(const struct worker_conf *workers, unsigned count);

/* The exception path, when an inline port names the appliance's own address. */
void setup_exception_path_start(const struct board *board, const struct port_set *ports,
				struct worker_conf *workers, struct control *control);
void setup_exception_path_free(struct worker_conf *workers, unsigned count,
			       struct control *control);

#endif
