/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * base64_decode and base64_data, the older pair of the from_base64
 * transform (Suricata's base64 keywords):
 *   base64_decode[:bytes N][, offset N][, relative];
 *     decodes at most N bytes of base64 text (RFC 4648: it stops at the
 *     first byte outside the alphabet) found offset bytes after the start
 *     of the buffer, or after the previous match when relative. Holds when
 *     something was decoded; it never moves the cursor.
 *   base64_data;
 *     the options after it inspect the decoded bytes, from their start
 *     (a relative option first after it counts from there).
 * Both are payload options of the buffer in effect: base64_data is one link
 * of that buffer's chain, so when what follows it fails, the matcher tries
 * the content before base64_decode at its next occurrence, as Suricata
 * does. The decoded bytes live in a per-thread block (never per packet);
 * the cursor points at them (struct rule_payload_cursor.decoded). The
 * options after base64_data are never a fast pattern (rules/match/match.h
 * rule_option_sees_raw_view()).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules/keywords/kw_transform.h"
#include "rules/lang/keyword.h"
#include "rules/match/payload.h"

/* Suricata caps what base64_decode makes available at 64 KiB. */
#define KW_BASE64_DECODED_MAX (64 * 1024)

struct kw_base64_decode {
	struct payload_head head; /* first: see payload.h */
	uint32_t bytes;		  /* of base64 text; 0: to the end of the buffer */
	uint32_t offset;
};

/* The decoded bytes of the last base64_decode this thread ran. */
static __thread uint8_t kw_base64_decoded[KW_BASE64_DECODED_MAX];

/* "bytes 10" / "offset 4" / "relative"; false on anything else. */
static bool kw_base64_part(struct kw_base64_decode *d, char *part)
{
	char *word = part, *end;
	while (isspace((unsigned char)*word))
		word++;
	char *rest = word;
	while (*rest && !isspace((unsigned char)*rest))
		rest++;
	if (*rest)
		*rest++ = '\0';
	while (isspace((unsigned char)*rest))
		rest++;
	for (char *t = rest + strlen(rest); t > rest && isspace((unsigned char)t[-1]);)
		*--t = '\0';
	if (strcmp(word, "relative") == 0 && !*rest) {
		d->head.relative = true;
		return true;
	}
	bool is_bytes = strcmp(word, "bytes") == 0;
	if (!is_bytes && strcmp(word, "offset") != 0)
		return false;
	if (!isdigit((unsigned char)*rest))
		return false;
	unsigned long v = strtoul(rest, &end, 10);
	if (*end || v > 65535 || (is_bytes && v == 0))
		return false;
	if (is_bytes)
		d->bytes = (uint32_t)v;
	else
		d->offset = (uint32_t)v;
	return true;
}

static int kw_base64_decode_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	int rc = payload_check_room(parser, rule, "base64_decode");
	if (rc < 0)
		return rc;
	struct kw_base64_decode *d = calloc(1, sizeof(*d));
	char buf[128];
	if (!d)
		return rule_parser_error(parser, "out of memory");
	d->head.type = PAYLOAD_BASE64_DECODE;
	bool ok = !value || strlen(value) < sizeof(buf);
	if (ok && value) {
		strcpy(buf, value);
		for (char *save = NULL, *part = strtok_r(buf, ",", &save); part && ok;
		     part = strtok_r(NULL, ",", &save))
			ok = kw_base64_part(d, part);
	}
	if (!ok) {
		free(d);
		return rule_parser_error(parser, "bad value of \"base64_decode\": \"%s\"", value);
	}
	if (!rule_parser_add_option(parser, rule, d)) {
		free(d);
		return -1;
	}
	return 0;
}

static const char *const kw_base64_decode_names[] = {"base64_decode", NULL};

static int kw_base64_data_parse(struct rule_parser *parser, struct rule *rule, const char *value)
{
	(void)value;
	struct rule_option *decode = rule_parser_last_option(parser, rule, kw_base64_decode_names);
	if (!decode || decode->buffer != rule_parser_buffer(parser))
		return rule_parser_error(parser, "base64_data needs a base64_decode before it in "
						 "the same buffer");
	int rc = payload_check_room(parser, rule, "base64_data");
	if (rc < 0)
		return rc;
	struct payload_head *head = calloc(1, sizeof(*head));
	if (!head)
		return rule_parser_error(parser, "out of memory");
	head->type = PAYLOAD_BASE64_DATA;
	if (!rule_parser_add_option(parser, rule, head)) {
		free(head);
		return -1;
	}
	return 0;
}

/* Per-packet path: decodes into this thread's block; the cursor stays where it was. */
static bool kw_base64_decode_inspect(const struct rule_option *option,
				     struct rule_payload_cursor *cursor)
{
	const struct kw_base64_decode *d = option->data;
	uint64_t start =
	    (d->head.relative ? cursor->position : cursor->origin) + (uint64_t)d->offset;
	cursor->decoded_len = 0;
	if (start >= cursor->len)
		return false;
	uint32_t n = cursor->len - (uint32_t)start;
	if (d->bytes && d->bytes < n)
		n = d->bytes;
	/* four letters give three bytes: keep the output inside the block */
	if (n > KW_BASE64_DECODED_MAX / 3 * 4)
		n = KW_BASE64_DECODED_MAX / 3 * 4;
	bool ok;
	cursor->decoded_len =
	    kw_base64_decode(cursor->data + start, n, KW_BASE64_RFC4648, kw_base64_decoded, &ok);
	cursor->decoded = kw_base64_decoded;
	return cursor->decoded_len > 0;
}

/* Per-packet path: the cursor moves to the decoded bytes (match.c restores it on a retry). */
static bool kw_base64_data_inspect(const struct rule_option *option,
				   struct rule_payload_cursor *cursor)
{
	(void)option;
	if (!cursor->decoded_len)
		return false;
	cursor->data = cursor->decoded;
	cursor->len = cursor->decoded_len;
	cursor->origin = 0;
	cursor->position = 0;
	cursor->match_start = 0;
	cursor->search_from = 0;
	cursor->more = false;
	return true;
}

void kw_base64_register(void)
{
	static const struct rule_keyword rows[] = {
	    {.name = "base64_decode",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_OPTIONAL,
	     .parse = kw_base64_decode_parse,
	     .inspect = kw_base64_decode_inspect},
	    {.name = "base64_data",
	     .kind = RULE_KW_PAYLOAD,
	     .value = RULE_KW_VALUE_NONE,
	     .parse = kw_base64_data_parse,
	     .inspect = kw_base64_data_inspect},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rule_keyword_register(&rows[i]);
}
