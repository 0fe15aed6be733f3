/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: control/resolver_message.c
/*
 * libFuzzer target for the sinks' DNS messages (control/resolver_message.c):
 * answers come from the network, so every length in them is an attack.
 * The first input byte picks the question (A or AAAA of hooks.lab.test),
 * the next two are the query id, the rest is the answer, in a buffer of
 * exactly its size so a read past it is caught. Checks: the result is one
 * of the documented ones, an address has the family asked for, and the
 * same bytes read as the board's server list give at most three servers
 * with a port.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/resolver.h"
#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	uint16_t qtype = data[0] & 1 ? RESOLVER_TYPE_AAAA : RESOLVER_TYPE_A;
	uint16_t id = (uint16_t)(data[1] << 8 | data[2]);
	size_t len = size - 3;
	uint8_t *msg = malloc(len ? len : 1);
	if (!msg)
		return 0;
	memcpy(msg, data + 3, len);
	struct resolver_address out;
	uint32_t ttl;
	int rc = resolver_answer_parse(msg, len, id, "hooks.lab.test", qtype, &out, &ttl);
	FUZZ_CHECK(rc == 0 || rc == -ENOENT || rc == -EPROTO || rc == -EMSGSIZE || rc == -EIO);
	if (rc == 0)
		FUZZ_CHECK(out.ipv6 == (qtype == RESOLVER_TYPE_AAAA) && len >= 12 + 16 + 4);
	free(msg);

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct resolver_servers servers;
	char why[128];
	if (resolver_servers_parse(text, &servers, why, sizeof(why)) == 0) {
		FUZZ_CHECK(servers.count <= RESOLVER_SERVERS_MAX);
		for (unsigned i = 0; i < servers.count; i++)
			FUZZ_CHECK(servers.server[i].port != 0);
	}
	free(text);
	return 0;
}
