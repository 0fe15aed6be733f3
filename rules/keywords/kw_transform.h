/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transforms with options, and the base64 decoder they share with
 * base64_decode (kw_base64.c). kw_buffer.c owns the transform rows and
 * parses every transform's value into a struct kw_transform through
 * kw_transform_parse_value(); the matcher (match.c) runs them through the
 * kw_transform_apply_*() functions below, in place on its per-thread copy
 * of the buffer. Parsing runs off the fast path and may allocate; the
 * apply functions run per packet and allocate nothing but, for pcrexform,
 * one PCRE2 match block per thread on its first use.
 */
#ifndef VIGIL_RULES_KW_TRANSFORM_H
#define VIGIL_RULES_KW_TRANSFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/lang/keyword.h"

/* How base64 text is read (Suricata's from_base64 modes). */
enum kw_base64_mode {
	KW_BASE64_RFC4648, /* stop at the first byte outside the alphabet (the default) */
	KW_BASE64_RFC2045, /* skip bytes outside the alphabet (line breaks, blanks) */
	KW_BASE64_STRICT,  /* any byte outside the alphabet or bad padding: no output */
};

#define KW_TRANSFORM_XOR_KEY_MAX 255

/* rule_option.data of a transform: its type, the value as written, what it parsed to. */
struct kw_transform {
	int type;    /* kw_buffer.c's enum kw_transform_type */
	char *value; /* as written, or NULL */
	/* from_base64 */
	uint32_t base64_bytes; /* 0: to the end */
	uint32_t base64_offset;
	enum kw_base64_mode base64_mode;
	/* pcrexform: the compiled regex (pcre2_code), its first group is the output */
	void *regex;
	/* xor */
	uint8_t xor_key[KW_TRANSFORM_XOR_KEY_MAX];
	uint32_t xor_len;
};

/*
 * Parse transform->value for the transform named name (from_base64,
 * pcrexform, xor; the others take none) into transform. Returns 0 or
 * rule_parser_error()'s -EINVAL naming the bad token.
 */
int kw_transform_parse_value(struct rule_parser *parser, const char *name,
			     struct kw_transform *transform);

/* Free what kw_transform_parse_value() allocated (not transform itself). */
void kw_transform_release(struct kw_transform *transform);

/*
 * Decode base64 text in[0..len) into out (len * 3 / 4 + 3 bytes suffice)
 * as mode says; returns the number of bytes written. A last group of two
 * or three letters gives its whole bytes (Suricata does the same). *ok is
 * false when strict mode refused the text. Any lcore; allocates nothing.
 */
uint32_t kw_base64_decode(const uint8_t *in, uint32_t len, enum kw_base64_mode mode, uint8_t *out,
			  bool *ok);

/*
 * The transforms with options, in place on data[0..*len); each output is
 * no longer than its input. False when the transform cannot run (the rule
 * then cannot match this buffer). Per-packet path.
 */
bool kw_transform_apply_from_base64(const struct kw_transform *t, uint8_t *data, uint32_t *len);
bool kw_transform_apply_pcrexform(const struct kw_transform *t, uint8_t *data, uint32_t *len);
bool kw_transform_apply_xor(const struct kw_transform *t, uint8_t *data, uint32_t *len);
bool kw_transform_apply_md5(const struct kw_transform *t, uint8_t *data, uint32_t *len);
bool kw_transform_apply_sha1(const struct kw_transform *t, uint8_t *data, uint32_t *len);
bool kw_transform_apply_sha256(const struct kw_transform *t, uint8_t *data, uint32_t *len);

#endif
