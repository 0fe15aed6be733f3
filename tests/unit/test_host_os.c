/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the per-destination policy table (dataplane/flow/host_os.c):
 * prefixes are added as the board adds them, then addresses are looked up
 * (longest prefix, IPv4 and IPv6, stack and urgent prefixes apart) and the
 * refusals are checked with their reasons.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "dataplane/flow/host_os.h"

static struct host_os_table table;
static char why[128];

static struct host_os_prefix prefix(const char *text, unsigned len, enum host_os_kind kind,
				    uint8_t value)
{
	struct host_os_prefix p = {.len = (uint8_t)len, .kind = (uint8_t)kind, .value = value};
	int v6 = strchr(text, ':') != NULL;

	p.ip_version = v6 ? 6 : 4;
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, text, p.addr), 1);
	return p;
}

static int add(const char *text, unsigned len, enum host_os_kind kind, uint8_t value)
{
	struct host_os_prefix p = prefix(text, len, kind, value);
	return host_os_add(&table, &p, why, sizeof(why));
}

/*
 * A table from prefixes ("ADDR/LEN KEY, ...", KEY as the board names it),
 * then each "ADDR STACK URGENT" of expect looked up: the policy it must get.
 */
static void check(const char *prefixes, const char *expect)
{
	char list[512], addr[64], key[32], urgent[32];
	char *save;
	unsigned len;

	memset(&table, 0, sizeof(table));
	snprintf(list, sizeof(list), "%s", prefixes);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum host_os_kind kind;
		uint8_t value;
		assert_int_equal(sscanf(t, " %63[^/]/%u %31s", addr, &len, key), 3);
		assert_int_equal(host_os_key(key, &kind, &value), 0);
		assert_int_equal(add(addr, len, kind, value), 0);
	}
	snprintf(list, sizeof(list), "%s", expect);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint8_t bytes[16] = {0};
		assert_int_equal(sscanf(t, " %63s %31s %31s", addr, key, urgent), 3);
		int v6 = strchr(addr, ':') != NULL;
		assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, addr, bytes), 1);
		struct host_os_policy p = host_os_lookup(&table, bytes, v6 ? 6 : 4);
		if (strcmp(stream_overlap_name[p.overlap], key) != 0 ||
		    strcmp(stream_urgent_name[p.urgent], urgent) != 0)
			fail_msg("%s: got %s %s, want %s %s", addr, stream_overlap_name[p.overlap],
				 stream_urgent_name[p.urgent], key, urgent);
	}
}

/* An empty table, or none: every host is Linux, urgent data out of band. */
static void test_default_linux(void **state)
{
	uint8_t addr[16] = {10, 0, 0, 1};

	(void)state;
	check("", "10.0.0.1 linux oob, fd00::1 linux oob");
	struct host_os_policy p = host_os_lookup(NULL, addr, 4);
	assert_int_equal(p.overlap, STREAM_OVERLAP_LINUX);
	assert_int_equal(p.urgent, STREAM_URGENT_OOB);
}

/* The longest prefix wins, whatever the order prefixes were added in. */
static void test_longest_prefix(void **state)
{
	(void)state;
	check("10.1.2.0/24 bsd, 0.0.0.0/0 solaris, 10.0.0.0/8 windows, 10.1.2.3/32 last, "
	      "10.128.0.0/9 first",
	      "10.1.2.3 last inline, 10.1.2.4 bsd oob, 10.1.3.4 windows oob, "
	      "10.127.255.255 windows oob, 10.128.0.0 first inline, 192.168.0.1 solaris oob, "
	      /* an IPv4 prefix says nothing of IPv6 hosts */
	      "::a01:203 linux oob");
}

static void test_ipv6(void **state)
{
	(void)state;
	check("fd00::/8 windows_xp, fd00:1::/33 bsd",
	      "fd12::1 windows_xp oob, fd00:1::1 bsd oob, fd00:1:8000::1 windows_xp oob, "
	      "2001:db8::1 linux oob, 10.0.0.1 linux oob");
}

/* Urgent prefixes decide urgent data alone, on top of the stack's choice. */
static void test_urgent_prefixes(void **state)
{
	(void)state;
	check("10.0.0.0/8 windows, 10.0.0.0/8 urgent_inline, 10.9.0.0/16 urgent_oob, "
	      "192.168.0.0/16 first, 192.168.1.0/24 urgent_oob",
	      "10.1.1.1 windows inline, 10.9.1.1 windows oob, 192.168.2.1 first inline, "
	      "192.168.1.1 first oob, 172.16.0.1 linux oob");
}

static void test_refusals(void **state)
{
	(void)state;
	memset(&table, 0, sizeof(table));
	assert_int_equal(add("10.1.0.0", 8, HOST_OS_STACK, STREAM_OVERLAP_BSD), -EINVAL);
	assert_string_equal(why, "bits set past the prefix length");
	assert_int_equal(add("fd00::1", 64, HOST_OS_STACK, STREAM_OVERLAP_BSD), -EINVAL);
	assert_string_equal(why, "bits set past the prefix length");
	assert_int_equal(add("10.0.0.0", 33, HOST_OS_STACK, STREAM_OVERLAP_BSD), -EINVAL);
	assert_string_equal(why, "bad prefix length");
	assert_int_equal(add("10.0.0.0", 8, HOST_OS_STACK, STREAM_OVERLAP_BSD), 0);
	assert_int_equal(add("10.0.0.0", 8, HOST_OS_STACK, STREAM_OVERLAP_LINUX), -EINVAL);
	assert_string_equal(why, "listed twice (also under bsd)");
	assert_int_equal(add("10.0.0.0", 8, HOST_OS_URGENT, STREAM_URGENT_INLINE), 0);
	assert_int_equal(add("10.0.0.0", 8, HOST_OS_URGENT, STREAM_URGENT_OOB), -EINVAL);
	assert_string_equal(why, "listed twice (also under urgent_inline)");
	assert_int_equal(table.count, 2);

	memset(&table, 0, sizeof(table));
	for (unsigned i = 0; i < HOST_OS_MAX_PREFIXES; i++) {
		char addr[32];
		snprintf(addr, sizeof(addr), "10.0.%u.%u", i / 256, i % 256);
		assert_int_equal(add(addr, 32, HOST_OS_STACK, STREAM_OVERLAP_BSD), 0);
	}
	assert_int_equal(add("10.9.9.9", 32, HOST_OS_STACK, STREAM_OVERLAP_BSD), -EINVAL);
	assert_string_equal(why, "more than 256 prefixes");
	uint8_t last[16] = {10, 0, 0, 255};
	assert_int_equal(host_os_lookup(&table, last, 4).overlap, STREAM_OVERLAP_BSD);
}

/* The board's keys: every stack by its name, and urgent_oob, urgent_inline. */
static void test_keys(void **state)
{
	enum host_os_kind kind;
	uint8_t value;
	char name[32];

	(void)state;
	for (unsigned i = 0; i < STREAM_OVERLAP_COUNT; i++) {
		assert_int_equal(host_os_key(stream_overlap_name[i], &kind, &value), 0);
		assert_int_equal(kind, HOST_OS_STACK);
		assert_int_equal(value, i);
	}
	assert_int_equal(host_os_key("urgent_inline", &kind, &value), 0);
	assert_int_equal(kind, HOST_OS_URGENT);
	assert_int_equal(value, STREAM_URGENT_INLINE);
	assert_int_equal(host_os_key("urgent_", &kind, &value), -EINVAL);
	assert_int_equal(host_os_key("macos", &kind, &value), -EINVAL);
	host_os_key_name(HOST_OS_URGENT, STREAM_URGENT_OOB, name, sizeof(name));
	assert_string_equal(name, "urgent_oob");
	host_os_key_name(HOST_OS_STACK, STREAM_OVERLAP_WINDOWS_XP, name, sizeof(name));
	assert_string_equal(name, "windows_xp");
	/* the stacks take urgent data out of band; first and last keep every byte */
	assert_int_equal(host_os_urgent_default(STREAM_OVERLAP_WINDOWS), STREAM_URGENT_OOB);
	assert_int_equal(host_os_urgent_default(STREAM_OVERLAP_SOLARIS), STREAM_URGENT_OOB);
	assert_int_equal(host_os_urgent_default(STREAM_OVERLAP_FIRST), STREAM_URGENT_INLINE);
	assert_int_equal(host_os_urgent_default(STREAM_OVERLAP_LAST), STREAM_URGENT_INLINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_linux), cmocka_unit_test(test_longest_prefix),
	    cmocka_unit_test(test_ipv6),	  cmocka_unit_test(test_urgent_prefixes),
	    cmocka_unit_test(test_refusals),	  cmocka_unit_test(test_keys),
	};
	return cmocka_run_group_tests_name("host_os", tests, NULL, NULL);
}
