/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule parser: Suricata rule text to struct rule. The header (action,
 * protocol, addresses, ports, direction) is parsed here, variables expanded
 * and nested, negated lists flattened; the options are split here and each
 * handed to its keyword's parse function (keyword.h), which fills the rule
 * or adds an option. What a keyword's value means is left to its family's
 * file; what a rule does with a packet is left to the compiler
 * (rules/compile/) and the matcher (rules/match/).
 *
 * Option values reach a keyword's parse function trimmed, and when the whole
 * value is one quoted string ("..."), without the surrounding quotes;
 * escapes (\" \; \\ \:) and |hex| are left as written for the keyword to
 * decode. A negated value (!"...") is passed as written, quotes included, so
 * a value starting with !" is always the negated form. A value ends at the
 * first ';' not escaped by '\', inside quotes or not, as in Suricata, and
 * every option ends with one, the last included. What would make a rule
 * mean something other than what was written is refused, never guessed: a
 * quoted value with anything but blanks after its closing quote, an
 * unclosed quote, two options with no ';' between them. The same gid:sid
 * read twice keeps one rule (rule_list_refuse_duplicates()).
 *
 * Runs at start-up or on the control lcore; allocates freely.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lang/ipset_lookup.h"
#include "rules/lang/keyword.h"
#include "rules/lang/parse.h"

#define PARSE_VAR_DEPTH_MAX 16 /* variables naming variables: stop loops */
#define PARSE_REASON_MAX    512

struct parse_var {
	char *name;
	char *value;
};

struct parse_classtype {
	char *name;
	char *text; /* the description, for alerts' category */
	int priority;
};

struct rule_parser {
	struct parse_var *vars;
	unsigned var_count;
	struct parse_classtype *classtypes;
	unsigned classtype_count;
	char *flowbits[RULE_MAX_FLOWBITS];
	unsigned flowbit_count;
	char *flowvars[RULE_MAX_FLOWVARS];
	unsigned flowvar_count;
	char *flowints[RULE_MAX_FLOWINTS];
	unsigned flowint_count;
	char *xbits[RULE_MAX_XBITS];
	unsigned xbit_count;
	const struct rule_ipset_lookup *ipsets; /* "@NAME" in address lists; NULL: none */

	/* the rule being parsed */
	int keyword;	   /* index of the keyword whose value is being parsed */
	int buffer;	   /* enum rule_buffer in effect */
	uint8_t instance;  /* statement of the multi-buffer in effect (rule_option.instance) */
	uint8_t instances; /* statements of multi-buffers so far in the rule */
	char *byte_vars[RULE_MAX_BYTE_VARS];
	bool error_set;
	char reason[PARSE_REASON_MAX];
	struct rule_load_error last_error;
};

/* Suricata's default suricata.yaml address-groups and port-groups. */
static const char *const parse_default_vars[][2] = {
    {"HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"},
    {"EXTERNAL_NET", "!$HOME_NET"},
    {"HTTP_SERVERS", "$HOME_NET"},
    {"SMTP_SERVERS", "$HOME_NET"},
    {"SQL_SERVERS", "$HOME_NET"},
    {"DNS_SERVERS", "$HOME_NET"},
    {"TELNET_SERVERS", "$HOME_NET"},
    {"AIM_SERVERS", "$EXTERNAL_NET"},
    {"DC_SERVERS", "$HOME_NET"},
    {"DNP3_SERVER", "$HOME_NET"},
    {"DNP3_CLIENT", "$HOME_NET"},
    {"MODBUS_CLIENT", "$HOME_NET"},
    {"MODBUS_SERVER", "$HOME_NET"},
    {"ENIP_CLIENT", "$HOME_NET"},
    {"ENIP_SERVER", "$HOME_NET"},
    {"HTTP_PORTS", "80"},
    {"SHELLCODE_PORTS", "!80"},
    {"ORACLE_PORTS", "1521"},
    {"SSH_PORTS", "22"},
    {"DNP3_PORTS", "20000"},
    {"MODBUS_PORTS", "502"},
    {"FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
    {"FTP_PORTS", "21"},
    {"GENEVE_PORTS", "6081"},
    {"VXLAN_PORTS", "4789"},
    {"TEREDO_PORTS", "3544"},
};

/* ---- small string helpers --------------------------------------------- */

static const char *parse_skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

static void parse_trim(const char **start, const char **end)
{
	*start = parse_skip_space(*start, *end);
	while (*end > *start && isspace((unsigned char)(*end)[-1]))
		(*end)--;
}

static char *parse_strndup(const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* Blanks off both ends of a writable string; returns its new start. */
static char *parse_trim_in_place(char *s)
{
	char *end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* ---- parser life ------------------------------------------------------- */

struct rule_parser *rule_parser_create(void)
{
	struct rule_parser *parser = calloc(1, sizeof(*parser));
	size_t n = sizeof(parse_default_vars) / sizeof(parse_default_vars[0]);

	if (!parser)
		return NULL;
	rule_keywords_init();
	for (size_t i = 0; i < n; i++) {
		if (rule_parser_set_var(parser, parse_default_vars[i][0],
					parse_default_vars[i][1]) < 0) {
			rule_parser_destroy(parser);
			return NULL;
		}
	}
	return parser;
}

static void parse_byte_vars_clear(struct rule_parser *parser)
{
	for (unsigned i = 0; i < RULE_MAX_BYTE_VARS; i++) {
		free(parser->byte_vars[i]);
		parser->byte_vars[i] = NULL;
	}
}

static void parse_last_error_clear(struct rule_parser *parser)
{
	free(parser->last_error.file);
	free(parser->last_error.reason);
	free(parser->last_error.group);
	memset(&parser->last_error, 0, sizeof(parser->last_error));
}

void rule_parser_destroy(struct rule_parser *parser)
{
	if (!parser)
		return;
	for (unsigned i = 0; i < parser->var_count; i++) {
		free(parser->vars[i].name);
		free(parser->vars[i].value);
	}
	free(parser->vars);
	for (unsigned i = 0; i < parser->classtype_count; i++) {
		free(parser->classtypes[i].name);
		free(parser->classtypes[i].text);
	}
	free(parser->classtypes);
	for (unsigned i = 0; i < parser->flowbit_count; i++)
		free(parser->flowbits[i]);
	for (unsigned i = 0; i < parser->flowvar_count; i++)
		free(parser->flowvars[i]);
	for (unsigned i = 0; i < parser->flowint_count; i++)
		free(parser->flowints[i]);
	for (unsigned i = 0; i < parser->xbit_count; i++)
		free(parser->xbits[i]);
	parse_byte_vars_clear(parser);
	parse_last_error_clear(parser);
	free(parser);
}

static struct parse_var *parse_var_find(struct rule_parser *parser, const char *name, size_t len)
{
	for (unsigned i = 0; i < parser->var_count; i++) {
		struct parse_var *var = &parser->vars[i];

		if (strlen(var->name) == len && memcmp(var->name, name, len) == 0)
			return var;
	}
	return NULL;
}

/* The value is checked where it is used: in an address or in a port position. */
int rule_parser_set_var(struct rule_parser *parser, const char *name, const char *value)
{
	struct parse_var *var = parse_var_find(parser, name, strlen(name));
	char *copy;

	if (!*name || !*value)
		return -EINVAL;
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	if (var) {
		free(var->value);
		var->value = copy;
		return 0;
	}
	var = realloc(parser->vars, (parser->var_count + 1) * sizeof(*var));
	if (!var) {
		free(copy);
		return -ENOMEM;
	}
	parser->vars = var;
	var = &parser->vars[parser->var_count];
	var->name = strdup(name);
	var->value = copy;
	if (!var->name) {
		free(copy);
		return -ENOMEM;
	}
	parser->var_count++;
	return 0;
}

void rule_parser_set_ipsets(struct rule_parser *parser, const struct rule_ipset_lookup *ipsets)
{
	parser->ipsets = ipsets;
}

/* ---- classification.config -------------------------------------------- */

static struct parse_classtype *parse_classtype_find(const struct rule_parser *parser,
						    const char *name)
{
	for (unsigned i = 0; i < parser->classtype_count; i++) {
		if (strcmp(parser->classtypes[i].name, name) == 0)
			return &parser->classtypes[i];
	}
	return NULL;
}

/* A name given again replaces the earlier line, as a later config line does in Suricata. */
static int parse_classtype_add(struct rule_parser *parser, const char *name, const char *text,
			       int priority)
{
	struct parse_classtype *classtype = parse_classtype_find(parser, name);
	char *text_copy = strdup(text);

	if (!text_copy)
		return -ENOMEM;
	if (!classtype) {
		classtype =
		    realloc(parser->classtypes, (parser->classtype_count + 1) * sizeof(*classtype));
		if (!classtype) {
			free(text_copy);
			return -ENOMEM;
		}
		parser->classtypes = classtype;
		classtype += parser->classtype_count;
		classtype->name = strdup(name);
		classtype->text = NULL;
		if (!classtype->name) {
			free(text_copy);
			return -ENOMEM;
		}
		parser->classtype_count++;
	}
	free(classtype->text);
	classtype->text = text_copy;
	classtype->priority = priority;
	return 0;
}

/* One line "config classification: name,description,priority"; 1 when it is not one. */
static int parse_classification_line(struct rule_parser *parser, char *line)
{
	static const char prefix[] = "config classification:";
	char *name, *description, *priority, *end;
	long value;

	line += strspn(line, " \t");
	if (!*line || *line == '#' || *line == '\n' || *line == '\r')
		return 1;
	if (strncmp(line, prefix, sizeof(prefix) - 1) != 0)
		return -EINVAL;
	name = line + sizeof(prefix) - 1;
	description = strchr(name, ',');
	priority = description ? strrchr(description + 1, ',') : NULL;
	if (!priority)
		return -EINVAL;
	*description++ = '\0';
	*priority = '\0';
	name = parse_trim_in_place(name);
	description = parse_trim_in_place(description);
	value = strtol(priority + 1, &end, 10);
	end += strspn(end, " \t\r\n");
	if (!*name || *end || value < 1 || value > 255)
		return -EINVAL;
	return parse_classtype_add(parser, name, description, (int)value);
}

int rule_parser_load_classification(struct rule_parser *parser, const char *path, char *err,
				    size_t err_len)
{
	FILE *file = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned number = 0;
	int rc = 0;

	if (!file) {
		rc = -errno;
		snprintf(err, err_len, "%s: error: cannot read: %s", path, strerror(-rc));
		return rc;
	}
	while (getline(&line, &cap, file) >= 0) {
		number++;
		rc = parse_classification_line(parser, line);
		if (rc < 0) {
			snprintf(err, err_len,
				 "%s:%u: error: expected \"config classification: "
				 "name,description,priority\"",
				 path, number);
			break;
		}
		rc = 0;
	}
	free(line);
	fclose(file);
	return rc;
}

int rule_parser_classtype_priority(const struct rule_parser *parser, const char *name)
{
	const struct parse_classtype *classtype = parse_classtype_find(parser, name);

	/* Without a classification file any classtype is taken as written, with no priority. */
	if (!classtype)
		return parser->classtype_count ? -1 : 0;
	return classtype->priority;
}

const char *rule_parser_classtype_text(const struct rule_parser *parser, const char *name)
{
	const struct parse_classtype *classtype = parse_classtype_find(parser, name);

	return classtype ? classtype->text : NULL;
}

/* ---- what keyword parse functions call --------------------------------- */

int rule_parser_error(struct rule_parser *parser, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(parser->reason, sizeof(parser->reason), fmt, args);
	va_end(args);
	parser->error_set = true;
	return -EINVAL;
}

/*
 * The option is appended to rule->options, which may move: the pointer is
 * good until the next option is added. NULL when out of memory; data then
 * still belongs to the caller.
 */
struct rule_option *rule_parser_add_option(struct rule_parser *parser, struct rule *rule,
					   void *data)
{
	struct rule_option *options;

	options = realloc(rule->options, (rule->option_count + 1) * sizeof(*options));
	if (!options) {
		rule_parser_error(parser, "out of memory");
		return NULL;
	}
	rule->options = options;
	options += rule->option_count++;
	options->keyword = (uint16_t)parser->keyword;
	options->buffer = (uint16_t)parser->buffer;
	options->instance = parser->buffer >= 0 && parser->buffer < RULE_BUFFER_COUNT &&
				    rule_buffer_multi[parser->buffer]
				? parser->instance
				: 0;
	options->data = data;
	return options;
}

static bool parse_name_in(const char *name, const char *const *names)
{
	for (; *names; names++) {
		if (strcmp(name, *names) == 0)
			return true;
	}
	return false;
}

struct rule_option *rule_parser_last_option(struct rule_parser *parser, struct rule *rule,
					    const char *const *names)
{
	(void)parser;
	for (unsigned i = rule->option_count; i-- > 0;) {
		struct rule_option *option = &rule->options[i];

		if (parse_name_in(rule_keywords[option->keyword].name, names))
			return option;
	}
	return NULL;
}

void rule_parser_set_buffer(struct rule_parser *parser, int buffer)
{
	parser->buffer = buffer;
	parser->instance = 0;
}

int rule_parser_buffer(const struct rule_parser *parser)
{
	return parser->buffer;
}

/*
 * The id of name in a name table (flowbits, flow variables), added on
 * first sight; -1 when max names are taken or out of memory.
 */
static int parse_name_id(char **names, unsigned *count, unsigned max, const char *name)
{
	for (unsigned i = 0; i < *count; i++) {
		if (strcmp(names[i], name) == 0)
			return (int)i;
	}
	if (*count >= max)
		return -1;
	names[*count] = strdup(name);
	if (!names[*count])
		return -1;
	return (int)(*count)++;
}

int rule_parser_flowbit(struct rule_parser *parser, const char *name)
{
	return parse_name_id(parser->flowbits, &parser->flowbit_count, RULE_MAX_FLOWBITS, name);
}

unsigned rule_parser_flowbit_count(const struct rule_parser *parser)
{
	return parser->flowbit_count;
}

const char *rule_parser_flowbit_name(const struct rule_parser *parser, unsigned bit)
{
	return bit < parser->flowbit_count ? parser->flowbits[bit] : NULL;
}

int rule_parser_flowvar(struct rule_parser *parser, const char *name)
{
	return parse_name_id(parser->flowvars, &parser->flowvar_count, RULE_MAX_FLOWVARS, name);
}

int rule_parser_flowint(struct rule_parser *parser, const char *name)
{
	return parse_name_id(parser->flowints, &parser->flowint_count, RULE_MAX_FLOWINTS, name);
}

int rule_parser_xbit(struct rule_parser *parser, const char *name)
{
	return parse_name_id(parser->xbits, &parser->xbit_count, RULE_MAX_XBITS, name);
}

unsigned rule_parser_flowvar_count(const struct rule_parser *parser)
{
	return parser->flowvar_count;
}

const char *rule_parser_flowvar_name(const struct rule_parser *parser, unsigned var)
{
	return var < parser->flowvar_count ? parser->flowvars[var] : NULL;
}

/*
 * define: a new variable (byte_extract); -1 when the name is taken or all
 * slots are. Otherwise the slot of an existing variable, or -1.
 */
int rule_parser_byte_var(struct rule_parser *parser, const char *name, bool define)
{
	for (int i = 0; i < RULE_MAX_BYTE_VARS; i++) {
		if (parser->byte_vars[i] && strcmp(parser->byte_vars[i], name) == 0)
			return define ? -1 : i;
	}
	if (!define)
		return -1;
	for (int i = 0; i < RULE_MAX_BYTE_VARS; i++) {
		if (!parser->byte_vars[i]) {
			parser->byte_vars[i] = strdup(name);
			return parser->byte_vars[i] ? i : -1;
		}
	}
	return -1;
}

/* ---- address and port lists -------------------------------------------- */

/*
 * A list is walked once; every leaf (an address or a port item) reaches a
 * leaf function with the parity of the '!' above it. Variables are expanded
 * in place. Suricata's "![a,!b]" thus puts a in exclude and b in include.
 */
typedef int (*parse_leaf_fn)(struct rule_parser *parser, const char *s, size_t len, bool negated,
			     void *set);

struct parse_walk {
	struct rule_parser *parser;
	parse_leaf_fn leaf;
	void *set;
	const char *what; /* "address" or "port", for messages */
};

static int parse_list_walk(struct parse_walk *walk, const char *s, const char *end, bool negated,
			   int depth);

static int parse_list_var(struct parse_walk *walk, const char *s, const char *end, bool negated,
			  int depth)
{
	struct parse_var *var = parse_var_find(walk->parser, s + 1, (size_t)(end - s - 1));

	if (!var)
		return rule_parser_error(walk->parser, "unknown variable \"%.*s\"", (int)(end - s),
					 s);
	if (depth >= PARSE_VAR_DEPTH_MAX)
		return rule_parser_error(walk->parser, "variable \"%.*s\" nests too deep",
					 (int)(end - s), s);
	return parse_list_walk(walk, var->value, var->value + strlen(var->value), negated,
			       depth + 1);
}

/* The items of "[a, b, [c]]": split on the commas outside inner brackets. */
static int parse_list_items(struct parse_walk *walk, const char *s, const char *end, bool negated,
			    int depth)
{
	const char *item = s;
	int nesting = 0;

	for (const char *p = s; p <= end; p++) {
		if (p < end && *p == '[')
			nesting++;
		else if (p < end && *p == ']')
			nesting--;
		if (p < end && (*p != ',' || nesting > 0))
			continue;
		int rc = parse_list_walk(walk, item, p, negated, depth);

		if (rc < 0)
			return rc;
		item = p + 1;
	}
	return 0;
}

/* The ']' that closes the '[' at s, or NULL. */
static const char *parse_list_close(const char *s, const char *end)
{
	int nesting = 0;

	for (const char *p = s; p < end; p++) {
		if (*p == '[')
			nesting++;
		else if (*p == ']' && --nesting == 0)
			return p;
	}
	return NULL;
}

static int parse_list_walk(struct parse_walk *walk, const char *s, const char *end, bool negated,
			   int depth)
{
	parse_trim(&s, &end);
	if (s == end)
		return rule_parser_error(walk->parser, "empty %s in list", walk->what);
	if (*s == '!')
		return parse_list_walk(walk, s + 1, end, !negated, depth);
	if (*s == '$')
		return parse_list_var(walk, s, end, negated, depth);
	if (*s != '[')
		return walk->leaf(walk->parser, s, (size_t)(end - s), negated, walk->set);
	if (parse_list_close(s, end) != end - 1)
		return rule_parser_error(walk->parser, "unbalanced brackets in %s list \"%.*s\"",
					 walk->what, (int)(end - s), s);
	return parse_list_items(walk, s + 1, end - 1, negated, depth);
}

/* Append one element of size bytes to a growing array; -ENOMEM on failure. */
static int parse_append(void **array, unsigned *count, size_t size, const void *element)
{
	char *grown = realloc(*array, (*count + 1) * size);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + *count * size, element, size);
	*array = grown;
	(*count)++;
	return 0;
}

static void parse_cidr_mask(struct rule_cidr *cidr)
{
	unsigned bits = cidr->family == 4 ? 32 : 128;

	for (unsigned bit = cidr->prefix_len; bit < bits; bit++)
		cidr->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
}

/* "/24", or an IPv4 netmask "/255.255.255.0" (contiguous only). */
static int parse_cidr_prefix(struct rule_cidr *cidr, const char *text)
{
	unsigned bits = cidr->family == 4 ? 32 : 128;
	uint8_t mask[4];
	char *end;
	unsigned long len;

	if (cidr->family == 4 && strchr(text, '.')) {
		if (inet_pton(AF_INET, text, mask) != 1)
			return -EINVAL;
		uint32_t m = (uint32_t)mask[0] << 24 | (uint32_t)mask[1] << 16 |
			     (uint32_t)mask[2] << 8 | mask[3];
		uint32_t ones = (uint32_t)__builtin_popcount(m);

		if (ones < 32 && (m << ones) != 0)
			return -EINVAL;
		cidr->prefix_len = (uint8_t)ones;
		return 0;
	}
	if (!isdigit((unsigned char)*text))
		return -EINVAL;
	len = strtoul(text, &end, 10);
	if (*end || len > bits)
		return -EINVAL;
	cidr->prefix_len = (uint8_t)len;
	return 0;
}

static int parse_cidr(struct rule_cidr *cidr, const char *s, size_t len)
{
	char text[64];
	char *slash;

	if (len == 0 || len >= sizeof(text))
		return -EINVAL;
	memcpy(text, s, len);
	text[len] = '\0';
	memset(cidr, 0, sizeof(*cidr));
	slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, text, cidr->addr) == 1)
		cidr->family = 4;
	else if (inet_pton(AF_INET6, text, cidr->addr) == 1)
		cidr->family = 6;
	else
		return -EINVAL;
	cidr->prefix_len = cidr->family == 4 ? 32 : 128;
	if (slash && parse_cidr_prefix(cidr, slash + 1) < 0)
		return -EINVAL;
	parse_cidr_mask(cidr);
	return 0;
}

/*
 * "@NAME": a named IP set of the filter file, kept by name and looked up at
 * match time (rules/lang/ipset_lookup.h), so a million prefixes cost the rule
 * one pointer and a name. A name no set has is refused here, not at match
 * time, so the operator hears of a typo when the rules load.
 */
static int parse_addr_group(struct rule_parser *parser, const char *s, size_t len, bool negated,
			    struct rule_addr_set *set)
{
	char name[RULE_IPSET_NAME_MAX];

	if (len < 2 || len - 1 >= sizeof(name))
		return rule_parser_error(parser, "bad IP set name \"%.*s\"", (int)len, s);
	memcpy(name, s + 1, len - 1);
	name[len - 1] = '\0';
	if (!parser->ipsets)
		return rule_parser_error(
		    parser, "unknown IP set \"%s\": no filter file defines IP sets", name);
	uint64_t key = 0;
	if (parser->ipsets->find(parser->ipsets->ctx, name, &key) < 0)
		return rule_parser_error(parser,
					 "unknown IP set \"%s\": the filter file has no "
					 "\"ipset %s\"",
					 name, name);
	struct rule_addr_group group = {strdup(name), key, parser->ipsets};
	if (!group.name)
		return -ENOMEM;
	int rc = negated ? parse_append((void **)&set->exclude_groups, &set->exclude_group_count,
					sizeof(group), &group)
			 : parse_append((void **)&set->include_groups, &set->include_group_count,
					sizeof(group), &group);
	if (rc < 0)
		free(group.name);
	return rc;
}

static int parse_addr_leaf(struct rule_parser *parser, const char *s, size_t len, bool negated,
			   void *opaque)
{
	struct rule_addr_set *set = opaque;
	struct rule_cidr cidr;

	if (*s == '@')
		return parse_addr_group(parser, s, len, negated, set);

	if (len == 3 && strncasecmp(s, "any", 3) == 0) {
		if (negated)
			return rule_parser_error(parser, "bad address \"!any\": matches nothing");
		set->include_any = true;
		return 0;
	}
	if (parse_cidr(&cidr, s, len) < 0)
		return rule_parser_error(parser, "bad address \"%.*s\"", (int)len, s);
	if (negated)
		return parse_append((void **)&set->exclude, &set->exclude_count, sizeof(cidr),
				    &cidr);
	return parse_append((void **)&set->include, &set->include_count, sizeof(cidr), &cidr);
}

static int parse_port_number(const char *s, const char *end, uint16_t *port)
{
	unsigned long value = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		value = value * 10 + (unsigned long)(*s - '0');
		if (value > 65535)
			return -EINVAL;
	}
	*port = (uint16_t)value;
	return 0;
}

/* "80", "1024:", ":80", "1:1024". */
static int parse_port_range(struct rule_port_range *range, const char *s, size_t len)
{
	const char *end = s + len;
	const char *colon = memchr(s, ':', len);

	if (!colon) {
		if (parse_port_number(s, end, &range->low) < 0)
			return -EINVAL;
		range->high = range->low;
		return 0;
	}
	range->low = 0;
	range->high = 65535;
	if (colon > s && parse_port_number(s, colon, &range->low) < 0)
		return -EINVAL;
	if (colon + 1 < end && parse_port_number(colon + 1, end, &range->high) < 0)
		return -EINVAL;
	if (colon == s && colon + 1 == end)
		return -EINVAL;
	return range->low <= range->high ? 0 : -EINVAL;
}

static int parse_port_leaf(struct rule_parser *parser, const char *s, size_t len, bool negated,
			   void *opaque)
{
	struct rule_port_set *set = opaque;
	struct rule_port_range range;

	if (len == 3 && strncasecmp(s, "any", 3) == 0) {
		if (negated)
			return rule_parser_error(parser, "bad port \"!any\": matches nothing");
		set->include_any = true;
		return 0;
	}
	if (parse_port_range(&range, s, len) < 0)
		return rule_parser_error(parser, "bad port \"%.*s\"", (int)len, s);
	if (negated)
		return parse_append((void **)&set->exclude, &set->exclude_count, sizeof(range),
				    &range);
	return parse_append((void **)&set->include, &set->include_count, sizeof(range), &range);
}

/* Only excludes: everything but those. Nothing at all: an error. */
static int parse_set_finish(struct rule_parser *parser, bool *include_any, unsigned includes,
			    unsigned excludes, const char *what, const char *text)
{
	if (*include_any || includes)
		return 0;
	if (!excludes)
		return rule_parser_error(parser, "empty %s list \"%s\"", what, text);
	*include_any = true;
	return 0;
}

static int parse_addr_set(struct rule_parser *parser, struct rule_addr_set *set, const char *text)
{
	struct parse_walk walk = {parser, parse_addr_leaf, set, "address"};
	int rc = parse_list_walk(&walk, text, text + strlen(text), false, 0);

	if (rc == -ENOMEM)
		return rule_parser_error(parser, "out of memory");
	if (rc < 0)
		return rc;
	return parse_set_finish(parser, &set->include_any,
				set->include_count + set->include_group_count,
				set->exclude_count + set->exclude_group_count, "address", text);
}

int rule_parser_addr_set(struct rule_parser *parser, const char *text, struct rule_addr_set *set,
			 char *err, size_t err_len)
{
	parser->error_set = false;
	memset(set, 0, sizeof(*set));
	int rc = parse_addr_set(parser, set, text);
	if (rc < 0) {
		snprintf(err, err_len, "%s",
			 parser->error_set ? parser->reason : "bad address list");
		rule_addr_set_free(set);
	}
	return rc;
}

static int parse_port_set(struct rule_parser *parser, struct rule_port_set *set, const char *text)
{
	struct parse_walk walk = {parser, parse_port_leaf, set, "port"};
	int rc = parse_list_walk(&walk, text, text + strlen(text), false, 0);

	if (rc == -ENOMEM)
		return rule_parser_error(parser, "out of memory");
	if (rc < 0)
		return rc;
	return parse_set_finish(parser, &set->include_any, set->include_count, set->exclude_count,
				"port", text);
}

/* ---- the header --------------------------------------------------------- */

#define PARSE_HEADER_TOKENS 7

/*
 * Split "action proto src sport dir dst dport" on blanks outside brackets
 * (so "[1.2.3.4, 5.6.7.8]" is one token); stops at the '(' of the options.
 * Tokens are copied into one buffer the caller frees.
 */
static int parse_header_split(struct rule_parser *parser, const char *text, char **storage,
			      char *tokens[PARSE_HEADER_TOKENS], const char **options)
{
	const char *p = text;
	char *out = *storage = malloc(strlen(text) + PARSE_HEADER_TOKENS + 1);
	int count = 0;

	if (!out)
		return rule_parser_error(parser, "out of memory");
	for (;;) {
		int nesting = 0;

		p += strspn(p, " \t\r\n");
		if (!*p || *p == '(')
			break;
		if (count == PARSE_HEADER_TOKENS)
			return rule_parser_error(parser,
						 "bad header: too many fields before \"(\"");
		tokens[count++] = out;
		for (; *p && (nesting > 0 || (!isspace((unsigned char)*p) && *p != '(')); p++) {
			nesting += *p == '[' ? 1 : *p == ']' ? -1 : 0;
			*out++ = *p;
		}
		*out++ = '\0';
		if (nesting > 0)
			return rule_parser_error(parser, "bad header: unbalanced \"[\" in \"%s\"",
						 tokens[count - 1]);
	}
	if (count < PARSE_HEADER_TOKENS)
		return rule_parser_error(parser, "bad header: %d of 7 fields before \"(\"", count);
	if (*p != '(')
		return rule_parser_error(parser, "missing option list: no \"(\" after the header");
	*options = p;
	return 0;
}

static int parse_action(struct rule_parser *parser, struct rule *rule, const char *name)
{
	for (int i = 0; i < RULE_ACTION_COUNT; i++) {
		if (strcmp(rule_action_name[i], name) == 0) {
			rule->action = (enum rule_action)i;
			return 0;
		}
	}
	return rule_parser_error(parser, "unknown action \"%s\"", name);
}

static int parse_proto(struct rule_parser *parser, struct rule *rule, const char *name)
{
	for (int i = 0; i < RULE_PROTO_COUNT; i++) {
		if (strcasecmp(rule_proto_name[i], name) == 0) {
			rule->proto = (enum rule_proto)i;
			return 0;
		}
	}
	return rule_parser_error(parser, "unknown protocol \"%s\"", name);
}

static int parse_direction(struct rule_parser *parser, struct rule *rule, const char *text)
{
	if (strcmp(text, "->") == 0)
		return 0;
	if (strcmp(text, "<>") == 0) {
		rule->bidirectional = true;
		return 0;
	}
	return rule_parser_error(parser, "bad direction \"%s\": expected \"->\" or \"<>\"", text);
}

static int parse_header(struct rule_parser *parser, struct rule *rule, const char *text,
			const char **options)
{
	char *tokens[PARSE_HEADER_TOKENS];
	char *storage = NULL;
	int rc = parse_header_split(parser, text, &storage, tokens, options);

	if (rc == 0)
		rc = parse_action(parser, rule, tokens[0]);
	if (rc == 0)
		rc = parse_proto(parser, rule, tokens[1]);
	if (rc == 0)
		rc = parse_addr_set(parser, &rule->src_addr, tokens[2]);
	if (rc == 0)
		rc = parse_port_set(parser, &rule->src_port, tokens[3]);
	if (rc == 0)
		rc = parse_direction(parser, rule, tokens[4]);
	if (rc == 0)
		rc = parse_addr_set(parser, &rule->dst_addr, tokens[5]);
	if (rc == 0)
		rc = parse_port_set(parser, &rule->dst_port, tokens[6]);
	free(storage);
	return rc;
}

/* ---- the options -------------------------------------------------------- */

/* The end of a value: the first ';' not escaped by '\', or end. */
static const char *parse_value_end(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == ';')
			return p;
	}
	return end;
}

/* Whole value one quoted string: drop the quotes. The last '"' must not be escaped. */
static void parse_value_unquote(const char **start, const char **end)
{
	const char *p;
	size_t backslashes = 0;

	if (*end - *start < 2 || **start != '"' || (*end)[-1] != '"')
		return;
	for (p = *end - 2; p > *start && *p == '\\'; p--)
		backslashes++;
	if (backslashes % 2)
		return;
	(*start)++;
	(*end)--;
}

/* The end of the word of keyword-name characters at p (p itself when there is none). */
static const char *parse_word_end(const char *p, const char *end)
{
	while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-'))
		p++;
	return p;
}

/* The keyword named by [word, word_end), or NULL. */
static const struct rule_keyword *parse_keyword_named(const char *word, const char *word_end)
{
	char name[64];
	size_t len = (size_t)(word_end - word);

	if (len == 0 || len >= sizeof(name))
		return NULL;
	memcpy(name, word, len);
	name[len] = '\0';
	return rule_keyword_find(name, NULL);
}

static int parse_missing_semicolon(struct rule_parser *parser, const char *name, size_t name_len,
				   const char *next, const char *next_end)
{
	return rule_parser_error(parser, "missing \";\" between options: \"%.*s\" and \"%.*s\"",
				 (int)name_len, name, (int)(next_end - next), next);
}

/*
 * The option name run into a quoted value at the unescaped '"' at quote:
 * blanks, a keyword's name, blanks, ':' (msg:"x" content:"y";), or NULL.
 * A '"' inside a value is no error by itself: ET Open's pcre values hold
 * them unescaped ("/(%22|")org/"), and Suricata takes those.
 */
static const char *parse_run_in_option(const char *quote, const char *end, const char **word_end)
{
	const char *word = parse_skip_space(quote + 1, end);
	const char *after;

	*word_end = parse_word_end(word, end);
	after = parse_skip_space(*word_end, end);
	if (after == end || *after != ':' || !parse_keyword_named(word, *word_end))
		return NULL;
	return word;
}

/*
 * A quoted value ("..." or !"...", trimmed, up to its ';') must end with
 * an unescaped '"', as Suricata requires: '\' escapes the character after
 * it, so \" does not end it and \\" does. Text after the last quote is a
 * second option run into this one (content:"a" nocase;) or stray
 * (content:"a"b;); an option name after an inner quote is two options
 * with no ';' between them, which would otherwise load as one msg: with
 * the next option inside it. ended_at_semicolon: the value was cut by a
 * ';', so an unclosed quote may be a ';' meant to be inside it.
 */
static int parse_quoted_value_check(struct rule_parser *parser, const char *name, size_t name_len,
				    const char *open, const char *end, bool ended_at_semicolon)
{
	const char *close = NULL, *rest, *word, *word_end;

	for (const char *p = open + 1; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			close = p;
	}
	if (!close && end[-1] == '"')
		return rule_parser_error(parser,
					 "unterminated quote in the value of \"%.*s\": its last "
					 "quote is escaped (\\\")",
					 (int)name_len, name);
	if (!close && ended_at_semicolon)
		return rule_parser_error(parser,
					 "unterminated quote in the value of \"%.*s\": a \";\" "
					 "inside quotes is written \"\\;\"",
					 (int)name_len, name);
	if (!close)
		return rule_parser_error(parser, "unterminated quote in the value of \"%.*s\"",
					 (int)name_len, name);
	rest = parse_skip_space(close + 1, end);
	if (rest < end) {
		word_end = parse_word_end(rest, end);
		if (rest > close + 1 && parse_keyword_named(rest, word_end))
			return parse_missing_semicolon(parser, name, name_len, rest, word_end);
		return rule_parser_error(parser,
					 "text after the closing quote of \"%.*s\": \"%.*s\"",
					 (int)name_len, name, (int)(end - rest), rest);
	}
	for (const char *p = open + 1; p < close; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"' && (word = parse_run_in_option(p, close, &word_end)))
			return parse_missing_semicolon(parser, name, name_len, word, word_end);
	}
	return 0;
}

/*
 * An unquoted value may hold blanks ("established, to_server", metadata),
 * so a second option run into it is found by its shape: a blank, then a
 * known keyword's name followed by ':' (sid:1 rev:2;). Other words are
 * left alone: metadata and reference values are free text.
 */
static int parse_plain_value_check(struct rule_parser *parser, const char *name, size_t name_len,
				   const char *value, const char *end)
{
	if (!memchr(value, ':', (size_t)(end - value)))
		return 0; /* most values: no option can be run into them */
	for (const char *p = value + 1; p < end; p++) {
		const char *word_end, *after;

		if (!isspace((unsigned char)p[-1]) || isspace((unsigned char)*p))
			continue;
		word_end = parse_word_end(p, end);
		after = parse_skip_space(word_end, end);
		if (word_end > p && after < end && *after == ':' &&
		    parse_keyword_named(p, word_end))
			return parse_missing_semicolon(parser, name, name_len, p, word_end);
	}
	return 0;
}

/*
 * A value its keyword refused, whose last word is a keyword that may stand
 * alone (depth:4 nocase;): the refusal is a missing ';', which says more
 * than 'bad value of "depth"'. Only asked after a refusal, because free
 * text (metadata:attack_class xss;) may end in such a word, and only for
 * values without quotes, whose words are the rule's and not a string's.
 */
static void parse_refused_value_explain(struct rule_parser *parser, const char *name,
					size_t name_len, const char *value, const char *end)
{
	const char *word = end;
	const struct rule_keyword *keyword;

	while (word > value && !isspace((unsigned char)word[-1]))
		word--;
	if (word == value || parse_word_end(word, end) != end)
		return;
	keyword = parse_keyword_named(word, end);
	if (keyword && keyword->value != RULE_KW_VALUE_REQUIRED)
		parse_missing_semicolon(parser, name, name_len, word, end);
}

/* value..end: the trimmed value, before any quotes are dropped. */
static int parse_value_check(struct rule_parser *parser, const char *name, size_t name_len,
			     const char *value, const char *end, bool ended_at_semicolon)
{
	const char *quote = value;

	if (quote < end && *quote == '!')
		quote = parse_skip_space(quote + 1, end);
	if (quote < end && *quote == '"')
		return parse_quoted_value_check(parser, name, name_len, quote, end,
						ended_at_semicolon);
	return parse_plain_value_check(parser, name, name_len, value, end);
}

/* A name with a blank in it is two options without the ';' between them (nocase content:"a";). */
static int parse_name_check(struct rule_parser *parser, const char *name, const char *name_end)
{
	const char *first_end = name, *next, *next_end;

	while (first_end < name_end && !isspace((unsigned char)*first_end))
		first_end++;
	if (first_end == name_end)
		return 0;
	next = parse_skip_space(first_end, name_end);
	next_end = next;
	while (next_end < name_end && !isspace((unsigned char)*next_end))
		next_end++;
	return parse_missing_semicolon(parser, name, (size_t)(first_end - name), next, next_end);
}

static int parse_modifier_check(struct rule_parser *parser, const struct rule *rule,
				const char *name)
{
	for (unsigned i = 0; i < rule->option_count; i++) {
		if (rule_keywords[rule->options[i].keyword].kind == RULE_KW_PAYLOAD)
			return 0;
	}
	return rule_parser_error(parser, "keyword \"%s\" has no content or pcre to modify", name);
}

static int parse_keyword_check(struct rule_parser *parser, const struct rule_keyword *keyword,
			       const char *name, const char *value)
{
	if (!keyword)
		return rule_parser_error(parser, "unknown keyword \"%s\"", name);
	if (keyword->unsupported)
		return rule_parser_error(parser, "unsupported keyword \"%s\": %s", name,
					 keyword->unsupported);
	if (keyword->value == RULE_KW_VALUE_REQUIRED && (!value || !*value))
		return rule_parser_error(parser, "keyword \"%s\" needs a value", name);
	if (keyword->value == RULE_KW_VALUE_NONE && value)
		return rule_parser_error(parser, "keyword \"%s\" takes no value: \"%s\"", name,
					 value);
	return 0;
}

/*
 * A sticky keyword: its buffer is in effect from here. Each statement of a
 * multi-buffer's keyword is numbered; when the rule already has options on
 * that buffer, the earlier statements and this one match on their own
 * (rule.instance_groups, as Suricata 7's multiple buffer matching).
 */
static int parse_sticky(struct rule_parser *parser, struct rule *rule, int buffer)
{
	parser->buffer = buffer;
	parser->instance = 0;
	if (buffer < 0 || buffer >= RULE_BUFFER_COUNT || !rule_buffer_multi[buffer])
		return 0;
	if (parser->instances >= RULE_INSTANCE_MAX) {
		rule_parser_error(parser, "more than %d statements of multi-buffers",
				  RULE_INSTANCE_MAX);
		return -EINVAL;
	}
	parser->instance = ++parser->instances;
	uint32_t earlier = 0;
	for (unsigned i = 0; i < rule->option_count; i++)
		if (rule->options[i].buffer == buffer && rule->options[i].instance)
			earlier |= 1u << rule->options[i].instance;
	if (earlier)
		rule->instance_groups |= earlier | 1u << parser->instance;
	return 0;
}

/* Hand one option to its keyword. value is NULL when written without ':'. */
static int parse_option(struct rule_parser *parser, struct rule *rule, const char *name,
			const char *value)
{
	int index = -1;
	const struct rule_keyword *keyword = rule_keyword_find(name, &index);
	int rc = parse_keyword_check(parser, keyword, name, value);

	if (rc < 0)
		return rc;
	if (keyword->kind == RULE_KW_MODIFIER && parse_modifier_check(parser, rule, name) < 0)
		return -EINVAL;
	if (keyword->kind == RULE_KW_STICKY && parse_sticky(parser, rule, keyword->buffer) < 0)
		return -EINVAL;
	if (!keyword->parse)
		return 0;
	parser->keyword = index;
	parser->error_set = false;
	rc = keyword->parse(parser, rule, value);
	if (rc < 0 && !parser->error_set)
		rule_parser_error(parser, "bad value of \"%s\": \"%s\"", name, value ? value : "");
	return rc < 0 ? -EINVAL : 0;
}

/*
 * One "name[:value];" from p; *next is where the following one starts.
 * Copies name and value so that each is a plain C string for the keyword.
 * Every option ends with ';', the last one too, as Suricata requires: a
 * rule cut short or two options run together must not load as something
 * else.
 */
static int parse_option_at(struct rule_parser *parser, struct rule *rule, const char *p,
			   const char *end, const char **next)
{
	const char *name = p, *name_end, *value = NULL, *value_end = NULL;
	char *name_copy, *value_copy = NULL;
	bool quoted = false;
	int rc;

	while (p < end && *p != ':' && *p != ';')
		p++;
	name_end = p;
	parse_trim(&name, &name_end);
	if (name == name_end)
		return rule_parser_error(parser, "empty option");
	if (parse_name_check(parser, name, name_end) < 0)
		return -EINVAL;
	if (p < end && *p == ':') {
		value = p + 1;
		p = value_end = parse_value_end(value, end);
		parse_trim(&value, &value_end);
		if (parse_value_check(parser, name, (size_t)(name_end - name), value, value_end,
				      p < end) < 0)
			return -EINVAL;
		quoted = memchr(value, '"', (size_t)(value_end - value)) != NULL;
		parse_value_unquote(&value, &value_end);
	}
	if (p == end)
		return rule_parser_error(parser, "missing \";\" after the last option: \"%.*s\"",
					 (int)(name_end - name), name);
	*next = p + 1;
	name_copy = parse_strndup(name, (size_t)(name_end - name));
	if (value)
		value_copy = parse_strndup(value, (size_t)(value_end - value));
	if (!name_copy || (value && !value_copy))
		rc = rule_parser_error(parser, "out of memory");
	else
		rc = parse_option(parser, rule, name_copy, value_copy);
	if (rc < 0 && value_copy && !quoted)
		parse_refused_value_explain(parser, name, (size_t)(name_end - name), value,
					    value_end);
	free(name_copy);
	free(value_copy);
	return rc;
}

/* "(opt; opt; ...)": text starts at '('; the list must end with ')' (blanks after it). */
static int parse_options(struct rule_parser *parser, struct rule *rule, const char *text)
{
	const char *p = text + 1;
	const char *end = text + strlen(text);

	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end == p || end[-1] != ')')
		return rule_parser_error(parser, "unterminated option list: no \")\" at the end");
	end--;
	for (p = parse_skip_space(p, end); p < end; p = parse_skip_space(p, end)) {
		int rc = parse_option_at(parser, rule, p, end, &p);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- one rule ----------------------------------------------------------- */

static void parse_rule_begin(struct rule_parser *parser)
{
	parser->keyword = 0;
	parser->buffer = RULE_BUFFER_PKT_DATA;
	parser->instance = 0;
	parser->instances = 0;
	parser->error_set = false;
	parser->reason[0] = '\0';
	parse_byte_vars_clear(parser);
}

/* An address list without exclusions: "any", or prefixes and sets only. */
static bool parse_addr_plain(const struct rule_addr_set *set)
{
	return set->exclude_count == 0 && set->exclude_group_count == 0;
}

/*
 * Suricata's once-per-direction rule types (struct rule, ip_only and
 * pd_only). A rule with negated addresses is "like IP-only" in Suricata,
 * inspected on every packet, so it is neither here.
 */
static void parse_rule_type(struct rule *rule)
{
	if (rule_proto_is_app(rule->proto) || !parse_addr_plain(&rule->src_addr) ||
	    !parse_addr_plain(&rule->dst_addr))
		return;
	bool ports_any = rule->src_port.include_any && !rule->src_port.exclude_count &&
			 rule->dst_port.include_any && !rule->dst_port.exclude_count;
	if (rule->option_count == 0 && rule->flow_flags == 0 && ports_any) {
		rule->ip_only = true;
		return;
	}
	uint32_t direction = RULE_FLOW_TO_SERVER | RULE_FLOW_TO_CLIENT;
	if (rule->option_count == 0 || (rule->flow_flags & ~direction))
		return;
	bool tested = false;
	for (unsigned i = 0; i < rule->option_count; i++) {
		const char *name = rule_keywords[rule->options[i].keyword].name;
		if (strcmp(name, "flow") == 0) /* its direction only, checked above */
			continue;
		if (strcmp(name, "app-layer-protocol") != 0)
			return;
		tested = true;
	}
	rule->pd_only = tested;
}

static int parse_rule_finish(struct rule_parser *parser, struct rule *rule)
{
	if (!rule->has_sid)
		return rule_parser_error(parser, "rule has no sid");
	for (unsigned i = 0; i < rule->option_count; i++) {
		enum rule_keyword_kind kind = rule_keywords[rule->options[i].keyword].kind;

		if (kind == RULE_KW_PAYLOAD || kind == RULE_KW_TRANSFORM)
			rule->buffers_used |= RULE_BUFFER_BIT(rule->options[i].buffer);
	}
	parse_rule_type(rule);
	return 0;
}

/* The sid of a rule that failed before its sid: option was read, or 0. */
static uint32_t parse_sid_scan(const char *text)
{
	for (const char *p = strstr(text, "sid"); p; p = strstr(p + 1, "sid")) {
		const char *q = p + 3;

		if (p > text && !(p[-1] == ';' || p[-1] == '(' || isspace((unsigned char)p[-1])))
			continue;
		q += strspn(q, " \t");
		if (*q != ':')
			continue;
		q += 1 + strspn(q + 1, " \t");
		if (isdigit((unsigned char)*q))
			return (uint32_t)strtoul(q, NULL, 10);
	}
	return 0;
}

/* The group: the reason up to its first ": " (the rule-specific part follows it). */
static void parse_record_error(struct rule_parser *parser, const struct rule *rule,
			       const char *text, const char *file, unsigned line)
{
	const char *cut = strstr(parser->reason, ": ");
	size_t group_len = cut ? (size_t)(cut - parser->reason) : strlen(parser->reason);

	parse_last_error_clear(parser);
	parser->last_error.file = strdup(file ? file : "");
	parser->last_error.line = line;
	parser->last_error.sid = rule && rule->has_sid ? rule->sid : parse_sid_scan(text);
	parser->last_error.reason = strdup(parser->reason[0] ? parser->reason : "out of memory");
	parser->last_error.group = parse_strndup(parser->reason, group_len);
}

struct rule *rule_parse(struct rule_parser *parser, const char *text, const char *file,
			unsigned line)
{
	struct rule *rule = calloc(1, sizeof(*rule));
	const char *options = NULL;
	int rc;

	parse_rule_begin(parser);
	if (!rule || !(rule->file = strdup(file ? file : ""))) {
		rule_parser_error(parser, "out of memory");
		parse_record_error(parser, NULL, text, file, line);
		rule_free(rule);
		return NULL;
	}
	rule->line = line;
	rule->gid = 1;
	rule->fast_pattern = -1;
	rc = parse_header(parser, rule, text, &options);
	if (rc == 0)
		rc = parse_options(parser, rule, options);
	if (rc == 0)
		rc = parse_rule_finish(parser, rule);
	if (rc == 0)
		return rule;
	parse_record_error(parser, rule, text, file, line);
	rule_free(rule);
	return NULL;
}

const struct rule_load_error *rule_parser_last_error(const struct rule_parser *parser)
{
	return &parser->last_error;
}

/* ---- files --------------------------------------------------------------- */

static int parse_list_add_rule(struct rule_list *list, struct rule *rule)
{
	return parse_append((void **)&list->rules, &list->count, sizeof(rule), &rule);
}

static int parse_list_add_error(struct rule_list *list, const struct rule_load_error *error)
{
	struct rule_load_error copy = {
	    .file = strdup(error->file ? error->file : ""),
	    .line = error->line,
	    .sid = error->sid,
	    .reason = strdup(error->reason ? error->reason : ""),
	    .group = strdup(error->group ? error->group : ""),
	};

	if (copy.file && copy.reason && copy.group &&
	    parse_append((void **)&list->errors, &list->error_count, sizeof(copy), &copy) == 0)
		return 0;
	free(copy.file);
	free(copy.reason);
	free(copy.group);
	return -ENOMEM;
}

/* A logical line is enabled when it is not blank and not a comment. */
static bool parse_line_enabled(const char *line)
{
	line += strspn(line, " \t\r\n");
	return *line && *line != '#';
}

static void parse_line_load(struct rule_parser *parser, const char *text, const char *path,
			    unsigned line, struct rule_list *list)
{
	struct rule *rule;

	if (!parse_line_enabled(text))
		return;
	list->read++;
	rule = rule_parse(parser, text, path, line);
	if (rule && parse_list_add_rule(list, rule) == 0)
		return;
	if (rule) {
		rule_free(rule);
		rule_parser_error(parser, "out of memory");
		parse_record_error(parser, NULL, text, path, line);
	}
	parse_list_add_error(list, &parser->last_error);
}

/* Strip the line end; true when the line continues on the next ('\' last). */
static bool parse_line_chop(char *line, ssize_t *len)
{
	while (*len > 0 && (line[*len - 1] == '\n' || line[*len - 1] == '\r'))
		line[--*len] = '\0';
	if (*len == 0 || line[*len - 1] != '\\')
		return false;
	line[--*len] = '\0';
	return true;
}

/* Append len bytes to the logical line being built. */
static int parse_logical_append(char **logical, size_t *used, const char *text, size_t len)
{
	char *grown = realloc(*logical, *used + len + 1);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + *used, text, len);
	*used += len;
	grown[*used] = '\0';
	*logical = grown;
	return 0;
}

int rule_parser_load_file(struct rule_parser *parser, const char *path, struct rule_list *list)
{
	FILE *file = fopen(path, "r");
	char *line = NULL, *logical = NULL;
	size_t cap = 0, used = 0;
	unsigned number = 0, first = 0;
	ssize_t len;
	int rc = 0;

	if (!file)
		return -errno;
	while ((len = getline(&line, &cap, file)) >= 0) {
		bool more = parse_line_chop(line, &len);

		number++;
		if (used == 0)
			first = number;
		if (parse_logical_append(&logical, &used, line, (size_t)len) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (more)
			continue;
		parse_line_load(parser, logical, path, first, list);
		used = 0;
	}
	if (rc == 0 && used > 0)
		parse_line_load(parser, logical, path, first, list);
	free(line);
	free(logical);
	fclose(file);
	return rc;
}

/* ---- duplicate sids ------------------------------------------------------ */

struct parse_sid_entry {
	uint32_t gid, sid;
	unsigned index; /* in list->rules: read order */
};

static int parse_sid_entry_order(const void *a, const void *b)
{
	const struct parse_sid_entry *x = a, *y = b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The rule kept of entries[first..last): the highest rev, the first read on a tie. */
static unsigned parse_sid_winner(const struct parse_sid_entry *entries, unsigned first,
				 unsigned last, struct rule *const *rules)
{
	unsigned winner = entries[first].index;

	for (unsigned i = first + 1; i < last; i++) {
		if (rules[entries[i].index]->rev > rules[winner]->rev)
			winner = entries[i].index;
	}
	return winner;
}

/* kept_by[i]: the index of the rule kept instead of rule i, or i when rule i stays. */
static int parse_sid_kept_by(const struct rule_list *list, unsigned *kept_by)
{
	struct parse_sid_entry *entries = malloc(list->count * sizeof(*entries));
	unsigned first = 0;

	if (!entries)
		return -ENOMEM;
	for (unsigned i = 0; i < list->count; i++) {
		entries[i] = (struct parse_sid_entry){list->rules[i]->gid, list->rules[i]->sid, i};
		kept_by[i] = i;
	}
	qsort(entries, list->count, sizeof(*entries), parse_sid_entry_order);
	for (unsigned i = 1; i <= list->count; i++) {
		if (i < list->count && entries[i].gid == entries[first].gid &&
		    entries[i].sid == entries[first].sid)
			continue;
		unsigned winner = parse_sid_winner(entries, first, i, list->rules);

		for (unsigned j = first; j < i; j++)
			kept_by[entries[j].index] = winner;
		first = i;
	}
	free(entries);
	return 0;
}

/* The refusal of dropped, naming the rule kept in its place. */
static int parse_list_add_duplicate(struct rule_list *list, const struct rule *dropped,
				    const struct rule *kept)
{
	char reason[PARSE_REASON_MAX], gid[32] = "";
	struct rule_load_error error = {
	    .file = dropped->file,
	    .line = dropped->line,
	    .sid = dropped->sid,
	    .reason = reason,
	    .group = "duplicate sid",
	};

	if (dropped->gid != 1)
		snprintf(gid, sizeof(gid), " (gid %u)", dropped->gid);
	if (kept->rev == dropped->rev)
		snprintf(reason, sizeof(reason),
			 "duplicate sid%s: the rule at %s:%u is kept (same rev %u, read first)",
			 gid, kept->file, kept->line, kept->rev);
	else
		snprintf(reason, sizeof(reason),
			 "duplicate sid%s: the rule at %s:%u is kept (rev %u, this one rev %u)",
			 gid, kept->file, kept->line, kept->rev, dropped->rev);
	return parse_list_add_error(list, &error);
}

int rule_list_refuse_duplicates(struct rule_list *list)
{
	unsigned *kept_by;
	unsigned count = 0;
	int rc;

	if (list->count < 2)
		return 0;
	kept_by = malloc(list->count * sizeof(*kept_by));
	if (!kept_by)
		return -ENOMEM;
	rc = parse_sid_kept_by(list, kept_by);
	/* every refusal is recorded before any rule moves: kept_by indexes the list as read */
	for (unsigned i = 0; rc == 0 && i < list->count; i++) {
		if (kept_by[i] != i)
			rc =
			    parse_list_add_duplicate(list, list->rules[i], list->rules[kept_by[i]]);
	}
	for (unsigned i = 0; rc == 0 && i < list->count; i++) {
		if (kept_by[i] == i)
			list->rules[count++] = list->rules[i];
		else
			rule_free(list->rules[i]);
	}
	if (rc == 0)
		list->count = count;
	free(kept_by);
	return rc;
}

void rule_list_clear(struct rule_list *list)
{
	for (unsigned i = 0; i < list->count; i++)
		rule_free(list->rules[i]);
	free(list->rules);
	for (unsigned i = 0; i < list->error_count; i++) {
		free(list->errors[i].file);
		free(list->errors[i].reason);
		free(list->errors[i].group);
	}
	free(list->errors);
	memset(list, 0, sizeof(*list));
}
