#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Handshake fuzz of the console's TLS server, under AddressSanitizer and
# LeakSanitizer: vigil built with SAN=1 (build/san/vigil) runs on the lab
# board; from the operator namespace, junk goes to the console port from
# 40 addresses (random bytes, a TLS record header with a huge length, a
# ClientHello cut short, an HTTP request: 5 connections each, which also
# gets every address blocked), then good sessions (status, a rule load and
# commit) and a refused certificate. vigil must keep answering, exit 0 on
# SIGTERM, and its sanitizers must report no error and no leak.
#
#   bash tests/fuzz/console_handshake.sh      (root, repo root; make fuzz runs it)
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly SAN_VIGIL=build/san/vigil
readonly PKI=build/lab-pki
readonly SOURCES=40

ctl() { lab_ctl "$@"; }

junk()
{
	case $1 in
	0) head -c 700 /dev/urandom ;;
	1) printf '\x16\x03\x03\xff\xff\x01\x00\xff\xfb\x03\x03' ;;
	2) printf '\x16\x03\x01\x00\x40\x01\x00\x00\x3c\x03\x03'; head -c 20 /dev/urandom ;;
	3) printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' ;;
	*) printf '\x15\x03\x03\x00\x02\x02\x28' ;;
	esac
}

main()
{
	make -j2 SAN=1 "$SAN_VIGIL" >/dev/null
	[[ -x build/vigilctl ]] || make build/vigilctl >/dev/null
	lab_init vigil-fuzz-console
	lab_up
	echo 'alert tcp any any -> any 7000 (msg:"a"; content:"alpha"; sid:1;)' >"$LAB_DIR/a.rules"
	echo 'alert tcp any any -> any 7000 (msg:"b"; content:"bravo"; sid:2;)' >"$LAB_DIR/b.rules"
	ASAN_OPTIONS=detect_leaks=1 "$SAN_VIGIL" --board board/lab.conf \
		--set "eal.file_prefix=$LAB_VIGIL_PREFIX" --rules "$LAB_DIR/a.rules" \
		--set "rules.store_dir=$LAB_DIR/store" --set "rules.cache_dir=" \
		--set "management.audit_log=$LAB_DIR/audit.log" >"$LAB_DIR/out" 2>"$LAB_DIR/err" &
	LAB_VIGIL_PID=$!
	LAB_VIGIL_ERR=$LAB_DIR/err
	lab_wait_forwarding 60 || { tail "$LAB_DIR/err"; exit 1; }
	lab_mgmt_up 30 || exit 1
	local i k addr
	for ((i = 3; i < 3 + SOURCES; i++)); do
		addr=10.78.0.$i
		ip -n "$LAB_OPERATOR_NS" addr add "$addr/24" dev vigil-mgmt
		for ((k = 0; k < 5; k++)); do
			junk $(((i + k) % 5)) | ip netns exec "$LAB_OPERATOR_NS" timeout 3 \
				nc -s "${addr}" -w 1 "$LAB_MGMT_V4" 8443 >/dev/null 2>&1 || true
		done
	done
	lab_pass "$((SOURCES * 5)) junk connections from $SOURCES addresses"
	ctl admin status >/dev/null && lab_pass "console still answers" || lab_fail "console silent after the junk"
	ctl admin rules load "@$LAB_DIR/b.rules" >/dev/null && ctl admin rules commit >/dev/null &&
		lab_pass "a rule load and commit after the junk" || lab_fail "rule load or commit failed"
	ctl rogue status >/dev/null 2>&1 && lab_fail "a rogue certificate got in" ||
		lab_pass "a rogue certificate is refused"
	local rc=0
	kill -TERM "$LAB_VIGIL_PID"
	wait "$LAB_VIGIL_PID" || rc=$?
	((rc == 0)) && lab_pass "vigil (ASan/UBSan/LSan) exited 0" || lab_fail "vigil exited $rc"
	if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$LAB_DIR/err"; then
		lab_fail "sanitizer report:"
		grep -A15 -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$LAB_DIR/err" | head -40
	else
		lab_pass "no sanitizer error, no leak"
	fi
	((lab_failures == 0)) || exit 1
	echo "console handshake fuzz: ok"
}

main "$@"
