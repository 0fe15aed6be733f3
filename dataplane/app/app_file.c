/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File tracking (see app_file.h): libmagic per thread, hashes at close.
 */
#define _GNU_SOURCE /* gettid */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>
#include <mbedtls/md5.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>

#include "dataplane/app/app_file.h"
#include "dataplane/app/app_json.h"
#include "rules/match/match.h"

__thread unsigned app_file_rules_needs;

/* The thread's libmagic handle: libmagic keeps per-lookup buffers in it. */
static __thread magic_t app_file_magic_handle;
static __thread bool app_file_magic_tried;

int app_file_magic_load(void)
{
	if (app_file_magic_tried)
		return app_file_magic_handle ? 0 : -1;
	app_file_magic_tried = true;
	/* MAGIC_NONE: the description only, as Suricata's fileinfo.magic */
	magic_t m = magic_open(MAGIC_NONE);
	if (!m)
		return -1;
	if (magic_load(m, NULL) != 0) {
		magic_close(m);
		return -1;
	}
	app_file_magic_handle = m;
	return 0;
}

void app_file_magic(struct app_file *f, const uint8_t *data, size_t len, bool want)
{
	if (f->magic_done)
		return;
	f->magic_done = true;
	if (!want || !len || app_file_magic_load() < 0)
		return;
	const char *d = magic_buffer(app_file_magic_handle, data,
				     len < APP_FILE_MAGIC_BYTES ? len : APP_FILE_MAGIC_BYTES);
	if (!d)
		return;
	size_t n = strnlen(d, sizeof(f->magic) - 1);
	memcpy(f->magic, d, n);
	f->magic[n] = '\0';
}

void app_file_close(struct app_file *f, const uint8_t *data, size_t len, bool truncated,
		    uint8_t hashes)
{
	struct rule_file_meta *m = &f->meta;
	m->size = len;
	m->state = truncated ? RULE_FILE_TRUNCATED : RULE_FILE_CLOSED;
	if (truncated || m->hashes)
		return;
	/* the _ret forms: mbedTLS 2.28 (Debian 12) */
	if ((hashes & RULE_FILE_HAS_MD5) && mbedtls_md5_ret(data, len, m->md5) == 0)
		m->hashes |= RULE_FILE_HAS_MD5;
	if ((hashes & RULE_FILE_HAS_SHA1) && mbedtls_sha1_ret(data, len, m->sha1) == 0)
		m->hashes |= RULE_FILE_HAS_SHA1;
	if ((hashes & RULE_FILE_HAS_SHA256) && mbedtls_sha256_ret(data, len, m->sha256, 0) == 0)
		m->hashes |= RULE_FILE_HAS_SHA256;
}

void app_file_update(struct app_file *f, const uint8_t *data, size_t len, bool magic,
		     uint8_t hashes, bool ended, bool truncated)
{
	unsigned rules = app_file_rules_needs;
	app_file_magic(f, data, len, magic || (rules & RULE_FILE_NEEDS_MAGIC));
	if (f->meta.state != RULE_FILE_OPEN)
		return;
	f->meta.size = len;
	if (ended)
		app_file_close(f, data, len, truncated,
			       (uint8_t)(hashes | (rules & RULE_FILE_HASHES)));
}

void app_file_name(struct app_file *f, const void *data, size_t len)
{
	f->name_cut = len > sizeof(f->name) - 1;
	f->name_len = (uint32_t)(f->name_cut ? sizeof(f->name) - 1 : len);
	if (f->name_len)
		memcpy(f->name, data, f->name_len);
	f->name[f->name_len] = '\0';
	f->named = true;
}

void app_file_hex(const uint8_t *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Write data[0..len) to path through a temporary name, so a reader never sees half a file. */
static int app_file_write_whole(const char *path, const uint8_t *data, size_t len)
{
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)gettid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;
			close(fd);
			unlink(tmp);
			return err;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

int app_file_store_write(struct app_file_store *store, struct app_file_info *info,
			 const uint8_t *data, size_t len)
{
	struct rule_file_meta *m = &info->meta;
	if (!(m->hashes & RULE_FILE_HAS_SHA256)) {
		if (mbedtls_sha256_ret(data, len, m->sha256, 0) != 0)
			return -EIO;
		/* the name's hash: a truncated file's too, as Suricata names it */
		if (m->state == RULE_FILE_CLOSED)
			m->hashes |= RULE_FILE_HAS_SHA256;
	}
	char hex[2 * sizeof(m->sha256) + 1], dir[300], path[400];
	app_file_hex(m->sha256, sizeof(m->sha256), hex);
	snprintf(dir, sizeof(dir), "%s/%.2s", store->dir, hex);
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	if (access(path, F_OK) == 0) {
		info->stored = true; /* the same bytes are there already */
		return 0;
	}
	uint64_t used = __atomic_add_fetch(&store->used, len, __ATOMIC_RELAXED);
	if (used > store->limit) {
		__atomic_sub_fetch(&store->used, len, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	if ((mkdir(store->dir, 0750) < 0 && errno != EEXIST) ||
	    (mkdir(dir, 0750) < 0 && errno != EEXIST)) {
		int err = -errno;
		__atomic_sub_fetch(&store->used, len, __ATOMIC_RELAXED);
		return err;
	}
	int rc = app_file_write_whole(path, data, len);
	if (rc < 0) {
		__atomic_sub_fetch(&store->used, len, __ATOMIC_RELAXED);
		return rc;
	}
	info->stored = true;
	return 0;
}

void app_file_eve(const struct app_file_info *f, struct app_json *out)
{
	app_json_key(out, "fileinfo");
	app_json_begin(out, "{");
	app_json_key(out, "filename");
	app_json_text_value(out, f->name, sizeof(f->name), f->name_cut);
	app_json_text(out, "magic", f->magic, sizeof(f->magic));
	app_json_key(out, "gaps");
	app_json_put(out, "false");
	app_json_key(out, "state");
	app_json_string(out, f->meta.state == RULE_FILE_TRUNCATED ? "TRUNCATED" : "CLOSED");
	char hex[2 * sizeof(f->meta.sha256) + 1];
	if (f->meta.hashes & RULE_FILE_HAS_MD5) {
		app_file_hex(f->meta.md5, sizeof(f->meta.md5), hex);
		app_json_text(out, "md5", hex, sizeof(hex));
	}
	if (f->meta.hashes & RULE_FILE_HAS_SHA1) {
		app_file_hex(f->meta.sha1, sizeof(f->meta.sha1), hex);
		app_json_text(out, "sha1", hex, sizeof(hex));
	}
	if (f->meta.hashes & RULE_FILE_HAS_SHA256) {
		app_file_hex(f->meta.sha256, sizeof(f->meta.sha256), hex);
		app_json_text(out, "sha256", hex, sizeof(hex));
	}
	app_json_key(out, "stored");
	app_json_put(out, f->stored ? "true" : "false");
	app_json_uint(out, "size", f->meta.size);
	app_json_uint(out, "tx_id", f->tx_id);
	app_json_end(out, "}");
}
