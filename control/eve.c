/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE alert lines (see eve.h), written with the bounded JSON writer of
 * dataplane/app/app_json.h. Strings from rules (msg, classtype text) are
 * JSON-escaped: a rule file is user input and must never break the log
 * that a SIEM parses. An alert on an application-layer unit gets its
 * protocol object (http, tls, dns, ...) from that protocol's parser row
 * (struct app_parser.eve_details): this file knows no protocol's details.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control/eve.h"
#include "dataplane/app/app_json.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/filter/filter.h"
#include "dataplane/verdict.h"
#include "rules/ruleset.h"

static int eve_open_fd(struct eve *eve, const char *path)
{
	if (path != eve->path)
		snprintf(eve->path, sizeof(eve->path), "%s", path);
	eve->size = 0;
	eve->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (eve->fd < 0)
		return -errno;
	struct stat st;
	eve->size = fstat(eve->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int eve_open(struct eve *eve, const char *path, const struct ruleset *ruleset)
{
	memset(eve, 0, sizeof(*eve));
	eve->fd = -1;
	eve->ruleset = ruleset;
	eve->buf = malloc(EVE_BUFFER_BYTES);
	if (!eve->buf)
		return -ENOMEM;
	int rc = eve_open_fd(eve, path);
	if (rc < 0) {
		free(eve->buf);
		eve->buf = NULL;
		return rc;
	}
	eve->configured = true;
	return 0;
}

int eve_reopen(struct eve *eve, const char *path)
{
	if (!eve->buf)
		return -EBADF;
	eve_flush(eve);
	if (eve->fd >= 0)
		close(eve->fd);
	return eve_open_fd(eve, path);
}

bool eve_has_file(const struct eve *eve)
{
	return eve->buf && eve->fd >= 0;
}

static double eve_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Lines of the batch: those fully inside its first done bytes, and where they end. */
static size_t eve_whole_prefix(const char *buf, size_t done, unsigned *lines)
{
	*lines = 0;
	size_t end = 0;
	for (size_t i = 0; i < done; i++)
		if (buf[i] == '\n') {
			(*lines)++;
			end = i + 1;
		}
	return end;
}

/*
 * The file system took done bytes of the batch and then refused (err):
 * cut the file back to the last whole line (a reader, and the next batch,
 * must never meet half a line) and count the rest as lost.
 */
static void eve_refused(struct eve *eve, uint64_t start, size_t done, int err)
{
	unsigned whole = 0;
	size_t keep = eve_whole_prefix(eve->buf, done, &whole);
	if (keep != done && ftruncate(eve->fd, (off_t)(start + keep)) != 0) {
		/* Cannot cut it: end the fragment so the next line starts clean;
		 * the fragment's line is counted lost (it is not valid JSON). */
		if (write(eve->fd, "\n", 1) == 1)
			keep = done + 1;
	}
	eve->size = start + keep;
	eve->written += whole;
	eve->lines_lost += eve->buf_lines - whole;
	eve->write_errors++;
	double now = eve_now();
	if (eve->warned_at == 0 || now - eve->warned_at >= EVE_WARN_SECONDS) {
		eve->warned_at = now;
		fprintf(stderr,
			"vigil: warning: EVE file: %s: %" PRIu64 " line(s) lost so far "
			"(counted as eve_lines_lost); writing goes on with the next lines\n",
			strerror(err), eve->lines_lost);
	}
}

int eve_flush(struct eve *eve)
{
	if (!eve->buf || eve->buf_used == 0)
		return 0;
	int rc = 0;
	/* No file since a rotation could not open the new one: try again first. */
	if (eve->fd < 0)
		eve_open_fd(eve, eve->path);
	if (eve->fd < 0) {
		eve->lines_lost += eve->buf_lines;
		eve->write_errors++;
		rc = -EBADF;
		goto out;
	}
	/* O_APPEND: the batch starts at the end of the file; the file is ours alone. */
	struct stat st;
	uint64_t start = fstat(eve->fd, &st) == 0 ? (uint64_t)st.st_size : eve->size;
	size_t done = 0;
	while (done < eve->buf_used) {
		ssize_t n = write(eve->fd, eve->buf + done, eve->buf_used - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		rc = n < 0 ? -errno : -ENOSPC;
		eve_refused(eve, start, done, -rc);
		goto out;
	}
	eve->size = start + done;
	eve->written += eve->buf_lines;
out:
	eve->buf_used = 0;
	eve->buf_lines = 0;
	return rc;
}

void eve_append_line(struct eve *eve, const char *line, size_t len)
{
	if (!eve->buf)
		return;
	if (len + 1 > EVE_BUFFER_BYTES)
		len = EVE_BUFFER_BYTES - 1;
	if (eve->buf_used + len + 1 > EVE_BUFFER_BYTES)
		eve_flush(eve);
	memcpy(eve->buf + eve->buf_used, line, len);
	eve->buf[eve->buf_used + len] = '\n';
	eve->buf_used += len + 1;
	eve->buf_lines++;
}

static void put_addr(struct app_json *o, const char *key, const uint8_t *addr, int version)
{
	char text[INET6_ADDRSTRLEN];
	inet_ntop(version == 6 ? AF_INET6 : AF_INET, addr, text, sizeof(text));
	app_json_put(o, ",\"%s\":\"%s\"", key, text);
}

/*
 * The tunnel the packet came in: Suricata's "tunnel" object (the outer
 * addresses and ports, depth 1) and, as vigil's extension, the tenant:
 * the GWLB endpoint id as AWS writes it (vpce- and 17 hex digits), the
 * attachment id, the VNI and the tunnel type.
 */
static void put_tunnel(struct app_json *o, const struct alert_tunnel *t)
{
	if (t->type == PACKET_TUNNEL_NONE)
		return;
	char src[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, t->outer_src, src, sizeof(src));
	app_json_put(o, ",\"tunnel\":{\"src_ip\":\"%s\",\"src_port\":%u", src, t->outer_src_port);
	put_addr(o, "dest_ip", t->outer_dst, 4);
	app_json_put(o, ",\"dest_port\":%u,\"proto\":\"UDP\",\"depth\":1", t->outer_dst_port);
	app_json_put(o, ",\"type\":\"%s\",\"vni\":%u",
		     t->type == PACKET_TUNNEL_GENEVE ? "geneve" : "vxlan", t->vni);
	if (t->has_endpoint_id)
		app_json_put(o, ",\"gwlb_endpoint_id\":\"vpce-%017" PRIx64 "\"", t->endpoint_id);
	if (t->has_attachment_id)
		app_json_put(o, ",\"gwlb_attachment_id\":\"%016" PRIx64 "\"", t->attachment_id);
	app_json_put(o, "}");
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMP";
	case 58:
		return "IPv6-ICMP";
	case 132:
		return "SCTP";
	default:
		snprintf(buf, len, "%u", proto);
		return buf;
	}
}

/*
 * The rule's metadata as EVE's alert.metadata (key -> list of values), so
 * the operator sees the attack class, CVE and remediation text the rule
 * carries; and its references.
 */
static void put_metadata(struct app_json *o, const struct rule *r)
{
	if (r->metadata_count) {
		app_json_put(o, ",\"metadata\":{");
		for (unsigned i = 0; i < r->metadata_count; i++) {
			const char *entry = r->metadata[i];
			size_t key_len = strcspn(entry, " ");
			const char *value = entry + key_len;
			while (*value == ' ')
				value++;
			char key[64];
			snprintf(key, sizeof(key), "%.*s", (int)key_len, entry);
			app_json_put(o, "%s", i ? "," : "");
			app_json_string(o, key);
			app_json_put(o, ":[");
			app_json_string(o, value);
			app_json_put(o, "]");
		}
		app_json_put(o, "}");
	}
	if (r->reference_count) {
		app_json_put(o, ",\"references\":[");
		for (unsigned i = 0; i < r->reference_count; i++) {
			char ref[512];
			snprintf(ref, sizeof(ref), "%s,%s", r->references[i].type,
				 r->references[i].value);
			app_json_put(o, "%s", i ? "," : "");
			app_json_string(o, ref);
		}
		app_json_put(o, "]");
	}
}

static void put_timestamp(struct app_json *o, uint64_t us)
{
	time_t seconds = (time_t)(us / 1000000);
	struct tm tm;
	char text[32];
	gmtime_r(&seconds, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
	app_json_put(o, "\"timestamp\":\"%s.%06" PRIu64 "+0000\"", text, us % 1000000);
}

/*
 * The protocol object of an alert raised on an application-layer unit:
 * the parser that made the unit knows its details and writes them.
 */
static void put_details(struct app_json *o, const struct alert *a)
{
	const struct app_parser *parser = a->app_proto != ALERT_APP_PROTO_NONE
					      ? app_parser_for((enum rule_proto)a->app_proto)
					      : NULL;
	if (parser && parser->eve_details)
		parser->eve_details(&a->details, o);
}

/*
 * Behind a load balancer or proxy, the client is the X-Forwarded-For
 * address: it becomes src_ip and the address the packet came from is kept
 * as proxy_ip. Returns true when it did so.
 */
static bool put_client_from_xff(struct app_json *o, const struct alert *a)
{
	const struct xff_client *client = &a->details.xff_client;
	if (!a->has_details || !client->family)
		return false;
	put_addr(o, "src_ip", client->addr, client->family);
	put_addr(o, "proxy_ip", a->src_addr, a->ip_version);
	return true;
}

/* The rest of a filter drop event (event_type drop): the reason and the ACL rule number. */
static size_t eve_finish_drop(struct app_json *o, const struct alert *a, size_t len)
{
	app_json_put(o, ",\"drop\":{\"reason\":\"%s\"",
		     a->filter_reason < FILTER_REASON_COUNT ? filter_reason_name[a->filter_reason]
							    : "filter");
	if (a->acl_rule)
		app_json_put(o, ",\"acl_rule\":%u", a->acl_rule);
	app_json_put(o, "}}");
	if (o->used >= len && len)
		o->used = len - 1;
	return o->used;
}

/* An anomaly event's tail: what IP reassembly refused and what became of the fragment, or a stream gap. */
static size_t eve_finish_anomaly(struct app_json *o, const struct alert *a, size_t len)
{
	if (a->anomaly == ALERT_ANOMALY_STREAM_GAP)
		app_json_put(o,
			     ",\"anomaly\":{\"type\":\"stream\",\"event\":\"stream.gap\","
			     "\"bytes\":%u}}",
			     (unsigned)a->anomaly_bytes);
	else
		app_json_put(
		    o, ",\"anomaly\":{\"type\":\"defrag\",\"event\":\"%s\",\"action\":\"%s\"}}",
		    a->anomaly_reason < DEFRAG_REASON_COUNT ? defrag_reason_name[a->anomaly_reason]
							    : "defrag",
		    a->blocked ? "blocked" : "allowed");
	if (o->used >= len && len)
		o->used = len - 1;
	return o->used;
}

/* verdict: what became of the packet (Suricata's verdict object). */
static void put_verdict(struct app_json *o, const struct alert *a)
{
	switch (a->verdict) {
	case VERDICT_DROP:
		app_json_put(o, ",\"verdict\":{\"action\":\"drop\"}");
		break;
	case VERDICT_REJECT:
		app_json_put(o,
			     ",\"verdict\":{\"action\":\"drop\",\"reject-target\":\"both\","
			     "\"reject\":[\"%s\"]}",
			     a->l4_proto == 6 ? "tcp-reset" : "icmp-prohib");
		break;
	default:
		/* a pass rule matched the packet: its other alerts are logged,
		 * the packet passed (Suricata 8) */
		app_json_put(o, ",\"verdict\":{\"action\":\"%s\"}", a->passed ? "pass" : "alert");
		break;
	}
}

static const char eve_traffic_prefix[] = "traffic/";

/*
 * Whether flowbit bit is set and belongs to the list of prefix: names that
 * start with prefix, or with no traffic/ prefix when prefix is NULL.
 * Returns its name as listed, else NULL.
 */
static const char *flowbit_listed(const struct alert *a, const struct ruleset *ruleset,
				  unsigned bit, const char *prefix)
{
	if (!(a->flowbits[bit >> 3] & (1u << (bit & 7))))
		return NULL;
	const char *name = ruleset_flowbit_name(ruleset, bit);
	if (!name)
		return NULL;
	if (!prefix)
		return strncmp(name, eve_traffic_prefix, sizeof(eve_traffic_prefix) - 1) ? name
											 : NULL;
	return strncmp(name, prefix, strlen(prefix)) == 0 ? name + strlen(prefix) : NULL;
}

/* The listed flowbits as ,"key":[...]; first: no comma before. Returns how many. */
static unsigned put_flowbits(struct app_json *o, const struct alert *a,
			     const struct ruleset *ruleset, const char *key, const char *prefix,
			     bool first)
{
	unsigned n = 0;
	unsigned count = ruleset ? ruleset_flowbit_count(ruleset) : 0;
	for (unsigned bit = 0; bit < count && bit < RULE_MAX_FLOWBITS; bit++) {
		const char *name = flowbit_listed(a, ruleset, bit, prefix);
		if (!name)
			continue;
		if (n++ == 0)
			app_json_put(o, "%s\"%s\":[", first ? "" : ",", key);
		else
			app_json_put(o, ",");
		app_json_string(o, name);
	}
	if (n)
		app_json_put(o, "]");
	return n;
}

static unsigned flowbits_listed(const struct alert *a, const struct ruleset *ruleset,
				const char *prefix)
{
	unsigned n = 0;
	unsigned count = ruleset ? ruleset_flowbit_count(ruleset) : 0;
	for (unsigned bit = 0; bit < count && bit < RULE_MAX_FLOWBITS; bit++)
		n += flowbit_listed(a, ruleset, bit, prefix) != NULL;
	return n;
}

/* Bytes as a JSON string (a captured value may hold any byte). */
static void put_bytes(struct app_json *o, const uint8_t *data, size_t len)
{
	app_json_put(o, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = data[i];
		if (c == '"' || c == '\\')
			app_json_put(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			app_json_put(o, "\\u%04x", c);
		else
			app_json_put(o, "%c", c);
	}
	app_json_put(o, "\"");
}

/* flowvars: [{"NAME":"value"}, ...] in the order they were set. */
static void put_flowvars(struct app_json *o, const struct alert *a, const struct ruleset *ruleset,
			 bool first)
{
	app_json_put(o, "%s\"flowvars\":[", first ? "" : ",");
	for (unsigned i = 0; i < a->flowvar_count && i < ALERT_FLOWVARS; i++) {
		const struct alert_flowvar *v = &a->flowvars[i];
		const char *name = ruleset_flowvar_name(ruleset, v->var);
		app_json_put(o, "%s{", i ? "," : "");
		app_json_string(o, name ? name : "?");
		app_json_put(o, ":");
		put_bytes(o, v->value, v->len < ALERT_FLOWVAR_LEN ? v->len : ALERT_FLOWVAR_LEN);
		app_json_put(o, "}");
	}
	app_json_put(o, "]");
}

/* The flow's flowbits and variables: metadata{flowbits, flowvars} and traffic{id, label}. */
static void put_flow_metadata(struct app_json *o, const struct alert *a,
			      const struct ruleset *ruleset)
{
	unsigned bits = flowbits_listed(a, ruleset, NULL);
	if (bits || a->flowvar_count) {
		app_json_put(o, ",\"metadata\":{");
		put_flowbits(o, a, ruleset, "flowbits", NULL, true);
		if (a->flowvar_count)
			put_flowvars(o, a, ruleset, !bits);
		app_json_put(o, "}");
	}
	unsigned ids = flowbits_listed(a, ruleset, "traffic/id/");
	unsigned labels = flowbits_listed(a, ruleset, "traffic/label/");
	if (!ids && !labels)
		return;
	app_json_put(o, ",\"traffic\":{");
	put_flowbits(o, a, ruleset, "id", "traffic/id/", true);
	put_flowbits(o, a, ruleset, "label", "traffic/label/", !ids);
	app_json_put(o, "}");
}

size_t eve_format_alert(const struct alert *a, const struct ruleset *ruleset, char *buf, size_t len,
			unsigned flags)
{
	bool client_from_xff = flags & EVE_CLIENT_FROM_XFF;
	struct app_json o = {.buf = buf, .len = len};
	const struct rule *r = a->rule;
	char proto[8];
	bool blocked = a->blocked;
	bool ports = a->l4_proto == 6 || a->l4_proto == 17 || a->l4_proto == 132;

	app_json_put(&o, "{");
	put_timestamp(&o, a->timestamp_us);
	if (a->flow_id)
		app_json_put(&o, ",\"flow_id\":%" PRIu64, a->flow_id);
	if ((flags & EVE_PCAP_CNT) && a->packet_number)
		app_json_put(&o, ",\"pcap_cnt\":%" PRIu64, a->packet_number);
	app_json_put(&o, ",\"event_type\":\"%s\"",
		     a->filter_drop ? "drop"
		     : a->anomaly   ? "anomaly"
				    : "alert");
	if (!client_from_xff || a->filter_drop || a->anomaly || !put_client_from_xff(&o, a))
		put_addr(&o, "src_ip", a->src_addr, a->ip_version);
	if (ports)
		app_json_put(&o, ",\"src_port\":%u", a->src_port);
	put_addr(&o, "dest_ip", a->dst_addr, a->ip_version);
	if (ports)
		app_json_put(&o, ",\"dest_port\":%u", a->dst_port);
	app_json_put(&o, ",\"proto\":\"%s\"", proto_name(a->l4_proto, proto, sizeof(proto)));
	put_tunnel(&o, &a->tunnel);
	if (a->filter_drop)
		return eve_finish_drop(&o, a, len);
	if (a->anomaly)
		return eve_finish_anomaly(&o, a, len);
	if (a->app_proto != ALERT_APP_PROTO_NONE && a->app_proto < RULE_PROTO_COUNT)
		app_json_put(&o, ",\"app_proto\":\"%s\"", rule_proto_name[a->app_proto]);
	app_json_put(&o, ",\"direction\":\"%s\"", a->to_server ? "to_server" : "to_client");
	/* Suricata 8's packet source: every alert of vigil is on a packet that
	 * came in on a port (no pseudo packets), Suricata's "wire/pcap" */
	app_json_put(&o, ",\"pkt_src\":\"wire/pcap\"");
	app_json_put(&o, ",\"alert\":{\"action\":\"%s\",\"gid\":%u,\"signature_id\":%u,\"rev\":%u,",
		     blocked ? "blocked" : "allowed", r->gid ? r->gid : 1, r->sid, r->rev);
	app_json_put(&o, "\"signature\":");
	app_json_string(&o, r->msg ? r->msg : "");
	app_json_put(&o, ",\"category\":");
	app_json_string(&o, r->classtype ? ruleset_classtype_text(ruleset, r->classtype) : "");
	app_json_put(&o, ",\"severity\":%d", r->priority ? r->priority : 3);
	put_metadata(&o, r);
	app_json_put(&o, "}");
	put_verdict(&o, a);
	put_flow_metadata(&o, a, ruleset);
	if (a->has_details)
		put_details(&o, a);
	app_json_put(&o, "}");
	if (o.used >= len && len)
		o.used = len - 1;
	return o.used;
}

size_t eve_format_engine(char *buf, size_t len, uint64_t timestamp_us, const char *in_iface,
			 const char *level, const char *module, const char *message)
{
	struct app_json o = {.buf = buf, .len = len};
	app_json_put(&o, "{");
	put_timestamp(&o, timestamp_us);
	app_json_put(&o, ",\"event_type\":\"engine\"");
	if (in_iface) {
		app_json_put(&o, ",\"in_iface\":");
		app_json_string(&o, in_iface);
	}
	app_json_put(&o, ",\"log_level\":");
	app_json_string(&o, level);
	app_json_put(&o, ",\"engine\":{\"module\":");
	app_json_string(&o, module);
	app_json_put(&o, ",\"message\":");
	app_json_string(&o, message);
	app_json_put(&o, "}}");
	if (o.used >= len && len)
		o.used = len - 1;
	return o.used;
}

void eve_write_alert(struct eve *eve, const struct alert *alert)
{
	char line[8192];
	if (!eve->buf)
		return;
	unsigned flags =
	    (eve->client_from_xff ? EVE_CLIENT_FROM_XFF : 0) | (eve->pcap_cnt ? EVE_PCAP_CNT : 0);
	size_t n = eve_format_alert(alert, eve->ruleset, line, sizeof(line), flags);
	eve_append_line(eve, line, n);
}

void eve_close(struct eve *eve)
{
	eve_flush(eve);
	if (eve->buf && eve->fd >= 0)
		close(eve->fd);
	eve->fd = -1;
	free(eve->buf);
	eve->buf = NULL;
}
