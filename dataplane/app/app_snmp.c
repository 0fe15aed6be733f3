/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SNMP parser (v1 RFC 1157, v2c RFC 1901, v3 RFC 3412/3414) over UDP:
 * each datagram is one BER message. v1 and v2c carry a community string
 * and a PDU in the clear; v3 carries the user (USM's msgUserName) and a
 * scoped PDU, in the clear unless privacy is on (then only the user is
 * read). Each message is a unit with app.meta (struct rule_snmp_meta:
 * version, PDU type) and the buffers snmp.community and snmp.usm; EVE
 * snmp records are one per message (version, pdu_type, the variables'
 * OIDs, community or usm). A datagram that is no SNMP message is an
 * error unit.
 *
 * Detection: a SEQUENCE whose first element is the version INTEGER 0, 1
 * or 3, followed by an OCTET STRING (the community) for 0 and 1, or a
 * SEQUENCE (msgGlobalData) for 3.
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

#define SNMP_EVE_VARS 4	 /* variables EVE shows */
#define SNMP_OID_TEXT 64 /* bytes of one OID's dotted text kept */

struct snmp_details {
	uint32_t version;
	bool has_pdu;
	uint8_t pdu_type;
	uint8_t var_count;
	char community[64];
	char usm[64];
	char vars[SNMP_EVE_VARS][SNMP_OID_TEXT];
};
APP_DETAILS_FITS(struct snmp_details);

struct snmp_state {
	struct app_details details;
};

struct snmp_message {
	int32_t version;
	struct app_ber community, usm;
	bool has_pdu;
	uint8_t pdu_type;
	struct app_ber vars[SNMP_EVE_VARS];
	uint32_t var_count;
};

/* A PDU (context tag 0..8): its type and its variables' OIDs. */
static void snmp_pdu(uint8_t tag, struct app_ber pdu, struct snmp_message *m)
{
	struct app_ber field, list, bind, oid;
	uint8_t t;

	m->has_pdu = true;
	m->pdu_type = tag & 0x1f;
	/* Trap-PDU (v1): enterprise, agent address, generic, specific, timestamp */
	int skip = m->pdu_type == RULE_SNMP_TRAP_V1 ? 5 : 3;
	for (int i = 0; i < skip; i++)
		if (!app_ber_next(&pdu, &t, &field))
			return;
	if (!app_ber_next(&pdu, &t, &list) || t != APP_BER_SEQUENCE)
		return;
	while (m->var_count < SNMP_EVE_VARS && app_ber_next(&list, &t, &bind))
		if (t == APP_BER_SEQUENCE && app_ber_unwrap(bind, 0x06, &oid))
			m->vars[m->var_count++] = oid;
}

/* v3: msgGlobalData, msgSecurityParameters (USM), msgData (a scoped PDU when not encrypted). */
static void snmp_v3(struct app_ber msg, struct snmp_message *m)
{
	struct app_ber global, security, usm, field, data, scoped;
	uint8_t t;

	if (!app_ber_next(&msg, &t, &global) || t != APP_BER_SEQUENCE ||
	    !app_ber_next(&msg, &t, &security) || t != APP_BER_OCTETS ||
	    !app_ber_unwrap(security, APP_BER_SEQUENCE, &usm))
		return;
	/* engine id, boots, time, then the user name */
	for (int i = 0; i < 3; i++)
		if (!app_ber_next(&usm, &t, &field))
			return;
	if (app_ber_next(&usm, &t, &field) && t == APP_BER_OCTETS)
		m->usm = field;
	if (!app_ber_next(&msg, &t, &data) || t != APP_BER_SEQUENCE)
		return; /* encrypted: an OCTET STRING */
	scoped = data;
	/* contextEngineID, contextName, then the PDU */
	for (int i = 0; i < 2; i++)
		if (!app_ber_next(&scoped, &t, &field))
			return;
	if (app_ber_next(&scoped, &t, &field) && (t & 0xe0) == APP_BER_CONTEXT)
		snmp_pdu(t, field, m);
}

static bool snmp_read(const uint8_t *p, uint32_t len, struct snmp_message *m)
{
	struct app_ber in = {p, len}, msg, version, field;
	uint8_t t;

	memset(m, 0, sizeof(*m));
	if (!app_ber_next(&in, &t, &msg) || t != APP_BER_SEQUENCE ||
	    !app_ber_next(&msg, &t, &version) || t != APP_BER_INTEGER ||
	    !app_ber_int(version, &m->version))
		return false;
	if (m->version == 3) {
		snmp_v3(msg, m);
		return true;
	}
	if ((m->version != 0 && m->version != 1) || !app_ber_next(&msg, &t, &m->community) ||
	    t != APP_BER_OCTETS)
		return false;
	if (app_ber_next(&msg, &t, &field) && (t & 0xe0) == APP_BER_CONTEXT)
		snmp_pdu(t, field, m);
	return true;
}

/* An OID's dotted text ("1.3.6.1.2.1.1.3.0"), cut to size. */
static void snmp_oid_text(char *out, size_t size, struct app_ber oid)
{
	size_t used = 0;
	uint64_t v = 0;
	bool first = true;
	out[0] = '\0';
	for (uint32_t i = 0; i < oid.len && used + 24 < size; i++) {
		v = v << 7 | (oid.at[i] & 0x7f);
		if (oid.at[i] & 0x80) {
			if (v >> 56)
				return; /* a sub-identifier too long to be one */
			continue;
		}
		if (first) {
			uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
			used += (size_t)snprintf(out + used, size - used, "%llu.%llu",
						 (unsigned long long)a,
						 (unsigned long long)(v - 40 * a));
			first = false;
		} else {
			used += (size_t)snprintf(out + used, size - used, ".%llu",
						 (unsigned long long)v);
		}
		v = 0;
	}
}

static void snmp_details_fill(struct snmp_details *det, const struct snmp_message *m)
{
	memset(det, 0, sizeof(*det));
	det->version = m->version == 0 ? 1 : m->version == 1 ? 2 : (uint32_t)m->version;
	det->has_pdu = m->has_pdu;
	det->pdu_type = m->pdu_type;
	if (m->community.at)
		app_text_copy(det->community, sizeof(det->community), m->community.at,
			      m->community.len);
	if (m->usm.at)
		app_text_copy(det->usm, sizeof(det->usm), m->usm.at, m->usm.len);
	for (uint32_t i = 0; i < m->var_count && i < SNMP_EVE_VARS; i++)
		snmp_oid_text(det->vars[det->var_count++], SNMP_OID_TEXT, m->vars[i]);
}

static void snmp_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		       app_emit_fn emit, void *arg)
{
	struct snmp_state *s = state;
	struct snmp_message m;
	(void)dir;

	if (!data || !len)
		return;
	if (!snmp_read(data, len, &m)) {
		struct app_unit unit = {.details = &s->details, .error = true};
		emit(arg, &unit);
		return;
	}
	struct snmp_details *det = (struct snmp_details *)(void *)s->details.proto;
	snmp_details_fill(det, &m);
	struct rule_snmp_meta meta = {
	    .head = {RULE_PROTO_SNMP, sizeof(meta)},
	    .version = det->version,
	    .has_pdu = m.has_pdu,
	    .pdu_type = m.pdu_type,
	};
	struct app_unit u = {.details = &s->details};
	u.buffer[RULE_BUFFER_APP_META] = (const uint8_t *)&meta;
	u.buffer_len[RULE_BUFFER_APP_META] = sizeof(meta);
	if (m.community.at) {
		u.buffer[RULE_BUFFER_SNMP_COMMUNITY] = m.community.at;
		u.buffer_len[RULE_BUFFER_SNMP_COMMUNITY] = m.community.len;
	}
	if (m.usm.at) {
		u.buffer[RULE_BUFFER_SNMP_USM] = m.usm.at;
		u.buffer_len[RULE_BUFFER_SNMP_USM] = m.usm.len;
	}
	emit(arg, &u);
}

static enum app_detect_result snmp_detect(const uint8_t *data, uint32_t len,
					  enum app_direction direction)
{
	(void)direction;
	if (len < 6)
		return len && data[0] != APP_BER_SEQUENCE ? APP_DETECT_NO : APP_DETECT_NEED_MORE;
	struct app_ber in = {data, len}, msg, version;
	uint8_t t;
	int32_t v;
	if (!app_ber_next(&in, &t, &msg) || t != APP_BER_SEQUENCE ||
	    !app_ber_next(&msg, &t, &version) || t != APP_BER_INTEGER ||
	    !app_ber_int(version, &v) || msg.len < 1)
		return APP_DETECT_NO;
	if (v == 0 || v == 1)
		return msg.at[0] == APP_BER_OCTETS ? APP_DETECT_YES : APP_DETECT_NO;
	return v == 3 && msg.at[0] == APP_BER_SEQUENCE ? APP_DETECT_YES : APP_DETECT_NO;
}

static void *snmp_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct snmp_state));
}

static void snmp_destroy(void *state)
{
	free(state);
}

/* EVE: ,"snmp":{"version":2,"pdu_type":"get_request","vars":[..],"community":".."}. */
static void snmp_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct snmp_details *det = (const struct snmp_details *)(const void *)d->proto;
	app_json_key(out, "snmp");
	app_json_begin(out, "{");
	app_json_uint(out, "version", det->version);
	if (det->has_pdu) {
		const char *name = rule_snmp_pdu_name(det->pdu_type);
		if (name) {
			app_json_key(out, "pdu_type");
			app_json_string(out, name);
		} else {
			app_json_uint(out, "pdu_type", det->pdu_type);
		}
	}
	if (det->var_count) {
		app_json_key(out, "vars");
		app_json_put(out, "[");
		for (uint8_t i = 0; i < det->var_count && i < SNMP_EVE_VARS; i++) {
			if (i)
				app_json_put(out, ",");
			app_json_text_value(out, det->vars[i], SNMP_OID_TEXT, false);
		}
		app_json_put(out, "]");
	}
	app_json_text(out, "community", det->community, sizeof(det->community));
	app_json_text(out, "usm", det->usm, sizeof(det->usm));
	app_json_end(out, "}");
}

const struct app_parser app_parser_snmp = {
    .name = "snmp",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_SNMP,
    .tcp = false,
    .udp = true,
    .buffers = APP_BUFFER(SNMP_COMMUNITY) | APP_BUFFER(SNMP_USM) | APP_BUFFER(APP_META),
    .detect = snmp_detect,
    .create = snmp_create,
    .destroy = snmp_destroy,
    .parse = snmp_parse,
    .eve_details = snmp_eve_details,
};
