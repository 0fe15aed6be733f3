/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLS client fingerprints from a ClientHello read by app_tls.c. JA3
 * follows Salesforce's definition (decimal values, GREASE removed, MD5 by
 * the caller); JA4 follows FoxIO's JA4 TLS client specification (t,
 * version, d/i, counts, ALPN, then truncated SHA-256 of the sorted ciphers
 * and of the sorted extensions plus signature algorithms). Per-packet path:
 * no allocation.
 */
#include <stdlib.h>

#include "dataplane/app/app_tls.h"

/* Append "a-b-c" of the non-GREASE values of a list of width-byte values. */
static void tls_ja3_list(struct tls_text *t, struct tls_reader list, uint32_t width)
{
	bool first = true;
	uint32_t v;

	while (width == 2 ? tls_get_u16(&list, &v) : tls_get_u8(&list, &v)) {
		if (width == 2 && tls_is_grease(v))
			continue;
		if (!first)
			tls_text_add(t, "-", 1);
		tls_text_fmt_u32(t, v);
		first = false;
	}
}

/* Extension types in order, GREASE removed; the extension block was already validated. */
static void tls_ja3_extensions(struct tls_text *t, struct tls_reader ext)
{
	bool first = true;
	uint32_t type, ext_len;
	struct tls_reader body;

	while (tls_get_u16(&ext, &type) && tls_get_u16(&ext, &ext_len) &&
	       tls_get_bytes(&ext, ext_len, &body)) {
		if (tls_is_grease(type))
			continue;
		if (!first)
			tls_text_add(t, "-", 1);
		tls_text_fmt_u32(t, type);
		first = false;
	}
}

bool tls_ja3_string(const struct tls_client_hello *ch, char *out, uint32_t cap)
{
	struct tls_text t = {.s = out, .cap = cap, .ok = true};

	out[0] = '\0';
	tls_text_fmt_u32(&t, ch->legacy_version);
	tls_text_add(&t, ",", 1);
	tls_ja3_list(&t, ch->ciphers, 2);
	tls_text_add(&t, ",", 1);
	tls_ja3_extensions(&t, ch->extensions);
	tls_text_add(&t, ",", 1);
	tls_ja3_list(&t, ch->groups, 2);
	tls_text_add(&t, ",", 1);
	tls_ja3_list(&t, ch->point_formats, 1);
	return t.ok;
}

void tls_hex(const uint8_t *in, uint32_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (uint32_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int tls_u16_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * Hash "xxxx,yyyy,..." of values (already in the order wanted) into ctx.
 * JA4 hashes the text, so the text is fed piece by piece instead of being built.
 */
static void tls_ja4_hash_list(mbedtls_sha256_context *ctx, const uint16_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		char hex[6];
		snprintf(hex, sizeof(hex), "%s%04x", i ? "," : "", v[i]);
		tls_sha256_update(ctx, (const uint8_t *)hex, strlen(hex));
	}
}

/* The first 12 hex digits of a finished SHA-256, or twelve zeros for an empty list. */
static void tls_ja4_truncated(mbedtls_sha256_context *ctx, bool empty, char out[13])
{
	uint8_t digest[32];

	tls_sha256_finish(ctx, digest);
	if (empty) {
		memcpy(out, "000000000000", 13);
		return;
	}
	tls_hex(digest, 6, out);
}

static bool tls_is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static const char *tls_ja4_version(uint32_t v)
{
	switch (v) {
	case 0x0304:
		return "13";
	case 0x0303:
		return "12";
	case 0x0302:
		return "11";
	case 0x0301:
		return "10";
	case 0x0300:
		return "s3";
	case 0x0002:
		return "s2";
	case 0xfeff:
		return "d1";
	case 0xfefd:
		return "d2";
	case 0xfefc:
		return "d3";
	default:
		return "00";
	}
}

/* FoxIO JA4 (TLS client, transport 't') into out[40]. */
void tls_ja4(const struct tls_client_hello *ch, char out[40])
{
	/* at most TLS_MESSAGE_MAX / 2 values fit in a kept ClientHello */
	uint16_t values[TLS_MESSAGE_MAX / 2];
	uint32_t n_ciphers = 0, n_ext = 0, n_hashed = 0, v, ext_len;
	struct tls_reader r = ch->ciphers, body;
	mbedtls_sha256_context ctx;
	char cipher_hash[13], ext_hash[13], alpn[3] = "00";

	while (tls_get_u16(&r, &v))
		if (!tls_is_grease(v))
			values[n_ciphers++] = (uint16_t)v;
	qsort(values, n_ciphers, sizeof(values[0]), tls_u16_cmp);
	mbedtls_sha256_init(&ctx);
	tls_sha256_starts(&ctx);
	tls_ja4_hash_list(&ctx, values, n_ciphers);
	tls_ja4_truncated(&ctx, n_ciphers == 0, cipher_hash);

	/* SNI and ALPN count as extensions but are left out of the hash */
	r = ch->extensions;
	while (tls_get_u16(&r, &v) && tls_get_u16(&r, &ext_len) &&
	       tls_get_bytes(&r, ext_len, &body)) {
		if (tls_is_grease(v))
			continue;
		n_ext++;
		if (v != TLS_EXT_SERVER_NAME && v != TLS_EXT_ALPN)
			values[n_hashed++] = (uint16_t)v;
	}
	qsort(values, n_hashed, sizeof(values[0]), tls_u16_cmp);
	tls_sha256_starts(&ctx);
	tls_ja4_hash_list(&ctx, values, n_hashed);
	uint32_t n_sigalgs = 0;
	r = ch->sigalgs;
	while (tls_get_u16(&r, &v))
		if (!tls_is_grease(v)) /* as Suricata; browsers put no GREASE here anyway */
			values[n_sigalgs++] = (uint16_t)v; /* original order, not sorted */
	if (n_sigalgs) {
		tls_sha256_update(&ctx, (const uint8_t *)"_", 1);
		tls_ja4_hash_list(&ctx, values, n_sigalgs);
	}
	tls_ja4_truncated(&ctx, n_hashed == 0, ext_hash);
	mbedtls_sha256_free(&ctx);

	if (ch->alpn_len) {
		uint8_t a = ch->alpn[0], z = ch->alpn[ch->alpn_len - 1];
		if (tls_is_alnum(a) && tls_is_alnum(z)) {
			alpn[0] = (char)a;
			alpn[1] = (char)z;
		} else {
			/* first hex digit of the first byte, last hex digit of the last byte */
			static const char digits[] = "0123456789abcdef";
			alpn[0] = digits[a >> 4];
			alpn[1] = digits[z & 15];
		}
	}
	uint32_t version = ch->best_version ? ch->best_version : ch->legacy_version;
	snprintf(out, 40, "t%s%c%02u%02u%s_%s_%s", tls_ja4_version(version),
		 ch->has_sni ? 'd' : 'i', n_ciphers > 99 ? 99 : n_ciphers, n_ext > 99 ? 99 : n_ext,
		 alpn, cipher_hash, ext_hash);
}
