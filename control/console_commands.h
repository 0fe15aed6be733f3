/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the console's commands do: one table row per command (words,
 * role, arguments, payload, handler, usage), each handler answering one
 * JSON object with "ok" and a human "text". Runs on the control lcore
 * only (console_poll hands every request here), so handlers read and
 * change the control lcore's state without locks; the dataplane is only
 * changed through what it is built to take (atomic flags, RCU swaps).
 * Every request, refused or not, is written to the audit log.
 */
#ifndef VIGIL_CONTROL_CONSOLE_COMMANDS_H
#define VIGIL_CONTROL_CONSOLE_COMMANDS_H

#include "control/console.h"

/* The console_execute_fn; arg is the struct control. */
void console_commands_execute(void *arg, struct console_call *call);

#endif
