/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP/2 application-layer parser (dataplane/app/app_http2.c): a row
 * of the parser table in app.c. Frames are read with bounds per flow,
 * header blocks (HEADERS, CONTINUATION, PUSH_PROMISE) are decompressed by
 * libnghttp2's HPACK inflater, and each stream is handed to inspection
 * as HTTP/1's buffers are (http.method, http.uri, http.host, http.header,
 * http.stat_code, bodies and file.data, ...; app_http.c says which
 * buffer holds what), plus the http2.* buffers and one unit per frame for
 * the frame keywords (http2.frametype, http2.errorcode, http2.window,
 * http2.priority, http2.settings, http2.size_update: rules/keywords/kw_http2.c).
 *
 * What a flow may hold: HTTP2_STREAMS_MAX streams at once (the least
 * recently used one goes when a new one needs its place), a header list
 * of HTTP2_HEADERS_LIMIT bytes per stream and direction, control frames
 * of HTTP2_FRAME_KEEP bytes (a longer one is read past and its content
 * not used), bodies of app_config.body_limit bytes, and the HPACK
 * tables of HTTP2_TABLE_MAX bytes each. What is cut is counted in struct
 * app_http2_counts, per flow.
 */
#ifndef VIGIL_DATAPLANE_APP_HTTP2_H
#define VIGIL_DATAPLANE_APP_HTTP2_H

#include "dataplane/app/app_parsers.h"

#define HTTP2_STREAMS_MAX    16
#define HTTP2_HEADERS_LIMIT  (32u * 1024)
#define HTTP2_FRAME_KEEP     16384u /* the default SETTINGS_MAX_FRAME_SIZE */
#define HTTP2_TABLE_MAX	     65536u
#define HTTP2_PREFACE	     "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define HTTP2_PREFACE_LEN    24u
#define HTTP2_FRAME_DATA     0
#define HTTP2_FRAME_HEADERS  1
#define HTTP2_FRAME_PRIORITY 2
#define HTTP2_FRAME_RST	     3
#define HTTP2_FRAME_SETTINGS 4
#define HTTP2_FRAME_PUSH     5
#define HTTP2_FRAME_PING     6
#define HTTP2_FRAME_GOAWAY   7
#define HTTP2_FRAME_WINDOW   8
#define HTTP2_FRAME_CONT     9

/*
 * http2.meta, the frame a frame unit describes (the keywords' only
 * source): type, a presence byte (HTTP2_META_*), the error code (RST_STREAM,
 * GOAWAY), the priority weight (PRIORITY, HEADERS with priority), the
 * window increment (WINDOW_UPDATE), the last HPACK dynamic table size
 * update (HEADERS), big-endian, then the SETTINGS entries (2-byte id,
 * 4-byte value) to the end.
 */
#define HTTP2_META_ERRORCODE   1u
#define HTTP2_META_PRIORITY    2u
#define HTTP2_META_WINDOW      4u
#define HTTP2_META_SIZE_UPDATE 8u
#define HTTP2_META_OFF_ERROR   2
#define HTTP2_META_OFF_WEIGHT  6
#define HTTP2_META_OFF_WINDOW  7
#define HTTP2_META_OFF_SIZE    11
#define HTTP2_META_FIXED       15
#define HTTP2_META_SETTINGS    64 /* entries kept of one SETTINGS frame */

/* What one flow's parser could not keep (read by the unit tests and the fuzz target). */
struct app_http2_counts {
	uint32_t frames_cut; /* control frames longer than HTTP2_FRAME_KEEP */
	uint32_t
	    hpack_errors; /* header blocks HPACK could not decode: the direction's headers stop */
	uint32_t headers_cut;	   /* header lists past HTTP2_HEADERS_LIMIT */
	uint32_t streams_evicted;  /* streams dropped for a new one (HTTP2_STREAMS_MAX) */
	uint32_t bad_continuation; /* a CONTINUATION no HEADERS awaited */
	uint32_t long_frames;	   /* DATA or HEADERS frames past the peer's maximum frame size */
};

/* The counts of a flow's parser state (create()'s). */
const struct app_http2_counts *app_http2_counts(const void *state);

/*
 * The stream's details (EVE's http object with its http2 part), in
 * struct app_details.proto of every HTTP/2 unit.
 */
struct app_http2_details {
	char hostname[APP_TEXT_MAX];
	char url[APP_URL_MAX];
	char user_agent[APP_TEXT_MAX];
	char method[16];
	uint64_t length; /* response body bytes so far */
	uint32_t stream_id;
	uint16_t status; /* 0: no response yet */
	uint8_t cut;	 /* HTTP2_CUT_* */
};
#define HTTP2_CUT_HOSTNAME   1u
#define HTTP2_CUT_URL	     2u
#define HTTP2_CUT_USER_AGENT 4u

static inline const struct app_http2_details *app_http2_details_const(const struct app_details *d)
{
	return (const struct app_http2_details *)(const void *)d->proto;
}

#endif
