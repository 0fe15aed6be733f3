/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rule_match(): run one candidate rule's options against one packet. The
 * packet and flow tests go first (cheap, order-free); then, per buffer the
 * rule inspects, its transforms and its chain of payload options, in the
 * order written, with Suricata's backtracking: when a content or pcre has a
 * later option relative to it and that later part fails, the content is
 * tried again at its next occurrence. Without this, "content:A; content:B;
 * distance:0; within:4;" could be evaded by putting a decoy A before the
 * real one. What each payload keyword does is its own file's business
 * (payload.h says what the matcher needs to know of them).
 *
 * Per-packet path, any worker lcore: no allocation, locking or logging.
 * The only state outside the stack is the per-thread transform scratch.
 * Flowbit actions and noalert are kw_flow.c's.
 */
#include <string.h>

#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"

/*
 * Suricata's default inspection recursion limit: a rule whose chain
 * backtracks more than this on one buffer does not match. Without a bound,
 * "content:A; content:B; distance:0; content:C; distance:0;" on a buffer
 * full of A and B costs cubic time, which an attacker controls.
 */
#define MATCH_STEP_LIMIT 3000

/* Largest buffer a transform can rewrite (the scratch is per thread, not per packet). */
#define MATCH_SCRATCH_SIZE RULE_TRANSFORM_MAX

struct match_chain {
	const struct rule_option *option[PAYLOAD_CHAIN_MAX];
	bool retry[PAYLOAD_CHAIN_MAX]; /* a later option is relative to this one */
	unsigned count;
	unsigned steps;
	bool stop; /* an independent option failed, or the step limit was hit */
};

static __thread uint8_t match_scratch[MATCH_SCRATCH_SIZE + 1];

static const struct payload_head *match_head(const struct rule_option *option)
{
	return option->data;
}

static bool match_is_search(const struct payload_head *head)
{
	return head->type == PAYLOAD_CONTENT || head->type == PAYLOAD_PCRE;
}

/*
 * Which options get retried, as Suricata marks them at load time: a
 * relative content or pcre depends on the last content or pcre before it;
 * a relative byte_* or isdataat on the payload option just before it
 * (bsize aside), and only when that one is a content or pcre. A negated
 * option is never retried: it has no position.
 */
static void match_mark_retries(struct match_chain *chain)
{
	for (unsigned k = 0; k < chain->count; k++) {
		const struct payload_head *head = match_head(chain->option[k]);
		if (!head->relative)
			continue;
		for (unsigned j = k; j-- > 0;) {
			const struct payload_head *prev = match_head(chain->option[j]);
			if (prev->type == PAYLOAD_BSIZE)
				continue;
			if (!match_is_search(head) || match_is_search(prev)) {
				if (match_is_search(prev) && !prev->negated)
					chain->retry[j] = true;
				break;
			}
		}
	}
}

static bool match_chain_run(struct match_chain *chain, unsigned k,
			    struct rule_payload_cursor *cursor)
{
	if (k == chain->count)
		return true;
	if (++chain->steps > MATCH_STEP_LIMIT) {
		chain->stop = true;
		return false;
	}
	const struct rule_option *option = chain->option[k];
	const struct payload_head *head = match_head(option);
	rule_keyword_inspect_fn inspect = rule_keywords[option->keyword].inspect;
	uint32_t position = cursor->position;
	uint32_t match_start = cursor->match_start;
	uint32_t from = 0;

	for (;;) {
		cursor->position = position;
		cursor->match_start = from;
		if (!inspect(option, cursor)) {
			/* A content that does not depend on earlier matches fails whatever they do.
			 */
			if (head->type == PAYLOAD_CONTENT && !head->relative)
				chain->stop = true;
			return false;
		}
		if (head->negated || head->type == PAYLOAD_BSIZE ||
		    head->type == PAYLOAD_BYTE_TEST || head->type == PAYLOAD_ISDATAAT ||
		    head->type == PAYLOAD_ENTROPY) {
			/* These leave the cursor where it was. */
			cursor->position = position;
			cursor->match_start = match_start;
		}
		if (!chain->retry[k])
			return match_chain_run(chain, k + 1, cursor);
		uint32_t this_start = cursor->match_start;
		if (match_chain_run(chain, k + 1, cursor))
			return true;
		if (chain->stop)
			return false;
		from = this_start + 1;
	}
}

/*
 * Transforms, applied in place to the per-thread copy of a buffer (*len
 * may shrink, or grow by at most one byte for dotprefix). One row per
 * transform; a transform without a row makes its buffer not match.
 */
typedef bool (*match_transform_fn)(uint8_t *data, uint32_t *len);

static bool is_blank(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool transform_case(uint8_t *data, uint32_t *len, bool lower)
{
	for (uint32_t i = 0; i < *len; i++) {
		uint8_t c = data[i];
		if (lower && c >= 'A' && c <= 'Z')
			data[i] = c + 32;
		else if (!lower && c >= 'a' && c <= 'z')
			data[i] = c - 32;
	}
	return true;
}

static bool transform_to_lowercase(uint8_t *data, uint32_t *len)
{
	return transform_case(data, len, true);
}

static bool transform_to_uppercase(uint8_t *data, uint32_t *len)
{
	return transform_case(data, len, false);
}

/* "dotprefix; content:".example.com"; endswith;" matches the domain and its
 * subdomains but not "badexample.com". */
static bool transform_dotprefix(uint8_t *data, uint32_t *len)
{
	if (*len >= MATCH_SCRATCH_SIZE)
		return false;
	memmove(data + 1, data, *len);
	data[0] = '.';
	(*len)++;
	return true;
}

static bool transform_strip_whitespace(uint8_t *data, uint32_t *len)
{
	uint32_t out = 0;
	for (uint32_t i = 0; i < *len; i++)
		if (!is_blank(data[i]))
			data[out++] = data[i];
	*len = out;
	return true;
}

/* Keep the first blank of a run, as Suricata does. */
static bool transform_compress_whitespace(uint8_t *data, uint32_t *len)
{
	uint32_t out = 0;
	for (uint32_t i = 0; i < *len; i++) {
		if (is_blank(data[i]) && out > 0 && is_blank(data[out - 1]))
			continue;
		data[out++] = data[i];
	}
	*len = out;
	return true;
}

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX and '+' decoded (Suricata's url_decode); a broken escape is kept as written. */
static bool transform_url_decode(uint8_t *data, uint32_t *len)
{
	uint32_t out = 0;
	for (uint32_t i = 0; i < *len; i++) {
		int hi, lo;
		if (data[i] == '%' && i + 2 < *len && (hi = hex_value(data[i + 1])) >= 0 &&
		    (lo = hex_value(data[i + 2])) >= 0) {
			data[out++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else {
			data[out++] = data[i] == '+' ? ' ' : data[i];
		}
	}
	*len = out;
	return true;
}

/* Header names (up to each line's ':') lowercased; values kept. */
static bool transform_header_lowercase(uint8_t *data, uint32_t *len)
{
	bool in_name = true;
	for (uint32_t i = 0; i < *len; i++) {
		uint8_t c = data[i];
		if (c == '\n')
			in_name = true;
		else if (c == ':')
			in_name = false;
		else if (in_name && c >= 'A' && c <= 'Z')
			data[i] = c + 32;
	}
	return true;
}

static int base64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

/* RFC 4648 base64 (and its URL alphabet): decoding stops at the first byte outside it. */
static bool transform_from_base64(uint8_t *data, uint32_t *len)
{
	uint32_t out = 0, bits = 0, acc = 0;
	for (uint32_t i = 0; i < *len; i++) {
		int v = base64_value(data[i]);
		if (v < 0)
			break;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			data[out++] = (uint8_t)(acc >> bits);
		}
	}
	*len = out;
	return true;
}

static const struct {
	const char *name;
	match_transform_fn apply;
} match_transforms[] = {
    {"to_lowercase", transform_to_lowercase},
    {"to_uppercase", transform_to_uppercase},
    {"dotprefix", transform_dotprefix},
    {"strip_whitespace", transform_strip_whitespace},
    {"compress_whitespace", transform_compress_whitespace},
    {"url_decode", transform_url_decode},
    {"header_lowercase", transform_header_lowercase},
    {"from_base64", transform_from_base64},
};

/* The transform of a TRANSFORM option, applied in place; false: not supported. */
static bool match_transform(const struct rule_option *option, uint8_t *data, uint32_t *len)
{
	const char *name = rule_keywords[option->keyword].name;
	for (size_t i = 0; i < sizeof(match_transforms) / sizeof(match_transforms[0]); i++)
		if (strcmp(name, match_transforms[i].name) == 0)
			return match_transforms[i].apply(data, len);
	return false;
}

bool rule_has_transforms(const struct rule *rule, unsigned buffer)
{
	for (unsigned i = 0; i < rule->option_count; i++)
		if (rule->options[i].buffer == buffer &&
		    rule_keywords[rule->options[i].keyword].kind == RULE_KW_TRANSFORM)
			return true;
	return false;
}

/* The index of rule's next transform on buffer at or after from; option_count: none. */
static unsigned match_next_transform(const struct rule *rule, unsigned buffer, unsigned from)
{
	while (from < rule->option_count &&
	       (rule->options[from].buffer != buffer ||
		rule_keywords[rule->options[from].keyword].kind != RULE_KW_TRANSFORM))
		from++;
	return from;
}

bool rule_transforms_same(const struct rule *a, const struct rule *b, unsigned buffer)
{
	unsigned i = match_next_transform(a, buffer, 0), j = match_next_transform(b, buffer, 0);
	while (i < a->option_count && j < b->option_count) {
		if (!kw_transform_same(&a->options[i], &b->options[j]))
			return false;
		i = match_next_transform(a, buffer, i + 1);
		j = match_next_transform(b, buffer, j + 1);
	}
	return i == a->option_count && j == b->option_count;
}

bool rule_transform_buffer(const struct rule *rule, unsigned buffer, const uint8_t *src,
			   uint32_t len, uint8_t *out, uint32_t *out_len)
{
	if (len > RULE_TRANSFORM_MAX)
		return false;
	memcpy(out, src, len);
	for (unsigned i = match_next_transform(rule, buffer, 0); i < rule->option_count;
	     i = match_next_transform(rule, buffer, i + 1))
		if (!match_transform(&rule->options[i], out, &len))
			return false;
	*out_len = len;
	return true;
}

/*
 * The buffer b as the chain must see it (the cursor's data, len and
 * origin): the packet's bytes, or, when the rule has transforms on b, a
 * per-thread copy with them applied in order. A transform cannot keep
 * positions, so a transformed stream window is the chunk alone (from the
 * origin on). False when the buffer is absent or empty, or a transform
 * cannot be run.
 */
static bool match_buffer(const struct rule *rule, const struct rule_match_ctx *ctx, unsigned b,
			 struct rule_payload_cursor *cursor)
{
	const uint8_t *src = ctx->buffer[b];
	uint32_t n = ctx->buffer_len[b];
	uint32_t origin = b == RULE_BUFFER_PKT_DATA ? ctx->pkt_data_origin : 0;

	if (src == NULL || n == 0 || origin >= n)
		return false;
	if (rule_has_transforms(rule, b)) {
		if (!rule_transform_buffer(rule, b, src + origin, n - origin, match_scratch, &n))
			return false;
		src = match_scratch;
		origin = 0;
	}
	if (n == 0)
		return false;
	cursor->data = src;
	cursor->len = n;
	cursor->origin = origin;
	return true;
}

/* Run the chain of buffer b (of one statement on a multi-buffer), whose first option is at index first. */
static bool match_buffer_chain(const struct rule *rule, const struct rule_match_ctx *ctx,
			       unsigned b, unsigned first, struct rule_payload_cursor *cursor)
{
	struct match_chain chain;
	unsigned instance = rule->options[first].instance;
	chain.count = 0;
	chain.steps = 0;
	chain.stop = false;
	for (unsigned i = first; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		if (option->buffer != b || option->instance != instance ||
		    rule_keywords[option->keyword].kind != RULE_KW_PAYLOAD)
			continue;
		if (chain.count == PAYLOAD_CHAIN_MAX)
			return false; /* refused at parse time; never reached */
		chain.retry[chain.count] = false;
		chain.option[chain.count++] = option;
	}
	if (!match_buffer(rule, ctx, b, cursor))
		return false;
	match_mark_retries(&chain);
	/* a relative option first in its chain counts from the chunk's start */
	cursor->position = cursor->origin;
	cursor->match_start = 0;
	cursor->search_from = 0;
	cursor->more = false;
	if (ctx->window_buffers & RULE_BUFFER_BIT(b)) {
		cursor->more = ctx->window_more;
		/* a transform moves bytes: window_from is no place in its output */
		if (!rule_has_transforms(rule, b) && ctx->window_from < cursor->len)
			cursor->search_from = ctx->window_from;
	}
	return match_chain_run(&chain, 0, cursor);
}

/*
 * The statements of multi-buffers that match on their own: each must have
 * matched this unit's instance or an earlier instance of the message
 * (ctx->instances_before); now: those that match this one, handed back.
 * Failing, *failed names the buffer of the first missing one.
 */
static bool match_instance_groups(const struct rule *rule, const struct rule_match_ctx *ctx,
				  uint32_t now, int *failed)
{
	if (!rule->instance_groups)
		return true;
	if (ctx->instances_now)
		*ctx->instances_now = now;
	uint32_t missing = rule->instance_groups & ~(now | ctx->instances_before);
	if (!missing)
		return true;
	for (unsigned i = 0; i < rule->option_count; i++)
		if (rule->options[i].instance && (missing & (1u << rule->options[i].instance))) {
			*failed = (int)rule->options[i].buffer;
			break;
		}
	return false;
}

bool rule_match(const struct rule *rule, const struct rule_match_ctx *ctx)
{
	int failed;
	return rule_match_where(rule, ctx, &failed);
}

bool rule_match_where(const struct rule *rule, const struct rule_match_ctx *ctx, int *failed)
{
	*failed = -1;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		const struct rule_keyword *keyword = &rule_keywords[option->keyword];
		if ((keyword->kind == RULE_KW_PACKET || keyword->kind == RULE_KW_FLOW) &&
		    keyword->match != NULL && !keyword->match(option, ctx))
			return false;
	}

	if (ctx->captures)
		ctx->captures->count = 0;
	/* Buffers in the order the rule first names them; variables carry across. */
	struct rule_payload_cursor cursor;
	memset(cursor.vars, 0, sizeof(cursor.vars));
	cursor.ctx = ctx;
	rule_buffer_mask done = 0;
	uint32_t statements = 0, grouped_now = 0;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		unsigned b = option->buffer;
		uint32_t statement = option->instance ? 1u << option->instance : 0;
		if (rule_keywords[option->keyword].kind != RULE_KW_PAYLOAD ||
		    b >= RULE_BUFFER_COUNT ||
		    (statement ? statements & statement : done & RULE_BUFFER_BIT(b)))
			continue;
		done |= RULE_BUFFER_BIT(b);
		statements |= statement;
		bool held = match_buffer_chain(rule, ctx, b, i, &cursor);
		/* a statement matched on its own: by this instance or an earlier one */
		if (statement & rule->instance_groups) {
			grouped_now |= held ? statement : 0;
			continue;
		}
		if (!held) {
			*failed = (int)b;
			return false;
		}
	}
	return match_instance_groups(rule, ctx, grouped_now, failed);
}
