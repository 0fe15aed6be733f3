/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigilctl: the operator's client for the vigil console. It opens a
 * mutual-TLS session (TLS 1.2, the same ECDHE + AEAD suites as the
 * appliance) to the management address with the operator's certificate,
 * sends one request and prints the answer: the human text by default, the
 * raw JSON with --json. A word "@FILE" sends FILE's bytes as the request's
 * payload (e.g. `vigilctl ... rules load @local.rules`).
 *
 *   vigilctl --host ADDR [--port 8443] [--name NAME] --cert CRT --key KEY
 *            --ca CA [--json] [--timeout S] COMMAND [ARG ...]
 *
 * --name is the name the appliance's certificate must carry (default: the
 * host as given). Each option may come from the environment instead:
 * VIGILCTL_HOST, VIGILCTL_PORT, VIGILCTL_NAME, VIGILCTL_CERT, VIGILCTL_KEY,
 * VIGILCTL_CA.
 *
 * Exits 0 when the appliance answers ok, 1 when it refuses (the reason
 * on stderr), 2 on a usage, connection or TLS error.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "control/console_proto.h"
#include "platform/array.h"

#define VIGILCTL_ANSWER_MAX (64u << 20)

struct vigilctl_options {
	const char *host, *port, *name, *cert, *key, *ca;
	bool json;
	unsigned timeout_s;
	char **words;
	int word_count;
};

struct vigilctl_tls {
	mbedtls_net_context net;
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca, cert;
	mbedtls_pk_context key;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

static void vigilctl_usage(void)
{
	fprintf(stderr,
		"usage: vigilctl --host ADDR [--port 8443] [--name NAME] --cert CRT "
		"--key KEY --ca CA [--json] [--timeout S] COMMAND [ARG ...]\n"
		"       (or VIGILCTL_HOST, _PORT, _NAME, _CERT, _KEY, _CA in the environment)\n"
		"       a word @FILE sends FILE as the request's payload\n"
		"       vigilctl ... help   lists the appliance's commands\n");
	exit(2);
}

static void vigilctl_die(const char *what, int rc)
{
	char why[160];
	mbedtls_strerror(rc, why, sizeof(why));
	fprintf(stderr, "vigilctl: %s: %s\n", what, why);
	exit(2);
}

static void vigilctl_parse(int argc, char **argv, struct vigilctl_options *o)
{
	static const struct option longs[] = {
	    {"host", required_argument, NULL, 'h'},
	    {"port", required_argument, NULL, 'p'},
	    {"name", required_argument, NULL, 'n'},
	    {"cert", required_argument, NULL, 'c'},
	    {"key", required_argument, NULL, 'k'},
	    {"ca", required_argument, NULL, 'a'},
	    {"json", no_argument, NULL, 'j'},
	    {"timeout", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	*o = (struct vigilctl_options){
	    .host = getenv("VIGILCTL_HOST"),
	    .port = getenv("VIGILCTL_PORT") ? getenv("VIGILCTL_PORT") : "8443",
	    .name = getenv("VIGILCTL_NAME"),
	    .cert = getenv("VIGILCTL_CERT"),
	    .key = getenv("VIGILCTL_KEY"),
	    .ca = getenv("VIGILCTL_CA"),
	    .timeout_s = 120,
	};
	int c;
	while ((c = getopt_long(argc, argv, "+", longs, NULL)) != -1) {
		switch (c) {
		case 'h':
			o->host = optarg;
			break;
		case 'p':
			o->port = optarg;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'c':
			o->cert = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'a':
			o->ca = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 't':
			o->timeout_s = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			vigilctl_usage();
		}
	}
	if (!o->host || !o->cert || !o->key || !o->ca || optind >= argc)
		vigilctl_usage();
	if (!o->name)
		o->name = o->host;
	o->words = argv + optind;
	o->word_count = argc - optind;
}

static uint8_t *vigilctl_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "vigilctl: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	uint8_t *data = NULL;
	size_t cap = 0, n = 0, got;
	int nomem;
	while ((nomem = ARRAY_GROW(data, n, cap, 1 << 16)) == 0 &&
	       (got = fread(data + n, 1, cap - n, f)) > 0)
		n += got;
	fclose(f);
	if (nomem || n > CONSOLE_MAX_PAYLOAD) {
		fprintf(stderr, "vigilctl: %s: too large (at most %u bytes)\n", path,
			CONSOLE_MAX_PAYLOAD);
		exit(2);
	}
	*len = n;
	return data;
}

/* A word as the protocol wants it: quoted when it holds spaces, quotes or backslashes. */
static void vigilctl_append_word(char *line, size_t cap, const char *word)
{
	size_t n = strlen(line);
	if (n)
		line[n++] = ' ';
	bool quote = word[0] == '\0' || strpbrk(word, " \t\"\\") != NULL;
	if (quote && n < cap)
		line[n++] = '"';
	for (const char *c = word; *c && n + 3 < cap; c++) {
		if (quote && (*c == '"' || *c == '\\'))
			line[n++] = '\\';
		line[n++] = *c;
	}
	if (quote && n < cap)
		line[n++] = '"';
	line[n < cap ? n : cap - 1] = '\0';
}

/* The request line and its payload (from the one @FILE word, if any). */
static void vigilctl_request(const struct vigilctl_options *o, char *line, size_t cap,
			     uint8_t **payload, size_t *payload_len)
{
	line[0] = '\0';
	*payload = NULL;
	*payload_len = 0;
	for (int i = 0; i < o->word_count; i++) {
		const char *w = o->words[i];
		if (w[0] == '@' && w[1]) {
			if (*payload) {
				fprintf(stderr, "vigilctl: only one @FILE per request\n");
				exit(2);
			}
			*payload = vigilctl_read_file(w + 1, payload_len);
			const char *base = strrchr(w + 1, '/');
			vigilctl_append_word(line, cap, base ? base + 1 : w + 1);
			continue;
		}
		vigilctl_append_word(line, cap, w);
	}
	if (*payload) {
		char size[32];
		snprintf(size, sizeof(size), "<%zu", *payload_len);
		vigilctl_append_word(line, cap, size);
	}
	if (strlen(line) + 2 >= CONSOLE_MAX_LINE) {
		fprintf(stderr, "vigilctl: request too long\n");
		exit(2);
	}
	strcat(line, "\n");
}

static void vigilctl_connect(struct vigilctl_tls *t, const struct vigilctl_options *o)
{
	static const char personal[] = "vigilctl";
	int rc;
	mbedtls_net_init(&t->net);
	mbedtls_ssl_init(&t->ssl);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_x509_crt_init(&t->cert);
	mbedtls_pk_init(&t->key);
	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	if ((rc = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
					(const unsigned char *)personal, sizeof(personal) - 1)))
		vigilctl_die("random generator", rc);
	if ((rc = mbedtls_x509_crt_parse_file(&t->ca, o->ca)))
		vigilctl_die(o->ca, rc);
	if ((rc = mbedtls_x509_crt_parse_file(&t->cert, o->cert)))
		vigilctl_die(o->cert, rc);
	if ((rc = mbedtls_pk_parse_keyfile(&t->key, o->key, NULL)))
		vigilctl_die(o->key, rc);
	if ((rc = mbedtls_net_connect(&t->net, o->host, o->port, MBEDTLS_NET_PROTO_TCP)))
		vigilctl_die(o->host, rc);
	struct timeval tv = {.tv_sec = o->timeout_s};
	setsockopt(t->net.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(t->net.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((rc = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
					      MBEDTLS_SSL_TRANSPORT_STREAM,
					      MBEDTLS_SSL_PRESET_DEFAULT)))
		vigilctl_die("TLS set-up", rc);
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&t->conf, console_tls_ciphersuites);
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
	if ((rc = mbedtls_ssl_conf_own_cert(&t->conf, &t->cert, &t->key)))
		vigilctl_die("own certificate", rc);
	if ((rc = mbedtls_ssl_setup(&t->ssl, &t->conf)))
		vigilctl_die("TLS set-up", rc);
	/* The appliance's certificate must carry this name (mbedTLS 2.28 matches DNS
	 * names and the CN, not IP address entries). */
	if ((rc = mbedtls_ssl_set_hostname(&t->ssl, o->name)))
		vigilctl_die("TLS set-up", rc);
	mbedtls_ssl_set_bio(&t->ssl, &t->net, mbedtls_net_send, mbedtls_net_recv, NULL);
	while ((rc = mbedtls_ssl_handshake(&t->ssl)) != 0)
		if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			vigilctl_die("TLS handshake", rc);
}

static void vigilctl_write(struct vigilctl_tls *t, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (len) {
		int rc = mbedtls_ssl_write(&t->ssl, p, len);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc <= 0)
			vigilctl_die("send", rc);
		p += rc;
		len -= (size_t)rc;
	}
}

/* What was read from the session and not yet handed out as a line. */
struct vigilctl_reader {
	char *buf;
	size_t len, cap;
};

/* The next line from the appliance (without LF, NUL-terminated, valid until the next call). */
static char *vigilctl_read_line(struct vigilctl_tls *t, struct vigilctl_reader *r)
{
	static size_t consumed;
	if (consumed) { /* drop the line handed out last time */
		memmove(r->buf, r->buf + consumed, r->len - consumed);
		r->len -= consumed;
		consumed = 0;
	}
	while (true) {
		char *lf = r->buf ? memchr(r->buf, '\n', r->len) : NULL;
		if (lf) {
			*lf = '\0';
			consumed = (size_t)(lf - r->buf) + 1;
			return r->buf;
		}
		/* room for one more byte than held, and the NUL after it */
		if (r->len + 1 >= r->cap &&
		    (r->cap >= VIGILCTL_ANSWER_MAX ||
		     ARRAY_RESERVE(r->buf, r->len + 2, r->cap, 1 << 16) < 0))
			break;
		int rc = mbedtls_ssl_read(&t->ssl, (unsigned char *)r->buf + r->len,
					  r->cap - r->len - 1);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc <= 0) {
			if (r->len == 0)
				vigilctl_die("no answer", rc ? rc : MBEDTLS_ERR_SSL_CONN_EOF);
			break;
		}
		r->len += (size_t)rc;
	}
	fprintf(stderr, "vigilctl: the answer was cut off\n");
	exit(2);
}

/* The answer: progress lines (no "ok" member) go to stderr until it comes. */
static char *vigilctl_read_answer(struct vigilctl_tls *t, bool quiet)
{
	static struct vigilctl_reader reader;
	while (true) {
		char *line = vigilctl_read_line(t, &reader);
		if (json_find_bool(line, "ok") >= 0)
			return strdup(line);
		char what[256];
		if (!quiet && json_find_string(line, "progress", what, sizeof(what)) == 0)
			fprintf(stderr, "vigilctl: %s\n", what);
	}
}

int main(int argc, char **argv)
{
	struct vigilctl_options o;
	vigilctl_parse(argc, argv, &o);
	char line[CONSOLE_MAX_LINE + 2];
	uint8_t *payload;
	size_t payload_len;
	vigilctl_request(&o, line, sizeof(line), &payload, &payload_len);

	struct vigilctl_tls t;
	vigilctl_connect(&t, &o);
	vigilctl_write(&t, line, strlen(line));
	if (payload)
		vigilctl_write(&t, payload, payload_len);
	char *answer = vigilctl_read_answer(&t, o.json);
	mbedtls_ssl_close_notify(&t.ssl);
	mbedtls_net_free(&t.net);

	int ok = json_find_bool(answer, "ok");
	if (o.json) {
		printf("%s\n", answer);
	} else {
		size_t cap = strlen(answer) + 1;
		char *text = malloc(cap);
		if (text && json_find_string(answer, "text", text, cap) == 0)
			fputs(text, stdout);
		if (ok != 1 && text && json_find_string(answer, "error", text, cap) == 0)
			fprintf(stderr, "vigilctl: error: %s\n", text);
		free(text);
	}
	free(answer);
	free(payload);
	return ok == 1 ? 0 : 1;
}
