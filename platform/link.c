/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link propagation (see link.h): the pure decision first, then the watch
 * that reads and sets the ports on the control lcore.
 *
 * Why vigil remembers who took which port down: a port vigil took down
 * reads down too, and a decision that believed it would take its pair
 * down in turn, so the pair would latch with both sides down for good.
 * A held port's readings are therefore vigil's own, and only the port
 * that lost its link by itself can release its pair.
 *
 * Why a port brought back up settles: a real NIC's link takes a second
 * or more to come up after it is enabled (autonegotiation), and reading
 * it down meanwhile must not count as a loss.
 *
 * Events come from DPDK's interrupt thread and only mark the port; the
 * reading, the decision and the setting are the control lcore's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "platform/clock.h"
#include "platform/link.h"
#include "platform/log.h"
#include "platform/port.h"

const char *const link_event_name[LINK_EVENT_COUNT] = {
#define _(sym, name, text) name,
    foreach_link_event
#undef _
};

void link_table_init(struct link_table *t, const unsigned *pairs, unsigned count, bool propagate,
		     unsigned settle_ms, uint64_t now_ms)
{
	memset(t, 0, sizeof(*t));
	t->propagate = propagate;
	t->settle_ms = settle_ms;
	t->count = count;
	for (unsigned i = 0; i < count; i++)
		t->ports[i] = (struct link_port_state){
		    .pair = pairs[i],
		    .hold = LINK_HOLD_SETTLING,
		    .settle_until_ms = now_ms + settle_ms,
		};
}

/* Port i lost its link by itself: its pair goes down, held for it. */
static enum link_event link_table_lost(struct link_table *t, unsigned i, enum link_event event,
				       struct link_action *action)
{
	struct link_port_state *pair = &t->ports[t->ports[i].pair];
	t->ports[i].down++;
	if (!t->propagate || pair->hold == LINK_HOLD_DOWN)
		return event;
	pair->hold = LINK_HOLD_DOWN;
	pair->taken_down++;
	*action = (struct link_action){LINK_SET_DOWN, t->ports[i].pair};
	return event;
}

/* Port i's link came back: a pair held down for it comes up again, settling. */
static enum link_event link_table_returned(struct link_table *t, unsigned i, uint64_t now_ms,
					   struct link_action *action)
{
	struct link_port_state *pair = &t->ports[t->ports[i].pair];
	t->ports[i].up_count++;
	if (pair->hold != LINK_HOLD_DOWN)
		return LINK_EVENT_UP;
	pair->hold = LINK_HOLD_SETTLING;
	pair->settle_until_ms = now_ms + t->settle_ms;
	pair->brought_up++;
	*action = (struct link_action){LINK_SET_UP, t->ports[i].pair};
	return LINK_EVENT_UP;
}

/* A port starting or brought up: up ends the settling, down past the deadline is a loss. */
static enum link_event link_table_settle(struct link_table *t, unsigned i, bool up, uint64_t now_ms,
					 struct link_action *action)
{
	struct link_port_state *p = &t->ports[i];
	bool first = !p->started;
	if (!up && now_ms < p->settle_until_ms)
		return LINK_EVENT_NONE;
	p->hold = LINK_HOLD_NONE;
	p->started = true;
	if (!up)
		return link_table_lost(t, i, first ? LINK_EVENT_DOWN_AT_START : LINK_EVENT_DOWN,
				       action);
	if (first)
		return LINK_EVENT_NONE; /* up from the start: no change to report */
	p->up_count++;
	return LINK_EVENT_UP_AS_SET;
}

enum link_event link_table_observe(struct link_table *t, unsigned i, bool up, uint64_t now_ms,
				   struct link_action *action)
{
	struct link_port_state *p = &t->ports[i];
	bool was_up = p->up;
	*action = (struct link_action){LINK_SET_NONE, i};
	p->up = up;
	if (p->forced)
		return up != was_up ? LINK_EVENT_OWN : LINK_EVENT_NONE;
	switch (p->hold) {
	case LINK_HOLD_DOWN:
		return up != was_up ? LINK_EVENT_OWN : LINK_EVENT_NONE;
	case LINK_HOLD_SETTLING:
		return link_table_settle(t, i, up, now_ms, action);
	case LINK_HOLD_NONE:
		break;
	}
	if (up == was_up)
		return LINK_EVENT_NONE;
	return up ? link_table_returned(t, i, now_ms, action)
		  : link_table_lost(t, i, LINK_EVENT_DOWN, action);
}

void link_table_force(struct link_table *t, unsigned i, bool down, uint64_t now_ms,
		      struct link_action *action)
{
	struct link_port_state *p = &t->ports[i];
	*action = (struct link_action){LINK_SET_NONE, i};
	if (down) {
		p->forced = true;
		action->set = LINK_SET_DOWN;
		return;
	}
	bool was_forced = p->forced;
	p->forced = false;
	if (p->hold == LINK_HOLD_DOWN)
		return; /* its pair is still without link */
	if (was_forced) {
		p->hold = LINK_HOLD_SETTLING;
		p->settle_until_ms = now_ms + t->settle_ms;
	}
	action->set = LINK_SET_UP;
}

void link_table_failed(struct link_table *t, const struct link_action *action)
{
	struct link_port_state *p = &t->ports[action->port];
	if (action->set == LINK_SET_NONE)
		return;
	p->set_failures++;
	if (action->set == LINK_SET_DOWN)
		p->hold = LINK_HOLD_NONE;
}

/* ---- the watch: reading and setting the ports, on the control lcore ---- */

/* DPDK's interrupt thread: mark the port, the control lcore reads it on its next pass. */
static int link_on_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret)
{
	(void)port_id;
	(void)type;
	(void)ret;
	struct link_watch_port *port = arg;
	__atomic_store_n(&port->event_pending, 1, __ATOMIC_RELEASE);
	return 0;
}

/* The kernel interface's flags (IFF_UP: its own admin state), through socket sock. */
static int link_kernel_flags(int sock, const char *ifname, short *flags)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	*flags = ifr.ifr_flags;
	return 0;
}

/*
 * The kernel interface's carrier, as the driver set it. Not IFF_RUNNING:
 * that is the operational state, which the kernel's link watch derives
 * from the carrier later (it may hold a change back up to a second).
 * Reading it fails while the interface is down or gone: no link.
 */
static bool link_kernel_carrier(const char *ifname)
{
	char path[64], value = '0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, &value, 1) != 1)
		value = '0';
	close(fd);
	return value == '1';
}

static bool link_read(const struct link_watch_port *port)
{
	if (port->backend == LINK_BACKEND_KERNEL)
		return link_kernel_carrier(port->ifname);
	struct rte_eth_link link;
	if (rte_eth_link_get_nowait(port->port_id, &link) < 0)
		return false;
	return link.link_status == RTE_ETH_LINK_UP;
}

/* A kernel interface's IFF_UP, through socket sock. */
static int link_kernel_set(int sock, const char *ifname, bool up)
{
	short flags = 0;
	int rc = link_kernel_flags(sock, ifname, &flags);
	if (rc < 0)
		return rc;
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_flags = up ? (short)(flags | IFF_UP) : (short)(flags & ~IFF_UP);
	return ioctl(sock, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

/*
 * Set a port's link: through ethdev, or, for an af_packet port, the
 * kernel interface's IFF_UP, which takes the carrier of whatever is
 * cabled to it (a veth's peer) down as a NIC's laser going off would.
 */
static int link_set(const struct link_watch *w, const struct link_watch_port *port, bool up)
{
	if (port->backend == LINK_BACKEND_ETHDEV)
		return up ? rte_eth_dev_set_link_up(port->port_id)
			  : rte_eth_dev_set_link_down(port->port_id);
	return link_kernel_set(w->sock, port->ifname, up);
}

/* The kernel interface an af_packet port is bound to; false for any other device. */
static bool link_af_packet_iface(uint16_t port_id, char ifname[IF_NAMESIZE])
{
	struct rte_eth_dev_info info;
	if (rte_eth_dev_info_get(port_id, &info) < 0 || !info.driver_name ||
	    strcmp(info.driver_name, "net_af_packet") != 0)
		return false;
	return info.if_index && if_indextoname(info.if_index, ifname);
}

int link_port_set(uint16_t port_id, bool up)
{
	char ifname[IF_NAMESIZE];
	if (!link_af_packet_iface(port_id, ifname))
		return up ? rte_eth_dev_set_link_up(port_id) : rte_eth_dev_set_link_down(port_id);
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	int rc = link_kernel_set(sock, ifname, up);
	close(sock);
	return rc;
}

int link_watch_force(struct link_watch *w, uint16_t port_id, bool down, uint64_t now_ms)
{
	for (unsigned i = 0; w->started && i < w->table.count; i++) {
		if (w->ports[i].port_id != port_id)
			continue;
		struct link_action action;
		link_table_force(&w->table, i, down, now_ms, &action);
		if (action.set == LINK_SET_NONE)
			return 0;
		int rc = link_set(w, &w->ports[i], action.set == LINK_SET_UP);
		if (rc < 0)
			link_table_failed(&w->table, &action);
		return rc;
	}
	return -ENOENT;
}

/* What was done about the pair, for the report: "; pair b1 taken down", or why not. */
static void link_action_text(const struct link_watch *w, unsigned i, enum link_event event,
			     const struct link_action *action, int rc, char *out, size_t len)
{
	const char *pair = w->ports[w->table.ports[i].pair].name;
	bool loss = event == LINK_EVENT_DOWN || event == LINK_EVENT_DOWN_AT_START;
	if (action->set != LINK_SET_NONE && rc < 0)
		snprintf(out, len, "; pair %s could not be brought %s: %s", pair,
			 action->set == LINK_SET_DOWN ? "down" : "up", rte_strerror(-rc));
	else if (action->set == LINK_SET_DOWN)
		snprintf(out, len, "; pair %s taken down", pair);
	else if (action->set == LINK_SET_UP)
		snprintf(out, len, "; pair %s brought up", pair);
	else if (event == LINK_EVENT_UP_AS_SET)
		snprintf(out, len, ", as vigil brought it up");
	else if (loss && !w->table.propagate)
		snprintf(out, len, "; pair %s left as it is (link_propagation off)", pair);
	else if (loss)
		snprintf(out, len, "; pair %s already down", pair);
	else
		out[0] = '\0';
}

static void link_report_change(struct link_watch *w, unsigned i, enum link_event event,
			       const struct link_action *action, int rc)
{
	const struct link_watch_port *port = &w->ports[i];
	struct link_report r = {
	    .port = port->name,
	    .pair = w->ports[w->table.ports[i].pair].name,
	    .event = event,
	    .up = w->table.ports[i].up,
	    .warning = !w->table.ports[i].up || rc < 0,
	};
	char done[160];
	link_action_text(w, i, event, action, rc, done, sizeof(done));
	snprintf(r.message, sizeof(r.message), "port %s link %s (%s)%s", port->name,
		 r.up ? "up" : "down",
		 event == LINK_EVENT_DOWN_AT_START ? "down since start"
		 : r.up				   ? "was down"
						   : "was up",
		 done);
	if (r.warning)
		log_warning("link: %s", r.message);
	else
		log_info("link: %s", r.message);
	if (w->report)
		w->report(w->report_arg, &r);
}

/* Read port i, decide, set its pair if need be, report what changed. */
static void link_watch_port_poll(struct link_watch *w, unsigned i, uint64_t now_ms)
{
	struct link_action action;
	bool up = link_read(&w->ports[i]);
	enum link_event event = link_table_observe(&w->table, i, up, now_ms, &action);
	if (event == LINK_EVENT_NONE || event == LINK_EVENT_OWN)
		return;
	int rc = 0;
	if (action.set != LINK_SET_NONE) {
		struct link_watch_port *target = &w->ports[action.port];
		rc = link_set(w, target, action.set == LINK_SET_UP);
		if (rc < 0) {
			link_table_failed(&w->table, &action);
			if (!target->set_warned)
				log_warning("link: port %s cannot have its link set (%s): link "
					    "propagation cannot act on it",
					    target->name, rte_strerror(-rc));
			target->set_warned = true;
		}
	}
	link_report_change(w, i, event, &action, rc);
}

void link_watch_poll(struct link_watch *w, uint64_t now_ms)
{
	if (!w->started)
		return;
	bool all = now_ms >= w->next_poll_ms;
	if (all)
		w->next_poll_ms = now_ms + LINK_POLL_MS;
	for (unsigned i = 0; i < w->table.count; i++) {
		struct link_watch_port *port = &w->ports[i];
		bool event =
		    port->lsc && __atomic_exchange_n(&port->event_pending, 0, __ATOMIC_ACQ_REL);
		if (event)
			__atomic_fetch_add(&w->events, 1, __ATOMIC_RELAXED);
		if (all || event)
			link_watch_port_poll(w, i, now_ms);
	}
}

/* How port p is read and set: its kernel interface for af_packet, ethdev otherwise. */
static int link_watch_port_init(struct link_watch *w, struct link_watch_port *port,
				const struct port_runtime *p, char *err, size_t err_len)
{
	struct rte_eth_dev_info info;
	*port =
	    (struct link_watch_port){.port_id = p->port_id, .name = p->conf->name, .lsc = p->lsc};
	int rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc < 0) {
		snprintf(err, err_len, "port %s: no device information: %s", p->conf->name,
			 rte_strerror(-rc));
		return rc;
	}
	if (!info.driver_name || strcmp(info.driver_name, "net_af_packet") != 0)
		return 0;
	if (!info.if_index || !if_indextoname(info.if_index, port->ifname)) {
		snprintf(err, err_len, "port %s: the af_packet device names no kernel interface",
			 p->conf->name);
		return -ENODEV;
	}
	port->backend = LINK_BACKEND_KERNEL;
	if (w->sock < 0)
		w->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (w->sock < 0) {
		snprintf(err, err_len, "port %s: no socket to read its link: %s", p->conf->name,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int link_watch_start(struct link_watch *w, const struct board *board, const struct port_set *ports,
		     link_report_fn *report, void *arg, char *err, size_t err_len)
{
	int index[BOARD_MAX_PORTS];
	unsigned pairs[LINK_MAX_PORTS], count = 0;
	memset(w, 0, sizeof(*w));
	w->sock = -1;
	w->report = report;
	w->report_arg = arg;
	for (unsigned i = 0; i < ports->count; i++) {
		const struct board_port *bp = ports->ports[i].conf;
		index[i] = -1;
		if (bp->role != BOARD_PORT_INLINE || bp->pair == (int)i)
			continue;
		index[i] = (int)count;
		int rc =
		    link_watch_port_init(w, &w->ports[count++], &ports->ports[i], err, err_len);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < ports->count; i++)
		if (index[i] >= 0)
			pairs[index[i]] = (unsigned)index[ports->ports[i].conf->pair];
	if (count == 0)
		return 0;
	link_table_init(&w->table, pairs, count, board->link_propagation, board->link_settle_ms,
			clock_monotonic_us() / 1000);
	for (unsigned i = 0; i < count; i++) {
		struct link_watch_port *port = &w->ports[i];
		if (port->lsc &&
		    rte_eth_dev_callback_register(port->port_id, RTE_ETH_EVENT_INTR_LSC,
						  link_on_event, port) < 0)
			port->lsc = false;
		log_info("link: port %s (pair %s) read %s%s", port->name, w->ports[pairs[i]].name,
			 port->backend == LINK_BACKEND_KERNEL ? "from kernel interface "
							      : "through ethdev",
			 port->backend == LINK_BACKEND_KERNEL ? port->ifname
			 : port->lsc ? ", on link status change events and polled"
				     : ", polled");
	}
	log_info("link: propagation %s, %u port(s) watched, polled every %u ms, settling %u ms",
		 board->link_propagation ? "on" : "off ([board] link_propagation)", count,
		 LINK_POLL_MS, board->link_settle_ms);
	w->started = true;
	return 0;
}

void link_watch_stop(struct link_watch *w)
{
	if (!w->started)
		return;
	for (unsigned i = 0; i < w->table.count; i++) {
		struct link_watch_port *port = &w->ports[i];
		if (port->lsc)
			rte_eth_dev_callback_unregister(port->port_id, RTE_ETH_EVENT_INTR_LSC,
							link_on_event, port);
		if (w->table.ports[i].hold != LINK_HOLD_DOWN || w->table.ports[i].forced)
			continue;
		int rc = link_set(w, port, true);
		if (rc < 0)
			log_warning("link: port %s left down: %s", port->name, rte_strerror(-rc));
		else
			log_info("link: port %s brought up again: vigil is stopping", port->name);
	}
	if (w->sock >= 0)
		close(w->sock);
	w->sock = -1;
	w->started = false;
}

static const char *link_hold_name(enum link_hold hold)
{
	return hold == LINK_HOLD_DOWN ? "down" : hold == LINK_HOLD_SETTLING ? "settling" : "none";
}

void link_watch_json(FILE *f, const struct link_watch *w)
{
	const struct link_table *t = &w->table;
	fprintf(f,
		"{\"propagation\":%s,\"poll_ms\":%u,\"settle_ms\":%u,\"events\":%" PRIu64
		",\"ports\":[",
		t->propagate ? "true" : "false", LINK_POLL_MS, t->settle_ms,
		__atomic_load_n(&w->events, __ATOMIC_RELAXED));
	for (unsigned i = 0; i < t->count; i++) {
		const struct link_port_state *s = &t->ports[i];
		fprintf(f,
			"%s{\"port\":\"%s\",\"pair\":\"%s\",\"link\":\"%s\",\"held\":\"%s\","
			"\"fail_closed\":%s,"
			"\"read\":\"%s\",\"down\":%" PRIu64 ",\"up\":%" PRIu64
			",\"taken_down\":%" PRIu64 ",\"brought_up\":%" PRIu64
			",\"set_failures\":%" PRIu64 "}",
			i ? "," : "", w->ports[i].name, w->ports[s->pair].name,
			s->up ? "up" : "down", link_hold_name(s->hold),
			s->forced ? "true" : "false",
			w->ports[i].backend == LINK_BACKEND_KERNEL ? "kernel"
			: w->ports[i].lsc			   ? "events"
								   : "polled",
			s->down, s->up_count, s->taken_down, s->brought_up, s->set_failures);
	}
	fprintf(f, "]}");
}

void link_watch_text(FILE *f, const struct link_watch *w, const char *indent)
{
	const struct link_table *t = &w->table;
	for (unsigned i = 0; i < t->count; i++) {
		const struct link_port_state *s = &t->ports[i];
		fprintf(f,
			"%slink %s: %s%s%s (pair %s), down %" PRIu64 ", up %" PRIu64
			", taken down %" PRIu64 ", brought up %" PRIu64 ", set failures %" PRIu64
			"%s\n",
			indent, w->ports[i].name, s->up ? "up" : "down",
			s->hold != LINK_HOLD_NONE ? ", held " : "",
			s->hold != LINK_HOLD_NONE ? link_hold_name(s->hold) : "",
			w->ports[s->pair].name, s->down, s->up_count, s->taken_down, s->brought_up,
			s->set_failures, t->propagate ? "" : " (propagation off)");
	}
}
