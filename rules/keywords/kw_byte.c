/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * byte_test, byte_jump, byte_extract and isdataat: the keywords that read
 * numbers out of the buffer (length fields, counts, offsets) rather than
 * look for patterns. They are how rules follow a protocol's own structure,
 * e.g. jump over a length-prefixed field and test what follows, which is
 * what stops an attacker from hiding a pattern behind a field a plain
 * search would mis-align. Semantics follow Suricata 7, including its
 * corner cases (see the comments at each); the matcher (match.c) runs
 * them in chain order with the content options.
 *
 * Also the helper every payload keyword uses for values that may be
 * byte_extract variables (payload.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"

enum byte_op {
	BYTE_OP_EQ,
	BYTE_OP_LT,
	BYTE_OP_GT,
	BYTE_OP_LE,
	BYTE_OP_GE,
	BYTE_OP_AND,
	BYTE_OP_XOR
};

#define BYTE_MAX_BINARY 8  /* a uint64_t */
#define BYTE_MAX_STRING 23 /* as Suricata: enough for any 64-bit number with slack */
#define BYTE_MAX_TOKENS 16

struct kw_byte {
	struct payload_head head; /* first: see payload.h */
	uint8_t nbytes;
	uint8_t base; /* 0: binary, else 8, 10 or 16 (string) */
	bool little;  /* binary byte order */
	bool
	    dce; /* binary byte order from the DCE/RPC PDU (dcerpc.meta): little unless it says big */
	struct payload_value offset;
	uint64_t bitmask; /* 0: none */
	uint8_t bitmask_shift;
	/* byte_test */
	uint8_t op; /* enum byte_op */
	bool op_negated;
	struct payload_value value;
	/* byte_jump and byte_extract */
	uint64_t multiplier; /* 1 when absent */
	uint8_t align;	     /* 0, 2 or 4 */
	bool from_beginning;
	bool from_end;
	int64_t post_offset;
	int8_t var; /* byte_extract: the variable's slot */
};

struct kw_isdataat {
	struct payload_head head;
	struct payload_value size;
};

/* ------------------------------------------------------------ value helper */

static bool parse_int(const char *text, int64_t min, int64_t max, int base, int64_t *out)
{
	char *end;
	errno = 0;
	if (*text == '\0')
		return false;
	long long v = strtoll(text, &end, base);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_u64(const char *text, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)*text))
		return false;
	unsigned long long v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

int payload_parse_value(struct rule_parser *parser, const char *text, int64_t min, int64_t max,
			const char *what, struct payload_value *value)
{
	char buf[96];
	if (!payload_trim_copy(text, buf, sizeof(buf)) || buf[0] == '\0')
		return rule_parser_error(parser, "%s: bad value \"%s\"", what, text ? text : "");
	value->var = -1;
	value->number = 0;
	if (isalpha((unsigned char)buf[0]) || buf[0] == '_') {
		int slot = rule_parser_byte_var(parser, buf, false);
		if (slot < 0 || slot >= RULE_MAX_BYTE_VARS)
			return rule_parser_error(
			    parser,
			    "%s: \"%s\" is neither a number nor a byte_extract "
			    "variable of this rule",
			    what, buf);
		value->var = (int8_t)slot;
		return 0;
	}
	if (!parse_int(buf, min, max, 10, &value->number))
		return rule_parser_error(parser, "%s: bad value \"%s\" (expected %lld..%lld)", what,
					 buf, (long long)min, (long long)max);
	return 0;
}

/* ----------------------------------------------------------------- parsing */

/* Split "a, b ,c" into trimmed tokens in buf; returns the count or -1. */
static int split_tokens(const char *value, char *buf, size_t cap, char **tokens)
{
	if (value == NULL || strlen(value) + 1 > cap)
		return -1;
	strcpy(buf, value);
	int n = 0;
	char *p = buf;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma != NULL)
			*comma = '\0';
		if (n == BYTE_MAX_TOKENS)
			return -1;
		while (isspace((unsigned char)*p))
			p++;
		char *e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		tokens[n++] = p;
		if (comma == NULL)
			return n;
		p = comma + 1;
	}
}

/* "multiplier 4" -> "4", or NULL when token is not name followed by a value. */
static const char *token_argument(const char *token, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(token, name, n) != 0 || !isspace((unsigned char)token[n]))
		return NULL;
	token += n;
	while (isspace((unsigned char)*token))
		token++;
	return token;
}

static int parse_nbytes(struct rule_parser *parser, const char *what, const char *token,
			struct kw_byte *b)
{
	int64_t n;
	/* 0: with "string", the digits there are (check_sizes()) */
	if (!parse_int(token, 0, BYTE_MAX_STRING, 10, &n))
		return rule_parser_error(parser, "%s: bad number of bytes \"%s\"", what, token);
	b->nbytes = (uint8_t)n;
	return 0;
}

/*
 * The options the three keywords share, one token at a time. Returns 1 when
 * token was one of them, 0 when it is not, or -EINVAL. i is advanced past a
 * "string" base when present.
 */
static int parse_common_option(struct rule_parser *parser, const char *what, char **tokens,
			       int count, int *i, struct kw_byte *b)
{
	const char *t = tokens[*i];
	const char *arg;
	if (strcmp(t, "relative") == 0) {
		b->head.relative = true;
	} else if (strcmp(t, "big") == 0) {
		b->little = false;
	} else if (strcmp(t, "little") == 0) {
		b->little = true;
	} else if (strcmp(t, "string") == 0) {
		b->base = 10;
		if (*i + 1 < count) {
			const char *base = tokens[*i + 1];
			int v = strcmp(base, "hex") == 0   ? 16
				: strcmp(base, "dec") == 0 ? 10
				: strcmp(base, "oct") == 0 ? 8
							   : 0;
			if (v != 0) {
				b->base = (uint8_t)v;
				(*i)++;
			}
		}
	} else if (strcmp(t, "dce") == 0) {
		b->dce = true;
	} else if ((arg = token_argument(t, "bitmask")) != NULL) {
		if (!parse_u64(arg, &b->bitmask) || b->bitmask == 0)
			return rule_parser_error(parser, "%s: bad bitmask \"%s\"", what, arg);
		uint64_t m = b->bitmask;
		while ((m & 1) == 0) {
			m >>= 1;
			b->bitmask_shift++;
		}
	} else {
		return 0;
	}
	return 1;
}

static int check_sizes(struct rule_parser *parser, const char *what, const struct kw_byte *b)
{
	if (b->dce && b->base)
		return rule_parser_error(parser, "%s: dce reads binary numbers, not \"string\"",
					 what);
	if (b->base == 0 && b->nbytes > BYTE_MAX_BINARY)
		return rule_parser_error(parser, "%s: %u bytes is more than %d without \"string\"",
					 what, b->nbytes, BYTE_MAX_BINARY);
	if (b->base == 0 && b->nbytes == 0)
		return rule_parser_error(parser, "%s: 0 bytes needs \"string\"", what);
	return 0;
}

static int add_byte_option(struct rule_parser *parser, struct rule *rule, const char *what,
			   const struct kw_byte *b)
{
	struct kw_byte *copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return rule_parser_error(parser, "%s: out of memory", what);
	*copy = *b;
	if (rule_parser_add_option(parser, rule, copy) == NULL) {
		free(copy);
		return rule_parser_error(parser, "%s: out of memory", what);
	}
	return 0;
}

static int parse_operator(struct rule_parser *parser, const char *token, struct kw_byte *b)
{
	const char *op = token;
	if (*op == '!') {
		b->op_negated = true;
		op++;
	}
	static const struct {
		const char *text;
		enum byte_op op;
	} ops[] = {{"=", BYTE_OP_EQ},  {"<", BYTE_OP_LT},  {">", BYTE_OP_GT}, {"<=", BYTE_OP_LE},
		   {">=", BYTE_OP_GE}, {"&", BYTE_OP_AND}, {"^", BYTE_OP_XOR}};
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		if (strcmp(op, ops[k].text) == 0) {
			b->op = (uint8_t)ops[k].op;
			return 0;
		}
	}
	return rule_parser_error(parser, "byte_test: unknown operator \"%s\"", token);
}

/* byte_test: bytes, [!]op, value, offset [,relative] [,big|little] [,string,base] [,bitmask m] */
static int byte_test_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "byte_test");
	if (rc < 0)
		return rc;
	char buf[512];
	char *tokens[BYTE_MAX_TOKENS];
	int count = split_tokens(value, buf, sizeof(buf), tokens);
	if (count < 4)
		return rule_parser_error(
		    parser, "byte_test: needs bytes, operator, value and offset, got \"%s\"",
		    value ? value : "");
	struct kw_byte b = {.head = {.type = PAYLOAD_BYTE_TEST}, .multiplier = 1, .var = -1};
	if ((rc = parse_nbytes(parser, "byte_test", tokens[0], &b)) < 0 ||
	    (rc = parse_operator(parser, tokens[1], &b)) < 0)
		return rc;
	if (isdigit((unsigned char)tokens[2][0])) {
		b.value.var = -1;
		uint64_t v;
		if (!parse_u64(tokens[2], &v))
			return rule_parser_error(parser, "byte_test: bad value \"%s\"", tokens[2]);
		b.value.number = (int64_t)v;
	} else if ((rc = payload_parse_value(parser, tokens[2], 0, 0, "byte_test", &b.value)) < 0) {
		return rc;
	}
	if ((rc = payload_parse_value(parser, tokens[3], INT32_MIN, INT32_MAX, "byte_test offset",
				      &b.offset)) < 0)
		return rc;
	for (int i = 4; i < count; i++) {
		rc = parse_common_option(parser, "byte_test", tokens, count, &i, &b);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return rule_parser_error(parser, "byte_test: unknown option \"%s\"",
						 tokens[i]);
	}
	if ((rc = check_sizes(parser, "byte_test", &b)) < 0)
		return rc;
	return add_byte_option(parser, rule, "byte_test", &b);
}

/*
 * byte_jump: bytes, offset [,relative] [,multiplier n] [,big|little]
 * [,string,base] [,align] [,from_beginning|from_end] [,post_offset n] [,bitmask m]
 */
static int byte_jump_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "byte_jump");
	if (rc < 0)
		return rc;
	char buf[512];
	char *tokens[BYTE_MAX_TOKENS];
	int count = split_tokens(value, buf, sizeof(buf), tokens);
	if (count < 2)
		return rule_parser_error(parser, "byte_jump: needs bytes and offset, got \"%s\"",
					 value ? value : "");
	struct kw_byte b = {.head = {.type = PAYLOAD_BYTE_JUMP}, .multiplier = 1, .var = -1};
	if ((rc = parse_nbytes(parser, "byte_jump", tokens[0], &b)) < 0 ||
	    (rc = payload_parse_value(parser, tokens[1], INT32_MIN, INT32_MAX, "byte_jump offset",
				      &b.offset)) < 0)
		return rc;
	for (int i = 2; i < count; i++) {
		const char *t = tokens[i], *arg;
		rc = parse_common_option(parser, "byte_jump", tokens, count, &i, &b);
		if (rc < 0)
			return rc;
		if (rc == 1)
			continue;
		if (strcmp(t, "align") == 0) {
			b.align = 4;
		} else if (strcmp(t, "from_beginning") == 0) {
			b.from_beginning = true;
		} else if (strcmp(t, "from_end") == 0) {
			b.from_end = true;
		} else if ((arg = token_argument(t, "multiplier")) != NULL) {
			int64_t m;
			if (!parse_int(arg, 1, 65535, 10, &m))
				return rule_parser_error(parser, "byte_jump: bad multiplier \"%s\"",
							 arg);
			b.multiplier = (uint64_t)m;
		} else if ((arg = token_argument(t, "post_offset")) != NULL) {
			if (!parse_int(arg, -65535, 65535, 10, &b.post_offset))
				return rule_parser_error(parser,
							 "byte_jump: bad post_offset \"%s\"", arg);
		} else {
			return rule_parser_error(parser, "byte_jump: unknown option \"%s\"", t);
		}
	}
	if (b.from_beginning && b.from_end)
		return rule_parser_error(parser, "byte_jump: from_beginning and from_end together");
	if ((rc = check_sizes(parser, "byte_jump", &b)) < 0)
		return rc;
	return add_byte_option(parser, rule, "byte_jump", &b);
}

/*
 * byte_extract: bytes, offset, name [,relative] [,multiplier n] [,big|little]
 * [,string[,base]] [,align 2|4] [,bitmask m]
 */
static int byte_extract_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "byte_extract");
	if (rc < 0)
		return rc;
	char buf[512];
	char *tokens[BYTE_MAX_TOKENS];
	int count = split_tokens(value, buf, sizeof(buf), tokens);
	if (count < 3)
		return rule_parser_error(parser,
					 "byte_extract: needs bytes, offset and name, got \"%s\"",
					 value ? value : "");
	struct kw_byte b = {.head = {.type = PAYLOAD_BYTE_EXTRACT}, .multiplier = 1, .var = -1};
	if ((rc = parse_nbytes(parser, "byte_extract", tokens[0], &b)) < 0 ||
	    (rc = payload_parse_value(parser, tokens[1], -65535, 65535, "byte_extract offset",
				      &b.offset)) < 0)
		return rc;
	const char *name = tokens[2];
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return rule_parser_error(parser, "byte_extract: bad variable name \"%s\"", name);
	for (int i = 3; i < count; i++) {
		const char *t = tokens[i], *arg;
		rc = parse_common_option(parser, "byte_extract", tokens, count, &i, &b);
		if (rc < 0)
			return rc;
		if (rc == 1)
			continue;
		if ((arg = token_argument(t, "align")) != NULL) {
			if (strcmp(arg, "2") != 0 && strcmp(arg, "4") != 0)
				return rule_parser_error(parser,
							 "byte_extract: align must be 2 or 4");
			b.align = (uint8_t)(arg[0] - '0');
		} else if ((arg = token_argument(t, "multiplier")) != NULL) {
			int64_t m;
			if (!parse_int(arg, 1, 65535, 10, &m))
				return rule_parser_error(
				    parser, "byte_extract: bad multiplier \"%s\"", arg);
			b.multiplier = (uint64_t)m;
		} else {
			return rule_parser_error(parser, "byte_extract: unknown option \"%s\"", t);
		}
	}
	if ((rc = check_sizes(parser, "byte_extract", &b)) < 0)
		return rc;
	int slot = rule_parser_byte_var(parser, name, true);
	if (slot < 0 || slot >= RULE_MAX_BYTE_VARS)
		return rule_parser_error(parser,
					 "byte_extract: cannot define \"%s\" (already defined, or "
					 "more than %d variables)",
					 name, RULE_MAX_BYTE_VARS);
	b.var = (int8_t)slot;
	return add_byte_option(parser, rule, "byte_extract", &b);
}

/* isdataat: [!]N [,relative] [,rawbytes]; N may be a byte_extract variable. */
static int isdataat_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "isdataat");
	if (rc < 0)
		return rc;
	char buf[256];
	char *tokens[BYTE_MAX_TOKENS];
	int count = split_tokens(value, buf, sizeof(buf), tokens);
	if (count < 1 || tokens[0][0] == '\0')
		return rule_parser_error(parser, "isdataat: needs a size");
	struct kw_isdataat d = {.head = {.type = PAYLOAD_ISDATAAT}};
	char *size = tokens[0];
	if (*size == '!') {
		d.head.negated = true;
		size++;
	}
	if ((rc = payload_parse_value(parser, size, 0, 65535, "isdataat", &d.size)) < 0)
		return rc;
	for (int i = 1; i < count; i++) {
		if (strcmp(tokens[i], "relative") == 0)
			d.head.relative = true;
		else if (strcmp(tokens[i], "rawbytes") != 0)
			return rule_parser_error(parser, "isdataat: unknown option \"%s\"",
						 tokens[i]);
	}
	struct kw_isdataat *copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return rule_parser_error(parser, "isdataat: out of memory");
	*copy = d;
	if (rule_parser_add_option(parser, rule, copy) == NULL) {
		free(copy);
		return rule_parser_error(parser, "isdataat: out of memory");
	}
	return 0;
}

/* ---------------------------------------------------------------- matching */

/*
 * Where the bytes lie: offset, from the cursor when relative, else from the
 * start of the data inspected (the origin). A read that would start before
 * the buffer or run past its end fails, whatever the negation, so a
 * truncated length field never satisfies "byte_test:!...".
 */
static bool byte_locate(const struct kw_byte *b, const struct rule_payload_cursor *cursor,
			uint32_t *at)
{
	int64_t start = payload_value_get(&b->offset, cursor);
	start += b->head.relative ? cursor->position : cursor->origin;
	/* 0 bytes (string): at least one byte there to read */
	if (start < 0 || start + (b->nbytes ? b->nbytes : 1) > (int64_t)cursor->len)
		return false;
	*at = (uint32_t)start;
	return true;
}

/*
 * Read the number at p. Binary: nbytes in the keyword's byte order. String:
 * digits of the base from the first of the nbytes, stopping at the first
 * other character (as strtoull, which Suricata uses: "12ab" reads 12); no
 * digit at all fails. *used is how many bytes were consumed.
 */
static bool byte_read(const struct kw_byte *b, const struct rule_payload_cursor *cursor,
		      const uint8_t *p, uint32_t avail, uint64_t *out, uint32_t *used)
{
	uint64_t v = 0;
	bool little = b->little;
	if (b->dce) {
		const uint8_t *meta =
		    cursor->ctx ? cursor->ctx->buffer[RULE_BUFFER_DCERPC_META] : NULL;
		little = !meta || ((const struct rule_dcerpc_meta *)meta)->little;
	}
	/* 0 bytes (Suricata 8, string only): the digits there are, at most
	 * BYTE_MAX_STRING and not past the buffer */
	uint32_t width =
	    b->nbytes ? b->nbytes : (avail < BYTE_MAX_STRING ? avail : BYTE_MAX_STRING);
	if (b->base == 0) {
		for (uint32_t i = 0; i < b->nbytes; i++) {
			uint8_t byte = little ? p[b->nbytes - 1 - i] : p[i];
			v = v << 8 | byte;
		}
		*out = v;
		*used = b->nbytes;
		return true;
	}
	uint32_t i = 0;
	while (i < width && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < width && p[i] == '+')
		i++;
	if (b->base == 16 && i + 2 < width && p[i] == '0' && (p[i + 1] | 0x20) == 'x' &&
	    isxdigit(p[i + 2]))
		i += 2;
	uint32_t digits = 0;
	for (; i < width; i++, digits++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (b->base == 16 && isxdigit(c))
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (d >= b->base)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / b->base)
			return false; /* overflow: strtoull would say ERANGE */
		v = v * b->base + (uint64_t)d;
	}
	if (digits == 0)
		return false;
	*out = v;
	*used = i;
	return true;
}

static uint64_t byte_mask(const struct kw_byte *b, uint64_t v)
{
	if (b->bitmask == 0)
		return v;
	return (v & b->bitmask) >> b->bitmask_shift;
}

static bool byte_test_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_byte *b = option->data;
	uint32_t at, used;
	uint64_t v;
	if (!byte_locate(b, cursor, &at) ||
	    !byte_read(b, cursor, cursor->data + at, cursor->len - at, &v, &used))
		return false;
	v = byte_mask(b, v);
	uint64_t want = b->value.var >= 0 ? cursor->vars[b->value.var] : (uint64_t)b->value.number;
	bool hit = false;
	switch ((enum byte_op)b->op) {
	case BYTE_OP_EQ:
		hit = v == want;
		break;
	case BYTE_OP_LT:
		hit = v < want;
		break;
	case BYTE_OP_GT:
		hit = v > want;
		break;
	case BYTE_OP_LE:
		hit = v <= want;
		break;
	case BYTE_OP_GE:
		hit = v >= want;
		break;
	case BYTE_OP_AND:
		hit = (v & want) != 0;
		break;
	case BYTE_OP_XOR:
		hit = (v ^ want) != 0;
		break;
	}
	return hit != b->op_negated;
}

/*
 * Suricata 7: the jump counts from the end of the bytes read (from the
 * start of the data inspected with from_beginning, from its end with
 * from_end), then post_offset; a target before the buffer start is pulled
 * back to 0, one past the end fails. Landing exactly at the end is
 * allowed, so "isdataat:!1,relative" after a jump can check that nothing
 * follows.
 */
static bool byte_jump_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_byte *b = option->data;
	uint32_t at, used;
	uint64_t v;
	if (!byte_locate(b, cursor, &at) ||
	    !byte_read(b, cursor, cursor->data + at, cursor->len - at, &v, &used))
		return false;
	v = byte_mask(b, v);
	if (v > ((uint64_t)1 << 32))
		return false; /* far past any buffer; also keeps the arithmetic exact */
	v *= b->multiplier;
	if (b->align != 0 && v % b->align != 0)
		v += b->align - v % b->align;
	int64_t target;
	if (b->from_beginning)
		target = (int64_t)cursor->origin + (int64_t)v;
	else if (b->from_end && cursor->more)
		return false; /* a body that goes on: its end is not known yet */
	else if (b->from_end)
		target = (int64_t)cursor->len + (int64_t)v;
	else
		target = (int64_t)at + used + (int64_t)v;
	target += b->post_offset;
	if (target < 0)
		target = 0;
	if (target > (int64_t)cursor->len)
		return false;
	cursor->match_start = at;
	cursor->position = (uint32_t)target;
	return true;
}

static bool byte_extract_inspect(const struct rule_option *option,
				 struct rule_payload_cursor *cursor)
{
	const struct kw_byte *b = option->data;
	uint32_t at, used;
	uint64_t v;
	if (!byte_locate(b, cursor, &at) ||
	    !byte_read(b, cursor, cursor->data + at, cursor->len - at, &v, &used))
		return false;
	v = byte_mask(b, v) * b->multiplier;
	if (b->align != 0 && v % b->align != 0)
		v += b->align - v % b->align;
	cursor->vars[b->var] = v;
	cursor->match_start = at;
	cursor->position = at + used;
	return true;
}

/*
 * Suricata's asymmetry, kept on purpose: isdataat:N holds when byte N
 * exists (counted from the origin: origin + N < length); isdataat:N,relative
 * holds when N bytes remain after the cursor (position + N <= length).
 * "isdataat:!1,relative" thus means "nothing follows the previous match".
 * Bytes missing from a body that goes on (cursor->more) may still come:
 * absent is not known yet.
 */
static bool isdataat_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_isdataat *d = option->data;
	int64_t n = payload_value_get(&d->size, cursor);
	bool present = d->head.relative ? (int64_t)cursor->position + n <= (int64_t)cursor->len
					: (int64_t)cursor->origin + n < (int64_t)cursor->len;
	if (!present && cursor->more)
		return false;
	return present != d->head.negated;
}

void kw_byte_register(void)
{
	static const struct rule_keyword rows[] = {
	    {.name = "byte_test",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = byte_test_parse,
	     .inspect = byte_test_inspect},
	    {.name = "byte_jump",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = byte_jump_parse,
	     .inspect = byte_jump_inspect},
	    {.name = "byte_extract",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = byte_extract_parse,
	     .inspect = byte_extract_inspect},
	    {.name = "isdataat",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = isdataat_parse,
	     .inspect = isdataat_inspect},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rule_keyword_register(&rows[i]);
}
