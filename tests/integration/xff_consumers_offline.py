#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: every consumer of the client behind a proxy sees the same
# client, whatever form the proxy wrote it in. Complete HTTP sessions come
# from the proxy 10.0.0.50, each naming its client in one form:
#   X-Forwarded-For: 192.0.2.1                  IPv4
#   X-Forwarded-For: 192.0.2.2:8080             IPv4 and a port
#   X-Forwarded-For: [2001:db8::3]:443          bracketed IPv6 and a port
#   X-Forwarded-For: 2001:db8::4                bare IPv6
#   Forwarded: for=192.0.2.5                    RFC 7239
#   Forwarded: for="[2001:db8::6]:80"           RFC 7239, quoted IPv6 and a port
#   X-Forwarded-For: 198.51.100.66, 10.9.9.9, 192.0.2.7     several hops: the last
#   Forwarded: for=198.51.100.67, for="[2001:db8::8]"       several elements: the last
# and four consumers must each find that client:
# - EVE: with --set app.behind_proxy=yes an alert's src_ip is the client
#   (no port) and vigil's proxy_ip (metadata.flowints.vigil) the proxy;
#   http.xff keeps the hop as written;
# - the filter: "xff deny @clients" with every client in the set drops
#   every request and the rest of its flow (filter.denied.xff in
#   --stats-json), not a request from a client outside it;
# - the rate limit: "ratelimit http_requests 2/s per xff" blocks each
#   client on its third request and lists it in rate_limit.blocked[];
# - the policy: "except sid 1 xff PREFIX" silences the rule for each client
#   while a client outside (behind a made-up first hop inside PREFIX) still
#   alerts.
# Before xff.c, EVE kept the proxy as src_ip for "192.0.2.2:8080" and the
# bracketed forms, and every consumer took the first of several hops.
#
# Run alone (root, repo root, after make): /usr/bin/python3 tests/integration/xff_consumers_offline.py
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from offline import Conversation, eve_vigil, run  # noqa: E402

PROXY = "10.0.0.50"
# (name, header line, client, http.xff as EVE shows it)
FORMS = [
    ("v4", "X-Forwarded-For: 192.0.2.1", "192.0.2.1", "192.0.2.1"),
    ("v4-port", "X-Forwarded-For: 192.0.2.2:8080", "192.0.2.2", "192.0.2.2:8080"),
    ("v6-bracket-port", "X-Forwarded-For: [2001:db8::3]:443", "2001:db8::3", "[2001:db8::3]:443"),
    ("v6-bare", "X-Forwarded-For: 2001:db8::4", "2001:db8::4", "2001:db8::4"),
    ("forwarded-v4", "Forwarded: for=192.0.2.5", "192.0.2.5", "192.0.2.5"),
    ("forwarded-v6", 'Forwarded: for="[2001:db8::6]:80"', "2001:db8::6", "2001:db8::6"),
    ("multi-hop", "X-Forwarded-For: 198.51.100.66, 10.9.9.9, 192.0.2.7", "192.0.2.7", "192.0.2.7"),
    ("forwarded-multi", 'Forwarded: for=198.51.100.67, for="[2001:db8::8]"', "2001:db8::8",
     "2001:db8::8"),
]
# A client outside every set and prefix, behind a made-up first hop that is inside them.
OUTSIDER = ("outsider", "X-Forwarded-For: 192.0.2.200, 198.51.100.9", "198.51.100.9", "198.51.100.9")

RULES = ('alert http any any -> any any (msg:"probe"; flow:to_server,established; http.uri; '
         'content:"/probe/"; sid:1; rev:1;)\n')

failures = []
WORK = tempfile.mkdtemp(prefix="vigil-xff-")


def check(what, ok, detail=""):
    print(("ok: " if ok else "FAIL: ") + what + ("" if ok else f" ({detail})"))
    if not ok:
        failures.append(what)


def write(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def session(form, sport, t0, n=0):
    """One complete HTTP session through the proxy, its request marked /probe/NAME/N."""
    name, header = form[0], form[1]
    c = Conversation(client=PROXY, sport=sport, t0=t0).handshake()
    c.send(b"GET /probe/%s/%d HTTP/1.1\r\nHost: shop.example\r\n%s\r\n\r\n" % (name.encode(), n, header.encode()))
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", from_client=False)
    return c.packets


def passed(frames, form, n=0):
    marker = b"GET /probe/%s/%d " % (form[0].encode(), n)
    return any(marker in f for f in frames)


def all_sessions():
    packets = []
    for i, form in enumerate(FORMS + [OUTSIDER]):
        packets += session(form, 41000 + i, 1700000000.0 + i)
    return packets


def stats_of(path):
    with open(path) as f:
        return json.load(f)


def case_eve_src_ip():
    rc, alerts, _f, err = run(RULES, all_sessions(), "ids", extra=["--set", "app.behind_proxy=yes"])
    check("eve: vigil exits 0", rc == 0, err[-300:])
    by_name = {a.get("http", {}).get("url", "").split("/")[2]: a for a in alerts
               if a.get("event_type") == "alert"}
    for name, _h, client, text in FORMS + [OUTSIDER]:
        a = by_name.get(name, {})
        # the proxy is vigil's own field (Suricata's schema has no top-level proxy_ip)
        check(f"eve {name}: src_ip is the client {client}, vigil's proxy_ip the proxy",
              a.get("src_ip") == client and eve_vigil(a).get("proxy_ip") == PROXY and
              "proxy_ip" not in a,
              {"src_ip": a.get("src_ip"), "vigil": eve_vigil(a)})
        check(f"eve {name}: http.xff is the hop as written", a.get("http", {}).get("xff") == text,
              a.get("http"))


def case_filter_xff_deny():
    clients = " ".join(form[2] for form in FORMS)
    filt = write("clients.filter", f"ipset clients {clients}\nxff deny @clients\n")
    stats = os.path.join(WORK, "filter.json")
    rc, _a, frames, err = run(RULES, all_sessions(), "ips", extra=["--filter", filt, "--stats-json", stats])
    check("filter: vigil exits 0", rc == 0, err[-300:])
    for form in FORMS:
        check(f"filter {form[0]}: the request of {form[2]} is denied", not passed(frames, form))
    check("filter: the client outside the set passes (a made-up first hop in it does not matter)",
          passed(frames, OUTSIDER))
    denied = stats_of(stats).get("filter", {}).get("denied", {})
    # per denied flow its request and the response after it (the deny holds for the flow)
    check(f"filter: the {len(FORMS)} flows' packets denied as xff", denied.get("xff") == 2 * len(FORMS),
          denied)


def case_rate_limit():
    packets = []
    for i, form in enumerate(FORMS + [OUTSIDER]):
        for n in range(3 if form is not OUTSIDER else 2):  # three requests in 30 ms
            packets += session(form, 42000 + 10 * i + n, 1700000000.0 + i + n * 0.01, n)
    packets.sort(key=lambda p: p.time)
    policy = write("rate.policy", "ratelimit http_requests 2/s per xff block 30s\n")
    stats = os.path.join(WORK, "rate.json")
    rc, _a, frames, err = run(RULES, packets, "ips", extra=["--policy", policy, "--stats-json", stats])
    check("rate limit: vigil exits 0", rc == 0, err[-300:])
    for form in FORMS:
        got = [n for n in range(3) if passed(frames, form, n)]
        check(f"rate limit {form[0]}: the first two requests of {form[2]} pass, the third is dropped",
              got == [0, 1], got)
    check("rate limit: the outsider's two requests pass", [passed(frames, OUTSIDER, n) for n in range(2)] == [True] * 2)
    blocked = sorted((b["address"], b["key"]) for b in stats_of(stats)["rate_limit"]["blocked"])
    want = sorted((form[2], "xff") for form in FORMS)
    check("rate limit: blocked[] lists each client as an X-Forwarded-For client", blocked == want, blocked)


def case_policy_exception():
    policy = write("except.policy", "except sid 1 xff 192.0.2.0/24\nexcept sid 1 xff 2001:db8::/32\n")
    rc, alerts, _f, err = run(RULES, all_sessions(), "ids", extra=["--policy", policy])
    check("exception: vigil exits 0", rc == 0, err[-300:])
    urls = sorted(a.get("http", {}).get("url") for a in alerts if a.get("event_type") == "alert")
    check("exception: every client in the prefixes is excepted, only the outsider alerts",
          urls == ["/probe/outsider/0"], urls)


def main():
    case_eve_src_ip()
    case_filter_xff_deny()
    case_rate_limit()
    case_policy_exception()
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
