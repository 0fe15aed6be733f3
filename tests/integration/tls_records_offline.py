#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: a TLS ClientHello cut into records of every small size (1, 2,
# 3, 4, 5, 7 and 16 bytes, and whole), as a server reassembles it, on the
# offline board in ids mode: the SNI reaches tls.sni each time. Detection
# used to want the hello's first bytes in one record, so a ClientHello in
# one-byte records was never parsed.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/tls_records_offline.py
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import Conversation, run, sid_counts  # noqa: E402

RULES = 'alert tls any any -> any any (msg:"sni"; tls.sni; content:"evil.example"; sid:1;)\n'


def client_hello(sni):
    """A minimal TLS 1.2 ClientHello handshake message with one SNI."""
    name = sni.encode()
    ext = struct.pack("!HH", 0, len(name) + 5) + struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    body = (b"\x03\x03" + b"\x11" * 32 + b"\x00" + struct.pack("!H", 2) + b"\x13\x01" + b"\x01\x00" +
            struct.pack("!H", len(ext)) + ext)
    return b"\x01" + struct.pack("!I", len(body))[1:] + body


def main():
    hello = client_hello("evil.example")
    detected, sizes = 0, (1, 2, 3, 4, 5, 7, 16, len(hello))
    for size in sizes:
        records = b"".join(b"\x16\x03\x01" + struct.pack("!H", len(hello[i:i + size])) + hello[i:i + size]
                           for i in range(0, len(hello), size))
        c = Conversation(dport=443).handshake()
        c.send(records)
        rc, alerts, _frames, err = run(RULES, c.packets)
        ok = rc == 0 and sid_counts(alerts).get(1, 0) == 1
        detected += ok
        print(("ok: " if ok else "FAIL: ") + f"{size}-byte records" + ("" if ok else f" ({sid_counts(alerts)} {err[-200:]})"))
    print(f"{detected} detected of {len(sizes)}")
    return 0 if detected == len(sizes) else 1


if __name__ == "__main__":
    sys.exit(main())
