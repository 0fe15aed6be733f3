#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scenario (issue 18, acceptance 4): vigil installs like any other service.
# `make deb` builds a package whose control file names the libraries vigil
# links and the DPDK drivers it loads, and /etc/vigil as conffiles; apt
# resolves those on a fresh machine (simulated, an empty dpkg status); dpkg
# installs it into a scratch root (dpkg --root: its own database, maintainer
# scripts run outside a chroot with DPKG_ROOT, never the real /etc or /usr),
# and every file is where packaging/README.md says; postinst made the state,
# cache and log directories; the installed vigil checks the installed board,
# policy and database.rules (web.rules is compared with the tree's); `systemd-analyze verify` accepts the unit (its
# ExecStart pointed into the scratch root, the only change), with
# `ExecReload` sending SIGHUP and the sandboxing options present;
# `man -l` renders vigil(8) and vigilctl(8) without a warning, with the
# options and console commands of the programs' own --help; logrotate reads
# the installed rotation file; purge removes it all. Then `make install`
# with PREFIX and DESTDIR puts the same files under them, and `make
# uninstall` removes them but a changed configuration file. About 25 s
# (make deb's compression and apt's resolution). No network namespaces.
#
# Run alone (repo root, after make): bash tests/integration/service_package.sh
# "A && pass || fail": pass only prints, it cannot fail (SC2015); the unit's
# lines are matched as written, $MAINPID included (SC2016).
# shellcheck disable=SC2015,SC2016
set -euo pipefail

cd "$(dirname "$0")/../.."

failures=0
pass() { echo "ok: $*"; }
fail()
{
	echo "FAIL: $*"
	failures=$((failures + 1))
}
check() # WHAT CMD...: CMD succeeds
{
	local what=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then pass "$what"; else fail "$what: $(head -c 600 "$tmp/out")"; fi
}

# The paths the README's "Running as a service" names, in the package.
readonly PACKAGED=(
	usr/sbin/vigil usr/bin/vigilctl
	usr/share/man/man8/vigil.8.gz usr/share/man/man8/vigilctl.8.gz
	usr/lib/systemd/system/vigil.service
	etc/vigil/vigil.conf etc/vigil/policy.conf
	etc/vigil/rules/web.rules etc/vigil/rules/database.rules
	etc/logrotate.d/vigil
	usr/share/vigil/boards/offline.conf usr/share/vigil/boards/inline.conf
	usr/share/doc/vigil/copyright
)

check_package()
{
	local deb=$1
	dpkg-deb -f "$deb" Depends >"$tmp/depends"
	local lib missing=""
	for lib in libhyperscan5 librte-eal23 librte-ethdev23 libmbedtls14 liblwip0 libhtp2 \
		libpcre2-8-0 libmagic1 libnghttp2-14 libpcap0.8 libinih1 zlib1g \
		librte-mempool-ring23 librte-net-af-packet23 librte-net-pcap23 librte-net-tap23; do
		grep -qE "(^|, )$lib( |,|$)" "$tmp/depends" || missing+=" $lib"
	done
	[[ -z $missing ]] && pass "Depends names vigil's libraries and DPDK drivers" ||
		fail "Depends lacks$missing: $(cat "$tmp/depends")"
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$tmp/conffiles"
	if diff <(printf '%s\n' /etc/logrotate.d/vigil /etc/vigil/policy.conf \
		/etc/vigil/rules/database.rules /etc/vigil/rules/web.rules /etc/vigil/vigil.conf) \
		"$tmp/conffiles" >"$tmp/out"; then
		pass "conffiles: /etc/vigil and the logrotate file"
	else
		fail "conffiles differ: $(cat "$tmp/out")"
	fi
}

# What `dpkg -i` on a fresh machine would need: apt resolves the package's
# dependencies as if nothing were installed (an empty dpkg status), from
# this machine's package lists; simulated, nothing is installed.
check_fresh_machine()
{
	local deb=$1
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		echo "SKIP: no apt package lists (apt-get update) to resolve the dependencies from"
		return
	fi
	: >"$tmp/empty-status"
	if apt-get install --simulate --no-install-recommends \
		-o Dir::State::status="$tmp/empty-status" "./$deb" >"$tmp/out" 2>&1 &&
		grep -q '^Inst vigil ' "$tmp/out"; then
		pass "on a fresh machine apt resolves every dependency ($(grep -c '^Inst ' "$tmp/out") packages)"
	else
		fail "dependencies do not resolve on a fresh machine: $(grep -E '^E:|Depends:' "$tmp/out" | head -n 5)"
	fi
}

install_into_root()
{
	local deb=$1 root=$2 f missing=""
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	: >"$root/var/lib/dpkg/status"
	# Dependencies are the real system's business, not the scratch root's.
	check "dpkg --root installs the package" \
		dpkg --root="$root" --log=/dev/null --force-depends --force-script-chrootless \
		--force-not-root -i "$deb"
	for f in "${PACKAGED[@]}"; do
		[[ -f $root/$f ]] || missing+=" /$f"
	done
	[[ -z $missing ]] && pass "files where the README says (${#PACKAGED[@]} checked)" ||
		fail "missing after install:$missing"
	[[ -x $root/usr/sbin/vigil && -x $root/usr/bin/vigilctl ]] &&
		pass "vigil and vigilctl executable" || fail "vigil or vigilctl not executable"
	local d
	for d in var/lib/vigil var/cache/vigil var/log/vigil; do
		[[ -d $root/$d && $(stat -c %a "$root/$d") == 750 ]] && pass "postinst made /$d (0750)" ||
			fail "postinst did not make /$d 0750"
	done
	local board_diff
	board_diff=$(diff board/inline.conf "$root/etc/vigil/vigil.conf" || true)
	[[ -z $board_diff ]] && pass "/etc/vigil/vigil.conf is board/inline.conf" ||
		fail "/etc/vigil/vigil.conf differs from board/inline.conf"
}

check_installed_vigil()
{
	local root=$1
	check "installed vigil --version" "$root/usr/sbin/vigil" --version
	# The installed board and policy with the smaller default rules file, as
	# the unit starts them (web.rules is the tree's own, which other tests
	# compile; compiling it here would double this test's time). The rule
	# cache goes to the scratch root, not /var/cache.
	if "$root/usr/sbin/vigil" --board "$root/etc/vigil/vigil.conf" \
		--set "rules.cache_dir=$root/var/cache/vigil" \
		--rules "$root/etc/vigil/rules/database.rules" \
		--policy "$root/etc/vigil/policy.conf" --check >"$tmp/out" 2>&1 &&
		grep -qE '^loaded ([0-9]+) of \1 rules' "$tmp/out"; then
		pass "installed board, policy and database.rules check: $(grep '^loaded' "$tmp/out")"
	else
		fail "installed configuration does not check: $(tail -n 5 "$tmp/out")"
	fi
	local f
	for f in rules/default/*.rules; do
		cmp -s "$f" "$root/etc/vigil/rules/${f##*/}" || fail "/etc/vigil/rules/${f##*/} differs from $f"
	done
}

check_unit()
{
	local root=$1 unit=$1/usr/lib/systemd/system/vigil.service
	if ! command -v systemd-analyze >/dev/null; then
		echo "SKIP: systemd-analyze absent (apt-get install systemd; make deps installs it)"
		return
	fi
	mkdir -p "$tmp/unit"
	# systemd-analyze verify wants ExecStart's program at its path; the only change.
	sed "s|/usr/sbin/vigil|$root/usr/sbin/vigil|g" "$unit" >"$tmp/unit/vigil.service"
	# MANPATH: verify also looks up Documentation=man:vigil(8) and man:vigilctl(8).
	if MANPATH=$root/usr/share/man systemd-analyze verify "$tmp/unit/vigil.service" \
		>"$tmp/out" 2>&1 && [[ ! -s $tmp/out ]]; then
		pass "systemd-analyze verify accepts vigil.service"
	else
		fail "systemd-analyze verify: $(cat "$tmp/out")"
	fi
	local want missing=""
	for want in 'ExecReload=/bin/kill -HUP $MAINPID' 'ExecStart=/usr/sbin/vigil --board /etc/vigil/vigil.conf' \
		'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'NoNewPrivileges=yes' \
		'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_SYS_RAWIO' \
		'RestrictAddressFamilies=' 'StateDirectory=vigil' 'LogsDirectory=vigil' \
		'--eve /var/log/vigil/eve.json'; do
		grep -qF -- "$want" "$unit" || missing+=" [$want]"
	done
	[[ -z $missing ]] && pass "unit: reload is SIGHUP, sandboxing and paths present" ||
		fail "unit lacks$missing"
	grep -q '@[A-Z]*@' "$unit" && fail "unit has unreplaced @VARS@" || pass "unit has no @VARS@ left"
	systemd-analyze security --offline=yes "$tmp/unit/vigil.service" 2>/dev/null |
		grep 'Overall exposure' | sed 's/^/info: /' || true
}

check_man()
{
	local root=$1 page text
	for page in vigil vigilctl; do
		text=$(MANWIDTH=100 man --warnings -l "$root/usr/share/man/man8/$page.8.gz" 2>"$tmp/warn") || {
			fail "man -l $page.8.gz failed: $(cat "$tmp/warn")"
			continue
		}
		[[ -s $tmp/warn ]] && fail "man $page: warnings: $(head -c 400 "$tmp/warn")"
		grep -qE "^${page^^}\(8\)" <<<"$text" && grep -q '^NAME' <<<"$text" &&
			grep -q '^SYNOPSIS' <<<"$text" && pass "man -l renders $page(8)" ||
			fail "man $page(8): no title, NAME or SYNOPSIS"
	done
	# The options and commands come from the programs themselves.
	text=$(MANWIDTH=100 man -l "$root/usr/share/man/man8/vigil.8.gz" 2>/dev/null)
	local opt missing=""
	for opt in $(build/vigil --help | sed -nE 's/^  (--[a-z-]+).*/\1/p'); do
		grep -qE "^ +$opt( |$)" <<<"$text" || missing+=" $opt"
	done
	[[ -z $missing ]] && pass "vigil(8) has every option of vigil --help" ||
		fail "vigil(8) lacks$missing"
	text=$(MANWIDTH=100 man -l "$root/usr/share/man/man8/vigilctl.8.gz" 2>/dev/null)
	missing=""
	while IFS= read -r line; do
		[[ $line =~ _\(\"([^\"]+)\",\ (viewer|admin), ]] || continue
		grep -qE "^ +${BASH_REMATCH[1]}( |$)" <<<"$text" || missing+=" [${BASH_REMATCH[1]}]"
	done <control/console_command_list.h
	[[ -z $missing ]] && pass "vigilctl(8) has every console command" ||
		fail "vigilctl(8) lacks$missing"
}

check_logrotate()
{
	local root=$1
	command -v logrotate >/dev/null || { echo "SKIP: logrotate absent"; return; }
	# -d: read and explain, change nothing.
	check "logrotate reads /etc/logrotate.d/vigil" \
		logrotate -d -s "$tmp/logrotate.state" "$root/etc/logrotate.d/vigil"
}

purge_root()
{
	local root=$1 left
	check "dpkg --purge" dpkg --root="$root" --log=/dev/null --force-script-chrootless \
		--force-not-root --purge vigil
	left=$(cd "$root" && find . -mindepth 1 -not -path './var/lib/dpkg*' \
		-not -type d | head -n 5)
	[[ -z $left ]] && pass "purge leaves nothing of vigil" || fail "left after purge: $left"
	[[ ! -e $root/var/lib/vigil && ! -e $root/var/log/vigil ]] &&
		pass "purge removed /var/lib/vigil and /var/log/vigil" ||
		fail "purge kept the state or log directory"
}

check_make_install()
{
	local dest=$tmp/dest prefix=/opt/vigil-test
	if ! make --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" >"$tmp/out" 2>&1; then
		fail "make install DESTDIR PREFIX: $(tail -n 5 "$tmp/out")"
		return
	fi
	local f missing=""
	for f in $prefix/sbin/vigil $prefix/bin/vigilctl $prefix/share/man/man8/vigil.8 \
		$prefix/share/man/man8/vigilctl.8 $prefix/lib/systemd/system/vigil.service \
		/etc/vigil/vigil.conf /etc/vigil/policy.conf /etc/vigil/rules/web.rules \
		/etc/logrotate.d/vigil; do
		[[ -f $dest$f ]] || missing+=" $f"
	done
	for f in /var/lib/vigil /var/cache/vigil /var/log/vigil; do
		[[ -d $dest$f ]] || missing+=" $f/"
	done
	[[ -z $missing ]] && pass "make install honours DESTDIR and PREFIX" ||
		fail "make install DESTDIR=… PREFIX=$prefix: missing$missing"
	grep -q "^ExecStart=$prefix/sbin/vigil " "$dest$prefix/lib/systemd/system/vigil.service" &&
		pass "the unit runs $prefix/sbin/vigil" || fail "the unit's ExecStart ignores PREFIX"
	# A changed configuration survives uninstall; the rest goes.
	echo "disable sid 1" >>"$dest/etc/vigil/policy.conf"
	make --no-print-directory uninstall DESTDIR="$dest" PREFIX="$prefix" >"$tmp/out" 2>&1 ||
		fail "make uninstall: $(tail -n 5 "$tmp/out")"
	local left
	left=$(cd "$dest" && find . -type f | sort | tr '\n' ' ')
	[[ $left == "./etc/vigil/policy.conf " ]] &&
		pass "make uninstall removes all but the changed policy.conf" ||
		fail "after make uninstall: $left"
}

main()
{
	[[ -x build/vigil && -x build/vigilctl ]] || { echo "FAIL: build/vigil or build/vigilctl not built"; exit 1; }
	tmp=$(mktemp -d /tmp/vigil-service.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	local deb
	if ! make --no-print-directory deb >"$tmp/make.log" 2>&1; then
		tail -n 20 "$tmp/make.log"
		echo "FAIL: make deb"
		exit 1
	fi
	deb=$(sed -n 's/^deb: //p' "$tmp/make.log" | tail -n 1)
	[[ -f $deb ]] || { echo "FAIL: make deb named no package"; exit 1; }
	pass "make deb built $deb ($(du -k "$deb" | cut -f1) KB)"

	check_package "$deb"
	check_fresh_machine "$deb"
	install_into_root "$deb" "$tmp/root"
	check_installed_vigil "$tmp/root"
	check_unit "$tmp/root"
	check_man "$tmp/root"
	check_logrotate "$tmp/root"
	purge_root "$tmp/root"
	check_make_install

	if ((failures)); then
		echo "service_package: $failures failure(s)"
		exit 1
	fi
	echo "service_package: passed"
}

main "$@"
