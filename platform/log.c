/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one way the process ends on an error (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "platform/log.h"

void log_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("vigil: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_FAILURE);
}
