#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# The server side of lab_stream_agreement: a plain Linux TCP server (the
# kernel's own reassembly, urgent data out of band as by default) that
# records what its application received on each connection: DIR/PORT.bin
# (the bytes, PORT being the client's port), then DIR/PORT.done once the
# connection has ended (closed, reset, or idle for IDLE_S).
#
# usage: agreement_server.py ADDR PORT DIR
import os
import socket
import sys
import threading

IDLE_S = 2.0


def serve(conn, peer_port, out_dir):
    conn.settimeout(IDLE_S)
    got = b""
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            got += data
    except OSError:
        pass  # reset, or idle: what came before stays recorded
    conn.close()
    with open(os.path.join(out_dir, f"{peer_port}.bin"), "wb") as f:
        f.write(got)
    with open(os.path.join(out_dir, f"{peer_port}.done"), "w"):
        pass


def main():
    addr, port, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((addr, port))
    listener.listen(64)
    while True:
        conn, peer = listener.accept()
        threading.Thread(target=serve, args=(conn, peer[1], out_dir), daemon=True).start()


if __name__ == "__main__":
    main()
