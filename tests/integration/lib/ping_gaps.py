#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What a steady ping lost, from the output of `ping -D` (one line per
reply: "[EPOCH] ... icmp_seq=N ... time=T ms"): ping_gaps.py FILE
INTERVAL_MS prints

  sent N received M lost L longest_gap_ms G first_lost S silence_ms Q max_rtt_ms R

where longest_gap_ms is the longest run of consecutive unanswered
sequence numbers times the interval, first_lost the first unanswered
sequence number (0: none), silence_ms the longest time between two
answers arriving (how long traffic stood still: a queue nobody served
for a while delays its packets rather than losing them) and max_rtt_ms
the slowest answer.
"""
import re
import sys


def main():
    text = open(sys.argv[1]).read()
    interval = float(sys.argv[2])
    replies = re.findall(r"^\[([0-9.]+)\].*icmp_seq=(\d+).* time=([0-9.]+) ms", text, re.M)
    answered = {int(seq) for _, seq, _ in replies}
    m = re.search(r"(\d+) packets transmitted", text)
    sent = int(m.group(1)) if m else (max(answered) if answered else 0)
    run = longest = 0
    first = 0
    for seq in range(1, sent + 1):
        if seq in answered:
            run = 0
            continue
        first = first or seq
        run += 1
        longest = max(longest, run)
    arrivals = [float(t) for t, _, _ in replies]
    silence = max((b - a for a, b in zip(arrivals, arrivals[1:])), default=0.0)
    received = len([s for s in answered if 1 <= s <= sent])
    print("sent %d received %d lost %d longest_gap_ms %.0f first_lost %d silence_ms %.0f max_rtt_ms %.0f"
          % (sent, received, sent - received, longest * interval, first, silence * 1000,
             max([float(r) for _, _, r in replies] or [0])))


if __name__ == "__main__":
    main()
