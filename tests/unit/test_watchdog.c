/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/watchdog.c and dataplane/handoff.c: the
 * watchdog's judgement of a worker with injected time (fail-open: claim,
 * bypass, give back, a claim dropped when the worker was only slow;
 * fail-closed: trip and recover; a worker not started yet never trips),
 * its pass over a worker with the links and events it causes, and the
 * queue handoff under two real threads: a worker that enters and leaves
 * its "queue" around every use and sometimes stalls in the middle of a
 * burst, and a controller that claims, waits until the worker is out,
 * uses the queue and gives it back, thousands of times, with and without
 * membarrier: never two users at once. The same run with a controller
 * that does not wait must see them overlap, so the check can fail.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "control/watchdog.h"
#include "dataplane/handoff.h"
#include "dataplane/worker.h"

#define AFTER 200

static struct watchdog_view view_of(uint64_t turns, bool busy, bool waiting)
{
	return (struct watchdog_view){.turns = turns, .busy = busy, .waiting = waiting};
}

static enum watchdog_action judge(struct watchdog_worker *w, enum watchdog_policy policy,
				  uint64_t turns, bool busy, bool waiting, uint64_t now)
{
	struct watchdog_view v = view_of(turns, busy, waiting);
	return watchdog_judge(w, policy, &v, now, AFTER);
}

/* A worker that has not turned yet is starting: never tripped, however long. */
static void test_not_started_never_trips(void **state)
{
	(void)state;
	struct watchdog_worker w = {0};
	assert_int_equal(judge(&w, WATCHDOG_FAIL_OPEN, 0, false, false, 1000), WATCHDOG_NONE);
	assert_int_equal(judge(&w, WATCHDOG_FAIL_OPEN, 0, false, false, 100000), WATCHDOG_NONE);
	assert_int_equal(w.state, WATCHDOG_RUNNING);
	assert_int_equal(w.trips, 0);
}

/*
 * Fail-open: still for fail_after_ms -> claim; the claim holds once the
 * worker is out of its device call -> bypass; the worker waiting for its
 * queues -> give back, and it gets a fresh fail_after_ms to turn.
 */
static void test_fail_open_cycle(void **state)
{
	(void)state;
	struct watchdog_worker w = {0};
	enum watchdog_policy open = WATCHDOG_FAIL_OPEN;
	assert_int_equal(judge(&w, open, 5, false, false, 1000), WATCHDOG_NONE);
	assert_int_equal(judge(&w, open, 9, false, false, 1100), WATCHDOG_NONE); /* moving */
	assert_int_equal(judge(&w, open, 9, false, false, 1100 + AFTER - 1), WATCHDOG_NONE);
	assert_int_equal(judge(&w, open, 9, false, false, 1100 + AFTER), WATCHDOG_CLAIM);
	assert_int_equal(w.state, WATCHDOG_TAKING);
	assert_int_equal(w.trips, 1);
	/* inside a device call: not ours yet */
	assert_int_equal(judge(&w, open, 9, true, false, 1301), WATCHDOG_NONE);
	assert_int_equal(judge(&w, open, 9, true, false, 1302), WATCHDOG_NONE);
	assert_int_equal(judge(&w, open, 9, false, false, 1303), WATCHDOG_BYPASS);
	assert_int_equal(w.state, WATCHDOG_BYPASSED);
	for (uint64_t t = 1304; t < 4000; t += 97)
		assert_int_equal(judge(&w, open, 9, false, false, t), WATCHDOG_NONE);
	assert_int_equal(judge(&w, open, 9, false, true, 4300), WATCHDOG_GIVE_BACK);
	assert_int_equal(w.state, WATCHDOG_RUNNING);
	assert_int_equal(w.last_ms, 4300 - 1300); /* from the trip to the give-back */
	assert_int_equal(w.longest_ms, 3000);
	/* waiting still shows until it has its queues: no claim at once */
	assert_int_equal(judge(&w, open, 9, false, true, 4301), WATCHDOG_NONE);
	assert_int_equal(judge(&w, open, 10, false, false, 4302), WATCHDOG_NONE);
	/* stuck again: a second trip */
	assert_int_equal(judge(&w, open, 10, false, false, 4302 + AFTER), WATCHDOG_CLAIM);
	assert_int_equal(w.trips, 2);
}

/* A claimed worker that turns (it was only slow) or waits first: the claim is dropped, no trip. */
static void test_fail_open_claim_abandoned(void **state)
{
	(void)state;
	enum watchdog_policy open = WATCHDOG_FAIL_OPEN;
	for (int waiting = 0; waiting < 2; waiting++) {
		struct watchdog_worker w = {0};
		assert_int_equal(judge(&w, open, 3, false, false, 100), WATCHDOG_NONE);
		assert_int_equal(judge(&w, open, 3, true, false, 100 + AFTER), WATCHDOG_CLAIM);
		assert_int_equal(judge(&w, open, 3 + !waiting, true, waiting, 100 + AFTER + 1),
				 WATCHDOG_ABANDON);
		assert_int_equal(w.state, WATCHDOG_RUNNING);
		assert_int_equal(w.trips, 0);
		assert_int_equal(judge(&w, open, 4, false, false, 100 + 2 * AFTER), WATCHDOG_NONE);
	}
}

/* A bypassed worker whose heartbeat moves (it had no queue to wait for) gets them back too. */
static void test_fail_open_heartbeat_gives_back(void **state)
{
	(void)state;
	struct watchdog_worker w = {0};
	enum watchdog_policy open = WATCHDOG_FAIL_OPEN;
	judge(&w, open, 1, false, false, 0 + 1);
	assert_int_equal(judge(&w, open, 1, false, false, 1 + AFTER), WATCHDOG_CLAIM);
	assert_int_equal(judge(&w, open, 1, false, false, 2 + AFTER), WATCHDOG_BYPASS);
	assert_int_equal(judge(&w, open, 2, false, false, 900), WATCHDOG_GIVE_BACK);
	assert_int_equal(w.state, WATCHDOG_RUNNING);
}

/* Fail-closed: trip after fail_after_ms, stalled until it moves, then recover. */
static void test_fail_closed_cycle(void **state)
{
	(void)state;
	struct watchdog_worker w[2] = {{0}};
	enum watchdog_policy closed = WATCHDOG_FAIL_CLOSED;
	judge(&w[0], closed, 7, false, false, 10);
	judge(&w[1], closed, 7, false, false, 10);
	assert_int_equal(judge(&w[0], closed, 7, false, false, 10 + AFTER), WATCHDOG_TRIP);
	assert_int_equal(w[0].state, WATCHDOG_STALLED);
	assert_true(watchdog_any_stalled(w, 2));
	assert_int_equal(judge(&w[0], closed, 7, false, false, 5000), WATCHDOG_NONE);
	assert_int_equal(judge(&w[0], closed, 8, false, false, 5001), WATCHDOG_RECOVER);
	assert_false(watchdog_any_stalled(w, 2));
	assert_int_equal(w[0].last_ms, 5001 - (10 + AFTER));
	assert_int_equal(w[0].trips, 1);
}

/* ---- the control lcore's pass over a worker (no queues: nothing to forward) ---- */

static struct worker_conf conf;
static unsigned link_calls, links_up_calls, events;
static char last_event[512];

static int fake_link_set(void *arg, uint16_t port_id, bool up)
{
	assert_ptr_equal(arg, &conf);
	(void)port_id;
	link_calls++;
	links_up_calls += up;
	return 0;
}

static void fake_event(void *arg, const char *level, const char *message)
{
	assert_null(arg);
	assert_true(strcmp(level, "Info") == 0 || strcmp(level, "Warning") == 0);
	events++;
	snprintf(last_event, sizeof(last_event), "%s", message);
}

static void set_turns(uint64_t turns)
{
	__atomic_store_n(&conf.heartbeat.turns, turns, __ATOMIC_RELAXED);
}

static void test_poll_fail_closed_links(void **state)
{
	(void)state;
	static struct watchdog wd;
	memset(&conf, 0, sizeof(conf));
	link_calls = links_up_calls = events = 0;
	watchdog_init(&wd, WATCHDOG_FAIL_CLOSED, AFTER, fake_link_set, &conf, fake_event, NULL);
	assert_int_equal(watchdog_add_worker(&wd, &conf), 0);
	assert_int_equal(watchdog_add_port(&wd, 0), 0);
	assert_int_equal(watchdog_add_port(&wd, 1), 0);
	assert_int_equal(watchdog_add_port(&wd, WATCHDOG_MAX_PORTS), -EINVAL);
	set_turns(1);
	watchdog_poll(&wd, 100);
	watchdog_poll(&wd, 100 + AFTER - 1);
	assert_int_equal(link_calls, 0);
	watchdog_poll(&wd, 100 + AFTER);
	assert_int_equal(link_calls, 2); /* both ports down */
	assert_int_equal(links_up_calls, 0);
	assert_true(wd.links_down);
	watchdog_poll(&wd, 2000);
	assert_int_equal(link_calls, 2);
	set_turns(2);
	watchdog_poll(&wd, 2001);
	assert_int_equal(link_calls, 4);
	assert_int_equal(links_up_calls, 2);
	assert_false(wd.links_down);
	assert_non_null(strstr(last_event, "up (every worker moves again)"));
	watchdog_stop(&wd, 2002); /* fail-closed: down until the next start */
	assert_int_equal(link_calls, 6);
	assert_int_equal(events, 5); /* stalled, down, moves, up, down */
}

static void test_poll_fail_open_handoff(void **state)
{
	(void)state;
	static struct watchdog wd;
	memset(&conf, 0, sizeof(conf));
	link_calls = events = 0;
	watchdog_init(&wd, WATCHDOG_FAIL_OPEN, AFTER, fake_link_set, &conf, fake_event, NULL);
	assert_int_equal(watchdog_add_worker(&wd, &conf), 0);
	set_turns(1);
	watchdog_poll(&wd, 10);
	assert_false(watchdog_bypassing(&wd));
	/* the worker is inside a device call when the claim comes */
	conf.handoff.worker_busy = 1;
	watchdog_poll(&wd, 10 + AFTER);
	assert_int_equal(conf.handoff.control_owns, 1);
	assert_int_equal(wd.workers[0].state, WATCHDOG_TAKING);
	assert_false(watchdog_bypassing(&wd));
	conf.handoff.worker_busy = 0;
	watchdog_poll(&wd, 11 + AFTER);
	assert_true(watchdog_bypassing(&wd));
	assert_int_equal(events, 1);
	/* it moves again and waits for its queues: they go back */
	conf.handoff.worker_waiting = 1;
	watchdog_poll(&wd, 3000);
	assert_false(watchdog_bypassing(&wd));
	assert_int_equal(conf.handoff.control_owns, 0);
	assert_int_equal(events, 2);
	assert_non_null(strstr(last_event, "fail-open ended: worker 0 moves again after"));
	assert_int_equal(link_calls, 0);
	conf.handoff.worker_waiting = 0;
	/* claimed again, then the appliance stops: the queues go back */
	watchdog_poll(&wd, 3000 + AFTER);
	assert_true(watchdog_bypassing(&wd));
	watchdog_stop(&wd, 3500);
	assert_false(watchdog_bypassing(&wd));
	assert_int_equal(conf.handoff.control_owns, 0);
	assert_int_equal(link_calls, 0);
}

/* ---- the handoff under two threads ---- */

struct stress {
	struct handoff h;
	atomic_int users;      /* inside the "queue" now */
	atomic_ulong overlaps; /* times someone found another user inside */
	atomic_bool done;
	bool control_waits; /* the protocol: use the queues only once ready */
	unsigned long worker_uses, control_uses, takeovers, returned;
};

static struct stress stress;

/* A device call: anyone else inside at the same time is the bug this guards against. */
static void stress_use(struct stress *s)
{
	if (atomic_fetch_add(&s->users, 1) != 0)
		atomic_fetch_add(&s->overlaps, 1);
	for (volatile int i = 0; i < 300; i++)
		;
	atomic_fetch_sub(&s->users, 1);
}

static bool stress_stopping(void)
{
	return atomic_load(&stress.done);
}

/* One device call the worker's way (enter, use, leave); false when told to stop. */
static bool stress_worker_call(struct stress *s)
{
	enum handoff_entry e = handoff_worker_enter(&s->h, stress_stopping);
	if (e == HANDOFF_STOPPING)
		return false;
	s->returned += e == HANDOFF_RETURNED;
	stress_use(s);
	s->worker_uses++;
	handoff_worker_leave(&s->h);
	return true;
}

static void *stress_worker(void *arg)
{
	struct stress *s = arg;
	unsigned seed = 1;
	/* receive, the pipeline (stuck now and then with the burst in hand), transmit */
	while (!atomic_load(&s->done) && stress_worker_call(s)) {
		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 128 == 0)
			usleep(300);
		if (!stress_worker_call(s))
			break;
	}
	return NULL;
}

static void *stress_control(void *arg)
{
	struct stress *s = arg;
	uint64_t forwarded = 0;
	while (!atomic_load(&s->done)) {
		usleep(50);
		handoff_control_claim(&s->h);
		s->takeovers++;
		while (s->control_waits && !handoff_control_ready(&s->h))
			sched_yield();
		for (int k = 0; k < 8; k++) {
			stress_use(s);
			s->control_uses++;
		}
		handoff_control_release(&s->h, ++forwarded);
	}
	return NULL;
}

static void stress_run(bool control_waits, double seconds)
{
	memset(&stress, 0, sizeof(stress));
	stress.control_waits = control_waits;
	pthread_t worker, control;
	assert_int_equal(pthread_create(&worker, NULL, stress_worker, &stress), 0);
	assert_int_equal(pthread_create(&control, NULL, stress_control, &stress), 0);
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		usleep(10000);
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* the unguarded run stops at its first overlap */
	} while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 <
		     seconds &&
		 (control_waits || atomic_load(&stress.overlaps) == 0));
	atomic_store(&stress.done, true);
	pthread_join(control, NULL);
	handoff_control_release(&stress.h, 0); /* a worker waiting at the end */
	pthread_join(worker, NULL);
}

static void test_handoff_never_two_users(void **state)
{
	(void)state;
	for (int barrier = 0; barrier < 2; barrier++) {
		if (barrier)
			assert_int_equal(handoff_init(), 0); /* membarrier: workers fence nothing */
		else
			handoff_asymmetric = false; /* without: workers fence */
		stress_run(true, 0.5);
		print_message("handoff (%s): %lu worker uses, %lu control uses in %lu takeovers, "
			      "worker found them taken %lu times, %lu overlaps\n",
			      handoff_asymmetric ? "membarrier" : "fences", stress.worker_uses,
			      stress.control_uses, stress.takeovers, (unsigned long)stress.h.waits,
			      (unsigned long)atomic_load(&stress.overlaps));
		assert_int_equal(atomic_load(&stress.overlaps), 0);
		assert_true(stress.takeovers > 100);
		assert_true(stress.worker_uses > 1000);
		assert_true(stress.h.waits > 0 && stress.returned > 0);
	}
}

/* The check can fail: a controller that does not wait for the worker to leave meets it inside. */
static void test_handoff_check_can_fail(void **state)
{
	(void)state;
	stress_run(false, 5.0);
	print_message("unguarded: %lu overlaps in %lu takeovers\n",
		      (unsigned long)atomic_load(&stress.overlaps), stress.takeovers);
	assert_true(atomic_load(&stress.overlaps) > 0);
}

/* A worker waiting for queues the control lcore keeps gives up when the appliance stops. */
static bool always_stopping(void)
{
	return true;
}

static void test_handoff_wait_ends_on_stop(void **state)
{
	(void)state;
	struct handoff h __attribute__((aligned(64))) = {0};
	handoff_control_claim(&h);
	assert_int_equal(handoff_worker_enter(&h, always_stopping), HANDOFF_STOPPING);
	assert_int_equal(h.worker_busy, 0);
	assert_int_equal(h.worker_waiting, 0);
	handoff_control_release(&h, 42);
	assert_int_equal(handoff_worker_enter(&h, always_stopping), HANDOFF_OWNED);
	assert_int_equal(handoff_forwarded(&h), 42);
	handoff_worker_leave(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_not_started_never_trips),
	    cmocka_unit_test(test_fail_open_cycle),
	    cmocka_unit_test(test_fail_open_claim_abandoned),
	    cmocka_unit_test(test_fail_open_heartbeat_gives_back),
	    cmocka_unit_test(test_fail_closed_cycle),
	    cmocka_unit_test(test_poll_fail_closed_links),
	    cmocka_unit_test(test_poll_fail_open_handoff),
	    cmocka_unit_test(test_handoff_wait_ends_on_stop),
	    cmocka_unit_test(test_handoff_never_two_users),
	    cmocka_unit_test(test_handoff_check_can_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
