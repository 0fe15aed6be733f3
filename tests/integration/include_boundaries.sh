#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The folder boundaries of DESIGN.md, checked on the include lines:
#   - dataplane/decode/ includes no vigil header outside dataplane/decode/
#     (decoders know nothing of flows, rules, ports or the console);
#   - rules/ includes nothing of dataplane/ but the packet view,
#     dataplane/decode/packet.h.
# A vigil header is one under platform/, dataplane/, rules/ or control/,
# named from the top ("dataplane/flow/flow.h", quotes or brackets) or
# relative to the including file ("../flow/flow.h"). Each violation is
# printed as FILE:LINE: what. The check proves itself first: on a throw-away
# copy of the two folders it must catch one injected violation of each kind,
# and only then is the real tree checked. Needs no build and no root.
#
#   bash tests/integration/include_boundaries.sh [ROOT]   (default: the repo)
set -euo pipefail

readonly REPO=$(cd "$(dirname "$0")/../.." && pwd)
readonly ROOT=${1:-$REPO}
readonly PACKET_VIEW=dataplane/decode/packet.h

work=
trap '[[ -n $work ]] && rm -rf "$work"' EXIT

# The repo-relative path an include line of file (repo-relative) names, or
# nothing when it names no vigil header (a system or library header).
include_target()
{
	local file=$1 name=$2 resolved
	case $name in
	platform/* | dataplane/* | rules/* | control/*)
		realpath -m --relative-to=. "$name"
		return
		;;
	esac
	# Quoted includes are looked up beside the including file first.
	resolved=$(realpath -m --relative-to=. "$(dirname "$file")/$name")
	case $resolved in
	platform/* | dataplane/* | rules/* | control/*) echo "$resolved" ;;
	esac
}

# What is wrong with file including target, or nothing.
include_violation()
{
	local file=$1 target=$2
	case $file in
	dataplane/decode/*)
		[[ $target == dataplane/decode/* ]] ||
			echo "includes \"$target\": dataplane/decode/ includes only its own headers"
		;;
	rules/*)
		[[ $target == dataplane/* && $target != "$PACKET_VIEW" ]] &&
			echo "includes \"$target\": rules/ includes nothing of dataplane/ but $PACKET_VIEW"
		;;
	esac
	return 0
}

# Print every violation under root; exit status 1 when there is one.
check_tree()
{
	local root=$1 found=0 file line text name target what
	cd "$root" || return 2
	while IFS=: read -r file line text; do
		[[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"\<]([^\"\>]+)[\"\>] ]] || continue
		name=${BASH_REMATCH[1]}
		target=$(include_target "$file" "$name")
		[[ -n $target ]] || continue
		what=$(include_violation "$file" "$target")
		[[ -n $what ]] || continue
		echo "$file:$line: $what"
		found=1
	done < <(grep -rnE --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include' \
		dataplane/decode rules | sort -t: -k1,1 -k2,2n)
	return $found
}

# Inject line into file of a fresh copy of root's two folders; the check
# must fail there and name file:LINE.
expect_caught()
{
	local file=$1 line=$2 copy out rc=0 at
	copy=$work/copy
	rm -rf "$copy"
	mkdir -p "$copy/dataplane"
	cp -r "$ROOT/rules" "$copy/rules"
	cp -r "$ROOT/dataplane/decode" "$copy/dataplane/decode"
	echo "$line" >>"$copy/$file"
	at=$(wc -l <"$copy/$file")
	out=$( (check_tree "$copy") 2>&1) || rc=$?
	if ((rc != 1)) || ! grep -q "^$file:$at: " <<<"$out"; then
		echo "FAIL: self-test: '$line' added to $file (line $at) was not caught (exit $rc):"
		echo "$out"
		exit 1
	fi
	echo "self-test: caught $file:$at: $line"
}

main()
{
	work=$(mktemp -d /tmp/vigil-include-boundaries.XXXXXX)
	expect_caught dataplane/decode/decode_udp.c '#include "dataplane/flow/flow.h"'
	expect_caught dataplane/decode/defrag.h '#include "platform/log.h"'
	expect_caught dataplane/decode/decode.c '#include "../flow/stream.h"'
	expect_caught rules/match/match.c '#include "dataplane/worker.h"'
	expect_caught rules/lang/parse.c '#include <dataplane/decode/decode.h>'

	local rc=0
	(check_tree "$ROOT") || rc=$?
	if ((rc != 0)); then
		echo "FAIL: include boundaries crossed (above)"
		exit 1
	fi
	echo "PASS: dataplane/decode/ and rules/ keep to their include boundaries"
}

main
