#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 15, acceptance 4): the EVE file rotated from outside, as
# a distribution's logrotate does it ("create", no copytruncate, then
# SIGHUP in postrotate), while alerts stream: 800 alerting echoes cross the
# lab, 10 ms apart, and logrotate (Debian's, forced) rotates the EVE file
# three times meanwhile. Every alert is in exactly one file (the current
# one or a rotated one), every line whole JSON, and a rotated file never
# grows after vigil said it reopened (the console's and the log's reopen
# count): nothing is written into the rotated file afterwards. Then the
# console's `logs reopen` does the same for a file moved by hand, and the
# audit log is reopened with it. Last, `[alerts] eve_rotate_s = 2` rotates
# the file by time while alerts stream: several files, none empty, no alert
# lost.
#
# Run alone (root, repo root, after make): bash tests/integration/lab_logrotate.sh
# Traffic stays inside the namespaces the lab makes; all torn down on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=board/lab-lib.sh
source board/lab-lib.sh

readonly PY=/usr/bin/python3
readonly PINGS=800
readonly ROTATIONS=3
readonly BY_HAND=50
readonly TIMED=400

ctl() { lab_ctl admin "$@"; }

# Lines of sid 3000101 in the EVE file and every rotated one.
count_all() { cat "$LAB_DIR"/eve.json* 2>/dev/null | grep -c '"signature_id":3000101,' || true; }

# reopens: how many times vigil said it reopened its logs.
reopens() { grep -c "logs reopened" "$LAB_VIGIL_ERR" || true; }

# wait_count FN WANT SECONDS: until FN prints at least WANT.
wait_count()
{
	local fn=$1 want=$2 tenths=$(($3 * 10)) got
	while got=$($fn) && ((got < want && tenths-- > 0)); do sleep 0.1; done
	((got >= want))
}

# pings N: N alerting echoes, 10 ms apart, from the client (background; PING_PID).
pings()
{
	ip netns exec "$LAB_CLIENT_NS" ping -q -i 0.01 -c "$1" -W 2 -p 726f746174652d74657374 \
		"$LAB_SERVER_V4" >"$LAB_DIR/ping.$1.out" 2>&1 &
	PING_PID=$!
	LAB_HELPER_PIDS+=("$PING_PID")
}

# Every file whole JSON lines; the sid 3000101 alerts across all the files
# exactly WANT: one per echo request, so none lost and none written twice
# (two echoes of one burst share a timestamp and a flow: a count, not a
# key, tells a duplicate).
check_files()
{
	local want=$1 what=$2 out
	if out=$("$PY" - "$want" "$LAB_DIR" <<'PYEOF'
import glob, json, os, sys
want, folder = int(sys.argv[1]), sys.argv[2]
count, bad, files = 0, 0, sorted(glob.glob(folder + "/eve.json*"))
for path in files:
    data = open(path, "rb").read()
    if data and not data.endswith(b"\n"):
        print(f"{os.path.basename(path)}: does not end with a whole line"); sys.exit(1)
    for line in data.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if e.get("event_type") == "alert" and e["alert"]["signature_id"] == 3000101:
            count += 1
if bad or count != want:
    print(f"{count} alerts (want {want}), {bad} line(s) not JSON"); sys.exit(1)
print(f"{count} alerts in {len(files)} file(s), each once")
PYEOF
	); then lab_pass "$what: $out"; else lab_fail "$what: $out"; fi
}

write_logrotate_conf()
{
	cat >"$LAB_DIR/logrotate.conf" <<EOF
$LAB_DIR/eve.json {
	rotate 10
	create 0644 root root
	missingok
	nocompress
	postrotate
		kill -HUP $LAB_VIGIL_PID
	endscript
}
EOF
}

main()
{
	[[ -x $LAB_VIGIL && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	command -v logrotate >/dev/null || { echo "FAIL: logrotate is not installed (make deps)"; exit 1; }
	lab_init vigil-it-logrotate
	lab_up
	cat >"$LAB_DIR/rotate.rules" <<'EOF'
alert icmp any any -> any any (msg:"rotate test echo"; itype:8; content:"rotate-test"; classtype:misc-activity; sid:3000101; rev:1;)
EOF
	lab_start_vigil --rules "$LAB_DIR/rotate.rules" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$LAB_DIR/store" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.cache_dir="
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	lab_mgmt_up 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	write_logrotate_conf

	# logrotate while alerts stream; after each rotation is confirmed, the
	# rotated file's size, by inode (the next rotation renames it again).
	local -A rotated_size=()
	pings "$PINGS"
	local i inode before
	for ((i = 1; i <= ROTATIONS; i++)); do
		wait_count count_all $((i * PINGS / (ROTATIONS + 1))) 20 || true
		before=$(reopens)
		inode=$(stat -c %i "$LAB_DIR/eve.json")
		logrotate -f -s "$LAB_DIR/logrotate.state" "$LAB_DIR/logrotate.conf"
		if ! wait_count reopens $((before + 1)) 10; then
			lab_fail "rotation $i: vigil never said it reopened its logs"
			continue
		fi
		# The reopen flushed every queued line into the old file first.
		rotated_size[$inode]=$(stat -c %s "$LAB_DIR/eve.json.1")
		[[ $(stat -c %i "$LAB_DIR/eve.json.1") == "$inode" ]] ||
			lab_fail "rotation $i: eve.json.1 is not the file vigil wrote"
	done
	wait "$PING_PID" || true
	lab_forget_helper "$PING_PID"
	grep -qE "^$PINGS packets transmitted, $PINGS received" "$LAB_DIR/ping.$PINGS.out" &&
		lab_pass "$PINGS echoes answered across $ROTATIONS rotations" ||
		lab_fail "echoes: $(grep transmitted "$LAB_DIR/ping.$PINGS.out")"
	wait_count count_all "$PINGS" 20 || true
	check_files "$PINGS" "logrotate (create + SIGHUP)"
	local f grew=0 n=0
	for f in "$LAB_DIR"/eve.json.*; do
		inode=$(stat -c %i "$f")
		[[ -n ${rotated_size[$inode]:-} ]] || continue
		n=$((n + 1))
		if [[ $(stat -c %s "$f") != "${rotated_size[$inode]}" ]]; then
			grew=$((grew + 1))
			lab_fail "$f grew after vigil reopened: ${rotated_size[$inode]} -> $(stat -c %s "$f") bytes"
		fi
	done
	((n == ROTATIONS && grew == 0)) && lab_pass "$n rotated files, none written after the reopen" ||
		lab_fail "$n rotated files found (want $ROTATIONS), $grew grew"
	[[ -s $LAB_DIR/eve.json ]] && lab_pass "the new eve.json is written" ||
		lab_fail "eve.json is empty after the last rotation"

	# By hand, through the console: the EVE file and the audit log moved
	# away, `logs reopen`, both written anew and the moved ones left alone.
	mv "$LAB_DIR/eve.json" "$LAB_DIR/moved.eve"
	mv "$LAB_DIR/audit.log" "$LAB_DIR/moved.audit"
	local moved_size
	moved_size=$(stat -c %s "$LAB_DIR/moved.eve")
	lab_expect_ctl "logs reopen (console)" 0 "reopened" admin logs reopen
	pings "$BY_HAND"
	wait "$PING_PID" || true
	lab_forget_helper "$PING_PID"
	local tries=100
	until (($(grep -c '"signature_id":3000101,' "$LAB_DIR/eve.json" 2>/dev/null || echo 0) >= BY_HAND)) ||
		((tries-- == 0)); do sleep 0.1; done
	local fresh
	fresh=$(grep -c '"signature_id":3000101,' "$LAB_DIR/eve.json" 2>/dev/null || echo 0)
	((fresh == BY_HAND)) && [[ $(stat -c %s "$LAB_DIR/moved.eve") == "$moved_size" ]] &&
		lab_pass "after logs reopen: $fresh alerts in the new file, the moved one unchanged" ||
		lab_fail "after logs reopen: $fresh alerts in the new file (want $BY_HAND), moved $moved_size -> $(stat -c %s "$LAB_DIR/moved.eve") bytes"
	grep -q '"logs","reopen"\|logs reopen' "$LAB_DIR/audit.log" 2>/dev/null &&
		! grep -q 'sinks' "$LAB_DIR/moved.audit" && ctl sinks status >/dev/null &&
		grep -q 'sinks' "$LAB_DIR/audit.log" &&
		lab_pass "audit log reopened: later commands in the new file only" ||
		lab_fail "audit log after reopen: $(tail -c 300 "$LAB_DIR/audit.log" 2>&1)"
	lab_stop_reported 15

	# By time: eve_rotate_s = 2 while 400 alerts stream for about 4 s.
	rm -f "$LAB_DIR"/eve.json* "$LAB_DIR/moved.eve"
	lab_start_vigil --rules "$LAB_DIR/rotate.rules" --eve "$LAB_DIR/eve.json" \
		--set "rules.store_dir=$LAB_DIR/store" --set "management.audit_log=$LAB_DIR/audit.log" \
		--set "rules.cache_dir=" --set "alerts.eve_rotate_s=2"
	lab_wait_forwarding 20 || { cat "$LAB_VIGIL_ERR"; exit 1; }
	pings "$TIMED"
	wait "$PING_PID" || true
	lab_forget_helper "$PING_PID"
	wait_count count_all "$TIMED" 20 || true
	check_files "$TIMED" "rotation every 2 s"
	local files empty=0
	files=$(find "$LAB_DIR" -maxdepth 1 -name 'eve.json.*' | wc -l)
	for f in "$LAB_DIR"/eve.json.*; do [[ -s $f ]] || empty=$((empty + 1)); done
	((files >= 1 && empty == 0)) && lab_pass "timed rotation: $files rotated file(s), none empty" ||
		lab_fail "timed rotation: $files rotated file(s), $empty empty"

	lab_finish lab_logrotate
}

main "$@"
