/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule parser: Suricata rule text to struct rule. Holds what a whole
 * load shares: address and port variables ($HOME_NET, $HTTP_PORTS, ...),
 * classtypes (classification.config), flowbit names. A rule that cannot be
 * loaded is never skipped silently: its file, line, sid and reason are
 * recorded, and the other rules still load.
 *
 * Runs at start-up or on the control lcore; allocates freely.
 */
#ifndef VIGIL_RULES_PARSE_H
#define VIGIL_RULES_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/lang/rule.h"

struct rule_parser;

/* Why one rule did not load. */
struct rule_load_error {
	char *file;
	unsigned line;
	uint32_t sid; /* 0 when not found */
	char *reason; /* full text: 'unknown keyword "xbits"' */
	char *group;  /* for the report's grouping: 'unknown keyword "xbits"', 'bad value of
			 "byte_test"', ... (the reason without rule-specific values) */
};

/* The rules of a load, the refusals, and how many enabled rules were read. */
struct rule_list {
	struct rule **rules;
	unsigned count;
	struct rule_load_error *errors;
	unsigned error_count;
	unsigned read; /* enabled (not commented-out) rules read: count + error_count */
};

/* A parser with the default variables (as Suricata's default suricata.yaml). */
struct rule_parser *rule_parser_create(void);
void rule_parser_destroy(struct rule_parser *parser);

/* Set a variable: name without '$', value as in a rule ("[10.0.0.0/8,!10.1.0.0/16]", "80"). */
int rule_parser_set_var(struct rule_parser *parser, const char *name, const char *value);

struct rule_ipset_lookup;

/*
 * Where "@NAME" items of address lists are checked (parse time) and
 * looked up (match time); NULL (the default): "@NAME" is refused. The
 * lookup must outlive the parser and every rule it parses.
 */
void rule_parser_set_ipsets(struct rule_parser *parser, const struct rule_ipset_lookup *ipsets);

/*
 * Read classification.config ("config classification: name,description,priority").
 * Returns 0 or -errno/-EINVAL with "FILE:LINE: error: ..." in err
 * ("FILE: error: cannot read: ..." when it cannot be opened).
 */
int rule_parser_load_classification(struct rule_parser *parser, const char *path, char *err,
				    size_t err_len);

/*
 * Parse one rule. file/line name where it was read. Returns the rule, or NULL
 * with the reason available from rule_parser_last_error().
 */
struct rule *rule_parse(struct rule_parser *parser, const char *text, const char *file,
			unsigned line);

/* Why the last rule_parse() failed: "file:line: sid N: reason". */
const struct rule_load_error *rule_parser_last_error(const struct rule_parser *parser);

/*
 * Read a rules file into list (appending): comment lines and blank lines are
 * skipped, a line ending in '\' continues on the next. Returns 0, or -errno
 * when the file cannot be read (then nothing is appended).
 */
int rule_parser_load_file(struct rule_parser *parser, const char *path, struct rule_list *list);

/* The description of a classtype from classification.config, or NULL if unknown. */
const char *rule_parser_classtype_text(const struct rule_parser *parser, const char *name);

/*
 * Parse an address list as in a rule header (variables, lists, negation)
 * into set. Returns 0, or -EINVAL with the reason in err (set left empty).
 */
int rule_parser_addr_set(struct rule_parser *parser, const char *text, struct rule_addr_set *set,
			 char *err, size_t err_len);

/* Number of distinct flowbit names seen so far. */
unsigned rule_parser_flowbit_count(const struct rule_parser *parser);

/* The name of flowbit id bit (below rule_parser_flowbit_count); owned by the parser. */
const char *rule_parser_flowbit_name(const struct rule_parser *parser, unsigned bit);

/* Flow variable names seen so far, and the name of one (owned by the parser). */
unsigned rule_parser_flowvar_count(const struct rule_parser *parser);
const char *rule_parser_flowvar_name(const struct rule_parser *parser, unsigned var);

/*
 * Keep one rule of each gid:sid in list, as Suricata does: the one with the
 * highest rev, the first read when revs are equal. Every other one is
 * freed and recorded in list->errors ("duplicate sid: the rule at FILE:LINE
 * is kept ..."), so list->read is unchanged. Call it once every file of a
 * load is read, so a sid given again in another file is found. Returns 0,
 * or -ENOMEM (then the list is as it was, but for refusals already added).
 */
int rule_list_refuse_duplicates(struct rule_list *list);

/* Free everything list holds (rules and errors), leaving it empty. */
void rule_list_clear(struct rule_list *list);

#endif
