/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiling a filter spec into the immutable struct filter_tables: the ACL
 * and stateful rules into rte_acl contexts (IPv4 and IPv6), the IP sets
 * into their lookup tables (filter_sets.c), and the domain lists into
 * their hash table. Control path only; the tables are never changed once
 * built.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_memory.h>

#include "rules/filter/filter_tables.h"
#include "platform/clock.h"

#define FILTER_FIELDS4	     7
#define FILTER_ACL_MAX_BYTES (256u << 20)
#define FILTER_FIELDS6	     13

RTE_ACL_RULE_DEF(filter_acl_rule4, FILTER_FIELDS4);
RTE_ACL_RULE_DEF(filter_acl_rule6, FILTER_FIELDS6);

#define K4(f) offsetof(struct filter_key4, f)
#define K6(f) offsetof(struct filter_key6, f)

/* rte_acl wants the first field one byte wide, the rest in groups of four bytes. */
static const struct rte_acl_field_def filter_fields4[FILTER_FIELDS4] = {
    {RTE_ACL_FIELD_TYPE_BITMASK, 1, 0, 0, K4(proto)},
    {RTE_ACL_FIELD_TYPE_BITMASK, 4, 1, 1, K4(meta)},
    {RTE_ACL_FIELD_TYPE_BITMASK, 4, 2, 2, K4(sets)},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 3, 3, K4(src)},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 4, 4, K4(dst)},
    {RTE_ACL_FIELD_TYPE_RANGE, 2, 5, 5, K4(sport)},
    {RTE_ACL_FIELD_TYPE_RANGE, 2, 6, 5, K4(dport)},
};

static const struct rte_acl_field_def filter_fields6[FILTER_FIELDS6] = {
    {RTE_ACL_FIELD_TYPE_BITMASK, 1, 0, 0, K6(proto)},
    {RTE_ACL_FIELD_TYPE_BITMASK, 4, 1, 1, K6(meta)},
    {RTE_ACL_FIELD_TYPE_BITMASK, 4, 2, 2, K6(sets)},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 3, 3, K6(src)},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 4, 4, K6(src) + 4},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 5, 5, K6(src) + 8},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 6, 6, K6(src) + 12},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 7, 7, K6(dst)},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 8, 8, K6(dst) + 4},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 9, 9, K6(dst) + 8},
    {RTE_ACL_FIELD_TYPE_MASK, 4, 10, 10, K6(dst) + 12},
    {RTE_ACL_FIELD_TYPE_RANGE, 2, 11, 11, K6(sport)},
    {RTE_ACL_FIELD_TYPE_RANGE, 2, 12, 11, K6(dport)},
};

static uint32_t filter_generation_next = 1;

/* The fields common to both families: proto, meta, sets; then the ports. */
static void filter_rule_common(const struct filter_match *m, struct rte_acl_field *f,
			       unsigned sport_field)
{
	if (m->proto >= 0) {
		f[0].value.u8 = (uint8_t)m->proto;
		f[0].mask_range.u8 = 0xff;
	}
	uint32_t value = 0, mask = 0;
	if (m->direction == FILTER_DIR_INGRESS)
		value |= FILTER_META_INGRESS, mask |= FILTER_META_INGRESS;
	else if (m->direction == FILTER_DIR_EGRESS)
		value |= FILTER_META_EGRESS, mask |= FILTER_META_EGRESS;
	if (m->icmp_type >= 0) {
		value |= (uint32_t)m->icmp_type << FILTER_META_ICMP_SHIFT;
		mask |= 0xffu << FILTER_META_ICMP_SHIFT;
	}
	f[1].value.u32 = value;
	f[1].mask_range.u32 = mask;
	value = mask = 0;
	if (m->src.set >= 0)
		value |= 1u << m->src.set;
	if (m->dst.set >= 0)
		value |= 1u << (m->dst.set + FILTER_SETS_DST_SHIFT);
	f[2].value.u32 = f[2].mask_range.u32 = value;
	f[sport_field].value.u16 = m->sport_lo;
	f[sport_field].mask_range.u16 = m->sport_hi;
	f[sport_field + 1].value.u16 = m->dport_lo;
	f[sport_field + 1].mask_range.u16 = m->dport_hi;
}

static void filter_rule_addr4(const struct filter_addr *a, struct rte_acl_field *f)
{
	if (a->any || a->set >= 0)
		return;
	uint32_t addr;
	memcpy(&addr, a->prefix.addr, 4);
	f->value.u32 = rte_be_to_cpu_32(addr);
	f->mask_range.u32 = a->prefix.len;
}

static void filter_rule_addr6(const struct filter_addr *a, struct rte_acl_field *f)
{
	if (a->any || a->set >= 0)
		return;
	for (unsigned w = 0; w < 4; w++) {
		uint32_t word;
		memcpy(&word, a->prefix.addr + 4 * w, 4);
		int bits = (int)a->prefix.len - 32 * (int)w;
		f[w].value.u32 = rte_be_to_cpu_32(word);
		f[w].mask_range.u32 = (uint32_t)(bits < 0 ? 0 : bits > 32 ? 32 : bits);
	}
}

/*
 * One rte_acl context for the rules of one family; priority makes the
 * lowest rule number win (ACL) and userdata is the rule's index + 1.
 * *ctx stays NULL when no rule applies to the family.
 */
static int filter_acl_build(const struct filter_rule *rules, size_t count, int version,
			    const char *kind, uint32_t generation, struct rte_acl_ctx **ctx,
			    char *err, size_t err_len)
{
	*ctx = NULL;
	size_t n = 0;
	for (size_t i = 0; i < count; i++)
		n += !rules[i].match.ip_version || rules[i].match.ip_version == version;
	if (n == 0)
		return 0;
	size_t fields = version == 4 ? FILTER_FIELDS4 : FILTER_FIELDS6;
	size_t size = RTE_ACL_RULE_SZ(fields);
	uint8_t *buf = calloc(n, size);
	if (!buf)
		goto nomem;
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		const struct filter_match *m = &rules[i].match;
		if (m->ip_version && m->ip_version != version)
			continue;
		struct rte_acl_rule *r = (struct rte_acl_rule *)(buf + k++ * size);
		struct rte_acl_field *f = r->field;
		r->data.category_mask = 1;
		r->data.priority = (int32_t)(FILTER_RULE_NUMBER_MAX + 1 - rules[i].number);
		r->data.userdata = (uint32_t)i + 1;
		if (version == 4) {
			filter_rule_common(m, f, 5);
			filter_rule_addr4(&m->src, &f[3]);
			filter_rule_addr4(&m->dst, &f[4]);
		} else {
			filter_rule_common(m, f, 11);
			filter_rule_addr6(&m->src, &f[3]);
			filter_rule_addr6(&m->dst, &f[7]);
		}
	}
	char name[RTE_ACL_NAMESIZE];
	snprintf(name, sizeof(name), "f%s%d_%u", kind, version, generation);
	struct rte_acl_param param = {.name = name,
				      .socket_id = SOCKET_ID_ANY,
				      .rule_size = (uint32_t)size,
				      .max_rule_num = (uint32_t)n};
	*ctx = rte_acl_create(&param);
	if (!*ctx)
		goto nomem;
	int rc = rte_acl_add_rules(*ctx, (const struct rte_acl_rule *)buf, (uint32_t)n);
	free(buf);
	buf = NULL;
	/* A bound on the compiled trie: rte_acl then splits the rules into more
	 * tries instead of growing one without end on a hostile file. */
	struct rte_acl_config config = {
	    .num_categories = 1, .num_fields = (uint32_t)fields, .max_size = FILTER_ACL_MAX_BYTES};
	memcpy(config.defs, version == 4 ? filter_fields4 : filter_fields6,
	       fields * sizeof(config.defs[0]));
	if (rc == 0)
		rc = rte_acl_build(*ctx, &config);

	if (rc < 0) {
		snprintf(err, err_len, "cannot build the %s IPv%d classifier (%zu rules): %s", kind,
			 version, n, strerror(-rc));
		return rc;
	}
	return 0;
nomem:
	free(buf);
	snprintf(err, err_len, "out of memory building the %s IPv%d classifier (%zu rules)", kind,
		 version, n);
	return -ENOMEM;
}

static bool filter_rules_use_sets(const struct filter_rule *r, size_t n, bool *icmp_type)
{
	bool sets = false;
	for (size_t i = 0; i < n; i++) {
		sets |= r[i].match.src.set >= 0 || r[i].match.dst.set >= 0;
		*icmp_type |= r[i].match.icmp_type >= 0;
	}
	return sets;
}

int filter_tables_build(const struct filter_spec *spec, struct filter_tables **out,
			struct filter_build_report *report, char *err, size_t err_len)
{
	struct filter_build_report unused;
	if (!report)
		report = &unused;
	memset(report, 0, sizeof(*report));
	double start = clock_monotonic_seconds();
	struct filter_tables *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	/* The tables own a copy of the spec: the caller keeps (and frees) its own. */
	t->spec = *spec;
	t->spec.acl = t->spec.stateful = NULL;
	t->spec.domains = NULL;
	for (unsigned s = 0; s < spec->set_count; s++) {
		t->spec.sets[s].prefixes = NULL;
		t->set_keys[s] = filter_ipset_key(spec->sets[s].name);
	}
	t->generation = __atomic_fetch_add(&filter_generation_next, 1, __ATOMIC_RELAXED);
	int rc = -ENOMEM;
	t->spec.acl = malloc((spec->acl_count + 1) * sizeof(*spec->acl));
	t->spec.stateful = malloc((spec->stateful_count + 1) * sizeof(*spec->stateful));
	t->acl_results = malloc((spec->acl_count + 1) * sizeof(*t->acl_results));
	if (!t->spec.acl || !t->spec.stateful || !t->acl_results)
		goto fail_nomem;
	memcpy(t->spec.acl, spec->acl, spec->acl_count * sizeof(*spec->acl));
	memcpy(t->spec.stateful, spec->stateful, spec->stateful_count * sizeof(*spec->stateful));
	for (unsigned s = 0; s < spec->set_count; s++) {
		struct filter_set *set = &t->spec.sets[s];
		set->prefixes = malloc((set->count + 1) * sizeof(*set->prefixes));
		if (!set->prefixes)
			goto fail_nomem;
		memcpy(set->prefixes, spec->sets[s].prefixes, set->count * sizeof(*set->prefixes));
		set->capacity = set->count;
	}
	t->spec.domain_count = t->spec.domain_capacity = 0;
	for (size_t i = 0; i < spec->domain_count; i++) {
		char why[64];
		const struct filter_domain *d = &spec->domains[i];
		if (filter_domain_add(&t->spec, d->action, d->name, strlen(d->name), why,
				      sizeof(why)) < 0)
			goto fail_nomem;
		t->spec.domains[t->spec.domain_count - 1].suffix = d->suffix;
	}
	for (size_t i = 0; i < spec->acl_count; i++)
		t->acl_results[i] = (struct filter_rule_result){(uint16_t)spec->acl[i].number,
								(uint8_t)spec->acl[i].action};
	t->acl_default = spec->acl_default;
	t->stateful_deny = spec->stateful_deny;
	t->log_denies = spec->log_denies;
	t->xff_deny_set = spec->xff_deny_set;
	t->needs_sets = filter_rules_use_sets(spec->acl, spec->acl_count, &t->has_icmp_type);
	t->needs_sets |=
	    filter_rules_use_sets(spec->stateful, spec->stateful_count, &t->has_icmp_type);

	double acl_start = clock_monotonic_seconds();
	for (int f = 0; f < 2; f++) {
		int version = f ? 6 : 4;
		rc = filter_acl_build(spec->acl, spec->acl_count, version, "acl", t->generation,
				      &t->acl[f], err, err_len);
		if (rc == 0 && spec->stateful_deny)
			rc = filter_acl_build(spec->stateful, spec->stateful_count, version, "sg",
					      t->generation, &t->stateful[f], err, err_len);
		if (rc < 0)
			goto fail;
	}
	double set_start = clock_monotonic_seconds();
	report->acl_seconds = set_start - acl_start;
	rc = filter_sets_build(t, err, err_len);
	if (rc < 0)
		goto fail;
	report->set_seconds = clock_monotonic_seconds() - set_start;
	rc = filter_domain_table_build(&t->domains, &t->spec);
	if (rc < 0)
		goto fail_nomem;
	t->has_domains = spec->domain_count > 0 || spec->domain_default_deny;

	report->acl_rules = spec->acl_count;
	report->stateful_rules = spec->stateful_count;
	report->sets = spec->set_count;
	for (unsigned s = 0; s < spec->set_count; s++) {
		report->prefixes_v4 += spec->sets[s].v4_count;
		report->prefixes_v6 += spec->sets[s].v6_count;
	}
	report->domains = spec->domain_count;
	report->total_seconds = clock_monotonic_seconds() - start;
	*out = t;
	return 0;
fail_nomem:
	snprintf(err, err_len, "out of memory building the filter tables");
	rc = -ENOMEM;
fail:
	filter_tables_free(t);
	return rc;
}

int filter_tables_load(const char *path, struct filter_tables **out,
		       struct filter_build_report *report, char *err, size_t err_len)
{
	struct filter_spec spec;
	int rc = filter_spec_load(&spec, path, err, err_len);
	if (rc < 0)
		return rc;
	rc = filter_tables_build(&spec, out, report, err, err_len);
	if (rc < 0) {
		char why[FILTER_ERROR_MAX];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, err_len, "%s: %s", path, why);
	}
	filter_spec_free(&spec);
	return rc;
}

void filter_tables_free(struct filter_tables *t)
{
	if (!t)
		return;
	for (int f = 0; f < 2; f++) {
		rte_acl_free(t->acl[f]);
		rte_acl_free(t->stateful[f]);
	}
	filter_sets_free(t);
	filter_domain_table_free(&t->domains);
	free(t->acl_results);
	filter_spec_free(&t->spec);
	free(t);
}

const struct filter_spec *filter_tables_spec(const struct filter_tables *t)
{
	return &t->spec;
}
