/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * On-disk cache of a ruleset's compiled Hyperscan databases. The key is a
 * SHA-256 of the rule files, the classification file, the variables, the
 * action order and the Hyperscan version, so any change that could change a database
 * changes the file name and a stale cache is never read. Files are written
 * to a temporary name and renamed, so a crash never leaves half a cache.
 * Only databases are cached: rules are parsed every time (fast next to a
 * compile) because their programs hold pointers (PCRE2 code) that do not
 * serialise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include "rules/compile/ruleset_internal.h"

#define CACHE_MAGIC   0x43524756u /* "VGRC" */
#define CACHE_VERSION 3u	  /* 3: transform-chain groups after the plain ones */

static int hash_file(mbedtls_sha256_context *sha, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	unsigned char buf[65536];
	size_t n;
	mbedtls_sha256_update_ret(sha, (const unsigned char *)path, strlen(path) + 1);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		mbedtls_sha256_update_ret(sha, buf, n);
	int rc = ferror(f) ? -EIO : 0;
	fclose(f);
	return rc;
}

int ruleset_cache_key(const struct ruleset_options *o, uint8_t key[32])
{
	/* 3: rules without a priority sort as priority 3 (the evaluation order,
	 * which databases refer to, changed); 5: fast patterns of transformed
	 * buffers in their own (buffer, transforms) groups, pcre prefilters
	 * (their text, derived from the rules by kw_pcre.c, is part of the format);
	 * 6: the header buffers (ipv4.hdr ...) right after pkt_data, never a
	 * fast pattern's; 7: statements of multi-buffers matched on their own
	 * give no fast pattern */
	static const char format[] = "vigil ruleset cache 7";
	char classification[512];
	mbedtls_sha256_context sha;
	int rc = 0;

	mbedtls_sha256_init(&sha);
	mbedtls_sha256_starts_ret(&sha, 0);
	mbedtls_sha256_update_ret(&sha, (const unsigned char *)format, sizeof(format));
	mbedtls_sha256_update_ret(&sha, (const unsigned char *)hs_version(), strlen(hs_version()));
	/* the groups are stored by buffer: a build with other buffers reads another layout */
	for (int b = 0; b < RULE_BUFFER_COUNT; b++)
		mbedtls_sha256_update_ret(&sha, (const unsigned char *)rule_buffer_name[b],
					  strlen(rule_buffer_name[b]) + 1);
	for (unsigned i = 0; i < o->file_count && rc == 0; i++)
		rc = hash_file(&sha, o->files[i]);
	ruleset_classification_path(o, classification, sizeof(classification));
	if (rc == 0 && classification[0])
		rc = hash_file(&sha, classification);
	for (unsigned i = 0; i < o->var_count; i++)
		mbedtls_sha256_update_ret(&sha, (const unsigned char *)o->vars[i],
					  strlen(o->vars[i]) + 1);
	/* enable/disable and action overrides change which rules are in, and their order */
	if (o->policy) {
		size_t len;
		const char *text = policy_text(o->policy, &len);
		mbedtls_sha256_update_ret(&sha, (const unsigned char *)text, len);
	}
	if (o->action_rank) /* the evaluation order, which databases refer to */
		mbedtls_sha256_update_ret(&sha, o->action_rank, RULE_ACTION_COUNT);
	mbedtls_sha256_finish_ret(&sha, key);
	mbedtls_sha256_free(&sha);
	return rc;
}

static void cache_path(char *path, size_t len, const char *dir, const uint8_t key[32])
{
	int n = snprintf(path, len, "%s/ruleset-", dir);
	for (int i = 0; i < 32 && n > 0 && (size_t)n + 3 < len; i++)
		n += snprintf(path + n, len - n, "%02x", key[i]);
	snprintf(path + n, len - n, ".hsdb");
}

static int read_exact(FILE *f, void *buf, size_t len)
{
	return fread(buf, 1, len, f) == len ? 0 : -EINVAL;
}

static int cache_read_db(FILE *f, hs_database_t **db)
{
	uint64_t size;
	if (read_exact(f, &size, sizeof(size)) || size > (1ull << 31))
		return -EINVAL;
	if (size == 0)
		return 0;
	char *bytes = malloc(size);
	int rc = -EINVAL;
	if (bytes && read_exact(f, bytes, size) == 0 &&
	    hs_deserialize_database(bytes, size, db) == HS_SUCCESS)
		rc = 0;
	free(bytes);
	return rc;
}

static int cache_read_group(FILE *f, struct ruleset_group *g)
{
	uint32_t patterns;
	if (read_exact(f, &patterns, sizeof(patterns)) || patterns != g->pattern_count)
		return -EINVAL;
	int rc = cache_read_db(f, &g->db);
	if (rc == 0)
		rc = cache_read_db(f, &g->stream_db);
	if (rc == 0 && (g->db == NULL) != (patterns == 0))
		rc = -EINVAL;
	return rc;
}

/* The groups of rs in file order: plain ones by buffer and direction, then the chains'. */
static unsigned cache_group_count(const struct ruleset *rs)
{
	return RULE_BUFFER_COUNT * RULESET_DIRECTIONS + rs->chain_count * RULESET_DIRECTIONS;
}

static struct ruleset_group *cache_group(const struct ruleset *rs, unsigned i)
{
	const unsigned plain = RULE_BUFFER_COUNT * RULESET_DIRECTIONS;
	struct ruleset *w = (struct ruleset *)rs;
	if (i < plain)
		return &w->group[i / RULESET_DIRECTIONS][i % RULESET_DIRECTIONS];
	i -= plain;
	return &w->chains[i / RULESET_DIRECTIONS].group[i % RULESET_DIRECTIONS];
}

int ruleset_cache_load(struct ruleset *rs, const char *dir, const uint8_t key[32],
		       struct ruleset_report *report)
{
	char path[1024];
	uint32_t header[3];
	cache_path(path, sizeof(path), dir, key);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	int rc = read_exact(f, header, sizeof(header));
	if (rc == 0 && (header[0] != CACHE_MAGIC || header[1] != CACHE_VERSION ||
			header[2] != cache_group_count(rs)))
		rc = -EINVAL;
	for (unsigned i = 0; i < cache_group_count(rs) && rc == 0; i++)
		rc = cache_read_group(f, cache_group(rs, i));
	fclose(f);
	if (rc < 0) {
		/* Unusable: drop whatever was loaded and compile afresh. */
		for (unsigned i = 0; i < cache_group_count(rs); i++) {
			struct ruleset_group *g = cache_group(rs, i);
			hs_free_database(g->db);
			hs_free_database(g->stream_db);
			g->db = NULL;
			g->stream_db = NULL;
		}
		snprintf(report->cache_note, sizeof(report->cache_note),
			 "cache %.120s unreadable, recompiled", path);
	}
	return rc;
}

static int cache_write_db(FILE *f, const hs_database_t *db)
{
	char *bytes = NULL;
	size_t size = 0;
	if (db && hs_serialize_database(db, &bytes, &size) != HS_SUCCESS)
		return -EINVAL;
	uint64_t size64 = size;
	int rc = (fwrite(&size64, sizeof(size64), 1, f) == 1 &&
		  (size == 0 || fwrite(bytes, 1, size, f) == size))
		     ? 0
		     : -EIO;
	free(bytes);
	return rc;
}

static int cache_write_group(FILE *f, const struct ruleset_group *g)
{
	uint32_t patterns = g->pattern_count;
	if (fwrite(&patterns, sizeof(patterns), 1, f) != 1)
		return -EIO;
	int rc = cache_write_db(f, g->db);
	return rc == 0 ? cache_write_db(f, g->stream_db) : rc;
}

void ruleset_cache_store(const struct ruleset *rs, const char *dir, const uint8_t key[32],
			 struct ruleset_report *report)
{
	char path[1024], tmp[1100];
	uint32_t header[3] = {CACHE_MAGIC, CACHE_VERSION, cache_group_count(rs)};
	mkdir(dir, 0755);
	cache_path(path, sizeof(path), dir, key);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		snprintf(report->cache_note, sizeof(report->cache_note),
			 "cache not written: %.80s: %s", dir, strerror(errno));
		return;
	}
	int rc = fwrite(header, sizeof(header), 1, f) == 1 ? 0 : -EIO;
	for (unsigned i = 0; i < cache_group_count(rs) && rc == 0; i++)
		rc = cache_write_group(f, cache_group(rs, i));
	if (fclose(f) != 0 && rc == 0)
		rc = -EIO;
	if (rc == 0 && rename(tmp, path) == 0)
		return;
	unlink(tmp);
	snprintf(report->cache_note, sizeof(report->cache_note), "cache not written: %s",
		 strerror(rc < 0 ? -rc : errno));
}
