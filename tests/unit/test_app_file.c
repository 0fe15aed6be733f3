/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for dataplane/app/app_file.c: a file's name (kept up to its
 * bound, marked cut), libmagic's description (once per file, only when
 * asked), the hashes at close (known digests; none for a truncated file;
 * only those asked), and the filestore store (Suricata's DIR/xx/SHA256
 * layout, the same bytes stored once, the bound refusing what would pass
 * it and leaving nothing behind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <errno.h>

#include <cmocka.h>

#include "dataplane/app/app_file.h"

static void test_name(void **state)
{
	(void)state;
	struct app_file f;
	memset(&f, 0, sizeof(f));
	app_file_name(&f, "/dl/r.pdf", 9);
	assert_true(f.named);
	assert_string_equal(f.name, "/dl/r.pdf");
	assert_int_equal(f.name_len, 9);
	assert_false(f.name_cut);
	char long_name[400];
	memset(long_name, 'a', sizeof(long_name));
	app_file_name(&f, long_name, sizeof(long_name));
	assert_true(f.name_cut);
	assert_int_equal(f.name_len, APP_FILE_NAME_MAX - 1);
	assert_int_equal(strlen(f.name), APP_FILE_NAME_MAX - 1);
}

static void test_magic(void **state)
{
	(void)state;
	static const char pdf[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n";
	struct app_file f;
	memset(&f, 0, sizeof(f));
	/* not asked: none, and the file is not looked at again */
	app_file_magic(&f, (const uint8_t *)pdf, sizeof(pdf) - 1, false);
	assert_string_equal(f.magic, "");
	assert_true(f.magic_done);
	memset(&f, 0, sizeof(f));
	assert_int_equal(app_file_magic_load(), 0);
	app_file_magic(&f, (const uint8_t *)pdf, sizeof(pdf) - 1, true);
	assert_non_null(strstr(f.magic, "PDF document"));
	/* once per file: other bytes later do not change it */
	app_file_magic(&f, (const uint8_t *)"MZ\x90\x00", 4, true);
	assert_non_null(strstr(f.magic, "PDF document"));
	memset(&f, 0, sizeof(f));
	app_file_magic(&f, (const uint8_t *)"hello world\n", 12, true);
	assert_non_null(strstr(f.magic, "ASCII text"));
}

static void test_hashes(void **state)
{
	(void)state;
	struct app_file f;
	char hex[65];
	memset(&f, 0, sizeof(f));
	app_file_close(&f, (const uint8_t *)"abc", 3, false,
		       RULE_FILE_HAS_MD5 | RULE_FILE_HAS_SHA1 | RULE_FILE_HAS_SHA256);
	assert_int_equal(f.meta.state, RULE_FILE_CLOSED);
	assert_int_equal(f.meta.size, 3);
	assert_int_equal(f.meta.hashes,
			 RULE_FILE_HAS_MD5 | RULE_FILE_HAS_SHA1 | RULE_FILE_HAS_SHA256);
	app_file_hex(f.meta.md5, 16, hex);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	app_file_hex(f.meta.sha1, 20, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	app_file_hex(f.meta.sha256, 32, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* only what is asked */
	memset(&f, 0, sizeof(f));
	app_file_close(&f, (const uint8_t *)"abc", 3, false, RULE_FILE_HAS_SHA1);
	assert_int_equal(f.meta.hashes, RULE_FILE_HAS_SHA1);
	/* a truncated file has none: its hash would name bytes that are not the file */
	memset(&f, 0, sizeof(f));
	app_file_close(&f, (const uint8_t *)"abc", 3, true, RULE_FILE_HAS_MD5);
	assert_int_equal(f.meta.state, RULE_FILE_TRUNCATED);
	assert_int_equal(f.meta.hashes, 0);
}

static void test_store(void **state)
{
	(void)state;
	char dir[64];
	snprintf(dir, sizeof(dir), "/tmp/test_app_file.XXXXXX");
	assert_non_null(mkdtemp(dir));
	struct app_file_store store;
	memset(&store, 0, sizeof(store));
	snprintf(store.dir, sizeof(store.dir), "%s/store", dir);
	store.limit = 8;

	struct app_file_info info;
	memset(&info, 0, sizeof(info));
	info.meta.state = RULE_FILE_CLOSED;
	assert_int_equal(app_file_store_write(&store, &info, (const uint8_t *)"abc", 3), 0);
	assert_true(info.stored);
	/* the sha256 the store computed names the file, and fileinfo shows it */
	assert_true(info.meta.hashes & RULE_FILE_HAS_SHA256);
	char path[400];
	snprintf(path, sizeof(path), "%s/ba/%s", store.dir,
		 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(store.used, 3);

	/* the same bytes again: stored already, nothing counted */
	memset(&info, 0, sizeof(info));
	info.meta.state = RULE_FILE_CLOSED;
	assert_int_equal(app_file_store_write(&store, &info, (const uint8_t *)"abc", 3), 0);
	assert_true(info.stored);
	assert_int_equal(store.used, 3);

	/* past the bound (3 + 6 > 8): refused, not stored, nothing left behind */
	memset(&info, 0, sizeof(info));
	info.meta.state = RULE_FILE_CLOSED;
	assert_int_equal(app_file_store_write(&store, &info, (const uint8_t *)"abcdef", 6),
			 -ENOSPC);
	assert_false(info.stored);
	assert_int_equal(store.used, 3);
	char hex[65];
	app_file_hex(info.meta.sha256, 32, hex);
	snprintf(path, sizeof(path), "%s/%.2s/%s", store.dir, hex, hex);
	assert_int_not_equal(stat(path, &st), 0);

	/* what still fits is taken */
	memset(&info, 0, sizeof(info));
	info.meta.state = RULE_FILE_CLOSED;
	assert_int_equal(app_file_store_write(&store, &info, (const uint8_t *)"xyz", 3), 0);
	assert_int_equal(store.used, 6);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name),
	    cmocka_unit_test(test_magic),
	    cmocka_unit_test(test_hashes),
	    cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
