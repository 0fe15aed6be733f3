/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LDAP parser (RFC 4511) over TCP (and UDP, whose datagrams read the
 * same): each LDAPMessage is a BER SEQUENCE of a message id and one
 * protocol operation under an APPLICATION tag (bind, search, modify, ...,
 * extended), reassembled per direction and kept up to LDAP_MESSAGE_MAX
 * bytes (a longer one is read as far as it was kept). Messages wrapped by
 * SASL or TLS are not LDAP any more to this parser: they do not parse and
 * are skipped.
 *
 * A request and the responses carrying its message id are one
 * transaction, as in Suricata (a search's entries, then its done);
 * responses with no request (a notice of disconnection, id 0, or a flow
 * picked up late) make one of their own. At most LDAP_TX_MAX transactions
 * are open at once; a new one beyond pushes out the oldest. Each message
 * is a unit carrying app.meta (struct rule_ldap_meta: the request's
 * operation, the responses' operations so far) and, as multi-buffers,
 * the attribute types a search request asks for
 * (ldap.request.attribute_type) or a search result entry returns
 * (ldap.responses.attribute_type); the units of one transaction share
 * the list of matched rules, so a rule alerts once per transaction.
 *
 * EVE ldap records are one per transaction, written with the message
 * that completes it (a response that is not an entry, a reference or
 * intermediate; an unbind or abandon, which get none), as Suricata
 * writes them: request{message_id, operation, search_request{base_object,
 * scope, attributes}}, responses[{message_id, operation,
 * search_result_entry{base_object, attributes[{type}]} or the result's
 * result_code, matched_dn, message}].
 *
 * Detection: a SEQUENCE whose first element is a message id (an INTEGER
 * of one to four bytes) followed by an APPLICATION tag of an operation
 * RFC 4511 defines.
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

#define LDAP_MESSAGE_MAX   8192 /* bytes of one message kept, per direction */
#define LDAP_TX_MAX	   4	/* transactions open at once */
#define LDAP_ATTRS_MAX	   8	/* attribute types of one message handed to the rules */
#define LDAP_EVE_ATTRS	   6	/* attribute types of one message EVE shows */
#define LDAP_EVE_TEXT	   32	/* bytes of one attribute type kept for EVE */
#define LDAP_EVE_RESPONSES 4	/* responses of a transaction EVE shows */

/* Operations that answer a request without ending its transaction. */
static bool ldap_op_continues(uint8_t op)
{
	return op == RULE_LDAP_SEARCH_RESULT_ENTRY || op == RULE_LDAP_SEARCH_RESULT_REFERENCE ||
	       op == RULE_LDAP_INTERMEDIATE_RESPONSE;
}

/* Requests that get no response. */
static bool ldap_op_alone(uint8_t op)
{
	return op == RULE_LDAP_UNBIND_REQUEST || op == RULE_LDAP_ABANDON_REQUEST;
}

struct ldap_response_details {
	uint8_t op;
	bool has_result;
	int32_t result_code;
	uint8_t attr_count;
	char base_object[64]; /* an entry's objectName, or a result's matchedDN */
	char message[48];
	char attrs[LDAP_EVE_ATTRS][LDAP_EVE_TEXT];
};

/* One transaction as EVE shows it. */
struct ldap_details {
	int32_t message_id;
	bool has_request;
	uint8_t request_op;
	int32_t scope;
	uint8_t attr_count;
	char base_object[128];
	char attrs[LDAP_EVE_ATTRS][LDAP_EVE_TEXT];
	uint8_t response_count; /* shown: at most LDAP_EVE_RESPONSES */
	struct ldap_response_details responses[LDAP_EVE_RESPONSES];
};
APP_DETAILS_FITS(struct ldap_details);

struct ldap_tx {
	bool used;
	uint64_t age; /* order of creation: the oldest goes first */
	struct rule_ldap_meta meta;
	struct ldap_details details;
	struct app_body_rules rules; /* rules matched on the transaction so far */
};

struct ldap_direction {
	uint8_t header[6]; /* SEQUENCE tag and up to 5 bytes of length */
	uint8_t header_len;
	bool header_done;
	uint32_t length;
	uint32_t seen;
	uint8_t message[LDAP_MESSAGE_MAX];
};

struct ldap_state {
	struct app_details details; /* the transaction of the unit being emitted */
	uint64_t next_age;
	struct ldap_tx tx[LDAP_TX_MAX];
	struct ldap_direction *dir; /* [2], allocated at the first data */
	bool broken;
};

/* One parsed message. */
struct ldap_message {
	int32_t id;
	uint8_t op;
	struct app_ber op_content;
	struct app_ber attrs[LDAP_ATTRS_MAX];
	uint32_t attr_count;
	struct app_ber base_object;	    /* the request's DN, or the entry's objectName */
	struct app_ber matched_dn, message; /* an LDAPResult's */
	int32_t scope, result_code;
	bool has_scope, has_result;
};

/* The message id and operation of an LDAPMessage's content. */
static bool ldap_envelope(struct app_ber seq, struct ldap_message *m)
{
	struct app_ber id;
	uint8_t tag;
	if (!app_ber_next(&seq, &tag, &id) || tag != APP_BER_INTEGER || !app_ber_int(id, &m->id) ||
	    !app_ber_next(&seq, &tag, &m->op_content))
		return false;
	if ((tag & 0xc0) != APP_BER_APPLICATION)
		return false;
	m->op = tag & 0x1f;
	return true;
}

/* A SEQUENCE OF OCTET STRING (a search request's attributes) into m. */
static void ldap_attribute_list(struct app_ber list, struct ldap_message *m)
{
	struct app_ber item;
	uint8_t tag;
	while (m->attr_count < LDAP_ATTRS_MAX && app_ber_next(&list, &tag, &item))
		if (tag == APP_BER_OCTETS)
			m->attrs[m->attr_count++] = item;
}

static void ldap_search_request(struct app_ber op, struct ldap_message *m)
{
	struct app_ber field;
	uint8_t tag;
	if (!app_ber_next(&op, &tag, &m->base_object) || tag != APP_BER_OCTETS)
		return;
	m->has_scope = app_ber_next(&op, &tag, &field) && app_ber_int(field, &m->scope);
	/* derefAliases, sizeLimit, timeLimit, typesOnly, filter */
	for (int i = 0; i < 5; i++)
		if (!app_ber_next(&op, &tag, &field))
			return;
	if (app_ber_next(&op, &tag, &field) && tag == APP_BER_SEQUENCE)
		ldap_attribute_list(field, m);
}

/* A search result entry: objectName, then attributes, each a SEQUENCE of type and values. */
static void ldap_search_entry(struct app_ber op, struct ldap_message *m)
{
	struct app_ber list, attr, type;
	uint8_t tag;
	if (!app_ber_next(&op, &tag, &m->base_object) || tag != APP_BER_OCTETS ||
	    !app_ber_next(&op, &tag, &list) || tag != APP_BER_SEQUENCE)
		return;
	while (m->attr_count < LDAP_ATTRS_MAX && app_ber_next(&list, &tag, &attr))
		if (tag == APP_BER_SEQUENCE && app_ber_unwrap(attr, APP_BER_OCTETS, &type))
			m->attrs[m->attr_count++] = type;
}

/* An LDAPResult's resultCode, matchedDN and diagnosticMessage (most responses start with one). */
static void ldap_result(struct app_ber op, struct ldap_message *m)
{
	struct app_ber code, dn, message;
	uint8_t tag;
	if (!app_ber_next(&op, &tag, &code) || tag != APP_BER_ENUMERATED ||
	    !app_ber_int(code, &m->result_code))
		return;
	m->has_result = true;
	if (!app_ber_next(&op, &tag, &dn) || tag != APP_BER_OCTETS)
		return;
	m->matched_dn = dn;
	if (app_ber_next(&op, &tag, &message) && tag == APP_BER_OCTETS)
		m->message = message;
}

/* The DN a request names: a bind's name (after the version), the object of the others. */
static void ldap_request_dn(struct ldap_message *m)
{
	struct app_ber op = m->op_content, field;
	uint8_t tag;
	if (m->op == RULE_LDAP_DEL_REQUEST) {
		m->base_object = op; /* a primitive LDAPDN */
		return;
	}
	if (m->op == RULE_LDAP_BIND_REQUEST && !app_ber_next(&op, &tag, &field))
		return;
	if (m->op != RULE_LDAP_BIND_REQUEST && m->op != RULE_LDAP_MODIFY_REQUEST &&
	    m->op != RULE_LDAP_ADD_REQUEST && m->op != RULE_LDAP_MOD_DN_REQUEST &&
	    m->op != RULE_LDAP_COMPARE_REQUEST)
		return;
	if (app_ber_next(&op, &tag, &field) && tag == APP_BER_OCTETS)
		m->base_object = field;
}

/* The transaction of id, or a new one (the oldest pushed out when all are taken). */
static struct ldap_tx *ldap_tx_for(struct ldap_state *s, int32_t id, bool create)
{
	struct ldap_tx *oldest = &s->tx[0];
	for (int i = 0; i < LDAP_TX_MAX; i++) {
		struct ldap_tx *t = &s->tx[i];
		if (t->used && t->details.message_id == id && !create)
			return t;
		if (!t->used || (oldest->used && t->age < oldest->age))
			oldest = t;
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->used = true;
	oldest->age = s->next_age++;
	oldest->details.message_id = id;
	oldest->meta.head = (struct rule_app_meta_head){RULE_PROTO_LDAP, sizeof(oldest->meta)};
	return oldest;
}

static void ldap_attrs_text(char (*out)[LDAP_EVE_TEXT], uint8_t *count,
			    const struct ldap_message *m)
{
	*count = 0;
	for (uint32_t i = 0; i < m->attr_count && i < LDAP_EVE_ATTRS; i++)
		app_text_copy(out[(*count)++], LDAP_EVE_TEXT, m->attrs[i].at, m->attrs[i].len);
}

static void ldap_tx_request(struct ldap_tx *t, const struct ldap_message *m)
{
	t->meta.has_request = 1;
	t->meta.request_op = m->op;
	t->details.has_request = true;
	t->details.request_op = m->op;
	t->details.scope = m->has_scope ? m->scope : -1;
	if (m->base_object.at)
		app_text_copy(t->details.base_object, sizeof(t->details.base_object),
			      m->base_object.at, m->base_object.len);
	ldap_attrs_text(t->details.attrs, &t->details.attr_count, m);
}

static void ldap_tx_response(struct ldap_tx *t, const struct ldap_message *m)
{
	uint32_t i = t->meta.response_count++;
	if (i < RULE_LDAP_RESPONSES_MAX) {
		t->meta.responses[i] = m->op;
		t->meta.result_codes[i] = (uint32_t)m->result_code;
		if (m->has_result)
			t->meta.has_result |= 1u << i;
	}
	if (t->details.response_count >= LDAP_EVE_RESPONSES)
		return;
	struct ldap_response_details *r = &t->details.responses[t->details.response_count++];
	memset(r, 0, sizeof(*r));
	r->op = m->op;
	r->has_result = m->has_result;
	r->result_code = m->result_code;
	struct app_ber dn = m->matched_dn.at ? m->matched_dn : m->base_object;
	if (dn.at)
		app_text_copy(r->base_object, sizeof(r->base_object), dn.at, dn.len);
	if (m->message.at)
		app_text_copy(r->message, sizeof(r->message), m->message.at, m->message.len);
	ldap_attrs_text(r->attrs, &r->attr_count, m);
}

static void ldap_set(struct app_unit *u, int b, struct app_ber field)
{
	if (!field.at)
		return;
	u->buffer[b] = field.at;
	u->buffer_len[b] = field.len;
}

/* One whole message (or as much as was kept): its units. */
static void ldap_message(struct ldap_state *s, const uint8_t *p, uint32_t len, app_emit_fn emit,
			 void *arg)
{
	struct ldap_message m;
	struct app_ber in = {p, len}, seq;
	uint8_t tag;

	memset(&m, 0, sizeof(m));
	if (!app_ber_next(&in, &tag, &seq) || tag != APP_BER_SEQUENCE || !ldap_envelope(seq, &m))
		return; /* SASL- or TLS-wrapped, or not LDAP: nothing to read */
	bool request = rule_ldap_op_is_request(m.op);
	if (m.op == RULE_LDAP_SEARCH_REQUEST)
		ldap_search_request(m.op_content, &m);
	else if (request)
		ldap_request_dn(&m);
	else if (m.op == RULE_LDAP_SEARCH_RESULT_ENTRY)
		ldap_search_entry(m.op_content, &m);
	else if (!request && m.op != RULE_LDAP_SEARCH_RESULT_REFERENCE)
		ldap_result(m.op_content, &m);

	struct ldap_tx *t = ldap_tx_for(s, m.id, request);
	if (request)
		ldap_tx_request(t, &m);
	else
		ldap_tx_response(t, &m);
	bool complete = request ? ldap_op_alone(m.op) : !ldap_op_continues(m.op);
	memcpy(s->details.proto, &t->details, sizeof(t->details));

	int attrs = request ? RULE_BUFFER_LDAP_REQUEST_ATTRIBUTE_TYPE
			    : RULE_BUFFER_LDAP_RESPONSES_ATTRIBUTE_TYPE;
	uint32_t units = m.attr_count ? m.attr_count : 1;
	for (uint32_t i = 0; i < units; i++) {
		/* the last unit of the message that completes the transaction writes its record */
		struct app_unit u = {.details = &s->details, .repeat = !complete || i + 1 < units};
		u.window.buffers = app_parser_ldap.buffers;
		u.window.rules = &t->rules;
		u.buffer[RULE_BUFFER_APP_META] = (const uint8_t *)&t->meta;
		u.buffer_len[RULE_BUFFER_APP_META] = sizeof(t->meta);
		if (m.attr_count) {
			u.buffer[attrs] = m.attrs[i].at;
			u.buffer_len[attrs] = m.attrs[i].len;
		}
		ldap_set(&u, request ? RULE_BUFFER_LDAP_REQUEST_DN : RULE_BUFFER_LDAP_RESPONSES_DN,
			 m.matched_dn.at ? m.matched_dn : m.base_object);
		ldap_set(&u, RULE_BUFFER_LDAP_RESPONSES_MESSAGE, m.message);
		emit(arg, &u);
	}
	if (complete)
		t->used = false;
}

/* The length of the SEQUENCE header held: 1 done, 0 more bytes needed, -1 not BER. */
static int ldap_header(struct ldap_direction *d)
{
	if (d->header[0] != APP_BER_SEQUENCE)
		return -1;
	if (d->header_len < 2)
		return 0;
	uint8_t n = d->header[1];
	if (!(n & 0x80)) {
		d->length = n;
		return 1;
	}
	uint32_t bytes = n & 0x7f;
	if (bytes == 0 || bytes > 4)
		return -1;
	if (d->header_len < 2 + bytes)
		return 0;
	d->length = 0;
	for (uint32_t i = 0; i < bytes; i++)
		d->length = d->length << 8 | d->header[2 + i];
	return 1;
}

static void ldap_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		       app_emit_fn emit, void *arg)
{
	struct ldap_state *s = state;

	dir &= 1;
	if (!len || s->broken)
		return;
	/* once per flow, like create(): the fast path allocates nothing per packet */
	if (!s->dir && !(s->dir = calloc(2, sizeof(*s->dir)))) {
		s->broken = true;
		return;
	}
	struct ldap_direction *d = &s->dir[dir];
	while (len) {
		if (!d->header_done) {
			d->header[d->header_len++] = *data++;
			len--;
			int done = ldap_header(d);
			if (done < 0) {
				/* not a message start: SASL or TLS took over, or garbage */
				d->header_len = 0;
				struct app_unit unit = {.details = &s->details, .error = true};
				emit(arg, &unit);
				s->broken = true;
				return;
			}
			if (!done)
				continue;
			d->header_done = true;
			d->seen = 0;
		}
		/* the message is kept whole, its header first, so the reader sees a SEQUENCE */
		uint32_t head = d->header_len;
		if (d->seen == 0)
			memcpy(d->message, d->header, head);
		uint32_t kept = d->seen + head;
		uint32_t want = d->length - d->seen;
		uint32_t take = len < want ? len : want;
		if (kept < LDAP_MESSAGE_MAX) {
			uint32_t room = LDAP_MESSAGE_MAX - kept;
			memcpy(d->message + kept, data, take < room ? take : room);
		}
		d->seen += take;
		data += take;
		len -= take;
		if (d->seen < d->length)
			continue;
		d->header_done = false;
		d->header_len = 0;
		uint64_t total = (uint64_t)head + d->length;
		ldap_message(s, d->message,
			     total < LDAP_MESSAGE_MAX ? (uint32_t)total : LDAP_MESSAGE_MAX, emit,
			     arg);
	}
}

/* ---- detection ---- */

static enum app_detect_result ldap_detect(const uint8_t *data, uint32_t len,
					  enum app_direction direction)
{
	struct app_ber in = {data, len}, seq, id;
	uint8_t tag;
	(void)direction;

	if (len < 2)
		return len && data[0] != APP_BER_SEQUENCE ? APP_DETECT_NO : APP_DETECT_NEED_MORE;
	if (data[0] != APP_BER_SEQUENCE || !app_ber_next(&in, &tag, &seq))
		return APP_DETECT_NO;
	if (seq.len < 2)
		return APP_DETECT_NEED_MORE;
	if (seq.at[0] != APP_BER_INTEGER || seq.at[1] < 1 || seq.at[1] > 4)
		return APP_DETECT_NO;
	if (!app_ber_next(&seq, &tag, &id) || seq.len < 1)
		return APP_DETECT_NEED_MORE;
	uint8_t op = seq.at[0];
	if ((op & 0xc0) != APP_BER_APPLICATION || !rule_ldap_op_name(op & 0x1f))
		return APP_DETECT_NO;
	/* unbind, delete and abandon are primitive; the others constructed */
	bool primitive = (op & 0x1f) == RULE_LDAP_UNBIND_REQUEST ||
			 (op & 0x1f) == RULE_LDAP_DEL_REQUEST ||
			 (op & 0x1f) == RULE_LDAP_ABANDON_REQUEST;
	return !(op & APP_BER_CONSTRUCTED) == primitive ? APP_DETECT_YES : APP_DETECT_NO;
}

static void *ldap_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct ldap_state));
}

static void ldap_destroy(void *state)
{
	struct ldap_state *s = state;
	if (!s)
		return;
	free(s->dir);
	free(s);
}

/* ---- EVE ---- */

static void ldap_eve_op(struct app_json *out, uint8_t op)
{
	const char *name = rule_ldap_op_name(op);
	if (name) {
		app_json_key(out, "operation");
		app_json_string(out, name);
	} else {
		app_json_uint(out, "operation", op);
	}
}

static void ldap_eve_attrs(struct app_json *out, char (*attrs)[LDAP_EVE_TEXT], uint8_t count,
			   bool typed)
{
	app_json_key(out, "attributes");
	app_json_put(out, "[");
	for (uint8_t i = 0; i < count && i < LDAP_EVE_ATTRS; i++) {
		if (i)
			app_json_put(out, ",");
		if (typed) {
			app_json_begin(out, "{");
			app_json_text(out, "type", attrs[i], LDAP_EVE_TEXT);
			app_json_end(out, "}");
		} else {
			app_json_text_value(out, attrs[i], LDAP_EVE_TEXT, false);
		}
	}
	app_json_put(out, "]");
}

static void ldap_eve_response(struct app_json *out, const struct ldap_response_details *r,
			      int32_t message_id)
{
	char name[40];
	app_json_begin(out, "{");
	app_json_uint(out, "message_id", (uint32_t)message_id);
	ldap_eve_op(out, r->op);
	const char *op = rule_ldap_op_name(r->op);
	if (op && (r->op == RULE_LDAP_SEARCH_RESULT_ENTRY || r->has_result)) {
		app_text_copy(name, sizeof(name), op, strlen(op));
		app_json_key(out, name);
		app_json_begin(out, "{");
		if (r->op == RULE_LDAP_SEARCH_RESULT_ENTRY) {
			app_json_text(out, "base_object", r->base_object, sizeof(r->base_object));
			ldap_eve_attrs(out, (char(*)[LDAP_EVE_TEXT])r->attrs, r->attr_count, true);
		} else {
			char number[16];
			const char *code = rule_ldap_result_name((uint32_t)r->result_code);
			if (!code) {
				snprintf(number, sizeof(number), "%u", (uint32_t)r->result_code);
				code = number;
			}
			app_json_key(out, "result_code");
			app_json_string(out, code);
			app_json_key(out, "matched_dn");
			app_json_bytes(out, r->base_object,
				       strnlen(r->base_object, sizeof(r->base_object)));
			app_json_key(out, "message");
			app_json_bytes(out, r->message, strnlen(r->message, sizeof(r->message)));
		}
		app_json_end(out, "}");
	}
	app_json_end(out, "}");
}

/* EVE: ,"ldap":{"request":{"message_id":..,"operation":..,...},"responses":[{...}]}. */
static void ldap_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct ldap_details *det = (const struct ldap_details *)(const void *)d->proto;
	app_json_key(out, "ldap");
	app_json_begin(out, "{");
	if (det->has_request) {
		app_json_key(out, "request");
		app_json_begin(out, "{");
		app_json_uint(out, "message_id", (uint32_t)det->message_id);
		ldap_eve_op(out, det->request_op);
		if (det->request_op == RULE_LDAP_SEARCH_REQUEST) {
			app_json_key(out, "search_request");
			app_json_begin(out, "{");
			app_json_text(out, "base_object", det->base_object,
				      sizeof(det->base_object));
			if (det->scope >= 0)
				app_json_uint(out, "scope", (uint32_t)det->scope);
			ldap_eve_attrs(out, (char(*)[LDAP_EVE_TEXT])det->attrs, det->attr_count,
				       false);
			app_json_end(out, "}");
		}
		app_json_end(out, "}");
	}
	if (det->response_count) {
		app_json_key(out, "responses");
		app_json_put(out, "[");
		for (uint8_t i = 0; i < det->response_count && i < LDAP_EVE_RESPONSES; i++) {
			if (i)
				app_json_put(out, ",");
			ldap_eve_response(out, &det->responses[i], det->message_id);
		}
		app_json_put(out, "]");
	}
	app_json_end(out, "}");
}

const struct app_parser app_parser_ldap = {
    .name = "ldap",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_LDAP,
    .tcp = true,
    .udp = true,
    .buffers = APP_BUFFER(LDAP_REQUEST_ATTRIBUTE_TYPE) | APP_BUFFER(LDAP_RESPONSES_ATTRIBUTE_TYPE) |
	       APP_BUFFER(LDAP_REQUEST_DN) | APP_BUFFER(LDAP_RESPONSES_DN) |
	       APP_BUFFER(LDAP_RESPONSES_MESSAGE) | APP_BUFFER(APP_META),
    .detect = ldap_detect,
    .create = ldap_create,
    .destroy = ldap_destroy,
    .parse = ldap_parse,
    .eve_details = ldap_eve_details,
};
