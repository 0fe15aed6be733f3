/* SPDX-License-Identifier: BSD-3-Clause */
// FUZZ_SOURCES: dataplane/app/app_ssh.c dataplane/app/app_tls_fingerprint.c dataplane/app/app_json.c
/*
 * libFuzzer target for the SSH parser (dataplane/app/app_ssh.c): banner
 * lines, then the first binary packet (KEXINIT, HASSH). The first input
 * byte picks a piece size; the rest is the byte stream, fed to fresh
 * parser states in both directions in several splits by fuzz_app.h, every
 * emitted buffer read to its end. Links with -lmbedcrypto (MD5).
 */
#include "dataplane/app/app_parsers.h"
#include "tests/fuzz/fuzz_app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_app_input(&app_parser_ssh, data, size);
}
