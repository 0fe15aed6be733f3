#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One TCP connection that lives through an event (a fail-open, a restart
of vigil) and carries an attack afterwards. Used by lab_fail_open.sh and
lab_restart.sh.

  server ADDR PORT LOG
      Serves each connection on a thread of its own. A line "ECHO TEXT"
      is answered with "TEXT"; a line "SEND BYTES RATE SEED" with BYTES of
      deterministic data (SHA-256 counter blocks of SEED) at RATE bytes a
      second. Every byte received is appended to LOG, so the caller can
      tell what reached the server.

  hold ADDR PORT DIR
      Connects, echoes "before", creates DIR/connected, waits for
      DIR/resume, echoes "alive" (the connection survived), waits for
      DIR/attack, sends the attack line and waits 3 s for its echo.

  download ADDR PORT DIR BYTES RATE
      Connects, asks for BYTES at RATE and checks them (SHA-256 of the
      stream the server made); DIR/connected once the first bytes came.
      Then sends the attack on the same connection and waits 3 s.

The client prints one line per step, "pass TEXT" or "fail TEXT"
(the attack's line says "attack echoed" or "attack not echoed": which
one passes is the caller's call), and "gap MS" with the longest time
between two received pieces of the download.
"""
import hashlib
import os
import socket
import sys
import threading
import time

ATTACK = b"ECHO GET /cgi-bin/../../../../etc/passwd HTTP/1.0\n"


def stream_block(seed, index):
    return hashlib.sha256(b"%s:%d" % (seed.encode(), index)).digest() * 512  # 16 KB


def serve_connection(conn, log, lock):
    reader = conn.makefile("rb")
    try:
        for line in reader:
            with lock:
                log.write(line)
            words = line.split()
            if words[:1] == [b"ECHO"]:
                conn.sendall(line[5:])
            elif words[:1] == [b"SEND"] and len(words) == 4:
                send_stream(conn, int(words[1]), int(words[2]), words[3].decode())
    except OSError:
        pass
    conn.close()


def send_stream(conn, total, rate, seed):
    start = time.monotonic()
    sent, index = 0, 0
    while sent < total:
        block = stream_block(seed, index)[: total - sent]
        conn.sendall(block)
        sent += len(block)
        index += 1
        ahead = sent / rate - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)


def server(addr, port, log_path):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    log = open(log_path, "ab", buffering=0)
    lock = threading.Lock()
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve_connection, args=(conn, log, lock), daemon=True).start()


def report(ok, text):
    print(("pass " if ok else "fail ") + text, flush=True)


def wait_file(path, seconds):
    end = time.monotonic() + seconds
    while not os.path.exists(path):
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def echo(conn, text, seconds):
    """Send ECHO text; True when text comes back within seconds."""
    conn.sendall(b"ECHO " + text + b"\n")
    conn.settimeout(seconds)
    got = b""
    try:
        while not got.endswith(b"\n"):
            piece = conn.recv(4096)
            if not piece:
                break
            got += piece
    except socket.timeout:
        pass
    return got == text + b"\n"


def attack(conn):
    conn.sendall(ATTACK)
    conn.settimeout(3)
    try:
        got = conn.recv(4096)
    except (socket.timeout, ConnectionError):
        got = b""
    print("attack %s" % ("echoed" if got else "not echoed"), flush=True)


def hold(addr, port, folder):
    conn = socket.create_connection((addr, int(port)), timeout=10)
    report(echo(conn, b"before", 5), "connection up, echo before the event")
    open(os.path.join(folder, "connected"), "w").close()
    if not wait_file(os.path.join(folder, "resume"), 60):
        report(False, "no resume signal")
        return
    start = time.monotonic()
    ok = echo(conn, b"alive", 10)
    report(ok, "the same connection echoes after the event (%.0f ms)" %
           ((time.monotonic() - start) * 1000))
    if not wait_file(os.path.join(folder, "attack"), 60):
        report(False, "no attack signal")
        return
    attack(conn)


def download(addr, port, folder, total, rate):
    total, rate = int(total), int(rate)
    seed = "vigil-%d" % os.getpid()
    conn = socket.create_connection((addr, int(port)), timeout=10)
    conn.sendall(b"SEND %d %d %s\n" % (total, rate, seed.encode()))
    conn.settimeout(60)
    digest, expected = hashlib.sha256(), hashlib.sha256()
    index, received, gap, last, start = 0, 0, 0.0, None, time.monotonic()
    while received < total:
        try:
            piece = conn.recv(65536)
        except socket.timeout:
            break
        if not piece:
            break
        now = time.monotonic()
        if last is None:
            open(os.path.join(folder, "connected"), "w").close()
        else:
            gap = max(gap, now - last)
        last = now
        digest.update(piece)
        received += len(piece)
    while index * 16384 < total:
        expected.update(stream_block(seed, index)[: total - index * 16384])
        index += 1
    seconds = time.monotonic() - start
    report(received == total and digest.digest() == expected.digest(),
           "download: %d of %d bytes in %.1f s, sha256 %s" %
           (received, total, seconds,
            "identical" if digest.digest() == expected.digest() else "differs"))
    print("gap %.0f" % (gap * 1000), flush=True)
    open(os.path.join(folder, "downloaded"), "w").close()
    attack(conn)


def main():
    mode = sys.argv[1]
    if mode == "server":
        server(*sys.argv[2:5])
    elif mode == "hold":
        hold(*sys.argv[2:5])
    elif mode == "download":
        download(*sys.argv[2:7])
    else:
        sys.exit("usage: long_connection.py server|hold|download ...")


if __name__ == "__main__":
    main()
