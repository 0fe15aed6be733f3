/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DNS stub resolver for the sinks: the lookup over an lwIP UDP netconn
 * (the messages are resolver_message.c's). See resolver.h for why lwIP's
 * own resolver is not used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lwip/api.h"
#include "lwip/ip_addr.h"
#include "lwip/netbuf.h"

#include "control/resolver.h"

#define RESOLVER_MESSAGE    1500 /* what one UDP datagram on the management port carries */
#define RESOLVER_TIMEOUT_MS 1500 /* a server silent this long is asked again, then skipped */
#define RESOLVER_TRIES	    2

/* ---- the lookup ---- */

static void resolver_ip(const struct resolver_address *a, ip_addr_t *ip)
{
	char text[INET6_ADDRSTRLEN];
	inet_ntop(a->ipv6 ? AF_INET6 : AF_INET, a->addr, text, sizeof(text));
	ipaddr_aton(text, ip);
}

/* A lookup's question and where its answer goes. */
struct resolver_question {
	const char *name;
	struct resolver_address *out;
	uint32_t *ttl;
	bool (*stop)(void *arg);
	void *arg;
};

/* One question to one server, asked up to RESOLVER_TRIES times. */
static int resolver_ask(const struct resolver_address *server, const struct resolver_question *q,
			uint16_t qtype)
{
	const char *name = q->name;
	uint8_t query[300], answer[RESOLVER_MESSAGE];
	uint16_t id;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		return -EIO;
	size_t query_len = resolver_query_build(id, name, qtype, query, sizeof(query));
	if (query_len == 0)
		return -EINVAL;
	ip_addr_t ip;
	resolver_ip(server, &ip);
	struct netconn *conn = netconn_new(server->ipv6 ? NETCONN_UDP_IPV6 : NETCONN_UDP);
	if (!conn)
		return -ENOMEM;
	int rc = -ETIMEDOUT;
	/* a connected UDP netconn takes datagrams from the server's address and port only */
	if (netconn_connect(conn, &ip, server->port) != ERR_OK) {
		netconn_delete(conn);
		return -ENETUNREACH;
	}
	netconn_set_recvtimeout(conn, RESOLVER_TIMEOUT_MS);
	for (unsigned try = 0; try < RESOLVER_TRIES && rc == -ETIMEDOUT; try++) {
		if (q->stop && q->stop(q->arg)) {
			rc = -ECANCELED;
			break;
		}
		struct netbuf *send = netbuf_new();
		if (!send || netbuf_ref(send, query, (u16_t)query_len) != ERR_OK ||
		    netconn_send(conn, send) != ERR_OK)
			rc = -ENETUNREACH;
		if (send)
			netbuf_delete(send);
		struct netbuf *recv;
		/* answers to another query (a late one, a forgery) are skipped until the timeout */
		while (rc == -ETIMEDOUT && netconn_recv(conn, &recv) == ERR_OK) {
			size_t n = netbuf_copy(recv, answer, sizeof(answer));
			netbuf_delete(recv);
			rc = resolver_answer_parse(answer, n, id, name, qtype, q->out, q->ttl);
			if (rc == -EPROTO)
				rc = -ETIMEDOUT;
		}
	}
	if (rc == 0)
		q->out->port = 0;
	netconn_delete(conn);
	return rc;
}

int resolver_lookup(const struct resolver_servers *servers, const char *name,
		    struct resolver_address *out, uint32_t *ttl, bool (*stop)(void *arg), void *arg,
		    char *why, size_t why_len)
{
	const struct resolver_question q = {name, out, ttl, stop, arg};
	int rc = -ENOENT;
	if (servers->count == 0) {
		snprintf(why, why_len, "%s: a host name, and no DNS server ([management] dns)",
			 name);
		return -EDESTADDRREQ;
	}
	for (unsigned i = 0; i < servers->count; i++) {
		rc = resolver_ask(&servers->server[i], &q, RESOLVER_TYPE_A);
		if (rc == -ENOENT)
			rc = resolver_ask(&servers->server[i], &q, RESOLVER_TYPE_AAAA);
		if (rc == 0 || rc == -ENOENT || rc == -ECANCELED)
			break; /* an answer, or the name does not exist: other servers agree */
	}
	if (rc == 0)
		return 0;
	snprintf(why, why_len, "resolve %s: %s", name,
		 rc == -ENOENT	      ? "no such name, or no address"
		 : rc == -ETIMEDOUT   ? "no answer from the DNS servers"
		 : rc == -EMSGSIZE    ? "answer truncated (too big for UDP)"
		 : rc == -ENETUNREACH ? "DNS server unreachable"
		 : rc == -ECANCELED   ? "stopped"
				      : "DNS server failure");
	return rc;
}
