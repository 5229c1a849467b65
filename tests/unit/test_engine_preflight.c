/* test_engine_preflight.c - the pre-flight before any case, against the
 * fake peer: a broker that accepts a plain CONNECT passes; one that answers
 * but breaks a rule doing so is a finding (the run goes on); one that
 * refuses, closes or stays silent is a set-up error saying which. */
#include <check.h>
#include <string.h>

#include "engine/engine_preflight.h"
#include "tests/unit/fake_peer.h"
#include "tests/unit/suites.h"

struct pf_run {
	struct fake_peer *peer;
	struct engine_preflight pf;
	struct err e;
	int rc;
};

static void preflight(struct pf_run *r, const struct fake_step *script, double time_scale)
{
	const struct fake_step *const scripts[] = {script};
	r->peer = fake_peer_start(scripts, 1);
	struct conn_endpoint ep;
	ck_assert_msg(conn_endpoint_parse(&ep, fake_peer_url(r->peer), &r->e) == 0, "%s", r->e.msg);
	struct conn_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	struct engine_opts o;
	memset(&o, 0, sizeof o);
	o.eps = &ep;
	o.neps = 1;
	o.conn_ctx = &ctx;
	o.time_scale = time_scale;
	o.run_prefix = "t0e0s0";
	r->rc = engine_preflight(&ep, &o, MQTT_V311, &r->pf, &r->e);
	fake_peer_stop(r->peer);
}

START_TEST(accepted)
{
	struct pf_run r;
	const struct fake_step s[] = {FP_ACCEPT, FP_RECV(14), FP_END};
	preflight(&r, s, 1);
	ck_assert_msg(r.rc == 0, "%s", r.e.msg);
	ck_assert_ptr_null(fake_peer_error(r.peer));
	ck_assert_int_eq(r.pf.first_is_connack, 1);
	ck_assert_ptr_null(r.pf.clause);
	ck_assert_str_eq(r.pf.client_id, "Mst0e0s0pre");
	ck_assert_ptr_nonnull(strstr(r.pf.rx_text, "CONNACK"));
	/* The CONNECT it sent is the one the peer read. */
	const struct fake_rx *c = fake_peer_received(r.peer, 0, 0);
	ck_assert_uint_eq(c->n, r.pf.txn);
	ck_assert_mem_eq(c->bytes, r.pf.tx, c->n);
	fake_peer_free(r.peer);
}
END_TEST

START_TEST(first_not_connack)
{
	struct pf_run r;
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0xd0, 0x00), FP_END};
	preflight(&r, s, 1);
	ck_assert_msg(r.rc == 0, "a rule broken is a finding, not a set-up error: %s", r.e.msg);
	ck_assert_str_eq(r.pf.clause, "MQTT-3.2.0-1");
	ck_assert_str_eq(r.pf.what, "the first packet is PINGRESP, not CONNACK");
	fake_peer_free(r.peer);
}
END_TEST

START_TEST(refused)
{
	struct pf_run r;
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x05), FP_END};
	preflight(&r, s, 1);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_msg(strstr(r.e.msg, "refused a plain CONNECT with return code 0x05 (not authorized); it wants credentials"),
		      "%s", r.e.msg);
	fake_peer_free(r.peer);
}
END_TEST

START_TEST(closed)
{
	struct pf_run r;
	const struct fake_step s[] = {FP_RECV(1), FP_CLOSE};
	preflight(&r, s, 1);
	/* A close right after the CONNECT turns the version down. */
	ck_assert_int_eq(r.rc, 1);
	ck_assert_int_eq(r.pf.answer, ENGINE_PF_REFUSED);
	ck_assert_msg(strstr(r.e.msg, "did not answer CONNECT with a CONNACK"), "%s", r.e.msg);
	fake_peer_free(r.peer);
}
END_TEST

START_TEST(silent)
{
	struct pf_run r;
	const struct fake_step s[] = {FP_RECV(1), FP_END};
	preflight(&r, s, 0.02); /* its 5 s limit becomes 100 ms */
	ck_assert_int_eq(r.rc, -1);
	ck_assert_msg(strstr(r.e.msg, "did not answer CONNECT within 100 ms"), "%s", r.e.msg);
	fake_peer_free(r.peer);
}
END_TEST

Suite *engine_preflight_suite(void)
{
	Suite *s = suite_create("engine_preflight");
	TCase *tc = tcase_create("preflight");
	tcase_add_test(tc, accepted);
	tcase_add_test(tc, first_not_connack);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, closed);
	tcase_add_test(tc, silent);
	suite_add_tcase(s, tc);
	return s;
}
