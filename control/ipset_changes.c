/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console's IP-set changes: kept in memory, appended to a log, applied
 * on top of the filter file at every build.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/ipset_changes.h"
#include "platform/array.h"

static int ipset_changes_push(struct ipset_changes *c, const struct ipset_change *change)
{
	if (ARRAY_GROW(c->list, c->count, c->capacity, 32) < 0)
		return -ENOMEM;
	c->list[c->count++] = *change;
	return 0;
}

/* "add|del SET PREFIX" into change. Returns 0 or -EINVAL with why. */
static int ipset_changes_parse(const char *verb, const char *set, const char *prefix,
			       struct ipset_change *change, char *why, size_t why_len)
{
	if (strcmp(verb, "add") != 0 && strcmp(verb, "del") != 0) {
		snprintf(why, why_len, "\"%s\" is not add or del", verb);
		return -EINVAL;
	}
	if (strlen(set) == 0 || strlen(set) >= FILTER_NAME_MAX) {
		snprintf(why, why_len, "\"%s\" is not a set name", set);
		return -EINVAL;
	}
	if (filter_prefix_parse(prefix, strlen(prefix), &change->prefix) < 0) {
		snprintf(why, why_len, "\"%s\" is not an IPv4 or IPv6 address or prefix", prefix);
		return -EINVAL;
	}
	snprintf(change->set, sizeof(change->set), "%s", set);
	change->add = verb[0] == 'a';
	return 0;
}

int ipset_changes_open(struct ipset_changes *c, const char *store_dir, char *err, size_t err_len)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->log_path, sizeof(c->log_path), "%s/ipset-changes.log", store_dir);
	FILE *f = fopen(c->log_path, "r");
	if (!f)
		return 0;
	char line[256];
	unsigned number = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		number++;
		char verb[8], set[FILTER_NAME_MAX], prefix[64];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		struct ipset_change change;
		char why[128];
		if (sscanf(line, "%7s %63s %63s", verb, set, prefix) != 3 ||
		    ipset_changes_parse(verb, set, prefix, &change, why, sizeof(why)) < 0) {
			snprintf(err, err_len, "%s:%u: error: not \"add|del SET PREFIX\"",
				 c->log_path, number);
			rc = -EINVAL;
		} else {
			rc = ipset_changes_push(c, &change);
		}
	}
	fclose(f);
	return rc;
}

int ipset_changes_record(struct ipset_changes *c, bool add, const char *set, const char *prefix,
			 char *err, size_t err_len)
{
	struct ipset_change change;
	if (ipset_changes_parse(add ? "add" : "del", set, prefix, &change, err, err_len) < 0)
		return -EINVAL;
	FILE *f = fopen(c->log_path, "a");
	if (!f || fprintf(f, "%s %s %s\n", add ? "add" : "del", set, prefix) < 0) {
		snprintf(err, err_len, "cannot write %s", c->log_path);
		if (f)
			fclose(f);
		return -EIO;
	}
	fclose(f);
	return ipset_changes_push(c, &change);
}

void ipset_changes_forget_last(struct ipset_changes *c)
{
	if (c->count)
		c->count--;
	/* the log keeps the line; the replay of a refused change fails the same way and is skipped */
}

static bool ipset_prefix_equal(const struct filter_prefix *a, const struct filter_prefix *b)
{
	return a->version == b->version && a->len == b->len &&
	       memcmp(a->addr, b->addr, a->version == 4 ? 4 : 16) == 0;
}

static void ipset_delete(struct filter_set *set, const struct filter_prefix *p)
{
	size_t kept = 0;
	for (size_t i = 0; i < set->count; i++) {
		if (ipset_prefix_equal(&set->prefixes[i], p)) {
			if (p->version == 4)
				set->v4_count--;
			else
				set->v6_count--;
			continue;
		}
		set->prefixes[kept++] = set->prefixes[i];
	}
	set->count = kept;
}

void ipset_changes_apply(struct filter_spec *spec, void *arg)
{
	struct ipset_changes *c = arg;
	for (size_t i = 0; i < c->count; i++) {
		int s = filter_spec_find_set(spec, c->list[i].set);
		if (s < 0)
			continue;
		if (c->list[i].add)
			filter_set_add(&spec->sets[s], &c->list[i].prefix);
		else
			ipset_delete(&spec->sets[s], &c->list[i].prefix);
	}
}

void ipset_changes_free(struct ipset_changes *c)
{
	free(c->list);
	memset(c, 0, sizeof(*c));
}
