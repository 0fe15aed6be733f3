/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of rules/policy/policy.c: the operator policy file. Selectors, the
 * precedence of enable/disable and of action overrides (most specific
 * selector wins, a later line breaks ties), exceptions (address and HTTP
 * path, and that they beat an override), threshold lines, rate-limit
 * statements, tenant blocks (the lookup of a tunnel's identity, a tenant's
 * precedence over the statements outside, what policy_apply leaves on each
 * rule per tenant, scoped exceptions), and refusals with file:line:col
 * naming the bad token.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/policy/policy.h"
#include "rules/ruleset.h"

/* Three rules from two files, with classtypes and metadata to select on. */
static const char *const test_rules[][2] = {
    {"web.rules", "alert http any any -> any any (msg:\"sqli concat\"; content:\"concat(\"; "
		  "classtype:web-application-attack; metadata:attack_class sqli, default_action "
		  "drop; sid:100; rev:1;)"},
    {"web.rules", "drop http any any -> any any (msg:\"xss\"; content:\"<script\"; "
		  "classtype:web-application-attack; metadata:attack_class xss; sid:101; rev:1;)"},
    {"scan.rules", "reject tcp any any -> any any (msg:\"scanner\"; content:\"nikto\"; "
		   "classtype:attempted-recon; metadata:attack_class scanner; sid:200; rev:1;)"},
};
#define TEST_RULES (sizeof(test_rules) / sizeof(test_rules[0]))

struct fixture {
	struct rule_parser *parser;
	struct rule *rules[TEST_RULES];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->parser = rule_parser_create();
	for (unsigned i = 0; i < TEST_RULES; i++) {
		f->rules[i] = rule_parse(f->parser, test_rules[i][1], test_rules[i][0], i + 1);
		assert_non_null(f->rules[i]);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	for (unsigned i = 0; i < TEST_RULES; i++)
		rule_free(f->rules[i]);
	rule_parser_destroy(f->parser);
	free(f);
	return 0;
}

static struct policy *parse_ok(const char *text)
{
	struct policy *p = NULL;
	char err[POLICY_ERROR_MAX];
	int rc = policy_parse("test.policy", text, strlen(text), &p, err, sizeof(err));
	if (rc < 0)
		fail_msg("policy refused: %s", err);
	return p;
}

/* The error text of a refused policy. */
static const char *parse_bad(const char *text)
{
	static char err[POLICY_ERROR_MAX];
	struct policy *p = NULL;
	assert_int_equal(policy_parse("test.policy", text, strlen(text), &p, err, sizeof(err)),
			 -EINVAL);
	assert_null(p);
	return err;
}

/* policy_apply() on the fixture's rules, which must succeed: how many rules stay. */
static unsigned apply_ok(struct fixture *f, const struct policy *p, struct policy_report *report)
{
	char err[POLICY_ERROR_MAX];
	unsigned count = TEST_RULES;
	if (policy_apply(p, f->parser, f->rules, &count, report, err, sizeof(err)) < 0)
		fail_msg("policy_apply failed: %s", err);
	return count;
}

static void test_selectors(void **state)
{
	struct fixture *f = *state;
	struct policy *p = parse_ok("disable sid 100-150\n"
				    "disable metadata attack_class scanner\n");
	assert_false(policy_rule_enabled(p, f->rules[0]));
	assert_false(policy_rule_enabled(p, f->rules[1]));
	assert_false(policy_rule_enabled(p, f->rules[2]));
	policy_free(p);

	p = parse_ok("disable classtype web-application-attack");
	assert_false(policy_rule_enabled(p, f->rules[0]));
	assert_true(policy_rule_enabled(p, f->rules[2]));
	policy_free(p);

	/* a group is the rules file: with or without ".rules" */
	p = parse_ok("disable group scan\n");
	assert_true(policy_rule_enabled(p, f->rules[0]));
	assert_false(policy_rule_enabled(p, f->rules[2]));
	policy_free(p);
	p = parse_ok("disable group web.rules\n");
	assert_false(policy_rule_enabled(p, f->rules[1]));
	assert_true(policy_rule_enabled(p, f->rules[2]));
	policy_free(p);

	/* metadata values compare whole: "sql" is not "sqli" */
	p = parse_ok("disable metadata attack_class sql\n");
	assert_true(policy_rule_enabled(p, f->rules[0]));
	policy_free(p);
}

static void test_toggle_precedence(void **state)
{
	struct fixture *f = *state;
	/* sid beats metadata beats classtype beats group beats all, whatever the order */
	struct policy *p = parse_ok("enable sid 100\n"
				    "disable metadata attack_class sqli\n"
				    "disable all\n"
				    "enable group web\n");
	assert_true(policy_rule_enabled(p, f->rules[0]));  /* sid enable beats metadata */
	assert_true(policy_rule_enabled(p, f->rules[1]));  /* group enable beats all */
	assert_false(policy_rule_enabled(p, f->rules[2])); /* only "all" names it */
	policy_free(p);

	/* same specificity: the later line wins */
	p = parse_ok("disable classtype web-application-attack\n"
		     "enable classtype web-application-attack\n");
	assert_true(policy_rule_enabled(p, f->rules[0]));
	policy_free(p);
	p = parse_ok("enable classtype web-application-attack\n"
		     "disable classtype web-application-attack\n");
	assert_false(policy_rule_enabled(p, f->rules[0]));
	policy_free(p);
}

static void test_action_precedence(void **state)
{
	struct fixture *f = *state;
	struct policy *p = parse_ok("action drop all\n"
				    "action reject classtype web-application-attack\n"
				    "action alert sid 101\n");
	assert_int_equal(policy_rule_action(p, f->rules[0]), RULE_ACTION_REJECT);
	assert_int_equal(policy_rule_action(p, f->rules[1]), RULE_ACTION_ALERT);
	assert_int_equal(policy_rule_action(p, f->rules[2]), RULE_ACTION_DROP);
	policy_free(p);

	/* FROM->TO only changes rules written with FROM */
	p = parse_ok("action alert->drop metadata default_action drop\n"
		     "action drop->alert all\n"
		     "action reject->drop all\n");
	assert_int_equal(policy_rule_action(p, f->rules[0]), RULE_ACTION_DROP);
	assert_int_equal(policy_rule_action(p, f->rules[1]), RULE_ACTION_ALERT);
	assert_int_equal(policy_rule_action(p, f->rules[2]), RULE_ACTION_DROP);
	policy_free(p);

	/* a conditional override that does not apply leaves a less specific one in force */
	p = parse_ok("action reject all\naction drop->alert sid 100\n");
	assert_int_equal(policy_rule_action(p, f->rules[0]), RULE_ACTION_REJECT);
	policy_free(p);

	/* ties: the later line */
	p = parse_ok("action drop sid 100\naction reject sid 100\n");
	assert_int_equal(policy_rule_action(p, f->rules[0]), RULE_ACTION_REJECT);
	policy_free(p);
}

static struct policy_packet_view view4(const char *src, const char *dst, const char *uri)
{
	static uint8_t s[16], d[16];
	memset(s, 0, sizeof(s));
	memset(d, 0, sizeof(d));
	inet_pton(AF_INET, src, s);
	inet_pton(AF_INET, dst, d);
	return (struct policy_packet_view){
	    s, d, 4, (const uint8_t *)uri, uri ? (uint32_t)strlen(uri) : 0, NULL, 0, 0};
}

static void test_exceptions(void **state)
{
	struct fixture *f = *state;
	struct policy *p = parse_ok("action drop all\n"
				    "except metadata attack_class sqli path /api/snippets\n"
				    "except sid 101 src 10.9.0.0/16\n"
				    "except all dst 2001:db8::/32\n"
				    "except classtype attempted-recon xff 203.0.113.0/24\n");
	struct policy_report report;
	unsigned count = apply_ok(f, p, &report);
	assert_int_equal(count, 3);
	assert_int_equal(report.overridden, 2);
	assert_int_equal(report.excepted, 3);
	/* the exception beats the override: drop is in force, yet the rule does not fire */
	assert_int_equal(f->rules[0]->action, RULE_ACTION_DROP);
	struct policy_packet_view v =
	    view4("192.0.2.1", "192.0.2.2", "/api/snippets?q=concat(a,b)");
	assert_true(policy_excepted(p, f->rules[0], &v));
	v = view4("192.0.2.1", "192.0.2.2", "/api/snippets/7");
	assert_true(policy_excepted(p, f->rules[0], &v));
	v = view4("192.0.2.1", "192.0.2.2", "/api/snippetsX?q=concat(a,b)");
	assert_false(policy_excepted(p, f->rules[0], &v));
	v = view4("192.0.2.1", "192.0.2.2", "/search?q=concat(a,b)");
	assert_false(policy_excepted(p, f->rules[0], &v));
	v = view4("192.0.2.1", "192.0.2.2", NULL); /* not in an HTTP request */
	assert_false(policy_excepted(p, f->rules[0], &v));
	/* the path exception names sqli rules only */
	v = view4("192.0.2.1", "192.0.2.2", "/api/snippets");
	assert_false(policy_excepted(p, f->rules[1], &v));
	/* address prefixes, and only for the rules they name */
	v = view4("10.9.3.4", "192.0.2.2", NULL);
	assert_true(policy_excepted(p, f->rules[1], &v));
	assert_false(policy_excepted(p, f->rules[0], &v));
	v = view4("10.10.3.4", "192.0.2.2", NULL);
	assert_false(policy_excepted(p, f->rules[1], &v));
	/* IPv6 */
	struct policy_packet_view v6 = {.family = 6};
	uint8_t a[16], b[16];
	inet_pton(AF_INET6, "2001:db9::1", a);
	inet_pton(AF_INET6, "2001:db8:5::1", b);
	v6.src = a, v6.dst = b;
	assert_true(policy_excepted(p, f->rules[2], &v6));
	v6.dst = a;
	assert_false(policy_excepted(p, f->rules[2], &v6));
	/* the X-Forwarded-For client, when the request has one */
	v = view4("10.0.0.50", "192.0.2.2", "/");
	assert_false(policy_excepted(p, f->rules[2], &v));
	uint8_t client[16] = {203, 0, 113, 9};
	v.xff = client, v.xff_family = 4;
	assert_true(policy_excepted(p, f->rules[2], &v));
	assert_false(policy_excepted(p, f->rules[0], &v));
	client[2] = 114;
	assert_false(policy_excepted(p, f->rules[2], &v));
	policy_free(p);
}

static void test_apply_disables(void **state)
{
	struct fixture *f = *state;
	struct policy *p =
	    parse_ok("disable group web\nenable sid 101\n"
		     "threshold gen_id 1, sig_id 200, type limit, track by_src, count 1, "
		     "seconds 60\n");
	struct policy_report report;
	unsigned count = apply_ok(f, p, &report);
	assert_int_equal(report.disabled, 1);
	assert_int_equal(count, 2);
	assert_int_equal(f->rules[0]->sid, 101);
	assert_int_equal(f->rules[1]->sid, 200);
	assert_int_equal(f->rules[1]->threshold.type, RULE_THRESHOLD_LIMIT);
	assert_int_equal(f->rules[1]->threshold.count, 1);
	f->rules[2] = NULL; /* stale: rule 200 moved down, rule 100 was freed */
	policy_free(p);
}

static void test_ratelimit_statements(void **state)
{
	(void)state;
	struct policy *p = parse_ok("ratelimit new_connections 20/s per src block 10s\n"
				    "ratelimit http_requests 600/m per xff block 5m # burst\n"
				    "ratelimit http_requests 100/10s per src block 1h\n");
	assert_int_equal(policy_ratelimit_count(p), 3);
	const struct policy_ratelimit *r = policy_ratelimit_get(p, 0);
	assert_int_equal(r->kind, POLICY_RATELIMIT_NEW_CONNECTIONS);
	assert_int_equal(r->per, POLICY_RATELIMIT_PER_SRC);
	assert_int_equal(r->count, 20);
	assert_int_equal(r->window_s, 1);
	assert_int_equal(r->block_s, 10);
	r = policy_ratelimit_get(p, 1);
	assert_int_equal(r->per, POLICY_RATELIMIT_PER_XFF);
	assert_int_equal(r->window_s, 60);
	assert_int_equal(r->block_s, 300);
	r = policy_ratelimit_get(p, 2);
	assert_int_equal(r->count, 100);
	assert_int_equal(r->window_s, 10);
	assert_int_equal(r->block_s, 3600);
	assert_string_equal(r->text, "http_requests 100/10s per src block 3600s");
	policy_free(p);
}

static void test_include_threshold_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/vigil-policy-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64], policy_path[64];
	snprintf(path, sizeof(path), "%s/threshold.config", dir);
	snprintf(policy_path, sizeof(policy_path), "%s/site.policy", dir);
	FILE *tf = fopen(path, "w");
	fprintf(tf, "# tuning\nsuppress gen_id 1, sig_id 100\nbogus line\n");
	fclose(tf);
	FILE *pf = fopen(policy_path, "w");
	fprintf(pf, "disable sid 5\ninclude threshold.config\n");
	fclose(pf);
	struct policy *p = NULL;
	char err[POLICY_ERROR_MAX];
	assert_int_equal(policy_load(policy_path, &p, err, sizeof(err)), -EINVAL);
	/* the policy line, and the included file's own line and reason */
	char want[512];
	snprintf(want, sizeof(want), "%s:2:9: error: %s:3: unknown command \"bogus\"", policy_path,
		 path);
	assert_non_null(strstr(err, want));
	tf = fopen(path, "w");
	fprintf(tf, "suppress gen_id 1, sig_id 100\n");
	fclose(tf);
	assert_int_equal(policy_load(policy_path, &p, err, sizeof(err)), 0);
	unsigned n[5];
	policy_counts(p, n);
	assert_int_equal(n[0], 1);
	assert_int_equal(n[4], 1);
	policy_free(p);
	unlink(path);
	unlink(policy_path);
	rmdir(dir);
}

static void test_errors(void **state)
{
	(void)state;
	assert_string_equal(parse_bad("disable sid 1\nfrobnicate sid 2\n"),
			    "test.policy:2:1: error: unknown statement \"frobnicate\" (enable, "
			    "disable, action, except, ratelimit, include, suppress, threshold, "
			    "event_filter, rate_filter, tenant)");
	assert_string_equal(parse_bad("  disable sid x12\n"),
			    "test.policy:1:15: error: bad sid \"x12\" (a number, or N-M)");
	assert_string_equal(parse_bad("disable sid 9-3\n"),
			    "test.policy:1:13: error: bad sid range \"9-3\": end before start");
	assert_string_equal(
	    parse_bad("disable\n"),
	    "test.policy:1:8: error: expected a selector (sid, metadata, classtype, "
	    "group, all) after \"disable\"");
	assert_string_equal(parse_bad("disable metadata attack_class\n"),
			    "test.policy:1:30: error: expected metadata KEY VALUE after "
			    "\"attack_class\"");
	assert_string_equal(parse_bad("disable rule 5\n"),
			    "test.policy:1:9: error: unknown selector \"rule\" (sid, metadata, "
			    "classtype, group, all)");
	assert_string_equal(
	    parse_bad("disable sid 5 extra\n"),
	    "test.policy:1:15: error: unexpected \"extra\" at the end of the statement");
	assert_string_equal(
	    parse_bad("action alert->dorp sid 5\n"),
	    "test.policy:1:15: error: bad action \"dorp\" (alert, drop, reject, pass)");
	assert_string_equal(
	    parse_bad("action rejectsrc sid 5\n"),
	    "test.policy:1:8: error: bad action \"rejectsrc\" (alert, drop, reject, "
	    "pass)");
	assert_string_equal(parse_bad("except sid 5 src 10.0.0.1/8\n"),
			    "test.policy:1:18: error: prefix \"10.0.0.1/8\" has host bits set");
	assert_string_equal(parse_bad("except sid 5 src 10.0.0.0/33\n"),
			    "test.policy:1:27: error: bad prefix length \"33\" (0-32)");
	assert_string_equal(parse_bad("except sid 5 dst 10.0.0.300\n"),
			    "test.policy:1:18: error: bad address \"10.0.0.300\" (IPv4 or IPv6)");
	assert_string_equal(parse_bad("except sid 5 path api/x\n"),
			    "test.policy:1:19: error: bad path \"api/x\": must start with /");
	assert_string_equal(parse_bad("except sid 5 port 80\n"),
			    "test.policy:1:14: error: unknown exception field \"port\" (src, dst, "
			    "xff, path)");
	assert_string_equal(parse_bad("ratelimit new_connections 20/s per src\n"),
			    "test.policy:1:39: error: expected block after \"src\"");
	assert_string_equal(parse_bad("ratelimit new_connections 0/s per src block 1s\n"),
			    "test.policy:1:27: error: bad rate count \"0\" (1 or more)");
	assert_string_equal(
	    parse_bad("ratelimit new_connections 5/h per src block 1s\n"),
	    "test.policy:1:29: error: bad rate window \"h\" (s or m, at most an hour)");
	assert_string_equal(parse_bad("ratelimit http_requests 5/s per dst block 1s\n"),
			    "test.policy:1:33: error: bad key \"dst\" (src, xff)");
	assert_string_equal(
	    parse_bad("ratelimit http_requests 5/s per src block 2d\n"),
	    "test.policy:1:43: error: bad duration \"2d\" (Ns, Nm or Nh, up to a day)");
	assert_string_equal(parse_bad("ratelimit new_connections 5/s per xff block 1s\n"),
			    "test.policy:1:35: error: new_connections are counted per src (a "
			    "connection has no X-Forwarded-For yet)");
	assert_string_equal(parse_bad("suppress gen_id 1, sig_id 5, track by_src\n"),
			    "test.policy:1:1: error: suppress takes both track and ip, or neither");
	assert_string_equal(parse_bad("include\n"),
			    "test.policy:1:8: error: expected a threshold file after \"include\"");
	char nul[] = "disable sid 1\ndisable\0 sid 2\n";
	struct policy *p = NULL;
	char err[POLICY_ERROR_MAX];
	assert_int_equal(policy_parse("n.policy", nul, sizeof(nul) - 1, &p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "n.policy:2:8: error: NUL byte in the line");
	assert_string_equal(parse_bad("disable sid 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n"),
			    "test.policy:1:41: error: more than 16 words");
	/* a threshold line may be longer: it is parsed from its text */
	policy_free(parse_ok("suppress gen_id 1, sig_id 5, track by_src, ip [10.0.0.1, 10.0.0.2, "
			     "10.0.0.3, 10.0.0.4, 10.0.0.5, 10.0.0.6, 10.0.0.7]\n"));
	/* comments, blank lines and tabs are fine */
	policy_free(parse_ok("# only comments\n\n\t disable\tsid 1 # why\r\n"));
}

static void test_too_many_ratelimits(void **state)
{
	(void)state;
	char text[2048] = "";
	for (int i = 0; i <= POLICY_RATELIMIT_MAX; i++)
		strcat(text, "ratelimit new_connections 5/s per src block 1s\n");
	assert_string_equal(parse_bad(text), "test.policy:9:1: error: more than 8 ratelimit "
					     "statements");
}

/* --- tenant blocks --------------------------------------------------------- */

#define ENDPOINT_A   0x0123456789abcdefull
#define ATTACHMENT_A 0x1111222233334444ull
#define ENDPOINT_B   0x0fedcba987654321ull

static struct packet_tunnel geneve_tunnel(uint64_t endpoint, bool has_attachment,
					  uint64_t attachment)
{
	return (struct packet_tunnel){.type = PACKET_TUNNEL_GENEVE,
				      .has_endpoint_id = 1,
				      .has_attachment_id = has_attachment,
				      .endpoint_id = endpoint,
				      .attachment_id = attachment};
}

static struct packet_tunnel vxlan_tunnel(uint32_t vni)
{
	return (struct packet_tunnel){.type = PACKET_TUNNEL_VXLAN, .vni = vni};
}

static void test_tenant_lookup(void **state)
{
	(void)state;
	struct policy *p = parse_ok("disable sid 1\n"
				    "tenant vpce-0123456789ABCDEF0 {   # as EVE prints, any case\n"
				    "\tmode ids\n"
				    "}\n"
				    "tenant vpce-00123456789abcdef attachment 1111222233334444 {\n"
				    "}\n"
				    "tenant vni 800 801 {\n"
				    "}\n"
				    "tenant vni 16777215 {\n"
				    "}\n");
	assert_int_equal(policy_tenant_count(p), 4);
	assert_string_equal(policy_tenant_name(p, 1), "vpce-0123456789ABCDEF0");
	assert_string_equal(policy_tenant_name(p, 2),
			    "vpce-00123456789abcdef attachment 1111222233334444");
	assert_string_equal(policy_tenant_name(p, 3), "vni 800 801");
	assert_true(policy_tenant_ids(p, 1));
	assert_false(policy_tenant_ids(p, 2));
	assert_false(policy_tenant_ids(p, 0));

	/* the endpoint names its tenant, whatever the attachment */
	struct packet_tunnel t = geneve_tunnel(0x123456789abcdef0ull, true, 42);
	assert_int_equal(policy_tenant_find(p, &t), 1);
	t.has_attachment_id = 0;
	assert_int_equal(policy_tenant_find(p, &t), 1);
	/* the block with an attachment names only that attachment */
	t = geneve_tunnel(ENDPOINT_A, true, ATTACHMENT_A);
	assert_int_equal(policy_tenant_find(p, &t), 2);
	t.attachment_id++;
	assert_int_equal(policy_tenant_find(p, &t), 0);
	t = geneve_tunnel(ENDPOINT_A, false, 0);
	assert_int_equal(policy_tenant_find(p, &t), 0);
	/* no endpoint option: no tenant; outside tunnels: none */
	t = geneve_tunnel(0x123456789abcdef0ull, false, 0);
	t.has_endpoint_id = 0;
	assert_int_equal(policy_tenant_find(p, &t), 0);
	assert_int_equal(policy_tenant_find(p, NULL), 0);
	assert_int_equal(policy_tenant_find(NULL, &t), 0);
	/* VXLAN: either VNI of the pair; a GENEVE VNI is not a VXLAN one */
	t = vxlan_tunnel(800);
	assert_int_equal(policy_tenant_find(p, &t), 3);
	t.vni = 801;
	assert_int_equal(policy_tenant_find(p, &t), 3);
	t.vni = 802;
	assert_int_equal(policy_tenant_find(p, &t), 0);
	t.vni = 16777215;
	assert_int_equal(policy_tenant_find(p, &t), 4);
	t = geneve_tunnel(ENDPOINT_B, false, 0);
	t.vni = 800;
	assert_int_equal(policy_tenant_find(p, &t), 0);
	policy_free(p);

	/* an endpoint with its own block beside a block for one of its attachments */
	p = parse_ok("tenant vpce-00123456789abcdef {\n}\n"
		     "tenant vpce-00123456789abcdef attachment 1111222233334444 {\n}\n");
	t = geneve_tunnel(ENDPOINT_A, true, ATTACHMENT_A);
	assert_int_equal(policy_tenant_find(p, &t), 2);
	t.attachment_id = 7;
	assert_int_equal(policy_tenant_find(p, &t), 1);
	policy_free(p);
}

static void test_tenant_precedence(void **state)
{
	struct fixture *f = *state;
	struct policy *p = parse_ok("action drop all\n"
				    "disable sid 200\n"
				    "tenant vni 800 {\n"
				    "  action drop->alert group web\n"
				    "  disable classtype web-application-attack\n"
				    "  enable sid 101\n"
				    "  enable sid 200\n"
				    "}\n"
				    "tenant vni 900 {\n"
				    "  action reject sid 100\n"
				    "}\n");
	/* outside tenants: the statements outside blocks only */
	assert_int_equal(policy_rule_action(p, f->rules[1]), RULE_ACTION_DROP);
	assert_true(policy_rule_enabled(p, f->rules[0]));
	assert_false(policy_rule_enabled(p, f->rules[2]));
	/* tenant 1: its own statements first, by specificity among themselves */
	assert_false(policy_tenant_rule_enabled(p, 1, f->rules[0])); /* classtype */
	assert_true(policy_tenant_rule_enabled(p, 1, f->rules[1]));  /* sid beats classtype */
	assert_true(policy_tenant_rule_enabled(p, 1, f->rules[2]));  /* beats the disable outside */
	assert_int_equal(policy_tenant_rule_action(p, 1, f->rules[1]), RULE_ACTION_ALERT);
	/* FROM looks at the rule as written: sid 100 is an alert rule, so "drop all" holds */
	assert_int_equal(policy_tenant_rule_action(p, 1, f->rules[0]), RULE_ACTION_DROP);
	/* a rule the tenant's statements do not name is as outside: "action drop all" */
	assert_int_equal(policy_tenant_rule_action(p, 1, f->rules[2]), RULE_ACTION_DROP);
	/* tenant 2 names only sid 100 */
	assert_int_equal(policy_tenant_rule_action(p, 2, f->rules[0]), RULE_ACTION_REJECT);
	assert_int_equal(policy_tenant_rule_action(p, 2, f->rules[1]), RULE_ACTION_DROP);
	assert_false(policy_tenant_rule_enabled(p, 2, f->rules[2]));
	policy_free(p);
}

/* policy_tenant_rule() for the rule at index of the fixture, after policy_apply. */
static int tenant_action(const struct rule *rule, uint16_t tenant)
{
	enum rule_action action = rule->action;
	return policy_tenant_rule(rule, tenant, &action) ? (int)action : -1;
}

static void test_tenant_apply(void **state)
{
	struct fixture *f = *state;
	struct policy *p = parse_ok("disable sid 200\n"
				    "except sid 101 src 10.9.0.0/16\n"
				    "tenant vni 800 {\n"
				    "  action drop->alert sid 101\n"
				    "  disable sid 100\n"
				    "  enable sid 200\n"
				    "  except sid 101 dst 192.0.2.0/24\n"
				    "}\n"
				    "tenant vni 900 {\n"
				    "  action reject sid 101   # different per tenant\n"
				    "  action drop sid 100\n"
				    "  mode ids\n"
				    "}\n"
				    "tenant vni 1000 {\n"
				    "  action drop sid 101     # as outside: nothing differs\n"
				    "  disable sid 200\n"
				    "}\n");
	struct policy_report report;
	unsigned count = apply_ok(f, p, &report);
	/* sid 200 is off outside tenants, but stays for tenant 1 */
	assert_int_equal(count, 3);
	assert_int_equal(report.disabled, 0);
	assert_int_equal(report.scoped, 3);
	assert_int_equal(report.excepted, 1);
	struct rule *r100 = f->rules[0], *r101 = f->rules[1], *r200 = f->rules[2];
	assert_int_equal(r101->policy->tenant_count, 2);
	assert_int_equal(r101->policy->tenants[0].tenant, 1);
	assert_int_equal(r101->policy->tenants[1].tenant, 2);
	assert_true(r200->policy->tenant_only);
	/* no tenant, or one whose block changes nothing, sees the rules as outside */
	for (uint16_t tenant = 0; tenant <= 4; tenant += 3) {
		assert_int_equal(tenant_action(r100, tenant), RULE_ACTION_ALERT);
		assert_int_equal(tenant_action(r101, tenant), RULE_ACTION_DROP);
		assert_int_equal(tenant_action(r200, tenant), -1);
	}
	assert_int_equal(tenant_action(r100, 1), -1);
	assert_int_equal(tenant_action(r101, 1), RULE_ACTION_ALERT);
	assert_int_equal(tenant_action(r200, 1), RULE_ACTION_REJECT);
	assert_int_equal(tenant_action(r100, 2), RULE_ACTION_DROP);
	assert_int_equal(tenant_action(r101, 2), RULE_ACTION_REJECT);
	assert_int_equal(tenant_action(r200, 2), -1);
	/* exceptions: those outside blocks for everyone, a tenant's for its packets only */
	struct policy_packet_view v = view4("10.9.1.1", "198.51.100.1", NULL);
	assert_true(policy_excepted(p, r101, &v));
	v = view4("10.8.1.1", "192.0.2.7", NULL);
	assert_false(policy_excepted(p, r101, &v));
	v.tenant = 2;
	assert_false(policy_excepted(p, r101, &v));
	v.tenant = 1;
	assert_true(policy_excepted(p, r101, &v));
	policy_free(p);
}

static void test_tenant_errors(void **state)
{
	(void)state;
	assert_string_equal(parse_bad("tenant vpce-0123 {\n}\n"),
			    "test.policy:1:8: error: bad endpoint id \"vpce-0123\" (vpce- and 17 "
			    "hex digits, as EVE's gwlb_endpoint_id)");
	assert_string_equal(parse_bad("tenant vpce-0123456789abcdefg {\n}\n"),
			    "test.policy:1:8: error: bad endpoint id \"vpce-0123456789abcdefg\" "
			    "(vpce- and 17 hex digits, as EVE's gwlb_endpoint_id)");
	assert_string_equal(parse_bad("tenant vpce-1123456789abcdef0 {\n}\n"),
			    "test.policy:1:8: error: endpoint id \"vpce-1123456789abcdef0\" does "
			    "not fit GWLB's 8 bytes (its first hex digit is 0)");
	assert_string_equal(parse_bad("tenant eni-0123456789abcdef0 {\n}\n"),
			    "test.policy:1:8: error: unknown tenant \"eni-0123456789abcdef0\" "
			    "(vpce-ID [attachment ID], or vni N)");
	assert_string_equal(parse_bad("tenant vpce-00123456789abcdef attachment 12 {\n}\n"),
			    "test.policy:1:42: error: bad attachment id \"12\" (16 hex digits, as "
			    "EVE's gwlb_attachment_id)");
	assert_string_equal(parse_bad("tenant vpce-00123456789abcdef attachment\n"),
			    "test.policy:1:41: error: expected an attachment id (16 hex digits) "
			    "after \"attachment\"");
	assert_string_equal(parse_bad("tenant vni 16777216 {\n}\n"),
			    "test.policy:1:12: error: bad vni \"16777216\" (0 to 16777215)");
	assert_string_equal(
	    parse_bad("tenant vni {\n}\n"),
	    "test.policy:1:12: error: expected a VNI (0 to 16777215) after \"vni\"");
	assert_string_equal(
	    parse_bad("tenant vni\n"),
	    "test.policy:1:11: error: expected a VNI (0 to 16777215) after \"vni\"");
	assert_string_equal(parse_bad("tenant vni 1 2 3 {\n}\n"),
			    "test.policy:1:16: error: expected \"{\" to open the tenant block, not "
			    "\"3\"");
	assert_string_equal(parse_bad("tenant\n"),
			    "test.policy:1:7: error: expected a tenant (vpce-ID or vni N) after "
			    "\"tenant\"");
	assert_string_equal(parse_bad("tenant vni 800\n"),
			    "test.policy:1:15: error: expected \"{\" after \"800\"");
	assert_string_equal(
	    parse_bad("tenant vni 800 { disable sid 1\n"),
	    "test.policy:1:18: error: unexpected \"disable\" at the end of the statement");
	assert_string_equal(parse_bad("tenant vni 800 {\n  tenant vni 801 {\n  }\n}\n"),
			    "test.policy:2:3: error: tenant blocks do not nest (the block of line "
			    "1 is still open)");
	assert_string_equal(parse_bad("tenant vni 800 {\n  frobnicate sid 1\n}\n"),
			    "test.policy:2:3: error: unknown statement \"frobnicate\" in a tenant "
			    "block (enable, disable, action, except, mode, })");
	assert_string_equal(
	    parse_bad("tenant vni 800 {\n  ratelimit new_connections 5/s per src block 1s\n}\n"),
	    "test.policy:2:3: error: \"ratelimit\" cannot be scoped to a tenant (in a tenant "
	    "block: enable, disable, action, except, mode)");
	assert_string_equal(parse_bad("tenant vni 800 {\n  suppress gen_id 1, sig_id 5\n}\n"),
			    "test.policy:2:3: error: \"suppress\" cannot be scoped to a tenant (in "
			    "a tenant block: enable, disable, action, except, mode)");
	assert_string_equal(parse_bad("tenant vni 800 {\n  disable sid x\n}\n"),
			    "test.policy:2:15: error: bad sid \"x\" (a number, or N-M)");
	assert_string_equal(parse_bad("disable sid 1\n}\n"),
			    "test.policy:2:1: error: \"}\" closes no tenant block");
	assert_string_equal(parse_bad("tenant vni 800 {\n} disable\n"),
			    "test.policy:2:3: error: unexpected \"disable\" at the end of the "
			    "statement");
	assert_string_equal(parse_bad("mode ids\n"),
			    "test.policy:1:1: error: mode outside a tenant block (the board's "
			    "[board] mode holds for every packet)");
	assert_string_equal(parse_bad("tenant vni 800 {\n  mode ips\n}\n"),
			    "test.policy:2:8: error: bad mode \"ips\" for a tenant (ids: its rules "
			    "alert, never drop; without it the board's mode holds)");
	assert_string_equal(parse_bad("disable sid 1\n  tenant vni 800 {\n  disable sid 2\n"),
			    "test.policy:2:3: error: tenant block not closed (no \"}\" before the "
			    "end of the file)");
	assert_string_equal(parse_bad("tenant vni 800 {\n}\ntenant vni 900 800 {\n}\n"),
			    "test.policy:3:16: error: vni 800 names a tenant already (line 1)");
	assert_string_equal(parse_bad("tenant vni 7 7 {\n}\n"),
			    "test.policy:1:14: error: vni 7 names a tenant already (line 1)");
	assert_string_equal(
	    parse_bad("tenant vpce-00123456789abcdef {\n}\ntenant vpce-00123456789ABCDEF {\n}\n"),
	    "test.policy:3:8: error: tenant \"vpce-00123456789ABCDEF\" has a block already (line "
	    "1)");
	/* tenant numbers (and the flow's tenant + 1) fit 16 bits */
	size_t size = (POLICY_TENANT_MAX + 1) * 24 + 1, len = 0;
	char *many = malloc(size);
	assert_non_null(many);
	for (unsigned i = 0; i <= POLICY_TENANT_MAX; i++)
		len += (size_t)snprintf(many + len, size - len, "tenant vni %u {\n}\n", i);
	char want[128];
	snprintf(want, sizeof(want), "test.policy:%u:1: error: more than %u tenant blocks",
		 2 * POLICY_TENANT_MAX + 1, POLICY_TENANT_MAX);
	assert_string_equal(parse_bad(many), want);
	free(many);
	/* a block may be empty, and comments and blank lines are fine inside */
	policy_free(parse_ok("tenant vni 5 {   # staging\n\n  # nothing yet\n}\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_selectors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_toggle_precedence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_action_precedence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exceptions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply_disables, setup, teardown),
	    cmocka_unit_test(test_ratelimit_statements),
	    cmocka_unit_test(test_include_threshold_file),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_too_many_ratelimits),
	    cmocka_unit_test(test_tenant_lookup),
	    cmocka_unit_test_setup_teardown(test_tenant_precedence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tenant_apply, setup, teardown),
	    cmocka_unit_test(test_tenant_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
