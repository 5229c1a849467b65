/* test_conn_tls.c - the TLS context (--cafile, --cert, --key refused with
 * what is wrong) and TLS set-up on loopback: an mqtts:// endpoint whose
 * listener speaks plain MQTT, or closes, fails the handshake with a clear
 * error, never hangs. The listener is driven from the test's own thread. */
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/conn.h"
#include "tests/unit/loopback.h"
#include "tests/unit/suites.h"

START_TEST(ctx_default_store_and_free)
{
	struct conn_ctx ctx;
	struct conn_tls_opts o = {.insecure = 1};
	struct err e;
	ck_assert_msg(conn_ctx_init(&ctx, &o, &e) == 0, "%s", e.msg);
	ck_assert_ptr_nonnull(ctx.ssl_ctx);
	ck_assert_int_eq(ctx.tls.insecure, 1);
	conn_ctx_free(&ctx);
	ck_assert_ptr_null(ctx.ssl_ctx);
	conn_ctx_free(&ctx); /* twice is harmless */
}
END_TEST

static char junk[64];

static void write_junk(void)
{
	snprintf(junk, sizeof junk, "/tmp/mqttspec-tls-XXXXXX");
	int fd = mkstemp(junk);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not a certificate\n", 18), 18);
	close(fd);
}

START_TEST(ctx_bad_files)
{
	write_junk();
	struct {
		struct conn_tls_opts o;
		const char *msg;
	} bad[] = {
		{{.cafile = "/nonexistent/ca.pem"}, "--cafile /nonexistent/ca.pem: cannot load CA certificates: "},
		{{.cafile = junk}, "--cafile "},
		{{.cert = "/nonexistent/c.pem"}, "mutual TLS needs both --cert and --key"},
		{{.key = "/nonexistent/k.pem"}, "mutual TLS needs both --cert and --key"},
		{{.cert = "/nonexistent/c.pem", .key = "/nonexistent/k.pem"},
		 "--cert /nonexistent/c.pem: cannot load the client certificate: "},
		{{.cert = junk, .key = junk}, "--cert "},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct conn_ctx ctx;
		struct err e;
		ck_assert_int_eq(conn_ctx_init(&ctx, &bad[i].o, &e), -1);
		ck_assert_msg(strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)) == 0, "%zu: %s", i, e.msg);
		ck_assert_ptr_null(ctx.ssl_ctx);
	}
	/* The file that is no certificate is named, and OpenSSL's reason follows. */
	struct conn_ctx ctx;
	struct conn_tls_opts o = {.cafile = junk};
	struct err e;
	ck_assert_int_eq(conn_ctx_init(&ctx, &o, &e), -1);
	char want[128];
	snprintf(want, sizeof want, "--cafile %s: cannot load CA certificates: ", junk);
	ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0 && strlen(e.msg) > strlen(want), "%s", e.msg);
	unlink(junk);
}
END_TEST

/* Advance the set-up once after waiting a little: 1 open, 0 not yet, -1 failed. */
static int step(struct conn *c, struct err *e)
{
	struct pollfd p = {c->fd, conn_events(c), 0};
	poll(&p, 1, 20);
	return conn_progress(c, e);
}

struct tls_try {
	char url[64];
	int lfd, peer;
	struct conn_endpoint ep;
	struct conn_ctx ctx;
	struct conn c;
	struct err e;
};

/* Start an mqtts:// connection to a loopback listener and accept it; the
 * ClientHello is on its way once this returns. */
static void tls_start(struct tls_try *t, int with_ctx)
{
	t->lfd = loopback_listen("mqtts", t->url, sizeof t->url);
	ck_assert_int_eq(conn_endpoint_parse(&t->ep, t->url, &t->e), 0);
	memset(&t->ctx, 0, sizeof t->ctx);
	struct conn_tls_opts o = {.insecure = 1};
	if (with_ctx)
		ck_assert_msg(conn_ctx_init(&t->ctx, &o, &t->e) == 0, "%s", t->e.msg);
	conn_init(&t->c);
	ck_assert_int_eq(conn_start(&t->c, &t->ep, &t->ctx, &t->e), 0);
	t->peer = loopback_accept(t->lfd);
}

static void tls_end(struct tls_try *t)
{
	conn_close(&t->c);
	conn_ctx_free(&t->ctx);
	close(t->peer);
	close(t->lfd);
}

START_TEST(tls_to_a_plain_listener)
{
	struct tls_try t;
	tls_start(&t, 1);
	int r = 0;
	for (int i = 0; i < 150 && r == 0 && t.c.state != CONN_TLS; i++)
		r = step(&t.c, &t.e);
	/* TCP is up and the ClientHello sent; the handshake waits for the server. */
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(t.c.state, CONN_TLS);
	ck_assert_int_eq(conn_pending(&t.c), 0);
	uint8_t hello[2048];
	ck_assert_int_gt(recv(t.peer, hello, sizeof hello, 0), 5);
	ck_assert_int_eq(hello[0], 0x16); /* a TLS handshake record */
	/* A plain MQTT broker answers with MQTT bytes. */
	ck_assert_int_eq(send(t.peer, "\x20\x02\x00\x00\xd0\x00", 6, 0), 6);
	for (int i = 0; i < 150 && r == 0; i++)
		r = step(&t.c, &t.e);
	ck_assert_int_eq(r, -1);
	char want[128];
	snprintf(want, sizeof want, "TLS handshake with %s failed: ", t.url);
	ck_assert_msg(strncmp(t.e.msg, want, strlen(want)) == 0 && strlen(t.e.msg) > strlen(want), "%s", t.e.msg);
	tls_end(&t);
}
END_TEST

START_TEST(tls_listener_closes)
{
	/* As mqttspec does (cli/main.c): OpenSSL writes to the closed socket. */
	signal(SIGPIPE, SIG_IGN);
	struct tls_try t;
	tls_start(&t, 1);
	close(t.peer);
	t.peer = -1;
	int r = 0;
	for (int i = 0; i < 150 && r == 0; i++)
		r = step(&t.c, &t.e);
	ck_assert_int_eq(r, -1);
	char want[128];
	snprintf(want, sizeof want, "TLS handshake with %s failed: ", t.url);
	ck_assert_msg(strncmp(t.e.msg, want, strlen(want)) == 0 && strlen(t.e.msg) > strlen(want), "%s", t.e.msg);
	tls_end(&t);
}
END_TEST

/* An mqtts:// endpoint on a run without a TLS context is refused, not tried. */
START_TEST(tls_without_context)
{
	struct tls_try t;
	tls_start(&t, 0);
	int r = 0;
	for (int i = 0; i < 150 && r == 0; i++)
		r = step(&t.c, &t.e);
	ck_assert_int_eq(r, -1);
	char want[128];
	snprintf(want, sizeof want, "%s: TLS is not set up", t.url);
	ck_assert_str_eq(t.e.msg, want);
	tls_end(&t);
}
END_TEST

Suite *conn_tls_suite(void)
{
	Suite *s = suite_create("conn_tls");
	TCase *tc = tcase_create("conn_tls");
	tcase_add_test(tc, ctx_default_store_and_free);
	tcase_add_test(tc, ctx_bad_files);
	tcase_add_test(tc, tls_to_a_plain_listener);
	tcase_add_test(tc, tls_listener_closes);
	tcase_add_test(tc, tls_without_context);
	suite_add_tcase(s, tc);
	return s;
}
