/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLS parser: reads the clear-text part of a TLS handshake from the TCP
 * byte stream of each direction. Records are followed header by header;
 * the bodies of handshake records feed a handshake-message reassembler, so
 * a message split over several records (or a record split over several
 * segments, or several messages in one record) comes out whole. Three
 * messages become units for inspection:
 *   ClientHello  tls.sni, tls.version, ja3.string, ja3.hash, ja4.hash
 *   ServerHello  tls.version (negotiated), ja3s.hash
 *   Certificate  tls.cert_subject, tls.cert_issuer, tls.cert_serial,
 *                tls.cert_fingerprint, tls.certs (first certificate); one
 *                more unit with tls.certs for every further certificate
 * A direction stops being parsed at its first ChangeCipherSpec or
 * application-data record: what follows is encrypted (TLS 1.3 encrypts
 * everything after the ServerHello). Malformed input stops the direction,
 * it is never guessed at. The state keeps the EVE details (SNI, version,
 * JA3, JA4) for the life of the flow, so a later unit's alert still shows
 * them. Decryption, session tickets, SSLv2 hellos and QUIC are left out.
 *
 * JA3 follows Salesforce's definition (decimal values, GREASE removed,
 * MD5); JA4 follows FoxIO's JA4 TLS client specification (t, version,
 * d/i, counts, ALPN, then truncated SHA-256 of the sorted ciphers and of
 * the sorted extensions plus signature algorithms). Certificates are read
 * with a small DER walker of our own rather than mbedTLS's X.509 parser:
 * it needs no allocation and does not refuse a certificate whose key type
 * mbedTLS does not know.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md5.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"

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

#define TLS_RECORD_HEADER_LEN  5
#define TLS_RECORD_MAX	       (16384 + 2048) /* RFC 8446 5.2: the largest ciphertext */
#define TLS_MESSAGE_HEADER_LEN 4
/*
 * The part of a handshake message kept per direction. A ClientHello is a
 * few hundred bytes (two kilobytes with post-quantum key shares); longer
 * ones are skipped. A certificate chain can be longer: its first 16 KiB
 * still hold the leaf certificate.
 */
#define TLS_MESSAGE_MAX 16384
#define TLS_JA3_MAX	8192 /* a longer JA3 string (thousands of ciphers) is not computed */
#define TLS_NAME_MAX	1024 /* a certificate subject or issuer, as text */

enum tls_content_type {
	TLS_CHANGE_CIPHER_SPEC = 20,
	TLS_ALERT = 21,
	TLS_HANDSHAKE = 22,
	TLS_APPLICATION_DATA = 23,
	TLS_HEARTBEAT = 24,
};

enum tls_handshake_type {
	TLS_CLIENT_HELLO = 1,
	TLS_SERVER_HELLO = 2,
	TLS_CERTIFICATE = 11,
};

enum tls_extension {
	TLS_EXT_SERVER_NAME = 0,
	TLS_EXT_SUPPORTED_GROUPS = 10,
	TLS_EXT_EC_POINT_FORMATS = 11,
	TLS_EXT_SIGNATURE_ALGORITHMS = 13,
	TLS_EXT_ALPN = 16,
	TLS_EXT_SUPPORTED_VERSIONS = 43,
};

struct tls_direction {
	bool done; /* encrypted from here on, or malformed: ignore the rest */
	uint8_t record_header[TLS_RECORD_HEADER_LEN];
	uint8_t record_header_len;
	uint8_t record_type;
	uint32_t record_left; /* body bytes of the current record still to come */
	uint8_t message_header[TLS_MESSAGE_HEADER_LEN];
	uint8_t message_header_len;
	uint32_t message_len;
	uint32_t message_seen;
	uint8_t message[TLS_MESSAGE_MAX];
};

/* EVE's tls object, in struct app_details.proto of every TLS unit (text NUL-terminated). */
struct tls_details {
	char sni[APP_TEXT_MAX];
	char version[16]; /* "TLS 1.2" */
	char ja3[33];	  /* hex MD5 */
	char ja4[40];
};
APP_DETAILS_FITS(struct tls_details);

struct tls_state {
	struct app_details details;
	struct tls_direction dir[2];
};

static struct tls_details *tls_details_of(struct app_details *d)
{
	return (struct tls_details *)(void *)d->proto;
}

/* A bounds-checked reader over one message or field: every get fails once past the end. */
struct tls_reader {
	const uint8_t *p;
	uint32_t len;
	uint32_t off;
};

static bool tls_get_u8(struct tls_reader *r, uint32_t *v)
{
	if (r->len - r->off < 1)
		return false;
	*v = r->p[r->off++];
	return true;
}

static bool tls_get_u16(struct tls_reader *r, uint32_t *v)
{
	if (r->len - r->off < 2)
		return false;
	*v = (uint32_t)r->p[r->off] << 8 | r->p[r->off + 1];
	r->off += 2;
	return true;
}

static bool tls_get_u24(struct tls_reader *r, uint32_t *v)
{
	if (r->len - r->off < 3)
		return false;
	*v = (uint32_t)r->p[r->off] << 16 | (uint32_t)r->p[r->off + 1] << 8 | r->p[r->off + 2];
	r->off += 3;
	return true;
}

/* Take n bytes as a sub-reader. */
static bool tls_get_bytes(struct tls_reader *r, uint32_t n, struct tls_reader *sub)
{
	if (r->len - r->off < n)
		return false;
	*sub = (struct tls_reader){.p = r->p + r->off, .len = n};
	r->off += n;
	return true;
}

static uint16_t tls_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 8701: GREASE values are 0x?a?a with both bytes equal; fingerprints skip them. */
static bool tls_is_grease(uint32_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* Suricata's names, so EVE output reads the same. */
static const char *tls_version_name(uint32_t v)
{
	switch (v) {
	case 0x0002:
		return "SSLv2";
	case 0x0300:
		return "SSLv3";
	case 0x0301:
		return "TLSv1";
	case 0x0302:
		return "TLS 1.1";
	case 0x0303:
		return "TLS 1.2";
	case 0x0304:
		return "TLS 1.3";
	default:
		return "UNDETERMINED";
	}
}

/* Small appending writer: output is cut, never overrun; ok turns false when cut. */
struct tls_text {
	char *s;
	uint32_t cap;
	uint32_t len;
	bool ok;
};

static void tls_text_add(struct tls_text *t, const char *s, uint32_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->ok = false;
		n = t->cap > t->len + 1 ? t->cap - t->len - 1 : 0;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void tls_text_fmt_u32(struct tls_text *t, uint32_t v)
{
	char num[16];
	int n = snprintf(num, sizeof(num), "%u", v);
	tls_text_add(t, num, (uint32_t)n);
}

/* ---- record and handshake-message reassembly ---- */

/* Record header check shared by detection and parsing: handshake-era types, SSL 3.0 to TLS 1.3. */
static bool tls_record_header_ok(const uint8_t *h)
{
	if (h[0] < TLS_CHANGE_CIPHER_SPEC || h[0] > TLS_HEARTBEAT)
		return false;
	if (h[1] != 3 || h[2] > 4)
		return false;
	return tls_be16(h + 3) <= TLS_RECORD_MAX;
}

static void tls_message_done(struct tls_state *s, enum app_direction dir, uint8_t type,
			     const uint8_t *msg, uint32_t len, bool truncated, app_emit_fn emit,
			     void *arg);

/* Feed handshake-record body bytes of one direction to the message reassembler. */
static void tls_handshake_bytes(struct tls_state *s, enum app_direction dir, const uint8_t *data,
				uint32_t len, app_emit_fn emit, void *arg)
{
	struct tls_direction *d = &s->dir[dir];

	while (len && !d->done) {
		if (d->message_header_len < TLS_MESSAGE_HEADER_LEN) {
			d->message_header[d->message_header_len++] = *data++;
			len--;
			if (d->message_header_len < TLS_MESSAGE_HEADER_LEN)
				continue;
			d->message_len = (uint32_t)d->message_header[1] << 16 |
					 (uint32_t)d->message_header[2] << 8 | d->message_header[3];
			d->message_seen = 0;
		}
		if (!app_message_take(d->message, TLS_MESSAGE_MAX, d->message_len, &d->message_seen,
				      &data, &len))
			continue;
		d->message_header_len = 0;
		bool truncated = d->message_len > TLS_MESSAGE_MAX;
		tls_message_done(s, dir, d->message_header[0], d->message,
				 truncated ? TLS_MESSAGE_MAX : d->message_len, truncated, emit,
				 arg);
	}
}

static void tls_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	struct tls_state *s = state;
	struct tls_direction *d = &s->dir[dir & 1];

	dir &= 1;
	while (len && !d->done) {
		if (d->record_left == 0) {
			d->record_header[d->record_header_len++] = *data++;
			len--;
			if (d->record_header_len < TLS_RECORD_HEADER_LEN)
				continue;
			d->record_header_len = 0;
			if (!tls_record_header_ok(d->record_header) ||
			    d->record_header[0] == TLS_CHANGE_CIPHER_SPEC ||
			    d->record_header[0] == TLS_APPLICATION_DATA) {
				d->done = true;
				return;
			}
			d->record_type = d->record_header[0];
			d->record_left = tls_be16(d->record_header + 3);
			continue;
		}
		uint32_t take = len < d->record_left ? len : d->record_left;
		if (d->record_type == TLS_HANDSHAKE)
			tls_handshake_bytes(s, dir, data, take, emit, arg);
		d->record_left -= take;
		data += take;
		len -= take;
	}
}

/* ---- ClientHello: SNI, versions, JA3, JA4 ---- */

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

static bool tls_client_extension(struct tls_client_hello *ch, uint32_t type, struct tls_reader *e)
{
	struct tls_reader list;
	uint32_t n, v;

	switch (type) {
	case TLS_EXT_SERVER_NAME:
		if (!tls_get_u16(e, &n) || !tls_get_bytes(e, n, &list))
			return false;
		while (list.off < list.len) {
			uint32_t name_type, name_len;
			struct tls_reader name;
			if (!tls_get_u8(&list, &name_type) || !tls_get_u16(&list, &name_len) ||
			    !tls_get_bytes(&list, name_len, &name))
				return false;
			if (name_type == 0 && !ch->sni) {
				ch->sni = name.p;
				ch->sni_len = name.len;
			}
		}
		ch->has_sni = true;
		return true;
	case TLS_EXT_SUPPORTED_GROUPS:
		return tls_get_u16(e, &n) && n % 2 == 0 && tls_get_bytes(e, n, &ch->groups);
	case TLS_EXT_EC_POINT_FORMATS:
		return tls_get_u8(e, &n) && tls_get_bytes(e, n, &ch->point_formats);
	case TLS_EXT_SIGNATURE_ALGORITHMS:
		return tls_get_u16(e, &n) && n % 2 == 0 && tls_get_bytes(e, n, &ch->sigalgs);
	case TLS_EXT_ALPN:
		if (!tls_get_u16(e, &n) || !tls_get_bytes(e, n, &list))
			return false;
		ch->has_alpn = true;
		if (list.len && tls_get_u8(&list, &n) && list.len - list.off >= n) {
			ch->alpn = list.p + list.off;
			ch->alpn_len = n;
		}
		return true;
	case TLS_EXT_SUPPORTED_VERSIONS:
		if (!tls_get_u8(e, &n) || n % 2 || !tls_get_bytes(e, n, &list))
			return false;
		while (tls_get_u16(&list, &v))
			if (!tls_is_grease(v) && v > ch->best_version)
				ch->best_version = v;
		return true;
	default:
		return true;
	}
}

static bool tls_client_hello_read(const uint8_t *msg, uint32_t len, struct tls_client_hello *ch)
{
	struct tls_reader r = {.p = msg, .len = len}, skip;
	uint32_t n;

	memset(ch, 0, sizeof(*ch));
	if (!tls_get_u16(&r, &ch->legacy_version) || !tls_get_bytes(&r, 32, &skip))
		return false;
	if (!tls_get_u8(&r, &n) || n > 32 || !tls_get_bytes(&r, n, &skip))
		return false;
	if (!tls_get_u16(&r, &n) || n % 2 || !tls_get_bytes(&r, n, &ch->ciphers))
		return false;
	if (!tls_get_u8(&r, &n) || !tls_get_bytes(&r, n, &skip))
		return false;
	if (r.off == r.len)
		return true; /* no extensions (SSL 3.0 style) */
	if (!tls_get_u16(&r, &n) || !tls_get_bytes(&r, n, &ch->extensions))
		return false;

	struct tls_reader ext = ch->extensions;
	while (ext.off < ext.len) {
		uint32_t type, ext_len;
		struct tls_reader body;
		if (!tls_get_u16(&ext, &type) || !tls_get_u16(&ext, &ext_len) ||
		    !tls_get_bytes(&ext, ext_len, &body))
			return false;
		if (!tls_client_extension(ch, type, &body))
			return false;
	}
	return true;
}

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

/* JA3 string into out (cap bytes); false when it does not fit. */
static bool tls_ja3_string(const struct tls_client_hello *ch, char *out, uint32_t cap)
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

static void tls_hex(const uint8_t *in, uint32_t n, char *out)
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
static void tls_ja4(const struct tls_client_hello *ch, char out[40])
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

static void tls_copy_text(char *dst, size_t cap, const uint8_t *src, uint32_t len)
{
	size_t n = len < cap - 1 ? len : cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void tls_client_hello(struct tls_state *s, const uint8_t *msg, uint32_t len,
			     app_emit_fn emit, void *arg)
{
	struct tls_client_hello ch;
	struct app_unit unit = {.details = &s->details};
	char ja3[TLS_JA3_MAX], ja3_hash[33];
	uint8_t digest[16];

	if (!tls_client_hello_read(msg, len, &ch))
		return;
	struct tls_details *det = tls_details_of(&s->details);
	uint32_t version = ch.best_version ? ch.best_version : ch.legacy_version;
	snprintf(det->version, sizeof(det->version), "%s", tls_version_name(version));
	unit.buffer[RULE_BUFFER_TLS_VERSION] = (const uint8_t *)det->version;
	unit.buffer_len[RULE_BUFFER_TLS_VERSION] = (uint32_t)strlen(det->version);
	if (ch.sni) {
		tls_copy_text(det->sni, sizeof(det->sni), ch.sni, ch.sni_len);
		unit.buffer[RULE_BUFFER_TLS_SNI] = ch.sni;
		unit.buffer_len[RULE_BUFFER_TLS_SNI] = ch.sni_len;
	}
	if (tls_ja3_string(&ch, ja3, sizeof(ja3))) {
		tls_md5((const uint8_t *)ja3, strlen(ja3), digest);
		tls_hex(digest, 16, ja3_hash);
		memcpy(det->ja3, ja3_hash, sizeof(det->ja3));
		unit.buffer[RULE_BUFFER_JA3_STRING] = (const uint8_t *)ja3;
		unit.buffer_len[RULE_BUFFER_JA3_STRING] = (uint32_t)strlen(ja3);
		unit.buffer[RULE_BUFFER_JA3_HASH] = (const uint8_t *)det->ja3;
		unit.buffer_len[RULE_BUFFER_JA3_HASH] = 32;
	}
	tls_ja4(&ch, det->ja4);
	unit.buffer[RULE_BUFFER_JA4_HASH] = (const uint8_t *)det->ja4;
	unit.buffer_len[RULE_BUFFER_JA4_HASH] = (uint32_t)strlen(det->ja4);
	emit(arg, &unit);
}

/* ---- ServerHello: negotiated version, JA3S ---- */

static void tls_server_hello(struct tls_state *s, const uint8_t *msg, uint32_t len,
			     app_emit_fn emit, void *arg)
{
	struct tls_reader r = {.p = msg, .len = len}, skip, ext = {0}, body;
	uint32_t legacy, cipher, n, type, ext_len, selected = 0;
	char ja3s[TLS_JA3_MAX], ja3s_hash[33];
	uint8_t digest[16];

	if (!tls_get_u16(&r, &legacy) || !tls_get_bytes(&r, 32, &skip) || !tls_get_u8(&r, &n) ||
	    n > 32 || !tls_get_bytes(&r, n, &skip) || !tls_get_u16(&r, &cipher) ||
	    !tls_get_u8(&r, &n))
		return;
	if (r.off < r.len && (!tls_get_u16(&r, &n) || !tls_get_bytes(&r, n, &ext)))
		return;

	struct tls_text t = {.s = ja3s, .cap = sizeof(ja3s), .ok = true};
	ja3s[0] = '\0';
	tls_text_fmt_u32(&t, legacy);
	tls_text_add(&t, ",", 1);
	tls_text_fmt_u32(&t, cipher);
	tls_text_add(&t, ",", 1);
	bool first = true;
	while (ext.off < ext.len) {
		if (!tls_get_u16(&ext, &type) || !tls_get_u16(&ext, &ext_len) ||
		    !tls_get_bytes(&ext, ext_len, &body))
			return;
		if (type == TLS_EXT_SUPPORTED_VERSIONS && body.len == 2)
			selected = tls_be16(body.p);
		if (tls_is_grease(type))
			continue;
		if (!first)
			tls_text_add(&t, "-", 1);
		tls_text_fmt_u32(&t, type);
		first = false;
	}

	struct tls_details *det = tls_details_of(&s->details);
	struct app_unit unit = {.details = &s->details};
	snprintf(det->version, sizeof(det->version), "%s",
		 tls_version_name(selected ? selected : legacy));
	unit.buffer[RULE_BUFFER_TLS_VERSION] = (const uint8_t *)det->version;
	unit.buffer_len[RULE_BUFFER_TLS_VERSION] = (uint32_t)strlen(det->version);
	if (t.ok) {
		tls_md5((const uint8_t *)ja3s, strlen(ja3s), digest);
		tls_hex(digest, 16, ja3s_hash);
		unit.buffer[RULE_BUFFER_JA3S_HASH] = (const uint8_t *)ja3s_hash;
		unit.buffer_len[RULE_BUFFER_JA3S_HASH] = 32;
	}
	emit(arg, &unit);
}

/* ---- Certificate: a minimal DER walker ---- */

/* Read one DER element (tag, definite length up to 4 bytes) from r. */
static bool der_get(struct tls_reader *r, uint32_t *tag, struct tls_reader *value)
{
	uint32_t len, n;

	if (!tls_get_u8(r, tag) || !tls_get_u8(r, &len))
		return false;
	if ((*tag & 0x1f) == 0x1f)
		return false; /* multi-byte tags never occur in the fields read here */
	if (len & 0x80) {
		uint32_t count = len & 0x7f;
		if (count == 0 || count > 4)
			return false; /* indefinite lengths are BER, not DER */
		len = 0;
		while (count--) {
			if (!tls_get_u8(r, &n))
				return false;
			len = len << 8 | n;
		}
	}
	return tls_get_bytes(r, len, value);
}

static bool der_expect(struct tls_reader *r, uint32_t want, struct tls_reader *value)
{
	uint32_t tag;
	return der_get(r, &tag, value) && tag == want;
}

/* The short attribute names Suricata (and OpenSSL) print. */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t oid[10];
} der_attribute_names[] = {
    {"CN", 3, {0x55, 0x04, 0x03}},
    {"SN", 3, {0x55, 0x04, 0x04}},
    {"serialNumber", 3, {0x55, 0x04, 0x05}},
    {"C", 3, {0x55, 0x04, 0x06}},
    {"L", 3, {0x55, 0x04, 0x07}},
    {"ST", 3, {0x55, 0x04, 0x08}},
    {"street", 3, {0x55, 0x04, 0x09}},
    {"O", 3, {0x55, 0x04, 0x0a}},
    {"OU", 3, {0x55, 0x04, 0x0b}},
    {"title", 3, {0x55, 0x04, 0x0c}},
    {"postalCode", 3, {0x55, 0x04, 0x11}},
    {"GN", 3, {0x55, 0x04, 0x2a}},
    {"emailAddress", 9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}},
    {"DC", 10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19}},
    {"UID", 10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01}},
};

/* An OID as its short name, or in dotted form when unknown. */
static void der_oid_text(struct tls_text *t, struct tls_reader oid)
{
	for (size_t i = 0; i < sizeof(der_attribute_names) / sizeof(der_attribute_names[0]); i++) {
		if (der_attribute_names[i].len == oid.len &&
		    !memcmp(der_attribute_names[i].oid, oid.p, oid.len)) {
			tls_text_add(t, der_attribute_names[i].name,
				     (uint32_t)strlen(der_attribute_names[i].name));
			return;
		}
	}
	uint64_t arc = 0;
	bool first = true;
	for (uint32_t i = 0; i < oid.len; i++) {
		if (arc > (UINT64_MAX >> 7))
			return; /* absurd arc: leave the name cut */
		arc = arc << 7 | (oid.p[i] & 0x7f);
		if (oid.p[i] & 0x80)
			continue;
		char num[48];
		if (first) {
			uint64_t x = arc < 80 ? arc / 40 : 2;
			snprintf(num, sizeof(num), "%llu.%llu", (unsigned long long)x,
				 (unsigned long long)(arc - 40 * x));
		} else {
			snprintf(num, sizeof(num), ".%llu", (unsigned long long)arc);
		}
		tls_text_add(t, num, (uint32_t)strlen(num));
		first = false;
		arc = 0;
	}
}

/* A directory string's value: BMPString and UniversalString are cut to their low bytes. */
static void der_string_text(struct tls_text *t, uint32_t tag, struct tls_reader v)
{
	uint32_t step = tag == 0x1e ? 2 : tag == 0x1c ? 4 : 1;

	for (uint32_t i = step - 1; i < v.len; i += step)
		tls_text_add(t, (const char *)v.p + i, 1);
}

/* An X.501 Name as "C=US, O=Let's Encrypt, CN=R3" (RDNs in certificate order, as Suricata). */
static bool der_name_text(struct tls_reader name, char *out, uint32_t cap)
{
	struct tls_text t = {.s = out, .cap = cap, .ok = true};
	struct tls_reader set, atv, oid, value;
	uint32_t tag;
	bool first = true;

	out[0] = '\0';
	while (name.off < name.len) {
		if (!der_expect(&name, 0x31, &set))
			return false;
		while (set.off < set.len) {
			if (!der_expect(&set, 0x30, &atv) || !der_expect(&atv, 0x06, &oid) ||
			    !der_get(&atv, &tag, &value))
				return false;
			if (!first)
				tls_text_add(&t, ", ", 2);
			der_oid_text(&t, oid);
			tls_text_add(&t, "=", 1);
			der_string_text(&t, tag, value);
			first = false;
		}
	}
	return true;
}

/* Colon-separated hex ("0C:8E:..."), cut to fit cap. */
static void tls_colon_hex(const uint8_t *in, uint32_t n, bool upper, char *out, uint32_t cap)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	uint32_t o = 0;

	for (uint32_t i = 0; i < n && o + 3 < cap; i++) {
		if (i)
			out[o++] = ':';
		out[o++] = digits[in[i] >> 4];
		out[o++] = digits[in[i] & 15];
	}
	out[o] = '\0';
}

/* The first certificate: subject, issuer, serial and SHA-1 fingerprint into a unit. */
static void tls_leaf_certificate(struct tls_state *s, const uint8_t *der, uint32_t len,
				 app_emit_fn emit, void *arg)
{
	struct tls_reader r = {.p = der, .len = len}, cert, tbs, field, serial, issuer, subject;
	struct app_unit unit = {.details = &s->details};
	char subject_text[TLS_NAME_MAX], issuer_text[TLS_NAME_MAX], serial_text[3 * 64];
	char fingerprint[3 * 20];
	uint8_t sha1[20];
	uint32_t tag;

	unit.buffer[RULE_BUFFER_TLS_CERTS] = der;
	unit.buffer_len[RULE_BUFFER_TLS_CERTS] = len;
	if (der_expect(&r, 0x30, &cert) && der_expect(&cert, 0x30, &tbs) &&
	    der_get(&tbs, &tag, &field) && (tag != 0xa0 || der_get(&tbs, &tag, &field)) &&
	    tag == 0x02) {
		serial = field;
		if (der_expect(&tbs, 0x30, &field) && der_expect(&tbs, 0x30, &issuer) &&
		    der_expect(&tbs, 0x30, &field) && der_expect(&tbs, 0x30, &subject) &&
		    der_name_text(subject, subject_text, sizeof(subject_text)) &&
		    der_name_text(issuer, issuer_text, sizeof(issuer_text))) {
			unit.buffer[RULE_BUFFER_TLS_CERT_SUBJECT] = (const uint8_t *)subject_text;
			unit.buffer_len[RULE_BUFFER_TLS_CERT_SUBJECT] =
			    (uint32_t)strlen(subject_text);
			unit.buffer[RULE_BUFFER_TLS_CERT_ISSUER] = (const uint8_t *)issuer_text;
			unit.buffer_len[RULE_BUFFER_TLS_CERT_ISSUER] =
			    (uint32_t)strlen(issuer_text);
		}
		tls_colon_hex(serial.p, serial.len, true, serial_text, sizeof(serial_text));
		unit.buffer[RULE_BUFFER_TLS_CERT_SERIAL] = (const uint8_t *)serial_text;
		unit.buffer_len[RULE_BUFFER_TLS_CERT_SERIAL] = (uint32_t)strlen(serial_text);
	}
	tls_sha1(der, len, sha1);
	tls_colon_hex(sha1, 20, false, fingerprint, sizeof(fingerprint));
	unit.buffer[RULE_BUFFER_TLS_CERT_FINGERPRINT] = (const uint8_t *)fingerprint;
	unit.buffer_len[RULE_BUFFER_TLS_CERT_FINGERPRINT] = (uint32_t)strlen(fingerprint);
	emit(arg, &unit);
}

/*
 * Certificate (TLS 1.2 and below): a 3-byte list length, then 3-byte
 * length + DER per certificate. With a cut message, the certificates that
 * are whole are still used.
 */
static void tls_certificate(struct tls_state *s, const uint8_t *msg, uint32_t len, app_emit_fn emit,
			    void *arg)
{
	struct tls_reader r = {.p = msg, .len = len}, list, der;
	uint32_t n, list_len;
	bool first = true;

	if (!tls_get_u24(&r, &list_len))
		return;
	list = (struct tls_reader){.p = r.p + r.off, .len = r.len - r.off};
	if (list_len < list.len)
		list.len = list_len;
	while (tls_get_u24(&list, &n) && tls_get_bytes(&list, n, &der)) {
		if (first) {
			tls_leaf_certificate(s, der.p, der.len, emit, arg);
			first = false;
			continue;
		}
		struct app_unit unit = {.details = &s->details};
		unit.buffer[RULE_BUFFER_TLS_CERTS] = der.p;
		unit.buffer_len[RULE_BUFFER_TLS_CERTS] = der.len;
		emit(arg, &unit);
	}
}

static void tls_message_done(struct tls_state *s, enum app_direction dir, uint8_t type,
			     const uint8_t *msg, uint32_t len, bool truncated, app_emit_fn emit,
			     void *arg)
{
	if (type == TLS_CLIENT_HELLO && dir == APP_TO_SERVER && !truncated)
		tls_client_hello(s, msg, len, emit, arg);
	else if (type == TLS_SERVER_HELLO && dir == APP_TO_CLIENT && !truncated)
		tls_server_hello(s, msg, len, emit, arg);
	else if (type == TLS_CERTIFICATE && dir == APP_TO_CLIENT)
		tls_certificate(s, msg, len, emit, arg);
}

/* ---- the parser row ---- */

/*
 * A handshake record whose first message is a ClientHello (to the server)
 * or a ServerHello (to the client). Only the first nine bytes are looked
 * at: record header, message type and the message's version byte.
 */
static enum app_detect_result tls_detect(const uint8_t *data, uint32_t len,
					 enum app_direction direction)
{
	static const uint8_t want_type[2] = {TLS_CLIENT_HELLO, TLS_SERVER_HELLO};

	if (len >= 1 && data[0] != TLS_HANDSHAKE)
		return APP_DETECT_NO;
	if (len >= 2 && data[1] != 3)
		return APP_DETECT_NO;
	if (len >= 3 && (data[2] < 1 || data[2] > 4))
		return APP_DETECT_NO;
	if (len >= 5 &&
	    (tls_be16(data + 3) < TLS_MESSAGE_HEADER_LEN || tls_be16(data + 3) > TLS_RECORD_MAX))
		return APP_DETECT_NO;
	if (len >= 6 && data[5] != want_type[direction & 1])
		return APP_DETECT_NO;
	if (len >= 10 && data[9] != 3)
		return APP_DETECT_NO; /* the hello's own version: major 3 */
	return len >= 10 ? APP_DETECT_YES : APP_DETECT_NEED_MORE;
}

static void *tls_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct tls_state));
}

static void tls_destroy(void *state)
{
	free(state);
}

/* EVE: ,"tls":{"sni":...,"version":...,"ja3":{"hash":...},"ja4":...}, empty ones left out. */
static void tls_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct tls_details *t = (const struct tls_details *)(const void *)d->proto;
	app_json_key(out, "tls");
	app_json_begin(out, "{");
	app_json_text(out, "sni", t->sni, sizeof(t->sni));
	app_json_text(out, "version", t->version, sizeof(t->version));
	if (strnlen(t->ja3, sizeof(t->ja3))) {
		app_json_key(out, "ja3");
		app_json_begin(out, "{");
		app_json_text(out, "hash", t->ja3, sizeof(t->ja3));
		app_json_end(out, "}");
	}
	app_json_text(out, "ja4", t->ja4, sizeof(t->ja4));
	app_json_end(out, "}");
}

const struct app_parser app_parser_tls = {
    .name = "tls",
    .proto = RULE_PROTO_TLS,
    .tcp = true,
    .udp = false,
    .buffers = APP_BUFFER(TLS_SNI) | APP_BUFFER(TLS_CERT_SUBJECT) | APP_BUFFER(TLS_CERT_ISSUER) |
	       APP_BUFFER(TLS_CERT_SERIAL) | APP_BUFFER(TLS_CERT_FINGERPRINT) |
	       APP_BUFFER(TLS_CERTS) | APP_BUFFER(TLS_VERSION) | APP_BUFFER(JA3_HASH) |
	       APP_BUFFER(JA3_STRING) | APP_BUFFER(JA3S_HASH) | APP_BUFFER(JA4_HASH),
    .detect = tls_detect,
    .create = tls_create,
    .destroy = tls_destroy,
    .parse = tls_parse,
    .eve_details = tls_eve_details,
};
