#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# A webhook receiver for the alert-sink scenarios: HTTPS (python's
# http.server with ssl) on ADDRESS:PORT with CERT and KEY; every POST body
# must be a JSON object with a string "text" and a list "alerts"; each
# alert is appended as one line to OUT, and the request answered 200. A
# body that is not such an object is answered 400 and counted in OUT.bad.
#
# With --throttle N the first N POSTs are answered 429 with
# "Retry-After: S" (--retry-after S, default 2) and their alerts are not
# kept, as Slack does past its rate. Every request (throttled or not) is
# written as one JSON line to OUT.requests: its time, the status
# answered, the path, the Host header, the value of each --log-header
# header (missing: null), the number of alerts, the first one's timestamp
# and the summary text.
#
#   /usr/bin/python3 webhook_receiver.py ADDRESS PORT CERT KEY OUT
#       [--throttle N] [--retry-after S] [--log-header NAME ...]
import argparse
import http.server
import json
import ssl
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        try:
            doc = json.loads(body)
            ok = isinstance(doc.get("text"), str) and isinstance(doc.get("alerts"), list)
        except ValueError:
            doc, ok = None, False
        server.posts += 1
        throttled = ok and server.posts <= server.throttle
        status = 429 if throttled else 200 if ok else 400
        if ok and not throttled:
            with open(server.out, "a") as f:
                for alert in doc["alerts"]:
                    f.write(json.dumps(alert) + "\n")
        elif not ok:
            with open(server.out + ".bad", "a") as f:
                f.write(repr(body[:200]) + "\n")
        with open(server.out + ".requests", "a") as f:
            f.write(json.dumps({
                "time": time.time(),
                "status": status,
                "path": self.path,
                "host": self.headers.get("Host"),
                "headers": {name: self.headers.get(name) for name in server.log_headers},
                "alerts": len(doc["alerts"]) if ok else 0,
                "first": doc["alerts"][0].get("timestamp") if ok and doc["alerts"] else None,
                "text": doc["text"] if ok else None,
            }) + "\n")
        self.send_response(status)
        if throttled:
            self.send_header("Retry-After", str(server.retry_after))
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("port", type=int)
    parser.add_argument("cert")
    parser.add_argument("key")
    parser.add_argument("out")
    parser.add_argument("--throttle", type=int, default=0)
    parser.add_argument("--retry-after", type=int, default=2)
    parser.add_argument("--log-header", action="append", default=[])
    args = parser.parse_args()
    server = http.server.HTTPServer((args.address, args.port), Handler)
    server.out = args.out
    server.posts = 0
    server.throttle = args.throttle
    server.retry_after = args.retry_after
    server.log_headers = args.log_header
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
