/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The operator policy file (see policy.h for the format and precedence):
 * a line tokeniser, one parser per statement in a table, the compiled
 * policy, and the precedence resolution applied when a ruleset is built;
 * tenant blocks, their lookup table and each rule's per-tenant state.
 * Threshold lines are checked and applied by rules/lang/threshold_config.c; the
 * rate limits are enforced by dataplane/detect/ratelimit.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "rules/policy/policy.h"
#include "rules/lang/threshold_config.h"

#define POLICY_TOKENS_MAX  16
#define POLICY_INCLUDE_MAX (16u << 20) /* bytes of an included threshold file */

struct policy_toggle {
	struct policy_selector select;
	bool enable;
	uint16_t tenant; /* 0: every packet */
	unsigned line;
};

struct policy_override {
	struct policy_selector select;
	int from; /* enum rule_action, -1: any */
	enum rule_action to;
	uint16_t tenant; /* 0: every packet */
	unsigned line;
};

/* A tenant block; tenant N is tenants[N - 1]. */
struct policy_tenant {
	char name[64]; /* what follows "tenant", as written: for messages */
	bool ids;      /* "mode ids": its rule verdicts are not enforced */
};

/*
 * One tunnel identity naming a tenant: a GENEVE endpoint id (with or
 * without an attachment id) or a VXLAN VNI (in id). Sorted by
 * policy_tenant_key_order() for the lookup; line and col say where it was
 * written.
 */
struct policy_tenant_key {
	uint64_t id, attachment_id;
	uint8_t type; /* enum packet_tunnel_type */
	uint8_t has_attachment;
	uint16_t tenant;
	unsigned line, col;
};

struct policy_threshold_line {
	char *file;
	unsigned line;
	char *text;
};

struct policy {
	char *name;
	char *text; /* the main file, NUL-terminated */
	size_t text_len;
	struct policy_toggle *toggles;
	unsigned toggle_count;
	struct policy_override *overrides;
	unsigned override_count;
	struct policy_exception *exceptions;
	unsigned exception_count;
	struct policy_threshold_line *thresholds;
	unsigned threshold_count;
	struct policy_ratelimit ratelimits[POLICY_RATELIMIT_MAX];
	unsigned ratelimit_count;
	struct policy_tenant *tenants;
	unsigned tenant_count;
	struct policy_tenant_key *tenant_keys; /* sorted once the file is read */
	unsigned tenant_key_count;
};

/* --- tokens and errors ------------------------------------------------- */

struct policy_token {
	const char *text; /* NUL-terminated copy inside the line buffer */
	unsigned col;	  /* 1-based */
};

struct policy_line {
	struct policy *policy;
	const char *name;
	unsigned number;
	const char *raw; /* the line as written, comment stripped, for threshold lines */
	struct policy_token tok[POLICY_TOKENS_MAX];
	unsigned count;
	unsigned overflow_col; /* column of the first word past POLICY_TOKENS_MAX; 0: none */
	uint16_t tenant;       /* the open tenant block; 0: none */
	unsigned tenant_line, tenant_col;
	char *err;
	size_t err_len;
};

static int policy_error(struct policy_line *l, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int policy_error(struct policy_line *l, unsigned col, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(l->err, l->err_len, "%s:%u:%u: error: ", l->name, l->number, col);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < l->err_len)
		vsnprintf(l->err + n, l->err_len - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The column just past the last token: where a missing word was expected. */
static unsigned policy_end_col(const struct policy_line *l)
{
	if (!l->count)
		return 1;
	const struct policy_token *t = &l->tok[l->count - 1];
	return t->col + (unsigned)strlen(t->text);
}

static int policy_missing(struct policy_line *l, const char *what)
{
	return policy_error(l, policy_end_col(l), "expected %s after \"%s\"", what,
			    l->tok[l->count - 1].text);
}

/*
 * Split buf (modified) into blank-separated tokens. Words past
 * POLICY_TOKENS_MAX are left unsplit (threshold lines, parsed from the raw
 * text, may be long); other statements refuse them.
 */
static void policy_tokenise(struct policy_line *l, char *buf)
{
	l->count = 0;
	l->overflow_col = 0;
	char *c = buf;
	for (;;) {
		while (*c == ' ' || *c == '\t' || *c == '\r')
			c++;
		if (*c == '\0')
			return;
		if (l->count == POLICY_TOKENS_MAX) {
			l->overflow_col = (unsigned)(c - buf) + 1;
			return;
		}
		l->tok[l->count++] = (struct policy_token){c, (unsigned)(c - buf) + 1};
		while (*c && *c != ' ' && *c != '\t' && *c != '\r')
			c++;
		if (*c == '\0')
			return;
		*c++ = '\0';
	}
}

static int policy_number(const char *text, uint64_t max, uint32_t *out)
{
	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static char *policy_strdup(const char *s)
{
	return strdup(s);
}

/* --- selectors ---------------------------------------------------------- */

static const char *const policy_selector_name[POLICY_SELECT_COUNT] = {
#define _(sym, name) name,
    foreach_policy_selector
#undef _
};

static void policy_selector_clear(struct policy_selector *s)
{
	free(s->name);
	free(s->value);
	memset(s, 0, sizeof(*s));
}

static int policy_parse_sids(struct policy_line *l, const struct policy_token *t,
			     struct policy_selector *s)
{
	char low[24], *dash;
	snprintf(low, sizeof(low), "%s", t->text);
	dash = strchr(low, '-');
	if (dash)
		*dash = '\0';
	if (strlen(t->text) >= sizeof(low) || policy_number(low, UINT32_MAX, &s->sid_low) < 0 ||
	    (dash && policy_number(dash + 1, UINT32_MAX, &s->sid_high) < 0))
		return policy_error(l, t->col, "bad sid \"%s\" (a number, or N-M)", t->text);
	if (!dash)
		s->sid_high = s->sid_low;
	if (s->sid_high < s->sid_low)
		return policy_error(l, t->col, "bad sid range \"%s\": end before start", t->text);
	return 0;
}

/*
 * Parse a selector starting at token *at; on success *at is the first token
 * after it. The selector owns its strings.
 */
static int policy_parse_selector(struct policy_line *l, unsigned *at, struct policy_selector *s)
{
	memset(s, 0, sizeof(*s));
	if (*at >= l->count)
		return policy_missing(l, "a selector (sid, metadata, classtype, group, all)");
	const struct policy_token *t = &l->tok[(*at)++];
	int kind = -1;
	for (int k = 0; k < POLICY_SELECT_COUNT; k++)
		if (strcmp(t->text, policy_selector_name[k]) == 0)
			kind = k;
	if (kind < 0)
		return policy_error(
		    l, t->col, "unknown selector \"%s\" (sid, metadata, classtype, group, all)",
		    t->text);
	s->kind = (enum policy_selector_kind)kind;
	if (kind == POLICY_SELECT_ALL)
		return 0;
	unsigned need = kind == POLICY_SELECT_METADATA ? 2 : 1;
	if (*at + need > l->count)
		return policy_missing(l, kind == POLICY_SELECT_METADATA ? "metadata KEY VALUE"
					 : kind == POLICY_SELECT_SID	? "a sid"
									: "a name");
	const struct policy_token *v = &l->tok[*at];
	*at += need;
	if (kind == POLICY_SELECT_SID)
		return policy_parse_sids(l, v, s);
	s->name = policy_strdup(v->text);
	if (kind == POLICY_SELECT_METADATA)
		s->value = policy_strdup(v[1].text);
	if (!s->name || (kind == POLICY_SELECT_METADATA && !s->value))
		return -ENOMEM;
	return 0;
}

/* "dir/web.rules" is group "web.rules" and "web". */
static bool policy_group_match(const char *group, const char *file)
{
	if (!file)
		return false;
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	if (strcmp(group, base) == 0 || strcmp(group, file) == 0)
		return true;
	size_t n = strlen(group);
	return strncmp(group, base, n) == 0 && strcmp(base + n, ".rules") == 0;
}

/* A metadata item is "key value" as written; keys and values compare without case. */
static bool policy_metadata_match(const char *key, const char *value, const struct rule *rule)
{
	size_t key_len = strlen(key);
	for (unsigned i = 0; i < rule->metadata_count; i++) {
		const char *m = rule->metadata[i];
		while (*m == ' ')
			m++;
		if (strncasecmp(m, key, key_len) != 0 || (m[key_len] != ' ' && m[key_len] != '\t'))
			continue;
		const char *v = m + key_len;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t len = strlen(v);
		while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len == strlen(value) && strncasecmp(v, value, len) == 0)
			return true;
	}
	return false;
}

bool policy_selector_match(const struct policy_selector *s, const struct rule *rule)
{
	switch (s->kind) {
	case POLICY_SELECT_ALL:
		return true;
	case POLICY_SELECT_GROUP:
		return policy_group_match(s->name, rule->file);
	case POLICY_SELECT_CLASSTYPE:
		return rule->classtype && strcasecmp(rule->classtype, s->name) == 0;
	case POLICY_SELECT_METADATA:
		return policy_metadata_match(s->name, s->value, rule);
	case POLICY_SELECT_SID:
		return rule->sid >= s->sid_low && rule->sid <= s->sid_high;
	default:
		return false;
	}
}

/* --- statements ---------------------------------------------------------- */

static int policy_expect_end(struct policy_line *l, unsigned at)
{
	if (at < l->count)
		return policy_error(l, l->tok[at].col,
				    "unexpected \"%s\" at the end of the statement",
				    l->tok[at].text);
	return 0;
}

/* Append item (size bytes) to *array_ptr, an array of count items. 0 or -ENOMEM. */
static int policy_push(void *array_ptr, unsigned *count, size_t size, const void *item)
{
	void **array = array_ptr;
	char *grown = realloc(*array, (*count + 1) * size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	memcpy(grown + *count * size, item, size);
	(*count)++;
	return 0;
}

static int policy_toggle(struct policy_line *l, bool enable)
{
	struct policy_toggle t = {.enable = enable, .tenant = l->tenant, .line = l->number};
	unsigned at = 1;
	int rc = policy_parse_selector(l, &at, &t.select);
	if (rc == 0)
		rc = policy_expect_end(l, at);
	struct policy *p = l->policy;
	if (rc == 0)
		rc = policy_push(&p->toggles, &p->toggle_count, sizeof(t), &t);
	if (rc < 0)
		policy_selector_clear(&t.select);
	return rc;
}

static int policy_stmt_enable(struct policy_line *l)
{
	return policy_toggle(l, true);
}

static int policy_stmt_disable(struct policy_line *l)
{
	return policy_toggle(l, false);
}

/* Actions an override may name ("rejectsrc" etc. stay the rule author's). */
static int policy_action_named(const char *text, size_t len)
{
	static const enum rule_action allowed[] = {RULE_ACTION_ALERT, RULE_ACTION_DROP,
						   RULE_ACTION_REJECT, RULE_ACTION_PASS};
	for (unsigned i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		const char *name = rule_action_name[allowed[i]];
		if (strlen(name) == len && strncmp(text, name, len) == 0)
			return (int)allowed[i];
	}
	return -1;
}

static int policy_stmt_action(struct policy_line *l)
{
	struct policy_override o = {.from = -1, .tenant = l->tenant, .line = l->number};
	if (l->count < 2)
		return policy_missing(l, "an action (alert, drop, reject, pass or FROM->TO)");
	const struct policy_token *t = &l->tok[1];
	const char *arrow = strstr(t->text, "->");
	const char *to = arrow ? arrow + 2 : t->text;
	if (arrow && (o.from = policy_action_named(t->text, (size_t)(arrow - t->text))) < 0)
		return policy_error(l, t->col, "bad action \"%.*s\" (alert, drop, reject, pass)",
				    (int)(arrow - t->text), t->text);
	int action = policy_action_named(to, strlen(to));
	if (action < 0)
		return policy_error(l, t->col + (unsigned)(to - t->text),
				    "bad action \"%s\" (alert, drop, reject, pass)", to);
	o.to = (enum rule_action)action;
	unsigned at = 2;
	int rc = policy_parse_selector(l, &at, &o.select);
	if (rc == 0)
		rc = policy_expect_end(l, at);
	struct policy *p = l->policy;
	if (rc == 0)
		rc = policy_push(&p->overrides, &p->override_count, sizeof(o), &o);
	if (rc < 0)
		policy_selector_clear(&o.select);
	return rc;
}

/* "10.0.0.0/8", "2001:db8::/32", or one address. Host bits must be zero. */
static int policy_parse_prefix(struct policy_line *l, const struct policy_token *t,
			       struct rule_cidr *out)
{
	char addr[64];
	const char *slash = strchr(t->text, '/');
	size_t len = slash ? (size_t)(slash - t->text) : strlen(t->text);
	memset(out, 0, sizeof(*out));
	if (len >= sizeof(addr))
		return policy_error(l, t->col, "bad prefix \"%s\"", t->text);
	memcpy(addr, t->text, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = 6;
	else
		return policy_error(l, t->col, "bad address \"%s\" (IPv4 or IPv6)", addr);
	uint32_t max = out->family == 4 ? 32 : 128, bits = max;
	if (slash && policy_number(slash + 1, max, &bits) < 0)
		return policy_error(l, t->col + (unsigned)len + 1,
				    "bad prefix length \"%s\" (0-%u)", slash + 1, max);
	out->prefix_len = (uint8_t)bits;
	for (uint32_t b = bits; b < max; b++)
		if (out->addr[b / 8] & (0x80u >> (b % 8)))
			return policy_error(l, t->col, "prefix \"%s\" has host bits set", t->text);
	return 0;
}

static int policy_stmt_except(struct policy_line *l)
{
	struct policy_exception e = {.tenant = l->tenant, .line = l->number};
	unsigned at = 1;
	int rc = policy_parse_selector(l, &at, &e.select);
	if (rc < 0)
		goto fail;
	if (at + 2 > l->count) {
		rc =
		    policy_missing(l, at < l->count ? "a prefix or path" : "src, dst, xff or path");
		goto fail;
	}
	const struct policy_token *field = &l->tok[at], *value = &l->tok[at + 1];
	if (strcmp(field->text, "src") == 0 || strcmp(field->text, "dst") == 0 ||
	    strcmp(field->text, "xff") == 0) {
		e.field = field->text[0] == 's'	  ? POLICY_EXCEPT_SRC
			  : field->text[0] == 'd' ? POLICY_EXCEPT_DST
						  : POLICY_EXCEPT_XFF;
		rc = policy_parse_prefix(l, value, &e.prefix);
	} else if (strcmp(field->text, "path") == 0) {
		e.field = POLICY_EXCEPT_PATH;
		if (value->text[0] != '/')
			rc = policy_error(l, value->col, "bad path \"%s\": must start with /",
					  value->text);
		else if (!(e.path = policy_strdup(value->text)))
			rc = -ENOMEM;
		e.path_len = e.path ? (uint32_t)strlen(e.path) : 0;
	} else {
		rc = policy_error(l, field->col,
				  "unknown exception field \"%s\" (src, dst, xff, path)",
				  field->text);
	}
	if (rc == 0)
		rc = policy_expect_end(l, at + 2);
	struct policy *p = l->policy;
	if (rc == 0)
		rc = policy_push(&p->exceptions, &p->exception_count, sizeof(e), &e);
	if (rc == 0)
		return 0;
fail:
	policy_selector_clear(&e.select);
	free(e.path);
	return rc;
}

/* "20/s", "600/m", "100/10s": count and window in seconds. */
static int policy_parse_rate(struct policy_line *l, const struct policy_token *t,
			     struct policy_ratelimit *r)
{
	char count[16];
	const char *slash = strchr(t->text, '/');
	size_t len = slash ? (size_t)(slash - t->text) : 0;
	if (!slash || len == 0 || len >= sizeof(count))
		return policy_error(l, t->col, "bad rate \"%s\" (N/s, N/m or N/Ks)", t->text);
	memcpy(count, t->text, len);
	count[len] = '\0';
	if (policy_number(count, 1000000000, &r->count) < 0 || r->count == 0)
		return policy_error(l, t->col, "bad rate count \"%s\" (1 or more)", count);
	const char *unit = slash + 1;
	uint32_t n = 1;
	if (isdigit((unsigned char)*unit)) {
		char digits[16];
		size_t d = strspn(unit, "0123456789");
		snprintf(digits, sizeof(digits), "%.*s", (int)(d < 15 ? d : 15), unit);
		if (d >= 15 || policy_number(digits, 3600, &n) < 0 || n == 0)
			return policy_error(l, t->col + (unsigned)len + 1,
					    "bad rate window \"%s\" (1 to 3600 seconds)", unit);
		unit += d;
	}
	if (strcmp(unit, "s") == 0)
		r->window_s = n;
	else if (strcmp(unit, "m") == 0 && n <= 60)
		r->window_s = n * 60;
	else
		return policy_error(l, t->col + (unsigned)len + 1,
				    "bad rate window \"%s\" (s or m, at most an hour)", slash + 1);
	return 0;
}

/* "10s", "5m", "1h"; a plain number is seconds. At most a day. */
static int policy_parse_duration(struct policy_line *l, const struct policy_token *t,
				 uint32_t *seconds)
{
	char digits[16];
	size_t d = strspn(t->text, "0123456789");
	const char *unit = t->text + d;
	uint32_t n, scale = *unit == 'm' ? 60 : *unit == 'h' ? 3600 : 1;
	snprintf(digits, sizeof(digits), "%.*s", (int)(d < 15 ? d : 15), t->text);
	if (d == 0 || d >= 15 || policy_number(digits, 86400, &n) < 0 ||
	    (*unit && (unit[1] || !strchr("smh", *unit))) || n == 0 || (uint64_t)n * scale > 86400)
		return policy_error(l, t->col, "bad duration \"%s\" (Ns, Nm or Nh, up to a day)",
				    t->text);
	*seconds = n * scale;
	return 0;
}

static const char *const policy_ratelimit_kind_name[POLICY_RATELIMIT_KIND_COUNT] = {
#define _(sym, name) name,
    foreach_policy_ratelimit_kind
#undef _
};

/* ratelimit KIND RATE per src|xff block DURATION */
static int policy_stmt_ratelimit(struct policy_line *l)
{
	struct policy *p = l->policy;
	struct policy_ratelimit r = {.line = l->number};
	static const char *const expected[] = {NULL,
					       "new_connections or http_requests",
					       "a rate (N/s)",
					       "per",
					       "src or xff",
					       "block",
					       "a duration (Ns)"};
	if (l->count < 7)
		return policy_missing(l, expected[l->count]);
	const struct policy_token *t = l->tok;
	int kind = -1;
	for (int k = 0; k < POLICY_RATELIMIT_KIND_COUNT; k++)
		if (strcmp(t[1].text, policy_ratelimit_kind_name[k]) == 0)
			kind = k;
	if (kind < 0)
		return policy_error(
		    l, t[1].col, "unknown rate \"%s\" (new_connections, http_requests)", t[1].text);
	r.kind = (enum policy_ratelimit_kind)kind;
	int rc = policy_parse_rate(l, &t[2], &r);
	if (rc < 0)
		return rc;
	if (strcmp(t[3].text, "per") != 0)
		return policy_error(l, t[3].col, "expected \"per\", not \"%s\"", t[3].text);
	if (strcmp(t[4].text, "src") == 0)
		r.per = POLICY_RATELIMIT_PER_SRC;
	else if (strcmp(t[4].text, "xff") == 0)
		r.per = POLICY_RATELIMIT_PER_XFF;
	else
		return policy_error(l, t[4].col, "bad key \"%s\" (src, xff)", t[4].text);
	if (r.per == POLICY_RATELIMIT_PER_XFF && r.kind == POLICY_RATELIMIT_NEW_CONNECTIONS)
		return policy_error(l, t[4].col,
				    "new_connections are counted per src (a connection has no "
				    "X-Forwarded-For yet)");
	if (strcmp(t[5].text, "block") != 0)
		return policy_error(l, t[5].col, "expected \"block\", not \"%s\"", t[5].text);
	rc = policy_parse_duration(l, &t[6], &r.block_s);
	if (rc == 0)
		rc = policy_expect_end(l, 7);
	if (rc < 0)
		return rc;
	if (p->ratelimit_count == POLICY_RATELIMIT_MAX)
		return policy_error(l, t[0].col, "more than %d ratelimit statements",
				    POLICY_RATELIMIT_MAX);
	snprintf(r.text, sizeof(r.text), "%s %u/%us per %s block %us", t[1].text, r.count,
		 r.window_s, t[4].text, r.block_s);
	p->ratelimits[p->ratelimit_count++] = r;
	return 0;
}

static int policy_add_threshold(struct policy *p, const char *file, unsigned line, const char *text)
{
	struct policy_threshold_line t = {policy_strdup(file), line, policy_strdup(text)};
	int rc = t.file && t.text ? policy_push(&p->thresholds, &p->threshold_count, sizeof(t), &t)
				  : -ENOMEM;
	if (rc < 0) {
		free(t.file);
		free(t.text);
	}
	return rc;
}

/* A threshold.config line, checked now so a bad one is refused with its place. */
static int policy_stmt_threshold(struct policy_line *l)
{
	char why[256];
	if (threshold_config_check_line(l->raw, why, sizeof(why)) < 0)
		return policy_error(l, l->tok[0].col, "%s", why);
	return policy_add_threshold(l->policy, l->name, l->number, l->raw);
}

static char *policy_read_file(const char *path, size_t max, size_t *len, int *rc);

/* include FILE: a threshold.config, relative to the policy file. */
static int policy_stmt_include(struct policy_line *l)
{
	if (l->count < 2)
		return policy_missing(l, "a threshold file");
	int rc = policy_expect_end(l, 2);
	if (rc < 0)
		return rc;
	const struct policy_token *t = &l->tok[1];
	char path[1024];
	const char *slash = strrchr(l->name, '/');
	if (t->text[0] == '/' || !slash)
		snprintf(path, sizeof(path), "%s", t->text);
	else
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - l->name), l->name, t->text);
	size_t len;
	char *text = policy_read_file(path, POLICY_INCLUDE_MAX, &len, &rc);
	if (!text)
		return policy_error(l, t->col, "cannot read \"%s\": %s", path, strerror(-rc));
	unsigned number = 0;
	char why[256];
	for (char *save, *line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		number++;
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		if (threshold_config_check_line(line, why, sizeof(why)) < 0)
			rc = policy_error(l, t->col, "%s:%u: %s", path, number, why);
		else
			rc = policy_add_threshold(l->policy, path, number, line);
	}
	free(text);
	return rc;
}

/* --- tenant blocks ------------------------------------------------------------ */

/* Exactly digits hex digits (either case) that fit 64 bits. */
static bool policy_hex(const char *text, size_t digits, uint64_t *out)
{
	uint64_t v = 0;
	if (strlen(text) != digits)
		return false;
	for (size_t i = 0; i < digits; i++) {
		int c = tolower((unsigned char)text[i]);
		if (!isxdigit(c) || (v >> 60))
			return false;
		v = v << 4 | (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	*out = v;
	return true;
}

static int policy_push_key(struct policy_line *l, const struct policy_token *t,
			   struct policy_tenant_key key)
{
	struct policy *p = l->policy;
	key.tenant = (uint16_t)(p->tenant_count + 1);
	key.line = l->number;
	key.col = t->col;
	return policy_push(&p->tenant_keys, &p->tenant_key_count, sizeof(key), &key);
}

/*
 * "vpce-" and 17 hex digits, as EVE's gwlb_endpoint_id (GWLB carries 8
 * bytes, so the first digit is 0), then maybe "attachment" and 16 hex
 * digits, as EVE's gwlb_attachment_id.
 */
static int policy_parse_endpoint(struct policy_line *l, unsigned *at)
{
	const struct policy_token *t = &l->tok[(*at)++];
	struct policy_tenant_key key = {.type = PACKET_TUNNEL_GENEVE};
	if (strncmp(t->text, "vpce-", 5) != 0)
		return policy_error(l, t->col,
				    "unknown tenant \"%s\" (vpce-ID [attachment ID], or vni N)",
				    t->text);
	if (strlen(t->text) == 22 && t->text[5] != '0' && isxdigit((unsigned char)t->text[5]))
		return policy_error(l, t->col,
				    "endpoint id \"%s\" does not fit GWLB's 8 bytes (its first "
				    "hex digit is 0)",
				    t->text);
	if (!policy_hex(t->text + 5, 17, &key.id))
		return policy_error(l, t->col,
				    "bad endpoint id \"%s\" (vpce- and 17 hex digits, as EVE's "
				    "gwlb_endpoint_id)",
				    t->text);
	if (*at < l->count && strcmp(l->tok[*at].text, "attachment") == 0) {
		if (++*at >= l->count)
			return policy_missing(l, "an attachment id (16 hex digits)");
		const struct policy_token *a = &l->tok[(*at)++];
		if (!policy_hex(a->text, 16, &key.attachment_id))
			return policy_error(l, a->col,
					    "bad attachment id \"%s\" (16 hex digits, as EVE's "
					    "gwlb_attachment_id)",
					    a->text);
		key.has_attachment = 1;
	}
	return policy_push_key(l, t, key);
}

/* "vni" and one or two VNIs (the two tunnels of an Azure pair). */
static int policy_parse_vnis(struct policy_line *l, unsigned *at)
{
	unsigned first = ++*at;
	while (*at < l->count && *at < first + 2 && strcmp(l->tok[*at].text, "{") != 0) {
		const struct policy_token *t = &l->tok[(*at)++];
		struct policy_tenant_key key = {.type = PACKET_TUNNEL_VXLAN};
		uint32_t vni;
		if (policy_number(t->text, 0xffffff, &vni) < 0)
			return policy_error(l, t->col, "bad vni \"%s\" (0 to 16777215)", t->text);
		key.id = vni;
		int rc = policy_push_key(l, t, key);
		if (rc < 0)
			return rc;
	}
	if (*at == first)
		return policy_error(l, first < l->count ? l->tok[first].col : policy_end_col(l),
				    "expected a VNI (0 to 16777215) after \"vni\"");
	return 0;
}

/* tenant IDENTITY { */
static int policy_stmt_tenant(struct policy_line *l)
{
	struct policy *p = l->policy;
	if (l->tenant)
		return policy_error(
		    l, l->tok[0].col,
		    "tenant blocks do not nest (the block of line %u is still open)",
		    l->tenant_line);
	if (l->count < 2)
		return policy_missing(l, "a tenant (vpce-ID or vni N)");
	if (p->tenant_count == POLICY_TENANT_MAX)
		return policy_error(l, l->tok[0].col, "more than %d tenant blocks",
				    POLICY_TENANT_MAX);
	unsigned at = 1;
	int rc = strcmp(l->tok[1].text, "vni") == 0 ? policy_parse_vnis(l, &at)
						    : policy_parse_endpoint(l, &at);
	if (rc < 0)
		return rc;
	if (at >= l->count)
		return policy_missing(l, "\"{\"");
	if (strcmp(l->tok[at].text, "{") != 0)
		return policy_error(l, l->tok[at].col,
				    "expected \"{\" to open the tenant block, not \"%s\"",
				    l->tok[at].text);
	rc = policy_expect_end(l, at + 1);
	if (rc < 0)
		return rc;
	struct policy_tenant tenant = {.ids = false};
	size_t used = 0;
	for (unsigned i = 1; i < at && used < sizeof(tenant.name); i++)
		used += (size_t)snprintf(tenant.name + used, sizeof(tenant.name) - used, "%s%s",
					 i > 1 ? " " : "", l->tok[i].text);
	rc = policy_push(&p->tenants, &p->tenant_count, sizeof(tenant), &tenant);
	if (rc < 0)
		return rc;
	l->tenant = (uint16_t)p->tenant_count;
	l->tenant_line = l->number;
	l->tenant_col = l->tok[0].col;
	return 0;
}

static int policy_stmt_close(struct policy_line *l)
{
	if (!l->tenant)
		return policy_error(l, l->tok[0].col, "\"}\" closes no tenant block");
	l->tenant = 0;
	return policy_expect_end(l, 1);
}

/* mode ids: inside a tenant block only (the board's mode holds for the rest). */
static int policy_stmt_mode(struct policy_line *l)
{
	if (!l->tenant)
		return policy_error(l, l->tok[0].col,
				    "mode outside a tenant block (the board's [board] mode holds "
				    "for every packet)");
	if (l->count < 2)
		return policy_missing(l, "ids");
	if (strcmp(l->tok[1].text, "ids") != 0)
		return policy_error(
		    l, l->tok[1].col,
		    "bad mode \"%s\" for a tenant (ids: its rules alert, never drop; "
		    "without it the board's mode holds)",
		    l->tok[1].text);
	l->policy->tenants[l->tenant - 1].ids = true;
	return policy_expect_end(l, 2);
}

/* Statements: name -> parser; ends with a NULL name. */
static const struct policy_statement {
	const char *name;
	int (*parse)(struct policy_line *l);
	bool scoped; /* may stand in a tenant block */
} policy_statements[] = {
    {"enable", policy_stmt_enable, true},
    {"disable", policy_stmt_disable, true},
    {"action", policy_stmt_action, true},
    {"except", policy_stmt_except, true},
    {"ratelimit", policy_stmt_ratelimit, false},
    {"include", policy_stmt_include, false},
    {"suppress", policy_stmt_threshold, false},
    {"threshold", policy_stmt_threshold, false},
    {"event_filter", policy_stmt_threshold, false},
    {"rate_filter", policy_stmt_threshold, false},
    {"tenant", policy_stmt_tenant, true}, /* refuses to nest itself */
    {"mode", policy_stmt_mode, true},	  /* only in a block */
    {"}", policy_stmt_close, true},
    {NULL, NULL, false},
};

static int policy_parse_line(struct policy_line *l, char *buf)
{
	policy_tokenise(l, buf);
	if (l->count == 0)
		return 0;
	for (const struct policy_statement *s = policy_statements; s->name; s++) {
		if (strcmp(s->name, l->tok[0].text) != 0)
			continue;
		if (l->overflow_col && s->parse != policy_stmt_threshold)
			return policy_error(l, l->overflow_col, "more than %d words",
					    POLICY_TOKENS_MAX);
		if (l->tenant && !s->scoped)
			return policy_error(
			    l, l->tok[0].col,
			    "\"%s\" cannot be scoped to a tenant (in a tenant block: "
			    "enable, disable, action, except, mode)",
			    s->name);
		return s->parse(l);
	}
	if (l->tenant)
		return policy_error(l, l->tok[0].col,
				    "unknown statement \"%s\" in a tenant block (enable, disable, "
				    "action, except, mode, })",
				    l->tok[0].text);
	return policy_error(l, l->tok[0].col,
			    "unknown statement \"%s\" (enable, disable, action, except, ratelimit, "
			    "include, suppress, threshold, event_filter, rate_filter, tenant)",
			    l->tok[0].text);
}

static int policy_tenant_key_order(const void *a, const void *b)
{
	const struct policy_tenant_key *x = a, *y = b;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->has_attachment != y->has_attachment)
		return x->has_attachment < y->has_attachment ? -1 : 1;
	if (x->attachment_id != y->attachment_id)
		return x->attachment_id < y->attachment_id ? -1 : 1;
	return 0;
}

/*
 * The file is read: every block closed, the identities sorted for
 * policy_tenant_find(), none naming two blocks (nor one block twice).
 */
static int policy_tenants_finish(struct policy_line *l)
{
	struct policy *p = l->policy;
	if (l->tenant) {
		l->number = l->tenant_line;
		return policy_error(
		    l, l->tenant_col,
		    "tenant block not closed (no \"}\" before the end of the file)");
	}
	if (p->tenant_key_count > 1)
		qsort(p->tenant_keys, p->tenant_key_count, sizeof(*p->tenant_keys),
		      policy_tenant_key_order);
	for (unsigned i = 1; i < p->tenant_key_count; i++) {
		const struct policy_tenant_key *a = &p->tenant_keys[i - 1], *b = &p->tenant_keys[i];
		if (policy_tenant_key_order(a, b) != 0)
			continue;
		const struct policy_tenant_key *later =
		    a->line > b->line || (a->line == b->line && a->col > b->col) ? a : b;
		const struct policy_tenant_key *first = later == a ? b : a;
		l->number = later->line;
		if (later->type == PACKET_TUNNEL_VXLAN)
			return policy_error(l, later->col,
					    "vni %" PRIu64 " names a tenant already "
					    "(line %u)",
					    later->id, first->line);
		return policy_error(l, later->col, "tenant \"%s\" has a block already (line %u)",
				    p->tenants[later->tenant - 1].name, first->line);
	}
	return 0;
}

/* --- load ------------------------------------------------------------------ */

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->toggle_count; i++)
		policy_selector_clear(&p->toggles[i].select);
	for (unsigned i = 0; i < p->override_count; i++)
		policy_selector_clear(&p->overrides[i].select);
	for (unsigned i = 0; i < p->exception_count; i++) {
		policy_selector_clear(&p->exceptions[i].select);
		free(p->exceptions[i].path);
	}
	for (unsigned i = 0; i < p->threshold_count; i++) {
		free(p->thresholds[i].file);
		free(p->thresholds[i].text);
	}
	free(p->toggles);
	free(p->overrides);
	free(p->exceptions);
	free(p->thresholds);
	free(p->tenants);
	free(p->tenant_keys);
	free(p->name);
	free(p->text);
	free(p);
}

int policy_parse(const char *name, const char *text, size_t len, struct policy **out, char *err,
		 size_t err_len)
{
	struct policy *p = calloc(1, sizeof(*p));
	char *copy = malloc(len + 1), *raw = malloc(len + 1);
	int rc = -ENOMEM;
	err[0] = '\0';
	if (!p || !copy || !raw || !(p->name = policy_strdup(name)) || !(p->text = malloc(len + 1)))
		goto out;
	memcpy(p->text, text, len);
	p->text[len] = '\0';
	p->text_len = len;
	memcpy(copy, text, len);
	copy[len] = '\0';
	struct policy_line l = {.policy = p, .name = name, .err = err, .err_len = err_len};
	rc = 0;
	for (char *line = copy; line && rc == 0;) {
		char *next = memchr(line, '\n', (size_t)(copy + len - line));
		if (next)
			*next++ = '\0';
		l.number++;
		if (strlen(line) != (size_t)((next ? next - 1 : copy + len) - line)) {
			rc = policy_error(&l, (unsigned)strlen(line) + 1, "NUL byte in the line");
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		strcpy(raw, line);
		l.raw = raw;
		rc = policy_parse_line(&l, line);
		line = next;
	}
	if (rc == 0)
		rc = policy_tenants_finish(&l);
out:
	free(copy);
	free(raw);
	if (rc < 0) {
		if (!err[0])
			snprintf(err, err_len, "%s: error: %s", name, strerror(-rc));
		policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static char *policy_read_file(const char *path, size_t max, size_t *len, int *rc)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	if (!f) {
		*rc = -errno;
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		fclose(f);
		*rc = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		return NULL;
	}
	char *text = malloc((size_t)st.st_size + 1);
	*len = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
	*rc = !text ? -ENOMEM : ferror(f) ? -EIO : 0;
	fclose(f);
	if (*rc < 0) {
		free(text);
		return NULL;
	}
	text[*len] = '\0';
	return text;
}

int policy_load(const char *path, struct policy **out, char *err, size_t err_len)
{
	size_t len;
	int rc;
	char *text = policy_read_file(path, POLICY_INCLUDE_MAX, &len, &rc);
	if (!text) {
		snprintf(err, err_len, "%s: error: cannot read policy file: %s", path,
			 strerror(-rc));
		return rc;
	}
	rc = policy_parse(path, text, len, out, err, err_len);
	free(text);
	return rc;
}

/* --- precedence ------------------------------------------------------------- */

/*
 * Among statements whose selector names the rule, the most specific wins,
 * and a later line beats an earlier one of the same specificity: walking in
 * file order, ">=" keeps the last of the best. Each tenant's statements are
 * resolved apart from everyone else's; FROM->TO looks at the action the
 * rule was written with.
 */
static bool policy_toggle_beats(const struct policy_toggle *t, const struct policy_toggle *best,
				const struct rule *rule)
{
	return (!best || t->select.kind >= best->select.kind) &&
	       policy_selector_match(&t->select, rule);
}

static bool policy_override_beats(const struct policy_override *o,
				  const struct policy_override *best, const struct rule *rule)
{
	return (o->from < 0 || o->from == (int)rule->action) &&
	       (!best || o->select.kind >= best->select.kind) &&
	       policy_selector_match(&o->select, rule);
}

static const struct policy_toggle *policy_best_toggle(const struct policy *p, uint16_t tenant,
						      const struct rule *rule)
{
	const struct policy_toggle *best = NULL;
	for (unsigned i = 0; p && i < p->toggle_count; i++)
		if (p->toggles[i].tenant == tenant &&
		    policy_toggle_beats(&p->toggles[i], best, rule))
			best = &p->toggles[i];
	return best;
}

static const struct policy_override *policy_best_override(const struct policy *p, uint16_t tenant,
							  const struct rule *rule)
{
	const struct policy_override *best = NULL;
	for (unsigned i = 0; p && i < p->override_count; i++)
		if (p->overrides[i].tenant == tenant &&
		    policy_override_beats(&p->overrides[i], best, rule))
			best = &p->overrides[i];
	return best;
}

/* A tenant's own statements first; a rule none of them names is as the others say. */
bool policy_tenant_rule_enabled(const struct policy *p, uint16_t tenant, const struct rule *rule)
{
	const struct policy_toggle *best = policy_best_toggle(p, tenant, rule);
	if (!best && tenant)
		best = policy_best_toggle(p, 0, rule);
	return best ? best->enable : true;
}

enum rule_action policy_tenant_rule_action(const struct policy *p, uint16_t tenant,
					   const struct rule *rule)
{
	const struct policy_override *best = policy_best_override(p, tenant, rule);
	if (!best && tenant)
		best = policy_best_override(p, 0, rule);
	return best ? best->to : rule->action;
}

bool policy_rule_enabled(const struct policy *p, const struct rule *rule)
{
	return policy_tenant_rule_enabled(p, 0, rule);
}

enum rule_action policy_rule_action(const struct policy *p, const struct rule *rule)
{
	return policy_tenant_rule_action(p, 0, rule);
}

static int policy_attach_exceptions(const struct policy *p, struct rule *rule)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->exception_count; i++)
		n += policy_selector_match(&p->exceptions[i].select, rule);
	if (!n)
		return 0;
	if (!rule->policy && !(rule->policy = calloc(1, sizeof(*rule->policy))))
		return -ENOMEM;
	uint32_t *list = calloc(n, sizeof(*list));
	if (!list)
		return -ENOMEM;
	n = 0;
	for (unsigned i = 0; i < p->exception_count; i++)
		if (policy_selector_match(&p->exceptions[i].select, rule))
			list[n++] = i;
	free(rule->policy->exceptions);
	rule->policy->exceptions = list;
	rule->policy->exception_count = n;
	return 1;
}

/*
 * What each tenant's own statements say of one rule, by tenant number:
 * one walk of the statements per rule, touching only the tenants with a
 * statement that names it, whatever the number of tenants.
 */
struct policy_tenant_scratch {
	const struct policy_toggle **toggle;	 /* tenant_count + 1 */
	const struct policy_override **override; /* tenant_count + 1 */
	uint16_t *touched;			 /* tenant_count */
	unsigned touched_count;
	struct rule_tenant_state *states; /* tenant_count */
};

static void policy_scratch_free(struct policy_tenant_scratch *x)
{
	free(x->toggle);
	free(x->override);
	free(x->touched);
	free(x->states);
}

static int policy_scratch_init(struct policy_tenant_scratch *x, unsigned tenant_count)
{
	memset(x, 0, sizeof(*x));
	if (!tenant_count)
		return 0;
	x->toggle = calloc(tenant_count + 1, sizeof(*x->toggle));
	x->override = calloc(tenant_count + 1, sizeof(*x->override));
	x->touched = calloc(tenant_count, sizeof(*x->touched));
	x->states = calloc(tenant_count, sizeof(*x->states));
	if (x->toggle && x->override && x->touched && x->states)
		return 0;
	policy_scratch_free(x);
	memset(x, 0, sizeof(*x));
	return -ENOMEM;
}

static void policy_scratch_touch(struct policy_tenant_scratch *x, uint16_t tenant)
{
	if (!x->toggle[tenant] && !x->override[tenant])
		x->touched[x->touched_count++] = tenant;
}

static void policy_scratch_fill(const struct policy *p, struct policy_tenant_scratch *x,
				const struct rule *rule)
{
	for (unsigned i = 0; i < p->toggle_count; i++) {
		const struct policy_toggle *t = &p->toggles[i];
		if (t->tenant && policy_toggle_beats(t, x->toggle[t->tenant], rule)) {
			policy_scratch_touch(x, t->tenant);
			x->toggle[t->tenant] = t;
		}
	}
	for (unsigned i = 0; i < p->override_count; i++) {
		const struct policy_override *o = &p->overrides[i];
		if (o->tenant && policy_override_beats(o, x->override[o->tenant], rule)) {
			policy_scratch_touch(x, o->tenant);
			x->override[o->tenant] = o;
		}
	}
}

static int policy_tenant_state_order(const void *a, const void *b)
{
	const struct rule_tenant_state *x = a, *y = b;
	return (int)x->tenant - (int)y->tenant;
}

/*
 * Attach to the rule (as written) the tenants for which it differs from
 * enabled/action, what everyone else gets. Returns 1 when it differs for
 * at least one, 0 when for none, or -ENOMEM.
 */
static int policy_attach_tenants(const struct policy *p, struct policy_tenant_scratch *x,
				 struct rule *rule, bool enabled, enum rule_action action)
{
	policy_scratch_fill(p, x, rule);
	unsigned n = 0;
	for (unsigned i = 0; i < x->touched_count; i++) {
		uint16_t t = x->touched[i];
		bool on = x->toggle[t] ? x->toggle[t]->enable : enabled;
		enum rule_action act = x->override[t] ? x->override[t]->to : action;
		x->toggle[t] = NULL;
		x->override[t] = NULL;
		if (on != enabled || (on && act != action))
			x->states[n++] = (struct rule_tenant_state){t, on, (uint8_t)act};
	}
	x->touched_count = 0;
	if (!n)
		return 0;
	qsort(x->states, n, sizeof(*x->states), policy_tenant_state_order);
	if (!rule->policy && !(rule->policy = calloc(1, sizeof(*rule->policy))))
		return -ENOMEM;
	struct rule_tenant_state *list = malloc(n * sizeof(*list));
	if (!list)
		return -ENOMEM;
	memcpy(list, x->states, n * sizeof(*list));
	free(rule->policy->tenants);
	rule->policy->tenants = list;
	rule->policy->tenant_count = n;
	rule->policy->tenant_only = !enabled;
	return 1;
}

/*
 * The statements applied to one rule: 1 when it is off for every packet
 * (the caller frees it), 0 when it stays, or -ENOMEM (it stays).
 */
static int policy_apply_rule(const struct policy *p, struct policy_tenant_scratch *x,
			     struct rule *rule, struct policy_report *report)
{
	bool enabled = policy_rule_enabled(p, rule);
	enum rule_action action = policy_rule_action(p, rule);
	int scoped = x->states ? policy_attach_tenants(p, x, rule, enabled, action) : 0;
	if (scoped < 0)
		return scoped;
	if (!enabled && !scoped)
		return 1;
	report->scoped += (unsigned)scoped;
	report->overridden += action != rule->action;
	rule->action = action;
	int rc = policy_attach_exceptions(p, rule);
	if (rc < 0)
		return rc;
	report->excepted += (unsigned)rc;
	return 0;
}

int policy_apply(const struct policy *p, struct rule_parser *parser, struct rule **rules,
		 unsigned *count, struct policy_report *report, char *err, size_t err_len)
{
	char why[512];
	memset(report, 0, sizeof(*report));
	for (unsigned i = 0; i < p->threshold_count; i++) {
		const struct policy_threshold_line *t = &p->thresholds[i];
		if (threshold_config_apply_line(parser, t->text, rules, *count, why, sizeof(why)) <
		    0) {
			snprintf(err, err_len, "%s:%u: error: %s", t->file, t->line, why);
			return -EINVAL;
		}
	}
	struct policy_tenant_scratch x;
	int rc = policy_scratch_init(&x, p->tenant_count);
	unsigned kept = 0;
	for (unsigned i = 0; i < *count; i++) {
		struct rule *rule = rules[i];
		int off = rc < 0 ? 0 : policy_apply_rule(p, &x, rule, report);
		if (off == 1) {
			rule_free(rule);
			report->disabled++;
			continue;
		}
		rc = rc < 0 ? rc : off;
		rules[kept++] = rule;
	}
	*count = kept;
	policy_scratch_free(&x);
	if (rc < 0)
		snprintf(err, err_len, "%s: error: out of memory", p->name);
	return rc;
}

/* --- verdict time ------------------------------------------------------------ */

static bool policy_prefix_match(const struct rule_cidr *c, const uint8_t *addr, int family)
{
	if (c->family != family)
		return false;
	unsigned bytes = c->prefix_len / 8, bits = c->prefix_len % 8;
	if (memcmp(c->addr, addr, bytes) != 0)
		return false;
	if (!bits)
		return true;
	uint8_t mask = (uint8_t)(0xff00u >> bits);
	return (c->addr[bytes] & mask) == (addr[bytes] & mask);
}

/*
 * The path prefix covers a URI when the URI starts with it and the prefix
 * ends at a path boundary: "/api/snippets" covers "/api/snippets",
 * "/api/snippets/7" and "/api/snippets?q=1", never "/api/snippetsX".
 */
static bool policy_path_match(const struct policy_exception *e, const uint8_t *uri, uint32_t len)
{
	if (!uri || len < e->path_len || memcmp(uri, e->path, e->path_len) != 0)
		return false;
	if (len == e->path_len || e->path[e->path_len - 1] == '/')
		return true;
	uint8_t next = uri[e->path_len];
	return next == '/' || next == '?' || next == ';' || next == '#';
}

bool policy_excepted(const struct policy *p, const struct rule *rule,
		     const struct policy_packet_view *v)
{
	const struct rule_policy *rp = rule->policy;
	for (unsigned i = 0; p && rp && i < rp->exception_count; i++) {
		const struct policy_exception *e = &p->exceptions[rp->exceptions[i]];
		if (e->tenant && e->tenant != v->tenant)
			continue;
		switch (e->field) {
		case POLICY_EXCEPT_SRC:
			if (policy_prefix_match(&e->prefix, v->src, v->family))
				return true;
			break;
		case POLICY_EXCEPT_DST:
			if (policy_prefix_match(&e->prefix, v->dst, v->family))
				return true;
			break;
		case POLICY_EXCEPT_PATH:
			if (policy_path_match(e, v->uri, v->uri_len))
				return true;
			break;
		case POLICY_EXCEPT_XFF:
			if (v->xff && policy_prefix_match(&e->prefix, v->xff, v->xff_family))
				return true;
			break;
		}
	}
	return false;
}

/* The tenant named by key (type and ids), 0: none. */
static uint16_t policy_tenant_search(const struct policy *p, const struct policy_tenant_key *key)
{
	const struct policy_tenant_key *found = bsearch(key, p->tenant_keys, p->tenant_key_count,
							sizeof(*key), policy_tenant_key_order);
	return found ? found->tenant : 0;
}

uint16_t policy_tenant_find(const struct policy *p, const struct packet_tunnel *t)
{
	if (!p || !p->tenant_key_count || !t)
		return 0;
	struct policy_tenant_key key = {.type = t->type};
	if (t->type == PACKET_TUNNEL_VXLAN) {
		key.id = t->vni;
		return policy_tenant_search(p, &key);
	}
	if (t->type != PACKET_TUNNEL_GENEVE || !t->has_endpoint_id)
		return 0;
	key.id = t->endpoint_id;
	uint16_t tenant = 0;
	if (t->has_attachment_id) { /* the block naming the attachment beats the endpoint's */
		key.has_attachment = 1;
		key.attachment_id = t->attachment_id;
		tenant = policy_tenant_search(p, &key);
		key.has_attachment = 0;
		key.attachment_id = 0;
	}
	return tenant ? tenant : policy_tenant_search(p, &key);
}

bool policy_tenant_rule(const struct rule *rule, uint16_t tenant, enum rule_action *action)
{
	const struct rule_policy *rp = rule->policy;
	unsigned low = 0, high = rp->tenant_count;
	while (tenant && low < high) { /* sorted by tenant */
		unsigned mid = (low + high) / 2;
		const struct rule_tenant_state *st = &rp->tenants[mid];
		if (st->tenant == tenant) {
			*action = (enum rule_action)st->action;
			return st->enabled;
		}
		if (st->tenant < tenant)
			low = mid + 1;
		else
			high = mid;
	}
	return !rp->tenant_only;
}

bool policy_tenant_ids(const struct policy *p, uint16_t tenant)
{
	return p && tenant && tenant <= p->tenant_count && p->tenants[tenant - 1].ids;
}

/* --- accessors ------------------------------------------------------------ */

unsigned policy_tenant_count(const struct policy *p)
{
	return p ? p->tenant_count : 0;
}

const char *policy_tenant_name(const struct policy *p, uint16_t tenant)
{
	return tenant && tenant <= p->tenant_count ? p->tenants[tenant - 1].name : "";
}

unsigned policy_ratelimit_count(const struct policy *p)
{
	return p ? p->ratelimit_count : 0;
}

const struct policy_ratelimit *policy_ratelimit_get(const struct policy *p, unsigned index)
{
	return &p->ratelimits[index];
}

void policy_counts(const struct policy *p, unsigned counts[5])
{
	counts[0] = p->toggle_count;
	counts[1] = p->override_count;
	counts[2] = p->exception_count;
	counts[3] = p->ratelimit_count;
	counts[4] = p->threshold_count;
}

const char *policy_text(const struct policy *p, size_t *len)
{
	*len = p->text_len;
	return p->text;
}

const char *policy_name(const struct policy *p)
{
	return p->name;
}
