/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inspection stage: given a decoded packet, decide a verdict. Empty for
 * now (every packet passes); the rules engine (signature matching) and the
 * filter stage plug in here. Each worker owns one struct inspect_context, so
 * the stage keeps per-lcore scratch state without locks.
 */
#ifndef VIGIL_DATAPLANE_INSPECT_H
#define VIGIL_DATAPLANE_INSPECT_H

#include "dataplane/packet.h"
#include "dataplane/verdict.h"

struct inspect_context {
	unsigned worker_index;
};

/* Inspect one decoded packet. Per-packet path: no locks, no allocation. */
enum verdict inspect_packet(struct inspect_context *ctx, const struct packet *p);

#endif
