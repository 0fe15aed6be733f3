/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FTP control channel (RFC 959, 2428): the client's command lines and the
 * server's replies, one transaction per command with the replies it got
 * (the server's greeting is a transaction with no command, as Suricata
 * counts it). A transaction is inspected as Suricata inspects one, once
 * per direction at most:
 *   toward the server, when its command comes (ftp.command,
 *     ftp.command_data, what the command itself says: PORT/EPRT's mode,
 *     port and address), and again when the client's next command comes,
 *     with what the replies added (PASV/EPSV's port, reply_received), so a
 *     rule "flow:to_server; ftp.dynamic_port:N" finds a port the reply gave;
 *   toward the client, at each reply line (ftp.reply and
 *     ftp.completion_code: that line's text and code).
 * The units of a transaction share one list of matched rules per
 * direction (struct app_body_rules), so a rule alerts once per direction.
 * Its EVE record goes with its final reply (a code not 1xx), or when the
 * next command or the end of the flow leaves it unanswered.
 *
 * A data command (RETR, STOR, APPE, STOU) after a PORT, EPRT, PASV or EPSV
 * announces the data connection: the unit carries an app_expectation, and
 * the flow that connects to that port becomes ftp-data (app_ftp_data.c).
 * After AUTH TLS and the server's 234, the session is encrypted and both
 * directions stop. Lines are cut at FTP_LINE_MAX bytes; a PORT or reply
 * that does not parse announces nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"

#define FTP_LINE_MAX	 1024 /* RFC 959 sets no limit; Suricata keeps 4 KB of a command */
#define FTP_COMMAND_MAX	 16   /* the longest command word kept ("XCRC", "MLSD", ...) */
#define FTP_REPLIES_KEPT 3    /* reply lines of a transaction kept for EVE */
#define FTP_REPLY_KEPT	 112  /* so the ftp object, every byte escaped, stays under 4 KB */

/* EVE's ftp object for the transaction so far (texts NUL-terminated, may be empty). */
struct ftp_details {
	char command[FTP_COMMAND_MAX];
	char command_data[256];
	char reply[FTP_REPLIES_KEPT][FTP_REPLY_KEPT];
	char code[FTP_REPLIES_KEPT][4];
	uint8_t reply_count; /* kept in reply and code */
	uint8_t has_command;
	uint8_t reply_received;
	uint8_t mode; /* enum rule_ftp_mode */
	uint8_t command_cut, reply_cut;
	uint16_t dynamic_port;
};
APP_DETAILS_FITS(struct ftp_details);

struct ftp_line {
	uint16_t len;
	uint8_t bytes[FTP_LINE_MAX];
};

struct ftp_state {
	struct app_details details;
	struct ftp_line line[2];
	struct app_body_rules rules[2];	  /* the transaction's, by enum app_direction */
	struct rule_ftp_meta meta;	  /* the transaction's */
	uint8_t command[FTP_COMMAND_MAX]; /* the command word, upper case */
	uint32_t command_len;
	bool open;	/* a transaction waits for its final reply */
	bool reinspect; /* the last transaction was answered since its command was inspected */
	bool multiline; /* inside a "123-" reply, until "123 " */
	bool auth_pending;
	bool done; /* encrypted after AUTH TLS: both directions ignored */
	bool ended[2];
	/* the data port the latest PORT, EPRT, PASV or EPSV gave; 0: none */
	uint16_t data_port;
	struct app_expectation expect;
};

static struct ftp_details *ftp_details_of(struct ftp_state *s)
{
	return (struct ftp_details *)(void *)s->details.proto;
}

static bool ftp_is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static bool ftp_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number of at most max from p (advanced past it); false when none or too big. */
static bool ftp_number(const uint8_t **p, const uint8_t *end, uint32_t max, uint32_t *out)
{
	uint32_t n = 0;
	const uint8_t *q = *p;
	while (q < end && ftp_is_digit(*q) && q - *p < 6)
		n = n * 10 + (uint32_t)(*q++ - '0');
	if (q == *p || n > max)
		return false;
	*p = q;
	*out = n;
	return true;
}

/*
 * "h1,h2,h3,h4,p1,p2" (PORT's argument, PASV's reply after its first
 * digit): the address and the port. Blanks around the commas are allowed,
 * as servers accept them.
 */
static bool ftp_host_port(const uint8_t *p, const uint8_t *end, uint8_t addr[4], uint16_t *port)
{
	uint32_t v[6];
	for (int i = 0; i < 6; i++) {
		while (p < end && ftp_is_space(*p))
			p++;
		if (!ftp_number(&p, end, 255, &v[i]))
			return false;
		while (p < end && ftp_is_space(*p))
			p++;
		if (i < 5 && (p >= end || *p++ != ','))
			return false;
	}
	for (int i = 0; i < 4; i++)
		addr[i] = (uint8_t)v[i];
	*port = (uint16_t)(v[4] << 8 | v[5]);
	return *port != 0;
}

/*
 * EPRT's "|1|132.235.1.2|6275|" or "|2|1080::8:800:200C:417A|5282|" (RFC
 * 2428: any printable delimiter): the port, and the IPv4 address when
 * the family is 1.
 */
static bool ftp_eprt(const uint8_t *p, const uint8_t *end, uint8_t addr[4], bool *ipv4,
		     uint16_t *port)
{
	if (end - p < 6)
		return false;
	uint8_t d = *p++;
	uint32_t family, n;
	if (!ftp_number(&p, end, 2, &family) || p >= end || *p++ != d)
		return false;
	const uint8_t *host = p;
	while (p < end && *p != d)
		p++;
	if (p >= end)
		return false;
	const uint8_t *host_end = p++;
	if (!ftp_number(&p, end, 65535, &n) || n == 0 || p >= end || *p != d)
		return false;
	*port = (uint16_t)n;
	*ipv4 = false;
	if (family == 1) {
		const uint8_t *h = host;
		for (int i = 0; i < 4; i++) {
			uint32_t octet;
			if (!ftp_number(&h, host_end, 255, &octet) ||
			    (i < 3 && (h >= host_end || *h++ != '.')))
				return true; /* a port without a readable address */
			addr[i] = (uint8_t)octet;
		}
		*ipv4 = h == host_end;
	}
	return true;
}

/* EPSV's reply "229 Entering Extended Passive Mode (|||6446|)": the port. */
static bool ftp_epsv_reply(const uint8_t *p, const uint8_t *end, uint16_t *port)
{
	const uint8_t *open = memchr(p, '(', (size_t)(end - p));
	if (!open || end - open < 6)
		return false;
	p = open + 1;
	uint8_t d = *p;
	if (p[1] != d || p[2] != d)
		return false;
	p += 3;
	uint32_t n;
	if (!ftp_number(&p, end, 65535, &n) || n == 0 || p >= end || *p != d)
		return false;
	*port = (uint16_t)n;
	return true;
}

/* PASV's reply "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)": the port, the text's first digits on. */
static bool ftp_pasv_reply(const uint8_t *p, const uint8_t *end, uint16_t *port)
{
	uint8_t addr[4];
	while (p < end && !ftp_is_digit(*p))
		p++;
	return ftp_host_port(p, end, addr, port);
}

static bool ftp_command_is(const struct ftp_state *s, const char *word)
{
	return s->command_len == strlen(word) && !memcmp(s->command, word, s->command_len);
}

/* The unit of the transaction for dir: its buffers, its meta, its rules. */
static void ftp_unit(struct ftp_state *s, enum app_direction dir, struct app_unit *unit)
{
	*unit = (struct app_unit){.details = &s->details, .repeat = true};
	if (s->command_len) {
		unit->buffer[RULE_BUFFER_FTP_COMMAND] = s->command;
		unit->buffer_len[RULE_BUFFER_FTP_COMMAND] = s->command_len;
		struct ftp_details *det = ftp_details_of(s);
		unit->buffer[RULE_BUFFER_FTP_COMMAND_DATA] = (const uint8_t *)det->command_data;
		unit->buffer_len[RULE_BUFFER_FTP_COMMAND_DATA] =
		    (uint32_t)strlen(det->command_data);
	}
	unit->buffer[RULE_BUFFER_FTP_META] = (const uint8_t *)&s->meta;
	unit->buffer_len[RULE_BUFFER_FTP_META] = sizeof(s->meta);
	unit->window.buffers = app_parser_ftp.buffers;
	unit->window.rules = &s->rules[dir];
}

/* A new transaction: details, meta and the rules that matched start empty. */
static void ftp_transaction_begin(struct ftp_state *s)
{
	memset(ftp_details_of(s), 0, sizeof(struct ftp_details));
	memset(&s->meta, 0, sizeof(s->meta));
	for (int d = 0; d < 2; d++)
		s->rules[d].matched_count = s->rules[d].waiting_count = 0;
	s->command_len = 0;
	s->open = true;
	s->reinspect = false;
}

/* The transaction ends unanswered (the next command came, or the flow ended): its record. */
static void ftp_transaction_unanswered(struct ftp_state *s, enum app_direction dir,
				       app_emit_fn emit, void *arg)
{
	struct app_unit unit;
	ftp_unit(s, dir, &unit);
	unit.repeat = false;
	s->open = false;
	s->meta.complete = 1;
	emit(arg, &unit);
}

/* What PORT, EPRT, PASV and EPSV say about the data connection, and which data command announces it. */
static void ftp_command_meta(struct ftp_state *s, const uint8_t *arg, const uint8_t *end,
			     struct app_unit *unit)
{
	struct ftp_details *det = ftp_details_of(s);
	uint16_t port = 0;
	bool ipv4 = true;
	if (ftp_command_is(s, "PORT") || ftp_command_is(s, "EPRT")) {
		s->meta.mode = det->mode = RULE_FTP_MODE_ACTIVE;
		bool ok = ftp_command_is(s, "PORT")
			      ? ftp_host_port(arg, end, s->meta.port_addr, &port)
			      : ftp_eprt(arg, end, s->meta.port_addr, &ipv4, &port);
		if (!ok)
			return;
		s->meta.dynamic_port = det->dynamic_port = s->data_port = port;
		s->meta.port_announced = ipv4;
	} else if (ftp_command_is(s, "PASV") || ftp_command_is(s, "EPSV")) {
		s->meta.mode = det->mode = RULE_FTP_MODE_PASSIVE;
	} else if (ftp_command_is(s, "AUTH")) {
		s->auth_pending = true;
	} else if (s->data_port && (ftp_command_is(s, "RETR") || ftp_command_is(s, "STOR") ||
				    ftp_command_is(s, "APPE") || ftp_command_is(s, "STOU"))) {
		s->expect.port = s->data_port;
		s->expect.proto = RULE_PROTO_FTP_DATA;
		s->expect.command =
		    ftp_command_is(s, "RETR") ? RULE_FTPDATA_RETR : RULE_FTPDATA_STOR;
		app_text_copy(s->expect.name, sizeof(s->expect.name), arg, (size_t)(end - arg));
		unit->expect = &s->expect;
	}
}

static void ftp_client_line(struct ftp_state *s, const uint8_t *line, uint32_t len,
			    app_emit_fn emit, void *arg)
{
	struct app_unit unit;
	if (s->reinspect) {
		/* the answered transaction, toward the server again with what its replies gave */
		s->reinspect = false;
		ftp_unit(s, APP_TO_SERVER, &unit);
		emit(arg, &unit);
	}
	if (s->open)
		ftp_transaction_unanswered(s, APP_TO_SERVER, emit, arg);
	while (len && ftp_is_space(*line))
		line++, len--;
	while (len && ftp_is_space(line[len - 1]))
		len--;
	if (!len)
		return; /* an empty line is no command */
	ftp_transaction_begin(s);
	struct ftp_details *det = ftp_details_of(s);
	const uint8_t *end = line + len, *p = line;
	while (p < end && !ftp_is_space(*p))
		p++;
	uint32_t word = (uint32_t)(p - line);
	/* upper case, as Suricata names a command whatever case the client wrote */
	for (uint32_t i = 0; i < word && i < FTP_COMMAND_MAX; i++)
		s->command[i] =
		    (uint8_t)(line[i] >= 'a' && line[i] <= 'z' ? line[i] - 32 : line[i]);
	s->command_len = word < FTP_COMMAND_MAX ? word : FTP_COMMAND_MAX;
	det->has_command = 1;
	det->command_cut =
	    app_text_copy(det->command, sizeof(det->command), s->command, s->command_len) ||
	    word > FTP_COMMAND_MAX;
	if (p < end)
		p++; /* the one space between command and argument */
	det->command_cut |=
	    app_text_copy(det->command_data, sizeof(det->command_data), p, (size_t)(end - p));
	ftp_unit(s, APP_TO_SERVER, &unit);
	ftp_command_meta(s, p, end, &unit);
	emit(arg, &unit);
}

/* The reply's data port (227 PASV, 229 EPSV) and what AUTH's 234 means. */
static void ftp_reply_meta(struct ftp_state *s, const uint8_t *line, uint32_t len)
{
	struct ftp_details *det = ftp_details_of(s);
	uint16_t port = 0;
	const uint8_t *end = line + len;
	if (!memcmp(line, "227", 3) && ftp_pasv_reply(line + 3, end, &port)) {
		s->meta.mode = det->mode = RULE_FTP_MODE_PASSIVE;
		s->meta.dynamic_port = det->dynamic_port = s->data_port = port;
	} else if (!memcmp(line, "229", 3) && ftp_epsv_reply(line + 3, end, &port)) {
		s->meta.mode = det->mode = RULE_FTP_MODE_PASSIVE;
		s->meta.dynamic_port = det->dynamic_port = s->data_port = port;
	} else if (!memcmp(line, "234", 3) && s->auth_pending) {
		s->done = true; /* TLS from the next byte on */
	}
	if (line[0] != '1')
		s->auth_pending = false;
}

static void ftp_server_line(struct ftp_state *s, const uint8_t *line, uint32_t len,
			    app_emit_fn emit, void *arg)
{
	bool coded = len >= 3 && ftp_is_digit(line[0]) && ftp_is_digit(line[1]) &&
		     ftp_is_digit(line[2]) && (len == 3 || line[3] == ' ' || line[3] == '-');
	if (!coded)
		return; /* a continuation line of a multi-line reply (" MDTM"), or noise */
	bool final = len == 3 || line[3] == ' ';
	if (!s->open)
		ftp_transaction_begin(s); /* the greeting, or a reply to no command */
	struct ftp_details *det = ftp_details_of(s);
	const uint8_t *text = line + (len > 3 ? 4 : 3);
	uint32_t text_len = len > 3 ? len - 4 : 0;
	if (det->reply_count < FTP_REPLIES_KEPT) {
		unsigned i = det->reply_count++;
		memcpy(det->code[i], line, 3);
		det->code[i][3] = '\0';
		det->reply_cut |=
		    (uint8_t)(app_text_copy(det->reply[i], sizeof(det->reply[i]), text, text_len)
			      << i);
	}
	s->meta.reply_received = det->reply_received = 1;
	struct app_unit unit;
	ftp_unit(s, APP_TO_CLIENT, &unit);
	unit.buffer[RULE_BUFFER_FTP_REPLY] = text;
	unit.buffer_len[RULE_BUFFER_FTP_REPLY] = text_len;
	unit.buffer[RULE_BUFFER_FTP_COMPLETION_CODE] = line;
	unit.buffer_len[RULE_BUFFER_FTP_COMPLETION_CODE] = 3;
	if (!final) {
		s->multiline = true;
	} else {
		s->multiline = false;
		ftp_reply_meta(s, line, len);
		if (line[0] != '1') {
			/* the transaction is complete: its record, and another look toward the server */
			unit.repeat = false;
			s->open = false;
			s->meta.complete = 1;
			s->reinspect = det->has_command;
		}
	}
	emit(arg, &unit);
}

/* The end of a direction: a transaction the server never answered gets its record. */
static void ftp_end(struct ftp_state *s, enum app_direction dir, app_emit_fn emit, void *arg)
{
	s->ended[dir] = true;
	if (s->open && ftp_details_of(s)->has_command && s->ended[APP_TO_CLIENT])
		ftp_transaction_unanswered(s, dir, emit, arg);
}

static void ftp_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	struct ftp_state *s = state;
	struct ftp_line *l = &s->line[dir & 1];

	if (!len && !s->done)
		ftp_end(s, dir, emit, arg);
	uint32_t n;
	while (len && !s->done) {
		if (!app_line_gather(l->bytes, FTP_LINE_MAX, &l->len, &data, &len, &n))
			break;
		if (dir == APP_TO_SERVER)
			ftp_client_line(s, l->bytes, n, emit, arg);
		else
			ftp_server_line(s, l->bytes, n, emit, arg);
	}
}

/* The commands a client opens with, or sends first after a greeting vigil missed. */
static const char *const ftp_first_commands[] = {"USER ", "AUTH ", "FEAT",  "SYST",  "OPTS ",
						 "PASV",  "EPSV",  "PORT ", "EPRT ", NULL};

/*
 * A greeting "220 " or "220-" whose first line says FTP (vsFTPd, ProFTPD,
 * Microsoft FTP Service, Pure-FTPd do; FileZilla does not): a "220" alone is
 * also SMTP's greeting, and a mail server's that does not say SMTP must
 * still be left to its client's EHLO. A greeting that says neither leaves
 * the decision to the client's first command.
 */
static enum app_detect_result ftp_detect_greeting(const uint8_t *data, uint32_t len)
{
	if (memcmp(data, "220", len < 3 ? len : 3))
		return APP_DETECT_NO;
	if (len < 4)
		return APP_DETECT_NEED_MORE;
	if (data[3] != ' ' && data[3] != '-')
		return APP_DETECT_NO;
	uint32_t end = len < FTP_LINE_MAX ? len : FTP_LINE_MAX;
	for (uint32_t i = 4; i + 3 <= end && data[i] != '\n'; i++)
		if (!strncasecmp((const char *)data + i, "FTP", 3))
			return APP_DETECT_YES;
	return memchr(data, '\n', end) || len >= FTP_LINE_MAX ? APP_DETECT_NO
							      : APP_DETECT_NEED_MORE;
}

/* Toward the client, a greeting that says FTP; toward the server, a command a session starts with. */
static enum app_detect_result ftp_detect(const uint8_t *data, uint32_t len,
					 enum app_direction direction)
{
	if (!len)
		return APP_DETECT_NEED_MORE;
	if (direction == APP_TO_CLIENT)
		return ftp_detect_greeting(data, len);
	bool more = false;
	for (unsigned i = 0; ftp_first_commands[i]; i++) {
		size_t n = strlen(ftp_first_commands[i]);
		if (strncasecmp((const char *)data, ftp_first_commands[i], len < n ? len : n))
			continue;
		if (len >= n)
			return APP_DETECT_YES;
		more = true;
	}
	return more ? APP_DETECT_NEED_MORE : APP_DETECT_NO;
}

static void *ftp_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct ftp_state));
}

static void ftp_destroy(void *state)
{
	free(state);
}

/* EVE: ,"ftp":{"command":...,"command_data":...,"reply":[...],"completion_code":[...],...}. */
static void ftp_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct ftp_details *det = (const struct ftp_details *)(const void *)d->proto;
	app_json_key(out, "ftp");
	app_json_begin(out, "{");
	app_json_text(out, "command", det->command, sizeof(det->command));
	app_json_text_cut(out, "command_data", det->command_data, sizeof(det->command_data),
			  det->command_cut);
	unsigned n = det->reply_count < FTP_REPLIES_KEPT ? det->reply_count : FTP_REPLIES_KEPT;
	if (n) {
		app_json_key(out, "reply");
		app_json_put(out, "[");
		for (unsigned i = 0; i < n; i++) {
			if (i)
				app_json_put(out, ",");
			app_json_text_value(out, det->reply[i], sizeof(det->reply[i]),
					    det->reply_cut & (1u << i));
		}
		app_json_put(out, "]");
		app_json_key(out, "completion_code");
		app_json_put(out, "[");
		for (unsigned i = 0; i < n; i++) {
			if (i)
				app_json_put(out, ",");
			app_json_text_value(out, det->code[i], sizeof(det->code[i]), false);
		}
		app_json_put(out, "]");
	}
	if (det->dynamic_port)
		app_json_uint(out, "dynamic_port", det->dynamic_port);
	if (det->mode)
		app_json_text(out, "mode", det->mode == RULE_FTP_MODE_ACTIVE ? "active" : "passive",
			      8);
	app_json_text(out, "reply_received", det->reply_received ? "yes" : "no", 4);
	app_json_end(out, "}");
}

const struct app_parser app_parser_ftp = {
    .name = "ftp",
    .proto = RULE_PROTO_FTP,
    .tcp = true,
    .udp = false,
    .buffers = APP_BUFFER(FTP_COMMAND) | APP_BUFFER(FTP_COMMAND_DATA) | APP_BUFFER(FTP_REPLY) |
	       APP_BUFFER(FTP_COMPLETION_CODE) | APP_BUFFER(FTP_META),
    .detect = ftp_detect,
    .create = ftp_create,
    .destroy = ftp_destroy,
    .parse = ftp_parse,
    .eve_details = ftp_eve_details,
};
