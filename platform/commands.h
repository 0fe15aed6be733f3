/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigil's subcommands that end before the dataplane starts: --ipset-export
 * and --ipset-import (a set as text or AWS WAF IPSet JSON), and the filter
 * file's part of --check.
 */
#ifndef VIGIL_PLATFORM_COMMANDS_H
#define VIGIL_PLATFORM_COMMANDS_H

#include "platform/options.h"

/* --ipset-export / --ipset-import: print the set, return the exit status. */
int commands_ipset(const struct options *o);

/* --check with a filter file (read by setup_filter_spec_read()): say what it holds. */
void commands_filter_check(const char *path);

#endif
