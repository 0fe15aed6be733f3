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
#include <ctype.h>
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

#include <mbedtls/base64.h>

#include "control/community_id.h"
#include "control/eve.h"
#include "dataplane/app/app_json.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/filter/filter.h"
#include "dataplane/flow/flow.h"
#include "dataplane/flow/normalize.h"
#include "dataplane/verdict.h"
#include "rules/lang/app_event.h"
#include "rules/ruleset.h"

/* The appliance's side of every record (eve_set_site): set before the first record. */
static struct eve_site eve_site;

void eve_set_site(const struct eve_site *site)
{
	eve_site = *site;
}

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
 * addresses and ports, depth 1). The tenant (tunnel type, VNI, the GWLB
 * endpoint id as AWS writes it, vpce- and 17 hex digits, the attachment
 * id) is vigil's own: put_vigil_tunnel.
 */
static void put_tunnel(struct app_json *o, const struct alert_tunnel *t)
{
	if (t->type == PACKET_TUNNEL_NONE)
		return;
	char src[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, t->outer_src, src, sizeof(src));
	app_json_put(o, ",\"tunnel\":{\"src_ip\":\"%s\",\"src_port\":%u", src, t->outer_src_port);
	put_addr(o, "dest_ip", t->outer_dst, 4);
	app_json_put(o, ",\"dest_port\":%u,\"proto\":\"UDP\",\"depth\":1}", t->outer_dst_port);
}

static void put_vigil_tunnel(struct app_json *v, const struct alert_tunnel *t)
{
	if (t->type == PACKET_TUNNEL_NONE)
		return;
	app_json_key(v, "tunnel");
	app_json_put(v, "{\"type\":\"%s\",\"vni\":%u",
		     t->type == PACKET_TUNNEL_GENEVE ? "geneve" : "vxlan", t->vni);
	if (t->has_endpoint_id)
		app_json_put(v, ",\"gwlb_endpoint_id\":\"vpce-%017" PRIx64 "\"", t->endpoint_id);
	if (t->has_attachment_id)
		app_json_put(v, ",\"gwlb_attachment_id\":\"%016" PRIx64 "\"", t->attachment_id);
	app_json_put(v, "}");
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
			/* Suricata writes the prefix its reference.config gives
			 * the type, then the value (its suite expects
			 * "foobar://x" for url,foobar://x); vigil reads no
			 * reference.config: the value alone */
			app_json_put(o, "%s", i ? "," : "");
			app_json_string(o, r->references[i].value);
		}
		app_json_put(o, "]");
	}
}

void eve_format_timestamp(char *text, size_t len, uint64_t us)
{
	time_t seconds = (time_t)(us / 1000000);
	struct tm tm;
	char day[32];
	gmtime_r(&seconds, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(text, len, "%s.%06" PRIu64 "+0000", day, us % 1000000);
}

/* A time in EVE's form without the key: "2026-12-07T15:50:06.123456+0000". */
static void put_time_value(struct app_json *o, uint64_t us)
{
	char text[64];
	eve_format_timestamp(text, sizeof(text), us);
	app_json_put(o, "\"%s\"", text);
}

static void put_timestamp(struct app_json *o, uint64_t us)
{
	app_json_put(o, "\"timestamp\":");
	put_time_value(o, us);
}

void eve_write_host(FILE *f)
{
	char text[sizeof(eve_site.host) * 6 + 3];
	struct app_json o = {.buf = text, .len = sizeof(text)};
	if (!eve_site.host[0])
		return;
	app_json_string(&o, eve_site.host);
	fprintf(f, ",\"host\":%.*s", (int)o.used, text);
}

/*
 * The protocol object of an alert raised on an application-layer unit:
 * the parser that made the unit knows its details and writes them, into
 * the record (o) when Suricata's schema has the protocol, else into
 * vigil's own object (v).
 */
static void put_details(struct app_json *o, struct app_json *v, const struct alert *a)
{
	const struct app_parser *parser = a->app_proto != ALERT_APP_PROTO_NONE
					      ? app_parser_for((enum rule_proto)a->app_proto)
					      : NULL;
	if (parser)
		eve_put_app_details(o, v, parser, &a->details);
}

void eve_put_app_details(struct app_json *record, struct app_json *vigil,
			 const struct app_parser *parser, const struct app_details *details)
{
	if (!parser->eve_details)
		return;
	struct app_json *out = parser->eve_vigil ? vigil : record;
	out->field_limit = eve_site.field_limit;
	parser->eve_details(details, out);
}

/*
 * Behind a load balancer or proxy, the client is the X-Forwarded-For
 * address: it becomes src_ip (the http object keeps the header's hop as
 * xff) and the address the packet came from is vigil's proxy_ip. Returns
 * true when it did so.
 */
static bool put_client_from_xff(struct app_json *o, struct app_json *v, const struct alert *a)
{
	const struct xff_client *client = &a->details.xff_client;
	if (!a->has_details || !client->family)
		return false;
	put_addr(o, "src_ip", client->addr, client->family);
	char text[INET6_ADDRSTRLEN];
	inet_ntop(a->ip_version == 6 ? AF_INET6 : AF_INET, a->src_addr, text, sizeof(text));
	app_json_key(v, "proxy_ip");
	app_json_string(v, text);
	return true;
}

/* A filter drop event's drop object (the reason); the ACL rule number is vigil's own. */
static void put_drop(struct app_json *o, struct app_json *v, const struct alert *a)
{
	app_json_put(o, ",\"drop\":{\"reason\":\"%s\"}",
		     a->filter_reason < FILTER_REASON_COUNT ? filter_reason_name[a->filter_reason]
							    : "filter");
	app_json_put(o, ",\"verdict\":{\"action\":\"drop\"}");
	if (a->acl_rule)
		app_json_uint(v, "acl_rule", a->acl_rule);
}

/*
 * A packet its receiver would discard (flow/normalize.h): a checksum is
 * the decoder's ("decode", event decoder.REASON), the rest the TCP
 * stream's ("stream", event stream.REASON), as Suricata names its layers.
 */
static void put_normalize_anomaly(struct app_json *o, const struct alert *a)
{
	bool decode = a->anomaly_reason == NORMALIZE_IP_CHECKSUM ||
		      a->anomaly_reason == NORMALIZE_L4_CHECKSUM;
	app_json_put(o, ",\"anomaly\":{\"type\":\"%s\",\"event\":\"%s.%s\"}",
		     decode ? "decode" : "stream", decode ? "decoder" : "stream",
		     a->anomaly_reason < NORMALIZE_REASON_COUNT
			 ? normalize_reason_name[a->anomaly_reason]
			 : "normalize");
}

/*
 * An application-layer event (rules/lang/app_event.h) as Suricata writes
 * it: the event without its protocol, in capitals for the protocols whose
 * Suricata parser is C ("tls.invalid_certificate" is INVALID_CERTIFICATE),
 * as written for those in Rust (app_parser.eve_events_as_written:
 * "mqtt.missing_connect" is missing_connect), the layer that raised it,
 * the flow's protocol.
 */
static void put_applayer_anomaly(struct app_json *o, const struct alert *a)
{
	char event[96];
	const char *name =
	    a->anomaly_reason < RULE_APP_EVENT_COUNT ? rule_app_event_name[a->anomaly_reason] : "";
	const char *dot = strchr(name, '.');
	const struct app_parser *parser =
	    a->app_proto < RULE_PROTO_COUNT ? app_parser_for((enum rule_proto)a->app_proto) : NULL;
	bool as_written = parser && parser->eve_events_as_written;
	size_t n = 0;
	for (const char *p = dot ? dot + 1 : name; *p && n < sizeof(event) - 1; p++)
		event[n++] = as_written ? *p : (char)toupper((unsigned char)*p);
	event[n] = '\0';
	app_json_put(o, ",\"anomaly\":{");
	if (a->app_proto != ALERT_APP_PROTO_NONE && a->app_proto < RULE_PROTO_COUNT)
		app_json_put(o, "\"app_proto\":\"%s\",", rule_proto_name[a->app_proto]);
	app_json_put(o, "\"type\":\"applayer\",\"event\":\"%s\",\"layer\":\"%s\"}", event,
		     a->anomaly_reason < RULE_APP_EVENT_COUNT
			 ? rule_app_event_layer[a->anomaly_reason]
			 : "proto_parser");
}

/*
 * An anomaly event's anomaly object: what IP reassembly refused, a stream
 * gap (its size is vigil's gap_bytes), or a packet its receiver would
 * discard; what became of the packet is the verdict (drop when it was
 * blocked, else pass).
 */
static void put_anomaly(struct app_json *o, struct app_json *v, const struct alert *a)
{
	if (a->anomaly == ALERT_ANOMALY_STREAM_GAP) {
		app_json_put(o, ",\"anomaly\":{\"type\":\"stream\",\"event\":\"stream.gap\"}");
		app_json_uint(v, "gap_bytes", a->anomaly_bytes);
	} else if (a->anomaly == ALERT_ANOMALY_NORMALIZE) {
		put_normalize_anomaly(o, a);
	} else if (a->anomaly == ALERT_ANOMALY_APPLAYER) {
		put_applayer_anomaly(o, a);
	} else {
		app_json_put(o, ",\"anomaly\":{\"type\":\"defrag\",\"event\":\"%s\"}",
			     a->anomaly_reason < DEFRAG_REASON_COUNT
				 ? defrag_reason_name[a->anomaly_reason]
				 : "defrag");
	}
	app_json_put(o, ",\"verdict\":{\"action\":\"%s\"}", a->blocked ? "drop" : "pass");
}

static const char *const eve_drop_cause_name[ALERT_DROP_CAUSE_COUNT] = {
#define _(sym, name) [ALERT_DROP_##sym] = name,
    foreach_alert_drop_cause
#undef _
};

static void put_alert_object(struct app_json *o, const struct alert *a,
			     const struct ruleset *ruleset);
static void put_alert_flow(struct app_json *o, const struct alert *a);

/*
 * The frame a frame rule matched, as Suricata's alert shows it: its type
 * by name (as the rule wrote it for SMB's "smb2.pdu", the short name for
 * the others), id, direction, where it starts in its stream, its length,
 * whether it was whole, and its transaction when it has one.
 */
static void put_alert_frame(struct app_json *o, const struct alert *a)
{
	const struct app_frame *f = &a->frame;
	if (!f->type || f->type >= RULE_FRAME_COUNT)
		return;
	app_json_put(o, ",\"frame\":{\"type\":");
	app_json_string(o, rule_frame_name[f->type]);
	app_json_put(o,
		     ",\"id\":%llu,\"direction\":\"%s\",\"stream_offset\":%llu,"
		     "\"length\":%llu,\"complete\":%s",
		     (unsigned long long)f->id,
		     f->direction == APP_TO_SERVER ? "toserver" : "toclient",
		     (unsigned long long)f->offset, (unsigned long long)f->length,
		     f->complete ? "true" : "false");
	if (f->tx_id >= 0)
		app_json_put(o, ",\"tx_id\":%lld", (long long)f->tx_id);
	app_json_put(o, "}");
}

/*
 * A packet ips mode dropped (ALERT_KIND_DROP): Suricata's drop object with
 * the reason, the alert of the rule that dropped it when one did (drop
 * logging's "alerts: yes"), the verdict, the flow and its protocol.
 */
static void put_packet_drop(struct app_json *o, struct app_json *v, const struct alert *a,
			    const struct ruleset *ruleset)
{
	if (a->app_proto != ALERT_APP_PROTO_NONE && a->app_proto < RULE_PROTO_COUNT)
		app_json_put(o, ",\"app_proto\":\"%s\"", rule_proto_name[a->app_proto]);
	/* a packet that came in on a port, as every packet vigil drops */
	app_json_put(o, ",\"pkt_src\":\"wire/pcap\"");
	app_json_put(o, ",\"drop\":{\"reason\":\"%s\"}",
		     a->drop_cause < ALERT_DROP_CAUSE_COUNT ? eve_drop_cause_name[a->drop_cause]
							    : "other");
	if (a->rule)
		put_alert_object(o, a, ruleset);
	app_json_put(o, ",\"verdict\":{\"action\":\"drop\"}");
	put_alert_flow(o, a);
	if (a->has_details)
		put_details(o, v, a);
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

/*
 * The alert's pcre captures of one kind (RULE_CAPTURE_ALERT or
 * RULE_CAPTURE_PKT) as Suricata writes them: "NAME":"VALUE" members,
 * each its own object in a list when list is set. Returns how many.
 */
static unsigned put_captures(struct app_json *o, const struct alert *a,
			     const struct ruleset *ruleset, unsigned kind, bool list)
{
	unsigned n = 0;
	for (unsigned i = 0; i < a->capture_count && i < ALERT_CAPTURES; i++) {
		const struct alert_flowvar *c = &a->captures[i];
		if (!(c->var & kind))
			continue;
		const char *name = ruleset_flowvar_name(ruleset, c->var & RULE_CAPTURE_VAR);
		app_json_put(o, "%s%s", n++ ? "," : "", list ? "{" : "");
		app_json_string(o, name ? name : "?");
		app_json_put(o, ":");
		app_json_bytes(o, c->value,
			       c->len < ALERT_FLOWVAR_LEN ? c->len : ALERT_FLOWVAR_LEN);
		app_json_put(o, "%s", list ? "}" : "");
	}
	return n;
}

static bool has_captures(const struct alert *a, unsigned kind)
{
	for (unsigned i = 0; i < a->capture_count && i < ALERT_CAPTURES; i++)
		if (a->captures[i].var & kind)
			return true;
	return false;
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

/* flowvars: [{"NAME":"value"}, ...] in the order they were set. */
static void put_flowvars(struct app_json *o, const struct alert *a, const struct ruleset *ruleset,
			 bool first)
{
	app_json_put(o, "%s\"flowvars\":[", first ? "" : ",");
	unsigned n = 0;
	for (unsigned i = 0; i < a->flowvar_count && i < ALERT_FLOWVARS; i++) {
		const struct alert_flowvar *v = &a->flowvars[i];
		if (v->var & ALERT_FLOWVAR_ENTROPY)
			continue; /* put_entropy's */
		const char *name = ruleset_flowvar_name(ruleset, v->var);
		app_json_put(o, "%s{", n++ ? "," : "");
		app_json_string(o, name ? name : "?");
		app_json_put(o, ":");
		app_json_bytes(o, v->value,
			       v->len < ALERT_FLOWVAR_LEN ? v->len : ALERT_FLOWVAR_LEN);
		app_json_put(o, "}");
	}
	app_json_put(o, "]");
}

/* How many of the alert's flow variables are of kind entropy (true) or not (false). */
static unsigned flowvars_of(const struct alert *a, bool entropy)
{
	unsigned n = 0;
	for (unsigned i = 0; i < a->flowvar_count && i < ALERT_FLOWVARS; i++)
		n += ((a->flowvars[i].var & ALERT_FLOWVAR_ENTROPY) != 0) == entropy;
	return n;
}

/*
 * The entropy values the flow's rules computed, by buffer (Suricata's
 * metadata.entropy: the buffer's name with underscores, file.data is
 * file_data).
 */
static void put_entropy(struct app_json *o, const struct alert *a, bool first)
{
	app_json_put(o, "%s\"entropy\":{", first ? "" : ",");
	unsigned n = 0;
	for (unsigned i = 0; i < a->flowvar_count && i < ALERT_FLOWVARS; i++) {
		const struct alert_flowvar *v = &a->flowvars[i];
		unsigned buffer = v->var & ~ALERT_FLOWVAR_ENTROPY;
		double value;
		if (!(v->var & ALERT_FLOWVAR_ENTROPY) || buffer >= RULE_BUFFER_COUNT ||
		    v->len != sizeof(value))
			continue;
		memcpy(&value, v->value, sizeof(value));
		char name[64];
		snprintf(name, sizeof(name), "%s", rule_buffer_name[buffer]);
		for (char *c = name; *c; c++)
			if (*c == '.')
				*c = '_';
		/* the shortest text that reads back as the same double */
		char number[32];
		for (int digits = 15; digits <= 17; digits++) {
			snprintf(number, sizeof(number), "%.*g", digits, value);
			if (strtod(number, NULL) == value)
				break;
		}
		app_json_put(o, "%s\"%s\":%s", n++ ? "," : "", name, number);
	}
	app_json_put(o, "}");
}

void eve_put_vigil_metadata(struct app_json *o, const struct app_json *vigil)
{
	if (vigil->used > 2) /* more than "{}" */
		app_json_put(o, ",\"metadata\":{\"flowints\":{\"vigil\":%.*s}}", (int)vigil->used,
			     vigil->buf);
}

/*
 * The record's metadata object: the flow's flowbits and variables
 * (metadata{flowbits, flowvars}), and vigil's own fields, vigil (the text
 * of an object, "{}" when empty), in the one place of every record
 * Suricata's schema leaves open: metadata.flowints (see eve.h). Then
 * traffic{id, label}.
 */
static void put_flow_metadata(struct app_json *o, const struct alert *a,
			      const struct ruleset *ruleset, const struct app_json *vigil)
{
	/* a rule's alert and a flow's record carry the flow's state */
	bool flow_state = a->rule || a->kind == ALERT_KIND_FLOW;
	unsigned bits = flow_state ? flowbits_listed(a, ruleset, NULL) : 0;
	unsigned vars = flow_state ? flowvars_of(a, false) : 0;
	unsigned entropy = flow_state ? flowvars_of(a, true) : 0;
	bool own = vigil->used > 2;
	bool pktvars = a->rule && has_captures(a, RULE_CAPTURE_PKT);
	if (bits || vars || entropy || pktvars || own) {
		app_json_put(o, ",\"metadata\":{");
		put_flowbits(o, a, ruleset, "flowbits", NULL, true);
		if (vars)
			put_flowvars(o, a, ruleset, !bits);
		if (entropy)
			put_entropy(o, a, !bits && !vars);
		vars += entropy;
		if (pktvars) {
			/* the packet's variables: the rule's pkt: captures */
			app_json_put(o, "%s\"pktvars\":[", bits || vars ? "," : "");
			put_captures(o, a, ruleset, RULE_CAPTURE_PKT, true);
			app_json_put(o, "]");
		}
		if (own)
			app_json_put(o, "%s\"flowints\":{\"vigil\":%.*s}",
				     bits || vars || pktvars ? "," : "", (int)vigil->used,
				     vigil->buf);
		app_json_put(o, "}");
	}
	if (!flow_state)
		return;
	unsigned ids = flowbits_listed(a, ruleset, "traffic/id/");
	unsigned labels = flowbits_listed(a, ruleset, "traffic/label/");
	if (!ids && !labels)
		return;
	app_json_put(o, ",\"traffic\":{");
	put_flowbits(o, a, ruleset, "id", "traffic/id/", true);
	put_flowbits(o, a, ruleset, "label", "traffic/label/", !ids);
	app_json_put(o, "}");
}

void eve_put_host(struct app_json *o)
{
	if (!eve_site.host[0])
		return;
	app_json_put(o, ",\"host\":");
	app_json_string(o, eve_site.host);
}

void eve_put_in_iface(struct app_json *o, uint16_t port)
{
	if (port >= EVE_MAX_PORTS || !eve_site.port_names[port])
		return;
	app_json_put(o, ",\"in_iface\":");
	app_json_string(o, eve_site.port_names[port]);
}

void eve_put_community_id(struct app_json *o, int ip_version, const uint8_t *src_addr,
			  const uint8_t *dst_addr, uint8_t proto, uint16_t src_port,
			  uint16_t dst_port)
{
	char id[COMMUNITY_ID_MAX];
	if (community_id_v1(eve_site.community_id_seed, ip_version, src_addr, dst_addr, proto,
			    src_port, dst_port, id))
		app_json_put(o, ",\"community_id\":\"%s\"", id);
}

static void put_mac(struct app_json *o, const char *key, const uint8_t *mac)
{
	app_json_put(o, "\"%s\":\"%02x:%02x:%02x:%02x:%02x:%02x\"", key, mac[0], mac[1], mac[2],
		     mac[3], mac[4], mac[5]);
}

/*
 * The packet's layers below IP: vlan ([ids], outermost first), ether
 * (optional, [eve] ether), and ICMP's type and code in place of ports.
 */
static void put_packet_layers(struct app_json *o, const struct alert *a)
{
	if (a->vlan_count) {
		app_json_put(o, ",\"vlan\":[");
		for (unsigned i = 0; i < a->vlan_count && i < PACKET_MAX_VLANS; i++)
			app_json_put(o, "%s%u", i ? "," : "", a->vlan_id[i]);
		app_json_put(o, "]");
	}
	if (a->l4_proto == 1 || a->l4_proto == 58)
		app_json_put(o, ",\"icmp_type\":%u,\"icmp_code\":%u", a->icmp_type, a->icmp_code);
	static const uint8_t none[6];
	if (eve_site.ether && memcmp(a->src_mac, none, 6) != 0) {
		app_json_put(o, ",\"ether\":{");
		put_mac(o, "src_mac", a->src_mac);
		app_json_put(o, ",");
		put_mac(o, "dest_mac", a->dst_mac);
		app_json_put(o, "}");
	}
}

/* ,"KEY":"BASE64 of data" (Suricata's packet and payload); nothing when it does not fit. */
static void put_base64(struct app_json *o, const char *key, const uint8_t *data, size_t len)
{
	char text[(ALERT_FRAME_SNAP + 2) / 3 * 4 + 1];
	size_t written = 0;
	if (mbedtls_base64_encode((unsigned char *)text, sizeof(text), &written, data, len) != 0)
		return;
	app_json_put(o, ",\"%s\":\"%.*s\"", key, (int)written, text);
}

/*
 * The pcap names of the link types vigil reads (Suricata's packet_info.
 * linktype_name: libpcap's names, IPv4 and IPv6 as Suricata spells them).
 */
static const char *eve_linktype_name(int linktype)
{
	static const struct {
		int linktype;
		const char *name;
	} names[] = {
	    {0, "NULL"},	{1, "EN10MB"}, {12, "RAW"},   {101, "RAW"},	   {108, "LOOP"},
	    {113, "LINUX_SLL"}, {228, "IPv4"}, {229, "IPv6"}, {276, "LINUX_SLL2"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].linktype == linktype)
			return names[i].name;
	return NULL;
}

/*
 * A printable copy of bytes (Suricata's payload_printable): printable
 * ASCII, line ends and tabs as they are, every other byte a dot. The JSON
 * writer escapes what needs it.
 */
static void put_printable(struct app_json *o, const char *key, const uint8_t *data, size_t len)
{
	char text[ALERT_FRAME_SNAP + 1];
	size_t n = len < ALERT_FRAME_SNAP ? len : ALERT_FRAME_SNAP;
	for (size_t i = 0; i < n; i++)
		text[i] = isprint(data[i]) || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'
			      ? (char)data[i]
			      : '.';
	text[n] = '\0';
	app_json_put(o, ",\"%s\":", key);
	app_json_string(o, text);
}

/*
 * An alert's packet as Suricata's eve-log alert options write it, from the
 * frame the record kept (struct alert_frame): payload (base64),
 * payload_printable and stream ([eve] payload, payload_printable), packet
 * and packet_info ([eve] packet). A frame longer than what was kept is
 * written as far as it was kept; vigil's packet_len (in v) gives its
 * length. A capture of raw IP read through the Ethernet header vigil put
 * in front (frame_prefix) is written without it, as captured.
 */
static void put_packet_capture(struct app_json *o, struct app_json *v, const struct alert *a)
{
	const struct alert_frame *f = &a->snap;
	if (!f->len)
		return;
	size_t snap = f->snap_len < ALERT_FRAME_SNAP ? f->snap_len : ALERT_FRAME_SNAP;
	if (eve_site.payload || eve_site.payload_printable) {
		size_t start = f->payload_offset, end = start + f->payload_len;
		if (end > snap)
			end = snap;
		if (f->payload_len && start < end) {
			if (eve_site.payload)
				put_base64(o, "payload", f->data + start, end - start);
			if (eve_site.payload_printable)
				put_printable(o, "payload_printable", f->data + start, end - start);
		}
		app_json_put(o, ",\"stream\":%u", a->stream_match ? 1u : 0u);
	}
	if (!eve_site.packet || snap <= eve_site.frame_prefix)
		return;
	put_base64(o, "packet", f->data + eve_site.frame_prefix, snap - eve_site.frame_prefix);
	app_json_put(o, ",\"packet_info\":{\"linktype\":%d", eve_site.linktype);
	const char *name = eve_linktype_name(eve_site.linktype);
	if (name)
		app_json_put(o, ",\"linktype_name\":\"%s\"", name);
	app_json_put(o, "}");
	if (f->len > snap)
		app_json_uint(v, "packet_len", f->len - eve_site.frame_prefix);
}

/* ,"pcap_filename":"PATH": the capture an offline run reads ([eve] pcap_file). */
static void put_pcap_filename(struct app_json *o)
{
	if (!eve_site.pcap_filename)
		return;
	app_json_put(o, ",\"pcap_filename\":");
	app_json_string(o, eve_site.pcap_filename);
}

/* The community_id of the alert's tuple (ICMP: type and code as the ports). */
static void put_alert_community_id(struct app_json *o, const struct alert *a)
{
	bool icmp = a->l4_proto == 1 || a->l4_proto == 58;
	eve_put_community_id(o, a->ip_version, a->src_addr, a->dst_addr, a->l4_proto,
			     icmp ? a->icmp_type : a->src_port, icmp ? a->icmp_code : a->dst_port);
}

/* The alert object: the rule, as Suricata writes it, and its alert: captures (context). */
static void put_alert_object(struct app_json *o, const struct alert *a,
			     const struct ruleset *ruleset)
{
	const struct rule *r = a->rule;
	app_json_put(o, ",\"alert\":{\"action\":\"%s\",\"gid\":%u,\"signature_id\":%u,\"rev\":%u,",
		     a->blocked ? "blocked" : "allowed", r->gid ? r->gid : 1, r->sid, r->rev);
	app_json_put(o, "\"signature\":");
	app_json_string(o, r->msg ? r->msg : "");
	app_json_put(o, ",\"category\":");
	app_json_string(o, r->classtype ? ruleset_classtype_text(ruleset, r->classtype) : "");
	app_json_put(o, ",\"severity\":%d", r->priority ? r->priority : 3);
	put_metadata(o, r);
	if (has_captures(a, RULE_CAPTURE_ALERT)) {
		app_json_put(o, ",\"context\":{");
		put_captures(o, a, ruleset, RULE_CAPTURE_ALERT, false);
		app_json_put(o, "}");
	}
	app_json_put(o, "}");
}

/* Packets and bytes each way and the flow's start: the part an alert's flow object shares. */
static void put_flow_counts(struct app_json *o, const struct alert_flow *f)
{
	app_json_put(o,
		     "\"pkts_toserver\":%" PRIu64 ",\"pkts_toclient\":%" PRIu64
		     ",\"bytes_toserver\":%" PRIu64 ",\"bytes_toclient\":%" PRIu64 ",\"start\":",
		     f->pkts[0], f->pkts[1], f->bytes[0], f->bytes[1]);
	put_time_value(o, f->start_us);
}

/*
 * An alert's flow object (Suricata 8): counts so far, start, and the
 * flow's own addresses and ports (client to server, whichever way the
 * alerted packet went).
 */
static void put_alert_flow(struct app_json *o, const struct alert *a)
{
	const struct alert_flow *f = &a->flow;
	if (!f->present)
		return;
	app_json_put(o, ",\"flow\":{");
	put_flow_counts(o, f);
	put_addr(o, "src_ip", f->client_addr, a->ip_version);
	put_addr(o, "dest_ip", f->server_addr, a->ip_version);
	if (a->l4_proto == 6 || a->l4_proto == 17 || a->l4_proto == 132)
		app_json_put(o, ",\"src_port\":%u,\"dest_port\":%u", f->client_port,
			     f->server_port);
	app_json_put(o, "}");
}

/* Suricata's flow states: new, established, closed. */
static const char *flow_state_name(const struct alert *a)
{
	const struct alert_flow *f = &a->flow;
	if (a->l4_proto != 6)
		return f->established ? "established" : "new";
	switch (f->state) {
	case FLOW_TCP_ESTABLISHED:
	case FLOW_TCP_CLOSING:
		return "established";
	case FLOW_TCP_CLOSED:
	case FLOW_TCP_RESET:
		return "closed";
	default:
		return "new";
	}
}

/* TCP flags as Suricata writes them: two hex digits, and a boolean per flag set. */
static void put_tcp_flags(struct app_json *o, const struct alert_flow *f)
{
	static const char *const names[8] = {"fin", "syn", "rst", "psh",
					     "ack", "urg", "ecn", "cwr"};
	uint8_t all = f->tcp_flags[0] | f->tcp_flags[1];
	app_json_put(o,
		     ",\"tcp\":{\"tcp_flags\":\"%02x\",\"tcp_flags_ts\":\"%02x\","
		     "\"tcp_flags_tc\":\"%02x\"",
		     all, f->tcp_flags[0], f->tcp_flags[1]);
	for (unsigned bit = 0; bit < 8; bit++)
		if (all & (1u << bit))
			app_json_put(o, ",\"%s\":true", names[bit]);
	app_json_put(o, ",\"state\":\"%s\"}",
		     f->state <= FLOW_TCP_RESET ? flow_tcp_state_name[f->state] : "none");
}

/* Timestamp, flow_id, event_type, addresses, ports, proto, vlan: a flow or protocol record's start. */
static void put_head(struct app_json *o, const struct alert *a, const char *event_type,
		     unsigned flags)
{
	char proto[8];
	bool ports = a->l4_proto == 6 || a->l4_proto == 17 || a->l4_proto == 132;
	app_json_put(o, "{");
	put_timestamp(o, a->timestamp_us);
	if (a->flow_id)
		app_json_put(o, ",\"flow_id\":%" PRIu64, a->flow_id);
	/* the packet that completed the record, as on alerts (a flow's end has none) */
	if ((flags & EVE_PCAP_CNT) && a->packet_number)
		app_json_put(o, ",\"pcap_cnt\":%" PRIu64, a->packet_number);
	app_json_put(o, ",\"event_type\":\"%s\"", event_type);
	eve_put_host(o);
	put_addr(o, "src_ip", a->src_addr, a->ip_version);
	if (ports)
		app_json_put(o, ",\"src_port\":%u", a->src_port);
	put_addr(o, "dest_ip", a->dst_addr, a->ip_version);
	if (ports)
		app_json_put(o, ",\"dest_port\":%u", a->dst_port);
	app_json_put(o, ",\"proto\":\"%s\"", proto_name(a->l4_proto, proto, sizeof(proto)));
	/* ICMP flows have no ports: the type and code of the flow's first packet
	 * stand in for them, in the record and in its community_id */
	if (a->l4_proto == 1 || a->l4_proto == 58) {
		app_json_put(o, ",\"icmp_type\":%u,\"icmp_code\":%u", a->flow.icmp_type,
			     a->flow.icmp_code);
		eve_put_community_id(o, a->ip_version, a->src_addr, a->dst_addr, a->l4_proto,
				     a->flow.icmp_type, a->flow.icmp_code);
	} else {
		eve_put_community_id(o, a->ip_version, a->src_addr, a->dst_addr, a->l4_proto,
				     a->src_port, a->dst_port);
	}
	/* the flow's VLAN ids (Suricata's vlan array, outermost first) */
	if (a->flow.vlan[0])
		app_json_put(o, ",\"vlan\":[%u", a->flow.vlan[0]);
	if (a->flow.vlan[0] && a->flow.vlan[1])
		app_json_put(o, ",%u", a->flow.vlan[1]);
	if (a->flow.vlan[0])
		app_json_put(o, "]");
}

static size_t eve_finish(struct app_json *o, size_t len)
{
	app_json_put(o, "}");
	if (o->used >= len && len)
		o->used = len - 1;
	return o->used;
}

/* event_type flow: the flow from client to server, what it carried, how it ended, its flowbits and variables. */
static size_t eve_format_flow(const struct alert *a, const struct ruleset *ruleset, char *buf,
			      size_t len)
{
	struct app_json o = {.buf = buf, .len = len};
	const struct alert_flow *f = &a->flow;
	put_head(&o, a, "flow", 0);
	if (a->app_proto != ALERT_APP_PROTO_NONE && a->app_proto < RULE_PROTO_COUNT)
		app_json_put(&o, ",\"app_proto\":\"%s\"", rule_proto_name[a->app_proto]);
	/* a direction that spoke another protocol (Suricata writes only those) */
	if (f->app_proto_ts && f->app_proto_ts <= RULE_PROTO_COUNT)
		app_json_put(&o, ",\"app_proto_ts\":\"%s\"", rule_proto_name[f->app_proto_ts - 1]);
	if (f->app_proto_tc && f->app_proto_tc <= RULE_PROTO_COUNT)
		app_json_put(&o, ",\"app_proto_tc\":\"%s\"", rule_proto_name[f->app_proto_tc - 1]);
	app_json_put(&o, ",\"flow\":{");
	put_flow_counts(&o, f);
	app_json_put(&o, ",\"end\":");
	put_time_value(&o, f->end_us);
	if (f->action == FLOW_ACTION_DROP || f->action == FLOW_ACTION_PASS)
		app_json_put(&o, ",\"action\":\"%s\"",
			     f->action == FLOW_ACTION_DROP ? "drop" : "pass");
	app_json_put(&o, ",\"age\":%" PRIu64 ",\"state\":\"%s\",\"reason\":\"%s\",\"alerted\":%s}",
		     (f->end_us - f->start_us) / 1000000, flow_state_name(a),
		     f->reason < FLOW_END_COUNT ? flow_end_name[f->reason] : "timeout",
		     f->alerted ? "true" : "false");
	if (a->l4_proto == 6)
		put_tcp_flags(&o, f);
	char empty[] = "{}"; /* no object of vigil's own */
	put_flow_metadata(&o, a, ruleset, &(struct app_json){.buf = empty, .used = 2});
	return eve_finish(&o, len);
}

/*
 * event_type PROTOCOL: one transaction, its object written by its parser
 * (into vigil's own object for a protocol Suricata's schema lacks: MySQL).
 */
static size_t eve_format_app(const struct alert *a, char *buf, size_t len, unsigned flags)
{
	struct app_json o = {.buf = buf, .len = len};
	char vigil_buf[EVE_VIGIL_MAX];
	struct app_json v = {.buf = vigil_buf, .len = sizeof(vigil_buf)};
	const char *name = a->app_proto < RULE_PROTO_COUNT ? rule_proto_name[a->app_proto] : "app";
	const struct app_parser *parser =
	    a->app_proto < RULE_PROTO_COUNT ? app_parser_for((enum rule_proto)a->app_proto) : NULL;
	app_json_begin(&v, "{");
	/* EVE's event types are names with underscores: ftp-data's records are "ftp_data" */
	put_head(&o, a,
		 parser && parser->eve_event_type      ? parser->eve_event_type
		 : a->app_proto == RULE_PROTO_FTP_DATA ? "ftp_data"
						       : name,
		 flags);
	app_json_put(&o, ",\"app_proto\":\"%s\"", name);
	put_details(&o, &v, a);
	app_json_end(&v, "}");
	o.overflow |= v.overflow;
	eve_put_vigil_metadata(&o, &v);
	return eve_finish(&o, len);
}

/*
 * event_type fileinfo: a file a transaction carried (an HTTP body), the
 * transaction's object and the file's, both from the protocol's parser.
 */
static size_t eve_format_file(const struct alert *a, char *buf, size_t len, unsigned flags)
{
	struct app_json o = {.buf = buf, .len = len};
	char vigil_buf[EVE_VIGIL_MAX];
	struct app_json v = {.buf = vigil_buf, .len = sizeof(vigil_buf)};
	const char *name = a->app_proto < RULE_PROTO_COUNT ? rule_proto_name[a->app_proto] : "app";
	const struct app_parser *parser =
	    a->app_proto < RULE_PROTO_COUNT ? app_parser_for((enum rule_proto)a->app_proto) : NULL;
	app_json_begin(&v, "{");
	put_head(&o, a, "fileinfo", flags);
	app_json_put(&o, ",\"app_proto\":\"%s\"", name);
	put_details(&o, &v, a);
	if (parser && parser->eve_file) {
		o.field_limit = eve_site.field_limit;
		parser->eve_file(&a->details, &o);
	}
	app_json_end(&v, "}");
	o.overflow |= v.overflow;
	eve_put_vigil_metadata(&o, &v);
	return eve_finish(&o, len);
}

size_t eve_format_alert(const struct alert *a, const struct ruleset *ruleset, char *buf, size_t len,
			unsigned flags)
{
	if (a->kind == ALERT_KIND_FLOW)
		return eve_format_flow(a, ruleset, buf, len);
	if (a->kind == ALERT_KIND_APP)
		return eve_format_app(a, buf, len, flags);
	if (a->kind == ALERT_KIND_FILE)
		return eve_format_file(a, buf, len, flags);
	struct app_json o = {.buf = buf, .len = len};
	char vigil_buf[EVE_VIGIL_MAX];
	struct app_json v = {.buf = vigil_buf, .len = sizeof(vigil_buf)};
	char proto[8];
	bool ports = a->l4_proto == 6 || a->l4_proto == 17 || a->l4_proto == 132;
	bool rule_alert = !a->filter_drop && !a->anomaly && a->rule;

	app_json_begin(&v, "{");
	app_json_put(&o, "{");
	put_timestamp(&o, a->timestamp_us);
	if (a->flow_id)
		app_json_put(&o, ",\"flow_id\":%" PRIu64, a->flow_id);
	if ((flags & EVE_PCAP_CNT) && a->packet_number)
		app_json_put(&o, ",\"pcap_cnt\":%" PRIu64, a->packet_number);
	app_json_put(&o, ",\"event_type\":\"%s\"",
		     a->filter_drop || a->kind == ALERT_KIND_DROP ? "drop"
		     : a->anomaly				  ? "anomaly"
								  : "alert");
	eve_put_host(&o);
	eve_put_in_iface(&o, a->rx_port);
	put_packet_layers(&o, a);
	if (!(flags & EVE_CLIENT_FROM_XFF) || !rule_alert || !put_client_from_xff(&o, &v, a))
		put_addr(&o, "src_ip", a->src_addr, a->ip_version);
	if (ports)
		app_json_put(&o, ",\"src_port\":%u", a->src_port);
	put_addr(&o, "dest_ip", a->dst_addr, a->ip_version);
	if (ports)
		app_json_put(&o, ",\"dest_port\":%u", a->dst_port);
	app_json_put(&o, ",\"proto\":\"%s\"", proto_name(a->l4_proto, proto, sizeof(proto)));
	put_alert_community_id(&o, a);
	put_tunnel(&o, &a->tunnel);
	put_vigil_tunnel(&v, &a->tunnel);
	if (a->kind == ALERT_KIND_DROP) {
		put_packet_drop(&o, &v, a, ruleset);
	} else if (a->filter_drop) {
		put_drop(&o, &v, a);
	} else if (a->anomaly) {
		if (a->anomaly == ALERT_ANOMALY_APPLAYER && a->app_proto < RULE_PROTO_COUNT)
			app_json_put(&o, ",\"app_proto\":\"%s\"", rule_proto_name[a->app_proto]);
		put_anomaly(&o, &v, a);
	} else if (a->rule) {
		if (a->app_proto != ALERT_APP_PROTO_NONE && a->app_proto < RULE_PROTO_COUNT)
			app_json_put(&o, ",\"app_proto\":\"%s\"", rule_proto_name[a->app_proto]);
		app_json_put(&o, ",\"direction\":\"%s\"", a->to_server ? "to_server" : "to_client");
		/* Suricata 8's packet source: a packet that came in on a port,
		 * or the flow's end (Suricata's flow timeout pseudo packet) */
		app_json_put(&o, ",\"pkt_src\":\"%s\"",
			     a->flow_end ? "stream (flow timeout)" : "wire/pcap");
		/* tx_id: the parser's details write it beside their object */
		put_alert_object(&o, a, ruleset);
		put_verdict(&o, a);
		put_alert_flow(&o, a);
		put_alert_frame(&o, a);
		if (a->has_details)
			put_details(&o, &v, a);
		put_packet_capture(&o, &v, a);
	}
	put_pcap_filename(&o);
	app_json_end(&v, "}");
	o.overflow |= v.overflow;
	put_flow_metadata(&o, a, ruleset, &v);
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

const char *eve_format_alert_line(struct eve *eve, const struct alert *alert, size_t *n)
{
	unsigned flags =
	    (eve->client_from_xff ? EVE_CLIENT_FROM_XFF : 0) | (eve->pcap_cnt ? EVE_PCAP_CNT : 0);
	for (;;) {
		if (!eve->line) {
			eve->line_size = EVE_LINE_START;
			eve->line = malloc(eve->line_size);
			if (!eve->line)
				return NULL;
		}
		*n = eve_format_alert(alert, eve->ruleset, eve->line, eve->line_size, flags);
		/* a line that filled its buffer may have been cut: only one shorter is whole */
		if (*n + 1 < eve->line_size || eve->line_size >= EVE_LINE_MAX)
			return eve->line;
		/* A record larger than the buffer is formatted again, never cut. */
		char *larger = realloc(eve->line, eve->line_size * 2);
		if (!larger)
			return eve->line;
		eve->line = larger;
		eve->line_size *= 2;
	}
}

void eve_write_alert(struct eve *eve, const struct alert *alert)
{
	if (!eve->buf)
		return;
	size_t n;
	const char *line = eve_format_alert_line(eve, alert, &n);
	if (line)
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
	free(eve->line);
	eve->line = NULL;
}
