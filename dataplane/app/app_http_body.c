/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP bodies kept for inspection (see app_http_body.h): bounded byte
 * strings, Content-Encoding decoding with its fallback to the bytes as
 * sent, and the windows a growing body is inspected in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "dataplane/app/app_http_body.h"

/*
 * Input a decoder swallowed without giving output, kept for the fallback:
 * a gzip header with a long name, empty stored blocks. Beyond this the
 * oldest of it is dropped; it is stream framing, not content.
 */
#define HTTP_DECODE_HELD (64u * 1024)
#define HTTP_DECODE_OUT	 4096 /* output taken from zlib at a time (on the stack) */

/* One coding being undone. */
struct http_inflate {
	z_stream z;
	bool deflate;		/* "deflate": zlib-wrapped, or raw if its first bytes say so */
	bool raw;		/* deflate without the zlib wrapper, tried after a header error */
	bool produced;		/* it has given output: its input is its coding */
	bool failed;		/* not its coding: what follows passes as it is */
	struct http_bytes held; /* input swallowed since its last output */
};

struct http_decoder {
	unsigned layers;
	struct http_inflate layer[HTTP_DECODE_LAYERS]; /* [0]: the coding applied last */
};

/* --- byte strings --------------------------------------------------------------------------- */

bool http_bytes_append(struct http_bytes *b, const void *data, size_t len, uint32_t limit)
{
	if (!len)
		return true;
	if (b->len >= limit)
		return false;
	bool all = len <= limit - b->len;
	if (!all)
		len = limit - b->len;
	if (b->len + len > b->cap) {
		uint64_t cap = b->cap ? b->cap : 256;
		while (cap < (uint64_t)b->len + len)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		uint8_t *grown = realloc(b->data, cap);
		if (!grown)
			return false;
		b->data = grown;
		b->cap = (uint32_t)cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += (uint32_t)len;
	return all;
}

void http_bytes_free(struct http_bytes *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* --- Content-Encoding ----------------------------------------------------------------------- */

enum http_coding { HTTP_CODING_NONE, HTTP_CODING_GZIP, HTTP_CODING_DEFLATE, HTTP_CODING_OTHER };

static bool http_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* The coding named by text[0..len), blanks around it ignored ("identity": none). */
static enum http_coding http_coding_named(const uint8_t *text, size_t len)
{
	while (len && http_blank(text[0])) {
		text++;
		len--;
	}
	while (len && http_blank(text[len - 1]))
		len--;
	static const struct {
		const char *name;
		enum http_coding coding;
	} names[] = {
	    {"gzip", HTTP_CODING_GZIP},	      {"x-gzip", HTTP_CODING_GZIP},
	    {"deflate", HTTP_CODING_DEFLATE}, {"x-deflate", HTTP_CODING_DEFLATE},
	    {"identity", HTTP_CODING_NONE},
	};
	if (!len)
		return HTTP_CODING_NONE;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len &&
		    strncasecmp((const char *)text, names[i].name, len) == 0)
			return names[i].coding;
	return HTTP_CODING_OTHER;
}

static void http_decoder_free(struct http_decoder *d)
{
	if (!d)
		return;
	for (unsigned i = 0; i < d->layers; i++) {
		if (!d->layer[i].failed)
			inflateEnd(&d->layer[i].z);
		http_bytes_free(&d->layer[i].held);
	}
	free(d);
}

static int http_inflate_init(struct http_inflate *l, bool raw)
{
	memset(&l->z, 0, sizeof(l->z));
	l->raw = raw;
	/* gzip: 15 + 32 takes a gzip or a zlib header, as clients do */
	int bits = raw ? -15 : l->deflate ? 15 : 15 + 32;
	return inflateInit2(&l->z, bits) == Z_OK ? 0 : -ENOMEM;
}

int http_body_coding(struct http_body *b, const uint8_t *coding, size_t len)
{
	b->coding_known = true;
	struct http_inflate layer[HTTP_DECODE_LAYERS];
	unsigned layers = 0;
	/* the last coding listed was applied last: undone first */
	size_t end = len;
	while (coding && layers < HTTP_DECODE_LAYERS) {
		size_t start = end;
		while (start && coding[start - 1] != ',')
			start--;
		enum http_coding c = http_coding_named(coding + start, end - start);
		if (c == HTTP_CODING_OTHER)
			break;
		if (c != HTTP_CODING_NONE) {
			memset(&layer[layers], 0, sizeof(layer[layers]));
			layer[layers++].deflate = c == HTTP_CODING_DEFLATE;
		}
		if (!start)
			break;
		end = start - 1;
	}
	if (!layers)
		return 0;
	struct http_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (unsigned i = 0; i < layers; i++) {
		d->layer[i] = layer[i];
		if (http_inflate_init(&d->layer[i], false) < 0) {
			d->layers = i;
			http_decoder_free(d);
			return -ENOMEM;
		}
	}
	d->layers = layers;
	b->decoder = d;
	return 0;
}

/* --- decoding ------------------------------------------------------------------------------- */

static void http_body_keep(struct http_body *b, const uint8_t *data, size_t len, uint32_t limit)
{
	http_bytes_append(&b->data, data, len, limit);
}

static void http_decode(struct http_body *b, unsigned i, const uint8_t *in, size_t len,
			uint32_t limit);

/*
 * Layer i cannot undo its coding. A "deflate" body without the zlib
 * wrapper (what IIS sent) is tried again as raw deflate, if nothing came
 * out yet; otherwise the layer passes on what it swallowed and the rest,
 * as they are.
 */
static void http_decode_fail(struct http_body *b, unsigned i, const uint8_t *rest, size_t rest_len,
			     uint32_t limit)
{
	struct http_inflate *l = &b->decoder->layer[i];
	struct http_bytes held = l->held;
	memset(&l->held, 0, sizeof(l->held));
	inflateEnd(&l->z);
	if (l->deflate && !l->raw && !l->produced && http_inflate_init(l, true) == 0) {
		http_decode(b, i, held.data, held.len, limit);
		http_decode(b, i, rest, rest_len, limit);
	} else {
		l->failed = true;
		http_decode(b, i + 1, held.data, held.len, limit);
		http_decode(b, i + 1, rest, rest_len, limit);
	}
	http_bytes_free(&held);
}

/*
 * in[0..len) into layer i; its output into layer i + 1, the last layer's
 * into the body. Decoding stops once the body is full: a small body that
 * inflates to gigabytes costs no more than limit bytes of output.
 */
static void http_decode(struct http_body *b, unsigned i, const uint8_t *in, size_t len,
			uint32_t limit)
{
	if (!len)
		return;
	if (i == b->decoder->layers) {
		http_body_keep(b, in, len, limit);
		return;
	}
	struct http_inflate *l = &b->decoder->layer[i];
	if (l->failed) {
		http_decode(b, i + 1, in, len, limit);
		return;
	}
	uint8_t out[HTTP_DECODE_OUT];
	l->z.next_in = (Bytef *)(uintptr_t)in;
	l->z.avail_in = (uInt)len;
	while (l->z.avail_in && b->data.len < limit) {
		const Bytef *before = l->z.next_in;
		l->z.next_out = out;
		l->z.avail_out = sizeof(out);
		int rc = inflate(&l->z, Z_NO_FLUSH);
		size_t used = (size_t)(l->z.next_in - before), made = sizeof(out) - l->z.avail_out;
		const uint8_t *rest = l->z.next_in;
		size_t rest_len = l->z.avail_in;
		if (made) {
			l->produced = true;
			l->held.len = 0;
		} else if (used && !http_bytes_append(&l->held, before, used, HTTP_DECODE_HELD)) {
			l->held.len = 0; /* framing only: see HTTP_DECODE_HELD */
		}
		if (rc == Z_STREAM_END) {
			/* the member's own trailer was swallowed, not content; another
			 * gzip member may follow (what gunzip decodes too) */
			l->held.len = 0;
			if (inflateReset(&l->z) != Z_OK)
				rc = Z_STREAM_ERROR;
		} else if (rc == Z_BUF_ERROR && !used && !made) {
			break;
		}
		if (made)
			http_decode(b, i + 1, out, made, limit);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			http_decode_fail(b, i, rest, rest_len, limit);
			return;
		}
		/* the recursion above reused nothing of this layer's stream */
		l->z.next_in = (Bytef *)(uintptr_t)rest;
		l->z.avail_in = (uInt)rest_len;
	}
}

void http_body_feed(struct http_body *b, const uint8_t *data, size_t len, uint32_t limit)
{
	if (b->done || b->data.len >= limit)
		return;
	if (b->decoder)
		http_decode(b, 0, data, len, limit);
	else
		http_body_keep(b, data, len, limit);
}

/* --- windows -------------------------------------------------------------------------------- */

bool http_body_window(struct http_body *b, bool complete, bool cut_short, uint32_t limit,
		      struct app_window *w)
{
	if (b->done)
		return false;
	bool full = b->data.len >= limit;
	bool last = complete || full;
	uint32_t len = b->data.len;
	if (!last && len - b->inspected < HTTP_BODY_WINDOW)
		return false;
	if (last)
		b->done = true;
	if (!len)
		return false;
	uint32_t new_from = b->inspected;
	/* The last window offers the overlap as new again: a rule that waited
	 * for the body's end (endswith, isdataat:!1,relative) is found there
	 * even when the body ended right after a window. */
	if (last && new_from && len - new_from < HTTP_BODY_OVERLAP)
		new_from = len > HTTP_BODY_OVERLAP ? len - HTTP_BODY_OVERLAP : 0;
	memset(w, 0, sizeof(*w));
	w->new_from = new_from;
	w->scan_from = new_from > HTTP_BODY_OVERLAP ? new_from - HTTP_BODY_OVERLAP : 0;
	w->more = !complete || cut_short;
	w->cut = full && !complete;
	w->rules = &b->rules;
	b->inspected = len;
	return true;
}

void http_body_free(struct http_body *b)
{
	http_decoder_free(b->decoder);
	http_bytes_free(&b->data);
	memset(b, 0, sizeof(*b));
}
