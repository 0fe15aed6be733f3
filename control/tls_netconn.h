/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mbedTLS over an lwIP netconn: the bio callbacks that carry TLS records
 * on the management stack, for the console (server) and the alert sinks
 * (clients). lwIP's own altcp TLS layer cannot require client
 * certificates, so vigil drives mbedTLS itself. A receive timeout set on
 * the netconn (netconn_set_recvtimeout) surfaces as
 * MBEDTLS_ERR_SSL_WANT_READ, so a caller can look at its clock or a stop
 * flag and try again. One thread per tls_netconn.
 */
#ifndef VIGIL_CONTROL_TLS_NETCONN_H
#define VIGIL_CONTROL_TLS_NETCONN_H

#include <stddef.h>
#include <stdint.h>

struct netconn;
struct netbuf;

struct tls_netconn {
	struct netconn *conn;
	struct netbuf *rx; /* the netbuf being read, NULL when none */
	uint16_t rx_offset;
};

/* mbedtls_ssl_set_bio callbacks; ctx is the struct tls_netconn. */
int tls_netconn_send(void *ctx, const unsigned char *buf, size_t len);
int tls_netconn_recv(void *ctx, unsigned char *buf, size_t len);

/* Free a netbuf still being read (before the netconn is deleted). */
void tls_netconn_drop(struct tls_netconn *t);

#endif
