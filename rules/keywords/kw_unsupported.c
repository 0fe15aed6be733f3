/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keywords vigil knows but cannot run yet, each with the reason. A rule
 * using one is refused with 'unsupported keyword "x": reason' rather than
 * "unknown keyword", so the load report tells an operator what is missing
 * and what a rule writer got wrong apart. The list covers every keyword of
 * the Emerging Threats Open set that no family file implements; a keyword
 * leaves this list the day its family file registers it.
 */
#include <stddef.h>

#include "rules/lang/keyword.h"

#define KW_NOT_YET   "not implemented yet"
#define KW_NEEDS_TLS "needs the TLS parser's state, not implemented yet"

/* _("name", reason) */
#define foreach_kw_unsupported                                                                     \
	_("tls.store", KW_NEEDS_TLS)                                                               \
	_("tls_cert_notbefore", KW_NEEDS_TLS)                                                      \
	_("tls_cert_notafter", KW_NEEDS_TLS)                                                       \
	_("tls_cert_expired", KW_NEEDS_TLS)                                                        \
	_("tls_cert_valid", KW_NEEDS_TLS)                                                          \
	_("id", "needs the IPv4 identification test, " KW_NOT_YET)                                 \
	_("fragbits", KW_NOT_YET)                                                                  \
	_("fragoffset", KW_NOT_YET)                                                                \
	_("tos", KW_NOT_YET)                                                                       \
	_("seq", KW_NOT_YET)                                                                       \
	_("ack", KW_NOT_YET)                                                                       \
	_("window", KW_NOT_YET)                                                                    \
	_("sameip", KW_NOT_YET)                                                                    \
	_("threshold_by", KW_NOT_YET)                                                              \
	_("luajit", "Lua scripts are not supported")                                               \
	_("lua", "Lua scripts are not supported")                                                  \
	_("ssh.protoversion", "needs the SSH parser, " KW_NOT_YET)                                 \
	_("ssh.softwareversion", "needs the SSH parser, " KW_NOT_YET)                              \
	_("dnp3_func", "needs the DNP3 parser, " KW_NOT_YET)                                       \
	_("dnp3_ind", "needs the DNP3 parser, " KW_NOT_YET)                                        \
	_("dnp3_obj", "needs the DNP3 parser, " KW_NOT_YET)                                        \
	_("dnp3_data", "needs the DNP3 parser, " KW_NOT_YET)                                       \
	_("modbus", "needs the Modbus parser, " KW_NOT_YET)

void kw_unsupported_register(void)
{
	struct rule_keyword row = {.kind = RULE_KW_META, .value = RULE_KW_VALUE_OPTIONAL};

#define _(kw_name, reason)                                                                         \
	row.name = kw_name;                                                                        \
	row.unsupported = reason;                                                                  \
	rule_keyword_register(&row);
	foreach_kw_unsupported
#undef _
}
