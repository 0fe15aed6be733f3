# SPDX-License-Identifier: BSD-3-Clause
#
# Raw frames across the lab, for tests/integration/lab_transparency.sh.
#
#   l2_cross.py receive IFACE SECONDS OUT
#       captures every frame on IFACE for SECONDS (the kernel's stripped
#       VLAN tag put back from the packet's auxiliary data, with its TPID,
#       as libpcap does) and writes them to OUT as a JSON list of hex
#       strings; OUT.ready appears once the capture runs.
#   l2_cross.py send IFACE
#       sends the frames of l2_frames.transparency_frames() on IFACE, one
#       every 50 ms, and prints them as a JSON list of [name, hex,
#       link_local].
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from l2_frames import transparency_frames  # noqa: E402
from scapy.all import AsyncSniffer, conf  # noqa: E402

CLIENT_MAC, SERVER_MAC = "02:00:00:00:00:01", "02:00:00:00:00:02"


def receive(iface, seconds, out):
    sniffer = AsyncSniffer(iface=iface, store=True, started_callback=lambda: open(out + ".ready", "w").close())
    sniffer.start()
    time.sleep(seconds)
    frames = sniffer.stop() or []
    with open(out, "w") as f:
        json.dump([bytes(p).hex() for p in frames], f)


def send(iface):
    frames = transparency_frames(CLIENT_MAC, SERVER_MAC)
    sock = conf.L2socket(iface=iface)
    try:
        for _, raw, _ in frames:
            sock.send(raw)
            time.sleep(0.05)
    finally:
        sock.close()
    print(json.dumps([[name, raw.hex(), link_local] for name, raw, link_local in frames]))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "receive":
        receive(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == "send":
        send(sys.argv[2])
    else:
        sys.exit("usage: l2_cross.py receive IFACE SECONDS OUT | send IFACE")


if __name__ == "__main__":
    main()
