/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kerberos 5 parser (RFC 4120) over UDP and TCP: the KDC exchange, whose
 * messages are ASN.1 DER under an APPLICATION tag: AS-REQ (10), AS-REP
 * (11), TGS-REQ (12), TGS-REP (13) and KRB-ERROR (30). Over UDP each
 * datagram is one message; over TCP each message follows a 4-byte record
 * mark (its length, big-endian), reassembled here across segments, kept
 * up to KRB5_MESSAGE_MAX bytes per direction (a longer one, rare since
 * KDCs refuse them, is read as far as it was kept). app.h gives parse()
 * no transport: the first bytes decide once per flow (an APPLICATION tag
 * is a datagram, anything else a record mark), as the DNS parser does.
 *
 * Each message is a unit with app.meta (struct rule_krb5_meta: message
 * type, error code, the ticket's cipher) for krb5_msg_type,
 * krb5_err_code and krb5.ticket_encryption. A request's client and server
 * names are multi-buffers of their name parts (krb5.cname, krb5.sname:
 * "krbtgt/EXAMPLE.COM" is "krbtgt" and "EXAMPLE.COM"), unit i carrying
 * part i of each and the units sharing the matched rules, as Suricata
 * fills them only from requests. EVE krb5 records are one per message, as
 * Suricata writes them (names joined with "/", "<empty>" and "<none>" for
 * what the message lacks, the error's failed request from the request
 * before it). Only what a message says is read: the encrypted parts stay
 * encrypted. A message that is not DER under one of those tags is an
 * error unit (Suricata's malformed_data).
 *
 * Detection: an APPLICATION tag 10..30 over a SEQUENCE whose first field
 * is the protocol version 5 (over TCP after a record mark under 16 KiB,
 * the limit Suricata's probe and KDCs apply to requests).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_ber.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"
#include "rules/lang/app_meta.h"

#define KRB5_MESSAGE_MAX  16384 /* bytes of one TCP message kept, per direction */
#define KRB5_RECORD_PROBE 16384 /* a first record mark longer than this is not Kerberos */
#define KRB5_PARTS_MAX	  8	/* name parts of a principal handed to the rules */

enum krb5_msg {
	KRB5_AS_REQ = 10,
	KRB5_AS_REP = 11,
	KRB5_TGS_REQ = 12,
	KRB5_TGS_REP = 13,
	KRB5_ERROR = 30,
};

/* DER tags used here (app_ber.h has the reader). */
#define DER_INTEGER	APP_BER_INTEGER
#define DER_SEQUENCE	APP_BER_SEQUENCE
#define DER_APPLICATION (APP_BER_APPLICATION | APP_BER_CONSTRUCTED)
#define DER_CONTEXT	APP_BER_CONTEXT

/* EVE's krb5 object of one message. */
struct krb5_details {
	uint32_t msg_type;
	uint32_t failed_request; /* an error's: the request it answers; 0 unknown */
	bool has_error, has_etype, has_ticket, has_cname, has_realm, has_sname;
	uint32_t error_code;
	int32_t etype, ticket_etype;
	char cname[128], realm[128], sname[256];
};
APP_DETAILS_FITS(struct krb5_details);

/* One TCP direction's record being reassembled. */
struct krb5_tcp_direction {
	uint8_t mark[4];
	uint8_t mark_len;
	uint32_t length;
	uint32_t seen;
	uint8_t message[KRB5_MESSAGE_MAX];
};

enum krb5_transport { KRB5_UNDECIDED, KRB5_UDP, KRB5_TCP };

struct krb5_state {
	struct app_details details;
	struct app_body_rules message_rules; /* rules matched on the message being emitted */
	enum krb5_transport transport;
	uint32_t request;		/* the last request's type, for the error that answers it */
	bool broken;			/* TCP framing lost: nothing more is parsed */
	struct krb5_tcp_direction *tcp; /* [2], allocated once for a TCP flow */
};

struct krb5_principal {
	struct app_ber part[KRB5_PARTS_MAX];
	uint32_t count;
	bool present;
};

/* What one message says. */
struct krb5_message {
	uint32_t type;
	struct krb5_principal cname, sname;
	struct app_ber realm;
	bool has_error, has_etype, has_ticket;
	uint32_t error_code;
	int32_t etype, ticket_etype;
};

/* Field [n] of seq as an INTEGER (Int32, sign-extended). */
static bool der_int_field(struct app_ber seq, unsigned n, int32_t *value)
{
	struct app_ber field, integer;
	return app_ber_field(seq, n, &field) && app_ber_unwrap(field, DER_INTEGER, &integer) &&
	       app_ber_int(integer, value);
}

/* Field [n] of seq as a string (GeneralString or any other string type): its bytes. */
static bool der_string_field(struct app_ber seq, unsigned n, struct app_ber *out)
{
	struct app_ber field;
	uint8_t tag;
	return app_ber_field(seq, n, &field) && app_ber_next(&field, &tag, out) && !(tag & 0x20);
}

/* Field [n] of seq as a PrincipalName: its name-string parts. */
static void der_principal_field(struct app_ber seq, unsigned n, struct krb5_principal *out)
{
	struct app_ber field, name, strings;
	uint8_t tag;

	memset(out, 0, sizeof(*out));
	if (!app_ber_field(seq, n, &field) || !app_ber_unwrap(field, DER_SEQUENCE, &name) ||
	    !app_ber_field(name, 1, &field) || !app_ber_unwrap(field, DER_SEQUENCE, &strings))
		return;
	out->present = true;
	while (out->count < KRB5_PARTS_MAX && app_ber_next(&strings, &tag, &out->part[out->count]))
		out->count++;
}

/* Field [n] of seq as EncryptedData: its etype. */
static bool der_etype_field(struct app_ber seq, unsigned n, int32_t *etype)
{
	struct app_ber field, data;
	return app_ber_field(seq, n, &field) && app_ber_unwrap(field, DER_SEQUENCE, &data) &&
	       der_int_field(data, 0, etype);
}

static bool krb5_request(struct app_ber body, struct krb5_message *m)
{
	struct app_ber field, req;
	if (!app_ber_field(body, 4, &field) || !app_ber_unwrap(field, DER_SEQUENCE, &req))
		return false;
	der_principal_field(req, 1, &m->cname);
	der_string_field(req, 2, &m->realm);
	der_principal_field(req, 3, &m->sname);
	return true;
}

static bool krb5_reply(struct app_ber body, struct krb5_message *m)
{
	struct app_ber field, ticket, tkt;
	der_string_field(body, 3, &m->realm);
	der_principal_field(body, 4, &m->cname);
	m->has_etype = der_etype_field(body, 6, &m->etype);
	if (!app_ber_field(body, 5, &field) ||
	    !app_ber_unwrap(field, DER_APPLICATION | 1, &ticket) ||
	    !app_ber_unwrap(ticket, DER_SEQUENCE, &tkt))
		return false;
	der_principal_field(tkt, 2, &m->sname);
	m->has_ticket = der_etype_field(tkt, 3, &m->ticket_etype);
	return true;
}

static bool krb5_error(struct app_ber body, struct krb5_message *m)
{
	int32_t code;
	if (!der_int_field(body, 6, &code))
		return false;
	m->has_error = true;
	m->error_code = (uint32_t)code;
	der_string_field(body, 7, &m->realm);
	der_principal_field(body, 8, &m->cname);
	der_principal_field(body, 10, &m->sname);
	return true;
}

/* The message in p[0..len) into m; false when it is not a KDC message. */
static bool krb5_message_read(const uint8_t *p, uint32_t len, struct krb5_message *m)
{
	struct app_ber in = {p, len}, app, body;
	uint8_t tag;

	memset(m, 0, sizeof(*m));
	if (!app_ber_next(&in, &tag, &app) || (tag & 0xe0) != DER_APPLICATION ||
	    !app_ber_unwrap(app, DER_SEQUENCE, &body))
		return false;
	m->type = tag & 0x1f;
	switch (m->type) {
	case KRB5_AS_REQ:
	case KRB5_TGS_REQ:
		return krb5_request(body, m);
	case KRB5_AS_REP:
	case KRB5_TGS_REP:
		return krb5_reply(body, m);
	case KRB5_ERROR:
		return krb5_error(body, m);
	default:
		return true; /* AP-REQ, AP-REP, ...: carried inside other protocols, not logged */
	}
}

/* A principal's parts joined with "/", as Kerberos writes a name. */
static void krb5_principal_text(char *out, size_t size, const struct krb5_principal *pr)
{
	size_t used = 0;
	out[0] = '\0';
	for (uint32_t i = 0; i < pr->count && used + 1 < size; i++) {
		if (i)
			out[used++] = '/';
		app_text_copy(out + used, size - used, pr->part[i].at, pr->part[i].len);
		used += strlen(out + used);
	}
	out[used < size ? used : size - 1] = '\0';
}

static void krb5_details_fill(struct krb5_state *s, const struct krb5_message *m)
{
	struct krb5_details *det = (struct krb5_details *)(void *)s->details.proto;
	memset(det, 0, sizeof(*det));
	det->msg_type = m->type;
	det->failed_request = m->has_error ? s->request : 0;
	det->has_error = m->has_error;
	det->error_code = m->error_code;
	det->has_etype = m->has_etype;
	det->etype = m->etype;
	det->has_ticket = m->has_ticket;
	det->ticket_etype = m->ticket_etype;
	det->has_cname = m->cname.present;
	krb5_principal_text(det->cname, sizeof(det->cname), &m->cname);
	det->has_sname = m->sname.present;
	krb5_principal_text(det->sname, sizeof(det->sname), &m->sname);
	det->has_realm = m->realm.at != NULL;
	if (m->realm.at)
		app_text_copy(det->realm, sizeof(det->realm), m->realm.at, m->realm.len);
}

static void krb5_set(struct app_unit *u, int b, const struct krb5_principal *pr, uint32_t i)
{
	if (i >= pr->count)
		return;
	u->buffer[b] = pr->part[i].at;
	u->buffer_len[b] = pr->part[i].len;
}

/* One whole message (or as much as was kept): its units. */
static void krb5_message(struct krb5_state *s, const uint8_t *p, uint32_t len, app_emit_fn emit,
			 void *arg)
{
	struct krb5_message m;
	if (!krb5_message_read(p, len, &m)) {
		struct app_unit unit = {.details = &s->details, .error = true};
		emit(arg, &unit);
		return;
	}
	if (m.type != KRB5_AS_REQ && m.type != KRB5_AS_REP && m.type != KRB5_TGS_REQ &&
	    m.type != KRB5_TGS_REP && m.type != KRB5_ERROR)
		return;
	krb5_details_fill(s, &m);
	bool request = m.type == KRB5_AS_REQ || m.type == KRB5_TGS_REQ;
	s->request = request ? m.type : 0;
	struct rule_krb5_meta meta = {
	    .head = {RULE_PROTO_KRB5, sizeof(meta)},
	    .msg_type = m.type,
	    .has_error = m.has_error,
	    .error_code = m.error_code,
	    .has_ticket = m.has_ticket,
	    .ticket_etype = m.ticket_etype,
	    .ticket_weak = m.has_ticket && rule_krb5_etype_weak(m.ticket_etype),
	};
	uint32_t units = 1;
	if (request) {
		units = m.cname.count > units ? m.cname.count : units;
		units = m.sname.count > units ? m.sname.count : units;
	}
	s->message_rules.matched_count = s->message_rules.waiting_count = 0;
	for (uint32_t i = 0; i < units; i++) {
		/* one message, one record: the other units repeat it with other name parts */
		struct app_unit u = {.details = &s->details, .repeat = i > 0};
		u.window.buffers = app_parser_krb5.buffers;
		u.window.rules = &s->message_rules;
		u.buffer[RULE_BUFFER_APP_META] = (const uint8_t *)&meta;
		u.buffer_len[RULE_BUFFER_APP_META] = sizeof(meta);
		if (request) {
			krb5_set(&u, RULE_BUFFER_KRB5_CNAME, &m.cname, i);
			krb5_set(&u, RULE_BUFFER_KRB5_SNAME, &m.sname, i);
		}
		emit(arg, &u);
	}
}

static void krb5_tcp_bytes(struct krb5_state *s, enum app_direction dir, const uint8_t *data,
			   uint32_t len, app_emit_fn emit, void *arg)
{
	struct krb5_tcp_direction *d = &s->tcp[dir];
	while (len && !s->broken) {
		if (d->mark_len < sizeof(d->mark)) {
			if (!app_prefix_gather(d->mark, sizeof(d->mark), &d->mark_len, &data, &len))
				continue;
			/* the high bit announces a longer mark RFC 4120 never defined */
			if (d->mark[0] & 0x80) {
				s->broken = true;
				struct app_unit unit = {.details = &s->details, .error = true};
				emit(arg, &unit);
				return;
			}
			d->length = (uint32_t)d->mark[0] << 24 | (uint32_t)d->mark[1] << 16 |
				    (uint32_t)d->mark[2] << 8 | d->mark[3];
			d->seen = 0;
		}
		if (!app_message_take(d->message, KRB5_MESSAGE_MAX, d->length, &d->seen, &data,
				      &len))
			continue;
		d->mark_len = 0;
		krb5_message(s, d->message,
			     d->length < KRB5_MESSAGE_MAX ? d->length : KRB5_MESSAGE_MAX, emit,
			     arg);
	}
}

static void krb5_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		       app_emit_fn emit, void *arg)
{
	struct krb5_state *s = state;

	dir &= 1;
	if (!len)
		return;
	if (s->transport == KRB5_UNDECIDED) {
		s->transport = (data[0] & 0xe0) == DER_APPLICATION ? KRB5_UDP : KRB5_TCP;
		/* once per flow, like create(): the fast path allocates nothing per packet */
		if (s->transport == KRB5_TCP && !(s->tcp = calloc(2, sizeof(*s->tcp))))
			s->broken = true;
	}
	if (s->transport == KRB5_TCP)
		krb5_tcp_bytes(s, dir, data, len, emit, arg);
	else
		krb5_message(s, data, len, emit, arg);
}

/* ---- detection ---- */

/* An APPLICATION tag 10..30, a SEQUENCE, then [0] or [1] INTEGER 5 (pvno). */
static enum app_detect_result krb5_detect_message(const uint8_t *p, uint32_t len)
{
	uint8_t tag;
	struct app_ber in = {p, len}, app, seq;

	if (len < 2)
		return APP_DETECT_NEED_MORE;
	if ((p[0] & 0xe0) != DER_APPLICATION || (p[0] & 0x1f) < KRB5_AS_REQ ||
	    (p[0] & 0x1f) > KRB5_ERROR)
		return APP_DETECT_NO;
	if (!app_ber_next(&in, &tag, &app))
		return len < 8 ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
	if (!app.len)
		return APP_DETECT_NEED_MORE;
	if (!app_ber_next(&app, &tag, &seq) || tag != DER_SEQUENCE)
		return app.len < 2 ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
	static const uint8_t pvno[] = {0x03, DER_INTEGER, 0x01, 0x05};
	if (seq.len < 1 + sizeof(pvno))
		return seq.at + seq.len == p + len ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
	if ((seq.at[0] != (DER_CONTEXT | 0) && seq.at[0] != (DER_CONTEXT | 1)) ||
	    memcmp(seq.at + 1, pvno, sizeof(pvno)) != 0)
		return APP_DETECT_NO;
	return APP_DETECT_YES;
}

static enum app_detect_result krb5_detect(const uint8_t *data, uint32_t len,
					  enum app_direction direction)
{
	(void)direction;
	if (len && (data[0] & 0xe0) == DER_APPLICATION)
		return krb5_detect_message(data, len);
	/* TCP: a record mark, then the message */
	if (len < 4)
		return len && data[0] != 0 ? APP_DETECT_NO : APP_DETECT_NEED_MORE;
	uint32_t mark =
	    (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	if (mark == 0 || mark > KRB5_RECORD_PROBE)
		return APP_DETECT_NO;
	if (len == 4)
		return APP_DETECT_NEED_MORE;
	if ((data[4] & 0xe0) != DER_APPLICATION)
		return APP_DETECT_NO;
	return krb5_detect_message(data + 4, len - 4 < mark ? len - 4 : mark);
}

static void *krb5_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct krb5_state));
}

static void krb5_destroy(void *state)
{
	struct krb5_state *s = state;
	if (!s)
		return;
	free(s->tcp);
	free(s);
}

static const char *krb5_msg_name(uint32_t type)
{
	switch (type) {
	case KRB5_AS_REQ:
		return "KRB_AS_REQ";
	case KRB5_AS_REP:
		return "KRB_AS_REP";
	case KRB5_TGS_REQ:
		return "KRB_TGS_REQ";
	case KRB5_TGS_REP:
		return "KRB_TGS_REP";
	case KRB5_ERROR:
		return "KRB_ERROR";
	default:
		return NULL;
	}
}

/* RFC 4120 7.5.9's names of the error codes. _(code, name) */
#define foreach_krb5_error                                                                         \
	_(0, "KDC_ERR_NONE")                                                                       \
	_(1, "KDC_ERR_NAME_EXP")                                                                   \
	_(2, "KDC_ERR_SERVICE_EXP")                                                                \
	_(3, "KDC_ERR_BAD_PVNO")                                                                   \
	_(4, "KDC_ERR_C_OLD_MAST_KVNO")                                                            \
	_(5, "KDC_ERR_S_OLD_MAST_KVNO")                                                            \
	_(6, "KDC_ERR_C_PRINCIPAL_UNKNOWN")                                                        \
	_(7, "KDC_ERR_S_PRINCIPAL_UNKNOWN")                                                        \
	_(8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE")                                                       \
	_(9, "KDC_ERR_NULL_KEY")                                                                   \
	_(10, "KDC_ERR_CANNOT_POSTDATE")                                                           \
	_(11, "KDC_ERR_NEVER_VALID")                                                               \
	_(12, "KDC_ERR_POLICY")                                                                    \
	_(13, "KDC_ERR_BADOPTION")                                                                 \
	_(14, "KDC_ERR_ETYPE_NOSUPP")                                                              \
	_(15, "KDC_ERR_SUMTYPE_NOSUPP")                                                            \
	_(16, "KDC_ERR_PADATA_TYPE_NOSUPP")                                                        \
	_(17, "KDC_ERR_TRTYPE_NOSUPP")                                                             \
	_(18, "KDC_ERR_CLIENT_REVOKED")                                                            \
	_(19, "KDC_ERR_SERVICE_REVOKED")                                                           \
	_(20, "KDC_ERR_TGT_REVOKED")                                                               \
	_(21, "KDC_ERR_CLIENT_NOTYET")                                                             \
	_(22, "KDC_ERR_SERVICE_NOTYET")                                                            \
	_(23, "KDC_ERR_KEY_EXPIRED")                                                               \
	_(24, "KDC_ERR_PREAUTH_FAILED")                                                            \
	_(25, "KDC_ERR_PREAUTH_REQUIRED")                                                          \
	_(26, "KDC_ERR_SERVER_NOMATCH")                                                            \
	_(27, "KDC_ERR_MUST_USE_USER2USER")                                                        \
	_(28, "KDC_ERR_PATH_NOT_ACCEPTED")                                                         \
	_(29, "KDC_ERR_SVC_UNAVAILABLE")                                                           \
	_(31, "KRB_AP_ERR_BAD_INTEGRITY")                                                          \
	_(32, "KRB_AP_ERR_TKT_EXPIRED")                                                            \
	_(33, "KRB_AP_ERR_TKT_NYV")                                                                \
	_(34, "KRB_AP_ERR_REPEAT")                                                                 \
	_(35, "KRB_AP_ERR_NOT_US")                                                                 \
	_(36, "KRB_AP_ERR_BADMATCH")                                                               \
	_(37, "KRB_AP_ERR_SKEW")                                                                   \
	_(38, "KRB_AP_ERR_BADADDR")                                                                \
	_(39, "KRB_AP_ERR_BADVERSION")                                                             \
	_(40, "KRB_AP_ERR_MSG_TYPE")                                                               \
	_(41, "KRB_AP_ERR_MODIFIED")                                                               \
	_(42, "KRB_AP_ERR_BADORDER")                                                               \
	_(44, "KRB_AP_ERR_BADKEYVER")                                                              \
	_(45, "KRB_AP_ERR_NOKEY")                                                                  \
	_(46, "KRB_AP_ERR_MUT_FAIL")                                                               \
	_(47, "KRB_AP_ERR_BADDIRECTION")                                                           \
	_(48, "KRB_AP_ERR_METHOD")                                                                 \
	_(49, "KRB_AP_ERR_BADSEQ")                                                                 \
	_(50, "KRB_AP_ERR_INAPP_CKSUM")                                                            \
	_(51, "KRB_AP_PATH_NOT_ACCEPTED")                                                          \
	_(52, "KRB_ERR_RESPONSE_TOO_BIG")                                                          \
	_(60, "KRB_ERR_GENERIC")                                                                   \
	_(61, "KRB_ERR_FIELD_TOOLONG")                                                             \
	_(62, "KDC_ERROR_CLIENT_NOT_TRUSTED")                                                      \
	_(63, "KDC_ERROR_KDC_NOT_TRUSTED")                                                         \
	_(64, "KDC_ERROR_INVALID_SIG")                                                             \
	_(65, "KDC_ERR_KEY_TOO_WEAK")                                                              \
	_(66, "KDC_ERR_CERTIFICATE_MISMATCH")                                                      \
	_(67, "KRB_AP_ERR_NO_TGT")                                                                 \
	_(68, "KDC_ERR_WRONG_REALM")                                                               \
	_(69, "KRB_AP_ERR_USER_TO_USER_REQUIRED")                                                  \
	_(70, "KDC_ERR_CANT_VERIFY_CERTIFICATE")                                                   \
	_(71, "KDC_ERR_INVALID_CERTIFICATE")                                                       \
	_(72, "KDC_ERR_REVOKED_CERTIFICATE")                                                       \
	_(73, "KDC_ERR_REVOCATION_STATUS_UNKNOWN")                                                 \
	_(74, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE")                                             \
	_(75, "KDC_ERR_CLIENT_NAME_MISMATCH")                                                      \
	_(76, "KDC_ERR_KDC_NAME_MISMATCH")

static const char *krb5_error_name(uint32_t code)
{
	switch (code) {
#define _(n, name)                                                                                 \
	case n:                                                                                    \
		return name;
		foreach_krb5_error
#undef _
	}
	return NULL;
}

/* A name from a table, or the number as text when the table has none. */
static void krb5_eve_name(struct app_json *out, const char *key, const char *name, int64_t n)
{
	char number[24];
	if (!name) {
		snprintf(number, sizeof(number), "%lld", (long long)n);
		name = number;
	}
	app_json_key(out, key);
	app_json_string(out, name);
}

static void krb5_eve_text(struct app_json *out, const char *key, const char *text, size_t size,
			  bool present)
{
	app_json_key(out, key);
	if (present && text[0])
		app_json_bytes(out, text, strnlen(text, size));
	else
		app_json_string(out, "<empty>");
}

/* EVE: ,"krb5":{"msg_type":..,"cname":..,"realm":..,"sname":..,"encryption":..,...}. */
static void krb5_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct krb5_details *det = (const struct krb5_details *)(const void *)d->proto;
	app_json_key(out, "krb5");
	app_json_begin(out, "{");
	krb5_eve_name(out, "msg_type", krb5_msg_name(det->msg_type), det->msg_type);
	if (det->has_error) {
		if (det->failed_request)
			krb5_eve_name(out, "failed_request", krb5_msg_name(det->failed_request),
				      det->failed_request);
		krb5_eve_name(out, "error_code", krb5_error_name(det->error_code), det->error_code);
	}
	krb5_eve_text(out, "cname", det->cname, sizeof(det->cname), det->has_cname);
	krb5_eve_text(out, "realm", det->realm, sizeof(det->realm), det->has_realm);
	krb5_eve_text(out, "sname", det->sname, sizeof(det->sname), det->has_sname);
	if (det->has_etype)
		krb5_eve_name(out, "encryption", rule_krb5_etype_name(det->etype), det->etype);
	else
		krb5_eve_name(out, "encryption", "<none>", 0);
	app_json_key(out, "weak_encryption");
	app_json_put(out, det->has_etype && rule_krb5_etype_weak(det->etype) ? "true" : "false");
	if (det->has_ticket) {
		krb5_eve_name(out, "ticket_encryption", rule_krb5_etype_name(det->ticket_etype),
			      det->ticket_etype);
		app_json_key(out, "ticket_weak_encryption");
		app_json_put(out, rule_krb5_etype_weak(det->ticket_etype) ? "true" : "false");
	}
	app_json_end(out, "}");
}

const struct app_parser app_parser_krb5 = {
    .name = "krb5",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_KRB5,
    .tcp = true,
    .udp = true,
    .buffers = APP_BUFFER(KRB5_CNAME) | APP_BUFFER(KRB5_SNAME) | APP_BUFFER(APP_META),
    .detect = krb5_detect,
    .create = krb5_create,
    .destroy = krb5_destroy,
    .parse = krb5_parse,
    .eve_details = krb5_eve_details,
};
