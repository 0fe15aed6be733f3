# SPDX-License-Identifier: BSD-3-Clause
#
# Reading one suricata-verify test case (../shared/corpus/suricata-verify/NAME:
# test.yaml, its pcap, its rules, an optional suricata.yaml and
# threshold.config) and judging vigil's EVE output against its checks. The
# scenario tests/integration/suricata_verify.py runs vigil and prints; this
# module only reads the case, classifies it and evaluates filters.
#
# Conventions taken from suricata-verify's runner (run.py): a check is a
# "filter" with `match` (dotted keys, `name[0]` indexes into lists) and an
# optional `count` (absent: at least one event must match); a filter may carry
# its own `requires`. The corpus is judged as Suricata 8.0 would run it.
import glob
import os
import re
import shlex

import yaml

SURICATA_VERSION = (8, 0, 0)

# Header protocols that are packet level; any other (http, tls, dns, ...) is
# an application-layer protocol.
PACKET_PROTOS = {"ip", "ipv4", "ipv6", "tcp", "udp", "icmp", "icmpv4", "icmpv6",
                 "tcp-pkt", "tcp-stream", "sctp", "pkthdr"}

# Keyword names (or name prefixes) that need an application-layer parser:
# sticky buffers, legacy content modifiers and app-layer predicates.
APP_KEYWORD_PREFIXES = (
    "http", "uricontent", "urilen", "tls", "ssl_", "ja3", "ja4", "dns", "file", "smtp", "ftp",
    "ssh", "smb", "dcerpc", "krb5", "snmp", "sip", "mqtt", "modbus", "dnp3", "enip", "cip",
    "nfs", "rfb", "quic", "ike", "app-layer", "email", "websocket", "ldap", "pgsql", "sdp",
    "x509", "tcp.stream",
)

# Fields vigil's EVE alert writer emits (control/eve.c); fields seen in a run's
# alerts are added to these, so a field vigil starts writing becomes comparable.
VIGIL_ALERT_FIELDS = {
    "timestamp", "flow_id", "event_type", "src_ip", "src_port", "dest_ip", "dest_port", "proto",
    "app_proto", "direction", "alert.action", "alert.gid", "alert.signature_id", "alert.rev",
    "alert.signature", "alert.category", "alert.severity", "pcap_cnt", "verdict.action",
    "verdict.reject-target", "verdict.reject", "traffic.id", "traffic.label", "metadata.flowbits",
    "metadata.flowvars", "pkt_src",
}


# Engine options vigil has no equivalent for; noted when a case sets them.
ARGS_NOTED = ("stream.", "app-layer.", "exception-policy", "flow.", "detect.")
# Those vigil takes (tests/integration/suricata_verify.py passes them on).
ARGS_TAKEN = ("threshold-file", "stream.async-oneside", "app-layer.error-policy", "exception-policy",
              "packet-alert-max")


def parse_version(text):
    parts = [int(p) for p in re.findall(r"\d+", str(text))][:3]
    return tuple(parts + [0] * (3 - len(parts)))


def requires_met(requires):
    """Whether a `requires` block holds for SURICATA_VERSION (other requirements assumed met)."""
    if not requires:
        return True
    v = SURICATA_VERSION
    if "min-version" in requires and v < parse_version(requires["min-version"]):
        return False
    if "lt-version" in requires and not v < parse_version(requires["lt-version"]):
        return False
    if "gt-version" in requires and not v > parse_version(requires["gt-version"]):
        return False
    if "version" in requires and not str(requires["version"]).startswith(".".join(map(str, v[:2]))):
        return False
    return True


def split_options(body):
    """Split a rule's option text at ';' outside quotes and escapes; returns [(name, value)]."""
    options, current, quoted, escaped = [], "", False, False
    for c in body:
        if escaped:
            current += c
            escaped = False
        elif c == "\\":
            current += c
            escaped = True
        elif c == '"':
            current += c
            quoted = not quoted
        elif c == ";" and not quoted:
            options.append(current)
            current = ""
        else:
            current += c
    if current.strip():
        options.append(current)
    result = []
    for opt in options:
        opt = opt.strip()
        if not opt:
            continue
        name, _, value = opt.partition(":")
        result.append((name.strip().lower(), value.strip()))
    return result


class Rule:
    def __init__(self, text):
        self.text = text
        head, _, body = text.partition("(")
        words = head.split()
        self.action = words[0] if words else ""
        self.proto = words[1].lower() if len(words) > 1 else ""
        self.options = split_options(body.rstrip().rstrip(")"))
        self.sid = None
        for name, value in self.options:
            if name == "sid":
                self.sid = int(value.strip().strip('"'))

    def app_layer_reasons(self):
        reasons = []
        if self.proto and self.proto not in PACKET_PROTOS:
            reasons.append(f"header protocol {self.proto}")
        for name, _value in self.options:
            if name.startswith(APP_KEYWORD_PREFIXES):
                reasons.append(f"keyword {name}")
        return reasons

    def flowbits(self, commands):
        """Flowbit names this rule uses with one of commands (set, isset, ...)."""
        names = set()
        for name, value in self.options:
            if name != "flowbits":
                continue
            command, _, bits = value.partition(",")
            if command.strip() in commands:
                names.update(b.strip() for b in re.split(r"[|&]", bits) if b.strip())
        return names


def read_rules(paths):
    rules = []
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    rules.append(Rule(line))
    return rules


def find_value(event, key):
    """suricata-verify's lookup: dotted path, `name[i]` indexes a list. Returns (found, value)."""
    value = event
    for part in key.split("."):
        m = re.fullmatch(r"([^\[]+)\[(\d+)\]", part)
        name, index = (m.group(1), int(m.group(2))) if m else (part, None)
        if not isinstance(value, dict) or name not in value:
            return False, None
        value = value[name]
        if index is not None:
            if not isinstance(value, list) or index >= len(value):
                return False, None
            value = value[index]
    return True, value


def event_matches(event, match):
    for key, expected in match.items():
        # suricata-verify's has-key / not-has-key: the named field is (not) there
        if key in ("has-key", "not-has-key"):
            if find_value(event, str(expected))[0] != (key == "has-key"):
                return False
            continue
        # suricata-verify's operators on a field: key.__len, .__find, .__startswith, .__endswith
        base, _, op = key.rpartition(".__")
        if base and op in FIELD_OPERATORS:
            found, value = find_value(event, base)
            if not found or not FIELD_OPERATORS[op](value, expected):
                return False
            continue
        found, value = find_value(event, key)
        if not found:
            return False
        if value != expected and str(value) != str(expected):
            return False
    return True


FIELD_OPERATORS = {
    "len": lambda value, n: hasattr(value, "__len__") and len(value) == n,
    "find": lambda value, text: isinstance(value, str) and str(text) in value,
    "startswith": lambda value, text: isinstance(value, str) and value.startswith(str(text)),
    "endswith": lambda value, text: isinstance(value, str) and value.endswith(str(text)),
}


def field_base(key):
    return re.sub(r"\[\d+\]", "", key)


class Check:
    """One filter of test.yaml, with whether vigil's output can answer it and why not."""

    def __init__(self, index, config):
        self.index = index
        self.config = config or {}
        self.filter = self.config.get("filter") if isinstance(self.config, dict) else None
        self.match = (self.filter or {}).get("match") or {}
        self.count = (self.filter or {}).get("count")
        self.sid = self.match.get("alert.signature_id")
        self.skipped = bool(self.filter) and not requires_met(self.filter.get("requires"))

    def describe(self):
        if self.sid is not None:
            extra = {k: v for k, v in self.match.items() if k not in ("event_type", "alert.signature_id")}
            return f"sid {self.sid}" + (f" {extra}" if extra else "")
        return "alerts " + str({k: v for k, v in self.match.items() if k != "event_type"})

    def not_comparable_reason(self, emitted):
        """None when vigil's alerts can answer this check, else why not."""
        if not self.filter:
            kind = next(iter(self.config), "?") if isinstance(self.config, dict) else "?"
            return f"check type {kind}"
        unknown = set(self.filter) - {"match", "count", "requires", "comment"}
        if unknown:
            return f"filter keys {sorted(unknown)}"
        event_type = self.match.get("event_type")
        if event_type is None and not any(k.startswith("alert.") for k in self.match):
            return "no event_type and no alert field"
        if event_type not in (None, "alert"):
            return f"event_type {event_type}"
        missing = sorted(k for k in self.match if field_base(k) not in emitted)
        if missing:
            return "fields vigil does not emit: " + ", ".join(missing)
        return None

    def relaxed_match(self, emitted):
        """The match without the fields vigil does not emit (for information only)."""
        return {k: v for k, v in self.match.items() if field_base(k) in emitted}

    def evaluate(self, events, match=None):
        """Returns (holds, got): the number of events matching and whether it is what is expected."""
        match = self.match if match is None else match
        got = sum(1 for e in events if event_matches(e, match))
        holds = got == self.count if self.count is not None else got > 0
        return holds, got

    def expected_text(self):
        return str(self.count) if self.count is not None else ">=1"


class Case:
    def __init__(self, directory):
        self.directory = directory
        self.name = os.path.basename(directory.rstrip("/"))
        with open(os.path.join(directory, "test.yaml")) as f:
            self.test = yaml.safe_load(f) or {}
        self.args = self._args()
        self.pcap = self._pcap()
        self.rules_paths = sorted(glob.glob(os.path.join(directory, "*.rules")))
        self.rules = read_rules(self.rules_paths)
        self.suricata_yaml = self._suricata_yaml()
        self.threshold_config = os.path.join(directory, "threshold.config")
        if not os.path.exists(self.threshold_config):
            self.threshold_config = None
        self.checks = [Check(i, c) for i, c in enumerate(self.test.get("checks") or [])]

    def _args(self):
        raw = self.test.get("args") or []
        if isinstance(raw, str):
            raw = [raw]
        text = " ".join(str(a) for a in raw).replace("${TEST_DIR}", self.directory)
        return shlex.split(text)

    def _pcap(self):
        named = self.test.get("pcap")
        if named:
            path = os.path.join(self.directory, os.path.basename(named))
            if os.path.exists(path):
                return path
        found = sorted(glob.glob(os.path.join(self.directory, "*.pcap")) +
                       glob.glob(os.path.join(self.directory, "*.pcapng")))
        return found[0] if found else None

    def _suricata_yaml(self):
        path = os.path.join(self.directory, "suricata.yaml")
        if not os.path.exists(path):
            return {}
        with open(path) as f:
            text = f.read()
        # PyYAML refuses the %YAML 1.1 directive with Suricata's "---" layout only sometimes.
        text = re.sub(r"^%YAML.*\n", "", text)
        return yaml.safe_load(text) or {}

    def requires_met(self):
        return requires_met(self.test.get("requires"))

    def mode(self):
        if "--simulate-ips" in self.args or re.search(r"(^|[-_])ips($|[-_])", self.name):
            return "ips"
        return "ids"

    def sets(self):
        """The `--set K=V` options of args, as a dict."""
        result, args = {}, self.args
        for i, a in enumerate(args):
            if a == "--set" and i + 1 < len(args):
                key, _, value = args[i + 1].partition("=")
                result[key] = value
        return result

    def vars(self):
        """Address and port groups of the case's suricata.yaml, for vigil's [vars]."""
        groups = (self.suricata_yaml.get("vars") or {})
        result = {}
        for kind in ("address-groups", "port-groups"):
            for name, value in (groups.get(kind) or {}).items():
                result[name] = str(value)
        return result

    def packet_alert_max(self):
        """packet-alert-max (--set in args, else suricata.yaml), for vigil's [rules]
        packet_alert_max; None: default."""
        value = self.sets().get("packet-alert-max", self.suricata_yaml.get("packet-alert-max"))
        return int(value) if value is not None else None

    def engine_differences(self):
        """Settings of the case that vigil does not take: each a short text."""
        notes = []
        app = (self.suricata_yaml.get("app-layer") or {}).get("protocols")
        if app:
            notes.append(f"suricata.yaml app-layer settings for {sorted(app)} not applied")
        for key, value in self.sets().items():
            if key.startswith(ARGS_NOTED) and key not in ARGS_TAKEN:
                notes.append(f"--set {key}={value} not applied")
        return notes

    def relevant_rules(self, comparable):
        """Rules the comparable checks depend on: checked sids, pass rules, and their flowbit setters."""
        sids = {c.sid for c in comparable}
        if not comparable or None in sids:
            return list(self.rules)
        chosen = [r for r in self.rules if r.sid in sids or r.action == "pass"]
        while True:
            wanted = set().union(*(r.flowbits({"isset", "isnotset"}) for r in chosen)) if chosen else set()
            more = [r for r in self.rules if r not in chosen and r.flowbits({"set", "unset", "toggle"}) & wanted]
            if not more:
                return chosen
            chosen += more

    def app_layer_reasons(self, comparable):
        reasons = []
        for rule in self.relevant_rules(comparable):
            for why in rule.app_layer_reasons():
                reasons.append(f"sid {rule.sid}: {why}")
        return reasons
