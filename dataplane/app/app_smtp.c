/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SMTP parser: the client's command lines (RFC 5321) become units:
 *   HELO/EHLO arg        smtp.helo
 *   MAIL FROM:<address>  smtp.mail_from (its first word, brackets kept, as Suricata)
 *   RCPT TO:<address>    smtp.rcpt_to
 * Transactions are Suricata 8.0's: the first command opens one, a
 * message's end closes it (its EVE smtp record goes then, tx_id counting
 * from 0), and the next command, even a QUIT, opens another, which
 * carries the HELO again (smtp.helo matches once per transaction) and
 * whose record the flow's end writes. After DATA the client's bytes are
 * the message up to the "CRLF.CRLF" that ends them (after BDAT, the
 * announced count, skipped unread), so a line in a mail body that reads
 * "RCPT TO:" is not taken for a command. If the server refuses DATA
 * (4xx/5xx before any message byte), command parsing resumes. After
 * STARTTLS and the server's 220 the session is encrypted and both
 * directions stop. The server's replies are only read for those two
 * decisions. Lines are cut at SMTP_LINE_MAX bytes (RFC 5321 allows 512);
 * AUTH is left to others, the message to app_mail.c.
 * The message's attachments (app_mail.c: MIME, base64, quoted-printable)
 * are files: each one, once it ends, is a unit of its own (file.data,
 * file.name, file.magic, file.meta) and a fileinfo record. Its end is a
 * unit with the email.* buffers (the message's headers and URLs: one unit
 * per URL, email.url being a multi-buffer) and EVE's email object
 * (from, to, cc, status, attachment, url, and subject, message_id and
 * x_mailer, which Suricata writes when asked for: vigil always does).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dataplane/app/app_event.h"
#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_util.h"
#include "dataplane/app/app_mail.h"
#include "dataplane/app/app_parsers.h"
#include "rules/match/match.h"

#define SMTP_LINE_MAX 1024

static const char smtp_data_end[] = "\r\n.\r\n";

/* A line being collected; past SMTP_LINE_MAX its bytes are dropped and the start is used. */
struct smtp_line {
	uint16_t len;
	uint8_t bytes[SMTP_LINE_MAX + 1]; /* + its LF, for its frame */
};

/*
 * EVE's smtp and email objects for the transaction so far (text
 * NUL-terminated, may be empty). The email object's values are packed in
 * email[]: one byte of enum app_mail_item_kind, two of length (little
 * endian), the bytes; To and Cc split at their commas, as Suricata logs
 * them. A value past SMTP_EMAIL_VALUE_MAX is cut there, one past the
 * room left is dropped.
 */
#define SMTP_RCPT_KEPT	     3
#define SMTP_EMAIL_TEXT	     640
#define SMTP_EMAIL_VALUE_MAX 255
struct smtp_details {
	char helo[128];
	char mail_from[256];
	char rcpt_to[SMTP_RCPT_KEPT][128];
	uint8_t rcpt_count;	   /* kept in rcpt_to */
	uint8_t cut;		   /* bit 0 helo, 1 mail_from, 2 + i rcpt_to[i]: longer than kept */
	struct app_file_info file; /* the attachment a file unit carries (EVE fileinfo) */
	uint64_t tx_id;		   /* transactions before this one */
	bool has_email;		   /* a message began in it: EVE's email object */
	uint16_t email_used;
	uint8_t email[SMTP_EMAIL_TEXT];
};
APP_DETAILS_FITS(struct smtp_details);

/* The email.* buffers a message's end fills, from its items (app_mail.h). */
static const struct {
	uint8_t kind;	/* enum app_mail_item_kind */
	uint8_t buffer; /* enum rule_buffer */
	bool multi;	/* one instance per unit */
} smtp_email_buffers[] = {
    {APP_MAIL_ITEM_MESSAGE_ID, RULE_BUFFER_EMAIL_MESSAGE_ID, false},
    {APP_MAIL_ITEM_X_MAILER, RULE_BUFFER_EMAIL_X_MAILER, false},
    {APP_MAIL_ITEM_URL, RULE_BUFFER_EMAIL_URL, true},
    {APP_MAIL_ITEM_FROM, RULE_BUFFER_EMAIL_FROM, false},
    {APP_MAIL_ITEM_TO, RULE_BUFFER_EMAIL_TO, false},
    {APP_MAIL_ITEM_CC, RULE_BUFFER_EMAIL_CC, false},
    {APP_MAIL_ITEM_SUBJECT, RULE_BUFFER_EMAIL_SUBJECT, false},
    {APP_MAIL_ITEM_DATE, RULE_BUFFER_EMAIL_DATE, false},
    {APP_MAIL_ITEM_RECEIVED, RULE_BUFFER_EMAIL_RECEIVED, true},
};
#define SMTP_EMAIL_BUFFERS                                                                         \
	(APP_BUFFER(EMAIL_MESSAGE_ID) | APP_BUFFER(EMAIL_X_MAILER) | APP_BUFFER(EMAIL_URL) |       \
	 APP_BUFFER(EMAIL_FROM) | APP_BUFFER(EMAIL_TO) | APP_BUFFER(EMAIL_CC) |                    \
	 APP_BUFFER(EMAIL_SUBJECT) | APP_BUFFER(EMAIL_DATE) | APP_BUFFER(EMAIL_RECEIVED))

struct smtp_state {
	struct app_details details;
	struct smtp_line line[2];
	bool done;	       /* encrypted (STARTTLS): ignore both directions */
	uint32_t pending;      /* client commands the server has not answered (PIPELINING) */
	bool starttls_pending; /* client said STARTTLS, server has not answered */
	bool data;	       /* client is sending a message after DATA */
	uint8_t data_match;    /* bytes of smtp_data_end matched so far */
	uint64_t data_bytes;   /* message bytes seen since DATA */
	uint64_t bdat_left;    /* BDAT chunk bytes still to skip */
	struct app_mail mail;  /* the message after DATA: its attachments */
	uint32_t body_limit;   /* bytes of an attachment kept */
	bool file_magic;       /* app_config's */
	uint8_t file_hashes;
	uint8_t file_store; /* RULE_FILESTORE_*: a filestore rule matched (app.h) */
	bool tx_open;	    /* a transaction is open: the next command does not open one */
	uint64_t tx_count;  /* transactions opened (tx_id) */
	uint8_t helo[256];  /* the HELO every transaction carries again (smtp.helo) */
	uint16_t helo_len;
	struct app_body_rules message_rules; /* the rules the units of a message's end matched */
	app_emit_fn emit;		     /* set for the duration of one parse() call */
	void *emit_arg;
	struct app_frames frames;
};

static bool smtp_is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Does the line start with word (case-insensitive) followed by the end or a space? */
static bool smtp_command_is(const uint8_t *line, uint32_t len, const char *word)
{
	uint32_t n = (uint32_t)strlen(word);

	if (len < n || strncasecmp((const char *)line, word, n))
		return false;
	return len == n || smtp_is_space(line[n]);
}

/*
 * The path of "MAIL FROM:<a@b> SIZE=1" after the keyword ("FROM:"): its
 * first word, "<a@b>", brackets and all, as Suricata's buffer and EVE
 * field hold it (the parameters after it, RFC 1870's SIZE, left out).
 */
static void smtp_address(const uint8_t *p, const uint8_t *end, const uint8_t **addr,
			 uint32_t *addr_len)
{
	while (p < end && smtp_is_space(*p))
		p++;
	const uint8_t *q = p;
	while (q < end && !smtp_is_space(*q))
		q++;
	*addr = p;
	*addr_len = (uint32_t)(q - p);
}

static struct smtp_details *smtp_details_of(struct smtp_state *s)
{
	return (struct smtp_details *)(void *)s->details.proto;
}

/* Up to size - 1 bytes of text into out; sets bit in *cut when it was longer. */
static void smtp_copy(char *out, size_t size, const uint8_t *text, uint32_t len, uint8_t *cut,
		      unsigned bit)
{
	size_t n = len < size - 1 ? len : size - 1;
	memcpy(out, text, n);
	out[n] = '\0';
	if (n < len)
		*cut |= (uint8_t)(1u << bit);
	else
		*cut &= (uint8_t) ~(1u << bit);
}

/*
 * The command line at hand opens a transaction unless one is open: a new
 * tx_id, the last one's paths and message forgotten, the HELO kept.
 * Returns true when it opened one.
 */
static bool smtp_tx_begin(struct smtp_state *s)
{
	if (s->tx_open)
		return false;
	struct smtp_details *det = smtp_details_of(s);
	s->tx_open = true;
	det->tx_id = s->tx_count++;
	det->mail_from[0] = '\0';
	det->rcpt_count = 0;
	det->cut &= 1;
	det->has_email = false;
	det->email_used = 0;
	return true;
}

/* A transaction's path into the details: MAIL FROM starts a new one (no recipients yet). */
static void smtp_details_path(struct smtp_state *s, enum rule_buffer b, const uint8_t *addr,
			      uint32_t len)
{
	struct smtp_details *det = smtp_details_of(s);
	if (b == RULE_BUFFER_SMTP_MAIL_FROM) {
		det->rcpt_count = 0;
		smtp_copy(det->mail_from, sizeof(det->mail_from), addr, len, &det->cut, 1);
	} else if (det->rcpt_count < SMTP_RCPT_KEPT) {
		unsigned i = det->rcpt_count++;
		smtp_copy(det->rcpt_to[i], sizeof(det->rcpt_to[i]), addr, len, &det->cut, 2 + i);
	}
}

/* "MAIL FROM:" / "RCPT TO:" into buffer b of unit; false when the keyword is not there. */
static bool smtp_path_command(struct smtp_state *s, const uint8_t *line, uint32_t len,
			      const char *keyword, enum rule_buffer b, struct app_unit *unit)
{
	const uint8_t *p = line + 4, *end = line + len;
	uint32_t n = (uint32_t)strlen(keyword);

	while (p < end && smtp_is_space(*p))
		p++;
	if ((uint32_t)(end - p) < n || strncasecmp((const char *)p, keyword, n))
		return false;
	smtp_address(p + n, end, &unit->buffer[b], &unit->buffer_len[b]);
	smtp_details_path(s, b, unit->buffer[b], unit->buffer_len[b]);
	return true;
}

/* HELO/EHLO: its argument into the unit, the state (later transactions) and the details. */
static void smtp_helo(struct smtp_state *s, const uint8_t *line, uint32_t len,
		      struct app_unit *unit)
{
	const uint8_t *p = line + 4, *end = line + len;
	while (p < end && smtp_is_space(*p))
		p++;
	while (end > p && smtp_is_space(end[-1]))
		end--;
	uint32_t n = (uint32_t)(end - p);
	s->helo_len = (uint16_t)(n < sizeof(s->helo) ? n : sizeof(s->helo));
	memcpy(s->helo, p, s->helo_len);
	unit->buffer[RULE_BUFFER_SMTP_HELO] = p;
	unit->buffer_len[RULE_BUFFER_SMTP_HELO] = n;
	struct smtp_details *det = smtp_details_of(s);
	smtp_copy(det->helo, sizeof(det->helo), p, n, &det->cut, 0);
}

/*
 * A command line: a unit when it gave a buffer, or opened a transaction
 * (which carries the HELO already given, so a rule on it matches in each
 * transaction, as in Suricata, and whose record is then pending).
 */
static void smtp_client_line(struct smtp_state *s, const uint8_t *line, uint32_t len,
			     app_emit_fn emit, void *arg)
{
	if (s->pending < UINT32_MAX)
		s->pending++;
	struct app_unit unit = {.details = &s->details};
	bool opened = smtp_tx_begin(s);
	if (opened && s->helo_len) {
		unit.buffer[RULE_BUFFER_SMTP_HELO] = s->helo;
		unit.buffer_len[RULE_BUFFER_SMTP_HELO] = s->helo_len;
	}
	bool filled = false;
	if (smtp_command_is(line, len, "HELO") || smtp_command_is(line, len, "EHLO")) {
		smtp_helo(s, line, len, &unit);
		filled = true;
	} else if (smtp_command_is(line, len, "MAIL")) {
		filled =
		    smtp_path_command(s, line, len, "FROM:", RULE_BUFFER_SMTP_MAIL_FROM, &unit);
	} else if (smtp_command_is(line, len, "RCPT")) {
		filled = smtp_path_command(s, line, len, "TO:", RULE_BUFFER_SMTP_RCPT_TO, &unit);
	} else if (smtp_command_is(line, len, "DATA")) {
		s->data = true;
		s->data_match = 2; /* the DATA line's own CRLF starts the terminator */
		s->data_bytes = 0;
		app_mail_begin(&s->mail, s->body_limit);
		smtp_details_of(s)->has_email = true;
	} else if (smtp_command_is(line, len, "BDAT")) {
		uint64_t n = 0;
		for (uint32_t i = 5; i < len && line[i] >= '0' && line[i] <= '9'; i++)
			n = n > (UINT64_MAX - 9) / 10 ? UINT64_MAX : n * 10 + (line[i] - '0');
		s->bdat_left = n;
	} else if (smtp_command_is(line, len, "STARTTLS")) {
		s->starttls_pending = true;
	}
	if (opened || filled)
		emit(arg, &unit);
}

/*
 * Only the reply code of a final line ("250 ", not "250-") matters here,
 * and only for the last command outstanding: with PIPELINING, a refused
 * RCPT is answered before the DATA that followed it, and must not be
 * taken for DATA's refusal.
 */
static void smtp_server_line(struct smtp_state *s, const uint8_t *line, uint32_t len)
{
	if (len < 3 || (len > 3 && line[3] == '-'))
		return;
	if (s->pending == 0)
		return; /* greeting, or the reply to a finished message */
	if (--s->pending)
		return;
	if (s->starttls_pending) {
		s->starttls_pending = false;
		if (!memcmp(line, "220", 3))
			s->done = true;
		return;
	}
	if (s->data && s->data_bytes == 0 && (line[0] == '4' || line[0] == '5'))
		s->data = false; /* DATA refused: the client's next line is a command */
}

/* Skip message bytes after DATA; returns how many of data were message (terminator included). */
static uint32_t smtp_data_bytes(struct smtp_state *s, const uint8_t *data, uint32_t len)
{
	uint32_t i = 0;

	while (i < len && s->data) {
		uint8_t c = data[i++];
		if (c == (uint8_t)smtp_data_end[s->data_match])
			s->data_match++;
		else
			s->data_match = c == '\r'; /* only '\r' restarts the pattern */
		if (s->data_match == sizeof(smtp_data_end) - 1)
			s->data = false;
	}
	s->data_bytes += i;
	return i;
}

/* One value of the email object into det->email (cut, or dropped when there is no room). */
static void smtp_email_pack(struct smtp_details *det, uint8_t kind, const uint8_t *v, size_t len)
{
	if (len > SMTP_EMAIL_VALUE_MAX)
		len = SMTP_EMAIL_VALUE_MAX;
	if (len + 3 > sizeof(det->email) - det->email_used)
		return;
	uint8_t *e = det->email + det->email_used;
	e[0] = kind;
	e[1] = (uint8_t)len;
	e[2] = (uint8_t)(len >> 8);
	memcpy(e + 3, v, len);
	det->email_used = (uint16_t)(det->email_used + 3 + len);
}

/* A To or Cc value, one address per comma, blanks before each left out (as Suricata). */
static void smtp_email_pack_list(struct smtp_details *det, uint8_t kind, const uint8_t *v,
				 size_t len)
{
	const uint8_t *end = v + len;
	while (v <= end) {
		const uint8_t *comma = memchr(v, ',', (size_t)(end - v));
		const uint8_t *stop = comma ? comma : end;
		const uint8_t *p = v;
		while (p < stop && smtp_is_space(*p))
			p++;
		if (stop > v) /* an empty piece ("a,,b") is no address */
			smtp_email_pack(det, kind, p, (size_t)(stop - p));
		if (!comma)
			break;
		v = comma + 1;
	}
}

/* The kinds EVE's email object shows, in the order the details' room is given to them. */
static const uint8_t smtp_email_logged[] = {
    APP_MAIL_ITEM_FROM,	      APP_MAIL_ITEM_TO,	     APP_MAIL_ITEM_CC,
    APP_MAIL_ITEM_ATTACHMENT, APP_MAIL_ITEM_SUBJECT, APP_MAIL_ITEM_MESSAGE_ID,
    APP_MAIL_ITEM_X_MAILER,   APP_MAIL_ITEM_URL,
};

/* The message's items as EVE's email object shows them, into the details (again, whole). */
static void smtp_details_email(struct smtp_state *s)
{
	struct smtp_details *det = smtp_details_of(s);
	det->email_used = 0;
	for (size_t k = 0; k < sizeof(smtp_email_logged); k++) {
		uint8_t kind = smtp_email_logged[k];
		const uint8_t *v;
		uint32_t len;
		for (unsigned i = 0; app_mail_item(&s->mail, kind, i, &v, &len); i++) {
			if (kind == APP_MAIL_ITEM_TO || kind == APP_MAIL_ITEM_CC)
				smtp_email_pack_list(det, kind, v, len);
			else
				smtp_email_pack(det, kind, v, len);
		}
	}
}

/*
 * The message ended: its transaction is over. Units with its email.*
 * buffers, one per URL (email.url's instances; the first has the
 * message's events), the first of which ends the transaction (its EVE
 * record).
 */
static void smtp_message_end(struct smtp_state *s, app_emit_fn emit, void *arg)
{
	smtp_details_email(s);
	struct app_events events = {.count = 0};
	if (s->mail.long_boundary)
		app_events_add(&events, RULE_APP_EVENT_SMTP_MIME_LONG_BOUNDARY);
	unsigned units = 1;
	for (size_t b = 0; b < sizeof(smtp_email_buffers) / sizeof(smtp_email_buffers[0]); b++) {
		unsigned n = app_mail_item_count(&s->mail, smtp_email_buffers[b].kind);
		if (smtp_email_buffers[b].multi && n > units)
			units = n;
	}
	s->message_rules.matched_count = s->message_rules.waiting_count = 0;
	s->message_rules.partial_count = 0;
	for (unsigned i = 0; i < units; i++) {
		struct app_unit u = {.details = &s->details, .repeat = i > 0, .tx_complete = true};
		u.window.buffers = SMTP_EMAIL_BUFFERS;
		u.window.rules = &s->message_rules;
		for (size_t b = 0; b < sizeof(smtp_email_buffers) / sizeof(smtp_email_buffers[0]);
		     b++) {
			unsigned at = smtp_email_buffers[b].multi ? i : 0;
			const uint8_t *v;
			uint32_t len;
			if (app_mail_item(&s->mail, smtp_email_buffers[b].kind, at, &v, &len)) {
				u.buffer[smtp_email_buffers[b].buffer] = v;
				u.buffer_len[smtp_email_buffers[b].buffer] = len;
			}
		}
		if (i == 0)
			app_events_attach(&u, &events);
		emit(arg, &u);
	}
	s->tx_open = false;
}

/*
 * An attachment ended (app_mail.h): a unit of its own with the file's
 * buffers, and the file closed in it (fileinfo, filestore).
 */
static void smtp_mail_file(void *arg, const struct app_mail_file *mf)
{
	struct smtp_state *s = arg;
	if (!s->emit)
		return;
	struct app_file f;
	memset(&f, 0, sizeof(f));
	app_file_name(&f, mf->name, mf->name_len);
	app_file_update(&f, mf->data, mf->len, s->file_magic, s->file_hashes, true, mf->truncated);
	struct smtp_details *det = smtp_details_of(s);
	smtp_details_email(s);
	struct app_file_info *info = &det->file;
	memset(info, 0, sizeof(*info));
	memcpy(info->name, f.name, sizeof(info->name));
	memcpy(info->magic, f.magic, sizeof(info->magic));
	info->meta = f.meta;
	info->name_cut = f.name_cut;
	info->tx_id = det->tx_id;
	info->direction = RULE_FILESTORE_REQUEST;
	struct app_unit u = {.details = &s->details};
	static const uint8_t empty[1];
	u.buffer[RULE_BUFFER_FILE_DATA] = mf->data ? mf->data : empty;
	u.buffer_len[RULE_BUFFER_FILE_DATA] = mf->len;
	u.buffer[RULE_BUFFER_FILE_NAME] = (const uint8_t *)f.name;
	u.buffer_len[RULE_BUFFER_FILE_NAME] = f.name_len;
	if (f.magic[0]) {
		u.buffer[RULE_BUFFER_FILE_MAGIC] = (const uint8_t *)f.magic;
		u.buffer_len[RULE_BUFFER_FILE_MAGIC] = (uint32_t)strlen(f.magic);
	}
	u.buffer[RULE_BUFFER_FILE_META] = (const uint8_t *)&f.meta;
	u.buffer_len[RULE_BUFFER_FILE_META] = sizeof(f.meta);
	u.file_store = &s->file_store;
	u.file_info = info;
	u.file_data = u.buffer[RULE_BUFFER_FILE_DATA];
	u.file_len = mf->len;
	s->emit(s->emit_arg, &u);
}

/*
 * A whole line's frame, smtp.command_line toward the server and
 * smtp.response_line toward the client, with its line end (Suricata's);
 * n: the line without it, end: the stream offset past its LF. A line cut
 * at SMTP_LINE_MAX is its kept start.
 */
static void smtp_line_frame(struct smtp_state *s, enum app_direction dir, struct smtp_line *l,
			    uint32_t n, uint64_t end, app_emit_fn emit, void *arg)
{
	uint32_t kept = n < SMTP_LINE_MAX && l->bytes[n] == '\r' ? n + 1 : n;
	l->bytes[kept++] = '\n';
	app_frame_emit(&s->frames, emit, arg,
		       dir == APP_TO_SERVER ? RULE_FRAME_SMTP_COMMAND_LINE
					    : RULE_FRAME_SMTP_RESPONSE_LINE,
		       dir, l->bytes, kept, end >= kept ? end - kept : 0, kept,
		       (int64_t)smtp_details_of(s)->tx_id, &s->details);
}

static void smtp_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		       app_emit_fn emit, void *arg)
{
	struct smtp_state *s = state;
	struct smtp_line *l = &s->line[dir & 1];
	const uint8_t *start = data;
	uint32_t given = len;

	while (len && !s->done) {
		if (dir == APP_TO_SERVER && s->bdat_left) {
			uint32_t take = len < s->bdat_left ? len : (uint32_t)s->bdat_left;
			s->bdat_left -= take;
			data += take;
			len -= take;
			continue;
		}
		if (dir == APP_TO_SERVER && s->data) {
			uint32_t took = smtp_data_bytes(s, data, len);
			s->emit = emit;
			s->emit_arg = arg;
			app_mail_feed(&s->mail, data, took, smtp_mail_file, s);
			if (!s->data) { /* the message's end */
				app_mail_end(&s->mail, smtp_mail_file, s);
				smtp_message_end(s, emit, arg);
			}
			s->emit = NULL;
			data += took;
			len -= took;
			continue;
		}
		uint32_t n;
		if (!app_line_gather(l->bytes, SMTP_LINE_MAX, &l->len, &data, &len, &n))
			break;
		smtp_line_frame(s, dir, l, n, app_frame_stream_at(&s->frames, dir, start, data),
				emit, arg);
		if (dir == APP_TO_SERVER)
			smtp_client_line(s, l->bytes, n, emit, arg);
		else
			smtp_server_line(s, l->bytes, n);
	}
	app_frame_stream_done(&s->frames, dir & 1, given);
}

/* Does data start with the prefix of word (case-insensitive), as far as it goes? */
static bool smtp_prefix_ci(const uint8_t *data, uint32_t len, const char *word)
{
	uint32_t n = (uint32_t)strlen(word);
	return !strncasecmp((const char *)data, word, len < n ? len : n);
}

/*
 * The client's HELO/EHLO, or a "220" greeting that says SMTP on its first
 * line: FTP greets with "220 " too, so a greeting without "SMTP" is left
 * for the client's first command to decide.
 */
static enum app_detect_result smtp_detect(const uint8_t *data, uint32_t len,
					  enum app_direction direction)
{
	if (!len)
		return APP_DETECT_NEED_MORE;
	if (direction == APP_TO_SERVER) {
		if (!smtp_prefix_ci(data, len, "EHLO ") && !smtp_prefix_ci(data, len, "HELO "))
			return APP_DETECT_NO;
		return len >= 5 ? APP_DETECT_YES : APP_DETECT_NEED_MORE;
	}
	if (memcmp(data, "220", len < 3 ? len : 3))
		return APP_DETECT_NO;
	if (len < 4)
		return APP_DETECT_NEED_MORE;
	if (data[3] != ' ' && data[3] != '-')
		return APP_DETECT_NO;
	uint32_t end = len < SMTP_LINE_MAX ? len : SMTP_LINE_MAX;
	for (uint32_t i = 4; i + 4 <= end && data[i] != '\n'; i++)
		if (!strncasecmp((const char *)data + i, "SMTP", 4))
			return APP_DETECT_YES;
	return memchr(data, '\n', end) || len >= SMTP_LINE_MAX ? APP_DETECT_NO
							       : APP_DETECT_NEED_MORE;
}

/* Default attachment bytes kept when the board sets no body limit (as HTTP's). */
#define SMTP_ATTACHMENT_LIMIT (1u << 20)

static void *smtp_create(const struct app_config *config)
{
	struct smtp_state *s = calloc(1, sizeof(struct smtp_state));
	if (!s)
		return NULL;
	s->body_limit = config && config->body_limit ? config->body_limit : SMTP_ATTACHMENT_LIMIT;
	s->file_magic = config && config->file_magic;
	s->file_hashes = config ? config->file_hashes : 0;
	if (s->file_magic)
		app_file_magic_load();
	return s;
}

static void smtp_destroy(void *state)
{
	struct smtp_state *s = state;
	if (s)
		app_mail_free(&s->mail);
	free(s);
}

/* EVE: the fileinfo object (app_file_eve) of the attachment a file unit carried. */
static void smtp_eve_file(const struct app_details *d, struct app_json *out)
{
	app_file_eve(&((const struct smtp_details *)(const void *)d->proto)->file, out);
}

/*
 * The values of kind in the packed email text as a field: the first
 * alone (list false), or all of them as an array (reverse: last first,
 * as Suricata lists URLs). Nothing when there is none.
 */
static void smtp_eve_email_field(struct app_json *out, const struct smtp_details *det, uint8_t kind,
				 const char *key, bool list, bool reverse)
{
	const uint8_t *at[SMTP_EMAIL_TEXT / 3];
	unsigned n = 0;
	uint32_t used = det->email_used < sizeof(det->email) ? det->email_used : sizeof(det->email);
	for (uint32_t off = 0; off + 3 <= used;) {
		uint32_t len = (uint32_t)det->email[off + 1] | (uint32_t)det->email[off + 2] << 8;
		if (off + 3 + len > used)
			break;
		if (det->email[off] == kind && n < sizeof(at) / sizeof(at[0]))
			at[n++] = det->email + off;
		off += 3 + len;
	}
	if (!n)
		return;
	app_json_key(out, key);
	if (!list)
		n = 1;
	else
		app_json_put(out, "[");
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = at[reverse ? n - 1 - i : i];
		if (i)
			app_json_put(out, ",");
		app_json_bytes(out, e + 3, (size_t)e[1] | (size_t)e[2] << 8);
	}
	if (list)
		app_json_put(out, "]");
}

/*
 * EVE: ,"email":{...}, what the message of the transaction said of
 * itself so far (Suricata 8 reports every message it parsed as
 * PARSE_DONE).
 */
static void smtp_eve_email(const struct smtp_details *det, struct app_json *out)
{
	app_json_key(out, "email");
	app_json_begin(out, "{");
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_FROM, "from", false, false);
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_TO, "to", true, false);
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_CC, "cc", true, false);
	app_json_key(out, "status");
	app_json_string(out, "PARSE_DONE");
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_ATTACHMENT, "attachment", true, false);
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_URL, "url", true, true);
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_SUBJECT, "subject", false, false);
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_MESSAGE_ID, "message_id", false, false);
	smtp_eve_email_field(out, det, APP_MAIL_ITEM_X_MAILER, "x_mailer", false, false);
	app_json_end(out, "}");
}

/*
 * EVE: ,"tx_id":N,"smtp":{"helo":...,"mail_from":...,"rcpt_to":[...]}
 * and the email object once a message began, what the transaction
 * carried so far.
 */
static void smtp_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct smtp_details *det = (const struct smtp_details *)(const void *)d->proto;
	app_json_uint(out, "tx_id", det->tx_id);
	app_json_key(out, "smtp");
	app_json_begin(out, "{");
	app_json_text_cut(out, "helo", det->helo, sizeof(det->helo), det->cut & 1);
	app_json_text_cut(out, "mail_from", det->mail_from, sizeof(det->mail_from), det->cut & 2);
	unsigned written = 0;
	for (unsigned i = 0; i < det->rcpt_count && i < SMTP_RCPT_KEPT; i++) {
		if (!det->rcpt_to[i][0])
			continue; /* the schema wants strings, and an empty one says nothing */
		if (written++ == 0) {
			app_json_key(out, "rcpt_to");
			app_json_put(out, "[");
		} else {
			app_json_put(out, ",");
		}
		app_json_text_value(out, det->rcpt_to[i], sizeof(det->rcpt_to[i]),
				    det->cut & (1u << (2 + i)));
	}
	if (written)
		app_json_put(out, "]");
	app_json_end(out, "}");
	if (det->has_email)
		smtp_eve_email(det, out);
}

const struct app_parser app_parser_smtp = {
    .name = "smtp",
    .proto = RULE_PROTO_SMTP,
    .tcp = true,
    .udp = false,
    .frames = RULE_FRAME_BIT(RULE_FRAME_SMTP_COMMAND_LINE) |
	      RULE_FRAME_BIT(RULE_FRAME_SMTP_RESPONSE_LINE),
    .buffers = APP_BUFFER(SMTP_HELO) | APP_BUFFER(SMTP_MAIL_FROM) | APP_BUFFER(SMTP_RCPT_TO) |
	       APP_BUFFER(FILE_DATA) | APP_BUFFER(FILE_NAME) | APP_BUFFER(FILE_MAGIC) |
	       APP_BUFFER(FILE_META) | SMTP_EMAIL_BUFFERS,
    .detect = smtp_detect,
    .create = smtp_create,
    .destroy = smtp_destroy,
    .parse = smtp_parse,
    .eve_details = smtp_eve_details,
    .eve_file = smtp_eve_file,
};
