/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An alert as a worker hands it to the control lcore: a fixed-size record
 * put on the worker's own single-producer ring (never waited on: a full
 * ring is counted as alerts_lost). Everything the EVE line needs is copied
 * except the rule itself, which the record points to (NULL for a filter
 * drop event, which carries the reason and ACL rule number instead); the ruleset it
 * belongs to outlives every alert taken from it (the control lcore drains
 * the rings before a ruleset is freed).
 */
#ifndef VIGIL_DATAPLANE_ALERT_H
#define VIGIL_DATAPLANE_ALERT_H

#include <stdint.h>

#include "dataplane/app.h"
#include "rules/rule.h"

struct alert {
	const struct rule *rule;
	uint64_t timestamp_us; /* packet time, microseconds since the epoch */
	uint64_t flow_id;      /* 0: no flow */
	uint8_t src_addr[16];
	uint8_t dst_addr[16];
	uint16_t src_port;
	uint16_t dst_port;
	uint8_t ip_version;
	uint8_t l4_proto;
	uint8_t blocked;   /* the packet was dropped or rejected */
	uint8_t to_server; /* 1 to_server, 0 to_client or unknown */
	uint16_t worker;
	uint16_t app_proto; /* enum rule_proto, or 0xffff when none */
	uint8_t has_details;
	/* A drop event of the filter stage (dataplane/filter.h): rule is NULL. */
	uint8_t filter_drop;
	uint8_t filter_reason; /* enum filter_reason */
	uint16_t acl_rule;     /* the ACL rule number that denied; 0: none */
	struct app_details details; /* of the application-layer unit that alerted */
};

#endif
