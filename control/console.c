/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console's TLS server over lwIP netconns: an acceptor thread, one
 * thread per session (TLS handshake, client certificate, role, request
 * lines and payloads), and the hand-over of each request to the control
 * lcore (console_poll). What a command does is control/console_commands.c's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "lwip/api.h"
#include "lwip/ip_addr.h"

#include "control/console.h"
#include "control/console_http.h"
#include "control/dashboard.h"
#include "control/metrics.h"
#include "control/threads.h"
#include "control/tls_netconn.h"
#include "platform/log.h"

#define CONSOLE_POLL_MS 500 /* a blocked read wakes this often to see a stop */
/* A handshake's read wakes this often, so a shed handshake lets go of its
 * thread and connection at once rather than half a second later. */
#define CONSOLE_HANDSHAKE_POLL_MS 100
#define CONSOLE_FAIL_SLOTS	  64 /* sources remembered for failed handshakes */
#define CONSOLE_MAX_SESSIONS	  16
#define CONSOLE_MAX_HANDSHAKES	  64
/* Threads alive at once: slots plus the shed and evicted ones still ending. */
#define CONSOLE_MAX_CONNS  (2 * (CONSOLE_MAX_SESSIONS + CONSOLE_MAX_HANDSHAKES))
#define CONSOLE_PROGRESS_S 1 /* a long request sends a progress line this often */

enum console_conn_state {
	CONSOLE_CONN_HANDSHAKE, /* holds a handshake slot */
	CONSOLE_CONN_SESSION,	/* authenticated: holds a session slot of its role */
};

/* Refusals of one source since its last audit summary. */
struct console_refusal_slot {
	struct console_refusal pending;
	uint64_t last_line_ms; /* its last summary; 0: none yet */
};

struct console_fail {
	char peer[64];
	unsigned count;
	unsigned abandoned; /* handshakes closed by the client, counted apart */
	time_t window_start;
	time_t blocked_until;
};

struct console_session {
	struct console *console;
	struct tls_netconn io; /* the session's connection */
	char peer[64];
	mbedtls_ssl_context ssl;
	char line[CONSOLE_MAX_LINE + 1];
	size_t line_len;
	size_t buffered_start, buffered_end; /* bytes after the line, already read */
	char buffered[CONSOLE_MAX_LINE + 1];

	/* Under the console's lock; the acceptor reads them to shed or evict. */
	enum console_conn_state state;
	enum console_role role;
	bool dropped; /* shed or evicted: its slot is given away, the thread ends */
	bool busy;    /* a request is being read or run: never evicted then */
	uint64_t started_ms, last_active_ms;
	/* The handshake's step (mbedTLS's state, higher is further) and when it
	 * last moved: a peer that keeps the handshake going is shed after those
	 * that stall (see console_shed_victim). */
	int handshake_step;
	uint64_t last_progress_ms;
	unsigned index; /* in console.conns */
};

struct console {
	struct console_config config;
	console_execute_fn execute;
	void *arg;

	mbedtls_x509_crt own_cert, ca;
	mbedtls_pk_context key;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config tls;

	struct netconn *listener;
	pthread_t acceptor;
	bool acceptor_started;
	volatile bool stopping;

	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t changed;
	struct console_call *pending;
	bool pending_done;
	char progress_note[160]; /* console_progress_note's, for the pending call */
	struct console_session *conns[CONSOLE_MAX_CONNS]; /* every session thread's */
	unsigned live_threads;
	unsigned handshaking;	   /* handshake slots taken */
	unsigned role_sessions[2]; /* session slots taken, by enum console_role */
	struct console_counters counters;
	struct console_fail fails[CONSOLE_FAIL_SLOTS];
	struct console_refusal_slot refusals[CONSOLE_REFUSAL_SOURCES];
	struct console_refusal_slot refusals_other; /* every source without a slot */
	console_refusal_fn refused;
};

static const char *const console_refusal_names[] = {
#define _(sym, name) name,
    foreach_console_refusal
#undef _
};

const char *console_refusal_name(enum console_refusal_reason reason)
{
	return reason < CONSOLE_REFUSAL_COUNT ? console_refusal_names[reason] : "?";
}

/* Monotonic milliseconds: deadlines must not move with the wall clock. */
static uint64_t console_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *console_role_name(enum console_role role)
{
	return role == CONSOLE_ROLE_ADMIN ? "admin" : "viewer";
}

static void console_tls_error(int rc, char *out, size_t out_len)
{
	mbedtls_strerror(rc, out, out_len);
}

/* ---- refusals, summarised for the audit log ---- */

/*
 * The slot of peer's refusals, under c->lock. A new source takes a slot
 * only when one has nothing to say and said it long enough ago: otherwise
 * a flood of new addresses (IPv6 has plenty) could write a line each.
 */
static struct console_refusal_slot *console_refusal_slot(struct console *c, const char *peer,
							 uint64_t now_ms)
{
	struct console_refusal_slot *free_slot = NULL;
	for (unsigned i = 0; i < CONSOLE_REFUSAL_SOURCES; i++) {
		struct console_refusal_slot *r = &c->refusals[i];
		if (r->pending.peer[0] && strcmp(r->pending.peer, peer) == 0)
			return r;
		if (!free_slot && r->pending.count == 0 &&
		    (r->last_line_ms == 0 ||
		     now_ms - r->last_line_ms >= CONSOLE_REFUSAL_INTERVAL_S * 1000ull))
			free_slot = r;
	}
	if (!free_slot)
		return &c->refusals_other;
	memset(free_slot, 0, sizeof(*free_slot));
	snprintf(free_slot->pending.peer, sizeof(free_slot->pending.peer), "%s", peer);
	return free_slot;
}

/* Count a refusal of peer for its next summary; c->lock held. */
static void console_refusal_locked(struct console *c, const char *peer,
				   enum console_refusal_reason reason, const char *detail)
{
	struct console_refusal_slot *r = console_refusal_slot(c, peer, console_now_ms());
	if (r == &c->refusals_other)
		snprintf(r->pending.peer, sizeof(r->pending.peer), "*");
	r->pending.count++;
	r->pending.by_reason[reason]++;
	snprintf(r->pending.last_error, sizeof(r->pending.last_error), "%s", detail ? detail : "");
}

static void console_refusal(struct console *c, const char *peer, enum console_refusal_reason reason,
			    const char *detail)
{
	pthread_mutex_lock(&c->lock);
	console_refusal_locked(c, peer, reason, detail);
	pthread_mutex_unlock(&c->lock);
}

/* Move the summaries that are due into out (room for CONSOLE_REFUSAL_SOURCES
 * + 1); c->lock held. Returns how many. */
static unsigned console_refusals_due(struct console *c, struct console_refusal *out)
{
	uint64_t now_ms = console_now_ms();
	unsigned n = 0;
	for (unsigned i = 0; i <= CONSOLE_REFUSAL_SOURCES; i++) {
		struct console_refusal_slot *r =
		    i < CONSOLE_REFUSAL_SOURCES ? &c->refusals[i] : &c->refusals_other;
		if (r->pending.count == 0 ||
		    (r->last_line_ms != 0 &&
		     now_ms - r->last_line_ms < CONSOLE_REFUSAL_INTERVAL_S * 1000ull))
			continue;
		out[n++] = r->pending;
		r->pending.count = 0;
		memset(r->pending.by_reason, 0, sizeof(r->pending.by_reason));
		r->pending.last_error[0] = '\0';
		r->last_line_ms = now_ms;
	}
	return n;
}

/* ---- failed handshakes per source ---- */

static struct console_fail *console_fail_slot(struct console *c, const char *peer, time_t now)
{
	struct console_fail *oldest = &c->fails[0];
	for (unsigned i = 0; i < CONSOLE_FAIL_SLOTS; i++) {
		struct console_fail *f = &c->fails[i];
		if (strcmp(f->peer, peer) == 0)
			return f;
		if (f->window_start < oldest->window_start && f->blocked_until < now)
			oldest = f;
	}
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->peer, sizeof(oldest->peer), "%s", peer);
	oldest->window_start = now;
	return oldest;
}

/* Failed handshakes of peer in the current window (0: none remembered). c->lock held. */
static unsigned console_fail_count(const struct console *c, const char *peer, time_t now)
{
	for (unsigned i = 0; i < CONSOLE_FAIL_SLOTS; i++)
		if (strcmp(c->fails[i].peer, peer) == 0)
			return now - c->fails[i].window_start < CONSOLE_FAIL_WINDOW_S
				   ? c->fails[i].count
				   : 0;
	return 0;
}

static bool console_blocked(struct console *c, const char *peer)
{
	time_t now = time(NULL);
	bool blocked = false;
	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < CONSOLE_FAIL_SLOTS; i++)
		if (strcmp(c->fails[i].peer, peer) == 0 && c->fails[i].blocked_until > now)
			blocked = true;
	if (blocked) {
		c->counters.refused_blocked++;
		console_refusal_locked(c, peer, CONSOLE_REFUSAL_BLOCKED, NULL);
	}
	pthread_mutex_unlock(&c->lock);
	return blocked;
}

/* Count a failed handshake; logs the first of a window and the block. */
static void console_record_failure(struct console *c, const char *peer,
				   enum console_refusal_reason reason, const char *why)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&c->lock);
	c->counters.handshake_failures++;
	if (reason == CONSOLE_REFUSAL_HANDSHAKE_TIMEOUT)
		c->counters.handshake_timeouts++;
	console_refusal_locked(c, peer, reason, why);
	struct console_fail *f = console_fail_slot(c, peer, now);
	if (now - f->window_start >= CONSOLE_FAIL_WINDOW_S) {
		f->window_start = now;
		f->count = 0;
		f->abandoned = 0;
	}
	if (reason == CONSOLE_REFUSAL_HANDSHAKE_ABANDONED) {
		c->counters.handshake_failures--; /* not a failure: counted apart */
		c->counters.handshakes_abandoned++;
		/* Past the allowance, each further one counts as a failure. */
		if (++f->abandoned <= CONSOLE_ABANDONS_TO_BLOCK) {
			pthread_mutex_unlock(&c->lock);
			return;
		}
	}
	unsigned count = ++f->count;
	if (count == CONSOLE_FAILS_TO_BLOCK)
		f->blocked_until = now + CONSOLE_BLOCK_S;
	pthread_mutex_unlock(&c->lock);
	if (count == 1)
		log_warning("console: TLS handshake from %s failed: %s", peer, why);
	if (count == CONSOLE_FAILS_TO_BLOCK)
		log_warning("console: %s blocked for %d s after %d failed handshakes", peer,
			    CONSOLE_BLOCK_S, CONSOLE_FAILS_TO_BLOCK);
}

/* The role from the certificate subject's OU; -ENOENT when it names none. */
static int console_role_of(const mbedtls_x509_crt *crt, enum console_role *role)
{
	for (const mbedtls_x509_name *n = &crt->subject; n; n = n->next) {
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_ORG_UNIT, &n->oid) != 0)
			continue;
		if (n->val.len == 5 && memcmp(n->val.p, "admin", 5) == 0) {
			*role = CONSOLE_ROLE_ADMIN;
			return 0;
		}
		if (n->val.len == 6 && memcmp(n->val.p, "viewer", 6) == 0) {
			*role = CONSOLE_ROLE_VIEWER;
			return 0;
		}
	}
	return -ENOENT;
}

/* Has s been shed or evicted (its slot given to another)? */
static bool console_session_dropped(struct console_session *s)
{
	pthread_mutex_lock(&s->console->lock);
	bool dropped = s->dropped;
	pthread_mutex_unlock(&s->console->lock);
	return dropped;
}

/*
 * Record how far s's handshake has come, for the acceptor's choice of whom
 * to shed; returns whether s has been shed meanwhile.
 */
static bool console_handshake_progress(struct console_session *s)
{
	pthread_mutex_lock(&s->console->lock);
	if (s->ssl.state > s->handshake_step) {
		s->handshake_step = s->ssl.state;
		s->last_progress_ms = console_now_ms();
	}
	bool dropped = s->dropped;
	pthread_mutex_unlock(&s->console->lock);
	return dropped;
}

/*
 * The TLS handshake, within the board's deadline from the connection's
 * arrival. Returns 0, -ETIMEDOUT (deadline or stop), -ECANCELED (shed for a
 * newer connection), -ECONNRESET (the client closed it cleanly: abandoned)
 * or -EPROTO (the TLS error, and the certificate's
 * faults, in why).
 */
static int console_handshake(struct console_session *s, char *why, size_t why_len)
{
	uint64_t deadline = s->started_ms + s->console->config.handshake_timeout_ms;
	int rc;
	while ((rc = mbedtls_ssl_handshake(&s->ssl)) != 0) {
		if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			break;
		if (console_handshake_progress(s)) {
			snprintf(why, why_len, "shed for a newer connection");
			return -ECANCELED;
		}
		if (s->console->stopping || console_now_ms() >= deadline) {
			snprintf(why, why_len, "%s",
				 s->console->stopping ? "stopping" : "timed out");
			return -ETIMEDOUT;
		}
	}
	if (rc == 0)
		return 0;
	console_tls_error(rc, why, why_len);
	if (rc == MBEDTLS_ERR_SSL_CONN_EOF)
		return -ECONNRESET;
	uint32_t flags = mbedtls_ssl_get_verify_result(&s->ssl);
	if (flags != 0 && flags != (uint32_t)-1) {
		size_t n = strlen(why);
		snprintf(why + n, why_len - n, " (client certificate: ");
		n = strlen(why);
		mbedtls_x509_crt_verify_info(why + n, why_len - n, "", flags);
		n = strlen(why);
		while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
			why[--n] = '\0';
		snprintf(why + n, why_len - n, ")");
	}
	return -EPROTO;
}

static int console_write_all(struct console_session *s, const char *data, size_t len)
{
	while (len) {
		int rc = mbedtls_ssl_write(&s->ssl, (const unsigned char *)data, len);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc <= 0)
			return -EIO;
		data += rc;
		len -= (size_t)rc;
	}
	return 0;
}

static int console_send_json(struct console_session *s, struct json_out *j)
{
	json_raw(j, "\n");
	if (j->failed)
		return -ENOMEM;
	return console_write_all(s, j->text, j->len);
}

static int console_send_error(struct console_session *s, const char *error)
{
	struct json_out j = {0};
	json_object_begin(&j);
	json_key(&j, "ok");
	json_raw(&j, "false");
	json_key(&j, "error");
	json_string(&j, error);
	json_object_end(&j);
	int rc = console_send_json(s, &j);
	json_free(&j);
	return rc;
}

/* The session is active now (for the idle time-out and the eviction order). */
static void console_session_touch(struct console_session *s, uint64_t *last_active_ms)
{
	*last_active_ms = console_now_ms();
	pthread_mutex_lock(&s->console->lock);
	s->last_active_ms = *last_active_ms;
	pthread_mutex_unlock(&s->console->lock);
}

static void console_session_busy(struct console_session *s, bool busy)
{
	pthread_mutex_lock(&s->console->lock);
	s->busy = busy;
	pthread_mutex_unlock(&s->console->lock);
}

/*
 * Read up to len bytes: first what an earlier line read left over, then
 * from TLS. Returns bytes, 0 at the end of the session, -ETIMEDOUT when
 * idle too long (the role's time-out) or evicted, -EIO on a TLS error.
 */
static int console_read(struct console_session *s, char *buf, size_t len, uint64_t *last_active_ms)
{
	if (s->buffered_start < s->buffered_end) {
		size_t n = s->buffered_end - s->buffered_start;
		if (n > len)
			n = len;
		memcpy(buf, s->buffered + s->buffered_start, n);
		s->buffered_start += n;
		return (int)n;
	}
	while (true) {
		int rc = mbedtls_ssl_read(&s->ssl, (unsigned char *)buf, len);
		if (rc > 0) {
			console_session_touch(s, last_active_ms);
			return rc;
		}
		if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
			return 0;
		if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			return -EIO;
		unsigned idle_s = s->role == CONSOLE_ROLE_ADMIN ? s->console->config.admin_idle_s
								: s->console->config.viewer_idle_s;
		if (s->console->stopping ||
		    console_now_ms() - *last_active_ms >= idle_s * 1000ull ||
		    console_session_dropped(s))
			return -ETIMEDOUT;
	}
}

/* One request line into s->line (without LF). Returns 1, 0 at the end, or a negative error. */
static int console_read_line(struct console_session *s, uint64_t *last_active_ms)
{
	s->line_len = 0;
	while (true) {
		char chunk[512];
		int n = console_read(s, chunk, sizeof(chunk), last_active_ms);
		if (n <= 0)
			return n;
		char *lf = memchr(chunk, '\n', (size_t)n);
		size_t take = lf ? (size_t)(lf - chunk) : (size_t)n;
		if (s->line_len + take > CONSOLE_MAX_LINE)
			return -E2BIG;
		memcpy(s->line + s->line_len, chunk, take);
		s->line_len += take;
		if (!lf)
			continue;
		/* What followed the LF (a payload's first bytes) is kept for the next read. */
		size_t rest = (size_t)n - take - 1;
		memcpy(s->buffered, lf + 1, rest);
		s->buffered_start = 0;
		s->buffered_end = rest;
		return 1;
	}
}

static int console_read_payload(struct console_session *s, uint8_t *payload, uint32_t len,
				uint64_t *last_active_ms)
{
	uint32_t got = 0;
	while (got < len) {
		size_t want = len - got > 16384 ? 16384 : len - got;
		int n = console_read(s, (char *)payload + got, want, last_active_ms);
		if (n <= 0)
			return n == 0 ? -EPIPE : n;
		got += (uint32_t)n;
	}
	return 0;
}

/* One progress line while a long request runs (no "ok": vigilctl tells them apart). */
static void console_send_progress(struct console_session *s, const struct console_request *r,
				  unsigned elapsed)
{
	struct json_out j = {0};
	char what[320];
	char note[sizeof(s->console->progress_note)];
	pthread_mutex_lock(&s->console->lock);
	snprintf(note, sizeof(note), "%s", s->console->progress_note);
	pthread_mutex_unlock(&s->console->lock);
	snprintf(what, sizeof(what), "%s%s%s: working (%u s)%s%s", r->argv[0],
		 r->argc > 1 ? " " : "", r->argc > 1 ? r->argv[1] : "", elapsed,
		 note[0] ? ": " : "", note);
	json_object_begin(&j);
	json_key(&j, "progress");
	json_string(&j, what);
	json_key(&j, "elapsed_s");
	json_printf(&j, "%u", elapsed);
	json_object_end(&j);
	console_send_json(s, &j);
	json_free(&j);
}

/* Hand the call to the control lcore and wait for its answer, reporting progress. */
static void console_submit(struct console_session *s, struct console_call *call)
{
	struct console *c = s->console;
	pthread_mutex_lock(&c->lock);
	while (c->pending && !c->stopping)
		pthread_cond_wait(&c->changed, &c->lock);
	if (c->stopping) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->pending = call;
	c->pending_done = false;
	c->progress_note[0] = '\0';
	unsigned elapsed = 0;
	while (!c->pending_done && !c->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += CONSOLE_PROGRESS_S;
		if (pthread_cond_timedwait(&c->changed, &c->lock, &until) == 0 || c->pending_done)
			continue;
		elapsed += CONSOLE_PROGRESS_S;
		pthread_mutex_unlock(&c->lock);
		console_send_progress(s, call->request, elapsed);
		pthread_mutex_lock(&c->lock);
	}
	c->pending = NULL;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
}

/* ---- HTTP on the console port (console_http.h) ---- */

/* Run the console command words on the control lcore, quietly (not one
 * audit record per dashboard refresh), its JSON answer into *answer. */
static void console_run_quiet(struct console_session *s, struct console_call *call,
			      const char *words, struct json_out *answer)
{
	struct console_request *request = malloc(sizeof(*request));
	if (!request || console_parse_line(words, strlen(words), request) != CONSOLE_PARSE_OK) {
		free(request);
		return;
	}
	call->request = request;
	call->payload = NULL;
	call->answer = answer;
	call->quiet = true;
	console_submit(s, call);
	call->quiet = false;
	free(request);
}

/* One answer: head, then the body unless the request was HEAD. */
static int console_http_send(struct console_session *s, const struct console_http_request *r,
			     int status, const char *type, const char *body, size_t len)
{
	char head[1024];
	int n = console_http_head(head, sizeof(head), status, type, len, r->close);
	if (n < 0 || console_write_all(s, head, (size_t)n) < 0)
		return -EIO;
	if (r->head || len == 0)
		return 0;
	return console_write_all(s, body, len);
}

static int console_http_error(struct console_session *s, const struct console_http_request *r,
			      int status)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, console_http_reason(status));
	return console_http_send(s, r, status, "text/plain; charset=utf-8", body, (size_t)n);
}

/* /metrics: the stats and status answers as OpenMetrics (metrics.h). */
static int console_http_metrics(struct console_session *s, struct console_call *call,
				const struct console_http_request *r)
{
	struct json_out stats = {0}, status = {0};
	console_run_quiet(s, call, "stats", &stats);
	console_run_quiet(s, call, "status", &status);
	char *text = NULL;
	size_t len = 0;
	int rc = -ENOMEM;
	FILE *f = open_memstream(&text, &len);
	if (f && stats.len && status.len && !stats.failed && !status.failed) {
		const char *docs[] = {stats.text, status.text};
		const size_t lens[] = {stats.len, status.len};
		rc = metrics_write(f, docs, lens, 2);
	}
	if (f)
		fclose(f);
	json_free(&stats);
	json_free(&status);
	rc = rc == 0 ? console_http_send(s, r, 200, METRICS_CONTENT_TYPE, text, len)
		     : console_http_error(s, r, 503);
	free(text);
	return rc;
}

/* The data routes: a console command's JSON answer as it is. */
static int console_http_json(struct console_session *s, struct console_call *call,
			     const struct console_http_request *r, const char *words)
{
	struct json_out answer = {0};
	console_run_quiet(s, call, words, &answer);
	if (answer.len == 0 || answer.failed) {
		json_free(&answer);
		return console_http_error(s, r, 503);
	}
	int rc = console_http_send(s, r, 200, "application/json", answer.text, answer.len);
	json_free(&answer);
	return rc;
}

static int console_http_answer(struct console_session *s, struct console_call *call,
			       const struct console_http_request *r)
{
	struct dashboard_file file;
	switch (r->route) {
	case CONSOLE_HTTP_DASHBOARD:
	case CONSOLE_HTTP_DASHBOARD_JS:
	case CONSOLE_HTTP_DASHBOARD_CSS:
		file = dashboard_file(r->route == CONSOLE_HTTP_DASHBOARD_JS    ? DASHBOARD_SCRIPT
				      : r->route == CONSOLE_HTTP_DASHBOARD_CSS ? DASHBOARD_STYLE
									       : DASHBOARD_INDEX);
		return console_http_send(s, r, 200, file.content_type, file.data, file.len);
	case CONSOLE_HTTP_METRICS:
		return console_http_metrics(s, call, r);
	case CONSOLE_HTTP_API_STATS:
		return console_http_json(s, call, r, "stats");
	case CONSOLE_HTTP_API_HISTORY:
		return console_http_json(s, call, r, "stats history");
	case CONSOLE_HTTP_API_RULES:
		return console_http_json(s, call, r, "rules history");
	case CONSOLE_HTTP_API_STATUS:
		return console_http_json(s, call, r, "status");
	case CONSOLE_HTTP_API_SINKS:
		return console_http_json(s, call, r, "sinks status");
	case CONSOLE_HTTP_NOT_FOUND:
	default:
		return console_http_error(s, r, 404);
	}
}

/*
 * Serve HTTP from the request line in s->line on: its headers, the
 * answer, and further requests on the same connection (keep-alive) until
 * the client closes, asks to, stays idle or sends something that is not
 * a request. Only GET and HEAD; a request body is refused.
 */
static void console_serve_http(struct console_session *s, struct console_call *call,
			       uint64_t *last_active_ms)
{
	while (!s->console->stopping) {
		struct console_http_request r;
		int status = console_http_parse_request_line(s->line, s->line_len, &r);
		unsigned headers = 0;
		while (true) {
			int rc = console_read_line(s, last_active_ms);
			if (rc <= 0)
				return;
			if (s->line_len == 0 || (s->line_len == 1 && s->line[0] == '\r'))
				break;
			if (++headers > CONSOLE_HTTP_MAX_HEADERS)
				status = 431;
			console_http_header(&r, s->line, s->line_len);
			if (s->line_len > 15 && strncasecmp(s->line, "content-length:", 15) == 0 &&
			    strtoul(s->line + 15, NULL, 10) > 0)
				status = 400; /* no request here carries a body */
		}
		pthread_mutex_lock(&s->console->lock);
		s->console->counters.http_requests++;
		if (status != 200 || r.route == CONSOLE_HTTP_NOT_FOUND)
			s->console->counters.http_refused++;
		pthread_mutex_unlock(&s->console->lock);
		if (status != 200) {
			r.close = true;
			console_http_error(s, &r, status);
			return;
		}
		if (console_http_answer(s, call, &r) < 0 || r.close)
			return;
		console_session_busy(s, false);
		int rc = console_read_line(s, last_active_ms);
		console_session_busy(s, true);
		if (rc <= 0 || !console_http_is_request(s->line, s->line_len))
			return;
	}
}

/* Serve requests until the client leaves, stays idle or the console stops. */
static void console_serve(struct console_session *s, struct console_call *call)
{
	uint64_t last_active_ms = console_now_ms();
	struct console_request *request = malloc(sizeof(*request));
	if (!request)
		return;
	while (!s->console->stopping) {
		console_session_busy(s, false);
		int rc = console_read_line(s, &last_active_ms);
		/* From the first byte of a request to its answer the session is
		 * busy: an admin arriving then waits for a slot rather than cutting
		 * a viewer's command in half. */
		console_session_busy(s, true);
		if (rc == -E2BIG) {
			console_send_error(s, console_parse_error_text(CONSOLE_PARSE_TOO_LONG));
			break;
		}
		if (rc <= 0)
			break;
		if (console_http_is_request(s->line, s->line_len)) {
			console_serve_http(s, call, &last_active_ms);
			break;
		}
		enum console_parse_error e = console_parse_line(s->line, s->line_len, request);
		if (e == CONSOLE_PARSE_EMPTY)
			continue;
		if (e != CONSOLE_PARSE_OK) {
			char why[128];
			snprintf(why, sizeof(why), "column %zu: %s", request->error_column,
				 console_parse_error_text(e));
			if (console_send_error(s, why) < 0)
				break;
			continue;
		}
		uint8_t *payload = NULL;
		if (request->has_payload) {
			payload = malloc(request->payload_len + 1);
			if (!payload || console_read_payload(s, payload, request->payload_len,
							     &last_active_ms) < 0) {
				free(payload);
				break;
			}
			payload[request->payload_len] = '\0';
		}
		struct json_out answer = {0};
		call->request = request;
		call->payload = payload;
		call->answer = &answer;
		console_submit(s, call);
		if (answer.len == 0)
			json_raw(&answer, "{\"ok\":false,\"error\":\"the appliance is stopping\"}");
		rc = console_send_json(s, &answer);
		json_free(&answer);
		free(payload);
		if (rc < 0)
			break;
	}
	free(request);
}

static void console_session_end(struct console_session *s)
{
	mbedtls_ssl_close_notify(&s->ssl);
	mbedtls_ssl_free(&s->ssl);
	tls_netconn_drop(&s->io);
	netconn_close(s->io.conn);
	netconn_delete(s->io.conn);
	struct console *c = s->console;
	pthread_mutex_lock(&c->lock);
	/* A dropped session's slot was handed on when it was dropped. */
	if (!s->dropped && s->state == CONSOLE_CONN_HANDSHAKE)
		c->handshaking--;
	else if (!s->dropped)
		c->role_sessions[s->role]--;
	c->conns[s->index] = NULL;
	c->live_threads--;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
	free(s);
}

/* The longest-idle viewer not running a request, or NULL; c->lock held. */
static struct console_session *console_idlest_viewer(struct console *c)
{
	struct console_session *idlest = NULL;
	for (unsigned i = 0; i < CONSOLE_MAX_CONNS; i++) {
		struct console_session *o = c->conns[i];
		if (!o || o->dropped || o->busy || o->state != CONSOLE_CONN_SESSION ||
		    o->role != CONSOLE_ROLE_VIEWER)
			continue;
		if (!idlest || o->last_active_ms < idlest->last_active_ms)
			idlest = o;
	}
	return idlest;
}

/*
 * Move s from its handshake slot to a session slot of role. A viewer never
 * takes the last free slot, which is kept for an admin; an admin who finds
 * none free evicts the longest-idle viewer. Returns 0, -ECANCELED when s
 * was shed meanwhile, -EBUSY when no slot can be had (s keeps nothing).
 */
static int console_session_claim(struct console_session *s, enum console_role role)
{
	struct console *c = s->console;
	int rc = 0;
	pthread_mutex_lock(&c->lock);
	if (s->dropped) {
		pthread_mutex_unlock(&c->lock);
		return -ECANCELED;
	}
	c->handshaking--;
	s->state = CONSOLE_CONN_SESSION;
	s->role = role;
	s->last_active_ms = console_now_ms();
	unsigned taken =
	    c->role_sessions[CONSOLE_ROLE_ADMIN] + c->role_sessions[CONSOLE_ROLE_VIEWER];
	unsigned limit = role == CONSOLE_ROLE_ADMIN ? c->config.sessions : c->config.sessions - 1;
	if (taken >= limit && role == CONSOLE_ROLE_ADMIN) {
		struct console_session *victim = console_idlest_viewer(c);
		if (victim) {
			victim->dropped = true;
			c->role_sessions[CONSOLE_ROLE_VIEWER]--;
			c->counters.viewers_evicted++;
			taken--;
			log_info("console: %s (viewer) closed after %llu ms idle: admin %s needs "
				 "the slot",
				 victim->peer,
				 (unsigned long long)(s->last_active_ms - victim->last_active_ms),
				 s->peer);
		}
	}
	if (taken >= limit) {
		/* Counted as dropped: the thread ends without a slot to give back. */
		s->dropped = true;
		c->counters.refused_busy++;
		console_refusal_locked(c, s->peer, CONSOLE_REFUSAL_BUSY, console_role_name(role));
		rc = -EBUSY;
	} else {
		c->role_sessions[role]++;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static void *console_session_main(void *arg)
{
	struct console_session *s = arg;
	struct console *c = s->console;
	char why[256];
	mbedtls_ssl_init(&s->ssl);
	netconn_set_recvtimeout(s->io.conn, CONSOLE_HANDSHAKE_POLL_MS);
	if (mbedtls_ssl_setup(&s->ssl, &c->tls) != 0) {
		console_session_end(s);
		return NULL;
	}
	mbedtls_ssl_set_bio(&s->ssl, &s->io, tls_netconn_send, tls_netconn_recv, NULL);
	int rc = console_handshake(s, why, sizeof(why));
	if (rc < 0) {
		/* A shed handshake counts towards the source's block too: a source
		 * that keeps the handshake slots full is flooding. */
		console_record_failure(c, s->peer,
				       rc == -ECANCELED	   ? CONSOLE_REFUSAL_HANDSHAKE_SHED
				       : rc == -ETIMEDOUT  ? CONSOLE_REFUSAL_HANDSHAKE_TIMEOUT
				       : rc == -ECONNRESET ? CONSOLE_REFUSAL_HANDSHAKE_ABANDONED
							   : CONSOLE_REFUSAL_HANDSHAKE_FAILED,
				       why);
		console_session_end(s);
		return NULL;
	}
	netconn_set_recvtimeout(s->io.conn, CONSOLE_POLL_MS);
	struct console_call call = {0};
	snprintf(call.peer, sizeof(call.peer), "%s", s->peer);
	const mbedtls_x509_crt *crt = mbedtls_ssl_get_peer_cert(&s->ssl);
	if (crt)
		mbedtls_x509_dn_gets(call.subject, sizeof(call.subject), &crt->subject);
	if (!crt || console_role_of(crt, &call.role) < 0) {
		pthread_mutex_lock(&c->lock);
		c->counters.refused_no_role++;
		console_refusal_locked(c, s->peer, CONSOLE_REFUSAL_NO_ROLE, call.subject);
		pthread_mutex_unlock(&c->lock);
		log_warning("console: %s (%s): certificate names no role (OU=admin or OU=viewer)",
			    s->peer, call.subject);
		console_send_error(s, "certificate names no role (OU=admin or OU=viewer)");
		console_session_end(s);
		return NULL;
	}
	rc = console_session_claim(s, call.role);
	if (rc == -ECANCELED)
		console_refusal(c, s->peer, CONSOLE_REFUSAL_HANDSHAKE_SHED, "shed at its end");
	if (rc == -EBUSY)
		console_send_error(s, call.role == CONSOLE_ROLE_ADMIN
					  ? "every console session is taken by an admin"
					  : "every console session a viewer may take is taken (one "
					    "is kept for an admin)");
	if (rc < 0) {
		console_session_end(s);
		return NULL;
	}
	pthread_mutex_lock(&c->lock);
	c->counters.sessions++;
	pthread_mutex_unlock(&c->lock);
	console_serve(s, &call);
	console_session_end(s);
	return NULL;
}

/* Was conn made to one of the management addresses (not a data port's own address)? */
static bool console_local_ok(const struct console *c, struct netconn *conn)
{
	ip_addr_t local;
	u16_t port;
	if (netconn_addr(conn, &local, &port) != ERR_OK)
		return false;
	if (IP_IS_V4(&local))
		return c->config.has_ipv4 &&
		       memcmp(&ip_2_ip4(&local)->addr, c->config.ipv4, 4) == 0;
	return c->config.has_ipv6 && memcmp(ip_2_ip6(&local)->addr, c->config.ipv6, 16) == 0;
}

/*
 * Should a be shed before b? The source holding more handshake slots goes
 * first, so that a lone operator is not shed while a flooding source holds
 * several; among equals, the source with more failed handshakes in the
 * window (a flood's sources fail, shed or timed out, again and again; an
 * operator whose ClientHello a busy machine has not read yet must not be
 * taken for one of them), then the handshake that has come less far (a silent
 * connection before one that sent its ClientHello), then the one stalled
 * longest. A flood from many addresses, each holding one slot and
 * reopened as fast as it is shed, thus never sheds an operator whose
 * handshake is moving: it would have to keep pace with the TLS exchange,
 * which costs the attacker a real handshake per slot.
 */
static bool console_shed_before(const struct console_session *a, unsigned a_share, unsigned a_fails,
				const struct console_session *b, unsigned b_share, unsigned b_fails)
{
	if (a_share != b_share)
		return a_share > b_share;
	if (a_fails != b_fails)
		return a_fails > b_fails;
	if (a->handshake_step != b->handshake_step)
		return a->handshake_step < b->handshake_step;
	return a->last_progress_ms < b->last_progress_ms;
}

/*
 * The handshake to drop for a newer connection (console_shed_before says
 * which). c->lock held; NULL when none holds a slot.
 */
static struct console_session *console_shed_victim(struct console *c)
{
	struct console_session *victim = NULL;
	unsigned victim_share = 0, victim_fails = 0;
	time_t now = time(NULL);
	for (unsigned i = 0; i < CONSOLE_MAX_CONNS; i++) {
		struct console_session *o = c->conns[i];
		if (!o || o->dropped || o->state != CONSOLE_CONN_HANDSHAKE)
			continue;
		unsigned share = 0;
		for (unsigned k = 0; k < CONSOLE_MAX_CONNS; k++) {
			struct console_session *p = c->conns[k];
			share += p && !p->dropped && p->state == CONSOLE_CONN_HANDSHAKE &&
				 strcmp(p->peer, o->peer) == 0;
		}
		unsigned fails = console_fail_count(c, o->peer, now);
		if (!victim ||
		    console_shed_before(o, share, fails, victim, victim_share, victim_fails)) {
			victim = o;
			victim_share = share;
			victim_fails = fails;
		}
	}
	return victim;
}

/*
 * A handshake slot and a table entry for a new session from peer, shedding
 * a handshake when every slot is taken; c->lock held. Returns the session
 * (owned by the table until its thread ends) or NULL (no memory, or every
 * entry held by threads still ending).
 */
static struct console_session *console_session_new(struct console *c, const char *peer)
{
	unsigned index = 0;
	while (index < CONSOLE_MAX_CONNS && c->conns[index])
		index++;
	if (index == CONSOLE_MAX_CONNS)
		return NULL;
	struct console_session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (c->handshaking >= c->config.handshakes) {
		struct console_session *victim = console_shed_victim(c);
		if (victim) {
			victim->dropped = true;
			c->handshaking--;
			c->counters.handshakes_shed++;
		}
	}
	s->console = c;
	s->state = CONSOLE_CONN_HANDSHAKE;
	s->started_ms = console_now_ms();
	/* Until its thread has run, a connection counts as waiting for its
	 * ClientHello since it arrived, like one whose thread has. */
	s->handshake_step = MBEDTLS_SSL_CLIENT_HELLO;
	s->last_progress_ms = s->started_ms;
	s->index = index;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	c->conns[index] = s;
	c->handshaking++;
	c->live_threads++;
	return s;
}

/* Start a session thread for conn, or refuse it (blocked source, no room). */
static void console_admit(struct console *c, struct netconn *conn)
{
	ip_addr_t addr;
	u16_t port;
	char peer[64] = "?";
	if (netconn_peer(conn, &addr, &port) == ERR_OK)
		ipaddr_ntoa_r(&addr, peer, sizeof(peer));
	if (!console_local_ok(c, conn)) {
		pthread_mutex_lock(&c->lock);
		c->counters.refused_not_management++;
		pthread_mutex_unlock(&c->lock);
		netconn_close(conn);
		netconn_delete(conn);
		return;
	}
	struct console_session *s = NULL;
	if (!console_blocked(c, peer)) {
		pthread_mutex_lock(&c->lock);
		s = console_session_new(c, peer);
		if (!s) {
			c->counters.refused_busy++;
			console_refusal_locked(c, peer, CONSOLE_REFUSAL_BUSY, "handshake");
		}
		pthread_mutex_unlock(&c->lock);
	}
	if (s) {
		s->io.conn = conn;
		pthread_t thread;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		int rc = pthread_create(&thread, &attr, console_session_main, s);
		pthread_attr_destroy(&attr);
		if (rc == 0)
			return;
		s->io.conn = NULL;
		pthread_mutex_lock(&c->lock);
		if (!s->dropped)
			c->handshaking--;
		c->conns[s->index] = NULL;
		c->live_threads--;
		pthread_mutex_unlock(&c->lock);
		free(s);
	}
	netconn_close(conn);
	netconn_delete(conn);
}

static void *console_acceptor_main(void *arg)
{
	struct console *c = arg;
	while (!c->stopping) {
		struct netconn *conn;
		err_t e = netconn_accept(c->listener, &conn);
		if (e == ERR_TIMEOUT)
			continue;
		if (e != ERR_OK)
			break;
		if (c->stopping) {
			netconn_close(conn);
			netconn_delete(conn);
			break;
		}
		console_admit(c, conn);
	}
	return NULL;
}

static int console_load_credentials(struct console *c, char *err, size_t err_len)
{
	char why[160];
	int rc = mbedtls_x509_crt_parse_file(&c->own_cert, c->config.cert);
	if (rc != 0) {
		console_tls_error(rc, why, sizeof(why));
		snprintf(err, err_len, "console certificate %s: %s", c->config.cert, why);
		return -EINVAL;
	}
	rc = mbedtls_pk_parse_keyfile(&c->key, c->config.key, NULL);
	if (rc != 0) {
		console_tls_error(rc, why, sizeof(why));
		snprintf(err, err_len, "console key %s: %s", c->config.key, why);
		return -EINVAL;
	}
	rc = mbedtls_x509_crt_parse_file(&c->ca, c->config.ca);
	if (rc != 0) {
		console_tls_error(rc, why, sizeof(why));
		snprintf(err, err_len, "operator CA %s: %s", c->config.ca, why);
		return -EINVAL;
	}
	return 0;
}

static int console_tls_setup(struct console *c, char *err, size_t err_len)
{
	static const char personal[] = "vigil console";
	char why[160];
	int rc = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy,
				       (const unsigned char *)personal, sizeof(personal) - 1);
	if (rc == 0)
		rc = mbedtls_ssl_config_defaults(&c->tls, MBEDTLS_SSL_IS_SERVER,
						 MBEDTLS_SSL_TRANSPORT_STREAM,
						 MBEDTLS_SSL_PRESET_DEFAULT);
	if (rc == 0) {
		mbedtls_ssl_conf_rng(&c->tls, mbedtls_ctr_drbg_random, &c->drbg);
		mbedtls_ssl_conf_min_version(&c->tls, MBEDTLS_SSL_MAJOR_VERSION_3,
					     MBEDTLS_SSL_MINOR_VERSION_3);
		mbedtls_ssl_conf_max_version(&c->tls, MBEDTLS_SSL_MAJOR_VERSION_3,
					     MBEDTLS_SSL_MINOR_VERSION_3);
		mbedtls_ssl_conf_ciphersuites(&c->tls, console_tls_ciphersuites);
		mbedtls_ssl_conf_authmode(&c->tls, MBEDTLS_SSL_VERIFY_REQUIRED);
		mbedtls_ssl_conf_ca_chain(&c->tls, &c->ca, NULL);
		mbedtls_ssl_conf_renegotiation(&c->tls, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
		rc = mbedtls_ssl_conf_own_cert(&c->tls, &c->own_cert, &c->key);
	}
	if (rc != 0) {
		console_tls_error(rc, why, sizeof(why));
		snprintf(err, err_len, "console TLS set-up: %s", why);
		return -EINVAL;
	}
	return 0;
}

static int console_listen(struct console *c, char *err, size_t err_len)
{
	c->listener = netconn_new(NETCONN_TCP_IPV6);
	if (!c->listener) {
		snprintf(err, err_len, "console: no netconn");
		return -ENOMEM;
	}
	/* Dual stack: the IPv6 "any" address also takes IPv4 (lwIP's IPADDR_TYPE_ANY). */
	err_t e = netconn_bind(c->listener, IP_ANY_TYPE, c->config.port);
	if (e == ERR_OK)
		e = netconn_listen(c->listener);
	if (e != ERR_OK) {
		snprintf(err, err_len, "console: cannot listen on port %u: %s", c->config.port,
			 lwip_strerr(e));
		return -EADDRINUSE;
	}
	netconn_set_recvtimeout(c->listener, CONSOLE_POLL_MS);
	return 0;
}

static void console_free(struct console *c)
{
	if (c->listener)
		netconn_delete(c->listener);
	mbedtls_ssl_config_free(&c->tls);
	mbedtls_ctr_drbg_free(&c->drbg);
	mbedtls_entropy_free(&c->entropy);
	mbedtls_pk_free(&c->key);
	mbedtls_x509_crt_free(&c->ca);
	mbedtls_x509_crt_free(&c->own_cert);
	pthread_cond_destroy(&c->changed);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

struct console *console_start(const struct console_config *config, console_execute_fn execute,
			      console_refusal_fn refused, void *arg, char *err, size_t err_len)
{
	struct console *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, err_len, "console: out of memory");
		return NULL;
	}
	c->config = *config;
	if (c->config.sessions == 0 || c->config.sessions > CONSOLE_MAX_SESSIONS)
		c->config.sessions = 4;
	/* One slot is kept for an admin: at least two, so a viewer gets one. */
	if (c->config.sessions < 2)
		c->config.sessions = 2;
	if (c->config.handshakes == 0 || c->config.handshakes > CONSOLE_MAX_HANDSHAKES)
		c->config.handshakes = 8;
	if (c->config.handshake_timeout_ms == 0)
		c->config.handshake_timeout_ms = 3000;
	if (c->config.admin_idle_s == 0)
		c->config.admin_idle_s = 300;
	if (c->config.viewer_idle_s == 0)
		c->config.viewer_idle_s = 60;
	c->execute = execute;
	c->refused = refused;
	c->arg = arg;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->changed, NULL);
	mbedtls_x509_crt_init(&c->own_cert);
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_pk_init(&c->key);
	mbedtls_entropy_init(&c->entropy);
	mbedtls_ctr_drbg_init(&c->drbg);
	mbedtls_ssl_config_init(&c->tls);
	if (console_load_credentials(c, err, err_len) < 0 ||
	    console_tls_setup(c, err, err_len) < 0 || console_listen(c, err, err_len) < 0) {
		console_free(c);
		return NULL;
	}
	if (pthread_create(&c->acceptor, NULL, console_acceptor_main, c) != 0) {
		snprintf(err, err_len, "console: cannot start the acceptor thread");
		console_free(c);
		return NULL;
	}
	c->acceptor_started = true;
	return c;
}

void console_poll(struct console *c)
{
	struct console_refusal due[CONSOLE_REFUSAL_SOURCES + 1];
	if (pthread_mutex_trylock(&c->lock) != 0)
		return;
	struct console_call *call = c->pending && !c->pending_done ? c->pending : NULL;
	unsigned n_due = c->refused ? console_refusals_due(c, due) : 0;
	pthread_mutex_unlock(&c->lock);
	for (unsigned i = 0; i < n_due; i++)
		c->refused(c->arg, &due[i]);
	if (!call)
		return;
	/* Only this lcore executes, and the session waits: no lock needed while it runs. */
	if (!c->execute(c->arg, call))
		return; /* still running: asked again on the next pass */
	pthread_mutex_lock(&c->lock);
	c->counters.requests++;
	c->pending_done = true;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
}

void console_progress_note(struct console *c, const char *text)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	snprintf(c->progress_note, sizeof(c->progress_note), "%s", text);
	pthread_mutex_unlock(&c->lock);
}

void console_counters_read(struct console *c, struct console_counters *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->counters;
	pthread_mutex_unlock(&c->lock);
}

void console_stop(struct console *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
	if (c->acceptor_started)
		pthread_join(c->acceptor, NULL);
	/* Sessions notice the stop within CONSOLE_POLL_MS; wait a little for them. */
	if (threads_wait_gone(&c->lock, &c->changed, &c->live_threads, 3))
		console_free(c); /* otherwise a session still holds it: left to process exit */
}
