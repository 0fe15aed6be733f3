/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/rules_update.c and its store (control/rules_store.c):
 * a file is written whole under its name or not at all; versions.log lists
 * the committed versions; and after a crash during a commit (kill -9
 * between the staged version's files and its line in versions.log,
 * simulated by leaving what such a crash leaves) a restart reports and
 * removes the orphan folder, keeps the committed versions and numbers on
 * from the last committed one.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "control/console_proto.h"
#include "control/rules_store.h"
#include "control/rules_update.h"

static char store[64];

static int store_setup(void **state)
{
	(void)state;
	snprintf(store, sizeof(store), "/tmp/vigil-test-store-XXXXXX");
	return mkdtemp(store) ? 0 : -1;
}

static int store_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", store);
	return system(cmd) == 0 ? 0 : -1;
}

static bool exists(const char *fmt, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), fmt, store, name);
	struct stat st;
	return stat(path, &st) == 0;
}

static char *read_text(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Entries of the store folder whose name starts with a dot (temporary files), . and .. aside. */
static unsigned hidden_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_is_whole_and_leaves_no_temporary(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/a.rules", store);
	const char *text = "alert udp any any -> any any (msg:\"x\"; sid:1;)\n";
	assert_int_equal(rules_store_write(path, text, strlen(text)), 0);
	assert_string_equal(read_text(path), text);
	assert_int_equal(rules_store_write(path, "new\n", 4), 0); /* replaced whole */
	assert_string_equal(read_text(path), "new\n");
	assert_int_equal(hidden_entries(store), 0);
}

static void test_log_lists_committed_versions(void **state)
{
	(void)state;
	assert_int_equal(rules_store_last_number(store), 0);
	assert_int_equal(rules_store_log_append(store, "{\"version\":2,\"files\":[]}\n"), 0);
	assert_int_equal(rules_store_log_append(store, "{\"version\":3,\"files\":[]}\n"), 0);
	assert_int_equal(rules_store_last_number(store), 3);
	assert_true(rules_store_committed(store, 2));
	assert_true(rules_store_committed(store, 3));
	assert_false(rules_store_committed(store, 4));
	char path[128];
	snprintf(path, sizeof(path), "%s/versions.log", store);
	assert_string_equal(read_text(path),
			    "{\"version\":2,\"files\":[]}\n{\"version\":3,\"files\":[]}\n");
	assert_int_equal(hidden_entries(store), 0);
}

/*
 * A store as kill -9 during `rules commit` of version 4 leaves it: v2 and
 * v3 committed (folders and lines), v4's folder with its staged file but no
 * line, and a temporary file of a write that never reached its rename.
 */
static void crash_during_commit(void)
{
	char path[256];
	for (unsigned v = 2; v <= 4; v++) {
		snprintf(path, sizeof(path), "%s/v%u", store, v);
		assert_int_equal(mkdir(path, 0700), 0);
		snprintf(path, sizeof(path), "%s/v%u/site.rules", store, v);
		assert_int_equal(rules_store_write(path, "# rules\n", 8), 0);
	}
	assert_int_equal(rules_store_log_append(store, "{\"version\":2,\"files\":[]}\n"), 0);
	assert_int_equal(rules_store_log_append(store, "{\"version\":3,\"files\":[]}\n"), 0);
	snprintf(path, sizeof(path), "%s/.versions.log.tmp", store);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"version\":2,\"files\":[]}\n{\"versi", f);
	fclose(f);
}

static void test_restart_after_crash_removes_the_orphan(void **state)
{
	(void)state;
	crash_during_commit();
	char path[128];
	snprintf(path, sizeof(path), "%s/versions.log", store);
	char log_before[8192];
	strcpy(log_before, read_text(path));

	struct rules_update ru;
	struct ruleset_options base = {0};
	assert_int_equal(rules_update_init(&ru, &base, NULL, NULL, store, 16, NULL, NULL), 0);

	assert_false(exists("%s/%s", "v4"));	       /* the orphan is gone */
	assert_true(exists("%s/%s", "v2/site.rules")); /* committed versions stay */
	assert_true(exists("%s/%s", "v3/site.rules"));
	assert_int_equal(hidden_entries(store), 0);
	assert_string_equal(read_text(path), log_before);
	/* numbering goes on from the last committed version, not the orphan's */
	assert_int_equal(rules_update_live(&ru)->number, 4);
	assert_int_equal(ru.next_number, 5);
	rules_update_close(&ru);

	/* A second restart finds nothing more to remove. */
	assert_int_equal(rules_store_sweep(store), 0);
}

/* Staging writes the candidate's file under vN; with no commit, the next start removes it. */
static void test_staged_but_not_committed_is_an_orphan(void **state)
{
	(void)state;
	struct rules_update ru;
	struct ruleset_options base = {0};
	assert_int_equal(rules_update_init(&ru, &base, NULL, NULL, store, 16, NULL, NULL), 0);
	assert_int_equal(rules_update_live(&ru)->number, 1);
	struct json_out answer = {0};
	char error[256] = "";
	const char *text = "alert udp any any -> any any (msg:\"staged\"; sid:7; rev:1;)\n";
	int rc = rules_update_stage(&ru, "site.rules", (const uint8_t *)text, strlen(text), false,
				    "test", &answer, error, sizeof(error));
	json_free(&answer);
	assert_int_equal(rc, 0);
	assert_true(exists("%s/%s", "v2/site.rules"));
	assert_int_equal(hidden_entries(store), 0);
	rules_update_close(&ru); /* vigil dies here: never committed */

	assert_int_equal(rules_store_sweep(store), 1);
	assert_false(exists("%s/%s", "v2"));
	assert_int_equal(rules_store_last_number(store), 0);
}

/*
 * After a restart the live version is the last committed one: its line in
 * versions.log (as rules_update_persist writes it: files and policy as JSON
 * strings) gives the files to run, and the version keeps its number; an
 * orphan after it changes nothing.
 */
static void test_restart_runs_the_last_committed_version(void **state)
{
	(void)state;
	char v2[128], v3[128], policy[128], line[1024];
	snprintf(v2, sizeof(v2), "%s/v2", store);
	snprintf(v3, sizeof(v3), "%s/v3", store);
	assert_int_equal(mkdir(v2, 0700), 0);
	assert_int_equal(mkdir(v3, 0700), 0);
	snprintf(v2, sizeof(v2), "%s/v2/a \"quoted\".rules", store);
	snprintf(v3, sizeof(v3), "%s/v3/b.rules", store);
	snprintf(policy, sizeof(policy), "%s/v3/site.policy", store);
	assert_int_equal(rules_store_write(v2, "# a\n", 4), 0);
	assert_int_equal(rules_store_write(v3, "# b\n", 4), 0);
	assert_int_equal(rules_store_write(policy, "# p\n", 4), 0);
	snprintf(line, sizeof(line),
		 "{\"version\":2,\"time\":1,\"origin\":\"rules load a by x\",\"loaded\":1,"
		 "\"read\":1,\"files\":[\"%s/v2/a \\\"quoted\\\".rules\"],\"policy\":\"\"}\n",
		 store);
	assert_int_equal(rules_store_log_append(store, line), 0);
	snprintf(line, sizeof(line),
		 "{\"version\":3,\"time\":2,\"origin\":\"policy load by x\",\"loaded\":2,"
		 "\"read\":2,\"files\":[\"%s/v2/a \\\"quoted\\\".rules\",\"%s\"],"
		 "\"policy\":\"%s\"}\n",
		 store, v3, policy);
	assert_int_equal(rules_store_log_append(store, line), 0);
	char orphan[128];
	snprintf(orphan, sizeof(orphan), "%s/v4", store); /* kill -9 during the commit of 4 */
	assert_int_equal(mkdir(orphan, 0700), 0);

	static struct rules_version v;
	assert_int_equal(rules_update_last_committed(store, &v), 0);
	assert_int_equal(v.number, 3);
	assert_int_equal(v.file_count, 2);
	assert_string_equal(v.files[0], v2);
	assert_string_equal(v.files[1], v3);
	assert_string_equal(v.policy, policy);
	assert_string_equal(v.origin, "policy load by x");

	static struct rules_update ru;
	struct ruleset_options base = {0};
	assert_int_equal(rules_update_init(&ru, &base, NULL, NULL, store, 16, NULL, &v), 0);
	assert_false(exists("%s/%s", "v4"));
	assert_int_equal(rules_update_live(&ru)->number, 3);
	assert_string_equal(rules_update_live(&ru)->files[1], v3);
	assert_int_equal(ru.next_number, 4);
	rules_update_close(&ru);

	/* Its files gone: not run again (vigil starts from --rules). */
	unlink(v3);
	assert_true(rules_update_last_committed(store, &v) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_write_is_whole_and_leaves_no_temporary,
					    store_setup, store_teardown),
	    cmocka_unit_test_setup_teardown(test_log_lists_committed_versions, store_setup,
					    store_teardown),
	    cmocka_unit_test_setup_teardown(test_restart_after_crash_removes_the_orphan,
					    store_setup, store_teardown),
	    cmocka_unit_test_setup_teardown(test_staged_but_not_committed_is_an_orphan, store_setup,
					    store_teardown),
	    cmocka_unit_test_setup_teardown(test_restart_runs_the_last_committed_version,
					    store_setup, store_teardown),
	};
	return cmocka_run_group_tests_name("rules_update", tests, NULL, NULL);
}
