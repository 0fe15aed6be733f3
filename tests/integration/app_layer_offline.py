#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: the application layer end to end on the offline board. Protocols
# are found from content, not ports: HTTP on 80, 8080 and 31337 alerts on
# the same http.uri rule; TLS SNI on 443 and 8443; DNS queries over UDP and
# TCP; a MySQL COM_QUERY carrying UNION SELECT; the X-Forwarded-For client
# in the alert. Evasions that must still alert: %2e%2e%2f, %252e%252e%252f,
# %u002e, /./ and //, mixed-case methods, a chunked body in 1-byte chunks, a
# gzip body, headers split across TCP segments. Downloads the capture ends
# in the middle of (no FIN, no RST) still meet an ET-style executable rule:
# one 88 KB into a 500 KB body (inspected as it came), one shorter than an
# inspection window (inspected when the run ends).
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/app_layer_offline.py
import gzip
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import Conversation, eve_vigil, run, sid_counts  # noqa: E402
from scapy.all import DNS, DNSQR  # noqa: E402

failures = []


def check(what, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    if not ok:
        failures.append(what)


def expect(name, rules, packets, want, mode="ids", extra=()):
    rc, alerts, _frames, err = run(rules, packets, mode, extra)
    check(f"{name}: vigil exits 0", rc == 0, err.strip()[-300:])
    got = sid_counts(alerts)
    check(f"{name}: alerts {want}", got == want, f"got {got}")
    return alerts


def http_request(port, request, segments=None, response=None, sport=40000):
    c = Conversation(dport=port, sport=sport).handshake()
    c.send(request, segments=segments)
    if response:
        c.send(response, from_client=False)
    return c.packets


def case_http_ports():
    rules = 'alert http any any -> any any (msg:"admin page"; http.uri; content:"/admin/config"; sid:100; rev:1;)\n'
    packets = []
    for i, port in enumerate((80, 8080, 31337)):
        packets += http_request(port, b"GET /admin/config HTTP/1.1\r\nHost: example.com\r\n\r\n", sport=41000 + i)
    alerts = expect("http on 80, 8080, 31337", rules, packets, {100: 3})
    ports = sorted(a.get("dest_port") for a in alerts)
    check("http alerts name app_proto http on every port",
          ports == [80, 8080, 31337] and all(a.get("app_proto") == "http" for a in alerts), str(ports))
    check("alert has the http object", all(a.get("http", {}).get("url") == "/admin/config" for a in alerts),
          str([a.get("http") for a in alerts]))


def case_http_evasions():
    rules = """
alert http any any -> any any (msg:"traversal"; http.uri; content:"/etc/passwd"; sid:110; rev:1;)
alert http any any -> any any (msg:"post body"; http.method; content:"POST"; nocase; http.request_body; content:"attack=1"; sid:111; rev:1;)
alert http any any -> any any (msg:"gzip response"; file.data; content:"secret-marker"; sid:112; rev:1;)
alert http any any -> any any (msg:"header"; http.user_agent; content:"evil-agent"; sid:113; rev:1;)
"""
    cases = [
        ("%2e%2e%2f", b"GET /a/b/%2e%2e%2f%2e%2e%2fetc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", None, {110: 1}),
        ("%252e%252e%252f", b"GET /a/%252e%252e%252fetc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", None, {110: 1}),
        ("%u002e", b"GET /a/%u002e%u002e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", None, {110: 1}),
        ("/./ and //", b"GET /a/./b/..//etc//./passwd HTTP/1.1\r\nHost: x\r\n\r\n", None, {110: 1}),
        ("mixed-case method", b"pOsT /form HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nattack=1", None, {111: 1}),
        ("headers split in segments", b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: evil-agent\r\n\r\n",
         [3, 5, 7, 9, 11, 100], {113: 1}),
    ]
    for i, (name, req, segs, want) in enumerate(cases):
        expect(f"evasion {name}", rules, http_request(80, req, segs, sport=42000 + i), want)
    body = b"attack=1"
    chunked = b"".join(b"1\r\n" + bytes([ch]) + b"\r\n" for ch in body) + b"0\r\n\r\n"
    req = b"POST /form HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
    expect("evasion chunked body in 1-byte chunks", rules, http_request(80, req, sport=42100), {111: 1})
    gz = gzip.compress(b"<html>secret-marker</html>")
    resp = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + str(len(gz)).encode() + b"\r\n\r\n" + gz
    expect("evasion gzip body", rules,
           http_request(80, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", response=resp, sport=42200), {112: 1})


def client_hello(sni):
    name = sni.encode()
    sni_ext = struct.pack("!HHHBH", 0, len(name) + 5, len(name) + 3, 0, len(name)) + name
    versions = struct.pack("!HHBH", 43, 3, 2, 0x0303)
    exts = sni_ext + versions
    body = (b"\x03\x03" + bytes(32) + b"\x00" + struct.pack("!H", 4) + b"\x13\x01\xc0\x2f" + b"\x01\x00" +
            struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def case_tls():
    rules = 'alert tls any any -> any any (msg:"bad sni"; tls.sni; content:"evil.example"; sid:120; rev:1;)\n'
    packets = []
    for i, port in enumerate((443, 8443)):
        c = Conversation(dport=port, sport=43000 + i).handshake().send(client_hello("www.evil.example"))
        packets += c.packets
    alerts = expect("tls sni on 443 and 8443", rules, packets, {120: 2})
    check("tls alert carries the sni", all(a.get("tls", {}).get("sni") == "www.evil.example" for a in alerts),
          str([a.get("tls") for a in alerts]))


def case_dns():
    rules = 'alert dns any any -> any any (msg:"dns query"; dns.query; content:"malware.test"; sid:130; rev:1;)\n'
    query = bytes(DNS(id=7, rd=1, qd=DNSQR(qname="www.malware.test")))
    udp = Conversation(dport=53, sport=44000).udp(query).packets
    tcp = Conversation(dport=53, sport=44001).handshake().send(struct.pack("!H", len(query)) + query).packets
    alerts = expect("dns over udp and tcp", rules, udp + tcp, {130: 2})
    check("dns alert carries rrname (Suricata 8's dns version 3, queries[])",
          all(a.get("dns", {}).get("version") == 3 and
              a.get("dns", {}).get("queries", [{}])[0].get("rrname") == "www.malware.test"
              for a in alerts), str([a.get("dns") for a in alerts]))


def mysql_packet(seq, payload):
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def case_mysql():
    rules = 'alert mysql any any -> any any (msg:"union select"; mysql.query; content:"UNION SELECT"; nocase; sid:140; rev:1;)\n'
    greeting = (b"\x0a" + b"8.0.36\x00" + struct.pack("<I", 1) + b"abcdefgh\x00" + struct.pack("<H", 0xffff) +
                b"\x21" + struct.pack("<H", 2) + struct.pack("<H", 0xc1ff) + b"\x15" + bytes(10) + b"ijklmnopqrst\x00" +
                b"mysql_native_password\x00")
    login = (struct.pack("<I", 0x000aa28d & ~0x800) + struct.pack("<I", 1 << 24) + b"\x21" + bytes(23) + b"app\x00" +
             b"\x00" + b"shop\x00" + b"mysql_native_password\x00")
    query = b"\x03SELECT name FROM users WHERE id=1 UNION SELECT password FROM admins"
    c = Conversation(dport=3306, sport=45000).handshake()
    c.send(mysql_packet(0, greeting), from_client=False)
    c.send(mysql_packet(1, login))
    c.send(mysql_packet(2, b"\x07\x00\x00\x02\x00\x00\x00"), from_client=False)
    c.send(mysql_packet(0, query))
    expect("mysql COM_QUERY with UNION SELECT", rules, c.packets, {140: 1})


def case_xff():
    rules = 'alert http any any -> any any (msg:"xff"; http.uri; content:"/login"; sid:150; rev:1;)\n'
    # the client made up the first entry; the proxy in front appended the real one, the last
    req = b"GET /login HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: 198.51.100.66, 203.0.113.9\r\n\r\n"
    packets = http_request(80, req, sport=46000)
    alerts = expect("xff in the alert", rules, packets, {150: 1})
    check("alert http.xff is the client", alerts and alerts[0].get("http", {}).get("xff") == "203.0.113.9",
          str(alerts and alerts[0].get("http")))
    alerts = expect("behind a proxy", rules, packets, {150: 1}, extra=("--set", "app.behind_proxy=yes"))
    check("behind a proxy, src_ip is the client", alerts and alerts[0].get("src_ip") == "203.0.113.9"
          and eve_vigil(alerts[0]).get("proxy_ip") == "10.0.0.1" and "proxy_ip" not in alerts[0],
          str(alerts and alerts[0]))


# ET Open's executable download rules look for "MZ" at the body's start and
# "PE\0\0" where the DOS header's e_lfanew points.
EXE_RULE = ('alert http any any -> any any (msg:"ET-style PE EXE or DLL download"; flow:established,to_client; '
            'http.stat_code; content:"200"; file.data; content:"MZ"; within:2; byte_jump:4,58,relative,little; '
            'content:"PE|00 00|"; distance:-64; within:4; sid:160; rev:1;)\n')


def pe_file(size):
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    head = b"MZ" + b"\x90\x00" * 29 + struct.pack("<I", 0x80) + stub
    head += b"\x00" * (0x80 - len(head)) + b"PE\x00\x00" + b"\x4c\x01"
    return head + bytes((i * 7) & 0xff for i in range(size - len(head)))


def case_download_cut_by_capture_end():
    for name, sent in (("88 KB of 500 KB", 88 * 1024), ("10 KB of 500 KB", 10 * 1024)):
        c = Conversation(sport=47000).handshake()
        c.send(b"GET /setup.exe HTTP/1.1\r\nHost: dl.example\r\n\r\n")
        body = pe_file(512000)
        c.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 512000\r\n\r\n",
               from_client=False)
        part = body[:sent]
        sizes = [1448] * (len(part) // 1448) + [len(part) % 1448]
        c.send(part, from_client=False, segments=[n for n in sizes if n])
        expect(f"download cut by the end of the capture, {name}", EXE_RULE, c.packets, {160: 1})


def main():
    for case in (case_http_ports, case_http_evasions, case_tls, case_dns, case_mysql, case_xff,
                 case_download_cut_by_capture_end):
        case()
    print(f"{len(failures)} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
