/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Board file reader. inih splits the file into (section, key, value); this
 * file owns the table of known settings, their parsers and defaults, and
 * the checks that span settings (pairs, lcores). It leaves everything DPDK
 * to platform/eal.c and platform/port.c.
 *
 * Order: defaults first, then the file, then --set overrides, then the
 * whole-board checks. The first error wins and is the only one reported,
 * so an operator fixes one clear thing at a time.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "control/resolver.h"
#include "control/sink_format.h"
#include "dataplane/app/app.h"
#include "dataplane/event.h"
#include "platform/board.h"
#include "rules/lang/rule.h"

#define BOARD_MAX_LCORE 128  /* DPDK's RTE_MAX_LCORE as Debian builds it */
#define BOARD_LINE_MAX	4096 /* a line at most (a webhook URL is up to 2 KB); longer: refused */

_Static_assert(sizeof(((struct board *)0)->webhook) == SINK_URL_MAX + 1,
	       "[alerts] webhook holds a URL of SINK_URL_MAX characters");
_Static_assert(sizeof(((struct board_headers *)0)->line) /
			   sizeof(((struct board_headers *)0)->line[0]) ==
		       SINK_HEADERS &&
		   sizeof(((struct board_headers *)0)->line[0]) == SINK_HEADER_MAX + 1,
	       "board_headers holds what sink_header_check allows");
#define WHY_MAX 256

struct board_setting;
typedef int (*board_parse_fn)(const struct board_setting *setting, const char *value, void *field,
			      char *why, size_t why_len);

struct board_setting {
	const char *section;
	const char *key;
	board_parse_fn parse;
	size_t offset;		   /* into struct board, or struct board_port for port settings */
	size_t size;		   /* of the field, for strings */
	unsigned min, max;	   /* for numbers */
	const char *default_value; /* NULL: required */
};

/* State of one board_load() call, handed to the inih handler. */
struct board_reader {
	struct board *board;
	const char *origin; /* file path, or "--set ..." */
	FILE *file;
	unsigned line;
	unsigned section_line; /* line of the last "[section]" header read */
	bool override;	       /* a --set may replace a value from the file */
	bool failed;
	char *err;
	size_t err_len;
	unsigned port_lines[BOARD_MAX_PORTS][16];
};

static int board_parse_string(const struct board_setting *s, const char *value, void *field,
			      char *why, size_t why_len)
{
	if (strlen(value) >= s->size) {
		snprintf(why, why_len, "value is longer than %zu characters", s->size - 1);
		return -EINVAL;
	}
	strcpy(field, value);
	return 0;
}

static int board_parse_name(const struct board_setting *s, const char *value, void *field,
			    char *why, size_t why_len)
{
	/* Names end up in file names, EAL arguments and JSON: keep them plain. */
	for (const char *c = value; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.') {
			snprintf(why, why_len,
				 "\"%s\" may hold only letters, digits, '_', '-', '.'", value);
			return -EINVAL;
		}
	}
	if (value[0] == '\0') {
		snprintf(why, why_len, "empty value");
		return -EINVAL;
	}
	return board_parse_string(s, value, field, why, why_len);
}

static int board_parse_uint(const struct board_setting *s, const char *value, void *field,
			    char *why, size_t why_len)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(value, &end, 10);
	if (value[0] == '\0' || value[0] == '-' || *end != '\0' || errno) {
		snprintf(why, why_len, "\"%s\" is not a number", value);
		return -EINVAL;
	}
	if (n < s->min || n > s->max) {
		snprintf(why, why_len, "%lu is outside %u..%u", n, s->min, s->max);
		return -EINVAL;
	}
	*(unsigned *)field = (unsigned)n;
	return 0;
}

static int board_parse_bool(const struct board_setting *s, const char *value, void *field,
			    char *why, size_t why_len)
{
	(void)s;
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*(bool *)field = true;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*(bool *)field = false;
			return 0;
		}
	}
	snprintf(why, why_len, "\"%s\" is not yes or no", value);
	return -EINVAL;
}

/* [eve] protocols: names of parsers whose transactions get EVE records (dataplane/event.h). */
static int board_parse_eve_protocols(const struct board_setting *s, const char *value, void *field,
				     char *why, size_t why_len)
{
	(void)s;
	return event_protocols_parse(value, field, why, why_len);
}

/* A keyword out of a NULL-terminated list, stored as its index. */
static int board_parse_keyword(const char *value, const char *const *words, int *field, char *why,
			       size_t why_len)
{
	for (int i = 0; words[i]; i++) {
		if (strcasecmp(value, words[i]) == 0) {
			*field = i;
			return 0;
		}
	}
	int n = snprintf(why, why_len, "\"%s\" is not", value);
	for (int i = 0; words[i] && n > 0 && (size_t)n < why_len; i++)
		n += snprintf(why + n, why_len - n, "%s %s",
			      i == 0	     ? ""
			      : words[i + 1] ? ","
					     : " or",
			      words[i]);
	return -EINVAL;
}

/* "A.B.C.D[/LEN]" or "X::Y[/LEN]" by s->max (32 or 128); LEN defaults to max. */
static int board_parse_prefix(const struct board_setting *s, const char *value, void *field,
			      char *why, size_t why_len)
{
	struct board_prefix *prefix = field;
	char copy[80];
	const char *kind = s->max == 32 ? "an IPv4 address" : "an IPv6 address";
	if (strlen(value) >= sizeof(copy)) {
		snprintf(why, why_len, "\"%s\" is not %s", value, kind);
		return -EINVAL;
	}
	strcpy(copy, value);
	char *slash = strchr(copy, '/');
	prefix->len = s->max;
	if (slash) {
		*slash = '\0';
		char *end;
		unsigned long len = strtoul(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || len > s->max ||
		    (s->min && len != s->min)) {
			snprintf(why, why_len, "\"%s\": bad prefix length", value);
			return -EINVAL;
		}
		prefix->len = (unsigned)len;
	}
	if (inet_pton(s->max == 32 ? AF_INET : AF_INET6, copy, prefix->addr) != 1) {
		snprintf(why, why_len, "\"%s\" is not %s", value, kind);
		return -EINVAL;
	}
	prefix->set = true;
	return 0;
}

/*
 * [host_os_policy] KEY = PREFIX, PREFIX, ...: the stack (or urgent-data
 * policy) the key names for every host of each prefix, IPv4 or IPv6 (an
 * address alone is a host). Added to the board's table, which refuses a
 * prefix listed twice.
 */
static int board_parse_host_os(const struct board_setting *s, const char *value, void *field,
			       char *why, size_t why_len)
{
	struct host_os_table *table = field;
	struct host_os_prefix entry = {0};
	enum host_os_kind kind;
	char list[BOARD_VAR_MAX];

	if (host_os_key(s->key, &kind, &entry.value) < 0) {
		snprintf(why, why_len, "not a stack or urgent policy"); /* a row of the table */
		return -EINVAL;
	}
	if (strlen(value) >= sizeof(list)) {
		snprintf(why, why_len, "value is longer than %zu characters", sizeof(list) - 1);
		return -EINVAL;
	}
	entry.kind = (uint8_t)kind;
	strcpy(list, value);
	char *save = NULL;
	unsigned count = 0;
	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		for (char *end = tok + strlen(tok); end > tok && isspace((unsigned char)end[-1]);)
			*--end = '\0';
		struct board_setting family = *s;
		struct board_prefix prefix = {0};
		family.min = 0;
		family.max = strchr(tok, ':') ? 128 : 32;
		if (board_parse_prefix(&family, tok, &prefix, why, why_len) < 0)
			return -EINVAL;
		memcpy(entry.addr, prefix.addr, sizeof(entry.addr));
		entry.len = (uint8_t)prefix.len;
		entry.ip_version = family.max == 32 ? 4 : 6;
		char reason[WHY_MAX];
		if (host_os_add(table, &entry, reason, sizeof(reason)) < 0) {
			snprintf(why, why_len, "\"%s\": %s", tok, reason);
			return -EINVAL;
		}
		count++;
	}
	if (count == 0) {
		snprintf(why, why_len, "expected a list of addresses or prefixes");
		return -EINVAL;
	}
	return 0;
}

static const char *const board_mode_names[] = {"ids", "ips", NULL};
static const char *const board_malformed_names[] = {"drop", "forward", NULL};
static const char *const board_fail_names[] = {"open", "closed", NULL};
static const char *const board_role_names[] = {"inline", "management", NULL};
static const char *const board_checksums_names[] = {"yes", "no", "auto", NULL};
static const char *const board_spread_names[] = {"auto", "external", NULL};
/* [eve] drops, in the order of enum event_drops */
static const char *const board_eve_drops_names[] = {"no", "start", "all", NULL};
static const char *const board_app_error_policy_names[] = {
#define _(sym, name) name,
    foreach_app_error_policy
#undef _
	NULL};

/* Suricata's action-order: kept as written once it reads right. */
static int board_parse_action_order(const struct board_setting *s, const char *value, void *field,
				    char *why, size_t why_len)
{
	uint8_t rank[RULE_ACTION_COUNT];
	int rc = rule_action_order_parse(value, rank, why, why_len);
	if (rc < 0)
		return rc;
	return board_parse_string(s, value, field, why, why_len);
}

static int board_parse_app_error_policy(const struct board_setting *s, const char *value,
					void *field, char *why, size_t why_len)
{
	(void)s;
	return board_parse_keyword(value, board_app_error_policy_names, field, why, why_len);
}

static int board_parse_mode(const struct board_setting *s, const char *value, void *field,
			    char *why, size_t why_len)
{
	(void)s;
	return board_parse_keyword(value, board_mode_names, field, why, why_len);
}

static int board_parse_malformed(const struct board_setting *s, const char *value, void *field,
				 char *why, size_t why_len)
{
	(void)s;
	return board_parse_keyword(value, board_malformed_names, field, why, why_len);
}

static int board_parse_fail(const struct board_setting *s, const char *value, void *field,
			    char *why, size_t why_len)
{
	(void)s;
	return board_parse_keyword(value, board_fail_names, field, why, why_len);
}

static int board_parse_checksums(const struct board_setting *s, const char *value, void *field,
				 char *why, size_t why_len)
{
	(void)s;
	return board_parse_keyword(value, board_checksums_names, field, why, why_len);
}

static int board_parse_eve_drops(const struct board_setting *s, const char *value, void *field,
				 char *why, size_t why_len)
{
	(void)s;
	return board_parse_keyword(value, board_eve_drops_names, field, why, why_len);
}

static int board_parse_spread(const struct board_setting *s, const char *value, void *field,
			      char *why, size_t why_len)
{
	(void)s;
	return board_parse_keyword(value, board_spread_names, field, why, why_len);
}

static int board_parse_role(const struct board_setting *s, const char *value, void *field,
			    char *why, size_t why_len)
{
	(void)s;
	struct board_port *port =
	    (struct board_port *)((char *)field - offsetof(struct board_port, role));
	int rc = board_parse_keyword(value, board_role_names, field, why, why_len);
	if (rc == 0)
		port->has_role = true;
	return rc;
}

/* A VXLAN tunnel, "PORT:VNI" (UDP port 1..65535, VNI 0..16777215); "" for none. */
static int board_parse_vxlan(const struct board_setting *s, const char *value, void *field,
			     char *why, size_t why_len)
{
	(void)s;
	struct board_vxlan_tunnel *t = field;
	memset(t, 0, sizeof(*t));
	if (value[0] == '\0')
		return 0;
	char *end;
	errno = 0;
	unsigned long port = strtoul(value, &end, 10);
	if (value[0] == '-' || *end != ':' || errno || port == 0 || port > 65535)
		goto bad;
	const char *vni_text = end + 1;
	unsigned long vni = strtoul(vni_text, &end, 10);
	if (vni_text[0] == '\0' || vni_text[0] == '-' || *end != '\0' || errno || vni > 0xffffff)
		goto bad;
	*t = (struct board_vxlan_tunnel){.set = true, .port = (uint16_t)port, .vni = (uint32_t)vni};
	return 0;
bad:
	snprintf(why, why_len,
		 "\"%s\" is not PORT:VNI (a UDP port 1..65535 and a VNI 0..16777215, e.g. "
		 "10800:800)",
		 value);
	return -EINVAL;
}

/* "1", "1-3", "1,3,5-6": each lcore once, all below BOARD_MAX_LCORE. */
static int board_parse_lcores(const struct board_setting *s, const char *value, void *field,
			      char *why, size_t why_len)
{
	(void)s;
	struct board *board =
	    (struct board *)((char *)field - offsetof(struct board, worker_lcores));
	bool seen[BOARD_MAX_LCORE] = {false};
	unsigned count = 0;
	const char *p = value;

	while (*p) {
		char *end;
		unsigned long first = strtoul(p, &end, 10), last;
		if (end == p || first >= BOARD_MAX_LCORE)
			goto bad;
		last = first;
		if (*end == '-') {
			p = end + 1;
			last = strtoul(p, &end, 10);
			if (end == p || last >= BOARD_MAX_LCORE || last < first)
				goto bad;
		}
		for (unsigned long id = first; id <= last; id++) {
			if (seen[id]) {
				snprintf(why, why_len, "lcore %lu is listed twice", id);
				return -EINVAL;
			}
			if (count == BOARD_MAX_WORKERS) {
				snprintf(why, why_len, "more than %d worker lcores",
					 BOARD_MAX_WORKERS);
				return -EINVAL;
			}
			seen[id] = true;
			board->worker_lcores[count++] = (unsigned)id;
		}
		if (*end == ',')
			end++;
		else if (*end != '\0')
			goto bad;
		p = end;
	}
	if (count == 0)
		goto bad;
	board->worker_count = count;
	return 0;
bad:
	snprintf(why, why_len, "\"%s\" is not a list of lcore ids below %d (e.g. 1 or 1-3 or 1,3)",
		 value, BOARD_MAX_LCORE);
	return -EINVAL;
}

/* [management] dns: the servers the sinks' host names are resolved through. */
static int board_parse_dns(const struct board_setting *s, const char *value, void *field, char *why,
			   size_t why_len)
{
	struct resolver_servers servers;
	if (resolver_servers_parse(value, &servers, why, why_len) < 0)
		return -EINVAL;
	return board_parse_string(s, value, field, why, why_len);
}

/* [alerts] syslog_facility: a name (local0, daemon, ...) or a number 0..23. */
static int board_parse_facility(const struct board_setting *s, const char *value, void *field,
				char *why, size_t why_len)
{
	(void)s;
	return sink_syslog_facility_parse(value, field, why, why_len);
}

/* [alerts] *_events: event types a sink takes, checked against the known ones. */
static int board_parse_events(const struct board_setting *s, const char *value, void *field,
			      char *why, size_t why_len)
{
	struct sink_filter filter;
	if (sink_filter_parse_types(value, &filter, why, why_len) < 0)
		return -EINVAL;
	return board_parse_string(s, value, field, why, why_len);
}

/* [alerts] webhook_header: one more "Name: value" line, refused if it could inject. */
static int board_parse_header(const struct board_setting *s, const char *value, void *field,
			      char *why, size_t why_len)
{
	(void)s;
	struct board_headers *headers = field;
	if (sink_header_check(value, why, why_len) < 0)
		return -EINVAL;
	if (headers->count == SINK_HEADERS) {
		snprintf(why, why_len, "more than %d headers", SINK_HEADERS);
		return -EINVAL;
	}
	snprintf(headers->line[headers->count++], sizeof(headers->line[0]), "%s", value);
	return 0;
}

/*
 * [files] hashes: the hashes computed when a file closes, a list of md5,
 * sha1, sha256 (commas or blanks between them), or none.
 */
static int board_parse_file_hashes(const struct board_setting *s, const char *value, void *field,
				   char *why, size_t why_len)
{
	(void)s;
	static const struct {
		const char *name;
		unsigned bit;
	} hashes[] = {{"md5", RULE_FILE_HAS_MD5},
		      {"sha1", RULE_FILE_HAS_SHA1},
		      {"sha256", RULE_FILE_HAS_SHA256},
		      {"none", 0}};
	char copy[128];
	unsigned mask = 0;
	snprintf(copy, sizeof(copy), "%s", value);
	for (char *save, *tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		size_t i = 0;
		while (i < sizeof(hashes) / sizeof(hashes[0]) && strcasecmp(tok, hashes[i].name))
			i++;
		if (i == sizeof(hashes) / sizeof(hashes[0])) {
			snprintf(why, why_len, "unknown hash \"%s\" (md5, sha1, sha256 or none)",
				 tok);
			return -EINVAL;
		}
		mask |= hashes[i].bit;
	}
	*(unsigned *)field = mask;
	return 0;
}

/* A setting that was renamed: refused with its new name, so no board means something else silently. */
static int board_parse_renamed(const struct board_setting *s, const char *value, void *field,
			       char *why, size_t why_len)
{
	(void)value, (void)field;
	snprintf(why, why_len,
		 "renamed %.*s_server_name (the name the server's certificate must carry)",
		 (int)(strlen(s->key) - strlen("_name")), s->key);
	return -EINVAL;
}

#define B(field) offsetof(struct board, field), sizeof(((struct board *)0)->field)
#define P(field) offsetof(struct board_port, field), sizeof(((struct board_port *)0)->field)

/* Top-level settings. The index of a row is its slot in board.setting_line. */
static const struct board_setting board_settings[] = {
    {"board", "name", board_parse_name, B(name), 0, 0, ""},
    {"board", "mode", board_parse_mode, B(mode), 0, 0, NULL},
    {"board", "malformed", board_parse_malformed, B(malformed), 0, 0, "drop"},
    {"board", "fail", board_parse_fail, B(fail), 0, 0, "open"},
    {"board", "fail_after_ms", board_parse_uint, B(fail_after_ms), 20, 60000, "200"},
    {"board", "link_propagation", board_parse_bool, B(link_propagation), 0, 0, "yes"},
    {"board", "link_settle_ms", board_parse_uint, B(link_settle_ms), 0, 60000, "5000"},
    {"eal", "no_huge", board_parse_bool, B(no_huge), 0, 0, "no"},
    {"eal", "no_pci", board_parse_bool, B(no_pci), 0, 0, "no"},
    {"eal", "memory_mb", board_parse_uint, B(memory_mb), 0, 1u << 20, "256"},
    {"eal", "file_prefix", board_parse_name, B(file_prefix), 0, 0, "vigil"},
    {"eal", "log_level", board_parse_string, B(log_level), 0, 0, "notice"},
    {"eal", "telemetry", board_parse_bool, B(telemetry), 0, 0, "no"},
    {"eal", "extra", board_parse_string, B(eal_extra), 0, 0, ""},
    {"lcores", "control", board_parse_uint, B(control_lcore), 0, BOARD_MAX_LCORE - 1, NULL},
    {"lcores", "workers", board_parse_lcores, B(worker_lcores), 0, 0, NULL},
    {"dataplane", "rx_descriptors", board_parse_uint, B(rx_descriptors), 32, 16384, "1024"},
    {"dataplane", "tx_descriptors", board_parse_uint, B(tx_descriptors), 32, 16384, "1024"},
    {"dataplane", "mbufs", board_parse_uint, B(mbufs), 0, 1u << 24, "0"},
    {"dataplane", "flows", board_parse_uint, B(flows), 16, 1u << 24, "65536"},
    {"dataplane", "stream_depth_kb", board_parse_uint, B(stream_depth_kb), 1, 1u << 20, "1024"},
    {"dataplane", "tcp_async_oneside", board_parse_bool, B(tcp_async_oneside), 0, 0, "no"},
    {"dataplane", "midstream", board_parse_bool, B(midstream), 0, 0, "yes"},
    {"dataplane", "min_ttl", board_parse_uint, B(min_ttl), 0, 255, "4"},
    {"dataplane", "defrag", board_parse_bool, B(defrag), 0, 0, "yes"},
    {"dataplane", "checksums", board_parse_checksums, B(checksums), 0, 0, "yes"},
    {"dataplane", "defrag_datagrams", board_parse_uint, B(defrag_datagrams), 1, 1024, "64"},
    {"dataplane", "defrag_timeout_s", board_parse_uint, B(defrag_timeout_s), 1, 600, "30"},
    {"dataplane", "flow_dump", board_parse_string, B(flow_dump), 0, 0, ""},
    {"rules", "cache_dir", board_parse_string, B(rules_cache_dir), 0, 0, "/var/cache/vigil"},
    {"rules", "classification", board_parse_string, B(rules_classification), 0, 0, ""},
    {"rules", "threshold_file", board_parse_string, B(rules_threshold_file), 0, 0, ""},
    {"rules", "policy_file", board_parse_string, B(rules_policy_file), 0, 0, ""},
    {"rules", "store_dir", board_parse_string, B(rules_store_dir), 0, 0, "/var/lib/vigil/rules"},
    {"rules", "packet_alert_max", board_parse_uint, B(packet_alert_max), 1, 64, "15"},
    {"rules", "action_order", board_parse_action_order, B(rules_action_order), 0, 0,
     "pass, drop, reject, alert"},
    {"app", "xff_headers", board_parse_string, B(xff_headers), 0, 0,
     "X-Forwarded-For, X-Real-IP, Forwarded"},
    {"app", "behind_proxy", board_parse_bool, B(behind_proxy), 0, 0, "no"},
    {"app", "http_body_limit_kb", board_parse_uint, B(http_body_limit_kb), 1, 65536, "1024"},
    {"app", "error_policy", board_parse_app_error_policy, B(app_error_policy), 0, 0, "ignore"},
    {"files", "magic", board_parse_bool, B(files_magic), 0, 0, "no"},
    {"files", "hashes", board_parse_file_hashes, B(files_hashes), 0, 0, "none"},
    {"files", "store_dir", board_parse_string, B(files_store_dir), 0, 0, ""},
    {"files", "store_limit_mb", board_parse_uint, B(files_store_limit_mb), 1, 1048576, "256"},
    {"dataplane", "mbuf_size", board_parse_uint, B(mbuf_size), 1024, 65535, "2176"},
    {"filter", "file", board_parse_string, B(filter_file), 0, 0, ""},
    {"filter", "protected_port", board_parse_name, B(filter_protected_port), 0, 0, ""},
    {"management", "ipv4", board_parse_prefix, B(management_ipv4), 0, 32, ""},
    {"management", "gateway4", board_parse_prefix, B(management_gateway4), 32, 32, ""},
    {"management", "ipv6", board_parse_prefix, B(management_ipv6), 0, 128, ""},
    {"management", "dns", board_parse_dns, B(management_dns), 0, 0, ""},
    {"management", "console_port", board_parse_uint, B(console_port), 1, 65535, "8443"},
    {"management", "console_cert", board_parse_string, B(console_cert), 0, 0, ""},
    {"management", "console_key", board_parse_string, B(console_key), 0, 0, ""},
    {"management", "operator_ca", board_parse_string, B(operator_ca), 0, 0, ""},
    {"management", "console_sessions", board_parse_uint, B(console_sessions), 2, 16, "4"},
    {"management", "console_handshakes", board_parse_uint, B(console_handshakes), 1, 64, "8"},
    {"management", "console_handshake_timeout_ms", board_parse_uint,
     B(console_handshake_timeout_ms), 100, 60000, "3000"},
    {"management", "console_admin_idle_s", board_parse_uint, B(console_admin_idle_s), 1, 86400,
     "300"},
    {"management", "console_viewer_idle_s", board_parse_uint, B(console_viewer_idle_s), 1, 86400,
     "60"},
    {"management", "audit_log", board_parse_string, B(audit_log), 0, 0, "/var/log/vigil/audit.log"},
    {"alerts", "eve_max_mb", board_parse_uint, B(eve_max_mb), 0, 1u << 20, "0"},
    {"alerts", "eve_keep", board_parse_uint, B(eve_keep), 1, 100, "5"},
    {"alerts", "eve_rotate_s", board_parse_uint, B(eve_rotate_s), 0, 31u * 86400, "0"},
    {"alerts", "syslog", board_parse_string, B(syslog), 0, 0, ""},
    {"alerts", "syslog_ca", board_parse_string, B(syslog_ca), 0, 0, ""},
    {"alerts", "syslog_server_name", board_parse_string, B(syslog_server_name), 0, 0, ""},
    {"alerts", "syslog_name", board_parse_renamed, B(syslog_server_name), 0, 0, ""},
    {"alerts", "syslog_facility", board_parse_facility, B(syslog_facility), 0, 0, "local0"},
    {"alerts", "syslog_events", board_parse_events, B(syslog_events), 0, 0, "all"},
    {"alerts", "syslog_min_severity", board_parse_uint, B(syslog_min_severity), 0, 255, "0"},
    {"alerts", "webhook", board_parse_string, B(webhook), 0, 0, ""},
    {"alerts", "webhook_ca", board_parse_string, B(webhook_ca), 0, 0, ""},
    {"alerts", "webhook_server_name", board_parse_string, B(webhook_server_name), 0, 0, ""},
    {"alerts", "webhook_name", board_parse_renamed, B(webhook_server_name), 0, 0, ""},
    {"alerts", "webhook_header", board_parse_header, B(webhook_headers), 0, 0, ""},
    {"alerts", "webhook_events", board_parse_events, B(webhook_events), 0, 0,
     "alert drop anomaly engine"},
    {"alerts", "webhook_min_severity", board_parse_uint, B(webhook_min_severity), 0, 255, "0"},
    {"alerts", "client_cert", board_parse_string, B(sink_client_cert), 0, 0, ""},
    {"alerts", "client_key", board_parse_string, B(sink_client_key), 0, 0, ""},
    {"alerts", "sink_queue", board_parse_uint, B(sink_queue), 16, 1u << 20, "8192"},
    {"alerts", "webhook_batch", board_parse_uint, B(webhook_batch), 1, 1000, "100"},
    {"eve", "flows", board_parse_bool, B(eve_flows), 0, 0, "yes"},
    {"eve", "files", board_parse_bool, B(eve_files), 0, 0, "yes"},
    {"eve", "drops", board_parse_eve_drops, B(eve_drops), 0, 0, "no"},
    {"eve", "flow_interval_s", board_parse_uint, B(eve_flow_interval_s), 0, 86400, "0"},
    {"eve", "protocols", board_parse_eve_protocols, B(eve_protocols), 0, 0,
     EVENT_PROTOCOLS_DEFAULT},
    {"eve", "field_limit", board_parse_uint, B(eve_field_limit), 0, 65535, "0"},
    {"eve", "ether", board_parse_bool, B(eve_ether), 0, 0, "no"},
    {"eve", "packet", board_parse_bool, B(eve_packet), 0, 0, "no"},
    {"eve", "payload", board_parse_bool, B(eve_payload), 0, 0, "no"},
    {"eve", "payload_printable", board_parse_bool, B(eve_payload_printable), 0, 0, "no"},
    {"eve", "pcap_file", board_parse_bool, B(eve_pcap_file), 0, 0, "no"},
    {"eve", "stats_interval_s", board_parse_uint, B(eve_stats_interval_s), 0, 86400, "8"},
    {"eve", "community_id_seed", board_parse_uint, B(eve_community_id_seed), 0, 65535, "0"},
    {"host_os_policy", "linux", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "bsd", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "windows", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "windows_xp", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "solaris", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "first", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "last", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "urgent_oob", board_parse_host_os, B(host_os), 0, 0, ""},
    {"host_os_policy", "urgent_inline", board_parse_host_os, B(host_os), 0, 0, ""},
    {"health", "stall_ms", board_parse_uint, B(health_stall_ms), 50, 60000, "500"},
    {"health", "tcp_port", board_parse_uint, B(health_tcp_port), 0, 65535, "80"},
    {"health", "http_port", board_parse_uint, B(health_http_port), 0, 65535, "0"},
    {"health", "test_hooks", board_parse_bool, B(health_test_hooks), 0, 0, "no"},
};
#define BOARD_SETTING_COUNT (sizeof(board_settings) / sizeof(board_settings[0]))
_Static_assert(BOARD_SETTING_COUNT <= sizeof(((struct board *)0)->setting_line) / sizeof(unsigned),
	       "board.setting_line has a slot per setting");

/* Settings of a "[port NAME]" section; the index is the slot in port_lines. */
static const struct board_setting board_port_settings[] = {
    {"port", "device", board_parse_string, P(device), 0, 0, NULL},
    {"port", "role", board_parse_role, P(role), 0, 0, NULL},
    {"port", "pair", board_parse_name, P(pair_name), 0, 0, ""},
    {"port", "ipv4", board_parse_prefix, P(ipv4), 0, 32, ""},
    {"port", "ipv6", board_parse_prefix, P(ipv6), 0, 128, ""},
    {"port", "geneve_port", board_parse_uint, P(geneve_port), 0, 65535, "0"},
    {"port", "vxlan_external", board_parse_vxlan, P(vxlan_external), 0, 0, ""},
    {"port", "vxlan_internal", board_parse_vxlan, P(vxlan_internal), 0, 0, ""},
    {"port", "spread", board_parse_spread, P(spread), 0, 0, "auto"},
};
_Static_assert(sizeof(board_port_settings) / sizeof(board_port_settings[0]) <=
		   sizeof(((struct board_reader *)0)->port_lines[0]) / sizeof(unsigned),
	       "board_reader.port_lines has a slot per port setting");
#define BOARD_PORT_SETTING_COUNT (sizeof(board_port_settings) / sizeof(board_port_settings[0]))

static void board_fail(struct board_reader *r, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void board_fail(struct board_reader *r, unsigned line, const char *fmt, ...)
{
	if (r->failed)
		return;
	r->failed = true;
	int n;
	if (r->override)
		n = snprintf(r->err, r->err_len, "%s: error: ", r->origin);
	else
		n = snprintf(r->err, r->err_len, "%s:%u: error: ", r->origin, line);
	if (n < 0 || (size_t)n >= r->err_len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->err_len - n, fmt, ap);
	va_end(ap);
}

static const struct board_setting *board_find(const struct board_setting *table, size_t count,
					      const char *section, const char *key, size_t *index)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(table[i].section, section) == 0 && strcmp(table[i].key, key) == 0) {
			*index = i;
			return &table[i];
		}
	}
	return NULL;
}

static bool board_section_known(const char *section)
{
	for (size_t i = 0; i < BOARD_SETTING_COUNT; i++)
		if (strcmp(board_settings[i].section, section) == 0)
			return true;
	return false;
}

/* The port named in "port NAME", created on first sight. */
static struct board_port *board_port_get(struct board_reader *r, const char *name, int *index)
{
	struct board *b = r->board;
	for (unsigned i = 0; i < b->port_count; i++) {
		if (strcmp(b->ports[i].name, name) == 0) {
			*index = (int)i;
			return &b->ports[i];
		}
	}
	if (b->port_count == BOARD_MAX_PORTS) {
		board_fail(r, r->line, "[port %s]: more than %d ports", name, BOARD_MAX_PORTS);
		return NULL;
	}
	char why[WHY_MAX];
	struct board_setting name_setting = {"port", "name", NULL, 0, BOARD_NAME_MAX, 0, 0, NULL};
	struct board_port *port = &b->ports[b->port_count];
	memset(port, 0, sizeof(*port));
	if (board_parse_name(&name_setting, name, port->name, why, sizeof(why)) < 0) {
		board_fail(r, r->override ? 0 : r->section_line, "[port %s]: port name %s", name,
			   why);
		return NULL;
	}
	port->pair = -1;
	port->section_line = r->override ? 0 : r->section_line;
	*index = (int)b->port_count++;
	return port;
}

/* A list setting may be given again, or go on on continuation lines: each adds. */
static bool board_setting_is_list(const struct board_setting *s)
{
	return s->parse == board_parse_host_os || s->parse == board_parse_header;
}

static int board_apply(struct board_reader *r, const struct board_setting *s, const char *section,
		       void *base, unsigned *line_slot, const char *value)
{
	char why[WHY_MAX];
	if (*line_slot && !r->override && !board_setting_is_list(s)) {
		board_fail(r, r->line, "[%s] %s: given twice (first on line %u)", section, s->key,
			   *line_slot);
		return 0;
	}
	if (s->parse(s, value, (char *)base + s->offset, why, sizeof(why)) < 0) {
		board_fail(r, r->line, "[%s] %s: %s", section, s->key, why);
		return 0;
	}
	*line_slot = r->override ? (*line_slot ? *line_slot : r->line) : r->line;
	return 1;
}

/* [vars]: rule variables (HOME_NET = [10.0.0.0/8]), handed to the rule parser as they are. */
static int board_add_var(struct board_reader *r, const char *key, const char *value)
{
	struct board *b = r->board;
	for (unsigned i = 0; i < b->var_count; i++) {
		size_t n = strlen(key);
		if (strncmp(b->vars[i], key, n) == 0 && b->vars[i][n] == '=') {
			if (!r->override) {
				board_fail(r, r->line, "[vars] %s: given twice", key);
				return 1;
			}
			snprintf(b->vars[i], BOARD_VAR_MAX, "%s=%s", key, value);
			return 1;
		}
	}
	if (b->var_count == BOARD_MAX_VARS) {
		board_fail(r, r->line, "[vars] %s: more than %d variables", key, BOARD_MAX_VARS);
		return 1;
	}
	if (strlen(key) + strlen(value) + 2 > BOARD_VAR_MAX) {
		board_fail(r, r->line, "[vars] %s: value longer than %d characters", key,
			   BOARD_VAR_MAX - 2);
		return 1;
	}
	snprintf(b->vars[b->var_count++], BOARD_VAR_MAX, "%s=%s", key, value);
	return 1;
}

/* inih callback: one "key = value" of one section. Returns 1 to go on. */
static int board_handler(void *user, const char *section, const char *key, const char *value)
{
	struct board_reader *r = user;
	size_t index;

	if (r->failed)
		return 1;
	if (strcmp(section, "vars") == 0)
		return board_add_var(r, key, value);
	if (strncmp(section, "port ", 5) == 0) {
		int port_index;
		struct board_port *port = board_port_get(r, section + 5, &port_index);
		if (!port)
			return 1;
		const struct board_setting *s =
		    board_find(board_port_settings, BOARD_PORT_SETTING_COUNT, "port", key, &index);
		if (!s) {
			board_fail(
			    r, r->line,
			    "[%s] %s: unknown setting (known: device, role, pair, ipv4, ipv6, "
			    "geneve_port, vxlan_external, vxlan_internal)",
			    section, key);
			return 1;
		}
		return board_apply(r, s, section, port, &r->port_lines[port_index][index], value);
	}
	const struct board_setting *s =
	    board_find(board_settings, BOARD_SETTING_COUNT, section, key, &index);
	if (!s) {
		if (board_section_known(section))
			board_fail(r, r->line, "[%s] %s: unknown setting", section, key);
		else
			board_fail(r, r->line,
				   "[%s]: unknown section (known: board, eal, lcores, dataplane, "
				   "rules, vars, app, filter, host_os_policy, management, alerts, "
				   "health, port NAME)",
				   section);
		return 1;
	}
	return board_apply(r, s, section, r->board, &r->board->setting_line[index], value);
}

/* fgets for inih that counts lines, so errors can name the line of a setting. */
static char *board_read_line(char *str, int num, void *stream)
{
	struct board_reader *r = stream;
	char *line = fgets(str, num, r->file);
	if (!line)
		return NULL;
	r->line++;
	/* inih would take the rest of a longer line as a line of its own */
	size_t len = strlen(line);
	if (len + 1 == (size_t)num && line[len - 1] != '\n' && !feof(r->file))
		board_fail(r, r->line, "line longer than %d characters", num - 3);
	/* inih reports keys, not section headers: remember where sections start. */
	if (line[strspn(line, " \t")] == '[')
		r->section_line = r->line;
	return line;
}

static void board_apply_defaults(struct board_reader *r)
{
	char why[WHY_MAX];
	for (size_t i = 0; i < BOARD_SETTING_COUNT && !r->failed; i++) {
		const struct board_setting *s = &board_settings[i];
		if (r->board->setting_line[i])
			continue;
		if (!s->default_value) {
			board_fail(r, 0, "[%s] %s: missing", s->section, s->key);
			return;
		}
		if (s->default_value[0] == '\0')
			continue; /* optional, left empty (zeroed by board_load) */
		if (s->parse(s, s->default_value, (char *)r->board + s->offset, why, sizeof(why)) <
		    0)
			board_fail(r, 0, "[%s] %s: bad default: %s", s->section, s->key, why);
	}
}

static void board_apply_override(struct board_reader *r, const char *text)
{
	char section[BOARD_NAME_MAX + 8], key[64];
	const char *eq = strchr(text, '=');
	const char *dot = NULL;
	for (const char *c = text; eq && c < eq; c++)
		if (*c == '.')
			dot = c;
	if (!eq || !dot || dot == text || (size_t)(dot - text) >= sizeof(section) ||
	    (size_t)(eq - dot - 1) >= sizeof(key) || eq == dot + 1) {
		board_fail(r, 0, "expected SECTION.KEY=VALUE, e.g. board.mode=ids");
		return;
	}
	memcpy(section, text, dot - text);
	section[dot - text] = '\0';
	memcpy(key, dot + 1, eq - dot - 1);
	key[eq - dot - 1] = '\0';
	board_handler(r, section, key, eq + 1);
}

static void board_check_ports(struct board_reader *r)
{
	struct board *b = r->board;
	unsigned inline_ports = 0;

	for (unsigned i = 0; i < b->port_count && !r->failed; i++) {
		struct board_port *port = &b->ports[i];
		port->device_line = r->port_lines[i][0];
		port->pair_line = r->port_lines[i][2];
		if (!r->port_lines[i][0]) {
			board_fail(r, port->section_line, "[port %s] device: missing", port->name);
			return;
		}
		if (!port->has_role) {
			board_fail(r, port->section_line,
				   "[port %s] role: missing (inline or management)", port->name);
			return;
		}
		if (port->vxlan_external.set != port->vxlan_internal.set) {
			board_fail(r, port->section_line,
				   "[port %s] vxlan_external and vxlan_internal: give both (a "
				   "packet passed from one tunnel leaves on the other)",
				   port->name);
			return;
		}
		if (port->vxlan_external.set &&
		    port->vxlan_external.port == port->vxlan_internal.port) {
			board_fail(r, port->section_line,
				   "[port %s] vxlan_external and vxlan_internal: the two tunnels "
				   "need different UDP ports",
				   port->name);
			return;
		}
		if (port->role == BOARD_PORT_MANAGEMENT &&
		    (port->geneve_port || port->vxlan_external.set)) {
			board_fail(r, port->section_line,
				   "[port %s] a management port carries no tunnel", port->name);
			return;
		}
		if (port->role == BOARD_PORT_MANAGEMENT) {
			if (port->pair_name[0])
				board_fail(r, port->pair_line,
					   "[port %s] pair: a management port has no pair",
					   port->name);
			continue;
		}
		inline_ports++;
		if (!port->pair_name[0]) {
			board_fail(r, port->section_line,
				   "[port %s] pair: missing (an inline port needs a pair port)",
				   port->name);
			return;
		}
		for (unsigned j = 0; j < b->port_count; j++)
			if (strcmp(b->ports[j].name, port->pair_name) == 0)
				port->pair = (int)j;
		if (port->pair < 0) {
			board_fail(r, port->pair_line, "[port %s] pair: no port named \"%s\"",
				   port->name, port->pair_name);
			return;
		}
	}
	for (unsigned i = 0; i < b->port_count && !r->failed; i++) {
		struct board_port *port = &b->ports[i];
		if (port->role != BOARD_PORT_INLINE)
			continue;
		struct board_port *pair = &b->ports[port->pair];
		if (pair->role != BOARD_PORT_INLINE)
			board_fail(r, port->pair_line,
				   "[port %s] pair: \"%s\" is not an inline port", port->name,
				   pair->name);
		else if (pair->pair != (int)i)
			board_fail(
			    r, pair->pair_line,
			    "[port %s] pair: \"%s\" pairs with it, so it must pair with \"%s\"",
			    pair->name, port->name, port->name);
	}
	if (!r->failed && inline_ports == 0)
		board_fail(r, 0,
			   "[port NAME]: no inline port (a board needs at least one port with "
			   "role = inline)");
}

static void board_check_lcores(struct board_reader *r)
{
	struct board *b = r->board;
	size_t index = 0;
	board_find(board_settings, BOARD_SETTING_COUNT, "lcores", "workers", &index);
	for (unsigned i = 0; i < b->worker_count; i++)
		if (b->worker_lcores[i] == b->control_lcore)
			board_fail(r, b->setting_line[index],
				   "[lcores] workers: lcore %u is also the control lcore",
				   b->control_lcore);
}

/* The console needs its certificate, key and the operator CA together, and an address. */
static void board_check_console(struct board_reader *r)
{
	struct board *b = r->board;
	const char *keys[] = {"console_cert", "console_key", "operator_ca"};
	const char *values[] = {b->console_cert, b->console_key, b->operator_ca};
	unsigned given = 0;
	for (unsigned i = 0; i < 3; i++)
		given += values[i][0] != '\0';
	if (given == 0)
		return;
	for (unsigned i = 0; i < 3 && !r->failed; i++) {
		size_t index = 0;
		board_find(board_settings, BOARD_SETTING_COUNT, "management", keys[i], &index);
		if (values[i][0] == '\0')
			board_fail(r, 0,
				   "[management] %s: missing (the console needs console_cert, "
				   "console_key and operator_ca)",
				   keys[i]);
		else if (!b->management_ipv4.set && !b->management_ipv6.set)
			board_fail(r, b->setting_line[index],
				   "[management] %s: the console needs an ipv4 or ipv6 address",
				   keys[i]);
	}
}

/*
 * The health checks' ports (on the data ports' own addresses) must differ
 * from each other and from the console's: lwIP would refuse the second
 * listener on a port the console holds on every address.
 */
static void board_check_health(struct board_reader *r)
{
	struct board *b = r->board;
	size_t index = 0;
	board_find(board_settings, BOARD_SETTING_COUNT, "health", "http_port", &index);
	unsigned http_line = b->setting_line[index];
	if (b->health_http_port && b->health_http_port == b->health_tcp_port) {
		board_fail(r, http_line, "[health] http_port: %u is tcp_port too",
			   b->health_http_port);
		return;
	}
	if (!b->console_cert[0])
		return;
	const char *keys[] = {"tcp_port", "http_port"};
	const unsigned ports[] = {b->health_tcp_port, b->health_http_port};
	for (unsigned i = 0; i < 2 && !r->failed; i++) {
		board_find(board_settings, BOARD_SETTING_COUNT, "health", keys[i], &index);
		if (ports[i] && ports[i] == b->console_port)
			board_fail(r, b->setting_line[index],
				   "[health] %s: %u is [management] console_port", keys[i],
				   ports[i]);
	}
}

int board_load(struct board *board, const char *path, const char *const *overrides,
	       unsigned override_count, char *err, size_t err_len)
{
	struct board_reader r = {.board = board, .origin = path, .err = err, .err_len = err_len};

	memset(board, 0, sizeof(*board));
	snprintf(board->path, sizeof(board->path), "%s", path);
	err[0] = '\0';
	r.file = fopen(path, "r");
	if (!r.file) {
		int rc = -errno;
		snprintf(err, err_len, "%s: error: cannot read board file: %s", path,
			 strerror(errno));
		return rc;
	}
	ini_max_line = BOARD_LINE_MAX;
	int rc = ini_parse_stream(board_read_line, &r, board_handler, &r);
	fclose(r.file);
	if (rc > 0 && !r.failed) {
		r.line = (unsigned)rc;
		board_fail(&r, r.line, "syntax error (expected [section] or key = value)");
	}
	for (unsigned i = 0; i < override_count && !r.failed; i++) {
		char origin[BOARD_DEVICE_MAX + 16];
		snprintf(origin, sizeof(origin), "--set %s", overrides[i]);
		r.origin = origin;
		r.override = true;
		board_apply_override(&r, overrides[i]);
		r.origin = path;
		r.override = false;
	}
	if (!r.failed)
		board_apply_defaults(&r);
	if (!r.failed && board->name[0] == '\0') {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		snprintf(board->name, sizeof(board->name), "%.*s", (int)strcspn(base, "."), base);
	}
	if (!r.failed)
		board_check_lcores(&r);
	if (!r.failed)
		board_check_ports(&r);
	if (!r.failed)
		board_check_console(&r);
	if (!r.failed)
		board_check_health(&r);
	return r.failed ? -EINVAL : 0;
}

const char *board_mode_name(enum board_mode mode)
{
	return board_mode_names[mode];
}

const char *board_malformed_name(enum board_malformed_policy policy)
{
	return board_malformed_names[policy];
}

const char *board_fail_name(enum board_fail_policy policy)
{
	return board_fail_names[policy];
}

const char *board_role_name(enum board_port_role role)
{
	return board_role_names[role];
}

int board_expand(const char *text, const char *const *vars, char *out, size_t out_len,
		 char *missing, size_t missing_len)
{
	size_t n = 0;
	while (*text) {
		const char *value = NULL;
		size_t skip = 1;
		if (text[0] == '$' && text[1] == '{' && strchr(text, '}')) {
			size_t name_len = strchr(text, '}') - text - 2;
			bool known = false;
			for (size_t i = 0; vars[i]; i += 2) {
				if (strlen(vars[i]) == name_len &&
				    strncmp(vars[i], text + 2, name_len) == 0) {
					value = vars[i + 1];
					known = true;
				}
			}
			if (!known || !value) {
				snprintf(missing, missing_len, "%.*s", (int)name_len, text + 2);
				return -ENOENT;
			}
			skip = name_len + 3;
		}
		size_t len = value ? strlen(value) : 1;
		if (n + len + 1 > out_len)
			return -ENOSPC;
		memcpy(out + n, value ? value : text, len);
		n += len;
		text += skip;
	}
	out[n] = '\0';
	return 0;
}

void board_make_offline(struct board *b)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < b->port_count; i++) {
		if (b->ports[i].role != BOARD_PORT_INLINE)
			continue;
		b->ports[0] = b->ports[i];
		kept = 1;
		break;
	}
	b->port_count = kept;
	if (kept) {
		struct board_port *port = &b->ports[0];
		snprintf(port->device, sizeof(port->device),
			 "net_pcap0,rx_pcap=${pcap},tx_pcap=${out}");
		snprintf(port->pair_name, sizeof(port->pair_name), "%s", port->name);
		port->pair = 0;
		/* no stack offline: its announcements would join the output */
		port->ipv4.set = port->ipv6.set = false;
	}
	b->worker_count = 1;
	b->syslog[0] = b->webhook[0] = '\0';
}
