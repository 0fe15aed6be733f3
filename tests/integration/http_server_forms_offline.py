#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: HTTP requests written the way servers accept them but a strict
# parser does not, on the offline board in ids mode: a tab between the
# parts of the request line, blanks before the method, path parameters
# (";a=b" in a segment, which servlet containers strip before mapping the
# path). Each must reach http.uri as the server will use it, so a rule on
# "/etc/passwd" fires, in several variants.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/http_server_forms_offline.py
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import Conversation, run, sid_counts  # noqa: E402

RULES = 'alert http any any -> any any (msg:"uri"; flow:to_server,established; http.uri; content:"/etc/passwd"; sid:1;)\n'

CASES = [
    ("tabs between the parts", b"GET\t/etc/passwd\tHTTP/1.1\r\nHost: x\r\n\r\n"),
    ("a tab after the method only", b"GET\t/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("a blank before the method", b" GET /etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("a tab and a blank before the method", b"\t GET /etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("a path parameter inside the path", b"GET /etc;a=b/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("path parameters on every segment", b"GET /;x/etc;y=1/passwd;z HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("a session id after the file", b"GET /etc/passwd;jsessionid=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
]


def main():
    detected = 0
    for name, request in CASES:
        c = Conversation().handshake()
        c.send(request)
        c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", from_client=False)
        rc, alerts, _frames, err = run(RULES, c.packets)
        ok = rc == 0 and sid_counts(alerts).get(1, 0) == 1
        detected += ok
        print(("ok: " if ok else "FAIL: ") + name + ("" if ok else f" (rc {rc}, alerts {sid_counts(alerts)}, {err[-200:]})"))
    print(f"{detected} detected of {len(CASES)}")
    return 0 if detected == len(CASES) else 1


if __name__ == "__main__":
    sys.exit(main())
