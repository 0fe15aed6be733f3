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

/*
 * Where a gzip layer stands in its framing (RFC 1952), which vigil reads
 * itself rather than through zlib: zlib refuses a member whose header has
 * a reserved flag set (0x20, 0x40, 0x80) or a header CRC (FHCRC) that does
 * not match, and browsers decode both (http-evader's cases), so an IDS
 * that trusts zlib there sees garbage where the browser sees the file.
 * Only the magic and the method are required; the header CRC and the
 * trailer (CRC-32, size) are skipped unchecked, as the browser does.
 */
enum http_gzip_state {
	HTTP_GZIP_MAGIC1,
	HTTP_GZIP_MAGIC2,
	HTTP_GZIP_METHOD,
	HTTP_GZIP_FLAGS,
	HTTP_GZIP_FIXED,   /* MTIME, XFL, OS: 6 bytes */
	HTTP_GZIP_XLEN1,   /* FEXTRA: its length, low byte */
	HTTP_GZIP_XLEN2,   /* and high byte */
	HTTP_GZIP_EXTRA,   /* FEXTRA: its bytes */
	HTTP_GZIP_NAME,	   /* FNAME: to its NUL */
	HTTP_GZIP_COMMENT, /* FCOMMENT: to its NUL */
	HTTP_GZIP_HCRC,	   /* FHCRC: 2 bytes, not checked */
	HTTP_GZIP_DATA,	   /* raw deflate */
	HTTP_GZIP_TRAILER, /* CRC-32 and ISIZE: 8 bytes, not checked */
};

#define HTTP_GZIP_FHCRC	   0x02
#define HTTP_GZIP_FEXTRA   0x04
#define HTTP_GZIP_FNAME	   0x08
#define HTTP_GZIP_FCOMMENT 0x10

/* One coding being undone. */
struct http_inflate {
	z_stream z;
	bool deflate;	     /* "deflate": zlib-wrapped, or raw if its first bytes say so */
	bool raw;	     /* deflate without the zlib wrapper, tried after a header error */
	bool produced;	     /* it has given output: its input is its coding */
	bool failed;	     /* not its coding: what follows passes as it is */
	bool gzip;	     /* gzip framing read here (enum http_gzip_state), raw deflate inside */
	uint8_t gzip_state;  /* enum http_gzip_state */
	uint8_t gzip_flags;  /* the member's FLG */
	uint16_t gzip_count; /* bytes of the current field still to skip */
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

/*
 * The coding a token of Content-Encoding names. What a browser accepts is
 * wider than the grammar (http-evader's cases, each decoded by browsers
 * and by Suricata): bytes that cannot be part of a coding's name (NUL,
 * vertical tab, form feed, 0xa0, ';', ':', ...) are dropped from it, so
 * "gz\0ip", "\x0bgzip", "gzip;" and "def\0late" all name their coding.
 */
static enum http_coding http_coding_named(const uint8_t *text, size_t len)
{
	char name[16];
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = text[i];
		bool name_byte = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
		if (!name_byte)
			continue;
		if (n == sizeof(name))
			return HTTP_CODING_OTHER;
		name[n++] = (char)c;
	}
	static const struct {
		const char *name;
		enum http_coding coding;
	} names[] = {
	    {"gzip", HTTP_CODING_GZIP},	      {"x-gzip", HTTP_CODING_GZIP},
	    {"deflate", HTTP_CODING_DEFLATE}, {"x-deflate", HTTP_CODING_DEFLATE},
	    {"identity", HTTP_CODING_NONE},
	};
	if (!n)
		return HTTP_CODING_NONE;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && strncasecmp(name, names[i].name, n) == 0)
			return names[i].coding;
	return HTTP_CODING_OTHER;
}

/* Separates the tokens of a Content-Encoding value: commas and white space of any kind. */
static bool http_coding_separator(uint8_t c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
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

/* raw: deflate without a wrapper (gzip framing is read by vigil, see enum http_gzip_state). */
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
	/* The last coding listed was applied last: undone first. A token that
	 * names no coding vigil knows ("x", "br") is passed over, not an end:
	 * "gzip x" is gzip to a browser. */
	size_t end = len;
	while (coding && end && layers < HTTP_DECODE_LAYERS) {
		while (end && http_coding_separator(coding[end - 1]))
			end--;
		size_t start = end;
		while (start && !http_coding_separator(coding[start - 1]))
			start--;
		enum http_coding c = http_coding_named(coding + start, end - start);
		if (c == HTTP_CODING_GZIP || c == HTTP_CODING_DEFLATE) {
			memset(&layer[layers], 0, sizeof(layer[layers]));
			layer[layers].deflate = c == HTTP_CODING_DEFLATE;
			layer[layers++].gzip = c == HTTP_CODING_GZIP;
		}
		end = start;
	}
	if (!layers)
		return 0;
	struct http_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (unsigned i = 0; i < layers; i++) {
		d->layer[i] = layer[i];
		if (http_inflate_init(&d->layer[i], d->layer[i].gzip) < 0) {
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
 * Layer i cannot undo its coding. A body without the wrapper its label
 * says (a "deflate" body as raw deflate, what IIS sent; a "gzip" body
 * that is zlib or raw deflate) is tried again as raw deflate, if nothing
 * came out yet; otherwise the layer passes on what it swallowed and the
 * rest, as they are.
 */
static void http_decode_fail(struct http_body *b, unsigned i, const uint8_t *rest, size_t rest_len,
			     uint32_t limit)
{
	struct http_inflate *l = &b->decoder->layer[i];
	struct http_bytes held = l->held;
	memset(&l->held, 0, sizeof(l->held));
	inflateEnd(&l->z);
	if (!l->raw && !l->produced && http_inflate_init(l, true) == 0) {
		http_decode(b, i, held.data, held.len, limit);
		http_decode(b, i, rest, rest_len, limit);
	} else {
		l->failed = true;
		http_decode(b, i + 1, held.data, held.len, limit);
		http_decode(b, i + 1, rest, rest_len, limit);
	}
	http_bytes_free(&held);
}

/* What http_inflate_run() did with its input. */
enum http_inflate_result {
	HTTP_INFLATE_MORE,   /* took all of it (or the body is full) */
	HTTP_INFLATE_END,    /* the deflate stream ended: *used bytes taken */
	HTTP_INFLATE_FAILED, /* not its coding: http_decode_fail() had the rest */
};

/*
 * in[0..len) into layer i's zlib stream; its output into layer i + 1, the
 * last layer's into the body. Decoding stops once the body is full: a
 * small body that inflates to gigabytes costs no more than limit bytes of
 * output.
 */
static enum http_inflate_result http_inflate_run(struct http_body *b, unsigned i, const uint8_t *in,
						 size_t len, uint32_t limit, size_t *used_total)
{
	struct http_inflate *l = &b->decoder->layer[i];
	uint8_t out[HTTP_DECODE_OUT];
	l->z.next_in = (Bytef *)(uintptr_t)in;
	l->z.avail_in = (uInt)len;
	*used_total = 0;
	while (l->z.avail_in && b->data.len < limit) {
		const Bytef *before = l->z.next_in;
		l->z.next_out = out;
		l->z.avail_out = sizeof(out);
		int rc = inflate(&l->z, Z_NO_FLUSH);
		size_t used = (size_t)(l->z.next_in - before), made = sizeof(out) - l->z.avail_out;
		const uint8_t *rest = l->z.next_in;
		size_t rest_len = l->z.avail_in;
		*used_total += used;
		if (made) {
			l->produced = true;
			l->held.len = 0;
		} else if (used && !http_bytes_append(&l->held, before, used, HTTP_DECODE_HELD)) {
			l->held.len = 0; /* framing only: see HTTP_DECODE_HELD */
		}
		if (made)
			http_decode(b, i + 1, out, made, limit);
		if (rc == Z_STREAM_END) {
			/* the member's own trailer was swallowed, not content */
			l->held.len = 0;
			return HTTP_INFLATE_END;
		}
		if (rc == Z_BUF_ERROR && !used && !made)
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			http_decode_fail(b, i, rest, rest_len, limit);
			return HTTP_INFLATE_FAILED;
		}
		/* the recursion above reused nothing of this layer's stream */
		l->z.next_in = (Bytef *)(uintptr_t)rest;
		l->z.avail_in = (uInt)rest_len;
	}
	return HTTP_INFLATE_MORE;
}

/* The gzip field that follows state after (FEXTRA, FNAME, FCOMMENT, FHCRC: those flagged), or the data. */
static void http_gzip_next_field(struct http_inflate *l, enum http_gzip_state after)
{
	static const struct {
		enum http_gzip_state state;
		uint8_t flag;
	} fields[] = {
	    {HTTP_GZIP_XLEN1, HTTP_GZIP_FEXTRA},
	    {HTTP_GZIP_NAME, HTTP_GZIP_FNAME},
	    {HTTP_GZIP_COMMENT, HTTP_GZIP_FCOMMENT},
	    {HTTP_GZIP_HCRC, HTTP_GZIP_FHCRC},
	};
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
		if (fields[k].state > after && (l->gzip_flags & fields[k].flag)) {
			l->gzip_state = (uint8_t)fields[k].state;
			l->gzip_count = fields[k].state == HTTP_GZIP_HCRC ? 2 : 0;
			return;
		}
	l->gzip_state = HTTP_GZIP_DATA;
}

/*
 * Read gzip framing from in[0..len) (a member's header, or the trailer
 * of the one before and the next header): *used bytes of it. Returns 1
 * once the member's deflate data starts at in + *used, 0 when all of in
 * was framing, -1 when in + *used is not where a gzip member can start
 * (no magic, or a method other than deflate).
 */
static int http_gzip_frame(struct http_inflate *l, const uint8_t *in, size_t len, size_t *used)
{
	size_t n = 0;
	for (; n < len && l->gzip_state != HTTP_GZIP_DATA; n++) {
		uint8_t c = in[n];
		switch ((enum http_gzip_state)l->gzip_state) {
		case HTTP_GZIP_MAGIC1:
		case HTTP_GZIP_MAGIC2:
		case HTTP_GZIP_METHOD: {
			static const uint8_t want[] = {0x1f, 0x8b, 8};
			if (c != want[l->gzip_state]) {
				*used = n;
				return -1;
			}
			l->gzip_state++;
			break;
		}
		case HTTP_GZIP_FLAGS:
			/* reserved bits (0xe0) ignored, as browsers do; zlib refuses them */
			l->gzip_flags = c;
			l->gzip_state = HTTP_GZIP_FIXED;
			l->gzip_count = 6;
			break;
		case HTTP_GZIP_FIXED:
			if (--l->gzip_count == 0)
				http_gzip_next_field(l, HTTP_GZIP_FIXED);
			break;
		case HTTP_GZIP_XLEN1:
			l->gzip_count = c;
			l->gzip_state = HTTP_GZIP_XLEN2;
			break;
		case HTTP_GZIP_XLEN2:
			l->gzip_count |= (uint16_t)(c << 8);
			l->gzip_state = HTTP_GZIP_EXTRA;
			if (l->gzip_count == 0)
				http_gzip_next_field(l, HTTP_GZIP_EXTRA);
			break;
		case HTTP_GZIP_EXTRA:
			if (--l->gzip_count == 0)
				http_gzip_next_field(l, HTTP_GZIP_EXTRA);
			break;
		case HTTP_GZIP_NAME:
		case HTTP_GZIP_COMMENT:
			if (c == 0)
				http_gzip_next_field(l, (enum http_gzip_state)l->gzip_state);
			break;
		case HTTP_GZIP_HCRC: /* not checked: a wrong one does not stop a browser */
			if (--l->gzip_count == 0)
				http_gzip_next_field(l, HTTP_GZIP_HCRC);
			break;
		case HTTP_GZIP_TRAILER: /* CRC-32 and size: not checked either */
			if (--l->gzip_count == 0)
				l->gzip_state = HTTP_GZIP_MAGIC1;
			break;
		case HTTP_GZIP_DATA:
			break;
		}
	}
	*used = n;
	return l->gzip_state == HTTP_GZIP_DATA;
}

/*
 * Where a gzip member should start there is none. Before any output, the
 * body may be zlib-wrapped or raw deflate under a "gzip" label: the layer
 * becomes an ordinary zlib one (gzip or zlib header, then raw) and gets
 * again what it read. After a member, what follows passes as it is
 * (gunzip calls it trailing garbage; it is inspected all the same).
 */
static void http_gzip_not_gzip(struct http_body *b, unsigned i, const uint8_t *rest,
			       size_t rest_len, uint32_t limit)
{
	struct http_inflate *l = &b->decoder->layer[i];
	l->gzip = false;
	if (!l->produced) {
		struct http_bytes held = l->held;
		memset(&l->held, 0, sizeof(l->held));
		inflateEnd(&l->z);
		if (http_inflate_init(l, false) < 0)
			l->failed = true;
		http_decode(b, i, held.data, held.len, limit);
		http_decode(b, i, rest, rest_len, limit);
		http_bytes_free(&held);
		return;
	}
	inflateEnd(&l->z);
	l->failed = true;
	http_decode(b, i + 1, rest, rest_len, limit);
}

/* A gzip layer: framing read here, deflate data through zlib, member after member. */
static void http_gzip_decode(struct http_body *b, unsigned i, const uint8_t *in, size_t len,
			     uint32_t limit)
{
	struct http_inflate *l = &b->decoder->layer[i];
	while (len && b->data.len < limit) {
		if (l->gzip_state != HTTP_GZIP_DATA) {
			size_t used = 0;
			int r = http_gzip_frame(l, in, len, &used);
			if (!l->produced)
				http_bytes_append(&l->held, in, used, HTTP_DECODE_HELD);
			in += used;
			len -= used;
			if (r < 0) {
				http_gzip_not_gzip(b, i, in, len, limit);
				return;
			}
			if (r == 0)
				return;
			if (inflateReset2(&l->z, -15) != Z_OK) {
				http_decode_fail(b, i, in, len, limit);
				return;
			}
			continue;
		}
		size_t used;
		enum http_inflate_result rc = http_inflate_run(b, i, in, len, limit, &used);
		if (rc == HTTP_INFLATE_FAILED)
			return;
		in += used;
		len -= used;
		if (rc == HTTP_INFLATE_END) {
			l->gzip_state = HTTP_GZIP_TRAILER;
			l->gzip_count = 8;
		} else {
			return;
		}
	}
}

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
	if (l->gzip) {
		http_gzip_decode(b, i, in, len, limit);
		return;
	}
	while (len && b->data.len < limit) {
		size_t used;
		enum http_inflate_result rc = http_inflate_run(b, i, in, len, limit, &used);
		if (rc != HTTP_INFLATE_END)
			return;
		/* another gzip member (or zlib stream) may follow, as gunzip decodes */
		in += used;
		len -= used;
		if (inflateReset(&l->z) != Z_OK) {
			http_decode_fail(b, i, in, len, limit);
			return;
		}
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
	w->last = last;
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
