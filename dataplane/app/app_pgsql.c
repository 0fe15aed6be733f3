/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PostgreSQL frontend/backend protocol 3.0 over TCP (the server's
 * documentation, "Frontend/Backend Protocol"). The client opens with an
 * untyped message (a length and a code: StartupMessage with protocol
 * 3.0, SSLRequest or GSSENCRequest, answered by the server's one byte
 * 'S' or 'N', or CancelRequest); every later message in either direction
 * is a type byte and a length that counts itself. Messages are
 * reassembled per direction, kept up to PGSQL_MESSAGE_MAX bytes (the rest
 * of a longer one, a big data row, is skipped unread). Once the server
 * accepts TLS ('S'), nothing more is read.
 *
 * Each request (the startup, a password, a simple query, an extended
 * query's Parse, a termination) is a transaction, numbered from 1 as
 * Suricata's tx_id; its response is the server's messages until the one
 * that ends it (ReadyForQuery, an authentication request, the SSL
 * answer). A simple query's unit carries pgsql.query; the response's
 * unit writes the EVE pgsql record: the request (simple_query, or what
 * the message was) and the response (field_count, data_rows, data_size:
 * the bytes of the rows' values, command_completed, and an error's
 * fields as Suricata names them). Password messages are never kept.
 *
 * Detection: a first client message whose length and code are one of
 * those four (a StartupMessage's length at least 8 and under 10,000).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"

#define PGSQL_MESSAGE_MAX 8192 /* bytes of one message kept, per direction */
#define PGSQL_STARTUP_MAX 10000
#define PGSQL_TEXT_MAX	  256

#define PGSQL_PROTOCOL_3  196608u   /* 3.0 */
#define PGSQL_SSL_REQUEST 80877103u /* 1234.5679 */
#define PGSQL_GSS_REQUEST 80877104u /* 1234.5680 */
#define PGSQL_CANCEL	  80877102u /* 1234.5678 */

enum pgsql_request {
	PGSQL_REQ_NONE,
	PGSQL_REQ_STARTUP,
	PGSQL_REQ_SSL,
	PGSQL_REQ_GSS,
	PGSQL_REQ_CANCEL,
	PGSQL_REQ_PASSWORD,
	PGSQL_REQ_QUERY,
	PGSQL_REQ_PARSE,
	PGSQL_REQ_TERMINATE,
	PGSQL_REQ_OTHER,
};

/* EVE's pgsql object of one transaction. */
struct pgsql_details {
	uint64_t tx_id;
	uint8_t request; /* enum pgsql_request */
	bool has_response, ssl_accepted, has_error, has_fields, has_rows;
	uint32_t field_count, data_rows;
	uint64_t data_size;
	char query[1024];
	char command[PGSQL_TEXT_MAX];
	char severity[32], severity_nl[32], code[16], line[16];
	char message[PGSQL_TEXT_MAX], file[PGSQL_TEXT_MAX], routine[64];
	bool query_cut;
};
APP_DETAILS_FITS(struct pgsql_details);

struct pgsql_direction {
	uint8_t head[8]; /* type byte and length (the startup: length and code) */
	uint8_t head_len;
	bool untyped;	 /* the message being read is the client's untyped first */
	uint32_t length; /* of the body */
	uint32_t seen;
	uint8_t body[PGSQL_MESSAGE_MAX];
};

struct pgsql_state {
	struct app_details details;
	struct app_body_rules rules; /* the transaction's matched rules */
	uint64_t tx_count;
	bool startup_done;   /* the client sent its untyped first message(s) */
	bool ssl_answer_due; /* the server's next byte answers SSL/GSS */
	bool broken;	     /* TLS, or framing lost: nothing more is read */
	bool in_tx;	     /* a transaction awaits the end of its response */
	struct pgsql_direction dir[2];
};

static struct pgsql_details *pgsql_details_of(struct pgsql_state *s)
{
	return (struct pgsql_details *)(void *)s->details.proto;
}

static uint32_t pgsql_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A new transaction for a request; the last one's record is out already or never will be. */
static struct pgsql_details *pgsql_tx_begin(struct pgsql_state *s, enum pgsql_request request)
{
	struct pgsql_details *d = pgsql_details_of(s);
	memset(d, 0, sizeof(*d));
	d->tx_id = ++s->tx_count;
	d->request = (uint8_t)request;
	s->in_tx = true;
	s->rules.matched_count = s->rules.waiting_count = s->rules.partial_count = 0;
	return d;
}

/* A unit of the transaction: the request's (no record) or the response's end (its record). */
static void pgsql_emit(struct pgsql_state *s, bool record, const uint8_t *query, uint32_t query_len,
		       app_emit_fn emit, void *arg)
{
	struct app_unit u = {.details = &s->details, .repeat = !record};
	u.window.buffers = app_parser_pgsql.buffers;
	u.window.rules = &s->rules;
	if (query) {
		u.buffer[RULE_BUFFER_PGSQL_QUERY] = query;
		u.buffer_len[RULE_BUFFER_PGSQL_QUERY] = query_len;
	}
	emit(arg, &u);
}

static void pgsql_tx_end(struct pgsql_state *s, app_emit_fn emit, void *arg)
{
	if (!s->in_tx)
		return;
	s->in_tx = false;
	pgsql_emit(s, true, NULL, 0, emit, arg);
}

/* ---- the client ---- */

static void pgsql_startup(struct pgsql_state *s, uint32_t code, app_emit_fn emit, void *arg)
{
	enum pgsql_request r = code == PGSQL_SSL_REQUEST   ? PGSQL_REQ_SSL
			       : code == PGSQL_GSS_REQUEST ? PGSQL_REQ_GSS
			       : code == PGSQL_CANCEL	   ? PGSQL_REQ_CANCEL
							   : PGSQL_REQ_STARTUP;
	pgsql_tx_begin(s, r);
	if (r == PGSQL_REQ_SSL || r == PGSQL_REQ_GSS)
		s->ssl_answer_due = true; /* and another untyped message follows */
	else
		s->startup_done = true;
	pgsql_emit(s, false, NULL, 0, emit, arg);
	if (r == PGSQL_REQ_CANCEL)
		pgsql_tx_end(s, emit, arg); /* no answer comes */
}

static void pgsql_client_message(struct pgsql_state *s, uint8_t type, const uint8_t *body,
				 uint32_t len, app_emit_fn emit, void *arg)
{
	enum pgsql_request r;
	switch (type) {
	case 'Q':
		r = PGSQL_REQ_QUERY;
		break;
	case 'p':
		r = PGSQL_REQ_PASSWORD;
		break;
	case 'P':
		r = PGSQL_REQ_PARSE;
		break;
	case 'X':
		r = PGSQL_REQ_TERMINATE;
		break;
	case 'B':
	case 'E':
	case 'D':
	case 'S':
	case 'H':
	case 'C':
		return; /* the rest of an extended query: Parse began its transaction */
	default:
		r = PGSQL_REQ_OTHER;
		break;
	}
	struct pgsql_details *d = pgsql_tx_begin(s, r);
	if (r != PGSQL_REQ_QUERY) {
		pgsql_emit(s, false, NULL, 0, emit, arg);
		if (r == PGSQL_REQ_TERMINATE)
			pgsql_tx_end(s, emit, arg);
		return;
	}
	/* the query string, up to its NUL */
	const uint8_t *nul = memchr(body, 0, len);
	uint32_t n = nul ? (uint32_t)(nul - body) : len;
	d->query_cut = app_text_copy(d->query, sizeof(d->query), body, n);
	pgsql_emit(s, false, body, n, emit, arg);
}

/* ---- the server ---- */

/* An ErrorResponse's or NoticeResponse's fields (a code byte, a string, ..., 0). */
static void pgsql_error_fields(struct pgsql_details *d, const uint8_t *p, uint32_t len)
{
	d->has_error = true;
	while (len > 1 && p[0]) {
		uint8_t code = p[0];
		const uint8_t *value = p + 1;
		const uint8_t *nul = memchr(value, 0, len - 1);
		uint32_t n = nul ? (uint32_t)(nul - value) : len - 1;
		switch (code) {
		case 'S':
			app_text_copy(d->severity, sizeof(d->severity), value, n);
			break;
		case 'V':
			app_text_copy(d->severity_nl, sizeof(d->severity_nl), value, n);
			break;
		case 'C':
			app_text_copy(d->code, sizeof(d->code), value, n);
			break;
		case 'M':
			app_text_copy(d->message, sizeof(d->message), value, n);
			break;
		case 'F':
			app_text_copy(d->file, sizeof(d->file), value, n);
			break;
		case 'L':
			app_text_copy(d->line, sizeof(d->line), value, n);
			break;
		case 'R':
			app_text_copy(d->routine, sizeof(d->routine), value, n);
			break;
		default:
			break;
		}
		uint32_t used = 1 + n + (nul ? 1 : 0);
		p += used;
		len -= used;
	}
}

/* A DataRow: the bytes of its values (a NULL, length -1, has none). */
static uint64_t pgsql_row_size(const uint8_t *p, uint32_t len)
{
	if (len < 2)
		return 0;
	uint32_t columns = (uint32_t)p[0] << 8 | p[1];
	uint64_t size = 0;
	p += 2;
	len -= 2;
	for (uint32_t i = 0; i < columns && len >= 4; i++) {
		uint32_t n = pgsql_be32(p);
		p += 4;
		len -= 4;
		if (n == UINT32_MAX)
			continue;
		size += n;
		if (n > len)
			break; /* the rest of a long row was not kept */
		p += n;
		len -= n;
	}
	return size;
}

static void pgsql_server_message(struct pgsql_state *s, uint8_t type, const uint8_t *body,
				 uint32_t len, app_emit_fn emit, void *arg)
{
	struct pgsql_details *d = pgsql_details_of(s);
	if (!s->in_tx)
		return; /* a notification, a parameter status outside a request */
	d->has_response = true;
	switch (type) {
	case 'R': /* an authentication request; 0 (ok) goes on to ReadyForQuery */
		if (len >= 4 && pgsql_be32(body) != 0)
			pgsql_tx_end(s, emit, arg);
		break;
	case 'T':
		if (len >= 2) {
			d->has_fields = true;
			d->field_count = (uint32_t)body[0] << 8 | body[1];
		}
		break;
	case 'D':
		d->has_rows = true;
		d->data_rows++;
		d->data_size += pgsql_row_size(body, len); /* as far as kept */
		break;
	case 'C': {
		const uint8_t *nul = memchr(body, 0, len);
		app_text_copy(d->command, sizeof(d->command), body,
			      nul ? (size_t)(nul - body) : len);
		break;
	}
	case 'E':
		pgsql_error_fields(d, body, len);
		break;
	case 'Z':
		pgsql_tx_end(s, emit, arg);
		break;
	default:
		break;
	}
}

/* ---- framing ---- */

/*
 * The bytes of one direction: heads and bodies, each message handed on
 * whole (as far as kept). The client's first message (and the one after
 * an SSL refusal) has no type byte.
 */
static void pgsql_bytes(struct pgsql_state *s, enum app_direction dir, const uint8_t *data,
			uint32_t len, app_emit_fn emit, void *arg)
{
	struct pgsql_direction *d = &s->dir[dir];
	while (len && !s->broken) {
		if (dir == APP_TO_CLIENT && s->ssl_answer_due && d->head_len == 0) {
			s->ssl_answer_due = false;
			bool yes = data[0] == 'S' || data[0] == 'G';
			struct pgsql_details *det = pgsql_details_of(s);
			det->has_response = true;
			det->ssl_accepted = yes;
			data++;
			len--;
			pgsql_tx_end(s, emit, arg);
			if (yes)
				s->broken = true; /* TLS from here on: nothing to read */
			continue;
		}
		if (d->head_len == 0)
			d->untyped = dir == APP_TO_SERVER && !s->startup_done;
		bool untyped = d->untyped;
		uint8_t head = untyped ? 8 : 5;
		if (d->head_len < head) {
			d->head[d->head_len++] = *data;
			data++;
			len--;
			if (d->head_len < head)
				continue;
			uint32_t length = pgsql_be32(untyped ? d->head : d->head + 1);
			if (length < (untyped ? 8u : 4u)) {
				s->broken = true;
				struct app_unit unit = {.details = &s->details, .error = true};
				emit(arg, &unit);
				return;
			}
			d->length = length - (untyped ? 8 : 4);
			d->seen = 0;
			if (untyped)
				pgsql_startup(s, pgsql_be32(d->head + 4), emit, arg);
		}
		if (!app_message_take(d->body, PGSQL_MESSAGE_MAX, d->length, &d->seen, &data, &len))
			continue;
		d->head_len = 0;
		if (untyped)
			continue; /* its parameters are not logged */
		uint32_t kept = d->length < PGSQL_MESSAGE_MAX ? d->length : PGSQL_MESSAGE_MAX;
		if (dir == APP_TO_SERVER)
			pgsql_client_message(s, d->head[0], d->body, kept, emit, arg);
		else
			pgsql_server_message(s, d->head[0], d->body, kept, emit, arg);
	}
}

static void pgsql_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
			app_emit_fn emit, void *arg)
{
	struct pgsql_state *s = state;
	if (!len)
		return;
	pgsql_bytes(s, dir & 1, data, len, emit, arg);
}

/* ---- detection ---- */

static enum app_detect_result pgsql_detect(const uint8_t *data, uint32_t len,
					   enum app_direction direction)
{
	if (direction != APP_TO_SERVER)
		return APP_DETECT_NO; /* the server never speaks first */
	if (len < 8)
		return len >= 4 && pgsql_be32(data) < 8 ? APP_DETECT_NO
		       : len >= 1 && data[0] != 0	? APP_DETECT_NO
							: APP_DETECT_NEED_MORE;
	uint32_t length = pgsql_be32(data), code = pgsql_be32(data + 4);
	if ((code == PGSQL_SSL_REQUEST || code == PGSQL_GSS_REQUEST) && length == 8)
		return APP_DETECT_YES;
	if (code == PGSQL_CANCEL && length == 16)
		return APP_DETECT_YES;
	if (code == PGSQL_PROTOCOL_3 && length > 8 && length < PGSQL_STARTUP_MAX)
		return APP_DETECT_YES;
	return APP_DETECT_NO;
}

static void *pgsql_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct pgsql_state));
}

static void pgsql_destroy(void *state)
{
	free(state);
}

/* ---- EVE ---- */

static const char *pgsql_request_name(uint8_t r)
{
	switch (r) {
	case PGSQL_REQ_STARTUP:
		return "startup_message";
	case PGSQL_REQ_SSL:
		return "ssl_request";
	case PGSQL_REQ_GSS:
		return "gss_encryption_request";
	case PGSQL_REQ_CANCEL:
		return "cancel_request";
	case PGSQL_REQ_PASSWORD:
		return "password_message";
	case PGSQL_REQ_PARSE:
		return "parse";
	case PGSQL_REQ_TERMINATE:
		return "terminate";
	default:
		return "message";
	}
}

static void pgsql_eve_text(struct app_json *out, const char *key, const char *text, size_t size)
{
	if (!text[0])
		return;
	app_json_key(out, key);
	app_json_bytes(out, text, strnlen(text, size));
}

/*
 * EVE: ,"pgsql":{"tx_id":N,"request":{"simple_query":..},"response":{
 * "field_count":..,"data_rows":..,"data_size":..,"command_completed":..}}
 * with an error's severity_localizable, severity_non_localizable, code,
 * message, file, line and routine.
 */
static void pgsql_eve_details(const struct app_details *details, struct app_json *out)
{
	const struct pgsql_details *d = (const struct pgsql_details *)(const void *)details->proto;
	app_json_key(out, "pgsql");
	app_json_begin(out, "{");
	app_json_uint(out, "tx_id", d->tx_id);
	app_json_key(out, "request");
	app_json_begin(out, "{");
	if (d->request == PGSQL_REQ_QUERY) {
		app_json_text_cut(out, "simple_query", d->query, sizeof(d->query), d->query_cut);
	} else if (d->request == PGSQL_REQ_PASSWORD) {
		app_json_key(out, "password_redacted"); /* never kept */
		app_json_put(out, "true");
	} else if (d->request == PGSQL_REQ_STARTUP) {
		app_json_key(out, "protocol_version");
		app_json_string(out, "3.0");
	} else {
		app_json_key(out, "message");
		app_json_string(out, pgsql_request_name(d->request));
	}
	app_json_end(out, "}");
	if (d->has_response) {
		app_json_key(out, "response");
		app_json_begin(out, "{");
		if (d->request == PGSQL_REQ_SSL || d->request == PGSQL_REQ_GSS) {
			app_json_key(out, "ssl_accepted");
			app_json_put(out, d->ssl_accepted ? "true" : "false");
		}
		if (d->has_error) {
			pgsql_eve_text(out, "severity_localizable", d->severity,
				       sizeof(d->severity));
			pgsql_eve_text(out, "severity_non_localizable", d->severity_nl,
				       sizeof(d->severity_nl));
			pgsql_eve_text(out, "code", d->code, sizeof(d->code));
			pgsql_eve_text(out, "message", d->message, sizeof(d->message));
			pgsql_eve_text(out, "file", d->file, sizeof(d->file));
			pgsql_eve_text(out, "line", d->line, sizeof(d->line));
			pgsql_eve_text(out, "routine", d->routine, sizeof(d->routine));
		}
		if (d->has_fields)
			app_json_uint(out, "field_count", d->field_count);
		if (d->has_rows) {
			app_json_uint(out, "data_rows", d->data_rows);
			app_json_uint(out, "data_size", d->data_size);
		}
		pgsql_eve_text(out, "command_completed", d->command, sizeof(d->command));
		app_json_end(out, "}");
	}
	app_json_end(out, "}");
}

const struct app_parser app_parser_pgsql = {
    .name = "pgsql",
    .proto = RULE_PROTO_PGSQL,
    .tcp = true,
    .buffers = APP_BUFFER(PGSQL_QUERY),
    .detect = pgsql_detect,
    .create = pgsql_create,
    .destroy = pgsql_destroy,
    .parse = pgsql_parse,
    .eve_details = pgsql_eve_details,
};
