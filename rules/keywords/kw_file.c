/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The file keywords, as Suricata 8 documents them (the sticky buffers
 * file.data, file.name and file.magic come from buffer.h):
 *   filename:[!]"text";    file.name; content:[!]"text"; nocase;
 *   fileext:[!]"ext";      file.name; content:[!]".ext"; nocase; endswith;
 *   filemagic:[!]"text";   file.magic; content:[!]"text"; nocase;
 *       (the old forms: each is one content in its buffer, as Suricata
 *       rewrites them, and the sticky buffer in effect does not change)
 *   filesize:[!]N[unit];   also <N, >N, <=N, >=N, N<>M and N-M (both ends
 *                          excluded); unit KB, MB or GB (1024-based); a
 *                          closed file is compared, one still open only
 *                          by > and >= (it can only grow), a truncated
 *                          one never
 *   filemd5:[!]FILE;  filesha1:[!]FILE;  filesha256:[!]FILE;
 *                          the closed file's hash is (or, with !, is not)
 *                          in FILE, one hex hash per line (blank lines and
 *                          # comments skipped, anything after the hash on
 *                          its line ignored); a relative FILE is found
 *                          beside the rules file, as Suricata finds it in
 *                          its rule directory
 *   filestore[:direction[,scope]];
 *                          store the file the rule matched (direction
 *                          request, response or both; scope file, tx,
 *                          ssn or flow, accepted and taken as tx: the
 *                          transaction's files in that direction) into
 *                          the board's [files] store_dir
 * The tests read file.meta (struct rule_file_meta, buffer.h), which the
 * parsers that carry files put in every unit of a file's body; the hash
 * lists are sorted once at load and searched by bisection per file.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"

/* ---- filename, fileext, filemagic: a content in their buffer ----------- */

/* The parse function of the keyword named name (content, nocase, endswith, ...). */
static int kw_file_row_parse(struct rule_parser *parser, struct rule *rule, const char *name,
			     const char *value, int *row)
{
	const struct rule_keyword *k = rule_keyword_find(name, row);
	if (!k || !k->parse)
		return rule_parser_error(parser, "no \"%s\" keyword", name);
	return k->parse(parser, rule, value);
}

/*
 * A content of value (prefix before its text, e.g. "." for an extension)
 * in buffer, nocase, endswith when asked: what Suricata makes of the old
 * file keywords.
 */
static int kw_file_content(struct rule_parser *parser, struct rule *rule, const char *keyword,
			   const char *value, const char *prefix, int buffer, bool endswith)
{
	const char *text;
	size_t n;
	bool negated = payload_value_split(value, &text, &n);
	if (n == 0)
		return rule_parser_error(parser, "%s: empty value", keyword);
	size_t size = n + strlen(prefix) + 4;
	char *content = malloc(size);
	if (!content)
		return rule_parser_error(parser, "%s: out of memory", keyword);
	snprintf(content, size, "%s\"%s%.*s\"", negated ? "!" : "", prefix, (int)n, text);
	int row;
	int rc = kw_file_row_parse(parser, rule, "content", content, &row);
	free(content);
	if (rc < 0)
		return rc;
	struct rule_option *o = &rule->options[rule->option_count - 1];
	o->keyword = (uint16_t)row;
	o->buffer = (uint16_t)buffer;
	rule->buffers_used |= RULE_BUFFER_BIT(buffer);
	rc = kw_file_row_parse(parser, rule, "nocase", NULL, &row);
	if (rc == 0 && endswith)
		rc = kw_file_row_parse(parser, rule, "endswith", NULL, &row);
	return rc;
}

static int kw_filename_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_file_content(parser, rule, "filename", value, "", RULE_BUFFER_FILE_NAME, false);
}

static int kw_fileext_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_file_content(parser, rule, "fileext", value, ".", RULE_BUFFER_FILE_NAME, true);
}

static int kw_filemagic_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_file_content(parser, rule, "filemagic", value, "", RULE_BUFFER_FILE_MAGIC, false);
}

/* ---- file.meta -------------------------------------------------------- */

static bool kw_file_meta(const struct rule_match_ctx *ctx, struct rule_file_meta *m)
{
	const uint8_t *buf = ctx->buffer[RULE_BUFFER_FILE_META];
	if (!buf || ctx->buffer_len[RULE_BUFFER_FILE_META] < sizeof(*m))
		return false;
	memcpy(m, buf, sizeof(*m));
	return true;
}

static int kw_file_option(struct rule_parser *parser, struct rule *rule, void *data)
{
	if (!rule_parser_add_option(parser, rule, data)) {
		free(data);
		return -EINVAL;
	}
	rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_FILE_META);
	return 0;
}

/* ---- filesize --------------------------------------------------------- */

enum kw_filesize_op {
	FILESIZE_EQ,
	FILESIZE_LT,
	FILESIZE_LE,
	FILESIZE_GT,
	FILESIZE_GE,
	FILESIZE_RANGE
};

struct kw_filesize {
	uint8_t op; /* enum kw_filesize_op */
	bool negated;
	uint64_t low, high;
};

/* A size: digits, optional blanks, optional unit KB, MB or GB. *end past it. */
static int kw_filesize_number(const char *text, uint64_t *out, const char **end)
{
	const char *p = text;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	char *after;
	unsigned long long n = strtoull(p, &after, 10);
	if (errno)
		return -EINVAL;
	p = after;
	while (*p == ' ')
		p++;
	static const struct {
		const char *unit;
		unsigned shift;
	} units[] = {{"KB", 10}, {"MB", 20}, {"GB", 30}};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strncasecmp(p, units[i].unit, 2) == 0) {
			if (n > (UINT64_MAX >> units[i].shift))
				return -EINVAL;
			n <<= units[i].shift;
			p += 2;
			break;
		}
	*out = n;
	*end = p;
	return 0;
}

/* Parse value into f. Returns 0 or -EINVAL. Exported for the unit tests through the row. */
static int kw_filesize_value(const char *value, struct kw_filesize *f)
{
	const char *p = value, *end;
	memset(f, 0, sizeof(*f));
	while (*p == ' ')
		p++;
	if (*p == '!') {
		f->negated = true;
		p++;
	}
	if (p[0] == '<' && p[1] == '=') {
		f->op = FILESIZE_LE;
		p += 2;
	} else if (p[0] == '>' && p[1] == '=') {
		f->op = FILESIZE_GE;
		p += 2;
	} else if (*p == '<') {
		f->op = FILESIZE_LT;
		p++;
	} else if (*p == '>') {
		f->op = FILESIZE_GT;
		p++;
	}
	if (kw_filesize_number(p, &f->low, &end) < 0)
		return -EINVAL;
	p = end;
	if (f->op == FILESIZE_EQ && (strncmp(p, "<>", 2) == 0 || *p == '-')) {
		p += *p == '-' ? 1 : 2;
		if (kw_filesize_number(p, &f->high, &end) < 0 || f->high <= f->low)
			return -EINVAL;
		f->op = FILESIZE_RANGE;
		p = end;
	}
	while (*p == ' ')
		p++;
	return *p ? -EINVAL : 0;
}

static int kw_filesize_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_filesize *f = calloc(1, sizeof(*f));
	if (!f)
		return rule_parser_error(parser, "filesize: out of memory");
	if (kw_filesize_value(value, f) < 0) {
		free(f);
		return rule_parser_error(parser, "bad value of \"filesize\": \"%s\"", value);
	}
	return kw_file_option(parser, rule, f);
}

static bool kw_filesize_holds(const struct kw_filesize *f, uint64_t size)
{
	switch ((enum kw_filesize_op)f->op) {
	case FILESIZE_EQ:
		return size == f->low;
	case FILESIZE_LT:
		return size < f->low;
	case FILESIZE_LE:
		return size <= f->low;
	case FILESIZE_GT:
		return size > f->low;
	case FILESIZE_GE:
		return size >= f->low;
	case FILESIZE_RANGE:
		return size > f->low && size < f->high;
	}
	return false;
}

static bool kw_filesize_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_filesize *f = option->data;
	struct rule_file_meta m;
	if (!kw_file_meta(ctx, &m) || m.state == RULE_FILE_TRUNCATED)
		return false;
	if (m.state == RULE_FILE_OPEN) {
		/* a file still arriving only grows: "more than" can hold already */
		bool growing = !f->negated && (f->op == FILESIZE_GT || f->op == FILESIZE_GE);
		return growing && kw_filesize_holds(f, m.size);
	}
	return kw_filesize_holds(f, m.size) != f->negated;
}

/* ---- filemd5, filesha1, filesha256 ------------------------------------ */

struct kw_filehash {
	uint8_t which; /* RULE_FILE_HAS_* */
	uint8_t len;   /* bytes of one hash */
	bool negated;
	uint32_t count; /* hashes, sorted */
	uint8_t hashes[];
};

static int kw_filehash_cmp(const void *a, const void *b, void *len)
{
	return memcmp(a, b, *(const uint8_t *)len);
}

static int kw_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Where a hash list named in a rule is: an absolute path as it is, a
 * relative one beside the rules file (rule_file) it is named in.
 */
static void kw_filehash_path(const char *name, const char *rule_file, char *out, size_t size)
{
	if (name[0] == '/' || !rule_file || !strchr(rule_file, '/')) {
		snprintf(out, size, "%s", name);
		return;
	}
	char *copy = strdup(rule_file);
	snprintf(out, size, "%s/%s", copy ? dirname(copy) : ".", name);
	free(copy);
}

/*
 * Read path's hashes (hex, len bytes each) into a new list; refuses a line
 * that is not one, naming the file and line. NULL after rule_parser_error().
 */
static struct kw_filehash *kw_filehash_load(struct rule_parser *parser, const char *keyword,
					    const char *path, uint8_t len)
{
	FILE *in = fopen(path, "r");
	if (!in) {
		rule_parser_error(parser, "%s: cannot read \"%s\": %s", keyword, path,
				  strerror(errno));
		return NULL;
	}
	/* a list is a file: a device (/dev/zero) or a FIFO would never end */
	struct stat st;
	if (fstat(fileno(in), &st) < 0 || !S_ISREG(st.st_mode)) {
		rule_parser_error(parser, "%s: \"%s\" is not a regular file", keyword, path);
		fclose(in);
		return NULL;
	}
	size_t cap = 64;
	struct kw_filehash *h = calloc(1, sizeof(*h) + cap * len);
	char line[512];
	unsigned number = 0;
	while (h && fgets(line, sizeof(line), in)) {
		number++;
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		size_t n = 0;
		while (kw_hex_digit((unsigned char)p[n]) >= 0)
			n++;
		if (n != 2u * len || (p[n] && !isspace((unsigned char)p[n]))) {
			rule_parser_error(parser, "%s: %s:%u: not a %u-byte hex hash", keyword,
					  path, number, len);
			free(h);
			fclose(in);
			return NULL;
		}
		if (h->count == cap) {
			cap *= 2;
			struct kw_filehash *grown = realloc(h, sizeof(*h) + cap * len);
			if (!grown) {
				free(h);
				h = NULL;
				break;
			}
			h = grown;
		}
		uint8_t *out = h->hashes + (size_t)h->count * len;
		for (size_t i = 0; i < len; i++)
			out[i] = (uint8_t)(kw_hex_digit((unsigned char)p[2 * i]) << 4 |
					   kw_hex_digit((unsigned char)p[2 * i + 1]));
		h->count++;
	}
	fclose(in);
	if (!h) {
		rule_parser_error(parser, "%s: out of memory", keyword);
		return NULL;
	}
	if (h->count == 0) {
		rule_parser_error(parser, "%s: \"%s\" holds no hash", keyword, path);
		free(h);
		return NULL;
	}
	h->len = len;
	qsort_r(h->hashes, h->count, len, kw_filehash_cmp, &h->len);
	return h;
}

static int kw_filehash_parse(struct rule_parser *parser, struct rule *rule, const char *keyword,
			     const char *value, uint8_t which, uint8_t len)
{
	const char *name;
	size_t n;
	bool negated = payload_value_split(value, &name, &n);
	if (n == 0 || n >= 1024)
		return rule_parser_error(parser, "bad value of \"%s\": \"%s\"", keyword,
					 value ? value : "");
	char file[1024], path[2048];
	memcpy(file, name, n);
	file[n] = '\0';
	kw_filehash_path(file, rule->file, path, sizeof(path));
	struct kw_filehash *h = kw_filehash_load(parser, keyword, path, len);
	if (!h)
		return -EINVAL;
	h->which = which;
	h->negated = negated;
	return kw_file_option(parser, rule, h);
}

static int kw_filemd5_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_filehash_parse(parser, rule, "filemd5", value, RULE_FILE_HAS_MD5, 16);
}

static int kw_filesha1_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_filehash_parse(parser, rule, "filesha1", value, RULE_FILE_HAS_SHA1, 20);
}

static int kw_filesha256_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_filehash_parse(parser, rule, "filesha256", value, RULE_FILE_HAS_SHA256, 32);
}

static bool kw_filehash_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_filehash *h = option->data;
	struct rule_file_meta m;
	if (!kw_file_meta(ctx, &m) || !(m.hashes & h->which))
		return false; /* not closed whole yet, or not hashed: nothing to compare */
	const uint8_t *hash = h->which == RULE_FILE_HAS_MD5    ? m.md5
			      : h->which == RULE_FILE_HAS_SHA1 ? m.sha1
							       : m.sha256;
	uint32_t low = 0, high = h->count;
	bool found = false;
	while (low < high && !found) {
		uint32_t mid = low + (high - low) / 2;
		int c = memcmp(hash, h->hashes + (size_t)mid * h->len, h->len);
		if (c == 0)
			found = true;
		else if (c < 0)
			high = mid;
		else
			low = mid + 1;
	}
	return found != h->negated;
}

/* ---- filestore -------------------------------------------------------- */

enum kw_filestore_direction {
	FILESTORE_CURRENT,
	FILESTORE_REQUEST,
	FILESTORE_RESPONSE,
	FILESTORE_BOTH
};

struct kw_filestore {
	uint8_t direction; /* enum kw_filestore_direction */
	/* The rule tests no buffer before it (alert nfs ... (filestore;)):
	 * as in Suricata, where filestore makes a rule one on files, it holds
	 * on a unit that carries a file (file.meta), once per file, not on
	 * every packet of the flow. A rule with a content stays as it was. */
	bool on_files;
};

static int kw_filestore_index = -1;

/* No option before filestore tests a buffer (no content, pcre, sticky buffer, field test). */
static bool kw_filestore_alone(const struct rule *rule)
{
	if (rule->buffers_used)
		return false;
	for (unsigned i = 0; i < rule->option_count; i++) {
		enum rule_keyword_kind kind = rule_keywords[rule->options[i].keyword].kind;
		if (kind == RULE_KW_PAYLOAD || kind == RULE_KW_TRANSFORM)
			return false;
	}
	return true;
}

static int kw_filestore_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	static const char *const directions[] = {"", "request", "response", "both"};
	static const char *const scopes[] = {"file", "tx", "ssn", "flow"};
	struct kw_filestore *f = calloc(1, sizeof(*f));
	char copy[64];
	if (!f)
		return rule_parser_error(parser, "filestore: out of memory");
	snprintf(copy, sizeof(copy), "%s", value ? value : "");
	char *comma = strchr(copy, ',');
	char *scope = comma ? kw_trim(comma + 1) : NULL;
	if (comma)
		*comma = '\0';
	char *direction = kw_trim(copy);
	size_t d = 0;
	while (d < 4 && strcasecmp(direction, directions[d]) != 0)
		d++;
	size_t s = 0;
	while (scope && s < 4 && strcasecmp(scope, scopes[s]) != 0)
		s++;
	if (d == 4 || (scope && s == 4) || (value && strlen(value) >= sizeof(copy))) {
		free(f);
		return rule_parser_error(parser, "bad value of \"filestore\": \"%s\"", value);
	}
	f->direction = (uint8_t)d;
	f->on_files = kw_filestore_alone(rule);
	if (!rule_parser_add_option(parser, rule, f)) {
		free(f);
		return -EINVAL;
	}
	if (f->on_files)
		rule->buffers_used |= RULE_BUFFER_BIT(RULE_BUFFER_FILE_META);
	return 0;
}

/* filestore is an action after the match, not a test (but on_files: a unit with a file) */
static bool kw_filestore_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_filestore *f = option->data;
	return !f->on_files || ctx->buffer[RULE_BUFFER_FILE_META];
}

unsigned rule_match_filestore(const struct rule *rule, bool to_server)
{
	unsigned want = 0;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *o = &rule->options[i];
		if (o->keyword != kw_filestore_index)
			continue;
		const struct kw_filestore *f = o->data;
		if (f->direction == FILESTORE_CURRENT)
			want |= to_server ? RULE_FILESTORE_REQUEST : RULE_FILESTORE_RESPONSE;
		if (f->direction == FILESTORE_REQUEST || f->direction == FILESTORE_BOTH)
			want |= RULE_FILESTORE_REQUEST;
		if (f->direction == FILESTORE_RESPONSE || f->direction == FILESTORE_BOTH)
			want |= RULE_FILESTORE_RESPONSE;
	}
	return want;
}

static int kw_filehash_index[3] = {-1, -1, -1}; /* filemd5, filesha1, filesha256 rows */

unsigned rule_file_needs(const struct rule *rule)
{
	unsigned needs = 0;
	if (rule->buffers_used & RULE_BUFFER_BIT(RULE_BUFFER_FILE_MAGIC))
		needs |= RULE_FILE_NEEDS_MAGIC;
	for (unsigned i = 0; i < rule->option_count; i++)
		for (int k = 0; k < 3; k++)
			if (kw_filehash_index[k] >= 0 &&
			    rule->options[i].keyword == kw_filehash_index[k])
				needs |= ((const struct kw_filehash *)rule->options[i].data)->which;
	return needs;
}

void kw_file_register(void)
{
	static const struct rule_keyword rows[] = {
	    {.name = "filename", .kind = RULE_KW_PAYLOAD, .parse = kw_filename_parse},
	    {.name = "fileext", .kind = RULE_KW_PAYLOAD, .parse = kw_fileext_parse},
	    {.name = "filemagic", .kind = RULE_KW_PAYLOAD, .parse = kw_filemagic_parse},
	    {.name = "filesize",
	     .kind = RULE_KW_FLOW,
	     .parse = kw_filesize_parse,
	     .match = kw_filesize_match},
	    {.name = "filemd5",
	     .kind = RULE_KW_FLOW,
	     .parse = kw_filemd5_parse,
	     .match = kw_filehash_match},
	    {.name = "filesha1",
	     .kind = RULE_KW_FLOW,
	     .parse = kw_filesha1_parse,
	     .match = kw_filehash_match},
	    {.name = "filesha256",
	     .kind = RULE_KW_FLOW,
	     .parse = kw_filesha256_parse,
	     .match = kw_filehash_match},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct rule_keyword row = rows[i];
		row.value = RULE_KW_VALUE_REQUIRED;
		int index = rule_keyword_register(&row);
		if (row.match == kw_filehash_match)
			kw_filehash_index[i - 4] = index;
	}
	struct rule_keyword store = {.name = "filestore",
				     .kind = RULE_KW_FLOW,
				     .value = RULE_KW_VALUE_OPTIONAL,
				     .parse = kw_filestore_parse,
				     .match = kw_filestore_match};
	kw_filestore_index = rule_keyword_register(&store);
}
