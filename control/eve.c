/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE alert lines (see eve.h). Strings from rules (msg, classtype text) are
 * JSON-escaped: a rule file is user input and must never break the log
 * that a SIEM parses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "control/eve.h"
#include "dataplane/decode/defrag.h"
#include "dataplane/filter/filter.h"
#include "dataplane/verdict.h"
#include "rules/ruleset.h"

int eve_open(struct eve *eve, const char *path, const struct ruleset *ruleset)
{
	memset(eve, 0, sizeof(*eve));
	eve->file = fopen(path, "a");
	if (!eve->file)
		return -errno;
	eve->ruleset = ruleset;
	return 0;
}

struct out {
	char *buf;
	size_t len, used;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	if (o->used >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
	if (o->used > o->len)
		o->used = o->len;
}

static void put_string(struct out *o, const char *s)
{
	put(o, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

static void put_addr(struct out *o, const char *key, const uint8_t *addr, int version)
{
	char text[INET6_ADDRSTRLEN];
	inet_ntop(version == 6 ? AF_INET6 : AF_INET, addr, text, sizeof(text));
	put(o, ",\"%s\":\"%s\"", key, text);
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

static const char *dns_type_name(uint16_t type)
{
	switch (type) {
	case 1:
		return "A";
	case 2:
		return "NS";
	case 5:
		return "CNAME";
	case 6:
		return "SOA";
	case 12:
		return "PTR";
	case 15:
		return "MX";
	case 16:
		return "TXT";
	case 28:
		return "AAAA";
	case 33:
		return "SRV";
	case 65:
		return "HTTPS";
	case 255:
		return "ANY";
	default:
		return "OTHER";
	}
}

/*
 * The rule's metadata as EVE's alert.metadata (key -> list of values), so
 * the operator sees the attack class, CVE and remediation text the rule
 * carries; and its references.
 */
static void put_metadata(struct out *o, const struct rule *r)
{
	if (r->metadata_count) {
		put(o, ",\"metadata\":{");
		for (unsigned i = 0; i < r->metadata_count; i++) {
			const char *entry = r->metadata[i];
			size_t key_len = strcspn(entry, " ");
			const char *value = entry + key_len;
			while (*value == ' ')
				value++;
			char key[64];
			snprintf(key, sizeof(key), "%.*s", (int)key_len, entry);
			put(o, "%s", i ? "," : "");
			put_string(o, key);
			put(o, ":[");
			put_string(o, value);
			put(o, "]");
		}
		put(o, "}");
	}
	if (r->reference_count) {
		put(o, ",\"references\":[");
		for (unsigned i = 0; i < r->reference_count; i++) {
			char ref[512];
			snprintf(ref, sizeof(ref), "%s,%s", r->references[i].type,
				 r->references[i].value);
			put(o, "%s", i ? "," : "");
			put_string(o, ref);
		}
		put(o, "]");
	}
}

static void put_timestamp(struct out *o, uint64_t us)
{
	time_t seconds = (time_t)(us / 1000000);
	struct tm tm;
	char text[32];
	gmtime_r(&seconds, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
	put(o, "\"timestamp\":\"%s.%06" PRIu64 "+0000\"", text, us % 1000000);
}

static void put_text(struct out *o, const char *key, const char *value, bool *first)
{
	if (!value[0])
		return;
	put(o, "%s\"%s\":", *first ? "" : ",", key);
	put_string(o, value);
	*first = false;
}

/* The protocol object of an alert raised on an application-layer unit. */
static void put_details(struct out *o, const struct alert *a)
{
	const struct app_details *d = &a->details;
	bool first = true;
	switch (a->app_proto) {
	case RULE_PROTO_HTTP:
		put(o, ",\"http\":{");
		put_text(o, "hostname", d->http_hostname, &first);
		put_text(o, "url", d->http_url, &first);
		put_text(o, "http_user_agent", d->http_user_agent, &first);
		put_text(o, "http_method", d->http_method, &first);
		put_text(o, "protocol", d->http_protocol, &first);
		if (d->http_status) {
			put(o, "%s\"status\":%u", first ? "" : ",", d->http_status);
			first = false;
		}
		if (d->http_length) {
			put(o, "%s\"length\":%" PRIu64, first ? "" : ",", d->http_length);
			first = false;
		}
		put_text(o, "xff", d->xff, &first);
		put(o, "}");
		break;
	case RULE_PROTO_TLS:
		put(o, ",\"tls\":{");
		put_text(o, "sni", d->tls_sni, &first);
		put_text(o, "version", d->tls_version, &first);
		if (d->ja3[0]) {
			put(o, "%s\"ja3\":{\"hash\":", first ? "" : ",");
			put_string(o, d->ja3);
			put(o, "}");
			first = false;
		}
		if (d->ja4[0]) {
			put_text(o, "ja4", d->ja4, &first);
		}
		put(o, "}");
		break;
	case RULE_PROTO_DNS:
		put(o, ",\"dns\":{\"query\":[{");
		put_text(o, "rrname", d->dns_rrname, &first);
		put(o, "%s\"rrtype\":\"%s\"}]}", first ? "" : ",", dns_type_name(d->dns_rrtype));
		break;
	default:
		break;
	}
}

/*
 * Behind a load balancer or proxy, the client is the X-Forwarded-For
 * address: it becomes src_ip and the address the packet came from is kept
 * as proxy_ip. Returns true when it did so.
 */
static bool put_client_from_xff(struct out *o, const struct alert *a)
{
	const struct xff_client *client = &a->details.xff_client;
	if (!a->has_details || !client->family)
		return false;
	put_addr(o, "src_ip", client->addr, client->family);
	put_addr(o, "proxy_ip", a->src_addr, a->ip_version);
	return true;
}

/* The rest of a filter drop event (event_type drop): the reason and the ACL rule number. */
static size_t eve_finish_drop(struct out *o, const struct alert *a, size_t len)
{
	put(o, ",\"drop\":{\"reason\":\"%s\"",
	    a->filter_reason < FILTER_REASON_COUNT ? filter_reason_name[a->filter_reason]
						   : "filter");
	if (a->acl_rule)
		put(o, ",\"acl_rule\":%u", a->acl_rule);
	put(o, "}}");
	if (o->used >= len && len)
		o->used = len - 1;
	return o->used;
}

/* An anomaly event's tail: what IP reassembly refused, and what became of the fragment. */
static size_t eve_finish_anomaly(struct out *o, const struct alert *a, size_t len)
{
	put(o, ",\"anomaly\":{\"type\":\"defrag\",\"event\":\"%s\",\"action\":\"%s\"}}",
	    a->anomaly_reason < DEFRAG_REASON_COUNT ? defrag_reason_name[a->anomaly_reason]
						    : "defrag",
	    a->blocked ? "blocked" : "allowed");
	if (o->used >= len && len)
		o->used = len - 1;
	return o->used;
}

/* verdict: what became of the packet (Suricata's verdict object). */
static void put_verdict(struct out *o, const struct alert *a)
{
	switch (a->verdict) {
	case VERDICT_DROP:
		put(o, ",\"verdict\":{\"action\":\"drop\"}");
		break;
	case VERDICT_REJECT:
		put(o,
		    ",\"verdict\":{\"action\":\"drop\",\"reject-target\":\"both\","
		    "\"reject\":[\"%s\"]}",
		    a->l4_proto == 6 ? "tcp-reset" : "icmp-prohib");
		break;
	default:
		put(o, ",\"verdict\":{\"action\":\"alert\"}");
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
static unsigned put_flowbits(struct out *o, const struct alert *a, const struct ruleset *ruleset,
			     const char *key, const char *prefix, bool first)
{
	unsigned n = 0;
	unsigned count = ruleset ? ruleset_flowbit_count(ruleset) : 0;
	for (unsigned bit = 0; bit < count && bit < RULE_MAX_FLOWBITS; bit++) {
		const char *name = flowbit_listed(a, ruleset, bit, prefix);
		if (!name)
			continue;
		if (n++ == 0)
			put(o, "%s\"%s\":[", first ? "" : ",", key);
		else
			put(o, ",");
		put_string(o, name);
	}
	if (n)
		put(o, "]");
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
static void put_bytes(struct out *o, const uint8_t *data, size_t len)
{
	put(o, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = data[i];
		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

/* flowvars: [{"NAME":"value"}, ...] in the order they were set. */
static void put_flowvars(struct out *o, const struct alert *a, const struct ruleset *ruleset,
			 bool first)
{
	put(o, "%s\"flowvars\":[", first ? "" : ",");
	for (unsigned i = 0; i < a->flowvar_count && i < ALERT_FLOWVARS; i++) {
		const struct alert_flowvar *v = &a->flowvars[i];
		const char *name = ruleset_flowvar_name(ruleset, v->var);
		put(o, "%s{", i ? "," : "");
		put_string(o, name ? name : "?");
		put(o, ":");
		put_bytes(o, v->value, v->len < ALERT_FLOWVAR_LEN ? v->len : ALERT_FLOWVAR_LEN);
		put(o, "}");
	}
	put(o, "]");
}

/* The flow's flowbits and variables: metadata{flowbits, flowvars} and traffic{id, label}. */
static void put_flow_metadata(struct out *o, const struct alert *a, const struct ruleset *ruleset)
{
	unsigned bits = flowbits_listed(a, ruleset, NULL);
	if (bits || a->flowvar_count) {
		put(o, ",\"metadata\":{");
		put_flowbits(o, a, ruleset, "flowbits", NULL, true);
		if (a->flowvar_count)
			put_flowvars(o, a, ruleset, !bits);
		put(o, "}");
	}
	unsigned ids = flowbits_listed(a, ruleset, "traffic/id/");
	unsigned labels = flowbits_listed(a, ruleset, "traffic/label/");
	if (!ids && !labels)
		return;
	put(o, ",\"traffic\":{");
	put_flowbits(o, a, ruleset, "id", "traffic/id/", true);
	put_flowbits(o, a, ruleset, "label", "traffic/label/", !ids);
	put(o, "}");
}

size_t eve_format_alert(const struct alert *a, const struct ruleset *ruleset, char *buf, size_t len,
			unsigned flags)
{
	bool client_from_xff = flags & EVE_CLIENT_FROM_XFF;
	struct out o = {buf, len, 0};
	const struct rule *r = a->rule;
	char proto[8];
	bool blocked = a->blocked;
	bool ports = a->l4_proto == 6 || a->l4_proto == 17 || a->l4_proto == 132;

	put(&o, "{");
	put_timestamp(&o, a->timestamp_us);
	if (a->flow_id)
		put(&o, ",\"flow_id\":%" PRIu64, a->flow_id);
	if ((flags & EVE_PCAP_CNT) && a->packet_number)
		put(&o, ",\"pcap_cnt\":%" PRIu64, a->packet_number);
	put(&o, ",\"event_type\":\"%s\"",
	    a->filter_drop ? "drop"
	    : a->anomaly   ? "anomaly"
			   : "alert");
	if (!client_from_xff || a->filter_drop || a->anomaly || !put_client_from_xff(&o, a))
		put_addr(&o, "src_ip", a->src_addr, a->ip_version);
	if (ports)
		put(&o, ",\"src_port\":%u", a->src_port);
	put_addr(&o, "dest_ip", a->dst_addr, a->ip_version);
	if (ports)
		put(&o, ",\"dest_port\":%u", a->dst_port);
	put(&o, ",\"proto\":\"%s\"", proto_name(a->l4_proto, proto, sizeof(proto)));
	if (a->filter_drop)
		return eve_finish_drop(&o, a, len);
	if (a->anomaly)
		return eve_finish_anomaly(&o, a, len);
	if (a->app_proto != 0xffff && a->app_proto < RULE_PROTO_COUNT)
		put(&o, ",\"app_proto\":\"%s\"", rule_proto_name[a->app_proto]);
	put(&o, ",\"direction\":\"%s\"", a->to_server ? "to_server" : "to_client");
	/* Suricata 8's packet source: every alert of vigil is on a packet that
	 * came in on a port (no pseudo packets), Suricata's "wire/pcap" */
	put(&o, ",\"pkt_src\":\"wire/pcap\"");
	put(&o, ",\"alert\":{\"action\":\"%s\",\"gid\":%u,\"signature_id\":%u,\"rev\":%u,",
	    blocked ? "blocked" : "allowed", r->gid ? r->gid : 1, r->sid, r->rev);
	put(&o, "\"signature\":");
	put_string(&o, r->msg ? r->msg : "");
	put(&o, ",\"category\":");
	put_string(&o, r->classtype ? ruleset_classtype_text(ruleset, r->classtype) : "");
	put(&o, ",\"severity\":%d", r->priority ? r->priority : 3);
	put_metadata(&o, r);
	put(&o, "}");
	put_verdict(&o, a);
	put_flow_metadata(&o, a, ruleset);
	if (a->has_details)
		put_details(&o, a);
	put(&o, "}");
	if (o.used >= len && len)
		o.used = len - 1;
	return o.used;
}

void eve_write_alert(struct eve *eve, const struct alert *alert)
{
	char line[8192];
	if (!eve->file)
		return;
	unsigned flags =
	    (eve->client_from_xff ? EVE_CLIENT_FROM_XFF : 0) | (eve->pcap_cnt ? EVE_PCAP_CNT : 0);
	size_t n = eve_format_alert(alert, eve->ruleset, line, sizeof(line), flags);
	fwrite(line, 1, n, eve->file);
	fputc('\n', eve->file);
	eve->written++;
}

void eve_close(struct eve *eve)
{
	if (eve->file)
		fclose(eve->file);
	eve->file = NULL;
}
