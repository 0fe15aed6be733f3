/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What happens to a packet once it has been looked at. For now only pass and
 * drop; reject (RST / ICMP unreachable) arrives with the rules engine. The
 * board's mode decides whether a drop is enforced (ips) or only counted (ids).
 */
#ifndef VIGIL_DATAPLANE_VERDICT_H
#define VIGIL_DATAPLANE_VERDICT_H

/* _(SYMBOL, "name") */
#define foreach_verdict   \
	_(PASS, "pass")   \
	_(DROP, "drop")

enum verdict {
#define _(sym, name) VERDICT_##sym,
	foreach_verdict
#undef _
	VERDICT_COUNT
};

#endif
