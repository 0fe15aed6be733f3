/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The attachments of a mail message as it streams (RFC 5322, 2045-2049):
 * the SMTP parser hands the bytes after DATA here, line by line as they
 * come, and gets each attachment back, decoded, once it ends. An
 * attachment is an entity with a filename (Content-Disposition's, else
 * Content-Type's name=), as Suricata takes them; its content is decoded
 * from base64 or quoted-printable (any other Content-Transfer-Encoding
 * is taken as it is) and kept up to the parser's limit (truncated past
 * it). Multiparts nest up to APP_MAIL_DEPTH boundaries; a message/rfc822
 * entity is a message of its own whose headers follow, and its own
 * Content-Transfer-Encoding says nothing of them (RFC 2046 5.2.1 allows
 * only 7bit, 8bit, binary there): a base64 label on it must not make the
 * inner message's text read as base64, which would hide its attachments
 * (Suricata's issue 8649).
 *
 * The message's own headers (the top entity's, not a part's) that rules
 * and EVE read (email.from, email.subject, ...: foreach_app_mail_header),
 * the names of its attachments and the URLs its text gives (the
 * "http://" ones, as Suricata's default extract-urls-schemes, kept
 * without the scheme) are kept as items (struct app_mail_item) in a
 * bounded text area: past it, later ones are dropped.
 *
 * Lines are cut at APP_MAIL_LINE_MAX bytes; a longer body line is taken
 * in pieces (no boundary is that long). Memory: the state is fixed size,
 * but for the attachment being read, whose bytes grow to the limit
 * (malloc per attachment, as HTTP's bodies). One message belongs to one
 * flow, on the worker that owns it.
 */
#ifndef VIGIL_DATAPLANE_APP_MAIL_H
#define VIGIL_DATAPLANE_APP_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/app/app_file.h"
#include "dataplane/app/app_http_body.h"
#include "dataplane/app/app_mime.h"

#define APP_MAIL_LINE_MAX 1024
#define APP_MAIL_DEPTH	  8   /* multipart boundaries open at once */
#define APP_MAIL_FIELD	  512 /* bytes of a header kept (folded lines joined) */

/* An attachment that ended: its name, its decoded bytes, whether all of them. */
struct app_mail_file {
	const uint8_t *name;
	size_t name_len;
	const uint8_t *data;
	uint32_t len;
	bool truncated; /* past the limit: the rest was not kept */
};

typedef void (*app_mail_file_fn)(void *arg, const struct app_mail_file *file);

enum app_mail_coding { APP_MAIL_PLAIN, APP_MAIL_BASE64, APP_MAIL_QP };

/*
 * What the message says of itself, kept as items: _(SYMBOL, "header
 * name"), each the value of the message's first header of that name
 * (blanks around it removed, continuation lines joined as Suricata joins
 * them: without their first blank), but for Received, every one; then
 * what its body gave: the attachments' names and the URLs.
 */
#define foreach_app_mail_header                                                                    \
	_(FROM, "from")                                                                            \
	_(TO, "to")                                                                                \
	_(CC, "cc")                                                                                \
	_(SUBJECT, "subject")                                                                      \
	_(DATE, "date")                                                                            \
	_(MESSAGE_ID, "message-id")                                                                \
	_(X_MAILER, "x-mailer")                                                                    \
	_(RECEIVED, "received")

enum app_mail_item_kind {
#define _(sym, name) APP_MAIL_ITEM_##sym,
	foreach_app_mail_header
#undef _
	    APP_MAIL_ITEM_ATTACHMENT,
	APP_MAIL_ITEM_URL,
	APP_MAIL_ITEM_KINDS
};

#define APP_MAIL_ITEMS_MAX 32	/* items kept per message */
#define APP_MAIL_TEXT_MAX  4096 /* bytes of their text kept per message */
#define APP_MAIL_ITEM_MAX  1024 /* bytes of one item kept (a longer one is cut) */
/* what URLs leave to the attachments' names that may come after them */
#define APP_MAIL_ITEMS_KEPT_BACK 8
#define APP_MAIL_TEXT_KEPT_BACK	 1024
/* Suricata's limit on a boundary: a longer one raises smtp.mime_long_boundary. */
#define APP_MAIL_BOUNDARY_LONG 254

struct app_mail_item {
	uint8_t kind; /* enum app_mail_item_kind */
	uint16_t off; /* its text: app_mail.text[off .. off + len) */
	uint16_t len;
};

struct app_mail {
	uint32_t limit; /* bytes of an attachment kept */
	uint8_t line[APP_MAIL_LINE_MAX];
	uint32_t line_len;
	bool line_start; /* the next byte starts a line (dot-unstuffing, boundaries) */
	bool in_headers; /* reading an entity's headers */
	bool ended;	 /* the message's end (the "." line) came */
	/* the entity whose headers are being read */
	uint8_t field[APP_MAIL_FIELD]; /* the header so far (continuation lines joined) */
	uint32_t field_len;
	char boundary_new[APP_MIME_BOUNDARY_MAX + 1]; /* its multipart boundary */
	size_t boundary_new_len;
	bool rfc822;	/* it is message/rfc822: a message's headers follow */
	uint8_t coding; /* enum app_mail_coding */
	uint8_t name[APP_FILE_NAME_MAX];
	uint32_t name_len;
	bool name_from_disposition;
	/* the boundaries open, outermost first */
	char boundary[APP_MAIL_DEPTH][APP_MIME_BOUNDARY_MAX + 1];
	uint8_t boundary_len[APP_MAIL_DEPTH];
	unsigned depth;
	/* the attachment being read */
	bool in_file;
	bool file_cut;
	bool crlf_pending; /* a plain line ended: its CRLF is content unless a boundary follows */
	uint8_t file_coding;
	uint32_t b64_acc; /* base64 bits not yet a byte */
	uint8_t b64_bits;
	uint8_t file_name[APP_FILE_NAME_MAX];
	uint32_t file_name_len;
	struct http_bytes file;
	/* what the message says of itself (foreach_app_mail_header) */
	bool main_headers; /* the entity being read is the message itself */
	bool
	    text_part; /* its body is text (text/plain, text/html, or no type): URLs are looked for */
	bool long_boundary; /* the message's boundary is longer than APP_MAIL_BOUNDARY_LONG */
	struct app_mail_item item[APP_MAIL_ITEMS_MAX];
	uint32_t item_count;
	uint32_t text_used;
	uint8_t text[APP_MAIL_TEXT_MAX];
};

/* Start a message (after DATA): forgets the last one, keeps limit. */
void app_mail_begin(struct app_mail *m, uint32_t limit);

/*
 * Bytes of the message as sent (dot-stuffed, the final "." line too, any
 * split across calls); file() is called for each attachment that ends in
 * them. Per-packet path.
 */
void app_mail_feed(struct app_mail *m, const uint8_t *data, size_t len, app_mail_file_fn file,
		   void *arg);

/* The message ended (or the connection did): an attachment still open ends here. */
void app_mail_end(struct app_mail *m, app_mail_file_fn file, void *arg);

/*
 * The i-th item of kind (0: the first) the message gave so far: its text
 * in *text, *len. False when there is none.
 */
bool app_mail_item(const struct app_mail *m, enum app_mail_item_kind kind, unsigned i,
		   const uint8_t **text, uint32_t *len);

/* How many items of kind the message gave so far. */
unsigned app_mail_item_count(const struct app_mail *m, enum app_mail_item_kind kind);

/* Frees the attachment's bytes. */
void app_mail_free(struct app_mail *m);

#endif
