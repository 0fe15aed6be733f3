/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What happens to a packet once it has been looked at: pass it on, drop it
 * (this packet only; its flow may continue), or reject it (drop, and reset
 * the TCP connection both ways or tell a UDP sender the port is
 * unreachable), or drop it because the filter stage denied it (counted
 * apart from the rules' drops). The board's mode decides whether drop and reject are
 * enforced (ips) or only reported (ids).
 */
#ifndef VIGIL_DATAPLANE_VERDICT_H
#define VIGIL_DATAPLANE_VERDICT_H

/* _(SYMBOL, "name") */
#define foreach_verdict                                                                            \
	_(PASS, "pass")                                                                            \
	_(DROP, "drop")                                                                            \
	_(REJECT, "reject")                                                                        \
	_(FILTER_DROP, "filter_drop")

enum verdict {
#define _(sym, name) VERDICT_##sym,
	foreach_verdict
#undef _
	    VERDICT_COUNT
};

#endif
