#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario: IP sets leave and come back unchanged. A filter file loads a
# set from a Spamhaus DROP list and a CSV; `vigil --ipset-export` writes it
# as an AWS WAF IPSet, `vigil --ipset-import` reads that back as text, and a
# second filter file that loads the JSON directly exports the same text.
# `vigil --filter FILE --check` accepts the files and refuses a bad one with
# file, line, column and reason (exit status 1). No DPDK, no lab.
set -euo pipefail

cd "$(dirname "$0")/../.."
readonly VIGIL=build/vigil
dir=$(mktemp -d /tmp/vigil-it-ipset.XXXXXX)
trap 'rm -rf "$dir"' EXIT
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat >"$dir/drop.txt" <<'EOF'
; Spamhaus DROP List 2026/11/30 - (c) 2026 The Spamhaus Project
1.10.16.0/20 ; SBL256894
2.56.192.0/22 ; SBL459831
EOF
cat >"$dir/extra.csv" <<'EOF'
network,description
"203.0.113.0/24",test net 3
198.51.100.77,one host
EOF
cat >"$dir/a.filter" <<'EOF'
ipset blocklist file drop.txt
ipset blocklist file extra.csv
acl 10 deny src @blocklist
EOF

"$VIGIL" --filter "$dir/a.filter" --check >"$dir/check.out" && grep -q "4 IPv4" "$dir/check.out" &&
	pass "--check: $(cat "$dir/check.out")" || fail "--check of a good file: $(cat "$dir/check.out")"
"$VIGIL" --ipset-export blocklist --filter "$dir/a.filter" --format text >"$dir/a.txt"
"$VIGIL" --ipset-export blocklist --filter "$dir/a.filter" --format aws >"$dir/blocklist.json"
grep -q '"IPAddressVersion": "IPV4"' "$dir/blocklist.json" && pass "AWS WAF IPSet written" ||
	fail "no AWS IPSet: $(cat "$dir/blocklist.json")"
"$VIGIL" --ipset-import "$dir/blocklist.json" --format text >"$dir/b.txt"
cmp -s "$dir/a.txt" "$dir/b.txt" && pass "export -> import round trip: $(wc -l <"$dir/a.txt") prefixes identical" ||
	fail "round trip differs: $(diff "$dir/a.txt" "$dir/b.txt" | head -5)"
printf 'ipset again file blocklist.json\n' >"$dir/b.filter"
"$VIGIL" --ipset-export again --filter "$dir/b.filter" >"$dir/c.txt"
cmp -s "$dir/a.txt" "$dir/c.txt" && pass "a filter file loads the AWS JSON unchanged" ||
	fail "JSON loaded by a filter file differs"

printf 'ipset blocklist file drop.txt\nacl 10 deny src @blocklst\n' >"$dir/bad.filter"
if "$VIGIL" --filter "$dir/bad.filter" --check 2>"$dir/bad.err"; then
	fail "a bad filter file passed --check"
else
	grep -q 'bad.filter:2:17: "@blocklst": no IP set of that name' "$dir/bad.err" &&
		pass "bad file refused: $(cat "$dir/bad.err")" || fail "bad file: $(cat "$dir/bad.err")"
fi
((failures == 0)) || { echo "filter_ipset_roundtrip: $failures failure(s)"; exit 1; }
echo "filter_ipset_roundtrip: passed"
