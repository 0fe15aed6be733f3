/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control plane's thread pools (the console's sessions, the
 * health checks' connections) share at their end: waiting, a bounded
 * time, for their detached threads to be gone. Header only.
 */
#ifndef VIGIL_CONTROL_THREADS_H
#define VIGIL_CONTROL_THREADS_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

/*
 * Wait until *live is 0, at most seconds; live is guarded by lock and
 * each thread that ends broadcasts changed. Returns true when none is
 * left (the caller may free what they used), false when one still runs
 * (its memory must then be left to the process's exit). Takes lock.
 */
static inline bool threads_wait_gone(pthread_mutex_t *lock, pthread_cond_t *changed,
				     const unsigned *live, unsigned seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(lock);
	while (*live > 0)
		if (pthread_cond_timedwait(changed, lock, &until) != 0)
			break;
	bool gone = *live == 0;
	pthread_mutex_unlock(lock);
	return gone;
}

#endif
