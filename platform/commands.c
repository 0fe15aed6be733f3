/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigil's subcommands (see commands.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/filter/filter.h"
#include "platform/commands.h"
#include "platform/log.h"
#include "platform/setup.h"
#include "rules/filter/filter_spec.h"

/* --ipset-export / --ipset-import: print a set as text or AWS WAF IPSet JSON, then exit. */
int commands_ipset(const struct options *o)
{
	char err[FILTER_ERROR_MAX];
	enum filter_ipset_format format = FILTER_IPSET_TEXT;
	if (o->ipset_format && strcmp(o->ipset_format, "aws") == 0)
		format = FILTER_IPSET_AWS;
	else if (o->ipset_format && strcmp(o->ipset_format, "text") != 0)
		log_fatal("--format: \"%s\" is not aws or text", o->ipset_format);
	if (o->ipset_import) {
		static struct filter_set set;
		const char *base = strrchr(o->ipset_import, '/');
		base = base ? base + 1 : o->ipset_import;
		snprintf(set.name, sizeof(set.name), "%.*s", (int)strcspn(base, "."), base);
		if (filter_ipset_load(&set, o->ipset_import, err, sizeof(err)) < 0)
			log_fatal("%s", err);
		int rc = filter_ipset_export(&set, format, stdout, err, sizeof(err));
		free(set.prefixes);
		if (rc < 0)
			log_fatal("%s", err);
		return EXIT_SUCCESS;
	}
	if (!o->filter)
		log_fatal("--ipset-export needs --filter FILE");
	static struct filter_spec spec;
	if (filter_spec_load(&spec, o->filter, err, sizeof(err)) < 0)
		log_fatal("%s", err);
	int index = filter_spec_find_set(&spec, o->ipset_export);
	if (index < 0)
		log_fatal("%s: no IP set named \"%s\"", o->filter, o->ipset_export);
	int rc = filter_ipset_export(&spec.sets[index], format, stdout, err, sizeof(err));
	filter_spec_free(&spec);
	if (rc < 0)
		log_fatal("%s", err);
	return EXIT_SUCCESS;
}

/* --check with a filter file: parsed (every list it names too); say what it holds. */
void commands_filter_check(const char *path)
{
	const struct filter_spec *spec = setup_filter_spec();
	size_t v4 = 0, v6 = 0;
	for (unsigned i = 0; i < spec->set_count; i++)
		v4 += spec->sets[i].v4_count, v6 += spec->sets[i].v6_count;
	printf("filter %s: %zu ACL rules (default %s), %zu stateful rules (default %s), %u IP "
	       "sets (%zu IPv4 and %zu IPv6 prefixes), %zu domains: OK\n",
	       path, spec->acl_count, spec->acl_default == FILTER_DENY ? "deny" : "allow",
	       spec->stateful_count, spec->stateful_deny ? "deny" : "allow", spec->set_count, v4,
	       v6, spec->domain_count);
}
