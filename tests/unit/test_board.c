/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of platform/board.c: the shipped boards load, every kind of
 * mistake is refused with the file, line and setting named, --set
 * overrides win over the file, and ${vars} expand.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "dataplane/app/app.h"
#include "platform/board.h"

static char path[64];
static struct board board;
static char err[BOARD_ERROR_MAX];

static const char *good_board = "[board]\n"
				"name = t\n"
				"mode = ids\n"
				"[lcores]\n"
				"control = 0\n"
				"workers = 1-3,5\n"
				"[port a]\n"
				"device = net_ring0\n"
				"role = inline\n"
				"pair = b\n"
				"[port b]\n"
				"device = net_ring1\n"
				"role = inline\n"
				"pair = a\n";

static int load_text(const char *text, const char *const *overrides, unsigned count)
{
	snprintf(path, sizeof(path), "/tmp/vigil-test-board-%d.conf", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	int rc = board_load(&board, path, overrides, count, err, sizeof(err));
	unlink(path);
	return rc;
}

/* The error must start "PATH:LINE: error: " and contain want. */
static void assert_error(const char *text, unsigned line, const char *want)
{
	char prefix[128];
	assert_int_equal(load_text(text, NULL, 0), -EINVAL);
	snprintf(prefix, sizeof(prefix), "%s:%u: error: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want))
		fail_msg("got \"%s\", want prefix \"%s\" and \"%s\"", err, prefix, want);
}

static void test_shipped_boards_load(void **state)
{
	(void)state;
	assert_int_equal(board_load(&board, "board/lab.conf", NULL, 0, err, sizeof(err)), 0);
	assert_string_equal(board.name, "lab");
	assert_int_equal(board.port_count, 3);
	assert_int_equal(board.ports[0].pair, 1);
	assert_int_equal(board.ports[2].role, BOARD_PORT_MANAGEMENT);
	assert_true(board.no_huge);
	assert_int_equal(board_load(&board, "board/offline.conf", NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(board.ports[0].pair, 0); /* paired with itself */
	assert_int_equal(board.malformed, BOARD_MALFORMED_FORWARD);
}

static void test_values_and_defaults(void **state)
{
	(void)state;
	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.mode, BOARD_MODE_IDS);
	assert_int_equal(board.worker_count, 4);
	assert_int_equal(board.worker_lcores[0], 1);
	assert_int_equal(board.worker_lcores[3], 5);
	assert_int_equal(board.malformed, BOARD_MALFORMED_DROP); /* default */
	assert_int_equal(board.rx_descriptors, 1024);
	assert_string_equal(board.file_prefix, "vigil");
	assert_int_equal(board.ports[1].device_line, 12);
	assert_int_equal(board.packet_alert_max, 15);
	assert_false(board.tcp_async_oneside);
	assert_int_equal(board.app_error_policy, APP_ERROR_IGNORE);
	const char *const set[] = {"rules.packet_alert_max=6", "dataplane.tcp_async_oneside=yes",
				   "app.error_policy=drop-packet"};
	assert_int_equal(load_text(good_board, set, 3), 0);
	assert_int_equal(board.packet_alert_max, 6);
	assert_true(board.tcp_async_oneside);
	assert_int_equal(board.app_error_policy, APP_ERROR_DROP_PACKET);
}

/* [port] spread (how flows are kept on one worker) and [dataplane] flow_dump. */
static void test_spread_and_flow_dump(void **state)
{
	(void)state;
	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.ports[0].spread, BOARD_SPREAD_AUTO);
	assert_string_equal(board.flow_dump, "");
	const char *set[] = {"port b.spread=external", "dataplane.flow_dump=/tmp/flows.json"};
	assert_int_equal(load_text(good_board, set, 2), 0);
	assert_int_equal(board.ports[0].spread, BOARD_SPREAD_AUTO);
	assert_int_equal(board.ports[1].spread, BOARD_SPREAD_EXTERNAL);
	assert_string_equal(board.flow_dump, "/tmp/flows.json");
	assert_error("[board]\nmode = ips\n[lcores]\ncontrol = 0\nworkers = 1\n[port a]\n"
		     "device = x\nrole = inline\npair = a\nspread = round-robin\n",
		     10, "[port a] spread: \"round-robin\" is not auto or external");
	assert_int_equal(board_load(&board, "tests/bench/bench.conf", NULL, 0, err, sizeof(err)),
			 0);
	assert_int_equal(board.ports[0].spread, BOARD_SPREAD_EXTERNAL);
}

static void test_errors_name_file_line_setting(void **state)
{
	(void)state;
	assert_error("[board]\nmode = fast\n", 2, "[board] mode: \"fast\" is not ids or ips");
	assert_error("[board]\nmode = ids\ncolour = red\n", 3, "[board] colour: unknown setting");
	assert_error("[nonsense]\nx = 1\n", 2, "[nonsense]: unknown section");
	assert_error("[board]\nmode = ids\nmode = ips\n", 3, "given twice (first on line 2)");
	assert_error("[board]\nmode = ids\n[lcores]\ncontrol = 0\n", 0,
		     "[lcores] workers: missing");
	assert_error("[board]\nmode = ids\n[lcores]\ncontrol = 0\nworkers = 3-1\n", 5,
		     "[lcores] workers:");
	assert_error("[board]\nmode = ids\n[lcores]\ncontrol = 1\nworkers = 1\n", 5,
		     "lcore 1 is also the control lcore");
	assert_error("[eal]\nmemory_mb = lots\n", 2, "[eal] memory_mb: \"lots\" is not a number");
	assert_error("[eal]\nno_huge = maybe\n", 2, "is not yes or no");
	assert_error("this is not ini\n", 1, "syntax error");
	assert_error("[rules]\npacket_alert_max = 65\n", 2, "[rules] packet_alert_max:");
	assert_error("[rules]\naction_order = pass, drop, alert\n", 2,
		     "[rules] action_order: name each of pass, drop, reject and alert once");
	assert_error("[app]\nerror_policy = drop\n", 2,
		     "[app] error_policy: \"drop\" is not ignore, drop-packet, drop-flow, "
		     "pass-packet or pass-flow");
}

static void test_port_errors(void **state)
{
	(void)state;
	const char *head = "[board]\nmode = ips\n[lcores]\ncontrol = 0\nworkers = 1\n";
	char text[1024];

	snprintf(text, sizeof(text), "%s[port a]\ndevice = x\nrole = inline\npair = nowhere\n",
		 head);
	assert_error(text, 9, "[port a] pair: no port named \"nowhere\"");
	snprintf(text, sizeof(text), "%s[port a]\nrole = inline\npair = a\n", head);
	assert_error(text, 6, "[port a] device: missing");
	snprintf(text, sizeof(text), "%s[port a]\ndevice = x\npair = a\n", head);
	assert_error(text, 6, "[port a] role: missing");
	snprintf(text, sizeof(text), "%s[port a]\ndevice = x\nrole = inline\n", head);
	assert_error(text, 6, "[port a] pair: missing");
	snprintf(text, sizeof(text), "%s[port a]\ndevice = x\nrole = sideways\npair = a\n", head);
	assert_error(text, 8, "[port a] role: \"sideways\" is not inline or management");
	snprintf(text, sizeof(text),
		 "%s[port a]\ndevice = x\nrole = inline\npair = b\n"
		 "[port b]\ndevice = y\nrole = inline\npair = c\n"
		 "[port c]\ndevice = z\nrole = inline\npair = b\n",
		 head);
	assert_error(text, 13, "[port b] pair: \"a\" pairs with it, so it must pair with \"a\"");
	snprintf(text, sizeof(text), "%s[port m]\ndevice = x\nrole = management\n", head);
	assert_error(text, 0, "no inline port");
	snprintf(text, sizeof(text), "%s[port a b]\ndevice = x\nrole = inline\npair = a\n", head);
	assert_error(text, 6, "port name");
}

static void test_overrides(void **state)
{
	(void)state;
	const char *ok[] = {"board.mode=ips", "eal.file_prefix=other", "port a.device=net_null0"};
	assert_int_equal(load_text(good_board, ok, 3), 0);
	assert_int_equal(board.mode, BOARD_MODE_IPS);
	assert_string_equal(board.file_prefix, "other");
	assert_string_equal(board.ports[0].device, "net_null0");

	const char *bad[] = {"board.mode=maybe"};
	assert_int_equal(load_text(good_board, bad, 1), -EINVAL);
	assert_string_equal(err,
			    "--set board.mode=maybe: error: [board] mode: \"maybe\" is not ids "
			    "or ips");
	const char *shapeless[] = {"mode"};
	assert_int_equal(load_text(good_board, shapeless, 1), -EINVAL);
	assert_non_null(strstr(err, "expected SECTION.KEY=VALUE"));
}

/* [management] addresses: parsed into bytes and prefix lengths, bad ones named. */
static void test_management_addresses(void **state)
{
	(void)state;
	char text[1024];
	snprintf(text, sizeof(text), "%s[management]\nipv4 = 10.78.0.1/24\nipv6 = fd78::1\n",
		 good_board);
	assert_int_equal(load_text(text, NULL, 0), 0);
	const uint8_t v4[4] = {10, 78, 0, 1};
	assert_true(board.management_ipv4.set);
	assert_memory_equal(board.management_ipv4.addr, v4, 4);
	assert_int_equal(board.management_ipv4.len, 24);
	assert_true(board.management_ipv6.set);
	assert_int_equal(board.management_ipv6.len, 128);
	assert_int_equal(board.management_ipv6.addr[0], 0xfd);
	assert_false(board.management_gateway4.set);

	snprintf(text, sizeof(text), "%s[management]\nipv4 = 10.78.0/24\n", good_board);
	assert_error(text, 16, "[management] ipv4: \"10.78.0/24\" is not an IPv4 address");
	snprintf(text, sizeof(text), "%s[management]\nipv4 = 10.78.0.1/33\n", good_board);
	assert_error(text, 16, "bad prefix length");
	snprintf(text, sizeof(text), "%s[management]\ngateway4 = 10.78.0.254/24\n", good_board);
	assert_error(text, 16, "[management] gateway4");
	snprintf(text, sizeof(text), "%s[management]\nipv6 = 10.78.0.1\n", good_board);
	assert_error(text, 16, "is not an IPv6 address");
}

/* The stack and urgent policy [host_os_policy] gives an address. */
static void assert_host(const char *text, enum stream_overlap overlap, enum stream_urgent urgent)
{
	uint8_t addr[16] = {0};
	int v6 = strchr(text, ':') != NULL;
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, text, addr), 1);
	struct host_os_policy p = host_os_lookup(&board.host_os, addr, v6 ? 6 : 4);
	if (p.overlap != overlap || p.urgent != urgent)
		fail_msg("%s: got %s/%s", text, stream_overlap_name[p.overlap],
			 stream_urgent_name[p.urgent]);
}

/*
 * [host_os_policy] (issue 12): KEY = a list of IPv4 and IPv6 prefixes;
 * a key given again, a continuation line and a --set each add.
 */
static void test_host_os_policy(void **state)
{
	(void)state;
	char text[1024];
	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.host_os.count, 0);
	assert_host("10.0.0.1", STREAM_OVERLAP_LINUX, STREAM_URGENT_OOB);

	snprintf(text, sizeof(text),
		 "%s[host_os_policy]\n"
		 "windows = 10.0.0.0/8, 192.168.1.5\n"
		 "linux = 10.1.0.0/16\n"
		 "bsd = fd00::/8\n"
		 "  , 2001:db8::1\n"
		 "urgent_inline = 10.1.2.3\n"
		 "windows = 172.16.0.0/12\n",
		 good_board);
	const char *set[] = {"host_os_policy.solaris=10.9.0.0/16, 10.10.0.0/16"};
	assert_int_equal(load_text(text, set, 1), 0);
	assert_int_equal(board.host_os.count, 9);
	/* the longest prefix wins (tests/unit/test_host_os.c has the rest) */
	assert_host("10.1.2.3", STREAM_OVERLAP_LINUX, STREAM_URGENT_INLINE);
	assert_host("192.168.1.5", STREAM_OVERLAP_WINDOWS, STREAM_URGENT_OOB);
	/* the continuation line, the key given again, the --set */
	assert_host("2001:db8::1", STREAM_OVERLAP_BSD, STREAM_URGENT_OOB);
	assert_host("172.31.0.1", STREAM_OVERLAP_WINDOWS, STREAM_URGENT_OOB);
	assert_host("10.10.1.1", STREAM_OVERLAP_SOLARIS, STREAM_URGENT_OOB);

	const char *head = "[host_os_policy]\n";
	snprintf(text, sizeof(text), "%s%swindows = 10.0.0.0/33\n", good_board, head);
	assert_error(text, 16, "[host_os_policy] windows: \"10.0.0.0/33\": bad prefix length");
	snprintf(text, sizeof(text), "%s%sbsd = 10.0.0.1, nowhere\n", good_board, head);
	assert_error(text, 16, "[host_os_policy] bsd: \"nowhere\" is not an IPv4 address");
	snprintf(text, sizeof(text), "%s%slinux = fd00::1/8\n", good_board, head);
	assert_error(text, 16,
		     "[host_os_policy] linux: \"fd00::1/8\": bits set past the prefix length");
	snprintf(text, sizeof(text), "%s%swindows = 10.0.0.0/8\nlast = 10.0.0.0/8\n", good_board,
		 head);
	assert_error(text, 17,
		     "[host_os_policy] last: \"10.0.0.0/8\": listed twice (also under windows)");
	snprintf(text, sizeof(text), "%s%sfirst = ,\n", good_board, head);
	assert_error(text, 16, "[host_os_policy] first: expected a list of addresses");
	snprintf(text, sizeof(text), "%s%smacos = 10.0.0.0/8\n", good_board, head);
	assert_error(text, 16, "[host_os_policy] macos: unknown setting");
	const char *bad[] = {"host_os_policy.urgent_oob=10.0.0.0/40"};
	assert_int_equal(load_text(good_board, bad, 1), -EINVAL);
	assert_string_equal(err, "--set host_os_policy.urgent_oob=10.0.0.0/40: error: "
				 "[host_os_policy] urgent_oob: \"10.0.0.0/40\": bad prefix length");
}

/* [management] console limits (issue 12): defaults, and a single session refused
 * because the last slot is kept for an admin. */
static void test_console_limits(void **state)
{
	(void)state;
	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.console_sessions, 4);
	assert_int_equal(board.console_handshakes, 8);
	assert_int_equal(board.console_handshake_timeout_ms, 3000);
	assert_int_equal(board.console_admin_idle_s, 300);
	assert_int_equal(board.console_viewer_idle_s, 60);
	const char *set[] = {"management.console_handshake_timeout_ms=2000",
			     "management.console_viewer_idle_s=30"};
	assert_int_equal(load_text(good_board, set, 2), 0);
	assert_int_equal(board.console_handshake_timeout_ms, 2000);
	assert_int_equal(board.console_viewer_idle_s, 30);

	char text[1024];
	snprintf(text, sizeof(text), "%s[management]\nconsole_sessions = 1\n", good_board);
	assert_error(text, 16, "[management] console_sessions");
	snprintf(text, sizeof(text), "%s[management]\nconsole_handshakes = 0\n", good_board);
	assert_error(text, 16, "[management] console_handshakes");
	snprintf(text, sizeof(text), "%s[management]\nconsole_handshake_timeout_ms = 50\n",
		 good_board);
	assert_error(text, 16, "[management] console_handshake_timeout_ms");
}

/* [health] (issue 13): defaults (TCP 80, no HTTP, 500 ms), the shipped nva
 * boards, and ports that would clash refused with the line named. */
static void test_health_settings(void **state)
{
	(void)state;
	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.health_stall_ms, 500);
	assert_int_equal(board.health_tcp_port, 80);
	assert_int_equal(board.health_http_port, 0);
	assert_false(board.health_test_hooks);
	const char *set[] = {"health.tcp_port=0", "health.http_port=8080", "health.stall_ms=200",
			     "health.test_hooks=yes"};
	assert_int_equal(load_text(good_board, set, 4), 0);
	assert_int_equal(board.health_tcp_port, 0);
	assert_int_equal(board.health_http_port, 8080);
	assert_int_equal(board.health_stall_ms, 200);
	assert_true(board.health_test_hooks);
	for (unsigned i = 0; i < 2; i++) {
		const char *path = i ? "board/nva-vxlan.conf" : "board/nva-geneve.conf";
		assert_int_equal(board_load(&board, path, NULL, 0, err, sizeof(err)), 0);
		assert_int_equal(board.health_tcp_port, 80);
		assert_true(board.ports[0].ipv4.set);
		assert_false(board.health_test_hooks);
	}

	char text[1024];
	snprintf(text, sizeof(text), "%s[health]\nhttp_port = 80\n", good_board);
	assert_error(text, 16, "[health] http_port: 80 is tcp_port too");
	snprintf(text, sizeof(text), "%s[health]\nstall_ms = 10\n", good_board);
	assert_error(text, 16, "[health] stall_ms: 10 is outside 50..60000");
	snprintf(text, sizeof(text),
		 "%s[management]\nipv4 = 10.78.0.1/24\nconsole_cert = c\nconsole_key = k\n"
		 "operator_ca = ca\n[health]\nhttp_port = 8443\n",
		 good_board);
	assert_error(text, 21, "[health] http_port: 8443 is [management] console_port");
}

/* The inline boards (issue 14): the real-NIC board and its lab twin load
 * with two pairs; [board] fail, link_propagation and link_settle_ms have
 * their defaults and refuse what they do not know. */
static void test_inline_boards(void **state)
{
	(void)state;
	const char *paths[] = {"board/inline.conf", "board/inline-lab.conf"};
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(board_load(&board, paths[i], NULL, 0, err, sizeof(err)), 0);
		assert_int_equal(board.port_count, 5);
		for (unsigned p = 0; p < 4; p++) {
			assert_int_equal(board.ports[p].role, BOARD_PORT_INLINE);
			assert_int_equal(board.ports[p].pair, (int)(p ^ 1));
		}
		assert_int_equal(board.ports[4].role, BOARD_PORT_MANAGEMENT);
		assert_int_equal(board.fail, BOARD_FAIL_OPEN);
		assert_true(board.link_propagation);
		assert_int_equal(board.no_huge, i == 1);
	}
	assert_int_equal(board_load(&board, paths[0], NULL, 0, err, sizeof(err)), 0);
	assert_int_equal(board.worker_count, 4);
	assert_string_equal(board.ports[0].device, "0000:03:00.0");

	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.fail, BOARD_FAIL_OPEN);
	assert_true(board.link_propagation);
	assert_int_equal(board.link_settle_ms, 5000);
	const char *set[] = {"board.fail=closed", "board.link_propagation=no",
			     "board.link_settle_ms=0"};
	assert_int_equal(load_text(good_board, set, 3), 0);
	assert_int_equal(board.fail, BOARD_FAIL_CLOSED);
	assert_string_equal(board_fail_name(board.fail), "closed");
	assert_false(board.link_propagation);
	assert_int_equal(board.link_settle_ms, 0);
	assert_error("[board]\nmode = ips\nfail = ajar\n", 3,
		     "[board] fail: \"ajar\" is not open or closed");
	assert_error("[board]\nmode = ips\nlink_propagation = often\n", 3,
		     "[board] link_propagation: \"often\" is not yes or no");
	assert_error("[board]\nmode = ips\nlink_settle_ms = 60001\n", 3,
		     "[board] link_settle_ms: 60001 is outside 0..60000");
}

/* [board] fail_after_ms: the watchdog's threshold, 200 ms by default, bounds named. */
static void test_fail_after(void **state)
{
	(void)state;
	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.fail_after_ms, 200);
	const char *set[] = {"board.fail_after_ms=1500"};
	assert_int_equal(load_text(good_board, set, 1), 0);
	assert_int_equal(board.fail_after_ms, 1500);
	assert_error("[board]\nmode = ips\nfail_after_ms = 5\n", 3,
		     "[board] fail_after_ms: 5 is outside 20..60000");
}

static void test_missing_file(void **state)
{
	(void)state;
	assert_int_equal(board_load(&board, "/nonexistent/x.conf", NULL, 0, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.conf: error: cannot read board file"));
}

static void test_expand(void **state)
{
	(void)state;
	char out[64], missing[16];
	const char *vars[] = {"pcap", "in.pcap", "out", NULL, NULL};
	assert_int_equal(board_expand("net_pcap0,rx_pcap=${pcap}", vars, out, sizeof(out), missing,
				      sizeof(missing)),
			 0);
	assert_string_equal(out, "net_pcap0,rx_pcap=in.pcap");
	assert_int_equal(board_expand("x=${out}", vars, out, sizeof(out), missing, sizeof(missing)),
			 -ENOENT);
	assert_string_equal(missing, "out");
	assert_int_equal(board_expand("${what}", vars, out, sizeof(out), missing, sizeof(missing)),
			 -ENOENT);
	assert_string_equal(missing, "what");
	assert_int_equal(
	    board_expand("${pcap}${pcap}${pcap}", vars, out, 8, missing, sizeof(missing)), -ENOSPC);
	assert_int_equal(board_expand("$ {x} ${", vars, out, sizeof(out), missing, sizeof(missing)),
			 0);
	assert_string_equal(out, "$ {x} ${");
}

/* [alerts] sink settings and [management] dns: values, lists, the 2 KB URL, refusals. */
static void test_sink_settings(void **state)
{
	(void)state;
	static char text[12000];
	assert_int_equal(load_text(good_board, NULL, 0), 0);
	assert_int_equal(board.syslog_facility, 16); /* local0 */
	assert_string_equal(board.syslog_events, "all");
	assert_string_equal(board.webhook_events, "alert drop anomaly engine");
	assert_int_equal(board.webhook_headers.count, 0);
	assert_string_equal(board.management_dns, "");

	snprintf(text, sizeof(text),
		 "%s[management]\ndns = 10.78.0.2:5300 [fd78::2]:53\n[alerts]\n"
		 "syslog = syslog.lab.test:6514\nsyslog_server_name = vigil-operator\n"
		 "syslog_facility = daemon\nsyslog_events = alert drop\nsyslog_min_severity = 3\n"
		 "webhook_header = Authorization: Bearer xyz\nwebhook_header = X-Tag: a=b; c\n"
		 "webhook_events = alert\nwebhook_min_severity = 2\n",
		 good_board);
	const char *more[] = {"alerts.webhook_header=X-Third: 3"};
	assert_int_equal(load_text(text, more, 1), 0);
	assert_string_equal(board.management_dns, "10.78.0.2:5300 [fd78::2]:53");
	assert_string_equal(board.syslog, "syslog.lab.test:6514");
	assert_string_equal(board.syslog_server_name, "vigil-operator");
	assert_int_equal(board.syslog_facility, 3);
	assert_string_equal(board.syslog_events, "alert drop");
	assert_int_equal(board.syslog_min_severity, 3);
	assert_int_equal(board.webhook_headers.count, 3);
	assert_string_equal(board.webhook_headers.line[0], "Authorization: Bearer xyz");
	assert_string_equal(board.webhook_headers.line[1], "X-Tag: a=b; c");
	assert_string_equal(board.webhook_headers.line[2], "X-Third: 3");
	assert_int_equal(board.webhook_min_severity, 2);

	/* a URL of 2048 characters on one line is taken whole; 2049 are refused by name */
	size_t n = (size_t)snprintf(text, sizeof(text), "%s[alerts]\nwebhook = https://h.test/",
				    good_board);
	size_t url_start = n - strlen("https://h.test/");
	while (n - url_start < 2048)
		text[n++] = 'p';
	strcpy(text + n, "\n");
	assert_int_equal(load_text(text, NULL, 0), 0);
	assert_int_equal(strlen(board.webhook), 2048);
	strcpy(text + n, "p\n");
	assert_error(text, 16, "[alerts] webhook: value is longer than 2048 characters");
	/* a line past what the reader holds is refused, not read as two */
	n = (size_t)snprintf(text, sizeof(text), "%s[alerts]\nwebhook_ca = /", good_board);
	while (n < strlen(good_board) + 5000)
		text[n++] = 'c';
	strcpy(text + n, "\n");
	assert_error(text, 16, "line longer than 4093 characters");

	snprintf(text, sizeof(text), "%s[alerts]\nsyslog_name = vigil-operator\n", good_board);
	assert_error(text, 16, "[alerts] syslog_name: renamed syslog_server_name");
	snprintf(text, sizeof(text), "%s[alerts]\nwebhook_name = vigil-operator\n", good_board);
	assert_error(text, 16, "[alerts] webhook_name: renamed webhook_server_name");
	snprintf(text, sizeof(text), "%s[alerts]\nsyslog_facility = local9\n", good_board);
	assert_error(text, 16, "[alerts] syslog_facility: \"local9\" is not a facility");
	snprintf(text, sizeof(text), "%s[alerts]\nwebhook_events = alert alerts\n", good_board);
	assert_error(text, 16, "[alerts] webhook_events: unknown event type \"alerts\"");
	snprintf(text, sizeof(text), "%s[alerts]\nwebhook_header = Host: evil\n", good_board);
	assert_error(text, 16, "[alerts] webhook_header: Host is written by the sink itself");
	snprintf(text, sizeof(text), "%s[management]\ndns = dns.example\n", good_board);
	assert_error(text, 16, "[management] dns: \"dns.example\" is not ADDRESS");
	/* CR and LF can only come from --set: refused there too */
	const char *inject[] = {"alerts.webhook_header=Authorization: x\r\nHost: evil"};
	assert_int_equal(load_text(good_board, inject, 1), -EINVAL);
	assert_non_null(strstr(err, "[alerts] webhook_header: the value of Authorization has a "
				    "control character 0x0d"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_boards_load),
	    cmocka_unit_test(test_values_and_defaults),
	    cmocka_unit_test(test_spread_and_flow_dump),
	    cmocka_unit_test(test_errors_name_file_line_setting),
	    cmocka_unit_test(test_port_errors),
	    cmocka_unit_test(test_overrides),
	    cmocka_unit_test(test_management_addresses),
	    cmocka_unit_test(test_host_os_policy),
	    cmocka_unit_test(test_console_limits),
	    cmocka_unit_test(test_health_settings),
	    cmocka_unit_test(test_inline_boards),
	    cmocka_unit_test(test_fail_after),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_sink_settings),
	};
	return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
