/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Alert sinks: the filter and the bounded queue, the sink thread (resolve,
 * connect with TLS over lwIP, deliver, back off and retry with the records
 * kept), and one row per kind of sink: syslog (a record per RFC 5424
 * message with structured data, octet-counted) and webhook (a batch per
 * HTTPS POST). The kinds share everything but how records are put on the
 * wire. What is parsed and formatted without a stack is in sink_format.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "lwip/api.h"
#include "lwip/ip_addr.h"

#include "control/resolver.h"
#include "control/sink_format.h"
#include "control/sinks.h"
#include "control/tls_netconn.h"

#define SINK_POLL_MS	     200 /* reads and waits wake this often to see a stop */
#define SINK_BACKOFF_MS	     250 /* first wait after a failure; doubles, up to: */
#define SINK_BACKOFF_MAX_MS  4000
#define SINK_RETRY_AFTER_MAX 600  /* a server's Retry-After is honoured up to this (s) */
#define SINK_DNS_TTL_MAX     300  /* a resolved address is kept at most this long (s) */
#define SINK_BATCH_WAIT_MS   200  /* a webhook batch waits this long to fill */
#define SINK_IO_TIMEOUT_MS   5000 /* a server that says nothing this long has failed */

/* What a delivery that did not go through means for its records. */
#define SINK_RETRY  (-EAGAIN)  /* kept at the head of the queue, tried again after a wait */
#define SINK_REFUSE (-EBADMSG) /* refused for good by the server: counted as failed */

struct sink;

/* How one kind of sink puts records on the wire. */
struct sink_kind {
	const char *name;
	/* parse config->target into the sink's address (and path); 0 or -EINVAL with why */
	int (*parse_target)(struct sink *s, const char *target, char *why, size_t why_len);
	/* deliver records[0..n) on the open session; returns how many were
	 * delivered, SINK_RETRY or SINK_REFUSE (with retry_after_ms set when
	 * the server said how long to wait) */
	int (*deliver)(struct sink *s, char **records, unsigned n);
	unsigned max_batch; /* 0: the config's batch */
};

struct sink {
	const struct sink_kind *kind;
	struct sink_config config;
	struct sink_url url;
	struct resolver_servers dns;
	struct sink_filter filter;
	char *headers; /* the extra webhook headers, each ending in CRLF ("" when none) */
	ip_addr_t addr;
	struct timespec
	    resolved_until; /* CLOCK_MONOTONIC; re-resolve past it, or after a failure */
	bool resolved;
	unsigned retry_after_ms; /* set by deliver: the server's Retry-After */
	char hostname[64];

	mbedtls_x509_crt ca, cert;
	mbedtls_pk_context key;
	bool has_cert;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config tls;
	mbedtls_ssl_context ssl;
	struct tls_netconn io;
	bool open;

	pthread_t thread;
	pthread_mutex_t lock; /* guards the queue, the counters and stopping */
	pthread_cond_t wake;
	char **queue;
	unsigned head, count;
	bool stopping;
	struct sink_status status;
};

/* ---- the queue ---- */

void sink_push(struct sink *s, const char *line, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy) {
		memcpy(copy, line, len);
		copy[len] = '\0';
	}
	bool take = true;
	if (copy && (s->filter.types || s->filter.min_severity)) {
		struct sink_event event;
		sink_event_read(copy, &event);
		take = sink_filter_pass(&s->filter, &event);
	}
	pthread_mutex_lock(&s->lock);
	if (!take) {
		s->status.filtered++;
		pthread_mutex_unlock(&s->lock);
		free(copy);
		return;
	}
	s->status.offered++;
	if (!copy || s->count == s->config.queue_len) {
		s->status.dropped_full++;
		pthread_mutex_unlock(&s->lock);
		free(copy);
		return;
	}
	s->queue[(s->head + s->count++) % s->config.queue_len] = copy;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

/* Up to max records from the head (not removed), waiting up to wait_ms for the first. */
static unsigned sink_peek(struct sink *s, char **out, unsigned max, unsigned wait_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	until.tv_sec += wait_ms / 1000 + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&s->lock);
	while (s->count == 0 && !s->stopping)
		if (pthread_cond_timedwait(&s->wake, &s->lock, &until) != 0)
			break;
	unsigned n = s->count < max ? s->count : max;
	for (unsigned i = 0; i < n; i++)
		out[i] = s->queue[(s->head + i) % s->config.queue_len];
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Remove n records from the head, counting them delivered or failed. */
static void sink_pop(struct sink *s, unsigned n, bool delivered)
{
	pthread_mutex_lock(&s->lock);
	for (unsigned i = 0; i < n && s->count; i++) {
		free(s->queue[s->head]);
		s->head = (s->head + 1) % s->config.queue_len;
		s->count--;
	}
	if (delivered)
		s->status.delivered += n;
	else
		s->status.failed += n;
	pthread_mutex_unlock(&s->lock);
}

static bool sink_stopping(struct sink *s)
{
	pthread_mutex_lock(&s->lock);
	bool stopping = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return stopping;
}

/* sink_stopping for callbacks (the resolver asks it between tries). */
static bool sink_stopping_arg(void *arg)
{
	return sink_stopping(arg);
}

static void sink_error(struct sink *s, const char *what, int rc)
{
	char why[120] = "";
	if (rc)
		mbedtls_strerror(rc, why, sizeof(why));
	pthread_mutex_lock(&s->lock);
	snprintf(s->status.last_error, sizeof(s->status.last_error), "%s%s%s", what, rc ? ": " : "",
		 why);
	pthread_mutex_unlock(&s->lock);
}

/* ---- the session ---- */

static void sink_close(struct sink *s)
{
	if (!s->open)
		return;
	mbedtls_ssl_close_notify(&s->ssl);
	mbedtls_ssl_free(&s->ssl);
	tls_netconn_drop(&s->io);
	netconn_close(s->io.conn);
	netconn_delete(s->io.conn);
	s->io.conn = NULL;
	s->open = false;
	pthread_mutex_lock(&s->lock);
	s->status.connected = false;
	pthread_mutex_unlock(&s->lock);
}

static int sink_handshake(struct sink *s)
{
	struct timeval start, now;
	gettimeofday(&start, NULL);
	int rc;
	while ((rc = mbedtls_ssl_handshake(&s->ssl)) != 0) {
		if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			return rc;
		gettimeofday(&now, NULL);
		if ((now.tv_sec - start.tv_sec) * 1000 > SINK_IO_TIMEOUT_MS || sink_stopping(s))
			return MBEDTLS_ERR_SSL_TIMEOUT;
	}
	return 0;
}

static bool sink_time_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/*
 * The target's address: an address literal as it is; a host name through
 * the board's DNS servers, again once its TTL has passed or after a
 * connection failed (the service may have moved). Sink thread.
 */
static int sink_resolve(struct sink *s)
{
	if (s->url.host_is_address) {
		ipaddr_aton(s->url.host, &s->addr);
		return 0;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (s->resolved && sink_time_before(now, s->resolved_until))
		return 0;
	struct resolver_address answer;
	uint32_t ttl;
	char why[SINK_ERROR_MAX];
	if (resolver_lookup(&s->dns, s->url.host, &answer, &ttl, sink_stopping_arg, s, why,
			    sizeof(why)) < 0) {
		s->resolved = false;
		sink_error(s, why, 0);
		return -EHOSTUNREACH;
	}
	char text[INET6_ADDRSTRLEN];
	inet_ntop(answer.ipv6 ? AF_INET6 : AF_INET, answer.addr, text, sizeof(text));
	ipaddr_aton(text, &s->addr);
	s->resolved = true;
	s->resolved_until = now;
	s->resolved_until.tv_sec += ttl > SINK_DNS_TTL_MAX ? SINK_DNS_TTL_MAX : ttl;
	pthread_mutex_lock(&s->lock);
	snprintf(s->status.address, sizeof(s->status.address), "%s", text);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* The name the server's certificate must carry: the configured one, else the URL's host name. */
static const char *sink_verify_name(const struct sink *s)
{
	if (s->config.server_name)
		return s->config.server_name;
	return s->url.host_is_address ? NULL : s->url.host;
}

static int sink_open(struct sink *s)
{
	if (s->open)
		return 0;
	pthread_mutex_lock(&s->lock);
	s->status.connects++;
	pthread_mutex_unlock(&s->lock);
	if (sink_resolve(s) < 0)
		return -EHOSTUNREACH;
	s->io = (struct tls_netconn){0};
	s->io.conn = netconn_new(IP_IS_V6(&s->addr) ? NETCONN_TCP_IPV6 : NETCONN_TCP);
	if (!s->io.conn) {
		sink_error(s, "no netconn", 0);
		return -ENOMEM;
	}
	err_t e = netconn_connect(s->io.conn, &s->addr, s->url.port);
	if (e != ERR_OK) {
		char what[SINK_ERROR_MAX];
		snprintf(what, sizeof(what), "connect to %.80s (%s) port %u: %s", s->url.host,
			 ipaddr_ntoa(&s->addr), s->url.port, lwip_strerr(e));
		sink_error(s, what, 0);
		netconn_delete(s->io.conn);
		s->io.conn = NULL;
		s->resolved = false;
		return -ECONNREFUSED;
	}
	netconn_set_recvtimeout(s->io.conn, SINK_POLL_MS);
	mbedtls_ssl_init(&s->ssl);
	int rc = mbedtls_ssl_setup(&s->ssl, &s->tls);
	if (rc == 0 && sink_verify_name(s))
		rc = mbedtls_ssl_set_hostname(&s->ssl, sink_verify_name(s));
	if (rc == 0) {
		mbedtls_ssl_set_bio(&s->ssl, &s->io, tls_netconn_send, tls_netconn_recv, NULL);
		rc = sink_handshake(s);
	}
	s->open = true;
	if (rc != 0) {
		sink_error(s, "TLS handshake", rc);
		sink_close(s);
		return -EPROTO;
	}
	pthread_mutex_lock(&s->lock);
	s->status.connected = true;
	s->status.last_error[0] = '\0';
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int sink_write(struct sink *s, const char *data, size_t len)
{
	while (len) {
		int rc = mbedtls_ssl_write(&s->ssl, (const unsigned char *)data, len);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc <= 0) {
			sink_error(s, "send", rc);
			return -EIO;
		}
		data += rc;
		len -= (size_t)rc;
	}
	return 0;
}

/* ---- syslog: RFC 5424 over TLS (RFC 5425), octet counting ---- */

static int sink_syslog_target(struct sink *s, const char *target, char *why, size_t why_len)
{
	return sink_hostport_parse(target, &s->url, why, why_len);
}

static int sink_syslog_deliver(struct sink *s, char **records, unsigned n)
{
	int done = 0;
	for (unsigned i = 0; i < n; i++) {
		struct sink_event event;
		struct timespec now;
		char header[512], frame[32];
		sink_event_read(records[i], &event);
		clock_gettime(CLOCK_REALTIME, &now);
		size_t h = sink_syslog_header(&event, s->config.facility, s->hostname, now, header,
					      sizeof(header));
		size_t len = h + strlen(records[i]);
		int f = snprintf(frame, sizeof(frame), "%zu ", len);
		if (sink_write(s, frame, (size_t)f) < 0 || sink_write(s, header, h) < 0 ||
		    sink_write(s, records[i], strlen(records[i])) < 0)
			return done ? done : SINK_RETRY;
		done++;
	}
	return done;
}

/* ---- webhook: HTTPS POST of a JSON batch ---- */

static int sink_webhook_target(struct sink *s, const char *target, char *why, size_t why_len)
{
	return sink_url_parse(target, &s->url, why, why_len);
}

/* Read the answer's head into head (NUL-terminated); returns its length or a negative error. */
static int sink_http_read_head(struct sink *s, char *head, size_t head_len)
{
	size_t n = 0;
	struct timeval start, now;
	gettimeofday(&start, NULL);
	while (n + 1 < head_len) {
		int rc = mbedtls_ssl_read(&s->ssl, (unsigned char *)head + n, head_len - 1 - n);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
			gettimeofday(&now, NULL);
			if ((now.tv_sec - start.tv_sec) * 1000 > SINK_IO_TIMEOUT_MS ||
			    sink_stopping(s))
				return -ETIMEDOUT;
			continue;
		}
		if (rc <= 0)
			break;
		n += (size_t)rc;
		head[n] = '\0';
		if (strstr(head, "\r\n\r\n"))
			break;
	}
	head[n] = '\0';
	return n ? (int)n : -ECONNRESET;
}

/*
 * The Slack-compatible summary: how many alerts (and other records), and
 * the first few signatures, each whole, escaped for Slack (& < >) and then
 * as a JSON string.
 */
static void sink_webhook_text(char **records, unsigned n, struct json_out *j)
{
	struct sink_event event;
	unsigned alerts = 0, shown = 0;
	size_t cap = 64, len;
	for (unsigned i = 0; i < n; i++) {
		sink_event_read(records[i], &event);
		if (!event.has_alert)
			continue;
		alerts++;
		if (shown++ < 5)
			cap += 2 + sink_slack_escape(event.signature, NULL, 0);
	}
	char *text = malloc(cap + 16);
	if (!text) {
		j->failed = true;
		return;
	}
	len = (size_t)snprintf(text, cap, "vigil: %u alert%s", alerts, alerts == 1 ? "" : "s");
	if (n > alerts)
		len += (size_t)snprintf(text + len, cap - len, ", %u other record%s", n - alerts,
					n - alerts == 1 ? "" : "s");
	shown = 0;
	for (unsigned i = 0; i < n && shown < 5; i++) {
		sink_event_read(records[i], &event);
		if (!event.has_alert)
			continue;
		memcpy(text + len, shown++ ? "; " : ": ", 2);
		len += 2;
		len += sink_slack_escape(event.signature, text + len, cap - len);
	}
	snprintf(text + len, cap + 16 - len, "%s", alerts > 5 ? "; ..." : "");
	json_key(j, "text");
	json_string(j, text);
	free(text);
}

/* What an answer means for the batch: delivered, kept for a retry, or refused for good. */
static int sink_webhook_verdict(struct sink *s, const char *head, unsigned n)
{
	char what[SINK_ERROR_MAX];
	int status;
	long wait;
	enum sink_answer answer = sink_http_answer(head, time(NULL), &status, &wait);
	if (answer == SINK_ANSWER_DELIVERED)
		return (int)n;
	if (wait >= 0)
		s->retry_after_ms =
		    (unsigned)(wait > SINK_RETRY_AFTER_MAX ? SINK_RETRY_AFTER_MAX : wait) * 1000;
	if (status < 0)
		snprintf(what, sizeof(what), "no HTTP answer");
	else if (answer == SINK_ANSWER_REFUSED)
		snprintf(what, sizeof(what), "HTTP status %d: batch refused, not retried", status);
	else if (wait >= 0)
		snprintf(what, sizeof(what), "HTTP status %d, Retry-After %ld s", status, wait);
	else
		snprintf(what, sizeof(what), "HTTP status %d", status);
	sink_error(s, what, 0);
	if (status == 429 || status == 503) {
		pthread_mutex_lock(&s->lock);
		s->status.throttled++;
		pthread_mutex_unlock(&s->lock);
	}
	return answer == SINK_ANSWER_REFUSED ? SINK_REFUSE : SINK_RETRY;
}

static int sink_webhook_deliver(struct sink *s, char **records, unsigned n)
{
	struct json_out body = {0};
	json_object_begin(&body);
	sink_webhook_text(records, n, &body);
	json_key(&body, "alerts");
	json_array_begin(&body);
	for (unsigned i = 0; i < n; i++) {
		json_element(&body);
		json_raw(&body, records[i]);
	}
	json_array_end(&body);
	json_object_end(&body);
	char authority[SINK_HOST_MAX + 16];
	sink_url_authority(&s->url, authority, sizeof(authority));
	size_t head_cap = strlen(s->url.path) + strlen(authority) + strlen(s->headers) + 256;
	char *head = malloc(head_cap);
	if (body.failed || !head) {
		json_free(&body);
		free(head);
		return SINK_RETRY;
	}
	int h = snprintf(head, head_cap,
			 "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: vigil\r\n"
			 "Content-Type: application/json\r\nContent-Length: %zu\r\n%s"
			 "Connection: close\r\n\r\n",
			 s->url.path, authority, body.len, s->headers);
	int rc = sink_write(s, head, (size_t)h);
	if (rc == 0)
		rc = sink_write(s, body.text, body.len);
	json_free(&body);
	char answer[2048];
	rc = rc == 0 ? sink_http_read_head(s, answer, sizeof(answer)) : rc;
	free(head);
	/* One request per connection: simple, and servers that close are the norm. */
	sink_close(s);
	if (rc < 0) {
		sink_error(s, rc == -ETIMEDOUT ? "no HTTP answer in time" : "no HTTP answer", 0);
		return SINK_RETRY;
	}
	return sink_webhook_verdict(s, answer, n);
}

static const struct sink_kind sink_kinds[] = {
    {"syslog", sink_syslog_target, sink_syslog_deliver, 64},
    {"webhook", sink_webhook_target, sink_webhook_deliver, 0},
};

/* ---- the thread ---- */

static void sink_sleep_ms(struct sink *s, unsigned ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	until.tv_sec += ms / 1000 + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&s->lock);
	while (!s->stopping)
		if (pthread_cond_timedwait(&s->wake, &s->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&s->lock);
}

static void *sink_main(void *arg)
{
	struct sink *s = arg;
	unsigned max = s->kind->max_batch ? s->kind->max_batch : s->config.batch;
	char **batch = calloc(max, sizeof(*batch));
	unsigned backoff = SINK_BACKOFF_MS;
	while (batch) {
		unsigned n = sink_peek(s, batch, max, SINK_POLL_MS);
		if (n == 0) {
			if (sink_stopping(s))
				break;
			continue;
		}
		/* a webhook batch gets a moment to fill */
		if (n < max && s->kind->deliver == sink_webhook_deliver && !sink_stopping(s)) {
			sink_sleep_ms(s, SINK_BATCH_WAIT_MS);
			n = sink_peek(s, batch, max, 0);
		}
		s->retry_after_ms = 0;
		bool opened = sink_open(s) == 0;
		int done = opened ? s->kind->deliver(s, batch, n) : SINK_RETRY;
		if (done > 0) {
			sink_pop(s, (unsigned)done, true);
			backoff = SINK_BACKOFF_MS;
			continue;
		}
		sink_close(s);
		if (done == SINK_REFUSE) {
			sink_pop(s, n, false);
			continue;
		}
		/* the batch stays at the head of the queue: order is kept */
		pthread_mutex_lock(&s->lock);
		s->status.retries++;
		if (!opened)
			s->status.connect_failures++;
		pthread_mutex_unlock(&s->lock);
		if (sink_stopping(s))
			break;
		sink_sleep_ms(s, s->retry_after_ms ? s->retry_after_ms : backoff);
		backoff = backoff * 2 > SINK_BACKOFF_MAX_MS ? SINK_BACKOFF_MAX_MS : backoff * 2;
	}
	sink_close(s);
	free(batch);
	return NULL;
}

/* ---- start, status, stop ---- */

static int sink_tls_setup(struct sink *s, char *err, size_t err_len)
{
	static const char personal[] = "vigil sink";
	char why[120];
	/* a system bundle may hold a certificate mbedTLS cannot read (rc > 0): the rest serve */
	int rc = mbedtls_x509_crt_parse_file(&s->ca, s->config.ca);
	if (rc > 0 && s->ca.version != 0)
		rc = 0;
	if (rc != 0) {
		mbedtls_strerror(rc, why, sizeof(why));
		snprintf(err, err_len, "[alerts] %s_ca: %s: %s", s->kind->name, s->config.ca, why);
		return -EINVAL;
	}
	if (s->config.cert && s->config.key) {
		rc = mbedtls_x509_crt_parse_file(&s->cert, s->config.cert);
		if (rc == 0)
			rc = mbedtls_pk_parse_keyfile(&s->key, s->config.key, NULL);
		if (rc != 0) {
			mbedtls_strerror(rc, why, sizeof(why));
			snprintf(err, err_len, "[alerts] client_cert/client_key: %s", why);
			return -EINVAL;
		}
		s->has_cert = true;
	}
	rc = mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy,
				   (const unsigned char *)personal, sizeof(personal) - 1);
	if (rc == 0)
		rc = mbedtls_ssl_config_defaults(&s->tls, MBEDTLS_SSL_IS_CLIENT,
						 MBEDTLS_SSL_TRANSPORT_STREAM,
						 MBEDTLS_SSL_PRESET_DEFAULT);
	if (rc == 0) {
		mbedtls_ssl_conf_rng(&s->tls, mbedtls_ctr_drbg_random, &s->drbg);
		mbedtls_ssl_conf_min_version(&s->tls, MBEDTLS_SSL_MAJOR_VERSION_3,
					     MBEDTLS_SSL_MINOR_VERSION_3);
		mbedtls_ssl_conf_ciphersuites(&s->tls, console_tls_ciphersuites);
		mbedtls_ssl_conf_authmode(&s->tls, MBEDTLS_SSL_VERIFY_REQUIRED);
		mbedtls_ssl_conf_ca_chain(&s->tls, &s->ca, NULL);
		if (s->has_cert)
			rc = mbedtls_ssl_conf_own_cert(&s->tls, &s->cert, &s->key);
	}
	if (rc != 0) {
		mbedtls_strerror(rc, why, sizeof(why));
		snprintf(err, err_len, "[alerts] %s: TLS set-up: %s", s->kind->name, why);
		return -EINVAL;
	}
	return 0;
}

static void sink_free(struct sink *s)
{
	for (unsigned i = 0; i < s->count; i++)
		free(s->queue[(s->head + i) % s->config.queue_len]);
	free(s->queue);
	free(s->headers);
	mbedtls_ssl_config_free(&s->tls);
	mbedtls_ctr_drbg_free(&s->drbg);
	mbedtls_entropy_free(&s->entropy);
	mbedtls_pk_free(&s->key);
	mbedtls_x509_crt_free(&s->cert);
	mbedtls_x509_crt_free(&s->ca);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* The extra webhook headers, checked, as one block of "Name: value\r\n" lines. */
static int sink_headers_setup(struct sink *s, char *err, size_t err_len)
{
	size_t len = 1;
	char why[160];
	for (unsigned i = 0; i < s->config.header_count; i++) {
		if (sink_header_check(s->config.headers[i], why, sizeof(why)) < 0) {
			snprintf(err, err_len, "[alerts] webhook_header: %s", why);
			return -EINVAL;
		}
		len += strlen(s->config.headers[i]) + 2;
	}
	s->headers = malloc(len);
	if (!s->headers) {
		snprintf(err, err_len, "[alerts] webhook_header: out of memory");
		return -ENOMEM;
	}
	s->headers[0] = '\0';
	for (unsigned i = 0; i < s->config.header_count; i++)
		strcat(strcat(s->headers, s->config.headers[i]), "\r\n");
	return 0;
}

/* Target, DNS servers, filter and headers; the setting at fault named in err. */
static int sink_config_check(struct sink *s, char *err, size_t err_len)
{
	const char *kind = s->kind->name;
	char why[SINK_ERROR_MAX + 80];
	if (s->kind->parse_target(s, s->config.target, why, sizeof(why)) < 0) {
		snprintf(err, err_len, "[alerts] %s: %s", kind, why);
		return -EINVAL;
	}
	if (resolver_servers_parse(s->config.dns ? s->config.dns : "", &s->dns, why, sizeof(why)) <
	    0) {
		snprintf(err, err_len, "[management] dns: %s", why);
		return -EINVAL;
	}
	if (s->url.host_is_address)
		snprintf(s->status.address, sizeof(s->status.address), "%.47s", s->url.host);
	if (!s->url.host_is_address && s->dns.count == 0) {
		snprintf(err, err_len,
			 "[alerts] %s: \"%s\" is a host name: name a DNS server in [management] "
			 "dns",
			 kind, s->url.host);
		return -EINVAL;
	}
	if (sink_filter_parse_types(s->config.events ? s->config.events : "", &s->filter, why,
				    sizeof(why)) < 0) {
		snprintf(err, err_len, "[alerts] %s_events: %s", kind, why);
		return -EINVAL;
	}
	s->filter.min_severity = s->config.min_severity;
	if (s->config.facility > 23) {
		snprintf(err, err_len, "[alerts] syslog_facility: %u is not 0..23",
			 s->config.facility);
		return -EINVAL;
	}
	if (!s->config.ca || !s->config.ca[0]) {
		snprintf(err, err_len, "[alerts] %s_ca: missing (the server must be verified)",
			 kind);
		return -EINVAL;
	}
	return sink_headers_setup(s, err, err_len);
}

struct sink *sink_start(const struct sink_config *config, char *err, size_t err_len)
{
	const struct sink_kind *kind = NULL;
	for (size_t i = 0; i < sizeof(sink_kinds) / sizeof(sink_kinds[0]); i++)
		if (strcmp(sink_kinds[i].name, config->kind) == 0)
			kind = &sink_kinds[i];
	struct sink *s = kind ? calloc(1, sizeof(*s)) : NULL;
	if (!s) {
		snprintf(err, err_len, "[alerts] %s: %s", config->kind,
			 kind ? "out of memory" : "unknown kind of sink");
		return NULL;
	}
	s->kind = kind;
	s->config = *config;
	if (s->config.queue_len == 0)
		s->config.queue_len = 8192;
	if (s->config.batch == 0)
		s->config.batch = 100;
	snprintf(s->hostname, sizeof(s->hostname), "%s",
		 config->hostname && config->hostname[0] ? config->hostname : "vigil");
	snprintf(s->status.name, sizeof(s->status.name), "%s", kind->name);
	/* a long URL is shown cut, marked so: the sink itself uses all of it */
	if (snprintf(s->status.target, sizeof(s->status.target), "%s", config->target) >=
	    (int)sizeof(s->status.target))
		strcpy(s->status.target + sizeof(s->status.target) - 4, "...");
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	mbedtls_x509_crt_init(&s->ca);
	mbedtls_x509_crt_init(&s->cert);
	mbedtls_pk_init(&s->key);
	mbedtls_entropy_init(&s->entropy);
	mbedtls_ctr_drbg_init(&s->drbg);
	mbedtls_ssl_config_init(&s->tls);
	s->queue = calloc(s->config.queue_len, sizeof(*s->queue));
	if (!s->queue) {
		snprintf(err, err_len, "[alerts] %s: out of memory", kind->name);
	} else if (sink_config_check(s, err, err_len) == 0 &&
		   sink_tls_setup(s, err, err_len) == 0 &&
		   pthread_create(&s->thread, NULL, sink_main, s) == 0) {
		return s;
	}
	sink_free(s);
	return NULL;
}

void sink_status_read(struct sink *s, struct sink_status *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->status;
	out->queued = s->count;
	pthread_mutex_unlock(&s->lock);
}

void sink_status_json(const struct sink_status *st, struct json_out *j)
{
	json_object_begin(j);
	json_key(j, "name");
	json_string(j, st->name);
	json_key(j, "target");
	json_string(j, st->target);
	json_key(j, "address");
	json_string(j, st->address);
	json_key(j, "connected");
	json_raw(j, st->connected ? "true" : "false");
	json_key(j, "offered");
	json_printf(j, "%llu", (unsigned long long)st->offered);
	json_key(j, "queued");
	json_printf(j, "%llu", (unsigned long long)st->queued);
	json_key(j, "delivered");
	json_printf(j, "%llu", (unsigned long long)st->delivered);
	json_key(j, "undelivered");
	json_printf(j, "{\"queue_full\":%llu,\"failed\":%llu}",
		    (unsigned long long)st->dropped_full, (unsigned long long)st->failed);
	json_key(j, "filtered");
	json_printf(j, "%llu", (unsigned long long)st->filtered);
	json_key(j, "retries");
	json_printf(j, "%llu", (unsigned long long)st->retries);
	json_key(j, "throttled");
	json_printf(j, "%llu", (unsigned long long)st->throttled);
	json_key(j, "connects");
	json_printf(j, "%llu", (unsigned long long)st->connects);
	json_key(j, "connect_failures");
	json_printf(j, "%llu", (unsigned long long)st->connect_failures);
	json_key(j, "last_error");
	json_string(j, st->last_error);
	json_object_end(j);
}

void sink_stop(struct sink *s, unsigned grace_ms)
{
	if (!s)
		return;
	/* Give the thread its grace to empty the queue, then stop it. */
	for (unsigned waited = 0; waited < grace_ms; waited += 50) {
		pthread_mutex_lock(&s->lock);
		bool empty = s->count == 0;
		pthread_mutex_unlock(&s->lock);
		if (empty)
			break;
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	s->status.failed += s->count;
	sink_free(s);
}
