/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for dataplane/app/app_mail.c: the attachments of a mail
 * message as the SMTP parser streams it: a base64 attachment of a
 * multipart (named by Content-Disposition, else Content-Type's name),
 * quoted-printable and plain ones (the line break before a boundary not
 * content), nested multiparts, a message/rfc822 whose base64 label must
 * not hide the attachment inside (Suricata's issue 8649), dot-stuffing
 * and the final "." line, the limit (truncated), any split of the bytes
 * (one at a time), and lines longer than kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/app/app_mail.h"

#define FILES_MAX 8

struct got {
	char name[64];
	char data[4096];
	uint32_t len;
	bool truncated;
};
static struct got got[FILES_MAX];
static int got_count;

static void on_file(void *arg, const struct app_mail_file *f)
{
	(void)arg;
	assert_true(got_count < FILES_MAX);
	struct got *g = &got[got_count++];
	snprintf(g->name, sizeof(g->name), "%.*s", (int)f->name_len, (const char *)f->name);
	g->len = f->len < sizeof(g->data) ? f->len : sizeof(g->data);
	if (g->len)
		memcpy(g->data, f->data, g->len);
	g->truncated = f->truncated;
}

/* Feed text as a message in steps of step bytes, then its end. */
static void mail(const char *text, size_t step, uint32_t limit)
{
	static struct app_mail m;
	memset(got, 0, sizeof(got));
	got_count = 0;
	app_mail_begin(&m, limit);
	size_t len = strlen(text);
	for (size_t off = 0; off < len; off += step)
		app_mail_feed(&m, (const uint8_t *)text + off, len - off < step ? len - off : step,
			      on_file, NULL);
	app_mail_end(&m, on_file, NULL);
	app_mail_free(&m);
}

static void assert_file(int i, const char *name, const char *data)
{
	assert_true(i < got_count);
	assert_string_equal(got[i].name, name);
	assert_int_equal(got[i].len, strlen(data));
	assert_memory_equal(got[i].data, data, got[i].len);
}

#define MULTIPART                                                                                  \
	"From: a@b\r\nSubject: s\r\nMIME-Version: 1.0\r\n"                                         \
	"Content-Type: multipart/mixed; boundary=\"==b1\"\r\n\r\n"                                 \
	"preamble\r\n"                                                                             \
	"--==b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n"                                      \
	"--==b1\r\nContent-Type: application/octet-stream; name=\"by-type.bin\"\r\n"               \
	"Content-Transfer-Encoding: base64\r\n"                                                    \
	"Content-Disposition: attachment;\r\n filename=\"J.txt\"\r\n\r\n"                          \
	"aWYgd2Fz\r\nIGFkZGVk\r\n"                                                                 \
	"--==b1\r\nContent-Type: text/plain; name=qp.txt\r\n"                                      \
	"Content-Transfer-Encoding: quoted-printable\r\n\r\n"                                      \
	"a=3Db soft=\r\nline\r\nnext\r\n"                                                          \
	"--==b1--\r\nepilogue\r\n.\r\n"

static void test_multipart(void **state)
{
	(void)state;
	mail(MULTIPART, 100000, 1 << 20);
	assert_int_equal(got_count, 2); /* the text part has no name: no file */
	/* a folded Content-Disposition, its name preferred to Content-Type's */
	assert_file(0, "J.txt", "if was added");
	assert_file(1, "qp.txt", "a=b softline\r\nnext");
	assert_false(got[0].truncated);
	/* any split of the bytes gives the same */
	mail(MULTIPART, 1, 1 << 20);
	assert_int_equal(got_count, 2);
	assert_file(0, "J.txt", "if was added");
	assert_file(1, "qp.txt", "a=b softline\r\nnext");
}

static void test_rfc822_base64_label(void **state)
{
	(void)state;
	mail("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n"
	     "Content-Disposition: attachment; filename=\"innocent.txt\"\r\n\r\n"
	     "From: x\r\nContent-Type: application/octet-stream\r\n"
	     "Content-Disposition: attachment; filename=\"malware.exe\"\r\n\r\n"
	     "EICAR-MIME-BYPASS-TEST-PAYLOAD\r\n.\r\n",
	     7, 1 << 20);
	assert_int_equal(got_count, 1);
	assert_file(0, "malware.exe", "EICAR-MIME-BYPASS-TEST-PAYLOAD");
}

static void test_nested_and_dots(void **state)
{
	(void)state;
	mail("Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
	     "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
	     "--inner\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n"
	     "..dot line\r\nx\r\n"
	     "--inner--\r\n"
	     "--outer\r\nContent-Disposition: attachment; filename=b.txt\r\n\r\nb\r\n"
	     "--outer--\r\n.\r\nnot the message\r\n",
	     100000, 1 << 20);
	assert_int_equal(got_count, 2);
	assert_file(0, "a.txt", ".dot line\r\nx");
	assert_file(1, "b.txt", "b");
}

static void test_limit_and_end(void **state)
{
	(void)state;
	/* past the limit: truncated; the message's end closes a file with no boundary */
	mail("Content-Disposition: attachment; filename=big\r\n\r\n0123456789abcdef\r\n.\r\n",
	     100000, 8);
	assert_int_equal(got_count, 1);
	assert_int_equal(got[0].len, 8);
	assert_true(got[0].truncated);
	/* the connection ends inside it: ended by app_mail_end */
	mail("Content-Disposition: attachment; filename=cut\r\n\r\npart", 100000, 1 << 20);
	assert_int_equal(got_count, 1);
	assert_file(0, "cut", "part");
}

static void test_long_lines(void **state)
{
	(void)state;
	char *text = malloc(8192);
	assert_non_null(text);
	size_t n = (size_t)snprintf(text, 8192,
				    "Subject: %03000d\r\n"
				    "Content-Disposition: attachment; filename=long\r\n\r\n",
				    1);
	memset(text + n, 'z', 3000);
	strcpy(text + n + 3000, "\r\n.\r\n");
	mail(text, 1000, 1 << 20);
	assert_int_equal(got_count, 1);
	assert_string_equal(got[0].name, "long");
	assert_int_equal(got[0].len, 3000);
	free(text);
}

static struct app_mail items_mail;

/* Feed text as a message in steps of step bytes and end it; items_mail keeps what it said. */
static void mail_items(const char *text, size_t step)
{
	app_mail_begin(&items_mail, 1 << 20);
	got_count = 0;
	size_t len = strlen(text);
	for (size_t off = 0; off < len; off += step)
		app_mail_feed(&items_mail, (const uint8_t *)text + off,
			      len - off < step ? len - off : step, on_file, NULL);
	app_mail_end(&items_mail, on_file, NULL);
}

static void assert_item(enum app_mail_item_kind kind, unsigned i, const char *want)
{
	const uint8_t *v;
	uint32_t len;
	assert_true(app_mail_item(&items_mail, kind, i, &v, &len));
	assert_int_equal(len, strlen(want));
	assert_memory_equal(v, want, len);
}

/* The message's own headers: the first of each, every Received, folded lines joined. */
static void test_items_headers(void **state)
{
	(void)state;
	for (size_t step = 1; step <= 100000; step += 99999) {
		mail_items("Received: from a\r\n\tby b\r\nReceived: from c\r\n"
			   "FROM:  x <x@y>  \r\nfrom: second@y\r\nTo: a@b,\r\n c@d\r\n"
			   "Message-ID: <id@host>\r\nX-Mailer: m 1\r\nDate: Mon\r\n"
			   "Content-Type: message/rfc822\r\n\r\n"
			   "From: inner@z\r\nSubject: inner\r\n\r\nbody\r\n.\r\n",
			   step);
		assert_item(APP_MAIL_ITEM_RECEIVED, 0, "from aby b");
		assert_item(APP_MAIL_ITEM_RECEIVED, 1, "from c");
		assert_int_equal(app_mail_item_count(&items_mail, APP_MAIL_ITEM_RECEIVED), 2);
		assert_item(APP_MAIL_ITEM_FROM, 0, "x <x@y>");
		assert_int_equal(app_mail_item_count(&items_mail, APP_MAIL_ITEM_FROM), 1);
		assert_item(APP_MAIL_ITEM_TO, 0, "a@b,c@d");
		assert_item(APP_MAIL_ITEM_MESSAGE_ID, 0, "<id@host>");
		assert_item(APP_MAIL_ITEM_X_MAILER, 0, "m 1");
		assert_item(APP_MAIL_ITEM_DATE, 0, "Mon");
		/* the headers of a message inside are not the message's */
		assert_int_equal(app_mail_item_count(&items_mail, APP_MAIL_ITEM_SUBJECT), 0);
		assert_false(items_mail.long_boundary);
	}
	app_mail_free(&items_mail);
}

/* URLs: "http://" ones (any case) of text parts and attachments, without the scheme. */
static void test_items_urls_and_attachments(void **state)
{
	(void)state;
	for (size_t step = 1; step <= 100000; step += 99999) {
		mail_items("Content-Type: multipart/mixed; boundary=b\r\n\r\n"
			   "preamble http://not.a.part/\r\n"
			   "--b\r\nContent-Type: text/html\r\n\r\n"
			   "<a href=\"HTTP://a.example/x\">x</a> https://no.example\r\n"
			   "--b\r\nContent-Type: image/png\r\n\r\nhttp://not.text/\r\n"
			   "--b\r\nContent-Disposition: attachment; filename=f.txt\r\n"
			   "Content-Transfer-Encoding: base64\r\n\r\n"
			   "aHR0cDovL2luLmZpbGUvIGFuZA==\r\n" /* "http://in.file/ and" */
			   "--b--\r\n.\r\n",
			   step);
		assert_int_equal(app_mail_item_count(&items_mail, APP_MAIL_ITEM_URL), 2);
		assert_item(APP_MAIL_ITEM_URL, 0, "a.example/x");
		assert_item(APP_MAIL_ITEM_URL, 1, "in.file/");
		assert_int_equal(app_mail_item_count(&items_mail, APP_MAIL_ITEM_ATTACHMENT), 1);
		assert_item(APP_MAIL_ITEM_ATTACHMENT, 0, "f.txt");
		assert_int_equal(got_count, 1);
	}
	app_mail_free(&items_mail);
}

/* Many URLs fill no more than their share: an attachment's name after them is kept. */
static void test_items_bounded(void **state)
{
	(void)state;
	static char text[64 * 1024];
	size_t n =
	    (size_t)snprintf(text, sizeof(text),
			     "Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
			     "--b\r\n\r\n");
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "http://%0200d/\r\n", i);
	snprintf(text + n, sizeof(text) - n,
		 "--b\r\nContent-Disposition: attachment; filename=late.txt\r\n\r\nx\r\n"
		 "--b--\r\n.\r\n");
	mail_items(text, 100000);
	assert_true(items_mail.item_count <= APP_MAIL_ITEMS_MAX);
	assert_true(items_mail.text_used <= APP_MAIL_TEXT_MAX);
	assert_true(app_mail_item_count(&items_mail, APP_MAIL_ITEM_URL) > 0);
	assert_item(APP_MAIL_ITEM_SUBJECT, 0, "s");
	assert_item(APP_MAIL_ITEM_ATTACHMENT, 0, "late.txt");
	app_mail_free(&items_mail);
	/* a boundary longer than Suricata's 254 bytes is flagged */
	char boundary[300];
	memset(boundary, 'x', sizeof(boundary) - 1);
	boundary[sizeof(boundary) - 1] = '\0';
	snprintf(text, sizeof(text), "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n.\r\n",
		 boundary);
	mail_items(text, 100000);
	assert_true(items_mail.long_boundary);
	app_mail_free(&items_mail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_multipart),
	    cmocka_unit_test(test_rfc822_base64_label),
	    cmocka_unit_test(test_nested_and_dots),
	    cmocka_unit_test(test_limit_and_end),
	    cmocka_unit_test(test_long_lines),
	    cmocka_unit_test(test_items_headers),
	    cmocka_unit_test(test_items_urls_and_attachments),
	    cmocka_unit_test(test_items_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
