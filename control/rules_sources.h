/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule sources as suricata-update has them, without the fetching: the
 * sources file (what to fetch), the four filter files that tune what was
 * fetched (enable.conf, disable.conf, drop.conf, modify.conf, with
 * suricata-update's documented syntax), the merged rule set they produce
 * and the diff between two such sets (rules added, removed, changed).
 * vigilctl fetches and unpacks the sources (control/vigilctl_update.c) and
 * stages the merged file through the console's transaction (rules load,
 * rules commit); this module only reads text and writes text, so the unit
 * tests and the fuzz target run it whole.
 *
 * Matchers (one per line in enable/disable/drop.conf, the first word of a
 * modify.conf line):
 *   2019401  1:2019401  1:2019401:3   a sid, gid:sid, gid:sid:rev; a comma
 *                                     separated list of them
 *   group:emerging-dos[.rules]        the rule's file name (fnmatch globs),
 *   emerging-dos.rules                with or without .rules
 *   filename:PATTERN                  the file name as the archive has it
 *   re:REGEX                          the rule text, case-insensitive
 *   metadata: KEY VALUE               a metadata entry, case-insensitive
 *   *                                 every rule
 * modify.conf: MATCHER "FROM" "TO" (or Oinkmaster's
 * modifysid MATCHER "FROM" | "TO"): every match of the regex FROM in the
 * rule's text is replaced by TO, where \N and ${N} name FROM's groups.
 * They apply in suricata-update's order: disable, then enable (so a
 * narrow enable wins over a broad disable), then drop (alert becomes
 * drop, noalert rules stay), then modify.
 *
 * Not thread-safe per object; objects are independent.
 */
#ifndef VIGIL_CONTROL_RULES_SOURCES_H
#define VIGIL_CONTROL_RULES_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The filter files, in the order they apply. */
#define foreach_rules_conf_kind                                                                    \
	_(DISABLE, "disable.conf")                                                                 \
	_(ENABLE, "enable.conf")                                                                   \
	_(DROP, "drop.conf")                                                                       \
	_(MODIFY, "modify.conf")

enum rules_conf_kind {
#define _(sym, file) RULES_CONF_##sym,
	foreach_rules_conf_kind
#undef _
	    RULES_CONF_KINDS
};

/* The file name each kind is read from (in the conf folder). */
const char *rules_conf_file_name(enum rules_conf_kind kind);

struct rules_conf_filter;

/* One filter file, parsed. */
struct rules_conf {
	enum rules_conf_kind kind;
	struct rules_conf_filter *filters;
	size_t count, cap;
};

/*
 * Parse text (len bytes, need not end in NUL) as a filter file of kind,
 * appending to conf (zeroed, or from an earlier call of the same kind).
 * Blank lines and lines starting with # are skipped. Returns 0, or
 * -EINVAL with error "file:line: reason" naming the first bad line (conf
 * keeps the lines before it), or -ENOMEM.
 */
int rules_conf_parse(struct rules_conf *conf, enum rules_conf_kind kind, const char *file,
		     const char *text, size_t len, char *error, size_t error_len);

void rules_conf_free(struct rules_conf *conf);

/* A rule of a source, as the filters see it. */
struct rules_source_rule {
	char *text;	/* the rule, without a leading "# " when disabled */
	char *group;	/* the file it came from (base name) */
	char *filename; /* the path in its archive or folder */
	uint32_t gid, sid, rev;
	bool enabled, noalert;
	char *metadata; /* the metadata option's value(s), "k v, k v" ("" = none) */
};

/* Every rule of every source, one per gid:sid (the highest rev wins). */
struct rules_set {
	struct rules_source_rule *rules;
	size_t count, cap;
	size_t skipped; /* rule-looking lines without a sid: not taken */
};

/*
 * Add the rules of one rules file (text, len bytes) found at filename
 * (its group is the base name). A line "# alert ..." with a sid is a
 * disabled rule; other comments are dropped. Returns 0 or -ENOMEM.
 */
int rules_set_add_file(struct rules_set *set, const char *filename, const char *text, size_t len);

/* What applying the filters did, for the operator. */
struct rules_apply_report {
	size_t disabled, enabled, dropped, modified;
	size_t modify_failed; /* a modification that left no sid: the rule kept as it was */
};

/* Apply the filters (any of confs may be NULL) in the documented order. Returns 0 or -ENOMEM. */
int rules_set_apply(struct rules_set *set, const struct rules_conf *const confs[RULES_CONF_KINDS],
		    struct rules_apply_report *report);

/*
 * The merged rules file: enabled rules as they are, disabled ones as
 * "# RULE", sorted by gid:sid so the same sources give the same bytes.
 * Returns a malloc'ed NUL-terminated text (its length in *len) or NULL.
 */
char *rules_set_render(struct rules_set *set, size_t *len);

void rules_set_free(struct rules_set *set);

/* A rule's identity in a diff. */
struct rules_diff_id {
	uint32_t gid, sid;
};

/* What a new set changes against an old one (enabled rules only). */
struct rules_diff {
	struct rules_diff_id *added, *removed, *changed; /* each sorted by gid:sid */
	size_t added_count, removed_count, changed_count;
	size_t unchanged_count;
};

/*
 * Compare the enabled rules of old and new by gid:sid: added (only in
 * new), removed (only in old), changed (in both, with other text). Sorts
 * both sets. Returns 0 or -ENOMEM.
 */
int rules_diff_compute(struct rules_set *old, struct rules_set *new, struct rules_diff *diff);

void rules_diff_free(struct rules_diff *diff);

/* One source of the sources file. */
struct rules_source {
	char
	    location[1024]; /* https://... or a local path (a .rules file, a tarball or a folder) */
	char sha256[65];    /* expected SHA-256 of the fetched bytes, lower-case hex; "" = none */
	unsigned line;
};

/*
 * Parse a sources file: one source per line, "LOCATION [sha256=HEX]",
 * where LOCATION is an https:// URL or a local path; blank lines and #
 * comments are skipped; a http:// URL is refused (rules are code the
 * appliance runs). Returns the number of sources (into out, at most max),
 * or -EINVAL with error "file:line: reason".
 */
int rules_sources_parse(const char *file, const char *text, size_t len, struct rules_source *out,
			size_t max, char *error, size_t error_len);

#endif
