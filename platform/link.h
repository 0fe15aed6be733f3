/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link state of the inline ports and its propagation across each pair
 * (the "disconnect mode" of inline sensors): when one port of a pair
 * loses its link, the control lcore takes the other port's link down, so
 * the routers on both sides see the path die at once and fail over; when
 * the link comes back, it brings the other port up again.
 *
 * Two halves. The decision (link_table_*) is pure: it takes each port's
 * reading and the time, remembers which port it took down and for whom,
 * and says what to set, so that tests drive it. The watch (link_watch_*)
 * runs on the control lcore: it reads the ports, from DPDK's link status
 * change events where the device has them and by polling every
 * LINK_POLL_MS where it has not, applies the decision, and logs, counts
 * and reports every change (an EVE event, through the caller's report
 * function).
 *
 * Fail-closed (control/watchdog.h) takes the watched ports down through
 * the watch (link_watch_force), which holds them for it: their readings
 * are vigil's own until it lets them go. A port paired with itself (the
 * tunnel boards) is neither watched nor touched by propagation. An af_packet port is read and set through the kernel interface
 * it is bound to (DPDK 22.11's af_packet reports a link that is always up
 * and cannot set it); every other device through ethdev.
 */
#ifndef VIGIL_PLATFORM_LINK_H
#define VIGIL_PLATFORM_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "platform/board.h"

#define LINK_MAX_PORTS BOARD_MAX_PORTS
#define LINK_POLL_MS   50 /* readings of every watched port at least this often */

/* _(SYMBOL, "name", "what it means"): what a reading told the decision. */
#define foreach_link_event                                                                         \
	_(NONE, "none", "nothing changed")                                                         \
	_(DOWN, "down", "the link went down, not by vigil's doing")                                \
	_(DOWN_AT_START, "down_at_start", "the link was still down when start-up settled")         \
	_(UP, "up", "the link came back")                                                          \
	_(UP_AS_SET, "up_as_set", "the link came up after vigil brought the port up")              \
	_(OWN, "own", "a port vigil holds down changed: vigil's own doing, nothing to do")

enum link_event {
#define _(sym, name, text) LINK_EVENT_##sym,
	foreach_link_event
#undef _
	    LINK_EVENT_COUNT
};

extern const char *const link_event_name[LINK_EVENT_COUNT];

/* Why the decision holds a port: what its readings are worth. */
enum link_hold {
	LINK_HOLD_NONE,	    /* its readings are believed */
	LINK_HOLD_DOWN,	    /* vigil took it down because its pair lost link: its own
			       readings say only what vigil did */
	LINK_HOLD_SETTLING, /* started, or brought up by vigil: a link may take a while to
			       come up (autonegotiation), so down is no loss before settle_until_ms */
};

/* One watched port as the decision sees it. Counters only grow. */
struct link_port_state {
	unsigned pair; /* index of its pair in the table, never itself */
	bool up;       /* the last reading */
	bool started;  /* the first settling is over */
	enum link_hold hold;
	uint64_t settle_until_ms; /* while settling */
	uint64_t down;		  /* times its link went down by itself (DOWN, DOWN_AT_START) */
	uint64_t up_count;	  /* times its link came up after start (UP, UP_AS_SET) */
	uint64_t taken_down;	  /* times vigil took it down, its pair having lost link */
	uint64_t brought_up;	  /* times vigil brought it back up */
	uint64_t set_failures;	  /* times the device refused to set its link */
	/* fail-closed (control/watchdog.h) holds it down, whatever its pair
	 * does: its readings are vigil's own until it is let go */
	bool forced;
};

struct link_table {
	bool propagate;	    /* [board] link_propagation: act, or only watch */
	unsigned settle_ms; /* [board] link_settle_ms */
	unsigned count;
	struct link_port_state ports[LINK_MAX_PORTS];
};

/* What the caller must do after a reading: set one port's link down or up. */
enum link_set {
	LINK_SET_NONE,
	LINK_SET_DOWN,
	LINK_SET_UP,
};

struct link_action {
	enum link_set set;
	unsigned port; /* index in the table */
};

/*
 * An empty decision for count ports; pairs[i] is port i's pair (an index
 * below count, mutual, never i). Every port starts settling until now_ms
 * + settle_ms: up by then, it is simply up; still down, it has lost its
 * link and its pair is taken down. Pure.
 */
void link_table_init(struct link_table *t, const unsigned *pairs, unsigned count, bool propagate,
		     unsigned settle_ms, uint64_t now_ms);

/*
 * Port i reads up (or not) at now_ms. Call it for every port on every
 * reading, changed or not: the settling deadlines are judged here too.
 * A port that goes down by itself has its pair taken down (held down,
 * for it); when it comes back, its pair is brought up (settling). A
 * reading of a port held down is vigil's own doing and never acted on,
 * so the two ports of a pair cannot hold each other down. Fills *action
 * (LINK_SET_NONE when there is nothing to do, always when propagate is
 * off) and returns what the reading meant. Pure; now_ms must not go
 * backwards.
 */
enum link_event link_table_observe(struct link_table *t, unsigned i, bool up, uint64_t now_ms,
				   struct link_action *action);

/*
 * The device refused action: counted. A port that could not be taken
 * down is not held (its readings are believed again); one that could not
 * be brought up stays settling, and if it stays down past its deadline it
 * is a loss like any other. Pure.
 */
void link_table_failed(struct link_table *t, const struct link_action *action);

/*
 * Fail-closed (control/watchdog.h): hold port i down (down), or let it
 * go: it is then brought up and settles as at start, unless it is held
 * down for its pair, which it stays. Fills *action with what to set.
 * Pure.
 */
void link_table_force(struct link_table *t, unsigned i, bool down, uint64_t now_ms,
		      struct link_action *action);

/* One change, as the watch reports it (log line and EVE event alike). */
struct link_report {
	const char *port; /* the port whose link changed */
	const char *pair;
	enum link_event event;
	bool up;	   /* its link now */
	bool warning;	   /* a loss, or an action that failed */
	char message[256]; /* "port a1 link down (was up); pair b1 taken down" */
};

typedef void link_report_fn(void *arg, const struct link_report *report);

/* How a watched port is read and set. */
enum link_backend {
	LINK_BACKEND_ETHDEV, /* rte_eth_link_get_nowait, rte_eth_dev_set_link_down/up */
	LINK_BACKEND_KERNEL, /* the kernel interface of an af_packet port: its carrier, IFF_UP */
};

struct link_watch_port {
	uint16_t port_id;
	const char *name;
	enum link_backend backend;
	bool lsc;		  /* DPDK link status change events (read at once on one) */
	char ifname[IF_NAMESIZE]; /* LINK_BACKEND_KERNEL */
	uint32_t event_pending;	  /* set by the event callback (EAL interrupt thread) */
	bool set_warned;	  /* a refused set is warned about once per port */
};

/*
 * The control lcore's watch over every inline port whose pair is another
 * port. Everything but event_pending and events is the control lcore's.
 */
struct link_watch {
	bool started;
	struct link_table table;
	struct link_watch_port ports[LINK_MAX_PORTS];
	int sock; /* AF_INET datagram socket for the kernel interfaces' flags; -1: none */
	uint64_t next_poll_ms;
	uint64_t events; /* link status change events received (any thread adds) */
	link_report_fn *report;
	void *report_arg;
};

struct port_set;

/*
 * Watch the inline ports of board (started in ports) whose pair is
 * another port: register for link status change events where the device
 * has them (port_runtime.lsc), log how each port is watched. report(arg,
 * ...) is called on the control lcore for every change. A board without
 * such a port leaves the watch empty (started false). Returns 0, or a
 * negative error with the reason in err. Before the workers run.
 */
int link_watch_start(struct link_watch *w, const struct board *board, const struct port_set *ports,
		     link_report_fn *report, void *arg, char *err, size_t err_len);

/*
 * Read the ports that had an event, and every port once LINK_POLL_MS
 * has passed since the last full reading; act on what changed. Call on
 * every pass of the control loop. Control lcore only.
 */
void link_watch_poll(struct link_watch *w, uint64_t now_ms);

/*
 * Fail-closed's way to a watched port's link (control/watchdog.h): take
 * port_id down and hold it so (down), or let it go (link_table_force),
 * so that the watch takes none of it for a loss to propagate. Returns 0,
 * -ENOENT when the watch does not read that port (set it with
 * link_port_set()), or the device's error. Control lcore.
 */
int link_watch_force(struct link_watch *w, uint16_t port_id, bool down, uint64_t now_ms);

/*
 * Set any port's link down or up: through ethdev, or, for an af_packet
 * port, its kernel interface's IFF_UP (its veth peer loses its carrier).
 * Returns 0 or a negative error. Any lcore; a system call, never per packet.
 */
int link_port_set(uint16_t port_id, bool up);

/*
 * Stop watching and bring up every port vigil holds down for its pair, so
 * the links are left as vigil found them (fail-closed's ports stay down:
 * traffic stops while no vigil inspects it). Before the ports stop.
 * Control lcore.
 */
void link_watch_stop(struct link_watch *w);

/* The watch as one JSON object: settings, events, per port its link, hold and counters. */
void link_watch_json(FILE *f, const struct link_watch *w);

/* One line per watched port, for the summary and status. Control lcore. */
void link_watch_text(FILE *f, const struct link_watch *w, const char *indent);

#endif
