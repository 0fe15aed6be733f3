/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Number tests on the fields an application parser exposes (dns.opcode,
 * dns.rcode, dns.rrtype, tls.cert_chain_len, ...), shared by the protocol
 * keyword families (kw_dns.c, kw_tls.c). The value is Suricata's unsigned
 * integer syntax: kw_compare.h's "N", "<N", ">N", "<=N", ">=N", "N<>M" and
 * "N-M" (both exclusive), each negated by a leading "!" ("!7-15": outside
 * the range), or a name from the keyword's table ("nxdomain", "MX"),
 * case-insensitive. The parser puts the field in a hidden buffer
 * (buffer.h, foreach_rule_buffer_hidden); the keyword's values function
 * reads the field's values from it, and the test holds when one value
 * passes (a multi-valued field such as a message's rrtypes holds on any,
 * as Suricata). The rule is given the buffer (rule.buffers_used), so it is
 * checked on the units that carry it and only there.
 */
#ifndef VIGIL_RULES_KW_FIELD_H
#define VIGIL_RULES_KW_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"

#define KW_FIELD_VALUES_MAX 64

/* The field's values in buf (at most max into out); how many. Per-packet path. */
typedef unsigned (*kw_field_values_fn)(const uint8_t *buf, uint32_t len, uint32_t *out,
				       unsigned max);

struct kw_field_name {
	const char *name;
	uint32_t value;
};

/* What a field keyword is: its name, the largest value, its buffer, its reader, its names. */
struct kw_field {
	const char *keyword;
	uint32_t max;
	int buffer;
	kw_field_values_fn values;
	const struct kw_field_name *names; /* NULL-terminated, or NULL */
};

/* Parse value as a test of field and add the option. Returns 0 or rule_parser_error(). */
int kw_field_parse(struct rule_parser *parser, struct rule *rule, const struct kw_field *field,
		   const char *value);

/* kw_field_parse, but a range N<>M includes both ends (nfs_procedure's, unlike the others). */
int kw_field_parse_inclusive(struct rule_parser *parser, struct rule *rule,
			     const struct kw_field *field, const char *value);

/*
 * A copy of data[0..size) as the rule's next option, a test of buffer (a
 * protocol keyword that is no plain number test: flag lists, indexes, ...).
 * Returns 0 or rule_parser_error().
 */
int kw_field_option_add(struct rule_parser *parser, struct rule *rule, const void *data,
			size_t size, int buffer);

/* The match function of every field keyword. Per-packet path. */
bool kw_field_match(const struct rule_option *option, const struct rule_match_ctx *ctx);

#endif
