/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inspection stage, empty until the rules engine lands: it passes every
 * packet. Kept as a real stage so the worker loop, counters and verdict
 * handling are already the shape they will have.
 */
#include "dataplane/inspect.h"

enum verdict inspect_packet(struct inspect_context *ctx, const struct packet *p)
{
	(void)ctx;
	(void)p;
	return VERDICT_PASS;
}
