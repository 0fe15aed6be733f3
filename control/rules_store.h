/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule store on disk (store_dir of control/rules_update.h), written so
 * that a crash at any point (kill -9 during `rules commit`, power loss)
 * leaves either the old state or the new one, never half of either:
 * - a file goes to a temporary name beside it (".NAME.tmp": an uploaded
 *   name never starts with a dot), is fsync'd, renamed into place, and its
 *   folder fsync'd, so the rename itself survives;
 * - versions.log, the list of committed versions, is replaced whole the
 *   same way (old lines plus the new one), so a version is committed
 *   exactly when its line is in the log;
 * - a version folder vN whose N is not in the log was staged, or was being
 *   committed when vigil died: at start it is an orphan, reported and
 *   removed, and the numbering goes on from the last committed version.
 * Control lcore (and start-up) only.
 */
#ifndef VIGIL_CONTROL_RULES_STORE_H
#define VIGIL_CONTROL_RULES_STORE_H

#include <stdbool.h>
#include <stddef.h>

/* Write len bytes of data as path: temporary name, fsync, rename, folder fsync. Returns 0 or -errno. */
int rules_store_write(const char *path, const void *data, size_t len);

/*
 * Commit a version: versions.log in store_dir becomes its old lines plus
 * line (one JSON object and its newline), atomically. Returns 0 or -errno
 * (the log is then unchanged).
 */
int rules_store_log_append(const char *store_dir, const char *line);

/* The highest version number in store_dir/versions.log; 0 when none. */
unsigned rules_store_last_number(const char *store_dir);

/* Whether version number is committed (has a line in store_dir/versions.log). */
bool rules_store_committed(const char *store_dir, unsigned number);

/*
 * Remove what a crash left in store_dir: version folders not in the log
 * (each reported with a warning on stderr) and temporary files. Returns how
 * many orphan versions were removed.
 */
unsigned rules_store_sweep(const char *store_dir);

#endif
