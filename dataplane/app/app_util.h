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

/*
 * A message's length prefix split across calls (DNS over TCP's 2 bytes, an
 * RPC record mark's or Kerberos over TCP's 4): take from *data what prefix
 * (size bytes, *have kept so far) still needs, advance *data and *len, and
 * return true once it is whole. The caller decodes it and sets *have to 0
 * when its message is done.
 */
static inline bool app_prefix_gather(uint8_t *prefix, uint8_t size, uint8_t *have,
				     const uint8_t **data, uint32_t *len)
{
	while (*have < size && *len) {
		prefix[(*have)++] = **data;
		(*data)++;
		(*len)--;
	}
	return *have == size;
}

/*
 * A text protocol's lines split across calls (FTP, SMTP): gather bytes from
 * *data into line (cap bytes; *used kept so far, the rest of a longer line
 * is consumed and dropped) up to the LF, advancing *data and *len. True
 * once the LF came: *line_len is then the line without its CR LF, and
 * *used is 0 again for the next one.
 */
static inline bool app_line_gather(uint8_t *line, uint32_t cap, uint16_t *used,
				   const uint8_t **data, uint32_t *len, uint32_t *line_len)
{
	const uint8_t *nl = memchr(*data, '\n', *len);
	uint32_t take = nl ? (uint32_t)(nl - *data) : *len;
	uint32_t room = cap - *used, keep = take < room ? take : room;
	memcpy(line + *used, *data, keep);
	*used = (uint16_t)(*used + keep);
	*data += take;
	*len -= take;
	if (!nl)
		return false;
	(*data)++; /* the LF */
	(*len)--;
	uint32_t n = *used;
	if (n && line[n - 1] == '\r')
		n--;
	*line_len = n;
	*used = 0;
	return true;
}

#endif
