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
 * The only state outside the stack is per thread: the transform scratch
 * and the unit's transform cache here, base64_decode's output block
 * (kw_base64.c) and pcrexform's match block (kw_transform.c).
 * Flowbit actions and noalert are kw_flow.c's.
 */
#include <string.h>

#include "rules/keywords/kw_transform.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"
#include "rules/match/web_decode.h"

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
	/* the first base64_data: options from it on inspect bytes that depend on
	 * earlier matches, so none of them is independent; count: none */
	unsigned decoded_from;
};

static __thread uint8_t match_scratch[MATCH_SCRATCH_SIZE + 1];

/*
 * The transform cache (rule_transform_cache_begin()): one transformed copy
 * of each (buffer bytes, chain of transforms) a unit's rules ask for. The
 * default web ruleset reads the URI, body and cookie through web_decode in
 * most of its rules, so an HTTP request's URI was decoded once by the
 * fast-pattern scan and again by every candidate rule on it (measured:
 * the largest single cost of the default ruleset on HTTP). An entry is
 * found by the bytes' address and length and by the chain itself (keywords
 * and values compared, not the rule): rules with the same chain share it.
 * The copies live in one arena, filled from the start at each unit; what
 * does not fit (a table or arena full) is transformed into the scratch as
 * before, every time.
 */
#define MATCH_CACHE_ENTRIES 16
#define MATCH_CACHE_BYTES   (128 * 1024)

struct match_cache_entry {
	const uint8_t *src; /* the bytes transformed, as the rule's buffer gives them */
	uint32_t len;
	const struct rule *rule; /* a rule with the chain: the segment at start of buffer */
	unsigned buffer, start;
	bool ok;	      /* false: the chain cannot transform these bytes */
	uint32_t at, out_len; /* the copy: arena[at, at + out_len) */
};

struct match_cache {
	bool on;
	unsigned count;
	uint32_t used;
	struct match_cache_entry entry[MATCH_CACHE_ENTRIES];
	uint8_t arena[MATCH_CACHE_BYTES];
};

static __thread struct match_cache match_cache;

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
			if (prev->type == PAYLOAD_BASE64_DATA)
				break; /* relative to the decoded bytes' start */
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
	/* base64_data switches the cursor to the decoded bytes: a retry of an
	 * earlier option must see the buffer it first ran on */
	const uint8_t *data = cursor->data;
	uint32_t len = cursor->len, origin = cursor->origin, search_from = cursor->search_from;
	bool more = cursor->more;

	for (;;) {
		cursor->data = data;
		cursor->len = len;
		cursor->origin = origin;
		cursor->search_from = search_from;
		cursor->more = more;
		cursor->position = position;
		cursor->match_start = from;
		if (!inspect(option, cursor)) {
			/* A content that does not depend on earlier matches fails whatever they do.
			 */
			if (head->type == PAYLOAD_CONTENT && !head->relative &&
			    k < chain->decoded_from)
				chain->stop = true;
			return false;
		}
		if (head->negated || head->type == PAYLOAD_BSIZE ||
		    head->type == PAYLOAD_BYTE_TEST || head->type == PAYLOAD_ISDATAAT ||
		    head->type == PAYLOAD_ENTROPY || head->type == PAYLOAD_BASE64_DECODE ||
		    head->type == PAYLOAD_ABSENT || head->type == PAYLOAD_ASN1) {
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

/* vigil's decoding pipeline for web values (web_decode.h). */
static bool transform_web_decode(uint8_t *data, uint32_t *len)
{
	web_decode(data, len);
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
    {"web_decode", transform_web_decode},
};

/* Transforms with options or a library (kw_transform.h) read the option's data. */
static const struct {
	const char *name;
	bool (*apply)(const struct kw_transform *t, uint8_t *data, uint32_t *len);
} match_transforms_with[] = {
    {"from_base64", kw_transform_apply_from_base64},
    {"pcrexform", kw_transform_apply_pcrexform},
    {"xor", kw_transform_apply_xor},
    {"to_md5", kw_transform_apply_md5},
    {"to_sha1", kw_transform_apply_sha1},
    {"to_sha256", kw_transform_apply_sha256},
};

/* The transform of a TRANSFORM option, applied in place; false: not supported. */
static bool match_transform(const struct rule_option *option, uint8_t *data, uint32_t *len)
{
	const char *name = rule_keywords[option->keyword].name;
	for (size_t i = 0; i < sizeof(match_transforms) / sizeof(match_transforms[0]); i++)
		if (strcmp(name, match_transforms[i].name) == 0)
			return match_transforms[i].apply(data, len);
	for (size_t i = 0; i < sizeof(match_transforms_with) / sizeof(match_transforms_with[0]);
	     i++)
		if (strcmp(name, match_transforms_with[i].name) == 0)
			return match_transforms_with[i].apply(option->data, data, len);
	return false;
}

/*
 * Segments: a transform written after a payload option of its buffer
 * ("http.uri; content:\"/?a=\"; from_base64: offset 4; content:\"x\";")
 * starts a new view of that buffer, as in Suricata: the options before it
 * see the buffer as it was, those after it see it with the transforms that
 * follow the last payload option. Each segment is its own chain; all must
 * hold. Segment 0 (from the rule's first option) is the one the ruleset's
 * fast-pattern scan sees.
 */
static enum rule_keyword_kind match_kind(const struct rule *rule, unsigned i)
{
	return rule_keywords[rule->options[i].keyword].kind;
}

/*
 * The index of the next transform on buffer at or after from, within the
 * segment from is in (before that segment's first payload option on
 * buffer); option_count: none.
 */
static unsigned match_next_transform(const struct rule *rule, unsigned buffer, unsigned from)
{
	for (; from < rule->option_count; from++) {
		if (rule->options[from].buffer != buffer)
			continue;
		enum rule_keyword_kind kind = match_kind(rule, from);
		if (kind == RULE_KW_PAYLOAD)
			return rule->option_count;
		if (kind == RULE_KW_TRANSFORM)
			return from;
	}
	return rule->option_count;
}

/* Where the segment after the one starting at start begins: option_count when none. */
static unsigned match_next_segment(const struct rule *rule, unsigned buffer, unsigned start)
{
	bool payload = false;
	for (unsigned i = start; i < rule->option_count; i++) {
		if (rule->options[i].buffer != buffer)
			continue;
		enum rule_keyword_kind kind = match_kind(rule, i);
		if (kind == RULE_KW_PAYLOAD)
			payload = true;
		else if (kind == RULE_KW_TRANSFORM && payload)
			return i;
	}
	return rule->option_count;
}

bool rule_has_transforms(const struct rule *rule, unsigned buffer)
{
	return match_next_transform(rule, buffer, 0) < rule->option_count;
}

bool rule_option_sees_raw_view(const struct rule *rule, unsigned index)
{
	unsigned buffer = rule->options[index].buffer;
	if (match_next_segment(rule, buffer, 0) <= index)
		return false;
	/* after base64_data: decoded bytes; after "absent": a buffer that may be missing */
	for (unsigned i = 0; i < index; i++)
		if (rule->options[i].buffer == buffer && match_kind(rule, i) == RULE_KW_PAYLOAD &&
		    (match_head(&rule->options[i])->type == PAYLOAD_BASE64_DATA ||
		     match_head(&rule->options[i])->type == PAYLOAD_ABSENT))
			return false;
	return true;
}

/* True when the segments of buffer starting at sa in a and at sb in b apply the same transforms. */
static bool match_chains_same(const struct rule *a, unsigned sa, const struct rule *b, unsigned sb,
			      unsigned buffer)
{
	if (a == b && sa == sb)
		return true;
	unsigned i = match_next_transform(a, buffer, sa), j = match_next_transform(b, buffer, sb);
	while (i < a->option_count && j < b->option_count) {
		if (!kw_transform_same(&a->options[i], &b->options[j]))
			return false;
		i = match_next_transform(a, buffer, i + 1);
		j = match_next_transform(b, buffer, j + 1);
	}
	return i == a->option_count && j == b->option_count;
}

bool rule_transforms_same(const struct rule *a, const struct rule *b, unsigned buffer)
{
	return match_chains_same(a, 0, b, 0, buffer);
}

/* src with the transforms of the segment starting at start applied, into out. */
static bool match_transform_segment(const struct rule *rule, unsigned buffer, unsigned start,
				    const uint8_t *src, uint32_t len, uint8_t *out,
				    uint32_t *out_len)
{
	if (len > RULE_TRANSFORM_MAX)
		return false;
	memcpy(out, src, len);
	for (unsigned i = match_next_transform(rule, buffer, start); i < rule->option_count;
	     i = match_next_transform(rule, buffer, i + 1))
		if (!match_transform(&rule->options[i], out, &len))
			return false;
	*out_len = len;
	return true;
}

bool rule_transform_buffer(const struct rule *rule, unsigned buffer, const uint8_t *src,
			   uint32_t len, uint8_t *out, uint32_t *out_len)
{
	return match_transform_segment(rule, buffer, 0, src, len, out, out_len);
}

void rule_transform_cache_begin(void)
{
	match_cache.on = true;
	match_cache.count = 0;
	match_cache.used = 0;
}

void rule_transform_cache_end(void)
{
	match_cache.on = false;
}

/*
 * src with the transforms of the segment of buffer starting at start
 * applied: from the unit's cache when this chain transformed these bytes
 * already, else transformed now (into the scratch) and kept in the cache
 * when there is room. *out points into the cache or the scratch, valid
 * until the next call; false as match_transform_segment().
 */
static bool match_transform_cached(const struct rule *rule, unsigned buffer, unsigned start,
				   const uint8_t *src, uint32_t len, const uint8_t **out,
				   uint32_t *out_len)
{
	struct match_cache *c = &match_cache;
	if (c->on)
		for (unsigned i = 0; i < c->count; i++) {
			const struct match_cache_entry *e = &c->entry[i];
			if (e->src != src || e->len != len || e->buffer != buffer ||
			    !match_chains_same(e->rule, e->start, rule, start, buffer))
				continue;
			*out = c->arena + e->at;
			*out_len = e->out_len;
			return e->ok;
		}
	uint32_t n = 0;
	bool ok = match_transform_segment(rule, buffer, start, src, len, match_scratch, &n);
	*out = match_scratch;
	*out_len = n;
	if (!c->on || c->count == MATCH_CACHE_ENTRIES || (ok && n > MATCH_CACHE_BYTES - c->used))
		return ok;
	c->entry[c->count++] = (struct match_cache_entry){.src = src,
							  .len = len,
							  .rule = rule,
							  .buffer = buffer,
							  .start = start,
							  .ok = ok,
							  .at = c->used,
							  .out_len = ok ? n : 0};
	if (ok) {
		memcpy(c->arena + c->used, match_scratch, n);
		*out = c->arena + c->used;
		c->used += n;
	}
	return ok;
}

bool rule_transform_view(const struct rule *rule, unsigned buffer, const uint8_t *src, uint32_t len,
			 const uint8_t **out, uint32_t *out_len)
{
	return match_transform_cached(rule, buffer, 0, src, len, out, out_len);
}

/*
 * The buffer b as the segment starting at start must see it (the cursor's
 * data, len and origin): the packet's bytes, or, when the segment has
 * transforms, a per-thread copy with them applied in order. A transform
 * cannot keep positions, so a transformed stream window is the chunk alone
 * (from the origin on). False when the buffer is absent or empty, or a
 * transform cannot be run.
 */
static bool match_buffer(const struct rule *rule, const struct rule_match_ctx *ctx, unsigned b,
			 unsigned start, struct rule_payload_cursor *cursor)
{
	const uint8_t *src = ctx->buffer[b];
	uint32_t n = ctx->buffer_len[b];
	uint32_t origin = b == RULE_BUFFER_PKT_DATA ? ctx->pkt_data_origin : 0;

	if (src == NULL || n == 0 || origin >= n)
		return false;
	if (match_next_transform(rule, b, start) < rule->option_count) {
		if (!match_transform_cached(rule, b, start, src + origin, n - origin, &src, &n))
			return false;
		origin = 0;
	}
	if (n == 0)
		return false;
	cursor->data = src;
	cursor->len = n;
	cursor->origin = origin;
	return true;
}

/*
 * Run the chain of the segment of buffer b that starts at start and ends
 * before end, of one statement (instance: on a multi-buffer, the options
 * of that statement alone; 0 otherwise).
 */
static bool match_segment_chain(const struct rule *rule, const struct rule_match_ctx *ctx,
				unsigned b, unsigned start, unsigned end, unsigned instance,
				struct rule_payload_cursor *cursor)
{
	struct match_chain chain;
	chain.count = 0;
	chain.steps = 0;
	chain.stop = false;
	chain.decoded_from = PAYLOAD_CHAIN_MAX;
	for (unsigned i = start; i < end; i++) {
		const struct rule_option *option = &rule->options[i];
		if (option->buffer != b || option->instance != instance ||
		    rule_keywords[option->keyword].kind != RULE_KW_PAYLOAD)
			continue;
		if (chain.count == PAYLOAD_CHAIN_MAX)
			return false; /* refused at parse time; never reached */
		if (match_head(option)->type == PAYLOAD_BASE64_DATA &&
		    chain.decoded_from > chain.count)
			chain.decoded_from = chain.count;
		chain.retry[chain.count] = false;
		chain.option[chain.count++] = option;
	}
	if (!chain.count) /* nothing of this statement in this segment */
		return true;
	if (!match_buffer(rule, ctx, b, start, cursor))
		/* "absent" first: a missing buffer is what it asks for */
		return chain.count && match_head(chain.option[0])->type == PAYLOAD_ABSENT &&
		       !ctx->buffer[b];
	match_mark_retries(&chain);
	/* a relative option first in its chain counts from the chunk's start */
	cursor->position = cursor->origin;
	cursor->match_start = 0;
	cursor->search_from = 0;
	cursor->more = false;
	cursor->decoded_len = 0;
	if (ctx->window_buffers & RULE_BUFFER_BIT(b)) {
		cursor->more = ctx->window_more;
		/* a transform moves bytes: window_from is no place in its output */
		if (match_next_transform(rule, b, start) == rule->option_count &&
		    ctx->window_from < cursor->len)
			cursor->search_from = ctx->window_from;
	}
	return match_chain_run(&chain, 0, cursor);
}

/* Run every segment of buffer b, for the statement whose first option is at index first. */
static bool match_buffer_chain(const struct rule *rule, const struct rule_match_ctx *ctx,
			       unsigned b, unsigned first, struct rule_payload_cursor *cursor)
{
	unsigned instance = rule->options[first].instance;
	unsigned start = 0;
	while (start < rule->option_count) {
		unsigned end = match_next_segment(rule, b, start);
		if (!match_segment_chain(rule, ctx, b, start, end, instance, cursor))
			return false;
		start = end;
	}
	return true;
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
	/* frames of all types share one buffer: the rule's type must be the unit's */
	if (rule->frame && rule->frame != ctx->frame)
		return false;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		const struct rule_keyword *keyword = &rule_keywords[option->keyword];
		if ((keyword->kind == RULE_KW_PACKET || keyword->kind == RULE_KW_FLOW) &&
		    keyword->match != NULL && !keyword->match(option, ctx))
			return false;
	}

	if (ctx->captures)
		ctx->captures->count = ctx->captures->entropy_count = 0;
	/* Buffers in the order the rule first names them; variables carry across. */
	struct rule_payload_cursor cursor;
	memset(cursor.vars, 0, sizeof(cursor.vars));
	cursor.ctx = ctx;
	/* Which buffers are done, exactly: a mask bit may stand for several. */
	uint8_t done[RULE_BUFFER_COUNT] = {0};
	uint32_t statements = 0, grouped_now = 0;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		unsigned b = option->buffer;
		uint32_t statement = option->instance ? 1u << option->instance : 0;
		if (rule_keywords[option->keyword].kind != RULE_KW_PAYLOAD ||
		    b >= RULE_BUFFER_COUNT || (statement ? statements & statement : done[b]))
			continue;
		done[b] = 1;
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
