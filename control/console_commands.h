/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the console's commands do: one table row per command (words,
 * role, arguments, payload, handler, usage), each handler answering one
 * JSON object with "ok" and a human "text". Runs on the control lcore
 * only (console_poll hands every request here), so handlers read and
 * change the control lcore's state without locks; the dataplane is only
 * changed through what it is built to take (atomic flags, RCU swaps).
 * The exception is a slow command (a rule compile: rules load, rules
 * check, policy load): its handler runs on a thread of its own while the
 * control lcore goes on draining alerts and feeding the management stack,
 * and it touches only the rule update's staging (nothing else runs a
 * command meanwhile: the console serves one request at a time).
 * Every request, refused or not, is written to the audit log.
 */
#ifndef VIGIL_CONTROL_CONSOLE_COMMANDS_H
#define VIGIL_CONTROL_CONSOLE_COMMANDS_H

#include "control/console.h"

/*
 * The console_execute_fn; arg is the struct control. Slow commands (rule
 * compiles) run on a thread of their own and answer on a later call.
 */
bool console_commands_execute(void *arg, struct console_call *call);

/* The console_refusal_fn; arg is the struct control: one audit line. */
void console_commands_refused(void *arg, const struct console_refusal *refusal);

#endif
