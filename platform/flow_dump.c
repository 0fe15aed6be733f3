/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow dump (see flow_dump.h): the workers' flow records as JSON
 * lines, written once at shut-down.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dataplane/flow/flow.h"
#include "dataplane/worker.h"
#include "platform/flow_dump.h"

struct flow_dump {
	FILE *out;
	unsigned worker;
	long written;
};

static void flow_dump_address(const struct flow_key *k, unsigned side, char *out, size_t len)
{
	inet_ntop(k->ip_version == 6 ? AF_INET6 : AF_INET, k->addr[side], out, (socklen_t)len);
}

static void flow_dump_line(const struct flow_record *r, void *arg)
{
	struct flow_dump *d = arg;
	const struct flow_key *k = &r->key;
	unsigned client = r->client_side & 1, server = client ^ 1;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], vlan[32] = "";
	flow_dump_address(k, client, src, sizeof(src));
	flow_dump_address(k, server, dst, sizeof(dst));
	if (k->vlan_id[0] || k->vlan_id[1])
		snprintf(vlan, sizeof(vlan), k->vlan_id[1] ? "%u,%u" : "%u", k->vlan_id[0],
			 k->vlan_id[1]);
	fprintf(d->out,
		"{\"worker\":%u,\"flow_id\":%" PRIu64 ",\"proto\":%u,\"src_ip\":\"%s\","
		"\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":%u,\"vlan\":[%s],"
		"\"pkts_toserver\":%" PRIu64 ",\"pkts_toclient\":%" PRIu64
		",\"bytes_toserver\":%" PRIu64 ",\"bytes_toclient\":%" PRIu64
		",\"tcp_state\":\"%s\",\"end\":\"%s\"}\n",
		d->worker, r->flow_id, k->proto, src, k->port[client], dst, k->port[server], vlan,
		r->packets[FLOW_TO_SERVER], r->packets[FLOW_TO_CLIENT], r->bytes[FLOW_TO_SERVER],
		r->bytes[FLOW_TO_CLIENT],
		r->tcp_state <= FLOW_TCP_RESET ? flow_tcp_state_name[r->tcp_state] : "?",
		r->end < FLOW_END_COUNT ? flow_end_name[r->end] : "?");
	d->written++;
}

long flow_dump_write(const char *path, const struct worker_conf *workers, unsigned count, char *err,
		     size_t err_len)
{
	struct flow_dump d = {.out = fopen(path, "w")};
	if (!d.out) {
		int e = errno;
		snprintf(err, err_len, "flow dump %s: %s", path, strerror(e));
		return -e;
	}
	char lost_line[32 * 24] = "";
	size_t at = 0;
	for (unsigned w = 0; w < count; w++) {
		uint64_t lost = 0;
		d.worker = w;
		if (workers[w].detect.flows)
			flow_table_records(workers[w].detect.flows, flow_dump_line, &d, &lost);
		if (at < sizeof(lost_line))
			at += (size_t)snprintf(lost_line + at, sizeof(lost_line) - at, "%s%" PRIu64,
					       w ? "," : "", lost);
	}
	fprintf(d.out, "{\"records_lost\":[%s]}\n", lost_line);
	int rc = ferror(d.out) ? -EIO : 0;
	if (fclose(d.out) != 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		snprintf(err, err_len, "flow dump %s: %s", path, strerror(-rc));
		return rc;
	}
	return d.written;
}
