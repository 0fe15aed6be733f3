/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SQL-injection detector behind the sqli; keyword (injection.h; the
 * XSS detector is injection_xss.c). Written for vigil after the idea libinjection made known
 * (tokenise as the interpreter would, then judge the shape of the tokens),
 * with our own lexers and our own shape rules.
 *
 * SQL: a run lexes up to SQLI_RUN_TOKENS tokens (strings in ' " `,
 * numbers, words classified by a keyword table, operators, comments with
 * MySQL's executable comments opened, variables) and is judged by
 * sqli_run_shape(). A run starts at the start of the buffer and after each
 * '=', '&', '?' (the value of a parameter, read as SQL as it stands), and
 * right after each quote, with a closed string before it: that is what the
 * server's parser sees once an attacker's quote has ended the
 * application's literal. The shapes are those an injection needs to change
 * a query: a tautology or boolean test, UNION SELECT, a stacked statement,
 * a comment that cuts the rest of the query away right after the string,
 * time functions, SQL-only functions nested in each other, whole
 * statements. Prose ("this or that", "select a plan", "O'Brien") has
 * none of those shapes.
 *
 *
 * Per-packet path: no allocation (token arrays live on the stack), no
 * global mutable state, no logging; run count and run length are bounded.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "rules/match/injection.h"
#include "rules/match/injection_lex.h"

/* ------------------------------------------------------------ SQL lexer */

/*
 * Bounds: a run judges at most SQLI_RUN_TOKENS tokens and
 * SQLI_RUN_BYTES bytes (an injection's shape sits in its first few
 * tokens); at most SQLI_MAX_RUNS runs of each kind per buffer. The worst
 * case is then about 2 * 256 * 640 byte steps, whatever the input.
 */
#define SQLI_RUN_TOKENS 40
#define SQLI_RUN_BYTES	640
#define SQLI_MAX_RUNS	256
#define SQLI_WORD_MAX	32

enum sqli_token_type {
	SQLI_STRING = 's',
	SQLI_NUMBER = 'n',
	SQLI_WORD = 'w',      /* identifier or unknown word */
	SQLI_KEYWORD = 'k',   /* FROM, WHERE, BY, ... */
	SQLI_UNION = 'U',     /* UNION, INTERSECT, EXCEPT, MINUS */
	SQLI_STATEMENT = 'E', /* SELECT, INSERT, DROP, EXEC, ... */
	SQLI_FUNCTION = 'f',  /* a word followed by '(' */
	SQLI_LOGIC = '&',     /* AND OR XOR && || */
	SQLI_COMPARE = '=',   /* = < > <> != LIKE IN IS ... */
	SQLI_OPERATOR = 'o',  /* + - * / % ^ | ~ ! : */
	SQLI_LPAREN = '(',
	SQLI_RPAREN = ')',
	SQLI_COMMA = ',',
	SQLI_SEMICOLON = ';',
	SQLI_COMMENT = 'c',
	SQLI_VARIABLE = 'v', /* @x, @@version */
	SQLI_DOT = '.',
};

/* Word flags from the keyword table. */
enum {
	SQLI_F_SQLFUNC = 1u << 0, /* only SQL code calls it: nested calls are an injection */
	SQLI_F_STRONG = 1u << 1,  /* calling it is an injection on its own (sleep, load_file) */
	SQLI_F_NOT = 1u << 2,
	SQLI_F_ORDER = 1u << 3,	 /* ORDER, GROUP: "BY n" follows */
	SQLI_F_HAVING = 1u << 4, /* HAVING, WHERE: a boolean test follows */
	SQLI_F_FROM = 1u << 5,
	SQLI_F_INTO = 1u << 6,
	SQLI_F_WAITFOR = 1u << 7,
	SQLI_F_SELECT = 1u << 8,
	SQLI_F_TABLEOBJ = 1u << 9, /* TABLE DATABASE ...: what DROP/CREATE name */
	SQLI_F_BY = 1u << 10,
	SQLI_F_CONST = 1u << 11, /* NULL TRUE FALSE: an operand */
	SQLI_F_SET = 1u << 12,
	SQLI_F_CASE = 1u << 13,
};

struct sqli_word {
	const char *name;
	uint8_t type;
	uint16_t flags;
};

/*
 * The words whose class matters. Everything else is a plain word. Kept
 * short on purpose: a word listed here changes how prose is judged.
 */
static const struct sqli_word sqli_words[] = {
    {"and", SQLI_LOGIC, 0},
    {"or", SQLI_LOGIC, 0},
    {"xor", SQLI_LOGIC, 0},
    {"div", SQLI_OPERATOR, 0},
    {"mod", SQLI_OPERATOR, 0},
    {"not", SQLI_KEYWORD, SQLI_F_NOT},
    {"like", SQLI_COMPARE, 0},
    {"rlike", SQLI_COMPARE, 0},
    {"regexp", SQLI_COMPARE, 0},
    {"sounds", SQLI_COMPARE, 0},
    {"is", SQLI_COMPARE, 0},
    {"in", SQLI_COMPARE, 0},
    {"between", SQLI_COMPARE, 0},
    {"union", SQLI_UNION, 0},
    {"intersect", SQLI_UNION, 0},
    {"except", SQLI_UNION, 0},
    {"select", SQLI_STATEMENT, SQLI_F_SELECT},
    {"insert", SQLI_STATEMENT, 0},
    {"update", SQLI_STATEMENT, 0},
    {"delete", SQLI_STATEMENT, 0},
    {"drop", SQLI_STATEMENT, 0},
    {"create", SQLI_STATEMENT, 0},
    {"alter", SQLI_STATEMENT, 0},
    {"truncate", SQLI_STATEMENT, 0},
    {"exec", SQLI_STATEMENT, 0},
    {"execute", SQLI_STATEMENT, 0},
    {"declare", SQLI_STATEMENT, 0},
    {"shutdown", SQLI_STATEMENT, 0},
    {"waitfor", SQLI_STATEMENT, SQLI_F_WAITFOR},
    {"set", SQLI_STATEMENT, SQLI_F_SET},
    {"rename", SQLI_STATEMENT, 0},
    {"from", SQLI_KEYWORD, SQLI_F_FROM},
    {"where", SQLI_KEYWORD, SQLI_F_HAVING},
    {"having", SQLI_KEYWORD, SQLI_F_HAVING},
    {"order", SQLI_KEYWORD, SQLI_F_ORDER},
    {"group", SQLI_KEYWORD, SQLI_F_ORDER},
    {"by", SQLI_KEYWORD, SQLI_F_BY},
    {"limit", SQLI_KEYWORD, 0},
    {"offset", SQLI_KEYWORD, 0},
    {"into", SQLI_KEYWORD, SQLI_F_INTO},
    {"outfile", SQLI_KEYWORD, SQLI_F_STRONG},
    {"dumpfile", SQLI_KEYWORD, SQLI_F_STRONG},
    {"procedure", SQLI_KEYWORD, SQLI_F_TABLEOBJ},
    {"table", SQLI_KEYWORD, SQLI_F_TABLEOBJ},
    {"database", SQLI_KEYWORD, SQLI_F_TABLEOBJ | SQLI_F_SQLFUNC},
    {"schema", SQLI_KEYWORD, SQLI_F_TABLEOBJ | SQLI_F_SQLFUNC},
    {"user", SQLI_KEYWORD, SQLI_F_TABLEOBJ | SQLI_F_SQLFUNC},
    {"view", SQLI_KEYWORD, SQLI_F_TABLEOBJ},
    {"function", SQLI_KEYWORD, SQLI_F_TABLEOBJ},
    {"index", SQLI_KEYWORD, SQLI_F_TABLEOBJ},
    {"trigger", SQLI_KEYWORD, SQLI_F_TABLEOBJ},
    {"all", SQLI_KEYWORD, 0},
    {"distinct", SQLI_KEYWORD, 0},
    {"top", SQLI_KEYWORD, 0},
    {"as", SQLI_KEYWORD, 0},
    {"delay", SQLI_KEYWORD, 0},
    {"case", SQLI_KEYWORD, SQLI_F_CASE},
    {"when", SQLI_KEYWORD, 0},
    {"then", SQLI_KEYWORD, 0},
    {"else", SQLI_KEYWORD, 0},
    {"end", SQLI_KEYWORD, 0},
    {"null", SQLI_NUMBER, SQLI_F_CONST},
    {"true", SQLI_NUMBER, SQLI_F_CONST},
    {"false", SQLI_NUMBER, SQLI_F_CONST},
    {"values", SQLI_KEYWORD, 0},
    {"join", SQLI_KEYWORD, 0},
    {"exists", SQLI_WORD, SQLI_F_SQLFUNC},
    /* Functions an attacker calls; SQLFUNC ones only matter when nested or after a break. */
    {"sleep", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"benchmark", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"pg_sleep", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"load_file", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"extractvalue", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"updatexml", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"xp_cmdshell", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"sp_executesql", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"sp_password", SQLI_WORD, SQLI_F_STRONG},
    {"sys_eval", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"sys_exec", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"group_concat", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"randomblob", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"make_set", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"elt", SQLI_WORD, SQLI_F_SQLFUNC},
    {"concat", SQLI_WORD, SQLI_F_SQLFUNC},
    {"concat_ws", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"char", SQLI_WORD, SQLI_F_SQLFUNC},
    {"chr", SQLI_WORD, SQLI_F_SQLFUNC},
    {"nchar", SQLI_WORD, SQLI_F_SQLFUNC},
    {"ascii", SQLI_WORD, SQLI_F_SQLFUNC},
    {"ord", SQLI_WORD, SQLI_F_SQLFUNC},
    {"substring", SQLI_WORD, SQLI_F_SQLFUNC},
    {"substr", SQLI_WORD, SQLI_F_SQLFUNC},
    {"mid", SQLI_WORD, SQLI_F_SQLFUNC},
    {"left", SQLI_WORD, SQLI_F_SQLFUNC},
    {"right", SQLI_WORD, SQLI_F_SQLFUNC},
    {"length", SQLI_WORD, SQLI_F_SQLFUNC},
    {"len", SQLI_WORD, SQLI_F_SQLFUNC},
    {"count", SQLI_WORD, SQLI_F_SQLFUNC},
    {"version", SQLI_WORD, SQLI_F_SQLFUNC},
    {"current_user", SQLI_WORD, SQLI_F_SQLFUNC},
    {"system_user", SQLI_WORD, SQLI_F_SQLFUNC},
    {"session_user", SQLI_WORD, SQLI_F_SQLFUNC},
    {"user_name", SQLI_WORD, SQLI_F_SQLFUNC},
    {"db_name", SQLI_WORD, SQLI_F_SQLFUNC},
    {"hex", SQLI_WORD, SQLI_F_SQLFUNC},
    {"unhex", SQLI_WORD, SQLI_F_SQLFUNC},
    {"cast", SQLI_WORD, SQLI_F_SQLFUNC},
    {"convert", SQLI_WORD, SQLI_F_SQLFUNC},
    {"if", SQLI_WORD, SQLI_F_SQLFUNC},
    {"iif", SQLI_WORD, SQLI_F_SQLFUNC},
    {"ifnull", SQLI_WORD, SQLI_F_SQLFUNC},
    {"isnull", SQLI_WORD, SQLI_F_SQLFUNC},
    {"coalesce", SQLI_WORD, SQLI_F_SQLFUNC},
    {"md5", SQLI_WORD, SQLI_F_SQLFUNC},
    {"sha1", SQLI_WORD, SQLI_F_SQLFUNC},
    {"rand", SQLI_WORD, SQLI_F_SQLFUNC},
    {"floor", SQLI_WORD, SQLI_F_SQLFUNC},
    {"lower", SQLI_WORD, SQLI_F_SQLFUNC},
    {"upper", SQLI_WORD, SQLI_F_SQLFUNC},
    {"instr", SQLI_WORD, SQLI_F_SQLFUNC},
    {"locate", SQLI_WORD, SQLI_F_SQLFUNC},
    {"position", SQLI_WORD, SQLI_F_SQLFUNC},
    {"reverse", SQLI_WORD, SQLI_F_SQLFUNC},
    {"unicode", SQLI_WORD, SQLI_F_SQLFUNC},
    {"bin", SQLI_WORD, SQLI_F_SQLFUNC},
    {"conv", SQLI_WORD, SQLI_F_SQLFUNC},
    {"utl_inaddr", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"utl_http", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"dbms_pipe", SQLI_WORD, SQLI_F_STRONG | SQLI_F_SQLFUNC},
    {"information_schema", SQLI_WORD, SQLI_F_STRONG},
    {"sysobjects", SQLI_WORD, SQLI_F_STRONG},
    {"syscolumns", SQLI_WORD, SQLI_F_STRONG},
    {"pg_catalog", SQLI_WORD, SQLI_F_STRONG},
    {"sqlite_master", SQLI_WORD, SQLI_F_STRONG},
    {"msysobjects", SQLI_WORD, SQLI_F_STRONG},
    {"all_tables", SQLI_WORD, SQLI_F_STRONG},
};

struct sqli_token {
	uint8_t type;	/* enum sqli_token_type */
	bool open;	/* a string that runs to the end of the run (unterminated) */
	uint16_t flags; /* SQLI_F_* of a keyword-table word */
	uint32_t pos, len;
};

struct sqli_run {
	const uint8_t *data;
	uint32_t end; /* the run never reads at or beyond end */
	uint32_t pos;
	struct sqli_token token[SQLI_RUN_TOKENS];
	unsigned count;
	bool clipped; /* hit SQLI_RUN_BYTES or SQLI_RUN_TOKENS: the run's end is not the input's */
	bool weak;    /* the closed string was "-quoted: search syntax ("foo" AND "bar") looks
			 the same, so only comparisons and SQL functions count there */
	bool prose;   /* the text the quote closed has blanks ("FOO BAR'#"): not a user name */
};

static bool sqli_is_space(uint8_t c)
{
	/* MySQL also takes 0xa0 and the C0 controls as blanks: attackers use %a0, %0b. */
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0xa0 || c == 0;
}

static bool sqli_is_word_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || c >= 0x80;
}

static bool sqli_is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool sqli_is_letter(uint8_t c)
{
	c |= 0x20;
	return c >= 'a' && c <= 'z';
}

static uint8_t sqli_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static const struct sqli_word *sqli_word_find(const uint8_t *p, uint32_t len)
{
	char word[SQLI_WORD_MAX + 1];
	if (len == 0 || len > SQLI_WORD_MAX)
		return NULL;
	for (uint32_t i = 0; i < len; i++)
		word[i] = (char)sqli_lower(p[i]);
	word[len] = '\0';
	for (size_t i = 0; i < sizeof(sqli_words) / sizeof(sqli_words[0]); i++)
		if (sqli_words[i].name[0] == word[0] && strcmp(sqli_words[i].name, word) == 0)
			return &sqli_words[i];
	return NULL;
}

static void sqli_push(struct sqli_run *run, uint8_t type, uint32_t pos, uint32_t len)
{
	if (run->count >= SQLI_RUN_TOKENS) {
		run->clipped = true;
		return;
	}
	struct sqli_token *t = &run->token[run->count++];
	t->type = type;
	t->open = false;
	t->flags = 0;
	t->pos = pos;
	t->len = len;
}

/* A quoted string from pos (at the quote). Doubled quotes and backslashes escape. */
static void sqli_lex_string(struct sqli_run *run, uint8_t quote, uint32_t start, uint32_t from)
{
	uint32_t i = from;
	while (i < run->end) {
		uint8_t c = run->data[i];
		if (c == '\\' && quote != '`') {
			i += 2;
			continue;
		}
		if (c == quote) {
			if (i + 1 < run->end && run->data[i + 1] == quote) {
				i += 2;
				continue;
			}
			sqli_push(run, quote == '`' ? SQLI_WORD : SQLI_STRING, start,
				  i + 1 - start);
			run->pos = i + 1;
			return;
		}
		i++;
	}
	sqli_push(run, quote == '`' ? SQLI_WORD : SQLI_STRING, start, run->end - start);
	if (run->count > 0)
		run->token[run->count - 1].open = true;
	run->pos = run->end;
}

static void sqli_lex_number(struct sqli_run *run)
{
	const uint8_t *d = run->data;
	uint32_t i = run->pos, start = i;
	if (d[i] == '0' && i + 1 < run->end &&
	    (d[i + 1] == 'x' || d[i + 1] == 'X' || d[i + 1] == 'b' || d[i + 1] == 'B')) {
		i += 2;
		while (i < run->end && sqli_is_word_char(d[i]))
			i++;
	} else {
		while (i < run->end && (sqli_is_digit(d[i]) || d[i] == '.'))
			i++;
		/* 1e5, 1e-5; "1e0union" stays number + word, as MySQL reads it. */
		if (i + 1 < run->end && (d[i] == 'e' || d[i] == 'E') &&
		    (sqli_is_digit(d[i + 1]) || ((d[i + 1] == '-' || d[i + 1] == '+') &&
						 i + 2 < run->end && sqli_is_digit(d[i + 2])))) {
			i += 2;
			while (i < run->end && sqli_is_digit(d[i]))
				i++;
		}
	}
	sqli_push(run, SQLI_NUMBER, start, i - start);
	run->pos = i;
}

/* The byte after pos, skipping blanks and comments, without moving; 0 at the end. */
static uint8_t sqli_peek_past_blanks(const struct sqli_run *run, uint32_t pos)
{
	const uint8_t *d = run->data;
	while (pos < run->end) {
		if (sqli_is_space(d[pos])) {
			pos++;
			continue;
		}
		if (d[pos] == '/' && pos + 1 < run->end && d[pos + 1] == '*') {
			uint32_t i = pos + 2;
			if (i < run->end && d[i] == '!')
				return '!';
			while (i + 1 < run->end && !(d[i] == '*' && d[i + 1] == '/'))
				i++;
			pos = i + 2;
			continue;
		}
		return d[pos];
	}
	return 0;
}

static void sqli_lex_word(struct sqli_run *run)
{
	const uint8_t *d = run->data;
	uint32_t i = run->pos, start = i;
	/* Dots join qualified names (information_schema.tables, master..xp_cmdshell). */
	while (i < run->end &&
	       (sqli_is_word_char(d[i]) || (d[i] == '.' && i + 1 < run->end &&
					    (sqli_is_word_char(d[i + 1]) || d[i + 1] == '.'))))
		i++;
	run->pos = i;

	/* N'..', X'..', B'..', _utf8'..': a string with a prefix. */
	if (i < run->end && (d[i] == '\'' || d[i] == '"') && (i - start == 1 || d[start] == '_')) {
		sqli_lex_string(run, d[i], start, i + 1);
		return;
	}

	uint8_t type = SQLI_WORD;
	uint16_t flags = 0;
	/* The table knows the last part of a qualified name and its first (schema) part. */
	uint32_t part = start;
	for (uint32_t k = start; k < i; k++)
		if (d[k] == '.')
			part = k + 1;
	const struct sqli_word *w = sqli_word_find(d + part, i - part);
	if (w != NULL) {
		type = w->type;
		flags = w->flags;
	} else if (part != start) {
		uint32_t first = start;
		while (first < i && d[first] != '.')
			first++;
		w = sqli_word_find(d + start, first - start);
		if (w != NULL && (w->flags & SQLI_F_STRONG))
			flags = w->flags;
	}
	if (type == SQLI_WORD || (flags & SQLI_F_SQLFUNC)) {
		if (sqli_peek_past_blanks(run, i) == '(')
			type = SQLI_FUNCTION;
		else if (flags & SQLI_F_SQLFUNC && w != NULL && w->type == SQLI_KEYWORD)
			type = SQLI_KEYWORD;
		else if (type != SQLI_WORD)
			type = SQLI_WORD;
	}
	sqli_push(run, type, start, i - start);
	if (run->count > 0 && run->token[run->count - 1].pos == start)
		run->token[run->count - 1].flags = flags;
}

/* One token (or none for blanks); false when the run is over. */
static bool sqli_lex_one(struct sqli_run *run)
{
	const uint8_t *d = run->data;
	uint32_t i = run->pos;
	if (i >= run->end || run->count >= SQLI_RUN_TOKENS)
		return false;
	uint8_t c = d[i];
	uint8_t n = i + 1 < run->end ? d[i + 1] : 0;

	/* '+' next to a letter is a form-encoded blank ("1'+or+'1'='1"), not addition. */
	if (sqli_is_space(c) ||
	    (c == '+' && (sqli_is_letter(n) || (i > 0 && sqli_is_letter(run->data[i - 1]))))) {
		run->pos++;
		return true;
	}
	if (c == '\'' || c == '"' || c == '`') {
		sqli_lex_string(run, c, i, i + 1);
		return true;
	}
	if (sqli_is_digit(c) || (c == '.' && sqli_is_digit(n))) {
		sqli_lex_number(run);
		return true;
	}
	if (sqli_is_word_char(c)) {
		sqli_lex_word(run);
		return true;
	}
	if (c == '@') {
		uint32_t k = i + 1;
		while (k < run->end &&
		       (d[k] == '@' || d[k] == '`' || sqli_is_word_char(d[k]) || d[k] == '.'))
			k++;
		sqli_push(run, SQLI_VARIABLE, i, k - i);
		run->pos = k;
		return true;
	}
	if (c == '#' || (c == '-' && n == '-')) {
		uint32_t k = i;
		while (k < run->end && d[k] != '\n')
			k++;
		sqli_push(run, SQLI_COMMENT, i, k - i);
		run->pos = k;
		return true;
	}
	if (c == '/' && n == '*') {
		uint32_t k = i + 2;
		/* MySQL runs what is inside slash-star-bang: lex on past the marker and version. */
		if (k < run->end && d[k] == '!') {
			k++;
			while (k < run->end && sqli_is_digit(d[k]))
				k++;
			run->pos = k;
			return true;
		}
		while (k + 1 < run->end && !(d[k] == '*' && d[k + 1] == '/'))
			k++;
		k = k + 2 <= run->end ? k + 2 : run->end;
		sqli_push(run, SQLI_COMMENT, i, k - i);
		run->pos = k;
		return true;
	}
	if (c == '*' && n == '/') { /* the end of an executable comment */
		run->pos += 2;
		return true;
	}
	if (c == '&') {
		if (n == '&') {
			sqli_push(run, SQLI_LOGIC, i, 2);
			run->pos += 2;
			return true;
		}
		/* A lone '&' separates parameters: the run (one value) ends here. */
		return false;
	}
	if (c == '|' && n == '|') {
		sqli_push(run, SQLI_LOGIC, i, 2);
		run->pos += 2;
		return true;
	}
	if (c == '<' || c == '>' || c == '=' || (c == '!' && n == '=') || (c == ':' && n == '=')) {
		uint32_t k = i + 1;
		while (k < run->end && k < i + 3 && (d[k] == '=' || d[k] == '>' || d[k] == '<'))
			k++;
		sqli_push(run, SQLI_COMPARE, i, k - i);
		run->pos = k;
		return true;
	}
	uint8_t type = SQLI_OPERATOR;
	if (c == '(')
		type = SQLI_LPAREN;
	else if (c == ')')
		type = SQLI_RPAREN;
	else if (c == ',')
		type = SQLI_COMMA;
	else if (c == ';')
		type = SQLI_SEMICOLON;
	else if (c == '.')
		type = SQLI_DOT;
	sqli_push(run, type, i, 1);
	run->pos++;
	return true;
}

/* ------------------------------------------------------------ SQL shapes */

static const struct sqli_token *sqli_at(const struct sqli_run *run, unsigned i)
{
	return i < run->count ? &run->token[i] : NULL;
}

/* Index of the first token at or after i that is not a comment. */
static unsigned sqli_skip_comments(const struct sqli_run *run, unsigned i)
{
	while (i < run->count && run->token[i].type == SQLI_COMMENT)
		i++;
	return i;
}

static bool sqli_is(const struct sqli_run *run, unsigned i, uint8_t type)
{
	return i < run->count && run->token[i].type == type;
}

static bool sqli_has(const struct sqli_run *run, unsigned i, uint16_t flag)
{
	return i < run->count && (run->token[i].flags & flag);
}

/* Where the run ends "cleanly": the real end of the input, a comment or a ';'. */
static bool sqli_is_tail(const struct sqli_run *run, unsigned i)
{
	if (i >= run->count)
		return !run->clipped;
	uint8_t t = run->token[i].type;
	return t == SQLI_COMMENT || t == SQLI_SEMICOLON || (t == SQLI_STRING && run->token[i].open);
}

/* After a function's '(' at i: the index past its matching ')' (or the run's end). */
static unsigned sqli_skip_call(const struct sqli_run *run, unsigned i)
{
	int depth = 0;
	for (; i < run->count; i++) {
		if (run->token[i].type == SQLI_LPAREN)
			depth++;
		else if (run->token[i].type == SQLI_RPAREN && --depth <= 0)
			return i + 1;
	}
	return i;
}

static bool sqli_is_operand(uint8_t type)
{
	return type == SQLI_STRING || type == SQLI_NUMBER || type == SQLI_VARIABLE ||
	       type == SQLI_WORD || type == SQLI_FUNCTION;
}

/* Two plain words with different text: prose ("tom and jerry = fun"), not a tautology. */
static bool sqli_prose_pair(const struct sqli_run *run, const struct sqli_token *a,
			    const struct sqli_token *b)
{
	if (a->type != SQLI_WORD || b->type != SQLI_WORD)
		return false;
	if (a->len != b->len)
		return true;
	for (uint32_t k = 0; k < a->len; k++)
		if (sqli_lower(run->data[a->pos + k]) != sqli_lower(run->data[b->pos + k]))
			return true;
	return false;
}

/*
 * An operand at i (skipping NOT, '!', '(' and unary signs); returns the
 * index past it (past a function's arguments), or 0 when there is none.
 */
static unsigned sqli_operand(const struct sqli_run *run, unsigned i, unsigned *at)
{
	for (unsigned guard = 0; guard < 6; guard++) {
		i = sqli_skip_comments(run, i);
		const struct sqli_token *t = sqli_at(run, i);
		if (t == NULL)
			return 0;
		if (t->type == SQLI_LPAREN || (t->flags & SQLI_F_NOT) ||
		    (t->type == SQLI_OPERATOR && t->len == 1 &&
		     (run->data[t->pos] == '!' || run->data[t->pos] == '-' ||
		      run->data[t->pos] == '+' || run->data[t->pos] == '~'))) {
			i++;
			continue;
		}
		if (t->type == SQLI_STATEMENT && (t->flags & SQLI_F_SELECT)) {
			*at = i;
			return i + 1;
		}
		if (!sqli_is_operand(t->type))
			return 0;
		*at = i;
		if (t->type == SQLI_FUNCTION)
			return sqli_skip_call(run, i + 1);
		return i + 1;
	}
	return 0;
}

static bool sqli_statement(const struct sqli_run *run, unsigned i, bool stacked);
static bool sqli_after_break(const struct sqli_run *run, unsigned i, bool quoted);

/*
 * A boolean test after a logic word at i ("OR 1=1", "AND 'a'='a'",
 * "OR sleep(5)", "AND (SELECT ...)"). quoted: the run started by closing
 * a string, where a bare "OR 'x" already changes the query.
 */
static bool sqli_boolean_test(const struct sqli_run *run, unsigned i, bool quoted)
{
	unsigned a_at, b_at;
	unsigned k = sqli_operand(run, i + 1, &a_at);
	if (k == 0)
		return false;
	const struct sqli_token *a = &run->token[a_at];
	if (a->type == SQLI_STATEMENT)
		return sqli_statement(run, a_at, false);
	if (a->type == SQLI_FUNCTION && (a->flags & SQLI_F_SQLFUNC))
		return true;
	/* Arithmetic before the comparison: "OR 2+1=3". */
	for (unsigned guard = 0; guard < 4; guard++) {
		unsigned j = sqli_skip_comments(run, k);
		if (!sqli_is(run, j, SQLI_OPERATOR))
			break;
		unsigned next = sqli_operand(run, j + 1, &b_at);
		if (next == 0)
			break;
		k = next;
	}
	k = sqli_skip_comments(run, k);
	while (sqli_is(run, k, SQLI_RPAREN))
		k = sqli_skip_comments(run, k + 1);
	if (sqli_is(run, k, SQLI_COMPARE)) {
		unsigned next = sqli_operand(run, k + 1, &b_at);
		if (next == 0)
			return false;
		const struct sqli_token *b = &run->token[b_at];
		if (b->type == SQLI_STATEMENT)
			return sqli_statement(run, b_at, false);
		if (quoted)
			return true;
		/* Unquoted, "price > 10" is a search, "1=1" or "x=x" a tautology. */
		if (a->type == SQLI_WORD || b->type == SQLI_WORD)
			return a->type == b->type && !sqli_prose_pair(run, a, b);
		return true;
	}
	if (quoted && run->weak)
		return false;
	/* "' AND email ILIKE email--": words up to a comment that cuts the query. */
	if (quoted && sqli_after_break(run, i, quoted)) {
		for (unsigned m = k; m < run->count && m < k + 6; m++) {
			uint8_t ty = run->token[m].type;
			if (ty == SQLI_COMMENT)
				return !run->prose;
			if (ty == SQLI_STRING || ty == SQLI_SEMICOLON)
				break;
		}
	}
	if (a->type == SQLI_WORD)
		return false;
	/* "' OR 'x" then the application's own quote, "1 OR 1--", "' AND 1;", "OR true". */
	if (sqli_is_tail(run, k))
		return quoted || (a->flags & SQLI_F_CONST) ||
		       (a->type == SQLI_NUMBER && k < run->count &&
			run->token[k].type != SQLI_STRING);
	if (sqli_is(run, k, SQLI_LOGIC))
		return quoted || a->type == SQLI_VARIABLE;
	return false;
}

/* The next token at or after i that is not a comment, or NULL. */
static const struct sqli_token *sqli_next(const struct sqli_run *run, unsigned i)
{
	return sqli_at(run, sqli_skip_comments(run, i));
}

/*
 * A statement that really is one: "SELECT * FROM", "DROP TABLE x", "EXEC
 * xp_...". stacked: it follows a ';' (only there does a lone SHUTDOWN count).
 */
static bool sqli_statement(const struct sqli_run *run, unsigned i, bool stacked)
{
	const struct sqli_token *t = &run->token[i];
	const uint8_t *name = run->data + t->pos;
	unsigned j = sqli_skip_comments(run, i + 1);
	const struct sqli_token *n = sqli_at(run, j);
	uint8_t first = sqli_lower(name[0]);

	if (t->flags & SQLI_F_SELECT) {
		while (n != NULL && n->type == SQLI_KEYWORD && !(n->flags & SQLI_F_FROM)) {
			j = sqli_skip_comments(run, j + 1); /* DISTINCT, ALL, TOP */
			n = sqli_at(run, j);
		}
		if (n == NULL)
			return false;
		if (n->type == SQLI_NUMBER || n->type == SQLI_STRING || n->type == SQLI_VARIABLE ||
		    n->type == SQLI_FUNCTION || n->type == SQLI_LPAREN ||
		    (n->type == SQLI_OPERATOR && run->data[n->pos] == '*'))
			return true;
		/* A signed first column: "SELECT -1,", "SELECT -sin(1)", "SELECT ~(...)". */
		if (n->type == SQLI_OPERATOR && n->len == 1 && strchr("-+~!", run->data[n->pos])) {
			const struct sqli_token *m = sqli_next(run, j + 1);
			if (m != NULL && (m->type == SQLI_NUMBER || m->type == SQLI_STRING ||
					  m->type == SQLI_VARIABLE || m->type == SQLI_FUNCTION ||
					  m->type == SQLI_LPAREN))
				return true;
		}
		if (n->type != SQLI_WORD)
			return false;
		/* "SELECT name FROM", "SELECT a, b FROM", "SELECT t.c AS x FROM". */
		for (unsigned k = j + 1, words = 1; k < run->count && k < j + 16; k++) {
			const struct sqli_token *m = &run->token[k];
			if (m->type == SQLI_COMMENT)
				continue;
			if (m->flags & SQLI_F_FROM) {
				const struct sqli_token *table = sqli_next(run, k + 1);
				return words == 1 && table != NULL &&
				       (table->type == SQLI_WORD || table->type == SQLI_LPAREN);
			}
			if (m->type == SQLI_COMMA) {
				words = 0;
				continue;
			}
			if (m->type == SQLI_WORD && ++words <= 1)
				continue;
			if (m->type == SQLI_KEYWORD && run->data[m->pos] != 'f' &&
			    sqli_lower(run->data[m->pos]) == 'a') {
				words = 0; /* AS */
				continue;
			}
			return false;
		}
		return false;
	}
	if (n == NULL || n->type == SQLI_COMMENT)
		return stacked && first == 's' && t->len == 8; /* SHUTDOWN */
	if (t->flags & SQLI_F_WAITFOR)
		return n->type == SQLI_KEYWORD || n->type == SQLI_WORD;
	if (t->flags & SQLI_F_SET) /* SET @x=..., not "; set @" in prose */
		return n->type == SQLI_VARIABLE && n->len > 1;
	switch (first) {
	case 'i': /* INSERT INTO */
		return (n->flags & SQLI_F_INTO) != 0;
	case 'd':
		if (t->len == 6 && sqli_lower(name[2]) == 'l') /* DELETE FROM */
			return (n->flags & SQLI_F_FROM) != 0;
		if (t->len == 4) /* DROP TABLE */
			return (n->flags & SQLI_F_TABLEOBJ) != 0;
		return n->type == SQLI_VARIABLE; /* DECLARE @x */
	case 'c':
		return (n->flags & SQLI_F_TABLEOBJ) != 0; /* CREATE TABLE */
	case 'a':
	case 't':
	case 'r':
		return (n->flags & SQLI_F_TABLEOBJ) != 0;
	case 'u': /* UPDATE t SET */
		return n->type == SQLI_WORD &&
		       sqli_has(run, sqli_skip_comments(run, j + 1), SQLI_F_SET);
	case 'e': /* EXEC xp_cmdshell, EXEC master..sp_x, EXEC('...'), EXEC @sql */
		if (n->type == SQLI_VARIABLE || (n->flags & SQLI_F_STRONG))
			return true;
		if (n->type ==
		    SQLI_LPAREN) { /* EXEC('sel'+'ect ...'), EXEC(@q); "exec (" alone is text */
			const struct sqli_token *arg = sqli_next(run, j + 1);
			return arg != NULL &&
			       (arg->type == SQLI_STRING || arg->type == SQLI_VARIABLE ||
				arg->type == SQLI_STATEMENT);
		}
		if (n->type != SQLI_WORD && n->type != SQLI_FUNCTION)
			return false;
		return n->len > 3 &&
		       (injection_prefix_nocase(run->data + n->pos, n->len, "sp_") ||
			injection_prefix_nocase(run->data + n->pos, n->len, "xp_") ||
			injection_prefix_nocase(run->data + n->pos, n->len, "master."));
	case 's':
		return stacked && t->len == 8;
	}
	return false;
}

/* An SQL-only function whose arguments hold another SQL function, a SELECT or @@var. */
static bool sqli_nested_call(const struct sqli_run *run, unsigned i)
{
	unsigned end = sqli_skip_call(run, i + 1);
	for (unsigned k = i + 1; k < end && k < run->count; k++) {
		const struct sqli_token *t = &run->token[k];
		if ((t->type == SQLI_FUNCTION && (t->flags & SQLI_F_SQLFUNC)) ||
		    (t->type == SQLI_STATEMENT && (t->flags & SQLI_F_SELECT)) ||
		    (t->type == SQLI_VARIABLE && t->len > 2 && run->data[t->pos + 1] == '@') ||
		    (t->flags & SQLI_F_FROM && k > i + 2))
			return true;
	}
	return false;
}

/* A call with a number or an expression as its argument: "sleep(5)", not "sleep (8 hours)". */
static bool sqli_plausible_call(const struct sqli_run *run, unsigned i)
{
	unsigned j = sqli_skip_comments(run, i + 1);
	if (!sqli_is(run, j, SQLI_LPAREN))
		return false;
	unsigned end = sqli_skip_call(run, j);
	unsigned words = 0;
	for (unsigned k = j + 1; k + 1 < end && k < run->count; k++)
		if (run->token[k].type == SQLI_WORD)
			words++;
	return words <= 1;
}

/* The token at i follows the break of a quoted run (the closing string, then ')'s). */
static bool sqli_after_break(const struct sqli_run *run, unsigned i, bool quoted)
{
	if (!quoted)
		return i == 0;
	unsigned k = 1;
	for (;;) {
		k = sqli_skip_comments(run, k);
		if (!sqli_is(run, k, SQLI_RPAREN))
			break;
		k++;
	}
	return k == i;
}

/* In a quoted run, the first token after the closing string and its ')'s, comments included. */
static unsigned sqli_raw_break(const struct sqli_run *run)
{
	unsigned k = 1;
	while (sqli_is(run, k, SQLI_RPAREN))
		k++;
	return k;
}

/* The judgement of one run. quoted: token 0 is the string the attacker closed. */
/*
 * "A' | 'B", "'^'", "x' DIV 'y": right after the attacker's quote, an
 * arithmetic or bit operator and a string the application's own closing
 * quote ends (open to the end of the value): MySQL evaluates the two
 * strings as numbers, the classic implicit-conversion probe. A string
 * closed in the value ('a' + 'b', code) or prose before the quote is not.
 */
static bool sqli_implicit_concat(const struct sqli_run *run, unsigned i)
{
	const struct sqli_token *t = &run->token[i];
	if (run->prose || run->weak || i == 0 || i + 2 != run->count)
		return false;
	const struct sqli_token *n = &run->token[i + 1];
	if (n->type != SQLI_STRING || !n->open || run->clipped)
		return false;
	/* The same quote as the attacker's, opening text rather than more quotes
	 * ("'-\"8", "DK'*''''''" are typing). */
	uint8_t quote = run->data[run->token[0].pos - 1];
	if (run->data[n->pos] != quote || (n->pos + 1 < run->end && run->data[n->pos + 1] == quote))
		return false;
	if (t->type == SQLI_OPERATOR && t->len == 1)
		return strchr("+-*/%^|", run->data[t->pos]) != NULL;
	if (t->type == SQLI_LOGIC && t->len == 2 && run->data[t->pos] == '|')
		return true; /* || */
	if (t->len == 3) {
		char w[4] = {(char)sqli_lower(run->data[t->pos]),
			     (char)sqli_lower(run->data[t->pos + 1]),
			     (char)sqli_lower(run->data[t->pos + 2]), 0};
		return strcmp(w, "div") == 0 || strcmp(w, "mod") == 0 || strcmp(w, "xor") == 0;
	}
	return false;
}

/* A comment token that says nothing: its marker and blanks or more markers ("--", "#"). */
static bool sqli_empty_comment(const struct sqli_run *run, const struct sqli_token *t)
{
	for (uint32_t k = t->pos; k < t->pos + t->len; k++)
		if (!strchr(" \t\r\n-#/*", run->data[k]))
			return false;
	return true;
}

/*
 * A value that is an expression (numbers, server variables, strings,
 * operators, calls and balanced parentheses, BINARY and constants) and
 * then cuts the query: "1--", "@version --", "(1 OR @a) --", "( ( 1 ) ) --",
 * "-1#\nunion". The comment must be empty or lead to UNION ("555-1234 --
 * ask for Bob" is text), a plain word ends the shape (prose), and a lone
 * string needs an operator ("\"great\" --" is a quotation).
 */
static bool sqli_expression_then_cut(const struct sqli_run *run)
{
	unsigned i = 0, operands = 0, operators = 0;
	int depth = 0;
	bool number_first = false;
	for (; i < run->count && run->token[i].type != SQLI_COMMENT; i++) {
		const struct sqli_token *t = &run->token[i];
		switch (t->type) {
		case SQLI_NUMBER:
		case SQLI_VARIABLE:
			number_first = number_first || operands == 0;
			operands++;
			break;
		case SQLI_STRING:
			if (t->open)
				return false;
			operands++;
			break;
		case SQLI_OPERATOR:
		case SQLI_LOGIC:
		case SQLI_COMPARE:
			operators++;
			break;
		case SQLI_LPAREN:
			depth++;
			break;
		case SQLI_RPAREN:
			if (--depth < 0)
				return false;
			break;
		case SQLI_FUNCTION:
			break;
		case SQLI_STATEMENT:
			if (depth == 0 || !(t->flags & SQLI_F_SELECT))
				return false;
			break;
		case SQLI_WORD:
			if (!(t->flags & SQLI_F_CONST) &&
			    !(t->len == 6 &&
			      strncasecmp((const char *)run->data + t->pos, "binary", 6) == 0))
				return false;
			break;
		default:
			return false;
		}
	}
	if (i >= run->count || depth != 0 || operands == 0 || (!number_first && operators == 0))
		return false;
	bool empty = true;
	for (; i < run->count && run->token[i].type == SQLI_COMMENT; i++)
		empty = empty && sqli_empty_comment(run, &run->token[i]);
	if (i >= run->count)
		return empty && !run->clipped;
	return run->token[i].type == SQLI_UNION && i + 1 >= run->count;
}

static bool sqli_run_shape(const struct sqli_run *run, bool quoted)
{
	if (!quoted && sqli_expression_then_cut(run))
		return true;
	for (unsigned i = 0; i < run->count; i++) {
		const struct sqli_token *t = &run->token[i];
		unsigned j = sqli_skip_comments(run, i + 1);
		const struct sqli_token *n = sqli_at(run, j);

		switch (t->type) {
		case SQLI_UNION:
			/* UNION [ALL|DISTINCT] [(] SELECT */
			while (n != NULL &&
			       (n->type == SQLI_LPAREN ||
				(n->type == SQLI_KEYWORD && !(n->flags & SQLI_F_FROM)))) {
				j = sqli_skip_comments(run, j + 1);
				n = sqli_at(run, j);
			}
			if (n != NULL && (n->flags & SQLI_F_SELECT))
				return true;
			break;
		case SQLI_SEMICOLON:
			if (n != NULL && n->type == SQLI_STATEMENT && sqli_statement(run, j, true))
				return true;
			if (quoted && !run->weak && !run->prose &&
			    sqli_after_break(run, i, quoted) &&
			    (n == NULL ? !run->clipped : n->type == SQLI_COMMENT))
				return true; /* "admin';--" */
			break;
		case SQLI_STATEMENT:
			if ((i == 0 || sqli_is(run, i - 1, SQLI_LPAREN) ||
			     sqli_after_break(run, i, quoted)) &&
			    sqli_statement(run, i, false))
				return true;
			/* "'Execute(": a call of EXEC right after the attacker's quote. */
			if (quoted && i > 0 && sqli_after_break(run, i, quoted) && n != NULL &&
			    n->type == SQLI_LPAREN && sqli_lower(run->data[t->pos]) == 'e')
				return true;
			break;
		case SQLI_LOGIC:
			if (sqli_boolean_test(run, i, quoted))
				return true;
			break;
		case SQLI_KEYWORD:
			if ((t->flags & SQLI_F_HAVING) && sqli_boolean_test(run, i, quoted) &&
			    (quoted || i > 0))
				return true;
			/* ORDER BY 1, GROUP BY x HAVING, after a break or as a whole value. */
			if ((t->flags & SQLI_F_ORDER) && n != NULL && (n->flags & SQLI_F_BY) &&
			    (sqli_after_break(run, i, quoted) || (!quoted && i == 1) ||
			     (!quoted && i == 2 && sqli_is(run, 0, SQLI_OPERATOR) &&
			      run->data[run->token[0].pos] == '-' &&
			      sqli_is(run, 1, SQLI_NUMBER)))) {
				unsigned k = sqli_skip_comments(run, j + 1);
				if (sqli_is(run, k, SQLI_NUMBER) ||
				    sqli_is(run, k + 1, SQLI_COMMENT))
					return true;
			}
			/* INTO OUTFILE / DUMPFILE */
			if ((t->flags & SQLI_F_INTO) && n != NULL && (n->flags & SQLI_F_STRONG))
				return true;
			break;
		case SQLI_FUNCTION:
			if ((t->flags & SQLI_F_STRONG) && sqli_plausible_call(run, i))
				return true;
			if ((t->flags & SQLI_F_SQLFUNC) && sqli_nested_call(run, i))
				return true;
			break;
		case SQLI_WORD:
			/* information_schema.tables, sysobjects, master..xp_cmdshell */
			if ((t->flags & SQLI_F_STRONG) && !(t->flags & SQLI_F_SQLFUNC) && i > 0)
				return true;
			break;
		case SQLI_VARIABLE:
			/* @@version and friends: server variables, read only by SQL. */
			if (t->len > 3 && run->data[t->pos + 1] == '@' &&
			    (i > 0 || sqli_is_tail(run, i + 1)))
				return true;
			break;
		default:
			break;
		}
		/* Right after the attacker's quote (and any ')'): "admin'--", "x')#", "'/ *" (an opened comment):
		 * the rest of the application's query is cut away. "'#fff" is a colour. */
		if (quoted && !run->prose && t->type == SQLI_COMMENT && i > 0 &&
		    sqli_raw_break(run) == i &&
		    (t->len == 1 || t->len == 2 ||
		     !sqli_is_word_char(run->data[t->pos + (run->data[t->pos] == '#' ? 1 : 2)])))
			return true;
		if (!quoted || !sqli_after_break(run, i, quoted))
			continue;
		if (sqli_implicit_concat(run, i))
			return true;
		if ((t->type == SQLI_COMPARE || t->type == SQLI_OPERATOR) && i > 0) {
			unsigned b_at;
			if (t->type == SQLI_OPERATOR &&
			    !(run->data[t->pos] == '+' || run->data[t->pos] == '-' ||
			      run->data[t->pos] == '*' || run->data[t->pos] == '/' ||
			      run->data[t->pos] == '|' || run->data[t->pos] == '^' ||
			      run->data[t->pos] == '%'))
				continue;
			unsigned k = sqli_operand(run, i + 1, &b_at);
			if (k == 0)
				continue;
			if (run->token[b_at].type == SQLI_STATEMENT)
				return true;
			/* IS takes NULL, TRUE, NOT, ...: "id'is notes" is a typo, not a test. */
			if (t->len == 2 && sqli_lower(run->data[t->pos]) == 'i' &&
			    sqli_is(run, i + 1, SQLI_WORD) && !sqli_has(run, i + 1, SQLI_F_CONST))
				continue;
			k = sqli_skip_comments(run, k);
			while (sqli_is(run, k, SQLI_RPAREN))
				k++;
			/* "1'='1", "x'='x' --", "' = 1 OR": the comparison closes the query. */
			if (t->type == SQLI_COMPARE && sqli_is(run, k, SQLI_LOGIC))
				return true;
			if (t->type == SQLI_COMPARE && sqli_is_tail(run, k) &&
			    (!run->weak || sqli_is(run, k, SQLI_COMMENT)))
				return true;
			if (t->type == SQLI_OPERATOR && run->token[b_at].type == SQLI_FUNCTION &&
			    (run->token[b_at].flags & SQLI_F_SQLFUNC))
				return true;
		}
	}
	return false;
}

/*
 * The text a quote at data[quote] closes, back to where the parameter
 * value starts: blanks in it mean prose ("BAMBOO SOAP 1 '#"), not the
 * name or number an application quotes.
 */
static bool sqli_closed_text_is_prose(const uint8_t *data, uint32_t quote)
{
	for (uint32_t k = quote, steps = 0; k > 0 && steps < 64; k--, steps++) {
		uint8_t c = data[k - 1];
		if (c == '=' || c == '&' || c == '?' || c == '\'' || c == '"')
			return false;
		if (c == ' ' || c == '+')
			return true;
	}
	return false;
}

static bool sqli_run_from(const uint8_t *data, uint32_t len, uint32_t start, bool quoted)
{
	struct sqli_run run;
	run.weak = quoted && data[start - 1] == '"';
	run.prose = quoted && sqli_closed_text_is_prose(data, start - 1);
	run.data = data;
	run.pos = start;
	run.end = len - start > SQLI_RUN_BYTES ? start + SQLI_RUN_BYTES : len;
	run.count = 0;
	run.clipped = run.end < len;
	if (quoted)
		sqli_push(&run, SQLI_STRING, start, 0);
	while (sqli_lex_one(&run))
		;
	if (run.pos < run.end && run.pos < len && data[run.pos] != '&')
		run.clipped = true;
	if (run.count == 0)
		return false;
	return sqli_run_shape(&run, quoted);
}

bool injection_sqli(const uint8_t *data, uint32_t len)
{
	if (data == NULL || len == 0)
		return false;
	unsigned plain = 0, quoted = 0;
	if (sqli_run_from(data, len, 0, false))
		return true;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = data[i];
		if ((c == '=' || c == '&' || c == '?') && plain < SQLI_MAX_RUNS && i + 1 < len) {
			plain++;
			if (sqli_run_from(data, len, i + 1, false))
				return true;
		} else if ((c == '\'' || c == '"' || c == '`') && quoted < SQLI_MAX_RUNS) {
			quoted++;
			if (sqli_run_from(data, len, i + 1, true))
				return true;
		}
	}
	return false;
}
