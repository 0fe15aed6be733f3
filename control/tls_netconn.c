/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLS records over an lwIP netconn: writes go out whole (netconn copies
 * them), reads come from the netbuf at hand, one netbuf at a time.
 */
#include <mbedtls/ssl.h>

#include "lwip/api.h"

#include "control/tls_netconn.h"

int tls_netconn_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_netconn *t = ctx;
	size_t written = 0;
	err_t e = netconn_write_partly(t->conn, buf, len, NETCONN_COPY, &written);
	if (e != ERR_OK)
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	return written ? (int)written : MBEDTLS_ERR_SSL_WANT_WRITE;
}

int tls_netconn_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_netconn *t = ctx;
	if (!t->rx) {
		err_t e = netconn_recv(t->conn, &t->rx);
		if (e == ERR_TIMEOUT)
			return MBEDTLS_ERR_SSL_WANT_READ;
		if (e != ERR_OK) {
			t->rx = NULL;
			return 0; /* closed or reset: end of stream */
		}
		t->rx_offset = 0;
	}
	uint16_t total = netbuf_len(t->rx);
	size_t left = (size_t)(total - t->rx_offset);
	uint16_t n = (uint16_t)(len < left ? len : left);
	netbuf_copy_partial(t->rx, buf, n, t->rx_offset);
	t->rx_offset = (uint16_t)(t->rx_offset + n);
	if (t->rx_offset >= total) {
		netbuf_delete(t->rx);
		t->rx = NULL;
	}
	return n;
}

void tls_netconn_drop(struct tls_netconn *t)
{
	if (t->rx)
		netbuf_delete(t->rx);
	t->rx = NULL;
}
