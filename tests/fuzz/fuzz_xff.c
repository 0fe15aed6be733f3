/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/xff.c
/*
 * libFuzzer target for the client-behind-proxies parser
 * (dataplane/app/xff.c). The first input byte picks the header syntax
 * (even: Forwarded, odd: a list such as X-Forwarded-For); the rest is the
 * header value, given without a NUL so a read past it is caught. Checks:
 * the text is always NUL-terminated within XFF_TEXT_MAX, an address comes
 * with family 4 or 6 (IPv4 with the last 12 bytes zero), no address
 * leaves the client zeroed, and the text read again with
 * xff_parse_address() gives exactly what the value gave, address or none
 * (the filter and the rate limits read the text again).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/xff.h"
#include "tests/fuzz/fuzz_check.h"

static void fuzz_xff_check_client(int rc, const struct xff_client *c)
{
	static const uint8_t zero[16];
	if (rc != 0) {
		FUZZ_CHECK(c->family == 0 && memcmp(c->addr, zero, 16) == 0);
		return;
	}
	FUZZ_CHECK(c->family == 4 || c->family == 6);
	if (c->family == 4)
		FUZZ_CHECK(memcmp(c->addr + 4, zero, 12) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool forwarded = !(data[0] & 1);
	uint8_t *value = malloc(size - 1 ? size - 1 : 1);
	if (!value)
		return 0;
	memcpy(value, data + 1, size - 1);
	char text[XFF_TEXT_MAX];
	struct xff_client client, again;
	memset(text, 'x', sizeof(text));
	int rc = xff_parse_value(forwarded ? "Forwarded" : "X-Forwarded-For", value, size - 1, text,
				 &client);
	FUZZ_CHECK(memchr(text, '\0', sizeof(text)) != NULL);
	fuzz_xff_check_client(rc, &client);
	/* the text, read again, gives what the value gave */
	FUZZ_CHECK((xff_parse_address(text, strlen(text), &again) == 0) == (rc == 0));
	FUZZ_CHECK(memcmp(&again, &client, sizeof(client)) == 0);
	rc = xff_parse_address((const char *)value, size - 1, &again);
	fuzz_xff_check_client(rc, &again);
	free(value);
	return 0;
}
