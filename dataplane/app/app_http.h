/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP/1.x application-layer parser (dataplane/app/app_http.c): a row of
 * the parser table in app.c. Parsing and normalisation are libhtp's (an
 * inspection-grade parser with a server personality, URL decoding, path
 * folding, chunked decoding and body decompression); this module only
 * configures it, copies what the rules need into the buffers of
 * rules/lang/buffer.h and hands each HTTP request and response to inspection as
 * units (see app_http.c for when, and which buffers each carries).
 *
 * Conventions beyond dataplane/app/app.h:
 * - parse() with len 0 means that direction has ended (TCP FIN): libhtp
 *   then completes a response whose body ends with the connection, so its
 *   body unit is emitted. Callers that never signal it lose only those.
 * - The libhtp configuration is built once per thread, on the first
 *   create() of that thread; it lives until the thread ends. The body
 *   limit is each flow's, from its create()'s app_config.
 * - emit() must not destroy the parser state it is called from.
 */
#ifndef VIGIL_DATAPLANE_APP_HTTP_H
#define VIGIL_DATAPLANE_APP_HTTP_H

#include "dataplane/app/app_file.h"
#include "dataplane/app/app_parsers.h"

/* Default app_config.body_limit when the board sets none (0). */
#define APP_HTTP_BODY_LIMIT_DEFAULT (1u << 20)

/*
 * The request's details (EVE's http object; its xff is the common
 * app_details.xff), in struct app_details.proto of every HTTP unit. Text
 * NUL-terminated, may be empty.
 */
struct app_http_details {
	char hostname[APP_TEXT_MAX]; /* lowercased, without a trailing dot or port */
	char url[APP_URL_MAX];	     /* as sent */
	char user_agent[APP_TEXT_MAX];
	char method[16];
	char protocol[16];
	uint16_t status; /* 0: no response yet */
	uint64_t length; /* response body bytes, 0 if unknown */
	uint64_t tx_id;	 /* the transaction's number in the flow, from 0 */
	uint8_t cut;	 /* HTTP_CUT_*: a text longer than kept */
	/* The file of the body a last window closed (EVE fileinfo): its
	 * name, magic, size, state and hashes (app_file.h); has_file false:
	 * no file yet. */
	struct app_file_info file;
	bool has_file;
};
#define HTTP_CUT_HOSTNAME   1u
#define HTTP_CUT_URL	    2u
#define HTTP_CUT_USER_AGENT 4u

/* The HTTP details in d (a unit of app_parser_http's, or one being built). */
static inline struct app_http_details *app_http_details(struct app_details *d)
{
	return (struct app_http_details *)(void *)d->proto;
}

static inline const struct app_http_details *app_http_details_const(const struct app_details *d)
{
	return (const struct app_http_details *)(const void *)d->proto;
}

#endif
