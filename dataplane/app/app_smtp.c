/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SMTP parser: the client's command lines (RFC 5321) become units:
 *   HELO/EHLO arg        smtp.helo
 *   MAIL FROM:<address>  smtp.mail_from (inside the angle brackets)
 *   RCPT TO:<address>    smtp.rcpt_to
 * The message itself is not parsed: after DATA the client's bytes are
 * skipped up to the "CRLF.CRLF" that ends them (after BDAT, the announced
 * count), so a line in a mail body that reads "RCPT TO:" is not taken for a
 * command. If the server refuses DATA (4xx/5xx before any message byte),
 * command parsing resumes. After STARTTLS and the server's 220 the session
 * is encrypted and both directions stop. The server's replies are only
 * read for those two decisions. Lines are cut at SMTP_LINE_MAX bytes (RFC
 * 5321 allows 512); AUTH and the message headers are left to others.
 * The message's attachments (app_mail.c: MIME, base64, quoted-printable)
 * are files: each one, once it ends, is a unit of its own (file.data,
 * file.name, file.magic, file.meta) and a fileinfo record. BDAT chunks
 * are skipped unread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* EVE's smtp object for the transaction so far (text NUL-terminated, may be empty). */
#define SMTP_RCPT_KEPT 3
struct smtp_details {
	char helo[128];
	char mail_from[256];
	char rcpt_to[SMTP_RCPT_KEPT][128];
	uint8_t rcpt_count;	   /* kept in rcpt_to */
	uint8_t cut;		   /* bit 0 helo, 1 mail_from, 2 + i rcpt_to[i]: longer than kept */
	struct app_file_info file; /* the attachment a file unit carries (EVE fileinfo) */
	uint64_t tx_id;		   /* messages before this one */
};
APP_DETAILS_FITS(struct smtp_details);

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
	uint64_t messages;  /* messages begun (tx_id) */
	app_emit_fn emit;   /* set for the duration of one parse() call */
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
 * The address of "MAIL FROM:<a@b> SIZE=1" after the keyword ("FROM:"):
 * inside the brackets when there are any, else the first word (some
 * clients leave them out).
 */
static void smtp_address(const uint8_t *p, const uint8_t *end, const uint8_t **addr,
			 uint32_t *addr_len)
{
	while (p < end && smtp_is_space(*p))
		p++;
	if (p < end && *p == '<') {
		const uint8_t *close = memchr(p + 1, '>', (size_t)(end - p - 1));
		*addr = p + 1;
		*addr_len = (uint32_t)((close ? close : end) - (p + 1));
		return;
	}
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

/* "MAIL FROM:" / "RCPT TO:" into buffer b; false when the keyword is not there. */
static bool smtp_path_command(struct smtp_state *s, const uint8_t *line, uint32_t len,
			      const char *keyword, enum rule_buffer b, app_emit_fn emit, void *arg)
{
	const uint8_t *p = line + 4, *end = line + len;
	uint32_t n = (uint32_t)strlen(keyword);

	while (p < end && smtp_is_space(*p))
		p++;
	if ((uint32_t)(end - p) < n || strncasecmp((const char *)p, keyword, n))
		return false;
	struct app_unit unit = {.details = &s->details};
	smtp_address(p + n, end, &unit.buffer[b], &unit.buffer_len[b]);
	smtp_details_path(s, b, unit.buffer[b], unit.buffer_len[b]);
	emit(arg, &unit);
	return true;
}

static void smtp_client_line(struct smtp_state *s, const uint8_t *line, uint32_t len,
			     app_emit_fn emit, void *arg)
{
	if (s->pending < UINT32_MAX)
		s->pending++;
	if (smtp_command_is(line, len, "HELO") || smtp_command_is(line, len, "EHLO")) {
		const uint8_t *p = line + 4, *end = line + len;
		while (p < end && smtp_is_space(*p))
			p++;
		while (end > p && smtp_is_space(end[-1]))
			end--;
		struct app_unit unit = {.details = &s->details};
		unit.buffer[RULE_BUFFER_SMTP_HELO] = p;
		unit.buffer_len[RULE_BUFFER_SMTP_HELO] = (uint32_t)(end - p);
		struct smtp_details *det = smtp_details_of(s);
		smtp_copy(det->helo, sizeof(det->helo), p, (uint32_t)(end - p), &det->cut, 0);
		emit(arg, &unit);
	} else if (smtp_command_is(line, len, "MAIL")) {
		smtp_path_command(s, line, len, "FROM:", RULE_BUFFER_SMTP_MAIL_FROM, emit, arg);
	} else if (smtp_command_is(line, len, "RCPT")) {
		smtp_path_command(s, line, len, "TO:", RULE_BUFFER_SMTP_RCPT_TO, emit, arg);
	} else if (smtp_command_is(line, len, "DATA")) {
		s->data = true;
		s->data_match = 2; /* the DATA line's own CRLF starts the terminator */
		s->data_bytes = 0;
		app_mail_begin(&s->mail, s->body_limit);
		smtp_details_of(s)->tx_id = s->messages++;
	} else if (smtp_command_is(line, len, "BDAT")) {
		uint64_t n = 0;
		for (uint32_t i = 5; i < len && line[i] >= '0' && line[i] <= '9'; i++)
			n = n > (UINT64_MAX - 9) / 10 ? UINT64_MAX : n * 10 + (line[i] - '0');
		s->bdat_left = n;
	} else if (smtp_command_is(line, len, "STARTTLS")) {
		s->starttls_pending = true;
	}
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
			if (!s->data) /* the message's end */
				app_mail_end(&s->mail, smtp_mail_file, s);
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

/* EVE: ,"smtp":{"helo":...,"mail_from":...,"rcpt_to":[...]}, what the client sent so far. */
static void smtp_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct smtp_details *det = (const struct smtp_details *)(const void *)d->proto;
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
	       APP_BUFFER(FILE_META),
    .detect = smtp_detect,
    .create = smtp_create,
    .destroy = smtp_destroy,
    .parse = smtp_parse,
    .eve_details = smtp_eve_details,
    .eve_file = smtp_eve_file,
};
