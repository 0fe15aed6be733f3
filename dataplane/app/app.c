/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The table of application-layer parsers, made from foreach_app_parser
 * (app_parsers.h, which says why the order is what it is), and detection
 * by content (see app.h).
 */
#include <stddef.h>

#include "dataplane/app/app.h"
#include "dataplane/app/app_parsers.h"

const struct app_parser *const app_parsers[] = {
#define _(name) &app_parser_##name,
    foreach_app_parser
#undef _
	NULL,
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
