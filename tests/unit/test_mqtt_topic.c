/* test_mqtt_topic.c - topic names, filters and matching (spec 4.7). */
#include <string.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_topic.h"
#include "tests/unit/suites.h"

static const struct {
	const char *s;
	const char *clause; /* NULL: valid */
} names[] = {
	{"sport/tennis/player1", NULL},
	{"/", NULL},
	{"a//b", NULL},
	{"$SYS/broker", NULL},
	{"caf\xc3\xa9", NULL},
	{"", "MQTT-4.7.3-1"},
	{"sport/+", "MQTT-3.3.2-2"},
	{"sport/#", "MQTT-3.3.2-2"},
	{"a+b", "MQTT-3.3.2-2"},
	{"a/\xed\xa0\x80", "MQTT-1.5.3-1"},
}, filters[] = {
	{"#", NULL},
	{"+", NULL},
	{"sport/#", NULL},
	{"sport/+/player1", NULL},
	{"+/+", NULL},
	{"/+", NULL},
	{"+/tennis/#", NULL},
	{"a//+/", NULL},
	{"", "MQTT-4.7.3-1"},
	{"sport/tennis#", "MQTT-4.7.1-2"},
	{"sport/#/ranking", "MQTT-4.7.1-2"},
	{"#/", "MQTT-4.7.1-2"},
	{"##", "MQTT-4.7.1-2"},
	{"sport+", "MQTT-4.7.1-3"},
	{"+a/b", "MQTT-4.7.1-3"},
	{"a/++", "MQTT-4.7.1-3"},
	{"a/\xc0\x80", "MQTT-1.5.3-1"},
};

START_TEST(topic_check_name_table_gives_clause)
{
	struct mqtt_diag d = {0};
	const char *s = names[_i].s;
	int r = mqtt_topic_check_name(MQTT_V311, (const uint8_t *)s, strlen(s), &d);
	if (names[_i].clause == NULL) {
		ck_assert_msg(r == 0, "\"%s\": %s", s, d.msg);
		return;
	}
	ck_assert_msg(r == MQTT_ERR_VIOLATION, "\"%s\" accepted", s);
	ck_assert_str_eq(d.clause, names[_i].clause);
}
END_TEST

START_TEST(topic_check_filter_table_gives_clause)
{
	struct mqtt_diag d = {0};
	const char *s = filters[_i].s;
	int r = mqtt_topic_check_filter(MQTT_V311, (const uint8_t *)s, strlen(s), &d);
	if (filters[_i].clause == NULL) {
		ck_assert_msg(r == 0, "\"%s\": %s", s, d.msg);
		return;
	}
	ck_assert_msg(r == MQTT_ERR_VIOLATION, "\"%s\" accepted", s);
	ck_assert_str_eq(d.clause, filters[_i].clause);
}
END_TEST

START_TEST(topic_check_name_nul_is_1_5_3_2)
{
	struct mqtt_diag d = {0};
	ck_assert_int_eq(mqtt_topic_check_name(MQTT_V311, (const uint8_t *)"a\0b", 3, &d),
			 MQTT_ERR_VIOLATION);
	ck_assert_str_eq(d.clause, "MQTT-1.5.3-2");
	ck_assert_uint_eq(d.offset, 1);
	ck_assert_int_eq(mqtt_topic_check_name(MQTT_V311, NULL, 0, NULL), MQTT_ERR_VIOLATION);
}
END_TEST

static const struct {
	const char *filter, *name;
	bool match;
} matches[] = {
	{"sport/tennis/player1/#", "sport/tennis/player1", true},
	{"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
	{"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
	{"sport/#", "sport", true}, /* '#' covers the parent level too */
	{"sport/#", "sports", false},
	{"#", "a/b/c", true},
	{"#", "/", true},
	{"sport/tennis/+", "sport/tennis/player1", true},
	{"sport/tennis/+", "sport/tennis/player1/ranking", false},
	{"sport/+", "sport", false},
	{"sport/+", "sport/", true}, /* '+' matches an empty level */
	{"+", "sport", true},
	{"+", "/finance", false},
	{"+/+", "/finance", true},
	{"/+", "/finance", true},
	{"a/b", "a/b", true},
	{"a/b", "a/b/", false},
	{"a/b/", "a/b", false},
	{"a/b", "A/b", false},
	{"a//b", "a//b", true},
	{"a/+/b", "a//b", true},
	{"#", "$SYS/broker", false}, /* [MQTT-4.7.2-1] */
	{"+/broker", "$SYS/broker", false},
	{"+/monitor/Clients", "$SYS/monitor/Clients", false},
	{"$SYS/#", "$SYS/monitor/Clients", true},
	{"$SYS/monitor/+", "$SYS/monitor/Clients", true},
	{"a/#", "a/$x", true}, /* '$' only matters at the first level */
};

START_TEST(topic_match_table_gives_expected_answer)
{
	const char *f = matches[_i].filter, *n = matches[_i].name;
	ck_assert_msg(mqtt_topic_match((const uint8_t *)f, strlen(f),
				       (const uint8_t *)n, strlen(n)) ==
			      matches[_i].match,
		      "\"%s\" vs \"%s\": expected %d", f, n, matches[_i].match);
}
END_TEST

Suite *mqtt_topic_suite(void)
{
	Suite *s = suite_create("mqtt_topic");
	TCase *tc = tcase_create("check");
	tcase_add_loop_test(tc, topic_check_name_table_gives_clause, 0,
			    (int)(sizeof names / sizeof names[0]));
	tcase_add_loop_test(tc, topic_check_filter_table_gives_clause, 0,
			    (int)(sizeof filters / sizeof filters[0]));
	tcase_add_test(tc, topic_check_name_nul_is_1_5_3_2);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_loop_test(tc, topic_match_table_gives_expected_answer, 0,
			    (int)(sizeof matches / sizeof matches[0]));
	suite_add_tcase(s, tc);
	return s;
}
