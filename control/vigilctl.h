/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What vigilctl's parts share: the options it was started with, one
 * request on a session of its own (control/vigilctl.c) and the client-side
 * "rules update" (control/vigilctl_update.c), which fetches rule sources
 * and drives the console's transaction. Only vigilctl links these.
 */
#ifndef VIGIL_CONTROL_VIGILCTL_H
#define VIGIL_CONTROL_VIGILCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vigilctl_options {
	const char *host, *port, *name, *cert, *key, *ca;
	bool json;
	unsigned timeout_s;
	char **words;
	int word_count;
};

/* Append word to the request line (quoted when the protocol wants it), cut at cap. */
void vigilctl_append_word(char *line, size_t cap, const char *word);

/*
 * Send line (ending in LF) and its payload (payload_len bytes; NULL: none)
 * on a new session and return the answer line (malloc'ed). Progress lines
 * go to stderr unless quiet. Connection and TLS errors end the process
 * (exit 2).
 */
char *vigilctl_call(const struct vigilctl_options *o, const char *line, const uint8_t *payload,
		    size_t payload_len, bool quiet);

/* vigilctl ... rules update [OPTIONS]: argv[0] is "update". Returns the exit status. */
int vigilctl_rules_update(const struct vigilctl_options *o, int argc, char **argv);

#endif
