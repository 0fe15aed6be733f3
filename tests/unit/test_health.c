/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/health.c: a worker's heartbeat judged with the
 * time given (started, stalled at exactly stall_ms, recovered with the
 * gap measured, counted once per stall), the appliance's state from its
 * workers, the verdict a health check is told (stopping first, a stale
 * judgement as the control lcore's own stall), and health_poll over
 * heartbeats that the test moves: failing within stall_ms plus one pass.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "control/health.h"

#define STALL_MS 500

static void test_judge_start_and_progress(void **state)
{
	(void)state;
	struct health_watch w = {0};
	/* heartbeat 0: the worker has not run yet, however long it takes */
	assert_int_equal(health_judge(&w, 0, 1000, STALL_MS), HEALTH_CHANGE_NONE);
	assert_int_equal(health_judge(&w, 0, 9000, STALL_MS), HEALTH_CHANGE_NONE);
	assert_false(w.stalled);
	assert_int_equal(w.moved_ms, 0);
	assert_int_equal(health_judge(&w, 1, 9001, STALL_MS), HEALTH_CHANGE_STARTED);
	assert_int_equal(w.moved_ms, 9001);
	/* any change is progress, even a smaller count (it is not an ordering) */
	assert_int_equal(health_judge(&w, 7, 9400, STALL_MS), HEALTH_CHANGE_NONE);
	assert_int_equal(health_judge(&w, 7, 9899, STALL_MS), HEALTH_CHANGE_NONE);
	assert_false(w.stalled);
	assert_int_equal(w.stalls, 0);
}

static void test_judge_stall_and_recovery(void **state)
{
	(void)state;
	struct health_watch w = {0};
	assert_int_equal(health_judge(&w, 5, 1000, STALL_MS), HEALTH_CHANGE_STARTED);
	assert_int_equal(health_judge(&w, 5, 1000 + STALL_MS - 1, STALL_MS), HEALTH_CHANGE_NONE);
	assert_false(w.stalled);
	assert_int_equal(health_judge(&w, 5, 1000 + STALL_MS, STALL_MS), HEALTH_CHANGE_STALLED);
	assert_true(w.stalled);
	assert_int_equal(w.stalls, 1);
	/* still stalled: said once */
	assert_int_equal(health_judge(&w, 5, 4000, STALL_MS), HEALTH_CHANGE_NONE);
	assert_int_equal(w.stalls, 1);
	assert_int_equal(health_judge(&w, 6, 4200, STALL_MS), HEALTH_CHANGE_RECOVERED);
	assert_false(w.stalled);
	assert_int_equal(w.last_gap_ms, 3200);
	assert_int_equal(w.longest_ms, 3200);
	/* a second, shorter stall: counted, the longest kept */
	assert_int_equal(health_judge(&w, 6, 4800, STALL_MS), HEALTH_CHANGE_STALLED);
	assert_int_equal(health_judge(&w, 9, 5000, STALL_MS), HEALTH_CHANGE_RECOVERED);
	assert_int_equal(w.stalls, 2);
	assert_int_equal(w.last_gap_ms, 800);
	assert_int_equal(w.longest_ms, 3200);
}

/* The control lcore judged seldom (a long pass): a worker that moved meanwhile is not stalled. */
static void test_judge_seldom(void **state)
{
	(void)state;
	struct health_watch w = {0};
	health_judge(&w, 1, 1000, STALL_MS);
	assert_int_equal(health_judge(&w, 2, 5000, STALL_MS), HEALTH_CHANGE_NONE);
	assert_false(w.stalled);
	assert_int_equal(health_judge(&w, 2, 5000 + STALL_MS, STALL_MS), HEALTH_CHANGE_STALLED);
}

static void test_overall(void **state)
{
	(void)state;
	struct health_watch w[3] = {{0}};
	assert_int_equal(health_overall(w, 0, false), HEALTH_STARTING);
	assert_int_equal(health_overall(w, 3, false), HEALTH_STARTING);
	health_judge(&w[0], 1, 10, STALL_MS);
	health_judge(&w[1], 1, 10, STALL_MS);
	assert_int_equal(health_overall(w, 3, false), HEALTH_STARTING);
	health_judge(&w[2], 1, 10, STALL_MS);
	assert_int_equal(health_overall(w, 3, false), HEALTH_HEALTHY);
	health_judge(&w[1], 1, 10 + STALL_MS, STALL_MS);
	assert_int_equal(health_overall(w, 3, false), HEALTH_WORKER_STALLED);
	assert_int_equal(health_overall(w, 3, true), HEALTH_STOPPING);
	health_judge(&w[1], 2, 20 + STALL_MS, STALL_MS);
	assert_int_equal(health_overall(w, 3, false), HEALTH_HEALTHY);
}

static void test_verdict(void **state)
{
	(void)state;
	/* never judged: starting, not the control lcore's stall */
	assert_int_equal(health_verdict(HEALTH_HEALTHY, 0, 5000, STALL_MS, false), HEALTH_STARTING);
	assert_int_equal(health_verdict(HEALTH_HEALTHY, 1000, 1000, STALL_MS, false),
			 HEALTH_HEALTHY);
	assert_int_equal(health_verdict(HEALTH_HEALTHY, 1000, 1000 + STALL_MS - 1, STALL_MS, false),
			 HEALTH_HEALTHY);
	assert_int_equal(health_verdict(HEALTH_HEALTHY, 1000, 1000 + STALL_MS, STALL_MS, false),
			 HEALTH_CONTROL_STALLED);
	/* a reader whose clock was read just before the judgement */
	assert_int_equal(health_verdict(HEALTH_HEALTHY, 1000, 999, STALL_MS, false),
			 HEALTH_HEALTHY);
	assert_int_equal(health_verdict(HEALTH_WORKER_STALLED, 1000, 1001, STALL_MS, false),
			 HEALTH_WORKER_STALLED);
	/* SIGTERM: failing at once, whatever was judged */
	assert_int_equal(health_verdict(HEALTH_HEALTHY, 1000, 1001, STALL_MS, true),
			 HEALTH_STOPPING);
	assert_int_equal(health_verdict(HEALTH_HEALTHY, 0, 0, STALL_MS, true), HEALTH_STOPPING);
}

/* health_poll over two heartbeats the test moves, one pass every 100 ms. */
static void test_poll(void **state)
{
	(void)state;
	static struct health h;
	volatile uint64_t beats[2] = {0, 0};
	health_init(&h, STALL_MS);
	assert_int_equal(health_add_worker(&h, &beats[0]), 0);
	assert_int_equal(health_add_worker(&h, &beats[1]), 0);
	assert_int_equal(health_now(&h, 1, false), HEALTH_STARTING);
	health_poll(&h, 100, false);
	assert_int_equal(health_now(&h, 100, false), HEALTH_STARTING);
	beats[0] = beats[1] = 1;
	health_poll(&h, 200, false);
	assert_int_equal(health_now(&h, 200, false), HEALTH_HEALTHY);
	assert_int_equal(h.failing, 0);
	/* worker 1 stops at 200 ms: failing from the first pass at or past 700 ms */
	uint64_t failed_at = 0;
	for (uint64_t now = 300; now <= 1500; now += 100) {
		beats[0]++;
		health_poll(&h, now, false);
		if (!failed_at && health_now(&h, now, false) != HEALTH_HEALTHY)
			failed_at = now;
	}
	assert_int_equal(failed_at, 200 + STALL_MS);
	assert_int_equal(health_now(&h, 1500, false), HEALTH_WORKER_STALLED);
	assert_int_equal(h.failing, 1);
	assert_int_equal(h.watch[1].stalls, 1);
	assert_int_equal(h.watch[0].stalls, 0);
	beats[1]++;
	health_poll(&h, 1600, false);
	assert_int_equal(health_now(&h, 1600, false), HEALTH_HEALTHY);
	assert_int_equal(h.watch[1].longest_ms, 1400);
	/* the control lcore stops judging: its verdict goes stale */
	assert_int_equal(health_now(&h, 1600 + STALL_MS, false), HEALTH_CONTROL_STALLED);
	assert_int_equal(health_now(&h, 1601, true), HEALTH_STOPPING);
	health_poll(&h, 1700, true);
	assert_int_equal(health_now(&h, 1700, false), HEALTH_STOPPING);
	assert_int_equal(h.failing, 2);
}

static void test_add_worker_limit(void **state)
{
	(void)state;
	static struct health h;
	static volatile uint64_t beat;
	health_init(&h, STALL_MS);
	for (unsigned i = 0; i < HEALTH_MAX_WORKERS; i++)
		assert_int_equal(health_add_worker(&h, &beat), 0);
	assert_int_equal(health_add_worker(&h, &beat), -ENOSPC);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(health_state_name[HEALTH_HEALTHY], "healthy");
	assert_string_equal(health_state_name[HEALTH_WORKER_STALLED], "worker_stalled");
	for (unsigned i = 0; i < HEALTH_STATE_COUNT; i++) {
		assert_non_null(health_state_name[i]);
		assert_non_null(health_state_text[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_judge_start_and_progress),
	    cmocka_unit_test(test_judge_stall_and_recovery),
	    cmocka_unit_test(test_judge_seldom),
	    cmocka_unit_test(test_overall),
	    cmocka_unit_test(test_verdict),
	    cmocka_unit_test(test_poll),
	    cmocka_unit_test(test_add_worker_limit),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
