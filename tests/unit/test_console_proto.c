/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/console_proto.c: request lines into words (quotes,
 * escapes, payload lengths) and every refusal with its column; JSON text
 * out (escapes, UTF-8 kept, other bytes as \u00XX) and the reader vigilctl
 * uses to find a response's members.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "control/console_proto.h"

static struct console_request request;

static enum console_parse_error parse(const char *line)
{
	return console_parse_line(line, strlen(line), &request);
}

static void test_words(void **state)
{
	(void)state;
	assert_int_equal(parse("rules load  local.rules\r"), CONSOLE_PARSE_OK);
	assert_int_equal(request.argc, 3);
	assert_string_equal(request.argv[0], "rules");
	assert_string_equal(request.argv[2], "local.rules");
	assert_false(request.has_payload);

	assert_int_equal(parse("audit \"a b\" \"q\\\"x\\\\\" \"\""), CONSOLE_PARSE_OK);
	assert_int_equal(request.argc, 4);
	assert_string_equal(request.argv[1], "a b");
	assert_string_equal(request.argv[2], "q\"x\\");
	assert_string_equal(request.argv[3], "");
}

static void test_payload(void **state)
{
	(void)state;
	assert_int_equal(parse("rules load x.rules <1234"), CONSOLE_PARSE_OK);
	assert_true(request.has_payload);
	assert_int_equal(request.payload_len, 1234);
	assert_int_equal(request.argc, 3);
	assert_int_equal(parse("rules load x.rules <0"), CONSOLE_PARSE_OK);
	assert_int_equal(request.payload_len, 0);
	assert_int_equal(parse("rules load <67108865"), CONSOLE_PARSE_BAD_PAYLOAD_LENGTH);
	assert_int_equal(parse("rules load <12a"), CONSOLE_PARSE_BAD_PAYLOAD_LENGTH);
	assert_int_equal(parse("<5"), CONSOLE_PARSE_EMPTY);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(parse(""), CONSOLE_PARSE_EMPTY);
	assert_int_equal(parse("   "), CONSOLE_PARSE_EMPTY);
	assert_int_equal(parse("status \"open"), CONSOLE_PARSE_UNTERMINATED_QUOTE);
	assert_int_equal(parse("status \"a\\nb\""), CONSOLE_PARSE_BAD_ESCAPE);
	assert_int_equal(parse("sta\x01tus"), CONSOLE_PARSE_CONTROL_CHARACTER);
	assert_int_equal(request.error_column, 4);
	char many[200] = "";
	for (int i = 0; i < CONSOLE_MAX_ARGS + 1; i++)
		strcat(many, "a ");
	assert_int_equal(parse(many), CONSOLE_PARSE_TOO_MANY_ARGS);
	static char longer[CONSOLE_MAX_LINE + 10];
	memset(longer, 'x', sizeof(longer) - 1);
	assert_int_equal(parse(longer), CONSOLE_PARSE_TOO_LONG);
	assert_string_equal(console_parse_error_text(CONSOLE_PARSE_TOO_LONG),
			    "request line too long");
}

static void test_json_out(void **state)
{
	(void)state;
	struct json_out j = {0};
	json_object_begin(&j);
	json_key(&j, "ok");
	json_raw(&j, "true");
	json_key(&j, "text");
	json_string_len(&j, "a\"b\\c\n\t\x01\xc3\xa9\xff", 11);
	json_key(&j, "list");
	json_array_begin(&j);
	json_element(&j);
	json_printf(&j, "%d", 1);
	json_element(&j);
	json_printf(&j, "%d", 2);
	json_array_end(&j);
	json_object_end(&j);
	assert_false(j.failed);
	assert_string_equal(j.text,
			    "{\"ok\":true,\"text\":\"a\\\"b\\\\c\\n\\t\\u0001\xc3\xa9\\u00ff\","
			    "\"list\":[1,2]}");
	char out[64];
	assert_int_equal(json_find_bool(j.text, "ok"), 1);
	assert_int_equal(json_find_string(j.text, "text", out, sizeof(out)), 0);
	assert_string_equal(out, "a\"b\\c\n\t\x01\xc3\xa9\xc3\xbf");
	assert_int_equal(json_find_string(j.text, "list", out, sizeof(out)), -ENOENT);
	assert_int_equal(json_find_string(j.text, "missing", out, sizeof(out)), -ENOENT);
	json_free(&j);
}

static void test_json_reader(void **state)
{
	(void)state;
	char out[8];
	const char *answer = "{ \"nested\": {\"text\": \"inner\", \"a\": [1, {\"b\": null}]},"
			     " \"ok\" : false, \"text\": \"outer text\" }";
	assert_int_equal(json_find_bool(answer, "ok"), 0);
	assert_int_equal(json_find_string(answer, "text", out, sizeof(out)), 0);
	assert_string_equal(out, "outer t"); /* cut to the buffer */
	assert_int_equal(json_find_string("{\"text\": \"unterminated", "text", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(json_find_bool("not json", "ok"), -ENOENT);
	assert_int_equal(json_find_bool("{\"x\": [[[[", "ok"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words),	cmocka_unit_test(test_payload),
	    cmocka_unit_test(test_refusals),	cmocka_unit_test(test_json_out),
	    cmocka_unit_test(test_json_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
