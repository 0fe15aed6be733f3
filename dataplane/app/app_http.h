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
 *   create() of that thread, from that call's app_config (the body limit
 *   also bounds decompression there); it lives until the thread ends.
 * - emit() must not destroy the parser state it is called from.
 */
#ifndef VIGIL_DATAPLANE_APP_HTTP_H
#define VIGIL_DATAPLANE_APP_HTTP_H

#include "dataplane/app/app.h"

/* Default app_config.body_limit when the board sets none (0). */
#define APP_HTTP_BODY_LIMIT_DEFAULT (1u << 20)

extern const struct app_parser app_parser_http;

#endif
