/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Threshold files in Suricata's threshold.config format, so operators keep
 * the tuning they already have:
 *
 *   suppress gen_id G, sig_id S[, track by_src|by_dst|by_either, ip LIST]
 *   threshold gen_id G, sig_id S, type limit|threshold|both, track T, count N, seconds M
 *   event_filter ...  (the same as threshold)
 *   rate_filter gen_id G, sig_id S, track T, count N, seconds M,
 *               new_action alert|drop|pass|reject|sdrop, timeout SECONDS
 *
 * sig_id 0 (with gen_id 0) names every rule. A threshold replaces the
 * rule's own threshold:; suppress and rate_filter go into rule->policy.
 * Build time only.
 */
#ifndef VIGIL_RULES_THRESHOLD_CONFIG_H
#define VIGIL_RULES_THRESHOLD_CONFIG_H

#include <stddef.h>

#include "rules/lang/parse.h"
#include "rules/lang/rule.h"

/*
 * Read path and apply it to rules. IP lists may use the parser's variables.
 * Returns 0, or -errno / -EINVAL with "FILE:LINE: error: ..." in err; on
 * error nothing is applied that the bad line would have changed, but earlier
 * lines may have been (the caller discards the rules then).
 */
int threshold_config_apply(struct rule_parser *parser, const char *path, struct rule **rules,
			   unsigned count, char *err, size_t err_len);

/*
 * One line of that format (no comment, not empty): check its syntax only
 * (0, or -EINVAL with the reason in why), or check and apply it to rules.
 * The operator policy (rules/policy/policy.h) carries such lines. Build time only.
 */
int threshold_config_check_line(const char *text, char *why, size_t why_len);
int threshold_config_apply_line(struct rule_parser *parser, const char *text, struct rule **rules,
				unsigned count, char *why, size_t why_len);

#endif
