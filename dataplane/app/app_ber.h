/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bounded reader of ASN.1 BER/DER (X.690) for the parsers whose
 * messages are ASN.1 (app_krb5.c, app_ldap.c) and no one else: one TLV at
 * a time, single-byte tags (the tag numbers these protocols use are under
 * 31), definite lengths of up to four bytes. A content longer than what is
 * left is read to the end of the bytes held (a message kept only in part),
 * never past them.
 */
#ifndef VIGIL_DATAPLANE_APP_BER_H
#define VIGIL_DATAPLANE_APP_BER_H

#include <stdbool.h>
#include <stdint.h>

#define APP_BER_INTEGER	    0x02
#define APP_BER_OCTETS	    0x04
#define APP_BER_ENUMERATED  0x0a
#define APP_BER_SEQUENCE    0x30
#define APP_BER_SET	    0x31
#define APP_BER_APPLICATION 0x40 /* class application; | 0x20 constructed | tag number */
#define APP_BER_CONTEXT	    0xa0 /* class context, constructed; | tag number */
#define APP_BER_CONSTRUCTED 0x20

/* Bytes of a message: a TLV's content, or what is left of one; absent: at NULL. */
struct app_ber {
	const uint8_t *at;
	uint32_t len;
};

/*
 * The next TLV of *in: its tag byte and content, *in moved past it. False
 * when there is none: nothing left, a multi-byte tag, an indefinite or
 * over-long length.
 */
static inline bool app_ber_next(struct app_ber *in, uint8_t *tag, struct app_ber *content)
{
	if (in->len < 2 || (in->at[0] & 0x1f) == 0x1f)
		return false;
	*tag = in->at[0];
	uint32_t off = 2, n = in->at[1];
	if (n & 0x80) {
		uint32_t bytes = n & 0x7f;
		if (bytes == 0 || bytes > 4 || in->len < 2 + bytes)
			return false;
		n = 0;
		for (uint32_t i = 0; i < bytes; i++)
			n = n << 8 | in->at[2 + i];
		off += bytes;
	}
	if (n > in->len - off)
		n = in->len - off;
	content->at = in->at + off;
	content->len = n;
	in->at += off + n;
	in->len -= off + n;
	return true;
}

/* The content of the first TLV of in if its tag is tag. */
static inline bool app_ber_unwrap(struct app_ber in, uint8_t tag, struct app_ber *out)
{
	uint8_t got;
	return app_ber_next(&in, &got, out) && got == tag;
}

/* In a constructed value's content, the content of context field [n]. */
static inline bool app_ber_field(struct app_ber seq, unsigned n, struct app_ber *out)
{
	uint8_t tag;
	while (app_ber_next(&seq, &tag, out))
		if (tag == (APP_BER_CONTEXT | n))
			return true;
	return false;
}

/* An INTEGER's or ENUMERATED's content as a signed 32-bit value. */
static inline bool app_ber_int(struct app_ber content, int32_t *value)
{
	if (content.len == 0 || content.len > 4)
		return false;
	uint32_t v = content.at[0] & 0x80 ? UINT32_MAX : 0;
	for (uint32_t i = 0; i < content.len; i++)
		v = v << 8 | content.at[i];
	*value = (int32_t)v;
	return true;
}

#endif
