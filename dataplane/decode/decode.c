/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry point of the decoders and the names of their error reasons,
 * generated from foreach_decode_error in decode.h. The protocols themselves
 * live in decode_<proto>.c; what to do with a malformed packet is left to
 * the caller (worker.c counts it and applies the board's policy).
 */
#include <string.h>

#include "dataplane/decode/decode.h"

const char *const decode_error_name[DECODE_ERROR_COUNT] = {[DECODE_OK] = "ok",
#define _(sym, name, text) [DECODE_##sym] = name,
							   foreach_decode_error
#undef _
};

const char *const decode_error_text[DECODE_ERROR_COUNT] = {[DECODE_OK] = "decoded cleanly",
#define _(sym, name, text) [DECODE_##sym] = text,
							   foreach_decode_error
#undef _
};

enum decode_error decode_packet(struct packet *p, const uint8_t *data, uint32_t len)
{
	memset(p, 0, sizeof(*p));
	p->data = data;
	p->len = len;
	if (decode_capture_link == DECODE_LINK_ETHERNET)
		return decode_ethernet(p, 0);
	return decode_link(p, decode_capture_link);
}
