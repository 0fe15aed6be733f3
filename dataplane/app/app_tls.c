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
 * Every unit of a hello or Certificate also carries tls.meta (the version,
 * the handshake type, the chain length: struct rule_tls_meta, for
 * tls.version, ssl_version, ssl_state and tls.cert_chain_len); the hellos
 * carry tls.random (tls.random_time, its first 4 bytes, and
 * tls.random_bytes, the other 28), the hellos their ALPN protocols
 * (tls.alpn) and the leaf certificate its DNS names (tls.subjectaltname).
 * Those two are multi-buffers: the message becomes one unit per name (at
 * most TLS_MULTI_MAX), each with all the message's other buffers. All
 * units of a flow share the list of rules that matched (struct
 * app_body_rules), so a rule alerts once per flow, as Suricata, whose TLS
 * session is one transaction. A ServerKeyExchange or ClientKeyExchange is a unit
 * with tls.meta alone, for ssl_state.
 * A direction stops being parsed at its first ChangeCipherSpec or
 * application-data record: what follows is encrypted (TLS 1.3 encrypts
 * everything after the ServerHello). Malformed input stops the direction,
 * it is never guessed at. The state keeps the EVE details (SNI, version,
 * JA3, JA4) for the life of the flow, so a later unit's alert still shows
 * them. Decryption, session tickets, SSLv2 hellos and QUIC are left out.
 *
 * The JA3 and JA4 fingerprints are app_tls_fingerprint.c's. Certificates are read
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

#include "dataplane/app/app_event.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_tls.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"

#define TLS_RECORD_HEADER_LEN  5
#define TLS_RECORD_MAX	       (16384 + 2048) /* RFC 8446 5.2: the largest ciphertext */
#define TLS_MESSAGE_HEADER_LEN 4
#define TLS_NAME_MAX	       1024 /* a certificate subject or issuer, as text */

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
	TLS_SERVER_KEY_EXCHANGE = 12,
	TLS_CLIENT_KEY_EXCHANGE = 16,
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
/* Names of a list (ALPN protocols, certificate DNS names), each NUL-terminated, in a row. */
struct tls_names {
	uint16_t count, used;
	bool cut; /* some did not fit */
	char text[];
};
#define TLS_NAMES(size)                                                                            \
	struct {                                                                                   \
		uint16_t count, used;                                                              \
		bool cut;                                                                          \
		char text[size];                                                                   \
	}

struct tls_details {
	char sni[APP_TEXT_MAX];
	char version[16]; /* "TLS 1.2" */
	char ja3[33];	  /* hex MD5 */
	char ja3s[33];
	char ja4[40];
	/* the leaf certificate, as Suricata's extended tls record shows it */
	char subject[APP_TEXT_MAX], issuer[APP_TEXT_MAX];
	bool subject_cut, issuer_cut;
	char serial[64];
	char fingerprint[60];
	char not_before[20], not_after[20]; /* "2024-01-31T23:59:59" */
	TLS_NAMES(352) san;
	TLS_NAMES(128) client_alpns;
	TLS_NAMES(48) server_alpns;
};
APP_DETAILS_FITS(struct tls_details);

struct tls_state {
	struct app_details details;
	struct tls_direction dir[2];
	/* Suricata keeps a TLS session as one transaction: the rules matched
	 * on any unit of the flow, so each alerts once per flow (struct
	 * app_body_rules, given as a window from byte 0 that never grows). */
	struct app_body_rules tx_rules;
	/* Each side's version, from its hello (the ServerHello's negotiated one
	 * toward the client): later messages' tls.meta, as Suricata's tls.version
	 * tests the version of the direction whatever the message. */
	uint16_t version[2];
};

#define TLS_MULTI_MAX 64 /* ALPN protocols or certificate DNS names kept of one message */

/* The instances of a multi-buffer in one message (pointing into the message). */
struct tls_multi {
	const uint8_t *p[TLS_MULTI_MAX];
	uint32_t len[TLS_MULTI_MAX];
	uint32_t count;
};

static void tls_multi_add(struct tls_multi *m, const uint8_t *p, uint32_t len)
{
	if (m->count < TLS_MULTI_MAX) {
		m->p[m->count] = p;
		m->len[m->count++] = len;
	}
}

/* A unit of the flow's one transaction: it shares the list of rules matched. */
static void tls_unit_tx(struct tls_state *s, struct app_unit *unit)
{
	unit->window.buffers = app_parser_tls.buffers;
	unit->window.rules = &s->tx_rules;
}

/* Emit unit once per instance of m as buffer b (once with none when m is empty). */
static void tls_emit_multi(struct tls_state *s, struct app_unit *unit, const struct tls_multi *m,
			   int b, app_emit_fn emit, void *arg)
{
	uint32_t units = m->count ? m->count : 1;
	tls_unit_tx(s, unit);
	for (uint32_t i = 0; i < units; i++) {
		if (m->count) {
			unit->buffer[b] = m->p[i];
			unit->buffer_len[b] = m->len[i];
		}
		emit(arg, unit);
	}
}

/*
 * What the parser found wrong, on a unit of its own (the connection's
 * details, no buffers but app.events), so an event is raised once however
 * many instances the unit it concerns is emitted in.
 */
static void tls_emit_events(struct tls_state *s, const struct app_events *events, app_emit_fn emit,
			    void *arg)
{
	if (!events->count)
		return;
	struct app_unit unit = {.details = &s->details};
	app_events_attach(&unit, events);
	emit(arg, &unit);
}

static struct tls_details *tls_details_of(struct app_details *d)
{
	return (struct tls_details *)(void *)d->proto;
}

/* Keep the names of m in list (of size bytes of text), as many as fit. */
static void tls_names_keep(void *list, size_t size, const struct tls_multi *m)
{
	struct tls_names *n = list;
	n->count = n->used = 0;
	n->cut = false;
	for (uint32_t i = 0; i < m->count; i++) {
		if (m->len[i] + 1 > size - n->used || memchr(m->p[i], 0, m->len[i])) {
			n->cut = true;
			continue;
		}
		memcpy(n->text + n->used, m->p[i], m->len[i]);
		n->used = (uint16_t)(n->used + m->len[i]);
		n->text[n->used++] = '\0';
		n->count++;
	}
}

static void tls_names_json(struct app_json *out, const char *key, const void *list)
{
	const struct tls_names *n = list;
	if (!n->count)
		return;
	app_json_key(out, key);
	app_json_begin(out, "[");
	for (uint32_t off = 0, i = 0; i < n->count; i++) {
		size_t len = strlen(n->text + off);
		if (i)
			app_json_put(out, ",");
		app_json_text_value(out, n->text + off, len + 1, false);
		off += (uint32_t)len + 1;
	}
	app_json_end(out, "]");
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

/* A record header that is no TLS record: its type or its version (the end of the
 * handshake, a ChangeCipherSpec or application data, is none of these). */
static void tls_record_events(struct tls_state *s, const uint8_t *h, app_emit_fn emit, void *arg)
{
	struct app_events events = {.count = 0};
	if (h[0] < TLS_CHANGE_CIPHER_SPEC || h[0] > TLS_HEARTBEAT)
		app_events_add(&events, RULE_APP_EVENT_TLS_INVALID_RECORD_TYPE);
	else if (h[1] != 3 || h[2] > 4)
		app_events_add(&events, RULE_APP_EVENT_TLS_INVALID_RECORD_VERSION);
	tls_emit_events(s, &events, emit, arg);
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
				tls_record_events(s, d->record_header, emit, arg);
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

/* tls.meta and the random of a hello (msg: version, then the 32-byte random). */
static void tls_unit_hello(struct app_unit *unit, struct rule_tls_meta *meta, const uint8_t *msg,
			   uint32_t version, uint8_t handshake)
{
	meta->version = (uint16_t)version;
	meta->handshake = handshake;
	unit->buffer[RULE_BUFFER_TLS_META] = (const uint8_t *)meta;
	unit->buffer_len[RULE_BUFFER_TLS_META] = sizeof(*meta);
	unit->buffer[RULE_BUFFER_TLS_RANDOM] = msg + 2;
	unit->buffer_len[RULE_BUFFER_TLS_RANDOM] = 32;
	unit->buffer[RULE_BUFFER_TLS_RANDOM_TIME] = msg + 2;
	unit->buffer_len[RULE_BUFFER_TLS_RANDOM_TIME] = 4;
	unit->buffer[RULE_BUFFER_TLS_RANDOM_BYTES] = msg + 6;
	unit->buffer_len[RULE_BUFFER_TLS_RANDOM_BYTES] = 28;
}

static void tls_copy_text(char *dst, size_t cap, const uint8_t *src, uint32_t len)
{
	size_t n = len < cap - 1 ? len : cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Every protocol name of the ALPN extension (RFC 7301 3.1) in a hello's extension block. */
static void tls_alpn_read(struct tls_reader ext, struct tls_multi *alpn)
{
	struct tls_reader body, list, name;
	uint32_t type, n;

	while (tls_get_u16(&ext, &type) && tls_get_u16(&ext, &n) && tls_get_bytes(&ext, n, &body)) {
		if (type != TLS_EXT_ALPN)
			continue;
		if (!tls_get_u16(&body, &n) || !tls_get_bytes(&body, n, &list))
			return;
		while (tls_get_u8(&list, &n) && tls_get_bytes(&list, n, &name))
			if (n)
				tls_multi_add(alpn, name.p, name.len);
		return;
	}
}

static void tls_client_hello(struct tls_state *s, const uint8_t *msg, uint32_t len,
			     app_emit_fn emit, void *arg)
{
	struct tls_client_hello ch;
	struct app_unit unit = {.details = &s->details};
	struct rule_tls_meta meta = {0};
	struct tls_multi alpn = {.count = 0};
	char ja3[TLS_JA3_MAX], ja3_hash[33];
	uint8_t digest[16];

	if (!tls_client_hello_read(msg, len, &ch))
		return;
	struct tls_details *det = tls_details_of(&s->details);
	uint32_t version = ch.best_version ? ch.best_version : ch.legacy_version;
	tls_unit_hello(&unit, &meta, msg, version, TLS_CLIENT_HELLO); /* read: 34 bytes or more */
	s->version[APP_TO_SERVER] = (uint16_t)version;
	tls_alpn_read(ch.extensions, &alpn);
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
	tls_names_keep(&det->client_alpns, sizeof(det->client_alpns.text), &alpn);
	unit.buffer[RULE_BUFFER_JA4_HASH] = (const uint8_t *)det->ja4;
	unit.buffer_len[RULE_BUFFER_JA4_HASH] = (uint32_t)strlen(det->ja4);
	tls_emit_multi(s, &unit, &alpn, RULE_BUFFER_TLS_ALPN, emit, arg);
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
	struct tls_multi alpn = {.count = 0};
	tls_alpn_read(ext, &alpn); /* the server's choice, one protocol */
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
	struct rule_tls_meta meta = {0};
	tls_unit_hello(&unit, &meta, msg, selected ? selected : legacy, TLS_SERVER_HELLO);
	tls_names_keep(&det->server_alpns, sizeof(det->server_alpns.text), &alpn);
	s->version[APP_TO_CLIENT] = (uint16_t)(selected ? selected : legacy);
	snprintf(det->version, sizeof(det->version), "%s",
		 tls_version_name(selected ? selected : legacy));
	unit.buffer[RULE_BUFFER_TLS_VERSION] = (const uint8_t *)det->version;
	unit.buffer_len[RULE_BUFFER_TLS_VERSION] = (uint32_t)strlen(det->version);
	if (t.ok) {
		tls_md5((const uint8_t *)ja3s, strlen(ja3s), digest);
		tls_hex(digest, 16, ja3s_hash);
		memcpy(det->ja3s, ja3s_hash, sizeof(det->ja3s));
		unit.buffer[RULE_BUFFER_JA3S_HASH] = (const uint8_t *)ja3s_hash;
		unit.buffer_len[RULE_BUFFER_JA3S_HASH] = 32;
	}
	tls_emit_multi(s, &unit, &alpn, RULE_BUFFER_TLS_ALPN, emit, arg);
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

/*
 * Read a DER header at r; false when it is cut (*cut set) or is not DER at
 * all (*cut clear). The length may still run past r's end.
 */
static bool der_header(struct tls_reader *r, uint32_t *tag, uint32_t *len, bool *cut)
{
	uint32_t n;

	*cut = true;
	if (!tls_get_u8(r, tag) || !tls_get_u8(r, len))
		return false;
	if (*len & 0x80) {
		uint32_t count = *len & 0x7f;
		if (count == 0 || count > 4) {
			*cut = false;
			return false;
		}
		for (*len = 0; count--; *len = *len << 8 | n)
			if (!tls_get_u8(r, &n))
				return false;
	}
	return true;
}

/*
 * The header of the first DER element of r, or of one nested in it, is
 * cut by the end of what holds it. Suricata's X.509 parser calls that
 * incomplete, which it reports as a length error
 * (certificate_invalid_length); a whole header whose length runs past, or
 * a first element that is no SEQUENCE, is a malformed certificate
 * (invalid_certificate), as bug-1450's captures show.
 */
static bool der_cut(struct tls_reader r, unsigned depth, bool first_only)
{
	uint32_t tag, len;
	bool cut;

	while (r.off < r.len) {
		if (!der_header(&r, &tag, &len, &cut))
			return cut;
		if ((first_only && tag != 0x30) || len > r.len - r.off)
			return false;
		struct tls_reader inner = {.p = r.p + r.off, .len = len};
		if ((tag & 0x20) && depth < 16 && der_cut(inner, depth + 1, false))
			return true;
		r.off += len;
		if (first_only)
			break;
	}
	return false;
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

/*
 * The DNS names (dNSName, [2]) of the subjectAltName extension (OID
 * 2.5.29.17) of a TBSCertificate whose fields up to the subject were read:
 * the rest (public key, unique ids) is skipped up to the extensions ([3]).
 */
static void der_san_read(struct tls_reader tbs, struct tls_multi *san)
{
	static const uint8_t san_oid[3] = {0x55, 0x1d, 0x11};
	struct tls_reader field, exts, ext, oid, value, names, name;
	uint32_t tag;

	while (der_get(&tbs, &tag, &field)) {
		if (tag != 0xa3)
			continue;
		if (!der_expect(&field, 0x30, &exts))
			return;
		while (der_expect(&exts, 0x30, &ext)) {
			if (!der_expect(&ext, 0x06, &oid) || !der_get(&ext, &tag, &value))
				return;
			if (tag == 0x01 && !der_get(&ext, &tag, &value)) /* critical */
				return;
			if (tag != 0x04 || oid.len != sizeof(san_oid) ||
			    memcmp(oid.p, san_oid, sizeof(san_oid)) != 0)
				continue;
			if (!der_expect(&value, 0x30, &names))
				return;
			while (der_get(&names, &tag, &name))
				if (tag == 0x82 && name.len)
					tls_multi_add(san, name.p, name.len);
			return;
		}
		return;
	}
}

/*
 * A certificate time (UTCTime "YYMMDDHHMMSSZ", years 1950-2049 as RFC 5280
 * 4.1.2.5.1 says, or GeneralizedTime "YYYYMMDDHHMMSSZ") as EVE writes it,
 * "2024-01-31T23:59:59"; empty when it is neither.
 */
static void der_time_text(uint32_t tag, struct tls_reader t, char out[20])
{
	const uint8_t *p = t.p;
	char year[5];
	out[0] = '\0';
	if (tag == 0x17 && t.len >= 12) {
		bool old = p[0] >= '5';
		snprintf(year, sizeof(year), "%s%c%c", old ? "19" : "20", p[0], p[1]);
		p += 2;
	} else if (tag == 0x18 && t.len >= 14) {
		snprintf(year, sizeof(year), "%c%c%c%c", p[0], p[1], p[2], p[3]);
		p += 4;
	} else {
		return;
	}
	for (int i = 0; i < 10; i++)
		if (p[i] < '0' || p[i] > '9')
			return;
	snprintf(out, 20, "%s-%c%c-%c%cT%c%c:%c%c:%c%c", year, p[0], p[1], p[2], p[3], p[4], p[5],
		 p[6], p[7], p[8], p[9]);
}

/* Validity ::= SEQUENCE { notBefore Time, notAfter Time } into det; false when malformed. */
static bool der_validity(struct tls_reader v, struct tls_details *det)
{
	struct tls_reader t;
	uint32_t tag;
	if (!der_get(&v, &tag, &t))
		return false;
	der_time_text(tag, t, det->not_before);
	if (!der_get(&v, &tag, &t))
		return false;
	der_time_text(tag, t, det->not_after);
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
				 const struct rule_tls_meta *meta, app_emit_fn emit, void *arg)
{
	struct tls_reader r = {.p = der, .len = len}, cert, tbs, field, serial, issuer, subject;
	struct app_unit unit = {.details = &s->details};
	struct tls_details *det = tls_details_of(&s->details);
	char subject_text[TLS_NAME_MAX], issuer_text[TLS_NAME_MAX], serial_text[3 * 64];
	char fingerprint[3 * 20];
	uint8_t sha1[20];
	uint32_t tag;
	struct tls_multi san = {.count = 0};

	unit.buffer[RULE_BUFFER_TLS_CERTS] = der;
	unit.buffer_len[RULE_BUFFER_TLS_CERTS] = len;
	unit.buffer[RULE_BUFFER_TLS_META] = (const uint8_t *)meta;
	unit.buffer_len[RULE_BUFFER_TLS_META] = sizeof(*meta);
	if (der_expect(&r, 0x30, &cert) && der_expect(&cert, 0x30, &tbs) &&
	    der_get(&tbs, &tag, &field) && (tag != 0xa0 || der_get(&tbs, &tag, &field)) &&
	    tag == 0x02) {
		serial = field;
		if (der_expect(&tbs, 0x30, &field) && der_expect(&tbs, 0x30, &issuer) &&
		    der_expect(&tbs, 0x30, &field) && der_validity(field, det) &&
		    der_expect(&tbs, 0x30, &subject) &&
		    der_name_text(subject, subject_text, sizeof(subject_text)) &&
		    der_name_text(issuer, issuer_text, sizeof(issuer_text))) {
			det->subject_cut = app_text_copy(det->subject, sizeof(det->subject),
							 subject_text, strlen(subject_text));
			det->issuer_cut = app_text_copy(det->issuer, sizeof(det->issuer),
							issuer_text, strlen(issuer_text));
			unit.buffer[RULE_BUFFER_TLS_CERT_SUBJECT] = (const uint8_t *)subject_text;
			unit.buffer_len[RULE_BUFFER_TLS_CERT_SUBJECT] =
			    (uint32_t)strlen(subject_text);
			unit.buffer[RULE_BUFFER_TLS_CERT_ISSUER] = (const uint8_t *)issuer_text;
			unit.buffer_len[RULE_BUFFER_TLS_CERT_ISSUER] =
			    (uint32_t)strlen(issuer_text);
			der_san_read(tbs, &san);
			tls_names_keep(&det->san, sizeof(det->san.text), &san);
		}
		tls_colon_hex(serial.p, serial.len, true, serial_text, sizeof(serial_text));
		app_text_copy(det->serial, sizeof(det->serial), serial_text, strlen(serial_text));
		unit.buffer[RULE_BUFFER_TLS_CERT_SERIAL] = (const uint8_t *)serial_text;
		unit.buffer_len[RULE_BUFFER_TLS_CERT_SERIAL] = (uint32_t)strlen(serial_text);
	}
	tls_sha1(der, len, sha1);
	tls_colon_hex(sha1, 20, false, fingerprint, sizeof(fingerprint));
	app_text_copy(det->fingerprint, sizeof(det->fingerprint), fingerprint, strlen(fingerprint));
	unit.buffer[RULE_BUFFER_TLS_CERT_FINGERPRINT] = (const uint8_t *)fingerprint;
	unit.buffer_len[RULE_BUFFER_TLS_CERT_FINGERPRINT] = (uint32_t)strlen(fingerprint);
	tls_emit_multi(s, &unit, &san, RULE_BUFFER_TLS_SUBJECTALTNAME, emit, arg);
}

/*
 * A whole Certificate message that does not hold together, as Suricata
 * tells it: a length that runs past what holds it
 * (certificate_invalid_length, also for a first certificate whose DER
 * header or length runs past its bytes), a first certificate that is no
 * DER SEQUENCE filling its length (invalid_certificate); either way the
 * handshake message is invalid too.
 */
static void tls_certificate_events(struct tls_state *s, const uint8_t *msg, uint32_t len,
				   app_emit_fn emit, void *arg)
{
	struct tls_reader r = {.p = msg, .len = len}, der, cert;
	struct app_events events = {.count = 0};
	uint32_t list_len, n;
	if (!tls_get_u24(&r, &list_len) || list_len != len - 3) {
		app_events_add(&events, RULE_APP_EVENT_TLS_CERTIFICATE_INVALID_LENGTH);
	} else {
		for (bool first = true; r.off < r.len; first = false) {
			if (!tls_get_u24(&r, &n) || !tls_get_bytes(&r, n, &der)) {
				app_events_add(&events,
					       RULE_APP_EVENT_TLS_CERTIFICATE_INVALID_LENGTH);
				break;
			}
			struct tls_reader whole = der;
			if (first && (!der_expect(&whole, 0x30, &cert) || whole.off != whole.len))
				app_events_add(&events,
					       der_cut(der, 0, true)
						   ? RULE_APP_EVENT_TLS_CERTIFICATE_INVALID_LENGTH
						   : RULE_APP_EVENT_TLS_INVALID_CERTIFICATE);
		}
	}
	if (events.count)
		app_events_add(&events, RULE_APP_EVENT_TLS_INVALID_HANDSHAKE_MESSAGE);
	tls_emit_events(s, &events, emit, arg);
}

/*
 * Certificate (TLS 1.2 and below): a 3-byte list length, then 3-byte
 * length + DER per certificate. With a cut message, the certificates that
 * are whole are still used.
 */
static void tls_certificate(struct tls_state *s, const uint8_t *msg, uint32_t len, bool truncated,
			    app_emit_fn emit, void *arg)
{
	struct tls_reader r = {.p = msg, .len = len}, list, der;
	uint32_t n, list_len;
	bool first = true;

	if (!truncated)
		tls_certificate_events(s, msg, len, emit, arg);
	if (!tls_get_u24(&r, &list_len))
		return;
	list = (struct tls_reader){.p = r.p + r.off, .len = r.len - r.off};
	if (list_len < list.len)
		list.len = list_len;
	/* the chain's length first (the whole certificates), for tls.cert_chain_len */
	struct rule_tls_meta meta = {
	    .version = s->version[APP_TO_CLIENT], .handshake = TLS_CERTIFICATE, .has_chain = 1};
	struct tls_reader count = list;
	while (tls_get_u24(&count, &n) && tls_get_bytes(&count, n, &der))
		meta.chain_len++;
	while (tls_get_u24(&list, &n) && tls_get_bytes(&list, n, &der)) {
		if (first) {
			tls_leaf_certificate(s, der.p, der.len, &meta, emit, arg);
			first = false;
			continue;
		}
		struct app_unit unit = {.details = &s->details};
		tls_unit_tx(s, &unit);
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
		tls_certificate(s, msg, len, truncated, emit, arg);
	else if ((type == TLS_SERVER_KEY_EXCHANGE && dir == APP_TO_CLIENT) ||
		 (type == TLS_CLIENT_KEY_EXCHANGE && dir == APP_TO_SERVER)) {
		struct rule_tls_meta meta = {.version = s->version[dir & 1], .handshake = type};
		struct app_unit unit = {.details = &s->details};
		tls_unit_tx(s, &unit);
		unit.buffer[RULE_BUFFER_TLS_META] = (const uint8_t *)&meta;
		unit.buffer_len[RULE_BUFFER_TLS_META] = sizeof(meta);
		emit(arg, &unit);
	}
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
	/* A handshake message may be cut into records as small as one byte
	 * (servers reassemble it): only what the first record holds is
	 * judged, the hello's own version when the record reaches it. */
	uint32_t record = len >= 5 ? tls_be16(data + 3) : 0;
	if (len >= 5 && (record < 1 || record > TLS_RECORD_MAX))
		return APP_DETECT_NO;
	if (len >= 6 && data[5] != want_type[direction & 1])
		return APP_DETECT_NO;
	if (len >= 10 && record >= 5 && data[9] != 3)
		return APP_DETECT_NO; /* the hello's own version: major 3 */
	if (len >= 10 || (len >= 6 && record < 5))
		return APP_DETECT_YES;
	return APP_DETECT_NEED_MORE;
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
	if (strnlen(t->ja3s, sizeof(t->ja3s))) {
		app_json_key(out, "ja3s");
		app_json_begin(out, "{");
		app_json_text(out, "hash", t->ja3s, sizeof(t->ja3s));
		app_json_end(out, "}");
	}
	app_json_text_cut(out, "subject", t->subject, sizeof(t->subject), t->subject_cut);
	app_json_text_cut(out, "issuerdn", t->issuer, sizeof(t->issuer), t->issuer_cut);
	app_json_text(out, "serial", t->serial, sizeof(t->serial));
	app_json_text(out, "fingerprint", t->fingerprint, sizeof(t->fingerprint));
	app_json_text(out, "notbefore", t->not_before, sizeof(t->not_before));
	app_json_text(out, "notafter", t->not_after, sizeof(t->not_after));
	tls_names_json(out, "subjectaltname", &t->san);
	tls_names_json(out, "client_alpns", &t->client_alpns);
	tls_names_json(out, "server_alpns", &t->server_alpns);
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
	       APP_BUFFER(JA3_STRING) | APP_BUFFER(JA3S_HASH) | APP_BUFFER(JA4_HASH) |
	       APP_BUFFER(TLS_META) | APP_BUFFER(TLS_RANDOM) | APP_BUFFER(TLS_RANDOM_TIME) |
	       APP_BUFFER(TLS_RANDOM_BYTES) | APP_BUFFER(TLS_ALPN) | APP_BUFFER(TLS_SUBJECTALTNAME),
    .detect = tls_detect,
    .create = tls_create,
    .destroy = tls_destroy,
    .parse = tls_parse,
    .eve_details = tls_eve_details,
};
