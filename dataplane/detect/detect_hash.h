/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hash of the detection stage's small per-worker tables (thresholds,
 * xbits): FNV-1a over a key's bytes. Keys are short and zero-padded, the
 * tables small, and the hash taken once per event, so a simple byte hash
 * is enough. Per-packet path.
 */
#ifndef VIGIL_DATAPLANE_DETECT_HASH_H
#define VIGIL_DATAPLANE_DETECT_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t detect_hash(const void *key, size_t len)
{
	const uint8_t *b = key;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

#endif
