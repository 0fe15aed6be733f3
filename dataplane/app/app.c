/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The table of application-layer parsers and detection by content (see
 * app.h). Order matters only where two detectors could both say yes:
 * protocols with a fixed signature (TLS record header, "SSH-", an HTTP
 * request line, an SMTP greeting, the MySQL handshake, a SIP start line)
 * come before DNS,
 * whose header check is a heuristic.
 */
#include <stddef.h>

#include "dataplane/app/app.h"
#include "dataplane/app/app_http.h"
#include "dataplane/app/app_parsers.h"

const struct app_parser *const app_parsers[] = {
    &app_parser_tls,   &app_parser_ssh, &app_parser_http, &app_parser_smtp,
    &app_parser_mysql, &app_parser_sip, &app_parser_dns,  NULL,
};

const struct app_parser *app_parser_for(enum rule_proto proto)
{
	for (unsigned i = 0; app_parsers[i]; i++)
		if (app_parsers[i]->proto == proto)
			return app_parsers[i];
	return NULL;
}

const struct app_parser *app_detect(const uint8_t *data, uint32_t len, enum app_direction direction,
				    bool tcp, bool *need_more)
{
	*need_more = false;
	for (unsigned i = 0; app_parsers[i]; i++) {
		const struct app_parser *p = app_parsers[i];
		if (tcp ? !p->tcp : !p->udp)
			continue;
		enum app_detect_result r = p->detect(data, len, direction);
		if (r == APP_DETECT_YES)
			return p;
		if (r == APP_DETECT_NEED_MORE)
			*need_more = true;
	}
	return NULL;
}
