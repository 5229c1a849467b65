/* test_sync_client.c - the synchronous client of the pre-flight and the
 * probe, against the fake peer: a packet back, nothing by the deadline, the
 * broker closing, bytes that are no packet, and the first rule an answer
 * breaks kept as the finding (a malformed packet, a first packet that is not
 * CONNACK, a reserved code). Closing sends DISCONNECT. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/sync_client.h"
#include "util/clock.h"
#include "tests/unit/fake_peer.h"
#include "tests/unit/loopback.h"
#include "tests/unit/suites.h"

struct sc_run {
	struct fake_peer *peer;
	struct conn_endpoint ep;
	struct conn_ctx ctx;
	struct sync_client b;
	struct sync_client_finding find;
	struct mqtt_packet p;
	struct err e;
};

/* Open a client to a peer serving `script`, and send it a CONNECT. */
static void sc_open(struct sc_run *r, const struct fake_step *script)
{
	memset(r, 0, sizeof *r);
	static const struct fake_step *scripts[1];
	scripts[0] = script;
	r->peer = fake_peer_start(scripts, 1);
	ck_assert_msg(conn_endpoint_parse(&r->ep, fake_peer_url(r->peer), &r->e) == 0, "%s", r->e.msg);
	ck_assert_msg(sync_client_open(&r->b, &r->ep, &r->ctx, clock_ms() + 3000, &r->e) == 0, "%s", r->e.msg);
	r->b.find = &r->find;
	struct mqtt_packet c;
	sync_client_connect_packet(&c, "sc1", NULL, NULL);
	ck_assert_msg(sync_client_send(&r->b, &c, &r->e) == 0, "%s", r->e.msg);
}

static int sc_recv(struct sc_run *r, double ms)
{
	return sync_client_recv(&r->b, clock_ms() + ms, &r->p, &r->e);
}

static void sc_done(struct sc_run *r)
{
	sync_client_close(&r->b);
	fake_peer_stop(r->peer);
	fake_peer_free(r->peer);
}

START_TEST(connack_then_nothing)
{
	const struct fake_step s[] = {FP_ACCEPT, FP_END};
	struct sc_run r;
	sc_open(&r, s);
	ck_assert_int_eq(sc_recv(&r, 3000), 1);
	ck_assert_int_eq(r.p.type, MQTT_CONNACK);
	ck_assert_int_eq(r.p.return_code, 0);
	ck_assert_uint_eq(r.b.lastn, 4);
	ck_assert_int_eq(r.b.last[0], 0x20);
	ck_assert_ptr_null(r.find.clause);
	/* Nothing more: 0 at the deadline, with a wide margin. */
	double t0 = clock_ms();
	ck_assert_int_eq(sc_recv(&r, 30), 0);
	ck_assert(clock_ms() - t0 >= 29);
	sync_client_close(&r.b);
	fake_peer_stop(r.peer);
	/* The CONNECT it sent: client id "sc1", clean session, no credentials. */
	const struct fake_rx *c = fake_peer_received(r.peer, 0, 0);
	ck_assert_int_eq(c->type, 1);
	ck_assert_int_eq(c->bytes[9], MQTT_CF_CLEAN_SESSION);
	ck_assert_uint_eq(c->n, 17);
	ck_assert_mem_eq(c->bytes + 12, "\x00\x03sc1", 5);
	fake_peer_free(r.peer);
}
END_TEST

START_TEST(two_packets_in_one_write)
{
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0x20, 0x02, 0x00, 0x00, 0xd0, 0x00), FP_END};
	struct sc_run r;
	sc_open(&r, s);
	ck_assert_int_eq(sc_recv(&r, 3000), 1);
	ck_assert_int_eq(r.p.type, MQTT_CONNACK);
	/* The second is already read: it comes with no time left to wait. */
	ck_assert_int_eq(sync_client_recv(&r.b, clock_ms(), &r.p, &r.e), 1);
	ck_assert_int_eq(r.p.type, MQTT_PINGRESP);
	ck_assert_uint_eq(r.b.lastn, 2);
	sc_done(&r);
}
END_TEST

START_TEST(closed_by_the_broker)
{
	const struct fake_step s[] = {FP_RECV(1), FP_CLOSE};
	struct sc_run r;
	sc_open(&r, s);
	ck_assert_int_eq(sc_recv(&r, 3000), -1);
	ck_assert_str_eq(r.e.msg, "the broker closed the connection");
	ck_assert_ptr_null(r.b.last);
	ck_assert_ptr_null(r.find.clause);
	sc_done(&r);
}
END_TEST

/* A CONNACK one byte too long: malformed, the finding keeps clause and bytes. */
START_TEST(malformed_is_a_finding)
{
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00), FP_END};
	struct sc_run r;
	sc_open(&r, s);
	ck_assert_int_eq(sc_recv(&r, 3000), -1);
	ck_assert_str_eq(r.e.msg, "the broker sent a malformed packet: CONNACK: remaining length 3, expected 2");
	ck_assert_uint_eq(r.b.lastn, 5);
	ck_assert_ptr_nonnull(r.find.clause);
	ck_assert_str_eq(r.find.clause, r.b.diag.clause);
	ck_assert_str_eq(r.find.what, "CONNACK: remaining length 3, expected 2");
	ck_assert_uint_eq(r.find.rawn, 5);
	static const uint8_t raw[] = {0x20, 0x03, 0x00, 0x00, 0x00};
	ck_assert_mem_eq(r.find.raw, raw, 5);
	sc_done(&r);
}
END_TEST

START_TEST(first_not_connack_is_a_finding)
{
	/* A PINGRESP first, then a malformed CONNACK: the first rule broken is kept. */
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0xd0, 0x00), FP_SEND(0x20, 0x03, 0x00, 0x00, 0x00),
					     FP_END};
	struct sc_run r;
	sc_open(&r, s);
	ck_assert_int_eq(sc_recv(&r, 3000), 1);
	ck_assert_int_eq(r.p.type, MQTT_PINGRESP);
	ck_assert_str_eq(r.find.clause, "MQTT-3.2.0-1");
	ck_assert_str_eq(r.find.what, "the first packet on the connection is PINGRESP, not CONNACK");
	ck_assert_uint_eq(r.find.rawn, 2);
	ck_assert_int_eq(sc_recv(&r, 3000), -1);
	ck_assert_str_eq(r.find.clause, "MQTT-3.2.0-1");
	sc_done(&r);
}
END_TEST

/* A packet that decodes but breaks a rule of the strict checker. */
START_TEST(reserved_code_is_a_finding)
{
	const struct fake_step s[] = {FP_ACCEPT, FP_SEND(0x90, 0x03, 0x00, 0x01, 0x03), FP_END};
	struct sc_run r;
	sc_open(&r, s);
	ck_assert_int_eq(sc_recv(&r, 3000), 1);
	ck_assert_ptr_null(r.find.clause);
	ck_assert_int_eq(sc_recv(&r, 3000), 1);
	ck_assert_int_eq(r.p.type, MQTT_SUBACK);
	ck_assert_str_eq(r.find.clause, "MQTT-3.9.3-2");
	ck_assert_msg(strstr(r.find.what, "SUBACK") == r.find.what && strstr(r.find.what, ": SUBACK code[0]: 0x03 is reserved"),
		      "%s", r.find.what);
	ck_assert_uint_eq(r.find.rawn, 5);
	sc_done(&r);
}
END_TEST

/* Without a finding to fill (b->find NULL), a broken packet is still an error. */
START_TEST(no_finding_asked)
{
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0xd0, 0x00), FP_END};
	struct sc_run r;
	sc_open(&r, s);
	r.b.find = NULL;
	ck_assert_int_eq(sc_recv(&r, 3000), 1);
	ck_assert_ptr_null(r.find.clause);
	ck_assert_int_eq(r.b.seen_first, 1);
	sc_done(&r);
}
END_TEST

static const struct {
	const char *name;
	uint8_t bytes[8];
	size_t n;
} not_packets[] = {
	/* A remaining length of five bytes. */
	{"five length bytes", {0x20, 0xff, 0xff, 0xff, 0xff, 0x7f}, 6},
	/* 16384 bytes announced: more than the client's buffer. */
	{"too big", {0x30, 0x80, 0x80, 0x01}, 4},
};

START_TEST(not_a_packet)
{
	struct fake_step s[] = {FP_RECV(1), {.op = FAKE_SEND, .bytes = not_packets[_i].bytes, .n = not_packets[_i].n},
				FP_END};
	struct sc_run r;
	sc_open(&r, s);
	ck_assert_msg(sc_recv(&r, 3000) == -1, "%s", not_packets[_i].name);
	ck_assert_str_eq(r.e.msg, "the broker sent something that is not an MQTT packet (or one too big here)");
	ck_assert_ptr_eq(r.b.last, r.b.in);
	ck_assert_uint_eq(r.b.lastn, not_packets[_i].n);
	sc_done(&r);
}
END_TEST

START_TEST(open_refused)
{
	char url[64];
	loopback_dead_url("mqtt", url, sizeof url);
	struct conn_endpoint ep;
	struct conn_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	struct err e;
	ck_assert_int_eq(conn_endpoint_parse(&ep, url, &e), 0);
	struct sync_client b;
	ck_assert_int_eq(sync_client_open(&b, &ep, &ctx, clock_ms() + 3000, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "Connection refused"));
	ck_assert_int_eq(b.conn.fd, -1);
}
END_TEST

/* A TLS endpoint whose listener never answers the handshake: said so, in time. */
START_TEST(open_tls_handshake_not_finished)
{
	char url[64];
	int lfd = loopback_listen("mqtts", url, sizeof url);
	struct conn_endpoint ep;
	struct conn_ctx ctx;
	struct conn_tls_opts to = {.insecure = 1};
	struct err e;
	ck_assert_msg(conn_ctx_init(&ctx, &to, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(conn_endpoint_parse(&ep, url, &e), 0);
	struct sync_client b;
	ck_assert_int_eq(sync_client_open(&b, &ep, &ctx, clock_ms() + 50, &e), -1);
	char want[128];
	snprintf(want, sizeof want, "%s could not be reached in time (the TLS handshake did not finish)", url);
	ck_assert_str_eq(e.msg, want);
	conn_ctx_free(&ctx);
	close(lfd);
}
END_TEST

/* Closing an open client sends DISCONNECT, then the connection ends. */
START_TEST(close_sends_disconnect)
{
	char url[64];
	int lfd = loopback_listen("mqtt", url, sizeof url);
	struct conn_endpoint ep;
	struct conn_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	struct err e;
	ck_assert_int_eq(conn_endpoint_parse(&ep, url, &e), 0);
	struct sync_client b;
	ck_assert_msg(sync_client_open(&b, &ep, &ctx, clock_ms() + 3000, &e) == 0, "%s", e.msg);
	int peer = loopback_accept(lfd);
	sync_client_close(&b);
	ck_assert_int_eq(b.conn.fd, -1);
	uint8_t buf[16];
	ck_assert_uint_eq(loopback_read_all(peer, buf, sizeof buf), 2);
	ck_assert_int_eq(buf[0], 0xe0);
	ck_assert_int_eq(buf[1], 0x00);
	close(peer);
	close(lfd);
}
END_TEST

START_TEST(connect_packet_with_credentials)
{
	struct mqtt_packet p;
	sync_client_connect_packet(&p, "Msabc", "user", "pw");
	ck_assert_int_eq(p.type, MQTT_CONNECT);
	ck_assert_uint_eq(p.client_id.s.n, 5);
	ck_assert_mem_eq(p.client_id.s.p, "Msabc", 5);
	ck_assert(p.connect_flags & MQTT_CF_CLEAN_SESSION);
	ck_assert(p.connect_flags & MQTT_CF_USERNAME);
	ck_assert(p.connect_flags & MQTT_CF_PASSWORD);
	ck_assert(p.username.present);
	ck_assert_mem_eq(p.username.s.p, "user", 4);
	ck_assert_mem_eq(p.password.s.p, "pw", 2);
	sync_client_connect_packet(&p, "Msabc", NULL, NULL);
	ck_assert(!(p.connect_flags & (MQTT_CF_USERNAME | MQTT_CF_PASSWORD)));
	ck_assert(!p.username.present);
	ck_assert(!p.password.present);
}
END_TEST

/* A client set to 5.0 sends a level-5 CONNECT with an empty property block,
 * reads a 5.0 CONNACK (its properties included) and judges it by 5.0's rules
 * (a 3.1.1 reading would find the CONNACK too long). */
START_TEST(speaks_the_version_set_on_it)
{
	const struct fake_step s[] = {FP_RECV(1), FP_SEND(0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x14), FP_END};
	struct sc_run r;
	memset(&r, 0, sizeof r);
	const struct fake_step *scripts[1] = {s};
	r.peer = fake_peer_start(scripts, 1);
	ck_assert_msg(conn_endpoint_parse(&r.ep, fake_peer_url(r.peer), &r.e) == 0, "%s", r.e.msg);
	ck_assert_msg(sync_client_open(&r.b, &r.ep, &r.ctx, clock_ms() + 3000, &r.e) == 0, "%s", r.e.msg);
	ck_assert_int_eq(r.b.version, MQTT_V311); /* until the caller says otherwise */
	r.b.version = MQTT_V5;
	r.b.find = &r.find;
	struct mqtt_packet c;
	sync_client_connect_packet_v(&c, MQTT_V5, "sc5", NULL, NULL);
	ck_assert_msg(sync_client_send(&r.b, &c, &r.e) == 0, "%s", r.e.msg);
	ck_assert_int_eq(sc_recv(&r, 3000), 1);
	ck_assert_int_eq(r.p.type, MQTT_CONNACK);
	ck_assert_int_eq(r.p.props.count, 1);
	ck_assert_uint_eq(r.p.props.items[0].id, 0x21);
	ck_assert_uint_eq(r.p.props.items[0].num, 20);
	ck_assert_ptr_null(r.find.clause);
	sync_client_close(&r.b);
	fake_peer_stop(r.peer);
	const struct fake_rx *cn = fake_peer_received(r.peer, 0, 0);
	ck_assert_uint_eq(cn->n, 18);
	ck_assert_int_eq(cn->bytes[8], 5);  /* Protocol Level */
	ck_assert_int_eq(cn->bytes[12], 0); /* Property Length */
	ck_assert_mem_eq(cn->bytes + 13, "\x00\x03sc5", 5);
	fake_peer_free(r.peer);
}
END_TEST

Suite *sync_client_suite(void)
{
	Suite *s = suite_create("sync_client");
	TCase *tc = tcase_create("sync_client");
	tcase_add_test(tc, connack_then_nothing);
	tcase_add_test(tc, speaks_the_version_set_on_it);
	tcase_add_test(tc, two_packets_in_one_write);
	tcase_add_test(tc, closed_by_the_broker);
	tcase_add_test(tc, malformed_is_a_finding);
	tcase_add_test(tc, first_not_connack_is_a_finding);
	tcase_add_test(tc, reserved_code_is_a_finding);
	tcase_add_test(tc, no_finding_asked);
	tcase_add_loop_test(tc, not_a_packet, 0, (int)(sizeof not_packets / sizeof not_packets[0]));
	tcase_add_test(tc, open_refused);
	tcase_add_test(tc, open_tls_handshake_not_finished);
	tcase_add_test(tc, close_sends_disconnect);
	tcase_add_test(tc, connect_packet_with_credentials);
	suite_add_tcase(s, tc);
	return s;
}
