/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter tables' life on the control lcore (see filter.h): the first
 * tables, every reload (the console's filter reload and SIGHUP alike go
 * through filter_runtime_rebuild()), each published by the one scheme of
 * dataplane/publish.h, and the tables freed once no worker can see them.
 * The per-packet stage is filter.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/filter/filter.h"
#include "dataplane/publish.h"
#include "rules/filter/filter_tables.h"

static volatile sig_atomic_t filter_reload_requested;

int filter_runtime_init(struct filter_runtime *rt, struct publish_domain *domain, const char *path)
{
	memset(rt, 0, sizeof(*rt));
	snprintf(rt->path, sizeof(rt->path), "%s", path ? path : "");
	rt->domain = domain;
	return 0;
}

void filter_runtime_publish(struct filter_runtime *rt, struct filter_tables *next)
{
	filter_tables_free(publish_swap(rt->domain, (void **)&rt->tables, next));
}

void filter_runtime_request_reload(void)
{
	filter_reload_requested = 1;
}

int filter_runtime_poll(struct filter_runtime *rt, char *err, size_t err_len)
{
	if (!filter_reload_requested)
		return 0;
	filter_reload_requested = 0;
	if (!rt->path[0]) {
		snprintf(err, err_len, "no filter file to reload");
		return -EINVAL;
	}
	int rc = filter_runtime_rebuild(rt, err, err_len);
	if (rc < 0) {
		rt->reload_failures++;
		return rc;
	}
	rt->reloads++;
	return 1;
}

int filter_runtime_rebuild(struct filter_runtime *rt, char *err, size_t err_len)
{
	struct filter_spec spec;
	int rc = filter_spec_load(&spec, rt->path, err, err_len);
	if (rc < 0)
		return rc;
	if (rt->adjust)
		rt->adjust(&spec, rt->adjust_arg);
	struct filter_tables *next;
	rc = filter_tables_build(&spec, &next, NULL, err, err_len);
	filter_spec_free(&spec);
	if (rc < 0)
		return rc;
	filter_runtime_publish(rt, next);
	return 0;
}

void filter_runtime_free(struct filter_runtime *rt)
{
	filter_tables_free(__atomic_exchange_n(&rt->tables, NULL, __ATOMIC_ACQ_REL));
}
