# SPDX-License-Identifier: BSD-3-Clause
"""
Probes for the lab filter scenarios, run inside a namespace with
/usr/bin/python3:

  filter_probe.py serve ADDR PORT        answer every connection: read what
                                         comes (2 s at most), send "X", close
  filter_probe.py tls ADDR PORT SNI      a TLS ClientHello with that SNI
  filter_probe.py http ADDR PORT HOST [XFF]
                                         an HTTP request with that Host (and
                                         X-Forwarded-For)

A probe prints "reached" when the server answered (for TLS: the handshake
failed on the server's non-TLS answer) and "cut" when nothing came back
within 3 s or the connection was reset; it exits 0 either way.
"""
import socket
import ssl
import sys
import threading


def serve(addr, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((addr, port))
    listener.listen(16)

    def answer(conn):
        conn.settimeout(2)
        try:
            conn.recv(4096)
            conn.sendall(b"X\r\n")
        except OSError:
            pass
        conn.close()

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=answer, args=(conn,), daemon=True).start()


def connect(addr, port):
    sock = socket.create_connection((addr, port), timeout=3)
    sock.settimeout(3)
    return sock


def probe_tls(addr, port, sni):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        tls = ctx.wrap_socket(connect(addr, port), server_hostname=sni,
                              do_handshake_on_connect=False)
        tls.do_handshake()
    except ssl.SSLError:
        return "reached"
    except (socket.timeout, ConnectionError):
        return "cut"
    return "reached"


def probe_http(addr, port, host, xff=None):
    request = f"GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: probe\r\n"
    if xff:
        request += f"X-Forwarded-For: {xff}\r\n"
    request += "\r\n"
    try:
        sock = connect(addr, port)
        sock.sendall(request.encode())
        return "reached" if sock.recv(100) else "cut"
    except (socket.timeout, ConnectionError):
        return "cut"


def main():
    what, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if what == "serve":
        serve(addr, port)
    elif what == "tls":
        print(probe_tls(addr, port, sys.argv[4]))
    else:
        print(probe_http(addr, port, sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None))


main()
