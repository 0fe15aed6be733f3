/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * content and its modifiers (nocase, depth, offset, distance, within,
 * startswith, endswith, fast_pattern), and bsize. Parsing follows
 * Suricata's rules so that a rule Suricata refuses is refused here with a
 * reason, and one it loads matches the same packets: depth counts from
 * offset, distance/within count from the end of the previous payload match
 * in the same buffer, and absolute and relative modifiers never mix on one
 * content. The content's window is computed here at match time; the chain
 * and its backtracking belong to match.c. rawbytes is kw_buffer.c's.
 *
 * The compiler reads contents through rule_content_view() (content.h) to
 * build its fast patterns; it never sees struct kw_content.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/content.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"

struct kw_content {
	struct payload_head head; /* first: see payload.h */
	bool nocase;
	bool startswith;
	bool endswith;
	bool fast_pattern;
	bool fast_only;
	bool has_offset, has_depth, has_distance, has_within;
	struct payload_value offset, depth, distance, within;
	uint32_t fast_offset, fast_len;
	uint32_t len;
	uint8_t *bytes;	 /* decoded, as written */
	uint8_t *folded; /* lower-case copy for nocase searches, else NULL */
};

enum bsize_op { BSIZE_EQ, BSIZE_NE, BSIZE_LT, BSIZE_LE, BSIZE_GT, BSIZE_GE, BSIZE_RANGE };

struct kw_bsize {
	struct payload_head head;
	uint8_t op; /* enum bsize_op */
	uint64_t low, high;
};

static const char *const content_names[] = {"content", NULL};

/* ---------------------------------------------------------------- helpers */

bool payload_trim_copy(const char *text, char *out, size_t cap)
{
	if (text == NULL)
		text = "";
	while (isspace((unsigned char)*text))
		text++;
	size_t n = strlen(text);
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		n--;
	if (n + 1 > cap)
		return false;
	memcpy(out, text, n);
	out[n] = '\0';
	return true;
}

bool payload_quoted(const char *text, size_t len)
{
	if (len < 2 || text[0] != '"' || text[len - 1] != '"')
		return false;
	size_t backslashes = 0;
	for (size_t i = len - 1; i > 1 && text[i - 1] == '\\'; i--)
		backslashes++;
	return backslashes % 2 == 0;
}

bool payload_value_split(const char *value, const char **start, size_t *len)
{
	const char *p = value != NULL ? value : "";
	while (isspace((unsigned char)*p))
		p++;
	bool negated = *p == '!';
	if (negated) {
		p++;
		while (isspace((unsigned char)*p))
			p++;
	}
	size_t n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	/* The parser strips the quotes of content:"x"; not those after a '!'. */
	if (payload_quoted(p, n)) {
		p++;
		n -= 2;
	}
	*start = p;
	*len = n;
	return negated;
}

int payload_check_room(struct rule_parser *parser, const struct rule *rule, const char *what)
{
	if (rule->option_count >= PAYLOAD_CHAIN_MAX)
		return rule_parser_error(parser, "%s: more than %d options in one rule", what,
					 PAYLOAD_CHAIN_MAX);
	return 0;
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode a content string as written: \" \; \\ \: escapes and |41 42| hex
 * runs. Any other escape is refused rather than guessed, as Suricata does:
 * a rule author who wrote "\x41" meant a byte, and matching the four
 * characters instead would silently miss. out has room for strlen(text).
 */
static int content_decode(struct rule_parser *parser, const char *text, uint8_t *out, uint32_t *len)
{
	uint32_t n = 0;
	bool in_hex = false;
	int nibble = -1;

	for (const char *p = text; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (in_hex) {
			if (c == '|') {
				if (nibble >= 0)
					return rule_parser_error(
					    parser, "content: odd number of hex digits in \"%s\"",
					    text);
				in_hex = false;
				continue;
			}
			if (isspace(c))
				continue;
			int d = hex_digit(c);
			if (d < 0)
				return rule_parser_error(
				    parser, "content: bad hex digit '%c' in \"%s\"", c, text);
			if (nibble < 0) {
				nibble = d;
			} else {
				out[n++] = (uint8_t)(nibble << 4 | d);
				nibble = -1;
			}
			continue;
		}
		if (c == '|') {
			in_hex = true;
			continue;
		}
		if (c == '\\') {
			char e = p[1];
			if (e != '"' && e != ';' && e != '\\' && e != ':')
				return rule_parser_error(parser,
							 "content: bad escape \"\\%c\" in \"%s\" "
							 "(only \\\" \\; \\\\ \\: are escapes)",
							 e != '\0' ? e : ' ', text);
			out[n++] = (uint8_t)e;
			p++;
			continue;
		}
		if (c == '"')
			return rule_parser_error(parser, "content: unescaped '\"' in \"%s\"", text);
		out[n++] = c;
	}
	if (in_hex)
		return rule_parser_error(parser, "content: missing closing '|' in \"%s\"", text);
	*len = n;
	return 0;
}

static void content_free(void *data)
{
	struct kw_content *c = data;
	if (c == NULL)
		return;
	free(c->bytes);
	free(c->folded);
	free(c);
}

/* ----------------------------------------------------------------- parsing */

static int content_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "content");
	if (rc < 0)
		return rc;

	const char *p;
	size_t n;
	bool negated = payload_value_split(value, &p, &n);
	char *text = strndup(p, n);
	struct kw_content *c = calloc(1, sizeof(*c));
	uint8_t *bytes = malloc(n + 1);
	if (text == NULL || c == NULL || bytes == NULL) {
		free(text);
		free(c);
		free(bytes);
		return rule_parser_error(parser, "content: out of memory");
	}
	uint32_t len = 0;
	rc = content_decode(parser, text, bytes, &len);
	if (rc == 0 && len == 0)
		rc = rule_parser_error(parser, "content: empty pattern");
	free(text);
	if (rc < 0) {
		free(bytes);
		free(c);
		return rc;
	}
	c->head.type = PAYLOAD_CONTENT;
	c->head.negated = negated;
	c->bytes = bytes;
	c->len = len;
	c->fast_len = len;
	c->offset.var = c->depth.var = c->distance.var = c->within.var = -1;
	if (rule_parser_add_option(parser, rule, c) == NULL) {
		content_free(c);
		return rule_parser_error(parser, "content: out of memory");
	}
	return 0;
}

/*
 * uricontent:"x"; is Suricata 1's spelling of content:"x"; http_uri; (ET
 * editions before 2020 use it in thousands of rules): a content option
 * like any other, in http.uri, for this one content only; the sticky
 * buffer in effect does not change. Modifiers after it (nocase, depth,
 * within, ...) find it as the last content.
 */
static int uricontent_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int content_row;
	int rc = content_parse(parser, rule, value);
	if (rc < 0)
		return rc;
	if (!rule_keyword_find("content", &content_row))
		return rule_parser_error(parser, "uricontent: no content keyword");
	struct rule_option *o = &rule->options[rule->option_count - 1];
	o->keyword = (uint16_t)content_row;
	o->buffer = RULE_BUFFER_HTTP_URI;
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_HTTP_URI);
	return 0;
}

/* The content a modifier applies to: the last one written, in any buffer (as Suricata). */
static struct kw_content *modifier_target(struct rule_parser *parser, struct rule *rule,
					  const char *what, struct rule_option **option)
{
	struct rule_option *o = rule_parser_last_option(parser, rule, content_names);
	if (o == NULL) {
		rule_parser_error(parser, "%s needs a preceding content", what);
		return NULL;
	}
	if (option != NULL)
		*option = o;
	return o->data;
}

static int nocase_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	struct kw_content *c = modifier_target(parser, rule, "nocase", NULL);
	if (c == NULL)
		return -EINVAL;
	if (c->nocase)
		return rule_parser_error(parser, "nocase: used twice on the same content");
	c->folded = malloc(c->len);
	if (c->folded == NULL)
		return rule_parser_error(parser, "nocase: out of memory");
	for (uint32_t i = 0; i < c->len; i++)
		c->folded[i] = (uint8_t)tolower(c->bytes[i]);
	c->nocase = true;
	return 0;
}

static int absolute_conflict(struct rule_parser *parser, const struct kw_content *c,
			     const char *what)
{
	if (c->has_distance || c->has_within)
		return rule_parser_error(
		    parser,
		    "%s: cannot mix distance/within with depth/offset on the same "
		    "content",
		    what);
	if (c->fast_only)
		return rule_parser_error(parser, "%s: not allowed with fast_pattern:only", what);
	return 0;
}

static int relative_conflict(struct rule_parser *parser, const struct kw_content *c,
			     const char *what)
{
	if (c->has_depth || c->has_offset)
		return rule_parser_error(
		    parser,
		    "%s: cannot mix distance/within with depth/offset on the same "
		    "content",
		    what);
	if (c->fast_only)
		return rule_parser_error(parser, "%s: not allowed with fast_pattern:only", what);
	return 0;
}

static int depth_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_content *c = modifier_target(parser, rule, "depth", NULL);
	if (c == NULL)
		return -EINVAL;
	if (c->has_depth)
		return rule_parser_error(parser, "depth: used twice on the same content%s",
					 c->startswith ? " (startswith sets it)" : "");
	int rc = absolute_conflict(parser, c, "depth");
	if (rc == 0)
		rc = payload_parse_value(parser, value, 0, INT32_MAX, "depth", &c->depth);
	if (rc < 0)
		return rc;
	if (c->depth.var < 0 && c->depth.number < c->len)
		return rule_parser_error(parser,
					 "depth %lld is smaller than the content (%u bytes)",
					 (long long)c->depth.number, c->len);
	c->has_depth = true;
	return 0;
}

static int offset_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_content *c = modifier_target(parser, rule, "offset", NULL);
	if (c == NULL)
		return -EINVAL;
	if (c->has_offset)
		return rule_parser_error(parser, "offset: used twice on the same content%s",
					 c->startswith ? " (startswith sets it)" : "");
	int rc = absolute_conflict(parser, c, "offset");
	if (rc == 0)
		rc = payload_parse_value(parser, value, 0, INT32_MAX, "offset", &c->offset);
	if (rc < 0)
		return rc;
	c->has_offset = true;
	return 0;
}

static int distance_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_content *c = modifier_target(parser, rule, "distance", NULL);
	if (c == NULL)
		return -EINVAL;
	if (c->has_distance)
		return rule_parser_error(parser, "distance: used twice on the same content");
	if (c->startswith)
		return rule_parser_error(parser, "distance: not allowed with startswith");
	int rc = relative_conflict(parser, c, "distance");
	/* A negative distance is legal: it looks back before the previous match's end. */
	if (rc == 0)
		rc = payload_parse_value(parser, value, INT32_MIN, INT32_MAX, "distance",
					 &c->distance);
	if (rc < 0)
		return rc;
	c->has_distance = true;
	c->head.relative = true;
	return 0;
}

static int within_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_content *c = modifier_target(parser, rule, "within", NULL);
	if (c == NULL)
		return -EINVAL;
	if (c->has_within)
		return rule_parser_error(parser, "within: used twice on the same content");
	if (c->startswith)
		return rule_parser_error(parser, "within: not allowed with startswith");
	int rc = relative_conflict(parser, c, "within");
	if (rc == 0)
		rc = payload_parse_value(parser, value, INT32_MIN, INT32_MAX, "within", &c->within);
	if (rc < 0)
		return rc;
	/* Such a rule can never match; Suricata refuses it, so do we. */
	if (c->within.var < 0 && c->within.number < c->len)
		return rule_parser_error(parser,
					 "within %lld is shorter than the content (%u bytes)",
					 (long long)c->within.number, c->len);
	c->has_within = true;
	c->head.relative = true;
	return 0;
}

static int startswith_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	struct kw_content *c = modifier_target(parser, rule, "startswith", NULL);
	if (c == NULL)
		return -EINVAL;
	if (c->startswith)
		return rule_parser_error(parser, "startswith: used twice on the same content");
	if (c->has_depth || c->has_offset || c->has_distance || c->has_within)
		return rule_parser_error(
		    parser, "startswith: cannot mix with depth, offset, distance or within");
	/* startswith is depth:len; offset:0; written so the window code has one case. */
	c->startswith = true;
	c->has_depth = c->has_offset = true;
	c->depth.number = c->len;
	c->offset.number = 0;
	return 0;
}

static int endswith_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	struct kw_content *c = modifier_target(parser, rule, "endswith", NULL);
	if (c == NULL)
		return -EINVAL;
	if (c->endswith)
		return rule_parser_error(parser, "endswith: used twice on the same content");
	c->endswith = true;
	return 0;
}

static int fast_pattern_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct rule_option *option = NULL;
	struct kw_content *c = modifier_target(parser, rule, "fast_pattern", &option);
	if (c == NULL)
		return -EINVAL;
	if (c->fast_pattern)
		return rule_parser_error(parser, "fast_pattern: used twice on the same content");
	if (rule->fast_pattern >= 0)
		return rule_parser_error(parser,
					 "fast_pattern: only one content of a rule can be the fast "
					 "pattern");
	char text[64];
	if (!payload_trim_copy(value, text, sizeof(text)))
		return rule_parser_error(parser, "fast_pattern: bad value \"%s\"", value);
	if (strcmp(text, "only") == 0) {
		if (c->head.negated)
			return rule_parser_error(parser,
						 "fast_pattern:only cannot be used on a negated "
						 "content");
		if (c->has_depth || c->has_offset || c->has_distance || c->has_within)
			return rule_parser_error(
			    parser, "fast_pattern:only cannot be used with depth, offset, "
				    "distance or within");
		c->fast_only = true;
	} else if (text[0] != '\0') {
		char *comma = strchr(text, ',');
		if (comma == NULL)
			return rule_parser_error(parser,
						 "fast_pattern: bad value \"%s\" (only or "
						 "offset,length)",
						 text);
		*comma = '\0';
		char *end1, *end2;
		errno = 0;
		unsigned long off = strtoul(text, &end1, 10);
		unsigned long len = strtoul(comma + 1, &end2, 10);
		while (isspace((unsigned char)*end1))
			end1++;
		while (isspace((unsigned char)*end2))
			end2++;
		if (errno != 0 || end1 == text || *end1 != '\0' || end2 == comma + 1 ||
		    *end2 != '\0' || len == 0)
			return rule_parser_error(
			    parser, "fast_pattern: bad offset,length \"%s,%s\"", text, comma + 1);
		if (off > c->len || len > c->len - off)
			return rule_parser_error(
			    parser,
			    "fast_pattern: %lu,%lu lies outside the content (%u "
			    "bytes)",
			    off, len, c->len);
		c->fast_offset = (uint32_t)off;
		c->fast_len = (uint32_t)len;
	}
	c->fast_pattern = true;
	rule->fast_pattern = (int)(option - rule->options);
	return 0;
}

/* bsize: N, !N, <N, <=N, >N, >=N, N<>M (exclusive, as Suricata's ranges) or N-M. */
static int bsize_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "bsize");
	if (rc < 0)
		return rc;
	char text[64];
	if (!payload_trim_copy(value, text, sizeof(text)) || text[0] == '\0')
		return rule_parser_error(parser, "bsize: bad value \"%s\"", value ? value : "");
	struct kw_bsize b = {.head = {.type = PAYLOAD_BSIZE}, .op = BSIZE_EQ};
	char *p = text;
	if (strncmp(p, "<=", 2) == 0) {
		b.op = BSIZE_LE;
		p += 2;
	} else if (strncmp(p, ">=", 2) == 0) {
		b.op = BSIZE_GE;
		p += 2;
	} else if (*p == '<') {
		b.op = BSIZE_LT;
		p++;
	} else if (*p == '>') {
		b.op = BSIZE_GT;
		p++;
	} else if (*p == '!') {
		b.op = BSIZE_NE;
		p++;
	} else if (*p == '=') {
		p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)*p))
		return rule_parser_error(parser, "bsize: bad value \"%s\"", text);
	b.low = strtoull(p, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (b.op == BSIZE_EQ && (strncmp(end, "<>", 2) == 0 || *end == '-')) {
		p = end + (*end == '-' ? 1 : 2);
		while (isspace((unsigned char)*p))
			p++;
		if (!isdigit((unsigned char)*p))
			return rule_parser_error(parser, "bsize: bad range \"%s\"", text);
		b.high = strtoull(p, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		b.op = BSIZE_RANGE;
		if (b.high <= b.low + 1)
			return rule_parser_error(parser, "bsize: empty range \"%s\"", text);
	}
	if (errno != 0 || *end != '\0')
		return rule_parser_error(parser, "bsize: bad value \"%s\"", text);
	struct kw_bsize *copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return rule_parser_error(parser, "bsize: out of memory");
	*copy = b;
	if (rule_parser_add_option(parser, rule, copy) == NULL) {
		free(copy);
		return rule_parser_error(parser, "bsize: out of memory");
	}
	return 0;
}

/* ---------------------------------------------------------------- matching */

/* ASCII lower case without a locale lookup: this runs for every candidate's nocase content. */
static inline uint8_t content_fold(uint8_t c)
{
	return (uint8_t)(c + (((unsigned)(c - 'A') < 26u) << 5));
}

static const uint8_t *content_find_nocase(const uint8_t *hay, uint32_t hay_len,
					  const uint8_t *folded, uint32_t len)
{
	if (len == 0 || len > hay_len)
		return len == 0 ? hay : NULL;
	uint8_t first = folded[0];
	bool letter = first >= 'a' && first <= 'z';
	const uint8_t *last = hay + (hay_len - len);
	for (const uint8_t *p = hay; p <= last; p++) {
		if (!letter) {
			/* a non-letter first byte has one case: let memchr skip ahead */
			p = memchr(p, first, (size_t)(last - p) + 1);
			if (!p)
				return NULL;
		} else if ((*p | 0x20) != first) {
			continue;
		}
		uint32_t k = 1;
		while (k < len && content_fold(p[k]) == folded[k])
			k++;
		if (k == len)
			return p;
	}
	return NULL;
}

/*
 * The window [*start, *end) the content may lie in, clipped to the buffer.
 * Suricata's semantics: offset and depth count from the start of the data
 * inspected (the cursor's origin: in stream data the chunk, not the
 * earlier bytes before it), depth from offset; a content with neither may
 * lie anywhere; a relative content starts at the previous match end plus
 * distance (a negative distance reaching before the buffer start is
 * clipped to 0) and ends within bytes after that same point, even when the
 * start was clipped.
 */
static void content_window(const struct kw_content *c, const struct rule_payload_cursor *cursor,
			   int64_t *start, int64_t *end)
{
	int64_t len = cursor->len;
	int64_t s, e = len;
	if (c->head.relative) {
		int64_t base = cursor->position;
		int64_t distance = c->has_distance ? payload_value_get(&c->distance, cursor) : 0;
		s = base + distance;
		if (c->has_within) {
			int64_t limit = base + distance + payload_value_get(&c->within, cursor);
			if (limit < e)
				e = limit;
		}
	} else if (c->has_offset || c->has_depth) {
		s = cursor->origin;
		if (c->has_offset)
			s += payload_value_get(&c->offset, cursor);
		if (c->has_depth) {
			int64_t limit = s + payload_value_get(&c->depth, cursor);
			if (limit < e)
				e = limit;
		} else if (!c->head.negated && s < cursor->search_from) {
			/* a body window: what lies before it was looked at already */
			s = cursor->search_from;
		}
	} else {
		s = 0;
	}
	if (s < 0)
		s = 0;
	if (e < 0)
		e = 0;
	*start = s;
	*end = e;
}

/*
 * Per-packet path. Looks for the content in its window, no earlier than
 * cursor->match_start (retries, payload.h). A negated content holds when
 * the pattern is absent from the window and leaves the cursor alone. On a
 * body that goes on (cursor->more) the end of the buffer is not the
 * body's: endswith cannot hold yet either way.
 */
static bool content_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_content *c = option->data;
	int64_t start, end;
	content_window(c, cursor, &start, &end);
	if (!c->head.negated && cursor->match_start > start)
		start = cursor->match_start;

	if (c->endswith && cursor->more)
		return false;
	const uint8_t *found = NULL;
	if (end - start >= (int64_t)c->len) {
		if (c->endswith) {
			/* Only one place can end at the buffer end: check just that one. */
			int64_t at = (int64_t)cursor->len - c->len;
			if (at >= start && at + c->len <= end) {
				const uint8_t *p = cursor->data + at;
				bool same = c->nocase ? content_find_nocase(p, c->len, c->folded,
									    c->len) != NULL
						      : memcmp(p, c->bytes, c->len) == 0;
				if (same)
					found = p;
			}
		} else if (c->nocase) {
			found = content_find_nocase(cursor->data + start, (uint32_t)(end - start),
						    c->folded, c->len);
		} else {
			found =
			    memmem(cursor->data + start, (size_t)(end - start), c->bytes, c->len);
		}
	}
	if (c->head.negated)
		return found == NULL;
	if (found == NULL)
		return false;
	cursor->match_start = (uint32_t)(found - cursor->data);
	cursor->position = cursor->match_start + c->len;
	return true;
}

/*
 * Per-packet path: the buffer's whole length (from the origin), wherever
 * the cursor stands. A body that goes on (cursor->more) only has a lower
 * bound on its length: only "more than" can hold before its end.
 */
static bool bsize_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_bsize *b = option->data;
	uint64_t n = cursor->len - cursor->origin;
	if (cursor->more && b->op != BSIZE_GT && b->op != BSIZE_GE)
		return false;
	switch ((enum bsize_op)b->op) {
	case BSIZE_EQ:
		return n == b->low;
	case BSIZE_NE:
		return n != b->low;
	case BSIZE_LT:
		return n < b->low;
	case BSIZE_LE:
		return n <= b->low;
	case BSIZE_GT:
		return n > b->low;
	case BSIZE_GE:
		return n >= b->low;
	case BSIZE_RANGE:
		return n > b->low && n < b->high;
	}
	return false;
}

bool rule_content_view(const struct rule_option *option, struct rule_content_view *view)
{
	if (option == NULL || option->keyword >= rule_keyword_count ||
	    rule_keywords[option->keyword].inspect != content_inspect)
		return false;
	const struct kw_content *c = option->data;
	view->bytes = c->bytes;
	view->len = c->len;
	view->nocase = c->nocase;
	view->negated = c->head.negated;
	view->fast_pattern = c->fast_pattern;
	view->fast_offset = c->fast_offset;
	view->fast_len = c->fast_len;
	return true;
}

void kw_content_register(void)
{
	static const struct rule_keyword rows[] = {
	    {.name = "content",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = content_parse,
	     .inspect = content_inspect,
	     .free = content_free},
	    {.name = "uricontent",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = uricontent_parse,
	     .inspect = content_inspect,
	     .free = content_free},
	    {.name = "bsize",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = bsize_parse,
	     .inspect = bsize_inspect},
	    {.name = "nocase", .kind = RULE_KW_MODIFIER, .parse = nocase_parse},
	    {.name = "depth",
	     .kind = RULE_KW_MODIFIER,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = depth_parse},
	    {.name = "offset",
	     .kind = RULE_KW_MODIFIER,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = offset_parse},
	    {.name = "distance",
	     .kind = RULE_KW_MODIFIER,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = distance_parse},
	    {.name = "within",
	     .kind = RULE_KW_MODIFIER,
	     .value = RULE_KW_VALUE_REQUIRED,
	     .parse = within_parse},
	    {.name = "startswith", .kind = RULE_KW_MODIFIER, .parse = startswith_parse},
	    {.name = "endswith", .kind = RULE_KW_MODIFIER, .parse = endswith_parse},
	    {.name = "fast_pattern",
	     .kind = RULE_KW_MODIFIER,
	     .value = RULE_KW_VALUE_OPTIONAL,
	     .parse = fast_pattern_parse},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rule_keyword_register(&rows[i]);
}
