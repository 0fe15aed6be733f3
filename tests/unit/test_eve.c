/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/eve.c: the EVE alert line carries the fields SIEMs
 * read, escapes what a rule file wrote, and the protocol object and the
 * X-Forwarded-For client of an application-layer alert, the packet's
 * verdict and number, and the flow's flowbits (traffic.id, traffic.label,
 * metadata.flowbits) and variables (metadata.flowvars), its flow object;
 * flow records, protocol records and normalize anomalies; the common
 * fields (host, in_iface, vlan, ICMP type and code, ether, community_id);
 * vigil's own fields in metadata.flowints.vigil (tunnel tenant, ACL rule,
 * gap bytes, proxy); records never cut, fields cut at the site's limit
 * and marked, bytes that are not UTF-8 escaped as Suricata does; the EVE file
 * sink writes whole lines only, counts what the file system refuses and
 * resumes when there is room again, across a rotation too.
 */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dataplane/app/app_parsers.h"
#include "rules/lang/app_event.h"

#include "control/eve.h"
#include "dataplane/app/app_http.h"
#include "dataplane/app/app_json.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/flow/normalize.h"
#include "dataplane/verdict.h"
#include "rules/lang/rule.h"
#include "rules/ruleset.h"

static struct rule test_rule(void)
{
	static char msg[] = "quote \" and backslash \\ and\ttab";
	static char meta0[] = "attack_class sql_injection";
	static char *metadata[] = {meta0};
	struct rule r;
	memset(&r, 0, sizeof(r));
	r.sid = 9100001;
	r.rev = 2;
	r.priority = 1;
	r.msg = msg;
	r.metadata = metadata;
	r.metadata_count = 1;
	return r;
}

static struct alert test_alert(const struct rule *r)
{
	struct alert a;
	memset(&a, 0, sizeof(a));
	a.rule = r;
	a.timestamp_us = 1700000000123456ull;
	a.flow_id = 42;
	a.ip_version = 4;
	a.l4_proto = 6;
	a.src_addr[0] = 10, a.src_addr[3] = 1;
	a.dst_addr[0] = 10, a.dst_addr[3] = 2;
	a.src_port = 40000;
	a.dst_port = 80;
	a.to_server = 1;
	a.app_proto = ALERT_APP_PROTO_NONE;
	return a;
}

static void assert_contains(const char *line, const char *want)
{
	if (!strstr(line, want))
		fail_msg("\"%s\" not in %s", want, line);
}

static void test_alert_fields(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_int_equal(n, strlen(line));
	assert_contains(line, "\"timestamp\":\"2023-11-14T22:13:20.123456+0000\"");
	assert_contains(line, "\"flow_id\":42");
	assert_contains(line, "\"event_type\":\"alert\"");
	assert_contains(line, "\"src_ip\":\"10.0.0.1\",\"src_port\":40000");
	assert_contains(line, "\"dest_ip\":\"10.0.0.2\",\"dest_port\":80");
	assert_contains(line, "\"proto\":\"TCP\"");
	assert_contains(line, "\"pkt_src\":\"wire/pcap\"");
	assert_contains(line,
			"\"action\":\"allowed\",\"gid\":1,\"signature_id\":9100001,\"rev\":2");
	assert_contains(line, "\"signature\":\"quote \\\" and backslash \\\\ and\\u0009tab\"");
	assert_contains(line, "\"severity\":1");
	assert_contains(line, "\"metadata\":{\"attack_class\":[\"sql_injection\"]}");
	assert_true(line[0] == '{' && line[n - 1] == '}');
}

/* A frame rule's alert shows the frame (Suricata's alert.frame object); others show none. */
static void test_alert_frame(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_null(strstr(line, "\"frame\""));
	a.frame = (struct app_frame){.type = RULE_FRAME_SMB2_HDR,
				     .direction = APP_TO_CLIENT,
				     .complete = true,
				     .id = 9,
				     .offset = 68,
				     .length = 64,
				     .tx_id = -1};
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"frame\":{\"type\":\"smb2.hdr\",\"id\":9,\"direction\":"
			      "\"toclient\",\"stream_offset\":68,\"length\":64,\"complete\":true}");
	a.frame.type = RULE_FRAME_SMTP_DATA;
	a.frame.complete = false;
	a.frame.tx_id = 0;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"type\":\"data\"");
	assert_contains(line, "\"complete\":false,\"tx_id\":0}");
}

/*
 * The filter's drop event: no rule, event_type drop, the reason, verdict
 * drop, and the ACL rule number in vigil's own object (metadata.flowints.vigil).
 */
static void test_filter_drop_event(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.filter_drop = 1;
	a.filter_reason = FILTER_REASON_ACL_RULE;
	a.acl_rule = 100;
	char line[4096];
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), EVE_CLIENT_FROM_XFF);
	assert_contains(line, "\"event_type\":\"drop\",\"src_ip\":\"10.0.0.1\",\"src_port\":40000");
	assert_contains(line,
			"\"drop\":{\"reason\":\"acl_rule\"},\"verdict\":{\"action\":\"drop\"},"
			"\"metadata\":{\"flowints\":{\"vigil\":{\"acl_rule\":100}}}}");
	assert_null(strstr(line, "\"alert\""));
	assert_true(line[0] == '{' && line[n - 1] == '}');
}

/* An event of the appliance itself (a port's link): Suricata's engine event, strings escaped. */
static void test_engine_event(void **state)
{
	(void)state;
	char line[512];
	size_t n = eve_format_engine(line, sizeof(line), 1700000000123456ull, "a1", "Warning",
				     "link", "port a1 link down (was up); pair \"b1\" taken down");
	assert_string_equal(line, "{\"timestamp\":\"2023-11-14T22:13:20.123456+0000\","
				  "\"event_type\":\"engine\",\"in_iface\":\"a1\","
				  "\"log_level\":\"Warning\",\"engine\":{\"module\":\"link\","
				  "\"message\":\"port a1 link down (was up); pair \\\"b1\\\" taken "
				  "down\"}}");
	assert_int_equal(n, strlen(line));
	n = eve_format_engine(line, sizeof(line), 0, NULL, "Info", "link", "x");
	assert_null(strstr(line, "in_iface"));
	/* cut, never overrun */
	n = eve_format_engine(line, 40, 0, "a1", "Info", "link", "x");
	assert_true(n < 40);
}

static void test_http_details_and_proxy(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	a.app_proto = RULE_PROTO_HTTP;
	a.has_details = 1;
	a.blocked = 1;
	struct app_http_details *http = app_http_details(&a.details);
	snprintf(http->hostname, sizeof(http->hostname), "shop.example");
	snprintf(http->url, sizeof(http->url), "/login?id=1");
	snprintf(http->method, sizeof(http->method), "GET");
	snprintf(a.details.xff, sizeof(a.details.xff), "203.0.113.9:8080");
	assert_int_equal(
	    xff_parse_address(a.details.xff, strlen(a.details.xff), &a.details.xff_client), 0);
	http->status = 403;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"app_proto\":\"http\"");
	assert_contains(line, "\"action\":\"blocked\"");
	assert_contains(line, "\"http\":{\"hostname\":\"shop.example\",\"url\":\"/login?id=1\"");
	assert_contains(line, "\"status\":403");
	assert_contains(line, "\"xff\":\"203.0.113.9:8080\"");
	assert_contains(line, "\"src_ip\":\"10.0.0.1\"");
	/* behind a proxy src_ip is the parsed client (no port), the text stays as written */
	eve_format_alert(&a, NULL, line, sizeof(line), EVE_CLIENT_FROM_XFF);
	assert_contains(line, "\"src_ip\":\"203.0.113.9\",");
	assert_contains(line,
			"\"metadata\":{\"flowints\":{\"vigil\":{\"proxy_ip\":\"10.0.0.1\"}}}}");
	assert_contains(line, "\"xff\":\"203.0.113.9:8080\"");
	snprintf(a.details.xff, sizeof(a.details.xff), "[2001:db8::1]:443");
	assert_int_equal(
	    xff_parse_address(a.details.xff, strlen(a.details.xff), &a.details.xff_client), 0);
	eve_format_alert(&a, NULL, line, sizeof(line), EVE_CLIENT_FROM_XFF);
	assert_contains(line, "\"src_ip\":\"2001:db8::1\",");
	assert_contains(line, "{\"vigil\":{\"proxy_ip\":\"10.0.0.1\"}}");
	/* an XFF that is not an address leaves src_ip alone */
	snprintf(a.details.xff, sizeof(a.details.xff), "unknown");
	assert_int_equal(
	    xff_parse_address(a.details.xff, strlen(a.details.xff), &a.details.xff_client),
	    -EINVAL);
	eve_format_alert(&a, NULL, line, sizeof(line), EVE_CLIENT_FROM_XFF);
	assert_contains(line, "\"src_ip\":\"10.0.0.1\"");
	assert_null(strstr(line, "proxy_ip"));
}

/*
 * The protocol object comes from the parser's row: TLS writes one into the
 * record, MySQL (not in Suricata's schema) into vigil's own object, FTP
 * (no parser) none.
 */
static void test_details_from_the_row(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	a.has_details = 1;
	a.app_proto = RULE_PROTO_TLS;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"app_proto\":\"tls\"");
	assert_contains(line, ",\"tls\":{}}");
	a.app_proto = RULE_PROTO_SSH;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"app_proto\":\"ssh\"");
	assert_contains(line, ",\"ssh\":{}");
	a.app_proto = RULE_PROTO_MYSQL;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_null(strstr(line, ",\"mysql\":{\"command"));
	assert_contains(line, "\"metadata\":{\"flowints\":{\"vigil\":{\"mysql\":{}}}}}");
	/* a protocol with no parser, and none at all */
	a.app_proto = RULE_PROTO_FTP;
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_true(line[n - 1] == '}' && line[n - 2] == '}');
	a.app_proto = ALERT_APP_PROTO_NONE;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_null(strstr(line, "app_proto"));
}

static void test_verdict_and_pcap_cnt(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	a.packet_number = 7;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"verdict\":{\"action\":\"alert\"}");
	assert_null(strstr(line, "pcap_cnt"));
	eve_format_alert(&a, NULL, line, sizeof(line), EVE_PCAP_CNT);
	assert_contains(line, "\"flow_id\":42,\"pcap_cnt\":7,\"event_type\"");
	a.verdict = VERDICT_DROP;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"verdict\":{\"action\":\"drop\"}");
	a.verdict = VERDICT_REJECT;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"verdict\":{\"action\":\"drop\",\"reject-target\":\"both\","
			      "\"reject\":[\"tcp-reset\"]}");
}

/* Flowbits named traffic/id/X and traffic/label/X are traffic.id and traffic.label. */
/* A ruleset of the rules in text (through a file, as vigil reads them). */
static struct ruleset *build_ruleset(const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/vigil-test-eve-%d.rules", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	const char *files[] = {path};
	struct ruleset_options o = {.files = files, .file_count = 1};
	struct ruleset_report report = {0};
	struct ruleset *rs;
	char err[256];
	assert_int_equal(ruleset_build(&o, &rs, &report, err, sizeof(err)), 0);
	ruleset_report_clear(&report);
	unlink(path);
	return rs;
}

static void test_flowbits(void **state)
{
	(void)state;
	struct ruleset *rs = build_ruleset(
	    "alert tcp any any -> any any (msg:\"x\"; content:\"a\"; flowbits:set,seen; "
	    "flowbits:set,traffic/id/mozilla; flowbits:set,traffic/label/web; "
	    "flowbits:set,unset_one; pcre:\"/(a)(b)/, flow:key,flow:value\"; sid:1;)\n");
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_null(strstr(line, "traffic"));
	assert_null(strstr(line, "flowbits"));
	a.flowbits[0] = 0x7; /* seen, traffic/id/mozilla, traffic/label/web */
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, ",\"metadata\":{\"flowbits\":[\"seen\"]}");
	assert_contains(line, ",\"traffic\":{\"id\":[\"mozilla\"],\"label\":[\"web\"]}");
	a.flowbits[0] = 0x4; /* a label alone */
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, ",\"traffic\":{\"label\":[\"web\"]}");
	assert_null(strstr(line, "\"metadata\":{\"flowbits"));
	/* flow variables, in the order set; values escaped */
	a.flowvar_count = 2;
	a.flowvars[0].var = 0;
	a.flowvars[0].len = 7;
	memcpy(a.flowvars[0].value, "Mozilla", 7);
	a.flowvars[1].var = 1;
	a.flowvars[1].len = 4;
	memcpy(a.flowvars[1].value, "5\"0\n", 4);
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, ",\"metadata\":{\"flowvars\":[{\"key\":\"Mozilla\"},"
			      "{\"value\":\"5\\\"0\\u000a\"}]}");
	a.flowbits[0] = 0x1;
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, ",\"metadata\":{\"flowbits\":[\"seen\"],\"flowvars\":[{");
	ruleset_free(rs);
}

/*
 * The common fields: host and in_iface from the site, vlan, ICMP's type and
 * code (no ports), ether when asked, and community_id (here the
 * specification's own ICMP echo vector).
 */
static void test_common_fields(void **state)
{
	(void)state;
	struct eve_site site = {.host = "sensor-1", .ether = true};
	site.port_names[3] = "inside";
	eve_set_site(&site);
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	a.l4_proto = 1;
	a.src_addr[0] = 192, a.src_addr[1] = 168, a.src_addr[2] = 0, a.src_addr[3] = 89;
	a.dst_addr[0] = 192, a.dst_addr[1] = 168, a.dst_addr[2] = 0, a.dst_addr[3] = 1;
	a.icmp_type = 8;
	a.icmp_code = 0;
	a.rx_port = 3;
	a.vlan_count = 2;
	a.vlan_id[0] = 100, a.vlan_id[1] = 200;
	memcpy(a.src_mac, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(a.dst_mac, "\x02\x00\x00\x00\x00\x02", 6);
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line,
			"\"event_type\":\"alert\",\"host\":\"sensor-1\",\"in_iface\":\"inside\"");
	assert_contains(line, "\"vlan\":[100,200]");
	assert_contains(line, "\"icmp_type\":8,\"icmp_code\":0");
	assert_contains(
	    line,
	    "\"ether\":{\"src_mac\":\"02:00:00:00:00:01\",\"dest_mac\":\"02:00:00:00:00:02\"}");
	assert_null(strstr(line, "src_port"));
	assert_contains(line, "\"community_id\":\"1:X0snYXpgwiv9TZtqg64sgzUn6Dk=\"");
	/* an unnamed port, no ether by default */
	a.rx_port = 4;
	eve_set_site(&(struct eve_site){.host = "sensor-1"});
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_null(strstr(line, "in_iface"));
	assert_null(strstr(line, "ether"));
	eve_set_site(&(struct eve_site){0});
}

/* A TCP segment carrying "GOOD", in an Ethernet frame (10.0.0.1:40000 -> 10.0.0.2:80). */
static const uint8_t test_frame[58] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x30, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x50, 0x18, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x47, 0x4f, 0x4f, 0x44};

static void test_frame_of(struct alert *a, const uint8_t *data, uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.data = data;
	p.len = len;
	p.payload_offset = 54;
	p.payload_len = len - 54;
	alert_set_frame(&a->snap, &p);
}

/*
 * Suricata's eve-log alert options from the frame the record kept: packet
 * (base64) and packet_info, payload (base64), payload_printable and
 * stream, each only when the site asks; a raw IP capture's packet without
 * the Ethernet header vigil put in front; a frame longer than the snapshot
 * logged as kept, its length in vigil's object.
 */
static void test_packet_and_payload(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	test_frame_of(&a, test_frame, sizeof(test_frame));
	assert_int_equal(a.snap.len, 58);
	assert_int_equal(a.snap.payload_offset, 54);
	char line[4096];
	/* nothing unless asked */
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_null(strstr(line, "\"packet\""));
	assert_null(strstr(line, "\"payload\""));
	assert_null(strstr(line, "\"stream\""));

	eve_set_site(&(struct eve_site){
	    .packet = true, .payload = true, .payload_printable = true, .linktype = 1});
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line,
			"\"payload\":\"R09PRA==\",\"payload_printable\":\"GOOD\",\"stream\":0");
	assert_contains(
	    line,
	    "\"packet\":"
	    "\"AgAAAAACAgAAAAABCABFAAAwAAEAAEAGAAAKAAABCgAAApxAAFAAAAABAAAAAFAYBAAAAAAAR09PRA==\"");
	assert_contains(line, "\"packet_info\":{\"linktype\":1,\"linktype_name\":\"EN10MB\"}");
	assert_null(strstr(line, "packet_len"));

	/* a match on the stream; bytes that are not printable become dots */
	uint8_t frame[sizeof(test_frame)];
	memcpy(frame, test_frame, sizeof(frame));
	frame[55] = 0x00, frame[56] = '\n';
	struct alert b = test_alert(&r);
	test_frame_of(&b, frame, sizeof(frame));
	b.stream_match = 1;
	eve_format_alert(&b, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"payload_printable\":\"G.\\u000aD\",\"stream\":1");

	/* a raw IPv4 capture: the packet as captured, without vigil's Ethernet header */
	eve_set_site(&(struct eve_site){.packet = true, .linktype = 228, .frame_prefix = 14});
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(
	    line, "\"packet\":\"RQAAMAABAABABgAACgAAAQoAAAKcQABQAAAAAQAAAABQGAQAAAAAAEdPT0Q=\"");
	assert_contains(line, "\"packet_info\":{\"linktype\":228,\"linktype_name\":\"IPv4\"}");
	assert_null(strstr(line, "\"payload\""));

	/* a frame longer than the snapshot: what was kept, and its length */
	static uint8_t jumbo[ALERT_FRAME_SNAP + 100];
	memcpy(jumbo, test_frame, sizeof(test_frame));
	struct alert c = test_alert(&r);
	test_frame_of(&c, jumbo, sizeof(jumbo));
	assert_int_equal(c.snap.snap_len, ALERT_FRAME_SNAP);
	eve_set_site(&(struct eve_site){.packet = true, .linktype = 1});
	eve_format_alert(&c, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"vigil\":{\"packet_len\":356}");
	eve_set_site(&(struct eve_site){0});
}

/*
 * A drop record of a rule's drop whose alert was not kept: reason rules,
 * the packet's source; the capture's name on packet records when asked;
 * references as the value the rule gave.
 */
static void test_drop_record_and_capture_name(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.kind = ALERT_KIND_DROP;
	a.drop_cause = ALERT_DROP_RULES;
	a.blocked = 1;
	char line[4096];
	eve_set_site(&(struct eve_site){.pcap_filename = "/captures/in.pcap"});
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"event_type\":\"drop\"");
	assert_contains(line, "\"pkt_src\":\"wire/pcap\",\"drop\":{\"reason\":\"rules\"}");
	assert_contains(line, "\"pcap_filename\":\"/captures/in.pcap\"");
	eve_set_site(&(struct eve_site){0});
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_null(strstr(line, "pcap_filename"));
	/* a rate_filter's new_action: the threshold, as Suricata names it */
	a.drop_cause = ALERT_DROP_THRESHOLD;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"drop\":{\"reason\":\"threshold detection_filter\"}");

	struct rule r = test_rule();
	struct rule_reference refs[2] = {{.type = "url", .value = "example.com/a,b"},
					 {.type = "cve", .value = "2020-1234"}};
	r.references = refs;
	r.reference_count = 2;
	struct alert b = test_alert(&r);
	eve_format_alert(&b, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"references\":[\"example.com/a,b\",\"2020-1234\"]");
}

/* vigil's object for records without flowbits: under metadata.flowints, nothing when empty. */
static void test_vigil_metadata(void **state)
{
	(void)state;
	char vbuf[64], line[128];
	struct app_json v = {.buf = vbuf, .len = sizeof(vbuf)};
	struct app_json o = {.buf = line, .len = sizeof(line)};
	app_json_begin(&v, "{");
	app_json_end(&v, "}");
	eve_put_vigil_metadata(&o, &v);
	assert_int_equal(o.used, 0);
	v.used = 0;
	app_json_begin(&v, "{");
	app_json_uint(&v, "acl_rule", 7);
	app_json_end(&v, "}");
	eve_put_vigil_metadata(&o, &v);
	line[o.used] = '\0';
	assert_string_equal(line, ",\"metadata\":{\"flowints\":{\"vigil\":{\"acl_rule\":7}}}");
}

/* The tunnel object has the schema's fields only; the tenant is vigil's own. */
static void test_tunnel_tenant_is_vigils(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	a.tunnel.type = PACKET_TUNNEL_GENEVE;
	a.tunnel.vni = 0;
	a.tunnel.has_endpoint_id = 1;
	a.tunnel.endpoint_id = 0xa1b2c3d4e5f6071ull;
	a.tunnel.outer_src[0] = 10, a.tunnel.outer_src[3] = 9;
	a.tunnel.outer_dst[0] = 10, a.tunnel.outer_dst[3] = 8;
	a.tunnel.outer_src_port = 55000, a.tunnel.outer_dst_port = 6081;
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, ",\"tunnel\":{\"src_ip\":\"10.0.0.9\",\"src_port\":55000,\"dest_ip\":"
			      "\"10.0.0.8\",\"dest_port\":6081,\"proto\":\"UDP\",\"depth\":1}");
	assert_contains(line, "\"vigil\":{\"tunnel\":{\"type\":\"geneve\",\"vni\":0,"
			      "\"gwlb_endpoint_id\":\"vpce-00a1b2c3d4e5f6071\"}}");
}

/* Anomalies: no action in the anomaly object; the verdict says what became of the packet. */
static void test_anomaly_records(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.anomaly = ALERT_ANOMALY_DEFRAG;
	a.blocked = 1;
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"event_type\":\"anomaly\"");
	assert_contains(line, "\"anomaly\":{\"type\":\"defrag\",\"event\":");
	assert_contains(line, "\"verdict\":{\"action\":\"drop\"}");
	assert_null(strstr(line, "\"action\":\"blocked\""));
	a.anomaly = ALERT_ANOMALY_STREAM_GAP;
	a.blocked = 0;
	a.anomaly_bytes = 1840;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"anomaly\":{\"type\":\"stream\",\"event\":\"stream.gap\"},"
			      "\"verdict\":{\"action\":\"pass\"}");
	assert_contains(line, "\"vigil\":{\"gap_bytes\":1840}");
	/* an app-layer event: in capitals for a protocol Suricata parses in C, as
	 * written for one it parses in Rust */
	a.anomaly = ALERT_ANOMALY_APPLAYER;
	a.app_proto = RULE_PROTO_TLS;
	a.anomaly_reason = RULE_APP_EVENT_TLS_INVALID_CERTIFICATE;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"type\":\"applayer\",\"event\":\"INVALID_CERTIFICATE\"");
	a.app_proto = RULE_PROTO_MQTT;
	a.anomaly_reason = RULE_APP_EVENT_MQTT_INVALID_QOS_LEVEL;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"type\":\"applayer\",\"event\":\"invalid_qos_level\"");
}

static void tx_emit(void *arg, const struct app_unit *unit)
{
	struct app_details *last = arg;
	if (!unit->repeat)
		*last = *unit->details;
}

/*
 * A transaction's number in its flow (Suricata's tx_id) on the alerts
 * raised on it and on its protocol record, as its parser writes it: a DNS
 * response is the flow's second message, transaction 1; a packet alert
 * has none.
 */
static void test_tx_id(void **state)
{
	(void)state;
	static const uint8_t query[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0,
					0,    0,    1,	  'a',	0, 0, 1, 0, 1};
	uint8_t response[sizeof(query)];
	memcpy(response, query, sizeof(query));
	response[2] = 0x81, response[3] = 0x80;
	static struct app_details details;
	void *dns = app_parser_dns.create(NULL);
	assert_non_null(dns);
	app_parser_dns.parse(dns, APP_TO_SERVER, query, sizeof(query), tx_emit, &details);
	app_parser_dns.parse(dns, APP_TO_CLIENT, response, sizeof(response), tx_emit, &details);
	app_parser_dns.destroy(dns);
	struct rule r = test_rule();
	static struct alert a;
	a = test_alert(&r);
	char line[8192];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_null(strstr(line, "\"tx_id\""));
	a.app_proto = RULE_PROTO_DNS;
	a.details = details;
	a.has_details = 1;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, ",\"tx_id\":1,");
	assert_contains(line, "\"dns\":{\"version\":3,\"type\":\"response\",\"tx_id\":1,");
	a.kind = ALERT_KIND_APP;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"event_type\":\"dns\"");
	assert_contains(line, ",\"tx_id\":1,");
}

/* A record larger than the first line buffer is formatted again, whole, never cut. */
static void test_record_never_cut(void **state)
{
	(void)state;
	static char msg[3 * EVE_LINE_START];
	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	struct rule r = test_rule();
	r.msg = msg;
	struct alert a = test_alert(&r);
	struct eve eve = {.fd = -1};
	size_t n = 0;
	const char *line = eve_format_alert_line(&eve, &a, &n);
	assert_non_null(line);
	assert_true(n > sizeof(msg));
	assert_int_equal(line[n - 1], '}');
	assert_non_null(strstr(line, "\"verdict\":{\"action\":\"alert\"}"));
	free(eve.line);
}

/* The field limit of the site cuts a protocol's text and marks it, as Suricata does. */
static void test_field_limit(void **state)
{
	(void)state;
	eve_set_site(&(struct eve_site){.field_limit = 6});
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	a.has_details = 1;
	a.app_proto = RULE_PROTO_HTTP;
	struct app_http_details *h = app_http_details(&a.details);
	snprintf(h->url, sizeof(h->url), "/login?id=1");
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"url\":\"/login[truncated]\"");
	eve_set_site(&(struct eve_site){0});
}

/* A flow variable of raw bytes that are not UTF-8: written as Suricata does (\\xNN). */
static void test_flowvar_bytes_stay_utf8(void **state)
{
	(void)state;
	struct ruleset *rs =
	    build_ruleset("alert tcp any any -> any any (msg:\"x\"; content:\"a\"; "
			  "pcre:\"/(a)/, flow:raw\"; sid:1;)\n");
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	a.flowvar_count = 1;
	a.flowvars[0].var = 0;
	a.flowvars[0].len = 4;
	memcpy(a.flowvars[0].value, "\xc0\xaf/\xff", 4);
	char line[4096];
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, "{\"raw\":\"\\\\xc0\\\\xaf/\\\\xff\"}");
	for (const char *c = line; *c; c++)
		assert_true((unsigned char)*c < 0x80);
	ruleset_free(rs);
}

/*
 * A rule's alert: and pkt: pcre captures: alert.context (one object) and
 * metadata.pktvars (a list of objects, beside the flow's variables).
 */
static void test_alert_and_packet_captures(void **state)
{
	(void)state;
	struct ruleset *rs =
	    build_ruleset("alert tcp any any -> any any (msg:\"x\"; content:\"a\"; "
			  "pcre:\"/(a)(b)(c)/, alert:ua, pkt:firefox, flow:ubuntu\"; sid:1;)\n");
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[4096];
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_null(strstr(line, "context"));
	assert_null(strstr(line, "pktvars"));
	a.capture_count = 2;
	a.captures[0].var = (uint16_t)(RULE_CAPTURE_ALERT | 0); /* ua */
	a.captures[0].len = 7;
	memcpy(a.captures[0].value, "Mozilla", 7);
	a.captures[1].var = (uint16_t)(RULE_CAPTURE_PKT | 1); /* firefox */
	a.captures[1].len = 6;
	memcpy(a.captures[1].value, "3.0.13", 6);
	a.flowvar_count = 1;
	a.flowvars[0].var = 2; /* ubuntu */
	a.flowvars[0].len = 3;
	memcpy(a.flowvars[0].value, "8.1", 3);
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, ",\"context\":{\"ua\":\"Mozilla\"}}");
	/* an entropy value the flow kept: metadata.entropy, the buffer's name with underscores */
	double entropy = 4.150007324019584;
	a.flowvar_count = 2;
	a.flowvars[1].var = (uint16_t)(ALERT_FLOWVAR_ENTROPY | RULE_BUFFER_FILE_DATA);
	a.flowvars[1].len = sizeof(entropy);
	memcpy(a.flowvars[1].value, &entropy, sizeof(entropy));
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, "\"flowvars\":[{\"ubuntu\":\"8.1\"}],"
			      "\"entropy\":{\"file_data\":4.150007324019584},\"pktvars\"");
	a.flowvar_count = 1;
	eve_format_alert(&a, rs, line, sizeof(line), 0);
	assert_contains(line, ",\"metadata\":{\"flowvars\":[{\"ubuntu\":\"8.1\"}],"
			      "\"pktvars\":[{\"firefox\":\"3.0.13\"}]}");
	ruleset_free(rs);
}

static void test_truncation_is_safe(void **state)
{
	(void)state;
	struct rule r = test_rule();
	struct alert a = test_alert(&r);
	char line[64];
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_true(n < sizeof(line));
	assert_int_equal(line[n], '\0');
}

/* ---- the EVE file sink ---- */

#define SINK_LINE_LEN 300 /* bytes of each test line, newline excluded */

static void sink_line(char *line, unsigned i)
{
	int n = snprintf(line, SINK_LINE_LEN + 1, "{\"n\":%u,\"pad\":\"", i);
	memset(line + n, 'x', SINK_LINE_LEN - (size_t)n - 2);
	memcpy(line + SINK_LINE_LEN - 2, "\"}", 2);
	line[SINK_LINE_LEN] = '\0';
}

/* Lines of path, and whether every one is a whole test line (length and ending). */
static unsigned sink_whole_lines(const char *path, bool *all_whole)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[4096];
	unsigned n = 0;
	*all_whole = true;
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		if (len != SINK_LINE_LEN + 1 || buf[len - 1] != '\n' || buf[len - 2] != '}')
			*all_whole = false;
		n++;
	}
	fclose(f);
	return n;
}

static void sink_append(struct eve *eve, unsigned from, unsigned count, unsigned per_flush)
{
	char line[SINK_LINE_LEN + 1];
	for (unsigned i = from; i < from + count; i++) {
		sink_line(line, i);
		eve_append_line(eve, line, SINK_LINE_LEN);
		if ((i + 1 - from) % per_flush == 0)
			eve_flush(eve);
	}
	eve_flush(eve);
}

/*
 * A file system that refuses part of a batch (here a file-size limit, as a
 * full disk does): the file keeps whole lines only, the rest is counted
 * lost, not written; raised again, the next lines go in.
 */
static void test_sink_whole_lines_and_resume(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-test-eve-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct eve eve;
	assert_int_equal(eve_open(&eve, path, NULL), 0);

	struct rlimit old, small;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	small = old;
	small.rlim_cur = 10000; /* 33 whole lines and part of the 34th */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	sink_append(&eve, 0, 100, 7); /* batches of 7 lines: one straddles the limit */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);

	bool whole;
	unsigned lines = sink_whole_lines(path, &whole);
	assert_true(whole);
	assert_int_equal(eve.written + eve.lines_lost, 100);
	assert_int_equal(lines, eve.written);
	/* 4 batches of 7, then the 5 whole lines of the 5th that fit: its
	 * 6th, cut at the limit, is taken back out of the file */
	assert_int_equal(eve.written, 33);
	assert_true(eve.write_errors >= 1);
	uint64_t lost = eve.lines_lost;

	/* Room again: the next lines go in, nothing more is lost. */
	sink_append(&eve, 100, 10, 3);
	assert_int_equal(eve.written, 43);
	assert_int_equal(eve.lines_lost, lost);
	lines = sink_whole_lines(path, &whole);
	assert_true(whole);
	assert_int_equal(lines, 43);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((uint64_t)st.st_size, eve.size);

	/* Rotated away (renamed) and reopened: the new file gets the next lines. */
	char rotated[64];
	snprintf(rotated, sizeof(rotated), "%s.1", path);
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(eve_reopen(&eve, path), 0);
	assert_int_equal(eve.size, 0);
	sink_append(&eve, 110, 5, 5);
	assert_int_equal(sink_whole_lines(path, &whole), 5);
	assert_true(whole);
	assert_int_equal(sink_whole_lines(rotated, &whole), 43);
	eve_close(&eve);
	assert_int_equal(eve.written, 48);
	unlink(path);
	unlink(rotated);
}

/* Lines queued but not flushed reach the file on eve_close(). */
static void test_sink_close_flushes(void **state)
{
	(void)state;
	char path[] = "/tmp/vigil-test-eve-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct eve eve;
	assert_int_equal(eve_open(&eve, path, NULL), 0);
	char line[SINK_LINE_LEN + 1];
	sink_line(line, 1);
	eve_append_line(&eve, line, SINK_LINE_LEN);
	assert_int_equal(eve.written, 0);
	eve_close(&eve);
	assert_int_equal(eve.written, 1);
	bool whole;
	assert_int_equal(sink_whole_lines(path, &whole), 1);
	assert_true(whole);
	assert_false(eve_has_file(&eve));
	unlink(path);
}

/* A flow as the dataplane gives it: 10.0.0.1:40000 (client) to 10.0.0.2:80, ended by timeout. */
static struct alert_flow test_flow(void)
{
	struct alert_flow f;
	memset(&f, 0, sizeof(f));
	f.present = 1;
	f.state = FLOW_TCP_CLOSED;
	f.reason = FLOW_END_TIMEOUT;
	f.alerted = 1;
	f.tcp_flags[0] = 0x1b; /* SYN FIN PSH ACK */
	f.tcp_flags[1] = 0x13;
	f.client_addr[0] = 10, f.client_addr[3] = 1;
	f.server_addr[0] = 10, f.server_addr[3] = 2;
	f.client_port = 40000;
	f.server_port = 80;
	f.pkts[0] = 6, f.pkts[1] = 5;
	f.bytes[0] = 620, f.bytes[1] = 1890;
	f.start_us = 1700000000123456ull;
	f.end_us = 1700000012623456ull;
	return f;
}

/* event_type flow: Suricata 8's flow object, the tcp flags, app_proto; no alert fields. */
static void test_flow_record(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.kind = ALERT_KIND_FLOW;
	a.app_proto = RULE_PROTO_HTTP;
	a.flow = test_flow();
	a.flow.vlan[0] = 100, a.flow.vlan[1] = 7;
	char line[4096];
	size_t n = eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_int_equal(n, strlen(line));
	assert_contains(line,
			"\"flow_id\":42,\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\","
			"\"src_port\":40000,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,"
			"\"proto\":\"TCP\",\"community_id\":\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\","
			"\"vlan\":[100,7],\"app_proto\":\"http\"");
	assert_contains(line, "\"flow\":{\"pkts_toserver\":6,\"pkts_toclient\":5,"
			      "\"bytes_toserver\":620,\"bytes_toclient\":1890,"
			      "\"start\":\"2023-11-14T22:13:20.123456+0000\","
			      "\"end\":\"2023-11-14T22:13:32.623456+0000\",\"age\":12,"
			      "\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":true}");
	assert_contains(line, "\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\","
			      "\"tcp_flags_tc\":\"13\",\"fin\":true,\"syn\":true,\"psh\":true,"
			      "\"ack\":true,\"state\":\"closed\"}");
	assert_null(strstr(line, "\"alert\""));
	assert_true(line[n - 1] == '}');
}

/*
 * An ICMP flow record: the first packet's type and code stand in for the
 * ports, in the record and in its community_id (an echo request and its
 * reply: the specification's value for 10.0.0.1 -> 10.0.0.2, type 8).
 */
static void test_flow_record_icmp(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.kind = ALERT_KIND_FLOW;
	a.l4_proto = 1;
	a.src_port = a.dst_port = 0;
	a.flow = test_flow();
	a.flow.icmp_type = 8;
	a.flow.icmp_code = 0;
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"proto\":\"ICMP\",\"icmp_type\":8,\"icmp_code\":0,"
			      "\"community_id\":\"1:YcMyyWJfhc95EW1GfXt6jlZ3DiQ=\"");
	assert_null(strstr(line, "\"src_port\""));
	assert_null(strstr(line, "\"tcp\":"));
}

/* event_type http: the parser's object, and an alert's flow object. */
static void test_protocol_record_and_alert_flow(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.kind = ALERT_KIND_APP;
	a.app_proto = RULE_PROTO_HTTP;
	a.has_details = 1;
	snprintf(app_http_details(&a.details)->url, sizeof(app_http_details(&a.details)->url),
		 "/index.html");
	a.flow = test_flow();
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"event_type\":\"http\"");
	assert_contains(line, "\"app_proto\":\"http\",\"tx_id\":0,\"http\":{");
	assert_contains(line, "\"url\":\"/index.html\"");
	assert_null(strstr(line, "\"flow\":"));
	/* an alert on the transaction carries it too (the parser's details write it) */
	struct rule tr = test_rule();
	struct alert on_tx = test_alert(&tr);
	on_tx.details = a.details;
	on_tx.has_details = 1;
	on_tx.app_proto = RULE_PROTO_HTTP;
	eve_format_alert(&on_tx, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"tx_id\":0,\"http\":{");
	/* raised at the flow's end, on no packet: Suricata's flow timeout pseudo packet */
	on_tx.flow_end = 1;
	eve_format_alert(&on_tx, NULL, line, sizeof(line), EVE_PCAP_CNT);
	assert_contains(line, "\"pkt_src\":\"stream (flow timeout)\"");
	assert_null(strstr(line, "pcap_cnt"));

	/* the alert, answer packet: its flow object names the flow's client */
	struct rule r = test_rule();
	struct alert alert = test_alert(&r);
	alert.flow = test_flow();
	alert.to_server = 0;
	memcpy(alert.src_addr, alert.flow.server_addr, 4);
	memcpy(alert.dst_addr, alert.flow.client_addr, 4);
	eve_format_alert(&alert, NULL, line, sizeof(line), 0);
	assert_contains(line,
			",\"flow\":{\"pkts_toserver\":6,\"pkts_toclient\":5,"
			"\"bytes_toserver\":620,\"bytes_toclient\":1890,"
			"\"start\":\"2023-11-14T22:13:20.123456+0000\",\"src_ip\":\"10.0.0.1\","
			"\"dest_ip\":\"10.0.0.2\",\"src_port\":40000,\"dest_port\":80}");
}

/* A segment with a wrong checksum is the decoder's anomaly; an out-of-window one the stream's. */
static void test_normalize_anomaly(void **state)
{
	(void)state;
	struct alert a = test_alert(NULL);
	a.anomaly = ALERT_ANOMALY_NORMALIZE;
	a.anomaly_reason = NORMALIZE_L4_CHECKSUM;
	char line[4096];
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line, "\"flow_id\":42,\"event_type\":\"anomaly\"");
	assert_contains(line, "\"src_port\":40000");
	assert_contains(line, "\"anomaly\":{\"type\":\"decode\",\"event\":\"decoder.l4_checksum\"},"
			      "\"verdict\":{\"action\":\"pass\"}}");
	a.anomaly_reason = NORMALIZE_OUT_OF_WINDOW;
	eve_format_alert(&a, NULL, line, sizeof(line), 0);
	assert_contains(line,
			"\"anomaly\":{\"type\":\"stream\",\"event\":\"stream.out_of_window\"},"
			"\"verdict\":{\"action\":\"pass\"}}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alert_fields),
	    cmocka_unit_test(test_alert_frame),
	    cmocka_unit_test(test_flow_record),
	    cmocka_unit_test(test_flow_record_icmp),
	    cmocka_unit_test(test_protocol_record_and_alert_flow),
	    cmocka_unit_test(test_normalize_anomaly),
	    cmocka_unit_test(test_filter_drop_event),
	    cmocka_unit_test(test_engine_event),
	    cmocka_unit_test(test_http_details_and_proxy),
	    cmocka_unit_test(test_details_from_the_row),
	    cmocka_unit_test(test_verdict_and_pcap_cnt),
	    cmocka_unit_test(test_flowbits),
	    cmocka_unit_test(test_truncation_is_safe),
	    cmocka_unit_test(test_common_fields),
	    cmocka_unit_test(test_packet_and_payload),
	    cmocka_unit_test(test_drop_record_and_capture_name),
	    cmocka_unit_test(test_tunnel_tenant_is_vigils),
	    cmocka_unit_test(test_vigil_metadata),
	    cmocka_unit_test(test_anomaly_records),
	    cmocka_unit_test(test_tx_id),
	    cmocka_unit_test(test_record_never_cut),
	    cmocka_unit_test(test_field_limit),
	    cmocka_unit_test(test_flowvar_bytes_stay_utf8),
	    cmocka_unit_test(test_alert_and_packet_captures),
	    cmocka_unit_test(test_sink_whole_lines_and_resume),
	    cmocka_unit_test(test_sink_close_flushes),
	};
	return cmocka_run_group_tests_name("eve", tests, NULL, NULL);
}
