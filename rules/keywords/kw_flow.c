/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow keywords. flow: (direction, state, stream and fragment conditions)
 * fills rule->flow_flags and adds one FLOW option that checks them against
 * the flow facts of struct rule_match_ctx. flowbits: tests (isset,
 * isnotset, with "a|b" any-of and "a&b" all-of groups) run as FLOW options;
 * its actions (set, unset, toggle) run after the alert decision through
 * rule_match_apply_flowbits(), and "noalert" marks the rule silent. Flowbit
 * names become ids shared by the whole ruleset (rule_parser_flowbit); the
 * bits live in the flow, which the inspect stage owns. flowint: is the same
 * for flow integers: tests are FLOW options, assignments run after the
 * alert decision (rule_match_apply_flowints()), and the values are kept by
 * the inspect stage behind struct rule_flowints. flow.age: the flow's age in
 * seconds. stream_size: compares the
 * bytes each side of a TCP flow sent (struct rule_match_ctx.stream_size).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_compare.h"
#include "rules/lang/keyword.h"
#include "rules/match/match.h"

/* ---- flow: -------------------------------------------------------------- */

static const struct {
	const char *name;
	uint32_t flag;
} kw_flow_words[] = {
    {"to_server", RULE_FLOW_TO_SERVER},	    {"from_client", RULE_FLOW_TO_SERVER},
    {"to_client", RULE_FLOW_TO_CLIENT},	    {"from_server", RULE_FLOW_TO_CLIENT},
    {"established", RULE_FLOW_ESTABLISHED}, {"not_established", RULE_FLOW_NOT_ESTABLISHED},
    {"stateless", RULE_FLOW_STATELESS},	    {"only_stream", RULE_FLOW_ONLY_STREAM},
    {"no_stream", RULE_FLOW_NO_STREAM},	    {"only_frag", RULE_FLOW_ONLY_FRAG},
    {"no_frag", RULE_FLOW_NO_FRAG},
};

/* Pairs that can never hold together. */
static const uint32_t kw_flow_conflicts[] = {
    RULE_FLOW_TO_SERVER | RULE_FLOW_TO_CLIENT,	 RULE_FLOW_ESTABLISHED | RULE_FLOW_NOT_ESTABLISHED,
    RULE_FLOW_ESTABLISHED | RULE_FLOW_STATELESS, RULE_FLOW_ONLY_STREAM | RULE_FLOW_NO_STREAM,
    RULE_FLOW_ONLY_FRAG | RULE_FLOW_NO_FRAG,
};

static int kw_flow_word(const char *word, size_t len, uint32_t *flag)
{
	for (size_t i = 0; i < sizeof(kw_flow_words) / sizeof(kw_flow_words[0]); i++) {
		if (strlen(kw_flow_words[i].name) == len &&
		    strncmp(kw_flow_words[i].name, word, len) == 0) {
			*flag = kw_flow_words[i].flag;
			return 0;
		}
	}
	return -1;
}

/* "to_server, established": words separated by commas, blanks allowed. */
static int kw_flow_words_parse(struct rule_parser *parser, const char *value, uint32_t *flags)
{
	const char *p = value;

	while (*p) {
		size_t len;
		uint32_t flag;

		p += strspn(p, " \t,");
		len = strcspn(p, " \t,");
		if (len == 0)
			break;
		if (kw_flow_word(p, len, &flag) < 0)
			return rule_parser_error(parser, "bad value of \"flow\": \"%.*s\"",
						 (int)len, p);
		*flags |= flag;
		p += len;
	}
	return 0;
}

static int kw_flow_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	uint32_t flags = rule->flow_flags;
	uint32_t *data;

	if (kw_flow_words_parse(parser, value, &flags) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(kw_flow_conflicts) / sizeof(kw_flow_conflicts[0]); i++) {
		if ((flags & kw_flow_conflicts[i]) == kw_flow_conflicts[i])
			return rule_parser_error(
			    parser, "bad value of \"flow\": \"%s\": contradictory", value);
	}
	data = malloc(sizeof(*data));
	if (!data)
		return rule_parser_error(parser, "out of memory");
	*data = flags & ~rule->flow_flags;
	rule->flow_flags = flags;
	if (!rule_parser_add_option(parser, rule, data)) {
		free(data);
		return -1;
	}
	return 0;
}

/* Per-packet path. "stateless" asks for nothing: it matches with or without a flow. */
static bool kw_flow_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	uint32_t want = *(const uint32_t *)option->data;
	uint32_t flow = ctx->flow;
	bool fragment = ctx->packet && (ctx->packet->flags & PACKET_FRAGMENT);

	if ((want & RULE_FLOW_TO_SERVER) && !(flow & RULE_MATCH_TO_SERVER))
		return false;
	if ((want & RULE_FLOW_TO_CLIENT) && !(flow & RULE_MATCH_TO_CLIENT))
		return false;
	if ((want & RULE_FLOW_ESTABLISHED) && !(flow & RULE_MATCH_ESTABLISHED))
		return false;
	if ((want & RULE_FLOW_NOT_ESTABLISHED) && (flow & RULE_MATCH_ESTABLISHED))
		return false;
	if ((want & RULE_FLOW_ONLY_STREAM) && !(flow & RULE_MATCH_STREAM))
		return false;
	if ((want & RULE_FLOW_NO_STREAM) && (flow & RULE_MATCH_STREAM))
		return false;
	if ((want & RULE_FLOW_ONLY_FRAG) && !fragment)
		return false;
	return !((want & RULE_FLOW_NO_FRAG) && fragment);
}

/* ---- flowbits: ---------------------------------------------------------- */

enum kw_flowbits_command {
	KW_FLOWBITS_SET,
	KW_FLOWBITS_ISSET,
	KW_FLOWBITS_ISNOTSET,
	KW_FLOWBITS_UNSET,
	KW_FLOWBITS_TOGGLE,
	KW_FLOWBITS_NOALERT,
};

static const char *const kw_flowbits_command_name[] = {
    [KW_FLOWBITS_SET] = "set",		 [KW_FLOWBITS_ISSET] = "isset",
    [KW_FLOWBITS_ISNOTSET] = "isnotset", [KW_FLOWBITS_UNSET] = "unset",
    [KW_FLOWBITS_TOGGLE] = "toggle",	 [KW_FLOWBITS_NOALERT] = "noalert",
};

#define KW_FLOWBITS_GROUP_MAX 16

/* rule_option.data of flowbits. all: "a&b" (every bit); otherwise any of the bits. */
struct kw_flowbits {
	enum kw_flowbits_command command;
	bool all;
	unsigned count;
	uint16_t ids[KW_FLOWBITS_GROUP_MAX];
};

static int kw_flowbits_index = -1;

static int kw_flowbits_command(const char *word, size_t len)
{
	for (int i = 0; i <= KW_FLOWBITS_NOALERT; i++) {
		if (strlen(kw_flowbits_command_name[i]) == len &&
		    strncmp(kw_flowbits_command_name[i], word, len) == 0)
			return i;
	}
	return -1;
}

static bool kw_flowbits_name_ok(const char *name, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)name[i]) || name[i] == ',')
			return false;
	}
	return true;
}

static int kw_flowbits_add_name(struct rule_parser *parser, struct kw_flowbits *bits,
				const char *name, size_t len, const char *value)
{
	char copy[256];
	int id;

	if (!kw_flowbits_name_ok(name, len) || len >= sizeof(copy))
		return rule_parser_error(parser, "bad value of \"flowbits\": \"%s\"", value);
	if (bits->count == KW_FLOWBITS_GROUP_MAX)
		return rule_parser_error(parser, "bad value of \"flowbits\": \"%s\": over %d names",
					 value, KW_FLOWBITS_GROUP_MAX);
	memcpy(copy, name, len);
	copy[len] = '\0';
	id = rule_parser_flowbit(parser, copy);
	if (id < 0)
		return rule_parser_error(parser, "too many flowbits: \"%s\" is over %d", copy,
					 RULE_MAX_FLOWBITS);
	bits->ids[bits->count++] = (uint16_t)id;
	return 0;
}

/* "a", "a|b|c" or "a&b": groups are for the tests only, and of one kind. */
static int kw_flowbits_names(struct rule_parser *parser, struct kw_flowbits *bits,
			     const char *names, const char *value)
{
	bool any = strchr(names, '|'), all = strchr(names, '&');
	bool test = bits->command == KW_FLOWBITS_ISSET || bits->command == KW_FLOWBITS_ISNOTSET;
	const char *p = names;

	if ((any || all) && (!test || (any && all)))
		return rule_parser_error(parser, "bad value of \"flowbits\": \"%s\"", value);
	bits->all = all;
	for (;;) {
		size_t len = strcspn(p, "|&");
		const char *start = p, *end = p + len;

		while (start < end && isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		if (kw_flowbits_add_name(parser, bits, start, (size_t)(end - start), value) < 0)
			return -1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int kw_flowbits_fill(struct rule_parser *parser, struct rule *rule, struct kw_flowbits *bits,
			    const char *value)
{
	size_t len = strcspn(value, ", \t");
	const char *names = value + len;
	int command = kw_flowbits_command(value, len);

	names += strspn(names, " \t");
	if (command < 0)
		return rule_parser_error(parser, "bad value of \"flowbits\": \"%s\"", value);
	bits->command = (enum kw_flowbits_command)command;
	if (command == KW_FLOWBITS_NOALERT) {
		rule->noalert = true;
		if (*names)
			return rule_parser_error(parser, "bad value of \"flowbits\": \"%s\"",
						 value);
		return 0;
	}
	if (*names != ',')
		return rule_parser_error(parser, "bad value of \"flowbits\": \"%s\": no name",
					 value);
	names++;
	return kw_flowbits_names(parser, bits, names, value);
}

static int kw_flowbits_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_flowbits *bits = calloc(1, sizeof(*bits));

	if (!bits)
		return rule_parser_error(parser, "out of memory");
	if (kw_flowbits_fill(parser, rule, bits, value) < 0 ||
	    !rule_parser_add_option(parser, rule, bits)) {
		free(bits);
		return -1;
	}
	return 0;
}

static bool kw_flowbit_test(const uint8_t *flowbits, uint16_t id)
{
	return flowbits && (flowbits[id / 8] & (1u << (id % 8)));
}

/* Per-packet path: isset/isnotset test; the actions always hold here. */
static bool kw_flowbits_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_flowbits *bits = option->data;
	unsigned set = 0;

	if (bits->command != KW_FLOWBITS_ISSET && bits->command != KW_FLOWBITS_ISNOTSET)
		return true;
	for (unsigned i = 0; i < bits->count; i++)
		set += kw_flowbit_test(ctx->flowbits, bits->ids[i]);
	if (bits->command == KW_FLOWBITS_ISSET)
		return bits->all ? set == bits->count : set > 0;
	/* isnotset a&b: every bit clear; a|b: at least one clear */
	return bits->all ? set == 0 : set < bits->count;
}

/* Per-packet path, after the alert decision. Without a flow there is nothing to change. */
void rule_match_apply_flowbits(const struct rule *rule, struct rule_match_ctx *ctx)
{
	if (!ctx->flowbits || kw_flowbits_index < 0)
		return;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		const struct kw_flowbits *bits = option->data;

		if (option->keyword != kw_flowbits_index)
			continue;
		for (unsigned b = 0; b < bits->count; b++) {
			uint8_t mask = (uint8_t)(1u << (bits->ids[b] % 8));
			uint8_t *byte = &ctx->flowbits[bits->ids[b] / 8];

			if (bits->command == KW_FLOWBITS_SET)
				*byte |= mask;
			else if (bits->command == KW_FLOWBITS_UNSET)
				*byte &= (uint8_t)~mask;
			else if (bits->command == KW_FLOWBITS_TOGGLE)
				*byte ^= mask;
		}
	}
}

bool rule_match_noalert(const struct rule *rule)
{
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];

		if (option->keyword == kw_flowbits_index &&
		    ((const struct kw_flowbits *)option->data)->command == KW_FLOWBITS_NOALERT)
			return true;
	}
	return false;
}

/* ---- flowint: ------------------------------------------------------------ */

/*
 * flowint:NAME,OP[,VALUE]; (Suricata's flow integers): OP is an assignment
 * (=, +, -: applied after the rule matched, as flowbits set) or a test
 * (==, !=, <, <=, >, >=, isset, isnotset or notset). VALUE is a number or
 * the name of another flow integer. A test on a variable not set does not
 * hold (but isnotset); "+" and "-" on one not set start from 0.
 */
enum kw_flowint_op {
	KW_FLOWINT_ASSIGN,
	KW_FLOWINT_ADD,
	KW_FLOWINT_SUB,
	KW_FLOWINT_EQ,
	KW_FLOWINT_NE,
	KW_FLOWINT_LT,
	KW_FLOWINT_LE,
	KW_FLOWINT_GT,
	KW_FLOWINT_GE,
	KW_FLOWINT_ISSET,
	KW_FLOWINT_ISNOTSET,
};

static const struct {
	const char *name;
	enum kw_flowint_op op;
} kw_flowint_ops[] = {
    {"=", KW_FLOWINT_ASSIGN},
    {"+", KW_FLOWINT_ADD},
    {"-", KW_FLOWINT_SUB},
    {"==", KW_FLOWINT_EQ},
    {"!=", KW_FLOWINT_NE},
    {"<", KW_FLOWINT_LT},
    {"<=", KW_FLOWINT_LE},
    {">", KW_FLOWINT_GT},
    {">=", KW_FLOWINT_GE},
    {"isset", KW_FLOWINT_ISSET},
    {"isnotset", KW_FLOWINT_ISNOTSET},
    {"notset", KW_FLOWINT_ISNOTSET},
};

struct kw_flowint {
	enum kw_flowint_op op;
	uint16_t id;
	bool value_is_var; /* value names another flow integer (its id) */
	uint32_t value;
};

static int kw_flowint_index = -1;

static bool kw_flowint_is_test(enum kw_flowint_op op)
{
	return op >= KW_FLOWINT_EQ;
}

/* Split "a, b, c" into at most three trimmed words in buf; returns how many. */
static int kw_flowint_split(char *buf, char *words[3])
{
	int n = 0;
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		w = kw_trim(w);
		if (n == 3 || !*w)
			return -1;
		words[n++] = w;
	}
	return n;
}

static int kw_flowint_value(struct rule_parser *parser, struct kw_flowint *fi, const char *word)
{
	if (isdigit((unsigned char)*word)) {
		char *end;
		unsigned long long v = strtoull(word, &end, 10);
		if (*end || v > UINT32_MAX)
			return -1;
		fi->value = (uint32_t)v;
		return 0;
	}
	if (!kw_flowbits_name_ok(word, strlen(word)))
		return -1;
	int id = rule_parser_flowint(parser, word);
	if (id < 0)
		return -1;
	fi->value_is_var = true;
	fi->value = (uint32_t)id;
	return 0;
}

static int kw_flowint_fill(struct rule_parser *parser, struct kw_flowint *fi, const char *value)
{
	char buf[256], *words[3];
	if (strlen(value) >= sizeof(buf))
		return -1;
	strcpy(buf, value);
	int n = kw_flowint_split(buf, words);
	if (n < 2 || !kw_flowbits_name_ok(words[0], strlen(words[0])))
		return -1;
	size_t i = 0, count = sizeof(kw_flowint_ops) / sizeof(kw_flowint_ops[0]);
	while (i < count && strcmp(kw_flowint_ops[i].name, words[1]) != 0)
		i++;
	if (i == count)
		return -1;
	fi->op = kw_flowint_ops[i].op;
	bool needs_value = fi->op != KW_FLOWINT_ISSET && fi->op != KW_FLOWINT_ISNOTSET;
	if ((n == 3) != needs_value)
		return -1;
	int id = rule_parser_flowint(parser, words[0]);
	if (id < 0)
		return -1;
	fi->id = (uint16_t)id;
	return needs_value ? kw_flowint_value(parser, fi, words[2]) : 0;
}

static int kw_flowint_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_flowint *fi = calloc(1, sizeof(*fi));
	if (!fi)
		return rule_parser_error(parser, "out of memory");
	if (kw_flowint_fill(parser, fi, value) < 0) {
		free(fi);
		return rule_parser_error(parser, "bad value of \"flowint\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, fi)) {
		free(fi);
		return -1;
	}
	return 0;
}

/* The operand: the number, or the other variable's value (false when it is not set). */
static bool kw_flowint_operand(const struct kw_flowint *fi, const struct rule_flowints *ints,
			       uint32_t *out)
{
	if (!fi->value_is_var) {
		*out = fi->value;
		return true;
	}
	return ints->get(ints->owner, (uint16_t)fi->value, out);
}

/* Per-packet path: the tests; assignments always hold here (applied after the match). */
static bool kw_flowint_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_flowint *fi = option->data;
	const struct rule_flowints *ints = ctx->flowints;
	if (!kw_flowint_is_test(fi->op))
		return true;
	if (!ints)
		return false;
	uint32_t have, want;
	bool set = ints->get(ints->owner, fi->id, &have);
	if (fi->op == KW_FLOWINT_ISSET || fi->op == KW_FLOWINT_ISNOTSET)
		return set == (fi->op == KW_FLOWINT_ISSET);
	if (!set || !kw_flowint_operand(fi, ints, &want))
		return false;
	switch (fi->op) {
	case KW_FLOWINT_EQ:
		return have == want;
	case KW_FLOWINT_NE:
		return have != want;
	case KW_FLOWINT_LT:
		return have < want;
	case KW_FLOWINT_LE:
		return have <= want;
	case KW_FLOWINT_GT:
		return have > want;
	default:
		return have >= want;
	}
}

/* Per-packet path, after the alert decision. Without a flow there is nothing to change. */
void rule_match_apply_flowints(const struct rule *rule, const struct rule_match_ctx *ctx)
{
	const struct rule_flowints *ints = ctx->flowints;
	if (!ints || kw_flowint_index < 0)
		return;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const struct rule_option *option = &rule->options[i];
		const struct kw_flowint *fi = option->data;
		uint32_t have = 0, operand;
		if (option->keyword != kw_flowint_index || kw_flowint_is_test(fi->op) ||
		    !kw_flowint_operand(fi, ints, &operand))
			continue;
		ints->get(ints->owner, fi->id, &have);
		if (fi->op == KW_FLOWINT_ADD)
			operand = have + operand;
		else if (fi->op == KW_FLOWINT_SUB)
			operand = have - operand;
		ints->set(ints->owner, fi->id, operand);
	}
}

/* ---- flow.age: ------------------------------------------------------------ */

/* flow.age:N, <N, >N, N-M, ...: whole seconds since the flow's first packet (Suricata 8). */
static int kw_flow_age_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	return kw_compare_add(parser, rule, "flow.age", value, UINT32_MAX);
}

/* Per-packet path; without a flow it does not hold. */
static bool kw_flow_age_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	return (ctx->flow & RULE_MATCH_HAS_FLOW) && kw_compare_match(option->data, ctx->flow_age_s);
}

/* ---- stream_size: --------------------------------------------------------- */

/*
 * stream_size:client|server|both|either,OP,N; with OP one of > < = != >= <=:
 * the bytes a side sent, by TCP sequence numbers from its SYN (its SYN
 * counts one, as in Suricata). Without a TCP flow whose handshake was seen
 * it does not hold.
 */
enum kw_stream_side { KW_STREAM_CLIENT, KW_STREAM_SERVER, KW_STREAM_BOTH, KW_STREAM_EITHER };

struct kw_stream_size {
	enum kw_stream_side side;
	struct kw_compare compare;
};

static int kw_stream_size_fill(struct kw_stream_size *ss, const char *value)
{
	static const char *const sides[] = {"client", "server", "both", "either"};
	static const struct {
		const char *op;
		enum kw_compare_op compare;
	} ops[] = {{">", KW_COMPARE_GT},  {"<", KW_COMPARE_LT},	 {"=", KW_COMPARE_EQ},
		   {"!=", KW_COMPARE_NE}, {">=", KW_COMPARE_GE}, {"<=", KW_COMPARE_LE}};
	char buf[64], *words[3];
	int n = 0;
	if (strlen(value) >= sizeof(buf))
		return -1;
	strcpy(buf, value);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (n == 3)
			return -1;
		words[n++] = kw_trim(w);
	}
	if (n != 3)
		return -1;
	size_t side = 0, op = 0;
	while (side < 4 && strcmp(sides[side], words[0]) != 0)
		side++;
	while (op < sizeof(ops) / sizeof(ops[0]) && strcmp(ops[op].op, words[1]) != 0)
		op++;
	if (side == 4 || op == sizeof(ops) / sizeof(ops[0]))
		return -1;
	char *end;
	unsigned long long number = strtoull(words[2], &end, 10);
	if (!isdigit((unsigned char)*words[2]) || *end || number > UINT32_MAX)
		return -1;
	ss->side = (enum kw_stream_side)side;
	ss->compare = (struct kw_compare){.op = ops[op].compare, .low = (uint32_t)number};
	return 0;
}

static int kw_stream_size_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	struct kw_stream_size *ss = calloc(1, sizeof(*ss));
	if (!ss)
		return rule_parser_error(parser, "out of memory");
	if (kw_stream_size_fill(ss, value) < 0) {
		free(ss);
		return rule_parser_error(parser, "bad value of \"stream_size\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, ss)) {
		free(ss);
		return -1;
	}
	return 0;
}

/* Per-packet path. */
static bool kw_stream_size_match(const struct rule_option *option, const struct rule_match_ctx *ctx)
{
	const struct kw_stream_size *ss = option->data;
	if (!ctx->has_stream_size)
		return false;
	bool client = kw_compare_match(&ss->compare, ctx->stream_size[0]);
	bool server = kw_compare_match(&ss->compare, ctx->stream_size[1]);
	switch (ss->side) {
	case KW_STREAM_CLIENT:
		return client;
	case KW_STREAM_SERVER:
		return server;
	case KW_STREAM_BOTH:
		return client && server;
	default:
		return client || server;
	}
}

void kw_flow_register(void)
{
	static const struct rule_keyword flow = {.name = "flow",
						 .kind = RULE_KW_FLOW,
						 .value = RULE_KW_VALUE_REQUIRED,
						 .parse = kw_flow_parse,
						 .match = kw_flow_match};
	static const struct rule_keyword flowbits = {.name = "flowbits",
						     .kind = RULE_KW_FLOW,
						     .value = RULE_KW_VALUE_REQUIRED,
						     .parse = kw_flowbits_parse,
						     .match = kw_flowbits_match};

	static const struct rule_keyword flowint = {.name = "flowint",
						    .kind = RULE_KW_FLOW,
						    .value = RULE_KW_VALUE_REQUIRED,
						    .parse = kw_flowint_parse,
						    .match = kw_flowint_match};

	static const struct rule_keyword stream_size = {.name = "stream_size",
							.kind = RULE_KW_FLOW,
							.value = RULE_KW_VALUE_REQUIRED,
							.parse = kw_stream_size_parse,
							.match = kw_stream_size_match};

	static const struct rule_keyword flow_age = {.name = "flow.age",
						     .kind = RULE_KW_FLOW,
						     .value = RULE_KW_VALUE_REQUIRED,
						     .parse = kw_flow_age_parse,
						     .match = kw_flow_age_match};

	rule_keyword_register(&flow_age);
	rule_keyword_register(&stream_size);
	rule_keyword_register(&flow);
	kw_flowbits_index = rule_keyword_register(&flowbits);
	kw_flowint_index = rule_keyword_register(&flowint);
}
