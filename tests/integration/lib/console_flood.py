#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hold the console busy the way issue 12's lock-out did, for
tests/integration/lab_console_lockout.sh (run in the operator namespace).

First the certificate holders: VIEWERS sessions with the viewer certificate
and IDLE_ADMINS with the admin certificate, each asking `status` once (so it
is known to hold a session slot) and then staying silent. Then the flood:
PER_SOURCE unfinished handshakes from each of the SOURCES addresses (already
on the namespace's interface), half sending the first bytes of a
ClientHello, half nothing, all held open. When everything is open it writes
one JSON object to READY (sessions held, refused with the answer, flood
connections opened) and holds it all until it is killed, appending one JSON
line to READY.events for each session the console closes (its role, and how
long it had been idle).

  console_flood.py HOST PORT PKI_DIR READY VIEWERS IDLE_ADMINS PER_SOURCE SOURCE...
"""
import json
import os
import select
import socket
import ssl
import sys
import threading
import time

# A TLS 1.2 record header and ClientHello header announcing more than follows.
PARTIAL_HELLO = bytes.fromhex("16030100400100003c0303") + b"\x00" * 10


def session(host, port, pki, role):
    """A TLS session with ROLE's certificate that asked `status`: (socket, answer)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(f"{pki}/ca.crt")
    ctx.load_cert_chain(f"{pki}/{role}.crt", f"{pki}/{role}.key")
    raw = socket.create_connection((host, port), timeout=10)
    tls = ctx.wrap_socket(raw, server_hostname="vigil-lab")
    # A refused role is told so before any request; ask anyway and read one line.
    try:
        tls.sendall(b"status\n")
    except OSError:
        pass
    answer = b""
    try:
        while not answer.endswith(b"\n"):
            chunk = tls.recv(65536)
            if not chunk:
                break
            answer += chunk
    except OSError as e:
        answer += f" ({e})".encode()
    return tls, answer.decode(errors="replace").strip()


def flood_connect(host, port, addr, k):
    """One unfinished handshake from addr (k even: a partial ClientHello), or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((addr, 0))
    s.settimeout(5)
    try:
        s.connect((host, port))
        if k % 2 == 0:
            s.sendall(PARTIAL_HELLO)
        return s
    except OSError:
        s.close()
        return None


def main():
    host, port, pki, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    viewers, idle_admins, per_source = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    sources = sys.argv[8:]
    held, sessions, report = [], {}, {"viewers_held": 0, "admins_held": 0, "refused": [], "flood_open": 0}
    for role, count in (("viewer", viewers), ("admin", idle_admins)):
        for _ in range(count):
            try:
                tls, answer = session(host, port, pki, role)
            except OSError as e:
                report["refused"].append({"role": role, "answer": f"({e})"})
                continue
            if '"ok":true' in answer:
                report[f"{role}s_held"] += 1
                sessions[tls] = (role, time.monotonic())
            else:
                report["refused"].append({"role": role, "answer": answer[:200]})
                tls.close()
    flood = {}
    for k in range(per_source):
        for addr in sources:
            s = flood_connect(host, port, addr, k)
            report["flood_open"] += s is not None
            if s:
                flood[s] = (addr, k)
    with open(ready + ".tmp", "w") as f:
        json.dump(report, f)
    os.rename(ready + ".tmp", ready)
    hold(sessions, ready + ".events", flood if os.environ.get("FLOOD_REOPEN") else {}, host, port)


def hold(sessions, events, flood, host, port):
    """Until killed: note each session the console closes (on a thread of its
    own, so that a slow reconnection cannot delay the note); with FLOOD_REOPEN
    in the environment, open again each flood connection the console closes."""
    threading.Thread(target=watch_sessions, args=(sessions, events), daemon=True).start()
    while True:
        if not flood:
            time.sleep(60)
            continue
        readable, _, _ = select.select(list(flood), [], [], 1.0)
        for s in readable:
            addr, k = flood.pop(s)
            s.close()
            again = flood_connect(host, port, addr, k)
            if again:
                flood[again] = (addr, k)


def watch_sessions(sessions, events):
    while sessions:
        readable, _, _ = select.select(list(sessions), [], [], 1.0)
        for tls in readable:
            try:
                data = tls.recv(65536)
            except (OSError, ssl.SSLError):
                data = b""
            if data:
                continue
            role, since = sessions.pop(tls)
            with open(events, "a") as f:
                f.write(json.dumps({"role": role, "idle_s": round(time.monotonic() - since, 1)}) + "\n")
            tls.close()


if __name__ == "__main__":
    main()
