/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application-layer parser rows other than HTTP (app_http.h has its
 * own): TLS, DNS, SSH, SMTP, MySQL and SIP, one file each. This header is
 * private to dataplane/: app.c puts the rows into its table and the unit
 * tests and fuzz targets call them directly; nothing else should. What each
 * row does is described at the top of its file; the contract they all keep
 * is app.h's.
 */
#ifndef VIGIL_DATAPLANE_APP_PARSERS_H
#define VIGIL_DATAPLANE_APP_PARSERS_H

#include "dataplane/app/app.h"

extern const struct app_parser app_parser_tls;	 /* app_tls.c: tcp */
extern const struct app_parser app_parser_dns;	 /* app_dns.c: udp and tcp */
extern const struct app_parser app_parser_ssh;	 /* app_ssh.c: tcp */
extern const struct app_parser app_parser_smtp;	 /* app_smtp.c: tcp */
extern const struct app_parser app_parser_mysql; /* app_mysql.c: tcp */
extern const struct app_parser app_parser_sip;	 /* app_sip.c: udp */

#endif
