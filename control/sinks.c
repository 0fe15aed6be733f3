/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Alert sinks: the bounded queue, the sink thread (connect with TLS over
 * lwIP, deliver, back off and retry), and one row per kind of sink:
 * syslog (a record per RFC 5424 message, octet-counted) and webhook
 * (a batch per HTTPS POST). The kinds share everything but how records
 * are put on the wire.
 */
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

#include "control/sinks.h"
#include "control/tls_netconn.h"

#define SINK_POLL_MS	    200 /* reads and waits wake this often to see a stop */
#define SINK_RETRIES	    3	/* deliveries tried before a record is given up */
#define SINK_BACKOFF_MS	    250 /* first wait after a failure; doubles, up to: */
#define SINK_BACKOFF_MAX_MS 4000
#define SINK_BATCH_WAIT_MS  200	 /* a webhook batch waits this long to fill */
#define SINK_IO_TIMEOUT_MS  5000 /* a server that says nothing this long has failed */

struct sink;

/* How one kind of sink puts records on the wire. */
struct sink_kind {
	const char *name;
	/* parse config->target into the sink's address (and path); 0 or -EINVAL with why */
	int (*parse_target)(struct sink *s, const char *target, char *why, size_t why_len);
	/* deliver records[0..n) on the open session; returns how many were delivered, or < 0 */
	int (*deliver)(struct sink *s, char **records, unsigned n);
	unsigned max_batch; /* 0: the config's batch */
};

struct sink {
	const struct sink_kind *kind;
	struct sink_config config;
	char target[160];
	char host[64];
	char path[128];
	uint16_t port;
	ip_addr_t addr;
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
	pthread_mutex_lock(&s->lock);
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

static int sink_open(struct sink *s)
{
	if (s->open)
		return 0;
	pthread_mutex_lock(&s->lock);
	s->status.connects++;
	pthread_mutex_unlock(&s->lock);
	s->io = (struct tls_netconn){0};
	s->io.conn = netconn_new(IP_IS_V6(&s->addr) ? NETCONN_TCP_IPV6 : NETCONN_TCP);
	if (!s->io.conn) {
		sink_error(s, "no netconn", 0);
		return -ENOMEM;
	}
	err_t e = netconn_connect(s->io.conn, &s->addr, s->port);
	if (e != ERR_OK) {
		char what[96];
		snprintf(what, sizeof(what), "connect to %s:%u: %s", s->host, s->port,
			 lwip_strerr(e));
		sink_error(s, what, 0);
		netconn_delete(s->io.conn);
		s->io.conn = NULL;
		return -ECONNREFUSED;
	}
	netconn_set_recvtimeout(s->io.conn, SINK_POLL_MS);
	mbedtls_ssl_init(&s->ssl);
	int rc = mbedtls_ssl_setup(&s->ssl, &s->tls);
	if (rc == 0 && s->config.server_name)
		rc = mbedtls_ssl_set_hostname(&s->ssl, s->config.server_name);
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

static int sink_parse_hostport(struct sink *s, const char *text, char *why, size_t why_len)
{
	const char *colon = strrchr(text, ':');
	const char *host = text;
	size_t host_len = colon ? (size_t)(colon - text) : 0;
	if (host_len && host[0] == '[' && host[host_len - 1] == ']')
		host++, host_len -= 2;
	char *end;
	unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
	if (!colon || host_len == 0 || host_len >= sizeof(s->host) || *end || port == 0 ||
	    port > 65535) {
		snprintf(why, why_len, "\"%s\" is not ADDRESS:PORT", text);
		return -EINVAL;
	}
	memcpy(s->host, host, host_len);
	s->host[host_len] = '\0';
	s->port = (uint16_t)port;
	if (!ipaddr_aton(s->host, &s->addr)) {
		snprintf(why, why_len,
			 "\"%s\" is not an IPv4 or IPv6 address (names are not resolved)", s->host);
		return -EINVAL;
	}
	return 0;
}

static int sink_syslog_target(struct sink *s, const char *target, char *why, size_t why_len)
{
	return sink_parse_hostport(s, target, why, why_len);
}

/* Severity from the EVE alert's severity (1 high .. 4 low): crit, err, warning, notice. */
static unsigned sink_syslog_severity(const char *record)
{
	const char *p = strstr(record, "\"severity\":");
	unsigned v = p ? (unsigned)strtoul(p + 11, NULL, 10) : 3;
	static const unsigned map[] = {4, 2, 3, 4, 5};
	return v < 5 ? map[v] : 5;
}

static int sink_syslog_deliver(struct sink *s, char **records, unsigned n)
{
	int done = 0;
	for (unsigned i = 0; i < n; i++) {
		char header[256], when[40];
		struct timeval tv;
		struct tm tm;
		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		size_t w = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(when + w, sizeof(when) - w, ".%06ldZ", (long)tv.tv_usec);
		/* facility local0 (16); MSGID alert; the EVE record is the message */
		int h = snprintf(header, sizeof(header), "<%u>1 %s %s vigil - alert - ",
				 16 * 8 + sink_syslog_severity(records[i]), when, s->hostname);
		size_t len = (size_t)h + strlen(records[i]);
		char frame[32];
		int f = snprintf(frame, sizeof(frame), "%zu ", len);
		if (sink_write(s, frame, (size_t)f) < 0 || sink_write(s, header, (size_t)h) < 0 ||
		    sink_write(s, records[i], strlen(records[i])) < 0)
			return done ? done : -EIO;
		done++;
	}
	return done;
}

/* ---- webhook: HTTPS POST of a JSON batch ---- */

static int sink_webhook_target(struct sink *s, const char *target, char *why, size_t why_len)
{
	const char *prefix = "https://";
	if (strncmp(target, prefix, strlen(prefix)) != 0) {
		snprintf(why, why_len, "\"%s\" is not an https:// URL", target);
		return -EINVAL;
	}
	const char *hostport = target + strlen(prefix);
	const char *slash = strchr(hostport, '/');
	char buf[96];
	size_t len = slash ? (size_t)(slash - hostport) : strlen(hostport);
	if (len >= sizeof(buf)) {
		snprintf(why, why_len, "\"%s\": address too long", target);
		return -EINVAL;
	}
	memcpy(buf, hostport, len);
	buf[len] = '\0';
	if (!strrchr(buf, ':') || strrchr(buf, ']') > strrchr(buf, ':'))
		strcat(buf, ":443");
	snprintf(s->path, sizeof(s->path), "%s", slash ? slash : "/");
	return sink_parse_hostport(s, buf, why, why_len);
}

/* Read the response head; returns the HTTP status or a negative error. */
static int sink_http_status(struct sink *s)
{
	char head[2048];
	size_t n = 0;
	struct timeval start, now;
	gettimeofday(&start, NULL);
	while (n + 1 < sizeof(head)) {
		int rc = mbedtls_ssl_read(&s->ssl, (unsigned char *)head + n, sizeof(head) - 1 - n);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
			gettimeofday(&now, NULL);
			if ((now.tv_sec - start.tv_sec) * 1000 > SINK_IO_TIMEOUT_MS)
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
	unsigned status;
	if (sscanf(head, "HTTP/%*u.%*u %u", &status) != 1)
		return -EPROTO;
	return (int)status;
}

/* The Slack-compatible summary: how many, and the first few signatures. */
static void sink_webhook_text(char **records, unsigned n, struct json_out *j)
{
	char text[1024];
	size_t len =
	    (size_t)snprintf(text, sizeof(text), "vigil: %u alert%s", n, n == 1 ? "" : "s");
	for (unsigned i = 0; i < n && i < 5 && len < sizeof(text); i++) {
		char sig[128] = "?";
		const char *p = strstr(records[i], "\"signature\":\"");
		if (p) {
			p += 13;
			size_t k = 0;
			while (p[k] && p[k] != '"' && k + 1 < sizeof(sig))
				k++;
			memcpy(sig, p, k);
			sig[k] = '\0';
		}
		len +=
		    (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", i ? "; " : ": ", sig);
	}
	if (n > 5 && len < sizeof(text))
		snprintf(text + len, sizeof(text) - len, "; ...");
	json_key(j, "text");
	json_string(j, text);
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
	if (body.failed) {
		json_free(&body);
		return -ENOMEM;
	}
	char head[512];
	int h =
	    snprintf(head, sizeof(head),
		     "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: vigil\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n",
		     s->path, s->config.server_name ? s->config.server_name : s->host, body.len);
	int rc = sink_write(s, head, (size_t)h);
	if (rc == 0)
		rc = sink_write(s, body.text, body.len);
	json_free(&body);
	int status = rc == 0 ? sink_http_status(s) : rc;
	/* One request per connection: simple, and servers that close are the norm. */
	sink_close(s);
	if (status < 200 || status > 299) {
		char what[64];
		snprintf(what, sizeof(what), status > 0 ? "HTTP status %d" : "no HTTP answer (%d)",
			 status);
		sink_error(s, what, 0);
		return -EIO;
	}
	return (int)n;
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
	unsigned attempts = 0, backoff = SINK_BACKOFF_MS;
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
		int done = sink_open(s) == 0 ? s->kind->deliver(s, batch, n) : -EIO;
		if (done > 0) {
			sink_pop(s, (unsigned)done, true);
			attempts = 0;
			backoff = SINK_BACKOFF_MS;
			continue;
		}
		sink_close(s);
		if (++attempts >= SINK_RETRIES) {
			sink_pop(s, n, false);
			attempts = 0;
		}
		if (sink_stopping(s))
			break;
		sink_sleep_ms(s, backoff);
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
	int rc = mbedtls_x509_crt_parse_file(&s->ca, s->config.ca);
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
	snprintf(s->status.target, sizeof(s->status.target), "%s", config->target);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	mbedtls_x509_crt_init(&s->ca);
	mbedtls_x509_crt_init(&s->cert);
	mbedtls_pk_init(&s->key);
	mbedtls_entropy_init(&s->entropy);
	mbedtls_ctr_drbg_init(&s->drbg);
	mbedtls_ssl_config_init(&s->tls);
	char why[160];
	s->queue = calloc(s->config.queue_len, sizeof(*s->queue));
	if (!s->queue) {
		snprintf(err, err_len, "[alerts] %s: out of memory", kind->name);
	} else if (kind->parse_target(s, config->target, why, sizeof(why)) < 0) {
		snprintf(err, err_len, "[alerts] %s: %s", kind->name, why);
	} else if (!config->ca || !config->ca[0]) {
		snprintf(err, err_len, "[alerts] %s_ca: missing (the server must be verified)",
			 kind->name);
	} else if (sink_tls_setup(s, err, err_len) == 0 &&
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
	json_key(j, "connects");
	json_printf(j, "%llu", (unsigned long long)st->connects);
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
