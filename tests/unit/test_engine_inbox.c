/* test_engine_inbox.c - each client keeps what arrived: a packet that comes
 * before the step expecting it is still matched, one that matches nothing
 * stays for a later step, and `peek` leaves what it matched unread. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/engine_fixture.h"
#include "tests/unit/suites.h"

#define HEAD "{'id':'i','title':'t','clients':{'a':{}},'steps':[{'client':'a','connect':true},{'client':'a','wait_ms':50},"
#define PONG(peek, within) \
	"{'client':'a','expect':{'type':'PINGRESP'},'within_ms':" #within peek ",'checks':['MQTT-3.12.4-1']}"
#define QUIET "{'client':'a','expect':{'nothing':true},'within_ms':30,'checks':['MQTT-3.12.4-1']}"

/* The PINGRESP comes right after the CONNACK, before any step asks for it. */
static const struct fake_step early_s[] = {FP_ACCEPT, FP_SEND(0xd0, 0x00), FP_END};
static const struct fake_step *const early[] = {early_s};

START_TEST(early_packet_matched)
{
	struct ef_run r;
	ef_run1(&r, HEAD PONG("", 30) "]}", early, 1, NULL);
	ck_assert_ptr_null(fake_peer_error(r.peer));
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	ef_free(&r);
}
END_TEST

START_TEST(matched_packet_is_read)
{
	struct ef_run r;
	ef_run1(&r, HEAD PONG("", 30) "," PONG("", 30) "," QUIET "]}", early, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_FAIL, "nothing matching arrived within the window");
	ef_free(&r);
}
END_TEST

START_TEST(peek_leaves_packet_unread)
{
	struct ef_run r;
	ef_run1(&r, HEAD PONG(",'peek':true", 30) "," PONG("", 30) "," QUIET "]}", early, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	/* The same packet again: peek left it in the inbox... */
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "PINGRESP");
	/* ...and the step without peek read it, so the inbox is empty. */
	ef_assert(ef_check(&r.res[0], "steps[4]"), CHECK_PASS, "nothing arrived");
	ef_free(&r);
}
END_TEST

START_TEST(peeked_packet_is_not_nothing)
{
	struct ef_run r;
	ef_run1(&r, HEAD PONG(",'peek':true", 30) "," QUIET "]}", early, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, NULL);
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_FAIL, "got PINGRESP");
	ef_free(&r);
}
END_TEST

/* PUBACK 5 first, then the PINGRESP: the PINGRESP step passes over the
 * PUBACK, which a later step still finds. */
static const struct fake_step two_s[] = {FP_ACCEPT, FP_SEND(0x40, 0x02, 0x00, 0x05, 0xd0, 0x00), FP_END};
static const struct fake_step *const two[] = {two_s};

START_TEST(unmatched_packet_stays)
{
	struct ef_run r;
	ef_run1(&r,
		HEAD PONG("", 30) ",{'client':'a','expect':{'type':'PUBACK','packet_id':5},'within_ms':30,"
			       "'checks':['MQTT-3.12.4-1']}]}",
		two, 1, NULL);
	ef_assert(ef_check(&r.res[0], "steps[2]"), CHECK_PASS, "PINGRESP");
	ef_assert(ef_check(&r.res[0], "steps[3]"), CHECK_PASS, "PUBACK");
	ef_free(&r);
}
END_TEST

/* A packet of the right type but the wrong field is the nearest miss the failure names. */
START_TEST(near_miss_named)
{
	struct ef_run r;
	ef_run1(&r, HEAD "{'client':'a','expect':{'type':'PUBACK','packet_id':6},'within_ms':30,'checks':['MQTT-3.12.4-1']}]}",
		two, 1, NULL);
	const struct check_result *c = ef_check(&r.res[0], "steps[2]");
	ef_assert(c, CHECK_FAIL, "got PUBACK");
	ck_assert_ptr_nonnull(strstr(c->actual, "packet_id"));
	ef_free(&r);
}
END_TEST

Suite *engine_inbox_suite(void)
{
	Suite *s = suite_create("engine_inbox");
	TCase *tc = tcase_create("inbox");
	tcase_add_checked_fixture(tc, ef_setup, ef_teardown);
	tcase_add_test(tc, early_packet_matched);
	tcase_add_test(tc, matched_packet_is_read);
	tcase_add_test(tc, peek_leaves_packet_unread);
	tcase_add_test(tc, peeked_packet_is_not_nothing);
	tcase_add_test(tc, unmatched_packet_stays);
	tcase_add_test(tc, near_miss_named);
	suite_add_tcase(s, tc);
	return s;
}
