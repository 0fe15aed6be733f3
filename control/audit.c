/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Audit records as JSON lines in an append-only file, and the tail of
 * that file read back for the console. Reading goes from the end of the
 * file, so a long history costs nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "control/audit.h"

#define AUDIT_TAIL_BYTES (1u << 20) /* the tail is looked for in the last MiB */

static int audit_open_file(const char *path, FILE **out)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	*out = fdopen(fd, "a");
	if (!*out) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return 0;
}

int audit_open(struct audit *audit, const char *path)
{
	memset(audit, 0, sizeof(*audit));
	int rc = audit_open_file(path, &audit->file);
	if (rc < 0)
		return rc;
	snprintf(audit->path, sizeof(audit->path), "%s", path);
	return 0;
}

int audit_reopen(struct audit *audit)
{
	if (!audit->file)
		return -EBADF;
	FILE *fresh;
	int rc = audit_open_file(audit->path, &fresh);
	if (rc < 0)
		return rc;
	fclose(audit->file);
	audit->file = fresh;
	return 0;
}

static void audit_timestamp(char *out, size_t len)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, len - n, ".%06ldZ", (long)tv.tv_usec);
}

/* An audit line's opening: the object and its timestamp. */
static void audit_line_begin(struct json_out *j)
{
	char when[48];
	audit_timestamp(when, sizeof(when));
	json_object_begin(j);
	json_key(j, "timestamp");
	json_string(j, when);
}

/* Close the line, write it whole and flushed, count it (or its failure). */
static void audit_line_end(struct audit *audit, struct json_out *j)
{
	json_object_end(j);
	if (j->failed || fprintf(audit->file, "%s\n", j->text) < 0 || fflush(audit->file) != 0)
		audit->write_errors++;
	else
		audit->records++;
	json_free(j);
}

void audit_record(struct audit *audit, const char *subject, const char *role, const char *peer,
		  const struct console_request *request, const char *error)
{
	if (!audit->file)
		return;
	struct json_out j = {0};
	audit_line_begin(&j);
	json_key(&j, "subject");
	json_string(&j, subject);
	json_key(&j, "role");
	json_string(&j, role);
	json_key(&j, "peer");
	json_string(&j, peer);
	json_key(&j, "command");
	json_array_begin(&j);
	for (unsigned i = 0; i < request->argc; i++) {
		json_element(&j);
		json_string(&j, request->argv[i]);
	}
	json_array_end(&j);
	if (request->has_payload) {
		json_key(&j, "payload_bytes");
		json_printf(&j, "%u", request->payload_len);
	}
	json_key(&j, "ok");
	json_raw(&j, error ? "false" : "true");
	if (error) {
		json_key(&j, "error");
		json_string(&j, error);
	}
	audit_line_end(audit, &j);
}

void audit_refusal(struct audit *audit, const char *peer, uint64_t count, const char *const *names,
		   const uint64_t *counts, unsigned n_reasons, const char *last_error,
		   unsigned window_s)
{
	if (!audit->file)
		return;
	struct json_out j = {0};
	audit_line_begin(&j);
	json_key(&j, "event");
	json_string(&j, "console_refused");
	json_key(&j, "peer");
	json_string(&j, peer);
	json_key(&j, "count");
	json_printf(&j, "%llu", (unsigned long long)count);
	json_key(&j, "window_s");
	json_printf(&j, "%u", window_s);
	json_key(&j, "reasons");
	json_object_begin(&j);
	for (unsigned i = 0; i < n_reasons; i++) {
		if (counts[i] == 0)
			continue;
		json_key(&j, names[i]);
		json_printf(&j, "%llu", (unsigned long long)counts[i]);
	}
	json_object_end(&j);
	if (last_error && last_error[0]) {
		json_key(&j, "last_error");
		json_string(&j, last_error);
	}
	json_key(&j, "ok");
	json_raw(&j, "false");
	audit_line_end(audit, &j);
}

void audit_tail(const struct audit *audit, unsigned n, void (*each)(void *arg, const char *line),
		void *arg)
{
	FILE *f = audit->path[0] ? fopen(audit->path, "r") : NULL;
	if (!f)
		return;
	if (n > AUDIT_TAIL_MAX)
		n = AUDIT_TAIL_MAX;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	long from = size > (long)AUDIT_TAIL_BYTES ? size - (long)AUDIT_TAIL_BYTES : 0;
	fseek(f, from, SEEK_SET);
	char *text = malloc((size_t)(size - from) + 1);
	size_t len = text ? fread(text, 1, (size_t)(size - from), f) : 0;
	fclose(f);
	if (!text)
		return;
	text[len] = '\0';
	/* The last n complete lines; each is one JSON object (a line cut by the
	 * window's start is not, and is skipped). */
	unsigned total = 0;
	for (size_t i = 0; i < len; i++)
		total += text[i] == '\n';
	unsigned skip = total > n ? total - n : 0;
	char *line = text;
	for (unsigned k = 0; k < total; k++) {
		char *lf = memchr(line, '\n', (size_t)(text + len - line));
		*lf = '\0';
		if (k >= skip && *line == '{')
			each(arg, line);
		line = lf + 1;
	}
	free(text);
}

void audit_close(struct audit *audit)
{
	if (audit->file)
		fclose(audit->file);
	audit->file = NULL;
}
