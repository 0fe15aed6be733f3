/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IP-set changes made through the console (ipset add, ipset del): a list
 * of (set, prefix, add or delete) kept beside the filter file, never in
 * it. Each change is appended to STORE/ipset-changes.log, so it survives a
 * restart; the list is applied, in order, on top of every build of the
 * filter file (at start, at each console change, at each SIGHUP reload),
 * so an operator's quick block stays until it is deleted. Control lcore.
 */
#ifndef VIGIL_CONTROL_IPSET_CHANGES_H
#define VIGIL_CONTROL_IPSET_CHANGES_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/filter/filter_spec.h"

struct ipset_change {
	char set[FILTER_NAME_MAX];
	struct filter_prefix prefix;
	bool add; /* false: delete */
};

struct ipset_changes {
	struct ipset_change *list;
	size_t count, capacity;
	char log_path[FILTER_PATH_MAX];
};

/* Read STORE/ipset-changes.log if it exists. Returns 0, or -EINVAL with the bad line in err. */
int ipset_changes_open(struct ipset_changes *c, const char *store_dir, char *err, size_t err_len);

/*
 * Record one change (appended to the log). words: "add" or "del", the set
 * name and a prefix. Returns 0, or a negative error with why in err.
 */
int ipset_changes_record(struct ipset_changes *c, bool add, const char *set, const char *prefix,
			 char *err, size_t err_len);

/* Take the last recorded change back (its build failed). */
void ipset_changes_forget_last(struct ipset_changes *c);

/*
 * Apply every change to spec, in order. A change naming a set spec lacks
 * is skipped (the filter file lost it). The filter_runtime's adjust hook;
 * arg is the struct ipset_changes.
 */
void ipset_changes_apply(struct filter_spec *spec, void *arg);

void ipset_changes_free(struct ipset_changes *c);

#endif
