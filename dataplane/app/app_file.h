/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File tracking shared by the parsers that carry files (HTTP bodies
 * today): what a file is as the file keywords and EVE fileinfo see it.
 * A parser keeps one struct app_file per body, fills its name, asks for
 * its magic once the first bytes are in (app_file_magic) and for its
 * hashes once it closes (app_file_close), and puts the result in the
 * body's units (file.name, file.magic, file.meta: rules/lang/buffer.h)
 * and in its details (struct app_file_info, for the fileinfo record).
 *
 * Magic is libmagic's description of the first APP_FILE_MAGIC_BYTES
 * bytes ("PDF document, version 1.4"). libmagic's handle is not safe to
 * share between threads, so each worker thread has its own, loaded once
 * (app_file_magic_load, called on the thread's first parser creation,
 * as libhtp's configuration is); a lookup allocates inside libmagic (its
 * own buffers, freed before it returns), which is why magic is computed
 * once per file and only when the board asks for it ([files] magic).
 * Hashes are mbedTLS's MD5, SHA-1 and SHA-256 over the bytes kept of the
 * body, computed once when the file closes whole (a truncated file has
 * none, as in Suricata).
 */
#ifndef VIGIL_DATAPLANE_APP_FILE_H
#define VIGIL_DATAPLANE_APP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/lang/buffer.h"

/* Bytes libmagic looks at: enough for every format's signature libmagic
 * tests at fixed offsets in practice (Suricata hands it its first chunk). */
#define APP_FILE_MAGIC_BYTES 4096
#define APP_FILE_MAGIC_MAX   96 /* bytes of the description kept, NUL included */
#define APP_FILE_NAME_MAX    160

/* A file as its fileinfo record shows it (in the parser's details). */
struct app_file_info {
	char name[APP_FILE_NAME_MAX];
	char magic[APP_FILE_MAGIC_MAX]; /* empty: none computed */
	struct rule_file_meta meta;	/* size, state, hashes */
	uint64_t tx_id;
	uint8_t direction; /* RULE_FILESTORE_REQUEST or _RESPONSE: the body it is */
	bool name_cut;
	bool stored; /* a filestore rule matched it and the store took it */
};

/* One file being carried (a body), in the parser's per-transaction state. */
struct app_file {
	struct rule_file_meta meta;
	char magic[APP_FILE_MAGIC_MAX];
	char name[APP_FILE_NAME_MAX]; /* NUL-terminated; name_len bytes */
	uint32_t name_len;
	bool name_cut;	/* the name was longer than kept */
	bool named;	/* name set (the parser names a file once, at its first unit) */
	bool announced; /* its name and magic went out in a unit: not new in later ones */
	bool magic_done;
};

/*
 * A file's bytes so far, data[0..len): its size, its magic (once), and,
 * when it ended, its close (truncated or not) and hashes, as the board
 * asks (magic, hashes: app_config's) and the thread's rules need
 * (app_file_rules_needs). What the parsers that carry files call per
 * unit of a file. Per-packet path.
 */
void app_file_update(struct app_file *f, const uint8_t *data, size_t len, bool magic,
		     uint8_t hashes, bool ended, bool truncated);

/* Name f data[0..len) (kept up to APP_FILE_NAME_MAX - 1 bytes). */
void app_file_name(struct app_file *f, const void *data, size_t len);

/*
 * What the rules in force on the calling thread need (rule_file_needs():
 * RULE_FILE_HAS_* and RULE_FILE_NEEDS_MAGIC), computed for every file on
 * top of what the board asks ([files] magic, hashes), as Suricata computes
 * magic and hashes when a rule needs them. The pipeline sets it from its
 * rules before it hands data to a parser (a thread variable: a worker's
 * parsers run on its own thread). Per-packet path: a store.
 */
extern __thread unsigned app_file_rules_needs;

/*
 * Load the magic database for the calling thread (once; later calls do
 * nothing). Returns 0, or -1 when libmagic or its database is missing
 * (file.magic then stays empty). Set-up path: not per packet.
 */
int app_file_magic_load(void);

/*
 * The magic of a file whose first bytes are data[0..len): once per file,
 * when the board asks (want) and the thread's database loaded. Call when
 * APP_FILE_MAGIC_BYTES are in or the body ended. Per-packet path, once
 * per file.
 */
void app_file_magic(struct app_file *f, const uint8_t *data, size_t len, bool want);

/*
 * The file ended: its state (truncated: cut at the body limit or by the
 * connection's end), its size, and the hashes hashes asks for
 * (RULE_FILE_HAS_*) over data[0..len), when it ended whole.
 */
void app_file_close(struct app_file *f, const uint8_t *data, size_t len, bool truncated,
		    uint8_t hashes);

/*
 * filestore's store: a directory ([files] store_dir) where each stored
 * file is written as Suricata's file-store v2 names it, DIR/xx/SHA256
 * (xx: the hash's first two hex digits; a file stored twice is written
 * once), bounded by limit bytes written over the process's life, shared
 * by the workers (an atomic count, the only state they share here). A
 * file that would pass the bound is refused and counted by the caller.
 * Writing is file I/O on the worker: done only for files a filestore
 * rule asked for, once per file, at its close.
 */
struct app_file_store {
	char dir[256];
	uint64_t limit; /* bytes */
	uint64_t used;	/* bytes written (atomic) */
};

/*
 * Store data[0..len) of info's file (its sha256 computed here if the
 * board did not ask for it) and mark it stored. Returns 0, -ENOSPC when
 * the bound refused it, or another negative errno when the write failed.
 */
int app_file_store_write(struct app_file_store *store, struct app_file_info *info,
			 const uint8_t *data, size_t len);

struct app_json;

/*
 * EVE: ,"fileinfo":{"filename":...,"magic":...,"gaps":false,"state":"CLOSED",
 * "md5":...,"sha1":...,"sha256":...,"stored":false,"size":N,"tx_id":0}, as
 * Suricata writes it. Control lcore.
 */
void app_file_eve(const struct app_file_info *f, struct app_json *out);

/* hex of bytes[0..n) into out (2n + 1 bytes), NUL-terminated. */
void app_file_hex(const uint8_t *bytes, size_t n, char *out);

#endif
