# SPDX-License-Identifier: BSD-3-Clause
#
# Many short TCP connections with data both ways, for the worker-scaling
# scenario (tests/integration/lab_two_workers.sh).
#
#   many_connections.py serve ADDR PORT SECONDS
#       echo server: for each connection, reads until the client has shut
#       its sending half, then sends back every byte it got, reversed, and
#       closes; serves for at most SECONDS.
#   many_connections.py connect ADDR PORT COUNT BYTES PARALLEL SECONDS
#       COUNT connections, PARALLEL at a time: each sends BYTES of random
#       data, shuts its sending half, reads the answer and checks it is
#       the data reversed. Prints one JSON object: {"ok": n, "failed": n,
#       "ports": [the client's source port of every connection that
#       completed], "errors": [the first few errors], "seconds": s}.
#       Gives up after SECONDS.
import json
import os
import socket
import sys
import threading
import time


def read_to_end(sock):
    """Every byte sock receives until the other side shuts its sending half."""
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def serve(addr, port, seconds):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((addr, port))
    listener.listen(1024)
    listener.settimeout(1.0)
    deadline = time.monotonic() + seconds

    def answer(conn):
        with conn:
            conn.settimeout(30)
            try:
                conn.sendall(read_to_end(conn)[::-1])
            except OSError:
                pass

    while time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=answer, args=(conn,), daemon=True).start()


def connect(addr, port, count, size, parallel, seconds):
    lock = threading.Lock()
    result = {"ok": 0, "failed": 0, "ports": [], "errors": []}
    next_index = [0]
    deadline = time.monotonic() + seconds

    def one():
        data = os.urandom(size)
        s = socket.create_connection((addr, port), timeout=20)
        try:
            sport = s.getsockname()[1]
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            back = read_to_end(s)
        finally:
            s.close()
        if back != data[::-1]:
            raise ValueError("port %d: %d bytes back of %d, not the data reversed" % (sport, len(back), size))
        return sport

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if next_index[0] >= count:
                    return
                next_index[0] += 1
            try:
                sport = one()
                with lock:
                    result["ok"] += 1
                    result["ports"].append(sport)
            except (OSError, ValueError) as e:
                with lock:
                    result["failed"] += 1
                    if len(result["errors"]) < 5:
                        result["errors"].append(str(e))

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result["failed"] += count - result["ok"] - result["failed"]
    result["seconds"] = round(time.monotonic() - start, 3)
    print(json.dumps(result))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif len(sys.argv) == 8 and sys.argv[1] == "connect":
        connect(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]),
                float(sys.argv[7]))
    else:
        sys.exit("usage: many_connections.py serve ADDR PORT SECONDS | "
                 "connect ADDR PORT COUNT BYTES PARALLEL SECONDS")


if __name__ == "__main__":
    main()
