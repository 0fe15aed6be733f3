/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The filter file reader: one statement per line, words separated by
 * blanks, '#' starts a comment. The first word names the statement; each
 * statement is one row of filter_statements[] (name, parser, usage), so a
 * new statement never edits a switch. Every error names the file, line and
 * column of the bad word. Compiling what is read is left to
 * filter_tables.c; this file never touches DPDK.
 *
 *   default allow|deny                      ACL action when no rule matches
 *   acl NUMBER allow|deny [FIELD ...]        numbered rule, lowest number first
 *   stateful allow [FIELD ...]               allows new flows (and their replies)
 *   stateful default allow|deny              new flows no stateful rule allows
 *   ipset NAME PREFIX ...                    named prefix set, addresses inline
 *   ipset NAME file PATH                     ... or from a list (plain, CSV, DROP, AWS JSON)
 *   domain allow|deny NAME ...               exact (example.com) or suffix (.example.com)
 *   domain allow|deny file PATH              ... or from a list
 *   domain default allow|deny                SNI/Host on no list
 *   xff deny @SET                            HTTP clients behind a proxy, by X-Forwarded-For
 *   log deny                                 an EVE drop event per denied flow
 *
 * FIELD: ingress | egress | proto tcp|udp|icmp|icmpv6|any|N | src ADDR |
 * dst ADDR | sport PORTS | dport PORTS | icmp-type N, where ADDR is any, a
 * prefix or @SET and PORTS is N or N-M.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter/filter_spec.h"
#include "platform/array.h"

#define FILTER_MAX_WORDS 64
#define FILTER_LINE_MAX	 4096

struct filter_word {
	const char *text; /* not NUL-terminated */
	size_t len;
	unsigned col; /* 1-based */
};

/* State of one parse: the line at hand, split into words. */
struct filter_parser {
	struct filter_spec *spec;
	const char *origin;
	const char *base_dir;
	unsigned line;
	struct filter_word words[FILTER_MAX_WORDS];
	unsigned count;
	char *err;
	size_t err_len;
	bool failed;
};

struct filter_statement {
	const char *name;
	int (*parse)(struct filter_parser *fp);
	const char *usage;
};

static int filter_fail(struct filter_parser *fp, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int filter_fail(struct filter_parser *fp, unsigned col, const char *fmt, ...)
{
	if (fp->failed)
		return -EINVAL;
	fp->failed = true;
	int n = snprintf(fp->err, fp->err_len, "%s:%u:%u: ", fp->origin, fp->line, col);
	if (n >= 0 && (size_t)n < fp->err_len) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(fp->err + n, fp->err_len - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool filter_word_is(const struct filter_word *w, const char *s)
{
	return w->len == strlen(s) && strncmp(w->text, s, w->len) == 0;
}

/* The word as a quoted, bounded string for messages. */
#define W(w) (int)((w)->len > 64 ? 64 : (w)->len), (w)->text

/* Word i, or an error at the end of the line saying what was expected. */
static const struct filter_word *filter_need(struct filter_parser *fp, unsigned i, const char *what)
{
	if (i < fp->count)
		return &fp->words[i];
	const struct filter_word *last = &fp->words[fp->count - 1];
	filter_fail(fp, last->col + (unsigned)last->len, "expected %s after \"%.*s\"", what,
		    W(last));
	return NULL;
}

static int filter_parse_uint(const struct filter_word *w, unsigned long max, unsigned long *out)
{
	if (w->len == 0 || w->len > 10)
		return -EINVAL;
	unsigned long n = 0;
	for (size_t i = 0; i < w->len; i++) {
		if (!isdigit((unsigned char)w->text[i]))
			return -EINVAL;
		n = n * 10 + (unsigned long)(w->text[i] - '0');
	}
	if (n > max)
		return -ERANGE;
	*out = n;
	return 0;
}

static int filter_parse_action(struct filter_parser *fp, unsigned i, enum filter_action *out)
{
	const struct filter_word *w = filter_need(fp, i, "allow or deny");
	if (!w)
		return -EINVAL;
	if (filter_word_is(w, "allow"))
		*out = FILTER_ALLOW;
	else if (filter_word_is(w, "deny"))
		*out = FILTER_DENY;
	else
		return filter_fail(fp, w->col, "\"%.*s\" is not allow or deny", W(w));
	return 0;
}

/* ---- rule fields ---- */

static int filter_field_proto(struct filter_parser *fp, const struct filter_word *w,
			      struct filter_match *m)
{
	static const struct {
		const char *name;
		int proto;
	} names[] = {{"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmpv6", 58}, {"any", -1}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (filter_word_is(w, names[i].name)) {
			m->proto = names[i].proto;
			return 0;
		}
	}
	unsigned long n;
	if (filter_parse_uint(w, 255, &n) < 0)
		return filter_fail(
		    fp, w->col, "\"%.*s\" is not a protocol (tcp, udp, icmp, icmpv6, any or 0-255)",
		    W(w));
	m->proto = (int)n;
	return 0;
}

static int filter_field_addr(struct filter_parser *fp, const struct filter_word *w,
			     struct filter_addr *a, struct filter_match *m)
{
	a->any = false;
	a->set = -1;
	if (filter_word_is(w, "any")) {
		a->any = true;
		return 0;
	}
	if (w->text[0] == '@') {
		char name[FILTER_NAME_MAX];
		snprintf(name, sizeof(name), "%.*s", (int)(w->len - 1), w->text + 1);
		a->set = w->len - 1 < FILTER_NAME_MAX ? filter_spec_find_set(fp->spec, name) : -1;
		if (a->set < 0)
			return filter_fail(
			    fp, w->col,
			    "\"%.*s\": no IP set of that name (declare it with ipset "
			    "first)",
			    W(w));
		return 0;
	}
	if (filter_prefix_parse(w->text, w->len, &a->prefix) < 0)
		return filter_fail(fp, w->col, "\"%.*s\" is not an address, a prefix, any or @SET",
				   W(w));
	if (m->ip_version && m->ip_version != a->prefix.version)
		return filter_fail(fp, w->col, "\"%.*s\": IPv%u and IPv%u in one rule", W(w),
				   m->ip_version, a->prefix.version);
	m->ip_version = a->prefix.version;
	return 0;
}

static int filter_field_ports(struct filter_parser *fp, const struct filter_word *w, uint16_t *lo,
			      uint16_t *hi)
{
	const char *dash = memchr(w->text, '-', w->len);
	struct filter_word a = *w, b = *w;
	if (dash) {
		a.len = (size_t)(dash - w->text);
		b.text = dash + 1;
		b.len = w->len - a.len - 1;
	}
	unsigned long x, y;
	if (filter_parse_uint(&a, 65535, &x) < 0 || filter_parse_uint(&b, 65535, &y) < 0)
		return filter_fail(fp, w->col, "\"%.*s\" is not a port (0-65535) or range (N-M)",
				   W(w));
	if (y < x)
		return filter_fail(fp, w->col, "\"%.*s\": the range ends before it starts", W(w));
	*lo = (uint16_t)x;
	*hi = (uint16_t)y;
	return 0;
}

/* The FIELD words from index first on, into m; checks what only makes sense together. */
static int filter_parse_fields(struct filter_parser *fp, unsigned first, struct filter_match *m)
{
	*m = (struct filter_match){.proto = -1,
				   .sport_hi = 65535,
				   .dport_hi = 65535,
				   .icmp_type = -1,
				   .src = {.any = true, .set = -1},
				   .dst = {.any = true, .set = -1}};
	unsigned ports_col = 0, icmp_col = 0;
	for (unsigned i = first; i < fp->count; i++) {
		const struct filter_word *key = &fp->words[i];
		if (filter_word_is(key, "ingress") || filter_word_is(key, "egress")) {
			if (m->direction)
				return filter_fail(fp, key->col, "direction given twice");
			m->direction = key->text[0] == 'i' ? FILTER_DIR_INGRESS : FILTER_DIR_EGRESS;
			continue;
		}
		const struct filter_word *v = NULL;
		int rc;
		if (filter_word_is(key, "proto")) {
			if (!(v = filter_need(fp, ++i, "a protocol")))
				return -EINVAL;
			rc = filter_field_proto(fp, v, m);
		} else if (filter_word_is(key, "src") || filter_word_is(key, "dst")) {
			if (!(v = filter_need(fp, ++i, "an address, a prefix, any or @SET")))
				return -EINVAL;
			rc = filter_field_addr(fp, v, key->text[0] == 's' ? &m->src : &m->dst, m);
		} else if (filter_word_is(key, "sport") || filter_word_is(key, "dport")) {
			if (!(v = filter_need(fp, ++i, "a port or a range")))
				return -EINVAL;
			ports_col = key->col;
			rc = key->text[0] == 's'
				 ? filter_field_ports(fp, v, &m->sport_lo, &m->sport_hi)
				 : filter_field_ports(fp, v, &m->dport_lo, &m->dport_hi);
		} else if (filter_word_is(key, "icmp-type")) {
			unsigned long n;
			if (!(v = filter_need(fp, ++i, "an ICMP type")))
				return -EINVAL;
			icmp_col = key->col;
			rc = filter_parse_uint(v, 255, &n) < 0
				 ? filter_fail(fp, v->col, "\"%.*s\" is not an ICMP type (0-255)",
					       W(v))
				 : 0;
			m->icmp_type = (int)n;
		} else {
			return filter_fail(
			    fp, key->col,
			    "\"%.*s\" is not a field (ingress, egress, proto, src, dst, "
			    "sport, dport, icmp-type)",
			    W(key));
		}
		if (rc < 0)
			return rc;
	}
	if (ports_col && m->proto != 6 && m->proto != 17)
		return filter_fail(fp, ports_col, "ports need proto tcp or udp");
	if (icmp_col && m->proto != 1 && m->proto != 58)
		return filter_fail(fp, icmp_col, "icmp-type needs proto icmp or icmpv6");
	if (icmp_col && m->ip_version == 4 && m->proto == 58)
		return filter_fail(fp, icmp_col, "icmpv6 with IPv4 addresses");
	return 0;
}

/* ---- statements ---- */

/* "allow" or "deny" as the last word, at index i: the three "default" forms. */
static int filter_parse_default(struct filter_parser *fp, unsigned i, enum filter_action *out)
{
	if (fp->count > i + 1)
		return filter_fail(fp, fp->words[i + 1].col, "unexpected \"%.*s\"",
				   W(&fp->words[i + 1]));
	return filter_parse_action(fp, i, out);
}

static int filter_st_default(struct filter_parser *fp)
{
	return filter_parse_default(fp, 1, &fp->spec->acl_default);
}

static int filter_st_acl(struct filter_parser *fp)
{
	struct filter_spec *spec = fp->spec;
	const struct filter_word *w = filter_need(fp, 1, "a rule number");
	unsigned long number;
	if (!w)
		return -EINVAL;
	if (filter_parse_uint(w, FILTER_RULE_NUMBER_MAX, &number) < 0 || number == 0)
		return filter_fail(fp, w->col, "\"%.*s\" is not a rule number (1-%d)", W(w),
				   FILTER_RULE_NUMBER_MAX);
	for (size_t i = 0; i < spec->acl_count; i++)
		if (spec->acl[i].number == number)
			return filter_fail(fp, w->col, "rule %lu is already on line %u", number,
					   spec->acl[i].line);
	struct filter_rule r = {.number = (uint32_t)number, .line = fp->line};
	if (filter_parse_action(fp, 2, &r.action) < 0 || filter_parse_fields(fp, 3, &r.match) < 0)
		return -EINVAL;
	if (ARRAY_GROW(spec->acl, spec->acl_count, spec->acl_capacity, 16) < 0)
		return filter_fail(fp, 1, "out of memory");
	spec->acl[spec->acl_count++] = r;
	return 0;
}

/* "STATEMENT default allow|deny": 1 when word 1 is "default" (*deny set), 0 when not, or an error. */
static int filter_sub_default(struct filter_parser *fp, bool *deny)
{
	enum filter_action a;
	if (!filter_word_is(&fp->words[1], "default"))
		return 0;
	if (filter_parse_default(fp, 2, &a) < 0)
		return -EINVAL;
	*deny = a == FILTER_DENY;
	return 1;
}

static int filter_st_stateful(struct filter_parser *fp)
{
	struct filter_spec *spec = fp->spec;
	const struct filter_word *w = filter_need(fp, 1, "allow or default");
	int rc = w ? filter_sub_default(fp, &spec->stateful_deny) : -EINVAL;
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (!filter_word_is(w, "allow"))
		return filter_fail(
		    fp, w->col,
		    "\"%.*s\": stateful rules allow (stateful allow FIELD ...) or set "
		    "the default (stateful default deny)",
		    W(w));
	struct filter_rule r = {
	    .number = (uint32_t)spec->stateful_count + 1, .action = FILTER_ALLOW, .line = fp->line};
	if (filter_parse_fields(fp, 2, &r.match) < 0)
		return -EINVAL;
	if (ARRAY_GROW(spec->stateful, spec->stateful_count, spec->stateful_capacity, 16) < 0)
		return filter_fail(fp, 1, "out of memory");
	spec->stateful[spec->stateful_count++] = r;
	return 0;
}

/* "file PATH" at words i, i+1: the path relative to the filter file's folder. */
static int filter_list_path(struct filter_parser *fp, unsigned i, char *path, size_t len)
{
	const struct filter_word *w = filter_need(fp, i + 1, "a file name");
	if (!w)
		return -EINVAL;
	if (fp->count > i + 2)
		return filter_fail(fp, fp->words[i + 2].col, "unexpected \"%.*s\" after the file",
				   W(&fp->words[i + 2]));
	if (!fp->base_dir)
		return filter_fail(fp, w->col, "list files cannot be read here");
	int n = w->text[0] == '/'
		    ? snprintf(path, len, "%.*s", (int)w->len, w->text)
		    : snprintf(path, len, "%s/%.*s", fp->base_dir, (int)w->len, w->text);
	if (n < 0 || (size_t)n >= len)
		return filter_fail(fp, w->col, "file name too long");
	return 0;
}

static int filter_st_ipset(struct filter_parser *fp)
{
	struct filter_spec *spec = fp->spec;
	const struct filter_word *w = filter_need(fp, 1, "a set name");
	if (!w)
		return -EINVAL;
	for (size_t i = 0; i < w->len; i++)
		if (!isalnum((unsigned char)w->text[i]) && w->text[i] != '_' && w->text[i] != '-')
			return filter_fail(
			    fp, w->col, "\"%.*s\": a set name holds letters, digits, '_' and '-'",
			    W(w));
	if (w->len >= FILTER_NAME_MAX)
		return filter_fail(fp, w->col, "set name longer than %d characters",
				   FILTER_NAME_MAX - 1);
	char name[FILTER_NAME_MAX];
	snprintf(name, sizeof(name), "%.*s", (int)w->len, w->text);
	int index = filter_spec_find_set(spec, name);
	if (index < 0) {
		if (spec->set_count == FILTER_MAX_SETS)
			return filter_fail(fp, w->col, "more than %d IP sets", FILTER_MAX_SETS);
		index = (int)spec->set_count++;
		snprintf(spec->sets[index].name, sizeof(spec->sets[index].name), "%s", name);
		spec->sets[index].line = fp->line;
	}
	struct filter_set *set = &spec->sets[index];
	if (!filter_need(fp, 2, "prefixes or file PATH"))
		return -EINVAL;
	if (filter_word_is(&fp->words[2], "file")) {
		char path[FILTER_PATH_MAX], err[FILTER_ERROR_MAX];
		if (filter_list_path(fp, 2, path, sizeof(path)) < 0)
			return -EINVAL;
		if (filter_ipset_load(set, path, err, sizeof(err)) < 0)
			return filter_fail(fp, fp->words[3].col, "%s", err);
		return 0;
	}
	for (unsigned i = 2; i < fp->count; i++) {
		struct filter_prefix p;
		if (filter_prefix_parse(fp->words[i].text, fp->words[i].len, &p) < 0)
			return filter_fail(fp, fp->words[i].col,
					   "\"%.*s\" is not an address or prefix",
					   W(&fp->words[i]));
		if (filter_set_add(set, &p) < 0)
			return filter_fail(fp, fp->words[i].col, "out of memory");
	}
	return 0;
}

static int filter_st_domain(struct filter_parser *fp)
{
	struct filter_spec *spec = fp->spec;
	const struct filter_word *w = filter_need(fp, 1, "allow, deny or default");
	int rc = w ? filter_sub_default(fp, &spec->domain_default_deny) : -EINVAL;
	if (rc != 0)
		return rc < 0 ? rc : 0;
	enum filter_action action;
	if (filter_parse_action(fp, 1, &action) < 0 || !filter_need(fp, 2, "domains or file PATH"))
		return -EINVAL;
	if (filter_word_is(&fp->words[2], "file")) {
		char path[FILTER_PATH_MAX], err[FILTER_ERROR_MAX];
		char *text;
		size_t len;
		if (filter_list_path(fp, 2, path, sizeof(path)) < 0)
			return -EINVAL;
		rc = filter_read_file(path, &text, &len);
		if (rc < 0)
			return filter_fail(fp, fp->words[3].col, "%s: %s", path, strerror(-rc));
		rc = filter_domain_parse(spec, action, text, len, path, err, sizeof(err));
		free(text);
		return rc < 0 ? filter_fail(fp, fp->words[3].col, "%s", err) : 0;
	}
	for (unsigned i = 2; i < fp->count; i++) {
		char why[128];
		if (filter_domain_add(spec, action, fp->words[i].text, fp->words[i].len, why,
				      sizeof(why)) < 0)
			return filter_fail(fp, fp->words[i].col, "\"%.*s\": %s", W(&fp->words[i]),
					   why);
	}
	return 0;
}

static int filter_st_xff(struct filter_parser *fp)
{
	const struct filter_word *w = filter_need(fp, 1, "deny");
	if (!w)
		return -EINVAL;
	if (!filter_word_is(w, "deny"))
		return filter_fail(fp, w->col, "\"%.*s\": expected xff deny @SET", W(w));
	if (!(w = filter_need(fp, 2, "@SET")))
		return -EINVAL;
	struct filter_match m = {0};
	struct filter_addr a;
	if (w->text[0] != '@')
		return filter_fail(fp, w->col, "\"%.*s\" is not an IP set (@SET)", W(w));
	if (filter_field_addr(fp, w, &a, &m) < 0)
		return -EINVAL;
	if (fp->count > 3)
		return filter_fail(fp, fp->words[3].col, "unexpected \"%.*s\"", W(&fp->words[3]));
	fp->spec->xff_deny_set = a.set;
	return 0;
}

static int filter_st_log(struct filter_parser *fp)
{
	const struct filter_word *w = filter_need(fp, 1, "deny");
	if (!w)
		return -EINVAL;
	if (!filter_word_is(w, "deny") || fp->count > 2)
		return filter_fail(fp, w->col, "\"%.*s\": expected log deny", W(w));
	fp->spec->log_denies = true;
	return 0;
}

static const struct filter_statement filter_statements[] = {
    {"default", filter_st_default, "default allow|deny"},
    {"acl", filter_st_acl, "acl NUMBER allow|deny [FIELD ...]"},
    {"stateful", filter_st_stateful, "stateful allow [FIELD ...] | stateful default allow|deny"},
    {"ipset", filter_st_ipset, "ipset NAME PREFIX ... | ipset NAME file PATH"},
    {"domain", filter_st_domain, "domain allow|deny NAME ... | file PATH | default allow|deny"},
    {"xff", filter_st_xff, "xff deny @SET"},
    {"log", filter_st_log, "log deny"},
    {NULL, NULL, NULL},
};

/* Split line (without its newline) into words; '#' ends it. */
static int filter_split(struct filter_parser *fp, const char *line, size_t len)
{
	fp->count = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
		       line[i] != '#')
			i++;
		if (fp->count == FILTER_MAX_WORDS)
			return filter_fail(fp, (unsigned)start + 1, "more than %d words on a line",
					   FILTER_MAX_WORDS);
		if (memchr(line + start, '\0', i - start))
			return filter_fail(fp, (unsigned)start + 1, "NUL byte in the line");
		fp->words[fp->count++] =
		    (struct filter_word){line + start, i - start, (unsigned)start + 1};
	}
	return 0;
}

static int filter_statement(struct filter_parser *fp)
{
	const struct filter_word *w = &fp->words[0];
	for (const struct filter_statement *s = filter_statements; s->name; s++)
		if (filter_word_is(w, s->name))
			return s->parse(fp);
	return filter_fail(
	    fp, w->col,
	    "\"%.*s\" is not a statement (default, acl, stateful, ipset, domain, xff, "
	    "log)",
	    W(w));
}

void filter_spec_init(struct filter_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->xff_deny_set = -1;
}

void filter_spec_free(struct filter_spec *spec)
{
	free(spec->acl);
	free(spec->stateful);
	for (unsigned i = 0; i < spec->set_count; i++)
		free(spec->sets[i].prefixes);
	for (size_t i = 0; i < spec->domain_count; i++)
		free(spec->domains[i].name);
	free(spec->domains);
	filter_spec_init(spec);
}

int filter_spec_find_set(const struct filter_spec *spec, const char *name)
{
	for (unsigned i = 0; i < spec->set_count; i++)
		if (strcmp(spec->sets[i].name, name) == 0)
			return (int)i;
	return -1;
}

int filter_spec_parse(struct filter_spec *spec, const char *text, size_t len, const char *origin,
		      const char *base_dir, char *err, size_t err_len)
{
	struct filter_parser fp = {
	    .spec = spec, .origin = origin, .base_dir = base_dir, .err = err, .err_len = err_len};
	filter_spec_init(spec);
	snprintf(spec->path, sizeof(spec->path), "%s", origin);
	err[0] = '\0';
	size_t at = 0;
	while (at < len && !fp.failed) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t line_len = nl ? (size_t)(nl - (text + at)) : len - at;
		fp.line++;
		if (line_len > FILTER_LINE_MAX)
			filter_fail(&fp, FILTER_LINE_MAX, "line longer than %d characters",
				    FILTER_LINE_MAX);
		else if (filter_split(&fp, text + at, line_len) == 0 && fp.count > 0)
			filter_statement(&fp);
		at += line_len + 1;
	}
	if (fp.failed) {
		filter_spec_free(spec);
		return -EINVAL;
	}
	return 0;
}

bool filter_next_line(const char *text, size_t len, size_t *at, const char **line, size_t *line_len,
		      size_t *first)
{
	if (*at >= len)
		return false;
	const char *s = text + *at;
	const char *nl = memchr(s, '\n', len - *at);
	size_t n = nl ? (size_t)(nl - s) : len - *at;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	*at += n + 1;
	*line = s;
	*line_len = n;
	*first = i;
	return true;
}

int filter_read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int nomem;
	/* room for one more byte than read so far, and the NUL after it */
	while ((nomem = ARRAY_RESERVE(buf, n + 2, cap, 65536)) == 0) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int failed = ferror(f);
	fclose(f);
	if (nomem) {
		free(buf);
		return -ENOMEM;
	}
	if (failed) {
		free(buf);
		return -EIO;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int filter_spec_load(struct filter_spec *spec, const char *path, char *err, size_t err_len)
{
	char *text;
	size_t len;
	filter_spec_init(spec);
	int rc = filter_read_file(path, &text, &len);
	if (rc < 0) {
		snprintf(err, err_len, "%s: cannot read the filter file: %s", path, strerror(-rc));
		return rc;
	}
	char dir[FILTER_PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");
	rc = filter_spec_parse(spec, text, len, path, dir, err, err_len);
	free(text);
	return rc;
}
