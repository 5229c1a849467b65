/* test_engine_preflight_broker.c - what a run learns of the broker before
 * its cases (engine_broker_*), against the fake peer: which versions it
 * speaks, when a refusal is a set-up error and when it makes a version's
 * cases NOT APPLICABLE, the built-in case of each version tried, and the
 * profile as the report lists it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine_preflight.h"
#include "tests/unit/fake_peer.h"
#include "tests/unit/suites.h"

struct learn_run {
	struct fake_peer *peer;
	struct conn_endpoint ep;
	struct conn_ctx ctx;
	struct engine_opts o;
	struct engine_broker b;
	struct err e;
	int rc;
};

/* Learn with windows of 100 ms (the probe's) and 250 ms (pre-flight). */
static void learn(struct learn_run *r, int need311, int need5, const struct fake_step *const *scripts, size_t n,
		  const char *profile_file)
{
	memset(r, 0, sizeof *r);
	r->peer = fake_peer_start(scripts, n);
	ck_assert_msg(conn_endpoint_parse(&r->ep, fake_peer_url(r->peer), &r->e) == 0, "%s", r->e.msg);
	r->o.eps = &r->ep;
	r->o.neps = 1;
	r->o.conn_ctx = &r->ctx;
	r->o.time_scale = 0.05;
	r->o.run_prefix = "t0e0s0";
	r->o.stay_in_prefix = 1;
	r->b.need[0] = need311;
	r->b.need[1] = need5;
	r->rc = engine_broker_learn(&r->b, &r->o, profile_file, &r->e);
	fake_peer_stop(r->peer);
}

static void done(struct learn_run *r)
{
	engine_broker_free(&r->b);
	fake_peer_free(r->peer);
}

/* A 3.1.1 run against a broker that refuses 3.1.1: nothing to run on. */
/* Both versions' catalogs, as a run loads them. */
static void load_311(struct catalog *cat)
{
	struct err e;
	ck_assert_msg(catalog_load(cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
	ck_assert_msg(catalog_add(cat, "cases/clauses/mqtt-5.0.json", MQTT_V5, &e) == 0, "%s", e.msg);
}

START_TEST(only_version_refused_is_setup_error)
{
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x01), FP_END};
	const struct fake_step *const scripts[] = {s};
	struct learn_run r;
	learn(&r, 1, 0, scripts, 1, NULL);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_msg(strstr(r.e.msg, "refused a plain CONNECT with return code 0x01 (unacceptable protocol version)"),
		      "%s", r.e.msg);
	ck_assert_int_eq(r.b.pf[0].answer, ENGINE_PF_REFUSED);
	/* No probe after a refusal. */
	ck_assert_uint_eq(fake_peer_nconns(r.peer), 1);
	done(&r);
}
END_TEST

/* Credentials wanted is not a version refused: a set-up error saying so. */
START_TEST(refused_for_credentials_is_setup_error)
{
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x05), FP_END};
	const struct fake_step *const scripts[] = {s};
	struct learn_run r;
	learn(&r, 1, 0, scripts, 1, NULL);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_int_eq(r.b.pf[0].answer, ENGINE_PF_FAILED);
	ck_assert_msg(strstr(r.e.msg, "it wants credentials"), "%s", r.e.msg);
	done(&r);
}
END_TEST

/* A bad profile file is found before anything connects, and says which option. */
START_TEST(bad_profile_before_connecting)
{
	char path[] = "/tmp/mqttspec-broker-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *text = "{\"5.0\": {\"receive_max\": 0}}";
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	const struct fake_step s[] = {FP_ACCEPT, FP_END};
	const struct fake_step *const scripts[] = {s};
	struct learn_run r;
	learn(&r, 1, 0, scripts, 1, path);
	unlink(path);
	ck_assert_int_eq(r.rc, -1);
	char want[128];
	snprintf(want, sizeof want, "--profile %s: $[\"5.0\"].receive_max: 0 is out of range", path);
	ck_assert_msg(strncmp(r.e.msg, want, strlen(want)) == 0, "%s", r.e.msg);
	ck_assert_uint_eq(fake_peer_nconns(r.peer), 0);
	done(&r);
}
END_TEST

/* A refused version's cases are NOT APPLICABLE with the refusal; another
 * version's run, and its capabilities decide theirs. */
START_TEST(unmet_by_version_then_by_profile)
{
	struct engine_broker b;
	memset(&b, 0, sizeof b);
	profile_init_version(&b.prof[0], MQTT_V311);
	profile_init_version(&b.prof[1], MQTT_V5);
	b.prof[0].caps.max_qos = 1;
	snprintf(b.prof[0].source[PROFILE_MAX_QOS], sizeof b.prof[0].source[0], "probe");
	snprintf(b.na[1], sizeof b.na[1], "the broker does not speak MQTT 5.0 (x)");
	struct profile_caps n;
	profile_caps_none(&n);
	char buf[700];
	ck_assert_str_eq(engine_broker_unmet(&b, MQTT_V5, &n, buf, sizeof buf), "the broker does not speak MQTT 5.0 (x)");
	ck_assert_ptr_null(engine_broker_unmet(&b, MQTT_V311, &n, buf, sizeof buf));
	n.max_qos = 2;
	ck_assert_str_eq(engine_broker_unmet(&b, MQTT_V311, &n, buf, sizeof buf),
			 "needs QoS 2; the broker grants at most QoS 1 (probe)");
	ck_assert_uint_eq(engine_broker_slot(MQTT_V311), 0);
	ck_assert_uint_eq(engine_broker_slot(MQTT_V5), 1);
}
END_TEST

/* The built-in case of a refused version shows the exchange and why its
 * cases do not run, and judges nothing of a version the broker does not speak. */
START_TEST(refused_version_case)
{
	struct catalog cat;
	load_311(&cat);
	struct engine_broker b;
	memset(&b, 0, sizeof b);
	struct engine_preflight pf[2];
	memset(pf, 0, sizeof pf);
	b.pf = pf;
	b.neps = 1;
	b.need[0] = 1;
	pf[0].url = "mqtt://a:1";
	pf[0].version = MQTT_V311;
	pf[0].answer = ENGINE_PF_REFUSED;
	snprintf(pf[0].why, sizeof pf[0].why, "pre-flight: mqtt://a:1 did not answer CONNECT with a CONNACK: closed");
	snprintf(pf[0].rx_text, sizeof pf[0].rx_text, "closed: the broker closed the connection");
	snprintf(b.na[0], sizeof b.na[0], "the broker does not speak MQTT 3.1.1");
	profile_init_version(&b.prof[0], MQTT_V311);
	struct case_result out[2];
	ck_assert_uint_eq(engine_broker_cases(&b, &cat, out), 1);
	ck_assert_str_eq(out[0].id, "preflight");
	ck_assert_uint_eq(out[0].nchecks, 0);
	ck_assert_uint_eq(out[0].nsteps, 1); /* no probe ran */
	ck_assert_int_eq(out[0].wire[2].dir, WIRE_CLOSED);
	ck_assert_int_eq(out[0].wire[3].dir, WIRE_NOTE);
	ck_assert_ptr_nonnull(strstr(out[0].wire[3].text, "MQTT 3.1.1 refused: its cases are NOT APPLICABLE"));
	results_case_free(&out[0]);
	catalog_free(&cat);
}
END_TEST

/* 3.1.1's capabilities keep their names; 5.0's are qualified. */
START_TEST(profile_lists_each_version)
{
	struct engine_broker b;
	memset(&b, 0, sizeof b);
	b.need[0] = b.need[1] = 1;
	profile_init_version(&b.prof[0], MQTT_V311);
	profile_init_version(&b.prof[1], MQTT_V5);
	b.prof[1].caps.receive_max = 20;
	struct run_result run;
	memset(&run, 0, sizeof run);
	engine_broker_profile(&b, &run);
	ck_assert_uint_eq(run.nprofile, 16);
	ck_assert_str_eq(run.profile[0].name, "max_qos");
	ck_assert_str_eq(run.profile[4].name, "sys");
	ck_assert_str_eq(run.profile[5].name, "5.0:max_qos");
	ck_assert_str_eq(run.profile[10].name, "5.0:receive_max");
	ck_assert_str_eq(run.profile[10].value, "20");
	ck_assert_str_eq(run.profile[10].source, "not announced");
	results_free(&run);
}
END_TEST

Suite *engine_preflight_broker_suite(void)
{
	Suite *s = suite_create("engine_preflight_broker");
	TCase *tc = tcase_create("broker");
	tcase_add_test(tc, only_version_refused_is_setup_error);
	tcase_add_test(tc, refused_for_credentials_is_setup_error);
	tcase_add_test(tc, bad_profile_before_connecting);
	tcase_add_test(tc, unmet_by_version_then_by_profile);
	tcase_add_test(tc, refused_version_case);
	tcase_add_test(tc, profile_lists_each_version);
	suite_add_tcase(s, tc);
	return s;
}
