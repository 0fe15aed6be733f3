/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the file keywords of kw_file.c: filename, fileext,
 * filemagic (each one content in its buffer), the file.name and
 * file.magic sticky buffers, filesize (numbers, units, ranges, open and
 * truncated files), filemd5, filesha1, filesha256 (hash lists beside
 * the rules file, negation, bad lists) and filestore (its values and
 * what rule_match_filestore() asks for). Each keyword is parsed from
 * rule text, good and bad, and matched with rule_match() against the
 * buffers the HTTP parser fills for a body (file.name, file.magic,
 * file.meta), with one input that matches and one that does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/lang/parse.h"
#include "rules/match/match.h"

static struct rule_parser *parser;
static char dir[64];	     /* holds the rules file's hash lists */
static char rules_file[128]; /* dir/test.rules: where a relative hash list is looked for */

static struct rule *parse_options(const char *options)
{
	char text[2048];
	snprintf(text, sizeof(text), "alert http any any -> any any (msg:\"t\"; %s sid:1;)",
		 options);
	return rule_parse(parser, text, rules_file, 1);
}

static struct rule *parse_ok(const char *options)
{
	struct rule *rule = parse_options(options);
	if (!rule)
		fail_msg("rule refused: %s: %s", options, rule_parser_last_error(parser)->reason);
	return rule;
}

static void parse_fails(const char *options, const char *want)
{
	struct rule *rule = parse_options(options);
	if (rule) {
		rule_free(rule);
		fail_msg("rule loaded but should not: %s", options);
	}
	const char *reason = rule_parser_last_error(parser)->reason;
	if (!reason || !strstr(reason, want))
		fail_msg("rule %s: reason \"%s\" lacks \"%s\"", options, reason ? reason : "(none)",
			 want);
}

/* A body's file as the HTTP parser lays it out: its name, magic and file.meta. */
struct file_view {
	const char *name;
	const char *magic; /* NULL: none */
	struct rule_file_meta meta;
};

static bool match_file(const char *options, const struct file_view *f)
{
	struct rule *rule = parse_ok(options);
	struct rule_match_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	/* exact-length heap copies, so ASan sees a read past a buffer */
	char *name = strdup(f->name);
	char *magic = f->magic ? strdup(f->magic) : NULL;
	struct rule_file_meta *meta = malloc(sizeof(*meta));
	assert_non_null(name);
	assert_non_null(meta);
	*meta = f->meta;
	ctx.buffer[RULE_BUFFER_FILE_NAME] = (const uint8_t *)name;
	ctx.buffer_len[RULE_BUFFER_FILE_NAME] = (uint32_t)strlen(name);
	if (magic) {
		ctx.buffer[RULE_BUFFER_FILE_MAGIC] = (const uint8_t *)magic;
		ctx.buffer_len[RULE_BUFFER_FILE_MAGIC] = (uint32_t)strlen(magic);
	}
	ctx.buffer[RULE_BUFFER_FILE_META] = (const uint8_t *)meta;
	ctx.buffer_len[RULE_BUFFER_FILE_META] = sizeof(*meta);
	bool hit = rule_match(rule, &ctx);
	free(name);
	free(magic);
	free(meta);
	rule_free(rule);
	return hit;
}

static const struct file_view pdf = {
    .name = "/~regit/r.pdf",
    .magic = "PDF document, version 1.4",
    .meta = {.size = 1000, .state = RULE_FILE_CLOSED},
};

/* ---- filename, fileext, filemagic, file.name, file.magic --------------- */

static void test_filename(void **state)
{
	(void)state;
	struct rule *rule = parse_ok("filename:\"r.pdf\"; content:\"x\";");
	assert_int_equal(rule->options[0].buffer, RULE_BUFFER_FILE_NAME);
	assert_string_equal(rule_keywords[rule->options[0].keyword].name, "content");
	assert_int_equal(rule->options[1].buffer, RULE_BUFFER_PKT_DATA); /* not sticky */
	rule_free(rule);
	assert_true(match_file("filename:\"R.PDF\";", &pdf)); /* case does not matter */
	assert_true(match_file("filename:\"r\";", &pdf));     /* anywhere in the name */
	assert_false(match_file("filename:\"s.pdf\";", &pdf));
	assert_true(match_file("filename:!\"S.PDF\";", &pdf));
	assert_false(match_file("filename:!\"r.pdf\";", &pdf));
	parse_fails("filename;", "needs a value");
	parse_fails("filename:\"\";", "needs a value");
	parse_fails("filename:!\"\";", "empty");
}

static void test_fileext(void **state)
{
	(void)state;
	assert_true(match_file("fileext:\"pdf\";", &pdf));
	assert_true(match_file("fileext:\"PDF\";", &pdf));
	assert_false(match_file("fileext:\"doc\";", &pdf));
	/* the extension ends the name: ".pdf" inside it is not one */
	struct file_view inner = pdf;
	inner.name = "/a.pdf.exe";
	assert_false(match_file("fileext:\"pdf\";", &inner));
	assert_true(match_file("fileext:\"exe\";", &inner));
	/* the dot is part of it: "xpdf" is no .pdf */
	inner.name = "/xpdf";
	assert_false(match_file("fileext:\"pdf\";", &inner));
	assert_true(match_file("fileext:!\"exe\";", &pdf));
	parse_fails("fileext;", "needs a value");
}

static void test_filemagic(void **state)
{
	(void)state;
	assert_true(match_file("filemagic:\"pdf document\";", &pdf));
	assert_false(match_file("filemagic:\"PE32\";", &pdf));
	assert_true(match_file("filemagic:!\"PE32\";", &pdf));
	struct file_view unknown = pdf;
	unknown.magic = NULL; /* magic not computed: nothing to hold */
	assert_false(match_file("filemagic:\"PDF\";", &unknown));
	parse_fails("filemagic;", "needs a value");
}

static void test_sticky_buffers(void **state)
{
	(void)state;
	assert_true(match_file("file.name; content:\".pdf\"; endswith;", &pdf));
	assert_false(match_file("file.name; content:\".PDF\"; endswith;", &pdf));
	assert_true(match_file("file.magic; content:\"PDF\"; startswith;", &pdf));
	assert_false(match_file("file.magic; content:\"ZIP\";", &pdf));
	parse_fails("file.meta; content:\"x\";", "unknown keyword");
}

/* ---- filesize ---------------------------------------------------------- */

static bool size_is(const char *value, uint64_t size, enum rule_file_state state)
{
	char options[128];
	struct file_view f = pdf;
	f.meta.size = size;
	f.meta.state = (uint8_t)state;
	snprintf(options, sizeof(options), "filesize:%s;", value);
	return match_file(options, &f);
}

static void test_filesize(void **state)
{
	(void)state;
	assert_true(size_is("1000", 1000, RULE_FILE_CLOSED));
	assert_false(size_is("1000", 1001, RULE_FILE_CLOSED));
	assert_true(size_is("!1000", 1001, RULE_FILE_CLOSED));
	assert_true(size_is("<1001", 1000, RULE_FILE_CLOSED));
	assert_false(size_is("<1000", 1000, RULE_FILE_CLOSED));
	assert_true(size_is("<=1000", 1000, RULE_FILE_CLOSED));
	assert_true(size_is(">999", 1000, RULE_FILE_CLOSED));
	assert_true(size_is(">=1000", 1000, RULE_FILE_CLOSED));
	assert_true(size_is("999<>1001", 1000, RULE_FILE_CLOSED));
	assert_false(size_is("1000<>1001", 1000, RULE_FILE_CLOSED)); /* both ends excluded */
	assert_true(size_is("999-1001", 1000, RULE_FILE_CLOSED));
	assert_true(size_is("1KB", 1024, RULE_FILE_CLOSED));
	assert_true(size_is(">1MB", (1u << 20) + 1, RULE_FILE_CLOSED));
	assert_true(size_is("2GB", 2ull << 30, RULE_FILE_CLOSED));
	/* open: only "more than" can hold already; truncated: never */
	assert_true(size_is(">100", 200, RULE_FILE_OPEN));
	assert_false(size_is(">100", 50, RULE_FILE_OPEN));
	assert_false(size_is("200", 200, RULE_FILE_OPEN));
	assert_false(size_is("<300", 200, RULE_FILE_OPEN));
	assert_false(size_is(">100", 200, RULE_FILE_TRUNCATED));
	parse_fails("filesize:abc;", "filesize");
	parse_fails("filesize:10<>5;", "filesize");
	parse_fails("filesize:10TB;", "filesize");
	parse_fails("filesize:>;", "filesize");
	parse_fails("filesize;", "needs a value");
}

/* ---- filemd5, filesha1, filesha256 --------------------------------------- */

static void write_list(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void hex_bytes(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

#define MD5_IN	"090fe607a5be1228362614ccaa088577"
#define MD5_OUT "d41d8cd98f00b204e9800998ecf8427e"

static void test_filemd5(void **state)
{
	(void)state;
	write_list("md5.list", "# known bad\n\n" MD5_OUT "\n" MD5_IN "  sample.exe\n");
	struct file_view f = pdf;
	hex_bytes(MD5_IN, f.meta.md5, 16);
	f.meta.hashes = RULE_FILE_HAS_MD5;
	assert_true(match_file("filemd5:md5.list;", &f));
	assert_false(match_file("filemd5:!md5.list;", &f));
	hex_bytes("00112233445566778899aabbccddeeff", f.meta.md5, 16);
	assert_false(match_file("filemd5:md5.list;", &f));
	assert_true(match_file("filemd5:!md5.list;", &f));
	/* not hashed (open, truncated, or the board did not ask): never */
	f.meta.hashes = 0;
	assert_false(match_file("filemd5:!md5.list;", &f));
	/* an absolute path as it is */
	char options[256];
	snprintf(options, sizeof(options), "filemd5:%s/md5.list;", dir);
	hex_bytes(MD5_OUT, f.meta.md5, 16);
	f.meta.hashes = RULE_FILE_HAS_MD5;
	assert_true(match_file(options, &f));
	parse_fails("filemd5:missing.list;", "cannot read");
	parse_fails("filemd5:/dev/zero;", "not a regular file");
	write_list("bad.list", MD5_IN "\nnot-a-hash\n");
	parse_fails("filemd5:bad.list;", "bad.list:2");
	write_list("short.list", "090fe607\n");
	parse_fails("filemd5:short.list;", "16-byte");
	write_list("empty.list", "# nothing\n");
	parse_fails("filemd5:empty.list;", "no hash");
	parse_fails("filemd5;", "needs a value");
}

static void test_filesha(void **state)
{
	(void)state;
	const char *sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
	const char *sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	char text[128];
	snprintf(text, sizeof(text), "%s\n", sha1);
	write_list("sha1.list", text);
	snprintf(text, sizeof(text), "%s\n", sha256);
	write_list("sha256.list", text);
	struct file_view f = pdf;
	hex_bytes(sha1, f.meta.sha1, 20);
	hex_bytes(sha256, f.meta.sha256, 32);
	f.meta.hashes = RULE_FILE_HAS_SHA1 | RULE_FILE_HAS_SHA256;
	assert_true(match_file("filesha1:sha1.list;", &f));
	assert_true(match_file("filesha256:sha256.list;", &f));
	f.meta.sha256[0] ^= 1;
	assert_false(match_file("filesha256:sha256.list;", &f));
	f.meta.hashes = RULE_FILE_HAS_SHA256; /* sha1 not computed */
	assert_false(match_file("filesha1:sha1.list;", &f));
	parse_fails("filesha1:sha256.list;", "20-byte");
	parse_fails("filesha256:sha1.list;", "32-byte");
}

/* ---- filestore --------------------------------------------------------- */

static void test_filestore(void **state)
{
	(void)state;
	struct rule *rule = parse_ok("filestore;");
	assert_int_equal(rule_match_filestore(rule, true), RULE_FILESTORE_REQUEST);
	assert_int_equal(rule_match_filestore(rule, false), RULE_FILESTORE_RESPONSE);
	rule_free(rule);
	rule = parse_ok("filestore:both,tx;");
	assert_int_equal(rule_match_filestore(rule, true),
			 RULE_FILESTORE_REQUEST | RULE_FILESTORE_RESPONSE);
	rule_free(rule);
	rule = parse_ok("filestore:response,file;");
	assert_int_equal(rule_match_filestore(rule, true), RULE_FILESTORE_RESPONSE);
	rule_free(rule);
	rule = parse_ok("filestore:request;");
	assert_int_equal(rule_match_filestore(rule, false), RULE_FILESTORE_REQUEST);
	rule_free(rule);
	rule = parse_ok("content:\"x\";");
	assert_int_equal(rule_match_filestore(rule, true), 0);
	rule_free(rule);
	/* filestore is an action, not a test: the rule holds on its other options */
	assert_true(match_file("filename:\"r.pdf\"; filestore;", &pdf));
	parse_fails("filestore:sideways;", "filestore");
	parse_fails("filestore:both,forever;", "filestore");
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_rule_file.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(rules_file, sizeof(rules_file), "%s/test.rules", dir);
	parser = rule_parser_create();
	return parser ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const lists[] = {"md5.list",	  "bad.list",  "short.list",
					    "empty.list", "sha1.list", "sha256.list"};
	char path[256];
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, lists[i]);
		unlink(path);
	}
	rmdir(dir);
	rule_parser_destroy(parser);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filename),  cmocka_unit_test(test_fileext),
	    cmocka_unit_test(test_filemagic), cmocka_unit_test(test_sticky_buffers),
	    cmocka_unit_test(test_filesize),  cmocka_unit_test(test_filemd5),
	    cmocka_unit_test(test_filesha),   cmocka_unit_test(test_filestore),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
