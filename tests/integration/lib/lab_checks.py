# SPDX-License-Identifier: BSD-3-Clause
#
# The checks of the issue-14 lab scenarios, on what vigil and the traffic
# helpers wrote once vigil has stopped. One line "ok: ..." or "FAIL: ..."
# per check; exits 1 when one failed.
#
#   lab_checks.py two_workers CLIENT.json FLOWS.json STATS.json COUNT SERVER PORT
#       (lab_two_workers.sh) the client's report (many_connections.py),
#       the flow dump ([dataplane] flow_dump) and --stats-json: COUNT
#       connections to SERVER:PORT intact, each on exactly one worker
#       which saw both directions, every TCP packet a worker counted in its
#       flows, both workers busy.
#   lab_checks.py transparency SENT.json RECEIVED.json STATS.json
#       (lab_transparency.sh) the frames l2_cross.py sent and captured:
#       each arrived byte-identical, but a QinQ frame whose outer 0x88a8
#       the lab's af_packet port makes 0x8100 (said as such); link-local
#       frames counted, nothing malformed or dropped.
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline import check, failures  # noqa: E402


def load_json(path):
    with open(path) as f:
        return json.load(f)


def clean_totals(stats):
    total = stats["total"]
    check(f"malformed {total['malformed']}, drops {total['drops']}",
          total["malformed"] == 0 and not any(total["drops"].values()))
    return total


def connection_workers(client, flows, server, port):
    """Per client port of a completed connection, its flow records in the dump."""
    by_port = collections.defaultdict(list)
    for f in flows:
        if f["proto"] == 6 and f["dest_ip"] == server and f["dest_port"] == port:
            by_port[f["src_port"]].append(f)
    return {sport: by_port.get(sport, []) for sport in client["ports"]}


def two_workers(client_path, flows_path, stats_path, want, server, port):
    client, stats = load_json(client_path), load_json(stats_path)
    with open(flows_path) as f:
        dump = [json.loads(line) for line in f]
    check(f"{client['ok']} of {want} connections intact (data both ways, checked), "
          f"{client['failed']} failed, in {client['seconds']} s {client['errors'][:2]}",
          client["ok"] == want and client["failed"] == 0)
    lost = dump[-1].get("records_lost")
    flows = dump[:-1]
    check(f"flow dump: {len(flows)} flows, records lost per worker {lost}",
          lost is not None and not any(lost))

    split, one_way, missing = [], [], []
    per_worker = collections.Counter()
    for sport, records in connection_workers(client, flows, server, port).items():
        workers = {f["worker"] for f in records}
        if not records:
            missing.append(sport)
        elif len(workers) != 1:
            split.append((sport, sorted(workers)))
        else:
            per_worker[workers.pop()] += 1
            if not (sum(f["pkts_toserver"] for f in records) and sum(f["pkts_toclient"] for f in records)):
                one_way.append(sport)
    check(f"every connection in the dump: {len(client['ports']) - len(missing)} of "
          f"{len(client['ports'])} {missing[:5]}", not missing)
    check(f"each connection on exactly one worker: {len(split)} split {split[:5]}", not split)
    check(f"each connection's worker saw both directions: {len(one_way)} one-way {one_way[:5]}", not one_way)
    check(f"both workers got connections: {dict(sorted(per_worker.items()))}",
          len(per_worker) == 2 and min(per_worker.values()) > 0)

    # No TCP packet a worker handled is missing from its flows.
    tcp_in_flows = collections.Counter()
    for f in flows:
        if f["proto"] == 6:
            tcp_in_flows[f["worker"]] += f["pkts_toserver"] + f["pkts_toclient"]
    for lcore in stats["lcores"]:
        w, fl = lcore["worker"], lcore.get("flows", {})
        check(f"worker {w}: {lcore['tcp']} TCP packets counted, {tcp_in_flows[w]} in its flows",
              lcore["tcp"] == tcp_in_flows[w] and lcore["tcp"] > 0)
        check(f"worker {w}: flows created {fl.get('flow_created')}, table full "
              f"{fl.get('flow_table_full')}, rx_packets {lcore['rx_packets']}",
              fl.get("flow_created", 0) > 0 and fl.get("flow_table_full", 1) == 0)
    clean_totals(stats)


def transparency(sent_path, received_path, stats_path):
    sent, stats = load_json(sent_path), load_json(stats_path)
    received = [bytes.fromhex(h) for h in load_json(received_path)]
    for name, hexa, _link_local in sent:
        frame = bytes.fromhex(hexa)
        if frame in received:
            check(f"{name}: {len(frame)} bytes across byte-identical", True)
        elif frame[12:14] == b"\x88\xa8":
            rewritten = frame[:12] + b"\x81\x00" + frame[14:]
            check(f"{name}: across with only its outer TPID 0x88a8 made 0x8100 (known: DPDK 22.11 "
                  f"net_af_packet re-inserts the tag the kernel stripped as 0x8100)", rewritten in received)
        else:
            near = [len(r) for r in received if r[:12] == frame[:12]]
            check(f"{name}: {len(frame)} bytes not received as sent (same addresses: {near})", False)
    total = clean_totals(stats)
    check(f"link_local {total.get('link_local')} >= 3", total.get("link_local", 0) >= 3)


def main():
    if len(sys.argv) == 8 and sys.argv[1] == "two_workers":
        two_workers(*sys.argv[2:5], int(sys.argv[5]), sys.argv[6], int(sys.argv[7]))
    elif len(sys.argv) == 5 and sys.argv[1] == "transparency":
        transparency(*sys.argv[2:5])
    else:
        sys.exit("usage: lab_checks.py two_workers CLIENT FLOWS STATS COUNT SERVER PORT | "
                 "transparency SENT RECEIVED STATS")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
