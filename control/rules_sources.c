/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule sources: the filter files (enable, disable, drop, modify), the
 * merged rule set and its diff, and the sources file
 * (control/rules_sources.h). Regular expressions are PCRE2's, which
 * accepts the Python syntax suricata-update users write for the common
 * cases (classes, groups, \d, alternation). Fetching is vigilctl's.
 */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control/rules_sources.h"
#include "platform/array.h"

#define RULES_CONF_LINE_MAX 4096

enum rules_match_kind {
	RULES_MATCH_ALL,
	RULES_MATCH_IDS,
	RULES_MATCH_GROUP,
	RULES_MATCH_FILENAME,
	RULES_MATCH_RE,
	RULES_MATCH_METADATA,
};

struct rules_match_id {
	uint32_t gid, sid, rev; /* rev 0: any */
};

struct rules_conf_filter {
	enum rules_match_kind kind;
	struct rules_match_id *ids;
	size_t id_count;
	char *pattern;	  /* group/filename glob; metadata key */
	char *value;	  /* metadata value */
	pcre2_code *re;	  /* re: matcher */
	pcre2_code *from; /* modify: what to replace */
	char *to;	  /* modify: the replacement, in PCRE2's syntax */
};

static const char *const rules_conf_names[] = {
#define _(sym, file) [RULES_CONF_##sym] = file,
    foreach_rules_conf_kind
#undef _
};

const char *rules_conf_file_name(enum rules_conf_kind kind)
{
	return kind < RULES_CONF_KINDS ? rules_conf_names[kind] : "?";
}

static int rules_conf_error(char *error, size_t error_len, const char *file, unsigned line,
			    const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(error, error_len, "%s:%u: %s", file, line, what);
	return -EINVAL;
}

static void rules_filter_free(struct rules_conf_filter *f)
{
	free(f->ids);
	free(f->pattern);
	free(f->value);
	free(f->to);
	pcre2_code_free(f->re);
	pcre2_code_free(f->from);
}

void rules_conf_free(struct rules_conf *conf)
{
	for (size_t i = 0; i < conf->count; i++)
		rules_filter_free(&conf->filters[i]);
	free(conf->filters);
	*conf = (struct rules_conf){0};
}

static char *rules_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* A regex compiled, or NULL with the reason and its offset in why. */
static pcre2_code *rules_regex(const char *pattern, uint32_t flags, char *why, size_t why_len)
{
	int code;
	PCRE2_SIZE offset;
	pcre2_code *re =
	    pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, flags, &code, &offset, NULL);
	if (!re) {
		char msg[256];
		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		snprintf(why, why_len, "regex \"%s\": %s at offset %zu", pattern, msg,
			 (size_t)offset);
	}
	return re;
}

/* "2019401", "1:2019401", "1:2019401:3", comma separated; false when it is not such a list. */
static bool rules_parse_ids(const char *s, struct rules_conf_filter *f)
{
	char copy[RULES_CONF_LINE_MAX];
	snprintf(copy, sizeof(copy), "%s", s);
	char *save = NULL;
	for (char *entry = strtok_r(copy, ",", &save); entry; entry = strtok_r(NULL, ",", &save)) {
		entry = rules_trim(entry);
		unsigned long part[3];
		unsigned n = 0;
		char *p = entry;
		while (n < 3) {
			if (!isdigit((unsigned char)*p))
				return false;
			char *end;
			errno = 0;
			part[n++] = strtoul(p, &end, 10);
			if (errno || part[n - 1] > UINT32_MAX)
				return false;
			p = end;
			if (*p != ':')
				break;
			p++;
		}
		if (*p != '\0')
			return false;
		struct rules_match_id id = {.gid = 1};
		if (n == 1)
			id.sid = (uint32_t)part[0];
		else
			id = (struct rules_match_id){(uint32_t)part[0], (uint32_t)part[1],
						     n == 3 ? (uint32_t)part[2] : 0};
		size_t cap = f->id_count;
		if (ARRAY_GROW(f->ids, f->id_count, cap, 4) < 0)
			return false;
		f->ids[f->id_count++] = id;
	}
	return f->id_count > 0;
}

/* A matcher from s (trimmed); 0, or -EINVAL with why set. */
static int rules_parse_matcher(const char *s, struct rules_conf_filter *f, char *why,
			       size_t why_len)
{
	if (strcmp(s, "*") == 0) {
		f->kind = RULES_MATCH_ALL;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		f->kind = RULES_MATCH_IDS;
		if (rules_parse_ids(s, f))
			return 0;
		snprintf(why, why_len, "\"%s\" is not a sid, gid:sid or gid:sid:rev list", s);
		return -EINVAL;
	}
	if (strncmp(s, "re:", 3) == 0) {
		f->kind = RULES_MATCH_RE;
		char pattern[RULES_CONF_LINE_MAX];
		snprintf(pattern, sizeof(pattern), "%s", s + 3);
		f->re = rules_regex(rules_trim(pattern), PCRE2_CASELESS, why, why_len);
		return f->re ? 0 : -EINVAL;
	}
	const char *glob = NULL;
	if (strncmp(s, "filename:", 9) == 0) {
		f->kind = RULES_MATCH_FILENAME;
		glob = s + 9;
	} else if (strncmp(s, "group:", 6) == 0) {
		f->kind = RULES_MATCH_GROUP;
		glob = s + 6;
	} else if (strlen(s) > 6 && strcmp(s + strlen(s) - 6, ".rules") == 0) {
		f->kind = RULES_MATCH_GROUP;
		glob = s;
	}
	if (glob) {
		while (isspace((unsigned char)*glob))
			glob++;
		if (!*glob) {
			snprintf(why, why_len, "empty group pattern");
			return -EINVAL;
		}
		f->pattern = strdup(glob);
		return f->pattern ? 0 : -ENOMEM;
	}
	if (strncmp(s, "metadata:", 9) == 0) {
		f->kind = RULES_MATCH_METADATA;
		const char *p = s + 9;
		while (isspace((unsigned char)*p))
			p++;
		const char *space = strpbrk(p, " \t");
		const char *value = space;
		while (value && isspace((unsigned char)*value))
			value++;
		if (!space || space == p || !value || !*value) {
			snprintf(why, why_len,
				 "metadata wants a key and a value (metadata: KEY VALUE)");
			return -EINVAL;
		}
		f->pattern = strndup(p, (size_t)(space - p));
		f->value = strdup(value);
		return f->pattern && f->value ? 0 : -ENOMEM;
	}
	snprintf(why, why_len,
		 "\"%s\" is not a matcher (SID, GID:SID, group:, filename:, re:, metadata: or *)",
		 s);
	return -EINVAL;
}

/*
 * Split a modify.conf line into words as a POSIX shell would for the
 * quoting suricata-update users write: "..." (where \" and \\ are
 * escapes and any other backslash stays), '...' (literal) and bare words.
 * Returns the word count, or -1 on an unterminated quote.
 */
static int rules_split_words(const char *s, char words[][RULES_CONF_LINE_MAX], int max)
{
	int n = 0;
	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (n == max)
			return max + 1;
		char *out = words[n++];
		size_t len = 0;
		while (*s && !isspace((unsigned char)*s) && len + 1 < RULES_CONF_LINE_MAX) {
			if (*s == '"') {
				for (s++; *s && *s != '"' && len + 1 < RULES_CONF_LINE_MAX; s++) {
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
						s++;
					out[len++] = *s;
				}
				if (*s != '"')
					return -1;
				s++;
			} else if (*s == '\'') {
				for (s++; *s && *s != '\'' && len + 1 < RULES_CONF_LINE_MAX; s++)
					out[len++] = *s;
				if (*s != '\'')
					return -1;
				s++;
			} else {
				out[len++] = *s++;
			}
		}
		out[len] = '\0';
	}
	return n;
}

/* Python's replacement syntax (\N, \g<N>, ${N} from Oinkmaster) in PCRE2's ($N, $$). */
static char *rules_replacement(const char *to)
{
	size_t cap = strlen(to) * 2 + 1;
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	for (const char *p = to; *p; p++) {
		if (*p == '\\' && isdigit((unsigned char)p[1])) {
			*o++ = '$';
			continue;
		}
		if (*p == '\\' && p[1] == '\\') {
			*o++ = '\\';
			p++;
			continue;
		}
		if (*p == '$' && p[1] == '{' && isdigit((unsigned char)p[2])) {
			*o++ = '$';
			continue;
		}
		if (*p == '$') {
			*o++ = '$';
			*o++ = '$';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static int rules_parse_modify(const char *line, struct rules_conf_filter *f, char *why,
			      size_t why_len)
{
	char words[6][RULES_CONF_LINE_MAX];
	int n = rules_split_words(line, words, 6);
	const char *match, *from, *to;
	if (n == 3) {
		match = words[0], from = words[1], to = words[2];
	} else if (n == 5 && strcmp(words[0], "modifysid") == 0 && strcmp(words[3], "|") == 0) {
		match = words[1], from = words[2], to = words[4];
	} else {
		snprintf(
		    why, why_len,
		    n < 0
			? "unterminated quote"
			: "want MATCHER \"FROM\" \"TO\" (or modifysid MATCHER \"FROM\" | \"TO\")");
		return -EINVAL;
	}
	int rc = rules_parse_matcher(match, f, why, why_len);
	if (rc < 0)
		return rc;
	if (!(f->from = rules_regex(from, 0, why, why_len)))
		return -EINVAL;
	f->to = rules_replacement(to);
	return f->to ? 0 : -ENOMEM;
}

int rules_conf_parse(struct rules_conf *conf, enum rules_conf_kind kind, const char *file,
		     const char *text, size_t len, char *error, size_t error_len)
{
	conf->kind = kind;
	unsigned line_no = 0;
	size_t at = 0;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		line_no++;
		char line[RULES_CONF_LINE_MAX];
		if (n >= sizeof(line))
			return rules_conf_error(error, error_len, file, line_no,
						"line longer than %d bytes",
						RULES_CONF_LINE_MAX - 1);
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += n + 1;
		if (memchr(line, '\0', n))
			return rules_conf_error(error, error_len, file, line_no, "NUL byte");
		char *s = rules_trim(line);
		if (!*s || *s == '#')
			continue;
		struct rules_conf_filter f = {0};
		char why[600] = "";
		int rc = kind == RULES_CONF_MODIFY ? rules_parse_modify(s, &f, why, sizeof(why))
						   : rules_parse_matcher(s, &f, why, sizeof(why));
		if (rc == 0 && ARRAY_GROW(conf->filters, conf->count, conf->cap, 16) < 0)
			rc = -ENOMEM;
		if (rc < 0) {
			rules_filter_free(&f);
			if (rc == -ENOMEM)
				return rc;
			return rules_conf_error(error, error_len, file, line_no, "%s", why);
		}
		conf->filters[conf->count++] = f;
	}
	return 0;
}

/* --- rules of a source ---------------------------------------------------------------- */

static const char *const rules_actions[] = {"alert",	 "drop",      "pass",	    "reject",
					    "rejectsrc", "rejectdst", "rejectboth", "config"};

static bool rules_starts_with_action(const char *s)
{
	for (size_t i = 0; i < sizeof(rules_actions) / sizeof(rules_actions[0]); i++) {
		size_t n = strlen(rules_actions[i]);
		if (strncmp(s, rules_actions[i], n) == 0 && isspace((unsigned char)s[n]))
			return true;
	}
	return false;
}

/*
 * The options of a rule's text (after its first '('): each "key[:value]"
 * up to an unescaped ';'. Fills gid, sid, rev, noalert and
 * metadata. False when the rule has no sid.
 */
static bool rules_read_options(struct rules_source_rule *r)
{
	const char *p = strchr(r->text, '(');
	r->gid = 1, r->sid = 0, r->rev = 0, r->noalert = false;
	free(r->metadata);
	r->metadata = NULL;
	char *meta = NULL;
	size_t meta_len = 0;
	FILE *mf = open_memstream(&meta, &meta_len);
	bool have_sid = false;
	while (p && *p && *p != ')') {
		p++;
		while (isspace((unsigned char)*p))
			p++;
		const char *key = p;
		while (*p && *p != ':' && *p != ';' && *p != ')')
			p++;
		size_t key_len = (size_t)(p - key);
		while (key_len && isspace((unsigned char)key[key_len - 1]))
			key_len--;
		const char *value = NULL;
		size_t value_len = 0;
		if (*p == ':') {
			/* as Suricata reads it: the value ends at the first ';' not
			 * escaped, quotes or not (pcre:"/^["']?post/" is one value) */
			for (value = ++p; *p && *p != ';'; p++)
				if (*p == '\\' && p[1])
					p++;
			value_len = (size_t)(p - value);
			while (value_len && isspace((unsigned char)*value))
				value++, value_len--;
		}
		if (*p != ';')
			break;
#define KEY_IS(k) (key_len == sizeof(k) - 1 && strncasecmp(key, k, key_len) == 0)
		if (KEY_IS("sid") && value) {
			r->sid = (uint32_t)strtoul(value, NULL, 10);
			have_sid = true;
		} else if (KEY_IS("gid") && value) {
			r->gid = (uint32_t)strtoul(value, NULL, 10);
		} else if (KEY_IS("rev") && value) {
			r->rev = (uint32_t)strtoul(value, NULL, 10);
		} else if (KEY_IS("noalert")) {
			r->noalert = true;
		} else if (KEY_IS("flowbits") && value && value_len >= 7 &&
			   strncmp(value, "noalert", 7) == 0) {
			r->noalert = true;
		} else if (KEY_IS("metadata") && value && mf) {
			fprintf(mf, "%s%.*s", ftell(mf) ? ", " : "", (int)value_len, value);
		}
#undef KEY_IS
	}
	if (mf)
		fclose(mf);
	r->metadata = meta ? meta : strdup("");
	return have_sid;
}

static void rules_rule_free(struct rules_source_rule *r)
{
	free(r->text);
	free(r->group);
	free(r->filename);
	free(r->metadata);
}

static int rules_id_compare(uint32_t ag, uint32_t as, uint32_t bg, uint32_t bs)
{
	if (ag != bg)
		return ag < bg ? -1 : 1;
	return as < bs ? -1 : as > bs;
}

static int rules_rule_compare(const void *a, const void *b)
{
	const struct rules_source_rule *x = a, *y = b;
	return rules_id_compare(x->gid, x->sid, y->gid, y->sid);
}

/* A rule and where it was added, so that sorting keeps "later" meaningful. */
struct rules_keyed {
	struct rules_source_rule rule;
	size_t index;
};

static int rules_keyed_compare(const void *a, const void *b)
{
	const struct rules_keyed *x = a, *y = b;
	int c = rules_rule_compare(&x->rule, &y->rule);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Sort by gid:sid and keep one rule per id: the highest rev, the later one on a tie. */
static void rules_set_settle(struct rules_set *set)
{
	size_t n = set->count;
	if (n < 2)
		return;
	struct rules_keyed *keyed = malloc(n * sizeof(*keyed));
	if (!keyed) {
		qsort(set->rules, n, sizeof(set->rules[0]), rules_rule_compare);
	} else {
		for (size_t i = 0; i < n; i++)
			keyed[i] = (struct rules_keyed){set->rules[i], i};
		qsort(keyed, n, sizeof(*keyed), rules_keyed_compare);
		for (size_t i = 0; i < n; i++)
			set->rules[i] = keyed[i].rule;
		free(keyed);
	}
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (out && rules_rule_compare(&set->rules[out - 1], &set->rules[i]) == 0) {
			struct rules_source_rule *kept = &set->rules[out - 1];
			if (set->rules[i].rev >= kept->rev) {
				rules_rule_free(kept);
				*kept = set->rules[i];
			} else {
				rules_rule_free(&set->rules[i]);
			}
			continue;
		}
		set->rules[out++] = set->rules[i];
	}
	set->count = out;
}

int rules_set_add_file(struct rules_set *set, const char *filename, const char *text, size_t len)
{
	const char *slash = strrchr(filename, '/');
	const char *group = slash ? slash + 1 : filename;
	size_t at = 0;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		const char *s = text + at;
		at += n + 1;
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		bool enabled = true;
		if (n && *s == '#') {
			enabled = false;
			s++, n--;
			while (n && isspace((unsigned char)*s))
				s++, n--;
		}
		if (!n || memchr(s, '\0', n))
			continue;
		struct rules_source_rule r = {.enabled = enabled};
		if (!(r.text = strndup(s, n)))
			return -ENOMEM;
		if (!rules_starts_with_action(r.text)) {
			free(r.text);
			continue;
		}
		if (!rules_read_options(&r)) {
			/* a disabled line that only looks like a rule is a comment */
			if (enabled)
				set->skipped++;
			rules_rule_free(&r);
			continue;
		}
		r.group = strdup(group);
		r.filename = strdup(filename);
		if (!r.group || !r.filename ||
		    ARRAY_GROW(set->rules, set->count, set->cap, 1024) < 0) {
			rules_rule_free(&r);
			return -ENOMEM;
		}
		set->rules[set->count++] = r;
	}
	return 0;
}

void rules_set_free(struct rules_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		rules_rule_free(&set->rules[i]);
	free(set->rules);
	*set = (struct rules_set){0};
}

static bool rules_group_matches(const char *pattern, const char *group)
{
	if (fnmatch(pattern, group, 0) == 0)
		return true;
	/* the group without ".rules" too: "group:emerging-dos" */
	const char *dot = strrchr(group, '.');
	if (!dot)
		return false;
	char bare[512];
	snprintf(bare, sizeof(bare), "%.*s", (int)(dot - group), group);
	return fnmatch(pattern, bare, 0) == 0;
}

/* metadata "k v, k v": does an entry say key value (case-insensitive)? */
static bool rules_metadata_matches(const char *metadata, const char *key, const char *value)
{
	size_t key_len = strlen(key), value_len = strlen(value);
	const char *p = metadata;
	while (*p) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (n > key_len && strncasecmp(p, key, key_len) == 0 &&
		    isspace((unsigned char)p[key_len])) {
			const char *v = p + key_len;
			size_t vn = n - key_len;
			while (vn && isspace((unsigned char)*v))
				v++, vn--;
			if (vn == value_len && strncasecmp(v, value, vn) == 0)
				return true;
		}
		p += n;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

static bool rules_filter_matches(const struct rules_conf_filter *f,
				 const struct rules_source_rule *r, pcre2_match_data *md)
{
	switch (f->kind) {
	case RULES_MATCH_ALL:
		return true;
	case RULES_MATCH_IDS:
		for (size_t i = 0; i < f->id_count; i++)
			if (f->ids[i].gid == r->gid && f->ids[i].sid == r->sid &&
			    (!f->ids[i].rev || f->ids[i].rev == r->rev))
				return true;
		return false;
	case RULES_MATCH_GROUP:
		return rules_group_matches(f->pattern, r->group);
	case RULES_MATCH_FILENAME:
		return fnmatch(f->pattern, r->filename, 0) == 0;
	case RULES_MATCH_RE:
		return pcre2_match(f->re, (PCRE2_SPTR)r->text, strlen(r->text), 0, 0, md, NULL) >=
		       0;
	case RULES_MATCH_METADATA:
		return rules_metadata_matches(r->metadata, f->pattern, f->value);
	}
	return false;
}

static bool rules_conf_matches(const struct rules_conf *conf, const struct rules_source_rule *r,
			       pcre2_match_data *md)
{
	for (size_t i = 0; conf && i < conf->count; i++)
		if (rules_filter_matches(&conf->filters[i], r, md))
			return true;
	return false;
}

/* The rule's action word replaced by drop. 0 or -ENOMEM. */
static int rules_make_drop(struct rules_source_rule *r)
{
	size_t word = strcspn(r->text, " \t");
	char *text;
	if (asprintf(&text, "drop%s", r->text + word) < 0)
		return -ENOMEM;
	free(r->text);
	r->text = text;
	return 0;
}

/* FROM replaced by TO everywhere in the rule; true when it changed and still has a sid. */
static int rules_modify(struct rules_source_rule *r, const struct rules_conf_filter *f,
			struct rules_apply_report *report)
{
	size_t in_len = strlen(r->text);
	PCRE2_SIZE out_len = in_len * 2 + 256;
	for (int attempt = 0; attempt < 2; attempt++) {
		char *out = malloc(out_len + 1);
		if (!out)
			return -ENOMEM;
		PCRE2_SIZE got = out_len + 1;
		int rc = pcre2_substitute(
		    f->from, (PCRE2_SPTR)r->text, in_len, 0,
		    PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, NULL, NULL,
		    (PCRE2_SPTR)f->to, PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)out, &got);
		if (rc == PCRE2_ERROR_NOMEMORY) {
			free(out);
			out_len = got;
			continue;
		}
		if (rc <= 0) { /* no match, or a replacement naming a group FROM lacks */
			free(out);
			if (rc < 0)
				report->modify_failed++;
			return 0;
		}
		struct rules_source_rule changed = *r;
		changed.text = out;
		changed.metadata = NULL;
		if (strcmp(out, r->text) == 0 || !rules_starts_with_action(out) ||
		    !rules_read_options(&changed)) {
			if (strcmp(out, r->text) != 0)
				report->modify_failed++;
			free(out);
			free(changed.metadata);
			return 0;
		}
		free(r->text);
		free(r->metadata);
		*r = changed;
		report->modified++;
		return 0;
	}
	return 0;
}

int rules_set_apply(struct rules_set *set, const struct rules_conf *const confs[RULES_CONF_KINDS],
		    struct rules_apply_report *report)
{
	*report = (struct rules_apply_report){0};
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	if (!md)
		return -ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < set->count && rc == 0; i++) {
		struct rules_source_rule *r = &set->rules[i];
		if (r->enabled && rules_conf_matches(confs[RULES_CONF_DISABLE], r, md)) {
			r->enabled = false;
			report->disabled++;
		}
		if (!r->enabled && rules_conf_matches(confs[RULES_CONF_ENABLE], r, md)) {
			r->enabled = true;
			report->enabled++;
		}
		if (!r->noalert && strncmp(r->text, "drop", 4) != 0 &&
		    rules_conf_matches(confs[RULES_CONF_DROP], r, md)) {
			rc = rules_make_drop(r);
			report->dropped++;
		}
		const struct rules_conf *modify = confs[RULES_CONF_MODIFY];
		for (size_t k = 0; modify && k < modify->count && rc == 0; k++)
			if (rules_filter_matches(&modify->filters[k], r, md))
				rc = rules_modify(r, &modify->filters[k], report);
	}
	pcre2_match_data_free(md);
	/* a modification may have changed a sid: keep one rule per id */
	rules_set_settle(set);
	return rc;
}

char *rules_set_render(struct rules_set *set, size_t *len)
{
	rules_set_settle(set);
	char *text = NULL;
	*len = 0;
	FILE *f = open_memstream(&text, len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < set->count; i++)
		fprintf(f, "%s%s\n", set->rules[i].enabled ? "" : "# ", set->rules[i].text);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* --- diff ------------------------------------------------------------------------------- */

static int rules_diff_push(struct rules_diff_id **list, size_t *count,
			   const struct rules_source_rule *r)
{
	size_t cap = *count;
	if (ARRAY_GROW(*list, *count, cap, 64) < 0)
		return -ENOMEM;
	(*list)[(*count)++] = (struct rules_diff_id){r->gid, r->sid};
	return 0;
}

/* The next enabled rule at or after *i, or NULL. */
static const struct rules_source_rule *rules_next_enabled(const struct rules_set *set, size_t *i)
{
	while (*i < set->count && !set->rules[*i].enabled)
		(*i)++;
	return *i < set->count ? &set->rules[*i] : NULL;
}

int rules_diff_compute(struct rules_set *old, struct rules_set *new, struct rules_diff *diff)
{
	*diff = (struct rules_diff){0};
	rules_set_settle(old);
	rules_set_settle(new);
	size_t i = 0, k = 0;
	int rc = 0;
	while (rc == 0) {
		const struct rules_source_rule *a = rules_next_enabled(old, &i);
		const struct rules_source_rule *b = rules_next_enabled(new, &k);
		if (!a && !b)
			break;
		int c = !a ? 1 : !b ? -1 : rules_id_compare(a->gid, a->sid, b->gid, b->sid);
		if (c < 0) {
			rc = rules_diff_push(&diff->removed, &diff->removed_count, a);
			i++;
		} else if (c > 0) {
			rc = rules_diff_push(&diff->added, &diff->added_count, b);
			k++;
		} else {
			if (strcmp(a->text, b->text) != 0)
				rc = rules_diff_push(&diff->changed, &diff->changed_count, b);
			else
				diff->unchanged_count++;
			i++, k++;
		}
	}
	if (rc < 0)
		rules_diff_free(diff);
	return rc;
}

void rules_diff_free(struct rules_diff *diff)
{
	free(diff->added);
	free(diff->removed);
	free(diff->changed);
	*diff = (struct rules_diff){0};
}

/* --- the sources file ------------------------------------------------------------------- */

int rules_sources_parse(const char *file, const char *text, size_t len, struct rules_source *out,
			size_t max, char *error, size_t error_len)
{
	size_t count = 0, at = 0;
	unsigned line_no = 0;
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		line_no++;
		char line[RULES_CONF_LINE_MAX];
		if (n >= sizeof(line))
			return rules_conf_error(error, error_len, file, line_no, "line too long");
		memcpy(line, text + at, n);
		line[n] = '\0';
		at += n + 1;
		char *s = rules_trim(line);
		if (!*s || *s == '#')
			continue;
		char *save = NULL, *location = strtok_r(s, " \t", &save);
		char *option = strtok_r(NULL, " \t", &save);
		if (strtok_r(NULL, " \t", &save))
			return rules_conf_error(error, error_len, file, line_no,
						"want LOCATION [sha256=HEX]");
		if (strncasecmp(location, "http://", 7) == 0)
			return rules_conf_error(error, error_len, file, line_no,
						"\"%s\": plain http is refused, use https://",
						location);
		if (strstr(location, "://") && strncasecmp(location, "https://", 8) != 0)
			return rules_conf_error(error, error_len, file, line_no,
						"\"%s\": only https:// URLs and local paths",
						location);
		if (strlen(location) >= sizeof(out[0].location))
			return rules_conf_error(error, error_len, file, line_no,
						"location too long");
		if (count == max)
			return rules_conf_error(error, error_len, file, line_no,
						"more than %zu sources", max);
		struct rules_source *src = &out[count];
		*src = (struct rules_source){.line = line_no};
		strcpy(src->location, location);
		if (option) {
			size_t hex = strncmp(option, "sha256=", 7) == 0 ? strlen(option + 7) : 0;
			if (hex != 64 || strspn(option + 7, "0123456789abcdefABCDEF") != 64)
				return rules_conf_error(error, error_len, file, line_no,
							"\"%s\": want sha256= and 64 hex digits",
							option);
			for (int i = 0; i < 64; i++)
				src->sha256[i] = (char)tolower((unsigned char)option[7 + i]);
		}
		count++;
	}
	return (int)count;
}
