/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the EVE stats record (control/stats.c, stats_eve_record):
 * the counters vigil keeps, written under the names Suricata's stats
 * give them, so a check on stats.detect.alert_queue_overflow or
 * stats.decoder.event.udp.len_invalid reads the counter it means.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control/stats.h"
#include "dataplane/counters.h"

static char *record_of(const struct worker_counters *c)
{
	struct stats_worker worker = {.counters = c};
	struct stats_view view = {
	    .board = "offline", .mode = "ids", .workers = &worker, .worker_count = 1};
	size_t len = 0;
	char *line = stats_eve_record(&view, 0, 1.0, &len);
	assert_non_null(line);
	assert_int_equal(strlen(line), len);
	return line;
}

/* The packet alert queue's overflow is Suricata's alert_queue_overflow, not a full alert ring. */
static void test_stats_alert_queue_overflow(void **unused)
{
	(void)unused;
	static struct worker_counters c;
	c.counter[WORKER_COUNTER_ALERTS] = 3;
	c.counter[WORKER_COUNTER_ALERTS_DISCARDED] = 4;
	c.counter[WORKER_COUNTER_ALERTS_LOST] = 7;
	char *line = record_of(&c);
	assert_non_null(strstr(line, "\"detect\":{\"alert\":3,\"alert_queue_overflow\":4}"));
	free(line);
}

/* Packets the decoders refused, by Suricata's decoder event, grouped by layer; none: empty. */
static void test_stats_decoder_events(void **unused)
{
	(void)unused;
	static struct worker_counters c;
	char *line = record_of(&c);
	assert_non_null(strstr(line, "\"avg_pkt_size\":0,\"event\":{}}"));
	free(line);
	c.malformed[DECODE_UDP_BAD_LEN] = 1;
	c.malformed[DECODE_IPV4_TRUNCATED] = 2;
	c.malformed[DECODE_UDP_TRUNCATED] = 5;
	line = record_of(&c);
	assert_non_null(strstr(line, "\"event\":{\"ipv4\":{\"pkt_too_small\":2},"
				     "\"udp\":{\"pkt_too_small\":5,\"len_invalid\":1}}}"));
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stats_alert_queue_overflow),
	    cmocka_unit_test(test_stats_decoder_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
