/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of control/community_id.c against the published test vectors
 * of the Community ID specification's reference implementation
 * (corelight/pycommunityid, tests/communityid_test.py): TCP, UDP, SCTP,
 * ICMP, ICMPv6 and a portless protocol, with seed 0 and seed 1, each
 * direction of a flow giving one ID, and one-way ICMP messages hashed as
 * seen.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "control/community_id.h"

struct vector {
	const char *src, *dst;
	uint8_t proto;
	uint16_t src_port, dst_port; /* ICMP: type, code */
	const char *seed0, *seed1;
};

static const struct vector vectors[] = {
    {"128.232.110.120", "66.35.250.204", 6, 34855, 80,
     "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc="},
    {"66.35.250.204", "128.232.110.120", 6, 80, 34855,
     "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc="},
    {"10.0.0.1", "10.0.0.2", 6, 10, 11569,
     "1:SXBGMX1lBOwhhoDrZynfROxnhnM=", "1:HmBRGR+fUyXF4t8WEtal7Y0gEAo="},
    {"192.168.1.52", "8.8.8.8", 17, 54585, 53,
     "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {"8.8.8.8", "192.168.1.52", 17, 53, 54585,
     "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {"192.168.170.8", "192.168.170.56", 132, 7, 80,
     "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=", "1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU="},
    {"192.168.170.56", "192.168.170.8", 132, 80, 7,
     "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=", "1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU="},
    {"192.168.0.89", "192.168.0.1", 1, 8, 0,
     "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {"192.168.0.1", "192.168.0.89", 1, 0, 8,
     "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {"192.168.0.89", "192.168.0.1", 1, 20, 0,
     "1:3o2RFccXzUgjl7zDpqmY7yJi8rI=", "1:lCXHHxavE1Vq3oX9NH5ladQg02o="},
    {"192.168.0.89", "192.168.0.1", 1, 20, 1,
     "1:tz/fHIDUHs19NkixVVoOZywde+I=", "1:Ie3wmFyxiEyikbsbcO03d2nh+PM="},
    {"192.168.0.1", "192.168.0.89", 1, 0, 20,
     "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {"fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 58, 135, 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="},
    {"fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 136, 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="},
    {"3ffe:507:0:1:260:97ff:fe07:69ea", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
     "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=", "1:OlOWx9psIbBFi7lOCw/4MhlKR9M="},
    {"3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:507:0:1:260:97ff:fe07:69ea", 58, 3, 0,
     "1:/OGBt9BN1ofenrmSPWYicpij2Vc=", "1:Ij4ZxnC87/MXzhOjvH2vHu7LRmE="},
    {"10.1.24.4", "10.1.12.1", 46, 0, 0,
     "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=", "1:BK3BVW3U2eemuwVQVN3zd/GULno="},
    {"10.1.12.1", "10.1.24.4", 46, 0, 0,
     "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=", "1:BK3BVW3U2eemuwVQVN3zd/GULno="},
};

static void test_published_vectors(void **unused)
{
	(void)unused;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		uint8_t src[16] = {0}, dst[16] = {0};
		int version = strchr(v->src, ':') ? 6 : 4;
		int af = version == 6 ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(af, v->src, src), 1);
		assert_int_equal(inet_pton(af, v->dst, dst), 1);
		char id[COMMUNITY_ID_MAX];
		size_t n =
		    community_id_v1(0, version, src, dst, v->proto, v->src_port, v->dst_port, id);
		assert_int_equal(n, strlen(v->seed0));
		if (strcmp(id, v->seed0) != 0)
			fail_msg("vector %zu seed 0: %s, want %s", i, id, v->seed0);
		community_id_v1(1, version, src, dst, v->proto, v->src_port, v->dst_port, id);
		if (strcmp(id, v->seed1) != 0)
			fail_msg("vector %zu seed 1: %s, want %s", i, id, v->seed1);
	}
}

static void test_no_ip(void **unused)
{
	(void)unused;
	uint8_t a[16] = {0};
	char id[COMMUNITY_ID_MAX] = "x";
	assert_int_equal(community_id_v1(0, 0, a, a, 6, 1, 2, id), 0);
	assert_string_equal(id, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_published_vectors),
	    cmocka_unit_test(test_no_ip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
