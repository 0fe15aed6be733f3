/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up and shut-down messages. Never used on the per-packet path: the
 * dataplane counts, it does not log.
 */
#ifndef VIGIL_PLATFORM_LOG_H
#define VIGIL_PLATFORM_LOG_H

#include <stdio.h>

#define log_info(fmt, ...)    fprintf(stderr, "vigil: " fmt "\n", ##__VA_ARGS__)
#define log_warning(fmt, ...) fprintf(stderr, "vigil: warning: " fmt "\n", ##__VA_ARGS__)

#endif
