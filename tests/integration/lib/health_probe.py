# SPDX-License-Identifier: BSD-3-Clause
"""
Health-check probes for tests/integration/lab_health.sh, run inside the
client namespace with /usr/bin/python3, as a load balancer would probe:

  health_probe.py wait ADDR TCP_PORT HTTP_PORT SECONDS
      until one TCP probe connects and one HTTP probe gets 200 (exit 0),
      for at most SECONDS (exit 1)
  health_probe.py stall ADDR TCP_PORT HTTP_PORT STALL_MS CTL...
      probe; one second in, run CTL... (vigilctl asking for
      `debug stall-worker N STALL_MS`) and take the stall's start from its
      answer (requested_at_ms); go on until 2.5 s after the stall's end
  health_probe.py hold ADDR TCP_PORT HTTP_PORT N CTL...
      hold N connections to the HTTP port that send half a request and
      then nothing (slow clients); meanwhile HTTP probes must still get
      200 and CTL... (vigilctl status) must answer
  health_probe.py sigterm ADDR TCP_PORT HTTP_PORT PID
      probe; one second in, send SIGTERM to PID; go on 1.5 s

PROBERS TCP and as many HTTP probers run side by side, each probing again
20 ms after its last answer, each connection from its own source port:
with two workers, RSS gives each connection to one of them, and one on
the stalled worker gets no answer at all, so the probers that land on
the other show what the appliance's verdict is (503, refused), probe by
probe. A TCP probe is "ok" (connected), "refused" (RST) or "timeout"; an
HTTP probe is the status code or how it failed; either takes at most
2 * TIMEOUT_S. Times are CLOCK_MONOTONIC milliseconds (time.monotonic), vigil's clock.

stall, hold and sigterm print one line per check, "pass TEXT" or "fail TEXT",
for the scenario to report, and every probe to stderr.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

PROBERS = 6
TIMEOUT_S = 0.4  # generous: a busy 2-core CI machine answers slowly, and a healthy check must pass
PAUSE_S = 0.02
LONGEST_MS = 2 * TIMEOUT_S * 1000  # a probe started this long before an event cannot see it
FAILING_WITHIN_MS = 1000  # the issue: failing within 1 s of a stall
RECOVERED_WITHIN_MS = 1000
SIGTERM_GRACE_MS = 50  # a probe begun just before SIGTERM may still pass


def now_ms():
    return time.monotonic() * 1000


def probe_socket(addr, port, talk):
    """Connect to addr:port within TIMEOUT_S, then talk(socket, deadline) says the result."""
    deadline = time.monotonic() + 2 * TIMEOUT_S
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT_S)
    try:
        s.connect((addr, port))
        return talk(s, deadline)
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return type(e).__name__
    finally:
        s.close()


def tcp_probe(addr, port):
    return probe_socket(addr, port, lambda s, deadline: "ok")


def http_probe(addr, port):
    def talk(s, deadline):
        s.sendall(b"GET / HTTP/1.1\r\nHost: " + addr.encode() +
                  b"\r\nUser-Agent: lab-health\r\nConnection: close\r\n\r\n")
        data = b""
        while len(data) < 4096:
            s.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        m = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
        return m.group(1).decode() if m else "junk"

    return probe_socket(addr, port, talk)


def probe_for(addr, tcp_port, http_port, seconds, event_at_s, event):
    """Every prober for seconds; event() once, event_at_s in.

    Returns the probes: (start_ms, "tcp" or "http", result, prober), in start order."""
    probes, lock, end = [], threading.Lock(), now_ms() + seconds * 1000

    def prober(kind, probe, port, who):
        while now_ms() < end:
            start = now_ms()
            result = probe(addr, port)
            with lock:
                probes.append((start, kind, result, who))
            time.sleep(PAUSE_S)

    threads = [threading.Thread(target=prober, args=("tcp", tcp_probe, tcp_port, i))
               for i in range(PROBERS)]
    threads += [threading.Thread(target=prober, args=("http", http_probe, http_port, PROBERS + i))
                for i in range(PROBERS)]
    for t in threads:
        t.start()
    time.sleep(event_at_s)
    event()
    for t in threads:
        t.join()
    probes.sort()
    for p in probes:
        print("%.0f %s %s (prober %d)" % p, file=sys.stderr)
    return probes


def good(p):
    return p[2] == ("ok" if p[1] == "tcp" else "200")


def say(ok, text):
    print(("pass " if ok else "fail ") + text, flush=True)


def failed_twice(probes):
    """The probes that failed right after a failure of the same prober: what
    a balancer, whose unhealthy threshold is two failures in a row or more,
    would act on (one slow answer on a busy machine is not a verdict)."""
    last, twice = {}, []
    for p in sorted(probes):
        if not good(p) and last.get(p[3]) is False:
            twice.append(p)
        last[p[3]] = good(p)
    return twice


def check_before(probes, t0):
    """Healthy before t0 as a balancer judges it: no prober failed twice in a row."""
    before = [p for p in probes if p[0] + LONGEST_MS < t0]
    bad = [p for p in before if not good(p)]
    in_a_row = failed_twice(before)
    say(len(before) >= 10 and not in_a_row,
        "before: %d probe(s), every TCP probe connected and every HTTP probe got 200%s" %
        (len(before), "" if not bad else " but %d (never two in a row): %s" % (len(bad), bad[:3])))


def cmd_wait(addr, tcp_port, http_port, seconds):
    end = now_ms() + seconds * 1000
    while now_ms() < end:
        if tcp_probe(addr, tcp_port) == "ok" and http_probe(addr, http_port) == "200":
            return 0
        time.sleep(0.1)
    return 1


def cmd_stall(addr, tcp_port, http_port, stall_ms, ctl):
    answer = {}

    def ask():
        def run():
            out = subprocess.run(ctl, capture_output=True, text=True, timeout=20)
            answer["text"] = out.stdout + out.stderr
        threading.Thread(target=run, daemon=True).start()

    probes = probe_for(addr, tcp_port, http_port, 1 + stall_ms / 1000 + 2.5, 1, ask)
    m = re.search(r'"requested_at_ms":(\d+)', answer.get("text", ""))
    if not m:
        say(False, "debug stall-worker: %s" % answer.get("text", "no answer").strip())
        return
    t0 = int(m.group(1))
    t1 = t0 + stall_ms
    check_before(probes, t0)
    for kind, verdict in (("tcp", "refused"), ("http", "503")):
        during = [p for p in probes if p[1] == kind and t0 <= p[0] < t1 - LONGEST_MS]
        last_ok = max((p[0] - t0 for p in during if good(p)), default=None)
        first = min((p[0] - t0 for p in during if p[2] == verdict), default=None)
        # failing = no probe succeeds from 1 s on (those landing on the
        # stalled worker get no answer at all, which a balancer counts as a
        # failure too); the appliance's own verdict must show in the stall
        say(first is not None and (last_ok is None or last_ok < FAILING_WITHIN_MS),
            "%s check failing within 1 s of the stall and until its end: first %s at +%s ms, "
            "last %s at +%s ms, %d probe(s) answered %s" %
            (kind.upper(), verdict, "never" if first is None else "%.0f" % first,
             "success", "none" if last_ok is None else "%.0f" % last_ok,
             sum(p[2] == verdict for p in during), verdict))
    after = [p for p in probes if p[0] >= t1]
    back = next((p[0] - t1 for p in after if good(p)), None)
    bad = failed_twice([p for p in after if back is not None and p[0] - t1 >= back + LONGEST_MS])
    say(back is not None and back <= RECOVERED_WITHIN_MS and not bad,
        "healthy again %s ms after the stall ended, and stayed%s (want <= %d)" %
        ("never" if back is None else "%.0f" % back, "" if not bad else ": not %s" % bad[:3],
         RECOVERED_WITHIN_MS))


def cmd_hold(addr, http_port, count, ctl):
    held = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(1)
        try:
            s.connect((addr, http_port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: slow")
        except OSError:
            pass
        held.append(s)
    results = []
    for _ in range(5):
        start = now_ms()
        results.append((http_probe(addr, http_port), now_ms() - start))
        time.sleep(0.1)
    start = now_ms()
    out = subprocess.run(ctl, capture_output=True, text=True, timeout=20)
    ctl_ms = now_ms() - start
    for s in held:
        s.close()
    # as a balancer judges: never two failures in a row (the first probe
    # may meet the listener still shedding the slow clients' connections)
    codes = [r for r, _ in results]
    say(sum(r == "200" for r in codes) >= len(codes) - 1 and
        not any(a != "200" and b != "200" for a, b in zip(codes, codes[1:])),
        "with %d slow clients holding the HTTP port, probes still answered: %s" %
        (count, ", ".join("%s in %.0f ms" % r for r in results)))
    say(out.returncode == 0, "and the console answered status in %.0f ms%s" %
        (ctl_ms, "" if out.returncode == 0 else ": " + (out.stdout + out.stderr).strip()[:200]))


def cmd_sigterm(addr, tcp_port, http_port, pid):
    sent = {}

    def term():
        sent["at"] = now_ms()
        os.kill(pid, signal.SIGTERM)

    probes = probe_for(addr, tcp_port, http_port, 2.5, 1, term)
    t0 = sent["at"]
    check_before(probes, t0)
    late = [p for p in probes if p[0] >= t0 + SIGTERM_GRACE_MS]
    passed = [p for p in late if good(p)]
    last_ok = max((p[0] - t0 for p in probes if p[0] >= t0 and good(p)), default=None)
    say(late and not passed,
        "after SIGTERM: %d probe(s) from +%d ms on, every one failing (last success started "
        "at %s)%s" % (len(late), SIGTERM_GRACE_MS,
                      "none" if last_ok is None else "+%.0f ms" % last_ok,
                      "" if not passed else "; but %s" % passed[:3]))


def main(argv):
    mode, addr, tcp_port, http_port = argv[1], argv[2], int(argv[3]), int(argv[4])
    if mode == "wait":
        return cmd_wait(addr, tcp_port, http_port, float(argv[5]))
    if mode == "stall":
        cmd_stall(addr, tcp_port, http_port, int(argv[5]), argv[6:])
        return 0
    if mode == "hold":
        cmd_hold(addr, http_port, int(argv[5]), argv[6:])
        return 0
    if mode == "sigterm":
        cmd_sigterm(addr, tcp_port, http_port, int(argv[5]))
        return 0
    print("usage: see the docstring", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
