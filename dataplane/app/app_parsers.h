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
 * an SMTP greeting, the MySQL handshake, a SIP start line, an MQTT
 * CONNECT, a Kerberos APPLICATION tag with version 5, an ENIP header
 * with its options 0, an LDAP message id and operation, an SNMP version
 * and community, an ONC RPC call to NFS, a PostgreSQL startup, a telnet
 * negotiation) come before DNS, whose header check is a heuristic;
 * FTP's greeting ("220 ") comes after SMTP's, which claims the greetings
 * that say SMTP. ftp_data never detects: only an FTP control channel's
 * announcement makes a flow one.
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
	_(ftp)                                                                                     \
	_(ftp_data)                                                                                \
	_(dcerpc)                                                                                  \
	_(smb)                                                                                     \
	_(mqtt)                                                                                    \
	_(krb5)                                                                                    \
	_(enip)                                                                                    \
	_(ldap)                                                                                    \
	_(snmp)                                                                                    \
	_(nfs)                                                                                     \
	_(pgsql)                                                                                   \
	_(telnet)                                                                                  \
	_(dns)

#define _(name) extern const struct app_parser app_parser_##name;
foreach_app_parser
#undef _

#endif
