#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A throw-away operator PKI for the lab board's console (never for a real
# appliance): an operator CA, the appliance's certificate (CN and SAN its
# management address 10.78.0.1), and operator certificates whose OU is the
# console role: admin.crt (OU=admin), viewer.crt (OU=viewer), norole.crt
# (no OU), rogue.crt (OU=admin, signed by another CA, so refused), and
# receiver.crt for the operator side's syslog and webhook receivers
# (vigil-operator, 10.78.0.2), and hooks.crt for receivers the sinks reach
# by host name through the lab's DNS (hooks.lab.test, syslog.lab.test).
# ECDSA P-256 keys, 30 days.
#
#   bash board/lab-pki.sh [DIR]     default DIR: build/lab-pki
#
# Idempotent: an existing DIR with a CA is kept as it is.
set -euo pipefail

readonly DIR=${1:-build/lab-pki}
readonly DAYS=30

pki_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# pki_cert NAME SUBJECT CA_NAME [EXTENSIONS]: NAME.key and NAME.crt signed by CA_NAME.
pki_cert()
{
	local name=$1 subject=$2 ca=$3 ext=${4:-}
	pki_key "$DIR/$name.key"
	openssl req -new -key "$DIR/$name.key" -subj "$subject" -out "$DIR/$name.csr" 2>/dev/null
	local -a extopt=()
	if [[ -n $ext ]]; then
		printf '%s\n' "$ext" >"$DIR/$name.ext"
		extopt=(-extfile "$DIR/$name.ext")
	fi
	openssl x509 -req -in "$DIR/$name.csr" -CA "$DIR/$ca.crt" -CAkey "$DIR/$ca.key" \
		-CAcreateserial -days "$DAYS" -sha256 "${extopt[@]}" -out "$DIR/$name.crt" 2>/dev/null
	rm -f "$DIR/$name.csr" "$DIR/$name.ext"
}

# pki_ca NAME SUBJECT: a self-signed CA.
pki_ca()
{
	pki_key "$DIR/$1.key"
	openssl req -x509 -new -key "$DIR/$1.key" -subj "$2" -days "$DAYS" -sha256 \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$DIR/$1.crt" 2>/dev/null
}

# The receivers reached by host name (lab_webhook_dns); added to a PKI made before them.
pki_hooks()
{
	pki_cert hooks "/O=vigil lab/CN=hooks.lab.test" ca \
		"subjectAltName=DNS:hooks.lab.test,DNS:syslog.lab.test"
}

main()
{
	if [[ -s $DIR/ca.crt && -s $DIR/rogue.crt && -s $DIR/receiver.crt ]]; then
		[[ -s $DIR/hooks.crt ]] || pki_hooks
		exit 0
	fi
	rm -rf "$DIR"
	mkdir -p "$DIR"
	chmod 700 "$DIR"
	pki_ca ca "/O=vigil lab/CN=vigil lab operator CA"
	pki_cert appliance "/O=vigil lab/CN=10.78.0.1" ca \
		"subjectAltName=IP:10.78.0.1,IP:fd78::1,DNS:vigil-lab"
	pki_cert admin "/O=vigil lab/OU=admin/CN=alice" ca "extendedKeyUsage=clientAuth"
	pki_cert viewer "/O=vigil lab/OU=viewer/CN=victor" ca "extendedKeyUsage=clientAuth"
	pki_cert norole "/O=vigil lab/CN=nobody" ca "extendedKeyUsage=clientAuth"
	pki_cert receiver "/O=vigil lab/CN=vigil-operator" ca \
		"subjectAltName=DNS:vigil-operator,IP:10.78.0.2"
	pki_hooks
	pki_ca rogue-ca "/O=elsewhere/CN=rogue CA"
	pki_cert rogue "/O=elsewhere/OU=admin/CN=mallory" rogue-ca "extendedKeyUsage=clientAuth"
	echo "lab PKI in $DIR: ca.crt, appliance, admin, viewer, norole, rogue, receiver, hooks (.crt/.key)"
}

main "$@"
