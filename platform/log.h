/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up and shut-down messages. Never used on the per-packet path: the
 * dataplane counts, it does not log. log_fatal() ends the process: only
 * the process entry (platform/main.c and the set-up it calls in
 * platform/) uses it; everything else returns an error.
 */
#ifndef VIGIL_PLATFORM_LOG_H
#define VIGIL_PLATFORM_LOG_H

#include <stdio.h>

#define log_info(fmt, ...)    fprintf(stderr, "vigil: " fmt "\n", ##__VA_ARGS__)
#define log_warning(fmt, ...) fprintf(stderr, "vigil: warning: " fmt "\n", ##__VA_ARGS__)

/* Print "vigil: " and the message on stderr, then exit with failure. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
