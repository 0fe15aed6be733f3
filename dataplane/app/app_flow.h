/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application-layer stage of one flow: detect its protocol from the
 * first bytes of a direction, create the parser's state, and hand it the
 * flow's data (stream pieces or datagrams); the parser's units go to the
 * emit function the pipeline gives, valid only during that call. The stage
 * owns the flow's app_* fields and nothing else; it never calls detection.
 * Per-packet path, on the worker that owns the flow.
 */
#ifndef VIGIL_DATAPLANE_APP_FLOW_H
#define VIGIL_DATAPLANE_APP_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/app/app.h"

struct flow;

/* Protocol value for rule headers and app-layer-protocol: enum rule_proto, -1 unknown, -2 failed. */
int app_flow_proto(const struct flow *f);

/* The protocol the flow started with (app-layer-protocol's "original"): before an upgrade, else app_flow_proto(). */
int app_flow_proto_original(const struct flow *f);

/*
 * After app_flow_data() of direction dir: the protocol the flow's parser
 * hands the connection to (HTTP/1's h2c upgrade), with *used the bytes of
 * that call's data it consumed; -1: none. Then the caller ends what it
 * keeps of the old parser's details (they go with its state) and calls
 * app_flow_upgrade() with the rest of the data.
 */
int app_flow_upgrade_pending(const struct flow *f, enum app_direction dir, uint32_t *used);

/*
 * Switch f to proto: the old parser's state goes, proto's is created and
 * given rest (the direction's bytes after the old protocol's last). The
 * flow's original protocol is kept for app-layer-protocol's "original".
 */
void app_flow_upgrade(struct flow *f, const struct app_config *config, int proto,
		      enum app_direction dir, const uint8_t *rest, uint32_t rest_len,
		      app_emit_fn emit, void *arg);

/*
 * New data of one direction. data[0..len) is new; for TCP, seen bytes
 * (seen_len of them, the stream's start when seen_from_start) precede it
 * in the same buffer, so a first segment too short to tell ("GET") is
 * decided with the next one and still reaches the parser. A direction that
 * no parser recognises twice, once the other direction has had its chance
 * too, ends detection (app-layer-protocol:failed). Returns true when the
 * protocol was found in this call.
 */
bool app_flow_data(struct flow *f, const struct app_config *config, enum app_direction dir,
		   bool tcp, const uint8_t *data, uint32_t len, uint32_t seen_len,
		   bool seen_from_start, app_emit_fn emit, void *arg);

/*
 * The protocol direction dir's first data spoke when it is not the flow's
 * (applayer_mismatch_protocol_both_directions: EVE's app_proto_ts or
 * app_proto_tc): enum rule_proto, or -1. Any lcore that may read f.
 */
int app_flow_proto_dir(const struct flow *f, enum app_direction dir);

/* The direction's stream ended (FIN, all delivered): an empty parse, so a body read to the close is emitted. */
void app_flow_end(struct flow *f, enum app_direction dir, app_emit_fn emit, void *arg);

/* The flow goes: the parser's state is destroyed. */
void app_flow_gone(struct flow *f);

#endif
