#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# A webhook receiver for the alert-sink scenarios: HTTPS (python's
# http.server with ssl) on ADDRESS:PORT with CERT and KEY; every POST body
# must be a JSON object with a string "text" and a list "alerts"; each
# alert is appended as one line to OUT, and the request answered 200. A
# body that is not such an object is answered 400 and counted in OUT.bad.
#
#   /usr/bin/python3 webhook_receiver.py ADDRESS PORT CERT KEY OUT
import http.server
import json
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        try:
            doc = json.loads(body)
            ok = isinstance(doc.get("text"), str) and isinstance(doc.get("alerts"), list)
        except ValueError:
            ok = False
        if ok:
            with open(self.server.out, "a") as f:
                for alert in doc["alerts"]:
                    f.write(json.dumps(alert) + "\n")
        else:
            with open(self.server.out + ".bad", "a") as f:
                f.write(repr(body[:200]) + "\n")
        self.send_response(200 if ok else 400)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    address, port, cert, key, out = sys.argv[1:6]
    server = http.server.HTTPServer((address, int(port)), Handler)
    server.out = out
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
