/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow dump ([dataplane] flow_dump = PATH): at shut-down, every flow
 * each worker's table saw, ended or still there, one JSON line per flow
 * with the worker that handled it and the packets and bytes of each
 * direction. A debugging and testing aid (tests/integration/
 * lab_two_workers.sh proves with it that each connection stayed on one
 * worker), not an EVE flow log: nothing is written while vigil runs.
 *
 * A line:
 *   {"worker":0,"flow_id":5,"proto":6,"src_ip":"10.77.0.1","src_port":40000,
 *    "dest_ip":"10.77.0.2","dest_port":5001,"vlan":[],"pkts_toserver":6,
 *    "pkts_toclient":5,"bytes_toserver":620,"bytes_toclient":1890,
 *    "tcp_state":"closed","end":"timeout"}
 * src is the client (the side that sent the SYN, or spoke first); end is
 * why the flow left the table (timeout, evicted, reused, shutdown: still in
 * it when the workers stopped; "live" when the dump is written before). A last line {"records_lost":[N, ...]} counts, per
 * worker, flows that ended once the worker's record (as many as
 * [dataplane] flows) was full.
 */
#ifndef VIGIL_PLATFORM_FLOW_DUMP_H
#define VIGIL_PLATFORM_FLOW_DUMP_H

#include <stddef.h>

struct worker_conf;

/*
 * Write the dump of workers[0..count) to path (replaced). Control lcore,
 * after every worker has stopped and before their tables are freed.
 * Returns the number of flows written, or a negative errno with the
 * reason in err.
 */
long flow_dump_write(const char *path, const struct worker_conf *workers, unsigned count, char *err,
		     size_t err_len);

#endif
