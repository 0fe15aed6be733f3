/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one monotonic clock every folder reads: elapsed times, timeouts,
 * build durations. CLOCK_MONOTONIC never jumps with the wall clock, and on
 * Linux it is read through the vDSO, without a system call, so a worker may
 * read it once per burst. Wall-clock time (EVE timestamps) is left to the
 * callers that need it. Header only, so tools and fuzz targets need nothing
 * more to link.
 */
#ifndef VIGIL_PLATFORM_CLOCK_H
#define VIGIL_PLATFORM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Microseconds since an arbitrary point before the process started. Any lcore. */
static inline uint64_t clock_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The same clock in seconds, for durations shown to people. Any lcore. */
static inline double clock_monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
