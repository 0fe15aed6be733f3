/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter file as parsed: numbered stateless ACL rules, stateful
 * (security-group) allow rules, named IP sets, domain lists and the
 * defaults, in plain C memory. This is what the parsers (filter_file.c,
 * filter_ipset.c, filter_domain.c) produce and what filter_tables.c
 * compiles into the immutable tables the workers read. Nothing here
 * touches DPDK, so the parsers run in unit tests and under libFuzzer as
 * they are.
 *
 * Errors are one line, "FILE:LINE:COL: what is wrong", naming the bad
 * token; a spec that failed to parse is freed with filter_spec_free().
 */
#ifndef VIGIL_DATAPLANE_FILTER_SPEC_H
#define VIGIL_DATAPLANE_FILTER_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FILTER_RULE_NUMBER_MAX 32766 /* ACL rule numbers 1..32766 (as in AWS network ACLs) */
#define FILTER_MAX_SETS	       16    /* named IP sets per filter file */
#define FILTER_NAME_MAX	       64
#define FILTER_ERROR_MAX       512
#define FILTER_PATH_MAX	       512

enum filter_action {
	FILTER_ALLOW = 0,
	FILTER_DENY = 1,
};

/* Direction relative to the protected side (the board's [filter] protected_port). */
enum filter_direction {
	FILTER_DIR_ANY = 0,
	FILTER_DIR_INGRESS = 1, /* toward the protected side */
	FILTER_DIR_EGRESS = 2,	/* from the protected side */
};

/* An IPv4 or IPv6 prefix; addresses in network order, IPv4 in the first four bytes. */
struct filter_prefix {
	uint8_t addr[16];
	uint8_t len;	 /* prefix length: 0..32 or 0..128 */
	uint8_t version; /* 4 or 6 */
};

/* One side (source or destination) of a rule: any, a prefix, or an IP set. */
struct filter_addr {
	bool any;
	int set; /* index into spec.sets, or -1 */
	struct filter_prefix prefix;
};

/* The fields an ACL or stateful rule matches on; a field left out matches anything. */
struct filter_match {
	int proto; /* IPPROTO_*, -1: any */
	enum filter_direction direction;
	struct filter_addr src, dst;
	uint16_t sport_lo, sport_hi; /* 0..65535 when not given */
	uint16_t dport_lo, dport_hi;
	int icmp_type;	    /* -1: any */
	uint8_t ip_version; /* 0: both (no prefix given), 4 or 6 */
};

struct filter_rule {
	uint32_t number; /* ACL: 1..FILTER_RULE_NUMBER_MAX; stateful: its position, from 1 */
	enum filter_action action;
	struct filter_match match;
	unsigned line;
};

struct filter_set {
	char name[FILTER_NAME_MAX];
	struct filter_prefix *prefixes;
	size_t count, capacity;
	size_t v4_count, v6_count;
	unsigned line;
};

struct filter_domain {
	char *name;  /* lower case, without the leading "." or "*." */
	bool suffix; /* ".example.com" or "*.example.com": subdomains of name */
	enum filter_action action;
};

struct filter_spec {
	char path[FILTER_PATH_MAX];
	enum filter_action acl_default; /* no ACL rule matched */
	bool stateful_deny;		/* new flows no stateful rule allows are denied */
	struct filter_rule *acl;
	size_t acl_count, acl_capacity;
	struct filter_rule *stateful;
	size_t stateful_count, stateful_capacity;
	struct filter_set sets[FILTER_MAX_SETS];
	unsigned set_count;
	struct filter_domain *domains;
	size_t domain_count, domain_capacity;
	bool domain_default_deny; /* SNI/Host on no list: denied */
	int xff_deny_set; /* an HTTP X-Forwarded-For client in this set is denied; -1: off */
	bool log_denies;  /* an EVE drop event for the first denied packet of a flow */
};

/* An empty spec: default allow, stateful allow, no sets. */
void filter_spec_init(struct filter_spec *spec);

/* Free what the spec holds (not the struct itself). */
void filter_spec_free(struct filter_spec *spec);

/*
 * Parse the filter file at path into spec (initialised here). Files the
 * filter file names (IP set and domain lists) are read relative to its
 * folder. Returns 0, or a negative errno with one line in err.
 */
int filter_spec_load(struct filter_spec *spec, const char *path, char *err, size_t err_len);

/*
 * Parse filter text held in memory; origin names it in errors and
 * base_dir is where relative list files are found (NULL: lists refused).
 */
int filter_spec_parse(struct filter_spec *spec, const char *text, size_t len, const char *origin,
		      const char *base_dir, char *err, size_t err_len);

/* The set named name (without '@'), or -1. */
int filter_spec_find_set(const struct filter_spec *spec, const char *name);

/*
 * Prefix text: "192.0.2.0/24", "192.0.2.1" (a /32), "2001:db8::/32". Host
 * bits past the length are cleared. Returns 0 or -EINVAL.
 */
int filter_prefix_parse(const char *text, size_t len, struct filter_prefix *out);

/* "192.0.2.0/24" into buf (at least 50 bytes). */
void filter_prefix_format(const struct filter_prefix *p, char *buf, size_t len);

/* Add a prefix to a set. Returns 0 or -ENOMEM. */
int filter_set_add(struct filter_set *set, const struct filter_prefix *p);

/*
 * IP set lists (filter_ipset.c). One address or prefix per line, in any of:
 * a plain list, CSV (the first column; a header row is skipped), the
 * Spamhaus DROP format ("1.10.16.0/20 ; SBL256894", ";" comments), or an
 * AWS WAF IPSet JSON document ({"IPSet": {..., "Addresses": [...]}}).
 * Comments start with '#' or ';'. Prefixes are added to set. Errors name
 * origin, line and column. Returns 0 or -EINVAL / -ENOMEM.
 */
int filter_ipset_parse(struct filter_set *set, const char *text, size_t len, const char *origin,
		       char *err, size_t err_len);

/* Read a list file into set (any format above). */
int filter_ipset_load(struct filter_set *set, const char *path, char *err, size_t err_len);

enum filter_ipset_format {
	FILTER_IPSET_TEXT, /* one prefix per line */
	FILTER_IPSET_AWS,  /* AWS WAF IPSet JSON; one IP version per set */
};

/* Write set to out. Returns 0, or -EINVAL (AWS: both versions in one set) with err. */
int filter_ipset_export(const struct filter_set *set, enum filter_ipset_format format, FILE *out,
			char *err, size_t err_len);

/*
 * Domain lists (filter_domain.c): one domain per line, '#' comments;
 * "example.com" is that name only, ".example.com" and "*.example.com" its
 * subdomains. Adds entries with action to spec. Returns 0 or -EINVAL.
 */
int filter_domain_parse(struct filter_spec *spec, enum filter_action action, const char *text,
			size_t len, const char *origin, char *err, size_t err_len);

/* Add one domain as written ("*.example.com"); why says what is wrong. Returns 0 or -EINVAL. */
int filter_domain_add(struct filter_spec *spec, enum filter_action action, const char *text,
		      size_t len, char *why, size_t why_len);

/*
 * The next line of text from *at (moved past it and its newline): its
 * start, its length and the offset of its first non-blank. Returns false
 * at the end of text.
 */
bool filter_next_line(const char *text, size_t len, size_t *at, const char **line, size_t *line_len,
		      size_t *first);

/* Read a whole file into a malloc'd, NUL-terminated buffer. Returns 0 or -errno. */
int filter_read_file(const char *path, char **text, size_t *len);

#endif
