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

static void put_timestamp(struct out *o, uint64_t us)
{
	time_t seconds = (time_t)(us / 1000000);
	struct tm tm;
	char text[32];
	gmtime_r(&seconds, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
	put(o, "\"timestamp\":\"%s.%06" PRIu64 "+0000\"", text, us % 1000000);
}

size_t eve_format_alert(const struct alert *a, const struct ruleset *ruleset, char *buf,
			size_t len)
{
	struct out o = {buf, len, 0};
	const struct rule *r = a->rule;
	char proto[8];
	bool blocked = a->blocked;
	bool ports = a->l4_proto == 6 || a->l4_proto == 17 || a->l4_proto == 132;

	put(&o, "{");
	put_timestamp(&o, a->timestamp_us);
	if (a->flow_id)
		put(&o, ",\"flow_id\":%" PRIu64, a->flow_id);
	put(&o, ",\"event_type\":\"alert\"");
	put_addr(&o, "src_ip", a->src_addr, a->ip_version);
	if (ports)
		put(&o, ",\"src_port\":%u", a->src_port);
	put_addr(&o, "dest_ip", a->dst_addr, a->ip_version);
	if (ports)
		put(&o, ",\"dest_port\":%u", a->dst_port);
	put(&o, ",\"proto\":\"%s\"", proto_name(a->l4_proto, proto, sizeof(proto)));
	if (a->app_proto != 0xffff && a->app_proto < RULE_PROTO_COUNT)
		put(&o, ",\"app_proto\":\"%s\"", rule_proto_name[a->app_proto]);
	put(&o, ",\"direction\":\"%s\"", a->to_server ? "to_server" : "to_client");
	put(&o, ",\"alert\":{\"action\":\"%s\",\"gid\":%u,\"signature_id\":%u,\"rev\":%u,",
	    blocked ? "blocked" : "allowed", r->gid ? r->gid : 1, r->sid, r->rev);
	put(&o, "\"signature\":");
	put_string(&o, r->msg ? r->msg : "");
	put(&o, ",\"category\":");
	put_string(&o, r->classtype ? ruleset_classtype_text(ruleset, r->classtype) : "");
	put(&o, ",\"severity\":%d}}", r->priority ? r->priority : 3);
	if (o.used >= len && len)
		o.used = len - 1;
	return o.used;
}

void eve_write_alert(struct eve *eve, const struct alert *alert)
{
	char line[4096];
	if (!eve->file)
		return;
	size_t n = eve_format_alert(alert, eve->ruleset, line, sizeof(line));
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
