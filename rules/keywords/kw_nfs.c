/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NFS keywords, as Suricata 8 documents them (file.name, the file's name,
 * comes from buffer.h like every file keyword):
 *   nfs_procedure:N;   the call's procedure: a number test (kw_field.h)
 *                      whose range N<>M includes both ends, unlike the
 *                      other number keywords, as Suricata's does; or an
 *                      NFSv3 procedure's name (getattr is 1)
 *   nfs.version:N;     the RPC program version (2, 3, 4), a number test;
 *                      also nfs_version
 * Both read app.meta (struct rule_nfs_meta, rules/lang/app_meta.h), which
 * the NFS parser puts in the call's unit and its reply's.
 */
#include <stddef.h>

#include "rules/keywords/kw_field.h"
#include "rules/lang/app_meta.h"

static bool kw_nfs_meta(const uint8_t *buf, uint32_t len, struct rule_nfs_meta *m)
{
	return rule_app_meta_get(buf, len, RULE_PROTO_NFS, m, sizeof(*m));
}

static unsigned kw_nfs_procedure_values(const uint8_t *buf, uint32_t len, uint32_t *out,
					unsigned max)
{
	struct rule_nfs_meta m;
	(void)max;
	if (!kw_nfs_meta(buf, len, &m))
		return 0;
	*out = m.procedure;
	return 1;
}

static unsigned kw_nfs_version_values(const uint8_t *buf, uint32_t len, uint32_t *out, unsigned max)
{
	struct rule_nfs_meta m;
	(void)max;
	if (!kw_nfs_meta(buf, len, &m))
		return 0;
	*out = m.version;
	return 1;
}

static const struct kw_field_name kw_nfs_procedure_names[] = {
#define _(n, name) {name, n},
    foreach_rule_nfs3_procedure
#undef _
    {NULL, 0},
};

static const struct kw_field kw_nfs_fields[] = {
    {"nfs_procedure", UINT32_MAX, RULE_BUFFER_APP_META, kw_nfs_procedure_values,
     kw_nfs_procedure_names},
    {"nfs.version", UINT32_MAX, RULE_BUFFER_APP_META, kw_nfs_version_values, NULL},
};

static int kw_nfs_procedure_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse_inclusive(parser, rule, &kw_nfs_fields[0], value);
}

static int kw_nfs_version_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_field_parse(parser, rule, &kw_nfs_fields[1], value);
}

void kw_nfs_register(void)
{
	struct rule_keyword row = {
	    .kind = RULE_KW_FLOW, .value = RULE_KW_VALUE_REQUIRED, .match = kw_field_match};

	row.name = "nfs_procedure";
	row.parse = kw_nfs_procedure_parse;
	rule_keyword_register(&row);
	row.parse = kw_nfs_version_parse;
	row.name = "nfs.version";
	rule_keyword_register(&row);
	row.name = "nfs_version";
	rule_keyword_register(&row);
}
