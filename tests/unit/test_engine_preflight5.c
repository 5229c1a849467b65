/* test_engine_preflight5.c - the pre-flight in 5.0 and across versions,
 * against the fake peer: a broker that speaks only 3.1.1 (it answers a
 * level-5 CONNECT with its own CONNACK 0x01), only 5.0 (0x84 in 5.0's form to
 * a 3.1.1 CONNECT), both, or neither; what its 5.0 CONNACK announces, and a
 * profile that may lower it but not raise it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine_preflight.h"
#include "tests/unit/fake_peer.h"
#include "tests/unit/suites.h"

struct run5 {
	struct fake_peer *peer;
	struct conn_endpoint ep;
	struct conn_ctx ctx;
	struct engine_opts o;
	struct engine_preflight pf;
	struct engine_broker b;
	struct err e;
	int rc;
};

static void opts(struct run5 *r, const struct fake_step *const *scripts, size_t n)
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
}

/* One pre-flight CONNECT of version v. */
static void preflight(struct run5 *r, enum mqtt_version v, const struct fake_step *script)
{
	const struct fake_step *const scripts[] = {script};
	opts(r, scripts, 1);
	r->rc = engine_preflight(&r->ep, &r->o, v, &r->pf, &r->e);
	fake_peer_stop(r->peer);
}

/* The run's learning, needing 3.1.1 and/or 5.0. */
static void learn(struct run5 *r, int need311, int need5, const struct fake_step *const *scripts, size_t n,
		  const char *profile)
{
	opts(r, scripts, n);
	r->b.need[0] = need311;
	r->b.need[1] = need5;
	r->rc = engine_broker_learn(&r->b, &r->o, profile, &r->e);
	fake_peer_stop(r->peer);
}

#define CONNACK5_OK FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00)
/* Receive Maximum 20, Topic Alias Maximum 10: mosquitto 2.0.11's CONNACK. */
#define CONNACK5_MOSQ FP_SEND(0x20, 0x09, 0x00, 0x00, 0x06, 0x21, 0x00, 0x14, 0x22, 0x00, 0x0a)
#define CONNACK311_VERSION FP_SEND(0x20, 0x02, 0x00, 0x01)
#define CONNACK5_VERSION FP_SEND(0x20, 0x03, 0x00, 0x84, 0x00)

/* Both versions' catalogs, as a run loads them. */
static void load_311(struct catalog *cat)
{
	struct err e;
	ck_assert_msg(catalog_load(cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
	ck_assert_msg(catalog_add(cat, "cases/clauses/mqtt-5.0.json", MQTT_V5, &e) == 0, "%s", e.msg);
}

START_TEST(v5_accepted)
{
	struct run5 r;
	const struct fake_step s[] = {FP_RECV(1), CONNACK5_OK, FP_RECV(14), FP_END};
	preflight(&r, MQTT_V5, s);
	ck_assert_msg(r.rc == 0, "%s", r.e.msg);
	ck_assert_int_eq(r.pf.answer, ENGINE_PF_ACCEPTED);
	ck_assert_ptr_null(r.pf.clause);
	ck_assert_str_eq(r.pf.client_id, "Mst0e0s0pre5");
	/* Level 5, and a Property Length of 0 after the keep alive. */
	const struct fake_rx *c = fake_peer_received(r.peer, 0, 0);
	ck_assert_uint_eq(c->bytes[8], 5);
	ck_assert_uint_eq(c->bytes[12], 0);
	ck_assert_uint_eq(c->n, r.pf.txn);
	ck_assert_mem_eq(c->bytes, r.pf.tx, c->n);
	fake_peer_free(r.peer);
}
END_TEST

static const struct {
	enum mqtt_version v;
	struct fake_step answer[2];
	int rc;
	const char *why;
} answers[] = {
	/* A 3.1.1-only broker answers 5.0 in its own form. */
	{MQTT_V5, {CONNACK311_VERSION, FP_CLOSE}, 1, "answered the MQTT 5.0 CONNECT with"},
	{MQTT_V5, {CONNACK5_VERSION, FP_CLOSE}, 1, "refused a plain CONNECT with reason code 0x84"},
	{MQTT_V5, {FP_CLOSE, FP_END}, 1, "did not answer CONNECT with a CONNACK"},
	{MQTT_V5, {FP_SEND(0x20, 0x03, 0x00, 0x87, 0x00), FP_CLOSE}, -1, "it wants credentials"},
	/* A 5.0-only broker may answer 3.1.1 with 5.0's 0x84. */
	{MQTT_V311, {CONNACK5_VERSION, FP_CLOSE}, 1, "answered the MQTT 3.1.1 CONNECT with"},
	{MQTT_V311, {CONNACK311_VERSION, FP_CLOSE}, 1, "refused a plain CONNECT with return code 0x01"},
};

START_TEST(refusals)
{
	struct run5 r;
	const struct fake_step s[] = {FP_RECV(1), answers[_i].answer[0], answers[_i].answer[1], FP_END};
	preflight(&r, answers[_i].v, s);
	ck_assert_int_eq(r.rc, answers[_i].rc);
	ck_assert_int_eq(r.pf.answer, answers[_i].rc == 1 ? ENGINE_PF_REFUSED : ENGINE_PF_FAILED);
	ck_assert_msg(strstr(r.e.msg, answers[_i].why), "%s", r.e.msg);
	ck_assert_str_eq(r.pf.why, r.e.msg);
	fake_peer_free(r.peer);
}
END_TEST

/* Speaks only 3.1.1: its 5.0 cases are NOT APPLICABLE, the run goes on. */
START_TEST(only_311)
{
	const struct fake_step p311[] = {FP_ACCEPT, FP_END};
	const struct fake_step p5[] = {FP_RECV(1), CONNACK311_VERSION, FP_CLOSE, FP_END};
	const struct fake_step probe[] = {FP_ACCEPT, FP_END};
	const struct fake_step *const scripts[] = {p311, p5, probe};
	struct run5 r;
	learn(&r, 1, 1, scripts, 3, NULL);
	ck_assert_msg(r.rc == 0, "%s", r.e.msg);
	ck_assert_str_eq(r.b.na[0], "");
	ck_assert_ptr_nonnull(strstr(r.b.na[1], "the broker does not speak MQTT 5.0"));
	struct profile_caps n;
	profile_caps_none(&n);
	char buf[700];
	ck_assert_ptr_nonnull(engine_broker_unmet(&r.b, MQTT_V5, &n, buf, sizeof buf));
	ck_assert_ptr_null(engine_broker_unmet(&r.b, MQTT_V311, &n, buf, sizeof buf));
	struct catalog cat;
	load_311(&cat);
	struct case_result out[2];
	ck_assert_uint_eq(engine_broker_cases(&r.b, &cat, out), 2);
	ck_assert_str_eq(out[0].id, "preflight");
	ck_assert_str_eq(out[1].id, "preflight-5.0");
	ck_assert_int_eq(out[1].protocol, MQTT_V5);
	ck_assert_uint_eq(out[1].nchecks, 0);
	results_case_free(&out[0]);
	results_case_free(&out[1]);
	catalog_free(&cat);
	engine_broker_free(&r.b);
	fake_peer_free(r.peer);
}
END_TEST

/* Speaks only 5.0: its 3.1.1 cases are NOT APPLICABLE, no probe runs, and
 * the CONNACK says what it offers. */
START_TEST(only_5)
{
	const struct fake_step p311[] = {FP_RECV(1), CONNACK5_VERSION, FP_CLOSE, FP_END};
	const struct fake_step p5[] = {FP_RECV(1), CONNACK5_MOSQ, FP_RECV(14), FP_END};
	const struct fake_step *const scripts[] = {p311, p5};
	struct run5 r;
	learn(&r, 1, 1, scripts, 2, NULL);
	ck_assert_msg(r.rc == 0, "%s", r.e.msg);
	ck_assert_ptr_nonnull(strstr(r.b.na[0], "the broker does not speak MQTT 3.1.1"));
	ck_assert_str_eq(r.b.na[1], "");
	ck_assert_uint_eq(fake_peer_nconns(r.peer), 2);
	const struct profile *p = &r.b.prof[1];
	ck_assert_int_eq(p->caps.receive_max, 20);
	ck_assert_int_eq(p->caps.alias_max, 10);
	ck_assert_int_eq(p->caps.max_qos, 2);
	ck_assert_int_eq(p->caps.keep_alive, 60);
	ck_assert_str_eq(p->source[PROFILE_RECEIVE_MAX], "announced: Receive Maximum 20 in CONNACK");
	/* Two built-in cases: 3.1.1's shows the refusal and has no probe step;
	 * 5.0's shows its exchange and what the CONNACK said. */
	struct catalog cat;
	load_311(&cat);
	struct case_result out[2];
	ck_assert_uint_eq(engine_broker_cases(&r.b, &cat, out), 2);
	ck_assert_uint_eq(out[0].nsteps, 1);
	ck_assert_uint_eq(out[0].nchecks, 0);
	ck_assert_str_eq(out[1].id, "preflight-5.0");
	ck_assert_uint_eq(out[1].nsteps, 1);
	ck_assert_int_eq(out[1].steps[0].outcome, STEP_DONE);
	ck_assert_str_eq(out[1].client_ids[0], "Mst0e0s0pre5");
	/* Judged in 5.0: the first packet is a CONNACK, 5.0's MQTT-3.2.0-1. */
	ck_assert_uint_eq(out[1].nchecks, 1);
	ck_assert_str_eq(out[1].checks[0].clauses[0], "MQTT-3.2.0-1");
	ck_assert_int_eq(out[1].checks[0].outcome, CHECK_PASS);
	int noted = 0;
	for (size_t i = 0; i < out[1].nwire; i++)
		noted |= out[1].wire[i].dir == WIRE_NOTE &&
			 strcmp(out[1].wire[i].text, "profile: receive_max = 20 (announced: Receive Maximum 20 in CONNACK)") == 0;
	ck_assert_msg(noted, "the 5.0 case's trace shows what the CONNACK announced");
	results_case_free(&out[0]);
	results_case_free(&out[1]);
	catalog_free(&cat);
	/* The report lists both versions' capabilities. */
	struct run_result run;
	memset(&run, 0, sizeof run);
	engine_broker_profile(&r.b, &run);
	ck_assert_uint_eq(run.nprofile, 16);
	ck_assert_str_eq(run.profile[10].name, "5.0:receive_max");
	ck_assert_str_eq(run.profile[10].value, "20");
	results_free(&run);
	engine_broker_free(&r.b);
	fake_peer_free(r.peer);
}
END_TEST

START_TEST(neither)
{
	const struct fake_step p311[] = {FP_RECV(1), CONNACK5_VERSION, FP_CLOSE, FP_END};
	const struct fake_step p5[] = {FP_RECV(1), FP_CLOSE, FP_END};
	const struct fake_step *const scripts[] = {p311, p5};
	struct run5 r;
	learn(&r, 1, 1, scripts, 2, NULL);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_msg(strstr(r.e.msg, "the broker refuses every protocol version the run needs"), "%s", r.e.msg);
	engine_broker_free(&r.b);
	fake_peer_free(r.peer);
}
END_TEST

/* A profile lowers what the CONNACK announced, and may not raise it. */
START_TEST(profile_over_connack)
{
	static const struct {
		const char *text;
		int rc;
		long receive_max;
	} files[] = {
		{"{\"5.0\": {\"receive_max\": 5}}", 0, 5},
		{"{\"5.0\": {\"receive_max\": 30}}", -1, 20},
	};
	for (size_t i = 0; i < 2; i++) {
		char path[] = "/tmp/mqttspec-pf5-XXXXXX";
		int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, files[i].text, strlen(files[i].text)), (ssize_t)strlen(files[i].text));
		close(fd);
		const struct fake_step p5[] = {FP_RECV(1), CONNACK5_MOSQ, FP_RECV(14), FP_END};
		const struct fake_step *const scripts[] = {p5};
		struct run5 r;
		learn(&r, 0, 1, scripts, 1, path);
		unlink(path);
		ck_assert_int_eq(r.rc, files[i].rc);
		ck_assert_int_eq(r.b.prof[1].caps.receive_max, files[i].receive_max);
		if (files[i].rc < 0)
			ck_assert_msg(strstr(r.e.msg, "receive_max: 30 would raise the broker's 20"), "%s", r.e.msg);
		engine_broker_free(&r.b);
		fake_peer_free(r.peer);
	}
}
END_TEST

Suite *engine_preflight5_suite(void)
{
	Suite *s = suite_create("engine_preflight5");
	TCase *tc = tcase_create("preflight5");
	tcase_add_test(tc, v5_accepted);
	tcase_add_loop_test(tc, refusals, 0, (int)(sizeof answers / sizeof answers[0]));
	tcase_add_test(tc, only_311);
	tcase_add_test(tc, only_5);
	tcase_add_test(tc, neither);
	tcase_add_test(tc, profile_over_connack);
	suite_add_tcase(s, tc);
	return s;
}
