/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small helpers shared by the application-layer parsers (app_*.c) and no
 * one else.
 */
#ifndef VIGIL_DATAPLANE_APP_UTIL_H
#define VIGIL_DATAPLANE_APP_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Up to size - 1 bytes of text into out, NUL-terminated (a detail's text); true when it was cut. */
static inline bool app_text_copy(char *out, size_t size, const void *text, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;
	if (n)
		memcpy(out, text, n);
	out[n] = '\0';
	return n < len;
}

/*
 * Length-prefixed messages split across calls (a TLS handshake message, a
 * DNS-over-TCP message): take from *data what the message of message_len
 * bytes still needs, copying at most cap bytes of it into buf (a longer
 * message is consumed whole but kept truncated), advance *data and *len,
 * and return true once the message is complete. *seen counts the bytes
 * taken so far.
 */
static inline bool app_message_take(uint8_t *buf, uint32_t cap, uint32_t message_len,
				    uint32_t *seen, const uint8_t **data, uint32_t *len)
{
	uint32_t want = message_len - *seen;
	uint32_t take = *len < want ? *len : want;
	if (*seen < cap) {
		uint32_t room = cap - *seen;
		memcpy(buf + *seen, *data, take < room ? take : room);
	}
	*seen += take;
	*data += take;
	*len -= take;
	return *seen >= message_len;
}

#endif
