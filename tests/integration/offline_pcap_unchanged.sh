#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: on the offline board (pcap in, pcap out, malformed = forward, no
# rules) vigil is a wire: every packet of a real capture comes out, in the
# same order, with the same bytes. Runs vigil on captures from the shared
# corpus (the 42k-packet mix-web.pcap, an IPv6 capture, one with VLAN tags,
# one pcapng) and compares captured bytes packet by packet (timestamps may
# differ; the pcap device writes its own). Also checks that the stats JSON
# counts every input packet as received and transmitted.
#
# Run alone (root, repo root, after make): bash tests/integration/offline_pcap_unchanged.sh
set -euo pipefail

cd "$(dirname "$0")/../.."

readonly VIGIL=build/vigil
readonly PY=/usr/bin/python3
readonly CORPUS=../shared/corpus/pcaps
readonly INPUTS=(
	mix-web.pcap
	ndpi/http_ipv6.pcap
	ndpi/smtp-starttls.pcap
	ndpi/anydesk.pcapng
)

readonly VIGIL_PREFIX=vigil-it-offline-$$

work=""
cleanup()
{
	local rc=$?
	trap - EXIT
	rm -rf "/var/run/dpdk/$VIGIL_PREFIX" # DPDK's runtime files for our prefix
	[[ -n $work ]] && rm -rf "$work"
	exit "$rc"
}

# compare IN OUT STATS: same packets, same order, same bytes; counters agree.
compare()
{
	"$PY" - "$@" <<'EOF'
import json, sys
from scapy.utils import RawPcapReader

def packets(path):
    reader = RawPcapReader(path)
    try:
        return [bytes(data) for data, _meta in reader]
    finally:
        reader.close()

src, out, stats_path = sys.argv[1:4]
a, b = packets(src), packets(out)
problems = []
if len(a) != len(b):
    problems.append(f"{len(a)} packets in, {len(b)} out")
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        problems.append(f"packet {i + 1} differs: {len(x)} bytes in, {len(y)} out")
        break
total = json.load(open(stats_path))["total"]
if total["rx_packets"] != len(a):
    problems.append(f"stats rx_packets {total['rx_packets']} != {len(a)} input packets")
if total["tx_packets"] != len(a):
    problems.append(f"stats tx_packets {total['tx_packets']} != {len(a)} input packets")
if problems:
    print("; ".join(problems))
    sys.exit(1)
print(f"{len(a)} packets, {sum(map(len, a))} bytes, identical")
EOF
}

main()
{
	[[ -x $VIGIL ]] || { echo "FAIL: $VIGIL not built"; exit 1; }
	work=$(mktemp -d /tmp/vigil-it-offline.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	local failures=0 name in base result rc
	for name in "${INPUTS[@]}"; do
		in=$CORPUS/$name
		base=$work/$(basename "$name")
		if [[ ! -r $in ]]; then
			echo "FAIL: $name: cannot read $in"
			failures=$((failures + 1))
			continue
		fi
		rc=0
		timeout -k 5 60 "$VIGIL" --board board/offline.conf --pcap "$in" --out "$base.out.pcap" \
			--set "eal.file_prefix=$VIGIL_PREFIX" --stats-json "$base.json" \
			>"$base.log" 2>&1 || rc=$?
		if ((rc != 0)); then
			echo "FAIL: $name: vigil exited with status $rc"
			tail -n 10 "$base.log"
			failures=$((failures + 1))
			continue
		fi
		if result=$(compare "$in" "$base.out.pcap" "$base.json" 2>&1); then
			echo "ok: $name: $result"
		else
			echo "FAIL: $name: $result"
			failures=$((failures + 1))
		fi
	done

	if ((failures)); then
		echo "offline_pcap_unchanged: $failures of ${#INPUTS[@]} captures failed"
		exit 1
	fi
	echo "offline_pcap_unchanged: passed (${#INPUTS[@]} captures)"
}

main "$@"
