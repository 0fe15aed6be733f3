/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telnet (RFC 854) over TCP: found from the option negotiation both ends
 * open with, an IAC (255) followed by SB, WILL, WONT, DO or DONT
 * (250..254), whichever side speaks first (a server usually asks first,
 * a client may offer first, as in Suricata's suite). The flow is then
 * telnet for rule headers (alert telnet ...) and its EVE flow record;
 * its bytes stay pkt_data, as a terminal session's are. Nothing is
 * parsed out of it: Suricata's telnet keywords are frames (frame:data,
 * frame:ctl), which vigil does not have, and Suricata writes no telnet
 * record.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "dataplane/app/app_parsers.h"

#define TELNET_IAC 255
#define TELNET_SB  250 /* the lowest negotiation command: SB, WILL, WONT, DO, DONT */

static enum app_detect_result telnet_detect(const uint8_t *data, uint32_t len,
					    enum app_direction direction)
{
	(void)direction;
	if (len == 0)
		return APP_DETECT_NEED_MORE;
	if (data[0] != TELNET_IAC)
		return APP_DETECT_NO;
	if (len == 1)
		return APP_DETECT_NEED_MORE;
	return data[1] >= TELNET_SB && data[1] < TELNET_IAC ? APP_DETECT_YES : APP_DETECT_NO;
}

/* No per-flow state: a non-NULL token, as create's contract asks. */
static void *telnet_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, 1);
}

static void telnet_destroy(void *state)
{
	free(state);
}

static void telnet_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
			 app_emit_fn emit, void *arg)
{
	(void)state, (void)dir, (void)data, (void)len, (void)emit, (void)arg;
}

const struct app_parser app_parser_telnet = {
    .name = "telnet",
    .proto = RULE_PROTO_TELNET,
    .tcp = true,
    .detect = telnet_detect,
    .create = telnet_create,
    .destroy = telnet_destroy,
    .parse = telnet_parse,
};
