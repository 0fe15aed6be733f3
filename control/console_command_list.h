/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console's commands, listed once: the appliance builds its command
 * table from this list (control/console_commands.c, where each handler
 * lives) and vigilctl prints it for --help and for "help" without an
 * appliance to ask. Nothing else; no code.
 *
 * _(words, role, min_args, max_args, payload, slow, handler, usage):
 * role is viewer or admin (the least role that may run it); payload: a
 * payload (<N) is required; slow: it runs on a thread of its own (a rule
 * compile) while the control lcore goes on.
 */
#ifndef VIGIL_CONTROL_CONSOLE_COMMAND_LIST_H
#define VIGIL_CONTROL_CONSOLE_COMMAND_LIST_H

#define foreach_console_command                                                                    \
	_("help", viewer, 0, 0, false, false, command_help, "help")                                \
	_("status", viewer, 0, 0, false, false, command_status, "status")                          \
	_("stats", viewer, 0, 0, false, false, command_stats, "stats")                             \
	_("stats history", viewer, 0, 0, false, false, command_stats_history,                      \
	  "stats history (the last hour: rates, top signatures and addresses)")                    \
	_("mode", viewer, 0, 1, false, false, command_mode, "mode [ids|ips]")                      \
	_("audit tail", viewer, 0, 1, false, false, command_audit_tail, "audit tail [N]")          \
	_("alerts tail", viewer, 0, 1, false, false, command_alerts_tail, "alerts tail [N]")       \
	_("sinks status", viewer, 0, 0, false, false, command_sinks_status, "sinks status")        \
	_("logs reopen", admin, 0, 0, false, false, command_logs_reopen,                           \
	  "logs reopen (as SIGHUP: after an outside rotation)")                                    \
	_("rules show", viewer, 0, 0, false, false, command_rules_show, "rules show")              \
	_("rules history", viewer, 0, 0, false, false, command_rules_history, "rules history")     \
	_("rules export", viewer, 1, 1, false, true, command_rules_export,                         \
	  "rules export NAME (the live version's rules file NAME, for a diff)")                    \
	_("rules check", admin, 1, 1, true, true, command_rules_check,                             \
	  "rules check NAME <N (payload: the rules file)")                                         \
	_("rules load", admin, 1, 2, true, true, command_rules_load,                               \
	  "rules load NAME [allow-refused] <N (payload: the rules file)")                          \
	_("policy show", viewer, 0, 0, false, false, command_policy_show, "policy show")           \
	_("policy load", admin, 0, 1, true, true, command_policy_load,                             \
	  "policy load [NAME] <N (payload: the policy file; rules commit publishes it)")           \
	_("ipset list", viewer, 0, 0, false, false, command_ipset_list, "ipset list")              \
	_("ipset export", viewer, 1, 2, false, false, command_ipset_export,                        \
	  "ipset export NAME [aws|text]")                                                          \
	_("ipset add", admin, 2, 2, false, false, command_ipset_add, "ipset add NAME PREFIX")      \
	_("ipset del", admin, 2, 2, false, false, command_ipset_del, "ipset del NAME PREFIX")      \
	_("rules commit", admin, 0, 0, false, false, command_rules_commit, "rules commit")         \
	_("rules rollback", admin, 0, 0, false, false, command_rules_rollback, "rules rollback")   \
	_("debug stall-worker", admin, 2, 3, false, false, command_debug_stall_worker,             \
	  "debug stall-worker N MS [in-burst] (test aid: [health] test_hooks)")

#endif
