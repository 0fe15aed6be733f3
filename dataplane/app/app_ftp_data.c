/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FTP data connections: a flow is ftp-data only because its control
 * channel announced it (app_ftp.c: PORT, EPRT, PASV or EPSV, then RETR or
 * STOR; app_flow.c keeps the announcement), never from its bytes, which
 * are a file's. The parser is handed the command and the file name
 * (struct app_expectation) and carries them on every unit (ftpdata.meta,
 * file.name for filename and fileext, the ftp_data EVE object).
 *
 * The file is the bytes of the direction that first carries any (a
 * download flows from the FTP server, which is the data connection's
 * client in active mode and its server in passive mode), kept up to the
 * board's body limit and inspected as file.data in windows as it grows,
 * as an HTTP body is (app_http_body.h). Each direction also ends with a
 * unit of its own, so a rule on the command alone with a direction
 * (ftpdata_command:retr with flow:to_client, as Suricata writes them)
 * holds once whichever side the bytes came from. Its EVE record is
 * written when the flow ends.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_http_body.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"

/* Every unit names both buffers: a rule on either is inspected once per list of rules. */
#define FTPDATA_WINDOW_BUFFERS                                                                     \
	(APP_BUFFER(FILE_DATA) | APP_BUFFER(FILE_NAME) | APP_BUFFER(FTPDATA_META))

/* EVE's ftp_data object. */
struct ftpdata_details {
	char filename[APP_TEXT_MAX];
	uint8_t command; /* enum rule_ftpdata_command */
	uint8_t filename_cut;
};
APP_DETAILS_FITS(struct ftpdata_details);

struct ftpdata_state {
	struct app_details details;
	uint32_t limit;	 /* bytes of the file kept (the board's body limit) */
	uint8_t meta;	 /* ftpdata.meta: enum rule_ftpdata_command */
	int8_t file_dir; /* the direction the file flows; -1: no byte yet */
	bool ended[2];	 /* the direction's end unit went out */
	bool name_shown; /* an end unit carried file.name before any byte */
	struct http_body file;
	struct app_body_rules rules[2]; /* the end units', by direction */
};

static struct ftpdata_details *ftpdata_details_of(struct ftpdata_state *s)
{
	return (struct ftpdata_details *)(void *)s->details.proto;
}

static void ftpdata_unit(struct ftpdata_state *s, struct app_unit *unit)
{
	*unit = (struct app_unit){.details = &s->details};
	unit->buffer[RULE_BUFFER_FTPDATA_META] = &s->meta;
	unit->buffer_len[RULE_BUFFER_FTPDATA_META] = 1;
}

/*
 * The announced file's name (file.name, filename, fileext), on the units
 * of the file's direction only, which share one list of matched rules: a
 * rule on the name alerts once per file, as on Suricata's one transaction.
 */
static void ftpdata_unit_name(struct ftpdata_state *s, struct app_unit *unit)
{
	const struct ftpdata_details *det = ftpdata_details_of(s);
	size_t name_len = strnlen(det->filename, sizeof(det->filename));
	if (!name_len)
		return;
	unit->buffer[RULE_BUFFER_FILE_NAME] = (const uint8_t *)det->filename;
	unit->buffer_len[RULE_BUFFER_FILE_NAME] = (uint32_t)name_len;
}

/* A window of the file, if one is due (complete: the direction ended). */
static void ftpdata_file_window(struct ftpdata_state *s, bool complete, app_emit_fn emit, void *arg)
{
	struct app_unit unit;
	ftpdata_unit(s, &unit);
	if (!http_body_window(&s->file, complete, false, s->limit, &unit.window))
		return;
	unit.window.buffers = FTPDATA_WINDOW_BUFFERS;
	ftpdata_unit_name(s, &unit);
	unit.buffer[RULE_BUFFER_FILE_DATA] = s->file.data.data;
	unit.buffer_len[RULE_BUFFER_FILE_DATA] = s->file.data.len;
	emit(arg, &unit);
}

static void ftpdata_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
			  app_emit_fn emit, void *arg)
{
	struct ftpdata_state *s = state;
	dir &= 1;
	if (len) {
		if (s->file_dir < 0)
			s->file_dir = (int8_t)dir;
		if (s->file_dir != (int8_t)dir)
			return; /* the other side says nothing a rule reads */
		http_body_feed(&s->file, data, len, s->limit);
		ftpdata_file_window(s, false, emit, arg);
		return;
	}
	if (s->ended[dir])
		return;
	s->ended[dir] = true;
	if (s->file_dir == (int8_t)dir)
		ftpdata_file_window(s, true, emit, arg);
	struct app_unit unit;
	ftpdata_unit(s, &unit);
	unit.window.buffers = FTPDATA_WINDOW_BUFFERS;
	/* the file's direction shares its windows' list: a rule holds once there */
	unit.window.rules = s->file_dir == (int8_t)dir ? &s->file.rules : &s->rules[dir];
	/* no byte yet (an empty file): the first direction to end names it */
	if (s->file_dir == (int8_t)dir || (s->file_dir < 0 && !s->name_shown)) {
		ftpdata_unit_name(s, &unit);
		s->name_shown = true;
	}
	emit(arg, &unit);
}

/* Never from the bytes: only an announcement makes a flow ftp-data. */
static enum app_detect_result ftpdata_detect(const uint8_t *data, uint32_t len,
					     enum app_direction direction)
{
	(void)data;
	(void)len;
	(void)direction;
	return APP_DETECT_NO;
}

static void *ftpdata_create(const struct app_config *config)
{
	struct ftpdata_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->limit = config ? config->body_limit : 0;
	s->file_dir = -1;
	return s;
}

static void ftpdata_expected(void *state, const struct app_expectation *e)
{
	struct ftpdata_state *s = state;
	struct ftpdata_details *det = ftpdata_details_of(s);
	s->meta = e->command;
	det->command = e->command;
	det->filename_cut = app_text_copy(det->filename, sizeof(det->filename), e->name,
					  strnlen(e->name, sizeof(e->name)));
}

static void ftpdata_destroy(void *state)
{
	struct ftpdata_state *s = state;
	if (!s)
		return;
	http_body_free(&s->file);
	free(s);
}

/* EVE: ,"ftp_data":{"filename":...,"command":"RETR"|"STOR"}. */
static void ftpdata_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct ftpdata_details *det = (const struct ftpdata_details *)(const void *)d->proto;
	app_json_key(out, "ftp_data");
	app_json_begin(out, "{");
	app_json_text_cut(out, "filename", det->filename, sizeof(det->filename), det->filename_cut);
	if (det->command)
		app_json_text(out, "command", det->command == RULE_FTPDATA_RETR ? "RETR" : "STOR",
			      5);
	app_json_end(out, "}");
}

const struct app_parser app_parser_ftp_data = {
    .name = "ftp-data",
    .proto = RULE_PROTO_FTP_DATA,
    .tcp = true,
    .udp = false,
    /* and file.data, which is HTTP's row's (each buffer has one owner; tests/unit/test_app.c) */
    .buffers = APP_BUFFER(FTPDATA_META),
    .detect = ftpdata_detect,
    .create = ftpdata_create,
    .destroy = ftpdata_destroy,
    .parse = ftpdata_parse,
    .eve_details = ftpdata_eve_details,
    .expected = ftpdata_expected,
};
