/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dashboard's files (control/dashboard/: index.html, dashboard.js,
 * dashboard.css), built into the binary so the appliance serves them with
 * nothing on its disk and the browser loads nothing from elsewhere. The
 * page draws its charts itself from /api/history, /api/stats and
 * /api/rules on the console port (control/console_http.h).
 */
#ifndef VIGIL_CONTROL_DASHBOARD_H
#define VIGIL_CONTROL_DASHBOARD_H

#include <stddef.h>

struct dashboard_file {
	const char *data;
	size_t len;
	const char *content_type;
};

enum dashboard_file_id {
	DASHBOARD_INDEX,
	DASHBOARD_SCRIPT,
	DASHBOARD_STYLE,
};

/* One of the built-in files (static, never freed). */
struct dashboard_file dashboard_file(enum dashboard_file_id id);

#endif
