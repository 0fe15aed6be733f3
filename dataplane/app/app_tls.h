/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the TLS parser (app_tls.c: records, handshake messages,
 * certificates) and its fingerprints (app_tls_fingerprint.c: JA3, JA4):
 * the bounds-checked reader, the small text writer and the ClientHello
 * fields both read. Nothing else includes it. Per-packet path: no
 * allocation.
 */
#ifndef VIGIL_DATAPLANE_APP_TLS_H
#define VIGIL_DATAPLANE_APP_TLS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/md5.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

/* mbedTLS 3 dropped the _ret suffix that 2.28 (Debian 12) needs. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define tls_md5(in, len, out)		mbedtls_md5(in, len, out)
#define tls_sha1(in, len, out)		mbedtls_sha1(in, len, out)
#define tls_sha256_starts(ctx)		mbedtls_sha256_starts(ctx, 0)
#define tls_sha256_update(ctx, in, len) mbedtls_sha256_update(ctx, in, len)
#define tls_sha256_finish(ctx, out)	mbedtls_sha256_finish(ctx, out)
#else
#define tls_md5(in, len, out)		mbedtls_md5_ret(in, len, out)
#define tls_sha1(in, len, out)		mbedtls_sha1_ret(in, len, out)
#define tls_sha256_starts(ctx)		mbedtls_sha256_starts_ret(ctx, 0)
#define tls_sha256_update(ctx, in, len) mbedtls_sha256_update_ret(ctx, in, len)
#define tls_sha256_finish(ctx, out)	mbedtls_sha256_finish_ret(ctx, out)
#endif

/*
 * The part of a handshake message kept per direction. A ClientHello is a
 * few hundred bytes (two kilobytes with post-quantum key shares); longer
 * ones are skipped. A certificate chain can be longer: its first 16 KiB
 * still hold the leaf certificate.
 */
#define TLS_MESSAGE_MAX 16384
#define TLS_JA3_MAX	8192 /* a longer JA3 string (thousands of ciphers) is not computed */

enum tls_extension {
	TLS_EXT_SERVER_NAME = 0,
	TLS_EXT_SUPPORTED_GROUPS = 10,
	TLS_EXT_EC_POINT_FORMATS = 11,
	TLS_EXT_SIGNATURE_ALGORITHMS = 13,
	TLS_EXT_ALPN = 16,
	TLS_EXT_SUPPORTED_VERSIONS = 43,
};

/* A bounds-checked reader over one message or field: every get fails once past the end. */
struct tls_reader {
	const uint8_t *p;
	uint32_t len;
	uint32_t off;
};

static inline bool tls_get_u8(struct tls_reader *r, uint32_t *v)
{
	if (r->len - r->off < 1)
		return false;
	*v = r->p[r->off++];
	return true;
}

static inline bool tls_get_u16(struct tls_reader *r, uint32_t *v)
{
	if (r->len - r->off < 2)
		return false;
	*v = (uint32_t)r->p[r->off] << 8 | r->p[r->off + 1];
	r->off += 2;
	return true;
}

static inline bool tls_get_u24(struct tls_reader *r, uint32_t *v)
{
	if (r->len - r->off < 3)
		return false;
	*v = (uint32_t)r->p[r->off] << 16 | (uint32_t)r->p[r->off + 1] << 8 | r->p[r->off + 2];
	r->off += 3;
	return true;
}

/* Take n bytes as a sub-reader. */
static inline bool tls_get_bytes(struct tls_reader *r, uint32_t n, struct tls_reader *sub)
{
	if (r->len - r->off < n)
		return false;
	*sub = (struct tls_reader){.p = r->p + r->off, .len = n};
	r->off += n;
	return true;
}

static inline uint16_t tls_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 8701: GREASE values are 0x?a?a with both bytes equal; fingerprints skip them. */
static inline bool tls_is_grease(uint32_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Small appending writer: output is cut, never overrun; ok turns false when cut. */
struct tls_text {
	char *s;
	uint32_t cap;
	uint32_t len;
	bool ok;
};

static inline void tls_text_add(struct tls_text *t, const char *s, uint32_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->ok = false;
		n = t->cap > t->len + 1 ? t->cap - t->len - 1 : 0;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static inline void tls_text_fmt_u32(struct tls_text *t, uint32_t v)
{
	char num[16];
	int n = snprintf(num, sizeof(num), "%u", v);
	tls_text_add(t, num, (uint32_t)n);
}

/* The fields of a ClientHello that the fingerprints and buffers need (views into the message). */
struct tls_client_hello {
	uint32_t legacy_version;
	uint32_t best_version; /* highest non-GREASE supported_versions entry; 0: none */
	struct tls_reader ciphers;
	struct tls_reader extensions; /* the whole extension block; len 0 when absent */
	struct tls_reader groups;
	struct tls_reader point_formats;
	struct tls_reader sigalgs;
	const uint8_t *sni;
	uint32_t sni_len;
	bool has_sni;
	const uint8_t *alpn; /* first protocol name */
	uint32_t alpn_len;
	bool has_alpn;
};

/* JA3 string into out (cap bytes); false when it does not fit. */
bool tls_ja3_string(const struct tls_client_hello *ch, char *out, uint32_t cap);

/* JA4 (FoxIO's TLS client fingerprint) of ch into out. */
void tls_ja4(const struct tls_client_hello *ch, char out[40]);

/* n bytes as lower-case hex into out (2 * n + 1 bytes). */
void tls_hex(const uint8_t *in, uint32_t n, char *out);

#endif
