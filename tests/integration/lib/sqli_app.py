# SPDX-License-Identifier: BSD-3-Clause
"""
A deliberately injectable web application for tests/integration/lab_sqlmap.sh:
Python's http.server over an in-memory sqlite3 database, run in the server
namespace so that sqlmap, in the client namespace, attacks it through vigil.

  sqli_app.py ADDR PORT LOG

  GET  /item?id=1                      WHERE id = <id>          (numeric)
  POST /login  user=alice&pass=secret  WHERE name = '<user>' AND pass = '<pass>'
  GET  /search?q=lamp                  WHERE item = ?           (bound: safe)

Both build their SQL by pasting the parameter in, and show the rows, the
row count and any sqlite error in the page, so sqlmap finds boolean, error,
UNION and stacked-query injections (sqlite has no sleep(); its time probes
are heavy queries). /search binds its parameter: sqlmap finds nothing
there and so sends every test of its level, the most varied of its
traffic. Every request is written to LOG as one JSON line with
the client's source port (the application answers HTTP/1.0 and closes, so
a port is one request while sqlmap runs: the scenario finds each request's
alert by it), the method, path and the decoded parameters (a POST's form and query). Which of them
are injection requests is for the scenario to judge.
"""
import json
import sqlite3
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SQLI_APP_ROWS = [(1, "alice", "secret", "lamp"), (2, "bob", "hunter2", "desk"), (3, "carol", "pw", "chair")]


def sqli_app_db():
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE users (id INTEGER, name TEXT, pass TEXT, item TEXT)")
    db.executemany("INSERT INTO users VALUES (?, ?, ?, ?)", SQLI_APP_ROWS)
    db.commit()
    return db


class SqliAppHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    db = None
    db_lock = threading.Lock()
    log = None

    def log_message(self, fmt, *args):  # the JSON log is ours
        pass

    def record(self, params):
        line = json.dumps({"port": self.client_address[1], "method": self.command,
                           "path": self.path.split("?", 1)[0], "params": params})
        with self.db_lock:
            self.log.write(line + "\n")
            self.log.flush()

    def query(self, sql):
        with self.db_lock:
            try:
                rows = self.db.execute(sql).fetchall()
                return "<br>".join(", ".join(str(c) for c in r) for r in rows[:20]) + f"<p>{len(rows)} rows"
            except Exception as e:  # the error in the page: error-based injection
                return f"<p>error: {type(e).__name__}: {e}"

    def answer(self, body):
        page = f"<html><body><h1>shop</h1>{body}</body></html>".encode("utf-8", "replace")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def do_GET(self):
        split = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        self.record(params)
        if split.path == "/search":
            with self.db_lock:
                rows = self.db.execute("SELECT name FROM users WHERE item = ?", (params.get("q", ""),)).fetchall()
            return self.answer(", ".join(r[0] for r in rows))
        if split.path != "/item":
            return self.answer("<a href='/item?id=1'>item</a>")
        self.answer(self.query(f"SELECT name, item FROM users WHERE id = {params.get('id', '1')}"))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)).decode("utf-8", "replace")
        # sqlmap puts some probes in the URL's query even of a POST
        query = urllib.parse.urlsplit(self.path).query
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        params.update(urllib.parse.parse_qsl(body, keep_blank_values=True))
        self.record(params)
        user, password = params.get("user", ""), params.get("pass", "")
        self.answer(self.query(f"SELECT id, item FROM users WHERE name = '{user}' AND pass = '{password}'"))


def main():
    addr, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    SqliAppHandler.db = sqli_app_db()
    SqliAppHandler.log = open(log, "a")
    server = ThreadingHTTPServer((addr, port), SqliAppHandler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
