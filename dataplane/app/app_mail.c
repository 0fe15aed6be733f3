/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A mail message's attachments as it streams (see app_mail.h).
 */
#include <string.h>
#include <strings.h>

#include "dataplane/app/app_mail.h"

/* The next entity's headers start (a part after a boundary, or a message/rfc822's message). */
static void mail_entity_begin(struct app_mail *m)
{
	m->in_headers = true;
	m->field_len = 0;
	m->boundary_new_len = 0;
	m->rfc822 = false;
	m->coding = APP_MAIL_PLAIN;
	m->name_len = 0;
	m->name_from_disposition = false;
	m->text_part = true; /* no Content-Type: text, as Suricata takes it */
}

void app_mail_begin(struct app_mail *m, uint32_t limit)
{
	struct http_bytes keep = m->file;
	memset(m, 0, sizeof(*m));
	m->file = keep;
	m->file.len = 0;
	m->limit = limit;
	m->line_start = true;
	m->main_headers = true;
	mail_entity_begin(m);
}

/* Keep an item (its first APP_MAIL_ITEM_MAX bytes); dropped when the text or the list is full. */
static void mail_item_add(struct app_mail *m, enum app_mail_item_kind kind, const uint8_t *text,
			  size_t len)
{
	if (len > APP_MAIL_ITEM_MAX)
		len = APP_MAIL_ITEM_MAX;
	if (m->item_count >= APP_MAIL_ITEMS_MAX || len > sizeof(m->text) - m->text_used)
		return;
	struct app_mail_item *it = &m->item[m->item_count++];
	it->kind = (uint8_t)kind;
	it->off = (uint16_t)m->text_used;
	it->len = (uint16_t)len;
	memcpy(m->text + m->text_used, text, len);
	m->text_used += (uint32_t)len;
}

bool app_mail_item(const struct app_mail *m, enum app_mail_item_kind kind, unsigned i,
		   const uint8_t **text, uint32_t *len)
{
	for (uint32_t k = 0; k < m->item_count && k < APP_MAIL_ITEMS_MAX; k++) {
		const struct app_mail_item *it = &m->item[k];
		if (it->kind != kind || i-- > 0)
			continue;
		*text = m->text + it->off;
		*len = it->len;
		return true;
	}
	return false;
}

unsigned app_mail_item_count(const struct app_mail *m, enum app_mail_item_kind kind)
{
	unsigned n = 0;
	for (uint32_t k = 0; k < m->item_count && k < APP_MAIL_ITEMS_MAX; k++)
		n += m->item[k].kind == kind;
	return n;
}

/* Is c where a URL in text ends (Suricata's set, and the line's end)? */
static bool mail_url_end(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ']' ||
	       c == '\r' || c == '\n';
}

/* The "http://" URLs of text p[0..n) (scheme in any case), kept without the scheme. */
static void mail_urls(struct app_mail *m, const uint8_t *p, size_t n)
{
	static const char scheme[] = "http://";
	const size_t k = sizeof(scheme) - 1;
	for (size_t i = 0; i + k <= n; i++) {
		if (strncasecmp((const char *)p + i, scheme, k) != 0)
			continue;
		size_t start = i + k, end = start;
		while (end < n && !mail_url_end(p[end]))
			end++;
		/* a text of links must leave room for the attachments' names that may follow */
		if (end > start && m->item_count < APP_MAIL_ITEMS_MAX - APP_MAIL_ITEMS_KEPT_BACK &&
		    m->text_used + (end - start) <= APP_MAIL_TEXT_MAX - APP_MAIL_TEXT_KEPT_BACK)
			mail_item_add(m, APP_MAIL_ITEM_URL, p + start, end - start);
		i = end > i ? end - 1 : i;
	}
}

void app_mail_free(struct app_mail *m)
{
	http_bytes_free(&m->file);
}

static void mail_name(struct app_mail *m, const uint8_t *name, size_t len)
{
	if (len > sizeof(m->name))
		len = sizeof(m->name);
	memcpy(m->name, name, len);
	m->name_len = (uint32_t)len;
}

/* v[0..len) without blanks around it. */
static void mail_trim(const uint8_t **v, size_t *len)
{
	while (*len && (**v == ' ' || **v == '\t')) {
		(*v)++;
		(*len)--;
	}
	while (*len && ((*v)[*len - 1] == ' ' || (*v)[*len - 1] == '\t'))
		(*len)--;
}

static bool mail_is(const uint8_t *v, size_t len, const char *word)
{
	size_t n = strlen(word);
	return len >= n && strncasecmp((const char *)v, word, n) == 0;
}

static const char *const mail_header_name[] = {
#define _(sym, name) [APP_MAIL_ITEM_##sym] = name,
    foreach_app_mail_header
#undef _
};

/*
 * A header of the message itself, name[0..name_len) and its value: kept
 * when rules or EVE read it (the first of each name; every Received).
 */
static void mail_main_field(struct app_mail *m, const uint8_t *name, size_t name_len,
			    const uint8_t *v, size_t vlen)
{
	for (unsigned kind = 0; kind < sizeof(mail_header_name) / sizeof(mail_header_name[0]);
	     kind++) {
		const char *want = mail_header_name[kind];
		if (strlen(want) != name_len || strncasecmp((const char *)name, want, name_len))
			continue;
		const uint8_t *t;
		uint32_t t_len;
		if (kind == APP_MAIL_ITEM_RECEIVED || !app_mail_item(m, kind, 0, &t, &t_len))
			mail_item_add(m, kind, v, vlen);
		return;
	}
	const uint8_t *b;
	size_t b_len;
	if (name_len == 12 && !strncasecmp((const char *)name, "content-type", 12) &&
	    app_mime_param(v, vlen, "boundary=", &b, &b_len) && b_len > APP_MAIL_BOUNDARY_LONG)
		m->long_boundary = true;
}

/* One header of the entity, its continuation lines joined: the ones that shape its body. */
static void mail_field(struct app_mail *m)
{
	const uint8_t *f = m->field;
	size_t len = m->field_len;
	m->field_len = 0;
	const uint8_t *colon = memchr(f, ':', len);
	if (!colon)
		return;
	const uint8_t *v = colon + 1;
	size_t vlen = len - (size_t)(v - f);
	mail_trim(&v, &vlen);
	const uint8_t *name;
	size_t name_len;
	if (m->main_headers)
		mail_main_field(m, f, (size_t)(colon - f), v, vlen);
	if (mail_is(f, len, "content-type:")) {
		m->rfc822 = mail_is(v, vlen, "message/rfc822");
		m->text_part = mail_is(v, vlen, "text/plain") || mail_is(v, vlen, "text/html");
		if (!app_mime_boundary(v, vlen, m->boundary_new, &m->boundary_new_len))
			m->boundary_new_len = 0;
		if (!m->name_from_disposition && app_mime_param(v, vlen, "name=", &name, &name_len))
			mail_name(m, name, name_len);
	} else if (mail_is(f, len, "content-transfer-encoding:")) {
		m->coding = mail_is(v, vlen, "base64")		   ? APP_MAIL_BASE64
			    : mail_is(v, vlen, "quoted-printable") ? APP_MAIL_QP
								   : APP_MAIL_PLAIN;
	} else if (mail_is(f, len, "content-disposition:") &&
		   app_mime_disposition_name(v, vlen, &name, &name_len)) {
		mail_name(m, name, name_len);
		m->name_from_disposition = true;
	}
}

/* The entity's headers ended: what its body is. */
static void mail_headers_end(struct app_mail *m)
{
	m->in_headers = false;
	m->main_headers = false;
	if (m->boundary_new_len && m->depth < APP_MAIL_DEPTH) {
		/* a multipart: its preamble is skipped up to its first boundary */
		memcpy(m->boundary[m->depth], m->boundary_new, m->boundary_new_len + 1);
		m->boundary_len[m->depth++] = (uint8_t)m->boundary_new_len;
		return;
	}
	if (m->rfc822) {
		/* its own transfer encoding says nothing of the message inside */
		mail_entity_begin(m);
		return;
	}
	if (!m->name_len)
		return;
	mail_item_add(m, APP_MAIL_ITEM_ATTACHMENT, m->name, m->name_len);
	m->in_file = true;
	m->file_cut = false;
	m->crlf_pending = false;
	m->file_coding = m->coding;
	m->b64_acc = 0;
	m->b64_bits = 0;
	memcpy(m->file_name, m->name, m->name_len);
	m->file_name_len = m->name_len;
	m->file.len = 0;
}

static void mail_header_line(struct app_mail *m, const uint8_t *line, size_t n)
{
	if (n == 0) {
		mail_field(m);
		mail_headers_end(m);
		return;
	}
	if (line[0] != ' ' && line[0] != '\t') {
		mail_field(m);
	} else {
		/* a folded line continues the header, without its first blank (as Suricata) */
		line++;
		n--;
	}
	size_t room = sizeof(m->field) - m->field_len;
	size_t take = n < room ? n : room;
	memcpy(m->field + m->field_len, line, take);
	m->field_len += (uint32_t)take;
}

static void mail_keep(struct app_mail *m, const uint8_t *bytes, size_t n)
{
	if (!http_bytes_append(&m->file, bytes, n, m->limit))
		m->file_cut = true;
}

static int mail_b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	return c == '/' ? 63 : -1;
}

static int mail_hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Content of the attachment: a line (ended: its line break came) or a piece of a long one. */
static void mail_content(struct app_mail *m, const uint8_t *p, size_t n, bool ended)
{
	uint8_t out[APP_MAIL_LINE_MAX + 2];
	size_t o = 0;
	if (m->file_coding == APP_MAIL_BASE64) {
		/* anything but the alphabet (padding, blanks, junk) is passed over, as mail readers do */
		for (size_t i = 0; i < n; i++) {
			int v = mail_b64_value(p[i]);
			if (v < 0)
				continue;
			m->b64_acc = (m->b64_acc << 6) | (uint32_t)v;
			m->b64_bits += 6;
			if (m->b64_bits >= 8) {
				m->b64_bits -= 8;
				out[o++] = (uint8_t)(m->b64_acc >> m->b64_bits);
			}
		}
		mail_urls(m, out, o);
		mail_keep(m, out, o);
		return;
	}
	/* a line break is content only when more of the part follows it */
	if (m->crlf_pending) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	bool soft = false;
	if (m->file_coding == APP_MAIL_QP) {
		for (size_t i = 0; i < n; i++) {
			int hi, lo;
			if (p[i] != '=') {
				out[o++] = p[i];
			} else if (i + 2 < n && (hi = mail_hex_value(p[i + 1])) >= 0 &&
				   (lo = mail_hex_value(p[i + 2])) >= 0) {
				out[o++] = (uint8_t)(hi << 4 | lo);
				i += 2;
			} else if (i + 1 == n) {
				soft = true; /* "=" ends the line: no line break */
			} else {
				out[o++] = p[i];
			}
		}
	} else {
		memcpy(out + o, p, n);
		o += n;
	}
	m->crlf_pending = ended && !soft;
	mail_urls(m, out, o);
	mail_keep(m, out, o);
}

static void mail_file_end(struct app_mail *m, app_mail_file_fn file, void *arg)
{
	if (!m->in_file)
		return;
	m->in_file = false;
	struct app_mail_file f = {
	    .name = m->file_name,
	    .name_len = m->file_name_len,
	    .data = m->file.data,
	    .len = m->file.len,
	    .truncated = m->file_cut,
	};
	file(arg, &f);
	m->file.len = 0;
}

/* The open multipart whose boundary line this is (-1: none); *closing: "--b--". */
static int mail_boundary_line(const struct app_mail *m, const uint8_t *line, size_t n,
			      bool *closing)
{
	if (n < 3 || line[0] != '-' || line[1] != '-')
		return -1;
	for (int k = (int)m->depth - 1; k >= 0; k--) {
		size_t b = m->boundary_len[k];
		if (n < 2 + b || memcmp(line + 2, m->boundary[k], b) != 0)
			continue;
		size_t rest = 2 + b;
		*closing = n - rest >= 2 && line[rest] == '-' && line[rest + 1] == '-';
		if (*closing)
			rest += 2;
		while (rest < n && (line[rest] == ' ' || line[rest] == '\t'))
			rest++; /* transport padding */
		if (rest == n)
			return k;
	}
	return -1;
}

static void mail_line(struct app_mail *m, const uint8_t *line, size_t n, app_mail_file_fn file,
		      void *arg)
{
	if (m->line_start && n && line[0] == '.') {
		if (n == 1) { /* the message's end */
			app_mail_end(m, file, arg);
			return;
		}
		line++; /* dot-stuffing */
		n--;
	}
	if (m->in_headers) {
		mail_header_line(m, line, n);
		return;
	}
	bool closing;
	int k = mail_boundary_line(m, line, n, &closing);
	if (k >= 0) {
		mail_file_end(m, file, arg);
		m->depth = closing ? (unsigned)k : (unsigned)k + 1;
		if (!closing)
			mail_entity_begin(m);
		return;
	}
	if (m->in_file)
		mail_content(m, line, n, true);
	else if (m->text_part)
		mail_urls(m, line, n);
}

void app_mail_feed(struct app_mail *m, const uint8_t *data, size_t len, app_mail_file_fn file,
		   void *arg)
{
	while (len && !m->ended) {
		const uint8_t *nl = memchr(data, '\n', len);
		size_t take = nl ? (size_t)(nl - data) : len;
		size_t room = APP_MAIL_LINE_MAX - m->line_len;
		if (take > room) {
			/* a line longer than kept: a body's goes on in pieces, a header's is cut */
			memcpy(m->line + m->line_len, data, room);
			if (!m->in_headers && m->in_file)
				mail_content(m, m->line, APP_MAIL_LINE_MAX, false);
			m->line_len = m->in_headers ? APP_MAIL_LINE_MAX : 0;
			m->line_start = false;
			data += room;
			len -= room;
			if (m->in_headers) {
				/* skip the rest of the header line */
				const uint8_t *end = memchr(data, '\n', len);
				size_t skip = end ? (size_t)(end - data) : len;
				data += skip;
				len -= skip;
			}
			continue;
		}
		memcpy(m->line + m->line_len, data, take);
		m->line_len += (uint32_t)take;
		data += take;
		len -= take;
		if (!nl)
			return;
		data++;
		len--;
		size_t n = m->line_len;
		if (n && m->line[n - 1] == '\r')
			n--;
		m->line_len = 0;
		mail_line(m, m->line, n, file, arg);
		m->line_start = true;
	}
}

void app_mail_end(struct app_mail *m, app_mail_file_fn file, void *arg)
{
	if (m->ended)
		return;
	m->ended = true;
	/* a last line without its line break (the connection ended) is content too */
	if (m->line_len && m->in_file && !m->in_headers)
		mail_content(m, m->line, m->line_len, false);
	m->line_len = 0;
	mail_file_end(m, file, arg);
}
