/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the link propagation decision (platform/link.c,
 * link_table_*), driven with readings and times as the watch would give
 * them: a port that loses its link takes its pair down and brings it back
 * when it returns; the pair's own readings while held are vigil's doing
 * and never act (no latching with both sides down); start-up and a port
 * brought back up settle before down counts as a loss; two pairs are
 * independent; propagation off only watches; a refused set is undone;
 * fail-closed's hold (link_table_force) is vigil's own doing, never a
 * loss, and letting go settles, except a port still held for its pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "platform/link.h"

#define SETTLE_MS 2000
#define START_MS  1000

/* Ports 0-1 and 2-3 are pairs, as a1-b1 and a2-b2 of board/inline-lab.conf. */
static const unsigned two_pairs[] = {1, 0, 3, 2};

static struct link_table table;

/* A table whose four ports all came up at start. */
static void start_up(bool propagate)
{
	struct link_action action;
	link_table_init(&table, two_pairs, 4, propagate, SETTLE_MS, START_MS);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(link_table_observe(&table, i, true, START_MS + 10, &action),
				 LINK_EVENT_NONE);
		assert_int_equal(action.set, LINK_SET_NONE);
	}
}

/* Observe port i at now_ms; the event and the action must be as given. */
static void expect(unsigned i, bool up, uint64_t now_ms, enum link_event event, enum link_set set,
		   unsigned target)
{
	struct link_action action;
	enum link_event got = link_table_observe(&table, i, up, now_ms, &action);
	if (got != event)
		fail_msg("port %u %s at %llu ms: event %s, want %s", i, up ? "up" : "down",
			 (unsigned long long)now_ms, link_event_name[got], link_event_name[event]);
	assert_int_equal(action.set, set);
	if (set != LINK_SET_NONE)
		assert_int_equal(action.port, target);
}

static void test_loss_takes_pair_down_and_back(void **state)
{
	(void)state;
	start_up(true);
	expect(0, false, 5000, LINK_EVENT_DOWN, LINK_SET_DOWN, 1);
	assert_int_equal(table.ports[1].hold, LINK_HOLD_DOWN);
	/* the pair reads down: vigil's own doing, once; then nothing */
	expect(1, false, 5050, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(1, false, 5100, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	/* still down: nothing more, however long */
	expect(0, false, 60000, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	expect(0, true, 61000, LINK_EVENT_UP, LINK_SET_UP, 1);
	assert_int_equal(table.ports[1].hold, LINK_HOLD_SETTLING);
	expect(1, true, 61050, LINK_EVENT_UP_AS_SET, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[1].hold, LINK_HOLD_NONE);
	assert_int_equal(table.ports[0].down, 1);
	assert_int_equal(table.ports[0].up_count, 1);
	assert_int_equal(table.ports[1].taken_down, 1);
	assert_int_equal(table.ports[1].brought_up, 1);
	assert_int_equal(table.ports[1].down, 0);
	assert_int_equal(table.ports[1].up_count, 1);
}

static void test_held_port_never_acts(void **state)
{
	(void)state;
	start_up(true);
	expect(0, false, 5000, LINK_EVENT_DOWN, LINK_SET_DOWN, 1);
	/* whatever the held port reads, it neither takes port 0 down nor up */
	expect(1, false, 5050, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(1, true, 5100, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(1, false, 5150, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(1, false, 90000, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[0].hold, LINK_HOLD_NONE);
	assert_int_equal(table.ports[1].down, 0);
	/* so when port 0 returns, both are up again: no latch */
	expect(0, true, 91000, LINK_EVENT_UP, LINK_SET_UP, 1);
	expect(1, true, 91010, LINK_EVENT_UP_AS_SET, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[0].hold, LINK_HOLD_NONE);
	assert_int_equal(table.ports[1].hold, LINK_HOLD_NONE);
}

static void test_pairs_independent(void **state)
{
	(void)state;
	start_up(true);
	expect(3, false, 5000, LINK_EVENT_DOWN, LINK_SET_DOWN, 2);
	expect(0, false, 5010, LINK_EVENT_DOWN, LINK_SET_DOWN, 1);
	expect(1, false, 5050, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(2, false, 5050, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(0, true, 6000, LINK_EVENT_UP, LINK_SET_UP, 1);
	/* pair 2 still held for port 3 */
	assert_int_equal(table.ports[2].hold, LINK_HOLD_DOWN);
	expect(3, true, 7000, LINK_EVENT_UP, LINK_SET_UP, 2);
}

static void test_start_settles(void **state)
{
	(void)state;
	struct link_action action;
	link_table_init(&table, two_pairs, 4, true, SETTLE_MS, START_MS);
	/* a NIC's link comes up a while after start: down before the deadline is no loss */
	for (unsigned i = 0; i < 4; i++)
		expect(i, false, START_MS + 500, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	expect(0, true, START_MS + 900, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	expect(1, true, START_MS + 900, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	expect(2, true, START_MS + 900, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[0].up_count, 0); /* up from the start is not a change */
	expect(3, false, START_MS + SETTLE_MS - 1, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	/* port 3 never came up: at the deadline it has lost its link */
	expect(3, false, START_MS + SETTLE_MS, LINK_EVENT_DOWN_AT_START, LINK_SET_DOWN, 2);
	assert_int_equal(table.ports[3].down, 1);
	assert_int_equal(link_table_observe(&table, 2, false, START_MS + SETTLE_MS + 50, &action),
			 LINK_EVENT_OWN);
	expect(3, true, 9000, LINK_EVENT_UP, LINK_SET_UP, 2);
}

static void test_restored_port_settles(void **state)
{
	(void)state;
	start_up(true);
	expect(0, false, 5000, LINK_EVENT_DOWN, LINK_SET_DOWN, 1);
	expect(1, false, 5050, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(0, true, 8000, LINK_EVENT_UP, LINK_SET_UP, 1);
	/* port 1 negotiates its link: down is no loss within settle_ms */
	expect(1, false, 8050, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	expect(1, false, 8000 + SETTLE_MS - 1, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	/* ... but past it, port 1 has lost its link by itself (both cables were
	 * pulled): now port 0 is taken down, for port 1 */
	expect(1, false, 8000 + SETTLE_MS, LINK_EVENT_DOWN, LINK_SET_DOWN, 0);
	assert_int_equal(table.ports[0].hold, LINK_HOLD_DOWN);
	expect(0, false, 10050, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(1, true, 12000, LINK_EVENT_UP, LINK_SET_UP, 0);
	expect(0, true, 12050, LINK_EVENT_UP_AS_SET, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[0].hold, LINK_HOLD_NONE);
	assert_int_equal(table.ports[1].hold, LINK_HOLD_NONE);
}

static void test_loss_again_while_settling(void **state)
{
	(void)state;
	start_up(true);
	expect(0, false, 5000, LINK_EVENT_DOWN, LINK_SET_DOWN, 1);
	expect(0, true, 5200, LINK_EVENT_UP, LINK_SET_UP, 1);
	/* a flap: port 0 goes again before port 1 came up */
	expect(0, false, 5250, LINK_EVENT_DOWN, LINK_SET_DOWN, 1);
	assert_int_equal(table.ports[1].hold, LINK_HOLD_DOWN);
	assert_int_equal(table.ports[1].taken_down, 2);
	/* its readings are still vigil's own: never a loss of its own */
	expect(1, false, 9000, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(1, false, 9050, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[1].down, 0);
}

static void test_propagation_off_only_watches(void **state)
{
	(void)state;
	start_up(false);
	expect(0, false, 5000, LINK_EVENT_DOWN, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[1].hold, LINK_HOLD_NONE);
	expect(1, false, 5010, LINK_EVENT_DOWN, LINK_SET_NONE, 0);
	expect(0, true, 6000, LINK_EVENT_UP, LINK_SET_NONE, 0);
	expect(1, true, 6010, LINK_EVENT_UP, LINK_SET_NONE, 0);
	assert_int_equal(table.ports[0].down, 1);
	assert_int_equal(table.ports[1].down, 1);
	assert_int_equal(table.ports[1].taken_down, 0);
}

static void test_refused_set(void **state)
{
	(void)state;
	struct link_action action;
	start_up(true);
	assert_int_equal(link_table_observe(&table, 0, false, 5000, &action), LINK_EVENT_DOWN);
	assert_int_equal(action.set, LINK_SET_DOWN);
	link_table_failed(&table, &action);
	assert_int_equal(table.ports[1].set_failures, 1);
	/* not held: its readings are believed, its own loss acts */
	assert_int_equal(table.ports[1].hold, LINK_HOLD_NONE);
	expect(1, true, 5050, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	expect(0, true, 6000, LINK_EVENT_UP, LINK_SET_NONE, 0);
	/* a refused bring-up leaves the port settling: still down past the deadline, a loss */
	expect(2, false, 7000, LINK_EVENT_DOWN, LINK_SET_DOWN, 3);
	assert_int_equal(link_table_observe(&table, 2, true, 8000, &action), LINK_EVENT_UP);
	assert_int_equal(action.set, LINK_SET_UP);
	link_table_failed(&table, &action);
	assert_int_equal(table.ports[3].hold, LINK_HOLD_SETTLING);
	expect(3, false, 8000 + SETTLE_MS, LINK_EVENT_DOWN, LINK_SET_DOWN, 2);
}

/* Force port i down or let it go; the action must be as given. */
static void force(unsigned i, bool down, uint64_t now_ms, enum link_set set)
{
	struct link_action action;
	link_table_force(&table, i, down, now_ms, &action);
	assert_int_equal(action.set, set);
	if (set != LINK_SET_NONE)
		assert_int_equal(action.port, i);
}

/*
 * Fail-closed takes every port down: their readings are vigil's own (no
 * propagation, no loss counted); let go, they come up and settle. A port
 * held down for its pair when fail-closed ends stays down.
 */
static void test_fail_closed_force(void **state)
{
	(void)state;
	start_up(true);
	for (unsigned i = 0; i < 4; i++)
		force(i, true, 5000, LINK_SET_DOWN);
	for (unsigned i = 0; i < 4; i++)
		expect(i, false, 5010, LINK_EVENT_OWN, LINK_SET_NONE, 0);
	expect(0, false, 5060, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	for (unsigned i = 0; i < 4; i++)
		force(i, false, 6000, LINK_SET_UP);
	assert_int_equal(table.ports[0].hold, LINK_HOLD_SETTLING);
	expect(0, false, 6000 + SETTLE_MS - 1, LINK_EVENT_NONE, LINK_SET_NONE, 0);
	expect(0, true, 6000 + SETTLE_MS + 1, LINK_EVENT_UP_AS_SET, LINK_SET_NONE, 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(table.ports[i].down, 0);

	/* a2 lost its link by itself, b2 is held for it: fail-closed comes and goes */
	expect(2, false, 20000, LINK_EVENT_DOWN, LINK_SET_DOWN, 3);
	force(3, true, 21000, LINK_SET_DOWN);
	force(3, false, 22000, LINK_SET_NONE);
	assert_int_equal(table.ports[3].hold, LINK_HOLD_DOWN);
	expect(2, true, 23000, LINK_EVENT_UP, LINK_SET_UP, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_loss_takes_pair_down_and_back),
	    cmocka_unit_test(test_held_port_never_acts),
	    cmocka_unit_test(test_pairs_independent),
	    cmocka_unit_test(test_start_settles),
	    cmocka_unit_test(test_restored_port_settles),
	    cmocka_unit_test(test_loss_again_while_settling),
	    cmocka_unit_test(test_propagation_off_only_watches),
	    cmocka_unit_test(test_refused_set),
	    cmocka_unit_test(test_fail_closed_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
