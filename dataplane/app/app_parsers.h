/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The list of application-layer parsers, in detection order: one line per
 * parser, naming its row app_parser_NAME, which its own file app_NAME.c
 * defines (see struct app_parser in app.h for what a row carries). app.c
 * makes the table from this list; the unit tests and fuzz targets reach a
 * row by its name through the declarations below; nothing else should.
 *
 * Order matters only where two detectors could both say yes: protocols
 * with a fixed signature (TLS record header, "SSH-", an HTTP request line,
 * an SMTP greeting, the MySQL handshake, a SIP start line) come before
 * DNS, whose header check is a heuristic.
 */
#ifndef VIGIL_DATAPLANE_APP_PARSERS_H
#define VIGIL_DATAPLANE_APP_PARSERS_H

#include "dataplane/app/app.h"

#define foreach_app_parser                                                                         \
	_(tls)                                                                                     \
	_(ssh)                                                                                     \
	_(http)                                                                                    \
	_(http2)                                                                                   \
	_(smtp)                                                                                    \
	_(mysql)                                                                                   \
	_(sip)                                                                                     \
	_(dns)

#define _(name) extern const struct app_parser app_parser_##name;
foreach_app_parser
#undef _

#endif
