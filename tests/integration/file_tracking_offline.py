#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: file tracking over HTTP end to end (issue 16). vigil runs offline
# on crafted downloads and uploads with the file keywords:
#   - a PDF download named by Content-Disposition: filename (any case),
#     fileext, filemagic, filesize and filemd5 (a hash list beside nothing:
#     an absolute path) each alert once; the ones that should not match do
#     not (another name, extension, magic, size, hash; negations);
#   - its fileinfo record carries the name, libmagic's description and the
#     MD5 (computed because a rule compares it, though [files] forces
#     nothing), state CLOSED, size and tx_id;
#   - a multipart upload of two files: the second's name alerts, each part
#     is a fileinfo record of its own;
#   - filestore with [files] store_dir: the matched download is written as
#     DIR/xx/SHA256 with its bytes and its record says stored; a second
#     file that would pass store_limit_mb (1 MB: two 700 KB files) is
#     refused, not written, and its record says stored false;
#   - a download the connection cuts short is TRUNCATED.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/file_tracking_offline.py
import hashlib
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import Conversation, check, finish, run, sid_counts  # noqa: E402

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"x" * 300


def download(port, path, body, disposition=None, cut=False):
    c = Conversation(sport=port).handshake()
    c.send(b"GET " + path + b" HTTP/1.1\r\nHost: files.example\r\n\r\n")
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
    if disposition:
        head += b'Content-Disposition: attachment; filename="' + disposition + b'"\r\n'
    length = len(body) + (100 if cut else 0)
    resp = head + b"Content-Length: " + str(length).encode() + b"\r\n\r\n" + body
    sizes = [1400] * (len(resp) // 1400) + ([len(resp) % 1400] if len(resp) % 1400 else [])
    c.send(resp, from_client=False, segments=sizes)
    c.packets.append(c._frame(False, "FA", c.sseq, c.cseq))
    c.packets.append(c._frame(True, "FA", c.cseq, c.sseq + 1))
    return c.packets


def upload(port):
    body = (b"--XB\r\nContent-Disposition: form-data; name=\"a\"; filename=\"AAAApicture1.jpg\"\r\n\r\n"
            b"filecontent\r\n--XB\r\nContent-Disposition: form-data; name=\"b\"; filename=\"BBBBpicture2.jpg\"\r\n\r\n"
            b"filecontent2\r\n--XB--\r\n")
    c = Conversation(sport=port).handshake()
    c.send(b"POST /upload.cgi HTTP/1.1\r\nHost: files.example\r\nContent-Type: multipart/form-data; boundary=XB\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", from_client=False)
    return c.packets


def main():
    work = tempfile.mkdtemp(prefix="vigil-files-")
    md5_list = os.path.join(work, "bad.md5")
    with open(md5_list, "w") as f:
        f.write("# known bad\n" + hashlib.md5(PDF).hexdigest() + "\n")
    store = os.path.join(work, "store")
    rules = "".join(r + "\n" for r in [
        'alert http any any -> any any (msg:"name"; filename:"R.PDF"; sid:1;)',
        'alert http any any -> any any (msg:"other name"; filename:"s.pdf"; sid:2;)',
        'alert http any any -> any any (msg:"ext"; fileext:"pdf"; sid:3;)',
        'alert http any any -> any any (msg:"other ext"; fileext:"exe"; sid:4;)',
        'alert http any any -> any any (msg:"magic"; filemagic:"PDF document"; sid:5;)',
        'alert http any any -> any any (msg:"not magic"; filemagic:!"PDF"; filename:"r.pdf"; sid:6;)',
        f'alert http any any -> any any (msg:"size"; filesize:{len(PDF)}; filename:"r.pdf"; sid:7;)',
        'alert http any any -> any any (msg:"small"; filesize:<10; filename:"r.pdf"; sid:8;)',
        f'alert http any any -> any any (msg:"md5"; filemd5:{md5_list}; sid:9;)',
        f'alert http any any -> any any (msg:"not md5"; filemd5:!{md5_list}; filename:"r.pdf"; sid:10;)',
        'alert http any any -> any any (msg:"upload"; content:"POST"; http_method; filename:"BBBBpicture"; sid:11;)',
        'alert http any any -> any any (msg:"store big"; file.name; content:"/big"; startswith; filestore; sid:12;)',
    ])
    big_a, big_b = b"A" * 700 * 1024, b"B" * 700 * 1024
    packets = download(42000, b"/dl/r.pdf", PDF, disposition=b"r.pdf")
    packets += upload(42001)
    packets += download(42002, b"/big1.bin", big_a)
    packets += download(42003, b"/big2.bin", big_b)
    packets += download(42004, b"/cut.bin", b"partial", cut=True)
    rc, events, _frames, err = run(rules, packets, records=True,
                                   extra=["--set", f"files.store_dir={store}", "--set", "files.store_limit_mb=1"])
    check("vigil ran", rc == 0, err[-300:])
    counts = sid_counts(events)
    for sid in (1, 3, 5, 7, 9, 11):
        check(f"sid {sid} alerts once", counts.get(sid, 0) == 1, f"alerts by sid: {counts}")
    for sid in (2, 4, 6, 8, 10):
        check(f"sid {sid} does not alert", counts.get(sid, 0) == 0, f"alerts by sid: {counts}")
    check("filestore rule alerts on both big files", counts.get(12, 0) == 2, f"alerts by sid: {counts}")
    files = [e for e in events if e.get("event_type") == "fileinfo"]
    by_name = {e["fileinfo"]["filename"]: e["fileinfo"] for e in files}
    pdf = by_name.get("r.pdf", {})
    check(f"the PDF's record ({pdf})", pdf.get("state") == "CLOSED" and pdf.get("size") == len(PDF)
          and "PDF document" in pdf.get("magic", "") and pdf.get("md5") == hashlib.md5(PDF).hexdigest()
          and pdf.get("tx_id") == 0 and pdf.get("stored") is False)
    check("each uploaded file is a record", "AAAApicture1.jpg" in by_name and "BBBBpicture2.jpg" in by_name
          and by_name["BBBBpicture2.jpg"].get("size") == len(b"filecontent2"), str(sorted(by_name)))
    check("the upload's body itself is no file", "/upload.cgi" not in by_name, str(sorted(by_name)))
    a, b = by_name.get("/big1.bin", {}), by_name.get("/big2.bin", {})
    sha_a = hashlib.sha256(big_a).hexdigest()
    stored_path = os.path.join(store, sha_a[:2], sha_a)
    check("the first big file is stored as DIR/xx/SHA256", a.get("stored") is True and os.path.exists(stored_path)
          and os.path.getsize(stored_path) == len(big_a), str(a))
    sha_b = hashlib.sha256(big_b).hexdigest()
    check("the second passes the store's bound: refused", b.get("stored") is False
          and not os.path.exists(os.path.join(store, sha_b[:2], sha_b)), str(b))
    cut = by_name.get("/cut.bin", {})
    check(f"a download cut short is TRUNCATED ({cut})", cut.get("state") == "TRUNCATED" and cut.get("size") == 7)
    for root, dirs, names in os.walk(work, topdown=False):
        for n in names:
            os.unlink(os.path.join(root, n))
        for d in dirs:
            os.rmdir(os.path.join(root, d))
    os.rmdir(work)
    finish("file_tracking_offline")


if __name__ == "__main__":
    main()
