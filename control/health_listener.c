/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Health checks over lwIP netconns (see health_listener.h): a thread per
 * listening socket that follows the verdict, a thread per HTTP connection
 * with a deadline, the oldest shed when all are taken; and the health
 * report for status and the counters. What the verdict is, is health.c's;
 * what an HTTP request looks like, health_http.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lwip/api.h"
#include "lwip/ip_addr.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#include "control/health_http.h"
#include "control/health_listener.h"
#include "control/threads.h"
#include "dataplane/worker.h"
#include "platform/log.h"

#define HEALTH_MAX_SOCKETS (2 * HEALTH_LISTENER_MAX_ADDRESSES)
/* Threads alive at once: the slots plus the shed ones still ending. */
#define HEALTH_HTTP_THREADS (2 * HEALTH_HTTP_CONNECTIONS)
#define HEALTH_RETRY_MS	    1000 /* a port that could not be opened is tried again this often */

const char *const health_check_counter_name[HEALTH_CHECK_COUNTER_COUNT] = {
#define _(sym, name, text) name,
    foreach_health_check_counter
#undef _
};

struct health_listener;

/* One listening socket: an address and a kind. */
struct health_socket {
	struct health_listener *listener;
	struct health_address address;
	uint16_t port;
	bool http;
	struct netconn *conn; /* listening; NULL: closed */
	bool open_failed;     /* the last open failed (said once in the log) */
	pthread_t thread;
	bool thread_started;
};

/* One HTTP connection, owned by its thread. */
struct health_http_conn {
	struct health_listener *listener;
	struct netconn *conn;
	uint64_t started_ms;
	bool dropped; /* shed (under the listener's lock): its thread ends */
	unsigned index;
};

struct health_listener {
	struct health_listener_config config;
	const struct health *health;
	bool stopping; /* atomic */
	struct health_socket sockets[HEALTH_MAX_SOCKETS];
	unsigned socket_count;
	uint64_t counters[HEALTH_CHECK_COUNTER_COUNT]; /* atomic adds */

	pthread_mutex_t lock; /* guards conns and live */
	pthread_cond_t changed;
	struct health_http_conn *conns[HEALTH_HTTP_THREADS];
	unsigned live;
};

static void health_count(struct health_listener *l, enum health_check_counter c)
{
	__atomic_fetch_add(&l->counters[c], 1, __ATOMIC_RELAXED);
}

static bool health_stopping(const struct health_listener *l)
{
	return __atomic_load_n(&l->stopping, __ATOMIC_RELAXED);
}

static enum health_state health_listener_verdict(const struct health_listener *l)
{
	return health_now(l->health, health_clock_ms(), worker_stopping());
}

static void health_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void health_ip_addr(const struct health_address *a, ip_addr_t *out)
{
	if (a->ipv6) {
		IP_ADDR6(out, 0, 0, 0, 0);
		memcpy(ip_2_ip6(out)->addr, a->addr, 16);
		ip6_addr_clear_zone(ip_2_ip6(out));
	} else {
		IP_ADDR4(out, a->addr[0], a->addr[1], a->addr[2], a->addr[3]);
	}
}

static void health_address_text(const struct health_address *a, char *out, size_t out_len)
{
	ip_addr_t addr;
	health_ip_addr(a, &addr);
	ipaddr_ntoa_r(&addr, out, (int)out_len);
}

/* ---- listening sockets ---- */

/*
 * Open s's port on its address. SO_REUSEADDR: the checks this socket
 * closed first leave TIME_WAIT connections on the port, which would keep
 * it from being opened again at once after a failing spell.
 */
static err_t health_socket_open(struct health_socket *s)
{
	struct netconn *conn = netconn_new(s->address.ipv6 ? NETCONN_TCP_IPV6 : NETCONN_TCP);
	if (!conn)
		return ERR_MEM;
	ip_addr_t addr;
	health_ip_addr(&s->address, &addr);
	LOCK_TCPIP_CORE();
	ip_set_option(conn->pcb.tcp, SOF_REUSEADDR);
	UNLOCK_TCPIP_CORE();
	err_t e = netconn_bind(conn, &addr, s->port);
	if (e == ERR_OK)
		e = netconn_listen(conn);
	if (e != ERR_OK) {
		netconn_delete(conn);
		return e;
	}
	netconn_set_recvtimeout(conn, HEALTH_POLL_MS);
	s->conn = conn;
	return ERR_OK;
}

/* Close s's port: lwIP resets what waits to be accepted, and answers new SYNs with RST. */
static void health_socket_close(struct health_socket *s)
{
	if (!s->conn)
		return;
	netconn_delete(s->conn);
	s->conn = NULL;
}

/* Reset conn at once (RST), rather than close it (FIN). */
static void health_reset(struct netconn *conn)
{
	LOCK_TCPIP_CORE();
	if (conn->pcb.tcp)
		tcp_abort(conn->pcb.tcp); /* lwIP's error callback lets go of the pcb */
	UNLOCK_TCPIP_CORE();
	netconn_delete(conn);
}

/* A TCP check: accepted means healthy; closed at once either way. */
static void health_tcp_answer(struct health_listener *l, struct netconn *conn)
{
	if (health_listener_verdict(l) != HEALTH_HEALTHY) {
		health_count(l, HEALTH_CHECK_TCP_RESET);
		health_reset(conn);
		return;
	}
	health_count(l, HEALTH_CHECK_TCP_ACCEPTED);
	netconn_close(conn);
	netconn_delete(conn);
}

static void health_http_admit(struct health_listener *l, struct netconn *conn);

/* Keep s's port open while it should be (HTTP: always; TCP: while healthy); false: closed now. */
static bool health_socket_follow(struct health_socket *s)
{
	bool want = s->http || health_listener_verdict(s->listener) == HEALTH_HEALTHY;
	if (!want) {
		if (s->conn)
			health_count(s->listener, HEALTH_CHECK_TCP_CLOSED);
		health_socket_close(s);
		return false;
	}
	if (s->conn)
		return true;
	err_t e = health_socket_open(s);
	if (e != ERR_OK && !s->open_failed) {
		char addr[64];
		health_address_text(&s->address, addr, sizeof(addr));
		log_warning("health: cannot open %s port %u on %s: %s (trying again every %u ms)",
			    s->http ? "HTTP" : "TCP", s->port, addr, lwip_strerr(e),
			    HEALTH_RETRY_MS);
	}
	s->open_failed = e != ERR_OK;
	return e == ERR_OK;
}

static void *health_socket_main(void *arg)
{
	struct health_socket *s = arg;
	struct health_listener *l = s->listener;
	while (!health_stopping(l)) {
		if (!health_socket_follow(s)) {
			health_sleep_ms(s->open_failed ? HEALTH_RETRY_MS : HEALTH_POLL_MS / 2);
			continue;
		}
		struct netconn *conn;
		err_t e = netconn_accept(s->conn, &conn);
		if (e == ERR_TIMEOUT)
			continue;
		if (e != ERR_OK) {
			health_socket_close(s); /* opened again on the next turn */
			continue;
		}
		if (s->http)
			health_http_admit(l, conn);
		else
			health_tcp_answer(l, conn);
	}
	health_socket_close(s);
	return NULL;
}

/* ---- HTTP connections ---- */

/*
 * A table entry for a new connection, shedding the oldest when
 * HEALTH_HTTP_CONNECTIONS are served; NULL when every entry is held by a
 * thread still ending, or no memory. l->lock held.
 */
static struct health_http_conn *health_http_new(struct health_listener *l, uint64_t now_ms)
{
	struct health_http_conn *oldest = NULL;
	unsigned active = 0, index = HEALTH_HTTP_THREADS;
	for (unsigned i = 0; i < HEALTH_HTTP_THREADS; i++) {
		struct health_http_conn *o = l->conns[i];
		if (!o) {
			index = index == HEALTH_HTTP_THREADS ? i : index;
			continue;
		}
		if (o->dropped)
			continue;
		active++;
		if (!oldest || o->started_ms < oldest->started_ms)
			oldest = o;
	}
	if (index == HEALTH_HTTP_THREADS)
		return NULL;
	struct health_http_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (active >= HEALTH_HTTP_CONNECTIONS && oldest) {
		oldest->dropped = true;
		health_count(l, HEALTH_CHECK_HTTP_SHED);
	}
	c->listener = l;
	c->started_ms = now_ms;
	c->index = index;
	l->conns[index] = c;
	l->live++;
	return c;
}

static void health_http_end(struct health_http_conn *c, bool reset)
{
	struct health_listener *l = c->listener;
	if (reset) {
		health_reset(c->conn);
	} else {
		netconn_close(c->conn);
		netconn_delete(c->conn);
	}
	pthread_mutex_lock(&l->lock);
	l->conns[c->index] = NULL;
	l->live--;
	pthread_cond_broadcast(&l->changed);
	pthread_mutex_unlock(&l->lock);
	free(c);
}

static bool health_http_dropped(struct health_http_conn *c)
{
	struct health_listener *l = c->listener;
	pthread_mutex_lock(&l->lock);
	bool dropped = c->dropped;
	pthread_mutex_unlock(&l->lock);
	return dropped || health_stopping(l);
}

/*
 * Read until the request head is whole, refused, or the deadline passes.
 * Returns the parser's result; INCOMPLETE when the connection ended,
 * was shed or timed out (*timed_out says which).
 */
static enum health_http_result health_http_read(struct health_http_conn *c,
						struct health_http_request *req, bool *timed_out)
{
	char buf[HEALTH_HTTP_REQUEST_MAX];
	size_t len = 0;
	*timed_out = false;
	netconn_set_recvtimeout(c->conn, HEALTH_POLL_MS);
	while (!health_http_dropped(c)) {
		if (health_clock_ms() - c->started_ms >= HEALTH_HTTP_DEADLINE_MS) {
			*timed_out = true;
			break;
		}
		struct pbuf *p;
		err_t e = netconn_recv_tcp_pbuf(c->conn, &p);
		if (e == ERR_TIMEOUT)
			continue;
		if (e != ERR_OK)
			break;
		len += pbuf_copy_partial(p, buf + len, (u16_t)(sizeof(buf) - len), 0);
		pbuf_free(p);
		enum health_http_result r = health_http_parse(buf, len, sizeof(buf), req);
		if (r != HEALTH_HTTP_INCOMPLETE)
			return r;
	}
	return HEALTH_HTTP_INCOMPLETE;
}

static void health_http_respond(struct health_http_conn *c, enum health_http_result r,
				const struct health_http_request *req)
{
	struct health_listener *l = c->listener;
	char body[96], answer[HEALTH_HTTP_ANSWER_MAX];
	unsigned status = health_http_result_status[r];
	if (r == HEALTH_HTTP_REQUEST) {
		enum health_state state = health_listener_verdict(l);
		status = state == HEALTH_HEALTHY ? 200 : 503;
		snprintf(body, sizeof(body), "%s%s\n",
			 state == HEALTH_HEALTHY ? "" : "unhealthy: ", health_state_name[state]);
		health_count(l,
			     status == 200 ? HEALTH_CHECK_HTTP_OK : HEALTH_CHECK_HTTP_UNAVAILABLE);
	} else {
		snprintf(body, sizeof(body), "%s\n", health_http_result_name[r]);
		health_count(l, HEALTH_CHECK_HTTP_REFUSED);
	}
	size_t n = health_http_answer(answer, sizeof(answer), status, req->head, body);
	if (n)
		netconn_write(c->conn, answer, n, NETCONN_COPY);
}

static void *health_http_main(void *arg)
{
	struct health_http_conn *c = arg;
	struct health_http_request req;
	bool timed_out;
	enum health_http_result r = health_http_read(c, &req, &timed_out);
	if (r != HEALTH_HTTP_INCOMPLETE)
		health_http_respond(c, r, &req);
	else if (timed_out)
		health_count(c->listener, HEALTH_CHECK_HTTP_TIMEOUT);
	/* Without an answer (timed out, shed, gone): reset. An answered one is
	 * closed (lwIP resets it instead if the client sent more than was read). */
	health_http_end(c, r == HEALTH_HTTP_INCOMPLETE);
	return NULL;
}

static void health_http_admit(struct health_listener *l, struct netconn *conn)
{
	pthread_mutex_lock(&l->lock);
	struct health_http_conn *c = health_http_new(l, health_clock_ms());
	pthread_mutex_unlock(&l->lock);
	if (c) {
		c->conn = conn;
		pthread_t thread;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		int rc = pthread_create(&thread, &attr, health_http_main, c);
		pthread_attr_destroy(&attr);
		if (rc == 0)
			return;
		pthread_mutex_lock(&l->lock);
		l->conns[c->index] = NULL;
		l->live--;
		pthread_mutex_unlock(&l->lock);
		free(c);
	}
	health_count(l, HEALTH_CHECK_HTTP_BUSY);
	health_reset(conn);
}

/* ---- start, stop ---- */

static void health_listener_free(struct health_listener *l)
{
	pthread_cond_destroy(&l->changed);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

static void health_listener_add(struct health_listener *l, const struct health_address *a,
				uint16_t port, bool http)
{
	struct health_socket *s = &l->sockets[l->socket_count++];
	s->listener = l;
	s->address = *a;
	s->port = port;
	s->http = http;
}

/* Every socket opened once, so a port that cannot be had is said at start. */
static int health_listener_try(struct health_listener *l, char *err, size_t err_len)
{
	for (unsigned i = 0; i < l->socket_count; i++) {
		struct health_socket *s = &l->sockets[i];
		err_t e = health_socket_open(s);
		if (e != ERR_OK) {
			char addr[64];
			health_address_text(&s->address, addr, sizeof(addr));
			snprintf(err, err_len, "[health] %s: cannot listen on %s port %u: %s",
				 s->http ? "http_port" : "tcp_port", addr, s->port, lwip_strerr(e));
			return -EADDRINUSE;
		}
		/* TCP opens once the verdict is healthy; HTTP stays open */
		if (!s->http) {
			netconn_delete(s->conn);
			s->conn = NULL;
		}
	}
	return 0;
}

struct health_listener *health_listener_start(const struct health_listener_config *config,
					      const struct health *health, char *err,
					      size_t err_len)
{
	struct health_listener *l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, err_len, "health: out of memory");
		return NULL;
	}
	l->config = *config;
	l->health = health;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->changed, NULL);
	unsigned count = config->address_count < HEALTH_LISTENER_MAX_ADDRESSES
			     ? config->address_count
			     : HEALTH_LISTENER_MAX_ADDRESSES;
	for (unsigned i = 0; i < count; i++) {
		if (config->tcp_port)
			health_listener_add(l, &config->addresses[i], config->tcp_port, false);
		if (config->http_port)
			health_listener_add(l, &config->addresses[i], config->http_port, true);
	}
	if (health_listener_try(l, err, err_len) < 0) {
		for (unsigned i = 0; i < l->socket_count; i++)
			health_socket_close(&l->sockets[i]);
		health_listener_free(l);
		return NULL;
	}
	for (unsigned i = 0; i < l->socket_count; i++) {
		struct health_socket *s = &l->sockets[i];
		s->thread_started = pthread_create(&s->thread, NULL, health_socket_main, s) == 0;
		if (!s->thread_started) {
			snprintf(err, err_len, "health: cannot start a listener thread");
			health_listener_stop(l);
			return NULL;
		}
	}
	return l;
}

void health_listener_counters_read(const struct health_listener *l, uint64_t *out)
{
	for (unsigned i = 0; i < HEALTH_CHECK_COUNTER_COUNT; i++)
		out[i] = l ? __atomic_load_n(&l->counters[i], __ATOMIC_RELAXED) : 0;
}

void health_listener_stop(struct health_listener *l)
{
	if (!l)
		return;
	__atomic_store_n(&l->stopping, true, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < l->socket_count; i++) {
		struct health_socket *s = &l->sockets[i];
		if (s->thread_started)
			pthread_join(s->thread, NULL);
		else
			health_socket_close(s);
	}
	/* Connections see the stop within HEALTH_POLL_MS; wait a little for them. */
	if (threads_wait_gone(&l->lock, &l->changed, &l->live, 1))
		health_listener_free(l); /* otherwise a connection still holds it: left to exit */
}

/* ---- the report ---- */

void health_json(FILE *f, const struct health *h, const struct health_listener *l, uint64_t now_ms,
		 bool stopping)
{
	enum health_state state = health_now(h, now_ms, stopping);
	fprintf(f,
		"{\"state\":\"%s\",\"healthy\":%s,\"since_s\":%.1f,\"stall_ms\":%u,"
		"\"failing\":%" PRIu64 ",\"workers\":[",
		health_state_name[state], state == HEALTH_HEALTHY ? "true" : "false",
		h->state_since_ms ? (double)(now_ms - h->state_since_ms) / 1000 : 0.0, h->stall_ms,
		h->failing);
	for (unsigned w = 0; w < h->worker_count; w++) {
		const struct health_watch *watch = &h->watch[w];
		fprintf(f,
			"%s{\"worker\":%u,\"started\":%s,\"stalled\":%s,\"stalls\":%" PRIu64
			",\"longest_stall_ms\":%" PRIu64 ",\"idle_ms\":%" PRIu64 "}",
			w ? "," : "", w, watch->moved_ms ? "true" : "false",
			watch->stalled ? "true" : "false", watch->stalls, watch->longest_ms,
			watch->moved_ms ? now_ms - watch->moved_ms : 0);
	}
	uint64_t counters[HEALTH_CHECK_COUNTER_COUNT];
	health_listener_counters_read(l, counters);
	fprintf(f, "],\"checks\":{\"tcp_port\":%u,\"http_port\":%u", l ? l->config.tcp_port : 0,
		l ? l->config.http_port : 0);
	for (unsigned i = 0; i < HEALTH_CHECK_COUNTER_COUNT; i++)
		fprintf(f, ",\"%s\":%" PRIu64, health_check_counter_name[i], counters[i]);
	fprintf(f, "}}");
}

void health_text(FILE *f, const struct health *h, const struct health_listener *l, uint64_t now_ms,
		 bool stopping)
{
	enum health_state state = health_now(h, now_ms, stopping);
	uint64_t stalls = 0, longest = 0;
	for (unsigned w = 0; w < h->worker_count; w++) {
		stalls += h->watch[w].stalls;
		if (h->watch[w].longest_ms > longest)
			longest = h->watch[w].longest_ms;
	}
	uint64_t c[HEALTH_CHECK_COUNTER_COUNT];
	health_listener_counters_read(l, c);
	fprintf(f,
		"health: %s (%s); %" PRIu64 " worker stall(s), longest %" PRIu64
		" ms; checks: TCP %" PRIu64 " accepted, HTTP %" PRIu64 " x 200, %" PRIu64
		" x 503\n",
		health_state_name[state], health_state_text[state], stalls, longest,
		c[HEALTH_CHECK_TCP_ACCEPTED], c[HEALTH_CHECK_HTTP_OK],
		c[HEALTH_CHECK_HTTP_UNAVAILABLE]);
}
