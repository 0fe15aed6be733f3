/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An HTTP request or response body as the HTTP parser (app_http.c) keeps
 * it for inspection: the bytes as they arrive (de-chunked by libhtp),
 * their Content-Encoding undone here (gzip, deflate, HTTP_DECODE_LAYERS
 * layers at most; the value read as leniently as browsers read it),
 * kept up to the body limit, and handed to inspection in windows as the
 * body grows (struct app_window, app.h), not only once it is complete.
 *
 * Decoding falls back to the bytes as sent when they are not what the
 * header says (a body marked gzip that is not gzip): from then on the raw
 * bytes are kept, starting with those the decoder had swallowed without
 * output, so nothing an attacker sends in tiny pieces before the failure
 * is lost (libhtp's own decoder passes on only the piece that failed).
 * A client that cannot decode such a body keeps it as sent (curl, wget,
 * malware's downloader), so that is what must be inspected.
 *
 * Also the bounded byte string both files keep their copies in. Nothing
 * here knows libhtp. One body belongs to one transaction of one flow, on
 * the worker that owns the flow; malloc per transaction, as libhtp does.
 */
#ifndef VIGIL_DATAPLANE_APP_HTTP_BODY_H
#define VIGIL_DATAPLANE_APP_HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/app/app.h"

/*
 * A body is inspected each time it has grown by HTTP_BODY_WINDOW bytes,
 * and once more at its end. 32 KB: most bodies of web traffic are smaller
 * and are still inspected once, when complete; what a file rule looks for
 * (magic bytes, a PE header, a script's first lines) is in the first
 * window, so a download still running or cut off alerts once 32 KB of it
 * passed (22 full-size segments); and the fixed cost of a window (a unit,
 * its candidates) is spread over 32 KB of scanning. Suricata inspects
 * bodies at a similar step (request-body-minimal-inspect-size 32 KB).
 * Each window searches again the last HTTP_BODY_OVERLAP bytes of the one
 * before, so a pattern, or a chain of contents, that starts at most 8 KB
 * before a window's new bytes is found whole; fast patterns are scanned
 * over at most 40 KB per window.
 */
#define HTTP_BODY_WINDOW  (32u * 1024)
#define HTTP_BODY_OVERLAP (8u * 1024)

/* Content-Encoding layers undone ("deflate, gzip, deflate": browsers
 * undo three, and so does Suricata; http-evader sends them). */
#define HTTP_DECODE_LAYERS 4

/* A growable byte string with a hard bound. */
struct http_bytes {
	uint8_t *data;
	uint32_t len, cap;
};

/*
 * Append up to limit - b->len bytes of data. Returns false when not all of
 * them fit (the limit, or out of memory): what fitted is kept.
 */
bool http_bytes_append(struct http_bytes *b, const void *data, size_t len, uint32_t limit);
void http_bytes_free(struct http_bytes *b);

struct http_decoder;

struct http_body {
	struct http_bytes data;	      /* decoded; its first limit bytes */
	uint32_t inspected;	      /* bytes of data handed to inspection by earlier windows */
	bool coding_known;	      /* Content-Encoding looked at (decoder set or not) */
	bool done;		      /* its last window went out */
	struct http_decoder *decoder; /* NULL: kept as sent */
	struct app_body_rules rules;
};

/*
 * Undo the codings of a Content-Encoding value (coding[0..len), as libhtp
 * joins repeated headers: "gzip, deflate"), outermost (last listed) first;
 * tokens are separated by commas or white space, bytes that cannot be in
 * a coding's name are dropped from a token ("gz\0ip" is gzip), and a
 * token naming no coding vigil undoes ("br", "x") is passed over. Call once, before
 * the first http_body_feed(). Returns 0, or -ENOMEM (the body is then kept
 * as sent).
 */
int http_body_coding(struct http_body *b, const uint8_t *coding, size_t len);

/* Bytes of the body as they arrive: decoded, kept up to limit. Per-packet path. */
void http_body_feed(struct http_body *b, const uint8_t *data, size_t len, uint32_t limit);

/*
 * Whether a window of the body is due, and which: at the end (complete),
 * once the body is full at limit, or once HTTP_BODY_WINDOW bytes came
 * since the last window. Fills w's positions, more (cut_short: the body
 * ended before the length it announced) and cut, and the body's rules;
 * the caller names the buffers. Marks the bytes inspected. False: nothing
 * to inspect now.
 */
bool http_body_window(struct http_body *b, bool complete, bool cut_short, uint32_t limit,
		      struct app_window *w);

void http_body_free(struct http_body *b);

#endif
