#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Writes the manual pages vigil(8) and vigilctl(8) as roff from their one
# source, packaging/vigil.8.md, and from the programs themselves: a line
# "@help PROGRAM PART" is replaced by a part of `PROGRAM --help` (usage,
# options, commands), so the options and the console's commands are
# written once, in platform/options.c and control/console_command_list.h.
# The markup is the small subset the source's header describes; anything
# else is a paragraph. Standard library only (Debian has no pandoc by
# default).
#
#   manpage.py SOURCE OUTDIR vigil=build/vigil vigilctl=build/vigilctl
#              [VERSION]
import re
import subprocess
import sys
from pathlib import Path


def roff_escape(text):
    """Plain text made safe for roff: backslashes, and a line's first dot or quote."""
    text = text.replace("\\", "\\e")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def code(text):
    """A literal (an option, a path, a command): bold, its hyphens real minus signs."""
    return "\\fB" + text.replace("-", "\\-") + "\\fR"


def inline(text):
    """The inline markup of one line: `code` bold, *word* italic."""
    parts = re.split(r"(`[^`]+`)", roff_escape(text))
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(code(part[1:-1]))
        else:
            out.append(re.sub(r"\*([^*\s][^*]*)\*", r"\\fI\1\\fR", part))
    return "".join(out)


def help_text(program):
    out = subprocess.run([program, "--help"], check=True, capture_output=True, text=True)
    return out.stdout


def wrap_synopsis(line, width=72):
    """One synopsis form in lines of at most width, never inside a [...] group."""
    indent = line[: len(line) - len(line.lstrip())]
    words = re.findall(r"\[[^\]]*\]|\S+", line)
    out, cur = [], indent
    for w in words:
        if cur.strip() and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = indent + "    "
        cur += ("" if not cur.strip() else " ") + w
    out.append(cur)
    return out


def help_usage(text, name):
    """The synopsis lines of the usage (up to the first blank line) as a literal block.

    A line naming the program is one form, an indented "[..." line continues
    it; explanations (text after a wide gap) and notes are left to the page.
    """
    lines = []
    for line in text.splitlines():
        if not line.strip():
            break
        s = line.strip()
        if s.startswith("usage: "):
            s = s[len("usage: "):]
        if s.startswith(name + " ") and "   " not in s:
            lines += wrap_synopsis(s)
        elif s.startswith("[") and lines:
            lines += wrap_synopsis("    " + s)
    return [".nf", *(roff_escape(x).replace("-", "\\-") for x in lines), ".fi"]


def help_options(text, name):
    """vigil's "  --opt ARG   what it does" entries (continuations indented) as tagged items."""
    out, entry = [], None
    for line in text.splitlines():
        m = re.match(r"^  (--\S+(?: [A-Z.=]+(?: \.\.\.)?)*(?: --\S+ [A-Z]+)?)\s+(.*)$", line)
        if m:
            entry = [m.group(1), m.group(2)]
            out.append(entry)
        elif entry and re.match(r"^ {6,}\S", line):
            entry.append(line.strip())
        elif entry and not line.strip():
            entry = None
    if not out:
        raise SystemExit("manpage.py: no options found in --help")
    roff = []
    for words, *desc in out:
        roff += [".TP", code(words), inline(" ".join(desc))]
    return roff


def help_commands(text, name):
    """vigilctl's "  command ARGS ...   role" lines as tagged items."""
    roff = []
    for line in text.splitlines():
        m = re.match(r"^  ([a-z].*?)\s+(viewer|admin)$", line)
        if m:
            # "rules check NAME <N (payload: the rules file)": the note goes with the role.
            words, note = m.group(1), ""
            n = re.match(r"^(.*?)\s*\((.*)\)$", words)
            if n:
                words, note = n.group(1), "; " + n.group(2)
            roff += [".TP", code(words), inline(m.group(2) + note)]
    if not roff:
        raise SystemExit("manpage.py: no commands found in --help")
    return roff


HELP_PARTS = {"usage": help_usage, "options": help_options, "commands": help_commands}


def page_body(lines, programs):
    """The roff of one page's markdown lines."""
    roff, para = [], []

    def flush():
        if para:
            roff.extend([".PP", inline(" ".join(para))])
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            flush()
            roff.append(".SH " + line[3:].strip().upper())
        elif line.startswith("@help "):
            flush()
            _, program, part = line.split()
            roff += HELP_PARTS[part](help_text(programs[program]), program)
        elif line.startswith("    "):
            flush()
            block = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                block.append(lines[i][4:])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            roff += [".PP", ".RS 4", ".nf", *(roff_escape(b) for b in block), ".fi", ".RE"]
            continue
        elif line.startswith("- "):
            flush()
            item = line[2:]
            m = re.match(r"^(`[^`]+`(?:, `[^`]+`)*): (.*)$", item)
            if m:
                roff += [".TP", inline(m.group(1)), inline(m.group(2))]
            else:
                roff += [".IP \\(bu 2", inline(item)]
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
        i += 1
    flush()
    return roff


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__ or "usage: manpage.py SOURCE OUTDIR vigil=BIN vigilctl=BIN [VERSION]")
    source, outdir = Path(sys.argv[1]), Path(sys.argv[2])
    programs = dict(a.split("=", 1) for a in sys.argv[3:5])
    version = sys.argv[5] if len(sys.argv) > 5 else ""
    text = re.sub(r"<!--.*?-->", "", source.read_text(), flags=re.S)
    pages = re.split(r"^% ", text, flags=re.M)[1:]
    outdir.mkdir(parents=True, exist_ok=True)
    for page in pages:
        head, *lines = page.splitlines()
        m = re.match(r"^(\S+)\((\d)\)$", head.strip())
        if not m:
            raise SystemExit(f"manpage.py: {source}: bad page line \"% {head}\"")
        name, section = m.groups()
        roff = [
            f'.TH {name.upper()} {section} "" "vigil {version}" "System Administration"',
            ".ad l",
            ".nh",
            *page_body(lines, programs),
        ]
        (outdir / f"{name}.{section}").write_text("\n".join(roff) + "\n")


if __name__ == "__main__":
    main()
