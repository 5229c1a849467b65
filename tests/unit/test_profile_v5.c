/* test_profile_v5.c - the 5.0 side of case/profile.h: profile files keyed
 * per version, lowering what the broker announced and refusing to raise it,
 * the 5.0 needs of a case and the reasons they are not met. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case/profile.h"
#include "util/json_util.h"
#include "tests/unit/suites.h"

static char path[64];

static void write_profile(const char *text)
{
	snprintf(path, sizeof path, "/tmp/mqttspec-profile5-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A 5.0 profile as mosquitto 2.0.11 announces it. */
static void announced(struct profile *p)
{
	profile_init_version(p, MQTT_V5);
	p->caps.max_qos = 2;
	p->caps.retain = 1;
	p->caps.wildcards = 1;
	p->caps.sub_ids = 1;
	p->caps.shared = 1;
	p->caps.receive_max = 20;
	p->caps.max_packet = PROFILE_NO_LIMIT;
	p->caps.alias_max = 10;
	p->caps.keep_alive = 60;
	p->caps.assigned_id = 0;
	for (int k = 0; k < PROFILE_NCAPS; k++)
		snprintf(p->source[k], sizeof p->source[k], "announced");
}

START_TEST(keyed_file_applies_each_version)
{
	write_profile("{\"3.1.1\": {\"max_qos\": 1}, \"5.0\": {\"receive_max\": 10, \"wildcards\": false, "
		      "\"max_packet\": 4096, \"retain\": false, \"alias_max\": 10}}");
	struct err e;
	struct profile p3, p5;
	profile_init(&p3);
	ck_assert_msg(profile_load(&p3, path, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(p3.caps.max_qos, 1);
	ck_assert_int_eq(p3.caps.wildcards, -1);
	char want[128];
	snprintf(want, sizeof want, "declared in %s", path);
	ck_assert_str_eq(p3.source[PROFILE_MAX_QOS], want);

	announced(&p5);
	ck_assert_msg(profile_load(&p5, path, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(p5.caps.max_qos, 2); /* the 3.1.1 part is not 5.0's */
	ck_assert_int_eq(p5.caps.receive_max, 10);
	ck_assert_int_eq(p5.caps.wildcards, 0);
	ck_assert_int_eq(p5.caps.max_packet, 4096);
	ck_assert_int_eq(p5.caps.retain, 0); /* in 5.0 Retain Available may be lowered */
	snprintf(want, sizeof want, "lowered from 20 by %s", path);
	ck_assert_str_eq(p5.source[PROFILE_RECEIVE_MAX], want);
	snprintf(want, sizeof want, "lowered from none by %s", path);
	ck_assert_str_eq(p5.source[PROFILE_MAX_PACKET], want);
	/* The same value as announced changes nothing, its source included. */
	ck_assert_int_eq(p5.caps.alias_max, 10);
	ck_assert_str_eq(p5.source[PROFILE_ALIAS_MAX], "announced");
	unlink(path);
}
END_TEST

/* The flat form of the first releases is 3.1.1's: a 5.0 profile keeps what was announced. */
START_TEST(flat_file_is_311)
{
	write_profile("{\"max_qos\": 0, \"wildcards\": false}");
	struct err e;
	struct profile p5;
	announced(&p5);
	ck_assert_msg(profile_load(&p5, path, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(p5.caps.max_qos, 2);
	ck_assert_int_eq(p5.caps.wildcards, 1);
	ck_assert_str_eq(p5.source[PROFILE_MAX_QOS], "announced");
	unlink(path);
}
END_TEST

static const struct {
	const char *text;
	int v5;           /* loaded into a 5.0 profile (else 3.1.1) */
	const char *msg;
} bad[] = {
	{"{\"5.0\": {\"max_qos\": 1, \"receive_max\": 30}}", 1,
	 "$[\"5.0\"].receive_max: 30 would raise the broker's 20 (announced); a profile may only lower it"},
	{"{\"5.0\": {\"receive_max\": 5, \"wildcards\": true}}", 1, NULL}, /* set up below: wildcards 0 announced */
	{"{\"5.0\": {\"max_packet\": 0}}", 1, "$[\"5.0\"].max_packet: 0 is out of range 1..268435460"},
	{"{\"5.0\": {\"receive_max\": 0}}", 1, "$[\"5.0\"].receive_max: 0 is out of range 1..65535"},
	{"{\"5.0\": {\"sys\": true}}", 1, "$[\"5.0\"].sys: not a capability of an MQTT 5.0 profile"},
	{"{\"5.0\": {\"keep_alive\": 10}}", 1, "$[\"5.0\"].keep_alive: unknown field"},
	{"{\"5.0\": [1]}", 1, "$[\"5.0\"]: expected an object of capabilities"},
	{"{\"3.1.1\": {}, \"6.0\": {}}", 1, "$.6.0: unknown field"},
	{"{\"3.1.1\": {\"receive_max\": 10}}", 0,
	 "$[\"3.1.1\"].receive_max: not a capability of an MQTT 3.1.1 profile (5.0's CONNACK announces it"},
	{"{\"shared\": false}", 0, "$.shared: not a capability of an MQTT 3.1.1 profile"},
	{"{\"3.1.1\": {\"retain\": false}}", 0, "$[\"3.1.1\"].retain: false is not allowed"},
	/* The part of the other version is checked too. */
	{"{\"3.1.1\": {\"max_qos\": 1}, \"5.0\": {\"max_qos\": 3}}", 0, "$[\"5.0\"].max_qos: 3 is out of range 0..2"},
	{"{\"3.1.1\": {\"max_qos\": 7}, \"5.0\": {}}", 1, "$[\"3.1.1\"].max_qos: 7 is out of range 0..2"},
	{"[]", 1, "$: expected an object of capabilities, or one per version"},
};

START_TEST(refused_naming_the_key)
{
	write_profile(bad[_i].text);
	struct profile p;
	if (bad[_i].v5)
		announced(&p);
	else
		profile_init(&p);
	p.caps.wildcards = bad[_i].v5 ? 0 : -1;
	const char *msg = bad[_i].msg ? bad[_i].msg
		: "$[\"5.0\"].wildcards: 1 would raise the broker's no (announced); a profile may only lower it";
	struct err e;
	ck_assert_int_eq(profile_load(&p, path, &e), -1);
	ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0, "the error names the file: %s", e.msg);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "\"%s\" lacks \"%s\"", e.msg, msg);
	/* Nothing is applied from a file that is refused, a lowering before the raise included. */
	ck_assert_int_eq(p.caps.max_qos, bad[_i].v5 ? 2 : -1);
	if (bad[_i].v5)
		ck_assert_int_eq(p.caps.receive_max, 20);
	unlink(path);
}
END_TEST

START_TEST(needs_of_5)
{
	struct err e;
	cJSON *o = json_util_parse("{\"sub_ids\": true, \"shared\": true, \"retain\": true, \"receive_max\": 3, "
				   "\"max_packet\": 1000, \"alias_max\": 2}", &e);
	ck_assert_ptr_nonnull(o);
	struct profile_caps n;
	ck_assert_msg(profile_parse(o, "needs", &n, &e) == 0, "%s", e.msg);
	cJSON_Delete(o);
	ck_assert_int_eq(n.sub_ids, 1);
	ck_assert_int_eq(n.receive_max, 3);
	ck_assert_int_eq(n.max_packet, 1000);
	ck_assert_int_eq(n.alias_max, 2);
	ck_assert_int_eq(n.keep_alive, -1);
	struct profile p;
	announced(&p);
	char buf[300];
	ck_assert_ptr_null(profile_unmet(&p, &n, buf, sizeof buf));
	/* Met at the limit, not below it. */
	p.caps.receive_max = 3;
	p.caps.max_packet = 1000;
	p.caps.alias_max = 2;
	ck_assert_ptr_null(profile_unmet(&p, &n, buf, sizeof buf));
	p.caps.alias_max = 1;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs a Topic Alias Maximum of 2; the broker's is 1 (announced)");
	p.caps.max_packet = 999;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs a Maximum Packet Size of 1000; the broker's is 999 (announced)");
	p.caps.receive_max = 2;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs a Receive Maximum of 3; the broker's is 2 (announced)");
	p.caps.shared = 0;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs shared subscriptions, which the broker does not offer (announced)");
	p.caps.sub_ids = 0;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs subscription identifiers, which the broker does not offer (announced)");
	p.caps.retain = 0;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs retained messages, which the broker does not offer (announced)");
	n.max_qos = 2;
	p.caps.max_qos = 1;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs QoS 2; the broker announces a Maximum QoS of QoS 1 (announced)");
}
END_TEST

/* A case's needs name only what its version's profile can say. */
START_TEST(needs_by_version)
{
	struct err e;
	struct profile_caps n;
	cJSON *o = json_util_parse("{\"shared\": true}", &e);
	ck_assert_int_eq(profile_parse_needs(o, "$.needs", MQTT_V311, &n, &e), -1);
	ck_assert_str_eq(e.msg, "$.needs.shared: not a capability an MQTT 3.1.1 broker is known by (5.0's CONNACK announces it)");
	ck_assert_msg(profile_parse_needs(o, "$.needs", MQTT_V5, &n, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(n.shared, 1);
	cJSON_Delete(o);
	o = json_util_parse("{\"sys\": true, \"transport\": \"ws\"}", &e);
	ck_assert_int_eq(profile_parse_needs(o, "$.needs", MQTT_V5, &n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.needs.sys: not a capability an MQTT 5.0 broker is known by"));
	ck_assert_msg(profile_parse_needs(o, "$.needs", MQTT_V311, &n, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(n.ws, 1);
	cJSON_Delete(o);
	o = json_util_parse("{\"retain\": false}", &e);
	ck_assert_int_eq(profile_parse_needs(o, "$.needs", MQTT_V5, &n, &e), -1);
	cJSON_Delete(o);
}
END_TEST

/* A 3.1.1 profile never gates on what only 5.0 announces, nor on retain. */
START_TEST(needs_of_5_in_311)
{
	struct profile p;
	profile_init(&p);
	p.caps.retain = 0;
	p.caps.sub_ids = 0;
	p.caps.receive_max = 1;
	struct profile_caps n;
	profile_caps_none(&n);
	n.retain = 1;
	n.sub_ids = 1;
	n.receive_max = 5;
	char buf[200];
	ck_assert_ptr_null(profile_unmet(&p, &n, buf, sizeof buf));
}
END_TEST

Suite *profile_v5_suite(void)
{
	Suite *s = suite_create("profile_v5");
	TCase *tc = tcase_create("profile_v5");
	tcase_add_test(tc, keyed_file_applies_each_version);
	tcase_add_test(tc, flat_file_is_311);
	tcase_add_loop_test(tc, refused_naming_the_key, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, needs_of_5);
	tcase_add_test(tc, needs_of_5_in_311);
	tcase_add_test(tc, needs_by_version);
	suite_add_tcase(s, tc);
	return s;
}
