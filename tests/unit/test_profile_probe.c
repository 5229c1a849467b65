/* test_profile_probe.c - the capability probe against the fake peer: what a
 * broker grants is learnt from its answers (QoS 1 only, no wildcards, a
 * retained message kept, no $SYS, short client ids), a declared value is
 * never overwritten, a broker that refuses leaves everything unknown, and an
 * answer that breaks a rule is the finding. Windows are scaled to 100 ms. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "engine/profile_probe.h"
#include "tests/unit/fake_peer.h"
#include "tests/unit/suites.h"

#define TS 0.05 /* windows of 100 ms, $SYS 50 ms */

struct probe_run {
	struct fake_peer *peer;
	struct profile p;
	struct sync_client_finding find;
};

static void probe(struct probe_run *r, const struct fake_step *const *scripts, size_t n, int stay_in_prefix)
{
	r->peer = fake_peer_start(scripts, n);
	struct conn_endpoint ep;
	struct err e;
	ck_assert_msg(conn_endpoint_parse(&ep, fake_peer_url(r->peer), &e) == 0, "%s", e.msg);
	struct conn_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	struct engine_opts o;
	memset(&o, 0, sizeof o);
	o.eps = &ep;
	o.neps = 1;
	o.conn_ctx = &ctx;
	o.time_scale = TS;
	o.run_prefix = "t0e0s0";
	o.stay_in_prefix = stay_in_prefix;
	memset(&r->find, 0, sizeof r->find);
	profile_probe(&r->p, &ep, &o, &r->find);
	fake_peer_stop(r->peer);
}

/* "mqttspec/t0e0s0/probe/r", retained, QoS 0, payload "probe". */
#define RETAINED 0x31, 0x1e, 0x00, 0x17, 'm', 'q', 't', 't', 's', 'p', 'e', 'c', '/', 't', '0', 'e', '0', 's', '0', \
		 '/', 'p', 'r', 'o', 'b', 'e', '/', 'r', 'p', 'r', 'o', 'b', 'e'

/* Grants QoS 1 for QoS 2, refuses '+', keeps the retained message, refuses
 * $SYS/#, refuses a 64-character client id. */
START_TEST(qos1_only_no_wildcards)
{
	const struct fake_step first[] = {FP_ACCEPT, FP_RECV(8), FP_SEND_ID(0x90, 0x04, 0, 0, 0x01, 0x80), FP_RECV(3),
					  FP_SEND_ID(0x40, 0x02, 0, 0), FP_END};
	const struct fake_step second[] = {FP_ACCEPT, FP_RECV(8), FP_SEND_ID(0x90, 0x03, 0, 0, 0x00), FP_SEND(RETAINED),
					   FP_RECV(8), FP_SEND_ID(0x90, 0x03, 0, 0, 0x80), FP_END};
	const struct fake_step long_id_refused[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x02), FP_END};
	struct probe_run r;
	profile_init(&r.p);
	const struct fake_step *const scripts[] = {first, second, long_id_refused};
	probe(&r, scripts, 3, 0);
	ck_assert_msg(!fake_peer_error(r.peer), "%s", fake_peer_error(r.peer));
	ck_assert_ptr_null(r.find.clause);
	ck_assert_int_eq(r.p.caps.max_qos, 1);
	ck_assert_str_eq(r.p.source[PROFILE_MAX_QOS], "probe: SUBACK 0x01 for a QoS 2 subscription");
	ck_assert_int_eq(r.p.caps.wildcards, 0);
	ck_assert_str_eq(r.p.source[PROFILE_WILDCARDS], "probe: SUBACK 0x80 for a filter with '+'");
	ck_assert_int_eq(r.p.caps.retain, 1);
	ck_assert_str_eq(r.p.source[PROFILE_RETAIN], "probe: a retained QoS 1 message reached a later subscriber");
	ck_assert_int_eq(r.p.caps.sys, 0);
	ck_assert_str_eq(r.p.source[PROFILE_SYS], "probe: nothing on $SYS/# within 50 ms");
	ck_assert_int_eq(r.p.caps.max_client_id, 23);
	ck_assert_str_eq(r.p.source[PROFILE_MAX_CLIENT_ID], "probe: a 64-character client id was refused (0x02)");

	/* What it asked: QoS 2 on a plain filter, QoS 0 on one with '+'. */
	ck_assert_uint_eq(fake_peer_nconns(r.peer), 3);
	const struct fake_rx *sub = fake_peer_received(r.peer, 0, 1);
	static const uint8_t filters[] = {0x00, 0x17, 'm', 'q', 't', 't', 's', 'p', 'e', 'c', '/', 't', '0', 'e', '0',
					  's', '0', '/', 'p', 'r', 'o', 'b', 'e', '/', 'q', 0x02, 0x00, 0x19, 'm', 'q',
					  't', 't', 's', 'p', 'e', 'c', '/', 't', '0', 'e', '0', 's', '0', '/', 'p', 'r',
					  'o', 'b', 'e', '/', '+', '/', 'w', 0x00};
	ck_assert_uint_eq(sub->n, 4 + sizeof filters);
	ck_assert_mem_eq(sub->bytes + 4, filters, sizeof filters);
	/* The retained message it stored: QoS 1, RETAIN. */
	ck_assert_int_eq(fake_peer_received(r.peer, 0, 2)->flags, 0x03);
	/* The long client id: 64 characters, the run's prefix first. */
	const struct fake_rx *c = fake_peer_received(r.peer, 2, 0);
	ck_assert_uint_eq(c->bytes[12] << 8 | c->bytes[13], 64);
	ck_assert_mem_eq(c->bytes + 14, "Mst0e0s0pr30000", 15);
	fake_peer_free(r.peer);
}
END_TEST

/* Declared values win; --stay-in-prefix keeps the probe off $SYS; a
 * 64-character id accepted is a max_client_id of 64. */
START_TEST(declared_kept_and_stay_in_prefix)
{
	const struct fake_step grants_all[] = {
		FP_ACCEPT, FP_RECV(8), FP_SEND_ID(0x90, 0x04, 0, 0, 0x02, 0x00), FP_RECV(3), FP_SEND_ID(0x40, 0x02, 0, 0),
		FP_END};
	/* Keeps nothing: the SUBACK comes, no message after it (a window passes). */
	const struct fake_step forgets[] = {FP_ACCEPT, FP_RECV(8), FP_SEND_ID(0x90, 0x03, 0, 0, 0x00), FP_END};
	const struct fake_step long_id_ok[] = {FP_ACCEPT, FP_END};
	struct probe_run r;
	profile_init(&r.p);
	r.p.caps.max_qos = 0;
	snprintf(r.p.source[PROFILE_MAX_QOS], sizeof r.p.source[0], "declared in p.json");
	const struct fake_step *const scripts[] = {grants_all, forgets, long_id_ok};
	probe(&r, scripts, 3, 1);
	ck_assert_int_eq(r.p.caps.max_qos, 0);
	ck_assert_str_eq(r.p.source[PROFILE_MAX_QOS], "declared in p.json");
	ck_assert_int_eq(r.p.caps.wildcards, 1);
	ck_assert_int_eq(r.p.caps.retain, 0);
	ck_assert_str_eq(r.p.source[PROFILE_RETAIN], "probe: a retained QoS 1 message did not reach a later subscriber");
	ck_assert_int_eq(r.p.caps.sys, -1);
	ck_assert_str_eq(r.p.source[PROFILE_SYS], "not probed: --stay-in-prefix");
	ck_assert_int_eq(r.p.caps.max_client_id, 64);
	ck_assert_str_eq(r.p.source[PROFILE_MAX_CLIENT_ID], "probe: a 64-character client id was accepted");
	/* Nothing subscribed to $SYS: the second client sent one SUBSCRIBE only. */
	size_t subs = 0;
	for (size_t i = 0; i < fake_peer_nreceived(r.peer, 1); i++)
		subs += fake_peer_received(r.peer, 1, i)->type == 8;
	ck_assert_uint_eq(subs, 1);
	fake_peer_free(r.peer);
}
END_TEST

/* A broker that refuses the probe's CONNECT: nothing learnt, nothing guessed. */
START_TEST(refused_leaves_unknown)
{
	const struct fake_step refuses[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x05), FP_END};
	struct probe_run r;
	profile_init(&r.p);
	const struct fake_step *const scripts[] = {refuses};
	probe(&r, scripts, 1, 0);
	ck_assert_int_eq(r.p.caps.max_qos, -1);
	ck_assert_int_eq(r.p.caps.wildcards, -1);
	ck_assert_int_eq(r.p.caps.retain, -1);
	ck_assert_int_eq(r.p.caps.sys, -1);
	ck_assert_int_eq(r.p.caps.max_client_id, -1);
	for (int i = 0; i < PROFILE_NCAPS; i++)
		ck_assert_str_eq(r.p.source[i], "probe: no answer");
	ck_assert_uint_eq(fake_peer_nconns(r.peer), 1);
	ck_assert_ptr_null(r.find.clause);
	fake_peer_free(r.peer);
}
END_TEST

/* A SUBACK with a reserved code breaks MQTT-3.9.3-2: the finding names it and
 * keeps the bytes; the code is no QoS, so max_qos stays unknown. */
START_TEST(reserved_suback_code_is_the_finding)
{
	const struct fake_step bad_suback[] = {FP_ACCEPT, FP_RECV(8), FP_SEND_ID(0x90, 0x04, 0, 0, 0x03, 0x00),
						      FP_RECV(3), FP_END};
	struct probe_run r;
	profile_init(&r.p);
	const struct fake_step *const scripts[] = {bad_suback};
	probe(&r, scripts, 1, 0);
	ck_assert_str_eq(r.find.clause, "MQTT-3.9.3-2");
	ck_assert_msg(strstr(r.find.what, "0x03 is reserved"), "%s", r.find.what);
	ck_assert_uint_eq(r.find.rawn, 6);
	ck_assert_int_eq(r.find.raw[0], 0x90);
	ck_assert_int_eq(r.find.raw[4], 0x03);
	ck_assert_int_eq(r.p.caps.max_qos, -1);
	ck_assert_int_eq(r.p.caps.wildcards, 1);
	fake_peer_free(r.peer);
}
END_TEST

START_TEST(transport_from_endpoints)
{
	struct conn_endpoint eps[3];
	memset(eps, 0, sizeof eps);
	snprintf(eps[0].url, sizeof eps[0].url, "ws://a/mqtt");
	eps[0].ws = 1;
	snprintf(eps[1].url, sizeof eps[1].url, "wss://b/mqtt");
	eps[1].ws = 1;
	eps[1].tls = 1;
	snprintf(eps[2].url, sizeof eps[2].url, "mqtt://c");
	struct profile p;
	profile_init(&p);
	profile_set_transport(&p, eps, 1);
	ck_assert_int_eq(p.caps.ws, 1);
	ck_assert_str_eq(p.transport, "the broker is ws://a/mqtt");
	profile_set_transport(&p, eps, 2);
	ck_assert_int_eq(p.caps.ws, 1);
	profile_set_transport(&p, eps, 3);
	ck_assert_int_eq(p.caps.ws, 0);
	ck_assert_str_eq(p.transport, "only 2 of the 3 --broker endpoints are WebSocket");
	profile_set_transport(&p, eps + 2, 1);
	ck_assert_int_eq(p.caps.ws, 0);
	ck_assert_str_eq(p.transport, "the broker is mqtt://c");
	profile_set_transport(&p, eps, 0);
	ck_assert_int_eq(p.caps.ws, 0);
}
END_TEST

Suite *profile_probe_suite(void)
{
	Suite *s = suite_create("profile_probe");
	TCase *tc = tcase_create("profile_probe");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, qos1_only_no_wildcards);
	tcase_add_test(tc, declared_kept_and_stay_in_prefix);
	tcase_add_test(tc, refused_leaves_unknown);
	tcase_add_test(tc, reserved_suback_code_is_the_finding);
	tcase_add_test(tc, transport_from_endpoints);
	suite_add_tcase(s, tc);
	return s;
}
