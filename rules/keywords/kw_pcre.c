/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcre:"/regex/flags" with PCRE2, JIT-compiled when the platform allows.
 * The regex is compiled once at parse time into an immutable pcre2_code
 * that every worker shares (PCRE2 allows concurrent matching on one code).
 *
 * Match data: PCRE2 needs a writable pcre2_match_data per match, which
 * cannot be shared between workers. Each thread keeps one in a __thread
 * pointer, created on its first pcre evaluation and reused for every later
 * one (one small allocation per thread for the life of the process; never
 * per packet). Its ovector holds the overall match and RULE_MAX_CAPTURES groups.
 * When JIT is unavailable the interpreter keeps its backtracking frames in
 * that same block (PCRE2 10.41+), growing it at most up to the limits below
 * and then reusing it, so the steady state allocates nothing either.
 *
 * Captures: pcre:"/(a)(b)/flags, flow:x,flow:y" keeps group 1 in flow
 * variable x and group 2 in y (so does a group named flow_x), alert: and
 * pkt: captures go with the rule's alert, once the whole rule matches (the inspect
 * stage stores them on the flow; rules/match/match.h struct rule_captures).
 *
 * Limits: as Suricata, matches run with a match limit of 3500 and a depth
 * limit of 1500 unless the rule says O, so a crafted payload cannot make a
 * backtracking regex eat the worker (ReDoS); hitting a limit counts as no
 * match, negated or not (Suricata does the same).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/keyword.h"
#include "rules/match/match.h"
#include "rules/match/payload.h"

#define PCRE_MATCH_LIMIT 3500
#define PCRE_DEPTH_LIMIT 1500

struct kw_pcre {
	struct payload_head head; /* first: see payload.h */
	bool no_limits;		  /* O */
	bool anchored;		  /* ^, \A, A: matches only where its subject starts */
	pcre2_code *code;
	char *prefilter;	/* kw_pcre_prefilter(); NULL: none */
	unsigned capture_count; /* groups 1.. go to these flow variables */
	uint16_t capture_var[RULE_MAX_CAPTURES];
};

/* Read-only after kw_pcre_register(): safe to share between workers. */
static pcre2_match_context *pcre_limited_context;
static __thread pcre2_match_data *pcre_thread_match_data;

/* Buffer flags: pcre:"/x/U" inspects http.uri, as a legacy content modifier would. */
static const struct {
	char flag;
	enum rule_buffer buffer;
} pcre_buffer_flags[] = {
    {'U', RULE_BUFFER_HTTP_URI},	  {'I', RULE_BUFFER_HTTP_URI_RAW},
    {'P', RULE_BUFFER_HTTP_REQUEST_BODY}, {'Q', RULE_BUFFER_FILE_DATA},
    {'H', RULE_BUFFER_HTTP_HEADER},	  {'D', RULE_BUFFER_HTTP_HEADER_RAW},
    {'M', RULE_BUFFER_HTTP_METHOD},	  {'C', RULE_BUFFER_HTTP_COOKIE},
    {'S', RULE_BUFFER_HTTP_STAT_CODE},	  {'Y', RULE_BUFFER_HTTP_STAT_MSG},
    {'V', RULE_BUFFER_HTTP_USER_AGENT},	  {'W', RULE_BUFFER_HTTP_HOST},
    {'Z', RULE_BUFFER_HTTP_HOST_RAW},
};

static void pcre_free(void *data)
{
	struct kw_pcre *p = data;
	if (p == NULL)
		return;
	pcre2_code_free(p->code);
	free(p->prefilter);
	free(p);
}

static int pcre_flag_buffer(char flag)
{
	for (size_t i = 0; i < sizeof(pcre_buffer_flags) / sizeof(pcre_buffer_flags[0]); i++)
		if (pcre_buffer_flags[i].flag == flag)
			return pcre_buffer_flags[i].buffer;
	return -1;
}

/* Is there a content or pcre before the new option in buffer? (pcre R needs one in pkt_data) */
static bool pcre_has_previous_match(const struct rule *rule, int buffer)
{
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *o = &rule->options[i];
		if (o->buffer != buffer)
			continue;
		const char *name = rule_keywords[o->keyword].name;
		if (strcmp(name, "content") == 0 || strcmp(name, "pcre") == 0)
			return true;
	}
	return false;
}

/* capture_var of a group whose value is not kept (alert:, pkt:, or no name) */
#define PCRE_CAPTURE_UNKEPT 0xffff

/* The capture slot of group (1..), the slots before it marked unkept; false: too many. */
static bool pcre_capture_slot(struct kw_pcre *pcre, unsigned group, uint16_t var)
{
	if (group == 0 || group > RULE_MAX_CAPTURES)
		return false;
	while (pcre->capture_count < group)
		pcre->capture_var[pcre->capture_count++] = PCRE_CAPTURE_UNKEPT;
	pcre->capture_var[group - 1] = var;
	return true;
}

/*
 * A capture named NAME with its kind: "flow" keeps it in flow variable
 * NAME; "alert" and "pkt" (Suricata logs those with the alert, and with
 * the packet) go with the rule's alert only: the variable's id marked
 * RULE_CAPTURE_ALERT or RULE_CAPTURE_PKT. Returns the slot value, or -1
 * for an unknown kind, -2 when variable names run out.
 */
static int pcre_capture_var(struct rule_parser *parser, const char *kind, size_t kind_len,
			    const char *name, size_t name_len)
{
	unsigned mark;
	if (kind_len == 4 && strncmp(kind, "flow", 4) == 0)
		mark = 0;
	else if (kind_len == 5 && strncmp(kind, "alert", 5) == 0)
		mark = RULE_CAPTURE_ALERT;
	else if (kind_len == 3 && strncmp(kind, "pkt", 3) == 0)
		mark = RULE_CAPTURE_PKT;
	else
		return -1;
	char text[64];
	snprintf(text, sizeof(text), "%.*s", (int)name_len, name);
	int var = rule_parser_flowvar(parser, text);
	return var < 0 ? -2 : (int)(mark | (unsigned)var);
}

/*
 * Named groups: (?P<flow_NAME>...) is kept in flow variable NAME, as the
 * capture list's flow:NAME; (?P<alert_NAME>...) and (?P<pkt_NAME>...) go
 * with the alert, as alert:NAME and pkt:NAME. Other names are the regex's own.
 */
static int pcre_parse_named(struct rule_parser *parser, pcre2_code *code, struct kw_pcre *pcre)
{
	uint32_t count = 0, entry = 0;
	PCRE2_SPTR table = NULL;
	pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
	pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
	for (uint32_t i = 0; i < count && table; i++) {
		const uint8_t *e = table + i * entry;
		unsigned group = (unsigned)e[0] << 8 | e[1];
		const char *name = (const char *)e + 2, *sep = strchr(name, '_');
		if (!sep || !sep[1])
			continue;
		int var =
		    pcre_capture_var(parser, name, (size_t)(sep - name), sep + 1, strlen(sep + 1));
		if (var == -1)
			continue;
		if (var == -2)
			return rule_parser_error(parser, "pcre: more than %d flow variables",
						 RULE_MAX_FLOWVARS);
		if (!pcre_capture_slot(pcre, group, (uint16_t)var))
			return rule_parser_error(parser, "pcre: capture group %u past the %d kept",
						 group, RULE_MAX_CAPTURES);
	}
	return 0;
}

/*
 * The capture list after the flags: ", flow:NAME, alert:NAME, pkt:NAME"
 * (group 1, 2, ...). Flow variables are kept on the flow; alert and
 * packet variables, which Suricata only logs, go with the rule's alert.
 */
static int pcre_parse_captures(struct rule_parser *parser, const char *list, size_t len,
			       struct kw_pcre *pcre)
{
	const char *end = list + len;
	unsigned group = 0;
	while (list < end) {
		while (list < end && (*list == ',' || *list == ' '))
			list++;
		const char *item = list;
		while (list < end && *list != ',')
			list++;
		size_t n = (size_t)(list - item);
		while (n && item[n - 1] == ' ')
			n--;
		if (!n)
			continue;
		const char *colon = memchr(item, ':', n);
		int var = colon && colon + 1 < item + n
			      ? pcre_capture_var(parser, item, (size_t)(colon - item), colon + 1,
						 (size_t)(item + n - colon - 1))
			      : -1;
		if (var == -1)
			return rule_parser_error(parser,
						 "pcre: capture \"%.*s\" is not flow:NAME, "
						 "alert:NAME or pkt:NAME",
						 (int)n, item);
		if (var == -2)
			return rule_parser_error(parser, "pcre: more than %d flow variables",
						 RULE_MAX_FLOWVARS);
		if (!pcre_capture_slot(pcre, ++group, (uint16_t)var))
			return rule_parser_error(parser, "pcre: more than %d captures",
						 RULE_MAX_CAPTURES);
	}
	return 0;
}

/*
 * The regex as a Hyperscan expression, for the ruleset's prefilter: the
 * same text with the i/s/m/x flags written inline. A/E/G only narrow or
 * reorder matches, so a search without them finds a superset. UTF mode and
 * leading verbs ("(*UTF)") change what "." matches: no prefilter.
 */
static int pcre_prefilter_make(struct kw_pcre *pcre, const char *regex, size_t len,
			       uint32_t options)
{
	uint32_t all = 0;
	if (pcre2_pattern_info(pcre->code, PCRE2_INFO_ALLOPTIONS, &all) != 0 ||
	    (all & (PCRE2_UTF | PCRE2_UCP)) || (len >= 2 && regex[0] == '(' && regex[1] == '*'))
		return 0;
	char inline_flags[8] = "";
	size_t k = 0;
	if (options & PCRE2_CASELESS)
		inline_flags[k++] = 'i';
	if (options & PCRE2_DOTALL)
		inline_flags[k++] = 's';
	if (options & PCRE2_MULTILINE)
		inline_flags[k++] = 'm';
	if (options & PCRE2_EXTENDED)
		inline_flags[k++] = 'x';
	size_t size = len + k + 4;
	pcre->prefilter = malloc(size);
	if (!pcre->prefilter)
		return -ENOMEM;
	if (k)
		snprintf(pcre->prefilter, size, "(?%s)%.*s", inline_flags, (int)len, regex);
	else
		snprintf(pcre->prefilter, size, "%.*s", (int)len, regex);
	return 0;
}

static bool pcre_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor);

const char *kw_pcre_prefilter(const struct rule_option *option)
{
	if (rule_keywords[option->keyword].inspect != pcre_inspect)
		return NULL;
	const struct kw_pcre *p = option->data;
	return p->prefilter;
}

static int pcre_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "pcre");
	if (rc < 0)
		return rc;
	const char *p;
	size_t n;
	bool negated = payload_value_split(value, &p, &n);
	const char *slash = NULL;
	for (size_t i = n; i > 1; i--) {
		if (p[i - 1] == '/') {
			slash = p + i - 1;
			break;
		}
	}
	if (n < 2 || p[0] != '/' || slash == NULL)
		return rule_parser_error(parser, "pcre: expected \"/regex/flags\", got \"%.*s\"",
					 (int)n, p);

	/* flags end at the capture list, if any */
	const char *flags_end = memchr(slash + 1, ',', (size_t)(p + n - slash - 1));
	if (!flags_end)
		flags_end = p + n;
	uint32_t options = 0;
	bool relative = false, no_limits = false;
	int buffer = -1;
	for (const char *f = slash + 1; f < flags_end; f++) {
		if (*f == ' ')
			continue;
		switch (*f) {
		case 'i':
			options |= PCRE2_CASELESS;
			break;
		case 's':
			options |= PCRE2_DOTALL;
			break;
		case 'm':
			options |= PCRE2_MULTILINE;
			break;
		case 'x':
			options |= PCRE2_EXTENDED;
			break;
		case 'A':
			options |= PCRE2_ANCHORED;
			break;
		case 'E':
			options |= PCRE2_DOLLAR_ENDONLY;
			break;
		case 'G':
			options |= PCRE2_UNGREEDY;
			break;
		case 'R':
			relative = true;
			break;
		case 'O':
			no_limits = true;
			break;
		case 'B':
			break; /* rawbytes: vigil inspects raw bytes already */
		default: {
			int b = pcre_flag_buffer(*f);
			if (b < 0)
				return rule_parser_error(parser, "pcre: unknown flag '%c'", *f);
			if (buffer >= 0 && buffer != b)
				return rule_parser_error(parser,
							 "pcre: two buffer flags in \"%.*s\"",
							 (int)(flags_end - slash - 1), slash + 1);
			buffer = b;
		}
		}
	}
	int current = rule_parser_buffer(parser);
	/* Q (file.data) under http.response_body: the same bytes for HTTP (app_http.c
	 * fills both from the response body), so the sticky buffer stands */
	if (buffer == RULE_BUFFER_FILE_DATA && current == RULE_BUFFER_HTTP_RESPONSE_BODY)
		buffer = current;
	if (buffer >= 0 && current != RULE_BUFFER_PKT_DATA && current != buffer)
		return rule_parser_error(
		    parser, "pcre: flag for %s used while sticky buffer %s is in effect",
		    rule_buffer_name[buffer], rule_buffer_name[current]);
	int target = buffer >= 0 ? buffer : current;
	if (relative && target == RULE_BUFFER_PKT_DATA && !pcre_has_previous_match(rule, target))
		return rule_parser_error(parser,
					 "pcre: /R (relative) needs a preceding content or pcre in "
					 "the same buffer");

	int error;
	PCRE2_SIZE error_offset;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)(p + 1), (PCRE2_SIZE)(slash - p - 1), options,
					 &error, &error_offset, NULL);
	if (code == NULL) {
		PCRE2_UCHAR message[160];
		pcre2_get_error_message(error, message, sizeof(message));
		return rule_parser_error(parser, "pcre: bad regex \"%.*s\": %s at offset %zu",
					 (int)(slash - p - 1), p + 1, (const char *)message,
					 (size_t)error_offset);
	}
	/* No JIT (unsupported CPU, SELinux execmem): the interpreter gives the same answers. */
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

	struct kw_pcre *pcre = calloc(1, sizeof(*pcre));
	if (pcre == NULL) {
		pcre2_code_free(code);
		return rule_parser_error(parser, "pcre: out of memory");
	}
	pcre->head.type = PAYLOAD_PCRE;
	pcre->head.relative = relative;
	pcre->head.negated = negated;
	pcre->no_limits = no_limits;
	pcre->code = code;
	/* PCRE2 adds ANCHORED to the options of a regex anchored by what it says */
	uint32_t all_options = 0;
	pcre2_pattern_info(code, PCRE2_INFO_ALLOPTIONS, &all_options);
	pcre->anchored = (all_options & PCRE2_ANCHORED) != 0;
	if (!negated && !relative &&
	    pcre_prefilter_make(pcre, p + 1, (size_t)(slash - p - 1), options) < 0) {
		pcre_free(pcre);
		return rule_parser_error(parser, "pcre: out of memory");
	}
	rc = pcre_parse_captures(parser, flags_end, (size_t)(p + n - flags_end), pcre);
	if (rc == 0 && !negated) /* a negated pcre has nothing to capture */
		rc = pcre_parse_named(parser, pcre->code, pcre);
	if (rc < 0) {
		pcre_free(pcre);
		return rc;
	}
	if (pcre->capture_count && negated) {
		pcre_free(pcre);
		return rule_parser_error(parser, "pcre: a negated pcre captures nothing");
	}
	struct rule_option *option = rule_parser_add_option(parser, rule, pcre);
	if (option == NULL) {
		pcre_free(pcre);
		return rule_parser_error(parser, "pcre: out of memory");
	}
	/* buffers_used is filled from the options when the rule is finished. */
	if (buffer >= 0)
		option->buffer = (uint16_t)buffer;
	return 0;
}

/* Groups 1.. of a match into captures; a variable captured again takes the new value. */
static void pcre_keep_captures(const struct kw_pcre *p, const uint8_t *subject,
			       const PCRE2_SIZE *ov, int groups, struct rule_captures *captures)
{
	for (unsigned i = 0; i < p->capture_count && (int)i + 1 < groups; i++) {
		PCRE2_SIZE from = ov[2 * (i + 1)], to = ov[2 * (i + 1) + 1];
		if (from == PCRE2_UNSET || to < from || p->capture_var[i] == PCRE_CAPTURE_UNKEPT)
			continue;
		unsigned k = 0;
		while (k < captures->count && captures->capture[k].var != p->capture_var[i])
			k++;
		if (k == RULE_MAX_CAPTURES)
			continue;
		if (k == captures->count)
			captures->count++;
		captures->capture[k].var = p->capture_var[i];
		captures->capture[k].data = subject + from;
		captures->capture[k].len = (uint32_t)(to - from);
	}
}

/*
 * Per-packet path. A relative pcre sees the buffer from the cursor on, so
 * "^" anchors at the previous match end, as in Suricata; an anchored one
 * sees it from the origin (the start of the data inspected); any other the
 * whole buffer, earlier stream data included, where "^" does not match at
 * the start of those earlier bytes. Retries start no earlier than
 * cursor->match_start (payload.h). In a body window a pcre that is not
 * relative starts at cursor->search_from (PCRE2's start offset: "^" still
 * means the body's start and lookbehinds see the bytes before), and while
 * the body goes on its end is no "$".
 */
static bool pcre_inspect(const struct rule_option *option, struct rule_payload_cursor *cursor)
{
	const struct kw_pcre *p = option->data;
	uint32_t base = p->head.relative ? cursor->position : p->anchored ? cursor->origin : 0;
	uint32_t not_start = !p->head.relative && base < cursor->origin ? PCRE2_NOTBOL : 0;
	if (base > cursor->len)
		return false;
	PCRE2_SIZE start = 0;
	if (!p->head.relative && !p->head.negated)
		start = cursor->search_from;
	if (!p->head.negated && cursor->match_start > base + start)
		start = cursor->match_start - base;
	if (start > cursor->len - base)
		return false;
	uint32_t options = (cursor->more ? PCRE2_NOTEOL : 0) | not_start;

	pcre2_match_data *md = pcre_thread_match_data;
	if (md == NULL) {
		/* Once per thread (see the top of this file). */
		md = pcre2_match_data_create(RULE_MAX_CAPTURES + 1, NULL);
		if (md == NULL)
			return false;
		pcre_thread_match_data = md;
	}
	int rc = pcre2_match(p->code, cursor->data + base, cursor->len - base, start, options, md,
			     p->no_limits ? NULL : pcre_limited_context);
	if (rc == PCRE2_ERROR_NOMATCH)
		return p->head.negated;
	if (rc < 0) {
		/* a limit was hit (or memory): no match either way, but counted */
		if (cursor->ctx->pcre_limit_hits)
			(*cursor->ctx->pcre_limit_hits)++;
		return false;
	}
	if (p->head.negated)
		return false;
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	cursor->match_start = base + (uint32_t)ov[0];
	cursor->position = base + (uint32_t)ov[1];
	if (p->capture_count && cursor->ctx->captures)
		pcre_keep_captures(p, cursor->data + base, ov, rc, cursor->ctx->captures);
	return true;
}

void kw_pcre_register(void)
{
	if (pcre_limited_context == NULL) {
		pcre_limited_context = pcre2_match_context_create(NULL);
		if (pcre_limited_context != NULL) {
			pcre2_set_match_limit(pcre_limited_context, PCRE_MATCH_LIMIT);
			pcre2_set_depth_limit(pcre_limited_context, PCRE_DEPTH_LIMIT);
		}
	}
	static const struct rule_keyword row = {
	    .name = "pcre",
	    .kind = RULE_KW_PAYLOAD,
	    .value = RULE_KW_VALUE_REQUIRED,
	    .parse = pcre_parse,
	    .inspect = pcre_inspect,
	    .free = pcre_free,
	};
	rule_keyword_register(&row);
}
