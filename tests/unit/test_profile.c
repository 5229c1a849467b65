/* test_profile.c - what a case needs and a profile file declares
 * (case/profile.h): --profile files read over the probe's findings, every
 * kind of wrong file refused with where, the reason a case does not run,
 * and the values as the report shows them. */
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
	snprintf(path, sizeof path, "/tmp/mqttspec-profile-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

START_TEST(init_everything_unknown)
{
	struct profile p;
	profile_init(&p);
	ck_assert_int_eq(p.caps.max_qos, -1);
	ck_assert_int_eq(p.caps.retain, -1);
	ck_assert_int_eq(p.caps.wildcards, -1);
	ck_assert_int_eq(p.caps.max_client_id, -1);
	ck_assert_int_eq(p.caps.sys, -1);
	ck_assert_int_eq(p.caps.ws, -1);
	for (int i = 0; i < PROFILE_NCAPS; i++)
		ck_assert_str_eq(p.source[i], "not probed");
	static const char *const names[PROFILE_NCAPS] = {"max_qos", "retain", "wildcards", "max_client_id", "sys",
							 "sub_ids", "shared", "receive_max", "max_packet", "alias_max",
							 "keep_alive", "assigned_id", "auth"};
	for (int i = 0; i < PROFILE_NCAPS; i++)
		ck_assert_str_eq(profile_cap_name((enum profile_cap)i), names[i]);
	/* A 3.1.1 report shows the five the probe learns, as it always did. */
	const enum profile_cap *caps;
	ck_assert_uint_eq(profile_caps_of(MQTT_V311, &caps), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(caps[i], i);
	ck_assert_uint_eq(profile_caps_of(MQTT_V5, &caps), 11);
	ck_assert_int_eq(caps[9], PROFILE_ASSIGNED_ID);
	ck_assert_int_eq(caps[10], PROFILE_AUTH);
}
END_TEST

START_TEST(load_declares_over_probe)
{
	struct profile p;
	profile_init(&p);
	p.caps.max_qos = 2;
	p.caps.retain = 1;
	snprintf(p.source[PROFILE_MAX_QOS], sizeof p.source[0], "probe: SUBACK 0x02");
	snprintf(p.source[PROFILE_RETAIN], sizeof p.source[0], "probe: reached");
	write_profile("{\"max_qos\": 1, \"wildcards\": false, \"max_client_id\": 100, \"retain\": true}");
	struct err e;
	ck_assert_msg(profile_load(&p, path, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(p.caps.max_qos, 1);
	ck_assert_int_eq(p.caps.wildcards, 0);
	ck_assert_int_eq(p.caps.max_client_id, 100);
	/* Not declared: what the probe found stays, with its source. */
	ck_assert_int_eq(p.caps.sys, -1);
	ck_assert_str_eq(p.source[PROFILE_SYS], "not probed");
	/* retain is shown, never declared: "retain": true changes nothing. */
	ck_assert_int_eq(p.caps.retain, 1);
	ck_assert_str_eq(p.source[PROFILE_RETAIN], "probe: reached");
	char want[128];
	snprintf(want, sizeof want, "declared in %s", path);
	ck_assert_str_eq(p.source[PROFILE_MAX_QOS], want);
	ck_assert_str_eq(p.source[PROFILE_WILDCARDS], want);
	ck_assert_str_eq(p.source[PROFILE_MAX_CLIENT_ID], want);
	unlink(path);
}
END_TEST

static const struct {
	const char *text; /* NULL: no such file */
	const char *msg;  /* what the error says after "FILE: " */
} bad[] = {
	{NULL, "No such file or directory"},
	{"{\"max_qos\": 1,", "JSON syntax error"},
	{"[1]", "$: expected an object of capabilities"},
	{"{\"qos\": 1}", "$.qos: unknown field"},
	{"{\"max_qos\": 3}", "$.max_qos: 3 is out of range 0..2"},
	{"{\"max_qos\": \"1\"}", "$.max_qos: expected an integer"},
	{"{\"max_client_id\": 22}", "$.max_client_id: 22 is out of range 23..65535"},
	{"{\"wildcards\": 1}", "$.wildcards: expected true or false"},
	{"{\"retain\": false}", "$.retain: false is not allowed: keeping retained messages is a MUST (MQTT-3.3.1-5)"},
	{"{\"transport\": \"ws\"}", "$.transport: the transport is the --broker URL's"},
	{"{\"transport\": \"tcp\"}", "$.transport: expected \"ws\""},
};

START_TEST(load_refuses_with_file_and_path)
{
	struct profile p;
	profile_init(&p);
	if (bad[_i].text)
		write_profile(bad[_i].text);
	else
		snprintf(path, sizeof path, "/tmp/mqttspec-profile-does-not-exist");
	struct err e;
	ck_assert_int_eq(profile_load(&p, path, &e), -1);
	ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0, "the error names the file: %s", e.msg);
	ck_assert_msg(strstr(e.msg, bad[_i].msg) != NULL, "\"%s\" lacks \"%s\"", e.msg, bad[_i].msg);
	/* Nothing is applied from a file that is refused. */
	ck_assert_int_eq(p.caps.max_qos, -1);
	ck_assert_str_eq(p.source[PROFILE_MAX_QOS], "not probed");
	if (bad[_i].text)
		unlink(path);
}
END_TEST

/* A case's needs: the same reader, and "transport": "ws" is allowed there. */
START_TEST(parse_needs)
{
	struct err e;
	cJSON *o = json_util_parse("{\"max_qos\": 2, \"transport\": \"ws\", \"sys\": true}", &e);
	ck_assert_ptr_nonnull(o);
	struct profile_caps c;
	ck_assert_msg(profile_parse(o, "needs", &c, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(c.max_qos, 2);
	ck_assert_int_eq(c.ws, 1);
	ck_assert_int_eq(c.sys, 1);
	ck_assert_int_eq(c.wildcards, -1);
	ck_assert_int_eq(c.max_client_id, -1);
	cJSON_Delete(o);
	o = json_util_parse("{\"sys\": null}", &e);
	ck_assert_int_eq(profile_parse(o, "needs", &c, &e), -1);
	ck_assert_str_eq(e.msg, "needs.sys: expected true or false");
	cJSON_Delete(o);
}
END_TEST

static void needs_none(struct profile_caps *n)
{
	profile_caps_none(n);
}

START_TEST(unmet_says_why)
{
	struct profile p;
	profile_init(&p);
	p.caps.max_qos = 1;
	p.caps.wildcards = 0;
	p.caps.sys = 0;
	p.caps.ws = 0;
	p.caps.max_client_id = 23;
	snprintf(p.source[PROFILE_MAX_QOS], sizeof p.source[0], "probe: SUBACK 0x01 for a QoS 2 subscription");
	snprintf(p.source[PROFILE_WILDCARDS], sizeof p.source[0], "declared in f.json");
	snprintf(p.source[PROFILE_SYS], sizeof p.source[0], "probe: nothing");
	snprintf(p.source[PROFILE_MAX_CLIENT_ID], sizeof p.source[0], "probe: refused");
	snprintf(p.transport, sizeof p.transport, "the broker is mqtt://h:1883");
	char buf[300];
	struct profile_caps n;

	needs_none(&n);
	ck_assert_ptr_null(profile_unmet(&p, &n, buf, sizeof buf));
	n.max_qos = 1;
	ck_assert_ptr_null(profile_unmet(&p, &n, buf, sizeof buf));
	n.max_qos = 2;
	ck_assert_ptr_eq(profile_unmet(&p, &n, buf, sizeof buf), buf);
	ck_assert_str_eq(buf, "needs QoS 2; the broker grants at most QoS 1 (probe: SUBACK 0x01 for a QoS 2 subscription)");

	needs_none(&n);
	n.wildcards = 1;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs wildcard subscriptions, which the broker does not support (declared in f.json)");
	needs_none(&n);
	n.sys = 1;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs $SYS topics, which the broker does not publish (probe: nothing)");
	needs_none(&n);
	n.ws = 1;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs a WebSocket connection (ws:// or wss://); the broker is mqtt://h:1883");
	needs_none(&n);
	n.max_client_id = 64;
	ck_assert_str_eq(profile_unmet(&p, &n, buf, sizeof buf),
			 "needs client ids of 64 characters; the broker takes at most 23 (probe: refused)");
	/* The first unmet need is the reason given. */
	n.max_qos = 2;
	ck_assert_ptr_nonnull(strstr(profile_unmet(&p, &n, buf, sizeof buf), "needs QoS 2"));
}
END_TEST

/* Unknown never makes a case NOT APPLICABLE. */
START_TEST(unmet_unknown_runs)
{
	struct profile p;
	profile_init(&p);
	struct profile_caps n = {.max_qos = 2, .retain = 1, .wildcards = 1, .max_client_id = 65535, .sys = 1, .ws = 1};
	char buf[200];
	ck_assert_ptr_null(profile_unmet(&p, &n, buf, sizeof buf));
	/* A capability it has, even declared as more than needed, is met too. */
	p.caps.wildcards = 1;
	p.caps.sys = 1;
	p.caps.ws = 1;
	p.caps.max_qos = 2;
	p.caps.max_client_id = 65535;
	ck_assert_ptr_null(profile_unmet(&p, &n, buf, sizeof buf));
}
END_TEST

START_TEST(value_as_text)
{
	struct profile p;
	profile_init(&p);
	char buf[16];
	for (int i = 0; i < PROFILE_NCAPS; i++) {
		profile_value(&p, (enum profile_cap)i, buf, sizeof buf);
		ck_assert_str_eq(buf, "unknown");
	}
	p.caps.max_qos = 0;
	p.caps.retain = 1;
	p.caps.wildcards = 0;
	p.caps.max_client_id = 64;
	p.caps.sys = 1;
	p.caps.sub_ids = 0;
	p.caps.shared = 1;
	p.caps.receive_max = 20;
	p.caps.max_packet = PROFILE_NO_LIMIT;
	p.caps.alias_max = 0;
	p.caps.keep_alive = 60;
	p.caps.assigned_id = 0;
	p.caps.auth = 1;
	static const char *const want[PROFILE_NCAPS] = {"0", "yes", "no", "64", "yes", "no", "yes", "20", "none", "0", "60", "no", "yes"};
	for (int i = 0; i < PROFILE_NCAPS; i++) {
		profile_value(&p, (enum profile_cap)i, buf, sizeof buf);
		ck_assert_str_eq(buf, want[i]);
	}
	/* Bounded by the buffer. */
	profile_value(&p, PROFILE_RETAIN, buf, 3);
	ck_assert_str_eq(buf, "ye");
}
END_TEST

Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("profile");
	tcase_add_test(tc, init_everything_unknown);
	tcase_add_test(tc, load_declares_over_probe);
	tcase_add_loop_test(tc, load_refuses_with_file_and_path, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, parse_needs);
	tcase_add_test(tc, unmet_says_why);
	tcase_add_test(tc, unmet_unknown_runs);
	tcase_add_test(tc, value_as_text);
	suite_add_tcase(s, tc);
	return s;
}
