#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: a file hidden behind a Content-Encoding a browser decodes is
# still inspected (http-evader's class of evasions, each in more variants
# than its cases). Each case is one HTTP download on the offline board
# whose body carries the EICAR test string compressed, and a rule on
# file_data for it: it must alert once. Classes:
#  - the coding's name bent: junk bytes inside or around it (NUL, vertical
#    tab, form feed, 0xa0, ';', ':'), other white space, an unknown token
#    beside it, a space before the header's colon, a repeated header;
#  - the gzip header bent: reserved flag bits, a header CRC that does not
#    match, extra, name and comment fields, a wrong trailer, two members;
#  - the wrong wrapper for the label (zlib or raw deflate under "gzip",
#    raw deflate under "deflate"), and three layers ("deflate", "gzip",
#    "deflate" as three headers).
# Then the same body sent plain with no coding alerts too, and a body that
# is not compressed but labelled gzip (inspected as sent) alerts as well.
# Every download is also one EVE fileinfo record: the name Content-
# Disposition gives (eicar.txt), state CLOSED, the decoded size, and the
# transaction's http object; a download without the header is named by the
# request's path ("/eicar.txt"), as Suricata names it.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/http_encoding_offline.py
import os
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import Conversation, check, finish, run, sid_counts  # noqa: E402

RULES = ('alert http any any -> any any (msg:"EICAR in a response body"; flow:to_client,established; '
         'file_data; content:"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"; sid:1; rev:1;)\n')
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def deflate_raw(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zlib_wrapped(data):
    return zlib.compress(data, 9)


def gzip_member(data, flags=0, fields=b"", trailer=None):
    """A gzip member written by hand: FLG as given, its optional fields, raw deflate, a trailer."""
    body = deflate_raw(data)
    if trailer is None:
        trailer = (zlib.crc32(data) & 0xffffffff).to_bytes(4, "little") + len(data).to_bytes(4, "little")
    return bytes([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]) + fields + body + trailer


def response(headers, body, disposition=True):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
    if disposition:
        head += b'Content-Disposition: attachment; filename="eicar.txt"\r\n'
    head += b"".join(h + b"\r\n" for h in headers)
    head += b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    return head + body


def conversation(resp, port):
    c = Conversation(sport=port).handshake()
    c.send(b"GET /eicar.txt HTTP/1.1\r\nHost: evader.example.com\r\n\r\n")
    c.send(resp, from_client=False, segments=[min(len(resp), 700)] + ([len(resp) - 700] if len(resp) > 700 else []))
    return c.packets


GZ = gzip_member(EICAR)
RAW = deflate_raw(EICAR)

CASES = [
    # the coding's name
    ("Content-Encoding: gz\\0ip", [b"Content-Encoding: gz\x00ip"], GZ),
    ("Content-Encoding:\\0gzip", [b"Content-Encoding:\x00gzip"], GZ),
    ("Content-Encoding: gzip\\0", [b"Content-Encoding: gzip\x00"], GZ),
    ("Content-Encoding:\\x0bgzip", [b"Content-Encoding:\x0bgzip"], GZ),
    ("Content-Encoding:\\x0cgzip", [b"Content-Encoding:\x0cgzip"], GZ),
    ("Content-Encoding:\\xa0gzip", [b"Content-Encoding:\xa0gzip"], GZ),
    ("Content-Encoding: gzip\\xa0", [b"Content-Encoding: gzip\xa0"], GZ),
    ("Content-Encoding: gzip;", [b"Content-Encoding: gzip;"], GZ),
    ("Content-Encoding:: gzip", [b"Content-Encoding:: gzip"], GZ),
    ("Content-Encoding: gzip x", [b"Content-Encoding: gzip x"], GZ),
    ("Content-Encoding: x gzip", [b"Content-Encoding: x gzip"], GZ),
    ("Content-Encoding: br, gzip", [b"Content-Encoding: br, gzip"], GZ),
    ("Content-Encoding : gzip", [b"Content-Encoding : gzip"], GZ),
    ("Content-Encoding: GZip", [b"Content-Encoding: GZip"], GZ),
    ("Content-Encoding: def\\0late (raw)", [b"Content-Encoding: def\x00late"], RAW),
    ("Content-Encoding: deflate; (raw)", [b"Content-Encoding: deflate;"], RAW),
    ("Content-Encoding:\\xa0deflate (zlib)", [b"Content-Encoding:\xa0deflate"], zlib_wrapped(EICAR)),
    # the gzip header
    ("gzip, reserved flag 0x20", [b"Content-Encoding: gzip"], gzip_member(EICAR, 0x20)),
    ("gzip, reserved flag 0x40", [b"Content-Encoding: gzip"], gzip_member(EICAR, 0x40)),
    ("gzip, reserved flag 0x80", [b"Content-Encoding: gzip"], gzip_member(EICAR, 0x80)),
    ("gzip, FHCRC wrong", [b"Content-Encoding: gzip"], gzip_member(EICAR, 0x02, b"\x00\x00")),
    ("gzip, FEXTRA", [b"Content-Encoding: gzip"], gzip_member(EICAR, 0x04, b"\x04\x00abcd")),
    ("gzip, FNAME and FCOMMENT", [b"Content-Encoding: gzip"],
     gzip_member(EICAR, 0x18, b"eicar.txt\x00a comment\x00")),
    ("gzip, every field and a reserved bit", [b"Content-Encoding: gzip"],
     gzip_member(EICAR, 0x3e, b"\x02\x00xyname\x00c\x00\x12\x34")),
    ("gzip, wrong trailer", [b"Content-Encoding: gzip"], gzip_member(EICAR, 0, b"", b"\xff" * 8)),
    ("gzip, split across two members", [b"Content-Encoding: gzip"],
     gzip_member(EICAR[:30], 0x40) + gzip_member(EICAR[30:], 0x02, b"\xff\xff")),
    # the wrapper and the layers
    ("gzip label on zlib", [b"Content-Encoding: gzip"], zlib_wrapped(EICAR)),
    ("gzip label on raw deflate", [b"Content-Encoding: gzip"], RAW),
    ("three layers in three headers",
     [b"Content-Encoding: deflate", b"Content-Encoding: gzip", b"Content-Encoding: deflate"],
     zlib_wrapped(gzip_member(deflate_raw(EICAR)))),
    ("two layers, one header", [b"Content-Encoding: gzip, gzip"], gzip_member(gzip_member(EICAR))),
    # baselines
    ("no coding", [], EICAR),
    ("labelled gzip, sent plain", [b"Content-Encoding: gzip"], EICAR),
]


def main():
    packets, port = [], 41000
    for _name, headers, body in CASES:
        packets += conversation(response(headers, body), port)
        port += 1
    packets += conversation(response([], EICAR, disposition=False), 41000 + len(CASES))
    rc, events, _frames, err = run(RULES, packets, records=True)
    check("vigil ran the downloads", rc == 0, err[-300:])
    files = {e["src_port"]: e for e in events if e.get("event_type") == "fileinfo"}
    named = [p for p, e in files.items() if p < 41000 + len(CASES) and e["fileinfo"].get("filename") == "eicar.txt"
             and e["fileinfo"].get("state") == "CLOSED" and e.get("http", {}).get("hostname") == "evader.example.com"
             and e.get("http", {}).get("http_method") == "GET"]
    check(f"one fileinfo record per download named by Content-Disposition ({len(named)} of {len(CASES)})",
          len(named) == len(CASES) and len(files) == len(CASES) + 1)
    plain = files.get(41000 + len(CASES), {}).get("fileinfo", {})
    # Suricata names such a file by the request's whole path ("/cgi-bin/x.cgi" in its
    # decode-teredo-01 case), not its last segment
    check(f"no Content-Disposition: named by the path ({plain})",
          plain.get("filename") == "/eicar.txt" and plain.get("size") == len(EICAR))
    by_port = {}
    for e in events:
        if e.get("event_type") == "alert" and e["alert"]["signature_id"] == 1:
            by_port[e["dest_port"]] = by_port.get(e["dest_port"], 0) + 1
    detected = 0
    for i, (name, _headers, _body) in enumerate(CASES):
        got = by_port.get(41000 + i, 0)
        detected += got == 1
        check(f"{name}: {got} alert(s)", got == 1, "want 1")
    print(f"{detected} detected of {len(CASES)} (alerts by sid: {sid_counts(events)})")
    finish("http_encoding_offline")


if __name__ == "__main__":
    main()
