#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The expectations of tests/integration/lab_rule_sources.sh, from the corpus.

usage: rule_sources_expect.py CORPUS NONE_DIR TUNED_DIR OUT_DIR

Reads every *.rules file of CORPUS (not *deleted.rules, which
suricata-update leaves out by default) with a reader of its own, writes
the tuned filter files into TUNED_DIR (NONE_DIR stays empty) and, into
OUT_DIR, what vigilctl rules update must list: first.json (every enabled
rule added), tuned.json (the filters' diff against the first), the live
counts and the modified rule's pattern. The sids are chosen from the
corpus, so a newer ET Open changes the choice, not the test.
"""
import json
import os
import re
import sys

ACTION = r"(alert|drop|pass|reject|rejectsrc|rejectdst|rejectboth)\s"
ENABLED = re.compile("^" + ACTION)
DISABLED = re.compile(r"^#\s*" + ACTION)
SID = re.compile(r"[(;]\s*sid\s*:\s*(\d+)\s*;")
GID = re.compile(r"[(;]\s*gid\s*:\s*(\d+)\s*;")
REV = re.compile(r"[(;]\s*rev\s*:\s*(\d+)\s*;")


def read_corpus(corpus):
    """{(gid, sid): (enabled, group, text)}; the highest rev wins, the later file on a tie."""
    rules = {}
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".rules") or name.endswith("deleted.rules"):
            continue
        with open(os.path.join(corpus, name), encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                enabled = bool(ENABLED.match(line))
                if not enabled and not DISABLED.match(line):
                    continue
                sid = SID.search(line)
                if not sid:
                    continue
                gid = GID.search(line)
                rev = REV.search(line)
                key = (int(gid.group(1)) if gid else 1, int(sid.group(1)))
                rev = int(rev.group(1)) if rev else 0
                if key in rules and rules[key][3] > rev:
                    continue
                rules[key] = (enabled, name, line, rev)
    return rules


def ids(keys):
    return [f"{g}:{s}" for g, s in sorted(keys)]


def main():
    corpus, _none, tuned, out = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    rules = read_corpus(corpus)
    enabled = {k for k, r in rules.items() if r[0]}

    def of(group, on):
        return sorted(k for k, r in rules.items() if r[1] == group and r[0] == on)

    # disable three sids of emerging-dos and the group emerging-games
    three = of("emerging-dos.rules", True)[:3]
    games = of("emerging-games.rules", True)
    # enable a rule emerging-dos ships commented out (not otherwise disabled)
    revived = of("emerging-dos.rules", False)[0]
    # change one rule of emerging-chat: its msg
    changed = of("emerging-chat.rules", True)[0]
    with open(os.path.join(tuned, "disable.conf"), "w") as f:
        f.write("# three sids (one as gid:sid) and a group, as suricata-update writes them\n")
        f.write(f"{three[0][1]}\n{three[1][0]}:{three[1][1]}\n{three[2][1]}\n")
        f.write("group:emerging-games\n")
    with open(os.path.join(tuned, "enable.conf"), "w") as f:
        f.write(f"{revived[1]}\n")
    with open(os.path.join(tuned, "modify.conf"), "w") as f:
        f.write(f'{changed[1]} "msg:\\"" "msg:\\"LAB tuned "\n')

    removed = set(three) | set(games)
    after = (enabled - removed) | {revived}
    with open(os.path.join(out, "first.json"), "w") as f:
        json.dump({"added": ids(enabled), "removed": [], "changed": []}, f)
    with open(os.path.join(out, "first.count"), "w") as f:
        f.write(f"{len(enabled)}\n")
    with open(os.path.join(out, "tuned.json"), "w") as f:
        json.dump({"added": ids([revived]), "removed": ids(removed), "changed": ids([changed])}, f)
    with open(os.path.join(out, "tuned.count"), "w") as f:
        f.write(f"{len(after)}\n")
    with open(os.path.join(out, "modified.pattern"), "w") as f:
        f.write(f'msg:"LAB tuned .*sid:{changed[1]};')
    print(f"expect: {len(enabled)} enabled rules; tuned: -{len(removed)} "
          f"(sids {three[0][1]} {three[1][1]} {three[2][1]}, {len(games)} of emerging-games), "
          f"+1 ({revived[1]}), changed {changed[1]}")


if __name__ == "__main__":
    main()
