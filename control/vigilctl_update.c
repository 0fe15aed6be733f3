/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigilctl rules update: suricata-update's workflow on the operator's
 * machine, ending in the appliance's own transaction.
 *
 *   1. read the sources file (control/rules_sources.h: one https:// URL or
 *      local path per line, optional sha256=) and fetch each source:
 *      HTTPS with libcurl (https only, the server's certificate checked
 *      against the system's CAs or --source-ca), a local file or folder;
 *   2. unpack tarballs (.tar.gz, .tgz, .tar, with libarchive: gzip and tar
 *      only, sizes bounded) and take every *.rules file in them;
 *      *deleted.rules is left out, as suricata-update does by default;
 *   3. apply disable.conf, enable.conf, drop.conf and modify.conf from the
 *      conf folder (each optional);
 *   4. fetch the live version's file NAME (rules export NAME) and print
 *      the diff: rules added, removed and changed, by gid:sid;
 *   5. unless --dry-run, and once confirmed (a terminal's "y" or --yes):
 *      rules load NAME with the merged file, then rules commit. The
 *      version before stays one rules rollback away.
 *
 * The appliance compiles and checks the file (rules load); nothing here
 * parses rules beyond what the filters need (sid, gid, rev, metadata).
 */
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <mbedtls/sha256.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/console_proto.h"
#include "control/rules_sources.h"
#include "control/vigilctl.h"

#define UPDATE_MAX_SOURCES  32
#define UPDATE_FETCH_MAX    (256u << 20) /* one source's bytes */
#define UPDATE_UNPACKED_MAX (512u << 20) /* the rules files of one archive, unpacked */

struct update_options {
	const char *sources, *conf_dir, *name, *source_ca, *output;
	bool dry_run, yes, allow_refused, json;
};

struct update_buffer {
	char *data;
	size_t len;
};

static void update_usage(void)
{
	fprintf(stderr, "usage: vigilctl ... rules update [--sources FILE] [--conf-dir DIR] "
			"[--name NAME] [--source-ca CA] [--output FILE] [--allow-refused] "
			"[--dry-run] [--yes] [--json]\n");
}

static int update_parse(int argc, char **argv, struct update_options *u)
{
	static const struct option longs[] = {
	    {"sources", required_argument, NULL, 's'}, {"conf-dir", required_argument, NULL, 'c'},
	    {"name", required_argument, NULL, 'n'},    {"source-ca", required_argument, NULL, 'a'},
	    {"output", required_argument, NULL, 'o'},  {"allow-refused", no_argument, NULL, 'r'},
	    {"dry-run", no_argument, NULL, 'd'},       {"yes", no_argument, NULL, 'y'},
	    {"json", no_argument, NULL, 'j'},	       {NULL, 0, NULL, 0},
	};
	*u = (struct update_options){
	    .sources = "/etc/vigil/sources.conf",
	    .conf_dir = "/etc/vigil",
	    .name = "sources.rules",
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 's':
			u->sources = optarg;
			break;
		case 'c':
			u->conf_dir = optarg;
			break;
		case 'n':
			u->name = optarg;
			break;
		case 'a':
			u->source_ca = optarg;
			break;
		case 'o':
			u->output = optarg;
			break;
		case 'r':
			u->allow_refused = true;
			break;
		case 'd':
			u->dry_run = true;
			break;
		case 'y':
			u->yes = true;
			break;
		case 'j': /* as vigilctl's own --json, for the diff */
			u->json = true;
			break;
		default:
			update_usage();
			return -EINVAL;
		}
	}
	if (optind != argc || strchr(u->name, '/')) {
		update_usage();
		return -EINVAL;
	}
	return 0;
}

/* A whole local file; -errno (the reason printed). */
static int update_read_file(const char *path, struct update_buffer *b, bool quiet_missing)
{
	*b = (struct update_buffer){0};
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (!(quiet_missing && errno == ENOENT))
			fprintf(stderr, "vigilctl: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	FILE *out = open_memstream(&b->data, &b->len);
	char chunk[1 << 16];
	size_t n;
	int rc = out ? 0 : -ENOMEM;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > UPDATE_FETCH_MAX)
			rc = -EFBIG;
		else
			fwrite(chunk, 1, n, out);
	}
	if (ferror(f))
		rc = -EIO;
	fclose(f);
	if (out)
		fclose(out);
	if (rc < 0) {
		fprintf(stderr, "vigilctl: %s: %s\n", path, strerror(-rc));
		free(b->data);
		*b = (struct update_buffer){0};
	}
	return rc;
}

static size_t update_curl_write(char *data, size_t size, size_t count, void *arg)
{
	struct update_buffer *b = arg;
	size_t n = size * count;
	if (b->len + n > UPDATE_FETCH_MAX)
		return 0; /* curl stops with a write error */
	char *grown = realloc(b->data, b->len + n + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, data, n);
	b->data = grown;
	b->len += n;
	return n;
}

/* An https:// source into b; -EIO (the reason printed). */
static int update_fetch_https(const char *url, const char *ca, struct update_buffer *b)
{
	*b = (struct update_buffer){0};
	CURL *curl = curl_easy_init();
	if (!curl)
		return -ENOMEM;
	char why[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(curl, CURLOPT_URL, url);
	/* https only, redirects included: rules are code the appliance runs */
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca)
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 600L);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)UPDATE_FETCH_MAX);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "vigilctl-rules-update");
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, update_curl_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, b);
	CURLcode rc = curl_easy_perform(curl);
	curl_easy_cleanup(curl);
	if (rc != CURLE_OK) {
		fprintf(stderr, "vigilctl: %s: %s\n", url, why[0] ? why : curl_easy_strerror(rc));
		free(b->data);
		*b = (struct update_buffer){0};
		return -EIO;
	}
	return 0;
}

static bool update_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A file name the sources contribute: *.rules, but not *deleted.rules. */
static bool update_takes(const char *path)
{
	return update_ends_with(path, ".rules") && !update_ends_with(path, "deleted.rules");
}

/* Every *.rules file of a tarball (gzip'ed or not) into set. 0 or -errno (printed). */
static int update_unpack(const char *where, const struct update_buffer *b, struct rules_set *set,
			 size_t *files)
{
	struct archive *a = archive_read_new();
	if (!a)
		return -ENOMEM;
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	int rc = 0;
	size_t unpacked = 0;
	if (archive_read_open_memory(a, b->data, b->len) != ARCHIVE_OK) {
		fprintf(stderr, "vigilctl: %s: %s\n", where, archive_error_string(a));
		archive_read_free(a);
		return -EINVAL;
	}
	struct archive_entry *entry;
	int r;
	while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
		const char *path = archive_entry_pathname(entry);
		if (archive_entry_filetype(entry) != AE_IFREG || !path || !update_takes(path))
			continue;
		la_int64_t size = archive_entry_size(entry);
		if (size < 0 || unpacked + (size_t)size > UPDATE_UNPACKED_MAX) {
			fprintf(stderr, "vigilctl: %s: %s: unpacked rules beyond %u MiB\n", where,
				path, UPDATE_UNPACKED_MAX >> 20);
			rc = -EFBIG;
			break;
		}
		char *data = malloc((size_t)size + 1);
		la_ssize_t got = data ? archive_read_data(a, data, (size_t)size) : -1;
		if (got != size) {
			fprintf(stderr, "vigilctl: %s: %s: %s\n", where, path,
				data ? archive_error_string(a) : "out of memory");
			free(data);
			rc = -EINVAL;
			break;
		}
		unpacked += (size_t)size;
		rc = rules_set_add_file(set, path, data, (size_t)size);
		free(data);
		if (rc < 0)
			break;
		(*files)++;
	}
	if (rc == 0 && r != ARCHIVE_EOF) {
		fprintf(stderr, "vigilctl: %s: %s\n", where, archive_error_string(a));
		rc = -EINVAL;
	}
	archive_read_free(a);
	return rc;
}

/* A local folder: its *.rules files (not recursive), in name order. */
static int update_read_folder(const char *dir, struct rules_set *set, size_t *files)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "vigilctl: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		struct update_buffer b;
		if (rc == 0 && update_takes(names[i]->d_name) &&
		    (rc = update_read_file(path, &b, false)) == 0) {
			rc = rules_set_add_file(set, path, b.data, b.len);
			free(b.data);
			(*files)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static bool update_is_archive(const char *location, const struct update_buffer *b)
{
	if (b->len >= 2 && (unsigned char)b->data[0] == 0x1f && (unsigned char)b->data[1] == 0x8b)
		return true;
	const char *path = location;
	const char *query = strchr(path, '?');
	char bare[1024];
	snprintf(bare, sizeof(bare), "%.*s", (int)(query ? query - path : (long)strlen(path)),
		 path);
	return update_ends_with(bare, ".tar") || update_ends_with(bare, ".tar.gz") ||
	       update_ends_with(bare, ".tgz");
}

/* The SHA-256 the sources file named, if any, against the bytes fetched. */
static int update_check_sum(const struct rules_source *src, const struct update_buffer *b)
{
	if (!src->sha256[0])
		return 0;
	unsigned char sum[32];
	char hex[65];
	mbedtls_sha256_ret((const unsigned char *)b->data, b->len, sum, 0);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	if (strcmp(hex, src->sha256) == 0)
		return 0;
	fprintf(stderr, "vigilctl: %s: sha256 %s, the sources file wants %s\n", src->location, hex,
		src->sha256);
	return -EBADMSG;
}

static int update_fetch_source(const struct rules_source *src, const struct update_options *u,
			       struct rules_set *set)
{
	size_t files = 0;
	struct stat st;
	bool https = strncasecmp(src->location, "https://", 8) == 0;
	if (!https && stat(src->location, &st) == 0 && S_ISDIR(st.st_mode)) {
		int rc = update_read_folder(src->location, set, &files);
		fprintf(stderr, "vigilctl: %s: %zu rules file(s)\n", src->location, files);
		return rc;
	}
	struct update_buffer b;
	int rc = https ? update_fetch_https(src->location, u->source_ca, &b)
		       : update_read_file(src->location, &b, false);
	if (rc == 0)
		rc = update_check_sum(src, &b);
	if (rc == 0 && update_is_archive(src->location, &b)) {
		rc = update_unpack(src->location, &b, set, &files);
	} else if (rc == 0) {
		rc = rules_set_add_file(set, src->location, b.data, b.len);
		files = 1;
	}
	if (rc == 0)
		fprintf(stderr, "vigilctl: %s: %zu bytes, %zu rules file(s)\n", src->location,
			b.len, files);
	free(b.data);
	return rc;
}

/* The conf folder's filter files (each optional). 0, or -EINVAL (printed). */
static int update_read_confs(const char *dir, struct rules_conf confs[RULES_CONF_KINDS])
{
	for (int k = 0; k < RULES_CONF_KINDS; k++) {
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", dir, rules_conf_file_name(k));
		confs[k] = (struct rules_conf){.kind = k};
		struct update_buffer b;
		if (update_read_file(path, &b, true) < 0) {
			if (access(path, F_OK) == 0)
				return -EIO;
			continue;
		}
		char error[1024];
		int rc = rules_conf_parse(&confs[k], k, path, b.data, b.len, error, sizeof(error));
		free(b.data);
		if (rc < 0) {
			fprintf(stderr, "vigilctl: %s\n", rc == -ENOMEM ? "out of memory" : error);
			return rc;
		}
		fprintf(stderr, "vigilctl: %s: %zu filter(s)\n", path, confs[k].count);
	}
	return 0;
}

/* One console request of words (and a payload); the answer, or NULL (printed) when refused. */
static char *update_request(const struct vigilctl_options *o, const char *const *words, int n,
			    const char *payload, size_t payload_len)
{
	char line[CONSOLE_MAX_LINE + 2] = "";
	for (int i = 0; i < n; i++)
		vigilctl_append_word(line, sizeof(line), words[i]);
	if (payload) {
		char size[32];
		snprintf(size, sizeof(size), "<%zu", payload_len);
		vigilctl_append_word(line, sizeof(line), size);
	}
	strcat(line, "\n");
	char *answer = vigilctl_call(o, line, (const uint8_t *)payload, payload_len, false);
	if (json_find_bool(answer, "ok") == 1)
		return answer;
	size_t cap = strlen(answer) + 1;
	char *error = malloc(cap);
	if (error && json_find_string(answer, "error", error, cap) == 0)
		fprintf(stderr, "vigilctl: %s: %s\n", words[0], error);
	else
		fprintf(stderr, "vigilctl: %s refused: %s\n", words[0], answer);
	free(error);
	free(answer);
	return NULL;
}

/* The live version's file name, as a rule set. 0 or -EIO (printed). */
static int update_live_rules(const struct vigilctl_options *o, const char *name,
			     struct rules_set *live, unsigned *version)
{
	const char *words[] = {"rules", "export", name};
	char *answer = update_request(o, words, 3, NULL, 0);
	if (!answer)
		return -EIO;
	size_t cap = strlen(answer) + 1;
	char *text = malloc(cap);
	int rc = text && json_find_string(answer, "text", text, cap) == 0 ? 0 : -EIO;
	if (rc == 0)
		rc = rules_set_add_file(live, name, text, strlen(text));
	const char *v = strstr(answer, "\"version\":");
	*version = v ? (unsigned)strtoul(v + 10, NULL, 10) : 0;
	free(text);
	free(answer);
	return rc;
}

/* A first update adds every rule of a source: the terminal gets the first ones, --json all. */
#define UPDATE_TEXT_IDS 200

static void update_print_ids(FILE *out, const char *what, const struct rules_diff_id *ids, size_t n)
{
	fprintf(out, "%s %zu:", what, n);
	for (size_t i = 0; i < n && i < UPDATE_TEXT_IDS; i++)
		fprintf(out, " %u:%u", ids[i].gid, ids[i].sid);
	if (n > UPDATE_TEXT_IDS)
		fprintf(out, " ... and %zu more (--json lists them all)", n - UPDATE_TEXT_IDS);
	fputc('\n', out);
}

static void update_print_diff(bool json, const char *name, unsigned version,
			      const struct rules_diff *d, const struct rules_apply_report *r)
{
	if (json) {
		printf("{\"file\":\"%s\",\"live_version\":%u,\"unchanged\":%zu", name, version,
		       d->unchanged_count);
		const struct {
			const char *key;
			const struct rules_diff_id *ids;
			size_t n;
		} lists[] = {{"added", d->added, d->added_count},
			     {"removed", d->removed, d->removed_count},
			     {"changed", d->changed, d->changed_count}};
		for (size_t l = 0; l < 3; l++) {
			printf(",\"%s\":[", lists[l].key);
			for (size_t i = 0; i < lists[l].n; i++)
				printf("%s\"%u:%u\"", i ? "," : "", lists[l].ids[i].gid,
				       lists[l].ids[i].sid);
			printf("]");
		}
		printf("}\n");
		return;
	}
	printf("filters: %zu disabled, %zu enabled, %zu to drop, %zu modified (%zu "
	       "modifications left out)\n",
	       r->disabled, r->enabled, r->dropped, r->modified, r->modify_failed);
	printf("diff of %s against live version %u (%zu rules unchanged):\n", name, version,
	       d->unchanged_count);
	update_print_ids(stdout, "added", d->added, d->added_count);
	update_print_ids(stdout, "removed", d->removed, d->removed_count);
	update_print_ids(stdout, "changed", d->changed, d->changed_count);
}

/* A terminal's "y"; without a terminal, only --yes confirms. */
static bool update_confirmed(const struct update_options *u)
{
	if (u->yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "vigilctl: not a terminal: --yes commits without asking\n");
		return false;
	}
	fprintf(stderr, "load and commit this version? [y/N] ");
	char answer[16];
	return fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

static int update_write_output(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "vigilctl: %s: %s\n", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Load and commit the merged file through the appliance's transaction. */
static int update_commit(const struct vigilctl_options *o, const struct update_options *u,
			 const char *text, size_t len)
{
	const char *load[] = {"rules", "load", u->name, "allow-refused"};
	char *answer = update_request(o, load, u->allow_refused ? 4 : 3, text, len);
	if (!answer)
		return -EIO;
	free(answer);
	const char *commit[] = {"rules", "commit"};
	if (!(answer = update_request(o, commit, 2, NULL, 0)))
		return -EIO;
	size_t cap = strlen(answer) + 1;
	char *line = malloc(cap);
	if (line && json_find_string(answer, "text", line, cap) == 0)
		fputs(line, stdout);
	free(line);
	free(answer);
	return 0;
}

/* Fetch, filter and merge every source into merged. 0 or -errno (printed). */
static int update_build(const struct update_options *u, struct rules_set *merged,
			struct rules_apply_report *report)
{
	struct update_buffer b;
	if (update_read_file(u->sources, &b, false) < 0)
		return -EIO;
	struct rules_source sources[UPDATE_MAX_SOURCES];
	char error[1024];
	int n = rules_sources_parse(u->sources, b.data, b.len, sources, UPDATE_MAX_SOURCES, error,
				    sizeof(error));
	free(b.data);
	if (n < 0) {
		fprintf(stderr, "vigilctl: %s\n", error);
		return n;
	}
	if (n == 0) {
		fprintf(stderr, "vigilctl: %s: no sources\n", u->sources);
		return -EINVAL;
	}
	struct rules_conf confs[RULES_CONF_KINDS] = {0}; /* all freed, however far reading got */
	int rc = update_read_confs(u->conf_dir, confs);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = update_fetch_source(&sources[i], u, merged);
	if (rc == 0) {
		const struct rules_conf *use[RULES_CONF_KINDS];
		for (int k = 0; k < RULES_CONF_KINDS; k++)
			use[k] = &confs[k];
		rc = rules_set_apply(merged, use, report);
	}
	for (int k = 0; k < RULES_CONF_KINDS; k++)
		rules_conf_free(&confs[k]);
	return rc;
}

int vigilctl_rules_update(const struct vigilctl_options *o, int argc, char **argv)
{
	struct update_options u;
	if (update_parse(argc, argv, &u) < 0)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct rules_set merged = {0}, live = {0};
	struct rules_apply_report report;
	struct rules_diff diff = {0};
	char *text = NULL;
	size_t len = 0;
	unsigned version = 0;
	int status = 2;
	if (update_build(&u, &merged, &report) < 0)
		goto out;
	if (!(text = rules_set_render(&merged, &len))) {
		fprintf(stderr, "vigilctl: out of memory\n");
		goto out;
	}
	if (merged.skipped)
		fprintf(stderr, "vigilctl: %zu rule line(s) without a sid left out\n",
			merged.skipped);
	if (u.output && update_write_output(u.output, text, len) < 0)
		goto out;
	if (update_live_rules(o, u.name, &live, &version) < 0)
		goto out;
	if (rules_diff_compute(&live, &merged, &diff) < 0)
		goto out;
	update_print_diff(o->json || u.json, u.name, version, &diff, &report);
	fflush(stdout);
	status = 0;
	if (u.dry_run)
		goto out;
	if (!diff.added_count && !diff.removed_count && !diff.changed_count) {
		fprintf(stderr, "vigilctl: %s is up to date, nothing to load\n", u.name);
		goto out;
	}
	status = 1;
	if (update_confirmed(&u) && update_commit(o, &u, text, len) == 0)
		status = 0;
out:
	free(text);
	rules_diff_free(&diff);
	rules_set_free(&merged);
	rules_set_free(&live);
	curl_global_cleanup();
	return status;
}
